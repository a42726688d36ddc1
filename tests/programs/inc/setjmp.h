/* tests/programs/inc/setjmp.h - found before the C library's (-I) in both
 * builds of Lua and mujs, since wasi-libc has none: setjmp returns 0 (the
 * protected code runs) and longjmp aborts, so an error that would unwind
 * ends the program (exit code 134 natively and under edgeplug alike). The
 * scripts run here raise no errors. Lua needs it only to compile (ldo.c
 * includes it; lua-nothrow.h keeps Lua from calling it). */
#ifndef PROGRAMS_SETJMP_H
#define PROGRAMS_SETJMP_H
#include <stdlib.h>
typedef int jmp_buf[1];
#define setjmp(b) ((void)(b), 0)
#define longjmp(b, v) ((void)(b), (void)(v), abort())
#endif
