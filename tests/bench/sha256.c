/* sha256.c - SHA-256 (FIPS 180-4) over a 16 KiB buffer: 32-bit rotates,
 * shifts, big-endian loads and a 64-entry message schedule. Each
 * repetition hashes the buffer, folds the digest and writes it back into
 * the buffer, so every hash depends on the one before. */
#include "bench.h"

#define BUF_LEN 16384u

/* The first 32 bits of the fractional parts of the cube roots of the first
 * 64 primes (FIPS 180-4, 4.2.2). */
static const u32 k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline u32 ror(u32 x, u32 n)
{
	return (x >> n) | (x << (32 - n));
}

static void compress(u32 st[8], const u8 *p)
{
	u32 w[64];
	for (u32 i = 0; i < 16; i++)
		w[i] = (u32)p[4 * i] << 24 | (u32)p[4 * i + 1] << 16 |
		       (u32)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (u32 i = 16; i < 64; i++) {
		u32 s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
		u32 s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	u32 a = st[0], b = st[1], c = st[2], d = st[3];
	u32 e = st[4], f = st[5], g = st[6], hh = st[7];
	for (u32 i = 0; i < 64; i++) {
		u32 t1 = hh + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + k[i] + w[i];
		u32 t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		hh = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	st[0] += a; st[1] += b; st[2] += c; st[3] += d;
	st[4] += e; st[5] += f; st[6] += g; st[7] += hh;
}

static void sha256(const u8 *msg, u32 len, u8 out[32])
{
	u32 st[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	              0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
	u32 done = 0;
	for (; len - done >= 64; done += 64)
		compress(st, msg + done);
	/* The tail, the 0x80 marker and the bit length, in one or two blocks. */
	u8 block[128];
	u32 rest = len - done;
	for (u32 i = 0; i < rest; i++)
		block[i] = msg[done + i];
	block[rest] = 0x80;
	u32 total = rest + 9 <= 64 ? 64 : 128;
	for (u32 i = rest + 1; i < total - 8; i++)
		block[i] = 0;
	u64 bits = (u64)len * 8;
	for (u32 i = 0; i < 8; i++)
		block[total - 1 - i] = (u8)(bits >> (8 * i));
	compress(st, block);
	if (total == 128)
		compress(st, block + 64);
	for (u32 i = 0; i < 8; i++) {
		out[4 * i] = (u8)(st[i] >> 24);
		out[4 * i + 1] = (u8)(st[i] >> 16);
		out[4 * i + 2] = (u8)(st[i] >> 8);
		out[4 * i + 3] = (u8)st[i];
	}
}

static u32 bench_run(u32 reps)
{
	u8 *buf = bench_alloc(BUF_LEN);
	u32 seed = 0x9e3779b9u, h = 0;
	for (u32 i = 0; i < BUF_LEN; i++)
		buf[i] = (u8)(rng_next(&seed) >> 24);
	for (u32 r = 0; r < reps; r++) {
		u8 digest[32];
		/* An odd length exercises the two-block tail. */
		sha256(buf, BUF_LEN - 9, digest);
		u32 at = (r * 32u) % (BUF_LEN - 32u);
		for (u32 i = 0; i < 32; i++) {
			buf[at + i] = digest[i];
			h = mix32(h, digest[i]);
		}
	}
	return h;
}
