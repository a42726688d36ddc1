/*
 * test_malloc.c - the CLI binary's allocator (src/cli_malloc.c), built into
 * this test so that it is the process's malloc: random sequences of
 * malloc, calloc, realloc and free across the small classes and big
 * mappings, each block filled with its own pattern and checked before it
 * changes; that freeing the newest block gives it back to the arena, and
 * that a block cut to size is found again for its size. Under the
 * sanitizers (which bring their own malloc) it checks nothing and says so.
 */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NO_OWN_MALLOC 1
#endif
#endif
#ifndef NO_OWN_MALLOC
#include "../../src/cli_malloc.c"
#endif
#include "check.h"

#define SLOTS 512

#ifndef NO_OWN_MALLOC
static unsigned rng = 99;
static unsigned next(void)
{
	rng = rng * 1103515245u + 12345u;
	return rng >> 8;
}

static size_t some_size(void)
{
	switch (next() % 8) {
	case 0: return 0;
	case 1: return next() % 16;
	case 2: case 3: return next() % 512;
	case 4: case 5: return next() % 8192;
	case 6: return 60000 + next() % 10000;   /* around the big/small edge */
	default: return next() % 400000;
	}
}

static int intact(const unsigned char *p, size_t n, unsigned char tag)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (unsigned char)(tag + i))
			return 0;
	return 1;
}

#endif

int main(void)
{
#ifdef NO_OWN_MALLOC
	printf("test_malloc: sanitizer build, libc's allocator in use: nothing to check\n");
	return check_summary();
#else
	static unsigned char *p[SLOTS];
	static size_t len[SLOTS];
	static unsigned char tag[SLOTS];
	int bad = 0, aligned = 1;
	/* First, on empty free lists: the newest block, freed, is the arena's
	 * again (the next block starts there), an older one is not. */
	unsigned char *a = malloc(1000), *b = malloc(3000);
	free(b);
	unsigned char *c = malloc(20);
	CHECK(c == b, "the newest block freed goes back to the arena");
	free(a);
	unsigned char *d = malloc(20);
	CHECK(d != a && d > c, "an older block freed waits on its class's list");
	free(d);
	free(c);
	/* A block over 8 KiB is cut to size from the top; freed under the
	 * top, it waits a class below its size's, and a request of its size
	 * still finds it. */
	unsigned char *e = malloc(20000), *pin = malloc(5000);   /* from the top: no 5000s freed */
	uintptr_t at = (uintptr_t)e;
	if (!e || !pin)
		FATAL("malloc", "refused");
	e[0] = pin[0] = 1;
	free(e);
	unsigned char *f = malloc(20000);
	CHECK((uintptr_t)f == at, "a block cut to size serves its size again once freed");
	free(f);
	free(pin);
	for (int step = 0; step < 20000; step++) {
		int i = (int)(next() % SLOTS);
		if (p[i] && !intact(p[i], len[i], tag[i]))
			bad++;
		size_t n = some_size();
		switch (next() % 4) {
		case 0:
			free(p[i]);
			p[i] = NULL;
			len[i] = 0;
			continue;
		case 1: {
			unsigned char *q = realloc(p[i], n);
			if (!q && n)
				bad++;
			/* What was there stays, up to the smaller size. */
			if (q && !intact(q, len[i] < n ? len[i] : n, tag[i]))
				bad++;
			p[i] = n ? q : NULL;
			break;
		}
		case 2:
			free(p[i]);
			p[i] = calloc(1, n);
			if (p[i])
				for (size_t k = 0; k < n; k++)
					bad += p[i][k] != 0;
			break;
		default:
			free(p[i]);
			p[i] = malloc(n);
			break;
		}
		if (p[i]) {
			aligned &= ((uintptr_t)p[i] & 15) == 0;
			tag[i] = (unsigned char)next();
			for (size_t k = 0; k < n; k++)
				p[i][k] = (unsigned char)(tag[i] + k);
			len[i] = n;
		} else {
			len[i] = 0;
		}
	}
	CHECK(bad == 0, "every block kept its bytes (%d bad)", bad);
	CHECK(aligned, "every block 16-byte aligned");
	/* volatile: the compiler must not see (and warn about) the sizes. */
	volatile size_t half = SIZE_MAX / 2, huge = SIZE_MAX - 8;
	errno = 0;
	CHECK(calloc(half, 4) == NULL && errno == ENOMEM, "calloc overflow refused");
	CHECK(malloc(huge) == NULL, "impossible size refused");
	for (int i = 0; i < SLOTS; i++)
		free(p[i]);
	return check_summary();
#endif
}
