;; rights.wat - rights no toolchain asks for: writing stdin, reading stdout,
;; write rights from a read-only preopen (fd 3, holding data.txt), and
;; rights added back after they were dropped. Exits with the number of the
;; first check that got something else, or 0.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_set_rights" (func $set_rights (param i32 i64 i64) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_get" (func $fdstat (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "x")
  (data (i32.const 16) "\00\00\00\00\01\00\00\00")
  (data (i32.const 32) "data.txt")
  (global $n (mut i32) (i32.const 0))
  (func $expect (param $got i32) (param $want i32)
    (global.set $n (i32.add (global.get $n) (i32.const 1)))
    (if (i32.ne (local.get $got) (local.get $want))
      (then (call $proc_exit (global.get $n)))))
  (func $open (param $oflags i32) (param $base i64) (param $inh i64) (result i32)
    (call $path_open (i32.const 3) (i32.const 0) (i32.const 32) (i32.const 8)
      (local.get $oflags) (local.get $base) (local.get $inh) (i32.const 0) (i32.const 200)))
  (func (export "_start")
    (local $fd i32)
    ;; 1, 2: stdin cannot be written, stdout cannot be read
    (call $expect (call $fd_write (i32.const 0) (i32.const 16) (i32.const 1) (i32.const 200)) (i32.const 76))
    (call $expect (call $fd_read (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 200)) (i32.const 76))
    ;; 3-5: write, create, truncate from the read-only preopen
    (call $expect (call $open (i32.const 0) (i64.const 0x40) (i64.const 0)) (i32.const 76))
    (call $expect (call $open (i32.const 1) (i64.const 2) (i64.const 0)) (i32.const 76))
    (call $expect (call $open (i32.const 8) (i64.const 2) (i64.const 0)) (i32.const 76))
    ;; 6: every right there is, write among them
    (call $expect (call $open (i32.const 0) (i64.const -1) (i64.const -1)) (i32.const 76))
    ;; 7: read, with every inheriting right: the extra ones are dropped
    (call $expect (call $open (i32.const 0) (i64.const 2) (i64.const -1)) (i32.const 0))
    (local.set $fd (i32.load (i32.const 200)))
    (call $expect (call $fdstat (local.get $fd) (i32.const 256)) (i32.const 0))
    ;; 9: no write right, no inheriting rights on a file
    (call $expect (i32.wrap_i64 (i64.and (i64.load (i32.const 264)) (i64.const 0x40))) (i32.const 0))
    (call $expect (i32.wrap_i64 (i64.load (i32.const 272))) (i32.const 0))
    ;; 11: rights only shrink
    (call $expect (call $set_rights (local.get $fd) (i64.const -1) (i64.const 0)) (i32.const 76))
    (call $expect (call $set_rights (local.get $fd) (i64.const 0) (i64.const 0)) (i32.const 0))
    (call $expect (call $fd_read (local.get $fd) (i32.const 16) (i32.const 1) (i32.const 200)) (i32.const 76))
    (call $expect (call $set_rights (local.get $fd) (i64.const 2) (i64.const 0)) (i32.const 76))
    ;; 15: a directory is not written to
    (call $expect (call $fd_write (i32.const 3) (i32.const 16) (i32.const 1) (i32.const 200)) (i32.const 76))
    (call $proc_exit (i32.const 0))))
