/*
 * cli_out.c - structured output for inspect, audit, list, doctor and the
 * run report: one set of calls renders either JSON or plain text, so the
 * two forms can never say different things (docs/cli.md). Text is one
 * "key: value" line per field, nested objects indented under "key:", and
 * one line per list item with its fields as key=value.
 */
#include <inttypes.h>
#include <string.h>

#include "cli.h"
#include "fmt.h"

void out_begin(cli_out *o, FILE *f, int json)
{
	memset(o, 0, sizeof *o);
	o->f = f;
	o->json = json;
	if (json)
		fputc('{', f);
}

/* Before a field: the separator (JSON) or the line start (text). */
static void field(cli_out *o, const char *key)
{
	FILE *f = o->f;
	int d = o->depth;
	if (o->json) {
		if (o->count[d]++)
			fputc(',', f);
		if (!o->list[d]) {
			cli_json_str(f, key, strlen(key));
			fputc(':', f);
		}
		return;
	}
	if (o->list[d] && o->item) {
		/* A list inside a list item's line: (a b c). */
		if (o->count[d]++)
			fputc(' ', f);
		return;
	}
	if (o->list[d]) {
		/* A plain value in a list. */
		for (int i = 0; i < d; i++)
			fputs("  ", f);
		fputs("- ", f);
		return;
	}
	if (o->item) {
		/* Inside a list item: fields on one line. */
		ep_fprintf(f, o->count[d]++ ? " %s=" : "%s=", key);
		return;
	}
	for (int i = 0; i < d; i++)
		fputs("  ", f);
	ep_fprintf(f, "%s:", key);
	o->space = 1;
}

/* Before a plain value: the space after "key:" on a line of its own. */
static void value(cli_out *o)
{
	if (o->space)
		fputc(' ', o->f);
	o->space = 0;
}

static void field_end(cli_out *o)
{
	if (!o->json && !o->item)
		fputc('\n', o->f);
}

static void push(cli_out *o, int list)
{
	if (o->depth < CLI_OUT_DEPTH - 1)
		o->depth++;
	o->count[o->depth] = 0;
	o->list[o->depth] = list;
}

void out_obj(cli_out *o, const char *key)
{
	field(o, key);
	o->space = 0;
	if (o->json)
		fputc('{', o->f);
	else
		fputc('\n', o->f);
	push(o, 0);
}

void out_list(cli_out *o, const char *key)
{
	field(o, key);
	o->space = 0;
	if (o->json || o->item)
		fputc(o->json ? '[' : '(', o->f);
	else
		fputc('\n', o->f);
	push(o, 1);
}

void out_item(cli_out *o)
{
	if (o->json) {
		if (o->count[o->depth]++)
			fputc(',', o->f);
		fputc('{', o->f);
	} else {
		for (int i = 0; i < o->depth; i++)
			fputs("  ", o->f);
		o->item = 1;
	}
	push(o, 0);
}

void out_end(cli_out *o)
{
	int was_list = o->list[o->depth];
	if (o->depth > 0)
		o->depth--;
	if (o->json) {
		fputc(was_list ? ']' : '}', o->f);
	} else if (o->item && was_list) {
		fputc(')', o->f);
	} else if (o->item) {
		fputc('\n', o->f);
		o->item = 0;
	}
}

void out_done(cli_out *o)
{
	if (o->json)
		fputs("}\n", o->f);
}

void out_str(cli_out *o, const char *key, const char *s, size_t n)
{
	field(o, key);
	value(o);
	if (!s)
		fputs(o->json ? "null" : "-", o->f);
	else if (o->json)
		cli_json_str(o->f, s, n);
	else
		cli_put_text(o->f, s, n);
	field_end(o);
}

void out_cstr(cli_out *o, const char *key, const char *s)
{
	out_str(o, key, s, s ? strlen(s) : 0);
}

void out_u64(cli_out *o, const char *key, uint64_t v)
{
	field(o, key);
	value(o);
	ep_fprintf(o->f, "%" PRIu64, v);
	field_end(o);
}

void out_opt_u64(cli_out *o, const char *key, int has, uint64_t v)
{
	if (has) {
		out_u64(o, key, v);
		return;
	}
	field(o, key);
	value(o);
	fputs(o->json ? "null" : "-", o->f);
	field_end(o);
}

void out_bool(cli_out *o, const char *key, int v)
{
	field(o, key);
	value(o);
	fputs(v ? (o->json ? "true" : "yes") : (o->json ? "false" : "no"), o->f);
	field_end(o);
}
