;; Defined (not imported) memory and table, limits with a maximum.
(module
  (memory 2 5)
  (table 4 8 funcref)
  (global i32 (i32.const 7)))
