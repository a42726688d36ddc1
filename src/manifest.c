/*
 * manifest.c - plugin manifests (docs/manifest.md): INI-style text in the
 * caller's buffer to a checked ep_manifest. Owns the line syntax and every
 * per-key rule; knows nothing of files, WASI, the engine or signatures, and
 * never prints. Two passes over the same text: the first checks everything
 * and counts the list items, the second, after the lists are allocated at
 * their exact sizes, fills them. So a malformed manifest never allocates,
 * and an allocator failure can only happen to a manifest that is valid.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "manifest.h"
#include "units.h"

/* Limits of the format (docs/manifest.md), so that no input can make the
 * parser's work or its output grow faster than the input does. */
#define LINE_MAX_BYTES 4096     /* without the line end */
#define ID_MAX 128
#define VERSION_MAX 64
#define ENTRY_MAX 256
#define CONFIG_KEY_MAX 128
#define CONFIG_MAX 256          /* keys in [config]: their duplicate check is on the stack */
#define QUOTE_MAX 48            /* bytes of the input a message quotes */

enum section { SEC_NONE, SEC_PLUGIN, SEC_CAPS, SEC_LIMITS, SEC_CONFIG, NSEC };

static const char *const section_names[NSEC] = {
	NULL, "plugin", "capabilities", "limits", "config"
};

/* Every key but those of [config]; the index is the key's id. */
enum key {
	K_ID, K_VERSION, K_WASM, K_SHA256, K_ENTRY, K_DESCRIPTION,
	K_STDIN, K_STDOUT, K_STDERR, K_CLOCK, K_RANDOM, K_ENV, K_DIR, K_ARGS,
	K_FUEL, K_MEMORY, K_TIMEOUT, K_CALL_DEPTH, K_STACK, K_RUNTIME_MEMORY, K_OUTPUT,
	K_TABLE_ELEMENTS, NKEYS
};

static const struct keydef {
	enum section sec;
	const char *name;
} keys[NKEYS] = {
	{ SEC_PLUGIN, "id" }, { SEC_PLUGIN, "version" }, { SEC_PLUGIN, "wasm" },
	{ SEC_PLUGIN, "sha256" }, { SEC_PLUGIN, "entry" }, { SEC_PLUGIN, "description" },
	{ SEC_CAPS, "stdin" }, { SEC_CAPS, "stdout" }, { SEC_CAPS, "stderr" },
	{ SEC_CAPS, "clock" }, { SEC_CAPS, "random" }, { SEC_CAPS, "env" },
	{ SEC_CAPS, "dir" }, { SEC_CAPS, "args" },
	{ SEC_LIMITS, "fuel" }, { SEC_LIMITS, "memory" }, { SEC_LIMITS, "timeout" },
	{ SEC_LIMITS, "call_depth" }, { SEC_LIMITS, "stack" },
	{ SEC_LIMITS, "runtime_memory" }, { SEC_LIMITS, "output" },
	{ SEC_LIMITS, "table_elements" },
};

static const enum key required[] = { K_ID, K_VERSION, K_WASM, K_SHA256 };

static const char reserved_env[] = "EDGEPLUG_CONFIG_";

typedef struct config_seen {
	const char *p;
	uint32_t n, line;
} config_seen;

typedef struct parser {
	const char *buf;
	size_t len, pos;
	uint32_t line;                  /* of the line being read, 1-based */
	int fill;                       /* second pass: store list items */
	size_t cap_env, cap_dir, cap_args, cap_config;  /* what the first pass counted */
	enum section sec;
	uint32_t sec_line[NSEC];        /* where each section started; 0: not yet */
	uint32_t key_line[NKEYS];       /* where each key was; 0: not yet */
	config_seen config[CONFIG_MAX]; /* [config] keys so far, first pass */
	size_t nconfig_seen;
	ep_manifest *m;
	ep_manifest_error *err;
} parser;

/* ---- errors ---- */

static int fail_at(parser *ps, uint32_t line, const char *fmt, ...)
{
	if (ps->err) {
		ps->err->line = line;
		va_list ap;
		va_start(ap, fmt);
		ep_vsnprintf(ps->err->msg, sizeof ps->err->msg, fmt, ap);
		va_end(ap);
	}
	return -1;
}

#define fail(ps, ...) fail_at((ps), (ps)->line, __VA_ARGS__)

/* How much of s a message quotes: at most QUOTE_MAX bytes, cut at a
 * character boundary so the message stays valid UTF-8 (s is, by then). */
static int quote_len(ep_span s)
{
	size_t n = s.n;
	if (n > QUOTE_MAX) {
		n = QUOTE_MAX;
		while (n > 0 && ((unsigned char)s.p[n] & 0xc0) == 0x80)
			n--;
	}
	return (int)n;
}

/* printf arguments for "%.*s%s": the quoted part of a span, "..." if cut. */
#define Q(s) quote_len(s), (s).p, ((size_t)quote_len(s) < (s).n ? "..." : "")

/* ---- spans ---- */

static int is_ws(char c) { return c == ' ' || c == '\t'; }

static ep_span span(const char *p, size_t n)
{
	ep_span s = { p, n };
	return s;
}

static ep_span trim(ep_span s)
{
	while (s.n && is_ws(s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n && is_ws(s.p[s.n - 1]))
		s.n--;
	return s;
}

static int eq(ep_span s, const char *lit)
{
	size_t n = strlen(lit);
	return s.n == n && memcmp(s.p, lit, n) == 0;
}

static int same(ep_span a, ep_span b)
{
	return a.n == b.n && (a.n == 0 || memcmp(a.p, b.p, a.n) == 0);
}

/* The next item of a comma-separated list at *rest (consumed), trimmed.
 * 0 when *rest is used up. An empty item is returned as one (n 0). */
static int next_item(ep_span *rest, ep_span *item, int *started)
{
	if (*started && rest->p == NULL)
		return 0;
	*started = 1;
	const char *comma = rest->n ? memchr(rest->p, ',', rest->n) : NULL;
	if (!comma) {
		*item = trim(*rest);
		rest->p = NULL;
		rest->n = 0;
		return 1;
	}
	*item = trim(span(rest->p, (size_t)(comma - rest->p)));
	rest->n -= (size_t)(comma - rest->p) + 1;
	rest->p = comma + 1;
	return 1;
}

/* ---- lines ---- */

/* Length of the UTF-8 sequence at s[0..n) and its code point, or 0 when it
 * is not one: strict, so no overlong forms, surrogates or values past
 * U+10FFFF. */
static size_t utf8_char(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t len;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
		len = 2, v = c & 0x1f, min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3, v = c & 0x0f, min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

/* The next line, without its LF or CRLF, checked byte by byte: 1 with the
 * line in *out, 0 at the end of the text, -1 on error. A final line
 * without a line end is a line; a text ending in LF has no empty last one. */
static int next_line(parser *ps, ep_span *out)
{
	if (ps->pos >= ps->len)
		return 0;
	ps->line++;
	const unsigned char *s = (const unsigned char *)ps->buf + ps->pos;
	size_t left = ps->len - ps->pos, i = 0, end = 0;
	for (;;) {
		if (i == left) {
			end = i;
			break;
		}
		if (s[i] == '\n') {
			end = i++;
			break;
		}
		if (s[i] == '\r') {
			if (i + 1 < left && s[i + 1] == '\n') {
				end = i;
				i += 2;
				break;
			}
			return fail(ps, "carriage return not followed by a line feed");
		}
		if (i >= LINE_MAX_BYTES)
			return fail(ps, "line longer than %d bytes", LINE_MAX_BYTES);
		uint32_t cp;
		size_t len = utf8_char(s + i, left - i, &cp);
		if (len == 0)
			return fail(ps, "invalid UTF-8 at byte %zu of the line", i + 1);
		if (cp == 0)
			return fail(ps, "NUL byte at byte %zu of the line", i + 1);
		if ((cp < 0x20 && cp != '\t') || (cp >= 0x7f && cp <= 0x9f))
			return fail(ps, "control character U+%04X at byte %zu of the line",
			            (unsigned)cp, i + 1);
		if (cp == 0xfeff && ps->line == 1 && i == 0)
			return fail(ps, "byte-order mark (U+FEFF) at the start of the file");
		i += len;
	}
	if (end > LINE_MAX_BYTES)
		return fail(ps, "line longer than %d bytes", LINE_MAX_BYTES);
	*out = span(ps->buf + ps->pos, end);
	ps->pos += i;
	return 1;
}

enum stmt { ST_BLANK, ST_SECTION, ST_KEY };

static int is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Splits a line into a section header (*name) or a key and its value.
 * A comment starts at a ';' or '#' that begins the line's text, follows a
 * section header, begins the value, or follows a space or tab. */
static int statement(parser *ps, ep_span line, ep_span *name, ep_span *value)
{
	ep_span t = trim(line);
	if (t.n == 0 || t.p[0] == ';' || t.p[0] == '#')
		return ST_BLANK;
	if (t.p[0] == '[') {
		const char *close = memchr(t.p, ']', t.n);
		if (!close)
			return fail(ps, "section header %.*s%s has no closing ]", Q(t));
		*name = span(t.p + 1, (size_t)(close - t.p - 1));
		ep_span after = trim(span(close + 1, t.n - (size_t)(close - t.p) - 1));
		if (after.n && after.p[0] != ';' && after.p[0] != '#')
			return fail(ps, "text after section header [%.*s%s]: %.*s%s", Q(*name), Q(after));
		return ST_SECTION;
	}
	const char *eqs = memchr(t.p, '=', t.n);
	if (!eqs)
		return fail(ps, "expected \"key = value\", \"[section]\" or a comment");
	*name = trim(span(t.p, (size_t)(eqs - t.p)));
	if (name->n == 0)
		return fail(ps, "no key before =");
	for (size_t i = 0; i < name->n; i++)
		if (!is_key_char(name->p[i]))
			return fail(ps, "invalid key \"%.*s%s\" (letters, digits and _ only)", Q(*name));
	ep_span v = trim(span(eqs + 1, t.n - (size_t)(eqs - t.p) - 1));
	size_t n = 0;
	for (; n < v.n; n++)
		if ((v.p[n] == ';' || v.p[n] == '#') && (n == 0 || is_ws(v.p[n - 1])))
			break;
	*value = trim(span(v.p, n));
	return ST_KEY;
}

/* ---- values ---- */

static int yes_no(parser *ps, const char *key, ep_span v, unsigned bit)
{
	if (eq(v, "yes"))
		ps->m->caps |= bit;
	else if (eq(v, "no"))
		ps->m->caps &= ~bit;
	else
		return fail(ps, "%s \"%.*s%s\": expected yes or no", key, Q(v));
	return 0;
}

static int check_id(parser *ps, ep_span v)
{
	if (v.n > ID_MAX)
		return fail(ps, "id \"%.*s%s\": longer than %d bytes", Q(v), ID_MAX);
	for (size_t i = 0; i < v.n; i++) {
		char c = v.p[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return fail(ps, "id \"%.*s%s\": use only a-z, 0-9, '.', '_' and '-'", Q(v));
	}
	return 0;
}

static int check_version(parser *ps, ep_span v)
{
	if (v.n > VERSION_MAX)
		return fail(ps, "version \"%.*s%s\": longer than %d bytes", Q(v), VERSION_MAX);
	for (size_t i = 0; i < v.n; i++)
		if ((unsigned char)v.p[i] <= ' ' || (unsigned char)v.p[i] > '~')
			return fail(ps, "version \"%.*s%s\": printable ASCII without spaces only", Q(v));
	return 0;
}

/* The module's path stays inside the manifest's folder: relative, and
 * every component a real name (no "", "." or ".."), so no spelling of it
 * can climb out or alias another path. Symlinks are the host's business. */
static int check_wasm(parser *ps, ep_span v)
{
	if (v.p[0] == '/')
		return fail(ps, "wasm \"%.*s%s\": not a path relative to the manifest's folder", Q(v));
	size_t start = 0;
	for (size_t i = 0; i <= v.n; i++) {
		if (i < v.n && v.p[i] != '/')
			continue;
		ep_span c = span(v.p + start, i - start);
		if (eq(c, ".."))
			return fail(ps, "wasm \"%.*s%s\": a \"..\" component leaves the manifest's folder", Q(v));
		if (c.n == 0 || eq(c, "."))
			return fail(ps, "wasm \"%.*s%s\": empty or \".\" path component", Q(v));
		start = i + 1;
	}
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int sha256(parser *ps, ep_span v)
{
	if (v.n != 64)
		return fail(ps, "sha256: expected 64 lowercase hex digits, got %zu characters", v.n);
	for (size_t i = 0; i < 32; i++) {
		int hi = hex_digit(v.p[2 * i]), lo = hex_digit(v.p[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return fail(ps, "sha256: expected 64 lowercase hex digits, got '%c' at %zu",
			            hi < 0 ? v.p[2 * i] : v.p[2 * i + 1], hi < 0 ? 2 * i + 1 : 2 * i + 2);
		ps->m->sha256[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

static int is_env_name(ep_span s)
{
	if (s.n == 0 || (s.p[0] >= '0' && s.p[0] <= '9'))
		return 0;
	for (size_t i = 0; i < s.n; i++)
		if (!is_key_char(s.p[i]))
			return 0;
	return 1;
}

/* "env": NAME or NAME=value items. Duplicates are found by looking back
 * over the items before: one line holds at most a few thousand. */
static int env_list(parser *ps, ep_span v)
{
	ep_manifest *m = ps->m;
	ep_span rest = v, item;
	int started = 0;
	while (next_item(&rest, &item, &started)) {
		if (item.n == 0)
			return fail(ps, "env: empty item in the list");
		const char *eqs = memchr(item.p, '=', item.n);
		ep_mf_env e = { item, { NULL, 0 }, 0 };
		if (eqs) {
			e.name = span(item.p, (size_t)(eqs - item.p));
			e.value = span(eqs + 1, item.n - e.name.n - 1);
			e.has_value = 1;
		}
		if (!is_env_name(e.name))
			return fail(ps, "env \"%.*s%s\": not a variable name ([A-Za-z_][A-Za-z0-9_]*)", Q(e.name));
		if (e.name.n >= sizeof reserved_env - 1 &&
		    memcmp(e.name.p, reserved_env, sizeof reserved_env - 1) == 0)
			return fail(ps, "env \"%.*s%s\": names starting with %s are reserved for [config]",
			            Q(e.name), reserved_env);
		if (ps->fill) {
			if (m->nenv == ps->cap_env)
				return fail(ps, "internal error: env list grew");
			m->env[m->nenv] = e;
		} else {
			ep_span back = v, prev;
			int bstarted = 0;
			for (size_t k = 0; k < m->nenv && next_item(&back, &prev, &bstarted); k++) {
				const char *peq = memchr(prev.p, '=', prev.n);
				if (peq)
					prev.n = (size_t)(peq - prev.p);
				if (same(prev, e.name))
					return fail(ps, "env: duplicate name \"%.*s%s\"", Q(e.name));
			}
		}
		m->nenv++;
	}
	return 0;
}

/* "dir": HOST::GUEST or HOST::GUEST:ro items, split at the first "::". */
static int dir_list(parser *ps, ep_span v)
{
	ep_manifest *m = ps->m;
	ep_span rest = v, item;
	int started = 0;
	while (next_item(&rest, &item, &started)) {
		if (item.n == 0)
			return fail(ps, "dir: empty item in the list");
		ep_mf_dir d;
		memset(&d, 0, sizeof d);
		size_t k = 0;
		while (k + 1 < item.n && !(item.p[k] == ':' && item.p[k + 1] == ':'))
			k++;
		if (k + 1 >= item.n)
			return fail(ps, "dir \"%.*s%s\": expected HOST::GUEST or HOST::GUEST:ro", Q(item));
		d.host = span(item.p, k);
		d.guest = span(item.p + k + 2, item.n - k - 2);
		if (d.guest.n >= 3 && memcmp(d.guest.p + d.guest.n - 3, ":ro", 3) == 0) {
			d.guest.n -= 3;
			d.readonly = 1;
		}
		if (d.host.n == 0)
			return fail(ps, "dir \"%.*s%s\": empty host path", Q(item));
		if (d.guest.n == 0)
			return fail(ps, "dir \"%.*s%s\": empty guest path", Q(item));
		if (is_ws(d.host.p[0]) || is_ws(d.host.p[d.host.n - 1]) ||
		    is_ws(d.guest.p[0]) || is_ws(d.guest.p[d.guest.n - 1]))
			return fail(ps, "dir \"%.*s%s\": a path starts or ends with a space", Q(item));
		for (size_t j = 0; j + 1 < d.guest.n; j++)
			if (d.guest.p[j] == ':' && d.guest.p[j + 1] == ':')
				return fail(ps, "dir \"%.*s%s\": more than one \"::\"", Q(item));
		if (ps->fill) {
			if (m->ndir == ps->cap_dir)
				return fail(ps, "internal error: dir list grew");
			m->dir[m->ndir] = d;
			m->line_dir[m->ndir] = ps->line;
		} else {
			/* The items before this one are valid: re-split them. */
			ep_span back = v, prev;
			int bstarted = 0;
			for (size_t j = 0; j < m->ndir && next_item(&back, &prev, &bstarted); j++) {
				size_t c = 0;
				while (!(prev.p[c] == ':' && prev.p[c + 1] == ':'))
					c++;
				ep_span g = span(prev.p + c + 2, prev.n - c - 2);
				if (g.n >= 3 && memcmp(g.p + g.n - 3, ":ro", 3) == 0)
					g.n -= 3;
				if (same(g, d.guest))
					return fail(ps, "dir: duplicate guest path \"%.*s%s\"", Q(d.guest));
			}
		}
		m->ndir++;
	}
	return 0;
}

/* "args": split on spaces and tabs; no quoting, no escapes. */
static int args_list(parser *ps, ep_span v)
{
	ep_manifest *m = ps->m;
	m->has_args = 1;
	size_t i = 0;
	while (i < v.n) {
		while (i < v.n && is_ws(v.p[i]))
			i++;
		if (i == v.n)
			break;
		size_t start = i;
		while (i < v.n && !is_ws(v.p[i]))
			i++;
		if (ps->fill) {
			if (m->nargs == ps->cap_args)
				return fail(ps, "internal error: args list grew");
			m->args[m->nargs] = span(v.p + start, i - start);
		}
		m->nargs++;
	}
	return 0;
}

/* [limits]: the ranges of the matching `edgeplug run` options. */
static int limit(parser *ps, enum key k, ep_span v)
{
	ep_mf_limits *l = &ps->m->limits;
	const char *name = keys[k].name;
	uint64_t n;
	switch (k) {
	case K_FUEL:
		if (!ep_parse_count(v.p, v.n, &n))
			goto count;
		l->has_fuel = 1, l->fuel = n;
		return 0;
	case K_CALL_DEPTH:
		if (!ep_parse_count(v.p, v.n, &n))
			goto count;
		if (n == 0 || n > 100000000)
			return fail(ps, "%s \"%.*s%s\": out of range (1 to 100000000)", name, Q(v));
		l->has_call_depth = 1, l->call_depth = n;
		return 0;
	case K_TABLE_ELEMENTS:
		if (!ep_parse_count(v.p, v.n, &n))
			goto count;
		if (n == 0 || n > UINT32_MAX)
			return fail(ps, "%s \"%.*s%s\": out of range (1 to 4294967295)", name, Q(v));
		l->has_table_elements = 1, l->table_elements = n;
		return 0;
	case K_TIMEOUT:
		if (!ep_parse_duration_ms(v.p, v.n, &n))
			return fail(ps, "%s \"%.*s%s\": not a valid duration (e.g. 500ms, 2s, 1m)", name, Q(v));
		if (n == 0)
			return fail(ps, "%s \"%.*s%s\": must be more than 0", name, Q(v));
		l->has_timeout = 1, l->timeout_ms = n;
		return 0;
	default:
		break;
	}
	if (!ep_parse_size(v.p, v.n, &n))
		return fail(ps, "%s \"%.*s%s\": not a valid size (e.g. 65536, 64K, 16M)", name, Q(v));
	switch (k) {
	case K_MEMORY:
		if (n < 65536)
			return fail(ps, "%s \"%.*s%s\": less than one 64 KiB page", name, Q(v));
		l->has_memory = 1, l->memory = n;
		break;
	case K_STACK:
		if (n < 8)
			return fail(ps, "%s \"%.*s%s\": less than 8 bytes (one slot)", name, Q(v));
		if (n / 8 > UINT32_MAX)
			return fail(ps, "%s \"%.*s%s\": more than 4294967295 slots of 8 bytes", name, Q(v));
		l->has_stack = 1, l->stack = n;
		break;
	case K_RUNTIME_MEMORY:
		if (n == 0)
			return fail(ps, "%s \"%.*s%s\": must be more than 0", name, Q(v));
		l->has_runtime_memory = 1, l->runtime_memory = n;
		break;
	default: /* K_OUTPUT: 0 is "no output at all" */
		l->has_output = 1, l->output = n;
		break;
	}
	return 0;
count:
	return fail(ps, "%s \"%.*s%s\": not a valid count", name, Q(v));
}

static int key_value(parser *ps, enum key k, ep_span v)
{
	ep_manifest *m = ps->m;
	if (v.n == 0 && k != K_DESCRIPTION && k != K_ARGS)
		return fail(ps, "empty value for \"%s\"", keys[k].name);
	switch (k) {
	case K_ID:
		m->id = v;
		return check_id(ps, v);
	case K_VERSION:
		m->version = v;
		return check_version(ps, v);
	case K_WASM:
		m->wasm = v;
		m->line_wasm = ps->line;
		return check_wasm(ps, v);
	case K_SHA256:
		m->line_sha256 = ps->line;
		return sha256(ps, v);
	case K_ENTRY:
		if (v.n > ENTRY_MAX)
			return fail(ps, "entry \"%.*s%s\": longer than %d bytes", Q(v), ENTRY_MAX);
		m->entry = v;
		m->line_entry = ps->line;
		return 0;
	case K_DESCRIPTION:
		m->description = v;
		return 0;
	case K_STDIN: return yes_no(ps, "stdin", v, EP_MF_STDIN);
	case K_STDOUT: return yes_no(ps, "stdout", v, EP_MF_STDOUT);
	case K_STDERR: return yes_no(ps, "stderr", v, EP_MF_STDERR);
	case K_CLOCK: return yes_no(ps, "clock", v, EP_MF_CLOCK);
	case K_RANDOM: return yes_no(ps, "random", v, EP_MF_RANDOM);
	case K_ENV: return env_list(ps, v);
	case K_DIR: return dir_list(ps, v);
	case K_ARGS:
		return args_list(ps, v);
	default:
		return limit(ps, k, v);
	}
}

static int config_entry(parser *ps, ep_span key, ep_span v)
{
	ep_manifest *m = ps->m;
	if (ps->fill) {
		if (m->nconfig == ps->cap_config)
			return fail(ps, "internal error: config list grew");
		ep_mf_config c = { key, v, ps->line };
		m->config[m->nconfig++] = c;
		return 0;
	}
	if (key.n > CONFIG_KEY_MAX)
		return fail(ps, "[config] key \"%.*s%s\": longer than %d bytes", Q(key), CONFIG_KEY_MAX);
	for (size_t i = 0; i < ps->nconfig_seen; i++) {
		config_seen *c = &ps->config[i];
		if (same(key, span(c->p, c->n)))
			return fail(ps, "duplicate key \"%.*s%s\" (first on line %u)", Q(key), (unsigned)c->line);
	}
	if (ps->nconfig_seen == CONFIG_MAX)
		return fail(ps, "more than %d keys in [config]", CONFIG_MAX);
	config_seen c = { key.p, (uint32_t)key.n, ps->line };
	ps->config[ps->nconfig_seen++] = c;
	m->nconfig++;
	return 0;
}

/* One pass over the whole text. */
static int pass(parser *ps)
{
	ps->pos = 0;
	ps->line = 0;
	ps->sec = SEC_NONE;
	ps->nconfig_seen = 0;
	memset(ps->sec_line, 0, sizeof ps->sec_line);
	memset(ps->key_line, 0, sizeof ps->key_line);
	ep_span line, name, value;
	int r;
	while ((r = next_line(ps, &line)) > 0) {
		int st = statement(ps, line, &name, &value);
		if (st < 0)
			return -1;
		if (st == ST_SECTION) {
			enum section s = SEC_PLUGIN;
			while (s < NSEC && !eq(name, section_names[s]))
				s++;
			if (s == NSEC)
				return fail(ps, "unknown section [%.*s%s]", Q(name));
			if (ps->sec_line[s])
				return fail(ps, "duplicate section [%s] (first on line %u)",
				            section_names[s], (unsigned)ps->sec_line[s]);
			ps->sec_line[s] = ps->line;
			ps->sec = s;
		} else if (st == ST_KEY) {
			if (ps->sec == SEC_NONE)
				return fail(ps, "key \"%.*s%s\" outside any section", Q(name));
			if (ps->sec == SEC_CONFIG) {
				if (config_entry(ps, name, value) < 0)
					return -1;
				continue;
			}
			enum key k = 0;
			while (k < NKEYS && !(keys[k].sec == ps->sec && eq(name, keys[k].name)))
				k++;
			if (k == NKEYS)
				return fail(ps, "unknown key \"%.*s%s\" in [%s]", Q(name), section_names[ps->sec]);
			if (ps->key_line[k])
				return fail(ps, "duplicate key \"%s\" (first on line %u)",
				            keys[k].name, (unsigned)ps->key_line[k]);
			ps->key_line[k] = ps->line;
			if (key_value(ps, k, value) < 0)
				return -1;
		}
	}
	if (r < 0)
		return -1;
	if (!ps->sec_line[SEC_PLUGIN])
		return fail_at(ps, 0, "missing [plugin] section");
	for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
		if (!ps->key_line[required[i]])
			return fail_at(ps, 0, "missing required key \"%s\" in [plugin]", keys[required[i]].name);
	return 0;
}

/* ---- allocation ---- */

static void *default_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	(void)ud;
	(void)osize;
	if (nsize == 0) {
		free(ptr);
		return NULL;
	}
	return realloc(ptr, nsize);
}

/* n elements of size bytes, NULL when n is 0; a refusal sets *refused. */
static void *alloc_list(ep_alloc_fn a, void *ud, size_t n, size_t size, int *refused)
{
	if (n == 0 || *refused)
		return NULL;
	void *p = n <= SIZE_MAX / size ? a(ud, NULL, 0, n * size) : NULL;
	if (!p)
		*refused = 1;
	return p;
}

static void free_list(ep_alloc_fn a, void *ud, void *p, size_t n, size_t size)
{
	if (p)
		a(ud, p, n * size, 0);
}

void ep_manifest_free(ep_manifest *m, ep_alloc_fn alloc, void *ud)
{
	if (!m)
		return;
	if (!alloc)
		alloc = default_alloc;
	free_list(alloc, ud, m->env, m->nenv, sizeof *m->env);
	free_list(alloc, ud, m->dir, m->ndir, sizeof *m->dir);
	free_list(alloc, ud, m->line_dir, m->ndir, sizeof *m->line_dir);
	free_list(alloc, ud, m->args, m->nargs, sizeof *m->args);
	free_list(alloc, ud, m->config, m->nconfig, sizeof *m->config);
	memset(m, 0, sizeof *m);
}

ep_status ep_manifest_parse(const char *buf, size_t len, ep_alloc_fn alloc, void *ud,
                            ep_manifest *out, ep_manifest_error *err)
{
	if (err) {
		err->line = 0;
		err->msg[0] = '\0';
	}
	if (!out || (!buf && len)) {
		if (err)
			ep_snprintf(err->msg, sizeof err->msg, "no manifest or no place for the result");
		return EP_ERR_ARG;
	}
	memset(out, 0, sizeof *out);
	if (!alloc)
		alloc = default_alloc;
	/* A few KiB, most of it the [config] duplicate table. */
	parser pst, *ps = &pst;
	memset(ps, 0, sizeof *ps);
	ps->buf = buf ? buf : "";
	ps->len = len;
	ps->m = out;
	ps->err = err;
	if (pass(ps) < 0) {
		memset(out, 0, sizeof *out);
		return EP_ERR_MALFORMED;
	}
	/* Counted; now allocate exactly that much, then store. */
	ep_manifest counted = *out;
	memset(out, 0, sizeof *out);
	out->nenv = counted.nenv;
	out->ndir = counted.ndir;
	out->nargs = counted.nargs;
	out->nconfig = counted.nconfig;
	int refused = 0;
	out->env = alloc_list(alloc, ud, counted.nenv, sizeof *out->env, &refused);
	out->dir = alloc_list(alloc, ud, counted.ndir, sizeof *out->dir, &refused);
	out->line_dir = alloc_list(alloc, ud, counted.ndir, sizeof *out->line_dir, &refused);
	out->args = alloc_list(alloc, ud, counted.nargs, sizeof *out->args, &refused);
	out->config = alloc_list(alloc, ud, counted.nconfig, sizeof *out->config, &refused);
	if (refused) {
		ep_manifest_free(out, alloc, ud);
		if (err)
			ep_snprintf(err->msg, sizeof err->msg, "out of memory");
		return EP_ERR_NOMEM;
	}
	out->nenv = out->ndir = out->nargs = out->nconfig = 0;
	ps->fill = 1;
	ps->cap_env = counted.nenv;
	ps->cap_dir = counted.ndir;
	ps->cap_args = counted.nargs;
	ps->cap_config = counted.nconfig;
	/* The text passed once, so it passes again; the counts must agree. */
	if (pass(ps) < 0 || out->nenv != counted.nenv || out->ndir != counted.ndir ||
	    out->nargs != counted.nargs || out->nconfig != counted.nconfig) {
		out->nenv = counted.nenv;
		out->ndir = counted.ndir;
		out->nargs = counted.nargs;
		out->nconfig = counted.nconfig;
		ep_manifest_free(out, alloc, ud);
		if (err)
			ep_snprintf(err->msg, sizeof err->msg, "internal error: second pass disagrees");
		return EP_ERR_MALFORMED;
	}
	return EP_OK;
}
