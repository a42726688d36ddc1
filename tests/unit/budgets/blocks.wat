;; Where blocks begin and end for fuel (docs/limits.md, "Fuel"), for
;; test_budgets.c's test_blocks.
(module
  (global $a (export "a") (mut i32) (i32.const 0))
  (global $b (export "b") (mut i32) (i32.const 0))
  (global $c (export "c") (mut i32) (i32.const 0))
  ;; The entry block is local.get and br_if (2). Not taken, the branch
  ;; enters one block of 4 that runs through the end label; taken, it
  ;; lands on the label and pays the 2 after it.
  (func (export "label") (param i32)
    block
      local.get 0
      br_if 0
      i32.const 1
      global.set $a
    end
    i32.const 2
    global.set $b)
  ;; leaf's entry block holds no call, so a direct caller's block pays for
  ;; it: 4 (local.get, const, add, return).
  (func $leaf (param i32) (result i32)
    local.get 0
    i32.const 1
    i32.add
    return)
  ;; One block of 7: const, call, leaf's 4, global.set.
  (func (export "caller")
    i32.const 7
    call $leaf
    global.set $c)
  ;; The same leaf called through a table pays at its entry instead: 3
  ;; (const, const, call_indirect) + 1 (global.set) here, 4 there.
  (table 1 funcref)
  (elem (i32.const 0) $leaf)
  (type $t (func (param i32) (result i32)))
  (func (export "indirect")
    i32.const 7
    i32.const 0
    call_indirect (type $t)
    global.set $c))
