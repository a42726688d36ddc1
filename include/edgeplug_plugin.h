/*
 * edgeplug_plugin.h - plugins for embedders: a signed manifest, the wasm it
 * pins and the embedder's own host functions, opened as one object that is
 * verified whole before any of its code runs, called with a fuel budget per
 * call, reported on, and reloaded in place (docs/embedding-plugins.md).
 *
 * A plugin is what `edgeplug run PLUGIN.ini` runs, without files: the
 * embedder hands over the manifest's bytes, the detached signature's bytes
 * and the wasm's bytes (from flash, a const array, an OTA download), and
 * the same checks apply in the same order (docs/signing.md): the signature
 * over the manifest's exact bytes against a trust store, then the manifest
 * parsed (docs/manifest.md), then the wasm's SHA-256 against the manifest's
 * pin. Only then is the module loaded and instantiated, with the manifest's
 * capabilities (a WASI context granting exactly them) and its limits (fuel,
 * linear memory, tables, call depth, value stack, engine memory, output,
 * timeout) applied.
 *
 * Threads: a plugin, like the store under it, is used by one thread at a
 * time; only ep_plugin_interrupt may be called from another thread or a
 * signal handler, and not while ep_plugin_reload or ep_plugin_close runs.
 * A trust store may be shared by plugins on several threads once it is
 * filled (opening only reads it).
 *
 * Every call that can fail returns an ep_status and, when err is not NULL,
 * a one-line message. Opening, reloading and refused calls name the plugin
 * (the source's name) and where it went wrong: a manifest line, the pin, a
 * key id, an import, an export; a trap in a call is the engine's (err->trap,
 * err->func). Nothing here prints, exits, installs a signal handler or
 * starts a thread.
 */
#ifndef EDGEPLUG_PLUGIN_H
#define EDGEPLUG_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#include "edgeplug.h"
#include "edgeplug_wasi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- trust stores ---- */

/* The public keys whose signatures are accepted, and nothing else. */
typedef struct ep_trust_store ep_trust_store;

/* An empty trust store (it trusts no key). Returns EP_OK with *out set, or
 * EP_ERR_NOMEM. Its memory comes from malloc, not from an engine: one
 * store can serve plugins of several engines. */
EP_API ep_status ep_trust_store_new(ep_trust_store **out, ep_error *err);
/* Frees it; NULL is ignored. Plugins opened with it may outlive it: they
 * keep what they need (the signer's id and name). */
EP_API void ep_trust_store_free(ep_trust_store *t);
/* Trusts a raw 32-byte Ed25519 public key, as firmware keeps it in flash.
 * name (NULL or "": none) is what reports call the signer: 0-63 letters,
 * digits and . _ - @ +. The key id is derived as for .pub files. EP_ERR_ARG
 * for a bad name or a key already trusted (its id in the message). */
EP_API ep_status ep_trust_store_add_key(ep_trust_store *t, const uint8_t key[32], const char *name,
                                        ep_error *err);
/* Trusts the key in text[0..len): the contents of a .pub file as
 * `edgeplug keygen` writes it. EP_ERR_MALFORMED when it does not parse (the
 * message says where), EP_ERR_ARG for a key already trusted. */
EP_API ep_status ep_trust_store_add_pub(ep_trust_store *t, const char *text, size_t len,
                                        ep_error *err);
/* Trusts the keys of a .pub file or of every *.pub in a directory, with
 * the rules of `edgeplug run --trust` (docs/signing.md): files and folders
 * writable by others, links inside a folder, keys that do not parse and
 * repeated key ids are refused, and then nothing is added. EP_ERR_ARG with
 * the file named. */
EP_API ep_status ep_trust_store_add_path(ep_trust_store *t, const char *path, ep_error *err);
/* The number of keys trusted. */
EP_API size_t ep_trust_store_count(const ep_trust_store *t);

/* ---- opening ---- */

typedef struct ep_plugin ep_plugin;

/* ep_plugin_host.flags */
#define EP_PLUGIN_ALLOW_UNSIGNED 0x01u  /* a source without a signature opens (the
                                           trust store is then not asked); a bad
                                           signature is refused all the same */
#define EP_PLUGIN_TRAP_UNKNOWN 0x02u    /* unknown function imports trap when called
                                           (ep_linker_set_trap_unknown) */
#define EP_PLUGIN_NO_COPY 0x04u         /* load each version's wasm where it is
                                           (ep_module_load_static), for modules in
                                           flash: src->wasm must then outlive the
                                           version (until the next successful
                                           reload, or ep_plugin_close) */

/* Defines the embedder's host functions (ep_linker_define_func) in l, a
 * linker made for one version of the plugin: called at open and at every
 * reload, before WASI is defined in l beside them, and l is freed once the
 * version is instantiated. user_data is ep_plugin_host.user_data. Returns
 * EP_OK, or a failure that ep_plugin_open and ep_plugin_reload return as
 * theirs. Each version gets fresh host functions from the same
 * definitions, so their env pointers stay the embedder's throughout. */
typedef ep_status (*ep_plugin_define_fn)(ep_linker *l, void *user_data, ep_error *err);

/* What the embedder brings, the same for every version of the plugin: it is
 * copied by ep_plugin_open and reused by every reload, and none of what it
 * points to is ever freed or changed by the plugin. */
typedef struct ep_plugin_host {
	const ep_trust_store *trust;  /* the keys a signature may be by; NULL: none */
	ep_plugin_define_fn define;   /* the embedder's host functions, or NULL */
	unsigned flags;               /* EP_PLUGIN_* */
	void *user_data;              /* for define and ep_plugin_user_data; never touched */
} ep_plugin_host;

/* One version of a plugin, as bytes. Nothing here needs to outlive the
 * ep_plugin_open or ep_plugin_reload call that reads it (but the wasm with
 * EP_PLUGIN_NO_COPY): the module is copied by the engine and what the
 * plugin keeps of the manifest (id, version, entry, pin) is copied too. */
typedef struct ep_plugin_source {
	const char *name;             /* for messages, e.g. "sensor.ini"; NULL: "plugin" */
	const void *manifest;         /* the manifest's exact bytes (what was signed) */
	size_t manifest_len;
	const void *signature;        /* the .sig file's bytes; NULL: unsigned */
	size_t signature_len;
	const void *wasm;             /* the module the manifest pins by sha256 */
	size_t wasm_len;
	const char *base_dir;         /* what the manifest's relative dir paths are
	                                 relative to; NULL: the working directory */
} ep_plugin_source;

/* Verifies src and opens it: signature (unless absent and allowed by
 * host->flags), manifest, pin; then the module loaded in engine, a WASI
 * context with exactly the manifest's grants (argv[0] is src->name's last
 * component), a store with its limits, the module instantiated with WASI
 * and host->define's definitions (a missing or mistyped import is
 * EP_ERR_UNLINKABLE, named), and, for a reactor (an entry other than
 * _start), its "_initialize" export called if it has one. The start
 * section's function and _initialize draw on one call's fuel.
 *
 * Returns EP_OK with *out set, or the first failure with nothing left
 * behind: EP_ERR_ARG for a plugin refused as not trusted (no signature when
 * one is required, an unknown key, a bad signature, a wasm that does not
 * match its pin; the message starts "NAME: not trusted: ") or an entry the
 * module does not export; EP_ERR_MALFORMED for a signature or manifest
 * that does not parse ("NAME:LINE: ..."); the module's own load status;
 * EP_ERR_UNLINKABLE; EP_ERR_LIMIT or EP_ERR_NOMEM; EP_ERR_TRAP when the
 * start function or _initialize traps (err->trap says how).
 *
 * The plugin sets engine's runtime limit (ep_engine_set_runtime_limit) to
 * the manifest's runtime_memory (default 128 MiB) on top of what the engine
 * held before, and keeps setting it across reloads (a failed open leaves
 * it at 0, no cap); use one engine per plugin. The engine must outlive the
 * plugin. A few hundred bytes of the grant set are taken from malloc while
 * opening and freed before it returns; everything the plugin keeps comes
 * from the engine. Nothing of the plugin's code runs before every check
 * has passed. */
EP_API ep_status ep_plugin_open(ep_engine *engine, const ep_plugin_host *host,
                                const ep_plugin_source *src, ep_plugin **out, ep_error *err);
/* Frees the plugin and everything it made (its instance, store, module and
 * WASI context), never the engine, the trust store or the user data. A
 * suspended call is abandoned. NULL is ignored. */
EP_API void ep_plugin_close(ep_plugin *p);

/* host->user_data as given to ep_plugin_open. */
EP_API void *ep_plugin_user_data(const ep_plugin *p);
/* The running version's instance and store: for reading its memory or
 * exports. Both change on a successful reload (and only then). Each
 * version's store data (ep_store_data) is the plugin, so a host function
 * finds it, and the user data, from its caller:
 * ep_plugin_user_data(ep_store_data(ep_caller_store(caller))); do not set
 * it to anything else. */
EP_API ep_instance *ep_plugin_instance(const ep_plugin *p);
EP_API ep_store *ep_plugin_store(const ep_plugin *p);

/* ---- calling ---- */

/* Calls the manifest's entry: for a command (no entry, or entry =
 * _start), "_start" with nargs 0 and nresults 0, and a plugin that ends by
 * proc_exit returns EP_OK too (the report's exit code says which code);
 * for a reactor, the entry export with these values. A command's _start is
 * meant to run once per version, as WASI's own rule. */
EP_API ep_status ep_plugin_call_entry(ep_plugin *p, const ep_value *args, size_t nargs,
                                      ep_value *results, size_t nresults, ep_error *err);
/* Calls the exported function name with args; nargs and nresults must
 * match its type (EP_ERR_ARG otherwise, as for an unknown export). Values
 * are checked by type as ep_call checks them.
 *
 * Each call (this one, or the entry) starts with the per-call fuel
 * (ep_plugin_set_call_fuel), never more than the manifest's fuel. Running
 * out is EP_ERR_TRAP with err->trap EP_TRAP_FUEL, and the call stays
 * suspended (ep_plugin_suspended) for ep_plugin_resume or
 * ep_plugin_abandon, unless the manifest's fuel for this call is used up:
 * then it is abandoned. With a manifest timeout, a call that runs past it
 * (counted while it runs, not while it waits suspended) is stopped within
 * about 10,000 units of work and abandoned: EP_ERR_TRAP with EP_TRAP_INTERRUPT and the
 * outcome EP_OUTCOME_DEADLINE. Every other trap ends the call; the plugin
 * takes new calls after any of them. */
EP_API ep_status ep_plugin_call(ep_plugin *p, const char *name, const ep_value *args, size_t nargs,
                                ep_value *results, size_t nresults, ep_error *err);
/* Continues the suspended call with fuel more units added to what it has
 * left (0: just what it has, as after an interrupt), capped by what the
 * manifest leaves this call; nresults must be the call's. EP_ERR_ARG
 * when no call is suspended. Returns as ep_plugin_call does. */
EP_API ep_status ep_plugin_resume(ep_plugin *p, uint64_t fuel, ep_value *results, size_t nresults,
                                  ep_error *err);
/* Drops the suspended call, if any: its effects so far (memory written,
 * globals set) stay, and the plugin takes new calls. */
EP_API void ep_plugin_abandon(ep_plugin *p);
/* 1 while a call is suspended after running out of fuel (or being
 * interrupted by ep_plugin_interrupt), else 0. */
EP_API int ep_plugin_suspended(const ep_plugin *p);
/* The fuel each later call starts with: UINT64_MAX (the default) means
 * the manifest's fuel, or unlimited when it sets none; a larger value than
 * the manifest's is lowered to it. A suspended call is not affected. */
EP_API void ep_plugin_set_call_fuel(ep_plugin *p, uint64_t fuel);
/* Stops the running call at its next block boundary (EP_TRAP_INTERRUPT,
 * suspended, resumable) and wakes a WASI call blocked on a pipe. Safe from
 * a signal handler or another thread (see Threads above). */
EP_API void ep_plugin_interrupt(ep_plugin *p);

/* ---- reports ---- */

typedef enum ep_plugin_outcome {
	EP_OUTCOME_NONE = 0,   /* nothing ran yet */
	EP_OUTCOME_RETURNED,   /* the call returned */
	EP_OUTCOME_EXITED,     /* WASI proc_exit: exit_code */
	EP_OUTCOME_TRAPPED,    /* a trap (trap, trap_func) */
	EP_OUTCOME_FUEL,       /* out of fuel (suspended, or abandoned: see message) */
	EP_OUTCOME_INTERRUPTED,/* ep_plugin_interrupt: suspended */
	EP_OUTCOME_DEADLINE,   /* past the manifest's timeout: abandoned */
	EP_OUTCOME_ERROR       /* refused before running (bad arguments, no such export) */
} ep_plugin_outcome;

/* "none", "returned", "exited", "trapped", "fuel", "interrupted",
 * "deadline", "error"; "unknown outcome" otherwise. Static strings. */
EP_API const char *ep_plugin_outcome_name(ep_plugin_outcome o);

/* The facts `edgeplug run --report` writes (docs/cli.md), for the running
 * version: its last call (opening counts as one: the start function and
 * _initialize) and its totals since it was opened or reloaded. */
typedef struct ep_plugin_report {
	ep_plugin_outcome outcome;    /* of the last call */
	int exit_code;                /* EP_OUTCOME_EXITED: the plugin's code; else 0 */
	ep_trap trap;                 /* EP_TRAP_NONE unless it trapped or stopped */
	uint32_t trap_func;           /* the function that trapped, or UINT32_MAX */
	char trap_func_name[64];      /* its name from the name section, or "" */
	uint64_t fuel_used;           /* by the last call, resumes included */
	uint64_t total_fuel_used;     /* by this version */
	uint64_t peak_memory_bytes;   /* linear memory, all memories, this version */
	uint32_t peak_call_depth;     /* the deepest nesting, this version */
	uint64_t output_bytes;        /* stdout + stderr written, this version */
	uint64_t output_refused_writes; /* writes the manifest's output cap refused */
	uint64_t wall_ms;             /* the time the last call ran (not waiting suspended) */
	char message[192];            /* why the last call failed; "" when it did not */
} ep_plugin_report;

/* Copies the report into *out. */
EP_API void ep_plugin_get_report(const ep_plugin *p, ep_plugin_report *out);

/* Who the running version is: copied from its manifest when it opened. */
typedef struct ep_plugin_info {
	char id[129];                 /* [plugin] id */
	char version[65];             /* [plugin] version */
	char entry[257];              /* the entry called: "_start" for a command */
	char sha256[65];              /* the pin, lowercase hex */
	int is_signed;                /* 1: verified by a trusted key; 0: unsigned (allowed) */
	char signer_id[17];           /* the key id in hex, or "" */
	char signer_name[64];         /* the key's name, or "" */
	int is_command;               /* 1 when the entry is _start */
	uint64_t fuel_per_call;       /* the manifest's fuel; UINT64_MAX: unlimited */
	uint64_t timeout_ms;          /* the manifest's timeout; UINT64_MAX: none */
	uint32_t generation;          /* 0 when opened, +1 at each successful reload */
} ep_plugin_info;

EP_API void ep_plugin_get_info(const ep_plugin *p, ep_plugin_info *out);

/* ---- reloading ---- */

/* Replaces the running version by src: verified, loaded, instantiated and
 * initialised exactly as ep_plugin_open does, while the old version stays
 * as it is. Only when every step succeeded is the old version freed and
 * the new one put in its place (ep_plugin_instance, the store, the report
 * and the info change; the host settings, host->define and the user data
 * are the same). On any failure the new version is freed, the old one keeps
 * running untouched (its report too), and the status and message are
 * those ep_plugin_open would give.
 *
 * A reload while a call is suspended is refused with EP_ERR_ARG: resume
 * or abandon the call first (a half-done call of the old version is never
 * dropped behind the embedder's back). While the reload runs, the old and
 * the new version are held together: the engine's runtime limit allows
 * both manifests' runtime_memory for that time. */
EP_API ep_status ep_plugin_reload(ep_plugin *p, const ep_plugin_source *src, ep_error *err);

#ifdef __cplusplus
}
#endif
#endif
