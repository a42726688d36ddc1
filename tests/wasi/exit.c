/*
 * exit.c - every way a program ends: exit.wasm MODE [N]
 *   return N   main returns N          exit N     exit(N)
 *   abort      abort()                 trap       __builtin_trap in trap_here
 *   div0       integer divide by zero  oob        a load far past memory
 *   stack      unbounded recursion     ok         prints "done", returns 0
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) static void trap_here(void) { __builtin_trap(); }

__attribute__((noinline)) static int divide(volatile int a, volatile int b) { return a / b; }

__attribute__((noinline)) static int load_far(volatile unsigned addr)
{
	return *(volatile int *)(uintptr_t)addr;
}

/* Only wasm locals, no shadow stack in linear memory: the engine's call
 * depth runs out first. */
static volatile int depth;
__attribute__((noinline)) static int recurse(int n)
{
	depth = n;
	return recurse(n + 1) * 3 + n;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "ok";
	int n = argc > 2 ? atoi(argv[2]) : 0;
	fflush(stdout);
	if (strcmp(mode, "return") == 0)
		return n;
	if (strcmp(mode, "exit") == 0) {
		printf("exiting %d\n", n);   /* exit() flushes stdio */
		exit(n);
	}
	if (strcmp(mode, "abort") == 0)
		abort();
	if (strcmp(mode, "trap") == 0)
		trap_here();
	if (strcmp(mode, "div0") == 0)
		return divide(1, 0);
	if (strcmp(mode, "oob") == 0)
		return load_far(0xfffffff0u);
	if (strcmp(mode, "stack") == 0)
		return recurse(0);
	puts("done");
	return 0;
}
