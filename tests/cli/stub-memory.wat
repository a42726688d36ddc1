;; stub-memory.wat - imports a memory: no stub can stand in for one, so
;; --trap-unknown-imports still refuses it.
(module
  (import "env" "memory" (memory 1))
  (func (export "f")))
