;; fib.wat - the demo: naive recursive Fibonacci, so the run is mostly calls
;; and i64 arithmetic. `edgeplug run --invoke fib fib.wasm 25` prints i64:75025.
(module
  (func $fib (export "fib") (param $n i64) (result i64)
    (if (result i64) (i64.lt_u (local.get $n) (i64.const 2))
      (then (local.get $n))
      (else
        (i64.add
          (call $fib (i64.sub (local.get $n) (i64.const 1)))
          (call $fib (i64.sub (local.get $n) (i64.const 2))))))))
