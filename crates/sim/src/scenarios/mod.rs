//! Scenario definitions: parameters, presets and how each builds its run.

pub mod basics;
pub mod sevenpace;
pub mod vsts;

use crate::clients::{Dist, OpenLoopSource, Target};
use crate::engine::{Action, Engine, EngineConfig, HostConfig, ProcessConfig, RequestShape};
use crate::gauges::{Gauge, Gauges};
use crate::load_balancer::ProbeConfig;
use crate::params::{ParamError, Params};
use crate::scenario::Scenario;
use crate::series::Column;
use crate::series::MAX_ROWS;
use crate::simulation::Simulation;
use crate::thread_pool::PoolConfig;
use crate::time::{Dur, SimTime};
use basics::*;

/// Every scenario, in presentation order.
pub(crate) static CATALOG: &[Scenario] = &[
    Scenario {
        name: "mmc",
        title: "Why waits explode near 100 % utilisation",
        summary: "An M/M/c queue served by a fixed pool of threads; its steady state is Erlang C.",
        params: MMC_PARAMS,
        presets: MMC_PRESETS,
        validate: validate_mmc,
    },
    Scenario {
        name: "staircase",
        title: "The thread-injection staircase",
        summary: "Requests block on a slow dependency; the CLR pool adds threads at once up to MinWorker, then one per 500 ms gate tick, and hardly any while the CPU is at or above 80 %.",
        params: STAIRCASE_PARAMS,
        presets: STAIRCASE_PRESETS,
        validate: validate_rows,
    },
    Scenario {
        name: "probe",
        title: "A probe that waits in the queue",
        summary: "Hosts behind a load balancer whose health probe queues behind user requests: a slowed host leaves rotation, drains, returns, and floods again.",
        params: PROBE_PARAMS,
        presets: PROBE_PRESETS,
        validate: validate_rows,
    },
    vsts::SCENARIO,
    sevenpace::SCENARIO,
    sevenpace::zoom::SCENARIO,
];

/// How each scenario builds its run, by name. Kept apart from [`CATALOG`] so that a program that
/// only reads the catalogue — parameters, ranges, presets, checks — does not link the simulation
/// engine: the page reads the catalogue, and only its simulation worker runs scenarios.
pub(crate) fn builder(name: &str) -> Option<fn(&Params, u64) -> Simulation> {
    let build: fn(&Params, u64) -> Simulation = match name {
        "mmc" => build_mmc,
        "staircase" => build_staircase,
        "probe" => build_probe,
        n if n == vsts::SCENARIO.name => vsts::build,
        n if n == sevenpace::SCENARIO.name => sevenpace::build,
        n if n == sevenpace::zoom::SCENARIO.name => sevenpace::zoom::build,
        _ => return None,
    };
    Some(build)
}

pub(crate) fn col(name: &str, label: &str, unit: &str) -> Column {
    Column { name: name.into(), label: label.into(), unit: unit.into() }
}

/// Refuses a sample interval that would make more than [`MAX_ROWS`] samples.
fn validate_rows(p: &Params) -> Result<(), ParamError> {
    check_rows(p.get("duration_s"), p.get("sample_s"))
}

/// A run of `duration_s` sampled every `sample_s` must stay within [`MAX_ROWS`] rows.
pub(crate) fn check_rows(duration_s: f64, sample_s: f64) -> Result<(), ParamError> {
    let rows = duration_s / sample_s;
    if rows > MAX_ROWS as f64 {
        return Err(ParamError {
            name: "sample_s".into(),
            message: format!(
                "sample_s must be at least {} s for this run length (at most {MAX_ROWS} samples; got {} samples)",
                crate::params::fmt_num((duration_s / MAX_ROWS as f64 * 1000.0).ceil() / 1000.0),
                rows.ceil()
            ),
        });
    }
    Ok(())
}

/// Most requests an M/M/c run may leave queued: an unstable queue grows at λ − cμ.
pub const MAX_MMC_BACKLOG: f64 = 5_000_000.0;

fn validate_mmc(p: &Params) -> Result<(), ParamError> {
    validate_rows(p)?;
    let growth = p.get("arrival_rate") - p.get("servers") * p.get("service_rate");
    let backlog = growth * p.get("duration_s");
    if backlog > MAX_MMC_BACKLOG {
        let max_rate = p.get("servers") * p.get("service_rate") + MAX_MMC_BACKLOG / p.get("duration_s");
        return Err(ParamError {
            name: "arrival_rate".into(),
            message: format!(
                "arrival_rate must be at most {} req/s with these servers, service rate and duration_s: above capacity the queue would grow past {} requests",
                crate::params::fmt_num((max_rate * 10.0).floor() / 10.0),
                MAX_MMC_BACKLOG
            ),
        });
    }
    Ok(())
}

fn every(p: &Params) -> Dur {
    Dur::from_secs(p.get("sample_s"))
}

fn gauges(cols: Vec<(Column, Gauge)>) -> Gauges {
    Gauges::new(cols)
}

fn build_mmc(p: &Params, seed: u64) -> Simulation {
    let mut w =
        crate::mmc::world(p.get("servers") as u32, p.get("arrival_rate"), p.get("service_rate"), None);
    w.end = SimTime::from_secs(p.get("duration_s"));
    let g = gauges(vec![
        (col("queue", "Waiting", "requests"), Gauge::Queue(0)),
        (col("busy", "Busy servers", "threads"), Gauge::Busy(0)),
        (col("in_system", "In system", "requests"), Gauge::InSystem(0)),
        (col("mean_wait_s", "Mean wait so far", "s"), Gauge::MeanWait),
    ]);
    Simulation::with_gauges(Engine::new(w, seed), g, every(p))
}

fn build_staircase(p: &Params, seed: u64) -> Simulation {
    let cores = p.get("cores") as u32;
    let cpu = p.get("cpu_ms") / 1000.0;
    let mut pool = PoolConfig::clr(p.get("min_worker") as u32, cores);
    pool.gate = Dur::from_secs(p.get("gate_ms") / 1000.0);
    pool.hill_climbing = p.flag("hill_climbing");
    pool.net6 = p.flag("net6");
    let shape = RequestShape::call(
        Dist::Exp(cpu / 2.0),
        Dist::Const(p.get("io_s")),
        p.get("p_sync"),
        Dist::Const(0.0002),
        Dist::Exp(cpu / 2.0),
    );
    let w = EngineConfig {
        hosts: vec![HostConfig { cores, kappa: 0.0, group: None, enabled: true }],
        processes: vec![ProcessConfig::new(0, pool, 5000)],
        sources: vec![OpenLoopSource::new(p.get("arrival_rate"), shape, Target::Process(0))],
        end: SimTime::from_secs(p.get("duration_s")),
        ..EngineConfig::default()
    };
    let g = gauges(vec![
        (col("threads", "Threads", "threads"), Gauge::Threads(0)),
        (col("busy", "Busy threads", "threads"), Gauge::Busy(0)),
        (col("blocked", "Blocked threads", "threads"), Gauge::Blocked(0)),
        (col("queue", "Requests waiting for a thread", "requests"), Gauge::Queue(0)),
        (col("cpu_pct", "CPU", "%"), Gauge::CpuPct(0)),
        (col("injected", "Threads injected above MinWorker", "threads"), Gauge::Injected(0)),
    ]);
    Simulation::with_gauges(Engine::new(w, seed), g, every(p))
}

fn build_probe(p: &Params, seed: u64) -> Simulation {
    let hosts = p.get("hosts") as usize;
    let cores = p.get("cores") as u32;
    let processes = (0..hosts)
        .map(|h| {
            ProcessConfig::new(
                h as u16,
                PoolConfig { hill_climbing: false, ..PoolConfig::clr(100, cores) },
                p.get("queue_limit") as u32,
            )
        })
        .collect();
    let w = EngineConfig {
        hosts: vec![HostConfig { cores, kappa: 0.0, group: Some(0), enabled: true }; hosts],
        processes,
        groups: vec![Some(ProbeConfig {
            interval: Dur::from_secs(p.get("probe_interval_s")),
            timeout: Dur::from_secs(p.get("probe_timeout_s")),
            fail_threshold: p.get("fail_threshold") as u32,
            success_threshold: p.get("success_threshold") as u32,
            bypass: p.flag("probe_bypass"),
            cpu_s: 0.001,
            any_process: false,
        })],
        sources: vec![OpenLoopSource::new(
            p.get("arrival_rate"),
            RequestShape::cpu_only(Dist::Exp(p.get("cpu_ms") / 1000.0)),
            Target::Group(0),
        )],
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
        end: SimTime::from_secs(p.get("duration_s")),
        ..EngineConfig::default()
    };
    let g = gauges(vec![
        (col("in_rotation", "Hosts in rotation", "hosts"), Gauge::InRotation),
        (col("host0_in", "Host 0 in rotation", ""), Gauge::HostIn(0)),
        (col("host0_queue", "Host 0 queue", "requests"), Gauge::Queue(0)),
        (col("host0_probe_s", "Host 0 probe latency", "s"), Gauge::ProbeLatency(0)),
        (col("others_queue", "Other hosts' queue (mean)", "requests"), Gauge::OthersQueue(0)),
        (col("rejected_per_s", "Rejected", "req/s"), Gauge::RejectRate),
    ]);
    Simulation::with_gauges(Engine::new(w, seed), g, every(p))
}
