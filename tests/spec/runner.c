/*
 * runner.c - the spec testsuite runner: executes one wast2json script
 * (NAME.json and the NAME.N.wasm files beside it) against edgeplug through
 * the public API alone, and prints "NAME.wast: P passed, F failed".
 *
 * Every counted command passes or fails exactly once: run_command returns
 * 1, 0 or -1 (not counted) and only main counts. Each failure is one stderr
 * line "NAME.wast:LINE: command: what went wrong". A script gets its own
 * engine, store and spectest objects, so scripts are independent, and the
 * engine's byte count must be back at zero once everything is freed.
 *
 * Usage: spec-runner [-v] [-t] FILE.json
 *   -v  the spectest print functions print to stdout
 *   -t  strict traps: the trap kind must also match the script's message
 * Exit: 0 all passed, 1 some command failed, 2 the script could not be
 * run (no summary line), 3 summary printed but the engine leaked bytes.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "edgeplug.h"

/* Arguments or results of one call; the testsuite's widest is far below. */
#define MAX_VALS 256
/* wast2json's "v128" type, which the public API has no value for. */
#define T_V128 0x7b

static int verbose;
static int strict_traps;

/* ---- JSON ---- */

enum jkind { J_NULL, J_FALSE, J_TRUE, J_NUM, J_STR, J_ARR, J_OBJ };

/* A parsed JSON value. Strings are decoded to exact bytes (a \u0000 is a
 * byte like any other), so they carry a length and are compared with it. */
typedef struct jval {
	enum jkind kind;
	size_t len;          /* J_STR: bytes; J_NUM: chars; J_ARR: elements; J_OBJ: members */
	char *str;           /* J_STR, J_NUM: the bytes plus a NUL */
	struct jval *items;  /* J_ARR: len values; J_OBJ: 2*len values, key then value */
} jval;

typedef struct jparser {
	const char *start, *p, *end;
	const char *err;     /* the first error, or NULL */
	size_t err_off;
	int depth;
} jparser;

/* Deep enough for any wast2json output, shallow enough for the C stack. */
#define JSON_MAX_DEPTH 64

static int jerror(jparser *jp, const char *msg)
{
	if (!jp->err) {
		jp->err = msg;
		jp->err_off = (size_t)(jp->p - jp->start);
	}
	return -1;
}

static void skip_ws(jparser *jp)
{
	while (jp->p < jp->end && (*jp->p == ' ' || *jp->p == '\t' ||
	                           *jp->p == '\n' || *jp->p == '\r'))
		jp->p++;
}

static int hex4(const char *s, uint32_t *out)
{
	uint32_t v = 0;
	for (int i = 0; i < 4; i++) {
		char ch = s[i];
		v <<= 4;
		if (ch >= '0' && ch <= '9')
			v |= (uint32_t)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			v |= (uint32_t)(ch - 'a' + 10);
		else if (ch >= 'A' && ch <= 'F')
			v |= (uint32_t)(ch - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static size_t put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* At the opening quote. Every escape decodes to no more bytes than it
 * takes in the source, so the raw span bounds the decoded length. */
static int parse_string(jparser *jp, jval *out)
{
	const char *q = ++jp->p;
	memset(out, 0, sizeof *out);
	while (q < jp->end && *q != '"') {
		if (*q == '\\')
			q++;
		q++;
	}
	if (q >= jp->end)
		return jerror(jp, "unterminated string");
	char *buf = malloc((size_t)(q - jp->p) + 1);
	if (!buf)
		return jerror(jp, "out of memory");
	size_t n = 0;
	while (jp->p < q) {
		unsigned char ch = (unsigned char)*jp->p;
		if (ch < 0x20) {
			free(buf);
			return jerror(jp, "control character in string");
		}
		if (ch != '\\') {
			buf[n++] = (char)ch;
			jp->p++;
			continue;
		}
		char e = jp->p[1];
		jp->p += 2;
		switch (e) {
		case '"': buf[n++] = '"'; break;
		case '\\': buf[n++] = '\\'; break;
		case '/': buf[n++] = '/'; break;
		case 'b': buf[n++] = '\b'; break;
		case 'f': buf[n++] = '\f'; break;
		case 'n': buf[n++] = '\n'; break;
		case 'r': buf[n++] = '\r'; break;
		case 't': buf[n++] = '\t'; break;
		case 'u': {
			uint32_t cp, lo;
			if (q - jp->p < 4 || hex4(jp->p, &cp)) {
				free(buf);
				return jerror(jp, "bad \\u escape");
			}
			jp->p += 4;
			/* A surrogate pair is one code point; a lone surrogate is
			 * kept as its three-byte form so nothing is lost. */
			if (cp >= 0xd800 && cp < 0xdc00 && q - jp->p >= 6 &&
			    jp->p[0] == '\\' && jp->p[1] == 'u' && !hex4(jp->p + 2, &lo) &&
			    lo >= 0xdc00 && lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				jp->p += 6;
			}
			n += put_utf8(buf + n, cp);
			break;
		}
		default:
			free(buf);
			return jerror(jp, "bad escape");
		}
	}
	jp->p = q + 1;
	buf[n] = 0;
	out->kind = J_STR;
	out->str = buf;
	out->len = n;
	return 0;
}

static int parse_number(jparser *jp, jval *out)
{
	const char *s = jp->p;
	while (jp->p < jp->end && (strchr("+-.eE", *jp->p) ||
	                           (*jp->p >= '0' && *jp->p <= '9')))
		jp->p++;
	size_t n = (size_t)(jp->p - s);
	char *buf = malloc(n + 1);
	if (!buf)
		return jerror(jp, "out of memory");
	memcpy(buf, s, n);
	buf[n] = 0;
	out->kind = J_NUM;
	out->str = buf;
	out->len = n;
	return 0;
}

static void jfree(jval *v);
static int parse_value(jparser *jp, jval *out);

/* Arrays and objects: items grow by doubling; an object keeps key and value
 * side by side so lookups walk one array. */
static int parse_container(jparser *jp, jval *out, char close)
{
	size_t per = close == '}' ? 2 : 1, n = 0, cap = 0;
	jval *items = NULL;
	out->kind = close == '}' ? J_OBJ : J_ARR;
	jp->p++;
	if (++jp->depth > JSON_MAX_DEPTH)
		return jerror(jp, "nested too deep");
	skip_ws(jp);
	if (jp->p < jp->end && *jp->p == close) {
		jp->p++;
		jp->depth--;
		return 0;
	}
	for (;;) {
		if (n + per > cap) {
			size_t ncap = cap ? cap * 2 : 8;
			jval *ni = realloc(items, ncap * sizeof *ni);
			if (!ni)
				goto fail_nomem;
			items = ni;
			cap = ncap;
		}
		skip_ws(jp);
		if (per == 2) {
			if (jp->p >= jp->end || *jp->p != '"') {
				jerror(jp, "expected a key");
				goto fail;
			}
			if (parse_string(jp, &items[n]))
				goto fail;
			n++;
			skip_ws(jp);
			if (jp->p >= jp->end || *jp->p != ':') {
				jerror(jp, "expected ':'");
				goto fail;
			}
			jp->p++;
		}
		if (parse_value(jp, &items[n]))
			goto fail;
		n++;
		skip_ws(jp);
		if (jp->p < jp->end && *jp->p == ',') {
			jp->p++;
			continue;
		}
		if (jp->p < jp->end && *jp->p == close) {
			jp->p++;
			break;
		}
		jerror(jp, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
		goto fail;
	}
	jp->depth--;
	out->items = items;
	out->len = n / per;
	return 0;
fail_nomem:
	jerror(jp, "out of memory");
fail:
	for (size_t i = 0; i < n; i++)
		jfree(&items[i]);
	free(items);
	out->kind = J_NULL;
	return -1;
}

static int parse_literal(jparser *jp, jval *out, const char *word, enum jkind kind)
{
	size_t n = strlen(word);
	if ((size_t)(jp->end - jp->p) < n || memcmp(jp->p, word, n))
		return jerror(jp, "unexpected character");
	jp->p += n;
	out->kind = kind;
	return 0;
}

static int parse_value(jparser *jp, jval *out)
{
	memset(out, 0, sizeof *out);
	skip_ws(jp);
	if (jp->p >= jp->end)
		return jerror(jp, "unexpected end");
	switch (*jp->p) {
	case '{': return parse_container(jp, out, '}');
	case '[': return parse_container(jp, out, ']');
	case '"': return parse_string(jp, out);
	case 't': return parse_literal(jp, out, "true", J_TRUE);
	case 'f': return parse_literal(jp, out, "false", J_FALSE);
	case 'n': return parse_literal(jp, out, "null", J_NULL);
	default:
		if (*jp->p == '-' || (*jp->p >= '0' && *jp->p <= '9'))
			return parse_number(jp, out);
		return jerror(jp, "unexpected character");
	}
}

/* Parses a whole document; on error returns -1 with *err and *off set. */
static int json_parse(const char *text, size_t len, jval *out, const char **err, size_t *off)
{
	jparser jp = { text, text, text + len, NULL, 0, 0 };
	if (parse_value(&jp, out) == 0) {
		skip_ws(&jp);
		if (jp.p == jp.end)
			return 0;
		jerror(&jp, "trailing characters");
		jfree(out);
	}
	*err = jp.err;
	*off = jp.err_off;
	return -1;
}

static void jfree(jval *v)
{
	size_t n = v->kind == J_OBJ ? 2 * v->len : v->kind == J_ARR ? v->len : 0;
	for (size_t i = 0; i < n; i++)
		jfree(&v->items[i]);
	free(v->items);
	free(v->str);
	memset(v, 0, sizeof *v);
}

static const jval *jget(const jval *obj, const char *key)
{
	if (!obj || obj->kind != J_OBJ)
		return NULL;
	size_t n = strlen(key);
	for (size_t i = 0; i < obj->len; i++) {
		const jval *k = &obj->items[2 * i];
		if (k->len == n && !memcmp(k->str, key, n))
			return &obj->items[2 * i + 1];
	}
	return NULL;
}

static const jval *jget_str(const jval *obj, const char *key)
{
	const jval *v = jget(obj, key);
	return v && v->kind == J_STR ? v : NULL;
}

static int jstr_is(const jval *v, const char *s)
{
	return v && v->kind == J_STR && v->len == strlen(s) && !memcmp(v->str, s, v->len);
}

/* ---- values ---- */

/* A decimal without sign, at most max. */
static int parse_u64(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	if (len == 0)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (max - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

static int type_code(const jval *t)
{
	static const struct { const char *name; int code; } types[] = {
		{ "i32", EP_I32 }, { "i64", EP_I64 }, { "f32", EP_F32 }, { "f64", EP_F64 },
		{ "funcref", EP_FUNCREF }, { "externref", EP_EXTERNREF }, { "v128", T_V128 },
	};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (jstr_is(t, types[i].name))
			return types[i].code;
	return -1;
}

static const char *type_name(int code)
{
	switch (code) {
	case EP_I32: return "i32";
	case EP_I64: return "i64";
	case EP_F32: return "f32";
	case EP_F64: return "f64";
	case EP_FUNCREF: return "funcref";
	case EP_EXTERNREF: return "externref";
	case T_V128: return "v128";
	default: return "?";
	}
}

/* Host reference N of the script: never NULL, distinct for distinct N. */
static void *host_ref(uint64_t n)
{
	return (void *)(uintptr_t)(n + 1);
}

static void fmt_value(char *buf, size_t n, ep_value v)
{
	switch (v.type) {
	case EP_I32:
		snprintf(buf, n, "i32:%lu (0x%08lx)", (unsigned long)(uint32_t)v.of.i32,
		         (unsigned long)(uint32_t)v.of.i32);
		break;
	case EP_I64:
		snprintf(buf, n, "i64:%llu (0x%016llx)", (unsigned long long)v.of.i64,
		         (unsigned long long)v.of.i64);
		break;
	case EP_F32: {
		float f;
		memcpy(&f, &v.of.f32, sizeof f);
		snprintf(buf, n, "f32:0x%08lx (%.9g)", (unsigned long)v.of.f32, (double)f);
		break;
	}
	case EP_F64: {
		double d;
		memcpy(&d, &v.of.f64, sizeof d);
		snprintf(buf, n, "f64:0x%016llx (%.17g)", (unsigned long long)v.of.f64, d);
		break;
	}
	case EP_FUNCREF:
	case EP_EXTERNREF:
		if (v.of.ref)
			snprintf(buf, n, "%s:%p", type_name(v.type), v.of.ref);
		else
			snprintf(buf, n, "%s:null", type_name(v.type));
		break;
	default:
		snprintf(buf, n, "type 0x%02x", v.type);
		break;
	}
}

/* An argument of an invoke. Returns 0 with why filled when the runner
 * cannot express it. */
static int arg_value(const jval *a, ep_value *out, char *why, size_t whyn)
{
	int t = type_code(jget_str(a, "type"));
	const jval *val = jget_str(a, "value");
	uint64_t u;
	memset(out, 0, sizeof *out);
	if (t < 0 || !val) {
		snprintf(why, whyn, "argument without a known type and value");
		return 0;
	}
	out->type = (uint8_t)t;
	switch (t) {
	case EP_I32:
	case EP_F32:
		if (parse_u64(val->str, val->len, UINT32_MAX, &u))
			break;
		if (t == EP_I32)
			out->of.i32 = (int32_t)(uint32_t)u;
		else
			out->of.f32 = (uint32_t)u;
		return 1;
	case EP_I64:
	case EP_F64:
		if (parse_u64(val->str, val->len, UINT64_MAX, &u))
			break;
		if (t == EP_I64)
			out->of.i64 = (int64_t)u;
		else
			out->of.f64 = u;
		return 1;
	case EP_EXTERNREF:
		if (jstr_is(val, "null")) {
			out->of.ref = NULL;
			return 1;
		}
		if (parse_u64(val->str, val->len, UINTPTR_MAX - 1, &u))
			break;
		out->of.ref = host_ref(u);
		return 1;
	case EP_FUNCREF:
		if (jstr_is(val, "null")) {
			out->of.ref = NULL;
			return 1;
		}
		snprintf(why, whyn, "a non-null funcref argument cannot be made through the API");
		return 0;
	case T_V128:
		snprintf(why, whyn, "v128 values are not part of the edgeplug API");
		return 0;
	}
	snprintf(why, whyn, "bad %s argument \"%s\"", type_name(t), val->str);
	return 0;
}

/* Compares one result with its expectation. Returns 1 on a match; else 0
 * with why saying what was expected and what came. */
static int check_result(const jval *e, ep_value r, uint8_t rtype, char *why, size_t whyn)
{
	int t = type_code(jget_str(e, "type"));
	const jval *val = jget_str(e, "value");
	char got[96];
	uint64_t u = 0, bits = 0;
	int ok = 0;
	fmt_value(got, sizeof got, r);
	if (t < 0 || !val) {
		snprintf(why, whyn, "expected value without a known type and value");
		return 0;
	}
	if (t == T_V128) {
		snprintf(why, whyn, "v128 values are not part of the edgeplug API");
		return 0;
	}
	if (t != rtype) {
		snprintf(why, whyn, "expected a %s result, the function returns %s",
		         type_name(t), type_name(rtype));
		return 0;
	}
	if (r.type != rtype) {
		snprintf(why, whyn, "result tagged 0x%02x, the function type says %s",
		         r.type, type_name(rtype));
		return 0;
	}
	if (t == EP_F32 || t == EP_F64) {
		/* Canonical: quiet NaN with only the quiet bit in the payload;
		 * arithmetic: any quiet NaN. Either sign. */
		uint64_t quiet = t == EP_F32 ? 0x7fc00000u : 0x7ff8000000000000u;
		uint64_t mag = t == EP_F32 ? 0x7fffffffu : 0x7fffffffffffffffu;
		bits = t == EP_F32 ? r.of.f32 : r.of.f64;
		if (jstr_is(val, "nan:canonical")) {
			if ((bits & mag) == quiet)
				return 1;
			snprintf(why, whyn, "expected nan:canonical, got %s", got);
			return 0;
		}
		if (jstr_is(val, "nan:arithmetic")) {
			if ((bits & quiet) == quiet)
				return 1;
			snprintf(why, whyn, "expected nan:arithmetic, got %s", got);
			return 0;
		}
	}
	switch (t) {
	case EP_I32:
	case EP_F32:
		if (parse_u64(val->str, val->len, UINT32_MAX, &u))
			goto bad;
		ok = (t == EP_I32 ? (uint32_t)r.of.i32 : r.of.f32) == (uint32_t)u;
		break;
	case EP_I64:
	case EP_F64:
		if (parse_u64(val->str, val->len, UINT64_MAX, &u))
			goto bad;
		ok = (t == EP_I64 ? (uint64_t)r.of.i64 : r.of.f64) == u;
		break;
	case EP_FUNCREF:
	case EP_EXTERNREF:
		if (jstr_is(val, "null")) {
			ok = r.of.ref == NULL;
		} else {
			if (parse_u64(val->str, val->len, UINTPTR_MAX - 1, &u))
				goto bad;
			/* A function reference's identity is the engine's; the script
			 * can only ask for a non-null one. */
			ok = t == EP_FUNCREF ? r.of.ref != NULL : r.of.ref == host_ref(u);
		}
		break;
	}
	if (ok)
		return 1;
	if (t == EP_FUNCREF || t == EP_EXTERNREF) {
		if (jstr_is(val, "null"))
			snprintf(why, whyn, "expected %s:null, got %s", type_name(t), got);
		else if (t == EP_FUNCREF)
			snprintf(why, whyn, "expected funcref:non-null, got %s", got);
		else
			snprintf(why, whyn, "expected externref %s (%p), got %s", val->str, host_ref(u), got);
	} else {
		ep_value ev;
		char want[96];
		memset(&ev, 0, sizeof ev);
		ev.type = (uint8_t)t;
		if (t == EP_I32)
			ev.of.i32 = (int32_t)(uint32_t)u;
		else if (t == EP_F32)
			ev.of.f32 = (uint32_t)u;
		else if (t == EP_I64)
			ev.of.i64 = (int64_t)u;
		else
			ev.of.f64 = u;
		fmt_value(want, sizeof want, ev);
		snprintf(why, whyn, "expected %s, got %s", want, got);
	}
	return 0;
bad:
	snprintf(why, whyn, "bad expected %s value \"%s\"", type_name(t), val->str);
	return 0;
}

/* ---- the script's state ---- */

typedef struct binding {
	const char *name;    /* bytes owned by the JSON tree */
	size_t len;
	ep_instance *inst;   /* NULL: the module of that name failed */
} binding;

typedef struct bindings {
	binding *v;
	size_t n, cap;
} bindings;

typedef struct spectest_entry {
	const char *name;
	ep_extern ext;
} spectest_entry;

typedef struct print_fn {
	const char *name;
	uint32_t nparams;
	uint8_t params[2];
} print_fn;

static print_fn print_fns[] = {
	{ "print", 0, { 0, 0 } },
	{ "print_i32", 1, { EP_I32, 0 } },
	{ "print_i64", 1, { EP_I64, 0 } },
	{ "print_f32", 1, { EP_F32, 0 } },
	{ "print_f64", 1, { EP_F64, 0 } },
	{ "print_i32_f32", 2, { EP_I32, EP_F32 } },
	{ "print_f64_f64", 2, { EP_F64, EP_F64 } },
};
#define NPRINT (sizeof print_fns / sizeof print_fns[0])
#define NSPECTEST (NPRINT + 6)

typedef struct action_result {
	ep_status st;
	ep_error err;
	uint32_t nres;
	uint8_t rtypes[MAX_VALS];
	ep_value res[MAX_VALS];
	ep_value args[MAX_VALS];
} action_result;

typedef struct ctx {
	const char *wast;        /* NAME.wast, for messages */
	char *dir;               /* the JSON's directory, "" or ending in '/' */
	ep_engine *engine;
	ep_store *store;
	ep_module **mods;        /* every module loaded, freed after the store */
	size_t nmods, capmods;
	bindings named;          /* "$name" -> instance */
	bindings registered;     /* register "as" -> instance */
	ep_instance *current;    /* NULL before any module or after a failed one */
	spectest_entry spectest[NSPECTEST];
	unsigned long line;      /* of the running command */
	const char *cmd;         /* its type */
	action_result ar;
} ctx;

/* One failure line on stderr. The caller's return value does the counting. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void report(ctx *c, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	for (char *p = msg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	fprintf(stderr, "%s:%lu: %s: %s\n", c->wast, c->line, c->cmd, msg);
}

/* A name for messages: printable ASCII as is, other bytes as \xx, cut
 * with "..." when it does not fit (n >= 8). */
static const char *fmt_name(char *buf, size_t n, const char *s, size_t len)
{
	size_t o = 0, i = 0;
	for (; i < len && o + 8 <= n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch >= 0x20 && ch < 0x7f && ch != '\\' && ch != '"')
			buf[o++] = (char)ch;
		else
			o += (size_t)snprintf(buf + o, n - o, "\\%02x", ch);
	}
	if (i < len) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = 0;
	return buf;
}

static const char *status_name(ep_status st)
{
	switch (st) {
	case EP_OK: return "EP_OK";
	case EP_ERR_MALFORMED: return "EP_ERR_MALFORMED";
	case EP_ERR_INVALID: return "EP_ERR_INVALID";
	case EP_ERR_UNLINKABLE: return "EP_ERR_UNLINKABLE";
	case EP_ERR_TRAP: return "EP_ERR_TRAP";
	case EP_ERR_NOMEM: return "EP_ERR_NOMEM";
	case EP_ERR_LIMIT: return "EP_ERR_LIMIT";
	case EP_ERR_ARG: return "EP_ERR_ARG";
	}
	return "EP_ERR_?";
}

/* "EP_ERR_TRAP (out of bounds memory access: <engine message>)". */
static const char *describe(char *buf, size_t n, ep_status st, const ep_error *err)
{
	if (st == EP_OK)
		snprintf(buf, n, "EP_OK");
	else if (st == EP_ERR_TRAP)
		snprintf(buf, n, "EP_ERR_TRAP (%s: %s)", ep_trap_name(err->trap), err->msg);
	else
		snprintf(buf, n, "%s (%s)", status_name(st), err->msg);
	return buf;
}

static void new_error(ep_error *err)
{
	memset(err, 0, sizeof *err);
	err->func = UINT32_MAX;
	err->offset = SIZE_MAX;
}

/* A call stopped by fuel or an interrupt stays suspended in the store until
 * abandoned; neither is configured here, but a stray one must not leak
 * into the next command. */
static void settle(ctx *c, ep_status st, const ep_error *err)
{
	if (st == EP_ERR_TRAP && (err->trap == EP_TRAP_FUEL || err->trap == EP_TRAP_INTERRUPT))
		ep_abandon(c->store);
}

static int bind(bindings *b, const char *name, size_t len, ep_instance *inst)
{
	if (b->n == b->cap) {
		size_t ncap = b->cap ? b->cap * 2 : 8;
		binding *nv = realloc(b->v, ncap * sizeof *nv);
		if (!nv)
			return -1;
		b->v = nv;
		b->cap = ncap;
	}
	b->v[b->n].name = name;
	b->v[b->n].len = len;
	b->v[b->n].inst = inst;
	b->n++;
	return 0;
}

/* The newest binding of name wins, as in the reference interpreter. */
static binding *lookup(bindings *b, const char *name, size_t len)
{
	for (size_t i = b->n; i-- > 0;)
		if (b->v[i].len == len && !memcmp(b->v[i].name, name, len))
			return &b->v[i];
	return NULL;
}

/* ---- spectest ---- */

static ep_trap host_print(ep_caller *caller, void *env, const ep_value *args, ep_value *results)
{
	const print_fn *pf = env;
	if (!verbose)
		return EP_TRAP_NONE;
	printf("%s(", pf->name);
	for (uint32_t i = 0; i < pf->nparams; i++) {
		char buf[96];
		fmt_value(buf, sizeof buf, args[i]);
		printf("%s%s", i ? ", " : "", buf);
	}
	printf(")\n");
	return EP_TRAP_NONE;
}

static int spectest_init(ctx *c)
{
	size_t k = 0;
	for (size_t i = 0; i < NPRINT; i++) {
		ep_functype ft = { print_fns[i].nparams, 0, print_fns[i].params, NULL };
		ep_func *f = ep_func_new_host(c->store, &ft, host_print, &print_fns[i]);
		if (!f)
			return -1;
		c->spectest[k].name = print_fns[i].name;
		c->spectest[k].ext.kind = EP_EXTERN_FUNC;
		c->spectest[k++].ext.of.func = f;
	}
	float f32 = 666.0f;
	double f64 = 666.0;
	ep_value gv[4];
	memset(gv, 0, sizeof gv);
	gv[0].type = EP_I32;
	gv[0].of.i32 = 666;
	gv[1].type = EP_I64;
	gv[1].of.i64 = 666;
	gv[2].type = EP_F32;
	memcpy(&gv[2].of.f32, &f32, sizeof f32);
	gv[3].type = EP_F64;
	memcpy(&gv[3].of.f64, &f64, sizeof f64);
	static const char *const gnames[4] = { "global_i32", "global_i64", "global_f32", "global_f64" };
	for (int i = 0; i < 4; i++) {
		ep_global *g = ep_global_new(c->store, gv[i], 0);
		if (!g)
			return -1;
		c->spectest[k].name = gnames[i];
		c->spectest[k].ext.kind = EP_EXTERN_GLOBAL;
		c->spectest[k++].ext.of.global = g;
	}
	ep_table *t = ep_table_new(c->store, EP_FUNCREF, 10, 20, 1);
	ep_memory *m = ep_memory_new(c->store, 1, 2, 1);
	if (!t || !m)
		return -1;
	c->spectest[k].name = "table";
	c->spectest[k].ext.kind = EP_EXTERN_TABLE;
	c->spectest[k++].ext.of.table = t;
	c->spectest[k].name = "memory";
	c->spectest[k].ext.kind = EP_EXTERN_MEMORY;
	c->spectest[k++].ext.of.memory = m;
	return 0;
}

/* ---- modules ---- */

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t n = 0, cap = 0;
	uint8_t *buf = NULL;
	for (;;) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 65536;
			uint8_t *nb = realloc(buf, ncap);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
			cap = ncap;
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

/* Loads the command's "filename". Returns 0 when there is nothing to load
 * (why says so); else 1 with *st and err from the engine and, on EP_OK,
 * *out the module (kept until the end: instances refer to it). */
static int load_file(ctx *c, const jval *cmd, ep_module **out, ep_status *st,
                     ep_error *err, char *why, size_t whyn)
{
	const jval *fn = jget_str(cmd, "filename");
	*out = NULL;
	if (!fn || memchr(fn->str, 0, fn->len)) {
		snprintf(why, whyn, "no filename");
		return 0;
	}
	size_t dl = strlen(c->dir);
	char *path = malloc(dl + fn->len + 1);
	if (!path) {
		snprintf(why, whyn, "out of memory");
		return 0;
	}
	memcpy(path, c->dir, dl);
	memcpy(path + dl, fn->str, fn->len + 1);
	size_t len = 0;
	uint8_t *bytes = read_file(path, &len);
	if (!bytes) {
		snprintf(why, whyn, "cannot read %s", path);
		free(path);
		return 0;
	}
	free(path);
	if (c->nmods == c->capmods) {
		size_t ncap = c->capmods ? c->capmods * 2 : 16;
		ep_module **nm = realloc(c->mods, ncap * sizeof *nm);
		if (!nm) {
			free(bytes);
			snprintf(why, whyn, "out of memory");
			return 0;
		}
		c->mods = nm;
		c->capmods = ncap;
	}
	new_error(err);
	ep_module *m = NULL;
	*st = ep_module_load(c->engine, bytes, len, &m, err);
	free(bytes);
	if (*st == EP_OK) {
		if (!m) {
			*st = EP_ERR_ARG;
			snprintf(err->msg, sizeof err->msg, "(runner) ep_module_load returned EP_OK without a module");
		} else {
			c->mods[c->nmods++] = m;
			*out = m;
		}
	}
	return 1;
}

/* Resolves m's imports by (module, name) among the registered instances and
 * spectest, then instantiates. The kind of what is found is not checked
 * here: that is the engine's job. Returns 0 when a name is not found (why
 * says which); else 1 with *st and err from ep_instantiate. */
static int link_instantiate(ctx *c, const ep_module *m, ep_instance **out, ep_status *st,
                            ep_error *err, char *why, size_t whyn)
{
	uint32_t n = ep_module_import_count(m);
	ep_extern *imports = calloc((size_t)n + 1, sizeof *imports);
	*out = NULL;
	if (!imports) {
		snprintf(why, whyn, "out of memory");
		return 0;
	}
	for (uint32_t i = 0; i < n; i++) {
		const char *mod = NULL, *name = NULL;
		size_t ml = 0, nl = 0;
		uint8_t kind = 0;
		int found = 0;
		ep_module_import(m, i, &mod, &ml, &name, &nl, &kind);
		binding *b = lookup(&c->registered, mod, ml);
		if (b) {
			found = b->inst && ep_instance_export(b->inst, name, nl, &imports[i]);
		} else if (ml == 8 && !memcmp(mod, "spectest", 8)) {
			for (size_t k = 0; k < NSPECTEST; k++) {
				if (strlen(c->spectest[k].name) == nl && !memcmp(c->spectest[k].name, name, nl)) {
					imports[i] = c->spectest[k].ext;
					found = 1;
					break;
				}
			}
		}
		if (!found) {
			char a[64], b2[64];
			snprintf(why, whyn, "unknown import \"%s\".\"%s\"",
			         fmt_name(a, sizeof a, mod, ml), fmt_name(b2, sizeof b2, name, nl));
			free(imports);
			return 0;
		}
	}
	new_error(err);
	*st = ep_instantiate(c->store, m, imports, n, out, err);
	free(imports);
	settle(c, *st, err);
	if (*st == EP_OK && !*out) {
		*st = EP_ERR_ARG;
		snprintf(err->msg, sizeof err->msg, "(runner) ep_instantiate returned EP_OK without an instance");
	}
	return 1;
}

/* ---- actions ---- */

/* The instance an action or register names, or the current one. */
static ep_instance *target_instance(ctx *c, const jval *obj, const char *key, char *why, size_t whyn)
{
	const jval *name = jget_str(obj, key);
	char nb[64];
	if (!name) {
		if (!c->current)
			snprintf(why, whyn, "no current module (the last module failed or none was given)");
		return c->current;
	}
	binding *b = lookup(&c->named, name->str, name->len);
	if (!b) {
		snprintf(why, whyn, "no module named %s", fmt_name(nb, sizeof nb, name->str, name->len));
		return NULL;
	}
	if (!b->inst)
		snprintf(why, whyn, "module %s failed earlier", fmt_name(nb, sizeof nb, name->str, name->len));
	return b->inst;
}

/* Performs an invoke or get into c->ar. Returns 0 when the runner could not
 * even try (why says so), 1 when the engine ran it (c->ar.st says how). */
static int do_action(ctx *c, const jval *act, char *why, size_t whyn)
{
	action_result *r = &c->ar;
	const jval *type = jget_str(act, "type");
	const jval *field = jget_str(act, "field");
	char nb[64];
	ep_extern ext;
	r->nres = 0;
	new_error(&r->err);
	if (!act || !field) {
		snprintf(why, whyn, "action without a field");
		return 0;
	}
	ep_instance *inst = target_instance(c, act, "module", why, whyn);
	if (!inst)
		return 0;
	if (!ep_instance_export(inst, field->str, field->len, &ext)) {
		snprintf(why, whyn, "no export \"%s\"", fmt_name(nb, sizeof nb, field->str, field->len));
		return 0;
	}
	if (jstr_is(type, "get")) {
		if (ext.kind != EP_EXTERN_GLOBAL) {
			snprintf(why, whyn, "export \"%s\" is not a global (kind %u)",
			         fmt_name(nb, sizeof nb, field->str, field->len), ext.kind);
			return 0;
		}
		r->res[0] = ep_global_get(ext.of.global);
		r->rtypes[0] = r->res[0].type;
		r->nres = 1;
		r->st = EP_OK;
		return 1;
	}
	if (!jstr_is(type, "invoke")) {
		snprintf(why, whyn, "unknown action type");
		return 0;
	}
	if (ext.kind != EP_EXTERN_FUNC) {
		snprintf(why, whyn, "export \"%s\" is not a function (kind %u)",
		         fmt_name(nb, sizeof nb, field->str, field->len), ext.kind);
		return 0;
	}
	ep_functype ft;
	memset(&ft, 0, sizeof ft);
	ep_func_type(ext.of.func, &ft);
	const jval *args = jget(act, "args");
	size_t nargs = args && args->kind == J_ARR ? args->len : 0;
	if (nargs != ft.nparams || ft.nresults > MAX_VALS) {
		snprintf(why, whyn, "\"%s\" takes %lu arguments and returns %lu results, the script passes %lu",
		         fmt_name(nb, sizeof nb, field->str, field->len), (unsigned long)ft.nparams,
		         (unsigned long)ft.nresults, (unsigned long)nargs);
		return 0;
	}
	for (size_t i = 0; i < nargs; i++) {
		if (!arg_value(&args->items[i], &r->args[i], why, whyn))
			return 0;
		if (r->args[i].type != ft.params[i]) {
			snprintf(why, whyn, "argument %lu is %s, the function takes %s", (unsigned long)i,
			         type_name(r->args[i].type), type_name(ft.params[i]));
			return 0;
		}
	}
	memset(r->res, 0, ft.nresults * sizeof r->res[0]);
	r->nres = ft.nresults;
	if (ft.nresults)
		memcpy(r->rtypes, ft.results, ft.nresults);
	r->st = ep_call(c->store, ext.of.func, r->args, nargs, r->res, ft.nresults, &r->err);
	settle(c, r->st, &r->err);
	return 1;
}

/* ---- commands ---- */

/* The trap kinds a script message allows (matched as a prefix: "uninitialized
 * element 2" is still that). "undefined element" is an index past the table
 * in call_indirect, which engines may report either way. */
static const struct { const char *text; ep_trap a, b; } trap_texts[] = {
	{ "unreachable", EP_TRAP_UNREACHABLE, EP_TRAP_UNREACHABLE },
	{ "integer divide by zero", EP_TRAP_DIV_ZERO, EP_TRAP_DIV_ZERO },
	{ "integer overflow", EP_TRAP_INT_OVERFLOW, EP_TRAP_INT_OVERFLOW },
	{ "invalid conversion to integer", EP_TRAP_INVALID_CONVERSION, EP_TRAP_INVALID_CONVERSION },
	{ "out of bounds memory access", EP_TRAP_OOB_MEMORY, EP_TRAP_OOB_MEMORY },
	{ "out of bounds table access", EP_TRAP_OOB_TABLE, EP_TRAP_OOB_TABLE },
	{ "indirect call type mismatch", EP_TRAP_INDIRECT_TYPE, EP_TRAP_INDIRECT_TYPE },
	{ "undefined element", EP_TRAP_OOB_TABLE, EP_TRAP_UNINIT_ELEMENT },
	{ "uninitialized element", EP_TRAP_UNINIT_ELEMENT, EP_TRAP_UNINIT_ELEMENT },
	{ "call stack exhausted", EP_TRAP_STACK_EXHAUSTED, EP_TRAP_STACK_EXHAUSTED },
};

/* Checks a status against the expected trap; 1 when it matches. */
static int expect_trap(ctx *c, ep_status st, const ep_error *err, const jval *text, int must_exhaust)
{
	char got[320];
	if (st != EP_ERR_TRAP) {
		report(c, "expected EP_ERR_TRAP (%s), got %s", text ? text->str : "?",
		       describe(got, sizeof got, st, err));
		return 0;
	}
	if (must_exhaust) {
		if (err->trap == EP_TRAP_STACK_EXHAUSTED)
			return 1;
		report(c, "expected trap %s, got %s", ep_trap_name(EP_TRAP_STACK_EXHAUSTED),
		       describe(got, sizeof got, st, err));
		return 0;
	}
	if (!strict_traps || !text)
		return 1;
	for (size_t i = 0; i < sizeof trap_texts / sizeof trap_texts[0]; i++) {
		size_t n = strlen(trap_texts[i].text);
		if (text->len >= n && !memcmp(text->str, trap_texts[i].text, n)) {
			if (err->trap == trap_texts[i].a || err->trap == trap_texts[i].b)
				return 1;
			report(c, "expected trap \"%s\" (%s), got %s", text->str,
			       ep_trap_name(trap_texts[i].a), describe(got, sizeof got, st, err));
			return 0;
		}
	}
	return 1;
}

static int cmd_module(ctx *c, const jval *cmd)
{
	char why[320], got[320];
	ep_module *m;
	ep_instance *inst = NULL;
	ep_status st;
	ep_error err;
	int ok = 0;
	if (!load_file(c, cmd, &m, &st, &err, why, sizeof why))
		report(c, "%s", why);
	else if (st != EP_OK)
		report(c, "load failed: %s", describe(got, sizeof got, st, &err));
	else if (!link_instantiate(c, m, &inst, &st, &err, why, sizeof why))
		report(c, "%s", why);
	else if (st != EP_OK)
		report(c, "instantiation failed: %s", describe(got, sizeof got, st, &err));
	else
		ok = 1;
	c->current = ok ? inst : NULL;
	const jval *name = jget_str(cmd, "name");
	if (name && bind(&c->named, name->str, name->len, c->current)) {
		report(c, "out of memory");
		ok = 0;
	}
	return ok;
}

static int cmd_register(ctx *c, const jval *cmd)
{
	char why[320];
	const jval *as = jget_str(cmd, "as");
	why[0] = 0;
	ep_instance *inst = target_instance(c, cmd, "name", why, sizeof why);
	/* Not counted; if it fails, the commands that import from it fail. */
	if (!as) {
		report(c, "(not counted) no \"as\"");
		return -1;
	}
	if (!inst) {
		report(c, "(not counted) %s", why);
		return -1;
	}
	if (bind(&c->registered, as->str, as->len, inst))
		report(c, "(not counted) out of memory");
	return -1;
}

static int cmd_action(ctx *c, const jval *cmd)
{
	char why[320], got[320];
	if (!do_action(c, jget(cmd, "action"), why, sizeof why)) {
		report(c, "%s", why);
		return 0;
	}
	if (c->ar.st != EP_OK) {
		report(c, "expected EP_OK, got %s", describe(got, sizeof got, c->ar.st, &c->ar.err));
		return 0;
	}
	return 1;
}

static int cmd_assert_return(ctx *c, const jval *cmd)
{
	char why[320], got[400];
	const jval *exp = jget(cmd, "expected");
	if (!exp || exp->kind != J_ARR) {
		report(c, "no expected results");
		return 0;
	}
	if (!cmd_action(c, cmd))
		return 0;
	action_result *r = &c->ar;
	if (exp->len != r->nres) {
		report(c, "expected %lu results, the function returns %lu",
		       (unsigned long)exp->len, (unsigned long)r->nres);
		return 0;
	}
	for (uint32_t i = 0; i < r->nres; i++) {
		if (!check_result(&exp->items[i], r->res[i], r->rtypes[i], why, sizeof why)) {
			if (r->nres > 1)
				snprintf(got, sizeof got, "result %lu: %s", (unsigned long)i, why);
			else
				snprintf(got, sizeof got, "%s", why);
			report(c, "%s", got);
			return 0;
		}
	}
	return 1;
}

/* Loads the command's module, which must decode and validate; reports and
 * returns 0 otherwise. */
static int load_valid(ctx *c, const jval *cmd, ep_module **m)
{
	char why[320], got[320];
	ep_status st;
	ep_error err;
	if (!load_file(c, cmd, m, &st, &err, why, sizeof why)) {
		report(c, "%s", why);
		return 0;
	}
	if (st != EP_OK) {
		report(c, "load failed: %s", describe(got, sizeof got, st, &err));
		return 0;
	}
	return 1;
}

/* Instantiation of the command's module must trap (assert_uninstantiable,
 * and the module form of assert_trap). */
static int expect_uninstantiable(ctx *c, const jval *cmd)
{
	char why[320];
	ep_module *m;
	ep_instance *inst;
	ep_status st;
	ep_error err;
	if (!load_valid(c, cmd, &m))
		return 0;
	if (!link_instantiate(c, m, &inst, &st, &err, why, sizeof why)) {
		report(c, "%s", why);
		return 0;
	}
	return expect_trap(c, st, &err, jget_str(cmd, "text"), 0);
}

static int cmd_assert_trap(ctx *c, const jval *cmd, int exhaustion)
{
	char why[320];
	if (!exhaustion && jget(cmd, "filename") && !jget(cmd, "action"))
		return expect_uninstantiable(c, cmd);
	if (!do_action(c, jget(cmd, "action"), why, sizeof why)) {
		report(c, "%s", why);
		return 0;
	}
	return expect_trap(c, c->ar.st, &c->ar.err, jget_str(cmd, "text"), exhaustion);
}

/* assert_invalid and binary assert_malformed: the load must fail so. */
static int cmd_assert_load(ctx *c, const jval *cmd, ep_status want)
{
	char why[320], got[320];
	const jval *text = jget_str(cmd, "text");
	ep_module *m;
	ep_status st;
	ep_error err;
	if (!load_file(c, cmd, &m, &st, &err, why, sizeof why)) {
		report(c, "%s", why);
		return 0;
	}
	if (st == want)
		return 1;
	report(c, "expected %s (%s), got %s", status_name(want), text ? text->str : "?",
	       describe(got, sizeof got, st, &err));
	return 0;
}

static int cmd_assert_unlinkable(ctx *c, const jval *cmd)
{
	char why[320], got[320];
	const jval *text = jget_str(cmd, "text");
	ep_module *m;
	ep_instance *inst;
	ep_status st;
	ep_error err;
	if (!load_valid(c, cmd, &m))
		return 0;
	/* An import no registered module provides is unlinkable by the
	 * embedder's own lookup; only found imports reach the engine. */
	if (!link_instantiate(c, m, &inst, &st, &err, why, sizeof why))
		return 1;
	if (st == EP_ERR_UNLINKABLE)
		return 1;
	report(c, "expected EP_ERR_UNLINKABLE (%s), got %s", text ? text->str : "?",
	       describe(got, sizeof got, st, &err));
	return 0;
}

/* Returns 1 passed, 0 failed, -1 not counted. */
static int run_command(ctx *c, const jval *cmd)
{
	const jval *type = jget_str(cmd, "type");
	const jval *line = jget(cmd, "line");
	c->line = line && line->kind == J_NUM ? strtoul(line->str, NULL, 10) : 0;
	c->cmd = type ? type->str : "?";
	if (!type) {
		report(c, "command without a type");
		return 0;
	}
	if (jstr_is(type, "module"))
		return cmd_module(c, cmd);
	if (jstr_is(type, "register"))
		return cmd_register(c, cmd);
	if (jstr_is(type, "action"))
		return cmd_action(c, cmd);
	if (jstr_is(type, "assert_return"))
		return cmd_assert_return(c, cmd);
	if (jstr_is(type, "assert_trap"))
		return cmd_assert_trap(c, cmd, 0);
	if (jstr_is(type, "assert_exhaustion"))
		return cmd_assert_trap(c, cmd, 1);
	if (jstr_is(type, "assert_uninstantiable"))
		return expect_uninstantiable(c, cmd);
	if (jstr_is(type, "assert_unlinkable"))
		return cmd_assert_unlinkable(c, cmd);
	if (jstr_is(type, "assert_invalid") || jstr_is(type, "assert_malformed")) {
		const jval *mt = jget_str(cmd, "module_type");
		int malformed = jstr_is(type, "assert_malformed");
		if (malformed && jstr_is(mt, "text"))
			return -1;   /* the text format is not ours to read */
		if (mt && !jstr_is(mt, "binary")) {
			report(c, "module_type \"%s\" cannot be loaded", mt->str);
			return 0;
		}
		return cmd_assert_load(c, cmd, malformed ? EP_ERR_MALFORMED : EP_ERR_INVALID);
	}
	report(c, "unknown command type");
	return 0;
}

/* ---- main ---- */

static int usage(void)
{
	fprintf(stderr, "usage: spec-runner [-v] [-t] FILE.json\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *path = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-v"))
			verbose = 1;
		else if (!strcmp(argv[i], "-t"))
			strict_traps = 1;
		else if (argv[i][0] == '-' || path)
			return usage();
		else
			path = argv[i];
	}
	if (!path)
		return usage();

	size_t len = 0;
	char *text = (char *)read_file(path, &len);
	if (!text) {
		fprintf(stderr, "%s: cannot read\n", path);
		return 2;
	}
	jval root;
	const char *jerr = NULL;
	size_t joff = 0;
	if (json_parse(text, len, &root, &jerr, &joff)) {
		fprintf(stderr, "%s: bad JSON at byte %lu: %s\n", path, (unsigned long)joff, jerr);
		free(text);
		return 2;
	}
	free(text);
	const jval *cmds = jget(&root, "commands");
	if (!cmds || cmds->kind != J_ARR) {
		fprintf(stderr, "%s: no \"commands\" array\n", path);
		jfree(&root);
		return 2;
	}

	/* NAME.wast from the script's source_filename, else from the JSON's. */
	static ctx c;
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	size_t dl = (size_t)(base - path), bl = strlen(base);
	const jval *src = jget_str(&root, "source_filename");
	const char *sb = NULL;
	if (src && src->len && !memchr(src->str, 0, src->len)) {
		sb = strrchr(src->str, '/');
		sb = sb ? sb + 1 : src->str;
	}
	char *wast = malloc((sb ? strlen(sb) : bl) + 6), *dir = malloc(dl + 1);
	if (!wast || !dir) {
		fprintf(stderr, "%s: out of memory\n", path);
		return 2;
	}
	memcpy(dir, path, dl);
	dir[dl] = 0;
	if (sb) {
		strcpy(wast, sb);
	} else {
		memcpy(wast, base, bl + 1);
		if (bl > 5 && !strcmp(wast + bl - 5, ".json"))
			wast[bl - 5] = 0;
		strcat(wast, ".wast");
	}
	c.wast = wast;
	c.dir = dir;
	c.cmd = "setup";

	c.engine = ep_engine_new(NULL, NULL);
	c.store = c.engine ? ep_store_new(c.engine, NULL) : NULL;
	if (!c.store || spectest_init(&c)) {
		fprintf(stderr, "%s: cannot create the engine, store or spectest objects\n", wast);
		return 2;
	}

	unsigned long passed = 0, failed = 0;
	for (size_t i = 0; i < cmds->len; i++) {
		int r = run_command(&c, &cmds->items[i]);
		if (r > 0)
			passed++;
		else if (r == 0)
			failed++;
	}

	/* Instances refer to their modules, so the store goes first. */
	ep_store_free(c.store);
	for (size_t i = 0; i < c.nmods; i++)
		ep_module_free(c.mods[i]);
	size_t left = ep_engine_bytes(c.engine);
	int status = failed ? 1 : 0;
	if (left) {
		fprintf(stderr, "%s: leak: %lu engine bytes still allocated after freeing "
		        "the store and %lu modules\n", wast, (unsigned long)left, (unsigned long)c.nmods);
		status = 3;
	}
	ep_engine_free(c.engine);
	printf("%s: %lu passed, %lu failed\n", wast, passed, failed);
	fflush(stdout);

	free(c.mods);
	free(c.named.v);
	free(c.registered.v);
	jfree(&root);
	free(wast);
	free(dir);
	return status;
}
