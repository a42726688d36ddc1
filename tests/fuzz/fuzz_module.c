/*
 * fuzz_module.c - libFuzzer target for the module pipeline: ep_module_load
 * (decode, validate, lower), ep_instantiate with a stub for every import,
 * and a call of every exported function under a small fuel budget, resumed
 * a few times when it runs dry and then abandoned. Checked: every status
 * and trap is a known value and its message one non-empty line; a load
 * refused at one of its allocations fails with EP_ERR_NOMEM (or the first
 * load's own error) and frees what it took; fuel only grows, never passes
 * what was granted, and left + used stays the budget; after everything is
 * freed the engine holds no bytes. Built by `make fuzz` (Makefile), seeds
 * in corpus/module/ (compiled from the .wat files in seeds/module/).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edgeplug.h"

#define ASSERT(cond)                                                              \
	do {                                                                      \
		if (!(cond)) {                                                    \
			fprintf(stderr, "fuzz_module: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                  \
		}                                                                 \
	} while (0)

/* Small enough that one input runs in well under a millisecond or two. */
#define BYTE_LIMIT ((size_t)64 << 20)
#define FUEL 10000u
#define RESUMES 3
#define MAX_IMPORTS 64
#define MAX_PARAMS 64

/* ---- an allocator that counts, and can refuse its Nth call ---- */

typedef struct counting {
	long calls, fail_at, live;
	int refused_shrink;   /* the refused call would have shrunk a block */
} counting;

static void *counting_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	counting *c = ud;
	if (nsize == 0) {
		if (ptr)
			c->live--;
		free(ptr);
		return NULL;
	}
	if (++c->calls == c->fail_at) {
		c->refused_shrink = ptr && nsize < osize;
		return NULL;
	}
	void *p = realloc(ptr, nsize);
	if (p && !ptr)
		c->live++;
	return p;
}

/* ---- what every status must look like ---- */

static void check_msg(const ep_error *err)
{
	size_t n = strnlen(err->msg, sizeof err->msg);
	ASSERT(n > 0 && n < sizeof err->msg);
	ASSERT(memchr(err->msg, '\n', n) == NULL && memchr(err->msg, '\r', n) == NULL);
}

static void check_status(ep_status st, const ep_error *err)
{
	ASSERT(st >= EP_OK && st <= EP_ERR_ARG);
	if (st == EP_OK)
		return;
	ASSERT(err->status == st);
	check_msg(err);
	if (st == EP_ERR_TRAP)
		ASSERT(err->trap > EP_TRAP_NONE && err->trap <= EP_TRAP_EXIT);
}

/* ---- input-derived choices ---- */

typedef struct input {
	const uint8_t *p;
	size_t n;
	uint32_t h;     /* a hash of the whole input */
	size_t pos;
} input;

/* The next byte of the input (cycling), mixed so equal bytes differ. */
static uint8_t pick(input *in)
{
	if (in->n == 0)
		return 0;
	uint8_t b = in->p[(in->pos + in->h) % in->n];
	in->pos++;
	return (uint8_t)(b ^ (in->pos * 0x9du));
}

static ep_value edge_value(input *in, uint8_t type, ep_func *some_func)
{
	static const uint64_t ints[] = {
		0, 1, 2, 7, 0x7f, 0x80, 0xff, 0xffff, 0x10000, 0x7fffffff, 0x80000000u,
		0xffffffffu, 0xfffffffeu, 0x100000000ull, 0x7fffffffffffffffull,
		0x8000000000000000ull, UINT64_MAX, 65535, 65536 * 2 - 1,
	};
	static const uint32_t f32s[] = {
		0, 0x80000000u, 0x3f800000u, 0x7f800000u, 0xff800000u, 0x7fc00000u,
		0x7fa00000u, 0x4f000000u, 0xcf000000u, 0x00000001u, 0x7f7fffffu,
	};
	static const uint64_t f64s[] = {
		0, 0x8000000000000000ull, 0x3ff0000000000000ull, 0x7ff0000000000000ull,
		0xfff0000000000000ull, 0x7ff8000000000000ull, 0x7ff4000000000000ull,
		0x41e0000000000000ull, 0xc3e0000000000000ull, 1,
	};
	ep_value v;
	memset(&v, 0, sizeof v);
	v.type = type;
	uint8_t b = pick(in);
	switch (type) {
	case EP_I32: v.of.i32 = (int32_t)(uint32_t)ints[b % (sizeof ints / sizeof ints[0])]; break;
	case EP_I64: v.of.i64 = (int64_t)ints[b % (sizeof ints / sizeof ints[0])]; break;
	case EP_F32: v.of.f32 = f32s[b % (sizeof f32s / sizeof f32s[0])]; break;
	case EP_F64: v.of.f64 = f64s[b % (sizeof f64s / sizeof f64s[0])]; break;
	case EP_FUNCREF: v.of.ref = (b & 1) ? some_func : NULL; break;
	default: v.of.ref = (b & 1) ? (void *)&edge_value : NULL; break;
	}
	return v;
}

/* ---- stub imports ---- */

enum { H_ZERO, H_TRAP, H_TOUCH, H_FUEL, H_INTERRUPT, H_EXIT, H_COUNT };

typedef struct stub {
	int behaviour;
	int calls;
} stub;

/* Results are already zeroed by the engine; some behaviours do more. */
static ep_trap stub_fn(ep_caller *c, void *env, const ep_value *args, ep_value *results)
{
	stub *s = env;
	(void)args;
	(void)results;
	s->calls++;
	switch (s->behaviour) {
	case H_TRAP:
		ep_caller_set_message(c, "stub import trapped");
		return EP_TRAP_HOST;
	case H_TOUCH: {
		/* A host that writes guest memory: the engine must reload its view. */
		ep_memory *m = ep_caller_memory(c);
		if (m && ep_memory_size(m))
			ep_memory_data(m)[(size_t)s->calls % ep_memory_size(m)] ^= 0x5a;
		return EP_TRAP_NONE;
	}
	case H_FUEL:
		ep_store_add_fuel(ep_caller_store(c), 100);
		return EP_TRAP_NONE;
	case H_INTERRUPT:
		/* Gives up every other call, as a host waiting on a deadline does. */
		return (s->calls & 1) ? EP_TRAP_INTERRUPT : EP_TRAP_NONE;
	case H_EXIT:
		ep_caller_set_exit(c, 3);
		return EP_TRAP_EXIT;
	default:
		return EP_TRAP_NONE;
	}
}

/* A value of the given type for an imported global (zero or an edge). */
static int make_imports(ep_store *s, const ep_module *m, input *in, ep_extern *imports,
                        stub *stubs, uint32_t n)
{
	uint32_t ntab = 0, nmem = 0, nglob = 0;
	for (uint32_t i = 0; i < n; i++) {
		const char *mod, *name;
		size_t ml, nl;
		uint8_t kind;
		ep_module_import(m, i, &mod, &ml, &name, &nl, &kind);
		imports[i].kind = kind;
		switch (kind) {
		case EP_EXTERN_FUNC: {
			ep_functype t;
			ASSERT(ep_module_import_functype(m, i, &t));
			stubs[i].behaviour = pick(in) % H_COUNT;
			stubs[i].calls = 0;
			imports[i].of.func = ep_func_new_host(s, &t, stub_fn, &stubs[i]);
			if (!imports[i].of.func)
				return 0;
			break;
		}
		case EP_EXTERN_TABLE: {
			uint8_t rt;
			uint32_t min, max;
			int has_max;
			ASSERT(ep_module_table(m, ntab++, &rt, &min, &max, &has_max));
			imports[i].of.table = ep_table_new(s, rt, min, max, has_max);
			if (!imports[i].of.table)
				return 0;   /* past the store's table cap */
			break;
		}
		case EP_EXTERN_MEMORY: {
			uint32_t min, max;
			int has_max;
			ASSERT(ep_module_memory(m, nmem++, &min, &max, &has_max));
			imports[i].of.memory = ep_memory_new(s, min, max, has_max);
			if (!imports[i].of.memory)
				return 0;   /* past the store's memory cap */
			break;
		}
		case EP_EXTERN_GLOBAL: {
			uint8_t vt;
			int mut;
			ASSERT(ep_module_global(m, nglob++, &vt, &mut));
			ep_value v = edge_value(in, vt, NULL);
			imports[i].of.global = ep_global_new(s, v, mut);
			ASSERT(imports[i].of.global);
			break;
		}
		default:
			ASSERT(0);
		}
	}
	ASSERT(ntab == ep_module_imported(m, EP_EXTERN_TABLE));
	ASSERT(nmem == ep_module_imported(m, EP_EXTERN_MEMORY));
	ASSERT(nglob == ep_module_imported(m, EP_EXTERN_GLOBAL));
	return 1;
}

/* ---- fuel bookkeeping ---- */

typedef struct fuel {
	uint64_t granted;   /* everything ever given */
	uint64_t used;      /* the last value seen */
} fuel;

static void fuel_check(ep_store *s, fuel *f)
{
	uint64_t used = ep_store_fuel_used(s), left = ep_store_fuel_left(s);
	ASSERT(used >= f->used);
	f->used = used;
	ASSERT(used <= f->granted);
	ASSERT(left == f->granted - used);
}

static void grant(ep_store *s, fuel *f, uint64_t n)
{
	ep_store_add_fuel(s, n);
	f->granted += n;
	fuel_check(s, f);
}

/* Host H_FUEL adds fuel behind our back: count its calls into the grant. */
static void sync_host_fuel(stub *stubs, uint32_t n, uint64_t *seen, fuel *f)
{
	uint64_t total = 0;
	for (uint32_t i = 0; i < n; i++)
		if (stubs[i].behaviour == H_FUEL)
			total += (uint64_t)stubs[i].calls * 100;
	f->granted += total - *seen;
	*seen = total;
}

/* ---- one exported function ---- */

static void call_export(ep_store *s, ep_func *fn, const ep_functype *t, input *in,
                        ep_func *some_func, stub *stubs, uint32_t nstubs, uint64_t *seen,
                        fuel *f)
{
	ep_value args[MAX_PARAMS], results[MAX_PARAMS];
	if (t->nparams > MAX_PARAMS || t->nresults > MAX_PARAMS)
		return;
	for (uint32_t j = 0; j < t->nparams; j++)
		args[j] = edge_value(in, t->params[j], some_func);
	ep_error err;
	ep_status st = ep_call(s, fn, args, t->nparams, results, t->nresults, &err);
	for (int r = 0;; r++) {
		check_status(st, &err);
		ASSERT(st != EP_ERR_ARG);
		sync_host_fuel(stubs, nstubs, seen, f);
		fuel_check(s, f);
		if (st == EP_OK) {
			for (uint32_t j = 0; j < t->nresults; j++)
				ASSERT(results[j].type == t->results[j]);
			return;
		}
		if (st != EP_ERR_TRAP)
			return;
		if (err.trap != EP_TRAP_FUEL && err.trap != EP_TRAP_INTERRUPT)
			return;
		if (r == RESUMES) {
			ep_abandon(s);
			/* Abandoned means idle: a resume now has nothing to continue. */
			ASSERT(ep_resume(s, results, t->nresults, &err) == EP_ERR_ARG);
			check_msg(&err);
			return;
		}
		/* A suspended store refuses a new call. */
		ASSERT(ep_call(s, fn, args, t->nparams, results, t->nresults, &err) == EP_ERR_ARG);
		if (err.trap == EP_TRAP_FUEL || (pick(in) & 1))
			grant(s, f, FUEL);
		st = ep_resume(s, results, t->nresults, &err);
	}
}

/* ---- the pipeline ---- */

static void run_module(ep_engine *e, const ep_module *m, input *in)
{
	ep_limits lim = { 64, 4096, 16, 10000 };
	ep_store *s = ep_store_new(e, &lim);
	if (!s)
		return;
	fuel f = { FUEL, 0 };
	ep_store_set_fuel(s, FUEL);
	fuel_check(s, &f);

	uint32_t n = ep_module_import_count(m);
	ep_extern imports[MAX_IMPORTS];
	stub stubs[MAX_IMPORTS];
	memset(imports, 0, sizeof imports);
	memset(stubs, 0, sizeof stubs);
	uint64_t seen = 0;
	if (n > MAX_IMPORTS || !make_imports(s, m, in, imports, stubs, n)) {
		ep_store_free(s);
		return;
	}
	ep_instance *inst = NULL;
	ep_error err;
	ep_status st = ep_instantiate(s, m, imports, n, &inst, &err);
	check_status(st, &err);
	/* Every import was made to match what the module declared. */
	ASSERT(st != EP_ERR_UNLINKABLE && st != EP_ERR_ARG && st != EP_ERR_MALFORMED &&
	       st != EP_ERR_INVALID);
	sync_host_fuel(stubs, n, &seen, &f);
	fuel_check(s, &f);
	ASSERT((st == EP_OK) == (inst != NULL));
	if (st == EP_OK) {
		ep_func *some_func = NULL;
		uint32_t nx = ep_module_export_count(m);
		for (uint32_t i = 0; i < nx; i++) {
			const char *name;
			size_t nl;
			uint8_t kind;
			ep_module_export(m, i, &name, &nl, &kind);
			ep_extern x;
			ASSERT(ep_instance_export(inst, name, nl, &x));
			ASSERT(x.kind == kind);
			switch (kind) {
			case EP_EXTERN_FUNC: {
				ep_functype t, t2;
				ASSERT(ep_module_export_functype(m, i, &t));
				ep_func_type(x.of.func, &t2);
				ASSERT(t.nparams == t2.nparams && t.nresults == t2.nresults);
				if (!some_func)
					some_func = x.of.func;
				call_export(s, x.of.func, &t, in, some_func, stubs, n, &seen, &f);
				break;
			}
			case EP_EXTERN_MEMORY:
				ASSERT(ep_memory_size(x.of.memory) <= (uint64_t)lim.max_memory_pages * 65536);
				ASSERT(ep_memory_size(x.of.memory) % 65536 == 0);
				break;
			case EP_EXTERN_TABLE:
				ASSERT(ep_table_size(x.of.table) <= lim.max_table_elements);
				break;
			case EP_EXTERN_GLOBAL: {
				uint8_t vt;
				int mut;
				ASSERT(ep_module_global(m, ep_module_export_index(m, i), &vt, &mut));
				ASSERT(ep_global_get(x.of.global).type == vt);
				break;
			}
			}
		}
		ASSERT(ep_store_peak_call_depth(s) <= lim.max_call_depth);
		ASSERT(ep_store_peak_memory(s) <= (uint64_t)lim.max_memory_pages * 65536 *
		       (ep_module_count(m, EP_EXTERN_MEMORY) + 1));
	}
	ep_store_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly size bytes: ep_module_load copies again, but any
	 * read of ours past the end is caught too. */
	uint8_t *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < size; i++)
		h = (h ^ buf[i]) * 16777619u;
	input in = { buf, size, h, 0 };

	/* Half the inputs run on a counting allocator (linear memory then goes
	 * through it and is zeroed), half on the default (mapped memory). */
	counting c = { 0, 0, 0, 0 };
	ep_engine *e = (h & 1) ? ep_engine_new(counting_alloc, &c) : ep_engine_new(NULL, NULL);
	ASSERT(e);
	ep_engine_set_byte_limit(e, BYTE_LIMIT);
	size_t base = ep_engine_bytes(e);

	ep_module *m = NULL;
	ep_error err;
	long before = c.calls;
	ep_status st = ep_module_load(e, buf, size, &m, &err);
	long load_calls = c.calls - before;
	check_status(st, &err);
	ASSERT(st == EP_OK || st == EP_ERR_MALFORMED || st == EP_ERR_INVALID ||
	       st == EP_ERR_NOMEM || st == EP_ERR_LIMIT);
	ASSERT((st == EP_OK) == (m != NULL));
	if (st != EP_OK)
		ASSERT(ep_engine_bytes(e) == base);
	if (m) {
		/* The queries agree with each other. */
		uint32_t ni = ep_module_import_count(m);
		uint32_t sum = 0;
		for (uint8_t k = 0; k < 4; k++) {
			ASSERT(ep_module_imported(m, k) <= ep_module_count(m, k));
			sum += ep_module_imported(m, k);
		}
		ASSERT(sum == ni);
		run_module(e, m, &in);
		ep_module_free(m);
	}
	ASSERT(ep_engine_bytes(e) == base);
	ep_engine_free(e);
	ASSERT(c.live == 0);

	/* Again on a counting engine that refuses one of the load's calls. */
	if (h & 1 && load_calls > 0) {
		counting f = { 0, 0, 0, 0 };
		ep_engine *e2 = ep_engine_new(counting_alloc, &f);
		ASSERT(e2);
		ep_engine_set_byte_limit(e2, BYTE_LIMIT);
		size_t base2 = ep_engine_bytes(e2);
		f.calls = 0;
		f.fail_at = 1 + (long)(h >> 1) % load_calls;
		ep_module *m2 = NULL;
		ep_error err2;
		ep_status st2 = ep_module_load(e2, buf, size, &m2, &err2);
		check_status(st2, &err2);
		/* A refused shrink may be shrugged off (the block stays as it was). */
		int ok = st2 == EP_ERR_NOMEM || (st != EP_OK && st2 == st) ||
		         (f.refused_shrink && st2 == st);
		if (!ok)
			fprintf(stderr, "fuzz_module: load refused at call %ld of %ld: %s (%s), "
			        "unrefused: %s\n", f.fail_at, load_calls, ep_status_name(st2), err2.msg,
			        ep_status_name(st));
		ASSERT(ok);
		ASSERT((st2 == EP_OK) == (m2 != NULL));
		ep_module_free(m2);
		ASSERT(ep_engine_bytes(e2) == base2);
		ep_engine_free(e2);
		ASSERT(f.live == 0);
	}
	free(buf);
	return 0;
}
