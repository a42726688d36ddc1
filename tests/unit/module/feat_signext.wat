(module (func (param i32) (result i32) local.get 0 i32.extend8_s))
