;; a(n) = 1 for n <= 1, else b(n - 1) + 1, where b is mutual_b's export;
;; a also puts itself into b's table, closing the cycle.
(module
  (import "b" "b" (func $b (param i32) (result i32)))
  (import "b" "t" (table 1 funcref))
  (elem (i32.const 0) $a)
  (func $a (export "a") (param i32) (result i32)
    local.get 0
    i32.const 1
    i32.le_s
    if (result i32)
      i32.const 1
    else
      local.get 0
      i32.const 1
      i32.sub
      call $b
      i32.const 1
      i32.add
    end))
