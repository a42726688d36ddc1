;; unstable-badsig.wat - wasi_unstable.fd_seek with an i64 whence: its
;; signature is preview 1's, (i32 i64 i32 i32) -> i32.
(module
  (import "wasi_unstable" "fd_seek" (func (param i32 i64 i64 i32) (result i32)))
  (func (export "_start")))
