//! A run is determined by (scenario, parameters, seed); a clone or a serialised snapshot forks it.

use postmortem_sim::scenario;

#[test]
fn same_seed_same_series_other_seed_other_series() {
    for s in scenario::catalog() {
        let p = s.defaults();
        let mut a = s.start(&p, 42).unwrap();
        let mut b = s.start(&p, 42).unwrap();
        let mut c = s.start(&p, 43).unwrap();
        a.run_to_end();
        b.run_to_end();
        c.run_to_end();
        assert_eq!(a.series().digest(), b.series().digest(), "{}", s.name);
        assert_ne!(a.series().digest(), c.series().digest(), "{}", s.name);
    }
}

#[test]
fn slicing_does_not_change_the_run() {
    let s = scenario::find("probe").unwrap();
    let mut whole = s.start(&s.defaults(), 9).unwrap();
    whole.run_to_end();
    let mut sliced = s.start(&s.defaults(), 9).unwrap();
    while !sliced.step_events(997) {}
    assert_eq!(whole.series(), sliced.series());
    let mut by_time = s.start(&s.defaults(), 9).unwrap();
    let mut t = 0.0;
    while !by_time.is_done() {
        t += 3.7;
        by_time.run_until(t);
    }
    assert_eq!(whole.series(), by_time.series());
}

#[test]
fn a_snapshot_forks_the_run() {
    let s = scenario::find("staircase").unwrap();
    let mut sim = s.start(&s.defaults(), 3).unwrap();
    sim.run_until(20.0);
    let json = serde_json::to_string(&sim).unwrap();
    let mut restored: postmortem_sim::Simulation = serde_json::from_str(&json).unwrap();
    let mut cloned = sim.clone();
    sim.run_to_end();
    restored.run_to_end();
    cloned.run_to_end();
    assert_eq!(sim.series().digest(), restored.series().digest());
    assert_eq!(sim.series().digest(), cloned.series().digest());
}
