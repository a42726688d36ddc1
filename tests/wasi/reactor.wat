;; reactor.wat - a WASI reactor: no _start, an _initialize that --invoke
;; runs first, and functions that use WASI when invoked.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (global $g (mut i32) (i32.const 0))
  (data (i32.const 0) "hello from a reactor\n")
  (data (i32.const 32) "\00\00\00\00\15\00\00\00")
  (func (export "_initialize") (global.set $g (i32.const 42)))
  (func (export "get") (result i32) (global.get $g))
  (func (export "hello") (result i32)
    (call $fd_write (i32.const 1) (i32.const 32) (i32.const 1) (i32.const 64))))
