/*
 * deny.c - what a plugin sees when nothing is granted: no preopens, no
 * environment, no way to open anything. Prints one line a check and
 * "deny: N ok, M failed".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>

#include "check.h"

extern char **environ;

int main(void)
{
	__wasi_prestat_t ps;
	__wasi_size_t envc, envsz;
	__wasi_fd_t fd;
	EQ("no preopen", __wasi_fd_prestat_get(3, &ps), __WASI_ERRNO_BADF);
	EQ("environ_sizes_get", __wasi_environ_sizes_get(&envc, &envsz), 0);
	EQ("no environment", envc, 0);
	CHECK("no PATH", getenv("PATH") == NULL);
	CHECK("no HOME", getenv("HOME") == NULL);
	CHECK("environ empty", !environ || !environ[0]);
	errno = 0;
	CHECK("open /etc/passwd", open("/etc/passwd", O_RDONLY) < 0 && errno == ENOTCAPABLE);
	errno = 0;
	CHECK("open relative", open("x.txt", O_RDONLY) < 0);
	EQ("path_open on fd 3", __wasi_path_open(3, 0, "x", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd),
	   __WASI_ERRNO_BADF);
	EQ("path_open on stdin", __wasi_path_open(0, 0, "x", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd),
	   __WASI_ERRNO_NOTCAPABLE);
	return summary("deny");
}
