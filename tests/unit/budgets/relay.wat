;; f(n) = 1 for n <= 1, else next(n - 1) + 1, where next is an import:
;; bound to a wasm function of another instance it makes a ring.
(module
  (import "env" "next" (func $next (param i32) (result i32)))
  (func (export "f") (param i32) (result i32)
    local.get 0
    i32.const 1
    i32.le_s
    if (result i32)
      i32.const 1
    else
      local.get 0
      i32.const 1
      i32.sub
      call $next
      i32.const 1
      i32.add
    end))
