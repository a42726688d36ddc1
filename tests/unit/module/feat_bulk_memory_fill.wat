(module (memory 1) (func i32.const 0 i32.const 1 i32.const 2 memory.fill))
