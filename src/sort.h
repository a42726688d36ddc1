/*
 * sort.h - one in-place sort for every stage that needs one (export names
 * in the validator, key files in the trust store, manifests in a folder):
 * a heapsort, O(n log n) on any input, so a module with many exports
 * cannot make validation quadratic, and a few hundred bytes of code where
 * libc's qsort costs 2 KB. Not stable; knows nothing of what it sorts.
 */
#ifndef EP_SORT_H
#define EP_SORT_H

#include <stddef.h>

/* qsort's contract: n elements of size bytes at base, ordered by cmp. */
void ep_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));

#endif
