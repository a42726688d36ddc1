/*
 * cli_plugin.c - the commands about plugins as deployed (a manifest, its
 * signature and its wasm): verify, audit, list and doctor, and the steps
 * they share with 'run' (src/cli.h): read and parse the manifest, check
 * its signature against the trust store, check the wasm's pin. Output
 * formats, text and --json, are documented in docs/cli.md.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fmt.h"
#include "sort.h"
#include "cli.h"
#include "edgeplug.h"
#include "edgeplug_wasi.h"
#include "grants.h"

/* ---- the shared steps ---- */

const char *cli_trust_dir(void)
{
	const char *d = getenv("EDGEPLUG_TRUST_DIR");
	return d && *d ? d : EP_TRUST_DIR;
}

int cli_trust_load(ep_trust *t, const char *const *paths, size_t n, int *have, char *why,
                   size_t whylen)
{
	struct stat st;
	*have = 0;
	for (size_t i = 0; i < n; i++)
		if (ep_trust_add(t, paths[i], why, whylen) != 0)
			return RC_NOPERM;
	if (n == 0) {
		if (lstat(cli_trust_dir(), &st) != 0)
			return RC_OK;   /* no system trust store: nothing is trusted */
		if (ep_trust_add(t, cli_trust_dir(), why, whylen) != 0)
			return RC_NOPERM;
	}
	*have = 1;
	return RC_OK;
}

static char *path_join(const char *dir, const char *s, size_t n)
{
	size_t dl = strlen(dir);
	char *p = malloc(dl + n + 2);
	if (p) {
		memcpy(p, dir, dl);
		p[dl] = '/';
		memcpy(p + dl + 1, s, n);
		p[dl + 1 + n] = '\0';
	}
	return p;
}

int cli_plugin_read(cli_plugin *p, const char *path)
{
	size_t len;
	p->path = path;
	p->sig = SIG_UNCHECKED;
	const char *slash = strrchr(path, '/');
	p->dir = slash ? strndup(path, (size_t)(slash - path) + (slash == path)) : strdup(".");
	if (!p->dir)
		goto nomem;
	int rc = cli_load_file(path, CLI_MAX_MANIFEST_BYTES, &p->text, &len, p->why, sizeof p->why);
	if (rc != RC_OK)
		return rc;
	p->text_len = len;
	return RC_OK;
nomem:
	ep_snprintf(p->why, sizeof p->why, "out of memory");
	return RC_SOFTWARE;
}

int cli_plugin_parse(cli_plugin *p)
{
	ep_manifest_error merr;
	ep_status st = ep_manifest_parse((const char *)p->text, p->text_len, NULL, NULL, &p->mf,
	                                 &merr);
	if (st == EP_ERR_NOMEM)
		goto nomem;
	if (st != EP_OK) {
		p->why_line = merr.line;
		ep_snprintf(p->why, sizeof p->why, "%s", merr.msg);
		return RC_DATAERR;
	}
	p->parsed = 1;
	p->wasm_path = path_join(p->dir, p->mf.wasm.p, p->mf.wasm.n);
	if (!p->wasm_path)
		goto nomem;
	return RC_OK;
nomem:
	ep_snprintf(p->why, sizeof p->why, "out of memory");
	return RC_SOFTWARE;
}

int cli_plugin_check_signature(cli_plugin *p, const ep_trust *t)
{
	uint8_t *sig = NULL;
	size_t sig_len = 0;
	size_t pl = strlen(p->path);
	char *sig_path = malloc(pl + 5);
	struct stat st;
	const ep_pubkey *signer;
	if (!sig_path) {
		ep_snprintf(p->why, sizeof p->why, "out of memory");
		return RC_SOFTWARE;
	}
	memcpy(sig_path, p->path, pl);
	memcpy(sig_path + pl, ".sig", 5);
	if (lstat(sig_path, &st) == 0) {
		int rc = cli_read_file(sig_path, 4096, &sig, &sig_len);
		if (rc != RC_OK) {
			free(sig_path);
			ep_snprintf(p->why, sizeof p->why, "cannot read its signature");
			return RC_NOPERM;
		}
	}
	free(sig_path);
	ep_plugin_sig s = ep_plugin_check_signature(p->text, p->text_len, (const char *)sig,
	                                            sig_len, t, &signer, p->why, sizeof p->why);
	free(sig);
	if (!t) {
		/* Nothing to check against: a malformed .sig is still refused. */
		if (s == EP_PLUGIN_SIG_MALFORMED) {
			p->sig = s;
			return RC_NOPERM;
		}
		ep_snprintf(p->why, sizeof p->why, s == EP_PLUGIN_UNSIGNED ? "not signed"
		         : "signature not checked");
		p->sig = SIG_UNCHECKED;
		return RC_OK;
	}
	p->sig = s;
	if (s != EP_PLUGIN_SIGNED)
		return RC_NOPERM;
	p->signer_key = *signer;
	p->signer = &p->signer_key;
	return RC_OK;
}

int cli_plugin_check_pin(cli_plugin *p, size_t max)
{
	struct stat st;
	if (stat(p->wasm_path, &st) != 0) {
		p->pin = PIN_MISSING;
		ep_snprintf(p->why, sizeof p->why, "wasm missing: %s: %s", p->wasm_path, ep_strerror(errno));
		return RC_NOPERM;
	}
	char why[128];
	if (cli_file_over(p->wasm_path, max) && max < CLI_MAX_MODULE_BYTES) {
		p->pin = PIN_MISSING;
		ep_snprintf(p->why, sizeof p->why, "%s: larger than the engine memory limit", p->wasm_path);
		return RC_SOFTWARE;
	}
	int rc = cli_load_file(p->wasm_path, max, &p->wasm, &p->wasm_len, why, sizeof why);
	if (rc != RC_OK) {
		p->pin = PIN_MISSING;
		ep_snprintf(p->why, sizeof p->why, "%s: %s", p->wasm_path, why);
		return rc;
	}
	if (!ep_plugin_check_pin(&p->mf, p->wasm, p->wasm_len, p->wasm_path, p->sha256_hex, p->why,
	                         sizeof p->why)) {
		p->pin = PIN_MISMATCH;
		return RC_NOPERM;
	}
	p->pin = PIN_OK;
	return RC_OK;
}

void cli_plugin_free(cli_plugin *p)
{
	if (p->parsed)
		ep_manifest_free(&p->mf, NULL, NULL);
	free(p->text);
	free(p->dir);
	free(p->wasm_path);
	free(p->wasm);
	memset(p, 0, sizeof *p);
}

/* ---- options shared by verify, audit, list, doctor ---- */

typedef struct plugin_opts {
	const char **trust;
	size_t ntrust;
	int json;
	const char *arg;         /* the one operand */
} plugin_opts;

static int plugin_options(plugin_opts *o, int argc, char **argv, const char *usage,
                          const char *cmd, int need_arg)
{
	const char *v;
	int got;
	o->trust = calloc((size_t)argc + 1, sizeof *o->trust);
	if (!o->trust)
		return cli_fail(RC_SOFTWARE, "out of memory");
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--json") == 0) {
			o->json = 1;
		} else if ((got = cli_opt_value("--trust", argc, argv, &i, &v)) != 0) {
			if (got < 0)
				return cli_usage(usage, "%s: --trust needs KEY.pub or DIR", cmd);
			o->trust[o->ntrust++] = v;
		} else if (a[0] == '-' && a[1] != '\0') {
			return cli_usage(usage, "%s: unknown option \"%s\"", cmd, a);
		} else if (o->arg) {
			return cli_usage(usage, "%s: unexpected argument \"%s\"", cmd, a);
		} else {
			o->arg = a;
		}
	}
	if (!o->arg && need_arg)
		return cli_usage(usage, "%s: missing %s", cmd, need_arg == 1 ? "PLUGIN.ini" : "DIR");
	return RC_OK;
}

static const char *sig_word(int sig)
{
	switch (sig) {
	case EP_PLUGIN_SIGNED: return "trusted";
	case EP_PLUGIN_UNSIGNED: return "unsigned";
	case EP_PLUGIN_SIG_MALFORMED: return "malformed";
	case EP_PLUGIN_UNKNOWN_KEY: return "unknown-key";
	case EP_PLUGIN_BAD_SIGNATURE: return "bad-signature";
	default: return "unchecked";
	}
}

static const char *pin_word(int pin)
{
	return pin == PIN_OK ? "ok" : pin == PIN_MISMATCH ? "mismatch" : pin == PIN_MISSING
	       ? "missing" : "unchecked";
}

/* Every check of one plugin, as verify does them, stopping at the first
 * failure; returns its exit code (p->why says why). */
/* The checks after reading, in their order: signature, parse, pin. */
static int check_read_plugin(cli_plugin *p, const ep_trust *t)
{
	int rc = cli_plugin_check_signature(p, t);
	if (rc == RC_OK)
		rc = cli_plugin_parse(p);
	if (rc == RC_OK)
		rc = cli_plugin_check_pin(p, CLI_MAX_MODULE_BYTES);
	return rc;
}

static int check_plugin(cli_plugin *p, const char *path, const ep_trust *t)
{
	int rc = cli_plugin_read(p, path);
	return rc == RC_OK ? check_read_plugin(p, t) : rc;
}

static void print_why(const cli_plugin *p)
{
	if (p->why_line)
		ep_fprintf(stderr, "edgeplug: %s:%" PRIu32 ": %s\n", p->path, p->why_line, p->why);
	else
		ep_fprintf(stderr, "edgeplug: %s: %s\n", p->path, p->why);
}

/* ---- verify ---- */

static const char help_verify[] =
	"usage: edgeplug verify [--trust KEY.pub|DIR]... PLUGIN.ini\n"
	"\n"
	"Checks PLUGIN.ini.sig against the trusted keys (default /etc/edgeplug/trusted.d)\n"
	"and the wasm against its sha256; one line names a failed check (docs/signing.md).\n"
	"exit: 0 trusted, 64 usage, 65 malformed, 66 unreadable, 77 not trusted\n";

static int cmd_verify(int argc, char **argv)
{
	plugin_opts o = { NULL, 0, 0, NULL };
	cli_plugin p;
	ep_trust t = { NULL, 0 };
	int have, rc;
	char why[256];
	memset(&p, 0, sizeof p);
	if ((rc = plugin_options(&o, argc, argv, help_verify, "verify", 1)) != RC_OK)
		goto out;
	/* A manifest that is not there says so before any trust question. */
	if ((rc = cli_plugin_read(&p, o.arg)) != RC_OK) {
		print_why(&p);
		goto out;
	}
	if ((rc = cli_trust_load(&t, o.trust, o.ntrust, &have, why, sizeof why)) != RC_OK) {
		rc = cli_fail(rc, "%s", why);
		goto out;
	}
	if (!have) {
		rc = cli_fail(RC_NOPERM, "%s: no trust store: give --trust or install keys in %s",
		              o.arg, cli_trust_dir());
		goto out;
	}
	if ((rc = check_read_plugin(&p, &t)) != RC_OK) {
		print_why(&p);
		goto out;
	}
	char id[17];
	ep_keyid_hex(p.signer->id, id);
	ep_printf("%s: ok (key %s", o.arg, id);
	if (p.signer->name[0]) {
		putchar(' ');
		cli_put_text(stdout, p.signer->name, strlen(p.signer->name));
	}
	puts(")");
out:
	cli_plugin_free(&p);
	ep_trust_free(&t);
	free(o.trust);
	return rc;
}

const cli_command cli_cmd_verify = {
	"verify", cmd_verify, "check a plugin's signature and its wasm's sha256", help_verify
};

/* ---- audit ---- */

static const char help_audit[] =
	"usage: edgeplug audit [--json] [--trust KEY.pub|DIR]... PLUGIN.ini\n"
	"\n"
	"A plugin's id, pin and signature, capabilities with risk levels, limits in\n"
	"force, and imports its grants leave unusable (docs/cli.md).\n"
	"exit: 0 shown, 64 usage, 65 malformed, 66 unreadable\n";

/* What each WASI function needs of the grants to be of any use. */
enum { NEED_NONE, NEED_FD, NEED_DIR, NEED_ENV, NEED_CLOCK, NEED_RANDOM, NEED_STDIN };

static int wasi_need(const char *name, size_t n)
{
	if (n > 5 && memcmp(name, "path_", 5) == 0)
		return NEED_DIR;
	if (n > 8 && memcmp(name, "environ_", 8) == 0)
		return NEED_ENV;
	if ((n > 6 && memcmp(name, "clock_", 6) == 0) || (n == 11 && !memcmp(name, "poll_oneoff", 11)))
		return NEED_CLOCK;
	if (n == 10 && memcmp(name, "random_get", 10) == 0)
		return NEED_RANDOM;
	if (n > 3 && memcmp(name, "fd_", 3) == 0)
		return NEED_FD;
	return NEED_NONE;
}

/* The signer as a nested object, or null. */
static void out_signer(cli_out *o, const ep_pubkey *k)
{
	char id[17];
	if (!k) {
		out_str(o, "signer", NULL, 0);
		return;
	}
	ep_keyid_hex(k->id, id);
	out_obj(o, "signer");
	out_cstr(o, "key_id", id);
	out_cstr(o, "name", k->name);
	out_end(o);
}

static void out_cap(cli_out *o, const char *name, int granted, const char *risk)
{
	out_item(o);
	out_cstr(o, "name", name);
	out_bool(o, "granted", granted);
	out_cstr(o, "risk", granted ? risk : "none");
}

static int cmd_audit(int argc, char **argv)
{
	plugin_opts o = { NULL, 0, 0, NULL };
	cli_plugin p;
	ep_trust t = { NULL, 0 };
	ep_grants g;
	ep_engine *e = NULL;
	ep_module *m = NULL;
	int have = 0, rc;
	char why[256], pin[65];
	memset(&p, 0, sizeof p);
	ep_grants_init(&g);
	if ((rc = plugin_options(&o, argc, argv, help_audit, "audit", 1)) != RC_OK)
		goto out;
	if ((rc = cli_plugin_read(&p, o.arg)) != RC_OK || (rc = cli_plugin_parse(&p)) != RC_OK) {
		print_why(&p);
		goto out;
	}
	if (cli_trust_load(&t, o.trust, o.ntrust, &have, why, sizeof why) != RC_OK)
		ep_fprintf(stderr, "edgeplug: warning: %s\n", why);
	cli_plugin_check_signature(&p, have ? &t : NULL);
	ep_snprintf(why, sizeof why, "%s", p.sig == EP_PLUGIN_SIGNED ? "" : p.why);
	cli_plugin_check_pin(&p, CLI_MAX_MODULE_BYTES);
	if (ep_grants_from_manifest(&g, &p.mf, p.dir) != 0) {
		rc = cli_fail(RC_SOFTWARE, "out of memory");
		goto out;
	}
	const ep_manifest *mf = &p.mf;
	cli_out w;
	out_begin(&w, stdout, o.json);
	out_cstr(&w, "manifest", o.arg);
	out_str(&w, "id", mf->id.p, mf->id.n);
	out_str(&w, "version", mf->version.p, mf->version.n);
	out_cstr(&w, "wasm", p.wasm_path);
	ep_sha256_hex(mf->sha256, pin);
	out_cstr(&w, "sha256", pin);
	out_cstr(&w, "wasm_sha256", p.pin == PIN_OK || p.pin == PIN_MISMATCH ? p.sha256_hex : NULL);
	out_cstr(&w, "pin", pin_word(p.pin));
	out_cstr(&w, "signature", sig_word(p.sig));
	out_cstr(&w, "signature_detail", why[0] ? why : NULL);
	out_signer(&w, p.signer);

	/* Capabilities, each with its risk: what a granted one can expose. */
	static const struct { unsigned bit; const char *name; } caps[] = {
		{ EP_WASI_STDIN, "stdin" }, { EP_WASI_STDOUT, "stdout" },
		{ EP_WASI_STDERR, "stderr" }, { EP_WASI_CLOCKS, "clock" },
		{ EP_WASI_RANDOM, "random" },
	};
	out_list(&w, "capabilities");
	for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
		out_cap(&w, caps[i].name, (g.caps & caps[i].bit) != 0, "low");
		out_end(&w);
	}
	for (size_t i = 0; i < g.nenv; i++) {
		/* A forwarded host variable shows the plugin something of the host. */
		out_cap(&w, "env", 1, g.env[i].value ? "low" : "medium");
		out_cstr(&w, "variable", g.env[i].name);
		out_cstr(&w, "value", g.env[i].value);
		out_end(&w);
	}
	for (size_t i = 0; i < g.ndir; i++) {
		out_cap(&w, "dir", 1, g.dir[i].readonly ? "medium" : "high");
		out_cstr(&w, "host", g.dir[i].host);
		out_cstr(&w, "guest", g.dir[i].guest);
		out_bool(&w, "readonly", g.dir[i].readonly);
		out_end(&w);
	}
	out_end(&w);

	/* Limits, each with its effective value; null is unlimited. */
	out_obj(&w, "limits");
	for (int k = 0; k < EP_B_COUNT; k++) {
		uint64_t v = *ep_budget_at(&g.budget, k);
		out_opt_u64(&w, ep_budget_key[k], v != UINT64_MAX, v);
	}
	out_end(&w);

	/* Imports, from the wasm when it loads. */
	e = ep_engine_new(NULL, NULL);
	ep_error err;
	memset(&err, 0, sizeof err);
	if (p.wasm && e && ep_module_load(e, p.wasm, p.wasm_len, &m, &err) == EP_OK) {
		uint32_t n = ep_module_import_count(m);
		out_list(&w, "imports");
		for (uint32_t i = 0; i < n; i++) {
			const char *mod, *field;
			size_t ml, fl;
			uint8_t kind;
			ep_module_import(m, i, &mod, &ml, &field, &fl, &kind);
			/* WASI preview 1 or 0, told apart by the name's length */
			int wasi = (ml == 22 || ml == 13) &&
			           memcmp(mod, ml == 13 ? "wasi_unstable" : "wasi_snapshot_preview1", ml) == 0;
			int need = wasi ? wasi_need(field, fl) : NEED_NONE;
			const char *why_not =
				!wasi ? "not provided by edgeplug"
				: need == NEED_DIR && !g.ndir ? "no dir granted"
				: need == NEED_ENV && !g.nenv ? "no env granted"
				: need == NEED_CLOCK && !(g.caps & EP_WASI_CLOCKS) ? "clock not granted"
				: need == NEED_RANDOM && !(g.caps & EP_WASI_RANDOM) ? "random not granted"
				: need == NEED_FD && !g.ndir && !(g.caps & EP_WASI_STDIO)
				? "no stdio or dir granted" : NULL;
			out_item(&w);
			out_str(&w, "module", mod, ml);
			out_str(&w, "name", field, fl);
			out_bool(&w, "usable", !why_not);
			out_cstr(&w, "reason", why_not);
			out_end(&w);
		}
		out_end(&w);
	} else {
		out_str(&w, "imports", NULL, 0);
		out_cstr(&w, "imports_error", !p.wasm ? "the wasm could not be read"
		         : err.msg[0] ? err.msg : "the wasm does not load");
	}
	out_done(&w);
	rc = RC_OK;
out:
	ep_module_free(m);
	ep_engine_free(e);
	ep_grants_free(&g);
	cli_plugin_free(&p);
	ep_trust_free(&t);
	free(o.trust);
	return rc;
}

const cli_command cli_cmd_audit = {
	"audit", cmd_audit, "show a plugin's grants, limits, imports and trust", help_audit
};

/* ---- list ---- */

static const char help_list[] =
	"usage: edgeplug list [--json] [--trust KEY.pub|DIR]... DIR\n"
	"\n"
	"Each manifest of DIR with id, version, signature and sha256 state, or its\n"
	"error (docs/cli.md).\n"
	"exit: 0 listed, 64 usage, 66 unreadable, 77 unsafe trust store\n";

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.ini names of dir, sorted; NULL (errno set) on failure. */
static char **ini_names(const char *dir, size_t *count)
{
	DIR *d = opendir(dir);
	char **v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	if (!d)
		return NULL;
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);
		if (l < 5 || strcmp(de->d_name + l - 4, ".ini") != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			char **nv = realloc(v, cap * sizeof *v);
			if (!nv)
				goto fail;
			v = nv;
		}
		if (!(v[n] = path_join(dir, de->d_name, l)))
			goto fail;
		n++;
	}
	closedir(d);
	ep_sort(v, n, sizeof *v, name_cmp);
	*count = n;
	return v ? v : calloc(1, sizeof *v);
fail:
	while (n)
		free(v[--n]);
	free(v);
	closedir(d);
	errno = ENOMEM;
	return NULL;
}

static void free_names(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int cmd_list(int argc, char **argv)
{
	plugin_opts o = { NULL, 0, 0, NULL };
	ep_trust t = { NULL, 0 };
	int have = 0, rc;
	char why[256];
	size_t n = 0;
	char **names = NULL;
	if ((rc = plugin_options(&o, argc, argv, help_list, "list", 2)) != RC_OK)
		goto out;
	if (!(names = ini_names(o.arg, &n))) {
		rc = cli_fail(RC_NOINPUT, "%s: cannot read: %s", o.arg, ep_strerror(errno));
		goto out;
	}
	if (cli_trust_load(&t, o.trust, o.ntrust, &have, why, sizeof why) != RC_OK) {
		rc = cli_fail(RC_NOPERM, "%s", why);
		goto out;
	}
	cli_out w;
	out_begin(&w, stdout, o.json);
	out_cstr(&w, "dir", o.arg);
	out_list(&w, "plugins");
	for (size_t i = 0; i < n; i++) {
		cli_plugin p;
		memset(&p, 0, sizeof p);
		int r = cli_plugin_read(&p, names[i]);
		if (r == RC_OK)
			r = cli_plugin_parse(&p);
		out_item(&w);
		out_cstr(&w, "manifest", names[i]);
		if (r == RC_OK) {
			cli_plugin_check_signature(&p, have ? &t : NULL);
			cli_plugin_check_pin(&p, CLI_MAX_MODULE_BYTES);
			out_str(&w, "id", p.mf.id.p, p.mf.id.n);
			out_str(&w, "version", p.mf.version.p, p.mf.version.n);
			out_cstr(&w, "signature", sig_word(p.sig));
			out_cstr(&w, "sha256", pin_word(p.pin));
		} else {
			char line[300];
			if (p.why_line)
				ep_snprintf(line, sizeof line, "line %" PRIu32 ": %s", p.why_line, p.why);
			else
				ep_snprintf(line, sizeof line, "%s", p.why);
			out_cstr(&w, "error", line);
		}
		out_end(&w);
		cli_plugin_free(&p);
	}
	out_end(&w);
	out_done(&w);
	rc = RC_OK;
out:
	free_names(names, n);
	ep_trust_free(&t);
	free(o.trust);
	return rc;
}

const cli_command cli_cmd_list = {
	"list", cmd_list, "list the plugins of a folder with their trust state", help_list
};

/* ---- doctor ---- */

static const char help_doctor[] =
	"usage: edgeplug doctor [--json] [--trust KEY.pub|DIR]... [DIR]\n"
	"\n"
	"pass/warn/fail per check: trust store, kernel path confinement, and each\n"
	"manifest in DIR verifying (docs/cli.md).\n"
	"exit: 0 nothing failed, 1 a check failed, 64 usage\n";

typedef struct doctor {
	cli_out w;
	int failed;
} doctor;

static void check_line(doctor *d, const char *check, const char *status, const char *fmt, ...)
	CLI_PRINTF(4, 5);
static void check_line(doctor *d, const char *check, const char *status, const char *fmt, ...)
{
	char detail[400];
	va_list ap;
	va_start(ap, fmt);
	ep_vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	if (strcmp(status, "fail") == 0)
		d->failed = 1;
	if (!d->w.json) {
		/* pass/warn/fail first: what an operator scans for. */
		ep_printf("%s %-8s ", status, check);
		cli_put_text(stdout, detail, strlen(detail));
		fputc('\n', stdout);
		return;
	}
	out_item(&d->w);
	out_cstr(&d->w, "check", check);
	out_cstr(&d->w, "status", status);
	out_cstr(&d->w, "detail", detail);
	out_end(&d->w);
}

static int cmd_doctor(int argc, char **argv)
{
	plugin_opts o = { NULL, 0, 0, NULL };
	ep_trust t = { NULL, 0 };
	doctor d;
	int have = 0, rc;
	char why[256];
	size_t n = 0;
	char **names = NULL;
	if ((rc = plugin_options(&o, argc, argv, help_doctor, "doctor", 0)) != RC_OK)
		goto out;
	memset(&d, 0, sizeof d);
	if (o.json) {
		out_begin(&d.w, stdout, 1);
		out_list(&d.w, "checks");
	}
	const char *where = o.ntrust ? "--trust" : cli_trust_dir();
	if (cli_trust_load(&t, o.trust, o.ntrust, &have, why, sizeof why) != RC_OK)
		check_line(&d, "trust", "fail", "%s", why);
	else if (!have)
		check_line(&d, "trust", "warn", "no trust store (%s absent): unsigned plugins run "
		           "with a warning", where);
	else if (t.nkeys == 0)
		check_line(&d, "trust", "fail", "%s holds no keys", where);
	else
		check_line(&d, "trust", "pass", "%s: %zu key%s, permissions safe", where, t.nkeys,
		           t.nkeys == 1 ? "" : "s");
	if (ep_wasi_kernel_beneath())
		check_line(&d, "sandbox", "pass", "kernel confines path resolution "
		           "(openat2 RESOLVE_BENEATH)");
	else
		check_line(&d, "sandbox", "warn", "no openat2 RESOLVE_BENEATH: paths are resolved "
		           "one component at a time (as safe, slower)");
	if (o.arg) {
		if (!(names = ini_names(o.arg, &n))) {
			check_line(&d, "plugin", "fail", "%s: cannot read: %s", o.arg, ep_strerror(errno));
		} else if (n == 0) {
			check_line(&d, "plugin", "warn", "%s: no manifests (*.ini)", o.arg);
		}
		for (size_t i = 0; names && i < n; i++) {
			cli_plugin p;
			memset(&p, 0, sizeof p);
			int r = have ? check_plugin(&p, names[i], &t) : cli_plugin_read(&p, names[i]);
			if (r == RC_OK && !have)
				r = cli_plugin_parse(&p);
			if (r == RC_OK && !have)
				check_line(&d, "plugin", "warn", "%s: not verified: no trust store", names[i]);
			else if (r == RC_OK)
				check_line(&d, "plugin", "pass", "%s: verifies", names[i]);
			else if (p.why_line)
				check_line(&d, "plugin", "fail", "%s:%" PRIu32 ": %s", names[i], p.why_line,
				           p.why);
			else
				check_line(&d, "plugin", "fail", "%s: %s", names[i], p.why);
			cli_plugin_free(&p);
		}
	}
	if (o.json) {
		out_end(&d.w);
		out_bool(&d.w, "ok", !d.failed);
		out_done(&d.w);
	}
	rc = d.failed ? RC_FAIL : RC_OK;
out:
	free_names(names, n);
	ep_trust_free(&t);
	free(o.trust);
	return rc;
}

const cli_command cli_cmd_doctor = {
	"doctor", cmd_doctor, "check this host and a plugin folder before deploying", help_doctor
};
