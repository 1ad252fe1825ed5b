//! The engine: one world of hosts, worker processes, a load balancer and open-loop clients,
//! driven by a discrete-event queue in simulated time.
//!
//! ```text
//!  clients ──► load balancer ──► host h: ┌ worker process (ASP.NET admission, queue limit → 503)
//!  (Poisson)   (probes every     (CPU,   │   └ CLR thread pool: FIFO of work items (request starts
//!               interval; out    shared) │      and I/O continuations), MinWorker, 500 ms gate
//!               after k fails)           └ … more processes share the host's cores
//! ```
//!
//! A request: admission → queued work item → a pool thread runs `cpu_before` on the host's
//! processor-sharing CPU → outbound call (the thread blocks) → maybe a continuation that needs a
//! second pool thread → `cpu_after` → response. Probes are requests too, unless they bypass.
//!
//! A run is determined by its configuration and seed: every random draw comes from a named
//! stream (see [`crate::rng`]) and time is integer nanoseconds.
//!
//! The two most frequent kinds of event, each source's next arrival and each host's next CPU
//! completion, are not kept in the event heap: there is only ever one of each per source or
//! host, so the loop keeps them as plain times and takes the earliest of (heap top, hosts,
//! sources). That halves the heap traffic and leaves no stale completions to skip when
//! processor sharing reschedules. Ties at one instant go: heap events (in the order they were
//! scheduled), then hosts by index, then sources by index.

use crate::clients::{Dist, OpenLoopSource, RequestShape, Target};
use crate::cpu::ProcessorSharing;
use crate::load_balancer::{LoadBalancer, ProbeConfig};
use crate::rng::{Stream, StreamId};
use crate::series::{Column, Series};
use crate::thread_pool::{Injection, PoolConfig, ThreadPool};
use crate::time::{Dur, SimTime};
use serde::{Deserialize, Serialize};
use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, VecDeque};

/// Something that happens at an instant.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
enum Ev {
    /// An outbound call of request `.0` (generation `.1`) returns.
    IoDone(u32, u32),
    /// The gate thread of process `.0` wakes.
    Gate(u16),
    /// A delayed .NET 6 blocking injection for process `.0`.
    Blocking(u16),
    /// The load balancer probes host `.0`.
    ProbeSend(u16),
    /// Probe `.1` of host `.0` times out.
    ProbeTimeout(u16, u32),
    /// The client of request `.0` (generation `.1`) gives up.
    ClientTimeout(u32, u32),
    /// Take a sample.
    Sample,
    /// Run scripted action `.0`.
    Script(u32),
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Entry {
    at: SimTime,
    ev: Ev,
    /// Tie-break among events at the same instant: the order they were scheduled in. It only
    /// matters between events at one instant, so wrapping after 2³² events is harmless; u32
    /// keeps an entry at 24 bytes, which the heap moves around a lot.
    seq: u32,
}
impl PartialEq for Entry {
    fn eq(&self, o: &Self) -> bool {
        (self.at, self.seq) == (o.at, o.seq)
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Entry {
    fn cmp(&self, o: &Self) -> Ordering {
        (self.at, self.seq).cmp(&(o.at, o.seq))
    }
}

/// A scripted change at a given time (a scenario's timeline).
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

/// What a sampled column measures.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Metric {
    /// Requests of process p waiting for a thread (CLR queue of starts plus ASP.NET's native queue).
    Queue(u16),
    /// Continuations of process p waiting for a thread.
    Continuations(u16),
    /// Threads of process p that hold a work item.
    Busy(u16),
    /// Threads of process p that exist.
    Threads(u16),
    /// Threads of process p blocked on outbound calls.
    Blocked(u16),
    /// ASP.NET "Requests Current" of process p (queued plus executing).
    InSystem(u16),
    /// Threads injected above MinWorker in process p, cumulative.
    Injected(u16),
    /// CPU utilisation of host h over the last sample interval [%].
    CpuPct(u16),
    /// Mean wait for a thread of the requests started so far [s].
    MeanWait,
    /// Hosts in load-balancer rotation.
    InRotation,
    /// 1 if host h is in rotation.
    HostIn(u16),
    /// Latency of host h's last probe [s] (the timeout if it timed out).
    ProbeLatency(u16),
    /// Mean queue of the processes on hosts other than h.
    OthersQueue(u16),
    /// Client arrivals per second over the last sample interval.
    ArrivalRate,
    /// Completions per second over the last sample interval.
    CompletionRate,
    /// Rejections (503 or no host) per second over the last sample interval.
    RejectRate,
}

/// How a world is laid out; built by a scenario.
#[derive(Clone, Debug)]
pub struct WorldConfig {
    /// Cores per host, one entry per host.
    pub host_cores: Vec<u32>,
    /// Thrash overhead κ of every host's CPU.
    pub kappa: f64,
    /// Processes: (host, pool settings, ASP.NET requestQueueLimit, executing cap or None).
    pub processes: Vec<ProcessConfig>,
    /// Health probes, if there is a load balancer.
    pub balancer: Option<ProbeConfig>,
    /// Client sources.
    pub sources: Vec<OpenLoopSource>,
    /// Timeline of scripted actions, in any order.
    pub script: Vec<(SimTime, Action)>,
    /// Sampled columns; `None` disables sampling.
    pub sampling: Option<(Dur, Vec<(Column, Metric)>)>,
    /// End of the run.
    pub end: SimTime,
    /// Requests with an arrival index below this are warm-up and left out of the wait statistics.
    pub warmup: u64,
}

/// One worker process's settings.
#[derive(Clone, Debug)]
pub struct ProcessConfig {
    /// The host it runs on.
    pub host: u16,
    /// Its thread pool.
    pub pool: PoolConfig,
    /// ASP.NET requestQueueLimit: queued plus executing requests before 503s.
    pub queue_limit: u32,
    /// Cap on requests handed to the pool at once ("MaxRequest threads"); the rest wait in
    /// ASP.NET's native queue without a thread.
    pub max_executing: Option<u32>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Host {
    cpu: ProcessorSharing,
    procs: Vec<u16>,
    /// When the next burst completes ([`SimTime::NEVER`] if idle).
    next: SimTime,
    sample_busy: f64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Process {
    host: u16,
    queue_limit: u32,
    max_executing: u32,
    requests_current: u32,
    executing: u32,
    native: VecDeque<u32>,
    work: VecDeque<u32>,
    continuations_queued: u32,
    pool: ThreadPool,
    gate_busy: f64,
    area: f64,
    area_at: SimTime,
    completed: u64,
    response_sum_s: f64,
    cpu_demand_s: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
enum Kind {
    Normal,
    Probe { host: u16, no: u32 },
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Request {
    gen: u32,
    live: bool,
    kind: Kind,
    proc: u16,
    index: u64,
    arrival: SimTime,
    cpu_before: f64,
    io: f64,
    sync: bool,
    cpu_cont: f64,
    cpu_after: f64,
}

/// Counts over the whole run (client requests only; probes are not counted).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Requests the clients sent.
    pub arrived: u64,
    /// Requests answered (including ones the client had given up on).
    pub completed: u64,
    /// Requests refused: 503 at admission, or no host in rotation.
    pub rejected: u64,
    /// Requests admitted and not yet answered.
    pub in_flight: u64,
    /// Requests whose client gave up waiting.
    pub timed_out: u64,
}

/// Wait statistics of the requests past the warm-up.
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

/// Where the next event is.
#[derive(Clone, Copy, Debug)]
enum Next {
    Heap,
    Cpu(usize),
    Arrival(usize),
}

const PHASE_BEFORE: u32 = 0;
const PHASE_CONT: u32 = 1;
const PHASE_AFTER: u32 = 2;

/// A running simulation. Cloning it forks the run: both copies continue identically until one
/// of them is changed.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Simulation {
    now: SimTime,
    end: SimTime,
    seq: u32,
    events: BinaryHeap<Reverse<Entry>>,
    hosts: Vec<Host>,
    procs: Vec<Process>,
    lb: Option<LoadBalancer>,
    sources: Vec<OpenLoopSource>,
    /// Each source's next arrival ([`SimTime::NEVER`] when done or paused).
    source_next: Vec<SimTime>,
    reqs: Vec<Request>,
    free: Vec<u32>,
    rng_arrivals: Stream,
    rng_service: Stream,
    rng_routing: Stream,
    script: Vec<(SimTime, Action)>,
    sample_every: Dur,
    metrics: Vec<Metric>,
    series: Series,
    totals: Totals,
    sample_totals: Totals,
    sample_at: SimTime,
    warmup: u64,
    stats: WaitStats,
    all_started: u64,
    all_wait_sum_s: f64,
}

impl Simulation {
    /// Builds a world from its configuration and seed.
    pub fn new(cfg: WorldConfig, seed: u64) -> Simulation {
        let mut hosts: Vec<Host> = cfg
            .host_cores
            .iter()
            .map(|&c| Host {
                cpu: ProcessorSharing::new(c, cfg.kappa),
                procs: vec![],
                next: SimTime::NEVER,
                sample_busy: 0.0,
            })
            .collect();
        let procs: Vec<Process> = cfg
            .processes
            .iter()
            .enumerate()
            .map(|(i, p)| {
                hosts[p.host as usize].procs.push(i as u16);
                Process {
                    host: p.host,
                    queue_limit: p.queue_limit,
                    max_executing: p.max_executing.unwrap_or(u32::MAX),
                    requests_current: 0,
                    executing: 0,
                    native: VecDeque::new(),
                    work: VecDeque::new(),
                    continuations_queued: 0,
                    pool: ThreadPool::new(p.pool.clone()),
                    gate_busy: 0.0,
                    area: 0.0,
                    area_at: SimTime::ZERO,
                    completed: 0,
                    response_sum_s: 0.0,
                    cpu_demand_s: 0.0,
                }
            })
            .collect();
        let (sample_every, columns) = cfg.sampling.unwrap_or((Dur::ZERO, vec![]));
        let (cols, metrics): (Vec<Column>, Vec<Metric>) = columns.into_iter().unzip();
        let n_hosts = hosts.len();
        let mut sim = Simulation {
            now: SimTime::ZERO,
            end: cfg.end,
            seq: 0,
            events: BinaryHeap::new(),
            hosts,
            procs,
            lb: cfg.balancer.map(|p| LoadBalancer::new(p, n_hosts)),
            source_next: vec![SimTime::NEVER; cfg.sources.len()],
            sources: cfg.sources,
            reqs: Vec::new(),
            free: Vec::new(),
            rng_arrivals: Stream::new(seed, StreamId::Arrivals),
            rng_service: Stream::new(seed, StreamId::Service),
            rng_routing: Stream::new(seed, StreamId::Routing),
            script: cfg.script,
            sample_every,
            metrics,
            series: Series::new(cols),
            totals: Totals::default(),
            sample_totals: Totals::default(),
            sample_at: SimTime::ZERO,
            warmup: cfg.warmup,
            stats: WaitStats::default(),
            all_started: 0,
            all_wait_sum_s: 0.0,
        };
        sim.script.sort_by_key(|(t, _)| *t);
        for i in 0..sim.script.len() {
            sim.schedule(sim.script[i].0, Ev::Script(i as u32));
        }
        for s in 0..sim.sources.len() {
            sim.schedule_arrival(s);
        }
        for p in 0..sim.procs.len() {
            if !sim.procs[p].pool.cfg.fixed {
                let gate = sim.procs[p].pool.cfg.gate;
                sim.schedule(SimTime::ZERO + gate, Ev::Gate(p as u16));
            }
        }
        if let Some(lb) = &sim.lb {
            let interval = lb.cfg.interval.secs();
            let mut probes = Stream::new(seed, StreamId::Probes);
            for h in 0..n_hosts {
                let phase = Dur::from_secs(probes.uniform() * interval);
                sim.schedule(SimTime::ZERO + phase, Ev::ProbeSend(h as u16));
            }
        }
        if sample_every > Dur::ZERO {
            sim.schedule(SimTime::ZERO, Ev::Sample);
        }
        sim
    }

    // ---- public driving API -------------------------------------------------------------

    /// Current simulated time [s].
    pub fn now_s(&self) -> f64 {
        self.now.secs()
    }

    /// End of the run [s].
    pub fn end_s(&self) -> f64 {
        self.end.secs()
    }

    /// Whether the run has reached its end or has nothing left to do.
    pub fn is_done(&self) -> bool {
        self.now >= self.end || self.next_at().0 == SimTime::NEVER
    }

    /// Advances simulated time to `t_s` (clamped to the end of the run).
    pub fn run_until(&mut self, t_s: f64) {
        let t = SimTime::from_secs(t_s).min(self.end);
        loop {
            let (at, next) = self.next_at();
            if at > t || at == SimTime::NEVER {
                break;
            }
            self.step(at, next);
        }
        self.now = self.now.max(t);
    }

    /// Runs to the end.
    pub fn run_to_end(&mut self) {
        while !self.step_events(u64::MAX) {}
    }

    /// Handles at most `max_events` events; returns true when the run is done. Lets a caller
    /// bound the work done per slice by events rather than by simulated time.
    pub fn step_events(&mut self, max_events: u64) -> bool {
        for _ in 0..max_events {
            let (at, next) = self.next_at();
            if at > self.end || at == SimTime::NEVER {
                if self.end != SimTime::NEVER {
                    self.now = self.now.max(self.end);
                }
                return true;
            }
            self.step(at, next);
        }
        self.is_done()
    }

    /// The samples so far.
    pub fn series(&self) -> &Series {
        &self.series
    }

    /// Whole-run counts.
    pub fn totals(&self) -> Totals {
        self.totals
    }

    /// Wait statistics past the warm-up.
    pub fn wait_stats(&self) -> WaitStats {
        self.stats
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

    /// Client requests admitted and not yet answered, counted from the request table itself
    /// (for checking conservation against [`Totals`]).
    pub fn live_client_requests(&self) -> u64 {
        self.reqs.iter().filter(|r| r.live && r.kind == Kind::Normal).count() as u64
    }

    /// Threads that exist in process `p`.
    pub fn threads(&self, p: usize) -> u32 {
        self.procs[p].pool.existing()
    }

    /// Requests of process `p` waiting for a thread.
    pub fn queued(&self, p: usize) -> usize {
        self.procs[p].work.len() + self.procs[p].native.len()
    }

    /// Whether host `h` is in load-balancer rotation (true without a balancer).
    pub fn host_in_rotation(&self, h: usize) -> bool {
        self.lb.as_ref().is_none_or(|lb| lb.hosts[h].in_rotation)
    }

    // ---- event loop ---------------------------------------------------------------------

    #[inline]
    fn schedule(&mut self, at: SimTime, ev: Ev) {
        self.seq = self.seq.wrapping_add(1);
        self.events.push(Reverse(Entry { at, seq: self.seq, ev }));
    }

    /// The earliest pending event: its time and where it is.
    #[inline]
    fn next_at(&self) -> (SimTime, Next) {
        let mut at = self.events.peek().map_or(SimTime::NEVER, |Reverse(e)| e.at);
        let mut next = Next::Heap;
        for (h, host) in self.hosts.iter().enumerate() {
            if host.next < at {
                (at, next) = (host.next, Next::Cpu(h));
            }
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
            Next::Heap => match self.events.pop() {
                Some(Reverse(e)) => e.ev,
                None => return,
            },
        };
        match ev {
            Ev::IoDone(r, gen) => {
                if self.reqs[r as usize].gen == gen && self.reqs[r as usize].live {
                    self.on_io_done(r)
                }
            }
            Ev::Gate(p) => self.on_gate(p as usize),
            Ev::Blocking(p) => {
                self.procs[p as usize].pool.coop_pending = false;
                if self.procs[p as usize].pool.blocking_injection(self.procs[p as usize].work.len()).is_some()
                {
                    self.inject(p as usize, Injection::Blocking);
                }
                self.check_blocking(p as usize);
            }
            Ev::ProbeSend(h) => self.on_probe_send(h as usize),
            Ev::ProbeTimeout(h, no) => {
                let lb = self.lb.as_mut().expect("probe without balancer");
                if lb.hosts[h as usize].outstanding == Some(no) {
                    let t = lb.cfg.timeout.secs();
                    lb.record(h as usize, false, t);
                }
            }
            Ev::ClientTimeout(r, gen) => {
                if self.reqs[r as usize].gen == gen && self.reqs[r as usize].live {
                    self.totals.timed_out += 1;
                }
            }
            Ev::Sample => self.on_sample(),
            Ev::Script(i) => self.on_script(i as usize),
        }
    }

    #[inline]
    fn schedule_arrival(&mut self, s: usize) {
        self.source_next[s] = match self.sources[s].next_gap(&mut self.rng_arrivals) {
            Some(gap) => self.now + Dur::from_secs(gap),
            None => SimTime::NEVER,
        };
    }

    fn on_arrival(&mut self, s: usize) {
        self.sources[s].issued += 1;
        self.schedule_arrival(s);
        self.totals.arrived += 1;
        let index = self.totals.arrived - 1;
        let shape = self.sources[s].shape.clone();
        let proc = match self.sources[s].target {
            Target::Process(p) => p,
            Target::Balancer => {
                let lb = self.lb.as_ref().expect("balancer target without balancer");
                let n = lb.in_rotation();
                if n == 0 {
                    self.totals.rejected += 1;
                    return;
                }
                let h = lb.nth_in_rotation(self.rng_routing.index(n)).expect("k < n");
                let procs = &self.hosts[h].procs;
                procs[self.rng_routing.index(procs.len())]
            }
        };
        let timeout = self.sources[s].timeout;
        if let Some(r) = self.admit(proc as usize, Kind::Normal, &shape, index) {
            if let Some(t) = timeout {
                let gen = self.reqs[r as usize].gen;
                self.schedule(self.now + t, Ev::ClientTimeout(r, gen));
            }
        }
    }

    /// ASP.NET admission: a 503 over the queue limit, else queued for a thread.
    fn admit(&mut self, p: usize, kind: Kind, shape: &RequestShape, index: u64) -> Option<u32> {
        // Draw the whole shape first, always the same number of draws per request.
        let rng = &mut self.rng_service;
        let cpu_before = shape.cpu_before.sample(rng);
        let io = shape.io.sample(rng);
        let sync = rng.chance(shape.p_sync);
        let cpu_cont = shape.cpu_continuation.sample(rng);
        // A continuation only exists for a call whose completion needs a pool thread.
        let cpu_cont = if sync && io > 0.0 { cpu_cont } else { 0.0 };
        let cpu_after = shape.cpu_after.sample(rng);
        let pr = &mut self.procs[p];
        if pr.requests_current >= pr.queue_limit {
            if kind == Kind::Normal {
                self.totals.rejected += 1;
            }
            return None;
        }
        let now = self.now;
        pr.add_in_system(now, 1);
        let req = Request {
            gen: 0,
            live: true,
            kind,
            proc: p as u16,
            index,
            arrival: now,
            cpu_before,
            io,
            sync,
            cpu_cont,
            cpu_after,
        };
        let r = match self.free.pop() {
            Some(r) => {
                let gen = self.reqs[r as usize].gen.wrapping_add(1);
                self.reqs[r as usize] = Request { gen, ..req };
                r
            }
            None => {
                self.reqs.push(req);
                (self.reqs.len() - 1) as u32
            }
        };
        if kind == Kind::Normal {
            self.totals.in_flight += 1;
        }
        let pr = &mut self.procs[p];
        if pr.executing >= pr.max_executing {
            pr.native.push_back(r);
        } else {
            pr.executing += 1;
            self.submit(p, r << 1);
        }
        Some(r)
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
        let req = &self.reqs[r as usize];
        if work & 1 == 1 {
            let cpu = req.cpu_cont;
            self.burst(p, r, PHASE_CONT, cpu);
        } else {
            let wait = (self.now - req.arrival).secs();
            let (cpu, index, normal) = (req.cpu_before, req.index, req.kind == Kind::Normal);
            if normal {
                self.all_started += 1;
                self.all_wait_sum_s += wait;
                if index >= self.warmup {
                    self.stats.started += 1;
                    self.stats.wait_sum_s += wait;
                    if wait > 0.0 {
                        self.stats.waited += 1;
                    }
                }
            }
            self.burst(p, r, PHASE_BEFORE, cpu);
        }
    }

    fn burst(&mut self, p: usize, r: u32, phase: u32, work_s: f64) {
        if work_s <= 0.0 {
            self.burst_done(r, phase);
            return;
        }
        let h = self.procs[p].host as usize;
        if self.hosts[h].cpu.start(self.now, work_s, r << 2 | phase) {
            self.resched_cpu(h);
        }
    }

    #[inline]
    fn resched_cpu(&mut self, h: usize) {
        let host = &mut self.hosts[h];
        host.next = host.cpu.next_completion().unwrap_or(SimTime::NEVER);
    }

    fn on_cpu_done(&mut self, h: usize) {
        self.hosts[h].cpu.advance(self.now);
        while let Some(tag) = self.hosts[h].cpu.pop_done() {
            self.burst_done(tag >> 2, tag & 3);
        }
        self.resched_cpu(h);
    }

    fn burst_done(&mut self, r: u32, phase: u32) {
        let req = &self.reqs[r as usize];
        let p = req.proc as usize;
        match phase {
            PHASE_BEFORE => {
                if req.io > 0.0 {
                    let (gen, io) = (req.gen, req.io);
                    self.procs[p].pool.set_blocked(true);
                    if io.is_finite() {
                        self.schedule(self.now + Dur::from_secs(io), Ev::IoDone(r, gen));
                    }
                    self.check_blocking(p);
                } else {
                    let cpu = req.cpu_after;
                    self.burst(p, r, PHASE_AFTER, cpu);
                }
            }
            PHASE_CONT => {
                // The continuation's thread is free; the blocked thread resumes.
                self.thread_free(p);
                self.procs[p].pool.set_blocked(false);
                let cpu = self.reqs[r as usize].cpu_after;
                self.burst(p, r, PHASE_AFTER, cpu);
            }
            _ => self.complete(r),
        }
    }

    fn on_io_done(&mut self, r: u32) {
        let req = &self.reqs[r as usize];
        let p = req.proc as usize;
        if req.sync {
            self.submit(p, r << 1 | 1);
        } else {
            let cpu = req.cpu_after;
            self.procs[p].pool.set_blocked(false);
            self.burst(p, r, PHASE_AFTER, cpu);
        }
    }

    fn complete(&mut self, r: u32) {
        let now = self.now;
        let req = &mut self.reqs[r as usize];
        req.live = false;
        let (p, kind, index) = (req.proc as usize, req.kind, req.index);
        let response = (now - req.arrival).secs();
        let demand = req.cpu_before + req.cpu_cont + req.cpu_after;
        self.free.push(r);
        let pr = &mut self.procs[p];
        pr.add_in_system(now, -1);
        pr.executing -= 1;
        pr.completed += 1;
        pr.response_sum_s += response;
        pr.cpu_demand_s += demand;
        match kind {
            Kind::Normal => {
                self.totals.completed += 1;
                self.totals.in_flight -= 1;
                if index >= self.warmup {
                    self.stats.completed += 1;
                    self.stats.response_sum_s += response;
                }
            }
            Kind::Probe { host, no } => {
                if let Some(lb) = self.lb.as_mut() {
                    if lb.hosts[host as usize].outstanding == Some(no) {
                        lb.record(host as usize, true, response);
                    }
                }
            }
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
                        self.schedule(self.now + d, Ev::Blocking(p as u16));
                    }
                    return;
                }
                None => return,
            }
        }
    }

    fn on_gate(&mut self, p: usize) {
        let h = self.procs[p].host as usize;
        let host = &mut self.hosts[h];
        host.cpu.advance(self.now);
        let busy = host.cpu.busy_core_s();
        let cores = host.cpu.cores();
        let pr = &mut self.procs[p];
        let gate = pr.pool.cfg.gate;
        let cpu = (busy - pr.gate_busy) / (gate.secs() * cores);
        pr.gate_busy = busy;
        let add = pr.pool.gate_tick(self.now, pr.work.len(), cpu);
        for _ in 0..add {
            self.inject(p, Injection::Starvation);
        }
        self.schedule(self.now + gate, Ev::Gate(p as u16));
    }

    fn on_probe_send(&mut self, h: usize) {
        let lb = self.lb.as_mut().expect("probe without balancer");
        let (interval, timeout, bypass, cpu_s) =
            (lb.cfg.interval, lb.cfg.timeout, lb.cfg.bypass, lb.cfg.cpu_s);
        self.schedule(self.now + interval, Ev::ProbeSend(h as u16));
        let lb = self.lb.as_mut().expect("checked");
        lb.hosts[h].probes_sent += 1;
        let no = lb.hosts[h].probes_sent;
        if bypass {
            lb.record(h, true, 0.0);
            return;
        }
        lb.hosts[h].outstanding = Some(no);
        self.schedule(self.now + timeout, Ev::ProbeTimeout(h as u16, no));
        let p = self.hosts[h].procs[0] as usize;
        let shape = RequestShape::cpu_only(Dist::Const(cpu_s));
        if self.admit(p, Kind::Probe { host: h as u16, no }, &shape, 0).is_none() {
            // A 503 fails at once; charted at the timeout, like any failed probe.
            self.lb.as_mut().expect("checked").record(h, false, timeout.secs());
        }
    }

    fn on_script(&mut self, i: usize) {
        match self.script[i].1 {
            Action::SetSpeed { host, speed } => {
                let h = host as usize;
                self.hosts[h].cpu.set_speed(self.now, speed);
                self.resched_cpu(h);
            }
            Action::SetRate { source, rate } => {
                let s = source as usize;
                self.sources[s].rate = rate;
                self.schedule_arrival(s); // memoryless: a fresh gap from now
            }
        }
    }

    fn on_sample(&mut self) {
        let dt = (self.now - self.sample_at).secs();
        for h in 0..self.hosts.len() {
            self.hosts[h].cpu.advance(self.now);
        }
        let mut row = Vec::with_capacity(self.metrics.len() + 1);
        row.push(self.now.secs());
        for m in &self.metrics {
            row.push(self.metric(*m, dt));
        }
        self.series.push(&row);
        for h in &mut self.hosts {
            h.sample_busy = h.cpu.busy_core_s();
        }
        self.sample_totals = self.totals;
        self.sample_at = self.now;
        let next = self.now + self.sample_every;
        if next <= self.end {
            self.schedule(next, Ev::Sample);
        }
    }

    fn metric(&self, m: Metric, dt: f64) -> f64 {
        let per_s = |now: u64, then: u64| if dt > 0.0 { (now - then) as f64 / dt } else { 0.0 };
        match m {
            Metric::Queue(p) => {
                let pr = &self.procs[p as usize];
                (pr.work.len() - pr.continuations_queued as usize + pr.native.len()) as f64
            }
            Metric::Continuations(p) => self.procs[p as usize].continuations_queued as f64,
            Metric::Busy(p) => self.procs[p as usize].pool.busy() as f64,
            Metric::Threads(p) => self.procs[p as usize].pool.existing() as f64,
            Metric::Blocked(p) => self.procs[p as usize].pool.blocked() as f64,
            Metric::InSystem(p) => self.procs[p as usize].requests_current as f64,
            Metric::Injected(p) => self.procs[p as usize].pool.injected as f64,
            Metric::CpuPct(h) => {
                let host = &self.hosts[h as usize];
                if dt > 0.0 {
                    100.0 * (host.cpu.busy_core_s() - host.sample_busy) / (dt * host.cpu.cores())
                } else {
                    0.0
                }
            }
            Metric::MeanWait => {
                if self.all_started > 0 {
                    self.all_wait_sum_s / self.all_started as f64
                } else {
                    0.0
                }
            }
            Metric::InRotation => self.lb.as_ref().map_or(self.hosts.len(), |lb| lb.in_rotation()) as f64,
            Metric::HostIn(h) => self.host_in_rotation(h as usize) as u8 as f64,
            Metric::ProbeLatency(h) => self.lb.as_ref().map_or(0.0, |lb| lb.hosts[h as usize].last_probe_s),
            Metric::OthersQueue(h) => {
                let others: Vec<usize> = (0..self.procs.len()).filter(|&p| self.procs[p].host != h).collect();
                if others.is_empty() {
                    0.0
                } else {
                    others.iter().map(|&p| self.metric(Metric::Queue(p as u16), dt)).sum::<f64>()
                        / others.len() as f64
                }
            }
            Metric::ArrivalRate => per_s(self.totals.arrived, self.sample_totals.arrived),
            Metric::CompletionRate => per_s(self.totals.completed, self.sample_totals.completed),
            Metric::RejectRate => per_s(self.totals.rejected, self.sample_totals.rejected),
        }
    }
}

impl Process {
    #[inline]
    fn add_in_system(&mut self, now: SimTime, delta: i32) {
        self.area += self.requests_current as f64 * (now - self.area_at).secs();
        self.area_at = now;
        self.requests_current = (self.requests_current as i64 + delta as i64) as u32;
    }
}
