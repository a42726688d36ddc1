#!/bin/sh
# tests/wasi/run.sh - WASI preview 1 and 0 and `edgeplug run FILE.wasm`: every call,
# every exit path, every way out of a preopened directory we could think of,
# read-only directories, stdio byte for byte, arguments and environment, bad
# command lines, and a real program checked against its native build. Run by
# `make wasi-test` with B (the build directory) and QEMU (a prefix that runs
# the binary; may be empty).
#
# First builds the plugins on the host: the C programs beside this script
# with $WASI_CC (default clang --target=wasm32-wasi) and the .wat fixtures
# with wat2wasm, into $WASM_DIR/wasi/ (WASM_DIR defaults to $B), which every
# build shares: wasm is the same for every board. Each file is written under
# a temporary name and renamed into place. lz77.c is also built natively with
# $HOSTCC (default cc). A build's own outputs and scratch directories go to
# $B/wasi/. Path resolution is tested both ways: the default (openat2 where
# the kernel has it) and EDGEPLUG_WASI_RESOLVE=walk.
# The last line is always "N passed, M failed"; exits 1 if M > 0.
set -u

HERE=$(dirname "$0")
# shellcheck source=tests/lib.sh
. "$HERE/../lib.sh"
W=${WASM_DIR:-$B}/wasi      # plugins, shared
R=$B/wasi                   # this build's outputs
EXAMPLES=$HERE/../../examples
WASI_CC=${WASI_CC:-sh tests/wasm-cc --target=wasm32-wasi}
HOSTCC=${HOSTCC:-cc}
# Per-case settings besides IN and OUT (tests/lib.sh), back to these
# defaults after every case:
TENV=           # NAME=VALUE words for edgeplug's environment
RESOLVE=auto    # EDGEPLUG_WASI_RESOLVE: auto, or walk for the fallback

mkdir -p "$W" "$R"
R=$(cd "$R" && pwd)   # absolute: plugins get host paths in arguments

# How t (tests/lib.sh) runs edgeplug here: $TENV in its environment and
# $RESOLVE the resolver, both back to their defaults after every case.
run_case() {
	# shellcheck disable=SC2086
	env $TENV EDGEPLUG_WASI_RESOLVE=$RESOLVE $QEMU "$EP" "$@"
	case_rc=$?
	TENV='' RESOLVE=auto
	return "$case_rc"
}

# ---- plugins ----
for c in "$HERE"/*.c "$EXAMPLES"/wc.c; do
	n=$(basename "$c" .c)
	# Rebuilt only when older than its source or the shared header.
	if [ "$W/$n.wasm" -nt "$c" ] && [ "$W/$n.wasm" -nt "$HERE/check.h" ]; then
		continue
	fi
	# shellcheck disable=SC2086
	build "$c" "$W/$n.wasm" $WASI_CC -O2 -Wall -Wextra -Wno-unused-result -I"$HERE" "$c"
done
for w in "$HERE"/*.wat; do
	n=$(basename "$w" .wat)
	case $n in
	trap-named) flags=--debug-names ;;
	*) flags= ;;
	esac
	build "$w" "$W/$n.wasm" wat2wasm $flags "$w"
done
if ! $HOSTCC -O2 -o "$R/lz77-native" "$HERE/lz77.c" >"$R/build.log" 2>&1; then
	build_failed "$HERE/lz77.c (native)"
fi
built_or_stop

# Scratch: one tree per run, made from nothing.
S=$R/scratch
chmod -R u+w "$S" 2>/dev/null
rm -rf "$S"
mkdir -p "$S"
printf 'not a directory\n' >"$S/file.txt"
USAGE='usage: edgeplug run \[OPTION...\] FILE.wasm \[ARG...\]'

# ---- command line ----
t help-run          0 "+^  --dir HOST\[::GUEST\]    grant a directory; --dir-ro: read-only$" "" help run
t help-run-exit     0 "+^exit status: the program.s own \(0-255\), or$" "" run --help
t run-no-file       64 "" "+^edgeplug: run: missing FILE.wasm or PLUGIN.ini$" run
t run-usage         64 "" "+^$USAGE$" run
t run-dir-bare      64 "" "+^edgeplug: run: --dir needs HOST\[::GUEST\]$" run --dir
t run-dir-ro-bare   64 "" "+^edgeplug: run: --dir-ro needs HOST\[::GUEST\]$" run --dir-ro
t run-dir-empty     64 "" '+^edgeplug: run: --dir "": no host directory$' run --dir "" "$W/args.wasm"
t run-dir-no-host   64 "" '+^edgeplug: run: --dir "::g": no host directory$' run --dir ::g "$W/args.wasm"
t run-dir-no-guest  64 "" "+^edgeplug: run: --dir-ro \"$S::\": empty guest name$" run --dir-ro "$S::" "$W/args.wasm"
t run-dir-twice     64 "" '+^edgeplug: run: --dir-ro "/tmp::g": guest name "g" given twice$' \
	run --dir "$S::g" --dir-ro /tmp::g "$W/args.wasm"
t run-dir-missing   66 "" "edgeplug: cannot open directory $S/nope: No such file or directory" \
	run --dir "$S/nope" "$W/args.wasm"
t run-dir-file      66 "" "edgeplug: cannot open directory $S/file.txt: Not a directory" \
	run --dir-ro "$S/file.txt::x" "$W/args.wasm"
t run-env-bare      64 "" "+^edgeplug: run: --env needs NAME=VALUE or NAME$" run --env
t run-env-empty     64 "" '+^edgeplug: run: --env "": empty variable name$' run --env "" "$W/args.wasm"
t run-env-no-name   64 "" '+^edgeplug: run: --env "=v": empty variable name$' run --env==v "$W/args.wasm"
t run-env-no-name2  64 "" '+^edgeplug: run: --env "=v": empty variable name$' run --env =v "$W/args.wasm"
t run-bad-option    64 "" '+^edgeplug: run: unknown option "--dirs"$' run --dirs x "$W/args.wasm"
t run-invoke-bare   64 "" "+^edgeplug: run: --invoke needs a NAME$" run --invoke
rm -f "$R/missing.wasm"
t run-missing       66 "" "edgeplug: $R/missing.wasm: cannot read: No such file or directory" run "$R/missing.wasm"
head -c 40 "$W/args.wasm" >"$R/cut.wasm"
t run-malformed     65 "" "~^edgeplug: $R/cut.wasm: malformed: .* at offset 0x[0-9a-f]+$" run "$R/cut.wasm"
t run-no-start      64 "" "edgeplug: $W/reactor.wasm: no exported function _start (not a WASI command; --invoke NAME calls a function)" \
	run "$W/reactor.wasm"
t run-start-sig     64 "" "edgeplug: $W/start-sig.wasm: _start must take and return nothing" run "$W/start-sig.wasm"
t run-bad-signature 69 "" "edgeplug: $W/badsig.wasm: incompatible import type wasi_snapshot_preview1.fd_write: function signature differs: expected [i32] -> [i32], got [i32 i32 i32 i32] -> [i32]" \
	run "$W/badsig.wasm"
t run-unknown-wasi  69 "" "edgeplug: $W/unknown.wasm: unknown import wasi_snapshot_preview1.fd_frobnicate" \
	run "$W/unknown.wasm"
t invoke-unknown    69 "" "edgeplug: $W/unknown.wasm: unknown import wasi_snapshot_preview1.fd_frobnicate" \
	run --invoke _start "$W/unknown.wasm"

# ---- exit paths ----
t exit-return-0     0 "done" ""                   run "$W/exit.wasm"
t exit-return-3     3 "" ""                       run "$W/exit.wasm" return 3
t exit-return-255   255 "" ""                     run "$W/exit.wasm" return 255
t exit-exit-42      42 "exiting 42" ""            run "$W/exit.wasm" exit 42
t exit-exit-0       0 "exiting 0" ""              run "$W/exit.wasm" exit 0
t exit-no-libc      0 "" ""                       run "$W/return.wasm"
t exit-256          255 "" ""                     run "$W/exit-big.wasm"
t exit-minus-1      255 "" ""                     run --invoke minus1 "$W/exit-big.wasm"
t exit-invoke       7 "" ""                       run --invoke seven "$W/exit-big.wasm"
t exit-in-start     9 "" ""                       run "$W/start-exit.wasm"
t exit-in-start-inv 9 "" ""                       run --invoke _start "$W/start-exit.wasm"
t trap-unreachable  134 "" "~^edgeplug: trap: unreachable in function [0-9]+ \(trap_here\)$" run "$W/exit.wasm" trap
t trap-abort        134 "" "~^edgeplug: trap: unreachable in function [0-9]+ \(abort\)$" run "$W/exit.wasm" abort
t trap-div-zero     134 "" "~^edgeplug: trap: integer divide by zero in function [0-9]+ \(divide\)$" run "$W/exit.wasm" div0
t trap-oob          134 "" "~^edgeplug: trap: out of bounds memory access in function [0-9]+ \(load_far\)$" run "$W/exit.wasm" oob
t trap-stack        134 "" "~^edgeplug: trap: call stack exhausted in function [0-9]+ \(recurse\)$" run "$W/exit.wasm" stack
t trap-named        134 "" "edgeplug: trap: unreachable in function 1 (boom)" run "$W/trap-named.wasm"
t trap-no-names     134 "" "edgeplug: trap: unreachable in function 1" run "$W/trap-noname.wasm"

# ---- --invoke with WASI ----
t reactor-init      0 "i32:42" ""                 run --invoke get "$W/reactor.wasm"
t reactor-wasi      0 "hello from a reactor
i32:0" ""                                         run --invoke hello "$W/reactor.wasm"

# ---- arguments and environment ----
t args-edge 0 "argc 9
argv[0]=args.wasm
argv[1]=one
argv[2]=
argv[3]=two words
argv[4]=héllo wörld
argv[5]=日本語
argv[6]=--dir
argv[7]=a\\nb
argv[8]=
envc 4
env=A=1
env=B=
env=C=x=y
env=D=ünï" "" \
	run --env A=1 --env B= --env C=x=y --env=D=ünï "$W/args.wasm" one "" "two words" \
	"héllo wörld" "日本語" --dir "a
b" ""
t args-dashdash     0 "+^argv\[1\]=--env$" ""     run -- "$W/args.wasm" --env x
t args-basename     0 "+^argv\[0\]=args.wasm$" "" run "$W/args.wasm"
seq 1 3000 >"$R/many.txt"
# shellcheck disable=SC2046
t args-many         0 "+^argv\[3000\]=3000$" ""   run "$W/args.wasm" $(cat "$R/many.txt")
expect args-many-count grep -q "^argc 3001$" "$R/out"
TENV=EDGEPLUG_T1=forwarded
t env-forward 0 "+^env=EDGEPLUG_T1=forwarded$" "" run --env EDGEPLUG_T1 "$W/args.wasm"
expect env-forward-only grep -q "^envc 1$" "$R/out"
unset EDGEPLUG_T2
t env-unset         0 "+^envc 0$" ""              run --env EDGEPLUG_T2 "$W/args.wasm"
t env-last-wins     0 "+^env=A=2$" ""             run --env A=1 --env A=2 "$W/args.wasm"
expect env-last-wins-once grep -q "^envc 1$" "$R/out"
TENV="HOME=/root PATH=/usr/bin:/bin"
t deny 0 "+^deny: [0-9]+ ok, 0 failed$" "" run "$W/deny.wasm"

# ---- every call ----
for mode in auto walk; do
	rm -rf "$S/calls" "$S/ro"
	mkdir -p "$S/calls" "$S/ro/sub"
	printf 'read only\n' >"$S/ro/data.txt"
	RESOLVE=$mode
	t "calls-$mode" 0 "+^calls: [0-9]+ ok, 0 failed$" "" \
		run --env K=v --dir "$S/calls::scratch" --dir-ro "$S/ro::ro" "$W/calls.wasm" one two
	grep '^FAIL' "$R/out"
done
expect ro-untouched test "$(cat "$S/ro/data.txt")" = "read only"
expect ro-nothing-new test "$(ls "$S/ro" | tr '\n' ' ')" = "data.txt sub "

OUT=$R/efault.out
t efault            0 "hi" "" run --dir "$S::box" "$W/efault.wasm"
t rights            0 "" ""                       run --dir-ro "$S/ro::ro" "$W/rights.wasm"
t no-memory         21 "" ""                      run "$W/nomem.wasm"

# ---- escape routes ----
# box/ is what the plugin gets; outside/ beside it must stay as it is.
E=$S/escape
rm -rf "$E"
mkdir -p "$E/outside/dir" "$E/box/sub"
echo SECRET >"$E/outside/secret.txt"
echo inside >"$E/box/file.txt"
echo inner >"$E/box/sub/inner.txt"
ln -s ../outside/secret.txt "$E/box/link-out"         # direct
ln -s "$E/outside/secret.txt" "$E/box/link-abs"       # absolute
ln -s ../outside "$E/box/link-dir-out"                # as an intermediate component
ln -s chain2 "$E/box/chain1"                          # chained
ln -s ../outside/secret.txt "$E/box/chain2"
ln -s sub/chain-in2 "$E/box/chain-in1"                # chained through a subdirectory
ln -s ../../outside/secret.txt "$E/box/sub/chain-in2"
ln -s .. "$E/box/up"
ln -s ../../outside "$E/box/sub/deep-up"
ln -s ../outside/created.txt "$E/box/dangle"          # dangling, for creates
ln -s loop2 "$E/box/loop1"
ln -s loop1 "$E/box/loop2"
ln -s sub/inner.txt "$E/box/link-in"                  # inside: fine
ln -s ../file.txt "$E/box/sub/link-up"
ln -s . "$E/box/self"
ln -s sub "$E/box/link-dir-in"
# What outside/ holds, and anything in it changed since the stamp.
snapshot() {
	(cd "$E/outside" && find . -print | sort && cksum secret.txt &&
	 find . -newer "$R/stamp" -print)
}
touch "$R/stamp"
sleep 1   # whole-second timestamps: what changes after this is newer
snapshot >"$R/outside.before"
for mode in auto walk; do
	RESOLVE=$mode
	t "escape-$mode" 0 "+^escape: [0-9]+ ok, 0 failed$" "" \
		run --dir "$E/box::box" "$W/escape.wasm" "$E/outside/secret.txt"
	grep -E '^FAIL|^  read' "$R/out"
	snapshot >"$R/outside.after"
	expect "escape-$mode-outside-untouched" cmp -s "$R/outside.before" "$R/outside.after"
done
expect escape-no-stray-files test ! -e /tmp/edgeplug-newlink -a ! -e "$E/box/hard.txt" \
	-a ! -e "$E/box/stolen.txt" -a ! -e "$E/box/newlink"

# A race: swap/ keeps turning into a link to outside/ and back while the
# plugin opens swap/secret.txt. It must only ever read the inside file.
mkdir -p "$E/box/swap"
echo inside >"$E/box/swap/secret.txt"
for mode in auto walk; do
	: >"$R/race.run"
	(
		cd "$E/box" || exit 1
		while [ -f "$R/race.run" ]; do
			mv swap hold && ln -s ../outside swap && rm swap && mv hold swap
		done
	) &
	flipper=$!
	RESOLVE=$mode
	t "race-$mode" 0 "~^race: .* 0 escaped$" "" \
		run --dir "$E/box::box" "$W/race.wasm" 1500
	rm -f "$R/race.run"
	wait "$flipper"
	cat "$R/out"
done

# ---- stdin and stdout ----
# All 256 byte values, then a few MiB of noise.
awk 'BEGIN { for (i = 0; i < 256; i++) printf "%c", i }' >"$R/bytes.bin" 2>/dev/null
if [ "$(wc -c <"$R/bytes.bin")" -ne 256 ]; then
	# Some awks cannot print NUL: fall back to printf escapes.
	i=0
	: >"$R/bytes.bin"
	while [ $i -lt 256 ]; do
		printf "\\$(printf %03o $i)" >>"$R/bytes.bin"
		i=$((i + 1))
	done
fi
cp "$R/bytes.bin" "$R/in.bin"
head -c 3000000 /dev/urandom >>"$R/in.bin"
size=$(wc -c <"$R/in.bin")
IN=$R/in.bin
OUT=$R/cat.out
t cat-file 0 '*' "$size bytes" run "$W/cat.wasm"
expect cat-file-same cmp -s "$R/in.bin" "$R/cat.out"
IN=$R/in.bin
OUT=$R/cat.out
t cat-stdio 0 '*' "$size bytes" run "$W/cat.wasm" 65536 stdio
expect cat-stdio-same cmp -s "$R/in.bin" "$R/cat.out"
IN=$R/bytes.bin
OUT=$R/cat.out
t cat-bytewise 0 "@$R/bytes.bin" "256 bytes" run "$W/cat.wasm" 1
cat "$R/in.bin" | $QEMU "$EP" run "$W/cat.wasm" 4096 2>"$R/err" | cat >"$R/cat.out"
expect cat-pipes cmp -s "$R/in.bin" "$R/cat.out"
expect cat-pipes-count grep -qx "$size bytes" "$R/err"
t cat-empty 0 "" "0 bytes" run "$W/cat.wasm"
# Closed stdio reads and writes as /dev/null: the plugin's files never take
# descriptors 0-2 (or edgeplug's messages would land in them).
$QEMU "$EP" run "$W/cat.wasm" <&- 2>"$R/err"
expect closed-stdin grep -qx "0 bytes" "$R/err"
$QEMU "$EP" run "$W/exit.wasm" >&- 2>"$R/err"
expect closed-stdout test "$?" = 0 -a ! -s "$R/err"

OUT=$R/big.out
t bigwrite-file 0 '*' "4194304 bytes in 1 call" run "$W/bigwrite.wasm" 4
expect bigwrite-file-size test "$(wc -c <"$R/big.out")" -eq 4194304
$QEMU "$EP" run "$W/bigwrite.wasm" 4 2>"$R/err" | cat >"$R/big-pipe.out"
expect bigwrite-pipe cmp -s "$R/big.out" "$R/big-pipe.out"
expect bigwrite-pipe-one-call grep -qx "4194304 bytes in 1 call" "$R/err"
t bigwrite-stderr 0 "4194304 bytes in 1 call" '*' run "$W/bigwrite.wasm" 4 2
expect bigwrite-stderr-same cmp -s "$R/big.out" "$R/err"
if [ -w /dev/full ]; then
	OUT=/dev/full
	t write-full 1 '*' "fd_write: errno 51" run "$W/bigwrite.wasm" 1
fi
# A reader that goes away: the plugin sees EPIPE (64), edgeplug lives on.
{ $QEMU "$EP" run "$W/bigwrite.wasm" 4 2>"$R/err"; echo $? >"$R/rc"; } | head -c 10 >/dev/null
expect write-epipe-status test "$(cat "$R/rc")" = 1
expect write-epipe-errno grep -qx "fd_write: errno 64" "$R/err"

# poll_oneoff on stdin, with the data late, early or never.
printf 'abc' | $QEMU "$EP" run "$W/pollin.wasm" 5000 >"$R/out" 2>&1
expect poll-ready check "$R/out" "ready
3 bytes"
(sleep 1; printf 'xyz') | $QEMU "$EP" run "$W/pollin.wasm" 20000 >"$R/out" 2>&1
expect poll-late check "$R/out" "ready
3 bytes"
(sleep 2) | $QEMU "$EP" run "$W/pollin.wasm" 200 >"$R/out" 2>&1
expect poll-timeout check "$R/out" "timeout"
(sleep 2; printf 'xyz') | $QEMU "$EP" run "$W/pollin.wasm" 20000 nonblock >"$R/out" 2>&1
expect poll-nonblock check "$R/out" "again
ready
3 bytes"
t poll-eof 0 "ready
0 bytes" "" run "$W/pollin.wasm" 5000

# ---- preview 0 (wasi_unstable) ----
# What differs from preview 1, call by call, from modules that also import
# preview 1 beside it, and the calls both share.
t unstable-smoke    21 "one
K=v" ""                                         run --env K=v "$W/unstable-smoke.wasm" one
t unstable-unknown  69 "" "edgeplug: $W/unstable-unknown.wasm: unknown import wasi_unstable.sock_accept" \
	run "$W/unstable-unknown.wasm"
t unstable-badsig   69 "" "edgeplug: $W/unstable-badsig.wasm: incompatible import type wasi_unstable.fd_seek: function signature differs: expected [i32 i64 i64 i32] -> [i32], got [i32 i64 i32 i32] -> [i32]" \
	run "$W/unstable-badsig.wasm"
printf 0123456789 >"$R/digits"
IN=$R/digits
t unstable-seek     0 "8" ""                    run "$W/unstable-seek.wasm"
IN=$R/digits
OUT=$R/poll.out
t unstable-poll     0 "" ""                     run "$W/unstable-poll.wasm"
U=$S/unstable
rm -rf "$U"
mkdir -p "$U/stat" "$U/dir/de"
head -c 1234 "$R/in.bin" >"$U/stat/f.txt"
ln "$U/stat/f.txt" "$U/stat/g.txt"
echo x >"$U/dir/abc"
t unstable-readdir  0 "" ""                     run --dir-ro "$U/dir::d" "$W/unstable-readdir.wasm"
# The filestat records the module printed, field by field, against
# stat(1): preview 0's two (56 bytes, then 0xaa where preview 1 would go
# on), then preview 1's (64 bytes) from the same module. od reads fields
# in the host's byte order, little-endian like wasm's on every host we
# test on.
OUT=$R/filestat.out
t unstable-filestat 0 '*' ""                    run --dir-ro "$U/stat::d" "$W/unstable-filestat.wasm"
le() { od -An -tu"$2" -j"$(($1))" -N"$2" "$R/filestat.out" | tr -d ' '; }
raw() { od -An -tx1 -j"$(($1))" -N"$2" "$R/filestat.out" | tr -d ' \n'; }
p0_stat() {
	echo "$(le "$1" 8) $(le "$1+8" 8) $(le "$1+16" 1) $(raw "$1+17" 3) $(le "$1+20" 4)" \
		"$(le "$1+24" 8) $(le "$1+32" 8) $(le "$1+40" 8) $(le "$1+48" 8) $(raw "$1+56" 8)"
}
want=$(stat -c '%d %i 4 000000 %h %s %.9X %.9Y %.9Z aaaaaaaaaaaaaaaa' "$U/stat/f.txt" | tr -d .)
expect unstable-fd-filestat test "$(p0_stat 0)" = "$want"
expect unstable-path-filestat test "$(p0_stat 64)" = "$want"
want=$(stat -c '%d %i 4 00000000000000 %h %s %.9X %.9Y %.9Z aaaaaaaaaaaaaaaa' "$U/stat/f.txt" | tr -d .)
p1=$(echo "$(le 128 8) $(le 136 8) $(le 144 1) $(raw 145 7) $(le 152 8)" \
	"$(le 160 8) $(le 168 8) $(le 176 8) $(le 184 8) $(raw 192 8)")
expect unstable-p1-filestat test "$p1" = "$want"

# ---- a real program: the same output as its native build ----
L=$S/lz
rm -rf "$L"
mkdir -p "$L"
cp "$HERE/../../README.md" "$L/readme.md"
cp "$HERE/lz77.c" "$L/lz77.c"
head -c 65536 "$R/in.bin" >"$L/noise.bin"
yes 'edgeplug edgeplug edge' | head -c 100000 >"$L/repeat.txt"
: >"$L/empty"
(cd "$L" && "$R/lz77-native" stat readme.md lz77.c noise.bin repeat.txt empty) >"$R/lz-native.txt"
t lz77-stat 0 "@$R/lz-native.txt" "" run --dir-ro "$L::." "$W/lz77.wasm" stat readme.md lz77.c \
	noise.bin repeat.txt empty
expect lz77-stat-round-trips test "$(grep -c 'round trip ok' "$R/lz-native.txt")" -eq 5
for f in lz77.c noise.bin repeat.txt; do
	"$R/lz77-native" c <"$L/$f" >"$R/lz-native.z"
	IN=$L/$f
	OUT=$R/lz-wasm.z
	t "lz77-compress-$f" 0 '*' "" run "$W/lz77.wasm" c
	expect "lz77-compress-$f-same" cmp -s "$R/lz-native.z" "$R/lz-wasm.z"
	IN=$R/lz-native.z
	OUT=$R/lz.out
	t "lz77-decompress-$f" 0 "@$L/$f" "" run "$W/lz77.wasm" d
done
IN=$L/lz77.c
t lz77-bad-stream 65 "" "lz77: not a valid stream" run "$W/lz77.wasm" d

# ---- the demo plugin ----
t demo-wc 0 "+^ +15 +[0-9]+ +718 data/edge.txt$" "" \
	run --dir-ro "$EXAMPLES/data::data" "$W/wc.wasm" data/edge.txt data/small-boards.txt
expect demo-wc-total grep -Eq '^ +19 +[0-9]+ +948 total$' "$R/out"
t demo-wc-denied 1 '*' "wc.wasm: /etc/passwd: Capabilities insufficient" \
	run --dir-ro "$EXAMPLES/data::data" "$W/wc.wasm" /etc/passwd

# A FIFO without a writer: opening it must not hang the plugin (it reads
# end of file); timeout(1) turns a hang into a failure.
mkdir -p "$S/fifo"
rm -f "$S/fifo/f"
if mkfifo "$S/fifo/f" 2>/dev/null; then
	timeout 60 $QEMU "$EP" run --dir-ro "$S/fifo::data" "$W/wc.wasm" data/f >"$R/out" 2>&1
	expect fifo-no-writer grep -Eq '^ +0 +0 +0 data/f$' "$R/out"
fi

chmod -R u+w "$S" 2>/dev/null
summary
