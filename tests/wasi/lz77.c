/*
 * lz77.c - a small LZ77 (LZSS) compressor, the "real program" of the WASI
 * tests: built both for wasm32-wasi and natively, it must print the same
 * bytes either way.
 *
 *   lz77 c            compress stdin to stdout
 *   lz77 d            decompress stdin to stdout
 *   lz77 stat FILE... per file: sizes, a checksum of the compressed stream
 *                     and whether it decompresses to the original
 *
 * Format: "LZ7", the original size (u32 little-endian), then groups of a
 * flag byte and up to eight items, flag bit i (from bit 0) telling whether
 * item i is a literal byte (0) or a match (1): two bytes holding a 12-bit
 * distance back (1-4096) and a 4-bit length (3-18). Matches come from hash
 * chains over the last 4096 bytes, longest first, nearest on ties.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WINDOW 4096u
#define MIN_MATCH 3u
#define MAX_MATCH 18u
#define HASH_BITS 12u
#define MAX_CHAIN 128u

typedef struct buf {
	uint8_t *p;
	uint32_t len, cap;
} buf;

static void put(buf *b, uint8_t c)
{
	if (b->len == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 4096;
		b->p = realloc(b->p, b->cap);
		if (!b->p) {
			fputs("lz77: out of memory\n", stderr);
			exit(2);
		}
	}
	b->p[b->len++] = c;
}

static uint32_t hash3(const uint8_t *p)
{
	uint32_t v = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
	return (v * 2654435761u) >> (32 - HASH_BITS);
}

static buf compress(const uint8_t *in, uint32_t n)
{
	buf out = { NULL, 0, 0 };
	int32_t *head = malloc(sizeof(int32_t) << HASH_BITS);
	int32_t *prev = malloc(sizeof(int32_t) * WINDOW);
	if (!head || !prev) {
		fputs("lz77: out of memory\n", stderr);
		exit(2);
	}
	for (uint32_t i = 0; i < 1u << HASH_BITS; i++)
		head[i] = -1;
	put(&out, 'L');
	put(&out, 'Z');
	put(&out, '7');
	for (int i = 0; i < 4; i++)
		put(&out, (uint8_t)(n >> 8 * i));

	uint32_t flag_at = 0, items = 8;
	uint32_t i = 0;
	while (i < n) {
		if (items == 8) {
			flag_at = out.len;
			put(&out, 0);
			items = 0;
		}
		uint32_t best_len = 0, best_dist = 0;
		if (n - i >= MIN_MATCH) {
			uint32_t limit = n - i < MAX_MATCH ? n - i : MAX_MATCH;
			int32_t cand = head[hash3(in + i)];
			for (uint32_t chain = 0; cand >= 0 && chain < MAX_CHAIN; chain++) {
				uint32_t dist = i - (uint32_t)cand;
				if (dist > WINDOW)
					break;
				uint32_t len = 0;
				while (len < limit && in[(uint32_t)cand + len] == in[i + len])
					len++;
				if (len > best_len) {
					best_len = len;
					best_dist = dist;
					if (len == limit)
						break;
				}
				int32_t next = prev[(uint32_t)cand % WINDOW];
				if (next >= cand)
					break;   /* the slot was reused: the chain ends here */
				cand = next;
			}
		}
		uint32_t step = 1;
		if (best_len >= MIN_MATCH) {
			uint32_t code = (best_dist - 1) << 4 | (best_len - MIN_MATCH);
			out.p[flag_at] |= (uint8_t)(1u << items);
			put(&out, (uint8_t)(code >> 8));
			put(&out, (uint8_t)code);
			step = best_len;
		} else {
			put(&out, in[i]);
		}
		items++;
		/* Every position passed over joins its hash chain. */
		for (uint32_t k = 0; k < step; k++, i++) {
			if (n - i >= MIN_MATCH) {
				uint32_t h = hash3(in + i);
				prev[i % WINDOW] = head[h];
				head[h] = (int32_t)i;
			}
		}
	}
	free(head);
	free(prev);
	return out;
}

/* Returns 0 and the original in *out, or -1 for a stream that is not one
 * of ours. */
static int decompress(const uint8_t *in, uint32_t n, buf *out)
{
	out->p = NULL;
	out->len = out->cap = 0;
	if (n < 7 || memcmp(in, "LZ7", 3) != 0)
		return -1;
	uint32_t size = (uint32_t)in[3] | (uint32_t)in[4] << 8 | (uint32_t)in[5] << 16 |
	                (uint32_t)in[6] << 24;
	uint32_t i = 7;
	while (out->len < size) {
		if (i >= n)
			return -1;
		uint8_t flags = in[i++];
		for (int k = 0; k < 8 && out->len < size; k++) {
			if (flags >> k & 1) {
				if (n - i < 2)
					return -1;
				uint32_t code = (uint32_t)in[i] << 8 | in[i + 1];
				uint32_t dist = (code >> 4) + 1, len = (code & 15) + MIN_MATCH;
				i += 2;
				if (dist > out->len)
					return -1;
				for (uint32_t j = 0; j < len; j++)
					put(out, out->p[out->len - dist]);
			} else {
				if (i >= n)
					return -1;
				put(out, in[i++]);
			}
		}
	}
	return out->len == size ? 0 : -1;
}

static buf slurp(FILE *f)
{
	buf b = { NULL, 0, 0 };
	int c;
	while ((c = getc(f)) != EOF)
		put(&b, (uint8_t)c);
	return b;
}

static uint32_t fnv1a(const uint8_t *p, uint32_t n)
{
	uint32_t h = 2166136261u;
	for (uint32_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs("usage: lz77 c | d | stat FILE...\n", stderr);
		return 64;
	}
	if (strcmp(argv[1], "c") == 0 || strcmp(argv[1], "d") == 0) {
		buf in = slurp(stdin), out;
		if (argv[1][0] == 'c') {
			out = compress(in.p, in.len);
		} else if (decompress(in.p, in.len, &out) != 0) {
			fputs("lz77: not a valid stream\n", stderr);
			return 65;
		}
		fwrite(out.p, 1, out.len, stdout);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	if (strcmp(argv[1], "stat") != 0) {
		fputs("usage: lz77 c | d | stat FILE...\n", stderr);
		return 64;
	}
	int bad = 0;
	for (int a = 2; a < argc; a++) {
		FILE *f = fopen(argv[a], "rb");
		if (!f) {
			printf("%s: cannot open\n", argv[a]);
			bad = 1;
			continue;
		}
		buf in = slurp(f), back;
		fclose(f);
		buf out = compress(in.p, in.len);
		int ok = decompress(out.p, out.len, &back) == 0 && back.len == in.len &&
		         (in.len == 0 || memcmp(back.p, in.p, in.len) == 0);
		printf("%s: %u -> %u bytes, fnv1a %08x, %s\n", argv[a], (unsigned)in.len,
		       (unsigned)out.len, (unsigned)fnv1a(out.p, out.len),
		       ok ? "round trip ok" : "ROUND TRIP FAILED");
		bad |= !ok;
		free(in.p);
		free(out.p);
		free(back.p);
	}
	return bad;
}
