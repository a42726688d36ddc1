;; unstable-filestat.wat - fd_filestat_get and path_filestat_get under
;; preview 0, whose filestat is 56 bytes (nlink a u32 at 20, size at 24,
;; times at 32, 40, 48), beside preview 1's 64-byte one from the same
;; module. Run with a preopen at fd 3 holding f.txt: writes three records
;; to stdout, each in a 64-byte slot that was all 0xaa (preview 0's
;; fd_filestat_get, its path_filestat_get, preview 1's fd_filestat_get) and
;; 8 more bytes of 0xaa after the last, for run.sh to read against stat(1).
;; Exits 0, or with the number of the first check that got something else.
(module
  (import "wasi_unstable" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_filestat_get" (func $fstat (param i32 i32) (result i32)))
  (import "wasi_unstable" "path_filestat_get" (func $stat (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "proc_exit" (func $proc_exit (param i32)))
  (import "wasi_snapshot_preview1" "fd_filestat_get" (func $fstat1 (param i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "\00\01\00\00\c8\00\00\00")   ;; iovec {256, 200}
  (data (i32.const 32) "f.txt")
  (data (i32.const 256) "\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa")
  (data (i32.const 288) "\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa")
  (data (i32.const 320) "\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa")
  (data (i32.const 352) "\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa")
  (data (i32.const 384) "\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa")
  (data (i32.const 416) "\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa\aa")
  (data (i32.const 448) "\aa\aa\aa\aa\aa\aa\aa\aa")
  (global $n (mut i32) (i32.const 0))
  (func $expect (param $got i32) (param $want i32)
    (global.set $n (i32.add (global.get $n) (i32.const 1)))
    (if (i32.ne (local.get $got) (local.get $want))
      (then (call $proc_exit (global.get $n)))))
  (func $stat_at (param $at i32) (result i32)
    (call $stat (i32.const 3) (i32.const 0) (i32.const 32) (i32.const 5) (local.get $at)))
  (func (export "_start")
    (local $fd i32)
    ;; 1: f.txt with FD_READ and FD_FILESTAT_GET
    (call $expect (call $open (i32.const 3) (i32.const 0) (i32.const 32) (i32.const 5)
      (i32.const 0) (i64.const 0x200002) (i64.const 0) (i32.const 0) (i32.const 8)) (i32.const 0))
    (local.set $fd (i32.load (i32.const 8)))
    ;; 2-4: the three records
    (call $expect (call $fstat (local.get $fd) (i32.const 256)) (i32.const 0))
    (call $expect (call $stat_at (i32.const 320)) (i32.const 0))
    (call $expect (call $fstat1 (local.get $fd) (i32.const 384)) (i32.const 0))
    ;; 5-10: preview 0's 56 bytes fit at the very end, one byte later not;
    ;; preview 1's 64 do not fit there
    (call $expect (call $fstat (local.get $fd) (i32.const 65480)) (i32.const 0))
    (call $expect (call $fstat (local.get $fd) (i32.const 65481)) (i32.const 21))
    (call $expect (call $stat_at (i32.const 65480)) (i32.const 0))
    (call $expect (call $stat_at (i32.const 65481)) (i32.const 21))
    (call $expect (call $fstat1 (local.get $fd) (i32.const 65480)) (i32.const 21))
    (call $expect (call $fstat1 (local.get $fd) (i32.const 65472)) (i32.const 0))
    ;; 11-12: preview 0's record at the very end is whole: its size (at 24)
    ;; is the size
    (call $expect (call $fstat (local.get $fd) (i32.const 65480)) (i32.const 0))
    (call $expect (i32.load (i32.const 65504)) (i32.load (i32.const 280)))
    ;; 13-14: all 200 bytes out
    (call $expect (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 12)) (i32.const 0))
    (call $expect (i32.load (i32.const 12)) (i32.const 200))
    (call $proc_exit (i32.const 0))))
