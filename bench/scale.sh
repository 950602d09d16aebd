#!/usr/bin/env bash
# Builds an N-page site (default a million) and records its time and peak
# memory:
#
#   bench/scale.sh [N]    (N a multiple of 100,000)
#
# The site is the 100,000-page benchmark site (bench/prepare.sh 100000)
# with its pages repeated N/100,000 times under new numbers
# (bench/scale.py), kept in target/bench/scale-N/ between runs. The build
# is `target/release/medsite build --quiet` into a fresh folder, under
# `/usr/bin/time -v`; the output needs about 16 GB per million pages, and
# the script checks the free space first. Prints one Markdown line for
# bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
pages=${1:-1000000}
base=$(bench/prepare.sh 100000)
dir=target/bench/scale-$pages
site=$dir/medsite
out=$dir/out
need_kb=$((pages / 1000 * 16 * 1024 + pages / 1000 * 5 * 1024))
free_kb=$(df -k --output=avail target | tail -1)
if [ "$free_kb" -lt "$need_kb" ]; then
    echo "bench: $pages pages need about $((need_kb / 1024 / 1024)) GiB, $((free_kb / 1024 / 1024)) GiB free" >&2
    exit 1
fi
if [ ! -f "$site/.made" ]; then
    rm -rf "$dir"
    mkdir -p "$site"
    cp -r "$base/themes" "$base/site.toml" "$site/"
    python3 bench/scale.py "$base/content" "$site/content" "$pages"
    touch "$site/.made"
fi
cargo build --release --locked --quiet
rm -rf "$out" "$dir/.out.medsite"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
/usr/bin/time -v target/release/medsite build --quiet --root "$site" --output "$out" 2>"$dir/time.txt"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
wall=$(grep 'Elapsed (wall clock)' "$dir/time.txt" | awk '{print $NF}')
user=$(grep 'User time' "$dir/time.txt" | awk '{print $NF}')
system=$(grep 'System time' "$dir/time.txt" | awk '{print $NF}')
peak_kb=$(grep 'Maximum resident' "$dir/time.txt" | awk '{print $NF}')
files=$(find "$out" -type f | wc -l)
size=$(du -sh "$out" | cut -f1)
echo "| $pages | $wall | $user s | $system s | $((peak_kb / 1024)) MiB | $files | $size | $load_before → $load_after |"
