#!/usr/bin/env bash
# Benchmark (not a test): how long `medsite serve` takes to answer its first
# request on the bench/prepare.sh site, against a full `medsite build` of
# the same site into an empty folder (target: within the build plus 10%).
#
#   bench/serve-first-request.sh [PAGES] [RUNS] [--search]
#
# MEDSITE=path runs another binary (for a comparison with an older build).
set -euo pipefail
cd "$(dirname "$0")/.."
pages="${1:-10000}"
runs="${2:-3}"
shift $(( $# < 2 ? $# : 2 ))
medsite="${MEDSITE:-target/release/medsite}"
if [ -z "${MEDSITE:-}" ]; then
    cargo build --release --locked --quiet
fi
site=$(bench/prepare.sh "$pages")
python3 bench/serve_first_request.py "$medsite" "$site" "target/bench-serve-$pages" --runs "$runs" "$@"
