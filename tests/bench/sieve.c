/* sieve.c - sieve of Eratosthenes over a byte array: byte stores in
 * strided inner loops, then a counting scan. Each repetition sieves a
 * slightly different limit and folds the prime count and the largest prime
 * into the checksum. */
#include "bench.h"

#define SIEVE_MAX 400000u

static u32 bench_run(u32 reps)
{
	u8 *composite = bench_alloc(SIEVE_MAX + 1);
	u32 h = 0;
	for (u32 r = 0; r < reps; r++) {
		u32 limit = SIEVE_MAX - (r & 63) * 977u;
		for (u32 i = 0; i <= limit; i++)
			composite[i] = 0;
		for (u32 p = 2; p * p <= limit; p++) {
			if (composite[p])
				continue;
			for (u32 m = p * p; m <= limit; m += p)
				composite[m] = 1;
		}
		u32 count = 0, largest = 0;
		for (u32 i = 2; i <= limit; i++) {
			if (!composite[i]) {
				count++;
				largest = i;
			}
		}
		h = mix32(mix32(h, count), largest);
	}
	return h;
}
