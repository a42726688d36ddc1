/*
 * grants.h - the one grant set: what a plugin may touch (stdio, clocks,
 * random, environment, directories, argv) and how much it may use (fuel,
 * memory, tables, call depth, stack, engine memory, wall time, output).
 * Command-line flags and manifests both build an ep_grants, and only this
 * file turns one into a WASI context and store limits, so the two paths
 * cannot drift apart. Owns defaults, tightening and applying; knows nothing
 * of argv syntax, manifest text or signatures.
 */
#ifndef EP_GRANTS_H
#define EP_GRANTS_H

#include <stddef.h>
#include <stdint.h>

#include "edgeplug.h"
#include "edgeplug_wasi.h"
#include "manifest.h"

/* What a bare `edgeplug run FILE.wasm` grants besides --dir and --env. */
#define EP_GRANTS_RUN_CAPS (EP_WASI_STDIO | EP_WASI_CLOCKS | EP_WASI_RANDOM)

/* The engine's own memory (module copy, lowered code, stacks, tables)
 * unless a limit says otherwise: room for modules of tens of megabytes, and
 * still a quarter of a Pi Zero's RAM at most. */
#define EP_GRANTS_DEFAULT_RUNTIME_BYTES ((uint64_t)128 << 20)

typedef struct ep_grant_env {
	const char *name;
	const char *value;        /* NULL: the host's value of name, if set */
} ep_grant_env;

typedef struct ep_grant_dir {
	const char *host;         /* as opened: relative to the working directory */
	const char *guest;
	int readonly;
} ep_grant_dir;

/* Budgets, each with the value in force: a default until a flag or a
 * manifest sets it. UINT64_MAX is "no limit" where a limit may be absent. */
typedef struct ep_budget {
	uint64_t fuel;            /* UINT64_MAX: unlimited */
	uint64_t memory;          /* bytes of linear memory, whole pages count */
	uint64_t table_elements;
	uint64_t call_depth;
	uint64_t stack;           /* bytes */
	uint64_t runtime_memory;  /* bytes */
	uint64_t timeout_ms;      /* UINT64_MAX: none */
	uint64_t output;          /* bytes of stdout + stderr; UINT64_MAX: no cap */
} ep_budget;

/* Index of each budget, for tightening and reports in one loop. */
enum {
	EP_B_FUEL, EP_B_MEMORY, EP_B_TABLE, EP_B_DEPTH, EP_B_STACK, EP_B_RUNTIME,
	EP_B_TIMEOUT, EP_B_OUTPUT, EP_B_COUNT
};
/* The budget's field by index, its manifest key and its flag. */
uint64_t *ep_budget_at(ep_budget *b, int k);
extern const char *const ep_budget_key[EP_B_COUNT];
extern const char *const ep_budget_flag[EP_B_COUNT];

typedef struct ep_grants {
	unsigned caps;            /* EP_WASI_* */
	ep_grant_env *env;
	size_t nenv;
	ep_grant_dir *dir;
	size_t ndir;
	const char **args;        /* argv after argv[0] */
	size_t nargs;
	ep_budget budget;
	char *strings;            /* what env, dir and args point into, when owned */
} ep_grants;

/* A grant set with nothing granted and every budget at its default. */
void ep_grants_init(ep_grants *g);
/* What ep_grants_from_manifest or the caller allocated. */
void ep_grants_free(ep_grants *g);
/* The manifest's grants: its capabilities, env (each [config] key as
 * EDGEPLUG_CONFIG_<KEY>), dirs (relative host paths joined to base_dir),
 * args and limits over the defaults. 0, or -1 when out of memory. */
int ep_grants_from_manifest(ep_grants *g, const ep_manifest *m, const char *base_dir);
/* Sets g's budgets to want's for each k with bit 1 << k in asked, when
 * none of them is above g's: returns -1. Otherwise changes nothing and
 * returns the first k whose wanted value is above g's (a widening the
 * caller refuses). */
int ep_grants_tighten(ep_grants *g, const ep_budget *want, unsigned asked);
/* Store limits for ep_store_new. */
void ep_grants_limits(const ep_grants *g, ep_limits *out);
/* A WASI context with exactly g's grants, argv[0] first and then g's args
 * (or extra args instead, when given). EP_ERR_ARG when a directory does not
 * open or a value is refused (err says which), EP_ERR_NOMEM. */
ep_status ep_grants_wasi(const ep_grants *g, ep_engine *engine, const char *argv0,
                         size_t nextra, const char *const *extra, int use_extra,
                         ep_wasi **out, ep_error *err);

#endif
