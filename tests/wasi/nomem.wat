;; nomem.wat - WASI calls from a module without memory: every pointer is
;; bad, so fd_write is EFAULT; the exit code is its result (21).
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (func (export "_start")
    (call $proc_exit (call $fd_write (i32.const 1) (i32.const 0) (i32.const 0) (i32.const 0)))))
