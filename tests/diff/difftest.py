#!/usr/bin/env python3
"""Differential testing of edgeplug against wabt's spectest-interp.

Owns: generating random valid modules (binaryen's `wasm-opt -ttf`), running
each exported function in both engines with edge-case arguments and comparing
what they return, how they trap, what they logged, the mutable globals and
the memory after the call. Touches nothing outside its --out directory
(build/difftest).

Each module is made from seed N alone (sha256 in counter mode), so a failure
is reproduced with `difftest.py --start N --modules 1`.

Both engines run the very same rewritten module (wasm2wat, edit, wat2wasm):
- the fuzz imports fuzzing-support.log-* become defined functions that fold
  their arguments into a hash global (a NaN argument counts as one value,
  since its payload may differ between engines), so the log the fuzzer
  meant as its output is still compared;
- every export F gets a wrapper `__dt_K` that calls F and returns its
  results as bit patterns (floats reinterpreted, references as ref.is_null),
  then every mutable numeric global, then the log hash, then a hash of
  memory 0. Both sides thus print only integers: spectest-interp prints
  floats with %f, which loses bits.
"""
import argparse
import concurrent.futures
import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

FEATURES_BASE = ["--mvp-features", "--enable-multivalue", "--enable-bulk-memory",
                 "--enable-nontrapping-float-to-int", "--enable-sign-ext",
                 "--enable-mutable-globals"]
# binaryen 108 types ref.func results and some locals as typed function
# references (a later proposal) even without that feature, so many of these
# modules are invalid WebAssembly 2.0: both validators must reject them.
FEATURES_REFS = FEATURES_BASE + ["--enable-reference-types"]

FUEL = 200_000_000
TIMEOUT = 60


class Rng:
    """xorshift64*: small, deterministic and the same on every Python."""

    def __init__(self, seed):
        self.s = (seed * 0x9E3779B97F4A7C15 + 0x1234567) & 0xFFFFFFFFFFFFFFFF or 1

    def next(self):
        s = self.s
        s ^= (s >> 12)
        s ^= (s << 25) & 0xFFFFFFFFFFFFFFFF
        s ^= (s >> 27)
        self.s = s
        return (s * 0x2545F4914F6CDD1D) & 0xFFFFFFFFFFFFFFFF

    def below(self, n):
        return self.next() % n

    def pick(self, xs):
        return xs[self.below(len(xs))]


def seed_bytes(seed, n):
    out = bytearray()
    k = 0
    while len(out) < n:
        out += hashlib.sha256(b"edgeplug-difftest:%d:%d" % (seed, k)).digest()
        k += 1
    return bytes(out[:n])


# Edge cases as bit patterns.
EDGE = {
    "i32": [0, 1, 2, 0xFFFFFFFF, 0xFFFFFFFE, 0x80000000, 0x7FFFFFFF, 31, 32, 33,
            0xFFFF, 0x10000, 0x8000, 0xFF, 0x80, 7, 1024, 65535 * 16],
    "i64": [0, 1, 2, 0xFFFFFFFFFFFFFFFF, 0x8000000000000000, 0x7FFFFFFFFFFFFFFF,
            0xFFFFFFFF, 0x80000000, 0x7FFFFFFF, 0x100000000, 63, 64, 65, 0xFF],
    "f32": [0x00000000, 0x80000000, 0x3F800000, 0xBF800000, 0x3F000000,
            0x7F800000, 0xFF800000, 0x7FC00000, 0xFFC00000, 0x7FA00000,
            0x7F800001, 0xFFBFFFFF, 0x7FC00001, 0x7FFFFFFF, 0x00000001,
            0x007FFFFF, 0x80000001, 0x00800000, 0x7F7FFFFF, 0xFF7FFFFF,
            0x4F000000, 0xCF000000, 0x4F800000, 0x5F000000, 0xDF000000,
            0x3EFFFFFF, 0x4B000001],
    "f64": [0x0000000000000000, 0x8000000000000000, 0x3FF0000000000000,
            0xBFF0000000000000, 0x3FE0000000000000, 0x7FF0000000000000,
            0xFFF0000000000000, 0x7FF8000000000000, 0xFFF8000000000000,
            0x7FF4000000000000, 0x7FF0000000000001, 0xFFF7FFFFFFFFFFFF,
            0x7FF8000000000001, 0x7FFFFFFFFFFFFFFF, 0x0000000000000001,
            0x000FFFFFFFFFFFFF, 0x8000000000000001, 0x0010000000000000,
            0x7FEFFFFFFFFFFFFF, 0xFFEFFFFFFFFFFFFF, 0x41E0000000000000,
            0xC1E0000000000000, 0x41F0000000000000, 0x43E0000000000000,
            0xC3E0000000000000, 0x41DFFFFFFFC00000, 0x4330000000000001],
}
WIDTH = {"i32": 32, "i64": 64, "f32": 32, "f64": 64}


REFS = ("funcref", "externref")


def pick_arg(rng, t):
    if t in REFS:
        return "null"  # the only reference a command line can pass
    if rng.below(6) == 0:
        return rng.next() & ((1 << WIDTH[t]) - 1)
    return rng.pick(EDGE[t])


def is_nan(t, bits):
    if t == "f32":
        return (bits & 0x7F800000) == 0x7F800000 and (bits & 0x7FFFFF) != 0
    if t == "f64":
        return ((bits & 0x7FF0000000000000) == 0x7FF0000000000000
                and (bits & 0xFFFFFFFFFFFFF) != 0)
    return False


def edgeplug_arg(t, bits):
    """The argument text edgeplug reads back to exactly these bits."""
    if t in ("i32", "i64") or t in REFS:
        return str(bits)
    if t == "f32":
        sign, exp, man, top = bits >> 31, (bits >> 23) & 0xFF, bits & 0x7FFFFF, 0xFF
        value = struct.unpack("<f", struct.pack("<I", bits))[0]
    else:
        sign, exp, man, top = bits >> 63, (bits >> 52) & 0x7FF, bits & 0xFFFFFFFFFFFFF, 0x7FF
        value = struct.unpack("<d", struct.pack("<Q", bits))[0]
    if exp == top:
        return ("-" if sign else "") + ("nan:0x%x" % man if man else "inf")
    return value.hex()  # exact: an f32 widens to f64 without rounding


TRAP_KINDS = [
    (r"unreachable", "unreachable"),
    (r"divide by zero", "integer divide by zero"),
    (r"integer overflow", "integer overflow"),
    (r"invalid conversion", "invalid conversion to integer"),
    (r"out of bounds memory|memory access out of bounds", "out of bounds memory access"),
    (r"out of bounds table", "out of bounds table access"),
    (r"signature mismatch|type mismatch", "indirect call type mismatch"),
    (r"undefined element|undefined table index", "undefined element"),
    (r"uninitialized element|uninitialized table element", "uninitialized element"),
    (r"call stack exhausted|stack overflow|value stack exhausted", "stack exhausted"),
    (r"unknown import", "unknown import"),
]


def trap_kind(msg):
    for pat, kind in TRAP_KINDS:
        if re.search(pat, msg):
            return kind
    return "other: " + msg.strip()


def run(cmd, timeout=TIMEOUT, cwd=None):
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=timeout, cwd=cwd)
        return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        return None, "", "timeout"


# --- the wrapper -------------------------------------------------------------

HASH_FUNC = """
  (func $__dt_hash (result i64) (local i32 i64 i32)
    i64.const 0xcbf29ce484222325
    local.set 1
    memory.size
    i32.const 16
    i32.shl
    local.set 2
    block
      loop
        local.get 0
        local.get 2
        i32.ge_u
        br_if 1
        local.get 1
        local.get 0
        i64.load
        i64.xor
        i64.const 0x100000001b3
        i64.mul
        i64.const 29
        i64.rotl
        local.set 1
        local.get 0
        i32.const 8
        i32.add
        local.set 0
        br 0
      end
    end
    local.get 1)
"""

AS_BITS = {"i32": ("i32", ""), "i64": ("i64", ""),
           "f32": ("i32", "i32.reinterpret_f32"), "f64": ("i64", "i64.reinterpret_f64"),
           "funcref": ("i32", "ref.is_null"), "externref": ("i32", "ref.is_null")}


LOG_PRIME = "0x100000001b3"
NAN_BITS = {"f32": "0x7fc00000", "f64": "0x7ff8000000000000"}


def logger(index, type_index, params):
    """The body that replaces an imported fuzzing-support.log-* function."""
    body = []
    for i, t in enumerate(params):
        body.append("global.get $__dt_log")
        if t == "i32":
            body += ["local.get %d" % i, "i64.extend_i32_u"]
        elif t == "i64":
            body += ["local.get %d" % i]
        elif t in ("f32", "f64"):
            conv = "i32.reinterpret_f32\n    i64.extend_i32_u" if t == "f32" else "i64.reinterpret_f64"
            body += ["local.get %d" % i, conv, "i64.const " + NAN_BITS[t],
                     "local.get %d" % i, "local.get %d" % i, t + ".eq", "select"]
        else:
            body += ["local.get %d" % i, "ref.is_null", "i64.extend_i32_u"]
        body += ["i64.xor", "i64.const " + LOG_PRIME, "i64.mul", "global.set $__dt_log"]
    return "(func (;%d;) (type %d)\n    %s)" % (index, type_index, "\n    ".join(body))


def wrapper(k, func_index, params, results, globals_, has_memory):
    """A function that calls FUNC_INDEX and returns everything observable as
    integers; the second value is the type of each, for the comparison."""
    out_types = []
    body = ["local.get %d" % i for i in range(len(params))]
    body.append("call %d" % func_index)
    nres = len(results)
    # Results come off the stack last first into locals after the params.
    for j in reversed(range(nres)):
        body.append("local.set %d" % (len(params) + j))
    for j, t in enumerate(results):
        body.append("local.get %d" % (len(params) + j))
        conv = AS_BITS[t][1]
        if conv:
            body.append(conv)
        out_types.append(("result", t))
    for g in globals_:
        body.append("global.get %d" % g["index"])
        conv = AS_BITS[g["type"]][1]
        if conv:
            body.append(conv)
        out_types.append(("global %d" % g["index"], g["type"]))
    body.append("global.get $__dt_log")
    out_types.append(("log hash", "i64"))
    if has_memory:
        body.append("call $__dt_hash")
        out_types.append(("memory hash", "i64"))
    sig = " ".join("(param %s)" % p for p in params)
    sig += " (result %s)" % " ".join(AS_BITS[t][0] if t in AS_BITS else t
                                     for _, t in out_types) if out_types else ""
    # The result of ref.is_null etc. is named in out_types by its source type.
    locs = " ".join("(local %s)" % t for t in results)
    text = '  (func (export "__dt_%d") %s %s\n    %s)\n' % (k, sig, locs, "\n    ".join(body))
    return text, out_types


# --- one module --------------------------------------------------------------

class Result:
    def __init__(self):
        self.compared = 0
        self.passed = 0
        self.failures = []       # (description) strings
        self.skips = {}          # reason -> count
        self.outcomes = {}       # what the compared calls did -> count
        self.modules = 0
        self.calls = 0
        self.denan_ok = 0        # passed, but only once NaNs were made 0
        self.denan_seeds = set()

    def skip(self, reason, n=1):
        self.skips[reason] = self.skips.get(reason, 0) + n

    def merge(self, o):
        self.compared += o.compared
        self.passed += o.passed
        self.failures += o.failures
        self.modules += o.modules
        self.calls += o.calls
        self.denan_ok += o.denan_ok
        self.denan_seeds |= o.denan_seeds
        for k, v in o.skips.items():
            self.skip(k, v)
        for k, v in o.outcomes.items():
            self.outcomes[k] = self.outcomes.get(k, 0) + v


def parse_ep(rc, out, err):
    """edgeplug's outcome: ("values", [ints]) | ("trap", kind) | ("skip", why)."""
    if rc == 0:
        vals = []
        for line in out.split("\n"):
            if not line:
                continue
            t, _, v = line.partition(":")
            n = int(v)
            vals.append(n & ((1 << WIDTH[t]) - 1))
        return ("values", vals)
    if rc == 134:
        m = re.search(r"trap: (.*?)( in function .*)?$", err.strip().split("\n")[-1])
        return ("trap", trap_kind(m.group(1) if m else err))
    if rc == 135:
        return ("skip", "calls: edgeplug fuel exhausted")
    if rc is None:
        return ("skip", "calls: edgeplug timed out")
    return ("error", "exit %s: %s" % (rc, err.strip()))


def parse_wabt(rhs):
    rhs = rhs.strip()
    if rhs.startswith("error:"):
        return ("trap", trap_kind(rhs[len("error:"):]))
    vals = []
    if rhs:
        for item in rhs.split(", "):
            t, _, v = item.partition(":")
            vals.append(int(v) & ((1 << WIDTH[t]) - 1))
    return ("values", vals)


def compare(ep, wb, out_types):
    """None when they agree, else why not."""
    if ep[0] != wb[0]:
        return "edgeplug %s, spectest-interp %s" % (ep, wb)
    if ep[0] == "trap":
        return None if ep[1] == wb[1] else "trap kind: edgeplug %r, spectest-interp %r" % (ep[1], wb[1])
    a, b = ep[1], wb[1]
    if len(a) != len(b):
        return "value count: edgeplug %d, spectest-interp %d" % (len(a), len(b))
    diffs = []
    for (what, t), x, y in zip(out_types, a, b):
        if x == y or (is_nan(t, x) and is_nan(t, y)):
            continue
        diffs.append("%s (%s): edgeplug 0x%x, spectest-interp 0x%x" % (what, t, x, y))
    return "; ".join(diffs) if diffs else None


def do_module(seed, args):
    res = Result()
    rng = Rng(seed)
    refs = seed % 3 == 2
    nbytes = 500 + rng.below(args.max_bytes)
    work = tempfile.mkdtemp(prefix="dt%d-" % seed, dir=args.tmp)
    try:
        return do_module_in(seed, args, res, rng, refs, nbytes, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def save_failure(args, seed, work, lines):
    d = os.path.join(args.out, "failures", "seed-%d" % seed)
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(work):
        shutil.copy(os.path.join(work, f), d)
    with open(os.path.join(d, "FAILURES.txt"), "w") as fh:
        fh.write("\n".join(lines) + "\n")


def do_module_in(seed, args, res, rng, refs, nbytes, work):
    inp = os.path.join(work, "input.bin")
    raw = os.path.join(work, "raw.wasm")
    wrapped = os.path.join(work, "wrapped.wasm")
    with open(inp, "wb") as fh:
        fh.write(seed_bytes(seed, nbytes))
    feats = FEATURES_REFS if refs else FEATURES_BASE
    rc, _, err = run(["wasm-opt", "-ttf", inp, "-o", raw] + feats)
    if rc != 0:
        res.skip("modules: wasm-opt failed")
        return res
    rc_w, _, _ = run(["wasm-validate", raw])
    rc_e, _, err_e = run([args.edgeplug, "validate", raw])
    if (rc_w == 0) != (rc_e == 0):
        msg = "seed %d: validation: wasm-validate exit %s, edgeplug exit %s %s" % (
            seed, rc_w, rc_e, err_e.strip())
        res.failures.append(msg)
        save_failure(args, seed, work, [msg])
        return res
    if rc_w != 0:
        res.skip("modules: invalid in both validators (binaryen 108 emits typed function refs)")
        return res
    res.modules += 1
    mod = prepare(args, raw, os.path.join(work, "wrapped"))
    if isinstance(mod, str):
        if mod.startswith("modules: "):
            res.skip(mod)
        else:
            res.failures.append("seed %d: %s" % (seed, mod))
            save_failure(args, seed, work, [res.failures[-1]])
        return res
    wrapped, exports, skipped = mod
    if skipped:
        res.skip("calls: export takes a parameter of another type", skipped * args.calls)
    calls = []  # (k, export name, types, args bits, out_types)
    for k, e, out_types in exports:
        sets = [[0 if t in WIDTH else "null" for t in e["params"]]]
        while len(sets) < args.calls:
            sets.append([pick_arg(rng, t) for t in e["params"]])
        if not e["params"]:
            sets = sets[:1]
        for a in sets:
            calls.append((k, e["name"], e["params"], a, out_types))
    if not calls:
        res.skip("modules: no callable exports")
        return res

    wabt = run_wabt(wrapped, [(k, types, a) for k, _, types, a, _ in calls])
    if isinstance(wabt, str):
        res.failures.append("seed %d: %s" % (seed, wabt))
        save_failure(args, seed, work, [res.failures[-1]])
        return res

    denan = None  # built the first time a mismatch needs it
    lines = []
    for (k, name, types, a, out_types), wb in zip(calls, wabt):
        res.calls += 1
        eargs = [edgeplug_arg(t, v) for t, v in zip(types, a)]
        ep = run_edgeplug(args, wrapped, k, eargs)
        if ep[0] == "skip":
            res.skip(ep[1])
            continue
        if (ep[0] == "trap" and ep[1] == "stack exhausted") or \
           (wb[0] == "trap" and wb[1] == "stack exhausted"):
            res.skip("calls: stack exhausted on either side")
            continue
        res.compared += 1
        what = "returned" if wb[0] == "values" else "trapped: " + wb[1]
        res.outcomes[what] = res.outcomes.get(what, 0) + 1
        why = compare(ep, wb, out_types)
        if why is None:
            res.passed += 1
            continue
        # Arithmetic on NaNs may give any arithmetic NaN, and that payload
        # can reach memory, globals, branches and integers (reinterpret).
        # binaryen's --denan turns every NaN into 0; if the engines agree on
        # that module, the difference was the spec's allowed freedom. Only
        # for calls that returned on both sides: --denan would also hide a
        # trap (or a missing one) of a float-to-int conversion of a NaN.
        if ep[0] == wb[0] == "values" and denan is None:
            denan = make_denan(args, raw, work, refs)
        if ep[0] == wb[0] == "values" and not isinstance(denan, str):
            dk = denan[1].get(name)
            if dk is not None:
                dep = run_edgeplug(args, denan[0], dk[0], eargs)
                dwb = run_wabt(denan[0], [(dk[0], types, a)])
                if not isinstance(dwb, str) and dep[0] != "skip" and \
                   compare(dep, dwb[0], dk[1]) is None:
                    res.passed += 1
                    res.denan_ok += 1
                    res.denan_seeds.add(seed)
                    continue
        argtext = " ".join(eargs)
        msg = "seed %d: %s(%s) [wrapper __dt_%d]: %s" % (seed, name, argtext, k, why)
        lines.append(msg + "\n  reproduce: %s run --invoke __dt_%d -- wrapped.wasm %s" % (
            args.edgeplug, k, argtext))
        res.failures.append(msg)
    if lines:
        save_failure(args, seed, work, lines)
    return res


def make_denan(args, raw, work, refs):
    path = os.path.join(work, "denan.wasm")
    rc, _, err = run(["wasm-opt", raw, "--denan", "-o", path] + (FEATURES_REFS if refs else FEATURES_BASE))
    if rc != 0:
        return "wasm-opt --denan failed: " + err.strip()
    mod = prepare(args, path, os.path.join(work, "denan-wrapped"))
    if isinstance(mod, str):
        return mod
    return mod[0], {e["name"]: (k, out_types) for k, e, out_types in mod[1]}


def prepare(args, raw, base):
    """Writes BASE.wat and BASE.wasm: RAW with the imports defined and the
    wrappers added. Returns (BASE.wasm, [(k, export, out_types)], number of
    exports left out) or a string saying why not ("modules: ..." for a skip)."""
    rc, out, err = run([args.edgeplug, "inspect", "--json", raw])
    if rc != 0:
        return "edgeplug inspect failed: " + err.strip()
    info = json.loads(out)
    func_imports = [i for i in info["imports"] if i["kind"] == "func"]
    if len(func_imports) != len(info["imports"]) or \
       any(i["module"] != "fuzzing-support" or i["results"] for i in func_imports):
        return "modules: imports other than fuzzing-support.log-*"
    globals_ = [g for g in info["globals"] if g["mutable"]]
    has_memory = bool(info["memories"])
    rc, wat, err = run(["wasm2wat", raw])
    if rc != 0:
        return "wasm2wat failed: " + err.strip()
    wat = wat.rstrip()
    if not wat.endswith(")"):
        return "wasm2wat printed no closing parenthesis"
    pat = re.compile(r'\(import "fuzzing-support" "[^"]+" \(func \(;(\d+);\) \(type (\d+)\)\)\)')
    wat = pat.sub(lambda m: logger(int(m.group(1)), int(m.group(2)),
                                   func_imports[int(m.group(1))]["params"]), wat)
    if "(import " in wat:
        return "an import in a form the rewrite does not know was left"
    extra = ["  (global $__dt_log (mut i64) (i64.const 0))\n"]
    extra += [HASH_FUNC] if has_memory else []
    exports = []
    skipped = 0
    for e in info["exports"]:
        if e["kind"] != "func":
            continue
        if any(p not in WIDTH and p not in REFS for p in e["params"]):
            skipped += 1
            continue
        k = len(exports)
        text, out_types = wrapper(k, e["index"], e["params"], e["results"], globals_, has_memory)
        extra.append(text)
        exports.append((k, e, out_types))
    with open(base + ".wat", "w") as fh:
        fh.write(wat[:-1] + "\n" + "".join(extra) + ")\n")
    rc, _, err = run(["wat2wasm", base + ".wat", "-o", base + ".wasm"])
    if rc != 0:
        return "wat2wasm of the wrapped module failed: " + err.strip()
    return base + ".wasm", exports, skipped


def run_edgeplug(args, wasm, k, eargs):
    rc, out, err = run([args.edgeplug, "run", "--invoke", "__dt_%d" % k, "--fuel", str(FUEL),
                        "--", wasm] + eargs)
    return parse_ep(rc, out, err)


def run_wabt(wasm, calls):
    """spectest-interp on CALLS [(k, types, args)], a fresh instance before
    each, as edgeplug has. The outcomes in order, or a string on failure."""
    cmds = []
    for i, (k, types, a) in enumerate(calls):
        cmds.append({"type": "module", "line": 2 * i + 1, "filename": os.path.basename(wasm)})
        cmds.append({"type": "action", "line": 2 * i + 2,
                     "action": {"type": "invoke", "field": "__dt_%d" % k,
                                "args": [{"type": t, "value": str(v)} for t, v in zip(types, a)]},
                     "expected": []})
    script = wasm[:-len(".wasm")] + ".json"
    with open(script, "w") as fh:
        json.dump({"source_filename": "calls.wast", "commands": cmds}, fh)
    rc, out, err = run(["spectest-interp", os.path.basename(script)], timeout=TIMEOUT * 5,
                       cwd=os.path.dirname(wasm))
    got = [m.groups() for m in re.finditer(r"^__dt_(\d+)\((.*?)\) => (.*)$", out, re.M)]
    if rc is None or len(got) != len(calls) or \
       any(int(g[0]) != c[0] for g, c in zip(got, calls)):
        return "spectest-interp printed %d results for %d calls (exit %s): %s" % (
            len(got), len(calls), rc, (out + err)[-500:])
    return [parse_wabt(g[2]) for g in got]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--modules", type=int, default=200, help="how many seeds")
    ap.add_argument("--start", type=int, default=0, help="first seed")
    ap.add_argument("--calls", type=int, default=4, help="argument sets per export")
    ap.add_argument("--max-bytes", type=int, default=6000, help="random input bytes, at most 500 more")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--edgeplug", default="build/x86_64/edgeplug")
    ap.add_argument("--out", default="build/difftest")
    ap.add_argument("--keep", action="store_true", help="keep each module's files under OUT/tmp")
    args = ap.parse_args()
    for tool in ("wasm-opt", "wasm-validate", "wasm2wat", "wat2wasm", "spectest-interp"):
        if not shutil.which(tool):
            sys.exit("difftest: %s not found (binaryen and wabt are needed)" % tool)
    args.edgeplug = os.path.abspath(args.edgeplug)
    os.makedirs(args.out, exist_ok=True)
    shutil.rmtree(os.path.join(args.out, "failures"), ignore_errors=True)
    args.tmp = os.path.abspath(os.path.join(args.out, "tmp"))
    os.makedirs(args.tmp, exist_ok=True)
    t0 = time.time()
    total = Result()
    seeds = range(args.start, args.start + args.modules)
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
        for r in ex.map(lambda s: do_module(s, args), seeds):
            for f in r.failures:
                print("FAIL " + f)
            total.merge(r)
    dt = time.time() - t0
    print("difftest: seeds %d..%d: %d modules run, %d calls, %.1f s" % (
        args.start, args.start + args.modules - 1, total.modules, total.calls, dt))
    for what, n in sorted(total.outcomes.items(), key=lambda x: -x[1]):
        print("compared %d: %s" % (n, what))
    if total.denan_ok:
        print("passed %d only after --denan: they differed by NaN payloads alone (seeds %s)" % (
            total.denan_ok, " ".join(map(str, sorted(total.denan_seeds)))))
    for reason, n in sorted(total.skips.items()):
        print("skipped %d: %s" % (n, reason))
    if total.failures:
        print("failures saved under %s" % os.path.join(args.out, "failures"))
    print("%d passed, %d failed" % (total.passed, len(total.failures)))
    sys.exit(1 if total.failures else 0)


if __name__ == "__main__":
    main()
