;; A 1.0 (MVP) module that uses a bit of everything 1.0 has: no feature bit
;; may be set. Imports of every kind, then definitions.
(module
  (import "env" "log" (func $log (param i32)))
  (import "env" "mem" (memory 1 2))
  (import "env" "tab" (table 3 funcref))
  (import "env" "base" (global $base i32))
  (global $count (mut i64) (i64.const 0))
  (global $pi f64 (f64.const 3.14))
  (type $bin (func (param i32 i32) (result i32)))
  (func $add (type $bin) local.get 0 local.get 1 i32.add)
  (func $run (result f64)
    (local $x f32)
    (block $b (result i32)
      (loop $l
        i32.const 7
        global.get $base
        i32.load offset=4
        br_if $b
        drop
        i32.const 1
        i32.const 2
        i32.const 0
        call_indirect (type $bin)
        drop
        br $l)
      unreachable)
    call $log
    global.get $count
    i64.const 1
    i64.add
    global.set $count
    local.get $x
    f64.promote_f32
    i64.reinterpret_f64
    f64.reinterpret_i64
    f64.const 1
    i32.const 1
    select
    global.get $pi
    f64.add)
  (func $init)
  (start $init)
  (elem (i32.const 0) $add $run)
  (data (i32.const 8) "hello")
  (export "add" (func $add))
  (export "run" (func $run))
  (export "pi" (global $pi))
  (export "mem" (memory 0)))
