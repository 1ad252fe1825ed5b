//! `7pace-2018-01-02`: two hours of 2 January 2018 on the per-request engine.
//!
//! ```text
//!  per web app: Poisson polls, page loads, ticks ──► app k's balancer ──► instances (CLR pool,
//!  per API poller: a full refresh every api_s      (round robin)          processor-shared cores)
//!                                                                               │ sync GET/SET, syncTimeout
//!                                                                               ▼
//!                                              Redis: one thread, FIFO, a + b × bytes per op
//!                                                                               │ answers, in order
//!                                                                               ▼
//!                                              each instance's connection reads one at a time
//! ```
//!
//! The same accounts, pinning and costs as `7pace-2017` on 2 Jan (extended caching on). A
//! request runs its CPU, then its Redis operations one after another as synchronous calls: the
//! thread blocks until the answer or `syncTimeout`; on a timeout the thread goes on (to SQL) but
//! the operation stays queued at Redis and still runs. A full refresh reads all its cache
//! entries in one MGET ([`refresh_mget`]), which Redis runs to the end before anything else;
//! each instance's connection reads its answers one at a time, so that MGET's answer also
//! delays every later call of its instance ([`crate::multiplexer`]). The freeze detector: a web app is frozen while its
//! completions fall below 10 % of its arrivals, or the age of its waiting requests (queue over
//! arrival rate, Little's law) is over 30 s, for at least 60 s.
//!
//! `scale` s shrinks the world as in the VSTS scenario: users and cores (and MinWorker, the
//! thread cap) are multiplied by s, the gate period and Redis's cost per operation divided by
//! it; every poller keeps its interval and its refresh's payload and CPU shrink with s, so a
//! refresh holds Redis as long as at full scale. Per-second outputs are reported at full scale.

use super::workload::{Cost, DayAgg, Workload};
use super::{SevenpaceParams, JAN_2, START};
use crate::clients::{Dist, OpenLoopSource, Target};
use crate::dependency::SingleThreaded;
use crate::engine::{
    CallTo, Dependency, DependencyConfig, Engine, EngineConfig, HostConfig, ProcessConfig, RequestShape,
    Sender, Signal, StepSpec,
};
use crate::model::{Driver, Wiring};
use crate::multiplexer::Multiplexer;
use crate::params::{ParamError, ParamSpec, Params, Provenance};
use crate::rng::Stream;
use crate::scenario::Scenario;
use crate::scenarios::col;
use crate::series::{Clock, Column};
use crate::simulation::Simulation;
use crate::thread_pool::PoolConfig;
use crate::time::{Dur, SimTime};
use serde::{Deserialize, Serialize};

/// The window's length.
pub const DURATION_S: f64 = 2.0 * 3600.0;
/// Time an instance's Redis connection takes to read one byte of an answer [ns]: 100 MB/s, a
/// gigabit link less the client's parsing (illustrative). Answers are read one at a time per
/// connection (see [`crate::multiplexer`]).
pub const CONNECTION_NS_PER_BYTE: f64 = 10.0;

/// One full refresh as Redis operations, at scale `s`: the API call reads every cache entry of
/// the account in **one** MGET (StackExchange.Redis's `StringGet(RedisKey[])` sends all keys as
/// one command) and writes them back as one MSET with the write ratio's probability. Redis runs
/// a command to the end before the next, so the largest accounts' MGETs hold its thread for
/// about a second on their own: "a single API call". The payload and the CPU shrink with s
/// (Redis's cost per byte and the cores shrink with it too), so a refresh holds Redis as long
/// as at full scale.
pub fn refresh_mget(c: &Cost, s: f64) -> Cost {
    let (ops, entries) = if c.reads > 0.0 { (1.0, c.reads) } else { (0.0, 1.0) };
    Cost {
        cpu_s: c.cpu_s * s,
        reads: ops,
        writes: c.writes / entries,
        bytes: c.bytes * entries * s,
        db_s: c.db_s,
    }
}

#[allow(clippy::too_many_arguments)]
const fn spec(
    name: &'static str,
    label: &'static str,
    unit: &'static str,
    default: f64,
    min: f64,
    max: f64,
    step: f64,
    integer: bool,
    description: &'static str,
) -> ParamSpec {
    ParamSpec {
        name,
        label,
        unit,
        default,
        min,
        max,
        step,
        integer,
        description,
        provenance: Provenance::Illustrative,
    }
}

/// The zoom's own parameters, after those of `7pace-2017`.
const EXTRA: &[ParamSpec] = &[
    spec(
        "start_h",
        "Window start",
        "h UTC",
        11.0,
        0.0,
        22.0,
        0.25,
        false,
        "Start of the two-hour window on 2 Jan 2018, UTC (the macro model's busiest hour)",
    ),
    spec(
        "scale",
        "Scale",
        "",
        0.15,
        0.05,
        1.0,
        0.05,
        false,
        "Fraction of the users and cores simulated; dynamics are kept, per-second outputs are at full scale",
    ),
];

const N_MACRO: usize = super::PARAMS.len();

const fn zoom_params() -> [ParamSpec; N_MACRO + 2] {
    let mut out = [super::PARAMS[0]; N_MACRO + 2];
    let mut i = 0;
    while i < N_MACRO {
        out[i] = super::PARAMS[i];
        i += 1;
    }
    // The zoom samples every 10 s by default and needs no multiple of a minute.
    out[0] = spec(
        "sample_s",
        "Sample interval",
        "s",
        10.0,
        1.0,
        600.0,
        1.0,
        false,
        "Simulated time between two samples",
    );
    out[N_MACRO] = EXTRA[0];
    out[N_MACRO + 1] = EXTRA[1];
    out
}

static ZOOM_PARAMS: [ParamSpec; N_MACRO + 2] = zoom_params();

/// `7pace-2018-01-02`.
pub const SCENARIO: Scenario = Scenario {
    name: "7pace-2018-01-02",
    title: "7pace, 2 January 2018: the freeze",
    summary: "Two hours of the first working day after the holidays on the per-request engine: Redis's single thread saturates under extended caching, synchronous calls time out after syncTimeout while their operations stay queued, and the web app hosting a heavy API poller runs out of threads.",
    params: &ZOOM_PARAMS,
    presets: super::PRESETS,
    validate,
};

fn validate(p: &Params) -> Result<(), ParamError> {
    crate::scenarios::check_rows(DURATION_S, p.get("sample_s"))?;
    super::validate_world(&SevenpaceParams::from_params(p))
}

pub(crate) fn build(p: &Params, seed: u64) -> Simulation {
    Simulation::SevenpaceZoom(Box::new(driver(p, seed)))
}

/// Poll, page, tick: the sources of app k are 3k, 3k+1, 3k+2.
const KINDS: usize = 3;

/// A periodic API poller.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Poller {
    app: u16,
    next: SimTime,
    shape: RequestShape,
}

/// Freeze-detector state of one web app.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct Detector {
    flow: (u64, u64),
    cond_since: Option<SimTime>,
    frozen: bool,
}

/// A freeze seen by the detector.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ZoomFreeze {
    /// The web app.
    pub app: u32,
    /// When the condition began [s into the window].
    pub start_s: f64,
    /// How long it held [s].
    pub duration_s: f64,
    /// Whether the app hosts an API poller.
    pub has_poller: bool,
}

/// The zoom's components: the diurnal rate updates, the periodic pollers, the freeze detector,
/// and the sampled columns.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ZoomWiring {
    wl: Workload,
    agg: DayAgg,
    scale: f64,
    start_min: u64,
    n_apps: usize,
    hosts: Vec<Vec<u16>>,
    pollers: Vec<Poller>,
    next_minute: SimTime,
    next_check: SimTime,
    detectors: Vec<Detector>,
    /// Every freeze so far (ongoing ones when the window ends included).
    pub freezes: Vec<ZoomFreeze>,
    read_share: f64,
    polls_rate: f64,
    last_ops: u64,
    last_busy: f64,
    last_timeouts: u64,
}

fn redis_steps(c: &Cost, timeout: Dur, counter: u16, db_s: f64, out: &mut Vec<StepSpec>) {
    let call = |p: f64, bytes: f64| StepSpec::Call {
        p_call: p,
        to: CallTo::Dependency { dep: 0, p: 1.0, otherwise: Dist::ZERO },
        p_sync: 0.0,
        cont_cpu: Dist::ZERO,
        timeout: Some(timeout),
        bytes,
        counter,
    };
    for n in [c.reads, c.writes] {
        let whole = n.floor() as usize;
        out.extend((0..whole).map(|_| call(1.0, c.bytes)));
        if n > whole as f64 {
            out.push(call(n - whole as f64, c.bytes));
        }
    }
    if db_s > 0.0 {
        out.push(StepSpec::Call {
            p_call: 1.0,
            to: CallTo::Delay(Dist::Exp(db_s)),
            p_sync: 0.0,
            cont_cpu: Dist::ZERO,
            timeout: None,
            bytes: 0.0,
            counter,
        });
    }
}

fn shape(c: &Cost, timeout: Dur, counter: u16) -> RequestShape {
    let mut steps = vec![StepSpec::Cpu(Dist::Exp(c.cpu_s))];
    redis_steps(c, timeout, counter, c.db_s, &mut steps);
    RequestShape { steps }
}

/// The zoom run for (parameters, seed).
pub fn driver(p: &Params, seed: u64) -> Driver<ZoomWiring> {
    let v = SevenpaceParams::from_params(p);
    let s = p.get("scale");
    let start_h = p.get("start_h");
    let wl = Workload::new(&v, seed);
    let agg = wl.day_aggregates(JAN_2);
    let (n_apps, instances, cores) = wl.capacity(JAN_2);
    let n_apps = n_apps as usize;
    let cores_exact = cores as f64 * s;
    let host_cores = cores_exact.round().max(1.0) as u32;
    let speed = cores_exact / host_cores as f64;
    let min_worker = ((cores * v.min_worker_per_core) as f64 * s).round().max(1.0) as u32;
    let mut pool = PoolConfig::clr(min_worker, host_cores);
    pool.max = ((cores * v.max_threads_per_core) as f64 * s).round().max(min_worker as f64) as u32;
    pool.gate = Dur::from_secs(0.5 / s);
    let timeout = Dur::from_secs(v.sync_timeout_ms / 1000.0);
    let costs = wl.request_costs(agg.extended);
    let mut hosts = vec![];
    let mut processes = vec![];
    let mut by_app = vec![];
    let mut sources = vec![];
    for k in 0..n_apps {
        let mut hs = vec![];
        for _ in 0..instances {
            let h = hosts.len() as u16;
            hosts.push(HostConfig { cores: host_cores, kappa: 0.0, group: Some(k as u16), enabled: true });
            processes.push(ProcessConfig::new(h, pool.clone(), 5000));
            hs.push(h);
        }
        by_app.push(hs);
        for c in &costs {
            let mut src = OpenLoopSource::new(0.0, shape(c, timeout, k as u16), Target::Group(k as u16));
            src.timeout = Some(Dur::from_secs(110.0));
            sources.push(src);
        }
    }
    // The pollers of each app, each with its own account's refresh, at a random phase.
    let mut phases = Stream::derive(seed, "7pace-poller-phase", 0);
    let n_pollers = (wl.poller_fraction(JAN_2) * wl.accounts.len() as f64).round() as u32;
    let history = v.history_days + JAN_2 as f64;
    let period = 1.0 / wl.api_call_rate();
    let mut pollers = vec![];
    for (i, a) in wl.accounts.iter().enumerate() {
        if a.poller_rank >= n_pollers || a.circle as u32 >= agg.circle {
            continue;
        }
        let c = wl.api_cost(a.users as f64, history, agg.extended);
        let mget = refresh_mget(&c, s);
        let app = wl.app_of(i, n_apps as u32) as u16;
        pollers.push(Poller {
            app,
            next: SimTime::from_secs(phases.uniform() * period),
            shape: shape(&mget, timeout, app),
        });
    }
    let max_live = processes.len() as u32 * (5000 + 1000) + pollers.len() as u32 * 100;
    let cfg = EngineConfig {
        hosts,
        processes,
        groups: vec![None; n_apps],
        dependencies: vec![DependencyConfig {
            dep: Dependency::Single(SingleThreaded::new(v.redis_a_us * 1e-6 / s, v.redis_b_ns * 1e-9 / s)),
            breaker_limit: None,
            // Each instance's ConnectionMultiplexer reads its answers in order, at the same
            // scaling as Redis's cost per byte (a refresh's payload shrinks with s).
            multiplexer: Some(Multiplexer::new(0.0, CONNECTION_NS_PER_BYTE * 1e-9 / s)),
        }],
        sources,
        counters: n_apps,
        end: SimTime::from_secs(DURATION_S),
        max_requests: max_live,
        ..EngineConfig::default()
    };
    let mut engine = Engine::new(cfg, seed);
    if speed != 1.0 {
        for h in 0..engine.n_hosts() {
            engine.set_speed(h, speed);
        }
    }
    let per_read: f64 = costs.iter().map(|c| c.reads).sum();
    let per_op: f64 = costs.iter().map(|c| c.reads + c.writes).sum();
    let mut wiring = ZoomWiring {
        wl,
        agg,
        scale: s,
        start_min: JAN_2 as u64 * 1440 + (start_h * 60.0).round() as u64,
        n_apps,
        hosts: by_app,
        pollers,
        next_minute: SimTime::ZERO,
        next_check: SimTime::from_secs(10.0),
        detectors: vec![Detector::default(); n_apps],
        freezes: vec![],
        read_share: if per_op > 0.0 { per_read / per_op } else { 1.0 },
        polls_rate: 0.0,
        last_ops: 0,
        last_busy: 0.0,
        last_timeouts: 0,
    };
    wiring.set_rates(&mut engine, 0);
    wiring.next_minute = SimTime::from_secs(60.0);
    Driver::new(engine, wiring, Dur::from_secs(p.get("sample_s")))
}

impl ZoomWiring {
    fn set_rates(&mut self, eng: &mut Engine, minute: u64) {
        let m = self.start_min + minute;
        let fr = self.wl.fractions(m, false);
        let s = self.scale;
        self.polls_rate = 0.0;
        for k in 0..self.n_apps {
            let r = self.wl.rates(&self.agg, k, &fr, 0.0);
            self.polls_rate += r.polls;
            for (j, x) in [r.polls, r.pages, r.ticks].iter().enumerate() {
                eng.set_rate(k * KINDS + j, x * s);
            }
        }
    }

    fn app_queue(&self, eng: &Engine, k: usize) -> f64 {
        self.hosts[k].iter().map(|&h| eng.queued(h as usize) as f64).sum()
    }

    fn check_freezes(&mut self, eng: &mut Engine) {
        let now = eng.now();
        for k in 0..self.n_apps {
            let (mut arr, mut comp) = (0u64, 0u64);
            for &h in &self.hosts[k] {
                let (a, c) = eng.host_flow(h as usize);
                arr += a;
                comp += c;
            }
            let q = self.app_queue(eng, k);
            let d = &mut self.detectors[k];
            let (da, dc) = ((arr - d.flow.0) as f64, (comp - d.flow.1) as f64);
            d.flow = (arr, comp);
            let lam = da / 10.0;
            let cond = da > 0.0 && (dc < 0.1 * da || (lam > 0.0 && q / lam > 30.0));
            match (cond, d.cond_since) {
                (true, None) => d.cond_since = Some(now),
                (false, Some(s0)) => {
                    if d.frozen {
                        self.freezes.push(ZoomFreeze {
                            app: k as u32,
                            start_s: s0.secs(),
                            duration_s: now.since(s0).secs(),
                            has_poller: self.pollers.iter().any(|p| p.app as usize == k),
                        });
                    }
                    d.cond_since = None;
                    d.frozen = false;
                }
                _ => {}
            }
            if let Some(s0) = d.cond_since {
                d.frozen = now.since(s0) >= Dur::from_secs(60.0);
            }
        }
    }

    /// Whether app `k` is frozen now.
    pub fn frozen(&self, k: usize) -> bool {
        self.detectors[k].frozen
    }

    /// The freezes so far, including ongoing ones (cut at `now_s`).
    pub fn all_freezes(&self, now_s: f64) -> Vec<ZoomFreeze> {
        let mut v = self.freezes.clone();
        for (k, d) in self.detectors.iter().enumerate() {
            if let (true, Some(s0)) = (d.frozen, d.cond_since) {
                v.push(ZoomFreeze {
                    app: k as u32,
                    start_s: s0.secs(),
                    duration_s: now_s - s0.secs(),
                    has_poller: self.pollers.iter().any(|p| p.app as usize == k),
                });
            }
        }
        v
    }

    /// Web apps.
    pub fn n_apps(&self) -> usize {
        self.n_apps
    }
}

fn redis(eng: &Engine) -> &SingleThreaded {
    match eng.dependency(0) {
        Dependency::Single(s) => s,
        Dependency::Fifo(_) => unreachable!("the zoom's dependency 0 is Redis"),
    }
}

impl Wiring for ZoomWiring {
    fn next_wake(&self) -> SimTime {
        let p = self.pollers.iter().map(|p| p.next).min().unwrap_or(SimTime::NEVER);
        p.min(self.next_minute).min(self.next_check)
    }

    fn wake(&mut self, eng: &mut Engine) {
        let now = eng.now();
        if now >= self.next_minute {
            self.set_rates(eng, (now.secs() / 60.0) as u64);
            self.next_minute = now + Dur::from_secs(60.0);
        }
        if now >= self.next_check {
            self.check_freezes(eng);
            self.next_check = now + Dur::from_secs(10.0);
        }
        let period = Dur::from_secs(1.0 / self.wl.api_call_rate());
        for i in 0..self.pollers.len() {
            if self.pollers[i].next <= now {
                let p = &self.pollers[i];
                let sender = Sender { owner: 0, tag: i as u64, client: true };
                let (app, shape) = (p.app, p.shape.clone());
                eng.send(Target::Group(app), &shape, sender, None);
                self.pollers[i].next = now + period;
            }
        }
    }

    fn signal(&mut self, _eng: &mut Engine, _sig: Signal) {}

    fn columns(&self) -> Vec<Column> {
        let mut c = vec![
            col("frozen_apps", "Frozen web apps", "apps"),
            col("redis_load_pct", "Redis server load", "%"),
            col("redis_queue", "Redis operations queued or in service", "ops"),
            col("redis_reads_per_s", "Redis reads", "ops/s"),
            col("redis_writes_per_s", "Redis writes", "ops/s"),
            col("redis_timeouts_per_s", "Redis sync timeouts", "ops/s"),
            col("polls_per_s", "Tab polls offered", "req/s"),
        ];
        for k in 0..self.n_apps {
            c.push(col(&format!("threads_app{k}"), &format!("Web app {k} worker threads"), "threads"));
        }
        for k in 0..self.n_apps {
            c.push(col(
                &format!("queue_app{k}"),
                &format!("Web app {k} requests waiting for a thread"),
                "requests",
            ));
        }
        for k in 0..self.n_apps {
            c.push(col(&format!("frozen_app{k}"), &format!("Web app {k} frozen"), ""));
        }
        c
    }

    fn clock(&self) -> Option<Clock> {
        let origin = (START.days() * 1440 + self.start_min as i64) * 60;
        Some(Clock::DateTime { origin_unix_s: origin })
    }

    fn sample(&mut self, eng: &mut Engine, dt: f64, row: &mut Vec<f64>) {
        let now = eng.now();
        let s = self.scale;
        let r = redis(eng);
        let ops = r.ops();
        let busy = r.busy_s_until(now);
        let queue = r.queue_len(now) as f64;
        let timeouts: u64 = (0..self.n_apps).map(|k| eng.call_timeouts(k)).sum();
        let per_s = |d: f64| if dt > 0.0 { d / dt / s } else { 0.0 };
        let dops = (ops - self.last_ops) as f64;
        row.push(self.detectors.iter().filter(|d| d.frozen).count() as f64);
        row.push(if dt > 0.0 { 100.0 * (busy - self.last_busy) / dt } else { 0.0 });
        row.push(queue);
        row.push(per_s(dops * self.read_share));
        row.push(per_s(dops * (1.0 - self.read_share)));
        row.push(per_s((timeouts - self.last_timeouts) as f64));
        row.push(self.polls_rate);
        self.last_ops = ops;
        self.last_busy = busy;
        self.last_timeouts = timeouts;
        for k in 0..self.n_apps {
            row.push(self.hosts[k].iter().map(|&h| eng.threads(h as usize) as f64).sum::<f64>() / s);
        }
        for k in 0..self.n_apps {
            row.push(self.app_queue(eng, k) / s);
        }
        for k in 0..self.n_apps {
            row.push(self.detectors[k].frozen as u8 as f64);
        }
    }
}
