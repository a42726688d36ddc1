-- Tables, closures, metatables, sorting, integer and float arithmetic,
-- the garbage collector. (No coroutines: yield unwinds the C stack with
-- LUAI_THROW, which lua-nothrow.h makes an abort.)
local function sieve(n)
  local is, out = {}, {}
  for i = 2, n do is[i] = true end
  for i = 2, n do
    if is[i] then
      out[#out + 1] = i
      for j = i * i, n, i do is[j] = false end
    end
  end
  return out
end
local p = sieve(20000)
print("primes", #p, p[#p], p[1000])

local memo = {}
local function fib(n)
  if n < 2 then return n end
  local v = memo[n]
  if not v then v = fib(n - 1) + fib(n - 2); memo[n] = v end
  return v
end
print("fib", fib(90), fib(40) / fib(39))

math.randomseed(42)
local t = {}
for i = 1, 5000 do t[i] = math.random(1, 1000000) end
table.sort(t)
local ok = true
for i = 2, #t do if t[i - 1] > t[i] then ok = false end end
print("sorted", ok, t[1], t[2500], t[5000])
table.sort(t, function(a, b) return a % 997 < b % 997 or (a % 997 == b % 997 and a < b) end)
print("sorted by mod", t[1], t[4999])

local V = {}
V.__index = V
V.__add = function(a, b) return setmetatable({x = a.x + b.x, y = a.y + b.y}, V) end
V.__tostring = function(v) return string.format("(%g, %g)", v.x, v.y) end
local acc = setmetatable({x = 0, y = 0}, V)
for i = 1, 100 do acc = acc + setmetatable({x = i / 7, y = -i * 1.5}, V) end
print("vector", tostring(acc))

local function counter()
  local n = 0
  return function() n = n + 1; return n end
end
local c1, c2 = counter(), counter()
c1(); c1()
print("closures", c1(), c2())

print("ints", math.maxinteger, math.mininteger, 7 // 2, -7 // 2, 7 % -3, 2^53, 1 << 62, 0xff ~ 0x0f)
print("floats", 1e308 * 10, -1e308 * 10, 0.1 + 0.2, math.sqrt(2), math.sin(1), math.exp(1), math.log(10, 2))
print("tointeger", math.tointeger(3.0), math.tointeger(3.5), math.floor(-3.5), math.ceil(-3.5), 3 | 0)
local s = 0.0
for i = 1, 100000 do s = s + 1 / (i * i) end
print(string.format("basel %.15f %.17g", s, s))

collectgarbage()
local big = {}
for i = 1, 200000 do big[i] = {i, tostring(i)} end
local sum = 0
for _, v in ipairs(big) do sum = sum + v[1] + #v[2] end
print("gc", sum, collectgarbage("count") > 0)
