-- bench.lua - a Lua session for tests/bench/compare.py: the interpreter's
-- own hot paths (table get/set, string building, closures, metatables,
-- the garbage collector, sort with a Lua comparator). The harness puts
-- "N = UNITS" in front (time is about linear in it). Every section prints
-- a value that depends on all of its work: the output is compared with
-- the native build's.
local N = N or 1

-- words: a PRNG text, counted in a hash table
local seed = 12345
local function rnd(m)
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed % m
end
local syll = { "ka", "lo", "mi", "nu", "pe", "ri", "so", "tu", "va", "ze" }
local counts, nwords = {}, 0
for _ = 1, 750 * N do
  local w = {}
  for k = 1, 1 + rnd(3) do w[k] = syll[1 + rnd(#syll)] end
  local word = table.concat(w)
  counts[word] = (counts[word] or 0) + 1
  nwords = nwords + 1
end
local keys = {}
for k in pairs(counts) do keys[#keys + 1] = k end
table.sort(keys, function(a, b)
  if counts[a] ~= counts[b] then return counts[a] > counts[b] end
  return a < b
end)
print("words", nwords, #keys, keys[1], counts[keys[1]], keys[#keys])

-- objects: a vector class through metatables
local Vec = {}
Vec.__index = Vec
function Vec.new(x, y) return setmetatable({ x = x, y = y }, Vec) end
function Vec.__add(a, b) return Vec.new(a.x + b.x, a.y + b.y) end
function Vec:scale(s) return Vec.new(self.x * s, self.y * s) end
function Vec:len2() return self.x * self.x + self.y * self.y end
local acc = Vec.new(0, 0)
for i = 1, 2500 * N do
  acc = acc + Vec.new(i % 7, i % 11):scale(0.5)
  if acc:len2() > 1e12 then acc = Vec.new(1, 1) end
end
print("vec", string.format("%.3f %.3f", acc.x, acc.y))

-- closures and integer arithmetic
local function counter(step)
  local n = 0
  return function() n = n + step; return n end
end
local cs, sum = {}, 0
for i = 1, 50 do cs[i] = counter(i) end
for _ = 1, 75 * N do
  for i = 1, #cs do sum = (sum + cs[i]() * 31) % 1000000007 end
end
print("closures", sum)

-- strings: format, gsub, find
local parts = {}
for i = 1, 375 * N do parts[#parts + 1] = string.format("%05d:%x;", i * 7 % 99991, i) end
local s = table.concat(parts)
local t2, subs = s:gsub("(%d+):(%x+);", "%2=%1,")
local hits, pos = 0, 1
while true do
  local a, b = t2:find("=0", pos, true)
  if not a then break end
  hits, pos = hits + 1, b + 1
end
print("strings", #s, #t2, subs, hits)

-- numbers: a float loop (mandelbrot rows)
local inside = 0
for y = 0, 5 * N - 1 do
  for x = 0, 59 do
    local cr, ci = x / 30 - 1.5, (y % 40) / 20 - 1
    local zr, zi, k = 0.0, 0.0, 0
    while k < 50 and zr * zr + zi * zi < 4 do
      zr, zi = zr * zr - zi * zi + cr, 2 * zr * zi + ci
      k = k + 1
    end
    if k == 50 then inside = inside + 1 end
  end
end
print("mandel", inside)

-- garbage: many short-lived tables
local live = {}
for i = 1, 3750 * N do
  live[i % 500 + 1] = { i, tostring(i), { i * 2 } }
end
local chk = 0
for i = 1, #live do chk = chk + live[i][1] + #live[i][2] + live[i][3][1] end
print("gc", chk, collectgarbage("count") > 0)
