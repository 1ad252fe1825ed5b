//! The simulation in a Web Worker, so that the page's main thread only draws.
//!
//! ```text
//!  page (main thread)                          worker (the page's own wasm)
//!  ┌──────────────────────────────┐  Cmd      ┌───────────────────────────────────┐
//!  │ client: use_live_run, LiveRun├──────────►│ host: onmessage → Runs::apply     │
//!  │   series += rows, version++  │◄──────────┤       12 ms slices → Runs::slice  │
//!  └──────────────────────────────┘  Event    └───────────────────────────────────┘
//! ```
//!
//! * [`runs`]: the worker's runs as plain Rust (start, pause, resume, seek, fork, stop; slices;
//!   streaming only new rows), tested natively.
//! * [`protocol`]: commands and events as JavaScript objects; samples as transferred `Float64Array`s.
//! * [`host`]: the worker's event loop (the page's `main` calls [`host::run`] when it runs in the worker).
//! * [`client`]: the page's side; one worker per page, runs routed by id.

pub mod client;
pub mod host;
pub mod protocol;
pub mod runs;
