/*
 * cli.c - the edgeplug command: validate a module, run a WASI command
 * once, or run one exported function with arguments from the command line
 * and print its results. Owns argument parsing, the capabilities a one-shot
 * run grants, value text in both directions and the exit codes; uses only
 * the public API (include/edgeplug.h, include/edgeplug_wasi.h), never the
 * engine's insides.
 *
 * Exit codes follow sysexits(3) where one fits, plus 134 for a trap (the
 * code a shell shows for SIGABRT, which is what a trap is to a native
 * program). docs/cli.md is the reference; keep the two in step.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "edgeplug.h"
#include "edgeplug_wasi.h"

enum {
	RC_OK = 0,
	RC_USAGE = 64,        /* bad command line, no such export, bad argument */
	RC_DATAERR = 65,      /* malformed or invalid module */
	RC_NOINPUT = 66,      /* the module file cannot be read */
	RC_UNAVAILABLE = 69,  /* the module imports something we do not provide */
	RC_SOFTWARE = 70,     /* out of memory, engine limit, output failed */
	RC_TRAP = 134,        /* the start function or the call trapped */
	RC_TIMEOUT = 124,     /* --timeout passed (timeout(1)'s code) */
	RC_FUEL = 135         /* --fuel ran out */
};

/* What a one-shot `run` grants besides --dir and --env: the process's own
 * stdio, the clocks and random numbers (docs/cli.md). */
#define RUN_CAPS (EP_WASI_STDIO | EP_WASI_CLOCKS | EP_WASI_RANDOM)

/* Input files are read whole (the engine copies them again), so the cap
 * bounds peak memory at about twice this. 256 MiB is far beyond any module
 * a Pi Zero can run and still below what a 32-bit size_t can address. */
#define MAX_FILE_BYTES ((size_t)256 << 20)

#define USAGE_RUN_LINES \
	"       edgeplug run [OPTION...] FILE.wasm [ARG...]\n" \
	"       edgeplug run --invoke NAME [OPTION...] FILE.wasm [ARG...]\n"

#define USAGE_LINES \
	"usage: edgeplug validate FILE.wasm\n" \
	USAGE_RUN_LINES \
	"       edgeplug help [COMMAND]\n" \
	"       edgeplug --version\n"

static const char usage_text[] = USAGE_LINES;

static const char help_text[] =
	"edgeplug " EP_VERSION " - a small WebAssembly 2.0 interpreter\n"
	"\n"
	USAGE_LINES
	"\n"
	"commands:\n"
	"  validate   decode and validate a module; silent when it is fine\n"
	"  run        run a WASI program, or call an exported function and print\n"
	"             its results\n"
	"  help       this text, or the details of one command\n"
	"\n"
	"'edgeplug help run' lists the argument syntax and the exit codes.\n";

static const char usage_validate[] = "usage: edgeplug validate FILE.wasm\n";

static const char help_validate[] =
	"usage: edgeplug validate FILE.wasm\n"
	"\n"
	"Decodes, validates and prepares FILE.wasm exactly as 'run' would, without\n"
	"instantiating it. Prints nothing when the module is fine; otherwise one\n"
	"line on stderr:\n"
	"  edgeplug: FILE.wasm: malformed: REASON at offset 0xN   (does not decode)\n"
	"  edgeplug: FILE.wasm: invalid: REASON at offset 0xN     (does not validate)\n"
	"\n"
	"exit status:\n"
	"  0    the module is valid\n"
	"  64   usage error\n"
	"  65   the module is malformed or invalid\n"
	"  66   FILE.wasm cannot be read (missing, unreadable, larger than 256 MiB)\n"
	"  70   out of memory or an engine limit\n";

static const char usage_run[] =
	"usage: edgeplug run [OPTION...] FILE.wasm [ARG...]\n"
	"       edgeplug run --invoke NAME [OPTION...] FILE.wasm [ARG...]\n";

static const char help_run[] =
	"usage: edgeplug run [OPTION...] FILE.wasm [ARG...]\n"
	"       edgeplug run --invoke NAME [OPTION...] FILE.wasm [ARG...]\n"
	"\n"
	"Without --invoke, runs FILE.wasm once as a WASI command (a program built\n"
	"for wasm32-wasi): calls its _start with the ARGs as argv[1...] (argv[0] is\n"
	"the file's base name) and exits with the program's exit status.\n"
	"\n"
	"With --invoke, instantiates FILE.wasm (running its start function and,\n"
	"for a WASI reactor, _initialize) and calls its exported function NAME\n"
	"with the ARGs, read by the function's parameter types:\n"
	"  i32, i64            decimal or 0x hex, optionally signed; the signed and\n"
	"                      the unsigned range both work (-1 = 4294967295 as i32)\n"
	"  f32, f64            decimal or hex float (0x1.8p3), inf, -inf, nan,\n"
	"                      nan:0xPAYLOAD (a NaN with that significand)\n"
	"  funcref, externref  null\n"
	"Each result goes to stdout on its own line as TYPE:VALUE, e.g. i32:-1,\n"
	"i64:42, f64:0.1, f32:nan:0x200000, funcref:null. Integers print signed;\n"
	"floats print with the fewest digits that read back to the same bits.\n"
	"\n"
	"Options come before FILE.wasm ('--' ends them early); everything after\n"
	"FILE.wasm belongs to the plugin, even if it starts with '-'.\n"
	"  --invoke NAME          call NAME instead of running _start\n"
	"  --dir HOST[::GUEST]    let the plugin use the directory HOST under the\n"
	"                         name GUEST (default: HOST as written); may repeat\n"
	"  --dir-ro HOST[::GUEST] the same, read-only\n"
	"  --env NAME=VALUE       set an environment variable; may repeat\n"
	"  --env NAME             pass on the host's NAME, if it is set\n"
	"\n"
	"Budgets (docs/limits.md); SIZE takes K, M or G (KiB, MiB, GiB):\n"
	"  --fuel N               stop after N instructions (default: unlimited)\n"
	"  --max-memory SIZE      cap linear memory (whole 64 KiB pages); beyond it\n"
	"                         memory.grow fails (malloc returns NULL)\n"
	"  --max-table-elements N cap every table; beyond it table.grow fails\n"
	"  --max-call-depth N     nested calls before 'call stack exhausted' (10000)\n"
	"  --max-stack SIZE       value stack before 'call stack exhausted' (1M)\n"
	"  --max-runtime-memory SIZE  the engine's own memory: code, tables,\n"
	"                         stacks (default 128M)\n"
	"  --timeout DURATION     wall-clock deadline: 500ms, 2s, 1m (bare: seconds)\n"
	"  --stats                after the run, one line on stderr: fuel_used,\n"
	"                         peak_memory_bytes, max_call_depth, wall_ms,\n"
	"                         engine_peak_bytes\n"
	"\n"
	"Deny by default: the plugin sees no file, directory or environment\n"
	"variable that these options do not grant, and paths cannot leave a\n"
	"granted directory. It does get the process's stdin, stdout and stderr,\n"
	"the clocks and random numbers. Imports from wasi_snapshot_preview1 are\n"
	"provided in both modes; any other import is refused.\n"
	"\n"
	"A trap prints 'edgeplug: trap: REASON in function N (NAME)' on stderr;\n"
	"NAME comes from the module's name section when it has one.\n"
	"\n"
	"exit status:\n"
	"  N    the program's exit code (proc_exit), or 0 when _start returns;\n"
	"       codes outside 0-255 become 255\n"
	"  0    --invoke: the call returned\n"
	"  64   usage error, a bad option value, no exported function NAME (or\n"
	"       _start), wrong number of ARGs or an ARG that does not parse\n"
	"  65   the module is malformed or invalid\n"
	"  66   FILE.wasm cannot be read (missing, unreadable, larger than 256 MiB)\n"
	"       or a --dir directory cannot be opened\n"
	"  69   the module imports something edgeplug does not provide\n"
	"  70   out of memory, an engine limit (a memory or table minimum over\n"
	"       --max-memory or --max-table-elements, a module over\n"
	"       --max-runtime-memory), or stdout could not be written\n"
	"  124  --timeout passed ('edgeplug: deadline exceeded after DURATION')\n"
	"  134  the start function or the call trapped\n"
	"  135  --fuel ran out ('edgeplug: fuel exhausted after N units')\n";

static int usage_error(const char *usage, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

static int usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;
	fputs("edgeplug: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fputs(usage, stderr);
	return RC_USAGE;
}

/* Names in a module are UTF-8 but may hold control characters; escape those
 * so a message stays one line. */
static void put_name(FILE *f, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f || c == '\\')
			fprintf(f, "\\%02x", c);
		else
			fputc(c, f);
	}
}

/* ---- input ---- */

/* Reads path whole into a malloc'd buffer. On failure prints the message
 * and returns the exit code. */
static int read_file(const char *path, uint8_t **out, size_t *outlen)
{
	const char *why = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		why = strerror(errno);
		goto fail;
	}
	struct stat st;
	size_t cap = 64 * 1024;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		if ((uintmax_t)st.st_size > MAX_FILE_BYTES) {
			why = "larger than the 256 MiB limit";
			goto fail;
		}
		/* One byte of slack so the first read can already see EOF. */
		cap = (size_t)st.st_size + 1;
	}
	uint8_t *buf = malloc(cap);
	if (!buf)
		goto nomem;
	size_t n = 0;
	for (;;) {
		if (n == cap) {
			/* Files that grew or are not regular (pipes): grow, but
			 * never past the cap plus one byte to detect excess. */
			if (cap > MAX_FILE_BYTES) {
				free(buf);
				why = "larger than the 256 MiB limit";
				goto fail;
			}
			size_t ncap = cap > MAX_FILE_BYTES / 2 ? MAX_FILE_BYTES + 1 : cap * 2;
			uint8_t *nbuf = realloc(buf, ncap);
			if (!nbuf) {
				free(buf);
				goto nomem;
			}
			buf = nbuf;
			cap = ncap;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			why = strerror(errno);
			free(buf);
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > MAX_FILE_BYTES) {
		free(buf);
		why = "larger than the 256 MiB limit";
		goto fail;
	}
	close(fd);
	*out = buf;
	*outlen = n;
	return RC_OK;
fail:
	if (fd >= 0)
		close(fd);
	fprintf(stderr, "edgeplug: %s: cannot read: %s\n", path, why);
	return RC_NOINPUT;
nomem:
	close(fd);
	fprintf(stderr, "edgeplug: %s: out of memory\n", path);
	return RC_SOFTWARE;
}

static const char *msg_or(const ep_error *err, const char *fallback)
{
	return err->msg[0] ? err->msg : fallback;
}

static int report(const char *path, ep_status st, const ep_error *err);
struct budgets;
static const struct budgets *run_budgets;   /* set while a run command runs */

/* ---- function names, for traps ---- */

/* The function names of the module's "name" section (subsection 1), copied
 * out of the file before it is freed so a trap can name its function. The
 * engine skips custom sections, so this reads them on its own, tolerantly:
 * anything that does not parse just means no names. */
typedef struct names {
	uint8_t *map;   /* the subsection's payload: count, then (index, name) */
	size_t len;
} names;

static int read_leb(const uint8_t *b, size_t n, size_t *pos, uint32_t *out)
{
	uint32_t v = 0;
	for (unsigned shift = 0; shift < 35; shift += 7) {
		if (*pos >= n)
			return 0;
		uint8_t c = b[(*pos)++];
		v |= (uint32_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			*out = v;
			return 1;
		}
	}
	return 0;
}

static void names_extract(const uint8_t *b, size_t n, names *out)
{
	size_t pos = 8;
	out->map = NULL;
	out->len = 0;
	while (pos < n) {
		uint8_t id = b[pos++];
		uint32_t size, nl, ssize;
		if (!read_leb(b, n, &pos, &size) || size > n - pos)
			return;
		size_t end = pos + size, p = pos;
		if (id == 0 && read_leb(b, end, &p, &nl) && nl == 4 && end - p >= 4 &&
		    memcmp(b + p, "name", 4) == 0) {
			for (p += 4; p < end; p += ssize) {
				uint8_t sid = b[p++];
				if (!read_leb(b, end, &p, &ssize) || ssize > end - p)
					return;
				if (sid == 1) {
					out->map = malloc(ssize ? ssize : 1);
					if (out->map) {
						memcpy(out->map, b + p, ssize);
						out->len = ssize;
					}
					return;
				}
			}
		}
		pos = end;
	}
}

static int names_find(const names *nm, uint32_t func, const char **s, size_t *len)
{
	size_t p = 0;
	uint32_t count, idx, nl;
	if (!nm || !nm->map || !read_leb(nm->map, nm->len, &p, &count))
		return 0;
	for (uint32_t i = 0; i < count; i++) {
		if (!read_leb(nm->map, nm->len, &p, &idx) || !read_leb(nm->map, nm->len, &p, &nl) ||
		    nl > nm->len - p)
			return 0;
		if (idx == func) {
			*s = (const char *)nm->map + p;
			*len = nl;
			return 1;
		}
		p += nl;
	}
	return 0;
}

/* report, plus the function's name for a trap in a function (nm may be
 * NULL: no names). */
static int report_named(const char *path, ep_status st, const ep_error *err, const names *nm)
{
	if (st == EP_ERR_TRAP) {
		const char *s;
		size_t len;
		fprintf(stderr, "edgeplug: trap: %s", msg_or(err, ep_trap_name(err->trap)));
		if (err->func != UINT32_MAX && names_find(nm, err->func, &s, &len)) {
			fputs(" (", stderr);
			put_name(stderr, s, len);
			fputc(')', stderr);
		}
		fputc('\n', stderr);
		return RC_TRAP;
	}
	return report(path, st, err);
}

/* Reports a failed load, instantiation or call; returns the exit code. */
static int report(const char *path, ep_status st, const ep_error *err)
{
	switch (st) {
	case EP_ERR_MALFORMED:
	case EP_ERR_INVALID:
		fprintf(stderr, "edgeplug: %s: %s: %s", path,
		        st == EP_ERR_MALFORMED ? "malformed" : "invalid",
		        msg_or(err, "no reason given"));
		if (err->offset != SIZE_MAX)
			fprintf(stderr, " at offset 0x%zx", err->offset);
		fputc('\n', stderr);
		return RC_DATAERR;
	case EP_ERR_TRAP:
		fprintf(stderr, "edgeplug: trap: %s\n", msg_or(err, ep_trap_name(err->trap)));
		return RC_TRAP;
	case EP_ERR_UNLINKABLE:
		fprintf(stderr, "edgeplug: %s: %s\n", path, msg_or(err, "unlinkable"));
		return RC_UNAVAILABLE;
	case EP_ERR_NOMEM:
		fprintf(stderr, "edgeplug: %s: %s%s\n", path, msg_or(err, "out of memory"),
		        run_budgets ? " (engine memory limit: see --max-runtime-memory)" : "");
		return RC_SOFTWARE;
	case EP_ERR_LIMIT:
		fprintf(stderr, "edgeplug: %s: %s\n", path, msg_or(err, "limit exceeded"));
		return RC_SOFTWARE;
	default:
		fprintf(stderr, "edgeplug: %s: internal error (status %d): %s\n", path,
		        (int)st, msg_or(err, "no reason given"));
		return RC_SOFTWARE;
	}
}

/* Reads and loads path. The file buffer is freed before returning, so only
 * the engine's copy stays (and, when nm is given, the function names). */
static int load(ep_engine *engine, const char *path, ep_module **out, names *nm)
{
	uint8_t *bytes;
	size_t len;
	int rc = read_file(path, &bytes, &len);
	if (rc != RC_OK)
		return rc;
	ep_error err;
	memset(&err, 0, sizeof err);
	err.offset = SIZE_MAX;
	ep_status st = ep_module_load(engine, bytes, len, out, &err);
	if (st == EP_OK && nm)
		names_extract(bytes, len, nm);
	free(bytes);
	if (st != EP_OK) {
		*out = NULL;
		return report(path, st, &err);
	}
	return RC_OK;
}

static ep_engine *new_engine(void)
{
	ep_engine *e = ep_engine_new(NULL, NULL);
	if (!e)
		fputs("edgeplug: out of memory\n", stderr);
	return e;
}

/* ---- values: text to bits ---- */

static const char *type_name(uint8_t t)
{
	switch (t) {
	case EP_I32: return "i32";
	case EP_I64: return "i64";
	case EP_F32: return "f32";
	case EP_F64: return "f64";
	case EP_FUNCREF: return "funcref";
	case EP_EXTERNREF: return "externref";
	default: return "unknown";
	}
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

/* Unsigned digits in base, the whole string, without overflow. */
static int parse_digits(const char *p, unsigned base, uint64_t *out)
{
	uint64_t v = 0;
	if (!*p)
		return 0;
	for (; *p; p++) {
		unsigned d = (unsigned)digit_value(*p);
		if (d >= base || v > (UINT64_MAX - d) / base)
			return 0;
		v = v * base + d;
	}
	*out = v;
	return 1;
}

/* An integer of the given width, in the signed or the unsigned range, as
 * two's complement bits. */
static int parse_int(const char *s, unsigned bits, uint64_t *out)
{
	const char *p = s;
	int neg = 0;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	unsigned base = 10;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	uint64_t v;
	if (!parse_digits(p, base, &v))
		return 0;
	uint64_t umax = bits == 64 ? UINT64_MAX : UINT32_MAX;
	uint64_t nmax = (uint64_t)1 << (bits - 1);
	if (neg ? v > nmax : v > umax)
		return 0;
	*out = (neg ? (uint64_t)0 - v : v) & umax;
	return 1;
}

/* A float of the given width as bits. inf and nan forms are handled here so
 * NaN payloads and signs are exact; everything else goes to strtod/strtof,
 * which round correctly and read hex floats. Overflow to infinity is an
 * error, as in the text format; underflow rounds. */
static int parse_float(const char *s, int is64, uint64_t *out)
{
	const char *p = s;
	int neg = 0;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	unsigned mbits = is64 ? 52 : 23;
	uint64_t sign = neg ? (uint64_t)1 << (is64 ? 63 : 31) : 0;
	uint64_t expo = is64 ? UINT64_C(0x7ff0000000000000) : UINT64_C(0x7f800000);
	uint64_t mmask = ((uint64_t)1 << mbits) - 1;

	if (strcasecmp(p, "inf") == 0 || strcasecmp(p, "infinity") == 0) {
		*out = sign | expo;
		return 1;
	}
	if (strcasecmp(p, "nan") == 0) {
		*out = sign | expo | (uint64_t)1 << (mbits - 1);
		return 1;
	}
	if (strncasecmp(p, "nan:0x", 6) == 0) {
		uint64_t payload;
		if (!parse_digits(p + 6, 16, &payload) || payload == 0 || payload > mmask)
			return 0;
		*out = sign | expo | payload;
		return 1;
	}
	/* strtod would skip blanks and accept "nan(...)"; insist on a number. */
	if (!((*p >= '0' && *p <= '9') || *p == '.'))
		return 0;
	char *end;
	errno = 0;
	if (is64) {
		double d = strtod(s, &end);
		if (*end || isnan(d) || (isinf(d) && errno == ERANGE))
			return 0;
		uint64_t b;
		memcpy(&b, &d, sizeof b);
		*out = b;
	} else {
		float f = strtof(s, &end);
		if (*end || isnan(f) || (isinf(f) && errno == ERANGE))
			return 0;
		uint32_t b;
		memcpy(&b, &f, sizeof b);
		*out = b;
	}
	return 1;
}

static int parse_value(const char *s, uint8_t type, ep_value *v)
{
	uint64_t bits;
	v->type = type;
	switch (type) {
	case EP_I32:
		if (!parse_int(s, 32, &bits))
			return 0;
		v->of.i32 = (int32_t)(uint32_t)bits;
		return 1;
	case EP_I64:
		if (!parse_int(s, 64, &bits))
			return 0;
		v->of.i64 = (int64_t)bits;
		return 1;
	case EP_F32:
		if (!parse_float(s, 0, &bits))
			return 0;
		v->of.f32 = (uint32_t)bits;
		return 1;
	case EP_F64:
		if (!parse_float(s, 1, &bits))
			return 0;
		v->of.f64 = bits;
		return 1;
	case EP_FUNCREF:
	case EP_EXTERNREF:
		if (strcmp(s, "null") != 0)
			return 0;
		v->of.ref = NULL;
		return 1;
	default:
		return 0;
	}
}

/* ---- values: bits to text ---- */

/* The shortest decimal that reads back to the same float, laid out like
 * JavaScript's Number#toString: plain notation when the decimal exponent is
 * in [-6, 20], scientific (1e+21, 1.5e-7) outside. a is positive, finite
 * and non-zero; for f32 it holds a float exactly. out has room for 32
 * bytes: at most 17 digits, "0." and 6 zeros, or a point and "e+308". */
static void format_decimal(char *out, double a, int is64)
{
	char e[40];
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(e, sizeof e, "%.*e", prec - 1, a);
		if (is64 ? strtod(e, NULL) == a : strtof(e, NULL) == (float)a)
			break;
	}
	/* e is "D[.DDD]e[+-]XX": collect the digits and the exponent. */
	char digits[24];
	int k = 0;
	const char *p = e;
	for (; *p && *p != 'e'; p++)
		if (*p != '.')
			digits[k++] = *p;
	while (k > 1 && digits[k - 1] == '0')
		k--;
	int n = atoi(p + 1) + 1;   /* the value is 0.DIGITS * 10^n */

	char *o = out;
	if (k <= n && n <= 21) {
		memcpy(o, digits, (size_t)k);
		o += k;
		for (int i = k; i < n; i++)
			*o++ = '0';
	} else if (0 < n && n <= 21) {
		memcpy(o, digits, (size_t)n);
		o += n;
		*o++ = '.';
		memcpy(o, digits + n, (size_t)(k - n));
		o += k - n;
	} else if (-6 < n && n <= 0) {
		*o++ = '0';
		*o++ = '.';
		for (int i = n; i < 0; i++)
			*o++ = '0';
		memcpy(o, digits, (size_t)k);
		o += k;
	} else {
		*o++ = digits[0];
		if (k > 1) {
			*o++ = '.';
			memcpy(o, digits + 1, (size_t)(k - 1));
			o += k - 1;
		}
		o += sprintf(o, "e%c%d", n - 1 < 0 ? '-' : '+', abs(n - 1));
	}
	*o = '\0';
}

/* out must have room for 40 bytes. */
static void format_float(char *out, size_t size, uint64_t bits, int is64)
{
	unsigned mbits = is64 ? 52 : 23;
	uint64_t mmask = ((uint64_t)1 << mbits) - 1;
	uint64_t emask = is64 ? 0x7ff : 0xff;
	int neg = (int)(bits >> (is64 ? 63 : 31)) & 1;
	uint64_t ex = (bits >> mbits) & emask;
	uint64_t m = bits & mmask;
	const char *sign = neg ? "-" : "";

	if (ex == emask) {
		if (m == 0)
			snprintf(out, size, "%sinf", sign);
		else if (m == (uint64_t)1 << (mbits - 1))
			snprintf(out, size, "%snan", sign);
		else
			snprintf(out, size, "%snan:0x%" PRIx64, sign, m);
		return;
	}
	if (ex == 0 && m == 0) {
		snprintf(out, size, "%s0", sign);
		return;
	}
	double a;
	if (is64) {
		uint64_t b = bits & ~((uint64_t)1 << 63);
		memcpy(&a, &b, sizeof a);
	} else {
		uint32_t b = (uint32_t)bits & 0x7fffffffu;
		float f;
		memcpy(&f, &b, sizeof f);
		a = f;
	}
	size_t sl = strlen(sign);
	memcpy(out, sign, sl);
	format_decimal(out + sl, a, is64);
}

static void print_value(FILE *f, const ep_value *v)
{
	char buf[64];
	switch (v->type) {
	case EP_I32:
		fprintf(f, "i32:%" PRId32 "\n", v->of.i32);
		break;
	case EP_I64:
		fprintf(f, "i64:%" PRId64 "\n", v->of.i64);
		break;
	case EP_F32:
		format_float(buf, sizeof buf, v->of.f32, 0);
		fprintf(f, "f32:%s\n", buf);
		break;
	case EP_F64:
		format_float(buf, sizeof buf, v->of.f64, 1);
		fprintf(f, "f64:%s\n", buf);
		break;
	case EP_FUNCREF:
	case EP_EXTERNREF:
		fprintf(f, "%s:%s\n", type_name(v->type), v->of.ref ? "<non-null>" : "null");
		break;
	default:
		fprintf(f, "unknown:0x%02x\n", v->type);
		break;
	}
}

/* ---- commands ---- */

static int cmd_validate(int argc, char **argv)
{
	const char *path = NULL;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(help_validate, stdout);
			return RC_OK;
		}
		if (a[0] == '-' && a[1] != '\0')
			return usage_error(usage_validate, "validate: unknown option \"%s\"", a);
		if (path)
			return usage_error(usage_validate, "validate: unexpected argument \"%s\"", a);
		path = a;
	}
	if (!path)
		return usage_error(usage_validate, "validate: missing %s", "FILE.wasm");

	ep_engine *engine = new_engine();
	if (!engine)
		return RC_SOFTWARE;
	ep_module *m = NULL;
	int rc = load(engine, path, &m, NULL);
	ep_module_free(m);
	ep_engine_free(engine);
	return rc;
}

/* Whether the module exports a function called name: checked before
 * instantiating so a typo does not run the start function first. */
static int module_exports_func(const ep_module *m, const char *name)
{
	size_t len = strlen(name);
	uint32_t n = ep_module_export_count(m);
	for (uint32_t i = 0; i < n; i++) {
		const char *en;
		size_t el;
		uint8_t kind;
		ep_module_export(m, i, &en, &el, &kind);
		if (kind == EP_EXTERN_FUNC && el == len && memcmp(en, name, len) == 0)
			return 1;
	}
	return 0;
}

static int opt_value(const char *opt, int argc, char **argv, int *i, const char **val);

/* ---- budgets: --fuel, --max-*, --timeout, --stats (docs/limits.md) ---- */

/* The engine's own memory (module copy, lowered code, stacks, tables)
 * unless --max-runtime-memory says otherwise: room for modules of tens of
 * megabytes, and still a quarter of a Pi Zero's RAM at most. */
#define DEFAULT_RUNTIME_BYTES ((uint64_t)128 << 20)

typedef struct budgets {
	int has_fuel;
	uint64_t fuel;
	ep_limits limits;             /* zero fields: engine defaults */
	int has_max_memory;
	uint64_t max_memory;          /* bytes, as given */
	uint64_t runtime_bytes;
	uint64_t timeout_ms;          /* 0: none */
	const char *timeout_text;     /* as written, for the message */
	int stats;
} budgets;

/* A decimal count: digits only, no sign, no overflow. */
static int parse_count(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	if (!*s)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return 0;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 1;
}

/* A count followed by a unit from units (name, multiplier; NULL-ended).
 * A bare number takes the unit whose name is "". */
typedef struct unit { const char *name; uint64_t mul; } unit;

static int parse_with_unit(const char *s, const unit *units, uint64_t *out)
{
	size_t n = 0;
	while (s[n] >= '0' && s[n] <= '9')
		n++;
	if (n == 0 || n > 20)
		return 0;
	char digits[21];
	memcpy(digits, s, n);
	digits[n] = '\0';
	uint64_t v;
	if (!parse_count(digits, &v))
		return 0;
	for (const unit *u = units; u->name; u++) {
		if (strcasecmp(s + n, u->name) == 0) {
			if (v > UINT64_MAX / u->mul)
				return 0;
			*out = v * u->mul;
			return 1;
		}
	}
	return 0;
}

static const unit size_units[] = {
	{ "", 1 }, { "b", 1 }, { "k", 1u << 10 }, { "kib", 1u << 10 }, { "m", 1u << 20 },
	{ "mib", 1u << 20 }, { "g", 1u << 30 }, { "gib", 1u << 30 }, { NULL, 0 }
};

static const unit duration_units[] = {
	{ "", 1000 }, { "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { NULL, 0 }
};

/* Parses one budget option at argv[*i]: 1 taken, 0 not a budget option,
 * -1 bad value (message printed). */
static int budget_option(budgets *b, int argc, char **argv, int *i)
{
	const char *a = argv[*i], *v;
	uint64_t n;
	int got;
	if (strcmp(a, "--stats") == 0) {
		b->stats = 1;
		return 1;
	}
	static const char *const opts[] = {
		"--fuel", "--max-memory", "--max-table-elements", "--max-call-depth",
		"--max-stack", "--max-runtime-memory", "--timeout", NULL
	};
	int k = 0;
	for (; opts[k]; k++)
		if ((got = opt_value(opts[k], argc, argv, i, &v)) != 0)
			break;
	if (!opts[k])
		return 0;
	const char *opt = opts[k];
	if (got < 0) {
		usage_error(usage_run, "run: %s needs a value", opt);
		return -1;
	}
	switch (k) {
	case 0: /* --fuel */
		if (!parse_count(v, &n))
			goto bad;
		b->has_fuel = 1;
		b->fuel = n;
		return 1;
	case 1: /* --max-memory */
		if (!parse_with_unit(v, size_units, &n))
			goto bad;
		/* Whole 64 KiB pages, rounded down; at least one. */
		if (n < 65536) {
			usage_error(usage_run, "run: --max-memory \"%s\": less than one 64 KiB page", v);
			return -1;
		}
		b->has_max_memory = 1;
		b->max_memory = n;
		n /= 65536;
		b->limits.max_memory_pages = n > 65536 ? 65536 : (uint32_t)n;
		return 1;
	case 2: /* --max-table-elements */
		if (!parse_count(v, &n) || n == 0 || n > UINT32_MAX)
			goto bad;
		b->limits.max_table_elements = (uint32_t)n;
		return 1;
	case 3: /* --max-call-depth */
		if (!parse_count(v, &n) || n == 0 || n > 100000000)
			goto bad;
		b->limits.max_call_depth = (uint32_t)n;
		return 1;
	case 4: /* --max-stack */
		if (!parse_with_unit(v, size_units, &n) || n < 8 || n / 8 > UINT32_MAX)
			goto bad;
		b->limits.max_stack_slots = (uint32_t)(n / 8);
		return 1;
	case 5: /* --max-runtime-memory */
		if (!parse_with_unit(v, size_units, &n) || n == 0)
			goto bad;
		/* More than a 32-bit board can address means "all of it". */
		b->runtime_bytes = n > SIZE_MAX ? SIZE_MAX : n;
		return 1;
	case 6: /* --timeout */
		if (!parse_with_unit(v, duration_units, &n) || n == 0)
			goto bad;
		b->timeout_ms = n;
		b->timeout_text = v;
		return 1;
	}
bad:
	usage_error(usage_run, "run: %s \"%s\": not a valid %s", opt, v,
	            k == 0 || k == 2 || k == 3 ? "count" : k == 6 ? "duration (e.g. 500ms, 2s)"
	            : "size (e.g. 65536, 64K, 16M)");
	return -1;
}

/* The deadline: SIGALRM interrupts the running plugin (ep_wasi_interrupt
 * also wakes a blocking WASI call). The timer keeps firing every 5 ms after
 * the deadline, so an interrupt that lands between two calls, where the
 * next call would clear it, is raised again at once. */
static volatile sig_atomic_t deadline_hit;
static ep_wasi *volatile deadline_wasi;

static void on_deadline(int sig)
{
	(void)sig;
	deadline_hit = 1;
	if (deadline_wasi)
		ep_wasi_interrupt(deadline_wasi);
}

static int arm_deadline(uint64_t ms, ep_wasi *w)
{
	deadline_wasi = w;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_deadline;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	struct itimerval it;
	memset(&it, 0, sizeof it);
	/* A 32-bit time_t timer stops at 2^31 s: longer is "never" anyway. */
	if (ms / 1000 > INT32_MAX)
		ms = (uint64_t)INT32_MAX * 1000;
	it.it_value.tv_sec = (time_t)(ms / 1000);
	it.it_value.tv_usec = (suseconds_t)(ms % 1000 * 1000);
	it.it_interval.tv_usec = 5000;
	if (sigaction(SIGALRM, &sa, NULL) != 0 || setitimer(ITIMER_REAL, &it, NULL) != 0) {
		fprintf(stderr, "edgeplug: cannot set the deadline timer: %s\n", strerror(errno));
		return RC_SOFTWARE;
	}
	return RC_OK;
}

static void disarm_deadline(void)
{
	struct itimerval it;
	memset(&it, 0, sizeof it);
	setitimer(ITIMER_REAL, &it, NULL);
	deadline_wasi = NULL;
}

static uint64_t now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

static uint64_t run_started_ms;
static ep_store *run_store;

/* The process exit status for a WASI exit code: 0-255 as they are; what a
 * shell could not tell apart from a small code (256 looks like 0) is 255. */
static int exit_status(int code)
{
	return code >= 0 && code <= 255 ? code : 255;
}

/* A failed instantiation or call; proc_exit is the program ending, not a
 * failure, and gives its own status. */
static int run_failed(const char *path, ep_status st, const ep_error *err, const names *nm)
{
	if (st == EP_ERR_TRAP && err->trap == EP_TRAP_EXIT)
		return exit_status(err->exit_code);
	if (st == EP_ERR_TRAP && (err->trap == EP_TRAP_INTERRUPT || deadline_hit) && run_budgets &&
	    run_budgets->timeout_ms) {
		fprintf(stderr, "edgeplug: deadline exceeded after %s\n", run_budgets->timeout_text);
		return RC_TIMEOUT;
	}
	if (st == EP_ERR_TRAP && err->trap == EP_TRAP_FUEL) {
		fprintf(stderr, "edgeplug: fuel exhausted after %" PRIu64 " units\n",
		        run_store ? ep_store_fuel_used(run_store) : 0);
		return RC_FUEL;
	}
	return report_named(path, st, err, nm);
}



/* Calls the instance's exported function name with the text args and prints
 * the results. */
static int invoke(ep_store *store, ep_instance *inst, const char *path, const char *name,
                  int nargs, char **args, const names *nm)
{
	int rc;
	ep_error err;
	memset(&err, 0, sizeof err);
	err.offset = SIZE_MAX;
	ep_value *vals = NULL;
	ep_extern ext;
	if (!ep_instance_export(inst, name, strlen(name), &ext) || ext.kind != EP_EXTERN_FUNC) {
		fprintf(stderr, "edgeplug: %s: no exported function %s\n", path, name);
		return RC_USAGE;
	}
	ep_functype ft;
	ep_func_type(ext.of.func, &ft);
	if ((uint32_t)nargs != ft.nparams) {
		fprintf(stderr, "edgeplug: %s expects %" PRIu32 " argument%s (", name,
		        ft.nparams, ft.nparams == 1 ? "" : "s");
		for (uint32_t i = 0; i < ft.nparams; i++)
			fprintf(stderr, "%s%s", i ? " " : "", type_name(ft.params[i]));
		fprintf(stderr, "), got %d\n", nargs);
		return RC_USAGE;
	}
	/* One array for both: params first, then results. */
	size_t nvals = (size_t)ft.nparams + ft.nresults;
	vals = calloc(nvals ? nvals : 1, sizeof *vals);
	if (!vals) {
		fprintf(stderr, "edgeplug: %s: out of memory\n", path);
		return RC_SOFTWARE;
	}
	for (uint32_t i = 0; i < ft.nparams; i++) {
		if (!parse_value(args[i], ft.params[i], &vals[i])) {
			fprintf(stderr, "edgeplug: argument %" PRIu32 ": cannot parse \"%s\" as %s\n",
			        i + 1, args[i], type_name(ft.params[i]));
			rc = RC_USAGE;
			goto out;
		}
	}
	ep_value *results = vals + ft.nparams;
	ep_status st = ep_call(store, ext.of.func, vals, ft.nparams, results, ft.nresults, &err);
	if (st != EP_OK) {
		rc = run_failed(path, st, &err, nm);
		goto out;
	}
	for (uint32_t i = 0; i < ft.nresults; i++)
		print_value(stdout, &results[i]);
	rc = RC_OK;
out:
	free(vals);
	return rc;
}

/* Matches argv[*i] as OPT VALUE or OPT=VALUE: 1 with *val set, 0 when it
 * is another option, -1 when the value is missing. */
static int opt_value(const char *opt, int argc, char **argv, int *i, const char **val)
{
	const char *a = argv[*i];
	size_t n = strlen(opt);
	if (strncmp(a, opt, n) != 0)
		return 0;
	if (a[n] == '=') {
		*val = a + n + 1;
		return 1;
	}
	if (a[n] != '\0')
		return 0;
	if (*i + 1 == argc)
		return -1;
	*val = argv[++*i];
	return 1;
}

/* HOST[::GUEST]: the host part's length and the guest name (HOST as
 * written when there is no "::"). */
static size_t split_dir(const char *spec, const char **guest)
{
	const char *sep = strstr(spec, "::");
	*guest = sep ? sep + 2 : spec;
	return sep ? (size_t)(sep - spec) : strlen(spec);
}

/* The grants of a one-shot run. */
typedef struct grants {
	const char **dir;        /* HOST[::GUEST] as given */
	unsigned char *ro;       /* --dir-ro */
	const char **env;        /* NAME=VALUE or NAME */
	int ndirs, nenvs;
} grants;

/* Builds the WASI context: base name and plugin args, the environment and
 * the directories. Prints the message and returns the exit code on
 * failure. */
static int make_wasi(ep_engine *engine, const grants *g, const char *path, int nargs,
                     char **args, ep_wasi **out)
{
	ep_error err;
	memset(&err, 0, sizeof err);
	int rc = RC_OK;
	const char **argv = NULL;
	char *tmp = NULL;
	ep_wasi *w = ep_wasi_new(engine, RUN_CAPS);
	if (!w)
		goto nomem;
	/* A switch for testing the fallback path resolution everywhere. */
	const char *res = getenv("EDGEPLUG_WASI_RESOLVE");
	if (res && strcmp(res, "walk") == 0)
		ep_wasi_set_resolve(w, EP_WASI_RESOLVE_WALK);

	argv = malloc(((size_t)nargs + 1) * sizeof *argv);
	if (!argv)
		goto nomem;
	const char *base = strrchr(path, '/');
	argv[0] = base ? base + 1 : path;
	for (int i = 0; i < nargs; i++)
		argv[i + 1] = args[i];
	if (ep_wasi_set_args(w, (size_t)nargs + 1, argv, &err) != EP_OK)
		goto fail;

	for (int i = 0; i < g->nenvs; i++) {
		const char *eq = strchr(g->env[i], '=');
		const char *value = eq ? eq + 1 : getenv(g->env[i]);
		if (!value)
			continue;   /* --env NAME of an unset variable: nothing to pass on */
		free(tmp);
		tmp = eq ? strndup(g->env[i], (size_t)(eq - g->env[i])) : strdup(g->env[i]);
		if (!tmp)
			goto nomem;
		if (ep_wasi_set_env(w, tmp, value, &err) != EP_OK)
			goto fail;
	}
	for (int i = 0; i < g->ndirs; i++) {
		const char *guest;
		size_t hl = split_dir(g->dir[i], &guest);
		free(tmp);
		tmp = strndup(g->dir[i], hl);
		if (!tmp)
			goto nomem;
		ep_status st = ep_wasi_preopen(w, tmp, guest, g->ro[i] ? EP_WASI_READONLY : 0, &err);
		if (st != EP_OK) {
			fprintf(stderr, "edgeplug: %s\n", msg_or(&err, "cannot open directory"));
			rc = st == EP_ERR_ARG ? RC_NOINPUT : RC_SOFTWARE;
			goto out;
		}
	}
	goto out;
nomem:
	fputs("edgeplug: out of memory\n", stderr);
	rc = RC_SOFTWARE;
	goto out;
fail:
	fprintf(stderr, "edgeplug: %s\n", msg_or(&err, "out of memory"));
	rc = err.status == EP_ERR_ARG ? RC_USAGE : RC_SOFTWARE;
out:
	free(tmp);
	free(argv);
	if (rc != RC_OK) {
		ep_wasi_free(w);
		w = NULL;
	}
	*out = w;
	return rc;
}

/* Instantiates m with WASI and runs it: _start, or (with name) the
 * exported function name. */
static int run_wasi(ep_engine *engine, const ep_module *m, const char *path, const char *name,
                    const grants *g, const budgets *b, int nargs, char **args, const names *nm)
{
	int rc;
	ep_error err;
	memset(&err, 0, sizeof err);
	err.offset = SIZE_MAX;
	ep_wasi *w = NULL;
	ep_store *store = NULL;
	ep_extern *imports = NULL;

	/* With --invoke the ARGs are the function's, and argv is the name. */
	rc = make_wasi(engine, g, path, name ? 0 : nargs, args, &w);
	if (rc != RC_OK)
		return rc;
	store = ep_store_new(engine, &b->limits);
	run_store = store;
	if (store && b->has_fuel)
		ep_store_set_fuel(store, b->fuel);

	uint32_t n = ep_module_import_count(m);
	imports = calloc(n ? n : 1, sizeof *imports);
	if (!store || !imports) {
		fprintf(stderr, "edgeplug: %s: out of memory for the store's stacks "
		        "(engine memory limit: see --max-runtime-memory)\n", path);
		rc = RC_SOFTWARE;
		goto out;
	}
	ep_status st = ep_wasi_link(w, store, m, imports, &err);
	if (st != EP_OK) {
		rc = report(path, st, &err);
		goto out;
	}
	for (uint32_t i = 0; i < n; i++) {
		if (imports[i].of.func)
			continue;
		/* Not WASI: name the first such import, as a linker would. */
		const char *mod, *field;
		size_t mod_len, field_len;
		uint8_t kind;
		ep_module_import(m, i, &mod, &mod_len, &field, &field_len, &kind);
		fprintf(stderr, "edgeplug: %s: unknown import ", path);
		put_name(stderr, mod, mod_len);
		fputc('.', stderr);
		put_name(stderr, field, field_len);
		fputc('\n', stderr);
		rc = RC_UNAVAILABLE;
		goto out;
	}
	/* A reader that goes away is the plugin's EPIPE, not our death. */
	signal(SIGPIPE, SIG_IGN);
	if (b->timeout_ms) {
		/* The deadline counts from the start of the command. */
		uint64_t spent = now_ms() - run_started_ms;
		rc = arm_deadline(spent < b->timeout_ms ? b->timeout_ms - spent : 1, w);
		if (rc != RC_OK)
			goto out;
	}
	ep_instance *inst;
	st = ep_instantiate(store, m, imports, n, &inst, &err);
	if (st != EP_OK) {
		rc = run_failed(path, st, &err, nm);
		goto out;
	}
	ep_extern ext;
	if (name) {
		if (ep_instance_export(inst, "_initialize", 11, &ext) && ext.kind == EP_EXTERN_FUNC) {
			st = ep_call(store, ext.of.func, NULL, 0, NULL, 0, &err);
			if (st != EP_OK) {
				rc = run_failed(path, st, &err, nm);
				goto out;
			}
		}
		rc = invoke(store, inst, path, name, nargs, args, nm);
		goto out;
	}
	if (!ep_instance_export(inst, "_start", 6, &ext) || ext.kind != EP_EXTERN_FUNC) {
		fprintf(stderr, "edgeplug: %s: no exported function _start\n", path);
		rc = RC_USAGE;
		goto out;
	}
	ep_functype ft;
	ep_func_type(ext.of.func, &ft);
	if (ft.nparams || ft.nresults) {
		fprintf(stderr, "edgeplug: %s: _start must take and return nothing\n", path);
		rc = RC_USAGE;
		goto out;
	}
	st = ep_call(store, ext.of.func, NULL, 0, NULL, 0, &err);
	rc = st == EP_OK ? RC_OK : run_failed(path, st, &err, nm);
out:
	if (b->timeout_ms)
		disarm_deadline();
	if (b->stats && store)
		fprintf(stderr, "stats: fuel_used=%" PRIu64 " peak_memory_bytes=%" PRIu64
		        " max_call_depth=%" PRIu32 " wall_ms=%" PRIu64 " engine_peak_bytes=%zu\n",
		        ep_store_fuel_used(store), ep_store_peak_memory(store),
		        ep_store_peak_call_depth(store), now_ms() - run_started_ms,
		        ep_engine_peak_bytes(engine));
	run_store = NULL;
	free(imports);
	ep_store_free(store);
	ep_wasi_free(w);
	return rc;
}

static int cmd_run(int argc, char **argv)
{
	const char *name = NULL, *path = NULL, *v;
	grants g;
	memset(&g, 0, sizeof g);
	names nm = { NULL, 0 };
	ep_engine *engine = NULL;
	ep_module *m = NULL;
	int rc = RC_OK, i = 0, got;
	budgets b;
	memset(&b, 0, sizeof b);
	b.runtime_bytes = DEFAULT_RUNTIME_BYTES;
	run_budgets = &b;
	run_started_ms = now_ms();
	g.dir = calloc((size_t)argc + 1, sizeof *g.dir);
	g.ro = calloc((size_t)argc + 1, 1);
	g.env = calloc((size_t)argc + 1, sizeof *g.env);
	if (!g.dir || !g.ro || !g.env) {
		fputs("edgeplug: out of memory\n", stderr);
		rc = RC_SOFTWARE;
		goto out;
	}
	for (; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (a[0] != '-' || a[1] == '\0')
			break;
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(help_run, stdout);
			goto out;
		}
		if ((got = budget_option(&b, argc, argv, &i)) != 0) {
			if (got < 0) {
				rc = RC_USAGE;
				goto out;
			}
		} else if ((got = opt_value("--invoke", argc, argv, &i, &v)) != 0) {
			if (got < 0) {
				rc = usage_error(usage_run, "run: %s needs a NAME", a);
				goto out;
			}
			name = v;
		} else if ((got = opt_value("--dir", argc, argv, &i, &v)) != 0 ||
		           (got = opt_value("--dir-ro", argc, argv, &i, &v)) != 0) {
			const char *opt = strncmp(a, "--dir-ro", 8) == 0 ? "--dir-ro" : "--dir";
			const char *guest;
			if (got < 0) {
				rc = usage_error(usage_run, "run: %s needs HOST[::GUEST]", opt);
				goto out;
			}
			if (split_dir(v, &guest) == 0) {
				rc = usage_error(usage_run, "run: %s \"%s\": no host directory", opt, v);
				goto out;
			}
			if (!*guest) {
				rc = usage_error(usage_run, "run: %s \"%s\": empty guest name", opt, v);
				goto out;
			}
			for (int j = 0; j < g.ndirs; j++) {
				const char *other;
				split_dir(g.dir[j], &other);
				if (strcmp(other, guest) == 0) {
					rc = usage_error(usage_run, "run: %s \"%s\": guest name \"%s\" given twice",
					                 opt, v, guest);
					goto out;
				}
			}
			g.ro[g.ndirs] = strcmp(opt, "--dir-ro") == 0;
			g.dir[g.ndirs++] = v;
		} else if ((got = opt_value("--env", argc, argv, &i, &v)) != 0) {
			if (got < 0) {
				rc = usage_error(usage_run, "run: --env needs NAME=VALUE or NAME");
				goto out;
			}
			if (v[0] == '\0' || v[0] == '=') {
				rc = usage_error(usage_run, "run: --env \"%s\": empty variable name", v);
				goto out;
			}
			g.env[g.nenvs++] = v;
		} else {
			rc = usage_error(usage_run, "run: unknown option \"%s\"", a);
			goto out;
		}
	}
	if (i == argc) {
		rc = usage_error(usage_run, "run: missing %s", "FILE.wasm");
		goto out;
	}
	path = argv[i++];

	engine = new_engine();
	if (!engine) {
		rc = RC_SOFTWARE;
		goto out;
	}
	/* The engine's own memory, all of it: the module and its code, then
	 * stacks, tables and instances. Linear memory has its own cap. */
	ep_engine_set_runtime_limit(engine, (size_t)b.runtime_bytes);
	rc = load(engine, path, &m, &nm);
	if (rc != RC_OK)
		goto out;
	/* Checked before instantiating so a typo does not run the start
	 * function first. */
	if (!module_exports_func(m, name ? name : "_start")) {
		fprintf(stderr, "edgeplug: %s: no exported function %s%s\n", path,
		        name ? name : "_start",
		        name ? "" : " (not a WASI command; --invoke NAME calls a function)");
		rc = RC_USAGE;
		goto out;
	}
	rc = run_wasi(engine, m, path, name, &g, &b, argc - i, argv + i, &nm);
out:
	free(nm.map);
	free(g.dir);
	free(g.ro);
	free(g.env);
	ep_module_free(m);
	ep_engine_free(engine);
	run_budgets = NULL;
	return rc;
}

static int cmd_help(int argc, char **argv)
{
	if (argc == 0) {
		fputs(help_text, stdout);
		return RC_OK;
	}
	if (argc > 1)
		return usage_error(usage_text, "help: unexpected argument \"%s\"", argv[1]);
	if (strcmp(argv[0], "run") == 0)
		fputs(help_run, stdout);
	else if (strcmp(argv[0], "validate") == 0)
		fputs(help_validate, stdout);
	else if (strcmp(argv[0], "help") == 0)
		fputs(help_text, stdout);
	else
		return usage_error(usage_text, "help: unknown command \"%s\"", argv[0]);
	return RC_OK;
}

/* Descriptors 0-2 are taken before anything is opened, /dev/null standing
 * in for a closed one: a plugin's file must never become our stderr. */
static void reserve_stdio(void)
{
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF)
			open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);   /* lowest free: fd */
}

int main(int argc, char **argv)
{
	int rc;
	reserve_stdio();
	if (argc < 2) {
		fputs(usage_text, stderr);
		return RC_USAGE;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "validate") == 0)
		rc = cmd_validate(argc - 2, argv + 2);
	else if (strcmp(cmd, "run") == 0)
		rc = cmd_run(argc - 2, argv + 2);
	else if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0)
		rc = cmd_help(argc - 2, argv + 2);
	else if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
		if (argc > 2)
			return usage_error(usage_text, "unexpected argument \"%s\"", argv[2]);
		puts("edgeplug " EP_VERSION);
		rc = RC_OK;
	} else if (cmd[0] == '-')
		return usage_error(usage_text, "unknown option \"%s\"", cmd);
	else
		return usage_error(usage_text, "unknown command \"%s\"", cmd);

	/* Results are only worth a zero exit if they reached their reader. */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "edgeplug: cannot write output: %s\n", strerror(errno));
		return RC_SOFTWARE;
	}
	return rc;
}
