/*
 * recurse.c - recursion as C compiles it: recurse.wasm MODE [N]
 *   self      recurse without end (trap: call stack exhausted in recurse)
 *   mutual    ping and pong call each other without end (the trap names
 *             one of them)
 *   depth N   recurse N levels deep and print "depth N sum S"
 * The recursive functions keep everything in wasm locals, never in the
 * shadow stack in linear memory, so the engine's call depth (or value
 * stack) runs out first; volatile stores keep clang from turning the
 * recursion into a loop.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile int seen, stop;   /* stop is never set: it only keeps the
                                    * recursion from looking endless to clang */

__attribute__((noinline)) static int recurse(int n)
{
	seen = n;
	if (stop)
		return n;
	return recurse(n + 1) * 3 + n;
}

__attribute__((noinline)) static int pong(int n);

__attribute__((noinline)) static int ping(int n)
{
	seen = n;
	if (stop)
		return n;
	return pong(n + 1) * 5 + n;
}

__attribute__((noinline)) static int pong(int n)
{
	seen = n;
	if (stop)
		return n;
	return ping(n + 1) * 7 - n;
}

__attribute__((noinline)) static long long sum_down(int n)
{
	if (n <= 0)
		return 0;
	long long s = sum_down(n - 1);
	seen = n;   /* after the call: not a tail call, so not a loop */
	return s + n;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	if (strcmp(mode, "self") == 0)
		return recurse(0) & 1;
	if (strcmp(mode, "mutual") == 0)
		return ping(0) & 1;
	if (strcmp(mode, "depth") == 0 && argc > 2) {
		int n = atoi(argv[2]);
		printf("depth %d sum %lld\n", n, sum_down(n));
		return 0;
	}
	fprintf(stderr, "usage: recurse.wasm self|mutual|depth N\n");
	return 2;
}
