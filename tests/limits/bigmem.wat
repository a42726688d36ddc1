;; bigmem.wat - a WASI command whose memory starts at 17 pages (1088 KiB):
;; refused under --max-memory 1M (16 pages), fine from 1088K up.
(module
  (memory 17)
  (func (export "_start")))
