/* tests/programs/wasi-stubs.c - linked into the wasm32-wasi builds only: the
 * few C library functions wasi-libc leaves out (no processes, no temporary
 * files) that the Debian programs reference. Each fails the way the C
 * standard or POSIX allows, except fchmod: WASI files have no mode bits, so
 * there is nothing to set and it succeeds (bzip2 copies a file's mode to its
 * output and gives up when that fails). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

FILE *tmpfile(void)
{
	errno = ENOTSUP;
	return NULL;
}

char *tmpnam(char *s)
{
	(void)s;
	return NULL;
}

int system(const char *cmd)
{
	return cmd ? -1 : 0;
}

int fchmod(int fd, mode_t mode)
{
	(void)fd;
	(void)mode;
	return 0;
}

int fchown(int fd, uid_t owner, gid_t group)
{
	(void)fd;
	(void)owner;
	(void)group;
	errno = ENOTSUP;
	return -1;
}

uid_t geteuid(void)
{
	return 0;
}

uid_t getuid(void)
{
	return 0;
}

int chmod(const char *path, mode_t mode)
{
	(void)path;
	(void)mode;
	errno = ENOTSUP;
	return -1;
}

FILE *popen(const char *cmd, const char *mode)
{
	(void)cmd;
	(void)mode;
	errno = ENOTSUP;
	return NULL;
}

int pclose(FILE *f)
{
	(void)f;
	errno = ENOTSUP;
	return -1;
}
