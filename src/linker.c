/*
 * linker.c - imports by name: definitions kept by module and field name in
 * a sorted array (binary search), and instantiation that resolves a
 * module's imports through it, making host functions (and, when asked,
 * trapping stubs for unknown functions) in the store on the way. Owns only
 * its definitions; store objects are made and matched through instance.c
 * (host_func_new, import_check), never by hand, and no wasm runs here
 * except through ep_instantiate.
 */
#include "fmt.h"
#include "internal.h"

#define INCOMPATIBLE "incompatible import type"

enum { DEF_HOST, DEF_EXTERN };

/* One definition, one allocation: this header, then "MODULE\0NAME\0", then
 * a host function's parameter and result types. */
typedef struct def {
	size_t size;                 /* bytes allocated */
	uint32_t mlen, nlen;
	uint8_t what;                /* DEF_* */
	ep_extern x;                 /* DEF_EXTERN */
	const ep_store *store;       /* DEF_EXTERN: its store when known, else NULL */
	ep_host_fn fn;               /* DEF_HOST */
	void *env;
	functype type;
	char text[];
} def;

/* defs is sorted by (module, name) as byte strings, shorter first on a
 * common prefix: lookups are binary searches, O(log n) per import, and a
 * definition costs a memmove of pointers. */
struct ep_linker {
	ep_engine *engine;
	def **defs;
	uint32_t ndefs, cap;
	int trap_unknown;
	const ep_module *only;       /* ep_linker_only: host functions it imports, no others */
};

static ep_status arg(ep_error *err, const char *fn)
{
	return ep_fail(err, EP_ERR_ARG, SIZE_MAX, UINT32_MAX, "%s: an argument is missing or invalid",
	               fn);
}

static ep_status nomem(ep_error *err)
{
	return ep_fail(err, EP_ERR_NOMEM, SIZE_MAX, UINT32_MAX, "out of memory in the linker");
}

static int cmp_bytes(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);
	return c ? c : (an > bn) - (an < bn);
}

/* The definition of module.name, or NULL; *at is where it is or would go. */
static def *find(const ep_linker *l, const char *mod, size_t mlen, const char *name,
                 size_t nlen, uint32_t *at)
{
	uint32_t lo = 0, hi = l->ndefs;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		def *d = l->defs[mid];
		int c = cmp_bytes(d->text, d->mlen, mod, mlen);
		if (c == 0)
			c = cmp_bytes(d->text + d->mlen + 1, d->nlen, name, nlen);
		if (c == 0) {
			if (at)
				*at = mid;
			return d;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (at)
		*at = lo;
	return NULL;
}

/* Room for more definitions; false (nothing changed) when out of memory. */
static bool reserve_defs(ep_linker *l, uint32_t more)
{
	if (more > UINT32_MAX / 4 - l->ndefs)
		return false;
	uint32_t need = l->ndefs + more, cap = l->cap ? l->cap : 16;
	if (need <= l->cap)
		return true;
	while (cap < need)
		cap *= 2;
	def **d = ep_realloc(l->engine, l->defs, (size_t)l->cap * sizeof *d, (size_t)cap * sizeof *d);
	if (!d)
		return false;
	l->defs = d;
	l->cap = cap;
	return true;
}

ep_status ep_linker_new(ep_engine *engine, ep_linker **out, ep_error *err)
{
	if (out)
		*out = NULL;
	if (!engine || !out)
		return arg(err, "ep_linker_new");
	ep_linker *l = ep_zalloc(engine, sizeof *l);
	if (!l)
		return nomem(err);
	l->engine = engine;
	*out = l;
	return EP_OK;
}

void ep_linker_free(ep_linker *l)
{
	if (!l)
		return;
	ep_engine *e = l->engine;
	for (uint32_t i = 0; i < l->ndefs; i++)
		ep_free(e, l->defs[i], l->defs[i]->size);
	ep_free(e, l->defs, (size_t)l->cap * sizeof *l->defs);
	ep_free(e, l, sizeof *l);
}

void ep_linker_set_trap_unknown(ep_linker *l, int on)
{
	if (l)
		l->trap_unknown = on != 0;
}

/* Whether module.name (nlen bytes, maybe holding NULs when it comes from a
 * module) may be defined: the names given, not too long, not taken. */
static ep_status check_name(const ep_linker *l, const char *module, const char *name,
                            size_t nlen, ep_error *err)
{
	if (!l || !module || !name || strlen(module) > UINT32_MAX / 2 || nlen > UINT32_MAX / 2)
		return arg(err, "ep_linker_define");
	if (find(l, module, strlen(module), name, nlen, NULL))
		return ep_fail(err, EP_ERR_ARG, SIZE_MAX, UINT32_MAX,
		               "ep_linker_define: %.64s.%.*s is already defined", module,
		               nlen > 64 ? 64 : (int)nlen, name);
	return EP_OK;
}

/* Adds a definition with extra bytes after its names, of kind what; room
 * was reserved and the name checked. */
static def *add(ep_linker *l, const char *module, const char *name, size_t nl, size_t extra,
                uint8_t what)
{
	size_t ml = strlen(module);
	size_t size = sizeof(def) + ml + nl + 2 + extra;
	def *d = ep_zalloc(l->engine, size);
	if (!d)
		return NULL;
	d->size = size;
	d->what = what;
	d->mlen = (uint32_t)ml;
	d->nlen = (uint32_t)nl;
	memcpy(d->text, module, ml);
	memcpy(d->text + ml + 1, name, nl);
	uint32_t at;
	find(l, module, ml, name, nl, &at);
	memmove(l->defs + at + 1, l->defs + at, (size_t)(l->ndefs - at) * sizeof *l->defs);
	l->defs[at] = d;
	l->ndefs++;
	return d;
}

/* Whether m imports module.name. Names are compared as C strings (the
 * module keeps them NUL-terminated): a name with a NUL inside can only
 * match too often, which costs a definition, never a missing one. */
static bool imported(const ep_module *m, const char *module, const char *name)
{
	for (uint32_t i = 0; i < m->nimports; i++)
		if (m->imports[i].name[0] == name[0] && strcmp(m->imports[i].name, name) == 0 &&
		    strcmp(m->imports[i].module, module) == 0)
			return true;
	return false;
}

void ep_linker_only(ep_linker *l, const ep_module *m)
{
	l->only = m;
}

ep_status ep_linker_define_func(ep_linker *l, const char *module, const char *name,
                                const ep_functype *type, ep_host_fn fn, void *env,
                                ep_error *err)
{
	/* With ep_linker_only a name the module does not import is skipped
	 * first, unchecked (ep_wasi_define's are all valid): no lookup would
	 * read it, and the search for an earlier definition was most of the
	 * cost. */
	if (l && module && name && l->only && !imported(l->only, module, name))
		return EP_OK;
	ep_status st = check_name(l, module, name, name ? strlen(name) : 0, err);
	if (st != EP_OK)
		return st;
	if (!fn || !functype_ok(type))
		return arg(err, "ep_linker_define_func");
	size_t ntypes = (size_t)type->nparams + type->nresults;
	def *d = reserve_defs(l, 1) ? add(l, module, name, strlen(name), ntypes, DEF_HOST) : NULL;
	if (!d)
		return nomem(err);
	uint8_t *types = (uint8_t *)d->text + d->mlen + d->nlen + 2;
	if (type->nparams)
		memcpy(types, type->params, type->nparams);
	if (type->nresults)
		memcpy(types + type->nparams, type->results, type->nresults);
	d->fn = fn;
	d->env = env;
	d->type.nparams = type->nparams;
	d->type.nresults = type->nresults;
	d->type.types = types;
	return EP_OK;
}

static bool extern_ok(const ep_extern *x)
{
	return x && x->kind <= EP_EXTERN_GLOBAL && x->of.func;
}

ep_status ep_linker_define(ep_linker *l, const char *module, const char *name,
                           const ep_extern *x, ep_error *err)
{
	ep_status st = check_name(l, module, name, name ? strlen(name) : 0, err);
	if (st != EP_OK)
		return st;
	if (!extern_ok(x))
		return arg(err, "ep_linker_define");
	def *d = reserve_defs(l, 1) ? add(l, module, name, strlen(name), 0, DEF_EXTERN) : NULL;
	if (!d)
		return nomem(err);
	d->x = *x;
	if (x->kind == EP_EXTERN_FUNC && x->of.func->inst)
		d->store = x->of.func->inst->store;
	return EP_OK;
}

ep_status ep_linker_define_instance(ep_linker *l, const char *module, const ep_instance *inst,
                                    ep_error *err)
{
	if (!inst)
		return arg(err, "ep_linker_define_instance");
	const ep_module *m = inst->module;
	for (uint32_t i = 0; i < m->nexports; i++) {
		const export_ *x = &m->exports[i];
		ep_status st = check_name(l, module, x->name, x->name_len, err);
		if (st != EP_OK)
			return st;
	}
	if (!reserve_defs(l, m->nexports))
		return nomem(err);
	for (uint32_t i = 0; i < m->nexports; i++) {
		const export_ *x = &m->exports[i];
		def *d = add(l, module, x->name, x->name_len, 0, DEF_EXTERN);
		if (!d) {
			/* All or nothing: take out what this call added. */
			for (uint32_t k = 0; k < i; k++) {
				uint32_t at;
				const export_ *y = &m->exports[k];
				def *z = find(l, module, strlen(module), y->name, y->name_len, &at);
				memmove(l->defs + at, l->defs + at + 1,
				        (size_t)(l->ndefs - at - 1) * sizeof *l->defs);
				l->ndefs--;
				ep_free(l->engine, z, z->size);
			}
			return nomem(err);
		}
		d->x = instance_extern(inst, i);
		d->store = inst->store;
	}
	return EP_OK;
}

/* What an unknown function import does under ep_linker_set_trap_unknown:
 * env is the message, owned by the function. */
static ep_trap stub(ep_caller *caller, void *env, const ep_value *args, ep_value *results)
{
	(void)args;
	(void)results;
	ep_caller_set_message(caller, env);
	return EP_TRAP_HOST;
}

static void to_functype(const functype *t, ep_functype *out)
{
	out->nparams = t->nparams;
	out->nresults = t->nresults;
	out->params = t->types;
	out->results = t->types ? t->types + t->nparams : NULL;
}

/* Import i of m as l resolves it, into *x: an extern as defined, or a host
 * function (a stub under trap_unknown) made in s. */
static ep_status link_one(const ep_linker *l, ep_store *s, const ep_module *m, uint32_t i,
                          ep_extern *x, ep_error *err)
{
	const import *im = &m->imports[i];
	const def *d = find(l, im->module, im->module_len, im->name, im->name_len, NULL);
	ep_functype ft;
	if (d && d->what == DEF_EXTERN) {
		if (d->store && d->store != s)
			return import_fail(err, im, INCOMPATIBLE, ": defined in another store");
		*x = d->x;
		return import_check(m, i, x, err);
	}
	if (d && im->kind != EP_EXTERN_FUNC) {
		char rest[48];
		ep_snprintf(rest, sizeof rest, ": expected %s, got function",
		            ep_extern_kind_name(im->kind));
		return import_fail(err, im, INCOMPATIBLE, rest);
	}
	if (!d && (!l->trap_unknown || im->kind != EP_EXTERN_FUNC))
		return import_fail(err, im, "unknown import",
		                   l->trap_unknown ? " (only functions can be stubs)" : "");
	x->kind = EP_EXTERN_FUNC;
	if (d) {
		ep_status st = import_func_check(m, i, &d->type, err);
		if (st != EP_OK)
			return st;
		to_functype(&d->type, &ft);
		x->of.func = host_func_new(s, &ft, d->fn, d->env, 0);
	} else {
		ep_error msg;
		import_fail(&msg, im, "unknown import", " called");
		size_t len = strlen(msg.msg) + 1;
		to_functype(&m->types[im->of.type], &ft);
		x->of.func = host_func_new(s, &ft, stub, NULL, len);
		if (x->of.func)
			memcpy(x->of.func->env, msg.msg, len);
	}
	return x->of.func ? EP_OK : nomem(err);
}

ep_status ep_linker_instantiate(ep_linker *l, ep_store *s, const ep_module *m,
                                ep_instance **out, ep_error *err)
{
	ep_error local;
	if (!err)
		err = &local;
	if (out)
		*out = NULL;
	if (!l || !s || !m)
		return arg(err, "ep_linker_instantiate");
	ep_extern *imports = ep_zalloc_array(s->engine, m->nimports, sizeof *imports);
	if (!imports)
		return nomem(err);
	/* Host functions made here are undone when instantiation fails before
	 * the instance joins the store: nothing can refer to them then. */
	struct obj *mark = s->objects;
	ep_instance *first = s->instances;
	ep_status st = EP_OK;
	for (uint32_t i = 0; st == EP_OK && i < m->nimports; i++)
		st = link_one(l, s, m, i, &imports[i], err);
	if (st == EP_OK)
		st = ep_instantiate(s, m, imports, m->nimports, out, err);
	if (st != EP_OK && s->instances == first)
		store_rollback(s, mark);
	ep_free(s->engine, imports, (size_t)m->nimports * sizeof *imports);
	return st;
}
