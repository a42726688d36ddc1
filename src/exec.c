/*
 * exec.c - the interpreter loop.
 *
 * Owns: running lowered code (code.h) against a store's stacks: dispatch,
 * the fuel check (ENTER, refuel), the memory bounds check (MEM_EA), calls and
 * returns, traps, and suspension of a call that ran out of fuel. It does not
 * allocate, print or exit; memory and table growth go through instance.c.
 *
 * Hot state lives in locals: pc, fp, the memory base and size, and what is
 * left of the current fuel chunk (see refuel). ep_store_interrupt zeroes the
 * store's fuel limit, which the loop sees at its next refuel; bulk
 * instructions pay for their length (CHARGE) and look at the interrupt flag
 * between slices (BULK_SLICE), so no stretch of work longer than a chunk
 * goes by without a look.
 */
#include <math.h>

#include "code.h"

#if EP_SWITCH_DISPATCH
#define OP(name) case OP_##name:
#define NEXT() goto dispatch
#else
#define OP(name) op_##name:
#define NEXT()                                                                \
	do {                                                                  \
		HOT_REGS();                                                   \
		goto *EP_HANDLER_OF(pc->s, handler_base);                     \
	} while (0)
#endif

/* Operand access: operand k of the current instruction as a slot. */
#define R(k) fp[pc[k].s]

/* Guest address + offset, checked against the memory size in 64 bits so it
 * can never wrap; this is the only bounds check for loads and stores. */
#if defined(__GNUC__)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define UNLIKELY(x) (x)
#endif

#define MEM_EA(addr_slot, offset, width, ea) MEM_EA32((addr_slot).u32, offset, width, ea)
#define MEM_EA32(addr, offset, width, ea)                                     \
	uint64_t ea = (uint64_t)(uint32_t)(addr) + (offset);                  \
	if (ea + (width) > msize)                                             \
		goto trap_oob_memory

/* ---- float helpers: exact IEEE-754 semantics the spec asks for ---- */

static inline uint32_t f32_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static inline uint64_t f64_bits(double f) { uint64_t u; memcpy(&u, &f, 8); return u; }

static inline float f32_min(float a, float b)
{
	if (a != a || b != b)
		return a + b;   /* a quiet NaN from the operands */
	if (a == b)
		return f32_bits(a) & 0x80000000u ? a : b;   /* -0 < +0 */
	return a < b ? a : b;
}

static inline float f32_max(float a, float b)
{
	if (a != a || b != b)
		return a + b;
	if (a == b)
		return f32_bits(a) & 0x80000000u ? b : a;
	return a > b ? a : b;
}

static inline double f64_min(double a, double b)
{
	if (a != a || b != b)
		return a + b;
	if (a == b)
		return f64_bits(a) >> 63 ? a : b;
	return a < b ? a : b;
}

static inline double f64_max(double a, double b)
{
	if (a != a || b != b)
		return a + b;
	if (a == b)
		return f64_bits(a) >> 63 ? b : a;
	return a > b ? a : b;
}

/* Rounding functions pass a signalling NaN through unchanged in some libms;
 * the spec wants it quieted, as arithmetic does. */
#define ROUND_FN(name, T, libm)                                               \
	static inline T name(T x) { return x != x ? x + x : libm(x); }
ROUND_FN(f32_ceil, float, ceilf)
ROUND_FN(f32_floor, float, floorf)
ROUND_FN(f32_trunc, float, truncf)
ROUND_FN(f32_nearest, float, nearbyintf)
ROUND_FN(f64_ceil, double, ceil)
ROUND_FN(f64_floor, double, floor)
ROUND_FN(f64_trunc, double, trunc)
ROUND_FN(f64_nearest, double, nearbyint)
#undef ROUND_FN

static inline uint32_t rotl32(uint32_t x, uint32_t n) { n &= 31; return n ? (x << n) | (x >> (32 - n)) : x; }
static inline uint32_t rotr32(uint32_t x, uint32_t n) { n &= 31; return n ? (x >> n) | (x << (32 - n)) : x; }
static inline uint64_t rotl64(uint64_t x, uint64_t n) { n &= 63; return n ? (x << n) | (x >> (64 - n)) : x; }
static inline uint64_t rotr64(uint64_t x, uint64_t n) { n &= 63; return n ? (x >> n) | (x << (64 - n)) : x; }
static inline uint32_t clz32(uint32_t x) { return x ? (uint32_t)__builtin_clz(x) : 32; }
static inline uint32_t ctz32(uint32_t x) { return x ? (uint32_t)__builtin_ctz(x) : 32; }
static inline uint64_t clz64(uint64_t x) { return x ? (uint64_t)__builtin_clzll(x) : 64; }
static inline uint64_t ctz64(uint64_t x) { return x ? (uint64_t)__builtin_ctzll(x) : 64; }

/* Saturating truncations (trunc_sat): NaN is 0, out of range clamps. */
static inline int32_t sat_i32(double x)
{
	if (x != x) return 0;
	if (x <= -2147483649.0) return INT32_MIN;
	if (x >= 2147483648.0) return INT32_MAX;
	return (int32_t)x;
}
static inline uint32_t sat_u32(double x)
{
	if (x != x || x <= -1.0) return 0;
	if (x >= 4294967296.0) return UINT32_MAX;
	return (uint32_t)x;
}
static inline int64_t sat_i64(double x)
{
	if (x != x) return 0;
	if (x < -9223372036854775808.0) return INT64_MIN;
	if (x >= 9223372036854775808.0) return INT64_MAX;
	return (int64_t)x;
}
static inline uint64_t sat_u64(double x)
{
	if (x != x || x <= -1.0) return 0;
	if (x >= 18446744073709551616.0) return UINT64_MAX;
	return (uint64_t)x;
}

/* Slot field -> C type, so the numeric macros need no typeof. */
typedef uint32_t T_u32;
typedef int32_t T_i32;
typedef uint64_t T_u64;
typedef int64_t T_i64;
typedef float T_f32;
typedef double T_f64;

/* memory.copy. musl's memmove copies an overlap whose destination lies
 * above its source one byte at a time; copying 8-byte words from the top
 * down is as safe (each word is read before anything above it is written
 * over) and many times faster. 32 bytes a turn, all read before any is
 * written: a loop of one word ran up to 1.3x slower whenever the code's
 * layout put it across a 32-byte fetch boundary (memops). */
static void copy_overlapping(uint8_t *d, const uint8_t *s, size_t n)
{
	if (d <= s || d >= s + n) {
		memmove(d, s, n);
		return;
	}
	while (n >= 32) {
		uint64_t w[4];
		n -= 32;
		memcpy(w, s + n, 32);
		memcpy(d + n, w, 32);
	}
	while (n >= 8) {
		uint64_t w;
		n -= 8;
		memcpy(&w, s + n, 8);
		memcpy(d + n, &w, 8);
	}
	while (n > 0) {
		n--;
		d[n] = s[n];
	}
}

/*
 * Bulk instructions pay for their length, on top of the 1 unit every
 * instruction pays with its block: one more unit per 64 bytes of memory and
 * per 8 table entries they write, counted from their operands so the cost
 * is the same on every board. Growing memory pays what filling the new
 * pages would (the kernel zeroes them on first touch), 1024 units a page;
 * growing a table pays for the entries it sets. See docs/limits.md.
 */
#define BULK_BYTES_PER_UNIT 64u
#define BULK_ELEMS_PER_UNIT 8u
#define GROW_UNITS_PER_PAGE (EP_PAGE_SIZE / BULK_BYTES_PER_UNIT)
/* A long bulk instruction works in slices of one fuel chunk's worth and
 * looks at the interrupt flag between them, as the loop does between chunks. */
#define SLICE_BYTES ((uint64_t)EP_FUEL_CHUNK * BULK_BYTES_PER_UNIT)
#define SLICE_ELEMS ((uint64_t)EP_FUEL_CHUNK * BULK_ELEMS_PER_UNIT)

/* The slow path of a bulk charge of cost units (more than the chunk has
 * left): the size of the next chunk (at least cost), or 0 when the budget
 * cannot pay cost or an interrupt is pending. */
#if EP_METERING
static uint64_t bulk_chunk(const ep_store *s, uint64_t used, uint64_t cost)
{
	uint64_t limit = s->fuel_limit;
	if (s->interrupted || limit < used || cost > limit - used)
		return 0;
	uint64_t take = limit - used;
	if (take > EP_FUEL_CHUNK)
		take = EP_FUEL_CHUNK;
	return take < cost ? cost : take;
}
#endif

/* One slice of a bulk copy of n units (bytes or entries of size bytes)
 * of which `done` are copied: copies the next slice of at most `slice`
 * units and returns how many. down (the destination lies above the source
 * in the same memory or table) copies from the top down, so an overlap
 * never reads what it already overwrote, whichever slice it stopped after;
 * it depends only on the operands, so a resumed copy keeps its direction. */
static uint64_t copy_slice(void *dst, const void *src, uint64_t n, uint64_t done,
                           uint64_t slice, size_t size, bool down)
{
	uint64_t k = n - done < slice ? n - done : slice;
	uint64_t at = down ? n - done - k : done;
	copy_overlapping((uint8_t *)dst + at * size, (const uint8_t *)src + at * size,
	                 (size_t)(k * size));
	return k;
}

/* ---- host calls ---- */

static ep_trap call_host(ep_store *s, ep_instance *caller_inst, ep_func *f, slot *args,
                         ep_error *err)
{
	const functype *t = f->type;
	ep_value small[16];
	ep_value *vals = small;
	/* Params, then results: every WASI call (path_open has the most, 9 and
	 * 1) fits the 16 on the stack, so no host call allocates. */
	size_t n = (size_t)t->nparams + t->nresults;
	size_t bytes = n * sizeof(ep_value);
	if (n > 16) {
		vals = ep_alloc(s->engine, bytes);
		if (!vals) {
			ep_fail(err, EP_ERR_TRAP, SIZE_MAX, f->index, "host error: out of memory");
			if (err)
				err->trap = EP_TRAP_HOST;
			return EP_TRAP_HOST;
		}
	}
	ep_value *in = vals, *out = vals + t->nparams;
	for (uint32_t i = 0; i < t->nparams; i++) {
		uint8_t ty = t->types[i];
		in[i].type = ty;
		switch (ty) {
		case EP_I32: case EP_F32: in[i].of.i32 = args[i].i32; break;
		case EP_I64: case EP_F64: in[i].of.i64 = args[i].i64; break;
		default: in[i].of.ref = args[i].ref; break;
		}
	}
	for (uint32_t i = 0; i < t->nresults; i++) {
		out[i].type = t->types[t->nparams + i];
		out[i].of.i64 = 0;
	}
	ep_caller caller = { s, caller_inst, NULL, 0 };
	ep_trap trap = f->host(&caller, f->env, in, out);
	if (trap == EP_TRAP_NONE) {
		for (uint32_t i = 0; i < t->nresults; i++) {
			switch (out[i].type) {
			case EP_I32: case EP_F32: args[i].u64 = (uint32_t)out[i].of.i32; break;
			case EP_I64: case EP_F64: args[i].i64 = out[i].of.i64; break;
			default: args[i].u64 = 0; args[i].ref = out[i].of.ref; break;
			}
		}
	} else {
		ep_fail(err, EP_ERR_TRAP, SIZE_MAX, f->index, "%s",
		        caller.msg ? caller.msg : ep_trap_name(trap));
		if (err) {
			err->trap = trap;
			err->exit_code = caller.exit_code;
		}
	}
	if (vals != small)
		ep_free(s->engine, vals, bytes);
	return trap;
}

/* ---- the loop ---- */

/*
 * Runs from the state saved in s (susp_pc, susp_fp, frames) until the
 * outermost frame returns or something traps. With handlers_out set, only
 * reports the handler table (computed goto needs the labels of this
 * function).
 */
/* A call at top, as deep as the peak the loop compares with or deeper (the
 * store's peak, kept across calls): NULL past the depth limit, else the new
 * peak for the loop to compare with. */
#if defined(__GNUC__)
__attribute__((noinline, cold))
#endif
static frame *deeper(ep_store *s, frame *top)
{
	uint32_t depth = (uint32_t)(top - s->frames);
	if (depth >= s->limits.max_call_depth)
		return NULL;
	if (depth >= s->peak_depth)
		s->peak_depth = depth + 1;
	return s->frames + s->peak_depth;
}

/* The code of f on its first call, lowered now (module.c). */
#if defined(__GNUC__)
__attribute__((noinline, cold))
#endif
static const lowered *first_code(ep_func *f, ep_error *err)
{
	const lowered *lw = module_code(f->inst->module, f->index, err);
	if (lw)
		f->code = lw;
	return lw;
}

static ep_status run(ep_store *s, ep_error *err, exec_table *handlers_out)
{
#if !EP_SWITCH_DISPATCH
	/* Each handler as its distance from the first (GNU C takes label
	 * differences as constants): a quarter of the bytes of a table of
	 * addresses on 64-bit boards where the build checks that 16 bits hold
	 * them (handler_off, code.h). Only lowering reads it; the loop reads
	 * cells. */
	static const handler_off handler_offsets[OP_COUNT] = {
#define EP_OP_LABEL(name) (handler_off)(&&op_##name - &&op_fuel),
#define EP_OP_NEVER(name) (handler_off)(&&op_unreachable - &&op_fuel),
		EP_OPS(EP_OP_LABEL, EP_OP_NEVER)
#undef EP_OP_LABEL
#undef EP_OP_NEVER
	};
	const void *const handler_base = &&op_fuel;
	if (handlers_out) {
		handlers_out->base = handler_base;
		handlers_out->offsets = handler_offsets;
		return EP_OK;
	}
	(void)handler_base;   /* unused where cells hold absolute addresses */
#else
	if (handlers_out) {
		handlers_out->base = NULL;
		handlers_out->offsets = NULL;
		return EP_OK;
	}
#endif
	/* On ARMv6 gcc 12's allocation of the loop flips with small changes
	 * to it: adding two handlers once put pc itself on the stack (a load
	 * and a store per dispatch). Naming registers for pc, fp and the fuel
	 * counter (below) keeps the dispatch and the fuel check in registers
	 * whatever the handlers are. */
#if defined(__GNUC__) && defined(__arm__) && !EP_SWITCH_DISPATCH
	register const cell *pc __asm__("r9") = s->susp_pc;
	register slot *fp __asm__("r10") = s->susp_fp;
#else
	const cell *pc = s->susp_pc;
	slot *fp = s->susp_fp;
#endif
	/* The frames in use are frames[0] up to top, the running function's
	 * at top[-1]. */
	frame *const frames = s->frames;
	frame *top = frames + s->depth;
	/* Calls compare top with the deepest nesting seen so far, which is
	 * never above max_depth: only a call deeper than any before takes the
	 * slow path, which checks the limit and records the new peak. */
	frame *mark = frames + s->peak_depth;
	/* Never UINT32_MAX slots: a call to lowered_pending must always fail
	 * the stack check (do_call). */
	slot *const stack_end = s->stack + (s->limits.max_stack_slots < UINT32_MAX
		? s->limits.max_stack_slots : UINT32_MAX - 1);
	ep_instance *inst = top[-1].func->inst;
	/*
	 * Fuel is charged against a local chunk of the budget (at most
	 * EP_FUEL_CHUNK units), so the check at each block is a subtract and a
	 * sign test on a register. Only when a chunk runs out does the slow
	 * path (refuel) look at the store: the real limit, which
	 * ep_store_interrupt zeroes, and the interrupt flag. Charges stay exact:
	 * a block that does not fit what is left of the budget never runs.
	 */
	uint64_t chunk_base = s->fuel_used;   /* fuel used when the chunk began */
	uint64_t chunk = 0;                   /* its size; 0 forces a refuel */
	/* Units of it not yet charged: a machine word (one register on 32-bit
	 * boards too), as it stays within +-2^30: a chunk is at most
	 * EP_FUEL_CHUNK or one charge, a block costs at most EP_MAX_BLOCK_COST
	 * (lower.c) and a bulk charge less than 2^30 (32-bit operands over
	 * BULK_*_PER_UNIT, or 65536 pages at GROW_UNITS_PER_PAGE). */
#if defined(__GNUC__) && defined(__arm__) && !EP_SWITCH_DISPATCH
	register intptr_t left __asm__("r8") = 0;
#else
	intptr_t left = 0;
#endif
#define USED() (chunk_base + (chunk - (uint64_t)left))
#if EP_METERING
	intptr_t pending = 0;                 /* the charge refuel is to make */
#endif
#define FUEL_RESYNC()                                                         \
	do {                                                                  \
		chunk_base = USED();                                          \
		chunk = 0;                                                    \
		left = 0;                                                     \
	} while (0)
	/* A bulk instruction an interrupt stopped partway is the first op
	 * this run dispatches: it goes on from bulk_done, already paid. */
	bool bulk_resumed = s->bulk_partial;
	uint64_t bulk_done = s->bulk_done;
	s->bulk_partial = false;
	uint8_t *mbase;
	uint64_t msize;
	ep_trap trap = EP_TRAP_NONE;
	const char *what;              /* the trap's name in its message */
	ep_func *callee;
	slot *nfp;
	const cell *call_pc = NULL;   /* the call op being executed */

#define LOAD_MEM()                                                            \
	do {                                                                  \
		ep_memory *mem_ = inst->module->nmems ? inst->mems[0] : NULL;          \
		mbase = mem_ ? mem_->data : NULL;                             \
		msize = mem_ ? mem_->size : 0;                                \
	} while (0)
	LOAD_MEM();

	/*
	 * gcc 12 for x86-64 left the fuel counter and the memory base on the
	 * stack (a read-modify-write in every fuel check, a load in every
	 * memory access): handlers that call out of the loop make it give the
	 * callee-saved registers to other values. An empty asm at every
	 * dispatch that wants the two in registers makes it keep them there
	 * (callgrind: 0-3.3% fewer instructions per workload). On ARMv6 the
	 * same asm makes it worse (a load and a store around each dispatch:
	 * it has too few registers), so it is x86-64 only.
	 */
#if defined(__GNUC__) && defined(__x86_64__) && !EP_SWITCH_DISPATCH && EP_METERING
#define HOT_REGS() __asm__("" : "+r"(left), "+r"(mbase))
#elif defined(__GNUC__) && defined(__x86_64__) && !EP_SWITCH_DISPATCH
#define HOT_REGS() __asm__("" : "+r"(mbase))
#else
#define HOT_REGS() ((void)0)
#endif

	/*
	 * The fuel check: every way into a straight-line block (a jump, the
	 * fall-through of a conditional branch, a function's entry) moves pc
	 * by rel and pays cost, what is left of the block from where it lands,
	 * before any of it runs. Out of fuel (or interrupted: the limit was
	 * zeroed) suspends at the landing point with the charge pending, so
	 * resuming pays it first (refuel).
	 */
#if !EP_METERING
#define ENTER(rel, cost)                                                      \
	do {                                                                  \
		pc += (rel);                                                  \
		NEXT();                                                       \
	} while (0)
#elif defined(__arm__)
	/* Compare, then subtract: with the subtraction first gcc 12 kept the
	 * old count in a scratch register for refuel and tested the sign
	 * apart, two instructions more per charge on ARMv6 (and one fewer on
	 * x86-64, which keeps the form below). refuel sees left unpaid. */
#define ENTER(rel, cost)                                                      \
	do {                                                                  \
		intptr_t cost_ = (intptr_t)(cost);                            \
		pc += (rel);                                                  \
		if (left < cost_) {                                           \
			pending = cost_;                                      \
			goto refuel;                                          \
		}                                                             \
		left -= cost_;                                                \
		NEXT();                                                       \
	} while (0)
#define UNPAID(x) ((void)0)
#else
#define ENTER(rel, cost)                                                      \
	do {                                                                  \
		intptr_t cost_ = (intptr_t)(cost);                            \
		pc += (rel);                                                  \
		left -= cost_;                                                \
		if (left < 0) {                                               \
			pending = cost_;                                      \
			goto refuel;                                          \
		}                                                             \
		NEXT();                                                       \
	} while (0)
/* refuel sees left with the charge x subtracted: give it back. */
#define UNPAID(x) (left += (x))
#endif
	/* A conditional branch whose rel, cost and fall-through cost are its
	 * last three operands, at k: taken, or on to the op after it. */
#define BRANCH(taken, k)                                                      \
	do {                                                                  \
		unsigned t_ = (taken) ? 1u : 0u;                              \
		ENTER(t_ ? pc[k].i : (k) + 3, pc[(k) + 2 - t_].s);            \
	} while (0)

	/*
	 * Charging a bulk instruction: units on top of its block's, before it
	 * does any work. Within the chunk it is one compare; past it, the store
	 * is asked as at a refuel, and a charge it cannot pay suspends at the
	 * instruction (its block's earlier instructions have run; resuming
	 * runs the instruction again, charge first).
	 */
#if !EP_METERING
#define CHARGE(units) ((void)(units))
#else
#define CHARGE(units)                                                         \
	do {                                                                  \
		uint64_t x_ = (units);                                        \
		if (x_ > (uint64_t)left) {                                    \
			uint64_t used_ = USED();                              \
			uint64_t take_ = bulk_chunk(s, used_, x_);            \
			chunk_base = used_;                                   \
			chunk = take_;                                        \
			left = (intptr_t)(take_ - (take_ ? x_ : 0));          \
			if (!take_) {                                         \
				trap = s->interrupted ? EP_TRAP_INTERRUPT : EP_TRAP_FUEL; \
				goto suspend;                                 \
			}                                                     \
		} else {                                                      \
			left -= (intptr_t)x_;                                 \
		}                                                             \
	} while (0)
#endif
	/* The start of a sliced bulk instruction: done (what its slices have
	 * done) from an interrupted run of it, or 0 after charging units. */
#define BULK_START(done, units)                                               \
	uint64_t done = 0;                                                    \
	if (bulk_resumed) {                                                   \
		done = bulk_done;                                             \
		bulk_resumed = false;                                         \
	} else {                                                              \
		CHARGE(units);                                                \
	}                                                                     \
	const uint64_t done##_start = done
	/* Between two slices: a pending interrupt suspends here, keeping done.
	 * The first slice of a run always goes, so every resume progresses. */
#define BULK_SLICE(done)                                                      \
	if (done != done##_start && s->interrupted) {                         \
		s->bulk_partial = true;                                       \
		s->bulk_done = done;                                          \
		trap = EP_TRAP_INTERRUPT;                                     \
		goto suspend;                                                 \
	}

#if EP_METERING
	if (s->susp_charge) {
		/* Resuming where a block was to be entered: pay for it first. */
		pending = (intptr_t)s->susp_charge;
		s->susp_charge = 0;
		UNPAID(-pending);
		goto refuel;
	}
#endif
#if EP_SWITCH_DISPATCH
dispatch:
	switch ((enum op)pc->s) {
#else
	NEXT();
#endif

	/* ---- control ---- */

	OP(fuel) {
		ENTER(2, pc[1].s);
	}
	OP(unreachable) {
		trap = EP_TRAP_UNREACHABLE;
		goto trap;
	}
	OP(jmp) {
		ENTER(pc[1].i, pc[2].s);
	}
	/* The two commonest branches (Lua, SQLite) take a dispatch per way. */
#define BRANCH2(taken, k)                                                     \
	do {                                                                  \
		if (taken)                                                    \
			ENTER(pc[k].i, pc[(k) + 1].s);                        \
		ENTER((k) + 3, pc[(k) + 2].s);                                \
	} while (0)
	OP(br_if) {
		BRANCH2(R(1).u32, 2);
	}
	OP(br_unless) {
		BRANCH2(!R(1).u32, 2);
	}
	OP(br_unless_raw) {
		if (!R(1).u32)
			ENTER(pc[2].i, pc[3].s);
		pc += 4;
		NEXT();
	}
	/* a > b and a >= b of two slots are lowered as b < a and b <= a. */
#define BR_CMP_I(name, T, field, op)                                          \
	OP(name##_i) {                                                        \
		BRANCH((T)R(1).field op (T)pc[2].s, 3);                       \
	}
#define BR_CMP_S(name, T, field, op)                                          \
	OP(name) {                                                            \
		BRANCH((T)R(1).field op (T)R(2).field, 3);                    \
	}
#define BR_CMP(name, T, field, op)                                            \
	BR_CMP_S(name, T, field, op)                                          \
	BR_CMP_I(name, T, field, op)
	BR_CMP(br_eq, uint32_t, u32, ==)
	BR_CMP(br_ne, uint32_t, u32, !=)
	BR_CMP(br_lt_s, int32_t, i32, <)
	BR_CMP(br_lt_u, uint32_t, u32, <)
	BR_CMP_I(br_gt_s, int32_t, i32, >)
	BR_CMP_I(br_gt_u, uint32_t, u32, >)
	/* x <= imm and x >= imm are lowered as x < imm + 1 and x > imm - 1. */
	BR_CMP_S(br_le_s, int32_t, i32, <=)
	BR_CMP_S(br_le_u, uint32_t, u32, <=)
#undef BR_CMP
#undef BR_CMP_S
#undef BR_CMP_I
	OP(add_i_br_ne_i) {
		uint32_t v = R(2).u32 + pc[3].s;
		R(1).u32 = v;
		BRANCH(v != pc[4].s, 5);
	}
	/* A masked value compared with another (zlib's hash chains). */
	OP(and_i_br_ne) {
		uint32_t v = R(2).u32 & pc[3].s;
		R(1).u32 = v;
		BRANCH(v != R(4).u32, 5);
	}
	/* A bit test, if (x & imm) { ... } (SQLite, Lua). */
	OP(and_i_br_unless) {
		uint32_t v = R(2).u32 & pc[3].s;
		R(1).u32 = v;
		BRANCH(!v, 4);
	}
	OP(br_table) {
		uint32_t i = R(1).u32, n = pc[2].s;
		const cell *t = pc + 3 + 2 * (i < n ? i : n);
		ENTER(t[0].i, t[1].s);
	}
	OP(ret_1) {
		/* The common single result: move it and return in one op. */
		fp[0] = R(1);
		goto do_ret;
	}
	OP(ret) {
do_ret:
		if (--top == frames) {
			s->depth = 0;
			s->fuel_used = USED();
			return EP_OK;
		}
		frame *fr = top;
		pc = fr->ret_pc;
		fp = fr->fp;
		/* Back in the same instance, mbase and msize are current: every
		 * memory.grow and host call since reloaded them, and a call into
		 * another instance reloads on its way back, here. */
		if (fr->inst != inst) {
			inst = fr->inst;
			LOAD_MEM();
		}
		NEXT();
	}
	OP(call) {
		call_pc = pc;
		callee = inst->funcs[pc[1].s];
		nfp = fp + pc[2].s;
		pc += 3;
		goto do_call;
	}
	OP(call_paid) {
		callee = inst->funcs[pc[1].s];
		nfp = fp + pc[2].s;
		pc += 3;
		goto do_call_paid;
	}
	OP(call_indirect) {
		call_pc = pc;
		ep_table *t = inst->tables[pc[2].s];
		uint32_t i = R(3).u32;
		if (i >= t->size) {
			trap = EP_TRAP_UNINIT_ELEMENT;
			goto trap_undefined_element;
		}
		callee = t->elems[i];
		if (!callee) {
			trap = EP_TRAP_UNINIT_ELEMENT;
			goto trap;
		}
		const functype *want = &inst->module->types[pc[1].s];
		if (callee->type != want && !functype_equal(callee->type, want)) {
			trap = EP_TRAP_INDIRECT_TYPE;
			goto trap;
		}
		nfp = fp + pc[4].s;
		pc += 5;
		goto do_call;
	}

	/* ---- moves and constants ---- */

	OP(mov) {
		R(1) = R(2);
		pc += 3;
		NEXT();
	}
	OP(mov2) {
		R(1) = R(2);
		R(3) = R(4);
		pc += 5;
		NEXT();
	}
	OP(const32) {
		R(1).u32 = pc[2].s;
		pc += 3;
		NEXT();
	}
	OP(const64) {
		memcpy(&R(1).u64, &pc[2], 8);
		pc += 2 + IMM64_CELLS;
		NEXT();
	}
	OP(select) {
		R(1) = R(2).u32 ? R(3) : R(4);
		pc += 5;
		NEXT();
	}
	OP(global_get) {
		R(1) = inst->globals[pc[2].s]->val;
		pc += 3;
		NEXT();
	}
	OP(global_set) {
		inst->globals[pc[1].s]->val = R(2);
		pc += 3;
		NEXT();
	}

	/* ---- memory ---- */

/* A load from addr (an i32) + offset into R(1), then the next op after
 * cells cells. */
#define LOAD_FROM(addr, offset, width, field, ctype, cells)                   \
	do {                                                                  \
		MEM_EA32(addr, offset, width, ea);                            \
		ctype v_;                                                     \
		memcpy(&v_, mbase + ea, width);                               \
		R(1).field = v_;                                              \
		pc += cells;                                                  \
		NEXT();                                                       \
	} while (0)
#define LOAD(name, width, field, ctype)                                       \
	OP(name) { LOAD_FROM(R(2).u32, pc[3].s, width, field, ctype, 4); }
	/* The loads with fused forms also take the address an i32.add (of
	 * two slots, or of a slot and an immediate) computed right before
	 * them, wrapping at 32 bits as the add does: one dispatch, not two. */
#define LOAD_ADDI(name, width, field, ctype)                                  \
	LOAD(name, width, field, ctype)                                       \
	OP(name##_addi) { LOAD_FROM(R(2).u32 + pc[3].s, pc[4].s, width, field, ctype, 5); }
#define LOAD_ADD(name, width, field, ctype)                                   \
	LOAD_ADDI(name, width, field, ctype)                                  \
	OP(name##_add) { LOAD_FROM(R(2).u32 + R(3).u32, pc[4].s, width, field, ctype, 5); }
	/* An index scaled and added (i32_add_shl_i) as the address. */
#define LOAD_SHL(name, width, field, ctype)                                   \
	OP(name##_shl) {                                                      \
		LOAD_FROM(R(4).u32 + (R(2).u32 << (pc[3].s & 31)), pc[5].s,   \
		          width, field, ctype, 6);                            \
	}
	/* A value loaded and used at once (d a offset x): a counter or a
	 * pointer stepped (bzip2, mujs), a word added (bzip2, SQLite); the
	 * f64 adds below use it too. */
#define LOADED(name, width, ctype, field, value)                              \
	OP(name) {                                                            \
		MEM_EA(R(2), pc[3].s, width, ea);                             \
		ctype v;                                                      \
		memcpy(&v, mbase + ea, width);                                \
		R(1).field = value;                                           \
		pc += 5;                                                      \
		NEXT();                                                       \
	}
	LOADED(i32_load_then_add_i, 4, uint32_t, u32, v + pc[4].s)
	LOADED(i32_add_load, 4, uint32_t, u32, v + R(4).u32)
	LOAD_SHL(i32_load, 4, u32, uint32_t)
	LOAD_SHL(i32_load8_u, 1, u32, uint8_t)
	LOAD_SHL(i32_load16_u, 2, u32, uint16_t)
#undef LOAD_SHL
	LOAD_ADD(i32_load, 4, u32, uint32_t)
	LOAD_ADD(i32_load8_u, 1, u32, uint8_t)
	LOAD_ADDI(i64_load, 8, u64, uint64_t)
	LOAD_ADDI(i32_load16_u, 2, u32, uint16_t)
	LOAD_ADDI(i32_load16_s, 2, i32, int16_t)
	LOAD(i32_load8_s, 1, i32, int8_t)
	LOAD(i64_load8_s, 1, i64, int8_t)
	LOAD(i64_load8_u, 1, u64, uint8_t)
	LOAD(i64_load16_s, 2, i64, int16_t)
	LOAD(i64_load16_u, 2, u64, uint16_t)
	LOAD(i64_load32_s, 4, i64, int32_t)
	LOAD(i64_load32_u, 4, u64, uint32_t)
#undef LOAD_ADD
#undef LOAD_ADDI
#undef LOAD
#undef LOAD_FROM

#define STORE_OF(name, width, ctype, value)                                   \
	OP(name) {                                                            \
		MEM_EA(R(1), pc[3].s, width, ea);                             \
		ctype v_ = (ctype)(value);                                    \
		memcpy(mbase + ea, &v_, width);                               \
		pc += 4;                                                      \
		NEXT();                                                       \
	}
	/* Each store, then the same of a constant (its immediate). */
#define STORE(name, width, ctype, field)                                      \
	STORE_OF(name, width, ctype, R(2).field)                              \
	STORE_OF(name##_i, width, ctype, (int32_t)pc[2].s)
	STORE(i32_store, 4, uint32_t, u32)
	STORE(i64_store, 8, uint64_t, u64)
	STORE(i32_store8, 1, uint8_t, u32)
	STORE(i32_store16, 2, uint16_t, u32)
#undef STORE
#undef STORE_OF

	OP(memory_size) {
		R(1).u32 = (uint32_t)(msize / EP_PAGE_SIZE);
		pc += 2;
		NEXT();
	}
	OP(memory_grow) {
		ep_memory *mem = inst->mems[0];
		uint32_t delta = R(2).u32;
		/* A grow the caps refuse does no work and pays nothing more;
		 * the charge never depends on what the host can give. */
		if (delta <= mem->max_pages - mem->pages)
			CHARGE((uint64_t)delta * GROW_UNITS_PER_PAGE);
		s->fuel_used = USED();
		R(1).i32 = memory_grow(s, mem, delta);
		LOAD_MEM();
		pc += 3;
		NEXT();
	}
	OP(memory_fill) {
		uint64_t d = R(1).u32, n = R(3).u32;
		if (d + n > msize)
			goto trap_oob_memory;
		BULK_START(done, n / BULK_BYTES_PER_UNIT);
		while (done < n) {
			BULK_SLICE(done);
			uint64_t k = n - done < SLICE_BYTES ? n - done : SLICE_BYTES;
			memset(mbase + d + done, (int)(R(2).u32 & 0xff), (size_t)k);
			done += k;
		}
		pc += 4;
		NEXT();
	}
	OP(memory_copy) {
		uint64_t d = R(1).u32, src = R(2).u32, n = R(3).u32;
		if (d + n > msize || src + n > msize)
			goto trap_oob_memory;
		BULK_START(done, n / BULK_BYTES_PER_UNIT);
		while (done < n) {
			BULK_SLICE(done);
			done += copy_slice(mbase + d, mbase + src, n, done, SLICE_BYTES, 1, d > src);
		}
		pc += 4;
		NEXT();
	}
	OP(memory_init) {
		uint32_t seg = pc[1].s;
		uint64_t d = R(2).u32, src = R(3).u32, n = R(4).u32;
		if (d + n > msize || src + n > inst->data_len[seg])
			goto trap_oob_memory;
		BULK_START(done, n / BULK_BYTES_PER_UNIT);
		const uint8_t *from = inst->module->bytes + inst->module->datas[seg].off + src;
		while (done < n) {
			BULK_SLICE(done);
			uint64_t k = n - done < SLICE_BYTES ? n - done : SLICE_BYTES;
			memcpy(mbase + d + done, from + done, (size_t)k);
			done += k;
		}
		pc += 5;
		NEXT();
	}
	OP(data_drop) {
		inst->data_len[pc[1].s] = 0;
		pc += 2;
		NEXT();
	}

	/* ---- references and tables ---- */

	OP(ref_null) {
		R(1).u64 = 0;
		pc += 2;
		NEXT();
	}
	OP(ref_is_null) {
		R(1).u32 = R(2).ref == NULL;
		pc += 3;
		NEXT();
	}
	OP(ref_func) {
		R(1).u64 = 0;
		R(1).ref = inst->funcs[pc[2].s];
		pc += 3;
		NEXT();
	}
	OP(table_get) {
		ep_table *t = inst->tables[pc[2].s];
		uint32_t i = R(3).u32;
		if (i >= t->size)
			goto trap_oob_table;
		void *r = t->elems[i];
		R(1).u64 = 0;
		R(1).ref = r;
		pc += 4;
		NEXT();
	}
	OP(table_set) {
		ep_table *t = inst->tables[pc[1].s];
		uint32_t i = R(2).u32;
		if (i >= t->size)
			goto trap_oob_table;
		t->elems[i] = R(3).ref;
		pc += 4;
		NEXT();
	}
	OP(table_size) {
		R(1).u32 = inst->tables[pc[2].s]->size;
		pc += 3;
		NEXT();
	}
	OP(table_grow) {
		ep_table *t = inst->tables[pc[2].s];
		void *init = R(3).ref;
		uint32_t n = R(4).u32;
		if (n <= t->max - t->size)
			CHARGE(n / BULK_ELEMS_PER_UNIT);
		R(1).i32 = table_grow(s, t, n, init);
		pc += 5;
		NEXT();
	}
	OP(table_fill) {
		ep_table *t = inst->tables[pc[1].s];
		uint64_t i = R(2).u32, n = R(4).u32;
		void *v = R(3).ref;
		if (i + n > t->size)
			goto trap_oob_table;
		BULK_START(done, n / BULK_ELEMS_PER_UNIT);
		while (done < n) {
			BULK_SLICE(done);
			uint64_t end = n - done < SLICE_ELEMS ? n : done + SLICE_ELEMS;
			for (; done < end; done++)
				t->elems[i + done] = v;
		}
		pc += 5;
		NEXT();
	}
	OP(table_copy) {
		ep_table *td = inst->tables[pc[1].s], *ts = inst->tables[pc[2].s];
		uint64_t d = R(3).u32, src = R(4).u32, n = R(5).u32;
		if (d + n > td->size || src + n > ts->size)
			goto trap_oob_table;
		BULK_START(done, n / BULK_ELEMS_PER_UNIT);
		while (done < n) {
			BULK_SLICE(done);
			done += copy_slice(td->elems + d, ts->elems + src, n, done, SLICE_ELEMS,
			                   sizeof(void *), td == ts && d > src);
		}
		pc += 6;
		NEXT();
	}
	OP(table_init) {
		ep_table *t = inst->tables[pc[1].s];
		uint32_t seg = pc[2].s;
		uint64_t d = R(3).u32, src = R(4).u32, n = R(5).u32;
		if (d + n > t->size || src + n > inst->elem_len[seg])
			goto trap_oob_table;
		BULK_START(done, n / BULK_ELEMS_PER_UNIT);
		while (done < n) {
			BULK_SLICE(done);
			uint64_t k = n - done < SLICE_ELEMS ? n - done : SLICE_ELEMS;
			memcpy(t->elems + d + done, inst->elem_refs[seg] + src + done,
			       (size_t)k * sizeof(void *));
			done += k;
		}
		pc += 6;
		NEXT();
	}
	OP(elem_drop) {
		inst->elem_len[pc[1].s] = 0;
		pc += 2;
		NEXT();
	}

	/* ---- numeric ---- */

#define BIN(name, rf, af, expr)                                               \
	OP(name) {                                                            \
		T_##af x = R(2).af, y = R(3).af;                  \
		R(1).rf = (expr);                                             \
		pc += 4;                                                      \
		NEXT();                                                       \
	}
/* The immediate is sign-extended from 32 bits: for i32 ops that keeps its
 * bits, for i64 ops it is what lower.c folded. */
#define BIN_I(name, rf, af, expr)                                             \
	OP(name) {                                                            \
		T_##af x = R(2).af, y = (T_##af)(int64_t)pc[3].i;             \
		R(1).rf = (expr);                                             \
		pc += 4;                                                      \
		NEXT();                                                       \
	}
#define UN(name, rf, af, expr)                                                \
	OP(name) {                                                            \
		T_##af x = R(2).af;                               \
		R(1).rf = (expr);                                             \
		pc += 3;                                                      \
		NEXT();                                                       \
	}

	BIN(i32_eq, u32, u32, x == y)
	BIN(i32_ne, u32, u32, x != y)
	BIN(i32_lt_s, u32, i32, x < y)
	BIN(i32_lt_u, u32, u32, x < y)
	BIN(i32_le_s, u32, i32, x <= y)
	BIN(i32_le_u, u32, u32, x <= y)
	BIN(i64_eq, u32, u64, x == y)
	BIN(i64_ne, u32, u64, x != y)
	BIN(i64_lt_s, u32, i64, x < y)
	BIN(i64_lt_u, u32, u64, x < y)
	BIN(i64_le_s, u32, i64, x <= y)
	BIN(i64_le_u, u32, u64, x <= y)
	BIN(f32_eq, u32, f32, x == y)
	BIN(f32_ne, u32, f32, x != y)
	BIN(f32_lt, u32, f32, x < y)
	BIN(f32_le, u32, f32, x <= y)
	BIN(f64_eq, u32, f64, x == y)
	BIN(f64_ne, u32, f64, x != y)
	BIN(f64_lt, u32, f64, x < y)
	BIN(f64_le, u32, f64, x <= y)

	BIN(i32_add, u32, u32, x + y)
	BIN(i32_sub, u32, u32, x - y)
	BIN(i32_mul, u32, u32, x * y)
	/* Division: a zero divisor traps; so does the one signed quotient that
	 * overflows (MIN / -1), whose remainder is defined as 0. */
#define DIV_S(name, field, min)                                               \
	OP(name) {                                                            \
		T_##field x = R(2).field, y = R(3).field;                     \
		if (y == 0)                                                   \
			goto trap_div_zero;                                   \
		if (x == (min) && y == -1)                                    \
			goto trap_overflow;                                   \
		R(1).field = x / y;                                           \
		pc += 4;                                                      \
		NEXT();                                                       \
	}
#define REM_S(name, field)                                                    \
	OP(name) {                                                            \
		T_##field x = R(2).field, y = R(3).field;                     \
		if (y == 0)                                                   \
			goto trap_div_zero;                                   \
		R(1).field = y == -1 ? 0 : x % y;                             \
		pc += 4;                                                      \
		NEXT();                                                       \
	}
#define DIV_U(name, field, op)                                                \
	OP(name) {                                                            \
		T_##field x = R(2).field, y = R(3).field;                     \
		if (y == 0)                                                   \
			goto trap_div_zero;                                   \
		R(1).field = x op y;                                          \
		pc += 4;                                                      \
		NEXT();                                                       \
	}
	DIV_S(i32_div_s, i32, INT32_MIN)
	DIV_U(i32_div_u, u32, /)
	REM_S(i32_rem_s, i32)
	DIV_U(i32_rem_u, u32, %)
	DIV_S(i64_div_s, i64, INT64_MIN)
	DIV_U(i64_div_u, u64, /)
	REM_S(i64_rem_s, i64)
	DIV_U(i64_rem_u, u64, %)
#undef DIV_S
#undef REM_S
#undef DIV_U

	BIN(i32_and, u32, u32, x & y)
	BIN(i32_or, u32, u32, x | y)
	BIN(i32_xor, u32, u32, x ^ y)
	BIN(i32_shl, u32, u32, x << (y & 31))
	BIN(i32_shr_s, i32, i32, x >> (y & 31))
	BIN(i32_shr_u, u32, u32, x >> (y & 31))
	BIN(i32_rotl, u32, u32, rotl32(x, y))
	BIN(i32_rotr, u32, u32, rotr32(x, y))

	BIN(i64_add, u64, u64, x + y)
	BIN(i64_sub, u64, u64, x - y)
	BIN(i64_mul, u64, u64, x * y)
	BIN(i64_and, u64, u64, x & y)
	BIN(i64_or, u64, u64, x | y)
	BIN(i64_xor, u64, u64, x ^ y)
	BIN(i64_shl, u64, u64, x << (y & 63))
	BIN(i64_shr_s, i64, i64, x >> (y & 63))
	BIN(i64_shr_u, u64, u64, x >> (y & 63))
	BIN(i64_rotl, u64, u64, rotl64(x, y))
	BIN(i64_rotr, u64, u64, rotr64(x, y))

	BIN(f32_add, f32, f32, x + y)
	BIN(f32_sub, f32, f32, x - y)
	BIN(f32_mul, f32, f32, x * y)
	BIN(f32_div, f32, f32, x / y)
	BIN(f32_min, f32, f32, f32_min(x, y))
	BIN(f32_max, f32, f32, f32_max(x, y))
	OP(f32_copysign) {
		uint32_t x = R(2).u32, y = R(3).u32;
		R(1).u32 = (x & 0x7fffffffu) | (y & 0x80000000u);
		pc += 4;
		NEXT();
	}
	BIN(f64_add, f64, f64, x + y)
	/* Two statements, so nothing contracts them into a fused multiply-add
	 * (gcc in ISO C mode does not contract at all; clang only within one
	 * expression): the product is rounded as f64.mul rounds it. */
	OP(f64_muladd_l) {
		double p = R(2).f64 * R(3).f64;
		R(1).f64 = p + R(4).f64;
		pc += 5;
		NEXT();
	}
	OP(f64_muladd_r) {
		double p = R(2).f64 * R(3).f64;
		R(1).f64 = R(4).f64 + p;
		pc += 5;
		NEXT();
	}
	OP(i32_add_shl_i) {
		R(1).u32 = R(4).u32 + (R(2).u32 << (pc[3].s & 31));
		pc += 5;
		NEXT();
	}
	/* (a >> k) & m: a bit field, two ops' work in one. */
	OP(i32_shr_u_and_i) {
		R(1).u32 = (R(2).u32 >> (pc[3].s & 31)) & pc[4].s;
		pc += 5;
		NEXT();
	}
	OP(i32_add_mul) {
		R(1).u32 = R(2).u32 * R(3).u32 + R(4).u32;
		pc += 5;
		NEXT();
	}
	/* Shifted and mixed in, as hashes and checksums do. */
	OP(i32_xor_shl_i) {
		R(1).u32 = (R(2).u32 << (pc[3].s & 31)) ^ R(4).u32;
		pc += 5;
		NEXT();
	}
	OP(i32_xor_shr_u_i) {
		R(1).u32 = (R(2).u32 >> (pc[3].s & 31)) ^ R(4).u32;
		pc += 5;
		NEXT();
	}
	OP(i32_xor_rotl_i) {
		R(1).u32 = rotl32(R(2).u32, pc[3].s) ^ R(4).u32;
		pc += 5;
		NEXT();
	}
	OP(i32_xor3) {
		R(1).u32 = R(2).u32 ^ R(3).u32 ^ R(4).u32;
		pc += 5;
		NEXT();
	}
	/* An f64 loaded and added: the order of the operands is kept, so
	 * that a NaN comes from the one it would. */
	LOADED(f64_add_load_l, 8, double, f64, v + R(4).f64)
	LOADED(f64_add_load_r, 8, double, f64, R(4).f64 + v)
#undef LOADED
	BIN(f64_sub, f64, f64, x - y)
	BIN(f64_mul, f64, f64, x * y)
	BIN(f64_div, f64, f64, x / y)
	BIN(f64_min, f64, f64, f64_min(x, y))
	BIN(f64_max, f64, f64, f64_max(x, y))
	OP(f64_copysign) {
		uint64_t x = R(2).u64, y = R(3).u64;
		R(1).u64 = (x & 0x7fffffffffffffffull) | (y & 0x8000000000000000ull);
		pc += 4;
		NEXT();
	}

	UN(i32_eqz, u32, u32, x == 0)
	UN(i64_eqz, u32, u64, x == 0)
	UN(i32_clz, u32, u32, clz32(x))
	UN(i32_ctz, u32, u32, ctz32(x))
	UN(i32_popcnt, u32, u32, (uint32_t)__builtin_popcount(x))
	UN(i64_clz, u64, u64, clz64(x))
	UN(i64_ctz, u64, u64, ctz64(x))
	UN(i64_popcnt, u64, u64, (uint64_t)__builtin_popcountll(x))
	UN(f32_abs, u32, u32, x & 0x7fffffffu)
	UN(f32_neg, u32, u32, x ^ 0x80000000u)
	UN(f32_ceil, f32, f32, f32_ceil(x))
	UN(f32_floor, f32, f32, f32_floor(x))
	UN(f32_trunc, f32, f32, f32_trunc(x))
	UN(f32_nearest, f32, f32, f32_nearest(x))
	UN(f32_sqrt, f32, f32, sqrtf(x))
	UN(f64_abs, u64, u64, x & 0x7fffffffffffffffull)
	UN(f64_neg, u64, u64, x ^ 0x8000000000000000ull)
	UN(f64_ceil, f64, f64, f64_ceil(x))
	UN(f64_floor, f64, f64, f64_floor(x))
	UN(f64_trunc, f64, f64, f64_trunc(x))
	UN(f64_nearest, f64, f64, f64_nearest(x))
	UN(f64_sqrt, f64, f64, sqrt(x))
	UN(i32_wrap_i64, u32, u64, (uint32_t)x)

	/* Trapping truncations: NaN is an invalid conversion, a value whose
	 * truncation does not fit is an overflow. The bounds are exact. */
#define TRUNC(name, rf, af, lo, hi, ctype)                                    \
	OP(name) {                                                            \
		T_##af x = R(2).af;                               \
		if (x != x)                                                   \
			goto trap_invalid_conversion;                         \
		if (!(x > (lo) && x < (hi)))                                  \
			goto trap_overflow;                                   \
		R(1).rf = (ctype)x;                                           \
		pc += 3;                                                      \
		NEXT();                                                       \
	}
	/* The f32 truncations run as these after f64.promote_f32 (lower.c). */
	TRUNC(i32_trunc_f64_s, i32, f64, -2147483649.0, 2147483648.0, int32_t)
	TRUNC(i32_trunc_f64_u, u32, f64, -1.0, 4294967296.0, uint32_t)
	TRUNC(i64_trunc_f64_s, i64, f64, -9223372036854777856.0, 9223372036854775808.0, int64_t)
	TRUNC(i64_trunc_f64_u, u64, f64, -1.0, 18446744073709551616.0, uint64_t)
#undef TRUNC

	UN(i64_extend_i32_s, i64, i32, (int64_t)x)
	UN(i64_extend_i32_u, u64, u32, (uint64_t)x)
	UN(f32_convert_i32_s, f32, i32, (float)x)
	UN(f32_convert_i32_u, f32, u32, (float)x)
	UN(f32_convert_i64_s, f32, i64, (float)x)
	UN(f32_convert_i64_u, f32, u64, (float)x)
	UN(f32_demote_f64, f32, f64, (float)x)
	UN(f64_convert_i32_s, f64, i32, (double)x)
	UN(f64_convert_i32_u, f64, u32, (double)x)
	UN(f64_convert_i64_s, f64, i64, (double)x)
	UN(f64_convert_i64_u, f64, u64, (double)x)
	UN(f64_promote_f32, f64, f32, (double)x)
	UN(i32_extend8_s, i32, i32, (int32_t)(int8_t)x)
	UN(i32_extend16_s, i32, i32, (int32_t)(int16_t)x)
	UN(i64_extend8_s, i64, i64, (int64_t)(int8_t)x)
	UN(i64_extend16_s, i64, i64, (int64_t)(int16_t)x)
	UN(i64_extend32_s, i64, i64, (int64_t)(int32_t)x)
	UN(i32_trunc_sat_f64_s, i32, f64, sat_i32(x))
	UN(i32_trunc_sat_f64_u, u32, f64, sat_u32(x))
	UN(i64_trunc_sat_f64_s, i64, f64, sat_i64(x))
	UN(i64_trunc_sat_f64_u, u64, f64, sat_u64(x))

	BIN_I(i32_add_i, u32, u32, x + y)
	BIN_I(i32_mul_i, u32, u32, x * y)
	BIN_I(i32_and_i, u32, u32, x & y)
	BIN_I(i32_or_i, u32, u32, x | y)
	BIN_I(i32_xor_i, u32, u32, x ^ y)
	BIN_I(i32_shl_i, u32, u32, x << (y & 31))
	BIN_I(i32_shr_s_i, i32, i32, x >> (y & 31))
	BIN_I(i32_shr_u_i, u32, u32, x >> (y & 31))
	BIN_I(i32_rotl_i, u32, u32, rotl32(x, y))
	BIN_I(i32_eq_i, u32, u32, x == y)
	BIN_I(i32_ne_i, u32, u32, x != y)
	BIN_I(i32_lt_s_i, u32, i32, x < y)
	BIN_I(i32_lt_u_i, u32, u32, x < y)
	BIN_I(i32_gt_s_i, u32, i32, x > y)
	BIN_I(i32_gt_u_i, u32, u32, x > y)
	BIN_I(i64_add_i, u64, u64, x + y)
	BIN_I(i64_and_i, u64, u64, x & y)
	BIN_I(i64_shl_i, u64, u64, x << (y & 63))
	BIN_I(i64_shr_s_i, i64, i64, x >> (y & 63))
	BIN_I(i64_shr_u_i, u64, u64, x >> (y & 63))
	BIN_I(i64_eq_i, u32, u64, x == y)
	BIN_I(i64_ne_i, u32, u64, x != y)
	BIN_I(i64_lt_s_i, u32, i64, x < y)
	BIN_I(i64_lt_u_i, u32, u64, x < y)
	BIN_I(i64_gt_s_i, u32, i64, x > y)
	BIN_I(i64_gt_u_i, u32, u64, x > y)
#undef BIN
#undef BIN_I
#undef UN

#if EP_SWITCH_DISPATCH
	default:
		trap = EP_TRAP_UNREACHABLE;
		goto trap;
	}
#endif

	/* Calls land here with callee, nfp (its frame) and pc (the return
	 * address) set. The call depth and value stack checks turn runaway
	 * recursion into a trap; the host C stack never grows. */
do_call:
	if (callee->host) {
		s->fuel_used = USED();
		s->depth = (uint32_t)(top - frames);
		trap = call_host(s, inst, callee, nfp, err);
		if (trap == EP_TRAP_INTERRUPT) {
			/* The host gave up waiting (a deadline): resuming runs the
			 * call op again; its block is already paid for. */
			pc = call_pc;
			goto suspend;
		}
		if (trap != EP_TRAP_NONE)
			goto trap_reported;
		LOAD_MEM();
		/* The host may have changed the budget: take a fresh chunk at
		 * the next block. */
		FUEL_RESYNC();
		if (s->interrupted) {
			/* Interrupted while the host ran: stop right after it. */
			trap = EP_TRAP_INTERRUPT;
			goto suspend;
		}
		NEXT();
	}
	/* The callee's frame, after the checks (again: where to check again
	 * once a first call has lowered it); lw is its code. */
#define PUSH_FRAME(again)                                                     \
	const lowered *lw = callee->code;                                     \
	if (UNLIKELY(top >= mark || lw->frame_slots > (size_t)(stack_end - nfp))) { \
		if (lw == &lowered_pending) {                                 \
			/* The first call: lower, then check again. Lowering  \
			 * costs no fuel, so the fuel used is as if eager. */ \
			if (!first_code(callee, err))                         \
				goto lower_failed;                            \
			goto again;                                           \
		}                                                             \
		if (lw->frame_slots > (size_t)(stack_end - nfp)           \
		    || !(mark = deeper(s, top))) {                            \
			trap = EP_TRAP_STACK_EXHAUSTED;                       \
			goto trap;                                            \
		}                                                             \
	}                                                                     \
	frame *fr = top++;                                                    \
	fr->ret_pc = pc;                                                      \
	fr->fp = fp;                                                          \
	fr->inst = inst;                                                      \
	fr->func = callee;                                                    \
	fp = nfp;                                                             \
	/* Locals start at zero; most functions have a handful. */           \
	for (uint32_t k = 0, n = lw->nlocals; k < n; k++)                     \
		fp[lw->nparams + k].u64 = 0
	{
		PUSH_FRAME(do_call);
		if (inst != callee->inst) {
			inst = callee->inst;
			LOAD_MEM();
		}
		/* Every body starts with its entry block's fuel op: charge it
		 * here rather than dispatch to it. */
		pc = lw->code;
		ENTER(2, pc[1].s);
	}
	/* A call within the instance whose caller's block paid for the
	 * callee's entry block (lower.c's entry_cost): no charge here. */
do_call_paid: {
		PUSH_FRAME(do_call_paid);
		pc = lw->code + 2;
		NEXT();
	}
#undef PUSH_FRAME

#if EP_METERING
refuel: {
	/* The chunk is used up: pc is where a block is entered, its cost
	 * (pending) not paid, nothing of it run. Check the store, then take
	 * the next chunk. */
	uint64_t cost = (uint64_t)pending;
	UNPAID(pending);
	uint64_t used_now = USED();
	uint64_t limit = s->fuel_limit;
	if (s->interrupted || used_now + cost > limit) {
		chunk_base = used_now;
		chunk = 0;
		left = 0;
		trap = s->interrupted ? EP_TRAP_INTERRUPT : EP_TRAP_FUEL;
		s->susp_charge = (uint32_t)cost;
		goto suspend;
	}
	uint64_t take = limit - used_now;
	if (take > EP_FUEL_CHUNK)
		take = EP_FUEL_CHUNK;
	if (take < cost)
		take = cost;
	chunk_base = used_now;
	chunk = take;
	left = (intptr_t)(take - cost);
	NEXT();
}
#endif

trap_oob_memory:
	trap = EP_TRAP_OOB_MEMORY;
	goto trap;
trap_oob_table:
	trap = EP_TRAP_OOB_TABLE;
	goto trap;
trap_div_zero:
	trap = EP_TRAP_DIV_ZERO;
	goto trap;
trap_overflow:
	trap = EP_TRAP_INT_OVERFLOW;
	goto trap;
trap_invalid_conversion:
	trap = EP_TRAP_INVALID_CONVERSION;
	goto trap;
trap_undefined_element:
	/* An index past the table: the trap is EP_TRAP_UNINIT_ELEMENT, the
	 * message the spec's. */
	what = "undefined element";
	goto unwind;
trap:
	what = ep_trap_name(trap);
unwind:
	/* The one trap exit: record where, unwind the whole call. */
	s->fuel_used = USED();
	s->depth = 0;
	goto report;
lower_failed:
	/* Out of memory lowering a callee: the call ends (not suspended, no
	 * trap: err says EP_ERR_NOMEM and which function). */
	s->fuel_used = USED();
	s->depth = 0;
	return EP_ERR_NOMEM;
trap_reported:
	/* call_host already filled err. */
	s->fuel_used = USED();
	s->depth = 0;
	return EP_ERR_TRAP;
suspend:
	/* Out of fuel or interrupted at a block boundary: nothing of the block
	 * has run, and resuming pays for it first (susp_charge). The exception is an
	 * interrupt around a host call, which suspends mid-block at a call
	 * op or just after one; resuming there charges nothing again. */
	s->fuel_used = USED();
	s->depth = (uint32_t)(top - frames);
	s->suspended = true;
	s->susp_pc = pc;
	s->susp_fp = fp;
	what = ep_trap_name(trap);
report:
	ep_fail(err, EP_ERR_TRAP, SIZE_MAX, top[-1].func->index, "%s in function %u", what,
	        (unsigned)top[-1].func->index);
	if (err)
		err->trap = trap;
	return EP_ERR_TRAP;
}

void exec_handlers(exec_table *t)
{
	run(NULL, NULL, t);
}

ep_status exec_call(ep_store *s, ep_func *f, ep_error *err)
{
	if (s->depth != 0 || s->suspended)
		return ep_fail(err, EP_ERR_ARG, SIZE_MAX, UINT32_MAX,
		               "the store is already running a call");
	if (f->host) {
		ep_trap trap = call_host(s, NULL, f, s->stack, err);
		if (trap == EP_TRAP_INTERRUPT) {
			/* As inside wasm (do_call), a host that gave up waiting can
			 * be resumed: the call is made again, its arguments still
			 * in stack[0..nparams) (call_host writes only on success). */
			s->suspended = true;
			s->susp_entry = f;
			s->susp_pc = NULL;
		}
		return trap == EP_TRAP_NONE ? EP_OK : EP_ERR_TRAP;
	}
	const lowered *lw = f->code;
	if (lw == &lowered_pending && !(lw = first_code(f, err)))
		return EP_ERR_NOMEM;
	if (s->limits.max_call_depth == 0 || lw->frame_slots > s->limits.max_stack_slots) {
		ep_fail(err, EP_ERR_TRAP, SIZE_MAX, f->index, "call stack exhausted in function %u",
		        (unsigned)f->index);
		if (err)
			err->trap = EP_TRAP_STACK_EXHAUSTED;
		return EP_ERR_TRAP;
	}
	frame *fr = &s->frames[0];
	fr->ret_pc = NULL;
	fr->fp = NULL;
	fr->inst = NULL;
	fr->func = f;
	s->depth = 1;
	s->bulk_partial = false;
	s->susp_charge = 0;
	if (s->peak_depth == 0)
		s->peak_depth = 1;
	memset(s->stack + lw->nparams, 0, (size_t)lw->nlocals * sizeof(slot));
	s->susp_pc = lw->code;
	s->susp_fp = s->stack;
	s->susp_entry = f;
	return run(s, err, NULL);
}

ep_status exec_resume(ep_store *s, ep_error *err)
{
	if (!s->suspended)
		return ep_fail(err, EP_ERR_ARG, SIZE_MAX, UINT32_MAX, "no suspended call to resume");
	s->suspended = false;
	if (!s->susp_pc && s->susp_entry && s->susp_entry->host)
		return exec_call(s, s->susp_entry, err);
	return run(s, err, NULL);
}
