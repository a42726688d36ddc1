;; efault.wat - bad guest pointers and lengths: every call must answer
;; EFAULT (21) without touching anything, then a good write must still work.
;; Exits with the number of the first check that got something else, or 0.
;; Run with a preopen at fd 3 and stdout to a file.
(module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_res_get" (func $clock_res_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_get" (func $fd_fdstat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_filestat_get" (func $fd_filestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $fd_prestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func $fd_prestat_dir_name (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_readdir" (func $fd_readdir (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_readlink" (func $path_readlink (param i32 i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_filestat_get" (func $path_filestat_get (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_symlink" (func $path_symlink (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "hi\n")
  (data (i32.const 16) "\00\00\00\00\03\00\00\00")   ;; iovec {0, 3}: "hi\n"
  (data (i32.const 24) "\e8\fd\00\00\e8\03\00\00")   ;; {65000, 1000}: runs past the end
  (data (i32.const 32) "\00\ff\ff\ff\00\02\00\00")   ;; {0xffffff00, 0x200}: wraps in 32 bits
  (data (i32.const 40) "\00\00\01\00\00\00\00\00")   ;; {65536, 0}: empty, at the end: fine
  (data (i32.const 48) ".")
  (global $n (mut i32) (i32.const 0))
  (func $expect (param $got i32) (param $want i32)
    (global.set $n (i32.add (global.get $n) (i32.const 1)))
    (if (i32.ne (local.get $got) (local.get $want))
      (then (call $proc_exit (global.get $n)))))
  (func (export "_start")
    ;; 1-9: results and buffers past the end
    (call $expect (call $args_sizes_get (i32.const 65535) (i32.const 100)) (i32.const 21))
    (call $expect (call $args_sizes_get (i32.const 100) (i32.const -1)) (i32.const 21))
    (call $expect (call $args_get (i32.const 0xfffffffc) (i32.const 100)) (i32.const 21))
    (call $expect (call $args_get (i32.const 100) (i32.const 65530)) (i32.const 21))
    (call $expect (call $environ_sizes_get (i32.const 65534) (i32.const 100)) (i32.const 21))
    (call $expect (call $clock_time_get (i32.const 0) (i64.const 0) (i32.const 65530)) (i32.const 21))
    (call $expect (call $clock_res_get (i32.const 1) (i32.const -1)) (i32.const 21))
    (call $expect (call $random_get (i32.const 65500) (i32.const 100)) (i32.const 21))
    (call $expect (call $random_get (i32.const 65436) (i32.const 100)) (i32.const 0))
    ;; 10: the iovec array past the end
    (call $expect (call $fd_write (i32.const 1) (i32.const 65532) (i32.const 1) (i32.const 200)) (i32.const 21))
    ;; 11: a buffer that runs past the end
    (call $expect (call $fd_write (i32.const 1) (i32.const 24) (i32.const 1) (i32.const 200)) (i32.const 21))
    ;; 12: a buffer whose end wraps around 2^32
    (call $expect (call $fd_write (i32.const 1) (i32.const 32) (i32.const 1) (i32.const 200)) (i32.const 21))
    ;; 13: a good iovec, then a bad one: nothing is written
    (call $expect (call $fd_write (i32.const 1) (i32.const 16) (i32.const 2) (i32.const 200)) (i32.const 21))
    ;; 14: a good buffer, a count pointer past the end: nothing is written
    (call $expect (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 65534)) (i32.const 21))
    ;; 15: so many iovecs that n * 8 passes 4 GiB
    (call $expect (call $fd_write (i32.const 1) (i32.const 16) (i32.const 0x20000001) (i32.const 200)) (i32.const 21))
    ;; 16: an empty buffer right at the end is fine
    (call $expect (call $fd_write (i32.const 1) (i32.const 40) (i32.const 1) (i32.const 200)) (i32.const 0))
    (call $expect (call $fd_read (i32.const 0) (i32.const 32) (i32.const 1) (i32.const 200)) (i32.const 21))
    (call $expect (call $fd_fdstat_get (i32.const 1) (i32.const 65530)) (i32.const 21))
    (call $expect (call $fd_filestat_get (i32.const 1) (i32.const 65500)) (i32.const 21))
    ;; 20: the preopen at fd 3
    (call $expect (call $fd_prestat_get (i32.const 3) (i32.const 65532)) (i32.const 21))
    (call $expect (call $fd_prestat_dir_name (i32.const 3) (i32.const 65535) (i32.const 100)) (i32.const 21))
    (call $expect (call $path_open (i32.const 3) (i32.const 1) (i32.const 65530) (i32.const 100)
      (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 200)) (i32.const 21))
    (call $expect (call $path_open (i32.const 3) (i32.const 1) (i32.const 48) (i32.const 1)
      (i32.const 2) (i64.const 0x4000) (i64.const 0) (i32.const 0) (i32.const 65534)) (i32.const 21))
    (call $expect (call $poll_oneoff (i32.const 65500) (i32.const 1000) (i32.const 1) (i32.const 200)) (i32.const 21))
    ;; 25
    (call $expect (call $poll_oneoff (i32.const 1000) (i32.const 65510) (i32.const 1) (i32.const 200)) (i32.const 21))
    (call $expect (call $poll_oneoff (i32.const 1000) (i32.const 2000) (i32.const 0x10000000) (i32.const 200)) (i32.const 21))
    (call $expect (call $fd_readdir (i32.const 3) (i32.const 65000) (i32.const 1000) (i64.const 0) (i32.const 200)) (i32.const 21))
    (call $expect (call $path_readlink (i32.const 3) (i32.const 48) (i32.const 1) (i32.const 65535) (i32.const 10) (i32.const 200)) (i32.const 21))
    (call $expect (call $path_filestat_get (i32.const 3) (i32.const 0) (i32.const 48) (i32.const 1) (i32.const 65500)) (i32.const 21))
    ;; 30: a symlink text past the end
    (call $expect (call $path_symlink (i32.const 65530) (i32.const 10) (i32.const 3) (i32.const 48) (i32.const 1)) (i32.const 21))
    ;; 31: after all that, the good write works
    (call $expect (call $fd_write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 200)) (i32.const 0))
    (call $proc_exit (i32.const 0))))
