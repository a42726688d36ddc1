(module (table 1 funcref) (table 2 funcref))
