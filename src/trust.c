/*
 * trust.c - the trust store (trust.h, docs/signing.md): public keys read
 * from a .pub file or a directory of them, and secret key files, each
 * refused when its permissions would let someone else swap in a key (or
 * read a secret one). Owns opening, modes and directory walking; the text
 * of keys is sign.c's, and what a key is trusted for is the caller's.
 *
 * Every file is opened first and then checked with fstat on that open
 * descriptor, so the bytes read are the bytes of the file checked (no
 * window between a stat and an open for a rename to slip through).
 */
#include "fmt.h"
#include "sort.h"
#include "trust.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A key file is one short line (docs/signing.md); anything bigger is not one. */
#define KEYFILE_MAX 4096

#if defined(__GNUC__)
static int say(char *why, size_t whylen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#endif

static int say(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why && whylen) {
		va_start(ap, fmt);
		ep_vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Like ssh's StrictModes: a key file or key directory that anyone but its
 * owner can write lets that someone add a key, so group- and
 * world-writable ones are refused; so is one owned by another ordinary
 * user (root's files are root's to guard). */
static int check_mode(const struct stat *st, const char *path, char *why, size_t whylen)
{
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return say(why, whylen, "%s: refused: writable by %s (chmod go-w %s)", path,
		           st->st_mode & S_IWOTH ? "anyone" : "its group", path);
	if (st->st_uid != 0 && st->st_uid != geteuid())
		return say(why, whylen, "%s: refused: owned by uid %u, not by root or you", path,
		           (unsigned)st->st_uid);
	return 0;
}

/* Reads the open regular file fd (already fstat'ed into st) whole into buf. */
static int read_small(int fd, const struct stat *st, const char *path, char *buf, size_t *len,
                      char *why, size_t whylen)
{
	size_t n = 0;

	if (st->st_size > KEYFILE_MAX)
		return say(why, whylen, "%s: %lld bytes, too big for a key file", path, (long long)st->st_size);
	for (;;) {
		ssize_t r = read(fd, buf + n, KEYFILE_MAX + 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return say(why, whylen, "%s: cannot read: %s", path, ep_strerror(errno));
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > KEYFILE_MAX)
			return say(why, whylen, "%s: too big for a key file", path);
	}
	*len = n;
	return 0;
}

/* O_NONBLOCK: opening a FIFO planted where a key should be must not hang;
 * fstat then refuses it as not a regular file. */
#define OPEN_FLAGS (O_RDONLY | O_NONBLOCK | O_CLOEXEC)

/* One .pub file, open as fd, into *k. */
static int load_pub(int fd, const char *path, ep_pubkey *k, char *why, size_t whylen)
{
	char buf[KEYFILE_MAX + 1], perr[160];
	struct stat st;
	size_t len = 0;

	if (fstat(fd, &st) != 0)
		return say(why, whylen, "%s: cannot stat: %s", path, ep_strerror(errno));
	if (!S_ISREG(st.st_mode))
		return say(why, whylen, "%s: refused: not a regular file", path);
	if (check_mode(&st, path, why, whylen) || read_small(fd, &st, path, buf, &len, why, whylen))
		return -1;
	if (ep_pubkey_parse(buf, len, k, perr, sizeof perr) != 0)
		return say(why, whylen, "%s: %s", path, perr);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_pub_suffix(const char *name)
{
	size_t n = strlen(name);

	return n > 4 && strcmp(name + n - 4, ".pub") == 0;
}

/* Adds the keys in keys[0..n) to t unless one repeats an id (there or in
 * t); src[i] names where keys[i] came from. */
static int merge(ep_trust *t, ep_pubkey *keys, char **src, size_t n, char *why, size_t whylen)
{
	ep_pubkey *all;
	char hex[17];

	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < i; j++)
			if (memcmp(keys[i].id, keys[j].id, EP_KEYID_BYTES) == 0) {
				ep_keyid_hex(keys[i].id, hex);
				return say(why, whylen, "%s: refused: key id %s is also in %s", src[i], hex, src[j]);
			}
		if (ep_trust_find(t, keys[i].id)) {
			ep_keyid_hex(keys[i].id, hex);
			return say(why, whylen, "%s: refused: key id %s is already trusted", src[i], hex);
		}
	}
	if (n == 0)
		return 0;
	all = realloc(t->keys, (t->nkeys + n) * sizeof *all);
	if (!all)
		return say(why, whylen, "out of memory");
	memcpy(all + t->nkeys, keys, n * sizeof *keys);
	t->keys = all;
	t->nkeys += n;
	return 0;
}

/* Every *.pub of the open directory dfd, in name order (so the messages
 * and the keys' order do not depend on the file system). Symbolic links
 * inside are refused: the directory's mode guards its entries, not what
 * they point to. */
static int load_dir(ep_trust *t, int dfd, const char *path, char *why, size_t whylen)
{
	DIR *d = fdopendir(dfd);
	struct dirent *e;
	char **names = NULL, **src = NULL;
	ep_pubkey *keys = NULL;
	size_t n = 0, cap = 0;
	int rc = -1;

	if (!d) {
		say(why, whylen, "%s: cannot read the directory: %s", path, ep_strerror(errno));
		close(dfd);
		return -1;
	}
	errno = 0;
	while ((e = readdir(d)) != NULL) {
		if (!has_pub_suffix(e->d_name))
			continue;
		if (n == cap) {
			size_t nc = cap ? 2 * cap : 8;
			char **nn = realloc(names, nc * sizeof *nn);

			if (!nn) {
				say(why, whylen, "out of memory");
				goto out;
			}
			names = nn;
			cap = nc;
		}
		names[n] = strdup(e->d_name);
		if (!names[n]) {
			say(why, whylen, "out of memory");
			goto out;
		}
		n++;
	}
	if (errno != 0) {
		say(why, whylen, "%s: cannot read the directory: %s", path, ep_strerror(errno));
		goto out;
	}
	if (n == 0) {
		say(why, whylen, "%s: no *.pub key files in the directory", path);
		goto out;
	}
	ep_sort(names, n, sizeof *names, by_name);
	keys = calloc(n, sizeof *keys);
	src = calloc(n, sizeof *src);
	if (!keys || !src) {
		say(why, whylen, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		size_t pl = strlen(path) + 1 + strlen(names[i]) + 1;
		int fd;

		src[i] = malloc(pl);
		if (!src[i]) {
			say(why, whylen, "out of memory");
			goto out;
		}
		ep_snprintf(src[i], pl, "%s/%s", path, names[i]);
		fd = openat(dirfd(d), names[i], OPEN_FLAGS | O_NOFOLLOW);
		if (fd < 0) {
			if (errno == ELOOP)
				say(why, whylen, "%s: refused: a symbolic link (put the key file itself here)", src[i]);
			else
				say(why, whylen, "%s: cannot open: %s", src[i], ep_strerror(errno));
			goto out;
		}
		rc = load_pub(fd, src[i], &keys[i], why, whylen);
		close(fd);
		if (rc != 0)
			goto out;
		rc = -1;
	}
	rc = merge(t, keys, src, n, why, whylen);
out:
	for (size_t i = 0; i < n; i++) {
		free(names[i]);
		if (src)
			free(src[i]);
	}
	free(names);
	free(src);
	free(keys);
	closedir(d);
	return rc;
}

int ep_trust_add(ep_trust *t, const char *path, char *why, size_t whylen)
{
	struct stat st;
	ep_pubkey k;
	char *src = (char *)path;
	int fd, rc;

	/* The path itself may be a symbolic link (an operator's choice, e.g.
	 * trusted.d pointing at a managed directory): what it names is
	 * checked. Entries inside a directory may not be links. */
	fd = open(path, OPEN_FLAGS);
	if (fd < 0)
		return say(why, whylen, "%s: cannot open: %s", path, ep_strerror(errno));
	if (fstat(fd, &st) != 0) {
		say(why, whylen, "%s: cannot stat: %s", path, ep_strerror(errno));
		close(fd);
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		if (check_mode(&st, path, why, whylen)) {
			close(fd);
			return -1;
		}
		return load_dir(t, fd, path, why, whylen);
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return say(why, whylen, "%s: refused: not a regular file or a directory", path);
	}
	rc = load_pub(fd, path, &k, why, whylen);
	close(fd);
	return rc ? rc : merge(t, &k, &src, 1, why, whylen);
}

int ep_trust_add_key(ep_trust *t, const ep_pubkey *k, const char *src, char *why, size_t whylen)
{
	ep_pubkey copy = *k;
	char *name = (char *)src;

	return merge(t, &copy, &name, 1, why, whylen);
}

const ep_pubkey *ep_trust_find(const ep_trust *t, const uint8_t id[EP_KEYID_BYTES])
{
	for (size_t i = 0; i < t->nkeys; i++)
		if (memcmp(t->keys[i].id, id, EP_KEYID_BYTES) == 0)
			return &t->keys[i];
	return NULL;
}

void ep_trust_free(ep_trust *t)
{
	free(t->keys);
	t->keys = NULL;
	t->nkeys = 0;
}

int ep_seckey_load(const char *path, ep_seckey *out, char *why, size_t whylen)
{
	char buf[KEYFILE_MAX + 1], perr[160];
	struct stat st;
	size_t len = 0;
	int fd, rc = EP_KEY_REFUSED;

	/* No symbolic links: the mode checked must be the secret file's own. */
	fd = open(path, OPEN_FLAGS | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ELOOP) {
			say(why, whylen, "%s: refused: a secret key may not be a symbolic link", path);
			return EP_KEY_REFUSED;
		}
		say(why, whylen, "%s: cannot open: %s", path, ep_strerror(errno));
		return EP_KEY_UNREADABLE;
	}
	if (fstat(fd, &st) != 0) {
		say(why, whylen, "%s: cannot stat: %s", path, ep_strerror(errno));
		rc = EP_KEY_UNREADABLE;
	} else if (!S_ISREG(st.st_mode)) {
		say(why, whylen, "%s: refused: not a regular file", path);
	} else if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		say(why, whylen, "%s: refused: mode %04o lets others at a secret key (chmod 600 %s)", path,
		    (unsigned)(st.st_mode & 07777), path);
	} else if (st.st_uid != geteuid()) {
		say(why, whylen, "%s: refused: a secret key owned by uid %u, not by you", path,
		    (unsigned)st.st_uid);
	} else if (read_small(fd, &st, path, buf, &len, why, whylen) != 0) {
		rc = EP_KEY_UNREADABLE;
	} else if (ep_seckey_parse(buf, len, out, perr, sizeof perr) != 0) {
		say(why, whylen, "%s: %s", path, perr);
		rc = EP_KEY_INVALID;
	} else {
		rc = 0;
	}
	close(fd);
	ep_wipe(buf, sizeof buf);
	return rc;
}
