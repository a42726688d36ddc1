;; startspin.wat - a start function that never returns: fuel and the
;; deadline must stop it while the module is being instantiated, in both
;; modes (the WASI _start and "f" are never reached).
(module
  (func $spin
    loop $l
      br $l
    end)
  (func (export "_start"))
  (func (export "f") (result i32)
    i32.const 7)
  (start $spin))
