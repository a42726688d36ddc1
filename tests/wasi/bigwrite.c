/*
 * bigwrite.c - one large write: bigwrite.wasm MIB [fd]
 * Fills MIB MiB with a pattern (byte i is i * 7 + i / 251, mod 256) and
 * hands it to a single fd_write on fd (default 1), looping only on short
 * writes. Prints the count of calls it took on stderr (stdout when the
 * data goes to stderr).
 */
#include <stdio.h>
#include <stdlib.h>
#include <wasi/api.h>

int main(int argc, char **argv)
{
	size_t size = (size_t)(argc > 1 ? atoi(argv[1]) : 8) << 20;
	int fd = argc > 2 ? atoi(argv[2]) : 1;
	unsigned char *buf = malloc(size);
	if (!buf)
		return 2;
	for (size_t i = 0; i < size; i++)
		buf[i] = (unsigned char)(i * 7 + i / 251);
	FILE *msg = fd == 2 ? stdout : stderr;
	size_t off = 0, calls = 0;
	while (off < size) {
		__wasi_ciovec_t iov = { buf + off, size - off };
		__wasi_size_t n;
		__wasi_errno_t e = __wasi_fd_write((__wasi_fd_t)fd, &iov, 1, &n);
		calls++;
		if (e != 0) {
			fprintf(msg, "fd_write: errno %d\n", e);
			return 1;
		}
		off += n;
	}
	fprintf(msg, "%zu bytes in %zu call%s\n", size, calls, calls == 1 ? "" : "s");
	return 0;
}
