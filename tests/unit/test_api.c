/*
 * test_api.c - the embedding API as an embedder meets it: the version, the
 * names, every status-returning constructor's errors, the linker (host
 * functions, externs, instances, stubs, every linking error and its
 * message, undoing a failed instantiation, hundreds of imports), host
 * function errors and traps, the memory helpers on bad addresses and
 * after memory.grow, globals and tables from the host, export lookup,
 * per-store data and fuel in two stores side by side, and the no-copy
 * load (its peak against the copying one, and that the caller's bytes are
 * never written or freed), lazy lowering's bytes against lowering up front,
 * and what lowering keeps between functions (and drops after a long body,
 * or on a refusal midway). Fixtures: the .wat files of tests/unit/api; argv[1] is
 * where they were built, and ../oom/survey.wasm beside it is the real
 * module the loads are measured on.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "edgeplug.h"
#include "edgeplug_wasi.h"
#include "check.h"
#include "config.h"   /* EP_LOWER_KEEP */

static const uint8_t I32[2] = { EP_I32, EP_I32 };

static ep_error fresh(void)
{
	ep_error e;
	memset(&e, 0, sizeof e);
	return e;
}

static bool one_line(const ep_error *err)
{
	size_t n = strnlen(err->msg, sizeof err->msg);
	return n > 0 && n < sizeof err->msg && !memchr(err->msg, '\n', n);
}

static ep_func *export_func(const ep_instance *inst, const char *name)
{
	ep_extern x;
	if (!ep_instance_export(inst, name, strlen(name), &x) || x.kind != EP_EXTERN_FUNC)
		FATAL("no exported function", name);
	return x.of.func;
}

/* Calls name(args) -> one i32 result, or returns the status. */
static ep_status call1(ep_store *s, ep_instance *inst, const char *name, const ep_value *args,
                       size_t nargs, int32_t *result, ep_error *err)
{
	ep_value r[1];
	ep_func *f = export_func(inst, name);
	ep_functype t;
	ep_func_type(f, &t);
	ep_status st = ep_call(s, f, args, nargs, r, t.nresults, err);
	if (st == EP_OK && t.nresults && result)
		*result = r[0].of.i32;
	return st;
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		FATAL(path, "cannot open");
	uint8_t *b = NULL;
	size_t n = 0, cap = 0, got;
	do {
		if (n == cap && !(b = realloc(b, cap = cap ? cap * 2 : 65536)))
			FATAL("out of memory", NULL);
		got = fread(b + n, 1, cap - n, f);
		n += got;
	} while (got);
	fclose(f);
	*len = n;
	return b;
}

/* ---- version and names ---- */

static void test_version(void)
{
	char v[32];
	snprintf(v, sizeof v, "%d.%d.%d", EP_VERSION_MAJOR, EP_VERSION_MINOR, EP_VERSION_PATCH);
	CHECK(strcmp(v, EP_VERSION) == 0, "EP_VERSION %s, macros say %s", EP_VERSION, v);
	CHECK(strcmp(ep_version(), EP_VERSION) == 0, "ep_version() = %s", ep_version());
	CHECK(ep_version_number() == (uint32_t)(EP_VERSION_MAJOR << 16 | EP_VERSION_MINOR << 8 |
	                                        EP_VERSION_PATCH) &&
	      ep_version_number() == EP_VERSION_NUMBER, "ep_version_number() = %#x",
	      (unsigned)ep_version_number());
}

static void test_names(void)
{
	for (int s = EP_OK; s <= EP_ERR_ARG; s++)
		CHECK(strcmp(ep_status_name((ep_status)s), "unknown status") != 0,
		      "status %d has no name", s);
	CHECK(strcmp(ep_status_name((ep_status)99), "unknown status") == 0, "status 99 named");
	for (int t = EP_TRAP_NONE; t <= EP_TRAP_EXIT; t++)
		CHECK(strcmp(ep_trap_name((ep_trap)t), "unknown trap") != 0, "trap %d has no name", t);
	CHECK(strcmp(ep_trap_name((ep_trap)99), "unknown trap") == 0, "trap 99 named");
	static const uint8_t types[] = { EP_I32, EP_I64, EP_F32, EP_F64, EP_FUNCREF, EP_EXTERNREF };
	for (size_t i = 0; i < sizeof types; i++)
		CHECK(strcmp(ep_valtype_name(types[i]), "unknown type") != 0, "type %#x has no name",
		      types[i]);
	CHECK(strcmp(ep_valtype_name(0x40), "unknown type") == 0, "type 0x40 named");
}

/* ---- constructors' errors ---- */

/* An engine that refuses every allocation from now on. */
static void starve(ep_engine *e)
{
	ep_engine_set_byte_limit(e, ep_engine_bytes(e) ? ep_engine_bytes(e) : 1);
}

static ep_trap nop_fn(ep_caller *c, void *env, const ep_value *args, ep_value *results)
{
	(void)c;
	(void)env;
	(void)args;
	(void)results;
	return EP_TRAP_NONE;
}

static void expect_err(ep_status st, const ep_error *err, ep_status want, const char *what,
                       const char *needle, int line)
{
	check(st == want && err->status == want && one_line(err) &&
	      (!needle || strstr(err->msg, needle)), line, "%s: %s (%s), want %s", what,
	      ep_status_name(st), err->msg, ep_status_name(want));
}

#define EXPECT(st, err, want, what, needle) expect_err((st), (err), (want), (what), (needle), __LINE__)

static void test_constructors(void)
{
	ep_error err = fresh();
	ep_engine *e = (ep_engine *)&err;
	EXPECT(ep_engine_create(NULL, NULL, NULL, &err), &err, EP_ERR_ARG, "engine without out", NULL);
	failer f = { 0, 1, false };
	EXPECT(ep_engine_create(failing_alloc, &f, &e, &err), &err, EP_ERR_NOMEM,
	       "engine, allocator refusing", "memory");
	CHECK(e == NULL, "a refused engine is not NULL");
	if (ep_engine_create(NULL, NULL, &e, &err) != EP_OK || !e)
		FATAL("ep_engine_create", err.msg);

	ep_store *s = (ep_store *)&err;
	EXPECT(ep_store_create(NULL, NULL, &s, &err), &err, EP_ERR_ARG, "store without engine", NULL);
	CHECK(s == NULL, "store out not cleared");
	if (ep_store_create(e, NULL, &s, &err) != EP_OK)
		FATAL("ep_store_create", err.msg);
	ep_limits small = { 0, 0, 2, 8 };
	ep_store *s2;
	if (ep_store_create(e, &small, &s2, &err) != EP_OK)
		FATAL("ep_store_create (small)", err.msg);

	ep_table *t;
	EXPECT(ep_table_create(s, EP_I32, 1, 2, 1, &t, &err), &err, EP_ERR_ARG, "i32 table",
	       "funcref or externref");
	EXPECT(ep_table_create(s, EP_FUNCREF, 3, 2, 1, &t, &err), &err, EP_ERR_ARG, "table max < min",
	       "maximum below minimum");
	EXPECT(ep_table_create(s2, EP_FUNCREF, 9, 0, 0, &t, &err), &err, EP_ERR_LIMIT,
	       "table over the store's cap", "limit of 8");
	CHECK(ep_table_create(s, EP_EXTERNREF, 1, 0, 0, &t, &err) == EP_OK && ep_table_size(t) == 1,
	      "externref table: %s", err.msg);

	ep_memory *m;
	EXPECT(ep_memory_create(s, 65537, 0, 0, &m, &err), &err, EP_ERR_ARG, "65537 pages", "65536");
	EXPECT(ep_memory_create(s, 2, 1, 1, &m, &err), &err, EP_ERR_ARG, "memory max < min",
	       "maximum below minimum");
	EXPECT(ep_memory_create(s2, 3, 0, 0, &m, &err), &err, EP_ERR_LIMIT,
	       "memory over the store's cap", "limit of 2");
	CHECK(ep_memory_create(s2, 1, 3, 1, &m, &err) == EP_OK && ep_memory_pages(m) == 1,
	      "memory: %s", err.msg);
	uint32_t old = 99;
	EXPECT(ep_memory_grow(s2, m, 2, &old, &err), &err, EP_ERR_LIMIT,
	       "grow past the store's cap", "maximum of 2");
	CHECK(old == 99 && ep_memory_pages(m) == 1, "failed grow changed things");
	CHECK(ep_memory_grow(s2, m, 1, &old, &err) == EP_OK && old == 1 && ep_memory_pages(m) == 2 &&
	      ep_memory_size(m) == 2 * 65536, "grow to the cap: %s", err.msg);

	ep_global *g;
	ep_value bad = val_i32(1);
	bad.type = 0x40;
	EXPECT(ep_global_create(s, bad, 0, &g, &err), &err, EP_ERR_ARG, "global of type 0x40",
	       "unknown value type");

	ep_func *fn;
	static const uint8_t odd[1] = { 0x40 };
	ep_functype badt = { 1, 0, odd, NULL };
	ep_functype ok = { 2, 1, I32, I32 };
	EXPECT(ep_func_create_host(s, &badt, nop_fn, NULL, &fn, &err), &err, EP_ERR_ARG,
	       "host function of type 0x40", "type");
	EXPECT(ep_func_create_host(s, NULL, nop_fn, NULL, &fn, &err), &err, EP_ERR_ARG,
	       "host function without a type", "type");
	EXPECT(ep_func_create_host(s, &ok, NULL, NULL, &fn, &err), &err, EP_ERR_ARG,
	       "host function without a function", "required");
	CHECK(fn == NULL, "refused host function not NULL");

	ep_linker *l;
	EXPECT(ep_linker_new(NULL, &l, &err), &err, EP_ERR_ARG, "linker without engine", "ep_linker_new");
	ep_wasi *w;
	EXPECT(ep_wasi_create(NULL, 0, &w, &err), &err, EP_ERR_ARG, "WASI without engine", "required");

	/* Out of memory, each with its message and a NULL out. */
	starve(e);
	ep_store *s3 = (ep_store *)&err;
	EXPECT(ep_store_create(e, NULL, &s3, &err), &err, EP_ERR_NOMEM, "store, starved", "memory");
	CHECK(s3 == NULL, "starved store not NULL");
	EXPECT(ep_table_create(s, EP_FUNCREF, 1, 0, 0, &t, &err), &err, EP_ERR_NOMEM,
	       "table, starved", "memory");
	EXPECT(ep_memory_create(s, 1, 0, 0, &m, &err), &err, EP_ERR_NOMEM, "memory, starved",
	       "memory");
	EXPECT(ep_global_create(s, val_i32(1), 0, &g, &err), &err, EP_ERR_NOMEM, "global, starved",
	       "memory");
	EXPECT(ep_func_create_host(s, &ok, nop_fn, NULL, &fn, &err), &err, EP_ERR_NOMEM,
	       "host function, starved", "memory");
	EXPECT(ep_linker_new(e, &l, &err), &err, EP_ERR_NOMEM, "linker, starved", "memory");
	CHECK(l == NULL, "starved linker not NULL");
	EXPECT(ep_wasi_create(e, 0, &w, &err), &err, EP_ERR_NOMEM, "WASI, starved", "memory");
	CHECK(w == NULL, "starved WASI context not NULL");
	ep_module *mod;
	static const uint8_t empty[8] = { 0, 'a', 's', 'm', 1, 0, 0, 0 };
	EXPECT(ep_module_load(e, empty, sizeof empty, &mod, &err), &err, EP_ERR_NOMEM,
	       "module, starved", "memory");
	ep_engine_set_byte_limit(e, 0);
	ep_store_free(s);
	ep_store_free(s2);
	CHECK(ep_engine_bytes(e) == 0, "constructors: %zu bytes left", ep_engine_bytes(e));
	ep_engine_free(e);
}

/* ---- host functions for the linker ---- */

typedef struct calls {
	int add, fail;
} calls;

static ep_trap add_fn(ep_caller *c, void *env, const ep_value *args, ep_value *results)
{
	calls *n = env;
	n->add++;
	/* Per-store data: each store counts its own calls. */
	int *per_store = ep_store_data(ep_caller_store(c));
	if (per_store)
		(*per_store)++;
	results[0].of.i32 = args[0].of.i32 + args[1].of.i32;
	return EP_TRAP_NONE;
}

static ep_trap fail_fn(ep_caller *c, void *env, const ep_value *args, ep_value *results)
{
	calls *n = env;
	(void)args;
	(void)results;
	n->fail++;
	if (n->fail == 2) {
		ep_caller_set_exit(c, 42);
		return EP_TRAP_EXIT;
	}
	ep_caller_set_message(c, "the sensor is gone");
	return EP_TRAP_HOST;
}

static ep_linker *host_linker(ep_engine *e, calls *n, int trap_unknown)
{
	ep_linker *l;
	ep_error err;
	ep_functype add = { 2, 1, I32, I32 }, none = { 0, 0, NULL, NULL };
	if (ep_linker_new(e, &l, &err) != EP_OK ||
	    ep_linker_define_func(l, "env", "add", &add, add_fn, n, &err) != EP_OK ||
	    ep_linker_define_func(l, "env", "fail", &none, fail_fn, n, &err) != EP_OK)
		FATAL("linker setup", err.msg);
	ep_linker_set_trap_unknown(l, trap_unknown);
	return l;
}

static void test_linker(ep_engine *e)
{
	ep_module *m = load_fixture(e, "host");
	calls n = { 0, 0 };
	ep_error err = fresh();
	ep_store *s = ep_store_new(e, NULL);
	ep_instance *inst = (ep_instance *)&n;
	ep_linker *l = host_linker(e, &n, 0);

	/* Strict: the first unresolved import is named, nothing stays. */
	size_t before = ep_engine_bytes(e);
	ep_status st = ep_linker_instantiate(l, s, m, &inst, &err);
	CHECK(st == EP_ERR_UNLINKABLE && err.status == st &&
	      strcmp(err.msg, "unknown import env.missing") == 0 && inst == NULL,
	      "strict: %s (%s)", ep_status_name(st), err.msg);
	CHECK(ep_engine_bytes(e) == before, "a failed link left %zu bytes in the store",
	      ep_engine_bytes(e) - before);

	/* Redefinition. */
	ep_functype add = { 2, 1, I32, I32 };
	st = ep_linker_define_func(l, "env", "add", &add, add_fn, &n, &err);
	CHECK(st == EP_ERR_ARG && strstr(err.msg, "env.add is already defined"), "redefinition: %s",
	      err.msg);
	ep_extern x = { EP_EXTERN_MEMORY, { .memory = ep_memory_new(s, 1, 1, 1) } };
	st = ep_linker_define(l, "env", "fail", &x, &err);
	CHECK(st == EP_ERR_ARG && strstr(err.msg, "env.fail is already defined"),
	      "redefinition as an extern: %s", err.msg);

	/* Stubs for unknown functions. */
	ep_linker_set_trap_unknown(l, 1);
	st = ep_linker_instantiate(l, s, m, &inst, &err);
	if (st != EP_OK)
		FATAL("instantiate with stubs", err.msg);
	int32_t r = 0;
	ep_value args[2] = { val_i32(2), val_i32(40) };
	st = call1(s, inst, "call_add", args, 2, &r, &err);
	CHECK(st == EP_OK && r == 42 && n.add == 1, "call_add: %s %d, %d calls", err.msg, r, n.add);
	st = call1(s, inst, "call_missing", NULL, 0, &r, &err);
	CHECK(st == EP_ERR_TRAP && err.trap == EP_TRAP_HOST &&
	      strcmp(err.msg, "unknown import env.missing called") == 0, "stub: %s (%s)",
	      ep_status_name(st), err.msg);

	/* Host function errors and traps. */
	st = call1(s, inst, "call_fail", NULL, 0, NULL, &err);
	CHECK(st == EP_ERR_TRAP && err.trap == EP_TRAP_HOST &&
	      strcmp(err.msg, "the sensor is gone") == 0, "host error: %s (%s)", ep_status_name(st),
	      err.msg);
	st = call1(s, inst, "call_fail", NULL, 0, NULL, &err);
	CHECK(st == EP_ERR_TRAP && err.trap == EP_TRAP_EXIT && err.exit_code == 42,
	      "host exit: %s trap %d code %d", ep_status_name(st), err.trap, err.exit_code);
	st = call1(s, inst, "call_add", args, 2, &r, &err);
	CHECK(st == EP_OK && r == 42, "the store works after host traps: %s", err.msg);
	ep_wasi *w = ep_wasi_new(e, 0);
	int code = 7;
	st = ep_wasi_start(w, s, inst, &code, &err);
	CHECK(st == EP_ERR_ARG && strcmp(err.msg, "no exported function _start") == 0 && code == 0,
	      "ep_wasi_start without _start: %s (%s)", ep_status_name(st), err.msg);
	ep_wasi_free(w);

	/* The linker can go; the instance keeps its functions. */
	ep_linker_free(l);
	st = call1(s, inst, "call_add", args, 2, &r, &err);
	CHECK(st == EP_OK && r == 42 && n.add == 3, "after ep_linker_free: %s", err.msg);

	/* Mistyped: what was expected and what was found. */
	ep_functype one = { 1, 1, I32, I32 }, none = { 0, 0, NULL, NULL };
	if (ep_linker_new(e, &l, &err) != EP_OK ||
	    ep_linker_define_func(l, "env", "add", &one, add_fn, &n, &err) != EP_OK ||
	    ep_linker_define_func(l, "env", "fail", &none, fail_fn, &n, &err) != EP_OK)
		FATAL("linker", err.msg);
	before = ep_engine_bytes(e);
	st = ep_linker_instantiate(l, s, m, &inst, &err);
	CHECK(st == EP_ERR_UNLINKABLE &&
	      strcmp(err.msg, "incompatible import type env.add: function signature differs: "
	                      "expected [i32 i32] -> [i32], got [i32] -> [i32]") == 0,
	      "mistyped: %s", err.msg);
	CHECK(ep_engine_bytes(e) == before, "a mistyped link left %zu bytes",
	      ep_engine_bytes(e) - before);
	ep_module *bad = load_fixture(e, "badmem");
	st = ep_linker_instantiate(l, s, bad, &inst, &err);
	CHECK(st == EP_ERR_UNLINKABLE &&
	      strcmp(err.msg, "incompatible import type env.add: expected memory, got function") == 0,
	      "kind: %s", err.msg);
	ep_linker_free(l);
	l = host_linker(e, &n, 1);
	ep_linker *none_l;
	ep_linker_new(e, &none_l, &err);
	ep_linker_set_trap_unknown(none_l, 1);
	st = ep_linker_instantiate(none_l, s, bad, &inst, &err);
	CHECK(st == EP_ERR_UNLINKABLE &&
	      strcmp(err.msg, "unknown import env.add (only functions can be stubs)") == 0,
	      "memory stub: %s", err.msg);
	ep_linker_free(none_l);
	ep_module_free(bad);

	/* A trap in the start function: no instance for the caller. */
	ep_module *ts = load_fixture(e, "trapstart");
	n.fail = 0;
	st = ep_linker_instantiate(l, s, ts, &inst, &err);
	CHECK(st == EP_ERR_TRAP && err.trap == EP_TRAP_HOST && inst == NULL && n.fail == 1,
	      "start trap: %s (%s)", ep_status_name(st), err.msg);

	/* Every allocation of a linked instantiation refused in turn: a clean
	 * NOMEM and nothing left behind, or success. */
	char path[600];
	size_t hlen;
	snprintf(path, sizeof path, "%s/host.wasm", fixture_dir);
	uint8_t *hbytes = read_file(path, &hlen);
	long refusals = 0, bad_runs = 0;
	bool last = false;
	for (long k = 1; k < 1000; k++) {
		failer fl = { 0, k, false };
		ep_engine *fe = ep_engine_new(failing_alloc, &fl);
		ep_module *fm = NULL;
		ep_store *fs = NULL;
		ep_linker *fln = NULL;
		ep_error ferr = fresh();
		ep_functype a2 = { 2, 1, I32, I32 }, n0 = { 0, 0, NULL, NULL };
		ep_status fst = EP_ERR_NOMEM;
		size_t mark = 0;
		if (fe && ep_module_load(fe, hbytes, hlen, &fm, &ferr) == EP_OK &&
		    (fs = ep_store_new(fe, NULL)) != NULL &&
		    (fst = ep_linker_new(fe, &fln, &ferr)) == EP_OK &&
		    (fst = ep_linker_define_func(fln, "env", "add", &a2, add_fn, &n, &ferr)) == EP_OK &&
		    (fst = ep_linker_define_func(fln, "env", "fail", &n0, nop_fn, &n, &ferr)) == EP_OK) {
			ep_linker_set_trap_unknown(fln, 1);
			mark = ep_engine_bytes(fe);
			ep_instance *fi = NULL;
			fst = ep_linker_instantiate(fln, fs, fm, &fi, &ferr);
			if (fst == EP_OK && !fl.failed) {
				last = true;   /* k is past the last allocation */
			} else {
				if (fst != EP_ERR_NOMEM || !one_line(&ferr) || fi ||
				    ep_engine_bytes(fe) != mark)
					bad_runs++;
				refusals++;
			}
		}
		ep_linker_free(fln);
		ep_store_free(fs);
		ep_module_free(fm);
		if (fe && ep_engine_bytes(fe) != 0)
			bad_runs++;
		ep_engine_free(fe);
		if (last)
			break;
	}
	CHECK(bad_runs == 0 && refusals > 3 && last,
	      "refusals in ep_linker_instantiate: %ld of %ld unclean", bad_runs, refusals);
	free(hbytes);

	ep_module_free(ts);
	ep_linker_free(l);
	ep_store_free(s);
	ep_module_free(m);
}

/* lib's exports under "lib", by instance and one by one. */
static void test_link_modules(ep_engine *e)
{
	ep_module *lib = load_fixture(e, "lib"), *user = load_fixture(e, "user");
	ep_error err = fresh();
	ep_store *s = ep_store_new(e, NULL), *other = ep_store_new(e, NULL);
	ep_instance *li, *ui;
	if (ep_instantiate(s, lib, NULL, 0, &li, &err) != EP_OK)
		FATAL("lib", err.msg);
	ep_linker *l;
	ep_linker_new(e, &l, &err);
	CHECK(ep_linker_define_instance(l, "lib", li, &err) == EP_OK, "define_instance: %s", err.msg);
	CHECK(ep_linker_define_instance(l, "lib", li, &err) == EP_ERR_ARG &&
	      strstr(err.msg, "already defined"), "define_instance twice: %s", err.msg);
	CHECK(ep_linker_instantiate(l, s, user, &ui, &err) == EP_OK, "user: %s", err.msg);
	int32_t r = 0;
	ep_value a[2] = { val_i32(5), val_i32(0) };
	CHECK(call1(s, ui, "run", a, 1, &r, &err) == EP_OK && r == 5 * 2 + 100 + 5 * 2,
	      "run(5) = %d (%s)", r, err.msg);
	ep_value p[2] = { val_i32(300), val_i32(77) };
	uint8_t byte = 0;
	CHECK(call1(s, ui, "poke", p, 2, NULL, &err) == EP_OK &&
	      ep_memory_read(ep_instance_memory(li), 300, &byte, 1) == 0 && byte == 77,
	      "shared memory: %u (%s)", byte, err.msg);
	/* Externs of one store are not for another. */
	ep_status st = ep_linker_instantiate(l, other, user, &ui, &err);
	CHECK(st == EP_ERR_UNLINKABLE && strstr(err.msg, "lib.twice") &&
	      strstr(err.msg, "another store"), "other store: %s", err.msg);
	ep_linker_free(l);

	/* One by one, from the host's own objects. */
	ep_linker_new(e, &l, &err);
	ep_extern twice, table;
	ep_instance_export(li, "twice", 5, &twice);
	ep_instance_export(li, "table", 5, &table);
	ep_extern mem = { EP_EXTERN_MEMORY, { .memory = ep_memory_new(s, 1, 0, 0) } };
	ep_value base = val_i32(1000);
	ep_extern g = { EP_EXTERN_GLOBAL, { .global = ep_global_new(s, base, 1) } };
	CHECK(ep_linker_define(l, "lib", "twice", &twice, &err) == EP_OK &&
	      ep_linker_define(l, "lib", "table", &table, &err) == EP_OK &&
	      ep_linker_define(l, "lib", "memory", &mem, &err) == EP_OK &&
	      ep_linker_define(l, "lib", "base", &g, &err) == EP_OK, "define: %s", err.msg);
	st = ep_linker_instantiate(l, s, user, &ui, &err);
	CHECK(st == EP_ERR_UNLINKABLE &&
	      strcmp(err.msg, "incompatible import type lib.base: expected i32 global, got mutable "
	                      "i32 global") == 0, "mutable global: %s", err.msg);
	ep_linker_free(l);
	ep_linker_new(e, &l, &err);
	g.of.global = ep_global_new(s, base, 0);
	ep_linker_define(l, "lib", "twice", &twice, &err);
	ep_linker_define(l, "lib", "table", &table, &err);
	ep_linker_define(l, "lib", "memory", &mem, &err);
	ep_linker_define(l, "lib", "base", &g, &err);
	CHECK(ep_linker_instantiate(l, s, user, &ui, &err) == EP_OK &&
	      call1(s, ui, "run", a, 1, &r, &err) == EP_OK && r == 10 + 1000 + 10,
	      "one by one: run(5) = %d (%s)", r, err.msg);
	ep_linker_free(l);
	ep_store_free(s);
	ep_store_free(other);
	ep_module_free(user);
	ep_module_free(lib);
}

/* ---- hundreds of imports ---- */

static size_t leb(uint8_t *p, uint32_t v)
{
	size_t n = 0;
	do {
		uint8_t b = v & 0x7f;
		v >>= 7;
		p[n++] = b | (v ? 0x80 : 0);
	} while (v);
	return n;
}

static ep_trap index_fn(ep_caller *c, void *env, const ep_value *args, ep_value *results)
{
	(void)c;
	(void)args;
	results[0].of.i32 = (int32_t)(intptr_t)env;
	return EP_TRAP_NONE;
}

/* A module importing m.f0 .. m.f(n-1), [] -> [i32], and exporting import
 * k as ek. */
static uint8_t *many_imports(uint32_t n, size_t *len)
{
	uint8_t *b = malloc(64 + (size_t)n * 32), *p = b;
	static const uint8_t head[] = { 0, 'a', 's', 'm', 1, 0, 0, 0, 1, 5, 1, 0x60, 0, 1, 0x7f };
	memcpy(p, head, sizeof head);
	p += sizeof head;
	uint8_t body[16 * 1024], *q;
	for (int sec = 2; sec <= 7; sec += 5) {
		q = body;
		q += leb(q, n);
		for (uint32_t k = 0; k < n; k++) {
			char name[16];
			int nl = snprintf(name, sizeof name, sec == 2 ? "f%u" : "e%u", (unsigned)k);
			if (sec == 2) {
				*q++ = 1;
				*q++ = 'm';
			}
			*q++ = (uint8_t)nl;
			memcpy(q, name, (size_t)nl);
			q += nl;
			*q++ = 0;   /* func */
			q += leb(q, sec == 2 ? 0 : k);
		}
		*p++ = (uint8_t)sec;
		p += leb(p, (uint32_t)(q - body));
		memcpy(p, body, (size_t)(q - body));
		p += q - body;
	}
	*len = (size_t)(p - b);
	return b;
}

static void test_many(ep_engine *e)
{
	enum { N = 400 };
	size_t len;
	uint8_t *bytes = many_imports(N, &len);
	ep_module *m;
	ep_error err = fresh();
	if (ep_module_load(e, bytes, len, &m, &err) != EP_OK)
		FATAL("the module of 400 imports", err.msg);
	free(bytes);
	ep_linker *l;
	ep_linker_new(e, &l, &err);
	static const uint8_t r32[1] = { EP_I32 };
	ep_functype t = { 0, 1, NULL, r32 };
	/* Defined in reverse: lookups are by name, not position. */
	for (int k = N - 1; k >= 0; k--) {
		char name[16];
		snprintf(name, sizeof name, "f%d", k);
		if (ep_linker_define_func(l, "m", name, &t, index_fn, (void *)(intptr_t)k, &err) != EP_OK)
			FATAL("define", err.msg);
	}
	ep_store *s = ep_store_new(e, NULL);
	ep_instance *inst;
	CHECK(ep_linker_instantiate(l, s, m, &inst, &err) == EP_OK, "400 imports: %s", err.msg);
	int good = 0;
	for (int k = 0; k < N; k += 37) {
		char name[16];
		int32_t r = -1;
		snprintf(name, sizeof name, "e%d", k);
		good += call1(s, inst, name, NULL, 0, &r, &err) == EP_OK && r == k;
	}
	CHECK(good == (N + 36) / 37, "400 imports: %d calls right", good);
	uint32_t idx;
	CHECK(ep_module_export_find(m, "e399", 4, &idx) && idx == 399 &&
	      !ep_module_export_find(m, "e", 1, &idx) && !ep_module_export_find(m, "e400", 4, NULL),
	      "ep_module_export_find");
	ep_linker_free(l);
	ep_store_free(s);
	ep_module_free(m);
}

/* ---- memory, globals, tables from the host ---- */

static void test_objects(ep_engine *e)
{
	ep_module *m = load_fixture(e, "host");
	calls n = { 0, 0 };
	ep_error err = fresh();
	ep_store *s = ep_store_new(e, NULL);
	ep_linker *l = host_linker(e, &n, 1);
	ep_instance *inst;
	if (ep_linker_instantiate(l, s, m, &inst, &err) != EP_OK)
		FATAL("host", err.msg);
	ep_memory *mem = ep_instance_memory(inst);
	const uint64_t size = 65536;
	char buf[16];
	size_t len = 99;
	CHECK(ep_memory_pages(mem) == 1 && ep_memory_size(mem) == size, "one page");
	CHECK(ep_memory_read(mem, 16, buf, 6) == 0 && memcmp(buf, "hello", 6) == 0, "read hello");
	CHECK(ep_memory_strlen(mem, 16, 100, &len) == 0 && len == 5, "strlen hello: %zu", len);
	CHECK(ep_memory_strlen(mem, 22, 100, &len) == 0 && len == 5, "strlen world: %zu", len);
	CHECK(ep_memory_strlen(mem, 16, 5, &len) == -1, "strlen within 5 bytes: no NUL there");
	CHECK(ep_memory_strlen(mem, 16, 6, &len) == 0 && len == 5, "strlen within 6 bytes");
	CHECK(ep_memory_strlen(mem, size, 100, &len) == -1, "strlen at the end");
	CHECK(ep_memory_strlen(mem, UINT64_MAX, 100, &len) == -1, "strlen far out");
	/* A string that runs into the end of memory without a NUL. */
	memset(buf, 'x', sizeof buf);
	CHECK(ep_memory_write(mem, size - 4, buf, 4) == 0 &&
	      ep_memory_strlen(mem, size - 4, 100, &len) == -1, "strlen into the end");
	CHECK(ep_memory_read(mem, size - 1, buf, 1) == 0, "last byte");
	CHECK(ep_memory_read(mem, size, buf, 0) == 0, "0 bytes at the end");
	CHECK(ep_memory_read(mem, size, buf, 1) == -1, "one past the end");
	CHECK(ep_memory_read(mem, size - 1, buf, 2) == -1, "across the end");
	CHECK(ep_memory_read(mem, UINT64_MAX, buf, 2) == -1, "addr + len wraps");
	CHECK(ep_memory_read(mem, 1, buf, SIZE_MAX) == -1, "len SIZE_MAX");
	CHECK(ep_memory_ptr(mem, size, 0) == ep_memory_data(mem) + size, "end pointer");
	CHECK(ep_memory_ptr(mem, size, 1) == NULL && ep_memory_ptr(mem, UINT64_MAX, 1) == NULL &&
	      ep_memory_ptr(mem, 8, UINT64_MAX) == NULL && ep_memory_ptr(NULL, 0, 0) == NULL,
	      "pointers out of range");
	uint8_t last = 0xaa;
	ep_memory_write(mem, size - 1, &last, 1);
	CHECK(ep_memory_write(mem, size - 1, "zz", 2) == -1 &&
	      ep_memory_read(mem, size - 1, &last, 1) == 0 && last == 0xaa,
	      "a refused write writes nothing");

	/* memory.grow by the module: the helpers see the same bytes at the
	 * same addresses wherever the base went. */
	ep_memory_write(mem, 1000, "marker", 7);
	int32_t r = 0;
	ep_value three = val_i32(3);
	CHECK(call1(s, inst, "grow", &three, 1, &r, &err) == EP_OK && r == 1 &&
	      ep_memory_pages(mem) == 4 && ep_memory_size(mem) == 4 * size, "grow: %d", r);
	CHECK(ep_memory_read(mem, 1000, buf, 7) == 0 && strcmp(buf, "marker") == 0,
	      "marker after grow: %.7s", buf);
	CHECK(ep_memory_read(mem, 4 * size - 1, buf, 1) == 0 && buf[0] == 0 &&
	      ep_memory_read(mem, 4 * size, buf, 1) == -1, "the new end");
	ep_value at = val_i32(1000);
	CHECK(call1(s, inst, "load8", &at, 1, &r, &err) == EP_OK && r == 'm', "wasm reads %d", r);
	uint32_t old = 0;
	ep_status st = ep_memory_grow(s, mem, 1, &old, &err);
	CHECK(st == EP_ERR_LIMIT && ep_memory_pages(mem) == 4, "grow past max 4: %s", err.msg);
	CHECK(ep_memory_grow(s, mem, 0, &old, &err) == EP_OK && old == 4, "grow by 0");

	/* Globals. */
	ep_extern gm, gi, tab;
	ep_instance_export(inst, "gm", 2, &gm);
	ep_instance_export(inst, "gi", 2, &gi);
	ep_instance_export(inst, "tab", 3, &tab);
	uint8_t vt = 0;
	int mut = -1;
	ep_global_type(gi.of.global, &vt, &mut);
	CHECK(vt == EP_I64 && mut == 0, "gi: %#x %d", vt, mut);
	CHECK(ep_global_set(gm.of.global, val_i32(9), &err) == EP_OK &&
	      call1(s, inst, "get_gm", NULL, 0, &r, &err) == EP_OK && r == 9, "gm set to 9: %d", r);
	ep_value v64 = val_i32(1);
	v64.type = EP_I64;
	st = ep_global_set(gm.of.global, v64, &err);
	CHECK(st == EP_ERR_ARG && strstr(err.msg, "holds i32, not i64") &&
	      ep_global_get(gm.of.global).of.i32 == 9, "gm set to an i64: %s", err.msg);
	st = ep_global_set(gi.of.global, v64, &err);
	CHECK(st == EP_ERR_ARG && strstr(err.msg, "immutable") &&
	      ep_global_get(gi.of.global).of.i64 == 7, "gi set: %s", err.msg);

	/* Tables. */
	ep_table *t = tab.of.table;
	ep_value el;
	uint8_t rt = 0;
	uint32_t tsize = 0, tmax = 0;
	int has_max = 0;
	ep_table_type(t, &rt, &tsize, &tmax, &has_max);
	CHECK(rt == EP_FUNCREF && tsize == 2 && tmax == 10 && has_max == 1, "table type");
	CHECK(ep_table_get(t, 0, &el, &err) == EP_OK && el.type == EP_FUNCREF && el.of.ref,
	      "tab[0]: %s", err.msg);
	CHECK(ep_table_get(t, 1, &el, &err) == EP_OK && el.of.ref == NULL, "tab[1] null");
	st = ep_table_get(t, 2, &el, &err);
	CHECK(st == EP_ERR_ARG && strstr(err.msg, "index 2"), "tab[2]: %s", err.msg);
	ep_value f;
	memset(&f, 0, sizeof f);
	f.type = EP_EXTERNREF;
	f.of.ref = &n;
	st = ep_table_set(t, 1, f, &err);
	CHECK(st == EP_ERR_ARG && strstr(err.msg, "holds funcref, not externref"),
	      "externref into funcref: %s", err.msg);
	f.type = EP_FUNCREF;
	f.of.ref = export_func(inst, "get_gm");
	CHECK(ep_table_set(t, 1, f, &err) == EP_OK && ep_table_get(t, 1, &el, &err) == EP_OK &&
	      el.of.ref == f.of.ref, "tab[1] set");
	CHECK(ep_table_set(t, 2, f, &err) == EP_ERR_ARG, "tab[2] set");
	memset(&el, 0, sizeof el);
	el.type = EP_FUNCREF;
	CHECK(ep_table_grow(s, t, 3, el, &old, &err) == EP_OK && old == 2 && ep_table_size(t) == 5,
	      "table grow: %s", err.msg);
	st = ep_table_grow(s, t, 6, el, &old, &err);
	CHECK(st == EP_ERR_LIMIT && ep_table_size(t) == 5, "table grow past 10: %s", err.msg);
	el.type = EP_EXTERNREF;
	CHECK(ep_table_grow(s, t, 1, el, &old, &err) == EP_ERR_ARG, "grow with an externref");

	ep_linker_free(l);
	ep_store_free(s);
	ep_module_free(m);
}

/* ---- two stores side by side ---- */

static void test_two_stores(ep_engine *e)
{
	ep_module *m = load_fixture(e, "host");
	calls n = { 0, 0 };
	ep_error err = fresh();
	ep_linker *l = host_linker(e, &n, 1);
	ep_store *a = ep_store_new(e, NULL), *b = ep_store_new(e, NULL), *c = ep_store_new(e, NULL);
	int count_a = 0, count_b = 0;
	ep_store_set_data(a, &count_a);
	ep_store_set_data(b, &count_b);
	CHECK(ep_store_data(a) == &count_a && ep_store_data(c) == NULL, "store data");
	ep_instance *ia = NULL, *ib = NULL, *ic = NULL;
	if (ep_linker_instantiate(l, a, m, &ia, &err) != EP_OK ||
	    ep_linker_instantiate(l, b, m, &ib, &err) != EP_OK ||
	    ep_linker_instantiate(l, c, m, &ic, &err) != EP_OK)
		FATAL("three instances", err.msg);
	ep_store_set_fuel(a, 500);
	ep_value big = val_i32(1000000), small = val_i32(1000);
	int32_t r = -1;
	ep_status st = call1(a, ia, "spin", &big, 1, &r, &err);
	CHECK(st == EP_ERR_TRAP && err.trap == EP_TRAP_FUEL, "a runs out: %s", err.msg);
	/* b has no budget and runs while a is suspended. */
	CHECK(call1(b, ib, "spin", &small, 1, &r, &err) == EP_OK && r == 0, "b runs: %s", err.msg);
	CHECK(call1(c, ic, "spin", &small, 1, &r, &err) == EP_OK, "c runs: %s", err.msg);
	CHECK(ep_store_fuel_used(b) == ep_store_fuel_used(c) && ep_store_fuel_used(b) > 1000,
	      "same work, same fuel: %" PRIu64 " and %" PRIu64, ep_store_fuel_used(b),
	      ep_store_fuel_used(c));
	CHECK(ep_store_fuel_left(b) == UINT64_MAX && ep_store_fuel_used(a) <= 500 + 10000,
	      "budgets apart: a used %" PRIu64, ep_store_fuel_used(a));
	ep_value args[2] = { val_i32(1), val_i32(2) };
	st = call1(b, ib, "call_add", args, 2, &r, &err);
	CHECK(st == EP_OK && r == 3 && count_b == 1 && count_a == 0, "b's data: %d %d", count_a,
	      count_b);
	ep_store_add_fuel(a, UINT64_MAX);
	ep_value res[1];
	st = ep_resume(a, res, 1, &err);
	CHECK(st == EP_OK && res[0].of.i32 == 0, "a resumed: %s", err.msg);
	ep_linker_free(l);
	ep_store_free(a);
	ep_store_free(b);
	ep_store_free(c);
	ep_module_free(m);
}

/* ---- the no-copy load ---- */

/* A read-only copy of bytes in pages of its own: a write faults, and a
 * free() of it would crash the test. */
static uint8_t *read_only(const uint8_t *bytes, size_t len, size_t *maplen)
{
	*maplen = len ? len : 1;
	uint8_t *p = mmap(NULL, *maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		FATAL("mmap", NULL);
	memcpy(p, bytes, len);
	if (mprotect(p, *maplen, PROT_READ) != 0)
		FATAL("mprotect", NULL);
	return p;
}

static void test_static_load(void)
{
	char path[600];
	size_t len, maplen;
	snprintf(path, sizeof path, "%s/../oom/survey.wasm", fixture_dir);
	uint8_t *bytes = read_file(path, &len);
	uint8_t *ro = read_only(bytes, len, &maplen);
	size_t peak[2];
	for (int k = 0; k < 2; k++) {
		ep_engine *e = ep_engine_new(NULL, NULL);
		ep_module *m;
		ep_error err = fresh();
		ep_status st = k ? ep_module_load_static(e, ro, len, &m, &err)
		                 : ep_module_load(e, bytes, len, &m, &err);
		if (st != EP_OK)
			FATAL("survey.wasm", err.msg);
		peak[k] = ep_engine_peak_bytes(e);
		const uint8_t *data;
		size_t size;
		if (k && ep_module_custom_count(m) > 0 && ep_module_custom_section(m, 0, NULL, NULL, &data,
		                                                                    &size))
			CHECK(data >= ro && data + size <= ro + len, "a custom section outside the bytes");
		ep_module_free(m);
		CHECK(ep_engine_bytes(e) == 0, "load %d: %zu bytes left", k, ep_engine_bytes(e));
		ep_engine_free(e);
	}
	if (getenv("VERBOSE"))
		printf("survey.wasm: %zu bytes; engine peak %zu copied, %zu static\n", len, peak[0],
		       peak[1]);
	CHECK(peak[0] > peak[1] && peak[0] - peak[1] >= len - len / 20 &&
	      peak[0] - peak[1] <= len + 64, "peaks %zu and %zu for a module of %zu bytes", peak[0],
	      peak[1], len);
	CHECK(memcmp(ro, bytes, len) == 0, "the caller's bytes changed");
	munmap(ro, maplen);
	free(bytes);

	/* Data segments come from the caller's bytes too. */
	snprintf(path, sizeof path, "%s/host.wasm", fixture_dir);
	bytes = read_file(path, &len);
	ro = read_only(bytes, len, &maplen);
	ep_engine *e = ep_engine_new(NULL, NULL);
	ep_module *m;
	ep_error err = fresh();
	calls n = { 0, 0 };
	if (ep_module_load_static(e, ro, len, &m, &err) != EP_OK)
		FATAL("host.wasm static", err.msg);
	ep_store *s = ep_store_new(e, NULL);
	ep_linker *l = host_linker(e, &n, 1);
	ep_instance *inst;
	char buf[6] = "";
	CHECK(ep_linker_instantiate(l, s, m, &inst, &err) == EP_OK &&
	      ep_memory_read(ep_instance_memory(inst), 16, buf, 6) == 0 && strcmp(buf, "hello") == 0,
	      "static module's data: %s", err.msg);
	ep_linker_free(l);
	ep_store_free(s);
	ep_module_free(m);
	CHECK(ep_engine_bytes(e) == 0 && memcmp(ro, bytes, len) == 0, "static host.wasm freed");
	ep_engine_free(e);
	munmap(ro, maplen);
	free(bytes);
}

/* ---- lowering on first call ---- */

/* What lowering every function not yet lowered adds to the engine. */
static size_t lower_rest(ep_engine *e, ep_module *m)
{
	size_t before = ep_engine_bytes(e);
	ep_error err = fresh();
	CHECK(ep_module_lower(m, &err) == EP_OK, "ep_module_lower: %s", err.msg);
	return ep_engine_bytes(e) - before;
}

/* Calls name() -> one i32 and says how many bytes of code the call made. */
static size_t lazy_call(ep_engine *e, ep_store *s, ep_instance *inst, const char *name,
                        int32_t want)
{
	size_t before = ep_engine_bytes(e);
	ep_error err = fresh();
	int32_t got = 0;
	CHECK(call1(s, inst, name, NULL, 0, &got, &err) == EP_OK && got == want,
	      "%s: %d (%s)", name, (int)got, err.msg);
	return ep_engine_bytes(e) - before;
}

static void test_lazy(void)
{
	char path[512];
	snprintf(path, sizeof path, "%s/lazy.wasm", fixture_dir);
	size_t len;
	uint8_t *bytes = read_file(path, &len);
	ep_engine *e = ep_engine_new(NULL, NULL);
	ep_error err = fresh();
	ep_module *m = NULL, *ref = NULL;
	ep_store *s = ep_store_new(e, NULL), *s2 = ep_store_new(e, NULL);
	ep_instance *inst = NULL, *inst2 = NULL;
	if (!s || !s2 || ep_module_load(e, bytes, len, &m, &err) != EP_OK ||
	    ep_module_load(e, bytes, len, &ref, &err) != EP_OK ||
	    ep_instantiate(s, m, NULL, 0, &inst, &err) != EP_OK ||
	    ep_instantiate(s2, ref, NULL, 0, &inst2, &err) != EP_OK)
		FATAL("lazy.wasm", err.msg);
	/* The start function ran (lowered on its call); the rest of ref,
	 * lowered now, is what m's first calls must add up to. */
	size_t rest = lower_rest(e, ref);
	CHECK(rest > 0 && lower_rest(e, ref) == 0, "ep_module_lower: %zu bytes, then again", rest);

	size_t total = 0, d = lazy_call(e, s, inst, "g", 5);
	CHECK(d > 0, "the start function did not run, or g was lowered before: %zu", d);
	total += d;
	d = lazy_call(e, s, inst, "g", 5);
	CHECK(d == 0, "g lowered twice: %zu bytes", d);
	d = lazy_call(e, s, inst, "a", 7);
	CHECK(d > 0, "call: %zu bytes", d);
	total += d;
	d = lazy_call(e, s, inst, "b", 11);
	CHECK(d > 0, "call_indirect: %zu bytes", d);
	total += d;
	d = lazy_call(e, s, inst, "b", 11);
	CHECK(d == 0, "call_indirect lowered twice: %zu", d);

	/* A funcref from ref.func, first called by the host. */
	ep_value r[1];
	size_t before = ep_engine_bytes(e);
	CHECK(ep_call(s, export_func(inst, "ref"), NULL, 0, r, 1, &err) == EP_OK && r[0].of.ref,
	      "ref: %s", err.msg);
	ep_value v[1];
	CHECK(r[0].of.ref && ep_call(s, r[0].of.ref, NULL, 0, v, 1, &err) == EP_OK &&
	      v[0].of.i32 == 13, "ref.func'd function: %s", err.msg);
	total += ep_engine_bytes(e) - before;

	/* never is not lowered yet: under a runtime limit that leaves no room,
	 * its first call fails cleanly, and works once the room is back. */
	ep_engine_set_runtime_limit(e, ep_engine_bytes(e));
	ep_value arg = val_i32(3), res[1];
	ep_func *never = export_func(inst, "never");
	err = fresh();
	ep_status st = ep_call(s, never, &arg, 1, res, 1, &err);
	CHECK(st == EP_ERR_NOMEM && err.status == EP_ERR_NOMEM && err.trap == EP_TRAP_NONE &&
	      strstr(err.msg, "out of memory lowering function 8") && one_line(&err),
	      "never under the limit: %s, trap %d, \"%s\"", ep_status_name(st), err.trap, err.msg);
	ep_engine_set_runtime_limit(e, 0);
	before = ep_engine_bytes(e);
	CHECK(ep_call(s, never, &arg, 1, res, 1, &err) == EP_OK && ep_engine_bytes(e) > before,
	      "never after the limit: %s", err.msg);
	total += ep_engine_bytes(e) - before;
	/* Lazily or up front, the same code. */
	CHECK(lower_rest(e, m) == 0 && total == rest, "lowered on first call %zu bytes, up front %zu",
	      total, rest);
	/* A second instance shares the module's code: nothing more. */
	ep_instance *inst3;
	CHECK(ep_instantiate(s2, m, NULL, 0, &inst3, &err) == EP_OK &&
	      lazy_call(e, s2, inst3, "a", 7) == 0, "second instance: %s", err.msg);
	ep_store_free(s);
	ep_store_free(s2);
	ep_module_free(m);
	ep_module_free(ref);
	CHECK(ep_engine_bytes(e) == 0, "lazy: %zu bytes left", ep_engine_bytes(e));
	ep_engine_free(e);
	free(bytes);
}

/* ---- what lowering keeps between functions ---- */

static size_t put_leb(uint8_t *p, uint32_t v)
{
	size_t n = 0;
	do {
		p[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v);
	return n;
}

/* Two functions () -> i32 exported as "s" (i32.const 7, a short body) and
 * "l" (a body longer than EP_LOWER_KEEP bytes, then i32.const 9), in that
 * order of index. */
static uint8_t *short_long_module(size_t *len)
{
	uint32_t reps = EP_LOWER_KEEP / 5 + 8;   /* of 5 bytes, each lowered to some code */
	uint32_t lbody = 1 + reps * 5 + 3, sbody = 4;
	uint32_t code = 1 + 5 + sbody + 5 + lbody;
	uint8_t *b = malloc(64 + code);
	if (!b)
		FATAL("short_long_module", "out of memory");
	static const uint8_t head[] = {
		0, 'a', 's', 'm', 1, 0, 0, 0,
		1, 5, 1, 0x60, 0, 1, 0x7f,                 /* type () -> i32 */
		3, 3, 2, 0, 0,                             /* two functions */
		7, 9, 2, 1, 's', 0, 0, 1, 'l', 0, 1,       /* exports s, l */
	};
	size_t n = sizeof head;
	memcpy(b, head, n);
	b[n++] = 10;
	size_t size_at = n;
	n += 5;                        /* a 5-byte LEB128 for the section size */
	size_t start = n;
	b[n++] = 2;
	b[n++] = (uint8_t)sbody;
	static const uint8_t sfn[] = { 0, 0x41, 7, 0x0b };
	memcpy(b + n, sfn, sizeof sfn);
	n += sizeof sfn;
	n += put_leb(b + n, lbody);
	b[n++] = 0;                    /* no locals */
	for (uint32_t i = 0; i < reps; i++) {
		static const uint8_t rep[] = { 0x41, 1, 0x45, 0x1a, 0x01 };   /* i32.const 1, i32.eqz, drop, nop */
		memcpy(b + n, rep, sizeof rep);
		n += sizeof rep;
	}
	b[n++] = 0x41;
	b[n++] = 9;
	b[n++] = 0x0b;
	uint32_t secsize = (uint32_t)(n - start);
	for (int i = 0; i < 5; i++)
		b[size_at + i] = (uint8_t)(((secsize >> (7 * i)) & 0x7f) | (i < 4 ? 0x80 : 0));
	*len = n;
	return b;
}

static void test_lowering_kept(void)
{
	size_t len;
	uint8_t *bytes = short_long_module(&len);
	ep_engine *e = ep_engine_new(NULL, NULL);
	ep_error err = fresh();
	ep_module *ref = NULL, *m1 = NULL, *m2 = NULL;
	ep_store *s = ep_store_new(e, NULL);
	ep_instance *i1 = NULL, *i2 = NULL;
	if (!s || ep_module_load(e, bytes, len, &ref, &err) != EP_OK ||
	    ep_module_load(e, bytes, len, &m1, &err) != EP_OK ||
	    ep_module_load(e, bytes, len, &m2, &err) != EP_OK ||
	    ep_instantiate(s, m1, NULL, 0, &i1, &err) != EP_OK ||
	    ep_instantiate(s, m2, NULL, 0, &i2, &err) != EP_OK)
		FATAL("short_long_module", err.msg);
	/* Up front, the long body comes last: what lowering kept is freed
	 * after it, so this is the code alone. */
	size_t code = lower_rest(e, ref);
	/* Short then long: the same. */
	size_t got = lazy_call(e, s, i1, "s", 7);
	got += lazy_call(e, s, i1, "l", 9);
	CHECK(got == code, "short, then long: %zu bytes, the code alone %zu", got, code);
	/* Long then short: what the short one grew stays with the module. */
	got = lazy_call(e, s, i2, "l", 9);
	size_t kept = got + lazy_call(e, s, i2, "s", 7);
	CHECK(kept > code, "long, then short: %zu bytes, the code alone %zu", kept, code);
	ep_module_free(m2);
	ep_module *m3 = NULL;
	ep_instance *i3 = NULL;
	if (ep_module_load(e, bytes, len, &m3, &err) != EP_OK ||
	    ep_instantiate(s, m3, NULL, 0, &i3, &err) != EP_OK)
		FATAL("short_long_module", err.msg);
	/* With the short one's arrays kept, each refusal while the long one
	 * is lowered (growing them, or the code's own block) fails cleanly,
	 * and a later call lowers it all the same. */
	got = lazy_call(e, s, i3, "s", 7);
	size_t before = ep_engine_bytes(e), step = 0, fails = 0, unclean = 0;
	ep_status st;
	int32_t r = 0;
	/* One check for the whole sweep: how many steps it takes depends on
	 * the board's pointer size, and the tallies must not. */
	do {
		ep_engine_set_runtime_limit(e, before + step);
		err = fresh();
		st = call1(s, i3, "l", NULL, 0, &r, &err);
		if (st != EP_OK) {
			fails++;
			if (!(st == EP_ERR_NOMEM && strstr(err.msg, "out of memory lowering function 1") &&
			      one_line(&err)) && unclean++ == 0)
				fprintf(stderr, "l under a limit of %zu more bytes: %s \"%s\"\n", step,
				        ep_status_name(st), err.msg);
		}
		step += 64;
	} while (st == EP_ERR_NOMEM && step < 16 * code);
	CHECK(unclean == 0, "%zu of %zu refusals lowering l not clean", unclean, fails);
	ep_engine_set_runtime_limit(e, 0);
	got += ep_engine_bytes(e) - before;
	CHECK(st == EP_OK && r == 9 && fails > 1 && got == code,
	      "l after %zu refusals: %s, %d, %zu bytes against %zu", fails, ep_status_name(st),
	      (int)r, got, code);
	ep_store_free(s);
	ep_module_free(m3);
	ep_module_free(m1);
	ep_module_free(ref);
	CHECK(ep_engine_bytes(e) == 0, "lowering kept: %zu bytes left", ep_engine_bytes(e));
	ep_engine_free(e);
	free(bytes);
}

int main(int argc, char **argv)
{
	fixture_dir = argc > 1 ? argv[1] : "build/wasm/unit/api";
	test_version();
	test_names();
	test_constructors();
	ep_engine *e = ep_engine_new(NULL, NULL);
	test_linker(e);
	test_link_modules(e);
	test_many(e);
	test_objects(e);
	test_two_stores(e);
	CHECK(ep_engine_bytes(e) == 0, "%zu bytes left", ep_engine_bytes(e));
	ep_engine_free(e);
	test_static_load();
	test_lazy();
	test_lowering_kept();
	return check_summary();
}
