//! M/M/c mode: the same worker process and thread pool as the incidents, with a fixed pool of c
//! threads on c cores (so no thread ever shares a core), exponential service and no I/O. Its
//! steady state is Erlang C, which the tests check it against.

use crate::clients::{Dist, OpenLoopSource, Target};
use crate::engine::{Engine, EngineConfig, HostConfig, ProcessConfig, RequestShape};
use crate::erlang::{erlang_c, ErlangC};
use crate::thread_pool::PoolConfig;
use crate::time::SimTime;
use serde::Serialize;

/// One fixed-size M/M/c experiment.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct MmcConfig {
    /// Servers (threads) c.
    pub servers: u32,
    /// Arrival rate λ [1/s].
    pub arrival_rate: f64,
    /// Service rate per server μ [1/s].
    pub service_rate: f64,
    /// Customers to simulate; the first 10 % are warm-up.
    pub customers: u64,
    /// Seed of the run.
    pub seed: u64,
}

/// What the experiment measured, next to the closed form.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct MmcSummary {
    /// Customers simulated.
    pub customers: u64,
    /// Mean wait in queue of the customers after the warm-up [s].
    pub wq_s: f64,
    /// Fraction of those customers who had to wait.
    pub p_wait: f64,
    /// Mean response time (wait plus service) of those customers [s].
    pub mean_response_s: f64,
    /// Erlang C for the same queue, if it is stable.
    pub erlang_c: Option<ErlangC>,
}

/// The world of an M/M/c queue. `customers` bounds the arrivals (None: unbounded);
/// `end` is when the run stops.
pub fn world(servers: u32, arrival_rate: f64, service_rate: f64, customers: Option<u64>) -> EngineConfig {
    let servers = servers.max(1);
    let mut source = OpenLoopSource::new(
        arrival_rate,
        RequestShape::cpu_only(Dist::Exp(1.0 / service_rate)),
        Target::Process(0),
    );
    source.limit = customers;
    EngineConfig {
        hosts: vec![HostConfig { cores: servers, kappa: 0.0, group: None, enabled: true }],
        processes: vec![ProcessConfig::new(0, PoolConfig::fixed(servers), u32::MAX)],
        sources: vec![source],
        end: SimTime::NEVER,
        warmup: customers.map_or(0, |n| n / 10),
        ..EngineConfig::default()
    }
}

/// Runs `cfg.customers` customers through the queue and summarises them.
pub fn simulate(cfg: &MmcConfig) -> MmcSummary {
    let mut sim =
        Engine::new(world(cfg.servers, cfg.arrival_rate, cfg.service_rate, Some(cfg.customers)), cfg.seed);
    sim.run_to_end();
    let s = sim.wait_stats();
    let n = s.started.max(1) as f64;
    MmcSummary {
        customers: sim.totals().completed,
        wq_s: s.wait_sum_s / n,
        p_wait: s.waited as f64 / n,
        mean_response_s: s.response_sum_s / s.completed.max(1) as f64,
        erlang_c: erlang_c(cfg.servers, cfg.arrival_rate, cfg.service_rate),
    }
}

/// The same M/M/c queue without the engine: a bare min-heap of the times at which each server
/// becomes free. FIFO service means each customer starts at max(arrival, earliest free time).
/// It is the speed floor the engine is measured against (see docs/PERFORMANCE.md) and an
/// independent check of the engine's statistics. Uses the same random streams as [`simulate`].
pub fn bare_heap(cfg: &MmcConfig) -> MmcSummary {
    use crate::rng::Stream;
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    let mut arrivals = Stream::derive(cfg.seed, "arrivals", 0);
    let mut service = Stream::derive(cfg.seed, "shapes", 0);
    let mut free: BinaryHeap<Reverse<u64>> = (0..cfg.servers.max(1)).map(|_| Reverse(0)).collect();
    let (mean_gap, mean_service) = (1.0 / cfg.arrival_rate, 1.0 / cfg.service_rate);
    let warmup = cfg.customers / 10;
    let (mut t, mut n, mut waited, mut wait_sum, mut resp_sum) = (0u64, 0u64, 0u64, 0.0, 0.0);
    for i in 0..cfg.customers {
        t += SimTime::from_secs(arrivals.exp(mean_gap)).0;
        let Reverse(f) = free.pop().expect("at least one server");
        let start = t.max(f);
        let end = start + SimTime::from_secs(service.exp(mean_service)).0;
        free.push(Reverse(end));
        if i >= warmup {
            n += 1;
            let wait = (start - t) as f64 / 1e9;
            waited += (start > t) as u64;
            wait_sum += wait;
            resp_sum += (end - t) as f64 / 1e9;
        }
    }
    let n_f = n.max(1) as f64;
    MmcSummary {
        customers: cfg.customers,
        wq_s: wait_sum / n_f,
        p_wait: waited as f64 / n_f,
        mean_response_s: resp_sum / n_f,
        erlang_c: erlang_c(cfg.servers, cfg.arrival_rate, cfg.service_rate),
    }
}
