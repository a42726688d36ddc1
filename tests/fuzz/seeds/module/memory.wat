;; Loads, stores, grow, data segments and an imported memory.
(module
  (import "env" "mem" (memory 1 4))
  (import "env" "base" (global $base i32))
  (data (i32.const 16) "edgeplug\00\01\02\03")
  (func (export "load") (param i32) (result i64)
    local.get 0 i64.load offset=3
    local.get 0 i64.load32_s align=1
    i64.add)
  (func (export "store") (param i32 f32 f64)
    local.get 0 local.get 1 f32.store
    local.get 0 local.get 2 f64.store offset=8
    global.get $base local.get 0 i32.store8 offset=100)
  (func (export "grow") (param i32) (result i32 i32)
    local.get 0 memory.grow
    memory.size)
  (func (export "sum") (param i32 i32) (result i32) (local $s i32)
    block
      loop
        local.get 1 i32.eqz br_if 1
        local.get $s local.get 0 i32.load8_u i32.add local.set $s
        local.get 0 i32.const 1 i32.add local.set 0
        local.get 1 i32.const 1 i32.sub local.set 1
        br 0
      end
    end
    local.get $s))
