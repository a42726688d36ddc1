;; The same without --debug-names: no name section, so no names.
(module $mymod
  (import "env" "log" (func $log (param i32)))
  (func $first (result i32) i32.const 1)
  (func $third (export "third") (result i32) call $first))
