;; trap-noname.wat - the same trap without a name section: only the index.
(module
  (func (export "_start") (call 1))
  (func unreachable))
