// Strings and regular expressions under mujs.
var text = "It is a truth universally acknowledged, that a single man in possession\n" +
	"of a good fortune, must be in want of a wife. However little known the\n" +
	"feelings or views of such a man may be on his first entering a neighbourhood,\n" +
	"this truth is so well fixed in the minds of the surrounding families.\n";
var words = text.toLowerCase().match(/[a-z]+/g);
print("words", words.length, words.slice(0, 8).join(" "));
var freq = {};
words.forEach(function (w) { freq[w] = (freq[w] || 0) + 1; });
var keys = Object.keys(freq).sort(function (a, b) { return freq[b] - freq[a] || (a < b ? -1 : a > b ? 1 : 0); });
print("top", keys.slice(0, 5).map(function (k) { return k + "=" + freq[k]; }).join(" "));
print("replace", text.replace(/(\w+)(\s*)/g, function (m, w, s) { return "<" + w + ">" + s; }).slice(0, 80));
print("replace $", "john smith".replace(/(\w+)\s(\w+)/, "$2, $1"), "aaa".replace(/a/g, "$&$&"));
print("split", "a, b,,c , d".split(/\s*,\s*/).join("|"), "abc".split("").join("-"), "x".split(",").length);
var re = /(\d{4})-(\d\d)-(\d\d)/g, m, found = [];
while ((m = re.exec("from 2026-12-01 to 2027-01-31, not 26-1-1")) !== null) found.push(m[1] + m[2] + m[3] + "@" + m.index);
print("exec", found.join(" "), re.lastIndex);
print("test", /^[\w.+-]+@\w+\.\w{2,}$/.test("someone@example.org"), /colou?r/i.test("COLOR"), /a{3,}/.test("aa"));
print("case", "Hello".toUpperCase(), "ÀÉÎ".toLowerCase(), "straße".toUpperCase());
print("index", text.indexOf("fortune"), text.lastIndexOf("truth"), text.charAt(3), text.charCodeAt(0), text.substring(5, 10), text.slice(-10, -5));
var u = "naïve café – ünïcödé ✓";
var codes = [];
for (var i = 0; i < u.length; i++) codes.push(u.charCodeAt(i));
print("unicode", u.length, codes.join(","), String.fromCharCode(72, 228, 8364));
print("trim", "[" + "  \t pad \n ".trim() + "]", encodeURIComponent("a b&c=d/é"), decodeURIComponent("%E2%9C%93"));
print("concat", "a".concat("b", 1, null), [1, [2, [3]]].toString(), String([]), String({}));
