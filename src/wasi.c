/*
 * wasi.c - WASI preview 1 and 0: the wasi_snapshot_preview1 and
 * wasi_unstable host functions over a context of arguments, environment,
 * preopened directories, a descriptor table and granted capabilities
 * (include/edgeplug_wasi.h). Both previews share one table of calls; the
 * few whose records or numbers differ look at call.p0.
 * Owns the sandbox: guest paths are resolved only beneath a directory
 * descriptor, one component at a time or by openat2(RESOLVE_BENEATH), never
 * by string checks on host paths. Uses only the public embedding API and
 * POSIX/Linux calls, never the engine's insides.
 *
 * Conventions. Each call returns a WASI errno (src/wasi.h); the values it
 * writes go to guest memory only after every pointer it was given has been
 * checked, so a failed call leaves memory as it was. Guest address math is
 * done in 64 bits: ptr + len never wraps. Records are written byte by byte
 * in little-endian order, whatever the host.
 */
#define _GNU_SOURCE   /* O_PATH, ppoll, pipe2, preadv/pwritev, getrandom */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "edgeplug_wasi.h"
#include "config.h"
#include "fmt.h"
#include "wasi.h"

#if EP_WASI_OPENAT2 && defined(SYS_openat2)
#define HAVE_OPENAT2 1
/* The kernel's struct open_how and RESOLVE_* bits (linux/openat2.h, which
 * musl's headers do not ship). */
struct open_how_ { uint64_t flags, mode, resolve; };
#define RESOLVE_NO_MAGICLINKS_ 0x02u
#define RESOLVE_BENEATH_ 0x08u
#else
#define HAVE_OPENAT2 0
#endif

#ifndef O_PATH
#define O_PATH O_RDONLY   /* traversal then needs read permission, nothing worse */
#endif

/* Transfers in one call stay below what readv/writev accept on a 32-bit
 * host (SSIZE_MAX) and what the guest's u32 result can say. */
#define MAX_IO ((size_t)INT32_MAX)
/* Writes to pipes, sockets and terminals go out in pieces of at most this
 * much, each after poll() says there is room: a piece that size never
 * blocks a pipe, so a stalled reader cannot pin the plugin beyond an
 * interrupt, and each piece is still atomic. */
#define STREAM_CHUNK 4096u
#define NS 1000000000u

enum { K_FREE = 0, K_FILE, K_DIR };

/* Reading a directory: getdents64 records in a buffer. Cookies are entry
 * indexes (cookie n = n entries consumed), so any cookie can be served by
 * rewinding and skipping, and reading on from the last one costs nothing. */
#define DIRBUF 2048u
typedef struct dirstate {
	uint8_t buf[DIRBUF];
	size_t len, pos;      /* valid bytes, offset of the next record */
	uint64_t index;       /* cookie of the record at pos */
	bool eof;
} dirstate;

typedef struct fdent {
	int host;             /* host descriptor, -1 when free */
	uint8_t kind;         /* K_* */
	uint8_t type;         /* WF_* */
	bool owned;           /* ours to close; stdio never is */
	bool stream;          /* pipe, socket or character device: may block */
	uint16_t flags;       /* WFD_*; NONBLOCK is emulated, never set on the host */
	uint64_t base, inh;   /* rights */
	char *name;           /* preopens: the guest's name for it */
	size_t name_len;
	dirstate *dir;        /* allocated by the first fd_readdir */
} fdent;

typedef struct call call;
/* Every call returns an i32 errno but proc_exit, which has no result (it
 * always traps); no results field, so the table is a quarter smaller. */
typedef struct hostfn {
	const char *name;
	const char *params;   /* 'i' i32, 'I' i64 */
	int (*fn)(call *k, const ep_value *a);
} hostfn;

typedef struct binding {
	ep_wasi *w;
	const hostfn *f;
	bool p0;              /* imported from wasi_unstable */
} binding;

/* One environment variable: its "NAME=VALUE" at env + off, len bytes with
 * the NUL; name_len bytes of name. */
typedef struct envent {
	size_t off;
	uint32_t len, name_len;
	bool dead;
} envent;

struct ep_wasi {
	ep_engine *engine;
	unsigned caps;
	int resolve;                  /* EP_WASI_RESOLVE_* */
	int openat2;                  /* -1 not probed yet, 0 absent, 1 present */
	char *args;                   /* NUL-terminated strings back to back */
	size_t args_len;
	uint32_t argc;
	/* The environment: "NAME=VALUE\0" strings appended to env (env_used of
	 * env_cap bytes), one envent each; a replaced variable's old entry is
	 * marked dead and skipped. env_hash maps names to their live entry
	 * (index + 1; 0 is empty), so ep_wasi_set_env costs O(1) amortised and
	 * n variables cost O(n) in all, not O(n^2). envc and env_len count the
	 * live ones: what the guest sees. */
	char *env;
	size_t env_used, env_cap, env_len;
	uint32_t envc;
	envent *ents;
	uint32_t nents, ents_cap;
	uint32_t *env_hash;
	uint32_t hash_cap;            /* a power of two, or 0 */
	fdent *fds;
	uint32_t nfds;
	int intr[2];                  /* self-pipe: ep_wasi_interrupt writes, waits poll it */
	volatile sig_atomic_t interrupted;
	ep_store *volatile store;
	binding *bind;                /* two per table entry (preview 1, then 0): the env of its host function */
	uint64_t out_limit;           /* bytes stdout + stderr may take; UINT64_MAX: no cap */
	uint64_t out_bytes, out_refused;
};

/* One host call in progress. */
struct call {
	ep_wasi *w;
	ep_caller *caller;
	uint8_t *mem;
	uint64_t memsize;
	ep_trap trap;                 /* when a call returns TRAP */
	bool p0;                      /* imported from wasi_unstable (preview 0) */
};
#define TRAP (-1)

/* ---- memory ---- */

static void *wmalloc(ep_wasi *w, size_t n)
{
	return ep_engine_realloc(w->engine, NULL, 0, n ? n : 1);
}

static void wfree(ep_wasi *w, void *p, size_t n)
{
	if (p)
		ep_engine_realloc(w->engine, p, n ? n : 1, 0);
}

/* The guest range [ptr, ptr + len): true and its host address when it lies
 * inside linear memory. */
static bool gp(const call *k, uint32_t ptr, uint64_t len, uint8_t **out)
{
	if (!k->mem) {
		*out = NULL;
		return ptr == 0 && len == 0;
	}
	if ((uint64_t)ptr + len > k->memsize)
		return false;
	*out = k->mem + ptr;
	return true;
}

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> 8 * i);
}
static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> 8 * i);
}
static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* Parameters: i32 as unsigned, as WASI reads them. */
#define U32(v) ((uint32_t)(v).of.i32)
#define U64(v) ((uint64_t)(v).of.i64)

/* ---- host values to WASI ---- */

static int werr(int e)
{
	switch (e) {
	case 0: return WE_SUCCESS;
	case E2BIG: return WE_2BIG;
	case EACCES: return WE_ACCES;
	case EADDRINUSE: return WE_ADDRINUSE;
	case EADDRNOTAVAIL: return WE_ADDRNOTAVAIL;
	case EAFNOSUPPORT: return WE_AFNOSUPPORT;
	case EAGAIN: return WE_AGAIN;
	case EALREADY: return WE_ALREADY;
	case EBADF: return WE_BADF;
	case EBADMSG: return WE_BADMSG;
	case EBUSY: return WE_BUSY;
	case ECANCELED: return WE_CANCELED;
	case ECHILD: return WE_CHILD;
	case ECONNABORTED: return WE_CONNABORTED;
	case ECONNREFUSED: return WE_CONNREFUSED;
	case ECONNRESET: return WE_CONNRESET;
	case EDEADLK: return WE_DEADLK;
	case EDESTADDRREQ: return WE_DESTADDRREQ;
	case EDOM: return WE_DOM;
	case EDQUOT: return WE_DQUOT;
	case EEXIST: return WE_EXIST;
	case EFAULT: return WE_FAULT;
	case EFBIG: return WE_FBIG;
	case EHOSTUNREACH: return WE_HOSTUNREACH;
	case EIDRM: return WE_IDRM;
	case EILSEQ: return WE_ILSEQ;
	case EINPROGRESS: return WE_INPROGRESS;
	case EINTR: return WE_INTR;
	case EINVAL: return WE_INVAL;
	case EIO: return WE_IO;
	case EISCONN: return WE_ISCONN;
	case EISDIR: return WE_ISDIR;
	case ELOOP: return WE_LOOP;
	case EMFILE: return WE_MFILE;
	case EMLINK: return WE_MLINK;
	case EMSGSIZE: return WE_MSGSIZE;
	case EMULTIHOP: return WE_MULTIHOP;
	case ENAMETOOLONG: return WE_NAMETOOLONG;
	case ENETDOWN: return WE_NETDOWN;
	case ENETRESET: return WE_NETRESET;
	case ENETUNREACH: return WE_NETUNREACH;
	case ENFILE: return WE_NFILE;
	case ENOBUFS: return WE_NOBUFS;
	case ENODEV: return WE_NODEV;
	case ENOENT: return WE_NOENT;
	case ENOEXEC: return WE_NOEXEC;
	case ENOLCK: return WE_NOLCK;
	case ENOLINK: return WE_NOLINK;
	case ENOMEM: return WE_NOMEM;
	case ENOMSG: return WE_NOMSG;
	case ENOPROTOOPT: return WE_NOPROTOOPT;
	case ENOSPC: return WE_NOSPC;
	case ENOSYS: return WE_NOSYS;
	case ENOTCONN: return WE_NOTCONN;
	case ENOTDIR: return WE_NOTDIR;
	case ENOTEMPTY: return WE_NOTEMPTY;
	case ENOTRECOVERABLE: return WE_NOTRECOVERABLE;
	case ENOTSOCK: return WE_NOTSOCK;
	case ENOTSUP: return WE_NOTSUP;   /* == EOPNOTSUPP on Linux */
	case ENOTTY: return WE_NOTTY;
	case ENXIO: return WE_NXIO;
	case EOVERFLOW: return WE_OVERFLOW;
	case EOWNERDEAD: return WE_OWNERDEAD;
	case EPERM: return WE_PERM;
	case EPIPE: return WE_PIPE;
	case EPROTO: return WE_PROTO;
	case EPROTONOSUPPORT: return WE_PROTONOSUPPORT;
	case EPROTOTYPE: return WE_PROTOTYPE;
	case ERANGE: return WE_RANGE;
	case EROFS: return WE_ROFS;
	case ESPIPE: return WE_SPIPE;
	case ESRCH: return WE_SRCH;
	case ESTALE: return WE_STALE;
	case ETIMEDOUT: return WE_TIMEDOUT;
	case ETXTBSY: return WE_TXTBSY;
	case EXDEV: return WE_XDEV;
	default: return WE_IO;
	}
}

static uint8_t filetype_of(mode_t m)
{
	if (S_ISREG(m)) return WF_REGULAR_FILE;
	if (S_ISDIR(m)) return WF_DIRECTORY;
	if (S_ISLNK(m)) return WF_SYMBOLIC_LINK;
	if (S_ISCHR(m)) return WF_CHARACTER_DEVICE;
	if (S_ISBLK(m)) return WF_BLOCK_DEVICE;
	if (S_ISSOCK(m)) return WF_SOCKET_STREAM;
	return WF_UNKNOWN;   /* FIFOs: preview 1 has no type for them */
}

static uint64_t ts_ns(const struct timespec *t)
{
	if (t->tv_sec < 0)
		return 0;
	if ((uint64_t)t->tv_sec >= UINT64_MAX / NS)
		return UINT64_MAX;
	return (uint64_t)t->tv_sec * NS + (uint64_t)t->tv_nsec;
}

static struct timespec ns_ts(uint64_t ns)
{
	struct timespec t;
	uint64_t s = ns / NS;
	/* time_t is 64 bits on every musl target; clamp for the others. */
	t.tv_sec = s > (uint64_t)INT32_MAX && sizeof(time_t) < 8 ? INT32_MAX : (time_t)s;
	t.tv_nsec = (long)(ns % NS);
	return t;
}

#define FILESTAT_LEN(k) ((k)->p0 ? FILESTAT0_SIZE : FILESTAT_SIZE)

static void put_filestat(const call *k, uint8_t *p, const struct stat *st)
{
	/* Preview 0's u32 nlink sits at 20 and moves the size and the times 8
	 * bytes earlier. Linux counts links in 32 bits (struct kstat's nlink),
	 * so preview 1's u64 nlink has a zero high half. */
	size_t at = k->p0 ? 32 - P0_SHIFT : 32;
	memset(p, 0, at + 32);
	put64(p, (uint64_t)st->st_dev);
	put64(p + 8, (uint64_t)st->st_ino);
	p[16] = filetype_of(st->st_mode);
	put32(p + at - (k->p0 ? 4 : 8), (uint32_t)st->st_nlink);
	put64(p + at, st->st_size < 0 ? 0 : (uint64_t)st->st_size);
	put64(p + at + 8, ts_ns(&st->st_atim));
	put64(p + at + 16, ts_ns(&st->st_mtim));
	put64(p + at + 24, ts_ns(&st->st_ctim));
}

/* ---- rights ---- */

/* The most a descriptor of each kind can do. */
#define RIGHTS_FILE (WR_FD_DATASYNC | WR_FD_READ | WR_FD_SEEK | WR_FD_FDSTAT_SET_FLAGS | \
	WR_FD_SYNC | WR_FD_TELL | WR_FD_WRITE | WR_FD_ADVISE | WR_FD_ALLOCATE | \
	WR_FD_FILESTAT_GET | WR_FD_FILESTAT_SET_SIZE | WR_FD_FILESTAT_SET_TIMES | \
	WR_POLL_FD_READWRITE)
#define RIGHTS_DIR (WR_FD_DATASYNC | WR_FD_FDSTAT_SET_FLAGS | WR_FD_SYNC | \
	WR_PATH_CREATE_DIRECTORY | WR_PATH_CREATE_FILE | WR_PATH_LINK_SOURCE | \
	WR_PATH_LINK_TARGET | WR_PATH_OPEN | WR_FD_READDIR | WR_PATH_READLINK | \
	WR_PATH_RENAME_SOURCE | WR_PATH_RENAME_TARGET | WR_PATH_FILESTAT_GET | \
	WR_PATH_FILESTAT_SET_SIZE | WR_PATH_FILESTAT_SET_TIMES | WR_FD_FILESTAT_GET | \
	WR_FD_FILESTAT_SET_TIMES | WR_PATH_SYMLINK | WR_PATH_REMOVE_DIRECTORY | \
	WR_PATH_UNLINK_FILE)
/* Every right that changes a file or the tree: a read-only preopen has none
 * of them and passes none on. Linking or renaming out of a directory
 * changes it (and a hard link elsewhere would be a writable name for a
 * read-only file), so the _SOURCE rights count as writes. */
#define RIGHTS_WRITE (WR_FD_WRITE | WR_FD_ALLOCATE | WR_FD_FILESTAT_SET_SIZE | \
	WR_FD_FILESTAT_SET_TIMES | WR_PATH_CREATE_DIRECTORY | WR_PATH_CREATE_FILE | \
	WR_PATH_LINK_SOURCE | WR_PATH_LINK_TARGET | WR_PATH_RENAME_SOURCE | \
	WR_PATH_RENAME_TARGET | WR_PATH_FILESTAT_SET_SIZE | WR_PATH_FILESTAT_SET_TIMES | \
	WR_PATH_SYMLINK | WR_PATH_REMOVE_DIRECTORY | WR_PATH_UNLINK_FILE)
/* Rights a path_open request implies writing file contents with. */
#define RIGHTS_OPEN_WRITE (WR_FD_WRITE | WR_FD_ALLOCATE | WR_FD_FILESTAT_SET_SIZE)

/* ---- the descriptor table ---- */

static fdent *fd_get(ep_wasi *w, uint32_t fd)
{
	if (fd >= w->nfds || w->fds[fd].kind == K_FREE)
		return NULL;
	return &w->fds[fd];
}

/* Looks up fd and checks it holds every right in need. */
static int fd_use(call *k, uint32_t fd, uint64_t need, fdent **out)
{
	fdent *e = fd_get(k->w, fd);
	if (!e)
		return WE_BADF;
	if ((e->base & need) != need)
		return WE_NOTCAPABLE;
	*out = e;
	return 0;
}

/* A free slot at or above `from`, growing the table; its index in *out.
 * Pointers to entries do not survive this call. */
static int fd_alloc(ep_wasi *w, uint32_t from, uint32_t *out)
{
	for (uint32_t i = from; i < w->nfds; i++)
		if (w->fds[i].kind == K_FREE) {
			*out = i;
			return 0;
		}
	uint32_t n = w->nfds > from ? w->nfds : from;
	if (n >= EP_WASI_MAX_FDS)
		return WE_MFILE;
	uint32_t cap = w->nfds ? w->nfds * 2 : 8;
	while (cap <= n)
		cap *= 2;
	if (cap > EP_WASI_MAX_FDS)
		cap = EP_WASI_MAX_FDS;
	fdent *t = ep_engine_realloc(w->engine, w->fds, w->nfds * sizeof *t, cap * sizeof *t);
	if (!t)
		return WE_NOMEM;
	for (uint32_t i = w->nfds; i < cap; i++) {
		memset(&t[i], 0, sizeof t[i]);
		t[i].host = -1;
	}
	w->fds = t;
	w->nfds = cap;
	*out = n;
	return 0;
}

/* Fills entry e for host descriptor h from what fstat says; false when
 * fstat fails (h is not open, for one). */
static bool fd_describe(fdent *e, int h)
{
	struct stat st;
	bool ok = h >= 0 && fstat(h, &st) == 0;
	e->host = h;
	e->kind = K_FILE;
	e->type = WF_UNKNOWN;
	e->stream = true;
	if (ok) {
		e->type = filetype_of(st.st_mode);
		e->kind = S_ISDIR(st.st_mode) ? K_DIR : K_FILE;
		e->stream = !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode) && !S_ISBLK(st.st_mode);
	}
	int fl = ok ? fcntl(h, F_GETFL) : -1;
	e->flags = fl >= 0 && (fl & O_APPEND) ? WFD_APPEND : 0;
	return ok;
}

/* Closes what the entry owns and frees it. Returns close()'s error. */
static int fd_release(ep_wasi *w, fdent *e)
{
	int rc = 0;
	if (e->owned && e->host >= 0 && close(e->host) != 0 && errno != EINTR)
		rc = werr(errno);
	wfree(w, e->name, e->name_len + 1);
	wfree(w, e->dir, sizeof *e->dir);
	memset(e, 0, sizeof *e);
	e->host = -1;
	return rc;
}

/* The stdio slots: the process's (or the embedder's) descriptors, never
 * closed by us; present only when granted and open (fstat tells, so a
 * closed one costs no extra call). */
static void set_stdio_slot(ep_wasi *w, uint32_t i, int host)
{
	fdent *e = &w->fds[i];
	fd_release(w, e);
	if (!(w->caps & (EP_WASI_STDIN << i)) || !fd_describe(e, host)) {
		fd_release(w, e);
		return;
	}
	e->kind = K_FILE;   /* even a directory on stdin is just bytes to us */
	e->owned = false;
	uint64_t seek = e->stream ? 0 : WR_FD_SEEK | WR_FD_TELL;
	uint64_t common = WR_FD_FDSTAT_SET_FLAGS | WR_FD_FILESTAT_GET | WR_POLL_FD_READWRITE | seek;
	e->base = i == 0 ? common | WR_FD_READ : common | WR_FD_WRITE | WR_FD_SYNC | WR_FD_DATASYNC;
	e->inh = 0;
}

/* ---- interrupts and waiting ---- */

enum { W_READY, W_NOTREADY, W_INTR, W_ERROR };

/* Waits until host descriptor h is ready for ev, or at once when nonblock.
 * An interrupt ends the wait (W_INTR); so does a signal only if it set the
 * interrupt. */
static int wait_fd(ep_wasi *w, int h, short ev, bool nonblock, int *err)
{
	struct pollfd p[2] = { { h, ev, 0 }, { w->intr[0], POLLIN, 0 } };
	for (;;) {
		if (w->interrupted)
			return W_INTR;
		int r = poll(p, 2, nonblock ? 0 : -1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			*err = errno;
			return W_ERROR;
		}
		if (p[1].revents || w->interrupted)
			return W_INTR;
		return r == 0 ? W_NOTREADY : W_READY;
	}
}

static int interrupted(call *k, const char *what)
{
	k->trap = EP_TRAP_INTERRUPT;
	ep_caller_set_message(k->caller, what);
	return TRAP;
}

void ep_wasi_interrupt(ep_wasi *w)
{
	if (!w)
		return;
	w->interrupted = 1;
	if (w->intr[1] >= 0) {
		ssize_t r = write(w->intr[1], "!", 1);   /* full pipe: already woken */
		(void)r;
	}
	ep_store *s = w->store;
	if (s)
		ep_store_interrupt(s);
}

void ep_wasi_clear_interrupt(ep_wasi *w)
{
	if (!w)
		return;
	char buf[64];
	while (w->intr[0] >= 0 && read(w->intr[0], buf, sizeof buf) > 0)
		;
	w->interrupted = 0;
}

/* ---- scatter/gather ---- */

/* The guest's iovec array: checked whole before any byte moves. */
typedef struct iovs {
	const uint8_t *arr;   /* n records of IOVEC_SIZE */
	uint32_t n;
	uint32_t i, off;      /* cursor: record, offset inside it */
	uint64_t total;       /* bytes described, capped at MAX_IO */
} iovs;

static int iovs_check(call *k, uint32_t ptr, uint32_t n, iovs *v)
{
	uint8_t *arr, *buf;
	if (!gp(k, ptr, (uint64_t)n * IOVEC_SIZE, &arr))
		return WE_FAULT;
	uint64_t total = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t len = get32(arr + i * IOVEC_SIZE + 4);
		if (!gp(k, get32(arr + i * IOVEC_SIZE), len, &buf))
			return WE_FAULT;
		total += len;
	}
	v->arr = arr;
	v->n = n;
	v->i = v->off = 0;
	v->total = total > MAX_IO ? MAX_IO : total;
	return 0;
}

/* Host iovecs for at most `limit` bytes from the cursor; returns how many
 * (at most max) and the bytes they cover in *bytes. */
static int iovs_fill(const call *k, const iovs *v, struct iovec *out, int max,
                     size_t limit, size_t *bytes)
{
	int n = 0;
	size_t sum = 0;
	uint32_t off = v->off;
	for (uint32_t i = v->i; i < v->n && n < max && sum < limit; i++, off = 0) {
		const uint8_t *r = v->arr + (size_t)i * IOVEC_SIZE;
		uint32_t len = get32(r + 4) - off;
		if (len == 0)
			continue;
		size_t take = len < limit - sum ? len : limit - sum;
		out[n].iov_base = k->mem + get32(r) + off;
		out[n].iov_len = take;
		n++;
		sum += take;
	}
	*bytes = sum;
	return n;
}

static void iovs_advance(iovs *v, size_t n)
{
	while (n > 0 && v->i < v->n) {
		uint32_t len = get32(v->arr + (size_t)v->i * IOVEC_SIZE + 4) - v->off;
		if (n < len) {
			v->off += (uint32_t)n;
			return;
		}
		n -= len;
		v->i++;
		v->off = 0;
	}
	while (v->i < v->n && get32(v->arr + (size_t)v->i * IOVEC_SIZE + 4) == v->off) {
		v->i++;
		v->off = 0;
	}
}

#define IOV_BATCH 64

/* ---- arguments and environment ---- */

static int sizes_get(call *k, uint32_t count, size_t bytes, uint32_t pcount, uint32_t pbytes)
{
	uint8_t *a, *b;
	if (!gp(k, pcount, 4, &a) || !gp(k, pbytes, 4, &b))
		return WE_FAULT;
	put32(a, count);
	put32(b, (uint32_t)bytes);
	return 0;
}

static int strings_get(call *k, const char *s, size_t len, uint32_t count,
                       uint32_t pptrs, uint32_t pbuf)
{
	uint8_t *ptrs, *buf;
	if (!gp(k, pptrs, (uint64_t)count * 4, &ptrs) || !gp(k, pbuf, len, &buf))
		return WE_FAULT;
	if (len)
		memcpy(buf, s, len);
	size_t off = 0;
	for (uint32_t i = 0; i < count; i++) {
		put32(ptrs + (size_t)i * 4, pbuf + (uint32_t)off);
		off += strlen(s + off) + 1;
	}
	return 0;
}

static int f_args_sizes_get(call *k, const ep_value *a)
{
	return sizes_get(k, k->w->argc, k->w->args_len, U32(a[0]), U32(a[1]));
}

static int f_args_get(call *k, const ep_value *a)
{
	return strings_get(k, k->w->args, k->w->args_len, k->w->argc, U32(a[0]), U32(a[1]));
}

static int f_environ_sizes_get(call *k, const ep_value *a)
{
	return sizes_get(k, k->w->envc, k->w->env_len, U32(a[0]), U32(a[1]));
}

static int f_environ_get(call *k, const ep_value *a)
{
	const ep_wasi *w = k->w;
	uint32_t pptrs = U32(a[0]), pbuf = U32(a[1]);
	uint8_t *ptrs, *buf;
	if (!gp(k, pptrs, (uint64_t)w->envc * 4, &ptrs) || !gp(k, pbuf, w->env_len, &buf))
		return WE_FAULT;
	size_t off = 0;
	uint32_t n = 0;
	for (uint32_t i = 0; i < w->nents; i++) {
		const envent *v = &w->ents[i];
		if (v->dead)
			continue;
		memcpy(buf + off, w->env + v->off, v->len);
		put32(ptrs + (size_t)n++ * 4, pbuf + (uint32_t)off);
		off += v->len;
	}
	return 0;
}

/* ---- clocks and randomness ---- */

static bool clock_of(uint32_t id, clockid_t *out)
{
	switch (id) {
	case WC_REALTIME: *out = CLOCK_REALTIME; return true;
	case WC_MONOTONIC: *out = CLOCK_MONOTONIC; return true;
	case WC_PROCESS_CPUTIME: *out = CLOCK_PROCESS_CPUTIME_ID; return true;
	case WC_THREAD_CPUTIME: *out = CLOCK_THREAD_CPUTIME_ID; return true;
	default: return false;
	}
}

static uint64_t now_ns(clockid_t c)
{
	struct timespec t;
	if (clock_gettime(c, &t) != 0)
		return 0;
	return ts_ns(&t);
}

/* The checks both clock calls make: the capability, the clock id, and
 * room for the 8-byte result at out. */
static int clock_args(call *k, uint32_t id, uint32_t out, clockid_t *c, uint8_t **p)
{
	if (!(k->w->caps & EP_WASI_CLOCKS))
		return WE_NOTCAPABLE;
	if (!clock_of(id, c))
		return WE_INVAL;
	if (!gp(k, out, 8, p))
		return WE_FAULT;
	return 0;
}

static int f_clock_res_get(call *k, const ep_value *a)
{
	clockid_t c;
	uint8_t *p;
	int e = clock_args(k, U32(a[0]), U32(a[1]), &c, &p);
	if (e)
		return e;
	struct timespec t;
	if (clock_getres(c, &t) != 0)
		return werr(errno);
	uint64_t ns = ts_ns(&t);
	put64(p, ns ? ns : 1);
	return 0;
}

static int f_clock_time_get(call *k, const ep_value *a)
{
	clockid_t c;
	uint8_t *p;
	int e = clock_args(k, U32(a[0]), U32(a[2]), &c, &p);
	if (e)
		return e;
	struct timespec t;
	if (clock_gettime(c, &t) != 0)
		return werr(errno);
	put64(p, ts_ns(&t));
	return 0;
}

static int f_random_get(call *k, const ep_value *a)
{
	uint8_t *p;
	uint32_t len = U32(a[1]);
	if (!(k->w->caps & EP_WASI_RANDOM))
		return WE_NOTCAPABLE;
	if (!gp(k, U32(a[0]), len, &p))
		return WE_FAULT;
	size_t done = 0;
	int ufd = -1;
	while (done < len) {
		ssize_t r;
		if (ufd < 0) {
			r = getrandom(p + done, len - done, 0);
			if (r < 0 && errno == ENOSYS) {
				/* Kernels before 3.17. */
				ufd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
				if (ufd < 0)
					return werr(errno);
				continue;
			}
		} else {
			r = read(ufd, p + done, len - done);
			if (r == 0)
				errno = EIO, r = -1;
		}
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			if (ufd >= 0)
				close(ufd);
			return werr(e);
		}
		done += (size_t)r;
	}
	if (ufd >= 0)
		close(ufd);
	return 0;
}

/* ---- descriptors ---- */

static int f_fd_advise(call *k, const ep_value *a)
{
	fdent *e;
	int rc = fd_use(k, U32(a[0]), WR_FD_ADVISE, &e);
	if (rc)
		return rc;
	uint64_t off = U64(a[1]), len = U64(a[2]);
	static const int adv[] = {
		POSIX_FADV_NORMAL, POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
		POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE
	};
	if (U32(a[3]) > WA_MAX || off > INT64_MAX || len > INT64_MAX)
		return WE_INVAL;
	if (e->kind == K_DIR)
		return WE_BADF;
	return werr(posix_fadvise(e->host, (off_t)off, (off_t)len, adv[U32(a[3])]));
}

static int f_fd_allocate(call *k, const ep_value *a)
{
	fdent *e;
	int rc = fd_use(k, U32(a[0]), WR_FD_ALLOCATE, &e);
	if (rc)
		return rc;
	uint64_t off = U64(a[1]), len = U64(a[2]);
	if (off > INT64_MAX || len > INT64_MAX - off)
		return WE_FBIG;
	if (e->kind == K_DIR)
		return WE_BADF;
	return werr(posix_fallocate(e->host, (off_t)off, (off_t)len));
}

static int f_fd_close(call *k, const ep_value *a)
{
	fdent *e = fd_get(k->w, U32(a[0]));
	if (!e)
		return WE_BADF;
	return fd_release(k->w, e);
}

static int f_fd_datasync(call *k, const ep_value *a)
{
	fdent *e;
	int rc = fd_use(k, U32(a[0]), WR_FD_DATASYNC, &e);
	if (rc)
		return rc;
	return fdatasync(e->host) == 0 ? 0 : werr(errno);
}

static int f_fd_sync(call *k, const ep_value *a)
{
	fdent *e;
	int rc = fd_use(k, U32(a[0]), WR_FD_SYNC, &e);
	if (rc)
		return rc;
	return fsync(e->host) == 0 ? 0 : werr(errno);
}

static int f_fd_fdstat_get(call *k, const ep_value *a)
{
	uint8_t *p;
	fdent *e = fd_get(k->w, U32(a[0]));
	if (!e)
		return WE_BADF;
	if (!gp(k, U32(a[1]), FDSTAT_SIZE, &p))
		return WE_FAULT;
	memset(p, 0, FDSTAT_SIZE);
	p[0] = e->type;
	put16(p + 2, e->flags);
	put64(p + 8, e->base);
	put64(p + 16, e->inh);
	return 0;
}

/* APPEND is the host's flag (only on descriptors we own: stdio is shared
 * with the process); NONBLOCK is ours alone; the sync flags cannot change
 * after open on Linux. */
static int f_fd_fdstat_set_flags(call *k, const ep_value *a)
{
	fdent *e;
	int rc = fd_use(k, U32(a[0]), WR_FD_FDSTAT_SET_FLAGS, &e);
	if (rc)
		return rc;
	uint32_t fl = U32(a[1]);
	if (fl & ~WFD_ALL)
		return WE_INVAL;
	uint16_t sync = WFD_DSYNC | WFD_RSYNC | WFD_SYNC;
	if ((fl & sync) != (e->flags & sync))
		return WE_NOTSUP;
	if ((fl ^ e->flags) & WFD_APPEND) {
		if (!e->owned)
			return WE_NOTSUP;
		int h = fcntl(e->host, F_GETFL);
		if (h < 0 || fcntl(e->host, F_SETFL, fl & WFD_APPEND ? h | O_APPEND : h & ~O_APPEND) < 0)
			return werr(errno);
	}
	e->flags = (uint16_t)fl;
	return 0;
}

static int f_fd_fdstat_set_rights(call *k, const ep_value *a)
{
	fdent *e = fd_get(k->w, U32(a[0]));
	if (!e)
		return WE_BADF;
	uint64_t base = U64(a[1]), inh = U64(a[2]);
	if ((base & ~e->base) || (inh & ~e->inh))
		return WE_NOTCAPABLE;
	e->base = base;
	e->inh = inh;
	return 0;
}

static int f_fd_filestat_get(call *k, const ep_value *a)
{
	fdent *e;
	uint8_t *p;
	int rc = fd_use(k, U32(a[0]), WR_FD_FILESTAT_GET, &e);
	if (rc)
		return rc;
	if (!gp(k, U32(a[1]), FILESTAT_LEN(k), &p))
		return WE_FAULT;
	struct stat st;
	if (fstat(e->host, &st) != 0)
		return werr(errno);
	put_filestat(k, p, &st);
	return 0;
}

static int f_fd_filestat_set_size(call *k, const ep_value *a)
{
	fdent *e;
	int rc = fd_use(k, U32(a[0]), WR_FD_FILESTAT_SET_SIZE, &e);
	if (rc)
		return rc;
	if (U64(a[1]) > INT64_MAX)
		return WE_FBIG;
	return ftruncate(e->host, (off_t)U64(a[1])) == 0 ? 0 : werr(errno);
}

/* fstflags to the two timespecs of futimens/utimensat. */
static int times_of(uint64_t atim, uint64_t mtim, uint32_t fst, struct timespec ts[2])
{
	if ((fst & ~(uint32_t)(WT_ATIM | WT_ATIM_NOW | WT_MTIM | WT_MTIM_NOW)) ||
	    ((fst & WT_ATIM) && (fst & WT_ATIM_NOW)) || ((fst & WT_MTIM) && (fst & WT_MTIM_NOW)))
		return WE_INVAL;
	ts[0] = ns_ts(atim);
	ts[1] = ns_ts(mtim);
	if (!(fst & (WT_ATIM | WT_ATIM_NOW)))
		ts[0].tv_nsec = UTIME_OMIT;
	else if (fst & WT_ATIM_NOW)
		ts[0].tv_nsec = UTIME_NOW;
	if (!(fst & (WT_MTIM | WT_MTIM_NOW)))
		ts[1].tv_nsec = UTIME_OMIT;
	else if (fst & WT_MTIM_NOW)
		ts[1].tv_nsec = UTIME_NOW;
	return 0;
}

static int f_fd_filestat_set_times(call *k, const ep_value *a)
{
	fdent *e;
	struct timespec ts[2];
	int rc = fd_use(k, U32(a[0]), WR_FD_FILESTAT_SET_TIMES, &e);
	if (rc)
		return rc;
	rc = times_of(U64(a[1]), U64(a[2]), U32(a[3]), ts);
	if (rc)
		return rc;
	return futimens(e->host, ts) == 0 ? 0 : werr(errno);
}

/* Streams (pipes, sockets, terminals) block, so their waits go through
 * wait_fd, where an interrupt can end them. Two kinds:
 *  - streams the plugin opened are ours alone: the host descriptor stays
 *    O_NONBLOCK, a transfer is tried first and waited for only on EAGAIN
 *    (so a FIFO without a writer reads end of file, as natively);
 *  - stdio is shared with the process, so its flags are not ours to
 *    change: wait until poll() says the transfer cannot block, then move
 *    at most what is sure not to block.
 * A plugin's NONBLOCK is emulated on both: it turns a wait into EAGAIN. */

/* Reads into v; offset < 0 means at the descriptor's position. */
static int do_read(call *k, fdent *e, iovs *v, int64_t offset, uint32_t *done)
{
	struct iovec h[IOV_BATCH];
	size_t bytes;
	int err = 0;
	bool stream = e->stream && offset < 0, nonblock = e->flags & WFD_NONBLOCK;
	*done = 0;
	if (e->kind == K_DIR)
		return WE_ISDIR;
	int n = iovs_fill(k, v, h, IOV_BATCH, v->total, &bytes);
	if (n == 0)
		return 0;
	bool waited = false;
	for (;;) {
		if (stream && (!e->owned || waited)) {
			switch (wait_fd(k->w, e->host, POLLIN, nonblock, &err)) {
			case W_INTR: return interrupted(k, "interrupted in fd_read");
			case W_NOTREADY: return WE_AGAIN;
			case W_ERROR: return werr(err);
			default: break;
			}
		}
		ssize_t r = offset < 0 ? readv(e->host, h, n) : preadv(e->host, h, n, (off_t)offset);
		if (r >= 0) {
			*done = (uint32_t)r;
			return 0;
		}
		if (errno == EAGAIN && stream && e->owned && !waited) {
			waited = true;   /* then poll before each try */
			continue;
		}
		if (errno != EINTR && errno != EAGAIN)
			return werr(errno);
	}
}

/* Writes v whole: returns when all is written, after an error with the
 * count of what was (if anything was), or with EAGAIN when NONBLOCK and
 * nothing could go. Shared streams go out in STREAM_CHUNK pieces, each
 * after poll() says there is room. */
static int do_write(call *k, fdent *e, iovs *v, int64_t offset, uint32_t *done)
{
	struct iovec h[IOV_BATCH];
	size_t bytes, total = 0;
	int err = 0;
	bool stream = e->stream && offset < 0, nonblock = e->flags & WFD_NONBLOCK;
	bool shared = stream && !e->owned, wait = shared;
	*done = 0;
	if (e->kind == K_DIR)
		return WE_ISDIR;
	while (total < v->total) {
		if (wait) {
			switch (wait_fd(k->w, e->host, POLLOUT, nonblock, &err)) {
			case W_INTR: return interrupted(k, "interrupted in fd_write");
			case W_NOTREADY: goto out;
			case W_ERROR:
				if (total)
					goto out;
				return werr(err);
			default: break;
			}
		}
		size_t limit = v->total - total;
		if (shared && limit > STREAM_CHUNK)
			limit = STREAM_CHUNK;
		int n = iovs_fill(k, v, h, IOV_BATCH, limit, &bytes);
		if (n == 0)
			break;
		ssize_t r = offset < 0 ? writev(e->host, h, n)
		                       : pwritev(e->host, h, n, (off_t)offset + (off_t)total);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN && stream && !shared) {
				wait = true;
				continue;
			}
			if (total)
				break;
			return werr(errno);
		}
		total += (size_t)r;
		iovs_advance(v, (size_t)r);
		wait = shared;
		if (r == 0)
			break;
	}
out:
	if (total == 0 && v->total > 0 && stream && nonblock)
		return WE_AGAIN;
	*done = (uint32_t)total;
	return 0;
}

static int rw_call(call *k, const ep_value *a, bool write, bool positioned)
{
	fdent *e;
	iovs v;
	uint8_t *res;
	uint64_t need = write ? WR_FD_WRITE : WR_FD_READ;
	if (positioned)
		need |= WR_FD_SEEK;
	int rc = fd_use(k, U32(a[0]), need, &e);
	if (rc)
		return rc;
	rc = iovs_check(k, U32(a[1]), U32(a[2]), &v);
	if (rc)
		return rc;
	int64_t off = -1;
	if (positioned) {
		if (U64(a[3]) > INT64_MAX)
			return WE_INVAL;
		off = (int64_t)U64(a[3]);
	}
	if (!gp(k, U32(a[positioned ? 4 : 3]), 4, &res))
		return WE_FAULT;
	/* Only the stdio descriptors the host lent are not ours: what goes to
	 * them is the plugin's output, capped as a whole. A write that would
	 * pass the cap goes nowhere, so no cut-off line reaches the log. */
	bool output = write && !e->owned;
	if (output && v.total > k->w->out_limit - k->w->out_bytes) {
		k->w->out_refused++;
		return WE_NOSPC;
	}
	uint32_t done;
	rc = write ? do_write(k, e, &v, off, &done) : do_read(k, e, &v, off, &done);
	if (rc == 0)
		put32(res, done);
	if (output && rc == 0)
		k->w->out_bytes += done;
	return rc;
}

static int f_fd_read(call *k, const ep_value *a) { return rw_call(k, a, false, false); }
static int f_fd_write(call *k, const ep_value *a) { return rw_call(k, a, true, false); }
static int f_fd_pread(call *k, const ep_value *a) { return rw_call(k, a, false, true); }
static int f_fd_pwrite(call *k, const ep_value *a) { return rw_call(k, a, true, true); }

static int f_fd_seek(call *k, const ep_value *a)
{
	fdent *e = fd_get(k->w, U32(a[0]));
	uint8_t *p;
	int64_t off = a[1].of.i64;
	uint32_t whence = U32(a[2]);
	if (!e)
		return WE_BADF;
	/* A seek that only reports the position needs only FD_TELL. */
	uint64_t need = whence == (k->p0 ? WW0_CUR : WW_CUR) && off == 0 ? WR_FD_TELL : WR_FD_SEEK;
	if (!(e->base & (need | WR_FD_SEEK)))
		return WE_NOTCAPABLE;
	if (whence > WW_END)
		return WE_INVAL;
	if (!gp(k, U32(a[3]), 8, &p))
		return WE_FAULT;
	if (e->kind == K_DIR)
		return WE_BADF;
	/* By the guest's whence: preview 1's numbers, then preview 0's. */
	static const uint8_t wh[2][3] = { { SEEK_SET, SEEK_CUR, SEEK_END },
	                                  { SEEK_CUR, SEEK_END, SEEK_SET } };
	off_t r = lseek(e->host, (off_t)off, wh[k->p0][whence]);
	if (r < 0)
		return werr(errno);
	put64(p, (uint64_t)r);
	return 0;
}

static int f_fd_tell(call *k, const ep_value *a)
{
	fdent *e;
	uint8_t *p;
	int rc = fd_use(k, U32(a[0]), WR_FD_TELL, &e);
	if (rc)
		return rc;
	if (!gp(k, U32(a[1]), 8, &p))
		return WE_FAULT;
	off_t r = lseek(e->host, 0, SEEK_CUR);
	if (r < 0)
		return werr(errno);
	put64(p, (uint64_t)r);
	return 0;
}

static int f_fd_prestat_get(call *k, const ep_value *a)
{
	uint8_t *p;
	fdent *e = fd_get(k->w, U32(a[0]));
	if (!e || !e->name)
		return WE_BADF;
	if (!gp(k, U32(a[1]), PRESTAT_SIZE, &p))
		return WE_FAULT;
	memset(p, 0, PRESTAT_SIZE);
	p[0] = WP_DIR;
	put32(p + 4, (uint32_t)e->name_len);
	return 0;
}

static int f_fd_prestat_dir_name(call *k, const ep_value *a)
{
	uint8_t *p;
	fdent *e = fd_get(k->w, U32(a[0]));
	if (!e || !e->name)
		return WE_BADF;
	if (U32(a[2]) < e->name_len)
		return WE_NAMETOOLONG;
	if (!gp(k, U32(a[1]), e->name_len, &p))
		return WE_FAULT;
	memcpy(p, e->name, e->name_len);
	return 0;
}

static int f_fd_renumber(call *k, const ep_value *a)
{
	uint32_t from = U32(a[0]), to = U32(a[1]);
	fdent *f = fd_get(k->w, from), *t = fd_get(k->w, to);
	if (!f || !t)
		return WE_BADF;
	if (from == to)
		return 0;
	fd_release(k->w, t);
	*t = *f;
	memset(f, 0, sizeof *f);
	f->host = -1;
	return 0;
}

/* One getdents64 record at ds->pos, or false at the end. */
typedef struct dent {
	uint64_t ino;
	uint8_t type;       /* DT_* */
	const char *name;
	size_t len;
} dent;

static int dir_peek(fdent *e, dent *d, bool *end)
{
	dirstate *ds = e->dir;
	*end = false;
	if (ds->pos >= ds->len) {
		if (ds->eof) {
			*end = true;
			return 0;
		}
		long r = syscall(SYS_getdents64, e->host, ds->buf, DIRBUF);
		if (r < 0)
			return werr(errno);
		ds->len = (size_t)r;
		ds->pos = 0;
		if (r == 0) {
			ds->eof = true;
			*end = true;
			return 0;
		}
	}
	/* struct linux_dirent64: u64 ino, s64 off, u16 reclen, u8 type, name. */
	const uint8_t *r = ds->buf + ds->pos;
	uint16_t reclen;
	if (ds->len - ds->pos < 20)
		return WE_IO;
	memcpy(&reclen, r + 16, 2);
	if (reclen < 20 || reclen > ds->len - ds->pos)
		return WE_IO;
	memcpy(&d->ino, r, 8);
	d->type = r[18];
	d->name = (const char *)r + 19;
	d->len = strnlen(d->name, reclen - 19u);
	return 0;
}

static void dir_next(fdent *e)
{
	uint16_t reclen;
	memcpy(&reclen, e->dir->buf + e->dir->pos + 16, 2);
	e->dir->pos += reclen;
	e->dir->index++;
}

static uint8_t dtype_of(fdent *e, const dent *d)
{
	switch (d->type) {
	case DT_REG: return WF_REGULAR_FILE;
	case DT_DIR: return WF_DIRECTORY;
	case DT_LNK: return WF_SYMBOLIC_LINK;
	case DT_CHR: return WF_CHARACTER_DEVICE;
	case DT_BLK: return WF_BLOCK_DEVICE;
	case DT_SOCK: return WF_SOCKET_STREAM;
	case DT_FIFO: return WF_UNKNOWN;
	default: {
		struct stat st;
		if (fstatat(e->host, d->name, &st, AT_SYMLINK_NOFOLLOW) == 0)
			return filetype_of(st.st_mode);
		return WF_UNKNOWN;
	}
	}
}

static int f_fd_readdir(call *k, const ep_value *a)
{
	fdent *e;
	uint8_t *buf, *res;
	uint32_t len = U32(a[2]);
	uint64_t cookie = U64(a[3]);
	int rc = fd_use(k, U32(a[0]), WR_FD_READDIR, &e);
	if (rc)
		return rc;
	if (e->kind != K_DIR)
		return WE_NOTDIR;
	if (!gp(k, U32(a[1]), len, &buf) || !gp(k, U32(a[4]), 4, &res))
		return WE_FAULT;
	if (!e->dir) {
		e->dir = wmalloc(k->w, sizeof *e->dir);
		if (!e->dir)
			return WE_NOMEM;
		memset(e->dir, 0, sizeof *e->dir);
		e->dir->index = UINT64_MAX;   /* forces the rewind below */
	}
	dirstate *ds = e->dir;
	dent d;
	bool end;
	if (cookie != ds->index) {
		if (lseek(e->host, 0, SEEK_SET) < 0)
			return werr(errno);
		ds->len = ds->pos = 0;
		ds->index = 0;
		ds->eof = false;
		while (ds->index < cookie) {
			if ((rc = dir_peek(e, &d, &end)) != 0)
				return rc;
			if (end)
				break;
			dir_next(e);
		}
	}
	uint32_t used = 0;
	while (used < len) {
		if ((rc = dir_peek(e, &d, &end)) != 0)
			return rc;
		if (end)
			break;
		uint8_t hdr[DIRENT_SIZE];
		memset(hdr, 0, sizeof hdr);
		put64(hdr, ds->index + 1);
		put64(hdr + 8, d.ino);
		put32(hdr + 16, (uint32_t)d.len);
		hdr[20] = dtype_of(e, &d);
		uint32_t room = len - used;
		uint32_t h = room < DIRENT_SIZE ? room : DIRENT_SIZE;
		memcpy(buf + used, hdr, h);
		used += h;
		room -= h;
		uint32_t nlen = d.len < room ? (uint32_t)d.len : room;
		memcpy(buf + used, d.name, nlen);
		used += nlen;
		/* A truncated entry is not consumed: the guest asks again from its
		 * cookie with a bigger buffer. */
		if (h < DIRENT_SIZE || nlen < d.len)
			break;
		dir_next(e);
	}
	put32(res, used);
	return 0;
}

/* ---- paths ---- */

/* A resolved path: the directory that holds the last component, and that
 * component's name (never containing '/', possibly "."). */
typedef struct rpath {
	int dir;
	bool owned;          /* dir is ours to close */
	const char *name;
	char *buf;           /* path text and link text */
	uint32_t depth;      /* how far dir is below the start, for link texts */
} rpath;

#define PATH_CAP (2 * EP_WASI_MAX_PATH + 2)
#define RBUF_SIZE (PATH_CAP + EP_WASI_MAX_PATH)

enum { RF_FOLLOW = 1 };

static void rpath_done(ep_wasi *w, rpath *r)
{
	if (r->owned && r->dir >= 0)
		close(r->dir);
	wfree(w, r->buf, RBUF_SIZE);
	r->buf = NULL;
	r->dir = -1;
	r->owned = false;
}

/* Puts link text lbuf[0..n) in place of the path consumed so far: the path
 * becomes LINK/REST (REST being what followed the link's component). */
static int splice_link(char *buf, const char *lbuf, ssize_t n, const char *rest, int *links)
{
	if (++*links > EP_WASI_MAX_SYMLINKS)
		return WE_LOOP;
	if (n >= EP_WASI_MAX_PATH)
		return WE_NAMETOOLONG;
	if (n == 0)
		return WE_NOENT;
	if (lbuf[0] == '/')
		return WE_NOTCAPABLE;   /* absolute: meaningless inside, a way out at best */
	size_t rl = strlen(rest);
	if ((size_t)n + 1 + rl + 1 > PATH_CAP)
		return WE_NAMETOOLONG;
	memmove(buf + n + 1, rest, rl + 1);
	buf[n] = '/';
	memcpy(buf, lbuf, (size_t)n);
	if (rl == 0)
		buf[n] = '\0';
	return 0;
}

/* A directory stack for the walk: stk[0] is the start (not ours),
 * stk[1..depth] were opened on the way. */
typedef struct dstack {
	int *fd;
	uint32_t depth, cap;
} dstack;

static void dstack_close(ep_wasi *w, dstack *s, uint32_t keep_top)
{
	for (uint32_t i = 1; i <= s->depth; i++)
		if (!(keep_top && i == s->depth))
			close(s->fd[i]);
	wfree(w, s->fd, s->cap * sizeof *s->fd);
}

/* The per-component walk. Every directory on the way is opened with
 * O_NOFOLLOW relative to the one before, so what was checked is what is
 * used: a symbolic link is never followed by the kernel but read here and
 * its text put in front of the rest of the path, and ".." is the directory
 * we came from, not the kernel's. Nothing can lead above the start. */
static int resolve_walk(ep_wasi *w, int start, int flags, rpath *out)
{
	char *buf = out->buf, *lbuf = out->buf + PATH_CAP;
	dstack s = { NULL, 0, 16 };
	s.fd = wmalloc(w, s.cap * sizeof *s.fd);
	if (!s.fd)
		return WE_NOMEM;
	s.fd[0] = start;
	int links = 0, rc = 0;
	char *p = buf;
	const char *name = ".";
	bool must_dir = false;
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p)
			break;   /* only "." and ".." were left: the directory itself */
		char *c = p;
		while (*p && *p != '/')
			p++;
		size_t clen = (size_t)(p - c);
		bool slash = *p == '/';
		char *rest = p;
		while (*rest == '/')
			rest++;
		bool last = !*rest;
		*p = '\0';
		p = rest;
		int top = s.fd[s.depth];
		if (clen == 1 && c[0] == '.')
			continue;
		if (clen == 2 && c[0] == '.' && c[1] == '.') {
			if (s.depth == 0) {
				rc = WE_NOTCAPABLE;
				goto fail;
			}
			close(s.fd[s.depth--]);
			continue;
		}
		if (last) {
			/* The final component: follow it only when asked to (or when a
			 * trailing slash says it must be a directory). */
			if ((flags & RF_FOLLOW) || slash) {
				ssize_t n = readlinkat(top, c, lbuf, EP_WASI_MAX_PATH);
				if (n >= 0) {
					if ((rc = splice_link(buf, lbuf, n, slash ? "/" : "", &links)) != 0)
						goto fail;
					p = buf;
					continue;
				}
			}
			name = c;
			must_dir = slash;
			break;
		}
		int fd = openat(top, c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			int e = errno;
			if (e == ENOTDIR || e == ELOOP) {
				ssize_t n = readlinkat(top, c, lbuf, EP_WASI_MAX_PATH);
				if (n >= 0) {
					if ((rc = splice_link(buf, lbuf, n, rest, &links)) != 0)
						goto fail;
					p = buf;
					continue;
				}
			}
			rc = werr(e);
			goto fail;
		}
		if (s.depth + 1 == s.cap) {
			int *g = ep_engine_realloc(w->engine, s.fd, s.cap * sizeof *s.fd,
			                           2 * s.cap * sizeof *s.fd);
			if (!g) {
				close(fd);
				rc = WE_NOMEM;
				goto fail;
			}
			s.fd = g;
			s.cap *= 2;
		}
		s.fd[++s.depth] = fd;
	}
	out->dir = s.fd[s.depth];
	out->owned = s.depth > 0;
	out->name = name;
	out->depth = s.depth;
	dstack_close(w, &s, 1);
	if (must_dir) {
		struct stat st;
		if (fstatat(out->dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode))
			return WE_NOTDIR;
	}
	return 0;
fail:
	dstack_close(w, &s, 0);
	return rc;
}

#if HAVE_OPENAT2
static int probe_openat2(void)
{
	/* A kernel with openat2 refuses "/" beneath the cwd with EXDEV;
	 * ENOSYS (old kernels, qemu-user) or a seccomp EPERM mean no. */
	struct open_how_ how = { O_PATH | O_DIRECTORY | O_CLOEXEC, 0,
	                         RESOLVE_BENEATH_ | RESOLVE_NO_MAGICLINKS_ };
	long r = syscall(SYS_openat2, AT_FDCWD, "/", &how, sizeof how);
	if (r >= 0)
		close((int)r);
	return r < 0 && errno == EXDEV;
}

static int openat2_available(ep_wasi *w)
{
	if (w->openat2 < 0)
		w->openat2 = probe_openat2();
	return w->openat2;
}

/* Splits the path in buf at its last component: buf keeps the directory
 * part (*dl bytes, 0 for none) and *name points at the last component. A
 * last component of "." or ".." stays with the directory part and *name
 * is "."; trailing slashes go and set *must_dir. */
static void split_last(char *buf, size_t *dl, const char **name, bool *must_dir)
{
	size_t n = strlen(buf);
	*must_dir = false;
	while (n > 0 && buf[n - 1] == '/') {
		buf[--n] = '\0';
		*must_dir = true;
	}
	char *s = strrchr(buf, '/');
	char *last = s ? s + 1 : buf;
	if (n == 0 || strcmp(last, ".") == 0 || strcmp(last, "..") == 0) {
		*dl = n;
		*name = ".";
		return;
	}
	*name = last;
	*dl = 0;
	if (s) {
		*s = '\0';
		*dl = (size_t)(s - buf);
	}
}

/* Lexical depth of a relative directory path (for link texts). */
static uint32_t lexical_depth(const char *p)
{
	uint32_t d = 0;
	while (*p) {
		while (*p == '/')
			p++;
		const char *c = p;
		while (*p && *p != '/')
			p++;
		size_t n = (size_t)(p - c);
		if (n == 2 && c[0] == '.' && c[1] == '.')
			d = d ? d - 1 : 0;
		else if (n && !(n == 1 && c[0] == '.'))
			d++;
	}
	return d;
}

/* openat2 opens the directory part in one call, confined by the kernel
 * (RESOLVE_BENEATH: no absolute paths, no ".." above the start, no link
 * leading out, checked against renames). The last component gets the same
 * treatment as in the walk. */
static int resolve_beneath(ep_wasi *w, int start, int flags, rpath *out)
{
	char *buf = out->buf, *lbuf = out->buf + PATH_CAP;
	int links = 0;
	for (;;) {
		const char *name;
		size_t dl;
		bool must_dir;
		split_last(buf, &dl, &name, &must_dir);
		int dir = start;
		if (dl) {
			struct open_how_ how = { O_PATH | O_DIRECTORY | O_CLOEXEC, 0,
			                         RESOLVE_BENEATH_ | RESOLVE_NO_MAGICLINKS_ };
			long r;
			int tries = 0;
			do
				r = syscall(SYS_openat2, start, buf, &how, sizeof how);
			while (r < 0 && (errno == EAGAIN || errno == EINTR) && ++tries < 16);
			if (r < 0)
				return errno == EXDEV ? WE_NOTCAPABLE : werr(errno);
			dir = (int)r;
		}
		if (((flags & RF_FOLLOW) || must_dir) && strcmp(name, ".") != 0) {
			ssize_t n = readlinkat(dir, name, lbuf, EP_WASI_MAX_PATH);
			if (n >= 0) {
				if (dir != start)
					close(dir);
				/* DIR/LINK[/]: rebuild the path and resolve it again. */
				char tail[2] = { must_dir ? '/' : '\0', '\0' };
				if (++links > EP_WASI_MAX_SYMLINKS)
					return WE_LOOP;
				if (n >= EP_WASI_MAX_PATH)
					return WE_NAMETOOLONG;
				if (n == 0)
					return WE_NOENT;
				if (lbuf[0] == '/')
					return WE_NOTCAPABLE;
				if (dl + 1 + (size_t)n + 2 > PATH_CAP)
					return WE_NAMETOOLONG;
				size_t o = dl;
				if (dl)
					buf[o++] = '/';
				memcpy(buf + o, lbuf, (size_t)n);
				o += (size_t)n;
				memcpy(buf + o, tail, 2);
				continue;
			}
		}
		out->dir = dir;
		out->owned = dir != start;
		out->name = name;
		out->depth = dl ? lexical_depth(buf) : 0;
		if (must_dir) {
			struct stat st;
			if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode))
				return WE_NOTDIR;
		}
		return 0;
	}
}
#endif

/* Resolves the guest path at [ptr, ptr + len) beneath directory d. On
 * success out must go to rpath_done; on failure it holds nothing. */
static int resolve(call *k, fdent *d, uint32_t ptr, uint32_t len, int flags, rpath *out)
{
	ep_wasi *w = k->w;
	uint8_t *src;
	out->dir = -1;
	out->owned = false;
	out->buf = NULL;
	if (d->kind != K_DIR)
		return WE_NOTDIR;
	if (!gp(k, ptr, len, &src))
		return WE_FAULT;
	if (len >= EP_WASI_MAX_PATH)
		return WE_NAMETOOLONG;
	if (len == 0)
		return WE_NOENT;
	if (memchr(src, '\0', len))
		return WE_INVAL;
	if (src[0] == '/')
		return WE_NOTCAPABLE;
	out->buf = wmalloc(w, RBUF_SIZE);
	if (!out->buf)
		return WE_NOMEM;
	memcpy(out->buf, src, len);
	out->buf[len] = '\0';
	int rc;
#if HAVE_OPENAT2
	if (w->resolve == EP_WASI_RESOLVE_AUTO && openat2_available(w))
		rc = resolve_beneath(w, d->host, flags, out);
	else
#endif
		rc = resolve_walk(w, d->host, flags, out);
	if (rc)
		rpath_done(w, out);
	return rc;
}

/* Whether a plugin may make a symbolic link with text t. The text must be
 * relative and hold no ".." at all: then the link leads below its own
 * directory wherever it is renamed or the directories above it move, and
 * whatever links its path goes through (a ".." after a link to "." or to
 * "a/.." would climb above the link's directory, which lexical counting
 * of ".." cannot see). The sandbox itself never follows links out; this
 * is for the host's tools, backups and later plugins that do. */
static bool link_text_safe(const char *t, size_t n)
{
	if (n == 0 || t[0] == '/')
		return false;
	for (size_t i = 0; i < n;) {
		size_t c = i;
		while (i < n && t[i] != '/')
			i++;
		if (i - c == 2 && t[c] == '.' && t[c + 1] == '.')
			return false;
		while (i < n && t[i] == '/')
			i++;
	}
	return true;
}

static int f_path_open(call *k, const ep_value *a)
{
	ep_wasi *w = k->w;
	fdent *d;
	uint8_t *res;
	uint32_t dirflags = U32(a[1]), oflags = U32(a[4]), fdflags = U32(a[7]);
	uint64_t base = U64(a[5]), inh = U64(a[6]);
	int rc = fd_use(k, U32(a[0]), WR_PATH_OPEN, &d);
	if (rc)
		return rc;
	if ((oflags & ~WO_ALL) || (fdflags & ~WFD_ALL))
		return WE_INVAL;
	if (!gp(k, U32(a[8]), 4, &res))
		return WE_FAULT;
	if (((oflags & WO_CREAT) && !(d->base & WR_PATH_CREATE_FILE)) ||
	    ((oflags & WO_TRUNC) && !(d->base & WR_PATH_FILESTAT_SET_SIZE)))
		return WE_NOTCAPABLE;
	/* Rights beyond what d passes on are dropped, as toolchains ask for more
	 * than they need; asking to write where writing is not passed on is
	 * refused. */
	uint64_t dinh = d->inh;
	if ((base & RIGHTS_OPEN_WRITE) && !(dinh & WR_FD_WRITE))
		return WE_NOTCAPABLE;
	if (((fdflags & WFD_DSYNC) && !(dinh & WR_FD_DATASYNC)) ||
	    ((fdflags & (WFD_SYNC | WFD_RSYNC)) && !(dinh & WR_FD_SYNC)))
		return WE_NOTCAPABLE;
	base &= dinh;
	inh &= dinh;

	bool rd = base & (WR_FD_READ | WR_FD_READDIR);
	bool wr = base & RIGHTS_OPEN_WRITE;
	int hf = O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK;
	if (oflags & WO_DIRECTORY) {
		hf |= O_RDONLY | O_DIRECTORY;
		wr = false;
	} else {
		hf |= wr ? (rd ? O_RDWR : O_WRONLY) : O_RDONLY;
	}
	if (oflags & WO_CREAT) hf |= O_CREAT;
	if (oflags & WO_EXCL) hf |= O_EXCL;
	if (oflags & WO_TRUNC) hf |= O_TRUNC;
	if (fdflags & WFD_APPEND) hf |= O_APPEND;
	if (fdflags & WFD_DSYNC) hf |= O_DSYNC;
	if (fdflags & WFD_SYNC) hf |= O_SYNC;
	if (fdflags & WFD_RSYNC) hf |= O_RSYNC;

	/* O_CREAT|O_EXCL never follows a last link, as in POSIX. */
	int rf = (dirflags & WL_SYMLINK_FOLLOW) && !((oflags & WO_CREAT) && (oflags & WO_EXCL))
	         ? RF_FOLLOW : 0;
	rpath r;
	rc = resolve(k, d, U32(a[2]), U32(a[3]), rf, &r);
	if (rc)
		return rc;
	uint32_t slot;
	rc = fd_alloc(w, 3, &slot);   /* d is stale from here on */
	if (rc) {
		rpath_done(w, &r);
		return rc;
	}
	/* O_NONBLOCK keeps a FIFO without a writer from hanging the open, and
	 * stays on: see do_read. */
	int h;
	do
		h = openat(r.dir, r.name, hf, 0666);
	while (h < 0 && errno == EINTR);
	int e = errno;
	rpath_done(w, &r);
	if (h < 0)
		return werr(e);
	fdent *n = &w->fds[slot];
	fd_describe(n, h);
	n->owned = true;
	n->flags = (uint16_t)fdflags;
	if (n->kind == K_DIR) {
		n->base = base & RIGHTS_DIR;
		n->inh = inh;
	} else {
		n->base = base & RIGHTS_FILE;
		if (n->stream)
			n->base &= ~(WR_FD_SEEK | WR_FD_TELL);
		n->inh = 0;
	}
	put32(res, slot);
	return 0;
}

static int f_path_create_directory(call *k, const ep_value *a)
{
	fdent *d;
	rpath r;
	int rc = fd_use(k, U32(a[0]), WR_PATH_CREATE_DIRECTORY, &d);
	if (rc || (rc = resolve(k, d, U32(a[1]), U32(a[2]), 0, &r)) != 0)
		return rc;
	rc = mkdirat(r.dir, r.name, 0777) == 0 ? 0 : werr(errno);
	rpath_done(k->w, &r);
	return rc;
}

static int f_path_filestat_get(call *k, const ep_value *a)
{
	fdent *d;
	rpath r;
	uint8_t *p;
	int rc = fd_use(k, U32(a[0]), WR_PATH_FILESTAT_GET, &d);
	if (rc)
		return rc;
	if (!gp(k, U32(a[4]), FILESTAT_LEN(k), &p))
		return WE_FAULT;
	rc = resolve(k, d, U32(a[2]), U32(a[3]), U32(a[1]) & WL_SYMLINK_FOLLOW ? RF_FOLLOW : 0, &r);
	if (rc)
		return rc;
	struct stat st;
	rc = fstatat(r.dir, r.name, &st, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : werr(errno);
	rpath_done(k->w, &r);
	if (rc == 0)
		put_filestat(k, p, &st);
	return rc;
}

static int f_path_filestat_set_times(call *k, const ep_value *a)
{
	fdent *d;
	rpath r;
	struct timespec ts[2];
	int rc = fd_use(k, U32(a[0]), WR_PATH_FILESTAT_SET_TIMES, &d);
	if (rc || (rc = times_of(U64(a[4]), U64(a[5]), U32(a[6]), ts)) != 0)
		return rc;
	rc = resolve(k, d, U32(a[2]), U32(a[3]), U32(a[1]) & WL_SYMLINK_FOLLOW ? RF_FOLLOW : 0, &r);
	if (rc)
		return rc;
	rc = utimensat(r.dir, r.name, ts, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : werr(errno);
	rpath_done(k->w, &r);
	return rc;
}

static int f_path_link(call *k, const ep_value *a)
{
	fdent *d1, *d2;
	rpath r1, r2;
	int rc = fd_use(k, U32(a[0]), WR_PATH_LINK_SOURCE, &d1);
	if (rc || (rc = fd_use(k, U32(a[4]), WR_PATH_LINK_TARGET, &d2)) != 0)
		return rc;
	rc = resolve(k, d1, U32(a[2]), U32(a[3]), U32(a[1]) & WL_SYMLINK_FOLLOW ? RF_FOLLOW : 0, &r1);
	if (rc)
		return rc;
	/* A hard link of a symbolic link copies its text to a new place,
	 * where text that stayed inside may lead out: refused. */
	struct stat st;
	if (fstatat(r1.dir, r1.name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
		rpath_done(k->w, &r1);
		return WE_NOTCAPABLE;
	}
	rc = resolve(k, d2, U32(a[5]), U32(a[6]), 0, &r2);
	if (rc == 0) {
		rc = linkat(r1.dir, r1.name, r2.dir, r2.name, 0) == 0 ? 0 : werr(errno);
		rpath_done(k->w, &r2);
	}
	rpath_done(k->w, &r1);
	return rc;
}

static int f_path_readlink(call *k, const ep_value *a)
{
	fdent *d;
	rpath r;
	uint8_t *buf, *res;
	uint32_t len = U32(a[4]);
	int rc = fd_use(k, U32(a[0]), WR_PATH_READLINK, &d);
	if (rc)
		return rc;
	if (!gp(k, U32(a[3]), len, &buf) || !gp(k, U32(a[5]), 4, &res))
		return WE_FAULT;
	rc = resolve(k, d, U32(a[1]), U32(a[2]), 0, &r);
	if (rc)
		return rc;
	/* The link text goes through the resolver's spare buffer so a text
	 * longer than the guest's buffer is cut, not an error. */
	char *t = r.buf + PATH_CAP;
	ssize_t n = readlinkat(r.dir, r.name, t, EP_WASI_MAX_PATH);
	rc = n < 0 ? werr(errno) : 0;
	if (rc == 0) {
		size_t c = (size_t)n < len ? (size_t)n : len;
		memcpy(buf, t, c);
		put32(res, (uint32_t)c);
	}
	rpath_done(k->w, &r);
	return rc;
}

static int f_path_remove_directory(call *k, const ep_value *a)
{
	fdent *d;
	rpath r;
	int rc = fd_use(k, U32(a[0]), WR_PATH_REMOVE_DIRECTORY, &d);
	if (rc || (rc = resolve(k, d, U32(a[1]), U32(a[2]), 0, &r)) != 0)
		return rc;
	rc = unlinkat(r.dir, r.name, AT_REMOVEDIR) == 0 ? 0 : werr(errno);
	rpath_done(k->w, &r);
	return rc;
}

static int f_path_rename(call *k, const ep_value *a)
{
	fdent *d1, *d2;
	rpath r1, r2;
	int rc = fd_use(k, U32(a[0]), WR_PATH_RENAME_SOURCE, &d1);
	if (rc || (rc = fd_use(k, U32(a[3]), WR_PATH_RENAME_TARGET, &d2)) != 0)
		return rc;
	if ((rc = resolve(k, d1, U32(a[1]), U32(a[2]), 0, &r1)) != 0)
		return rc;
	rc = resolve(k, d2, U32(a[4]), U32(a[5]), 0, &r2);
	if (rc == 0) {
		rc = renameat(r1.dir, r1.name, r2.dir, r2.name) == 0 ? 0 : werr(errno);
		rpath_done(k->w, &r2);
	}
	rpath_done(k->w, &r1);
	return rc;
}

static int f_path_symlink(call *k, const ep_value *a)
{
	fdent *d;
	rpath r;
	uint8_t *t;
	uint32_t tlen = U32(a[1]);
	int rc = fd_use(k, U32(a[2]), WR_PATH_SYMLINK, &d);
	if (rc)
		return rc;
	if (!gp(k, U32(a[0]), tlen, &t))
		return WE_FAULT;
	if (tlen >= EP_WASI_MAX_PATH)
		return WE_NAMETOOLONG;
	if (memchr(t, '\0', tlen))
		return WE_INVAL;
	if ((rc = resolve(k, d, U32(a[3]), U32(a[4]), 0, &r)) != 0)
		return rc;
	if (!link_text_safe((const char *)t, tlen)) {
		rpath_done(k->w, &r);
		return WE_NOTCAPABLE;
	}
	char *text = r.buf + PATH_CAP;
	memcpy(text, t, tlen);
	text[tlen] = '\0';
	rc = symlinkat(text, r.dir, r.name) == 0 ? 0 : werr(errno);
	rpath_done(k->w, &r);
	return rc;
}

static int f_path_unlink_file(call *k, const ep_value *a)
{
	fdent *d;
	rpath r;
	int rc = fd_use(k, U32(a[0]), WR_PATH_UNLINK_FILE, &d);
	if (rc || (rc = resolve(k, d, U32(a[1]), U32(a[2]), 0, &r)) != 0)
		return rc;
	rc = unlinkat(r.dir, r.name, 0) == 0 ? 0 : werr(errno);
	rpath_done(k->w, &r);
	return rc;
}

/* ---- poll_oneoff ---- */

typedef struct psub {
	uint64_t userdata;
	uint64_t deadline;      /* clocks: CLOCK_MONOTONIC ns */
	uint64_t nbytes;
	uint16_t error, flags;
	uint8_t type;
	bool ready;
	int pfd;                /* index in the pollfd array, or -1 */
} psub;

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static int f_poll_oneoff(call *k, const ep_value *a)
{
	ep_wasi *w = k->w;
	uint32_t n = U32(a[2]);
	uint8_t *in, *out, *res;
	/* Preview 0's clock subscriptions start with an identifier u64. */
	size_t sh = k->p0 ? P0_SHIFT : 0, ssize = SUBSCRIPTION_SIZE + sh;
	if (n == 0)
		return WE_INVAL;
	if (!gp(k, U32(a[0]), (uint64_t)n * ssize, &in) ||
	    !gp(k, U32(a[1]), (uint64_t)n * EVENT_SIZE, &out) ||
	    !gp(k, U32(a[3]), 4, &res))
		return WE_FAULT;
	if ((uint64_t)n * (sizeof(psub) + sizeof(struct pollfd)) > SIZE_MAX / 2)
		return WE_NOMEM;
	size_t bytes = (size_t)n * sizeof(psub) + ((size_t)n + 1) * sizeof(struct pollfd);
	uint8_t *mem = wmalloc(w, bytes);
	if (!mem)
		return WE_NOMEM;
	psub *sub = (psub *)mem;
	struct pollfd *pf = (struct pollfd *)(mem + (size_t)n * sizeof(psub));
	int npf = 0;
	bool now_ready = false;
	uint64_t mono = now_ns(CLOCK_MONOTONIC), earliest = UINT64_MAX;

	/* Everything is read before any event is written: in and out may
	 * overlap. */
	for (uint32_t i = 0; i < n; i++) {
		const uint8_t *s = in + (size_t)i * ssize;
		const uint8_t *c = s + sh;   /* the clock fields */
		psub *p = &sub[i];
		memset(p, 0, sizeof *p);
		p->pfd = -1;
		p->userdata = get64(s);
		p->type = s[8];
		if (p->type == WV_CLOCK) {
			clockid_t id;
			uint64_t timeout = get64(c + SUB_CLOCK_TIMEOUT);
			if (!(w->caps & EP_WASI_CLOCKS)) {
				p->error = WE_NOTCAPABLE;
			} else if (!clock_of(get32(c + SUB_CLOCK_ID), &id)) {
				p->error = WE_INVAL;
			} else {
				if (get16(c + SUB_CLOCK_FLAGS) & WV_ABSTIME) {
					uint64_t now = now_ns(id);
					timeout = timeout > now ? timeout - now : 0;
				}
				p->deadline = sat_add(mono, timeout);
				if (p->deadline < earliest)
					earliest = p->deadline;
				continue;
			}
			p->ready = now_ready = true;
		} else if (p->type == WV_FD_READ || p->type == WV_FD_WRITE) {
			fdent *e = fd_get(w, get32(s + SUB_FD));
			uint64_t need = WR_POLL_FD_READWRITE |
			                (p->type == WV_FD_READ ? WR_FD_READ : WR_FD_WRITE);
			if (!e) {
				p->error = WE_BADF;
			} else if ((e->base & need) != need) {
				p->error = WE_NOTCAPABLE;
			} else if (e->stream) {
				pf[npf].fd = e->host;
				pf[npf].events = p->type == WV_FD_READ ? POLLIN : POLLOUT;
				pf[npf].revents = 0;
				p->pfd = npf++;
				continue;
			} else if (p->type == WV_FD_READ && e->kind == K_FILE) {
				/* Regular files are always ready; say how much is left. */
				struct stat st;
				off_t pos = lseek(e->host, 0, SEEK_CUR);
				if (fstat(e->host, &st) == 0 && pos >= 0 && st.st_size > pos)
					p->nbytes = (uint64_t)(st.st_size - pos);
			}
			p->ready = now_ready = true;
		} else {
			p->error = WE_INVAL;
			p->ready = now_ready = true;
		}
	}

	int rc = 0;
	pf[npf].fd = w->intr[0];
	pf[npf].events = POLLIN;
	for (;;) {
		if (w->interrupted) {
			rc = interrupted(k, "interrupted in poll_oneoff");
			goto out;
		}
		struct timespec ts, *tp = NULL;
		if (now_ready) {
			ts.tv_sec = 0;
			ts.tv_nsec = 0;
			tp = &ts;
		} else if (earliest != UINT64_MAX) {
			ts = ns_ts(earliest > mono ? earliest - mono : 0);
			tp = &ts;
		}
		pf[npf].revents = 0;
		int r = ppoll(pf, (nfds_t)npf + 1, tp, NULL);
		if (r < 0 && errno != EINTR) {
			rc = werr(errno);
			goto out;
		}
		if (r > 0 && pf[npf].revents) {
			rc = interrupted(k, "interrupted in poll_oneoff");
			goto out;
		}
		mono = now_ns(CLOCK_MONOTONIC);
		bool any = now_ready;
		for (uint32_t i = 0; i < n; i++) {
			psub *p = &sub[i];
			if (p->pfd >= 0 && r > 0 && pf[p->pfd].revents) {
				short re = pf[p->pfd].revents;
				p->ready = any = true;
				if (re & POLLNVAL)
					p->error = WE_BADF;
				if (re & POLLHUP)
					p->flags |= WV_HANGUP;
				int avail = 0;
				if (p->type == WV_FD_READ && ioctl(pf[p->pfd].fd, FIONREAD, &avail) == 0 &&
				    avail > 0)
					p->nbytes = (uint64_t)avail;
			} else if (p->type == WV_CLOCK && !p->error && p->deadline <= mono) {
				p->ready = any = true;
			}
		}
		if (any)
			break;
	}
	uint32_t count = 0;
	for (uint32_t i = 0; i < n; i++) {
		psub *p = &sub[i];
		if (!p->ready)
			continue;
		uint8_t *ev = out + (size_t)count++ * EVENT_SIZE;
		memset(ev, 0, EVENT_SIZE);
		put64(ev, p->userdata);
		put16(ev + EVENT_ERROR, p->error);
		ev[EVENT_TYPE] = p->type;
		put64(ev + EVENT_NBYTES, p->nbytes);
		put16(ev + EVENT_FLAGS, p->flags);
	}
	put32(res, count);
out:
	wfree(w, mem, bytes);
	return rc;
}

/* ---- process ---- */

static int f_proc_exit(call *k, const ep_value *a)
{
	k->trap = EP_TRAP_EXIT;
	ep_caller_set_exit(k->caller, a[0].of.i32);
	return TRAP;
}

static int f_proc_raise(call *k, const ep_value *a) { return WE_NOSYS; }

static int f_sched_yield(call *k, const ep_value *a)
{
	sched_yield();
	return 0;
}

/* No sockets are ever granted, so there is nothing to accept from, send to
 * or shut down. */
static int f_sock_unsupported(call *k, const ep_value *a) { return WE_NOTSUP; }

/* ---- the import table ---- */

static const hostfn table[] = {
	{ "args_get", "ii", f_args_get },
	{ "args_sizes_get", "ii", f_args_sizes_get },
	{ "environ_get", "ii", f_environ_get },
	{ "environ_sizes_get", "ii", f_environ_sizes_get },
	{ "clock_res_get", "ii", f_clock_res_get },
	{ "clock_time_get", "iIi", f_clock_time_get },
	{ "fd_advise", "iIIi", f_fd_advise },
	{ "fd_allocate", "iII", f_fd_allocate },
	{ "fd_close", "i", f_fd_close },
	{ "fd_datasync", "i", f_fd_datasync },
	{ "fd_fdstat_get", "ii", f_fd_fdstat_get },
	{ "fd_fdstat_set_flags", "ii", f_fd_fdstat_set_flags },
	{ "fd_fdstat_set_rights", "iII", f_fd_fdstat_set_rights },
	{ "fd_filestat_get", "ii", f_fd_filestat_get },
	{ "fd_filestat_set_size", "iI", f_fd_filestat_set_size },
	{ "fd_filestat_set_times", "iIIi", f_fd_filestat_set_times },
	{ "fd_pread", "iiiIi", f_fd_pread },
	{ "fd_prestat_get", "ii", f_fd_prestat_get },
	{ "fd_prestat_dir_name", "iii", f_fd_prestat_dir_name },
	{ "fd_pwrite", "iiiIi", f_fd_pwrite },
	{ "fd_read", "iiii", f_fd_read },
	{ "fd_readdir", "iiiIi", f_fd_readdir },
	{ "fd_renumber", "ii", f_fd_renumber },
	{ "fd_seek", "iIii", f_fd_seek },
	{ "fd_sync", "i", f_fd_sync },
	{ "fd_tell", "ii", f_fd_tell },
	{ "fd_write", "iiii", f_fd_write },
	{ "path_create_directory", "iii", f_path_create_directory },
	{ "path_filestat_get", "iiiii", f_path_filestat_get },
	{ "path_filestat_set_times", "iiiiIIi", f_path_filestat_set_times },
	{ "path_link", "iiiiiii", f_path_link },
	{ "path_open", "iiiiiIIii", f_path_open },
	{ "path_readlink", "iiiiii", f_path_readlink },
	{ "path_remove_directory", "iii", f_path_remove_directory },
	{ "path_rename", "iiiiii", f_path_rename },
	{ "path_symlink", "iiiii", f_path_symlink },
	{ "path_unlink_file", "iii", f_path_unlink_file },
	{ "poll_oneoff", "iiii", f_poll_oneoff },
	{ "proc_exit", "i", f_proc_exit },
	{ "proc_raise", "i", f_proc_raise },
	{ "sched_yield", "", f_sched_yield },
	{ "random_get", "ii", f_random_get },
	{ "sock_recv", "iiiiii", f_sock_unsupported },
	{ "sock_send", "iiiii", f_sock_unsupported },
	{ "sock_shutdown", "ii", f_sock_unsupported },
	/* Last: preview 0 has every call above and not this one. */
	{ "sock_accept", "iii", f_sock_unsupported },
};
#define NTABLE (sizeof table / sizeof table[0])
#define NBIND (2 * NTABLE)

/* The one host function behind every import: env says which call. */
static ep_trap host_entry(ep_caller *caller, void *env, const ep_value *args,
                          ep_value *results)
{
	const binding *b = env;
	call k = { b->w, caller, NULL, 0, EP_TRAP_NONE, b->p0 };
	ep_memory *mem = ep_caller_memory(caller);
	if (mem) {
		k.mem = ep_memory_data(mem);
		k.memsize = k.mem ? ep_memory_size(mem) : 0;
	}
	int rc = b->f->fn(&k, args);
	if (rc == TRAP)
		return k.trap;
	results[0].of.i32 = rc;   /* not reached by proc_exit, which has no result */
	return EP_TRAP_NONE;
}

/* ---- the context ---- */

ep_wasi *ep_wasi_new(ep_engine *engine, unsigned caps)
{
	if (!engine)
		return NULL;
	ep_wasi *w = ep_engine_realloc(engine, NULL, 0, sizeof *w);
	if (!w)
		return NULL;
	memset(w, 0, sizeof *w);
	w->engine = engine;
	w->caps = caps;
	w->out_limit = UINT64_MAX;
	w->openat2 = -1;
	w->intr[0] = w->intr[1] = -1;
	w->bind = wmalloc(w, NBIND * sizeof *w->bind);
	uint32_t slot;
	if (!w->bind || fd_alloc(w, 0, &slot) != 0) {
		ep_wasi_free(w);
		return NULL;
	}
	/* Stdio first: where the process has 0-2 closed, the pipe below may
	 * take their numbers, and must not become the plugin's stdio. */
	for (uint32_t i = 0; i < 3; i++)
		set_stdio_slot(w, i, (int)i);
	if (!(caps & EP_WASI_UNINTERRUPTED) && pipe2(w->intr, O_CLOEXEC | O_NONBLOCK) != 0) {
		ep_wasi_free(w);
		return NULL;
	}
	for (size_t i = 0; i < NBIND; i++) {
		w->bind[i].w = w;
		w->bind[i].f = &table[i % NTABLE];
		w->bind[i].p0 = i >= NTABLE;
	}
	return w;
}

void ep_wasi_free(ep_wasi *w)
{
	if (!w)
		return;
	for (uint32_t i = 0; i < w->nfds; i++)
		fd_release(w, &w->fds[i]);
	wfree(w, w->fds, w->nfds * sizeof *w->fds);
	wfree(w, w->args, w->args_len);
	wfree(w, w->env, w->env_cap);
	wfree(w, w->ents, (size_t)w->ents_cap * sizeof *w->ents);
	wfree(w, w->env_hash, (size_t)w->hash_cap * sizeof *w->env_hash);
	wfree(w, w->bind, NBIND * sizeof *w->bind);
	for (int i = 0; i < 2; i++)
		if (w->intr[i] >= 0)
			close(w->intr[i]);
	ep_engine_realloc(w->engine, w, sizeof *w, 0);
}

/* Formats err like the engine does: one line, no position. */
static ep_status fail(ep_error *err, ep_status st, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

static ep_status fail(ep_error *err, ep_status st, const char *fmt, ...)
{
	if (!err)
		return st;
	memset(err, 0, sizeof *err);
	err->status = st;
	err->trap = EP_TRAP_NONE;
	err->func = UINT32_MAX;
	err->offset = SIZE_MAX;
	va_list ap;
	va_start(ap, fmt);
	ep_vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return st;
}

/* A name from a module, made printable for a message: control bytes and
 * backslashes as \xx, at most 64 bytes of it. */
static const char *printable(char *out, size_t size, const char *s, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n && i < 64 && o + 4 < size; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f || c == '\\')
			o += (size_t)ep_snprintf(out + o, size - o, "\\%02x", c);
		else
			out[o++] = (char)c;
	}
	out[o] = '\0';
	return out;
}

ep_status ep_wasi_set_args(ep_wasi *w, size_t argc, const char *const *argv, ep_error *err)
{
	size_t len = 0;
	for (size_t i = 0; i < argc; i++) {
		size_t l = strlen(argv[i]) + 1;
		if (l > UINT32_MAX - len)
			return fail(err, EP_ERR_ARG, "arguments too long");
		len += l;
	}
	if (argc > UINT32_MAX / 4)
		return fail(err, EP_ERR_ARG, "too many arguments");
	char *buf = len ? wmalloc(w, len) : NULL;
	if (len && !buf)
		return fail(err, EP_ERR_NOMEM, "out of memory");
	size_t o = 0;
	for (size_t i = 0; i < argc; i++) {
		size_t l = strlen(argv[i]) + 1;
		memcpy(buf + o, argv[i], l);
		o += l;
	}
	wfree(w, w->args, w->args_len);
	w->args = buf;
	w->args_len = len;
	w->argc = (uint32_t)argc;
	return EP_OK;
}

/* FNV-1a: names are short and attacker-chosen only by the embedder. */
static uint32_t name_hash(const char *name, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)name[i]) * 16777619u;
	return h;
}

/* The hash slot for name: the one holding its live entry, or the empty
 * slot where it would go. hash_cap must be nonzero. */
static uint32_t *env_slot(const ep_wasi *w, const char *name, size_t n)
{
	uint32_t mask = w->hash_cap - 1;
	for (uint32_t i = name_hash(name, n) & mask;; i = (i + 1) & mask) {
		uint32_t *slot = &w->env_hash[i];
		if (*slot == 0)
			return slot;
		const envent *v = &w->ents[*slot - 1];
		if (v->name_len == n && memcmp(w->env + v->off, name, n) == 0)
			return slot;
	}
}

/* Points the hash table at the live entries again (after compaction). */
static void env_reindex(ep_wasi *w)
{
	memset(w->env_hash, 0, (size_t)w->hash_cap * sizeof *w->env_hash);
	for (uint32_t i = 0; i < w->nents; i++)
		if (!w->ents[i].dead)
			*env_slot(w, w->env + w->ents[i].off, w->ents[i].name_len) = i + 1;
}

/* A hash table of cap slots for the live entries; false (and the old one
 * kept) when out of memory. */
static bool env_rehash(ep_wasi *w, uint32_t cap)
{
	uint32_t *h = wmalloc(w, (size_t)cap * sizeof *h);
	if (!h)
		return false;
	wfree(w, w->env_hash, (size_t)w->hash_cap * sizeof *w->env_hash);
	w->env_hash = h;
	w->hash_cap = cap;
	env_reindex(w);
	return true;
}

/* Drops the dead entries and their bytes, keeping the order. Called when
 * they outweigh the live ones, so replacing a variable again and again
 * stays linear in what is set. */
static bool env_compact(ep_wasi *w)
{
	char *buf = wmalloc(w, w->env_len);
	if (!buf)
		return false;
	size_t o = 0;
	uint32_t n = 0;
	for (uint32_t i = 0; i < w->nents; i++) {
		envent v = w->ents[i];
		if (v.dead)
			continue;
		memcpy(buf + o, w->env + v.off, v.len);
		v.off = o;
		w->ents[n++] = v;
		o += v.len;
	}
	wfree(w, w->env, w->env_cap);
	w->env = buf;
	w->env_cap = w->env_used = o;
	w->nents = n;
	env_reindex(w);
	return true;
}

/* p (cap elements of size bytes) grown by doubling to hold at least need:
 * the new pointer, with *cap updated, or NULL (p left as it was). */
static void *grow_array(ep_wasi *w, void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	size_t n = *cap ? *cap : 16;
	while (n < need) {
		if (n > SIZE_MAX / 2 / size)
			return NULL;
		n *= 2;
	}
	void *q = ep_engine_realloc(w->engine, p, *cap * size, n * size);
	if (q)
		*cap = n;
	return q;
}

ep_status ep_wasi_set_env(ep_wasi *w, const char *name, const char *value, ep_error *err)
{
	size_t nl = strlen(name), vl = strlen(value);
	if (nl == 0 || strchr(name, '='))
		return fail(err, EP_ERR_ARG, "bad environment variable name \"%s\"", name);
	/* The guest reads the live bytes, and each entry's length, as u32. */
	if (nl + vl + 2 > UINT32_MAX - w->env_len || w->nents >= UINT32_MAX / 4)
		return fail(err, EP_ERR_ARG, "environment too large");
	size_t len = nl + vl + 2;
	if (w->env_used - w->env_len > w->env_len && !env_compact(w))
		return fail(err, EP_ERR_NOMEM, "out of memory");
	/* At most half full, so probes stay short. */
	if ((size_t)w->nents + 1 > w->hash_cap / 2 &&
	    !env_rehash(w, w->hash_cap ? w->hash_cap * 2 : 64))
		return fail(err, EP_ERR_NOMEM, "out of memory");
	char *env = grow_array(w, w->env, &w->env_cap, w->env_used + len, 1);
	if (!env)
		return fail(err, EP_ERR_NOMEM, "out of memory");
	w->env = env;
	size_t ents_cap = w->ents_cap;
	envent *ents = grow_array(w, w->ents, &ents_cap, (size_t)w->nents + 1, sizeof *ents);
	if (!ents)
		return fail(err, EP_ERR_NOMEM, "out of memory");
	w->ents = ents;
	w->ents_cap = (uint32_t)ents_cap;
	/* Drop an earlier definition (its entry is skipped from now on), then
	 * append NAME=VALUE: a replaced variable moves to the end. */
	uint32_t *slot = env_slot(w, name, nl);
	if (*slot) {
		envent *old = &w->ents[*slot - 1];
		old->dead = true;
		w->env_len -= old->len;
		w->envc--;
	}
	char *d = w->env + w->env_used;
	memcpy(d, name, nl);
	d[nl] = '=';
	memcpy(d + nl + 1, value, vl + 1);
	w->ents[w->nents] = (envent){ w->env_used, (uint32_t)len, (uint32_t)nl, false };
	*slot = ++w->nents;
	w->env_used += len;
	w->env_len += len;
	w->envc++;
	return EP_OK;
}

ep_status ep_wasi_preopen(ep_wasi *w, const char *host_path, const char *guest_path,
                          unsigned flags, ep_error *err)
{
	size_t gl = strlen(guest_path);
	if (!host_path[0])
		return fail(err, EP_ERR_ARG, "empty directory name");
	if (gl == 0)
		return fail(err, EP_ERR_ARG, "empty guest name for %s", host_path);
	if (gl >= EP_WASI_MAX_PATH)
		return fail(err, EP_ERR_ARG, "guest name too long for %s", host_path);
	char *name = wmalloc(w, gl + 1);
	if (!name)
		return fail(err, EP_ERR_NOMEM, "out of memory");
	memcpy(name, guest_path, gl + 1);
	uint32_t slot;
	int rc = fd_alloc(w, 3, &slot);
	if (rc) {
		wfree(w, name, gl + 1);
		return rc == WE_NOMEM ? fail(err, EP_ERR_NOMEM, "out of memory")
		                      : fail(err, EP_ERR_LIMIT, "too many directories");
	}
	int h = open(host_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (h < 0) {
		int e = errno;
		wfree(w, name, gl + 1);
		return fail(err, EP_ERR_ARG, "cannot open directory %s: %s", host_path, ep_strerror(e));
	}
	fdent *e = &w->fds[slot];
	fd_describe(e, h);
	e->kind = K_DIR;
	e->owned = true;
	e->name = name;
	e->name_len = gl;
	uint64_t mask = flags & EP_WASI_READONLY ? ~RIGHTS_WRITE : ~(uint64_t)0;
	e->base = RIGHTS_DIR & mask;
	e->inh = (RIGHTS_DIR | RIGHTS_FILE) & mask;
	return EP_OK;
}

void ep_wasi_set_stdio(ep_wasi *w, int in, int out, int err)
{
	int h[3] = { in, out, err };
	for (uint32_t i = 0; i < 3; i++)
		set_stdio_slot(w, i, h[i]);
}

void ep_wasi_set_resolve(ep_wasi *w, int mode)
{
	w->resolve = mode == EP_WASI_RESOLVE_WALK ? EP_WASI_RESOLVE_WALK : EP_WASI_RESOLVE_AUTO;
}

int ep_wasi_kernel_beneath(void)
{
#if HAVE_OPENAT2
	return probe_openat2();
#else
	return 0;
#endif
}

void ep_wasi_set_output_limit(ep_wasi *w, uint64_t bytes)
{
	w->out_limit = bytes;
}

uint64_t ep_wasi_output_bytes(const ep_wasi *w)
{
	return w->out_bytes;
}

uint64_t ep_wasi_output_refused(const ep_wasi *w)
{
	return w->out_refused;
}

static const char wasi_p1[] = "wasi_snapshot_preview1", wasi_p0[] = "wasi_unstable";

static void functype_of(const hostfn *f, uint8_t *types, ep_functype *t)
{
	uint32_t np = 0, nr = 0;
	for (const char *p = f->params; *p; p++)
		types[np++] = *p == 'I' ? EP_I64 : EP_I32;
	if (f->fn != f_proc_exit)
		types[np + nr++] = EP_I32;
	t->nparams = np;
	t->nresults = nr;
	t->params = types;
	t->results = types + np;
}

static bool functype_same(const ep_functype *a, const ep_functype *b)
{
	return a->nparams == b->nparams && a->nresults == b->nresults &&
	       memcmp(a->params, b->params, a->nparams) == 0 &&
	       memcmp(a->results, b->results, a->nresults) == 0;
}

ep_status ep_wasi_link(ep_wasi *w, ep_store *store, const ep_module *m,
                       ep_extern *imports, ep_error *err)
{
	uint32_t n = ep_module_import_count(m);
	char pn[4 * 64 + 1];
	for (uint32_t i = 0; i < n; i++) {
		const char *mod, *name;
		size_t ml, nl;
		uint8_t kind;
		ep_module_import(m, i, &mod, &ml, &name, &nl, &kind);
		/* Preview 0 binds to the second half of w->bind and lacks the
		 * table's last call. */
		const char *mn = wasi_p1;
		binding *bind = w->bind;
		size_t j = 0, nt = NTABLE;
		if (ml == sizeof wasi_p0 - 1 && memcmp(mod, wasi_p0, ml) == 0) {
			mn = wasi_p0;
			bind += NTABLE;
			nt--;
		} else if (ml != sizeof wasi_p1 - 1 || memcmp(mod, wasi_p1, ml) != 0) {
			continue;
		}
		while (j < NTABLE && !(strlen(table[j].name) == nl && memcmp(table[j].name, name, nl) == 0))
			j++;
		if (j >= nt)
			return fail(err, EP_ERR_UNLINKABLE, "unknown import %s.%s", mn,
			            printable(pn, sizeof pn, name, nl));
		if (kind != EP_EXTERN_FUNC)
			return fail(err, EP_ERR_UNLINKABLE,
			            "incompatible import type %s.%s: expected a function", mn,
			            table[j].name);
		uint8_t types[16];
		ep_functype want, got;
		functype_of(&table[j], types, &want);
		if (!ep_module_import_functype(m, i, &got) || !functype_same(&want, &got))
			return fail(err, EP_ERR_UNLINKABLE,
			            "incompatible import type %s.%s: function signature differs",
			            mn, table[j].name);
		ep_func *f = ep_func_new_host(store, &want, host_entry, &bind[j]);
		if (!f)
			return fail(err, EP_ERR_NOMEM, "out of memory");
		imports[i].kind = EP_EXTERN_FUNC;
		imports[i].of.func = f;
	}
	w->store = store;
	return EP_OK;
}

/* ---- through the linker ---- */

ep_status ep_wasi_define(ep_wasi *w, ep_linker *l, ep_error *err)
{
	if (!w || !l)
		return fail(err, EP_ERR_ARG, "ep_wasi_define: context and linker are required");
	/* As ep_wasi_link binds them: preview 1 to the first half of w->bind,
	 * preview 0 to the second, without the table's last call. */
	for (size_t j = 0; j < NBIND - 1; j++) {
		const hostfn *f = &table[j % NTABLE];
		uint8_t types[16];
		ep_functype t;
		functype_of(f, types, &t);
		ep_status st = ep_linker_define_func(l, j < NTABLE ? wasi_p1 : wasi_p0, f->name, &t,
		                                     host_entry, &w->bind[j], err);
		if (st != EP_OK)
			return st;
	}
	return EP_OK;
}

ep_status ep_wasi_instantiate(ep_wasi *w, ep_linker *l, ep_store *store, const ep_module *m,
                              ep_instance **out, ep_error *err)
{
	if (out)
		*out = NULL;
	if (!w || !store || !m || !out)
		return fail(err, EP_ERR_ARG, "ep_wasi_instantiate: context, store, module and out are required");
	ep_linker *own = NULL;
	ep_status st = EP_OK;
	if (!l) {
		st = ep_linker_new(w->engine, &own, err);
		if (st == EP_OK) {
			ep_linker_only(own, m);
			st = ep_wasi_define(w, own, err);
		}
		l = own;
	}
	/* Before instantiating: a start function may already run long. */
	w->store = store;
	if (st == EP_OK)
		st = ep_linker_instantiate(l, store, m, out, err);
	ep_linker_free(own);
	return st;
}

ep_status ep_wasi_start(ep_wasi *w, ep_store *store, ep_instance *inst, int *exit_code,
                        ep_error *err)
{
	ep_error local;
	if (!err)
		err = &local;
	if (exit_code)
		*exit_code = 0;
	if (!w || !store || !inst)
		return fail(err, EP_ERR_ARG, "ep_wasi_start: context, store and instance are required");
	ep_extern start;
	if (!ep_instance_export(inst, "_start", 6, &start) || start.kind != EP_EXTERN_FUNC)
		return fail(err, EP_ERR_ARG, "no exported function _start");
	w->store = store;
	ep_status st = ep_call(store, start.of.func, NULL, 0, NULL, 0, err);
	if (st == EP_ERR_TRAP && err->trap == EP_TRAP_EXIT) {
		if (exit_code)
			*exit_code = err->exit_code;
		st = EP_OK;
	}
	return st;
}

ep_status ep_wasi_run(ep_wasi *w, ep_store *store, const ep_module *m, int *exit_code,
                      ep_error *err)
{
	ep_error local;
	if (!err)
		err = &local;
	ep_instance *inst;
	ep_status st = ep_wasi_instantiate(w, NULL, store, m, &inst, err);
	if (exit_code)
		*exit_code = 0;
	if (st == EP_OK)
		return ep_wasi_start(w, store, inst, exit_code, err);
	if (st == EP_ERR_TRAP && err->trap == EP_TRAP_EXIT) {
		if (exit_code)
			*exit_code = err->exit_code;
		st = EP_OK;
	}
	return st;
}

/* After ep_wasi_new: a failed pipe2 leaves EMFILE or ENFILE in errno, a
 * refusing allocator none of them. */
ep_status ep_wasi_create(ep_engine *engine, unsigned caps, ep_wasi **out, ep_error *err)
{
	if (!engine || !out)
		return fail(err, EP_ERR_ARG, "ep_wasi_create: engine and out are required");
	errno = 0;
	*out = ep_wasi_new(engine, caps);
	int e = errno;
	if (*out)
		return EP_OK;
	if (e == EMFILE || e == ENFILE)
		return fail(err, EP_ERR_LIMIT, "cannot make the interrupt pipe: %s", ep_strerror(e));
	return fail(err, EP_ERR_NOMEM, "out of memory allocating a WASI context");
}
