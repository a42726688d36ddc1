/*
 * instance.c - the store and every runtime object in it: creation, limits,
 * growth, instantiation (linking, segments, start) and the public call API.
 * It runs no wasm code itself: calls go through exec_call/exec_resume.
 */
#include "fmt.h"
#include "internal.h"

/* ---- the store's objects ---- */

/* Every object a store creates is a node that starts with this header and
 * sits on store->objects. size is what was allocated for the node, so
 * freeing never needs the module an object came from. */
enum { OBJ_FUNC, OBJ_TABLE, OBJ_MEMORY, OBJ_GLOBAL, OBJ_INSTANCE };

struct obj {
	struct obj *next;
	size_t size;
	uint8_t kind;
};

/* A host function; its parameter and result types follow the node. */
struct func_node {
	struct obj hdr;
	ep_func f;
};

struct table_node {
	struct obj hdr;
	struct table_obj tab;
};

struct mem_node {
	struct obj hdr;
	struct mem_obj mem;
};

struct global_node {
	struct obj hdr;
	ep_global g;
};

/* An instance is one allocation: this node, then the index spaces (pointer
 * arrays), the segment state and the objects the module defines. Only table
 * elements and memory bytes live elsewhere. */
struct inst_node {
	struct obj hdr;
	ep_instance inst;
	uint32_t ntables, nmems;     /* defined ones, whose buffers we free */
	struct table_obj *tables;
	struct mem_obj *mems;
};

/* The strictest alignment of anything placed in an instance block. */
union max_align {
	void *p;
	uint64_t u;
	double d;
	slot s;
};

static void link_obj(ep_store *s, struct obj *o, uint8_t kind, size_t size)
{
	o->kind = kind;
	o->size = size;
	o->next = s->objects;
	s->objects = o;
}

/* A table or memory always owns a buffer, even when empty, so exec.c never
 * does arithmetic on NULL: an empty one holds the 1 byte ep_alloc gives for
 * a request of 0. These are the sizes the buffers were allocated with. */
static size_t table_bytes(uint32_t n)
{
	return n ? (size_t)n * sizeof(void *) : 1;
}

static size_t mem_bytes(uint32_t pages)
{
	return pages ? (size_t)((uint64_t)pages * EP_PAGE_SIZE) : 1;
}

/* Whether n elements of elsize bytes can be addressed by this host. */
static bool array_fits(uint64_t n, size_t elsize)
{
	return n <= SIZE_MAX / elsize;
}

static bool table_fits(uint64_t n)
{
	return array_fits(n, sizeof(void *));
}

static bool mem_fits(uint64_t pages)
{
#if SIZE_MAX < UINT64_MAX
	return pages * EP_PAGE_SIZE <= SIZE_MAX;
#else
	(void)pages;
	return true;
#endif
}

static void **table_alloc(ep_engine *e, uint32_t n)
{
	if (!table_fits(n))
		return NULL;
	return ep_zalloc(e, table_bytes(n));
}

static uint8_t *mem_alloc(ep_engine *e, uint32_t pages)
{
	if (!mem_fits(pages))
		return NULL;
	return ep_zalloc_linear(e, mem_bytes(pages));
}

static void inst_node_free(ep_engine *e, struct inst_node *n)
{
	for (uint32_t i = 0; i < n->ntables; i++)
		ep_free(e, n->tables[i].t.elems, table_bytes(n->tables[i].t.size));
	for (uint32_t i = 0; i < n->nmems; i++)
		ep_free_linear(e, n->mems[i].m.data, mem_bytes(n->mems[i].m.pages));
	ep_free(e, n, n->hdr.size);
}

static void obj_free(ep_engine *e, struct obj *o)
{
	switch (o->kind) {
	case OBJ_TABLE: {
		struct table_node *n = (struct table_node *)o;
		ep_free(e, n->tab.t.elems, table_bytes(n->tab.t.size));
		break;
	}
	case OBJ_MEMORY: {
		struct mem_node *n = (struct mem_node *)o;
		ep_free_linear(e, n->mem.m.data, mem_bytes(n->mem.m.pages));
		break;
	}
	case OBJ_INSTANCE:
		inst_node_free(e, (struct inst_node *)o);
		return;
	default:
		break;
	}
	ep_free(e, o, o->size);
}

/* ---- values ---- */

static ep_status arg_error(ep_error *err, const char *msg)
{
	return ep_fail(err, EP_ERR_ARG, SIZE_MAX, UINT32_MAX, "%s", msg);
}

static bool is_reftype(uint8_t t)
{
	return t == EP_FUNCREF || t == EP_EXTERNREF;
}

bool valtype_ok(uint8_t t)
{
	return t == EP_I32 || t == EP_I64 || t == EP_F32 || t == EP_F64 || is_reftype(t);
}

/* i32/f32 are written through .u32 over a zeroed slot, so the upper half is
 * at least deterministic. */
slot value_to_slot(const ep_value *v)
{
	slot s;
	s.u64 = 0;
	switch (v->type) {
	case EP_I32: s.u32 = (uint32_t)v->of.i32; break;
	case EP_F32: s.u32 = v->of.f32; break;
	case EP_I64: s.u64 = (uint64_t)v->of.i64; break;
	case EP_F64: s.u64 = v->of.f64; break;
	default: s.ref = v->of.ref; break;
	}
	return s;
}

static ep_value slot_to_value(uint8_t type, slot s)
{
	ep_value v;
	memset(&v, 0, sizeof v);
	v.type = type;
	switch (type) {
	case EP_I32: v.of.i32 = (int32_t)s.u32; break;
	case EP_F32: v.of.f32 = s.u32; break;
	case EP_I64: v.of.i64 = (int64_t)s.u64; break;
	case EP_F64: v.of.f64 = s.u64; break;
	default: v.of.ref = s.ref; break;
	}
	return v;
}

bool functype_equal(const functype *a, const functype *b)
{
	if (a == b)
		return true;
	if (a->nparams != b->nparams || a->nresults != b->nresults)
		return false;
	size_t n = (size_t)a->nparams + a->nresults;
	return n == 0 || memcmp(a->types, b->types, n) == 0;
}

/* ---- store ---- */

/* The bytes of a store's value stack and frames together, or 0 when they
 * do not fit a size_t. Frames follow slots: a slot's alignment serves both. */
_Static_assert(_Alignof(frame) <= _Alignof(slot), "frames follow the slots");
static size_t stacks_bytes(const ep_limits *l)
{
	size_t nframes = (size_t)l->max_call_depth + 1;
	if (nframes == 0 || !array_fits(l->max_stack_slots, sizeof(slot)) ||
	    !array_fits(nframes, sizeof(frame)))
		return 0;
	size_t a = (size_t)l->max_stack_slots * sizeof(slot), b = nframes * sizeof(frame);
	return a <= SIZE_MAX - b ? a + b : 0;
}

ep_store *ep_store_new(ep_engine *e, const ep_limits *limits)
{
	if (!e)
		return NULL;
	ep_store *s = ep_zalloc(e, sizeof *s);
	if (!s)
		return NULL;
	s->engine = e;
	if (limits)
		s->limits = *limits;
	ep_limits *l = &s->limits;
	if (!l->max_call_depth)
		l->max_call_depth = EP_DEFAULT_MAX_CALL_DEPTH;
	if (!l->max_stack_slots)
		l->max_stack_slots = EP_DEFAULT_MAX_STACK_SLOTS;
	if (!l->max_memory_pages)
		l->max_memory_pages = EP_DEFAULT_MAX_MEMORY_PAGES;
	if (!l->max_table_elements)
		l->max_table_elements = EP_DEFAULT_MAX_TABLE_ELEMENTS;
	/* No memory can exceed what wasm32 addresses, whatever the embedder asks. */
	if (l->max_memory_pages > EP_MAX_PAGES)
		l->max_memory_pages = EP_MAX_PAGES;

	size_t bytes = stacks_bytes(l);
	if (!bytes)
		goto fail;
	/* One block, the slots and then the frames: one mapping and its
	 * page tables instead of two. Left uninitialised: exec.c writes every
	 * slot and frame before reading it. */
	s->stack = ep_alloc(e, bytes);
	if (!s->stack)
		goto fail;
	s->frames = (frame *)(s->stack + l->max_stack_slots);
	s->fuel_limit = UINT64_MAX;
	s->fuel_budget = UINT64_MAX;
	s->fuel_used = 0;
	return s;
fail:
	ep_free(e, s, sizeof *s);
	return NULL;
}

void ep_store_set_data(ep_store *s, void *data)
{
	s->data = data;
}

void *ep_store_data(const ep_store *s)
{
	return s->data;
}

void ep_store_free(ep_store *s)
{
	if (!s)
		return;
	ep_engine *e = s->engine;
	store_rollback(s, NULL);
	ep_free(e, s->stack, stacks_bytes(&s->limits));
	ep_free(e, s, sizeof *s);
}

/*
 * Fuel. fuel_used only grows; fuel_budget is the absolute value of
 * fuel_used at which fuel runs out (UINT64_MAX: never), and fuel_limit is
 * what the loop compares with: the budget, or 0 while an interrupt is
 * pending. An interrupt may land between any two statements, so whoever
 * writes fuel_limit re-checks the flag afterwards; an interrupt is never
 * lost to a racing restore.
 */
static void restore_fuel_limit(ep_store *s)
{
	s->fuel_limit = s->fuel_budget;
	if (s->interrupted)
		s->fuel_limit = 0;
}

void ep_store_set_fuel(ep_store *s, uint64_t fuel)
{
	if (fuel == UINT64_MAX || fuel > UINT64_MAX - s->fuel_used)
		s->fuel_budget = UINT64_MAX;
	else
		s->fuel_budget = s->fuel_used + fuel;
	restore_fuel_limit(s);
}

uint64_t ep_store_fuel_left(const ep_store *s)
{
	if (s->fuel_budget == UINT64_MAX)
		return UINT64_MAX;
	return s->fuel_budget > s->fuel_used ? s->fuel_budget - s->fuel_used : 0;
}

uint64_t ep_store_fuel_used(const ep_store *s)
{
	return s->fuel_used;
}

void ep_store_add_fuel(ep_store *s, uint64_t fuel)
{
	uint64_t left = ep_store_fuel_left(s);
	ep_store_set_fuel(s, fuel > UINT64_MAX - left ? UINT64_MAX : left + fuel);
}

uint32_t ep_store_peak_call_depth(const ep_store *s)
{
	return s->peak_depth;
}

uint64_t ep_store_peak_memory(const ep_store *s)
{
	return s->peak_memory_bytes;
}

/* Async-signal-safe: two stores to volatile fields, nothing else. */
void ep_store_interrupt(ep_store *s)
{
	s->interrupted = 1;
	s->fuel_limit = 0;
}

/* ---- tables and memories ---- */

static uint32_t table_cap(const ep_store *s, uint32_t max, bool has_max)
{
	uint32_t m = has_max ? max : UINT32_MAX;
	return m < s->limits.max_table_elements ? m : s->limits.max_table_elements;
}

static uint32_t mem_cap(const ep_store *s, uint32_t max, bool has_max)
{
	uint32_t m = has_max && max < EP_MAX_PAGES ? max : EP_MAX_PAGES;
	return m < s->limits.max_memory_pages ? m : s->limits.max_memory_pages;
}

/* Linear memory accounting for ep_store_peak_memory. */
static void note_memory(ep_store *s, uint64_t added)
{
	s->memory_bytes += added;
	if (s->memory_bytes > s->peak_memory_bytes)
		s->peak_memory_bytes = s->memory_bytes;
}

int32_t memory_grow(ep_store *s, ep_memory *mem, uint32_t delta)
{
	uint32_t old = mem->pages;
	if (delta == 0)
		return (int32_t)old;
	if (delta > mem->max_pages - old || !mem_fits((uint64_t)old + delta))
		return -1;
	uint32_t pages = old + delta;
	uint8_t *p = ep_realloc_linear(s->engine, mem->data, mem_bytes(old), mem_bytes(pages));
	if (!p)
		return -1;
	/* The new pages are zero: ep_realloc_linear's contract. */
	mem->data = p;
	mem->pages = pages;
	mem->size = (uint64_t)pages * EP_PAGE_SIZE;
	note_memory(s, (uint64_t)delta * EP_PAGE_SIZE);
	return (int32_t)old;
}

int32_t table_grow(ep_store *s, ep_table *t, uint32_t delta, void *init)
{
	uint32_t old = t->size;
	if (delta == 0)
		return (int32_t)old;
	if (delta > t->max - old || !table_fits((uint64_t)old + delta))
		return -1;
	uint32_t size = old + delta;
	void **p = ep_realloc(s->engine, t->elems, table_bytes(old), table_bytes(size));
	if (!p)
		return -1;
	for (uint32_t i = old; i < size; i++)
		p[i] = init;
	t->elems = p;
	t->size = size;
	return (int32_t)old;
}

ep_table *ep_table_new(ep_store *s, uint8_t reftype, uint32_t min, uint32_t max,
                       int has_max)
{
	if (!s || !is_reftype(reftype) || (has_max && max < min))
		return NULL;
	uint32_t cap = table_cap(s, max, has_max);
	if (min > cap)
		return NULL;
	struct table_node *n = ep_zalloc(s->engine, sizeof *n);
	if (!n)
		return NULL;
	n->tab.t.elems = table_alloc(s->engine, min);
	if (!n->tab.t.elems) {
		ep_free(s->engine, n, sizeof *n);
		return NULL;
	}
	n->tab.t.reftype = reftype;
	n->tab.t.size = min;
	n->tab.t.max = cap;
	n->tab.decl_max = has_max ? max : 0;
	n->tab.has_max = has_max != 0;
	link_obj(s, &n->hdr, OBJ_TABLE, sizeof *n);
	return &n->tab.t;
}

uint32_t ep_table_size(const ep_table *t)
{
	return t->size;
}

ep_memory *ep_memory_new(ep_store *s, uint32_t min_pages, uint32_t max_pages,
                         int has_max)
{
	if (!s || min_pages > EP_MAX_PAGES ||
	    (has_max && (max_pages < min_pages || max_pages > EP_MAX_PAGES)))
		return NULL;
	uint32_t cap = mem_cap(s, max_pages, has_max);
	if (min_pages > cap)
		return NULL;
	struct mem_node *n = ep_zalloc(s->engine, sizeof *n);
	if (!n)
		return NULL;
	n->mem.m.data = mem_alloc(s->engine, min_pages);
	if (!n->mem.m.data) {
		ep_free(s->engine, n, sizeof *n);
		return NULL;
	}
	n->mem.m.pages = min_pages;
	n->mem.m.size = (uint64_t)min_pages * EP_PAGE_SIZE;
	note_memory(s, n->mem.m.size);
	n->mem.m.max_pages = cap;
	n->mem.decl_max = has_max ? max_pages : 0;
	n->mem.has_max = has_max != 0;
	link_obj(s, &n->hdr, OBJ_MEMORY, sizeof *n);
	return &n->mem.m;
}

uint8_t *ep_memory_data(ep_memory *mem)
{
	return mem->data;
}

uint64_t ep_memory_size(const ep_memory *mem)
{
	return mem->size;
}

/* ---- globals and host functions ---- */

ep_global *ep_global_new(ep_store *s, ep_value value, int mutable_)
{
	if (!s || !valtype_ok(value.type))
		return NULL;
	struct global_node *n = ep_zalloc(s->engine, sizeof *n);
	if (!n)
		return NULL;
	n->g.type = value.type;
	n->g.mut = mutable_ != 0;
	n->g.val = value_to_slot(&value);
	link_obj(s, &n->hdr, OBJ_GLOBAL, sizeof *n);
	return &n->g;
}

ep_value ep_global_get(const ep_global *g)
{
	return slot_to_value(g->type, g->val);
}

bool functype_ok(const ep_functype *type)
{
	if (!type || (type->nparams && !type->params) || (type->nresults && !type->results))
		return false;
	for (uint32_t i = 0; i < type->nparams + type->nresults; i++)
		if (!valtype_ok(i < type->nparams ? type->params[i] : type->results[i - type->nparams]))
			return false;
	return true;
}

ep_func *host_func_new(ep_store *s, const ep_functype *type, ep_host_fn fn, void *env,
                       size_t extra)
{
	size_t ntypes = (size_t)type->nparams + type->nresults;
	if (ntypes < type->nparams || ntypes > SIZE_MAX - sizeof(struct func_node) - extra)
		return NULL;
	size_t size = sizeof(struct func_node) + ntypes + extra;
	struct func_node *n = ep_zalloc(s->engine, size);
	if (!n)
		return NULL;
	uint8_t *types = (uint8_t *)(n + 1);
	if (type->nparams)
		memcpy(types, type->params, type->nparams);
	if (type->nresults)
		memcpy(types + type->nparams, type->results, type->nresults);
	ep_func *f = &n->f;
	f->host_type.nparams = type->nparams;
	f->host_type.nresults = type->nresults;
	f->host_type.types = types;
	f->type = &f->host_type;
	f->inst = NULL;
	f->index = UINT32_MAX;
	f->host = fn;
	f->env = extra ? types + ntypes : env;
	link_obj(s, &n->hdr, OBJ_FUNC, size);
	return f;
}

ep_func *ep_func_new_host(ep_store *s, const ep_functype *type, ep_host_fn fn,
                          void *env)
{
	if (!s || !fn || !functype_ok(type))
		return NULL;
	return host_func_new(s, type, fn, env, 0);
}

/* Never hands out NULL, so embedders may memcpy from an empty list. */
void ep_func_type(const ep_func *f, ep_functype *type)
{
	static const uint8_t none[1];
	const functype *t = f->type;
	type->nparams = t->nparams;
	type->nresults = t->nresults;
	type->params = t->types ? t->types : none;
	type->results = t->types ? t->types + t->nparams : none;
}

/* The caller lives on exec.c's C stack for the duration of one host call;
 * a message set here must stay valid until the host function returns. */
ep_memory *ep_caller_memory(ep_caller *c)
{
	if (!c || !c->inst || c->inst->module->nmems == 0)
		return NULL;
	return c->inst->mems[0];
}

ep_store *ep_caller_store(ep_caller *c)
{
	return c ? c->store : NULL;
}

void ep_caller_set_message(ep_caller *c, const char *msg)
{
	if (c)
		c->msg = msg;
}

void ep_caller_set_exit(ep_caller *c, int code)
{
	if (c)
		c->exit_code = code;
}

/* ---- calls ---- */

/* An interrupt stops the call that is running when it arrives. Every call
 * and resume starts clean: interrupted cleared and fuel_limit back at the
 * budget (fuel_used + the fuel that remains), so an interrupt that arrives
 * while nothing runs is dropped here. */
static void begin_call(ep_store *s)
{
	s->interrupted = 0;
	restore_fuel_limit(s);
}

/* Runs f (or the suspended call when f is NULL) and collects results typed
 * by t. A call that ends for good leaves no frames behind; one stopped by
 * fuel or an interrupt stays suspended for ep_resume. */
static ep_status run(ep_store *s, ep_func *f, const functype *t, ep_value *results,
                     size_t nresults, ep_error *err)
{
	begin_call(s);
	ep_status st = f ? exec_call(s, f, err) : exec_resume(s, err);
	if (st == EP_OK)
		s->suspended = false;
	if (!s->suspended)
		s->depth = 0;
	if (st != EP_OK)
		return st;
	for (size_t i = 0; i < nresults; i++)
		results[i] = slot_to_value(t->types[t->nparams + i], s->stack[i]);
	return EP_OK;
}

/* Refuses a call while the stack is in use: by a suspended call, or by the
 * running call when a host function tries to re-enter the store (exec_call
 * takes its arguments at stack[0], which the running frames occupy). */
static ep_status check_idle(const ep_store *s, ep_error *err)
{
	if (s->suspended)
		return arg_error(err, "a suspended call must be resumed or abandoned first");
	if (s->depth)
		return arg_error(err, "a store cannot be called into from a host function");
	return EP_OK;
}

ep_status ep_call(ep_store *s, ep_func *f, const ep_value *args, size_t nargs,
                  ep_value *results, size_t nresults, ep_error *err)
{
	ep_error local;
	if (!err)
		err = &local;
	if (!s || !f)
		return arg_error(err, "ep_call: store and function are required");
	ep_status st = check_idle(s, err);
	if (st != EP_OK)
		return st;
	const functype *t = f->type;
	if (nargs != t->nparams || nresults != t->nresults)
		return ep_fail(err, EP_ERR_ARG, SIZE_MAX, UINT32_MAX,
		               "function takes %u arguments and returns %u results, "
		               "called with %zu and %zu", t->nparams, t->nresults,
		               nargs, nresults);
	if ((nargs && !args) || (nresults && !results))
		return arg_error(err, "ep_call: arguments or results array missing");
	for (size_t i = 0; i < nargs; i++)
		if (args[i].type != t->types[i])
			return ep_fail(err, EP_ERR_ARG, SIZE_MAX, UINT32_MAX,
			               "argument %zu is %s, expected %s", i,
			               ep_valtype_name(args[i].type), ep_valtype_name(t->types[i]));
	if (nargs > s->limits.max_stack_slots || nresults > s->limits.max_stack_slots) {
		st = ep_fail(err, EP_ERR_TRAP, SIZE_MAX, f->index, "call stack exhausted");
		err->trap = EP_TRAP_STACK_EXHAUSTED;
		return st;
	}
	for (size_t i = 0; i < nargs; i++)
		s->stack[i] = value_to_slot(&args[i]);
	return run(s, f, t, results, nresults, err);
}

ep_status ep_resume(ep_store *s, ep_value *results, size_t nresults, ep_error *err)
{
	ep_error local;
	if (!err)
		err = &local;
	if (!s || !s->suspended || !s->susp_entry)
		return arg_error(err, "no suspended call to resume");
	/* Read before resuming: exec.c may clear susp_entry when the call ends. */
	const functype *t = s->susp_entry->type;
	if (nresults != t->nresults)
		return ep_fail(err, EP_ERR_ARG, SIZE_MAX, UINT32_MAX,
		               "the suspended function returns %u results, %zu requested",
		               t->nresults, nresults);
	if (nresults && !results)
		return arg_error(err, "ep_resume: results array missing");
	return run(s, NULL, t, results, nresults, err);
}

void ep_abandon(ep_store *s)
{
	if (!s)
		return;
	s->suspended = false;
	s->bulk_partial = false;
	s->susp_charge = 0;
	s->susp_pc = NULL;
	s->susp_fp = NULL;
	s->susp_entry = NULL;
	s->depth = 0;
}

/* ---- instantiation ---- */

static const char *kind_name(uint8_t kind)
{
	switch (kind) {
	case EP_EXTERN_FUNC: return "function";
	case EP_EXTERN_TABLE: return "table";
	case EP_EXTERN_MEMORY: return "memory";
	case EP_EXTERN_GLOBAL: return "global";
	default: return "unknown kind";
	}
}

static bool extern_present(const ep_extern *x)
{
	switch (x->kind) {
	case EP_EXTERN_FUNC: return x->of.func != NULL;
	case EP_EXTERN_TABLE: return x->of.table != NULL;
	case EP_EXTERN_MEMORY: return x->of.memory != NULL;
	case EP_EXTERN_GLOBAL: return x->of.global != NULL;
	default: return false;
	}
}

/* A name from a module for a message: bytes that would break the line (and
 * backslashes) as \xx, and at most 48 bytes of the name (then "..."), so
 * that two of them fit one ep_error.msg. size must be at least 160. */
void import_name_text(char *buf, size_t size, const char *s, uint32_t n)
{
	char *o = buf;
	(void)size;
	for (uint32_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (i >= 48 && (c & 0xc0) != 0x80) {
			memcpy(o, "...", 3);
			o += 3;
			break;
		}
		if (c < 0x20 || c == 0x7f || c == '\\')
			o += ep_snprintf(o, 4, "\\%02x", c);
		else
			*o++ = (char)c;
	}
	*o = '\0';
}

/* "WHAT MOD.NAME" and then rest: err's message for an import. */
ep_status import_fail(ep_error *err, const import *im, const char *what, const char *rest)
{
	if (err) {
		char a[160], b[160];
		import_name_text(a, sizeof a, im->module, im->module_len);
		import_name_text(b, sizeof b, im->name, im->name_len);
		ep_fail(err, EP_ERR_UNLINKABLE, SIZE_MAX, UINT32_MAX, "%s %s.%s%s", what, a, b, rest);
	}
	return EP_ERR_UNLINKABLE;
}

#define INCOMPATIBLE "incompatible import type"

/* Limits subtyping: the actual {min, max} matches the expected one when it
 * is at least as large and at most as growable. */
static ep_status match_limits(ep_error *err, const import *im, const char *what,
                              uint32_t min, bool has_max, uint32_t max,
                              const limits *want)
{
	char r[96];
	if (min < want->min)
		ep_snprintf(r, sizeof r, ": %s %u, expected at least %u", what, min, want->min);
	else if (want->has_max && !has_max)
		ep_snprintf(r, sizeof r, ": no maximum, expected at most %u", want->max);
	else if (want->has_max && max > want->max)
		ep_snprintf(r, sizeof r, ": maximum %u, expected at most %u", max, want->max);
	else
		return EP_OK;
	return import_fail(err, im, INCOMPATIBLE, r);
}

static char *put(char *o, const char *end, const char *s)
{
	while (*s && o < end)
		*o++ = *s++;
	return o;
}

/* A signature as "[i32 i64] -> [i32]", cut short when it does not fit. */
static const char *sig_text(char *buf, size_t size, const functype *t)
{
	char *o = buf, *end = buf + size - 1;
	uint32_t n = t->nparams + t->nresults;
	o = put(o, end, "[");
	for (uint32_t i = 0; i < n; i++) {
		o = put(o, end, i == t->nparams ? "] -> [" : i ? " " : "");
		o = put(o, end, ep_valtype_name(t->types[i]));
	}
	o = put(o, end, t->nresults ? "]" : "] -> []");
	*o = '\0';
	return buf;
}

static ep_status match_func(const ep_module *m, const import *im, const functype *got,
                            ep_error *err)
{
	const functype *want = im->of.type < m->ntypes ? &m->types[im->of.type] : NULL;
	if (want && functype_equal(got, want))
		return EP_OK;
	char a[72] = "?", b[72], r[192];
	ep_snprintf(r, sizeof r, ": function signature differs: expected %s, got %s",
	            want ? sig_text(a, sizeof a, want) : a, sig_text(b, sizeof b, got));
	return import_fail(err, im, INCOMPATIBLE, r);
}

static ep_status match_import(const ep_module *m, const import *im, const ep_extern *x,
                              ep_error *err)
{
	if (!extern_present(x))
		return import_fail(err, im, "unknown import", "");
	char r[96];
	if (x->kind != im->kind) {
		ep_snprintf(r, sizeof r, ": expected %s, got %s", kind_name(im->kind),
		            kind_name(x->kind));
		return import_fail(err, im, INCOMPATIBLE, r);
	}
	switch (im->kind) {
	case EP_EXTERN_FUNC:
		return match_func(m, im, x->of.func->type, err);
	case EP_EXTERN_TABLE: {
		const struct table_obj *t = (const struct table_obj *)x->of.table;
		if (t->t.reftype == im->of.table.reftype)
			return match_limits(err, im, "table size", t->t.size, t->has_max, t->decl_max,
			                    &im->of.table.lim);
		ep_snprintf(r, sizeof r, ": expected %s table, got %s",
		            ep_valtype_name(im->of.table.reftype), ep_valtype_name(t->t.reftype));
		return import_fail(err, im, INCOMPATIBLE, r);
	}
	case EP_EXTERN_MEMORY: {
		const struct mem_obj *mo = (const struct mem_obj *)x->of.memory;
		return match_limits(err, im, "memory pages", mo->m.pages, mo->has_max,
		                    mo->decl_max, &im->of.mem);
	}
	default: {
		const ep_global *g = x->of.global;
		const globaltype *want = &im->of.global;
		if (g->type == want->valtype && g->mut == want->mut)
			return EP_OK;
		ep_snprintf(r, sizeof r, ": expected %s%s global, got %s%s global",
		            want->mut ? "mutable " : "", ep_valtype_name(want->valtype),
		            g->mut ? "mutable " : "", ep_valtype_name(g->type));
		return import_fail(err, im, INCOMPATIBLE, r);
	}
	}
}

/* Defined tables and memories must fit the store's caps at their minimum. */
static ep_status check_caps(const ep_store *s, const ep_module *m, ep_error *err)
{
	for (uint32_t i = m->ntable_imports; i < m->ntables; i++)
		if (m->tables[i].lim.min > s->limits.max_table_elements)
			return ep_fail(err, EP_ERR_LIMIT, SIZE_MAX, UINT32_MAX,
			               "table %u: minimum size of %u elements exceeds the limit of %u",
			               i, m->tables[i].lim.min, s->limits.max_table_elements);
	for (uint32_t i = m->nmem_imports; i < m->nmems; i++)
		if (m->mems[i].min > s->limits.max_memory_pages)
			return ep_fail(err, EP_ERR_LIMIT, SIZE_MAX, UINT32_MAX,
			               "memory %u: minimum of %u pages exceeds the limit of %u pages",
			               i, m->mems[i].min, s->limits.max_memory_pages);
	return EP_OK;
}

static ep_status bad_const(ep_error *err, const constexpr *ce, const char *why)
{
	return ep_fail(err, EP_ERR_INVALID, ce->off, UINT32_MAX,
	               "constant expression: %s", why);
}

/* Evaluates a constant expression: in 2.0 exactly one instruction and end.
 * global.get sees only globals already initialised (the imported ones, for
 * a valid module); ref.func sees the whole function space. */
static ep_status eval_const(const ep_instance *inst, const constexpr *ce, slot *out,
                            ep_error *err)
{
	const ep_module *m = inst->module;
	if (ce->len < 2 || ce->off > m->len || ce->len > m->len - ce->off)
		return bad_const(err, ce, "out of range");
	size_t pos = ce->off, end = ce->off + ce->len;
	insn in;
	ep_status st = insn_decode(m, &pos, end, &in, UINT32_MAX, err);
	if (st != EP_OK)
		return st;
	if (pos + 1 != end || m->bytes[pos] != 0x0b)
		return bad_const(err, ce, "expected one instruction and end");
	out->u64 = 0;
	switch (in.op) {
	case 0x41: /* i32.const */
	case 0x43: /* f32.const */
		out->u32 = (uint32_t)in.imm;
		break;
	case 0x42: /* i64.const */
	case 0x44: /* f64.const */
		out->u64 = in.imm;
		break;
	case 0xd0: /* ref.null */
		out->ref = NULL;
		break;
	case 0xd2: /* ref.func */
		if (in.a >= m->nfuncs)
			return bad_const(err, ce, "unknown function");
		out->ref = inst->funcs[in.a];
		break;
	case 0x23: /* global.get */
		if (in.a >= m->nglobals || !inst->globals[in.a])
			return bad_const(err, ce, "unknown global");
		*out = inst->globals[in.a]->val;
		break;
	default:
		return bad_const(err, ce, "not a constant instruction");
	}
	return EP_OK;
}

/* Reserves n elements of elsize bytes in a block under construction. */
struct layout {
	size_t size;
	bool overflow;
};

static size_t reserve(struct layout *l, size_t n, size_t elsize)
{
	const size_t a = _Alignof(union max_align);
	size_t off = l->size + (a - l->size % a) % a;
	if (off < l->size || (elsize && n > (SIZE_MAX - off) / elsize)) {
		l->overflow = true;
		return 0;
	}
	l->size = off + n * elsize;
	return off;
}

/*
 * Allocates the instance and its defined objects, links imports, evaluates
 * globals and element references. Nothing here touches shared state, so on
 * failure the node is freed and the store is as before.
 */
static ep_status build(ep_store *s, const ep_module *m, const ep_extern *imports,
                       struct inst_node **out, ep_error *err)
{
	ep_engine *e = s->engine;
	uint32_t nf = m->nfuncs - m->nfunc_imports;
	uint32_t nt = m->ntables - m->ntable_imports;
	uint32_t nm = m->nmems - m->nmem_imports;
	uint32_t ng = m->nglobals - m->nglobal_imports;
	size_t nrefs = 0;
	for (uint32_t i = 0; i < m->nelems; i++) {
		if (m->elems[i].count > SIZE_MAX - nrefs)
			return ep_fail(err, EP_ERR_NOMEM, SIZE_MAX, UINT32_MAX, "out of memory");
		nrefs += m->elems[i].count;
	}

	struct layout l = { sizeof(struct inst_node), false };
	size_t o_funcs = reserve(&l, m->nfuncs, sizeof(ep_func *));
	size_t o_tables = reserve(&l, m->ntables, sizeof(ep_table *));
	size_t o_mems = reserve(&l, m->nmems, sizeof(ep_memory *));
	size_t o_globals = reserve(&l, m->nglobals, sizeof(ep_global *));
	size_t o_elem_refs = reserve(&l, m->nelems, sizeof(void **));
	size_t o_refs = reserve(&l, nrefs, sizeof(void *));
	size_t o_elem_len = reserve(&l, m->nelems, sizeof(uint32_t));
	size_t o_data_len = reserve(&l, m->ndatas, sizeof(uint32_t));
	size_t o_dfuncs = reserve(&l, nf, sizeof(ep_func));
	size_t o_dtables = reserve(&l, nt, sizeof(struct table_obj));
	size_t o_dmems = reserve(&l, nm, sizeof(struct mem_obj));
	size_t o_dglobals = reserve(&l, ng, sizeof(ep_global));
	struct inst_node *n = l.overflow ? NULL : ep_zalloc(e, l.size);
	if (!n)
		return ep_fail(err, EP_ERR_NOMEM, SIZE_MAX, UINT32_MAX,
		               "out of memory allocating an instance");
	char *base = (char *)n;
	n->hdr.kind = OBJ_INSTANCE;
	n->hdr.size = l.size;
	ep_instance *inst = &n->inst;
	inst->store = s;
	inst->module = m;
	inst->funcs = (ep_func **)(base + o_funcs);
	inst->tables = (ep_table **)(base + o_tables);
	inst->mems = (ep_memory **)(base + o_mems);
	inst->globals = (ep_global **)(base + o_globals);
	inst->elem_refs = (void ***)(base + o_elem_refs);
	void **refs = (void **)(base + o_refs);
	inst->elem_len = (uint32_t *)(base + o_elem_len);
	inst->data_len = (uint32_t *)(base + o_data_len);
	ep_func *dfuncs = (ep_func *)(base + o_dfuncs);
	n->tables = (struct table_obj *)(base + o_dtables);
	n->mems = (struct mem_obj *)(base + o_dmems);
	ep_global *dglobals = (ep_global *)(base + o_dglobals);
	n->ntables = nt;
	n->nmems = nm;

	uint32_t fi = 0, ti = 0, mi = 0, gi = 0;
	for (uint32_t i = 0; i < m->nimports; i++) {
		const ep_extern *x = &imports[i];
		switch (x->kind) {
		case EP_EXTERN_FUNC: inst->funcs[fi++] = x->of.func; break;
		case EP_EXTERN_TABLE: inst->tables[ti++] = x->of.table; break;
		case EP_EXTERN_MEMORY: inst->mems[mi++] = x->of.memory; break;
		default: inst->globals[gi++] = x->of.global; break;
		}
	}

	for (uint32_t k = 0; k < nf; k++) {
		uint32_t i = m->nfunc_imports + k;
		ep_func *f = &dfuncs[k];
		f->type = &m->types[m->funcs[i].type];
		f->inst = inst;
		f->index = i;
		f->code = m->funcs[i].code ? m->funcs[i].code : &lowered_pending;
		inst->funcs[i] = f;
	}

	ep_status st = EP_OK;
	/* The block is zeroed, so inst_node_free of a partly built instance
	 * skips the buffers not yet allocated (ep_free ignores NULL). */
	for (uint32_t k = 0; k < nt; k++) {
		const tabletype *tt = &m->tables[m->ntable_imports + k];
		struct table_obj *t = &n->tables[k];
		t->t.elems = table_alloc(e, tt->lim.min);
		if (!t->t.elems) {
			st = ep_fail(err, EP_ERR_NOMEM, SIZE_MAX, UINT32_MAX,
			             "out of memory allocating table %u", m->ntable_imports + k);
			goto fail;
		}
		t->t.reftype = tt->reftype;
		t->t.size = tt->lim.min;
		t->t.max = table_cap(s, tt->lim.max, tt->lim.has_max);
		t->decl_max = tt->lim.max;
		t->has_max = tt->lim.has_max;
		inst->tables[m->ntable_imports + k] = &t->t;
	}
	for (uint32_t k = 0; k < nm; k++) {
		const limits *ml = &m->mems[m->nmem_imports + k];
		struct mem_obj *mo = &n->mems[k];
		mo->m.data = mem_alloc(e, ml->min);
		if (!mo->m.data) {
			st = ep_fail(err, EP_ERR_NOMEM, SIZE_MAX, UINT32_MAX,
			             "out of memory allocating memory %u (%u pages)",
			             m->nmem_imports + k, ml->min);
			goto fail;
		}
		mo->m.pages = ml->min;
		mo->m.size = (uint64_t)ml->min * EP_PAGE_SIZE;
		note_memory(s, mo->m.size);
		mo->m.max_pages = mem_cap(s, ml->max, ml->has_max);
		mo->decl_max = ml->max;
		mo->has_max = ml->has_max;
		inst->mems[m->nmem_imports + k] = &mo->m;
	}
	/* In index order, and published only once initialised, so a global.get
	 * of a later global is caught by eval_const rather than read as zero. */
	for (uint32_t k = 0; k < ng; k++) {
		uint32_t i = m->nglobal_imports + k;
		ep_global *g = &dglobals[k];
		g->type = m->globals[i].type.valtype;
		g->mut = m->globals[i].type.mut;
		st = eval_const(inst, &m->globals[i].init, &g->val, err);
		if (st != EP_OK)
			goto fail;
		inst->globals[i] = g;
	}
	for (uint32_t i = 0; i < m->nelems; i++) {
		const elem *el = &m->elems[i];
		inst->elem_refs[i] = refs;
		inst->elem_len[i] = el->count;
		for (uint32_t j = 0; j < el->count; j++) {
			if (el->funcs) {
				if (el->funcs[j] >= m->nfuncs) {
					st = ep_fail(err, EP_ERR_INVALID, SIZE_MAX, UINT32_MAX,
					             "elem segment %u: unknown function %u", i, el->funcs[j]);
					goto fail;
				}
				refs[j] = inst->funcs[el->funcs[j]];
			} else {
				slot v;
				st = eval_const(inst, &el->exprs[j], &v, err);
				if (st != EP_OK)
					goto fail;
				refs[j] = v.ref;
			}
		}
		refs += el->count;
	}
	for (uint32_t i = 0; i < m->ndatas; i++)
		inst->data_len[i] = (uint32_t)m->datas[i].len;
	*out = n;
	return EP_OK;
fail:
	inst_node_free(e, n);
	return st;
}

static ep_status oob_trap(ep_error *err, ep_trap trap, size_t off, uint32_t seg,
                          uint32_t at, uint32_t len, uint64_t size)
{
	bool table = trap == EP_TRAP_OOB_TABLE;
	ep_status st = ep_fail(err, EP_ERR_TRAP, off, UINT32_MAX,
	                       "%s: %s segment %u at %u + %u exceeds %s size %llu",
	                       ep_trap_name(trap), table ? "elem" : "data", seg, at, len,
	                       table ? "table" : "memory", (unsigned long long)size);
	err->trap = trap;
	return st;
}

/* Active segments in order, each checked as a whole before it is copied;
 * a failing one leaves the earlier ones' effects, as 2.0 specifies. */
static ep_status init_segments(ep_instance *inst, ep_error *err)
{
	const ep_module *m = inst->module;
	for (uint32_t i = 0; i < m->nelems; i++) {
		const elem *el = &m->elems[i];
		if (el->mode == SEG_DECLARATIVE)
			inst->elem_len[i] = 0;
		if (el->mode != SEG_ACTIVE)
			continue;
		slot off;
		ep_status st = eval_const(inst, &el->offset, &off, err);
		if (st != EP_OK)
			return st;
		ep_table *t = inst->tables[el->table];
		uint32_t n = inst->elem_len[i];
		if ((uint64_t)off.u32 + n > t->size)
			return oob_trap(err, EP_TRAP_OOB_TABLE, el->offset.off, i, off.u32, n,
			                t->size);
		if (n)
			memcpy(t->elems + off.u32, inst->elem_refs[i], (size_t)n * sizeof(void *));
		inst->elem_len[i] = 0;
	}
	for (uint32_t i = 0; i < m->ndatas; i++) {
		const data *d = &m->datas[i];
		if (d->mode != SEG_ACTIVE)
			continue;
		slot off;
		ep_status st = eval_const(inst, &d->offset, &off, err);
		if (st != EP_OK)
			return st;
		ep_memory *mem = inst->mems[d->mem];
		uint32_t n = inst->data_len[i];
		if ((uint64_t)off.u32 + n > mem->size)
			return oob_trap(err, EP_TRAP_OOB_MEMORY, d->offset.off, i, off.u32, n,
			                mem->size);
		if (n)
			memcpy(mem->data + off.u32, m->bytes + d->off, n);
		inst->data_len[i] = 0;
	}
	return EP_OK;
}

ep_status ep_instantiate(ep_store *s, const ep_module *m, const ep_extern *imports,
                         size_t nimports, ep_instance **out, ep_error *err)
{
	ep_error local;
	if (!err)
		err = &local;
	if (out)
		*out = NULL;
	if (!s || !m)
		return arg_error(err, "ep_instantiate: store and module are required");
	if (nimports > m->nimports)
		return ep_fail(err, EP_ERR_ARG, SIZE_MAX, UINT32_MAX,
		               "%zu imports given, the module has %u", nimports, m->nimports);
	if (nimports && !imports)
		return arg_error(err, "ep_instantiate: imports array missing");
	for (uint32_t i = 0; i < m->nimports; i++) {
		const import *im = &m->imports[i];
		if (i >= nimports)
			return import_fail(err, im, "unknown import", "");
		ep_status st = match_import(m, im, &imports[i], err);
		if (st != EP_OK)
			return st;
	}
	ep_status st = check_caps(s, m, err);
	if (st != EP_OK)
		return st;
	if (m->has_start && (st = check_idle(s, err)) != EP_OK)
		return st;

	struct inst_node *n = NULL;
	st = build(s, m, imports, &n, err);
	if (st != EP_OK)
		return st;
	/* From here the instance belongs to the store even if a segment or the
	 * start function traps: shared tables may already hold its functions. */
	ep_instance *inst = &n->inst;
	link_obj(s, &n->hdr, OBJ_INSTANCE, n->hdr.size);
	inst->next = s->instances;
	s->instances = inst;

	st = init_segments(inst, err);
	if (st != EP_OK)
		return st;
	if (m->has_start) {
		ep_func *f = inst->funcs[m->start];
		if (f->type->nparams || f->type->nresults)
			return arg_error(err, "start function must have type [] -> []");
		st = run(s, f, f->type, NULL, 0, err);
		/* Nobody could resume it: the caller never gets the instance. */
		if (st != EP_OK && s->suspended)
			ep_abandon(s);
		if (st != EP_OK)
			return st;
	}
	if (out)
		*out = inst;
	return EP_OK;
}

/* ---- what the linker needs (linker.c) ---- */

ep_status import_check(const ep_module *m, uint32_t i, const ep_extern *x, ep_error *err)
{
	return match_import(m, &m->imports[i], x, err);
}

ep_status import_func_check(const ep_module *m, uint32_t i, const functype *t, ep_error *err)
{
	return match_func(m, &m->imports[i], t, err);
}

void store_rollback(ep_store *s, struct obj *mark)
{
	while (s->objects && s->objects != mark) {
		struct obj *o = s->objects;
		s->objects = o->next;
		obj_free(s->engine, o);
	}
}

/* ---- exports ---- */

ep_extern instance_extern(const ep_instance *inst, uint32_t i)
{
	const export_ *x = &inst->module->exports[i];
	ep_extern ext;
	memset(&ext, 0, sizeof ext);
	ext.kind = x->kind;
	switch (x->kind) {
	case EP_EXTERN_FUNC: ext.of.func = inst->funcs[x->index]; break;
	case EP_EXTERN_TABLE: ext.of.table = inst->tables[x->index]; break;
	case EP_EXTERN_MEMORY: ext.of.memory = inst->mems[x->index]; break;
	default: ext.of.global = inst->globals[x->index]; break;
	}
	return ext;
}

int ep_instance_export(const ep_instance *inst, const char *name, size_t name_len,
                       ep_extern *out)
{
	uint32_t i;
	if (!inst || !ep_module_export_find(inst->module, name, name_len, &i))
		return 0;
	if (out)
		*out = instance_extern(inst, i);
	return 1;
}

ep_memory *ep_instance_memory(const ep_instance *inst)
{
	if (!inst || inst->module->nmems == 0)
		return NULL;
	return inst->mems[0];
}
