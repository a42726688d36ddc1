/*
 * cli_run.c - 'edgeplug validate' and 'edgeplug run': load a module, build
 * its grant set from flags or from a manifest (one path: grants.h), run
 * its _start or one exported function, map the outcome to an exit code and,
 * with --report, write the run report (docs/cli.md). All run state lives in
 * a struct run passed down explicitly; the deadline's signal handler is the
 * one exception, and it only raises interrupts.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>

#include "cli.h"
#include "edgeplug.h"
#include "edgeplug_wasi.h"
#include "fmt.h"
#include "grants.h"
#include "units.h"
#include "wasi.h"

static const char help_validate[] =
	"usage: edgeplug validate FILE.wasm\n"
	"\n"
	"Decodes and validates FILE.wasm as 'run' would; silent when it is fine.\n"
	"exit status: 0 valid, 64 usage, 65 malformed or invalid, 66 cannot read,\n"
	"70 out of memory\n";

#define USAGE_RUN \
	"usage: edgeplug run [OPTION...] FILE.wasm [ARG...]\n" \
	"       edgeplug run --invoke NAME [OPTION...] FILE.wasm [ARG...]\n" \
	"       edgeplug run [LIMIT...] [--trust KEY|DIR] [--report FILE] PLUGIN.ini [ARG...]\n"

static const char help_run[] =
	USAGE_RUN
	"\n"
	"Runs a WASI command, calls one export (--invoke: ARGs by its parameter\n"
	"types, results as TYPE:VALUE), or runs a signed, pinned manifest with\n"
	"exactly its grants and limits (docs/cli.md, docs/manifest.md).\n"
	"\n"
	"  --invoke NAME          call NAME instead of _start\n"
	"  --dir HOST[::GUEST]    grant a directory; --dir-ro: read-only\n"
	"  --env NAME[=VALUE]     grant a variable (the host's, or VALUE)\n"
	"  --trust KEY.pub|DIR    trusted signing keys (else /etc/edgeplug/trusted.d)\n"
	"  --report FILE          write the run report (JSON) when the run ends\n"
	"  --stats                one line of usage on stderr at the end\n"
	"  --trap-unknown-imports unknown function imports trap when called\n"
	"budgets (docs/limits.md; with a manifest they may only tighten):\n"
	"  --fuel N  --timeout DURATION  --max-memory SIZE (256M)\n"
	"  --max-table-elements N  --max-call-depth N (10000)  --max-stack SIZE (1M)\n"
	"  --max-runtime-memory SIZE (128M)  --max-output SIZE\n"
	"\n"
	"exit status: the program's own (0-255), or\n"
	"  64 usage  65 malformed or invalid  66 cannot read  69 unknown import\n"
	"  70 out of memory or an engine limit  77 not trusted (signature, pin)\n"
	"  124 deadline  134 trap  135 fuel\n";

/* ---- the state of one run ---- */

typedef struct run {
	const char *path;             /* what messages name: the .wasm or the .ini */
	ep_engine *engine;
	ep_module *module;
	ep_store *store;
	ep_wasi *wasi;
	uint8_t *bytes;               /* the binary the module borrows, counted by the engine */
	size_t len;
	ep_grants grants;
	cli_plugin *plugin;           /* manifest runs */
	int trap_unknown;             /* --trap-unknown-imports */
	const char *timeout_text;     /* as written, for the message */
	char timeout_buf[24];         /* a manifest's timeout, as text */
	uint64_t started_ms;
	/* What the report says. */
	const char *outcome;          /* NULL: "error" */
	int has_exit;
	int exit_code;                /* the plugin's own */
	ep_trap trap;
	uint32_t trap_func;
	char msg[320];                /* the last message printed */
} run;

static uint64_t now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/* Prints "edgeplug: MESSAGE" and keeps it for the report; returns rc. */
static int say(run *r, int rc, const char *fmt, ...) CLI_PRINTF(3, 4);
static int say(run *r, int rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ep_vsnprintf(r->msg, sizeof r->msg, fmt, ap);
	va_end(ap);
	ep_fprintf(stderr, "edgeplug: %s\n", r->msg);
	return rc;
}

static const char *msg_or(const ep_error *err, const char *fallback)
{
	return err->msg[0] ? err->msg : fallback;
}

static void error_init(ep_error *err)
{
	memset(err, 0, sizeof *err);
	err->offset = SIZE_MAX;
	err->func = UINT32_MAX;
}

/* Reports a failed load, instantiation or call; returns the exit code. */
static int report_status(run *r, ep_status st, const ep_error *err)
{
	char where[32] = "";
	switch (st) {
	case EP_ERR_MALFORMED:
	case EP_ERR_INVALID:
		if (err->offset != SIZE_MAX)
			ep_snprintf(where, sizeof where, " at offset 0x%zx", err->offset);
		return say(r, RC_DATAERR, "%s: %s: %s%s", r->path,
		           st == EP_ERR_MALFORMED ? "malformed" : "invalid",
		           msg_or(err, "no reason given"), where);
	case EP_ERR_TRAP: {
		char name[96] = "";
		const char *s;
		size_t len;
		if (err->func != UINT32_MAX && r->module &&
		    ep_module_func_name(r->module, err->func, &s, &len)) {
			name[0] = ' ';
			name[1] = '(';
			cli_escape(name + 2, sizeof name - 3, s, len);
			strcat(name, ")");
		}
		r->outcome = "trapped";
		r->trap = err->trap;
		r->trap_func = err->func;
		return say(r, RC_TRAP, "trap: %s%s", msg_or(err, ep_trap_name(err->trap)), name);
	}
	case EP_ERR_UNLINKABLE:
		return say(r, RC_UNAVAILABLE, "%s: %s", r->path, msg_or(err, "unlinkable"));
	case EP_ERR_NOMEM:
		return say(r, RC_SOFTWARE, "%s: %s (engine memory limit: see --max-runtime-memory)",
		           r->path, msg_or(err, "out of memory"));
	case EP_ERR_LIMIT:
		return say(r, RC_SOFTWARE, "%s: %s", r->path, msg_or(err, "limit exceeded"));
	default:
		return say(r, RC_SOFTWARE, "%s: internal error (status %d): %s", r->path, (int)st,
		           msg_or(err, "no reason given"));
	}
}

/* Loads the module from bytes, a block of the CLI's malloc that the
 * module then borrows (kept in r until the module is gone) instead of
 * copying: a module's worth of pages and a memcpy less. The engine counts
 * it as it would count its copy, len bytes against its limits: with the
 * default allocator, engine memory is this malloc, and a realloc that does
 * not grow keeps the block where it is. On failure bytes are freed. */
static int load_bytes(run *r, uint8_t *bytes, size_t len)
{
	ep_error err;
	error_init(&err);
	ep_status st = EP_ERR_NOMEM;
	/* Another malloc (a sanitizer's) may move the block even so. */
	uint8_t *kept = ep_engine_realloc(r->engine, bytes, 0, len ? len : 1);
	if (kept) {
		r->bytes = kept;
		r->len = len ? len : 1;
		st = ep_module_load_static(r->engine, kept, len, &r->module, &err);
	} else {
		free(bytes);
	}
	if (st != EP_OK) {
		r->module = NULL;
		return report_status(r, st, &err);
	}
	return RC_OK;
}

/* The module and then the bytes it borrows. */
static void unload(run *r)
{
	ep_module_free(r->module);
	if (r->bytes)
		ep_engine_realloc(r->engine, r->bytes, r->len, 0);
}

static int new_engine(run *r)
{
	r->engine = ep_engine_new(NULL, NULL);
	return r->engine ? RC_OK : say(r, RC_SOFTWARE, "out of memory");
}

/* ---- validate ---- */

static int cmd_validate(int argc, char **argv)
{
	const char *path = NULL;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (a[0] == '-' && a[1] != '\0')
			return cli_usage(help_validate, "validate: unknown option \"%s\"", a);
		if (path)
			return cli_usage(help_validate, "validate: unexpected argument \"%s\"", a);
		path = a;
	}
	if (!path)
		return cli_usage(help_validate, "validate: missing %s", "FILE.wasm");
	run r;
	memset(&r, 0, sizeof r);
	r.path = path;
	uint8_t *bytes;
	size_t len;
	int rc = new_engine(&r);
	if (rc == RC_OK && (rc = cli_read_file(path, CLI_MAX_MODULE_BYTES, &bytes, &len)) == RC_OK)
		rc = load_bytes(&r, bytes, len);
	unload(&r);
	ep_engine_free(r.engine);
	return rc;
}

const cli_command cli_cmd_validate = {
	"validate", cmd_validate, "decode and validate a module; silent when it is fine",
	help_validate
};

/* ---- options ---- */

typedef struct run_opts {
	const char *invoke;
	const char *report;
	const char **trust;
	size_t ntrust;
	int stats;
	ep_budget want;               /* budget flags given: bit k of asked */
	unsigned asked;
	const char *timeout_text;
	const char *cap_flag;         /* the first capability flag, if any */
	ep_grants flags;              /* --dir, --env */
} run_opts;

/* HOST[::GUEST]: the host part's length and the guest name (HOST as
 * written when there is no "::"). */
static size_t split_dir(const char *spec, const char **guest)
{
	const char *sep = spec;
	while (*sep && !(sep[0] == ':' && sep[1] == ':'))
		sep++;
	if (!*sep)
		sep = NULL;
	*guest = sep ? sep + 2 : spec;
	return sep ? (size_t)(sep - spec) : strlen(spec);
}

/* One budget flag at argv[*i]: 1 taken, 0 not a budget flag, or the exit
 * code of a bad value (message printed) as a negative number. */
static int budget_option(run_opts *o, int argc, char **argv, int *i)
{
	const char *v;
	int got = 0, k = 0;
	for (; k < EP_B_COUNT; k++)
		if ((got = cli_opt_value(ep_budget_flag[k], argc, argv, i, &v)) != 0)
			break;
	if (k == EP_B_COUNT)
		return 0;
	const char *opt = ep_budget_flag[k];
	if (got < 0)
		return -cli_usage(help_run, "run: %s needs a value", opt);
	size_t n = strlen(v);
	uint64_t x;
	int ok;
	const char *kind = "size (e.g. 65536, 64K, 16M)";
	switch (k) {
	case EP_B_FUEL:
		ok = ep_parse_count(v, n, &x);
		kind = "count";
		break;
	case EP_B_TABLE:
		ok = ep_parse_count(v, n, &x) && x > 0 && x <= UINT32_MAX;
		kind = "count";
		break;
	case EP_B_DEPTH:
		ok = ep_parse_count(v, n, &x) && x > 0 && x <= 100000000;
		kind = "count";
		break;
	case EP_B_MEMORY:
		ok = ep_parse_size(v, n, &x);
		if (ok && x < 65536)
			return -cli_usage(help_run, "run: --max-memory \"%s\": less than one 64 KiB page", v);
		break;
	case EP_B_STACK:
		ok = ep_parse_size(v, n, &x) && x >= 8 && x / 8 <= UINT32_MAX;
		break;
	case EP_B_RUNTIME:
		ok = ep_parse_size(v, n, &x) && x > 0;
		/* More than a 32-bit board can address means "all of it". */
		if (ok && x > SIZE_MAX)
			x = SIZE_MAX;
		break;
	case EP_B_TIMEOUT:
		ok = ep_parse_duration_ms(v, n, &x) && x > 0;
		kind = "duration (e.g. 500ms, 2s)";
		o->timeout_text = v;
		break;
	default: /* EP_B_OUTPUT */
		ok = ep_parse_size(v, n, &x);
		break;
	}
	if (!ok)
		return -cli_usage(help_run, "run: %s \"%s\": not a valid %s", opt, v, kind);
	*ep_budget_at(&o->want, k) = x;
	o->asked |= 1u << k;
	return 1;
}

/* A capability flag at argv[*i]: 1 taken, 0 not one, negative exit code. */
static int capability_option(run_opts *o, int argc, char **argv, int *i)
{
	const char *a = argv[*i], *v;
	ep_grants *g = &o->flags;
	int got;
	if ((got = cli_opt_value("--dir", argc, argv, i, &v)) != 0 ||
	    (got = cli_opt_value("--dir-ro", argc, argv, i, &v)) != 0) {
		const char *opt = strncmp(a, "--dir-ro", 8) == 0 ? "--dir-ro" : "--dir";
		const char *guest;
		if (got < 0)
			return -cli_usage(help_run, "run: %s needs HOST[::GUEST]", opt);
		if (split_dir(v, &guest) == 0)
			return -cli_usage(help_run, "run: %s \"%s\": no host directory", opt, v);
		if (!*guest)
			return -cli_usage(help_run, "run: %s \"%s\": empty guest name", opt, v);
		for (size_t j = 0; j < g->ndir; j++)
			if (strcmp(g->dir[j].guest, guest) == 0)
				return -cli_usage(help_run, "run: %s \"%s\": guest name \"%s\" given twice",
				                  opt, v, guest);
		/* HOST::GUEST is cut in two in place (argv is ours to change). */
		if (guest != v)
			((char *)guest)[-2] = '\0';
		g->dir[g->ndir].host = v;
		g->dir[g->ndir].guest = guest;
		g->dir[g->ndir++].readonly = strcmp(opt, "--dir-ro") == 0;
	} else if ((got = cli_opt_value("--env", argc, argv, i, &v)) != 0) {
		if (got < 0)
			return -cli_usage(help_run, "run: --env needs NAME=VALUE or NAME");
		if (v[0] == '\0' || v[0] == '=')
			return -cli_usage(help_run, "run: --env \"%s\": empty variable name", v);
		char *eq = strchr(v, '=');
		g->env[g->nenv].name = v;
		g->env[g->nenv].value = eq ? eq + 1 : NULL;
		if (eq)
			*eq = '\0';
		g->nenv++;
	} else {
		return 0;
	}
	if (!o->cap_flag)
		o->cap_flag = a;
	return 1;
}

/* ---- running ---- */

/* The deadline: SIGALRM interrupts the running plugin (ep_wasi_interrupt
 * also wakes a blocking WASI call). The timer keeps firing every 5 ms after
 * the deadline, so an interrupt that lands between two calls, where the
 * next call would clear it, is raised again at once. A signal handler can
 * reach only globals: these two, and nothing else of the run. */
static volatile sig_atomic_t deadline_hit;
static ep_wasi *volatile deadline_wasi;

static void on_deadline(int sig)
{
	(void)sig;
	deadline_hit = 1;
	if (deadline_wasi)
		ep_wasi_interrupt(deadline_wasi);
}

static int arm_deadline(run *r, uint64_t ms)
{
	deadline_wasi = r->wasi;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_deadline;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	struct itimerval it;
	memset(&it, 0, sizeof it);
	/* A 32-bit time_t timer stops at 2^31 s: longer is "never" anyway. */
	if (ms / 1000 > INT32_MAX)
		ms = (uint64_t)INT32_MAX * 1000;
	it.it_value.tv_sec = (time_t)(ms / 1000);
	it.it_value.tv_usec = (suseconds_t)(ms % 1000 * 1000);
	it.it_interval.tv_usec = 5000;
	if (sigaction(SIGALRM, &sa, NULL) != 0 || setitimer(ITIMER_REAL, &it, NULL) != 0)
		return say(r, RC_SOFTWARE, "cannot set the deadline timer: %s", ep_strerror(errno));
	return RC_OK;
}

static void disarm_deadline(void)
{
	struct itimerval it;
	memset(&it, 0, sizeof it);
	setitimer(ITIMER_REAL, &it, NULL);
	deadline_wasi = NULL;
}

/* The process exit status for a WASI exit code: 0-255 as they are; what a
 * shell could not tell apart from a small code (256 looks like 0) is 255. */
static int exit_status(int code)
{
	return code >= 0 && code <= 255 ? code : 255;
}

/* A failed instantiation or call; proc_exit is the program ending, not a
 * failure, and gives its own status. */
static int run_failed(run *r, ep_status st, const ep_error *err)
{
	if (st == EP_ERR_TRAP && err->trap == EP_TRAP_EXIT) {
		r->outcome = "exited";
		r->has_exit = 1;
		r->exit_code = err->exit_code;
		return exit_status(err->exit_code);
	}
	if (st == EP_ERR_TRAP && (err->trap == EP_TRAP_INTERRUPT || deadline_hit) &&
	    r->grants.budget.timeout_ms != UINT64_MAX) {
		r->outcome = "deadline";
		r->trap = err->trap;
		return say(r, RC_TIMEOUT, "deadline exceeded after %s", r->timeout_text);
	}
	if (st == EP_ERR_TRAP && err->trap == EP_TRAP_FUEL) {
		r->outcome = "fuel";
		r->trap = err->trap;
		r->trap_func = err->func;
		return say(r, RC_FUEL, "fuel exhausted after %" PRIu64 " units",
		           ep_store_fuel_used(r->store));
	}
	return report_status(r, st, err);
}

/* Calls the instance's exported function name with the text args and prints
 * the results. */
static int invoke(run *r, ep_instance *inst, const char *name, int nargs, char **args)
{
	int rc;
	ep_error err;
	error_init(&err);
	ep_extern ext;
	if (!ep_instance_export(inst, name, strlen(name), &ext) || ext.kind != EP_EXTERN_FUNC)
		return say(r, RC_USAGE, "%s: no exported function %s", r->path, name);
	ep_functype ft;
	ep_func_type(ext.of.func, &ft);
	if ((uint32_t)nargs != ft.nparams) {
		char types[128] = "";
		for (uint32_t i = 0; i < ft.nparams && strlen(types) < sizeof types - 12; i++) {
			strcat(types, i ? " " : "");
			strcat(types, ep_valtype_name(ft.params[i]));
		}
		return say(r, RC_USAGE, "%s expects %" PRIu32 " argument%s (%s), got %d", name,
		           ft.nparams, ft.nparams == 1 ? "" : "s", types, nargs);
	}
	/* One array for both: params first, then results. */
	size_t nvals = (size_t)ft.nparams + ft.nresults;
	ep_value *vals = calloc(nvals ? nvals : 1, sizeof *vals);
	if (!vals)
		return say(r, RC_SOFTWARE, "%s: out of memory", r->path);
	for (uint32_t i = 0; i < ft.nparams; i++) {
		if (!cli_parse_value(args[i], ft.params[i], &vals[i])) {
			rc = say(r, RC_USAGE, "argument %" PRIu32 ": cannot parse \"%s\" as %s", i + 1,
			         args[i], ep_valtype_name(ft.params[i]));
			goto out;
		}
	}
	ep_value *results = vals + ft.nparams;
	ep_status st = ep_call(r->store, ext.of.func, vals, ft.nparams, results, ft.nresults, &err);
	if (st != EP_OK) {
		rc = run_failed(r, st, &err);
		goto out;
	}
	for (uint32_t i = 0; i < ft.nresults; i++)
		cli_print_value(stdout, &results[i]);
	r->outcome = "exited";
	r->has_exit = 1;
	r->exit_code = 0;
	rc = RC_OK;
out:
	free(vals);
	return rc;
}

/* Whether the module exports a function called name: checked before
 * instantiating so a typo does not run the start function first. */
static int module_exports_func(const ep_module *m, const char *name)
{
	uint32_t i;
	uint8_t kind = EP_EXTERN_TABLE;
	if (ep_module_export_find(m, name, strlen(name), &i))
		ep_module_export(m, i, NULL, NULL, &kind);
	return kind == EP_EXTERN_FUNC;
}

/* Instantiates the module with r's grants and runs it: _start, or (with
 * name) the exported function name with args as its arguments. use_args:
 * args replace the grants' argv (for _start). */
static int run_module(run *r, const char *name, int invoke_mode, int nargs, char **args,
                      int use_args)
{
	int rc;
	ep_error err;
	error_init(&err);
	ep_linker *l = NULL;
	const ep_module *m = r->module;
	uint64_t timeout = r->grants.budget.timeout_ms;
	if (!module_exports_func(m, name))
		return say(r, RC_USAGE, "%s: no exported function %s%s", r->path, name,
		           invoke_mode ? "" : " (not a WASI command; --invoke NAME calls a function)");

	/* Nothing but the deadline interrupts a run (on_deadline). */
	if (timeout == UINT64_MAX)
		r->grants.caps |= EP_WASI_UNINTERRUPTED;
	const char *base = strrchr(r->path, '/');
	/* With --invoke the ARGs are the function's, and argv is the name. */
	ep_status st = ep_grants_wasi(&r->grants, r->engine, base ? base + 1 : r->path,
	                              invoke_mode ? 0 : (size_t)nargs, (const char *const *)args,
	                              invoke_mode || use_args, &r->wasi, &err);
	if (st != EP_OK)
		return say(r, st == EP_ERR_ARG ? RC_NOINPUT : RC_SOFTWARE, "%s",
		           msg_or(&err, "out of memory"));
	/* A switch for testing the fallback path resolution everywhere. */
	const char *res = getenv("EDGEPLUG_WASI_RESOLVE");
	if (res && strcmp(res, "walk") == 0)
		ep_wasi_set_resolve(r->wasi, EP_WASI_RESOLVE_WALK);

	ep_limits limits;
	ep_grants_limits(&r->grants, &limits);
	r->store = ep_store_new(r->engine, &limits);
	if (r->store && r->grants.budget.fuel != UINT64_MAX)
		ep_store_set_fuel(r->store, r->grants.budget.fuel);
	if (!r->store) {
		rc = say(r, RC_SOFTWARE, "%s: out of memory for the store's stacks "
		         "(engine memory limit: see --max-runtime-memory)", r->path);
		goto out;
	}
	/* WASI, and under --trap-unknown-imports stubs for the rest. */
	st = ep_linker_new(r->engine, &l, &err);
	if (st == EP_OK) {
		ep_linker_only(l, m);
		st = ep_wasi_define(r->wasi, l, &err);
	}
	if (st != EP_OK) {
		rc = report_status(r, st, &err);
		goto out;
	}
	ep_linker_set_trap_unknown(l, r->trap_unknown);
	/* A reader that goes away is the plugin's EPIPE, not our death. */
	signal(SIGPIPE, SIG_IGN);
	if (timeout != UINT64_MAX) {
		/* The deadline counts from the start of the command. */
		uint64_t spent = now_ms() - r->started_ms;
		if ((rc = arm_deadline(r, spent < timeout ? timeout - spent : 1)) != RC_OK)
			goto out;
	}
	ep_instance *inst;
	st = ep_wasi_instantiate(r->wasi, l, r->store, m, &inst, &err);
	if (st != EP_OK) {
		rc = run_failed(r, st, &err);
		goto out;
	}
	ep_extern ext;
	if (invoke_mode) {
		if (ep_instance_export(inst, "_initialize", 11, &ext) && ext.kind == EP_EXTERN_FUNC) {
			st = ep_call(r->store, ext.of.func, NULL, 0, NULL, 0, &err);
			if (st != EP_OK) {
				rc = run_failed(r, st, &err);
				goto out;
			}
		}
		rc = invoke(r, inst, name, nargs, args);
		goto out;
	}
	ep_instance_export(inst, name, strlen(name), &ext);
	ep_functype ft;
	ep_func_type(ext.of.func, &ft);
	if (ft.nparams || ft.nresults) {
		rc = say(r, RC_USAGE, "%s: %s must take and return nothing", r->path, name);
		goto out;
	}
	st = ep_call(r->store, ext.of.func, NULL, 0, NULL, 0, &err);
	if (st == EP_OK) {
		r->outcome = "exited";
		r->has_exit = 1;
		r->exit_code = 0;
		rc = RC_OK;
	} else {
		rc = run_failed(r, st, &err);
	}
out:
	if (timeout != UINT64_MAX)
		disarm_deadline();
	ep_linker_free(l);
	return rc;
}

/* ---- the run report (docs/cli.md) ---- */

static int write_report(run *r, const char *file, int rc)
{
	char *buf = NULL, id[17], pin[65];
	size_t len = 0;
	const char *s;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return -1;
	cli_out o;
	out_begin(&o, f, 1);
	out_cstr(&o, "outcome", r->outcome ? r->outcome : rc == RC_NOPERM ? "refused" : "error");
	out_u64(&o, "exit_status", (uint64_t)rc);
	if (r->has_exit && r->exit_code < 0) {
		/* A negative code from proc_exit is the plugin's own too. */
		ep_fprintf(f, ",\"exit_code\":%d", r->exit_code);
	} else {
		out_opt_u64(&o, "exit_code", r->has_exit, (uint64_t)r->exit_code);
	}
	int trapped = r->trap != EP_TRAP_NONE;
	out_cstr(&o, "trap", trapped ? ep_trap_name(r->trap) : NULL);
	if (trapped && r->trap_func != UINT32_MAX) {
		out_obj(&o, "trap_function");
		out_u64(&o, "index", r->trap_func);
		int named = r->module && ep_module_func_name(r->module, r->trap_func, &s, &n);
		out_str(&o, "name", named ? s : NULL, n);
		out_end(&o);
	} else {
		out_str(&o, "trap_function", NULL, 0);
	}
	out_u64(&o, "fuel_used", r->store ? ep_store_fuel_used(r->store) : 0);
	out_u64(&o, "peak_memory_bytes", r->store ? ep_store_peak_memory(r->store) : 0);
	out_u64(&o, "wall_ms", r->started_ms ? now_ms() - r->started_ms : 0);
	out_u64(&o, "output_bytes", r->wasi ? ep_wasi_output_bytes(r->wasi) : 0);
	out_u64(&o, "output_refused_writes", r->wasi ? ep_wasi_output_refused(r->wasi) : 0);
	int said = r->msg[0] && !(r->outcome && strcmp(r->outcome, "exited") == 0);
	out_cstr(&o, "message", said ? r->msg : NULL);
	cli_plugin *p = r->plugin;
	if (p && p->parsed) {
		out_obj(&o, "plugin");
		out_str(&o, "id", p->mf.id.p, p->mf.id.n);
		out_str(&o, "version", p->mf.version.p, p->mf.version.n);
		ep_sha256_hex(p->mf.sha256, pin);
		out_cstr(&o, "sha256", pin);
		out_cstr(&o, "signature", p->sig == EP_PLUGIN_SIGNED ? "trusted" : p->sig == SIG_UNCHECKED
		         ? "unchecked" : p->sig == EP_PLUGIN_UNSIGNED ? "unsigned" : "refused");
		if (p->signer) {
			ep_keyid_hex(p->signer->id, id);
			out_obj(&o, "signer");
			out_cstr(&o, "key_id", id);
			out_cstr(&o, "name", p->signer->name);
			out_end(&o);
		} else {
			out_str(&o, "signer", NULL, 0);
		}
		out_end(&o);
	} else {
		out_str(&o, "plugin", NULL, 0);
	}
	out_done(&o);
	int bad = ferror(f);
	if (fclose(f) != 0 || bad) {
		free(buf);
		return -1;
	}
	int w = cli_write_atomic(file, buf, len, 0644, 0);
	free(buf);
	return w;
}

/* ---- run ---- */

/* A manifest run: read, check trust and pin, then the manifest's grants
 * tightened by the flags. */
static int open_plugin(run *r, run_opts *o, cli_plugin *p, const char **entry)
{
	ep_trust trust = { NULL, 0 };
	int have = 0, rc;
	char why[256];
	r->plugin = p;
	if (o->cap_flag)
		return cli_usage(help_run, "run: %s: capability flags cannot widen a manifest's "
		                 "grants (the signed manifest is the whole truth)", o->cap_flag);
	if (o->invoke)
		return cli_usage(help_run, "run: --invoke: a manifest names its entry");
	if ((rc = cli_plugin_read(p, r->path)) != RC_OK)
		return say(r, rc, "%s: %s", r->path, p->why);
	if ((rc = cli_trust_load(&trust, o->trust, o->ntrust, &have, why, sizeof why)) != RC_OK)
		return say(r, rc, "%s", why);
	rc = cli_plugin_check_signature(p, have ? &trust : NULL);
	ep_trust_free(&trust);
	if (rc != RC_OK)
		return say(r, rc, "%s: not trusted: %s", r->path, p->why);
	if ((rc = cli_plugin_parse(p)) != RC_OK) {
		if (p->why_line)
			return say(r, rc, "%s:%" PRIu32 ": %s", r->path, p->why_line, p->why);
		return say(r, rc, "%s: %s", r->path, p->why);
	}
	if (p->sig == SIG_UNCHECKED)
		ep_fprintf(stderr, "edgeplug: warning: %s: %s; no trust store is configured, so it "
		        "runs unchecked\n", r->path, p->why);
	if (ep_grants_from_manifest(&r->grants, &p->mf, p->dir) != 0)
		return say(r, RC_SOFTWARE, "out of memory");
	int k = ep_grants_tighten(&r->grants, &o->want, o->asked);
	if (k >= 0)
		return cli_usage(help_run, "run: %s is above the manifest's %s (flags may only "
		                 "tighten a manifest's limits)", ep_budget_flag[k], ep_budget_key[k]);
	/* The module is read after the pin's file size is known to fit. */
	size_t max = r->grants.budget.runtime_memory < CLI_MAX_MODULE_BYTES
	             ? (size_t)r->grants.budget.runtime_memory : CLI_MAX_MODULE_BYTES;
	if ((rc = cli_plugin_check_pin(p, max)) != RC_OK)
		return say(r, rc, "%s: %s", r->path, p->why);
	*entry = p->mf.entry.n ? NULL : "_start";
	return RC_OK;
}

static int ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);
	return n >= t && strcmp(s + n - t, tail) == 0;
}

static int cmd_run(int argc, char **argv)
{
	run r;
	run_opts o;
	cli_plugin plugin;
	memset(&r, 0, sizeof r);
	memset(&o, 0, sizeof o);
	memset(&plugin, 0, sizeof plugin);
	r.trap_func = UINT32_MAX;
	ep_grants_init(&r.grants);
	ep_grants_init(&o.flags);
	int rc = RC_OK, i = 0, got;
	char *entry_buf = NULL;
	const char *v;
	o.flags.dir = calloc((size_t)argc + 1, sizeof *o.flags.dir);
	o.flags.env = calloc((size_t)argc + 1, sizeof *o.flags.env);
	o.trust = calloc((size_t)argc + 1, sizeof *o.trust);
	if (!o.flags.dir || !o.flags.env || !o.trust) {
		rc = say(&r, RC_SOFTWARE, "out of memory");
		goto out;
	}
	for (; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (a[0] != '-' || a[1] == '\0')
			break;
		if (strcmp(a, "--stats") == 0) {
			o.stats = 1;
		} else if (strcmp(a, "--trap-unknown-imports") == 0) {
			r.trap_unknown = 1;
		} else if ((got = budget_option(&o, argc, argv, &i)) != 0 ||
		           (got = capability_option(&o, argc, argv, &i)) != 0) {
			if (got < 0) {
				rc = -got;
				goto out;
			}
		} else if ((got = cli_opt_value("--invoke", argc, argv, &i, &v)) != 0) {
			if (got < 0) {
				rc = cli_usage(help_run, "run: --invoke needs a NAME");
				goto out;
			}
			o.invoke = v;
		} else if ((got = cli_opt_value("--trust", argc, argv, &i, &v)) != 0) {
			if (got < 0) {
				rc = cli_usage(help_run, "run: --trust needs KEY.pub or DIR");
				goto out;
			}
			o.trust[o.ntrust++] = v;
		} else if ((got = cli_opt_value("--report", argc, argv, &i, &v)) != 0) {
			if (got < 0 || !*v) {
				rc = cli_usage(help_run, "run: --report needs a FILE");
				goto out;
			}
			o.report = v;
		} else {
			rc = cli_usage(help_run, "run: unknown option \"%s\"", a);
			goto out;
		}
	}
	/* The clock only for what reads it: the deadline (a flag's, or a
	 * manifest's: below), --report and --stats. A process's first
	 * clock_gettime costs three page faults for the vDSO, ~15 us; the
	 * options before it took microseconds. A report after a usage error
	 * says 0 ms. */
	if (o.report || o.stats || o.asked)
		r.started_ms = now_ms();
	if (i == argc) {
		rc = cli_usage(help_run, "run: missing %s", "FILE.wasm or PLUGIN.ini");
		goto out;
	}
	r.path = argv[i++];
	r.timeout_text = o.timeout_text;

	const char *entry = o.invoke ? o.invoke : "_start";
	int invoke_mode = o.invoke != NULL;
	uint8_t *bytes = NULL;
	size_t len = 0;
	if (ends_with(r.path, ".ini")) {
		r.started_ms = now_ms();
		if ((rc = open_plugin(&r, &o, &plugin, &entry)) != RC_OK)
			goto out;
		if (!entry) {
			entry_buf = strndup(plugin.mf.entry.p, plugin.mf.entry.n);
			if (!entry_buf) {
				rc = say(&r, RC_SOFTWARE, "out of memory");
				goto out;
			}
			entry = entry_buf;
			/* A reactor's entry takes the ARGs as its arguments. */
			invoke_mode = strcmp(entry, "_start") != 0;
		}
		if (!r.timeout_text && plugin.mf.limits.has_timeout) {
			ep_snprintf(r.timeout_buf, sizeof r.timeout_buf, "%" PRIu64 "ms",
			            plugin.mf.limits.timeout_ms);
			r.timeout_text = r.timeout_buf;
		}
		bytes = plugin.wasm;
		len = plugin.wasm_len;
		plugin.wasm = NULL;
	} else {
		if (o.ntrust) {
			rc = cli_usage(help_run, "run: --trust: only a manifest is signed");
			goto out;
		}
		r.grants.caps = EP_GRANTS_RUN_CAPS;
		r.grants.env = o.flags.env;
		r.grants.nenv = o.flags.nenv;
		r.grants.dir = o.flags.dir;
		r.grants.ndir = o.flags.ndir;
		for (int k = 0; k < EP_B_COUNT; k++)
			if (o.asked >> k & 1)
				*ep_budget_at(&r.grants.budget, k) = *ep_budget_at(&o.want, k);
		/* The module file counts against the engine's own memory, so a
		 * file over the limit is refused before it is read (by the
		 * fstat of cli_load_file); only then is the path stat'ed again,
		 * to tell that limit from the CLI's own. */
		size_t max = r.grants.budget.runtime_memory < CLI_MAX_MODULE_BYTES
		             ? (size_t)r.grants.budget.runtime_memory : CLI_MAX_MODULE_BYTES;
		char why[128];
		if ((rc = cli_load_file(r.path, max, &bytes, &len, why, sizeof why)) != RC_OK) {
			if (cli_file_over(r.path, r.grants.budget.runtime_memory)) {
				rc = say(&r, RC_SOFTWARE, "%s: larger than the engine memory limit "
				         "(--max-runtime-memory)", r.path);
				goto out;
			}
			cli_fail(rc, "%s: %s", r.path, why);
			ep_snprintf(r.msg, sizeof r.msg, "%s: cannot read", r.path);
			goto out;
		}
	}
	if ((rc = new_engine(&r)) != RC_OK) {
		free(bytes);
		goto out;
	}
	/* The engine's own memory, all of it: the module and its code, then
	 * stacks, tables and instances. Linear memory has its own cap. */
	ep_engine_set_runtime_limit(r.engine, (size_t)r.grants.budget.runtime_memory);
	if ((rc = load_bytes(&r, bytes, len)) != RC_OK)
		goto out;
	int nargs = argc - i;
	char **args = argv + i;
	if (r.plugin && invoke_mode && nargs == 0) {
		/* A reactor's entry takes the manifest's args when the command
		 * line gives none. */
		nargs = (int)r.grants.nargs;
		args = (char **)r.grants.args;
	}
	rc = run_module(&r, entry, invoke_mode, nargs, args, !r.plugin || argc - i > 0);
out:
	if (o.stats && r.store)
		ep_fprintf(stderr, "stats: fuel_used=%" PRIu64 " peak_memory_bytes=%" PRIu64
		        " max_call_depth=%" PRIu32 " wall_ms=%" PRIu64 " engine_peak_bytes=%zu\n",
		        ep_store_fuel_used(r.store), ep_store_peak_memory(r.store),
		        ep_store_peak_call_depth(r.store), now_ms() - r.started_ms,
		        ep_engine_peak_bytes(r.engine));
	if (o.report && write_report(&r, o.report, rc) != 0) {
		ep_fprintf(stderr, "edgeplug: %s: cannot write the run report: %s\n", o.report,
		        ep_strerror(errno));
		if (rc == RC_OK)
			rc = RC_CANTCREAT;
	}
	if (r.plugin) {
		ep_grants_free(&r.grants);
		cli_plugin_free(&plugin);
	}
	free(entry_buf);
	ep_store_free(r.store);
	ep_wasi_free(r.wasi);
	unload(&r);
	ep_engine_free(r.engine);
	free(o.flags.dir);
	free(o.flags.env);
	free(o.trust);
	return rc;
}

const cli_command cli_cmd_run = {
	"run", cmd_run, "run a WASI program or a plugin manifest, or call an exported function",
	help_run
};
