;; test_api: imports every kind from "lib" (lib.wat's exports).
(module
  (import "lib" "twice" (func $twice (param i32) (result i32)))
  (import "lib" "memory" (memory 1))
  (import "lib" "base" (global $base i32))
  (import "lib" "table" (table 1 funcref))
  (type $t (func (param i32) (result i32)))
  (func (export "run") (param i32) (result i32)
    local.get 0 call $twice global.get $base i32.add
    local.get 0 i32.const 0 call_indirect (type $t) i32.add)
  (func (export "poke") (param i32 i32) local.get 0 local.get 1 i32.store8))
