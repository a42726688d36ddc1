/*
 * bench.h - the frame every workload of the benchmark suite is built in.
 * A workload is one C file that includes this header and defines
 *     static u32 bench_run(u32 reps);
 * which does `reps` repetitions of a fixed amount of work and returns a
 * 32-bit checksum of everything it computed. The same source is built three
 * ways, chosen by the compiler and one macro:
 *
 *   BENCH_FREESTANDING  clang --target=wasm32 -nostdlib: no libc, no
 *                       imports; exports bench(n) -> checksum, and with
 *                       BENCH_FIXED_N also run() -> checksum of bench(N),
 *                       for runners that cannot pass arguments (wasm-interp).
 *   (neither)           hosted: wasm32-wasi with wasi-libc, or native with
 *                       gcc; main() reads n from argv[1] and prints the
 *                       checksum as an unsigned decimal line.
 *
 * The kernels use only what this header gives them (fixed-width integers,
 * bench_alloc, a PRNG, copy and fill), so the three builds run the same
 * code. Memory from bench_alloc is not zeroed: kernels initialise what they
 * read. Allocate up front, never per repetition: the hosted builds never free.
 */
#ifndef BENCH_H
#define BENCH_H

typedef __UINT8_TYPE__ u8;
typedef __UINT16_TYPE__ u16;
typedef __UINT32_TYPE__ u32;
typedef __UINT64_TYPE__ u64;
typedef __INT8_TYPE__ i8;
typedef __INT16_TYPE__ i16;
typedef __INT32_TYPE__ i32;
typedef __INT64_TYPE__ i64;
typedef __SIZE_TYPE__ usize;

static u32 bench_run(u32 reps);

/* With -mbulk-memory clang turns these into memory.copy and memory.fill;
 * natively they are the libc routines. */
#define bench_copy(d, s, n) __builtin_memcpy((d), (s), (n))
#define bench_move(d, s, n) __builtin_memmove((d), (s), (n))
#define bench_fill(d, c, n) __builtin_memset((d), (c), (n))

/* xorshift32: small, fast and the same everywhere. The state must not be 0. */
static inline u32 rng_next(u32 *s)
{
	u32 x = *s;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*s = x;
	return x;
}

/* Folds a value into a running checksum (a multiply-rotate hash). */
static inline u32 mix32(u32 h, u32 v)
{
	h ^= v;
	h *= 0x9e3779b1u;
	return (h << 13) | (h >> 19);
}

static inline u32 mix64(u32 h, u64 v)
{
	return mix32(mix32(h, (u32)v), (u32)(v >> 32));
}

/* The bits of a double, for checksums that must match bit for bit. */
static inline u64 f64_bits(double d)
{
	u64 b;
	__builtin_memcpy(&b, &d, sizeof b);
	return b;
}

#ifdef BENCH_FREESTANDING

/* Bump allocator over the linear memory above the linker's heap base;
 * bench() resets it, so repeated calls in one instance reuse the memory. */
extern u8 __heap_base;
static usize heap_top;

__attribute__((unused)) static void *bench_alloc(usize size)
{
	if (heap_top == 0)
		heap_top = (usize)&__heap_base;
	usize p = (heap_top + 15) & ~(usize)15;
	usize end = p + size;
	usize have = __builtin_wasm_memory_size(0) * 65536u;
	if (end > have) {
		usize pages = (end - have + 65535u) / 65536u;
		if (__builtin_wasm_memory_grow(0, pages) == (usize)-1)
			__builtin_trap();
	}
	heap_top = end;
	return (void *)p;
}

/* The compiler may emit calls to these for loops and struct copies; with
 * -mbulk-memory the builtins below are single instructions, not calls. */
void *memcpy(void *d, const void *s, usize n)
{
	__builtin_memcpy(d, s, n);
	return d;
}

void *memmove(void *d, const void *s, usize n)
{
	__builtin_memmove(d, s, n);
	return d;
}

void *memset(void *d, int c, usize n)
{
	__builtin_memset(d, c, n);
	return d;
}

__attribute__((export_name("bench"))) u32 bench(u32 n)
{
	heap_top = 0;
	return bench_run(n);
}

#ifdef BENCH_FIXED_N
/* volatile so the compiler cannot specialise bench_run for this N: run()
 * executes the same code as bench(N). */
static volatile u32 fixed_n = BENCH_FIXED_N;

__attribute__((export_name("run"))) u32 run(void)
{
	return bench(fixed_n);
}
#endif

#else /* hosted: wasm32-wasi or native */

#include <stdio.h>
#include <stdlib.h>

__attribute__((unused)) static void *bench_alloc(usize size)
{
	void *p = malloc(size ? size : 1);
	if (!p) {
		fputs("bench: out of memory\n", stderr);
		exit(70);
	}
	return p;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s N\n", argv[0]);
		return 64;
	}
	char *end;
	unsigned long n = strtoul(argv[1], &end, 10);
	if (*argv[1] == '\0' || *end != '\0' || n > 0xffffffffu) {
		fprintf(stderr, "%s: bad N \"%s\"\n", argv[0], argv[1]);
		return 64;
	}
	printf("%u\n", (unsigned)bench_run((u32)n));
	return 0;
}

#endif
#endif
