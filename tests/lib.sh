# tests/lib.sh - what the test drivers of the edgeplug command share
# (tests/cli, tests/wasi and tests/limits run.sh): running a case under
# $QEMU and checking its exit code and both streams, counting passes and
# failures, building fixtures, and the last line, "N passed, M failed".
# Sourced by each driver, which first sets R (the build's own outputs,
# where each case's stdout and stderr go) and HERE (its own directory).
# A driver that runs edgeplug otherwise (an environment, a guard) defines
# its own run_case after sourcing this.

B=${B:-build/x86_64}
# The host's own trust store (/etc/edgeplug/trusted.d) must not change what
# a test sees: no system trust store, unless a test makes one.
EDGEPLUG_TRUST_DIR=/nonexistent/edgeplug-trusted.d
export EDGEPLUG_TRUST_DIR
QEMU=${QEMU:-}
EP=$B/edgeplug
pass=0
fail=0
built=1
# Per-case settings, back to these defaults after every case (a variable
# assignment in front of a shell function is not portable):
IN=/dev/null    # the case's stdin
OUT=            # where the case's stdout goes; empty means $R/out

indent() { sed 's/^/    | /' "$1"; }

# check FILE WANT: WANT is
#   (empty)   FILE is empty
#   *         anything
#   ~REGEX    FILE is exactly one line and it matches the extended regex
#   +REGEX    some line of FILE matches the extended regex
#   @FILE2    FILE has the same bytes as FILE2
#   TEXT      FILE is exactly TEXT plus a newline
check() {
	case $2 in
	'') [ ! -s "$1" ] ;;
	'*') true ;;
	'~'*) [ "$(wc -l <"$1")" -eq 1 ] && grep -Eq -- "${2#?}" "$1" ;;
	'+'*) grep -Eq -- "${2#?}" "$1" ;;
	'@'*) cmp -s "$1" "${2#?}" ;;
	*) printf '%s\n' "$2" | cmp -s - "$1" ;;
	esac
}

ok() {
	pass=$((pass + 1))
}

bad() {
	fail=$((fail + 1))
	echo "FAIL $1"
}

# run_case ARGS...: how t runs edgeplug ARGS (its streams already
# redirected); a driver's own resets its own per-case settings.
run_case() {
	$QEMU "$EP" "$@"
}

# t NAME RC STDOUT STDERR ARGS...: runs edgeplug ARGS (run_case) with stdin
# from $IN, and checks the exit code and both streams (see check).
t() {
	name=$1 want_rc=$2 want_out=$3 want_err=$4
	shift 4
	out=${OUT:-$R/out}
	run_case "$@" >"$out" 2>"$R/err" <"$IN"
	rc=$?
	IN=/dev/null OUT=''
	why=
	[ "$rc" = "$want_rc" ] || why="exit code $rc, want $want_rc"
	if ! check "$out" "$want_out"; then
		why="${why:+$why; }stdout differs"
	fi
	if ! check "$R/err" "$want_err"; then
		why="${why:+$why; }stderr differs"
	fi
	if [ -z "$why" ]; then
		ok
		return
	fi
	bad "$name: $why"
	echo "  command: edgeplug $*"
	# Not when stdout went to a device or a FIFO: reading it could hang.
	if [ -f "$out" ] && [ "$(wc -c <"$out")" -lt 4000 ]; then
		echo "  stdout:"
		indent "$out"
	fi
	echo "  wanted stdout: $want_out"
	if [ "$(wc -c <"$R/err")" -lt 4000 ]; then
		echo "  stderr:"
		indent "$R/err"
	fi
	echo "  wanted stderr: $want_err"
}

# expect NAME COMMAND...: passes when COMMAND succeeds.
expect() {
	name=$1
	shift
	if "$@"; then
		ok
	else
		bad "$name"
	fi
}

# build_failed WHAT: counts a fixture that could not be built, with the
# build's messages ($R/build.log); the cases are not run (built_or_stop).
build_failed() {
	fail=$((fail + 1))
	built=0
	echo "FAIL building $1:"
	indent "$R/build.log"
}

# build WHAT FILE COMMAND...: runs COMMAND -o FILE.$$ and renames that to
# FILE, so that nobody (another board's tests, at the same time) ever reads
# half a file; build_failed WHAT when COMMAND fails.
build() {
	build_what=$1 build_file=$2
	shift 2
	if "$@" -o "$build_file.$$" >"$R/build.log" 2>&1; then
		mv -f "$build_file.$$" "$build_file"
	else
		rm -f "$build_file.$$"
		build_failed "$build_what"
	fi
}

# built_or_stop: after the fixtures are built; when one was not, or there
# is no edgeplug to test, ends the driver with its summary.
built_or_stop() {
	if [ "$built" = 0 ] || [ ! -x "$EP" ]; then
		[ -x "$EP" ] || { echo "FAIL: $EP is missing"; fail=$((fail + 1)); }
		echo "$pass passed, $fail failed"
		exit 1
	fi
}

# summary: the last line; fails when a case did.
summary() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
