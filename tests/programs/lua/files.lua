-- io and os in a granted directory: read a file by lines, write one, seek.
local n, bytes, longest = 0, 0, ""
for line in io.lines("in/input.txt") do
  n = n + 1
  bytes = bytes + #line + 1
  if #line > #longest then longest = line end
end
print("lines", n, bytes, longest)
local f = assert(io.open("out/copy.txt", "w"))
for line in io.lines("in/input.txt") do f:write(line:upper(), "\n") end
f:close()
f = assert(io.open("out/copy.txt", "r"))
print("size", f:seek("end"))
f:seek("set", 10)
print("read", f:read(20))
f:close()
print("date", os.date("!%Y-%m-%d %H:%M:%S", 86400 * 365), os.time({year = 2000, month = 1, day = 1, hour = 12}) ~= nil)
-- (not the third result of a failed open: errno numbers differ by platform)
print("missing", (select(2, io.open("in/no-such-file"))))
print("remove", os.remove("out/copy.txt"), (select(2, io.open("out/copy.txt"))))
print("getenv", os.getenv("PROGRAMS_TEST"), os.getenv("HOME"))
print("arg", #arg, arg[0], arg[1], arg[2], arg[-1] ~= nil)
