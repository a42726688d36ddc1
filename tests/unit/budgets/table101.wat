;; 101 elements at instantiation: over a cap of 100.
(module
  (table 101 funcref))
