#!/bin/sh
# tests/plugin/run.sh - plugins as deployed: manifests (docs/manifest.md),
# their grants and limits observed from inside a plugin, keys, signatures
# and pins (docs/signing.md), verify, audit, inspect, list, doctor and the
# run report (docs/cli.md). Run by `make plugin-test` with B, QEMU,
# WASI_CC and HOST_EP (the host build, the only one that can keygen and
# sign: it runs natively, the board's binary under $QEMU). Keys are made
# afresh each run, so key ids are read back from the .pub files, never
# written into an expectation.
# The last line is always "N passed, M failed"; exits 1 if M > 0.
set -u

HERE=$(dirname "$0")
# shellcheck source=tests/lib.sh
. "$HERE/../lib.sh"
WASI_CC=${WASI_CC:-sh tests/wasm-cc --target=wasm32-wasi}
HOST_EP=${HOST_EP:-build/host/edgeplug}
# The variables the probes forward: what the host has must not matter.
unset EP_A EP_B
W=${WASM_DIR:-$B}/plugin   # plugins, shared by every build
R=$B/plugin                # this build's outputs
P=$R/p                     # plugin folders, made here
mkdir -p "$W" "$R"
rm -rf "$P" "$R/keys"
mkdir -p "$P" "$R/keys"

# ---- fixtures ----
for c in "$HERE"/*.c "$HERE"/../../examples/wc.c; do
	n=$(basename "$c" .c)
	if [ "$W/$n.wasm" -nt "$c" ]; then
		continue
	fi
	# shellcheck disable=SC2086
	build "$c" "$W/$n.wasm" $WASI_CC -O2 -Wall -Wextra "$c"
done
for w in "$HERE"/../limits/spin.wat "$HERE"/../cli/values.wat "$HERE"/../limits/depth.wat \
	"$HERE"/../limits/grow.wat "$HERE"/../limits/bigtable.wat "$HERE"/../wasi/unstable-smoke.wat; do
	n=$(basename "$w" .wat)
	build "$w" "$W/$n.wasm" wat2wasm --debug-names "$w"
done
built_or_stop
[ -x "$HOST_EP" ] || { echo "FAIL: $HOST_EP is missing (make host)"; exit 1; }

sha() { sha256sum "$1" | cut -d' ' -f1; }

# plugin NAME WASM [LINES...]: a folder $P/NAME with WASM copied in as
# NAME.wasm and NAME.ini pinning it; each LINE is appended as written
# ("[section]" or "key = value"), after [plugin]'s keys.
plugin() {
	pn=$1 pw=$2
	shift 2
	mkdir -p "$P/$pn"
	cp "$pw" "$P/$pn/$pn.wasm"
	{
		echo "; $pn: made by tests/plugin/run.sh"
		echo "[plugin]"
		echo "id = org.edgeplug.test.$pn"
		echo "version = 1.0.0"
		echo "wasm = $pn.wasm"
		echo "sha256 = $(sha "$P/$pn/$pn.wasm")"
		for l in "$@"; do echo "$l"; done
	} >"$P/$pn/$pn.ini"
}
ini() { echo "$P/$1/$1.ini"; }

# ---- manifests: capabilities observed from inside ----
PROBE=$W/probe.wasm
plugin none "$PROBE"
t cap-none 0 "" "~^edgeplug: warning: .*none.ini: not signed; no trust store" run "$(ini none)"
plugin all "$PROBE" "[capabilities]" "stdin = yes" "stdout = yes" "stderr = yes" \
	"clock = yes" "random = yes" "env = EP_A" "[config]" "threshold = 12"
run_case() { env EP_A=1 $QEMU "$EP" "$@"; }
t cap-all 127 "" "*" run "$(ini all)"
run_case() { $QEMU "$EP" "$@"; }
for cap in stdin:1 stdout:2 stderr:4 clock:8 random:16; do
	k=${cap%:*} bit=${cap#*:}
	plugin "only-$k" "$PROBE" "[capabilities]" "$k = yes"
	t "cap-only-$k" "$bit" "" "*" run "$(ini "only-$k")"
	plugin "no-$k" "$PROBE" "[capabilities]" "$k = no"
	t "cap-no-$k" 0 "" "*" run "$(ini "no-$k")"
done
# env: a forwarded name only when the host has it; a fixed value always.
plugin env-fwd "$PROBE" "[capabilities]" "env = EP_A"
t env-fwd-unset 0 "" "*" run "$(ini env-fwd)"
run_case() { env EP_A=x $QEMU "$EP" "$@"; }
t env-fwd-set 32 "" "*" run "$(ini env-fwd)"
run_case() { $QEMU "$EP" "$@"; }
plugin env-fixed "$PROBE" "[capabilities]" "env = EP_A=fixed"
t env-fixed 32 "" "*" run "$(ini env-fixed)"
plugin config "$PROBE" "[config]" "threshold = 12"
t config-env 64 "" "*" run "$(ini config)"
plugin config-other "$PROBE" "[config]" "threshold = 13"
t config-other 0 "" "*" run "$(ini config-other)"
# args: the manifest's by default, the command line's instead.
plugin args "$PROBE" "[capabilities]" "stdout = yes" "args = args one two"
t args-manifest 3 "args one two" "*" run "$(ini args)"
t args-cli 2 "args x" "*" run "$(ini args)" args x
# dirs: read-only and read-write, relative to the manifest's folder.
plugin wc "$W/wc.wasm" "[capabilities]" "stdout = yes" "stderr = yes" \
	"dir = data::/data:ro" "args = /data/edge.txt"
mkdir -p "$P/wc/data"
cp "$HERE/../../examples/data/edge.txt" "$P/wc/data/"
t dir-ro 0 "+/data/edge.txt" "*" run "$(ini wc)"
plugin wc-nodir "$W/wc.wasm" "[capabilities]" "stderr = yes" "args = /data/edge.txt"
t dir-denied 1 "" "+edge.txt" run "$(ini wc-nodir)"
plugin touch "$W/touch.wasm" "[capabilities]" "dir = out::/out"
mkdir -p "$P/touch/out"
t dir-rw 0 "" "*" run "$(ini touch)"
expect dir-rw-wrote test -f "$P/touch/out/ran"
plugin touch-ro "$W/touch.wasm" "[capabilities]" "dir = out::/out:ro"
mkdir -p "$P/touch-ro/out"
t dir-ro-refuses 1 "" "*" run "$(ini touch-ro)"
expect dir-ro-nothing test ! -e "$P/touch-ro/out/ran"
plugin dir-missing "$W/touch.wasm" "[capabilities]" "dir = nowhere::/out"
t dir-missing 66 "" "+nowhere" run "$(ini dir-missing)"

# ---- limits from the manifest, and flags that may only tighten ----
plugin fuel "$W/spin.wasm" "[limits]" "fuel = 1000"
t fuel-manifest 135 "" "+^edgeplug: fuel exhausted after 1000 units$" run "$(ini fuel)"
t fuel-tighter 135 "" "+^edgeplug: fuel exhausted after 500 units$" run --fuel 500 "$(ini fuel)"
t fuel-wider 64 "" "+^edgeplug: run: --fuel is above the manifest's fuel" run --fuel 5000 "$(ini fuel)"
plugin timeout "$W/spin.wasm" "entry = spin" "[limits]" "timeout = 200ms"
t timeout-manifest 124 "" "+^edgeplug: deadline exceeded after 200ms$" run "$(ini timeout)"
t timeout-tighter 124 "" "+^edgeplug: deadline exceeded after 100ms$" run --timeout 100ms "$(ini timeout)"
t timeout-wider 64 "" "+--timeout is above" run --timeout 1s "$(ini timeout)"
plugin nolimit "$W/spin.wasm"
t memory-tighter-ok 135 "" "*" run --max-memory 1M --fuel 100 "$(ini nolimit)"
plugin out "$W/spew.wasm" "[capabilities]" "stdout = yes" "args = 20" "[limits]" "output = 1000"
OUT=$R/spew.out t output-cap 28 "*" "*" run "$(ini out)"
expect output-cap-bytes test "$(wc -c <"$R/spew.out")" -eq 1000
t output-tighter 28 "*" "*" run --max-output 500 "$(ini out)"
t output-wider 64 "" "+--max-output is above" run --max-output 2000 "$(ini out)"
plugin out-free "$W/spew.wasm" "[capabilities]" "stdout = yes" "args = 20"
OUT=$R/spew2.out t output-uncapped 0 "*" "*" run "$(ini out-free)"
expect output-uncapped-bytes test "$(wc -c <"$R/spew2.out")" -eq 2000
OUT=$R/spew3.out t output-flag-bare 28 "*" "" run --max-output 300 "$W/spew.wasm" 20
expect output-flag-bare-bytes test "$(wc -c <"$R/spew3.out")" -eq 300
# Every other limit key, from the manifest, and widening refused.
plugin depth "$W/depth.wasm" "entry = rec" "[capabilities]" "args = 100" "[limits]" "call_depth = 50"
t depth-manifest 134 "" "+call stack exhausted" run "$(ini depth)"
t depth-cli-args 0 "i32:40" "*" run "$(ini depth)" 40
t depth-wider-flag 64 "" "+--max-call-depth is above" run --max-call-depth 99 "$(ini depth)"
plugin stack "$W/depth.wasm" "entry = rec" "[capabilities]" "args = 5000" "[limits]" "stack = 1K"
t stack-manifest 134 "" "+call stack exhausted" run "$(ini stack)"
plugin mem "$W/grow.wasm" "entry = grow" "[capabilities]" "args = 16" "[limits]" "memory = 1M"
t memory-manifest 0 "i32:-1" "*" run "$(ini mem)"
t memory-manifest-fits 0 "i32:1" "*" run "$(ini mem)" 15
t memory-tighter 0 "i32:-1" "*" run --max-memory 512K "$(ini mem)" 8
t memory-wider 64 "" "+--max-memory is above" run --max-memory 2M "$(ini mem)"
plugin table "$W/bigtable.wasm" "[limits]" "table_elements = 1000"
t table-manifest 70 "" "+table" run "$(ini table)"
plugin table-ok "$W/bigtable.wasm" "[limits]" "table_elements = 1001"
t table-manifest-fits 0 "" "*" run "$(ini table-ok)"
t table-tighter 70 "" "+table" run --max-table-elements 1000 "$(ini table-ok)"
plugin rt "$W/spin.wasm" "[limits]" "runtime_memory = 64K"
t runtime-manifest 70 "" "+engine memory" run "$(ini rt)"
t runtime-wider 64 "" "+--max-runtime-memory is above" run --max-runtime-memory 1M "$(ini rt)"

# Capability flags never widen a signed manifest.
for f in "--dir /tmp" "--dir-ro /tmp" "--env EP_A=1" "--env HOME"; do
	# shellcheck disable=SC2086
	t "cap-flag-${f%% *}" 64 "" "+capability flags cannot widen" run $f "$(ini none)"
done
t invoke-refused 64 "" "+--invoke: a manifest names its entry" run --invoke x "$(ini none)"

# ---- pins ----
plugin pin "$PROBE"
printf '\0' >>"$P/pin/pin.wasm"
t pin-mismatch 77 "" "+^edgeplug: .*pin.ini: sha256 mismatch" run "$(ini pin)"
plugin nowasm "$PROBE"
rm "$P/nowasm/nowasm.wasm"
t pin-missing 77 "" "+wasm missing" run "$(ini nowasm)"

# ---- malformed manifests: the file and the line ----
mf() { printf "$2" >"$P/$1.ini"; }
mf bad-section '[plugin]\nid = a\n[capabilitys]\n'
t bad-section 65 "" "edgeplug: $P/bad-section.ini:3: unknown section [capabilitys]" run "$P/bad-section.ini"
mf bad-empty ''
t bad-empty 65 "" "~^edgeplug: $P/bad-empty.ini: " run "$P/bad-empty.ini"
t no-manifest 66 "" "+^edgeplug: $P/missing.ini: cannot read" run "$P/missing.ini"

# ---- keys and signatures (the host build signs) ----
host() { "$HOST_EP" "$@"; }
K=$R/keys
expect keygen host keygen "$K/dev" >/dev/null
expect keygen-mode test "$(stat -c %a "$K/dev.key")" = 600
expect keygen-pub test -f "$K/dev.pub"
expect keygen-other host keygen "$K/other" >/dev/null
if host keygen "$K/dev" >/dev/null 2>"$R/err"; then bad keygen-no-overwrite; else ok; fi
ID=$(awk '{print $2}' "$K/dev.pub")
plugin signed "$PROBE" "[capabilities]" "stdout = yes"
expect sign host sign --key "$K/dev.key" "$(ini signed)"
expect sign-file test -f "$(ini signed).sig"
t verify-ok 0 "$(ini signed): ok (key $ID dev)" "" verify --trust "$K/dev.pub" "$(ini signed)"
t verify-dir 0 "+ok \(key $ID" "" verify --trust "$K" "$(ini signed)"
t verify-wrong-key 77 "" "+unknown key" verify --trust "$K/other.pub" "$(ini signed)"
t verify-no-trust 77 "" "+no trust store" verify "$(ini signed)"
t verify-bad-unsigned 77 "" "edgeplug: $P/bad-section.ini: no signature" verify --trust "$K/dev.pub" "$P/bad-section.ini"
t run-signed 2 "" "" run --trust "$K/dev.pub" "$(ini signed)"
t run-unsigned 77 "" "+not trusted: no signature" run --trust "$K/dev.pub" "$(ini none)"
t verify-unsigned 77 "" "+no signature" verify --trust "$K/dev.pub" "$(ini none)"
# A signed plugin whose code must not run when any check fails.
plugin tamper "$W/touch.wasm" "[capabilities]" "dir = out::/out"
mkdir -p "$P/tamper/out"
host sign --key "$K/dev.key" "$(ini tamper)"
t tamper-clean 0 "" "" run --trust "$K/dev.pub" "$(ini tamper)"
rm -f "$P/tamper/out/ran"
cp "$(ini tamper)" "$R/tamper.ini.good"
# One byte anywhere: first, middle and last byte of the manifest.
size=$(wc -c <"$R/tamper.ini.good")
for at in 0 $((size / 2)) $((size - 1)); do
	cp "$R/tamper.ini.good" "$(ini tamper)"
	printf 'Z' | dd of="$(ini tamper)" bs=1 seek="$at" conv=notrunc 2>/dev/null
	t "tamper-manifest-$at" 77 "" "+bad signature" run --trust "$K/dev.pub" "$(ini tamper)"
	expect "tamper-manifest-$at-no-run" test ! -e "$P/tamper/out/ran"
done
cp "$R/tamper.ini.good" "$(ini tamper)"
printf '\0' >>"$P/tamper/tamper.wasm"
t tamper-wasm 77 "" "+sha256 mismatch" run --trust "$K/dev.pub" "$(ini tamper)"
expect tamper-wasm-no-run test ! -e "$P/tamper/out/ran"
t tamper-wasm-verify 77 "" "+sha256 mismatch" verify --trust "$K/dev.pub" "$(ini tamper)"
rm "$P/tamper/tamper.wasm"
t tamper-wasm-missing 77 "" "+wasm missing" verify --trust "$K/dev.pub" "$(ini tamper)"
# Signatures that are not signatures.
cp "$(ini signed).sig" "$R/good.sig"
S="$(ini signed).sig"
head -c 40 "$R/good.sig" >"$S"
t sig-truncated 77 "" "*" verify --trust "$K/dev.pub" "$(ini signed)"
printf 'garbage\n' >"$S"
t sig-garbage 77 "" "*" verify --trust "$K/dev.pub" "$(ini signed)"
sed 's/\(.*\) \([0-9a-f]*\)$/\1 \200/' "$R/good.sig" >"$S"
t sig-long 77 "" "*" verify --trust "$K/dev.pub" "$(ini signed)"
# The last hex digit changed to another (swapping two could change nothing).
last=$(tail -c 2 "$R/good.sig" | head -c 1)
if [ "$last" = 0 ]; then new=1; else new=0; fi
sed "s/.\$/$new/" "$R/good.sig" >"$S"
expect sig-flipped-differs sh -c "! cmp -s '$R/good.sig' '$S'"
t sig-flipped 77 "" "+bad signature" verify --trust "$K/dev.pub" "$(ini signed)"
: >"$S"
t sig-empty 77 "" "*" verify --trust "$K/dev.pub" "$(ini signed)"
cp "$R/good.sig" "$S"
t sig-restored 0 "*" "" verify --trust "$K/dev.pub" "$(ini signed)"
# Trust stores and key files that are not safe.
mkdir -p "$R/keys/open"
cp "$K/dev.pub" "$R/keys/open/"
chmod 777 "$R/keys/open"
t trust-world-writable-dir 77 "" "+writable" verify --trust "$R/keys/open" "$(ini signed)"
chmod 755 "$R/keys/open"
chmod 666 "$R/keys/open/dev.pub"
t trust-world-writable-key 77 "" "+writable" verify --trust "$R/keys/open/dev.pub" "$(ini signed)"
chmod 644 "$R/keys/open/dev.pub"
t trust-ok-again 0 "*" "" verify --trust "$R/keys/open" "$(ini signed)"
cp "$K/dev.key" "$R/keys/loose.key"
chmod 640 "$R/keys/loose.key"
if host sign --key "$R/keys/loose.key" "$(ini signed)" 2>"$R/err"; then
	bad sign-loose-key
else
	ok
fi
expect sign-loose-key-says grep -q "lets others at a secret key" "$R/err"
# sign vouches only for a manifest that parses and pins its wasm.
run_case() { "$HOST_EP" "$@"; }
t sign-broken 65 "" "+^edgeplug: sign: .*bad-section.ini:3: unknown section" sign --key "$K/dev.key" "$P/bad-section.ini"
expect sign-broken-nothing test ! -e "$P/bad-section.ini.sig"
t sign-mismatch 77 "" "+sha256 mismatch" sign --key "$K/dev.key" "$(ini pin)"
expect sign-mismatch-nothing test ! -e "$(ini pin).sig"
run_case() { $QEMU "$EP" "$@"; }
t board-keygen 69 "" "+verifies only" keygen "$R/keys/nope"
expect board-keygen-nothing test ! -e "$R/keys/nope.key"

# The system trust store, used when no --trust is given: here a folder of
# the test's own through EDGEPLUG_TRUST_DIR (what the host has in
# /etc/edgeplug/trusted.d must not matter).
SYS=$R/sys-trust.d
mkdir -p "$SYS"
cp "$K/dev.pub" "$SYS/"
run_case() { env EDGEPLUG_TRUST_DIR="$SYS" $QEMU "$EP" "$@"; }
t system-trust-signed 2 "" "" run "$(ini signed)"
t system-trust-unsigned 77 "" "+not trusted: no signature" run "$(ini none)"
t system-trust-verify 0 "+ok \(key $ID" "" verify "$(ini signed)"
t system-trust-doctor 0 "+^pass trust +$SYS: 1 key" "" doctor
chmod 777 "$SYS"
t system-trust-open 77 "" "+writable" run "$(ini signed)"
chmod 755 "$SYS"
rm -rf "$SYS"
t system-trust-none 2 "" "+warning: .*signature not checked" run "$(ini signed)"
run_case() { $QEMU "$EP" "$@"; }

# ---- audit, inspect, list, doctor: JSON field by field ----
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))" "$@"; }
jt() { # jt NAME FILE EXPR WANT: the JSON value EXPR of FILE printed is WANT
	if [ "$(json "$2" "$3" 2>&1)" = "$4" ]; then ok; else bad "$1: $3 = $(json "$2" "$3" 2>&1), want $4"; fi
}
plugin audited "$W/wc.wasm" "[capabilities]" "stdout = yes" "env = EP_A, EP_B=2" \
	"dir = data::/data:ro, out::/out" "[limits]" "fuel = 1000" "memory = 1M"
host sign --key "$K/dev.key" "$(ini audited)"
OUT=$R/audit.json t audit-json 0 "*" "" audit --json --trust "$K" "$(ini audited)"
jt audit-id "$R/audit.json" "d['id']" org.edgeplug.test.audited
jt audit-version "$R/audit.json" "d['version']" 1.0.0
jt audit-pin "$R/audit.json" "d['pin']" ok
jt audit-sig "$R/audit.json" "d['signature']" trusted
jt audit-signer "$R/audit.json" "d['signer']['key_id']" "$ID"
jt audit-caps "$R/audit.json" "[(c['name'],c['granted'],c['risk']) for c in d['capabilities']][:5]" \
	"[('stdin', False, 'none'), ('stdout', True, 'low'), ('stderr', False, 'none'), ('clock', False, 'none'), ('random', False, 'none')]"
jt audit-env "$R/audit.json" "[(c['variable'],c['risk']) for c in d['capabilities'] if c['name']=='env']" \
	"[('EP_A', 'medium'), ('EP_B', 'low')]"
jt audit-dirs "$R/audit.json" "[(c['guest'],c['readonly'],c['risk']) for c in d['capabilities'] if c['name']=='dir']" \
	"[('/data', True, 'medium'), ('/out', False, 'high')]"
jt audit-fuel "$R/audit.json" "d['limits']['fuel']" 1000
jt audit-memory "$R/audit.json" "d['limits']['memory']" 1048576
jt audit-timeout "$R/audit.json" "d['limits']['timeout']" None
jt audit-depth "$R/audit.json" "d['limits']['call_depth']" 10000
OUT=$R/audit-none.json t audit-none 0 "*" "*" audit --json "$(ini none)"
jt audit-unusable "$R/audit-none.json" "sorted(set(i['reason'] for i in d['imports'] if not i['usable']))" \
	"['clock not granted', 'no env granted', 'no stdio or dir granted', 'random not granted']"
jt audit-none-caps "$R/audit-none.json" "[c['granted'] for c in d['capabilities']]" "[False, False, False, False, False]"
jt audit-usable "$R/audit.json" "all(i['usable'] for i in d['imports'] if i['name'].startswith('path_'))" True
# WASI preview 0 is provided too: its imports are judged like preview 1's.
plugin unstable "$W/unstable-smoke.wasm" "[capabilities]" "stdout = yes"
OUT=$R/audit-unstable.json t audit-unstable 0 "*" "*" audit --json "$(ini unstable)"
jt audit-unstable-imports "$R/audit-unstable.json" "[(i['module'],i['reason']) for i in d['imports']][1:5]" \
	"[('wasi_unstable', None), ('wasi_unstable', 'no env granted'), ('wasi_unstable', 'no env granted'), ('wasi_unstable', None)]"
t audit-text 0 "+^signature: trusted$" "" audit --trust "$K" "$(ini audited)"
t audit-text-risk 0 "+name=dir granted=yes risk=high host=.*out guest=/out readonly=no" "" audit --trust "$K" "$(ini audited)"
t audit-unsigned 0 "+^signature: unchecked$" "" audit "$(ini none)"
OUT=$R/inspect.json t inspect-json 0 "*" "" inspect --json "$W/values.wasm"
jt inspect-exports "$R/inspect.json" "[(e['name'],e['kind']) for e in d['exports']][:3]" \
	"[('mem', 'memory'), ('g', 'global'), ('add_i32', 'func')]"
jt inspect-type "$R/inspect.json" "[(e['params'],e['results']) for e in d['exports'] if e['name']=='swap']" \
	"[(['i32', 'i64'], ['i64', 'i32'])]"
jt inspect-memory "$R/inspect.json" "[(m['min'],m['max']) for m in d['memories']]" "[(1, None)]"
jt inspect-sections "$R/inspect.json" "[s.get('name') for s in d['sections']][-1]" name
jt inspect-custom "$R/inspect.json" "[s['name'] for s in d['sections'] if s['kind']=='custom']" "['name']"
jt inspect-features "$R/inspect.json" "d['features']" "['multi-value', 'reference-types']"
t inspect-text 0 "+^  name=swap kind=func index=8 params=\(i32 i64\) results=\(i64 i32\)$" "" inspect "$W/values.wasm"
t inspect-bad 65 "" "+malformed" inspect "$R/spew.out"
mkdir -p "$R/listed"
cp "$(ini signed)" "$(ini signed).sig" "$P/signed/signed.wasm" "$R/listed/"
cp "$P/bad-section.ini" "$R/listed/"
OUT=$R/list.json t list-json 0 "*" "" list --json --trust "$K" "$R/listed"
jt list-count "$R/list.json" "len(d['plugins'])" 2
jt list-broken "$R/list.json" "d['plugins'][0]['error']" "line 3: unknown section [capabilitys]"
jt list-good "$R/list.json" "(d['plugins'][1]['id'], d['plugins'][1]['signature'], d['plugins'][1]['sha256'])" \
	"('org.edgeplug.test.signed', 'trusted', 'ok')"
t list-text 0 "+signed.ini id=org.edgeplug.test.signed version=1.0.0 signature=trusted sha256=ok$" "" list --trust "$K" "$R/listed"
t list-missing 66 "" "+cannot read" list "$R/nowhere"
t doctor-fail 1 "+^fail plugin .*bad-section.ini: no signature" "" doctor --trust "$K" "$R/listed"
t doctor-trust 1 "+^pass trust " "" doctor --trust "$K" "$R/listed"
OUT=$R/doctor.json t doctor-json 1 "*" "" doctor --json --trust "$K" "$R/listed"
jt doctor-ok "$R/doctor.json" "d['ok']" False
jt doctor-checks "$R/doctor.json" "[(c['check'],c['status']) for c in d['checks']][0]" "('trust', 'pass')"
rm "$R/listed/bad-section.ini"
t doctor-pass 0 "+^pass plugin .*signed.ini: verifies$" "" doctor --trust "$K" "$R/listed"
chmod 777 "$R/keys/open"
t doctor-world-writable 1 "+^fail trust " "" doctor --trust "$R/keys/open" "$R/listed"
chmod 755 "$R/keys/open"

# ---- the run report, for each outcome ----
rep() { # rep NAME RC OUTCOME ARGS...: runs with --report, checks rc and outcome
	rn=$1 rrc=$2 routcome=$3
	shift 3
	rm -f "$R/report.json"
	t "report-$rn" "$rrc" "*" "*" run --report "$R/report.json" "$@"
	jt "report-$rn-outcome" "$R/report.json" "d['outcome']" "$routcome"
	jt "report-$rn-status" "$R/report.json" "d['exit_status']" "$rrc"
}
rep exited 2 exited --trust "$K/dev.pub" "$(ini signed)"
jt report-exited-code "$R/report.json" "d['exit_code']" 2
jt report-exited-plugin "$R/report.json" "(d['plugin']['id'], d['plugin']['signature'], d['plugin']['signer']['key_id'])" \
	"('org.edgeplug.test.signed', 'trusted', '$ID')"
jt report-exited-sha "$R/report.json" "d['plugin']['sha256']" "$(sha "$P/signed/signed.wasm")"
rep code 95 exited "$(ini all)"
jt report-code "$R/report.json" "d['exit_code']" 95
rep trapped 134 trapped --invoke boom "$W/values.wasm"
jt report-trap "$R/report.json" "d['trap']" unreachable
jt report-trap-fn "$R/report.json" "d['trap_function']['index'] is not None" True
rep fuel 135 fuel "$(ini fuel)"
jt report-fuel-used "$R/report.json" "d['fuel_used']" 1000
rep deadline 124 deadline "$(ini timeout)"
rep refused 77 refused --trust "$K/dev.pub" "$(ini none)"
jt report-refused-msg "$R/report.json" "'not trusted' in d['message']" True
rep error 65 error "$P/bad-section.ini"
rep wasm 0 exited --invoke add_i32 "$W/values.wasm" 1 2
jt report-wasm-plugin "$R/report.json" "d['plugin']" None
rep output 28 exited "$(ini out)"
jt report-output-bytes "$R/report.json" "d['output_bytes']" 1000
jt report-output-refused "$R/report.json" "d['output_refused_writes'] >= 1" True
expect report-no-temp sh -c "! ls '$R' | grep -q 'report.json.tmp'"
t report-unwritable 73 "*" "+cannot write the run report" run --report /nonexistent/dir/r.json --invoke add_i32 "$W/values.wasm" 1 2

summary
