//! Metrics a scenario registers and owns: windowed counters, distinct ids per window, a latency
//! histogram with bounded memory, and a rate from a cumulative counter.
//!
//! Windows are aligned to time zero: window k covers [k·width, (k+1)·width). Times passed to a
//! metric must be nondecreasing.

use crate::time::{Dur, SimTime};
use serde::{Deserialize, Serialize};

/// A total kept over fixed windows aligned to time zero: the window in progress and the one
/// before it.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Window<T> {
    width: Dur,
    /// The window `current` belongs to.
    window: u64,
    current: T,
    /// The total of window `window - 1`.
    previous: T,
}

impl<T: Copy + Default> Window<T> {
    /// Panics if `width` is zero.
    fn new(width: Dur) -> Window<T> {
        assert!(width > Dur::ZERO, "a window needs a width");
        Window { width, window: 0, current: T::default(), previous: T::default() }
    }

    fn index(&self, now: SimTime) -> u64 {
        now.0 / self.width.0
    }

    /// Moves to the window containing `now`; returns whether it is a new one (its total starts
    /// from the default).
    fn roll(&mut self, now: SimTime) -> bool {
        let k = self.index(now);
        if k == self.window {
            return false;
        }
        self.previous = if k == self.window + 1 { self.current } else { T::default() };
        self.current = T::default();
        self.window = k;
        true
    }

    /// The total of the window just before the one containing `now` (the default if none).
    fn last_complete(&self, now: SimTime) -> T {
        let k = self.index(now);
        if k == self.window {
            self.previous
        } else if k == self.window + 1 {
            self.current
        } else {
            T::default()
        }
    }

    /// The total so far of the window containing `now`.
    fn current(&self, now: SimTime) -> T {
        if self.index(now) == self.window {
            self.current
        } else {
            T::default()
        }
    }
}

/// A counter summed over fixed windows (5 s, 1 min, ...), keeping only two windows.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Bucketed {
    win: Window<f64>,
}

impl Bucketed {
    /// A counter over windows of `width`. Panics if `width` is zero.
    pub fn new(width: Dur) -> Bucketed {
        Bucketed { win: Window::new(width) }
    }

    /// Adds `x` to the window containing `now`.
    pub fn add(&mut self, now: SimTime, x: f64) {
        self.win.roll(now);
        self.win.current += x;
    }

    /// The total of the window just before the one containing `now` (0 if none or empty).
    pub fn last_complete(&self, now: SimTime) -> f64 {
        self.win.last_complete(now)
    }

    /// The total so far of the window containing `now`.
    pub fn current(&self, now: SimTime) -> f64 {
        self.win.current(now)
    }
}

/// Distinct ids (such as users) seen per fixed window, counted exactly with a bitset.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DistinctPerBucket {
    win: Window<u32>,
    n_ids: u32,
    /// One bit per id seen in the current window.
    seen: Vec<u64>,
}

impl DistinctPerBucket {
    /// Counts ids in 0..`n_ids` over windows of `width`. Panics if `width` is zero.
    pub fn new(width: Dur, n_ids: u32) -> DistinctPerBucket {
        let words = (n_ids as usize).div_ceil(64);
        DistinctPerBucket { win: Window::new(width), n_ids, seen: vec![0; words] }
    }

    /// Marks `id` as seen in the window containing `now`. Panics if `id` ≥ `n_ids`.
    pub fn mark(&mut self, now: SimTime, id: u32) {
        assert!(id < self.n_ids, "id {id} out of range 0..{}", self.n_ids);
        if self.win.roll(now) {
            self.seen.fill(0);
        }
        let (word, bit) = ((id / 64) as usize, 1u64 << (id % 64));
        if self.seen[word] & bit == 0 {
            self.seen[word] |= bit;
            self.win.current += 1;
        }
    }

    /// Distinct ids of the window just before the one containing `now` (0 if none).
    pub fn last_complete(&self, now: SimTime) -> u32 {
        self.win.last_complete(now)
    }

    /// Distinct ids so far in the window containing `now`.
    pub fn current(&self, now: SimTime) -> u32 {
        self.win.current(now)
    }
}

/// Buckets per decade of the [`Histogram`].
const PER_DECADE: u32 = 20;
/// Decades from [`LOWEST_S`] to the top edge, 10,000 s.
const DECADES: u32 = 7;
/// Lower edge of the first regular bucket [s].
const LOWEST_S: f64 = 1e-3;
/// Regular buckets, between the underflow (index 0) and the overflow (last index).
const REGULAR: usize = (PER_DECADE * DECADES) as usize;

/// A latency histogram: 20 log-spaced buckets per decade from 1 ms to 10,000 s, plus an
/// underflow and an overflow bucket (142 counters whatever the sample size).
///
/// [`quantile`](Histogram::quantile) reports the geometric midpoint of the bucket holding the
/// sample's order statistic, so within the range its relative error is at most
/// [`Histogram::MAX_REL_ERROR`] = 10^(1/40) − 1 ≈ 5.9 %.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Histogram {
    counts: Vec<u64>,
    total: u64,
}

impl Default for Histogram {
    fn default() -> Self {
        Histogram::new()
    }
}

impl Histogram {
    /// Bound on |estimate / true − 1| of a quantile between 1 ms and 10,000 s.
    pub const MAX_REL_ERROR: f64 = 0.059_253_725_177_289;

    /// An empty histogram.
    pub fn new() -> Histogram {
        Histogram { counts: vec![0; REGULAR + 2], total: 0 }
    }

    /// Records one value [s].
    pub fn record(&mut self, x_s: f64) {
        let i = if x_s.is_nan() || x_s < LOWEST_S {
            0
        } else {
            let pos = libm::log10(x_s / LOWEST_S) * PER_DECADE as f64;
            (pos as usize).min(REGULAR) + 1
        };
        self.counts[i] += 1;
        self.total += 1;
    }

    /// The value [s] of rank ⌈q·count⌉ (at least 1): the geometric midpoint of its bucket; 1 ms
    /// for the underflow, 10,000 s for the overflow, 0 when empty.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.total == 0 {
            return 0.0;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        let i = self
            .counts
            .iter()
            .position(|c| {
                seen += c;
                seen >= rank
            })
            .unwrap_or(REGULAR + 1);
        match i {
            0 => LOWEST_S,
            i if i > REGULAR => LOWEST_S * libm::pow(10.0, DECADES as f64),
            i => LOWEST_S * libm::pow(10.0, (i as f64 - 0.5) / PER_DECADE as f64),
        }
    }

    /// Values recorded since the last reset.
    pub fn count(&self) -> u64 {
        self.total
    }

    /// Forgets every value.
    pub fn reset(&mut self) {
        self.counts.fill(0);
        self.total = 0;
    }
}

/// Turns a cumulative counter into a rate [1/s] between successive samples.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Rate {
    last: Option<(SimTime, u64)>,
    rate: f64,
}

impl Rate {
    /// A rate with no sample yet.
    pub fn new() -> Rate {
        Rate::default()
    }

    /// The rate since the previous sample: 0 for the first; the previous rate if no time has
    /// passed; a counter that went down counts as no increase.
    pub fn per_s(&mut self, now: SimTime, cumulative: u64) -> f64 {
        match self.last {
            Some((t, _)) if now <= t => return self.rate,
            Some((t, c)) => self.rate = cumulative.saturating_sub(c) as f64 / (now - t).secs(),
            None => self.rate = 0.0,
        }
        self.last = Some((now, cumulative));
        self.rate
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Stream;

    fn t(s: f64) -> SimTime {
        SimTime::from_secs(s)
    }

    #[test]
    fn bucketed_rolls_over_and_forgets_skipped_windows() {
        let mut c = Bucketed::new(Dur::from_secs(5.0));
        assert_eq!(c.last_complete(t(1.0)), 0.0, "no window has completed");
        c.add(t(1.0), 2.0);
        c.add(t(4.9), 3.0);
        assert_eq!((c.current(t(4.9)), c.last_complete(t(4.9))), (5.0, 0.0));
        // Window 1 ([5, 10)) before anything is added to it: window 0 is complete.
        assert_eq!((c.current(t(5.0)), c.last_complete(t(5.0))), (0.0, 5.0));
        c.add(t(6.0), 1.0);
        assert_eq!((c.current(t(9.0)), c.last_complete(t(9.0))), (1.0, 5.0));
        assert_eq!(c.last_complete(t(10.0)), 1.0);
        // Windows 2 to 4 stay empty: at 20 s or later the last complete window is empty.
        assert_eq!(c.last_complete(t(20.0)), 0.0);
        c.add(t(26.0), 4.0);
        assert_eq!((c.current(t(26.0)), c.last_complete(t(26.0))), (4.0, 0.0));
        assert_eq!(c.last_complete(t(31.0)), 4.0);
    }

    #[test]
    fn distinct_ids_are_counted_exactly_per_window() {
        let mut users = DistinctPerBucket::new(Dur::from_secs(60.0), 1000);
        // Ids 0..1000 with repeats, across word boundaries: 500 distinct even ids in window 0.
        for i in 0..3000u32 {
            users.mark(t(i as f64 * 0.01), (i * 2) % 1000);
        }
        assert_eq!((users.current(t(30.0)), users.last_complete(t(30.0))), (500, 0));
        assert_eq!(users.last_complete(t(60.0)), 500);
        // Window 1: ids 63, 64 and 999, each twice; the bitset was cleared at roll-over.
        for id in [63, 64, 999, 63, 64, 999] {
            users.mark(t(61.0), id);
        }
        assert_eq!((users.current(t(61.0)), users.last_complete(t(61.0))), (3, 500));
        // A gap of several windows: window 4 follows nothing.
        users.mark(t(250.0), 7);
        assert_eq!((users.current(t(250.0)), users.last_complete(t(250.0))), (1, 0));
        assert_eq!(users.last_complete(t(300.0)), 1);
    }

    #[test]
    fn histogram_quantiles_are_within_the_stated_error() {
        let mut rng = Stream::derive(9, "service", 0);
        let mut xs: Vec<f64> = (0..50_000).map(|_| rng.lognormal(0.2, 3.0)).collect();
        xs.push(1e-3); // the exact lower edge
        xs.push(10.0); // an exact bucket edge
        let mut h = Histogram::new();
        xs.iter().for_each(|x| h.record(*x));
        xs.sort_unstable_by(f64::total_cmp);
        assert_eq!(h.count(), xs.len() as u64);
        let bound = 10f64.powf(1.0 / 40.0) - 1.0;
        assert!((Histogram::MAX_REL_ERROR - bound).abs() < 1e-12);
        for q in [0.0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 1.0] {
            let rank = ((q * xs.len() as f64).ceil() as usize).max(1);
            let exact = xs[rank - 1];
            if !(1e-3..1e4).contains(&exact) {
                continue;
            }
            let rel = (h.quantile(q) / exact - 1.0).abs();
            assert!(rel <= bound + 1e-9, "q {q}: {} vs {exact} ({rel})", h.quantile(q));
        }
        // A uniform sample 1 ms, 2 ms, ..., 10 s.
        let mut h = Histogram::new();
        (1..=10_000).for_each(|i| h.record(i as f64 * 1e-3));
        for (q, exact) in [(0.0001, 0.001), (0.5, 5.0), (0.95, 9.5), (1.0, 10.0)] {
            assert!((h.quantile(q) / exact - 1.0).abs() <= bound + 1e-9, "q {q}");
        }
        // Out of range and reset.
        h.record(1e-6);
        h.record(1e6);
        assert_eq!((h.quantile(0.0), h.quantile(1.0)), (1e-3, 1e4));
        h.reset();
        assert_eq!((h.count(), h.quantile(0.5)), (0, 0.0));
        // The rank is ⌈q·n⌉: of four values a decade apart, q = 0.3 is the second.
        [0.01, 0.1, 1.0, 10.0].iter().for_each(|x| h.record(*x));
        for (q, exact) in [(0.0, 0.01), (0.25, 0.01), (0.3, 0.1), (0.5, 0.1), (0.51, 1.0), (1.0, 10.0)] {
            assert!((h.quantile(q) / exact - 1.0).abs() <= bound + 1e-9, "q {q}: {}", h.quantile(q));
        }
    }

    #[test]
    fn rate_divides_the_increase_by_the_time_between_samples() {
        let mut r = Rate::new();
        assert_eq!(r.per_s(t(1.0), 100), 0.0);
        assert_eq!(r.per_s(t(3.0), 150), 25.0);
        assert_eq!(r.per_s(t(3.0), 999), 25.0, "no time passed");
        assert_eq!(r.per_s(t(3.5), 160), 20.0);
        assert_eq!(r.per_s(t(4.5), 0), 0.0, "a counter reset is no increase");
    }
}
