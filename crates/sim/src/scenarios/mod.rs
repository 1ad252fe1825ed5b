//! Scenario definitions: parameters, presets and how each builds its world.

pub mod basics;

use crate::clients::{Dist, OpenLoopSource, RequestShape, Target};
use crate::load_balancer::ProbeConfig;
use crate::params::Params;
use crate::scenario::Scenario;
use crate::series::Column;
use crate::thread_pool::PoolConfig;
use crate::time::{Dur, SimTime};
use crate::world::{Action, Metric, ProcessConfig, Simulation, WorldConfig};
use basics::*;

/// Every scenario, in presentation order.
pub(crate) static CATALOG: &[Scenario] = &[
    Scenario {
        name: "mmc",
        title: "Why waits explode near 100 % utilisation",
        summary: "An M/M/c queue served by a fixed pool of threads; its steady state is Erlang C.",
        params: MMC_PARAMS,
        presets: MMC_PRESETS,
        build: build_mmc,
    },
    Scenario {
        name: "staircase",
        title: "The thread-injection staircase",
        summary: "Requests block on a slow dependency; the CLR pool adds threads at once up to MinWorker, then one per 500 ms gate tick, and hardly any while the CPU is at or above 80 %.",
        params: STAIRCASE_PARAMS,
        presets: STAIRCASE_PRESETS,
        build: build_staircase,
    },
    Scenario {
        name: "probe",
        title: "A probe that waits in the queue",
        summary: "Hosts behind a load balancer whose health probe queues behind user requests: a slowed host leaves rotation, drains, returns, and floods again.",
        params: PROBE_PARAMS,
        presets: PROBE_PRESETS,
        build: build_probe,
    },
];

fn col(name: &str, label: &str, unit: &str) -> Column {
    Column { name: name.into(), label: label.into(), unit: unit.into() }
}

fn sampling(p: &Params, cols: Vec<(Column, Metric)>) -> Option<(Dur, Vec<(Column, Metric)>)> {
    Some((Dur::from_secs(p.get("sample_s")), cols))
}

fn build_mmc(p: &Params, seed: u64) -> Simulation {
    let mut w =
        crate::mmc::world(p.get("servers") as u32, p.get("arrival_rate"), p.get("service_rate"), None);
    w.end = SimTime::from_secs(p.get("duration_s"));
    w.sampling = sampling(
        p,
        vec![
            (col("queue", "Waiting", "requests"), Metric::Queue(0)),
            (col("busy", "Busy servers", "threads"), Metric::Busy(0)),
            (col("in_system", "In system", "requests"), Metric::InSystem(0)),
            (col("mean_wait_s", "Mean wait so far", "s"), Metric::MeanWait),
        ],
    );
    Simulation::new(w, seed)
}

fn build_staircase(p: &Params, seed: u64) -> Simulation {
    let cores = p.get("cores") as u32;
    let cpu = p.get("cpu_ms") / 1000.0;
    let mut pool = PoolConfig::clr(p.get("min_worker") as u32, cores);
    pool.gate = Dur::from_secs(p.get("gate_ms") / 1000.0);
    pool.hill_climbing = p.flag("hill_climbing");
    pool.net6 = p.flag("net6");
    let w = WorldConfig {
        host_cores: vec![cores],
        kappa: 0.0,
        processes: vec![ProcessConfig { host: 0, pool, queue_limit: 5000, max_executing: None }],
        balancer: None,
        sources: vec![OpenLoopSource {
            rate: p.get("arrival_rate"),
            shape: RequestShape {
                cpu_before: Dist::Exp(cpu / 2.0),
                io: Dist::Const(p.get("io_s")),
                p_sync: p.get("p_sync"),
                cpu_continuation: Dist::Const(0.0002),
                cpu_after: Dist::Exp(cpu / 2.0),
            },
            target: Target::Process(0),
            timeout: None,
            limit: None,
            issued: 0,
        }],
        script: vec![],
        sampling: sampling(
            p,
            vec![
                (col("threads", "Threads", "threads"), Metric::Threads(0)),
                (col("busy", "Busy threads", "threads"), Metric::Busy(0)),
                (col("blocked", "Blocked threads", "threads"), Metric::Blocked(0)),
                (col("queue", "Requests waiting for a thread", "requests"), Metric::Queue(0)),
                (col("cpu_pct", "CPU", "%"), Metric::CpuPct(0)),
                (col("injected", "Threads injected above MinWorker", "threads"), Metric::Injected(0)),
            ],
        ),
        end: SimTime::from_secs(p.get("duration_s")),
        warmup: 0,
    };
    Simulation::new(w, seed)
}

fn build_probe(p: &Params, seed: u64) -> Simulation {
    let hosts = p.get("hosts") as usize;
    let cores = p.get("cores") as u32;
    let processes = (0..hosts)
        .map(|h| ProcessConfig {
            host: h as u16,
            pool: PoolConfig { hill_climbing: false, ..PoolConfig::clr(100, cores) },
            queue_limit: p.get("queue_limit") as u32,
            max_executing: None,
        })
        .collect();
    let w = WorldConfig {
        host_cores: vec![cores; hosts],
        kappa: 0.0,
        processes,
        balancer: Some(ProbeConfig {
            interval: Dur::from_secs(p.get("probe_interval_s")),
            timeout: Dur::from_secs(p.get("probe_timeout_s")),
            fail_threshold: p.get("fail_threshold") as u32,
            success_threshold: p.get("success_threshold") as u32,
            bypass: p.flag("probe_bypass"),
            cpu_s: 0.001,
        }),
        sources: vec![OpenLoopSource {
            rate: p.get("arrival_rate"),
            shape: RequestShape::cpu_only(Dist::Exp(p.get("cpu_ms") / 1000.0)),
            target: Target::Balancer,
            timeout: None,
            limit: None,
            issued: 0,
        }],
        script: vec![
            (
                SimTime::from_secs(p.get("slow_start_s")),
                Action::SetSpeed { host: 0, speed: p.get("slow_factor") },
            ),
            (
                SimTime::from_secs(p.get("slow_end_s").max(p.get("slow_start_s"))),
                Action::SetSpeed { host: 0, speed: 1.0 },
            ),
        ],
        sampling: sampling(
            p,
            vec![
                (col("in_rotation", "Hosts in rotation", "hosts"), Metric::InRotation),
                (col("host0_in", "Host 0 in rotation", ""), Metric::HostIn(0)),
                (col("host0_queue", "Host 0 queue", "requests"), Metric::Queue(0)),
                (col("host0_probe_s", "Host 0 probe latency", "s"), Metric::ProbeLatency(0)),
                (col("others_queue", "Other hosts' queue (mean)", "requests"), Metric::OthersQueue(0)),
                (col("rejected_per_s", "Rejected", "req/s"), Metric::RejectRate),
            ],
        ),
        end: SimTime::from_secs(p.get("duration_s")),
        warmup: 0,
    };
    Simulation::new(w, seed)
}
