"""Shared driver for the peer benchmark scripts.

Every engine script defines ``load(data_dir) -> ctx`` and ``QUERIES``, a dict
from query name ("Q1".."Q5") to ``fn(ctx, params) -> answer``, and calls
``main(load, QUERIES)``. The driver prints JSON lines on stdout, the protocol
``benches/harness.py`` reads (and ``examples/csr_baseline.rs`` writes):

    {"event": "load", "ms": 123.4}
    {"event": "query", "q": "Q1", "ms": [..], "answer": ...}
    {"event": "query", "q": "Q2", "error": "..."}

Answers, identical across engines when they agree:
  Q1, Q2, Q4: an int; Q3: the hop count of a shortest path (null: none);
  Q5: a list of [nation name, count] sorted by name.

A query is run --runs times (median reported by the harness), once only
when a run takes over a minute.
"""

import argparse
import json
import os
import sys
import time
import traceback

# A query whose first run takes longer than this is not repeated.
SLOW_MS = 60_000


def read_params(data_dir):
    params = {}
    with open(os.path.join(data_dir, "params.txt")) as f:
        for line in f:
            line = line.strip()
            if line and "=" in line:
                key, value = line.split("=", 1)
                params[key] = value
    params["k"] = int(params["k"])
    return params


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def csv_files(data_dir, sub):
    """The CSV files under DIR/sub, in sorted path order (as Faultline reads them)."""
    root = os.path.join(data_dir, sub)
    out = []
    for dirpath, _, files in os.walk(root):
        out.extend(os.path.join(dirpath, f) for f in files if f.endswith(".csv"))
    return sorted(out)


def main(load, queries):
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--load-only", action="store_true")
    ap.add_argument("--queries", default=",".join(queries))
    args = ap.parse_args()
    params = read_params(args.data)

    start = time.perf_counter()
    ctx = load(args.data)
    emit({"event": "load", "ms": (time.perf_counter() - start) * 1e3})
    if args.load_only:
        return
    for name in args.queries.split(","):
        fn = queries.get(name)
        if fn is None:
            emit({"event": "query", "q": name, "error": "not supported"})
            continue
        times, answer = [], None
        try:
            for _ in range(args.runs):
                start = time.perf_counter()
                answer = fn(ctx, params)
                times.append((time.perf_counter() - start) * 1e3)
                if times[-1] > SLOW_MS:
                    break  # one run of a slow query is measurement enough
        except Exception as e:  # report and go on with the next query
            traceback.print_exc()
            text = f"{type(e).__name__}: {e}"
            timed_out = "timeout" in text.lower() or "interrupted" in text.lower()
            emit({"event": "query", "q": name, "error": "timeout" if timed_out else text[:300],
                  "detail": text[:300]})
            continue
        emit({"event": "query", "q": name, "ms": times, "answer": answer})
