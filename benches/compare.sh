#!/usr/bin/env bash
# Cross-engine benchmark: Faultline against DuckDB, Kuzu, igraph, NetworkX and
# a hand-written CSR baseline, on the synthetic supply-chain graphs of
# examples/gen.rs. Prints one markdown table per size (load, peak RSS, Q1-Q7
# medians) and the answers, and says MISMATCH loudly when engines disagree.
#
#   benches/compare.sh [--sizes small,medium,large] [--engines faultline,csr,csr2,duckdb,kuzu,igraph,networkx]
#                      [--runs 3] [--load-runs small=3,medium=3,large=1] [--timeout 3600]
#                      [--seed 42] [--skip-build]
#
# Work files (graphs, venv, logs, results.json, report.md) go to
# $BENCH_DIR (default target/bench). Exit status 1 when answers disagree.
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1  # no __pycache__ in benches/

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_DIR="${BENCH_DIR:-$ROOT/target/bench}"
VENV="$BENCH_DIR/venv"
SIZES="small,medium,large"
ENGINES="faultline,csr,csr2,duckdb,kuzu,igraph,networkx"
RUNS=3
LOAD_RUNS="small=3,medium=3,large=1"
TIMEOUT=3600
SEED=42
BUILD=1

while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) SIZES="$2"; shift 2 ;;
    --engines) ENGINES="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --load-runs) LOAD_RUNS="$2"; shift 2 ;;
    --timeout) TIMEOUT="$2"; shift 2 ;;
    --seed) SEED="$2"; shift 2 ;;
    --skip-build) BUILD=0; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

size_args() {
  case "$1" in
    small)  echo "10000 50000" ;;
    medium) echo "100000 1000000" ;;
    large)  echo "1000000 10000000" ;;
    *) echo "compare.sh: unknown size $1 (small, medium, large)" >&2; return 1 ;;
  esac
}

cd "$ROOT"
mkdir -p "$BENCH_DIR/data"

# 1. Build. A Faultline that does not build is reported as "error" per query.
if [ "$BUILD" = 1 ]; then
  echo "== building (release)" >&2
  cargo build --release --example gen --example csr_baseline
  cargo build --release --bin faultline || echo "compare.sh: faultline did not build; its column will say error" >&2
fi

# 2. The peers' Python environment.
if ! "$VENV/bin/python" -c 'import duckdb, kuzu, igraph, networkx, matplotlib' 2>/dev/null; then
  echo "== creating $VENV and installing the peers from PyPI" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --upgrade pip
  "$VENV/bin/pip" install --quiet duckdb kuzu python-igraph networkx matplotlib
fi

# 3. The graphs (regenerated when the generator or its arguments change).
GEN_HASH="$(sha256sum examples/gen.rs | cut -c1-16)"
IFS=',' read -ra SIZE_LIST <<< "$SIZES"
for size in "${SIZE_LIST[@]}"; do
  read -r nodes edges <<< "$(size_args "$size")"
  dir="$BENCH_DIR/data/$size"
  stamp="nodes=$nodes edges=$edges seed=$SEED gen=$GEN_HASH"
  if [ "$(cat "$dir/.stamp" 2>/dev/null)" != "$stamp" ]; then
    echo "== generating $size ($nodes nodes, $edges edges)" >&2
    rm -rf "$dir"
    target/release/examples/gen --nodes "$nodes" --edges "$edges" --seed "$SEED" --out "$dir" >&2
    echo "$stamp" > "$dir/.stamp"
  fi
done

# 4. Run and report.
{
  echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)," \
       "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "Peers: $("$VENV/bin/python" -c 'import duckdb, kuzu, igraph, networkx; print(f"duckdb {duckdb.__version__}, kuzu {kuzu.__version__}, python-igraph {igraph.__version__}, networkx {networkx.__version__}")')"
  echo "Command: benches/compare.sh --sizes $SIZES --engines $ENGINES --runs $RUNS --load-runs $LOAD_RUNS"
  echo
} | tee "$BENCH_DIR/report.md"

set +e
"$VENV/bin/python" benches/harness.py \
  --data-root "$BENCH_DIR/data" --sizes "$SIZES" --engines "$ENGINES" \
  --runs "$RUNS" --load-runs "$LOAD_RUNS" --timeout "$TIMEOUT" \
  --python "$VENV/bin/python" \
  --faultline "$ROOT/target/release/faultline" \
  --csr "$ROOT/target/release/examples/csr_baseline" \
  --results "$BENCH_DIR/results.json" --log-dir "$BENCH_DIR/logs" \
  | tee -a "$BENCH_DIR/report.md"
status=${PIPESTATUS[0]}
echo "report: $BENCH_DIR/report.md; results: $BENCH_DIR/results.json; logs: $BENCH_DIR/logs" >&2
exit "$status"
