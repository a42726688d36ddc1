;; Bulk instructions for test_budgets.c: each pays 1 unit plus its length
;; (docs/limits.md, "Fuel"). Every function is one straight-line block, so
;; its cost is the block's instructions plus the bulk charge:
;;   fill, copy, init:       4 + n / 64
;;   tfill_null, tfill_f:    4 + n / 8      tcopy, tinit: 4 + n / 8
;;   grow:                   2 + 1024 * n   (2 when the cap refuses it)
;;   tgrow:                  3 + n / 8      (3 when the cap refuses it)
(module
  (memory (export "mem") 32)
  (table $t (export "t") 20000 funcref)
  (func $f)
  ;; Entries 0..99 start as $f, so table state shows in tsum.
  (elem (table $t) (i32.const 0) func
    $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f
    $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f
    $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f
    $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f
    $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f)
  (elem $e func
    $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f
    $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f
    $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f
    $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f
    $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f $f)
  ;; 256 bytes.
  (data $d "0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789ABCDEF"
           "fedcba9876543210FEDCBA9876543210fedcba9876543210FEDCBA9876543210"
           "0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789ABCDEF"
           "fedcba9876543210FEDCBA9876543210fedcba9876543210FEDCBA9876543210")
  (func (export "fill") (param i32 i32 i32)
    (memory.fill (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy") (param i32 i32 i32)
    (memory.copy (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init") (param i32 i32 i32)
    (memory.init $d (local.get 0) (local.get 1) (local.get 2)))
  (func (export "grow") (param i32) (result i32)
    (memory.grow (local.get 0)))
  (func (export "tfill_null") (param i32 i32)
    (table.fill $t (local.get 0) (ref.null func) (local.get 1)))
  (func (export "tfill_f") (param i32 i32)
    (table.fill $t (local.get 0) (ref.func $f) (local.get 1)))
  (func (export "tcopy") (param i32 i32 i32)
    (table.copy $t $t (local.get 0) (local.get 1) (local.get 2)))
  (func (export "tinit") (param i32 i32 i32)
    (table.init $t $e (local.get 0) (local.get 1) (local.get 2)))
  (func (export "tgrow") (param i32) (result i32)
    (table.grow $t (ref.null func) (local.get 0)))
  ;; The sum of i + 1 over the non-null entries i: the table's state.
  (func (export "tsum") (result i64) (local $i i32) (local $s i64)
    block $done
      loop $l
        local.get $i
        table.size $t
        i32.ge_u
        br_if $done
        local.get $i
        table.get $t
        ref.is_null
        i32.eqz
        if
          local.get $s
          local.get $i
          i64.extend_i32_u
          i64.const 1
          i64.add
          i64.add
          local.set $s
        end
        local.get $i
        i32.const 1
        i32.add
        local.set $i
        br $l
      end
    end
    local.get $s)
  ;; Fills the first n bytes again and again: each iteration is one block
  ;; of 5 units plus the fill's n / 64.
  (func (export "fill_spin") (param i32)
    loop $l
      i32.const 0
      i32.const 1
      local.get 0
      memory.fill
      br $l
    end)
  ;; Grows one page at a time until memory.grow fails; the final size.
  (func (export "bomb") (result i32)
    block $full
      loop $l
        i32.const 1
        memory.grow
        i32.const -1
        i32.eq
        br_if $full
        br $l
      end
    end
    memory.size))
