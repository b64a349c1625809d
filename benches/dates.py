#!/usr/bin/env python3
"""What date views cost (BENCHMARKS.md, "Validity intervals").

Runs the benchmark queries with two binaries (`before`, `after`) on three
graphs made by examples/gen.rs, interleaved (each graph: before, then after),
and prints the minimum and the median of each query's times:

- plain: no validity columns;
- val10: the same graph, 10% of the SUPPLIES edges with an interval
  (`--validity 100`), about half of them ended before today;
- today: val10 without the edges not valid today and without validity
  columns: the graph val10's view of today shows, so val10 against today
  is the cost of the view itself, and plain against today the effect of the
  missing edges on the answer (Q3's path is a hop longer on the large graph).

Each process runs the chosen queries `--reps` times in turn (Q1..Q5, Q1..Q5,
...), so a query's minimum is taken over rounds x reps runs; the machine's
other load inflates wall times, and the minimum is the least disturbed.

    python3 benches/dates.py --size medium --before /tmp/before \\
        --after target/release/faultline --dir /tmp/tv --rounds 3 --reps 5

The graphs are generated into DIR/SIZE/ when missing (gen runs with
`cargo run --release --example gen`).
"""

import argparse
import csv
import re
import statistics
import subprocess
from pathlib import Path

SIZES = {
    "medium": ("100k", "1M", "F49650"),
    "large": ("1M", "10M", "F499650"),
}
GRAPHS = ("plain", "val10", "today")
TODAY = "2026-12-04"


def generate(size, root):
    nodes, edges, _ = SIZES[size]
    for name, extra in (("plain", []), ("val10", ["--validity", "100"])):
        out = root / name
        if not out.exists():
            subprocess.run(
                ["cargo", "run", "--release", "--example", "gen", "--",
                 "--nodes", nodes, "--edges", edges, "--out", str(out)] + extra,
                check=True)
    today = root / "today"
    if today.exists():
        return
    subprocess.run(["cp", "-r", str(root / "plain"), str(today)], check=True)

    def first(d):
        p = d.split("-")
        return "-".join(p + ["01"] * (3 - len(p)))

    def last(d):
        p = d.split("-")
        return "-".join(p + ["99"] * (3 - len(p)))

    with open(root / "val10/edges/supplies.csv", newline="") as src, \
            open(today / "edges/supplies.csv", "w", newline="") as dst:
        rows = csv.reader(src)
        out = csv.writer(dst, lineterminator="\n")
        out.writerow(next(rows)[:4])
        for r in rows:
            f, t = r[4], r[5]
            if (not f or first(f) <= TODAY) and (not t or last(t) >= TODAY):
                out.writerow(r[:4])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", choices=SIZES, default="medium")
    ap.add_argument("--before", required=True)
    ap.add_argument("--after", required=True)
    ap.add_argument("--dir", default="target/bench/dates")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--queries", type=int, default=5, help="Q1..Qn")
    args = ap.parse_args()
    root = Path(args.dir) / args.size
    root.mkdir(parents=True, exist_ok=True)
    generate(args.size, root)
    bench = Path(__file__).with_name("bench.fql").read_text().splitlines()
    queries = [q for q in bench if q and not q.startswith("--")][: args.queries]
    script = root / "queries.fql"
    script.write_text("\n".join(queries * args.reps) + "\n")
    target = SIZES[args.size][2]
    params = ["--param", "s=F0", "--param", f"t={target}",
              "--param", "nation=N0", "--param", "k=29"]
    times = {}
    for _ in range(args.rounds):
        for graph in GRAPHS:
            for name, binary in (("before", args.before), ("after", args.after)):
                run = subprocess.run(
                    [binary, "run", str(script), "--timing", "--format", "json",
                     "--keep-going", "--budget", "100000000000",
                     "--data", str(root / graph)] + params,
                    capture_output=True, text=True, check=True)
                found = [float(t) for t in re.findall(r"time: ([\d.]+) ms", run.stderr)]
                for i, t in enumerate(found):
                    times.setdefault((name, graph, i % len(queries)), []).append(t)
    cols = [(b, g) for b in ("before", "after") for g in GRAPHS]
    for label, stat in (("min", min), ("median", statistics.median)):
        print(f"{label} ms (ratio to before/plain)\t" + "\t".join(f"{b}/{g}" for b, g in cols))
        for q in range(len(queries)):
            base = stat(times[("before", "plain", q)])
            cells = [stat(times[(b, g, q)]) for b, g in cols]
            print(f"Q{q + 1}\t" + "\t".join(f"{c:.2f} ({c / base:.2f})" for c in cells))


if __name__ == "__main__":
    main()
