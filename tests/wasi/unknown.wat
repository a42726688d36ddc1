;; unknown.wat - a wasi_snapshot_preview1 function that does not exist.
(module
  (import "wasi_snapshot_preview1" "fd_frobnicate" (func (param i32) (result i32)))
  (func (export "_start")))
