//! Validation of the engine against closed forms, operational laws and its own rules.
//! One integration-test binary with modules (fast to link). The statistical tests are sized for
//! `cargo test --release` (what `make test` runs); each tolerance is justified where it is used.

mod cli;
mod determinism;
mod laws;
mod mmc_vs_erlang;
mod probe;
mod properties;
mod rules;
mod sevenpace;
mod staircase;
mod vsts;
