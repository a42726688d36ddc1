/*
 * spew.c - writes N lines of 100 bytes to stdout (spew.wasm N), one write
 * each. Exits 0
 * when every write went through, 28 (ENOSPC's code in WASI) after the first
 * write that failed with ENOSPC, 1 on any other failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 10;
	char line[100];
	memset(line, 'x', sizeof line - 1);
	line[sizeof line - 1] = '\n';
	for (int i = 0; i < n; i++) {
		if (write(1, line, sizeof line) != (ssize_t)sizeof line)
			return errno == ENOSPC ? 28 : 1;
	}
	return 0;
}
