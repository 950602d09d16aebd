#!/usr/bin/env bash
# The project's two commands (see README.md):
#   ./build.sh [FLAGS] build medsite (release) and the careers site into dist/
#                       (FLAGS go to `medsite build`, e.g. --base-url URL)
#   ./build.sh test     run every test: cargo test, lints, docs, and the browser,
#                       HTML-validity, accessibility and link checks
#   ./build.sh check|watch|serve|new [ARGS]   pass through to the medsite binary
# Anything the tests need (Debian or npm packages) is installed when missing.
set -euo pipefail
cd "$(dirname "$0")"

medsite=target/release/medsite

# ./build.sh builds medsite with every cargo feature but `check-external`:
# lychee-lib and its HTTP and TLS stack are about 30% of a first compile, and
# the careers site's build and tests do not fetch. `./build.sh check
# --external` builds with every feature.
site_features=images,highlight,social-cards

build_release() {
    cargo build --release --locked --quiet --no-default-features --features "${1:-$site_features}"
}

build_site() {
    build_release
    "$medsite" build "$@"
}

case "${1:-build}" in
    build)
        [ $# -gt 0 ] && shift
        build_site "$@"
        ;;
    -*)
        # ./build.sh --base-url https://example.org/ : build flags only
        build_site "$@"
        ;;
    test)
        shift
        echo "== cargo fmt, clippy, doc"
        cargo fmt --all -- --check
        cargo clippy --locked --all-targets --quiet -- -D warnings
        RUSTDOCFLAGS="-D warnings" cargo doc --locked --no-deps --quiet
        echo "== cargo test"
        cargo test --locked "$@"
        echo "== build the careers site"
        build_site --quiet
        echo "== browser, HTML-validity, accessibility and link checks"
        tests/browser/run.sh dist
        ;;
    check | watch | serve | new)
        case " $* " in
            *" --external "*) build_release "$site_features,check-external" ;;
            *) build_release ;;
        esac
        exec "$medsite" "$@"
        ;;
    *)
        echo "usage: ./build.sh [build [ARGS] | test | check | watch | serve | new]" >&2
        exit 2
        ;;
esac
