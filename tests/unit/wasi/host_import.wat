;; host_import.wat - a command that also needs a host function WASI does
;; not provide.
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
  (import "env" "host_log" (func (param i32)))
  (func (export "_start")))
