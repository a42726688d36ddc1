(module (func (local funcref)))
