#!/usr/bin/env bash
# Fails when the release site's wasm + JS, gzipped (-9), exceed the budget (default 372,000 bytes).
# Issue 8 set 350,000 bytes for the whole site with both incident chapters; the site is over it,
# and docs/PERFORMANCE.md (Bundle) lists what each part added, what was cut and what was measured
# and not taken. This limit (370,000 until the evening of 3 Dec, raised by 2,000 for offline
# use, export and the review's fixes, after 6.2 KB of cuts) stops growth nobody has accounted for.
# Usage: scripts/check-size.sh [DIST_DIR] [BUDGET_BYTES]
set -euo pipefail
dist="${1:-dist}"
budget="${2:-372000}"
gz() { gzip -9 -c "$1" | wc -c; }
# Every wasm and JS file counts (the simulation worker runs the page's own wasm and glue).
w=0; j=0
for f in "$dist"/*.wasm; do n=$(gz "$f"); printf 'bundle:   %-36s %7d B gzipped\n' "$(basename "$f")" "$n"; w=$((w + n)); done
for f in "$dist"/*.js; do n=$(gz "$f"); printf 'bundle:   %-36s %7d B gzipped\n' "$(basename "$f")" "$n"; j=$((j + n)); done
total=$((w + j))
printf 'bundle: wasm %d B + js %d B = %d B gzipped (budget %d B, %d B left)\n' "$w" "$j" "$total" "$budget" $((budget - total))
if [ "$total" -gt "$budget" ]; then
  echo "bundle: over budget" >&2
  exit 1
fi
