/* memops.c - bulk memory: fills, copies and overlapping moves of sizes from
 * a few bytes to 64 KiB inside a 1 MiB buffer. Built with -mbulk-memory,
 * these are wasm memory.fill and memory.copy, so this measures how the
 * engine does bulk operations and their bounds checks rather than the
 * interpreter loop. Each repetition does 512 operations and folds a sample
 * of the buffer. */
#include "bench.h"

#define BUF_LEN (1u << 20)
#define OPS 512u

static u32 bench_run(u32 reps)
{
	u8 *buf = bench_alloc(BUF_LEN);
	u32 seed = 0x3c6ef372u, h = 0;
	bench_fill(buf, 0x5a, BUF_LEN);
	for (u32 r = 0; r < reps; r++) {
		for (u32 op = 0; op < OPS; op++) {
			u32 x = rng_next(&seed);
			/* Mostly small, sometimes large: 2^(4..16) bytes, plus jitter. */
			u32 len = (1u << (4 + (x & 15) % 13)) + ((x >> 4) & 15);
			u32 dst = (x >> 8) % (BUF_LEN - len);
			u32 src = rng_next(&seed) % (BUF_LEN - len);
			switch (op & 3) {
			case 0:
				bench_fill(buf + dst, (int)(x >> 24), len);
				break;
			case 1:
			case 2:
				bench_move(buf + dst, buf + src, len);
				break;
			default: {
				/* Overlapping by a few bytes, forwards or backwards. */
				u32 shift = 1 + (x >> 28);
				if (dst + shift + len <= BUF_LEN)
					bench_move(buf + dst + shift, buf + dst, len);
				else
					bench_move(buf + dst - shift, buf + dst, len);
				break;
			}
			}
		}
		for (u32 i = r & 1023; i < BUF_LEN; i += 1021)
			h = mix32(h, buf[i]);
	}
	return h;
}
