//! `vsts-2018-02-07`: the VSTS West Europe outage, 09:30–13:00 UTC on 7 February 2018.
//!
//! Seven application tiers (ATs) with two worker processes each behind one load balancer, two
//! job agents outside it, SQL behind a concurrency breaker per AT, Redis on every machine.
//! Around them, the scenario's components: open-loop users (each request carries a user id, so
//! impacted users are counted exactly), SignalR clients with their reconnect loop and the drop
//! at 10:10, the crash bug with its broken telemetry, the VssHealthAgent, the operator's
//! recycles from 12:13, auto-add and the thrash detector.
//!
//! `scale` s ∈ [0.05, 1] shrinks the world without changing its dynamics (MODEL.md 3.1): it
//! multiplies the arrival rate, SignalR clients, users, cores, MinWorker, queue limits, SQL
//! servers, breaker limits and the health agent's queue threshold, and divides the gate period.
//! Extensive outputs (threads, requests, users, reconnects, rejections, exceptions) are reported
//! divided by s, as full-scale equivalents.

pub mod checks;

use super::col;
use crate::clients::{Dist, OpenLoopSource, Target};
use crate::components::auto_add::{AutoAdd, AutoAddConfig};
use crate::components::crash_bug::{CrashBug, CrashBugConfig};
use crate::components::health_agent::{HealthAgent, HealthAgentConfig};
use crate::components::operator::{Operator, OperatorConfig};
use crate::components::signalr::{SignalR, SignalRConfig};
use crate::components::thrash::{Thrash, ThrashConfig};
use crate::dependency::FifoServers;
use crate::engine::{
    CallTo, Dependency, DependencyConfig, Engine, EngineConfig, HostConfig, Outcome, ProcessConfig,
    RequestShape, Signal, StepSpec,
};
use crate::load_balancer::ProbeConfig;
use crate::metrics::{Bucketed, DistinctPerBucket};
use crate::model::{Driver, Wiring};
use crate::params::{ParamError, Params, Preset};
use crate::scenario::Scenario;
use crate::series::{Clock, Column};
use crate::simulation::Simulation;
use crate::thread_pool::PoolConfig;
use crate::time::{Dur, SimTime};
use serde::{Deserialize, Serialize};

/// 09:30 UTC, the start of the run, in seconds after midnight.
pub const START_OF_DAY_S: f64 = 9.5 * 3600.0;
/// The run's length: 09:30 to 13:00.
pub const DURATION_S: f64 = 3.5 * 3600.0;

/// Seconds since 09:30 of a UTC clock time.
pub fn at(h: u32, m: u32) -> f64 {
    (h * 3600 + m * 60) as f64 - START_OF_DAY_S
}

crate::typed_params! {
    /// The scenario's parameters, typed.
    pub struct VstsParams;
    pub const PARAMS;
    {
        scale: f64 = ("Scale", "", 0.25, 0.05, 1.0, 0.05, Illustrative, "Fraction of the full scale unit simulated; dynamics are kept, extensive outputs are reported at full scale"),
        sample_s: f64 = ("Sample interval", "s", 10.0, 1.0, 600.0, 1.0, Illustrative, "Simulated time between two samples of the series"),
        n_at: u32 = ("ATs", "ATs", 7, 3, 14, 1, Postmortem, "Application tiers behind the load balancer (\"We have 7 ATs\")"),
        procs_per_at: u32 = ("Worker processes per AT", "processes", 2, 1, 4, 1, Postmortem, "w3wp processes on each AT (\"we have two processes on each AT\")"),
        pinned_processes: bool = ("Processes pinned to cores", "on/off", 0, 0, 1, 1, Illustrative, "Each worker process runs on its own half of the AT's cores (IIS web-garden processor affinity); off: the OS shares all cores, so a starved process lends its idle cores to its sibling"),
        cores_per_at: u32 = ("Cores per AT", "cores", 8, 4, 32, 1, Illustrative, "CPU cores of one AT; the VM size is not public"),
        arrival_rate: f64 = ("User request rate", "req/s", 1960.0, 500.0, 6000.0, 10.0, Illustrative, "Open-loop user requests to the scale unit at 09:30, calibrated so 7 ATs run at about 70 % CPU"),
        ramp_pct_per_h: f64 = ("Morning ramp", "%/h", 2.0, 0.0, 20.0, 0.5, Illustrative, "Growth of the request rate per hour after 09:30 (European late morning)"),
        sticky_users: bool = ("Users keep their AT", "on/off", 1, 0, 1, 1, Illustrative, "A user's requests go to one AT and process while it is in rotation (kept-alive connections stay where the balancer put them); off: every request to a random AT"),
        r_user: f64 = ("Requests per user", "req/s", 0.4, 0.02, 0.5, 0.01, Illustrative, "Request rate of one active user; sets how many users the requests come from"),
        cpu_before_ms: f64 = ("CPU before the call", "ms", 9.0, 1.0, 50.0, 0.5, Illustrative, "Mean CPU of a request before its outbound call (exponential)"),
        cpu_after_ms: f64 = ("CPU after the call", "ms", 10.5, 1.0, 50.0, 0.5, Illustrative, "Mean CPU of a request after its outbound call (exponential)"),
        cont_cpu_ms: f64 = ("Continuation CPU", "ms", 0.5, 0.1, 10.0, 0.1, Illustrative, "CPU of a continuation that needs a pool thread"),
        io_ms: f64 = ("Outbound call time", "ms", 40.0, 5.0, 500.0, 1.0, Illustrative, "Mean latency of a non-SQL outbound call (log-normal, cv 1)"),
        p_sync: f64 = ("Continuation needs a thread", "", 0.1, 0.0, 1.0, 0.05, Illustrative, "Fraction of outbound calls whose completion runs on a pool thread (sync-over-async, \"stuck waiting on threads to spin up\")"),
        sync_over_async: bool = ("Sync-over-async", "on/off", 1, 0, 1, 1, Postmortem, "Sustaining loop: continuations queue for a pool thread behind new requests (off: they complete on I/O threads)"),
        p_db: f64 = ("Calls to SQL", "", 0.5, 0.0, 1.0, 0.05, Illustrative, "Fraction of outbound calls that go to SQL through the AT's concurrency breaker"),
        p_redis: f64 = ("Requests using Redis", "", 0.3, 0.0, 1.0, 0.05, Illustrative, "Fraction of requests that read Redis on the AT (a 1 s client timeout counts an exception)"),
        kappa: f64 = ("Thrash overhead κ", "", 0.005, 0.0, 0.1, 0.005, Illustrative, "CPU lost to context switches per runnable thread beyond the cores (\"a kernel context swap taking 374 milliseconds\")"),
        kappa_starved: f64 = ("Starved-thread overhead κ_s", "", 0.03, 0.0, 0.2, 0.005, Illustrative, "Share of every core of an AT lost per thread its pools hold beyond MinWorker, per core: a starved process's hundreds of waiting threads (timed waits, timer-queue lock contention, context switches: \"sit there thrashing\") slow its sibling too"),
        client_timeout_s: f64 = ("Client timeout", "s", 60.0, 10.0, 300.0, 1.0, Illustrative, "A user's browser gives up on a request after this long"),
        slow_s: f64 = ("Impacted latency", "s", 10.0, 2.0, 30.0, 1.0, Illustrative, "A request slower than this counts its user as impacted"),
        server_cancels_abandoned: bool = ("Server drops abandoned requests", "on/off", 0, 0, 1, 1, Documented, "Sustaining-loop switch: a queued request whose client gave up is dropped (ASP.NET does not do this)"),
        queue_limit: u32 = ("requestQueueLimit", "requests", 5000, 100, 20000, 100, Documented, "ASP.NET queued plus executing requests per process before 503s"),
        max_executing: u32 = ("MaxRequest threads", "requests", 0, 0, 1000, 1, Postmortem, "Cap on requests executing per process, the rest wait without a thread (0 = off; action item 4)"),
        httpsys_limit: u32 = ("HTTP.sys queue", "requests", 1000, 100, 5000, 100, Documented, "Requests HTTP.sys holds for a process while it restarts"),
        min_worker: u32 = ("MinWorker", "threads", 192, 8, 2000, 8, Postmortem, "Threads per process created without throttling (\"Our MinWorker setting is currently at 192\")"),
        gate_ms: u32 = ("Gate period", "ms", 500, 100, 1000, 50, Documented, "Throttled injection: at most one thread per period (\"once every 500ms\")"),
        hill_climbing: bool = ("Hill climbing", "on/off", 1, 0, 1, 1, Documented, "The CLR's throughput-driven adjustment of the thread goal (simplified)"),
        net6: bool = (".NET 6 thread pool", "on/off", 0, 0, 1, 1, Documented, "Cooperative-blocking injection: blocked threads are replaced within milliseconds"),
        probe_interval_s: f64 = ("Probe interval", "s", 15.0, 5.0, 60.0, 1.0, Documented, "Time between two health probes of one AT (Azure default 15 s)"),
        probe_timeout_s: f64 = ("Probe timeout", "s", 15.0, 5.0, 31.0, 1.0, Documented, "A probe not answered in this time fails"),
        fail_threshold: u32 = ("Failures to leave", "probes", 2, 1, 5, 1, Documented, "Consecutive failed probes that take an AT out of rotation (Azure default 2)"),
        success_threshold: u32 = ("Passes to return", "probes", 1, 1, 5, 1, Documented, "Consecutive passed probes that put it back"),
        probe_any_process: bool = ("Probe reaches either process", "on/off", 0, 0, 1, 1, Illustrative, "Each probe is answered by one of the AT's worker processes at random (a web garden: HTTP.sys hands connections to either); off: always the first process (the probe URL in one app pool)"),
        probe_bypass: bool = ("Probe bypasses the queue", "on/off", 0, 0, 1, 1, Postmortem, "Sustaining-loop switch: the probe is answered outside the ASP.NET queue (\"the probes… go into the same ASP.NET queue\")"),
        signalr_clients: u32 = ("SignalR clients", "connections", 30000, 1000, 60000, 500, Illustrative, "Connected SignalR clients (\"thousands of reconnect calls\")"),
        drop_fraction: f64 = ("Clients dropped at 10:10", "", 0.5, 0.0, 1.0, 0.05, Illustrative, "Fraction of SignalR connections severed at 10:10"),
        reconnect_delay_s: f64 = ("Reconnect delay", "s", 2.0, 0.0, 10.0, 0.5, Documented, "SignalR client reconnectDelay; up to 1 s more depending on transport"),
        jitter_s: f64 = ("Reconnect jitter", "s", 0.0, 0.0, 120.0, 1.0, Postmortem, "Uniform random extra delay before each reconnect (action item: \"stagger reconnect calls\")"),
        rc_timeout_s: f64 = ("Reconnect cancel", "s", 5.0, 1.0, 30.0, 1.0, Documented, "A client cancels a reconnect attempt after this long (TransportConnectTimeout)"),
        clients_cancel: bool = ("Clients cancel and retry", "on/off", 1, 0, 1, 1, Documented, "Sustaining-loop switch: reconnecting clients cancel at the timeout and retry, leaving the old attempt on the server"),
        give_up_s: f64 = ("Give up after", "s", 40.0, 10.0, 120.0, 1.0, Documented, "A client stops reconnecting this long after its connection dropped"),
        p_restart: f64 = ("Full reconnect after giving up", "", 0.5, 0.0, 1.0, 0.05, Illustrative, "Probability that a page that gave up starts a new connection"),
        restart_window_s: f64 = ("Full reconnect window", "s", 60.0, 0.0, 300.0, 5.0, Illustrative, "Full reconnects are spread uniformly over this window"),
        churn_per_h: f64 = ("Ordinary reconnects", "per client per h", 1.0, 0.0, 10.0, 0.1, Illustrative, "Connections that drop on their own (the baseline reconnect rate)"),
        message_buffer: u32 = ("SignalR message buffer", "messages", 1000, 32, 1000, 1, Documented, "Messages kept per connection; a reconnect replays them (default 1000; action item: smaller)"),
        c_rc0_ms: f64 = ("Reconnect base CPU", "ms", 2.0, 0.5, 10.0, 0.5, Illustrative, "CPU of a reconnect besides its message replay"),
        c_rc_msg_us: f64 = ("Reconnect CPU per message", "µs", 12.0, 0.0, 50.0, 0.5, Illustrative, "CPU per buffered message replayed by a reconnect"),
        rc_db_calls: u32 = ("SQL calls per reconnect", "calls", 1, 0, 5, 1, Illustrative, "SQL calls a reconnect makes (the storm opened the database breakers)"),
        db_servers: u32 = ("SQL concurrency", "servers", 10, 10, 1000, 10, Illustrative, "Queries the database runs at once; the rest queue (10: half busy at the baseline, overwhelmed by the storm's reconnects, \"one of our databases got overwhelmed\")"),
        db_service_ms: f64 = ("SQL query time", "ms", 5.0, 1.0, 50.0, 0.5, Illustrative, "Mean service time of one query (exponential)"),
        cb_limit: u32 = ("SQL breaker limit", "calls", 100, 10, 1000, 10, Illustrative, "Concurrent SQL calls per AT before its concurrency breaker rejects"),
        crash_rate_per_h: f64 = ("Crash rate", "per process per h", 1.5, 0.0, 12.0, 0.1, Illustrative, "How often the bug shipped on 2 Feb crashes each worker process"),
        crash_restart_s: f64 = ("Restart after a crash", "s", 5.0, 1.0, 600.0, 1.0, Illustrative, "Time until a crashed process serves again"),
        warm_s: f64 = ("Warm-up", "s", 30.0, 0.0, 600.0, 5.0, Illustrative, "After a restart a process runs slower for this long (cold caches, JIT)"),
        warm_speed: f64 = ("Warm-up speed", "", 0.9, 0.1, 1.0, 0.05, Illustrative, "CPU speed of a warming process relative to a warm one"),
        telemetry_fixed: bool = ("Crash telemetry fixed", "on/off", 0, 0, 1, 1, Postmortem, "Crash reporting sees every crash (it \"only reported 10 crashes during this period\")"),
        ha_enabled: bool = ("Health agent", "on/off", 1, 0, 1, 1, Postmortem, "Sustaining-loop switch: VssHealthAgent pulls loaded ATs out, dumps, recycles and holds them"),
        ha_check_s: f64 = ("Health-agent check", "s", 60.0, 10.0, 300.0, 10.0, Illustrative, "How often the health agent looks at the ATs"),
        ha_cpu_pct: f64 = ("Health-agent CPU threshold", "%", 90.0, 50.0, 100.0, 1.0, Illustrative, "CPU that counts as significant load"),
        ha_k: u32 = ("Health-agent hot checks", "checks", 2, 1, 10, 1, Illustrative, "Consecutive hot checks before an AT is pulled"),
        ha_queue: u32 = ("Health-agent queue threshold", "requests", 600, 100, 20000, 100, Illustrative, "Requests Current on an AT that counts as significant load"),
        ha_max_out: u32 = ("Health agent: ATs out at once", "ATs", 1, 0, 3, 1, Postmortem, "\"Only pull one AT out of the load balancer at a time\""),
        ha_cooldown_min: f64 = ("Health agent: cooldown", "min", 60.0, 0.0, 180.0, 5.0, Postmortem, "\"Only pull a given AT out of the load balancer once per hour\""),
        ha_dump_min: f64 = ("Health agent: dump time", "min", 10.0, 1.0, 60.0, 1.0, Illustrative, "From pulling an AT to recycling it (the process dump)"),
        ha_hold_min: f64 = ("Health agent: hold time", "min", 20.0, 1.0, 60.0, 1.0, Illustrative, "From pulling an AT to putting it back (\"the time it takes to run the analysis\")"),
        ha_min_visible: u32 = ("Health-agent guard", "ATs", 0, 0, 6, 1, Illustrative, "Pull only while at least this many ATs are in rotation (0 = no guard)"),
        thrash_recycle: bool = ("Recycle zombies", "on/off", 0, 0, 1, 1, Postmortem, "The health agent recycles an out-of-rotation AT that has thrashed for 2 minutes (action item)"),
        recycle_at0_min: i32 = ("Recycle AT0 at", "min after 09:30", 164, -1, 210, 1, Postmortem, "Operator recycle of AT0 (12:14); -1 = never"),
        recycle_at1_min: i32 = ("Recycle AT1 at", "min after 09:30", 174, -1, 210, 1, Illustrative, "Operator recycle of AT1 (12:24); -1 = never"),
        recycle_at2_min: i32 = ("Recycle AT2 at", "min after 09:30", 179, -1, 210, 1, Illustrative, "Operator recycle of AT2 (12:29); -1 = never"),
        recycle_at3_min: i32 = ("Recycle AT3 at", "min after 09:30", 183, -1, 210, 1, Illustrative, "Operator recycle of AT3 (12:33); -1 = never"),
        recycle_at4_min: i32 = ("Recycle AT4 at", "min after 09:30", 165, -1, 210, 1, Postmortem, "Operator recycle of AT4 (12:15); -1 = never"),
        recycle_at5_min: i32 = ("Recycle AT5 at", "min after 09:30", 187, -1, 210, 1, Illustrative, "Operator recycle of AT5 (12:37); -1 = never"),
        recycle_at6_min: i32 = ("Recycle AT6 at", "min after 09:30", 163, -1, 210, 1, Postmortem, "Operator recycle of AT6 (12:13, the first); -1 = never"),
        recycle_zombies_first: bool = ("Recycle the zombies first", "on/off", 1, 0, 1, 1, Postmortem, "The schedule's first slots go to the ATs out of rotation when it begins (\"AT_IN_6, AT_IN_0 and AT_IN_4 were in a zombie state at the time we started mitigating\"); off: the ATs as named"),
        reboot_s: f64 = ("Recycle time", "s", 90.0, 30.0, 600.0, 10.0, Illustrative, "How long a recycled AT is down"),
        force_crash_min: i32 = ("Force crashes at", "min after 09:30", -1, -1, 210, 1, Illustrative, "Crash processes on ATs in rotation at this minute (\"a poorly timed crash or two\"); -1 = never"),
        force_crash_n: u32 = ("Forced crashes", "processes", 2, 1, 14, 1, Illustrative, "How many processes the forced crash takes down"),
        auto_add: bool = ("Auto-add ATs", "on/off", 0, 0, 1, 1, Postmortem, "Add ATs when too few are in rotation (action item)"),
        auto_add_k_min: u32 = ("Auto-add below", "ATs", 4, 1, 7, 1, Illustrative, "Fewer ATs in rotation than this starts auto-add"),
        auto_add_detect_min: f64 = ("Auto-add detection", "min", 5.0, 1.0, 30.0, 1.0, Illustrative, "How long the shortfall must last"),
        auto_add_provision_min: f64 = ("Auto-add provisioning", "min", 15.0, 1.0, 60.0, 1.0, Illustrative, "Time to bring up an extra AT"),
        auto_add_max: u32 = ("Auto-add at most", "ATs", 3, 1, 7, 1, Illustrative, "Most extra ATs"),
    }
}

/// The presets (what-ifs), one per action item.
pub const PRESETS: &[Preset] = &[
    Preset { name: "as-it-happened", label: "As it happened", description: "The defaults: the morning of 7 Feb 2018", changes: &[] },
    Preset { name: "no-crash-bug", label: "No crash bug", description: "The bug of 2 Feb never shipped: the same storm hits a scale unit with its headroom", changes: &[("crash_rate_per_h", 0.0)] },
    Preset { name: "jittered-reconnects", label: "Jittered reconnects", description: "Reconnects staggered over 30 s instead of in lockstep", changes: &[("jitter_s", 30.0)] },
    Preset { name: "buffer-250", label: "Buffer 250", description: "A smaller SignalR message buffer: a reconnect costs 5 ms of CPU instead of 14", changes: &[("message_buffer", 250.0)] },
    Preset { name: "maxrequest-below-minworker", label: "MaxRequest < MinWorker", description: "At most 150 requests execute per process, below its 192 MinWorker threads", changes: &[("max_executing", 150.0)] },
    Preset { name: "minworker-1000", label: "MinWorker 1000", description: "1000 threads per process without throttling", changes: &[("min_worker", 1000.0)] },
    Preset { name: "net6-threadpool", label: ".NET 6 thread pool", description: "Cooperative-blocking injection replaces blocked threads at once", changes: &[("net6", 1.0)] },
    Preset { name: "probe-bypass", label: "Probe bypasses the queue", description: "The health probe is answered outside the ASP.NET request queue", changes: &[("probe_bypass", 1.0)] },
    Preset { name: "health-agent-guard", label: "Health agent guarded", description: "The health agent pulls no AT while fewer than 5 are in rotation", changes: &[("ha_min_visible", 5.0)] },
    Preset { name: "auto-add-ats", label: "Auto-add ATs", description: "Up to 3 extra ATs when fewer than 4 are in rotation for 5 minutes", changes: &[("auto_add", 1.0)] },
    Preset {
        name: "all-fixes",
        label: "All fixes",
        description: "Every repair and planned item: crash fixed, jitter, buffer 250, MaxRequest < MinWorker, telemetry, guard, auto-add, zombie recycle",
        changes: &[
            ("crash_rate_per_h", 0.0),
            ("jitter_s", 30.0),
            ("message_buffer", 250.0),
            ("max_executing", 150.0),
            ("telemetry_fixed", 1.0),
            ("ha_min_visible", 5.0),
            ("auto_add", 1.0),
            ("thrash_recycle", 1.0),
        ],
    },
];

/// The scenario.
pub const SCENARIO: Scenario = Scenario {
    name: "vsts-2018-02-07",
    title: "VSTS West Europe, 7 February 2018",
    summary: "A SignalR reconnect storm at 10:10 on a scale unit weakened by crashing processes: thread-pool starvation, probes queued behind requests and a health agent holding one AT out keep 1–3 ATs in rotation until three zombies are recycled together at 12:13.",
    params: PARAMS,
    presets: PRESETS,
    validate,
};

fn validate(p: &Params) -> Result<(), ParamError> {
    let v = VstsParams::from_params(p);
    super::check_rows(DURATION_S, v.sample_s)?;
    if v.max_executing > 0 && v.max_executing as f64 * v.scale < 1.0 {
        return Err(ParamError {
            name: "max_executing".into(),
            message: format!(
                "max_executing must be 0 (off) or at least {} at scale {}",
                (1.0 / v.scale).ceil(),
                v.scale
            ),
        });
    }
    Ok(())
}

/// Component ids in the engine's signals.
const USERS: u16 = 1;
const SIGNALR: u16 = 2;
/// Dependency index of SQL.
const SQL: u16 = 0;
/// Call-timeout counters.
const REDIS_AT: u16 = 0;
const REDIS_JA: u16 = 1;

/// Metrics the scenario registers.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Metrics {
    impacted: DistinctPerBucket,
    crashes_true: Bucketed,
    crashes_reported: Bucketed,
    /// SQL breaker rejections since the previous sample (all ATs, at scale).
    breaker_since_sample: f64,
    redis_at: Bucketed,
    redis_ja: Bucketed,
    last_breaker: u64,
    last_redis: (u64, u64),
    last_crashes: (u64, u64),
    last_attempts: u64,
    last_reconnected: u64,
    last_rejected: u64,
    cpu_busy: Vec<f64>,
}

/// The VSTS wiring: the components around the engine, and the series it samples.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct VstsWiring {
    /// The scale s.
    pub scale: f64,
    n_at: usize,
    procs_per_at: usize,
    slow_s: f64,
    ramp: (f64, f64, SimTime),
    /// The SignalR clients.
    pub signalr: SignalR,
    /// The crash bug.
    pub crash_bug: CrashBug,
    /// The VssHealthAgent.
    pub health_agent: HealthAgent,
    /// The operator.
    pub operator: Operator,
    /// Auto-add.
    pub auto_add: AutoAdd,
    /// The thrash detector.
    pub thrash: Thrash,
    metrics: Metrics,
}

fn scaled(x: f64, s: f64) -> u32 {
    (x * s).round().max(1.0) as u32
}

pub(crate) fn build(p: &Params, seed: u64) -> Simulation {
    Simulation::Vsts(Box::new(driver(&VstsParams::from_params(p), seed)))
}

/// The VSTS run for typed parameters.
pub fn driver(v: &VstsParams, seed: u64) -> Driver<VstsWiring> {
    let s = v.scale;
    let n_at = v.n_at as usize;
    let n_spare = if v.auto_add { v.auto_add_max as usize } else { 0 };
    // Cores scale with s; below one core the host runs slower instead.
    let cores_exact = v.cores_per_at as f64 * s;
    let cores = cores_exact.round().max(1.0) as u32;
    let speed = cores_exact / cores as f64;
    let min_worker = scaled(v.min_worker as f64, s);
    let p_sync = if v.sync_over_async { v.p_sync } else { 0.0 };
    let mut pool = PoolConfig::clr(min_worker, cores);
    pool.gate = Dur::from_secs(v.gate_ms as f64 / 1000.0 / s);
    pool.hill_climbing = v.hill_climbing;
    pool.net6 = v.net6;
    let mut proc_cfg = ProcessConfig::new(0, pool.clone(), scaled(v.queue_limit as f64, s));
    proc_cfg.max_executing = (v.max_executing > 0).then(|| scaled(v.max_executing as f64, s));
    proc_cfg.httpsys_limit = scaled(v.httpsys_limit as f64, s);
    proc_cfg.restart = Dur::from_secs(v.crash_restart_s);
    proc_cfg.warm = Dur::from_secs(v.warm_s);
    proc_cfg.warm_speed = v.warm_speed;

    let mut hosts = vec![];
    let mut processes = vec![];
    for h in 0..n_at + n_spare {
        hosts.push(HostConfig { cores, kappa: v.kappa, group: Some(0), enabled: h < n_at });
        for _ in 0..v.procs_per_at {
            processes.push(ProcessConfig { host: h as u16, ..proc_cfg.clone() });
        }
    }
    let at_procs: Vec<u16> = (0..n_at * v.procs_per_at as usize).map(|p| p as u16).collect();
    // Two job agents outside the balancer: background jobs that also read Redis.
    let ja0 = hosts.len();
    for j in 0..2 {
        hosts.push(HostConfig { cores, kappa: v.kappa, group: Some(1), enabled: true });
        processes.push(ProcessConfig { host: (ja0 + j) as u16, ..proc_cfg.clone() });
    }
    let sql_call = |p: f64| StepSpec::Call {
        p_call: 1.0,
        to: CallTo::Dependency { dep: SQL, p, otherwise: Dist::LogNormal(v.io_ms / 1000.0, 1.0) },
        p_sync,
        cont_cpu: Dist::Const(v.cont_cpu_ms / 1000.0),
        timeout: None,
        bytes: 0.0,
        counter: 0,
    };
    let redis_call = |counter: u16, p_call: f64| StepSpec::Call {
        p_call,
        to: CallTo::Delay(Dist::Const(0.001)),
        p_sync,
        cont_cpu: Dist::Const(0.0001),
        timeout: Some(Dur::from_millis(1000)),
        bytes: 0.0,
        counter,
    };
    let user_shape = RequestShape {
        steps: vec![
            StepSpec::Cpu(Dist::Exp(v.cpu_before_ms / 1000.0)),
            sql_call(v.p_db),
            redis_call(REDIS_AT, v.p_redis),
            StepSpec::Cpu(Dist::Exp(v.cpu_after_ms / 1000.0)),
        ],
    };
    let job_shape = RequestShape {
        steps: vec![
            StepSpec::Cpu(Dist::Exp(0.005)),
            redis_call(REDIS_JA, 1.0),
            StepSpec::Cpu(Dist::Exp(0.005)),
        ],
    };
    let rate = v.arrival_rate * s;
    let users = ((v.arrival_rate / v.r_user) * s).round().max(1.0) as u32;
    let mut user_source = OpenLoopSource::new(rate, user_shape, Target::Group(0));
    user_source.timeout = Some(Dur::from_secs(v.client_timeout_s));
    user_source.users = users;
    user_source.notify = USERS;
    user_source.sticky_users = v.sticky_users;
    let job_source = OpenLoopSource::new(40.0 * s, job_shape, Target::Group(1));

    let max_live = processes.len() as u32 * (proc_cfg.queue_limit + proc_cfg.httpsys_limit);
    let cfg = EngineConfig {
        hosts,
        processes,
        groups: vec![
            Some(ProbeConfig {
                interval: Dur::from_secs(v.probe_interval_s),
                timeout: Dur::from_secs(v.probe_timeout_s),
                fail_threshold: v.fail_threshold,
                success_threshold: v.success_threshold,
                bypass: v.probe_bypass,
                cpu_s: 0.001,
                any_process: v.probe_any_process,
            }),
            None,
        ],
        dependencies: vec![DependencyConfig {
            dep: Dependency::Fifo(FifoServers::new(
                scaled(v.db_servers as f64, s),
                Dist::Exp(v.db_service_ms / 1000.0),
            )),
            breaker_limit: Some(scaled(v.cb_limit as f64, s)),
            multiplexer: None,
        }],
        sources: vec![user_source, job_source],
        script: vec![],
        counters: 2,
        end: SimTime::from_secs(DURATION_S),
        warmup: 0,
        // Every live request sits in a process, within its queue limit or HTTP.sys's: memory is
        // bounded by construction; this is the same bound, stated.
        max_requests: max_live,
        cancel_abandoned: v.server_cancels_abandoned,
    };
    let mut engine = Engine::new(cfg, seed);
    if v.pinned_processes {
        for h in 0..n_at + n_spare {
            engine.pin_processes(h);
        }
    }
    if v.kappa_starved > 0.0 {
        for h in 0..engine.n_hosts() {
            engine.set_starvation_overhead(h, v.kappa_starved);
        }
    }
    if speed != 1.0 {
        for h in 0..engine.n_hosts() {
            engine.set_speed(h, speed);
        }
    }

    let rc_cpu = (v.c_rc0_ms + v.c_rc_msg_us * v.message_buffer as f64 / 1000.0) / 1000.0;
    let mut reconnect = vec![StepSpec::Cpu(Dist::Const(rc_cpu))];
    reconnect.extend((0..v.rc_db_calls).map(|_| sql_call(1.0)));
    reconnect.push(StepSpec::Cpu(Dist::Const(0.0005)));
    let mut connect = vec![StepSpec::Cpu(Dist::Const(0.015))];
    connect.extend((0..2).map(|_| sql_call(1.0)));
    connect.push(StepSpec::Cpu(Dist::Const(0.0005)));
    let signalr = SignalR::new(
        SignalRConfig {
            clients: scaled(v.signalr_clients as f64, s),
            procs: at_procs.clone(),
            target: Target::Group(0),
            delay_s: v.reconnect_delay_s,
            delay_spread_s: 1.0,
            jitter_s: v.jitter_s,
            attempt_timeout: v.clients_cancel.then(|| Dur::from_secs(v.rc_timeout_s)),
            give_up: Dur::from_secs(v.give_up_s),
            p_restart: v.p_restart,
            restart_window_s: v.restart_window_s,
            churn_per_h: v.churn_per_h,
            reconnect: RequestShape { steps: reconnect },
            connect: RequestShape { steps: connect },
            drop_at: SimTime::from_secs(at(10, 10)),
            drop_fraction: v.drop_fraction,
        },
        SIGNALR,
        seed,
    );
    let crash_bug = CrashBug::new(
        CrashBugConfig {
            rate_per_h: v.crash_rate_per_h,
            procs: at_procs.clone(),
            restart: Dur::from_secs(v.crash_restart_s),
            telemetry_fixed: v.telemetry_fixed,
            reported_cap: 10,
            reported_window: (SimTime::from_secs(at(10, 10)), SimTime::from_secs(at(12, 40))),
        },
        seed,
    );
    let at_hosts: Vec<u16> = (0..n_at as u16).collect();
    let health_agent = HealthAgent::new(HealthAgentConfig {
        enabled: v.ha_enabled && v.ha_max_out > 0,
        hosts: at_hosts.clone(),
        group: 0,
        check: Dur::from_secs(v.ha_check_s),
        cpu: v.ha_cpu_pct / 100.0,
        k: v.ha_k,
        queue: scaled(v.ha_queue as f64, s),
        max_out: v.ha_max_out,
        cooldown: Dur::from_secs(v.ha_cooldown_min * 60.0),
        dump: Dur::from_secs(v.ha_dump_min * 60.0),
        hold: Dur::from_secs(v.ha_hold_min * 60.0),
        min_visible: v.ha_min_visible,
        restart: Dur::from_secs(v.crash_restart_s),
        thrash_recycle: v.thrash_recycle,
        thrash_for: Dur::from_secs(120.0),
        thrash_cooldown: Dur::from_secs(600.0),
    });
    let recycle_min = [
        v.recycle_at0_min,
        v.recycle_at1_min,
        v.recycle_at2_min,
        v.recycle_at3_min,
        v.recycle_at4_min,
        v.recycle_at5_min,
        v.recycle_at6_min,
    ];
    let recycles = recycle_min
        .iter()
        .enumerate()
        .filter(|(i, m)| **m >= 0 && *i < n_at)
        .map(|(i, m)| (SimTime::from_secs(*m as f64 * 60.0), i as u16))
        .collect();
    let crashes = if v.force_crash_min >= 0 {
        vec![(SimTime::from_secs(v.force_crash_min as f64 * 60.0), v.force_crash_n)]
    } else {
        vec![]
    };
    let operator = Operator::new(OperatorConfig {
        recycles,
        crashes,
        hosts: at_hosts.clone(),
        reboot: Dur::from_secs(v.reboot_s),
        group: 0,
        incident_below: 5,
        incident_window: Dur::from_secs(600.0),
        watch: Dur::from_secs(10.0),
        zombies_first: v.recycle_zombies_first,
    });
    let auto_add = AutoAdd::new(AutoAddConfig {
        enabled: v.auto_add,
        group: 0,
        spares: (n_at as u16..(n_at + n_spare) as u16).collect(),
        k_min: v.auto_add_k_min as usize,
        detect: Dur::from_secs(v.auto_add_detect_min * 60.0),
        provision: Dur::from_secs(v.auto_add_provision_min * 60.0),
        period: Dur::from_secs(10.0),
    });
    let thrash = Thrash::new(ThrashConfig {
        hosts: at_hosts,
        min_worker,
        min_queue: scaled(100.0, s) as usize,
        ratio: 0.2,
        window: Dur::from_secs(30.0),
        period: Dur::from_secs(10.0),
    });
    let five_min = Dur::from_secs(300.0);
    let metrics = Metrics {
        impacted: DistinctPerBucket::new(five_min, users),
        crashes_true: Bucketed::new(five_min),
        crashes_reported: Bucketed::new(five_min),
        breaker_since_sample: 0.0,
        redis_at: Bucketed::new(Dur::from_secs(60.0)),
        redis_ja: Bucketed::new(Dur::from_secs(60.0)),
        last_breaker: 0,
        last_redis: (0, 0),
        last_crashes: (0, 0),
        last_attempts: 0,
        last_reconnected: 0,
        last_rejected: 0,
        cpu_busy: vec![0.0; n_at],
    };
    let wiring = VstsWiring {
        scale: s,
        n_at,
        procs_per_at: v.procs_per_at as usize,
        slow_s: v.slow_s,
        ramp: (rate, v.ramp_pct_per_h / 100.0, SimTime::from_secs(60.0)),
        signalr,
        crash_bug,
        health_agent,
        operator,
        auto_add,
        thrash,
        metrics,
    };
    Driver::new(engine, wiring, Dur::from_secs(v.sample_s))
}

impl VstsWiring {
    fn sync_health(&self, eng: &mut Engine) {
        let now = eng.now();
        for i in 0..self.n_at {
            eng.set_health_off(i, self.health_agent.holds(i) || self.operator.rebooting(i, now));
        }
    }

    fn update_counters(&mut self, eng: &Engine) {
        let now = eng.now();
        let m = &mut self.metrics;
        let breaker: u64 = (0..eng.n_hosts()).map(|h| eng.breaker_rejections(SQL as usize, h)).sum();
        m.breaker_since_sample = (breaker - m.last_breaker) as f64;
        m.last_breaker = breaker;
        let redis = (eng.call_timeouts(REDIS_AT as usize), eng.call_timeouts(REDIS_JA as usize));
        m.redis_at.add(now, (redis.0 - m.last_redis.0) as f64);
        m.redis_ja.add(now, (redis.1 - m.last_redis.1) as f64);
        m.last_redis = redis;
        let crashes = (self.crash_bug.true_crashes, self.crash_bug.reported);
        m.crashes_true.add(now, (crashes.0 - m.last_crashes.0) as f64);
        m.crashes_reported.add(now, (crashes.1 - m.last_crashes.1) as f64);
        m.last_crashes = crashes;
    }
}

impl Wiring for VstsWiring {
    fn next_wake(&self) -> SimTime {
        self.signalr
            .next_wake()
            .min(self.crash_bug.next_wake())
            .min(self.health_agent.next_wake())
            .min(self.operator.next_wake())
            .min(self.auto_add.next_wake())
            .min(self.thrash.next_wake())
            .min(self.ramp.2)
    }

    fn wake(&mut self, eng: &mut Engine) {
        let now = eng.now();
        if now >= self.ramp.2 {
            let (rate, per_h, _) = self.ramp;
            eng.set_rate(0, rate * (1.0 + per_h * now.secs() / 3600.0));
            self.ramp.2 = now + Dur::from_secs(60.0);
        }
        if now >= self.thrash.next_wake() {
            self.thrash.wake(eng);
        }
        if now >= self.signalr.next_wake() {
            self.signalr.wake(eng);
        }
        if now >= self.crash_bug.next_wake() {
            self.crash_bug.wake(eng);
        }
        if now >= self.operator.next_wake() {
            let held: Vec<bool> = (0..self.n_at).map(|i| self.health_agent.holds(i)).collect();
            self.operator.wake(eng, &mut self.crash_bug, &held);
        }
        if now >= self.health_agent.next_wake() {
            let zombie_for: Vec<Option<Dur>> =
                self.thrash.since.iter().map(|s| s.map(|t| now.since(t))).collect();
            self.health_agent.wake(eng, &zombie_for);
        }
        if now >= self.auto_add.next_wake() {
            self.auto_add.wake(eng);
        }
        self.sync_health(eng);
    }

    fn signal(&mut self, eng: &mut Engine, sig: Signal) {
        let now = eng.now();
        match sig {
            Signal::Outcome { owner: USERS, tag, outcome, .. } => {
                let impacted = match outcome {
                    Outcome::Done { latency_s, failed } => failed || latency_s > self.slow_s,
                    _ => true,
                };
                if impacted {
                    self.metrics.impacted.mark(now, tag as u32);
                }
            }
            Signal::Outcome { owner: SIGNALR, tag, outcome, proc } => {
                self.signalr.on_outcome(now, tag, outcome, proc)
            }
            Signal::ProcessDown { proc, .. } => self.signalr.on_process_down(now, proc),
            Signal::Outcome { .. } => {}
        }
    }

    fn signal_moves_wake(&self, sig: &Signal) -> bool {
        // Users' outcomes only feed the metrics; SignalR sets timers on its own outcomes and on
        // a process going down.
        !matches!(sig, Signal::Outcome { owner, .. } if *owner != SIGNALR)
    }

    fn columns(&self) -> Vec<Column> {
        let mut c = vec![
            col("lb_in_rotation", "ATs in load-balancer rotation", "ATs"),
            col("impacted_users", "Impacted users (per 5 min)", "users"),
            col("requests_current_total", "ASP.NET requests current, all ATs", "requests"),
            col("threads_total", "Worker threads, all ATs", "threads"),
            col("cpu_total_pct", "CPU summed over the ATs", "%"),
            col("reconnects_per_s", "SignalR reconnect attempts", "req/s"),
            col("reconnect_ok_per_s", "SignalR reconnects that succeeded", "req/s"),
            col("rejected_per_s", "User requests refused (503, no AT)", "req/s"),
            col("db_breaker_rejections", "SQL breaker rejections (per 5 s)", "calls"),
            col("crashes_true", "AT process crashes (per 5 min)", "crashes"),
            col("crashes_reported", "Crashes reported by telemetry (per 5 min)", "crashes"),
            col("redis_exceptions_at", "Redis exceptions on ATs (per min)", "exceptions"),
            col("redis_exceptions_ja", "Redis exceptions on job agents (per min)", "exceptions"),
            col("health_agent_out", "ATs held out by the health agent", "ATs"),
            col("zombies", "ATs the thrash detector calls zombies", "ATs"),
        ];
        for (name, label, unit) in [
            ("in_rotation", "in rotation", ""),
            ("threads", "worker threads", "threads"),
            ("requests", "ASP.NET requests current", "requests"),
            ("cpu", "CPU", "%"),
            ("queue", "requests waiting for a thread", "requests"),
            ("held", "held by the health agent", ""),
            ("rebooting", "recycling", ""),
            ("zombie", "zombie", ""),
        ] {
            for i in 0..self.n_at {
                c.push(col(&format!("{name}_at{i}"), &format!("AT{i} {label}"), unit));
            }
        }
        c.push(col("continuations_at0", "AT0 continuations waiting for a thread", "requests"));
        c.push(col("blocked_at0", "AT0 blocked threads", "threads"));
        c.push(col("injected_at0", "AT0 threads injected above MinWorker (since restart)", "threads"));
        // Per process: the staircase above MinWorker is a per-process rule (A4), which the
        // per-AT sums hide when one process restarts and refills to MinWorker at once.
        for i in 0..self.n_at {
            for k in 0..self.procs_per_at {
                c.push(col(
                    &format!("threads_at{i}_p{k}"),
                    &format!("AT{i} process {k} worker threads"),
                    "threads",
                ));
            }
        }
        for i in 0..self.n_at {
            for k in 0..self.procs_per_at {
                c.push(col(
                    &format!("requests_at{i}_p{k}"),
                    &format!("AT{i} process {k} ASP.NET requests current"),
                    "requests",
                ));
            }
        }
        c
    }

    fn clock(&self) -> Option<Clock> {
        Some(Clock::TimeOfDay { origin_s: START_OF_DAY_S })
    }

    fn sample(&mut self, eng: &mut Engine, dt: f64, row: &mut Vec<f64>) {
        self.update_counters(eng);
        let now = eng.now();
        let s = self.scale;
        let n = self.n_at;
        let all: Vec<Vec<u16>> = (0..n).map(|h| eng.host_procs(h).to_vec()).collect();
        let procs = |h: usize| all[h].clone();
        let mut cpu = vec![0.0; n];
        for (h, c) in cpu.iter_mut().enumerate() {
            let busy = eng.host_busy_core_s(h);
            if dt > 0.0 {
                *c = 100.0 * (busy - self.metrics.cpu_busy[h]) / (dt * eng.host_cores(h));
            }
            self.metrics.cpu_busy[h] = busy;
        }
        let per_s = |now: u64, then: u64| if dt > 0.0 { (now - then) as f64 / dt / s } else { 0.0 };
        let threads: Vec<f64> =
            (0..n).map(|h| procs(h).iter().map(|&p| eng.threads(p as usize) as f64).sum()).collect();
        let current: Vec<f64> =
            (0..n).map(|h| procs(h).iter().map(|&p| eng.requests_current(p as usize) as f64).sum()).collect();
        let queue: Vec<f64> =
            (0..n).map(|h| procs(h).iter().map(|&p| eng.queued(p as usize) as f64).sum()).collect();
        let m = &mut self.metrics;
        let rejected = eng.totals().rejected;
        row.push(eng.in_rotation(0) as f64);
        row.push(m.impacted.last_complete(now) as f64 / s);
        row.push(current.iter().sum::<f64>() / s);
        row.push(threads.iter().sum::<f64>() / s);
        row.push(cpu.iter().sum());
        row.push(per_s(self.signalr.attempts, m.last_attempts));
        row.push(per_s(self.signalr.reconnected, m.last_reconnected));
        row.push(per_s(rejected, m.last_rejected));
        // Per 5 s over the sample interval. (A 5-s bucket read at the sample instant, which
        // is where the counts were added, showed its empty predecessor whenever the interval
        // was a multiple of 5 s: the column read 0 at the default 10 s whatever the breakers did.)
        row.push(if dt > 0.0 { m.breaker_since_sample * 5.0 / dt / s } else { 0.0 });
        row.push(m.crashes_true.last_complete(now));
        row.push(m.crashes_reported.last_complete(now));
        row.push(m.redis_at.last_complete(now) / s);
        row.push(m.redis_ja.last_complete(now) / s);
        row.push(self.health_agent.out() as f64);
        row.push(self.thrash.zombie.iter().filter(|z| **z).count() as f64);
        m.last_attempts = self.signalr.attempts;
        m.last_reconnected = self.signalr.reconnected;
        m.last_rejected = rejected;
        for h in 0..n {
            row.push(eng.host_in_rotation(h) as u8 as f64);
        }
        row.extend(threads.iter().map(|t| t / s));
        row.extend(current.iter().map(|t| t / s));
        row.extend(cpu.iter().copied());
        row.extend(queue.iter().map(|t| t / s));
        for h in 0..n {
            row.push(self.health_agent.holds(h) as u8 as f64);
        }
        for h in 0..n {
            row.push(self.operator.rebooting(h, now) as u8 as f64);
        }
        for h in 0..n {
            row.push(self.thrash.zombie[h] as u8 as f64);
        }
        let p0 = procs(0);
        row.push(p0.iter().map(|&p| eng.continuations_queued(p as usize) as f64).sum::<f64>() / s);
        row.push(p0.iter().map(|&p| eng.blocked(p as usize) as f64).sum::<f64>() / s);
        row.push(p0.iter().map(|&p| eng.injected(p as usize) as f64).sum::<f64>() / s);
        for procs in &all {
            row.extend(procs.iter().map(|&p| eng.threads(p as usize) as f64 / s));
        }
        for procs in &all {
            row.extend(procs.iter().map(|&p| eng.requests_current(p as usize) as f64 / s));
        }
    }
}
