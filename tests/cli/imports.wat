;; imports.wat - needs a host function edgeplug does not provide (WASI
;; imports resolve; this one is not WASI): `run` must refuse it by name.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
  (import "env" "host_log" (func (param i32)))
  (func (export "main")))
