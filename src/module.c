/*
 * module.c - the module above the stages: the load pipeline (decode, with
 * validate.c typing each body as it is read, then the rest of validation,
 * then lower what must be, then the name section; every other body is
 * lowered on its first call, module_code), free, and every public query of
 * a loaded module, plus the names of statuses, traps, types, features and
 * sections. The stages never call each other; only this file calls them
 * or connects them (decode.c's body_typer).
 * It reads the binary only through decode.c's readers and never touches
 * runtime objects.
 */
#include "internal.h"

/* ---- the name section ---- */

/*
 * The name section is read after the module is known to be valid, and
 * tolerantly: custom sections cannot make a module invalid, so one that does
 * not decode (bad LEB, bad UTF-8, subsections out of order, function indices
 * unsorted or out of range, sizes that do not add up) is ignored whole.
 * Names stay in the module's copy of the binary; only the index map is
 * allocated.
 */
typedef struct names {
	bool has_name;
	size_t name_off;
	uint32_t name_len;
	uint32_t nfuncs;
	funcname *funcs;
} names;

/* Returns false when malformed; *st is set only on allocator refusal. */
static bool parse_funcnames(ep_module *m, size_t pos, size_t end, names *out, ep_status *st,
                            ep_error *err)
{
	uint32_t n;
	if (!decode_u32(m->bytes, end, &pos, &n) || n > end - pos)
		return false;
	if (n == 0)
		return pos == end;
	out->funcs = ep_zalloc_array(m->engine, n, sizeof *out->funcs);
	if (!out->funcs) {
		*st = ep_fail(err, EP_ERR_NOMEM, pos, UINT32_MAX, "out of memory reading the name section");
		return false;
	}
	out->nfuncs = n;
	for (uint32_t i = 0; i < n; i++) {
		funcname *fn = &out->funcs[i];
		if (!decode_u32(m->bytes, end, &pos, &fn->func) || fn->func >= m->nfuncs ||
		    (i > 0 && fn->func <= out->funcs[i - 1].func))
			return false;
		if (!decode_name(m->bytes, end, &pos, &fn->off, &fn->len))
			return false;
	}
	return pos == end;
}

static bool parse_names(ep_module *m, const custominfo *c, names *out, ep_status *st, ep_error *err)
{
	size_t pos = c->off, end = c->off + c->size;
	int last = -1;
	while (pos < end) {
		uint8_t id = m->bytes[pos++];
		uint32_t size;
		if ((int)id <= last || !decode_u32(m->bytes, end, &pos, &size) || size > end - pos)
			return false;
		last = id;
		size_t sub_end = pos + size;
		if (id == 0) {
			if (!decode_name(m->bytes, sub_end, &pos, &out->name_off, &out->name_len) ||
			    pos != sub_end)
				return false;
			out->has_name = true;
		} else if (id == 1) {
			if (!parse_funcnames(m, pos, sub_end, out, st, err))
				return false;
		}
		/* Other subsections (locals, labels, ...) are not read. */
		pos = sub_end;
	}
	return true;
}

static void funcnames_free(ep_engine *e, funcname *f, uint32_t n)
{
	ep_free(e, f, (size_t)n * sizeof *f);
}

/* Only the first "name" section counts, as in the reference interpreter. */
static ep_status read_names(ep_module *m, ep_error *err)
{
	for (uint32_t i = 0; i < m->ncustoms; i++) {
		const custominfo *c = &m->customs[i];
		if (c->name_len != 4 || memcmp(m->bytes + c->name_off, "name", 4) != 0)
			continue;
		names nm = { 0 };
		ep_status st = EP_OK;
		if (parse_names(m, c, &nm, &st, err)) {
			m->has_name = nm.has_name;
			m->name_off = nm.name_off;
			m->name_len = nm.name_len;
			m->funcnames = nm.funcs;
			m->nfuncnames = nm.nfuncs;
			return EP_OK;
		}
		funcnames_free(m->engine, nm.funcs, nm.nfuncs);
		return st;
	}
	return EP_OK;
}

/* ---- load and free ---- */

/* Lowering on first call is the one write to a loaded module, hence the
 * cast: the API's "used by one thread at a time" covers it. */
const lowered *module_code(const ep_module *m, uint32_t funcidx, ep_error *err)
{
	ep_module *w = (ep_module *)m;
	if (!w->funcs[funcidx].code && lower_func_now(w, funcidx, err) != EP_OK)
		return NULL;
	return w->funcs[funcidx].code;
}

/* Frees all the module holds, the struct included. */
static void module_destroy(ep_module *m)
{
	ep_engine *e = m->engine;
	for (uint32_t i = 0; m->funcs && i < m->nfuncs; i++)
		if (m->funcs[i].code)
			lowered_free(e, m->funcs[i].code);
	lower_release(m);
	funcnames_free(e, m->funcnames, m->nfuncnames);
	module_release(m);
	ep_free(e, m, sizeof *m);
}

/* copy: the module keeps a copy of the binary; else it reads the caller's
 * bytes for as long as it lives. */
static ep_status load(ep_engine *engine, const uint8_t *bytes, size_t len, bool copy,
                      ep_module **out, ep_error *err)
{
	if (out)
		*out = NULL;
	if (!engine || !out || (!bytes && len))
		return ep_fail(err, EP_ERR_ARG, SIZE_MAX, UINT32_MAX,
		               "ep_module_load: engine, bytes and out are required");
	ep_module *m = ep_zalloc(engine, sizeof *m);
	if (!m)
		return ep_fail(err, EP_ERR_NOMEM, SIZE_MAX, UINT32_MAX, "out of memory");
	m->engine = engine;
	/* The binary lives as long as the module: constant expressions, data
	 * segments, custom sections and names are read from it. */
	if (copy) {
		uint8_t *b = ep_alloc(engine, len);
		if (!b) {
			ep_free(engine, m, sizeof *m);
			return ep_fail(err, EP_ERR_NOMEM, SIZE_MAX, UINT32_MAX, "out of memory");
		}
		if (len)
			memcpy(b, bytes, len);
		m->bytes = b;
	} else {
		/* A 0-byte binary still needs an address for the decoder's reads,
		 * which it never makes past len. */
		static const uint8_t none[1];
		m->bytes = len ? bytes : none;
		m->borrowed = true;
	}
	m->len = len;

	vstate *v = validate_new(m, err);
	ep_status st = v ? decode_module(m, validate_body, v, err) : EP_ERR_NOMEM;
	if (st == EP_OK)
		st = validate_finish(v);
	validate_free(v);
	if (st == EP_OK)
		st = lower_module(m, err);
	if (st == EP_OK)
		st = read_names(m, err);
	if (st != EP_OK) {
		module_destroy(m);
		return st;
	}
	*out = m;
	return EP_OK;
}

ep_status ep_module_load(ep_engine *engine, const uint8_t *bytes, size_t len,
                         ep_module **out, ep_error *err)
{
	return load(engine, bytes, len, true, out, err);
}

ep_status ep_module_load_static(ep_engine *engine, const uint8_t *bytes, size_t len,
                                ep_module **out, ep_error *err)
{
	return load(engine, bytes, len, false, out, err);
}

ep_status ep_module_lower(ep_module *m, ep_error *err)
{
	for (uint32_t i = m ? m->nfunc_imports : 0; m && i < m->nfuncs; i++)
		if (!module_code(m, i, err))
			return EP_ERR_NOMEM;
	return m ? EP_OK : ep_fail(err, EP_ERR_ARG, SIZE_MAX, UINT32_MAX,
	                           "ep_module_lower: module is required");
}

void ep_module_free(ep_module *m)
{
	if (m)
		module_destroy(m);
}

/* ---- imports and exports ---- */

static void to_functype(const functype *ft, ep_functype *type)
{
	if (!type)
		return;
	type->nparams = ft->nparams;
	type->nresults = ft->nresults;
	type->params = ft->types;
	type->results = ft->types ? ft->types + ft->nparams : NULL;
}

/* Type indices are validated, but a query may come for any index. */
static int typeidx_functype(const ep_module *m, uint32_t t, ep_functype *type)
{
	if (t >= m->ntypes)
		return 0;
	to_functype(&m->types[t], type);
	return 1;
}

uint32_t ep_module_import_count(const ep_module *m)
{
	return m ? m->nimports : 0;
}

void ep_module_import(const ep_module *m, uint32_t i, const char **module,
                      size_t *module_len, const char **name, size_t *name_len,
                      uint8_t *kind)
{
	const import *im = m && i < m->nimports ? &m->imports[i] : NULL;
	if (module)
		*module = im ? im->module : NULL;
	if (module_len)
		*module_len = im ? im->module_len : 0;
	if (name)
		*name = im ? im->name : NULL;
	if (name_len)
		*name_len = im ? im->name_len : 0;
	if (kind)
		*kind = im ? im->kind : 0;
}

int ep_module_import_functype(const ep_module *m, uint32_t i, ep_functype *type)
{
	if (!m || i >= m->nimports || m->imports[i].kind != EP_EXTERN_FUNC)
		return 0;
	return typeidx_functype(m, m->imports[i].of.type, type);
}

uint32_t ep_module_export_count(const ep_module *m)
{
	return m ? m->nexports : 0;
}

void ep_module_export(const ep_module *m, uint32_t i, const char **name,
                      size_t *name_len, uint8_t *kind)
{
	const export_ *ex = m && i < m->nexports ? &m->exports[i] : NULL;
	if (name)
		*name = ex ? ex->name : NULL;
	if (name_len)
		*name_len = ex ? ex->name_len : 0;
	if (kind)
		*kind = ex ? ex->kind : 0;
}

int ep_module_export_find(const ep_module *m, const char *name, size_t len, uint32_t *index)
{
	if (!m || (len && !name))
		return 0;
	for (uint32_t i = 0; i < m->nexports; i++) {
		const export_ *x = &m->exports[i];
		if (x->name_len == len && (len == 0 || memcmp(x->name, name, len) == 0)) {
			if (index)
				*index = i;
			return 1;
		}
	}
	return 0;
}

uint32_t ep_module_export_index(const ep_module *m, uint32_t i)
{
	return m && i < m->nexports ? m->exports[i].index : UINT32_MAX;
}

int ep_module_export_functype(const ep_module *m, uint32_t i, ep_functype *type)
{
	if (!m || i >= m->nexports || m->exports[i].kind != EP_EXTERN_FUNC)
		return 0;
	return ep_module_func_type(m, m->exports[i].index, type);
}

/* ---- index spaces and declarations ---- */

uint32_t ep_module_count(const ep_module *m, uint8_t kind)
{
	if (!m)
		return 0;
	switch (kind) {
	case EP_EXTERN_FUNC: return m->nfuncs;
	case EP_EXTERN_TABLE: return m->ntables;
	case EP_EXTERN_MEMORY: return m->nmems;
	case EP_EXTERN_GLOBAL: return m->nglobals;
	default: return 0;
	}
}

uint32_t ep_module_imported(const ep_module *m, uint8_t kind)
{
	if (!m)
		return 0;
	switch (kind) {
	case EP_EXTERN_FUNC: return m->nfunc_imports;
	case EP_EXTERN_TABLE: return m->ntable_imports;
	case EP_EXTERN_MEMORY: return m->nmem_imports;
	case EP_EXTERN_GLOBAL: return m->nglobal_imports;
	default: return 0;
	}
}

uint32_t ep_module_type_count(const ep_module *m)
{
	return m ? m->ntypes : 0;
}

int ep_module_type(const ep_module *m, uint32_t typeidx, ep_functype *type)
{
	return m ? typeidx_functype(m, typeidx, type) : 0;
}

uint32_t ep_module_func_typeidx(const ep_module *m, uint32_t funcidx)
{
	return m && funcidx < m->nfuncs ? m->funcs[funcidx].type : UINT32_MAX;
}

int ep_module_func_type(const ep_module *m, uint32_t funcidx, ep_functype *type)
{
	if (!m || funcidx >= m->nfuncs)
		return 0;
	return typeidx_functype(m, m->funcs[funcidx].type, type);
}

static void put_limits(const limits *lim, uint32_t *min, uint32_t *max, int *has_max)
{
	if (min)
		*min = lim->min;
	if (max)
		*max = lim->has_max ? lim->max : 0;
	if (has_max)
		*has_max = lim->has_max;
}

int ep_module_table(const ep_module *m, uint32_t i, uint8_t *reftype,
                    uint32_t *min, uint32_t *max, int *has_max)
{
	if (!m || i >= m->ntables)
		return 0;
	if (reftype)
		*reftype = m->tables[i].reftype;
	put_limits(&m->tables[i].lim, min, max, has_max);
	return 1;
}

int ep_module_memory(const ep_module *m, uint32_t i, uint32_t *min,
                     uint32_t *max, int *has_max)
{
	if (!m || i >= m->nmems)
		return 0;
	put_limits(&m->mems[i], min, max, has_max);
	return 1;
}

int ep_module_global(const ep_module *m, uint32_t i, uint8_t *valtype, int *mutable_)
{
	if (!m || i >= m->nglobals)
		return 0;
	if (valtype)
		*valtype = m->globals[i].type.valtype;
	if (mutable_)
		*mutable_ = m->globals[i].type.mut;
	return 1;
}

int ep_module_start(const ep_module *m, uint32_t *funcidx)
{
	if (!m || !m->has_start)
		return 0;
	if (funcidx)
		*funcidx = m->start;
	return 1;
}

/* ---- sections, custom sections, names, features ---- */

uint32_t ep_module_section_count(const ep_module *m)
{
	return m ? m->nsections : 0;
}

int ep_module_section(const ep_module *m, uint32_t i, uint8_t *id,
                      size_t *offset, size_t *size)
{
	if (!m || i >= m->nsections)
		return 0;
	if (id)
		*id = m->sections[i].id;
	if (offset)
		*offset = m->sections[i].off;
	if (size)
		*size = m->sections[i].size;
	return 1;
}

uint32_t ep_module_custom_count(const ep_module *m)
{
	return m ? m->ncustoms : 0;
}

int ep_module_custom_section(const ep_module *m, uint32_t i, const char **name,
                             size_t *name_len, const uint8_t **data, size_t *size)
{
	if (!m || i >= m->ncustoms)
		return 0;
	const custominfo *c = &m->customs[i];
	if (name)
		*name = (const char *)m->bytes + c->name_off;
	if (name_len)
		*name_len = c->name_len;
	if (data)
		*data = m->bytes + c->off;
	if (size)
		*size = c->size;
	return 1;
}

int ep_module_name(const ep_module *m, const char **name, size_t *len)
{
	if (!m || !m->has_name)
		return 0;
	if (name)
		*name = (const char *)m->bytes + m->name_off;
	if (len)
		*len = m->name_len;
	return 1;
}

int ep_module_func_name(const ep_module *m, uint32_t funcidx, const char **name,
                        size_t *len)
{
	if (!m)
		return 0;
	/* The map is sorted by function index (read_names checked). */
	uint32_t lo = 0, hi = m->nfuncnames;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const funcname *fn = &m->funcnames[mid];
		if (fn->func == funcidx) {
			if (name)
				*name = (const char *)m->bytes + fn->off;
			if (len)
				*len = fn->len;
			return 1;
		}
		if (fn->func < funcidx)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

uint32_t ep_module_features(const ep_module *m)
{
	return m ? m->features : 0;
}

/* ---- names for messages ---- */

const char *ep_status_name(ep_status status)
{
	static const char *const names[] = {
		[EP_OK] = "ok",
		[EP_ERR_MALFORMED] = "malformed",
		[EP_ERR_INVALID] = "invalid",
		[EP_ERR_UNLINKABLE] = "unlinkable",
		[EP_ERR_TRAP] = "trap",
		[EP_ERR_NOMEM] = "out of memory",
		[EP_ERR_LIMIT] = "limit",
		[EP_ERR_ARG] = "bad argument",
	};
	if ((unsigned)status >= sizeof names / sizeof names[0])
		return "unknown status";
	return names[status];
}

const char *ep_trap_name(ep_trap trap)
{
	static const char *const names[] = {
		[EP_TRAP_NONE] = "no trap",
		[EP_TRAP_UNREACHABLE] = "unreachable",
		[EP_TRAP_DIV_ZERO] = "integer divide by zero",
		[EP_TRAP_INT_OVERFLOW] = "integer overflow",
		[EP_TRAP_INVALID_CONVERSION] = "invalid conversion to integer",
		[EP_TRAP_OOB_MEMORY] = "out of bounds memory access",
		[EP_TRAP_OOB_TABLE] = "out of bounds table access",
		[EP_TRAP_INDIRECT_TYPE] = "indirect call type mismatch",
		[EP_TRAP_UNINIT_ELEMENT] = "uninitialized element",
		[EP_TRAP_STACK_EXHAUSTED] = "call stack exhausted",
		[EP_TRAP_FUEL] = "fuel exhausted",
		[EP_TRAP_INTERRUPT] = "interrupted",
		[EP_TRAP_HOST] = "host error",
		[EP_TRAP_EXIT] = "exit",
	};
	if ((unsigned)trap >= sizeof names / sizeof names[0])
		return "unknown trap";
	return names[trap];
}

const char *ep_valtype_name(uint8_t type)
{
	switch (type) {
	case EP_I32: return "i32";
	case EP_I64: return "i64";
	case EP_F32: return "f32";
	case EP_F64: return "f64";
	case 0x7b: return "v128";
	case EP_FUNCREF: return "funcref";
	case EP_EXTERNREF: return "externref";
	default: return "unknown type";
	}
}

const char *ep_feature_name(uint32_t bit)
{
	static const char *const names[EP_FEATURE_COUNT] = {
		"multi-value", "reference-types", "bulk-memory",
		"nontrapping-float-to-int", "sign-extension", "mutable-globals",
	};
	for (unsigned i = 0; i < EP_FEATURE_COUNT; i++)
		if (bit == 1u << i)
			return names[i];
	return "unknown feature";
}

const char *ep_section_name(uint8_t id)
{
	static const char *const names[] = {
		"custom", "type", "import", "function", "table", "memory", "global",
		"export", "start", "element", "code", "data", "data count",
	};
	if (id >= sizeof names / sizeof names[0])
		return "unknown section";
	return names[id];
}

const char *ep_extern_kind_name(uint8_t kind)
{
	static const char *const names[] = { "func", "table", "memory", "global" };
	if (kind >= sizeof names / sizeof names[0])
		return "unknown kind";
	return names[kind];
}
