//! Open-loop clients: Poisson arrivals that do not slow down when the server does, each request
//! with a shape (CPU before and after an outbound call) and an optional client timeout.

use crate::rng::Stream;
use crate::time::Dur;
use serde::{Deserialize, Serialize};

/// A distribution of a duration [s].
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Dist {
    /// Always this value [s].
    Const(f64),
    /// Exponential with this mean [s].
    Exp(f64),
    /// Log-normal with this mean [s] and coefficient of variation.
    LogNormal(f64, f64),
}

impl Dist {
    /// Zero.
    pub const ZERO: Dist = Dist::Const(0.0);

    /// Draws one value [s].
    #[inline(always)]
    pub fn sample(&self, rng: &mut Stream) -> f64 {
        match *self {
            Dist::Const(v) => v,
            Dist::Exp(mean) => rng.exp(mean),
            Dist::LogNormal(mean, cv) => rng.lognormal(mean, cv),
        }
    }

    /// The mean [s].
    pub fn mean(&self) -> f64 {
        match *self {
            Dist::Const(v) | Dist::Exp(v) | Dist::LogNormal(v, _) => v,
        }
    }
}

/// What one request does once a worker thread picks it up.
///
/// `cpu_before` → outbound call of `io` (the thread blocks) → with probability `p_sync` a
/// continuation of `cpu_continuation` must run on another pool thread before the blocked thread
/// resumes → `cpu_after` → response. With `io` zero the request is pure CPU.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RequestShape {
    /// CPU before the outbound call.
    pub cpu_before: Dist,
    /// Outbound call latency; zero for none.
    pub io: Dist,
    /// Probability that the call's completion needs a pool thread (sync-over-async).
    pub p_sync: f64,
    /// CPU of that continuation.
    pub cpu_continuation: Dist,
    /// CPU after the call.
    pub cpu_after: Dist,
}

impl RequestShape {
    /// A request that only needs CPU.
    pub fn cpu_only(cpu: Dist) -> RequestShape {
        RequestShape {
            cpu_before: cpu,
            io: Dist::ZERO,
            p_sync: 0.0,
            cpu_continuation: Dist::ZERO,
            cpu_after: Dist::ZERO,
        }
    }
}

/// Where a source's requests go.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Target {
    /// Straight to one worker process.
    Process(u16),
    /// Through the load balancer.
    Balancer,
}

/// An open-loop Poisson source.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OpenLoopSource {
    /// Mean arrival rate [req/s]; zero pauses the source.
    pub rate: f64,
    /// What each request does.
    pub shape: RequestShape,
    /// Where requests go.
    pub target: Target,
    /// Clients give up after this long (the server keeps working); `None` for never.
    pub timeout: Option<Dur>,
    /// Stop after this many requests (for fixed-size experiments).
    pub limit: Option<u64>,
    /// Requests issued so far.
    pub issued: u64,
}

impl OpenLoopSource {
    /// The gap to the next arrival [s], or `None` when the source is done or paused.
    pub fn next_gap(&self, rng: &mut Stream) -> Option<f64> {
        if self.rate <= 0.0 || self.limit.is_some_and(|l| self.issued >= l) {
            return None;
        }
        Some(rng.exp(1.0 / self.rate))
    }
}
