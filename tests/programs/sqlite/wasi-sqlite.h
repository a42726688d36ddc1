/* tests/programs/sqlite/wasi-sqlite.h - forced (-include) into the
 * wasm32-wasi build of SQLite only: the POSIX names its unix VFS refers to
 * that wasi-libc does not declare. wasi-libc has no fcntl record locks, so
 * the tests open files with the "unix-none" VFS, which never locks; these
 * constants only let the rest compile. fchmod, fchown and geteuid are in
 * ../wasi-stubs.c. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/types.h>
#include <unistd.h>
#define F_RDLCK 0
#define F_WRLCK 1
#define F_UNLCK 2
#define F_GETLK 5
#define F_SETLK 6
#define F_SETLKW 7
int fchmod(int fd, mode_t mode);
int fchown(int fd, uid_t owner, gid_t group);
uid_t geteuid(void);
uid_t getuid(void);
int chmod(const char *path, mode_t mode);
FILE *popen(const char *cmd, const char *mode);
int pclose(FILE *f);
