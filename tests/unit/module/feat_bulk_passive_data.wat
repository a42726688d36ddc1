(module (memory 1) (data "abc"))
