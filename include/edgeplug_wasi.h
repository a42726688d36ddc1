/*
 * edgeplug_wasi.h - WASI preview 1 (the wasi_snapshot_preview1 imports of
 * clang/wasi-libc, Rust, TinyGo and AssemblyScript programs) and preview 0
 * (wasi_unstable, what older toolchains built against) for embedders.
 *
 * A context holds what one plugin may see: its arguments, its environment,
 * its preopened directories, its file descriptors and the capabilities it
 * was granted. Nothing is granted by default: a new context has no stdio,
 * no clocks, no randomness, no directories and an empty environment. Each
 * capability is given explicitly:
 *
 *   stdin, stdout, stderr, clocks, random   flags to ep_wasi_new
 *   directories                              ep_wasi_preopen, one each
 *   environment variables                    ep_wasi_set_env, one each
 *
 * A call that needs a capability the context lacks fails with the WASI
 * errno ENOTCAPABLE (76), or EBADF for a stdio descriptor that is absent.
 *
 * Path resolution never leaves a preopened directory: absolute paths, ".."
 * past the directory and symbolic links that lead outside (directly,
 * through a chain, or as an intermediate component) are refused with
 * ENOTCAPABLE. Every directory descriptor is a root of its own: ".." cannot
 * climb above the descriptor a path is resolved from.
 *
 * Every guest pointer and length is checked against linear memory before it
 * is touched; a bad one is the errno EFAULT, never a host crash.
 *
 * A context serves one store at a time and, like a store, one thread at a
 * time. Its bytes are counted by the engine's allocator (and byte limit).
 * The engine must outlive the context, and the context every store it was
 * linked into for as long as that store runs code: the host functions it
 * made refer to it.
 */
#ifndef EDGEPLUG_WASI_H
#define EDGEPLUG_WASI_H

#include "edgeplug.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ep_wasi ep_wasi;

/* Capabilities for ep_wasi_new. */
#define EP_WASI_STDIN  0x01u   /* fd 0 reads the host's stdin */
#define EP_WASI_STDOUT 0x02u   /* fd 1 writes the host's stdout */
#define EP_WASI_STDERR 0x04u   /* fd 2 writes the host's stderr */
#define EP_WASI_STDIO  0x07u
#define EP_WASI_CLOCKS 0x08u   /* clock_res_get, clock_time_get, clock events of poll_oneoff */
#define EP_WASI_RANDOM 0x10u   /* random_get */

/* Flags for ep_wasi_preopen. */
#define EP_WASI_READONLY 0x01u /* no writes, creates, renames, links or removals */

/* Ways to resolve guest paths (ep_wasi_set_resolve). Both are confined the
 * same way; AUTO uses openat2(RESOLVE_BENEATH) for the directories on the
 * way where the kernel has it and falls back to WALK where it does not. WALK
 * opens one component at a time with O_NOFOLLOW and expands symbolic links
 * itself. */
#define EP_WASI_RESOLVE_AUTO 0
#define EP_WASI_RESOLVE_WALK 1

/* A context with the given capabilities (EP_WASI_* flags), no arguments, no
 * environment and no directories. *out is NULL on failure: EP_ERR_NOMEM
 * (the allocator), EP_ERR_LIMIT (out of host descriptors: it keeps a pipe
 * for ep_wasi_interrupt), EP_ERR_ARG. */
EP_API ep_status ep_wasi_create(ep_engine *engine, unsigned caps, ep_wasi **out, ep_error *err);
/* Shorthand for ep_wasi_create: the context or NULL. */
EP_API ep_wasi *ep_wasi_new(ep_engine *engine, unsigned caps);
/* Closes every host descriptor the context opened (never the stdio ones it
 * was given) and frees it. NULL is ignored. */
EP_API void ep_wasi_free(ep_wasi *w);

/* The plugin's argv, copied; argv[0] is by convention the program's name.
 * Replaces earlier arguments. EP_ERR_NOMEM or EP_ERR_ARG (err says why). */
EP_API ep_status ep_wasi_set_args(ep_wasi *w, size_t argc, const char *const *argv,
                                  ep_error *err);
/* Sets (or replaces) one environment variable. name must be non-empty and
 * hold no '='. */
EP_API ep_status ep_wasi_set_env(ep_wasi *w, const char *name, const char *value,
                                 ep_error *err);
/* Grants the host directory host_path to the plugin under the name
 * guest_path (what the plugin opens files by, e.g. "data" or "/"). The
 * directory is opened now; a failure is EP_ERR_ARG with the reason in err.
 * Preopens get descriptors 3, 4, ... in the order they are added. */
EP_API ep_status ep_wasi_preopen(ep_wasi *w, const char *host_path, const char *guest_path,
                                 unsigned flags, ep_error *err);
/* The host descriptors behind fds 0, 1 and 2 when granted (default 0, 1,
 * 2); -1 (or a closed descriptor) leaves that one absent. The context never
 * closes them. Call before the plugin runs. A write to a pipe whose reader
 * is gone raises SIGPIPE in the host process unless it is ignored (the CLI
 * ignores it, so the plugin sees EPIPE). */
EP_API void ep_wasi_set_stdio(ep_wasi *w, int in, int out, int err);
/* EP_WASI_RESOLVE_AUTO (the default) or EP_WASI_RESOLVE_WALK. */
EP_API void ep_wasi_set_resolve(ep_wasi *w, int mode);
/* 1 when this build and the running kernel confine path resolution with
 * openat2(RESOLVE_BENEATH) (EP_WASI_RESOLVE_AUTO then uses it); 0 when
 * every resolution takes the per-component walk. For health checks. */
EP_API int ep_wasi_kernel_beneath(void);
/* Caps the bytes the plugin may write to stdout and stderr together (the
 * host descriptors of ep_wasi_set_stdio, under any fd number the plugin
 * renumbers them to): a write that would pass the cap writes nothing and
 * fails with ENOSPC, and the plugin runs on. UINT64_MAX, the default, is no
 * cap; 0 refuses every write. */
EP_API void ep_wasi_set_output_limit(ep_wasi *w, uint64_t bytes);
/* Bytes written to stdout and stderr so far, and the writes the cap
 * refused. */
EP_API uint64_t ep_wasi_output_bytes(const ep_wasi *w);
EP_API uint64_t ep_wasi_output_refused(const ep_wasi *w);

/* For every import of m from "wasi_snapshot_preview1" or "wasi_unstable",
 * creates a host function in store and puts it in imports[i] (imports has
 * one entry per import of m). One module may import from both; each call
 * follows the ABI of the name it was imported under (preview 0's whence
 * numbers and filestat and subscription records; it has no sock_accept).
 * Other imports are left as they are, for the embedder to fill.
 * EP_ERR_UNLINKABLE (err names the import, e.g. wasi_unstable.fd_seek) for
 * a WASI function this context does not know or an import with the wrong
 * type. The context remembers store so ep_wasi_interrupt can stop it too. */
EP_API ep_status ep_wasi_link(ep_wasi *w, ep_store *store, const ep_module *m,
                              ep_extern *imports, ep_error *err);
/* Defines every WASI function of this context in l under
 * "wasi_snapshot_preview1" and "wasi_unstable" (each following its ABI, as
 * ep_wasi_link does), bound to w (which must outlive every store the
 * linker instantiates into while that store runs code). EP_ERR_ARG when l
 * already defines one of them, EP_ERR_NOMEM. */
EP_API ep_status ep_wasi_define(ep_wasi *w, ep_linker *l, ep_error *err);
/* Instantiates m in store with WASI: through l, a linker ep_wasi_define
 * was called on (with the embedder's own definitions beside WASI's), or
 * with l NULL through a linker of WASI alone, made and freed here. Runs
 * the start section but not "_start"; remembers store for
 * ep_wasi_interrupt. Errors as ep_linker_instantiate; *out NULL then. */
EP_API ep_status ep_wasi_instantiate(ep_wasi *w, ep_linker *l, ep_store *store,
                                     const ep_module *m, ep_instance **out, ep_error *err);
/* Calls inst's exported "_start" (a WASI command): EP_OK when the program
 * ended, by returning (*exit_code = 0) or by proc_exit (*exit_code = its
 * code); EP_ERR_ARG without a "_start" function; a trap, fuel or an
 * interrupt as ep_call (EP_ERR_TRAP; after fuel or an interrupt the call
 * stays suspended for ep_resume or ep_abandon). Between
 * ep_wasi_instantiate and this, the embedder may set fuel, arm a deadline
 * or look exports up. exit_code may be NULL. */
EP_API ep_status ep_wasi_start(ep_wasi *w, ep_store *store, ep_instance *inst, int *exit_code,
                               ep_error *err);
/* Runs m as a WASI command: ep_wasi_instantiate (every import must be
 * WASI) and ep_wasi_start in a row. Returns EP_OK when the program ended,
 * by returning (*exit_code = 0) or by proc_exit, also from a start
 * section (*exit_code = its code); any other status is a failure as
 * described in edgeplug.h (a trap, an unlinkable import, no "_start":
 * EP_ERR_ARG). */
EP_API ep_status ep_wasi_run(ep_wasi *w, ep_store *store, const ep_module *m,
                             int *exit_code, ep_error *err);

/* Stops the plugin: a WASI call blocked in fd_read, fd_write or poll_oneoff
 * returns at once with the trap EP_TRAP_INTERRUPT (the call cannot be
 * resumed), and running code in the store linked last is interrupted as by
 * ep_store_interrupt (so that store must still exist). Async-signal-safe
 * and callable from another thread: a deadline timer's handler can call it.
 * The interrupt stays set, so later blocking calls return at once too,
 * until cleared. */
EP_API void ep_wasi_interrupt(ep_wasi *w);
EP_API void ep_wasi_clear_interrupt(ep_wasi *w);

#ifdef __cplusplus
}
#endif
#endif
