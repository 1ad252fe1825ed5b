//! Postmortem Lab: a static single-page app that explains two 2018 incidents (VSTS West Europe,
//! 7 February 2018, and 7pace Timetracker's server-side tracking rollout) with step-by-step stories
//! and live simulations from the `postmortem-sim` core.
//!
//! Code map:
//! * [`app`]: the root component and hash router; [`routes`] parses `location.hash`.
//! * [`url_state`]: a chapter's step, seed and changed parameters in the URL.
//! * [`chapters`]: the landing page, "Queueing basics" and the two incidents.
//! * [`components`]: chapter layout, parameter panel, step navigation, error panel.
//! * [`charts`]: chart specs, drawing (generic over plotters backends) and the `<Chart>` component.
//! * [`runner`]: runs simulations in time slices on animation frames.
//! * [`user_timing`]: `performance.mark` / `measure` around simulation work.
//!
//! **Invariant:** the core knows nothing about the DOM; this crate turns its typed values into pages.
//! Parameters cross the boundary only as text, through `Params::set_str`, wherever they come from
//! (URL, panel, `run_csv`).

pub mod app;
pub mod chapters;
pub mod charts;
pub mod components;
pub mod routes;
pub mod runner;
pub mod url_state;
pub mod user_timing;

use routes::Query;
use wasm_bindgen::prelude::*;

/// Runs `scenario` to its end with the parameters in `query` (`servers=3&arrival_rate=20`) and
/// returns its series as CSV. For the end-to-end and performance suites, which call it as
/// `window.wasmBindings.run_csv(...)`. Errors name the bad scenario, parameter or seed.
#[wasm_bindgen]
pub fn run_csv(scenario: &str, query: &str, seed: f64) -> Result<String, JsValue> {
    run_csv_text(scenario, query, seed).map_err(|e| JsValue::from_str(&e))
}

/// [`run_csv`] without the JavaScript error type, for native tests.
pub fn run_csv_text(scenario: &str, query: &str, seed: f64) -> Result<String, String> {
    let sc = postmortem_sim::scenario::find(scenario)?;
    let seed = seed_from_f64(seed)?;
    let q = Query::parse(query.trim_start_matches('?'));
    let mut params = sc.defaults();
    let errors = sc.set_many(&mut params, q.pairs());
    if !errors.is_empty() {
        return Err(errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("; "));
    }
    let mut sim = sc.start(&params, seed).map_err(|e| e.message)?;
    let end = sim.end_s();
    sim.run_until(end);
    Ok(sim.series().to_csv())
}

/// Times one M/M/c run of `customers` customers and returns JSON:
/// `{"customers":N,"seconds":wall,"customers_per_s":X,"wq_s":W,"p_wait":P,"erlang_wq_s":E}`.
/// The run is wrapped in the User Timing measure `bench:mmc`.
#[wasm_bindgen]
pub fn bench_mmc(servers: u32, arrival_rate: f64, service_rate: f64, customers: f64, seed: f64) -> String {
    let customers = if customers.is_finite() && customers >= 1.0 { customers.min(1e9) as u64 } else { 1 };
    let seed = seed_from_f64(seed).unwrap_or(url_state::DEFAULT_SEED);
    let cfg = postmortem_sim::mmc::MmcConfig {
        servers: servers.max(1),
        arrival_rate,
        service_rate,
        customers,
        seed,
    };
    let span = user_timing::start("bench:mmc");
    let summary = postmortem_sim::mmc::simulate(&cfg);
    let ms = span.end();
    let seconds = ms / 1000.0;
    let rate = if seconds > 0.0 { customers as f64 / seconds } else { 0.0 };
    let erlang = summary.erlang_c.map(|e| e.wq_s);
    format!(
        "{{\"customers\":{},\"seconds\":{},\"customers_per_s\":{},\"wq_s\":{},\"p_wait\":{},\"erlang_wq_s\":{}}}",
        summary.customers,
        json_num(seconds),
        json_num(rate),
        json_num(summary.wq_s),
        json_num(summary.p_wait),
        erlang.map_or("null".to_string(), json_num),
    )
}

/// Throws a panic on purpose, so the end-to-end suite can check that the error panel appears.
#[wasm_bindgen]
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

fn json_num(v: f64) -> String {
    if v.is_finite() {
        format!("{v}")
    } else {
        "null".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_csv_reports_bad_input_and_runs_good_input() {
        assert!(run_csv_text("nope", "", 1.0).unwrap_err().contains("unknown scenario"));
        assert!(run_csv_text("mmc", "servers=0", 1.0).unwrap_err().starts_with("servers must be"));
        assert!(run_csv_text("mmc", "", -1.0).unwrap_err().starts_with("seed must be"));
        let csv = run_csv_text("mmc", "?servers=3&arrival_rate=20&duration_s=20", 3.0).unwrap();
        assert!(csv.starts_with("time_s,"), "{}", &csv[..40.min(csv.len())]);
        assert!(csv.lines().count() > 2);
        assert_eq!(csv, run_csv_text("mmc", "servers=3&arrival_rate=20&duration_s=20", 3.0).unwrap());
    }

    #[test]
    fn bench_json_has_the_fields() {
        let j = bench_mmc(7, 63.0, 10.0, 2000.0, 1.0);
        for key in
            ["\"customers\":2000", "\"seconds\":", "\"customers_per_s\":", "\"wq_s\":", "\"erlang_wq_s\":"]
        {
            assert!(j.contains(key), "{j}");
        }
    }
}
