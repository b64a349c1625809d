"""Python over the CLI: the benchmark queries (benches/bench.fql) through
`faultline.Graph.query` against the same statements in `faultline run`, on
one generated graph; then `Result.to_pandas()` of a million rows.

    cargo run --release --example gen -- --nodes 100000 --edges 1000000 --out target/bench/data/medium
    target/pyvenv/bin/python benches/python_overhead.py target/bench/data/medium [--runs 5] [--rounds 2]

What a query costs each way, per statement:

- the CLI: its `--timing` line `time: T ms (W ms with output)`, T the
  statement's parse and evaluation, W the same plus rendering its result
  (the default table) and writing it to the pipe this script reads;
- Python: the wall time of the whole `g.query(...)` call (parameters,
  releasing the GIL, the `Result`; rows stay in Rust until asked for), and
  the statement's own `Result.elapsed` (the same clock as the CLI's T).

Both run the queries in order, RUNS times, in one process after one load;
ROUNDS rounds alternate the two so both see the same load on a shared
machine. Engine times swing by tens of percent between processes, so the
overhead is taken from what each side adds to its engine: Python's own cost
(wall − elapsed) minus the CLI's (W − T), medians, as a percentage of the
CLI's W. The raw minimum and median times of both sides are printed too.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time

import faultline

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUDGET = 10**12


def read_params(data: str) -> dict:
    params = {}
    with open(os.path.join(data, "params.txt")) as f:
        for line in f:
            if "=" in line:
                key, value = line.strip().split("=", 1)
                params[key] = int(value) if value.lstrip("-").isdigit() else value
    return params


def statements() -> list:
    with open(os.path.join(ROOT, "benches", "bench.fql")) as f:
        text = "\n".join(l for l in f.read().splitlines() if not l.startswith("--"))
    return [s.strip() for s in text.split(";") if s.strip()]


def cli_run(data: str, params: dict, stmts: list, reps: int) -> list:
    """One `faultline run` of the queries, repeated `reps` times in order:
    per query, a list of (T, W) in s (see the module's docs)."""
    exe = os.path.join(ROOT, "target", "release", "faultline")
    script = ";\n".join(stmts * reps) + ";\n"
    cmd = [exe, "run", "-", "--timing", "--keep-going",
           "--data", data, "--budget", str(BUDGET)]
    for k, v in params.items():
        cmd += ["--param", f"{k}={v}"]
    run = subprocess.run(cmd, input=script, capture_output=True, text=True, check=True)
    times = [(float(t) / 1000, float(w) / 1000) for t, w in re.findall(
        r"^time: ([0-9.]+) ms \(([0-9.]+) ms with output\)", run.stderr, re.M)]
    return [times[i::len(stmts)] for i in range(len(stmts))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--runs", type=int, default=5, help="repetitions of each query per round")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--frames-only", action="store_true", help="only the million-row DataFrames")
    args = ap.parse_args()
    params = read_params(args.data)
    started = time.perf_counter()
    g = faultline.open(args.data)
    print(f"python load: {time.perf_counter() - started:.2f} s ({g})")
    # How calls run (python/README.md, Interrupts): "hooked" is inline.
    print(f"interrupt route: {faultline._native.interrupt_route()}")
    print(f"load average: {os.getloadavg()[0]:.1f}")
    stmts = [] if args.frames_only else statements()
    # Both sides run the queries in the same order, RUNS times, in one
    # process with one load (so caches built on first use are warm for
    # both); rounds alternate CLI and Python so both see the same load on a
    # shared machine. The fastest run of each query is compared.
    cli: list = [[] for _ in stmts]  # (T, W) per run
    py: list = [[] for _ in stmts]
    extra: list = [[] for _ in stmts]  # wall time of the call minus the engine's own time
    engine: list = [[] for _ in stmts]
    rows: list = [[] for _ in stmts]  # then reading `r.rows` (every value made a Python object)
    for _ in range(args.rounds if stmts else 0):
        for i, times in enumerate(cli_run(args.data, params, stmts, args.runs)):
            cli[i].extend(times)
        for _ in range(args.runs):
            for i, stmt in enumerate(stmts):
                used = {k: v for k, v in params.items() if f"${k}" in stmt}
                r = None  # the previous result is freed outside the timing
                t0 = time.perf_counter()
                r = g.query(stmt, budget=BUDGET, **used)
                wall = time.perf_counter() - t0
                py[i].append(wall)
                engine[i].append(r.elapsed)
                extra[i].append(wall - r.elapsed)
                t0 = time.perf_counter()
                r.rows
                rows[i].append(time.perf_counter() - t0)
    if stmts:
        print_table(cli, py, extra, engine, rows)
    frames(g)


def print_table(cli: list, py: list, extra: list, engine: list, rows: list) -> None:
    med = statistics.median
    print("| query | CLI with output, min / median (ms) | Python, min / median (ms) "
          "| CLI's own cost, median (ms) | Python's own cost, median (ms) "
          "| overhead: Python's own − CLI's own, % of the CLI's median "
          "| then `r.rows`, median (ms) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for i in range(len(cli)):
        cli_w = [w for _, w in cli[i]]
        cli_own = med([w - t for t, w in cli[i]])
        py_own = med(extra[i])
        over = 100 * (py_own - cli_own) / med(cli_w)
        print(f"| Q{i + 1} | {min(cli_w) * 1000:.3f} / {med(cli_w) * 1000:.3f} "
              f"| {min(py[i]) * 1000:.3f} / {med(py[i]) * 1000:.3f} "
              f"| {cli_own * 1000:.3f} | {py_own * 1000:.3f} | {over:+.2f}% "
              f"| {med(rows[i]) * 1000:.3f} |")
    print("(engine medians, CLI / Python, ms: "
          + ", ".join(f"Q{i + 1} {med([t for t, _ in cli[i]]) * 1000:.3f} / {med(engine[i]) * 1000:.3f}"
                      for i in range(len(cli))) + ")")


def frames(g: "faultline.Graph") -> None:
    """A million rows into pandas and polars."""
    try:
        import pandas  # noqa: F401
    except ImportError:
        print("pandas is not installed: skipping to_pandas()")
        return
    million = "match (a)-[e]->(b) return a.id as source, b.id as target, e.share as share limit 1000000"
    two_nodes = "match (a)-[e]->(b) return a, b limit 1000000"

    def timed(label, f):
        # Wall time and this process's CPU time (all threads): on a busy
        # machine the CPU time is what the step costs, the wall time what
        # it took there.
        wall, cpu = time.perf_counter(), time.process_time()
        out = f()
        print(f"{label}: {time.perf_counter() - wall:.2f} s wall, {time.process_time() - cpu:.2f} s CPU")
        return out

    r = timed("query, 1M rows (two id columns, a float column)", lambda: g.query(million, budget=BUDGET))
    df = timed(f"to_pandas() of its {len(r)} rows", r.to_pandas)
    print(f"  dtypes: {dict(df.dtypes.astype(str))}")
    nodes = timed("query, 1M rows (two node columns)", lambda: g.query(two_nodes, budget=BUDGET))
    timed(f"to_pandas() of its {len(nodes)} rows (nodes by name)", nodes.to_pandas)
    timed(".rows of those rows (Node objects in tuples)", lambda: nodes.rows)
    try:
        import polars  # noqa: F401
    except ImportError:
        return
    timed(f"to_polars() of the {len(r)} rows (ids and shares)", r.to_polars)


if __name__ == "__main__":
    sys.exit(main())
