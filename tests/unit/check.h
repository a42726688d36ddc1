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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Fixture NAME ($fixture_dir/NAME.wasm), loaded into e. */
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

#endif
