;; limit-table.wat - valid, but its table is one element over the engine's
;; default cap (EP_DEFAULT_MAX_TABLE_ELEMENTS), so instantiation fails.
(module
  (table 10000001 funcref)
  (func (export "main")))
