#!/usr/bin/env bash
# qostil's whole test suite: what CI runs (through .ci/run) and what to run before a commit.
#
#   ./test.sh                 every step, in order, stopping at the first failure
#   ./test.sh html browser    only the named steps (plus the steps they need: setup, build)
#
# Steps:
#   setup    install what the tests need (apt: chromium, libxml2-utils, nginx, a JRE if there
#            is no java; cargo install s3s-fs, the S3 server the deploy tests start; npm ci in
#            tests/browser), only when something is missing
#   fmt      cargo fmt --check
#   clippy   cargo clippy --all-targets -- -D warnings
#   test     cargo test (unit, integration and doc tests)
#   build    builds the portal (the repo root) and every fixture site tests/fixtures/*/site.yaml
#   html     Nu Html Checker (vnu) over every built .html file, xmllint over every .xml file
#   browser  node --test in tests/browser: static server + Chromium over the built portal
#            (a11y.test.mjs: axe-core WCAG 2.1 AA on every page type at 375 and 1280 px, and
#            the photo fixture's home and photo article too; the phone's focus order; at least
#            8 headlines of a section or term list on a 375×812 screen)
#
# Environment:
#   QOSTIL_TEST_OUT        keep the built sites here (default: a temp folder, deleted at exit)
#   QOSTIL_SCREENSHOT_DIR  browser screenshots (default: tests/browser/screenshots/)
#   QOSTIL_CHROMIUM        browser binary (default: /usr/bin/chromium)
#
# Fixture sites: each is copied to a temp folder and built from there (so nothing is written
# into tests/fixtures/); a fixture without its own themes/ gets a copy of the repo's themes/.
# A fixture meant to fail (bad input) is one whose folder name starts with bad-, invalid-,
# broken- or error-, or that holds a file named expected-error*/expected_error*/*.stderr at
# its top: its build must exit with status 1 and write no output.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"

ALL_STEPS=(setup fmt clippy test build html browser)
CHROMIUM="${QOSTIL_CHROMIUM:-/usr/bin/chromium}"
BROWSER_DIR="$ROOT/tests/browser"
VNU_JAR="$BROWSER_DIR/node_modules/vnu-jar/build/dist/vnu.jar"
SCREENSHOT_DIR="${QOSTIL_SCREENSHOT_DIR:-$BROWSER_DIR/screenshots}"
export DEBIAN_FRONTEND=noninteractive
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

say() { printf 'test.sh: %s\n' "$*"; }
die() { printf 'test.sh: error: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------
# which steps

declare -A WANT=()
if [[ $# -eq 0 ]]; then
  for s in "${ALL_STEPS[@]}"; do WANT[$s]=1; done
else
  for arg in "$@"; do
    case "$arg" in
      -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
      setup | fmt | clippy | test | build | html | browser) WANT[$arg]=1 ;;
      *) echo "test.sh: unknown step '$arg' (steps: ${ALL_STEPS[*]})" >&2; exit 2 ;;
    esac
  done
  # html and browser check the built sites; they need the tools and the build.
  if [[ -n "${WANT[html]:-}${WANT[browser]:-}" ]]; then WANT[setup]=1; WANT[build]=1; fi
  # The deploy and nginx tests start s3s-fs and nginx: a missing one fails them.
  if [[ -n "${WANT[test]:-}" ]]; then WANT[setup]=1; fi
fi

# ---------------------------------------------------------------------------------------
# bookkeeping: a failing command anywhere ends the run (set -e); the EXIT trap reports it

PASSED=0
CURRENT=""
TIMINGS=()
if [[ -n "${QOSTIL_TEST_OUT:-}" ]]; then
  OUT="$(mkdir -p "$QOSTIL_TEST_OUT" && cd "$QOSTIL_TEST_OUT" && pwd)"
  KEEP_OUT=1
else
  OUT="$(mktemp -d "${TMPDIR:-/tmp}/qostil-test.XXXXXX")"
  KEEP_OUT=""
fi

on_exit() {
  local rc=$?
  if [[ -z "$KEEP_OUT" ]]; then rm -rf "$OUT"; fi
  if [[ -n "$CURRENT" ]]; then
    echo
    say "FAILED: step '$CURRENT' (exit status $rc); the steps after it did not run"
    print_timings
    echo "test.sh: $PASSED passed, 1 failed"
    [[ $rc -ne 0 ]] || rc=1
  fi
  exit "$rc"
}
trap on_exit EXIT

print_timings() {
  local t
  for t in "${TIMINGS[@]}"; do say "  $t"; done
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }

run_step() {
  local name=$1 title=$2
  [[ -n "${WANT[$name]:-}" ]] || return 0
  echo
  echo "==> test.sh [$name] $title"
  CURRENT=$name
  local start
  start=$(now)
  "step_$name"
  TIMINGS+=("$(printf '%-8s %8s  ok' "$name" "$(elapsed "$start")")")
  CURRENT=""
  PASSED=$((PASSED + 1))
}

# ---------------------------------------------------------------------------------------
# setup

need_cmd() { command -v "$1" >/dev/null 2>&1 || die "$1 is not installed: $2"; }

apt_install() {
  local sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null ||
      die "need to apt-get install $*, but not root and no passwordless sudo"
    sudo="sudo -n"
  fi
  command -v apt-get >/dev/null 2>&1 || die "need to install $* but there is no apt-get"
  say "apt-get install $*"
  $sudo apt-get update -q </dev/null || die "apt-get update failed"
  $sudo apt-get install -y -q --no-install-recommends "$@" </dev/null ||
    die "apt-get install $* failed"
}

step_setup() {
  need_cmd cargo "install the Rust toolchain (rustup)"
  if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
    need_cmd rustup "cargo fmt / cargo clippy are missing and rustup is not there to add them"
    rustup component add rustfmt clippy
  fi
  cargo fmt --version >/dev/null 2>&1 || die "cargo fmt does not run"
  cargo clippy --version >/dev/null 2>&1 || die "cargo clippy does not run"

  # The tools the html and browser steps use: apt only when one is missing.
  local pkgs=()
  [[ -x "$CHROMIUM" ]] || pkgs+=(chromium)
  command -v xmllint >/dev/null 2>&1 || pkgs+=(libxml2-utils)
  command -v java >/dev/null 2>&1 || pkgs+=(default-jre-headless)
  # docs/deploy.md's nginx config is tested with Debian's nginx (tests/e2e/nginx.rs).
  [[ -x /usr/sbin/nginx ]] || command -v nginx >/dev/null 2>&1 || pkgs+=(nginx)
  # A font with Kazakh Cyrillic, or the screenshots show boxes instead of letters.
  if [[ ! -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]] &&
    ! { command -v fc-list >/dev/null 2>&1 && [[ -n "$(fc-list :lang=kk family 2>/dev/null)" ]]; }; then
    pkgs+=(fonts-dejavu-core)
  fi
  if [[ ${#pkgs[@]} -gt 0 ]]; then apt_install "${pkgs[@]}"; fi
  [[ -x "$CHROMIUM" ]] || die "no Chromium at $CHROMIUM after installing"
  need_cmd xmllint "apt-get install libxml2-utils"
  need_cmd java "apt-get install default-jre-headless"
  local java_major
  java_major=$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ { print $2 }')
  [[ "${java_major%%.*}" -ge 11 ]] 2>/dev/null || die "the Nu Html Checker needs Java 11 or newer (found '${java_major:-?}')"
  say "$("$CHROMIUM" --version 2>/dev/null | head -n1); java $java_major; $(xmllint --version 2>&1 | head -n1)"

  [[ -x /usr/sbin/nginx ]] || need_cmd nginx "apt-get install nginx"

  # The S3-compatible server `qostil deploy`'s tests start (tests/e2e/s3_server.rs).
  local cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
  if ! command -v s3s-fs >/dev/null 2>&1 && [[ ! -x "$cargo_bin/s3s-fs" ]]; then
    say "cargo install s3s-fs (the S3 server of the deploy tests; compiles for a few minutes)"
    cargo install s3s-fs --version 0.14.1 --features binary --locked </dev/null ||
      die "cargo install s3s-fs failed"
  fi
  command -v s3s-fs >/dev/null 2>&1 || [[ -x "$cargo_bin/s3s-fs" ]] || die "no s3s-fs after cargo install"

  need_cmd node "the browser tests need Node.js 20 or newer"
  need_cmd npm "the browser tests need npm"
  local node_major
  node_major=$(node -p 'process.versions.node.split(".")[0]')
  [[ "$node_major" -ge 20 ]] || die "the browser tests need Node.js 20 or newer (found $(node --version))"

  # npm ci only when package-lock.json changed since the last install. --ignore-scripts:
  # vnu-jar's postinstall would try to download a JRE; the system java is used instead.
  local lock_sum stamp="$BROWSER_DIR/node_modules/.qostil-lock.sha256"
  lock_sum=$(sha256sum "$BROWSER_DIR/package-lock.json" | cut -d' ' -f1)
  if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$lock_sum" || ! -f "$VNU_JAR" ||
    ! -d "$BROWSER_DIR/node_modules/playwright-core" ]]; then
    (cd "$BROWSER_DIR" && npm ci --ignore-scripts --no-audit --no-fund </dev/null) || die "npm ci in tests/browser failed"
    echo "$lock_sum" >"$stamp"
  else
    say "tests/browser/node_modules is up to date with package-lock.json"
  fi
  [[ -f "$VNU_JAR" ]] || die "no vnu.jar at $VNU_JAR after npm ci"
  (cd "$BROWSER_DIR" && node -e "import('playwright-core').then(() => {}, (e) => { console.error(e.message); process.exit(1); })") ||
    die "playwright-core cannot be loaded in tests/browser"
}

# ---------------------------------------------------------------------------------------
# cargo

step_fmt() {
  local color=()
  [[ -t 1 ]] || color=(-- --color never)
  cargo fmt --all --check "${color[@]}"
}
step_clippy() { cargo clippy --all-targets -- -D warnings; }
step_test() { cargo test; }

# ---------------------------------------------------------------------------------------
# build

is_bad_fixture() {
  local dir=$1 name
  name=$(basename "$dir")
  case "$name" in bad-* | invalid-* | broken-* | error-*) return 0 ;; esac
  compgen -G "$dir/expected-error*" >/dev/null || compgen -G "$dir/expected_error*" >/dev/null ||
    compgen -G "$dir/*.stderr" >/dev/null
}

step_build() {
  rm -rf "$OUT/portal" "$OUT/fixtures" "$OUT/fixture-src"
  # The debug binary the test step built: a release compile of qostil and its image codecs
  # would add minutes to CI (the README's `cargo run --release -- build` is tried by hand).
  cargo build --bins --examples
  say "building the portal → $OUT/portal"
  cargo run --quiet -- build --output "$OUT/portal"
  [[ -f "$OUT/portal/index.html" ]] || die "the portal build wrote no index.html"

  local sites=() dir name src status
  shopt -s nullglob
  for dir in tests/fixtures/*/; do
    [[ -f "$dir/site.yaml" ]] && sites+=("${dir%/}")
  done
  shopt -u nullglob
  if [[ ${#sites[@]} -eq 0 ]]; then
    say "no fixture sites (tests/fixtures/*/site.yaml) yet: built the portal only"
    return 0
  fi
  mkdir -p "$OUT/fixtures" "$OUT/fixture-src"
  local built=0 refused=0
  for dir in "${sites[@]}"; do
    name=$(basename "$dir")
    src="$OUT/fixture-src/$name"
    cp -a "$dir" "$src"
    rm -rf "$src/public" "$src/.qostil"
    if [[ ! -d "$src/themes" ]]; then cp -a themes "$src/themes"; fi
    # The photo fixture's photos are made, not stored (tests/support/photos.rs).
    if [[ $name == photos ]]; then cargo run --quiet --example photo_fixture -- "$src"; fi
    if is_bad_fixture "$dir"; then
      say "fixture $name (bad input: the build must fail with status 1 and write nothing)"
      set +e
      cargo run --quiet -- build --root "$src" --output "$OUT/fixtures/$name"
      status=$?
      set -e
      [[ $status -eq 1 ]] || die "fixture $name: expected exit status 1, got $status"
      if [[ -e "$OUT/fixtures/$name" ]] && [[ -n "$(ls -A "$OUT/fixtures/$name")" ]]; then
        die "fixture $name: the failed build wrote files into its output folder"
      fi
      rm -rf "${OUT:?}/fixtures/$name"
      refused=$((refused + 1))
    else
      say "fixture $name → $OUT/fixtures/$name"
      cargo run --quiet -- build --root "$src" --output "$OUT/fixtures/$name" ||
        die "fixture $name did not build"
      built=$((built + 1))
    fi
  done
  say "fixtures: $built built, $refused bad-input fixtures refused as expected"

  # A new site from `qostil init` builds and passes `check --strict` at once.
  local qostil="$ROOT/target/debug/qostil" fresh
  fresh=$(mktemp -d)/site
  say "qostil init $fresh && qostil build --root $fresh && qostil check --strict --root $fresh"
  "$qostil" init "$fresh" && "$qostil" build --root "$fresh" && "$qostil" check --strict --root "$fresh" ||
    die "a site made by qostil init did not build or pass check --strict"
  rm -rf "$(dirname "$fresh")"
}

# ---------------------------------------------------------------------------------------
# html

step_html() {
  local dirs=("$OUT/portal")
  [[ -d "$OUT/fixtures" ]] && dirs+=("$OUT/fixtures")
  local html_count
  html_count=$(find "${dirs[@]}" -type f -name '*.html' | wc -l)
  [[ $html_count -gt 0 ]] || die "no .html files were built"
  say "Nu Html Checker on $html_count .html files"
  # --errors-only: warnings and infos are not failures; any error is, and is printed as
  # "file:line.col-line.col: error: message".
  java -jar "$VNU_JAR" --errors-only --skip-non-html --format gnu "${dirs[@]}" ||
    die "the Nu Html Checker found errors in the generated HTML (listed above)"

  local xml_files=()
  mapfile -t xml_files < <(find "${dirs[@]}" -type f -name '*.xml' | sort)
  if [[ ${#xml_files[@]} -eq 0 ]]; then
    say "no .xml files (feeds, sitemap) were built: nothing for xmllint"
  else
    say "xmllint (well-formedness) on ${#xml_files[@]} .xml files"
    xmllint --noout "${xml_files[@]}" || die "xmllint found malformed XML (listed above)"
    validate_feeds_and_sitemaps "${xml_files[@]}"
  fi
}

# Atom feeds against the RELAX NG schema (after RFC 4287), sitemaps against the sitemaps.org
# schemas (a sitemap index when the site has more than 50,000 URLs).
validate_feeds_and_sitemaps() {
  local schemas="$ROOT/tests/schemas" feeds=() urlsets=() indexes=() f
  for f in "$@"; do
    case "$(basename "$f")" in
      atom.xml) feeds+=("$f") ;;
      sitemap.xml | sitemap-*.xml)
        if grep -q '<sitemapindex' "$f"; then indexes+=("$f"); else urlsets+=("$f"); fi ;;
    esac
  done
  [[ ${#feeds[@]} -gt 0 && ${#urlsets[@]} -gt 0 ]] || die "no Atom feeds or sitemaps among the built files"
  say "xmllint: ${#feeds[@]} Atom feeds against tests/schemas/atom.rng"
  xmllint --noout --relaxng "$schemas/atom.rng" "${feeds[@]}" 2>&1 | grep -v ' validates$' || true
  xmllint --noout --relaxng "$schemas/atom.rng" "${feeds[@]}" >/dev/null 2>&1 ||
    die "an Atom feed does not match the Atom schema (listed above)"
  say "xmllint: ${#urlsets[@]} sitemaps against tests/schemas/sitemap.xsd"
  xmllint --noout --schema "$schemas/sitemap.xsd" "${urlsets[@]}" >/dev/null 2>&1 || {
    xmllint --noout --schema "$schemas/sitemap.xsd" "${urlsets[@]}" 2>&1 | grep -v ' validates$' | head -20
    die "a sitemap does not match the sitemap schema"
  }
  if [[ ${#indexes[@]} -gt 0 ]]; then
    say "xmllint: ${#indexes[@]} sitemap indexes against tests/schemas/siteindex.xsd"
    xmllint --noout --schema "$schemas/siteindex.xsd" "${indexes[@]}" >/dev/null 2>&1 ||
      die "a sitemap index does not match the sitemap index schema"
  fi
}

# ---------------------------------------------------------------------------------------
# browser

step_browser() {
  mkdir -p "$SCREENSHOT_DIR"
  [[ -f "$OUT/fixtures/photos/kk/news/festival/index.html" ]] ||
    die "the photo fixture was not built into $OUT/fixtures/photos (the build step does it)"
  (
    cd "$BROWSER_DIR"
    QOSTIL_BIN="$ROOT/target/debug/qostil" QOSTIL_SITE_DIR="$OUT/portal" QOSTIL_PHOTO_SITE_DIR="$OUT/fixtures/photos" QOSTIL_SCREENSHOT_DIR="$SCREENSHOT_DIR" QOSTIL_CHROMIUM="$CHROMIUM" \
      node --test --test-reporter=spec --test-timeout=900000 ./*.test.mjs </dev/null
  ) || die "the browser tests failed (see above)"
  # The search code's stemmers against the Rust ones and the pinned word lists, and its
  # engine against the built portal's index.
  QOSTIL_SITE_DIR="$OUT/portal" node --test --test-reporter=spec tests/search/ </dev/null ||
    die "the search tests failed (see above)"
  say "screenshots in $SCREENSHOT_DIR"
}

# ---------------------------------------------------------------------------------------

run_step setup "install the test tools"
run_step fmt "cargo fmt --check"
run_step clippy "cargo clippy --all-targets -- -D warnings"
run_step test "cargo test"
run_step build "build the portal and the fixture sites"
run_step html "Nu Html Checker + xmllint over the built sites"
run_step browser "browser tests (playwright-core + Chromium)"

echo
say "step times:"
print_timings
if [[ -n "$KEEP_OUT" ]]; then say "built sites kept in $OUT"; fi
echo "test.sh: $PASSED passed, 0 failed"
