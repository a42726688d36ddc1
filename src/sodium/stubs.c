/*
 * stubs.c - the two symbols libsodium's utils.c needs and edgeplug never
 * provides. utils.c refers to randombytes_buf (its guarded allocator's
 * canary) and sodium_misuse (sodium_pad's error path) from functions no
 * edgeplug code calls; the binary's --gc-sections link drops them, but an
 * embedder's link without --gc-sections keeps every function of utils.o
 * and needs the two defined. Neither can ever run: they trap if they do.
 * An archive member of its own, pulled in only for those references.
 */
#include <stddef.h>

void randombytes_buf(void *buf, size_t size);
void sodium_misuse(void);

void randombytes_buf(void *buf, size_t size)
{
	(void)buf;
	(void)size;
	__builtin_trap();
}

void sodium_misuse(void)
{
	__builtin_trap();
}
