/*
 * sortsum.c - a small deterministic workload for exact fuel counts:
 * sortsum.wasm [N]
 * Fills N (default 3000) 32-bit words from a xorshift generator, sorts
 * them with a recursive quicksort (insertion sort below 16), checks the
 * order and prints an FNV-1a hash of the result:
 *   sorted N hash 0xHHHHHHHH
 * Nothing depends on the clock, the environment or random_get, so every
 * run, on every board, executes the same instructions.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static void insertion(uint32_t *a, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		uint32_t v = a[i];
		size_t j = i;
		for (; j > 0 && a[j - 1] > v; j--)
			a[j] = a[j - 1];
		a[j] = v;
	}
}

static void quicksort(uint32_t *a, size_t n)
{
	while (n > 16) {
		uint32_t pivot = a[n / 2];
		size_t i = 0, j = n - 1;
		for (;;) {
			while (a[i] < pivot)
				i++;
			while (a[j] > pivot)
				j--;
			if (i >= j)
				break;
			uint32_t t = a[i];
			a[i] = a[j];
			a[j] = t;
			i++;
			j--;
		}
		/* Recurse into the smaller half, loop on the larger. */
		size_t left = j + 1;
		if (left < n - left) {
			quicksort(a, left);
			a += left;
			n -= left;
		} else {
			quicksort(a + left, n - left);
			n = left;
		}
	}
	insertion(a, n);
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 3000;
	uint32_t *a = malloc((n ? n : 1) * sizeof *a);
	if (!a)
		return 1;
	uint32_t x = 2463534242u;
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		a[i] = x % 100000;
	}
	quicksort(a, n);
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && a[i - 1] > a[i]) {
			printf("not sorted at %zu\n", i);
			return 1;
		}
		for (int k = 0; k < 4; k++) {
			h ^= (a[i] >> (8 * k)) & 0xff;
			h *= 16777619u;
		}
	}
	printf("sorted %zu hash 0x%08x\n", n, (unsigned)h);
	free(a);
	return 0;
}
