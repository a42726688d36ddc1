// bench.js - a JavaScript session for tests/bench/compare.py (mujs):
// property access, arrays and sort with a comparator, closures, string
// building, regular expressions, JSON and floating point. The harness
// puts "var N = UNITS;" in front (time is about linear in it). Every
// section prints a value that depends on all of its work: the output is
// compared with the native build's.
if (typeof N === "undefined") var N = 1;

var seed = 4242;
function rnd(m) {
	seed = (seed * 1103515245 + 12345) % 2147483648;
	return seed % m;
}

// objects in a map, then sorted by a comparator
var syll = ["ka", "lo", "mi", "nu", "pe", "ri", "so", "tu", "va", "ze"];
var counts = {}, nwords = 0;
for (var i = 0; i < 400 * N; i++) {
	var w = "";
	for (var k = 0, n = 1 + rnd(3); k < n; k++) w += syll[rnd(syll.length)];
	counts[w] = (counts[w] || 0) + 1;
	nwords++;
}
var keys = Object.keys(counts);
keys.sort(function (a, b) { return counts[b] - counts[a] || (a < b ? -1 : a > b ? 1 : 0); });
print("words", nwords, keys.length, keys[0], counts[keys[0]], keys[keys.length - 1]);

// prototypes and methods
function Vec(x, y) { this.x = x; this.y = y; }
Vec.prototype.add = function (o) { return new Vec(this.x + o.x, this.y + o.y); };
Vec.prototype.scale = function (s) { return new Vec(this.x * s, this.y * s); };
var acc = new Vec(0, 0);
for (var i = 1; i <= 1500 * N; i++) acc = acc.add(new Vec(i % 7, i % 11).scale(0.5));
print("vec", acc.x.toFixed(3), acc.y.toFixed(3));

// closures
function counter(step) { var n = 0; return function () { n += step; return n; }; }
var cs = [], sum = 0;
for (var i = 1; i <= 40; i++) cs.push(counter(i));
for (var r = 0; r < 40 * N; r++)
	for (var i = 0; i < cs.length; i++) sum = (sum + cs[i]() * 31) % 1000000007;
print("closures", sum);

// strings and regular expressions
var parts = [];
for (var i = 1; i <= 250 * N; i++) parts.push(("0000" + (i * 7 % 99991)).slice(-5) + ":" + i.toString(16) + ";");
var s = parts.join("");
var t = s.replace(/(\d+):([0-9a-f]+);/g, "$2=$1,");
var hits = (t.match(/=0/g) || []).length;
print("strings", s.length, t.length, hits);

// JSON round trip
var recs = [];
for (var i = 0; i < 60 * N; i++) recs.push({ id: i, name: "n" + rnd(1000), tags: [i % 3, i % 5], ok: i % 2 === 0 });
var js = JSON.stringify(recs);
var back = JSON.parse(js), ids = 0;
for (var i = 0; i < back.length; i++) ids += back[i].id * back[i].tags[1] + (back[i].ok ? 1 : 0);
print("json", js.length, ids);

// floating point: mandelbrot rows
var inside = 0;
for (var y = 0; y < 3 * N; y++)
	for (var x = 0; x < 60; x++) {
		var cr = x / 30 - 1.5, ci = (y % 40) / 20 - 1, zr = 0, zi = 0, k = 0;
		while (k < 50 && zr * zr + zi * zi < 4) {
			var nr = zr * zr - zi * zi + cr;
			zi = 2 * zr * zi + ci;
			zr = nr;
			k++;
		}
		if (k === 50) inside++;
	}
print("mandel", inside);
