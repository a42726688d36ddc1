/*
 * firmware.c - a bare main loop that runs a signed plugin the way firmware
 * does: the plugin, its manifest, its signature and the one trusted public
 * key are const arrays in the binary (blobs.c, made by embed.sh at build
 * time), the plugin reads a sensor through a host function the firmware
 * registers by name, and on_tick is called once per tick with a fuel budget
 * per tick. Along the way it shows what a plugin host must survive:
 *
 *   - a tick that runs out of fuel: the call is suspended and resumed on
 *     the next ticks, and abandoned when it has taken three ticks more;
 *   - a trap inside a tick: reported, and the next tick runs as usual;
 *   - a reload to a second signed version mid-run, which keeps the
 *     firmware's own state (the sensor's position) and runs the new code;
 *   - a reload of a tampered manifest, refused while the running version
 *     carries on.
 *
 * Built from the installed library alone (README.md):
 *   cc firmware.c blobs.c $(pkg-config --cflags --libs --static edgeplug)
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "edgeplug.h"
#include "edgeplug_plugin.h"

/* blobs.c */
extern const unsigned char trusted_pub[], v1_ini[], v1_sig[], v1_wasm[], v2_ini[], v2_sig[],
	v2_wasm[], tampered_ini[], tampered_sig[];
extern const size_t trusted_pub_len, v1_ini_len, v1_sig_len, v1_wasm_len, v2_ini_len,
	v2_sig_len, v2_wasm_len, tampered_ini_len, tampered_sig_len;

#define TICKS 17
#define TICK_FUEL 100000u    /* what one tick may spend in the plugin */
#define MAX_RESUMES 3        /* ticks a suspended call may take before it is dropped */
#define RELOAD_AFTER 12      /* tick after which version 2 is loaded */
#define TAMPERED_AFTER 14    /* tick after which a tampered manifest is offered */

/* The sensor: the firmware's own state, which no reload may lose. Readings
 * above 100 are noise (slow to filter for version 1), NaN is a fault. */
struct sensor {
	unsigned next;
};

static const float readings[] = {
	20.5f, 21.5f, 150.0f, NAN, 23.5f, 5000.0f, 24.0f, 150.0f, 19.0f, 25.5f,
};
#define NREADINGS (sizeof readings / sizeof readings[0])

static ep_trap sensor_read(ep_caller *caller, void *env, const ep_value *args,
                           ep_value *results)
{
	struct sensor *s = env;
	float v = readings[s->next++ % NREADINGS];
	results[0].type = EP_F32;
	memcpy(&results[0].of.f32, &v, sizeof v);
	return EP_TRAP_NONE;
}

/* Called by the plugin layer for each version it instantiates. */
static ep_status define_host(ep_linker *l, void *user_data, ep_error *err)
{
	static const uint8_t f32[] = { EP_F32 };
	ep_functype t = { 0, 1, NULL, f32 };
	return ep_linker_define_func(l, "sensor", "read", &t, sensor_read, user_data, err);
}

static ep_plugin_source source(const char *name, const unsigned char *ini, size_t ini_len,
                               const unsigned char *sig, size_t sig_len,
                               const unsigned char *wasm, size_t wasm_len)
{
	ep_plugin_source s;
	memset(&s, 0, sizeof s);
	s.name = name;
	s.manifest = ini;
	s.manifest_len = ini_len;
	s.signature = sig;
	s.signature_len = sig_len;
	s.wasm = wasm;
	s.wasm_len = wasm_len;
	return s;
}

static int plugin_version(ep_plugin *p)
{
	ep_value v;
	ep_error err;
	if (ep_plugin_call(p, "version", NULL, 0, &v, 1, &err) != EP_OK)
		return -1;
	return v.of.i32;
}

static void say_info(ep_plugin *p, const char *what)
{
	ep_plugin_info info;
	ep_plugin_get_info(p, &info);
	printf("%s %s %s, signed by %s, code version %d\n", what, info.id, info.version,
	       info.is_signed ? info.signer_name : "nobody", plugin_version(p));
}

/* One tick: resume the suspended call, or start a new one. */
static void tick(ep_plugin *p, int32_t t, int *resumes)
{
	ep_value arg, result;
	ep_error err;
	ep_status st;
	if (ep_plugin_suspended(p)) {
		if (*resumes == MAX_RESUMES) {
			ep_plugin_abandon(p);
			*resumes = 0;
			printf("tick %2d: still out of fuel after %d more ticks: call abandoned\n", t,
			       MAX_RESUMES);
			return;
		}
		++*resumes;
		st = ep_plugin_resume(p, TICK_FUEL, &result, 1, &err);
	} else {
		*resumes = 0;
		arg.type = EP_I32;
		arg.of.i32 = t;
		st = ep_plugin_call(p, "on_tick", &arg, 1, &result, 1, &err);
	}
	ep_plugin_report r;
	ep_plugin_get_report(p, &r);
	if (st == EP_OK && result.of.i32 < 0)
		printf("tick %2d: noise dropped (fuel %llu)\n", t, (unsigned long long)r.fuel_used);
	else if (st == EP_OK)
		printf("tick %2d: %d.%d (fuel %llu)\n", t, result.of.i32 / 10, result.of.i32 % 10,
		       (unsigned long long)r.fuel_used);
	else if (st == EP_ERR_TRAP && err.trap == EP_TRAP_FUEL)
		printf("tick %2d: out of fuel, resumed next tick\n", t);
	else if (st == EP_ERR_TRAP)
		printf("tick %2d: trapped (%s in %s); carrying on\n", t, ep_trap_name(r.trap),
		       r.trap_func_name[0] ? r.trap_func_name : "?");
	else
		printf("tick %2d: %s: %s; carrying on\n", t, ep_status_name(st), err.msg);
}

int main(void)
{
	ep_error err;
	ep_engine *engine = ep_engine_new(NULL, NULL);
	ep_trust_store *trust = NULL;
	ep_plugin *p = NULL;
	struct sensor sensor = { 0 };
	int rc = 1;
	if (!engine) {
		fprintf(stderr, "firmware: out of memory\n");
		return 1;
	}
	if (ep_trust_store_new(&trust, &err) != EP_OK ||
	    ep_trust_store_add_pub(trust, (const char *)trusted_pub, trusted_pub_len, &err) != EP_OK)
		goto fail;

	ep_plugin_host host;
	memset(&host, 0, sizeof host);
	host.trust = trust;
	host.define = define_host;
	host.user_data = &sensor;
	ep_plugin_source v1 = source("sensor-v1.ini", v1_ini, v1_ini_len, v1_sig, v1_sig_len,
	                             v1_wasm, v1_wasm_len);
	if (ep_plugin_open(engine, &host, &v1, &p, &err) != EP_OK)
		goto fail;
	ep_plugin_set_call_fuel(p, TICK_FUEL);
	say_info(p, "running");

	int resumes = 0;
	for (int32_t t = 0; t < TICKS; t++) {
		tick(p, t, &resumes);
		if (t == RELOAD_AFTER) {
			ep_plugin_source v2 = source("sensor-v2.ini", v2_ini, v2_ini_len, v2_sig,
			                             v2_sig_len, v2_wasm, v2_wasm_len);
			if (ep_plugin_suspended(p))
				ep_plugin_abandon(p);
			if (ep_plugin_reload(p, &v2, &err) != EP_OK)
				goto fail;
			ep_plugin_set_call_fuel(p, TICK_FUEL);
			say_info(p, "reloaded:");
		}
		if (t == TAMPERED_AFTER) {
			ep_plugin_source bad = source("sensor-tampered.ini", tampered_ini,
			                              tampered_ini_len, tampered_sig,
			                              tampered_sig_len, v2_wasm, v2_wasm_len);
			if (ep_plugin_reload(p, &bad, &err) == EP_OK) {
				fprintf(stderr, "firmware: a tampered manifest was accepted\n");
				goto out;
			}
			printf("reload refused: %s\n", err.msg);
			say_info(p, "still running");
		}
	}
	printf("sensor read %u times\n", sensor.next);
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "firmware: %s\n", err.msg);
out:
	ep_plugin_close(p);
	ep_trust_store_free(trust);
	ep_engine_free(engine);
	return rc;
}
