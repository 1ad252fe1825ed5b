#!/usr/bin/env bash
# Installs every tool `make test` / `make serve` need, through the package registries only
# (crates.io, npm, Debian apt). Idempotent: each step checks for the tool at the right version first
# and prints "have ..." when there is nothing to do.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[install-tools] %s\n' "$*"; }
export PATH="$HOME/.cargo/bin:$PWD/www/node_modules/.bin:$PATH"

# The wasm-bindgen CLI must match the wasm-bindgen crate in Cargo.lock exactly.
lock_version() {
  awk -v n="$1" '$0=="name = \""n"\"" {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock
}
if [ ! -f Cargo.lock ]; then cargo generate-lockfile; fi
WB_VERSION="$(lock_version wasm-bindgen)"
TRUNK_SERIES="0.21."

# 1. wasm32 target
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "have rust target wasm32-unknown-unknown"
else
  say "installing rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# 2. trunk 0.21.x (0.22 needs a newer rustc than these machines have)
if command -v trunk >/dev/null && trunk --version | grep -q "trunk ${TRUNK_SERIES}"; then
  say "have $(trunk --version)"
else
  say "installing trunk ^0.21 from crates.io (about 10 minutes on 2 cores)"
  cargo install trunk --version '^0.21' --locked
fi

# 3. wasm-bindgen-cli at exactly Cargo.lock's version (no --locked: see docs/ARCHITECTURE.md)
if command -v wasm-bindgen >/dev/null && [ "$(wasm-bindgen --version | awk '{print $2}')" = "$WB_VERSION" ]; then
  say "have wasm-bindgen $WB_VERSION"
else
  say "installing wasm-bindgen-cli $WB_VERSION from crates.io"
  cargo install wasm-bindgen-cli --version "$WB_VERSION" --force
fi

# 4. Chromium and chromedriver
find_chrome() {
  for c in "${CHROME_BIN:-}" /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome /usr/bin/google-chrome-stable; do
    if [ -n "$c" ] && [ -x "$c" ]; then echo "$c"; return 0; fi
  done
  return 1
}
if find_chrome >/dev/null && command -v chromedriver >/dev/null; then
  say "have $(find_chrome) and $(command -v chromedriver)"
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  say "installing chromium and chromium-driver with apt"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
else
  say "ERROR: need Chromium (or Chrome) and a matching chromedriver on PATH."
  say "       On Debian/Ubuntu: sudo apt-get install chromium chromium-driver"
  say "       Or set CHROME_BIN to your Chrome and put its chromedriver on PATH."
  exit 1
fi

# 5. npm packages (playwright-core and axe-core for end-to-end tests, binaryen for wasm-opt), from www/package-lock.json
if [ -d www/node_modules/playwright-core ] && [ -x www/node_modules/.bin/wasm-opt ] && [ -f www/node_modules/axe-core/axe.min.js ] \
   && [ www/node_modules/.package-lock.json -nt www/package-lock.json ]; then
  say "have www/node_modules (playwright-core, axe-core, binaryen)"
else
  say "installing npm packages in www/ (npm ci)"
  (cd www && npm ci --no-audit --no-fund --loglevel=error)
fi
say "all tools present"
