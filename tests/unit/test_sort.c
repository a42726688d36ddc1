/*
 * test_sort.c - ep_sort (src/sort.h) against every small permutation shape
 * and random arrays: sorted output, and the same multiset of elements.
 */
#include "check.h"
#include "sort.h"

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

typedef struct rec { char name[5]; int n; } rec;

static int cmp_rec(const void *a, const void *b)
{
	return strcmp(((const rec *)a)->name, ((const rec *)b)->name);
}

int main(void)
{
	int v[300], count[64];
	unsigned seed = 12345;
	for (int len = 0; len <= 300; len += len < 20 ? 1 : 37) {
		memset(count, 0, sizeof count);
		for (int i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			v[i] = (int)(seed >> 16) % 64;
			count[v[i]]++;
		}
		ep_sort(v, (size_t)len, sizeof *v, cmp_int);
		int ok = 1;
		for (int i = 1; i < len; i++)
			ok &= v[i - 1] <= v[i];
		for (int i = 0; i < len; i++)
			count[v[i]]--;
		for (int i = 0; i < 64; i++)
			ok &= count[i] == 0;
		CHECK(ok, "random array of %d sorted, same elements", len);
	}
	/* Already sorted, reversed, all equal. */
	for (int i = 0; i < 100; i++)
		v[i] = i;
	ep_sort(v, 100, sizeof *v, cmp_int);
	CHECK(v[0] == 0 && v[99] == 99, "sorted input stays sorted");
	for (int i = 0; i < 100; i++)
		v[i] = 100 - i;
	ep_sort(v, 100, sizeof *v, cmp_int);
	CHECK(v[0] == 1 && v[50] == 51 && v[99] == 100, "reversed input");
	/* Elements bigger than a word. */
	rec r[4] = { { "dd", 4 }, { "bb", 2 }, { "aa", 1 }, { "cc", 3 } };
	ep_sort(r, 4, sizeof *r, cmp_rec);
	CHECK(r[0].n == 1 && r[1].n == 2 && r[2].n == 3 && r[3].n == 4, "structs by name");
	return check_summary();
}
