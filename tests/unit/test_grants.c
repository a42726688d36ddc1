/*
 * test_grants.c - the one grant path (src/grants.h): a manifest's grants
 * read back field by field, [config] as EDGEPLUG_CONFIG_ variables, host
 * directories joined to the manifest's folder, defaults, tightening that
 * lowers and refuses to widen, and the store limits a grant set makes.
 */
#include "check.h"
#include "grants.h"
#include "manifest.h"

static const char text[] =
	"[plugin]\n"
	"id = org.example.t\n"
	"version = 1\n"
	"wasm = t.wasm\n"
	"sha256 = 0000000000000000000000000000000000000000000000000000000000000000\n"
	"[capabilities]\n"
	"stdout = yes\n"
	"clock = yes\n"
	"env = EP_A, EP_B=fixed\n"
	"dir = data::/data:ro, /abs::/abs\n"
	"args = one two\n"
	"[limits]\n"
	"fuel = 500\n"
	"memory = 1M\n"
	"timeout = 2s\n"
	"call_depth = 77\n"
	"stack = 64K\n"
	"output = 100\n"
	"[config]\n"
	"threshold = 12\n";

int main(void)
{
	ep_manifest m;
	ep_manifest_error e;
	ep_grants g, d;
	ep_limits l;
	if (ep_manifest_parse(text, sizeof text - 1, NULL, NULL, &m, &e) != EP_OK) {
		printf("FAIL: the fixture does not parse: %u: %s\n", e.line, e.msg);
		return 1;
	}
	ep_grants_init(&d);
	CHECK(d.caps == 0 && d.nenv == 0 && d.ndir == 0 && d.nargs == 0, "nothing granted by default");
	CHECK(d.budget.fuel == UINT64_MAX && d.budget.timeout_ms == UINT64_MAX &&
	      d.budget.output == UINT64_MAX, "no fuel, deadline or output cap by default");
	CHECK(d.budget.runtime_memory == EP_GRANTS_DEFAULT_RUNTIME_BYTES, "default runtime memory");

	ep_grants_init(&g);
	CHECK(ep_grants_from_manifest(&g, &m, "plugins/t") == 0, "grants from the manifest");
	CHECK(g.caps == (EP_WASI_STDOUT | EP_WASI_CLOCKS), "caps: stdout and clock only (0x%x)", g.caps);
	CHECK(g.nenv == 3, "two env grants and one config variable (%zu)", g.nenv);
	CHECK(g.nenv == 3 && strcmp(g.env[0].name, "EP_A") == 0 && g.env[0].value == NULL,
	      "EP_A forwarded from the host");
	CHECK(g.nenv == 3 && strcmp(g.env[1].name, "EP_B") == 0 && strcmp(g.env[1].value, "fixed") == 0,
	      "EP_B fixed");
	CHECK(g.nenv == 3 && strcmp(g.env[2].name, "EDGEPLUG_CONFIG_threshold") == 0 &&
	      strcmp(g.env[2].value, "12") == 0, "[config] threshold as EDGEPLUG_CONFIG_threshold");
	CHECK(g.ndir == 2 && strcmp(g.dir[0].host, "plugins/t/data") == 0 &&
	      strcmp(g.dir[0].guest, "/data") == 0 && g.dir[0].readonly, "relative dir joined, read-only");
	CHECK(g.ndir == 2 && strcmp(g.dir[1].host, "/abs") == 0 && !g.dir[1].readonly,
	      "absolute dir as written, writable");
	CHECK(g.nargs == 2 && strcmp(g.args[0], "one") == 0 && strcmp(g.args[1], "two") == 0, "args");
	CHECK(g.budget.fuel == 500 && g.budget.memory == 1048576 && g.budget.timeout_ms == 2000 &&
	      g.budget.call_depth == 77 && g.budget.stack == 65536 && g.budget.output == 100,
	      "limits from the manifest");
	CHECK(g.budget.runtime_memory == EP_GRANTS_DEFAULT_RUNTIME_BYTES &&
	      g.budget.table_elements == d.budget.table_elements, "absent limits keep the defaults");

	ep_grants_limits(&g, &l);
	CHECK(l.max_memory_pages == 16 && l.max_call_depth == 77 && l.max_stack_slots == 8192,
	      "store limits: 16 pages, depth 77, 8192 slots");

	/* Tightening: lower is taken, higher is refused whole. */
	ep_budget want = g.budget;
	want.fuel = 100;
	want.memory = 65536;
	CHECK(ep_grants_tighten(&g, &want, 1u << EP_B_FUEL | 1u << EP_B_MEMORY) == -1, "lower is fine");
	CHECK(g.budget.fuel == 100 && g.budget.memory == 65536, "and lowered");
	want.fuel = 50;
	want.timeout_ms = 3000;
	CHECK(ep_grants_tighten(&g, &want, 1u << EP_B_FUEL | 1u << EP_B_TIMEOUT) == EP_B_TIMEOUT,
	      "a longer timeout is refused");
	CHECK(g.budget.fuel == 100 && g.budget.timeout_ms == 2000, "and nothing changed");
	want = d.budget;
	want.runtime_memory = EP_GRANTS_DEFAULT_RUNTIME_BYTES + 1;
	CHECK(ep_grants_tighten(&g, &want, 1u << EP_B_RUNTIME) == EP_B_RUNTIME,
	      "above a default is widening too");
	CHECK(strcmp(ep_budget_flag[EP_B_OUTPUT], "--max-output") == 0 &&
	      strcmp(ep_budget_key[EP_B_DEPTH], "call_depth") == 0, "flag and key names");

	/* The WASI context of a grant set: no directory that does not open. */
	ep_engine *en = ep_engine_new(NULL, NULL);
	ep_wasi *w = NULL;
	ep_error err;
	memset(&err, 0, sizeof err);
	ep_status st = ep_grants_wasi(&g, en, "t", 0, NULL, 0, &w, &err);
	CHECK(st == EP_ERR_ARG && w == NULL && strstr(err.msg, "plugins/t/data"),
	      "a missing dir is refused by name (%d: %s)", st, err.msg);
	ep_grants d2;
	ep_grants_init(&d2);
	d2.caps = EP_WASI_STDOUT;
	d2.budget.output = 10;
	CHECK(ep_grants_wasi(&d2, en, "t", 0, NULL, 0, &w, &err) == EP_OK && w, "an empty grant set");
	CHECK(w && ep_wasi_output_bytes(w) == 0 && ep_wasi_output_refused(w) == 0, "nothing written yet");
	ep_wasi_free(w);
	ep_engine_free(en);
	ep_grants_free(&g);
	ep_manifest_free(&m, NULL, NULL);
	return check_summary();
}
