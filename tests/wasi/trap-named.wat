;; trap-named.wat - a trap in function 1, called $boom; built with
;; --debug-names so the name section says so.
(module
  (func $main (export "_start") (call $boom))
  (func $boom unreachable))
