#!/bin/sh
# qcount_test.sh OBJDIR - checks qcount.c (compare.py --qemu-count) on logs
# written by hand in qemu's -d in_asm,exec,nochain format: a block run
# twice, a block translated again with another length, a 64-bit target's
# addresses, and a block run before any translation of it.
set -u
dir=${1:-build/bench}
mkdir -p "$dir"
q=$dir/qcount
${CC:-cc} -O2 -Wall -Wextra -o "$q" tests/bench/qcount.c || exit 1
fail=0
check() {   # NAME WANT LOG
	got=$("$q" "$3" 2>&1)
	if [ "$got" = "$2" ]; then echo "ok   $1"; else echo "FAIL $1: got '$got', want '$2'"; fail=1; fi
}
t=$dir/qcount-test.log
cat >"$t" <<'LOG'
----------------
IN: 
0x00010320:  e3a0b000  mov      fp, #0
0x00010324:  e3a0e000  mov      lr, #0
0x00010328:  eb000000  bl       #0x10344

Trace 0: 0x7f33040000c0 [00000480/00010320/00000000/00000200] 
----------------
IN: 
0x00010344:  e59fc040  ldr      ip, [pc, #0x40]
0x00010348:  e12fff1e  bx       lr

Trace 0: 0x7f3304000100 [00000480/00010344/00000000/00000200] 
Trace 0: 0x7f33040000c0 [00000480/00010320/00000000/00000200] 
Trace 0: 0x7f3304000100 [00000480/00010344/00000000/00000200] 
----------------
IN: 
0x00010320:  e3a0b000  mov      fp, #0
0x00010324:  e12fff1e  bx       lr

Trace 0: 0x7f3304000140 [00000480/00010320/00000000/00000200] 
LOG
# 3 + 2 + 3 + 2, then the shorter translation of 0x10320: 2
check "blocks run and translated again" "12 5" "$t"
cat >"$t" <<'LOG'
IN: _start
0x0000000000400580:  d280001d  mov      x29, #0
0x0000000000400584:  d280001e  mov      x30, #0
0x0000000000400588:  910003e0  mov      x0, sp
0x000000000040058c:  14000002  b        #0x400594

Trace 0: 0x7f0000000040 [0000000000000000/0000000000400580/00000000/00000000] 
Trace 0: 0x7f0000000040 [0000000000000000/0000000000400580/00000000/00000000] 
LOG
check "64-bit addresses" "8 2" "$t"
cat >"$t" <<'LOG'
Trace 0: 0x7f33040000c0 [00000480/00010320/00000000/00000200] 
LOG
check "a block never translated" "qcount: line 1: a block run before it was translated" "$t"
check "no log" "qcount: cannot open $dir/no-such.log" "$dir/no-such.log"
rm -f "$t"
exit $fail
