/*
 * units.c - counts, sizes and durations from a byte span (units.h), the one
 * spelling that command-line flags and manifests share. Owns only the
 * syntax: ranges (a page at least, non-zero) belong to whoever asks.
 * Never allocates, never reads past s[n), needs no NUL terminator.
 */
#include <string.h>

#include "units.h"

/* A unit table: entries "Cname", each a multiplier code C (a digit,
 * indexing mul) and a lowercase name, "" being a bare number; an empty
 * entry ends it. "m" is minutes for durations and MiB for sizes: each
 * table is read alone. */
static const uint32_t mul[] = { 1, 1u << 10, 1u << 20, 1u << 30, 1000, 60000 };
static const char count_units[] = "0\0";
static const char size_units[] = "0\0" "0b\0" "1k\0" "1kib\0" "2m\0" "2mib\0" "3g\0" "3gib\0";
static const char duration_units[] = "4\0" "0ms\0" "4s\0" "5m\0";

/* The leading digits of s[0..n): how many, with their value in *out; 0
 * when there are none or their value passes 2^64-1. Leading zeros are
 * just digits. */
static size_t digits(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		uint64_t d = (uint64_t)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return 0;
		v = v * 10 + d;
	}
	*out = v;
	return i;
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

static int with_unit(const char *s, size_t n, const char *u, uint64_t *out)
{
	uint64_t v;
	size_t d = digits(s, n, &v);
	if (d == 0)
		return 0;
	for (; *u; u += strlen(u) + 1) {
		if (lower_eq(s + d, n - d, u + 1)) {
			uint64_t m = mul[*u - '0'];
			if (v > UINT64_MAX / m)
				return 0;
			*out = v * m;
			return 1;
		}
	}
	return 0;
}

int ep_parse_count(const char *s, size_t n, uint64_t *out)
{
	return with_unit(s, n, count_units, out);
}

int ep_parse_size(const char *s, size_t n, uint64_t *out)
{
	return with_unit(s, n, size_units, out);
}

int ep_parse_duration_ms(const char *s, size_t n, uint64_t *out)
{
	return with_unit(s, n, duration_units, out);
}
