/*
 * manifest.c - plugin manifests (docs/manifest.md): INI-style text in the
 * caller's buffer to a checked ep_manifest. Owns the line syntax and every
 * per-key rule; knows nothing of files, WASI, the engine or signatures, and
 * never prints. Two passes over the same text: the first checks everything
 * and counts the list items, the second, after the lists are allocated at
 * their exact sizes, fills them. So a malformed manifest never allocates,
 * and an allocator failure can only happen to a manifest that is valid.
 * Written for size (it ships on boards with little flash): keys are words
 * of one list, [limits] is a table, the lists share one splitter, and an
 * error is a code whose message is built from parts in one place.
 */
#include <stddef.h>
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
#define RESERVED_ENV "EDGEPLUG_CONFIG_"

#define STR_(x) #x
#define STR(x) STR_(x)

/* ---- messages ---- */

/* The parts a message is built from (fail()), bytes no message has:
 * NAME is the key or section ps->name, Q and R quote ps->q[0] and
 * ps->q[1], D is ps->num[0] in decimal and H ps->num[1] as 4 hex digits. */
enum part { P_NAME = 1, P_Q, P_R, P_D, P_H, P_PHRASE = 0x10 };
#define NAME "\1"
#define Q "\2"
#define R "\3"
#define D "\4"
#define H "\5"

/* The phrases that more than one message has, each stored once: byte
 * P_PHRASE + i in a message stands for the i-th of phrases. */
#define KV "\x10"               /* the start of most: NAME "Q": */
#define AT_BYTE "\x11"
#define SHA_WANT "\x12"
#define FIRST_ON "\x13"
#define NOT_VALID "\x14"
#define DUPLICATE "\x15"
#define KEY_Q "\x16"
#define FOLDER "\x17"
#define THAN "\x18"
#define EMPTY "\x19"
#define SECTION "\x1a"
#define PATH "\x1b"
#define BYTES "\x1c"
#define EXPECTED "\x1d"
#define CONFIG "\x1e"

static const char phrases[] =
	NAME " \"" Q "\": \0"                                   /* KV */
	" at byte " D " of the line\0"                          /* AT_BYTE */
	"sha256: " EXPECTED "64 lowercase hex digits, got \0"   /* SHA_WANT */
	" (first on line " D ")\0"                              /* FIRST_ON */
	KV "not a valid \0"                                     /* NOT_VALID */
	"duplicate \0"                                          /* DUPLICATE */
	"key \"" Q "\"\0"                                       /* KEY_Q */
	" the manifest's folder\0"                              /* FOLDER */
	" than \0"                                              /* THAN */
	"empty \0"                                              /* EMPTY */
	"section\0"                                             /* SECTION */
	" path\0"                                               /* PATH */
	" bytes\0"                                              /* BYTES */
	"expected \0"                                           /* EXPECTED */
	"[config]";                                             /* CONFIG */

/* Every error, its code and its text. Those from E_NO_PLUGIN on are about
 * the whole text and have line 0. */
#define MESSAGES(X) \
	X(E_CR, "carriage return not followed by a line feed") \
	X(E_LONG, "line longer" THAN STR(LINE_MAX_BYTES) BYTES) \
	X(E_UTF8, "invalid UTF-8" AT_BYTE) \
	X(E_NUL, "NUL byte" AT_BYTE) \
	X(E_CONTROL, "control character U+" H AT_BYTE) \
	X(E_BOM, "byte-order mark (U+FEFF) at the start of the file") \
	X(E_NO_CLOSE, SECTION " header " Q " has no closing ]") \
	X(E_AFTER, "text after " SECTION " header [" Q "]: " R) \
	X(E_NO_EQ, EXPECTED "\"key = value\", \"[" SECTION "]\" or a comment") \
	X(E_NO_KEY, "no key before =") \
	X(E_KEY_CHARS, "invalid " KEY_Q " (letters, digits and _ only)") \
	X(E_SECTION, "unknown " SECTION " [" Q "]") \
	X(E_DUP_SECTION, DUPLICATE SECTION " [" NAME "]" FIRST_ON) \
	X(E_OUTSIDE, KEY_Q " outside any " SECTION) \
	X(E_KEY, "unknown " KEY_Q " in [" NAME "]") \
	X(E_DUP_KEY, DUPLICATE KEY_Q FIRST_ON) \
	X(E_CONFIG_LONG, CONFIG " " KEY_Q ": longer" THAN STR(CONFIG_KEY_MAX) BYTES) \
	X(E_CONFIG_MANY, "more" THAN STR(CONFIG_MAX) " keys in " CONFIG) \
	X(E_EMPTY, EMPTY "value for \"" NAME "\"") \
	X(E_TOO_LONG, KV "longer" THAN D BYTES) \
	X(E_ID, KV "use only a-z, 0-9, '.', '_' and '-'") \
	X(E_VERSION, KV "printable ASCII without spaces only") \
	X(E_WASM_ABS, KV "not a path relative to" FOLDER) \
	X(E_WASM_UP, KV "a \"..\" component leaves" FOLDER) \
	X(E_WASM_DOT, KV EMPTY "or \".\"" PATH " component") \
	X(E_SHA_LEN, SHA_WANT D " characters") \
	X(E_SHA_DIGIT, SHA_WANT "'" Q "' at " D) \
	X(E_YES_NO, KV EXPECTED "yes or no") \
	X(E_EMPTY_ITEM, NAME ": " EMPTY "item in the list") \
	X(E_ENV_DUP, NAME ": " DUPLICATE "name \"" Q "\"") \
	X(E_DIR_DUP, NAME ": " DUPLICATE "guest" PATH " \"" Q "\"") \
	X(E_ENV_NAME, KV "not a variable name ([A-Za-z_][A-Za-z0-9_]*)") \
	X(E_ENV_RESERVED, KV "names starting with " RESERVED_ENV " are reserved for " CONFIG) \
	X(E_DIR_FORM, KV EXPECTED "HOST::GUEST or HOST::GUEST:ro") \
	X(E_DIR_HOST, KV EMPTY "host" PATH) \
	X(E_DIR_GUEST, KV EMPTY "guest" PATH) \
	X(E_DIR_SPACE, KV "a" PATH " starts or ends with a space") \
	X(E_DIR_COLONS, KV "more" THAN "one \"::\"") \
	X(E_COUNT, NOT_VALID "count") \
	X(E_SIZE, NOT_VALID "size (e.g. 65536, 64K, 16M)") \
	X(E_DURATION, NOT_VALID "duration (e.g. 500ms, 2s, 1m)") \
	X(E_PAGE, KV "less" THAN "one 64 KiB page") \
	X(E_POSITIVE, KV "must be more" THAN "0") \
	X(E_RANGE, KV "out of range (1 to " D ")") \
	X(E_STACK_LOW, KV "less" THAN "8" BYTES " (one slot)") \
	X(E_STACK_HIGH, KV "more" THAN "4294967295 slots of 8" BYTES) \
	X(E_NO_PLUGIN, "missing [plugin] " SECTION) \
	X(E_MISSING, "missing required key \"" NAME "\" in [plugin]") \
	X(E_NOMEM, "out of memory") \
	X(E_INTERNAL, "internal error: second pass disagrees") \
	X(E_ARG, "no manifest or no place for the result")

#define CODE(c, text) c,
#define TEXT(c, text) text "\0"
enum code { MESSAGES(CODE) NCODES };
static const char messages[] = MESSAGES(TEXT);

/* ---- keys ---- */

/* The sections, then the keys of each in turn, as one list of words: a
 * word's index is its id (enum word). nth() and find() read it. */
static const char words[] =
	"plugin\0capabilities\0limits\0config\0"
	"id\0version\0wasm\0sha256\0entry\0description\0"
	"stdin\0stdout\0stderr\0clock\0random\0env\0dir\0args\0"
	"fuel\0memory\0timeout\0call_depth\0stack\0runtime_memory\0output\0table_elements\0"
	"no\0yes";

enum word {
	S_PLUGIN, S_CAPS, S_LIMITS, S_CONFIG,
	K_ID, K_VERSION, K_WASM, K_SHA256, K_ENTRY, K_DESCRIPTION,
	K_STDIN, K_STDOUT, K_STDERR, K_CLOCK, K_RANDOM, K_ENV, K_DIR, K_ARGS,
	K_FUEL, K_MEMORY, K_TIMEOUT, K_CALL_DEPTH, K_STACK, K_RUNTIME_MEMORY, K_OUTPUT,
	K_TABLE_ELEMENTS, NWORDS,
	W_NO = NWORDS, W_YES            /* the values of [capabilities]' booleans */
};

/* The keys of section s are first_key[s] .. first_key[s + 1] - 1; those of
 * [config] are free. [plugin]'s first four are the required ones. */
static const unsigned char first_key[] = { K_ID, K_STDIN, K_FUEL, NWORDS };

/* [limits], in key order: the ranges of the matching `edgeplug run`
 * options, and the codes of a value below min and above max. */
enum unit { U_COUNT, U_SIZE, U_DURATION };   /* in the order of E_COUNT ... */

static const uint64_t limit_max[] = { UINT64_MAX, 100000000, 8ull * UINT32_MAX + 7, UINT32_MAX };

static const struct limit_def {
	uint32_t min;
	unsigned char unit, max, low, high;     /* max: an index into limit_max */
} limit_defs[] = {
	{ 0, U_COUNT, 0, 0, 0 },                            /* fuel */
	{ 65536, U_SIZE, 0, E_PAGE, 0 },                    /* memory */
	{ 1, U_DURATION, 0, E_POSITIVE, 0 },                /* timeout */
	{ 1, U_COUNT, 1, E_RANGE, E_RANGE },                /* call_depth */
	{ 8, U_SIZE, 2, E_STACK_LOW, E_STACK_HIGH },        /* stack: 2^32-1 slots of 8 bytes */
	{ 1, U_SIZE, 0, E_POSITIVE, 0 },                    /* runtime_memory */
	{ 0, U_SIZE, 0, 0, 0 },                             /* output: 0 is "no output at all" */
	{ 1, U_COUNT, 3, E_RANGE, E_RANGE },                /* table_elements */
};

static int (*const parse_unit[])(const char *, size_t, uint64_t *) = {
	ep_parse_count, ep_parse_size, ep_parse_duration_ms
};

/* limit() stores key i of [limits] as the i-th has_ flag and value ... */
_Static_assert(offsetof(ep_mf_limits, has_table_elements) ==
               offsetof(ep_mf_limits, has_fuel) + 7 * sizeof(int), "has_ flags in key order");
_Static_assert(offsetof(ep_mf_limits, table_elements) ==
               offsetof(ep_mf_limits, fuel) + 7 * sizeof(uint64_t), "limits in key order");
/* ... and key_value() the spans of [plugin] in key order, sha256 left out. */
_Static_assert(offsetof(ep_manifest, description) ==
               offsetof(ep_manifest, id) + 4 * sizeof(ep_span), "[plugin] spans in key order");

/* The lists of an ep_manifest, counted on the first pass, filled on the
 * second; env, dir and args in the order of their keys. */
enum list { L_ENV, L_DIR, L_ARGS, L_CONFIG, NLISTS };

typedef struct config_seen {
	const char *p;
	uint32_t n, line;
} config_seen;

typedef struct parser {
	/* The fields used most come first: small offsets make short
	 * instructions (Thumb-1 reaches 124 bytes). */
	ep_manifest *m;
	ep_manifest_error *err;
	const char *buf;
	size_t len, pos;
	uint32_t line;                  /* of the line being read, 1-based */
	int sec;                        /* the section being read; -1 before the first */
	/* What a message names, quotes and counts. */
	const char *name;
	ep_span q[2];
	uint32_t num[2];
	size_t n[NLISTS];               /* items so far, this pass */
	size_t cap[NLISTS];             /* what the first pass counted; 0 on it */
	uint32_t seen[NWORDS];          /* the line of each section and key so far; 0: not yet */
	config_seen config[CONFIG_MAX]; /* [config] keys so far (n[L_CONFIG] of them) */
} parser;

/* ---- errors ---- */

/* Word i of a list of NUL-separated words (words, messages). */
static const char *nth(const char *w, int i)
{
	while (i-- > 0)
		w += strlen(w) + 1;
	return w;
}

/* s as a message quotes it, into q[QUOTE_MAX + 4]: at most QUOTE_MAX bytes,
 * cut at a character boundary so the message stays valid UTF-8 (s is, by
 * then, and holds no NUL), then "..." when cut. */
static void quote(char *q, ep_span s)
{
	size_t n = s.n;
	if (n > QUOTE_MAX) {
		n = QUOTE_MAX;
		while (n > 0 && ((unsigned char)s.p[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(q, s.p, n);
	strcpy(q + n, n < s.n ? "..." : "");
}

/* Appends message text t, its parts filled in, to msg[0..at); returns the
 * new length. A message that does not fit is cut (none comes near). */
static size_t put(const parser *ps, char *msg, size_t at, const char *t)
{
	for (; *t; t++) {
		char buf[QUOTE_MAX + 4];
		const char *s = buf;
		if (*t >= P_PHRASE && *t < ' ') {
			at = put(ps, msg, at, nth(phrases, *t - P_PHRASE));
			continue;
		}
		switch (*t) {
		case P_NAME:
			s = ps->name;
			break;
		case P_Q:
		case P_R:
			quote(buf, ps->q[*t - P_Q]);
			break;
		case P_D:
		case P_H:
			ep_snprintf(buf, sizeof buf, *t == P_D ? "%lu" : "%04lX", (unsigned long)ps->num[*t - P_D]);
			break;
		default:
			buf[0] = *t;
			buf[1] = '\0';
		}
		while (*s && at < sizeof ps->err->msg - 1)
			msg[at++] = *s++;
	}
	return at;
}

/* Sets the error (if the caller wants it) and returns -1. */
static int fail(parser *ps, int code)
{
	ep_manifest_error *err = ps->err;
	if (err) {
		err->line = code < E_NO_PLUGIN ? ps->line : 0;
		err->msg[put(ps, err->msg, 0, nth(messages, code))] = '\0';
	}
	return -1;
}

/* The same, quoting q. */
static int bad(parser *ps, int code, ep_span q)
{
	ps->q[0] = q;
	return fail(ps, code);
}

/* ---- spans and words ---- */

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

/* The id of s among words from .. to - 1; to when it is none of them. */
static int find(ep_span s, int from, int to)
{
	for (const char *w = nth(words, from); from < to && !eq(s, w); from++)
		w += strlen(w) + 1;
	return from;
}

/* The next item of *rest, consumed and trimmed: up to the next comma, or
 * (words) up to the next space or tab, with empty words skipped. 0 when
 * *rest is used up. A comma list has one item more than it has commas,
 * empty ones included. */
static int next_item(ep_span *rest, ep_span *item, int words)
{
	if (words)
		*rest = trim(*rest);
	if (!rest->p || (words && !rest->n))
		return 0;
	size_t i = 0;
	while (i < rest->n && (words ? !is_ws(rest->p[i]) : rest->p[i] != ','))
		i++;
	*item = trim(span(rest->p, i));
	*rest = i < rest->n ? span(rest->p + i + 1, rest->n - i - 1) : span(NULL, 0);
	return 1;
}

/* ---- lines ---- */

/* Length of the UTF-8 sequence at s[0..n) and its code point, or 0 when it
 * is not one: strict, so no overlong forms, surrogates or values past
 * U+10FFFF. A lead byte of 0xc2 or more cannot make an overlong pair. */
static size_t utf8_char(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned c = s[0];
	size_t len = c < 0x80 ? 1 : c < 0xc2 ? 0 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : c < 0xf5 ? 4 : 0;
	uint32_t v = len > 1 ? c & (0x7fu >> len) : c;
	if (len == 0 || len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	if ((len > 2 && v < 1u << (5 * len - 4)) || v > 0x10ffff || v >> 11 == 0x1b)
		return 0;
	*cp = v;
	return len;
}

/* The next line, without its LF or CRLF, checked byte by byte: 1 with the
 * line in *out, 0 at the end of the text, -1 on error. A final line
 * without a line end is a line; a text ending in LF has no empty last one.
 * Which error wins at a byte: a stray CR, then the length, then the
 * character itself. */
static int next_line(parser *ps, ep_span *out)
{
	if (ps->pos >= ps->len)
		return 0;
	ps->line++;
	const unsigned char *s = (const unsigned char *)ps->buf + ps->pos;
	size_t left = ps->len - ps->pos, i = 0;
	for (;;) {
		int end = i == left || s[i] == '\n' || (s[i] == '\r' && i + 1 < left && s[i + 1] == '\n');
		if (!end && s[i] == '\r')
			return fail(ps, E_CR);
		/* Past the limit: a line end after it, anything else at it. */
		if (i + !end > LINE_MAX_BYTES)
			return fail(ps, E_LONG);
		if (end)
			break;
		uint32_t cp = 0;
		size_t len = utf8_char(s + i, left - i, &cp);
		ps->num[0] = i + 1;
		ps->num[1] = cp;
		if (len == 0)
			return fail(ps, E_UTF8);
		if (cp == 0)
			return fail(ps, E_NUL);
		if ((cp < 0x20 && cp != '\t') || (cp >= 0x7f && cp <= 0x9f))
			return fail(ps, E_CONTROL);
		if (cp == 0xfeff && ps->line == 1 && i == 0)
			return fail(ps, E_BOM);
		i += len;
	}
	*out = span(ps->buf + ps->pos, i);
	ps->pos += i + (i < left) + (i < left && s[i] == '\r');
	return 1;
}

enum stmt { ST_BLANK, ST_SECTION, ST_KEY };

/* 1 when s is all of A-Z a-z 0-9 _ (or empty). */
static int key_chars(ep_span s)
{
	for (size_t i = 0; i < s.n; i++) {
		char c = s.p[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
			return 0;
	}
	return 1;
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
			return bad(ps, E_NO_CLOSE, t);
		*name = span(t.p + 1, (size_t)(close - t.p - 1));
		ps->q[1] = trim(span(close + 1, t.n - (size_t)(close - t.p) - 1));
		if (ps->q[1].n && ps->q[1].p[0] != ';' && ps->q[1].p[0] != '#')
			return bad(ps, E_AFTER, *name);
		return ST_SECTION;
	}
	const char *eqs = memchr(t.p, '=', t.n);
	if (!eqs)
		return fail(ps, E_NO_EQ);
	*name = trim(span(t.p, (size_t)(eqs - t.p)));
	if (name->n == 0)
		return fail(ps, E_NO_KEY);
	if (!key_chars(*name))
		return bad(ps, E_KEY_CHARS, *name);
	ep_span v = trim(span(eqs + 1, t.n - (size_t)(eqs - t.p) - 1));
	size_t n = 0;
	for (; n < v.n; n++)
		if ((v.p[n] == ';' || v.p[n] == '#') && (n == 0 || is_ws(v.p[n - 1])))
			break;
	*value = trim(span(v.p, n));
	return ST_KEY;
}

/* ---- values ---- */

/* The module's path stays inside the manifest's folder: relative, and
 * every component a real name (no "", "." or ".."), so no spelling of it
 * can climb out or alias another path. Symlinks are the host's business. */
static int check_wasm(parser *ps, ep_span v)   /* ps->q[0] is v (key_value) */
{
	if (v.p[0] == '/')
		return fail(ps, E_WASM_ABS);
	for (size_t i = 0, start = 0; i <= v.n; i++) {
		if (i < v.n && v.p[i] != '/')
			continue;
		/* The bad components, "", "." and "..", are the prefixes of "..". */
		size_t n = i - start;
		if (n <= 2 && memcmp(v.p + start, "..", n) == 0)
			return fail(ps, n == 2 ? E_WASM_UP : E_WASM_DOT);
		start = i + 1;
	}
	return 0;
}

static int sha256(parser *ps, ep_span v)
{
	ps->num[0] = v.n;
	if (v.n != 64)
		return fail(ps, E_SHA_LEN);
	static const char hex[16] = "0123456789abcdef";
	for (size_t i = 0; i < 64; i++) {
		const char *d = memchr(hex, v.p[i], sizeof hex);
		ps->num[0] = i + 1;
		if (!d)
			return bad(ps, E_SHA_DIGIT, span(v.p + i, 1));
		/* Two digits a byte: the second shifts whatever was there out. */
		ps->m->sha256[i / 2] = (uint8_t)(ps->m->sha256[i / 2] << 4 | (d - hex));
	}
	return 0;
}

/* env: NAME or NAME=value, checked into *e; *key is NAME, which must
 * differ from the other items'. */
static int env_item(parser *ps, ep_span it, ep_mf_env *e, ep_span *key)
{
	const char *eqs = memchr(it.p, '=', it.n);
	e->name = it;
	e->value = span(NULL, 0);
	e->has_value = eqs != NULL;
	if (eqs) {
		e->name.n = (size_t)(eqs - it.p);
		e->value = span(eqs + 1, it.n - e->name.n - 1);
	}
	*key = e->name;
	if (!e->name.n || (e->name.p[0] >= '0' && e->name.p[0] <= '9') || !key_chars(e->name))
		return bad(ps, E_ENV_NAME, e->name);
	if (e->name.n >= sizeof RESERVED_ENV - 1 &&
	    memcmp(e->name.p, RESERVED_ENV, sizeof RESERVED_ENV - 1) == 0)
		return bad(ps, E_ENV_RESERVED, e->name);
	return 0;
}

/* Where the first "::" of s starts; s.n when it has none. */
static size_t colons(ep_span s)
{
	size_t k = 0;
	while (k + 1 < s.n && !(s.p[k] == ':' && s.p[k + 1] == ':'))
		k++;
	return k + 1 < s.n ? k : s.n;
}

/* dir: HOST::GUEST or HOST::GUEST:ro, split at the first "::", checked
 * into *d; *key is GUEST, which must differ from the other items'. */
static int dir_item(parser *ps, ep_span it, ep_mf_dir *d, ep_span *key)
{
	size_t k = colons(it);
	ps->q[0] = it;
	if (k == it.n)
		return fail(ps, E_DIR_FORM);
	d->host = span(it.p, k);
	d->guest = span(it.p + k + 2, it.n - k - 2);
	d->readonly = d->guest.n >= 3 && memcmp(d->guest.p + d->guest.n - 3, ":ro", 3) == 0;
	if (d->readonly)
		d->guest.n -= 3;
	*key = d->guest;
	if (d->host.n == 0)
		return fail(ps, E_DIR_HOST);
	if (d->guest.n == 0)
		return fail(ps, E_DIR_GUEST);
	if (trim(d->host).n != d->host.n || trim(d->guest).n != d->guest.n)
		return fail(ps, E_DIR_SPACE);
	if (colons(d->guest) != d->guest.n)
		return fail(ps, E_DIR_COLONS);
	return 0;
}

/* An env or dir item into *dst (an ep_mf_env or ep_mf_dir). */
static int item(parser *ps, int l, ep_span it, void *dst, ep_span *key)
{
	return l == L_ENV ? env_item(ps, it, dst, key) : dir_item(ps, it, dst, key);
}

/* Counts an item of list l; on the second pass, the index to store it at.
 * (size_t)-1 on the first pass (cap 0), and past what the first pass
 * counted, which the final count check then reports. */
static size_t add(parser *ps, int l)
{
	size_t i = ps->n[l]++;
	return i < ps->cap[l] ? i : (size_t)-1;
}

/* env, dir and args. Duplicates are found by splitting the items before
 * again: one line holds at most a few thousand, all valid by then. */
static int list(parser *ps, int l, ep_span v)
{
	ep_manifest *m = ps->m;
	ep_span rest = v, it, prev, key, pkey;
	union {
		ep_mf_env env;
		ep_mf_dir dir;
	} scratch;
	m->has_args |= l == L_ARGS;
	while (next_item(&rest, &it, l == L_ARGS)) {
		if (it.n == 0)
			return fail(ps, E_EMPTY_ITEM);
		size_t i = add(ps, l);
		int store = i != (size_t)-1;
		if (l == L_ARGS) {
			if (store)
				m->args[i] = it;
			continue;
		}
		if (store && l == L_DIR)
			m->line_dir[i] = ps->line;
		if (item(ps, l, it, !store ? (void *)&scratch : l == L_ENV ? (void *)&m->env[i] : (void *)&m->dir[i],
		         &key) < 0)
			return -1;
		for (ep_span back = v; next_item(&back, &prev, 0) && prev.p < it.p;) {
			item(ps, l, prev, &scratch, &pkey);
			if (same(pkey, key))
				return bad(ps, E_ENV_DUP + l, key);
		}
	}
	return 0;
}

static int limit(parser *ps, int i, ep_span v)   /* ps->q[0] is v (key_value) */
{
	const struct limit_def *d = &limit_defs[i];
	ep_mf_limits *l = &ps->m->limits;
	uint64_t n;
	uint64_t max = limit_max[d->max];
	ps->num[0] = (uint32_t)max;     /* what E_RANGE says: its maxima fit */
	if (!parse_unit[d->unit](v.p, v.n, &n))
		return fail(ps, E_COUNT + d->unit);
	if (n < d->min || n > max)
		return fail(ps, n < d->min ? d->low : d->high);
	*(int *)((char *)l + offsetof(ep_mf_limits, has_fuel) + (size_t)i * sizeof(int)) = 1;
	*(uint64_t *)((char *)l + offsetof(ep_mf_limits, fuel) + (size_t)i * sizeof(uint64_t)) = n;
	return 0;
}

static int key_value(parser *ps, int k, ep_span v)
{
	ep_manifest *m = ps->m;
	ps->q[0] = v;           /* what most messages quote */
	if (v.n == 0 && k != K_DESCRIPTION && k != K_ARGS)
		return fail(ps, E_EMPTY);
	if (k >= K_FUEL)
		return limit(ps, k - K_FUEL, v);
	if (k >= K_ENV)
		return list(ps, k - K_ENV, v);
	if (k >= K_STDIN) {
		int yes = find(v, W_NO, W_YES + 1) - W_NO;
		unsigned bit = 1u << (k - K_STDIN);
		if (yes > 1)
			return fail(ps, E_YES_NO);
		m->caps = yes ? m->caps | bit : m->caps & ~bit;
		return 0;
	}
	if (k == K_SHA256)
		return sha256(ps, v);
	*(ep_span *)((char *)m + offsetof(ep_manifest, id) +
	             (size_t)(k - K_ID - (k > K_SHA256)) * sizeof(ep_span)) = v;
	if (k == K_WASM)
		return check_wasm(ps, v);
	/* By key from K_ID; no line is longer than a description may be. */
	static const unsigned short max_len[] = { ID_MAX, VERSION_MAX, 0, 0, ENTRY_MAX, LINE_MAX_BYTES };
	size_t max = max_len[k - K_ID];
	ps->num[0] = (uint32_t)max;
	if (v.n > max)
		return fail(ps, E_TOO_LONG);
	for (size_t i = 0; i < v.n; i++) {
		char c = v.p[i];
		if (k == K_ID && !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
			return fail(ps, E_ID);
		if (k == K_VERSION && ((unsigned char)c <= ' ' || (unsigned char)c > '~'))
			return fail(ps, E_VERSION);
	}
	return 0;
}

/* One pass over the whole text. */
static int pass(parser *ps)
{
	ep_manifest *m = ps->m;
	ps->pos = 0;
	ps->line = 0;
	ps->sec = -1;
	memset(ps->n, 0, sizeof ps->n);
	memset(ps->seen, 0, sizeof ps->seen);
	ep_span line, name, value;
	int r;
	while ((r = next_line(ps, &line)) > 0) {
		int st = statement(ps, line, &name, &value);
		if (st < 0)
			return -1;
		if (st == ST_BLANK)
			continue;
		/* k: the section or key; -1 for a [config] key. first: where
		 * the line it was first on is kept, 0 until then. */
		int s = ps->sec, k = -1;
		uint32_t *first;
		size_t i = 0, nc = ps->n[L_CONFIG];
		ps->q[0] = name;
		if (st == ST_SECTION) {
			k = find(name, S_PLUGIN, S_CONFIG + 1);
			if (k > S_CONFIG)
				return fail(ps, E_SECTION);
			ps->sec = k;
			first = &ps->seen[k];
		} else if (s < 0) {
			return fail(ps, E_OUTSIDE);
		} else if (s == S_CONFIG) {
			if (name.n > CONFIG_KEY_MAX)
				return fail(ps, E_CONFIG_LONG);
			while (i < nc && !same(name, span(ps->config[i].p, ps->config[i].n)))
				i++;
			if (i == CONFIG_MAX)
				return fail(ps, E_CONFIG_MANY);
			config_seen *c = &ps->config[i];
			if (i == nc) {
				c->p = name.p;
				c->n = (uint32_t)name.n;
				c->line = 0;
			}
			first = &c->line;
		} else {
			ps->name = nth(words, s);
			k = find(name, first_key[s], first_key[s + 1]);
			if (k == first_key[s + 1])
				return fail(ps, E_KEY);
			first = &ps->seen[k];
		}
		if (k >= 0)
			ps->name = nth(words, k);
		ps->num[0] = *first;
		if (*first)
			return fail(ps, st == ST_SECTION ? E_DUP_SECTION : E_DUP_KEY);
		*first = ps->line;
		if (st == ST_SECTION)
			continue;
		if (k >= 0) {
			if (key_value(ps, k, value) < 0)
				return -1;
		} else if ((i = add(ps, L_CONFIG)) != (size_t)-1) {
			ep_mf_config *c = &m->config[i];
			c->key = name;
			c->value = value;
			c->line = ps->line;
		}
	}
	if (r < 0)
		return -1;
	if (!ps->seen[S_PLUGIN])
		return fail(ps, E_NO_PLUGIN);
	for (int k = K_ID; k <= K_SHA256; k++) {
		ps->name = nth(words, k);
		if (!ps->seen[k])
			return fail(ps, E_MISSING);
	}
	m->line_wasm = ps->seen[K_WASM];
	m->line_sha256 = ps->seen[K_SHA256];
	m->line_entry = ps->seen[K_ENTRY];
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

/* The lists an ep_manifest owns (line_dir shares dir's count): where the
 * pointer and the count are, and the item size. No count times its size
 * can overflow: env, dir and args are on one line each, so at most
 * LINE_MAX_BYTES / 2 items, and [config] has at most CONFIG_MAX. */
static const struct list_def {
	unsigned short ptr, count;
	unsigned char size;
} list_defs[] = {
	{ offsetof(ep_manifest, env), offsetof(ep_manifest, nenv), sizeof(ep_mf_env) },
	{ offsetof(ep_manifest, dir), offsetof(ep_manifest, ndir), sizeof(ep_mf_dir) },
	{ offsetof(ep_manifest, line_dir), offsetof(ep_manifest, ndir), sizeof(uint32_t) },
	{ offsetof(ep_manifest, args), offsetof(ep_manifest, nargs), sizeof(ep_span) },
	{ offsetof(ep_manifest, config), offsetof(ep_manifest, nconfig), sizeof(ep_mf_config) },
};

/* The pointers are read and written as void *, by memcpy: all object
 * pointers have one representation on every target edgeplug builds for. */
_Static_assert(sizeof(ep_mf_env *) == sizeof(void *) && sizeof(uint32_t *) == sizeof(void *),
               "one pointer representation");

/* Allocates (make) or frees the lists of m at the sizes its counts say.
 * -1 when the allocator refuses; the lists made so far stay in m. */
static int lists(ep_manifest *m, ep_alloc_fn alloc, void *ud, int make)
{
	for (const struct list_def *d = list_defs; d < list_defs + 5; d++) {
		char *f = (char *)m + d->ptr;
		size_t bytes = *(size_t *)((char *)m + d->count) * d->size;
		void *p;
		memcpy(&p, f, sizeof p);
		if (make && bytes && !(p = alloc(ud, NULL, 0, bytes)))
			return -1;
		if (!make && p)
			alloc(ud, p, bytes, 0);
		memcpy(f, &p, sizeof p);
	}
	return 0;
}

void ep_manifest_free(ep_manifest *m, ep_alloc_fn alloc, void *ud)
{
	if (!m)
		return;
	lists(m, alloc ? alloc : default_alloc, ud, 0);
	memset(m, 0, sizeof *m);
}

ep_status ep_manifest_parse(const char *buf, size_t len, ep_alloc_fn alloc, void *ud,
                            ep_manifest *out, ep_manifest_error *err)
{
	/* A few KiB, most of it the [config] duplicate table. */
	parser pst, *ps = &pst;
	memset(ps, 0, sizeof *ps);
	ps->err = err;
	if (err) {
		err->line = 0;
		err->msg[0] = '\0';
	}
	if (!out || (!buf && len)) {
		fail(ps, E_ARG);
		return EP_ERR_ARG;
	}
	if (!alloc)
		alloc = default_alloc;
	ps->buf = buf ? buf : "";
	ps->len = len;
	ps->m = out;
	memset(out, 0, sizeof *out);
	int r = pass(ps);
	/* Counted (or not valid); now allocate exactly that much, then store. */
	memset(out, 0, sizeof *out);
	if (r < 0)
		return EP_ERR_MALFORMED;
	out->nenv = ps->n[L_ENV];
	out->ndir = ps->n[L_DIR];
	out->nargs = ps->n[L_ARGS];
	out->nconfig = ps->n[L_CONFIG];
	memcpy(ps->cap, ps->n, sizeof ps->n);
	/* The text passed once, so it passes again; the counts must agree. */
	int code = lists(out, alloc, ud, 1) < 0 ? E_NOMEM :
	           pass(ps) < 0 || memcmp(ps->n, ps->cap, sizeof ps->n) != 0 ? E_INTERNAL : NCODES;
	if (code == NCODES)
		return EP_OK;
	ep_manifest_free(out, alloc, ud);
	fail(ps, code);
	return code == E_NOMEM ? EP_ERR_NOMEM : EP_ERR_MALFORMED;
}
