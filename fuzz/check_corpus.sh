#!/bin/bash
# Runs every statement file of the fuzz corpora through a release binary at
# the default budget, with a 10 s limit, and prints per file: exit code, wall
# seconds, peak RSS (KB), file. Files that mention `export` are skipped (they
# would write files). Usage, from the repository root:
#   cargo build --release
#   fuzz/check_corpus.sh target/release/faultline tests/fixtures/mini > /tmp/mini.txt
#   awk '$1 == 124' /tmp/mini.txt        # timeouts (none expected)
set -u
bin=$(realpath "$1")
data=$(realpath "$2")
root=$(dirname "$(realpath "$0")")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
for f in "$root"/corpus/eval/* "$root"/corpus/parse/*; do
  [ -f "$f" ] || continue
  if grep -qi "export" "$f"; then echo "skip $f"; continue; fi
  start=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$work/rss" timeout 10 "$bin" run "$f" --data "$data" --keep-going > /dev/null 2>&1
  rc=$?
  end=$(date +%s.%N)
  echo "$rc $(echo "$end - $start" | bc) $(tail -1 "$work/rss") $f"
done
