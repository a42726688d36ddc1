/*
 * cli.h - what the edgeplug command's files share: exit codes, messages,
 * whole-file input and atomic output, and the command table. The CLI uses
 * the public API and the plugin layer, never the engine's insides. Each
 * group of commands has its own file (cli_run.c, cli_plugin.c, cli_sign.c,
 * cli_inspect.c); cli.c holds main and the table.
 */
#ifndef EP_CLI_H
#define EP_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* Exit codes follow sysexits(3) where one fits (docs/cli.md). */
enum {
	RC_OK = 0,
	RC_FAIL = 1,          /* a check failed (doctor) */
	RC_USAGE = 64,        /* bad command line, no such export, bad argument */
	RC_DATAERR = 65,      /* malformed or invalid module or manifest */
	RC_NOINPUT = 66,      /* an input file cannot be read */
	RC_UNAVAILABLE = 69,  /* the module imports something we do not provide */
	RC_SOFTWARE = 70,     /* out of memory, engine limit, output failed */
	RC_CANTCREAT = 73,    /* an output file cannot be created */
	RC_NOPERM = 77,       /* not trusted: signature, pin or key refused */
	RC_TIMEOUT = 124,     /* --timeout passed (timeout(1)'s code) */
	RC_TRAP = 134,        /* the start function or the call trapped */
	RC_FUEL = 135         /* --fuel ran out */
};

#if defined(__GNUC__)
#define CLI_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define CLI_PRINTF(a, b)
#endif

/* "edgeplug: MESSAGE" and the usage lines on stderr: usage up to its first
 * blank line, so a command's help text serves; returns RC_USAGE. */
int cli_usage(const char *usage, const char *fmt, ...) CLI_PRINTF(2, 3);
/* "edgeplug: MESSAGE" on stderr; returns rc. */
int cli_fail(int rc, const char *fmt, ...) CLI_PRINTF(2, 3);
/* Writes s[0..n) to f with control bytes, C1 controls (0x80-0x9f), bytes
 * that are not valid UTF-8 and '\' escaped as \xx: text from a module or a
 * manifest never reaches a terminal raw. */
void cli_put_text(FILE *f, const char *s, size_t n);

/* Reads path whole into a malloc'd buffer (*out, *len; one spare NUL byte
 * after the data). A file over max bytes is refused before it is read.
 * On failure prints "edgeplug: PATH: cannot read: WHY" and returns
 * RC_NOINPUT (RC_SOFTWARE when out of memory). */
int cli_read_file(const char *path, size_t max, uint8_t **out, size_t *len);
/* The same, printing nothing: the reason ("cannot read: WHY", "out of
 * memory") goes to why. */
int cli_load_file(const char *path, size_t max, uint8_t **out, size_t *len, char *why,
                  size_t whylen);
/* 1 when path is a regular file of more than limit bytes: a module over
 * the engine's memory limit is refused before it is read (exit 70). */
int cli_file_over(const char *path, uint64_t limit);
/* Writes data to path through a temporary file in the same directory and
 * a rename, so a reader sees the old file or the whole new one. With
 * exclusive, an existing path is refused (EEXIST). 0 or -1 with errno. */
int cli_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
                     int exclusive);

/* Matches argv[*i] as OPT VALUE or OPT=VALUE: 1 with *val set, 0 when it
 * is another option, -1 when the value is missing. */
int cli_opt_value(const char *opt, int argc, char **argv, int *i, const char **val);

/* s[0..n) escaped as cli_put_text does, into out (size > 0 bytes,
 * NUL-terminated; cut short with "..." when it does not fit). */
void cli_escape(char *out, size_t size, const char *s, size_t n);

/* A JSON string literal of s[0..n) on f: quotes, escapes, and the same
 * escaping of bytes that are not valid UTF-8 as \u00XX of each byte. */
void cli_json_str(FILE *f, const char *s, size_t n);

/* wasm values as text (cli_value.c): an argument read by its parameter
 * type (1, or 0 when it does not parse); a result printed as TYPE:VALUE
 * and a newline. Type names are the engine's (ep_valtype_name). */
struct ep_value;
int cli_parse_value(const char *s, uint8_t type, struct ep_value *v);
void cli_print_value(FILE *f, const struct ep_value *v);

/* ---- structured output (cli_out.c): JSON or text from the same calls ---- */

#define CLI_OUT_DEPTH 8
typedef struct cli_out {
	FILE *f;
	int json;
	int depth;
	int item;                   /* text: inside a list item's line */
	int space;                  /* text: a value goes after "key:" */
	int count[CLI_OUT_DEPTH];   /* fields written at each depth */
	int list[CLI_OUT_DEPTH];    /* each depth: a list (1) or an object */
} cli_out;

/* The top-level object: begin, fields, done. Fields take a key; a NULL
 * string or an absent number prints as null (JSON) or "-" (text). */
void out_begin(cli_out *o, FILE *f, int json);
void out_done(cli_out *o);
void out_obj(cli_out *o, const char *key);     /* a nested object, until out_end */
void out_list(cli_out *o, const char *key);    /* a list of items, until out_end */
void out_item(cli_out *o);                     /* one object of a list, until out_end */
void out_end(cli_out *o);
void out_str(cli_out *o, const char *key, const char *s, size_t n);
void out_cstr(cli_out *o, const char *key, const char *s);
void out_u64(cli_out *o, const char *key, uint64_t v);
void out_opt_u64(cli_out *o, const char *key, int has, uint64_t v);
void out_bool(cli_out *o, const char *key, int v);

/* ---- plugins: a manifest, its signature and its wasm (cli_plugin.c) ---- */

#include "manifest.h"
#include "plugin.h"

/* Manifests are small; this bounds what a mistyped path can cost. */
#define CLI_MAX_MANIFEST_BYTES ((size_t)1 << 20)
/* Module files are read whole, and the engine copies them again. */
#define CLI_MAX_MODULE_BYTES ((size_t)256 << 20)

/* How far a plugin's checks got, for verify, audit, list and run. */
enum { PIN_UNCHECKED, PIN_OK, PIN_MISMATCH, PIN_MISSING };
enum { SIG_UNCHECKED = -1 };    /* besides ep_plugin_sig: no trust store */

typedef struct cli_plugin {
	const char *path;           /* the manifest, as given */
	uint8_t *text;              /* its bytes */
	size_t text_len;
	ep_manifest mf;
	int parsed;
	char *dir;                  /* its folder: "." or the path's dirname */
	char *wasm_path;            /* dir joined with mf.wasm */
	uint8_t *wasm;
	size_t wasm_len;
	int pin;                    /* PIN_* */
	int sig;                    /* ep_plugin_sig, or SIG_UNCHECKED */
	const ep_pubkey *signer;    /* &signer_key once signed: outlives the store */
	ep_pubkey signer_key;
	char sha256_hex[65];        /* of the wasm as read (pin checked or not) */
	char why[256];              /* the first failure, one line */
	uint32_t why_line;          /* its manifest line, 0 if none */
} cli_plugin;

/* The system trust store: $EDGEPLUG_TRUST_DIR when set and not empty (for
 * packagers, and for tests that must not see the host's), else
 * EP_TRUST_DIR. */
const char *cli_trust_dir(void);
/* The trust store of --trust options (paths), or the system's
 * (cli_trust_dir) when none is given and it exists; *have says whether
 * there is one. 0, or RC_NOPERM with why set. */
int cli_trust_load(ep_trust *t, const char *const *paths, size_t n, int *have, char *why,
                   size_t whylen);
/* The steps, in this order: the signature covers the manifest's bytes, so
 * it is checked before anything reads them as a manifest. Each returns 0,
 * or the exit code with p->why (and p->why_line) set; none prints. */
/* Reads the manifest's bytes (66, 70). */
int cli_plugin_read(cli_plugin *p, const char *path);
/* Checks the signature (path + ".sig") against t (NULL: no trust store:
 * p->sig = SIG_UNCHECKED). 0 when signed by t (or unchecked), else
 * RC_NOPERM. */
int cli_plugin_check_signature(cli_plugin *p, const ep_trust *t);
/* Parses the manifest (65, 70). */
int cli_plugin_parse(cli_plugin *p);
/* Reads the pinned wasm (refused over max bytes) and checks its sha256. 0,
 * RC_NOPERM (mismatch, or missing: p->pin says which) with p->why set. */
int cli_plugin_check_pin(cli_plugin *p, size_t max);
void cli_plugin_free(cli_plugin *p);

/* One subcommand: argv holds its arguments only (argv[0] is the first). */
typedef struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;      /* one line for 'edgeplug help' */
	const char *help;         /* 'edgeplug help NAME' and NAME --help */
} cli_command;

/* The command groups, each defined in its own file. */
extern const cli_command cli_cmd_validate, cli_cmd_run;                /* cli_run.c */
extern const cli_command cli_cmd_verify, cli_cmd_audit, cli_cmd_list,
	cli_cmd_doctor;                                                    /* cli_plugin.c */
extern const cli_command cli_cmd_keygen, cli_cmd_sign;                 /* cli_sign.c */
extern const cli_command cli_cmd_inspect;                              /* cli_inspect.c */

#endif
