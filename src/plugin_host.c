/*
 * plugin_host.c - the plugin layer for embedders (include/edgeplug_plugin.h):
 * trust stores from memory or files, and plugins opened, called, reported
 * on and reloaded. Owns the order of the steps and what a version of a
 * plugin holds; the checks themselves are plugin.c's (the ones the CLI
 * runs), the formats manifest.c's and sign.c's, the grants grants.c's. It
 * uses the engine through the public API only, and never prints.
 *
 * A plugin is one running version and the embedder's host settings. A
 * reload builds a whole second version beside the first, and the swap is
 * the last step: a pointer assignment that cannot fail, so a failure
 * anywhere before it leaves the old version exactly as it was.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "edgeplug_plugin.h"
#include "fmt.h"
#include "grants.h"
#include "plugin.h"

/* With a manifest timeout, calls run in slices of this much fuel and the
 * clock is read between slices: about a millisecond of work on a Pi Zero,
 * and no timer, signal or thread in the library. */
#define DEADLINE_SLICE 10000u

struct ep_trust_store {
	ep_trust t;
};

/* One version of the plugin: everything a reload replaces. */
typedef struct version {
	ep_module *module;
	ep_store *store;
	ep_wasi *wasi;
	ep_instance *inst;
	ep_func *entry;
	char name[64];               /* the source's name, for messages of calls */
	uint64_t fuel_cap;           /* the manifest's fuel per call; UINT64_MAX: none */
	uint64_t runtime_memory;     /* the manifest's engine memory budget */
	ep_plugin_info info;
	ep_plugin_report report;
} version;

struct ep_plugin {
	ep_engine *engine;
	ep_plugin_host host;
	size_t base_bytes;           /* what the engine held before the plugin */
	version *v;                  /* the running version; never NULL */
	uint64_t call_fuel;          /* ep_plugin_set_call_fuel; UINT64_MAX: the cap */
	/* The call in progress (suspended or not). */
	uint64_t cap_left;           /* what the manifest leaves the call */
	uint64_t call_used0;         /* ep_store_fuel_used when the call began */
	uint64_t started_ms;         /* shifted by the time a call waits suspended */
	uint64_t paused_ms;
	int suspended;               /* the running version has a call suspended */
};

/* ---- messages ---- */

static const char *src_name(const ep_plugin_source *src)
{
	return src && src->name ? src->name : "plugin";
}

static ep_status fail(ep_error *err, ep_status st, const char *fmt, ...) EP_FMT(3, 4);
static ep_status fail(ep_error *err, ep_status st, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		memset(err, 0, sizeof *err);
		err->status = st;
		err->offset = SIZE_MAX;
		err->func = UINT32_MAX;
		va_start(ap, fmt);
		ep_vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
	}
	return st;
}

/* Puts "NAME: " in front of a message a lower layer wrote into err. */
static ep_status prefix(ep_error *err, ep_status st, const char *name)
{
	if (err) {
		char m[sizeof err->msg];
		memcpy(m, err->msg, sizeof m);
		ep_snprintf(err->msg, sizeof err->msg, "%s: %s", name, m[0] ? m : ep_status_name(st));
		err->status = st;
	}
	return st;
}

static void error_init(ep_error *err)
{
	memset(err, 0, sizeof *err);
	err->offset = SIZE_MAX;
	err->func = UINT32_MAX;
}

static uint64_t now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

/* span[0..n) into buf[size] with a NUL; n < size by the manifest's rules. */
static void copy_span(char *buf, size_t size, ep_span s)
{
	size_t n = s.n < size - 1 ? s.n : size - 1;
	memcpy(buf, s.p, n);
	buf[n] = '\0';
}

/* ---- trust stores ---- */

ep_status ep_trust_store_new(ep_trust_store **out, ep_error *err)
{
	*out = calloc(1, sizeof **out);
	return *out ? EP_OK : fail(err, EP_ERR_NOMEM, "out of memory");
}

void ep_trust_store_free(ep_trust_store *t)
{
	if (t) {
		ep_trust_free(&t->t);
		free(t);
	}
}

static ep_status add_key(ep_trust_store *t, const ep_pubkey *k, const char *src, ep_error *err)
{
	char why[200];
	if (ep_trust_add_key(&t->t, k, src, why, sizeof why) != 0)
		return fail(err, strcmp(why, "out of memory") ? EP_ERR_ARG : EP_ERR_NOMEM, "%s", why);
	return EP_OK;
}

ep_status ep_trust_store_add_key(ep_trust_store *t, const uint8_t key[32], const char *name,
                                 ep_error *err)
{
	ep_pubkey k;
	memset(&k, 0, sizeof k);
	if (!name)
		name = "";
	if (!ep_key_name_ok(name))
		return fail(err, EP_ERR_ARG, "key name \"%.63s\": 0-63 letters, digits and . _ - @ +",
		            name);
	memcpy(k.key, key, EP_PUBKEY_BYTES);
	memcpy(k.name, name, strlen(name) + 1);
	ep_key_id(k.key, k.id);
	return add_key(t, &k, name[0] ? name : "a raw key", err);
}

ep_status ep_trust_store_add_pub(ep_trust_store *t, const char *text, size_t len, ep_error *err)
{
	ep_pubkey k;
	char why[160];
	if (ep_pubkey_parse(text, len, &k, why, sizeof why) != 0)
		return fail(err, EP_ERR_MALFORMED, "public key: %s", why);
	return add_key(t, &k, k.name[0] ? k.name : "a public key", err);
}

ep_status ep_trust_store_add_path(ep_trust_store *t, const char *path, ep_error *err)
{
	char why[256];
	if (ep_trust_add(&t->t, path, why, sizeof why) != 0)
		return fail(err, strcmp(why, "out of memory") ? EP_ERR_ARG : EP_ERR_NOMEM, "%s", why);
	return EP_OK;
}

size_t ep_trust_store_count(const ep_trust_store *t)
{
	return t ? t->t.nkeys : 0;
}

/* ---- verifying and building one version ---- */

static void *engine_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	return ep_engine_realloc(ud, ptr, osize, nsize);
}

static void version_free(ep_engine *e, version *v)
{
	if (!v)
		return;
	ep_store_free(v->store);
	ep_wasi_free(v->wasi);
	ep_module_free(v->module);
	ep_engine_realloc(e, v, sizeof *v, 0);
}

/* Signature, then the manifest, then the pin: plugin.c's checks in the
 * CLI's order (docs/signing.md). Fills v->info's trust fields; *mf is
 * parsed on EP_OK (free it with engine_alloc). */
static ep_status verify(ep_engine *e, const ep_plugin_host *host, const ep_plugin_source *src,
                        ep_manifest *mf, version *v, ep_error *err)
{
	const char *name = src_name(src);
	const ep_pubkey *signer = NULL;
	char why[256];
	if (!src->manifest || (!src->wasm && src->wasm_len))
		return fail(err, EP_ERR_ARG, "%s: no manifest or wasm bytes", name);
	if (src->signature || !(host->flags & EP_PLUGIN_ALLOW_UNSIGNED)) {
		ep_plugin_sig s = ep_plugin_check_signature(src->manifest, src->manifest_len,
		                                            src->signature, src->signature_len,
		                                            host->trust ? &host->trust->t : NULL,
		                                            &signer, why, sizeof why);
		if (s == EP_PLUGIN_SIG_MALFORMED)
			return fail(err, EP_ERR_MALFORMED, "%s: signature: %s", name, why);
		if (s != EP_PLUGIN_SIGNED)
			return fail(err, EP_ERR_ARG, "%s: not trusted: %s%s", name, why,
			            s == EP_PLUGIN_UNSIGNED ? " (and unsigned plugins are not allowed)" : "");
		v->info.is_signed = 1;
		ep_keyid_hex(signer->id, v->info.signer_id);
		memcpy(v->info.signer_name, signer->name, sizeof v->info.signer_name);
	}
	ep_manifest_error merr;
	ep_status st = ep_manifest_parse(src->manifest, src->manifest_len, engine_alloc, e, mf, &merr);
	if (st == EP_ERR_NOMEM)
		return fail(err, st, "%s: out of memory", name);
	if (st != EP_OK) {
		if (merr.line)
			return fail(err, st, "%s:%" PRIu32 ": %s", name, merr.line, merr.msg);
		return fail(err, st, "%s: %s", name, merr.msg);
	}
	char hex[65];
	if (!ep_plugin_check_pin(mf, src->wasm, src->wasm_len, "the wasm", hex, why, sizeof why)) {
		st = fail(err, EP_ERR_ARG, "%s:%" PRIu32 ": not trusted: %s", name, mf->line_sha256, why);
		ep_manifest_free(mf, engine_alloc, e);
		return st;
	}
	return EP_OK;
}

/* The function name exports, or NULL. */
static ep_func *export_func(const ep_instance *inst, const char *name)
{
	ep_extern x;
	if (!ep_instance_export(inst, name, strlen(name), &x) || x.kind != EP_EXTERN_FUNC)
		return NULL;
	return x.of.func;
}

static int module_exports_func(const ep_module *m, const char *name)
{
	uint32_t i;
	return ep_module_export_find(m, name, strlen(name), &i) && ep_module_export_functype(m, i, NULL);
}

static ep_status drive(ep_plugin *p, version *v, ep_func *f, const ep_value *args,
                       size_t nargs, ep_value *results, size_t nresults, uint64_t allow,
                       ep_error *err);
static ep_status settle(ep_plugin *p, version *v, ep_status st, const ep_error *err);

static void set_runtime_limit(ep_plugin *p, uint64_t a, uint64_t b);

/* A linker for this version alone: the embedder's definitions, then WASI
 * bound to this version's context (a context is defined in a linker once,
 * so the embedder's definitions are made again for each version). */
static ep_status instantiate(ep_plugin *p, version *v, ep_error *err)
{
	ep_linker *l;
	ep_status st = ep_linker_new(p->engine, &l, err);
	if (st != EP_OK)
		return st;
	if (p->host.flags & EP_PLUGIN_TRAP_UNKNOWN)
		ep_linker_set_trap_unknown(l, 1);
	if (p->host.define)
		st = p->host.define(l, p->host.user_data, err);
	if (st == EP_OK)
		st = ep_wasi_define(v->wasi, l, err);
	if (st == EP_OK)
		st = ep_wasi_instantiate(v->wasi, l, v->store, v->module, &v->inst, err);
	ep_linker_free(l);
	return st;
}

/* Builds a whole version from src; on failure frees what it made. hold
 * is the runtime memory the running version may keep using meanwhile. */
static ep_status build(ep_plugin *p, const ep_plugin_source *src, uint64_t hold, version **out,
                       ep_error *err)
{
	ep_engine *e = p->engine;
	const char *name = src_name(src);
	ep_manifest mf;
	ep_grants g;
	ep_status st;
	memset(&mf, 0, sizeof mf);
	ep_grants_init(&g);
	*out = NULL;
	version *v = ep_engine_realloc(e, NULL, 0, sizeof *v);
	if (!v)
		return fail(err, EP_ERR_NOMEM, "%s: out of memory", name);
	memset(v, 0, sizeof *v);
	v->report.trap_func = UINT32_MAX;
	copy_span(v->name, sizeof v->name, (ep_span){ name, strlen(name) });
	if ((st = verify(e, &p->host, src, &mf, v, err)) != EP_OK) {
		ep_engine_realloc(e, v, sizeof *v, 0);
		return st;
	}
	copy_span(v->info.id, sizeof v->info.id, mf.id);
	copy_span(v->info.version, sizeof v->info.version, mf.version);
	ep_sha256_hex(mf.sha256, v->info.sha256);
	if (mf.entry.n)
		copy_span(v->info.entry, sizeof v->info.entry, mf.entry);
	else
		strcpy(v->info.entry, "_start");
	v->info.is_command = strcmp(v->info.entry, "_start") == 0;
	uint32_t line_entry = mf.line_entry;
	if (ep_grants_from_manifest(&g, &mf, src->base_dir ? src->base_dir : ".") != 0) {
		st = fail(err, EP_ERR_NOMEM, "%s: out of memory", name);
		goto out;
	}
	v->fuel_cap = g.budget.fuel;
	v->info.fuel_per_call = g.budget.fuel;
	v->info.timeout_ms = g.budget.timeout_ms;
	v->runtime_memory = g.budget.runtime_memory;
	set_runtime_limit(p, hold, v->runtime_memory);

	st = (p->host.flags & EP_PLUGIN_NO_COPY ? ep_module_load_static : ep_module_load)(
		e, src->wasm, src->wasm_len, &v->module, err);
	if (st != EP_OK)
		v->module = NULL;
	/* All the code is made at open (and reload), as the runtime budget
	 * was always meant to see it, so no call fails for want of memory to
	 * lower a function. */
	else
		st = ep_module_lower(v->module, err);
	if (st != EP_OK) {
		st = prefix(err, st, name);
		goto out;
	}
	if (!module_exports_func(v->module, v->info.entry)) {
		st = fail(err, EP_ERR_ARG, "%s:%" PRIu32 ": no exported function %s", name, line_entry,
		          v->info.entry);
		goto out;
	}
	const char *slash = strrchr(name, '/');
	if ((st = ep_grants_wasi(&g, e, slash ? slash + 1 : name, 0, NULL, 0, &v->wasi, err)) != EP_OK) {
		st = prefix(err, st, name);
		goto out;
	}
	ep_limits limits;
	ep_grants_limits(&g, &limits);
	if ((st = ep_store_create(e, &limits, &v->store, err)) != EP_OK) {
		st = prefix(err, st, name);
		goto out;
	}
	/* Host functions find the plugin from their caller's store. */
	ep_store_set_data(v->store, p);
	/* The start function and _initialize are one call: one call's fuel. */
	uint64_t allow = p->call_fuel < v->fuel_cap ? p->call_fuel : v->fuel_cap;
	p->cap_left = v->fuel_cap;
	p->call_used0 = 0;
	p->started_ms = now_ms();
	ep_store_set_fuel(v->store, allow);
	st = instantiate(p, v, err);
	if (st != EP_OK) {
		st = prefix(err, st, name);
		goto out;
	}
	uint64_t used = ep_store_fuel_used(v->store);
	p->cap_left -= v->fuel_cap == UINT64_MAX ? 0 : used;
	allow -= allow == UINT64_MAX ? 0 : used;
	v->entry = export_func(v->inst, v->info.entry);
	ep_func *init = v->info.is_command ? NULL : export_func(v->inst, "_initialize");
	ep_error local;
	error_init(&local);
	st = init ? drive(p, v, init, NULL, 0, NULL, 0, allow, &local) : settle(p, v, EP_OK, &local);
	if (st != EP_OK) {
		if (p->suspended)
			ep_abandon(v->store);
		p->suspended = 0;
		if (err)
			*err = local;
		st = prefix(err, st, name);
		goto out;
	}
	uint32_t start;
	if (!init && !ep_module_start(v->module, &start))
		v->report.outcome = EP_OUTCOME_NONE;
	*out = v;
out:
	ep_grants_free(&g);
	ep_manifest_free(&mf, engine_alloc, e);
	if (st != EP_OK)
		version_free(e, v);
	return st;
}

/* ---- opening and closing ---- */

static void set_runtime_limit(ep_plugin *p, uint64_t a, uint64_t b)
{
	uint64_t lim = p->base_bytes;
	lim = a > UINT64_MAX - lim ? UINT64_MAX : lim + a;
	lim = b > UINT64_MAX - lim ? UINT64_MAX : lim + b;
	ep_engine_set_runtime_limit(p->engine, lim > SIZE_MAX ? SIZE_MAX : (size_t)lim);
}

ep_status ep_plugin_open(ep_engine *engine, const ep_plugin_host *host,
                         const ep_plugin_source *src, ep_plugin **out, ep_error *err)
{
	if (!out)
		return fail(err, EP_ERR_ARG, "ep_plugin_open: out is NULL");
	*out = NULL;
	if (!engine || !host || !src)
		return fail(err, EP_ERR_ARG, "ep_plugin_open: engine, host or source is NULL");
	ep_plugin *p = ep_engine_realloc(engine, NULL, 0, sizeof *p);
	if (!p)
		return fail(err, EP_ERR_NOMEM, "%s: out of memory", src_name(src));
	memset(p, 0, sizeof *p);
	p->engine = engine;
	p->host = *host;
	p->call_fuel = UINT64_MAX;
	p->base_bytes = ep_engine_bytes(engine);
	/* Until the manifest is read, the default budget of a bare run. */
	set_runtime_limit(p, EP_GRANTS_DEFAULT_RUNTIME_BYTES, 0);
	ep_status st = build(p, src, 0, &p->v, err);
	if (st != EP_OK) {
		ep_engine_set_runtime_limit(engine, 0);
		ep_engine_realloc(engine, p, sizeof *p, 0);
		return st;
	}
	set_runtime_limit(p, p->v->runtime_memory, 0);
	*out = p;
	return EP_OK;
}

void ep_plugin_close(ep_plugin *p)
{
	if (!p)
		return;
	ep_engine *e = p->engine;
	version_free(e, p->v);
	ep_engine_realloc(e, p, sizeof *p, 0);
}

void *ep_plugin_user_data(const ep_plugin *p)
{
	return p->host.user_data;
}

ep_instance *ep_plugin_instance(const ep_plugin *p)
{
	return p->v->inst;
}

ep_store *ep_plugin_store(const ep_plugin *p)
{
	return p->v->store;
}

/* ---- calls ---- */

/* Records how the call ended in v's report and returns st. */
static ep_status settle(ep_plugin *p, version *v, ep_status st, const ep_error *err)
{
	ep_plugin_report *r = &v->report;
	r->fuel_used = ep_store_fuel_used(v->store) - p->call_used0;
	r->total_fuel_used = ep_store_fuel_used(v->store);
	r->peak_memory_bytes = ep_store_peak_memory(v->store);
	r->peak_call_depth = ep_store_peak_call_depth(v->store);
	r->output_bytes = ep_wasi_output_bytes(v->wasi);
	r->output_refused_writes = ep_wasi_output_refused(v->wasi);
	r->wall_ms = now_ms() - p->started_ms;
	r->exit_code = 0;
	r->trap = EP_TRAP_NONE;
	r->trap_func = UINT32_MAX;
	r->trap_func_name[0] = '\0';
	r->message[0] = '\0';
	if (st == EP_OK) {
		r->outcome = EP_OUTCOME_RETURNED;
		return st;
	}
	memcpy(r->message, err->msg, sizeof r->message);
	if (st != EP_ERR_TRAP) {
		r->outcome = EP_OUTCOME_ERROR;
		return st;
	}
	r->trap = err->trap;
	r->trap_func = err->func;
	const char *s;
	size_t n;
	if (err->func != UINT32_MAX && ep_module_func_name(v->module, err->func, &s, &n))
		copy_span(r->trap_func_name, sizeof r->trap_func_name, (ep_span){ s, n });
	switch (err->trap) {
	case EP_TRAP_EXIT:
		r->outcome = EP_OUTCOME_EXITED;
		r->exit_code = err->exit_code;
		r->message[0] = '\0';
		break;
	case EP_TRAP_FUEL: r->outcome = EP_OUTCOME_FUEL; break;
	case EP_TRAP_INTERRUPT: r->outcome = EP_OUTCOME_INTERRUPTED; break;
	default: r->outcome = EP_OUTCOME_TRAPPED; break;
	}
	return st;
}

/* Runs f (NULL: resumes the suspended call) with allow more units, never
 * past what the manifest leaves the call (p->cap_left). With a manifest
 * timeout the fuel is handed over in slices and the clock read between
 * them; a slice adds to what the last one left, so a block or bulk
 * instruction dearer than a slice still gets paid. Fuel counts are those
 * of an unsliced call (a fuel stop and a resume are exact). */
static ep_status drive(ep_plugin *p, version *v, ep_func *f, const ep_value *args,
                       size_t nargs, ep_value *results, size_t nresults, uint64_t allow,
                       ep_error *err)
{
	ep_store *s = v->store;
	uint64_t timeout = v->info.timeout_ms, carry = 0;
	ep_status st;
	for (;;) {
		uint64_t real = allow < p->cap_left ? allow : p->cap_left;
		uint64_t give = real;
		if (timeout != UINT64_MAX && real - carry > DEADLINE_SLICE)
			give = carry + DEADLINE_SLICE;
		uint64_t before = ep_store_fuel_used(s);
		ep_store_set_fuel(s, give);
		st = f ? ep_call(s, f, args, nargs, results, nresults, err)
		       : ep_resume(s, results, nresults, err);
		f = NULL;
		uint64_t used = ep_store_fuel_used(s) - before;
		if (p->cap_left != UINT64_MAX)
			p->cap_left -= used;
		if (allow != UINT64_MAX)
			allow -= used;
		if (st != EP_ERR_TRAP || err->trap != EP_TRAP_FUEL)
			break;
		if (give < real) {
			/* A slice ran out, not the budget. */
			if (now_ms() - p->started_ms < timeout) {
				carry = ep_store_fuel_left(s);
				continue;
			}
			ep_abandon(s);
			fail(err, EP_ERR_TRAP, "deadline exceeded after %" PRIu64 "ms", timeout);
			err->trap = EP_TRAP_INTERRUPT;
			p->suspended = 0;
			settle(p, v, st, err);
			v->report.outcome = EP_OUTCOME_DEADLINE;
			return st;
		}
		if (p->cap_left <= allow) {
			/* More fuel from the embedder could not pass the manifest's. */
			ep_abandon(s);
			fail(err, EP_ERR_TRAP, "fuel exhausted: the manifest's %" PRIu64 " units per call "
			     "are used up", v->fuel_cap);
			err->trap = EP_TRAP_FUEL;
			p->suspended = 0;
			return settle(p, v, st, err);
		}
		break;
	}
	p->suspended = st == EP_ERR_TRAP && (err->trap == EP_TRAP_FUEL ||
	                                     err->trap == EP_TRAP_INTERRUPT);
	st = settle(p, v, st, err);
	p->paused_ms = now_ms();
	return st;
}

static ep_status call_in(ep_plugin *p, version *v, ep_func *f, const ep_value *args,
                         size_t nargs, ep_value *results, size_t nresults, ep_error *err)
{
	ep_error local;
	if (!err)
		err = &local;
	error_init(err);
	p->cap_left = v->fuel_cap;
	p->call_used0 = ep_store_fuel_used(v->store);
	p->started_ms = now_ms();
	/* An interrupt meant for an earlier call does not stop this one. */
	ep_wasi_clear_interrupt(v->wasi);
	return drive(p, v, f, args, nargs, results, nresults, p->call_fuel, err);
}

/* A call refused before anything runs (no such export) is the last
 * call's outcome too. */
static ep_status refuse(ep_plugin *p, ep_error *err, const char *name)
{
	ep_error local;
	if (!err)
		err = &local;
	fail(err, EP_ERR_ARG, "%s: no exported function %s", p->v->name, name);
	p->call_used0 = ep_store_fuel_used(p->v->store);
	p->started_ms = now_ms();
	return settle(p, p->v, EP_ERR_ARG, err);
}

ep_status ep_plugin_call(ep_plugin *p, const char *name, const ep_value *args, size_t nargs,
                         ep_value *results, size_t nresults, ep_error *err)
{
	if (ep_plugin_suspended(p))
		return fail(err, EP_ERR_ARG, "%s: a suspended call must be resumed or abandoned first",
		            p->v->name);
	ep_func *f = name ? export_func(p->v->inst, name) : NULL;
	if (!f)
		return refuse(p, err, name ? name : "(null)");
	return call_in(p, p->v, f, args, nargs, results, nresults, err);
}

ep_status ep_plugin_call_entry(ep_plugin *p, const ep_value *args, size_t nargs,
                               ep_value *results, size_t nresults, ep_error *err)
{
	ep_error local;
	if (!err)
		err = &local;
	if (ep_plugin_suspended(p))
		return fail(err, EP_ERR_ARG, "%s: a suspended call must be resumed or abandoned first",
		            p->v->name);
	ep_status st = call_in(p, p->v, p->v->entry, args, nargs, results, nresults, err);
	/* A command that ends by proc_exit has ended, not failed. */
	if (st == EP_ERR_TRAP && err->trap == EP_TRAP_EXIT && p->v->info.is_command)
		st = EP_OK;
	return st;
}

ep_status ep_plugin_resume(ep_plugin *p, uint64_t fuel, ep_value *results, size_t nresults,
                           ep_error *err)
{
	ep_error local;
	if (!err)
		err = &local;
	if (!ep_plugin_suspended(p))
		return fail(err, EP_ERR_ARG, "%s: no suspended call to resume", p->v->name);
	error_init(err);
	/* The deadline and wall_ms count the time the call runs, not the
	 * time it waited for the embedder. */
	p->started_ms += now_ms() - p->paused_ms;
	/* Added to what the stop left, which was less than the next block
	 * costs: a block dearer than one tick's fuel is paid over several. */
	uint64_t left = ep_store_fuel_left(p->v->store);
	return drive(p, p->v, NULL, NULL, 0, results, nresults,
	             fuel > UINT64_MAX - left ? UINT64_MAX : left + fuel, err);
}

void ep_plugin_abandon(ep_plugin *p)
{
	if (p->suspended)
		ep_abandon(p->v->store);
	p->suspended = 0;
}

int ep_plugin_suspended(const ep_plugin *p)
{
	return p->suspended;
}

void ep_plugin_set_call_fuel(ep_plugin *p, uint64_t fuel)
{
	p->call_fuel = fuel;
}

void ep_plugin_interrupt(ep_plugin *p)
{
	ep_wasi_interrupt(p->v->wasi);
}

/* ---- reports ---- */

const char *ep_plugin_outcome_name(ep_plugin_outcome o)
{
	static const char *const names[] = {
		"none", "returned", "exited", "trapped", "fuel", "interrupted", "deadline", "error"
	};
	return (unsigned)o < sizeof names / sizeof *names ? names[o] : "unknown outcome";
}

void ep_plugin_get_report(const ep_plugin *p, ep_plugin_report *out)
{
	*out = p->v->report;
}

void ep_plugin_get_info(const ep_plugin *p, ep_plugin_info *out)
{
	*out = p->v->info;
}

/* ---- reload ---- */

ep_status ep_plugin_reload(ep_plugin *p, const ep_plugin_source *src, ep_error *err)
{
	if (!src)
		return fail(err, EP_ERR_ARG, "ep_plugin_reload: source is NULL");
	if (ep_plugin_suspended(p))
		return fail(err, EP_ERR_ARG, "%s: reload refused: a call is suspended (resume or "
		            "abandon it first)", src_name(src));
	version *old = p->v, *v;
	/* Both versions are held until the swap. */
	set_runtime_limit(p, old->runtime_memory, EP_GRANTS_DEFAULT_RUNTIME_BYTES);
	ep_status st = build(p, src, old->runtime_memory, &v, err);
	if (st != EP_OK) {
		set_runtime_limit(p, old->runtime_memory, 0);
		return st;
	}
	v->info.generation = old->info.generation + 1;
	p->v = v;
	version_free(p->engine, old);
	set_runtime_limit(p, v->runtime_memory, 0);
	return EP_OK;
}
