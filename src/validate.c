/*
 * validate.c - the spec's validation rules over a decoded module: module
 * entries, constant expressions and the typing of every function body.
 * Bodies are typed as decode.c reads them (validate_body, its body_typer),
 * so each is read once; the module's entries are judged again at the end,
 * when the data section is known. Reads the module only; never decodes
 * sections or touches runtime objects.
 */
#include <stdlib.h>

#include "sort.h"
#include "internal.h"

/*
 * Body typing follows the algorithm of the spec's validation appendix: an
 * operand stack of value types, where UNKNOWN stands for any type popped
 * from the polymorphic stack of unreachable code, and a stack of control
 * frames. Both stacks live in one vstate reused by every body of a module, so
 * no allocation happens per instruction.
 */
#define UNKNOWN 0

enum { K_FUNC, K_BLOCK, K_LOOP, K_IF, K_ELSE };

typedef struct ctl {
	const uint8_t *params, *results;
	uint32_t nparams, nresults;
	size_t height;           /* operand stack height at entry, params excluded */
	uint8_t kind;
	bool unreachable;        /* the rest of the frame is stack-polymorphic */
} ctl;

struct vstate {
	const ep_module *m;
	ep_engine *e;
	ep_error *err;
	uint8_t *vals;
	size_t nvals, vals_cap;
	ctl *ctls;
	size_t nctls, ctls_cap;
	uint8_t *refs;           /* bitset over functions: C.refs */
	size_t refs_size;
	uint32_t func;           /* function being typed, for messages */
	size_t off;              /* offset of the instruction being typed */
	uint32_t features;       /* EP_FEATURE_* of the instructions typed */
	uint32_t ntyped;         /* bodies typed, in order from the first */
	bool started, stopped;   /* entries checked at the first body; typing given up */
	/* The first body's failure: reported only if the entries, which the
	 * spec checks first, turn out valid once the data section is known.
	 * Its message stays in err: until then only a failure writes there. */
	ep_status body_st;
};

/* Static storage a frame can point to for a single-value block type. */
static const uint8_t valtypes[] = {
	EP_I32, EP_I64, EP_F32, EP_F64, EP_FUNCREF, EP_EXTERNREF
};

static const uint8_t *single_type(uint8_t t)
{
	for (size_t i = 0; i < sizeof valtypes; i++)
		if (valtypes[i] == t)
			return &valtypes[i];
	return NULL;
}

static bool is_num(uint8_t t)
{
	return t == EP_I32 || t == EP_I64 || t == EP_F32 || t == EP_F64 || t == UNKNOWN;
}

static bool is_ref(uint8_t t)
{
	return t == EP_FUNCREF || t == EP_EXTERNREF || t == UNKNOWN;
}

/* ---- numeric instructions, 0x45..0xc4: operand types and result ---- */

typedef struct numsig {
	uint8_t a, b, r;         /* b == 0: unary */
} numsig;

#define I EP_I32
#define L EP_I64
#define F EP_F32
#define D EP_F64
static const numsig numsigs[0xc5 - 0x45] = {
	/* 0x45 i32.eqz */
	{I, 0, I},
	/* 0x46-0x4f i32 comparisons */
	{I, I, I}, {I, I, I}, {I, I, I}, {I, I, I}, {I, I, I}, {I, I, I}, {I, I, I}, {I, I, I},
	{I, I, I}, {I, I, I},
	/* 0x50 i64.eqz */
	{L, 0, I},
	/* 0x51-0x5a i64 comparisons */
	{L, L, I}, {L, L, I}, {L, L, I}, {L, L, I}, {L, L, I}, {L, L, I}, {L, L, I}, {L, L, I},
	{L, L, I}, {L, L, I},
	/* 0x5b-0x60 f32 comparisons */
	{F, F, I}, {F, F, I}, {F, F, I}, {F, F, I}, {F, F, I}, {F, F, I},
	/* 0x61-0x66 f64 comparisons */
	{D, D, I}, {D, D, I}, {D, D, I}, {D, D, I}, {D, D, I}, {D, D, I},
	/* 0x67-0x69 i32 clz ctz popcnt */
	{I, 0, I}, {I, 0, I}, {I, 0, I},
	/* 0x6a-0x78 i32 arithmetic */
	{I, I, I}, {I, I, I}, {I, I, I}, {I, I, I}, {I, I, I}, {I, I, I}, {I, I, I}, {I, I, I},
	{I, I, I}, {I, I, I}, {I, I, I}, {I, I, I}, {I, I, I}, {I, I, I}, {I, I, I},
	/* 0x79-0x7b i64 clz ctz popcnt */
	{L, 0, L}, {L, 0, L}, {L, 0, L},
	/* 0x7c-0x8a i64 arithmetic */
	{L, L, L}, {L, L, L}, {L, L, L}, {L, L, L}, {L, L, L}, {L, L, L}, {L, L, L}, {L, L, L},
	{L, L, L}, {L, L, L}, {L, L, L}, {L, L, L}, {L, L, L}, {L, L, L}, {L, L, L},
	/* 0x8b-0x91 f32 unary */
	{F, 0, F}, {F, 0, F}, {F, 0, F}, {F, 0, F}, {F, 0, F}, {F, 0, F}, {F, 0, F},
	/* 0x92-0x98 f32 binary */
	{F, F, F}, {F, F, F}, {F, F, F}, {F, F, F}, {F, F, F}, {F, F, F}, {F, F, F},
	/* 0x99-0x9f f64 unary */
	{D, 0, D}, {D, 0, D}, {D, 0, D}, {D, 0, D}, {D, 0, D}, {D, 0, D}, {D, 0, D},
	/* 0xa0-0xa6 f64 binary */
	{D, D, D}, {D, D, D}, {D, D, D}, {D, D, D}, {D, D, D}, {D, D, D}, {D, D, D},
	/* 0xa7-0xab i32.wrap_i64, i32.trunc_f32_s/u, i32.trunc_f64_s/u */
	{L, 0, I}, {F, 0, I}, {F, 0, I}, {D, 0, I}, {D, 0, I},
	/* 0xac-0xb1 i64.extend_i32_s/u, i64.trunc_f32_s/u, i64.trunc_f64_s/u */
	{I, 0, L}, {I, 0, L}, {F, 0, L}, {F, 0, L}, {D, 0, L}, {D, 0, L},
	/* 0xb2-0xb6 f32.convert_i32_s/u, f32.convert_i64_s/u, f32.demote_f64 */
	{I, 0, F}, {I, 0, F}, {L, 0, F}, {L, 0, F}, {D, 0, F},
	/* 0xb7-0xbb f64.convert_i32_s/u, f64.convert_i64_s/u, f64.promote_f32 */
	{I, 0, D}, {I, 0, D}, {L, 0, D}, {L, 0, D}, {F, 0, D},
	/* 0xbc-0xbf reinterpretations */
	{F, 0, I}, {D, 0, L}, {I, 0, F}, {L, 0, D},
	/* 0xc0-0xc4 sign extension */
	{I, 0, I}, {I, 0, I}, {L, 0, L}, {L, 0, L}, {L, 0, L},
};

/* 0xfc 0..7: the saturating truncations. */
static const numsig truncsat_sigs[8] = {
	{F, 0, I}, {F, 0, I}, {D, 0, I}, {D, 0, I},
	{F, 0, L}, {F, 0, L}, {D, 0, L}, {D, 0, L},
};

/* 0x28..0x3e: value type, log2 of the natural alignment, store or load. */
typedef struct memsig {
	uint8_t type, log_natural;
	bool store;
} memsig;

static const memsig memsigs[0x3f - 0x28] = {
	/* 0x28-0x35 loads */
	{I, 2, false}, {L, 3, false}, {F, 2, false}, {D, 3, false},
	{I, 0, false}, {I, 0, false}, {I, 1, false}, {I, 1, false},
	{L, 0, false}, {L, 0, false}, {L, 1, false}, {L, 1, false},
	{L, 2, false}, {L, 2, false},
	/* 0x36-0x3e stores */
	{I, 2, true}, {L, 3, true}, {F, 2, true}, {D, 3, true},
	{I, 0, true}, {I, 1, true}, {L, 0, true}, {L, 1, true}, {L, 2, true},
};
#undef I
#undef L
#undef F
#undef D

/* ---- errors ---- */

static ep_status fail_at(vstate *v, const char *msg)
{
	return ep_fail(v->err, EP_ERR_INVALID, v->off, v->func, "%s", msg);
}

static ep_status fail_idx(vstate *v, const char *what, uint32_t idx)
{
	return ep_fail(v->err, EP_ERR_INVALID, v->off, v->func, "%s %u", what, idx);
}

static ep_status mismatch(vstate *v)
{
	return fail_at(v, "type mismatch");
}

/* A body the typer cannot read (decode.c's syntax scan then says why). */
static ep_status unread(vstate *v)
{
	return ep_fail(v->err, EP_ERR_MALFORMED, v->off, v->func, "malformed instruction sequence");
}

static ep_status nomem(vstate *v)
{
	return ep_fail(v->err, EP_ERR_NOMEM, v->off, v->func, "out of memory while validating");
}

/* ---- the operand and control stacks ---- */

static ep_status grow_vals(vstate *v, size_t need)
{
	size_t cap = v->vals_cap ? v->vals_cap : 64;
	while (cap < need) {
		if (cap > SIZE_MAX / 2)
			return nomem(v);
		cap *= 2;
	}
	uint8_t *p = ep_realloc(v->e, v->vals, v->vals_cap, cap);
	if (!p)
		return nomem(v);
	v->vals = p;
	v->vals_cap = cap;
	return EP_OK;
}

static inline ep_status push(vstate *v, uint8_t t)
{
	if (v->nvals == v->vals_cap) {
		ep_status st = grow_vals(v, v->nvals + 1);
		if (st)
			return st;
	}
	v->vals[v->nvals++] = t;
	return EP_OK;
}

static ep_status push_n(vstate *v, const uint8_t *types, uint32_t n)
{
	if (n > v->vals_cap - v->nvals) {
		if (n > SIZE_MAX - v->nvals)
			return nomem(v);
		ep_status st = grow_vals(v, v->nvals + n);
		if (st)
			return st;
	}
	if (n)
		memcpy(v->vals + v->nvals, types, n);
	v->nvals += n;
	return EP_OK;
}

/* Pops any value; UNKNOWN when the frame is unreachable and its part of the
 * stack is used up. */
static inline ep_status pop_any(vstate *v, uint8_t *out)
{
	const ctl *c = &v->ctls[v->nctls - 1];
	if (v->nvals == c->height) {
		if (!c->unreachable)
			return mismatch(v);
		*out = UNKNOWN;
		return EP_OK;
	}
	*out = v->vals[--v->nvals];
	return EP_OK;
}

static inline ep_status pop(vstate *v, uint8_t want)
{
	const ctl *c = &v->ctls[v->nctls - 1];
	if (v->nvals == c->height)
		return c->unreachable ? EP_OK : mismatch(v);
	uint8_t got = v->vals[--v->nvals];
	if (got != want && got != UNKNOWN)
		return mismatch(v);
	return EP_OK;
}

static ep_status pop_n(vstate *v, const uint8_t *types, uint32_t n)
{
	for (uint32_t i = n; i-- > 0;) {
		ep_status st = pop(v, types[i]);
		if (st)
			return st;
	}
	return EP_OK;
}

/* Checks that the top of the stack matches types without popping: the same
 * as popping and pushing back what was popped, which is how br_table checks
 * every target against one operand stack. */
static ep_status peek_n(vstate *v, const uint8_t *types, uint32_t n)
{
	const ctl *c = &v->ctls[v->nctls - 1];
	for (uint32_t i = 0; i < n; i++) {
		/* position of types[i] is nvals - n + i, below the frame when
		 * nvals + i < n + height */
		if (v->nvals + i < (size_t)n + c->height) {
			if (!c->unreachable)
				return mismatch(v);
			continue;
		}
		uint8_t got = v->vals[v->nvals - n + i];
		if (got != types[i] && got != UNKNOWN)
			return mismatch(v);
	}
	return EP_OK;
}

static ep_status push_ctl(vstate *v, uint8_t kind, const uint8_t *params, uint32_t nparams,
                          const uint8_t *results, uint32_t nresults)
{
	if (v->nctls == v->ctls_cap) {
		size_t cap = v->ctls_cap ? v->ctls_cap * 2 : 16;
		if (cap > SIZE_MAX / sizeof(ctl))
			return nomem(v);
		ctl *p = ep_realloc(v->e, v->ctls, v->ctls_cap * sizeof(ctl), cap * sizeof(ctl));
		if (!p)
			return nomem(v);
		v->ctls = p;
		v->ctls_cap = cap;
	}
	ctl *c = &v->ctls[v->nctls++];
	c->params = params;
	c->nparams = nparams;
	c->results = results;
	c->nresults = nresults;
	c->height = v->nvals;
	c->kind = kind;
	c->unreachable = false;
	return push_n(v, params, nparams);
}

/* Pops the top frame after checking its results; *out receives a copy. */
static ep_status pop_ctl(vstate *v, ctl *out)
{
	ep_status st = pop_n(v, v->ctls[v->nctls - 1].results, v->ctls[v->nctls - 1].nresults);
	if (st)
		return st;
	const ctl *c = &v->ctls[v->nctls - 1];
	if (v->nvals != c->height)
		return mismatch(v);
	*out = *c;
	v->nctls--;
	return EP_OK;
}

static void set_unreachable(vstate *v)
{
	ctl *c = &v->ctls[v->nctls - 1];
	v->nvals = c->height;
	c->unreachable = true;
}

/* A branch to a loop passes the loop's parameters; to anything else, its
 * results. */
static void label_types(const ctl *c, const uint8_t **types, uint32_t *n)
{
	if (c->kind == K_LOOP) {
		*types = c->params;
		*n = c->nparams;
	} else {
		*types = c->results;
		*n = c->nresults;
	}
}

static ep_status get_label(vstate *v, uint32_t depth, const ctl **out)
{
	if (depth >= v->nctls)
		return fail_idx(v, "unknown label", depth);
	*out = &v->ctls[v->nctls - 1 - depth];
	return EP_OK;
}

/* ---- C.refs ---- */

static void add_ref(vstate *v, uint32_t f)
{
	v->refs[f >> 3] |= (uint8_t)(1u << (f & 7));
}

static bool has_ref(const vstate *v, uint32_t f)
{
	return (v->refs[f >> 3] >> (f & 7)) & 1;
}

/* ---- constant expressions ---- */

/*
 * In 2.0 a constant expression is made only of t.const, ref.null, ref.func
 * and global.get of an imported immutable global; every context that holds
 * one (global initialisers, segment offsets and elements) sees only the
 * imported globals. As in the reference interpreter, constness is checked
 * over the whole expression before typing, so a non-constant instruction
 * wins over an unknown function or a wrong result.
 */
static ep_status check_const(vstate *v, constexpr ce, uint8_t want)
{
	const ep_module *m = v->m;
	size_t pos = ce.off, end = ce.off + ce.len;
	uint8_t top = UNKNOWN;
	uint32_t depth = 0;
	bool bad_func = false;
	uint32_t bad_func_idx = 0;
	size_t bad_func_off = 0;
	v->off = ce.off;
	while (pos < end) {
		insn in;
		ep_status st = insn_decode_full(m, &pos, end, &in, v->func, v->err);
		if (st)
			return st;
		v->off = in.off;
		switch (in.op) {
		case 0x0b:
			pos = end;
			continue;
		case 0x41: top = EP_I32; break;
		case 0x42: top = EP_I64; break;
		case 0x43: top = EP_F32; break;
		case 0x44: top = EP_F64; break;
		case 0xd0: top = (uint8_t)in.a; break;
		case 0xd2:
			if (in.a >= m->nfuncs) {
				if (!bad_func) {
					bad_func = true;
					bad_func_idx = in.a;
					bad_func_off = in.off;
				}
			} else {
				add_ref(v, in.a);
			}
			top = EP_FUNCREF;
			break;
		case 0x23:
			if (in.a >= m->nglobal_imports)
				return fail_idx(v, "unknown global", in.a);
			if (m->globals[in.a].type.mut)
				return fail_at(v, "constant expression required");
			top = m->globals[in.a].type.valtype;
			break;
		default:
			return fail_at(v, "constant expression required");
		}
		depth++;
	}
	if (bad_func) {
		v->off = bad_func_off;
		return fail_idx(v, "unknown function", bad_func_idx);
	}
	if (depth != 1 || top != want)
		return mismatch(v);
	return EP_OK;
}

/* ---- function bodies ---- */

static ep_status block_type(vstate *v, const insn *in, const uint8_t **params, uint32_t *nparams,
                            const uint8_t **results, uint32_t *nresults)
{
	*params = *results = NULL;
	*nparams = *nresults = 0;
	if (in->bt_kind == BT_VAL) {
		*results = single_type((uint8_t)in->bt);
		if (!*results)
			return fail_at(v, "type mismatch");
		*nresults = 1;
	} else if (in->bt_kind == BT_TYPE) {
		if (in->bt >= v->m->ntypes)
			return fail_idx(v, "unknown type", in->bt);
		const functype *ft = &v->m->types[in->bt];
		*params = ft->types;
		*nparams = ft->nparams;
		*results = ft->types + ft->nparams;
		*nresults = ft->nresults;
	}
	return EP_OK;
}

static ep_status need_memory(vstate *v)
{
	return v->m->nmems ? EP_OK : fail_idx(v, "unknown memory", 0);
}

static ep_status need_table(vstate *v, uint32_t t)
{
	return t < v->m->ntables ? EP_OK : fail_idx(v, "unknown table", t);
}

static ep_status need_data(vstate *v, uint32_t d)
{
	uint32_t n = v->m->has_datacount ? v->m->datacount : v->m->ndatas;
	return d < n ? EP_OK : fail_idx(v, "unknown data segment", d);
}

static ep_status need_elem(vstate *v, uint32_t e)
{
	return e < v->m->nelems ? EP_OK : fail_idx(v, "unknown elem segment", e);
}

static ep_status pop_i32s(vstate *v, int n)
{
	for (int i = 0; i < n; i++) {
		ep_status st = pop(v, EP_I32);
		if (st)
			return st;
	}
	return EP_OK;
}

/* The 0xfc-prefixed instructions: saturating truncation and bulk memory and
 * table operations. */
static ep_status check_fc(vstate *v, const insn *in)
{
	const ep_module *m = v->m;
	uint32_t sub = in->op & 0xffu;
	ep_status st;
	v->features |= sub < 8 ? EP_FEATURE_SAT_FLOAT_TO_INT :
	               sub < 15 ? EP_FEATURE_BULK_MEMORY : EP_FEATURE_REFERENCE_TYPES;
	if (sub < 8) {
		const numsig *s = &truncsat_sigs[sub];
		if ((st = pop(v, s->a)))
			return st;
		return push(v, s->r);
	}
	switch (sub) {
	case 8:   /* memory.init */
		if ((st = need_memory(v)) || (st = need_data(v, in->a)))
			return st;
		return pop_i32s(v, 3);
	case 9:   /* data.drop */
		return need_data(v, in->a);
	case 10:  /* memory.copy */
	case 11:  /* memory.fill */
		if ((st = need_memory(v)))
			return st;
		return pop_i32s(v, 3);
	case 12:  /* table.init elem table */
		if ((st = need_table(v, in->b)) || (st = need_elem(v, in->a)))
			return st;
		if (m->tables[in->b].reftype != m->elems[in->a].reftype)
			return mismatch(v);
		return pop_i32s(v, 3);
	case 13:  /* elem.drop */
		return need_elem(v, in->a);
	case 14:  /* table.copy dst src */
		if ((st = need_table(v, in->a)) || (st = need_table(v, in->b)))
			return st;
		if (m->tables[in->a].reftype != m->tables[in->b].reftype)
			return mismatch(v);
		return pop_i32s(v, 3);
	case 15:  /* table.grow */
		if ((st = need_table(v, in->a)) || (st = pop(v, EP_I32)) ||
		    (st = pop(v, m->tables[in->a].reftype)))
			return st;
		return push(v, EP_I32);
	case 16:  /* table.size */
		if ((st = need_table(v, in->a)))
			return st;
		return push(v, EP_I32);
	case 17:  /* table.fill */
		if ((st = need_table(v, in->a)) || (st = pop(v, EP_I32)) ||
		    (st = pop(v, m->tables[in->a].reftype)))
			return st;
		return pop(v, EP_I32);
	default:
		return unread(v);
	}
}

static ep_status check_br_table(vstate *v, const insn *in)
{
	ep_status st;
	const ctl *def = NULL;   /* set by get_label; gcc -O2 cannot tell */
	const uint8_t *dtypes, *types;
	uint32_t dn, n;
	if ((st = pop(v, EP_I32)) || (st = get_label(v, in->a, &def)))
		return st;
	label_types(def, &dtypes, &dn);
	size_t p = in->targets_off;
	for (uint32_t i = 0; i < in->count; i++) {
		const ctl *c = NULL;
		if ((st = get_label(v, insn_br_table_target(v->m, &p), &c)))
			return st;
		label_types(c, &types, &n);
		if (n != dn)
			return mismatch(v);
		if ((st = peek_n(v, types, n)))
			return st;
	}
	if ((st = pop_n(v, dtypes, dn)))
		return st;
	set_unreachable(v);
	return EP_OK;
}

/*
 * The length of the instruction at b (ten bytes readable) when insn_fast
 * covers it and each immediate LEB128 has at most four bytes, else 0 (then
 * insn_decode_full reads it). Four bytes hold 28 bits, so every such LEB
 * is a valid u32 and s32. The first immediate goes to *a: the index of
 * an index op, the alignment of a memory access (typing needs no other).
 */
static inline unsigned fast_insn(const uint8_t *b, uint32_t *a)
{
	unsigned k = insn_fast[b[0]], n = 1;
	if (k <= FAST_NONE)
		return k;   /* 0 or a length of 1 */
	if (b[1] < 0x80 && (k != FAST_MEMARG || b[2] < 0x80)) {
		/* one-byte immediates, most of them */
		*a = b[1];
		return k == FAST_MEMARG ? 3 : 2;
	}
	for (unsigned imms = k == FAST_MEMARG ? 2 : 1; imms; imms--) {
		uint32_t x = 0;
		for (unsigned i = 0;; i++) {
			if (i == 4)
				return 0;
			uint8_t c = b[n + i];
			x |= (uint32_t)(c & 0x7f) << (7 * i);
			if (c < 0x80) {
				if (n == 1)
					*a = x;
				n += i + 1;
				break;
			}
		}
	}
	return n;
}

/*
 * Types body fidx and leaves *endpos after its final end. Run while
 * decode.c reads the code section, before its syntax scan: any syntax
 * error here (a bad instruction, else outside if, no final end) is only
 * a failure to type, after which decode.c's scan says what is malformed.
 */
static ep_status check_body(vstate *v, uint32_t fidx, size_t *endpos)
{
	const ep_module *m = v->m;
	const func *f = &m->funcs[fidx];
	const functype *ft = &m->types[f->type];
	const uint8_t *fresults = ft->types + ft->nparams;
	uint64_t nlocals = (uint64_t)ft->nparams + f->nlocals;
	size_t pos = f->body_off, end = f->body_off + f->body_len;
	ep_status st;

	v->func = fidx;
	v->off = f->body_off;
	v->nvals = 0;
	v->nctls = 0;
	if ((st = push_ctl(v, K_FUNC, NULL, 0, fresults, ft->nresults)))
		return st;

	while (pos < end) {
		insn in;
		uint32_t op;
		unsigned len = end - pos > 9 ? fast_insn(m->bytes + pos, &in.a) : 0;
		v->off = pos;
		const uint8_t *b = m->bytes + pos;
		if (len) {
			op = b[0];
			pos += len;
		} else if (b[0] >= 0x02 && b[0] <= 0x04 && end - pos > 1 &&
		           (b[1] == 0x40 || single_type(b[1]))) {
			/* block, loop, if with an empty or single-value type */
			op = b[0];
			in.bt_kind = b[1] == 0x40 ? BT_EMPTY : BT_VAL;
			in.bt = b[1];
			pos += 2;
		} else {
			if ((st = insn_decode_full(m, &pos, end, &in, fidx, v->err)))
				return st;
			op = in.op;
		}

		if (op >= 0x45 && op <= 0xc4) {
			const numsig *s = &numsigs[op - 0x45];
			if (op >= 0xc0)
				v->features |= EP_FEATURE_SIGN_EXT;
			/* Operands of the right types on top, within the frame:
			 * the result takes the first one's place (no pop, no push). */
			size_t top = v->nvals, n = s->b ? 2 : 1;
			if (top >= v->ctls[v->nctls - 1].height + n && v->vals[top - n] == s->a &&
			    (!s->b || v->vals[top - 1] == s->b)) {
				v->nvals = top - n + 1;
				v->vals[top - n] = s->r;
				continue;
			}
			if (s->b && (st = pop(v, s->b)))
				return st;
			if ((st = pop(v, s->a)) || (st = push(v, s->r)))
				return st;
			continue;
		}
		if (op - 0x20u < 3 && in.a < nlocals) {
			/* local.get, the commonest instruction, and local.set and
			 * local.tee of a value of the right type, in place. */
			uint8_t t = in.a < ft->nparams ? ft->types[in.a] : f->local_types[in.a - ft->nparams];
			if (op == 0x20 ? v->nvals < v->vals_cap :
			    v->nvals > v->ctls[v->nctls - 1].height && v->vals[v->nvals - 1] == t) {
				if (op == 0x20)
					v->vals[v->nvals++] = t;
				else
					v->nvals -= op == 0x21;
				continue;
			}
		}
		if (op == 0x41 && v->nvals < v->vals_cap) {
			v->vals[v->nvals++] = EP_I32;
			continue;
		}
		if (op >= 0x28 && op <= 0x3e) {
			const memsig *s = &memsigs[op - 0x28];
			if ((st = need_memory(v)))
				return st;
			if (in.a > s->log_natural)
				return fail_at(v, "alignment must not be larger than natural");
			if (s->store) {
				if ((st = pop(v, s->type)) || (st = pop(v, EP_I32)))
					return st;
			} else {
				if ((st = pop(v, EP_I32)) || (st = push(v, s->type)))
					return st;
			}
			continue;
		}

		const uint8_t *params, *results, *types;
		uint32_t nparams, nresults, n;
		const ctl *c = NULL;
		uint8_t t1 = 0, t2 = 0;   /* set by pop_any before any use */
		ctl done;
		switch (op) {
		case 0x00:  /* unreachable */
			set_unreachable(v);
			break;
		case 0x01:  /* nop */
			break;
		case 0x02:  /* block */
		case 0x03:  /* loop */
		case 0x04:  /* if */
			if ((st = block_type(v, &in, &params, &nparams, &results, &nresults)))
				return st;
			if (in.bt_kind == BT_TYPE)
				v->features |= EP_FEATURE_MULTI_VALUE;
			if (op == 0x04 && (st = pop(v, EP_I32)))
				return st;
			if ((st = pop_n(v, params, nparams)))
				return st;
			if ((st = push_ctl(v, op == 0x02 ? K_BLOCK : op == 0x03 ? K_LOOP : K_IF,
			                   params, nparams, results, nresults)))
				return st;
			break;
		case 0x05:  /* else */
			if (v->ctls[v->nctls - 1].kind != K_IF)
				return unread(v);
			if ((st = pop_ctl(v, &done)))
				return st;
			if ((st = push_ctl(v, K_ELSE, done.params, done.nparams, done.results, done.nresults)))
				return st;
			break;
		case 0x0b:  /* end */
			if ((st = pop_ctl(v, &done)))
				return st;
			/* An if without else has an empty else that must turn the
			 * parameters into the results. */
			if (done.kind == K_IF && (done.nparams != done.nresults ||
			    (done.nparams && memcmp(done.params, done.results, done.nparams))))
				return mismatch(v);
			if (v->nctls == 0) {
				*endpos = pos;
				return EP_OK;
			}
			if ((st = push_n(v, done.results, done.nresults)))
				return st;
			break;
		case 0x0c:  /* br */
			if ((st = get_label(v, in.a, &c)))
				return st;
			label_types(c, &types, &n);
			if ((st = pop_n(v, types, n)))
				return st;
			set_unreachable(v);
			break;
		case 0x0d:  /* br_if */
			if ((st = get_label(v, in.a, &c)))
				return st;
			label_types(c, &types, &n);
			if ((st = pop(v, EP_I32)) || (st = pop_n(v, types, n)) ||
			    (st = push_n(v, types, n)))
				return st;
			break;
		case 0x0e:  /* br_table */
			if ((st = check_br_table(v, &in)))
				return st;
			break;
		case 0x0f:  /* return */
			if ((st = pop_n(v, fresults, ft->nresults)))
				return st;
			set_unreachable(v);
			break;
		case 0x10:  /* call */
		case 0x11:  /* call_indirect */
			if (op == 0x10) {
				if (in.a >= m->nfuncs)
					return fail_idx(v, "unknown function", in.a);
				types = m->types[m->funcs[in.a].type].types;
				nparams = m->types[m->funcs[in.a].type].nparams;
				nresults = m->types[m->funcs[in.a].type].nresults;
			} else {
				if ((st = need_table(v, in.b)))
					return st;
				if (in.a >= m->ntypes)
					return fail_idx(v, "unknown type", in.a);
				if (m->tables[in.b].reftype != EP_FUNCREF)
					return mismatch(v);
				if ((st = pop(v, EP_I32)))
					return st;
				types = m->types[in.a].types;
				nparams = m->types[in.a].nparams;
				nresults = m->types[in.a].nresults;
			}
			if ((st = pop_n(v, types, nparams)) || (st = push_n(v, types + nparams, nresults)))
				return st;
			break;
		case 0x1a:  /* drop */
			if ((st = pop_any(v, &t1)))
				return st;
			break;
		case 0x1b:  /* select */
			if ((st = pop(v, EP_I32)) || (st = pop_any(v, &t1)) || (st = pop_any(v, &t2)))
				return st;
			if (!is_num(t1) || !is_num(t2))
				return mismatch(v);
			if (t1 != t2 && t1 != UNKNOWN && t2 != UNKNOWN)
				return mismatch(v);
			if ((st = push(v, t1 == UNKNOWN ? t2 : t1)))
				return st;
			break;
		case 0x1c:  /* select t */
			v->features |= EP_FEATURE_REFERENCE_TYPES;
			if (in.count != 1)
				return fail_at(v, "invalid result arity");
			if ((st = pop(v, EP_I32)) || (st = pop(v, (uint8_t)in.a)) ||
			    (st = pop(v, (uint8_t)in.a)) || (st = push(v, (uint8_t)in.a)))
				return st;
			break;
		case 0x20:  /* local.get */
		case 0x21:  /* local.set */
		case 0x22:  /* local.tee */
			if (in.a >= nlocals)
				return fail_idx(v, "unknown local", in.a);
			t1 = in.a < ft->nparams ? ft->types[in.a] : f->local_types[in.a - ft->nparams];
			if (op != 0x20 && (st = pop(v, t1)))
				return st;
			if (op != 0x21 && (st = push(v, t1)))
				return st;
			break;
		case 0x23:  /* global.get */
			if (in.a >= m->nglobals)
				return fail_idx(v, "unknown global", in.a);
			if ((st = push(v, m->globals[in.a].type.valtype)))
				return st;
			break;
		case 0x24:  /* global.set */
			if (in.a >= m->nglobals)
				return fail_idx(v, "unknown global", in.a);
			if (!m->globals[in.a].type.mut)
				return fail_at(v, "global is immutable");
			if ((st = pop(v, m->globals[in.a].type.valtype)))
				return st;
			break;
		case 0x25:  /* table.get */
			v->features |= EP_FEATURE_REFERENCE_TYPES;
			if ((st = need_table(v, in.a)) || (st = pop(v, EP_I32)) ||
			    (st = push(v, m->tables[in.a].reftype)))
				return st;
			break;
		case 0x26:  /* table.set */
			v->features |= EP_FEATURE_REFERENCE_TYPES;
			if ((st = need_table(v, in.a)) || (st = pop(v, m->tables[in.a].reftype)) ||
			    (st = pop(v, EP_I32)))
				return st;
			break;
		case 0x3f:  /* memory.size */
			if ((st = need_memory(v)) || (st = push(v, EP_I32)))
				return st;
			break;
		case 0x40:  /* memory.grow */
			if ((st = need_memory(v)) || (st = pop(v, EP_I32)) || (st = push(v, EP_I32)))
				return st;
			break;
		case 0x41:
			if ((st = push(v, EP_I32)))
				return st;
			break;
		case 0x42:
			if ((st = push(v, EP_I64)))
				return st;
			break;
		case 0x43:
			if ((st = push(v, EP_F32)))
				return st;
			break;
		case 0x44:
			if ((st = push(v, EP_F64)))
				return st;
			break;
		case 0xd0:  /* ref.null */
			v->features |= EP_FEATURE_REFERENCE_TYPES;
			if ((st = push(v, (uint8_t)in.a)))
				return st;
			break;
		case 0xd1:  /* ref.is_null */
			v->features |= EP_FEATURE_REFERENCE_TYPES;
			if ((st = pop_any(v, &t1)))
				return st;
			if (!is_ref(t1))
				return mismatch(v);
			if ((st = push(v, EP_I32)))
				return st;
			break;
		case 0xd2:  /* ref.func */
			v->features |= EP_FEATURE_REFERENCE_TYPES;
			if (in.a >= m->nfuncs)
				return fail_idx(v, "unknown function", in.a);
			if (!has_ref(v, in.a))
				return fail_at(v, "undeclared function reference");
			if ((st = push(v, EP_FUNCREF)))
				return st;
			break;
		default:
			if ((op & 0xff00u) == 0xfc00u) {
				if ((st = check_fc(v, &in)))
					return st;
				break;
			}
			return unread(v);
		}
	}
	return unread(v);
}

/* ---- module entries ---- */

static ep_status check_limits(vstate *v, const limits *lim, uint32_t range, const char *range_msg)
{
	if (lim->min > range || (lim->has_max && lim->max > range))
		return fail_at(v, range_msg);
	if (lim->has_max && lim->min > lim->max)
		return fail_at(v, "size minimum must not be greater than maximum");
	return EP_OK;
}

static ep_status check_memtype(vstate *v, const limits *lim)
{
	return check_limits(v, lim, EP_MAX_PAGES, "memory size must be at most 65536 pages (4GiB)");
}

static ep_status check_tabletype(vstate *v, const tabletype *t)
{
	return check_limits(v, &t->lim, UINT32_MAX, "table size must be at most 2^32-1");
}

static int export_cmp(const void *a, const void *b)
{
	const export_ *x = *(const export_ *const *)a, *y = *(const export_ *const *)b;
	if (x->name_len != y->name_len)
		return x->name_len < y->name_len ? -1 : 1;
	return memcmp(x->name, y->name, x->name_len);
}

static ep_status check_exports(vstate *v)
{
	const ep_module *m = v->m;
	ep_status st;
	v->off = SIZE_MAX;
	for (uint32_t i = 0; i < m->nexports; i++) {
		const export_ *x = &m->exports[i];
		switch (x->kind) {
		case EP_EXTERN_FUNC:
			if (x->index >= m->nfuncs)
				return fail_idx(v, "unknown function", x->index);
			add_ref(v, x->index);
			break;
		case EP_EXTERN_TABLE:
			if ((st = need_table(v, x->index)))
				return st;
			break;
		case EP_EXTERN_MEMORY:
			if (x->index >= m->nmems)
				return fail_idx(v, "unknown memory", x->index);
			break;
		case EP_EXTERN_GLOBAL:
			if (x->index >= m->nglobals)
				return fail_idx(v, "unknown global", x->index);
			break;
		default:
			return ep_fail(v->err, EP_ERR_MALFORMED, SIZE_MAX, UINT32_MAX, "malformed export kind");
		}
	}
	if (m->nexports < 2)
		return EP_OK;
	/* Sorting pointers finds duplicates in n log n without a hash table. */
	size_t bytes = (size_t)m->nexports * sizeof(const export_ *);
	const export_ **sorted = ep_alloc(v->e, bytes);
	if (!sorted)
		return nomem(v);
	for (uint32_t i = 0; i < m->nexports; i++)
		sorted[i] = &m->exports[i];
	ep_sort(sorted, m->nexports, sizeof *sorted, export_cmp);
	st = EP_OK;
	for (uint32_t i = 1; i < m->nexports; i++) {
		if (export_cmp(&sorted[i - 1], &sorted[i]) == 0) {
			st = fail_at(v, "duplicate export name");
			break;
		}
	}
	ep_free(v->e, sorted, bytes);
	return st;
}

static ep_status check_elems(vstate *v)
{
	const ep_module *m = v->m;
	ep_status st;
	for (uint32_t i = 0; i < m->nelems; i++) {
		const elem *el = &m->elems[i];
		v->off = el->mode == SEG_ACTIVE ? el->offset.off : SIZE_MAX;
		if (el->funcs) {
			for (uint32_t j = 0; j < el->count; j++) {
				if (el->funcs[j] >= m->nfuncs)
					return fail_idx(v, "unknown function", el->funcs[j]);
				add_ref(v, el->funcs[j]);
			}
			if (el->reftype != EP_FUNCREF)
				return mismatch(v);
		} else if (el->exprs) {
			for (uint32_t j = 0; j < el->count; j++)
				if ((st = check_const(v, el->exprs[j], el->reftype)))
					return st;
		}
		if (el->mode == SEG_ACTIVE) {
			v->off = el->offset.off;
			if ((st = need_table(v, el->table)))
				return st;
			if (m->tables[el->table].reftype != el->reftype)
				return mismatch(v);
			if ((st = check_const(v, el->offset, EP_I32)))
				return st;
		}
	}
	return EP_OK;
}

static ep_status check_datas(vstate *v)
{
	const ep_module *m = v->m;
	ep_status st;
	for (uint32_t i = 0; i < m->ndatas; i++) {
		const data *d = &m->datas[i];
		if (d->mode != SEG_ACTIVE)
			continue;
		v->off = d->offset.off;
		if (d->mem >= m->nmems)
			return fail_idx(v, "unknown memory", d->mem);
		if ((st = check_const(v, d->offset, EP_I32)))
			return st;
	}
	return EP_OK;
}

/* Everything but the bodies, in the spec's order; without the data
 * segments (datas false) before the data section is decoded. */
static ep_status check_entries(vstate *v, bool datas)
{
	const ep_module *m = v->m;
	ep_status st;

	v->func = UINT32_MAX;
	v->off = SIZE_MAX;
	if (!v->refs) {
		v->refs_size = (size_t)m->nfuncs / 8 + 1;
		v->refs = ep_zalloc(v->e, v->refs_size);
		if (!v->refs)
			return nomem(v);
	}
	for (uint32_t i = 0; i < m->nimports; i++) {
		const import *im = &m->imports[i];
		if (im->kind == EP_EXTERN_FUNC && im->of.type >= m->ntypes)
			return fail_idx(v, "unknown type", im->of.type);
	}
	for (uint32_t i = 0; i < m->nfuncs; i++) {
		if (m->funcs[i].type >= m->ntypes) {
			v->off = i < m->nfunc_imports ? SIZE_MAX : m->funcs[i].entry_off;
			return fail_idx(v, "unknown type", m->funcs[i].type);
		}
	}
	v->off = SIZE_MAX;
	for (uint32_t i = 0; i < m->ntables; i++)
		if ((st = check_tabletype(v, &m->tables[i])))
			return st;
	for (uint32_t i = 0; i < m->nmems; i++)
		if ((st = check_memtype(v, &m->mems[i])))
			return st;
	if (m->nmems > 1)
		return fail_at(v, "multiple memories");

	for (uint32_t i = m->nglobal_imports; i < m->nglobals; i++)
		if ((st = check_const(v, m->globals[i].init, m->globals[i].type.valtype)))
			return st;
	if ((st = check_elems(v)) || (datas && (st = check_datas(v))))
		return st;
	if ((st = check_exports(v)))
		return st;
	if (m->has_start) {
		v->off = SIZE_MAX;
		if (m->start >= m->nfuncs)
			return fail_idx(v, "unknown function", m->start);
		const functype *ft = &m->types[m->funcs[m->start].type];
		if (ft->nparams || ft->nresults)
			return fail_at(v, "start function");
	}
	return EP_OK;
}

vstate *validate_new(const ep_module *m, ep_error *err)
{
	vstate *v = ep_zalloc(m->engine, sizeof *v);
	if (!v) {
		ep_fail(err, EP_ERR_NOMEM, SIZE_MAX, UINT32_MAX, "out of memory while validating");
		return NULL;
	}
	v->m = m;
	v->e = m->engine;
	v->err = err;
	return v;
}

/*
 * decode.c's body_typer. The entries a body's typing relies on (types,
 * index spaces, C.refs) all come before the code section, so they are
 * checked at the first body; if they fail, no body is typed and
 * validate_finish reports them (or, for a refused allocation that it makes
 * again, that refusal). After a body fails, none is typed either.
 */
ep_status validate_body(void *ctx, uint32_t fidx, size_t *pos, uint32_t *features)
{
	vstate *v = ctx;
	ep_status st = EP_OK;
	if (!v->started) {
		v->started = true;
		st = check_entries(v, false);
	}
	if (v->stopped || fidx != v->m->nfunc_imports + v->ntyped)
		return EP_ERR_INVALID;
	if (st == EP_OK)
		st = check_body(v, fidx, pos);
	*features |= v->features;
	if (st) {
		v->stopped = true;
		v->body_st = st;
		return st;
	}
	v->ntyped++;
	return EP_OK;
}

/* After decoding: the entries again, then the first body's failure, then
 * any body decode.c did not hand over (none when every body was typed). */
ep_status validate_finish(vstate *v)
{
	const ep_module *m = v->m;
	ep_status st = check_entries(v, true);
	if (st)
		return st;
	if (v->body_st)
		return v->body_st;
	size_t end;
	for (uint32_t i = m->nfunc_imports + v->ntyped; i < m->nfuncs; i++)
		if ((st = check_body(v, i, &end)))
			return st;
	return EP_OK;
}

void validate_free(vstate *v)
{
	if (!v)
		return;
	ep_free(v->e, v->refs, v->refs_size);
	ep_free(v->e, v->vals, v->vals_cap);
	ep_free(v->e, v->ctls, v->ctls_cap * sizeof(ctl));
	ep_free(v->e, v, sizeof *v);
}
