;; test_api: host functions through the linker, memory helpers, globals and
;; tables from the host, fuel.
(module
  (import "env" "add" (func $add (param i32 i32) (result i32)))
  (import "env" "fail" (func $fail))
  (import "env" "missing" (func $missing (result i32)))
  (memory (export "memory") 1 4)
  (global (export "gm") (mut i32) (i32.const 5))
  (global (export "gi") i64 (i64.const 7))
  (table (export "tab") 2 10 funcref)
  (elem (i32.const 0) $add)
  (data (i32.const 16) "hello\00world")
  (func (export "call_add") (param i32 i32) (result i32)
    local.get 0 local.get 1 call $add)
  (func (export "call_fail") call $fail)
  (func (export "call_missing") (result i32) call $missing)
  (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
  (func (export "load8") (param i32) (result i32) local.get 0 i32.load8_u)
  (func (export "get_gm") (result i32) global.get 0)
  ;; counts down from n: fuel grows with n
  (func (export "spin") (param i32) (result i32)
    (block $done
      (loop $again
        local.get 0 i32.eqz br_if $done
        local.get 0 i32.const 1 i32.sub local.set 0
        br $again))
    local.get 0))
