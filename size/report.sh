#!/bin/sh
# size/report.sh - the size gate: checks a board's stripped static binary
# against its line in size/budgets and prints where the bytes go, computed
# from the GNU ld link map of the (unstripped) link.
#
#   sh size/report.sh [-b BUDGETS] [-o REPORT] [-p PEROBJ] [-c CORE_MAP:CORE_BINARY] BOARD MAP BINARY
#
# With link-time optimisation the objects lose their identity in the link,
# so MAP comes from a second, per-object link of the same objects, PEROBJ
# (stripped): the breakdown is of that link, the gate of BINARY.
#
# Prints the breakdown table (and writes it to REPORT when given, only if it
# changed). Exit 0 within budget; 1 over budget, with one line on stderr
# "size-check: BOARD: ..."; 2 usage error, missing file or no budget line.
# -c adds one line for the core library alone: size/core-firmware.c linked
# with libedgeplug-core.a (make lib-core), its stripped size by component;
# gated only when BUDGETS has a line "BOARD-core MAX_BYTES".
#
# Every input section placed in an allocated output section is charged to a
# component by the object or archive member it came from (see component()
# in the awk program); linker padding (*fill*), linker stubs and bytes of an
# output section that no input section accounts for go to "other". Output
# sections at address 0 (.comment, .debug_*, .ARM.attributes, ...) are not
# loaded and strip removes them; .bss and .tbss take RAM, not file bytes.

LC_ALL=C
export LC_ALL

budgets=size/budgets
report=
core=
perobj=
usage="usage: sh size/report.sh [-b BUDGETS] [-o REPORT] [-p PEROBJ] [-c CORE_MAP:CORE_BINARY] BOARD MAP BINARY"
while getopts b:o:c:p: opt; do
	case $opt in
	b) budgets=$OPTARG ;;
	o) report=$OPTARG ;;
	c) core=$OPTARG ;;
	p) perobj=$OPTARG ;;
	*) echo "$usage" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -ne 3 ]; then
	echo "$usage" >&2
	exit 2
fi
board=$1 map=$2 bin=$3
core_map=${core%%:*} core_bin=${core#*:}
case $core in
''|*:*) ;;
*) echo "$usage" >&2; exit 2 ;;
esac

for f in "$budgets" "$map" "$bin" ${core:+"$core_map" "$core_bin"} ${perobj:+"$perobj"}; do
	if [ ! -f "$f" ]; then
		echo "size-check: $board: $f not found" >&2
		exit 2
	fi
done
budget=$(awk -v b="$board" '$1 == b && $2 ~ /^[0-9]+$/ { print $2; exit }' "$budgets")
if [ -z "$budget" ]; then
	echo "size-check: $board: no budget line \"$board BYTES\" in $budgets" >&2
	exit 2
fi
filesize=$(wc -c <"$bin")
filesize=$((filesize + 0))
# The binary the map describes: PEROBJ when given.
mapsize=$filesize
if [ -n "$perobj" ]; then
	mapsize=$(wc -c <"$perobj")
	mapsize=$((mapsize + 0))
fi

# The link map's breakdown: the whole table, or with -v core=1 the one
# line for the core library.
prog='
# Hex digits (with or without 0x) to a number; exact below 2^53.
function hex(s,    n, i, c) {
	sub(/^0[xX]/, "", s)
	n = 0
	for (i = 1; i <= length(s); i++) {
		c = index("0123456789abcdef", tolower(substr(s, i, 1)))
		if (c == 0)
			return -1
		n = n * 16 + c - 1
	}
	return n
}

# The component of an input file: "/x/libc.a(printf.lo)", "build/b/obj/cli.o",
# "build/b/libedgeplug.a(exec.o)", "linker stubs", "" (padding).
function component(file,    base, arch, obj) {
	base = file
	sub(/.*\//, "", base)
	arch = ""
	obj = base
	if (match(base, /\(.*\)$/)) {
		arch = substr(base, 1, RSTART - 1)
		obj = substr(base, RSTART + 1, RLENGTH - 2)
	}
	# libsodium-ep.a: the part of libsodium src/sodium/sodium.mk builds.
	if (arch ~ /^libsodium(-ep)?\.a$/)
		return "signatures"
	if (arch ~ /^lib(c|m|gcc|gcc_eh|pthread|rt|dl)\.a$/ || \
	    (arch == "" && obj ~ /^([SgMr]?crt[1in]|crtbegin[STD]?|crtend[STD]?)\.o$/))
		return "libc"
	if (arch != "" && arch !~ /^libedgeplug(-core|-no-plugin)?\.a$/)
		return "other"
	sub(/\.l?o$/, "", obj)
	# fmt: the printf subset every stage formats its messages with.
	if (obj ~ /^(alloc|sort|module|decode|validate|lower|exec|instance|linker|host|fmt)$/)
		return "engine"
	if (obj ~ /^wasi/)
		return "WASI"
	if (obj ~ /^(manifest|units|grants|plugin)/)
		return "manifest"
	if (obj ~ /^(sign|trust)$/)
		return "signatures"
	# floattext: exact float text, for the value syntax of the CLI.
	if (obj ~ /^(cli(_.*)?|floattext)$/)
		return "CLI"
	return "other"
}

# The kind of bytes an output section holds.
function kind(sec) {
	if (sec ~ /^\.(t|s|l)?bss$/)
		return "bss"
	if (sec ~ /^\.(text|init|fini|i?plt|plt\.got|plt\.sec)$/)
		return "code"
	if (sec ~ /^\.(t?data|data1|data\.rel\.ro|got|got\.plt|(pre)?init_array|fini_array|ctors|dtors|dynamic|tm_clone_table)$/)
		return "data"
	return "rodata"
}

function charge(comp, k, n, file,    obj) {
	if (!(out in outsize) || !alloc[out] || n <= 0)
		return
	sz[comp, k] += n
	inputs[out] += n
	# Per object for our own code, to see which file grew; each libc member
	# in one sum, to see what pulls libc in.
	if (comp == "libc" && k != "bss") {
		obj = file
		sub(/.*\//, "", obj)
		libcsz[obj] += n
	} else if (comp != "libc" && file != "" && file != "linker stubs") {
		obj = file
		sub(/.*\//, "", obj)
		sub(/^libedgeplug(-core|-no-plugin)?\.a\(/, "", obj)
		# Objects of libsodium as sodium/NAME, apart from ours (both have a sign.o).
		sub(/^libsodium(-ep)?\.a\(/, "sodium/", obj)
		sub(/\)$/, "", obj)
		if (obj != "") {
			objsz[obj, k] += n
			objcomp[obj] = comp
		}
	}
}

# Input sections are charged by the addresses they span up to the next
# item, not by their listed size: ld lists merged string and constant
# sections (.rodata.*.str1.1, .cst8) with sizes that overlap each other.
function item(comp, addr, size, file) {
	flush(hex(addr))
	pcomp = comp
	pfile = file
	paddr = hex(addr)
	psize = hex(size)
}

function flush(next_addr,    n) {
	if (pcomp == "")
		return
	n = psize
	if (next_addr >= paddr && next_addr - paddr < n)
		n = next_addr - paddr
	charge(pcomp, kind(out), n, pfile)
	pcomp = ""
}

function end_out() {
	if (out != "")
		flush(outaddr[out] + outsize[out])
	pcomp = ""
	out = ""
}

function start_out(name, addr, size) {
	out = name
	outaddr[out] = hex(addr)
	outsize[out] = hex(size)
	alloc[out] = outaddr[out] != 0
	order[++nout] = out
}

BEGIN { inmap = 0; out = ""; pend_out = ""; pend_in = ""; pcomp = ""; nout = 0 }

!inmap { if ($0 ~ /^Linker script and memory map/) inmap = 1; next }

# An output section: ".text   0xADDR   0xSIZE", or its name alone with the
# address and size on the next line; any other column-0 line ends one.
/^[^ \t]/ {
	end_out()
	pend_in = ""
	pend_out = ""
	if ($1 ~ /^\./) {
		if (NF >= 3 && $2 ~ /^0x/ && $3 ~ /^0x/)
			start_out($1, $2, $3)
		else if (NF == 1)
			pend_out = $1
	}
	next
}

pend_out != "" {
	if ($1 ~ /^0x/ && $2 ~ /^0x/)
		start_out(pend_out, $1, $2)
	pend_out = ""
	next
}

# Linker padding between input sections.
$1 == "*fill*" && $2 ~ /^0x/ && $3 ~ /^0x/ { pend_in = ""; item("other", $2, $3, ""); next }

# An input section: " .name 0xADDR 0xSIZE FILE", or " .name" alone and
# "   0xADDR 0xSIZE FILE" on the next line.
/^ [^ ]/ && ($1 ~ /^\./ || $1 == "COMMON") {
	pend_in = ""
	if (NF >= 4 && $2 ~ /^0x/ && $3 ~ /^0x/) {
		f = $4
		for (i = 5; i <= NF; i++) f = f " " $i
		item(component(f), $2, $3, f)
	} else if (NF == 1) {
		pend_in = $1
	}
	next
}

pend_in != "" && /^  / && $1 ~ /^0x/ && $2 ~ /^0x/ && NF >= 3 {
	f = $3
	for (i = 4; i <= NF; i++) f = f " " $i
	item(component(f), $1, $2, f)
	pend_in = ""
	next
}

{ pend_in = "" }

END {
	end_out()
	if (!inmap || nout == 0) {
		print "size/report.sh: " map ": not a GNU ld link map" > "/dev/stderr"
		exit 2
	}
	# What no input section accounts for (linker-made contents) is "other".
	for (i = 1; i <= nout; i++) {
		o = order[i]
		if (alloc[o] && outsize[o] > inputs[o])
			sz["other", kind(o)] += outsize[o] - inputs[o]
		if (alloc[o] && kind(o) != "bss")
			insecs += outsize[o]
		if (alloc[o] && kind(o) == "bss")
			bss += outsize[o]
	}
	ncomp = split("engine WASI manifest signatures CLI libc other", comps, " ")
	if (core) {
		line = ""
		for (i = 1; i <= ncomp; i++) {
			c = comps[i]
			f = sz[c, "code"] + sz[c, "rodata"] + sz[c, "data"]
			tf += f
			if (f > 0)
				line = line (line == "" ? "" : ", ") c " " f
		}
		if (tf != insecs) {
			print "size/report.sh: " map ": components add up to " tf \
				" but the sections to " insecs > "/dev/stderr"
			exit 2
		}
		printf "core library alone (size/core-firmware.c with libedgeplug-core.a: no WASI, manifests, signatures or CLI):\n"
		printf "  %s %d bytes (static, stripped; %s; %d of ELF headers and alignment)", \
			bin, filesize, line, filesize - insecs
		if (budget != "")
			printf ", budget %d, headroom %d%s\n", budget, budget - filesize, \
				(filesize > budget ? ": OVER BUDGET" : "")
		else
			printf ", not gated (aim 65536)\n"
		exit 0
	}
	fmt = "%-12s %9s %9s %9s %9s %7s %9s\n"
	printf "edgeplug size report: board %s\n", board
	if (perobj != "")
		printf "binary %s (static, stripped, link-time optimised);\nsections from %s, the map of its per-object link %s\n\n", bin, map, perobj
	else
		printf "binary %s (static, stripped); sections from %s\n\n", bin, map
	printf fmt, "component", "code", "rodata", "data", "in file", "share", "bss"
	for (i = 1; i <= ncomp; i++) {
		c = comps[i]
		f = sz[c, "code"] + sz[c, "rodata"] + sz[c, "data"]
		tc += sz[c, "code"]; tr += sz[c, "rodata"]; td += sz[c, "data"]; tf += f; tb += sz[c, "bss"]
		printf fmt, c, sz[c, "code"] + 0, sz[c, "rodata"] + 0, sz[c, "data"] + 0, f, \
			sprintf("%.1f%%", insecs ? 100 * f / insecs : 0), sz[c, "bss"] + 0
	}
	printf fmt, "total", tc, tr, td, tf, "100.0%", tb
	if (tf != insecs || tb != bss) {
		print "size/report.sh: " map ": components add up to " tf "+" tb \
			" but the sections to " insecs "+" bss > "/dev/stderr"
		exit 2
	}

	# Our own objects, biggest first (a plain selection sort: few objects).
	n = 0
	for (k in objcomp) names[++n] = k
	for (i = 1; i <= n; i++) {
		tot[names[i]] = objsz[names[i], "code"] + objsz[names[i], "rodata"] + objsz[names[i], "data"]
	}
	for (i = 1; i <= n; i++)
		for (j = i + 1; j <= n; j++)
			if (tot[names[j]] > tot[names[i]] || tot[names[j]] == tot[names[i]] && names[j] < names[i]) {
				t = names[i]; names[i] = names[j]; names[j] = t
			}
	ofmt = "%-12s %9s %9s %9s %9s %7s %9s  %s\n"
	printf "\nby object, all but libc:\n"
	printf ofmt, "object", "code", "rodata", "data", "in file", "share", "bss", "component"
	for (i = 1; i <= n; i++) {
		o = names[i]
		printf ofmt, o, objsz[o, "code"] + 0, objsz[o, "rodata"] + 0, objsz[o, "data"] + 0, \
			tot[o], sprintf("%.1f%%", insecs ? 100 * tot[o] / insecs : 0), \
			objsz[o, "bss"] + 0, objcomp[o]
	}

	n = 0
	for (k in libcsz) lnames[++n] = k
	for (i = 1; i <= n; i++)
		for (j = i + 1; j <= n; j++)
			if (libcsz[lnames[j]] > libcsz[lnames[i]] || libcsz[lnames[j]] == libcsz[lnames[i]] && lnames[j] < lnames[i]) {
				t = lnames[i]; lnames[i] = lnames[j]; lnames[j] = t
			}
	printf "\nlibc, biggest members (code + rodata + data):\n"
	for (i = 1; i <= n && i <= 10; i++)
		printf "  %-28s %9d %7s\n", lnames[i], libcsz[lnames[i]], \
			sprintf("%.1f%%", insecs ? 100 * libcsz[lnames[i]] / insecs : 0)

	printf "\nallocated sections in the file: %d bytes (code + rodata + data; bss is RAM only)\n", insecs
	if (perobj != "") {
		printf "per-object link, stripped:      %d bytes (%d of ELF headers and segment alignment)\n", \
			mapsize, mapsize - insecs
		printf "stripped binary:                %d bytes (link-time optimisation: %d smaller)\n", \
			filesize, mapsize - filesize
	} else {
		printf "stripped binary:                %d bytes (%d of ELF headers and segment alignment)\n", \
			filesize, filesize - insecs
	}
	printf "budget:                         %d bytes (%s), headroom %d bytes (%.1f KiB)%s\n", \
		budget, budgets, budget - filesize, (budget - filesize) / 1024, \
		(filesize > budget ? ": OVER BUDGET" : "")
}
'
table=$(awk -v board="$board" -v map="$map" -v bin="$bin" \
	-v filesize="$filesize" -v mapsize="$mapsize" -v perobj="$perobj" -v budget="$budget" \
	-v budgets="$budgets" "$prog" "$map") || exit 2
if [ -n "$core" ]; then
	core_budget=$(awk -v b="$board-core" '$1 == b && $2 ~ /^[0-9]+$/ { print $2; exit }' "$budgets")
	core_size=$(wc -c <"$core_bin")
	core_size=$((core_size + 0))
	line=$(awk -v core=1 -v map="$core_map" -v bin="$core_bin" -v filesize="$core_size" \
		-v budget="$core_budget" "$prog" "$core_map") || exit 2
	table=$(printf '%s\n\n%s' "$table" "$line")
fi

printf '%s\n' "$table"
if [ -n "$report" ]; then
	tmp=$report.tmp.$$
	printf '%s\n' "$table" >"$tmp" || exit 2
	if cmp -s "$tmp" "$report"; then
		rm -f "$tmp"
	else
		mv -f "$tmp" "$report" || exit 2
	fi
fi
over=0
if [ "$filesize" -gt "$budget" ]; then
	echo "size-check: $board: $bin is $filesize bytes, over its budget of $budget by $((filesize - budget))" >&2
	over=1
fi
if [ -n "$core" ] && [ -n "$core_budget" ] && [ "$core_size" -gt "$core_budget" ]; then
	echo "size-check: $board-core: $core_bin is $core_size bytes, over its budget of $core_budget by $((core_size - core_budget))" >&2
	over=1
fi
exit $over
