/*
 * escape.c - every way out of a preopened directory we could think of, each
 * of which must fail, and the ways that stay inside, which must work. Run
 * with --dir BOX::box, where tests/wasi/run.sh has built BOX and, beside it,
 * outside/ (see there for the links); argv[1] is the absolute host path of
 * outside/secret.txt. One line per attempt; the last line is "escape: N ok,
 * M failed".
 */
#include <stdlib.h>

#include "check.h"

#define R_READ (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_FILESTAT_GET)
#define R_WRITE (R_READ | __WASI_RIGHTS_FD_WRITE)
#define R_DIR (__WASI_RIGHTS_PATH_OPEN | __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_PATH_FILESTAT_GET)
#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW

static int box;

/* Opens path (following links) and, if that worked, reads it: an escape
 * that got through prints what it read, so the log shows the damage. */
static __wasi_errno_t try_open(int dir, const char *path, __wasi_oflags_t of, __wasi_rights_t r)
{
	__wasi_fd_t fd;
	__wasi_errno_t e = __wasi_path_open(dir, FOLLOW, path, of, r, r | R_DIR, 0, &fd);
	if (e == 0) {
		char buf[64] = { 0 };
		__wasi_iovec_t iov = { (uint8_t *)buf, sizeof buf - 1 };
		__wasi_size_t n;
		if (!(of & __WASI_OFLAGS_DIRECTORY) && __wasi_fd_read(fd, &iov, 1, &n) == 0 && n > 0)
			printf("  read %s: %.*s", path, (int)n, buf);
		__wasi_fd_close(fd);
	}
	return e;
}

static void read_is(const char *path, const char *want)
{
	__wasi_fd_t fd;
	char buf[64] = { 0 }, name[128];
	__wasi_iovec_t iov = { (uint8_t *)buf, sizeof buf - 1 };
	__wasi_size_t n = 0;
	__wasi_errno_t e = __wasi_path_open(box, FOLLOW, path, 0, R_READ, 0, 0, &fd);
	if (e == 0) {
		e = __wasi_fd_read(fd, &iov, 1, &n);
		__wasi_fd_close(fd);
	}
	snprintf(name, sizeof name, "inside %s", path);
	CHECK(name, e == 0 && strcmp(buf, want) == 0);
}

#define NOTCAP __WASI_ERRNO_NOTCAPABLE
#define ESC(name, expr) EQ("escape " name, (expr), NOTCAP)

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	box = preopen("box");
	if (box < 0 || argc < 2) {
		puts("FAIL setup: needs --dir BOX::box and the outside path");
		return 2;
	}
	const char *abs = argv[1];
	__wasi_fd_t fd;
	__wasi_filestat_t st;
	__wasi_size_t n;
	char buf[128], deep[1200];

	/* Reading out. */
	ESC("read ../", try_open(box, "../outside/secret.txt", 0, R_READ));
	ESC("read sub/../../", try_open(box, "sub/../../outside/secret.txt", 0, R_READ));
	ESC("read absolute host path", try_open(box, abs, 0, R_READ));
	ESC("read /etc/passwd", try_open(box, "/etc/passwd", 0, R_READ));
	ESC("read symlink out", try_open(box, "link-out", 0, R_READ));
	ESC("read absolute symlink", try_open(box, "link-abs", 0, R_READ));
	ESC("read through a dir symlink out", try_open(box, "link-dir-out/secret.txt", 0, R_READ));
	ESC("read chained symlinks", try_open(box, "chain1", 0, R_READ));
	ESC("read chain through a subdirectory", try_open(box, "chain-in1", 0, R_READ));
	ESC("read through up -> ..", try_open(box, "up/outside/secret.txt", 0, R_READ));
	ESC("read self/../", try_open(box, "self/../outside/secret.txt", 0, R_READ));
	ESC("read through sub/deep-up", try_open(box, "sub/deep-up/secret.txt", 0, R_READ));
	ESC("read link-dir-in/../../", try_open(box, "link-dir-in/../../outside/secret.txt", 0, R_READ));
	ESC("read ./../", try_open(box, "./../outside/secret.txt", 0, R_READ));
	ESC("read ../ back inside", try_open(box, "../box/file.txt", 0, R_READ));
	strcpy(deep, "sub");
	for (int i = 0; i < 300; i++)
		strcat(deep, "/..");
	strcat(deep, "/etc/passwd");
	ESC("read many ../", try_open(box, deep, 0, R_READ));
	EQ("escape loop", try_open(box, "loop1", 0, R_READ), __WASI_ERRNO_LOOP);

	/* Creating out. */
	ESC("create ../", try_open(box, "../outside/new.txt", __WASI_OFLAGS_CREAT, R_WRITE));
	ESC("create through a dir symlink", try_open(box, "link-dir-out/new.txt",
	    __WASI_OFLAGS_CREAT, R_WRITE));
	ESC("create through a dangling symlink", try_open(box, "dangle", __WASI_OFLAGS_CREAT,
	    R_WRITE));
	ESC("create through up", try_open(box, "up/outside/new.txt", __WASI_OFLAGS_CREAT, R_WRITE));
	ESC("truncate through a symlink", try_open(box, "link-out", __WASI_OFLAGS_TRUNC, R_WRITE));
	ESC("mkdir ../", __wasi_path_create_directory(box, "../outside/newdir"));
	ESC("mkdir through a dir symlink", __wasi_path_create_directory(box, "link-dir-out/newdir"));

	/* Renaming, linking and symlinking out. */
	ESC("rename out", __wasi_path_rename(box, "file.txt", box, "../outside/moved.txt"));
	ESC("rename in", __wasi_path_rename(box, "../outside/secret.txt", box, "stolen.txt"));
	ESC("rename in through a symlink", __wasi_path_rename(box, "link-dir-out/secret.txt",
	    box, "stolen.txt"));
	ESC("rename out through a symlink", __wasi_path_rename(box, "file.txt",
	    box, "link-dir-out/moved.txt"));
	/* sub/.. is the box itself, which the kernel will not move. */
	EQ("escape rename the box", __wasi_path_rename(box, "sub/..", box, "sub/box"),
	   __WASI_ERRNO_BUSY);
	ESC("link in", __wasi_path_link(box, 0, "link-dir-out/secret.txt", box, "hard.txt"));
	ESC("link out", __wasi_path_link(box, 0, "file.txt", box, "../outside/hard.txt"));
	ESC("link following a symlink out", __wasi_path_link(box, FOLLOW, "link-out", box,
	    "hard2.txt"));
	ESC("link following a chain", __wasi_path_link(box, FOLLOW, "chain1", box, "hard3.txt"));
	ESC("symlink text ../", __wasi_path_symlink("../outside/secret.txt", box, "newlink"));
	ESC("symlink text absolute", __wasi_path_symlink(abs, box, "newlink2"));
	ESC("symlink text up from sub", __wasi_path_symlink("../../outside", box, "sub/newlink3"));
	ESC("symlink placed out", __wasi_path_symlink("x", box, "../outside/newlink"));
	/* Text that reads as staying inside, but climbs when followed:
	 * through the in-box link self -> ".", through a link to "a/..",
	 * or climbing from a subdirectory and renamed up later. */
	ESC("symlink text through self/..", __wasi_path_symlink("self/../outside/secret.txt", box,
	    "sneak1"));
	ESC("symlink text ../ inside from sub", __wasi_path_symlink("../file.txt", box, "sub/sneak2"));
	ESC("symlink text a/..", __wasi_path_symlink("sub/..", box, "sneak3"));
	ESC("symlink text sub/../..", __wasi_path_symlink("sub/../../outside", box, "sneak4"));
	/* A hard link of a symlink: its text, valid where it was, lands
	 * elsewhere (sub/link-up reads ../file.txt; one level up it leads out). */
	ESC("hard link of a symlink", __wasi_path_link(box, 0, "sub/link-up", box, "hard-up"));
	ESC("hard link of a symlink out", __wasi_path_link(box, 0, "link-out", box, "hard-out"));
	ESC("symlink placed absolute", __wasi_path_symlink("x", box, "/tmp/edgeplug-newlink"));

	/* Removing out. */
	ESC("unlink ../", __wasi_path_unlink_file(box, "../outside/secret.txt"));
	ESC("unlink through a dir symlink", __wasi_path_unlink_file(box, "link-dir-out/secret.txt"));
	ESC("rmdir ../", __wasi_path_remove_directory(box, "../outside/dir"));
	ESC("rmdir through a dir symlink", __wasi_path_remove_directory(box, "link-dir-out/dir"));

	/* Looking out. */
	ESC("stat ../", __wasi_path_filestat_get(box, 0, "../outside/secret.txt", &st));
	ESC("stat following a symlink out", __wasi_path_filestat_get(box, FOLLOW, "link-out", &st));
	ESC("stat through up", __wasi_path_filestat_get(box, 0, "up/outside", &st));
	ESC("set times following a symlink out", __wasi_path_filestat_set_times(box, FOLLOW,
	    "link-out", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
	ESC("set times through a dir symlink", __wasi_path_filestat_set_times(box, 0,
	    "link-dir-out/secret.txt", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
	ESC("readlink through up", __wasi_path_readlink(box, "up/box/link-out", (uint8_t *)buf,
	    sizeof buf, &n));
	ESC("readdir ..", try_open(box, "..", __WASI_OFLAGS_DIRECTORY, R_DIR));
	ESC("readdir a dir symlink out", try_open(box, "link-dir-out", __WASI_OFLAGS_DIRECTORY, R_DIR));
	ESC("readdir up", try_open(box, "up", __WASI_OFLAGS_DIRECTORY, R_DIR));
	ESC("readdir sub/deep-up", try_open(box, "sub/deep-up", __WASI_OFLAGS_DIRECTORY, R_DIR));
	ESC("readdir sub/../..", try_open(box, "sub/../..", __WASI_OFLAGS_DIRECTORY, R_DIR));
	ESC("readdir link-dir-out/", try_open(box, "link-dir-out/", __WASI_OFLAGS_DIRECTORY, R_DIR));

	/* A directory descriptor is a root of its own. */
	EQ("open sub", __wasi_path_open(box, 0, "sub", __WASI_OFLAGS_DIRECTORY, R_DIR,
	   R_DIR | R_WRITE, 0, &fd), 0);
	ESC("from sub: ../", try_open(fd, "../file.txt", 0, R_READ));
	ESC("from sub: ../../", try_open(fd, "../../outside/secret.txt", 0, R_READ));
	ESC("from sub: chain-in2", try_open(fd, "chain-in2", 0, R_READ));
	__wasi_fd_close(fd);

	/* Bytes wasi-libc would never send. */
	const char nul[] = "file.txt\0/../../outside/secret.txt";
	EQ("escape NUL in a path", raw_path_open(box, 1, P(nul), (int32_t)sizeof nul - 1, 0, R_READ,
	   0, 0, P(&fd)), __WASI_ERRNO_INVAL);
	EQ("escape path past memory", raw_path_open(box, 1, (int32_t)0xfffffff0, 64, 0, R_READ,
	   0, 0, P(&fd)), __WASI_ERRNO_FAULT);

	/* What stays inside works, links included. */
	read_is("file.txt", "inside\n");
	read_is("./file.txt", "inside\n");
	read_is("sub//inner.txt", "inner\n");
	read_is("link-in", "inner\n");
	read_is("sub/link-up", "inside\n");
	read_is("self/file.txt", "inside\n");
	read_is("link-dir-in/inner.txt", "inner\n");
	read_is("sub/../file.txt", "inside\n");
	read_is("link-dir-in/../file.txt", "inside\n");
	EQ("inside stat a symlink out itself", __wasi_path_filestat_get(box, 0, "link-out", &st), 0);
	EQ("inside its type", st.filetype, __WASI_FILETYPE_SYMBOLIC_LINK);
	EQ("inside readlink a symlink out", __wasi_path_readlink(box, "link-out", (uint8_t *)buf,
	   sizeof buf, &n), 0);
	CHECK("inside readlink text", n == 21 && memcmp(buf, "../outside/secret.txt", 21) == 0);
	EQ("inside symlink text without ..", __wasi_path_symlink("inner.txt", box,
	   "sub/made-link"), 0);
	read_is("sub/made-link", "inner\n");
	/* Renamed to a shallower place, a link without ".." still leads below
	 * its own directory: nothing there can lead out. */
	EQ("inside rename a made link up", __wasi_path_rename(box, "sub/made-link", box, "moved-link"), 0);
	EQ("inside unlink made link", __wasi_path_unlink_file(box, "moved-link"), 0);
	return summary("escape");
}
