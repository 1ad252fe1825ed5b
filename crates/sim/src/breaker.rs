//! Circuit breakers in front of a dependency, after VSTS's Hystrix-derived
//! `GitHub.Services.CircuitBreaker`.
//!
//! * [`ConcurrencyBreaker`]: at most `limit` calls in flight; "any request above that limit will
//!   fail immediately".
//! * [`ErrorRateBreaker`]: opens when the rolling window holds enough requests with enough
//!   errors, rejects everything while open, then lets one trial call through (half-open) after a
//!   backoff that grows with each consecutive opening.

use crate::time::{Dur, SimTime};
use serde::{Deserialize, Serialize};

/// A breaker that bounds the calls in flight.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ConcurrencyBreaker {
    /// Calls allowed in flight at once.
    pub limit: u32,
    in_flight: u32,
    rejections: u64,
}

impl ConcurrencyBreaker {
    /// A breaker allowing `limit` calls in flight.
    pub fn new(limit: u32) -> ConcurrencyBreaker {
        ConcurrencyBreaker { limit, in_flight: 0, rejections: 0 }
    }

    /// Takes a slot for one call; false (and one more rejection) if all `limit` are taken.
    pub fn try_acquire(&mut self) -> bool {
        if self.in_flight >= self.limit {
            self.rejections += 1;
            false
        } else {
            self.in_flight += 1;
            true
        }
    }

    /// Gives back the slot of a call that has completed.
    pub fn release(&mut self) {
        self.in_flight = self.in_flight.saturating_sub(1);
    }

    /// Calls in flight.
    pub fn in_flight(&self) -> u32 {
        self.in_flight
    }

    /// Calls rejected so far.
    pub fn rejections(&self) -> u64 {
        self.rejections
    }
}

/// Settings of an [`ErrorRateBreaker`].
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ErrorRateConfig {
    /// Error percentage in the window at or above which the breaker opens.
    pub error_threshold_pct: u32,
    /// Requests the window must hold before the breaker may open.
    pub request_volume_threshold: u32,
    /// Length of the rolling window.
    pub window: Dur,
    /// Buckets the window is divided into.
    pub buckets: u32,
    /// The open decision reads a health snapshot refreshed at most this often.
    pub snapshot_interval: Dur,
    /// Backoff of an opening before the per-opening increment.
    pub backoff_min: Dur,
    /// Backoff added per consecutive opening.
    pub backoff_delta: Dur,
    /// Longest backoff.
    pub backoff_max: Dur,
}

impl ErrorRateConfig {
    /// The `CommandPropertiesDefault` values: 50 %, 20 requests in 10 s of 10 buckets, a
    /// snapshot every 0.5 s, backoff 0 + 300 ms × n up to 30 s.
    pub fn hystrix() -> ErrorRateConfig {
        ErrorRateConfig {
            error_threshold_pct: 50,
            request_volume_threshold: 20,
            window: Dur::from_millis(10_000),
            buckets: 10,
            snapshot_interval: Dur::from_millis(500),
            backoff_min: Dur::ZERO,
            backoff_delta: Dur::from_millis(300),
            backoff_max: Dur::from_millis(30_000),
        }
    }

    /// The backoff of the `n`-th consecutive opening: min(min + delta × n, max).
    pub fn backoff(&self, n: u32) -> Dur {
        let grown = self.backoff_min.0.saturating_add(self.backoff_delta.0.saturating_mul(n as u64));
        Dur(grown.min(self.backoff_max.0))
    }
}

/// The state of an [`ErrorRateBreaker`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BreakerState {
    /// Calls go through.
    Closed,
    /// Calls are rejected until this instant.
    Open {
        /// When the trial call may go.
        until: SimTime,
    },
    /// One trial call is out; all others are rejected until its outcome is recorded.
    HalfOpen,
}

/// One bucket of the rolling window.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
struct Bucket {
    /// Absolute bucket number (time / bucket width) whose counts these are.
    index: u64,
    requests: u32,
    errors: u32,
}

/// A breaker that opens on the error rate of a rolling window.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ErrorRateBreaker {
    cfg: ErrorRateConfig,
    state: BreakerState,
    buckets: Vec<Bucket>,
    /// When the health snapshot was last taken (None: take one at the next check).
    snapshot_at: Option<SimTime>,
    /// Consecutive openings without a successful trial.
    openings: u32,
    rejections: u64,
}

impl ErrorRateBreaker {
    /// A closed breaker with an empty window.
    pub fn new(cfg: ErrorRateConfig) -> ErrorRateBreaker {
        let n = cfg.buckets.max(1) as usize;
        ErrorRateBreaker {
            cfg,
            state: BreakerState::Closed,
            buckets: vec![Bucket::default(); n],
            snapshot_at: None,
            openings: 0,
            rejections: 0,
        }
    }

    /// Whether a call may go at `now`; a rejected call counts one rejection.
    pub fn allow(&mut self, now: SimTime) -> bool {
        match self.state {
            BreakerState::Closed => {
                self.check_health(now);
            }
            BreakerState::Open { until } if now >= until => self.state = BreakerState::HalfOpen,
            _ => {
                self.rejections += 1;
                return false;
            }
        }
        match self.state {
            BreakerState::Closed | BreakerState::HalfOpen => true,
            BreakerState::Open { .. } => {
                self.rejections += 1;
                false
            }
        }
    }

    /// Records the outcome of a call at `now`. In half-open, the first outcome recorded is taken
    /// as the trial's; outcomes recorded while open are ignored.
    pub fn record(&mut self, now: SimTime, success: bool) {
        match self.state {
            BreakerState::Closed => {
                let bucket = self.bucket(now);
                bucket.requests += 1;
                bucket.errors += u32::from(!success);
                self.check_health(now);
            }
            BreakerState::HalfOpen if success => {
                self.state = BreakerState::Closed;
                self.buckets.fill(Bucket::default());
                self.snapshot_at = None;
                self.openings = 0;
            }
            BreakerState::HalfOpen => self.open(now),
            BreakerState::Open { .. } => {}
        }
    }

    /// The current state.
    pub fn state(&self) -> BreakerState {
        self.state
    }

    /// Calls rejected so far.
    pub fn rejections(&self) -> u64 {
        self.rejections
    }

    fn bucket_width(&self) -> u64 {
        (self.cfg.window.0 / self.buckets.len() as u64).max(1)
    }

    /// The bucket of `now`, cleared if it last held an older period.
    fn bucket(&mut self, now: SimTime) -> &mut Bucket {
        let index = now.0 / self.bucket_width();
        let n = self.buckets.len() as u64;
        let bucket = &mut self.buckets[(index % n) as usize];
        if bucket.index != index {
            *bucket = Bucket { index, requests: 0, errors: 0 };
        }
        bucket
    }

    /// Refreshes the health snapshot if it is due and opens the breaker if it is unhealthy.
    fn check_health(&mut self, now: SimTime) {
        if self.snapshot_at.is_some_and(|at| now < at + self.cfg.snapshot_interval) {
            return;
        }
        self.snapshot_at = Some(now);
        let current = now.0 / self.bucket_width();
        let n = self.buckets.len() as u64;
        let (requests, errors) = self
            .buckets
            .iter()
            .filter(|b| b.index + n > current && b.index <= current)
            .fold((0u64, 0u64), |(r, e), b| (r + b.requests as u64, e + b.errors as u64));
        if requests >= self.cfg.request_volume_threshold as u64
            && errors * 100 >= self.cfg.error_threshold_pct as u64 * requests
        {
            self.open(now);
        }
    }

    fn open(&mut self, now: SimTime) {
        self.openings += 1;
        self.state = BreakerState::Open { until: now + self.cfg.backoff(self.openings) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(x: u64) -> Dur {
        Dur::from_millis(x)
    }

    /// From `start`, `gap` apart: `ok` successes then `failed` failures, each call allowed
    /// first; returns the time of the last.
    fn feed(b: &mut ErrorRateBreaker, start: SimTime, gap: Dur, ok: u32, failed: u32) -> SimTime {
        let mut now = start;
        for i in 0..ok + failed {
            now = start + Dur(gap.0 * i as u64);
            assert!(b.allow(now), "call {i} at {now:?} rejected");
            b.record(now, i < ok);
        }
        now
    }

    fn hystrix() -> ErrorRateBreaker {
        ErrorRateBreaker::new(ErrorRateConfig::hystrix())
    }

    #[test]
    fn concurrency_breaker_rejects_above_its_limit() {
        let mut b = ConcurrencyBreaker::new(2);
        assert!(b.try_acquire() && b.try_acquire());
        assert!(!b.try_acquire());
        assert_eq!((b.in_flight(), b.rejections()), (2, 1));
        b.release();
        assert!(b.try_acquire());
        assert!(!b.try_acquire() && !b.try_acquire());
        assert_eq!((b.in_flight(), b.rejections()), (2, 3));
    }

    #[test]
    fn twenty_requests_at_half_failures_open_it() {
        let mut b = hystrix();
        let last = feed(&mut b, SimTime::ZERO, ms(100), 10, 10); // 20 requests by 1.9 s
        assert_eq!(b.state(), BreakerState::Closed, "the snapshot of 1.5 s is still current");
        let next = last + ms(100); // 2.0 s: a fresh snapshot
        assert!(!b.allow(next));
        assert_eq!(b.state(), BreakerState::Open { until: next + ms(300) });
        assert_eq!(b.rejections(), 1);
    }

    #[test]
    fn nineteen_requests_do_not_open_it() {
        let mut b = hystrix();
        let last = feed(&mut b, SimTime::ZERO, ms(100), 0, 19);
        assert!(b.allow(last + ms(500)));
        assert_eq!(b.state(), BreakerState::Closed);
    }

    #[test]
    fn forty_nine_percent_failures_do_not_open_it() {
        let mut b = hystrix();
        let last = feed(&mut b, SimTime::ZERO, ms(50), 51, 49); // 100 requests in 4.95 s
        assert!(b.allow(last + ms(500)));
        assert_eq!(b.state(), BreakerState::Closed);
    }

    #[test]
    fn requests_older_than_the_window_do_not_count() {
        // 15 failures in the first second, 5 more at 11 s: only 5 are in the window then.
        let mut b = hystrix();
        feed(&mut b, SimTime::ZERO, ms(50), 0, 15);
        let last = feed(&mut b, SimTime::from_secs(11.0), ms(50), 0, 5);
        assert!(b.allow(last + ms(500)));
        // Control: the same 5 failures at 9 s, inside the window, open it.
        let mut b = hystrix();
        feed(&mut b, SimTime::ZERO, ms(50), 0, 15);
        let last = feed(&mut b, SimTime::from_secs(9.0), ms(50), 0, 5);
        assert!(!b.allow(last + ms(500)));
    }

    #[test]
    fn backoff_grows_by_300_ms_per_opening_up_to_30_s() {
        let mut b = hystrix();
        let mut now = feed(&mut b, SimTime::ZERO, ms(100), 0, 20) + ms(500);
        assert!(!b.allow(now));
        for n in 1..=120u64 {
            let backoff = ms((300 * n).min(30_000));
            assert_eq!(b.state(), BreakerState::Open { until: now + backoff }, "opening {n}");
            // Rejected until the backoff has passed, then exactly one trial goes.
            assert!(!b.allow(now + Dur(backoff.0 - 1)));
            now = now + backoff;
            assert!(b.allow(now));
            assert_eq!(b.state(), BreakerState::HalfOpen);
            assert!(!b.allow(now));
            b.record(now, false);
        }
    }

    #[test]
    fn a_successful_trial_closes_it_and_resets_the_backoff() {
        let mut b = hystrix();
        let opened = feed(&mut b, SimTime::ZERO, ms(100), 0, 20) + ms(500);
        assert!(!b.allow(opened));
        assert!(b.allow(opened + ms(300)));
        b.record(opened + ms(300), false); // second opening: 0.6 s
        assert!(b.allow(opened + ms(900)));
        b.record(opened + ms(900), true);
        assert_eq!(b.state(), BreakerState::Closed);
        // The window was reset: one more failure does not reopen it ...
        assert!(b.allow(opened + ms(1000)));
        b.record(opened + ms(1000), false);
        assert!(b.allow(opened + ms(2000)));
        // ... and the next opening is the first again.
        let last = feed(&mut b, SimTime::from_secs(20.0), ms(100), 0, 20) + ms(500);
        assert!(!b.allow(last));
        assert_eq!(b.state(), BreakerState::Open { until: last + ms(300) });
    }
}
