/*
 * calls.c - every wasi_snapshot_preview1 call, through the raw ABI, with
 * the results checked here: run with --dir SCRATCH::scratch (an empty
 * read-write directory) and --dir-ro RO::ro (holding data.txt = "read
 * only\n" and an empty directory sub/). One line per step; the last line
 * is "calls: N ok, M failed" and the exit status is 1 if M > 0.
 */
#include <stdlib.h>

#include "check.h"

#define R_FILE (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK | \
	__WASI_RIGHTS_FD_TELL | __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE | \
	__WASI_RIGHTS_FD_FILESTAT_SET_TIMES | __WASI_RIGHTS_FD_ADVISE | __WASI_RIGHTS_FD_ALLOCATE | \
	__WASI_RIGHTS_FD_SYNC | __WASI_RIGHTS_FD_DATASYNC | __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS | \
	__WASI_RIGHTS_POLL_FD_READWRITE)
#define R_DIR (__WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_PATH_CREATE_FILE | \
	__WASI_RIGHTS_PATH_FILESTAT_GET | __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_PATH_UNLINK_FILE)

static __wasi_fd_t open_at(int dir, const char *path, __wasi_oflags_t of, __wasi_rights_t base,
                           __wasi_errno_t *err)
{
	__wasi_fd_t fd = (__wasi_fd_t)-1;
	*err = __wasi_path_open(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, of, base,
	                        base | R_FILE | R_DIR, 0, &fd);
	return fd;
}

static void strings(void)
{
	__wasi_size_t argc, argsz, envc, envsz;
	EQ("args_sizes_get", __wasi_args_sizes_get(&argc, &argsz), 0);
	EQ("argc", argc, 3);   /* calls.wasm one two */
	char **argv = malloc(argc * sizeof *argv);
	char *buf = malloc(argsz);
	EQ("args_get", __wasi_args_get((uint8_t **)argv, (uint8_t *)buf), 0);
	CHECK("argv[0]", strcmp(argv[0], "calls.wasm") == 0);
	CHECK("argv[2]", strcmp(argv[2], "two") == 0);
	EQ("args size", argsz, strlen("calls.wasm one two") + 1);
	EQ("environ_sizes_get", __wasi_environ_sizes_get(&envc, &envsz), 0);
	EQ("envc", envc, 1);   /* --env K=v only */
	char **env = malloc(envc * sizeof *env);
	char *ebuf = malloc(envsz);
	EQ("environ_get", __wasi_environ_get((uint8_t **)env, (uint8_t *)ebuf), 0);
	CHECK("environ[0]", strcmp(env[0], "K=v") == 0);
	free(argv);
	free(buf);
	free(env);
	free(ebuf);
}

static void clocks(void)
{
	__wasi_timestamp_t t, t2;
	for (__wasi_clockid_t c = 0; c < 4; c++) {
		EQ("clock_res_get", __wasi_clock_res_get(c, &t), 0);
		CHECK("clock_res > 0", t > 0);
		EQ("clock_time_get", __wasi_clock_time_get(c, 1, &t), 0);
	}
	EQ("clock_time_get realtime", __wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 0, &t), 0);
	CHECK("realtime after 2020", t > 1577836800ull * 1000000000ull);
	__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, &t);
	__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, &t2);
	CHECK("monotonic", t2 >= t);
	EQ("clock_res_get bad id", __wasi_clock_res_get(99, &t), __WASI_ERRNO_INVAL);
	EQ("clock_time_get bad id", __wasi_clock_time_get(4, 0, &t), __WASI_ERRNO_INVAL);

	uint8_t r[64] = { 0 };
	int nonzero = 0;
	EQ("random_get", __wasi_random_get(r, sizeof r), 0);
	for (size_t i = 0; i < sizeof r; i++)
		nonzero |= r[i];
	CHECK("random bytes", nonzero);
	EQ("random_get 0", __wasi_random_get(r, 0), 0);
}

static void poll(int dir)
{
	__wasi_subscription_t s[3];
	__wasi_event_t ev[3];
	__wasi_size_t n;
	__wasi_timestamp_t t0, t1;
	memset(s, 0, sizeof s);
	s[0].userdata = 7;
	s[0].u.tag = __WASI_EVENTTYPE_CLOCK;
	s[0].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
	s[0].u.u.clock.timeout = 20 * 1000000;   /* 20 ms */
	__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, &t0);
	EQ("poll_oneoff clock", __wasi_poll_oneoff(s, ev, 1, &n), 0);
	__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, &t1);
	EQ("poll_oneoff clock events", n, 1);
	EQ("poll_oneoff clock userdata", ev[0].userdata, 7);
	EQ("poll_oneoff clock type", ev[0].type, __WASI_EVENTTYPE_CLOCK);
	EQ("poll_oneoff clock error", ev[0].error, 0);
	CHECK("poll_oneoff slept 20 ms", t1 - t0 >= 20 * 1000000ull);

	/* Two clocks: only the earlier fires. An absolute one in the past
	 * fires at once. */
	s[1] = s[0];
	s[1].userdata = 8;
	s[1].u.u.clock.timeout = 10ull * 1000000000ull;
	EQ("poll_oneoff two clocks", __wasi_poll_oneoff(s, ev, 2, &n), 0);
	EQ("poll_oneoff first clock only", n, 1);
	EQ("poll_oneoff earliest", ev[0].userdata, 7);
	s[0].u.u.clock.flags = __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME;
	s[0].u.u.clock.id = __WASI_CLOCKID_REALTIME;
	s[0].u.u.clock.timeout = 1;
	EQ("poll_oneoff abstime past", __wasi_poll_oneoff(s, ev, 1, &n), 0);
	EQ("poll_oneoff abstime event", n, 1);

	/* A regular file is always ready and says how much is left. */
	__wasi_errno_t e;
	__wasi_fd_t f = open_at(dir, "poll.txt", __WASI_OFLAGS_CREAT, R_FILE, &e);
	__wasi_ciovec_t iov = { (const uint8_t *)"12345", 5 };
	__wasi_size_t nw;
	__wasi_fd_write(f, &iov, 1, &nw);
	__wasi_fd_seek(f, 1, __WASI_WHENCE_SET, &t0);
	s[0].userdata = 9;
	s[0].u.tag = __WASI_EVENTTYPE_FD_READ;
	s[0].u.u.fd_read.file_descriptor = f;
	s[1].u.u.clock.timeout = 10ull * 1000000000ull;
	EQ("poll_oneoff file", __wasi_poll_oneoff(s, ev, 2, &n), 0);
	EQ("poll_oneoff file events", n, 1);
	EQ("poll_oneoff file userdata", ev[0].userdata, 9);
	EQ("poll_oneoff file nbytes", ev[0].fd_readwrite.nbytes, 4);
	s[0].u.u.fd_read.file_descriptor = 1234;
	EQ("poll_oneoff bad fd", __wasi_poll_oneoff(s, ev, 1, &n), 0);
	EQ("poll_oneoff bad fd event", n, 1);
	EQ("poll_oneoff bad fd error", ev[0].error, __WASI_ERRNO_BADF);
	/* stdout cannot be read: no right to subscribe for reading. */
	s[0].u.u.fd_read.file_descriptor = 1;
	EQ("poll_oneoff stdout read", __wasi_poll_oneoff(s, ev, 1, &n), 0);
	EQ("poll_oneoff stdout read error", ev[0].error, __WASI_ERRNO_NOTCAPABLE);
	EQ("poll_oneoff none", __wasi_poll_oneoff(s, ev, 0, &n), __WASI_ERRNO_INVAL);
	/* in and out may be the same memory. */
	memset(s, 0, sizeof s);
	s[0].userdata = 11;
	s[0].u.tag = __WASI_EVENTTYPE_CLOCK;
	EQ("poll_oneoff in == out", __wasi_poll_oneoff(s, (__wasi_event_t *)s, 1, &n), 0);
	EQ("poll_oneoff in == out userdata", ((__wasi_event_t *)s)->userdata, 11);
	__wasi_fd_close(f);
}

static void files(int dir)
{
	__wasi_errno_t e;
	__wasi_size_t n;
	__wasi_filesize_t pos;
	__wasi_filestat_t st;
	__wasi_fdstat_t fs;
	uint8_t buf[64];

	__wasi_fd_t f = open_at(dir, "f1", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, R_FILE, &e);
	EQ("path_open creat", e, 0);
	__wasi_ciovec_t w[2] = { { (const uint8_t *)"hello ", 6 }, { (const uint8_t *)"world", 5 } };
	EQ("fd_write", __wasi_fd_write(f, w, 2, &n), 0);
	EQ("fd_write count", n, 11);
	EQ("fd_tell", __wasi_fd_tell(f, &pos), 0);
	EQ("fd_tell pos", pos, 11);
	EQ("fd_seek set", __wasi_fd_seek(f, 0, __WASI_WHENCE_SET, &pos), 0);
	__wasi_iovec_t r[2] = { { buf, 3 }, { buf + 3, 20 } };
	EQ("fd_read", __wasi_fd_read(f, r, 2, &n), 0);
	EQ("fd_read count", n, 11);
	CHECK("fd_read data", memcmp(buf, "hello world", 11) == 0);
	EQ("fd_read eof", __wasi_fd_read(f, r, 2, &n), 0);
	EQ("fd_read eof count", n, 0);
	EQ("fd_seek cur", __wasi_fd_seek(f, -5, __WASI_WHENCE_CUR, &pos), 0);
	EQ("fd_seek cur pos", pos, 6);
	EQ("fd_seek end", __wasi_fd_seek(f, 0, __WASI_WHENCE_END, &pos), 0);
	EQ("fd_seek end pos", pos, 11);
	EQ("fd_seek bad whence", __wasi_fd_seek(f, 0, 3, &pos), __WASI_ERRNO_INVAL);
	EQ("fd_seek negative", __wasi_fd_seek(f, -100, __WASI_WHENCE_SET, &pos), __WASI_ERRNO_INVAL);
	EQ("fd_pwrite", __wasi_fd_pwrite(f, w + 1, 1, 100, &n), 0);
	EQ("fd_pwrite count", n, 5);
	EQ("fd_pwrite keeps position", (__wasi_fd_tell(f, &pos), pos), 11);
	memset(buf, 0, sizeof buf);
	EQ("fd_pread", __wasi_fd_pread(f, r, 2, 100, &n), 0);
	EQ("fd_pread count", n, 5);
	CHECK("fd_pread data", memcmp(buf, "world", 5) == 0);
	EQ("fd_filestat_get", __wasi_fd_filestat_get(f, &st), 0);
	EQ("fd_filestat_get size", st.size, 105);
	EQ("fd_filestat_get type", st.filetype, __WASI_FILETYPE_REGULAR_FILE);
	EQ("fd_filestat_get nlink", st.nlink, 1);
	EQ("fd_filestat_set_size", __wasi_fd_filestat_set_size(f, 5), 0);
	__wasi_fd_filestat_get(f, &st);
	EQ("fd_filestat_set_size size", st.size, 5);
	__wasi_timestamp_t when = 1000000000ull * 1234567890ull + 5000;
	EQ("fd_filestat_set_times", __wasi_fd_filestat_set_times(f, when, when,
	   __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM), 0);
	__wasi_fd_filestat_get(f, &st);
	EQ("fd_filestat_set_times mtim", st.mtim, when);
	EQ("fd_filestat_set_times atim", st.atim, when);
	EQ("fd_filestat_set_times now", __wasi_fd_filestat_set_times(f, 0, 0,
	   __WASI_FSTFLAGS_MTIM_NOW), 0);
	__wasi_fd_filestat_get(f, &st);
	CHECK("fd_filestat_set_times now mtim", st.mtim > when);
	EQ("fd_filestat_set_times both", __wasi_fd_filestat_set_times(f, 0, 0,
	   __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW), __WASI_ERRNO_INVAL);
	EQ("fd_advise", __wasi_fd_advise(f, 0, 5, __WASI_ADVICE_SEQUENTIAL), 0);
	EQ("fd_advise bad", __wasi_fd_advise(f, 0, 5, 6), __WASI_ERRNO_INVAL);
	EQ("fd_allocate", __wasi_fd_allocate(f, 0, 4096), 0);
	__wasi_fd_filestat_get(f, &st);
	EQ("fd_allocate size", st.size, 4096);
	EQ("fd_sync", __wasi_fd_sync(f), 0);
	EQ("fd_datasync", __wasi_fd_datasync(f), 0);

	EQ("fd_fdstat_get", __wasi_fd_fdstat_get(f, &fs), 0);
	EQ("fd_fdstat_get type", fs.fs_filetype, __WASI_FILETYPE_REGULAR_FILE);
	CHECK("fd_fdstat_get rights", (fs.fs_rights_base & R_FILE) == R_FILE);
	EQ("fd_fdstat_set_flags append", __wasi_fd_fdstat_set_flags(f, __WASI_FDFLAGS_APPEND), 0);
	__wasi_fd_seek(f, 0, __WASI_WHENCE_SET, &pos);
	__wasi_fd_write(f, w, 1, &n);
	__wasi_fd_filestat_get(f, &st);
	EQ("fd_fdstat_set_flags appends", st.size, 4096 + 6);
	__wasi_fd_fdstat_get(f, &fs);
	EQ("fd_fdstat_get flags", fs.fs_flags, __WASI_FDFLAGS_APPEND);
	EQ("fd_fdstat_set_flags nonblock", __wasi_fd_fdstat_set_flags(f, __WASI_FDFLAGS_NONBLOCK), 0);
	EQ("fd_fdstat_set_flags sync", __wasi_fd_fdstat_set_flags(f, __WASI_FDFLAGS_SYNC),
	   __WASI_ERRNO_NOTSUP);
	EQ("fd_fdstat_set_flags bad", __wasi_fd_fdstat_set_flags(f, 0x100), __WASI_ERRNO_INVAL);
	EQ("fd_fdstat_set_rights drop write",
	   __wasi_fd_fdstat_set_rights(f, R_FILE & ~__WASI_RIGHTS_FD_WRITE, 0), 0);
	EQ("fd_write without the right", __wasi_fd_write(f, w, 1, &n), __WASI_ERRNO_NOTCAPABLE);
	EQ("fd_pwrite without the right", __wasi_fd_pwrite(f, w, 1, 0, &n), __WASI_ERRNO_NOTCAPABLE);
	EQ("fd_fdstat_set_rights add back", __wasi_fd_fdstat_set_rights(f, R_FILE, 0),
	   __WASI_ERRNO_NOTCAPABLE);

	/* renumber: the target is closed, the source moves. */
	__wasi_fd_t g = open_at(dir, "f2", __WASI_OFLAGS_CREAT, R_FILE, &e);
	EQ("path_open second", e, 0);
	EQ("fd_renumber", __wasi_fd_renumber(f, g), 0);
	EQ("fd_renumber source gone", __wasi_fd_fdstat_get(f, &fs), __WASI_ERRNO_BADF);
	__wasi_fd_filestat_get(g, &st);
	EQ("fd_renumber target is the file", st.size, 4096 + 6);
	EQ("fd_renumber bad", __wasi_fd_renumber(g, 999), __WASI_ERRNO_BADF);
	EQ("fd_close", __wasi_fd_close(g), 0);
	EQ("fd_close twice", __wasi_fd_close(g), __WASI_ERRNO_BADF);
	EQ("fd_read closed", __wasi_fd_read(g, r, 1, &n), __WASI_ERRNO_BADF);

	/* stdio: fd 1 writes but cannot read or seek. */
	__wasi_ciovec_t line = { (const uint8_t *)"ok fd_write stdout\n", 19 };
	EQ("fd_write stdout", __wasi_fd_write(1, &line, 1, &n), 0);
	EQ("fd_read stdout", __wasi_fd_read(1, r, 1, &n), __WASI_ERRNO_NOTCAPABLE);
	EQ("fd_fdstat_get stdout", __wasi_fd_fdstat_get(1, &fs), 0);
	CHECK("stdout rights", (fs.fs_rights_base & __WASI_RIGHTS_FD_WRITE) &&
	      !(fs.fs_rights_base & __WASI_RIGHTS_FD_READ));
	EQ("fd_prestat_get stdout", __wasi_fd_prestat_get(1, &(__wasi_prestat_t){ 0 }),
	   __WASI_ERRNO_BADF);
}

static void paths(int dir)
{
	__wasi_errno_t e;
	__wasi_filestat_t st;
	__wasi_size_t n;
	char buf[64];

	EQ("path_create_directory", __wasi_path_create_directory(dir, "d1"), 0);
	EQ("path_create_directory again", __wasi_path_create_directory(dir, "d1"),
	   __WASI_ERRNO_EXIST);
	EQ("path_filestat_get dir", __wasi_path_filestat_get(dir, 0, "d1", &st), 0);
	EQ("path_filestat_get dir type", st.filetype, __WASI_FILETYPE_DIRECTORY);
	__wasi_fd_t d = open_at(dir, "d1", __WASI_OFLAGS_DIRECTORY, R_DIR, &e);
	EQ("path_open directory", e, 0);
	/* 40 files with long names, read back through a small buffer so
	 * entries are cut and the reader must come back with a cookie. */
	for (int i = 0; i < 40; i++) {
		snprintf(buf, sizeof buf, "file-with-a-long-name-%02d", i);
		__wasi_fd_t f = open_at(d, buf, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, R_FILE, &e);
		if (e != 0)
			break;
		__wasi_fd_close(f);
	}
	EQ("path_open in a directory fd", e, 0);
	int seen[40] = { 0 }, dots = 0, other = 0, entries = 0;
	__wasi_dircookie_t cookie = 0;
	uint8_t dbuf[100];
	for (;;) {
		EQ("fd_readdir", __wasi_fd_readdir(d, dbuf, sizeof dbuf, cookie, &n), 0);
		size_t p = 0;
		while (p + sizeof(__wasi_dirent_t) <= n) {
			__wasi_dirent_t de;
			memcpy(&de, dbuf + p, sizeof de);
			if (p + sizeof de + de.d_namlen > n)
				break;   /* cut: ask again from the cookie */
			const char *nm = (const char *)dbuf + p + sizeof de;
			int k;
			if ((de.d_namlen == 1 && nm[0] == '.') ||
			    (de.d_namlen == 2 && nm[0] == '.' && nm[1] == '.'))
				dots++;
			else if (de.d_namlen == 24 && sscanf(nm + 22, "%2d", &k) == 1 && k >= 0 && k < 40 &&
			         de.d_type == __WASI_FILETYPE_REGULAR_FILE)
				seen[k]++;
			else
				other++;
			entries++;
			cookie = de.d_next;
			p += sizeof de + de.d_namlen;
		}
		if (n < sizeof dbuf)
			break;
	}
	int all = 1;
	for (int i = 0; i < 40; i++)
		all &= seen[i] == 1;
	CHECK("fd_readdir every entry once", all && dots == 2 && other == 0 && entries == 42);
	EQ("fd_readdir tiny buffer", __wasi_fd_readdir(d, dbuf, 10, 0, &n), 0);
	EQ("fd_readdir tiny buffer fills it", n, 10);
	EQ("fd_readdir past the end", __wasi_fd_readdir(d, dbuf, sizeof dbuf, 1000, &n), 0);
	EQ("fd_readdir past the end empty", n, 0);
	EQ("fd_readdir on a file", __wasi_fd_readdir(0, dbuf, sizeof dbuf, 0, &n),
	   __WASI_ERRNO_NOTCAPABLE);
	EQ("path_remove_directory not empty", __wasi_path_remove_directory(dir, "d1"),
	   __WASI_ERRNO_NOTEMPTY);
	for (int i = 0; i < 40; i++) {
		snprintf(buf, sizeof buf, "file-with-a-long-name-%02d", i);
		e = __wasi_path_unlink_file(d, buf);
		if (e)
			break;
	}
	EQ("path_unlink_file", e, 0);
	EQ("path_unlink_file missing", __wasi_path_unlink_file(d, "nope"), __WASI_ERRNO_NOENT);
	__wasi_fd_close(d);
	EQ("path_unlink_file on a directory", __wasi_path_unlink_file(dir, "d1"),
	   __WASI_ERRNO_ISDIR);
	EQ("path_remove_directory", __wasi_path_remove_directory(dir, "d1"), 0);
	EQ("path_remove_directory gone", __wasi_path_filestat_get(dir, 0, "d1", &st),
	   __WASI_ERRNO_NOENT);
	EQ("path_remove_directory on a file", __wasi_path_remove_directory(dir, "f1"),
	   __WASI_ERRNO_NOTDIR);

	/* Links. */
	EQ("path_symlink", __wasi_path_symlink("f1", dir, "l1"), 0);
	EQ("path_readlink", __wasi_path_readlink(dir, "l1", (uint8_t *)buf, sizeof buf, &n), 0);
	EQ("path_readlink size", n, 2);
	CHECK("path_readlink text", memcmp(buf, "f1", 2) == 0);
	EQ("path_readlink cut", __wasi_path_readlink(dir, "l1", (uint8_t *)buf, 1, &n), 0);
	EQ("path_readlink cut size", n, 1);
	EQ("path_readlink not a link", __wasi_path_readlink(dir, "f1", (uint8_t *)buf, 9, &n),
	   __WASI_ERRNO_INVAL);
	EQ("path_filestat_get nofollow", __wasi_path_filestat_get(dir, 0, "l1", &st), 0);
	EQ("path_filestat_get nofollow type", st.filetype, __WASI_FILETYPE_SYMBOLIC_LINK);
	EQ("path_filestat_get follow", __wasi_path_filestat_get(dir,
	   __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "l1", &st), 0);
	EQ("path_filestat_get follow type", st.filetype, __WASI_FILETYPE_REGULAR_FILE);
	EQ("path_filestat_get follow size", st.size, 4096 + 6);
	__wasi_fd_t f;
	EQ("path_open nofollow link", __wasi_path_open(dir, 0, "l1", 0, R_FILE, 0, 0, &f),
	   __WASI_ERRNO_LOOP);
	EQ("path_link", __wasi_path_link(dir, 0, "f1", dir, "h1"), 0);
	__wasi_path_filestat_get(dir, 0, "f1", &st);
	EQ("path_link nlink", st.nlink, 2);
	EQ("path_link exists", __wasi_path_link(dir, 0, "f1", dir, "h1"), __WASI_ERRNO_EXIST);
	EQ("path_link follow", __wasi_path_link(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "l1",
	   dir, "h3"), 0);
	__wasi_path_filestat_get(dir, 0, "f1", &st);
	EQ("path_link follow links the target", st.nlink, 3);
	EQ("path_rename", __wasi_path_rename(dir, "h1", dir, "h2"), 0);
	EQ("path_rename old gone", __wasi_path_filestat_get(dir, 0, "h1", &st),
	   __WASI_ERRNO_NOENT);
	EQ("path_rename new there", __wasi_path_filestat_get(dir, 0, "h2", &st), 0);
	EQ("path_rename missing", __wasi_path_rename(dir, "nope", dir, "x"), __WASI_ERRNO_NOENT);
	__wasi_timestamp_t when = 1000000000ull * 1111111111ull;
	EQ("path_filestat_set_times", __wasi_path_filestat_set_times(dir,
	   __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "l1", when, when,
	   __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM), 0);
	__wasi_path_filestat_get(dir, 0, "f1", &st);
	EQ("path_filestat_set_times through the link", st.mtim, when);

	/* path_open flags. */
	open_at(dir, "f1", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, R_FILE, &e);
	EQ("path_open excl", e, __WASI_ERRNO_EXIST);
	open_at(dir, "f1", __WASI_OFLAGS_DIRECTORY, R_DIR, &e);
	EQ("path_open directory on a file", e, __WASI_ERRNO_NOTDIR);
	open_at(dir, "nope", 0, R_FILE, &e);
	EQ("path_open missing", e, __WASI_ERRNO_NOENT);
	open_at(dir, "f1/", 0, R_FILE, &e);
	EQ("path_open trailing slash on a file", e, __WASI_ERRNO_NOTDIR);
	f = open_at(dir, "f1", __WASI_OFLAGS_TRUNC, R_FILE, &e);
	EQ("path_open trunc", e, 0);
	__wasi_fd_filestat_get(f, &st);
	EQ("path_open trunc size", st.size, 0);
	__wasi_fd_close(f);
	EQ("path_open bad oflags", __wasi_path_open(dir, 0, "f1", 0x10, R_FILE, 0, 0, &f),
	   __WASI_ERRNO_INVAL);
	EQ("path_open empty path", __wasi_path_open(dir, 0, "", 0, R_FILE, 0, 0, &f),
	   __WASI_ERRNO_NOENT);
	EQ("path_open from a file", __wasi_path_open(1, 0, "x", 0, R_FILE, 0, 0, &f),
	   __WASI_ERRNO_NOTCAPABLE);
	EQ("path_open bad fd", __wasi_path_open(77, 0, "x", 0, R_FILE, 0, 0, &f),
	   __WASI_ERRNO_BADF);
	f = open_at(dir, ".", __WASI_OFLAGS_DIRECTORY, R_DIR, &e);
	EQ("path_open dot", e, 0);
	__wasi_fd_close(f);
	EQ("path_unlink_file link", __wasi_path_unlink_file(dir, "l1"), 0);
	EQ("path_unlink_file target stays", __wasi_path_filestat_get(dir, 0, "f1", &st), 0);
}

static void readonly(int ro)
{
	__wasi_errno_t e;
	__wasi_fd_t f;
	__wasi_size_t n;
	__wasi_fdstat_t fs;
	char buf[32];
	__wasi_iovec_t r = { (uint8_t *)buf, sizeof buf };
	__wasi_ciovec_t w = { (const uint8_t *)"x", 1 };

	EQ("ro fd_fdstat_get", __wasi_fd_fdstat_get(ro, &fs), 0);
	CHECK("ro has no write rights", !(fs.fs_rights_base & (__WASI_RIGHTS_PATH_CREATE_FILE |
	      __WASI_RIGHTS_PATH_UNLINK_FILE)) && !(fs.fs_rights_inheriting & __WASI_RIGHTS_FD_WRITE));
	f = open_at(ro, "data.txt", 0, __WASI_RIGHTS_FD_READ, &e);
	EQ("ro open for reading", e, 0);
	EQ("ro fd_read", __wasi_fd_read(f, &r, 1, &n), 0);
	CHECK("ro data", n == 10 && memcmp(buf, "read only\n", 10) == 0);
	EQ("ro fd_write", __wasi_fd_write(f, &w, 1, &n), __WASI_ERRNO_NOTCAPABLE);
	EQ("ro fd_filestat_set_size", __wasi_fd_filestat_set_size(f, 0), __WASI_ERRNO_NOTCAPABLE);
	EQ("ro fd_filestat_set_times", __wasi_fd_filestat_set_times(f, 0, 0,
	   __WASI_FSTFLAGS_MTIM_NOW), __WASI_ERRNO_NOTCAPABLE);
	EQ("ro fd_allocate", __wasi_fd_allocate(f, 0, 100), __WASI_ERRNO_NOTCAPABLE);
	__wasi_fd_close(f);
	EQ("ro open for writing", __wasi_path_open(ro, 0, "data.txt", 0, __WASI_RIGHTS_FD_WRITE,
	   0, 0, &f), __WASI_ERRNO_NOTCAPABLE);
	EQ("ro open creat", __wasi_path_open(ro, 0, "new.txt", __WASI_OFLAGS_CREAT,
	   __WASI_RIGHTS_FD_READ, 0, 0, &f), __WASI_ERRNO_NOTCAPABLE);
	EQ("ro open trunc", __wasi_path_open(ro, 0, "data.txt", __WASI_OFLAGS_TRUNC,
	   __WASI_RIGHTS_FD_READ, 0, 0, &f), __WASI_ERRNO_NOTCAPABLE);
	EQ("ro path_create_directory", __wasi_path_create_directory(ro, "d"),
	   __WASI_ERRNO_NOTCAPABLE);
	EQ("ro path_remove_directory", __wasi_path_remove_directory(ro, "sub"),
	   __WASI_ERRNO_NOTCAPABLE);
	EQ("ro path_unlink_file", __wasi_path_unlink_file(ro, "data.txt"), __WASI_ERRNO_NOTCAPABLE);
	EQ("ro path_rename", __wasi_path_rename(ro, "data.txt", ro, "moved"),
	   __WASI_ERRNO_NOTCAPABLE);
	int rw = preopen("scratch");
	EQ("ro path_rename out", __wasi_path_rename(ro, "data.txt", rw, "moved"),
	   __WASI_ERRNO_NOTCAPABLE);
	EQ("ro path_rename in", __wasi_path_rename(rw, "f1", ro, "f1"), __WASI_ERRNO_NOTCAPABLE);
	EQ("ro path_link out", __wasi_path_link(ro, 0, "data.txt", rw, "hard"),
	   __WASI_ERRNO_NOTCAPABLE);
	EQ("ro path_symlink", __wasi_path_symlink("data.txt", ro, "l"), __WASI_ERRNO_NOTCAPABLE);
	EQ("ro path_filestat_set_times", __wasi_path_filestat_set_times(ro, 0, "data.txt", 0, 0,
	   __WASI_FSTFLAGS_MTIM_NOW), __WASI_ERRNO_NOTCAPABLE);
	/* A directory opened from it is just as read-only. */
	__wasi_fd_t sub = open_at(ro, "sub", __WASI_OFLAGS_DIRECTORY, R_DIR, &e);
	EQ("ro open subdirectory", e, 0);
	EQ("ro subdirectory creat", __wasi_path_open(sub, 0, "new.txt", __WASI_OFLAGS_CREAT,
	   __WASI_RIGHTS_FD_READ, 0, 0, &f), __WASI_ERRNO_NOTCAPABLE);
	EQ("ro subdirectory mkdir", __wasi_path_create_directory(sub, "d"),
	   __WASI_ERRNO_NOTCAPABLE);
	__wasi_fd_close(sub);
	/* What wasi-libc does for open(O_WRONLY): ask only for what the
	 * directory passes on. The descriptor then cannot write. */
	__wasi_fd_fdstat_get(ro, &fs);
	EQ("ro open masked", __wasi_path_open(ro, 0, "data.txt", 0, fs.fs_rights_inheriting &
	   ~(__WASI_RIGHTS_FD_WRITE), 0, 0, &f), 0);
	EQ("ro masked fd_write", __wasi_fd_write(f, &w, 1, &n), __WASI_ERRNO_NOTCAPABLE);
	__wasi_fd_close(f);
}

static void misc(void)
{
	EQ("sched_yield", __wasi_sched_yield(), 0);
	EQ("proc_raise", raw_proc_raise(6), __WASI_ERRNO_NOSYS);
	__wasi_fd_t fd;
	__wasi_size_t n;
	__wasi_roflags_t ro;
	__wasi_iovec_t iov = { 0, 0 };
	__wasi_ciovec_t ciov = { 0, 0 };
	EQ("sock_accept", __wasi_sock_accept(0, 0, &fd), __WASI_ERRNO_NOTSUP);
	EQ("sock_recv", __wasi_sock_recv(0, &iov, 1, 0, &n, &ro), __WASI_ERRNO_NOTSUP);
	EQ("sock_send", __wasi_sock_send(1, &ciov, 1, 0, &n), __WASI_ERRNO_NOTSUP);
	EQ("sock_shutdown", __wasi_sock_shutdown(1, __WASI_SDFLAGS_WR), __WASI_ERRNO_NOTSUP);
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);   /* interleaves with raw writes to fd 1 */
	int dir = preopen("scratch"), ro = preopen("ro");
	CHECK("preopen scratch", dir >= 3);
	CHECK("preopen ro", ro >= 3);
	__wasi_prestat_t ps;
	EQ("fd_prestat_get", __wasi_fd_prestat_get(dir, &ps), 0);
	EQ("fd_prestat_get tag", ps.tag, __WASI_PREOPENTYPE_DIR);
	EQ("fd_prestat_get name length", ps.u.dir.pr_name_len, 7);
	char name[8];
	EQ("fd_prestat_dir_name short", __wasi_fd_prestat_dir_name(dir, (uint8_t *)name, 3),
	   __WASI_ERRNO_NAMETOOLONG);
	EQ("fd_prestat_get past the preopens", __wasi_fd_prestat_get(ro + 1, &ps),
	   __WASI_ERRNO_BADF);
	if (dir < 3 || ro < 3)
		return summary("calls");
	strings();
	clocks();
	files(dir);
	paths(dir);
	poll(dir);
	readonly(ro);
	misc();
	return summary("calls");
}
