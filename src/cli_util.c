/*
 * cli_util.c - what every command of the CLI shares (src/cli.h): messages
 * on stderr, escaping of untrusted text, whole-file input with a size cap
 * checked before reading, and atomic output. Knows nothing of modules,
 * manifests or signatures.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "fmt.h"

int cli_usage(const char *usage, const char *fmt, ...)
{
	va_list ap;
	fputs("edgeplug: ", stderr);
	va_start(ap, fmt);
	ep_vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	/* A command's help starts with its usage lines: those, up to the
	 * first blank line. */
	size_t n = 0;
	while (usage[n] && !(usage[n] == '\n' && usage[n + 1] == '\n'))
		n++;
	fwrite(usage, 1, n + (usage[n] == '\n'), stderr);
	return RC_USAGE;
}

int cli_fail(int rc, const char *fmt, ...)
{
	va_list ap;
	fputs("edgeplug: ", stderr);
	va_start(ap, fmt);
	ep_vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return rc;
}

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0: no
 * overlong forms, no surrogates, nothing past U+10FFFF. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	unsigned min;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, min = 0x10000;
	else
		return 0;
	if (n < len)
		return 0;
	unsigned cp = c & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	/* C1 controls (U+0080-U+009F) act on terminals like C0 ones. */
	if (cp <= 0x9f)
		return 0;
	return len;
}

void cli_put_text(FILE *f, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		unsigned c = u[i];
		size_t len = c < 0x20 || c == 0x7f || c == '\\' ? 0 : utf8_len(u + i, n - i);
		if (len == 0) {
			ep_fprintf(f, "\\%02x", c);
			i++;
		} else {
			fwrite(u + i, 1, len, f);
			i += len;
		}
	}
}

int cli_read_file(const char *path, size_t max, uint8_t **out, size_t *outlen)
{
	char why[128];
	int rc = cli_load_file(path, max, out, outlen, why, sizeof why);
	if (rc != RC_OK)
		cli_fail(rc, "%s: %s", path, why);
	return rc;
}

int cli_load_file(const char *path, size_t max, uint8_t **out, size_t *outlen, char *whyout,
                  size_t whylen)
{
	const char *why = NULL;
	char whybuf[64];
	uint8_t *buf = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		why = ep_strerror(errno);
		goto fail;
	}
	struct stat st;
	size_t cap = 64 * 1024;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		if ((uintmax_t)st.st_size > max)
			goto toobig;
		cap = (size_t)st.st_size + 1;
	}
	buf = malloc(cap);
	if (!buf)
		goto nomem;
	size_t n = 0;
	for (;;) {
		if (n == cap) {
			/* Files that grew or are not regular (pipes): grow, but
			 * never past the cap plus one byte to detect excess. */
			if (cap > max)
				goto toobig;
			size_t ncap = cap > max / 2 ? max + 1 : cap * 2;
			uint8_t *nbuf = realloc(buf, ncap);
			if (!nbuf)
				goto nomem;
			buf = nbuf;
			cap = ncap;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			why = ep_strerror(errno);
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > max)
		goto toobig;
	if (n == cap) {
		/* Room for the spare NUL that text parsers may lean on. */
		uint8_t *nbuf = realloc(buf, cap + 1);
		if (!nbuf)
			goto nomem;
		buf = nbuf;
	}
	buf[n] = 0;
	close(fd);
	*out = buf;
	*outlen = n;
	return RC_OK;
toobig:
	if (max >= (size_t)1 << 20)
		ep_snprintf(whybuf, sizeof whybuf, "larger than the %zu MiB limit", max >> 20);
	else
		ep_snprintf(whybuf, sizeof whybuf, "larger than the %zu-byte limit", max);
	why = whybuf;
fail:
	free(buf);
	if (fd >= 0)
		close(fd);
	ep_snprintf(whyout, whylen, "cannot read: %s", why);
	return RC_NOINPUT;
nomem:
	free(buf);
	close(fd);
	ep_snprintf(whyout, whylen, "out of memory");
	return RC_SOFTWARE;
}

int cli_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
                     int exclusive)
{
	size_t pl = strlen(path);
	char *tmp = malloc(pl + 16);
	if (!tmp) {
		errno = ENOMEM;
		return -1;
	}
	int fd = -1, saved;
	for (unsigned k = 0; fd < 0 && k < 100; k++) {
		ep_snprintf(tmp, pl + 16, "%s.tmp%u.%ld", path, k, (long)getpid() % 100000);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0)
		goto fail;
	/* open applies the umask; the mode asked for is the mode meant. */
	if (fchmod(fd, mode) != 0)
		goto fail_fd;
	for (size_t done = 0; done < len;) {
		ssize_t w = write(fd, (const char *)data + done, len - done);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			goto fail_fd;
		}
		done += (size_t)w;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		fd = -1;
		goto fail_tmp;
	}
	fd = -1;
	/* link() refuses an existing name, so exclusive never replaces one,
	 * even one created after a check; rename() replaces atomically. */
	if (exclusive ? link(tmp, path) != 0 : rename(tmp, path) != 0)
		goto fail_tmp;
	if (exclusive)
		unlink(tmp);
	free(tmp);
	return 0;
fail_fd:
	saved = errno;
	close(fd);
	errno = saved;
fail_tmp:
	saved = errno;
	unlink(tmp);
	errno = saved;
fail:
	saved = errno;
	free(tmp);
	errno = saved;
	return -1;
}

int cli_opt_value(const char *opt, int argc, char **argv, int *i, const char **val)
{
	const char *a = argv[*i];
	size_t n = strlen(opt);
	if (strncmp(a, opt, n) != 0)
		return 0;
	if (a[n] == '=') {
		*val = a + n + 1;
		return 1;
	}
	if (a[n] != '\0')
		return 0;
	if (*i + 1 == argc)
		return -1;
	*val = argv[++*i];
	return 1;
}

void cli_escape(char *out, size_t size, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		unsigned c = u[i];
		size_t len = c < 0x20 || c == 0x7f || c == '\\' ? 0 : utf8_len(u + i, n - i);
		size_t w = len ? len : 3;
		if (o + w + 4 > size) {
			if (o + 4 <= size)
				memcpy(out + o, "...", 3), o += 3;
			break;
		}
		if (len) {
			memcpy(out + o, u + i, len);
			i += len;
		} else {
			ep_snprintf(out + o, 4, "\\%02x", c);
			i++;
		}
		o += w;
	}
	out[o] = '\0';
}

void cli_json_str(FILE *f, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	fputc('"', f);
	for (size_t i = 0; i < n;) {
		unsigned c = u[i];
		size_t len = c < 0x20 || c == 0x7f ? 0 : utf8_len(u + i, n - i);
		if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc((int)c, f);
			i++;
		} else if (len) {
			fwrite(u + i, 1, len, f);
			i += len;
		} else {
			ep_fprintf(f, "\\u%04x", c);
			i++;
		}
	}
	fputc('"', f);
}

int cli_file_over(const char *path, uint64_t limit)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size > limit;
}
