;; both.wat - a command importing from WASI preview 1 and preview 0 at once,
;; and a host function neither provides; it exits through preview 0.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "proc_exit" (func $exit (param i32)))
  (import "env" "host_log" (func (param i32)))
  (func (export "_start") (call $exit (i32.const 5))))
