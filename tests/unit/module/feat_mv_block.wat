(module (func (result i32)
  i32.const 1
  (block (param i32) (result i32) i32.const 2 i32.add)))
