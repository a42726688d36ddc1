;; unstable-seek.wat - fd_seek under preview 0, whose whence is CUR 0,
;; END 1, SET 2 (preview 1: SET 0, CUR 1, END 2), beside preview 1's own
;; fd_seek in the same module. Run with stdin from a file holding
;; "0123456789": prints the byte at the final offset (8), then checks that
;; without FD_SEEK only a CUR seek of 0 works, and exits 0, or exits with
;; the number of the first check that got something else.
(module
  (import "wasi_unstable" "fd_seek" (func $seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_tell" (func $tell (param i32 i32) (result i32)))
  (import "wasi_unstable" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_fdstat_set_rights" (func $set_rights (param i32 i64 i64) (result i32)))
  (import "wasi_unstable" "proc_exit" (func $proc_exit (param i32)))
  (import "wasi_snapshot_preview1" "fd_seek" (func $seek1 (param i32 i64 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "\00\01\00\00\01\00\00\00")   ;; iovec {256, 1}
  (data (i32.const 72) "\aa")                         ;; just past the u64 at 64
  (data (i32.const 257) "\n")
  (global $n (mut i32) (i32.const 0))
  (func $expect (param $got i32) (param $want i32)
    (global.set $n (i32.add (global.get $n) (i32.const 1)))
    (if (i32.ne (local.get $got) (local.get $want))
      (then (call $proc_exit (global.get $n)))))
  ;; fd_seek(0, off, whence) must succeed and leave want at 64.
  (func $at (param $rc i32) (param $want i64)
    (call $expect (local.get $rc) (i32.const 0))
    (call $expect (i32.wrap_i64 (i64.load (i32.const 64))) (i32.wrap_i64 (local.get $want)))
    (call $expect (i32.wrap_i64 (i64.shr_u (i64.load (i32.const 64)) (i64.const 32))) (i32.const 0)))
  (func (export "_start")
    ;; 1-9: SET, CUR, END in preview 0's numbers
    (call $at (call $seek (i32.const 0) (i64.const 3) (i32.const 2) (i32.const 64)) (i64.const 3))
    (call $at (call $seek (i32.const 0) (i64.const 2) (i32.const 0) (i32.const 64)) (i64.const 5))
    (call $at (call $seek (i32.const 0) (i64.const -1) (i32.const 1) (i32.const 64)) (i64.const 9))
    ;; 10-12: whence 3 and 255 are no whence; the offset stays
    (call $expect (call $seek (i32.const 0) (i64.const 0) (i32.const 3) (i32.const 64)) (i32.const 28))
    (call $expect (call $seek (i32.const 0) (i64.const 0) (i32.const 255) (i32.const 64)) (i32.const 28))
    (call $expect (call $tell (i32.const 0) (i32.const 64)) (i32.const 0))
    ;; 13-18: the position through fd_tell and through a CUR seek of 0
    (call $at (i32.const 0) (i64.const 9))
    (call $at (call $seek (i32.const 0) (i64.const 0) (i32.const 0) (i32.const 64)) (i64.const 9))
    ;; 19-27: preview 1's numbers through its own import, 0 being SET there
    (call $at (call $seek1 (i32.const 0) (i64.const 4) (i32.const 0) (i32.const 64)) (i64.const 4))
    (call $at (call $seek (i32.const 0) (i64.const 4) (i32.const 0) (i32.const 64)) (i64.const 8))
    (call $at (call $seek1 (i32.const 0) (i64.const 0) (i32.const 1) (i32.const 64)) (i64.const 8))
    ;; 28: 8 bytes written, not more
    (call $expect (i32.load8_u (i32.const 72)) (i32.const 0xaa))
    ;; 29-30: the result's 8 bytes must fit in memory
    (call $expect (call $seek (i32.const 0) (i64.const 0) (i32.const 0) (i32.const 65528)) (i32.const 0))
    (call $expect (call $seek (i32.const 0) (i64.const 0) (i32.const 0) (i32.const 65529)) (i32.const 21))
    ;; 31-33: the byte at 8, printed
    (call $expect (call $read (i32.const 0) (i32.const 16) (i32.const 1) (i32.const 32)) (i32.const 0))
    (call $expect (i32.load (i32.const 32)) (i32.const 1))
    (i32.store (i32.const 20) (i32.const 2))
    (call $expect (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 32)) (i32.const 0))
    ;; 34-41: FD_READ and FD_TELL left: a CUR seek of 0 reports the offset
    ;; (whence 0 here, 1 in preview 1), a SET seek of 0 is refused
    (call $expect (call $set_rights (i32.const 0) (i64.const 0x22) (i64.const 0)) (i32.const 0))
    (call $at (call $seek (i32.const 0) (i64.const 0) (i32.const 0) (i32.const 64)) (i64.const 9))
    (call $at (call $seek1 (i32.const 0) (i64.const 0) (i32.const 1) (i32.const 64)) (i64.const 9))
    (call $expect (call $seek (i32.const 0) (i64.const 0) (i32.const 2) (i32.const 64)) (i32.const 76))
    (call $proc_exit (i32.const 0))))
