/*
 * host.c - the host's hands on the engine beyond running code: the
 * status-returning constructors (each says why it refused, where the older
 * _new shorthands of alloc.c and instance.c only return NULL), tables,
 * memories and globals read, written and grown from the host, and the
 * version. Everything here is built on instance.c's objects and services;
 * it runs no wasm and never touches a module. Kept apart so that a program
 * that calls none of it (the CLI) links none of its messages.
 */
#include "internal.h"

const char *ep_version(void)
{
	return EP_VERSION;
}

uint32_t ep_version_number(void)
{
	return EP_VERSION_NUMBER;
}

static ep_status arg_error(ep_error *err, const char *msg)
{
	return ep_fail(err, EP_ERR_ARG, SIZE_MAX, UINT32_MAX, "%s", msg);
}

static ep_status nomem(ep_error *err, const char *what)
{
	return ep_fail(err, EP_ERR_NOMEM, SIZE_MAX, UINT32_MAX, "out of memory allocating %s", what);
}

static ep_status limit_error(ep_error *err, const char *what, uint32_t n, uint32_t cap)
{
	return ep_fail(err, EP_ERR_LIMIT, SIZE_MAX, UINT32_MAX,
	               "%s of %u exceeds the store's limit of %u", what, n, cap);
}

/* ---- constructors with a status ---- */

ep_status ep_engine_create(ep_alloc_fn alloc, void *ud, ep_engine **out, ep_error *err)
{
	if (!out)
		return arg_error(err, "ep_engine_create: out is required");
	*out = ep_engine_new(alloc, ud);
	return *out ? EP_OK : nomem(err, "the engine");
}

static bool fits(uint64_t n, size_t elsize)
{
	return n <= SIZE_MAX / elsize;
}

/* The checks of ep_store_new, in the order it makes them, each with its
 * reason; what is left for NULL is the allocator. */
ep_status ep_store_create(ep_engine *e, const ep_limits *limits, ep_store **out, ep_error *err)
{
	if (out)
		*out = NULL;
	if (!e || !out)
		return arg_error(err, "ep_store_create: engine and out are required");
	uint32_t depth = limits && limits->max_call_depth ? limits->max_call_depth
	                                                   : EP_DEFAULT_MAX_CALL_DEPTH;
	uint32_t slots = limits && limits->max_stack_slots ? limits->max_stack_slots
	                                                    : EP_DEFAULT_MAX_STACK_SLOTS;
	if (!fits(slots, sizeof(slot)) || !fits((uint64_t)depth + 1, sizeof(frame)))
		return ep_fail(err, EP_ERR_LIMIT, SIZE_MAX, UINT32_MAX,
		               "the store's stacks are larger than this host can address");
	*out = ep_store_new(e, limits);
	return *out ? EP_OK : nomem(err, "the store's stacks");
}

ep_status ep_func_create_host(ep_store *s, const ep_functype *type, ep_host_fn fn, void *env,
                              ep_func **out, ep_error *err)
{
	if (out)
		*out = NULL;
	if (!s || !fn || !out)
		return arg_error(err, "ep_func_create_host: store, function and out are required");
	if (!functype_ok(type))
		return arg_error(err, "ep_func_create_host: no function type, or an unknown value type in it");
	*out = ep_func_new_host(s, type, fn, env);
	return *out ? EP_OK : nomem(err, "a host function");
}

static uint32_t cap_of(uint32_t max, int has_max, uint32_t limit)
{
	return has_max && max < limit ? max : limit;
}

ep_status ep_table_create(ep_store *s, uint8_t reftype, uint32_t min, uint32_t max,
                          int has_max, ep_table **out, ep_error *err)
{
	if (out)
		*out = NULL;
	if (!s || !out)
		return arg_error(err, "ep_table_create: store and out are required");
	if (reftype != EP_FUNCREF && reftype != EP_EXTERNREF)
		return arg_error(err, "ep_table_create: the element type must be funcref or externref");
	if (has_max && max < min)
		return arg_error(err, "ep_table_create: maximum below minimum");
	uint32_t cap = cap_of(max, has_max, s->limits.max_table_elements);
	if (min > cap)
		return limit_error(err, "table size", min, cap);
	*out = ep_table_new(s, reftype, min, max, has_max);
	return *out ? EP_OK : nomem(err, "a table");
}

ep_status ep_memory_create(ep_store *s, uint32_t min_pages, uint32_t max_pages, int has_max,
                           ep_memory **out, ep_error *err)
{
	if (out)
		*out = NULL;
	if (!s || !out)
		return arg_error(err, "ep_memory_create: store and out are required");
	if (min_pages > EP_MAX_PAGES || (has_max && max_pages > EP_MAX_PAGES))
		return arg_error(err, "ep_memory_create: more than 65536 pages");
	if (has_max && max_pages < min_pages)
		return arg_error(err, "ep_memory_create: maximum below minimum");
	uint32_t cap = cap_of(max_pages, has_max, s->limits.max_memory_pages);
	if (min_pages > cap)
		return limit_error(err, "memory pages", min_pages, cap);
	*out = ep_memory_new(s, min_pages, max_pages, has_max);
	return *out ? EP_OK : nomem(err, "a memory");
}

ep_status ep_global_create(ep_store *s, ep_value value, int mutable_, ep_global **out,
                           ep_error *err)
{
	if (out)
		*out = NULL;
	if (!s || !out)
		return arg_error(err, "ep_global_create: store and out are required");
	if (!valtype_ok(value.type))
		return arg_error(err, "ep_global_create: unknown value type");
	*out = ep_global_new(s, value, mutable_);
	return *out ? EP_OK : nomem(err, "a global");
}

/* ---- tables ---- */

void ep_table_type(const ep_table *t, uint8_t *reftype, uint32_t *size, uint32_t *max,
                   int *has_max)
{
	const struct table_obj *o = (const struct table_obj *)t;
	if (reftype)
		*reftype = t->reftype;
	if (size)
		*size = t->size;
	if (max)
		*max = o->has_max ? o->decl_max : 0;
	if (has_max)
		*has_max = o->has_max;
}

static ep_status table_oob(ep_error *err, const char *op, uint32_t i, uint32_t size)
{
	return ep_fail(err, EP_ERR_ARG, SIZE_MAX, UINT32_MAX,
	               "%s: index %u is out of range for a table of %u elements", op, i, size);
}

static ep_status ref_check(const ep_table *t, const ep_value *v, const char *op, ep_error *err)
{
	if (v->type == t->reftype)
		return EP_OK;
	return ep_fail(err, EP_ERR_ARG, SIZE_MAX, UINT32_MAX, "%s: the table holds %s, not %s", op,
	               ep_valtype_name(t->reftype), ep_valtype_name(v->type));
}

ep_status ep_table_get(const ep_table *t, uint32_t i, ep_value *out, ep_error *err)
{
	if (!t || !out)
		return arg_error(err, "ep_table_get: table and out are required");
	if (i >= t->size)
		return table_oob(err, "ep_table_get", i, t->size);
	memset(out, 0, sizeof *out);
	out->type = t->reftype;
	out->of.ref = t->elems[i];
	return EP_OK;
}

ep_status ep_table_set(ep_table *t, uint32_t i, ep_value v, ep_error *err)
{
	if (!t)
		return arg_error(err, "ep_table_set: no table");
	ep_status st = ref_check(t, &v, "ep_table_set", err);
	if (st != EP_OK)
		return st;
	if (i >= t->size)
		return table_oob(err, "ep_table_set", i, t->size);
	t->elems[i] = v.of.ref;
	return EP_OK;
}

ep_status ep_table_grow(ep_store *s, ep_table *t, uint32_t delta, ep_value init,
                        uint32_t *old, ep_error *err)
{
	if (!s || !t)
		return arg_error(err, "ep_table_grow: store and table are required");
	ep_status st = ref_check(t, &init, "ep_table_grow", err);
	if (st != EP_OK)
		return st;
	if (delta > t->max - t->size)
		return ep_fail(err, EP_ERR_LIMIT, SIZE_MAX, UINT32_MAX,
		               "ep_table_grow: %u elements more than %u exceed the maximum of %u",
		               delta, t->size, t->max);
	uint32_t was = t->size;
	if (table_grow(s, t, delta, init.of.ref) < 0)
		return nomem(err, "table elements");
	if (old)
		*old = was;
	return EP_OK;
}

/* ---- memories ---- */

uint32_t ep_memory_pages(const ep_memory *mem)
{
	return mem->pages;
}

/* The checks compare lengths, never computed end addresses: addr + len
 * is never formed before addr <= size is known, so nothing wraps. */
static bool mem_range(const ep_memory *mem, uint64_t addr, uint64_t len)
{
	return mem && addr <= mem->size && len <= mem->size - addr;
}

void *ep_memory_ptr(ep_memory *mem, uint64_t addr, uint64_t len)
{
	return mem_range(mem, addr, len) ? mem->data + addr : NULL;
}

int ep_memory_read(const ep_memory *mem, uint64_t addr, void *dst, size_t len)
{
	if (!mem_range(mem, addr, len) || (len && !dst))
		return -1;
	if (len)
		memcpy(dst, mem->data + addr, len);
	return 0;
}

int ep_memory_write(ep_memory *mem, uint64_t addr, const void *src, size_t len)
{
	if (!mem_range(mem, addr, len) || (len && !src))
		return -1;
	if (len)
		memcpy(mem->data + addr, src, len);
	return 0;
}

int ep_memory_strlen(const ep_memory *mem, uint64_t addr, size_t max, size_t *len)
{
	if (!mem_range(mem, addr, 0))
		return -1;
	uint64_t room = mem->size - addr;
	size_t n = room < max ? (size_t)room : max;
	const uint8_t *nul = n ? memchr(mem->data + addr, 0, n) : NULL;
	if (!nul)
		return -1;
	if (len)
		*len = (size_t)(nul - (mem->data + addr));
	return 0;
}

ep_status ep_memory_grow(ep_store *s, ep_memory *mem, uint32_t delta, uint32_t *old,
                         ep_error *err)
{
	if (!s || !mem)
		return arg_error(err, "ep_memory_grow: store and memory are required");
	if (delta > mem->max_pages - mem->pages)
		return ep_fail(err, EP_ERR_LIMIT, SIZE_MAX, UINT32_MAX,
		               "ep_memory_grow: %u pages more than %u exceed the maximum of %u",
		               delta, mem->pages, mem->max_pages);
	uint32_t was = mem->pages;
	if (memory_grow(s, mem, delta) < 0)
		return nomem(err, "memory pages");
	if (old)
		*old = was;
	return EP_OK;
}

/* ---- globals ---- */

ep_status ep_global_set(ep_global *g, ep_value value, ep_error *err)
{
	if (!g)
		return arg_error(err, "ep_global_set: no global");
	if (!g->mut)
		return arg_error(err, "ep_global_set: the global is immutable");
	if (value.type != g->type)
		return ep_fail(err, EP_ERR_ARG, SIZE_MAX, UINT32_MAX,
		               "ep_global_set: the global holds %s, not %s",
		               ep_valtype_name(g->type), ep_valtype_name(value.type));
	g->val = value_to_slot(&value);
	return EP_OK;
}

void ep_global_type(const ep_global *g, uint8_t *valtype, int *mutable_)
{
	if (valtype)
		*valtype = g->type;
	if (mutable_)
		*mutable_ = g->mut;
}
