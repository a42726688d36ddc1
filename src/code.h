/*
 * code.h - the internal code that lower.c writes and exec.c runs.
 *
 * A lowered function is an array of cells: an operation cell followed by its
 * operand cells. Operands are frame slot indices (fp[i]), immediates, or
 * jump distances in cells relative to the operation cell; nothing is decoded
 * at run time. The frame of a function is [params | locals | operand stack];
 * a callee's frame starts at the caller's slot holding its first argument,
 * and results come back in the callee's slots 0..nresults-1.
 *
 * Fuel is paid on the way into a straight-line block, by whoever enters it:
 * each jump carries the cost of what it lands in after its distance, each
 * conditional branch the cost of its fall-through too, and only a function's
 * entry is a fuel op. Falling through a label costs nothing, so a loop
 * iteration or an if costs no dispatch for metering (see lower.c).
 */
#ifndef EP_CODE_H
#define EP_CODE_H

#include "internal.h"

/*
 * One cell is 32 bits on every board. Under computed goto an operation cell
 * holds its handler: the address itself where it fits 32 bits (32-bit
 * boards, and 64-bit code built without -fPIE), else its distance from the
 * first handler, for one add per dispatch. Under the switch it holds the op
 * number.
 */
typedef union cell {
	uint32_t s;   /* op, slot index or 32-bit immediate */
	int32_t i;    /* jump distance */
} cell;

#if UINTPTR_MAX == 0xffffffffu || !(defined(__PIE__) || defined(__PIC__))
/* Code built without -fPIE (the shipped static binaries) sits below 4 GiB,
 * so a 32-bit cell holds the address itself; lower_module checks it. */
#define EP_HANDLER_ABSOLUTE 1
#define EP_HANDLER_CELL(h, base) ((uint32_t)(uintptr_t)(h))
#define EP_HANDLER_OF(c, base) ((const void *)(uintptr_t)(c))
#else
#define EP_HANDLER_ABSOLUTE 0
#define EP_HANDLER_CELL(h, base) ((uint32_t)((const char *)(h) - (const char *)(base)))
#define EP_HANDLER_OF(c, base) ((const void *)((const char *)(base) + (int32_t)(c)))
#endif

/* The most one straight-line block may cost (lower.c refuses a longer one),
 * so the loop's fuel counter fits a 32-bit word with room to spare. */
#define EP_MAX_BLOCK_COST (1u << 30)

/* 64-bit immediates take two cells (read with memcpy: cells are 4-aligned). */
#define IMM64_CELLS 2

struct lowered {
	cell *code;
	size_t ncells;
	uint32_t nparams, nlocals;   /* nlocals: declared locals, zeroed on entry */
	uint32_t nresults;
	uint32_t frame_slots;        /* slots the frame needs, >= nresults */
	uint32_t funcidx;
};

/*
 * Every operation, with its operand layout:
 *   d = destination slot, a/b/c = source slots, imm = immediate,
 *   rel = jump distance from the operation cell.
 * The numeric families come from tables in lower.c; control flow, calls and
 * memory/table operations are written by hand in exec.c.
 */
#define EP_OPS(X, S) \
	/* control */ \
	X(fuel)            /* cost: a function's entry block */ \
	X(unreachable) \
	X(jmp)             /* rel cost */ \
	X(br_if)           /* a rel cost fcost: jump if a != 0, fcost if not */ \
	X(br_unless)       /* a rel cost fcost: jump if a == 0 */ \
	X(br_unless_raw)   /* a rel cost: the same, but falls through into copies for free */ \
	/* i32 compare and branch: a b rel cost fcost, or a imm rel cost fcost for the _i forms */ \
	X(br_eq) X(br_ne) X(br_lt_s) X(br_lt_u) X(br_le_s) X(br_le_u) \
	X(br_eq_i) X(br_ne_i) X(br_lt_s_i) X(br_lt_u_i) X(br_gt_s_i) X(br_gt_u_i) \
	S(br_le_s_i) S(br_le_u_i) S(br_ge_s_i) S(br_ge_u_i) \
	X(add_i_br_ne_i)   /* d a imm k rel cost fcost: d = a + imm, jump if d != k */ \
	X(and_i_br_ne)     /* d a imm b rel cost fcost: d = a & imm, jump if d != b */ \
	X(and_i_br_unless) /* d a imm rel cost fcost: d = a & imm, jump if d == 0 */ \
	X(br_table)        /* a n (rel cost)*(n+1): last is the default */ \
	X(ret) \
	X(ret_1)           /* a: return the one result in a */ \
	X(call)            /* funcidx base */ \
	X(call_paid)       /* funcidx base: a call whose block paid the callee's entry */ \
	X(call_indirect)   /* typeidx table a base */ \
	/* moves and constants */ \
	X(mov)             /* d a */ \
	X(mov2)            /* d a d2 a2: two movs in a row, in order */ \
	X(const32)         /* d imm32 */ \
	X(const64)         /* d imm64 */ \
	X(select)          /* d cond a b */ \
	X(global_get)      /* d globalidx */ \
	X(global_set)      /* globalidx a */ \
	/* memory */ \
	/* the first five loads have fused forms (below), in this order */ \
	X(i32_load) X(i32_load8_u) X(i64_load) X(i32_load16_u) X(i32_load16_s) \
	X(i32_load8_s) \
	X(i64_load8_s) X(i64_load8_u) X(i64_load16_s) X(i64_load16_u) \
	X(i64_load32_s) X(i64_load32_u)   /* d a offset */ \
	X(i32_store) X(i64_store) X(i32_store8) X(i32_store16)   /* a v offset */ \
	/* the same of a constant just pushed: a imm offset (i64: imm sign-extended) */ \
	X(i32_store_i) X(i64_store_i) X(i32_store8_i) X(i32_store16_i) \
	X(memory_size)     /* d */ \
	X(memory_grow)     /* d a */ \
	X(memory_fill)     /* a v n */ \
	X(memory_copy)     /* a b n */ \
	X(memory_init)     /* seg a b n */ \
	X(data_drop)       /* seg */ \
	/* references and tables */ \
	X(ref_null)        /* d */ \
	X(ref_is_null)     /* d a */ \
	X(ref_func)        /* d funcidx */ \
	X(table_get)       /* d table a */ \
	X(table_set)       /* table a v */ \
	X(table_size)      /* d table */ \
	X(table_grow)      /* d table v n */ \
	X(table_fill)      /* table a v n */ \
	X(table_copy)      /* dst src a b n */ \
	X(table_init)      /* table seg a b n */ \
	X(elem_drop)       /* seg */ \
	/* numeric: binary d a b */ \
	/* (S: > and >= of two slots, lowered as < and <= with the operands \
	 * swapped, so no code runs them: only their _i forms have handlers) \
	 */ \
	X(i32_eq) X(i32_ne) X(i32_lt_s) X(i32_lt_u) S(i32_gt_s) S(i32_gt_u) \
	X(i32_le_s) X(i32_le_u) S(i32_ge_s) S(i32_ge_u) \
	X(i64_eq) X(i64_ne) X(i64_lt_s) X(i64_lt_u) S(i64_gt_s) S(i64_gt_u) \
	X(i64_le_s) X(i64_le_u) S(i64_ge_s) S(i64_ge_u) \
	X(f32_eq) X(f32_ne) X(f32_lt) S(f32_gt) X(f32_le) S(f32_ge) \
	X(f64_eq) X(f64_ne) X(f64_lt) S(f64_gt) X(f64_le) S(f64_ge) \
	X(i32_add) X(i32_sub) X(i32_mul) X(i32_div_s) X(i32_div_u) X(i32_rem_s) X(i32_rem_u) \
	X(i32_and) X(i32_or) X(i32_xor) X(i32_shl) X(i32_shr_s) X(i32_shr_u) X(i32_rotl) X(i32_rotr) \
	X(i64_add) X(i64_sub) X(i64_mul) X(i64_div_s) X(i64_div_u) X(i64_rem_s) X(i64_rem_u) \
	X(i64_and) X(i64_or) X(i64_xor) X(i64_shl) X(i64_shr_s) X(i64_shr_u) X(i64_rotl) X(i64_rotr) \
	X(f32_add) X(f32_sub) X(f32_mul) X(f32_div) X(f32_min) X(f32_max) X(f32_copysign) \
	X(f64_add) X(f64_sub) X(f64_mul) X(f64_div) X(f64_min) X(f64_max) X(f64_copysign) \
	/* numeric: unary d a */ \
	X(i32_eqz) X(i64_eqz) \
	X(i32_clz) X(i32_ctz) X(i32_popcnt) X(i64_clz) X(i64_ctz) X(i64_popcnt) \
	X(f32_abs) X(f32_neg) X(f32_ceil) X(f32_floor) X(f32_trunc) X(f32_nearest) X(f32_sqrt) \
	X(f64_abs) X(f64_neg) X(f64_ceil) X(f64_floor) X(f64_trunc) X(f64_nearest) X(f64_sqrt) \
	X(i32_wrap_i64) \
	/* (S: the truncations from f32, lowered as f64.promote_f32 and the \
	 * truncation from f64) */ \
	S(i32_trunc_f32_s) S(i32_trunc_f32_u) X(i32_trunc_f64_s) X(i32_trunc_f64_u) \
	X(i64_extend_i32_s) X(i64_extend_i32_u) \
	S(i64_trunc_f32_s) S(i64_trunc_f32_u) X(i64_trunc_f64_s) X(i64_trunc_f64_u) \
	X(f32_convert_i32_s) X(f32_convert_i32_u) X(f32_convert_i64_s) X(f32_convert_i64_u) \
	X(f32_demote_f64) \
	X(f64_convert_i32_s) X(f64_convert_i32_u) X(f64_convert_i64_s) X(f64_convert_i64_u) \
	X(f64_promote_f32) \
	X(i32_extend8_s) X(i32_extend16_s) X(i64_extend8_s) X(i64_extend16_s) X(i64_extend32_s) \
	S(i32_trunc_sat_f32_s) S(i32_trunc_sat_f32_u) X(i32_trunc_sat_f64_s) X(i32_trunc_sat_f64_u) \
	S(i64_trunc_sat_f32_s) S(i64_trunc_sat_f32_u) X(i64_trunc_sat_f64_s) X(i64_trunc_sat_f64_u) \
	/* numeric with an immediate right operand: d a imm32 */ \
	/* (S: x - imm, x rotr imm, x <= imm and x >= imm, lowered as \
	 * x + -imm, x rotl (32 - imm), x < imm + 1 and x > imm - 1 (lower.c's \
	 * imm_canon), or with imm in a slot where it has no neighbour) */ \
	X(i32_add_i) S(i32_sub_i) X(i32_mul_i) X(i32_and_i) X(i32_or_i) X(i32_xor_i) \
	X(i32_shl_i) X(i32_shr_s_i) X(i32_shr_u_i) X(i32_rotl_i) S(i32_rotr_i) \
	X(i32_eq_i) X(i32_ne_i) X(i32_lt_s_i) X(i32_lt_u_i) X(i32_gt_s_i) X(i32_gt_u_i) \
	S(i32_le_s_i) S(i32_le_u_i) S(i32_ge_s_i) S(i32_ge_u_i) \
	/* i64 with a sign-extended 32-bit immediate right operand: d a imm32 */ \
	/* (S also: i64 mul, or, xor with an immediate, which no program here \
	 * ran: their constant stays in a slot) */ \
	X(i64_add_i) S(i64_sub_i) S(i64_mul_i) X(i64_and_i) S(i64_or_i) S(i64_xor_i) \
	X(i64_shl_i) X(i64_shr_s_i) X(i64_shr_u_i) \
	X(i64_eq_i) X(i64_ne_i) X(i64_lt_s_i) X(i64_lt_u_i) X(i64_gt_s_i) X(i64_gt_u_i) \
	S(i64_le_s_i) S(i64_le_u_i) S(i64_ge_s_i) S(i64_ge_u_i) \
	/* loads with their address an i32.add fused in, in the order of the \
	 * loads: d a b offset (_add, the first two) or d a imm offset (_addi, \
	 * the first five); the rest did not occur in the bench workloads */ \
	X(i32_load_add) X(i32_load8_u_add) \
	X(i32_load_addi) X(i32_load8_u_addi) X(i64_load_addi) X(i32_load16_u_addi) \
	X(i32_load16_s_addi) \
	/* an f64.mul whose product only feeds the f64.add right after it: \
	 * d a b c, d = a * b + c (_l: the product is the left operand) or \
	 * d = c + a * b (_r), rounded twice as the two instructions are */ \
	X(f64_muladd_l) X(f64_muladd_r) \
	/* an i32.shl by imm whose result only feeds the i32.add right after \
	 * it: d a imm c, d = c + (a << imm) */ \
	X(i32_add_shl_i) \
	/* loads whose address an i32_add_shl_i computed right before them, in \
	 * the order of the loads: d a k c offset, from c + (a << k) + offset */ \
	X(i32_load_shl) X(i32_load8_u_shl) S(i64_load_shl) X(i32_load16_u_shl) \
	/* an i32.shr_u by imm whose result only feeds an i32.and with imm \
	 * right after it: d a k m, d = (a >> k) & m */ \
	X(i32_shr_u_and_i) \
	/* an i32.mul whose product only feeds the i32.add right after it: \
	 * d a b c, d = a * b + c */ \
	X(i32_add_mul) \
	/* an i32.shl, shr_u or rotl by imm whose result only feeds the i32.xor \
	 * right after it: d a imm c, d = (a op imm) ^ c */ \
	X(i32_xor_shl_i) X(i32_xor_shr_u_i) X(i32_xor_rotl_i) \
	/* an i32.xor whose result only feeds the i32.xor right after it: \
	 * d a b c, d = a ^ b ^ c */ \
	X(i32_xor3) \
	/* an f64 loaded (as i64.load) only for the f64.add right after it: \
	 * d a offset c, d = mem[a + offset] + c (_l: the loaded value is the \
	 * left operand) or c + mem[a + offset] (_r) */ \
	X(f64_add_load_l) X(f64_add_load_r) \
	/* an i32 loaded only for the i32.add_i right after it: d a offset imm, \
	 * d = mem[a + offset] + imm; or for the i32.add right after it: \
	 * d a offset c, d = mem[a + offset] + c */ \
	X(i32_load_then_add_i) X(i32_add_load)

enum op {
#define EP_OP_ENUM(name) OP_##name,
	EP_OPS(EP_OP_ENUM, EP_OP_ENUM)
#undef EP_OP_ENUM
	OP_COUNT
};

/* exec.c: where each op's handler is under computed goto: base plus
 * offsets[op] bytes; both NULL under the switch (then cells hold op
 * numbers). An offset is 16 bits with EP_HANDLER_OFF16, which the
 * Makefile's builds set and check: the assembler truncates a distance
 * that does not fit without a word, so after compiling exec.o it checks
 * that the loop's function is under 32 KB (some 15-20 KB optimised;
 * sanitizer builds, of 200 KB, keep 32 bits, as does any other build). */
#ifndef EP_HANDLER_OFF16
#define EP_HANDLER_OFF16 0
#endif
#if EP_HANDLER_OFF16
typedef int16_t handler_off;
#else
typedef int32_t handler_off;
#endif
typedef struct exec_table {
	const char *base;
	const handler_off *offsets;
} exec_table;
void exec_handlers(exec_table *t);

#endif
