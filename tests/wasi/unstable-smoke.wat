;; unstable-smoke.wat - the calls preview 0 (wasi_unstable) shares with
;; preview 1: args, environ, fd_write, proc_exit. Run with one argument and
;; one variable: prints argv[1] and environ[0] a line each, then exits with
;; argc * 10 + envc; a call that fails exits with 100 + its check number.
(module
  (import "wasi_unstable" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_unstable" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_unstable" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_unstable" "environ_get" (func $environ_get (param i32 i32) (result i32)))
  (import "wasi_unstable" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 8) "\n")
  (global $n (mut i32) (i32.const 0))
  (func $expect (param $got i32) (param $want i32)
    (global.set $n (i32.add (global.get $n) (i32.const 1)))
    (if (i32.ne (local.get $got) (local.get $want))
      (then (call $proc_exit (i32.add (i32.const 100) (global.get $n))))))
  ;; Writes [ptr, ptr + len) and a newline as two iovecs (at 16), checking
  ;; the count fd_write reports.
  (func $line (param $ptr i32) (param $len i32)
    (i32.store (i32.const 16) (local.get $ptr))
    (i32.store (i32.const 20) (local.get $len))
    (i32.store (i32.const 24) (i32.const 8))
    (i32.store (i32.const 28) (i32.const 1))
    (call $expect (call $fd_write (i32.const 1) (i32.const 16) (i32.const 2) (i32.const 32)) (i32.const 0))
    (call $expect (i32.load (i32.const 32)) (i32.add (local.get $len) (i32.const 1))))
  (func (export "_start")
    (local $argv1 i32)
    ;; sizes at 100/104 and 108/112; argv at 200, its strings at 300;
    ;; environ at 400, its strings at 500
    (call $expect (call $args_sizes_get (i32.const 100) (i32.const 104)) (i32.const 0))
    (call $expect (call $args_get (i32.const 200) (i32.const 300)) (i32.const 0))
    (call $expect (i32.load (i32.const 200)) (i32.const 300))
    (call $expect (call $environ_sizes_get (i32.const 108) (i32.const 112)) (i32.const 0))
    (call $expect (call $environ_get (i32.const 400) (i32.const 500)) (i32.const 0))
    (call $expect (i32.load (i32.const 400)) (i32.const 500))
    ;; argv[1] runs to the end of the argument bytes, less its NUL
    (local.set $argv1 (i32.load (i32.const 204)))
    (call $line (local.get $argv1)
      (i32.sub (i32.add (i32.const 299) (i32.load (i32.const 104))) (local.get $argv1)))
    (call $line (i32.const 500) (i32.sub (i32.load (i32.const 112)) (i32.const 1)))
    (call $proc_exit (i32.add (i32.mul (i32.load (i32.const 100)) (i32.const 10))
      (i32.load (i32.const 108))))))
