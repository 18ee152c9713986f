#!/usr/bin/env bash
# What each page type of a built site transfers, gzip -9 (as a server compresses text):
# the HTML plus every stylesheet and script it links (images and the search index shards
# that search.js fetches as the reader types are not counted). The budget is 60 KB a page
# before photos (issue #17).
#
#   bench/page_weight.sh [SITE_DIR]     (default: public/)
set -euo pipefail
SITE="${1:-public}"
LIMIT=$((60 * 1024))
gz() { gzip -9c "$1" | wc -c; }
status=0
for page in index.html kk/index.html ru/index.html ru/news/index.html \
  "$(grep -L 'http-equiv="refresh"' "$SITE"/ru/news/*/index.html | grep -v /page/ | head -1 | sed "s|^$SITE/||")" \
  ru/about/index.html ru/regions/index.html ru/search/index.html 404.html; do
  file="$SITE/$page"
  [[ -f $file ]] || continue
  total=$(gz "$file")
  for asset in $(grep -o '<\(link rel="stylesheet"\|script\)[^>]*\(href\|src\)="/[^"]*"' "$file" | grep -o '"/[^"]*"$' | tr -d '"'); do
    total=$((total + $(gz "$SITE$asset")))
  done
  printf '%-70s %6d B\n' "$page" "$total"
  ((total <= LIMIT)) || { echo "  over the 60 KB budget" >&2; status=1; }
done
exit $status
