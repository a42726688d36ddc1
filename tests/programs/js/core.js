// ES5 core under mujs: objects, arrays, closures, prototypes, JSON, Math,
// number formatting, Date in UTC. (No throw: see inc/setjmp.h.)
function primes(n) {
	var is = [], out = [], i, j;
	for (i = 2; i <= n; i++) is[i] = true;
	for (i = 2; i <= n; i++)
		if (is[i]) { out.push(i); for (j = i * i; j <= n; j += i) is[j] = false; }
	return out;
}
var p = primes(20000);
print("primes", p.length, p[p.length - 1], p[999]);

var seed = 42;
function rnd() { seed = (seed * 16807) % 2147483647; return seed; }
var a = [];
for (var i = 0; i < 3000; i++) a.push(rnd() % 100000);
a.sort(function (x, y) { return x - y; });
print("sorted", a[0], a[1500], a[2999], a.slice(0, 5).join("|"));
print("map/filter/reduce", a.filter(function (x) { return x % 7 === 0; }).map(function (x) { return x / 7; })
	.reduce(function (s, x) { return s + x; }, 0));

function Point(x, y) { this.x = x; this.y = y; }
Point.prototype.add = function (o) { return new Point(this.x + o.x, this.y + o.y); };
Point.prototype.toString = function () { return "(" + this.x + ", " + this.y + ")"; };
var acc = new Point(0, 0);
for (i = 1; i <= 100; i++) acc = acc.add(new Point(i / 7, -i * 1.5));
print("prototype", String(acc), acc instanceof Point, Object.keys(acc).join(","));

function counter() { var n = 0; return function () { return ++n; }; }
var c1 = counter(), c2 = counter();
c1(); c1();
print("closures", c1(), c2());

var obj = { name: "edge", list: [1, 2.5, "three", null, true, { deep: [] }], nested: { a: { b: { c: "d" } } }, u: "\u00e9\u2713\n\t\"" };
var js = JSON.stringify(obj);
print("json", js);
print("json indent", JSON.stringify(JSON.parse(js), null, 2));
print("numbers", 0.1 + 0.2, 1 / 3, 1e21, 1e-7, 123456789012345680000, -0, 2 / 0, -2 / 0, 0 / 0);
print("toString", (255).toString(16), (255).toString(2), (0.5).toString(2), (-17).toString(36));
print("toFixed", (3.14159).toFixed(2), (0.000001234).toExponential(3), (123.456).toPrecision(4), (1e21).toFixed(2));
print("parse", parseInt("0x1f"), parseInt("077", 8), parseFloat("3.5e3abc"), Number("  12  "), Number("x"));
print("math", Math.sqrt(2), Math.sin(1), Math.exp(1), Math.atan2(1, 2), Math.pow(2, 0.5), Math.floor(-3.5), Math.round(2.5), Math.max(1, 9, 3));
var d = new Date(Date.UTC(2026, 11, 1, 10, 30, 15, 250));
print("date", d.getTime(), d.toISOString(), d.getUTCDay(), Date.UTC(1970, 0, 2));
var sum = 0;
for (i = 1; i <= 100000; i++) sum += 1 / (i * i);
print("basel", sum, sum.toFixed(15));
var big = [];
for (i = 0; i < 100000; i++) big.push({ i: i, s: String(i) });
var t = 0;
for (i = 0; i < big.length; i++) t += big[i].i + big[i].s.length;
print("gc", t);
