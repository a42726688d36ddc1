/*
 * manifest.h - the plugin manifest parser (docs/manifest.md): flat
 * INI-style text in a caller's buffer to a checked ep_manifest. Owns the
 * syntax and every per-key rule (types, ranges, required keys); knows
 * nothing of files, WASI, the engine or signatures. Strings in the result
 * point into the caller's buffer (ep_span), which must outlive it; the only
 * allocations are the lists (env, dir, args, config), each sized by a count
 * taken from the input first, through the allocator the caller passes.
 */
#ifndef EP_MANIFEST_H
#define EP_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "edgeplug.h"   /* ep_alloc_fn */

/* A run of bytes in the manifest buffer; not NUL-terminated. */
typedef struct ep_span {
	const char *p;
	size_t n;
} ep_span;

/* Capability bits of [capabilities] (stdin ... random): the same values as
 * EP_WASI_STDIN ... EP_WASI_RANDOM (include/edgeplug_wasi.h). */
#define EP_MF_STDIN  0x01u
#define EP_MF_STDOUT 0x02u
#define EP_MF_STDERR 0x04u
#define EP_MF_CLOCK  0x08u
#define EP_MF_RANDOM 0x10u

typedef struct ep_mf_env {
	ep_span name;
	ep_span value;      /* meaningful when has_value */
	int has_value;      /* NAME=value fixes it; plain NAME forwards the host's */
} ep_mf_env;

typedef struct ep_mf_dir {
	ep_span host;       /* relative to the manifest's folder, or absolute */
	ep_span guest;      /* what the plugin opens it by, e.g. /data */
	int readonly;       /* written with a :ro suffix */
} ep_mf_dir;

typedef struct ep_mf_config {
	ep_span key;        /* [A-Za-z0-9_]+ */
	ep_span value;      /* may be empty */
	uint32_t line;      /* 1-based line of the key */
} ep_mf_config;

/* [limits]: a has_* flag per key, set when the key is present. Values are
 * already checked against the same ranges the CLI flags have. */
typedef struct ep_mf_limits {
	int has_fuel, has_memory, has_timeout, has_call_depth, has_stack,
	    has_runtime_memory, has_output, has_table_elements;
	uint64_t fuel;              /* units */
	uint64_t memory;            /* bytes, >= 65536 */
	uint64_t timeout_ms;        /* > 0 */
	uint64_t call_depth;        /* 1 .. 100000000 */
	uint64_t stack;             /* bytes, >= 8 */
	uint64_t runtime_memory;    /* bytes, > 0 */
	uint64_t output;            /* bytes of stdout + stderr together */
	uint64_t table_elements;    /* 1 .. 2^32-1 */
} ep_mf_limits;

typedef struct ep_manifest {
	/* [plugin] */
	ep_span id, version, wasm, entry, description;  /* entry, description: n 0 when absent */
	uint8_t sha256[32];         /* decoded from 64 lowercase hex digits */
	/* [capabilities] */
	unsigned caps;              /* EP_MF_* bits granted "yes" */
	ep_mf_env *env;
	size_t nenv;
	ep_mf_dir *dir;
	size_t ndir;
	ep_span *args;              /* "args" split on spaces and tabs */
	size_t nargs;
	int has_args;
	/* [limits] */
	ep_mf_limits limits;
	/* [config] */
	ep_mf_config *config;
	size_t nconfig;
	/* The line each key was on (1-based; 0 when absent), for errors that
	 * only later stages can find (a dir that does not open). */
	uint32_t line_wasm, line_sha256, line_entry;
	uint32_t *line_dir;         /* ndir entries */
} ep_manifest;

/* Why a parse failed: the 1-based line (0 for the whole file, e.g. a
 * missing required key) and one line of text without the file name, e.g.
 * "unknown section [capabilitys]". */
typedef struct ep_manifest_error {
	uint32_t line;
	char msg[160];
} ep_manifest_error;

/* Parses buf[0..len). alloc may be NULL for malloc/realloc/free. Returns
 * EP_OK and fills *out; EP_ERR_MALFORMED with err set for any text that
 * breaks a rule of docs/manifest.md (nothing is allocated then);
 * EP_ERR_NOMEM when alloc refuses. */
ep_status ep_manifest_parse(const char *buf, size_t len, ep_alloc_fn alloc, void *ud,
                            ep_manifest *out, ep_manifest_error *err);
/* Frees the lists of a manifest ep_manifest_parse filled (same allocator);
 * safe on a zeroed struct. */
void ep_manifest_free(ep_manifest *m, ep_alloc_fn alloc, void *ud);

#endif
