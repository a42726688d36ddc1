/*
 * test_oom.c - a real WASI program (tests/unit/oom/survey.c, clang for
 * wasm32-wasi: arguments, environment, a read-only preopen listed and read,
 * stdout and stderr, malloc growing linear memory) run end to end through
 * the public API with an allocator that refuses the Nth call (shrinks
 * included), for every N a successful run makes; then, where that run
 * asked for more after its refusal, refusing the Nth and every later one.
 * Each run must end cleanly: a constructor's NULL, EP_ERR_NOMEM with a
 * one-line message, a host trap saying out of memory, the program's own
 * report of a malloc that returned NULL or of a WASI call that failed with
 * ENOMEM, or (a refusal the engine or wasi-libc works around) the full,
 * right output. Afterwards the engine holds 0 bytes, the allocator 0
 * blocks, every osize it was given matched, and no host descriptor is left
 * open. All of it twice: through the import array (ep_wasi_link,
 * ep_instantiate, the NULL-returning constructors), then as an embedder
 * using the linker would (the status-returning constructors, a linker with
 * WASI and a host function of its own, ep_wasi_instantiate, ep_wasi_start),
 * where every refused constructor must say why too. argv[1] is the
 * directory holding survey.wasm. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "edgeplug.h"
#include "edgeplug_wasi.h"
#include "check.h"

/* ---- one run ---- */

/* How far a run got: where it stopped, or RAN when _start was called. */
enum stage { ENGINE, LOAD, STORE, WASI, ARGS, ENV, PREOPEN, LINK, INSTANTIATE, START, RAN };

static const char *const stage_names[] = {
	"ep_engine_new", "ep_module_load", "ep_store_new", "ep_wasi_new", "ep_wasi_set_args",
	"ep_wasi_set_env", "ep_wasi_preopen", "ep_wasi_link", "ep_instantiate",
	"export _start", "ep_call _start"
};

/* The second way through: the linker and the status-returning calls. */
static bool use_linker;

static const char *const linker_stage_names[] = {
	"ep_engine_create", "ep_module_load", "ep_store_create", "ep_wasi_create",
	"ep_wasi_set_args", "ep_wasi_set_env", "ep_wasi_preopen", "ep_linker_new/define",
	"ep_wasi_instantiate", "export _start", "ep_wasi_start"
};

static const char *stage_name(enum stage s)
{
	return use_linker ? linker_stage_names[s] : stage_names[s];
}


typedef struct outcome {
	enum stage stage;
	ep_status st;       /* of the call that stopped the run, or of ep_call */
	ep_error err;
	size_t bytes_left;  /* ep_engine_bytes after freeing all but the engine */
} outcome;

/* A host function the survey does not import: defined all the same, so the
 * linker holds more than WASI. */
static ep_trap unused_fn(ep_caller *c, void *env, const ep_value *args, ep_value *results)
{
	(void)c;
	(void)env;
	(void)args;
	(void)results;
	return EP_TRAP_UNREACHABLE;
}

/* The linker's way from the store on; the same stages as run's. */
static void run_linked(ep_engine *e, ep_module *m, ep_store *s, ep_wasi *w, outcome *o)
{
	ep_linker *l = NULL;
	ep_instance *inst = NULL;
	static const uint8_t i32[1] = { EP_I32 };
	ep_functype ft = { 1, 1, i32, i32 };
	o->stage = LINK;
	if ((o->st = ep_linker_new(e, &l, &o->err)) != EP_OK ||
	    (o->st = ep_linker_define_func(l, "env", "unused", &ft, unused_fn, NULL, &o->err)) != EP_OK ||
	    (o->st = ep_wasi_define(w, l, &o->err)) != EP_OK)
		goto done;
	ep_linker_set_trap_unknown(l, 1);
	o->stage = INSTANTIATE;
	if ((o->st = ep_wasi_instantiate(w, l, s, m, &inst, &o->err)) != EP_OK)
		goto done;
	/* Freed before the program runs: the instance owns what it needs. */
	ep_linker_free(l);
	l = NULL;
	o->stage = RAN;
	int code = -1;
	o->st = ep_wasi_start(w, s, inst, &code, &o->err);
	/* judge reads the program's own failures as the exit traps they were. */
	if (o->st == EP_OK && code != 0)
		o->st = EP_ERR_TRAP;
	if (o->st == EP_OK && (o->err.trap != EP_TRAP_NONE && o->err.trap != EP_TRAP_EXIT))
		o->st = EP_ERR_ARG;
done:
	ep_linker_free(l);
}

/* The program's files: a scratch tree made by main. */
static char scratch[64], data_dir[80], out_path[80], err_path[80];
static const uint8_t *wasm;
static size_t wasm_len;

#define INPUT_TEXT "a line\nanother line\nthe last line, with no newline"

static const char *const words[] = { "survey", "data", "input.txt", "alpha", "beta gamma" };
#define NWORDS (sizeof words / sizeof *words)

static int open_output(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		FATAL(path, strerror(errno));
	return fd;
}

/* Runs survey once with r as the allocator; its stdout and stderr go to
 * out_path and err_path. Everything is freed before it returns. */
static void run(refuser *r, outcome *o)
{
	memset(o, 0, sizeof *o);
	o->st = EP_OK;
	o->err.msg[0] = '\0';
	int out = open_output(out_path), errfd = open_output(err_path);
	ep_module *m = NULL;
	ep_store *s = NULL;
	ep_wasi *w = NULL;
	ep_instance *inst = NULL;
	ep_extern imports[32];
	memset(imports, 0, sizeof imports);
	ep_engine *e = NULL;
	o->stage = ENGINE;
	if (use_linker ? (o->st = ep_engine_create(refusing_alloc, r, &e, &o->err)) != EP_OK
	               : !(e = ep_engine_new(refusing_alloc, r)))
		goto done;
	o->stage = LOAD;
	/* The linker's way lowers every function up front, the other on
	 * first call: the sweeps refuse lowering in both places. */
	if ((o->st = ep_module_load(e, wasm, wasm_len, &m, &o->err)) != EP_OK ||
	    (use_linker && (o->st = ep_module_lower(m, &o->err)) != EP_OK))
		goto done;
	if (ep_module_import_count(m) > sizeof imports / sizeof *imports)
		FATAL("survey.wasm", "more imports than the test has room for");
	o->stage = STORE;
	ep_limits limits = { 0, 16 * 1024, 64, 0 };
	if (use_linker ? (o->st = ep_store_create(e, &limits, &s, &o->err)) != EP_OK
	               : !(s = ep_store_new(e, &limits)))
		goto done;
	o->stage = WASI;
	if (use_linker ? (o->st = ep_wasi_create(e, EP_WASI_STDOUT | EP_WASI_STDERR, &w,
	                                         &o->err)) != EP_OK
	               : !(w = ep_wasi_new(e, EP_WASI_STDOUT | EP_WASI_STDERR)))
		goto done;
	ep_wasi_set_stdio(w, -1, out, errfd);
	o->stage = ARGS;
	if ((o->st = ep_wasi_set_args(w, NWORDS, words, &o->err)) != EP_OK)
		goto done;
	o->stage = ENV;
	if ((o->st = ep_wasi_set_env(w, "SURVEY_NAME", "oom", &o->err)) != EP_OK)
		goto done;
	o->stage = PREOPEN;
	if ((o->st = ep_wasi_preopen(w, data_dir, "data", EP_WASI_READONLY, &o->err)) != EP_OK)
		goto done;
	if (use_linker) {
		run_linked(e, m, s, w, o);
		goto done;
	}
	o->stage = LINK;
	if ((o->st = ep_wasi_link(w, s, m, imports, &o->err)) != EP_OK)
		goto done;
	o->stage = INSTANTIATE;
	if ((o->st = ep_instantiate(s, m, imports, ep_module_import_count(m), &inst,
	                            &o->err)) != EP_OK)
		goto done;
	o->stage = START;
	ep_extern start;
	if (!ep_instance_export(inst, "_start", 6, &start) || start.kind != EP_EXTERN_FUNC)
		goto done;
	o->stage = RAN;
	o->st = ep_call(s, start.of.func, NULL, 0, NULL, 0, &o->err);
done:
	ep_store_free(s);
	ep_wasi_free(w);
	ep_module_free(m);
	if (e) {
		o->bytes_left = ep_engine_bytes(e);
		ep_engine_free(e);
	}
	close(out);
	close(errfd);
}

/* ---- what a run may end with ---- */

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		FATAL(path, strerror(errno));
	static char buf[4096];
	*len = fread(buf, 1, sizeof buf - 1, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

/* What survey prints, from the test's own account of its inputs. */
static void expected_output(char *out, size_t size)
{
	uint32_t sum = 0;
	unsigned lines = 0;
	for (const char *p = INPUT_TEXT; *p; p++) {
		lines += *p == '\n';
		sum = sum * 31 + (unsigned char)*p;
	}
	uint32_t x = 1, tsum = 0;
	for (uint32_t i = 0; i < (1u << 16); i++) {
		x = x * 1103515245u + 12345u;
		if (i % 4099 == 0)
			tsum ^= x;
	}
	snprintf(out, size,
	         "argc %d: alpha beta gamma\nname oom\nentries . .. empty input.txt\n"
	         "file input.txt: %u lines, %zu bytes, sum %08x\n"
	         "table %u words, sum %08x\n",
	         (int)NWORDS, lines, strlen(INPUT_TEXT), (unsigned)sum, 1u << 16,
	         (unsigned)tsum);
}

/* One line, terminated, saying something. */
static bool sane_message(const ep_error *err)
{
	size_t n = strnlen(err->msg, sizeof err->msg);
	return n > 0 && n < sizeof err->msg && !memchr(err->msg, '\n', n);
}

/* Kinds of clean ending, for the tally. */
enum ending { E_SETUP_NULL, E_SETUP_NOMEM, E_HOST_TRAP, E_MALLOC_NULL, E_ERRNO, E_ABSORBED,
              E_LOWER, E_COUNT };

static const char *const ending_names[] = {
	"constructor NULL", "setup EP_ERR_NOMEM", "host trap",
	"program: malloc NULL", "program: errno ENOMEM", "absorbed", "lowering EP_ERR_NOMEM"
};

/* Classifies a run whose Nth allocation was refused; NULL when it ended
 * cleanly, else what was wrong (written to why). */
static const char *judge(const outcome *o, const char *expect, enum ending *end,
                         char *why, size_t size)
{
	size_t olen, elen;
	const char *out;
	if (!use_linker && (o->stage == ENGINE || o->stage == STORE || o->stage == WASI)) {
		*end = E_SETUP_NULL;
		return NULL;
	}
	if (o->stage == START) {
		snprintf(why, size, "no _start export");
		return why;
	}
	if (o->st != EP_OK && o->err.status != o->st) {
		snprintf(why, size, "%s: returned %s, err.status %s", stage_name(o->stage),
		         ep_status_name(o->st), ep_status_name(o->err.status));
		return why;
	}
	if (o->st != EP_OK && !sane_message(&o->err)) {
		snprintf(why, size, "%s: %s with no one-line message", stage_name(o->stage),
		         ep_status_name(o->st));
		return why;
	}
	if (o->stage != RAN) {
		if (o->st != EP_ERR_NOMEM || !strstr(o->err.msg, "memory")) {
			snprintf(why, size, "%s: %s (%s)", stage_name(o->stage),
			         ep_status_name(o->st), o->err.msg);
			return why;
		}
		*end = E_SETUP_NOMEM;
		return NULL;
	}
	if (o->st == EP_OK) {
		/* The refusal was absorbed: only right if nothing was lost. */
		out = slurp(out_path, &olen);
		if (strcmp(out, expect) != 0) {
			snprintf(why, size, "ran to the end, printing something else");
			return why;
		}
		*end = E_ABSORBED;
		return NULL;
	}
	if (o->st == EP_ERR_TRAP && o->err.trap == EP_TRAP_HOST &&
	    strstr(o->err.msg, "out of memory")) {
		*end = E_HOST_TRAP;
		return NULL;
	}
	if (o->st == EP_ERR_NOMEM && o->err.trap == EP_TRAP_NONE &&
	    strstr(o->err.msg, "out of memory lowering function")) {
		*end = E_LOWER;
		return NULL;
	}
	if (o->st == EP_ERR_TRAP && o->err.trap == EP_TRAP_EXIT) {
		const char *err = slurp(err_path, &elen);
		/* The program's own reports: a malloc that returned NULL (a
		 * refused memory.grow), or a WASI call that failed with ENOMEM
		 * (WASI errno 48). */
		if (o->err.exit_code == 3 && strstr(err, "malloc returned NULL\n")) {
			*end = E_MALLOC_NULL;
			return NULL;
		}
		if (o->err.exit_code == 4 && strstr(err, ": errno 48\n")) {
			*end = E_ERRNO;
			return NULL;
		}
		snprintf(why, size, "exit %d, stderr \"%.80s\"", o->err.exit_code, err);
		return why;
	}
	snprintf(why, size, "ep_call: %s, trap %s (%s)", ep_status_name(o->st),
	         ep_trap_name(o->err.trap), o->err.msg);
	return why;
}

static void make_scratch(void)
{
	snprintf(scratch, sizeof scratch, "/tmp/edgeplug-oom-XXXXXX");
	if (!mkdtemp(scratch))
		FATAL("mkdtemp", strerror(errno));
	snprintf(data_dir, sizeof data_dir, "%s/data", scratch);
	snprintf(out_path, sizeof out_path, "%s/out", scratch);
	snprintf(err_path, sizeof err_path, "%s/err", scratch);
	char path[128];
	if (mkdir(data_dir, 0700) != 0)
		FATAL(data_dir, strerror(errno));
	snprintf(path, sizeof path, "%s/empty", data_dir);
	if (mkdir(path, 0700) != 0)
		FATAL(path, strerror(errno));
	snprintf(path, sizeof path, "%s/input.txt", data_dir);
	FILE *f = fopen(path, "wb");
	if (!f || fputs(INPUT_TEXT, f) == EOF || fclose(f) != 0)
		FATAL(path, strerror(errno));
}

static void remove_scratch(void)
{
	char path[128];
	snprintf(path, sizeof path, "%s/input.txt", data_dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/empty", data_dir);
	rmdir(path);
	rmdir(data_dir);
	unlink(out_path);
	unlink(err_path);
	rmdir(scratch);
}

static uint8_t *read_wasm(const char *dir, size_t *len)
{
	char path[512];
	snprintf(path, sizeof path, "%s/survey.wasm", dir);
	FILE *f = fopen(path, "rb");
	if (!f)
		FATAL(path, strerror(errno));
	uint8_t *bytes = NULL;
	size_t n = 0, cap = 0, got;
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			if (!(bytes = realloc(bytes, cap)))
				FATAL("out of memory", NULL);
		}
		got = fread(bytes + n, 1, cap - n, f);
		n += got;
	} while (got);
	fclose(f);
	*len = n;
	return bytes;
}

/* Runs survey refusing allocation n (and every later one with and_later)
 * for each n up to total whose again[n] is set; clears again[n] when the
 * run asked for nothing after its refusal. Returns how many runs did not
 * end cleanly and tallies how the others ended. */
static long sweep(long total, bool and_later, bool *again, const char *expect, int fd0,
                  long *tally)
{
	long bad = 0;
	for (long n = 1; n <= total; n++) {
		if (!again[n])
			continue;
		refuser r = { .fail_at = n, .and_later = and_later };
		outcome o;
		run(&r, &o);
		again[n] = r.calls > n;
		char why[256];
		enum ending end = E_COUNT;
		const char *wrong = judge(&o, expect, &end, why, sizeof why);
		if (!wrong && !r.refused)
			wrong = "allocation never asked for (the runs differ)";
		if (!wrong && (o.bytes_left || r.live || r.held || r.bad_osize)) {
			snprintf(why, sizeof why, "%zu bytes, %ld blocks (%zu bytes) left, %ld bad osizes",
			         o.bytes_left, r.live, r.held, r.bad_osize);
			wrong = why;
		}
		if (!wrong && lowest_free_fd() != fd0)
			wrong = "a host descriptor left open";
		if (wrong) {
			if (bad++ < 10)
				printf("refusing allocation %ld of %ld%s, in %s: %s\n", n, total,
				       and_later ? " and later" : "", stage_name(o.stage), wrong);
			/* Leaked descriptors would fail every later run too; the
			 * test itself holds none from fd0 on. */
			for (int fd = fd0; fd < fd0 + 64; fd++)
				close(fd);
			continue;
		}
		tally[end]++;
	}
	return bad;
}

/* ---- a host call with more arguments than fit on the stack ---- */

static int many_calls;

static ep_trap many_fn(ep_caller *c, void *env, const ep_value *args, ep_value *results)
{
	(void)c;
	(void)env;
	(void)results;
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += args[i].of.i32;
	many_calls += sum == 17 * 18 / 2;
	return EP_TRAP_NONE;
}

/* A host function of 17 parameters (more than the 16 values call_host
 * keeps on the stack) called while the allocator refuses: a trap that
 * says so, then a call that works. */
static void test_many_args(void)
{
	uint8_t mod[128];
	size_t n = 0;
	static const uint8_t head[] = { 0, 'a', 's', 'm', 1, 0, 0, 0, 1, 24, 2, 0x60, 17 };
	memcpy(mod + n, head, sizeof head);
	n += sizeof head;
	for (int i = 0; i < 17; i++)
		mod[n++] = EP_I32;
	static const uint8_t mid[] = { 0, 0x60, 0, 0, 2, 9, 1, 3, 'e', 'n', 'v', 1, 'h', 0, 0,
	                               3, 2, 1, 1, 7, 5, 1, 1, 'f', 0, 1, 10, 40, 1, 38, 0 };
	memcpy(mod + n, mid, sizeof mid);
	n += sizeof mid;
	for (int i = 1; i <= 17; i++) {
		mod[n++] = 0x41;   /* i32.const i */
		mod[n++] = (uint8_t)i;
	}
	mod[n++] = 0x10;       /* call 0 */
	mod[n++] = 0;
	mod[n++] = 0x0b;
	refuser r = { 0 };
	ep_engine *e = ep_engine_new(refusing_alloc, &r);
	ep_module *m = NULL;
	ep_error err;
	memset(&err, 0, sizeof err);
	ep_status st = e ? ep_module_load(e, mod, n, &m, &err) : EP_ERR_NOMEM;
	if (st != EP_OK)
		FATAL("the 17-argument module does not load", NULL);
	ep_store *s = ep_store_new(e, NULL);
	ep_functype ft;
	ep_module_import_functype(m, 0, &ft);
	ep_extern imp = { EP_EXTERN_FUNC, { .func = ep_func_new_host(s, &ft, many_fn, NULL) } };
	ep_instance *inst;
	ep_extern f;
	if (!s || !imp.of.func || ep_instantiate(s, m, &imp, 1, &inst, &err) != EP_OK ||
	    !ep_instance_export(inst, "f", 1, &f))
		FATAL("the 17-argument module does not instantiate", NULL);
	/* f is lowered on its first call: refusing the k-th allocation from
	 * here fails its lowering (a clean EP_ERR_NOMEM, the host not
	 * called) until k is past what lowering asks for; then the refusal
	 * meets the host call. */
	long k = 1;
	for (; k < 100; k++) {
		r.fail_at = r.calls + k;
		st = ep_call(s, f.of.func, NULL, 0, NULL, 0, &err);
		if (st != EP_ERR_NOMEM)
			break;
		CHECK(err.trap == EP_TRAP_NONE && strstr(err.msg, "out of memory lowering function 1")
		      && many_calls == 0 && r.refused, "lowering refused: trap %d \"%s\"", err.trap,
		      err.msg);
	}
	/* (Each refusal leaves what lowering grew before it with the module,
	 * so every try gets further.) */
	CHECK(k > 1 && k < 100, "lowering f took %ld allocations", k - 1);
	int good = many_calls;
	r.fail_at = r.calls + 1;
	st = ep_call(s, f.of.func, NULL, 0, NULL, 0, &err);
	CHECK(st == EP_ERR_TRAP && err.trap == EP_TRAP_HOST && strstr(err.msg, "out of memory") &&
	      many_calls == good, "17 arguments, allocator refusing: status %d trap %d \"%s\"", st,
	      err.trap, err.msg);
	r.fail_at = 0;
	st = ep_call(s, f.of.func, NULL, 0, NULL, 0, &err);
	CHECK(st == EP_OK && many_calls == good + 1, "17 arguments: status %d, %d good calls", st,
	      many_calls);
	ep_store_free(s);
	ep_module_free(m);
	CHECK(ep_engine_bytes(e) == 0, "17 arguments: %zu bytes left", ep_engine_bytes(e));
	ep_engine_free(e);
	CHECK(r.live == 0 && r.bad_osize == 0, "17 arguments: %ld blocks left", r.live);
}

/* One run unrefused, then the sweeps, along the current way (use_linker). */
static void sweep_all(const char *expect, int fd0)
{
	const char *way = use_linker ? "linker: " : "";
	/* A run that is never refused: it must work, and it counts. */
	refuser r = { 0 };
	outcome o;
	run(&r, &o);
	size_t olen;
	const char *out = slurp(out_path, &olen);
	CHECK(o.stage == RAN && o.st == EP_OK, "%sunrefused run: %s: %s (%s)", way,
	      stage_name(o.stage), ep_status_name(o.st), o.err.msg);
	CHECK(strcmp(out, expect) == 0, "%sunrefused run printed:\n%s\nexpected:\n%s", way, out,
	      expect);
	CHECK(o.bytes_left == 0 && r.live == 0 && r.held == 0 && r.bad_osize == 0,
	      "unrefused run: %zu bytes, %ld blocks left, %ld bad osizes", o.bytes_left, r.live,
	      r.bad_osize);
	CHECK(lowest_free_fd() == fd0, "unrefused run left a descriptor open");
	long total = r.calls;
	CHECK(total > 100, "only %ld allocations in a whole run", total);

	/* Then every one of them refused in turn, alone; then, where a run
	 * asked for more after its refusal (the others would only repeat
	 * themselves), with every later one refused too. One CHECK for each
	 * sweep: how many allocations a run makes differs between boards. */
	bool *again = malloc((size_t)total + 1);
	if (!again)
		FATAL("out of memory", NULL);
	memset(again, 1, (size_t)total + 1);
	long tally[2][E_COUNT] = { { 0 } };
	for (int and_later = 0; and_later < 2; and_later++) {
		long runs = 0;
		for (long n = 1; n <= total; n++)
			runs += again[n];
		long bad = sweep(total, and_later, again, expect, fd0, tally[and_later]);
		CHECK(bad == 0, "%s%ld of %ld refusals%s did not end cleanly", way, bad, runs,
		      and_later ? " (and every later one)" : "");
		if (getenv("VERBOSE")) {
			printf("%s%ld allocations; %ld runs refusing %s:", way, total, runs,
			       and_later ? "from each on" : "one at a time");
			for (int i = 0; i < E_COUNT; i++)
				printf(" %s %ld%s", ending_names[i], tally[and_later][i],
				       i + 1 < E_COUNT ? "," : "\n");
		}
	}
	free(again);
	/* The sweeps reached what they are for: refusals while loading and
	 * setting up, in host calls, in WASI calls the program sees fail, and
	 * in its malloc (a lone refused memory.grow is retried by wasi-libc's
	 * malloc, so only the second sweep gets there). */
	/* (Host calls themselves no longer allocate: every WASI call's
	 * arguments fit on the stack; test_many_args refuses one that does.) */
	CHECK(tally[0][E_SETUP_NOMEM] > 0 && tally[0][E_ERRNO] > 0,
	      "%sthe sweep missed setup or WASI-call refusals", way);
	/* Lowered on first call (not the linker's way), a refusal after
	 * memory.grow's meets the lowering of the program's error path. */
	CHECK(tally[1][use_linker ? E_MALLOC_NULL : E_LOWER] > 0,
	      "%sno refusal made the program's malloc return NULL (or failed a lowering)", way);
	CHECK(!use_linker || tally[0][E_LOWER] + tally[1][E_LOWER] == 0,
	      "%sa call lowered code after ep_module_lower", way);
}

int main(int argc, char **argv)
{
	uint8_t *bytes = read_wasm(argc > 1 ? argv[1] : "build/wasm/unit/oom", &wasm_len);
	wasm = bytes;
	make_scratch();
	char expect[1024];
	expected_output(expect, sizeof expect);
	int fd0 = lowest_free_fd();
	test_many_args();

	for (int k = 0; k < 2; k++) {
		use_linker = k == 1;
		sweep_all(expect, fd0);
	}
	remove_scratch();
	free(bytes);
	return check_summary();
}
