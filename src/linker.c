/*
 * linker.c - imports by name: definitions kept by module and field name in
 * an open-addressing hash table, and instantiation that resolves a
 * module's imports through it, making host functions (and, when asked,
 * trapping stubs for unknown functions) in the store on the way. Owns only
 * its definitions; store objects are made and matched through instance.c
 * (host_func_new, import_check), never by hand, and no wasm runs here
 * except through ep_instantiate.
 */
#include "internal.h"

enum { DEF_HOST, DEF_EXTERN };

/* One definition, one allocation: this header, then "MODULE\0NAME\0", then
 * a host function's parameter and result types. */
typedef struct def {
	size_t size;                 /* bytes allocated */
	uint32_t hash, mlen, nlen;
	uint8_t what;                /* DEF_* */
	ep_extern x;                 /* DEF_EXTERN */
	const ep_store *store;       /* DEF_EXTERN: its store when known, else NULL */
	ep_host_fn fn;               /* DEF_HOST */
	void *env;
	functype type;
	char text[];
} def;

struct ep_linker {
	ep_engine *engine;
	def **defs;                  /* in definition order */
	uint32_t ndefs, cap;
	/* defs index + 1 (0: empty) by hash; nslots is a power of two at
	 * least twice ndefs, so probes stay short and always end. */
	uint32_t *slots;
	uint32_t nslots;
	int trap_unknown;
};

static ep_status arg(ep_error *err, const char *what)
{
	return ep_fail(err, EP_ERR_ARG, SIZE_MAX, UINT32_MAX, "%s", what);
}

static ep_status nomem(ep_error *err)
{
	return ep_fail(err, EP_ERR_NOMEM, SIZE_MAX, UINT32_MAX, "out of memory in the linker");
}

/* FNV-1a over the module name, a 0 (which neither name can hold when it
 * comes as a C string), and the field name. */
static uint32_t name_hash(const char *mod, size_t mlen, const char *name, size_t nlen)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i <= mlen + nlen; i++) {
		uint8_t c = i < mlen ? (uint8_t)mod[i] : i == mlen ? 0 : (uint8_t)name[i - mlen - 1];
		h = (h ^ c) * 16777619u;
	}
	return h;
}

/* The slot holding module.name, or the empty slot where it would go. */
static uint32_t *find_slot(const ep_linker *l, uint32_t h, const char *mod, size_t mlen,
                           const char *name, size_t nlen)
{
	uint32_t mask = l->nslots - 1;
	for (uint32_t i = h & mask;; i = (i + 1) & mask) {
		uint32_t *slot = &l->slots[i];
		if (*slot == 0)
			return slot;
		const def *d = l->defs[*slot - 1];
		if (d->hash == h && d->mlen == mlen && d->nlen == nlen &&
		    memcmp(d->text, mod, mlen) == 0 && memcmp(d->text + mlen + 1, name, nlen) == 0)
			return slot;
	}
}

static const def *lookup(const ep_linker *l, const char *mod, size_t mlen, const char *name,
                         size_t nlen)
{
	if (l->ndefs == 0)
		return NULL;
	uint32_t *slot = find_slot(l, name_hash(mod, mlen, name, nlen), mod, mlen, name, nlen);
	return *slot ? l->defs[*slot - 1] : NULL;
}

/* Room for more definitions in both arrays, the hash table rebuilt at its
 * new size; false (nothing changed) when out of memory. */
static bool reserve_defs(ep_linker *l, uint32_t more)
{
	ep_engine *e = l->engine;
	if (more > UINT32_MAX / 4 - l->ndefs)
		return false;
	uint32_t need = l->ndefs + more;
	if (need > l->cap) {
		uint32_t cap = l->cap ? l->cap : 16;
		while (cap < need)
			cap *= 2;
		def **d = ep_realloc(e, l->defs, (size_t)l->cap * sizeof *d, (size_t)cap * sizeof *d);
		if (!d)
			return false;
		l->defs = d;
		l->cap = cap;
	}
	if ((uint64_t)need * 2 <= l->nslots)
		return true;
	uint32_t n = l->nslots ? l->nslots : 32;
	while (n < need * 2)
		n *= 2;
	uint32_t *slots = ep_zalloc_array(e, n, sizeof *slots);
	if (!slots)
		return false;
	ep_free(e, l->slots, (size_t)l->nslots * sizeof *slots);
	l->slots = slots;
	l->nslots = n;
	for (uint32_t i = 0; i < l->ndefs; i++) {
		const def *d = l->defs[i];
		*find_slot(l, d->hash, d->text, d->mlen, d->text + d->mlen + 1, d->nlen) = i + 1;
	}
	return true;
}

ep_status ep_linker_new(ep_engine *engine, ep_linker **out, ep_error *err)
{
	if (out)
		*out = NULL;
	if (!engine || !out)
		return arg(err, "ep_linker_new: engine and out are required");
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
	ep_free(e, l->slots, (size_t)l->nslots * sizeof *l->slots);
	ep_free(e, l, sizeof *l);
}

void ep_linker_set_trap_unknown(ep_linker *l, int on)
{
	l->trap_unknown = on != 0;
}

/* Whether module.name may be defined: the names given, not too long, not
 * taken. */
static ep_status check_name(const ep_linker *l, const char *module, const char *name,
                            ep_error *err)
{
	if (!l || !module || !name)
		return arg(err, "ep_linker_define: linker, module and name are required");
	size_t ml = strlen(module), nl = strlen(name);
	if (ml > UINT32_MAX / 2 || nl > UINT32_MAX / 2)
		return arg(err, "ep_linker_define: name too long");
	if (lookup(l, module, ml, name, nl))
		return ep_fail(err, EP_ERR_ARG, SIZE_MAX, UINT32_MAX,
		               "ep_linker_define: %.64s.%.64s is already defined", module, name);
	return EP_OK;
}

/* Adds a definition with extra bytes after its names; room was reserved. */
static def *add(ep_linker *l, const char *module, const char *name, size_t extra)
{
	size_t ml = strlen(module), nl = strlen(name);
	size_t size = sizeof(def) + ml + nl + 2 + extra;
	def *d = ep_zalloc(l->engine, size);
	if (!d)
		return NULL;
	d->size = size;
	d->mlen = (uint32_t)ml;
	d->nlen = (uint32_t)nl;
	d->hash = name_hash(module, ml, name, nl);
	memcpy(d->text, module, ml + 1);
	memcpy(d->text + ml + 1, name, nl + 1);
	l->defs[l->ndefs++] = d;
	*find_slot(l, d->hash, module, ml, name, nl) = l->ndefs;
	return d;
}

ep_status ep_linker_define_func(ep_linker *l, const char *module, const char *name,
                                const ep_functype *type, ep_host_fn fn, void *env,
                                ep_error *err)
{
	ep_status st = check_name(l, module, name, err);
	if (st != EP_OK)
		return st;
	if (!fn || !functype_ok(type))
		return arg(err, "ep_linker_define_func: no function, or a bad type");
	size_t ntypes = (size_t)type->nparams + type->nresults;
	def *d = reserve_defs(l, 1) ? add(l, module, name, ntypes) : NULL;
	if (!d)
		return nomem(err);
	uint8_t *types = (uint8_t *)d->text + d->mlen + d->nlen + 2;
	if (type->nparams)
		memcpy(types, type->params, type->nparams);
	if (type->nresults)
		memcpy(types + type->nparams, type->results, type->nresults);
	d->what = DEF_HOST;
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
	ep_status st = check_name(l, module, name, err);
	if (st != EP_OK)
		return st;
	if (!extern_ok(x))
		return arg(err, "ep_linker_define: no extern");
	def *d = reserve_defs(l, 1) ? add(l, module, name, 0) : NULL;
	if (!d)
		return nomem(err);
	d->what = DEF_EXTERN;
	d->x = *x;
	if (x->kind == EP_EXTERN_FUNC && x->of.func->inst)
		d->store = x->of.func->inst->store;
	return EP_OK;
}

ep_status ep_linker_define_instance(ep_linker *l, const char *module, const ep_instance *inst,
                                    ep_error *err)
{
	if (!inst)
		return arg(err, "ep_linker_define_instance: no instance");
	const ep_module *m = inst->module;
	for (uint32_t i = 0; i < m->nexports; i++) {
		ep_status st = check_name(l, module, m->exports[i].name, err);
		if (st != EP_OK)
			return st;
	}
	if (!reserve_defs(l, m->nexports))
		return nomem(err);
	uint32_t before = l->ndefs;
	for (uint32_t i = 0; i < m->nexports; i++) {
		def *d = add(l, module, m->exports[i].name, 0);
		if (!d) {
			/* All or nothing: drop what this call added. */
			while (l->ndefs > before) {
				def *x = l->defs[--l->ndefs];
				ep_free(l->engine, x, x->size);
			}
			l->ndefs = before;
			memset(l->slots, 0, (size_t)l->nslots * sizeof *l->slots);
			for (uint32_t k = 0; k < l->ndefs; k++) {
				const def *y = l->defs[k];
				*find_slot(l, y->hash, y->text, y->mlen, y->text + y->mlen + 1, y->nlen) = k + 1;
			}
			return nomem(err);
		}
		d->what = DEF_EXTERN;
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

/* Checks import i of m against what l has for it, before anything is made. */
static ep_status resolve(const ep_linker *l, const ep_store *s, const ep_module *m, uint32_t i,
                         ep_error *err)
{
	const import *im = &m->imports[i];
	const def *d = lookup(l, im->module, im->module_len, im->name, im->name_len);
	if (!d) {
		if (l->trap_unknown && im->kind == EP_EXTERN_FUNC)
			return EP_OK;
		return import_fail(err, im, "unknown import",
		                   l->trap_unknown ? " (only functions can be stubs)" : "");
	}
	if (d->what == DEF_EXTERN) {
		if (d->store && d->store != s)
			return import_fail(err, im, "incompatible import type",
			                   ": defined in another store");
		return import_check(m, i, &d->x, err);
	}
	if (im->kind != EP_EXTERN_FUNC)
		return import_fail(err, im, "incompatible import type",
		                   im->kind == EP_EXTERN_TABLE ? ": expected table, got function"
		                   : im->kind == EP_EXTERN_MEMORY ? ": expected memory, got function"
		                   : ": expected global, got function");
	return import_func_check(m, i, &d->type, err);
}

/* The extern for import i (resolved already), host functions and stubs
 * made in s; false when out of memory. */
static bool make(const ep_linker *l, ep_store *s, const ep_module *m, uint32_t i, ep_extern *x)
{
	const import *im = &m->imports[i];
	const def *d = lookup(l, im->module, im->module_len, im->name, im->name_len);
	ep_functype ft;
	if (d && d->what == DEF_EXTERN) {
		*x = d->x;
		return true;
	}
	x->kind = EP_EXTERN_FUNC;
	if (d) {
		to_functype(&d->type, &ft);
		x->of.func = host_func_new(s, &ft, d->fn, d->env, 0);
		return x->of.func != NULL;
	}
	ep_error msg;
	import_fail(&msg, im, "unknown import", " called");
	size_t len = strlen(msg.msg) + 1;
	to_functype(&m->types[im->of.type], &ft);
	x->of.func = host_func_new(s, &ft, stub, NULL, len);
	if (x->of.func)
		memcpy(x->of.func->env, msg.msg, len);
	return x->of.func != NULL;
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
		return arg(err, "ep_linker_instantiate: linker, store and module are required");
	for (uint32_t i = 0; i < m->nimports; i++) {
		ep_status st = resolve(l, s, m, i, err);
		if (st != EP_OK)
			return st;
	}
	ep_extern *imports = ep_zalloc_array(s->engine, m->nimports, sizeof *imports);
	if (!imports)
		return nomem(err);
	/* Host functions made here are undone when instantiation fails before
	 * the instance joins the store: nothing can refer to them then. */
	struct obj *mark = s->objects;
	ep_instance *first = s->instances;
	ep_status st = EP_OK;
	for (uint32_t i = 0; st == EP_OK && i < m->nimports; i++)
		if (!make(l, s, m, i, &imports[i]))
			st = nomem(err);
	if (st == EP_OK)
		st = ep_instantiate(s, m, imports, m->nimports, out, err);
	if (st != EP_OK && s->instances == first)
		store_rollback(s, mark);
	ep_free(s->engine, imports, (size_t)m->nimports * sizeof *imports);
	return st;
}
