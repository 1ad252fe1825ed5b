//! The per-request engine: hosts in groups, worker processes with a lifecycle, load balancers,
//! dependencies and open-loop sources, driven by a discrete-event queue in simulated time.
//!
//! ```text
//!  sources, components ──► group's balancer ──► host: ┌ worker process (lifecycle, ASP.NET admission)
//!  (Poisson, SignalR,      (probes each member;  (CPU,  │   └ CLR thread pool: FIFO of request starts
//!   health agent, …)        out after k fails)  shared) │      and continuations; 500 ms gate
//!                                                       └ … more processes share the host's cores
//!  a request = steps: CPU burst │ call (plain delay or a dependency: FIFO servers, a single-threaded
//!  server, behind a per-host concurrency breaker; sync-over-async continuation; client timeout)
//! ```
//!
//! The engine knows no scenario. Mechanisms that act on it from outside — reconnecting clients,
//! the health agent, the operator, the crash bug — are components of a scenario's model
//! ([`crate::model`]): they call the engine's methods, and hear back through [`Signal`]s about
//! the requests they sent and the processes that went down.
//!
//! Each source's next arrival and each host's next CPU completion are kept out of the event heap
//! (there is one of each at a time), so the loop takes the earliest of (heap top, hosts, sources).
//! Ties at one instant go: probe timeouts first, then other heap events in the order they were
//! scheduled, then hosts by index, then sources by index.

pub mod process;
pub mod request;

use crate::breaker::ConcurrencyBreaker;
use crate::clients::{OpenLoopSource, Target};
use crate::cpu::HostCpu;
use crate::dependency::{FifoServers, SingleThreaded};
use crate::load_balancer::{LoadBalancer, ProbeConfig};
use crate::multiplexer::Multiplexer;
use crate::rng::Stream;
use crate::thread_pool::Injection;
use crate::time::{Dur, SimTime};
use process::Process;
pub use process::{DownCause, ProcessConfig, Status};
pub use request::{CallTo, RequestShape, Step, StepSpec};
use serde::{Deserialize, Serialize};
use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, VecDeque};

/// One host's settings.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct HostConfig {
    /// Cores.
    pub cores: u32,
    /// Thrash overhead κ of its CPU.
    pub kappa: f64,
    /// The host group it belongs to (its balancer), if any.
    pub group: Option<u16>,
    /// Whether it takes part from the start (an auto-added host starts disabled).
    pub enabled: bool,
}

/// A dependency that requests call.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Dependency {
    /// A pool of FIFO servers (SQL).
    Fifo(FifoServers),
    /// One thread, cost a + b × bytes (Redis).
    Single(SingleThreaded),
}

/// A dependency with its per-host concurrency breakers.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DependencyConfig {
    /// The dependency.
    pub dep: Dependency,
    /// Per-host concurrency-breaker limit (VSTS: per AT), or none.
    pub breaker_limit: Option<u32>,
    /// Each process's connection, reading a single-threaded server's answers one at a time
    /// (StackExchange.Redis), or none: the caller has an answer when the server gives it.
    pub multiplexer: Option<Multiplexer>,
}

/// How a world is laid out; built by a scenario.
#[derive(Clone, Debug, Default)]
pub struct EngineConfig {
    /// Hosts.
    pub hosts: Vec<HostConfig>,
    /// Worker processes.
    pub processes: Vec<ProcessConfig>,
    /// Host groups: each has a balancer with these probe settings, or none.
    pub groups: Vec<Option<ProbeConfig>>,
    /// Dependencies.
    pub dependencies: Vec<DependencyConfig>,
    /// Open-loop sources.
    pub sources: Vec<OpenLoopSource>,
    /// Timeline of scripted actions, in any order.
    pub script: Vec<(SimTime, Action)>,
    /// Number of call-timeout counters (see [`StepSpec::Call`]).
    pub counters: usize,
    /// End of the run.
    pub end: SimTime,
    /// Requests with an arrival index below this are warm-up and left out of the wait statistics.
    pub warmup: u64,
    /// Most requests alive at once; an arrival beyond it is refused (a bound on memory for any
    /// valid setting; scenarios choose it so it is never reached in their ranges).
    pub max_requests: u32,
    /// A request whose client gave up is dropped if it has not started (ASP.NET does not do
    /// this; a what-if that removes one sustaining effect).
    pub cancel_abandoned: bool,
}

/// A scripted change at a given time.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Action {
    /// Set a host's CPU speed factor (1 = normal).
    SetSpeed {
        /// Host index.
        host: u16,
        /// Speed factor.
        speed: f64,
    },
    /// Set a source's arrival rate [req/s].
    SetRate {
        /// Source index.
        source: u16,
        /// New rate.
        rate: f64,
    },
}

/// How a request ended, as its sender hears it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Outcome {
    /// Answered; `failed` if a call it made failed (breaker, timeout).
    Done {
        /// Response time [s].
        latency_s: f64,
        /// Whether a call failed along the way.
        failed: bool,
    },
    /// 503: the queue limit, or HTTP.sys full while the process was down.
    Rejected,
    /// No host in rotation.
    NoHost,
    /// The process crashed or was recycled while holding it.
    Reset,
    /// The client gave up waiting (the server may still work on it).
    TimedOut,
}

impl Outcome {
    /// Whether the request succeeded.
    pub fn ok(&self) -> bool {
        matches!(self, Outcome::Done { failed: false, .. })
    }
}

/// What the engine tells the components of a model.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Signal {
    /// A request sent with an owner ended (or its client timed out).
    Outcome {
        /// The component that sent it.
        owner: u16,
        /// The sender's tag.
        tag: u64,
        /// How it ended.
        outcome: Outcome,
        /// The process that took it (u16::MAX if none).
        proc: u16,
    },
    /// A process crashed or was recycled.
    ProcessDown {
        /// The process.
        proc: u16,
        /// Why.
        cause: DownCause,
    },
}

/// Who is told about a request, and how it is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sender {
    /// Component id (0 = nobody is told).
    pub owner: u16,
    /// The sender's tag, returned in the signal.
    pub tag: u64,
    /// Count it in the client totals.
    pub client: bool,
}

/// Counts over the whole run (client requests only; probes and component requests marked
/// `client: false` are not counted).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Requests the clients sent.
    pub arrived: u64,
    /// Requests answered (including ones the client had given up on).
    pub completed: u64,
    /// Requests refused: 503 at admission, HTTP.sys full, or no host in rotation.
    pub rejected: u64,
    /// Requests admitted (or held by HTTP.sys) and not yet answered.
    pub in_flight: u64,
    /// Requests whose client gave up waiting.
    pub timed_out: u64,
    /// Requests lost to a crash or recycle.
    pub reset: u64,
}

/// Wait statistics of the client requests past the warm-up.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct WaitStats {
    /// Requests that got a thread.
    pub started: u64,
    /// Of those, requests that had to wait for one.
    pub waited: u64,
    /// Sum of waits for a thread [s].
    pub wait_sum_s: f64,
    /// Requests answered.
    pub completed: u64,
    /// Sum of response times [s].
    pub response_sum_s: f64,
}

/// Per-process figures for the operational laws.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ProcessStats {
    /// Time-averaged "Requests Current" since the start.
    pub mean_in_system: f64,
    /// Requests (including probes) answered.
    pub completed: u64,
    /// Mean response time of those [s].
    pub mean_response_s: f64,
    /// CPU demand of the answered requests [s].
    pub cpu_demand_s: f64,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
enum Ev {
    /// Request `r` (generation `gen`) gets the answer of the call at step `step`; first, the
    /// call's concurrency-breaker slot of dependency `dep` on host `host` is released (`dep` =
    /// [`NO_BREAKER`] if the call holds none), whatever became of the request.
    IoDone { r: u32, gen: u32, step: u16, dep: u16, host: u16 },
    /// The client-side timeout of that call.
    CallDeadline { r: u32, gen: u32, step: u16 },
    /// The gate thread of process `p` wakes.
    Gate(u16),
    /// A delayed .NET 6 blocking injection for process `p` of generation `gen`.
    Blocking(u16, u32),
    /// Group `g`'s balancer probes its member `m`.
    ProbeSend(u16, u16),
    /// Probe `no` of member `m` of group `g` times out.
    ProbeTimeout(u16, u16, u32),
    /// Process `p` (generation `gen`) has restarted.
    ProcUp(u16, u32),
    /// Process `p` (generation `gen`) has warmed up.
    ProcWarm(u16, u32),
    /// Run scripted action `i`.
    Script(u32),
}

/// `dep` of an [`Ev::IoDone`] whose call holds no breaker slot.
const NO_BREAKER: u16 = u16::MAX;

/// Client timeouts with one patience `after`, in the order they are due: they are scheduled at
/// `now + after` from a clock that never goes back, so a FIFO keeps them sorted and they stay
/// out of the event heap. Their tie keys come from the heap's sequence, so the heap and the
/// lanes together order events exactly as one heap would.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Lane {
    after: Dur,
    due: VecDeque<LaneEntry>,
}

/// The client of request `r` (generation `gen`) gives up at `at`.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
struct LaneEntry {
    at: SimTime,
    ord: u64,
    r: u32,
    gen: u32,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Entry {
    at: SimTime,
    /// Order at one instant: the priority (0 for probe timeouts, which go before anything else
    /// at their instant; 1 for the rest) above bit 32, then the order of scheduling (wrapping
    /// after 2³² is harmless: ties are at one instant).
    ord: u64,
    ev: Ev,
}
impl Entry {
    #[inline]
    fn key(&self) -> (SimTime, u64) {
        (self.at, self.ord)
    }
}
impl PartialEq for Entry {
    fn eq(&self, o: &Self) -> bool {
        self.key() == o.key()
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Entry {
    #[inline]
    fn cmp(&self, o: &Self) -> Ordering {
        self.key().cmp(&o.key())
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Host {
    cpu: HostCpu,
    procs: Vec<u16>,
    group: Option<u16>,
    /// Its index among the group's members.
    member: u16,
    enabled: bool,
    /// The health endpoint is off (health agent hold, reboot): every probe fails.
    health_off: bool,
    /// When the next burst completes ([`SimTime::NEVER`] if idle).
    next: SimTime,
    /// Client requests routed to it / answered by it, cumulative.
    arrivals: u64,
    completions: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Group {
    lb: Option<LoadBalancer>,
    members: Vec<u16>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
enum Kind {
    Normal,
    Probe { group: u16, member: u16, no: u32 },
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Request {
    gen: u32,
    live: bool,
    kind: Kind,
    sender: Sender,
    /// The sender has been told (at a client timeout); the later answer is not reported again.
    told: bool,
    proc: u16,
    index: u64,
    arrival: SimTime,
    steps: Vec<Step>,
    at: u16,
    /// The current call's answer has arrived.
    answered: bool,
    call_started: SimTime,
    failed: bool,
    cpu: f64,
    started: bool,
    cancelled: bool,
}

/// The next event of an engine, as [`Engine::peek`] found it.
#[derive(Clone, Copy, Debug)]
pub struct Due {
    at: SimTime,
    next: Next,
}

impl Due {
    /// When it is due ([`SimTime::NEVER`] if nothing is).
    #[inline]
    pub fn at(&self) -> SimTime {
        self.at
    }
}

#[derive(Clone, Copy, Debug)]
enum Next {
    Heap,
    Lane(usize),
    Cpu(usize),
    Arrival(usize),
}

/// Tag of a CPU burst: request slot and whether it is a continuation.
#[inline]
fn tag(r: u32, cont: bool) -> u32 {
    r << 1 | cont as u32
}

/// The engine. Cloning it forks the run.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Engine {
    now: SimTime,
    end: SimTime,
    seq: u32,
    events: BinaryHeap<Reverse<Entry>>,
    lanes: Vec<Lane>,
    hosts: Vec<Host>,
    /// The earliest of the hosts' next CPU completions, and the first host with it.
    cpu_next: SimTime,
    cpu_host: usize,
    procs: Vec<Process>,
    groups: Vec<Group>,
    deps: Vec<Dependency>,
    muxes: Vec<Option<Multiplexer>>,
    dep_rng: Vec<Stream>,
    breakers: Vec<Vec<Option<ConcurrencyBreaker>>>,
    sources: Vec<OpenLoopSource>,
    source_next: Vec<SimTime>,
    source_rng: Vec<(Stream, Stream, Stream)>,
    reqs: Vec<Request>,
    free: Vec<u32>,
    live: u32,
    max_requests: u32,
    rng_service: Stream,
    rng_routing: Stream,
    /// Which process answers a probe, when any may.
    rng_probe: Stream,
    script: Vec<(SimTime, Action)>,
    call_timeouts: Vec<u64>,
    totals: Totals,
    warmup: u64,
    stats: WaitStats,
    all_started: u64,
    all_wait_sum_s: f64,
    arrivals_index: u64,
    outbox: Vec<Signal>,
    scratch: Vec<Step>,
    cancel_abandoned: bool,
}

impl Engine {
    /// Builds an engine from its configuration and seed.
    pub fn new(cfg: EngineConfig, seed: u64) -> Engine {
        let mut groups: Vec<Group> = cfg.groups.iter().map(|_| Group { lb: None, members: vec![] }).collect();
        let mut hosts: Vec<Host> = Vec::with_capacity(cfg.hosts.len());
        for (i, h) in cfg.hosts.iter().enumerate() {
            let member = match h.group {
                Some(g) => {
                    groups[g as usize].members.push(i as u16);
                    (groups[g as usize].members.len() - 1) as u16
                }
                None => 0,
            };
            hosts.push(Host {
                cpu: HostCpu::new(h.cores, h.kappa),
                procs: vec![],
                group: h.group,
                member,
                enabled: h.enabled,
                health_off: false,
                next: SimTime::NEVER,
                arrivals: 0,
                completions: 0,
            });
        }
        for (g, probe) in cfg.groups.iter().enumerate() {
            if let Some(p) = probe {
                let mut lb = LoadBalancer::new(p.clone(), groups[g].members.len());
                for (m, &h) in groups[g].members.iter().enumerate() {
                    if !hosts[h as usize].enabled {
                        lb.hosts[m] = Default::default();
                    }
                }
                lb.recount();
                groups[g].lb = Some(lb);
            }
        }
        let procs: Vec<Process> = cfg
            .processes
            .iter()
            .enumerate()
            .map(|(i, p)| {
                hosts[p.host as usize].procs.push(i as u16);
                Process::new(p.clone())
            })
            .collect();
        let n_hosts = hosts.len();
        let breakers = cfg
            .dependencies
            .iter()
            .map(|d| (0..n_hosts).map(|_| d.breaker_limit.map(ConcurrencyBreaker::new)).collect())
            .collect();
        let source_rng = (0..cfg.sources.len() as u64)
            .map(|i| {
                (
                    Stream::derive(seed, "arrivals", i),
                    Stream::derive(seed, "users", i),
                    Stream::derive(seed, "shapes", i),
                )
            })
            .collect();
        let mut e = Engine {
            now: SimTime::ZERO,
            end: cfg.end,
            seq: 0,
            events: BinaryHeap::new(),
            lanes: Vec::new(),
            hosts,
            cpu_next: SimTime::NEVER,
            cpu_host: 0,
            procs,
            groups,
            dep_rng: (0..cfg.dependencies.len() as u64)
                .map(|i| Stream::derive(seed, "dependency", i))
                .collect(),
            muxes: cfg.dependencies.iter().map(|d| d.multiplexer.clone()).collect(),
            deps: cfg.dependencies.into_iter().map(|d| d.dep).collect(),
            breakers,
            source_next: vec![SimTime::NEVER; cfg.sources.len()],
            sources: cfg.sources,
            source_rng,
            reqs: Vec::new(),
            free: Vec::new(),
            live: 0,
            max_requests: if cfg.max_requests == 0 { u32::MAX } else { cfg.max_requests },
            rng_service: Stream::derive(seed, "service", 0),
            rng_routing: Stream::derive(seed, "routing", 0),
            rng_probe: Stream::derive(seed, "probe-process", 0),
            script: cfg.script,
            call_timeouts: vec![0; cfg.counters.max(1)],
            totals: Totals::default(),
            warmup: cfg.warmup,
            stats: WaitStats::default(),
            all_started: 0,
            all_wait_sum_s: 0.0,
            arrivals_index: 0,
            outbox: Vec::new(),
            scratch: Vec::new(),
            cancel_abandoned: cfg.cancel_abandoned,
        };
        e.script.sort_by_key(|(t, _)| *t);
        for i in 0..e.script.len() {
            e.schedule(e.script[i].0, Ev::Script(i as u32));
        }
        for s in 0..e.sources.len() {
            e.schedule_arrival(s);
        }
        for p in 0..e.procs.len() {
            if !e.procs[p].pool.cfg.fixed {
                let gate = e.procs[p].pool.cfg.gate;
                e.schedule(SimTime::ZERO + gate, Ev::Gate(p as u16));
            }
        }
        let mut phases = Stream::derive(seed, "probes", 0);
        for g in 0..e.groups.len() {
            if let Some(lb) = &e.groups[g].lb {
                let interval = lb.cfg.interval.secs();
                for m in 0..e.groups[g].members.len() {
                    let phase = Dur::from_secs(phases.uniform() * interval);
                    e.schedule(SimTime::ZERO + phase, Ev::ProbeSend(g as u16, m as u16));
                }
            }
        }
        e
    }

    // ---- driving ------------------------------------------------------------------------

    /// Current simulated time.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// End of the run.
    pub fn end(&self) -> SimTime {
        self.end
    }

    /// Moves the clock forward to `t` without handling anything (a model does this before a
    /// component acts at `t`, which must not be after [`Self::next_time`]).
    pub fn set_now(&mut self, t: SimTime) {
        debug_assert!(t <= self.next_time() || self.next_time() == SimTime::NEVER);
        self.now = self.now.max(t);
    }

    /// When the next event is due ([`SimTime::NEVER`] if none).
    #[inline]
    pub fn next_time(&self) -> SimTime {
        self.next_at().0
    }

    /// The next event (its time is [`Self::next_time`]); hand it to [`Self::step_due`] before
    /// anything else changes the engine.
    #[inline]
    pub fn peek(&self) -> Due {
        let (at, next) = self.next_at();
        Due { at, next }
    }

    /// Handles the event `due`, which [`Self::peek`] just returned (not [`SimTime::NEVER`]).
    #[inline]
    pub fn step_due(&mut self, due: Due) {
        debug_assert!(due.at != SimTime::NEVER);
        self.step(due.at, due.next);
    }

    /// Handles the next event if it is due at or before `t`; returns whether it did.
    #[inline]
    pub fn step_until(&mut self, t: SimTime) -> bool {
        let (at, next) = self.next_at();
        if at > t || at == SimTime::NEVER {
            return false;
        }
        self.step(at, next);
        true
    }

    /// Runs to the end (for engine-only runs such as M/M/c).
    pub fn run_to_end(&mut self) {
        while self.step_until(self.end) {}
        if self.end != SimTime::NEVER {
            self.now = self.now.max(self.end);
        }
    }

    /// The signals raised since the last call, oldest first.
    pub fn take_signals(&mut self, into: &mut Vec<Signal>) {
        into.append(&mut self.outbox);
    }

    /// Whether signals are waiting.
    pub fn has_signals(&self) -> bool {
        !self.outbox.is_empty()
    }

    // ---- commands (components call these) ------------------------------------------------

    /// Sends a request into the world, drawn from `shape`. `timeout` is the client's patience.
    pub fn send(&mut self, target: Target, shape: &RequestShape, sender: Sender, timeout: Option<Dur>) {
        let mut steps = std::mem::take(&mut self.scratch);
        shape.draw(&mut self.rng_service, &mut steps);
        self.send_steps(target, &steps, sender, timeout, None);
        self.scratch = steps;
    }

    /// Sends a request to `target`; `home` is the user id of a sticky user (see
    /// [`OpenLoopSource::sticky_users`]).
    fn send_steps(
        &mut self,
        target: Target,
        steps: &[Step],
        sender: Sender,
        timeout: Option<Dur>,
        home: Option<u64>,
    ) {
        if sender.client {
            self.totals.arrived += 1;
        }
        let index = self.arrivals_index;
        self.arrivals_index += 1;
        let proc = match target {
            Target::Process(p) => Some(p as usize),
            Target::Host(h) => Some(self.pick_proc(h as usize)),
            Target::Group(g) => {
                let g = g as usize;
                let n =
                    self.groups[g].lb.as_ref().map_or(self.groups[g].members.len(), |lb| lb.in_rotation());
                let members = self.groups[g].members.len() as u64;
                let sticky = home.and_then(|u| {
                    let m = (u % members) as usize;
                    let up = self.groups[g].lb.as_ref().is_none_or(|lb| lb.hosts[m].in_rotation);
                    let h = self.groups[g].members[m] as usize;
                    up.then(|| {
                        let procs = &self.hosts[h].procs;
                        procs[((u / members) % procs.len() as u64) as usize] as usize
                    })
                });
                if sticky.is_some() {
                    sticky
                } else if n == 0 {
                    None
                } else {
                    let k = self.rng_routing.index(n);
                    let m = match &self.groups[g].lb {
                        Some(lb) => lb.nth_in_rotation(k).expect("k < n"),
                        None => k,
                    };
                    let h = self.groups[g].members[m] as usize;
                    Some(self.pick_proc(h))
                }
            }
        };
        let Some(p) = proc else {
            self.refuse(sender, Outcome::NoHost, u16::MAX);
            return;
        };
        self.hosts[self.procs[p].cfg.host as usize].arrivals += sender.client as u64;
        self.arrive(p, Kind::Normal, steps, sender, index, timeout);
    }

    fn pick_proc(&mut self, h: usize) -> usize {
        let n = self.hosts[h].procs.len();
        let i = if n == 1 { 0 } else { self.rng_routing.index(n) };
        self.hosts[h].procs[i] as usize
    }

    fn refuse(&mut self, sender: Sender, outcome: Outcome, proc: u16) {
        if sender.client {
            self.totals.rejected += 1;
        }
        if sender.owner != 0 {
            self.outbox.push(Signal::Outcome { owner: sender.owner, tag: sender.tag, outcome, proc });
        }
    }

    /// Crashes or recycles process `p`: everything it holds fails, its queues empty, its pool
    /// restarts, and it serves again after `restart` (then warms up).
    pub fn take_down(&mut self, p: usize, restart: Dur, cause: DownCause) {
        let now = self.now;
        if self.procs[p].is_down() {
            return;
        }
        let h = self.procs[p].cfg.host as usize;
        // Its CPU bursts leave the host.
        self.hosts[h].cpu.advance(now);
        let reqs = &self.reqs;
        self.hosts[h].cpu.retain(|t| reqs[(t >> 1) as usize].proc as usize != p);
        self.resched_cpu(h);
        let until = now + restart;
        self.procs[p].reset(now, until);
        self.sync_starved_threads(h);
        let gen = self.procs[p].gen;
        for r in 0..self.reqs.len() {
            let q = &self.reqs[r];
            if q.live && q.proc as usize == p {
                self.kill(r as u32);
            }
        }
        self.schedule(until, Ev::ProcUp(p as u16, gen));
        self.outbox.push(Signal::ProcessDown { proc: p as u16, cause });
    }

    fn kill(&mut self, r: u32) {
        let q = &mut self.reqs[r as usize];
        q.live = false;
        let (kind, sender, told, proc) = (q.kind, q.sender, q.told, q.proc);
        self.free.push(r);
        self.live -= 1;
        if sender.client {
            self.totals.in_flight -= 1;
            self.totals.reset += 1;
        }
        self.resolve_probe(kind, false);
        if sender.owner != 0 && !told {
            self.outbox.push(Signal::Outcome {
                owner: sender.owner,
                tag: sender.tag,
                outcome: Outcome::Reset,
                proc,
            });
        }
    }

    /// Switches host `h`'s health endpoint off (every probe fails) or on.
    pub fn set_health_off(&mut self, h: usize, off: bool) {
        self.hosts[h].health_off = off;
    }

    /// Enables a host that was built disabled (auto-add): it joins its balancer out of
    /// rotation and enters when its probes pass.
    pub fn enable_host(&mut self, h: usize) {
        self.hosts[h].enabled = true;
    }

    /// Pins each worker process of host `h` to an equal share of its cores (IIS web-garden
    /// processor affinity): a process can no longer use cores its sibling leaves idle. Call
    /// before the run starts.
    pub fn pin_processes(&mut self, h: usize) {
        let procs = self.hosts[h].procs.clone();
        self.hosts[h].cpu.pin(procs.len());
        for (i, &p) in procs.iter().enumerate() {
            self.procs[p as usize].cpu_part = i;
        }
        self.resched_cpu(h);
    }

    /// Turns on the starvation-thread overhead of host `h`'s CPU: every thread a pool of its
    /// processes holds beyond MinWorker costs each core a share `κ_s/C` (see [`crate::cpu`]).
    pub fn set_starvation_overhead(&mut self, h: usize, kappa_s: f64) {
        self.hosts[h].cpu.set_kappa_starved(self.now, kappa_s);
        self.sync_starved_threads(h);
    }

    /// Tells host `h`'s CPU how many threads its pools hold beyond MinWorker (only when the
    /// starvation-thread overhead is on, so other scenarios pay nothing).
    #[inline]
    fn sync_starved_threads(&mut self, h: usize) {
        if !self.hosts[h].cpu.counts_starved() {
            return;
        }
        let n: u32 = self.hosts[h]
            .procs
            .iter()
            .map(|&p| {
                let pool = &self.procs[p as usize].pool;
                pool.existing().saturating_sub(pool.cfg.min)
            })
            .sum();
        if self.hosts[h].cpu.set_starved_threads(self.now, n) {
            self.resched_cpu(h);
        }
    }

    /// Sets host `h`'s CPU speed factor (1 = normal) from now on.
    pub fn set_speed(&mut self, h: usize, speed: f64) {
        self.hosts[h].cpu.set_speed(self.now, speed);
        self.resched_cpu(h);
    }

    /// Sets source `s`'s arrival rate from now on.
    pub fn set_rate(&mut self, s: usize, rate: f64) {
        self.sources[s].rate = rate;
        self.schedule_arrival(s); // memoryless: a fresh gap from now
    }

    // ---- observations -------------------------------------------------------------------

    /// Whole-run counts.
    pub fn totals(&self) -> Totals {
        self.totals
    }

    /// Wait statistics past the warm-up.
    pub fn wait_stats(&self) -> WaitStats {
        self.stats
    }

    /// Mean wait for a thread of all client requests started so far [s].
    pub fn mean_wait_s(&self) -> f64 {
        if self.all_started > 0 {
            self.all_wait_sum_s / self.all_started as f64
        } else {
            0.0
        }
    }

    /// Number of hosts / processes / groups.
    pub fn n_hosts(&self) -> usize {
        self.hosts.len()
    }
    /// Number of processes.
    pub fn n_procs(&self) -> usize {
        self.procs.len()
    }

    /// The processes of host `h`.
    pub fn host_procs(&self, h: usize) -> &[u16] {
        &self.hosts[h].procs
    }

    /// The host of process `p`.
    pub fn proc_host(&self, p: usize) -> usize {
        self.procs[p].cfg.host as usize
    }

    /// Figures of process `p` for the operational laws.
    pub fn process_stats(&self, p: usize) -> ProcessStats {
        let pr = &self.procs[p];
        let t = self.now.secs();
        let area = pr.area + pr.requests_current as f64 * (self.now - pr.area_at).secs();
        ProcessStats {
            mean_in_system: if t > 0.0 { area / t } else { 0.0 },
            completed: pr.completed,
            mean_response_s: if pr.completed > 0 { pr.response_sum_s / pr.completed as f64 } else { 0.0 },
            cpu_demand_s: pr.cpu_demand_s,
        }
    }

    /// Core-seconds host `h` was busy since the start.
    pub fn host_busy_core_s(&mut self, h: usize) -> f64 {
        self.hosts[h].cpu.advance(self.now);
        self.hosts[h].cpu.busy_core_s()
    }

    /// Cores of host `h`.
    pub fn host_cores(&self, h: usize) -> f64 {
        self.hosts[h].cpu.cores()
    }

    /// Client requests routed to host `h` and answered by it, cumulative.
    pub fn host_flow(&self, h: usize) -> (u64, u64) {
        (self.hosts[h].arrivals, self.hosts[h].completions)
    }

    /// Client requests admitted and not yet answered, counted from the request table itself.
    pub fn live_client_requests(&self) -> u64 {
        self.reqs.iter().filter(|r| r.live && r.sender.client).count() as u64
    }

    /// Threads that exist in process `p`.
    pub fn threads(&self, p: usize) -> u32 {
        self.procs[p].pool.existing()
    }
    /// Busy threads of process `p`.
    pub fn busy(&self, p: usize) -> u32 {
        self.procs[p].pool.busy()
    }
    /// Blocked threads of process `p`.
    pub fn blocked(&self, p: usize) -> u32 {
        self.procs[p].pool.blocked()
    }
    /// Threads injected above MinWorker in process `p` since its last start.
    pub fn injected(&self, p: usize) -> u64 {
        self.procs[p].pool.injected
    }
    /// The thread goal of process `p`.
    pub fn goal(&self, p: usize) -> u32 {
        self.procs[p].pool.goal()
    }

    /// Requests of process `p` waiting for a thread (CLR queue of starts plus ASP.NET's native queue).
    pub fn queued(&self, p: usize) -> usize {
        let pr = &self.procs[p];
        pr.work.len() - pr.continuations_queued as usize + pr.native.len()
    }

    /// Continuations of process `p` waiting for a thread.
    pub fn continuations_queued(&self, p: usize) -> usize {
        self.procs[p].continuations_queued as usize
    }

    /// ASP.NET "Requests Current" of process `p` (queued plus executing).
    pub fn requests_current(&self, p: usize) -> u32 {
        self.procs[p].requests_current
    }

    /// Requests HTTP.sys holds for process `p` while it is down.
    pub fn held(&self, p: usize) -> usize {
        self.procs[p].held.len()
    }

    /// Lifecycle status of process `p`.
    pub fn status(&self, p: usize) -> Status {
        self.procs[p].status
    }

    /// Times process `p` went down.
    pub fn downs(&self, p: usize) -> u64 {
        self.procs[p].downs
    }

    /// Whether host `h` is in its balancer's rotation (true without a balancer; false if disabled).
    pub fn host_in_rotation(&self, h: usize) -> bool {
        let host = &self.hosts[h];
        match host.group.and_then(|g| self.groups[g as usize].lb.as_ref()) {
            Some(lb) => lb.hosts[host.member as usize].in_rotation,
            None => host.enabled,
        }
    }

    /// Whether host `h`'s health endpoint is off.
    pub fn health_off(&self, h: usize) -> bool {
        self.hosts[h].health_off
    }

    /// Members of group `g` in rotation.
    pub fn in_rotation(&self, g: usize) -> usize {
        self.groups[g].lb.as_ref().map_or(self.groups[g].members.len(), |lb| lb.in_rotation())
    }

    /// Latency of host `h`'s last resolved probe [s].
    pub fn last_probe_s(&self, h: usize) -> f64 {
        let host = &self.hosts[h];
        host.group
            .and_then(|g| self.groups[g as usize].lb.as_ref())
            .map_or(0.0, |lb| lb.hosts[host.member as usize].last_probe_s)
    }

    /// Failed probes of host `h`, cumulative.
    pub fn probes_failed(&self, h: usize) -> u32 {
        let host = &self.hosts[h];
        host.group
            .and_then(|g| self.groups[g as usize].lb.as_ref())
            .map_or(0, |lb| lb.hosts[host.member as usize].probes_failed)
    }

    /// Calls that failed by timeout, per counter, cumulative.
    pub fn call_timeouts(&self, counter: usize) -> u64 {
        self.call_timeouts[counter]
    }

    /// Concurrency-breaker rejections of dependency `dep` on host `h`, cumulative.
    pub fn breaker_rejections(&self, dep: usize, h: usize) -> u64 {
        self.breakers[dep][h].as_ref().map_or(0, |b| b.rejections())
    }

    /// A dependency.
    pub fn dependency(&self, d: usize) -> &Dependency {
        &self.deps[d]
    }

    // ---- event loop ---------------------------------------------------------------------

    #[inline]
    fn schedule(&mut self, at: SimTime, ev: Ev) {
        self.seq = self.seq.wrapping_add(1);
        let prio = if matches!(ev, Ev::ProbeTimeout(..)) { 0 } else { 1 };
        self.events.push(Reverse(Entry { at, ord: prio << 32 | self.seq as u64, ev }));
    }

    #[inline]
    fn next_at(&self) -> (SimTime, Next) {
        let (mut at, mut ord) = self.events.peek().map_or((SimTime::NEVER, u64::MAX), |Reverse(e)| e.key());
        let mut next = Next::Heap;
        for (i, lane) in self.lanes.iter().enumerate() {
            if let Some(f) = lane.due.front() {
                if (f.at, f.ord) < (at, ord) {
                    (at, ord, next) = (f.at, f.ord, Next::Lane(i));
                }
            }
        }
        if self.cpu_next < at {
            (at, next) = (self.cpu_next, Next::Cpu(self.cpu_host));
        }
        for (s, &t) in self.source_next.iter().enumerate() {
            if t < at {
                (at, next) = (t, Next::Arrival(s));
            }
        }
        (at, next)
    }

    fn step(&mut self, at: SimTime, next: Next) {
        self.now = at;
        let ev = match next {
            Next::Cpu(h) => return self.on_cpu_done(h),
            Next::Arrival(s) => return self.on_arrival(s),
            Next::Lane(i) => {
                let e = self.lanes[i].due.pop_front().expect("a lane's front was due");
                return self.on_client_timeout(e.r, e.gen);
            }
            Next::Heap => match self.events.pop() {
                Some(Reverse(e)) => e.ev,
                None => return,
            },
        };
        match ev {
            Ev::IoDone { r, gen, step, dep, host } => {
                if dep != NO_BREAKER {
                    if let Some(b) = self.breakers[dep as usize][host as usize].as_mut() {
                        b.release();
                    }
                }
                if self.current(r, gen, step) {
                    self.on_io_done(r)
                }
            }
            Ev::CallDeadline { r, gen, step } => {
                if self.current(r, gen, step) && !self.reqs[r as usize].answered {
                    self.on_call_deadline(r)
                }
            }
            Ev::Gate(p) => self.on_gate(p as usize),
            Ev::Blocking(p, gen) => {
                let p = p as usize;
                if self.procs[p].gen == gen {
                    self.procs[p].pool.coop_pending = false;
                    if self.procs[p].pool.blocking_injection(self.procs[p].work.len()).is_some() {
                        self.inject(p, Injection::Blocking);
                    }
                    self.check_blocking(p);
                }
            }
            Ev::ProbeSend(g, m) => self.on_probe_send(g as usize, m as usize),
            Ev::ProbeTimeout(g, m, no) => {
                let now = self.now;
                if let Some(lb) = self.groups[g as usize].lb.as_mut() {
                    lb.resolve(m as usize, no, false, now);
                }
            }
            Ev::ProcUp(p, gen) => self.on_proc_up(p as usize, gen),
            Ev::ProcWarm(p, gen) => {
                let p = p as usize;
                if self.procs[p].gen == gen && matches!(self.procs[p].status, Status::Warming(_)) {
                    self.procs[p].status = Status::Running;
                }
            }
            Ev::Script(i) => self.on_script(i as usize),
        }
    }

    fn on_client_timeout(&mut self, r: u32, gen: u32) {
        let q = &mut self.reqs[r as usize];
        if q.gen == gen && q.live && !q.told {
            q.told = true;
            if self.cancel_abandoned && !q.started {
                q.cancelled = true;
            }
            let (sender, proc) = (q.sender, q.proc);
            if sender.client {
                self.totals.timed_out += 1;
            }
            if sender.owner != 0 {
                self.outbox.push(Signal::Outcome {
                    owner: sender.owner,
                    tag: sender.tag,
                    outcome: Outcome::TimedOut,
                    proc,
                });
            }
        }
    }

    /// Schedules the timeout of request `r`'s client, `after` from now, in the lane of that
    /// patience.
    fn schedule_client_timeout(&mut self, after: Dur, r: u32, gen: u32) {
        self.seq = self.seq.wrapping_add(1);
        let e = LaneEntry { at: self.now + after, ord: 1 << 32 | self.seq as u64, r, gen };
        match self.lanes.iter_mut().find(|l| l.after == after) {
            Some(lane) => lane.due.push_back(e),
            None => self.lanes.push(Lane { after, due: VecDeque::from([e]) }),
        }
    }

    #[inline]
    fn current(&self, r: u32, gen: u32, step: u16) -> bool {
        let q = &self.reqs[r as usize];
        q.gen == gen && q.live && q.at == step
    }

    #[inline]
    fn schedule_arrival(&mut self, s: usize) {
        self.source_next[s] = match self.sources[s].next_gap(&mut self.source_rng[s].0) {
            Some(gap) => self.now + Dur::from_secs(gap),
            None => SimTime::NEVER,
        };
    }

    fn on_arrival(&mut self, s: usize) {
        self.sources[s].issued += 1;
        self.schedule_arrival(s);
        let src = &self.sources[s];
        let (target, timeout, users, notify, sticky) =
            (src.target, src.timeout, src.users, src.notify, src.sticky_users);
        let rngs = &mut self.source_rng[s];
        let user = if users > 0 { rngs.1.index(users as usize) as u64 } else { 0 };
        let mut steps = std::mem::take(&mut self.scratch);
        self.sources[s].shape.draw(&mut rngs.2, &mut steps);
        let sender = Sender { owner: notify, tag: user, client: true };
        let home = (sticky && users > 0).then_some(user);
        self.send_steps(target, &steps, sender, timeout, home);
        self.scratch = steps;
    }

    /// Takes a request slot (reusing a free one and its step buffer) and copies `steps` in.
    fn alloc(&mut self, req: Request, steps: &[Step]) -> Option<u32> {
        if self.live >= self.max_requests {
            return None;
        }
        self.live += 1;
        Some(match self.free.pop() {
            Some(r) => {
                // Field by field into the old slot: its step buffer is reused, and nothing is
                // moved or dropped as a whole (every field is named, so none can be missed).
                let Request {
                    gen: _,
                    live,
                    kind,
                    sender,
                    told,
                    proc,
                    index,
                    arrival,
                    steps: _,
                    at,
                    answered,
                    call_started,
                    failed,
                    cpu,
                    started,
                    cancelled,
                } = req;
                let q = &mut self.reqs[r as usize];
                q.gen = q.gen.wrapping_add(1);
                q.steps.clear();
                q.steps.extend_from_slice(steps);
                (q.live, q.kind, q.sender, q.told, q.proc, q.index, q.arrival) =
                    (live, kind, sender, told, proc, index, arrival);
                (q.at, q.answered, q.call_started, q.failed, q.cpu, q.started, q.cancelled) =
                    (at, answered, call_started, failed, cpu, started, cancelled);
                r
            }
            None => {
                self.reqs.push(Request { steps: steps.to_vec(), ..req });
                (self.reqs.len() - 1) as u32
            }
        })
    }

    /// A request reaches process `p`: held by HTTP.sys if the process is down, else admitted.
    fn arrive(
        &mut self,
        p: usize,
        kind: Kind,
        steps: &[Step],
        sender: Sender,
        index: u64,
        timeout: Option<Dur>,
    ) {
        self.procs[p].arrivals += 1;
        let down = self.procs[p].is_down();
        if down && self.procs[p].held.len() >= self.procs[p].cfg.httpsys_limit as usize {
            return self.refuse_kind(kind, sender, p);
        }
        if !down && self.procs[p].requests_current >= self.procs[p].cfg.queue_limit {
            return self.refuse_kind(kind, sender, p);
        }
        let req = Request {
            gen: 0,
            live: true,
            kind,
            sender,
            told: false,
            proc: p as u16,
            index,
            arrival: self.now,
            steps: Vec::new(),
            at: 0,
            answered: false,
            call_started: SimTime::ZERO,
            failed: false,
            cpu: 0.0,
            started: false,
            cancelled: false,
        };
        let Some(r) = self.alloc(req, steps) else {
            return self.refuse_kind(kind, sender, p);
        };
        if sender.client {
            self.totals.in_flight += 1;
        }
        if let Some(t) = timeout {
            let gen = self.reqs[r as usize].gen;
            self.schedule_client_timeout(t, r, gen);
        }
        if down {
            self.procs[p].held.push_back(r);
        } else {
            self.admit(p, r);
        }
    }

    fn refuse_kind(&mut self, kind: Kind, sender: Sender, p: usize) {
        self.resolve_probe(kind, false);
        self.refuse(sender, Outcome::Rejected, p as u16);
    }

    /// If the request is a probe, its balancer hears now whether it passed.
    fn resolve_probe(&mut self, kind: Kind, passed: bool) {
        if let Kind::Probe { group, member, no } = kind {
            let now = self.now;
            if let Some(lb) = self.groups[group as usize].lb.as_mut() {
                lb.resolve(member as usize, no, passed, now);
            }
        }
    }

    /// ASP.NET admission of an allocated request (its queue-limit check is done).
    fn admit(&mut self, p: usize, r: u32) {
        let now = self.now;
        let pr = &mut self.procs[p];
        pr.add_in_system(now, 1);
        if pr.executing >= pr.max_executing {
            pr.native.push_back(r);
        } else {
            pr.executing += 1;
            self.submit(p, r << 1);
        }
    }

    fn on_proc_up(&mut self, p: usize, gen: u32) {
        if self.procs[p].gen != gen {
            return;
        }
        let warm = self.procs[p].cfg.warm;
        if warm > Dur::ZERO {
            self.procs[p].status = Status::Warming(self.now + warm);
            self.schedule(self.now + warm, Ev::ProcWarm(p as u16, gen));
        } else {
            self.procs[p].status = Status::Running;
        }
        while let Some(r) = self.procs[p].held.pop_front() {
            if !self.reqs[r as usize].live {
                continue;
            }
            if self.procs[p].requests_current >= self.procs[p].cfg.queue_limit {
                let q = &mut self.reqs[r as usize];
                q.live = false;
                let (kind, sender) = (q.kind, q.sender);
                self.free.push(r);
                self.live -= 1;
                if sender.client {
                    self.totals.in_flight -= 1;
                }
                self.refuse_kind(kind, sender, p);
            } else {
                self.admit(p, r);
            }
        }
    }

    /// Hands a work item (request start `r<<1`, continuation `r<<1|1`) to the pool.
    #[inline]
    fn submit(&mut self, p: usize, work: u32) {
        if self.procs[p].pool.try_take(self.now) {
            self.run_work(p, work);
        } else {
            if work & 1 == 1 {
                self.procs[p].continuations_queued += 1;
            }
            self.procs[p].work.push_back(work);
            self.check_blocking(p);
        }
    }

    /// A thread (already counted busy) starts a work item.
    #[inline]
    fn run_work(&mut self, p: usize, work: u32) {
        let r = work >> 1;
        if work & 1 == 1 {
            let q = &self.reqs[r as usize];
            let cpu = match q.steps[q.at as usize] {
                Step::Call { cont_cpu, .. } => cont_cpu,
                Step::Cpu(_) => 0.0,
            };
            self.burst(p, r, true, cpu);
        } else {
            let q = &mut self.reqs[r as usize];
            q.started = true;
            if q.cancelled {
                // Its client left while it waited: the server drops it without working on it.
                q.steps.clear();
                return self.advance(r);
            }
            let q = &self.reqs[r as usize];
            if q.sender.client {
                let wait = (self.now - q.arrival).secs();
                self.all_started += 1;
                self.all_wait_sum_s += wait;
                if q.index >= self.warmup {
                    self.stats.started += 1;
                    self.stats.wait_sum_s += wait;
                    if wait > 0.0 {
                        self.stats.waited += 1;
                    }
                }
            }
            self.advance(r);
        }
    }

    /// Runs request `r` from its current step on, until it waits or completes.
    fn advance(&mut self, r: u32) {
        loop {
            let q = &self.reqs[r as usize];
            let p = q.proc as usize;
            let Some(&step) = q.steps.get(q.at as usize) else {
                return self.complete(r);
            };
            match step {
                Step::Cpu(c) => return self.burst(p, r, false, c),
                Step::Call { dep, latency, timeout, bytes, .. } => {
                    let now = self.now;
                    let (done, release) = match dep {
                        None => (now + Dur::from_secs(latency), (NO_BREAKER, 0)),
                        Some(d) => {
                            let d = d as usize;
                            let h = self.procs[p].cfg.host as usize;
                            if let Some(b) = self.breakers[d][h].as_mut() {
                                if !b.try_acquire() {
                                    // Fails fast: the request errors and goes on without the call.
                                    let q = &mut self.reqs[r as usize];
                                    q.failed = true;
                                    q.at += 1;
                                    continue;
                                }
                            }
                            let done = match &mut self.deps[d] {
                                Dependency::Fifo(f) => f.call(now, &mut self.dep_rng[d]),
                                Dependency::Single(s) => {
                                    let answered = s.call(now, bytes);
                                    match &mut self.muxes[d] {
                                        Some(m) => m.read(p, answered, bytes),
                                        None => answered,
                                    }
                                }
                            };
                            let held = self.breakers[d][h].is_some();
                            (done, if held { (d as u16, h as u16) } else { (NO_BREAKER, 0) })
                        }
                    };
                    let q = &mut self.reqs[r as usize];
                    q.answered = false;
                    q.call_started = now;
                    let (gen, at) = (q.gen, q.at);
                    self.procs[p].pool.set_blocked(true);
                    let (dep, host) = release;
                    if done != SimTime::NEVER {
                        self.schedule(done, Ev::IoDone { r, gen, step: at, dep, host });
                    }
                    if let Some(t) = timeout {
                        if done > now + t {
                            self.schedule(now + t, Ev::CallDeadline { r, gen, step: at });
                        }
                    }
                    self.check_blocking(p);
                    return;
                }
            }
        }
    }

    fn burst(&mut self, p: usize, r: u32, cont: bool, work_s: f64) {
        if work_s <= 0.0 {
            return self.burst_done(r, cont);
        }
        let h = self.procs[p].cfg.host as usize;
        let work = work_s / self.procs[p].speed();
        self.reqs[r as usize].cpu += work_s;
        let part = self.procs[p].cpu_part;
        if self.hosts[h].cpu.start(part, self.now, work, tag(r, cont)) {
            self.resched_cpu(h);
        }
    }

    #[inline]
    fn resched_cpu(&mut self, h: usize) {
        let host = &mut self.hosts[h];
        let (old, new) = (host.next, host.cpu.next_completion().unwrap_or(SimTime::NEVER));
        host.next = new;
        if h == self.cpu_host {
            if new <= old {
                self.cpu_next = new;
            } else {
                self.rescan_cpu();
            }
        } else if new < self.cpu_next || (new == self.cpu_next && h < self.cpu_host) {
            (self.cpu_next, self.cpu_host) = (new, h);
        }
    }

    /// Finds the earliest next CPU completion over the hosts (the first host among ties).
    fn rescan_cpu(&mut self) {
        (self.cpu_next, self.cpu_host) = (SimTime::NEVER, 0);
        for (h, host) in self.hosts.iter().enumerate() {
            if host.next < self.cpu_next {
                (self.cpu_next, self.cpu_host) = (host.next, h);
            }
        }
    }

    fn on_cpu_done(&mut self, h: usize) {
        self.hosts[h].cpu.advance(self.now);
        while let Some(t) = self.hosts[h].cpu.pop_done() {
            self.burst_done(t >> 1, t & 1 == 1);
        }
        self.resched_cpu(h);
    }

    fn burst_done(&mut self, r: u32, cont: bool) {
        if cont {
            // The continuation's thread is free; the blocked thread resumes.
            let p = self.reqs[r as usize].proc as usize;
            self.thread_free(p);
            self.resume(r);
        } else {
            self.reqs[r as usize].at += 1;
            self.advance(r);
        }
    }

    fn on_io_done(&mut self, r: u32) {
        let q = &mut self.reqs[r as usize];
        q.answered = true;
        let p = q.proc as usize;
        match q.steps[q.at as usize] {
            Step::Call { sync: true, .. } => {
                let w = r << 1 | 1;
                self.submit(p, w)
            }
            _ => self.resume(r),
        }
    }

    /// The thread blocked on the current call resumes; the call failed if it took longer than
    /// its timeout.
    fn resume(&mut self, r: u32) {
        let now = self.now;
        let q = &self.reqs[r as usize];
        let late = match q.steps[q.at as usize] {
            Step::Call { timeout: Some(t), .. } => now.since(q.call_started) > t,
            _ => false,
        };
        self.end_call(r, late);
    }

    fn on_call_deadline(&mut self, r: u32) {
        self.end_call(r, true);
    }

    /// The current call of request `r` ends (failed by its timeout if `timed_out`): its thread
    /// unblocks and the request goes on with the next step.
    fn end_call(&mut self, r: u32, timed_out: bool) {
        let q = &mut self.reqs[r as usize];
        let p = q.proc as usize;
        if timed_out {
            q.failed = true;
            if let Step::Call { counter, .. } = q.steps[q.at as usize] {
                self.call_timeouts[counter as usize] += 1;
            }
        }
        self.procs[p].pool.set_blocked(false);
        self.reqs[r as usize].at += 1;
        self.advance(r);
    }

    fn complete(&mut self, r: u32) {
        let now = self.now;
        let q = &mut self.reqs[r as usize];
        q.live = false;
        let (p, kind, index, sender, told, failed) =
            (q.proc as usize, q.kind, q.index, q.sender, q.told, q.failed);
        let response = (now - q.arrival).secs();
        let demand = q.cpu;
        self.free.push(r);
        self.live -= 1;
        let pr = &mut self.procs[p];
        pr.add_in_system(now, -1);
        pr.executing -= 1;
        pr.completed += 1;
        pr.response_sum_s += response;
        pr.cpu_demand_s += demand;
        match kind {
            Kind::Normal => {
                if sender.client {
                    self.totals.completed += 1;
                    self.totals.in_flight -= 1;
                    let h = self.procs[p].cfg.host as usize;
                    self.hosts[h].completions += 1;
                    if index >= self.warmup {
                        self.stats.completed += 1;
                        self.stats.response_sum_s += response;
                    }
                }
                if sender.owner != 0 && !told {
                    self.outbox.push(Signal::Outcome {
                        owner: sender.owner,
                        tag: sender.tag,
                        outcome: Outcome::Done { latency_s: response, failed },
                        proc: p as u16,
                    });
                }
            }
            Kind::Probe { .. } => self.resolve_probe(kind, !failed),
        }
        let pr = &mut self.procs[p];
        if pr.executing < pr.max_executing {
            if let Some(next) = pr.native.pop_front() {
                pr.executing += 1;
                self.submit(p, next << 1);
            }
        }
        self.thread_free(p);
    }

    /// A thread finished its work item: it takes the next queued item or goes idle.
    #[inline]
    fn thread_free(&mut self, p: usize) {
        let pr = &mut self.procs[p];
        let next = pr.work.pop_front();
        if pr.pool.finish(self.now, next.is_some()) {
            let w = next.expect("finish(true) only with a next item");
            if w & 1 == 1 {
                pr.continuations_queued -= 1;
            }
            self.run_work(p, w);
        }
    }

    fn inject(&mut self, p: usize, why: Injection) {
        let Some(w) = self.procs[p].work.pop_front() else {
            return;
        };
        if w & 1 == 1 {
            self.procs[p].continuations_queued -= 1;
        }
        self.procs[p].pool.inject(self.now, why);
        self.sync_starved_threads(self.procs[p].cfg.host as usize);
        self.run_work(p, w);
    }

    fn check_blocking(&mut self, p: usize) {
        if !self.procs[p].pool.cfg.net6 {
            return;
        }
        loop {
            let queued = self.procs[p].work.len();
            match self.procs[p].pool.blocking_injection(queued) {
                Some(d) if d == Dur::ZERO => self.inject(p, Injection::Blocking),
                Some(d) => {
                    if !self.procs[p].pool.coop_pending {
                        self.procs[p].pool.coop_pending = true;
                        let gen = self.procs[p].gen;
                        self.schedule(self.now + d, Ev::Blocking(p as u16, gen));
                    }
                    return;
                }
                None => return,
            }
        }
    }

    fn on_gate(&mut self, p: usize) {
        let h = self.procs[p].cfg.host as usize;
        let host = &mut self.hosts[h];
        host.cpu.advance(self.now);
        let busy = host.cpu.busy_core_s();
        let cores = host.cpu.cores();
        let pr = &mut self.procs[p];
        let gate = pr.pool.cfg.gate;
        let cpu = (busy - pr.gate_busy) / (gate.secs() * cores);
        pr.gate_busy = busy;
        if !pr.is_down() {
            let add = pr.pool.gate_tick(self.now, pr.work.len(), cpu);
            for _ in 0..add {
                self.inject(p, Injection::Starvation);
            }
            // The tick also retires idle threads.
            self.sync_starved_threads(h);
        }
        self.schedule(self.now + gate, Ev::Gate(p as u16));
    }

    fn on_probe_send(&mut self, g: usize, m: usize) {
        let now = self.now;
        let h = self.groups[g].members[m] as usize;
        let lb = self.groups[g].lb.as_mut().expect("probe without balancer");
        let (interval, timeout, bypass, cpu_s, any) =
            (lb.cfg.interval, lb.cfg.timeout, lb.cfg.bypass, lb.cfg.cpu_s, lb.cfg.any_process);
        // The timeout of this probe is scheduled before the next send, and probe timeouts go
        // first at an instant, so with timeout = interval the timeout is counted before the
        // next probe goes out.
        let no = lb.send(m, now);
        self.schedule(now + timeout, Ev::ProbeTimeout(g as u16, m as u16, no));
        self.schedule(now + interval, Ev::ProbeSend(g as u16, m as u16));
        let host = &self.hosts[h];
        if !host.enabled || host.health_off {
            self.groups[g].lb.as_mut().expect("checked").resolve(m, no, false, now);
            return;
        }
        if bypass {
            // Answered by a listener outside ASP.NET: it passes while any process is up.
            let up = host.procs.iter().any(|&p| !self.procs[p as usize].is_down());
            self.groups[g].lb.as_mut().expect("checked").resolve(m, no, up, now);
            return;
        }
        let n = self.hosts[h].procs.len();
        let i = if any && n > 1 { self.rng_probe.index(n) } else { 0 };
        let p = self.hosts[h].procs[i] as usize;
        let mut steps = std::mem::take(&mut self.scratch);
        steps.clear();
        steps.push(Step::Cpu(cpu_s));
        let kind = Kind::Probe { group: g as u16, member: m as u16, no };
        let sender = Sender { owner: 0, tag: 0, client: false };
        self.arrive(p, kind, &steps, sender, u64::MAX, None);
        self.scratch = steps;
    }

    fn on_script(&mut self, i: usize) {
        match self.script[i].1 {
            Action::SetSpeed { host, speed } => self.set_speed(host as usize, speed),
            Action::SetRate { source, rate } => self.set_rate(source as usize, rate),
        }
    }
}
