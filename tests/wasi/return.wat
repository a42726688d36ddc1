;; return.wat - a command whose _start just returns: exit status 0. No
;; imports, no memory.
(module
  (func (export "_start")))
