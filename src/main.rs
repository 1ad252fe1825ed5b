//! Mounts the app, or, in the simulation worker, starts the worker's host. Everything else lives
//! in the library (`src/lib.rs`).
//!
//! The page's JavaScript exports (`window.wasmBindings.*`, for the end-to-end suite) are declared
//! here, in the binary, rather than in the library: an export declared in a library is linked into
//! every binary built from it.

use wasm_bindgen::prelude::*;

fn main() {
    // The simulation worker runs this same module (`worker::client`): it has no window.
    #[cfg(target_arch = "wasm32")]
    if wasm_bindgen::JsCast::dyn_ref::<web_sys::Window>(&js_sys::global()).is_none() {
        postmortem_lab::worker::host::run();
        return;
    }
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
