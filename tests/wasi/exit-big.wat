;; exit-big.wat - exit codes a process status cannot hold, and proc_exit
;; from a function called with --invoke.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (func (export "_start") (call $proc_exit (i32.const 256)))
  (func (export "minus1") (call $proc_exit (i32.const -1)))
  (func (export "seven") (result i32) (call $proc_exit (i32.const 7)) (i32.const 1)))
