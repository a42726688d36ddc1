;; A start function that never returns: instantiation must stop on fuel
;; or an interrupt, and leave the store usable.
(module
  (func $forever
    loop
      br 0
    end)
  (start $forever))
