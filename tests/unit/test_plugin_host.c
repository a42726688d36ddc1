/*
 * test_plugin_host.c - the plugin layer for embedders
 * (include/edgeplug_plugin.h) as firmware would use it: trust stores from
 * memory and from files; opening a signed plugin and every way an open is
 * refused; calling the entry and exports with a host function sensor.read;
 * fuel per call with resume and abandon; traps, deadlines and the report;
 * reloads that succeed and every way one fails, each leaving the old
 * version running; and the whole lifecycle under an allocator that refuses
 * its Nth call for every N. argv[1] is $(WASM_DIR)/unit/plugin_host, whose
 * signed/ folder tests/unit/plugin_host/sign.sh made with new keys.
 */
#include <fcntl.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "edgeplug.h"
#include "edgeplug_plugin.h"
#include "edgeplug_wasi.h"
#include "check.h"
#include "sign.h"

/* ---- fixtures ---- */

typedef struct blob {
	uint8_t *p;
	size_t n;
} blob;

static char signed_dir[512];

static blob slurp(const char *name)
{
	char path[640];
	snprintf(path, sizeof path, "%s/%s", signed_dir, name);
	FILE *f = fopen(path, "rb");
	if (!f)
		FATAL(path, strerror(errno));
	blob b = { NULL, 0 };
	size_t cap = 0, got;
	do {
		if (b.n == cap) {
			cap = cap ? cap * 2 : 4096;
			if (!(b.p = realloc(b.p, cap)))
				FATAL("out of memory", NULL);
		}
		got = fread(b.p + b.n, 1, cap - b.n, f);
		b.n += got;
	} while (got);
	fclose(f);
	return b;
}

/* One plugin's files: NAME.ini, NAME.ini.sig and the wasm it names. */
typedef struct fixture {
	blob ini, sig, wasm;
	char name[64];
	ep_plugin_source src;
} fixture;

static void fixture_load(fixture *fx, const char *name, const char *wasm)
{
	char f[128];
	memset(fx, 0, sizeof *fx);
	snprintf(fx->name, sizeof fx->name, "%s.ini", name);
	fx->ini = slurp(fx->name);
	snprintf(f, sizeof f, "%s.ini.sig", name);
	fx->sig = slurp(f);
	fx->wasm = slurp(wasm);
	fx->src.name = fx->name;
	fx->src.manifest = fx->ini.p;
	fx->src.manifest_len = fx->ini.n;
	fx->src.signature = fx->sig.p;
	fx->src.signature_len = fx->sig.n;
	fx->src.wasm = fx->wasm.p;
	fx->src.wasm_len = fx->wasm.n;
}

static void fixture_free(fixture *fx)
{
	free(fx->ini.p);
	free(fx->sig.p);
	free(fx->wasm.p);
}

static fixture v1, v2, cmd, deadline, lowfuel, starttrap, missing, inittrap, bad, v1_other;
static blob test_pub, other_pub;

/* ---- the host function ---- */

typedef struct sensor {
	float value;
	int reads;
	ep_plugin *interrupt;   /* interrupted from inside the read, once */
} sensor;

static ep_trap sensor_read(ep_caller *c, void *env, const ep_value *args, ep_value *results)
{
	(void)args;
	sensor *s = env;
	/* The plugin, and through it the user data, from the caller. */
	ep_plugin *p = ep_store_data(ep_caller_store(c));
	if (!p || ep_plugin_user_data(p) != env)
		return EP_TRAP_HOST;
	s->reads++;
	if (s->interrupt) {
		ep_plugin_interrupt(s->interrupt);
		s->interrupt = NULL;
	}
	results[0].type = EP_F32;
	memcpy(&results[0].of.f32, &s->value, 4);
	return EP_TRAP_NONE;
}

static ep_status define_sensor(ep_linker *l, void *user_data, ep_error *err)
{
	static const uint8_t f32[] = { EP_F32 };
	const ep_functype t = { 0, 1, NULL, f32 };
	return ep_linker_define_func(l, "sensor", "read", &t, sensor_read, user_data, err);
}

/* The plugin's result of export name(arg) (name takes an i32 when has_arg);
 * INT32_MIN when the call fails. */
static int32_t call_i32(ep_plugin *p, const char *name, int has_arg, int32_t arg)
{
	ep_value a = val_i32(arg), r;
	ep_error err;
	if (ep_plugin_call(p, name, has_arg ? &a : NULL, has_arg, &r, 1, &err) != EP_OK)
		return INT32_MIN;
	return r.of.i32;
}

static ep_trust_store *trust_with(const blob *pub)
{
	ep_trust_store *t;
	ep_error err;
	if (ep_trust_store_new(&t, &err) != EP_OK)
		FATAL("ep_trust_store_new", err.msg);
	if (ep_trust_store_add_pub(t, (const char *)pub->p, pub->n, &err) != EP_OK)
		FATAL("ep_trust_store_add_pub", err.msg);
	return t;
}

static sensor the_sensor = { 42.0f, 0, NULL };

static ep_plugin_host host_for(const ep_trust_store *t, unsigned flags)
{
	ep_plugin_host h;
	memset(&h, 0, sizeof h);
	h.trust = t;
	h.define = define_sensor;
	h.flags = flags;
	h.user_data = &the_sensor;
	return h;
}

/* Opens src; the plugin, or NULL with err filled. */
static ep_plugin *open_src(ep_engine *e, const ep_plugin_host *h, const ep_plugin_source *src,
                           ep_status *st, ep_error *err)
{
	ep_plugin *p = NULL;
	*st = ep_plugin_open(e, h, src, &p, err);
	return p;
}

static int contains(const char *s, const char *part)
{
	return strstr(s, part) != NULL;
}

/* ---- trust stores ---- */

static void test_trust(void)
{
	ep_trust_store *t;
	ep_error err;
	CHECK(ep_trust_store_new(&t, &err) == EP_OK, "new: %s", err.msg);
	CHECK(ep_trust_store_count(t) == 0, "empty store");
	CHECK(ep_trust_store_add_pub(t, (const char *)test_pub.p, test_pub.n, &err) == EP_OK,
	      "add_pub: %s", err.msg);
	CHECK(ep_trust_store_add_pub(t, (const char *)test_pub.p, test_pub.n, &err) == EP_ERR_ARG &&
	      contains(err.msg, "already trusted"), "the same key twice: %s", err.msg);
	CHECK(ep_trust_store_add_pub(t, "edgeplug-ed25519-public zz\n", 27, &err) ==
	      EP_ERR_MALFORMED && contains(err.msg, "public key: "), "garbage .pub: %s", err.msg);
	/* The raw bytes of other's key, as firmware would keep them. */
	ep_pubkey k;
	char why[160];
	if (ep_pubkey_parse((const char *)other_pub.p, other_pub.n, &k, why, sizeof why) != 0)
		FATAL("other.pub", why);
	CHECK(ep_trust_store_add_key(t, k.key, "bad name!", &err) == EP_ERR_ARG &&
	      contains(err.msg, "key name"), "a bad key name: %s", err.msg);
	CHECK(ep_trust_store_add_key(t, k.key, "flash-key", &err) == EP_OK, "add_key: %s", err.msg);
	CHECK(ep_trust_store_add_key(t, k.key, NULL, &err) == EP_ERR_ARG, "a raw key twice");
	CHECK(ep_trust_store_count(t) == 2, "two keys: %zu", ep_trust_store_count(t));

	/* A plugin signed by the raw key opens, and says who signed it. */
	ep_engine *e = ep_engine_new(NULL, NULL);
	ep_plugin_host h = host_for(t, 0);
	ep_status st;
	ep_plugin *p = open_src(e, &h, &v1_other.src, &st, &err);
	CHECK(p != NULL, "v1 signed by the raw key: %s", err.msg);
	if (p) {
		ep_plugin_info info;
		char id[17];
		ep_plugin_get_info(p, &info);
		ep_keyid_hex(k.id, id);
		CHECK(info.is_signed && strcmp(info.signer_id, id) == 0 &&
		      strcmp(info.signer_name, "flash-key") == 0, "signer %s %s", info.signer_id,
		      info.signer_name);
	}
	ep_plugin_close(p);
	ep_engine_free(e);
	ep_trust_store_free(t);

	/* From a directory, with trust.c's rules: signed/ is group-writable
	 * or not depending on the umask, so a folder of its own is made. */
	char dir[] = "/tmp/ep-trust-XXXXXX", path[64];
	if (!mkdtemp(dir))
		FATAL("mkdtemp", strerror(errno));
	snprintf(path, sizeof path, "%s/test.pub", dir);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(test_pub.p, 1, test_pub.n, f) != test_pub.n || fclose(f) != 0)
		FATAL(path, strerror(errno));
	chmod(path, 0644);
	chmod(dir, 0755);
	ep_trust_store_new(&t, &err);
	CHECK(ep_trust_store_add_path(t, dir, &err) == EP_OK && ep_trust_store_count(t) == 1,
	      "add_path(dir): %s", err.msg);
	chmod(dir, 0777);
	ep_trust_store *t2;
	ep_trust_store_new(&t2, &err);
	CHECK(ep_trust_store_add_path(t2, dir, &err) == EP_ERR_ARG && contains(err.msg, "writable") &&
	      ep_trust_store_count(t2) == 0, "a world-writable folder: %s", err.msg);
	CHECK(ep_trust_store_add_path(t2, "/nonexistent/keys", &err) == EP_ERR_ARG &&
	      contains(err.msg, "/nonexistent/keys"), "a missing path: %s", err.msg);
	ep_trust_store_free(t2);
	ep_trust_store_free(t);
	unlink(path);
	rmdir(dir);
}

/* ---- opening ---- */

static void test_open(const ep_trust_store *t)
{
	ep_engine *e = ep_engine_new(NULL, NULL);
	ep_plugin_host h = host_for(t, 0);
	ep_error err;
	ep_status st;
	the_sensor.reads = 0;
	ep_plugin *p = open_src(e, &h, &v1.src, &st, &err);
	CHECK(p && st == EP_OK, "open v1: %s", err.msg);
	if (!p)
		FATAL("open v1", err.msg);
	ep_plugin_info info;
	ep_plugin_get_info(p, &info);
	CHECK(strcmp(info.id, "org.edgeplug.test.sensor") == 0 && strcmp(info.version, "1.0.0") == 0,
	      "info %s %s", info.id, info.version);
	CHECK(strcmp(info.entry, "on_tick") == 0 && !info.is_command, "entry %s", info.entry);
	CHECK(info.is_signed && strlen(info.signer_id) == 16 && strcmp(info.signer_name, "test") == 0,
	      "signed by test: %s %s", info.signer_id, info.signer_name);
	CHECK(strlen(info.sha256) == 64 && info.generation == 0, "sha %s gen %u", info.sha256,
	      info.generation);
	CHECK(info.fuel_per_call == UINT64_MAX && info.timeout_ms == UINT64_MAX, "no fuel or timeout");
	CHECK(ep_plugin_user_data(p) == &the_sensor, "user data");
	CHECK(ep_plugin_instance(p) && ep_plugin_store(p), "instance and store");
	/* _initialize ran at open, and nothing else did. */
	CHECK(call_i32(p, "inited", 0, 0) == 1, "_initialize ran");
	CHECK(the_sensor.reads == 0, "no sensor reads at open");

	/* The entry: on_tick(5) reads the sensor once: 1 * 100 + 42. */
	ep_value a = val_i32(5), r;
	st = ep_plugin_call_entry(p, &a, 1, &r, 1, &err);
	CHECK(st == EP_OK && r.of.i32 == 142, "on_tick(5): %d %s", r.of.i32, err.msg);
	CHECK(the_sensor.reads == 1, "one read: %d", the_sensor.reads);
	ep_plugin_report rep;
	ep_plugin_get_report(p, &rep);
	CHECK(rep.outcome == EP_OUTCOME_RETURNED && rep.fuel_used > 0 && rep.message[0] == '\0',
	      "report after on_tick: %s %" PRIu64, ep_plugin_outcome_name(rep.outcome), rep.fuel_used);
	CHECK(rep.peak_memory_bytes == 65536 && rep.peak_call_depth >= 1 && rep.trap == EP_TRAP_NONE,
	      "peaks %" PRIu64 " %u", rep.peak_memory_bytes, rep.peak_call_depth);
	CHECK(rep.total_fuel_used == ep_store_fuel_used(ep_plugin_store(p)), "total fuel");
	/* More work costs more fuel, by a fixed amount per turn. */
	uint64_t f5 = rep.fuel_used;
	a = val_i32(105);
	ep_plugin_call_entry(p, &a, 1, &r, 1, &err);
	ep_plugin_get_report(p, &rep);
	CHECK(rep.fuel_used > f5 && (rep.fuel_used - f5) % 100 == 0, "fuel for 100 more turns: %"
	      PRIu64 " vs %" PRIu64, rep.fuel_used, f5);

	/* Any export, and the refusals of a bad call. */
	CHECK(call_i32(p, "version", 0, 0) == 1, "version() = 1");
	st = ep_plugin_call(p, "nope", NULL, 0, NULL, 0, &err);
	CHECK(st == EP_ERR_ARG && contains(err.msg, "v1.ini: no exported function nope"), "unknown export: %s",
	      err.msg);
	ep_plugin_get_report(p, &rep);
	CHECK(rep.outcome == EP_OUTCOME_ERROR && contains(rep.message, "nope"), "report: error");
	st = ep_plugin_call(p, "version", &a, 1, &r, 1, &err);
	CHECK(st == EP_ERR_ARG, "wrong argument count: %s", err.msg);

	/* A trap, and the plugin carries on. */
	st = ep_plugin_call(p, "boom", NULL, 0, NULL, 0, &err);
	CHECK(st == EP_ERR_TRAP && err.trap == EP_TRAP_UNREACHABLE, "boom traps: %s", err.msg);
	ep_plugin_get_report(p, &rep);
	CHECK(rep.outcome == EP_OUTCOME_TRAPPED && rep.trap == EP_TRAP_UNREACHABLE &&
	      strcmp(rep.trap_func_name, "boom") == 0 && rep.trap_func != UINT32_MAX && rep.message[0],
	      "trap report: %s %s", ep_plugin_outcome_name(rep.outcome), rep.trap_func_name);
	CHECK(!ep_plugin_suspended(p), "a trap is not suspended");
	CHECK(call_i32(p, "ticks", 0, 0) == 2, "usable after the trap");
	/* The manifest's call depth (50): deep(49) fits, deep(60) does not. */
	CHECK(call_i32(p, "deep", 1, 49) == 49, "deep(49)");
	st = ep_plugin_call(p, "deep", &(ep_value){ EP_I32, { .i32 = 60 } }, 1, &r, 1, &err);
	ep_plugin_get_report(p, &rep);
	CHECK(st == EP_ERR_TRAP && err.trap == EP_TRAP_STACK_EXHAUSTED && rep.peak_call_depth == 50,
	      "call_depth 50: %s, peak %u", err.msg, rep.peak_call_depth);
	/* memory = 4M: 64 pages; grow works and the peak follows. */
	CHECK(call_i32(p, "grow", 0, 0) == 1, "grow");
	ep_plugin_get_report(p, &rep);
	CHECK(rep.peak_memory_bytes == 131072, "peak memory %" PRIu64, rep.peak_memory_bytes);
	ep_plugin_close(p);
	CHECK(ep_engine_bytes(e) == 0, "close frees everything: %zu", ep_engine_bytes(e));
	ep_engine_free(e);
}

/* A command: _start, its output counted and capped, its exit code. */
static void test_command(const ep_trust_store *t)
{
	ep_engine *e = ep_engine_new(NULL, NULL);
	ep_plugin_host h = host_for(t, 0);
	ep_error err;
	ep_status st;
	ep_plugin *p = open_src(e, &h, &cmd.src, &st, &err);
	CHECK(p != NULL, "open cmd: %s", err.msg);
	if (!p)
		return;
	ep_plugin_info info;
	ep_plugin_get_info(p, &info);
	CHECK(info.is_command && strcmp(info.entry, "_start") == 0, "a command");
	/* Its stdout is this process's: a file for the length of the call. */
	char path[] = "/tmp/ep-plugin-out-XXXXXX";
	int fd = mkstemp(path), saved = dup(1);
	fflush(stdout);
	dup2(fd, 1);
	st = ep_plugin_call_entry(p, NULL, 0, NULL, 0, &err);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	char out[32] = "";
	ssize_t n = pread(fd, out, sizeof out - 1, 0);
	close(fd);
	unlink(path);
	CHECK(st == EP_OK && n == 4 && memcmp(out, "hey\n", 4) == 0, "cmd wrote %zd bytes: %s", n,
	      err.msg);
	ep_plugin_report rep;
	ep_plugin_get_report(p, &rep);
	CHECK(rep.outcome == EP_OUTCOME_EXITED && rep.exit_code == 7, "exited %s %d",
	      ep_plugin_outcome_name(rep.outcome), rep.exit_code);
	CHECK(rep.output_bytes == 4 && rep.output_refused_writes == 1, "output %" PRIu64 " refused %"
	      PRIu64, rep.output_bytes, rep.output_refused_writes);
	ep_plugin_close(p);
	ep_engine_free(e);
}

/* Every refusal of ep_plugin_open: status, message, nothing left over. */
static void expect_refused(const char *what, const ep_plugin_host *h, const ep_plugin_source *src,
                           ep_status want, const char *part)
{
	ep_engine *e = ep_engine_new(NULL, NULL);
	ep_error err;
	ep_status st;
	ep_plugin *p = open_src(e, h, src, &st, &err);
	CHECK(!p && st == want && contains(err.msg, part), "%s: status %s (want %s), \"%s\"", what,
	      ep_status_name(st), ep_status_name(want), err.msg);
	CHECK(ep_engine_bytes(e) == 0, "%s: %zu bytes left", what, ep_engine_bytes(e));
	ep_plugin_close(p);
	ep_engine_free(e);
}

static void test_open_failures(const ep_trust_store *t)
{
	ep_plugin_host h = host_for(t, 0);
	ep_plugin_source s;
	uint8_t *copy;

	/* Unsigned: refused unless allowed, and then it opens. */
	s = v1.src;
	s.signature = NULL;
	s.signature_len = 0;
	expect_refused("unsigned", &h, &s, EP_ERR_ARG, "v1.ini: not trusted: no signature");
	ep_plugin_host allow = host_for(t, EP_PLUGIN_ALLOW_UNSIGNED);
	ep_engine *e = ep_engine_new(NULL, NULL);
	ep_error err;
	ep_status st;
	ep_plugin *p = open_src(e, &allow, &s, &st, &err);
	ep_plugin_info info;
	if (p)
		ep_plugin_get_info(p, &info);
	CHECK(p && !info.is_signed && info.signer_id[0] == '\0', "unsigned, allowed: %s", err.msg);
	ep_plugin_close(p);
	ep_engine_free(e);
	/* Allowing unsigned plugins does not let a bad signature through. */
	s = v1.src;
	s.signature = v2.sig.p;
	s.signature_len = v2.sig.n;
	expect_refused("bad signature, unsigned allowed", &allow, &s, EP_ERR_ARG, "bad signature");

	/* A signature by a key not trusted; and with no trust store. */
	expect_refused("unknown key", &h, &v1_other.src, EP_ERR_ARG, "signed by unknown key");
	ep_plugin_host none = host_for(NULL, 0);
	expect_refused("no trust store", &none, &v1.src, EP_ERR_ARG, "unknown key");
	/* Another manifest's signature. */
	expect_refused("bad signature", &h, &s, EP_ERR_ARG, "v1.ini: not trusted: bad signature");
	/* A signature that is not one. */
	s = v1.src;
	s.signature = "edgeplug-ed25519-signature nonsense\n";
	s.signature_len = strlen(s.signature);
	expect_refused("malformed signature", &h, &s, EP_ERR_MALFORMED, "v1.ini: signature: ");

	/* The manifest changed after signing: one byte of a comment. */
	copy = malloc(v1.ini.n);
	memcpy(copy, v1.ini.p, v1.ini.n);
	copy[2] ^= 0x20;
	s = v1.src;
	s.manifest = copy;
	expect_refused("tampered manifest", &h, &s, EP_ERR_ARG, "bad signature");
	free(copy);

	/* The wasm changed: one byte; the pin's line is named. */
	copy = malloc(v1.wasm.n);
	memcpy(copy, v1.wasm.p, v1.wasm.n);
	copy[v1.wasm.n - 1] ^= 1;
	s = v1.src;
	s.wasm = copy;
	expect_refused("tampered wasm", &h, &s, EP_ERR_ARG, "v1.ini:6: not trusted: sha256 mismatch");
	/* Another module entirely. */
	s.wasm = v2.wasm.p;
	s.wasm_len = v2.wasm.n;
	expect_refused("other wasm", &h, &s, EP_ERR_ARG, "sha256 mismatch");
	free(copy);

	/* A manifest that does not parse, with its line. */
	static const char broken[] = "[plugin]\nid = x\n[capabilitys]\n";
	s = v1.src;
	s.name = "broken.ini";
	s.manifest = broken;
	s.manifest_len = sizeof broken - 1;
	s.signature = NULL;
	expect_refused("syntax error", &allow, &s, EP_ERR_MALFORMED,
	               "broken.ini:3: unknown section [capabilitys]");
	static const char nopin[] = "[plugin]\nid = x\nversion = 1\nwasm = a.wasm\n";
	s.manifest = nopin;
	s.manifest_len = sizeof nopin - 1;
	expect_refused("missing key", &allow, &s, EP_ERR_MALFORMED,
	               "broken.ini: missing required key \"sha256\"");

	/* Verified, but the module does not load, link or initialise. */
	expect_refused("load failure", &h, &bad.src, EP_ERR_MALFORMED, "bad.ini: ");
	expect_refused("missing import", &h, &missing.src, EP_ERR_UNLINKABLE,
	               "missing.ini: unknown import sensor.calibrate");
	ep_plugin_host nodefs = host_for(t, 0);
	nodefs.define = NULL;
	expect_refused("no host functions", &nodefs, &v1.src, EP_ERR_UNLINKABLE, "sensor.read");
	expect_refused("start trap", &h, &starttrap.src, EP_ERR_TRAP, "starttrap.ini: ");
	expect_refused("_initialize trap", &h, &inittrap.src, EP_ERR_TRAP, "inittrap.ini: ");
	/* With stubs for unknown imports, missing.wasm opens. */
	ep_plugin_host stubs = host_for(t, EP_PLUGIN_TRAP_UNKNOWN);
	e = ep_engine_new(NULL, NULL);
	p = open_src(e, &stubs, &missing.src, &st, &err);
	CHECK(p != NULL, "missing import stubbed: %s", err.msg);
	ep_plugin_close(p);
	ep_engine_free(e);
	/* Arguments. */
	e = ep_engine_new(NULL, NULL);
	CHECK(ep_plugin_open(e, &h, NULL, &p, &err) == EP_ERR_ARG && !p, "no source");
	ep_engine_free(e);
}

/* The wasm where it is (flash, a const array): the engine holds less. */
static void test_no_copy(const ep_trust_store *t)
{
	ep_engine *e = ep_engine_new(NULL, NULL);
	ep_error err;
	ep_status st;
	ep_plugin_host h = host_for(t, 0), nc = host_for(t, EP_PLUGIN_NO_COPY);
	ep_plugin *p = open_src(e, &h, &v1.src, &st, &err);
	size_t copied = ep_engine_bytes(e);
	ep_plugin_close(p);
	p = open_src(e, &nc, &v1.src, &st, &err);
	size_t in_place = ep_engine_bytes(e);
	CHECK(p && copied - in_place == v1.wasm.n, "no copy saves the module's %zu bytes: %zu vs %zu",
	      v1.wasm.n, copied, in_place);
	CHECK(p && call_i32(p, "version", 0, 0) == 1, "no copy runs");
	if (p)
		CHECK(ep_plugin_reload(p, &v2.src, &err) == EP_OK && call_i32(p, "version", 0, 0) == 2,
		      "no copy reloads: %s", err.msg);
	ep_plugin_close(p);
	ep_engine_free(e);
}

/* ---- fuel per call ---- */

static void test_fuel(const ep_trust_store *t)
{
	ep_engine *e = ep_engine_new(NULL, NULL);
	ep_plugin_host h = host_for(t, 0);
	ep_error err;
	ep_status st;
	ep_plugin *ref = open_src(e, &h, &v1.src, &st, &err);
	ep_plugin *p = open_src(e, &h, &v1.src, &st, &err);
	if (!ref || !p)
		FATAL("open v1 twice", err.msg);
	/* The reference: on_tick(1000) with no budget. */
	ep_value a = val_i32(1000), r, r2;
	ep_plugin_report rep;
	ep_plugin_call_entry(ref, &a, 1, &r, 1, &err);
	ep_plugin_get_report(ref, &rep);
	uint64_t whole = rep.fuel_used;
	CHECK(whole > 3000, "on_tick(1000) costs %" PRIu64, whole);

	/* 500 units a tick: suspended, resumed tick by tick, same result and
	 * the same fuel in all. */
	ep_plugin_set_call_fuel(p, 500);
	st = ep_plugin_call_entry(p, &a, 1, &r2, 1, &err);
	CHECK(st == EP_ERR_TRAP && err.trap == EP_TRAP_FUEL && ep_plugin_suspended(p),
	      "out of fuel, suspended: %s", err.msg);
	ep_plugin_get_report(p, &rep);
	CHECK(rep.outcome == EP_OUTCOME_FUEL && rep.fuel_used <= 500, "fuel report %s %" PRIu64,
	      ep_plugin_outcome_name(rep.outcome), rep.fuel_used);
	ep_error err2;
	CHECK(ep_plugin_call(p, "version", NULL, 0, &r, 1, &err2) == EP_ERR_ARG &&
	      contains(err2.msg, "suspended"), "a new call while suspended: %s", err2.msg);
	int ticks = 1;
	while (st == EP_ERR_TRAP && err.trap == EP_TRAP_FUEL && ticks < 100) {
		st = ep_plugin_resume(p, 500, &r2, 1, &err);
		ticks++;
	}
	ep_plugin_get_report(p, &rep);
	CHECK(st == EP_OK && r2.of.i32 == r.of.i32, "resumed to the end: %d vs %d (%s)", r2.of.i32,
	      r.of.i32, err.msg);
	CHECK(rep.fuel_used == whole && rep.outcome == EP_OUTCOME_RETURNED, "fuel %" PRIu64 " in %d "
	      "ticks, unsliced %" PRIu64, rep.fuel_used, ticks, whole);
	CHECK((uint64_t)ticks == (whole + 499) / 500, "%d ticks of 500 for %" PRIu64, ticks, whole);
	CHECK(ep_plugin_resume(p, 10, &r2, 1, &err) == EP_ERR_ARG, "nothing to resume: %s", err.msg);

	/* Interrupted (here from the host function, as a deadline timer
	 * would): suspended right after the read, resumed to the same end. */
	ep_plugin_set_call_fuel(p, UINT64_MAX);
	the_sensor.interrupt = p;
	int before_reads = the_sensor.reads;
	st = ep_plugin_call_entry(p, &a, 1, &r2, 1, &err);
	ep_plugin_get_report(p, &rep);
	CHECK(st == EP_ERR_TRAP && err.trap == EP_TRAP_INTERRUPT && ep_plugin_suspended(p) &&
	      rep.outcome == EP_OUTCOME_INTERRUPTED, "interrupted: %s %s",
	      ep_plugin_outcome_name(rep.outcome), err.msg);
	st = ep_plugin_resume(p, 0, &r2, 1, &err);
	CHECK(st == EP_OK && r2.of.i32 == 242 && the_sensor.reads == before_reads + 1,
	      "resumed after the interrupt: %d (%s)", r2.of.i32, err.msg);
	ep_plugin_set_call_fuel(p, 500);

	/* Abandoned: what ran stays (the tick was counted), the plugin goes on. */
	int before = call_i32(p, "ticks", 0, 0);
	st = ep_plugin_call_entry(p, &a, 1, &r2, 1, &err);
	CHECK(st == EP_ERR_TRAP && ep_plugin_suspended(p), "suspended again");
	ep_plugin_abandon(p);
	CHECK(!ep_plugin_suspended(p), "abandoned");
	CHECK(call_i32(p, "ticks", 0, 0) == before + 1, "the abandoned tick's effect stays");
	ep_plugin_set_call_fuel(p, UINT64_MAX);
	a = val_i32(1);
	CHECK(ep_plugin_call_entry(p, &a, 1, &r2, 1, &err) == EP_OK, "a new call after abandon");
	/* A reload is refused while a call is suspended. */
	ep_plugin_set_call_fuel(p, 50);
	a = val_i32(1000);
	ep_plugin_call_entry(p, &a, 1, &r2, 1, &err);
	st = ep_plugin_reload(p, &v2.src, &err);
	CHECK(st == EP_ERR_ARG && contains(err.msg, "suspended") && ep_plugin_suspended(p),
	      "reload while suspended: %s", err.msg);
	CHECK(ep_plugin_resume(p, UINT64_MAX, &r2, 1, &err) == EP_OK, "the call still resumes");
	ep_plugin_close(ref);
	ep_plugin_close(p);

	/* The manifest's 300 units per call: a call may not pass them, and a
	 * bigger per-call budget is lowered to them. */
	p = open_src(e, &h, &lowfuel.src, &st, &err);
	CHECK(p != NULL, "open lowfuel: %s", err.msg);
	if (p) {
		ep_plugin_info info;
		ep_plugin_get_info(p, &info);
		CHECK(info.fuel_per_call == 300, "fuel per call %" PRIu64, info.fuel_per_call);
		st = ep_plugin_call_entry(p, &a, 1, &r2, 1, &err);
		CHECK(st == EP_ERR_TRAP && err.trap == EP_TRAP_FUEL && !ep_plugin_suspended(p) &&
		      contains(err.msg, "300 units per call"), "over the manifest's fuel: %s", err.msg);
		ep_plugin_get_report(p, &rep);
		CHECK(rep.fuel_used <= 300 && rep.outcome == EP_OUTCOME_FUEL, "used %" PRIu64,
		      rep.fuel_used);
		ep_plugin_set_call_fuel(p, 100);
		st = ep_plugin_call_entry(p, &a, 1, &r2, 1, &err);
		CHECK(st == EP_ERR_TRAP && ep_plugin_suspended(p), "100 of 300: suspended");
		st = ep_plugin_resume(p, 1000000, &r2, 1, &err);
		CHECK(st == EP_ERR_TRAP && !ep_plugin_suspended(p), "resume stops at 300: %s", err.msg);
		ep_plugin_get_report(p, &rep);
		CHECK(rep.fuel_used <= 300 && rep.fuel_used > 200, "call used %" PRIu64, rep.fuel_used);
		a = val_i32(3);
		ep_plugin_set_call_fuel(p, UINT64_MAX);
		CHECK(ep_plugin_call_entry(p, &a, 1, &r2, 1, &err) == EP_OK, "a small call fits: %s",
		      err.msg);
		ep_plugin_close(p);
	}

	/* The manifest's timeout: an endless loop stops after 100 ms and the
	 * plugin goes on. */
	p = open_src(e, &h, &deadline.src, &st, &err);
	CHECK(p != NULL, "open deadline: %s", err.msg);
	if (p) {
		st = ep_plugin_call(p, "spin", NULL, 0, NULL, 0, &err);
		ep_plugin_get_report(p, &rep);
		CHECK(st == EP_ERR_TRAP && err.trap == EP_TRAP_INTERRUPT && !ep_plugin_suspended(p) &&
		      rep.outcome == EP_OUTCOME_DEADLINE && contains(err.msg, "deadline exceeded after 100ms"),
		      "deadline: %s %s", ep_plugin_outcome_name(rep.outcome), err.msg);
		CHECK(rep.wall_ms >= 100 && rep.wall_ms < 5000, "stopped after %" PRIu64 " ms",
		      rep.wall_ms);
		/* Sliced calls cost what unsliced ones do. */
		a = val_i32(1000);
		st = ep_plugin_call_entry(p, &a, 1, &r2, 1, &err);
		ep_plugin_get_report(p, &rep);
		CHECK(st == EP_OK && rep.fuel_used == whole, "sliced fuel %" PRIu64 " vs %" PRIu64,
		      rep.fuel_used, whole);
		ep_plugin_close(p);
	}
	CHECK(ep_engine_bytes(e) == 0, "fuel tests leave nothing: %zu", ep_engine_bytes(e));
	ep_engine_free(e);
}

/* ---- reload ---- */

static void expect_reload_fails(ep_plugin *p, const char *what, const ep_plugin_source *src,
                                ep_status want, const char *part)
{
	ep_error err;
	ep_plugin_info before, after;
	ep_plugin_report rb, ra;
	ep_plugin_get_info(p, &before);
	ep_plugin_get_report(p, &rb);
	ep_instance *inst = ep_plugin_instance(p);
	ep_status st = ep_plugin_reload(p, src, &err);
	ep_plugin_get_info(p, &after);
	ep_plugin_get_report(p, &ra);
	CHECK(st == want && contains(err.msg, part), "reload %s: %s (want %s) \"%s\"", what,
	      ep_status_name(st), ep_status_name(want), err.msg);
	CHECK(ep_plugin_instance(p) == inst && memcmp(&before, &after, sizeof before) == 0 &&
	      memcmp(&rb, &ra, sizeof rb) == 0, "reload %s: the old version untouched", what);
	CHECK(call_i32(p, "version", 0, 0) == 1, "reload %s: version 1 still runs", what);
}

static void test_reload(const ep_trust_store *t)
{
	ep_engine *e = ep_engine_new(NULL, NULL);
	ep_plugin_host h = host_for(t, 0);
	ep_error err;
	ep_status st;
	ep_plugin *p = open_src(e, &h, &v1.src, &st, &err);
	if (!p)
		FATAL("open v1", err.msg);
	ep_value a = val_i32(0), r;
	ep_plugin_call_entry(p, &a, 1, &r, 1, &err);
	CHECK(r.of.i32 == 142, "v1 tick: %d", r.of.i32);

	ep_plugin_source s = v2.src;
	uint8_t *copy = malloc(v2.ini.n);
	memcpy(copy, v2.ini.p, v2.ini.n);
	copy[v2.ini.n - 2] ^= 1;
	s.manifest = copy;
	expect_reload_fails(p, "tampered", &s, EP_ERR_ARG, "v2.ini: not trusted: bad signature");
	free(copy);
	s = v2.src;
	s.signature = v1.sig.p;
	s.signature_len = v1.sig.n;
	expect_reload_fails(p, "bad signature", &s, EP_ERR_ARG, "bad signature");
	expect_reload_fails(p, "unknown key", &v1_other.src, EP_ERR_ARG, "unknown key");
	s = v2.src;
	s.signature = NULL;
	expect_reload_fails(p, "unsigned", &s, EP_ERR_ARG, "no signature");
	s = v2.src;
	s.wasm = v1.wasm.p;
	s.wasm_len = v1.wasm.n;
	expect_reload_fails(p, "pin mismatch", &s, EP_ERR_ARG, "sha256 mismatch");
	expect_reload_fails(p, "load failure", &bad.src, EP_ERR_MALFORMED, "bad.ini");
	expect_reload_fails(p, "instantiate failure", &missing.src, EP_ERR_UNLINKABLE,
	                    "unknown import sensor.calibrate");
	expect_reload_fails(p, "start trap", &starttrap.src, EP_ERR_TRAP, "starttrap.ini");
	expect_reload_fails(p, "_initialize trap", &inittrap.src, EP_ERR_TRAP, "inittrap.ini");
	CHECK(ep_plugin_reload(p, NULL, &err) == EP_ERR_ARG, "reload NULL");
	/* The old version kept its state through all of that: tick 2. */
	a = val_i32(0);
	ep_plugin_call_entry(p, &a, 1, &r, 1, &err);
	CHECK(r.of.i32 == 242, "v1 second tick: %d", r.of.i32);

	/* Success: v2 runs, with the same host function and its env. */
	int reads = the_sensor.reads;
	the_sensor.value = 7.0f;
	st = ep_plugin_reload(p, &v2.src, &err);
	CHECK(st == EP_OK, "reload v2: %s", err.msg);
	ep_plugin_info info;
	ep_plugin_get_info(p, &info);
	CHECK(strcmp(info.version, "2.0.0") == 0 && info.generation == 1, "info after reload: %s %u",
	      info.version, info.generation);
	CHECK(call_i32(p, "version", 0, 0) == 2, "version 2 runs");
	ep_plugin_call_entry(p, &a, 1, &r, 1, &err);
	CHECK(r.of.i32 == 1007 && the_sensor.reads == reads + 1, "v2 tick: %d", r.of.i32);
	CHECK(ep_plugin_user_data(p) == &the_sensor, "user data kept");
	ep_plugin_report rep;
	ep_plugin_get_report(p, &rep);
	CHECK(rep.total_fuel_used == ep_store_fuel_used(ep_plugin_store(p)), "a new report");
	/* And back to v1, whose state starts anew. */
	the_sensor.value = 42.0f;
	CHECK(ep_plugin_reload(p, &v1.src, &err) == EP_OK, "reload v1: %s", err.msg);
	ep_plugin_call_entry(p, &a, 1, &r, 1, &err);
	CHECK(r.of.i32 == 142 && call_i32(p, "inited", 0, 0) == 1, "v1 again: %d", r.of.i32);
	ep_plugin_get_info(p, &info);
	CHECK(info.generation == 2, "generation %u", info.generation);
	ep_plugin_close(p);
	CHECK(ep_engine_bytes(e) == 0, "reloads leave nothing: %zu", ep_engine_bytes(e));
	ep_engine_free(e);
}

/* ---- the lifecycle under a refusing allocator ---- */

/* open, tick, a suspended tick resumed, a trap, a failed reload, a reload,
 * tick, close. Returns how far it got (0 open failed ... 6 all done); each
 * failure must be a clean status with a message. */
static int lifecycle(refuser *f, const ep_trust_store *t, int *clean)
{
	int stage = 0;
	*clean = 1;
	ep_engine *e = ep_engine_new(refusing_alloc, f);
	if (!e)
		return 0;
	ep_plugin_host h = host_for(t, 0);
	ep_error err;
	ep_status st;
	ep_value a = val_i32(200), r;
	ep_plugin *p = open_src(e, &h, &v1.src, &st, &err);
	if (!p) {
		*clean = st != EP_OK && err.msg[0] && !contains(err.msg, "internal");
		goto out;
	}
	stage = 1;
	if (ep_plugin_call_entry(p, &a, 1, &r, 1, &err) != EP_OK || r.of.i32 != 142)
		goto fail;
	ep_plugin_set_call_fuel(p, 300);
	st = ep_plugin_call_entry(p, &a, 1, &r, 1, &err);
	while (st == EP_ERR_TRAP && err.trap == EP_TRAP_FUEL)
		st = ep_plugin_resume(p, 300, &r, 1, &err);
	if (st != EP_OK || r.of.i32 != 242)
		goto fail;
	stage = 2;
	if (ep_plugin_call(p, "boom", NULL, 0, NULL, 0, &err) != EP_ERR_TRAP)
		goto fail;
	stage = 3;
	/* Refused as unlinkable, or for memory: either way v1 runs on. */
	st = ep_plugin_reload(p, &missing.src, &err);
	if (st == EP_OK || !err.msg[0] || call_i32(p, "version", 0, 0) != 1)
		goto fail;
	stage = 4;
	st = ep_plugin_reload(p, &v2.src, &err);
	if (st != EP_OK) {
		/* Refused: a clean error and v1 still there. */
		*clean = err.msg[0] && call_i32(p, "version", 0, 0) == 1;
		goto out;
	}
	stage = 5;
	if (ep_plugin_call_entry(p, &a, 1, &r, 1, &err) != EP_OK || r.of.i32 != 1042)
		goto fail;
	stage = 6;
	goto out;
fail:
	*clean = 0;
	printf("lifecycle at %ld: stage %d: %s\n", f->fail_at, stage, err.msg);
out:
	ep_plugin_close(p);
	if (ep_engine_bytes(e) != 0) {
		printf("lifecycle at %ld: %zu bytes left\n", f->fail_at, ep_engine_bytes(e));
		*clean = 0;
	}
	ep_engine_free(e);
	return stage;
}

static void test_oom(const ep_trust_store *t)
{
	refuser f;
	memset(&f, 0, sizeof f);
	int clean;
	the_sensor.value = 42.0f;
	CHECK(lifecycle(&f, t, &clean) == 6 && clean && f.live == 0 && f.bad_osize == 0,
	      "the lifecycle without refusals");
	long total = f.calls;
	/* The Nth refused alone, then the Nth and every later one. */
	for (int later = 0; later < 2; later++) {
		long bad = 0, leaks = 0, osize = 0;
		int stages[7] = { 0 };
		for (long n = 1; n <= total; n++) {
			refuser g;
			memset(&g, 0, sizeof g);
			g.fail_at = n;
			g.and_later = later != 0;
			int stage = lifecycle(&g, t, &clean);
			stages[stage]++;
			bad += !clean;
			leaks += g.live != 0 || g.held != 0;
			osize += g.bad_osize;
		}
		CHECK(bad == 0 && leaks == 0 && osize == 0, "%s: %ld of %ld refusals ended unclean, %ld "
		      "leaked, %ld wrong osizes", later ? "Nth and later" : "Nth", bad, total, leaks,
		      osize);
		CHECK(total > 20 && stages[0] > 0 && stages[4] > 0, "refusals reached open (%d) and "
		      "reload (%d) of %ld", stages[0], stages[4], total);
	}
}

int main(int argc, char **argv)
{
	fixture_dir = argc > 1 ? argv[1] : "build/wasm/unit/plugin_host";
	snprintf(signed_dir, sizeof signed_dir, "%s/signed", fixture_dir);
	fixture_load(&v1, "v1", "v1.names.wasm");
	fixture_load(&v2, "v2", "v2.wasm");
	fixture_load(&cmd, "cmd", "cmd.wasm");
	fixture_load(&deadline, "deadline", "v1.names.wasm");
	fixture_load(&lowfuel, "lowfuel", "v1.names.wasm");
	fixture_load(&starttrap, "starttrap", "starttrap.wasm");
	fixture_load(&missing, "missing", "missing.wasm");
	fixture_load(&inittrap, "inittrap", "inittrap.wasm");
	fixture_load(&bad, "bad", "bad.wasm");
	fixture_load(&v1_other, "v1-other", "v1.names.wasm");
	/* v1-other.ini is v1.ini: messages name what the source says. */
	v1_other.src.name = "v1.ini";
	test_pub = slurp("test.pub");
	other_pub = slurp("other.pub");

	ep_trust_store *t = trust_with(&test_pub);
	test_trust();
	test_open(t);
	test_command(t);
	test_open_failures(t);
	test_no_copy(t);
	test_fuel(t);
	test_reload(t);
	test_oom(t);
	ep_trust_store_free(t);

	fixture *all[] = { &v1, &v2, &cmd, &deadline, &lowfuel, &starttrap, &missing, &inittrap,
	                   &bad, &v1_other };
	for (size_t i = 0; i < sizeof all / sizeof *all; i++)
		fixture_free(all[i]);
	free(test_pub.p);
	free(other_pub.p);
	return check_summary();
}
