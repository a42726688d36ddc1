/*
 * fmt.c - the printf subset edgeplug uses (fmt.h), to a buffer or a FILE.
 * libc's vfprintf carries float formatting the binary never needs; this is
 * a tenth of its size. Integers and strings only; may not allocate, and
 * touches a FILE only through fwrite.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"

/* Where the text goes: a FILE, or buf[0..size) holding as much as fits and
 * a NUL; len counts every byte produced either way. */
typedef struct sink {
	FILE *f;
	char *buf;
	size_t size;
	size_t len;
	int err;
} sink;

static void put(sink *o, const char *s, size_t n)
{
	if (o->f) {
		if (n && fwrite(s, 1, n, o->f) != n)
			o->err = 1;
	} else if (o->len + 1 < o->size) {
		size_t room = o->size - 1 - o->len;
		size_t k = n < room ? n : room;
		for (size_t i = 0; i < k; i++)
			o->buf[o->len + i] = s[i];
	}
	o->len += n;
}

static void pad(sink *o, char c, size_t n)
{
	while (n--)
		put(o, &c, 1);
}

static int number(const char **p)
{
	int n = 0;
	while (**p >= '0' && **p <= '9')
		n = n * 10 + *(*p)++ - '0';
	return n;
}

static void format(sink *o, const char *fmt, va_list ap)
{
	while (*fmt) {
		const char *p = fmt;
		while (*p && *p != '%')
			p++;
		put(o, fmt, (size_t)(p - fmt));
		if (!*p)
			return;
		const char *spec = p++;

		int left = 0, zero = 0;
		char sign = 0;
		for (;; p++) {
			if (*p == '-')
				left = 1;
			else if (*p == '0')
				zero = 1;
			else if (*p == '+')
				sign = '+';
			else if (*p == ' ' && !sign)
				sign = ' ';
			else if (*p != ' ')
				break;
		}
		int width, prec = -1;
		if (*p == '*') {
			p++;
			width = va_arg(ap, int);
			if (width < 0) {
				left = 1;
				width = -width;
			}
		} else {
			width = number(&p);
		}
		if (*p == '.') {
			p++;
			if (*p == '*') {
				p++;
				prec = va_arg(ap, int);
				if (prec < 0)
					prec = -1;
			} else {
				prec = number(&p);
			}
		}
		/* Integer arguments are taken by their width alone: an int slot or
		 * a long long one, which is how every ABI we build for passes them
		 * (long, size_t, intmax_t and pointers are one or the other), then
		 * cut to the type's bits. One va_arg per slot size keeps this small. */
		unsigned w = sizeof(int) * CHAR_BIT;
		switch (*p) {
		case 'h':
			w = sizeof(short) * CHAR_BIT;
			if (*++p == 'h')
				p++, w = CHAR_BIT;
			break;
		case 'l':
			w = sizeof(long) * CHAR_BIT;
			if (*++p == 'l')
				p++, w = sizeof(long long) * CHAR_BIT;
			break;
		case 'z': p++; w = sizeof(size_t) * CHAR_BIT; break;
		case 'j': p++; w = sizeof(intmax_t) * CHAR_BIT; break;
		case 't': p++; w = sizeof(ptrdiff_t) * CHAR_BIT; break;
		}

		char conv = *p ? *p++ : 0;
		fmt = p;
		char tmp[3 * sizeof(uintmax_t) + 1];
		const char *s = tmp;
		size_t n = 0, zeros = 0;
		const char *prefix = "";
		uintmax_t v;
		switch (conv) {
		case '%':
			put(o, "%", 1);
			continue;
		case 'c':
			tmp[0] = (char)va_arg(ap, int);
			n = 1;
			sign = 0;
			zero = 0;
			break;
		case 's':
			s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			while ((prec < 0 || n < (size_t)prec) && s[n])
				n++;
			sign = 0;
			zero = 0;
			break;
		case 'p':
			prefix = "0x";
			w = sizeof(void *) * CHAR_BIT;
			/* fall through */
		case 'd':
		case 'i':
		case 'u':
		case 'x':
		case 'X':
		case 'o': {
			_Static_assert(sizeof(long long) == sizeof(uintmax_t), "two slot sizes");
			v = w > sizeof(int) * CHAR_BIT ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned);
			uintmax_t mask = w < sizeof v * CHAR_BIT ? ((uintmax_t)1 << w) - 1 : ~(uintmax_t)0;
			v &= mask;
			if (conv != 'd' && conv != 'i')
				sign = 0;
			else if (v >> (w - 1))
				v = -v & mask, sign = '-';
			unsigned base = conv == 'o' ? 8 : conv == 'x' || conv == 'X' || conv == 'p' ? 16 : 10;
			const char *dig = conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
			char *e = tmp + sizeof tmp;
			char *q = e;
			for (; v; v /= base)
				*--q = dig[v % base];
			if (q == e && prec != 0)
				*--q = '0';
			s = q;
			n = (size_t)(e - q);
			if (prec >= 0) {
				zero = 0;
				if ((size_t)prec > n)
					zeros = (size_t)prec - n;
			}
			break;
		}
		default:
			/* Not in the subset: shown as written, arguments not taken. */
			put(o, spec, (size_t)(p - spec));
			continue;
		}

		size_t plen = (sign != 0) + (prefix[0] ? 2 : 0);
		size_t body = plen + zeros + n;
		size_t fill = (size_t)width > body ? (size_t)width - body : 0;
		if (!left && !zero)
			pad(o, ' ', fill);
		put(o, &sign, sign != 0);
		put(o, prefix, prefix[0] ? 2 : 0);
		if (!left && zero)
			pad(o, '0', fill);
		pad(o, '0', zeros);
		put(o, s, n);
		if (left)
			pad(o, ' ', fill);
	}
}

int ep_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	sink o = { NULL, buf, size, 0, 0 };
	format(&o, fmt, ap);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int ep_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = ep_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int ep_vfprintf(FILE *f, const char *fmt, va_list ap)
{
	sink o = { f, NULL, 0, 0, 0 };
	format(&o, fmt, ap);
	return o.err ? -1 : (int)o.len;
}

int ep_fprintf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = ep_vfprintf(f, fmt, ap);
	va_end(ap);
	return n;
}

/* musl's wording for the errors a host file operation can meet; anything
 * rarer is musl's "No error information". libc's strerror table costs 2 KB
 * of the size budget for messages no command prints. The texts are one
 * string, NUL after each, in the order of error_codes: a table of pointers
 * would cost 16 bytes an entry on 64-bit boards. */
static const char errors[] =
	"Operation not permitted\0"
	"No such file or directory\0"
	"Interrupted system call\0"
	"I/O error\0"
	"Bad file descriptor\0"
	"Resource temporarily unavailable\0"
	"Out of memory\0"
	"Permission denied\0"
	"Resource busy\0"
	"File exists\0"
	"Cross-device link\0"
	"Not a directory\0"
	"Is a directory\0"
	"Invalid argument\0"
	"Too many open files in system\0"
	"No file descriptors available\0"
	"Text file busy\0"
	"File too large\0"
	"No space left on device\0"
	"Read-only file system\0"
	"Too many links\0"
	"Broken pipe\0"
	"Filename too long\0"
	"Function not implemented\0"
	"Directory not empty\0"
	"Symbolic link loop\0"
	"Value too large for data type\0"
	"No such device\0"
	"No such device or address\0"
	"Operation timed out\0"
;
static const unsigned char error_codes[] = {
	EPERM, ENOENT, EINTR, EIO, EBADF, EAGAIN, ENOMEM, EACCES, EBUSY, EEXIST, EXDEV, ENOTDIR, EISDIR, EINVAL, ENFILE, EMFILE, ETXTBSY, EFBIG, ENOSPC, EROFS, EMLINK, EPIPE, ENAMETOOLONG, ENOSYS, ENOTEMPTY, ELOOP, EOVERFLOW, ENODEV, ENXIO, ETIMEDOUT
};

const char *ep_strerror(int e)
{
	const char *t = errors;
	for (size_t i = 0; i < sizeof error_codes; i++, t += strlen(t) + 1)
		if (error_codes[i] == e)
			return t;
	return "No error information";
}
