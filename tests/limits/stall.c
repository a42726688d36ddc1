/*
 * stall.c - a plugin that never finishes on its own: stall.wasm MODE
 *   spin    counts in a loop forever (only fuel or the deadline stop it)
 *   read    reads stdin to the end, then prints "N bytes"; with a stdin
 *           that never ends it blocks in fd_read
 *   sleep   sleep(30) (poll_oneoff on a clock), then prints "woke"
 *   write   writes to stdout forever; with a reader that never reads it
 *           blocks in fd_write once the pipe is full
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile unsigned long counter;

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	if (strcmp(mode, "spin") == 0) {
		for (;;)
			counter++;
	}
	if (strcmp(mode, "read") == 0) {
		char buf[4096];
		unsigned long long total = 0;
		ssize_t n;
		while ((n = read(0, buf, sizeof buf)) > 0)
			total += (unsigned long long)n;
		printf("%llu bytes\n", total);
		return n < 0;
	}
	if (strcmp(mode, "sleep") == 0) {
		sleep(30);
		puts("woke");
		return 0;
	}
	if (strcmp(mode, "write") == 0) {
		static char buf[65536];
		memset(buf, 'w', sizeof buf);
		while (write(1, buf, sizeof buf) > 0)
			;
		return 1;
	}
	fprintf(stderr, "usage: stall.wasm spin|read|sleep|write\n");
	return 2;
}
