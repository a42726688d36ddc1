;; Fuel fixtures for test_budgets.c.
;;
;; "work" mixes every kind of control transfer the fuel definition has to
;; survive: a loop with a conditional exit, direct and recursive calls,
;; br_table, if/else, call_indirect and a host import. It also writes
;; memory and two globals so a resumed run can be compared with an
;; uninterrupted one. Its result does not depend on earlier state (it
;; resets the globals), so it can be called again after ep_abandon.
;;
;; The "t_*" functions are small enough to count by hand; the expected
;; costs are in test_budgets.c next to each call.
(module
  (type $ii (func (param i32) (result i32)))
  (import "env" "host" (func $host (param i32) (result i32)))
  (memory (export "mem") 1)
  (global $acc (export "acc") (mut i32) (i32.const 0))
  (global $steps (export "steps") (mut i64) (i64.const 0))
  (table 4 funcref)
  (elem (i32.const 0) $sq $inc $dbl $neg)

  (func $sq (type $ii) local.get 0 local.get 0 i32.mul)
  (func $inc (type $ii) local.get 0 i32.const 1 i32.add)
  (func $dbl (type $ii) local.get 0 i32.const 1 i32.shl)
  (func $neg (type $ii) i32.const 0 local.get 0 i32.sub)

  (func $fib (param i32) (result i32)
    local.get 0
    i32.const 2
    i32.lt_u
    if (result i32)
      local.get 0
    else
      local.get 0
      i32.const 1
      i32.sub
      call $fib
      local.get 0
      i32.const 2
      i32.sub
      call $fib
      i32.add
    end)

  (func $classify (param i32) (result i32)
    block
      block
        block
          block
            local.get 0
            i32.const 3
            i32.and
            br_table 0 1 2 3
          end
          i32.const 10
          return
        end
        i32.const 20
        return
      end
      i32.const 30
      return
    end
    i32.const 40)

  ;; Sum of 1..k with a countdown loop whose branch carries no value.
  (func $tri (param $k i32) (result i32) (local $s i32)
    block $b
      local.get $k
      i32.eqz
      br_if $b
      loop $l
        local.get $s
        local.get $k
        i32.add
        local.set $s
        local.get $k
        i32.const 1
        i32.sub
        local.tee $k
        br_if $l
      end
    end
    local.get $s)

  (func (export "work") (param $n i32) (result i32) (local $i i32) (local $x i32)
    i32.const 0
    global.set $acc
    i64.const 0
    global.set $steps
    block $done
      loop $top
        local.get $i
        local.get $n
        i32.ge_u
        br_if $done
        ;; x = classify(i) + table[i & 3](i)
        local.get $i
        call $classify
        local.get $i
        local.get $i
        i32.const 3
        i32.and
        call_indirect (type $ii)
        i32.add
        local.set $x
        ;; odd i: add fib(i % 9); even i: ask the host
        local.get $i
        i32.const 1
        i32.and
        if
          local.get $x
          local.get $i
          i32.const 9
          i32.rem_u
          call $fib
          i32.add
          local.set $x
        else
          local.get $x
          call $host
          local.set $x
        end
        ;; every fifth i: add tri(i % 13)
        local.get $i
        i32.const 5
        i32.rem_u
        i32.eqz
        if
          local.get $x
          local.get $i
          i32.const 13
          i32.rem_u
          call $tri
          i32.add
          local.set $x
        end
        ;; mem[(i & 1023) * 4] = x
        local.get $i
        i32.const 1023
        i32.and
        i32.const 2
        i32.shl
        local.get $x
        i32.store
        global.get $acc
        local.get $x
        i32.xor
        i32.const 5
        i32.rotl
        global.set $acc
        global.get $steps
        i64.const 1
        i64.add
        global.set $steps
        local.get $i
        i32.const 1
        i32.add
        local.set $i
        br $top
      end
    end
    global.get $acc)

  ;; ---- hand-counted costs ----

  ;; 0: only the final end.
  (func (export "t_empty"))
  ;; 3
  (func (export "t_add") (result i32)
    i32.const 1
    i32.const 2
    i32.add)
  ;; 3: nop costs one each.
  (func (export "t_nops")
    nop
    nop
    nop)
  ;; 2: block, loop and their ends are free.
  (func (export "t_blocks")
    block
      block
        nop
      end
    end
    loop
      nop
    end
    block
    end)
  ;; 3 on both paths: local.get, if, one const; else is free.
  (func (export "t_ifelse") (param i32) (result i32)
    local.get 0
    if (result i32)
      i32.const 1
    else
      i32.const 2
    end)
  ;; 2 taken (local.get, br_if), 3 not taken (+ nop).
  (func (export "t_brif") (param i32)
    block
      local.get 0
      br_if 0
      nop
    end)
  ;; br_if carrying a value from a local: 3 taken, 5 not taken.
  (func (export "t_brif_val") (param i32 i32) (result i32)
    block (result i32)
      local.get 1
      local.get 0
      br_if 0
      drop
      i32.const 6
    end)
  ;; 4 for index 0 and 1, 3 for the default.
  (func (export "t_brtable") (param i32) (result i32)
    block
      block
        block
          local.get 0
          br_table 0 1 2
        end
        i32.const 10
        return
      end
      i32.const 11
      return
    end
    i32.const 12)
  ;; br_table carrying a value from a local: 5 for index 0, 3 otherwise.
  (func (export "t_brtable_val") (param i32 i32) (result i32)
    block (result i32)
      block (result i32)
        local.get 1
        local.get 0
        br_table 0 1
      end
      i32.const 100
      i32.add
    end)
  ;; 2: const and return; the dead code after return is never run.
  (func (export "t_return") (result i32)
    i32.const 1
    return
    i32.const 2
    drop)
  ;; 7n + 1 for n >= 1: seven instructions per iteration, one after.
  (func (export "t_loop") (param $n i32) (result i32) (local $i i32)
    loop $l
      local.get $i
      i32.const 1
      i32.add
      local.tee $i
      local.get $n
      i32.lt_s
      br_if $l
    end
    local.get $i)
  ;; 2 + tri(k); tri costs 4 for k = 0 (local.get, eqz, br_if taken,
  ;; local.get) and 9k + 4 for k >= 1 (nine per iteration).
  (func (export "t_tri") (param i32) (result i32)
    local.get 0
    call $tri)
  ;; 1 + 5n for n >= 1: a loop with a parameter.
  (func (export "t_loop_param") (param $n i32) (result i32)
    local.get $n
    loop $l (param i32) (result i32)
      i32.const 1
      i32.sub
      local.tee $n
      local.get $n
      br_if $l
    end)
  ;; 4 when the then-arm branches out (get, if, const, br), 3 for else.
  (func (export "t_if_br") (param i32) (result i32)
    local.get 0
    if (result i32)
      i32.const 1
      br 0
    else
      i32.const 2
    end)
  ;; 5 when taken (get, if, nop, nop, nop), 3 when not (get, if, nop).
  (func (export "t_if_noelse") (param i32)
    local.get 0
    if
      nop
      nop
    end
    nop)
  ;; Nested loops: 42 per outer iteration (2 + 3 * 11 + 7), 1 after;
  ;; the result is 3n.
  (func (export "t_nested") (param $n i32) (result i32)
    (local $i i32) (local $j i32) (local $c i32)
    loop $outer
      i32.const 0
      local.set $j
      loop $inner
        local.get $c
        i32.const 1
        i32.add
        local.set $c
        local.get $j
        i32.const 1
        i32.add
        local.tee $j
        i32.const 3
        i32.lt_u
        br_if $inner
      end
      local.get $i
      i32.const 1
      i32.add
      local.tee $i
      local.get $n
      i32.lt_u
      br_if $outer
    end
    local.get $c)
  ;; return from inside a loop: 9 per iteration before the last, 8 for
  ;; the last (get, get, eq, if, get, const, add, return): 9n + 8.
  (func (export "t_loop_return") (param $n i32) (result i32) (local $i i32)
    loop $l
      local.get $i
      local.get $n
      i32.eq
      if
        local.get $i
        i32.const 100
        i32.add
        return
      end
      local.get $i
      i32.const 1
      i32.add
      local.set $i
      br $l
    end
    i32.const -1)
  ;; 4: three operands and select.
  (func (export "t_select") (param i32) (result i32)
    i32.const 1
    i32.const 2
    local.get 0
    select)
  ;; 2: the br and the nop after the block; the dead nops are free.
  (func (export "t_dead")
    block
      br 0
      nop
      nop
    end
    nop)
  ;; 2 either way: the block end right after br_if is the same label.
  (func (export "t_brif_end") (param i32)
    block
      local.get 0
      br_if 0
    end)
  ;; br_if to the function's own label: 3 taken, 5 not taken.
  (func (export "t_brif_func") (param i32) (result i32)
    i32.const 1
    local.get 0
    br_if 0
    drop
    i32.const 2)
  ;; 4: memory.size, drop, memory.grow of 0 pages (2).
  (func (export "t_memory") (result i32)
    memory.size
    drop
    i32.const 0
    memory.grow)
  ;; 5: call + callee's const, twice, + add.
  (func $seven (result i32) i32.const 7)
  (func (export "t_calls") (result i32)
    call $seven
    call $seven
    i32.add)
  ;; 6: const, const, call_indirect, then $inc's three.
  (func (export "t_indirect") (result i32)
    i32.const 41
    i32.const 1
    call_indirect (type $ii))
  ;; 2: const and call; the host function itself is free.
  (func (export "t_host") (result i32)
    i32.const 5
    call $host))
