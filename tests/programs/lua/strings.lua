-- Patterns, formatting, string.pack and utf8.
local text = [[
It is a truth universally acknowledged, that a single man in possession
of a good fortune, must be in want of a wife. However little known the
feelings or views of such a man may be on his first entering a neighbourhood,
this truth is so well fixed in the minds of the surrounding families.
]]
local words = {}
for w in text:gmatch("%a+") do words[#words + 1] = w:lower() end
print("words", #words, table.concat(words, " ", 1, 8))
local freq = {}
for _, w in ipairs(words) do freq[w] = (freq[w] or 0) + 1 end
local keys = {}
for k in pairs(freq) do keys[#keys + 1] = k end
table.sort(keys, function(a, b) return freq[a] > freq[b] or (freq[a] == freq[b] and a < b) end)
for i = 1, 5 do io.write(keys[i], "=", freq[keys[i]], i < 5 and " " or "\n") end
print("gsub", (text:gsub("(%w+)(%s*)", "<%1>%2", 6)))
print("gsub count", select(2, text:gsub("a", "A")))
print("find", text:find("fortune"), text:find("f(%a+)e"), text:match("(%a+), must"))
print("upper", ("hello"):upper(), ("Hello"):rep(3, "-"), ("abc"):reverse(), ("%d"):format(-0))
for _, f in ipairs({"%5d|%-5d|%05d", "%x|%X|%#o", "%e|%.3e", "%g|%g|%g", "%a", "%10.4f|%-10.2f|", "%q", "%s|%10s|%-10s|", "%c%c%c", "%i"}) do
  local args = {
    ["%5d|%-5d|%05d"] = {42, 42, 42}, ["%x|%X|%#o"] = {255, 255, 8}, ["%e|%.3e"] = {12345.678, 0.000123},
    ["%g|%g|%g"] = {1e20, 0.1, 100000}, ["%a"] = {1.0}, ["%10.4f|%-10.2f|"] = {math.pi, -math.pi},
    ["%q"] = {"tab\there\0nul\"q\"\n"}, ["%s|%10s|%-10s|"] = {"x", "right", "left"}, ["%c%c%c"] = {76, 117, 97},
    ["%i"] = {math.mininteger}}
  print("format", string.format(f, table.unpack(args[f])))
end
print("tostring", 1e15, 1e16, 2^63, -0.0, 1/3, 100 // 1.0, 3 / 2, 10 / 2)
print("tonumber", tonumber("0x1p4"), tonumber("  12  "), tonumber("1e2"), tonumber("z", 36), tonumber("777", 8), tonumber("x"))
local packed = string.pack("<i4 >i8 d z s1", -2, 1 << 40, 0.5, "zero", "len")
print("pack", #packed, (packed:gsub(".", function(c) return string.format("%02x", c:byte()) end)))
print("unpack", string.unpack("<i4 >i8 d z s1", packed))
local u = "naïve café – ünïcödé ✓"
print("utf8", utf8.len(u), #u, utf8.char(72, 228, 8364, 128512))
local cps = {}
for _, c in utf8.codes(u) do cps[#cps + 1] = c end
print("codes", table.concat(cps, ","))
print("byte", string.byte("ABC", 1, -1), ("x"):byte(), string.char(0x41, 0x42))
local parts = {}
for k, v in ("a=1, b=22, ccc=333"):gmatch("(%w+)=(%w+)") do parts[#parts + 1] = v .. ":" .. k end
print("pairs", table.concat(parts, ";"))
print("balanced", ("f(a(b)c) g(d)"):match("%b()"), ("THE (quick) fox"):find("%f[%a]%a+%f[%A]"))
