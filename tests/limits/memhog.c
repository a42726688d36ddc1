/*
 * memhog.c - a memory bomb: memhog.wasm
 * Allocates 64 KiB blocks with malloc, writing each one, until malloc
 * returns NULL; then grows linear memory one page at a time with
 * memory.grow until that fails too. Prints the memory size it started
 * with, the blocks it got and the memory size it ended with:
 *   start P0
 *   blocks N
 *   pages P
 * (sizes in 64 KiB pages). Under a memory cap of C pages, P is C and N is
 * a little under C - P0: each block costs a page plus malloc's header.
 * Without a cap it would take all 4 GiB: run it with --max-memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	unsigned long start = (unsigned long)__builtin_wasm_memory_size(0);
	unsigned long blocks = 0;
	/* The blocks are chained and walked at the end: clang may drop a
	 * malloc whose block is never used again, and assume it worked. */
	void **head = NULL, **p;
	/* 65536 blocks would be the whole 4 GiB: the loop must end before. */
	while (blocks < 65536 && (p = malloc(65536)) != NULL) {
		memset(p, (int)(blocks & 0xff), 65536);
		*p = head;
		head = p;
		blocks++;
	}
	unsigned long chained = 0;
	for (p = head; p; p = *p)
		chained++;
	if (chained != blocks)
		return 1;
	while (__builtin_wasm_memory_grow(0, 1) != (size_t)-1)
		;
	/* musl's stdout buffer is static: printing needs no malloc. */
	printf("start %lu\nblocks %lu\npages %lu\n", start, blocks,
	       (unsigned long)__builtin_wasm_memory_size(0));
	return 0;
}
