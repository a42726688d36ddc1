;; unstable-readdir.wat - fd_readdir under preview 0: dirents as in preview
;; 1 (d_next u64 @0, d_ino u64 @8, d_namlen u32 @16, d_type u8 @20, the name
;; after 24 bytes). Run with a preopen at fd 3 holding only the file abc and
;; the directory de: checks every entry (cookies, abc's inode against
;; preview 0's path_filestat_get, the types), a read from a cookie and a cut
;; one. Exits 0, or with the number of the first check that got something
;; else.
(module
  (import "wasi_unstable" "fd_readdir" (func $readdir (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_unstable" "path_filestat_get" (func $stat (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 32) "abc")
  (global $n (mut i32) (i32.const 0))
  (func $expect (param $got i32) (param $want i32)
    (global.set $n (i32.add (global.get $n) (i32.const 1)))
    (if (i32.ne (local.get $got) (local.get $want))
      (then (call $proc_exit (global.get $n)))))
  (func (export "_start")
    (local $p i32) (local $end i32) (local $len i32) (local $i i32) (local $seen i32)
    ;; 1: abc's filestat at 512 (ino @8, filetype @16)
    (call $expect (call $stat (i32.const 3) (i32.const 0) (i32.const 32) (i32.const 3) (i32.const 512)) (i32.const 0))
    ;; 2-3: all of it: 4 entries (., .., abc, de) of 24 bytes and 8 of names
    (call $expect (call $readdir (i32.const 3) (i32.const 4096) (i32.const 1024) (i64.const 0) (i32.const 0)) (i32.const 0))
    (call $expect (i32.load (i32.const 0)) (i32.const 104))
    (local.set $p (i32.const 4096))
    (local.set $end (i32.add (i32.const 4096) (i32.load (i32.const 0))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (local.set $len (i32.load (i32.add (local.get $p) (i32.const 16))))
        ;; d_next is the cookie after this entry; bytes 21-23 are padding
        (call $expect (i32.wrap_i64 (i64.load (local.get $p))) (local.get $i))
        (call $expect (i32.load offset=20 (local.get $p)) (i32.load8_u offset=20 (local.get $p)))
        (if (i32.and (i32.eq (local.get $len) (i32.const 3))
                     (i32.eq (i32.load offset=24 (local.get $p)) (i32.load (i32.const 32))))
          (then
            (local.set $seen (i32.or (local.get $seen) (i32.const 1)))
            (call $expect (i32.wrap_i64 (i64.load offset=8 (local.get $p))) (i32.wrap_i64 (i64.load (i32.const 520))))
            (call $expect (i32.load8_u offset=20 (local.get $p)) (i32.const 4))
            (call $expect (i32.load8_u (i32.const 528)) (i32.const 4))))
        (if (i32.and (i32.eq (local.get $len) (i32.const 2))
                     (i32.eq (i32.load16_u offset=24 (local.get $p)) (i32.const 0x6564)))   ;; "de"
          (then
            (local.set $seen (i32.or (local.get $seen) (i32.const 2)))
            (call $expect (i32.load8_u offset=20 (local.get $p)) (i32.const 3))))
        (local.set $p (i32.add (local.get $p) (i32.add (i32.const 24) (local.get $len))))
        (br $next)))
    ;; then: 4 entries, abc and de among them, ending where the count said
    (call $expect (local.get $i) (i32.const 4))
    (call $expect (local.get $seen) (i32.const 3))
    (call $expect (local.get $p) (local.get $end))
    ;; from cookie 3: the last entry alone, its d_next 4
    (call $expect (call $readdir (i32.const 3) (i32.const 4096) (i32.const 1024) (i64.const 3) (i32.const 0)) (i32.const 0))
    (call $expect (i32.wrap_i64 (i64.load (i32.const 4096))) (i32.const 4))
    (call $expect (i32.load (i32.const 0))
      (i32.add (i32.const 24) (i32.load (i32.const 4112))))
    ;; a buffer of 10 bytes is filled and no more
    (i64.store (i32.const 4104) (i64.const -1))
    (call $expect (call $readdir (i32.const 3) (i32.const 4096) (i32.const 10) (i64.const 0) (i32.const 0)) (i32.const 0))
    (call $expect (i32.load (i32.const 0)) (i32.const 10))
    (call $expect (i32.wrap_i64 (i64.load (i32.const 4096))) (i32.const 1))
    (call $expect (i32.load8_u (i32.const 4106)) (i32.const 0xff))
    (call $proc_exit (i32.const 0))))
