(module (import "env" "g" (global (mut i32))))
