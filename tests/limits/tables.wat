;; tables.wat - a table under --max-table-elements, through --invoke.
;; Ten entries to start with; grow(n) is table.grow by n null entries (the
;; old size, or -1), bomb() grows by one entry until table.grow fails and
;; returns the final size.
(module
  (table 10 funcref)
  (func (export "grow") (param i32) (result i32)
    ref.null func
    local.get 0
    table.grow 0)
  (func (export "bomb") (result i32)
    block $full
      loop $l
        ref.null func
        i32.const 1
        table.grow 0
        i32.const -1
        i32.eq
        br_if $full
        br $l
      end
    end
    table.size 0))
