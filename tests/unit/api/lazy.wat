;; test_api: functions are lowered on their first call, whichever way it
;; comes: an export called from the host, call, call_indirect, a funcref
;; from ref.func called by the host, the start function. $never is never
;; called, so its code is never made.
(module
  (type $v_i (func (result i32)))
  (table 1 funcref)
  (elem (i32.const 0) $indirect)
  (elem declare func $referenced)
  (global $g (mut i32) (i32.const 0))
  (func $direct (result i32) (i32.const 7))
  (func $indirect (result i32) (i32.const 11))
  (func $referenced (result i32) (i32.const 13))
  (func $start (global.set $g (i32.const 5)))
  (func (export "a") (result i32) (call $direct))
  (func (export "b") (result i32) (call_indirect (type $v_i) (i32.const 0)))
  (func (export "ref") (result funcref) (ref.func $referenced))
  (func (export "g") (result i32) (global.get $g))
  (func $never (export "never") (param i32) (result i32)
    (local i32 i32)
    (loop $l
      (local.set 1 (i32.add (local.get 1) (i32.mul (local.get 0) (local.get 2))))
      (local.set 2 (i32.xor (local.get 1) (i32.const 0x5555)))
      (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    (local.get 1))
  (start $start))
