/* crc32.c - table-driven CRC-32 (the reflected 0xEDB88320 polynomial of
 * zlib and Ethernet) over a 64 KiB buffer: one byte load, one table load,
 * shifts and xors per byte. Each repetition flips a byte so the CRCs differ. */
#include "bench.h"

#define BUF_LEN 65536u

static u32 table[256];

static void make_table(void)
{
	for (u32 n = 0; n < 256; n++) {
		u32 c = n;
		for (u32 b = 0; b < 8; b++)
			c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
		table[n] = c;
	}
}

static u32 crc32(const u8 *p, u32 len)
{
	u32 c = 0xffffffffu;
	for (u32 i = 0; i < len; i++)
		c = table[(c ^ p[i]) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffu;
}

static u32 bench_run(u32 reps)
{
	u8 *buf = bench_alloc(BUF_LEN);
	u32 seed = 0x51ed270bu, h = 0;
	make_table();
	for (u32 i = 0; i < BUF_LEN; i++)
		buf[i] = (u8)rng_next(&seed);
	for (u32 r = 0; r < reps; r++) {
		buf[(r * 2654435761u) % BUF_LEN] ^= (u8)(r | 1);
		h = mix32(h, crc32(buf, BUF_LEN));
	}
	return h;
}
