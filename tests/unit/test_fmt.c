/*
 * test_fmt.c - src/fmt.h against libc: ep_snprintf and ep_fprintf beside
 * snprintf over the conversions, flags, widths and lengths the code uses,
 * truncation at every size and %s longer than any buffer; ep_parse_f64/f32
 * beside strtod/strtof on random bit patterns printed several ways, halfway
 * cases and hand-picked hard inputs (value and length read); the shortest
 * digits beside the printf "%.*e" + strtod search cli_value.c used, and
 * that nothing shorter reads back. The test may use libc's printf and
 * strtod; only the shipped binary must not.
 */
#include <float.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fmt.h"

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* ---- the printf subset ---- */

#define SAME(fmt, ...) do { \
	char a_[512], b_[512]; \
	int na_ = ep_snprintf(a_, sizeof a_, fmt, __VA_ARGS__); \
	int nb_ = snprintf(b_, sizeof b_, fmt, __VA_ARGS__); \
	CHECK(na_ == nb_ && strcmp(a_, b_) == 0, "format \"%s\": ep \"%s\" (%d), libc \"%s\" (%d)", \
	      fmt, a_, na_, b_, nb_); \
} while (0)

static void test_integers(void)
{
	static const char *ifmt[] = { "%d", "%i", "%u", "%x", "%X", "%o", "%5d", "%-5d|", "%05d",
		"%02x", "%04X", "%04o", "%-8x|", "%.3d", "%8.3d", "%-8.3u|", "%.0d", "%+d", "% d",
		"%+05d", "%0-6d|", "<%*d>", "%hd", "%hu", "%hhd", "%hhx" };
	static const int ival[] = { 0, 1, -1, 7, 42, -42, 255, 256, 4095, 65535, 99999, -100000,
		INT_MAX, INT_MIN, 0x12345678 };
	for (size_t f = 0; f < sizeof ifmt / sizeof *ifmt; f++)
		for (size_t i = 0; i < sizeof ival / sizeof *ival; i++) {
			if (strchr(ifmt[f], '*'))
				SAME(ifmt[f], (int)i - 7, ival[i]);
			else
				SAME(ifmt[f], ival[i]);
		}

	static const char *llfmt[] = { "%lld", "%llu", "%llx", "%llX", "%llo", "%020lld",
		"%-21lld|", "%" PRIu64, "%" PRId64, "%" PRIx64, "%jd", "%ju", "%jx" };
	static const long long llval[] = { 0, 1, -1, 4294967295LL, 4294967296LL, -4294967296LL,
		LLONG_MAX, LLONG_MIN, 0x0123456789abcdefLL, 1000000000000000000LL };
	for (size_t f = 0; f < sizeof llfmt / sizeof *llfmt; f++)
		for (size_t i = 0; i < sizeof llval / sizeof *llval; i++)
			SAME(llfmt[f], llval[i]);

	static const long lval[] = { 0, -1, 123456, LONG_MAX, LONG_MIN };
	for (size_t i = 0; i < sizeof lval / sizeof *lval; i++) {
		SAME("%ld", lval[i]);
		SAME("%lu", (unsigned long)lval[i]);
		SAME("%lx", (unsigned long)lval[i]);
		SAME("%12ld|", lval[i]);
	}
	static const size_t zval[] = { 0, 1, 0xabc, 123456, SIZE_MAX, SIZE_MAX / 3 };
	for (size_t i = 0; i < sizeof zval / sizeof *zval; i++) {
		SAME("%zu", zval[i]);
		SAME("%zx", zval[i]);
		SAME("%06zx", zval[i]);
		SAME(" at offset 0x%zx", zval[i]);
		SAME("%zd", (ptrdiff_t)zval[i]);
		SAME("%td", (ptrdiff_t)zval[i]);
	}
	static const uint32_t u32[] = { 0, 1, 4294967295u, 2147483648u };
	for (size_t i = 0; i < sizeof u32 / sizeof *u32; i++) {
		SAME("%" PRIu32, u32[i]);
		SAME("%" PRId32, (int32_t)u32[i]);
		SAME("min %" PRIu32 " max %" PRIu32 "%s", u32[i], u32[i] / 2, "!");
	}
	/* Random values through every width and base. */
	for (int k = 0; k < 2000; k++) {
		uint64_t r = next();
		int sh = (int)(next() % 64);
		long long v = (long long)(r >> sh);
		if (k & 1)
			v = -v;
		SAME("%lld %llx %llo %llu", v, (unsigned long long)v, (unsigned long long)v,
		     (unsigned long long)v);
		SAME("%d %x %u %o", (int)v, (unsigned)v, (unsigned)v, (unsigned)v);
	}
	void *ptr = &rng;
	SAME("%p", ptr);
}

static void test_strings(void)
{
	static const char *sfmt[] = { "%s", "%-9s|", "%9s|", "%.3s", "%.0s|", "%-10.2s|", "%.16s",
		"%5.1s|" };
	static const char *sval[] = { "", "a", "abc", "run", "validate", "0123456789abcdefXYZ",
		"a much longer string than any of the widths" };
	for (size_t f = 0; f < sizeof sfmt / sizeof *sfmt; f++)
		for (size_t i = 0; i < sizeof sval / sizeof *sval; i++)
			SAME(sfmt[f], sval[i]);
	for (int n = -1; n < 8; n++) {
		SAME("[%.*s]", n, "precision");
		SAME("[%*s]", n, "width");
		SAME("[%-*s]", n, "width");
	}
	SAME("%c%c%c", 'a', '\\', '~');
	SAME("%-3c|%3c|", 'x', 'y');
	SAME("100%% %s%%", "sure");
	SAME("%s:%s\n", "i32", "<non-null>");
	SAME("\"%.*s%s\" at line %u", 3, "abcdef", "...", 12u);
	SAME("%s", "no conversions at all");
	SAME("%s.tmp%u.%ld", "/a/b", 7u, 12345L);
	SAME("edgeplug %s - %s\n%-9s %s", "0.1", "x", "run", "run a module");

	/* %.Ns reads no further than N bytes: no NUL needed after them. */
	char raw[4] = { 'w', 'x', 'y', 'z' };
	char out[16];
	int n = ep_snprintf(out, sizeof out, "<%.4s>", raw);
	CHECK(n == 6 && strcmp(out, "<wxyz>") == 0, "%%.4s of 4 unterminated bytes: \"%s\"", out);
	const char *volatile null = NULL;
	n = ep_snprintf(out, sizeof out, "%s", null);
	CHECK(n == 6 && strcmp(out, "(null)") == 0, "%%s of NULL: \"%s\"", out);

	/* %c of NUL is one byte of output. */
	n = ep_snprintf(out, sizeof out, "a%cb", 0);
	CHECK(n == 3 && out[0] == 'a' && out[1] == 0 && out[2] == 'b' && out[3] == 0,
	      "%%c of 0: %d bytes", n);

	/* Outside the subset: copied as written, no argument taken. */
	n = ep_snprintf(out, sizeof out, "a%fb%5.2e", 1.5, 2.5);
	CHECK(n == 9 && strcmp(out, "a%fb%5.2e") == 0, "unsupported %%f: \"%s\"", out);
	const char *lone = "x%";
	n = ep_snprintf(out, sizeof out, lone, 0);
	CHECK(n == 2 && strcmp(out, "x%") == 0, "lone %%: \"%s\"", out);
}

/* Every buffer size from 0 to past the end: the same length returned, the
 * same prefix kept, a NUL always, nothing written past size. */
static void test_truncation(void)
{
	const char *fmt = "%s=%05d/%-6x|%" PRIu64;
	char full[128];
	int len = snprintf(full, sizeof full, fmt, "key", -42, 0xbeefu, UINT64_MAX);
	CHECK(ep_snprintf(NULL, 0, fmt, "key", -42, 0xbeefu, UINT64_MAX) == len,
	      "size 0 with NULL: the whole length");
	for (int size = 0; size <= len + 2; size++) {
		char a[128], b[128];
		memset(a, '#', sizeof a);
		memset(b, '#', sizeof b);
		int na = ep_snprintf(a, (size_t)size, fmt, "key", -42, 0xbeefu, UINT64_MAX);
		int nb = snprintf(b, (size_t)size, fmt, "key", -42, 0xbeefu, UINT64_MAX);
		CHECK(na == nb && memcmp(a, b, sizeof a) == 0, "size %d: ep %d \"%.*s\", libc %d",
		      size, na, size, a, nb);
	}
}

/* ep_fprintf: output longer than any internal buffer, and write errors. */
static void test_files(void)
{
	size_t big = 200000;
	char *s = malloc(big + 1);
	if (!s)
		FATAL("malloc", "out of memory");
	for (size_t i = 0; i < big; i++)
		s[i] = (char)('a' + i % 26);
	s[big] = 0;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		FATAL("open_memstream", strerror(errno));
	int n = ep_fprintf(f, "<%s>%-4d|%.*s", s, 7, 3, s + 1);
	fclose(f);
	CHECK(n == (int)big + 10 && len == big + 10, "ep_fprintf of %zu bytes: %d, stream %zu",
	      big, n, len);
	CHECK(len == big + 10 && buf[0] == '<' && memcmp(buf + 1, s, big) == 0 &&
	      memcmp(buf + big + 1, ">7   |bcd", 9) == 0, "ep_fprintf's long %%s bytes");
	free(buf);
	free(s);

	FILE *ro = fopen("/dev/null", "r");
	if (!ro)
		FATAL("/dev/null", strerror(errno));
	n = ep_fprintf(ro, "%s", "cannot be written");
	CHECK(n == -1, "ep_fprintf to a read-only stream: %d", n);
	fclose(ro);
}

/* ---- reading floats ---- */

static uint64_t d2b(double d)
{
	uint64_t b;
	memcpy(&b, &d, sizeof b);
	return b;
}

static uint32_t f2b(float f)
{
	uint32_t b;
	memcpy(&b, &f, sizeof b);
	return b;
}

/* s through both parsers of both widths: the same bits and length read. */
static void same_parse(const char *s)
{
	char *end;
	uint64_t b64 = 0x5a5a5a5a5a5a5a5au;
	size_t n64 = ep_parse_f64(s, &b64);
	double d = strtod(s, &end);
	/* strtod skips leading blanks; ep_parse takes none. */
	size_t want = s[0] == ' ' ? 0 : (size_t)(end - s);
	if (want == 0)
		CHECK(n64 == 0 && b64 == 0x5a5a5a5a5a5a5a5au, "f64 \"%.60s\": no number, read %zu", s, n64);
	else
		CHECK(n64 == want && b64 == d2b(d), "f64 \"%.60s\": read %zu bits %016" PRIx64
		      ", strtod %zu %016" PRIx64, s, n64, b64, want, d2b(d));

	uint32_t b32 = 0x5a5a5a5a;
	size_t n32 = ep_parse_f32(s, &b32);
	float f = strtof(s, &end);
	want = s[0] == ' ' ? 0 : (size_t)(end - s);
	if (want == 0)
		CHECK(n32 == 0 && b32 == 0x5a5a5a5a, "f32 \"%.60s\": no number, read %zu", s, n32);
	else
		CHECK(n32 == want && b32 == f2b(f), "f32 \"%.60s\": read %zu bits %08" PRIx32
		      ", strtof %zu %08" PRIx32, s, n32, b32, want, f2b(f));
}

static void test_parse_cases(void)
{
	static const char *cases[] = {
		"0", "-0", "+0", "0.0", "-0.0e10", "1", "-1", "+1.5", ".5", "5.", "-.5e1", "1.e5",
		"00000000000000000000000123.4500000000000000000000", "0.000000000000000000001",
		"1e", "1e+", "1e-", "1ex", "1.5E+3", "1.5e-3x", ".", "-.", "+", "", "-", "e5", ".e5",
		"x", " 1", "1 ", "1..2", "0x", "0x.", "0x.p1", "0xg", "0x1p", "0x1p+", "0x1P3",
		"0X1.8p+3", "-0x.8", "0x1", "0xA.Bp-2", "0x1.fffffffffffffp1023",
		"0x1.fffffffffffff8p1023", "0x1.fffffffffffff800001p1023",
		"0x1p1024", "0x1p-1074", "0x1p-1075", "0x1.0000000000001p-1075", "0x0.8p-1074",
		"0x1.8p-1075", "0x1p-1076", "0x1p-150", "0x1.fffffep127",
		"0x1.ffffffp127", "0x1.fffffefp127", "0x000000000000000000000000001p0",
		"0x1.00000000000000000000000000000000000000000000001p0",
		"0x1.00000000000008p0",
		"0x1.00000000000018p0", "0x0.0000000000001p-1022", "0x1p99999999999999999",
		"0x1p-99999999999999999", "0x0p99999999999999999",
		"1e308", "1e309", "1.7976931348623157e308", "1.7976931348623158e308",
		"1.7976931348623159e308", "179769313486231580793728971405301e276",
		"179769313486231580793728971405300e276", "179769313486231580793728971405302e276",
		"2.2250738585072011e-308", "2.2250738585072014e-308", "2.2250738585072012e-308",
		"4.9406564584124654e-324", "2.4703282292062327e-324", "2.4703282292062328e-324",
		"2.47032822920623272088e-324", "7.4109846876186982e-324", "1e-400", "1e-320",
		"3.4028235e38", "3.40282356e38", "3.4028236e38", "3.402823567e38", "1e39", "1e-45",
		"7.006492e-46", "7.00649232e-46", "7.006492321624086e-46", "7.006492321624087e-46",
		"1.4e-45", "1.17549435e-38", "1e99999999999999999999", "1e-99999999999999999999",
		"0e99999999999999999999", "0.0000e-99999999999", "9007199254740993",
		"9007199254740993.0000000000000000000000000001", "9007199254740995", "16777217",
		"16777217.000000000000000001", "33554435", "1.00000001", "0.1", "0.2", "0.3",
		"123456789012345678901234567890", "8.98846567431158e307", "2.2250738585072011e-308",
		"6.631236846766476e-316", "3.2378839133029012e-319", "1.00000005960464477550",
		"1.0000000596046447755", "1.00000005960464477539062499", "1.000000059604644775390625",
		"1.00000005960464477539062501", "1.0000001788139343262", "4.4501477170144023e-308",
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		same_parse(cases[i]);

	/* Hex digits past the format's bits, with answers worked out by hand
	 * (exact rational arithmetic): musl's strtod gets some wrong where
	 * long double is double, as on 32-bit ARM, and glibc 2.36's strtof
	 * (SANITIZE=1 builds) reads 0x1.000001p-150 as 0. */
	static const struct {
		const char *s;
		uint64_t f64;
		uint32_t f32;
	} exact[] = {
		{ "0x1.fffffffffffff7ffffffp1023", 0x7fefffffffffffff, 0x7f800000 },
		{ "0x1.00000000000008000000000000000000000000000000001p0", 0x3ff0000000000001, 0x3f800000 },
		{ "0x1.000000000000080p0", 0x3ff0000000000000, 0x3f800000 },
		{ "0x1.000000000000180p0", 0x3ff0000000000002, 0x3f800000 },
		{ "0x1.0000010000000000000000001p0", 0x3ff0000010000000, 0x3f800001 },
		{ "0x1.000001p0", 0x3ff0000010000000, 0x3f800000 },
		{ "0x1.000003p0", 0x3ff0000030000000, 0x3f800002 },
		{ "0x1.0000000000000fffffffffffffffffp0", 0x3ff0000000000001, 0x3f800000 },
		{ "0x1.fffffefffffffffffffp127", 0x47effffff0000000, 0x7f7fffff },
		{ "0x1.ffffff00000000000000001p127", 0x47effffff0000000, 0x7f800000 },
		{ "0x0.000000000000080000000000000000000000001p-1022", 0x0000000000000001, 0 },
		{ "0x1.7ffffffffffffffffffffffffffp-1074", 0x0000000000000001, 0 },
		{ "-0x1.7ffffffffffffffffffffffffffp-1074", 0x8000000000000001, 0x80000000 },
		{ "0x1.000001p-150", 0x3690000010000000, 0x00000001 },
	};
	for (size_t i = 0; i < sizeof exact / sizeof *exact; i++) {
		uint64_t b64 = 0;
		uint32_t b32 = 0;
		size_t n64 = ep_parse_f64(exact[i].s, &b64), n32 = ep_parse_f32(exact[i].s, &b32);
		size_t len = strlen(exact[i].s);
		CHECK(n64 == len && b64 == exact[i].f64, "f64 %s: read %zu, %016" PRIx64, exact[i].s,
		      n64, b64);
		CHECK(n32 == len && b32 == exact[i].f32, "f32 %s: read %zu, %08" PRIx32, exact[i].s,
		      n32, b32);
	}

	/* Long digit strings: leading zeros, a thousand random digits, a
	 * number just off a halfway point by its 900th digit. */
	char s[2100];
	memset(s, '0', 1500);
	strcpy(s + 1500, "1234.5");
	same_parse(s);
	strcpy(s, "0.");
	memset(s + 2, '0', 1500);
	strcpy(s + 1502, "1234e1500");
	same_parse(s);
	for (int k = 0; k < 200; k++) {
		int len = 1 + (int)(next() % 1200), o = 0;
		if (k & 1)
			s[o++] = '-';
		for (int i = 0; i < len; i++)
			s[o++] = (char)('0' + next() % 10);
		if (k % 3 == 0)
			s[1 + (int)(next() % (unsigned)len)] = '.';
		o += sprintf(s + o, "e%d", (int)(next() % 700) - 350 - (k % 5 == 0 ? len : 0));
		same_parse(s);
	}
	/* 1 + 2^-53 is halfway between 1 and its successor: exactly it rounds
	 * down (even), anything more up, however far out the extra digit. */
	for (int extra = 0; extra < 1000; extra += 97) {
		int o = sprintf(s, "1.00000000000000011102230246251565404236316680908203125");
		memset(s + o, '0', (size_t)extra);
		strcpy(s + o + extra, extra % 2 ? "1" : "");
		same_parse(s);
	}
}

/* Halfway points between neighbouring floats are doubles: printed exactly,
 * they must round to even; a last digit 1 added must round up. Between
 * doubles, long double holds them where it is wider than double. */
/* The exact midpoint of the positive doubles lo < hi as decimal text
 * "0.DIGITSe+N" in out: (lo + hi) / 2 from their exact expansions. 0 when
 * their decimal exponents differ (the digit columns would not line up). */
static int midpoint_text(double lo, double hi, char *out, size_t size)
{
	static char a[900], b[900];
	static unsigned char da[810], db[810], sum[812];
	snprintf(a, sizeof a, "%.800e", lo);
	snprintf(b, sizeof b, "%.800e", hi);
	char *ea = strchr(a, 'e'), *eb = strchr(b, 'e');
	if (!ea || !eb || strcmp(ea, eb) != 0)
		return 0;
	int n = 0;
	for (char *p = a; p < ea; p++)
		if (*p != '.')
			da[n++] = (unsigned char)(*p - '0');
	int m = 0;
	for (char *p = b; p < eb; p++)
		if (*p != '.')
			db[m++] = (unsigned char)(*p - '0');
	if (n != m)
		return 0;
	/* sum = lo + hi, with one more digit in front for the carry. */
	int carry = 0;
	for (int i = n - 1; i >= 0; i--) {
		int v = da[i] + db[i] + carry;
		sum[i + 1] = (unsigned char)(v % 10);
		carry = v / 10;
	}
	sum[0] = (unsigned char)carry;
	/* Halved, the value is 0.HALF * 10^(exp + 2): sum has its point after
	 * two digits. An odd sum ends in a 5. */
	size_t o = 0;
	o += (size_t)snprintf(out + o, size - o, "0.");
	int rem = 0;
	for (int i = 0; i <= n && o + 1 < size; i++) {
		int v = rem * 10 + sum[i];
		out[o++] = (char)('0' + v / 2);
		rem = v % 2;
	}
	if (rem && o + 1 < size)
		out[o++] = '5';
	snprintf(out + o, size - o, "e%d", atoi(ea + 1) + 2);
	return 1;
}

static void test_parse_halfway(void)
{
	char s[1200];
	for (int k = 0; k < 1500; k++) {
		uint32_t b = (uint32_t)next() & 0x7fffffff;
		if (b >= 0x7f7fffff)
			continue;
		float lo, hi;
		memcpy(&lo, &b, sizeof lo);
		uint32_t b1 = b + 1;
		memcpy(&hi, &b1, sizeof hi);
		double mid = ((double)lo + (double)hi) / 2;
		int n = snprintf(s, sizeof s - 2, "%.1000e", mid);
		char *e = strchr(s, 'e');
		same_parse(s);
		memmove(e + 1, e, strlen(e) + 1);
		*e = '1';
		same_parse(s);
		(void)n;
	}
	/* The same for doubles, on every board: the exact midpoint comes from
	 * the two neighbours' exact decimal expansions (libc prints a double's
	 * every digit at this precision), added and halved digit by digit. */
	for (int k = 0; k < 1500; k++) {
		uint64_t b = next() & 0x7fffffffffffffffu;
		if (b >= 0x7fefffffffffffffu)
			continue;
		double lo, hi;
		memcpy(&lo, &b, sizeof lo);
		uint64_t b1 = b + 1;
		memcpy(&hi, &b1, sizeof hi);
		if (!midpoint_text(lo, hi, s, sizeof s - 2))
			continue;   /* the two straddle a power of ten: rare, skipped everywhere */
		char *e = strchr(s, 'e');
		same_parse(s);
		memmove(e + 1, e, strlen(e) + 1);
		*e = '1';
		same_parse(s);
	}
}

/* Random bit patterns printed as the code and users print them. */
static void test_parse_random(void)
{
	char s[128];
	for (int k = 0; k < 10000; k++) {
		uint64_t b = next();
		if ((b >> 52 & 0x7ff) == 0x7ff)
			continue;
		double d;
		memcpy(&d, &b, sizeof d);
		static const char *fmts[] = { "%.17g", "%.9g", "%a", "%.3e", "%.25e" };
		snprintf(s, sizeof s, fmts[k % 5], d);
		same_parse(s);
		uint32_t b32 = (uint32_t)b;
		if ((b32 >> 23 & 0xff) == 0xff)
			continue;
		float f;
		memcpy(&f, &b32, sizeof f);
		static const char *ffmts[] = { "%.9g", "%.6g", "%a", "%.12e" };
		snprintf(s, sizeof s, ffmts[k % 4], (double)f);
		same_parse(s);
	}
}

/* ---- the shortest digits ---- */

/* What cli_value.c did with libc: %.*e at 1, 2, ... digits until strtod
 * (strtof) reads the same bits back; digits without trailing zeros, the
 * value being 0.DIGITS * 10^point. */
static int libc_shortest(double a, int is64, char *digits, int *point)
{
	char e[40];
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(e, sizeof e, "%.*e", prec - 1, a);
		if (is64 ? strtod(e, NULL) == a : strtof(e, NULL) == (float)a)
			break;
	}
	int k = 0;
	const char *p = e;
	for (; *p && *p != 'e'; p++)
		if (*p != '.')
			digits[k++] = *p;
	while (k > 1 && digits[k - 1] == '0')
		k--;
	*point = atoi(p + 1) + 1;
	return k;
}

/* One float: the same digits as the libc search; read back (by ep_parse
 * and by libc) to the same bits; and, but for a power of two (whose lower
 * neighbour is nearer, so the search may pass over a shorter string above
 * it), neither neighbour with one digit fewer reads back. */
static void check_shortest(uint64_t bits, int is64)
{
	char got[20], want[20], s[64];
	int gp, wp;
	double a;
	if (is64) {
		memcpy(&a, &bits, sizeof a);
	} else {
		uint32_t b = (uint32_t)bits;
		float f;
		memcpy(&f, &b, sizeof f);
		a = f;
	}
	a = fabs(a);
	int gn = is64 ? ep_shortest_f64(bits, got, &gp) : ep_shortest_f32((uint32_t)bits, got, &gp);
	int wn = libc_shortest(a, is64, want, &wp);
	CHECK(gn == wn && gp == wp && memcmp(got, want, (size_t)gn) == 0,
	      "%s %016" PRIx64 ": ep 0.%.*s e%d, libc 0.%.*s e%d", is64 ? "f64" : "f32", bits,
	      gn, got, gp, wn, want, wp);

	uint64_t mask = is64 ? 0x7fffffffffffffffu : 0x7fffffffu;
	snprintf(s, sizeof s, "0.%.*se%d", gn, got, gp);
	uint64_t back = 0;
	if (is64) {
		ep_parse_f64(s, &back);
		CHECK(back == (bits & mask) && d2b(strtod(s, NULL)) == (bits & mask),
		      "f64 %016" PRIx64 ": %s reads back as %016" PRIx64, bits, s, back);
	} else {
		uint32_t b32 = 0;
		ep_parse_f32(s, &b32);
		CHECK(b32 == (bits & mask) && f2b(strtof(s, NULL)) == (bits & mask),
		      "f32 %08" PRIx64 ": %s reads back as %08" PRIx32, bits, s, b32);
	}
	if (gn < 2 || (bits & (is64 ? 0xfffffffffffffu : 0x7fffffu)) == 0)
		return;
	/* One digit fewer: the two strings of gn - 1 digits around the value. */
	char fewer[20];
	memcpy(fewer, got, (size_t)gn - 1);
	for (int up = 0; up < 2; up++) {
		int i = gn - 2, p = gp;
		if (up) {
			for (; i >= 0 && fewer[i] == '9'; i--)
				fewer[i] = '0';
			if (i < 0) {
				fewer[0] = '1';
				p++;
			} else {
				fewer[i]++;
			}
		}
		snprintf(s, sizeof s, "0.%.*se%d", gn - 1, fewer, p);
		int ok = is64 ? d2b(strtod(s, NULL)) == (bits & mask)
		              : f2b(strtof(s, NULL)) == (bits & mask);
		CHECK(!ok, "%016" PRIx64 ": %s, shorter than 0.%.*se%d, also reads back", bits, s,
		      gn, got, gp);
	}
}

static void test_shortest(void)
{
	static const uint64_t f64s[] = { 1, 2, 3, 0x000fffffffffffffu, 0x0010000000000000u,
		0x7fefffffffffffffu, 0x3ff0000000000000u, 0x3fb999999999999au, 0x3fd3333333333334u,
		0x4415af1d78b58c40u, 0x444b1ae4d6e2ef50u, 0x3eb0c6f7a0b5ed8du, 0x3e841b5c2c0c0cbdu,
		0x0000000000000010u, 0x7fe0000000000000u, 0x4340000000000000u, 0x4330000000000001u,
		0x3ff0000000000001u, 0x44b52d02c7e14af6u };
	for (size_t i = 0; i < sizeof f64s / sizeof *f64s; i++) {
		check_shortest(f64s[i], 1);
		check_shortest(f64s[i] | 0x8000000000000000u, 1);
	}
	static const uint32_t f32s[] = { 1, 2, 0x007fffff, 0x00800000, 0x7f7fffff, 0x3f800000,
		0x3dcccccd, 0x3e99999a, 0x4b800000, 0x4b800001, 0x7e967699, 0x5f800000, 0x3f800001 };
	for (size_t i = 0; i < sizeof f32s / sizeof *f32s; i++)
		check_shortest(f32s[i], 0);
	/* Every power of two, where the spacing below is half that above. */
	for (uint64_t e = 1; e < 0x7ff; e++)
		check_shortest(e << 52, 1);
	for (uint64_t e = 1; e < 0xff; e++)
		check_shortest(e << 23, 0);
	for (int k = 0; k < 5000; k++) {
		uint64_t b = next();
		if ((b >> 52 & 0x7ff) != 0x7ff && (b << 1))
			check_shortest(b, 1);
		uint32_t b32 = (uint32_t)(b >> 17);
		if ((b32 >> 23 & 0xff) != 0xff && (b32 << 1))
			check_shortest(b32, 0);
	}
	/* Integers and short decimals, where zeros and carries are common. */
	for (int k = 0; k < 2000; k++) {
		double d = (double)(next() % 100000000) * pow(10, (double)(int)(next() % 60) - 30);
		float f = (float)d;
		if (d != 0 && f != 0 && !isinf(f)) {
			check_shortest(d2b(d), 1);
			check_shortest(f2b(f), 0);
		}
	}
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	test_integers();
	test_strings();
	test_truncation();
	test_files();
	test_parse_cases();
	test_parse_halfway();
	test_parse_random();
	test_shortest();
	/* ep_strerror words errors as musl's strerror does (the unit tests
	 * link musl; a glibc sanitizer build words some differently). */
	static const int codes[] = { EPERM, ENOENT, EACCES, EEXIST, ENOTDIR, EISDIR, EINVAL,
	                             ENOSPC, EROFS, ELOOP, ENAMETOOLONG, ENOTEMPTY, EMFILE };
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
#ifndef __GLIBC__
		CHECK(strcmp(ep_strerror(codes[i]), strerror(codes[i])) == 0,
		      "ep_strerror(%d) = \"%s\", musl says \"%s\"", codes[i], ep_strerror(codes[i]),
		      strerror(codes[i]));
#else
		CHECK(ep_strerror(codes[i])[0] != '\0', "ep_strerror(%d) has text", codes[i]);
#endif
	}
	CHECK(strcmp(ep_strerror(12345), "No error information") == 0, "an unknown code");
	return check_summary();
}
