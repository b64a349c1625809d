#!/usr/bin/env python3
"""Cross-engine benchmark harness (driven by benches/compare.sh).

Runs every engine on the same generated data sets, collects load time, peak
RSS and per-query times (medians), checks that all engines give the same
answer to each query, and prints one markdown table per size. Standard
library only.

Engines:
  faultline  `faultline run bench.fql --timing --format json --data DIR --param ...`
             (stderr: `load: <ms> ms`, then `time: <ms> ms` per statement)
  csr        examples/csr_baseline.rs (hand-written CSR: the practical limit)
  csr2       the same on two threads (`--threads 2`: Q1, Q2, Q4, Q5 parallel;
             issue 19's reference for Q1-Q5)
  duckdb, kuzu, igraph, networkx   benches/peers/<engine>_bench.py

Every engine but Faultline speaks the JSON-lines protocol described in
benches/peers/common.py. An engine that fails, times out or is missing is
marked "error"/"timeout" in the table; the run goes on.
"""

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
QUERIES = ["Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7"]
PEERS = ["duckdb", "kuzu", "igraph", "networkx"]
ALL_ENGINES = ["faultline", "csr", "csr2"] + PEERS
DEFAULT_LIMIT_ROWS = 10_000
GNU_TIME = "/usr/bin/time"  # Faultline cuts results at :limit rows by default


# ---------------------------------------------------------------- running


def run_process(cmd, timeout_s, stderr_path):
    """Runs cmd; returns (exit code or None on timeout, stdout text, peak RSS in KB).

    The peak RSS comes from GNU time when it is there: the child's own
    rusage would include the forked copy of this Python process, since
    Linux keeps the high-water mark across exec.
    """
    rss_path = stderr_path + ".rss"
    if os.path.exists(GNU_TIME):
        cmd = [GNU_TIME, "-f", "%M", "-o", rss_path] + cmd
    with open(stderr_path, "w") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err,
                                text=True, start_new_session=True)
        # A thread drains stdout so a killed run keeps the lines it finished.
        lines = []
        reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
        reader.start()
        deadline = time.monotonic() + timeout_s
        code = None
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                code = os.waitstatus_to_exitcode(status)
                break
            if time.monotonic() > deadline:
                os.killpg(proc.pid, signal.SIGKILL)
                _, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        proc.returncode = code if code is not None else -9
        reader.join(timeout=10)
        rss = usage.ru_maxrss
        if os.path.exists(GNU_TIME):
            try:
                with open(rss_path) as f:
                    rss = int(f.read().split()[-1])
            except (OSError, ValueError, IndexError):
                pass  # killed before GNU time wrote it: keep the rusage figure
        return code, "".join(lines), rss


def tail(path, n=6):
    try:
        with open(path) as f:
            lines = [line.rstrip() for line in f if line.strip()]
        return " | ".join(lines[-n:])[-400:]
    except OSError:
        return ""


def parse_protocol(text):
    load_ms, queries = None, {}
    for line in text.splitlines():
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        if obj.get("event") == "load":
            load_ms = obj["ms"]
        elif obj.get("event") == "query":
            queries[obj["q"]] = obj
    return load_ms, queries


def run_protocol_engine(name, cmd, data, args, log_dir):
    """An engine speaking the JSON-lines protocol: one full run, extra load-only runs."""
    result = {"load_ms": [], "rss_kb": None, "queries": {}, "error": None}
    stderr_path = os.path.join(log_dir, f"{name}.stderr")
    code, out, rss = run_process(cmd + ["--data", data, "--runs", str(args.runs)],
                                 args.timeout, stderr_path)
    load_ms, queries = parse_protocol(out)
    result["rss_kb"] = rss
    if load_ms is not None:
        result["load_ms"].append(load_ms)
    for q, obj in queries.items():
        result["queries"][q] = {"ms": obj.get("ms", []), "answer": obj.get("answer"),
                                "error": obj.get("error")}
    if code is None:
        result["error"] = "timeout"
    elif code != 0:
        result["error"] = f"exit {code}: {tail(stderr_path)}"
    if load_ms is None:
        return result
    for i in range(args.load_runs - 1):
        code, out, _ = run_process(cmd + ["--data", data, "--load-only"], args.timeout,
                                   os.path.join(log_dir, f"{name}.load{i}.stderr"))
        extra, _ = parse_protocol(out)
        if extra is not None:
            result["load_ms"].append(extra)
    return result


# ---------------------------------------------------------------- faultline

LOAD_RE = re.compile(r"^\s*load:\s*([0-9]+(?:\.[0-9]+)?)\s*ms", re.M)
TIME_RE = re.compile(r"^\s*time:\s*([0-9]+(?:\.[0-9]+)?)\s*ms", re.M)


def read_statements(path):
    text = open(path).read()
    lines = [line for line in text.splitlines() if not line.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def read_params(data):
    params = {}
    with open(os.path.join(data, "params.txt")) as f:
        for line in f:
            if "=" in line:
                key, value = line.strip().split("=", 1)
                params[key] = value
    return params


def faultline_answer(q, obj):
    """Turns a statement's JSON result into the protocol's answer for q."""
    cols, rows = obj.get("columns", []), obj.get("rows", [])

    def name_of(node):
        return node.get("name") if isinstance(node, dict) else node

    if q in ("Q1", "Q2", "Q4"):
        return rows[0][0] if rows else 0
    if q == "Q3":
        if not rows:
            return None
        return rows[0][cols.index("hops")] if "hops" in cols else rows[0][0]
    if q == "Q5":
        return [[name_of(r[0]), r[1]] for r in rows]
    if q == "Q6":
        ti = cols.index("total") if "total" in cols else 2
        totals = [r[ti] for r in rows]
        return {"rows": len(rows), "sum": sum(totals),
                "head": [[name_of(r[0]), r[ti]] for r in rows[:10]]}
    if q == "Q7":
        ei = cols.index("exposure") if "exposure" in cols else 2
        return {"top": [[name_of(r[0]), r[ei]] for r in rows]}
    return rows


def faultline_cmd(args, data, script, with_budget=True):
    params = read_params(data)
    cmd = [args.faultline, "run", script, "--timing", "--format", "json", "--keep-going",
           "--data", data]
    for key in ("s", "t", "nation", "k"):
        cmd += ["--param", f"{key}={params[key]}"]
    if with_budget and args.budget:
        cmd += ["--budget", str(args.budget)]
    return cmd


def faultline_once(args, data, script, log_path):
    """One process over a script: (ok, load ms, [times], [json objects], message)."""
    cmd = faultline_cmd(args, data, script)
    code, out, rss = run_process(cmd, args.timeout, log_path)
    err = open(log_path).read() if os.path.exists(log_path) else ""
    if code == 2 and "budget" in err:  # an engine without --budget: run without it
        cmd = faultline_cmd(args, data, script, with_budget=False)
        code, out, rss = run_process(cmd, args.timeout, log_path)
        err = open(log_path).read() if os.path.exists(log_path) else ""
    objs = []
    for line in out.splitlines():
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        if isinstance(obj, dict) and "rows" in obj:
            objs.append(obj)
    loads = [float(m) for m in LOAD_RE.findall(err)]
    times = [float(m) for m in TIME_RE.findall(err)]
    msg = None
    if code is None:
        msg = "timeout"
    elif code != 0:
        msg = f"exit {code}: {tail(log_path)}"
    return {"code": code, "load": loads[0] if loads else None, "times": times,
            "objs": objs, "rss": rss, "msg": msg}


def run_faultline(data, args, log_dir):
    result = {"load_ms": [], "rss_kb": None, "queries": {}, "error": None}
    if not os.path.exists(args.faultline):
        result["error"] = f"no binary at {args.faultline}"
        return result
    statements = read_statements(args.script)
    names = QUERIES[:len(statements)]
    per_query = {q: {"ms": [], "answer": None, "error": None} for q in names}
    rss = 0
    whole_script_ok = True
    for run in range(args.runs):
        r = faultline_once(args, data, args.script, os.path.join(log_dir, f"faultline.{run}.stderr"))
        rss = max(rss, r["rss"])
        if r["code"] == 0 and len(r["times"]) == len(names) and len(r["objs"]) == len(names) \
                and r["load"] is not None:
            result["load_ms"].append(r["load"])
            for q, t, obj in zip(names, r["times"], r["objs"]):
                per_query[q]["ms"].append(t)
                per_query[q]["answer"] = faultline_answer(q, obj)
            continue
        whole_script_ok = False
        result["error"] = r["msg"] or "output does not line up with the script's statements"
        break
    if not whole_script_ok:
        # Run statement by statement so each failure is put where it belongs.
        with tempfile.TemporaryDirectory() as tmp:
            for q, stmt in zip(names, statements):
                path = os.path.join(tmp, f"{q}.fql")
                with open(path, "w") as f:
                    f.write(stmt + ";\n")
                per_query[q] = {"ms": [], "answer": None, "error": None}
                for run in range(args.runs):
                    r = faultline_once(args, data, path,
                                       os.path.join(log_dir, f"faultline.{q}.{run}.stderr"))
                    rss = max(rss, r["rss"])
                    if r["load"] is not None and run == 0 and q == names[0]:
                        result["load_ms"].append(r["load"])
                    if r["code"] == 0 and r["times"] and r["objs"]:
                        per_query[q]["ms"].append(r["times"][0])
                        per_query[q]["answer"] = faultline_answer(q, r["objs"][0])
                        if r["times"][0] > 60_000:
                            break
                    else:
                        per_query[q]["error"] = r["msg"] or "no result or no `time:` line"
                        break
                if r["msg"] and r["msg"].startswith("exit 2"):
                    # Usage or data error: every statement will fail alike.
                    for rest in names[names.index(q) + 1:]:
                        per_query[rest] = {"ms": [], "answer": None, "error": r["msg"]}
                    break
    result["queries"] = per_query
    result["rss_kb"] = rss or None
    return result


# ---------------------------------------------------------------- checking


def close(a, b, tol=1e-6):
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


def same_answer(q, ref, ans):
    """Whether ans (from an engine) matches ref (the reference answer)."""
    if q == "Q6":
        if not isinstance(ans, dict) or not isinstance(ref, dict):
            return False
        rows = ans.get("rows")
        if rows == ref.get("rows"):
            want = ref.get("sum")
        elif rows == min(ref.get("rows", 0), DEFAULT_LIMIT_ROWS):
            want = ref.get("sum_top10000", ref.get("sum"))
        else:
            return False
        head_ok = all(x[0] == y[0] and close(x[1], y[1], 1e-6)
                      for x, y in zip(ans.get("head", []), ref.get("head", [])))
        return close(ans.get("sum", 0.0), want, 1e-6) and head_ok
    if q == "Q7":
        a, r = ans.get("top", []) if isinstance(ans, dict) else [], ref.get("top", [])
        return len(a) == len(r) and all(x[0] == y[0] and close(x[1], y[1], 1e-6)
                                        for x, y in zip(a, r))
    return ans == ref


def check(results, size):
    """Per query: (reference answer, {engine: True/False}); prints mismatches loudly."""
    verdicts = {}
    mismatches = []
    for q in QUERIES:
        answers = {e: r["queries"][q]["answer"] for e, r in results.items()
                   if q in r["queries"] and not r["queries"][q].get("error")
                   and r["queries"][q].get("ms")}
        if not answers:
            continue
        ref_engine = "csr" if "csr" in answers else next(iter(answers))
        ref = answers[ref_engine]
        agree = {e: same_answer(q, ref, a) for e, a in answers.items()}
        verdicts[q] = (ref, agree)
        for e, ok in agree.items():
            if not ok:
                mismatches.append(f"{size} {q}: {e} = {short(answers[e], q)}  but "
                                  f"{ref_engine} = {short(ref, q)}")
    if mismatches:
        bar = "!" * 72
        print(f"\n{bar}\nMISMATCH: engines disagree on {size}:", file=sys.stderr)
        for m in mismatches:
            print(f"  MISMATCH {m}", file=sys.stderr)
        print(bar, file=sys.stderr)
    return verdicts, mismatches


def short(answer, q):
    if q == "Q5" and isinstance(answer, list):
        total = sum(r[1] for r in answer if isinstance(r, list) and len(r) > 1)
        return f"{len(answer)} rows, sum {total}"
    if q == "Q6" and isinstance(answer, dict):
        return f"{answer.get('rows')} rows, sum {answer.get('sum', 0):.6f}"
    if q == "Q7" and isinstance(answer, dict):
        top = answer.get("top", [])
        return f"top {top[0][0]} {top[0][1]:.4f}" if top else "no rows"
    return json.dumps(answer)


# ---------------------------------------------------------------- table


def fmt_ms(ms):
    if ms >= 10_000:
        return f"{ms / 1000:.1f} s"
    if ms >= 100:
        return f"{ms:.0f} ms"
    if ms >= 1:
        return f"{ms:.1f} ms"
    return f"{ms:.2f} ms"


def cell(result, q, verdict):
    if result is None:
        return "—"
    entry = result["queries"].get(q)
    if entry is None:
        if result.get("error") == "timeout":
            return "timeout"
        return "error" if result.get("error") else "—"
    if entry.get("error"):
        if entry["error"].startswith("skipped"):
            return "skipped"
        return {"not supported": "—", "timeout": "timeout"}.get(entry["error"], "error")
    if not entry.get("ms"):
        return "error"
    text = fmt_ms(statistics.median(entry["ms"]))
    if len(entry["ms"]) == 1:
        text += "¹"
    if verdict is not None and verdict.get(q) and not verdict[q][1].get(result["_engine"], True):
        text += " ✗"
    return text


def table(size, info, results, engines, verdicts):
    lines = [f"### {size}: {info}", ""]
    lines.append("| | " + " | ".join(engines) + " |")
    lines.append("|---|" + "---:|" * len(engines))
    row = []
    for e in engines:
        r = results.get(e)
        if r is None:
            row.append("—")
        elif r["load_ms"]:
            row.append(fmt_ms(statistics.median(r["load_ms"])))
        else:
            row.append("timeout" if r.get("error") == "timeout" else "error")
    lines.append("| load | " + " | ".join(row) + " |")
    row = []
    for e in engines:
        r = results.get(e)
        loaded = r and r.get("rss_kb") and r.get("load_ms")
        row.append(f"{r['rss_kb'] / 1024:.0f} MB" if loaded else "—")
    lines.append("| peak RSS | " + " | ".join(row) + " |")
    for q in QUERIES:
        cells = [cell(results.get(e), q, verdicts) for e in engines]
        lines.append(f"| {q} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def answers_table(per_size):
    lines = ["| query | " + " | ".join(per_size) + " |", "|---|" + "---|" * len(per_size)]
    for q in QUERIES:
        cells = []
        for size, verdicts in per_size.items():
            if q in verdicts:
                ref, agree = verdicts[q]
                ok = [e for e, v in agree.items() if v]
                bad = [e for e, v in agree.items() if not v]
                text = short(ref, q) + f" ({len(ok)} agree" + (f"; differ: {', '.join(bad)}" if bad else "") + ")"
            else:
                text = "—"
            cells.append(text)
        lines.append(f"| {q} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def graph_info(data):
    nodes = edges = 0
    for sub in ("nodes", "edges"):
        for dirpath, _, files in os.walk(os.path.join(data, sub)):
            for f in files:
                if f.endswith(".csv"):
                    with open(os.path.join(dirpath, f), "rb") as fh:
                        n = sum(1 for _ in fh) - 1
                    if sub == "nodes":
                        nodes += n
                    else:
                        edges += n
    params = read_params(data)
    ptext = ", ".join(f"{k}={v}" for k, v in params.items())
    return f"{nodes:,} nodes, {edges:,} edges ({ptext})"


# ---------------------------------------------------------------- main


def load_runs_for(spec, size):
    """`3` for every size, or `small=3,large=1` (sizes not named: 3)."""
    if "=" not in spec:
        return int(spec)
    for part in spec.split(","):
        name, _, n = part.partition("=")
        if name.strip() == size:
            return int(n)
    return 3


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-root", required=True, help="directory holding one data set per size")
    ap.add_argument("--sizes", default="small,medium,large")
    ap.add_argument("--engines", default=",".join(ALL_ENGINES))
    ap.add_argument("--runs", type=int, default=3, help="runs per query (median reported)")
    ap.add_argument("--load-runs", default="3",
                    help="loads per engine (median reported): N, or per size like small=3,large=1")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds per engine process")
    ap.add_argument("--python", default=sys.executable, help="python with the peer packages")
    ap.add_argument("--faultline", default="target/release/faultline")
    ap.add_argument("--csr", default="target/release/examples/csr_baseline")
    ap.add_argument("--script", default=os.path.join(HERE, "bench.fql"))
    ap.add_argument("--budget", default=os.environ.get("FAULTLINE_BUDGET", "1000000000000"),
                    help="Faultline's --budget (empty: the default)")
    ap.add_argument("--results", default=None, help="write all results as JSON here (appends sizes)")
    ap.add_argument("--log-dir", default=None)
    ap.add_argument("--merge", action="store_true",
                    help="keep other engines' stored results for the same data set (with --results)")
    ap.add_argument("--report-only", action="store_true",
                    help="run nothing: print the tables from --results (implies --merge)")
    args = ap.parse_args()

    args.merge |= args.report_only
    sizes = [s for s in args.sizes.split(",") if s]
    engines = [e for e in args.engines.split(",") if e]
    unknown = [e for e in engines if e not in ALL_ENGINES]
    if unknown:
        ap.error(f"unknown engines {unknown}; known: {ALL_ENGINES}")
    log_root = args.log_dir or os.path.join(args.data_root, "logs")
    load_runs_spec = args.load_runs

    stored = {}
    if args.results and os.path.exists(args.results):
        with open(args.results) as f:
            stored = json.load(f)
    stored.setdefault("sizes", {})

    all_tables, per_size_verdicts, any_mismatch = [], {}, False
    for size in sizes:
        data = os.path.join(args.data_root, size)
        if not os.path.exists(os.path.join(data, "params.txt")):
            print(f"no data set at {data} (generate it first)", file=sys.stderr)
            continue
        info = graph_info(data)
        args.load_runs = load_runs_for(load_runs_spec, size)
        log_dir = os.path.join(log_root, size)
        os.makedirs(log_dir, exist_ok=True)
        old = stored["sizes"].get(size, {})
        results = {}
        if args.merge and old.get("info") == info:
            # Keep the other engines' results on the same data; rerun ours.
            results = dict(old.get("results", {}))
        for e in ([] if args.report_only else engines):
            print(f"[{size}] {e} ...", file=sys.stderr, flush=True)
            started = time.monotonic()
            if e == "faultline":
                r = run_faultline(data, args, log_dir)
            elif e in ("csr", "csr2"):
                if not os.path.exists(args.csr):
                    r = {"load_ms": [], "rss_kb": None, "queries": {}, "error": f"no binary at {args.csr}"}
                else:
                    # Q6 and Q7 are serial in both: csr2 answers Q1-Q5 only.
                    threads = ["--threads", "2", "--queries", "Q1,Q2,Q3,Q4,Q5"] if e == "csr2" else []
                    r = run_protocol_engine(e, [args.csr] + threads, data, args, log_dir)
            else:
                script = os.path.join(HERE, "peers", f"{e}_bench.py")
                r = run_protocol_engine(e, [args.python, script], data, args, log_dir)
            r["_engine"] = e
            results[e] = r
            status = r["error"] or "ok"
            print(f"[{size}] {e}: {status} ({time.monotonic() - started:.0f} s)", file=sys.stderr, flush=True)
        shown = [e for e in ALL_ENGINES if e in results or e in engines]
        verdicts, mismatches = check(results, size)
        any_mismatch |= bool(mismatches)
        per_size_verdicts[size] = verdicts
        text = table(size, info, results, shown, verdicts)
        all_tables.append(text)
        print("\n" + text + "\n", flush=True)
        stored["sizes"][size] = {"info": info, "engines": shown, "results": results,
                                 "mismatches": mismatches}
        if args.results:
            with open(args.results, "w") as f:
                json.dump(stored, f, indent=1)

    print("Medians of the runs; ¹ a single run (a slow query is not repeated); "
          "✗ an answer that differs from the reference (csr); — not supported.\n")
    print("Answers (reference engine; how many engines agree):\n")
    print(answers_table(per_size_verdicts))
    if any_mismatch:
        print("\n**MISMATCH**: engines disagree; see the messages above.")
    return 1 if any_mismatch else 0


if __name__ == "__main__":
    sys.exit(main())
