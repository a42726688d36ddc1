;; wat2wasm --debug-names: a module name, and names for functions 0, 1 and 3.
(module $mymod
  (import "env" "log" (func $log (param i32)))
  (func $first (result i32) i32.const 1)
  (func (result i32) i32.const 2)
  (func $third (export "third") (result i32) call $first))
