//! Postmortem Lab: a static single-page app that explains two 2018 incidents (VSTS West Europe,
//! 7 February 2018, and 7pace Timetracker's server-side tracking rollout) with step-by-step stories
//! and live simulations from the `postmortem-sim` core.
//!
//! Code map:
//! * [`app`]: the root component and hash router; [`routes`] parses `location.hash`.
//! * [`url_state`]: a chapter's step, seed and changed parameters in the URL.
//! * [`chapters`]: the landing page, "Queueing basics" and the two incidents.
//! * [`components`]: parameter panel, step navigation, timeline, error panel.
//! * [`export`]: charts and runs as files (PNG, CSV, JSON).
//! * [`charts`]: chart specs, drawing (generic over plotters backends) and the `<Chart>` component.
//! * [`mmc_points`]: the simulated points beside the Erlang C curve, in animation-frame slices.
//! * [`worker`]: runs simulations in a Web Worker and streams their samples to the page.
//! * [`user_timing`]: `performance.mark` / `measure` around simulation work.
//!
//! **Invariant:** the core knows nothing about the DOM; this crate turns its typed values into pages.
//! Parameters cross the boundary only as text, through `Params::set_str`, wherever they come from
//! (URL, panel, the worker's `Cmd::Start`).

pub mod app;
pub mod chapters;
pub mod charts;
pub mod components;
pub mod export;
pub mod mmc_points;
pub mod routes;
pub mod url_state;
pub mod user_timing;
pub mod worker;

use wasm_bindgen::prelude::*;

// The two functions below are exported to JavaScript by the page's binary (`src/main.rs`), not
// here: an export in the library would be linked into the worker's wasm too, and pull the page's
// worker client into it.

/// Runs `scenario` in the simulation worker (as the chapters do) and resolves with its CSV; rejects
/// with the message naming a bad scenario, parameter or seed. For the end-to-end suite, which checks
/// it against the CLI's output byte for byte.
pub fn worker_csv(scenario: &str, query: &str, seed: f64) -> js_sys::Promise {
    match seed_from_f64(seed) {
        Ok(seed) => worker::client::csv_in_worker(scenario.into(), query.into(), seed),
        Err(e) => js_sys::Promise::reject(&JsValue::from_str(&e)),
    }
}

/// Throws a panic on purpose, so the end-to-end suite can check that the error panel appears.
pub fn simulate_panic(message: &str) {
    panic!("simulated panic: {message}");
}

fn seed_from_f64(seed: f64) -> Result<u64, String> {
    if seed.is_finite() && seed >= 0.0 && seed.fract() == 0.0 && seed <= url_state::MAX_SEED as f64 {
        Ok(seed as u64)
    } else {
        Err(url_state::seed_error(&format!("{seed}")).message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worker_runs_report_bad_input_and_run_good_input() {
        use crate::worker::runs::start;
        assert!(start("nope", "", 1).unwrap_err().contains("unknown scenario"));
        assert!(start("mmc", "servers=0", 1).unwrap_err().starts_with("servers must be"));
        assert!(seed_from_f64(-1.0).unwrap_err().starts_with("seed must be"));
        let mut sim = start("mmc", "?servers=3&arrival_rate=20&duration_s=20", 3).unwrap();
        sim.run_to_end();
        let csv = sim.series().to_csv();
        assert!(csv.starts_with("time_s,"), "{}", &csv[..40.min(csv.len())]);
        assert!(csv.lines().count() > 2);
    }
}
