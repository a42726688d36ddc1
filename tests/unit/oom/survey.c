/*
 * survey.c - the WASI program test_oom runs under an allocator that refuses
 * one allocation: built for wasm32-wasi, it uses what a real plugin does.
 * Arguments, one environment variable, a preopened directory listed and a
 * file in it read, stdout and stderr, and malloc in linear memory that
 * grows it past its first pages.
 *
 *   survey DIR FILE WORD...   with SURVEY_NAME set
 *
 * Prints its arguments, SURVEY_NAME, DIR's entries (sorted), FILE's line
 * and byte counts and a checksum, and a checksum of a 256 KiB table on the
 * heap. A failure is one line on stderr and an exit status
 * of its own: 3 when malloc returned NULL (memory.grow refused), 4 when a
 * call failed ("survey: WHAT: errno N", the WASI errno number), 2 for a
 * bad command line.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TABLE_WORDS (1u << 16)   /* 256 KiB: more than the first pages hold */

/* Numbers by hand: printf would add 40% to the code that every run of
 * test_oom decodes and lowers. */
static void put_num(FILE *f, unsigned long v, unsigned base, int width)
{
	char buf[24];
	int n = 0;
	do {
		buf[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v || n < width);
	while (n)
		fputc(buf[--n], f);
}

static void say(FILE *f, const char *a, const char *b)
{
	fputs(a, f);
	fputs(b, f);
}

static int failed(const char *what)
{
	int e = errno;
	say(stderr, "survey: ", what);
	fputs(": errno ", stderr);
	put_num(stderr, (unsigned)e, 10, 1);
	fputc('\n', stderr);
	return 4;
}

static int nomem(const char *what)
{
	say(stderr, "survey: ", what);
	fputs(": malloc returned NULL\n", stderr);
	return 3;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return failed("opendir");
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	int rc = 0;
	errno = 0;
	while ((de = readdir(d))) {
		if (n == cap) {
			cap = cap ? cap * 2 : 2;
			char **g = realloc(names, cap * sizeof *g);
			if (!g) {
				rc = nomem("names");
				break;
			}
			names = g;
		}
		if (!(names[n] = strdup(de->d_name))) {
			rc = nomem("strdup");
			break;
		}
		n++;
	}
	if (!rc && errno)
		rc = failed("readdir");
	closedir(d);
	if (!rc) {
		qsort(names, n, sizeof *names, by_name);
		fputs("entries", stdout);
		for (size_t i = 0; i < n; i++)
			say(stdout, " ", names[i]);
		fputc('\n', stdout);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

static int read_file(const char *dir, const char *name)
{
	size_t dlen = strlen(dir), nlen = strlen(name);
	char *path = malloc(dlen + 1 + nlen + 1);
	if (!path)
		return nomem("path");
	memcpy(path, dir, dlen);
	path[dlen] = '/';
	memcpy(path + dlen + 1, name, nlen + 1);
	FILE *f = fopen(path, "r");
	free(path);
	if (!f)
		return failed("fopen");
	char *text = NULL;
	size_t len = 0, cap = 0;
	int rc = 0;
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 256;
			char *g = realloc(text, cap);
			if (!g) {
				rc = nomem("text");
				break;
			}
			text = g;
		}
		size_t got = fread(text + len, 1, cap - len, f);
		len += got;
		if (got == 0) {
			if (ferror(f))
				rc = failed("fread");
			break;
		}
	}
	fclose(f);
	if (!rc) {
		unsigned lines = 0;
		uint32_t sum = 0;
		for (size_t i = 0; i < len; i++) {
			lines += text[i] == '\n';
			sum = sum * 31 + (unsigned char)text[i];
		}
		say(stdout, "file ", name);
		fputs(": ", stdout);
		put_num(stdout, lines, 10, 1);
		fputs(" lines, ", stdout);
		put_num(stdout, len, 10, 1);
		fputs(" bytes, sum ", stdout);
		put_num(stdout, sum, 16, 8);
		fputc('\n', stdout);
	}
	free(text);
	return rc;
}

static int table(void)
{
	uint32_t *t = malloc(TABLE_WORDS * sizeof *t);
	if (!t)
		return nomem("table");
	uint32_t x = 1, sum = 0;
	for (uint32_t i = 0; i < TABLE_WORDS; i++) {
		x = x * 1103515245u + 12345u;
		t[i] = x;
	}
	for (uint32_t i = 0; i < TABLE_WORDS; i += 4099)
		sum ^= t[i];
	free(t);
	fputs("table ", stdout);
	put_num(stdout, TABLE_WORDS, 10, 1);
	fputs(" words, sum ", stdout);
	put_num(stdout, sum, 16, 8);
	fputc('\n', stdout);
	return 0;
}

int main(int argc, char **argv)
{
	const char *name = getenv("SURVEY_NAME");
	if (argc < 3 || !name) {
		fputs("usage: SURVEY_NAME=X survey DIR FILE WORD...\n", stderr);
		return 2;
	}
	fputs("argc ", stdout);
	put_num(stdout, (unsigned)argc, 10, 1);
	fputc(':', stdout);
	for (int i = 3; i < argc; i++)
		say(stdout, " ", argv[i]);
	say(stdout, "\nname ", name);
	fputc('\n', stdout);
	int rc = list(argv[1]);
	if (!rc)
		rc = read_file(argv[1], argv[2]);
	if (!rc)
		rc = table();
	if (fflush(stdout) != 0 && !rc)
		rc = failed("fflush");
	return rc;
}
