;; A module whose start function traps: instantiating it fails.
(module
  (func $start unreachable)
  (start $start)
  (func (export "on_tick") (param i32) (result i32) (i32.const 0)))
