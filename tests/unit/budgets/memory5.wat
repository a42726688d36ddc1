;; Five pages at instantiation: over a cap of four.
(module
  (memory 5))
