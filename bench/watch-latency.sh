#!/usr/bin/env bash
# Benchmark of `medsite serve` (not a test): on a generated 10,000-page site,
# the time from a one-word edit's write to the reload message on the wire
# (p50 and p95 over the first 50 edits), and the server's memory after the
# first edit and after the 1,000th. See bench/RESULTS.md for figures.
#
#   bench/watch-latency.sh [PAGES] [EDITS]
set -euo pipefail
cd "$(dirname "$0")/.."
pages="${1:-10000}"
edits="${2:-1000}"
corpus="target/corpus-$pages"
cargo build --release --locked --quiet
if [ ! -d "$corpus/content-md" ]; then
    python3 ../shared/bench/gen_corpus.py --pages "$pages" --out "$corpus" --seed 1
fi
python3 bench/watch_latency.py target/release/medsite "$corpus" "target/bench-watch-$pages" --edits "$edits"
