/*
 * test_manifest.c - the manifest parser (src/manifest.c, docs/manifest.md)
 * and the value syntax it shares with the command line (src/units.c):
 * every field of a good manifest read back, each kind of malformed text
 * with its exact line and message, an allocator that refuses on its Nth
 * call for every N, and every committed .ini under manifests/ (run from
 * the top of the tree, as `make unit` does).
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "manifest.h"
#include "units.h"

/* ---- helpers ---- */

static bool span_is(ep_span s, const char *lit)
{
	return s.n == strlen(lit) && memcmp(s.p, lit, s.n) == 0;
}

/* A span printable with %.*s. */
#define SP(s) (int)(s).n, (s).p

/* An allocator that counts live blocks and refuses its fail_at-th call
 * (0: never). */
typedef struct counting {
	int calls, fail_at, live;
} counting;

static void *counting_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	counting *c = ud;
	(void)osize;
	if (nsize == 0) {
		if (ptr)
			c->live--;
		free(ptr);
		return NULL;
	}
	if (++c->calls == c->fail_at)
		return NULL;
	void *p = realloc(ptr, nsize);
	if (p && !ptr)
		c->live++;
	return p;
}

static const char sha_a[] = "sha256 = 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n";

/* The [plugin] lines every test manifest needs, before extra. */
static char *with_plugin(const char *before, const char *extra)
{
	static char buf[65536];
	snprintf(buf, sizeof buf, "%s[plugin]\nid = t\nversion = 1\nwasm = t.wasm\n%s%s", before, sha_a,
	         extra);
	return buf;
}

/* Parses text that must fail at line with exactly msg. */
static void bad_at(int src_line, const char *text, size_t len, uint32_t line, const char *msg)
{
	ep_manifest m;
	ep_manifest_error err;
	counting c = { 0, 0, 0 };
	ep_status st = ep_manifest_parse(text, len, counting_alloc, &c, &m, &err);
	check(st == EP_ERR_MALFORMED, src_line, "status %d, want malformed (%s)", st, msg);
	check(err.line == line, src_line, "line %u, want %u (%s)", (unsigned)err.line, (unsigned)line, err.msg);
	check(strcmp(err.msg, msg) == 0, src_line, "message \"%s\", want \"%s\"", err.msg, msg);
	check(c.calls == 0 && c.live == 0, src_line, "a malformed manifest allocated %d times", c.calls);
	check(m.nenv == 0 && m.env == NULL && m.id.n == 0, src_line, "result not zeroed on error");
	if (st == EP_OK)
		ep_manifest_free(&m, counting_alloc, &c);
}

#define BAD(text, line, msg) bad_at(__LINE__, (text), strlen(text), (line), (msg))
#define BADN(text, len, line, msg) bad_at(__LINE__, (text), (len), (line), (msg))
/* A [plugin] section first (lines 1-5), then extra from line 6 on. */
#define BADP(extra, line, msg) BAD(with_plugin("", (extra)), (line), (msg))

static bool good_at(int src_line, const char *text, ep_manifest *m)
{
	ep_manifest_error err;
	ep_status st = ep_manifest_parse(text, strlen(text), NULL, NULL, m, &err);
	check(st == EP_OK, src_line, "status %d: line %u: %s", st, (unsigned)err.line, err.msg);
	return st == EP_OK;
}

#define GOOD(text, m) good_at(__LINE__, (text), (m))

/* ---- units ---- */

static void test_units(void)
{
	uint64_t v = 7;
	struct { const char *s; int ok; uint64_t want; } counts[] = {
		{ "0", 1, 0 }, { "42", 1, 42 }, { "18446744073709551615", 1, UINT64_MAX },
		{ "000000000000000000000001", 1, 1 }, { "18446744073709551616", 0, 0 },
		{ "99999999999999999999", 0, 0 }, { "", 0, 0 }, { "-1", 0, 0 }, { "+1", 0, 0 },
		{ " 1", 0, 0 }, { "1 ", 0, 0 }, { "1k", 0, 0 }, { "0x10", 0, 0 },
	};
	for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
		int ok = ep_parse_count(counts[i].s, strlen(counts[i].s), &v);
		CHECK(ok == counts[i].ok && (!ok || v == counts[i].want), "count \"%s\": %d %llu",
		      counts[i].s, ok, (unsigned long long)v);
	}
	struct { const char *s; int ok; uint64_t want; } sizes[] = {
		{ "0", 1, 0 }, { "65536", 1, 65536 }, { "64K", 1, 65536 }, { "64k", 1, 65536 },
		{ "64KiB", 1, 65536 }, { "64kib", 1, 65536 }, { "7b", 1, 7 }, { "7B", 1, 7 },
		{ "16M", 1, 16u << 20 }, { "16mib", 1, 16u << 20 }, { "2G", 1, 2ull << 30 },
		{ "3gib", 1, 3ull << 30 }, { "17179869183G", 1, 17179869183ull << 30 },
		{ "17179869184G", 0, 0 }, { "18446744073709551615", 1, UINT64_MAX },
		{ "18446744073709551615b", 1, UINT64_MAX }, { "18446744073709551615k", 0, 0 },
		{ "K", 0, 0 }, { "", 0, 0 }, { "1 K", 0, 0 }, { "1KB", 0, 0 }, { "1T", 0, 0 },
		{ "1ki", 0, 0 }, { "1.5M", 0, 0 }, { "1Mi", 0, 0 },
	};
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		int ok = ep_parse_size(sizes[i].s, strlen(sizes[i].s), &v);
		CHECK(ok == sizes[i].ok && (!ok || v == sizes[i].want), "size \"%s\": %d %llu",
		      sizes[i].s, ok, (unsigned long long)v);
	}
	struct { const char *s; int ok; uint64_t want; } durations[] = {
		{ "2", 1, 2000 }, { "2s", 1, 2000 }, { "2S", 1, 2000 }, { "500ms", 1, 500 },
		{ "500MS", 1, 500 }, { "1m", 1, 60000 }, { "0", 1, 0 }, { "0ms", 1, 0 },
		{ "18446744073709551615ms", 1, UINT64_MAX }, { "18446744073709551615", 0, 0 },
		{ "307445734561825m", 1, 307445734561825ull * 60000 },
		{ "307445734561826m", 0, 0 }, { "1h", 0, 0 }, { "1sec", 0, 0 }, { "ms", 0, 0 },
		{ "1min", 0, 0 }, { "1k", 0, 0 }, { "", 0, 0 },
	};
	for (size_t i = 0; i < sizeof durations / sizeof durations[0]; i++) {
		int ok = ep_parse_duration_ms(durations[i].s, strlen(durations[i].s), &v);
		CHECK(ok == durations[i].ok && (!ok || v == durations[i].want), "duration \"%s\": %d %llu",
		      durations[i].s, ok, (unsigned long long)v);
	}
	/* Spans, not strings: bytes past n are never read or counted. */
	CHECK(ep_parse_count("123456", 3, &v) && v == 123, "count span: %llu", (unsigned long long)v);
	CHECK(ep_parse_size("16Mx", 3, &v) && v == 16u << 20, "size span: %llu", (unsigned long long)v);
	CHECK(ep_parse_duration_ms("5msx", 3, &v) && v == 5, "duration span: %llu", (unsigned long long)v);
	CHECK(!ep_parse_count(NULL, 0, &v), "empty span is no count");
	v = 99;
	CHECK(!ep_parse_size("x", 1, &v) && v == 99, "a failed parse leaves *out alone");
}

/* ---- good manifests ---- */

static const char full[] =
	"; a full manifest: every key\n"
	"# second comment style\n"
	"[plugin]\n"
	"id = org.example.sensor-filter_2   ; required\n"
	"version = 1.2.0-rc.1+build.5\n"
	"wasm = lib/sensor-filter.wasm\n"
	"sha256 = 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n"
	"entry = filter_step\n"
	"description = Filters sensor data; drops spikes. # trailing comment\n"
	"\n"
	"[capabilities]  ; header comment\n"
	"stdin = no\n"
	"stdout = yes\n"
	"stderr = yes\n"
	"clock = yes\n"
	"random = no\n"
	"env = EP_A, EP_B=fixed value ,_X=\n"
	"dir = data::/data, cache::/cache:ro,/abs/path::rel:ro\n"
	"args = --mode\tfast  x\n"
	"\n"
	"[limits]\n"
	"fuel = 100000000\n"
	"memory = 16M\n"
	"timeout = 2s\n"
	"call_depth = 10000\n"
	"stack = 1M\n"
	"runtime_memory = 32M\n"
	"output = 0\n"
	"table_elements = 1000\n"
	"\n"
	"[config]\n"
	"threshold = 12\n"
	"Mode_2 = a;b#c = d\n"
	"empty =\n"
	"\t  indented\t=\tspaced value\t  \n";

static void test_full(void)
{
	ep_manifest m;
	if (!GOOD(full, &m))
		return;
	CHECK(span_is(m.id, "org.example.sensor-filter_2"), "id %.*s", SP(m.id));
	CHECK(span_is(m.version, "1.2.0-rc.1+build.5"), "version %.*s", SP(m.version));
	CHECK(span_is(m.wasm, "lib/sensor-filter.wasm") && m.line_wasm == 6, "wasm %.*s line %u",
	      SP(m.wasm), (unsigned)m.line_wasm);
	CHECK(m.line_sha256 == 7, "line_sha256 %u", (unsigned)m.line_sha256);
	bool sha_ok = true;
	for (int i = 0; i < 32; i++)
		sha_ok &= m.sha256[i] == (uint8_t)((i % 16) * 0x11);
	CHECK(sha_ok, "sha256 decoded");
	CHECK(span_is(m.entry, "filter_step") && m.line_entry == 8, "entry %.*s", SP(m.entry));
	CHECK(span_is(m.description, "Filters sensor data; drops spikes."), "description \"%.*s\"",
	      SP(m.description));
	CHECK(m.caps == (EP_MF_STDOUT | EP_MF_STDERR | EP_MF_CLOCK), "caps %#x", m.caps);
	CHECK(m.nenv == 3, "nenv %zu", m.nenv);
	if (m.nenv == 3) {
		CHECK(span_is(m.env[0].name, "EP_A") && !m.env[0].has_value, "env 0");
		CHECK(span_is(m.env[1].name, "EP_B") && m.env[1].has_value &&
		      span_is(m.env[1].value, "fixed value"), "env 1 \"%.*s\"", SP(m.env[1].value));
		CHECK(span_is(m.env[2].name, "_X") && m.env[2].has_value && m.env[2].value.n == 0, "env 2");
	}
	CHECK(m.ndir == 3, "ndir %zu", m.ndir);
	if (m.ndir == 3) {
		CHECK(span_is(m.dir[0].host, "data") && span_is(m.dir[0].guest, "/data") &&
		      !m.dir[0].readonly, "dir 0");
		CHECK(span_is(m.dir[1].host, "cache") && span_is(m.dir[1].guest, "/cache") &&
		      m.dir[1].readonly, "dir 1");
		CHECK(span_is(m.dir[2].host, "/abs/path") && span_is(m.dir[2].guest, "rel") &&
		      m.dir[2].readonly, "dir 2");
		CHECK(m.line_dir[0] == 18 && m.line_dir[2] == 18, "line_dir %u", (unsigned)m.line_dir[0]);
	}
	CHECK(m.has_args && m.nargs == 3, "nargs %zu", m.nargs);
	if (m.nargs == 3)
		CHECK(span_is(m.args[0], "--mode") && span_is(m.args[1], "fast") && span_is(m.args[2], "x"),
		      "args");
	const ep_mf_limits *l = &m.limits;
	CHECK(l->has_fuel && l->fuel == 100000000, "fuel");
	CHECK(l->has_memory && l->memory == 16u << 20, "memory");
	CHECK(l->has_timeout && l->timeout_ms == 2000, "timeout");
	CHECK(l->has_call_depth && l->call_depth == 10000, "call_depth");
	CHECK(l->has_stack && l->stack == 1u << 20, "stack");
	CHECK(l->has_runtime_memory && l->runtime_memory == 32u << 20, "runtime_memory");
	CHECK(l->has_output && l->output == 0, "output");
	CHECK(l->has_table_elements && l->table_elements == 1000, "table_elements");
	CHECK(m.nconfig == 4, "nconfig %zu", m.nconfig);
	if (m.nconfig == 4) {
		CHECK(span_is(m.config[0].key, "threshold") && span_is(m.config[0].value, "12") &&
		      m.config[0].line == 32, "config 0 line %u", (unsigned)m.config[0].line);
		CHECK(span_is(m.config[1].key, "Mode_2") && span_is(m.config[1].value, "a;b#c = d"),
		      "config 1 \"%.*s\"", SP(m.config[1].value));
		CHECK(span_is(m.config[2].key, "empty") && m.config[2].value.n == 0, "config 2");
		CHECK(span_is(m.config[3].key, "indented") && span_is(m.config[3].value, "spaced value"),
		      "config 3 \"%.*s\"", SP(m.config[3].value));
	}
	/* Spans point into the buffer. */
	CHECK(m.id.p > full && m.id.p < full + sizeof full, "id points into the buffer");
	ep_manifest_free(&m, NULL, NULL);
	CHECK(m.env == NULL && m.nenv == 0, "free zeroes");
	ep_manifest_free(&m, NULL, NULL); /* twice: zeroed, so harmless */
}

static void test_minimal(void)
{
	ep_manifest m;
	/* CRLF line ends, no final line end, nothing optional. */
	const char *t = "[plugin]\r\nid=a\r\nversion=1\r\nwasm=a.wasm\r\n"
	                "sha256=ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
	if (GOOD(t, &m)) {
		CHECK(span_is(m.id, "a") && span_is(m.wasm, "a.wasm"), "crlf id/wasm");
		CHECK(m.sha256[0] == 0xff && m.sha256[31] == 0xff, "sha ff");
		CHECK(m.entry.n == 0 && m.line_entry == 0 && m.description.n == 0, "no entry");
		CHECK(m.caps == 0 && m.nenv == 0 && m.ndir == 0 && !m.has_args && m.nconfig == 0,
		      "everything absent is denied");
		CHECK(!m.limits.has_fuel && !m.limits.has_memory && !m.limits.has_timeout &&
		      !m.limits.has_call_depth && !m.limits.has_stack && !m.limits.has_runtime_memory &&
		      !m.limits.has_output && !m.limits.has_table_elements, "no limits");
		CHECK(m.env == NULL && m.dir == NULL && m.args == NULL && m.config == NULL &&
		      m.line_dir == NULL, "no lists allocated");
		ep_manifest_free(&m, NULL, NULL);
	}
	/* Sections in any order, empty sections, args empty, caps all yes,
	 * extremes of every range. */
	t = "[limits]\n[config]\n[capabilities]\nargs =\nstdin=yes\nstdout=yes\nstderr=yes\n"
	    "clock=yes\nrandom=yes\n"
	    "[plugin]\nid = t\nversion = 1\nwasm = a/b/c.wasm\n"
	    "sha256 = 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
	    "description =\n";
	if (GOOD(t, &m)) {
		CHECK(m.has_args && m.nargs == 0 && m.args == NULL, "empty args");
		CHECK(m.caps == 0x1f, "all caps %#x", m.caps);
		CHECK(m.description.n == 0, "empty description");
		ep_manifest_free(&m, NULL, NULL);
	}
	char buf[4096];
	snprintf(buf, sizeof buf, "%s", with_plugin("",
	         "[limits]\nfuel = 18446744073709551615\nmemory = 64K\ntimeout = 1ms\n"
	         "call_depth = 100000000\nstack = 8\nruntime_memory = 1\noutput = 18446744073709551615\n"
	         "table_elements = 4294967295\n"));
	if (GOOD(buf, &m)) {
		const ep_mf_limits *l = &m.limits;
		CHECK(l->fuel == UINT64_MAX && l->memory == 65536 && l->timeout_ms == 1 &&
		      l->call_depth == 100000000 && l->stack == 8 && l->runtime_memory == 1 &&
		      l->output == UINT64_MAX && l->table_elements == UINT32_MAX, "extremes");
		ep_manifest_free(&m, NULL, NULL);
	}
	snprintf(buf, sizeof buf, "%s", with_plugin("", "[limits]\nstack = 34359738367\n"
	                                                "call_depth = 1\ntable_elements = 1\n"));
	if (GOOD(buf, &m)) {
		CHECK(m.limits.stack == 34359738367ull, "largest stack");
		ep_manifest_free(&m, NULL, NULL);
	}
	/* Longest id, version, entry; a line of exactly 4096 bytes. */
	char id[129], ver[65], entry[257], desc[4096 - 14 + 1];
	memset(id, 'a', 128), id[128] = 0;
	memset(ver, '~', 64), ver[64] = 0;
	memset(entry, 'e', 256), entry[256] = 0;
	memset(desc, 'd', sizeof desc - 1), desc[sizeof desc - 1] = 0;
	static char big[16384];
	snprintf(big, sizeof big, "[plugin]\nid = %s\nversion = %s\nwasm = x\n%sentry = %s\ndescription = %s\n",
	         id, ver, sha_a, entry, desc);
	if (GOOD(big, &m)) {
		CHECK(m.id.n == 128 && m.version.n == 64 && m.entry.n == 256 && m.description.n == 4096 - 14,
		      "longest values");
		ep_manifest_free(&m, NULL, NULL);
	}
	/* UTF-8 in values, up to U+10FFFF. */
	if (GOOD(with_plugin("", "description = caf\xc3\xa9 \xe2\x82\xac \xf4\x8f\xbf\xbf\n"), &m)) {
		CHECK(m.description.n == 14, "utf-8 description %zu", m.description.n);
		ep_manifest_free(&m, NULL, NULL);
	}
	/* The comment rules: ;/# at the start of a value, after whitespace. */
	if (GOOD(with_plugin("", "[config]\na = ;x\nb =#x\nc = x;y\nd = x\t#y\ne=x #\n"), &m)) {
		CHECK(m.nconfig == 5, "nconfig %zu", m.nconfig);
		if (m.nconfig == 5) {
			CHECK(m.config[0].value.n == 0, "a empty");
			CHECK(m.config[1].value.n == 0, "b empty");
			CHECK(span_is(m.config[2].value, "x;y"), "c");
			CHECK(span_is(m.config[3].value, "x"), "d");
			CHECK(span_is(m.config[4].value, "x"), "e");
		}
		ep_manifest_free(&m, NULL, NULL);
	}
	/* A section header may carry a comment right after the ]. */
	if (GOOD(with_plugin("", "[config];c\n  [limits] # c\n"), &m))
		ep_manifest_free(&m, NULL, NULL);
	/* Up to 256 [config] keys. */
	static char many[65536];
	size_t n = (size_t)snprintf(many, sizeof many, "%s[config]\n", with_plugin("", ""));
	for (int i = 0; i < 256; i++)
		n += (size_t)snprintf(many + n, sizeof many - n, "k%d = %d\n", i, i);
	if (GOOD(many, &m)) {
		CHECK(m.nconfig == 256 && span_is(m.config[255].key, "k255"), "256 config keys");
		ep_manifest_free(&m, NULL, NULL);
	}
	snprintf(many + n, sizeof many - n, "k256 = x\n");
	BAD(many, 6 + 256 + 1, "more than 256 keys in [config]");
}

/* ---- malformed text: each rule, its line and message ---- */

static void test_lines(void)
{
	BAD("", 0, "missing [plugin] section");
	BAD("; only a comment\n\n# another\n", 0, "missing [plugin] section");
	BAD("[limits]\nfuel = 1\n", 0, "missing [plugin] section");
	BAD("[plugin]\nid = t\nversion = 1\nwasm = t.wasm\n", 0, "missing required key \"sha256\" in [plugin]");
	BAD("[plugin]\n", 0, "missing required key \"id\" in [plugin]");
	BAD("[plugin]\nid = t\n", 0, "missing required key \"version\" in [plugin]");
	BAD("[plugin]\nid = t\nversion = 1\n", 0, "missing required key \"wasm\" in [plugin]");
	BADN("[plugin]\nid = t\0\n", 17, 2, "NUL byte at byte 7 of the line");
	BAD("[plugin]\rid = t\n", 1, "carriage return not followed by a line feed");
	BAD("[plugin]\nid = t\r", 2, "carriage return not followed by a line feed");
	BAD("[plugin]\nid = t\r\r\n", 2, "carriage return not followed by a line feed");
	BAD("\xef\xbb\xbf[plugin]\n", 1, "byte-order mark (U+FEFF) at the start of the file");
	BAD("[plugin]\nid = t\x1b[31m\n", 2, "control character U+001B at byte 7 of the line");
	BAD("[plugin]\nid = t\x7f\n", 2, "control character U+007F at byte 7 of the line");
	BAD("[plugin]\nid = t\xc2\x9b\n", 2, "control character U+009B at byte 7 of the line");
	BAD("[plugin]\nid = t\x0b\n", 2, "control character U+000B at byte 7 of the line");
	/* Strict UTF-8. */
	static const char *const bad_utf8[] = {
		"\x80", "\xc0\x80", "\xc1\xbf", "\xe0\x80\x80", "\xe0\x9f\xbf", "\xed\xa0\x80",
		"\xed\xbf\xbf", "\xf0\x80\x80\x80", "\xf0\x8f\xbf\xbf", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80",
		"\xff", "\xc3", "\xe2\x82", "\xf0\x9f\x98", "\xc3(", "\xe2(\xa1",
	};
	for (size_t i = 0; i < sizeof bad_utf8 / sizeof bad_utf8[0]; i++) {
		char t[64];
		snprintf(t, sizeof t, "[plugin]\n\n; x%s\n", bad_utf8[i]);
		BAD(t, 3, "invalid UTF-8 at byte 4 of the line");
	}
	/* At the very end of the text, no line end: a cut sequence. */
	BAD("[plugin]\n\xe2\x82", 2, "invalid UTF-8 at byte 1 of the line");
	/* Line length: 4096 bytes is fine (test_minimal), 4097 is not, CRLF or LF. */
	static char lng[8192];
	int n = snprintf(lng, sizeof lng, "%s", with_plugin("", "description = "));
	memset(lng + n, 'x', 4097 - 14);
	strcpy(lng + n + 4097 - 14, "\r\n");
	BAD(lng, 6, "line longer than 4096 bytes");
	memset(lng + n, 'x', 6000);
	strcpy(lng + n + 6000, "\n");
	BAD(lng, 6, "line longer than 4096 bytes");
	/* A multi-byte character crossing the limit. */
	memset(lng + n, 'x', 4095 - 14);
	strcpy(lng + n + 4095 - 14, "\xe2\x82\xac\n");
	BAD(lng, 6, "line longer than 4096 bytes");
}

static void test_structure(void)
{
	BAD("[plugin]\n[capabilitys]\n", 2, "unknown section [capabilitys]");
	BAD("[Plugin]\n", 1, "unknown section [Plugin]");
	BAD("[ plugin ]\n", 1, "unknown section [ plugin ]");
	BAD("[]\n", 1, "unknown section []");
	BAD("[plugin\n", 1, "section header [plugin has no closing ]");
	BAD("[plugin] x\n", 1, "text after section header [plugin]: x");
	BAD("[plugin]\n\n[limits]\n[plugin]\n", 4, "duplicate section [plugin] (first on line 1)");
	BAD("id = t\n[plugin]\n", 1, "key \"id\" outside any section");
	BAD("[plugin]\njust words\n", 2, "expected \"key = value\", \"[section]\" or a comment");
	BAD("[plugin]\n = x\n", 2, "no key before =");
	BAD("[plugin]\nmy key = x\n", 2, "invalid key \"my key\" (letters, digits and _ only)");
	BAD("[plugin]\nid.x = x\n", 2, "invalid key \"id.x\" (letters, digits and _ only)");
	BADP("ID = x\n", 6, "unknown key \"ID\" in [plugin]");
	BADP("[limits]\nfuell = 1\n", 7, "unknown key \"fuell\" in [limits]");
	BADP("[capabilities]\nfuel = 1\n", 7, "unknown key \"fuel\" in [capabilities]");
	BADP("[limits]\nfuel = 1\nmemory = 1M\nfuel = 2\n", 9, "duplicate key \"fuel\" (first on line 7)");
	BADP("id = u\n", 6, "duplicate key \"id\" (first on line 2)");
	BADP("[config]\na = 1\nb = 2\na = 1\n", 9, "duplicate key \"a\" (first on line 7)");
}

static void test_values(void)
{
	/* [plugin] */
	BAD("[plugin]\nid =\n", 2, "empty value for \"id\"");
	BAD("[plugin]\nid = ; comment only\n", 2, "empty value for \"id\"");
	BAD("[plugin]\nid = Org.x\n", 2, "id \"Org.x\": use only a-z, 0-9, '.', '_' and '-'");
	BAD("[plugin]\nid = a b\n", 2, "id \"a b\": use only a-z, 0-9, '.', '_' and '-'");
	static char t[8192];
	char id[130];
	memset(id, 'a', 129), id[129] = 0;
	snprintf(t, sizeof t, "[plugin]\nid = %s\n", id);
	BAD(t, 2, "id \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\": longer than 128 bytes");
	BAD("[plugin]\nversion = 1.0 beta\n", 2, "version \"1.0 beta\": printable ASCII without spaces only");
	BAD("[plugin]\nversion = 1.\xc3\xa9\n", 2, "version \"1.\xc3\xa9\": printable ASCII without spaces only");
	char ver[66];
	memset(ver, '1', 65), ver[65] = 0;
	snprintf(t, sizeof t, "[plugin]\nversion = %s\n", ver);
	BAD(t, 2, "version \"111111111111111111111111111111111111111111111111...\": longer than 64 bytes");
	BAD("[plugin]\nwasm = /abs.wasm\n", 2, "wasm \"/abs.wasm\": not a path relative to the manifest's folder");
	BAD("[plugin]\nwasm = ../up.wasm\n", 2, "wasm \"../up.wasm\": a \"..\" component leaves the manifest's folder");
	BAD("[plugin]\nwasm = a/../../b\n", 2, "wasm \"a/../../b\": a \"..\" component leaves the manifest's folder");
	BAD("[plugin]\nwasm = a/..\n", 2, "wasm \"a/..\": a \"..\" component leaves the manifest's folder");
	BAD("[plugin]\nwasm = ..\n", 2, "wasm \"..\": a \"..\" component leaves the manifest's folder");
	BAD("[plugin]\nwasm = a//b\n", 2, "wasm \"a//b\": empty or \".\" path component");
	BAD("[plugin]\nwasm = a/\n", 2, "wasm \"a/\": empty or \".\" path component");
	BAD("[plugin]\nwasm = ./a\n", 2, "wasm \"./a\": empty or \".\" path component");
	BAD("[plugin]\nwasm = .\n", 2, "wasm \".\": empty or \".\" path component");
	BAD("[plugin]\nwasm =\n", 2, "empty value for \"wasm\"");
	BAD("[plugin]\nsha256 = abc\n", 2, "sha256: expected 64 lowercase hex digits, got 3 characters");
	BAD("[plugin]\nsha256 = 0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef\n", 2,
	    "sha256: expected 64 lowercase hex digits, got 'A' at 11");
	BAD("[plugin]\nsha256 = 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg\n", 2,
	    "sha256: expected 64 lowercase hex digits, got 'g' at 64");
	BAD("[plugin]\nsha256 = 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0\n", 2,
	    "sha256: expected 64 lowercase hex digits, got 65 characters");
	BAD("[plugin]\nentry =\n", 2, "empty value for \"entry\"");
	char entry[258];
	memset(entry, 'e', 257), entry[257] = 0;
	snprintf(t, sizeof t, "[plugin]\nentry = %s\n", entry);
	BAD(t, 2, "entry \"eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee...\": longer than 256 bytes");
	/* A quote is cut at a character boundary: 47 x then a 2-byte é. */
	snprintf(t, sizeof t, "[plugin]\nid = %.*s\xc3\xa9z\n", 47, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	BAD(t, 2, "id \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...\": use only a-z, 0-9, '.', '_' and '-'");

	/* [capabilities] */
	BADP("[capabilities]\nstdin = Yes\n", 7, "stdin \"Yes\": expected yes or no");
	BADP("[capabilities]\nstdout = true\n", 7, "stdout \"true\": expected yes or no");
	BADP("[capabilities]\nclock =\n", 7, "empty value for \"clock\"");
	BADP("[capabilities]\nrandom = yes please\n", 7, "random \"yes please\": expected yes or no");
	BADP("[capabilities]\nenv = A,,B\n", 7, "env: empty item in the list");
	BADP("[capabilities]\nenv = A,\n", 7, "env: empty item in the list");
	BADP("[capabilities]\nenv = , A\n", 7, "env: empty item in the list");
	BADP("[capabilities]\nenv =\n", 7, "empty value for \"env\"");
	BADP("[capabilities]\nenv = 1A\n", 7, "env \"1A\": not a variable name ([A-Za-z_][A-Za-z0-9_]*)");
	BADP("[capabilities]\nenv = A B\n", 7, "env \"A B\": not a variable name ([A-Za-z_][A-Za-z0-9_]*)");
	BADP("[capabilities]\nenv = A =1\n", 7, "env \"A \": not a variable name ([A-Za-z_][A-Za-z0-9_]*)");
	BADP("[capabilities]\nenv = =1\n", 7, "env \"\": not a variable name ([A-Za-z_][A-Za-z0-9_]*)");
	BADP("[capabilities]\nenv = EDGEPLUG_CONFIG_X=1\n", 7,
	     "env \"EDGEPLUG_CONFIG_X\": names starting with EDGEPLUG_CONFIG_ are reserved for [config]");
	BADP("[capabilities]\nenv = A, B, A=2\n", 7, "env: duplicate name \"A\"");
	BADP("[capabilities]\ndir = data\n", 7, "dir \"data\": expected HOST::GUEST or HOST::GUEST:ro");
	BADP("[capabilities]\ndir = a:b\n", 7, "dir \"a:b\": expected HOST::GUEST or HOST::GUEST:ro");
	BADP("[capabilities]\ndir = ::/d\n", 7, "dir \"::/d\": empty host path");
	BADP("[capabilities]\ndir = d::\n", 7, "dir \"d::\": empty guest path");
	BADP("[capabilities]\ndir = d:::ro\n", 7, "dir \"d:::ro\": empty guest path");
	BADP("[capabilities]\ndir = d :: /d\n", 7, "dir \"d :: /d\": a path starts or ends with a space");
	BADP("[capabilities]\ndir = d::/d :ro\n", 7, "dir \"d::/d :ro\": a path starts or ends with a space");
	BADP("[capabilities]\ndir = a::b::c\n", 7, "dir \"a::b::c\": more than one \"::\"");
	BADP("[capabilities]\ndir = a::/d, b::/e, c::/d:ro\n", 7, "dir: duplicate guest path \"/d\"");
	BADP("[capabilities]\ndir = a::/d,,b::/e\n", 7, "dir: empty item in the list");

	/* [limits] */
	BADP("[limits]\nfuel = abc\n", 7, "fuel \"abc\": not a valid count");
	BADP("[limits]\nfuel = -1\n", 7, "fuel \"-1\": not a valid count");
	BADP("[limits]\nfuel = 18446744073709551616\n", 7, "fuel \"18446744073709551616\": not a valid count");
	BADP("[limits]\nfuel = 1k\n", 7, "fuel \"1k\": not a valid count");
	BADP("[limits]\nfuel =\n", 7, "empty value for \"fuel\"");
	BADP("[limits]\nmemory = 65535\n", 7, "memory \"65535\": less than one 64 KiB page");
	BADP("[limits]\nmemory = 1X\n", 7, "memory \"1X\": not a valid size (e.g. 65536, 64K, 16M)");
	BADP("[limits]\nmemory = 16 M\n", 7, "memory \"16 M\": not a valid size (e.g. 65536, 64K, 16M)");
	BADP("[limits]\ntimeout = 0\n", 7, "timeout \"0\": must be more than 0");
	BADP("[limits]\ntimeout = 0ms\n", 7, "timeout \"0ms\": must be more than 0");
	BADP("[limits]\ntimeout = 2h\n", 7, "timeout \"2h\": not a valid duration (e.g. 500ms, 2s, 1m)");
	BADP("[limits]\ncall_depth = 0\n", 7, "call_depth \"0\": out of range (1 to 100000000)");
	BADP("[limits]\ncall_depth = 100000001\n", 7, "call_depth \"100000001\": out of range (1 to 100000000)");
	BADP("[limits]\ncall_depth = 1M\n", 7, "call_depth \"1M\": not a valid count");
	BADP("[limits]\nstack = 7\n", 7, "stack \"7\": less than 8 bytes (one slot)");
	BADP("[limits]\nstack = 32G\n", 7, "stack \"32G\": more than 4294967295 slots of 8 bytes");
	BADP("[limits]\nruntime_memory = 0\n", 7, "runtime_memory \"0\": must be more than 0");
	BADP("[limits]\noutput = 1Q\n", 7, "output \"1Q\": not a valid size (e.g. 65536, 64K, 16M)");
	BADP("[limits]\ntable_elements = 0\n", 7, "table_elements \"0\": out of range (1 to 4294967295)");
	BADP("[limits]\ntable_elements = 4294967296\n", 7,
	     "table_elements \"4294967296\": out of range (1 to 4294967295)");

	/* [config] */
	BADP("[config]\na-b = 1\n", 7, "invalid key \"a-b\" (letters, digits and _ only)");
	char key[130];
	memset(key, 'k', 129), key[129] = 0;
	snprintf(t, sizeof t, "%s[config]\n%s = 1\n", with_plugin("", ""), key);
	BAD(t, 7, "[config] key \"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk...\": longer than 128 bytes");
	/* Names are case-sensitive: A and a are two keys. */
	ep_manifest m;
	if (GOOD(with_plugin("", "[config]\nA = 1\na = 2\n"), &m)) {
		CHECK(m.nconfig == 2, "A and a: %zu", m.nconfig);
		ep_manifest_free(&m, NULL, NULL);
	}
	/* The first error in the text wins over a missing key. */
	BAD("[plugin]\nid = t\n[limits]\nfuel = x\n", 4, "fuel \"x\": not a valid count");
}

static void test_api(void)
{
	ep_manifest m;
	ep_manifest_error err;
	CHECK(ep_manifest_parse(NULL, 1, NULL, NULL, &m, &err) == EP_ERR_ARG, "NULL buffer");
	CHECK(ep_manifest_parse("x", 1, NULL, NULL, NULL, &err) == EP_ERR_ARG, "NULL out");
	CHECK(ep_manifest_parse(NULL, 0, NULL, NULL, &m, NULL) == EP_ERR_MALFORMED, "empty, no err");
	ep_manifest_free(NULL, NULL, NULL);
	memset(&m, 0, sizeof m);
	ep_manifest_free(&m, NULL, NULL);
	CHECK(true, "free of a zeroed manifest");
}

/* Every allocation refused in turn: NOMEM with nothing left allocated,
 * until N passes the number of calls a successful parse makes. */
static void test_nomem(void)
{
	counting c = { 0, 0, 0 };
	ep_manifest m;
	ep_manifest_error err;
	if (ep_manifest_parse(full, strlen(full), counting_alloc, &c, &m, &err) != EP_OK)
		FATAL("full manifest", err.msg);
	int calls = c.calls;
	ep_manifest_free(&m, counting_alloc, &c);
	CHECK(calls == 5 && c.live == 0, "a full manifest allocates 5 lists (%d), frees all (%d)", calls, c.live);
	for (int n = 1; n <= calls + 1; n++) {
		counting f = { 0, n, 0 };
		ep_status st = ep_manifest_parse(full, strlen(full), counting_alloc, &f, &m, &err);
		if (n <= calls) {
			CHECK(st == EP_ERR_NOMEM, "fail at %d: status %d", n, st);
			CHECK(f.live == 0, "fail at %d: %d blocks leaked", n, f.live);
			CHECK(m.env == NULL && m.dir == NULL && m.line_dir == NULL && m.args == NULL &&
			      m.config == NULL && m.nenv == 0, "fail at %d: result zeroed", n);
		} else {
			CHECK(st == EP_OK && f.live == 5, "fail at %d (past the last call): %d", n, st);
			ep_manifest_free(&m, counting_alloc, &f);
			CHECK(f.live == 0, "freed");
		}
	}
}

/* ---- the committed examples ---- */

static int parse_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		CHECK(false, "%s: cannot open", path);
		return 0;
	}
	static char buf[1 << 16];
	size_t n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	ep_manifest m;
	ep_manifest_error err;
	ep_status st = ep_manifest_parse(buf, n, NULL, NULL, &m, &err);
	CHECK(st == EP_OK, "%s:%u: %s", path, (unsigned)err.line, err.msg);
	if (st == EP_OK)
		ep_manifest_free(&m, NULL, NULL);
	return 1;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* The .ini files in manifests/ and in its folders, one level down. */
static void test_examples(void)
{
	int found = 0;
	DIR *top = opendir("manifests");
	if (!top) {
		CHECK(false, "manifests/: not found (run from the top of the tree)");
		return;
	}
	struct dirent *d;
	while ((d = readdir(top))) {
		if (d->d_name[0] == '.')
			continue;
		char path[512];
		snprintf(path, sizeof path, "manifests/%s", d->d_name);
		if (ends_with(d->d_name, ".ini")) {
			found += parse_file(path);
			continue;
		}
		DIR *sub = opendir(path);
		if (!sub)
			continue;
		struct dirent *e;
		while ((e = readdir(sub))) {
			if (!ends_with(e->d_name, ".ini"))
				continue;
			char p2[1024];
			snprintf(p2, sizeof p2, "%s/%s", path, e->d_name);
			found += parse_file(p2);
		}
		closedir(sub);
	}
	closedir(top);
	CHECK(found >= 2, "found %d example manifests, want at least 2", found);
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	test_units();
	test_full();
	test_minimal();
	test_lines();
	test_structure();
	test_values();
	test_api();
	test_nomem();
	test_examples();
	return check_summary();
}
