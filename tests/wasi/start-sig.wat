;; start-sig.wat - a _start that takes an argument is not a command.
(module
  (func (export "_start") (param i32)))
