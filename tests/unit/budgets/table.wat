;; Table cap fixtures for test_budgets.c.
(module
  (table (export "t") 10 funcref)
  (func (export "grow") (param i32) (result i32)
    ref.null func
    local.get 0
    table.grow 0)
  (func (export "size") (result i32)
    table.size 0))
