//! Operational laws on a world with every mechanism of a request path switched on: CPU before
//! and after an outbound call, sync-over-async continuations, a CLR pool with injection.

use postmortem_sim::clients::{Dist, OpenLoopSource, Target};
use postmortem_sim::engine::{EngineConfig, HostConfig, ProcessConfig, RequestShape};
use postmortem_sim::thread_pool::PoolConfig;
use postmortem_sim::time::SimTime;
use postmortem_sim::Simulation;

fn world(end_s: f64) -> EngineConfig {
    let mut capped = ProcessConfig::new(0, PoolConfig::clr(16, 4), 5000);
    capped.max_executing = Some(12);
    EngineConfig {
        hosts: vec![HostConfig { cores: 4, kappa: 0.0, group: None, enabled: true }],
        processes: vec![
            // MinWorker well above the ~10 threads in use: with 16, a burst can exhaust the pool
            // and tip the uncapped process into sync-over-async starvation (a metastable state
            // of its own, not what these laws are about).
            ProcessConfig::new(0, PoolConfig::clr(64, 4), 5000),
            capped,
        ],
        sources: (0..2)
            .map(|p| {
                let shape = RequestShape::call(
                    Dist::Exp(0.004),
                    Dist::LogNormal(0.04, 1.0),
                    0.5,
                    Dist::Const(0.0005),
                    Dist::Exp(0.005),
                );
                OpenLoopSource::new(150.0, shape, Target::Process(p))
            })
            .collect(),
        end: SimTime::from_secs(end_s),
        ..EngineConfig::default()
    }
}

/// Little's law L = X·W per process, within 2 %. Over 2,000 s (≈ 300 k requests per process)
/// the only discrepancy is the handful of requests in flight at the end.
#[test]
fn littles_law_holds_per_process() {
    let mut sim = Simulation::from_config(world(2000.0), 11);
    sim.run_to_end();
    let t = sim.now_s();
    for p in 0..2 {
        let s = sim.process_stats(p);
        let x = s.completed as f64 / t;
        let l = x * s.mean_response_s;
        assert!(s.completed > 250_000);
        assert!((s.mean_in_system - l).abs() / l < 0.02, "process {p}: L {} vs X·W {l}", s.mean_in_system);
    }
}

/// The utilisation law U = X·S: busy core-seconds over the run equal the CPU demand of the
/// answered requests, within 1 % (the difference is work in progress at the end).
#[test]
fn utilisation_law_holds() {
    let mut sim = Simulation::from_config(world(2000.0), 12);
    sim.run_to_end();
    let t = sim.now_s();
    let demand: f64 = (0..2).map(|p| sim.process_stats(p).cpu_demand_s).sum();
    let busy = sim.host_busy_core_s(0);
    let u_measured = busy / (t * 4.0);
    let u_law = demand / (t * 4.0);
    assert!(u_measured > 0.3, "the test needs a busy CPU: {u_measured}");
    assert!((u_measured - u_law).abs() / u_law < 0.01, "U {u_measured} vs X·S {u_law}");
}

/// Fluid overload: with arrivals above capacity and no rejections, Requests Current grows at
/// λ − μ. One process, 2 cores, 10 ms CPU per request → μ = 200 req/s; λ = 300 req/s.
#[test]
fn overload_grows_at_lambda_minus_mu() {
    let mut w = world(60.0);
    w.processes.truncate(1);
    w.processes[0].pool = PoolConfig::clr(64, 2);
    w.processes[0].queue_limit = u32::MAX;
    w.processes[0].max_executing = None;
    w.hosts[0].cores = 2;
    w.sources.truncate(1);
    w.sources[0].rate = 300.0;
    w.sources[0].shape = RequestShape::cpu_only(Dist::Exp(0.010));
    let mut sim = Simulation::from_config(w, 3);
    sim.run_until(10.0);
    let at10 = sim.totals().in_flight as f64;
    sim.run_until(60.0);
    let at60 = sim.totals().in_flight as f64;
    let slope = (at60 - at10) / 50.0;
    // Poisson noise on 50 s of arrivals and completions: sd ≈ sqrt(500·50)/50 ≈ 3.2 req/s.
    assert!((slope - 100.0).abs() < 12.0, "slope {slope} req/s, expected 100");
}
