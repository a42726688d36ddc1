/*
 * units.c - counts, sizes and durations from a byte span (units.h), the one
 * spelling that command-line flags and manifests share. Owns only the
 * syntax: ranges (a page at least, non-zero) belong to whoever asks.
 * Never allocates, never reads past s[n), needs no NUL terminator.
 */
#include "units.h"

typedef struct unit {
	const char *name;       /* lowercase; "" is a bare number */
	uint64_t mul;
} unit;

static const unit size_units[] = {
	{ "", 1 }, { "b", 1 }, { "k", 1u << 10 }, { "kib", 1u << 10 }, { "m", 1u << 20 },
	{ "mib", 1u << 20 }, { "g", 1u << 30 }, { "gib", 1u << 30 }, { NULL, 0 }
};

/* "m" is minutes here and MiB for sizes: each table is read alone. */
static const unit duration_units[] = {
	{ "", 1000 }, { "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { NULL, 0 }
};

/* The leading digits of s[0..n): how many, with their value in *out; or
 * (size_t)-1 when the value passes 2^64-1. Leading zeros are just digits. */
static size_t digits(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		uint64_t d = (uint64_t)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return (size_t)-1;
		v = v * 10 + d;
	}
	*out = v;
	return i;
}

int ep_parse_count(const char *s, size_t n, uint64_t *out)
{
	uint64_t v;
	size_t d = digits(s, n, &v);
	if (d == 0 || d == (size_t)-1 || d != n)
		return 0;
	*out = v;
	return 1;
}

static int lower_eq(const char *s, size_t n, const char *lower)
{
	size_t i = 0;
	for (; i < n; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (lower[i] == '\0' || c != lower[i])
			return 0;
	}
	return lower[i] == '\0';
}

static int with_unit(const char *s, size_t n, const unit *units, uint64_t *out)
{
	uint64_t v;
	size_t d = digits(s, n, &v);
	if (d == 0 || d == (size_t)-1)
		return 0;
	for (const unit *u = units; u->name; u++) {
		if (lower_eq(s + d, n - d, u->name)) {
			if (v > UINT64_MAX / u->mul)
				return 0;
			*out = v * u->mul;
			return 1;
		}
	}
	return 0;
}

int ep_parse_size(const char *s, size_t n, uint64_t *out)
{
	return with_unit(s, n, size_units, out);
}

int ep_parse_duration_ms(const char *s, size_t n, uint64_t *out)
{
	return with_unit(s, n, duration_units, out);
}
