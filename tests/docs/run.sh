#!/bin/sh
# tests/docs/run.sh - every example the documentation shows, run and
# compared: in README.md and docs/*.md, a fenced block whose lines start
# with "$ " is a session; each "$ COMMAND" runs from the top of the tree and
# the lines after it, up to the next "$ " or the fence, are its exact
# stdout and stderr together. "edgeplug" and "build/x86_64/" in a command
# become this build's binary (under $QEMU) and build directory, so every
# board checks the same text. Blocks without "$ " lines (syntax, formats)
# are not run. Run by `make docs-test` with B and QEMU.
# The last line is always "N passed, M failed"; exits 1 if M > 0.
set -u

HERE=$(dirname "$0")
# shellcheck source=tests/lib.sh
. "$HERE/../lib.sh"
R=$B/docs
mkdir -p "$R"
rm -f "$R"/case.*

# One file per case: case.N.cmd (the command line), case.N.want (its
# output) and case.N.where (FILE:LINE).
for doc in README.md docs/*.md; do
	awk -v doc="$doc" -v dir="$R" -v key="$(echo "$doc" | tr '/.' '__')" '
	/^```/ { infence = !infence; n_open = 0; next }
	infence && /^\$ / {
		n++
		f = dir "/case." key "." n
		print substr($0, 3) > (f ".cmd"); close(f ".cmd")
		print doc ":" NR > (f ".where"); close(f ".where")
		printf "" > (f ".want"); close(f ".want")
		n_open = 1
		next
	}
	infence && n_open { print >> (f ".want"); close(f ".want") }
	' "$doc"
done

# same WANT GOT: line for line equal, where "<...>" in a wanted line
# stands for any text (key ids, which are new each run).
same() {
	awk 'NR == FNR { want[++n] = $0; next }
	{ got[++m] = $0 }
	function matches(w, g,    np, P, j, pos, k, last) {
		np = split(w, P, /<\.\.\.>/)
		if (np == 1)
			return w == g
		if (substr(g, 1, length(P[1])) != P[1])
			return 0
		pos = length(P[1]) + 1
		for (j = 2; j < np; j++) {
			k = index(substr(g, pos), P[j])
			if (!k)
				return 0
			pos += k - 1 + length(P[j])
		}
		last = P[np]
		return length(g) - pos + 1 >= length(last) && substr(g, length(g) - length(last) + 1) == last
	}
	END {
		if (n != m)
			exit 1
		for (i = 1; i <= n; i++)
			if (!matches(want[i], got[i]))
				exit 1
	}' "$1" "$2"
}

for c in "$R"/case.*.cmd; do
	[ -f "$c" ] || continue
	base=${c%.cmd}
	where=$(cat "$base.where")
	cmd=$(sed -e "s|build/x86_64/|$B/|g" -e "s|^edgeplug |$QEMU $EP |" \
		-e "s| edgeplug | $QEMU $EP |" -e "s|^$B/edgeplug |$QEMU $EP |" "$c")
	sh -c "$cmd" >"$base.got" 2>&1
	if same "$base.want" "$base.got"; then
		ok
	else
		bad "$where: $(cat "$c")"
		diff "$base.want" "$base.got" | sed 's/^/    /' | head -20
	fi
done
summary
