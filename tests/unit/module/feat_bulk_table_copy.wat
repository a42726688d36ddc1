(module (table 2 funcref) (func i32.const 0 i32.const 1 i32.const 1 table.copy))
