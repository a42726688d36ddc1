;; stubs.wat - built for another host: env.host_log is no import edgeplug
;; provides. With --trap-unknown-imports, "quiet" runs and "loud", which
;; calls host_log, traps there.
(module
  (import "env" "host_log" (func $log (param i32)))
  (func (export "quiet") (result i32) (i32.const 7))
  (func (export "loud") (call $log (i32.const 1))))
