;; Bulk memory and table operations with passive segments.
(module
  (memory 1 2)
  (table 8 funcref)
  (func $f (result i32) i32.const 7)
  (data $p "0123456789abcdef")
  (data (i32.const 0) "active")
  (elem $e func $f $f $f)
  (func (export "fill") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 memory.fill)
  (func (export "copy") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 memory.copy)
  (func (export "init") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 memory.init $p)
  (func (export "drop") data.drop $p elem.drop $e)
  (func (export "tinit") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 table.init $e)
  (func (export "tcopy") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 table.copy)
  (func (export "big") (result i32)
    i32.const 1 memory.grow drop
    i32.const 0 i32.const 255 i32.const 131072 memory.fill
    i32.const 1 i32.const 0 i32.const 131071 memory.copy
    i32.const 131071 i32.load8_u))
