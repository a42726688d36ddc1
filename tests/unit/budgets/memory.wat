;; Linear memory cap fixtures for test_budgets.c.
(module
  (memory (export "mem") 1)
  (func (export "grow") (param i32) (result i32)
    local.get 0
    memory.grow)
  (func (export "size") (result i32)
    memory.size)
  ;; A memory bomb: grows one page at a time until memory.grow fails;
  ;; returns the pages it gained.
  (func (export "bomb") (result i32) (local $n i32)
    block $full
      loop $l
        i32.const 1
        memory.grow
        i32.const -1
        i32.eq
        br_if $full
        local.get $n
        i32.const 1
        i32.add
        local.set $n
        br $l
      end
    end
    local.get $n)
  (func (export "load") (param i32) (result i32)
    local.get 0
    i32.load))
