/*
 * check.h - what the unit tests share: CHECK, which counts the checks that
 * pass and prints a line for each one that fails; FATAL, for setup that must
 * work for the rest of a test to mean anything; the summary line; and
 * loading the .wasm fixtures the Makefile compiles. Each test is one .c file
 * built alone, so everything here is static.
 */
#ifndef EP_UNIT_CHECK_H
#define EP_UNIT_CHECK_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "edgeplug.h"

static int passed, failed;

/* Where load_fixture looks: the test's argv[1] (the Makefile passes
 * $(WASM_DIR)/unit/NAME), or a default of the test's own. */
static const char *fixture_dir;

static inline void check(bool ok, int line, const char *fmt, ...)
{
	if (ok) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL line %d: ", line);
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

#define CHECK(cond, ...) check((cond), __LINE__, __VA_ARGS__)

/* Setup that must work for the rest of a test to mean anything: counted as
 * one more failure, and the test ends with its summary line. */
static inline void fatal(int line, const char *what, const char *why)
{
	printf("FAIL line %d: %s: %s\n", line, what, why ? why : "");
	printf("%d passed, %d failed\n", passed, failed + 1);
	exit(1);
}

#define FATAL(what, why) fatal(__LINE__, (what), (why))

/* The last line of every test, "N passed, M failed", and its exit status. */
static inline int check_summary(void)
{
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}

/* The lowest free descriptor: what the next open takes, so one left open
 * (or taken) makes it rise. */
static inline int lowest_free_fd(void)
{
	int fd = dup(0);
	if (fd < 0)
		FATAL("dup", strerror(errno));
	close(fd);
	return fd;
}

/* Fixture NAME ($fixture_dir/NAME.wasm), loaded into e. */
/* An i32 argument or expected result, with the rest of the value zeroed. */
static inline ep_value val_i32(int32_t v)
{
	ep_value x;
	memset(&x, 0, sizeof x);
	x.type = EP_I32;
	x.of.i32 = v;
	return x;
}

static inline ep_module *load_fixture(ep_engine *e, const char *name)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s.wasm", fixture_dir, name);
	FILE *f = fopen(path, "rb");
	if (!f)
		FATAL(path, strerror(errno));
	uint8_t *bytes = NULL;
	size_t len = 0, cap = 0, got;
	do {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			bytes = realloc(bytes, cap);
			if (!bytes)
				FATAL("out of memory", NULL);
		}
		got = fread(bytes + len, 1, cap - len, f);
		len += got;
	} while (got);
	fclose(f);
	ep_module *m = NULL;
	ep_error err;
	if (ep_module_load(e, bytes, len, &m, &err) != EP_OK)
		FATAL(path, err.msg);
	free(bytes);
	return m;
}

/* An allocator that refuses the fail_at-th call that asks for more memory
 * (0: never), for tests that walk every allocation of a load. */
typedef struct failer {
	long calls, fail_at;
	bool failed;
} failer;

static inline void *failing_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	failer *f = ud;
	if (nsize == 0) {
		free(ptr);
		return NULL;
	}
	if (nsize > osize || !ptr) {
		f->calls++;
		if (f->fail_at && f->calls == f->fail_at) {
			f->failed = true;
			return NULL;
		}
	}
	return realloc(ptr, nsize);
}

/* A stricter one, for whole lifecycles (test_oom, test_plugin_host): it
 * refuses the fail_at-th call that does not free, or with and_later that
 * one and every later one. Each block carries its size, so every osize the
 * engine passes back can be checked against what it was given. */
typedef union alloc_header {
	max_align_t align;
	size_t size;
} alloc_header;

typedef struct refuser {
	long calls;       /* calls that were not frees so far */
	long fail_at;     /* the one to refuse; 0: none */
	bool and_later;   /* refuse every one after it too */
	bool refused;
	long live;        /* blocks held */
	size_t held;      /* bytes held */
	long bad_osize;   /* calls whose osize was not the block's size */
} refuser;

static inline void *refusing_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	refuser *r = ud;
	alloc_header *h = ptr ? (alloc_header *)ptr - 1 : NULL;
	if (h && h->size != osize)
		r->bad_osize++;
	if (nsize == 0) {
		if (h) {
			r->live--;
			r->held -= h->size;
			free(h);
		}
		return NULL;
	}
	/* Shrinking counts too: the contract lets an allocator refuse any
	 * call that does not free. */
	r->calls++;
	if (r->fail_at && (r->calls == r->fail_at || (r->and_later && r->calls > r->fail_at))) {
		r->refused = true;
		return NULL;
	}
	if (nsize > SIZE_MAX - sizeof *h)
		return NULL;
	size_t old = h ? h->size : 0;
	alloc_header *g = realloc(h, sizeof *g + nsize);
	if (!g)
		return NULL;
	if (!h)
		r->live++;
	r->held = r->held - old + nsize;
	g->size = nsize;
	return g + 1;
}

#endif
