;; printenv.wat - prints each environment variable it was given, one per
;; line: with printenv.ini it shows what a manifest's env and [config]
;; hand a plugin (manifests/README.md). Exits 70 when they do not fit its
;; one page of memory, 71 when the host refuses environ_get.
(module
  (import "wasi_snapshot_preview1" "environ_sizes_get"
    (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get"
    (func $environ_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  ;; 0: count, 4: bytes of the strings, 8: two iovecs, 24: bytes written,
  ;; 32: "\n", 64: the pointers (1008 at most), 4096: the strings
  (memory (export "memory") 1)
  (data (i32.const 32) "\n")
  (func (export "_start") (local $n i32) (local $i i32) (local $p i32) (local $len i32)
    (if (call $environ_sizes_get (i32.const 0) (i32.const 4))
      (then (call $proc_exit (i32.const 71))))
    (local.set $n (i32.load (i32.const 0)))
    (if (i32.or (i32.gt_u (local.get $n) (i32.const 1008))
                (i32.gt_u (i32.load (i32.const 4)) (i32.const 61440)))
      (then (call $proc_exit (i32.const 70))))
    (if (call $environ_get (i32.const 64) (i32.const 4096))
      (then (call $proc_exit (i32.const 71))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $p (i32.load (i32.add (i32.const 64) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $len (i32.const 0))
        (block $end
          (loop $scan
            (br_if $end (i32.eqz (i32.load8_u (i32.add (local.get $p) (local.get $len)))))
            (local.set $len (i32.add (local.get $len) (i32.const 1)))
            (br $scan)))
        (i32.store (i32.const 8) (local.get $p))
        (i32.store (i32.const 12) (local.get $len))
        (i32.store (i32.const 16) (i32.const 32))
        (i32.store (i32.const 20) (i32.const 1))
        (drop (call $fd_write (i32.const 1) (i32.const 8) (i32.const 2) (i32.const 24)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))))
