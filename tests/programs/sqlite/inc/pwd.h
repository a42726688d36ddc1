/* tests/programs/sqlite/inc/pwd.h - the wasm32-wasi build of SQLite's
 * shell only (wasi-libc has no pwd.h): there are no users, so no home
 * directory; the tests pass -init, and the shell never asks. */
#include <sys/types.h>
struct passwd {
	char *pw_name;
	char *pw_dir;
	uid_t pw_uid;
};
static inline struct passwd *getpwuid(uid_t uid)
{
	(void)uid;
	return 0;
}
