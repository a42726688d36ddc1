/*
 * test_lower.c - lowering's rewrites checked against C, through the public
 * API only. lower.c
 * - folds a constant right operand into an immediate and rewrites the
 *   forms without a handler to neighbouring ones (x <= c as x < c + 1,
 *   x >= c as x > c - 1, x - c as x + -c, x rotr c as x rotl (32 - c));
 * - fuses a comparison that only feeds an if or a br_if into the jump,
 *   inverted for the if, and so a loop's step and test (i += imm;
 *   br_if i), a masked value tested against another ((x & imm) != y) and
 *   a bit test (x & imm as a condition);
 * - fuses shift idioms: (x << 16) >> 16 as one sign extension, and
 *   (x >> k) & m, c + (x << k), y ^ (x << k), y ^ (x >> k),
 *   y ^ (x rotl k) and x ^ y ^ z as one op each;
 * - fuses loads and stores: a load from c + (x << k), whose bounds check
 *   must still trap every address past the memory; a value loaded and
 *   stepped (mem[x] + imm) or added (mem[x] + y); an f64 loaded and
 *   added; a store of a constant, which the op holds;
 * - fuses a product added (x * c + y);
 * - has the op that computes a returned result write the result slot
 *   itself (every value form checks that).
 * Each export of tests/unit/lower/immforms.wat computes one such x OP c
 * (its name says which, and whether as a value, an if or a br_if); here
 * every one runs on x around c and around the ends of its type, against
 * the result C computes. argv[1] is where the fixture was built.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edgeplug.h"
#include "check.h"

#define OOB INT64_MIN   /* expect: an out-of-bounds trap */

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		FATAL(path, "cannot open");
	static uint8_t buf[1 << 16];
	*len = fread(buf, 1, sizeof buf, f);
	if (!feof(f))
		FATAL(path, "over 64 KiB");
	fclose(f);
	return buf;
}

static uint32_t rotr32(uint32_t x, uint32_t k)
{
	k &= 31;
	return k ? x >> k | x << (32 - k) : x;
}

/* The fixture's memory: byte i is 7 i + 3 for i < 256, then 0, one page. */
static int64_t load(uint64_t ea, unsigned width)
{
	if (ea + width > 65536)
		return OOB;
	uint32_t v = 0;
	for (unsigned i = 0; i < width; i++)
		v |= (uint32_t)(ea + i < 256 ? (uint8_t)((ea + i) * 7 + 3) : 0) << (8 * i);
	return (int32_t)v;
}

/* What export "T OP C FORM" returns for x (i64 results folded to 32 bits
 * as the fixture folds them: the low half xor the high half), or OOB. */
static int64_t expect(const char *t, const char *op, int64_t c, int64_t x)
{
	bool wide = strcmp(t, "i64") == 0;
	int64_t sx = wide ? x : (int32_t)x, sc = wide ? c : (int32_t)c;
	uint64_t ux = wide ? (uint64_t)x : (uint32_t)x, uc = wide ? (uint64_t)c : (uint32_t)c;
	if (!strcmp(op, "le_s")) return sx <= sc;
	if (!strcmp(op, "le_u")) return ux <= uc;
	if (!strcmp(op, "ge_s")) return sx >= sc;
	if (!strcmp(op, "ge_u")) return ux >= uc;
	if (!strcmp(op, "lt_s")) return sx < sc;
	if (!strcmp(op, "gt_u")) return ux > uc;
	if (!strcmp(op, "rotr")) return (int32_t)rotr32((uint32_t)x, (uint32_t)c);
	uint32_t u = (uint32_t)x, k = (uint32_t)c % 32;
	uint64_t ea = (uint32_t)(64u + (u << k)) + 4u;
	if (!strcmp(op, "load_shl"))
		return load(ea, 4);
	if (!strcmp(op, "load8_shl"))
		return load(ea, 1);
	if (!strcmp(op, "load16_shl"))
		return load(ea, 2);
	if (!strcmp(op, "shl_shr_s"))
		return (int32_t)(u << (c / 100 % 32)) >> (c % 100 % 32);   /* c >= 0 here */
	if (!strcmp(op, "shr_u_and"))
		return (int32_t)((u >> k) & 1023);
	if (!strcmp(op, "add_shl"))
		return (int32_t)(1000u + (u << k));
	if (!strcmp(op, "shl_add"))
		return (int32_t)((u << k) + u);
	if (!strcmp(op, "shl_xor") || !strcmp(op, "xor_shl"))
		return (int32_t)((u << k) ^ u);
	if (!strcmp(op, "shr_xor") || !strcmp(op, "xor_shr"))
		return (int32_t)((u >> k) ^ u);
	if (!strcmp(op, "rotl_xor") || !strcmp(op, "xor_rotl"))
		return (int32_t)(rotr32(u, 32 - k) ^ u);
	if (!strncmp(op, "store", 5)) {
		/* c stored at x + 4 and read back, zero-extended (_t: its
		 * first byte only) */
		unsigned width = !strncmp(op, "store8_", 7) || !strncmp(op, "store64_8_", 10) ? 1
			: !strncmp(op, "store16_", 8) ? 2 : !strncmp(op, "store64_", 8)
			&& strncmp(op, "store64_32_", 11) ? 8 : 4;
		if ((uint64_t)u + 4 + width > 65536)
			return OOB;
		uint64_t v = (uint64_t)c;
		if (op[strlen(op) - 1] == 't')
			return (int32_t)(v & 0xff);
		if (width == 8)
			return (int32_t)(uint32_t)(v ^ (v >> 32));
		return (int32_t)(uint32_t)(width == 4 ? v : v & ((1u << (8 * width)) - 1));
	}
	if (!strcmp(op, "andne") || !strcmp(op, "neand"))
		return (u & (uint32_t)c) != u;
	if (!strcmp(op, "andnet"))
		return (u & (uint32_t)c) != u ? 1 : (int32_t)(u & (uint32_t)c);
	if (!strcmp(op, "xor3") || !strcmp(op, "xor3r"))
		return (int32_t)(u ^ (uint32_t)c ^ (u + 12345u));
	if (!strcmp(op, "loadaddl") || !strcmp(op, "loadaddr")) {
		int64_t v = load((uint64_t)u + 4, 4);
		return v == OOB ? OOB : (int32_t)((uint32_t)v + (uint32_t)c);
	}
	if (!strcmp(op, "loadadd") || !strcmp(op, "loadsub")) {
		int64_t v = load((uint64_t)u + 4, 4);
		return v == OOB ? OOB : (int32_t)((uint32_t)v + (op[4] == 'a' ? (uint32_t)c : 0u - (uint32_t)c));
	}
	if (!strcmp(op, "bitset"))
		return (u & (uint32_t)c) != 0;
	if (!strcmp(op, "bitclr"))
		return (u & (uint32_t)c) == 0;
	if (!strcmp(op, "bitsett"))
		return (u & (uint32_t)c) ? (int32_t)(u & (uint32_t)c) : -7;
	if (!strcmp(op, "andeq"))
		return (u & (uint32_t)c) == u;
	if (!strncmp(op, "addload_", 8)) {
		/* the f64 at x + 4 plus x, in the order of the name */
		uint64_t ea8 = (uint64_t)u + 4;
		if (ea8 + 8 > 65536)
			return OOB;
		uint64_t bits = (uint32_t)load(ea8, 4) | (uint64_t)(uint32_t)load(ea8 + 4, 4) << 32;
		double v, s;
		memcpy(&v, &bits, 8);
		s = op[8] == 'l' ? v + (double)(int32_t)u : (double)(int32_t)u + v;
		memcpy(&bits, &s, 8);
		return (int32_t)(uint32_t)(bits ^ (bits >> 32));
	}
	if (!strcmp(op, "mul_add") || !strcmp(op, "add_mul"))
		return (int32_t)(u * (uint32_t)c + u);
	if (!strncmp(op, "countdown", 9))
		return (int32_t)(3 * ((u & 63) | 1));
	if (!strcmp(op, "sub")) {
		uint64_t d = ux - uc;
		return wide ? (int32_t)(uint32_t)(d ^ (d >> 32)) : (int32_t)(uint32_t)d;
	}
	FATAL("unknown op in an export name", op);
	return 0;
}

static void test_immforms(void)
{
	char path[512];
	snprintf(path, sizeof path, "%s/immforms.wasm", fixture_dir);
	size_t len;
	const uint8_t *bytes = read_file(path, &len);
	ep_engine *e = ep_engine_new(NULL, NULL);
	ep_store *s = e ? ep_store_new(e, NULL) : NULL;
	ep_module *m = NULL;
	ep_instance *inst = NULL;
	ep_error err;
	memset(&err, 0, sizeof err);
	if (!s || ep_module_load(e, bytes, len, &m, &err) != EP_OK ||
	    ep_instantiate(s, m, NULL, 0, &inst, &err) != EP_OK)
		FATAL("immforms.wasm", err.msg);
	uint32_t n = ep_module_export_count(m), calls = 0, forms = 0;
	for (uint32_t i = 0; i < n; i++) {
		const char *name;
		size_t nlen;
		uint8_t kind;
		ep_module_export(m, i, &name, &nlen, &kind);
		char buf[64], t[4], op[16], form;
		long long c;
		snprintf(buf, sizeof buf, "%.*s", (int)nlen, name);
		if (sscanf(buf, "%3s %15s %lld %c", t, op, &c, &form) != 4)
			FATAL("export name not T OP C FORM", buf);
		bool wide = strcmp(t, "i64") == 0;
		int64_t lo = wide ? INT64_MIN : INT32_MIN, hi = wide ? INT64_MAX : INT32_MAX;
		/* around c, wrapping (a constant may be INT64_MAX) */
		uint64_t uc = (uint64_t)c;
		int64_t xs[] = { (int64_t)(uc - 2), (int64_t)(uc - 1), c, (int64_t)(uc + 1),
		                 (int64_t)(uc + 2), lo, lo + 1, hi - 1, hi, -1, 0, 1 };
		ep_extern x;
		if (!ep_instance_export(inst, buf, strlen(buf), &x) || x.kind != EP_EXTERN_FUNC)
			FATAL("no function", buf);
		forms++;
		for (size_t k = 0; k < sizeof xs / sizeof xs[0]; k++) {
			ep_value a = { .type = wide ? EP_I64 : EP_I32 }, r;
			if (wide)
				a.of.i64 = xs[k];
			else
				a.of.i32 = (int32_t)(uint32_t)(uint64_t)xs[k];
			int64_t xv = wide ? xs[k] : a.of.i32;
			ep_status st = ep_call(s, x.of.func, &a, 1, &r, 1, &err);
			int64_t want = expect(t, op, c, xv);
			if (want == OOB)
				CHECK(st == EP_ERR_TRAP && err.trap == EP_TRAP_OOB_MEMORY,
				      "%s (x = %" PRId64 "): status %d, want an out-of-bounds trap",
				      buf, xv, st);
			else
				CHECK(st == EP_OK && r.of.i32 == want, "%s (x = %" PRId64 "): %d, want %d (%s)",
				      buf, xv, st == EP_OK ? r.of.i32 : -999, (int)want,
				      st == EP_OK ? "" : err.msg);
			calls++;
		}
	}
	CHECK(forms >= 660, "only %u exports in immforms.wasm", forms);
	printf("immforms: %u forms, %u calls\n", forms, calls);
	ep_store_free(s);
	ep_module_free(m);
	CHECK(ep_engine_bytes(e) == 0, "%zu bytes left", ep_engine_bytes(e));
	ep_engine_free(e);
}

int main(int argc, char **argv)
{
	fixture_dir = argc > 1 ? argv[1] : "build/wasm/unit/lower";
	test_immforms();
	return check_summary();
}
