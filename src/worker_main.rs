//! The simulation worker: built by trunk as `sim-worker.js` + `sim-worker_bg.wasm` (wasm-bindgen's
//! no-modules target) and started by the page (`worker::client`). Natively it does nothing.

fn main() {
    #[cfg(target_arch = "wasm32")]
    postmortem_lab::worker::host::run();
}
