;; bigtables.wat - a WASI command of 59 bytes whose one table starts at
;; 10,000,000 entries (the default --max-table-elements): tens of MiB of
;; engine memory on any board, so --max-runtime-memory 16M must refuse it
;; (exit 70) when it is instantiated.
(module
  (table 10000000 funcref)
  (func (export "_start")))
