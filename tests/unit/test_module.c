/*
 * test_module.c - unit tests of module.c's queries through the public API
 * only: declarations and index spaces (the .wat fixtures of
 * tests/unit/module), the section list and custom sections (binaries built
 * here, so every offset is known independently), the name section (wat2wasm
 * --debug-names, and hand-made malformed ones that must load with no names),
 * the feature bits (one fixture per way of using each feature) and the names
 * of statuses, value types, features and sections.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* ---- a binary builder that remembers where each section's contents go ---- */

typedef struct bld {
	uint8_t b[4096];
	size_t n;
	uint32_t nsec;
	uint8_t ids[32];
	size_t offs[32], sizes[32];
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

static void put_byte(bld *w, uint8_t v)
{
	put(w, &v, 1);
}

static void put_u32(bld *w, uint32_t v)
{
	do {
		uint8_t byte = v & 0x7f;
		v >>= 7;
		if (v)
			byte |= 0x80;
		put_byte(w, byte);
	} while (v);
}

static void header(bld *w)
{
	memset(w, 0, sizeof *w);
	put(w, "\0asm\1\0\0\0", 8);
}

static void section(bld *w, uint8_t id, const void *p, size_t n)
{
	put_byte(w, id);
	put_u32(w, (uint32_t)n);
	if (w->nsec < 32) {
		w->ids[w->nsec] = id;
		w->offs[w->nsec] = w->n;
		w->sizes[w->nsec] = n;
		w->nsec++;
	}
	put(w, p, n);
}

/* A custom section: name, then payload. */
static void custom(bld *w, const char *name, size_t name_len, const void *p, size_t n)
{
	bld c;
	c.n = 0;
	put_u32(&c, (uint32_t)name_len);
	put(&c, name, name_len);
	put(&c, p, n);
	section(w, 0, c.b, c.n);
}

#define SEC(w, id, s) section((w), (id), (s), sizeof(s) - 1)

/* Two functions () -> (): the module every name section test is added to. */
static void two_funcs(bld *w)
{
	header(w);
	SEC(w, 1, "\x01\x60\x00\x00");
	SEC(w, 3, "\x02\x00\x00");
	SEC(w, 10, "\x02\x02\x00\x0b\x02\x00\x0b");
}

static ep_module *load_bytes(ep_engine *e, const void *p, size_t n, const char *what)
{
	ep_module *m = NULL;
	ep_error err;
	ep_status st = ep_module_load(e, p, n, &m, &err);
	CHECK(st == EP_OK, "%s: load: %s", what, st ? err.msg : "");
	return st == EP_OK ? m : NULL;
}

static bool name_is(const char *s, size_t n, const char *want)
{
	return s && n == strlen(want) && memcmp(s, want, n) == 0;
}

/* ---- declarations, index spaces, types ---- */

static bool types_are(const uint8_t *got, uint32_t n, const char *want)
{
	return n == strlen(want) && (n == 0 || memcmp(got, want, n) == 0);
}

static void test_mvp_declarations(ep_engine *e)
{
	ep_module *m = load_fixture(e, "mvp");
	CHECK(ep_module_features(m) == 0, "mvp: features 0x%x", (unsigned)ep_module_features(m));

	CHECK(ep_module_count(m, EP_EXTERN_FUNC) == 4, "funcs %u", ep_module_count(m, EP_EXTERN_FUNC));
	CHECK(ep_module_imported(m, EP_EXTERN_FUNC) == 1, "imported funcs");
	CHECK(ep_module_count(m, EP_EXTERN_TABLE) == 1 && ep_module_imported(m, EP_EXTERN_TABLE) == 1,
	      "tables");
	CHECK(ep_module_count(m, EP_EXTERN_MEMORY) == 1 && ep_module_imported(m, EP_EXTERN_MEMORY) == 1,
	      "memories");
	CHECK(ep_module_count(m, EP_EXTERN_GLOBAL) == 3 && ep_module_imported(m, EP_EXTERN_GLOBAL) == 1,
	      "globals");
	CHECK(ep_module_count(m, 9) == 0 && ep_module_imported(m, 9) == 0, "unknown kind");

	uint32_t min = 99, max = 99;
	int has_max = -1;
	uint8_t rt = 0;
	CHECK(ep_module_memory(m, 0, &min, &max, &has_max) && min == 1 && max == 2 && has_max == 1,
	      "imported memory 1 2: %u %u %d", min, max, has_max);
	CHECK(!ep_module_memory(m, 1, &min, &max, &has_max), "memory 1 is out of range");
	CHECK(ep_module_table(m, 0, &rt, &min, &max, &has_max) && rt == EP_FUNCREF && min == 3 &&
	      max == 0 && has_max == 0, "imported table 3 funcref: %x %u %u %d", rt, min, max, has_max);
	CHECK(!ep_module_table(m, 1, NULL, NULL, NULL, NULL), "table 1 is out of range");

	uint8_t vt = 0;
	int mut = -1;
	CHECK(ep_module_global(m, 0, &vt, &mut) && vt == EP_I32 && mut == 0, "imported global i32");
	CHECK(ep_module_global(m, 1, &vt, &mut) && vt == EP_I64 && mut == 1, "global (mut i64)");
	CHECK(ep_module_global(m, 2, &vt, &mut) && vt == EP_F64 && mut == 0, "global f64");
	CHECK(!ep_module_global(m, 3, &vt, &mut), "global 3 is out of range");

	uint32_t start = 0;
	CHECK(ep_module_start(m, &start) && start == 3, "start function 3: %u", start);

	ep_functype ft;
	CHECK(ep_module_func_type(m, 0, &ft) && types_are(ft.params, ft.nparams, "\x7f") &&
	      ft.nresults == 0, "func 0 (import) is [i32] -> []");
	CHECK(ep_module_func_type(m, 1, &ft) && types_are(ft.params, ft.nparams, "\x7f\x7f") &&
	      types_are(ft.results, ft.nresults, "\x7f"), "func 1 is [i32 i32] -> [i32]");
	CHECK(ep_module_func_type(m, 2, &ft) && ft.nparams == 0 &&
	      types_are(ft.results, ft.nresults, "\x7c"), "func 2 is [] -> [f64]");
	CHECK(!ep_module_func_type(m, 4, &ft), "func 4 is out of range");
	CHECK(ep_module_func_typeidx(m, 4) == UINT32_MAX, "typeidx of func 4");
	uint32_t t1 = ep_module_func_typeidx(m, 1);
	CHECK(t1 < ep_module_type_count(m), "typeidx of func 1: %u", t1);
	ep_functype ft2;
	CHECK(ep_module_type(m, t1, &ft2) && ep_module_func_type(m, 1, &ft) &&
	      ft2.params == ft.params && ft2.nparams == ft.nparams, "type of func 1 by index");
	CHECK(!ep_module_type(m, ep_module_type_count(m), &ft), "type past the end");

	/* Exports: add (func 1), run (func 2), pi (global 2), mem (memory 0). */
	CHECK(ep_module_export_count(m) == 4, "exports");
	const char *name;
	size_t len;
	uint8_t kind;
	ep_module_export(m, 0, &name, &len, &kind);
	CHECK(name_is(name, len, "add") && kind == EP_EXTERN_FUNC && ep_module_export_index(m, 0) == 1,
	      "export 0 is func 1 add");
	CHECK(ep_module_export_functype(m, 0, &ft) && ft.nparams == 2 && ft.nresults == 1,
	      "export add's type");
	ep_module_export(m, 2, &name, &len, &kind);
	CHECK(name_is(name, len, "pi") && kind == EP_EXTERN_GLOBAL && ep_module_export_index(m, 2) == 2,
	      "export 2 is global 2 pi");
	CHECK(!ep_module_export_functype(m, 2, &ft), "a global export has no function type");
	CHECK(ep_module_export_index(m, 4) == UINT32_MAX && !ep_module_export_functype(m, 4, &ft),
	      "export 4 is out of range");
	CHECK(ep_module_export_functype(m, 1, NULL), "type may be NULL");

	CHECK(ep_module_custom_count(m) == 0, "no custom sections");
	const char *mn;
	CHECK(!ep_module_name(m, &mn, &len) && !ep_module_func_name(m, 1, &mn, &len),
	      "no name section, no names");
	ep_module_free(m);
}

static void test_defined_declarations(ep_engine *e)
{
	ep_module *m = load_fixture(e, "defined");
	uint32_t min = 0, max = 0;
	int has_max = 0;
	uint8_t rt = 0, vt = 0;
	int mut = -1;
	CHECK(ep_module_imported(m, EP_EXTERN_MEMORY) == 0 && ep_module_imported(m, EP_EXTERN_TABLE) == 0 &&
	      ep_module_imported(m, EP_EXTERN_GLOBAL) == 0, "nothing imported");
	CHECK(ep_module_memory(m, 0, &min, &max, &has_max) && min == 2 && max == 5 && has_max == 1,
	      "memory 2 5: %u %u %d", min, max, has_max);
	CHECK(ep_module_table(m, 0, &rt, &min, &max, &has_max) && rt == EP_FUNCREF && min == 4 &&
	      max == 8 && has_max == 1, "table 4 8 funcref");
	CHECK(ep_module_global(m, 0, &vt, &mut) && vt == EP_I32 && mut == 0, "global i32");
	CHECK(!ep_module_start(m, NULL), "no start section");
	CHECK(ep_module_count(m, EP_EXTERN_FUNC) == 0 && !ep_module_func_type(m, 0, NULL), "no functions");
	CHECK(ep_module_features(m) == 0, "defined: features 0x%x", (unsigned)ep_module_features(m));
	ep_module_free(m);
}

static void test_null_module(void)
{
	CHECK(ep_module_count(NULL, EP_EXTERN_FUNC) == 0 && ep_module_section_count(NULL) == 0 &&
	      ep_module_custom_count(NULL) == 0 && ep_module_features(NULL) == 0 &&
	      !ep_module_section(NULL, 0, NULL, NULL, NULL) && !ep_module_func_name(NULL, 0, NULL, NULL) &&
	      !ep_module_name(NULL, NULL, NULL) && ep_module_export_index(NULL, 0) == UINT32_MAX &&
	      !ep_module_start(NULL, NULL) && ep_module_type_count(NULL) == 0,
	      "a NULL module has nothing");
}

/* ---- sections and custom sections ---- */

/* The section list against the builder's own record, and the contents
 * chain: each section's contents end where the next section's id is. */
static void check_sections(const ep_module *m, const bld *w, const char *what)
{
	CHECK(ep_module_section_count(m) == w->nsec, "%s: %u sections, want %u", what,
	      ep_module_section_count(m), w->nsec);
	for (uint32_t i = 0; i < w->nsec && i < ep_module_section_count(m); i++) {
		uint8_t id = 99;
		size_t off = 0, size = 0;
		CHECK(ep_module_section(m, i, &id, &off, &size), "%s: section %u", what, i);
		CHECK(id == w->ids[i] && off == w->offs[i] && size == w->sizes[i],
		      "%s: section %u is id %u at %zu size %zu, want id %u at %zu size %zu", what, i,
		      id, off, size, w->ids[i], w->offs[i], w->sizes[i]);
	}
	CHECK(!ep_module_section(m, w->nsec, NULL, NULL, NULL), "%s: no section past the end", what);
}

static void test_custom_sections(ep_engine *e)
{
	uint8_t big[300];
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (uint8_t)i;
	bld w;
	header(&w);
	custom(&w, "first", 5, "abc", 3);                  /* before every section */
	SEC(&w, 1, "\x01\x60\x00\x00");
	custom(&w, "", 0, "", 0);                          /* empty name, empty payload */
	SEC(&w, 3, "\x01\x00");
	custom(&w, "mid", 3, big, sizeof big);             /* a two-byte size field */
	custom(&w, "empty", 5, "", 0);
	SEC(&w, 10, "\x01\x02\x00\x0b");
	custom(&w, "last", 4, "z", 1);                     /* ends the binary */

	ep_module *m = load_bytes(e, w.b, w.n, "custom sections");
	if (!m)
		return;
	check_sections(m, &w, "custom sections");
	CHECK(ep_module_custom_count(m) == 5, "5 custom sections: %u", ep_module_custom_count(m));
	static const struct { const char *name; size_t size; } want[] = {
		{ "first", 3 }, { "", 0 }, { "mid", sizeof big }, { "empty", 0 }, { "last", 1 },
	};
	for (uint32_t i = 0; i < 5; i++) {
		const char *name = NULL;
		size_t name_len = 99, size = 99;
		const uint8_t *data = NULL;
		CHECK(ep_module_custom_section(m, i, &name, &name_len, &data, &size),
		      "custom section %u", i);
		CHECK(name_is(name, name_len, want[i].name), "custom %u: name '%.*s', want '%s'", i,
		      (int)name_len, name ? name : "", want[i].name);
		CHECK(size == want[i].size && data != NULL, "custom %u: size %zu, want %zu", i, size,
		      want[i].size);
	}
	const uint8_t *data;
	size_t size;
	ep_module_custom_section(m, 0, NULL, NULL, &data, &size);
	CHECK(size == 3 && memcmp(data, "abc", 3) == 0, "first's payload");
	ep_module_custom_section(m, 2, NULL, NULL, &data, &size);
	CHECK(size == sizeof big && memcmp(data, big, sizeof big) == 0, "mid's payload");
	ep_module_custom_section(m, 4, NULL, NULL, &data, &size);
	CHECK(size == 1 && data[0] == 'z', "last's payload");
	CHECK(!ep_module_custom_section(m, 5, NULL, NULL, NULL, NULL), "no custom section 5");
	CHECK(ep_module_features(m) == 0, "custom sections: no features");
	ep_module_free(m);

	/* The payload points into the module's copy, not the caller's bytes. */
	m = load_bytes(e, w.b, w.n, "custom sections again");
	if (!m)
		return;
	memset(w.b, 0xee, w.n);
	ep_module_custom_section(m, 0, NULL, NULL, &data, &size);
	CHECK(size == 3 && memcmp(data, "abc", 3) == 0, "payload survives the caller's buffer");
	ep_module_free(m);
}

/* The section list of a wat2wasm binary: contents chain up to the end of
 * the file (the builder is not involved, so this checks it independently). */
static void test_section_chain(ep_engine *e)
{
	const char *fixtures[] = { "mvp", "names.names", "feat_bulk_memory_init" };
	for (size_t k = 0; k < sizeof fixtures / sizeof fixtures[0]; k++) {
		char path[512];
		snprintf(path, sizeof path, "%s/%s.wasm", fixture_dir, fixtures[k]);
		FILE *f = fopen(path, "rb");
		if (!f)
			FATAL(path, strerror(errno));
		static uint8_t buf[1 << 16];
		size_t n = fread(buf, 1, sizeof buf, f);
		fclose(f);
		ep_module *m = load_bytes(e, buf, n, fixtures[k]);
		if (!m)
			continue;
		size_t pos = 8;
		int last_id = 0;
		uint32_t count = ep_module_section_count(m);
		CHECK(count > 0, "%s: sections", fixtures[k]);
		for (uint32_t i = 0; i < count; i++) {
			uint8_t id;
			size_t off, size;
			ep_module_section(m, i, &id, &off, &size);
			CHECK(buf[pos] == id, "%s: section %u: id %u, the byte at %zu is %u", fixtures[k], i,
			      id, pos, buf[pos]);
			/* The size field: LEB128 between the id and the contents. */
			size_t p = pos + 1, v = 0;
			unsigned shift = 0;
			while (p < off && (buf[p] & 0x80))
				v |= (size_t)(buf[p++] & 0x7f) << shift, shift += 7;
			v |= (size_t)(buf[p++] & 0x7f) << shift;
			CHECK(p == off && v == size, "%s: section %u: size field", fixtures[k], i);
			if (id != 0 && id != 12) {
				CHECK(id > last_id, "%s: section %u: ids in order", fixtures[k], i);
				last_id = id;
			}
			pos = off + size;
		}
		CHECK(pos == n, "%s: sections end at %zu, the file at %zu", fixtures[k], pos, n);
		ep_module_free(m);
	}
}

/* ---- the name section ---- */

static void test_names_fixture(ep_engine *e)
{
	ep_module *m = load_fixture(e, "names.names");
	const char *name = NULL;
	size_t len = 0;
	CHECK(ep_module_name(m, &name, &len) && name_is(name, len, "mymod"), "module name");
	static const char *const want[] = { "log", "first", NULL, "third", NULL };
	for (uint32_t i = 0; i < 5; i++) {
		name = NULL;
		len = 0;
		int got = ep_module_func_name(m, i, &name, &len);
		if (want[i])
			CHECK(got && name_is(name, len, want[i]), "func %u is named %s: got %d '%.*s'", i,
			      want[i], got, (int)len, name ? name : "");
		else
			CHECK(!got, "func %u has no name", i);
	}
	CHECK(!ep_module_func_name(m, UINT32_MAX, &name, &len), "func UINT32_MAX has no name");
	CHECK(ep_module_custom_count(m) == 1, "the name section is a custom section");
	ep_module_custom_section(m, 0, &name, &len, NULL, NULL);
	CHECK(name_is(name, len, "name"), "custom section 0 is 'name'");
	ep_module_free(m);

	m = load_fixture(e, "nonames");
	CHECK(!ep_module_name(m, &name, &len) && !ep_module_func_name(m, 1, &name, &len),
	      "without --debug-names: no names");
	ep_module_free(m);
}

/* A name section payload (subsections), added to two_funcs. */
typedef struct name_case {
	const char *what;
	const char *payload;
	size_t len;
	int names;       /* 1: func 0 is "a" and func 1 is "b"; 2: module name only; 0: no names */
} name_case;

#define NC(what, p, names) { what, p, sizeof(p) - 1, names }

static void test_names_hand(ep_engine *e)
{
	static const name_case cases[] = {
		NC("valid function names", "\x01\x07\x02\x00\x01" "a" "\x01\x01" "b", 1),
		NC("valid module name", "\x00\x02\x01" "m", 2),
		NC("unknown subsection skipped", "\x01\x07\x02\x00\x01" "a" "\x01\x01" "b" "\x02\x03\xff\xff\xff", 1),
		NC("empty payload", "", 0),
		NC("indices descending", "\x01\x07\x02\x01\x01" "b" "\x00\x01" "a", 0),
		NC("index repeated", "\x01\x07\x02\x00\x01" "a" "\x00\x01" "b", 0),
		NC("index out of range", "\x01\x07\x02\x00\x01" "a" "\x05\x01" "b", 0),
		NC("bad UTF-8 in a name", "\x01\x07\x02\x00\x01" "a" "\x01\x01" "\xff", 0),
		NC("count beyond the entries", "\x01\x04\x02\x00\x01" "a", 0),
		NC("subsection longer than the section", "\x01\x09\x02\x00\x01" "a" "\x01\x01" "b", 0),
		NC("bytes left in the subsection", "\x01\x08\x02\x00\x01" "a" "\x01\x01" "b" "\x00", 0),
		NC("subsections out of order", "\x01\x04\x01\x00\x01" "a" "\x00\x02\x01" "m", 0),
		NC("subsection twice", "\x01\x04\x01\x00\x01" "a" "\x01\x04\x01\x01\x01" "b", 0),
		NC("overlong count", "\x01\x09\x80\x80\x80\x80\x80\x01\x00\x01" "a", 0),
		NC("name length past the end", "\x01\x05\x01\x00\x09" "ab", 0),
		NC("module name with trailing bytes", "\x00\x03\x01" "m" "\x00", 0),
		NC("truncated subsection header", "\x01", 0),
		NC("subsection size field truncated", "\x01\x80", 0),
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		const name_case *c = &cases[k];
		bld w;
		two_funcs(&w);
		custom(&w, "name", 4, c->payload, c->len);
		ep_module *m = load_bytes(e, w.b, w.n, c->what);
		if (!m)
			continue;
		const char *name = NULL;
		size_t len = 0;
		int f0 = ep_module_func_name(m, 0, &name, &len);
		bool a = f0 && name_is(name, len, "a");
		int f1 = ep_module_func_name(m, 1, &name, &len);
		bool b = f1 && name_is(name, len, "b");
		int mn = ep_module_name(m, &name, &len);
		bool mm = mn && name_is(name, len, "m");
		if (c->names == 1)
			CHECK(a && b && !mn, "%s: func names a, b", c->what);
		else if (c->names == 2)
			CHECK(mm && !f0 && !f1, "%s: module name m", c->what);
		else
			CHECK(!f0 && !f1 && !mn, "%s: no names (got %d %d %d)", c->what, f0, f1, mn);
		CHECK(ep_module_custom_count(m) == 1, "%s: still a custom section", c->what);
		check_sections(m, &w, c->what);
		ep_module_free(m);
	}

	/* Only the first name section counts, valid or not. */
	bld w;
	two_funcs(&w);
	custom(&w, "name", 4, "\x01\x04\x01\x00\x01" "a", 6);
	custom(&w, "name", 4, "\x01\x04\x01\x01\x01" "b", 6);
	ep_module *m = load_bytes(e, w.b, w.n, "two name sections");
	if (m) {
		CHECK(ep_module_func_name(m, 0, NULL, NULL) && !ep_module_func_name(m, 1, NULL, NULL),
		      "two name sections: the first one's names");
		ep_module_free(m);
	}
	two_funcs(&w);
	custom(&w, "name", 4, "\x01\x04\x01\x07\x01" "a", 6);
	custom(&w, "name", 4, "\x01\x04\x01\x01\x01" "b", 6);
	m = load_bytes(e, w.b, w.n, "bad name section, then a good one");
	if (m) {
		CHECK(!ep_module_func_name(m, 1, NULL, NULL), "a bad first name section: no names");
		ep_module_free(m);
	}
	/* "names" or "Name" is not the name section. */
	two_funcs(&w);
	custom(&w, "Name", 4, "\x01\x04\x01\x00\x01" "a", 6);
	m = load_bytes(e, w.b, w.n, "'Name' section");
	if (m) {
		CHECK(!ep_module_func_name(m, 0, NULL, NULL), "'Name' is not 'name'");
		ep_module_free(m);
	}

	/* The custom section's own name must decode: that one is malformed. */
	two_funcs(&w);
	custom(&w, "\xff", 1, "", 0);
	ep_module *bad = NULL;
	ep_error err;
	ep_status st = ep_module_load(e, w.b, w.n, &bad, &err);
	CHECK(st == EP_ERR_MALFORMED && bad == NULL, "custom section name with bad UTF-8: %d", (int)st);
}

/* ---- features ---- */

static void test_features(ep_engine *e)
{
	static const struct { const char *fixture; uint32_t want; } cases[] = {
		{ "feat_mv_functype", EP_FEATURE_MULTI_VALUE },
		{ "feat_mv_block", EP_FEATURE_MULTI_VALUE },
		{ "feat_ref_externref_table", EP_FEATURE_REFERENCE_TYPES },
		{ "feat_ref_two_tables", EP_FEATURE_REFERENCE_TYPES },
		{ "feat_ref_null", EP_FEATURE_REFERENCE_TYPES },
		{ "feat_ref_func", EP_FEATURE_REFERENCE_TYPES },
		{ "feat_ref_table_size", EP_FEATURE_REFERENCE_TYPES },
		{ "feat_ref_table_get", EP_FEATURE_REFERENCE_TYPES },
		{ "feat_ref_select_t", EP_FEATURE_REFERENCE_TYPES },
		{ "feat_ref_param", EP_FEATURE_REFERENCE_TYPES },
		{ "feat_ref_local", EP_FEATURE_REFERENCE_TYPES },
		{ "feat_ref_global", EP_FEATURE_REFERENCE_TYPES },
		{ "feat_bulk_memory_copy", EP_FEATURE_BULK_MEMORY },
		{ "feat_bulk_memory_fill", EP_FEATURE_BULK_MEMORY },
		{ "feat_bulk_memory_init", EP_FEATURE_BULK_MEMORY },
		{ "feat_bulk_passive_data", EP_FEATURE_BULK_MEMORY },
		{ "feat_bulk_table_copy", EP_FEATURE_BULK_MEMORY },
		{ "feat_bulk_elem_drop", EP_FEATURE_BULK_MEMORY },
		{ "feat_sat", EP_FEATURE_SAT_FLOAT_TO_INT },
		{ "feat_sat_i64", EP_FEATURE_SAT_FLOAT_TO_INT },
		{ "feat_signext", EP_FEATURE_SIGN_EXT },
		{ "feat_signext_i64", EP_FEATURE_SIGN_EXT },
		{ "feat_mutglobal_import", EP_FEATURE_MUTABLE_GLOBALS },
		{ "feat_mutglobal_export", EP_FEATURE_MUTABLE_GLOBALS },
		{ "feat_all", (1u << EP_FEATURE_COUNT) - 1 },
		{ "mvp", 0 },
		{ "defined", 0 },
		{ "names.names", 0 },
	};
	uint32_t seen = 0;
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		ep_module *m = load_fixture(e, cases[k].fixture);
		uint32_t got = ep_module_features(m);
		CHECK(got == cases[k].want, "%s: features 0x%x, want 0x%x", cases[k].fixture,
		      (unsigned)got, (unsigned)cases[k].want);
		if (cases[k].want != (1u << EP_FEATURE_COUNT) - 1)
			seen |= cases[k].want;
		ep_module_free(m);
	}
	CHECK(seen == (1u << EP_FEATURE_COUNT) - 1, "every feature bit has its own fixture: 0x%x",
	      (unsigned)seen);

	/* The data count section alone (hand-made: wat2wasm writes it only for
	 * memory.init and data.drop). */
	bld w;
	header(&w);
	SEC(&w, 12, "\x00");
	ep_module *m = load_bytes(e, w.b, w.n, "data count section");
	if (m) {
		CHECK(ep_module_features(m) == EP_FEATURE_BULK_MEMORY, "data count: 0x%x",
		      (unsigned)ep_module_features(m));
		ep_module_free(m);
	}
}

/* ---- names of things ---- */

static void test_names_of_things(void)
{
	static const char *const status[] = {
		"ok", "malformed", "invalid", "unlinkable", "trap", "out of memory", "limit", "bad argument",
	};
	for (int s = EP_OK; s <= EP_ERR_ARG; s++)
		CHECK(strcmp(ep_status_name((ep_status)s), status[s]) == 0, "status %d: %s", s,
		      ep_status_name((ep_status)s));
	CHECK(strcmp(ep_status_name((ep_status)(EP_ERR_ARG + 1)), "unknown status") == 0 &&
	      strcmp(ep_status_name((ep_status)-1), "unknown status") == 0, "unknown status");

	static const struct { uint8_t t; const char *name; } vt[] = {
		{ EP_I32, "i32" }, { EP_I64, "i64" }, { EP_F32, "f32" }, { EP_F64, "f64" },
		{ 0x7b, "v128" }, { EP_FUNCREF, "funcref" }, { EP_EXTERNREF, "externref" },
		{ 0x40, "unknown type" }, { 0x00, "unknown type" },
	};
	for (size_t i = 0; i < sizeof vt / sizeof vt[0]; i++)
		CHECK(strcmp(ep_valtype_name(vt[i].t), vt[i].name) == 0, "valtype 0x%02x: %s",
		      vt[i].t, ep_valtype_name(vt[i].t));

	static const char *const features[EP_FEATURE_COUNT] = {
		"multi-value", "reference-types", "bulk-memory", "nontrapping-float-to-int",
		"sign-extension", "mutable-globals",
	};
	for (unsigned i = 0; i < EP_FEATURE_COUNT; i++)
		CHECK(strcmp(ep_feature_name(1u << i), features[i]) == 0, "feature bit %u: %s", i,
		      ep_feature_name(1u << i));
	CHECK(strcmp(ep_feature_name(0), "unknown feature") == 0 &&
	      strcmp(ep_feature_name(3), "unknown feature") == 0 &&
	      strcmp(ep_feature_name(1u << EP_FEATURE_COUNT), "unknown feature") == 0,
	      "not a single known bit: unknown feature");

	CHECK(strcmp(ep_section_name(0), "custom") == 0 && strcmp(ep_section_name(10), "code") == 0 &&
	      strcmp(ep_section_name(12), "data count") == 0 &&
	      strcmp(ep_section_name(13), "unknown section") == 0, "section names");
	CHECK(strcmp(ep_extern_kind_name(EP_EXTERN_FUNC), "func") == 0 &&
	      strcmp(ep_extern_kind_name(EP_EXTERN_GLOBAL), "global") == 0 &&
	      strcmp(ep_extern_kind_name(4), "unknown kind") == 0, "extern kind names");
}

/* ---- allocator refusal: the name map is allocated too ---- */

static void test_refusal(void)
{
	bld w;
	two_funcs(&w);
	for (int i = 0; i < 10; i++)               /* enough to grow the lists */
		custom(&w, "x", 1, "", 0);
	custom(&w, "name", 4, "\x01\x07\x02\x00\x01" "a" "\x01\x01" "b", 9);
	long n;
	bool done = false;
	for (n = 1; n < 10000 && !done; n++) {
		failer f = { 0, 0, false };
		ep_engine *e = ep_engine_new(failing_alloc, &f);
		f.calls = 0;
		f.fail_at = n;
		ep_module *m = NULL;
		ep_error err;
		ep_status st = ep_module_load(e, w.b, w.n, &m, &err);
		if (st == EP_OK) {
			done = true;
			CHECK(!f.failed && ep_module_func_name(m, 1, NULL, NULL) &&
			      ep_module_custom_count(m) == 11, "refusal: the loaded module is whole");
			ep_module_free(m);
		} else {
			CHECK(st == EP_ERR_NOMEM && f.failed && m == NULL, "refusal at %ld: status %d (%s)",
			      n, (int)st, err.msg);
		}
		CHECK(ep_engine_bytes(e) == 0, "refusal at %ld: %zu bytes left", n, ep_engine_bytes(e));
		ep_engine_free(e);
	}
	CHECK(done, "load never succeeded");
}

int main(int argc, char **argv)
{
	fixture_dir = argc > 1 ? argv[1] : "build/wasm/unit/module";
	ep_engine *e = ep_engine_new(NULL, NULL);
	if (!e)
		FATAL("ep_engine_new", "NULL");
	test_mvp_declarations(e);
	test_defined_declarations(e);
	test_null_module();
	test_custom_sections(e);
	test_section_chain(e);
	test_names_fixture(e);
	test_names_hand(e);
	test_features(e);
	test_names_of_things();
	test_refusal();
	CHECK(ep_engine_bytes(e) == 0, "every module freed: %zu bytes left", ep_engine_bytes(e));
	ep_engine_free(e);
	return check_summary();
}
