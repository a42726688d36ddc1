(module (global (export "g") (mut i32) (i32.const 0)))
