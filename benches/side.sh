#!/usr/bin/env bash
# Faultline's Q1-Q5 and the CSR baseline's (on one thread and on two,
# issue 19's reference), alternating in one run, the minimum per query and
# the ratios: a quick check between the full comparisons of compare.sh
# (BENCHMARKS.md, issue 19). Every run is a fresh process (cold caches).
#
#   benches/side.sh DATA_DIR [ROUNDS]      (after cargo build --release --examples)
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:?usage: benches/side.sh DATA_DIR [ROUNDS]}
rounds=${2:-3}
param() { sed -n "s/^$1=//p" "$data/params.txt"; }
queries=$(mktemp)
trap 'rm -f "$queries"' EXIT
grep -v '^--' benches/bench.fql | head -5 > "$queries"
for _ in $(seq "$rounds"); do
  target/release/faultline run "$queries" --timing --format json --keep-going --data "$data" \
    --param s="$(param s)" --param t="$(param t)" --param nation="$(param nation)" \
    --param k="$(param k)" --budget 1000000000000 2>&1 >/dev/null |
    awk '/^time:/ { n++; print "F Q" n, $2 }'
  for threads in 1 2; do
    target/release/examples/csr_baseline --data "$data" --runs 1 --queries Q1,Q2,Q3,Q4,Q5 \
      --threads "$threads" 2>/dev/null |
      python3 -c '
import json, sys
for line in sys.stdin:
    d = json.loads(line)
    if d["event"] == "query":
        print("C" + sys.argv[1], d["q"], d["ms"][0])' "$threads"
  done
done | python3 -c '
import collections, sys
best = collections.defaultdict(list)
for line in sys.stdin:
    engine, q, ms = line.split()
    best[(engine, q)].append(float(ms))
for q in ["Q1", "Q2", "Q3", "Q4", "Q5"]:
    f, c1, c2 = min(best[("F", q)]), min(best[("C1", q)]), min(best[("C2", q)])
    print(f"{q}: faultline {f:8.2f} ms  csr {c1:8.2f} ms ({f / c1:5.2f}x)"
          f"  csr on 2 threads {c2:8.2f} ms ({f / c2:5.2f}x)")'
