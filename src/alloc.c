/*
 * alloc.c - the one door to memory: every engine byte is counted here and
 * may be refused (by the embedder's allocator or the engine's byte limit).
 * Also the error formatter, so no stage needs stdio beyond vsnprintf.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

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

/* Every allocation: linear says whether it is a linear memory, which the
 * runtime limit leaves to the store's page caps. */
static void *engine_realloc(ep_engine *e, void *p, size_t oldn, size_t newn, bool linear)
{
	if (!p)
		oldn = 0;
	if (newn == 0) {
		if (p) {
			e->fn(e->ud, p, oldn, 0);
			e->bytes -= oldn;
			if (linear)
				e->linear -= oldn;
		}
		return NULL;
	}
	if (newn > oldn) {
		size_t grow = newn - oldn;
		if (e->limit && (e->bytes > e->limit || grow > e->limit - e->bytes))
			return NULL;
		size_t runtime = e->bytes - e->linear;
		if (!linear && e->runtime_limit &&
		    (runtime > e->runtime_limit || grow > e->runtime_limit - runtime))
			return NULL;
	}
	void *q = e->fn(e->ud, p, oldn, newn);
	if (!q)
		return NULL;
	e->bytes = e->bytes - oldn + newn;
	if (linear)
		e->linear = e->linear - oldn + newn;
	if (e->bytes > e->peak)
		e->peak = e->bytes;
	return q;
}

void *ep_realloc(ep_engine *e, void *p, size_t oldn, size_t newn)
{
	return engine_realloc(e, p, oldn, newn, false);
}

void *ep_realloc_linear(ep_engine *e, void *p, size_t oldn, size_t newn)
{
	return engine_realloc(e, p, oldn, newn, true);
}

void *ep_zalloc_linear(ep_engine *e, size_t n)
{
	void *p = engine_realloc(e, NULL, 0, n ? n : 1, true);
	if (p)
		memset(p, 0, n ? n : 1);
	return p;
}

void ep_free_linear(ep_engine *e, void *p, size_t n)
{
	if (p)
		engine_realloc(e, p, n ? n : 1, 0, true);
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
