/* lz77.c - an LZ77 compressor and decompressor round trip over 24 KiB of
 * word-like text: hashing, hash-chain match search with byte compares,
 * bit-flag packing, then the overlapping copies of the decoder. Each
 * repetition edits the text a little, compresses it, decompresses it,
 * compares, and folds the compressed size, the stream and the result. */
#include "bench.h"

#define TEXT_LEN 24576u
#define WINDOW 8192u          /* offsets fit in 13 bits, stored in 16 */
#define HASH_BITS 12
#define MIN_MATCH 3u
#define MAX_MATCH 130u        /* lengths are stored as len - MIN_MATCH in 7 bits */
#define MAX_CHAIN 24u
#define NONE 0xffffffffu

/* Output format: groups of up to eight items after a flag byte whose bit i
 * says whether item i is a match (2-byte little-endian distance, 1-byte
 * length - MIN_MATCH) or a literal (1 byte). */

static inline u32 hash3(const u8 *p)
{
	u32 v = (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16;
	return (v * 2654435761u) >> (32 - HASH_BITS);
}

static u32 compress(const u8 *in, u32 len, u8 *out, u32 *head, u32 *prev)
{
	for (u32 i = 0; i < (1u << HASH_BITS); i++)
		head[i] = NONE;
	u32 o = 0, flag_at = 0, nitems = 8, pos = 0;
	while (pos < len) {
		if (nitems == 8) {
			flag_at = o++;
			out[flag_at] = 0;
			nitems = 0;
		}
		u32 best_len = 0, best_dist = 0;
		if (pos + MIN_MATCH <= len) {
			u32 hv = hash3(in + pos);
			u32 cand = head[hv];
			u32 max = len - pos < MAX_MATCH ? len - pos : MAX_MATCH;
			for (u32 chain = 0; cand != NONE && pos - cand <= WINDOW && chain < MAX_CHAIN; chain++) {
				if (in[cand + best_len] == in[pos + best_len]) {
					u32 n = 0;
					while (n < max && in[cand + n] == in[pos + n])
						n++;
					if (n > best_len) {
						best_len = n;
						best_dist = pos - cand;
						if (n == max)
							break;
					}
				}
				cand = prev[cand];
			}
			prev[pos] = head[hv];
			head[hv] = pos;
		}
		if (best_len >= MIN_MATCH) {
			out[flag_at] |= (u8)(1u << nitems);
			out[o++] = (u8)best_dist;
			out[o++] = (u8)(best_dist >> 8);
			out[o++] = (u8)(best_len - MIN_MATCH);
			/* Index the positions the match covers, so later searches find them. */
			for (u32 i = 1; i < best_len && pos + i + MIN_MATCH <= len; i++) {
				u32 hv = hash3(in + pos + i);
				prev[pos + i] = head[hv];
				head[hv] = pos + i;
			}
			pos += best_len;
		} else {
			out[o++] = in[pos++];
		}
		nitems++;
	}
	return o;
}

static u32 decompress(const u8 *in, u32 len, u8 *out)
{
	u32 i = 0, o = 0;
	while (i < len) {
		u32 flags = in[i++];
		for (u32 b = 0; b < 8 && i < len; b++) {
			if (flags & (1u << b)) {
				u32 dist = (u32)in[i] | (u32)in[i + 1] << 8;
				u32 n = in[i + 2] + MIN_MATCH;
				i += 3;
				const u8 *src = out + o - dist;
				for (u32 k = 0; k < n; k++)   /* may overlap: byte by byte */
					out[o + k] = src[k];
				o += n;
			} else {
				out[o++] = in[i++];
			}
		}
	}
	return o;
}

static const char *const words[16] = {
	"the ", "module ", "memory ", "edge ", "board ", "fuel ", "stack ", "call ",
	"and ", "of ", "to ", "interpreter ", "a ", "trap ", "value ", "\n",
};

static u32 bench_run(u32 reps)
{
	u8 *text = bench_alloc(TEXT_LEN);
	u8 *packed = bench_alloc(TEXT_LEN + TEXT_LEN / 8 + 16);
	u8 *back = bench_alloc(TEXT_LEN);
	u32 *head = bench_alloc((1u << HASH_BITS) * sizeof *head);
	u32 *prev = bench_alloc(TEXT_LEN * sizeof *prev);
	u32 seed = 0x2f6b1d3du, h = 0;
	/* Skewed word choice: short common words dominate, like real text. */
	for (u32 i = 0; i < TEXT_LEN;) {
		u32 r = rng_next(&seed);
		const char *w = words[(r & 15) & ((r >> 4) & 15)];
		for (u32 j = 0; w[j] && i < TEXT_LEN; j++)
			text[i++] = (u8)w[j];
	}
	for (u32 r = 0; r < reps; r++) {
		for (u32 e = 0; e < 16; e++)
			text[rng_next(&seed) % TEXT_LEN] = (u8)('a' + rng_next(&seed) % 26);
		u32 plen = compress(text, TEXT_LEN, packed, head, prev);
		u32 blen = decompress(packed, plen, back);
		u32 diff = blen != TEXT_LEN;
		for (u32 i = 0; i < TEXT_LEN; i++)
			diff += back[i] != text[i];
		h = mix32(mix32(h, plen), diff);
		for (u32 i = 0; i < plen; i += 61)
			h = mix32(h, packed[i]);
	}
	return h;
}
