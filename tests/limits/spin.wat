;; spin.wat - an endless loop, as a WASI command (_start) and as "spin"
;; for --invoke. Each iteration is one straight-line block costing 1 (the
;; br; loop and end are free) and the function's entry block costs 0, so
;; --fuel N always runs out after exactly N units.
(module
  (func $spin (export "_start")
    loop $l
      br $l
    end)
  (export "spin" (func $spin)))
