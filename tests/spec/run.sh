#!/bin/sh
# run.sh - runs the spec testsuite: converts each .wast with wast2json (once,
# on the host, into $WASM_DIR/spec/NAME/: every build and board shares the
# same bytes), runs $B/spec-runner on it through $QEMU (empty: natively),
# checks that the runner counted as many commands as EXPECTED-COUNTS.tsv
# says, and sums up. WASM_DIR defaults to $B.
#
#   TESTSUITE=dir B=build/x86_64 [WASM_DIR=build/wasm] [QEMU="qemu-arm-static ..."] \
#     sh tests/spec/run.sh [--simd] [NAME...]
#
# Without --simd every *.wast but simd_*; with it only simd_*. NAMEs
# (without .wast) pick files. Prints one line per file, the first failures
# of each (all of them are in $B/spec/NAME/NAME.log), then exactly
# "N passed, M failed". Exits nonzero if M > 0, a runner crashed or timed
# out, a count differs from EXPECTED-COUNTS.tsv, or the engine leaked.
# A crash counts all of the file's expected commands as failed.
#
# Knobs: SPEC_SHOW (failure lines shown per file, default 10),
# SPEC_TIMEOUT (seconds per file, default 600; needs timeout(1)),
# SPEC_FLAGS (extra runner flags, e.g. -t for strict trap kinds).

LC_ALL=C
export LC_ALL

: "${TESTSUITE:?TESTSUITE is not set}"
: "${B:?B is not set}"
QEMU=${QEMU-}
WASM_DIR=${WASM_DIR:-$B}
SPEC_SHOW=${SPEC_SHOW-10}
SPEC_TIMEOUT=${SPEC_TIMEOUT-600}
SPEC_FLAGS=${SPEC_FLAGS-}

simd=0
if [ "${1-}" = --simd ]; then
	simd=1
	shift
fi
picked=" $* "

runner=$B/spec-runner
counts=$TESTSUITE/EXPECTED-COUNTS.tsv
if [ ! -x "$runner" ]; then
	echo "run.sh: $runner is not built" >&2
	exit 2
fi
if ! command -v wast2json >/dev/null 2>&1; then
	echo "run.sh: wast2json not found (Debian package wabt)" >&2
	exit 2
fi
if [ ! -f "$counts" ]; then
	echo "run.sh: $counts not found; commands will not be counted" >&2
	counts=
fi
tmo=
if command -v timeout >/dev/null 2>&1; then
	tmo="timeout $SPEC_TIMEOUT"
fi

passed=0
failed=0
problems=0
files=0

# expected NAME.wast: the counted_commands column, or nothing.
expected() {
	[ -n "$counts" ] || return 0
	awk -F '\t' -v f="$1" '$1 == f { print $2; exit }' "$counts"
}

# show LOG: its first SPEC_SHOW lines, and how many more there are.
show() {
	[ -s "$1" ] && [ "$SPEC_SHOW" -gt 0 ] || return 0
	total=$(wc -l <"$1")
	total=$((total + 0))
	sed -n "1,${SPEC_SHOW}p" "$1"
	if [ "$total" -gt "$SPEC_SHOW" ]; then
		echo "  ... $((total - SPEC_SHOW)) more in $1"
	fi
}

for wast in "$TESTSUITE"/*.wast; do
	[ -f "$wast" ] || continue
	name=${wast##*/}
	name=${name%.wast}
	case $name in
	simd_*) [ $simd = 1 ] || continue ;;
	*) [ $simd = 0 ] || continue ;;
	esac
	if [ "$picked" != "  " ]; then
		case $picked in
		*" $name "*) ;;
		*) continue ;;
		esac
	fi
	files=$((files + 1))
	dir=$B/spec/$name              # this build's logs
	jdir=$WASM_DIR/spec/$name      # the converted script, shared
	json=$jdir/$name.json
	log=$dir/$name.log
	exp=$(expected "$name.wast")
	mkdir -p "$dir"

	# wast2json prints its own (function-references) type errors for a
	# few 2.0 files yet writes correct output; its messages go to a log.
	# It writes into a private directory and the JSON is renamed into place
	# last, so builds testing at the same time never read half a conversion.
	if [ ! -f "$json" ] || [ -n "$(find "$wast" -newer "$json")" ]; then
		tmp=$WASM_DIR/spec/.tmp.$name.$$
		rm -rf "$tmp"
		mkdir -p "$tmp" "$jdir"
		if wast2json --enable-all "$wast" -o "$tmp/$name.json" >"$dir/wast2json.log" 2>&1; then
			for f in "$tmp"/*; do
				[ "$f" = "$tmp/$name.json" ] || mv -f "$f" "$jdir/"
			done
			mv -f "$tmp/$name.json" "$json"
			rmdir "$tmp"
		else
			rm -rf "$tmp"
			echo "$name.wast: wast2json failed (see $dir/wast2json.log), counting ${exp:-1} commands as failed"
			failed=$((failed + ${exp:-1}))
			problems=$((problems + 1))
			continue
		fi
	fi

	# $tmo, $QEMU and $SPEC_FLAGS are word lists: split on purpose.
	# shellcheck disable=SC2086
	out=$($tmo $QEMU "$runner" $SPEC_FLAGS "$json" 2>"$log")
	rc=$?
	# The summary is the last line (-v puts the print calls before it).
	out=$(printf '%s\n' "$out" | tail -n 1)
	p=
	f=
	case $out in
	"$name.wast: "*" passed, "*" failed")
		rest=${out#"$name.wast: "}
		p=${rest%% passed,*}
		f=${rest#*passed, }
		f=${f% failed}
		case $p:$f in
		*[!0-9:]* | :* | *:) p= ;;
		esac
		;;
	esac
	if [ -z "$p" ] || [ $rc -gt 3 ] || [ $rc = 2 ]; then
		if [ $rc = 124 ]; then
			why="timed out after ${SPEC_TIMEOUT}s"
		elif [ $rc -gt 128 ]; then
			why="killed by signal $((rc - 128))"
		else
			why="exit status $rc without a summary line"
		fi
		echo "$name.wast: CRASHED ($why), counting ${exp:-1} commands as failed"
		[ -n "$out" ] && printf '%s\n' "$out"
		show "$log"
		failed=$((failed + ${exp:-1}))
		problems=$((problems + 1))
		continue
	fi

	echo "$out"
	show "$log"
	passed=$((passed + p))
	failed=$((failed + f))
	if [ $rc = 3 ]; then
		echo "$name.wast: FAILED: the engine leaked (see above)"
		problems=$((problems + 1))
	fi
	if [ -n "$counts" ]; then
		if [ -z "$exp" ]; then
			echo "$name.wast: FAILED: not listed in $counts"
			problems=$((problems + 1))
		elif [ $((p + f)) != "$exp" ]; then
			echo "$name.wast: FAILED: count mismatch: the runner counted $((p + f)) commands, $counts says $exp"
			problems=$((problems + 1))
		fi
	fi
done

if [ $files = 0 ]; then
	echo "run.sh: no .wast files selected in $TESTSUITE" >&2
	problems=$((problems + 1))
fi
if [ $problems -gt 0 ]; then
	echo "$problems file-level problems (crash, leak, count mismatch or conversion), see above"
fi
echo "$passed passed, $failed failed"
[ $failed = 0 ] && [ $problems = 0 ]
