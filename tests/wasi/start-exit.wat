;; start-exit.wat - proc_exit(9) from the start function, during
;; instantiation: _start never runs.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (func $init (call $proc_exit (i32.const 9)))
  (start $init)
  (func (export "_start") unreachable))
