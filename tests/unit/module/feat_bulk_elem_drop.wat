(module (table 2 funcref) (func $f) (elem $e func $f)
  (func i32.const 0 i32.const 0 i32.const 1 table.init $e elem.drop $e))
