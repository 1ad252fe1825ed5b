//! Simulated time. It is a value carried by the simulation, never read from a clock.
//!
//! Time is kept as whole nanoseconds in a `u64` (584 years of range), so event order and periodic
//! rules such as the thread pool's 500 ms gate are exact and identical natively and in wasm.

use serde::{Deserialize, Serialize};
use std::ops::{Add, Sub};

/// A point in simulated time [ns since the start of the run].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SimTime(pub u64);

/// A span of simulated time [ns].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Dur(pub u64);

impl SimTime {
    /// The start of every run.
    pub const ZERO: SimTime = SimTime(0);
    /// Never: for I/O that does not complete.
    pub const NEVER: SimTime = SimTime(u64::MAX);

    /// From seconds, rounded to the nearest nanosecond.
    pub fn from_secs(s: f64) -> SimTime {
        SimTime(secs_to_ns(s))
    }

    /// In seconds.
    pub fn secs(self) -> f64 {
        self.0 as f64 / 1e9
    }

    /// The time elapsed since `earlier` (zero if `earlier` is later).
    pub fn since(self, earlier: SimTime) -> Dur {
        Dur(self.0.saturating_sub(earlier.0))
    }
}

impl Dur {
    /// No time.
    pub const ZERO: Dur = Dur(0);

    /// From seconds, rounded to the nearest nanosecond; negative or NaN becomes zero,
    /// infinite or huge becomes [`Dur::MAX`].
    pub fn from_secs(s: f64) -> Dur {
        Dur(secs_to_ns(s))
    }

    /// From milliseconds.
    pub fn from_millis(ms: u64) -> Dur {
        Dur(ms * 1_000_000)
    }

    /// The longest span, used for "never".
    pub const MAX: Dur = Dur(u64::MAX);

    /// In seconds.
    /// (A multiplication, not a division: spans are summed on hot paths, where a division's
    /// latency shows. `SimTime::secs` divides, so printed instants are exact.)
    pub fn secs(self) -> f64 {
        self.0 as f64 * 1e-9
    }
}

fn secs_to_ns(s: f64) -> u64 {
    if s.is_nan() || s <= 0.0 {
        0
    } else if s >= 9.0e9 {
        u64::MAX // 285 years: "never" for any run
    } else {
        // Round half up through i64: a single instruction, where `round` and `as u64` are
        // library calls or branchy sequences on baseline x86-64.
        (s * 1e9 + 0.5) as i64 as u64
    }
}

impl Add<Dur> for SimTime {
    type Output = SimTime;
    fn add(self, d: Dur) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }
}

impl Sub<SimTime> for SimTime {
    type Output = Dur;
    fn sub(self, other: SimTime) -> Dur {
        self.since(other)
    }
}

impl Add for Dur {
    type Output = Dur;
    fn add(self, d: Dur) -> Dur {
        Dur(self.0.saturating_add(d.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_round_and_saturate() {
        assert_eq!(SimTime::from_secs(0.5), SimTime(500_000_000));
        assert_eq!(Dur::from_secs(-1.0), Dur::ZERO);
        assert_eq!(Dur::from_secs(f64::INFINITY), Dur::MAX);
        assert_eq!(SimTime(10) + Dur::MAX, SimTime::NEVER);
        assert_eq!(SimTime(5) - SimTime(9), Dur::ZERO);
        assert!((SimTime::from_secs(1.25).secs() - 1.25).abs() < 1e-12);
    }
}
