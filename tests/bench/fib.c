/* fib.c - recursive Fibonacci: calls, returns and little else. Each
 * repetition computes fib(24..27), the depth picked by the running sum so
 * no compiler can hoist the call out of the loop. */
#include "bench.h"

static u32 fib(u32 k)
{
	return k < 2 ? k : fib(k - 1) + fib(k - 2);
}

static u32 bench_run(u32 reps)
{
	u32 acc = 0;
	for (u32 i = 0; i < reps; i++)
		acc += fib(24 + (acc & 3));
	return acc;
}
