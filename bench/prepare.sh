#!/usr/bin/env bash
# Makes the benchmark site of N pages and prints its folder:
#
#   bench/prepare.sh N    ->  target/bench/corpus-N/medsite
#
# The corpus comes from ../shared/bench/gen_corpus.py (seed 1, generated
# once and kept). The medsite site takes the Zola copy's pages (taxonomies
# under `taxonomies:`, as medsite reads them) with the neutral sections'
# `_index.md` (the Zola ones carry Zola-only keys), bench/theme/, and a
# site.toml that paginates every section and term by 10 like the Hugo
# config. Used by bench/run.sh and `cargo bench`.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
pages=${1:?usage: bench/prepare.sh N}
gen_corpus="$repo/../shared/bench/gen_corpus.py"
corpus=$repo/target/bench/corpus-$pages
site=$corpus/medsite

if [ ! -f "$corpus/.generated" ]; then
    if [ ! -f "$gen_corpus" ]; then
        echo "bench: $gen_corpus not found (shared/ must sit beside the repository)" >&2
        exit 1
    fi
    echo "bench: generating $pages pages" >&2
    python3 "$gen_corpus" --pages "$pages" --out "$corpus" --seed 1 >&2
    touch "$corpus/.generated"
    rm -rf "$site"
fi

# The site is rebuilt only when missing or when the theme changed, so
# that its files keep their times between runs.
theme_stamp=$(cd "$repo/bench/theme" && find . -type f -exec sha256sum {} + | sort | sha256sum | cut -c1-16)
if [ -f "$site/.theme-$theme_stamp" ]; then
    echo "$site"
    exit 0
fi
rm -rf "$site"
mkdir -p "$site/themes"
cp -r "$corpus/zola/content" "$site/content"
for index in "$corpus"/content-md/*/_index.md; do
    cp "$index" "$site/content/$(basename "$(dirname "$index")")/_index.md"
done
cp -r "$repo/bench/theme" "$site/themes/bench"
{
    echo '# The benchmark site (bench/prepare.sh): the work of the corpus'"'"'s Hugo config.'
    echo 'title = "Bench corpus"'
    echo 'base_url = "http://example.org/"'
    echo 'theme = "bench"'
    echo 'feed_limit = 20'
    echo
    printf '[[menu]]\ntitle = "Home"\npath = ""\n\n'
    for s in $(seq 1 10); do
        printf '[[menu]]\ntitle = "Section %d"\npath = "section-%d/"\n\n' "$s" "$s"
    done
    printf '[[menu]]\ntitle = "Tags"\npath = "tags/"\n\n'
    printf '[[menu]]\ntitle = "Categories"\npath = "categories/"\n\n'
    printf '[[taxonomies]]\nname = "tags"\ntitle = "Tags"\npaginate_by = 10\n\n'
    printf '[[taxonomies]]\nname = "categories"\ntitle = "Categories"\npaginate_by = 10\n\n'
    for s in $(seq 1 10); do
        printf '[sections.section-%d]\npaginate_by = 10\n\n' "$s"
    done
} >"$site/site.toml"
touch "$site/.theme-$theme_stamp"
echo "$site"
