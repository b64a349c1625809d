#!/usr/bin/env python3
"""Plots benches/compare.sh results: time per query by engine, log scale.

    target/bench/venv/bin/python benches/plot.py [--results target/bench/results.json] [--out docs/bench.png]

One panel per size; in each, a group of bars per query (load first), one
bar per engine (the median). A missing bar: the engine does not support the
query, failed, or timed out (a timeout is drawn as a hatched bar at the
timeout).
"""

import argparse
import json
import os
import statistics

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ORDER = ["faultline", "csr", "duckdb", "kuzu", "igraph", "networkx"]
LABELS = {"csr": "CSR baseline (Rust)"}
COLORS = {"faultline": "tab:blue", "csr": "tab:orange", "duckdb": "tab:green",
          "kuzu": "tab:red", "igraph": "tab:purple", "networkx": "tab:brown"}
COLUMNS = ["load", "Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7"]
SIZE_ORDER = ["small", "medium", "large"]


def value(result, column):
    """(median ms or None, timed out?)."""
    if column == "load":
        ms = result.get("load_ms") or []
        return (statistics.median(ms) if ms else None), result.get("error") == "timeout"
    entry = result.get("queries", {}).get(column)
    if not entry or entry.get("error") or not entry.get("ms"):
        return None, bool(entry and entry.get("error") == "timeout")
    return statistics.median(entry["ms"]), False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", default="target/bench/results.json")
    ap.add_argument("--out", default="docs/bench.png")
    args = ap.parse_args()
    with open(args.results) as f:
        data = json.load(f)["sizes"]
    sizes = [s for s in SIZE_ORDER if s in data] + [s for s in data if s not in SIZE_ORDER]
    fig, axes = plt.subplots(len(sizes), 1, figsize=(11, 3.6 * len(sizes)), squeeze=False)
    for ax, size in zip(axes[:, 0], sizes):
        results = data[size]["results"]
        engines = [e for e in ORDER if e in results]
        width = 0.8 / max(1, len(engines))
        values = {e: [value(results[e], c) for c in COLUMNS] for e in engines}
        top = max([ms for vs in values.values() for ms, _ in vs if ms is not None] + [1.0])
        for i, engine in enumerate(engines):
            xs, ys, hatched = [], [], []
            for j, (ms, timed_out) in enumerate(values[engine]):
                x = j - 0.4 + width * (i + 0.5)
                if ms is not None:
                    xs.append(x)
                    ys.append(max(ms, 0.01))
                elif timed_out:
                    hatched.append(x)
            color = COLORS.get(engine, "grey")
            ax.bar(xs, ys, width, label=LABELS.get(engine, engine), color=color)
            if hatched:
                ax.bar(hatched, [top * 1.5] * len(hatched), width, fill=False, hatch="//",
                       edgecolor=color)
        ax.set_yscale("log")
        ax.set_xticks(range(len(COLUMNS)), COLUMNS)
        ax.set_ylabel("ms (median, log scale)")
        ax.set_title(f"{size}: {data[size].get('info', '')}", fontsize=9)
        ax.grid(axis="y", which="major", alpha=0.3)
    axes[0, 0].legend(ncol=len(ORDER), fontsize=8, loc="upper left")
    fig.suptitle("Faultline benchmark: time per query by engine (hatched: timed out)")
    fig.tight_layout()
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    fig.savefig(args.out, dpi=110)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
