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
	"Loads FILE.wasm as 'validate' does and describes it: its sections with\n"
	"offsets and sizes, imports and exports with their types, memory and table\n"
	"limits, globals, the start function, custom sections and the features\n"
	"beyond WebAssembly 1.0 it uses. --json prints one JSON object instead\n"
	"(docs/cli.md). Names from the module are escaped.\n"
	"\n"
	"exit status:\n"
	"  0    the module was described\n"
	"  64   usage error\n"
	"  65   the module is malformed or invalid\n"
	"  66   FILE.wasm cannot be read\n"
	"  70   out of memory\n";

/* "(i32 i64) -> (f32)" into buf. */
static void functype_text(const ep_functype *t, char *buf, size_t size)
{
	size_t o = 0;
	o += (size_t)ep_snprintf(buf + o, size - o, "(");
	for (uint32_t i = 0; i < t->nparams && o < size; i++)
		o += (size_t)ep_snprintf(buf + o, size - o, "%s%s", i ? " " : "",
		                      ep_valtype_name(t->params[i]));
	if (o < size)
		o += (size_t)ep_snprintf(buf + o, size - o, ") -> (");
	for (uint32_t i = 0; i < t->nresults && o < size; i++)
		o += (size_t)ep_snprintf(buf + o, size - o, "%s%s", i ? " " : "",
		                      ep_valtype_name(t->results[i]));
	if (o < size)
		ep_snprintf(buf + o, size - o, ")");
}

static void json_types(FILE *f, const char *key, const uint8_t *t, uint32_t n)
{
	ep_fprintf(f, ",\"%s\":[", key);
	for (uint32_t i = 0; i < n; i++)
		ep_fprintf(f, "%s\"%s\"", i ? "," : "", ep_valtype_name(t[i]));
	fputc(']', f);
}

/* The description of entity idx of kind: its type or limits. */
static void describe(FILE *f, const ep_module *m, uint8_t kind, uint32_t idx, int json)
{
	ep_functype ft;
	uint32_t min, max;
	int has_max, mut;
	uint8_t t;
	char buf[256];
	switch (kind) {
	case EP_EXTERN_FUNC:
		if (!ep_module_func_type(m, idx, &ft))
			return;
		if (json) {
			json_types(f, "params", ft.params, ft.nparams);
			json_types(f, "results", ft.results, ft.nresults);
		} else {
			functype_text(&ft, buf, sizeof buf);
			ep_fprintf(f, " %s", buf);
		}
		return;
	case EP_EXTERN_TABLE:
		if (!ep_module_table(m, idx, &t, &min, &max, &has_max))
			return;
		if (json)
			ep_fprintf(f, ",\"reftype\":\"%s\"", ep_valtype_name(t));
		else
			ep_fprintf(f, " %s", ep_valtype_name(t));
		break;
	case EP_EXTERN_MEMORY:
		if (!ep_module_memory(m, idx, &min, &max, &has_max))
			return;
		break;
	case EP_EXTERN_GLOBAL:
		if (!ep_module_global(m, idx, &t, &mut))
			return;
		if (json)
			ep_fprintf(f, ",\"type\":\"%s\",\"mutable\":%s", ep_valtype_name(t),
			        mut ? "true" : "false");
		else
			ep_fprintf(f, " %s%s", mut ? "mut " : "", ep_valtype_name(t));
		return;
	default:
		return;
	}
	if (json) {
		ep_fprintf(f, ",\"min\":%" PRIu32 ",\"max\":", min);
		if (has_max)
			ep_fprintf(f, "%" PRIu32, max);
		else
			fputs("null", f);
	} else if (has_max) {
		ep_fprintf(f, " min %" PRIu32 " max %" PRIu32 "%s", min, max,
		        kind == EP_EXTERN_MEMORY ? " pages" : "");
	} else {
		ep_fprintf(f, " min %" PRIu32 " no max%s", min, kind == EP_EXTERN_MEMORY ? " (pages)" : "");
	}
}


static void print_module(FILE *f, const ep_module *m, const char *path, size_t size, int json)
{
	const char *s, *s2;
	size_t n, n2;
	/* Sections. */
	if (json) {
		fputs("{\"file\":", f);
		cli_json_str(f, path, strlen(path));
		ep_fprintf(f, ",\"size\":%zu,\"name\":", size);
		if (ep_module_name(m, &s, &n))
			cli_json_str(f, s, n);
		else
			fputs("null", f);
		fputs(",\"sections\":[", f);
	} else {
		fputs("module ", f);
		cli_put_text(f, path, strlen(path));
		ep_fprintf(f, " (%zu bytes)", size);
		if (ep_module_name(m, &s, &n)) {
			fputs(" name ", f);
			cli_put_text(f, s, n);
		}
		fputs("\nsections:\n", f);
	}
	uint32_t count = ep_module_section_count(m);
	for (uint32_t i = 0, ci = 0; i < count; i++) {
		uint8_t id;
		size_t off, sz;
		ep_module_section(m, i, &id, &off, &sz);
		const uint8_t *data = NULL;
		s = NULL;
		n = 0;
		if (id == 0)
			ep_module_custom_section(m, ci++, &s, &n, &data, &sz);
		if (json) {
			ep_fprintf(f, "%s{\"id\":%u,\"kind\":\"%s\",\"offset\":%zu,\"size\":%zu", i ? "," : "",
			        id, ep_section_name(id), off, sz);
			if (id == 0) {
				fputs(",\"name\":", f);
				cli_json_str(f, s, n);
			}
			fputc('}', f);
		} else {
			ep_fprintf(f, "  %-10s offset 0x%06zx size %zu", ep_section_name(id), off, sz);
			if (id == 0) {
				fputs(" \"", f);
				cli_put_text(f, s, n);
				fputc('"', f);
			}
			fputc('\n', f);
		}
	}
	/* Imports. */
	fputs(json ? "],\"imports\":[" : "imports:\n", f);
	uint32_t nimp = ep_module_import_count(m), seen[4] = { 0, 0, 0, 0 };
	for (uint32_t i = 0; i < nimp; i++) {
		uint8_t kind;
		ep_module_import(m, i, &s, &n, &s2, &n2, &kind);
		uint32_t idx = kind < 4 ? seen[kind]++ : 0;
		if (json) {
			fputs(i ? ",{\"module\":" : "{\"module\":", f);
			cli_json_str(f, s, n);
			fputs(",\"name\":", f);
			cli_json_str(f, s2, n2);
			ep_fprintf(f, ",\"kind\":\"%s\"", ep_extern_kind_name(kind));
		} else {
			ep_fprintf(f, "  %-6s ", ep_extern_kind_name(kind));
			cli_put_text(f, s, n);
			fputc('.', f);
			cli_put_text(f, s2, n2);
		}
		describe(f, m, kind, idx, json);
		fputs(json ? "}" : "\n", f);
	}
	/* Exports. */
	fputs(json ? "],\"exports\":[" : "exports:\n", f);
	uint32_t nexp = ep_module_export_count(m);
	for (uint32_t i = 0; i < nexp; i++) {
		uint8_t kind;
		ep_module_export(m, i, &s, &n, &kind);
		uint32_t idx = ep_module_export_index(m, i);
		if (json) {
			fputs(i ? ",{\"name\":" : "{\"name\":", f);
			cli_json_str(f, s, n);
			ep_fprintf(f, ",\"kind\":\"%s\",\"index\":%" PRIu32, ep_extern_kind_name(kind), idx);
		} else {
			ep_fprintf(f, "  %-6s ", ep_extern_kind_name(kind));
			cli_put_text(f, s, n);
		}
		describe(f, m, kind, idx, json);
		fputs(json ? "}" : "\n", f);
	}
	/* Memories, tables and globals, imported ones first. */
	static const uint8_t kinds[] = { EP_EXTERN_MEMORY, EP_EXTERN_TABLE, EP_EXTERN_GLOBAL };
	static const char *const names[] = { "memories", "tables", "globals" };
	for (int k = 0; k < 3; k++) {
		uint32_t total = ep_module_count(m, kinds[k]), imp = ep_module_imported(m, kinds[k]);
		if (json)
			ep_fprintf(f, "],\"%s\":[", names[k]);
		else
			ep_fprintf(f, "%s:%s\n", names[k], total ? "" : " none");
		for (uint32_t i = 0; i < total; i++) {
			if (json)
				ep_fprintf(f, "%s{\"index\":%" PRIu32 ",\"imported\":%s", i ? "," : "", i,
				        i < imp ? "true" : "false");
			else
				ep_fprintf(f, "  %" PRIu32 "%s", i, i < imp ? " imported" : "");
			describe(f, m, kinds[k], i, json);
			fputs(json ? "}" : "\n", f);
		}
	}
	uint32_t start;
	int has_start = ep_module_start(m, &start);
	uint32_t feat = ep_module_features(m);
	if (json) {
		ep_fprintf(f, "],\"functions\":%" PRIu32 ",\"imported_functions\":%" PRIu32 ",\"start\":",
		        ep_module_count(m, EP_EXTERN_FUNC), ep_module_imported(m, EP_EXTERN_FUNC));
		if (has_start)
			ep_fprintf(f, "%" PRIu32, start);
		else
			fputs("null", f);
		fputs(",\"features\":[", f);
	} else {
		ep_fprintf(f, "functions: %" PRIu32 " (%" PRIu32 " imported)\n",
		        ep_module_count(m, EP_EXTERN_FUNC), ep_module_imported(m, EP_EXTERN_FUNC));
		if (has_start)
			ep_fprintf(f, "start: function %" PRIu32 "\n", start);
		fputs("features:", f);
	}
	int any = 0;
	for (int b = 0; b < EP_FEATURE_COUNT; b++) {
		if (!(feat >> b & 1))
			continue;
		ep_fprintf(f, json ? "%s\"%s\"" : "%s%s", json ? (any ? "," : "") : " ",
		        ep_feature_name(1u << b));
		any = 1;
	}
	fputs(json ? "]}\n" : any ? "\n" : " none (WebAssembly 1.0)\n", f);
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
		print_module(stdout, m, path, len, json);
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
