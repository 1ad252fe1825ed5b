//! Processor sharing on one host, by the virtual-time method.
//!
//! With R runnable threads on C cores, each thread progresses at rate
//! `r = speed · min(1, C/R) · η(R)`, where `η(R) = 1 / (1 + κ·max(0, R−C)/C)` is the share lost
//! to context switches and lock contention once threads outnumber cores (κ = 0 turns it off).
//! Instead of slicing time, the host keeps a virtual clock V with dV/dt = r. A burst of w
//! seconds of CPU that starts when the clock reads V₀ ends when V reaches V₀ + w, so bursts sit in
//! a min-heap keyed by their virtual end and a change in R only changes the wall-clock time of
//! the next completion. Each burst costs O(log n).
//!
//! *Starvation-thread overhead* (off unless set): a host whose thread pools hold S threads
//! beyond their MinWorker loses a further share of every core, `η_s = 1/(1 + κ_s·S/C)`, whether
//! or not its cores are oversubscribed. Only a starved pool grows past MinWorker (one thread per
//! gate tick), and the threads it grows are parked in sync-over-async waits: hundreds of them
//! per process, whose timed waits expire and re-arm, whose timers share one queue walked under
//! one lock, among which the scheduler switches ("a kernel context swap taking 374
//! milliseconds… A common cause for that is thread starvation", "begins thrashing as thread
//! creation is throttled… It'll just sit there thrashing", S-V; "lock contention on the timer
//! queue", S-Nov17). The loss is the host's, so a starved process slows its sibling.

use crate::time::SimTime;
use serde::{Deserialize, Serialize};
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

/// A burst of CPU work in the heap, ordered by virtual end time then by insertion.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
struct Burst {
    v_end: f64,
    seq: u64,
    tag: u32,
}

impl PartialEq for Burst {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for Burst {}
impl PartialOrd for Burst {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Burst {
    fn cmp(&self, o: &Self) -> Ordering {
        self.v_end.total_cmp(&o.v_end).then(self.seq.cmp(&o.seq))
    }
}

/// Work within this much virtual time [s] of the clock is complete (1 ns of CPU).
const EPS: f64 = 1e-9;

/// The CPU of one host, shared by all runnable threads of all its processes.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ProcessorSharing {
    cores: f64,
    speed: f64,
    kappa: f64,
    v: f64,
    last: SimTime,
    heap: BinaryHeap<Reverse<Burst>>,
    seq: u64,
    busy_core_s: f64,
    /// Starvation-thread overhead κ_s (0: off).
    #[serde(default)]
    kappa_starved: f64,
    /// Threads the host's pools hold beyond MinWorker (counted only while κ_s ≠ 0).
    #[serde(default)]
    starved: u32,
    /// The cores of the whole host (the overhead is per host core, pinned or not).
    #[serde(default)]
    host_cores: f64,
}

impl ProcessorSharing {
    /// A host with `cores` cores and thrash overhead `kappa` (0 for none).
    pub fn new(cores: u32, kappa: f64) -> Self {
        Self::with_cores(cores.max(1) as f64, kappa)
    }

    /// The same with a fractional number of cores (a share of a host's cores).
    pub fn with_cores(cores: f64, kappa: f64) -> Self {
        ProcessorSharing {
            cores,
            speed: 1.0,
            kappa,
            v: 0.0,
            last: SimTime::ZERO,
            heap: BinaryHeap::new(),
            seq: 0,
            busy_core_s: 0.0,
            kappa_starved: 0.0,
            starved: 0,
            host_cores: cores,
        }
    }

    /// Sets the starvation-thread overhead κ_s (0 turns it off).
    pub fn set_kappa_starved(&mut self, now: SimTime, kappa_starved: f64) {
        self.advance(now);
        self.kappa_starved = kappa_starved;
    }

    /// Whether the starvation-thread overhead is on.
    pub fn counts_starved(&self) -> bool {
        self.kappa_starved != 0.0
    }

    /// Sets the threads held beyond MinWorker from `now` on. Returns whether the rate changed
    /// (the next completion may have moved).
    pub fn set_starved_threads(&mut self, now: SimTime, n: u32) -> bool {
        if n == self.starved {
            return false;
        }
        self.advance(now);
        self.starved = n;
        self.kappa_starved != 0.0
    }

    /// Number of cores.
    pub fn cores(&self) -> f64 {
        self.cores
    }

    /// Runnable threads (bursts in progress).
    pub fn runnable(&self) -> usize {
        self.heap.len()
    }

    /// Progress rate of each runnable thread [CPU s per s].
    pub fn rate(&self) -> f64 {
        let r = rate(self.cores, self.speed, self.kappa, self.heap.len());
        if self.kappa_starved == 0.0 || self.starved == 0 {
            return r;
        }
        r * starved_eta(self.host_cores, self.kappa_starved, self.starved)
    }

    /// Core-seconds during which cores were busy (including any thrash overhead) since the start.
    pub fn busy_core_s(&self) -> f64 {
        self.busy_core_s
    }

    /// Brings the virtual clock up to `now`.
    pub fn advance(&mut self, now: SimTime) {
        if now <= self.last {
            return;
        }
        let dt = (now - self.last).secs();
        let n = self.heap.len();
        if n > 0 {
            let r = self.rate();
            self.v += r * dt;
            self.busy_core_s += (n as f64).min(self.cores) * dt;
        }
        self.last = now;
    }

    /// Starts a burst of `work_s` CPU seconds at `now`; `tag` comes back from [`Self::pop_done`].
    /// Returns whether the next completion may have moved (false when the new burst ends after the
    /// current first one and the per-thread rate is unchanged, the common case below saturation).
    pub fn start(&mut self, now: SimTime, work_s: f64, tag: u32) -> bool {
        self.advance(now);
        self.seq += 1;
        let v_end = self.v + work_s.max(0.0);
        let n = self.heap.len();
        let moved = match self.heap.peek() {
            Some(Reverse(first)) => v_end < first.v_end || (n + 1) as f64 > self.cores || self.kappa != 0.0,
            None => true,
        };
        self.heap.push(Reverse(Burst { v_end, seq: self.seq, tag }));
        moved
    }

    /// Drops the bursts whose tag `keep` rejects (a crashed process's work), at the current
    /// virtual time (call [`Self::advance`] first). O(n); crashes are rare.
    pub fn retain(&mut self, keep: impl Fn(u32) -> bool) {
        let kept: Vec<Reverse<Burst>> = self.heap.drain().filter(|Reverse(b)| keep(b.tag)).collect();
        self.heap = kept.into();
    }

    /// Changes the speed factor (1 = normal) from `now` on.
    pub fn set_speed(&mut self, now: SimTime, speed: f64) {
        self.advance(now);
        self.speed = speed;
    }

    /// When the next burst completes at the current rate, if any.
    pub fn next_completion(&self) -> Option<SimTime> {
        let Reverse(b) = self.heap.peek()?;
        let left = (b.v_end - self.v).max(0.0);
        let rate = self.rate();
        let ns = if rate == 1.0 { left * 1e9 } else { left / rate * 1e9 };
        // Round up to whole nanoseconds (by hand: `f64::ceil` is a library call on baseline x86-64).
        let whole = if ns >= 9.0e18 {
            u64::MAX
        } else {
            let t = ns as i64; // truncation, then up by one if anything was cut off
            (t + ((t as f64) < ns) as i64) as u64
        };
        Some(SimTime(self.last.0.saturating_add(whole)))
    }

    /// Removes and returns one burst that is complete at `now` (call [`Self::advance`] first).
    pub fn pop_done(&mut self) -> Option<u32> {
        match self.heap.peek() {
            Some(Reverse(b)) if b.v_end <= self.v + EPS => {
                let tag = b.tag;
                self.heap.pop();
                Some(tag)
            }
            _ => None,
        }
    }
}

/// A host's CPU: one processor-sharing pool, or (pinned) one per worker process, each with an
/// equal share of the cores. Pinned, a process whose threads are all blocked leaves its cores
/// idle instead of lending them to its sibling (IIS web-garden processor affinity,
/// `smpAffinitized`). Unpinned it behaves exactly as one [`ProcessorSharing`].
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct HostCpu {
    parts: Vec<ProcessorSharing>,
}

impl HostCpu {
    /// One pool of `cores` cores.
    pub fn new(cores: u32, kappa: f64) -> Self {
        HostCpu { parts: vec![ProcessorSharing::new(cores, kappa)] }
    }

    /// Splits the cores into `n` equal partitions (call before any work starts); the speed
    /// factor is kept.
    pub fn pin(&mut self, n: usize) {
        let (cores, kappa, speed, last) =
            (self.cores(), self.parts[0].kappa, self.parts[0].speed, self.parts[0].last);
        let (kappa_starved, starved) = (self.parts[0].kappa_starved, self.parts[0].starved);
        assert!(self.parts.iter().all(|p| p.heap.is_empty()), "pin before any work starts");
        self.parts = (0..n.max(1))
            .map(|_| {
                let mut p = ProcessorSharing::with_cores(cores / n.max(1) as f64, kappa);
                p.speed = speed;
                p.last = last;
                p.kappa_starved = kappa_starved;
                p.starved = starved;
                p.host_cores = cores;
                p
            })
            .collect();
    }

    /// Number of partitions.
    pub fn parts(&self) -> usize {
        self.parts.len()
    }

    /// Number of cores (all partitions).
    pub fn cores(&self) -> f64 {
        self.parts.iter().map(|p| p.cores).sum()
    }

    /// Busy core-seconds since the start (all partitions).
    pub fn busy_core_s(&self) -> f64 {
        self.parts.iter().map(|p| p.busy_core_s).sum()
    }

    /// Brings every partition's clock up to `now`.
    pub fn advance(&mut self, now: SimTime) {
        for p in &mut self.parts {
            p.advance(now);
        }
    }

    /// Starts a burst in partition `part` (taken modulo the partitions; 0 when unpinned).
    pub fn start(&mut self, part: usize, now: SimTime, work_s: f64, tag: u32) -> bool {
        let n = self.parts.len();
        self.parts[part % n].start(now, work_s, tag)
    }

    /// Drops the bursts whose tag `keep` rejects, in every partition.
    pub fn retain(&mut self, keep: impl Fn(u32) -> bool) {
        for p in &mut self.parts {
            p.retain(&keep);
        }
    }

    /// Sets the starvation-thread overhead κ_s of every partition.
    pub fn set_kappa_starved(&mut self, now: SimTime, kappa_starved: f64) {
        for p in &mut self.parts {
            p.set_kappa_starved(now, kappa_starved);
        }
    }

    /// Whether the starvation-thread overhead is on.
    pub fn counts_starved(&self) -> bool {
        self.parts[0].counts_starved()
    }

    /// Sets the threads the host's pools hold beyond MinWorker (the overhead is the host's:
    /// every partition loses it). Returns whether a rate changed.
    pub fn set_starved_threads(&mut self, now: SimTime, n: u32) -> bool {
        let mut moved = false;
        for p in &mut self.parts {
            moved |= p.set_starved_threads(now, n);
        }
        moved
    }

    /// Changes the speed factor of every partition from `now` on.
    pub fn set_speed(&mut self, now: SimTime, speed: f64) {
        for p in &mut self.parts {
            p.set_speed(now, speed);
        }
    }

    /// The earliest next completion over the partitions.
    pub fn next_completion(&self) -> Option<SimTime> {
        self.parts.iter().filter_map(|p| p.next_completion()).min()
    }

    /// One burst complete at `now` in any partition, the first partition first.
    pub fn pop_done(&mut self) -> Option<u32> {
        self.parts.iter_mut().find_map(|p| p.pop_done())
    }
}

/// The share of each core left by `n` threads beyond MinWorker: `1/(1 + κ_s·n/C)`.
#[inline]
pub fn starved_eta(cores: f64, kappa_starved: f64, n: u32) -> f64 {
    1.0 / (1.0 + kappa_starved * n as f64 / cores)
}

/// Per-thread progress rate with `n` runnable threads.
#[inline]
pub fn rate(cores: f64, speed: f64, kappa: f64, n: usize) -> f64 {
    let n = n as f64;
    if n <= cores {
        return speed; // every runnable thread has a core of its own
    }
    let share = (cores / n).min(1.0);
    let eta = 1.0 / (1.0 + kappa * ((n - cores).max(0.0) / cores));
    speed * share * eta
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(cpu: &mut ProcessorSharing) -> Vec<(f64, u32)> {
        let mut out = vec![];
        while let Some(t) = cpu.next_completion() {
            cpu.advance(t);
            while let Some(tag) = cpu.pop_done() {
                out.push((t.secs(), tag));
            }
        }
        out
    }

    /// Pinned, two bursts of one partition share its one core while the other partition's core
    /// idles (both end at 2 s); unpinned they take a core each (both end at 1 s).
    #[test]
    fn a_pinned_process_cannot_borrow_its_siblings_idle_core() {
        for (pin, end) in [(false, 1.0), (true, 2.0)] {
            let mut cpu = HostCpu::new(2, 0.0);
            if pin {
                cpu.pin(2);
            }
            assert_eq!(cpu.cores(), 2.0);
            cpu.start(0, SimTime::ZERO, 1.0, 1);
            cpu.start(0, SimTime::ZERO, 1.0, 2);
            let t = cpu.next_completion().unwrap();
            assert!((t.secs() - end).abs() < 1e-6, "pinned {pin}: ends at {}", t.secs());
            cpu.advance(t);
            assert_eq!((cpu.pop_done(), cpu.pop_done(), cpu.pop_done()), (Some(1), Some(2), None));
            assert!((cpu.busy_core_s() - 2.0).abs() < 1e-6);
        }
    }

    #[test]
    fn bursts_share_one_core_equally() {
        // Two bursts of 1 s and 2 s on one core: both progress at 1/2 until the first ends at 2 s,
        // then the second finishes its remaining 1 s alone at 3 s.
        let mut cpu = ProcessorSharing::new(1, 0.0);
        cpu.start(SimTime::ZERO, 1.0, 1);
        cpu.start(SimTime::ZERO, 2.0, 2);
        let done = drain(&mut cpu);
        assert_eq!(done.len(), 2);
        assert!((done[0].0 - 2.0).abs() < 1e-8 && done[0].1 == 1);
        assert!((done[1].0 - 3.0).abs() < 1e-8 && done[1].1 == 2);
        assert!((cpu.busy_core_s() - 3.0).abs() < 1e-8);
    }

    #[test]
    fn fewer_threads_than_cores_run_at_full_speed() {
        let mut cpu = ProcessorSharing::new(4, 0.5);
        for i in 0..3 {
            cpu.start(SimTime::ZERO, 1.0 + i as f64, i);
        }
        let done = drain(&mut cpu);
        for (i, (t, _)) in done.iter().enumerate() {
            assert!((t - (1.0 + i as f64)).abs() < 1e-8);
        }
    }

    #[test]
    fn thrash_overhead_slows_oversubscribed_cores() {
        // 4 threads on 2 cores with κ = 1: η = 1/(1 + 1·2/2) = 1/2, share 1/2 → rate 1/4.
        assert!((rate(2.0, 1.0, 1.0, 4) - 0.25).abs() < 1e-12);
        let mut cpu = ProcessorSharing::new(2, 1.0);
        for i in 0..4 {
            cpu.start(SimTime::ZERO, 1.0, i);
        }
        let done = drain(&mut cpu);
        assert!((done[3].0 - 4.0).abs() < 1e-8);
    }

    /// Starvation-thread overhead: one burst on an idle core, with 8 threads beyond MinWorker on
    /// a 2-core host at κ_s = 0.25, runs at 1/(1 + 0.25·8/2) = 1/2 and takes 2 s; the threads
    /// retiring halfway through (at 1 s, half done) let it finish at 1.5 s. With κ_s = 0 the
    /// threads cost nothing.
    #[test]
    fn threads_beyond_min_worker_slow_every_core_of_their_host() {
        let mut cpu = HostCpu::new(2, 0.0);
        assert!(!cpu.set_starved_threads(SimTime::ZERO, 8));
        cpu.start(0, SimTime::ZERO, 1.0, 1);
        assert_eq!(cpu.next_completion(), Some(SimTime::from_secs(1.0)), "κ_s = 0: no overhead");
        let mut cpu = HostCpu::new(2, 0.0);
        cpu.set_kappa_starved(SimTime::ZERO, 0.25);
        assert!(cpu.set_starved_threads(SimTime::ZERO, 8));
        cpu.start(0, SimTime::ZERO, 1.0, 1);
        let t = cpu.next_completion().unwrap();
        assert!((t.secs() - 2.0).abs() < 1e-6, "ends at {}", t.secs());
        assert!(cpu.set_starved_threads(SimTime::from_secs(1.0), 0));
        let t = cpu.next_completion().unwrap();
        assert!((t.secs() - 1.5).abs() < 1e-6, "ends at {}", t.secs());
        // Pinned, the overhead is the host's (per host core): both halves lose the same share.
        let mut cpu = HostCpu::new(2, 0.0);
        cpu.set_kappa_starved(SimTime::ZERO, 0.25);
        cpu.pin(2);
        cpu.set_starved_threads(SimTime::ZERO, 8);
        cpu.start(1, SimTime::ZERO, 1.0, 1);
        let t = cpu.next_completion().unwrap();
        assert!((t.secs() - 2.0).abs() < 1e-6, "pinned: ends at {}", t.secs());
    }

    #[test]
    fn a_late_burst_joins_at_the_current_virtual_time() {
        let mut cpu = ProcessorSharing::new(1, 0.0);
        cpu.start(SimTime::ZERO, 2.0, 1);
        cpu.start(SimTime::from_secs(1.0), 0.5, 2); // from 1 s both at 1/2: tag 2 ends at 2 s
        let done = drain(&mut cpu);
        assert_eq!(done[0].1, 2);
        assert!((done[0].0 - 2.0).abs() < 1e-8);
        assert!((done[1].0 - 2.5).abs() < 1e-8);
    }
}
