//! A probe that waits in the request queue, end to end through the probe scenario.

use postmortem_sim::scenario;

fn column(sim: &postmortem_sim::Simulation, name: &str) -> Vec<f64> {
    sim.series().column(name).unwrap().to_vec()
}

#[test]
fn a_slowed_host_leaves_rotation_and_returns_after_draining() {
    let s = scenario::find("probe").unwrap();
    let p = s.defaults(); // host 0 at 30 % speed from 60 s to 240 s
    let mut sim = s.start(&p, 2).unwrap();
    sim.run_to_end();
    let t = column(&sim, "time_s");
    let inn = column(&sim, "host0_in");
    let probe = column(&sim, "host0_probe_s");
    let first_out =
        t.iter().zip(&inn).find(|(_, i)| **i == 0.0).map(|(t, _)| *t).expect("host 0 left rotation");
    assert!(first_out > 60.0, "not before the slowdown: {first_out}");
    // It only left after a probe had failed (waited beyond the 15 s timeout or was refused).
    let failed_before =
        t.iter().zip(&probe).any(|(tt, pl)| *tt <= first_out && *pl >= p.get("probe_timeout_s"));
    assert!(failed_before, "a failed probe precedes leaving");
    // Back in rotation at the end, and it stays in after the slowdown has been over for a minute.
    for (tt, i) in t.iter().zip(&inn) {
        if *tt > 330.0 {
            assert_eq!(*i, 1.0, "host 0 in rotation at {tt}");
        }
    }
    // While slowed, it came back at least once (the cycle), i.e. in → out → in before 240 s.
    let mut transitions = 0;
    for w in inn.windows(2) {
        if w[0] != w[1] {
            transitions += 1;
        }
    }
    assert!(transitions >= 2, "transitions {transitions}");
}

#[test]
fn a_probe_that_bypasses_the_queue_keeps_the_host_in() {
    let s = scenario::find("probe").unwrap();
    let mut p = s.defaults();
    p.apply(s.params, s.preset("bypass").unwrap()).unwrap();
    let mut sim = s.start(&p, 2).unwrap();
    sim.run_to_end();
    assert!(column(&sim, "host0_in").iter().all(|i| *i == 1.0));
    assert!(column(&sim, "in_rotation").iter().all(|i| *i == 3.0));
}

#[test]
fn a_healthy_cluster_never_loses_a_host() {
    let s = scenario::find("probe").unwrap();
    let mut p = s.defaults();
    p.set(s.params, "slow_factor", 1.0).unwrap();
    let mut sim = s.start(&p, 4).unwrap();
    sim.run_to_end();
    assert!(column(&sim, "in_rotation").iter().all(|i| *i == 3.0));
    assert_eq!(sim.totals().rejected, 0);
}
