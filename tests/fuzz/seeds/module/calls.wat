;; Direct, indirect and imported calls, recursion and multi-value results.
(module
  (type $ii (func (param i32) (result i32)))
  (import "env" "host" (func $host (param i32 i64) (result i32)))
  (import "env" "tick" (func $tick))
  (table 4 funcref)
  (elem (i32.const 0) $fact $double $host_via)
  (func $fact (type $ii)
    local.get 0
    i32.const 2
    i32.lt_u
    if (result i32)
      i32.const 1
    else
      local.get 0
      local.get 0
      i32.const 1
      i32.sub
      call $fact
      i32.mul
    end)
  (func $double (type $ii) local.get 0 i32.const 1 i32.shl)
  (func $host_via (type $ii) call $tick local.get 0 i64.const -1 call $host)
  (func (export "fact") (param i32) (result i32) local.get 0 i32.const 15 i32.and call $fact)
  (func (export "indirect") (param i32 i32) (result i32)
    local.get 1
    local.get 0
    call_indirect (type $ii))
  (func (export "pair") (param i64 f64) (result f64 i64)
    local.get 1 local.get 0)
  (func $deep (export "deep") (param i32) (result i32)
    local.get 0
    i32.eqz
    if (result i32) i32.const 0
    else local.get 0 i32.const 1 i32.sub call $deep i32.const 1 i32.add end))
