/*
 * fuzz_wasi.c - libFuzzer target for the WASI layer (src/wasi.c). The
 * input is a mode (the resolver, and WASI preview 1 or 0) and a sequence
 * of WASI calls (paths, flags, rights, iovecs, offsets, subscriptions,
 * pointers good and bad) made through a small wasm module, built here,
 * that imports each function (from wasi_snapshot_preview1 or
 * wasi_unstable) and exports a trampoline for it, so every call takes the
 * real host entry with its checks against linear memory. The calls run against a scratch tree made once per process:
 *
 *   ROOT/canary, ROOT/outside/{secret,keep/}          never to be touched
 *   ROOT/ro/{r.txt,rsub/deep.txt,rlink,rout}          preopen "ro", read-only
 *   ROOT/box/...                                      preopen "box", rebuilt
 *                                                     before every input
 *
 * box holds files, a subdirectory and symbolic links that lead inside, to
 * ro, outside (relative and absolute), in a loop and nowhere. Checked after
 * every input: nothing outside box changed (names, types, sizes, contents,
 * link texts, mtimes, ctimes, link counts), no host descriptor leaked, the
 * engine holds no bytes; after every call: the errno is a WASI errno, and a
 * call that failed left linear memory as it was. Built by `make fuzz`
 * (Makefile), seeds in corpus/wasi/.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "edgeplug.h"
#include "edgeplug_wasi.h"
#include "wasi.h"

#define ASSERT(cond)                                                              \
	do {                                                                      \
		if (!(cond)) {                                                    \
			fprintf(stderr, "fuzz_wasi: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                  \
		}                                                                 \
	} while (0)

#define MAX_CALLS 64
#define PAGE 65536u

/* Memory layout: two path slots, iovec arrays, data buffers, results. */
enum { PATH0 = 0x0000, PATH1 = 0x1000, IOVS = 0x2000, BUFS = 0x4000, OUT = 0xf000 };
static uint8_t pattern[OUT - BUFS];   /* the buffers' bytes: what fd_write writes */

/* ---- the calls, and a module of trampolines for them ---- */

typedef struct wcall {
	const char *name, *params;   /* 'i' i32, 'I' i64; every one returns an i32 errno */
} wcall;

/* fd_sync and fd_datasync are left out: a flush to disk per call would
 * slow the fuzzer to a crawl and they resolve nothing. */
static const wcall calls[] = {
	{ "path_open", "iiiiiIIii" },
	{ "fd_read", "iiii" },
	{ "fd_write", "iiii" },
	{ "fd_pread", "iiiIi" },
	{ "fd_pwrite", "iiiIi" },
	{ "fd_seek", "iIii" },
	{ "fd_tell", "ii" },
	{ "fd_readdir", "iiiIi" },
	{ "fd_close", "i" },
	{ "fd_renumber", "ii" },
	{ "fd_fdstat_get", "ii" },
	{ "fd_fdstat_set_flags", "ii" },
	{ "fd_fdstat_set_rights", "iII" },
	{ "fd_filestat_get", "ii" },
	{ "fd_filestat_set_size", "iI" },
	{ "fd_filestat_set_times", "iIIi" },
	{ "fd_prestat_get", "ii" },
	{ "fd_prestat_dir_name", "iii" },
	{ "fd_allocate", "iII" },
	{ "fd_advise", "iIIi" },
	{ "path_create_directory", "iii" },
	{ "path_filestat_get", "iiiii" },
	{ "path_filestat_set_times", "iiiiIIi" },
	{ "path_link", "iiiiiii" },
	{ "path_readlink", "iiiiii" },
	{ "path_remove_directory", "iii" },
	{ "path_rename", "iiiiii" },
	{ "path_symlink", "iiiii" },
	{ "path_unlink_file", "iii" },
	{ "poll_oneoff", "iiii" },
};
enum {
	C_PATH_OPEN, C_FD_READ, C_FD_WRITE, C_FD_PREAD, C_FD_PWRITE, C_FD_SEEK, C_FD_TELL,
	C_FD_READDIR, C_FD_CLOSE, C_FD_RENUMBER, C_FDSTAT_GET, C_FDSTAT_SET_FLAGS,
	C_FDSTAT_SET_RIGHTS, C_FILESTAT_GET, C_FILESTAT_SET_SIZE, C_FILESTAT_SET_TIMES,
	C_PRESTAT_GET, C_PRESTAT_DIR_NAME, C_FD_ALLOCATE, C_FD_ADVISE, C_PATH_MKDIR,
	C_PATH_FILESTAT_GET, C_PATH_SET_TIMES, C_PATH_LINK, C_PATH_READLINK, C_PATH_RMDIR,
	C_PATH_RENAME, C_PATH_SYMLINK, C_PATH_UNLINK, C_POLL_ONEOFF, NCALLS
};
_Static_assert(NCALLS == sizeof calls / sizeof calls[0], "one enum per call");

typedef struct wbuf {
	uint8_t b[8192];
	size_t n;
} wbuf;

static void put(wbuf *w, const void *p, size_t n)
{
	ASSERT(w->n + n <= sizeof w->b);
	memcpy(w->b + w->n, p, n);
	w->n += n;
}

static void byte(wbuf *w, uint8_t v)
{
	put(w, &v, 1);
}

static void u32(wbuf *w, uint32_t v)
{
	do {
		uint8_t c = v & 0x7f;
		v >>= 7;
		byte(w, (uint8_t)(c | (v ? 0x80 : 0)));
	} while (v);
}

static void str(wbuf *w, const char *s)
{
	u32(w, (uint32_t)strlen(s));
	put(w, s, strlen(s));
}

static void section(wbuf *w, uint8_t id, const wbuf *c)
{
	byte(w, id);
	u32(w, (uint32_t)c->n);
	put(w, c->b, c->n);
}

/* Function i imports calls[i] from wasi; function NCALLS + i, exported as
 * "t<i>", passes its parameters on to it. Memory: one page, exported. */
static void build_module(wbuf *w, const char *wasi)
{
	static wbuf c;
	w->n = 0;
	put(w, "\0asm\1\0\0\0", 8);
	c.n = 0;
	u32(&c, NCALLS);
	for (int i = 0; i < NCALLS; i++) {
		const char *p = calls[i].params;
		byte(&c, 0x60);
		u32(&c, (uint32_t)strlen(p));
		for (; *p; p++)
			byte(&c, *p == 'I' ? EP_I64 : EP_I32);
		u32(&c, 1);
		byte(&c, EP_I32);
	}
	section(w, 1, &c);
	c.n = 0;
	u32(&c, NCALLS);
	for (int i = 0; i < NCALLS; i++) {
		str(&c, wasi);
		str(&c, calls[i].name);
		byte(&c, 0x00);
		u32(&c, (uint32_t)i);
	}
	section(w, 2, &c);
	c.n = 0;
	u32(&c, NCALLS);
	for (int i = 0; i < NCALLS; i++)
		u32(&c, (uint32_t)i);
	section(w, 3, &c);
	c.n = 0;
	u32(&c, 1);
	byte(&c, 0x01), u32(&c, 1), u32(&c, 1);
	section(w, 5, &c);
	c.n = 0;
	u32(&c, NCALLS + 1);
	str(&c, "memory"), byte(&c, 0x02), u32(&c, 0);
	for (int i = 0; i < NCALLS; i++) {
		char name[8];
		snprintf(name, sizeof name, "t%d", i);
		str(&c, name), byte(&c, 0x00), u32(&c, (uint32_t)(NCALLS + i));
	}
	section(w, 7, &c);
	c.n = 0;
	u32(&c, NCALLS);
	for (int i = 0; i < NCALLS; i++) {
		wbuf body;
		body.n = 0;
		u32(&body, 0);   /* no locals */
		uint32_t np = (uint32_t)strlen(calls[i].params);
		for (uint32_t j = 0; j < np; j++)
			byte(&body, 0x20), u32(&body, j);
		byte(&body, 0x10), u32(&body, (uint32_t)i);
		byte(&body, 0x0b);
		u32(&c, (uint32_t)body.n);
		put(&c, body.b, body.n);
	}
	section(w, 10, &c);
}

/* ---- the scratch tree ---- */

static char root[256];
static int root_fd = -1, box_fd = -1;
static ep_engine *engine;
static ep_module *module[2];   /* importing from preview 1, preview 0 */
static uint64_t outside_sig;

static void write_file(int dir, const char *name, const char *text)
{
	int fd = openat(dir, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ASSERT(fd >= 0);
	ASSERT(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
}

/* Removes everything below the directory dir (not dir itself). */
static void clear_dir(int dir)
{
	int d = dup(dir);
	ASSERT(d >= 0);
	DIR *dp = fdopendir(d);
	ASSERT(dp);
	rewinddir(dp);
	struct dirent *de;
	while ((de = readdir(dp)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		struct stat st;
		if (fstatat(dir, de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			int sub = openat(dir, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			ASSERT(sub >= 0);
			clear_dir(sub);
			close(sub);
			ASSERT(unlinkat(dir, de->d_name, AT_REMOVEDIR) == 0);
		} else {
			ASSERT(unlinkat(dir, de->d_name, 0) == 0);
		}
	}
	closedir(dp);
}

static void reset_box(void)
{
	clear_dir(box_fd);
	char abs[300];
	write_file(box_fd, "a.txt", "hello, box\n");
	ASSERT(mkdirat(box_fd, "sub", 0755) == 0);
	ASSERT(mkdirat(box_fd, "sub/deeper", 0755) == 0);
	write_file(box_fd, "sub/b.txt", "bee\n");
	ASSERT(symlinkat("a.txt", box_fd, "in") == 0);
	ASSERT(symlinkat("..", box_fd, "sub/up") == 0);
	ASSERT(symlinkat("../sub/b.txt", box_fd, "sub/deeper/back") == 0);
	ASSERT(symlinkat("../outside", box_fd, "out") == 0);
	ASSERT(symlinkat("../outside/secret", box_fd, "out_file") == 0);
	ASSERT(symlinkat("sub/up/../out", box_fd, "out2") == 0);
	snprintf(abs, sizeof abs, "%s/outside/secret", root);
	ASSERT(symlinkat(abs, box_fd, "abs") == 0);
	snprintf(abs, sizeof abs, "%s/outside", root);
	ASSERT(symlinkat(abs, box_fd, "absdir") == 0);
	ASSERT(symlinkat("../ro/r.txt", box_fd, "ro_file") == 0);
	ASSERT(symlinkat("../canary", box_fd, "canary") == 0);
	ASSERT(symlinkat("loop", box_fd, "loop") == 0);
	ASSERT(symlinkat("nowhere", box_fd, "dangling") == 0);
}

/* An order-independent digest of everything below dir (and dir's own
 * times), skipping the entry named skip. Covers what a change outside the
 * box would show: names, types, sizes, contents, link texts, link counts,
 * mtimes and ctimes. */
static uint64_t mix(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211ull;
	return h;
}

static uint64_t stat_sig(uint64_t h, const struct stat *st)
{
	h = mix(h, &st->st_mode, sizeof st->st_mode);
	h = mix(h, &st->st_size, sizeof st->st_size);
	h = mix(h, &st->st_nlink, sizeof st->st_nlink);
	h = mix(h, &st->st_ino, sizeof st->st_ino);
	h = mix(h, &st->st_mtim, sizeof st->st_mtim);
	h = mix(h, &st->st_ctim, sizeof st->st_ctim);
	return h;
}

static uint64_t tree_sig(int dir, const char *skip)
{
	struct stat st;
	ASSERT(fstat(dir, &st) == 0);
	uint64_t sum = stat_sig(14695981039346656037ull, &st);
	int d = dup(dir);
	ASSERT(d >= 0);
	DIR *dp = fdopendir(d);
	ASSERT(dp);
	rewinddir(dp);
	struct dirent *de;
	while ((de = readdir(dp)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    (skip && !strcmp(de->d_name, skip)))
			continue;
		ASSERT(fstatat(dir, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0);
		uint64_t h = mix(14695981039346656037ull, de->d_name, strlen(de->d_name));
		h = stat_sig(h, &st);
		if (S_ISDIR(st.st_mode)) {
			int sub = openat(dir, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			ASSERT(sub >= 0);
			uint64_t s = tree_sig(sub, NULL);
			h = mix(h, &s, sizeof s);
			close(sub);
		} else if (S_ISLNK(st.st_mode)) {
			char t[512];
			ssize_t n = readlinkat(dir, de->d_name, t, sizeof t);
			ASSERT(n >= 0);
			h = mix(h, t, (size_t)n);
		} else if (S_ISREG(st.st_mode)) {
			char t[4096];
			int fd = openat(dir, de->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
			ASSERT(fd >= 0);
			ssize_t n;
			while ((n = read(fd, t, sizeof t)) > 0)
				h = mix(h, t, (size_t)n);
			close(fd);
		}
		sum += h;
	}
	closedir(dp);
	return sum;
}

static int count_fds(void)
{
	DIR *dp = opendir("/proc/self/fd");
	ASSERT(dp);
	int n = 0;
	while (readdir(dp))
		n++;
	closedir(dp);
	return n;
}

static void cleanup(void)
{
	if (root_fd >= 0) {
		clear_dir(root_fd);
		rmdir(root);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	/* tmpfs when there is one: three times the speed of a disk. */
	const char *tmp = getenv("TMPDIR");
	if (!tmp || !*tmp)
		tmp = access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(root, sizeof root, "%s/edgeplug-fuzz-wasi-XXXXXX", tmp);
	ASSERT(mkdtemp(root));
	root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT(root_fd >= 0);
	atexit(cleanup);
	write_file(root_fd, "canary", "canary: must never change\n");
	ASSERT(mkdirat(root_fd, "outside", 0755) == 0);
	ASSERT(mkdirat(root_fd, "outside/keep", 0755) == 0);
	write_file(root_fd, "outside/secret", "secret: must never change\n");
	ASSERT(mkdirat(root_fd, "ro", 0755) == 0);
	ASSERT(mkdirat(root_fd, "ro/rsub", 0755) == 0);
	write_file(root_fd, "ro/r.txt", "read only\n");
	write_file(root_fd, "ro/rsub/deep.txt", "deep\n");
	ASSERT(symlinkat("r.txt", root_fd, "ro/rlink") == 0);
	ASSERT(symlinkat("../outside", root_fd, "ro/rout") == 0);
	ASSERT(mkdirat(root_fd, "box", 0755) == 0);
	box_fd = openat(root_fd, "box", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ASSERT(box_fd >= 0);
	reset_box();
	outside_sig = tree_sig(root_fd, "box");

	for (size_t i = 0; i < sizeof pattern; i++)
		pattern[i] = (uint8_t)(i * 7 + i / 251);
	engine = ep_engine_new(NULL, NULL);
	ASSERT(engine);
	static wbuf w;
	for (int p0 = 0; p0 < 2; p0++) {
		build_module(&w, p0 ? "wasi_unstable" : "wasi_snapshot_preview1");
		ep_error err;
		/* Lowered whole now: code lowered on a first call stays with the
		 * module, and each run must give back every byte it took. */
		if (ep_module_load(engine, w.b, w.n, &module[p0], &err) != EP_OK ||
		    ep_module_lower(module[p0], &err) != EP_OK) {
			fprintf(stderr, "fuzz_wasi: the trampoline module: %s\n", err.msg);
			abort();
		}
	}
	return 0;
}

/* ---- reading the input ---- */

typedef struct input {
	const uint8_t *p;
	size_t n, pos;
} input;

static uint8_t next(input *in)
{
	return in->pos < in->n ? in->p[in->pos++] : 0;
}

static uint32_t next32(input *in)
{
	uint32_t v = 0;
	for (int i = 0; i < 4; i++)
		v |= (uint32_t)next(in) << (8 * i);
	return v;
}

static uint64_t next64(input *in)
{
	return (uint64_t)next32(in) | (uint64_t)next32(in) << 32;
}


static uint8_t *mem;

static const char *const paths[] = {
	".", "..", "a.txt", "sub", "sub/b.txt", "sub/deeper", "sub/deeper/back", "in", "sub/up",
	"sub/up/a.txt", "sub/up/..", "sub/up/../outside/secret", "out", "out/secret", "out/",
	"out_file", "out2", "out2/secret", "abs", "absdir", "absdir/keep", "ro_file", "canary",
	"loop", "loop/x", "dangling", "new", "new/inner", "sub/new.txt", "a.txt/", "sub/",
	"../outside/secret", "../box/a.txt", "/etc/passwd", "./a.txt", "sub/./b.txt",
	"sub//b.txt", "r.txt", "rlink", "rout", "rout/secret", "rsub", "rsub/deep.txt", "x",
	"y", "sub/deeper/z", "..a", "a.txt/..", "sub/..", "sub/../..", "dangling/x",
	"nowhere",
};
#define NPATHS (sizeof paths / sizeof paths[0])

static uint32_t fd_arg(input *in)
{
	uint8_t b = next(in);
	return b < 240 ? b % 10u : next32(in);
}

/* A guest path at slot: from the list, raw bytes from the input, or a
 * pointer and length that do not fit memory. */
static void path_arg(input *in, uint32_t slot, uint32_t *ptr, uint32_t *len)
{
	uint8_t b = next(in);
	*ptr = slot;
	if (b % 8 < 6) {
		const char *p = paths[next(in) % NPATHS];
		*len = (uint32_t)strlen(p);
		memcpy(mem + slot, p, *len);
	} else if (b % 8 == 6) {
		*len = next(in) % 48u;
		for (uint32_t i = 0; i < *len; i++)
			mem[slot + i] = next(in);
	} else {
		static const uint32_t bad[][2] = {
			{ PAGE - 4, 16 }, { UINT32_MAX, 1 }, { 0, PAGE + 1 }, { 8, UINT32_MAX },
			{ PAGE, 0 }, { 0, 0 }, { PATH0, 4096 },
		};
		*ptr = bad[b / 8 % 7][0];
		*len = bad[b / 8 % 7][1];
	}
}

static uint64_t rights_arg(input *in)
{
	switch (next(in) % 5) {
	case 0: return ~0ull;
	case 1: return WR_ALL;
	case 2: return WR_FD_READ | WR_FD_SEEK | WR_FD_TELL | WR_FD_READDIR | WR_FD_FILESTAT_GET |
	               WR_PATH_OPEN | WR_PATH_FILESTAT_GET;
	case 3: return WR_FD_WRITE | WR_PATH_CREATE_FILE | WR_PATH_OPEN | WR_FD_FILESTAT_SET_SIZE;
	default: return next64(in);
	}
}

static uint64_t i64_arg(input *in)
{
	static const uint64_t edges[] = {
		0, 1, 2, 5, 11, 4096, 65536, (uint64_t)-1, (uint64_t)-2, 0x7fffffffffffffffull,
		0x8000000000000000ull, 0xffffffffull, 1ull << 40, (uint64_t)-4096,
	};
	uint8_t b = next(in);
	return b < 224 ? edges[b % (sizeof edges / sizeof edges[0])] : next64(in);
}

static uint32_t out_arg(input *in)
{
	uint8_t b = next(in);
	if (b < 248)
		return OUT + (b % 32u) * 64;
	static const uint32_t bad[] = { PAGE - 1, PAGE - 4, UINT32_MAX, PAGE, PAGE - 23, 1 };
	return bad[b % 6];
}

/* An iovec array at IOVS into the buffers (some lengths reach past memory). */
static void iovs_arg(input *in, uint32_t *ptr, uint32_t *n)
{
	uint8_t b = next(in);
	*ptr = IOVS;
	*n = b % 5u;
	if (b >= 240) {
		*ptr = b & 1 ? PAGE - 4 : UINT32_MAX - 3;
		*n = b & 2 ? 1 : UINT32_MAX;
		return;
	}
	for (uint32_t i = 0; i < *n; i++) {
		uint8_t c = next(in), l = next(in);
		uint32_t buf = BUFS + (uint32_t)(c % 64u) * 128, len = l < 250 ? l : (l == 250 ? UINT32_MAX : PAGE);
		memcpy(mem + IOVS + 8 * i, &buf, 4);
		memcpy(mem + IOVS + 8 * i + 4, &len, 4);
	}
}

/* ---- one input ---- */

static uint8_t snapshot[PAGE];

/* Subscriptions for poll_oneoff at IOVS, of preview 0's 56 bytes or
 * preview 1's 48: fuzz bytes, with a tag that is mostly a real one and
 * for fd ones a descriptor that mostly exists. No call can block: clocks
 * are never granted, and nothing the plugin can open is a stream. */
static void subs_arg(input *in, bool p0, uint32_t *ptr, uint32_t *n)
{
	uint32_t size = p0 ? 56 : 48;
	uint8_t b = next(in);
	*n = b % 5u;
	*ptr = IOVS;
	for (uint32_t i = 0; i < *n; i++) {
		uint8_t *sub = mem + IOVS + i * size;
		for (uint32_t j = 0; j < size; j++)
			sub[j] = next(in);
		if (sub[8] < 240)
			sub[8] %= 3;
		uint32_t fd = fd_arg(in);
		if (sub[8] != 0)
			memcpy(sub + 16, &fd, 4);
	}
	/* At the very end of memory, or one byte past it. */
	if (b >= 240 && *n)
		*ptr = PAGE - *n * size + (b & 1);
}

static void one_call(ep_store *s, ep_instance *inst, input *in, bool p0)
{
	int c = next(in) % NCALLS;
	ep_value a[9];
	const char *pt = calls[c].params;
	uint32_t np = (uint32_t)strlen(pt);
	for (uint32_t i = 0; i < np; i++) {
		memset(&a[i], 0, sizeof a[i]);
		a[i].type = pt[i] == 'I' ? EP_I64 : EP_I32;
	}
#define I(k, v) (a[k].of.i32 = (int32_t)(v))
#define L(k, v) (a[k].of.i64 = (int64_t)(v))
	uint32_t p, l;
	switch (c) {
	case C_PATH_OPEN:
		I(0, fd_arg(in)), I(1, next(in) & 1);
		path_arg(in, PATH0, &p, &l), I(2, p), I(3, l);
		{
			uint8_t o = next(in);
			I(4, o < 240 ? o & WO_ALL : o);
		}
		L(5, rights_arg(in)), L(6, rights_arg(in));
		I(7, next(in) & 0x1f), I(8, out_arg(in));
		break;
	case C_FD_READ: case C_FD_WRITE:
		I(0, fd_arg(in)), iovs_arg(in, &p, &l), I(1, p), I(2, l), I(3, out_arg(in));
		break;
	case C_FD_PREAD: case C_FD_PWRITE:
		I(0, fd_arg(in)), iovs_arg(in, &p, &l), I(1, p), I(2, l);
		L(3, i64_arg(in)), I(4, out_arg(in));
		break;
	case C_FD_SEEK:
		I(0, fd_arg(in)), L(1, i64_arg(in)), I(2, next(in) % 4u), I(3, out_arg(in));
		break;
	case C_FD_TELL: case C_FDSTAT_GET: case C_FILESTAT_GET: case C_PRESTAT_GET:
		I(0, fd_arg(in)), I(1, out_arg(in));
		break;
	case C_FD_READDIR: {
		uint8_t b = next(in);
		I(0, fd_arg(in)), I(1, BUFS + (b % 16u) * 256), I(2, b < 240 ? next(in) * 8u : PAGE);
		L(3, i64_arg(in)), I(4, out_arg(in));
		break;
	}
	case C_FD_CLOSE:
		I(0, fd_arg(in));
		break;
	case C_FD_RENUMBER:
		I(0, fd_arg(in)), I(1, fd_arg(in));
		break;
	case C_FDSTAT_SET_FLAGS:
		I(0, fd_arg(in)), I(1, next(in) & 0x3f);
		break;
	case C_FDSTAT_SET_RIGHTS:
		I(0, fd_arg(in)), L(1, rights_arg(in)), L(2, rights_arg(in));
		break;
	case C_FILESTAT_SET_SIZE:
		/* Sizes stay small or absurd: a sparse gigabyte is fine, but
		 * not worth the disk traffic. */
		I(0, fd_arg(in)), L(1, next(in) < 240 ? next(in) : i64_arg(in) | (1ull << 62));
		break;
	case C_FILESTAT_SET_TIMES:
		I(0, fd_arg(in)), L(1, i64_arg(in)), L(2, i64_arg(in)), I(3, next(in) & 0x1f);
		break;
	case C_PRESTAT_DIR_NAME:
		I(0, fd_arg(in)), I(1, out_arg(in)), I(2, next(in) % 16u);
		break;
	case C_FD_ALLOCATE:
		/* posix_fallocate really reserves the blocks: lengths stay small,
		 * or large enough to be refused before anything happens. */
		I(0, fd_arg(in)), L(1, next(in)), L(2, next(in) < 240 ? next(in) : (uint64_t)-1);
		break;
	case C_FD_ADVISE:
		I(0, fd_arg(in)), L(1, i64_arg(in)), L(2, i64_arg(in)), I(3, next(in) % 8u);
		break;
	case C_PATH_MKDIR: case C_PATH_RMDIR: case C_PATH_UNLINK:
		I(0, fd_arg(in)), path_arg(in, PATH0, &p, &l), I(1, p), I(2, l);
		break;
	case C_PATH_FILESTAT_GET:
		I(0, fd_arg(in)), I(1, next(in) & 1), path_arg(in, PATH0, &p, &l), I(2, p), I(3, l);
		I(4, out_arg(in));
		break;
	case C_PATH_SET_TIMES:
		I(0, fd_arg(in)), I(1, next(in) & 1), path_arg(in, PATH0, &p, &l), I(2, p), I(3, l);
		L(4, i64_arg(in)), L(5, i64_arg(in)), I(6, next(in) & 0x1f);
		break;
	case C_PATH_LINK:
		I(0, fd_arg(in)), I(1, next(in) & 1), path_arg(in, PATH0, &p, &l), I(2, p), I(3, l);
		I(4, fd_arg(in)), path_arg(in, PATH1, &p, &l), I(5, p), I(6, l);
		break;
	case C_PATH_READLINK:
		I(0, fd_arg(in)), path_arg(in, PATH0, &p, &l), I(1, p), I(2, l);
		I(3, BUFS), I(4, next(in)), I(5, out_arg(in));
		break;
	case C_PATH_RENAME:
		I(0, fd_arg(in)), path_arg(in, PATH0, &p, &l), I(1, p), I(2, l);
		I(3, fd_arg(in)), path_arg(in, PATH1, &p, &l), I(4, p), I(5, l);
		break;
	case C_PATH_SYMLINK:
		path_arg(in, PATH1, &p, &l), I(0, p), I(1, l);
		I(2, fd_arg(in)), path_arg(in, PATH0, &p, &l), I(3, p), I(4, l);
		break;
	case C_POLL_ONEOFF:
		subs_arg(in, p0, &p, &l), I(0, p), I(2, l);
		I(1, next(in) < 248 ? OUT : PAGE - 31), I(3, out_arg(in));
		break;
	}
#undef I
#undef L
	char name[8];
	snprintf(name, sizeof name, "t%d", c);
	ep_extern x;
	ASSERT(ep_instance_export(inst, name, strlen(name), &x) && x.kind == EP_EXTERN_FUNC);
	memcpy(snapshot, mem, PAGE);
	ep_value r;
	ep_error err;
	ep_status st = ep_call(s, x.of.func, a, np, &r, 1, &err);
	if (st != EP_OK)
		fprintf(stderr, "fuzz_wasi: %s: %s\n", calls[c].name, err.msg);
	ASSERT(st == EP_OK);
	ASSERT(r.type == EP_I32 && r.of.i32 >= 0 && r.of.i32 <= 76);
	/* A failed call writes nothing to guest memory. */
	if (r.of.i32 != 0 && memcmp(snapshot, mem, PAGE) != 0) {
		fprintf(stderr, "fuzz_wasi: %s failed with errno %d but wrote memory\n",
		        calls[c].name, r.of.i32);
		ASSERT(0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	input in = { data, size, 0 };
	uint8_t mode = next(&in);
	size_t base = ep_engine_bytes(engine);
	int host_fds = count_fds();

	ep_wasi *w = ep_wasi_new(engine, 0);
	ASSERT(w);
	ep_wasi_set_resolve(w, mode & 1 ? EP_WASI_RESOLVE_WALK : EP_WASI_RESOLVE_AUTO);
	char path[300];
	ep_error err;
	snprintf(path, sizeof path, "%s/box", root);
	ASSERT(ep_wasi_preopen(w, path, "box", 0, &err) == EP_OK);               /* fd 3 */
	snprintf(path, sizeof path, "%s/ro", root);
	ASSERT(ep_wasi_preopen(w, path, "ro", EP_WASI_READONLY, &err) == EP_OK); /* fd 4 */
	ep_limits lim = { 16, 1024, 1, 16 };
	ep_store *s = ep_store_new(engine, &lim);
	ASSERT(s);
	ep_extern imports[NCALLS];
	memset(imports, 0, sizeof imports);
	bool p0 = mode & 2;
	ASSERT(ep_wasi_link(w, s, module[p0], imports, &err) == EP_OK);
	ep_instance *inst;
	ASSERT(ep_instantiate(s, module[p0], imports, NCALLS, &inst, &err) == EP_OK);
	ep_memory *m = ep_instance_memory(inst);
	ASSERT(m && ep_memory_size(m) == PAGE);
	mem = ep_memory_data(m);
	memcpy(mem + BUFS, pattern, sizeof pattern);

	for (int i = 0; i < MAX_CALLS && in.pos < in.n; i++)
		one_call(s, inst, &in, p0);

	ep_store_free(s);
	ep_wasi_free(w);
	ASSERT(ep_engine_bytes(engine) == base);
	ASSERT(count_fds() == host_fds);
	uint64_t sig = tree_sig(root_fd, "box");
	if (sig != outside_sig) {
		fprintf(stderr, "fuzz_wasi: something outside the box changed under %s\n", root);
		ASSERT(0);
	}
	reset_box();
	return 0;
}
