/*
 * cli_value.c - wasm values as command-line text, both ways: --invoke's
 * arguments in, results out as TYPE:VALUE (docs/cli.md). Floats keep their
 * exact bits; integers read signed and unsigned ranges. Pure text work:
 * knows nothing of modules or stores.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "edgeplug.h"
#include "fmt.h"

/* ---- values: text to bits ---- */

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

/* Unsigned digits in base, the whole string, without overflow. */
static int parse_digits(const char *p, unsigned base, uint64_t *out)
{
	uint64_t v = 0;
	if (!*p)
		return 0;
	for (; *p; p++) {
		unsigned d = (unsigned)digit_value(*p);
		if (d >= base || v > (UINT64_MAX - d) / base)
			return 0;
		v = v * base + d;
	}
	*out = v;
	return 1;
}

/* An integer of the given width, in the signed or the unsigned range, as
 * two's complement bits. */
static int parse_int(const char *s, unsigned bits, uint64_t *out)
{
	const char *p = s;
	int neg = 0;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	unsigned base = 10;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	uint64_t v;
	if (!parse_digits(p, base, &v))
		return 0;
	uint64_t umax = bits == 64 ? UINT64_MAX : UINT32_MAX;
	uint64_t nmax = (uint64_t)1 << (bits - 1);
	if (neg ? v > nmax : v > umax)
		return 0;
	*out = (neg ? (uint64_t)0 - v : v) & umax;
	return 1;
}

/* A float of the given width as bits. inf and nan forms are handled here so
 * NaN payloads and signs are exact; everything else goes to ep_parse_f64/32
 * (fmt.h), which round correctly and read hex floats. Overflow to infinity
 * is an error, as in the text format; underflow rounds. */
static int parse_float(const char *s, int is64, uint64_t *out)
{
	const char *p = s;
	int neg = 0;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	unsigned mbits = is64 ? 52 : 23;
	uint64_t sign = neg ? (uint64_t)1 << (is64 ? 63 : 31) : 0;
	uint64_t expo = is64 ? UINT64_C(0x7ff0000000000000) : UINT64_C(0x7f800000);
	uint64_t mmask = ((uint64_t)1 << mbits) - 1;

	if (strcasecmp(p, "inf") == 0 || strcasecmp(p, "infinity") == 0) {
		*out = sign | expo;
		return 1;
	}
	if (strcasecmp(p, "nan") == 0) {
		*out = sign | expo | (uint64_t)1 << (mbits - 1);
		return 1;
	}
	if (strncasecmp(p, "nan:0x", 6) == 0) {
		uint64_t payload;
		if (!parse_digits(p + 6, 16, &payload) || payload == 0 || payload > mmask)
			return 0;
		*out = sign | expo | payload;
		return 1;
	}
	/* The whole string, a number (no blanks, no "nan(...)": ep_parse reads
	 * none), and no infinity, which only overflow makes here. */
	uint64_t b;
	uint32_t b32;
	size_t n = is64 ? ep_parse_f64(s, &b) : ep_parse_f32(s, &b32);
	if (!is64)
		b = b32;
	if (n == 0 || s[n] || (b & ~sign) == expo)
		return 0;
	*out = b;
	return 1;
}

int cli_parse_value(const char *s, uint8_t type, ep_value *v)
{
	uint64_t bits;
	v->type = type;
	switch (type) {
	case EP_I32:
		if (!parse_int(s, 32, &bits))
			return 0;
		v->of.i32 = (int32_t)(uint32_t)bits;
		return 1;
	case EP_I64:
		if (!parse_int(s, 64, &bits))
			return 0;
		v->of.i64 = (int64_t)bits;
		return 1;
	case EP_F32:
		if (!parse_float(s, 0, &bits))
			return 0;
		v->of.f32 = (uint32_t)bits;
		return 1;
	case EP_F64:
		if (!parse_float(s, 1, &bits))
			return 0;
		v->of.f64 = bits;
		return 1;
	case EP_FUNCREF:
	case EP_EXTERNREF:
		if (strcmp(s, "null") != 0)
			return 0;
		v->of.ref = NULL;
		return 1;
	default:
		return 0;
	}
}

/* ---- values: bits to text ---- */

/* The shortest decimal that reads back to the same float (fmt.h), laid out
 * like JavaScript's Number#toString: plain notation when the decimal
 * exponent is in [-6, 20], scientific (1e+21, 1.5e-7) outside. bits is
 * finite and non-zero, its sign ignored. out has room for 32 bytes: at most
 * 17 digits, "0." and 6 zeros, or a point and "e+308". */
static void format_decimal(char *out, uint64_t bits, int is64)
{
	char digits[18];
	int n;   /* the value is 0.DIGITS * 10^n */
	int k = is64 ? ep_shortest_f64(bits, digits, &n)
	             : ep_shortest_f32((uint32_t)bits, digits, &n);

	char *o = out;
	if (k <= n && n <= 21) {
		memcpy(o, digits, (size_t)k);
		o += k;
		for (int i = k; i < n; i++)
			*o++ = '0';
	} else if (0 < n && n <= 21) {
		memcpy(o, digits, (size_t)n);
		o += n;
		*o++ = '.';
		memcpy(o, digits + n, (size_t)(k - n));
		o += k - n;
	} else if (-6 < n && n <= 0) {
		*o++ = '0';
		*o++ = '.';
		for (int i = n; i < 0; i++)
			*o++ = '0';
		memcpy(o, digits, (size_t)k);
		o += k;
	} else {
		*o++ = digits[0];
		if (k > 1) {
			*o++ = '.';
			memcpy(o, digits + 1, (size_t)(k - 1));
			o += k - 1;
		}
		ep_snprintf(o, 8, "e%c%d", n - 1 < 0 ? '-' : '+', n - 1 < 0 ? 1 - n : n - 1);
		return;
	}
	*o = '\0';
}

/* out must have room for 40 bytes. */
static void format_float(char *out, size_t size, uint64_t bits, int is64)
{
	unsigned mbits = is64 ? 52 : 23;
	uint64_t mmask = ((uint64_t)1 << mbits) - 1;
	uint64_t emask = is64 ? 0x7ff : 0xff;
	int neg = (int)(bits >> (is64 ? 63 : 31)) & 1;
	uint64_t ex = (bits >> mbits) & emask;
	uint64_t m = bits & mmask;
	const char *sign = neg ? "-" : "";

	if (ex == emask) {
		if (m == 0)
			ep_snprintf(out, size, "%sinf", sign);
		else if (m == (uint64_t)1 << (mbits - 1))
			ep_snprintf(out, size, "%snan", sign);
		else
			ep_snprintf(out, size, "%snan:0x%" PRIx64, sign, m);
		return;
	}
	if (ex == 0 && m == 0) {
		ep_snprintf(out, size, "%s0", sign);
		return;
	}
	size_t sl = strlen(sign);
	memcpy(out, sign, sl);
	format_decimal(out + sl, bits, is64);
}

void cli_print_value(FILE *f, const ep_value *v)
{
	char buf[64];
	switch (v->type) {
	case EP_I32:
		ep_fprintf(f, "i32:%" PRId32 "\n", v->of.i32);
		break;
	case EP_I64:
		ep_fprintf(f, "i64:%" PRId64 "\n", v->of.i64);
		break;
	case EP_F32:
		format_float(buf, sizeof buf, v->of.f32, 0);
		ep_fprintf(f, "f32:%s\n", buf);
		break;
	case EP_F64:
		format_float(buf, sizeof buf, v->of.f64, 1);
		ep_fprintf(f, "f64:%s\n", buf);
		break;
	case EP_FUNCREF:
	case EP_EXTERNREF:
		ep_fprintf(f, "%s:%s\n", ep_valtype_name(v->type), v->of.ref ? "<non-null>" : "null");
		break;
	default:
		ep_fprintf(f, "unknown:0x%02x\n", v->type);
		break;
	}
}

