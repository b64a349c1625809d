"""Python over the CLI: the benchmark queries (benches/bench.fql) through
`faultline.Graph.query` against the same statements in `faultline run`, on
one generated graph; then `Result.to_pandas()` of a million rows.

    cargo run --release --example gen -- --nodes 100000 --edges 1000000 --out target/bench/data/medium
    target/pyvenv/bin/python benches/python_overhead.py target/bench/data/medium [--runs 5] [--rounds 2]

For each query: the fastest of the CLI's own `time:` per statement (parse
and evaluation, no output; `faultline run -` of the queries repeated RUNS
times) and the fastest wall time of `g.query(...)` in Python (the call,
parameters, releasing the GIL and the Result wrapper; rows stay in Rust
until asked for), over ROUNDS rounds that alternate the two. On a shared
machine those two swing by tens of percent from run to run, so the table
also gives Python's own cost measured inside each call: the call's wall
time minus the statement's time as the engine measures it (the same
`elapsed` the CLI prints as `time:`), i.e. what going through Python adds. The
Python figure is wall time around more work than the CLI's `time:`, so the
overhead is an upper bound.
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
    each statement's `time:` in s, per query."""
    exe = os.path.join(ROOT, "target", "release", "faultline")
    script = ";\n".join(stmts * reps) + ";\n"
    cmd = [exe, "run", "-", "--timing", "--format", "json", "--keep-going",
           "--data", data, "--budget", str(BUDGET)]
    for k, v in params.items():
        cmd += ["--param", f"{k}={v}"]
    run = subprocess.run(cmd, input=script, capture_output=True, text=True, check=True)
    times = [float(m) / 1000 for m in re.findall(r"^time: ([0-9.]+) ms", run.stderr, re.M)]
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
    stmts = [] if args.frames_only else statements()
    # Both sides run the queries in the same order, RUNS times, in one
    # process with one load (so caches built on first use are warm for
    # both); rounds alternate CLI and Python so both see the same load on a
    # shared machine. The fastest run of each query is compared.
    cli: list = [[] for _ in stmts]
    py: list = [[] for _ in stmts]
    extra: list = [[] for _ in stmts]  # wall time of the call minus the engine's own time
    engine: list = [[] for _ in stmts]
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
    if stmts:
        print_table(cli, py, extra, engine)
    frames(g)


def print_table(cli: list, py: list, extra: list, engine: list) -> None:
    print("| query | CLI min (ms) | Python min (ms) | CLI median | Python median "
          "| Python's own cost, min / median (ms) | median as % of the engine's median |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for i in range(len(cli)):
        own, eng = statistics.median(extra[i]), statistics.median(engine[i])
        print(f"| Q{i + 1} | {min(cli[i]) * 1000:.2f} | {min(py[i]) * 1000:.2f} "
              f"| {statistics.median(cli[i]) * 1000:.2f} | {statistics.median(py[i]) * 1000:.2f} "
              f"| {min(extra[i]) * 1000:.3f} / {own * 1000:.3f} | {100 * own / eng:.2f}% |")


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
