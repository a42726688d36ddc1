(module (func (param externref)))
