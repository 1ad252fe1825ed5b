#!/usr/bin/env bash
# Writes the service worker into a build: sw.js from assets/sw.js with the build's file list and
# a version hashed from every file's content, so a new build gets a new worker (and a new cache).
# Trunk runs it after each build (Trunk.toml, post_build hook, in the staging directory); by hand:
#   bash scripts/service-worker.sh DIST_DIR
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:-${TRUNK_STAGING_DIR:?usage: service-worker.sh DIST_DIR}}"
cd "$dir"
files=$(find . -type f ! -name sw.js ! -name '*.map' | sed 's|^\./||' | LC_ALL=C sort)
version=$(for f in $files; do sha256sum "$f"; done | sha256sum | cut -c1-16)
list=$(for f in $files; do printf '"%s",' "$f"; done)
# The comments and indentation stay in the source; the build ships the code.
{
  echo "// Postmortem Lab service worker, build $version: see assets/sw.js in the repository."
  grep -v '^ *//' "$here/assets/sw.js" | sed -e 's/^ *//' -e "s|__VERSION__|$version|" -e "s|__FILES__|[${list%,}]|"
} > sw.js
echo "service worker: $(echo "$files" | wc -l) files, version $version"
