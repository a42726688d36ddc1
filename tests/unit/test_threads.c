/*
 * test_threads.c - the threading promise of include/edgeplug.h: engines on
 * separate threads are independent. NTHREADS threads each make their own
 * engine (with an allocator that counts per thread), linker, WASI context
 * and store, load the same module bytes (shared read-only by every thread
 * through ep_module_load_static) and run the same workload ROUNDS times;
 * every run must give the single-threaded run's exit code, checksum, fuel
 * and allocation count. Then the exception: ep_store_interrupt called from
 * another thread stops a running call. Fixture: tests/unit/threads/work.wat
 * (argv[1] is where it was built). Built with -pthread; `make unit-tsan`
 * runs it under ThreadSanitizer as well.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "edgeplug.h"
#include "edgeplug_wasi.h"
#include "check.h"

enum { NTHREADS = 4, ROUNDS = 3 };

static const uint8_t *wasm;
static size_t wasm_len;

/* A per-thread allocator: counts its own calls, shares nothing. */
typedef struct counter {
	long calls;
	long live;
} counter;

static void *counting_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	counter *c = ud;
	(void)osize;
	if (nsize == 0) {
		if (ptr)
			c->live--;
		free(ptr);
		return NULL;
	}
	c->calls++;
	void *p = realloc(ptr, nsize);
	if (p && !ptr)
		c->live++;
	return p;
}

static ep_trap mix_fn(ep_caller *caller, void *env, const ep_value *args, ep_value *results)
{
	uint32_t *n = env;
	(void)caller;
	(*n)++;
	results[0].of.i32 = (int32_t)((uint32_t)args[0].of.i32 * 2654435761u ^ (uint32_t)args[1].of.i32);
	return EP_TRAP_NONE;
}

typedef struct result {
	ep_status st;
	int exit_code;
	int32_t checksum;
	uint64_t fuel;
	uint32_t mixes;
	long allocs;
	long live;
	size_t bytes_left;
	char msg[192];
} result;

/* One whole lifecycle on an engine of its own. */
static void workload(result *r)
{
	memset(r, 0, sizeof *r);
	counter c = { 0, 0 };
	ep_error err;
	memset(&err, 0, sizeof err);
	ep_engine *e = NULL;
	ep_module *m = NULL;
	ep_linker *l = NULL;
	ep_wasi *w = NULL;
	ep_store *s = NULL;
	ep_instance *inst = NULL;
	static const uint8_t i32[3] = { EP_I32, EP_I32, EP_I32 };
	ep_functype mix = { 2, 1, i32, i32 + 2 };
	if ((r->st = ep_engine_create(counting_alloc, &c, &e, &err)) != EP_OK ||
	    (r->st = ep_module_load_static(e, wasm, wasm_len, &m, &err)) != EP_OK ||
	    (r->st = ep_linker_new(e, &l, &err)) != EP_OK ||
	    (r->st = ep_wasi_create(e, 0, &w, &err)) != EP_OK ||
	    (r->st = ep_wasi_define(w, l, &err)) != EP_OK ||
	    (r->st = ep_linker_define_func(l, "env", "mix", &mix, mix_fn, &r->mixes, &err)) != EP_OK ||
	    (r->st = ep_store_create(e, NULL, &s, &err)) != EP_OK ||
	    (r->st = ep_wasi_instantiate(w, l, s, m, &inst, &err)) != EP_OK ||
	    (r->st = ep_wasi_start(w, s, inst, &r->exit_code, &err)) != EP_OK)
		goto done;
	ep_extern x;
	ep_value v[1];
	if (!ep_instance_export(inst, "checksum", 8, &x) ||
	    (r->st = ep_call(s, x.of.func, NULL, 0, v, 1, &err)) != EP_OK)
		goto done;
	r->checksum = v[0].of.i32;
	r->fuel = ep_store_fuel_used(s);
done:
	if (r->st != EP_OK)
		snprintf(r->msg, sizeof r->msg, "%s", err.msg);
	ep_store_free(s);
	ep_linker_free(l);
	ep_wasi_free(w);
	ep_module_free(m);
	if (e)
		r->bytes_left = ep_engine_bytes(e);
	ep_engine_free(e);
	r->allocs = c.calls;
	r->live = c.live;
}

typedef struct job {
	pthread_t thread;
	result runs[ROUNDS];
} job;

static void *worker(void *arg)
{
	job *j = arg;
	for (int k = 0; k < ROUNDS; k++)
		workload(&j->runs[k]);
	return NULL;
}

static bool same(const result *a, const result *b)
{
	return a->st == b->st && a->exit_code == b->exit_code && a->checksum == b->checksum &&
	       a->fuel == b->fuel && a->mixes == b->mixes && a->allocs == b->allocs;
}

/* ---- ep_store_interrupt from another thread ---- */

typedef struct spinner {
	pthread_t thread;
	ep_store *store;
	ep_func *spin;
	atomic_int started, done;
	ep_status st;
	ep_error err;
} spinner;

static void *spin_worker(void *arg)
{
	spinner *sp = arg;
	ep_value n, out[1];
	memset(&n, 0, sizeof n);
	n.type = EP_I32;
	n.of.i32 = INT32_MAX;   /* far longer than the test waits */
	atomic_store(&sp->started, 1);
	sp->st = ep_call(sp->store, sp->spin, &n, 1, out, 1, &sp->err);
	atomic_store(&sp->done, 1);
	return NULL;
}

static void test_interrupt(void)
{
	ep_engine *e = ep_engine_new(NULL, NULL);
	ep_module *m;
	ep_linker *l;
	ep_error err;
	uint32_t mixes = 0;
	static const uint8_t i32[3] = { EP_I32, EP_I32, EP_I32 };
	ep_functype mix = { 2, 1, i32, i32 + 2 };
	ep_wasi *w = ep_wasi_new(e, 0);
	spinner sp;
	memset(&sp, 0, sizeof sp);
	sp.store = ep_store_new(e, NULL);
	ep_instance *inst;
	ep_extern x;
	if (ep_module_load_static(e, wasm, wasm_len, &m, &err) != EP_OK ||
	    ep_linker_new(e, &l, &err) != EP_OK || ep_wasi_define(w, l, &err) != EP_OK ||
	    ep_linker_define_func(l, "env", "mix", &mix, mix_fn, &mixes, &err) != EP_OK ||
	    ep_wasi_instantiate(w, l, sp.store, m, &inst, &err) != EP_OK ||
	    !ep_instance_export(inst, "spin", 4, &x))
		FATAL("interrupt setup", err.msg);
	sp.spin = x.of.func;
	if (pthread_create(&sp.thread, NULL, spin_worker, &sp) != 0)
		FATAL("pthread_create", NULL);
	/* Raised again and again, as a deadline timer would: an interrupt that
	 * lands before the call starts is dropped by it. */
	struct timespec ms = { 0, 1000000 };
	int tries = 0;
	while (!atomic_load(&sp.done) && tries++ < 10000) {
		if (atomic_load(&sp.started))
			ep_store_interrupt(sp.store);
		nanosleep(&ms, NULL);
	}
	pthread_join(sp.thread, NULL);
	CHECK(sp.st == EP_ERR_TRAP && sp.err.trap == EP_TRAP_INTERRUPT,
	      "interrupted from another thread: %s (%s)", ep_status_name(sp.st), sp.err.msg);
	ep_abandon(sp.store);
	ep_linker_free(l);
	ep_store_free(sp.store);
	ep_wasi_free(w);
	ep_module_free(m);
	ep_engine_free(e);
}

static uint8_t *read_wasm(const char *dir, size_t *len)
{
	char path[512];
	snprintf(path, sizeof path, "%s/work.wasm", dir);
	FILE *f = fopen(path, "rb");
	if (!f)
		FATAL(path, "cannot open");
	uint8_t *b = malloc(1 << 16);
	if (!b)
		FATAL("out of memory", NULL);
	*len = fread(b, 1, 1 << 16, f);
	fclose(f);
	return b;
}

int main(int argc, char **argv)
{
	uint8_t *bytes = read_wasm(argc > 1 ? argv[1] : "build/wasm/unit/threads", &wasm_len);
	wasm = bytes;

	/* The reference: one run, on this thread, before any other starts. */
	result ref;
	workload(&ref);
	CHECK(ref.st == EP_OK && ref.exit_code == (ref.checksum & 255) && ref.mixes == 8 * 16 &&
	      ref.bytes_left == 0 && ref.live == 0, "single run: %s (%s), exit %d, %u mixes",
	      ep_status_name(ref.st), ref.msg, ref.exit_code, ref.mixes);

	static job jobs[NTHREADS];
	for (int t = 0; t < NTHREADS; t++)
		if (pthread_create(&jobs[t].thread, NULL, worker, &jobs[t]) != 0)
			FATAL("pthread_create", NULL);
	int good = 0, clean = 0;
	for (int t = 0; t < NTHREADS; t++) {
		pthread_join(jobs[t].thread, NULL);
		for (int k = 0; k < ROUNDS; k++) {
			const result *r = &jobs[t].runs[k];
			good += same(r, &ref);
			clean += r->bytes_left == 0 && r->live == 0;
			if (!same(r, &ref))
				printf("thread %d run %d: %s (%s) exit %d checksum %08" PRIx32
				       " fuel %" PRIu64 " %u mixes %ld allocations\n", t, k,
				       ep_status_name(r->st), r->msg, r->exit_code, (uint32_t)r->checksum,
				       r->fuel, r->mixes, r->allocs);
		}
	}
	CHECK(good == NTHREADS * ROUNDS, "%d of %d threaded runs like the single one", good,
	      NTHREADS * ROUNDS);
	CHECK(clean == NTHREADS * ROUNDS, "%d of %d threaded runs freed everything", clean,
	      NTHREADS * ROUNDS);
	test_interrupt();
	free(bytes);
	return check_summary();
}
