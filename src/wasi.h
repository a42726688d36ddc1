/*
 * wasi.h - the wasi_snapshot_preview1 ABI as numbers: errno values, rights
 * bits, flags and the byte layout of every record the calls read or write.
 * Owns nothing else; wasi.c implements the calls on top of these and the
 * public include/edgeplug_wasi.h. Values follow the witx description of
 * preview 1 (WebAssembly/WASI, legacy/preview1/docs.md); where preview 0
 * (wasi_unstable, phases/old/snapshot_0/witx/typenames.witx) differs, a
 * comment marked "preview 0" says how. Also declares ep_linker_only and
 * EP_WASI_UNINTERRUPTED, what the CLI uses that is not public.
 */
#ifndef EP_WASI_ABI_H
#define EP_WASI_ABI_H

#include <stdint.h>

#include "edgeplug.h"

/* errno: the order of the witx variant, so each value is its index. */
enum {
	WE_SUCCESS = 0, WE_2BIG = 1, WE_ACCES = 2, WE_ADDRINUSE = 3, WE_ADDRNOTAVAIL = 4,
	WE_AFNOSUPPORT = 5, WE_AGAIN = 6, WE_ALREADY = 7, WE_BADF = 8, WE_BADMSG = 9,
	WE_BUSY = 10, WE_CANCELED = 11, WE_CHILD = 12, WE_CONNABORTED = 13,
	WE_CONNREFUSED = 14, WE_CONNRESET = 15, WE_DEADLK = 16, WE_DESTADDRREQ = 17,
	WE_DOM = 18, WE_DQUOT = 19, WE_EXIST = 20, WE_FAULT = 21, WE_FBIG = 22,
	WE_HOSTUNREACH = 23, WE_IDRM = 24, WE_ILSEQ = 25, WE_INPROGRESS = 26,
	WE_INTR = 27, WE_INVAL = 28, WE_IO = 29, WE_ISCONN = 30, WE_ISDIR = 31,
	WE_LOOP = 32, WE_MFILE = 33, WE_MLINK = 34, WE_MSGSIZE = 35, WE_MULTIHOP = 36,
	WE_NAMETOOLONG = 37, WE_NETDOWN = 38, WE_NETRESET = 39, WE_NETUNREACH = 40,
	WE_NFILE = 41, WE_NOBUFS = 42, WE_NODEV = 43, WE_NOENT = 44, WE_NOEXEC = 45,
	WE_NOLCK = 46, WE_NOLINK = 47, WE_NOMEM = 48, WE_NOMSG = 49,
	WE_NOPROTOOPT = 50, WE_NOSPC = 51, WE_NOSYS = 52, WE_NOTCONN = 53,
	WE_NOTDIR = 54, WE_NOTEMPTY = 55, WE_NOTRECOVERABLE = 56, WE_NOTSOCK = 57,
	WE_NOTSUP = 58, WE_NOTTY = 59, WE_NXIO = 60, WE_OVERFLOW = 61,
	WE_OWNERDEAD = 62, WE_PERM = 63, WE_PIPE = 64, WE_PROTO = 65,
	WE_PROTONOSUPPORT = 66, WE_PROTOTYPE = 67, WE_RANGE = 68, WE_ROFS = 69,
	WE_SPIPE = 70, WE_SRCH = 71, WE_STALE = 72, WE_TIMEDOUT = 73, WE_TXTBSY = 74,
	WE_XDEV = 75, WE_NOTCAPABLE = 76
};

/* rights: bit numbers from witx. */
#define WR(bit) ((uint64_t)1 << (bit))
#define WR_FD_DATASYNC             WR(0)
#define WR_FD_READ                 WR(1)
#define WR_FD_SEEK                 WR(2)
#define WR_FD_FDSTAT_SET_FLAGS     WR(3)
#define WR_FD_SYNC                 WR(4)
#define WR_FD_TELL                 WR(5)
#define WR_FD_WRITE                WR(6)
#define WR_FD_ADVISE               WR(7)
#define WR_FD_ALLOCATE             WR(8)
#define WR_PATH_CREATE_DIRECTORY   WR(9)
#define WR_PATH_CREATE_FILE        WR(10)
#define WR_PATH_LINK_SOURCE        WR(11)
#define WR_PATH_LINK_TARGET        WR(12)
#define WR_PATH_OPEN               WR(13)
#define WR_FD_READDIR              WR(14)
#define WR_PATH_READLINK           WR(15)
#define WR_PATH_RENAME_SOURCE      WR(16)
#define WR_PATH_RENAME_TARGET      WR(17)
#define WR_PATH_FILESTAT_GET       WR(18)
#define WR_PATH_FILESTAT_SET_SIZE  WR(19)
#define WR_PATH_FILESTAT_SET_TIMES WR(20)
#define WR_FD_FILESTAT_GET         WR(21)
#define WR_FD_FILESTAT_SET_SIZE    WR(22)
#define WR_FD_FILESTAT_SET_TIMES   WR(23)
#define WR_PATH_SYMLINK            WR(24)
#define WR_PATH_REMOVE_DIRECTORY   WR(25)
#define WR_PATH_UNLINK_FILE        WR(26)
#define WR_POLL_FD_READWRITE       WR(27)
#define WR_SOCK_SHUTDOWN           WR(28)
#define WR_SOCK_ACCEPT             WR(29)
#define WR_ALL                     (WR(30) - 1)   /* preview 0 stops at bit 28 */

/* filetype */
enum {
	WF_UNKNOWN = 0, WF_BLOCK_DEVICE = 1, WF_CHARACTER_DEVICE = 2, WF_DIRECTORY = 3,
	WF_REGULAR_FILE = 4, WF_SOCKET_DGRAM = 5, WF_SOCKET_STREAM = 6,
	WF_SYMBOLIC_LINK = 7
};

/* clockid */
enum { WC_REALTIME = 0, WC_MONOTONIC = 1, WC_PROCESS_CPUTIME = 2, WC_THREAD_CPUTIME = 3 };

/* whence; preview 0 numbers it otherwise */
enum { WW_SET = 0, WW_CUR = 1, WW_END = 2 };
enum { WW0_CUR = 0, WW0_END = 1, WW0_SET = 2 };

/* fdflags (u16) */
#define WFD_APPEND   0x01u
#define WFD_DSYNC    0x02u
#define WFD_NONBLOCK 0x04u
#define WFD_RSYNC    0x08u
#define WFD_SYNC     0x10u
#define WFD_ALL      0x1fu

/* oflags (u16) */
#define WO_CREAT     0x01u
#define WO_DIRECTORY 0x02u
#define WO_EXCL      0x04u
#define WO_TRUNC     0x08u
#define WO_ALL       0x0fu

/* lookupflags (u32) */
#define WL_SYMLINK_FOLLOW 0x01u

/* fstflags (u16) */
#define WT_ATIM     0x01u
#define WT_ATIM_NOW 0x02u
#define WT_MTIM     0x04u
#define WT_MTIM_NOW 0x08u

/* eventtype, eventrwflags, subclockflags */
enum { WV_CLOCK = 0, WV_FD_READ = 1, WV_FD_WRITE = 2 };
#define WV_HANGUP 0x01u
#define WV_ABSTIME 0x01u

/* advice: normal .. noreuse */
#define WA_MAX 5u

/* preopentype */
enum { WP_DIR = 0 };

/* Record layouts: size, then field offsets. All little-endian. */
enum {
	IOVEC_SIZE = 8,                        /* buf u32 @0, buf_len u32 @4 */
	FDSTAT_SIZE = 24,                      /* filetype u8 @0, flags u16 @2, base u64 @8, inheriting u64 @16 */
	FILESTAT_SIZE = 64,                    /* dev @0, ino @8, filetype u8 @16, nlink @24, size @32, atim @40, mtim @48, ctim @56 */
	DIRENT_SIZE = 24,                      /* d_next @0, d_ino @8, d_namlen u32 @16, d_type u8 @20 */
	PRESTAT_SIZE = 8,                      /* tag u8 @0, pr_name_len u32 @4 */
	SUBSCRIPTION_SIZE = 48,                /* userdata @0, tag u8 @8, then the variant at @16 */
	SUB_CLOCK_ID = 16, SUB_CLOCK_TIMEOUT = 24, SUB_CLOCK_PRECISION = 32, SUB_CLOCK_FLAGS = 40,
	SUB_FD = 16,
	EVENT_SIZE = 32,                       /* userdata @0, error u16 @8, type u8 @10, nbytes u64 @16, flags u16 @24 */
	EVENT_ERROR = 8, EVENT_TYPE = 10, EVENT_NBYTES = 16, EVENT_FLAGS = 24,
	/* Preview 0: nlink is a u32 @20, so size @24 .. ctim @48 sit P0_SHIFT
	 * bytes earlier; a clock subscription starts with an identifier u64
	 * @16, so clock_id @24 .. flags @48 sit P0_SHIFT bytes later and a
	 * subscription is 56 bytes. Dirent, fdstat, prestat and event are as
	 * in preview 1. */
	FILESTAT0_SIZE = 56, P0_SHIFT = 8
};

/* For the CLI's linker of one module (linker.c): later host function
 * definitions of names m does not import are skipped, as no lookup would
 * ever read them. ep_wasi_define then costs a few definitions, not ~90. */
void ep_linker_only(ep_linker *l, const ep_module *m);

/* A capability bit for ep_wasi_new that the CLI passes when no deadline
 * can interrupt the run: the context keeps no interrupt pipe (a pipe2 and
 * two closes, ~14 us of a 0.5 ms run), so ep_wasi_interrupt still stops
 * running code and the next blocking call, but cannot wake one already
 * blocked. */
#define EP_WASI_UNINTERRUPTED 0x80000000u

#endif
