;; imports.wat - needs a host function: `run` must refuse it until WASI lands.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
  (func (export "main")))
