/*
 * pollin.c - waits for stdin with poll_oneoff: pollin.wasm MS [nonblock]
 * Subscribes to stdin and to a MS-millisecond clock; prints "ready" (then
 * the bytes of stdin it reads to the end, as a count) or "timeout". With
 * "nonblock", first sets stdin non-blocking and prints what a read says
 * before any data can have arrived ("again" for EAGAIN).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

int main(int argc, char **argv)
{
	unsigned long long ms = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000;
	char buf[4096];
	__wasi_size_t n;
	if (argc > 2 && strcmp(argv[2], "nonblock") == 0) {
		__wasi_iovec_t iov = { (uint8_t *)buf, sizeof buf };
		if (__wasi_fd_fdstat_set_flags(0, __WASI_FDFLAGS_NONBLOCK) != 0)
			return 3;
		__wasi_errno_t e = __wasi_fd_read(0, &iov, 1, &n);
		printf("%s\n", e == __WASI_ERRNO_AGAIN ? "again" : "data");
		if (__wasi_fd_fdstat_set_flags(0, 0) != 0)
			return 3;
	}
	__wasi_subscription_t s[2];
	__wasi_event_t ev[2];
	memset(s, 0, sizeof s);
	s[0].userdata = 1;
	s[0].u.tag = __WASI_EVENTTYPE_FD_READ;
	s[0].u.u.fd_read.file_descriptor = 0;
	s[1].userdata = 2;
	s[1].u.tag = __WASI_EVENTTYPE_CLOCK;
	s[1].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
	s[1].u.u.clock.timeout = ms * 1000000ull;
	if (__wasi_poll_oneoff(s, ev, 2, &n) != 0 || n == 0)
		return 2;
	if (ev[0].userdata == 2) {
		puts("timeout");
		return 0;
	}
	puts("ready");
	unsigned long long total = 0;
	for (;;) {
		__wasi_iovec_t iov = { (uint8_t *)buf, sizeof buf };
		if (__wasi_fd_read(0, &iov, 1, &n) != 0)
			return 1;
		if (n == 0)
			break;
		total += n;
	}
	printf("%llu bytes\n", total);
	return 0;
}
