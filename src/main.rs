//! Mounts the app. Everything else lives in the library (`src/lib.rs`).

fn main() {
    postmortem_lab::components::error_panel::install_panic_hook();
    leptos::mount::mount_to_body(postmortem_lab::app::App);
}
