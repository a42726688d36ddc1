;; A reactor whose _initialize traps: opening it fails after instantiation.
(module
  (import "sensor" "read" (func $read (result f32)))
  (func (export "_initialize") unreachable)
  (func (export "on_tick") (param i32) (result i32) (i32.const 0)))
