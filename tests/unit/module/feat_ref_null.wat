(module (func (result i32) ref.null func ref.is_null))
