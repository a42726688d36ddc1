/*
 * grants.c - builds, tightens and applies grant sets (grants.h). The only
 * place where grants become a WASI context and store limits.
 */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "grants.h"

const char *const ep_budget_key[EP_B_COUNT] = {
	"fuel", "memory", "table_elements", "call_depth", "stack", "runtime_memory",
	"timeout", "output"
};
const char *const ep_budget_flag[EP_B_COUNT] = {
	"--fuel", "--max-memory", "--max-table-elements", "--max-call-depth", "--max-stack",
	"--max-runtime-memory", "--timeout", "--max-output"
};

uint64_t *ep_budget_at(ep_budget *b, int k)
{
	switch (k) {
	case EP_B_FUEL: return &b->fuel;
	case EP_B_MEMORY: return &b->memory;
	case EP_B_TABLE: return &b->table_elements;
	case EP_B_DEPTH: return &b->call_depth;
	case EP_B_STACK: return &b->stack;
	case EP_B_RUNTIME: return &b->runtime_memory;
	case EP_B_TIMEOUT: return &b->timeout_ms;
	default: return &b->output;
	}
}

void ep_grants_init(ep_grants *g)
{
	memset(g, 0, sizeof *g);
	ep_budget *b = &g->budget;
	b->fuel = UINT64_MAX;
	b->memory = (uint64_t)EP_DEFAULT_MAX_MEMORY_PAGES * 65536;
	b->table_elements = EP_DEFAULT_MAX_TABLE_ELEMENTS;
	b->call_depth = EP_DEFAULT_MAX_CALL_DEPTH;
	b->stack = (uint64_t)EP_DEFAULT_MAX_STACK_SLOTS * 8;
	b->runtime_memory = EP_GRANTS_DEFAULT_RUNTIME_BYTES;
	b->timeout_ms = UINT64_MAX;
	b->output = UINT64_MAX;
}

void ep_grants_free(ep_grants *g)
{
	free(g->env);
	free(g->dir);
	free(g->args);
	free(g->strings);
	memset(g, 0, sizeof *g);
}

/* Appends s[0..n) and a NUL at *at; returns where it went. */
static const char *put(char **at, const char *s, size_t n)
{
	char *p = *at;
	memcpy(p, s, n);
	p[n] = '\0';
	*at = p + n + 1;
	return p;
}

static const char config_prefix[] = "EDGEPLUG_CONFIG_";

int ep_grants_from_manifest(ep_grants *g, const ep_manifest *m, const char *base_dir)
{
	size_t bl = strlen(base_dir), need = 0;
	for (size_t i = 0; i < m->nenv; i++)
		need += m->env[i].name.n + m->env[i].value.n + 2;
	for (size_t i = 0; i < m->nconfig; i++)
		need += sizeof config_prefix + m->config[i].key.n + m->config[i].value.n + 1;
	for (size_t i = 0; i < m->ndir; i++)
		need += bl + 1 + m->dir[i].host.n + 1 + m->dir[i].guest.n + 1;
	for (size_t i = 0; i < m->nargs; i++)
		need += m->args[i].n + 1;
	size_t nenv = m->nenv + m->nconfig;
	g->strings = malloc(need ? need : 1);
	g->env = calloc(nenv ? nenv : 1, sizeof *g->env);
	g->dir = calloc(m->ndir ? m->ndir : 1, sizeof *g->dir);
	g->args = calloc(m->nargs ? m->nargs : 1, sizeof *g->args);
	if (!g->strings || !g->env || !g->dir || !g->args)
		return -1;
	char *at = g->strings;
	g->caps = m->caps & (EP_WASI_STDIO | EP_WASI_CLOCKS | EP_WASI_RANDOM);
	for (size_t i = 0; i < m->nenv; i++) {
		const ep_mf_env *e = &m->env[i];
		g->env[i].name = put(&at, e->name.p, e->name.n);
		g->env[i].value = e->has_value ? put(&at, e->value.p, e->value.n) : NULL;
	}
	for (size_t i = 0; i < m->nconfig; i++) {
		const ep_mf_config *c = &m->config[i];
		char *name = at;
		memcpy(at, config_prefix, sizeof config_prefix - 1);
		at += sizeof config_prefix - 1;
		put(&at, c->key.p, c->key.n);
		g->env[m->nenv + i].name = name;
		g->env[m->nenv + i].value = put(&at, c->value.p, c->value.n);
	}
	g->nenv = nenv;
	for (size_t i = 0; i < m->ndir; i++) {
		const ep_mf_dir *d = &m->dir[i];
		char *host = at;
		if (d->host.n && d->host.p[0] != '/') {
			memcpy(at, base_dir, bl);
			at += bl;
			*at++ = '/';
		}
		put(&at, d->host.p, d->host.n);
		g->dir[i].host = host;
		g->dir[i].guest = put(&at, d->guest.p, d->guest.n);
		g->dir[i].readonly = d->readonly;
	}
	g->ndir = m->ndir;
	for (size_t i = 0; i < m->nargs; i++)
		g->args[i] = put(&at, m->args[i].p, m->args[i].n);
	g->nargs = m->nargs;

	const ep_mf_limits *l = &m->limits;
	ep_budget *b = &g->budget;
	if (l->has_fuel) b->fuel = l->fuel;
	if (l->has_memory) b->memory = l->memory;
	if (l->has_table_elements) b->table_elements = l->table_elements;
	if (l->has_call_depth) b->call_depth = l->call_depth;
	if (l->has_stack) b->stack = l->stack;
	if (l->has_runtime_memory) b->runtime_memory = l->runtime_memory;
	if (l->has_timeout) b->timeout_ms = l->timeout_ms;
	if (l->has_output) b->output = l->output;
	return 0;
}

int ep_grants_tighten(ep_grants *g, const ep_budget *want, unsigned asked)
{
	ep_budget w = *want;
	for (int k = 0; k < EP_B_COUNT; k++)
		if ((asked >> k & 1) && *ep_budget_at(&w, k) > *ep_budget_at(&g->budget, k))
			return k;
	for (int k = 0; k < EP_B_COUNT; k++)
		if (asked >> k & 1)
			*ep_budget_at(&g->budget, k) = *ep_budget_at(&w, k);
	return -1;
}

static uint32_t clamp32(uint64_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

void ep_grants_limits(const ep_grants *g, ep_limits *out)
{
	const ep_budget *b = &g->budget;
	memset(out, 0, sizeof *out);
	/* Whole pages, rounded down; the parsers keep it at one page or more. */
	uint64_t pages = b->memory / 65536;
	out->max_memory_pages = pages > 65536 ? 65536 : (uint32_t)(pages ? pages : 1);
	out->max_table_elements = clamp32(b->table_elements);
	out->max_call_depth = clamp32(b->call_depth);
	out->max_stack_slots = clamp32(b->stack / 8 ? b->stack / 8 : 1);
}

ep_status ep_grants_wasi(const ep_grants *g, ep_engine *engine, const char *argv0,
                         size_t nextra, const char *const *extra, int use_extra,
                         ep_wasi **out, ep_error *err)
{
	ep_status st = EP_ERR_NOMEM;
	const char *const *args = use_extra ? extra : g->args;
	size_t nargs = use_extra ? nextra : g->nargs;
	const char **argv = NULL;
	ep_wasi *w = ep_wasi_new(engine, g->caps);
	*out = NULL;
	if (!w)
		goto fail;
	argv = malloc((nargs + 1) * sizeof *argv);
	if (!argv)
		goto fail;
	argv[0] = argv0;
	for (size_t i = 0; i < nargs; i++)
		argv[i + 1] = args[i];
	if ((st = ep_wasi_set_args(w, nargs + 1, argv, err)) != EP_OK)
		goto fail;
	for (size_t i = 0; i < g->nenv; i++) {
		const char *value = g->env[i].value ? g->env[i].value : getenv(g->env[i].name);
		if (value && (st = ep_wasi_set_env(w, g->env[i].name, value, err)) != EP_OK)
			goto fail;
	}
	for (size_t i = 0; i < g->ndir; i++) {
		st = ep_wasi_preopen(w, g->dir[i].host, g->dir[i].guest,
		                     g->dir[i].readonly ? EP_WASI_READONLY : 0, err);
		if (st != EP_OK)
			goto fail;
	}
	ep_wasi_set_output_limit(w, g->budget.output);
	free(argv);
	*out = w;
	return EP_OK;
fail:
	if (st == EP_ERR_NOMEM && err && !err->msg[0])
		strcpy(err->msg, "out of memory");
	free(argv);
	ep_wasi_free(w);
	return st;
}
