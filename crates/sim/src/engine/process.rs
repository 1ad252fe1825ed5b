//! A worker process (w3wp): its lifecycle, ASP.NET admission state and CLR thread pool.
//!
//! Lifecycle: `Running` → (crash or recycle) → `Down` for its restart time, while HTTP.sys holds
//! up to `httpsys_limit` arriving requests → `Warming` (bursts run at `warm_speed`) → `Running`.
//! A crash or recycle fails everything the process holds, empties its queues and gives it a
//! fresh thread pool; its generation number goes up, which invalidates every pending event of
//! the old process.

use crate::thread_pool::{PoolConfig, ThreadPool};
use crate::time::{Dur, SimTime};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// One worker process's settings.
#[derive(Clone, Debug, Serialize, Deserialize)]
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
    /// Requests HTTP.sys holds for the process while it is down (AppPoolQueueLength).
    pub httpsys_limit: u32,
    /// Time from a crash until the process serves again.
    pub restart: Dur,
    /// Warm-up after a restart.
    pub warm: Dur,
    /// CPU speed factor while warming (1 = full speed).
    pub warm_speed: f64,
}

impl ProcessConfig {
    /// A process on `host` with a pool and a queue limit, no cap, and the default lifecycle
    /// (1,000 held by HTTP.sys, 60 s restart, no warm-up).
    pub fn new(host: u16, pool: PoolConfig, queue_limit: u32) -> ProcessConfig {
        ProcessConfig {
            host,
            pool,
            queue_limit,
            max_executing: None,
            httpsys_limit: 1000,
            restart: Dur::from_millis(60_000),
            warm: Dur::ZERO,
            warm_speed: 1.0,
        }
    }
}

/// Where a process is in its lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    /// Serving at full speed.
    Running,
    /// Crashed or recycling; serves again at the given time.
    Down(SimTime),
    /// Serving, at reduced speed until the given time.
    Warming(SimTime),
}

/// Why a process went down.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DownCause {
    /// The crash bug.
    Crash,
    /// A recycle (operator, health agent).
    Recycle,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Process {
    pub cfg: ProcessConfig,
    pub gen: u32,
    pub status: Status,
    pub max_executing: u32,
    pub requests_current: u32,
    pub executing: u32,
    /// ASP.NET's native queue (requests beyond the executing cap), by request slot.
    pub native: VecDeque<u32>,
    /// The CLR queue: work items (slot << 1 | is_continuation).
    pub work: VecDeque<u32>,
    pub continuations_queued: u32,
    /// Requests held by HTTP.sys while the process is down.
    pub held: VecDeque<u32>,
    pub pool: ThreadPool,
    pub gate_busy: f64,
    pub area: f64,
    pub area_at: SimTime,
    pub completed: u64,
    pub response_sum_s: f64,
    pub cpu_demand_s: f64,
    /// Requests and probes that arrived at this process / completed, cumulative (for rates).
    pub arrivals: u64,
    pub downs: u64,
    /// Its partition of the host's CPU (0 unless the host's processes are pinned).
    pub cpu_part: usize,
}

impl Process {
    pub fn new(cfg: ProcessConfig) -> Process {
        Process {
            gen: 0,
            cpu_part: 0,
            status: Status::Running,
            max_executing: cfg.max_executing.unwrap_or(u32::MAX),
            requests_current: 0,
            executing: 0,
            native: VecDeque::new(),
            work: VecDeque::new(),
            continuations_queued: 0,
            held: VecDeque::new(),
            pool: ThreadPool::new(cfg.pool.clone()),
            gate_busy: 0.0,
            area: 0.0,
            area_at: SimTime::ZERO,
            completed: 0,
            response_sum_s: 0.0,
            cpu_demand_s: 0.0,
            arrivals: 0,
            downs: 0,
            cfg,
        }
    }

    #[inline]
    pub fn add_in_system(&mut self, now: SimTime, delta: i32) {
        self.area += self.requests_current as f64 * (now - self.area_at).secs();
        self.area_at = now;
        self.requests_current = (self.requests_current as i64 + delta as i64) as u32;
    }

    /// Empties every queue and restarts the pool (the requests themselves are failed by the engine).
    pub fn reset(&mut self, now: SimTime, until: SimTime) {
        self.add_in_system(now, -(self.requests_current as i32));
        self.executing = 0;
        self.native.clear();
        self.work.clear();
        self.continuations_queued = 0;
        self.pool = ThreadPool::new(self.cfg.pool.clone());
        self.gen = self.gen.wrapping_add(1);
        self.status = Status::Down(until);
        self.downs += 1;
    }

    pub fn is_down(&self) -> bool {
        matches!(self.status, Status::Down(_))
    }

    pub fn speed(&self) -> f64 {
        match self.status {
            Status::Warming(_) => self.cfg.warm_speed,
            _ => 1.0,
        }
    }
}
