;; unstable-poll.wat - poll_oneoff under preview 0, whose subscriptions are
;; 56 bytes: userdata @0, tag u8 @8, then for a clock an identifier u64 @16,
;; clock_id u32 @24, timeout @32, precision @40, flags u16 @48 (preview 1:
;; 48 bytes, no identifier); for fd_read and fd_write the fd u32 @16. Events
;; are preview 1's 32 bytes. Needs clocks; run with stdin from a file of 10
;; bytes and stdout to a file. Exits 0, or with the number of the first
;; check that got something else.
(module
  (import "wasi_unstable" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "clock_time_get" (func $now (param i32 i64 i32) (result i32)))
  (import "wasi_unstable" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (global $n (mut i32) (i32.const 0))
  (func $expect (param $got i32) (param $want i32)
    (global.set $n (i32.add (global.get $n) (i32.const 1)))
    (if (i32.ne (local.get $got) (local.get $want))
      (then (call $proc_exit (global.get $n)))))
  ;; The monotonic clock, in ns (not a numbered check: it traps instead).
  (func $mono (result i64)
    (if (call $now (i32.const 1) (i64.const 0) (i32.const 8)) (then unreachable))
    (i64.load (i32.const 8)))
  ;; A clock subscription at $at, with an identifier no clock has: read at
  ;; preview 1's clock_id offset, it would be an unknown clock.
  (func $clock (param $at i32) (param $userdata i64) (param $timeout i64) (param $flags i32)
    (i64.store (local.get $at) (local.get $userdata))
    (i32.store8 (i32.add (local.get $at) (i32.const 8)) (i32.const 0))
    (i64.store (i32.add (local.get $at) (i32.const 16)) (i64.const 0x77))
    (i32.store (i32.add (local.get $at) (i32.const 24)) (i32.const 1))
    (i64.store (i32.add (local.get $at) (i32.const 32)) (local.get $timeout))
    (i64.store (i32.add (local.get $at) (i32.const 40)) (i64.const 0))
    (i32.store16 (i32.add (local.get $at) (i32.const 48)) (local.get $flags)))
  (func $fdsub (param $at i32) (param $userdata i64) (param $tag i32) (param $fd i32)
    (i64.store (local.get $at) (local.get $userdata))
    (i32.store8 (i32.add (local.get $at) (i32.const 8)) (local.get $tag))
    (i32.store (i32.add (local.get $at) (i32.const 16)) (local.get $fd)))
  ;; 0xaa over the 128 bytes of events at 2048.
  (func $clear
    (memory.fill (i32.const 2048) (i32.const 0xaa) (i32.const 128)))
  ;; The event at 2048 + 32 * $i: userdata, error, type, nbytes, flags.
  (func $event (param $i i32) (param $userdata i32) (param $type i32) (param $nbytes i32)
    (local $e i32)
    (local.set $e (i32.add (i32.const 2048) (i32.shl (local.get $i) (i32.const 5))))
    (call $expect (i32.wrap_i64 (i64.load (local.get $e))) (local.get $userdata))
    (call $expect (i32.load16_u (i32.add (local.get $e) (i32.const 8))) (i32.const 0))
    (call $expect (i32.load8_u (i32.add (local.get $e) (i32.const 10))) (local.get $type))
    (call $expect (i32.wrap_i64 (i64.load (i32.add (local.get $e) (i32.const 16)))) (local.get $nbytes))
    (call $expect (i32.load16_u (i32.add (local.get $e) (i32.const 24))) (i32.const 0)))
  (func (export "_start")
    (local $t0 i64)
    ;; 1-9: one relative clock of 30 ms: one event, after 30 ms at least,
    ;; and nothing past it
    (call $clock (i32.const 1024) (i64.const 0x1111) (i64.const 30000000) (i32.const 0))
    (call $clear)
    (local.set $t0 (call $mono))
    (call $expect (call $poll (i32.const 1024) (i32.const 2048) (i32.const 1) (i32.const 0)) (i32.const 0))
    (call $expect (i64.ge_u (i64.sub (call $mono) (local.get $t0)) (i64.const 30000000)) (i32.const 1))
    (call $expect (i32.load (i32.const 0)) (i32.const 1))
    (call $event (i32.const 0) (i32.const 0x1111) (i32.const 0) (i32.const 0))
    (call $expect (i32.load8_u (i32.const 2080)) (i32.const 0xaa))
    ;; 10-17: a 10 s clock and, 56 bytes on, an absolute one that is already
    ;; due (flags @48): only the second fires
    (call $clock (i32.const 1024) (i64.const 0xa) (i64.const 10000000000) (i32.const 0))
    (call $clock (i32.const 1080) (i64.const 0xb) (call $mono) (i32.const 1))
    (call $clear)
    (call $expect (call $poll (i32.const 1024) (i32.const 2048) (i32.const 2) (i32.const 0)) (i32.const 0))
    (call $expect (i32.load (i32.const 0)) (i32.const 1))
    (call $event (i32.const 0) (i32.const 0xb) (i32.const 0) (i32.const 0))
    (call $expect (i32.load8_u (i32.const 2080)) (i32.const 0xaa))
    ;; 18-30: the 10 s clock, fd_read on stdin and fd_write on stdout at
    ;; 56-byte steps: both fds are ready at once, stdin with its 10 bytes
    (call $fdsub (i32.const 1080) (i64.const 0xc1) (i32.const 1) (i32.const 0))
    (call $fdsub (i32.const 1136) (i64.const 0xc2) (i32.const 2) (i32.const 1))
    (call $clear)
    (call $expect (call $poll (i32.const 1024) (i32.const 2048) (i32.const 3) (i32.const 0)) (i32.const 0))
    (call $expect (i32.load (i32.const 0)) (i32.const 2))
    (call $event (i32.const 0) (i32.const 0xc1) (i32.const 1) (i32.const 10))
    (call $event (i32.const 1) (i32.const 0xc2) (i32.const 2) (i32.const 0))
    (call $expect (i32.load8_u (i32.const 2112)) (i32.const 0xaa))
    ;; 31-33: a due clock in the last 56 bytes of memory is fine, one byte
    ;; later is EFAULT
    (call $clock (i32.const 65480) (i64.const 0xd) (i64.const 0) (i32.const 1))
    (call $expect (call $poll (i32.const 65480) (i32.const 2048) (i32.const 1) (i32.const 0)) (i32.const 0))
    (call $expect (i32.wrap_i64 (i64.load (i32.const 2048))) (i32.const 0xd))
    (call $expect (call $poll (i32.const 65481) (i32.const 2048) (i32.const 1) (i32.const 0)) (i32.const 21))
    (call $proc_exit (i32.const 0))))
