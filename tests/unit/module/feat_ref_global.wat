(module (global externref (ref.null extern)))
