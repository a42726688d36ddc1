/*
 * internal.h - the data shared by the engine's stages.
 *
 * Owns: the decoded module (struct ep_module), the decoded instruction
 * (struct insn) every pass reads bodies with, the runtime objects of a store
 * and the seams between stages. Stage files: alloc.c (counting allocator),
 * module.c (load pipeline, module queries, names), decode.c (binary ->
 * module, instruction decoder), validate.c (typing), lower.c (bodies ->
 * internal code), exec.c (the interpreter loop), instance.c (store, objects,
 * instantiation, public call API).
 */
#ifndef EP_INTERNAL_H
#define EP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "edgeplug.h"
#include "config.h"

#define EP_PAGE_SIZE 65536u
#define EP_MAX_PAGES 65536u

/* ---- allocator (alloc.c) ---- */

struct ep_engine {
	ep_alloc_fn fn;
	void *ud;
	size_t bytes, peak, limit;   /* limit 0: none */
	size_t linear;               /* of bytes: linear memories */
	size_t runtime_limit;        /* cap on bytes - linear; 0: none */
};

void *ep_alloc(ep_engine *e, size_t n);              /* uninitialised */
void *ep_zalloc(ep_engine *e, size_t n);             /* zeroed */
/* Overflow-safe n * size; NULL on overflow or refusal. */
void *ep_zalloc_array(ep_engine *e, size_t n, size_t size);
void *ep_realloc(ep_engine *e, void *p, size_t oldn, size_t newn);
void ep_free(ep_engine *e, void *p, size_t n);
/* The same for linear memory: counted in bytes and the total limit, but
 * not in the runtime limit (store page caps bound it instead). */
void *ep_realloc_linear(ep_engine *e, void *p, size_t oldn, size_t newn);
void *ep_zalloc_linear(ep_engine *e, size_t n);
void ep_free_linear(ep_engine *e, void *p, size_t n);

/* Formats err (if non-NULL) and returns status. */
ep_status ep_fail(ep_error *err, ep_status status, size_t offset, uint32_t func,
                  const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 5, 6)))
#endif
	;

/* ---- decoded module (decode.c fills it; validate.c checks it) ---- */

typedef struct functype {
	uint32_t nparams, nresults;
	uint8_t *types;              /* nparams params, then nresults results */
} functype;

typedef struct limits {
	uint32_t min, max;
	bool has_max;
} limits;

typedef struct tabletype {
	uint8_t reftype;             /* EP_FUNCREF or EP_EXTERNREF */
	limits lim;
} tabletype;

typedef struct globaltype {
	uint8_t valtype;
	bool mut;
} globaltype;

/* A constant expression: the byte range of its instructions including the
 * final end opcode, within module->bytes. Validated by validate.c; evaluated
 * by instance.c (2.0 constant expressions are exactly one instruction). */
typedef struct constexpr {
	size_t off, len;
} constexpr;

typedef struct import {
	char *module, *name;         /* not NUL-terminated inside the binary: copied, NUL-terminated */
	uint32_t module_len, name_len;
	uint8_t kind;                /* EP_EXTERN_* */
	union {
		uint32_t type;           /* func: type index */
		tabletype table;
		limits mem;
		globaltype global;
	} of;
} import;

typedef struct export_ {
	char *name;                  /* copied, NUL-terminated */
	uint32_t name_len;
	uint8_t kind;
	uint32_t index;
} export_;

typedef struct lowered lowered;

/* Every section of the binary in order: id, and its contents (after the id
 * and size fields) within module->bytes. */
typedef struct secinfo {
	uint8_t id;
	size_t off, size;
} secinfo;

/* A custom section: its name and payload (after the name), in module->bytes. */
typedef struct custominfo {
	size_t name_off, off, size;
	uint32_t name_len;
} custominfo;

/* A function name from the name section, in module->bytes. */
typedef struct funcname {
	uint32_t func, len;
	size_t off;
} funcname;

typedef struct func {
	uint32_t type;               /* type index */
	uint32_t nlocals;            /* declared locals, not params */
	uint8_t *local_types;        /* nlocals entries */
	size_t body_off, body_len;   /* bytes after the local declarations, up to and including the final end */
	size_t entry_off;            /* offset of the code entry (its size field), for messages */
	lowered *code;               /* set by lower.c on the first call; NULL before */
	uint32_t entry_paid;         /* lower.c's entry_cost: 0 until asked, then cost + 1 or UINT32_MAX */
} func;

typedef struct global {
	globaltype type;
	constexpr init;
} global;

enum { SEG_ACTIVE = 0, SEG_PASSIVE = 1, SEG_DECLARATIVE = 2 };

typedef struct elem {
	uint8_t mode;
	uint8_t reftype;
	uint32_t table;              /* active only */
	constexpr offset;            /* active only */
	uint32_t count;
	/* Exactly one of these is non-NULL when count > 0. */
	uint32_t *funcs;             /* encodings with function indices */
	constexpr *exprs;            /* encodings with expressions */
} elem;

typedef struct data {
	uint8_t mode;                /* SEG_ACTIVE or SEG_PASSIVE */
	uint32_t mem;
	constexpr offset;
	size_t off, len;             /* payload within module->bytes */
} data;

struct ep_module {
	ep_engine *engine;
	const uint8_t *bytes;        /* the binary: the module's copy, or the caller's (ep_module_load_static) */
	bool borrowed;               /* bytes are the caller's: never freed */
	size_t len;

	uint32_t ntypes;
	functype *types;
	uint32_t nimports;
	import *imports;
	/* Index spaces include imports first. */
	uint32_t nfuncs, nfunc_imports;
	func *funcs;                 /* nfuncs; imported entries have only .type set */
	uint32_t ntables, ntable_imports;
	tabletype *tables;
	uint32_t nmems, nmem_imports;
	limits *mems;
	uint32_t nglobals, nglobal_imports;
	global *globals;             /* imported entries have only .type set */
	uint32_t nexports;
	export_ *exports;
	bool has_start;
	uint32_t start;
	uint32_t nelems;
	elem *elems;
	bool has_datacount;
	uint32_t datacount;
	uint32_t ndatas;
	data *datas;

	/* What inspection needs (module.c answers the queries). */
	uint32_t nsections, ncustoms;
	uint32_t sections_cap, customs_cap;   /* allocated entries */
	secinfo *sections;
	custominfo *customs;
	uint32_t features;           /* EP_FEATURE_*, set by decode.c */
	/* From the name section (module.c, after lowering): sorted by func. */
	bool has_name;
	size_t name_off;
	uint32_t name_len;
	uint32_t nfuncnames;
	funcname *funcnames;
	/* lower.c's working state, kept from one lowering to the next so that
	 * its arrays are not grown afresh for every function; NULL until the
	 * first lowering. Freed with the module (lower_release). */
	struct lower *lowering;
};

/* The typing of a body as decode.c reads it, so that each body is read
 * once (validate_body; module.c connects the two stages). EP_OK: the body
 * from m->funcs[funcidx].body_off was typed, *pos is after its final end
 * and the features it uses are added to *features. Anything else: it was
 * not typed (a failure the typer keeps for later, or a syntax error), and
 * decode.c scans it itself. */
typedef ep_status body_typer(void *ctx, uint32_t funcidx, size_t *pos, uint32_t *features);

/* decode.c: fills m (m->engine, m->bytes, m->len already set); on error the
 * partly filled module is still freed by module_release. Checks everything
 * the binary format requires, including a syntax scan of every body that
 * typer (may be NULL) did not type, and records the sections and the
 * features used (not the name section: module.c reads it). */
ep_status decode_module(ep_module *m, body_typer *typer, void *ctx, ep_error *err);
/* Frees what decode_module allocated, all but the struct itself; lowered
 * code must be freed before (module.c does). */
void module_release(ep_module *m);
/* The binary format's readers for module.c, without messages: a u32 LEB128
 * at *pos (strict, as in sections), or a name (length and UTF-8), within
 * b[0..end). Return false when malformed; *pos advances only on success. */
bool decode_u32(const uint8_t *b, size_t end, size_t *pos, uint32_t *out);
bool decode_name(const uint8_t *b, size_t end, size_t *pos, size_t *off, uint32_t *len);

/* validate.c: exactly the spec's validation rules. validate_new (NULL when
 * out of memory, err filled) before decoding; validate_body is decode.c's
 * typer; validate_finish after decoding succeeded gives the first
 * validation error in the spec's order, or EP_OK. */
typedef struct vstate vstate;
vstate *validate_new(const ep_module *m, ep_error *err);
ep_status validate_body(void *ctx, uint32_t funcidx, size_t *pos, uint32_t *features);
ep_status validate_finish(vstate *v);
void validate_free(vstate *v);

/* lower.c: translates validated bodies into internal code. lower_module
 * runs at load and lowers only what could fail for a reason other than
 * memory; lower_func_now lowers function funcidx (sets its code). Until
 * then a function's ep_func holds lowered_pending, which sends its first
 * call to module_code (module.c) through the loop's slow path. */
ep_status lower_module(ep_module *m, ep_error *err);
ep_status lower_func_now(ep_module *m, uint32_t funcidx, ep_error *err);
void lowered_free(ep_engine *e, lowered *code);
void lower_release(ep_module *m);
extern const lowered lowered_pending;
/* module.c: the code of defined function funcidx, lowered now if it was not
 * yet (the module's only change after load); NULL with err filled
 * (EP_ERR_NOMEM) when lowering fails. */
const lowered *module_code(const ep_module *m, uint32_t funcidx, ep_error *err);

/* ---- instruction decoder (decode.c), shared by all passes over bodies ---- */

/* Opcodes after the 0xFC prefix are 0xFC00 | sub-opcode. */
#define OP_FC(sub) (0xFC00u | (sub))

typedef struct insn {
	uint32_t op;
	size_t off;                  /* offset of the opcode byte in the binary */
	/* Immediates, by opcode:
	 *   block/loop/if: bt_kind, bt (valtype or type index)
	 *   br, br_if, local.x, global.x, call, ref.func, table.x, elem.drop, data.drop: a
	 *   call_indirect: a = type index, b = table index
	 *   br_table: count = number of targets excluding the default,
	 *             targets_off = offset of the first target LEB (read them
	 *             with insn_br_table_target), a = default target
	 *   loads/stores: a = alignment exponent, b = offset
	 *   i32.const: i32 in imm; i64.const: imm; f32.const/f64.const: bits in imm
	 *   select t*: count = number of types (1), a = the type
	 *   ref.null: a = reftype
	 *   memory.init: a = data index; table.init: a = elem index, b = table index
	 *   table.copy: a = dst table, b = src table
	 */
	uint32_t a, b;
	uint32_t count;
	uint64_t imm;
	size_t targets_off;
	uint8_t bt_kind;             /* BT_EMPTY, BT_VAL, BT_TYPE */
	uint32_t bt;
} insn;

enum { BT_EMPTY = 0, BT_VAL = 1, BT_TYPE = 2 };

/* Decodes the instruction at *pos (< end) in m->bytes and advances *pos.
 * Returns EP_OK or EP_ERR_MALFORMED (with err filled). */
ep_status insn_decode_full(const ep_module *m, size_t *pos, size_t end, insn *in,
                           uint32_t funcidx, ep_error *err);

/* How insn_decode reads an opcode inline (decode.c's table): 0 not at all,
 * else its immediates when they are one-byte LEBs. */
enum { FAST_NO = 0, FAST_NONE, FAST_INDEX, FAST_I32, FAST_MEMARG };
extern const uint8_t insn_fast[256];

/* The length of the instruction at b (three bytes readable) when insn_fast
 * covers it, else 0. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline unsigned insn_fast_len(const uint8_t *b)
{
	unsigned k = insn_fast[b[0]];
	if (k == FAST_NONE)
		return 1;
	if (k == FAST_NO || b[1] >= 0x80)
		return 0;
	return k != FAST_MEMARG ? 2 : b[2] < 0x80 ? 3 : 0;
}

/* The same, with the bulk of real code (numeric and parameterless ops,
 * index ops, i32.const and memory accesses with one-byte immediates)
 * decoded inline, for lower.c and instance.c (validate.c reads bodies
 * with its own fast path; constant expressions and the syntax scan take
 * the full decoder). */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline ep_status insn_decode(const ep_module *m, size_t *pos, size_t end, insn *in,
                                    uint32_t funcidx, ep_error *err)
{
	size_t p = *pos;
	if (end <= m->len && p + 2 < end) {
		const uint8_t *b = m->bytes + p;
		unsigned k = insn_fast[b[0]], n = insn_fast_len(b);
		if (n) {
			in->op = b[0];
			in->off = p;
			in->a = k == FAST_INDEX || k == FAST_MEMARG ? b[1] : 0;
			in->b = k == FAST_MEMARG ? b[2] : 0;
			in->count = 0;
			/* A one-byte i32.const is its low 7 bits, sign-extended. */
			in->imm = k == FAST_I32 ? (uint32_t)((int32_t)(b[1] ^ 0x40) - 0x40) : 0;
			in->targets_off = 0;
			in->bt_kind = 0;
			in->bt = 0;
			*pos = p + n;
			return EP_OK;
		}
	}
	return insn_decode_full(m, pos, end, in, funcidx, err);
}
/* Reads the next br_table target at *pos (already checked by insn_decode). */
uint32_t insn_br_table_target(const ep_module *m, size_t *pos);

/* ---- runtime (instance.c owns these; exec.c runs them) ---- */

/* One value stack slot. Every value takes one slot; i32/f32 live in the low
 * half and their upper half is unspecified. */
typedef union slot {
	uint64_t u64;
	int64_t i64;
	uint32_t u32;
	int32_t i32;
	float f32;
	double f64;
	void *ref;
} slot;

struct ep_func {
	const functype *type;        /* points into the module or into host_type */
	ep_instance *inst;           /* NULL for host functions */
	uint32_t index;              /* index in the module's function space */
	const lowered *code;         /* wasm functions */
	ep_host_fn host;             /* host functions */
	void *env;
	functype host_type;          /* host functions own their type */
};

struct ep_table {
	uint8_t reftype;
	uint32_t size, max;          /* max already capped by the store limit */
	void **elems;
};

struct ep_memory {
	uint8_t *data;
	uint64_t size;               /* bytes */
	uint32_t pages, max_pages;   /* max already capped by the store limit */
};

/* Tables and memories remember their declared maximum, which import
 * matching needs; ep_table.max and ep_memory.max_pages hold the capped one.
 * Every ep_table / ep_memory is the first member of one of these
 * (instance.c makes them; host.c reads the declared maximum). */
struct table_obj {
	ep_table t;
	uint32_t decl_max;
	bool has_max;
};

struct mem_obj {
	ep_memory m;
	uint32_t decl_max;
	bool has_max;
};

struct ep_global {
	uint8_t type;
	bool mut;
	slot val;
};

struct ep_instance {
	ep_store *store;
	const ep_module *module;
	ep_func **funcs;             /* whole function index space */
	ep_table **tables;
	ep_memory **mems;
	ep_global **globals;
	/* Segments: dropped ones have length 0. */
	uint32_t *elem_len;          /* per elem segment: count, or 0 once dropped */
	void ***elem_refs;           /* per elem segment: evaluated references */
	uint32_t *data_len;          /* per data segment: length, or 0 once dropped */
	ep_instance *next;           /* store's list */
};

/* A frame of the call stack kept by exec.c. */
typedef struct frame {
	const void *ret_pc;
	slot *fp;
	ep_instance *inst;
	ep_func *func;
} frame;

struct ep_caller {
	ep_store *store;
	ep_instance *inst;           /* the calling instance, NULL from ep_call */
	const char *msg;
	int exit_code;
};

struct ep_store {
	ep_engine *engine;
	ep_limits limits;            /* defaults filled in */
	slot *stack;                 /* value stack: limits.max_stack_slots */
	frame *frames;               /* call stack: limits.max_call_depth + 1 */
	uint32_t depth;              /* frames in use */
	uint32_t peak_depth;         /* deepest call nesting seen */
	uint64_t memory_bytes;       /* linear memory the store holds now */
	uint64_t peak_memory_bytes;  /* and at most */
	/* Fuel: fuel_used only grows; the loop charges blocks against chunks
	 * of the room below fuel_limit (exec.c, refuel). ep_store_interrupt
	 * zeroes fuel_limit, which the loop sees at its next refuel, so the
	 * deadline costs nothing per block. */
	volatile uint64_t fuel_limit;
	uint64_t fuel_budget;        /* fuel_used at which fuel runs out: fuel_limit unless interrupted */
	uint64_t fuel_used;
	volatile int interrupted;
	/* A suspended call (after fuel/interrupt): where to resume. */
	bool suspended;
	/* Suspended by an interrupt partway through a bulk instruction (at
	 * susp_pc, exec.c): bulk_done of its bytes or elements are done and
	 * its fuel is paid, so resuming goes on from there. */
	bool bulk_partial;
	uint64_t bulk_done;
	const void *susp_pc;
	/* Out of fuel entering a block at susp_pc: its cost, paid first on
	 * resuming (exec.c); 0 otherwise. */
	uint32_t susp_charge;
	slot *susp_fp;
	ep_func *susp_entry;
	ep_instance *instances;
	void *data;                  /* ep_store_set_data */
	/* Every object is kept on one list so the store frees them. */
	struct obj *objects;
};

/* exec.c: runs f with its arguments in store->stack[0..nparams); on success
 * its results are in store->stack[0..nresults). */
ep_status exec_call(ep_store *s, ep_func *f, ep_error *err);
/* exec.c: continues a suspended call. */
ep_status exec_resume(ep_store *s, ep_error *err);

/* instance.c services for the linker (linker.c). import_check matches
 * import i of m against x, import_func_check against a host function type,
 * with the messages ep_instantiate gives. import_fail formats "WHAT M.N"
 * and rest, the names escaped (import_name_text) for one line. */
ep_status import_check(const ep_module *m, uint32_t i, const ep_extern *x, ep_error *err);
ep_status import_func_check(const ep_module *m, uint32_t i, const functype *t, ep_error *err);
ep_status import_fail(ep_error *err, const import *im, const char *what, const char *rest);
void import_name_text(char *buf, size_t size, const char *s, uint32_t n);
/* Whether t is a value type (numbers and references), and every type of
 * a host function type is one, its arrays present. */
bool valtype_ok(uint8_t t);
bool functype_ok(const ep_functype *type);
/* ep_value <-> slot as the interpreter keeps values. */
slot value_to_slot(const ep_value *v);
/* A host function in s; with extra > 0 its env is extra zeroed bytes owned
 * by the function (freed with the store) instead of env. NULL when out of
 * memory; type must already be checked. */
ep_func *host_func_new(ep_store *s, const ep_functype *type, ep_host_fn fn, void *env,
                       size_t extra);
/* Frees the objects made in s since s->objects was mark: for undoing host
 * functions nothing refers to yet. */
void store_rollback(ep_store *s, struct obj *mark);
/* Export i of inst's module as an extern of inst. */
ep_extern instance_extern(const ep_instance *inst, uint32_t i);

/* instance.c helpers used by exec.c */
int32_t memory_grow(ep_store *s, ep_memory *mem, uint32_t delta);   /* old pages or -1 */
int32_t table_grow(ep_store *s, ep_table *t, uint32_t delta, void *init);
bool functype_equal(const functype *a, const functype *b);

#endif
