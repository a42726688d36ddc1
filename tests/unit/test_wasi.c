/*
 * test_wasi.c - the WASI embedding API (include/edgeplug_wasi.h) through the
 * public API only: capabilities denied unless granted, the environment and
 * arguments, preopen errors, linking (preview 1 and 0, alone and together),
 * ep_wasi_run's exit codes, the interrupt hook waking a plugin blocked in
 * fd_read, fd_write and poll_oneoff (from a signal handler, as a deadline
 * would), and every allocation of a context refused in turn without a leak;
 * also ep_linker_only (src/wasi.h), the CLI's shortcut. The CLI tests
 * (tests/wasi/run.sh) cover the calls themselves. Fixtures are .wat files
 * in tests/unit/wasi/; argv[1] is the directory holding the .wasm files.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "edgeplug.h"
#include "edgeplug_wasi.h"
#include "check.h"
#include "wasi.h"

/* A context and store with m instantiated through ep_wasi_link. */
typedef struct rig {
	ep_wasi *w;
	ep_store *s;
	ep_instance *inst;
} rig;

static void rig_up(rig *r, ep_engine *e, const ep_module *m, ep_wasi *w)
{
	ep_error err;
	ep_extern imports[16];
	memset(imports, 0, sizeof imports);
	r->w = w;
	r->s = ep_store_new(e, NULL);
	if (!r->s || ep_module_import_count(m) > 16)
		FATAL("store", NULL);
	if (ep_wasi_link(w, r->s, m, imports, &err) != EP_OK)
		FATAL("ep_wasi_link", err.msg);
	if (ep_instantiate(r->s, m, imports, ep_module_import_count(m), &r->inst, &err) != EP_OK)
		FATAL("ep_instantiate", err.msg);
}

static void rig_down(rig *r)
{
	ep_store_free(r->s);
	ep_wasi_free(r->w);
}

/* Calls the export name, which returns an i32. */
static int32_t call_i32(rig *r, const char *name)
{
	ep_extern x;
	ep_value v;
	ep_error err;
	if (!ep_instance_export(r->inst, name, strlen(name), &x) || x.kind != EP_EXTERN_FUNC)
		FATAL(name, "no such export");
	if (ep_call(r->s, x.of.func, NULL, 0, &v, 1, &err) != EP_OK)
		FATAL(name, err.msg);
	return v.of.i32;
}

/* ---- capabilities ---- */

static bool fcntl_ok(int fd)
{
	return fcntl(fd, F_GETFD) != -1;
}

static void test_denied(ep_engine *e)
{
	ep_module *m = load_fixture(e, "probe");
	rig r;
	rig_up(&r, e, m, ep_wasi_new(e, 0));
	CHECK(call_i32(&r, "clock") == 76, "clock without EP_WASI_CLOCKS: %d", call_i32(&r, "clock"));
	CHECK(call_i32(&r, "random") == 76, "random without EP_WASI_RANDOM");
	CHECK(call_i32(&r, "write") == 8, "stdout without EP_WASI_STDOUT: %d", call_i32(&r, "write"));
	CHECK(call_i32(&r, "error") == 8, "stderr without EP_WASI_STDERR");
	CHECK(call_i32(&r, "read") == 8, "stdin without EP_WASI_STDIN");
	CHECK(call_i32(&r, "preopen") == 8, "a preopen nobody granted");
	CHECK(call_i32(&r, "envc") == 0, "an environment nobody granted");
	CHECK(call_i32(&r, "argc") == 0, "arguments nobody set");
	rig_down(&r);

	/* Granted: clocks, random, and stdout to a pipe of ours. */
	int p[2];
	if (pipe(p) != 0)
		FATAL("pipe", strerror(errno));
	ep_wasi *w = ep_wasi_new(e, EP_WASI_CLOCKS | EP_WASI_RANDOM | EP_WASI_STDOUT);
	ep_wasi_set_stdio(w, -1, p[1], -1);
	rig_up(&r, e, m, w);
	CHECK(call_i32(&r, "clock") == 0, "clock granted");
	CHECK(call_i32(&r, "random") == 0, "random granted");
	CHECK(call_i32(&r, "write") == 0, "stdout granted");
	char buf[16] = { 0 };
	CHECK(read(p[0], buf, sizeof buf - 1) == 6 && strcmp(buf, "probe\n") == 0,
	      "stdout went to the pipe: \"%s\"", buf);
	CHECK(call_i32(&r, "error") == 8, "stderr still not granted");
	rig_down(&r);
	close(p[0]);
	CHECK(fcntl_ok(p[1]), "the context does not close stdio it was given");
	close(p[1]);
	ep_module_free(m);
}

/* ---- environment, arguments, preopens ---- */

static void test_setup(ep_engine *e)
{
	ep_module *m = load_fixture(e, "probe");
	ep_error err;
	ep_wasi *w = ep_wasi_new(e, 0);
	CHECK(ep_wasi_set_env(w, "A", "1", &err) == EP_OK, "set A");
	CHECK(ep_wasi_set_env(w, "B", "2", &err) == EP_OK, "set B");
	CHECK(ep_wasi_set_env(w, "A", "three", &err) == EP_OK, "replace A");
	CHECK(ep_wasi_set_env(w, "", "x", &err) == EP_ERR_ARG, "empty name");
	CHECK(ep_wasi_set_env(w, "C=D", "x", &err) == EP_ERR_ARG && strstr(err.msg, "C=D"),
	      "name with '=': %s", err.msg);
	const char *argv[] = { "prog", "", "x y" };
	CHECK(ep_wasi_set_args(w, 3, argv, &err) == EP_OK, "set args");
	CHECK(ep_wasi_preopen(w, "/nonexistent/edgeplug", "d", 0, &err) == EP_ERR_ARG &&
	      strstr(err.msg, "No such file"), "missing directory: %s", err.msg);
	CHECK(ep_wasi_preopen(w, "/", "", 0, &err) == EP_ERR_ARG, "empty guest name");
	CHECK(ep_wasi_preopen(w, "/", "root", EP_WASI_READONLY, &err) == EP_OK, "preopen /");
	rig r;
	rig_up(&r, e, m, w);
	CHECK(call_i32(&r, "envc") == 2, "A replaced, not added: %d", call_i32(&r, "envc"));
	CHECK(call_i32(&r, "envsize") == (int32_t)sizeof "B=2\0A=three", "environment bytes: %d",
	      call_i32(&r, "envsize"));
	CHECK(call_i32(&r, "argc") == 3, "argc");
	CHECK(call_i32(&r, "preopen") == 0, "the preopen is fd 3");
	rig_down(&r);
	ep_module_free(m);
}

/* ---- running ---- */

/* ep_wasi_run on the fixture name in a fresh context and store: its status,
 * the exit code in *code (-1 when it did not exit) and the message in err. */
static ep_status run_fixture(ep_engine *e, const char *name, int *code, ep_error *err)
{
	ep_module *m = load_fixture(e, name);
	ep_wasi *w = ep_wasi_new(e, 0);
	ep_store *s = ep_store_new(e, NULL);
	*code = -1;
	ep_status st = ep_wasi_run(w, s, m, code, err);
	ep_store_free(s);
	ep_wasi_free(w);
	ep_module_free(m);
	return st;
}

static void test_run(ep_engine *e)
{
	ep_error err;
	int code = -1;
	CHECK(run_fixture(e, "probe", &code, &err) == EP_OK && code == 3,
	      "proc_exit(3): code %d, %s", code, err.msg);
	CHECK(run_fixture(e, "host_import", &code, &err) == EP_ERR_UNLINKABLE &&
	      strcmp(err.msg, "unknown import env.host_log") == 0, "non-WASI import: %s", err.msg);
	CHECK(run_fixture(e, "unstable", &code, &err) == EP_OK && code == 5,
	      "wasi_unstable.proc_exit(5): code %d, %s", code, err.msg);

	/* Beside preview 1, preview 0 is linked too, and the embedder's own
	 * import is left to it. */
	ep_module *m = load_fixture(e, "both");
	ep_wasi *w = ep_wasi_new(e, 0);
	ep_store *s = ep_store_new(e, NULL);
	ep_extern imports[3];
	memset(imports, 0, sizeof imports);
	CHECK(ep_wasi_link(w, s, m, imports, &err) == EP_OK, "link both previews: %s", err.msg);
	CHECK(imports[0].kind == EP_EXTERN_FUNC && imports[0].of.func &&
	      imports[1].kind == EP_EXTERN_FUNC && imports[1].of.func && !imports[2].of.func,
	      "both previews linked, env.host_log left");
	ep_store_free(s);
	ep_wasi_free(w);
	ep_module_free(m);
}

/* ---- interrupts ---- */

static ep_wasi *volatile target;

static void on_alarm(int sig)
{
	(void)sig;
	ep_wasi_interrupt(target);
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Runs fixture name with stdin and stdout on pipes nobody feeds or drains,
 * and dir (if not NULL) preopened at fd 3; a timer 100 ms in interrupts it
 * (or, with early, the interrupt is set before the run). It must stop with
 * EP_TRAP_INTERRUPT, and soon. */
static void blocked(ep_engine *e, const char *name, const char *dir, bool early)
{
	int in[2], out[2];
	ep_error err;
	if (pipe(in) != 0 || pipe(out) != 0)
		FATAL("pipe", strerror(errno));
	ep_module *m = load_fixture(e, name);
	ep_wasi *w = ep_wasi_new(e, EP_WASI_STDIO | EP_WASI_CLOCKS);
	ep_wasi_set_stdio(w, in[0], out[1], 2);
	if (dir && ep_wasi_preopen(w, dir, "d", 0, &err) != EP_OK)
		FATAL("preopen", err.msg);
	ep_store *s = ep_store_new(e, NULL);
	int code = -1;
	target = w;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = { { 0, 0 }, { 0, 100000 } };
	if (early)
		ep_wasi_interrupt(w);
	else
		setitimer(ITIMER_REAL, &it, NULL);
	double t0 = now();
	ep_status st = ep_wasi_run(w, s, m, &code, &err);
	double took = now() - t0;
	CHECK(st == EP_ERR_TRAP && err.trap == EP_TRAP_INTERRUPT, "%s%s: status %d trap %d: %s",
	      name, early ? " (early)" : "", st, err.trap, err.msg);
	CHECK(took < 10, "%s: took %.1f s", name, took);
	memset(&it, 0, sizeof it);
	setitimer(ITIMER_REAL, &it, NULL);
	ep_wasi_clear_interrupt(w);
	ep_store_free(s);
	ep_wasi_free(w);
	ep_module_free(m);
	close(in[0]);
	close(in[1]);
	close(out[0]);
	close(out[1]);
}

/* EP_WASI_UNINTERRUPTED (the CLI's without a deadline): no descriptor is
 * taken for the interrupt pipe, which a plain context does take, and an
 * interrupt set before a blocking read still ends it. */
static void uninterrupted(ep_engine *e)
{
	int in[2], code = -1;
	ep_error err;
	int before = lowest_free_fd();
	ep_wasi *plain = ep_wasi_new(e, EP_WASI_STDIO);
	CHECK(plain && lowest_free_fd() != before, "a plain context keeps its interrupt pipe");
	ep_wasi_free(plain);
	ep_wasi *w = ep_wasi_new(e, EP_WASI_STDIO | EP_WASI_UNINTERRUPTED);
	CHECK(w && lowest_free_fd() == before, "EP_WASI_UNINTERRUPTED: no pipe (fd %d free, was %d)",
	      lowest_free_fd(), before);
	if (pipe(in) != 0)
		FATAL("pipe", strerror(errno));
	ep_module *m = load_fixture(e, "block_read");
	ep_wasi_set_stdio(w, in[0], -1, 2);
	ep_store *s = ep_store_new(e, NULL);
	ep_wasi_interrupt(w);
	ep_status st = ep_wasi_run(w, s, m, &code, &err);
	CHECK(st == EP_ERR_TRAP && err.trap == EP_TRAP_INTERRUPT,
	      "block_read without the pipe, interrupted first: status %d trap %d: %s", st, err.trap,
	      err.msg);
	ep_store_free(s);
	ep_wasi_free(w);
	ep_module_free(m);
	close(in[0]);
	close(in[1]);
}

/* After a cleared interrupt the context works as before. */
static void cleared(ep_engine *e)
{
	ep_module *m = load_fixture(e, "probe");
	int p[2];
	if (pipe(p) != 0)
		FATAL("pipe", strerror(errno));
	ep_wasi *w = ep_wasi_new(e, EP_WASI_STDIN);
	ep_wasi_set_stdio(w, p[0], -1, -1);
	rig r;
	rig_up(&r, e, m, w);
	ep_wasi_interrupt(w);
	ep_wasi_clear_interrupt(w);
	if (write(p[1], "data", 4) != 4)
		FATAL("write", strerror(errno));
	CHECK(call_i32(&r, "read") == 0, "fd_read after a cleared interrupt");
	rig_down(&r);
	close(p[0]);
	close(p[1]);
	ep_module_free(m);
}

/* ---- allocation failures ---- */

/* Every allocation of a context's life refused in turn: each step either
 * works or fails cleanly, and everything is given back. */
static void test_nomem(void)
{
	ep_engine *probe = ep_engine_new(NULL, NULL);
	ep_module *m = load_fixture(probe, "probe");
	/* Code lowered by the runs would stay with the module: lower it all
	 * first, so that every byte a step takes must come back. */
	ep_error lerr;
	if (ep_module_lower(m, &lerr) != EP_OK)
		FATAL("ep_module_lower", lerr.msg);
	size_t base = ep_engine_bytes(probe);
	int full = 0, leaks = 0;
	size_t limit;
	/* One CHECK for the whole sweep: how many steps it takes depends on the
	 * host's pointer size, and the tallies must match on every board. */
	for (limit = base; limit < base + 256 * 1024 && !full; limit += 256) {
		ep_engine_set_byte_limit(probe, limit);
		ep_error err;
		int code = 0;
		ep_wasi *w = ep_wasi_new(probe, EP_WASI_CLOCKS);
		if (w) {
			const char *argv[] = { "probe", "an argument" };
			ep_limits small = { 64, 1024, 4, 16 };
			ep_store *s = ep_store_new(probe, &small);
			if (ep_wasi_set_args(w, 2, argv, &err) == EP_OK &&
			    ep_wasi_set_env(w, "NAME", "value", &err) == EP_OK &&
			    ep_wasi_preopen(w, "/", "root", EP_WASI_READONLY, &err) == EP_OK && s &&
			    ep_wasi_run(w, s, m, &code, &err) == EP_OK && code == 3)
				full = 1;
			ep_store_free(s);
			ep_wasi_free(w);
		}
		if (ep_engine_bytes(probe) != base && leaks++ == 0)
			printf("limit %zu: %zu bytes left behind\n", limit, ep_engine_bytes(probe) - base);
	}
	CHECK(leaks == 0, "%d steps of the sweep left bytes behind", leaks);
	CHECK(full, "never got through under 256 KiB");
	ep_engine_set_byte_limit(probe, 0);
	ep_module_free(m);
	ep_engine_free(probe);
}

static ep_trap nop(ep_caller *c, void *env, const ep_value *args, ep_value *results)
{
	(void)c, (void)env, (void)args, (void)results;
	return EP_TRAP_NONE;
}

/* A linker restricted to probe's imports gets WASI's definitions of those
 * and of nothing else, and still runs probe. */
static void test_only(ep_engine *e)
{
	ep_module *m = load_fixture(e, "probe");
	ep_wasi *w = ep_wasi_new(e, 0);
	ep_store *s = ep_store_new(e, NULL);
	ep_linker *l;
	ep_instance *inst;
	ep_error err;
	static const uint8_t i32[4] = { EP_I32, EP_I32, EP_I32, EP_I32 };
	ep_functype two = { 2, 1, i32, i32 + 2 }, four = { 4, 1, i32, i32 };
	if (ep_linker_new(e, &l, &err) != EP_OK)
		FATAL("ep_linker_new", err.msg);
	ep_linker_only(l, m);
	CHECK(ep_wasi_define(w, l, &err) == EP_OK, "define: %s", err.msg);
	ep_linker_only(l, NULL);
	CHECK(ep_linker_define_func(l, "wasi_snapshot_preview1", "fd_write", &four, nop, NULL,
	                            &err) == EP_ERR_ARG, "fd_write (imported) was defined");
	CHECK(ep_linker_define_func(l, "wasi_snapshot_preview1", "args_get", &two, nop, NULL,
	                            &err) == EP_OK, "args_get (not imported) was defined: %s", err.msg);
	CHECK(ep_linker_define_func(l, "wasi_unstable", "fd_write", &four, nop, NULL, &err) == EP_OK,
	      "wasi_unstable.fd_write (not imported) was defined: %s", err.msg);
	CHECK(ep_wasi_instantiate(w, l, s, m, &inst, &err) == EP_OK, "instantiate: %s", err.msg);
	ep_linker_free(l);
	ep_store_free(s);
	ep_wasi_free(w);
	ep_module_free(m);
}

int main(int argc, char **argv)
{
	fixture_dir = argc > 1 ? argv[1] : "build/wasm/unit/wasi";
	ep_engine *e = ep_engine_new(NULL, NULL);
	if (!e)
		FATAL("engine", NULL);
	size_t base = ep_engine_bytes(e);
	test_denied(e);
	test_setup(e);
	test_run(e);
	test_only(e);
	blocked(e, "block_read", NULL, false);
	blocked(e, "block_write", NULL, false);
	blocked(e, "sleep", NULL, false);
	blocked(e, "sleep", NULL, true);
	/* A FIFO the plugin opens itself, with a writer that never writes. */
	char dir[] = "/tmp/edgeplug-wasi-XXXXXX", fifo[64];
	if (!mkdtemp(dir))
		FATAL("mkdtemp", strerror(errno));
	snprintf(fifo, sizeof fifo, "%s/f", dir);
	if (mkfifo(fifo, 0600) != 0)
		FATAL("mkfifo", strerror(errno));
	int writer = open(fifo, O_RDWR);
	blocked(e, "fifo_read", dir, false);
	close(writer);
	unlink(fifo);
	rmdir(dir);
	cleared(e);
	uninterrupted(e);
	CHECK(ep_engine_bytes(e) == base, "%zu bytes left behind", ep_engine_bytes(e) - base);
	ep_engine_free(e);
	test_nomem();
	return check_summary();
}
