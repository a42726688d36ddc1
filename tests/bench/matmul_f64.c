/* matmul_f64.c - double-precision matrix multiply, i-k-j order: f64 loads,
 * multiplies and adds. The checksum folds the exact bits of C, which match
 * across builds because nothing is fused or reassociated (wasm has no FMA;
 * the native build uses -ffp-contract=off). */
#include "bench.h"

#define N 72

static void multiply(const double *a, const double *b, double *c)
{
	for (u32 i = 0; i < N; i++) {
		double *row = c + i * N;
		for (u32 j = 0; j < N; j++)
			row[j] = 0.0;
		for (u32 k = 0; k < N; k++) {
			double aik = a[i * N + k];
			const double *brow = b + k * N;
			for (u32 j = 0; j < N; j++)
				row[j] += aik * brow[j];
		}
	}
}

static u32 bench_run(u32 reps)
{
	double *a = bench_alloc(N * N * sizeof *a);
	double *b = bench_alloc(N * N * sizeof *b);
	double *c = bench_alloc(N * N * sizeof *c);
	u32 seed = 0x2545f491u, h = 0;
	for (u32 r = 0; r < reps; r++) {
		for (u32 i = 0; i < N * N; i++) {
			a[i] = (double)(i32)(rng_next(&seed) % 20001u - 10000u) / 1024.0;
			b[i] = (double)(i32)(rng_next(&seed) % 20001u - 10000u) / 3.0;
		}
		multiply(a, b, c);
		for (u32 i = 0; i < N * N; i++)
			h = mix64(h, f64_bits(c[i]));
	}
	return h;
}
