/*
 * units.h - the value syntax that command-line flags and manifests share:
 * counts, sizes and durations (docs/cli.md, docs/manifest.md). Pure
 * functions over a byte span; they know nothing of where the text came from
 * and never allocate.
 */
#ifndef EP_UNITS_H
#define EP_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* Each returns 1 and sets *out, or 0 when s[0..n) is not a valid value (no
 * digits, a stray character, an unknown unit, or a value past 2^64-1).
 * Nothing is skipped: no sign, no spaces, no leading '+'. */

/* A decimal count: digits only. */
int ep_parse_count(const char *s, size_t n, uint64_t *out);
/* Bytes: a count with an optional unit, case-insensitive: none or b (bytes),
 * k or kib (1024), m or mib (1024^2), g or gib (1024^3). */
int ep_parse_size(const char *s, size_t n, uint64_t *out);
/* Milliseconds: a count with an optional unit: ms, s, m (minutes); a bare
 * count is seconds. */
int ep_parse_duration_ms(const char *s, size_t n, uint64_t *out);

#endif
