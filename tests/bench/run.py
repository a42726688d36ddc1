#!/usr/bin/env python3
"""run.py - edgeplug's benchmark suite (`make bench`, `make bench-smoke`).

Builds every workload in tests/bench/*.c four ways from the same source:
natively with the board's gcc -O2, as a freestanding wasm32 module exporting
bench(n) (what edgeplug and wasm-interp time), as a wasm32 module whose
run() calls bench(N) for a fixed N (wasm-interp cannot pass arguments), and
as a wasm32-wasi command (checked once each when edgeplug can run WASI).
Then it runs each runner several times, round robin, checks every checksum
against the native build, and reports medians, min-max spreads, ratios and
their geometric means: a Markdown table on stdout and in report.md,
results.csv, and ratios.svg (one bar per workload). It also times startup
(a hello world, many runs), peak RSS, and the load time of a large
generated module.

Runners: native; edgeplug (fuel unlimited); edgeplug --fuel FUEL (finite but
never reached; "n/a" while the CLI has no --fuel); wasm-interp from wabt
(host only, at 1/--interp-div of the repetitions, compared per repetition).

--smoke runs everything once with one repetition: it checks that every build
and runner agrees and proves nothing about speed. With --qemu PREFIX the
native programs and edgeplug both run under that emulator and only the
ratios mean anything. Exit status: 0 when every checksum matched, 1
otherwise, 2 when a build failed.
"""
import argparse
import concurrent.futures
import math
import os
import re
import shlex
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import genmodule  # noqa: E402

# name, repetitions of the full run, what it stresses. The repetitions give
# about 0.1 s natively on the x86-64 machine the suite was written on; each
# repetition is a fixed amount of work, so time is linear in them.
WORKLOADS = [
    ("fib", 1500, "recursive calls"),
    ("sieve", 75, "byte stores, strided loops"),
    ("matmul_int", 600, "i32 multiply-add, addressing"),
    ("matmul_f64", 650, "f64 multiply-add, addressing"),
    ("nbody", 1800, "f64 sqrt/div, struct fields"),
    ("mandelbrot", 120, "f64 tight loop, early exit"),
    ("sha256", 1100, "rotates, shifts, schedule"),
    ("crc32", 600, "table lookups, byte loads"),
    ("quicksort", 55, "compares, swaps, recursion"),
    ("lz77", 220, "hash chains, byte compares"),
    ("vm", 65, "switch dispatch loop"),
    ("memops", 900, "memory.copy / memory.fill"),
    ("coremix", 4000, "list, matrix, state machine, CRC"),
]

# Fuel for the metered runs: finite, so every charge is counted, and far
# more than any run uses, so none runs out.
FUEL = "1000000000000000000"
BIG_FUNCS = 16384      # the large module: about 6 MB
TARGET_RATIO = 12.0    # issue 6: 12x native or better on CoreMark-class code
INTERP_RUNS = 3        # at most this many timed wasm-interp runs per workload

WASM_FLAGS = ["-std=c11", "-O2", "-mbulk-memory", "-Wall", "-Wextra"]
FREESTANDING = ["--target=wasm32", "-nostdlib", "-DBENCH_FREESTANDING", "-Wl,--no-entry"]
WASI = ["--target=wasm32-wasi"]
# No FMA contraction: the f64 checksums must match wasm bit for bit.
NATIVE_FLAGS = ["-std=c11", "-O2", "-ffp-contract=off", "-Wall", "-Wextra", "-static"]


class BuildError(Exception):
    pass


# ---------------------------------------------------------------- running

class Run:
    """One finished process: exit code, output, wall time, peak RSS."""

    def __init__(self, rc, out, err, secs, rss_kb):
        self.rc, self.out, self.err, self.secs, self.rss_kb = rc, out, err, secs, rss_kb

    def first_err(self):
        lines = [l for l in self.err.splitlines() if l.strip()]
        return lines[0] if lines else f"exit code {self.rc}"


TIMEIT = None  # path of the built timeit helper (see timeit.c)


def run_once(argv, tmpdir, stdin="/dev/null", cwd=None):
    """Runs argv through timeit (in directory cwd, when given) with stdin
    from a file: wall time from fork to reap and the command's own peak RSS
    (see timeit.c). Its stdout and stderr stay in tmpdir until the next run."""
    res_path = os.path.join(tmpdir, "result")
    out_path = os.path.join(tmpdir, "stdout")
    err_path = os.path.join(tmpdir, "stderr")
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, stdin, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
        (os.POSIX_SPAWN_OPEN, 2, err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
    ]
    if os.path.exists(res_path):
        os.unlink(res_path)
    full = [TIMEIT, res_path] + (["-C", cwd] if cwd else []) + argv
    pid = os.posix_spawn(TIMEIT, full, os.environ, file_actions=actions)
    _, status = os.waitpid(pid, 0)
    with open(out_path, errors="replace") as f:
        out = f.read()
    with open(err_path, errors="replace") as f:
        err = f.read()
    try:
        with open(res_path) as f:
            code, ns, rss = (int(x) for x in f.read().split())
    except (OSError, ValueError):
        return Run(127, out, err or f"timeit failed (status {status})", 0.0, 0)
    return Run(code, out, err, ns / 1e9, rss)


def parse_checksum(kind, out):
    """The checksum a runner printed, as an unsigned 32-bit int, or None."""
    pat = {"plain": r"^\s*(-?\d+)\s*$", "edgeplug": r"^i32:(-?\d+)\s*$",
           "interp": r"=> i32:(-?\d+)"}[kind]
    m = re.search(pat, out, re.M)
    return int(m.group(1)) & 0xFFFFFFFF if m else None


# ---------------------------------------------------------------- building

def compile_cmds(args, obj, name, src, fixed_reps):
    """(output, argv) for every build of one workload."""
    clang = shlex.split(args.clang)
    native_cc = shlex.split(args.native_cc)
    inc = ["-I", HERE]
    cmds = {
        "native": (os.path.join(obj, name + ".native"),
                   native_cc + NATIVE_FLAGS + inc + [src, "-lm"]),
        "wasm": (os.path.join(obj, name + ".wasm"),
                 clang + FREESTANDING + WASM_FLAGS + inc + [src]),
        "wasi": (os.path.join(obj, name + ".wasi.wasm"),
                 clang + WASI + WASM_FLAGS + inc + [src]),
    }
    if fixed_reps is not None:
        cmds["fixed"] = (os.path.join(obj, f"{name}.fixed-{fixed_reps}.wasm"),
                         clang + FREESTANDING + WASM_FLAGS + inc +
                         [f"-DBENCH_FIXED_N={fixed_reps}", src])
    return {k: (o, argv + ["-o", o]) for k, (o, argv) in cmds.items()}


def build_all(jobs):
    """Runs the compile commands in parallel; raises BuildError on the first
    failure with its command and messages."""
    def one(job):
        out, argv = job
        p = subprocess.run(argv, capture_output=True, text=True)
        if p.returncode != 0:
            raise BuildError(f"{' '.join(map(shlex.quote, argv))}\n{p.stderr.strip()}")
        return out

    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as ex:
        for f in concurrent.futures.as_completed([ex.submit(one, j) for j in jobs]):
            f.result()


# ---------------------------------------------------------------- statistics

def med(xs):
    return statistics.median(xs) if xs else None


def geomean(xs):
    xs = [x for x in xs if x]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def fmt_ms(times):
    if not times:
        return "n/a"
    m, lo, hi = med(times) * 1e3, min(times) * 1e3, max(times) * 1e3
    d = 0 if m >= 1000 else 1 if m >= 10 else 2
    return f"{m:.{d}f} ({lo:.{d}f}-{hi:.{d}f})"


def fmt_ratio(r, digits=1):
    return "n/a" if r is None else f"{r:.{digits}f}x"


# ---------------------------------------------------------------- report files

def write_svg(path, rows, geo, title):
    """One bar per workload (edgeplug/native), the 12x target dashed and the
    geometric mean solid. Plain SVG, no plotting library."""
    bars = [(n, r) for n, r in rows if r]
    if not bars:
        return
    W, H = 900, 420
    left, right, top, bottom = 60, 20, 40, 110
    pw, ph = W - left - right, H - top - bottom
    vmax = max([r for _, r in bars] + [TARGET_RATIO, geo or 0]) * 1.12

    def y(v):
        return top + ph - v / vmax * ph

    s = svg_start(W, H, left, right, vmax, y, title)
    bw = pw / len(bars)
    for i, (name, r) in enumerate(bars):
        x = left + i * bw + bw * 0.15
        s.append(f'<rect x="{x:.1f}" y="{y(r):.1f}" width="{bw * 0.7:.1f}" '
                 f'height="{y(0) - y(r):.1f}" fill="#4a78b5"><title>{esc(name)}: {r:.2f}x</title></rect>')
        s.append(f'<text x="{x + bw * 0.35:.1f}" y="{y(r) - 4:.1f}" text-anchor="middle">{r:.1f}</text>')
        cx, cy = x + bw * 0.35, y(0) + 12
        s.append(f'<text x="{cx:.1f}" y="{cy:.1f}" text-anchor="end" '
                 f'transform="rotate(-45 {cx:.1f} {cy:.1f})">{esc(name)}</text>')
    s.append(f'<line x1="{left}" y1="{y(0)}" x2="{W - right}" y2="{y(0)}" stroke="black"/>')
    s.append(f'<line x1="{left}" y1="{y(TARGET_RATIO):.1f}" x2="{W - right}" y2="{y(TARGET_RATIO):.1f}" '
             f'stroke="#c33" stroke-dasharray="6 4"/>')
    s.append(f'<text x="{W - right - 4}" y="{y(TARGET_RATIO) - 4:.1f}" text-anchor="end" fill="#c33"{HALO}>'
             f'target {TARGET_RATIO:g}x</text>')
    if geo:
        s.append(f'<line x1="{left}" y1="{y(geo):.1f}" x2="{W - right}" y2="{y(geo):.1f}" stroke="#2a2"/>')
        s.append(f'<text x="{left + 4}" y="{y(geo) - 4:.1f}" fill="#2a2"{HALO}>geomean {geo:.1f}x</text>')
    s.append(f'<text x="14" y="{top + ph / 2}" transform="rotate(-90 14 {top + ph / 2})" '
             f'text-anchor="middle">edgeplug time / native time</text>')
    s.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(s) + "\n")


def svg_start(W, H, left, right, vmax, y, title):
    """The opening of a bar chart W x H: white canvas, title, and grid lines
    from 0 to vmax (y maps a value to its height) at 1, 2 or 5 times a power
    of ten, four to ten of them, labelled as ratios."""
    mag = 10 ** math.floor(math.log10(vmax / 4))
    step = next(m * mag for m in (1, 2, 5, 10) if vmax / (m * mag) <= 10)
    s = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
         f'viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="12">',
         f'<rect width="{W}" height="{H}" fill="white"/>',
         f'<text x="{W / 2}" y="22" text-anchor="middle" font-size="15">{esc(title)}</text>']
    v = 0.0
    while v <= vmax:
        s.append(f'<line x1="{left}" y1="{y(v):.1f}" x2="{W - right}" y2="{y(v):.1f}" stroke="#ddd"/>')
        s.append(f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v:g}x</text>')
        v += step
    return s


# A white outline behind a label keeps it readable over the bars.
HALO = ' stroke="white" stroke-width="3" paint-order="stroke"'


def esc(t):
    return t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ---------------------------------------------------------------- the suite

def first_line(argv):
    try:
        p = subprocess.run(argv, capture_output=True, text=True)
        return (p.stdout or p.stderr).splitlines()[0].strip()
    except (OSError, IndexError):
        return "?"


def describe_machine(args):
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    rev = first_line(["git", "-C", HERE, "describe", "--always", "--dirty"])
    native_cc = shlex.split(args.native_cc)
    return [f"board {args.board}{' under ' + args.qemu if args.qemu else ''}; host CPU {cpu}, "
            f"{os.cpu_count()} cores",
            f"{args.edgeplug}: {first_line(args.qemu_argv + [args.edgeplug, '--version'])} "
            f"(work tree at git {rev})",
            f"native: {' '.join(native_cc + NATIVE_FLAGS)} ({first_line(native_cc + ['--version'])})",
            f"wasm: {args.clang} {' '.join(WASM_FLAGS)} ({first_line(shlex.split(args.clang) + ['--version'])})"]


def main(argv):
    ap = argparse.ArgumentParser(description="edgeplug's benchmark suite (see the module docstring)")
    ap.add_argument("--smoke", action="store_true", help="one run of one repetition each: checks only")
    ap.add_argument("--board", default="x86_64")
    ap.add_argument("--edgeplug", default="build/x86_64/edgeplug")
    ap.add_argument("--native-cc", default="gcc", help="compiler (and CPU flags) for the native builds")
    ap.add_argument("--clang", default="clang")
    ap.add_argument("--host-cc", default="cc", help="compiler for the host-side timeit helper")
    ap.add_argument("--qemu", default="", help="prefix that runs board binaries (ratios only)")
    ap.add_argument("--wasm-interp", default="wasm-interp")
    ap.add_argument("--out", help="output directory (default build/bench[/BOARD][/smoke])")
    ap.add_argument("--runs", type=int, help="timed runs per runner (default 5; smoke 1)")
    ap.add_argument("--scale", type=float,
                    help="multiplies every repetition count (default 1; 0.25 under --qemu)")
    ap.add_argument("--interp-div", type=int, default=10,
                    help="wasm-interp runs 1/N of the repetitions (default 10)")
    ap.add_argument("--no-interp", action="store_true", help="skip wasm-interp")
    ap.add_argument("--only", help="comma-separated workloads")
    ap.add_argument("--startup-runs", type=int, help="hello-world runs (default 100; smoke 3)")
    ap.add_argument("--big-funcs", type=int, help=f"functions in the large module (default {BIG_FUNCS})")
    args = ap.parse_args(argv)

    smoke = args.smoke
    args.qemu_argv = shlex.split(args.qemu)
    runs = args.runs or (1 if smoke else 5)
    scale = args.scale if args.scale is not None else (0.25 if args.qemu else 1.0)
    startup_runs = args.startup_runs or (3 if smoke else 100 if not args.qemu else 20)
    big_funcs = args.big_funcs or (256 if smoke else BIG_FUNCS)
    out = args.out or os.path.join("build", "bench", *([] if args.board == "x86_64" else [args.board]),
                                   *(["smoke"] if smoke else []))
    obj = os.path.join(out, "obj")
    os.makedirs(obj, exist_ok=True)
    tmp = os.path.join(out, "tmp")
    os.makedirs(tmp, exist_ok=True)
    global TIMEIT
    TIMEIT = os.path.join(obj, "timeit")
    p = subprocess.run(shlex.split(args.host_cc) + ["-O2", "-static", "-o", TIMEIT,
                                                    os.path.join(HERE, "timeit.c")],
                       capture_output=True, text=True)
    if p.returncode != 0:
        print(f"bench: cannot build timeit.c with {args.host_cc}:\n{p.stderr}", file=sys.stderr)
        return 2
    ep = args.edgeplug
    if not os.access(ep, os.X_OK):
        print(f"bench: {ep}: not built (make {ep})", file=sys.stderr)
        return 2

    workloads = WORKLOADS
    if args.only:
        want = args.only.split(",")
        unknown = set(want) - {w[0] for w in WORKLOADS}
        if unknown:
            print(f"bench: unknown workload(s): {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
        workloads = [w for w in WORKLOADS if w[0] in want]

    # wasm-interp is a host program: a peer only when we are not emulating.
    use_interp = not args.no_interp and not args.qemu
    if use_interp and run_once([args.wasm_interp, "--version"], tmp).rc != 0:
        print(f"bench: {args.wasm_interp} not found; its column is skipped", file=sys.stderr)
        use_interp = False

    plan = []  # (name, reps, interp_reps, what)
    for name, full, what in workloads:
        reps = 1 if smoke else max(1, round(full * scale))
        ireps = max(1, round(reps / args.interp_div)) if use_interp else None
        plan.append((name, reps, ireps, what))

    machine = describe_machine(args)
    report = [f"# edgeplug benchmark{' (smoke: tiny inputs, no timing claims)' if smoke else ''}", ""]
    report += [f"- {line}" for line in machine] + [""]
    for line in report:
        print(line)
    sys.stdout.flush()

    # ---- build
    jobs, builds = [], {}
    for name, reps, ireps, _ in plan:
        cmds = compile_cmds(args, obj, name, os.path.join(HERE, name + ".c"), ireps)
        builds[name] = {k: o for k, (o, _) in cmds.items()}
        jobs += list(cmds.values())
    hello = compile_cmds(args, obj, "hello", os.path.join(HERE, "hello.c"), None)
    jobs += list(hello.values())
    try:
        build_all(jobs)
    except BuildError as e:
        print(f"bench: build failed:\n{e}", file=sys.stderr)
        return 2
    q = args.qemu_argv

    # ---- what this edgeplug can do
    probe = run_once(q + [ep, "run", "--fuel", FUEL, "--invoke", "hello", hello["wasm"][0]], tmp)
    fuel_ok = probe.rc == 0
    fuel_note = "" if fuel_ok else f"edgeplug run --fuel: {probe.first_err()} (exit {probe.rc})"
    probe = run_once(q + [ep, "run", hello["wasi"][0]], tmp)
    wasi_ok = probe.rc == 0 and probe.out.strip() == "hello, world"
    wasi_note = "" if wasi_ok else f"edgeplug run FILE.wasm: {probe.first_err()} (exit {probe.rc})"
    if not fuel_ok:
        print(f"metered runs: n/a ({fuel_note})")
    if not wasi_ok:
        print(f"WASI builds: not run ({wasi_note})")
    print()

    runners = [("native", "plain"), ("edgeplug", "edgeplug")]
    if fuel_ok:
        runners.append(("edgeplug-fuel", "edgeplug"))
    if use_interp:
        runners.append(("wasm-interp", "interp"))

    def command(runner, name, reps):
        b = builds[name]
        if runner == "native":
            return q + [b["native"], str(reps)]
        if runner == "edgeplug":
            return q + [ep, "run", "--invoke", "bench", b["wasm"], str(reps)]
        if runner == "edgeplug-fuel":
            return q + [ep, "run", "--fuel", FUEL, "--invoke", "bench", b["wasm"], str(reps)]
        if runner == "wasm-interp":
            return [args.wasm_interp, b["fixed"], "--run-all-exports"]
        if runner == "edgeplug-wasi":
            return q + [ep, "run", b["wasi"], str(reps)]
        raise ValueError(runner)

    failures = []
    results = {}  # (name, runner) -> dict(reps, times, rss, checksum)

    def measure(name, runner, kind, reps, expect):
        r = run_once(command(runner, name, reps), tmp)
        cs = parse_checksum(kind, r.out) if r.rc == 0 else None
        rec = results.setdefault((name, runner), {"reps": reps, "times": [], "rss": [], "checksum": cs})
        if r.rc != 0:
            failures.append(f"{name}/{runner}: {r.first_err()} (exit {r.rc})")
            return False
        if cs is None or cs != expect:
            failures.append(f"{name}/{runner}: checksum {cs}, native says {expect}")
            return False
        rec["times"].append(r.secs)
        rec["rss"].append(r.rss_kb)
        return True

    # ---- workloads: references first, then timed rounds, runner by runner
    print(f"{len(plan)} workloads, {runs} run{'s' if runs != 1 else ''} each, round robin"
          + (f"; wasm-interp {min(runs, INTERP_RUNS)} at 1/{args.interp_div} of the repetitions"
             if use_interp else ""))
    sys.stdout.flush()
    for name, reps, ireps, _ in plan:
        ref = run_once(q + [builds[name]["native"], str(reps)], tmp)
        expect = parse_checksum("plain", ref.out)
        if ref.rc != 0 or expect is None:
            failures.append(f"{name}/native: {ref.first_err()} (exit {ref.rc})")
            continue
        iexpect = expect
        if use_interp and ireps != reps:
            iexpect = parse_checksum("plain", run_once(q + [builds[name]["native"], str(ireps)], tmp).out)
        if wasi_ok:
            measure(name, "edgeplug-wasi", "plain", reps, expect)
        broken = set()
        for i in range(runs):
            for runner, kind in runners:
                # wasm-interp is slow and only a reference point: 3 runs do.
                if runner in broken or (runner == "wasm-interp" and i >= INTERP_RUNS):
                    continue
                n, want = (ireps, iexpect) if runner == "wasm-interp" else (reps, expect)
                if not measure(name, runner, kind, n, want):
                    broken.add(runner)
        status = "FAILED" if broken else "ok"
        print(f"  {name:<11} {status}")
        sys.stdout.flush()

    # ---- startup: hello world, many runs
    startup = {}
    ep_hello = (q + [ep, "run", hello["wasi"][0]] if wasi_ok
                else q + [ep, "run", "--invoke", "hello", hello["wasm"][0]])
    for label, cmd, want in [("native", q + [hello["native"][0]], "hello, world"),
                             ("edgeplug", ep_hello, "hello, world" if wasi_ok else "i32:42")]:
        times, rss = [], []
        for _ in range(startup_runs):
            r = run_once(cmd, tmp)
            if r.rc != 0 or r.out.strip() != want:
                failures.append(f"startup/{label}: {r.first_err()} (exit {r.rc})")
                break
            times.append(r.secs)
            rss.append(r.rss_kb)
        startup[label] = (times, rss)
    startup_how = "WASI hello world" if wasi_ok else "hello() via --invoke (no WASI yet)"

    # ---- load time of a large module
    big = os.path.join(obj, f"big-{big_funcs}.wasm")
    gen_src = os.path.join(HERE, "genmodule.py")
    if not os.path.exists(big) or os.path.getmtime(big) < os.path.getmtime(gen_src):
        with open(big, "wb") as f:
            f.write(genmodule.generate(big_funcs))
    big_mb = os.path.getsize(big) / 1e6
    load = {}
    load_runs = max(1, min(runs, 5))
    load_cmds = [("edgeplug", q + [ep, "validate", big])]
    if use_interp:
        load_cmds.append(("wasm-interp", [args.wasm_interp, big]))
    for label, cmd in load_cmds:
        times, rss = [], []
        for _ in range(load_runs):
            r = run_once(cmd, tmp)
            if r.rc != 0:
                failures.append(f"load/{label}: {r.first_err()} (exit {r.rc})")
                break
            times.append(r.secs)
            rss.append(r.rss_kb)
        load[label] = (times, rss)
    r = run_once(q + [ep, "run", "--invoke", "main", big], tmp)
    big_sum = parse_checksum("edgeplug", r.out) if r.rc == 0 else None
    if big_sum is None:
        failures.append(f"load/edgeplug run main: {r.first_err()} (exit {r.rc})")
    elif use_interp:
        ri = run_once([args.wasm_interp, big, "--run-all-exports"], tmp)
        isum = parse_checksum("interp", ri.out)
        if isum != big_sum:
            failures.append(f"load: main() is {big_sum} under edgeplug, {isum} under wasm-interp")

    # ---- the table
    def t(name, runner):
        rec = results.get((name, runner))
        return rec["times"] if rec else []

    rows, csv, bars = [], [], []
    ep_ratios, fuel_ratios, interp_ratios, ep_min_ratios = [], [], [], []
    head = ("| workload | reps | native ms | edgeplug ms | edgeplug/native | metered ms "
            "| metered/unmetered | wasm-interp/native | edgeplug RSS KB |")
    rows.append(head)
    rows.append("|" + "---|" * (head.count("|") - 1))
    for name, reps, ireps, what in plan:
        tn, te, tf, ti = t(name, "native"), t(name, "edgeplug"), t(name, "edgeplug-fuel"), t(name, "wasm-interp")
        r_ep = med(te) / med(tn) if tn and te else None
        r_fuel = med(tf) / med(te) if tf and te else None
        r_int = (med(ti) / ireps) / (med(tn) / reps) if tn and ti else None
        ep_ratios.append(r_ep)
        ep_min_ratios.append(min(te) / min(tn) if tn and te else None)
        fuel_ratios.append(r_fuel)
        interp_ratios.append(r_int)
        bars.append((name, r_ep))
        rss = results.get((name, "edgeplug"), {}).get("rss")
        rows.append(f"| {name} | {reps} | {fmt_ms(tn)} | {fmt_ms(te)} | {fmt_ratio(r_ep)} | "
                    f"{fmt_ms(tf) if fuel_ok else 'n/a'} | {fmt_ratio(r_fuel, 3)} | "
                    f"{fmt_ratio(r_int, 0) if use_interp else 'n/a'} | {max(rss) if rss else 'n/a'} |")
        for runner, _ in runners + [("edgeplug-wasi", "plain")]:
            rec = results.get((name, runner))
            if not rec or not rec["times"]:
                continue
            ratio = {"edgeplug": r_ep, "edgeplug-fuel": r_ep and r_fuel and r_ep * r_fuel,
                     "wasm-interp": r_int, "native": 1.0}.get(runner)
            csv.append([args.board, name, runner, rec["reps"], len(rec["times"]), med(rec["times"]),
                        min(rec["times"]), max(rec["times"]), max(rec["rss"]), rec["checksum"],
                        "" if ratio is None else f"{ratio:.4f}", ""])
        if not fuel_ok:
            csv.append([args.board, name, "edgeplug-fuel", reps, 0, "", "", "", "", "", "",
                        "n/a: " + fuel_note])
    g_ep, g_fuel, g_int = geomean(ep_ratios), geomean(fuel_ratios), geomean(interp_ratios)
    rows.append(f"| **geomean** | | | | **{fmt_ratio(g_ep)}** | | {fmt_ratio(g_fuel, 3)} | "
                f"{fmt_ratio(g_int, 0) if use_interp else 'n/a'} | |")

    g_min = geomean(ep_min_ratios)
    extra = ["", f"Ratios are of medians. The geometric mean of edgeplug/native from the "
             f"fastest runs instead (less disturbed by other load): {fmt_ratio(g_min)}."]
    extra += ["", f"Startup ({startup_how}, {startup_runs} runs; median (min-max) ms, peak RSS KB):", ""]
    extra += ["| program | ms | peak RSS KB |", "|---|---|---|"]
    for label, (times, rss) in startup.items():
        extra.append(f"| {label} | {fmt_ms(times)} | {max(rss) if rss else 'n/a'} |")
        if times:
            csv.append([args.board, "startup", label, 1, len(times), med(times), min(times), max(times),
                        max(rss), "", "", startup_how])
    extra += ["", f"Load of a large generated module ({big_funcs} functions, {big_mb:.1f} MB; "
              f"edgeplug validate = decode + validate + lower; wasm-interp without a run "
              f"= parse + validate + compile; {load_runs} runs):", ""]
    extra += ["| loader | ms | MB/s | peak RSS KB |", "|---|---|---|---|"]
    for label, (times, rss) in load.items():
        mbs = f"{big_mb / med(times):.1f}" if times else "n/a"
        extra.append(f"| {label} | {fmt_ms(times)} | {mbs} | {max(rss) if rss else 'n/a'} |")
        if times:
            csv.append([args.board, "load-large", label, 1, len(times), med(times), min(times), max(times),
                        max(rss), big_sum if big_sum is not None else "", "", f"{big_mb:.2f} MB"])
    notes = [""]
    if not fuel_ok:
        notes.append(f"Metered runs: n/a, {fuel_note}.")
    if wasi_ok:
        notes.append("WASI builds: each checked once under `edgeplug run FILE.wasm N` (results.csv).")
    else:
        notes.append(f"WASI builds: not run, {wasi_note}.")
    if use_interp:
        notes.append(f"wasm-interp ({first_line([args.wasm_interp, '--version'])}) runs 1/{args.interp_div} "
                     "of the repetitions; its ratio compares time per repetition.")
    if args.qemu:
        notes.append(f"Under {args.qemu}: the times are emulated, only the ratios mean anything; "
                     "RSS includes the emulator.")
    if smoke:
        notes.append("Smoke run: one repetition, one run; the times say nothing.")
    table = rows + extra + notes
    print()
    print("\n".join(table))

    with open(os.path.join(out, "results.csv"), "w") as f:
        f.write("board,workload,runner,reps,runs,median_s,min_s,max_s,peak_rss_kb,checksum,"
                "ratio_to_native,note\n")
        for row in csv:
            f.write(",".join(f"{c:.6f}" if isinstance(c, float) else str(c).replace(",", ";")
                             for c in row) + "\n")
    with open(os.path.join(out, "report.md"), "w") as f:
        f.write("\n".join(report + table) + "\n")
    write_svg(os.path.join(out, "ratios.svg"), bars, g_ep,
              f"edgeplug / native, {args.board}{' (qemu)' if args.qemu else ''}"
              f"{' - smoke' if smoke else ''}")
    print(f"\nwrote {out}/results.csv, {out}/report.md, {out}/ratios.svg")

    # One check per workload and runner, per startup program and per loader.
    checks = len(plan) * len(runners) + (len(plan) if wasi_ok else 0) + len(startup) + len(load) + 1
    return finish("bench", checks, failures)


def finish(who, checks, failures):
    """Lists the failures, prints the last line "WHO: N passed, M failed"
    and returns the exit status: 1 if any check failed."""
    if failures:
        print(f"\n{len(failures)} failure(s):")
        for line in failures:
            print(f"  {line}")
    print(f"{who}: {max(checks - len(failures), 0)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
