/*
 * decode.c - the binary format: bytes -> struct ep_module (every section, a
 * syntax scan of every body the typer did not read) and the instruction
 * decoder all passes share.
 * Also records what inspection needs on the way: the section list, custom
 * sections, the features used. Types are checked by validate.c, not here;
 * it calls no other stage but through the body_typer module.c gives it
 * (module.c runs the pipeline).
 */
#include "internal.h"

/*
 * A reader over m->bytes. Reads stop at `end` (a section, a code entry or
 * the binary), but a LEB128 may be looked at up to `len` so that an overlong
 * or oversized integer straddling `end` is reported as such, like the
 * reference interpreter does; it is still refused if it ends past `end`.
 * Invariant: pos <= end <= len, so `end - pos` never wraps.
 */
typedef struct rd {
	const uint8_t *b;
	size_t len;
	size_t pos, end;
	uint32_t func;          /* function index for messages, or UINT32_MAX */
	ep_error *err;
} rd;

#define TRY(x) do { ep_status st_ = (x); if (st_ != EP_OK) return st_; } while (0)

static ep_status malformed(const rd *r, size_t off, const char *msg)
{
	return ep_fail(r->err, EP_ERR_MALFORMED, off, r->func, "%s", msg);
}

/* Spec tests expect "unexpected end" or this longer form; it has both as
 * prefixes. */
static ep_status unexpected_end(const rd *r, size_t off)
{
	return malformed(r, off, "unexpected end of section or function");
}

static size_t remaining(const rd *r)
{
	return r->end - r->pos;
}

/* Readers write their output even on failure, so no caller ever sees an
 * indeterminate value (and compilers can tell). */
static ep_status read_u8(rd *r, uint8_t *out)
{
	*out = 0;
	if (r->pos >= r->end)
		return unexpected_end(r, r->pos);
	*out = r->b[r->pos++];
	return EP_OK;
}

/*
 * Strict LEB128 of `bits` bits: at most ceil(bits/7) bytes, and the bits of
 * the last byte beyond the value must be zero (unsigned) or copies of the
 * sign bit (signed).
 */
static ep_status read_leb(rd *r, unsigned bits, bool is_signed, uint64_t *out)
{
	unsigned maxbytes = (bits + 6) / 7;
	unsigned used = bits - 7 * (maxbytes - 1);   /* value bits in the last byte */
	uint64_t v = 0;
	unsigned shift = 0;
	size_t p = r->pos;

	*out = 0;
	for (unsigned i = 0;; i++) {
		if (p >= r->len)
			return unexpected_end(r, p);
		uint8_t byte = r->b[p++];
		if (i == maxbytes - 1) {
			if (byte & 0x80)
				return malformed(r, p - 1, "integer representation too long");
			if (!is_signed) {
				if (byte >> used)
					return malformed(r, p - 1, "integer too large");
			} else {
				uint8_t hi = (uint8_t)((0x7fu >> (used - 1)) << (used - 1));
				if ((byte & hi) != 0 && (byte & hi) != hi)
					return malformed(r, p - 1, "integer too large");
			}
		}
		v |= (uint64_t)(byte & 0x7f) << shift;
		shift += 7;
		if (!(byte & 0x80)) {
			if (is_signed && shift < 64 && (byte & 0x40))
				v |= ~(uint64_t)0 << shift;
			break;
		}
	}
	if (p > r->end)
		return unexpected_end(r, r->end);
	r->pos = p;
	*out = v;
	return EP_OK;
}

/* Most LEBs in code are one byte: that case never enters read_leb. */
#if defined(__GNUC__)
#define FAST_PATH static inline __attribute__((always_inline))
#else
#define FAST_PATH static inline
#endif

FAST_PATH ep_status read_u32(rd *r, uint32_t *out)
{
	if (r->pos < r->end && r->b[r->pos] < 0x80) {
		*out = r->b[r->pos++];
		return EP_OK;
	}
	uint64_t v;
	ep_status st = read_leb(r, 32, false, &v);
	*out = (uint32_t)v;
	return st;
}

/* A vector length: every element takes at least one byte, so a count above
 * the bytes left is malformed and never reaches an allocation. */
static ep_status read_count(rd *r, uint32_t *out)
{
	size_t off = r->pos;
	TRY(read_u32(r, out));
	if (*out > remaining(r))
		return unexpected_end(r, off);
	return EP_OK;
}

/* A byte length of something that follows (a name, a section, a body).
 * A length field cut by `end` is still read to tell "length out of bounds"
 * (it points past the binary) from a plain unexpected end. */
static ep_status read_len(rd *r, uint32_t *out)
{
	size_t off = r->pos;
	rd w = *r;
	w.end = w.len;
	TRY(read_u32(&w, out));
	if (*out > w.len - w.pos)
		return malformed(r, off, "length out of bounds");
	if (w.pos > r->end)
		return unexpected_end(r, r->end);
	r->pos = w.pos;
	if (*out > remaining(r))
		return malformed(r, off, "length out of bounds");
	return EP_OK;
}

static bool is_valtype(uint8_t t)
{
	return t == EP_I32 || t == EP_I64 || t == EP_F32 || t == EP_F64 ||
	       t == EP_FUNCREF || t == EP_EXTERNREF;
}

static ep_status read_valtype(rd *r, uint8_t *out)
{
	size_t off = r->pos;
	TRY(read_u8(r, out));
	if (!is_valtype(*out))
		return malformed(r, off, *out == 0x7b ?
		                 "malformed value type (v128: SIMD is not supported)" :
		                 "malformed value type");
	return EP_OK;
}

static ep_status read_reftype(rd *r, uint8_t *out)
{
	size_t off = r->pos;
	TRY(read_u8(r, out));
	if (*out != EP_FUNCREF && *out != EP_EXTERNREF)
		return malformed(r, off, "malformed reference type");
	return EP_OK;
}

/* Returns n when s[0..n) is valid UTF-8, else the index of the bad
 * sequence. Rejects overlong forms, surrogates and code points > U+10FFFF. */
static size_t utf8_check(const uint8_t *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		uint8_t c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t k;
		uint32_t cp, min;
		if ((c & 0xe0) == 0xc0) {
			k = 1; cp = c & 0x1f; min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			k = 2; cp = c & 0x0f; min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			k = 3; cp = c & 0x07; min = 0x10000;
		} else {
			return i;
		}
		if (k > n - i - 1)
			return i;
		for (size_t j = 1; j <= k; j++) {
			uint8_t d = s[i + j];
			if ((d & 0xc0) != 0x80)
				return i;
			cp = cp << 6 | (d & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += k + 1;
	}
	return n;
}

/* A name: its bytes stay in the binary at *off, *len of them. */
static ep_status read_name(rd *r, size_t *off, uint32_t *len)
{
	TRY(read_len(r, len));
	*off = r->pos;
	size_t bad = utf8_check(r->b + r->pos, *len);
	if (bad != *len)
		return malformed(r, r->pos + bad, "malformed UTF-8 encoding");
	r->pos += *len;
	return EP_OK;
}

bool decode_u32(const uint8_t *b, size_t end, size_t *pos, uint32_t *out)
{
	*out = 0;
	if (*pos > end)
		return false;
	rd r = { b, end, *pos, end, UINT32_MAX, NULL };
	if (read_u32(&r, out) != EP_OK)
		return false;
	*pos = r.pos;
	return true;
}

bool decode_name(const uint8_t *b, size_t end, size_t *pos, size_t *off, uint32_t *len)
{
	*off = *pos;
	*len = 0;
	if (*pos > end)
		return false;
	rd r = { b, end, *pos, end, UINT32_MAX, NULL };
	if (read_name(&r, off, len) != EP_OK)
		return false;
	*pos = r.pos;
	return true;
}

/* ---- instruction decoder ---- */

static ep_status read_zero_byte(rd *r)
{
	size_t off = r->pos;
	uint8_t z;
	TRY(read_u8(r, &z));
	if (z != 0)
		return malformed(r, off, "zero byte expected");
	return EP_OK;
}

static ep_status read_blocktype(rd *r, insn *in)
{
	if (r->pos >= r->end)
		return unexpected_end(r, r->pos);
	uint8_t b = r->b[r->pos];
	if (b == 0x40) {
		r->pos++;
		in->bt_kind = BT_EMPTY;
		return EP_OK;
	}
	if (is_valtype(b)) {
		r->pos++;
		in->bt_kind = BT_VAL;
		in->bt = b;
		return EP_OK;
	}
	/* Otherwise an s33 type index; negative values that are not value
	 * types (including v128) do not encode a block type. */
	size_t off = r->pos;
	uint64_t v;
	TRY(read_leb(r, 33, true, &v));
	if ((int64_t)v < 0)
		return malformed(r, off, "malformed block type");
	in->bt_kind = BT_TYPE;
	in->bt = (uint32_t)v;
	return EP_OK;
}

static ep_status illegal(const rd *r, size_t off, uint8_t op)
{
	return ep_fail(r->err, EP_ERR_MALFORMED, off, r->func, "illegal opcode 0x%02x%s",
	               (unsigned)op, op == 0xfd ? " (SIMD is not supported)" : "");
}

static ep_status decode_fc(rd *r, insn *in)
{
	uint32_t sub;
	size_t off = in->off;
	TRY(read_u32(r, &sub));
	in->op = OP_FC(sub);
	switch (sub) {
	case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7:
		return EP_OK;                               /* trunc_sat */
	case 8:                                         /* memory.init */
		TRY(read_u32(r, &in->a));
		return read_zero_byte(r);
	case 9: case 13: case 15: case 16: case 17:    /* data.drop elem.drop table.grow/size/fill */
		return read_u32(r, &in->a);
	case 10:                                        /* memory.copy */
		TRY(read_zero_byte(r));
		return read_zero_byte(r);
	case 11:                                        /* memory.fill */
		return read_zero_byte(r);
	case 12: case 14:                               /* table.init, table.copy */
		TRY(read_u32(r, &in->a));
		return read_u32(r, &in->b);
	default:
		return ep_fail(r->err, EP_ERR_MALFORMED, off, r->func,
		               "illegal opcode 0xfc %u", (unsigned)sub);
	}
}

ep_status insn_decode_full(const ep_module *m, size_t *pos, size_t end, insn *in,
                           uint32_t funcidx, ep_error *err)
{
	rd r = { m->bytes, m->len, *pos, end <= m->len ? end : m->len, funcidx, err };
	if (r.pos > r.end)
		r.pos = r.end;
	/* Field by field: this runs three times per instruction at load. */
	in->a = in->b = in->count = 0;
	in->imm = 0;
	in->targets_off = 0;
	in->bt_kind = BT_EMPTY;
	in->bt = 0;
	in->off = r.pos;
	uint8_t op;
	TRY(read_u8(&r, &op));
	in->op = op;

	switch (op) {
	case 0x00: case 0x01: case 0x05: case 0x0b: case 0x0f:
	case 0x1a: case 0x1b: case 0xd1:
		break;
	case 0x02: case 0x03: case 0x04:                /* block loop if */
		TRY(read_blocktype(&r, in));
		break;
	case 0x0c: case 0x0d: case 0x10:                /* br br_if call */
	case 0x20: case 0x21: case 0x22: case 0x23: case 0x24:
	case 0x25: case 0x26: case 0xd2:
		TRY(read_u32(&r, &in->a));
		break;
	case 0x0e: {                                    /* br_table */
		TRY(read_count(&r, &in->count));
		in->targets_off = r.pos;
		uint32_t t;
		for (uint32_t i = 0; i < in->count; i++)
			TRY(read_u32(&r, &t));
		TRY(read_u32(&r, &in->a));
		break;
	}
	case 0x11:                                      /* call_indirect */
		TRY(read_u32(&r, &in->a));
		TRY(read_u32(&r, &in->b));
		break;
	case 0x1c: {                                    /* select t* */
		TRY(read_count(&r, &in->count));
		for (uint32_t i = 0; i < in->count; i++) {
			uint8_t t;
			TRY(read_valtype(&r, &t));
			if (i == 0)
				in->a = t;
		}
		break;
	}
	case 0x3f: case 0x40:                           /* memory.size/grow */
		TRY(read_zero_byte(&r));
		break;
	case 0x41: {
		if (r.pos < r.end && r.b[r.pos] < 0x80) {
			/* One byte: the value is its low 7 bits, sign-extended. */
			uint8_t byte = r.b[r.pos++];
			int32_t v = byte & 0x40 ? (int32_t)byte - 128 : (int32_t)byte;
			in->imm = (uint32_t)v;
			break;
		}
		uint64_t v;
		TRY(read_leb(&r, 32, true, &v));
		in->imm = (uint32_t)v;
		break;
	}
	case 0x42:
		TRY(read_leb(&r, 64, true, &in->imm));
		break;
	case 0x43: case 0x44: {
		unsigned n = op == 0x43 ? 4 : 8;
		if (remaining(&r) < n)
			return unexpected_end(&r, r.end);
		uint64_t v = 0;
		for (unsigned i = 0; i < n; i++)
			v |= (uint64_t)r.b[r.pos + i] << (8 * i);
		r.pos += n;
		in->imm = v;
		break;
	}
	case 0xd0: {
		uint8_t t;
		TRY(read_reftype(&r, &t));
		in->a = t;
		break;
	}
	case 0xfc:
		TRY(decode_fc(&r, in));
		break;
	default:
		if (op >= 0x28 && op <= 0x3e) {             /* loads and stores: memarg */
			TRY(read_u32(&r, &in->a));
			TRY(read_u32(&r, &in->b));
			break;
		}
		if (op >= 0x45 && op <= 0xc4)               /* numeric, no immediates */
			break;
		return illegal(&r, in->off, op);
	}
	*pos = r.pos;
	return EP_OK;
}

/* FAST_NONE 1: numeric ops, unreachable, nop, else, end, return, drop,
 * select, ref.is_null; FAST_INDEX 2: br, br_if, call, local.*, global.*,
 * table.get/set, ref.func; FAST_I32 3: i32.const; FAST_MEMARG 4: loads
 * and stores. */
const uint8_t insn_fast[256] = {
	1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 2, 2, 0, 1,   /* 0x00 */
	2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0,   /* 0x10 */
	2, 2, 2, 2, 2, 2, 2, 0, 4, 4, 4, 4, 4, 4, 4, 4,   /* 0x20 */
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 0,   /* 0x30 */
	0, 3, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,   /* 0x40 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,   /* 0x50 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,   /* 0x60 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,   /* 0x70 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,   /* 0x80 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,   /* 0x90 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,   /* 0xa0 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,   /* 0xb0 */
	1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,   /* 0xc0 */
	0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,   /* 0xd0 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,   /* 0xe0 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,   /* 0xf0 */
};

uint32_t insn_br_table_target(const ep_module *m, size_t *pos)
{
	uint32_t v = 0;
	size_t p = *pos;
	for (unsigned shift = 0; shift < 35 && p < m->len; shift += 7) {
		uint8_t byte = m->bytes[p++];
		v |= (uint32_t)(byte & 0x7f) << shift;
		if (!(byte & 0x80))
			break;
	}
	*pos = p;
	return v;
}

/* ---- module decoder ---- */

enum { SEC_CUSTOM = 0, SEC_TYPE, SEC_IMPORT, SEC_FUNC, SEC_TABLE, SEC_MEMORY,
       SEC_GLOBAL, SEC_EXPORT, SEC_START, SEC_ELEM, SEC_CODE, SEC_DATA,
       SEC_DATACOUNT, SEC_COUNT };

/* Position of each known section in the required order (custom: anywhere). */
static const uint8_t sec_rank[SEC_COUNT] = {
	[SEC_TYPE] = 1, [SEC_IMPORT] = 2, [SEC_FUNC] = 3, [SEC_TABLE] = 4,
	[SEC_MEMORY] = 5, [SEC_GLOBAL] = 6, [SEC_EXPORT] = 7, [SEC_START] = 8,
	[SEC_ELEM] = 9, [SEC_DATACOUNT] = 10, [SEC_CODE] = 11, [SEC_DATA] = 12,
};

enum { FR_BLOCK = 0, FR_IF = 1 };   /* FR_IF: an if still waiting for its else */

typedef struct dec {
	ep_module *m;
	ep_error *err;
	body_typer *typer;          /* or NULL */
	void *typer_ctx;
	uint32_t seen;              /* bit per section id */
	uint32_t spaces;            /* bit per EP_EXTERN_* kind: index space allocated */
	uint32_t nfunc_decl;        /* function section count */
	size_t sec_end;             /* end of the section being decoded */
	/* First memory.init/data.drop in a body, when there is no data count
	 * section; judged once the data section is known. */
	bool data_use;
	size_t data_use_off;
	uint32_t data_use_func;
	/* Open-frame kinds for the syntax scan, grown on demand. */
	uint8_t *frames;
	size_t frames_cap;
} dec;

static bool is_reftype(uint8_t t)
{
	return t == EP_FUNCREF || t == EP_EXTERNREF;
}

/* The feature an opcode belongs to, 0 for none (1.0 opcodes). */
static uint32_t op_feature(uint32_t op)
{
	if (op == 0x1c || op == 0x25 || op == 0x26)   /* select t*, table.get/set */
		return EP_FEATURE_REFERENCE_TYPES;
	if (op >= 0xc0 && op <= 0xc4)
		return EP_FEATURE_SIGN_EXT;
	if (op >= 0xd0 && op <= 0xd2)
		return EP_FEATURE_REFERENCE_TYPES;
	if (op >= OP_FC(0) && op <= OP_FC(7))
		return EP_FEATURE_SAT_FLOAT_TO_INT;
	if (op >= OP_FC(8) && op <= OP_FC(14))
		return EP_FEATURE_BULK_MEMORY;
	if (op >= OP_FC(15) && op <= OP_FC(17))
		return EP_FEATURE_REFERENCE_TYPES;
	return 0;
}

static ep_status nomem(const dec *d, size_t off)
{
	return ep_fail(d->err, EP_ERR_NOMEM, off, UINT32_MAX, "out of memory");
}

static ep_status push_frame(dec *d, size_t depth, uint8_t kind, size_t off)
{
	if (depth >= d->frames_cap) {
		size_t ncap = d->frames_cap ? d->frames_cap * 2 : 64;
		uint8_t *p = ep_realloc(d->m->engine, d->frames, d->frames_cap, ncap);
		if (!p)
			return nomem(d, off);
		d->frames = p;
		d->frames_cap = ncap;
	}
	d->frames[depth] = kind;
	return EP_OK;
}

/*
 * The reference interpreter reads a body without regard to its size field,
 * so the message for a body that runs out before its final end depends on
 * what follows it; we say the same.
 */
static ep_status missing_end(const dec *d, const rd *r)
{
	const char *msg = "END opcode expected";
	if (r->end == r->len)
		msg = "unexpected end of section or function";
	else if (r->end == d->sec_end)
		msg = "section size mismatch";
	return malformed(r, r->end, msg);
}

/* What the syntax scan does with an opcode byte. Most opcodes need nothing,
 * and bodies are mostly numeric code: one table load decides that. */
enum { SC_NONE = 0, SC_BLOCK, SC_ELSE, SC_END, SC_FEATURE, SC_PREFIXED };

static const uint8_t scan_class[256] = {
	[0x02] = SC_BLOCK, [0x03] = SC_BLOCK, [0x04] = SC_BLOCK,
	[0x05] = SC_ELSE, [0x0b] = SC_END,
	[0x1c] = SC_FEATURE, [0x25] = SC_FEATURE, [0x26] = SC_FEATURE,
	[0xc0] = SC_FEATURE, [0xc1] = SC_FEATURE, [0xc2] = SC_FEATURE,
	[0xc3] = SC_FEATURE, [0xc4] = SC_FEATURE,
	[0xd0] = SC_FEATURE, [0xd1] = SC_FEATURE, [0xd2] = SC_FEATURE,
};

/*
 * Syntax scan of an instruction sequence up to the end that closes it: each
 * instruction decodes, blocks nest, else only inside if. Leaves r->pos after
 * that end. Bodies (is_body) also need the data count section for
 * memory.init and data.drop. Notes the features the instructions use.
 */
static ep_status scan_expr(dec *d, rd *r, bool is_body)
{
	size_t depth = 0;
	insn in;
	for (;;) {
		if (r->pos >= r->end)
			return is_body ? missing_end(d, r) : unexpected_end(r, r->pos);
		TRY(insn_decode_full(d->m, &r->pos, r->end, &in, r->func, r->err));
		/* Prefixed opcodes are 0xFC00 | sub, beyond the table. */
		unsigned cls = in.op < 256 ? scan_class[in.op] : SC_PREFIXED;
		if (cls == SC_NONE)
			continue;
		switch (cls) {
		case SC_BLOCK:
			TRY(push_frame(d, depth, in.op == 0x04 ? FR_IF : FR_BLOCK, in.off));
			depth++;
			if (in.bt_kind == BT_TYPE)
				d->m->features |= EP_FEATURE_MULTI_VALUE;
			break;
		case SC_ELSE:
			if (depth == 0 || d->frames[depth - 1] != FR_IF)
				return malformed(r, in.off, "misplaced ELSE opcode");
			d->frames[depth - 1] = FR_BLOCK;
			break;
		case SC_END:
			if (depth == 0)
				return EP_OK;
			depth--;
			break;
		default:
			d->m->features |= op_feature(in.op);
			if ((in.op == OP_FC(8) || in.op == OP_FC(9)) && is_body &&
			    !d->m->has_datacount && !d->data_use) {
				d->data_use = true;
				d->data_use_off = in.off;
				d->data_use_func = r->func;
			}
			break;
		}
	}
}

static ep_status read_constexpr(dec *d, rd *r, constexpr *ce)
{
	ce->off = r->pos;
	TRY(scan_expr(d, r, false));
	ce->len = r->pos - ce->off;
	return EP_OK;
}

/* Limits flags are a one-bit LEB in the reference, hence its messages. */
static ep_status read_limits(rd *r, limits *lim)
{
	uint64_t flags;
	TRY(read_leb(r, 1, false, &flags));
	TRY(read_u32(r, &lim->min));
	lim->has_max = flags == 1;
	lim->max = 0;
	if (lim->has_max)
		TRY(read_u32(r, &lim->max));
	return EP_OK;
}

static ep_status read_tabletype(rd *r, tabletype *t)
{
	TRY(read_reftype(r, &t->reftype));
	return read_limits(r, &t->lim);
}

static ep_status read_globaltype(rd *r, globaltype *g)
{
	TRY(read_valtype(r, &g->valtype));
	size_t off = r->pos;
	uint8_t mut;
	TRY(read_u8(r, &mut));
	if (mut > 1)
		return malformed(r, off, "malformed mutability");
	g->mut = mut == 1;
	return EP_OK;
}

static ep_status copy_name(dec *d, size_t off, uint32_t len, char **out)
{
	char *s = ep_alloc(d->m->engine, (size_t)len + 1);
	if (!s)
		return nomem(d, off);
	memcpy(s, d->m->bytes + off, len);
	s[len] = '\0';
	*out = s;
	return EP_OK;
}

static ep_status sec_type(dec *d, rd *r)
{
	ep_module *m = d->m;
	uint32_t n;
	TRY(read_count(r, &n));
	if (n == 0)
		return EP_OK;
	m->types = ep_zalloc_array(m->engine, n, sizeof *m->types);
	if (!m->types)
		return nomem(d, r->pos);
	m->ntypes = n;
	for (uint32_t i = 0; i < n; i++) {
		size_t off = r->pos;
		uint64_t form;
		/* The form is an s7 in the reference: 0x60 is -0x20. */
		TRY(read_leb(r, 7, true, &form));
		if ((int64_t)form != -0x20)
			return malformed(r, off, "malformed function type");
		/* Value types are single bytes, so both vectors are byte runs of
		 * the binary that can be copied once checked. */
		uint32_t np, nr;
		uint8_t t;
		TRY(read_count(r, &np));
		size_t poff = r->pos;
		for (uint32_t j = 0; j < np; j++)
			TRY(read_valtype(r, &t));
		TRY(read_count(r, &nr));
		size_t roff = r->pos;
		for (uint32_t j = 0; j < nr; j++)
			TRY(read_valtype(r, &t));
		functype *ft = &m->types[i];
		size_t total = (size_t)np + nr;
		/* Allocated even when empty, so types is never NULL and the
		 * passes can take types + nparams without a special case. */
		ft->types = ep_alloc(m->engine, total);
		if (!ft->types)
			return nomem(d, off);
		memcpy(ft->types, m->bytes + poff, np);
		memcpy(ft->types + np, m->bytes + roff, nr);
		ft->nparams = np;
		ft->nresults = nr;
		if (nr > 1)
			m->features |= EP_FEATURE_MULTI_VALUE;
		for (size_t j = 0; j < total; j++)
			if (is_reftype(ft->types[j]))
				m->features |= EP_FEATURE_REFERENCE_TYPES;
	}
	return EP_OK;
}

static ep_status sec_import(dec *d, rd *r)
{
	ep_module *m = d->m;
	uint32_t n;
	TRY(read_count(r, &n));
	if (n == 0)
		return EP_OK;
	m->imports = ep_zalloc_array(m->engine, n, sizeof *m->imports);
	if (!m->imports)
		return nomem(d, r->pos);
	m->nimports = n;
	for (uint32_t i = 0; i < n; i++) {
		import *im = &m->imports[i];
		size_t off;
		uint32_t len;
		TRY(read_name(r, &off, &len));
		TRY(copy_name(d, off, len, &im->module));
		im->module_len = len;
		TRY(read_name(r, &off, &len));
		TRY(copy_name(d, off, len, &im->name));
		im->name_len = len;
		off = r->pos;
		TRY(read_u8(r, &im->kind));
		switch (im->kind) {
		case EP_EXTERN_FUNC:
			TRY(read_u32(r, &im->of.type));
			m->nfunc_imports++;
			break;
		case EP_EXTERN_TABLE:
			TRY(read_tabletype(r, &im->of.table));
			m->ntable_imports++;
			break;
		case EP_EXTERN_MEMORY:
			TRY(read_limits(r, &im->of.mem));
			m->nmem_imports++;
			break;
		case EP_EXTERN_GLOBAL:
			TRY(read_globaltype(r, &im->of.global));
			m->nglobal_imports++;
			if (im->of.global.mut)
				m->features |= EP_FEATURE_MUTABLE_GLOBALS;
			break;
		default:
			return malformed(r, off, "malformed import kind");
		}
	}
	return EP_OK;
}

/*
 * Allocates the index space of `kind` (imports first, then ndecl defined
 * entries) and fills in the imported entries' types. Runs once per kind: at
 * its section, or at the end of the module when the section is absent.
 */
static ep_status index_space(dec *d, uint8_t kind, uint32_t ndecl, size_t off)
{
	static const char *const what[] = { "functions", "tables", "memories", "globals" };
	ep_module *m = d->m;
	uint32_t nimp = kind == EP_EXTERN_FUNC ? m->nfunc_imports :
	                kind == EP_EXTERN_TABLE ? m->ntable_imports :
	                kind == EP_EXTERN_MEMORY ? m->nmem_imports : m->nglobal_imports;
	if (ndecl > UINT32_MAX - nimp)
		return ep_fail(d->err, EP_ERR_LIMIT, off, UINT32_MAX, "too many %s", what[kind]);
	uint32_t total = nimp + ndecl;
	d->spaces |= 1u << kind;
	if (total == 0)
		return EP_OK;
	size_t size = kind == EP_EXTERN_FUNC ? sizeof(func) :
	              kind == EP_EXTERN_TABLE ? sizeof(tabletype) :
	              kind == EP_EXTERN_MEMORY ? sizeof(limits) : sizeof(global);
	void *arr = ep_zalloc_array(m->engine, total, size);
	if (!arr)
		return nomem(d, off);
	switch (kind) {
	case EP_EXTERN_FUNC: m->funcs = arr; m->nfuncs = total; break;
	case EP_EXTERN_TABLE: m->tables = arr; m->ntables = total; break;
	case EP_EXTERN_MEMORY: m->mems = arr; m->nmems = total; break;
	default: m->globals = arr; m->nglobals = total; break;
	}
	uint32_t k = 0;
	for (uint32_t i = 0; i < m->nimports; i++) {
		const import *im = &m->imports[i];
		if (im->kind != kind)
			continue;
		switch (kind) {
		case EP_EXTERN_FUNC: m->funcs[k].type = im->of.type; break;
		case EP_EXTERN_TABLE: m->tables[k] = im->of.table; break;
		case EP_EXTERN_MEMORY: m->mems[k] = im->of.mem; break;
		default: m->globals[k].type = im->of.global; break;
		}
		k++;
	}
	return EP_OK;
}

static ep_status sec_func(dec *d, rd *r)
{
	ep_module *m = d->m;
	uint32_t n;
	size_t off = r->pos;
	TRY(read_count(r, &n));
	TRY(index_space(d, EP_EXTERN_FUNC, n, off));
	d->nfunc_decl = n;
	for (uint32_t i = 0; i < n; i++)
		TRY(read_u32(r, &m->funcs[m->nfunc_imports + i].type));
	return EP_OK;
}

static ep_status sec_table(dec *d, rd *r)
{
	ep_module *m = d->m;
	uint32_t n;
	size_t off = r->pos;
	TRY(read_count(r, &n));
	TRY(index_space(d, EP_EXTERN_TABLE, n, off));
	for (uint32_t i = 0; i < n; i++)
		TRY(read_tabletype(r, &m->tables[m->ntable_imports + i]));
	return EP_OK;
}

static ep_status sec_memory(dec *d, rd *r)
{
	ep_module *m = d->m;
	uint32_t n;
	size_t off = r->pos;
	TRY(read_count(r, &n));
	TRY(index_space(d, EP_EXTERN_MEMORY, n, off));
	for (uint32_t i = 0; i < n; i++)
		TRY(read_limits(r, &m->mems[m->nmem_imports + i]));
	return EP_OK;
}

static ep_status sec_global(dec *d, rd *r)
{
	ep_module *m = d->m;
	uint32_t n;
	size_t off = r->pos;
	TRY(read_count(r, &n));
	TRY(index_space(d, EP_EXTERN_GLOBAL, n, off));
	for (uint32_t i = 0; i < n; i++) {
		global *g = &m->globals[m->nglobal_imports + i];
		TRY(read_globaltype(r, &g->type));
		TRY(read_constexpr(d, r, &g->init));
	}
	return EP_OK;
}

static ep_status sec_export(dec *d, rd *r)
{
	ep_module *m = d->m;
	uint32_t n;
	TRY(read_count(r, &n));
	if (n == 0)
		return EP_OK;
	m->exports = ep_zalloc_array(m->engine, n, sizeof *m->exports);
	if (!m->exports)
		return nomem(d, r->pos);
	m->nexports = n;
	for (uint32_t i = 0; i < n; i++) {
		export_ *ex = &m->exports[i];
		size_t off;
		uint32_t len;
		TRY(read_name(r, &off, &len));
		TRY(copy_name(d, off, len, &ex->name));
		ex->name_len = len;
		off = r->pos;
		TRY(read_u8(r, &ex->kind));
		if (ex->kind > EP_EXTERN_GLOBAL)
			return malformed(r, off, "malformed export kind");
		TRY(read_u32(r, &ex->index));
	}
	return EP_OK;
}

/*
 * Element segment flags: bit 0 passive/declarative, bit 1 explicit table
 * (active) or declarative (with bit 0), bit 2 expressions instead of
 * function indices. Flags 0 and 4 carry no element kind / reference type.
 */
static ep_status read_elem(dec *d, rd *r, elem *e)
{
	ep_engine *eng = d->m->engine;
	size_t off = r->pos;
	uint32_t flags;
	TRY(read_u32(r, &flags));
	if (flags > 7)
		return malformed(r, off, "malformed elements segment kind");
	e->mode = !(flags & 1) ? SEG_ACTIVE : (flags & 2) ? SEG_DECLARATIVE : SEG_PASSIVE;
	e->reftype = EP_FUNCREF;
	if (e->mode == SEG_PASSIVE || (flags & 4))
		d->m->features |= EP_FEATURE_BULK_MEMORY;
	else if (e->mode == SEG_DECLARATIVE)
		d->m->features |= EP_FEATURE_REFERENCE_TYPES;
	if (e->mode == SEG_ACTIVE) {
		if (flags & 2)
			TRY(read_u32(r, &e->table));
		TRY(read_constexpr(d, r, &e->offset));
	}
	if (flags & 3) {
		if (flags & 4) {
			TRY(read_reftype(r, &e->reftype));
		} else {
			size_t koff = r->pos;
			uint8_t kind;
			TRY(read_u8(r, &kind));
			if (kind != 0)
				return malformed(r, koff, "malformed element kind");
		}
	}
	uint32_t n;
	TRY(read_count(r, &n));
	if (n == 0)
		return EP_OK;
	if (flags & 4) {
		e->exprs = ep_zalloc_array(eng, n, sizeof *e->exprs);
		if (!e->exprs)
			return nomem(d, r->pos);
		e->count = n;
		for (uint32_t i = 0; i < n; i++)
			TRY(read_constexpr(d, r, &e->exprs[i]));
	} else {
		e->funcs = ep_zalloc_array(eng, n, sizeof *e->funcs);
		if (!e->funcs)
			return nomem(d, r->pos);
		e->count = n;
		for (uint32_t i = 0; i < n; i++)
			TRY(read_u32(r, &e->funcs[i]));
	}
	return EP_OK;
}

static ep_status sec_elem(dec *d, rd *r)
{
	ep_module *m = d->m;
	uint32_t n;
	TRY(read_count(r, &n));
	if (n == 0)
		return EP_OK;
	m->elems = ep_zalloc_array(m->engine, n, sizeof *m->elems);
	if (!m->elems)
		return nomem(d, r->pos);
	m->nelems = n;
	for (uint32_t i = 0; i < n; i++)
		TRY(read_elem(d, r, &m->elems[i]));
	return EP_OK;
}

/* The local types of f from its declarations at groups_off (already read
 * once, so they decode). */
static ep_status fill_locals(dec *d, const rd *e, size_t groups_off, uint32_t ngroups,
                             uint32_t total, func *f)
{
	ep_module *m = d->m;
	f->local_types = ep_alloc(m->engine, total);
	if (!f->local_types)
		return nomem(d, groups_off);
	f->nlocals = total;
	rd g = *e;
	g.pos = groups_off;
	size_t k = 0;
	for (uint32_t i = 0; i < ngroups; i++) {
		uint32_t cnt;
		uint8_t t;
		(void)read_u32(&g, &cnt);
		(void)read_valtype(&g, &t);
		if (is_reftype(t))
			m->features |= EP_FEATURE_REFERENCE_TYPES;
		memset(f->local_types + k, t, cnt);
		k += cnt;
	}
	return EP_OK;
}

/*
 * One code entry. Local counts are summed in 64 bits before anything is
 * allocated: more than 2^32-1 is malformed, more than EP_MAX_LOCALS is our
 * limit, reported only once the body is known to be well-formed. The
 * typer reads the body first; only when it does not type it does the
 * syntax scan read it, so a body is read once when it is valid, and every
 * malformed one is reported by the scan, with the scan's message.
 */
static ep_status read_code(dec *d, rd *r, uint32_t funcidx)
{
	ep_module *m = d->m;
	func *f = &m->funcs[funcidx];
	f->entry_off = r->pos;
	uint32_t size;
	TRY(read_len(r, &size));
	rd e = *r;
	e.end = r->pos + size;
	e.func = funcidx;

	uint32_t ngroups;
	TRY(read_count(&e, &ngroups));
	size_t groups_off = e.pos;
	uint64_t total = 0;
	for (uint32_t g = 0; g < ngroups; g++) {
		uint32_t cnt;
		uint8_t t;
		TRY(read_u32(&e, &cnt));
		TRY(read_valtype(&e, &t));
		total += cnt;
	}
	if (total > UINT32_MAX)
		return malformed(&e, groups_off, "too many locals");

	f->body_off = e.pos;
	f->body_len = e.end - e.pos;
	/* The typer needs the locals; a refusal is reported after the scan. */
	ep_status locals = EP_OK;
	bool typed = false;
	if (total && total <= EP_MAX_LOCALS)
		locals = fill_locals(d, &e, groups_off, ngroups, (uint32_t)total, f);
	if (d->typer && locals == EP_OK && total <= EP_MAX_LOCALS) {
		size_t p = e.pos;
		typed = d->typer(d->typer_ctx, funcidx, &p, &m->features) == EP_OK;
		if (typed)
			e.pos = p;
	}
	if (!typed)
		TRY(scan_expr(d, &e, true));
	if (e.pos != e.end)
		return malformed(&e, e.pos, "section size mismatch");

	if (total > EP_MAX_LOCALS)
		return ep_fail(d->err, EP_ERR_LIMIT, groups_off, funcidx,
		               "too many locals: %llu (limit %u)",
		               (unsigned long long)total, (unsigned)EP_MAX_LOCALS);
	TRY(locals);
	r->pos = e.end;
	return EP_OK;
}

/* Index spaces of the sections a module left out, made at the code section
 * (the typer needs them) or at the end. */
static ep_status missing_spaces(dec *d, size_t off)
{
	for (uint8_t k = EP_EXTERN_FUNC; k <= EP_EXTERN_GLOBAL; k++)
		if (!((d->spaces >> k) & 1))
			TRY(index_space(d, k, 0, off));
	return EP_OK;
}

static ep_status sec_code(dec *d, rd *r)
{
	ep_module *m = d->m;
	size_t off = r->pos;
	uint32_t n;
	TRY(read_u32(r, &n));
	if (n != d->nfunc_decl)
		return malformed(r, off, "function and code section have inconsistent lengths");
	TRY(missing_spaces(d, off));
	for (uint32_t i = 0; i < n; i++)
		TRY(read_code(d, r, m->nfunc_imports + i));
	return EP_OK;
}

static ep_status read_data(dec *d, rd *r, data *seg)
{
	size_t off = r->pos;
	uint32_t flags;
	TRY(read_u32(r, &flags));
	if (flags > 2)
		return malformed(r, off, "malformed data segment kind");
	seg->mode = flags == 1 ? SEG_PASSIVE : SEG_ACTIVE;
	if (seg->mode == SEG_PASSIVE)
		d->m->features |= EP_FEATURE_BULK_MEMORY;
	if (flags == 2)
		TRY(read_u32(r, &seg->mem));
	if (seg->mode == SEG_ACTIVE)
		TRY(read_constexpr(d, r, &seg->offset));
	uint32_t len;
	off = r->pos;
	TRY(read_u32(r, &len));
	if (len > remaining(r))
		return unexpected_end(r, off);
	seg->off = r->pos;
	seg->len = len;
	r->pos += len;
	return EP_OK;
}

static ep_status sec_data(dec *d, rd *r)
{
	ep_module *m = d->m;
	size_t off = r->pos;
	uint32_t n;
	TRY(read_count(r, &n));
	if (m->has_datacount && n != m->datacount)
		return malformed(r, off, "data count and data section have inconsistent lengths");
	if (n == 0)
		return EP_OK;
	m->datas = ep_zalloc_array(m->engine, n, sizeof *m->datas);
	if (!m->datas)
		return nomem(d, r->pos);
	m->ndatas = n;
	for (uint32_t i = 0; i < n; i++)
		TRY(read_data(d, r, &m->datas[i]));
	return EP_OK;
}

/* Appends to a list grown by doubling; *cap is counted in elements. */
static void *list_room(dec *d, void *list, uint32_t n, uint32_t *cap, size_t size, size_t off,
                       ep_status *st)
{
	*st = EP_OK;
	if (n < *cap)
		return list;
	uint32_t ncap = *cap ? *cap * 2 : 8;
	void *p = ncap > *cap ? ep_realloc(d->m->engine, list, (size_t)*cap * size, (size_t)ncap * size)
	                      : NULL;
	if (!p) {
		*st = nomem(d, off);
		return list;
	}
	*cap = ncap;
	return p;
}

static ep_status add_section(dec *d, uint8_t id, size_t off, size_t size)
{
	ep_module *m = d->m;
	ep_status st;
	m->sections = list_room(d, m->sections, m->nsections, &m->sections_cap,
	                        sizeof *m->sections, off, &st);
	TRY(st);
	m->sections[m->nsections++] = (secinfo){ id, off, size };
	return EP_OK;
}

/* Custom sections are recorded, never interpreted here: nothing in one can
 * make the module malformed except its own name. */
static ep_status sec_custom(dec *d, rd *r)
{
	ep_module *m = d->m;
	size_t off;
	uint32_t len;
	TRY(read_name(r, &off, &len));
	ep_status st;
	m->customs = list_room(d, m->customs, m->ncustoms, &m->customs_cap,
	                       sizeof *m->customs, off, &st);
	TRY(st);
	m->customs[m->ncustoms++] = (custominfo){ off, r->pos, r->end - r->pos, len };
	r->pos = r->end;
	return EP_OK;
}

/* Features that show only once every section is known. */
static void module_features(ep_module *m)
{
	if (m->ntables > 1 || (m->ntables == 1 && m->tables[0].reftype != EP_FUNCREF))
		m->features |= EP_FEATURE_REFERENCE_TYPES;
	if (m->has_datacount)
		m->features |= EP_FEATURE_BULK_MEMORY;
	for (uint32_t i = 0; i < m->nglobals; i++)
		if (is_reftype(m->globals[i].type.valtype))
			m->features |= EP_FEATURE_REFERENCE_TYPES;
	for (uint32_t i = 0; i < m->nexports; i++) {
		const export_ *ex = &m->exports[i];
		if (ex->kind == EP_EXTERN_GLOBAL && ex->index < m->nglobals &&
		    m->globals[ex->index].type.mut)
			m->features |= EP_FEATURE_MUTABLE_GLOBALS;
	}
}

static ep_status decode_sections(dec *d)
{
	ep_module *m = d->m;
	rd r = { m->bytes, m->len, 0, m->len, UINT32_MAX, d->err };
	static const uint8_t magic[4] = { 0x00, 0x61, 0x73, 0x6d };

	if (m->len < 4)
		return malformed(&r, m->len, "unexpected end");
	if (memcmp(m->bytes, magic, 4) != 0)
		return malformed(&r, 0, "magic header not detected");
	if (m->len < 8)
		return malformed(&r, m->len, "unexpected end");
	if (m->bytes[4] != 1 || m->bytes[5] || m->bytes[6] || m->bytes[7])
		return malformed(&r, 4, "unknown binary version");
	r.pos = 8;

	unsigned last_rank = 0;
	while (r.pos < r.end) {
		size_t id_off = r.pos;
		uint8_t id = r.b[r.pos++];
		if (id >= SEC_COUNT)
			return malformed(&r, id_off, "malformed section id");
		uint32_t size;
		TRY(read_len(&r, &size));
		if (id != SEC_CUSTOM) {
			if (sec_rank[id] <= last_rank)
				return malformed(&r, id_off, (d->seen >> id) & 1 ?
				                 "unexpected content after last section (duplicate section)" :
				                 "unexpected content after last section (section out of order)");
			last_rank = sec_rank[id];
			d->seen |= 1u << id;
		}
		TRY(add_section(d, id, r.pos, size));
		rd s = r;
		s.end = r.pos + size;
		d->sec_end = s.end;
		switch (id) {
		case SEC_CUSTOM: TRY(sec_custom(d, &s)); break;
		case SEC_TYPE: TRY(sec_type(d, &s)); break;
		case SEC_IMPORT: TRY(sec_import(d, &s)); break;
		case SEC_FUNC: TRY(sec_func(d, &s)); break;
		case SEC_TABLE: TRY(sec_table(d, &s)); break;
		case SEC_MEMORY: TRY(sec_memory(d, &s)); break;
		case SEC_GLOBAL: TRY(sec_global(d, &s)); break;
		case SEC_EXPORT: TRY(sec_export(d, &s)); break;
		case SEC_START:
			TRY(read_u32(&s, &m->start));
			m->has_start = true;
			break;
		case SEC_ELEM: TRY(sec_elem(d, &s)); break;
		case SEC_DATACOUNT:
			TRY(read_u32(&s, &m->datacount));
			m->has_datacount = true;
			break;
		case SEC_CODE: TRY(sec_code(d, &s)); break;
		case SEC_DATA: TRY(sec_data(d, &s)); break;
		}
		if (s.pos != s.end)
			return malformed(&s, s.pos, "section size mismatch");
		r.pos = s.end;
	}

	if (d->nfunc_decl != 0 && !((d->seen >> SEC_CODE) & 1))
		return malformed(&r, r.end, "function and code section have inconsistent lengths");
	if (m->has_datacount && m->datacount != 0 && !((d->seen >> SEC_DATA) & 1))
		return malformed(&r, r.end, "data count and data section have inconsistent lengths");
	/*
	 * Without a data count section, data indices in code are malformed. When
	 * the module has no data segments at all we leave them to validate.c
	 * ("unknown data segment"): wabt, which converts the testsuite, omits the
	 * data count section in exactly that case and the tests expect invalid.
	 */
	if (d->data_use && m->ndatas > 0) {
		r.func = d->data_use_func;
		return malformed(&r, d->data_use_off, "data count section required");
	}
	TRY(missing_spaces(d, r.end));
	module_features(m);
	return EP_OK;
}

ep_status decode_module(ep_module *m, body_typer *typer, void *ctx, ep_error *err)
{
	dec d = { .m = m, .err = err, .typer = typer, .typer_ctx = ctx };
	ep_status st = decode_sections(&d);
	ep_free(m->engine, d.frames, d.frames_cap);
	return st;
}

void module_release(ep_module *m)
{
	ep_engine *e = m->engine;
	if (m->types) {
		for (uint32_t i = 0; i < m->ntypes; i++)
			ep_free(e, m->types[i].types,
			        (size_t)m->types[i].nparams + m->types[i].nresults);
		ep_free(e, m->types, (size_t)m->ntypes * sizeof *m->types);
	}
	if (m->imports) {
		for (uint32_t i = 0; i < m->nimports; i++) {
			ep_free(e, m->imports[i].module, (size_t)m->imports[i].module_len + 1);
			ep_free(e, m->imports[i].name, (size_t)m->imports[i].name_len + 1);
		}
		ep_free(e, m->imports, (size_t)m->nimports * sizeof *m->imports);
	}
	if (m->funcs) {
		for (uint32_t i = 0; i < m->nfuncs; i++)
			ep_free(e, m->funcs[i].local_types, m->funcs[i].nlocals);
		ep_free(e, m->funcs, (size_t)m->nfuncs * sizeof *m->funcs);
	}
	ep_free(e, m->tables, (size_t)m->ntables * sizeof *m->tables);
	ep_free(e, m->mems, (size_t)m->nmems * sizeof *m->mems);
	ep_free(e, m->globals, (size_t)m->nglobals * sizeof *m->globals);
	if (m->exports) {
		for (uint32_t i = 0; i < m->nexports; i++)
			ep_free(e, m->exports[i].name, (size_t)m->exports[i].name_len + 1);
		ep_free(e, m->exports, (size_t)m->nexports * sizeof *m->exports);
	}
	if (m->elems) {
		for (uint32_t i = 0; i < m->nelems; i++) {
			elem *el = &m->elems[i];
			ep_free(e, el->funcs, (size_t)el->count * sizeof *el->funcs);
			ep_free(e, el->exprs, (size_t)el->count * sizeof *el->exprs);
		}
		ep_free(e, m->elems, (size_t)m->nelems * sizeof *m->elems);
	}
	ep_free(e, m->datas, (size_t)m->ndatas * sizeof *m->datas);
	ep_free(e, m->sections, (size_t)m->sections_cap * sizeof *m->sections);
	ep_free(e, m->customs, (size_t)m->customs_cap * sizeof *m->customs);
	/* The caller's bytes (ep_module_load_static) are never ours to free. */
	if (!m->borrowed)
		ep_free(e, (void *)m->bytes, m->len);
	memset(m, 0, sizeof *m);
	m->engine = e;
}
