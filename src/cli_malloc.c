/*
 * cli_malloc.c - malloc, calloc, realloc and free for the edgeplug binary
 * only (never in libedgeplug.a: embedders bring their own allocator). The
 * CLI is one thread, and the engine counts and caps every byte above this
 * layer, so what it needs is small and predictable rather than clever:
 * musl's allocator costs about 8 KB of the size budget, this one well under
 * one.
 *
 * Blocks up to BIG bytes, header included, come from size classes (every
 * 16 bytes up to 128, then eight to each power of two: at most an eighth
 * wasted), carved from mmap'd arenas and kept on one free list
 * per class after free (never returned to the kernel: a run is short).
 * Freeing the newest block of the arena gives its bytes back to the arena
 * instead: loading a module frees most blocks in the order it took them,
 * and every page the arena does not reach is one the kernel never has to
 * fault in (about 5 us each on a small VM). Bigger blocks are mappings of
 * their own, so free gives them back at once and realloc grows them with
 * mremap, without copying. Every block has a 16-byte header (its size),
 * which keeps the payload 16-byte aligned.
 */
#define _GNU_SOURCE   /* mremap */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#define HDR 16u
#define BIG ((size_t)1 << 16)        /* over 64 KiB with the header: a mapping of its own */
#define ARENA ((size_t)1 << 18)      /* small blocks are carved from 256 KiB */
#define STEPS 3u                     /* 2^STEPS classes per power of two */
#define NCLASS (7u + (16u - 7u) * (1u << STEPS))

typedef struct block {
	size_t size;                 /* whole block with header: its class's size, or mapped bytes */
	struct block *next;          /* on a free list */
} block;

static block *free_list[NCLASS];
static char *arena_at, *arena_end;

static void *map(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

/* The class of a block of t bytes, header included (16 <= t <= BIG), and
 * in *size the size of its blocks, a multiple of 16: t rounded up to 16
 * bytes up to 128, above that to an eighth of its power of two. */
static unsigned class_of(size_t t, size_t *size)
{
	if (t <= 128) {
		unsigned c = t <= 32 ? 0 : (unsigned)(t - 1) / 16 - 1;
		*size = (size_t)(c + 2) * 16;
		return c;
	}
	unsigned b = (unsigned)(sizeof(long) * 8 - 1) - (unsigned)__builtin_clzl((unsigned long)(t - 1));
	unsigned sh = b - STEPS;                 /* b >= 7: steps of 16 bytes or more */
	size_t q = ((t - 1) >> sh) + 1;          /* 2^STEPS + 1 ... 2^(STEPS + 1) */
	*size = q << sh;
	return 7u + (b - 7) * (1u << STEPS) + (unsigned)q - (1u << STEPS) - 1;
}

void *malloc(size_t n)
{
	block *b;
	size_t size;
	if (n > SIZE_MAX / 2) {
		errno = ENOMEM;
		return NULL;
	}
	if (n + HDR > BIG) {
		size = (n + HDR + 4095) & ~(size_t)4095;
		if (!(b = map(size)))
			goto nomem;
	} else {
		unsigned c = class_of(n + HDR, &size);
		/* A block cut to size waits on the list below its class
		 * (free): a request as big as it was can still take it. */
		block **l = &free_list[c];
		if (!*l && size > BIG / 8)
			l--;
		if ((b = *l) != NULL && b->size >= n + HDR) {
			*l = b->next;
			return (char *)b + HDR;
		}
		/* A big block from the top takes no more than it needs, so
		 * the next block starts on a page already touched (the
		 * module's buffer is one such). */
		if (size > BIG / 8)
			size = (n + HDR + 15) & ~(size_t)15;
		if ((size_t)(arena_end - arena_at) < size) {
			/* The rest of the old arena is left unused: virtual
			 * space only, as no page of it was touched. */
			if (!(arena_at = map(ARENA)))
				goto nomem;
			arena_end = arena_at + ARENA;
		}
		b = (block *)arena_at;
		arena_at += size;
	}
	b->size = size;
	return (char *)b + HDR;
nomem:
	errno = ENOMEM;
	return NULL;
}

void free(void *p)
{
	if (!p)
		return;
	block *b = (block *)((char *)p - HDR);
	size_t size;
	if (b->size > BIG) {
		munmap(b, b->size);
		return;
	}
	if ((char *)b + b->size == arena_at) {
		arena_at = (char *)b;
		return;
	}
	/* Onto the list of the largest class it holds: blocks from the top
	 * are cut to size, not to their class. */
	unsigned c = class_of(b->size, &size);
	c -= size > b->size;
	b->next = free_list[c];
	free_list[c] = b;
}

void *calloc(size_t count, size_t n)
{
	if (n && count > SIZE_MAX / n) {
		errno = ENOMEM;
		return NULL;
	}
	size_t total = count * n;
	void *p = malloc(total);
	/* Fresh mappings are zero already; recycled small blocks are not. */
	if (p && total + HDR <= BIG)
		memset(p, 0, total);
	return p;
}

void *realloc(void *p, size_t n)
{
	if (!p)
		return malloc(n);
	if (n == 0) {
		free(p);
		return NULL;
	}
	block *b = (block *)((char *)p - HDR);
	size_t have = b->size - HDR;
	if (b->size > BIG && n + HDR > BIG) {
		/* Mapping to mapping: the kernel moves pages, nothing is copied. */
		size_t total = (n + HDR + 4095) & ~(size_t)4095;
		if (n > SIZE_MAX / 2)
			goto nomem;
		block *nb = mremap(b, b->size, total, MREMAP_MAYMOVE);
		if (nb == MAP_FAILED)
			goto nomem;
		nb->size = total;
		return (char *)nb + HDR;
	}
	if (n <= have && (b->size <= BIG || n + HDR > BIG / 2))
		return p;   /* fits, and not worth moving to a smaller class */
	void *q = malloc(n);
	if (!q)
		return NULL;
	memcpy(q, p, n < have ? n : have);
	free(p);
	return q;
nomem:
	errno = ENOMEM;
	return NULL;
}
