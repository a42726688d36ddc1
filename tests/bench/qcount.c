/* qcount.c - counts the guest instructions of a run under qemu-user, the
 * boards' stand-in for callgrind (compare.py --qemu-count). Built for the
 * host.
 *
 *     qcount LOG
 *
 * LOG is what qemu writes with -d in_asm,exec,nochain (a file or a FIFO):
 * each translated block once, its guest instructions one per line after an
 * "IN:" line, and a "Trace" line naming the block's guest address every time
 * it runs (nochain: no block jumps straight to the next unlogged). The count
 * is, over every Trace line, the length of the latest translation at that
 * address. Prints "INSTRUCTIONS BLOCKS_RUN", or a message and exits 1 when
 * the log names a block it never showed translated, or cannot be read.
 *
 * The count is exact and repeatable where wall time under emulation is not:
 * a block that faults partway (a trap) still counts whole, which no
 * benchmark does more than once. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Guest address -> instructions in its block: open addressing, doubled at
 * half full. Address 0 is never a block's (it marks a free entry). */
static uint64_t *keys;
static uint32_t *lens;
static size_t cap, used;

static size_t slot_of(uint64_t pc)
{
	size_t i = (size_t)((pc * 0x9E3779B97F4A7C15ull) >> 20) & (cap - 1);
	while (keys[i] && keys[i] != pc)
		i = (i + 1) & (cap - 1);
	return i;
}

static void put(uint64_t pc, uint32_t n)
{
	if (2 * (used + 1) > cap) {
		uint64_t *ok = keys;
		uint32_t *ol = lens;
		size_t ocap = cap;
		cap = cap ? cap * 2 : 1u << 16;
		keys = calloc(cap, sizeof *keys);
		lens = calloc(cap, sizeof *lens);
		if (!keys || !lens) {
			fprintf(stderr, "qcount: out of memory\n");
			exit(1);
		}
		for (size_t j = 0; j < ocap; j++)
			if (ok[j]) {
				size_t i = slot_of(ok[j]);
				keys[i] = ok[j];
				lens[i] = ol[j];
			}
		free(ok);
		free(ol);
	}
	size_t i = slot_of(pc);
	if (!keys[i]) {
		keys[i] = pc;
		used++;
	}
	lens[i] = n;
}

static int hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The hex number at s (no 0x), up to the first other character. */
static uint64_t hex(const char *s, const char **end)
{
	uint64_t v = 0;
	int d;
	while ((d = hexval((unsigned char)*s)) >= 0) {
		v = v << 4 | (uint64_t)d;
		s++;
	}
	*end = s;
	return v;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: qcount LOG\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "r");
	if (!f) {
		fprintf(stderr, "qcount: cannot open %s\n", argv[1]);
		return 1;
	}
	static char line[4096];
	uint64_t total = 0, runs = 0, cur = 0, lineno = 0;
	uint32_t n = 0;
	const char *end;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		if (strncmp(line, "Trace ", 6) == 0) {
			/* Trace 0: 0x7f0c.. [cs_base/pc/flags/cflags] */
			const char *b = strchr(line, '[');
			const char *sl = b ? strchr(b, '/') : NULL;
			uint64_t pc = sl ? hex(sl + 1, &end) : 0;
			size_t i = pc && cap ? slot_of(pc) : 0;
			if (!pc || !cap || !keys[i]) {
				fprintf(stderr, "qcount: line %llu: a block run before it was translated\n",
				        (unsigned long long)lineno);
				return 1;
			}
			total += lens[i];
			runs++;
		} else if (strncmp(line, "IN:", 3) == 0) {
			cur = 0;
			n = 0;
		} else if (line[0] == '0' && line[1] == 'x') {
			/* 0x00010320:  e3a0b000  mov fp, #0 */
			uint64_t pc = hex(line + 2, &end);
			if (*end != ':')
				continue;
			if (!cur)
				cur = pc;
			put(cur, ++n);
		}
	}
	if (ferror(f)) {
		fprintf(stderr, "qcount: cannot read %s\n", argv[1]);
		return 1;
	}
	printf("%llu %llu\n", (unsigned long long)total, (unsigned long long)runs);
	return 0;
}
