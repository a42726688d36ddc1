/*
 * lower.c - turns each validated function body into internal code (code.h).
 *
 * Owns: slot assignment (every operand stack height has a fixed frame slot),
 * branch resolution (forward jumps patched at their label), immediates
 * decoded once, fuel costs per straight-line block, and the peepholes that
 * make the code register-like. It may assume the body is valid: validate.c
 * has run. It never touches runtime objects. A function is lowered on its
 * first call (module.c's module_code, from exec.c's slow path) or by
 * ep_module_lower; at load only a body long enough to break the block cost
 * limit is, so that limit stays a load-time error. The working arrays and
 * the code buffer stay with the module from one lowering to the next (up
 * to EP_LOWER_KEEP), and each function's code is copied out at its size.
 *
 * Register-like code: local.get emits nothing; the value stays "lazy", a
 * reference to the local's slot, until something forces it into its stack
 * slot (a control instruction, a call, or a write to that local). An
 * instruction whose result is immediately stored by local.set/tee writes the
 * local directly, an i32 constant right operand is folded into the
 * instruction as an immediate, and an i32.add whose sum is only the address
 * of the load right after it is fused into the load.
 *
 * Fuel: every instruction except block, loop, else and end costs one unit,
 * and a function's entry one more per 8 declared locals (zeroing them).
 * Code is cut into straight-line blocks, each ending at a branch: a block
 * runs from its start to the next branch out of it (br, br_if, br_table,
 * if, return, unreachable) with nothing in between that can leave it. A
 * label (loop header, block/if end, else) does not end one: the code before
 * it falls through into it, and a jump to it enters the block partway.
 * Whoever enters a block pays what is left of it from that point, so the
 * cost is an operand of every way in: the function's entry fuel op, each
 * jump for its target, and each conditional branch for its fall-through as
 * well. Costs are known only when a block ends, so cost cells are recorded
 * (block, prefix) and filled in when the function is done. Bulk
 * instructions add a cost from their operands at run time (exec.c).
 */
#include "code.h"

enum { K_FUNC, K_BLOCK, K_LOOP, K_IF, K_ELSE };

typedef struct ctl {
	uint8_t kind;
	uint32_t base;            /* stack height below the block's params */
	uint32_t nparams, nresults;
	size_t label;             /* loop: cell index of the header */
	uint32_t label_blk;       /* loop: the block the header lies in */
	uint32_t label_pre;       /* loop: that block's cost before the header */
	size_t if_fix;            /* if: rel cell of its br_unless, SIZE_MAX once placed */
	size_t if_op;             /* if: op cell of that br_unless */
	uint32_t fixups;          /* forward jumps to the end: list head, UINT32_MAX = none */
} ctl;

typedef struct fixup {
	size_t op, rel;           /* op cell and its rel operand cell */
	uint32_t next;
} fixup;

/* A cost cell to fill in: what is left of block blk after its first pre units. */
typedef struct costfix {
	uint32_t cell, blk, pre;
} costfix;

typedef struct lower {
	ep_module *m;
	ep_engine *e;
	ep_error *err;
	exec_table handlers;
	uint32_t funcidx;
	cell *code;
	size_t ncells, capcells;
	uint32_t *src;            /* per stack height: the slot holding the value */
	uint32_t capsrc;
	uint32_t h, maxh;
	uint32_t nl;              /* params + locals: stack height 0 is slot nl */
	uint32_t lazy_lo;         /* no height below this holds a lazy value */
	ctl *ctls;
	uint32_t nctls, capctls;
	fixup *fix;
	uint32_t nfix, capfix;
	uint32_t blk;             /* the current straight-line block */
	uint32_t fuel_count;      /* its cost so far */
	uint32_t *blk_cost;       /* the cost of each block that has ended */
	uint32_t capblk;
	costfix *cfx;
	uint32_t ncfx, capcfx;
	size_t last_dst;          /* cell of the last instruction's destination, or SIZE_MAX */
	size_t last_const;        /* op cell of a constant that can still be folded, or SIZE_MAX */
	size_t last_const_end;    /* the cell after it */
	int64_t last_const_val;   /* its value (i64 constants only when it fits 32 bits) */
	size_t last_op_pos;       /* op cell of the last instruction emitted */
	enum op last_op;
	size_t prev_op_pos;       /* and of the one before it (SIZE_MAX: none) */
	enum op prev_op;
	bool dead;                /* the rest of the innermost block is unreachable */
	bool nomem;
} lower;

#define SLOT(L, i) ((L)->nl + (i))

/* Grows array *p (of *cap elements) to hold need; the arrays live from one
 * lowering to the next, so this is rarely more than the compare. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static bool grow_to(lower *L, void **p, uint32_t *cap, uint32_t need, size_t elem)
{
	uint32_t n = *cap ? *cap : 16;
	while (n < need) {
		if (n > UINT32_MAX / 2) {
			L->nomem = true;
			return false;
		}
		n *= 2;
	}
	void *q = ep_realloc(L->e, *p, (size_t)*cap * elem, (size_t)n * elem);
	if (!q) {
		L->nomem = true;
		return false;
	}
	*p = q;
	*cap = n;
	return true;
}

#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline bool grow(lower *L, void **p, uint32_t *cap, uint32_t need, size_t elem)
{
	return need <= *cap || grow_to(L, p, cap, need, elem);
}

/* ---- emitting ---- */

/* The code buffer is full: double it. Out of line, so that put stays a
 * compare and a store wherever it is inlined. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static bool grow_code(lower *L)
{
	size_t n = L->capcells ? L->capcells * 2 : 64;
	cell *q = n > SIZE_MAX / sizeof(cell) ? NULL
		: ep_realloc(L->e, L->code, L->capcells * sizeof(cell), n * sizeof(cell));
	if (!q) {
		L->nomem = true;
		return false;
	}
	L->code = q;
	L->capcells = n;
	return true;
}

/* Called for every cell: keep it inline even at -Os. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline void put(lower *L, uint32_t v)
{
	if (L->ncells == L->capcells && !grow_code(L))
		return;
	L->code[L->ncells++].s = v;
}

/* A jump's distance and cost cells, both filled in later (patch, fill_costs). */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void put_target(lower *L)
{
	put(L, 0);
	put(L, 0);
}

#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline size_t emit_op(lower *L, enum op op)
{
	size_t at = L->ncells;
	put(L, L->handlers.base ? EP_HANDLER_CELL(L->handlers.base + L->handlers.offsets[op],
	                                          L->handlers.base) : (uint32_t)op);
	L->last_dst = SIZE_MAX;
	L->last_const = SIZE_MAX;
	L->prev_op_pos = L->last_op_pos;
	L->prev_op = L->last_op;
	L->last_op_pos = at;
	L->last_op = op;
	return at;
}

#if defined(__GNUC__)
__attribute__((noinline))
#endif
static size_t emit(lower *L, enum op op)
{
	return emit_op(L, op);
}

/* Takes back the last instruction emitted (a peephole folded it into the
 * next one): the one before it is the last again. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void unemit(lower *L)
{
	L->ncells = L->last_op_pos;
	L->last_op_pos = L->prev_op_pos;
	L->last_op = L->prev_op;
	L->prev_op_pos = SIZE_MAX;
	L->prev_op = OP_COUNT;
	L->last_dst = L->last_const = SIZE_MAX;
}

static void put64(lower *L, uint64_t v)
{
	size_t at = L->ncells;
	for (size_t i = 0; i < IMM64_CELLS; i++)
		put(L, 0);
	if (!L->nomem)
		memcpy(&L->code[at], &v, 8);
}


/* ---- the compile-time operand stack ---- */

#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline void push_slot(lower *L, uint32_t slot)
{
	if (!grow(L, (void **)&L->src, &L->capsrc, L->h + 1, sizeof *L->src))
		return;
	L->src[L->h++] = slot;
	if (L->h > L->maxh)
		L->maxh = L->h;
}

/* Pushes the value an instruction just wrote into its own stack slot. */
static uint32_t push_result(lower *L)
{
	uint32_t slot = SLOT(L, L->h);
	push_slot(L, slot);
	return slot;
}

/* Emits op and its destination operand, a fresh stack slot pushed as the
 * result, and remembers the cell, so a following local.set can redirect
 * it. One call for what most instructions emit first. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static size_t emit_res(lower *L, enum op op)
{
	size_t at = emit_op(L, op);
	/* push_result's two lines, inline: calling it costs hello 1.3% of
	 * its instructions (7.7k) and saves 64 bytes. */
	uint32_t slot = SLOT(L, L->h);
	push_slot(L, slot);
	L->last_dst = L->ncells;
	put(L, slot);
	return at;
}

static uint32_t pop(lower *L)
{
	return L->src[--L->h];
}

/* A peephole fusing the next instruction into the last one, at k: that op
 * becomes op over its first keep operand cells, which stay. With result,
 * the cell after the op, its destination, becomes the fused op's own
 * stack result, as a local.set may still redirect. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static size_t emit_over(lower *L, size_t k, enum op op, size_t keep, bool result)
{
	L->ncells = k;
	size_t at = emit(L, op);
	L->ncells = k + 1 + keep;
	if (result) {
		L->last_dst = k + 1;
		L->code[k + 1].s = push_result(L);
	}
	return at;
}

/* d = a. Right after another mov (nothing emitted since, no label), the
 * two become one mov2, which still copies them in order. */
static void emit_mov(lower *L, uint32_t d, uint32_t a)
{
	size_t k = L->last_op_pos;
	if (L->last_op == OP_mov && k + 3 == L->ncells)
		emit_over(L, k, OP_mov2, 2, false);
	else
		emit(L, OP_mov);
	put(L, d);
	put(L, a);
}

static void materialize_at(lower *L, uint32_t i)
{
	if (L->src[i] != SLOT(L, i)) {
		emit_mov(L, SLOT(L, i), L->src[i]);
		L->src[i] = SLOT(L, i);
	}
}

/* Forces every lazy value into its own stack slot. */
static void materialize(lower *L)
{
	for (uint32_t i = L->lazy_lo; i < L->h; i++)
		materialize_at(L, i);
	L->lazy_lo = L->h;
}

/* Before local x is written: values still reading x lazily get copied. */
static void materialize_local(lower *L, uint32_t x)
{
	for (uint32_t i = L->lazy_lo; i < L->h; i++)
		if (L->src[i] == x)
			materialize_at(L, i);
}

static bool local_is_lazy(lower *L, uint32_t x)
{
	for (uint32_t i = L->lazy_lo; i < L->h; i++)
		if (L->src[i] == x)
			return true;
	return false;
}

/* ---- blocks, labels and fuel ---- */

/* The current block ends (at a branch, or where nothing falls through). */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void next_block(lower *L)
{
	if (!grow(L, (void **)&L->blk_cost, &L->capblk, L->blk + 1, sizeof *L->blk_cost))
		return;
	L->blk_cost[L->blk++] = L->fuel_count;
	L->fuel_count = 0;
}

/* Cost cell `cell` is to hold what is left of block blk after pre. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void cost_at(lower *L, size_t cell, uint32_t blk, uint32_t pre)
{
	if (cell > UINT32_MAX)
		L->nomem = true;
	if (L->nomem || !grow(L, (void **)&L->cfx, &L->capcfx, L->ncfx + 1, sizeof *L->cfx))
		return;
	L->cfx[L->ncfx++] = (costfix){ (uint32_t)cell, blk, pre };
}

/* Cost cell `cell` enters the code at the current point. */
static void cost_here(lower *L, size_t cell)
{
	cost_at(L, cell, L->blk, L->fuel_count);
}

/* A conditional branch was just emitted, its fall-through cost cell at
 * `cell`: the block ends, and the fall-through enters the next at its start. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void fall_through(lower *L, size_t cell)
{
	next_block(L);
	cost_here(L, cell);
}

/* Places a label at the current point. Jumps land on the next op, so no
 * peephole may reach back across it. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static size_t place_label(lower *L)
{
	L->last_dst = L->last_const = SIZE_MAX;
	L->last_op_pos = L->prev_op_pos = SIZE_MAX;
	L->last_op = L->prev_op = OP_COUNT;
	return L->ncells;
}

/* Every block has ended: fill in the cost cells. */
static void fill_costs(lower *L)
{
	next_block(L);
	for (uint32_t i = 0; i < L->ncfx && !L->nomem; i++)
		L->code[L->cfx[i].cell].s = L->blk_cost[L->cfx[i].blk] - L->cfx[i].pre;
}

static void patch(lower *L, size_t op, size_t rel, size_t target)
{
	if (!L->nomem)
		L->code[rel].i = (int32_t)((intptr_t)target - (intptr_t)op);
}

static void add_fixup(lower *L, ctl *c, size_t op, size_t rel)
{
	if (!grow(L, (void **)&L->fix, &L->capfix, L->nfix + 1, sizeof *L->fix))
		return;
	L->fix[L->nfix] = (fixup){ op, rel, c->fixups };
	c->fixups = L->nfix++;
}

/* Emits a jump (from op, with its rel cell and the cost cell after it) to
 * the label of c. */
static void jump_to(lower *L, ctl *c, size_t op, size_t rel)
{
	if (c->kind == K_LOOP) {
		patch(L, op, rel, c->label);
		cost_at(L, rel + 1, c->label_blk, c->label_pre);
	} else {
		add_fixup(L, c, op, rel);
	}
}

static uint32_t label_arity(const ctl *c)
{
	return c->kind == K_LOOP ? c->nparams : c->nresults;
}

/* Do the branch values already sit in the label's slots? */
static bool branch_needs_copy(lower *L, const ctl *c)
{
	uint32_t n = label_arity(c);
	for (uint32_t i = 0; i < n; i++)
		if (L->src[L->h - n + i] != SLOT(L, c->base + i))
			return true;
	return false;
}

/* Copies the branch values into the label's slots. Destinations are stack
 * slots at or below the sources, so an ascending copy never clobbers a
 * source still to be read. */
static void branch_copy(lower *L, const ctl *c)
{
	uint32_t n = label_arity(c);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t from = L->src[L->h - n + i], to = SLOT(L, c->base + i);
		if (from != to) {
			emit_mov(L, to, from);
		}
	}
}

static void emit_branch(lower *L, ctl *c)
{
	branch_copy(L, c);
	size_t op = emit(L, OP_jmp);
	size_t rel = L->ncells;
	put_target(L);
	jump_to(L, c, op, rel);
}

static bool push_ctl(lower *L, uint8_t kind, uint32_t nparams, uint32_t nresults)
{
	if (!grow(L, (void **)&L->ctls, &L->capctls, L->nctls + 1, sizeof *L->ctls))
		return false;
	ctl *c = &L->ctls[L->nctls++];
	*c = (ctl){ .kind = kind, .base = L->h - nparams, .nparams = nparams,
		.nresults = nresults, .if_fix = SIZE_MAX, .fixups = UINT32_MAX };
	return true;
}

/* Only the innermost block's code can be unreachable: a block inside
 * unreachable code is skipped, not pushed, so every enclosing block was
 * reachable where its inner one began, and is again at the inner end
 * (unless that end is unreachable, when this marks it so). */
static void set_unreachable(lower *L)
{
	ctl *c = &L->ctls[L->nctls - 1];
	L->dead = true;
	L->h = c->base;
	L->lazy_lo = L->h;
	/* Nothing falls through from here. */
	next_block(L);
}

/* The forward jump at op (its rel cell, the cost cell after it) lands at
 * the current point. */
static void land_here(lower *L, size_t op, size_t rel)
{
	patch(L, op, rel, L->ncells);
	cost_here(L, rel + 1);
}

/* Resolves every forward jump to c's end at the current point. */
static void resolve_fixups(lower *L, ctl *c)
{
	for (uint32_t f = c->fixups; f != UINT32_MAX; f = L->fix[f].next)
		land_here(L, L->fix[f].op, L->fix[f].rel);
	c->fixups = UINT32_MAX;
}

static void return_values(lower *L, uint32_t nresults)
{
	/* Results go to slots 0..n-1 in ascending order. A stack-slot source
	 * always lies at or above its destination, so only a lazy local below
	 * its destination could be overwritten before it is read. */
	for (uint32_t i = 0; i < nresults; i++)
		if (L->src[L->h - nresults + i] < i) {
			materialize(L);
			break;
		}
	if (nresults == 1 && L->src[L->h - 1] != 0) {
		uint32_t v = L->src[L->h - 1];
		size_t d = L->last_dst;
		if (d != SIZE_MAX && v == SLOT(L, L->h - 1) && L->code[d].s == v) {
			/* The instruction just before computed the result: it
			 * writes slot 0 itself (its operands are read first, and
			 * nothing runs after it but the return). */
			L->code[d].s = 0;
			emit(L, OP_ret);
			return;
		}
		emit(L, OP_ret_1);
		put(L, v);
		return;
	}
	for (uint32_t i = 0; i < nresults; i++) {
		uint32_t from = L->src[L->h - nresults + i];
		if (from != i) {
			emit_mov(L, i, from);
		}
	}
	emit(L, OP_ret);
}

/* ---- calls ---- */

/* A caller's block may pay for the entry block of a function it calls
 * directly, so that the call itself charges nothing: when that entry block
 * holds no call (else the prepaid cost would include its callees', without
 * end under recursion) and at most ENTRY_SCAN instructions (so that finding
 * out stays cheap). Returns its cost, the same as lowering the function
 * gives its first block (lower_func checks), or UINT32_MAX. Kept in the
 * function, so a body calling one callee a million times scans it once. */
#define ENTRY_SCAN 64

static uint32_t scan_entry(const ep_module *m, uint32_t g)
{
	const func *f = &m->funcs[g];
	size_t pos = f->body_off, end = f->body_off + f->body_len;
	uint32_t n = f->nlocals / 8, depth = 0;
	insn in;
	for (uint32_t k = 0; k < ENTRY_SCAN; k++) {
		if (pos >= end || insn_decode_full(m, &pos, end, &in, g, NULL) != EP_OK)
			return UINT32_MAX;
		uint32_t op = in.op;
		if (op == 0x02 || op == 0x03) {          /* block, loop: labels are no block end */
			depth++;
		} else if (op == 0x0B) {                 /* end: of the function, the block ends */
			if (depth-- == 0)
				return n;
		} else if (op == 0x10 || op == 0x11) {   /* call, call_indirect */
			return UINT32_MAX;
		} else if (op == 0x00 || (op >= 0x0C && op <= 0x0F) || op == 0x04) {
			return n + 1;   /* unreachable, br, br_if, br_table, return, if */
		} else {
			n++;
		}
	}
	return UINT32_MAX;
}

static uint32_t entry_cost(ep_module *m, uint32_t g)
{
	if (g < m->nfunc_imports)
		return UINT32_MAX;
	func *f = &m->funcs[g];
	if (!f->entry_paid) {
		uint32_t c = scan_entry(m, g);
		f->entry_paid = c == UINT32_MAX ? c : c + 1;
	}
	return f->entry_paid == UINT32_MAX ? UINT32_MAX : f->entry_paid - 1;
}

/* ---- conditional jumps ---- */

/* What a conditional jump tests: a plain value, or an i32 comparison whose
 * result was only produced to be tested (then the comparison is fused into
 * the jump and never stored). */
typedef struct cond {
	enum op cmp;              /* OP_COUNT: test value a itself */
	uint32_t a, b;            /* b: slot, or immediate for the _i forms */
} cond;

#if defined(__GNUC__)
__attribute__((noinline))
#endif
static enum op compare_inverse(enum op op)
{
	/* eq ne lt_s lt_u gt_s gt_u le_s le_u ge_s ge_u: each one's negation */
	static const uint8_t inv[] = { 1, 0, 8, 9, 6, 7, 4, 5, 2, 3 };
	_Static_assert(OP_i32_ge_u - OP_i32_eq == 9 && OP_i32_ge_u_i - OP_i32_eq_i == 9,
	               "the i32 comparisons in wasm's order, with and without an immediate");
	if (op >= OP_i32_eq && op <= OP_i32_ge_u)
		return (enum op)(OP_i32_eq + inv[op - OP_i32_eq]);
	if (op >= OP_i32_eq_i && op <= OP_i32_ge_u_i)
		return (enum op)(OP_i32_eq_i + inv[op - OP_i32_eq_i]);
	return OP_COUNT;
}

/* a > b and a >= b of two slots are b < a and b <= a (NaN compares false
 * either way): the mirrored op, to run with the operands swapped, or
 * OP_COUNT. The _i forms stay, since the immediate must be the right
 * operand. Sixteen handlers fewer (code.h's S ops, and branches). */
static enum op mirror(enum op op)
{
	_Static_assert(OP_i32_gt_s - OP_i32_lt_s == 2 && OP_i32_ge_u - OP_i32_le_u == 2
	               && OP_i64_gt_s - OP_i64_lt_s == 2 && OP_i64_ge_u - OP_i64_le_u == 2
	               && OP_f32_gt - OP_f32_lt == 1 && OP_f64_ge - OP_f64_le == 1,
	               "each > or >= follows its < or <= as in wasm");
	if ((op >= OP_i32_gt_s && op <= OP_i32_gt_u) || (op >= OP_i32_ge_s && op <= OP_i32_ge_u)
	    || (op >= OP_i64_gt_s && op <= OP_i64_gt_u) || (op >= OP_i64_ge_s && op <= OP_i64_ge_u))
		return (enum op)(op - 2);
	if (op == OP_f32_gt || op == OP_f32_ge || op == OP_f64_gt || op == OP_f64_ge)
		return (enum op)(op - 1);
	return OP_COUNT;
}

static bool compare_swaps(enum op op)
{
	return op >= OP_i32_eq && op <= OP_i32_ge_u && mirror(op) != OP_COUNT;
}

static enum op compare_branch(enum op op)
{
	static const uint8_t slots[] = {
		OP_br_eq, OP_br_ne, OP_br_lt_s, OP_br_lt_u, OP_br_lt_s, OP_br_lt_u,
		OP_br_le_s, OP_br_le_u, OP_br_le_s, OP_br_le_u,
	};
	_Static_assert(OP_i32_ge_u - OP_i32_eq == 9, "the i32 comparisons in wasm's order");
	if (op >= OP_i32_eq && op <= OP_i32_ge_u)
		return (enum op)slots[op - OP_i32_eq];
	if (op >= OP_i32_eq_i && op <= OP_i32_ge_u_i)
		return (enum op)(OP_br_eq_i + (op - OP_i32_eq_i));
	return OP_COUNT;
}

enum { C_UP = 1, C_NEG = 2, C_ROT = 4, C_S = 8, C_U = 16 };   /* imm_canon's hows */

/* An op with an immediate right operand as one of the forms that have a
 * handler: x - c is x + -c, x rotr c is x rotl (32 - c), x <= c is
 * x < c + 1 and x >= c is x > c - 1, the forms compilers emit (the others
 * are code.h's S ops). False, changing nothing, when c has no neighbour
 * (x <=u 0xffffffff): the constant then stays in a slot. i64 immediates
 * are sign-extended from 32 bits, and so must their neighbours be. */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static bool imm_canon(enum op *op, uint32_t *imm)
{
	/* How: the neighbour above (C_UP) or below, the negation or the
	 * rotation's complement; C_S: no neighbour past int32's ends (for
	 * i64, past what sign-extends), C_U: none across 0 unsigned. */
	static const struct { uint8_t from, to, how; } forms[] = {
		{ OP_i32_sub_i, OP_i32_add_i, C_NEG }, { OP_i64_sub_i, OP_i64_add_i, C_NEG | C_S },
		{ OP_i32_rotr_i, OP_i32_rotl_i, C_ROT },
		{ OP_i32_le_s_i, OP_i32_lt_s_i, C_UP | C_S }, { OP_i32_le_u_i, OP_i32_lt_u_i, C_UP | C_U },
		{ OP_i64_le_s_i, OP_i64_lt_s_i, C_UP | C_S }, { OP_i64_le_u_i, OP_i64_lt_u_i, C_UP | C_S | C_U },
		{ OP_i32_ge_s_i, OP_i32_gt_s_i, C_S }, { OP_i32_ge_u_i, OP_i32_gt_u_i, C_U },
		{ OP_i64_ge_s_i, OP_i64_gt_s_i, C_S }, { OP_i64_ge_u_i, OP_i64_gt_u_i, C_S | C_U },
	};
#define C_BIT(o) (1ull << ((o) - OP_i32_add_i))
	static const uint64_t from_any = C_BIT(OP_i32_sub_i) | C_BIT(OP_i64_sub_i)
		| C_BIT(OP_i32_rotr_i) | C_BIT(OP_i32_le_s_i) | C_BIT(OP_i32_le_u_i)
		| C_BIT(OP_i64_le_s_i) | C_BIT(OP_i64_le_u_i) | C_BIT(OP_i32_ge_s_i)
		| C_BIT(OP_i32_ge_u_i) | C_BIT(OP_i64_ge_s_i) | C_BIT(OP_i64_ge_u_i);
#undef C_BIT
	_Static_assert(OP_i64_ge_u_i - OP_i32_add_i < 64, "the immediate forms fit a mask");
	/* Most ops asked about have no rewrite: one test, not the table. */
	if (*op < OP_i32_add_i || *op > OP_i64_ge_u_i || !((from_any >> (*op - OP_i32_add_i)) & 1))
		return true;
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		if (forms[i].from != *op)
			continue;
		unsigned how = forms[i].how;
		bool up = how & C_UP;
		int32_t c = (int32_t)*imm;
		if (((how & C_S) && c == (up ? INT32_MAX : INT32_MIN)) || ((how & C_U) && c == (up ? -1 : 0)))
			return false;
		*imm = how & C_NEG ? 0u - *imm : how & C_ROT ? (32u - (*imm & 31u)) & 31u
			: up ? *imm + 1 : *imm - 1;
		*op = (enum op)forms[i].to;
		return true;
	}
	return true;
}

/* Takes the just-popped condition value; when the instruction right before
 * computed it only for this test, removes that instruction, and the jump
 * (taken when the value is nonzero, or zero unless when_true) tests its
 * comparison instead. Not when that jump would need a comparison with an
 * immediate that has no handler. */
static cond take_cond(lower *L, uint32_t value, bool when_true)
{
	cond c = { OP_COUNT, value, 0 };
	size_t d = L->last_dst;
	if (d == SIZE_MAX || d != L->last_op_pos + 1 || value != SLOT(L, L->h) || L->code[d].s != value)
		return c;
	enum op op = L->last_op;
	if (op != OP_i32_eqz && compare_branch(op) == OP_COUNT)
		return c;
	uint32_t b = op == OP_i32_eqz ? 0 : L->code[d + 2].s, imm = b;
	enum op inv = compare_inverse(op);
	if (!when_true && inv >= OP_i32_eq_i && inv <= OP_i32_ge_u_i && !imm_canon(&inv, &imm))
		return c;
	c.cmp = op;
	c.a = L->code[d + 1].s;
	c.b = b;
	unemit(L);
	return c;
}

/* Emits a jump taken when c holds (when_true) or fails; returns its op cell
 * and sets *rel to the cell of its distance, which the taken and the
 * fall-through costs follow. */
static size_t emit_cond_jump(lower *L, cond c, bool when_true, size_t *rel)
{
	enum op op = c.cmp;
	size_t at, k = L->last_op_pos;
	/* The value tested was computed by an i32.add_i just before (d a imm
	 * cells, d the value): a loop's step and test, in one op. */
	bool step = L->last_op == OP_i32_add_i && k + 4 == L->ncells && L->code[k + 1].s == c.a;
	if (op == OP_i32_eqz)
		when_true = !when_true;
	if (op == OP_COUNT || op == OP_i32_eqz) {
		/* a != 0 after a step is i += imm; i != 0 (below). */
		if (when_true && step) {
			op = OP_i32_ne_i;
			c.b = 0;
		}
	} else if (!when_true) {
		op = compare_inverse(op);
	}
	if ((op == OP_COUNT || op == OP_i32_eqz) && !when_true && L->last_op == OP_i32_and_i
	    && k + 4 == L->ncells && L->code[k + 1].s == c.a) {
		/* Jump when a bit test just before found no bit: one op,
		 * which keeps the and's cells (d x imm) and still writes d. */
		at = emit_over(L, k, OP_and_i_br_unless, 3, false);
	} else if (op == OP_COUNT || op == OP_i32_eqz) {
		at = emit(L, when_true ? OP_br_if : OP_br_unless);
		put(L, c.a);
	} else {
		/* take_cond made sure this has a form with a handler */
		imm_canon(&op, &c.b);
		if (compare_branch(op) == OP_br_ne_i && step) {
			/* i += imm; i != n: one op, which keeps the add's
			 * operand cells (d a imm). */
			at = emit_over(L, k, OP_add_i_br_ne_i, 3, false);
		} else if (op == OP_i32_ne && L->last_op == OP_i32_and_i && k + 4 == L->ncells
		           && (L->code[k + 1].s == c.a || L->code[k + 1].s == c.b)) {
			/* (x & imm) != y, the and just before: one op, which
			 * keeps the and's cells (d x imm) and still writes d. */
			if (L->code[k + 1].s != c.a)
				c.b = c.a;
			at = emit_over(L, k, OP_and_i_br_ne, 3, false);
		} else {
			at = emit(L, compare_branch(op));
			if (compare_swaps(op)) {
				uint32_t t = c.a;
				c.a = c.b;
				c.b = t;
			}
			put(L, c.a);
		}
		put(L, c.b);
	}
	*rel = L->ncells;
	put_target(L);
	put(L, 0);
	return at;
}

static void block_type(lower *L, const insn *in, uint32_t *np, uint32_t *nr)
{
	if (in->bt_kind == BT_EMPTY) {
		*np = *nr = 0;
	} else if (in->bt_kind == BT_VAL) {
		*np = 0;
		*nr = 1;
	} else {
		*np = L->m->types[in->bt].nparams;
		*nr = L->m->types[in->bt].nresults;
	}
}

/* ---- numeric instructions ---- */

/* Opcodes 0x45..0xC4: the internal op. A mov for the reinterpretations
 * (bits are kept as they are in the slot). The unary ops are the mov and
 * those from i32_eqz on (code.h's order); B and U only say which. */
_Static_assert(OP_mov < OP_i32_eqz && OP_f64_copysign < OP_i32_eqz && OP_i32_eq < OP_i32_eqz
               && OP_i64_trunc_sat_f64_u > OP_i32_eqz, "the numeric binary ops before the unary");
static const uint8_t numeric[0xC5 - 0x45] = {
#define B(code, name) [code - 0x45] = OP_##name
#define U(code, name) [code - 0x45] = OP_##name
	U(0x45, i32_eqz), B(0x46, i32_eq), B(0x47, i32_ne), B(0x48, i32_lt_s), B(0x49, i32_lt_u),
	B(0x4A, i32_gt_s), B(0x4B, i32_gt_u), B(0x4C, i32_le_s), B(0x4D, i32_le_u),
	B(0x4E, i32_ge_s), B(0x4F, i32_ge_u),
	U(0x50, i64_eqz), B(0x51, i64_eq), B(0x52, i64_ne), B(0x53, i64_lt_s), B(0x54, i64_lt_u),
	B(0x55, i64_gt_s), B(0x56, i64_gt_u), B(0x57, i64_le_s), B(0x58, i64_le_u),
	B(0x59, i64_ge_s), B(0x5A, i64_ge_u),
	B(0x5B, f32_eq), B(0x5C, f32_ne), B(0x5D, f32_lt), B(0x5E, f32_gt), B(0x5F, f32_le), B(0x60, f32_ge),
	B(0x61, f64_eq), B(0x62, f64_ne), B(0x63, f64_lt), B(0x64, f64_gt), B(0x65, f64_le), B(0x66, f64_ge),
	U(0x67, i32_clz), U(0x68, i32_ctz), U(0x69, i32_popcnt),
	B(0x6A, i32_add), B(0x6B, i32_sub), B(0x6C, i32_mul), B(0x6D, i32_div_s), B(0x6E, i32_div_u),
	B(0x6F, i32_rem_s), B(0x70, i32_rem_u), B(0x71, i32_and), B(0x72, i32_or), B(0x73, i32_xor),
	B(0x74, i32_shl), B(0x75, i32_shr_s), B(0x76, i32_shr_u), B(0x77, i32_rotl), B(0x78, i32_rotr),
	U(0x79, i64_clz), U(0x7A, i64_ctz), U(0x7B, i64_popcnt),
	B(0x7C, i64_add), B(0x7D, i64_sub), B(0x7E, i64_mul), B(0x7F, i64_div_s), B(0x80, i64_div_u),
	B(0x81, i64_rem_s), B(0x82, i64_rem_u), B(0x83, i64_and), B(0x84, i64_or), B(0x85, i64_xor),
	B(0x86, i64_shl), B(0x87, i64_shr_s), B(0x88, i64_shr_u), B(0x89, i64_rotl), B(0x8A, i64_rotr),
	U(0x8B, f32_abs), U(0x8C, f32_neg), U(0x8D, f32_ceil), U(0x8E, f32_floor), U(0x8F, f32_trunc),
	U(0x90, f32_nearest), U(0x91, f32_sqrt),
	B(0x92, f32_add), B(0x93, f32_sub), B(0x94, f32_mul), B(0x95, f32_div), B(0x96, f32_min),
	B(0x97, f32_max), B(0x98, f32_copysign),
	U(0x99, f64_abs), U(0x9A, f64_neg), U(0x9B, f64_ceil), U(0x9C, f64_floor), U(0x9D, f64_trunc),
	U(0x9E, f64_nearest), U(0x9F, f64_sqrt),
	B(0xA0, f64_add), B(0xA1, f64_sub), B(0xA2, f64_mul), B(0xA3, f64_div), B(0xA4, f64_min),
	B(0xA5, f64_max), B(0xA6, f64_copysign),
	U(0xA7, i32_wrap_i64), U(0xA8, i32_trunc_f32_s), U(0xA9, i32_trunc_f32_u),
	U(0xAA, i32_trunc_f64_s), U(0xAB, i32_trunc_f64_u),
	U(0xAC, i64_extend_i32_s), U(0xAD, i64_extend_i32_u),
	U(0xAE, i64_trunc_f32_s), U(0xAF, i64_trunc_f32_u), U(0xB0, i64_trunc_f64_s), U(0xB1, i64_trunc_f64_u),
	U(0xB2, f32_convert_i32_s), U(0xB3, f32_convert_i32_u), U(0xB4, f32_convert_i64_s),
	U(0xB5, f32_convert_i64_u), U(0xB6, f32_demote_f64),
	U(0xB7, f64_convert_i32_s), U(0xB8, f64_convert_i32_u), U(0xB9, f64_convert_i64_s),
	U(0xBA, f64_convert_i64_u), U(0xBB, f64_promote_f32),
	U(0xBC, mov), U(0xBD, mov), U(0xBE, mov), U(0xBF, mov),
	U(0xC0, i32_extend8_s), U(0xC1, i32_extend16_s),
	U(0xC2, i64_extend8_s), U(0xC3, i64_extend16_s), U(0xC4, i64_extend32_s),
#undef B
#undef U
};

static const uint8_t trunc_sat[8] = {
	OP_i32_trunc_sat_f32_s, OP_i32_trunc_sat_f32_u, OP_i32_trunc_sat_f64_s, OP_i32_trunc_sat_f64_u,
	OP_i64_trunc_sat_f32_s, OP_i64_trunc_sat_f32_u, OP_i64_trunc_sat_f64_s, OP_i64_trunc_sat_f64_u,
};

/* The ops the tables here name come before the fused loads, which only
 * lower_load emits. */
_Static_assert(OP_i64_ge_u_i < 256, "op numbers are kept in bytes");

/* The immediate form of each binary op that has one (0: none), by its
 * distance from i32_eq, the first binary op. A table, since every binary
 * op of every body asks. */
#define I_(o) [OP_##o - OP_i32_eq]
static const uint8_t imm_form[OP_i64_rotr - OP_i32_eq + 1] = {
	I_(i32_add) = OP_i32_add_i, I_(i32_sub) = OP_i32_sub_i, I_(i32_mul) = OP_i32_mul_i,
	I_(i32_and) = OP_i32_and_i, I_(i32_or) = OP_i32_or_i, I_(i32_xor) = OP_i32_xor_i,
	I_(i32_shl) = OP_i32_shl_i, I_(i32_shr_s) = OP_i32_shr_s_i, I_(i32_shr_u) = OP_i32_shr_u_i,
	I_(i32_rotl) = OP_i32_rotl_i, I_(i32_rotr) = OP_i32_rotr_i,
	I_(i32_eq) = OP_i32_eq_i, I_(i32_ne) = OP_i32_ne_i, I_(i32_lt_s) = OP_i32_lt_s_i,
	I_(i32_lt_u) = OP_i32_lt_u_i, I_(i32_gt_s) = OP_i32_gt_s_i, I_(i32_gt_u) = OP_i32_gt_u_i,
	I_(i32_le_s) = OP_i32_le_s_i, I_(i32_le_u) = OP_i32_le_u_i, I_(i32_ge_s) = OP_i32_ge_s_i,
	I_(i32_ge_u) = OP_i32_ge_u_i, I_(i64_add) = OP_i64_add_i, I_(i64_sub) = OP_i64_sub_i,
	I_(i64_and) = OP_i64_and_i, I_(i64_shl) = OP_i64_shl_i, I_(i64_shr_s) = OP_i64_shr_s_i,
	I_(i64_shr_u) = OP_i64_shr_u_i, I_(i64_eq) = OP_i64_eq_i, I_(i64_ne) = OP_i64_ne_i,
	I_(i64_lt_s) = OP_i64_lt_s_i, I_(i64_lt_u) = OP_i64_lt_u_i, I_(i64_gt_s) = OP_i64_gt_s_i,
	I_(i64_gt_u) = OP_i64_gt_u_i, I_(i64_le_s) = OP_i64_le_s_i, I_(i64_le_u) = OP_i64_le_u_i,
	I_(i64_ge_s) = OP_i64_ge_s_i, I_(i64_ge_u) = OP_i64_ge_u_i,
};

#undef I_

static enum op immediate_form(enum op op)
{
	unsigned k = op - OP_i32_eq;
	return k < sizeof imm_form && imm_form[k] ? (enum op)imm_form[k] : OP_COUNT;
}

/* A binary op right after an op `from` of three operand cells (d x y)
 * whose result is one of its two operands (in its stack slot, nothing
 * emitted since) becomes one op `to` over from's cells, d x y c, with c
 * the other operand; `to + 1` when the result was the right operand, for
 * to's that tell (f64.add's, so that a NaN comes from the operand it would).
 * Returns whether it fused. */
_Static_assert(OP_f64_muladd_r == OP_f64_muladd_l + 1 && OP_f64_add_load_r == OP_f64_add_load_l + 1,
               "each f64.add fusion's _r follows its _l");

#if defined(__GNUC__)
__attribute__((noinline))
#endif
static bool fuse_last(lower *L, enum op from, enum op to, bool sided)
{
	size_t k = L->last_op_pos;
	if (L->last_op != from || k + 4 != L->ncells)
		return false;
	uint32_t prod = L->code[k + 1].s, top = L->h - 1;
	bool right = prod == SLOT(L, top) && L->src[top] == prod;
	if (!right && !(prod == SLOT(L, top - 1) && L->src[top - 1] == prod))
		return false;
	uint32_t c = right ? L->src[top - 1] : L->src[top];
	L->h -= 2;
	emit_over(L, k, (enum op)(to + (sided && right)), 3, true);
	put(L, c);
	return true;
}

/* The op a binary op becomes with the op that fed it (fuse_last), or
 * OP_COUNT: f64.add of an f64.mul's product or of a value loaded; i32.add
 * of an i32.shl by a constant (an index scaled to an address), of a
 * product or of a value loaded; i32.xor of a shift or rotation by a
 * constant, or of another xor (hashes, checksums). */
static enum op fed_by(enum op last, enum op op)
{
	switch (last) {
	case OP_f64_mul:
		return op == OP_f64_add ? OP_f64_muladd_l : OP_COUNT;
	case OP_i64_load:   /* f64.load's bits */
		return op == OP_f64_add ? OP_f64_add_load_l : OP_COUNT;
	case OP_i32_load:
		return op == OP_i32_add ? OP_i32_add_load : OP_COUNT;
	case OP_i32_mul:
		return op == OP_i32_add ? OP_i32_add_mul : OP_COUNT;
	case OP_i32_shl_i:
		return op == OP_i32_add ? OP_i32_add_shl_i : op == OP_i32_xor ? OP_i32_xor_shl_i : OP_COUNT;
	case OP_i32_shr_u_i:
		return op == OP_i32_xor ? OP_i32_xor_shr_u_i : OP_COUNT;
	case OP_i32_rotl_i:
		return op == OP_i32_xor ? OP_i32_xor_rotl_i : OP_COUNT;
	case OP_i32_xor:
		return op == OP_i32_xor ? OP_i32_xor3 : OP_COUNT;
	default:
		return OP_COUNT;
	}
}

static void lower_binary(lower *L, enum op op)
{
	enum op fused = fed_by(L->last_op, op);
	if (fused != OP_COUNT && fuse_last(L, L->last_op, fused, op == OP_f64_add))
		return;
	enum op imm_op = immediate_form(op);
	size_t k = L->last_const;
	uint32_t imm = (uint32_t)L->last_const_val;
	if (imm_op != OP_COUNT && k != SIZE_MAX && L->last_const_end == L->ncells
	    && L->src[L->h - 1] == SLOT(L, L->h - 1) && L->code[k + 1].s == SLOT(L, L->h - 1)
	    && imm_canon(&imm_op, &imm)) {
		/* The right operand is the constant just emitted: fold it. i64
		 * immediates are sign-extended from 32 bits at run time. */
		unemit(L);
		L->h--;
		uint32_t a = pop(L);
		size_t j = L->last_op_pos;
		bool fed = j + 4 == L->ncells && a == SLOT(L, L->h) && L->code[j + 1].s == a;
		if (fed && ((imm_op == OP_i32_and_i && L->last_op == OP_i32_shr_u_i)
		            || (imm_op == OP_i32_add_i && L->last_op == OP_i32_load))) {
			/* A bit field, the shift's result only feeding this and;
			 * a value loaded only for this add. */
			emit_over(L, j, imm_op == OP_i32_and_i ? OP_i32_shr_u_and_i
			                : OP_i32_load_then_add_i, 3, true);
			put(L, imm);
			return;
		}
		if (fed && imm_op == OP_i32_shr_s_i && L->last_op == OP_i32_shl_i
		    && L->code[j + 3].s == imm && (imm == 16 || imm == 24)) {
			/* (x << 16) >> 16 and (x << 24) >> 24, signed: how code
			 * built without sign-extension ops extends a short or a
			 * byte, one op that is. */
			uint32_t x = L->code[j + 2].s;
			L->ncells = j;
			emit_res(L, imm == 16 ? OP_i32_extend16_s : OP_i32_extend8_s);
			put(L, x);
			return;
		}
		emit_res(L, imm_op);
		put(L, a);
		put(L, imm);
		return;
	}
	uint32_t b = pop(L), a = pop(L);
	enum op mop = mirror(op);
	if (mop != OP_COUNT) {
		uint32_t t = a;
		a = b;
		b = t;
		op = mop;
	}
	emit_res(L, op);
	put(L, a);
	put(L, b);
}

_Static_assert(OP_i32_trunc_f64_s == OP_i32_trunc_f32_s + 2 && OP_i64_trunc_f64_s == OP_i64_trunc_f32_s + 2
               && OP_i32_trunc_sat_f64_s == OP_i32_trunc_sat_f32_s + 2
               && OP_i64_trunc_sat_f64_s == OP_i64_trunc_sat_f32_s + 2,
               "each truncation from f64 is two after its f32 twin");

static void lower_unary(lower *L, enum op op)
{
	/* A truncation from f32 is the one from f64 of the value promoted,
	 * which is exact: the same result, NaN and range traps included. No
	 * program here ran one, so they share the f64 handlers. */
	if (op == OP_i32_trunc_f32_s || op == OP_i32_trunc_f32_u || op == OP_i64_trunc_f32_s
	    || op == OP_i64_trunc_f32_u || op == OP_i32_trunc_sat_f32_s || op == OP_i32_trunc_sat_f32_u
	    || op == OP_i64_trunc_sat_f32_s || op == OP_i64_trunc_sat_f32_u) {
		lower_unary(L, OP_f64_promote_f32);
		op = (enum op)(op + 2);
	}
	uint32_t a = pop(L);
	emit_res(L, op);
	put(L, a);
}

/* ---- loads and stores ---- */

static enum op load_op(uint32_t opcode)
{
	static const uint8_t ops[] = {
		OP_i32_load, OP_i64_load, OP_i32_load, OP_i64_load,   /* 0x28..0x2B: f32/f64 load bits */
		OP_i32_load8_s, OP_i32_load8_u, OP_i32_load16_s, OP_i32_load16_u,
		OP_i64_load8_s, OP_i64_load8_u, OP_i64_load16_s, OP_i64_load16_u,
		OP_i64_load32_s, OP_i64_load32_u,
	};
	return (enum op)ops[opcode - 0x28];
}

/* Takes the just-popped address value a: when the instruction right before
 * is an i32.add_i (or, with slots, an i32.add) that computed it only for
 * this access, removes the add and returns it (operands in *x, *y); else
 * OP_COUNT. */
static enum op take_add(lower *L, uint32_t a, bool slots, uint32_t *x, uint32_t *y)
{
	size_t d = L->last_dst;
	if (d == SIZE_MAX || d != L->last_op_pos + 1 || a != SLOT(L, L->h) || L->code[d].s != a
	    || (L->last_op != OP_i32_add_i && !(slots && L->last_op == OP_i32_add)))
		return OP_COUNT;
	enum op op = L->last_op;
	*x = L->code[d + 1].s;
	*y = L->code[d + 2].s;
	unemit(L);
	return op;
}

_Static_assert(OP_i32_load8_u_add - OP_i32_load_add == OP_i32_load8_u - OP_i32_load
               && OP_i32_load16_s_addi - OP_i32_load_addi == OP_i32_load16_s - OP_i32_load,
               "fused loads follow the loads");

_Static_assert(OP_i32_load16_u_shl - OP_i32_load_shl == OP_i32_load16_u - OP_i32_load
               && OP_i32_load8_u_shl - OP_i32_load_shl == OP_i32_load8_u - OP_i32_load,
               "the scaled-index loads follow the loads");

static void lower_load(lower *L, enum op op, uint32_t offset)
{
	uint32_t a = pop(L), x, y;
	size_t k = L->last_op_pos;
	if ((op == OP_i32_load || op == OP_i32_load8_u || op == OP_i32_load16_u)
	    && L->last_op == OP_i32_add_shl_i && k + 5 == L->ncells && L->last_dst == k + 1
	    && a == SLOT(L, L->h) && L->code[k + 1].s == a) {
		/* The address is c + (i << k), computed only for this load:
		 * one op over the add's cells, d i k c, and the offset. */
		emit_over(L, k, (enum op)(OP_i32_load_shl + (op - OP_i32_load)), 4, true);
		put(L, offset);
		return;
	}
	enum op add = op <= OP_i32_load16_s ? take_add(L, a, op <= OP_i32_load8_u, &x, &y)
		: OP_COUNT;
	if (add != OP_COUNT) {
		/* The fused forms are in the order of the loads. */
		emit_res(L, (enum op)((add == OP_i32_add ? OP_i32_load_add : OP_i32_load_addi)
		                  + (op - OP_i32_load)));
		put(L, x);
		put(L, y);
	} else {
		emit_res(L, op);
		put(L, a);
	}
	put(L, offset);
}

_Static_assert(OP_i32_store16_i - OP_i32_store_i == OP_i32_store16 - OP_i32_store
               && OP_i32_store_i - OP_i32_store == 4, "each store's constant form four after it");

static enum op store_op(uint32_t opcode)
{
	static const uint8_t ops[] = {
		OP_i32_store, OP_i64_store, OP_i32_store, OP_i64_store,   /* 0x36..0x39 */
		OP_i32_store8, OP_i32_store16,                            /* i32.store8/16 */
		OP_i32_store8, OP_i32_store16, OP_i32_store,              /* i64.store8/16/32 */
	};
	return (enum op)ops[opcode - 0x36];
}

/* ---- one function ---- */

static ep_status lower_func(lower *L, uint32_t funcidx)
{
	ep_module *m = L->m;
	func *f = &m->funcs[funcidx];
	const functype *ft = &m->types[f->type];
	L->funcidx = funcidx;
	L->ncells = 0;
	L->h = L->maxh = 0;
	L->nl = ft->nparams + f->nlocals;
	L->lazy_lo = 0;
	L->nctls = 0;
	L->nfix = 0;
	L->blk = 0;
	L->ncfx = 0;
	L->fuel_count = 0;
	L->last_dst = L->last_const = SIZE_MAX;
	L->last_op_pos = L->prev_op_pos = SIZE_MAX;
	L->last_op = L->prev_op = OP_COUNT;
	L->nomem = false;
	L->dead = false;

	push_ctl(L, K_FUNC, 0, ft->nresults);
	emit(L, OP_fuel);
	put(L, 0);
	cost_here(L, 1);
	/* Entering the function zeroes its declared locals (8-byte slots):
	 * the entry block pays for them as memory.fill pays for its bytes,
	 * one unit per 64 bytes, so a call's work is bounded by its fuel
	 * however many locals it declares. */
	L->fuel_count = f->nlocals / 8;

	size_t pos = f->body_off, end = f->body_off + f->body_len;
	uint32_t dead = 0;   /* nesting depth inside unreachable code */
	insn in;
	while (pos < end && !L->nomem) {
		const uint8_t *b = m->bytes + pos;
		if (b[0] == 0x20 && b[1] < 0x80) {
			/* local.get of a one-byte index, the commonest instruction,
			 * without the decoder. The body is valid, so an end follows. */
			in.op = 0x20;
			in.a = b[1];
			in.off = pos;
			pos += 2;
		} else if (insn_decode(m, &pos, end, &in, funcidx, L->err) != EP_OK) {
			return L->err ? L->err->status : EP_ERR_MALFORMED;
		}
		uint32_t op = in.op;

		if (L->dead) {
			if (op == 0x02 || op == 0x03 || op == 0x04) {
				dead++;
				continue;
			}
			if (dead > 0) {
				if (op == 0x0B)
					dead--;
				continue;
			}
			if (op != 0x05 && op != 0x0B)
				continue;
		}
		if (op != 0x02 && op != 0x03 && op != 0x05 && op != 0x0B
		    && ++L->fuel_count > EP_MAX_BLOCK_COST)
			return ep_fail(L->err, EP_ERR_LIMIT, in.off, funcidx,
			               "straight-line code longer than %u instructions",
			               (unsigned)EP_MAX_BLOCK_COST);

		switch (op) {
		case 0x00: /* unreachable */
			emit(L, OP_unreachable);
			set_unreachable(L);
			break;
		case 0x01: /* nop */
			break;
		case 0x02: /* block */
		case 0x03: /* loop */ {
			uint32_t np, nr;
			block_type(L, &in, &np, &nr);
			materialize(L);
			L->last_dst = L->last_const = SIZE_MAX;
			if (!push_ctl(L, op == 0x02 ? K_BLOCK : K_LOOP, np, nr))
				break;
			if (op == 0x03) {
				ctl *lc = &L->ctls[L->nctls - 1];
				lc->label = place_label(L);
				lc->label_blk = L->blk;
				lc->label_pre = L->fuel_count;
			}
			break;
		}
		case 0x04: /* if */ {
			uint32_t np, nr;
			block_type(L, &in, &np, &nr);
			cond cd = take_cond(L, pop(L), false);
			materialize(L);
			size_t rel;
			size_t bop = emit_cond_jump(L, cd, false, &rel);
			if (!push_ctl(L, K_IF, np, nr))
				break;
			L->ctls[L->nctls - 1].if_op = bop;
			L->ctls[L->nctls - 1].if_fix = rel;
			fall_through(L, rel + 2);
			break;
		}
		case 0x05: /* else */ {
			ctl *c = &L->ctls[L->nctls - 1];
			if (!L->dead) {
				materialize(L);
				size_t jop = emit(L, OP_jmp);
				size_t rel = L->ncells;
				put_target(L);
				add_fixup(L, c, jop, rel);
				next_block(L);
			}
			c = &L->ctls[L->nctls - 1];
			c->kind = K_ELSE;
			L->dead = false;
			dead = 0;
			/* The params are back in their slots on the else path. */
			L->h = c->base;
			for (uint32_t i = 0; i < c->nparams; i++)
				push_slot(L, SLOT(L, c->base + i));
			L->lazy_lo = L->h;
			place_label(L);
			land_here(L, c->if_op, c->if_fix);
			c->if_fix = SIZE_MAX;
			break;
		}
		case 0x0B: /* end */ {
			ctl *c = &L->ctls[L->nctls - 1];
			if (L->nctls == 1) {
				if (!L->dead) {
					return_values(L, c->nresults);
					next_block(L);
				}
				if (c->fixups != UINT32_MAX) {
					/* Branches to the function's end return. */
					place_label(L);
					L->h = c->base;
					for (uint32_t i = 0; i < c->nresults; i++)
						push_slot(L, SLOT(L, c->base + i));
					resolve_fixups(L, c);
					return_values(L, c->nresults);
				}
				L->nctls--;
				break;
			}
			if (!L->dead)
				materialize(L);
			L->last_dst = L->last_const = SIZE_MAX;
			bool reachable = !L->dead || c->fixups != UINT32_MAX || c->if_fix != SIZE_MAX;
			L->h = c->base;
			for (uint32_t i = 0; i < c->nresults; i++)
				push_slot(L, SLOT(L, c->base + i));
			L->lazy_lo = L->h;
			/* Only a jump makes the end a label; a plain fall-through
			 * stays in the same straight-line block. */
			if (c->fixups != UINT32_MAX || c->if_fix != SIZE_MAX) {
				place_label(L);
				resolve_fixups(L, c);
				if (c->if_fix != SIZE_MAX)
					land_here(L, c->if_op, c->if_fix);
			}
			L->nctls--;
			L->dead = false;
			if (!reachable)
				set_unreachable(L);
			break;
		}
		case 0x0C: /* br */
			emit_branch(L, &L->ctls[L->nctls - 1 - in.a]);
			set_unreachable(L);
			break;
		case 0x0D: /* br_if */ {
			ctl *t = &L->ctls[L->nctls - 1 - in.a];
			uint32_t cond = pop(L);
			if (!branch_needs_copy(L, t)) {
				size_t rel;
				size_t bop = emit_cond_jump(L, take_cond(L, cond, true), true, &rel);
				jump_to(L, t, bop, rel);
				fall_through(L, rel + 2);
			} else {
				/* Falls through into the copies and their jump, which
				 * charges the target; its own jump is the fall-through. */
				size_t bop = emit(L, OP_br_unless_raw);
				put(L, cond);
				size_t rel = L->ncells;
				put_target(L);
				emit_branch(L, t);
				next_block(L);
				land_here(L, bop, rel);
				place_label(L);
			}
			break;
		}
		case 0x0E: /* br_table */ {
			uint32_t idx = pop(L);
			size_t tpos = in.targets_off;
			uint32_t n = in.count;
			size_t top = emit(L, OP_br_table);
			put(L, idx);
			put(L, n);
			/* Each target: its distance and its cost. */
			size_t rels = L->ncells;
			for (uint32_t i = 0; i <= n; i++)
				put_target(L);
			for (uint32_t i = 0; i <= n && !L->nomem; i++) {
				uint32_t depth = i < n ? insn_br_table_target(m, &tpos) : in.a;
				ctl *t = &L->ctls[L->nctls - 1 - depth];
				if (branch_needs_copy(L, t)) {
					/* A stub after the table copies the values, then
					 * jumps and pays there: the entry costs nothing. */
					patch(L, top, rels + 2 * i, L->ncells);
					emit_branch(L, t);
				} else {
					jump_to(L, t, top, rels + 2 * i);
				}
			}
			set_unreachable(L);
			break;
		}
		case 0x0F: /* return */
			return_values(L, ft->nresults);
			set_unreachable(L);
			break;
		case 0x10: /* call */
		case 0x11: /* call_indirect */ {
			const functype *ct = op == 0x10 ? &m->types[m->funcs[in.a].type] : &m->types[in.a];
			uint32_t idx = op == 0x11 ? pop(L) : 0;
			materialize(L);
			uint32_t base = SLOT(L, L->h - ct->nparams);
			uint32_t ec = op == 0x10 ? entry_cost(m, in.a) : UINT32_MAX;
			if (ec != UINT32_MAX && ec <= EP_MAX_BLOCK_COST - L->fuel_count) {
				L->fuel_count += ec;
				emit(L, OP_call_paid);
				put(L, in.a);
			} else if (op == 0x10) {
				emit(L, OP_call);
				put(L, in.a);
			} else {
				emit(L, OP_call_indirect);
				put(L, in.a);
				put(L, in.b);
				put(L, idx);
			}
			put(L, base);
			L->h -= ct->nparams;
			for (uint32_t i = 0; i < ct->nresults; i++)
				push_result(L);
			/* Results sit in their own slots; push_result made room. */
			L->lazy_lo = L->h;
			break;
		}
		case 0x1A: /* drop */
			L->h--;
			L->last_dst = L->last_const = SIZE_MAX;
			break;
		case 0x1B: /* select */
		case 0x1C: /* select t */ {
			uint32_t cond = pop(L), b = pop(L), a = pop(L);
			emit_res(L, OP_select);
			put(L, cond);
			put(L, a);
			put(L, b);
			break;
		}
		case 0x20: /* local.get: lazy */
			push_slot(L, in.a);
			if (L->lazy_lo > L->h - 1)
				L->lazy_lo = L->h - 1;
			L->last_dst = L->last_const = SIZE_MAX;
			break;
		case 0x21: /* local.set */
		case 0x22: /* local.tee */ {
			uint32_t x = in.a;
			uint32_t top = L->h - 1;
			size_t d = L->last_dst;
			if (d != SIZE_MAX && L->src[top] == SLOT(L, top)
			    && L->code[d].s == SLOT(L, top) && !local_is_lazy(L, x)) {
				/* Redirect the producing instruction to write x itself. */
				L->code[d].s = x;
				L->h--;
				L->last_dst = L->last_const = SIZE_MAX;
				if (op == 0x22) {
					push_slot(L, x);
					if (L->lazy_lo > L->h - 1)
						L->lazy_lo = L->h - 1;
				}
				break;
			}
			uint32_t v = pop(L);
			materialize_local(L, x);
			if (v != x) {
				emit_mov(L, x, v);
			}
			if (op == 0x22) {
				push_slot(L, x);
				if (L->lazy_lo > L->h - 1)
					L->lazy_lo = L->h - 1;
			}
			L->last_dst = L->last_const = SIZE_MAX;
			break;
		}
		case 0x23: /* global.get */
			emit_res(L, OP_global_get);
			put(L, in.a);
			break;
		case 0x24: /* global.set */ {
			uint32_t v = pop(L);
			emit(L, OP_global_set);
			put(L, in.a);
			put(L, v);
			break;
		}
		case 0x25: /* table.get */ {
			uint32_t i = pop(L);
			emit_res(L, OP_table_get);
			put(L, in.a);
			put(L, i);
			break;
		}
		case 0x26: /* table.set */ {
			uint32_t v = pop(L), i = pop(L);
			emit(L, OP_table_set);
			put(L, in.a);
			put(L, i);
			put(L, v);
			break;
		}
		case 0x28: case 0x29: case 0x2A: case 0x2B: case 0x2C: case 0x2D: case 0x2E:
		case 0x2F: case 0x30: case 0x31: case 0x32: case 0x33: case 0x34: case 0x35:
			lower_load(L, load_op(op), in.b);
			break;
		case 0x36: case 0x37: case 0x38: case 0x39: case 0x3A: case 0x3B: case 0x3C:
		case 0x3D: case 0x3E: {
			uint32_t v = pop(L), a = pop(L);
			enum op sop = store_op(op);
			size_t k = L->last_const;
			if (k != SIZE_MAX && L->last_const_end == L->ncells && v == SLOT(L, L->h + 1)
			    && L->code[k + 1].s == v) {
				/* The value is the constant just pushed (an i64
				 * one only when it fits 32 bits): its store. */
				v = (uint32_t)L->last_const_val;
				unemit(L);
				sop = (enum op)(sop + (OP_i32_store_i - OP_i32_store));
			}
			emit(L, sop);
			put(L, a);
			put(L, v);
			put(L, in.b);
			break;
		}
		case 0x3F: /* memory.size */
			emit_res(L, OP_memory_size);
			break;
		case 0x40: /* memory.grow */
			lower_unary(L, OP_memory_grow);
			break;
		case 0x41: /* i32.const */ {
			size_t k = emit_res(L, OP_const32);
			put(L, (uint32_t)in.imm);
			L->last_const = k;
			L->last_const_end = L->ncells;
			L->last_const_val = (int64_t)(uint32_t)in.imm;
			break;
		}
		case 0x43: /* f32.const */
			emit_res(L, OP_const32);
			put(L, (uint32_t)in.imm);
			break;
		case 0x42: /* i64.const */
		case 0x44: /* f64.const */ {
			size_t k = emit_res(L, OP_const64);
			put64(L, in.imm);
			int64_t v = (int64_t)in.imm;
			if (op == 0x42 && v >= INT32_MIN && v <= INT32_MAX) {
				L->last_const = k;
				L->last_const_end = L->ncells;
				L->last_const_val = v;
			}
			break;
		}
		case 0xD0: /* ref.null */
			emit_res(L, OP_ref_null);
			break;
		case 0xD1: /* ref.is_null */
			lower_unary(L, OP_ref_is_null);
			break;
		case 0xD2: /* ref.func */
			emit_res(L, OP_ref_func);
			put(L, in.a);
			break;
		case OP_FC(8): /* memory.init */ {
			uint32_t n = pop(L), s = pop(L), d = pop(L);
			emit(L, OP_memory_init);
			put(L, in.a);
			put(L, d);
			put(L, s);
			put(L, n);
			break;
		}
		case OP_FC(9): /* data.drop */
			emit(L, OP_data_drop);
			put(L, in.a);
			break;
		case OP_FC(10): /* memory.copy */
		case OP_FC(11): /* memory.fill */ {
			uint32_t n = pop(L), s = pop(L), d = pop(L);
			emit(L, op == OP_FC(10) ? OP_memory_copy : OP_memory_fill);
			put(L, d);
			put(L, s);
			put(L, n);
			break;
		}
		case OP_FC(12): /* table.init */ {
			uint32_t n = pop(L), s = pop(L), d = pop(L);
			emit(L, OP_table_init);
			put(L, in.b);
			put(L, in.a);
			put(L, d);
			put(L, s);
			put(L, n);
			break;
		}
		case OP_FC(13): /* elem.drop */
			emit(L, OP_elem_drop);
			put(L, in.a);
			break;
		case OP_FC(14): /* table.copy */ {
			uint32_t n = pop(L), s = pop(L), d = pop(L);
			emit(L, OP_table_copy);
			put(L, in.a);
			put(L, in.b);
			put(L, d);
			put(L, s);
			put(L, n);
			break;
		}
		case OP_FC(15): /* table.grow */ {
			uint32_t n = pop(L), v = pop(L);
			emit_res(L, OP_table_grow);
			put(L, in.a);
			put(L, v);
			put(L, n);
			break;
		}
		case OP_FC(16): /* table.size */
			emit_res(L, OP_table_size);
			put(L, in.a);
			break;
		case OP_FC(17): /* table.fill */ {
			uint32_t n = pop(L), v = pop(L), i = pop(L);
			emit(L, OP_table_fill);
			put(L, in.a);
			put(L, i);
			put(L, v);
			put(L, n);
			break;
		}
		default:
			if (op >= 0x45 && op <= 0xC4) {
				enum op nop = (enum op)numeric[op - 0x45];
				if (nop >= OP_i32_eqz || nop == OP_mov)
					lower_unary(L, nop);
				else
					lower_binary(L, nop);
			} else if (op >= OP_FC(0) && op <= OP_FC(7)) {
				lower_unary(L, (enum op)trunc_sat[op - OP_FC(0)]);
			} else {
				return ep_fail(L->err, EP_ERR_INVALID, in.off, funcidx,
				               "cannot lower opcode 0x%x", (unsigned)op);
			}
			break;
		}
	}
	fill_costs(L);
#if EP_CHECKS
	uint32_t ec = entry_cost(m, funcidx);
	if (!L->nomem && ec != UINT32_MAX && ec != L->blk_cost[0])
		return ep_fail(L->err, EP_ERR_INVALID, f->entry_off, funcidx,
		               "internal error: entry block of function %u costs %u, callers pay %u",
		               (unsigned)funcidx, (unsigned)L->blk_cost[0], (unsigned)ec);
#endif
	/* The code and its header in one block, the code cut to size (the
	 * buffer it was built in stays for the next lowering). Out of
	 * memory: lower_func_now says so. */
	size_t bytes = L->ncells * sizeof(cell);
	lowered *lw = L->nomem ? NULL : ep_alloc(L->e, sizeof *lw + bytes);
	if (!lw)
		return EP_ERR_NOMEM;
	uint64_t slots = (uint64_t)L->nl + L->maxh;
	if (slots < ft->nresults)
		slots = ft->nresults;
	*lw = (lowered){ .code = (cell *)(lw + 1), .ncells = L->ncells,
		.nparams = ft->nparams, .nlocals = f->nlocals, .nresults = ft->nresults,
		.frame_slots = slots > UINT32_MAX ? UINT32_MAX : (uint32_t)slots,
		.funcidx = funcidx };
	memcpy(lw->code, L->code, bytes);
	f->code = lw;
	return EP_OK;
}

void lowered_free(ep_engine *e, lowered *lw)
{
	if (!lw)
		return;
	ep_free(e, lw, sizeof *lw + lw->ncells * sizeof(cell));
}

/* No stack has UINT32_MAX slots free (exec.c caps it below), so a call to
 * this fails the loop's stack check and takes its slow path, which lowers
 * the function: the first call costs one compare more, later ones nothing. */
const lowered lowered_pending = { .frame_slots = UINT32_MAX };

/* The state and its arrays stay with the module between lowerings (one
 * thread at a time uses a module): a program's lazy lowerings then reuse
 * arrays grown for an earlier function instead of growing their own. */
ep_status lower_func_now(ep_module *m, uint32_t funcidx, ep_error *err)
{
	lower *L = m->lowering;
	if (!L && (L = ep_zalloc(m->engine, sizeof *L)) != NULL) {
		L->m = m;
		L->e = m->engine;
		exec_handlers(&L->handlers);
		m->lowering = L;
	}
	ep_status st = EP_ERR_NOMEM;
	if (L) {
		L->err = err;
		st = lower_func(L, funcidx);
		/* What a long body grew is not worth keeping for the module's life. */
		if (m->funcs[funcidx].body_len > EP_LOWER_KEEP)
			lower_release(m);
	}
	if (st == EP_ERR_NOMEM)
		return ep_fail(err, st, m->funcs[funcidx].entry_off, funcidx,
		               "out of memory lowering function %u", (unsigned)funcidx);
	return st;
}

/* The arrays lower_release frees, as where each one's pointer and capacity
 * (uint32_t) sit in the state and its element size: one loop frees them
 * all in less code than a call each. Pointers to objects share one
 * representation on every board, so each is read back as a void *. */
#define ARRAY(p, cap) { offsetof(lower, p), offsetof(lower, cap), sizeof *((lower *)0)->p }
static const struct { uint16_t p, cap, elem; } arrays[] = {
	ARRAY(src, capsrc), ARRAY(ctls, capctls), ARRAY(fix, capfix),
	ARRAY(blk_cost, capblk), ARRAY(cfx, capcfx),
};

void lower_release(ep_module *m)
{
	lower *L = m->lowering;
	if (!L)
		return;
	ep_free(L->e, L->code, L->capcells * sizeof(cell));
	for (size_t i = 0; i < sizeof arrays / sizeof *arrays; i++) {
		void *p;
		uint32_t cap;
		memcpy(&p, (char *)L + arrays[i].p, sizeof p);
		memcpy(&cap, (char *)L + arrays[i].cap, sizeof cap);
		ep_free(L->e, p, (size_t)cap * arrays[i].elem);
	}
	ep_free(L->e, L, sizeof *L);
	m->lowering = NULL;
}

ep_status lower_module(ep_module *m, ep_error *err)
{
#if EP_HANDLER_ABSOLUTE && UINTPTR_MAX > 0xffffffffu
	/* Absolute handler cells need the loop's code below 4 GiB. */
	exec_table h;
	exec_handlers(&h);
	for (int i = 0; h.base && i < OP_COUNT; i++)
		if ((uintptr_t)(h.base + h.offsets[i]) > UINT32_MAX)
			return ep_fail(err, EP_ERR_LIMIT, SIZE_MAX, UINT32_MAX,
			               "interpreter loaded above 4 GiB: build exec.c with -fPIE");
#endif
	/* Only a body of at least EP_MAX_BLOCK_COST bytes (an instruction
	 * takes one at least) can hit the block limit: lowering it now keeps
	 * that a load-time error. The rest wait for their first call. */
	ep_status st = EP_OK;
	for (uint32_t i = m->nfunc_imports; i < m->nfuncs && st == EP_OK; i++)
		if (m->funcs[i].body_len + m->funcs[i].nlocals / 8 >= EP_MAX_BLOCK_COST)
			st = lower_func_now(m, i, err);
	return st;
}
