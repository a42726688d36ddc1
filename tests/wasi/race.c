/*
 * race.c - opens swap/secret.txt beneath the box again and again, for MS
 * milliseconds, while the test driver keeps turning swap/ into a symbolic
 * link to the outside and back: race.wasm MS. Every open must find the
 * inside file or nothing. Prints how often each happened; exits 1 if the
 * outside was ever read, 3 if the race was never seen (only one state).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

int main(int argc, char **argv)
{
	int box = preopen("box");
	unsigned long long ms = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000;
	int inside = 0, refused = 0, missing = 0, other = 0, escaped = 0;
	__wasi_timestamp_t start, now;
	if (box < 0 || __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, &start) != 0)
		return 2;
	for (int i = 0;; i++) {
		if ((i & 63) == 0) {
			if (__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, &now) != 0)
				return 2;
			if (now - start >= ms * 1000000ull)
				break;
		}
		const char *path = i & 1 ? "swap/secret.txt" : "swap/../swap/secret.txt";
		__wasi_fd_t fd;
		__wasi_errno_t e = __wasi_path_open(box, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, 0,
		                                    __WASI_RIGHTS_FD_READ, 0, 0, &fd);
		if (e == 0) {
			char buf[16] = { 0 };
			__wasi_iovec_t iov = { (uint8_t *)buf, sizeof buf - 1 };
			__wasi_size_t n;
			if (__wasi_fd_read(fd, &iov, 1, &n) == 0 && strcmp(buf, "inside\n") == 0)
				inside++;
			else if (strncmp(buf, "SECRET", 6) == 0)
				escaped++;
			else
				other++;
			__wasi_fd_close(fd);
		} else if (e == __WASI_ERRNO_NOTCAPABLE) {
			refused++;
		} else if (e == __WASI_ERRNO_NOENT || e == __WASI_ERRNO_NOTDIR) {
			missing++;
		} else {
			other++;
		}
	}
	printf("race: %d inside, %d refused, %d missing, %d other, %d escaped\n",
	       inside, refused, missing, other, escaped);
	if (escaped)
		return 1;
	return inside && refused + missing ? 0 : 3;
}
