/* Empty: wasi-libc has no setjmp.h, and Lua built with lua-nothrow.h needs
 * none (ldo.c includes it unconditionally). */
