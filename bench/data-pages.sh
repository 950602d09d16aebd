#!/usr/bin/env bash
# Pages from data against Markdown pages (issue 12): the same N pages built
# from one CSV file (`generate` in the section's `_index.md`) and from N
# Markdown files, with the same fields, body text, theme, taxonomies,
# pagination and feed. Each build is timed with GNU time (wall clock and
# peak memory); the two sites are built alternately, RUNS times each, so
# that a loaded host slows both alike, and the ratios are printed.
#
#   bench/data-pages.sh [--pages N] [--runs R]     (defaults: 100000, 3)
#
# MEDSITE=path/to/medsite uses that binary instead of building
# target/release/medsite.
#
# Everything lives under target/bench-data-pages/. The page body is plain
# text: a Markdown page renders it as a paragraph, a generated page's
# template prints the record's `body` in one (the only template line that
# differs is shared by both sites: `page.extra.body` or `page.content`).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

pages=100000
runs=3
while [ $# -gt 0 ]; do
    case "$1" in
        --pages) pages="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        -h | --help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "usage: bench/data-pages.sh [--pages N] [--runs R]" >&2; exit 2 ;;
    esac
done
[ -x /usr/bin/time ] || { echo "bench: GNU time (/usr/bin/time) is needed: apt-get install time" >&2; exit 1; }

medsite=${MEDSITE:-}
if [ -z "$medsite" ]; then
    cargo build --release --locked --quiet
    medsite=$repo/target/release/medsite
fi
work=$repo/target/bench-data-pages/$pages
mkdir -p "$work"

# --- the two sites -------------------------------------------------------------
if [ ! -f "$work/.generated" ]; then
    echo "bench: writing the two sites of $pages pages" >&2
    rm -rf "$work/markdown" "$work/data"
    python3 - "$work" "$pages" "$repo/bench/theme" <<'PYTHON'
import os, shutil, sys, datetime
work, pages, theme = sys.argv[1], int(sys.argv[2]), sys.argv[3]
words = ("care patient clinic shift training license exam wage hospital "
         "nurse therapy record skill state board course lab safety team").split()
def body(i):
    # About 600 characters of text, different on every page.
    out, k = [], i
    while sum(len(w) + 1 for w in out) < 600:
        k = (k * 1103515245 + 12345) % 2**31
        out.append(words[k % len(words)])
    return " ".join(out).capitalize() + "."
page_html = """{% extends "base.html" %}
{% block title %}{{ page.title }} | {{ site.title }}{% endblock title %}
{% block main %}
<article>
<h1>{{ page.title }}</h1>
<p class="meta"><time datetime="{{ page.date }}">{{ page.date }}</time>
{% for c in page.taxonomies.categories %} in <a href="{{ root }}{{ c.path }}">{{ c.name }}</a>{% endfor %}</p>
<ul class="tags">{% for t in page.taxonomies.tags %}<li><a href="{{ root }}{{ t.path }}">{{ t.name }}</a></li>{% endfor %}</ul>
<div class="content">
{% if page.extra.body %}<p>{{ page.extra.body }}</p>{% else %}{{ page.content | safe }}{% endif %}
</div>
</article>
{% endblock main %}
"""
config = """title = "Pages from data bench"
base_url = "http://example.org/"
theme = "bench"
feed_limit = 20

[[taxonomies]]
name = "tags"
paginate_by = 10

[[taxonomies]]
name = "categories"
paginate_by = 10

[sections.items]
paginate_by = 10
"""
start = datetime.date(2020, 1, 1)
def record(i):
    return {
        "slug": f"item-{i:06d}",
        "title": f"Item {i}",
        "date": (start + datetime.timedelta(days=i % 1500)).isoformat(),
        "tag": f"tag-{i % 50}",
        "category": f"category-{i % 10}",
        "description": f"The description of item {i}",
        "body": body(i),
    }
for kind in ("markdown", "data"):
    site = os.path.join(work, kind)
    os.makedirs(os.path.join(site, "content", "items"))
    os.makedirs(os.path.join(site, "templates"))
    shutil.copytree(theme, os.path.join(site, "themes", "bench"))
    with open(os.path.join(site, "site.toml"), "w") as f:
        f.write(config)
    with open(os.path.join(site, "templates", "page.html"), "w") as f:
        f.write(page_html)
    with open(os.path.join(site, "content", "_index.md"), "w") as f:
        f.write("+++\ntitle = \"Home\"\n+++\n")
items = os.path.join(work, "markdown", "content", "items")
with open(os.path.join(items, "_index.md"), "w") as f:
    f.write("+++\ntitle = \"Items\"\n+++\n")
for i in range(pages):
    r = record(i)
    with open(os.path.join(items, r["slug"] + ".md"), "w") as f:
        f.write(f"+++\ntitle = \"{r['title']}\"\ndate = \"{r['date']}\"\n"
                f"description = \"{r['description']}\"\n\n[taxonomies]\n"
                f"tags = [\"{r['tag']}\"]\ncategories = [\"{r['category']}\"]\n+++\n{r['body']}\n")
data = os.path.join(work, "data")
with open(os.path.join(data, "content", "items", "_index.md"), "w") as f:
    f.write("""+++
title = "Items"

[generate]
data = "items.csv"
path = "{slug}"
title = "{title}"
description = "{description}"
date = "{date}"

[generate.taxonomies]
tags = ["{tag}"]
categories = ["{category}"]
+++
""")
os.makedirs(os.path.join(data, "data"))
with open(os.path.join(data, "data", "items.csv"), "w") as f:
    f.write("slug,title,date,tag,category,description,body\n")
    for i in range(pages):
        r = record(i)
        f.write(",".join(r[k] for k in ("slug", "title", "date", "tag", "category", "description", "body")) + "\n")
PYTHON
    touch "$work/.generated"
fi

# --- the runs -------------------------------------------------------------------
# One timed build of a site into a fresh folder: "seconds peak_kib".
measure() {
    local site=$1 out=$work/out-$(basename "$1") log=$work/time.log
    rm -rf "$out" "$work/.out-$(basename "$1").medsite"
    sync
    /usr/bin/time -v "$medsite" build --quiet --root "$site" --output "$out" 2>"$log"
    local wall peak
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log" | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
    peak=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
    echo "$wall $peak"
}

echo "bench: $(date -u '+%Y-%m-%d %H:%M UTC'), medsite $(git rev-parse --short HEAD), $(nproc) cores" >&2
echo "bench: load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
printf '| run | Markdown wall | data wall | data/Markdown | Markdown peak | data peak |\n'
printf '|---:|---:|---:|---:|---:|---:|\n'
for run in $(seq 1 "$runs"); do
    read -r md_wall md_peak < <(measure "$work/markdown")
    read -r data_wall data_peak < <(measure "$work/data")
    awk -v r="$run" -v mw="$md_wall" -v dw="$data_wall" -v mp="$md_peak" -v dp="$data_peak" \
        'BEGIN { printf "| %d | %.2f s | %.2f s | **%.2f** | %d MiB | %d MiB |\n", r, mw, dw, dw / mw, mp / 1024, dp / 1024 }'
done
echo "bench: load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "bench: files: $(find "$work/out-markdown" -type f | wc -l) (Markdown), $(find "$work/out-data" -type f | wc -l) (data)" >&2
