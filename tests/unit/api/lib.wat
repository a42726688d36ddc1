;; test_api: a module whose exports another links against by name.
(module
  (memory (export "memory") 1)
  (global (export "base") i32 (i32.const 100))
  (table (export "table") 1 funcref)
  (func $twice (export "twice") (param i32) (result i32) local.get 0 i32.const 2 i32.mul)
  (elem (i32.const 0) $twice))
