(module (table 1 externref))
