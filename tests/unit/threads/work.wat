;; test_threads: a workload for one thread. _start fills 64 KiB with an LCG,
;; folds it through the host's env.mix every 4 KiB, and exits through WASI
;; with the low byte of the result; checksum returns all of it. spin loops
;; until its counter runs out (or the store is interrupted).
(module
  (import "env" "mix" (func $mix (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (global $sum (mut i32) (i32.const 0))
  (func $work (param $rounds i32) (result i32)
    (local $i i32) (local $x i32) (local $acc i32) (local $r i32)
    (local.set $x (i32.const 12345))
    (block $done
      (loop $round
        (br_if $done (i32.ge_u (local.get $r) (local.get $rounds)))
        (local.set $i (i32.const 0))
        (block $filled
          (loop $fill
            (br_if $filled (i32.ge_u (local.get $i) (i32.const 65536)))
            (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 1103515245))
                                   (i32.const 12345)))
            (i32.store (local.get $i) (local.get $x))
            (local.set $acc (i32.xor (i32.rotl (local.get $acc) (i32.const 5))
                                     (i32.load (local.get $i))))
            (if (i32.eqz (i32.and (local.get $i) (i32.const 4095)))
              (then (local.set $acc (call $mix (local.get $acc) (local.get $i)))))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $fill)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $round)))
    (local.get $acc))
  (func (export "_start")
    (global.set $sum (call $work (i32.const 8)))
    (call $exit (i32.and (global.get $sum) (i32.const 255))))
  (func (export "checksum") (result i32) (global.get $sum))
  (func (export "spin") (param $n i32) (result i32)
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $again)))
    (local.get $n)))
