;; bigtable.wat - a WASI command whose table starts at 1001 entries:
;; refused under --max-table-elements 1000, fine from 1001 up.
(module
  (table 1001 funcref)
  (func (export "_start")))
