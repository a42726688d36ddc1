/*
 * floattext.c - f32 and f64 as decimal or hex text and back (fmt.h),
 * exactly, with a small big integer instead of libc's strtod and printf
 * "%e". Works on the bits with integer arithmetic only: no float types,
 * no rounding-mode or FPU dependence. Knows nothing of the CLI's layout.
 *
 * Reading: the text is an integer N of decimal (or hex) digits times
 * 10^e10 (or 2^e2); the nearest float is found as the quotient of two
 * big integers, N * 10^e10 * 2^e2 split into numerator and denominator,
 * with the remainder deciding the rounding: exact, so halfway cases round
 * to even however many digits they need.
 */
#include <stddef.h>
#include <stdint.h>

#include "fmt.h"

/* Enough for every number the callers make: at most 801 significant digits
 * (DIGIT_CAP) times 10^-1131 (the zero cutoff below) needs a denominator
 * of 3758 bits, and the numerator is scaled to that plus 54 bits. */
#define WORDS 128

/* Little-endian 32-bit words; n is the count in use, w[n - 1] != 0. */
typedef struct big {
	int n;
	uint32_t w[WORDS];
} big;

static void trim(big *b)
{
	while (b->n && !b->w[b->n - 1])
		b->n--;
}

static void mul_add(big *b, uint32_t m, uint32_t a)
{
	uint64_t c = a;
	for (int i = 0; i < b->n; i++) {
		c += (uint64_t)b->w[i] * m;
		b->w[i] = (uint32_t)c;
		c >>= 32;
	}
	if (c && b->n < WORDS)
		b->w[b->n++] = (uint32_t)c;
}

/* b *= base^k, in chunks that fit a word (base 5 or 10). */
static void mul_pow(big *b, uint32_t base, long k)
{
	while (k > 0) {
		uint32_t m = 1;
		for (int j = 0; j < 9 && k > 0; j++, k--)
			m *= base;
		mul_add(b, m, 0);
	}
}

/* b = the digits (values, most significant first) in base 10 or 16,
 * seven at a time, as 16^7 still fits a word. */
static void from_digits(big *b, const char *dig, int nd, uint32_t base)
{
	b->n = 0;
	for (int i = 0; i < nd;) {
		uint32_t m = 1, a = 0;
		for (int j = 0; j < 7 && i < nd; j++, i++) {
			m *= base;
			a = a * base + (uint32_t)dig[i];
		}
		mul_add(b, m, a);
	}
}

/* b <<= k. Top-down, so each word is read before it is overwritten. */
static void shl(big *b, long k)
{
	if (b->n == 0 || k <= 0)
		return;
	int words = (int)(k / 32), bits = (int)(k % 32);
	int n = b->n + words + 1 < WORDS ? b->n + words + 1 : WORDS;
	for (int i = n - 1; i >= 0; i--) {
		int j = i - words;
		uint32_t hi = j >= 0 && j < b->n ? b->w[j] : 0;
		uint32_t lo = j >= 1 && j - 1 < b->n ? b->w[j - 1] : 0;
		b->w[i] = bits ? hi << bits | lo >> (32 - bits) : hi;
	}
	b->n = n;
	trim(b);
}

static int cmp(const big *a, const big *b)
{
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	for (int i = a->n - 1; i >= 0; i--)
		if (a->w[i] != b->w[i])
			return a->w[i] < b->w[i] ? -1 : 1;
	return 0;
}

/* a -= b, where a >= b. */
static void sub(big *a, const big *b)
{
	uint32_t borrow = 0;
	for (int i = 0; i < a->n; i++) {
		uint64_t x = (uint64_t)a->w[i] - (i < b->n ? b->w[i] : 0) - borrow;
		a->w[i] = (uint32_t)x;
		borrow = (uint32_t)(x >> 63);
	}
	trim(a);
}

static long bitlen(const big *b)
{
	if (!b->n)
		return 0;
	long n = 32L * (b->n - 1);
	for (uint32_t top = b->w[b->n - 1]; top; top >>= 1)
		n++;
	return n;
}

/* b /= d; returns the remainder. */
static uint32_t div_small(big *b, uint32_t d)
{
	uint64_t r = 0;
	for (int i = b->n - 1; i >= 0; i--) {
		r = r << 32 | b->w[i];
		b->w[i] = (uint32_t)(r / d);
		r %= d;
	}
	trim(b);
	return (uint32_t)r;
}

/* A binary format: p significand bits (the hidden one included), the
 * exponent of its smallest subnormal's unit, its largest exponent and
 * where the sign bit is. */
typedef struct flt {
	int p, umin, emax, sign;
} flt;

static const flt F64 = { 53, -1074, 1023, 63 };
static const flt F32 = { 24, -149, 127, 31 };

static uint64_t inf_bits(const flt *f)
{
	return (uint64_t)(2 * f->emax + 1) << (f->p - 1);
}

/* The bits of the float nearest n * 10^e10 * 2^e2 (ties to even), n > 0,
 * infinity if it is too big; n is used up. The caller keeps the value
 * within the range WORDS is sized for. */
static uint64_t to_bits(big *n, long e10, long e2, const flt *f)
{
	big m = { 1, { 1 } };
	if (e10 > 0)
		mul_pow(n, 10, e10);
	else
		mul_pow(&m, 10, -e10);
	if (e2 > 0)
		shl(n, e2);
	else
		shl(&m, -e2);

	/* e: the exponent of the value's leading bit, 2^e <= n/m < 2^(e+1). */
	long e = bitlen(n) - bitlen(&m);
	big t = e >= 0 ? m : *n;
	shl(&t, e >= 0 ? e : -e);
	if (e >= 0 ? cmp(n, &t) < 0 : cmp(&t, &m) < 0)
		e--;
	if (e > f->emax)
		return inf_bits(f);

	/* The unit of the result's last bit: p bits below the leading one, or
	 * the subnormal unit. Then the quotient q = n / (m * 2^u) < 2^p. */
	long u = e - (f->p - 1) < f->umin ? f->umin : e - (f->p - 1);
	if (u >= 0)
		shl(&m, u);
	else
		shl(n, -u);
	/* Long division against d = m * 2^(p-1), doubling the remainder each
	 * step: it ends as r * 2^p, so comparing it with d compares r with m/2. */
	big d = m;
	shl(&d, f->p - 1);
	uint64_t q = 0;
	for (int i = 0; i < f->p; i++) {
		q <<= 1;
		if (cmp(n, &d) >= 0) {
			sub(n, &d);
			q |= 1;
		}
		shl(n, 1);
	}
	int c = cmp(n, &d);
	if (c > 0 || (c == 0 && (q & 1)))
		q++;
	/* The hidden bit of a normal q carries into the exponent field, and a
	 * q rounded up to 2^p carries one further: both are plain addition. */
	return ((uint64_t)(u - f->umin) << (f->p - 1)) + q;
}

static int digit_of(char c, int base)
{
	int d = c >= '0' && c <= '9' ? c - '0'
	      : (c | 32) >= 'a' && (c | 32) <= 'f' ? (c | 32) - 'a' + 10 : 99;
	return d < base ? d : -1;
}

/* Significant digits kept: every halfway point between two doubles has at
 * most 767 significant decimal digits (54 bits: 15 hex digits), so digits
 * past the cap only matter as "something more", kept as one sticky 1. */
#define DIGIT_CAP 800
#define HEX_CAP 24

static size_t parse(const char *s, uint64_t *bits, const flt *f)
{
	const char *p = s;
	int neg = *p == '-';
	if (*p == '+' || *p == '-')
		p++;
	int hex = p[0] == '0' && (p[1] | 32) == 'x' &&
	          (digit_of(p[2], 16) >= 0 || (p[2] == '.' && digit_of(p[3], 16) >= 0));
	if (hex)
		p += 2;
	int base = hex ? 16 : 10, cap = hex ? HEX_CAP : DIGIT_CAP;

	/* The value is dig[0..nd) as an integer times base^shift (times the
	 * exponent below); leading zeros are dropped, digits past cap counted. */
	char dig[DIGIT_CAP + 1];
	int nd = 0, any = 0, point = 0, sticky = 0;
	long shift = 0;
	for (;; p++) {
		if (*p == '.' && !point) {
			point = 1;
			continue;
		}
		int d = digit_of(*p, base);
		if (d < 0)
			break;
		any = 1;
		shift -= point;
		if (nd == 0 && d == 0)
			continue;
		if (nd < cap) {
			dig[nd++] = (char)d;
		} else {
			shift++;
			sticky |= d;
		}
	}
	if (!any)
		return 0;
	if (sticky) {
		dig[nd++] = 1;
		shift--;
	}
	/* An exponent only counts with a digit; saturated, as anything past
	 * the cutoffs below is zero or infinity anyway. */
	long ex = 0;
	if ((*p | 32) == (hex ? 'p' : 'e')) {
		const char *q = p + 1;
		int eneg = *q == '-';
		if (*q == '+' || *q == '-')
			q++;
		if (*q >= '0' && *q <= '9') {
			for (; *q >= '0' && *q <= '9'; q++)
				if (ex < 10000000)
					ex = ex * 10 + *q - '0';
			if (eneg)
				ex = -ex;
			p = q;
		}
	}

	/* The value is below base^mag: with decimal, 10^-330 is below half
	 * the smallest subnormal and 10^310 beyond the largest double; with
	 * hex, 2^-1080 and 2^1025 (mag - 4). */
	uint64_t r;
	long mag = hex ? 4 * (nd + shift) + ex : nd + shift + ex;
	if (nd == 0 || mag < (hex ? -1080 : -330)) {
		r = 0;
	} else if (mag > (hex ? 1029 : 310)) {
		r = inf_bits(f);
	} else {
		big n;
		from_digits(&n, dig, nd, (uint32_t)base);
		r = hex ? to_bits(&n, 0, 4 * shift + ex, f) : to_bits(&n, shift + ex, 0, f);
	}
	*bits = r | (uint64_t)neg << f->sign;
	return (size_t)(p - s);
}

size_t ep_parse_f64(const char *s, uint64_t *bits)
{
	return parse(s, bits, &F64);
}

size_t ep_parse_f32(const char *s, uint32_t *bits)
{
	uint64_t b;
	size_t n = parse(s, &b, &F32);
	if (n)
		*bits = (uint32_t)b;
	return n;
}

/* The exact decimal expansion of the float, then the first length whose
 * correctly rounded digits read back to the same bits. */
static int shortest(uint64_t bits, const flt *f, char *out, int *point)
{
	int mb = f->p - 1;
	uint64_t target = bits & (inf_bits(f) | (((uint64_t)1 << mb) - 1));
	uint64_t m = target & (((uint64_t)1 << mb) - 1);
	long k = f->umin, be = (long)(target >> mb);
	if (be) {
		m |= (uint64_t)1 << mb;
		k += be - 1;
	}
	/* value = m * 2^k = x * 10^min(k, 0), x = m * 5^-k or m * 2^k. */
	big x = { 2, { (uint32_t)m, (uint32_t)(m >> 32) } };
	trim(&x);
	if (k < 0)
		mul_pow(&x, 5, -k);
	else
		shl(&x, k);

	/* 5^1074 * 2^53 has 767 digits; digits are 0..9, most significant first. */
	char dig[DIGIT_CAP];
	int pos = DIGIT_CAP;
	while (x.n) {
		uint32_t r = div_small(&x, 1000000000);
		for (int j = 0; j < 9; j++, r /= 10)
			dig[--pos] = (char)(r % 10);
	}
	while (dig[pos] == 0)
		pos++;
	const char *d = dig + pos;
	int len = DIGIT_CAP - pos, exp10 = len + (k < 0 ? (int)k : 0);

	char c[17];
	int n, cp;
	for (n = 1; n <= 17; n++) {
		int keep = n < len ? n : len;
		for (int i = 0; i < keep; i++)
			c[i] = d[i];
		cp = exp10;
		if (n < len) {
			int up = d[n] > 5 || (d[n] == 5 && (d[n - 1] & 1));
			for (int i = n + 1; i < len && d[n] == 5 && !up; i++)
				up = d[i] != 0;
			int i = n - 1;
			for (; up && i >= 0 && c[i] == 9; i--)
				c[i] = 0;
			if (up && i >= 0) {
				c[i]++;
			} else if (up) {
				c[0] = 1;
				cp++;
			}
		}
		if (n == 17 || n >= len)
			break;
		big t;
		from_digits(&t, c, n, 10);
		if (to_bits(&t, cp - n, 0, f) == target)
			break;
	}
	int keep = n < len ? n : len;
	while (keep > 1 && c[keep - 1] == 0)
		keep--;
	for (int i = 0; i < keep; i++)
		out[i] = (char)('0' + c[i]);
	*point = cp;
	return keep;
}

int ep_shortest_f64(uint64_t bits, char *digits, int *point)
{
	return shortest(bits, &F64, digits, point);
}

int ep_shortest_f32(uint32_t bits, char *digits, int *point)
{
	return shortest(bits, &F32, digits, point);
}
