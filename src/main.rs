//! Mounts the app. Everything else lives in the library (`src/lib.rs`).
//!
//! The page's JavaScript exports (`window.wasmBindings.*`, for the end-to-end suite) are declared
//! here rather than in the library, so that the worker's wasm, built from the same library, does
//! not carry them (nor the worker client they call).

use wasm_bindgen::prelude::*;

fn main() {
    postmortem_lab::components::error_panel::install_panic_hook();
    leptos::mount::mount_to_body(postmortem_lab::app::App);
}

/// See [`postmortem_lab::worker_csv`].
#[wasm_bindgen]
pub fn worker_csv(scenario: &str, query: &str, seed: f64) -> js_sys::Promise {
    postmortem_lab::worker_csv(scenario, query, seed)
}

/// See [`postmortem_lab::simulate_panic`].
#[wasm_bindgen]
pub fn simulate_panic(message: &str) {
    postmortem_lab::simulate_panic(message)
}
