;; Interrupt fixtures for test_budgets.c.
(module
  (import "env" "tick" (func $tick (result i32)))
  ;; Never returns; every iteration is one block costing 1 (the br).
  (func (export "spin")
    loop
      br 0
    end)
  ;; Calls tick until it returns 0 and returns how often it looped:
  ;; 6 per iteration (local.get, const, add, set, call, br_if) + 1.
  (func (export "ticks") (result i32) (local $n i32)
    loop $l
      local.get $n
      i32.const 1
      i32.add
      local.set $n
      call $tick
      br_if $l
    end
    local.get $n)
  ;; Two host calls in one straight-line block (cost 3): an interrupt the
  ;; first raises must stop the call before the second.
  (func (export "two_ticks") (result i32)
    call $tick
    call $tick
    i32.add))
