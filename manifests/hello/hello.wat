;; hello.wat - the smallest plugin a manifest can run: a WASI command that
;; writes one line to stdout and needs nothing else (manifests/README.md).
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; 0: the iovec (base, length), 8: bytes written, 16: the text
  (data (i32.const 16) "hello from a manifest\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 22))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
