/*
 * size/core-firmware.c - the smallest honest firmware program for the size
 * report's core line: the module is a const array in the image, one host
 * function is given as its import, and the export is called with a fuel
 * budget that runs out, then resumed. Uses include/edgeplug.h only and is
 * linked against the core library (make lib-core: no WASI, manifests,
 * signatures or CLI). Prints nothing on success (stdio would be measured
 * too); exit 0 when every step gave the expected answer.
 */
#include <stdint.h>
#include <unistd.h>

#include "edgeplug.h"

/* wat2wasm of:
 * (module
 *   (import "env" "sensor" (func $sensor (param i32) (result i32)))
 *   (func (export "step") (param $n i32) (result i32)
 *     (local $acc i32)
 *     (loop $l
 *       (local.set $acc (i32.add (local.get $acc) (call $sensor (local.get $n))))
 *       (local.set $n (i32.sub (local.get $n) (i32.const 1)))
 *       (br_if $l (i32.gt_s (local.get $n) (i32.const 0))))
 *     (local.get $acc))) */
static const uint8_t plugin[] = {
	0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60,
	0x01, 0x7f, 0x01, 0x7f, 0x02, 0x0e, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x06,
	0x73, 0x65, 0x6e, 0x73, 0x6f, 0x72, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00,
	0x07, 0x08, 0x01, 0x04, 0x73, 0x74, 0x65, 0x70, 0x00, 0x01, 0x0a, 0x22,
	0x01, 0x20, 0x01, 0x01, 0x7f, 0x03, 0x40, 0x20, 0x01, 0x20, 0x00, 0x10,
	0x00, 0x6a, 0x21, 0x01, 0x20, 0x00, 0x41, 0x01, 0x6b, 0x21, 0x00, 0x20,
	0x00, 0x41, 0x00, 0x4a, 0x0d, 0x00, 0x0b, 0x20, 0x01, 0x0b
};

/* The "sensor": reading n gives 2n. */
static ep_trap sensor(ep_caller *caller, void *env, const ep_value *args, ep_value *results)
{
	(void)caller;
	(void)env;
	results[0].type = EP_I32;
	results[0].of.i32 = 2 * args[0].of.i32;
	return EP_TRAP_NONE;
}

static int fail(int code, const char *what, size_t len)
{
	/* write(2), not stdio: the report measures the engine, not printf. */
	if (write(2, what, len) < 0)
		return code;
	return code;
}
#define FAIL(code, text) fail(code, "core-firmware: " text "\n", sizeof "core-firmware: " text "\n" - 1)

int main(void)
{
	static const uint8_t i32[] = { EP_I32 };
	const ep_functype type = { 1, 1, i32, i32 };
	ep_module *m;
	ep_instance *inst;
	ep_extern import, step;
	ep_error err;
	ep_value arg = { EP_I32, { .i32 = 10 } }, res;

	ep_engine *engine = ep_engine_new(NULL, NULL);
	if (!engine)
		return FAIL(1, "no engine");
	if (ep_module_load(engine, plugin, sizeof plugin, &m, &err) != EP_OK)
		return FAIL(2, "load failed");
	ep_store *store = ep_store_new(engine, NULL);
	if (!store)
		return FAIL(3, "no store");
	import.kind = EP_EXTERN_FUNC;
	import.of.func = ep_func_new_host(store, &type, sensor, NULL);
	if (!import.of.func || ep_instantiate(store, m, &import, 1, &inst, &err) != EP_OK)
		return FAIL(4, "instantiate failed");
	if (!ep_instance_export(inst, "step", 4, &step) || step.kind != EP_EXTERN_FUNC)
		return FAIL(5, "no export step");
	/* Too little fuel for ten rounds: the call stops, more fuel resumes it. */
	ep_store_set_fuel(store, 20);
	if (ep_call(store, step.of.func, &arg, 1, &res, 1, &err) != EP_ERR_TRAP ||
	    err.trap != EP_TRAP_FUEL)
		return FAIL(6, "fuel did not run out");
	ep_store_add_fuel(store, 1000);
	if (ep_resume(store, &res, 1, &err) != EP_OK || res.of.i32 != 110)
		return FAIL(7, "resume gave the wrong answer");
	ep_store_free(store);
	ep_module_free(m);
	ep_engine_free(engine);
	return 0;
}
