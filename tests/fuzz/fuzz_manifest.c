/*
 * fuzz_manifest.c - libFuzzer target for the manifest parser
 * (src/manifest.c). Any bytes: the parse must end in OK, MALFORMED or
 * NOMEM without a sanitizer report or leak. On OK, every span lies inside
 * the input and obeys its key's rule, and the counts agree with the lists;
 * on MALFORMED, the message is one non-empty line, nothing was allocated,
 * and a second parse says exactly the same. A second parse with an
 * allocator that refuses one call must fail cleanly or give the same
 * result. Built by `make fuzz` (Makefile), seeds in corpus/manifest/.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"

typedef struct counting {
	int calls, fail_at, live;
} counting;

static void *counting_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	counting *c = ud;
	(void)osize;
	if (nsize == 0) {
		if (ptr)
			c->live--;
		free(ptr);
		return NULL;
	}
	if (++c->calls == c->fail_at)
		return NULL;
	void *p = realloc(ptr, nsize);
	if (p && !ptr)
		c->live++;
	return p;
}

#define ASSERT(cond)                                                              \
	do {                                                                      \
		if (!(cond)) {                                                    \
			fprintf(stderr, "fuzz_manifest: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                  \
		}                                                                 \
	} while (0)

static const char *base;
static size_t base_len;

/* Inside the input, and free of line ends and NULs. */
static void span_ok(ep_span s)
{
	if (s.n == 0)
		return;
	ASSERT(s.p >= base && (size_t)(s.p - base) <= base_len && s.n <= base_len - (size_t)(s.p - base));
	ASSERT(memchr(s.p, '\n', s.n) == NULL && memchr(s.p, '\r', s.n) == NULL);
	ASSERT(memchr(s.p, '\0', s.n) == NULL);
	ASSERT(s.n <= 4096);
	/* Values are trimmed. */
	ASSERT(s.p[0] != ' ' && s.p[0] != '\t' && s.p[s.n - 1] != ' ' && s.p[s.n - 1] != '\t');
}

static int same(ep_span a, ep_span b)
{
	return a.n == b.n && memcmp(a.p, b.p, a.n) == 0;
}

static void check_manifest(const ep_manifest *m, uint32_t nlines)
{
	span_ok(m->id), span_ok(m->version), span_ok(m->wasm), span_ok(m->entry), span_ok(m->description);
	ASSERT(m->id.n >= 1 && m->id.n <= 128);
	ASSERT(m->version.n >= 1 && m->version.n <= 64);
	ASSERT(m->wasm.n >= 1 && m->wasm.p[0] != '/');
	ASSERT(m->entry.n <= 256);
	ASSERT((m->caps & ~0x1fu) == 0);
	ASSERT(m->line_wasm >= 1 && m->line_wasm <= nlines);
	ASSERT(m->line_sha256 >= 1 && m->line_sha256 <= nlines);
	ASSERT((m->entry.n == 0) == (m->line_entry == 0));
	ASSERT((m->nenv == 0) == (m->env == NULL));
	ASSERT((m->ndir == 0) == (m->dir == NULL) && (m->ndir == 0) == (m->line_dir == NULL));
	ASSERT((m->nargs == 0) == (m->args == NULL));
	ASSERT((m->nconfig == 0) == (m->config == NULL));
	ASSERT(m->has_args || m->nargs == 0);
	for (size_t i = 0; i < m->nenv; i++) {
		span_ok(m->env[i].name);
		ASSERT(m->env[i].name.n >= 1);
		ASSERT(!(m->env[i].name.p[0] >= '0' && m->env[i].name.p[0] <= '9'));
		if (m->env[i].has_value && m->env[i].value.n)
			ASSERT(m->env[i].value.p >= base && m->env[i].value.p + m->env[i].value.n <= base + base_len);
		for (size_t j = 0; j < i; j++)
			ASSERT(!same(m->env[i].name, m->env[j].name));
	}
	for (size_t i = 0; i < m->ndir; i++) {
		span_ok(m->dir[i].host), span_ok(m->dir[i].guest);
		ASSERT(m->dir[i].host.n >= 1 && m->dir[i].guest.n >= 1);
		ASSERT(m->line_dir[i] >= 1 && m->line_dir[i] <= nlines);
		for (size_t j = 0; j < i; j++)
			ASSERT(!same(m->dir[i].guest, m->dir[j].guest));
	}
	for (size_t i = 0; i < m->nargs; i++) {
		span_ok(m->args[i]);
		ASSERT(m->args[i].n >= 1);
		ASSERT(!memchr(m->args[i].p, ' ', m->args[i].n) && !memchr(m->args[i].p, '\t', m->args[i].n));
	}
	ASSERT(m->nconfig <= 256);
	for (size_t i = 0; i < m->nconfig; i++) {
		span_ok(m->config[i].key), span_ok(m->config[i].value);
		ASSERT(m->config[i].key.n >= 1 && m->config[i].key.n <= 128);
		ASSERT(m->config[i].line >= 1 && m->config[i].line <= nlines);
		ASSERT(i == 0 || m->config[i].line > m->config[i - 1].line);
		for (size_t j = 0; j < i; j++)
			ASSERT(!same(m->config[i].key, m->config[j].key));
	}
	const ep_mf_limits *l = &m->limits;
	ASSERT(!l->has_memory || l->memory >= 65536);
	ASSERT(!l->has_timeout || l->timeout_ms > 0);
	ASSERT(!l->has_call_depth || (l->call_depth >= 1 && l->call_depth <= 100000000));
	ASSERT(!l->has_stack || (l->stack >= 8 && l->stack / 8 <= UINT32_MAX));
	ASSERT(!l->has_runtime_memory || l->runtime_memory > 0);
	ASSERT(!l->has_table_elements || (l->table_elements >= 1 && l->table_elements <= UINT32_MAX));
}

static void check_error(const ep_manifest_error *err, uint32_t nlines)
{
	size_t n = strnlen(err->msg, sizeof err->msg);
	ASSERT(n > 0 && n < sizeof err->msg);
	ASSERT(memchr(err->msg, '\n', n) == NULL);
	ASSERT(err->line <= nlines);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A copy of exactly size bytes, so ASan sees any read past the end. */
	char *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	base = buf;
	base_len = size;
	uint32_t nlines = 0;
	for (size_t i = 0; i < size; i++)
		nlines += buf[i] == '\n';
	nlines += size && buf[size - 1] != '\n';

	counting c = { 0, 0, 0 };
	ep_manifest m;
	ep_manifest_error err;
	ep_status st = ep_manifest_parse(buf, size, counting_alloc, &c, &m, &err);
	ASSERT(st == EP_OK || st == EP_ERR_MALFORMED);
	if (st == EP_OK) {
		check_manifest(&m, nlines);
	} else {
		check_error(&err, nlines);
		ASSERT(c.calls == 0);
	}

	/* Again, refusing one of the calls the first parse made. */
	int calls = c.calls;
	counting f = { 0, calls ? (int)(size % (size_t)calls) + 1 : 0, 0 };
	ep_manifest m2;
	ep_manifest_error err2;
	ep_status st2 = ep_manifest_parse(buf, size, counting_alloc, &f, &m2, &err2);
	if (st == EP_OK) {
		ASSERT(st2 == (calls ? EP_ERR_NOMEM : EP_OK));
		if (st2 == EP_ERR_NOMEM)
			ASSERT(f.live == 0 && m2.env == NULL && m2.config == NULL);
		else
			ep_manifest_free(&m2, counting_alloc, &f);
		ep_manifest_free(&m, counting_alloc, &c);
	} else {
		ASSERT(st2 == EP_ERR_MALFORMED && err2.line == err.line && strcmp(err2.msg, err.msg) == 0);
	}
	ASSERT(c.live == 0 && f.live == 0);
	free(buf);
	return 0;
}
