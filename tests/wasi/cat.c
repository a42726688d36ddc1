/*
 * cat.c - copies stdin to stdout byte for byte: cat.wasm [BUFSIZE [stdio]]
 * With read(2)/write(2) and a buffer of BUFSIZE bytes (default 65536), or
 * through fread/fwrite when the second argument is "stdio". Reports the
 * byte count on stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	size_t size = argc > 1 ? (size_t)atol(argv[1]) : 65536;
	int stdio = argc > 2 && strcmp(argv[2], "stdio") == 0;
	char *buf = malloc(size);
	unsigned long long total = 0;
	if (!buf)
		return 2;
	for (;;) {
		ssize_t n = stdio ? (ssize_t)fread(buf, 1, size, stdin) : read(0, buf, size);
		if (n < 0) {
			fprintf(stderr, "read: %s\n", strerror(errno));
			return 1;
		}
		if (n == 0)
			break;
		if (stdio) {
			if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
				return 1;
		} else {
			for (ssize_t o = 0; o < n;) {
				ssize_t w = write(1, buf + o, (size_t)(n - o));
				if (w < 0) {
					fprintf(stderr, "write: %s\n", strerror(errno));
					return 1;
				}
				o += w;
			}
		}
		total += (unsigned long long)n;
	}
	if (fflush(stdout) != 0)
		return 1;
	fprintf(stderr, "%llu bytes\n", total);
	return 0;
}
