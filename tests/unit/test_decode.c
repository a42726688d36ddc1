/*
 * test_decode.c - unit tests of decode.c: LEB128 and immediates through
 * insn_decode, crafted malformed and hostile binaries, every truncation and
 * byte flips of a real module, and allocator refusal at every allocation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "check.h"

/* A small real module (tests/unit/real.wat in spirit: imports of every
 * kind, locals, nested blocks, br_table, bulk memory, three element
 * encodings, active and passive data, a name section). */
static const uint8_t real_wasm[] = {
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x13, 0x04, 0x60,
	0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x60, 0x01,
	0x7f, 0x00, 0x60, 0x00, 0x00, 0x02, 0x2c, 0x04, 0x03, 0x65, 0x6e, 0x76,
	0x03, 0x61, 0x64, 0x64, 0x00, 0x00, 0x03, 0x65, 0x6e, 0x76, 0x01, 0x67,
	0x03, 0x7f, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x03, 0x6d, 0x65, 0x6d, 0x02,
	0x01, 0x01, 0x02, 0x03, 0x65, 0x6e, 0x76, 0x03, 0x74, 0x61, 0x62, 0x01,
	0x70, 0x00, 0x02, 0x03, 0x05, 0x04, 0x01, 0x01, 0x02, 0x03, 0x04, 0x04,
	0x01, 0x6f, 0x00, 0x03, 0x06, 0x12, 0x02, 0x7e, 0x00, 0x42, 0x7b, 0x0b,
	0x7c, 0x01, 0x44, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf8, 0x3f, 0x0b,
	0x07, 0x1a, 0x05, 0x03, 0x66, 0x61, 0x63, 0x00, 0x01, 0x02, 0x73, 0x77,
	0x00, 0x02, 0x03, 0x6d, 0x65, 0x6d, 0x02, 0x00, 0x01, 0x67, 0x03, 0x00,
	0x01, 0x74, 0x01, 0x01, 0x08, 0x01, 0x04, 0x09, 0x15, 0x03, 0x00, 0x41,
	0x00, 0x0b, 0x02, 0x01, 0x02, 0x05, 0x70, 0x02, 0xd2, 0x03, 0x0b, 0xd0,
	0x70, 0x0b, 0x03, 0x00, 0x01, 0x04, 0x0c, 0x01, 0x02, 0x0a, 0xc3, 0x01,
	0x04, 0x34, 0x03, 0x01, 0x7f, 0x02, 0x7e, 0x01, 0x7d, 0x41, 0x01, 0x21,
	0x01, 0x02, 0x40, 0x03, 0x40, 0x20, 0x00, 0x41, 0x01, 0x4c, 0x0d, 0x01,
	0x20, 0x01, 0x20, 0x00, 0x6c, 0x21, 0x01, 0x20, 0x00, 0x41, 0x01, 0x6b,
	0x21, 0x00, 0x0c, 0x00, 0x0b, 0x0b, 0x20, 0x01, 0x45, 0x04, 0x7f, 0x41,
	0x00, 0x05, 0x20, 0x01, 0x0b, 0x0b, 0x1a, 0x00, 0x02, 0x40, 0x02, 0x40,
	0x02, 0x40, 0x20, 0x00, 0x0e, 0x02, 0x00, 0x01, 0x02, 0x0b, 0x41, 0x0a,
	0x0f, 0x0b, 0x41, 0x0b, 0x0f, 0x0b, 0x41, 0x0c, 0x0b, 0x6e, 0x00, 0x20,
	0x00, 0x41, 0x00, 0x2d, 0x00, 0x00, 0x36, 0x02, 0x04, 0x41, 0x00, 0x41,
	0x00, 0x41, 0x01, 0xfc, 0x08, 0x01, 0x00, 0xfc, 0x09, 0x01, 0x41, 0x00,
	0x41, 0x00, 0x41, 0x00, 0xfc, 0x0b, 0x00, 0x41, 0x00, 0x41, 0x00, 0x41,
	0x00, 0xfc, 0x0a, 0x00, 0x00, 0x3f, 0x00, 0x40, 0x00, 0x1a, 0x41, 0x00,
	0x41, 0x00, 0x41, 0x00, 0xfc, 0x0c, 0x01, 0x00, 0xfc, 0x0d, 0x01, 0xd0,
	0x6f, 0x41, 0x01, 0xfc, 0x0f, 0x01, 0x1a, 0x41, 0x01, 0x41, 0x02, 0x41,
	0x00, 0x11, 0x00, 0x00, 0x1a, 0x41, 0x01, 0x41, 0x02, 0x41, 0x00, 0x1c,
	0x01, 0x7f, 0x1a, 0x43, 0x00, 0x00, 0xc0, 0x3f, 0xfc, 0x00, 0x1a, 0x42,
	0x07, 0xc4, 0x1a, 0x41, 0x01, 0x41, 0x02, 0x10, 0x00, 0x24, 0x00, 0x0b,
	0x02, 0x00, 0x0b, 0x0b, 0x14, 0x02, 0x00, 0x41, 0x08, 0x0b, 0x05, 0x68,
	0x65, 0x6c, 0x6c, 0x6f, 0x01, 0x07, 0x70, 0x61, 0x73, 0x73, 0x69, 0x76,
	0x65, 0x00, 0x50, 0x04, 0x6e, 0x61, 0x6d, 0x65, 0x01, 0x1a, 0x05, 0x00,
	0x03, 0x61, 0x64, 0x64, 0x01, 0x03, 0x66, 0x61, 0x63, 0x02, 0x02, 0x73,
	0x77, 0x03, 0x03, 0x6d, 0x65, 0x6d, 0x04, 0x04, 0x69, 0x6e, 0x69, 0x74,
	0x02, 0x13, 0x05, 0x00, 0x00, 0x01, 0x02, 0x00, 0x01, 0x6e, 0x01, 0x03,
	0x61, 0x63, 0x63, 0x02, 0x00, 0x03, 0x00, 0x04, 0x00, 0x04, 0x05, 0x01,
	0x00, 0x02, 0x74, 0x30, 0x05, 0x05, 0x01, 0x01, 0x02, 0x74, 0x32, 0x07,
	0x0a, 0x03, 0x00, 0x01, 0x67, 0x01, 0x01, 0x68, 0x02, 0x01, 0x66
};

/* ---- a module builder: sections get their sizes computed ---- */

typedef struct bld {
	uint8_t b[1 << 17];
	size_t n;
} bld;

static void put(bld *w, const void *p, size_t n)
{
	if (n > sizeof w->b - w->n) {
		printf("builder overflow\n");
		exit(2);
	}
	memcpy(w->b + w->n, p, n);
	w->n += n;
}

static void put_u32(bld *w, uint32_t v)
{
	do {
		uint8_t byte = v & 0x7f;
		v >>= 7;
		if (v)
			byte |= 0x80;
		put(w, &byte, 1);
	} while (v);
}

static void header(bld *w)
{
	w->n = 0;
	put(w, "\0asm\1\0\0\0", 8);
}

static void section(bld *w, uint8_t id, const void *p, size_t n)
{
	put(w, &id, 1);
	put_u32(w, (uint32_t)n);
	put(w, p, n);
}

#define SEC(w, id, s) section((w), (id), (s), sizeof(s) - 1)

/* Type () -> (), one function, one code entry holding `body` (locals and
 * instructions, without the entry size). */
static void one_func(bld *w, const void *body, size_t n)
{
	bld c;
	c.n = 0;
	put_u32(&c, 1);
	put_u32(&c, (uint32_t)n);
	put(&c, body, n);
	header(w);
	SEC(w, 1, "\x01\x60\x00\x00");
	SEC(w, 3, "\x01\x00");
	section(w, 10, c.b, c.n);
}

#define ONE_FUNC(w, s) one_func((w), (s), sizeof(s) - 1)

/* ---- decoding helpers ---- */

/* Decodes (only) into a fresh module; the caller inspects and releases. */
static ep_status decode_keep(ep_engine *e, const void *p, size_t n, ep_module *m,
                             ep_error *err)
{
	memset(m, 0, sizeof *m);
	m->engine = e;
	uint8_t *copy = ep_alloc(e, n);
	if (!copy)
		return EP_ERR_NOMEM;
	memcpy(copy, p, n);
	m->bytes = copy;
	m->len = n;
	return decode_module(m, NULL, NULL, err);
}

/* Decodes, releases and checks that nothing leaked. */
static ep_status decode_only(int line, const void *p, size_t n, ep_error *err,
                             size_t *peak)
{
	ep_engine *e = ep_engine_new(NULL, NULL);
	ep_module m;
	ep_status st = decode_keep(e, p, n, &m, err);
	module_release(&m);
	check(ep_engine_bytes(e) == 0, line, "leak: %zu bytes", ep_engine_bytes(e));
	if (peak)
		*peak = ep_engine_peak_bytes(e);
	ep_engine_free(e);
	return st;
}

static void expect(int line, const void *p, size_t n, ep_status want, const char *prefix)
{
	ep_error err;
	memset(&err, 0, sizeof err);
	size_t peak;
	ep_status st = decode_only(line, p, n, &err, &peak);
	check(st == want, line, "status %d, want %d (%s)", (int)st, (int)want,
	      st ? err.msg : "ok");
	if (st != EP_OK && prefix)
		check(strncmp(err.msg, prefix, strlen(prefix)) == 0, line,
		      "message \"%s\", want \"%s...\"", err.msg, prefix);
	/* Nothing here is big: a hostile count must not buy an allocation. */
	check(peak < 64 * 1024, line, "peak %zu bytes", peak);
}

#define EXPECT_W(w, want, prefix) expect(__LINE__, (w)->b, (w)->n, (want), (prefix))
#define EXPECT_S(s, want, prefix) expect(__LINE__, (s), sizeof(s) - 1, (want), (prefix))
#define HDR "\0asm\1\0\0\0"

/* Decodes one instruction from a byte string. */
static ep_status insn1(const void *p, size_t n, insn *in, size_t *used, ep_error *err)
{
	ep_module m;
	memset(&m, 0, sizeof m);
	m.bytes = (uint8_t *)(uintptr_t)p;
	m.len = n;
	size_t pos = 0;
	ep_status st = insn_decode(&m, &pos, n, in, 7, err);
	*used = pos;
	return st;
}

static void expect_insn(int line, const void *p, size_t n, ep_status want,
                        const char *prefix, insn *in)
{
	ep_error err;
	memset(&err, 0, sizeof err);
	size_t used;
	ep_status st = insn1(p, n, in, &used, &err);
	check(st == want, line, "insn status %d, want %d (%s)", (int)st, (int)want,
	      st ? err.msg : "ok");
	if (st == EP_OK)
		check(used == n, line, "insn used %zu of %zu bytes", used, n);
	else if (prefix)
		check(strncmp(err.msg, prefix, strlen(prefix)) == 0, line,
		      "message \"%s\", want \"%s...\"", err.msg, prefix);
	if (st != EP_OK)
		check(err.func == 7, line, "error function %u", (unsigned)err.func);
}

#define INSN_OK(s, in) expect_insn(__LINE__, (s), sizeof(s) - 1, EP_OK, NULL, (in))
#define INSN_BAD(s, prefix) do { insn in_; \
	expect_insn(__LINE__, (s), sizeof(s) - 1, EP_ERR_MALFORMED, (prefix), &in_); } while (0)

/* ---- LEB128 through immediates ---- */

static void test_leb(void)
{
	insn in;
	/* s32 (i32.const) */
	INSN_OK("\x41\x00", &in);
	CHECK(in.op == 0x41 && (int32_t)in.imm == 0, "i32 0");
	INSN_OK("\x41\x7f", &in);
	CHECK((int32_t)in.imm == -1, "i32 -1: %d", (int32_t)in.imm);
	INSN_OK("\x41\x3f", &in);
	CHECK((int32_t)in.imm == 63, "i32 63");
	INSN_OK("\x41\x40", &in);
	CHECK((int32_t)in.imm == -64, "i32 -64");
	INSN_OK("\x41\xc0\x00", &in);
	CHECK((int32_t)in.imm == 64, "i32 64");
	INSN_OK("\x41\xff\xff\xff\xff\x07", &in);
	CHECK((int32_t)in.imm == INT32_MAX, "i32 max");
	INSN_OK("\x41\x80\x80\x80\x80\x78", &in);
	CHECK((int32_t)in.imm == INT32_MIN, "i32 min");
	INSN_OK("\x41\xff\xff\xff\xff\x7f", &in);
	CHECK((int32_t)in.imm == -1, "i32 -1 in 5 bytes");
	INSN_OK("\x41\x80\x80\x80\x80\x00", &in);
	CHECK((int32_t)in.imm == 0, "i32 0 in 5 bytes");
	INSN_BAD("\x41\x80\x80\x80\x80\x80\x00", "integer representation too long");
	INSN_BAD("\x41\xff\xff\xff\xff\xff\x7f", "integer representation too long");
	INSN_BAD("\x41\xff\xff\xff\xff\x0f", "integer too large");
	INSN_BAD("\x41\x80\x80\x80\x80\x70", "integer too large");
	INSN_BAD("\x41\x80\x80\x80\x80\x08", "integer too large");
	INSN_BAD("\x41\xff\xff\xff\xff\x77", "integer too large");
	INSN_BAD("\x41\x80\x80", "unexpected end");
	INSN_BAD("\x41", "unexpected end");

	/* s64 (i64.const) */
	INSN_OK("\x42\xff\xff\xff\xff\xff\xff\xff\xff\xff\x00", &in);
	CHECK((int64_t)in.imm == INT64_MAX, "i64 max");
	INSN_OK("\x42\x80\x80\x80\x80\x80\x80\x80\x80\x80\x7f", &in);
	CHECK((int64_t)in.imm == INT64_MIN, "i64 min");
	INSN_OK("\x42\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", &in);
	CHECK((int64_t)in.imm == -1, "i64 -1 in 10 bytes");
	INSN_OK("\x42\x80\x80\x80\x80\x80\x80\x80\x80\x80\x00", &in);
	CHECK(in.imm == 0, "i64 0 in 10 bytes");
	INSN_OK("\x42\x80\x80\x80\x80\x08", &in);
	CHECK((int64_t)in.imm == (int64_t)1 << 31, "i64 2^31");
	INSN_OK("\x42\xff\xff\xff\xff\x77", &in);
	CHECK((int64_t)in.imm == -((int64_t)1 << 31) - 1, "i64 -2^31-1");
	INSN_BAD("\x42\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x00", "integer representation too long");
	INSN_BAD("\x42\x80\x80\x80\x80\x80\x80\x80\x80\x80\x7e", "integer too large");
	INSN_BAD("\x42\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", "integer too large");
	INSN_BAD("\x42\x80\x80\x80\x80\x80\x80\x80\x80\x80\x02", "integer too large");
	INSN_BAD("\x42\xff\xff\xff\xff\xff\xff\xff\xff\xff\x41", "integer too large");

	/* u32 (local.get) */
	INSN_OK("\x20\xff\xff\xff\xff\x0f", &in);
	CHECK(in.a == UINT32_MAX, "u32 max");
	INSN_OK("\x20\x80\x80\x80\x80\x00", &in);
	CHECK(in.a == 0, "u32 0 in 5 bytes");
	INSN_OK("\x20\xe5\x8e\x26", &in);
	CHECK(in.a == 624485, "u32 624485");
	INSN_BAD("\x20\xff\xff\xff\xff\x1f", "integer too large");
	INSN_BAD("\x20\x82\x80\x80\x80\x40", "integer too large");
	INSN_BAD("\x20\x80\x80\x80\x80\x80\x00", "integer representation too long");
	INSN_BAD("\x20\xff", "unexpected end");

	/* s33 (block type) */
	INSN_OK("\x02\x40", &in);
	CHECK(in.bt_kind == BT_EMPTY, "bt empty");
	INSN_OK("\x03\x7f", &in);
	CHECK(in.op == 0x03 && in.bt_kind == BT_VAL && in.bt == EP_I32, "bt i32");
	INSN_OK("\x04\x6f", &in);
	CHECK(in.bt_kind == BT_VAL && in.bt == EP_EXTERNREF, "bt externref");
	INSN_OK("\x02\x00", &in);
	CHECK(in.bt_kind == BT_TYPE && in.bt == 0, "bt type 0");
	INSN_OK("\x02\x3f", &in);
	CHECK(in.bt_kind == BT_TYPE && in.bt == 63, "bt type 63");
	INSN_OK("\x02\xc0\x00", &in);
	CHECK(in.bt_kind == BT_TYPE && in.bt == 64, "bt type 64");
	INSN_OK("\x02\xff\xff\xff\xff\x0f", &in);
	CHECK(in.bt_kind == BT_TYPE && in.bt == UINT32_MAX, "bt type 2^32-1");
	INSN_BAD("\x02\x80\x80\x80\x80\x10", "integer too large");
	INSN_BAD("\x02\x80\x80\x80\x80\x80\x00", "integer representation too long");
	INSN_BAD("\x02\x80\x80\x80\x80\x70", "malformed block type");
	INSN_BAD("\x02\x7b", "malformed block type");
	INSN_BAD("\x02\x7a", "malformed block type");
	INSN_BAD("\x02", "unexpected end");
}

static void test_immediates(void)
{
	insn in;
	INSN_OK("\x28\x02\x82\x80\x80\x80\x00", &in);
	CHECK(in.op == 0x28 && in.a == 2 && in.b == 2, "i32.load memarg");
	INSN_OK("\x3e\x00\xff\xff\xff\xff\x0f", &in);
	CHECK(in.op == 0x3e && in.a == 0 && in.b == UINT32_MAX, "i64.store32 memarg");
	INSN_BAD("\x36\x02\x82\x80\x80\x80\x40", "integer too large");
	INSN_BAD("\x27\x00\x00", "illegal opcode");

	INSN_OK("\x43\x00\x00\xc0\x7f", &in);
	CHECK(in.imm == 0x7fc00000u, "f32 bits %llx", (unsigned long long)in.imm);
	INSN_OK("\x44\x01\x02\x03\x04\x05\x06\xf8\x7f", &in);
	CHECK(in.imm == 0x7ff8060504030201ull, "f64 bits");
	INSN_BAD("\x43\x00\x00\xc0", "unexpected end");
	INSN_BAD("\x44\x00\x00\x00\x00\x00\x00\x00", "unexpected end");

	/* br_table: targets read back with insn_br_table_target */
	static const uint8_t bt[] = { 0x0e, 0x03, 0x00, 0x81, 0x01, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x05 };
	ep_module m;
	memset(&m, 0, sizeof m);
	m.bytes = (uint8_t *)(uintptr_t)bt;
	m.len = sizeof bt;
	expect_insn(__LINE__, bt, sizeof bt, EP_OK, NULL, &in);
	CHECK(in.count == 3 && in.a == 5 && in.targets_off == 2, "br_table shape");
	size_t p = in.targets_off;
	uint32_t t0 = insn_br_table_target(&m, &p);
	uint32_t t1 = insn_br_table_target(&m, &p);
	uint32_t t2 = insn_br_table_target(&m, &p);
	CHECK(t0 == 0 && t1 == 129 && t2 == UINT32_MAX && p == 10, "br_table targets %u %u %u",
	      t0, t1, t2);
	INSN_OK("\x0e\x00\x02", &in);
	CHECK(in.count == 0 && in.a == 2, "br_table no targets");
	INSN_BAD("\x0e\xff\xff\xff\xff\x0f\x00", "unexpected end");
	INSN_BAD("\x0e\x02\x00", "unexpected end");

	INSN_OK("\x11\x03\x02", &in);
	CHECK(in.a == 3 && in.b == 2, "call_indirect type/table");
	INSN_OK("\x10\x80\x01", &in);
	CHECK(in.op == 0x10 && in.a == 128, "call");
	INSN_OK("\x1c\x01\x7e", &in);
	CHECK(in.count == 1 && in.a == EP_I64, "select t");
	INSN_OK("\x1c\x02\x7f\x7d", &in);
	CHECK(in.count == 2 && in.a == EP_I32, "select t*2 decodes (validate rejects)");
	INSN_OK("\x1c\x00", &in);
	CHECK(in.count == 0, "select t*0 decodes");
	INSN_BAD("\x1c\x01\x40", "malformed value type");
	INSN_BAD("\x1c\xff\xff\xff\xff\x0f", "unexpected end");
	INSN_OK("\xd0\x70", &in);
	CHECK(in.a == EP_FUNCREF, "ref.null func");
	INSN_BAD("\xd0\x7f", "malformed reference type");
	INSN_OK("\xd2\x05", &in);
	CHECK(in.op == 0xd2 && in.a == 5, "ref.func");
	INSN_OK("\x25\x01", &in);
	CHECK(in.op == 0x25 && in.a == 1, "table.get");

	INSN_OK("\x3f\x00", &in);
	INSN_OK("\x40\x00", &in);
	INSN_BAD("\x3f\x01", "zero byte expected");
	INSN_BAD("\x40\x80\x00", "zero byte expected");

	/* 0xFC: the sub-opcode is a u32 LEB */
	for (unsigned sub = 0; sub < 8; sub++) {
		uint8_t b[2] = { 0xfc, (uint8_t)sub };
		expect_insn(__LINE__, b, 2, EP_OK, NULL, &in);
		CHECK(in.op == OP_FC(sub), "trunc_sat %u", sub);
	}
	INSN_OK("\xfc\x80\x00", &in);
	CHECK(in.op == OP_FC(0), "0xfc sub-opcode as 2-byte LEB");
	INSN_OK("\xfc\x08\x03\x00", &in);
	CHECK(in.op == OP_FC(8) && in.a == 3, "memory.init");
	INSN_BAD("\xfc\x08\x03\x01", "zero byte expected");
	INSN_OK("\xfc\x09\x04", &in);
	CHECK(in.op == OP_FC(9) && in.a == 4, "data.drop");
	INSN_OK("\xfc\x0a\x00\x00", &in);
	CHECK(in.op == OP_FC(10), "memory.copy");
	INSN_BAD("\xfc\x0a\x00\x01", "zero byte expected");
	INSN_OK("\xfc\x0b\x00", &in);
	INSN_BAD("\xfc\x0b\x80\x00", "zero byte expected");
	INSN_OK("\xfc\x0c\x02\x01", &in);
	CHECK(in.op == OP_FC(12) && in.a == 2 && in.b == 1, "table.init");
	INSN_OK("\xfc\x0d\x06", &in);
	CHECK(in.op == OP_FC(13) && in.a == 6, "elem.drop");
	INSN_OK("\xfc\x0e\x01\x02", &in);
	CHECK(in.op == OP_FC(14) && in.a == 1 && in.b == 2, "table.copy");
	INSN_OK("\xfc\x0f\x01", &in);
	INSN_OK("\xfc\x10\x01", &in);
	INSN_OK("\xfc\x11\x01", &in);
	CHECK(in.op == OP_FC(17) && in.a == 1, "table.fill");
	INSN_BAD("\xfc\x12", "illegal opcode");
	INSN_BAD("\xfc\xff\xff\xff\xff\x0f", "illegal opcode");
	INSN_BAD("\xfc\xff\xff\xff\xff\x1f", "integer too large");

	/* Every single-byte opcode: the 2.0 set decodes, the rest is illegal. */
	for (unsigned op = 0; op < 256; op++) {
		bool legal = op <= 0x05 || op == 0x0b || (op >= 0x0c && op <= 0x11) ||
		             op == 0x1a || op == 0x1b || op == 0x1c ||
		             (op >= 0x20 && op <= 0x26) || (op >= 0x28 && op <= 0xc4) ||
		             (op >= 0xd0 && op <= 0xd2) || op == 0xfc;
		/* enough zero immediates for any opcode (f64.const needs 8) */
		uint8_t b[12] = { (uint8_t)op };
		if (op == 0x02 || op == 0x03 || op == 0x04)
			b[1] = 0x40;
		if (op == 0x1c) { b[1] = 1; b[2] = 0x7f; }
		if (op == 0xd0)
			b[1] = 0x70;
		ep_error err;
		size_t used;
		ep_status st = insn1(b, sizeof b, &in, &used, &err);
		CHECK((st == EP_OK) == legal, "opcode 0x%02x: status %d", op, (int)st);
		if (st == EP_OK)
			CHECK(in.op == (op == 0xfc ? OP_FC(0) : op) && in.off == 0,
			      "opcode 0x%02x decoded as 0x%x", op, (unsigned)in.op);
		else
			CHECK(strncmp(err.msg, "illegal opcode", 14) == 0 && err.offset == 0,
			      "opcode 0x%02x: %s", op, err.msg);
	}
}

/* ---- crafted modules ---- */

static void test_header_and_sections(void)
{
	bld w;
	EXPECT_S("", EP_ERR_MALFORMED, "unexpected end");
	EXPECT_S("\0as", EP_ERR_MALFORMED, "unexpected end");
	EXPECT_S("\0asm", EP_ERR_MALFORMED, "unexpected end");
	EXPECT_S("\0asm\1\0\0", EP_ERR_MALFORMED, "unexpected end");
	EXPECT_S("\0asn\1\0\0\0", EP_ERR_MALFORMED, "magic header not detected");
	EXPECT_S("\0asm\2\0\0\0", EP_ERR_MALFORMED, "unknown binary version");
	EXPECT_S("\0asm\1\0\0\1", EP_ERR_MALFORMED, "unknown binary version");
	EXPECT_S(HDR, EP_OK, NULL);
	EXPECT_S(HDR "\x0d\x00", EP_ERR_MALFORMED, "malformed section id");
	EXPECT_S(HDR "\x80\x00", EP_ERR_MALFORMED, "malformed section id");
	EXPECT_S(HDR "\x01", EP_ERR_MALFORMED, "unexpected end");
	EXPECT_S(HDR "\x01\x05\x00", EP_ERR_MALFORMED, "length out of bounds");
	EXPECT_S(HDR "\x01\xff\xff\xff\xff\x0f", EP_ERR_MALFORMED, "length out of bounds");
	EXPECT_S(HDR "\x01\x02\x00\x00", EP_ERR_MALFORMED, "section size mismatch");
	/* order: custom anywhere, data count between element and code */
	EXPECT_S(HDR "\x00\x01\x00" "\x01\x01\x00" "\x00\x02\x01\x41" "\x03\x01\x00"
	         "\x09\x01\x00" "\x0c\x01\x00" "\x0a\x01\x00" "\x0b\x01\x00" "\x00\x01\x00",
	         EP_OK, NULL);
	EXPECT_S(HDR "\x03\x01\x00" "\x01\x01\x00", EP_ERR_MALFORMED,
	         "unexpected content after last section");
	EXPECT_S(HDR "\x01\x01\x00" "\x01\x01\x00", EP_ERR_MALFORMED,
	         "unexpected content after last section");
	EXPECT_S(HDR "\x0a\x01\x00" "\x0c\x01\x00", EP_ERR_MALFORMED,
	         "unexpected content after last section");
	EXPECT_S(HDR "\x0c\x01\x00" "\x09\x01\x00", EP_ERR_MALFORMED,
	         "unexpected content after last section");
	EXPECT_S(HDR "\x0b\x01\x00" "\x0a\x01\x00", EP_ERR_MALFORMED,
	         "unexpected content after last section");
	EXPECT_S(HDR "\x08\x01\x00" "\x08\x01\x00", EP_ERR_MALFORMED,
	         "unexpected content after last section");

	/* custom sections: UTF-8 names, content skipped */
	EXPECT_S(HDR "\x00\x06\x03\xe2\x8c\xa3\xff\xff", EP_OK, NULL);
	EXPECT_S(HDR "\x00\x03\x02\xc0\x80", EP_ERR_MALFORMED, "malformed UTF-8 encoding");
	EXPECT_S(HDR "\x00\x04\x03\xed\xa0\x80", EP_ERR_MALFORMED, "malformed UTF-8 encoding");
	EXPECT_S(HDR "\x00\x05\x04\xf4\x90\x80\x80", EP_ERR_MALFORMED, "malformed UTF-8 encoding");
	EXPECT_S(HDR "\x00\x05\x04\xf0\x8f\xbf\xbf", EP_ERR_MALFORMED, "malformed UTF-8 encoding");
	EXPECT_S(HDR "\x00\x03\x02\xe2\x82", EP_ERR_MALFORMED, "malformed UTF-8 encoding");
	EXPECT_S(HDR "\x00\x02\x01\x80", EP_ERR_MALFORMED, "malformed UTF-8 encoding");
	EXPECT_S(HDR "\x00\x02\x01\xff", EP_ERR_MALFORMED, "malformed UTF-8 encoding");
	EXPECT_S(HDR "\x00\x05\x04\xf4\x8f\xbf\xbf", EP_OK, NULL);
	EXPECT_S(HDR "\x00\x00", EP_ERR_MALFORMED, "unexpected end");
	EXPECT_S(HDR "\x00\x02\x05\x41", EP_ERR_MALFORMED, "length out of bounds");

	/* function and code counts */
	header(&w);
	SEC(&w, 1, "\x01\x60\x00\x00");
	SEC(&w, 3, "\x02\x00\x00");
	EXPECT_W(&w, EP_ERR_MALFORMED, "function and code section have inconsistent lengths");
	SEC(&w, 10, "\x01\x02\x00\x0b");
	EXPECT_W(&w, EP_ERR_MALFORMED, "function and code section have inconsistent lengths");
	header(&w);
	SEC(&w, 10, "\x01\x02\x00\x0b");
	EXPECT_W(&w, EP_ERR_MALFORMED, "function and code section have inconsistent lengths");
	header(&w);
	SEC(&w, 3, "\x00");
	SEC(&w, 10, "\x00");
	EXPECT_W(&w, EP_OK, NULL);

	/* data count */
	EXPECT_S(HDR "\x0c\x01\x01", EP_ERR_MALFORMED,
	         "data count and data section have inconsistent lengths");
	EXPECT_S(HDR "\x0c\x01\x00", EP_OK, NULL);
	EXPECT_S(HDR "\x0c\x01\x02" "\x0b\x03\x01\x01\x00", EP_ERR_MALFORMED,
	         "data count and data section have inconsistent lengths");
	EXPECT_S(HDR "\x0c\x01\x01" "\x0b\x03\x01\x01\x00", EP_OK, NULL);
}

static void test_entries(void)
{
	bld w;
	/* types */
	EXPECT_S(HDR "\x01\x04\x01\x61\x00\x00", EP_ERR_MALFORMED, "malformed function type");
	EXPECT_S(HDR "\x01\x05\x01\xe0\x7f\x00\x00", EP_ERR_MALFORMED,
	         "integer representation too long");
	EXPECT_S(HDR "\x01\x05\x01\x60\x01\x7b\x00", EP_ERR_MALFORMED, "malformed value type");
	EXPECT_S(HDR "\x01\x05\x01\x60\x01\x40\x00", EP_ERR_MALFORMED, "malformed value type");
	EXPECT_S(HDR "\x01\x07\x01\x60\x02\x7f\x7e\x00\x00", EP_ERR_MALFORMED,
	         "section size mismatch");

	/* imports: kinds, limits flags, mutability, reference types, names */
	EXPECT_S(HDR "\x02\x04\x01\x00\x00\x04", EP_ERR_MALFORMED, "malformed import kind");
	EXPECT_S(HDR "\x02\x04\x01\x00\x00\x80", EP_ERR_MALFORMED, "malformed import kind");
	EXPECT_S(HDR "\x02\x06\x01\x00\x00\x03\x7f\x02", EP_ERR_MALFORMED, "malformed mutability");
	EXPECT_S(HDR "\x02\x06\x01\x00\x00\x03\x7f\x01", EP_OK, NULL);
	EXPECT_S(HDR "\x02\x07\x01\x00\x00\x01\x7f\x00\x00", EP_ERR_MALFORMED,
	         "malformed reference type");
	EXPECT_S(HDR "\x02\x06\x01\x00\x00\x02\x02\x00", EP_ERR_MALFORMED, "integer too large");
	EXPECT_S(HDR "\x02\x06\x01\x00\x00\x02\x03\x00", EP_ERR_MALFORMED, "integer too large");
	EXPECT_S(HDR "\x02\x07\x01\x00\x00\x02\x81\x00\x00", EP_ERR_MALFORMED,
	         "integer representation too long");
	EXPECT_S(HDR "\x02\x07\x01\x00\x00\x02\x01\x00\x01", EP_OK, NULL);
	EXPECT_S(HDR "\x02\x06\x01\x01\xc0\x00\x00\x00", EP_ERR_MALFORMED,
	         "malformed UTF-8 encoding");
	EXPECT_S(HDR "\x02\x06\x01\x00\x01\xc1\x00\x00", EP_ERR_MALFORMED,
	         "malformed UTF-8 encoding");
	EXPECT_S(HDR "\x02\x06\x01\x00\x09\x00\x00\x00", EP_ERR_MALFORMED, "length out of bounds");

	/* tables, memories, globals */
	EXPECT_S(HDR "\x04\x04\x01\x6f\x00\x00", EP_OK, NULL);
	EXPECT_S(HDR "\x04\x04\x01\x7f\x00\x00", EP_ERR_MALFORMED, "malformed reference type");
	EXPECT_S(HDR "\x05\x02\x01\x02", EP_ERR_MALFORMED, "integer too large");
	EXPECT_S(HDR "\x05\x08\x01\x00\x82\x80\x80\x80\x80\x00", EP_ERR_MALFORMED,
	         "integer representation too long");
	EXPECT_S(HDR "\x05\x07\x01\x00\x82\x80\x80\x80\x70", EP_ERR_MALFORMED, "integer too large");
	EXPECT_S(HDR "\x05\x07\x01\x00\x82\x80\x80\x80\x00", EP_OK, NULL);
	EXPECT_S(HDR "\x06\x06\x01\x7f\x02\x41\x00\x0b", EP_ERR_MALFORMED, "malformed mutability");
	EXPECT_S(HDR "\x06\x06\x01\x7f\x00\x41\x00\x0b", EP_OK, NULL);
	/* constant expressions: any syntax decodes (validate judges), up to the end */
	EXPECT_S(HDR "\x06\x0a\x01\x7f\x00\x41\x00\x41\x01\x6a\x01\x0b", EP_OK, NULL);
	EXPECT_S(HDR "\x06\x08\x01\x7f\x00\x02\x40\x0b\x0b\x0b", EP_ERR_MALFORMED,
	         "section size mismatch");
	EXPECT_S(HDR "\x06\x07\x01\x7f\x00\x02\x40\x0b\x0b", EP_OK, NULL);
	EXPECT_S(HDR "\x06\x05\x01\x7f\x00\x41\x00", EP_ERR_MALFORMED, "unexpected end");
	EXPECT_S(HDR "\x06\x06\x01\x7f\x00\x06\x00\x0b", EP_ERR_MALFORMED, "illegal opcode");
	EXPECT_S(HDR "\x06\x05\x01\x7f\x00\x05\x0b", EP_ERR_MALFORMED, "misplaced ELSE");

	/* exports */
	EXPECT_S(HDR "\x07\x05\x01\x01\x61\x04\x00", EP_ERR_MALFORMED, "malformed export kind");
	EXPECT_S(HDR "\x07\x05\x01\x01\xfe\x00\x00", EP_ERR_MALFORMED, "malformed UTF-8 encoding");

	/* element segments: all eight encodings */
	ep_engine *e = ep_engine_new(NULL, NULL);
	ep_module m;
	ep_error err;
	header(&w);
	SEC(&w, 9, "\x08"
	    "\x00\x41\x01\x0b\x02\x00\x01"                   /* 0: active t0, funcs */
	    "\x01\x00\x01\x02"                               /* 1: passive, funcs */
	    "\x02\x03\x41\x02\x0b\x00\x01\x03"               /* 2: active t3, funcs */
	    "\x03\x00\x00"                                   /* 3: declarative, funcs */
	    "\x04\x41\x00\x0b\x02\xd2\x00\x0b\xd0\x70\x0b"   /* 4: active t0, exprs */
	    "\x05\x6f\x01\xd0\x6f\x0b"                       /* 5: passive externref exprs */
	    "\x06\x01\x41\x00\x0b\x70\x01\xd2\x01\x0b"       /* 6: active t1, exprs */
	    "\x07\x70\x01\xd2\x02\x0b");                     /* 7: declarative exprs */
	ep_status st = decode_keep(e, w.b, w.n, &m, &err);
	CHECK(st == EP_OK, "eight element encodings: %s", st ? err.msg : "ok");
	if (st == EP_OK && m.nelems == 8) {
		elem *el = m.elems;
		CHECK(el[0].mode == SEG_ACTIVE && el[0].table == 0 && el[0].count == 2 &&
		      el[0].funcs && !el[0].exprs && el[0].funcs[1] == 1 &&
		      el[0].reftype == EP_FUNCREF && el[0].offset.len == 3 &&
		      m.bytes[el[0].offset.off] == 0x41, "elem 0");
		CHECK(el[1].mode == SEG_PASSIVE && el[1].count == 1 && el[1].funcs[0] == 2, "elem 1");
		CHECK(el[2].mode == SEG_ACTIVE && el[2].table == 3 && el[2].funcs[0] == 3, "elem 2");
		CHECK(el[3].mode == SEG_DECLARATIVE && el[3].count == 0, "elem 3");
		CHECK(el[4].mode == SEG_ACTIVE && el[4].count == 2 && el[4].exprs && !el[4].funcs &&
		      el[4].exprs[1].len == 3 && m.bytes[el[4].exprs[1].off] == 0xd0, "elem 4");
		CHECK(el[5].mode == SEG_PASSIVE && el[5].reftype == EP_EXTERNREF, "elem 5");
		CHECK(el[6].mode == SEG_ACTIVE && el[6].table == 1 && el[6].exprs[0].len == 3, "elem 6");
		CHECK(el[7].mode == SEG_DECLARATIVE && el[7].count == 1, "elem 7");
	}
	module_release(&m);
	CHECK(ep_engine_bytes(e) == 0, "elem release leak");
	ep_engine_free(e);
	EXPECT_S(HDR "\x09\x03\x01\x08\x00", EP_ERR_MALFORMED, "malformed elements segment kind");
	EXPECT_S(HDR "\x09\x04\x01\x01\x01\x00", EP_ERR_MALFORMED, "malformed element kind");
	EXPECT_S(HDR "\x09\x07\x01\x05\x7f\x01\xd2\x00\x0b", EP_ERR_MALFORMED,
	         "malformed reference type");
	EXPECT_S(HDR "\x09\x07\x01\x05\x70\x01\xf3\x00\x0b", EP_ERR_MALFORMED, "illegal opcode");

	/* data segments */
	e = ep_engine_new(NULL, NULL);
	header(&w);
	SEC(&w, 11, "\x03"
	    "\x00\x41\x04\x0b\x02" "hi"
	    "\x01\x03" "abc"
	    "\x82\x00\x01\x41\x00\x0b\x00");
	st = decode_keep(e, w.b, w.n, &m, &err);
	CHECK(st == EP_OK, "data segments: %s", st ? err.msg : "ok");
	if (st == EP_OK && m.ndatas == 3) {
		data *d = m.datas;
		CHECK(d[0].mode == SEG_ACTIVE && d[0].mem == 0 && d[0].len == 2 &&
		      memcmp(m.bytes + d[0].off, "hi", 2) == 0 && d[0].offset.len == 3, "data 0");
		CHECK(d[1].mode == SEG_PASSIVE && d[1].len == 3 &&
		      memcmp(m.bytes + d[1].off, "abc", 3) == 0, "data 1");
		CHECK(d[2].mode == SEG_ACTIVE && d[2].mem == 1 && d[2].len == 0, "data 2");
	}
	module_release(&m);
	CHECK(ep_engine_bytes(e) == 0, "data release leak");
	ep_engine_free(e);
	EXPECT_S(HDR "\x0b\x03\x01\x03\x00", EP_ERR_MALFORMED, "malformed data segment kind");
	EXPECT_S(HDR "\x0b\x04\x01\x01\x05\x61", EP_ERR_MALFORMED, "unexpected end");
	EXPECT_S(HDR "\x0b\x04\x01\x01\x01\x61" "\x00\x01\x00", EP_OK, NULL);
}

static void test_bodies(void)
{
	bld w;
	ONE_FUNC(&w, "\x00\x0b");
	EXPECT_W(&w, EP_OK, NULL);
	ONE_FUNC(&w, "\x00\x02\x40\x03\x7f\x41\x00\x0b\x1a\x0b\x0b");
	EXPECT_W(&w, EP_OK, NULL);
	ONE_FUNC(&w, "\x00\x41\x00\x04\x40\x05\x0b\x0b");
	EXPECT_W(&w, EP_OK, NULL);
	ONE_FUNC(&w, "\x00\x41\x00\x04\x40\x05\x05\x0b\x0b");
	EXPECT_W(&w, EP_ERR_MALFORMED, "misplaced ELSE");
	ONE_FUNC(&w, "\x00\x02\x40\x05\x0b\x0b");
	EXPECT_W(&w, EP_ERR_MALFORMED, "misplaced ELSE");
	ONE_FUNC(&w, "\x00\x05\x0b");
	EXPECT_W(&w, EP_ERR_MALFORMED, "misplaced ELSE");
	/* an else belongs to the innermost if only */
	ONE_FUNC(&w, "\x00\x41\x00\x04\x40\x02\x40\x05\x0b\x0b\x0b");
	EXPECT_W(&w, EP_ERR_MALFORMED, "misplaced ELSE");
	/* the body must end exactly with the end that closes the function */
	ONE_FUNC(&w, "\x00\x0b\x0b");
	EXPECT_W(&w, EP_ERR_MALFORMED, "section size mismatch");
	ONE_FUNC(&w, "\x00\x01");
	EXPECT_W(&w, EP_ERR_MALFORMED, "unexpected end");
	ONE_FUNC(&w, "\x00\x02\x40\x0b");
	EXPECT_W(&w, EP_ERR_MALFORMED, "unexpected end");
	ONE_FUNC(&w, "\x00\x41");
	EXPECT_W(&w, EP_ERR_MALFORMED, "unexpected end");
	ONE_FUNC(&w, "");
	EXPECT_W(&w, EP_ERR_MALFORMED, "unexpected end");
	/* missing end between two functions */
	header(&w);
	SEC(&w, 1, "\x01\x60\x00\x00");
	SEC(&w, 3, "\x02\x00\x00");
	SEC(&w, 10, "\x02\x04\x00\x41\x01\x1a\x05\x00\x41\x01\x1a\x0b");
	EXPECT_W(&w, EP_ERR_MALFORMED, "END opcode expected");
	/* missing end, more sections follow */
	header(&w);
	SEC(&w, 1, "\x01\x60\x00\x00");
	SEC(&w, 3, "\x01\x00");
	SEC(&w, 10, "\x01\x02\x00\x01");
	SEC(&w, 0, "\x01\x61");
	EXPECT_W(&w, EP_ERR_MALFORMED, "section size mismatch");
	/* deep nesting grows the frame stack */
	{
		bld b;
		b.n = 0;
		put(&b, "\x00", 1);
		for (int i = 0; i < 3000; i++)
			put(&b, "\x02\x40", 2);
		for (int i = 0; i < 3000; i++)
			put(&b, "\x0b", 1);
		put(&b, "\x0b", 1);
		one_func(&w, b.b, b.n);
		expect(__LINE__, w.b, w.n, EP_OK, NULL);
		b.n--;
		one_func(&w, b.b, b.n);
		expect(__LINE__, w.b, w.n, EP_ERR_MALFORMED, "unexpected end");
	}

	ONE_FUNC(&w, "\x00\x06\x0b");
	EXPECT_W(&w, EP_ERR_MALFORMED, "illegal opcode");
	ONE_FUNC(&w, "\x00\xfd\x0c\x0b");
	EXPECT_W(&w, EP_ERR_MALFORMED, "illegal opcode");
	ONE_FUNC(&w, "\x00\x3f\x01\x1a\x0b");
	EXPECT_W(&w, EP_ERR_MALFORMED, "zero byte expected");
	ONE_FUNC(&w, "\x00\x3f\x80\x00\x1a\x0b");
	EXPECT_W(&w, EP_ERR_MALFORMED, "zero byte expected");

	/* locals */
	ONE_FUNC(&w, "\x03\x00\x7f\x00\x7e\x02\x7d\x0b");
	EXPECT_W(&w, EP_OK, NULL);
	ONE_FUNC(&w, "\x01\x01\x40\x0b");
	EXPECT_W(&w, EP_ERR_MALFORMED, "malformed value type");
	ONE_FUNC(&w, "\x01\x80\x80\x80\x80\x10\x7f\x0b");
	EXPECT_W(&w, EP_ERR_MALFORMED, "integer too large");
	ONE_FUNC(&w, "\x02\xff\xff\xff\xff\x0f\x7f\x02\x7e\x0b");
	EXPECT_W(&w, EP_ERR_MALFORMED, "too many locals");
	ONE_FUNC(&w, "\x04\x80\x80\x80\x80\x04\x7f\x80\x80\x80\x80\x04\x7e"
	         "\x80\x80\x80\x80\x04\x7d\x80\x80\x80\x80\x04\x7c\x0b");
	EXPECT_W(&w, EP_ERR_MALFORMED, "too many locals");
	/* well-formed but above our cap: a limit, not malformed, no big allocation */
	ONE_FUNC(&w, "\x01\xff\xff\xff\xff\x0f\x7f\x0b");
	EXPECT_W(&w, EP_ERR_LIMIT, "too many locals");
	/* ... and a malformed body still wins over the limit */
	ONE_FUNC(&w, "\x01\xff\xff\xff\xff\x0f\x7f\x06\x0b");
	EXPECT_W(&w, EP_ERR_MALFORMED, "illegal opcode");
	ONE_FUNC(&w, "\x02\xd1\x86\x03\x7f\x01\x7e\x0b");     /* 50001 */
	EXPECT_W(&w, EP_ERR_LIMIT, "too many locals");
	{
		ep_engine *e = ep_engine_new(NULL, NULL);
		ep_module m;
		ep_error err;
		ONE_FUNC(&w, "\x02\xcf\x86\x03\x7f\x01\x7e\x0b");   /* 49999 + 1 */
		ep_status st = decode_keep(e, w.b, w.n, &m, &err);
		CHECK(st == EP_OK, "50000 locals: %s", st ? err.msg : "ok");
		if (st == EP_OK)
			CHECK(m.funcs[0].nlocals == 50000 && m.funcs[0].local_types[0] == EP_I32 &&
			      m.funcs[0].local_types[49998] == EP_I32 &&
			      m.funcs[0].local_types[49999] == EP_I64, "50000 locals laid out");
		module_release(&m);
		CHECK(ep_engine_bytes(e) == 0, "locals leak");
		ep_engine_free(e);
	}

	/* memory.init / data.drop need the data count section when there are
	 * data segments (without any, validate reports the unknown segment) */
	header(&w);
	SEC(&w, 1, "\x01\x60\x00\x00");
	SEC(&w, 3, "\x01\x00");
	SEC(&w, 5, "\x01\x00\x00");
	SEC(&w, 10, "\x01\x05\x00\xfc\x09\x00\x0b");
	EXPECT_W(&w, EP_OK, NULL);
	SEC(&w, 11, "\x01\x01\x00");
	EXPECT_W(&w, EP_ERR_MALFORMED, "data count section required");
	header(&w);
	SEC(&w, 1, "\x01\x60\x00\x00");
	SEC(&w, 3, "\x01\x00");
	SEC(&w, 5, "\x01\x00\x00");
	SEC(&w, 12, "\x01");
	SEC(&w, 10, "\x01\x0c\x00\x41\x00\x41\x00\x41\x00\xfc\x08\x00\x00\x0b");
	SEC(&w, 11, "\x01\x01\x00");
	EXPECT_W(&w, EP_OK, NULL);
}

/* Counts far beyond the bytes that follow must fail before allocating. */
static void test_hostile_counts(void)
{
	EXPECT_S(HDR "\x01\x05\xff\xff\xff\xff\x0f", EP_ERR_MALFORMED, "unexpected end");
	EXPECT_S(HDR "\x02\x05\xff\xff\xff\xff\x0f", EP_ERR_MALFORMED, "unexpected end");
	EXPECT_S(HDR "\x03\x05\xff\xff\xff\xff\x0f", EP_ERR_MALFORMED, "unexpected end");
	EXPECT_S(HDR "\x04\x05\xff\xff\xff\xff\x0f", EP_ERR_MALFORMED, "unexpected end");
	EXPECT_S(HDR "\x05\x05\xff\xff\xff\xff\x0f", EP_ERR_MALFORMED, "unexpected end");
	EXPECT_S(HDR "\x06\x05\xff\xff\xff\xff\x0f", EP_ERR_MALFORMED, "unexpected end");
	EXPECT_S(HDR "\x07\x05\xff\xff\xff\xff\x0f", EP_ERR_MALFORMED, "unexpected end");
	EXPECT_S(HDR "\x09\x05\xff\xff\xff\xff\x0f", EP_ERR_MALFORMED, "unexpected end");
	EXPECT_S(HDR "\x0b\x05\xff\xff\xff\xff\x0f", EP_ERR_MALFORMED, "unexpected end");
	EXPECT_S(HDR "\x0a\x05\xff\xff\xff\xff\x0f", EP_ERR_MALFORMED,
	         "function and code section have inconsistent lengths");
	EXPECT_S(HDR "\x01\x08\x01\x60\xff\xff\xff\xff\x0f\x00", EP_ERR_MALFORMED,
	         "unexpected end");
	EXPECT_S(HDR "\x09\x08\x01\x01\x00\xff\xff\xff\xff\x0f", EP_ERR_MALFORMED,
	         "unexpected end");
	EXPECT_S(HDR "\x09\x08\x01\x05\x70\xff\xff\xff\xff\x0f", EP_ERR_MALFORMED,
	         "unexpected end");
	EXPECT_S(HDR "\x0b\x07\x01\x01\xff\xff\xff\xff\x0f", EP_ERR_MALFORMED, "unexpected end");
	EXPECT_S(HDR "\x02\x08\x01\xff\xff\xff\xff\x0f\x00\x00", EP_ERR_MALFORMED,
	         "length out of bounds");
	bld w;
	ONE_FUNC(&w, "\xff\xff\xff\xff\x0f\x7f\x0b");
	EXPECT_W(&w, EP_ERR_MALFORMED, "unexpected end");
	ONE_FUNC(&w, "\x00\x41\x00\x0e\xff\xff\xff\xff\x0f\x00\x0b");
	EXPECT_W(&w, EP_ERR_MALFORMED, "unexpected end");
	ONE_FUNC(&w, "\x00\x1c\xff\xff\xff\xff\x0f\x7f\x0b");
	EXPECT_W(&w, EP_ERR_MALFORMED, "unexpected end");
	/* code entry size beyond the section */
	header(&w);
	SEC(&w, 1, "\x01\x60\x00\x00");
	SEC(&w, 3, "\x01\x00");
	SEC(&w, 10, "\x01\xff\xff\xff\xff\x0f\x00\x0b");
	EXPECT_W(&w, EP_ERR_MALFORMED, "length out of bounds");

	/* Many functions, each declaring the most locals we accept: a byte
	 * limit on the engine turns the amplification into a clean refusal. */
	header(&w);
	SEC(&w, 1, "\x01\x60\x00\x00");
	bld f, c;
	f.n = c.n = 0;
	put_u32(&f, 200);
	put_u32(&c, 200);
	for (int i = 0; i < 200; i++) {
		put(&f, "\x00", 1);
		put(&c, "\x06\x01\xd0\x86\x03\x7f\x0b", 7);
	}
	section(&w, 3, f.b, f.n);
	section(&w, 10, c.b, c.n);
	ep_engine *e = ep_engine_new(NULL, NULL);
	ep_engine_set_byte_limit(e, 1 << 20);
	ep_module m;
	ep_error err;
	ep_status st = decode_keep(e, w.b, w.n, &m, &err);
	CHECK(st == EP_ERR_NOMEM, "locals amplification under a byte limit: %d", (int)st);
	module_release(&m);
	CHECK(ep_engine_bytes(e) == 0 && ep_engine_peak_bytes(e) <= (1 << 20),
	      "byte limit respected: %zu", ep_engine_peak_bytes(e));
	ep_engine_free(e);
}

/* ---- the real module ---- */

/* Every body re-decodes instruction by instruction to exactly its end. */
static bool bodies_redecode(const ep_module *m)
{
	for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++) {
		const func *f = &m->funcs[i];
		size_t pos = f->body_off, end = f->body_off + f->body_len;
		if (f->body_len == 0 || m->bytes[end - 1] != 0x0b)
			return false;
		insn in;
		while (pos < end)
			if (insn_decode(m, &pos, end, &in, i, NULL) != EP_OK)
				return false;
		if (pos != end || in.op != 0x0b)
			return false;
	}
	return true;
}

static void test_real_module(void)
{
	ep_engine *e = ep_engine_new(NULL, NULL);
	ep_module m;
	ep_error err;
	ep_status st = decode_keep(e, real_wasm, sizeof real_wasm, &m, &err);
	CHECK(st == EP_OK, "real module: %s", st ? err.msg : "ok");
	if (st == EP_OK) {
		CHECK(m.ntypes == 4 && m.types[0].nparams == 2 && m.types[0].nresults == 1 &&
		      m.types[0].types[0] == EP_I32 && m.types[0].types[2] == EP_I32, "types");
		CHECK(m.nimports == 4 && strcmp(m.imports[0].module, "env") == 0 &&
		      m.imports[0].module_len == 3 && strcmp(m.imports[0].name, "add") == 0 &&
		      m.imports[0].kind == EP_EXTERN_FUNC && m.imports[1].kind == EP_EXTERN_GLOBAL &&
		      m.imports[1].of.global.mut && m.imports[2].of.mem.has_max &&
		      m.imports[2].of.mem.max == 2 && m.imports[3].of.table.lim.min == 2, "imports");
		CHECK(m.nfuncs == 5 && m.nfunc_imports == 1 && m.funcs[0].type == 0 &&
		      m.funcs[0].body_len == 0, "function space");
		CHECK(m.ntables == 2 && m.ntable_imports == 1 && m.tables[0].reftype == EP_FUNCREF &&
		      m.tables[1].reftype == EP_EXTERNREF && m.tables[1].lim.min == 3, "tables");
		CHECK(m.nmems == 1 && m.nmem_imports == 1 && m.mems[0].min == 1, "memories");
		CHECK(m.nglobals == 3 && m.nglobal_imports == 1 && m.globals[0].type.mut &&
		      m.globals[1].type.valtype == EP_I64 && !m.globals[1].type.mut &&
		      m.globals[2].type.valtype == EP_F64 && m.globals[2].init.len == 10, "globals");
		const func *fac = &m.funcs[1];
		CHECK(fac->nlocals == 4 && fac->local_types[0] == EP_I32 &&
		      fac->local_types[1] == EP_I64 && fac->local_types[3] == EP_F32, "fac locals");
		CHECK(fac->entry_off < fac->body_off && m.funcs[2].entry_off ==
		      fac->body_off + fac->body_len, "body extents");
		CHECK(m.nexports == 5 && strcmp(m.exports[0].name, "fac") == 0 &&
		      m.exports[0].kind == EP_EXTERN_FUNC && m.exports[0].index == 1 &&
		      m.exports[4].kind == EP_EXTERN_TABLE && m.exports[4].index == 1, "exports");
		CHECK(m.has_start && m.start == 4, "start");
		CHECK(m.nelems == 3 && m.elems[0].mode == SEG_ACTIVE && m.elems[0].count == 2 &&
		      m.elems[1].mode == SEG_PASSIVE && m.elems[2].mode == SEG_DECLARATIVE, "elems");
		CHECK(m.has_datacount && m.datacount == 2 && m.ndatas == 2 &&
		      m.datas[0].len == 5 && memcmp(m.bytes + m.datas[0].off, "hello", 5) == 0 &&
		      m.datas[1].mode == SEG_PASSIVE, "datas");
		CHECK(bodies_redecode(&m), "bodies re-decode");
	}
	module_release(&m);
	CHECK(ep_engine_bytes(e) == 0, "real module leak");
	ep_engine_free(e);
}

/* Byte offsets where a prefix of the real module is a whole module. */
static bool at_section_boundary(size_t k)
{
	size_t p = 8;
	while (p < k) {
		p++;
		uint32_t size = 0;
		for (unsigned shift = 0; shift < 35; shift += 7) {
			uint8_t b = real_wasm[p++];
			size |= (uint32_t)(b & 0x7f) << shift;
			if (!(b & 0x80))
				break;
		}
		p += size;
	}
	return p == k;
}

static void test_truncations(void)
{
	int boundaries = 0;
	for (size_t k = 0; k < sizeof real_wasm; k++) {
		ep_error err;
		ep_status st = decode_only(__LINE__, real_wasm, k, &err, NULL);
		if (at_section_boundary(k)) {
			boundaries++;
			CHECK(st == EP_OK || st == EP_ERR_MALFORMED, "prefix %zu: %d", k, (int)st);
		} else {
			CHECK(st == EP_ERR_MALFORMED, "prefix %zu accepted (%d)", k, (int)st);
			CHECK(err.offset <= k, "prefix %zu: error offset %zu", k, err.offset);
		}
	}
	CHECK(boundaries == 12, "%d section boundaries", boundaries);
}

/* Single-byte corruptions and random multi-byte ones: never a crash (the
 * sanitizer build watches), never a leak, only the documented statuses, and
 * whatever decodes has bodies that re-decode exactly. */
static void test_corruptions(void)
{
	static uint8_t buf[sizeof real_wasm];
	static const uint8_t vals[] = { 0x00, 0x01, 0x0b, 0x40, 0x7f, 0x80, 0xff };
	unsigned ok = 0, bad = 0;
	uint32_t seed = 12345;
	ep_engine *e = ep_engine_new(NULL, NULL);
	for (unsigned iter = 0; iter < sizeof real_wasm * (8 + sizeof vals) + 20000; iter++) {
		memcpy(buf, real_wasm, sizeof buf);
		size_t n = sizeof buf;
		unsigned single = sizeof real_wasm * (8 + sizeof vals);
		if (iter < sizeof real_wasm * 8) {
			buf[iter / 8] ^= (uint8_t)(1u << (iter % 8));
		} else if (iter < single) {
			unsigned j = iter - sizeof real_wasm * 8;
			buf[j / sizeof vals] = vals[j % sizeof vals];
		} else {
			for (int k = 0; k < 4; k++) {
				seed = seed * 1103515245u + 12345u;
				size_t at = (seed >> 8) % n;
				seed = seed * 1103515245u + 12345u;
				buf[at] = (uint8_t)(seed >> 16);
			}
			seed = seed * 1103515245u + 12345u;
			if ((seed >> 8) % 4 == 0)
				n = (seed >> 12) % n;
		}
		ep_module m;
		ep_error err;
		ep_status st = decode_keep(e, buf, n, &m, &err);
		if (st == EP_OK) {
			ok++;
			if (!bodies_redecode(&m))
				CHECK(false, "corruption %u: bodies do not re-decode", iter);
		} else if (st == EP_ERR_MALFORMED || st == EP_ERR_LIMIT) {
			bad++;
			if (err.offset > n)
				CHECK(false, "corruption %u: offset %zu beyond %zu", iter, err.offset, n);
		} else {
			CHECK(false, "corruption %u: status %d (%s)", iter, (int)st, err.msg);
		}
		module_release(&m);
		if (ep_engine_bytes(e) != 0) {
			CHECK(false, "corruption %u: leak %zu", iter, ep_engine_bytes(e));
			break;
		}
	}
	CHECK(ok > 0 && bad > 0, "corruptions: %u decoded, %u rejected", ok, bad);
	ep_engine_free(e);
}

/* ---- allocator refusal and the public API ---- */

static void test_alloc_failures(void)
{
	long n;
	bool done = false;
	for (n = 1; n < 100000 && !done; n++) {
		failer f = { 0, 0, false };
		ep_engine *e = ep_engine_new(failing_alloc, &f);
		f.calls = 0;
		f.fail_at = n;
		ep_module *m = NULL;
		ep_error err;
		ep_status st = ep_module_load(e, real_wasm, sizeof real_wasm, &m, &err);
		if (st == EP_OK) {
			done = true;
			CHECK(!f.failed, "load succeeded although allocation %ld was refused", n);
			CHECK(m != NULL, "module");
			ep_module_free(m);
		} else {
			CHECK(st == EP_ERR_NOMEM && f.failed && m == NULL,
			      "refusal at %ld: status %d (%s)", n, (int)st, err.msg);
		}
		CHECK(ep_engine_bytes(e) == 0, "refusal at %ld: %zu bytes left", n,
		      ep_engine_bytes(e));
		ep_engine_free(e);
	}
	CHECK(done, "load never succeeded");
	if (getenv("VERBOSE"))
		printf("allocator refusal: %ld allocation points\n", n - 2);
}

/* ---- the order of errors when bodies are typed as they are read ---- */

typedef struct body {
	const char *b;
	size_t n;
} body;
#define BODY(s) { (s), sizeof(s) - 1 }

/*
 * Type () -> (), n functions with these bodies (locals and code), and a
 * memory, export and data section when given; ep_module_load must fail with
 * want (or succeed) at want_off within the code section's contents (SIZE_MAX:
 * not checked), for function want_func, with want_msg in its message.
 */
static void load_order(int line, const body *bodies, uint32_t n, const char *mem,
                       const char *exports, size_t exports_n, const char *datas, size_t datas_n,
                       ep_status want, size_t want_off, uint32_t want_func, const char *want_msg)
{
	bld w, c, f;
	header(&w);
	SEC(&w, 1, "\x01\x60\x00\x00");
	f.n = 0;
	put_u32(&f, n);
	for (uint32_t i = 0; i < n; i++)
		put(&f, "\x00", 1);
	section(&w, 3, f.b, f.n);
	if (mem)
		section(&w, 5, mem, 3);
	if (exports)
		section(&w, 7, exports, exports_n);
	c.n = 0;
	put_u32(&c, n);
	for (uint32_t i = 0; i < n; i++) {
		put_u32(&c, (uint32_t)bodies[i].n);
		put(&c, bodies[i].b, bodies[i].n);
	}
	section(&w, 10, c.b, c.n);
	size_t code_at = w.n - c.n;
	if (datas)
		section(&w, 11, datas, datas_n);
	ep_engine *e = ep_engine_new(NULL, NULL);
	ep_module *m = NULL;
	ep_error err;
	ep_status st = ep_module_load(e, w.b, w.n, &m, &err);
	bool ok = st == want;
	if (ok && st != EP_OK)
		ok = (want_off == SIZE_MAX || err.offset == code_at + want_off) &&
		     err.func == want_func && strstr(err.msg, want_msg) != NULL;
	check(ok, line, "one pass: %s at %zu (func %u): %s; want %s at %zu (func %u): %s",
	      ep_status_name(st), st ? err.offset - code_at : 0, st ? err.func : 0,
	      st ? err.msg : "", ep_status_name(want), want_off, want_func, want_msg);
	ep_module_free(m);
	CHECK(ep_engine_bytes(e) == 0, "one pass: line %d leaves nothing", line);
	ep_engine_free(e);
}

static void test_one_pass_order(void)
{
	/* Offsets are within the code section's contents: its count is one
	 * byte, each entry's size one byte. */
	static const body invalid_then_malformed[] = {
		BODY("\x00\x6a\x0b"),             /* i32.add on an empty stack */
		BODY("\x00\x01\xff\x0b"),         /* illegal opcode */
	};
	load_order(__LINE__, invalid_then_malformed, 2, NULL, NULL, 0, NULL, 0,
	           EP_ERR_MALFORMED, 1 + 4 + 1 + 2, 1, "illegal opcode 0xff");
	/* Invalid, then malformed later in the same body. */
	static const body same_body[] = { BODY("\x00\x6a\x01\xff\x0b") };
	load_order(__LINE__, same_body, 1, NULL, NULL, 0, NULL, 0,
	           EP_ERR_MALFORMED, 1 + 1 + 1 + 2, 0, "illegal opcode 0xff");
	/* Invalid body, then no final end in the next. */
	static const body no_end[] = { BODY("\x00\x6a\x0b"), BODY("\x00\x01") };
	load_order(__LINE__, no_end, 2, NULL, NULL, 0, NULL, 0,
	           EP_ERR_MALFORMED, 1 + 4 + 1 + 2, 1, "unexpected end");
	/* Invalid body, then a malformed data section. */
	static const body one_invalid[] = { BODY("\x00\x6a\x0b") };
	load_order(__LINE__, one_invalid, 1, NULL, NULL, 0, "\x01\x03", 2,
	           EP_ERR_MALFORMED, SIZE_MAX, UINT32_MAX, "malformed data segment kind");
	/* Invalid body, then an invalid data segment: the segment comes first
	 * in the spec's order. */
	load_order(__LINE__, one_invalid, 1, NULL, NULL, 0, "\x01\x00\x41\x00\x0b\x00", 6,
	           EP_ERR_INVALID, SIZE_MAX, UINT32_MAX, "unknown memory 0");
	/* An invalid export before an invalid body. */
	load_order(__LINE__, one_invalid, 1, NULL, "\x01\x01x\x00\x05", 5, NULL, 0,
	           EP_ERR_INVALID, SIZE_MAX, UINT32_MAX, "unknown function 5");
	/* The first invalid body of several, with the features of the valid
	 * ones noted along the way. */
	static const body second_invalid[] = {
		BODY("\x00\x41\x01\xc0\x1a\x0b"), BODY("\x00\x41\x01\x1a\x1a\x0b"),
		BODY("\x00\x6a\x0b"),
	};
	load_order(__LINE__, second_invalid, 3, NULL, NULL, 0, NULL, 0,
	           EP_ERR_INVALID, 1 + 7 + 1 + 4, 1, "type mismatch");
	/* All valid: immediates of one to five LEB128 bytes and near the end. */
	static const body valid[] = {
		BODY("\x00\x41\xff\xff\xff\xff\x07\x1a\x41\x80\x01\x1a\x0b"),
		BODY("\x01\x01\x7f\x20\x80\x00\x21\x00\x41\xc0\xbb\x78\x1a\x0b"),
		BODY("\x00\x41\x00\x28\x02\x80\x80\x04\x1a\x0b"),
	};
	load_order(__LINE__, valid, 3, "\x01\x00\x01", NULL, 0, NULL, 0, EP_OK, 0, 0, "");
	/* A five-byte LEB that is too large, and an alignment over natural
	 * behind a multi-byte offset. */
	static const body too_large[] = { BODY("\x00\x41\xff\xff\xff\xff\x0f\x1a\x0b") };
	load_order(__LINE__, too_large, 1, NULL, NULL, 0, NULL, 0,
	           EP_ERR_MALFORMED, 1 + 1 + 1 + 5, 0, "integer too large");
	static const body align[] = { BODY("\x00\x41\x00\x28\x03\x80\x80\x04\x1a\x0b") };
	load_order(__LINE__, align, 1, "\x01\x00\x01", NULL, 0, NULL, 0,
	           EP_ERR_INVALID, 1 + 1 + 1 + 2, 0, "alignment must not be larger than natural");
}

static void test_public_api(void)
{
	ep_engine *e = ep_engine_new(NULL, NULL);
	ep_module *m = NULL;
	ep_error err;
	ep_status st = ep_module_load(e, real_wasm, sizeof real_wasm, &m, &err);
	CHECK(st == EP_OK, "load real module: %s", st ? err.msg : "ok");
	if (st == EP_OK) {
		CHECK(ep_module_import_count(m) == 4, "import count");
		const char *mod, *name;
		size_t ml, nl;
		uint8_t kind;
		ep_module_import(m, 0, &mod, &ml, &name, &nl, &kind);
		CHECK(strcmp(mod, "env") == 0 && ml == 3 && strcmp(name, "add") == 0 && nl == 3 &&
		      kind == EP_EXTERN_FUNC, "import 0");
		ep_module_import(m, 2, &mod, &ml, &name, &nl, &kind);
		CHECK(strcmp(name, "mem") == 0 && kind == EP_EXTERN_MEMORY, "import 2");
		ep_module_import(m, 99, &mod, &ml, &name, &nl, &kind);
		CHECK(mod == NULL && name == NULL && ml == 0, "import out of range");
		ep_functype ft;
		CHECK(ep_module_import_functype(m, 0, &ft) == 1 && ft.nparams == 2 &&
		      ft.nresults == 1 && ft.params[1] == EP_I32 && ft.results[0] == EP_I32,
		      "import functype");
		CHECK(ep_module_import_functype(m, 1, &ft) == 0, "global import has no functype");
		CHECK(ep_module_export_count(m) == 5, "export count");
		ep_module_export(m, 1, &name, &nl, &kind);
		CHECK(strcmp(name, "sw") == 0 && nl == 2 && kind == EP_EXTERN_FUNC, "export 1");
		ep_module_export(m, 3, &name, &nl, &kind);
		CHECK(strcmp(name, "g") == 0 && kind == EP_EXTERN_GLOBAL, "export 3");
		ep_module_free(m);
	}
	CHECK(ep_engine_bytes(e) == 0, "public load leak");

	/* failures leave nothing behind and say where */
	static const uint8_t bad[] = { 0, 'a', 's', 'm', 1, 0, 0, 0, 0x05, 0x02, 0x01, 0x02 };
	m = (ep_module *)&err;
	st = ep_module_load(e, bad, sizeof bad, &m, &err);
	CHECK(st == EP_ERR_MALFORMED && m == NULL && err.status == EP_ERR_MALFORMED &&
	      err.offset == 11 && err.func == UINT32_MAX, "malformed load: %d at %zu",
	      (int)st, err.offset);
	CHECK(ep_engine_bytes(e) == 0, "malformed load leak");
	st = ep_module_load(e, NULL, 0, &m, &err);
	CHECK(st == EP_ERR_MALFORMED, "empty load");
	st = ep_module_load(e, NULL, 5, &m, &err);
	CHECK(st == EP_ERR_ARG, "NULL bytes");
	st = ep_module_load(e, bad, sizeof bad, NULL, &err);
	CHECK(st == EP_ERR_ARG, "NULL out");
	st = ep_module_load(e, bad, sizeof bad, &m, NULL);
	CHECK(st == EP_ERR_MALFORMED, "NULL err");
	ep_module_free(NULL);
	CHECK(ep_engine_bytes(e) == 0, "argument checks leak");

	/* body errors name the function */
	bld w;
	ONE_FUNC(&w, "\x00\x06\x0b");
	st = ep_module_load(e, w.b, w.n, &m, &err);
	CHECK(st == EP_ERR_MALFORMED && err.func == 0 && err.offset == w.n - 2,
	      "body error at func %u offset %zu", (unsigned)err.func, err.offset);
	ep_engine_free(e);
}

int main(void)
{
	test_leb();
	test_immediates();
	test_header_and_sections();
	test_entries();
	test_bodies();
	test_hostile_counts();
	test_real_module();
	test_truncations();
	test_corruptions();
	test_alloc_failures();
	test_public_api();
	test_one_pass_order();
	return check_summary();
}
