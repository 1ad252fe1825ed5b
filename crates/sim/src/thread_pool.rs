//! A CLR-style worker thread pool (.NET Framework 4.x rules, with the .NET 6 variant as an option).
//!
//! * Up to `min` threads are created on demand, at once.
//! * Past that, the gate thread wakes every `gate` (500 ms). If work is queued and nothing has been
//!   dequeued for long enough, it adds one thread. "Long enough" is one gate period while the
//!   host's CPU is below 80 %, and `goal × 1 s` at or above 80 %, which all but stops injection on
//!   a busy CPU (dotnet/runtime `PortableThreadPool.GateThread.cs`, `CpuUtilizationLow = 80`).
//! * Hill climbing (simplified): once per gate period, when completions were seen in the last two
//!   periods and work is queued, the goal moves by one thread in the direction that raised
//!   throughput, never below `min`, never up while CPU ≥ 95 %, and never more than one thread
//!   ahead of the threads that exist.
//! * Whatever the rule, a gate tick adds at most one thread above `min`: at most 2 threads/s with
//!   the 500 ms gate, the rate the runtime's own tests state ("starvation adds threads at a rate
//!   of at most 2 per second"). Only the `.NET 6` variant below may go faster.
//! * Idle threads above `min` retire after 20 s.
//! * `.NET 6` cooperative blocking: while threads are blocked on sync-over-async waits and work is
//!   queued, the pool adds up to `cores` threads above `min` at once, then one more after a delay
//!   that grows by 25 ms for every `cores` threads, capped at 250 ms.
//!
//! The pool only counts threads; which request a thread is running lives in the worker process.

use crate::time::{Dur, SimTime};
use serde::{Deserialize, Serialize};

/// Settings of one pool.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PoolConfig {
    /// Threads created without throttling (MinWorker) [threads].
    pub min: u32,
    /// Hard maximum [threads].
    pub max: u32,
    /// Gate period [ns] (500 ms in .NET).
    pub gate: Dur,
    /// CPU utilisation below which the short starvation threshold applies (0.8).
    pub cpu_low: f64,
    /// CPU utilisation above which hill climbing does not add threads (0.95).
    pub cpu_high: f64,
    /// Simplified hill climbing on/off.
    pub hill_climbing: bool,
    /// .NET 6 cooperative-blocking injection on/off.
    pub net6: bool,
    /// Cores of the host, for the .NET 6 rule [cores].
    pub cores: u32,
    /// Idle time after which a thread above `min` retires.
    pub retire_after: Dur,
    /// A fixed pool of exactly `min` threads (M/M/c mode): no injection, no retirement.
    pub fixed: bool,
}

impl PoolConfig {
    /// .NET Framework defaults around a given MinWorker.
    pub fn clr(min: u32, cores: u32) -> PoolConfig {
        PoolConfig {
            min,
            max: 32_767,
            gate: Dur::from_millis(500),
            cpu_low: 0.80,
            cpu_high: 0.95,
            hill_climbing: true,
            net6: false,
            cores,
            retire_after: Dur::from_millis(20_000),
            fixed: false,
        }
    }

    /// Exactly `c` threads, always there.
    pub fn fixed(c: u32) -> PoolConfig {
        PoolConfig { max: c, fixed: true, hill_climbing: false, ..PoolConfig::clr(c, c) }
    }
}

/// Why a thread was added, for counting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Injection {
    /// Below MinWorker: created at once.
    Minimum,
    /// The gate's starvation rule.
    Starvation,
    /// Hill climbing raised the goal.
    HillClimbing,
    /// .NET 6 cooperative blocking.
    Blocking,
}

/// The state of one pool.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ThreadPool {
    /// Its settings.
    pub cfg: PoolConfig,
    existing: u32,
    busy: u32,
    blocked: u32,
    /// When each idle thread went idle, oldest first; the most recent (at the back) is reused
    /// first, the oldest retire first.
    idle_since: Vec<SimTime>,
    goal: u32,
    last_dequeue: SimTime,
    completions: u64,
    hc_last_completions: u64,
    hc_prev_tp: f64,
    hc_dir: i32,
    /// Threads added above MinWorker (starvation, hill climbing, blocking).
    pub injected: u64,
    /// Threads retired for idleness.
    pub retired: u64,
    /// Whether a delayed .NET 6 injection is scheduled.
    pub coop_pending: bool,
}

impl ThreadPool {
    /// A pool with no threads yet (a fixed pool starts with all of them idle).
    pub fn new(cfg: PoolConfig) -> ThreadPool {
        let existing = if cfg.fixed { cfg.min } else { 0 };
        ThreadPool {
            idle_since: (0..existing).map(|_| SimTime::ZERO).collect(),
            existing,
            busy: 0,
            blocked: 0,
            goal: cfg.min,
            last_dequeue: SimTime::ZERO,
            completions: 0,
            hc_last_completions: 0,
            hc_prev_tp: 0.0,
            hc_dir: 1,
            injected: 0,
            retired: 0,
            coop_pending: false,
            cfg,
        }
    }

    /// Threads that exist.
    pub fn existing(&self) -> u32 {
        self.existing
    }
    /// Threads holding a work item (running or blocked).
    pub fn busy(&self) -> u32 {
        self.busy
    }
    /// Busy threads that are blocked waiting for I/O or a continuation.
    pub fn blocked(&self) -> u32 {
        self.blocked
    }
    /// The thread-count goal.
    pub fn goal(&self) -> u32 {
        self.goal
    }

    /// Takes a thread for a new work item at `now`: an idle one, or a new one below MinWorker.
    /// Returns false when the item must wait in the queue.
    pub fn try_take(&mut self, now: SimTime) -> bool {
        if self.idle_since.pop().is_some() {
            self.busy += 1;
            self.last_dequeue = now;
            true
        } else if self.existing < self.cfg.min.min(self.cfg.max) {
            self.existing += 1;
            self.busy += 1;
            self.last_dequeue = now;
            true
        } else {
            false
        }
    }

    /// A busy thread that finished an item takes the next queued item (returns true: it stays busy)
    /// or goes idle.
    pub fn finish(&mut self, now: SimTime, next_queued: bool) -> bool {
        self.completions += 1;
        if next_queued {
            self.last_dequeue = now;
            true
        } else {
            self.busy -= 1;
            self.idle_since.push(now);
            false
        }
    }

    /// Adds a thread that immediately takes a queued item.
    pub fn inject(&mut self, now: SimTime, why: Injection) {
        self.existing += 1;
        self.busy += 1;
        self.last_dequeue = now;
        if why != Injection::Minimum {
            self.injected += 1;
        }
        if why == Injection::Starvation {
            self.goal = self.goal.max(self.busy);
        }
    }

    /// A busy thread starts waiting (sync-over-async) or stops waiting.
    pub fn set_blocked(&mut self, blocked: bool) {
        if blocked {
            self.blocked += 1;
        } else {
            self.blocked -= 1;
        }
    }

    /// The gate tick at `now`. `queued` is the length of the work queue and `cpu` the host's CPU
    /// utilisation (0–1) over the last gate period. Returns how many threads to inject now
    /// (each takes a queued item) and retires idle threads.
    pub fn gate_tick(&mut self, now: SimTime, queued: usize, cpu: f64) -> u32 {
        if self.cfg.fixed {
            return 0;
        }
        // Idle retirement: oldest idle first, never below MinWorker.
        let spare = self.existing.saturating_sub(self.cfg.min) as usize;
        let stale = self
            .idle_since
            .iter()
            .take(spare)
            .take_while(|t| now.since(**t) >= self.cfg.retire_after)
            .count();
        if stale > 0 {
            self.idle_since.drain(..stale);
            self.existing -= stale as u32;
            self.retired += stale as u64;
        }
        let mut add = 0;
        if queued > 0 && self.existing < self.cfg.max {
            let threshold = if cpu < self.cfg.cpu_low {
                self.cfg.gate
            } else {
                Dur(self.goal.max(1) as u64 * 1_000_000_000)
            };
            if now.since(self.last_dequeue) >= threshold {
                add = 1;
            }
        }
        if self.cfg.hill_climbing {
            add = add.max(self.hill_climb(queued, cpu));
        }
        // The goal never runs ahead of the threads by more than the one this tick may add, so a
        // later tick cannot make up a backlog at once.
        self.goal = self.goal.min((self.existing + 1).max(self.cfg.min));
        add.min(1).min(queued as u32).min(self.cfg.max - self.existing)
    }

    /// One simplified hill-climbing step; returns threads to add for a raised goal.
    fn hill_climb(&mut self, queued: usize, cpu: f64) -> u32 {
        let done = self.completions - self.hc_last_completions;
        self.hc_last_completions = self.completions;
        let tp = done as f64;
        let prev = self.hc_prev_tp;
        self.hc_prev_tp = tp;
        if queued == 0 {
            // Nothing waits: let the goal sink back towards what is in use.
            self.goal = self.goal.saturating_sub(1).max(self.cfg.min).max(self.busy);
            return 0;
        }
        if done == 0 || prev == 0.0 {
            return 0; // no completions to learn from (the starvation rule handles this case)
        }
        // One thread per gate tick (≤ 2/s), and the goal at most one thread ahead of what exists.
        if tp < prev * 0.98 {
            self.hc_dir = -self.hc_dir;
        }
        if self.hc_dir > 0 {
            if cpu >= self.cfg.cpu_high {
                return 0;
            }
            self.goal = (self.goal + 1).min(self.existing + 1).max(self.cfg.min).min(self.cfg.max);
        } else {
            self.goal = self.goal.saturating_sub(1).max(self.cfg.min);
        }
        self.goal.saturating_sub(self.existing).min(1)
    }

    /// .NET 6 cooperative blocking: `Some(Dur::ZERO)` to inject now, `Some(d)` to inject after `d`,
    /// `None` for no injection.
    pub fn blocking_injection(&self, queued: usize) -> Option<Dur> {
        if !self.cfg.net6 || self.cfg.fixed || queued == 0 || self.blocked == 0 {
            return None;
        }
        if self.existing >= self.cfg.max || self.existing >= self.goal.max(self.cfg.min) + self.blocked {
            return None;
        }
        let cores = self.cfg.cores.max(1);
        let extra = self.existing.saturating_sub(self.cfg.min);
        if extra < cores {
            Some(Dur::ZERO)
        } else {
            let steps = 1 + (extra - cores) / cores;
            Some(Dur::from_millis((25 * steps as u64).min(250)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimum_threads_come_at_once_then_the_gate_throttles() {
        let mut p = ThreadPool::new(PoolConfig { hill_climbing: false, ..PoolConfig::clr(4, 4) });
        let t0 = SimTime::ZERO;
        for _ in 0..4 {
            assert!(p.try_take(t0));
        }
        assert!(!p.try_take(t0));
        // Queue of 10, CPU idle: nothing at the first tick at 0.5 s? The last dequeue was at 0,
        // so 0.5 s have passed: one thread.
        assert_eq!(p.gate_tick(SimTime::from_secs(0.5), 10, 0.1), 1);
        p.inject(SimTime::from_secs(0.5), Injection::Starvation);
        assert_eq!(p.gate_tick(SimTime::from_secs(1.0), 9, 0.1), 1);
        // At 80 % CPU the threshold is goal × 1 s: the goal is now 6 (busy threads), so 6 s.
        p.inject(SimTime::from_secs(1.0), Injection::Starvation);
        assert_eq!(p.gate_tick(SimTime::from_secs(1.5), 8, 0.85), 0);
        assert_eq!(p.gate_tick(SimTime::from_secs(6.5), 8, 0.85), 0);
        assert_eq!(p.gate_tick(SimTime::from_secs(7.0), 8, 0.85), 1);
        assert_eq!(p.existing(), 6);
        assert_eq!(p.injected, 2);
    }

    #[test]
    fn idle_threads_above_minimum_retire_after_20_s() {
        let mut p = ThreadPool::new(PoolConfig { hill_climbing: false, ..PoolConfig::clr(1, 1) });
        assert!(p.try_take(SimTime::ZERO));
        p.inject(SimTime::ZERO, Injection::Starvation);
        assert!(!p.finish(SimTime::from_secs(1.0), false));
        assert!(!p.finish(SimTime::from_secs(2.0), false));
        assert_eq!(p.gate_tick(SimTime::from_secs(20.5), 0, 0.0), 0);
        assert_eq!(p.existing(), 2);
        p.gate_tick(SimTime::from_secs(21.0), 0, 0.0);
        assert_eq!(p.existing(), 1);
        assert_eq!(p.retired, 1);
        p.gate_tick(SimTime::from_secs(100.0), 0, 0.0);
        assert_eq!(p.existing(), 1, "never below MinWorker");
    }

    #[test]
    fn net6_injects_cores_at_once_then_with_growing_delay() {
        let mut p = ThreadPool::new(PoolConfig { net6: true, ..PoolConfig::clr(2, 2) });
        for _ in 0..2 {
            p.try_take(SimTime::ZERO);
            p.set_blocked(true);
        }
        assert_eq!(p.blocking_injection(5), Some(Dur::ZERO));
        p.inject(SimTime::ZERO, Injection::Blocking);
        p.set_blocked(true);
        assert_eq!(p.blocking_injection(5), Some(Dur::ZERO));
        p.inject(SimTime::ZERO, Injection::Blocking);
        p.set_blocked(true);
        // 2 above min = cores: now delayed by 25 ms per step of `cores` threads.
        assert_eq!(p.blocking_injection(5), Some(Dur::from_millis(25)));
        assert_eq!(p.blocking_injection(0), None);
    }

    #[test]
    fn a_fixed_pool_never_changes() {
        let mut p = ThreadPool::new(PoolConfig::fixed(3));
        assert_eq!(p.existing(), 3);
        assert_eq!(p.gate_tick(SimTime::from_secs(100.0), 50, 0.0), 0);
        assert!(p.try_take(SimTime::ZERO) && p.try_take(SimTime::ZERO) && p.try_take(SimTime::ZERO));
        assert!(!p.try_take(SimTime::ZERO));
    }

    /// Feeds a pool as the world does between two gate ticks: `completions` busy threads finish
    /// (each takes the next queued item if there is one), then `arrivals` new items come in.
    /// Returns the queue length after.
    fn between_ticks(
        p: &mut ThreadPool,
        now: SimTime,
        mut queue: usize,
        completions: u32,
        arrivals: u32,
    ) -> usize {
        for _ in 0..completions {
            if p.busy() == 0 {
                break;
            }
            if p.finish(now, queue > 0) {
                queue -= 1;
            }
        }
        for _ in 0..arrivals {
            if !p.try_take(now) {
                queue += 1;
            }
        }
        queue
    }

    /// Hill climbing on a pool whose throughput keeps rising with its thread count: the goal may
    /// go up, but by at most one thread per 500 ms tick (≤ 2 threads/s), and never more than one
    /// thread ahead of the threads that exist, even when the queue is short.
    #[test]
    fn hill_climbing_adds_at_most_one_thread_per_gate_tick() {
        let mut p = ThreadPool::new(PoolConfig::clr(4, 4));
        for _ in 0..4 {
            assert!(p.try_take(SimTime::ZERO));
        }
        let mut grew = 0;
        for k in 1..=40u32 {
            let now = SimTime::from_secs(0.5 * k as f64);
            // Every thread completes ten items per period and takes the next one at once, so the
            // pool is never starved; the queue alternates between long and a single item.
            let queued = if k % 2 == 0 { 1 } else { 100 };
            let done = 10 * p.existing();
            let _ = between_ticks(&mut p, now, 10_000, done, 0);
            let before = p.existing();
            let add = p.gate_tick(now, queued, 0.5);
            assert!(add <= 1, "tick {k}: {add} threads at once");
            assert!(
                p.goal() <= p.existing() + 1,
                "tick {k}: goal {} with {} threads",
                p.goal(),
                p.existing()
            );
            for _ in 0..add {
                p.inject(now, Injection::HillClimbing);
            }
            assert!(p.existing() - before <= 1);
            grew += p.existing() - before;
        }
        assert!(grew >= 10, "hill climbing did raise the count: +{grew} in 20 s");
        assert!(grew <= 40, "at most 2 threads/s: +{grew} in 20 s");
    }

    /// The starvation rule on a starved pool (nothing dequeued since 0.2 s, work queued). At or
    /// above 80 % CPU the next thread waits `goal × 1 s` since the last dequeue, then `goal` grows
    /// with each injection; below 80 % it waits one gate period.
    #[test]
    fn the_80_percent_rule_waits_goal_seconds_on_a_starved_pool() {
        let starved = |cpu: f64| {
            let mut p = ThreadPool::new(PoolConfig { hill_climbing: false, ..PoolConfig::clr(4, 4) });
            for _ in 0..4 {
                assert!(p.try_take(SimTime::from_secs(0.2)));
            }
            let mut at = vec![];
            for k in 1..=60u32 {
                let now = SimTime::from_secs(0.5 * k as f64);
                let add = p.gate_tick(now, 50, cpu);
                for _ in 0..add {
                    p.inject(now, Injection::Starvation);
                    at.push(now.secs());
                }
            }
            at
        };
        // goal 4: 4.5 s is the first tick at least 4 s after 0.2 s; then goal 5 → +5 s, 6 → +6 s,
        // 7 → +7 s.
        assert_eq!(starved(0.9), vec![4.5, 9.5, 15.5, 22.5]);
        assert_eq!(starved(0.80), vec![4.5, 9.5, 15.5, 22.5], "80 % itself counts as busy");
        // Below 80 %: the first tick 500 ms after the last dequeue, then every tick.
        let low = starved(0.79);
        assert_eq!(low[..3], [1.0, 1.5, 2.0]);
        assert_eq!(low.len(), 59);
    }

    /// .NET 6 cooperative blocking: past `cores` threads above MinWorker the delay grows by 25 ms
    /// per `cores` threads and stops growing at 250 ms, however many threads there are.
    #[test]
    fn net6_delay_is_capped_at_250_ms() {
        let mut p = ThreadPool::new(PoolConfig { net6: true, ..PoolConfig::clr(2, 2) });
        for _ in 0..2 {
            assert!(p.try_take(SimTime::ZERO));
            p.set_blocked(true);
        }
        let mut delays = vec![];
        for extra in 0..200u32 {
            let d = p.blocking_injection(1000).expect("blocked work is queued");
            let uncapped = if extra < 2 { 0 } else { 25 * (1 + (extra - 2) / 2) as u64 };
            assert_eq!(d, Dur::from_millis(uncapped.min(250)), "{extra} threads above min");
            delays.push(d);
            p.inject(SimTime::ZERO, Injection::Blocking);
            p.set_blocked(true);
        }
        assert_eq!(p.existing(), 202);
        assert_eq!(delays.iter().max(), Some(&Dur::from_millis(250)));
        // 200 threads above min on 2 cores would be 2.5 s uncapped.
        assert_eq!(p.blocking_injection(1000), Some(Dur::from_millis(250)));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 256, ..Default::default() })]

        /// Over any sequence of gate ticks, whatever the queue, CPU and completions, the threads
        /// above MinWorker grow by at most one per tick, and the goal stays at most one thread
        /// ahead of the threads that exist.
        #[test]
        fn threads_above_min_grow_by_at_most_one_per_gate_tick(
            min in 1u32..12,
            hill_climbing in proptest::bool::ANY,
            retire_s in 1u64..30,
            ticks in proptest::collection::vec((0u32..80, 0u32..300, 0.0f64..1.0), 1..120),
        ) {
            let cfg = PoolConfig {
                hill_climbing,
                retire_after: Dur::from_millis(retire_s * 1000),
                ..PoolConfig::clr(min, 4)
            };
            let mut p = ThreadPool::new(cfg);
            let mut queue = 0usize;
            let mut above = 0u32;
            for (k, (completions, arrivals, cpu)) in ticks.into_iter().enumerate() {
                let now = SimTime::from_secs(0.5 * (k + 1) as f64);
                let mid = SimTime::from_secs(0.5 * k as f64 + 0.25);
                queue = between_ticks(&mut p, mid, queue, completions, arrivals);
                let add = p.gate_tick(now, queue, cpu);
                proptest::prop_assert!(add <= 1, "tick {}: {} at once", k, add);
                proptest::prop_assert!(add as usize <= queue);
                proptest::prop_assert!(
                    p.goal() <= (p.existing() + 1).max(min),
                    "tick {}: goal {} with {} threads", k, p.goal(), p.existing()
                );
                for _ in 0..add {
                    p.inject(now, Injection::Starvation);
                    queue -= 1;
                }
                let now_above = p.existing().saturating_sub(min);
                proptest::prop_assert!(now_above <= above + 1, "tick {}: {} → {} above min", k, above, now_above);
                above = now_above;
            }
        }
    }
}
