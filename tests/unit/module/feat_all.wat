;; Every feature at once, also in dead code: the scan sees every instruction.
(module
  (memory 1)
  (global (export "g") (mut i32) (i32.const 0))
  (func (result i32 i32)
    unreachable
    i32.const 0 i32.const 0 i32.const 0 memory.fill
    f32.const 0 i32.trunc_sat_f32_u
    i32.extend16_s
    ref.null extern
    drop
    drop
    i32.const 0
    i32.const 0))
