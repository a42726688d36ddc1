;; test_api: an import the linker has as a function, wanted as a memory.
(module (import "env" "add" (memory 1)))
