/*
 * cli_inspect.c - 'edgeplug inspect FILE.wasm': what a module is made of,
 * from what the engine recorded at load (sections, imports, exports with
 * their types, memories, tables, globals, custom sections, features), as
 * text or --json (docs/cli.md). Reads only the public API.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "edgeplug.h"
#include "fmt.h"

static const char help_inspect[] =
	"usage: edgeplug inspect [--json] FILE.wasm\n"
	"\n"
	"Sections, imports, exports and their types, limits, globals, custom sections\n"
	"and features of a module (docs/cli.md).\n"
	"exit: 0 shown, 64 usage, 65 malformed or invalid, 66 unreadable\n";

static void out_types(cli_out *o, const char *key, const uint8_t *t, uint32_t n)
{
	out_list(o, key);
	for (uint32_t i = 0; i < n; i++)
		out_cstr(o, NULL, ep_valtype_name(t[i]));
	out_end(o);
}

/* The fields that describe entity idx of kind: its type or its limits. */
static void describe(cli_out *o, const ep_module *m, uint8_t kind, uint32_t idx)
{
	ep_functype ft;
	uint32_t min, max;
	int has_max = 0, mut, lim = 0;
	uint8_t t;
	if (kind == EP_EXTERN_FUNC && ep_module_func_type(m, idx, &ft)) {
		out_types(o, "params", ft.params, ft.nparams);
		out_types(o, "results", ft.results, ft.nresults);
	} else if (kind == EP_EXTERN_TABLE && ep_module_table(m, idx, &t, &min, &max, &has_max)) {
		out_cstr(o, "reftype", ep_valtype_name(t));
		lim = 1;
	} else if (kind == EP_EXTERN_MEMORY && ep_module_memory(m, idx, &min, &max, &has_max)) {
		lim = 1;
	} else if (kind == EP_EXTERN_GLOBAL && ep_module_global(m, idx, &t, &mut)) {
		out_cstr(o, "type", ep_valtype_name(t));
		out_bool(o, "mutable", mut);
	}
	if (lim) {
		out_u64(o, "min", min);
		out_opt_u64(o, "max", has_max, max);
	}
}

static void print_module(cli_out *o, const ep_module *m, const char *path, size_t size)
{
	const char *s, *s2;
	size_t n, n2;
	out_cstr(o, "file", path);
	out_u64(o, "size", size);
	int named = ep_module_name(m, &s, &n);
	out_str(o, "name", named ? s : NULL, n);

	out_list(o, "sections");
	uint32_t count = ep_module_section_count(m);
	for (uint32_t i = 0, ci = 0; i < count; i++) {
		uint8_t id;
		size_t off, sz;
		const uint8_t *data;
		ep_module_section(m, i, &id, &off, &sz);
		out_item(o);
		out_cstr(o, "kind", ep_section_name(id));
		out_u64(o, "id", id);
		out_u64(o, "offset", off);
		out_u64(o, "size", sz);
		if (id == 0 && ep_module_custom_section(m, ci++, &s, &n, &data, &n2))
			out_str(o, "name", s, n);
		out_end(o);
	}
	out_end(o);

	out_list(o, "imports");
	uint32_t nimp = ep_module_import_count(m), seen[4] = { 0, 0, 0, 0 };
	for (uint32_t i = 0; i < nimp; i++) {
		uint8_t kind;
		ep_module_import(m, i, &s, &n, &s2, &n2, &kind);
		out_item(o);
		out_str(o, "module", s, n);
		out_str(o, "name", s2, n2);
		out_cstr(o, "kind", ep_extern_kind_name(kind));
		describe(o, m, kind, kind < 4 ? seen[kind]++ : 0);
		out_end(o);
	}
	out_end(o);

	out_list(o, "exports");
	uint32_t nexp = ep_module_export_count(m);
	for (uint32_t i = 0; i < nexp; i++) {
		uint8_t kind;
		ep_module_export(m, i, &s, &n, &kind);
		uint32_t idx = ep_module_export_index(m, i);
		out_item(o);
		out_str(o, "name", s, n);
		out_cstr(o, "kind", ep_extern_kind_name(kind));
		out_u64(o, "index", idx);
		describe(o, m, kind, idx);
		out_end(o);
	}
	out_end(o);

	/* Memories, tables and globals, imported ones first. */
	static const uint8_t kinds[] = { EP_EXTERN_MEMORY, EP_EXTERN_TABLE, EP_EXTERN_GLOBAL };
	static const char *const names[] = { "memories", "tables", "globals" };
	for (int k = 0; k < 3; k++) {
		uint32_t total = ep_module_count(m, kinds[k]), imp = ep_module_imported(m, kinds[k]);
		out_list(o, names[k]);
		for (uint32_t i = 0; i < total; i++) {
			out_item(o);
			out_u64(o, "index", i);
			out_bool(o, "imported", i < imp);
			describe(o, m, kinds[k], i);
			out_end(o);
		}
		out_end(o);
	}
	uint32_t start;
	int has_start = ep_module_start(m, &start);
	out_u64(o, "functions", ep_module_count(m, EP_EXTERN_FUNC));
	out_u64(o, "imported_functions", ep_module_imported(m, EP_EXTERN_FUNC));
	out_opt_u64(o, "start", has_start, start);
	uint32_t feat = ep_module_features(m);
	out_list(o, "features");
	for (int b = 0; b < EP_FEATURE_COUNT; b++)
		if (feat >> b & 1)
			out_cstr(o, NULL, ep_feature_name(1u << b));
	out_end(o);
}

static int cmd_inspect(int argc, char **argv)
{
	const char *path = NULL;
	int json = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--json") == 0)
			json = 1;
		else if (a[0] == '-' && a[1] != '\0')
			return cli_usage(help_inspect, "inspect: unknown option \"%s\"", a);
		else if (path)
			return cli_usage(help_inspect, "inspect: unexpected argument \"%s\"", a);
		else
			path = a;
	}
	if (!path)
		return cli_usage(help_inspect, "inspect: missing %s", "FILE.wasm");
	uint8_t *bytes;
	size_t len;
	int rc = cli_read_file(path, CLI_MAX_MODULE_BYTES, &bytes, &len);
	if (rc != RC_OK)
		return rc;
	ep_engine *e = ep_engine_new(NULL, NULL);
	ep_module *m = NULL;
	ep_error err;
	memset(&err, 0, sizeof err);
	err.offset = SIZE_MAX;
	ep_status st = e ? ep_module_load(e, bytes, len, &m, &err) : EP_ERR_NOMEM;
	free(bytes);
	if (st == EP_OK) {
		cli_out o;
		out_begin(&o, stdout, json);
		print_module(&o, m, path, len);
		out_done(&o);
	} else if (st == EP_ERR_MALFORMED || st == EP_ERR_INVALID) {
		char where[32] = "";
		if (err.offset != SIZE_MAX)
			ep_snprintf(where, sizeof where, " at offset 0x%zx", err.offset);
		rc = cli_fail(RC_DATAERR, "%s: %s: %s%s", path, ep_status_name(st), err.msg, where);
	} else {
		rc = cli_fail(RC_SOFTWARE, "%s: %s", path, err.msg[0] ? err.msg : ep_status_name(st));
	}
	ep_module_free(m);
	ep_engine_free(e);
	return rc;
}

const cli_command cli_cmd_inspect = {
	"inspect", cmd_inspect, "describe a module: sections, imports, exports, limits, features",
	help_inspect
};
