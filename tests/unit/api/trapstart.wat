;; test_api: a start function that calls a host function that traps.
(module
  (import "env" "fail" (func $fail))
  (func $start call $fail)
  (start $start))
