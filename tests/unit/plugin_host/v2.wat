;; Version 2 of the test plugin: the same imports, other answers.
(module
  (import "sensor" "read" (func $read (result f32)))
  (global $ticks (mut i32) (i32.const 0))
  (func (export "version") (result i32) (i32.const 2))
  (func (export "on_tick") (param $n i32) (result i32)
    (global.set $ticks (i32.add (global.get $ticks) (i32.const 1)))
    (i32.add (i32.mul (global.get $ticks) (i32.const 1000))
             (i32.trunc_f32_s (call $read)))))
