#!/bin/sh
# size/no-printf.sh - keeps libc's printf family and strtod out of the
# static binary (src/fmt.h says why): rewrites calls to their ep_ versions.
#
#   sh size/no-printf.sh [FILE...]       rewrite FILEs (default: src/*.c)
#   sh size/no-printf.sh --check MAP     is the link map free of them?
#
# Rewriting is mechanical and may be run again at any time (after a merge):
# printf( fprintf( snprintf( vfprintf( vsnprintf( become ep_printf( and so
# on, as whole words (format(printf, ...) attributes and ep_ names are left
# alone), and a file that then calls one gets #include "fmt.h" among its
# local includes, in sorted place. Calls it cannot rewrite (sprintf,
# vprintf, the scanf family, strtod, strtof, atof, ...) are listed; the
# exit status is 1 if any remain, 2 on a usage error.
#
# --check lists the libc members of MAP (build/BOARD/edgeplug.map) that
# bring printf or float parsing back, e.g. libc.a(vfprintf.lo); exit 1 if
# there are any.

LC_ALL=C
export LC_ALL

# What libc's float formatting and parsing come in with.
members='(v?(s|sn|f|d|as)?printf|floatscan|strto(d|f|ld)|atof|v?f?s?scanf)\.lo\)'
# What the rewrite cannot do and nothing in src/ may call.
left='\b(v?sprintf|vprintf|v?dprintf|v?asprintf|v?f?s?scanf|strto(d|f|ld)|atof)[[:space:]]*\('

if [ "$1" = --check ]; then
	if [ $# -ne 2 ] || [ ! -f "$2" ]; then
		echo "usage: sh size/no-printf.sh --check MAP" >&2
		exit 2
	fi
	found=$(grep -oE "[^ (/]*\\($members" "$2" | sort -u)
	if [ -n "$found" ]; then
		echo "no-printf.sh: $2 links:" $found >&2
		exit 1
	fi
	exit 0
fi

[ $# -eq 0 ] && set -- src/*.c
status=0
for f in "$@"; do
	case $f in
	*/fmt.c | */floattext.c) continue ;;
	esac
	if [ ! -f "$f" ]; then
		echo "no-printf.sh: $f: no such file" >&2
		exit 2
	fi
	sed -E 's/\b(printf|fprintf|snprintf|vfprintf|vsnprintf)\(/ep_\1(/g' "$f" >"$f.tmp.$$" || exit 2
	if grep -qE '\bep_(printf|fprintf|snprintf|vfprintf|vsnprintf)\(' "$f.tmp.$$" &&
	   ! grep -q '^#include "fmt.h"' "$f.tmp.$$"; then
		awk -v inc='#include "fmt.h"' '
		{ line[NR] = $0 }
		/^#include "/ && !before && $0 > inc { before = NR }
		/^#include "/ { lastq = NR }
		/^#include </ { lasta = NR }
		END {
			at = before ? before - 1 : lastq ? lastq : lasta
			if (at == 0 && !before) print inc
			for (i = 1; i <= NR; i++) {
				if (before && i == before) print inc
				print line[i]
				if (!before && i == at) print inc
			}
		}' "$f.tmp.$$" >"$f.tmp2.$$" && mv -f "$f.tmp2.$$" "$f.tmp.$$" || exit 2
	fi
	if cmp -s "$f" "$f.tmp.$$"; then
		rm -f "$f.tmp.$$"
	else
		# Keep the file's mode: write over it rather than renaming.
		cat "$f.tmp.$$" >"$f" && rm -f "$f.tmp.$$" || exit 2
	fi
	# Comments may name them; code may not.
	if grep -nE "$left" "$f" | grep -vE '^[0-9]+:[[:space:]]*(/?\*|//)' >"$f.left.$$"; then
		sed "s|^|no-printf.sh: $f:|; s|$| (rewrite by hand)|" "$f.left.$$" >&2
		status=1
	fi
	rm -f "$f.left.$$"
done
exit $status
