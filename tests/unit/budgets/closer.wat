;; Puts an imported function (of another instance) into an imported table.
(module
  (import "env" "t" (table 1 funcref))
  (import "env" "f" (func $f (param i32) (result i32)))
  (elem (i32.const 0) $f))
