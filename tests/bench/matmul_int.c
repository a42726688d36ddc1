/* matmul_int.c - 32-bit integer matrix multiply, i-k-j order: multiply-add
 * chains over rows, loads and stores with computed addresses. Each
 * repetition fills A and B from the PRNG, computes C = A * B and folds C. */
#include "bench.h"

#define N 80

static void multiply(const i32 *a, const i32 *b, i32 *c)
{
	for (u32 i = 0; i < N; i++) {
		i32 *row = c + i * N;
		for (u32 j = 0; j < N; j++)
			row[j] = 0;
		for (u32 k = 0; k < N; k++) {
			i32 aik = a[i * N + k];
			const i32 *brow = b + k * N;
			for (u32 j = 0; j < N; j++)
				row[j] += aik * brow[j];
		}
	}
}

static u32 bench_run(u32 reps)
{
	i32 *a = bench_alloc(N * N * sizeof *a);
	i32 *b = bench_alloc(N * N * sizeof *b);
	i32 *c = bench_alloc(N * N * sizeof *c);
	u32 seed = 0x1234567u, h = 0;
	for (u32 r = 0; r < reps; r++) {
		for (u32 i = 0; i < N * N; i++) {
			a[i] = (i32)(rng_next(&seed) % 2001u) - 1000;
			b[i] = (i32)(rng_next(&seed) % 2001u) - 1000;
		}
		multiply(a, b, c);
		for (u32 i = 0; i < N * N; i++)
			h = mix32(h, (u32)c[i]);
	}
	return h;
}
