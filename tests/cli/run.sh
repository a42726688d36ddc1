#!/bin/sh
# tests/cli/run.sh - golden tests of the edgeplug command: every exit code,
# every message, and the value syntax both ways. Run by `make cli-test` with
# B (the build directory) and QEMU (a prefix that runs the binary; may be
# empty). First makes the fixtures on the host (the .wat files beside this
# script, through wat2wasm, and a few crafted ones) in $WASM_DIR/cli/, which
# every build shares so each board reads the same bytes (WASM_DIR defaults to
# $B); each is written under a temporary name and renamed into place, so
# builds tested at the same time never see half a file. A build's own
# outputs go to $B/cli/.
# The last line is always "N passed, M failed"; exits 1 if M > 0.
set -u

HERE=$(dirname "$0")
# shellcheck source=tests/lib.sh
. "$HERE/../lib.sh"
D=${WASM_DIR:-$B}/cli   # fixtures, shared
R=$B/cli                # this build's outputs

mkdir -p "$D" "$R"

# ---- fixtures ----
for w in "$HERE"/*.wat "$HERE"/../../examples/fib.wat; do
	n=$(basename "$w" .wat)
	case $n in
	invalid-*) flags=--no-check ;;   # decodes, must not validate
	*) flags= ;;
	esac
	build "$w" "$D/$n.wasm" wat2wasm $flags "$w"
done
built_or_stop

# put NAME BYTES: a crafted fixture (BYTES is a printf format on purpose).
# shellcheck disable=SC2059
put() { printf "$2" >"$D/$1.$$" && mv -f "$D/$1.$$" "$D/$1"; }
put ok-empty.wasm '\000asm\001\000\000\000'        # the smallest valid module
put bad-magic.wasm '\000asn\001\000\000\000'
put bad-version.wasm '\000asm\002\000\000\000'
put truncated.wasm '\000asm\001\000\000\000\001\005\001'  # type section cut short
put empty.wasm ''
# A function named ESC-less CSI (U+009B, C1), "[1mX" and BEL: its name must
# reach the terminal escaped, as C0 controls are.
put c1-name.wasm '\000asm\001\000\000\000\001\004\001\140\000\000\003\002\001\000\007\005\001\001f\000\000\012\005\001\003\000\000\013\000\021\004name\001\012\001\000\007\302\233[1mX\007'
# A sparse file just over the 256 MiB input cap (this build's own: removed
# at the end).
dd if=/dev/null of="$R/huge.wasm" bs=1048576 seek=257 2>/dev/null
rm -f "$D/missing.wasm"

V=$D/values.wasm
USAGE='usage: edgeplug validate FILE.wasm'

# ---- global options and help ----
t version          0 "+^edgeplug 0.1.0$" ""                 --version
t version-licence  0 "+^includes libsodium 1.0.18 \(ISC licence: docs/licenses/libsodium.txt\)$" "" --version
t help-flag        0 "+^usage: edgeplug COMMAND \[OPTION...\] \[ARG...\]$" "" --help
t help-cmd         0 "+^  run       .*" ""                  help
for c in run validate inspect verify audit list doctor keygen sign; do
	t "help-lists-$c" 0 "+^  $c +[a-z]" ""                  help
	t "help-$c"       0 "+^usage: edgeplug $c"  ""          help "$c"
	t "$c-help-flag"  0 "+^usage: edgeplug $c"  ""          "$c" --help
done
t help-run         0 "+^  124 deadline  134 trap  135 fuel$" "" help run
t help-run-codes   0 "+^  64 usage  65 malformed or invalid  66 cannot read  69 unknown import$" "" help run
t help-validate    0 "+^exit status: 0 valid, 64 usage, 65 malformed or invalid, 66 cannot read,$" "" help validate
t run-help-flag    0 "+^       edgeplug run --invoke NAME \[OPTION...\] FILE.wasm" "" run --help
t help-unknown     64 "" "+^edgeplug: help: unknown command \"frob\"$" help frob
t no-args          64 "" "+^usage: edgeplug COMMAND "
t unknown-cmd      64 "" "+^edgeplug: unknown command \"frob\"$" frob
t unknown-flag     64 "" "+^edgeplug: unknown option \"--frob\"$" --frob
t unknown-flag-use 64 "" "+^usage: edgeplug COMMAND "         --frob
t version-extra    64 "" "+^edgeplug: unexpected argument \"x\"$" --version x

# ---- validate ----
t validate-ok      0 "" ""                                  validate "$V"
t validate-tiny    0 "" ""                                  validate "$D/ok-empty.wasm"
t validate-missing 66 "" "edgeplug: $D/missing.wasm: cannot read: No such file or directory" validate "$D/missing.wasm"
t validate-dir     66 "" "edgeplug: $D: cannot read: Is a directory" validate "$D"
t validate-huge    66 "" "edgeplug: $R/huge.wasm: cannot read: larger than the 256 MiB limit" validate "$R/huge.wasm"
t validate-magic   65 "" "~^edgeplug: $D/bad-magic.wasm: malformed: .+ at offset 0x0$" validate "$D/bad-magic.wasm"
t validate-version 65 "" "~^edgeplug: $D/bad-version.wasm: malformed: .+ at offset 0x4$" validate "$D/bad-version.wasm"
t validate-empty   65 "" "~^edgeplug: $D/empty.wasm: malformed: .+ at offset 0x0$" validate "$D/empty.wasm"
t validate-trunc   65 "" "~^edgeplug: $D/truncated.wasm: malformed: .+ at offset 0x[0-9a-f]+$" validate "$D/truncated.wasm"
t validate-invalid 65 "" "~^edgeplug: $D/invalid-type.wasm: invalid: .+ at offset 0x2[0-9a-f]$" validate "$D/invalid-type.wasm"
t validate-no-file 64 "" "+^edgeplug: validate: missing FILE.wasm$" validate
t validate-two     64 "" "+^edgeplug: validate: unexpected argument" validate "$V" "$V"
t validate-option  64 "" "+^edgeplug: validate: unknown option \"-x\"$" validate -x "$V"

# ---- run: usage and load errors ----
t run-no-invoke    64 "" "edgeplug: $V: no exported function _start (not a WASI command; --invoke NAME calls a function)" run "$V"
t run-no-file      64 "" "+^edgeplug: run: missing FILE.wasm or PLUGIN.ini$" run --invoke add_i32
t run-invoke-bare  64 "" "+^edgeplug: run: --invoke needs a NAME$" run --invoke
t run-bad-option   64 "" "+^edgeplug: run: unknown option \"--frobnicate\"$" run --frobnicate 10 "$V"
t run-missing      66 "" "edgeplug: $D/missing.wasm: cannot read: No such file or directory" run --invoke f "$D/missing.wasm"
t run-malformed    65 "" "~^edgeplug: $D/bad-magic.wasm: malformed: .+ at offset 0x0$" run --invoke f "$D/bad-magic.wasm"
t run-invalid      65 "" "~^edgeplug: $D/invalid-type.wasm: invalid: .+ at offset 0x[0-9a-f]+$" run --invoke main "$D/invalid-type.wasm"
t run-limit        70 "" "~^edgeplug: $D/limit-table.wasm: .*limit" run --invoke main "$D/limit-table.wasm"
t run-import       69 "" "edgeplug: $D/imports.wasm: unknown import env.host_log" run --invoke main "$D/imports.wasm"
t run-no-export    64 "" "edgeplug: $V: no exported function nope" run --invoke nope "$V"
t run-export-mem   64 "" "edgeplug: $V: no exported function mem" run --invoke mem "$V"
t run-export-glob  64 "" "edgeplug: $V: no exported function g" run --invoke=g "$V"

# ---- run: arguments ----
t arg-word         64 "" 'edgeplug: argument 1: cannot parse "abc" as i32' run --invoke add_i32 "$V" abc 1
t arg-second       64 "" 'edgeplug: argument 2: cannot parse "1.5" as i32' run --invoke add_i32 "$V" 1 1.5
t arg-i32-range    64 "" 'edgeplug: argument 1: cannot parse "4294967296" as i32' run --invoke add_i32 "$V" 4294967296 0
t arg-i32-low      64 "" 'edgeplug: argument 2: cannot parse "-2147483649" as i32' run --invoke add_i32 "$V" 0 -2147483649
t arg-i64-range    64 "" 'edgeplug: argument 1: cannot parse "18446744073709551616" as i64' run --invoke add_i64 "$V" 18446744073709551616 0
t arg-empty        64 "" 'edgeplug: argument 1: cannot parse "" as i32' run --invoke add_i32 "$V" "" 0
t arg-space        64 "" 'edgeplug: argument 1: cannot parse " 1" as i32' run --invoke add_i32 "$V" " 1" 0
t arg-f32-word     64 "" 'edgeplug: argument 1: cannot parse "one" as f32' run --invoke id_f32 "$V" one
t arg-f32-overflow 64 "" 'edgeplug: argument 1: cannot parse "1e39" as f32' run --invoke id_f32 "$V" 1e39
t arg-nan-payload  64 "" 'edgeplug: argument 1: cannot parse "nan:0x800000" as f32' run --invoke id_f32 "$V" nan:0x800000
t arg-nan-zero     64 "" 'edgeplug: argument 1: cannot parse "nan:0x0" as f64' run --invoke id_f64 "$V" nan:0x0
t arg-extern       64 "" 'edgeplug: argument 1: cannot parse "1" as externref' run --invoke id_extern "$V" 1
t arg-too-few      64 "" 'edgeplug: add_i32 expects 2 arguments (i32 i32), got 1' run --invoke add_i32 "$V" 1
t arg-too-many     64 "" 'edgeplug: nothing expects 0 arguments (), got 1' run --invoke nothing "$V" 1

# ---- run: values ----
t i32-add          0 "i32:5" ""                     run --invoke add_i32 "$V" 2 3
t i32-negative     0 "i32:-2" ""                    run --invoke add_i32 "$V" -1 4294967295
t i32-hex          0 "i32:48" ""                    run --invoke add_i32 "$V" 0x10 0X20
t i32-neg-hex      0 "i32:-1" ""                    run --invoke add_i32 "$V" 0xffffffff -0x0
t i32-wrap         0 "i32:-2147483648" ""           run --invoke add_i32 "$V" 2147483647 1
t i32-min          0 "i32:-2147483648" ""           run --invoke add_i32 "$V" -2147483648 +0
t i64-add          0 "i64:-7" ""                    run --invoke add_i64 "$V" -10 3
t i64-unsigned     0 "i64:-2" ""                    run --invoke add_i64 "$V" 18446744073709551615 -1
t i64-hex          0 "i64:9223372036854775807" ""   run --invoke add_i64 "$V" 0x7fffffffffffffff 0
t i64-min          0 "i64:-9223372036854775808" ""  run --invoke add_i64 "$V" -9223372036854775808 0
t f32-add          0 "f32:1.5" ""                   run --invoke add_f32 "$V" 1 0.5
t f32-shortest     0 "f32:0.1" ""                   run --invoke id_f32 "$V" 0.1
t f32-sum          0 "f32:0.3" ""                   run --invoke add_f32 "$V" 0.1 0.2
t f32-hexfloat     0 "f32:12" ""                    run --invoke id_f32 "$V" 0x1.8p3
t f32-max          0 "f32:3.4028235e+38" ""         run --invoke id_f32 "$V" 0x1.fffffep127
t f32-tiny         0 "f32:1e-45" ""                 run --invoke id_f32 "$V" 0x1p-149
t f32-neg-zero     0 "f32:-0" ""                    run --invoke id_f32 "$V" -0
t f32-inf          0 "f32:inf" ""                   run --invoke id_f32 "$V" inf
t f32-neg-inf      0 "f32:-inf" ""                  run --invoke id_f32 "$V" -inf
t f32-nan          0 "f32:nan" ""                   run --invoke id_f32 "$V" nan
t f32-neg-nan      0 "f32:-nan" ""                  run --invoke id_f32 "$V" -nan
t f32-nan-payload  0 "f32:nan:0x200000" ""          run --invoke id_f32 "$V" nan:0x200000
t f32-nan-bits     0 "i32:2141192192" ""            run --invoke bits_f32 "$V" nan:0x200000
t f32-snan-bits    0 "i32:-8388607" ""              run --invoke bits_f32 "$V" -nan:0x1
t f32-nan-canon    0 "i32:2143289344" ""            run --invoke bits_f32 "$V" nan
t f32-round        0 "i32:1065353216" ""            run --invoke bits_f32 "$V" 1.00000001
t f64-sum          0 "f64:0.30000000000000004" ""   run --invoke add_f64 "$V" 0.1 0.2
t f64-shortest     0 "f64:0.1" ""                   run --invoke id_f64 "$V" 0.1
t f64-negative     0 "f64:-2.5" ""                  run --invoke add_f64 "$V" -3 0.5
t f64-integral     0 "f64:100" ""                   run --invoke id_f64 "$V" 1e2
t f64-big          0 "f64:1e+21" ""                 run --invoke id_f64 "$V" 1000000000000000000000
t f64-plain-big    0 "f64:123456789012345680000" "" run --invoke id_f64 "$V" 1.2345678901234568e20
t f64-small        0 "f64:0.000001" ""              run --invoke id_f64 "$V" 1e-6
t f64-smaller      0 "f64:1.5e-7" ""                run --invoke id_f64 "$V" 0.00000015
t f64-max          0 "f64:1.7976931348623157e+308" "" run --invoke id_f64 "$V" 0x1.fffffffffffffp1023
t f64-denormal     0 "f64:5e-324" ""                run --invoke id_f64 "$V" 0x0.0000000000001p-1022
t f64-hexfloat     0 "f64:-12" ""                   run --invoke id_f64 "$V" -0x1.8p3
t f64-inf          0 "f64:-inf" ""                  run --invoke id_f64 "$V" -Infinity
t f64-nan          0 "f64:nan" ""                   run --invoke id_f64 "$V" NaN
t f64-nan-payload  0 "f64:-nan:0x4000000000001" ""  run --invoke id_f64 "$V" -nan:0x4000000000001
t f64-nan-bits     0 "i64:9221120237041090561" ""   run --invoke bits_f64 "$V" nan:0x8000000000001
t f64-neg-zero     0 "i64:-9223372036854775808" ""  run --invoke bits_f64 "$V" -0.0
t multi-swap       0 "i64:-7
i32:42" ""                                          run --invoke swap "$V" 42 -7
t multi-four       0 "i32:-1
i64:-7
f32:0.1
f64:-12" ""                                         run --invoke four "$V"
t no-results       0 "" ""                          run --invoke nothing "$V"
t funcref-null     0 "funcref:null" ""              run --invoke null_func "$V"
t funcref-some     0 "funcref:<non-null>" ""        run --invoke some_func "$V"
t externref-null   0 "externref:null" ""            run --invoke id_extern "$V" null
t dashdash         0 "i32:3" ""                     run --invoke add_i32 -- "$V" 1 2
t fib              0 "i64:6765" ""                  run --invoke fib "$D/fib.wasm" 20
t div              0 "i32:-3" ""                    run --invoke div_s "$V" -7 2

# ---- run: traps ----
t trap-unreachable 134 "" "~^edgeplug: trap: .*unreachable" run --invoke boom "$V"
t trap-div-zero    134 "" "~^edgeplug: trap: .*integer divide by zero" run --invoke div_s "$V" 1 0
t trap-overflow    134 "" "~^edgeplug: trap: .*integer overflow" run --invoke div_s "$V" -2147483648 -1
t trap-stack       134 "" "~^edgeplug: trap: .*stack" run --invoke down "$V"
t trap-start       134 "" "~^edgeplug: trap: .*unreachable" run --invoke main "$D/start-trap.wasm"

# ---- output that cannot be written ----
if [ -w /dev/full ]; then
	OUT=/dev/full
	t write-error  70 '*' "edgeplug: cannot write output: No space left on device" run --invoke add_i32 "$V" 1 2
fi

rm -f "$R/huge.wasm"
t trap-c1-name 134 "" 'edgeplug: trap: unreachable in function 0 (\c2\9b[1mX\07)' run --invoke f "$D/c1-name.wasm"
t inspect-c1-name 0 "+^  name=f kind=func" "" inspect "$D/c1-name.wasm"

# Modules built for another host: stubs that trap when called.
t stubs-strict 69 "" "edgeplug: $D/stubs.wasm: unknown import env.host_log" run --invoke quiet "$D/stubs.wasm"
t stubs-quiet 0 "i32:7" "" run --trap-unknown-imports --invoke quiet "$D/stubs.wasm"
t stubs-loud 134 "" "edgeplug: trap: unknown import env.host_log called" run --trap-unknown-imports --invoke loud "$D/stubs.wasm"
t stubs-memory 69 "" "edgeplug: $D/stub-memory.wasm: unknown import env.memory (only functions can be stubs)" run --trap-unknown-imports --invoke f "$D/stub-memory.wasm"

# The size gate itself (size/report.sh): over a budget fails with one line,
# under it passes, a board without a budget line is a usage error.
gate() { sh size/report.sh -b "$R/budgets" -o "$R/size-report.txt" test "$B/edgeplug.map" "$EP" \
	>"$R/out" 2>"$R/err"; }
printf 'test 100\n' >"$R/budgets"
gate; rc=$?
expect size-gate-over-rc test "$rc" = 1
expect size-gate-over-says grep -Eq '^size-check: test: .* over its budget of 100 by [0-9]+$' "$R/err"
printf 'test 999999999\n' >"$R/budgets"
gate; rc=$?
expect size-gate-under-rc test "$rc" = 0
printf 'other 1\n' >"$R/budgets"
gate; rc=$?
expect size-gate-no-line-rc test "$rc" = 2

# Bad command lines of the plugin commands: one line and the usage, 64.
t run-trust-novalue   64 "" "+^edgeplug: run: --trust needs KEY.pub or DIR$" run --trust
t run-report-novalue  64 "" "+^edgeplug: run: --report needs a FILE$" run --report
t run-report-empty    64 "" "+^edgeplug: run: --report needs a FILE$" run --report= x.wasm
t run-output-bad      64 "" "+^edgeplug: run: --max-output \"lots\": not a valid size" run --max-output lots x.wasm
t run-trust-wasm      64 "" "+^edgeplug: run: --trust: only a manifest is signed$" run --trust k.pub "$V"
for c in verify audit; do
	t "$c-missing"    64 "" "+^edgeplug: $c: missing PLUGIN.ini$" "$c"
	t "$c-unknown"    64 "" "+^edgeplug: $c: unknown option \"--frob\"$" "$c" --frob x.ini
	t "$c-extra"      64 "" "+^edgeplug: $c: unexpected argument \"y.ini\"$" "$c" x.ini y.ini
	t "$c-novalue"    64 "" "+^edgeplug: $c: --trust needs KEY.pub or DIR$" "$c" --trust
done
t list-missing-dir    64 "" "+^edgeplug: list: missing DIR$" list
t doctor-unknown      64 "" "+^edgeplug: doctor: unknown option \"--frob\"$" doctor --frob
t inspect-missing     64 "" "+^edgeplug: inspect: missing FILE.wasm$" inspect
t inspect-unknown     64 "" "+^edgeplug: inspect: unknown option \"--frob\"$" inspect --frob x.wasm
t inspect-unreadable  66 "" "+^edgeplug: $D/missing.wasm: cannot read: No such file or directory$" inspect "$D/missing.wasm"
t verify-unreadable   66 "" "+^edgeplug: $D/missing.ini: cannot read: No such file or directory$" verify --trust "$D" "$D/missing.ini"

summary
