;; unstable.wat - a command importing only from WASI preview 0.
(module
  (import "wasi_unstable" "proc_exit" (func $exit (param i32)))
  (func (export "_start") (call $exit (i32.const 5))))
