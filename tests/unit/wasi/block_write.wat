;; block_write.wat - writes 1 MiB to stdout, a pipe nobody reads: fd_write
;; blocks once the pipe is full, until ep_wasi_interrupt.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 17)
  (data (i32.const 0) "\00\00\01\00\00\00\10\00")   ;; iovec {65536, 1 MiB}
  (func (export "_start") (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
