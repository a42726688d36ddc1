/* quicksort.c - sorts an array of PRNG numbers: compares, swaps, branchy
 * partitioning and recursion. Median-of-three Hoare partitioning, recursion
 * on the smaller side, insertion sort for short ranges. Each repetition
 * sorts fresh numbers, checks the order and folds a sample of the result. */
#include "bench.h"

#define LEN 30000u
#define SMALL 12

static void insertion_sort(u32 *a, i32 lo, i32 hi)
{
	for (i32 i = lo + 1; i <= hi; i++) {
		u32 v = a[i];
		i32 j = i - 1;
		while (j >= lo && a[j] > v) {
			a[j + 1] = a[j];
			j--;
		}
		a[j + 1] = v;
	}
}

static inline void swap(u32 *a, i32 i, i32 j)
{
	u32 t = a[i];
	a[i] = a[j];
	a[j] = t;
}

static void quicksort(u32 *a, i32 lo, i32 hi)
{
	while (hi - lo > SMALL) {
		i32 mid = lo + (hi - lo) / 2;
		if (a[mid] < a[lo])
			swap(a, mid, lo);
		if (a[hi] < a[lo])
			swap(a, hi, lo);
		if (a[hi] < a[mid])
			swap(a, hi, mid);
		u32 pivot = a[mid];
		i32 i = lo - 1, j = hi + 1;
		for (;;) {
			do
				i++;
			while (a[i] < pivot);
			do
				j--;
			while (a[j] > pivot);
			if (i >= j)
				break;
			swap(a, i, j);
		}
		if (j - lo < hi - j) {
			quicksort(a, lo, j);
			lo = j + 1;
		} else {
			quicksort(a, j + 1, hi);
			hi = j;
		}
	}
	insertion_sort(a, lo, hi);
}

static u32 bench_run(u32 reps)
{
	u32 *a = bench_alloc(LEN * sizeof *a);
	u32 seed = 0x6b43a9b5u, h = 0;
	for (u32 r = 0; r < reps; r++) {
		/* Every eighth repetition has many duplicates. */
		u32 mask = (r & 7) == 7 ? 0xffu : 0xffffffffu;
		for (u32 i = 0; i < LEN; i++)
			a[i] = rng_next(&seed) & mask;
		quicksort(a, 0, (i32)LEN - 1);
		u32 unordered = 0;
		for (u32 i = 1; i < LEN; i++)
			unordered += a[i - 1] > a[i];
		h = mix32(h, unordered);
		for (u32 i = 0; i < LEN; i += 97)
			h = mix32(h, a[i]);
	}
	return h;
}
