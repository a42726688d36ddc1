#!/bin/sh
# tests/man/run.sh - keeps the man pages true: both render without a
# warning; every command `edgeplug help` lists, every option a command's
# --help prints (the board build's and the host build's, which signs) and
# every exit code of those help texts and of docs/cli.md's table is in
# edgeplug.1; every function include/*.h declares is in edgeplug.3, and
# every prototype edgeplug.3 shows is declared. Compares the pages as man
# shows them (rendered to plain text), not their roff source. Run by
# `make man-test` with B, QEMU and HOST_EP (the host build).
# The last line is always "N passed, M failed"; exits 1 if M > 0.
set -u

HERE=$(dirname "$0")
# shellcheck source=tests/lib.sh
. "$HERE/../lib.sh"
R=$B/man
mkdir -p "$R"
HOST_EP=${HOST_EP:-build/host/edgeplug}
HOST_CC=${HOST_CC:-cc}
MAN1=${MAN1:-docs/man/edgeplug.1}
MAN3=${MAN3:-docs/man/edgeplug.3}

# ---- rendering ----
# groff (groff-base, which man-db needs) with every warning on; mandoc's
# lint too where it is installed.
for page in $MAN1 $MAN3; do
	if groff -man -Tutf8 -ww -z "$page" >"$R/groff.log" 2>&1 && [ ! -s "$R/groff.log" ]; then
		ok
	else
		bad "$page: groff -man -ww warns"
		indent "$R/groff.log"
	fi
	if command -v mandoc >/dev/null 2>&1; then
		if mandoc -Tlint -Wwarning "$page" >"$R/mandoc.log" 2>&1; then
			ok
		else
			bad "$page: mandoc -Tlint warns"
			indent "$R/mandoc.log"
		fi
	fi
done

# Plain text, one long line per paragraph (no hyphenation: .nh), as man
# would show it: "\-" is "-", no bold or underline.
render() {
	groff -man -Tascii -rLL=400n -P-cbou "$1" 2>/dev/null
}
render $MAN1 >"$R/edgeplug.1.txt"
render $MAN3 >"$R/edgeplug.3.txt"

# has WORD FILE: WORD occurs as a whole word (not inside a longer option or
# name).
has() {
	grep -Eq -- "(^|[^A-Za-z0-9_-])$1([^A-Za-z0-9_-]|\$)" "$2"
}

# ---- edgeplug.1: commands, options, exit codes ----
$QEMU "$EP" help >"$R/help" 2>&1
cmds=$(sed -n 's/^  \([a-z][a-z-]*\)  .*/\1/p' "$R/help")
[ -n "$cmds" ] || bad "edgeplug help lists no commands"
sed -n '/^COMMANDS/,/^[A-Z]/p' "$R/edgeplug.1.txt" >"$R/commands.txt"
: >"$R/codes"
for c in $cmds; do
	if grep -Eq "^       $c( |\$)" "$R/commands.txt"; then
		ok
	else
		bad "edgeplug.1: command $c is not in COMMANDS"
	fi
	$QEMU "$EP" "$c" --help >"$R/help.$c" 2>&1
	[ -x "$HOST_EP" ] && "$HOST_EP" "$c" --help >>"$R/help.$c" 2>&1
	for o in $(grep -oE -- '--[a-z][a-z0-9-]*' "$R/help.$c" | sort -u); do
		if has "$o" "$R/edgeplug.1.txt"; then
			ok
		else
			bad "edgeplug.1: option $o of $c is missing"
		fi
	done
	# Exit codes: "N word" pairs from the first line that starts "exit" on.
	sed -n '/^exit/,$p' "$R/help.$c" | grep -oE '(^|[ (,:])[0-9]{1,3} [a-z]' |
		grep -oE '[0-9]+' >>"$R/codes"
done
# The options every command and the top level take.
for o in --help -h --version -V; do
	if has "$o" "$R/edgeplug.1.txt"; then
		ok
	else
		bad "edgeplug.1: option $o is missing"
	fi
done
# docs/cli.md's table: "| CODE | meaning |" rows of "## Exit codes".
sed -n '/^## Exit codes/,/^## /p' docs/cli.md | sed -n 's/^| \([0-9][0-9]*\) |.*/\1/p' >>"$R/codes"
sed -n '/^EXIT STATUS/,/^[A-Z]/p' "$R/edgeplug.1.txt" |
	sed -n 's/^       \([0-9][0-9]*\)\( .*\)\{0,1\}$/\1/p' >"$R/man-codes"
codes=$(sort -un "$R/codes")
[ -n "$codes" ] || bad "no exit codes found in the help texts and docs/cli.md"
for n in $codes; do
	if grep -qx "$n" "$R/man-codes"; then
		ok
	else
		bad "edgeplug.1: exit code $n is not in EXIT STATUS"
	fi
done
# And the other way: no code in the page that neither documents.
for n in $(cat "$R/man-codes"); do
	if echo "$codes" | grep -qx "$n"; then
		ok
	else
		bad "edgeplug.1: exit code $n is in EXIT STATUS but not in docs/cli.md or the help"
	fi
done

# ---- edgeplug.3: every declared function, every shown prototype ----
# The headers as the compiler sees them (each on its own, as an embedder
# includes it), statement by statement; a function is a name ep_* followed
# by "(" in a statement that is not a typedef.
: >"$R/declared"
for h in include/*.h; do
	if ! $HOST_CC -E -P -x c "$h" >"$R/pp.h" 2>"$R/pp.log"; then
		bad "$h does not preprocess"
		indent "$R/pp.log"
		continue
	fi
	tr '\n' ' ' <"$R/pp.h" | tr ';{}' '\n\n\n' | grep -v '^ *typedef' |
		grep -oE '(^|[^A-Za-z0-9_])ep_[a-z0-9_]+ *\(' | grep -oE 'ep_[a-z0-9_]+' >>"$R/declared"
done
sort -u "$R/declared" -o "$R/declared"
[ -s "$R/declared" ] || bad "no functions found in include/*.h"
for f in $(cat "$R/declared"); do
	if has "$f" "$R/edgeplug.3.txt"; then
		ok
	else
		bad "edgeplug.3: $f (declared in include/) is missing"
	fi
done
for f in $(grep -oE '(^|[ *])ep_[a-z0-9_]+\(' "$R/edgeplug.3.txt" | grep -oE 'ep_[a-z0-9_]+' | sort -u); do
	if grep -qx "$f" "$R/declared"; then
		ok
	else
		bad "edgeplug.3: shows $f(), which include/ does not declare"
	fi
done

summary
