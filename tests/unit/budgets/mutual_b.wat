;; b(n) = 1 for n <= 1, else table[0](n - 1) + 1: the way back into
;; another instance (mutual_a or relay puts its function in the table).
(module
  (type $ii (func (param i32) (result i32)))
  (table (export "t") 1 funcref)
  (func (export "b") (param i32) (result i32)
    local.get 0
    i32.const 1
    i32.le_s
    if (result i32)
      i32.const 1
    else
      local.get 0
      i32.const 1
      i32.sub
      i32.const 0
      call_indirect (type $ii)
      i32.const 1
      i32.add
    end))
