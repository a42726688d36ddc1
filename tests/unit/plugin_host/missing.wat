;; Imports a host function no host defines: instantiating it fails.
(module
  (import "sensor" "calibrate" (func (param f32)))
  (func (export "on_tick") (param i32) (result i32) (i32.const 0)))
