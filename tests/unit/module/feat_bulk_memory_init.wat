(module (memory 1) (data $d "abc")
  (func i32.const 0 i32.const 0 i32.const 1 memory.init $d data.drop $d))
