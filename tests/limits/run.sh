#!/bin/sh
# tests/limits/run.sh - the budget options of `edgeplug run` (docs/limits.md):
# --fuel, --max-memory, --max-table-elements, --max-call-depth, --max-stack,
# --max-runtime-memory, --timeout and --stats, in both modes (`run
# FILE.wasm` and `run --invoke`), with their exit codes and messages, plus
# bad values for each. Run by `make limits-test` with B (the build
# directory) and QEMU (a prefix that runs the binary; may be empty).
#
# First builds the plugins on the host: the C programs beside this script
# with $WASI_CC (default clang --target=wasm32-wasi), the .wat fixtures with
# wat2wasm, and a few huge-count modules written by awk (200,000 functions,
# 50,000 and 50,001 locals, a 1,000,000-entry element segment), into
# $WASM_DIR/limits/ (WASM_DIR defaults to $B), which every build shares:
# wasm is the same for every board. Each file is written under a temporary
# name and renamed into place. A build's own outputs go to $B/limits/.
#
# Fuel is the same on every board: each count this script measures is
# printed as a line "fuel NAME = N", so runs on two boards can be diffed.
# Deadline cases check only that they end within 20 s (a guard kills
# edgeplug after 60 s); nothing else here depends on timing.
# The last line is always "N passed, M failed"; exits 1 if M > 0.
set -u

HERE=$(dirname "$0")
# shellcheck source=tests/lib.sh
. "$HERE/../lib.sh"
W=${WASM_DIR:-$B}/limits    # plugins and fixtures, shared
R=$B/limits                 # this build's outputs
WASI_CC=${WASI_CC:-sh tests/wasm-cc --target=wasm32-wasi}
# Per-case settings besides IN and OUT (tests/lib.sh), back to these
# defaults after every case:
GUARD=          # a prefix for edgeplug (the deadline cases' timeout(1))
took=0          # seconds the last case took (whole seconds, for the deadline cases)

mkdir -p "$W" "$R"

# How t (tests/lib.sh) runs edgeplug here: behind $GUARD, which is back to
# none after every case; sets took.
run_case() {
	t0=$(date +%s)
	# shellcheck disable=SC2086
	$GUARD $QEMU "$EP" "$@"
	case_rc=$?
	took=$(($(date +%s) - t0))
	GUARD=
	return "$case_rc"
}

# The number after KEY= on the stats line of FILE (empty when there is none).
stat_of() {
	sed -n "s/^stats: \(.* \)\{0,1\}$1=\([0-9][0-9]*\).*/\2/p" "$2" | head -n 1
}

# The number N of a line "WORD N" of FILE (memhog's output).
field() {
	sed -n "s/^$1 \([0-9][0-9]*\)$/\1/p" "$2" | head -n 1
}

# fuel NAME N: prints a measured count for cross-board diffs.
fuel() {
	echo "fuel $1 = ${2:-missing}"
}

# A number: "is_num X" fails for an empty or non-numeric X (a failed parse
# of the stats line must fail the case, not the arithmetic).
is_num() {
	case ${1:-x} in
	*[!0-9]*) return 1 ;;
	esac
}

# ---- plugins ----
for c in "$HERE"/*.c; do
	n=$(basename "$c" .c)
	if [ "$W/$n.wasm" -nt "$c" ]; then
		continue
	fi
	# shellcheck disable=SC2086
	build "$c" "$W/$n.wasm" $WASI_CC -O2 -Wall -Wextra -Wno-unused-result "$c"
done
# With a name section, so traps name their function.
for w in "$HERE"/*.wat; do
	n=$(basename "$w" .wat)
	build "$w" "$W/$n.wasm" wat2wasm --debug-names "$w"
done

# Huge counts, as text for wat2wasm (about a second in all). Each exports
# _start, so with room enough it runs as a WASI command and exits 0.
# gen NAME AWK-PROGRAM: writes $W/NAME.wasm unless it is newer than this
# script.
gen() {
	if [ "$W/$1.wasm" -nt "$0" ]; then
		return
	fi
	if awk "BEGIN { $2 }" >"$R/$1.wat"; then
		build "$1 (generated)" "$W/$1.wasm" wat2wasm "$R/$1.wat"
	else
		build_failed "$1 (generated)"
	fi
	rm -f "$R/$1.wat"
}
# 200,000 empty functions, the first one exported.
gen funcs-200000 'print "(module (func (export \"_start\"))";
	for (i = 1; i < 200000; i++) print "(func)"; print ")"'
# One function with 50,000 or 50,001 i32 locals (the engine's cap is
# 50,000: EP_MAX_LOCALS).
for n in 50000 50001; do
	gen "locals-$n" 'printf "(module (func (export \"_start\") (local";
		for (i = 0; i < '"$n"'; i++) printf " i32"; print ") local.get 0 drop))"'
done
# A table of 1,000,000 entries and an active segment filling all of it.
gen elem-1000000 'printf "(module (table 1000000 funcref) (func (export \"_start\"))";
	printf " (elem (i32.const 0) func"; for (i = 0; i < 1000000; i++) printf " 0"; print "))"'

built_or_stop

# A case that could hang without the fix it tests is killed (exit 137).
DEADLINE_EARLY="timeout -s KILL 60"
STATS='^stats: fuel_used=[0-9]+ peak_memory_bytes=[0-9]+ max_call_depth=[0-9]+ wall_ms=[0-9]+ engine_peak_bytes=[0-9]+$'

# ---- bad values: exit 64, one line naming the option, nothing run ----
# bad_value NAME OPTION VALUE...: each VALUE given to OPTION is refused.
bad_value() {
	bv_name=$1 bv_opt=$2
	shift 2
	for v in "$@"; do
		t "bad-$bv_name-${v:-empty}" 64 "" "+^edgeplug: run: .*${bv_opt}[^-a-z]" \
			run "$bv_opt" "$v" "$W/spin.wasm"
	done
}
bad_value fuel --fuel abc "" -1 1.5 10K 0x10 18446744073709551616 99999999999999999999999
bad_value mem --max-memory abc "" -1M 1X 1.5M 18446744073709551616 17179869184G
bad_value table --max-table-elements abc "" -1 4294967296
bad_value depth --max-call-depth abc "" -5 4294967296
bad_value stack --max-stack abc "" 1Q 18446744073709551616K
bad_value runtime --max-runtime-memory abc "" 1T 99999999999999999999M
bad_value timeout --timeout 0 0ms 0s 0m abc "" 5h -1s 99999999999999999999s 18446744073709551615m
# The --opt=VALUE form, a missing value, and --invoke mode.
t bad-fuel-equals    64 "" "+^edgeplug: run: .*--fuel[^-a-z]" run --fuel=x "$W/spin.wasm"
t bad-timeout-equals 64 "" "+^edgeplug: run: .*--timeout[^-a-z]" run --timeout=0 "$W/spin.wasm"
t bad-fuel-missing   64 "" "+^edgeplug: run: .*--fuel[^-a-z]" run --fuel
t bad-timeout-missing 64 "" "+^edgeplug: run: .*--timeout[^-a-z]" run --timeout
t bad-fuel-invoke    64 "" "+^edgeplug: run: .*--fuel[^-a-z]" run --invoke spin --fuel 1e3 "$W/spin.wasm"

# ---- fuel ----
# spin costs exactly 1 per iteration: the budget is used to the unit.
t fuel-spin          135 "" "edgeplug: fuel exhausted after 1000 units" run --fuel 1000 "$W/spin.wasm"
t fuel-spin-invoke   135 "" "edgeplug: fuel exhausted after 1000 units" \
	run --fuel 1000 --invoke spin "$W/spin.wasm"
t fuel-spin-equals   135 "" "edgeplug: fuel exhausted after 12345 units" run --fuel=12345 "$W/spin.wasm"
t fuel-spin-one      135 "" "edgeplug: fuel exhausted after 1 units" run --fuel 1 "$W/spin.wasm"
# A C loop: blocks cost more than 1, so a few units may be left unpaid.
t fuel-c-spin        135 "" "~^edgeplug: fuel exhausted after [0-9]+ units$" \
	run --fuel 100000 "$W/stall.wasm" spin
n=$(sed -n 's/^edgeplug: fuel exhausted after \([0-9]*\) units$/\1/p' "$R/err")
expect fuel-c-spin-used is_num "$n"
expect fuel-c-spin-nearly-all test "${n:-0}" -le 100000 -a "${n:-0}" -gt 99900

# Exactness: U from an unlimited run is enough, U - 1 is not.
for size in 3000 50; do
	OUT=$R/sortsum-$size.out
	t "fuel-sortsum-$size-free" 0 "~^sorted $size hash 0x[0-9a-f]{8}$" "~$STATS" \
		run --stats "$W/sortsum.wasm" $size
	U=$(stat_of fuel_used "$R/err")
	fuel "sortsum($size)" "$U"
	expect "fuel-sortsum-$size-measured" is_num "$U"
	U=${U:-1}
	is_num "$U" || U=1
	t "fuel-sortsum-$size-exact" 0 "@$R/sortsum-$size.out" "~^stats: fuel_used=$U " \
		run --fuel "$U" --stats "$W/sortsum.wasm" $size
	t "fuel-sortsum-$size-more" 0 "@$R/sortsum-$size.out" "" run --fuel $((U + 1000)) "$W/sortsum.wasm" $size
	# Its output may be out already: stdout is flushed before the last blocks.
	t "fuel-sortsum-$size-short" 135 '*' "~^edgeplug: fuel exhausted after [0-9]+ units$" \
		run --fuel $((U - 1)) "$W/sortsum.wasm" $size
	n=$(sed -n 's/^edgeplug: fuel exhausted after \([0-9]*\) units$/\1/p' "$R/err")
	expect "fuel-sortsum-$size-short-used" test "${n:-$U}" -lt "$U"
	# Determinism: the same count again.
	t "fuel-sortsum-$size-again" 0 "@$R/sortsum-$size.out" "~^stats: fuel_used=$U " \
		run --stats "$W/sortsum.wasm" $size
done
# Hand-counted (depth.wat): rec(n) costs 10n - 5.
t fuel-rec-100       0 "i32:100" "~^stats: fuel_used=995 " run --stats --invoke rec "$W/depth.wasm" 100
fuel "rec(100)" "$(stat_of fuel_used "$R/err")"
t fuel-rec-exact     0 "i32:100" "" run --fuel 995 --invoke rec "$W/depth.wasm" 100
t fuel-rec-short     135 "" "~^edgeplug: fuel exhausted after [0-9]+ units$" \
	run --fuel 994 --invoke rec "$W/depth.wasm" 100
t fuel-start         135 "" "edgeplug: fuel exhausted after 1000 units" run --fuel 1000 "$W/startspin.wasm"
t fuel-start-invoke  135 "" "edgeplug: fuel exhausted after 1000 units" \
	run --fuel 1000 --invoke f "$W/startspin.wasm"
t fuel-zero-empty    0 "" "" run --fuel 0 "$W/bigmem.wasm"
t fuel-zero          135 "" "edgeplug: fuel exhausted after 0 units" run --fuel 0 --invoke rec "$W/depth.wasm" 1
# Bulk instructions pay for their length (fillspin.wat): filling 1 MiB
# again and again costs 5 + 16384 an iteration, so 1,000,000 units run 61
# iterations and the 62nd block, and the fill that does not fit never
# starts. Before bulk charges this took hours.
GUARD=$DEADLINE_EARLY
t fuel-fillspin      135 "" "edgeplug: fuel exhausted after 999734 units" \
	run --fuel 1000000 --invoke spin "$W/fillspin.wasm" 1048576
fuel "fillspin(1 MiB) under 1000000" "$(sed -n 's/^edgeplug: fuel exhausted after \([0-9]*\) units$/\1/p' "$R/err")"
t fuel-fillspin-one  135 "" "edgeplug: fuel exhausted after 5 units" \
	run --fuel 16388 --invoke spin "$W/fillspin.wasm" 1048576
t fuel-fillspin-exact 135 "" "edgeplug: fuel exhausted after 16394 units" \
	run --fuel 16394 --invoke spin "$W/fillspin.wasm" 1048576
# The whole memory at once (16 MiB): 5 + 262144.
t fuel-fillbig       0 "" "~^stats: fuel_used=262149 " \
	run --stats --invoke once "$W/fillspin.wasm" 16777216
fuel "fillspin once(16 MiB)" "$(stat_of fuel_used "$R/err")"
t fuel-fillbig-short 135 "" "edgeplug: fuel exhausted after 5 units" \
	run --fuel 262148 --invoke once "$W/fillspin.wasm" 16777216

# ---- linear memory ----
# grow.wat starts at 1 page; 1M is 16 pages.
t mem-grow-to-cap    0 "i32:1" "" run --max-memory 1M --invoke grow "$W/grow.wasm" 15
t mem-grow-past-cap  0 "i32:-1" "" run --max-memory 1M --invoke grow "$W/grow.wasm" 16
t mem-grow-huge      0 "i32:-1" "" run --max-memory 1M --invoke grow "$W/grow.wasm" 65536
# bomb: 6 + 1024 per page grown (a grow pays 1024 a page), 5 for the
# refused one (refused grows pay nothing more), 1 for memory.size.
t mem-bomb           0 "i32:16" "~^stats: fuel_used=15456 peak_memory_bytes=1048576 max_call_depth=1 " \
	run --max-memory 1M --stats --invoke bomb "$W/grow.wasm"
fuel "grow bomb under 1M" "$(stat_of fuel_used "$R/err")"
# Rounded down to whole pages: 1100K is 17.2 pages, 1114111 bytes 16.99.
t mem-round-down     0 "i32:17" "" run --max-memory 1100K --invoke bomb "$W/grow.wasm"
t mem-round-bytes    0 "i32:16" "" run --max-memory 1114111 --invoke bomb "$W/grow.wasm"
t mem-exact-bytes    0 "i32:17" "" run --max-memory 1114112 --invoke bomb "$W/grow.wasm"
t mem-suffix-G       0 "i32:1" "" run --max-memory 1G --invoke grow "$W/grow.wasm" 16
t mem-suffix-M-big   0 "i32:-1" "" run --max-memory 2M --invoke grow "$W/grow.wasm" 32
# malloc until NULL: under C pages, memhog ends with exactly C pages and
# got a block per page it could grow, less malloc's overheads.
for cap in 1M 2M; do
	OUT=$R/memhog-$cap.out
	t "memhog-$cap" 0 "+^blocks [0-9]+$" "" run --max-memory $cap "$W/memhog.wasm"
done
for cap in 1M 2M; do
	case $cap in 1M) pages=16 ;; 2M) pages=32 ;; esac
	s=$(field start "$R/memhog-$cap.out")
	n=$(field blocks "$R/memhog-$cap.out")
	p=$(field pages "$R/memhog-$cap.out")
	echo "memhog under $cap: started at ${s:-?} pages, ${n:-?} blocks of 64 KiB, ended at ${p:-?} pages"
	expect "memhog-$cap-pages" test "${p:-0}" = "$pages"
	is_num "$s" && is_num "$n" || s=99 n=0
	expect "memhog-$cap-blocks" test "$n" -ge 1 -a $((s + n)) -le "$pages" -a $((s + n)) -ge $((pages - 2))
done
n1=$(field blocks "$R/memhog-1M.out")
n2=$(field blocks "$R/memhog-2M.out")
expect memhog-16-more test "$((${n2:-0} - ${n1:-0}))" = 16
t memhog-stats       0 '*' "~^stats: fuel_used=[0-9]+ peak_memory_bytes=1048576 " \
	run --max-memory 1M --stats "$W/memhog.wasm"
fuel "memhog under 1M" "$(stat_of fuel_used "$R/err")"
# A memory whose minimum is over the cap cannot be instantiated.
t mem-min-over       70 "" "~^edgeplug: $W/bigmem.wasm: .*memory" run --max-memory 1M "$W/bigmem.wasm"
t mem-min-over-inv   70 "" "~^edgeplug: $W/bigmem.wasm: .*memory" \
	run --max-memory 1087K --invoke _start "$W/bigmem.wasm"
t mem-min-at-cap     0 "" "" run --max-memory 1088K "$W/bigmem.wasm"
t mem-min-default    0 "" "" run "$W/bigmem.wasm"

# ---- tables ----
t table-grow-to-cap  0 "i32:10" "" run --max-table-elements 1000 --invoke grow "$W/tables.wasm" 990
t table-grow-past    0 "i32:-1" "" run --max-table-elements 1000 --invoke grow "$W/tables.wasm" 991
# bomb: 7 per entry grown, 6 for the refused one, 1 for table.size.
t table-bomb         0 "i32:1000" "~^stats: fuel_used=6937 " \
	run --max-table-elements 1000 --stats --invoke bomb "$W/tables.wasm"
fuel "table bomb under 1000" "$(stat_of fuel_used "$R/err")"
t table-min-over     70 "" "~^edgeplug: $W/bigtable.wasm: .*table" \
	run --max-table-elements 1000 "$W/bigtable.wasm"
t table-min-over-inv 70 "" "~^edgeplug: $W/bigtable.wasm: .*table" \
	run --max-table-elements 1000 --invoke _start "$W/bigtable.wasm"
t table-min-at-cap   0 "" "" run --max-table-elements 1001 "$W/bigtable.wasm"

# ---- call depth ----
# rec(n) nests n frames: n = the cap works, n + 1 is one too many.
t depth-at-cap       0 "i32:100" "~^stats: fuel_used=995 peak_memory_bytes=0 max_call_depth=100 " \
	run --max-call-depth 100 --stats --invoke rec "$W/depth.wasm" 100
t depth-past-cap     134 "" "edgeplug: trap: call stack exhausted in function 0 (rec)" \
	run --max-call-depth 100 --invoke rec "$W/depth.wasm" 101
t depth-one          0 "i32:1" "" run --max-call-depth 1 --invoke rec "$W/depth.wasm" 1
t depth-one-past     134 "" "edgeplug: trap: call stack exhausted in function 0 (rec)" \
	run --max-call-depth 1 --invoke rec "$W/depth.wasm" 2
t depth-default      134 "" "edgeplug: trap: call stack exhausted in function 0 (rec)" \
	run --invoke rec "$W/depth.wasm" 1000000
t depth-raised       0 "i32:20000" "" run --max-call-depth 20000 --invoke rec "$W/depth.wasm" 20000
# Mutual recursion: is_even(n) nests n + 1 frames.
t mutual-at-cap      0 "i32:0" "" run --max-call-depth 100 --invoke is_even "$W/depth.wasm" 99
t mutual-past-cap    134 "" "~^edgeplug: trap: call stack exhausted in function [12] \((is_even|is_odd)\)$" \
	run --max-call-depth 100 --invoke is_even "$W/depth.wasm" 100
# C: plain and mutual recursion without end, and a bounded one.
t c-recurse          134 "" "~^edgeplug: trap: call stack exhausted in function [0-9]+ \(recurse\)$" \
	run "$W/recurse.wasm" self
t c-mutual           134 "" "~^edgeplug: trap: call stack exhausted in function [0-9]+ \((ping|pong)\)$" \
	run "$W/recurse.wasm" mutual
t c-mutual-capped    134 "" "~^edgeplug: trap: call stack exhausted in function [0-9]+ \((ping|pong)\)$" \
	run --max-call-depth 50 "$W/recurse.wasm" mutual
t c-depth-ok         0 "depth 500 sum 125250" "~$STATS" run --max-call-depth 600 --stats "$W/recurse.wasm" depth 500
d=$(stat_of max_call_depth "$R/err")
fuel "recurse depth 500" "$(stat_of fuel_used "$R/err")"
echo "recurse depth 500: max_call_depth=${d:-?}"
expect c-depth-counted test "${d:-0}" -gt 500 -a "${d:-0}" -le 600
t c-depth-over       134 "" "~^edgeplug: trap: call stack exhausted in function [0-9]+ \(sum_down\)$" \
	run --max-call-depth 400 "$W/recurse.wasm" depth 500

# ---- value stack ----
# big has 300 i64 locals: 200 slots (1600 bytes) are too few, 400 enough.
t stack-too-small    134 "" "edgeplug: trap: call stack exhausted in function 3 (big)" \
	run --max-stack 1600 --invoke big "$W/depth.wasm"
t stack-enough       0 "i64:1" "" run --max-stack 3200 --invoke big "$W/depth.wasm"
t stack-suffix       0 "i64:1" "" run --max-stack 4K --invoke big "$W/depth.wasm"
# A deep call depth allowed, the stack runs out first.
t stack-before-depth 134 "" "edgeplug: trap: call stack exhausted in function 0 (rec)" \
	run --max-call-depth 1000000 --max-stack 8K --invoke rec "$W/depth.wasm" 100000
t c-stack            134 "" "~^edgeplug: trap: call stack exhausted in function [0-9]+ \(sum_down\)$" \
	run --max-stack 64K "$W/recurse.wasm" depth 5000
t c-stack-enough     0 "depth 5000 sum 12502500" "" run --max-stack 1M "$W/recurse.wasm" depth 5000

# ---- the engine's own memory ----
# Huge counts under 8M fail cleanly with one line; with room they run.
for m in funcs-200000 elem-1000000; do
	t "runtime-$m-8M"  70 "" "~^edgeplug: $W/$m.wasm: .+" run --max-runtime-memory 8M "$W/$m.wasm"
	t "runtime-$m-inv" 70 "" "~^edgeplug: $W/$m.wasm: .+" \
		run --max-runtime-memory 8M --invoke _start "$W/$m.wasm"
	t "runtime-$m-256M" 0 "" "" run --max-runtime-memory 256M "$W/$m.wasm"
	t "runtime-$m-default" 0 "" "" run "$W/$m.wasm"
done
# The module file itself counts: one over the limit is refused unread, with
# the limit named; a missing one under a small limit is just missing.
t runtime-file-over  70 "" \
	"edgeplug: $W/funcs-200000.wasm: larger than the engine memory limit (--max-runtime-memory)" \
	run --max-runtime-memory 512K "$W/funcs-200000.wasm"
t runtime-file-missing 66 "" "edgeplug: $W/missing.wasm: cannot read: No such file or directory" \
	run --max-runtime-memory 512K "$W/missing.wasm"
# Tables are the engine's memory too, however small the module.
t runtime-table-16M  70 "" "~^edgeplug: $W/bigtables.wasm: .+" run --max-runtime-memory 16M "$W/bigtables.wasm"
t runtime-table-inv  70 "" "~^edgeplug: $W/bigtables.wasm: .+" \
	run --max-runtime-memory 16M --invoke _start "$W/bigtables.wasm"
t runtime-table-256M 0 "" "" run --max-runtime-memory 256M "$W/bigtables.wasm"
# Stacks too: limits whose stacks cannot be had fail before anything runs.
t runtime-depth-huge 70 "" "~^edgeplug: .+" run --max-call-depth 100000000 "$W/spin.wasm"
t runtime-stack-huge 70 "" "~^edgeplug: .+" run --max-stack 4G "$W/spin.wasm"
# A cap beyond the address space is no cap, on 32-bit boards too.
t runtime-4G         0 "i32:3" "" run --max-runtime-memory 4G --invoke rec "$W/depth.wasm" 3
# 50,001 locals are over the engine's cap at any size; 50,000 run.
t runtime-locals-50001-8M 70 "" "~^edgeplug: $W/locals-50001.wasm: .+" \
	run --max-runtime-memory 8M "$W/locals-50001.wasm"
t runtime-locals-50001    70 "" "~^edgeplug: $W/locals-50001.wasm: .+" \
	run --max-runtime-memory 256M "$W/locals-50001.wasm"
t runtime-locals-50000    0 "" "" run --max-runtime-memory 8M "$W/locals-50000.wasm"
# An ordinary plugin fits 8M; nothing fits 64K.
t runtime-plugin-8M  0 "@$R/sortsum-3000.out" "" run --max-runtime-memory 8M "$W/sortsum.wasm" 3000
t runtime-plugin-64K 70 "" "~^edgeplug: .+" run --max-runtime-memory 64K "$W/sortsum.wasm" 3000
t runtime-peak       0 "@$R/sortsum-3000.out" "~$STATS" run --max-runtime-memory 8M --stats "$W/sortsum.wasm" 3000
# The engine's peak holds linear memory too: without it, at most 8M.
p=$(stat_of engine_peak_bytes "$R/err")
l=$(stat_of peak_memory_bytes "$R/err")
echo "sortsum under --max-runtime-memory 8M: engine_peak_bytes=${p:-?} peak_memory_bytes=${l:-?}"
expect runtime-peak-under test "${p:-0}" -gt "${l:-0}" -a $((${p:-0} - ${l:-0})) -le 8388608

# ---- the deadline ----
DEADLINE="timeout -s KILL 60"   # a hung case is killed: exit 137, not 124
GUARD=$DEADLINE
t deadline-spin      124 "" "edgeplug: deadline exceeded after 300ms" run --timeout 300ms "$W/spin.wasm"
expect deadline-spin-prompt test "$took" -le 20
GUARD=$DEADLINE
t deadline-invoke    124 "" "edgeplug: deadline exceeded after 300ms" \
	run --timeout 300ms --invoke spin "$W/spin.wasm"
GUARD=$DEADLINE
t deadline-bare      124 "" "edgeplug: deadline exceeded after 1" run --timeout 1 "$W/spin.wasm"
expect deadline-bare-prompt test "$took" -le 20
GUARD=$DEADLINE
t deadline-equals    124 "" "edgeplug: deadline exceeded after 250ms" run --timeout=250ms "$W/spin.wasm"
GUARD=$DEADLINE
t deadline-c-spin    124 "" "edgeplug: deadline exceeded after 300ms" run --timeout 300ms "$W/stall.wasm" spin
GUARD=$DEADLINE
t deadline-big-fuel  124 "" "edgeplug: deadline exceeded after 300ms" \
	run --fuel 1000000000000000 --timeout 300ms "$W/spin.wasm"
GUARD=$DEADLINE
t deadline-fuel-first 135 "" "edgeplug: fuel exhausted after 1000 units" \
	run --fuel 1000 --timeout 1m "$W/spin.wasm"
GUARD=$DEADLINE
t deadline-not-hit   0 "@$R/sortsum-3000.out" "" run --timeout 1m "$W/sortsum.wasm" 3000
GUARD=$DEADLINE
t deadline-not-hit-s 0 "@$R/sortsum-3000.out" "" run --timeout 30s "$W/sortsum.wasm" 3000
# Bulk instructions: 16 MiB fills back to back (a block of them charged
# 1 unit each used to run for minutes between two looks at the deadline),
# and the same plugin with a memory.copy that is one long instruction.
GUARD=$DEADLINE
t deadline-fillspin  124 "" "edgeplug: deadline exceeded after 300ms" \
	run --timeout 300ms --invoke spin "$W/fillspin.wasm" 16777216
expect deadline-fillspin-prompt test "$took" -le 20
GUARD=$DEADLINE
t deadline-copyspin  124 "" "edgeplug: deadline exceeded after 300ms" \
	run --timeout 300ms --invoke copyspin "$W/fillspin.wasm" 16777000
expect deadline-copyspin-prompt test "$took" -le 20
# A deadline far away (over 2^31 s) is valid on every board.
t deadline-far       0 "i32:3" "" run --timeout 3000000000s --invoke rec "$W/depth.wasm" 3
# Sleeping in poll_oneoff: woken, not waited for (sleep(30) > 20 s).
GUARD=$DEADLINE
t deadline-sleep     124 "" "edgeplug: deadline exceeded after 300ms" run --timeout 300ms "$W/stall.wasm" sleep
expect deadline-sleep-prompt test "$took" -le 20
# Blocked in fd_read on a stdin that never ends: a FIFO whose writer
# (sleep 30) writes nothing; the writer is killed afterwards.
F=$R/stdin.fifo
rm -f "$F"
if mkfifo "$F"; then
	sleep 30 >"$F" &
	writer=$!
	IN=$F GUARD=$DEADLINE
	t deadline-read  124 "" "edgeplug: deadline exceeded after 300ms" run --timeout 300ms "$W/stall.wasm" read
	expect deadline-read-prompt test "$took" -le 20
	kill "$writer" 2>/dev/null
	wait "$writer" 2>/dev/null
	expect deadline-read-writer-gone sh -c "! kill -0 $writer 2>/dev/null"
	# Blocked in fd_write: stdout is a FIFO whose reader never reads.
	# shellcheck disable=SC2217
	sleep 30 <"$F" &
	reader=$!
	OUT=$F GUARD=$DEADLINE
	t deadline-write 124 '*' "edgeplug: deadline exceeded after 300ms" run --timeout 300ms "$W/stall.wasm" write
	expect deadline-write-prompt test "$took" -le 20
	kill "$reader" 2>/dev/null
	wait "$reader" 2>/dev/null
else
	bad "mkfifo $F"
fi
rm -f "$F"
# In a start function, while the module is instantiated.
GUARD=$DEADLINE
t deadline-start     124 "" "edgeplug: deadline exceeded after 300ms" run --timeout 300ms "$W/startspin.wasm"
GUARD=$DEADLINE
t deadline-start-inv 124 "" "edgeplug: deadline exceeded after 300ms" \
	run --timeout 300ms --invoke f "$W/startspin.wasm"

# ---- --stats ----
t stats-wasi         0 "@$R/sortsum-3000.out" "~$STATS" run --stats "$W/sortsum.wasm" 3000
expect stats-engine-peak test "$(stat_of engine_peak_bytes "$R/err")" -gt 0 2>/dev/null
t stats-invoke       0 "i32:5" "~^stats: fuel_used=45 peak_memory_bytes=0 max_call_depth=5 wall_ms=[0-9]+ engine_peak_bytes=[0-9]+$" \
	run --stats --invoke rec "$W/depth.wasm" 5
# 2 + 1024 for each of the 14 pages grown.
t stats-memory       0 "i32:1" "~^stats: fuel_used=14338 peak_memory_bytes=983040 max_call_depth=1 " \
	run --stats --invoke grow "$W/grow.wasm" 14
t stats-no-call      0 "" "~^stats: fuel_used=0 peak_memory_bytes=1114112 max_call_depth=1 " \
	run --stats "$W/bigmem.wasm"
t stats-with-options 0 "i32:100" "~$STATS" \
	run --fuel 1000000 --max-memory 1M --max-table-elements 10 --max-call-depth 200 \
	--max-stack 64K --max-runtime-memory 16M --timeout 1m --stats --invoke rec "$W/depth.wasm" 100

summary
