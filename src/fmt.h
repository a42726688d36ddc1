/*
 * fmt.h - edgeplug's own printf and float text, so the static binary links
 * neither libc's vfprintf (and its float formatting) nor its strtod. Text
 * formatting only: no allocation, no state, nothing of modules or stores.
 * size/no-printf.sh turns the printf-family calls of src files into these.
 */
#ifndef EP_FMT_H
#define EP_FMT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#if defined(__GNUC__)
#define EP_FMT(a, b) __attribute__((format(printf, a, b)))
#else
#define EP_FMT(a, b)
/* The text of a host errno value, as musl words it, for the errors file
 * operations meet ("No error information" for others): strerror without
 * its 2 KB table. A static string; safe from any thread. */
const char *ep_strerror(int e);

#endif

/*
 * The printf subset the code uses, with C's meaning: conversions d i u x X
 * o c s p %; flags - 0 + and space; a width and a precision, each a number
 * or *; length modifiers hh h l ll z j t. No floats (%e %f %g %a) and no
 * '#': an unsupported conversion is copied to the output as written, so it
 * shows. The snprintf pair returns the length the whole output needs, as C
 * does; the FILE ones return the bytes written or -1 on a write error.
 */
int ep_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap) EP_FMT(3, 0);
int ep_snprintf(char *buf, size_t size, const char *fmt, ...) EP_FMT(3, 4);
int ep_vfprintf(FILE *f, const char *fmt, va_list ap) EP_FMT(2, 0);
int ep_fprintf(FILE *f, const char *fmt, ...) EP_FMT(2, 3);
/* A macro: one variadic function fewer, still checked as ep_fprintf. */
#define ep_printf(...) ep_fprintf(stdout, __VA_ARGS__)

/*
 * Float text (floattext.c), exact and correctly rounded, on the bits.
 *
 * ep_parse_f64/ep_parse_f32 read a float at s: an optional sign, then
 * decimal digits with at most one point (at least one digit) and an
 * optional exponent e[+-]DIGITS, or 0x/0X, hex digits with an optional
 * point and an optional binary exponent p[+-]DIGITS. The longest such
 * prefix is read, as strtod reads it; no blanks, no inf or nan. The value
 * is rounded to nearest, ties to even, subnormals included; a value too big
 * for the format gives infinity (which the text cannot spell here, so the
 * caller can tell overflow). Returns the length read, 0 if s holds no
 * number (and *bits is then left alone).
 */
size_t ep_parse_f64(const char *s, uint64_t *bits);
size_t ep_parse_f32(const char *s, uint32_t *bits);

/*
 * The shortest decimal that reads back to the same float: for n = 1, 2, ...
 * the value rounded to n significant digits (ties to even) until one reads
 * back to bits, as printf "%.*e" and strtod in a loop would find it. bits
 * must be finite and not zero; the sign is ignored. Writes the digits,
 * trailing zeros dropped, to digits (room for 18, no NUL) and the decimal
 * exponent to *point, the value being 0.DIGITS * 10^*point; returns the
 * number of digits.
 */
int ep_shortest_f64(uint64_t bits, char *digits, int *point);
int ep_shortest_f32(uint32_t bits, char *digits, int *point);

/* The text of a host errno value, as musl words it, for the errors file
 * operations meet ("No error information" for others): strerror without
 * its 2 KB table. A static string; safe from any thread. */
const char *ep_strerror(int e);

#endif
