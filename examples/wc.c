/*
 * wc.c - the demo plugin: counts lines, words and bytes of the files named
 * on its command line, like wc(1), and names the most frequent word.
 * Built for wasm32-wasi (`make demo`), it can read only what edgeplug
 * grants it: run it with --dir-ro examples/data::data and it sees
 * data/..., and nothing else of the host.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WORD 64
#define SLOTS 4096

struct word {
	char text[MAX_WORD];
	unsigned count;
};

static struct word table[SLOTS];

static void count_word(const char *w)
{
	unsigned h = 5381;
	for (const char *p = w; *p; p++)
		h = h * 33 + (unsigned char)*p;
	for (unsigned i = 0; i < SLOTS; i++) {
		struct word *s = &table[(h + i) % SLOTS];
		if (!s->count) {
			strcpy(s->text, w);
			s->count = 1;
			return;
		}
		if (strcmp(s->text, w) == 0) {
			s->count++;
			return;
		}
	}
}

int main(int argc, char **argv)
{
	unsigned long total[3] = { 0, 0, 0 };
	int status = 0;
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE...\n", argv[0]);
		return 64;
	}
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "r");
		if (!f) {
			fprintf(stderr, "%s: %s: %s\n", argv[0], argv[i], strerror(errno));
			status = 1;
			continue;
		}
		unsigned long n[3] = { 0, 0, 0 };
		char w[MAX_WORD];
		size_t len = 0;
		int c;
		do {
			c = getc(f);
			if (c != EOF)
				n[2]++;
			if (c == '\n')
				n[0]++;
			if (c != EOF && (isalnum(c) || c == '\'')) {
				if (len < MAX_WORD - 1)
					w[len++] = (char)tolower(c);
			} else if (len) {
				w[len] = '\0';
				count_word(w);
				n[1]++;
				len = 0;
			}
		} while (c != EOF);
		fclose(f);
		printf("%7lu %7lu %7lu %s\n", n[0], n[1], n[2], argv[i]);
		for (int k = 0; k < 3; k++)
			total[k] += n[k];
	}
	if (argc > 2)
		printf("%7lu %7lu %7lu total\n", total[0], total[1], total[2]);
	const struct word *best = NULL;
	for (unsigned i = 0; i < SLOTS; i++)
		if (table[i].count && strlen(table[i].text) > 3 &&
		    (!best || table[i].count > best->count ||
		     (table[i].count == best->count && strcmp(table[i].text, best->text) < 0)))
			best = &table[i];
	if (best)
		printf("most frequent word of four letters or more: \"%s\" (%u times)\n",
		       best->text, best->count);
	return status;
}
