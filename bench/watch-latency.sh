#!/usr/bin/env bash
# Benchmark of `medsite serve` (not a test): on a generated site, the time
# from an edit's write to the reload message on the wire (p50 and p95),
# for body edits and for front-matter edits (title, date, a tag), and the
# server's memory after the first edit and after the last. See
# bench/watch-latency.md and bench/RESULTS.md for figures.
#
#   bench/watch-latency.sh [PAGES] [EDITS] [watch_latency.py options...]
#
# Options passed on: `--site` (the bench/prepare.sh site, bench theme,
# pagination by 10; `--site prepared` picks it), `--search` (search = true),
# `--front-matter-edits N`, `--latency-edits N`, `--pause S` (wait S seconds
# after each edit, as a writer does). MEDSITE=path runs another
# binary (for a comparison with an older build).
set -euo pipefail
cd "$(dirname "$0")/.."
pages="${1:-10000}"
edits="${2:-1000}"
shift $(( $# < 2 ? $# : 2 ))
corpus="target/corpus-$pages"
medsite="${MEDSITE:-target/release/medsite}"
if [ -z "${MEDSITE:-}" ]; then
    cargo build --release --locked --quiet
fi
args=()
for arg in "$@"; do
    if [ "$arg" = prepared ]; then
        arg=$(bench/prepare.sh "$pages")
    fi
    args+=("$arg")
done
if [ ! -d "$corpus/content-md" ]; then
    python3 ../shared/bench/gen_corpus.py --pages "$pages" --out "$corpus" --seed 1
fi
python3 bench/watch_latency.py "$medsite" "$corpus" "target/bench-watch-$pages" --edits "$edits" "${args[@]}"
