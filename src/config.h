/*
 * config.h - every compile-time knob of the engine, with the reason for its
 * default. Boards override these with -D flags; nothing else should.
 * Knobs are fixed when the library is built, so this header is not
 * installed: an embedder's -D cannot change a libedgeplug.a already built
 * (docs/firmware.md rebuilds the library instead).
 */
#ifndef EP_CONFIG_H
#define EP_CONFIG_H

/* Nested wasm calls allowed before "call stack exhausted". Each call uses a
 * frame record (a few words) in the store, never host C stack, so this can be
 * large; 10000 is deep enough for real recursive code and small enough for a
 * Pi Zero (about 160 KiB of frame records on 32-bit). */
#ifndef EP_DEFAULT_MAX_CALL_DEPTH
#define EP_DEFAULT_MAX_CALL_DEPTH 10000
#endif

/* Value stack in 8-byte slots (params, locals and operands of every active
 * frame). 128 Ki slots = 1 MiB. */
#ifndef EP_DEFAULT_MAX_STACK_SLOTS
#define EP_DEFAULT_MAX_STACK_SLOTS (128u * 1024u)
#endif

/* Linear memory cap in 64 KiB pages, for every memory of a store whose
 * ep_limits leave it 0 (the CLI's --max-memory default). 4096 pages =
 * 256 MiB: half the RAM of the smallest board (a Pi Zero has 512 MiB), so a
 * plugin that grows to the cap and touches every page still leaves the host
 * room, where the spec's 4 GiB would let it wake the kernel's OOM killer on
 * every board. One value for every board keeps memory.grow's answers, and
 * so fuel counts, the same everywhere. Declared or grown memory costs no RAM
 * until touched (alloc.c), so a high cap costs nothing by itself: raise it
 * per store (ep_limits.max_memory_pages, up to 65536) on hosts with RAM to
 * back it. */
#ifndef EP_DEFAULT_MAX_MEMORY_PAGES
#define EP_DEFAULT_MAX_MEMORY_PAGES 4096u
#endif

/* Table size cap: 10 million entries matches what browsers allow. */
#ifndef EP_DEFAULT_MAX_TABLE_ELEMENTS
#define EP_DEFAULT_MAX_TABLE_ELEMENTS 10000000u
#endif

/* Locals per function (params excluded). Engines agree on 50000; a body
 * declaring more is rejected at load instead of allocating without bound. */
#ifndef EP_MAX_LOCALS
#define EP_MAX_LOCALS 50000u
#endif

/* Lowering keeps its working arrays and code buffer in the module from one
 * function to the next, so a program's lazy lowerings stop growing them
 * afresh; after a body longer than this (bytes) it frees them instead, so
 * what a module keeps is bounded by what a body this long needs (38 KB
 * for sqlite3 at 4096, where never freeing kept 447 KB; most functions
 * are far shorter). 0: free them after every function. */
#ifndef EP_LOWER_KEEP
#define EP_LOWER_KEEP 4096u
#endif

/* Fuel metering in the loop. 0 builds an engine without the fuel check (no
 * fuel, no deadline, no interrupts): only for measuring what metering costs
 * (docs/performance.md). Never ship it. */
#ifndef EP_METERING
#define EP_METERING 1
#endif

/* Fuel units the loop may charge between two looks at the store (the real
 * budget and the interrupt flag), and the size of the slices a long bulk
 * instruction works in (10000 units: 640 KB of memory.fill). Bigger is a
 * hair faster; smaller stops an interrupted plugin sooner: 10000 units take
 * well under a millisecond even on a Pi Zero. Fuel counts themselves are
 * exact whatever this is. */
#ifndef EP_FUEL_CHUNK
#define EP_FUEL_CHUNK 10000u
#endif

/* Dispatch: computed goto where the compiler has it (gcc, clang), a switch
 * otherwise. -DEP_SWITCH_DISPATCH=1 forces the switch to test that path. */
/* Internal consistency checks that cost code and time: on in the sanitizer
 * build (make SANITIZE=1), which runs every test with them. */
#ifndef EP_CHECKS
#define EP_CHECKS 0
#endif

#ifndef EP_SWITCH_DISPATCH
#if defined(__GNUC__)
#define EP_SWITCH_DISPATCH 0
#else
#define EP_SWITCH_DISPATCH 1
#endif
#endif

/* ---- What the library holds ----
 * Set from make (`make EP_WITH_WASI=0 EP_WITH_PLUGIN=0 lib`, or `make
 * lib-core`), which leaves the objects out of the archive and passes the
 * same -D here; any 0 builds the library alone, in a directory of its own,
 * without the CLI (which needs both). */

/* 1: the WASI preview 1 layer (wasi.c, include/edgeplug_wasi.h) is in the
 * library. 0 leaves it out, for firmware whose plugins import only the
 * host functions it defines itself: 14-21 KB less per board
 * (size/report-*.txt), and no file, clock or random access the embedder
 * did not write. */
#ifndef EP_WITH_WASI
#define EP_WITH_WASI 1
#endif

/* 1: the plugin layer (manifests, grants, signatures and trust, with
 * libsodium's verifier) is in the library. 0 leaves it out with libsodium:
 * 33-43 KB per board, for firmware that trusts its modules some other way
 * (a signed image, modules in read-only flash). Plugins are WASI programs
 * run with a manifest's grants, so it needs EP_WITH_WASI. */
#ifndef EP_WITH_PLUGIN
#define EP_WITH_PLUGIN 1
#endif
#if EP_WITH_PLUGIN && !EP_WITH_WASI
#error "EP_WITH_PLUGIN needs EP_WITH_WASI: plugins are WASI programs"
#endif

/* No knob leaves floating point out. The float opcodes are a quarter of the
 * instruction set, written once in the interpreter loop and in the
 * validator and lowerer's tables; a switch that rejects them at validation
 * would put feature #if blocks in the hot loop, and every board has an FPU
 * (the Pi Zero's VFPv2), so they cost code bytes only, not soft-float
 * libraries. */

/* ---- WASI (wasi.c) ---- */

/* Descriptors one plugin may hold, stdio and preopens included: a path_open
 * past it is EMFILE. Each is a table entry of a few dozen bytes plus one host
 * descriptor, so this also keeps a plugin from exhausting the process's. */
#ifndef EP_WASI_MAX_FDS
#define EP_WASI_MAX_FDS 1024
#endif

/* Longest guest path and longest symbolic link text, in bytes: Linux's
 * PATH_MAX. A resolution holds about three times this while it runs. */
#ifndef EP_WASI_MAX_PATH
#define EP_WASI_MAX_PATH 4096
#endif

/* Symbolic links one path resolution may expand before ELOOP (Linux's). */
#ifndef EP_WASI_MAX_SYMLINKS
#define EP_WASI_MAX_SYMLINKS 40
#endif

/* 1: use openat2(RESOLVE_BENEATH) for the directories on a path where the
 * kernel has it (5.6+; qemu-user lacks it and gets the walk). 0: build only
 * the per-component walk, which is always there and always tested. */
#ifndef EP_WASI_OPENAT2
#define EP_WASI_OPENAT2 1
#endif

#endif
