(module (table 1 funcref) (func (result i32) table.size 0))
