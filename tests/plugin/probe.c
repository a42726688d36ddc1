/*
 * probe.c - what a plugin can reach, seen from inside, as its exit code:
 * one bit per capability it finds usable (it may have no output at all).
 *   1 stdin   2 stdout   4 stderr   8 clock   16 random
 *   32 env EP_A is set   64 EDGEPLUG_CONFIG_threshold is "12"
 * With an argument "args", the exit code is instead argc - 1 and stdout
 * (when granted) shows argv[1...].
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

int main(int argc, char **argv)
{
	__wasi_fdstat_t st;
	__wasi_timestamp_t t;
	unsigned char r[4];
	int bits = 0;
	if (argc > 1 && strcmp(argv[1], "args") == 0) {
		for (int i = 1; i < argc; i++)
			printf("%s%s", i > 1 ? " " : "", argv[i]);
		printf("\n");
		return argc - 1;
	}
	if (__wasi_fd_fdstat_get(0, &st) == 0)
		bits |= 1;
	if (__wasi_fd_fdstat_get(1, &st) == 0)
		bits |= 2;
	if (__wasi_fd_fdstat_get(2, &st) == 0)
		bits |= 4;
	if (__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &t) == 0)
		bits |= 8;
	if (__wasi_random_get(r, sizeof r) == 0)
		bits |= 16;
	if (getenv("EP_A"))
		bits |= 32;
	const char *c = getenv("EDGEPLUG_CONFIG_threshold");
	if (c && strcmp(c, "12") == 0)
		bits |= 64;
	return bits;
}
