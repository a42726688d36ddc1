;; grow.wat - linear memory under --max-memory, through --invoke.
;; One page to start with; grow(n) is memory.grow n (the old size in
;; pages, or -1), bomb() grows a page at a time until memory.grow fails
;; and returns the final size in pages.
(module
  (memory 1)
  (func (export "grow") (param i32) (result i32)
    local.get 0
    memory.grow)
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
