;; block_read.wat - reads stdin, which the test makes a pipe that stays
;; empty: fd_read blocks until ep_wasi_interrupt.
(module
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\10\00\00\00\00\01\00\00")
  (func (export "_start") (drop (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))))
