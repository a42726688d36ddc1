/* hello.c - the startup benchmark's program: as small as a useful program
 * gets, so what is timed is process start, module load and instantiation.
 * Hosted (WASI or native) it prints a line; freestanding it exports
 * hello() -> 42 for `edgeplug run --invoke hello`. */
#ifdef BENCH_FREESTANDING
__attribute__((export_name("hello"))) int hello(void)
{
	return 42;
}
#else
#include <stdio.h>

int main(void)
{
	puts("hello, world");
	return 0;
}
#endif
