# Postmortem Lab. The two commands a reader needs are `make serve` and `make test`;
# both install what is missing first (scripts/install-tools.sh, idempotent, registries only).
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/www/node_modules/.bin:$(PATH)
WASM := --target wasm32-unknown-unknown
TIMED = bash scripts/timed.sh

.PHONY: tools serve dist test fmt-check clippy test-native test-wasm e2e bench perf-wasm clean

tools:
	@$(TIMED) tools bash scripts/install-tools.sh

serve: tools
	trunk serve --address 127.0.0.1 --port 8080

dist: tools
	@$(TIMED) dist trunk build --release --dist dist

fmt-check:
	@$(TIMED) fmt cargo fmt --all -- --check

clippy:
	@$(TIMED) clippy-native cargo clippy --workspace --all-targets -- -D warnings
	@$(TIMED) clippy-wasm cargo clippy $(WASM) -p postmortem-lab --all-targets -- -D warnings
	@$(TIMED) clippy-wasm-core cargo clippy $(WASM) -p postmortem-sim --lib --no-default-features -- -D warnings

test-native:
	@$(TIMED) cargo-test cargo test --workspace --release

test-wasm:
	@$(TIMED) wasm-bindgen-test cargo test $(WASM) -p postmortem-lab

e2e: dist
	@$(TIMED) bundle-size bash scripts/check-size.sh dist
	@$(TIMED) cli-build cargo build --release -p postmortem-sim --bin postmortem-sim
	@$(TIMED) e2e node www/e2e/run.mjs

test: tools fmt-check clippy test-native test-wasm e2e
	@echo "make test: all stages passed"

bench:
	cargo bench -p postmortem-sim --bench engine
	bash bench/compare.sh

perf-wasm: dist
	cargo build --release -p postmortem-sim --bin postmortem-sim
	node www/e2e/perf-wasm.mjs

clean:
	cargo clean; rm -rf dist
