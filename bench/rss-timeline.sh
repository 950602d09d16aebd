#!/usr/bin/env bash
# Resident memory of one fresh build over time, once a second, with
# whether the staging folder exists yet (it is made by the first file
# written, so `staging=1` marks the start of writing):
#
#   bench/rss-timeline.sh SITE OUT [BINARY]   (BINARY: target/release/medsite)
#
# Prints "seconds RSS-KiB staging=0|1 out=0|1" lines, then "exit N".
set -euo pipefail
site=$1
out=$2
bin=${3:-target/release/medsite}
parent=$(dirname "$out")
name=$(basename "$out")
rm -rf "$out" "$parent/.$name.medsite"
start=$(date +%s.%N)
"$bin" build --quiet --root "$site" --output "$out" &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    staging=$(find "$parent" -maxdepth 1 -name ".$name.staging-*" | wc -l)
    written=$([ -d "$out" ] && echo 1 || echo 0)
    echo "$(echo "$(date +%s.%N) - $start" | bc) $rss staging=$staging out=$written"
    sleep 1
done
status=0
wait "$pid" || status=$?
echo "exit $status"
