;; fillspin.wat - bulk instructions under --fuel and --timeout. 256 pages
;; (16 MiB). spin(n) fills the first n bytes forever: each iteration is
;; one block of 5 units (the two consts, local.get, memory.fill, br) plus
;; n / 64 for the fill. once(n) fills n bytes once: 5 + n / 64 (a nop
;; makes its block 5). copyspin(n) copies n bytes one byte up, forever:
;; 5 + n / 64 an iteration.
(module
  (memory 256)
  (func (export "spin") (param i32)
    loop $l
      i32.const 0
      i32.const 1
      local.get 0
      memory.fill
      br $l
    end)
  (func (export "once") (param i32)
    i32.const 0
    i32.const 7
    local.get 0
    memory.fill
    nop)
  (func (export "copyspin") (param i32)
    loop $l
      i32.const 1
      i32.const 0
      local.get 0
      memory.copy
      br $l
    end))
