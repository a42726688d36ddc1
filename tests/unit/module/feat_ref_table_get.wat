(module (table 1 funcref) (func (param i32) (result funcref) local.get 0 table.get 0))
