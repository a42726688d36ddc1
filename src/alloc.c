/*
 * alloc.c - the one door to memory: every engine byte is counted here and
 * may be refused (by the embedder's allocator or the engine's byte limit).
 * Linear memory takes a side door with the same count: with the default
 * allocator it is mapped from the kernel, whose fresh pages are zero and
 * cost nothing until touched. Also the error formatter, so no stage needs
 * stdio beyond vsnprintf.
 */
#define _GNU_SOURCE   /* mremap */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "fmt.h"
#include "internal.h"

static void *default_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	(void)ud;
	(void)osize;
	if (nsize == 0) {
		free(ptr);
		return NULL;
	}
	return realloc(ptr, nsize);
}

ep_engine *ep_engine_new(ep_alloc_fn fn, void *ud)
{
	if (!fn)
		fn = default_alloc;
	ep_engine *e = fn(ud, NULL, 0, sizeof *e);
	if (!e)
		return NULL;
	memset(e, 0, sizeof *e);
	e->fn = fn;
	e->ud = ud;
	return e;
}

void ep_engine_free(ep_engine *e)
{
	if (e)
		e->fn(e->ud, e, sizeof *e, 0);
}

size_t ep_engine_bytes(const ep_engine *e) { return e->bytes; }
size_t ep_engine_peak_bytes(const ep_engine *e) { return e->peak; }
void ep_engine_set_byte_limit(ep_engine *e, size_t limit) { e->limit = limit; }

void *ep_engine_realloc(ep_engine *e, void *p, size_t osize, size_t nsize)
{
	return ep_realloc(e, p, osize, nsize);
}

void ep_engine_set_runtime_limit(ep_engine *e, size_t limit) { e->runtime_limit = limit; }

/* Whether growing from oldn to newn bytes stays within the byte limit and,
 * for all but linear memory (which the store's page caps bound), the
 * runtime limit. */
static bool fits(const ep_engine *e, size_t oldn, size_t newn, bool linear)
{
	if (newn <= oldn)
		return true;
	size_t grow = newn - oldn;
	if (e->limit && (e->bytes > e->limit || grow > e->limit - e->bytes))
		return false;
	size_t runtime = e->bytes - e->linear;
	if (!linear && e->runtime_limit &&
	    (runtime > e->runtime_limit || grow > e->runtime_limit - runtime))
		return false;
	return true;
}

static void count(ep_engine *e, size_t oldn, size_t newn, bool linear)
{
	e->bytes = e->bytes - oldn + newn;
	if (linear)
		e->linear = e->linear - oldn + newn;
	if (e->bytes > e->peak)
		e->peak = e->bytes;
}

static void *engine_realloc(ep_engine *e, void *p, size_t oldn, size_t newn)
{
	if (!p)
		oldn = 0;
	if (newn == 0) {
		if (p) {
			e->fn(e->ud, p, oldn, 0);
			count(e, oldn, 0, false);
		}
		return NULL;
	}
	if (!fits(e, oldn, newn, false))
		return NULL;
	void *q = e->fn(e->ud, p, oldn, newn);
	if (q)
		count(e, oldn, newn, false);
	return q;
}

void *ep_realloc(ep_engine *e, void *p, size_t oldn, size_t newn)
{
	return engine_realloc(e, p, oldn, newn);
}

/*
 * Linear memory. Its contract is stronger than the allocator's: the bytes a
 * growth adds are zero. With the default allocator, memory is an anonymous
 * mapping grown by mremap, so those zeroes come from the kernel, page by
 * page on first touch: declaring or growing a memory costs address space,
 * not RAM or time, and growth the kernel cannot map fails cleanly
 * (memory.grow returns -1). An embedder's allocator still gets every linear
 * byte, and the engine zeroes what it returns by hand, touching it all.
 * Either way the bytes are counted (ep_engine_bytes, the byte limit) as
 * soon as they are granted.
 */
static bool kernel_pages(const ep_engine *e)
{
#if defined(__linux__)
	return e->fn == default_alloc;
#else
	(void)e;
	return false;
#endif
}

static void *linear_realloc(ep_engine *e, void *p, size_t oldn, size_t newn)
{
	if (!p)
		oldn = 0;
	if (!fits(e, oldn, newn, true))
		return NULL;
	void *q;
#if defined(__linux__)
	if (kernel_pages(e)) {
		q = p ? mremap(p, oldn, newn, MREMAP_MAYMOVE)
		      : mmap(NULL, newn, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (q == MAP_FAILED)
			return NULL;
		count(e, oldn, newn, true);
		return q;
	}
#endif
	q = e->fn(e->ud, p, oldn, newn);
	if (!q)
		return NULL;
	if (newn > oldn)
		memset((char *)q + oldn, 0, newn - oldn);
	count(e, oldn, newn, true);
	return q;
}

/* Linear sizes of 0 bytes (a memory of 0 pages) still get an address: one
 * counted byte, as every allocation here does. */
void *ep_realloc_linear(ep_engine *e, void *p, size_t oldn, size_t newn)
{
	return linear_realloc(e, p, oldn ? oldn : 1, newn ? newn : 1);
}

void *ep_zalloc_linear(ep_engine *e, size_t n)
{
	return linear_realloc(e, NULL, 0, n ? n : 1);
}

void ep_free_linear(ep_engine *e, void *p, size_t n)
{
	if (!p)
		return;
	n = n ? n : 1;
#if defined(__linux__)
	if (kernel_pages(e))
		munmap(p, n);
	else
#endif
		e->fn(e->ud, p, n, 0);
	count(e, n, 0, true);
}

void *ep_alloc(ep_engine *e, size_t n)
{
	return ep_realloc(e, NULL, 0, n ? n : 1);
}

void *ep_zalloc(ep_engine *e, size_t n)
{
	void *p = ep_alloc(e, n);
	if (p)
		memset(p, 0, n ? n : 1);
	return p;
}

void *ep_zalloc_array(ep_engine *e, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	return ep_zalloc(e, n * size);
}

void ep_free(ep_engine *e, void *p, size_t n)
{
	if (p)
		ep_realloc(e, p, n ? n : 1, 0);
}

ep_status ep_fail(ep_error *err, ep_status status, size_t offset, uint32_t func,
                  const char *fmt, ...)
{
	if (!err)
		return status;
	err->status = status;
	err->trap = EP_TRAP_NONE;
	err->offset = offset;
	err->func = func;
	err->exit_code = 0;
	va_list ap;
	va_start(ap, fmt);
	ep_vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return status;
}
