;; unstable-unknown.wat - sock_accept is preview 1's alone: under
;; wasi_unstable it is unknown, though fd_write before it links.
(module
  (import "wasi_unstable" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "sock_accept" (func (param i32 i32 i32) (result i32)))
  (func (export "_start")))
