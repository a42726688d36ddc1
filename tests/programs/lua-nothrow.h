/* tests/programs/lua-nothrow.h - forced into every Lua source file (-include)
 * for both builds: wasi-libc has no setjmp/longjmp, so a Lua error ends the
 * program (abort, exit code 134 natively and under edgeplug alike) instead of
 * unwinding to a pcall. The scripts here raise no errors. */
#include <stdlib.h>
#define LUAI_THROW(L, c) abort()
#define LUAI_TRY(L, c, a) { a }
#define luai_jmpbuf int
