//! The "Queueing basics" chapter's three demos, each a scenario of its own:
//!
//! * `mmc`: an M/M/c queue, run through the same worker process and thread pool as the incidents,
//!   with a fixed pool of c threads, exponential service and no I/O. Its steady state is Erlang C.
//! * `staircase`: every request blocks on a slow dependency, so the CLR thread pool runs out of
//!   threads; past MinWorker it injects one thread per 500 ms gate tick, and not even that while
//!   the CPU is at or above 80 %.
//! * `probe`: hosts behind a load balancer whose health probe waits in the same queue as user
//!   requests. A slowed host's queue wait exceeds the probe timeout, it leaves rotation, drains,
//!   and comes back.

use crate::params::{ParamSpec, Preset, Provenance::*};

macro_rules! p {
    ($name:literal, $label:literal, $unit:literal, $def:expr, $min:expr, $max:expr, $step:expr, $int:expr, $prov:expr, $desc:literal) => {
        ParamSpec {
            name: $name,
            label: $label,
            unit: $unit,
            default: $def,
            min: $min,
            max: $max,
            step: $step,
            integer: $int,
            description: $desc,
            provenance: $prov,
        }
    };
}

/// Parameters of `mmc`.
pub const MMC_PARAMS: &[ParamSpec] = &[
    p!(
        "servers",
        "Servers (threads)",
        "threads",
        7.0,
        1.0,
        64.0,
        1.0,
        true,
        Illustrative,
        "Worker threads serving the queue; each serves one request at a time"
    ),
    p!(
        "arrival_rate",
        "Arrival rate",
        "req/s",
        63.0,
        0.1,
        5000.0,
        0.1,
        false,
        Illustrative,
        "Mean rate of the Poisson arrivals (λ)"
    ),
    p!(
        "service_rate",
        "Service rate per server",
        "req/s",
        10.0,
        0.1,
        1000.0,
        0.1,
        false,
        Illustrative,
        "Mean completions per second of one busy server (μ); service times are exponential"
    ),
    p!(
        "duration_s",
        "Simulated time",
        "s",
        600.0,
        1.0,
        86400.0,
        1.0,
        false,
        Illustrative,
        "How long the run lasts in simulated seconds"
    ),
    p!(
        "sample_s",
        "Sample interval",
        "s",
        1.0,
        0.01,
        3600.0,
        0.01,
        false,
        Illustrative,
        "Simulated time between two samples of the series"
    ),
];

/// Presets of `mmc`.
pub const MMC_PRESETS: &[Preset] = &[
    Preset {
        name: "rho50",
        label: "ρ = 0.5",
        description: "Half busy: almost nobody waits",
        changes: &[("arrival_rate", 35.0)],
    },
    Preset {
        name: "rho90",
        label: "ρ = 0.9",
        description: "The benchmark workload: M/M/7 at 90 % utilisation",
        changes: &[("arrival_rate", 63.0)],
    },
    Preset {
        name: "rho98",
        label: "ρ = 0.98",
        description: "Nearly saturated: waits are long and erratic",
        changes: &[("arrival_rate", 68.6)],
    },
];

/// Parameters of `staircase`.
pub const STAIRCASE_PARAMS: &[ParamSpec] = &[
    p!(
        "min_worker",
        "MinWorker",
        "threads",
        192.0,
        1.0,
        2000.0,
        1.0,
        true,
        Postmortem,
        "Threads the pool creates at once, without throttling (VSTS: 192 per process)"
    ),
    p!(
        "cores",
        "CPU cores",
        "cores",
        4.0,
        1.0,
        64.0,
        1.0,
        true,
        Illustrative,
        "Cores of the host the process runs on"
    ),
    p!(
        "arrival_rate",
        "Request rate",
        "req/s",
        400.0,
        1.0,
        5000.0,
        1.0,
        false,
        Illustrative,
        "Poisson arrivals of requests that each need a thread"
    ),
    p!(
        "cpu_ms",
        "CPU per request",
        "ms",
        2.0,
        0.1,
        100.0,
        0.1,
        false,
        Illustrative,
        "CPU work of a request before and after its outbound call, in total"
    ),
    p!(
        "io_s",
        "Outbound call time",
        "s",
        120.0,
        0.001,
        600.0,
        0.001,
        false,
        Illustrative,
        "How long the dependency takes to answer; the thread is blocked meanwhile"
    ),
    p!(
        "p_sync",
        "Continuation needs a thread",
        "",
        1.0,
        0.0,
        1.0,
        0.05,
        false,
        Illustrative,
        "Fraction of calls whose completion must run on a pool thread (sync-over-async)"
    ),
    p!(
        "gate_ms",
        "Gate period",
        "ms",
        500.0,
        50.0,
        2000.0,
        50.0,
        true,
        Documented,
        "How often the pool's gate thread checks for starvation (.NET: 500 ms)"
    ),
    p!(
        "hill_climbing",
        "Hill climbing",
        "on/off",
        1.0,
        0.0,
        1.0,
        1.0,
        true,
        Documented,
        "The pool's throughput-driven controller, which adds or removes threads as completions allow"
    ),
    p!(
        "net6",
        ".NET 6 cooperative blocking",
        "on/off",
        0.0,
        0.0,
        1.0,
        1.0,
        true,
        Documented,
        "Inject threads for blocked work at once (+cores), then every 25–250 ms, as .NET 6 does"
    ),
    p!(
        "duration_s",
        "Simulated time",
        "s",
        60.0,
        1.0,
        3600.0,
        1.0,
        false,
        Illustrative,
        "How long the run lasts in simulated seconds"
    ),
    p!(
        "sample_s",
        "Sample interval",
        "s",
        0.1,
        0.01,
        60.0,
        0.01,
        false,
        Illustrative,
        "Simulated time between two samples of the series"
    ),
];

/// Presets of `staircase`.
pub const STAIRCASE_PRESETS: &[Preset] = &[
    Preset {
        name: "blocked",
        label: "Blocked threads",
        description: "Every request waits on a hung dependency: 192 threads at once, then 2 per second",
        changes: &[],
    },
    Preset {
        name: "cpu_bound",
        label: "CPU above 80 %",
        description: "Requests burn CPU while the queue grows, but each finishing thread takes the next item: never starved, so no threads are added",
        changes: &[("cpu_ms", 20.0), ("io_s", 0.05), ("p_sync", 0.0)],
    },
    Preset {
        name: "min_worker_1000",
        label: "MinWorker 1000",
        description: "A larger minimum absorbs the burst before throttling starts",
        changes: &[("min_worker", 1000.0)],
    },
    Preset {
        name: "net6",
        label: ".NET 6 pool",
        description: "Cooperative blocking injects threads in tens of milliseconds",
        changes: &[("net6", 1.0)],
    },
];

/// Parameters of `probe`.
pub const PROBE_PARAMS: &[ParamSpec] = &[
    p!(
        "hosts",
        "Hosts",
        "hosts",
        3.0,
        2.0,
        8.0,
        1.0,
        true,
        Illustrative,
        "Hosts behind the load balancer, each with one worker process"
    ),
    p!("cores", "CPU cores per host", "cores", 4.0, 1.0, 32.0, 1.0, true, Illustrative, "Cores of each host"),
    p!(
        "arrival_rate",
        "Request rate",
        "req/s",
        1000.0,
        1.0,
        20000.0,
        1.0,
        false,
        Illustrative,
        "Poisson arrivals spread evenly over the hosts in rotation"
    ),
    p!(
        "cpu_ms",
        "CPU per request",
        "ms",
        6.0,
        0.1,
        100.0,
        0.1,
        false,
        Illustrative,
        "CPU work of one request (exponential)"
    ),
    p!(
        "probe_interval_s",
        "Probe interval",
        "s",
        15.0,
        1.0,
        60.0,
        1.0,
        false,
        Documented,
        "Time between two health probes of a host (Azure default: 15 s)"
    ),
    p!(
        "probe_timeout_s",
        "Probe timeout",
        "s",
        15.0,
        1.0,
        60.0,
        1.0,
        false,
        Documented,
        "A probe not answered 200 within this time fails"
    ),
    p!(
        "fail_threshold",
        "Failures to leave",
        "probes",
        2.0,
        1.0,
        10.0,
        1.0,
        true,
        Documented,
        "Consecutive failed probes that take a host out of rotation"
    ),
    p!(
        "success_threshold",
        "Successes to return",
        "probes",
        1.0,
        1.0,
        10.0,
        1.0,
        true,
        Documented,
        "Consecutive good probes that put it back"
    ),
    p!(
        "probe_bypass",
        "Probe bypasses the queue",
        "on/off",
        0.0,
        0.0,
        1.0,
        1.0,
        true,
        Illustrative,
        "What-if: the probe is answered outside the request queue, so it only sees a dead host"
    ),
    p!(
        "queue_limit",
        "Request queue limit",
        "requests",
        5000.0,
        10.0,
        20000.0,
        10.0,
        true,
        Documented,
        "ASP.NET requestQueueLimit: queued plus executing requests before 503s"
    ),
    p!(
        "slow_start_s",
        "Slowdown starts",
        "s",
        60.0,
        0.0,
        3600.0,
        1.0,
        false,
        Illustrative,
        "When host 0 slows down (a noisy neighbour, a GC storm)"
    ),
    p!(
        "slow_end_s",
        "Slowdown ends",
        "s",
        240.0,
        0.0,
        3600.0,
        1.0,
        false,
        Illustrative,
        "When host 0 is back to full speed"
    ),
    p!(
        "slow_factor",
        "Speed while slow",
        "",
        0.3,
        0.05,
        1.0,
        0.05,
        false,
        Illustrative,
        "Host 0's CPU speed during the slowdown, as a fraction of normal"
    ),
    p!(
        "duration_s",
        "Simulated time",
        "s",
        400.0,
        10.0,
        7200.0,
        10.0,
        false,
        Illustrative,
        "How long the run lasts in simulated seconds"
    ),
    p!(
        "sample_s",
        "Sample interval",
        "s",
        1.0,
        0.05,
        60.0,
        0.05,
        false,
        Illustrative,
        "Simulated time between two samples of the series"
    ),
];

/// Presets of `probe`.
pub const PROBE_PRESETS: &[Preset] = &[
    Preset {
        name: "bypass",
        label: "Probe bypasses queue",
        description: "The probe no longer waits behind requests, so the slow host stays in rotation",
        changes: &[("probe_bypass", 1.0)],
    },
    Preset {
        name: "fast_probe",
        label: "Aggressive probe",
        description: "Probe every 5 s with a 5 s timeout: the host flaps in and out faster",
        changes: &[("probe_interval_s", 5.0), ("probe_timeout_s", 5.0)],
    },
];
