//! Dependencies a request calls: a fixed delay, a c-server FIFO (SQL) and a single-threaded
//! server (Redis).
//!
//! Every queue here is FIFO without preemption, so a call's completion time is known the moment
//! it is admitted: each dependency is a plain structure whose `call` returns that time, and the
//! caller schedules one event for it. Calls must be made in nondecreasing `now`. A call whose
//! client has given up is still executed: its work is already counted in the server's schedule.

use crate::clients::Dist;
use crate::rng::Stream;
use crate::time::{Dur, SimTime};
use serde::{Deserialize, Serialize};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// A dependency with no queue: every call takes a sampled latency.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Delay {
    /// Latency of one call [s].
    pub latency: Dist,
}

impl Delay {
    /// A delay with this latency distribution.
    pub fn new(latency: Dist) -> Delay {
        Delay { latency }
    }

    /// When a call made at `now` completes.
    pub fn call(&self, now: SimTime, rng: &mut Stream) -> SimTime {
        now + Dur::from_secs(self.latency.sample(rng))
    }
}

/// A FIFO queue in front of `c` identical servers (a SQL database's workers).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FifoServers {
    service: Dist,
    /// When each server is next free (min-heap).
    free_at: BinaryHeap<Reverse<SimTime>>,
    /// Start times still in the future at the last call, nondecreasing.
    starts: VecDeque<SimTime>,
    calls: u64,
}

impl FifoServers {
    /// `servers` servers (at least one), all free at time zero, with this service time.
    pub fn new(servers: u32, service: Dist) -> FifoServers {
        let free_at = (0..servers.max(1)).map(|_| Reverse(SimTime::ZERO)).collect();
        FifoServers { service, free_at, starts: VecDeque::new(), calls: 0 }
    }

    /// Admits a call at `now`; returns when it completes.
    pub fn call(&mut self, now: SimTime, rng: &mut Stream) -> SimTime {
        while self.starts.front().is_some_and(|s| *s <= now) {
            self.starts.pop_front();
        }
        let Reverse(free) = self.free_at.pop().expect("at least one server");
        let start = now.max(free);
        let done = start + Dur::from_secs(self.service.sample(rng));
        self.free_at.push(Reverse(done));
        if start > now {
            self.starts.push_back(start);
        }
        self.calls += 1;
        done
    }

    /// Calls admitted so far.
    pub fn calls(&self) -> u64 {
        self.calls
    }

    /// Calls admitted that have not started by `now` (waiting in the queue).
    pub fn queued(&self, now: SimTime) -> usize {
        // Starts are nondecreasing: FIFO start times never go backwards.
        self.starts.len() - self.starts.partition_point(|s| *s <= now)
    }
}

/// A server with one thread that runs operations in arrival order, each costing
/// `a + b × bytes` seconds (Redis).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SingleThreaded {
    a_s: f64,
    b_s_per_byte: f64,
    /// When the thread has finished all admitted work.
    busy_until: SimTime,
    /// Completion times still in the future at the last call, increasing; its length is
    /// bounded by the backlog admitted and not yet complete.
    done: VecDeque<SimTime>,
    /// Service admitted so far.
    service_total: Dur,
    /// Sum over admitted operations of (completion − admission) [s].
    sojourn_total: f64,
    ops: u64,
}

impl SingleThreaded {
    /// A server whose operations cost `a_s + b_s_per_byte × bytes` seconds.
    pub fn new(a_s: f64, b_s_per_byte: f64) -> SingleThreaded {
        SingleThreaded {
            a_s,
            b_s_per_byte,
            busy_until: SimTime::ZERO,
            done: VecDeque::new(),
            service_total: Dur::ZERO,
            sojourn_total: 0.0,
            ops: 0,
        }
    }

    /// Admits an operation on `bytes` bytes at `now`; returns when it completes.
    pub fn call(&mut self, now: SimTime, bytes: f64) -> SimTime {
        while self.done.front().is_some_and(|d| *d <= now) {
            self.done.pop_front();
        }
        let service = Dur::from_secs(self.a_s + self.b_s_per_byte * bytes);
        let done = now.max(self.busy_until) + service;
        self.busy_until = done;
        self.service_total = self.service_total + service;
        self.sojourn_total += (done - now).secs();
        self.ops += 1;
        if done > now {
            self.done.push_back(done);
        }
        done
    }

    /// Operations admitted and not complete at `now`: the one in service plus those waiting.
    pub fn queue_len(&self, now: SimTime) -> usize {
        self.done.len() - self.done.partition_point(|d| *d <= now)
    }

    /// Operations in service at `now`: 0 or 1.
    pub fn in_service(&self, now: SimTime) -> usize {
        self.queue_len(now).min(1)
    }

    /// Seconds the thread has been busy from time zero up to `now` (not before the last call).
    /// The load over a window is the change of this divided by the window's length.
    pub fn busy_s_until(&self, now: SimTime) -> f64 {
        // Work-conserving: the work still to do at `now` is exactly `busy_until - now`.
        self.service_total.secs() - self.busy_until.since(now).secs()
    }

    /// Operations admitted so far.
    pub fn ops(&self) -> u64 {
        self.ops
    }

    /// Service time of every operation admitted so far [s].
    pub fn service_s_total(&self) -> f64 {
        self.service_total.secs()
    }

    /// Sum of the sojourns (wait plus service) of every operation admitted so far [s].
    pub fn sojourn_s_total(&self) -> f64 {
        self.sojourn_total
    }

    /// Mean service time of the operations admitted so far [s] (0 if none).
    pub fn mean_service_s(&self) -> f64 {
        if self.ops == 0 {
            0.0
        } else {
            self.service_total.secs() / self.ops as f64
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: f64) -> SimTime {
        SimTime::from_secs(s)
    }

    #[test]
    fn delay_adds_its_latency() {
        let mut rng = Stream::derive(1, "service", 0);
        assert_eq!(Delay::new(Dist::Const(0.25)).call(t(1.0), &mut rng), t(1.25));
    }

    #[test]
    fn fifo_servers_follow_the_hand_computed_schedule() {
        // Two servers, 1 s each. Calls at 0, 0.4 start at once; 0.5 waits for the server free at
        // 1 (not the one free at 1.4); 0.6 takes the one free at 1.4; 0.7 the one free at 2.
        let mut rng = Stream::derive(1, "service", 0);
        let mut sql = FifoServers::new(2, Dist::Const(1.0));
        let done: Vec<SimTime> =
            [0.0, 0.4, 0.5, 0.6, 0.7].iter().map(|&s| sql.call(t(s), &mut rng)).collect();
        assert_eq!(done, vec![t(1.0), t(1.4), t(2.0), t(2.4), t(3.0)]);
        // Waiting at 0.7: the calls starting at 1, 1.4 and 2.
        assert_eq!(sql.queued(t(0.7)), 3);
        assert_eq!(sql.queued(t(1.0)), 2);
        assert_eq!(sql.queued(t(1.4)), 1);
        assert_eq!(sql.queued(t(2.0)), 0);
        // After the queue drains both servers are free again.
        assert_eq!(sql.call(t(5.0), &mut rng), t(6.0));
        assert_eq!(sql.queued(t(5.0)), 0);
        assert_eq!(sql.calls(), 6);
    }

    #[test]
    fn one_fifo_server_is_a_single_queue() {
        let mut rng = Stream::derive(1, "service", 0);
        let mut sql = FifoServers::new(1, Dist::Const(0.5));
        let done: Vec<SimTime> = [0.0, 0.1, 0.2, 2.0].iter().map(|&s| sql.call(t(s), &mut rng)).collect();
        assert_eq!(done, vec![t(0.5), t(1.0), t(1.5), t(2.5)]);
    }

    #[test]
    fn single_threaded_follows_the_hand_computed_schedule() {
        // 1 ms + 1 µs per byte.
        let mut redis = SingleThreaded::new(0.001, 1e-6);
        assert_eq!(redis.call(t(0.0), 1000.0), t(0.002));
        assert_eq!(redis.call(t(0.001), 3000.0), t(0.006));
        assert_eq!(redis.call(t(0.0015), 0.0), t(0.007));
        assert_eq!((redis.queue_len(t(0.0015)), redis.in_service(t(0.0015))), (3, 1));
        assert_eq!(redis.queue_len(t(0.002)), 2);
        assert_eq!(redis.queue_len(t(0.0065)), 1);
        assert_eq!((redis.queue_len(t(0.007)), redis.in_service(t(0.007))), (0, 0));
        assert!((redis.busy_s_until(t(0.0015)) - 0.0015).abs() < 1e-12);
        assert!((redis.busy_s_until(t(0.009)) - 0.007).abs() < 1e-12);
        // Idle from 7 ms to 10 ms, then 1 ms of work.
        assert_eq!(redis.call(t(0.010), 0.0), t(0.011));
        assert!((redis.busy_s_until(t(0.0105)) - 0.0075).abs() < 1e-12);
        assert_eq!(redis.ops(), 4);
        assert!((redis.mean_service_s() - 0.002).abs() < 1e-12);
    }

    /// Poisson arrivals at load 0.7 (70 ops/s, mean service 10 ms): Little's law and the
    /// utilisation law hold for the server's own accounting.
    #[test]
    fn single_threaded_obeys_little_and_utilisation_laws() {
        let mut arrivals = Stream::derive(5, "arrivals", 0);
        let mut sizes = Stream::derive(5, "service", 0);
        let mut redis = SingleThreaded::new(0.002, 1e-6); // 2 ms + 1 µs per byte × 8000 bytes on average
        let horizon = t(1000.0);
        let step = Dur::from_millis(1);
        let (mut now, mut grid) = (SimTime::ZERO, SimTime::ZERO);
        let (mut queue_sum, mut busy_samples, mut samples, mut latency_sum) = (0u64, 0u64, 0u64, 0.0);
        loop {
            now = now + Dur::from_secs(arrivals.exp(1.0 / 70.0));
            if now > horizon {
                break;
            }
            while grid < now {
                queue_sum += redis.queue_len(grid) as u64;
                busy_samples += redis.in_service(grid) as u64;
                samples += 1;
                grid = grid + step;
            }
            latency_sum += (redis.call(now, sizes.exp(8000.0)) - now).secs();
        }
        let span = grid.secs();
        let ops = redis.ops() as f64;
        let l = queue_sum as f64 / samples as f64;
        let little = ops / span * (latency_sum / ops);
        assert!((l / little - 1.0).abs() < 0.02, "L {l} vs λW {little}");
        // The busy fraction, sampled independently of the server's accounting.
        let busy = busy_samples as f64 / samples as f64;
        let law = ops / span * redis.mean_service_s();
        assert!((busy / law - 1.0).abs() < 0.01, "busy {busy} vs λS {law}");
        let accounted = redis.busy_s_until(grid) / span;
        assert!((accounted / busy - 1.0).abs() < 0.01, "busy_s_until {accounted} vs sampled {busy}");
        assert!((busy - 0.7).abs() < 0.02, "load {busy}");
    }
}
