;; The WASI environment as a plugin sees it, for test_budgets.c: count and
;; bytes from environ_sizes_get, and get(ptrs, buf) runs environ_get.
(module
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $get (param i32 i32) (result i32)))
  (memory (export "memory") 32)
  (func (export "count") (result i32)
    (drop (call $sizes (i32.const 0) (i32.const 4)))
    (i32.load (i32.const 0)))
  (func (export "bytes") (result i32)
    (drop (call $sizes (i32.const 0) (i32.const 4)))
    (i32.load (i32.const 4)))
  (func (export "get") (param i32 i32) (result i32)
    (call $get (local.get 0) (local.get 1))))
