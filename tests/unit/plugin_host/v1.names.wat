;; Version 1 of the test plugin: a reactor reading sensor.read() on each
;; on_tick(n) and spinning n times; _initialize, a trap, endless and deep
;; calls and memory growth for the report's fields.
(module
  (import "sensor" "read" (func $read (result f32)))
  (memory (export "memory") 1)
  (global $ticks (mut i32) (i32.const 0))
  (global $inited (mut i32) (i32.const 0))
  (func $initialize (export "_initialize") (global.set $inited (i32.const 1)))
  (func $was_inited (export "inited") (result i32) (global.get $inited))
  (func $version (export "version") (result i32) (i32.const 1))
  (func $ticks (export "ticks") (result i32) (global.get $ticks))
  ;; ticks * 100 + the reading, after n turns of a loop
  (func $on_tick (export "on_tick") (param $n i32) (result i32)
    (local $r f32)
    (local.set $r (call $read))
    (global.set $ticks (i32.add (global.get $ticks) (i32.const 1)))
    (block $done
      (loop $turn
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $turn)))
    (i32.add (i32.mul (global.get $ticks) (i32.const 100))
             (i32.trunc_f32_s (local.get $r))))
  (func $boom (export "boom") unreachable)
  (func $spin (export "spin") (loop $l (br $l)))
  (func $deep (export "deep") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $deep (i32.sub (local.get $n) (i32.const 1)))))))
  (func $grow (export "grow") (result i32) (memory.grow (i32.const 1))))
