#!/usr/bin/env python3
"""genmodule.py - writes a large, valid, deterministic WebAssembly module
for the load-time benchmark: FUNCS generated functions of random straight
code, ifs, counted loops, blocks with br_if, loads, stores, i64 arithmetic
and calls, plus an exported main() that calls into every group of functions
and returns a checksum.

    python3 tests/bench/genmodule.py --funcs 16384 -o big.wasm

Functions come in groups of GROUP; a function calls at most one function
of its own group with a lower index, and never inside a loop, so main()
runs in time linear in FUNCS and the call depth stays below GROUP. Every
division has a non-zero divisor and every address is masked into the one
page of memory, so main() cannot trap.
"""
import argparse
import random
import sys

GROUP = 64
N_PARAMS = 2
# Locals: 0-1 params, 2-4 scratch i32, 5 the loop counter (only loops write
# it, so every loop ends), 6-7 i64 accumulators.
I32_LOCALS = (0, 1, 2, 3, 4, 5)
SET_TARGETS = (2, 3, 4)
LOOP_COUNTER = 5
I64_ACC = (6, 7)

I32_BINOPS = (0x6a, 0x6b, 0x6c, 0x71, 0x72, 0x73, 0x74, 0x76, 0x77)  # add sub mul and or xor shl shr_u rotl
I32_CMPS = (0x46, 0x47, 0x49, 0x4b, 0x4d)  # eq ne lt_u gt_u le_u


def uleb(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def sleb(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        done = (n == 0 and not b & 0x40) or (n == -1 and b & 0x40)
        out.append(b if done else b | 0x80)
        if done:
            return bytes(out)


def vec(items):
    return uleb(len(items)) + b"".join(items)


def section(sid, payload):
    return bytes([sid]) + uleb(len(payload)) + payload


def name(s):
    b = s.encode()
    return uleb(len(b)) + b


class FuncGen:
    def __init__(self, rng, index):
        self.rng = rng
        self.index = index
        self.call_used = False

    def expr(self, depth):
        r = self.rng
        if depth <= 0 or r.random() < 0.25:
            if r.random() < 0.7:
                return bytes([0x20]) + uleb(r.choice(I32_LOCALS))
            return bytes([0x41]) + sleb(r.randint(-5000, 5000))
        k = r.random()
        if k < 0.45:
            return self.expr(depth - 1) + self.expr(depth - 1) + bytes([r.choice(I32_BINOPS)])
        if k < 0.55:
            # div_u / rem_u by (x | 1): never zero.
            op = r.choice((0x6E, 0x70))
            return (self.expr(depth - 1) + self.expr(depth - 1) + b"\x41\x01\x72" + bytes([op]))
        if k < 0.65:
            return self.expr(depth - 1) + self.expr(depth - 1) + bytes([r.choice(I32_CMPS)])
        if k < 0.72:
            return self.expr(depth - 1) + self.expr(depth - 1) + self.expr(depth - 1) + b"\x1b"
        if k < 0.85:
            # i32.load from (e & 0xfffc), aligned, inside the first page.
            return self.expr(depth - 1) + b"\x41" + sleb(0xFFFC) + b"\x71\x28\x02\x00"
        # i64: acc += zext(a) * sext(b); the low half is the value.
        acc = r.choice(I64_ACC)
        return (self.expr(depth - 1) + b"\xad" + self.expr(depth - 1) + b"\xac\x7e" +
                b"\x20" + uleb(acc) + b"\x7c\x22" + uleb(acc) + b"\xa7")

    def stmt(self, depth, in_loop):
        r = self.rng
        k = r.random()
        if k < 0.40 or depth <= 0:
            return self.expr(3) + b"\x21" + uleb(r.choice(SET_TARGETS))
        if k < 0.58:
            return (self.expr(2) + b"\x41" + sleb(0xFFFC) + b"\x71" + self.expr(2) + b"\x36\x02\x00")
        if k < 0.72:
            return (self.expr(2) + b"\x04\x40" + self.stmts(depth - 1, in_loop, 2) + b"\x05" +
                    self.stmts(depth - 1, in_loop, 2) + b"\x0b")
        if k < 0.82 and not in_loop:
            count = r.randint(1, 6)
            return (b"\x41" + sleb(count) + b"\x21" + uleb(LOOP_COUNTER) + b"\x03\x40" +
                    self.stmts(depth - 1, True, 3) +
                    b"\x20" + uleb(LOOP_COUNTER) + b"\x41\x01\x6b\x22" + uleb(LOOP_COUNTER) +
                    b"\x0d\x00\x0b")
        if k < 0.90:
            return (b"\x02\x40" + self.stmt(depth - 1, in_loop) + self.expr(2) + b"\x0d\x00" +
                    self.stmt(depth - 1, in_loop) + b"\x0b")
        lo = self.index - self.index % GROUP
        if not in_loop and not self.call_used and self.index > lo:
            self.call_used = True
            callee = r.randrange(lo, self.index)
            return (self.expr(2) + self.expr(2) + b"\x10" + uleb(callee) + b"\x21" +
                    uleb(r.choice(SET_TARGETS)))
        return self.expr(3) + b"\x21" + uleb(r.choice(SET_TARGETS))

    def stmts(self, depth, in_loop, n):
        return b"".join(self.stmt(depth, in_loop) for _ in range(self.rng.randint(1, n)))

    def body(self, nstmts):
        locals_ = vec([uleb(4) + b"\x7f", uleb(2) + b"\x7e"])
        code = b"".join(self.stmt(2, False) for _ in range(nstmts))
        ret = (b"\x20\x02\x20\x03\x6a\x20\x04\x73\x20\x06\x20\x07\x85\xa7\x6a")  # (l2+l3^l4) + wrap(l6^l7)
        b = locals_ + code + ret + b"\x0b"
        return uleb(len(b)) + b


def main_body(nfuncs):
    code = bytearray()
    for g, first in enumerate(range(0, nfuncs, GROUP)):
        last = min(first + GROUP, nfuncs) - 1
        code += b"\x41" + sleb(g) + b"\x41" + sleb(g * 7 + 1) + b"\x10" + uleb(last)
        code += b"\x20\x00\x6a\x21\x00"  # acc += result
    b = vec([uleb(1) + b"\x7f"]) + bytes(code) + b"\x20\x00\x0b"
    return uleb(len(b)) + b


def generate(nfuncs, seed=1, nstmts=6):
    rng = random.Random(seed)
    types = vec([b"\x60" + vec([b"\x7f"] * N_PARAMS) + vec([b"\x7f"]),
                 b"\x60" + vec([]) + vec([b"\x7f"])])
    funcs = vec([uleb(0)] * nfuncs + [uleb(1)])
    memory = vec([b"\x00\x01"])
    exports = vec([name("main") + b"\x00" + uleb(nfuncs), name("memory") + b"\x02\x00"])
    bodies = [FuncGen(rng, i).body(nstmts) for i in range(nfuncs)] + [main_body(nfuncs)]
    return (b"\x00asm\x01\x00\x00\x00" + section(1, types) + section(3, funcs) +
            section(5, memory) + section(7, exports) + section(10, vec(bodies)))


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--funcs", type=int, default=16384)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args(argv)
    data = generate(a.funcs, a.seed)
    with open(a.output, "wb") as f:
        f.write(data)
    print(f"{a.output}: {a.funcs} functions, {len(data)} bytes")


if __name__ == "__main__":
    main(sys.argv[1:])
