/*
 * check.h - what the WASI test programs share: a CHECK that prints one line
 * per step, the raw import of any wasi_snapshot_preview1 function (so a test
 * can pass what wasi-libc never would: bad pointers, odd rights, explicit
 * lengths) and the preopen lookup.
 */
#ifndef EP_TEST_CHECK_H
#define EP_TEST_CHECK_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

static int n_ok, n_failed;

/* CHECK(name, cond): one line either way, so a failure shows its step. */
#define CHECK(name, cond) check_((name), (cond), #cond, __LINE__)
static void check_(const char *name, int ok, const char *what, int line)
{
	if (ok) {
		n_ok++;
		printf("ok %s\n", name);
	} else {
		n_failed++;
		printf("FAIL %s: %s (line %d)\n", name, what, line);
	}
}

/* EQ(name, got, want) for errno and sizes, printing both on failure. */
#define EQ(name, got, want) eq_((name), (long long)(got), (long long)(want), __LINE__)
static void eq_(const char *name, long long got, long long want, int line)
{
	if (got == want) {
		n_ok++;
		printf("ok %s\n", name);
	} else {
		n_failed++;
		printf("FAIL %s: got %lld, want %lld (line %d)\n", name, got, want, line);
	}
}

static int summary(const char *prog)
{
	printf("%s: %d ok, %d failed\n", prog, n_ok, n_failed);
	return n_failed ? 1 : 0;
}

/* The raw imports, with every parameter as the ABI has it. */
#define RAW(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))
RAW(path_open) int32_t raw_path_open(int32_t fd, int32_t dirflags, int32_t path, int32_t len,
                                     int32_t oflags, int64_t base, int64_t inh,
                                     int32_t fdflags, int32_t ret);
RAW(proc_raise) int32_t raw_proc_raise(int32_t sig);
RAW(path_symlink) int32_t raw_path_symlink(int32_t old, int32_t oldlen, int32_t fd,
                                           int32_t path, int32_t len);
RAW(path_unlink_file) int32_t raw_path_unlink_file(int32_t fd, int32_t path, int32_t len);
RAW(path_filestat_get) int32_t raw_path_filestat_get(int32_t fd, int32_t flags, int32_t path,
                                                     int32_t len, int32_t ret);
RAW(path_rename) int32_t raw_path_rename(int32_t fd, int32_t old, int32_t oldlen,
                                         int32_t nfd, int32_t path, int32_t len);
RAW(path_link) int32_t raw_path_link(int32_t ofd, int32_t oflags, int32_t old, int32_t oldlen,
                                     int32_t nfd, int32_t path, int32_t len);
RAW(path_create_directory) int32_t raw_path_create_directory(int32_t fd, int32_t path,
                                                             int32_t len);
RAW(path_remove_directory) int32_t raw_path_remove_directory(int32_t fd, int32_t path,
                                                             int32_t len);
RAW(path_readlink) int32_t raw_path_readlink(int32_t fd, int32_t path, int32_t len,
                                             int32_t buf, int32_t buflen, int32_t ret);
RAW(path_filestat_set_times) int32_t raw_path_filestat_set_times(int32_t fd, int32_t flags,
                                                                 int32_t path, int32_t len,
                                                                 int64_t atim, int64_t mtim,
                                                                 int32_t fst);

#define P(s) ((int32_t)(uintptr_t)(s))
#define PL(s) P(s), (int32_t)strlen(s)

/* The descriptor of the preopen the plugin knows as name, or -1. */
static int preopen(const char *name)
{
	for (int fd = 3; fd < 64; fd++) {
		__wasi_prestat_t ps;
		if (__wasi_fd_prestat_get(fd, &ps) != 0)
			return -1;
		char buf[256];
		size_t n = ps.u.dir.pr_name_len;
		if (n >= sizeof buf || __wasi_fd_prestat_dir_name(fd, (uint8_t *)buf, n) != 0)
			continue;
		buf[n] = '\0';
		if (strcmp(buf, name) == 0)
			return fd;
	}
	return -1;
}

#endif
