//! Properties over random valid parameters: no panic, requests conserved, sane outputs.

use postmortem_sim::params::Params;
use postmortem_sim::scenario::{self, Scenario};
use proptest::prelude::*;

/// A strategy for a valid parameter set of `s`: each value uniform in its range (integers
/// rounded), switches 0 or 1.
fn params(s: &'static Scenario) -> impl Strategy<Value = Params> {
    let per: Vec<BoxedStrategy<f64>> = s
        .params
        .iter()
        .map(|spec| {
            let (lo, hi, int) = (spec.min, spec.max, spec.integer);
            (0.0..=1.0f64)
                .prop_map(move |u| {
                    let v = lo + u * (hi - lo);
                    if int {
                        v.round().clamp(lo, hi)
                    } else {
                        v
                    }
                })
                .boxed()
        })
        .collect();
    per.prop_map(move |vals| {
        let mut p = s.defaults();
        for (spec, v) in s.params.iter().zip(vals) {
            p.set(s.params, spec.name, v).expect("generated in range");
        }
        p
    })
}

fn check_scenario(s: &'static Scenario, p: Params, seed: u64) -> Result<(), TestCaseError> {
    let Ok(mut sim) = s.start(&p, seed) else {
        return Ok(()); // a refused combination (unbounded cost) is not run
    };
    // Bound the work per case: at most 300 k events, checking conservation on the way.
    for _ in 0..3 {
        sim.step_events(100_000);
        let t = sim.totals();
        prop_assert_eq!(t.arrived, t.completed + t.rejected + t.in_flight);
        prop_assert_eq!(t.in_flight, sim.live_client_requests());
        prop_assert!(t.timed_out <= t.arrived);
    }
    let series = sim.series();
    prop_assert!(series.data.iter().flatten().all(|v| v.is_finite()), "non-finite sample");
    let times = series.time();
    prop_assert!(times.windows(2).all(|w| w[0] < w[1]), "time goes forward");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn mmc_never_panics_and_conserves(p in params(scenario::find("mmc").unwrap()), seed in any::<u64>()) {
        check_scenario(scenario::find("mmc").unwrap(), p, seed)?;
    }

    #[test]
    fn staircase_never_panics_and_conserves(p in params(scenario::find("staircase").unwrap()), seed in any::<u64>()) {
        check_scenario(scenario::find("staircase").unwrap(), p, seed)?;
    }

    #[test]
    fn probe_never_panics_and_conserves(p in params(scenario::find("probe").unwrap()), seed in any::<u64>()) {
        check_scenario(scenario::find("probe").unwrap(), p, seed)?;
    }

    /// Any text for any parameter either sets a valid value or leaves everything unchanged
    /// with a message naming the parameter.
    #[test]
    fn any_text_is_validated(idx in 0usize..15, text in ".{0,12}") {
        let s = scenario::find("probe").unwrap();
        let spec = &s.params[idx % s.params.len()];
        let mut p = s.defaults();
        let before = p.clone();
        match p.set_str(s.params, spec.name, &text) {
            Ok(()) => {
                let v = p.get(spec.name);
                prop_assert!(v >= spec.min && v <= spec.max);
            }
            Err(e) => {
                prop_assert_eq!(&p, &before);
                prop_assert!(e.message.starts_with(spec.name), "{}", e.message);
            }
        }
    }
}
