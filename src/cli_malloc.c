/*
 * cli_malloc.c - malloc, calloc, realloc and free for the edgeplug binary
 * only (never in libedgeplug.a: embedders bring their own allocator). The
 * CLI is one thread, and the engine counts and caps every byte above this
 * layer, so what it needs is small and predictable rather than clever:
 * musl's allocator costs about 8 KB of the size budget, this one well under
 * one.
 *
 * Blocks up to BIG - HDR bytes come from size classes of powers of two,
 * carved from mmap'd arenas and kept on one free list per class after
 * free (never returned to the kernel: a run is short). Bigger blocks are
 * mappings of their own, so free gives them back at once and realloc grows
 * them with mremap, without copying. Every block has a 16-byte header (its
 * class, or its mapped size), which keeps the payload 16-byte aligned.
 */
#define _GNU_SOURCE   /* mremap */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#define HDR 16u
#define MIN_SHIFT 5u                 /* smallest block: 32 bytes, header included */
#define BIG_SHIFT 16u                /* 64 KiB and up: a mapping of its own */
#define BIG ((size_t)1 << BIG_SHIFT)
#define ARENA ((size_t)1 << 18)      /* small blocks are carved from 256 KiB */

typedef struct block {
	size_t size;                 /* whole block with header: 2^class or mapped bytes */
	struct block *next;          /* on a free list */
} block;

static block *free_list[BIG_SHIFT];
static char *arena_at, *arena_end;

static void *map(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

/* The class of a request of n payload bytes, or BIG_SHIFT for a mapping. */
static unsigned class_of(size_t n)
{
	unsigned c = MIN_SHIFT;
	while (c < BIG_SHIFT && ((size_t)1 << c) - HDR < n)
		c++;
	return c;
}

void *malloc(size_t n)
{
	block *b;
	if (n > SIZE_MAX / 2) {
		errno = ENOMEM;
		return NULL;
	}
	unsigned c = class_of(n);
	if (c == BIG_SHIFT) {
		size_t total = (n + HDR + 4095) & ~(size_t)4095;
		if (!(b = map(total)))
			goto nomem;
		b->size = total;
	} else if ((b = free_list[c]) != NULL) {
		free_list[c] = b->next;
	} else {
		size_t size = (size_t)1 << c;
		if ((size_t)(arena_end - arena_at) < size) {
			/* The rest of the old arena is left unused: at most half
			 * of it, as blocks are carved in powers of two. */
			if (!(arena_at = map(ARENA)))
				goto nomem;
			arena_end = arena_at + ARENA;
		}
		b = (block *)arena_at;
		arena_at += size;
		b->size = size;
	}
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
	if (b->size >= BIG) {
		munmap(b, b->size);
		return;
	}
	unsigned c = class_of(b->size - HDR);
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
	if (p && total < BIG - HDR)
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
	if (b->size >= BIG && n + HDR > BIG) {
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
	if (n <= have && (b->size < BIG || n + HDR > BIG / 2))
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
