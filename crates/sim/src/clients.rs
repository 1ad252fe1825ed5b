//! Open-loop clients: Poisson arrivals that do not slow down when the server does, each request
//! drawn from a shape, with an optional client timeout.

use crate::engine::request::RequestShape;
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
    /// Uniform between the two values [s].
    Uniform(f64, f64),
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
            Dist::Uniform(a, b) => a + (b - a) * rng.uniform(),
        }
    }

    /// The mean [s].
    pub fn mean(&self) -> f64 {
        match *self {
            Dist::Const(v) | Dist::Exp(v) | Dist::LogNormal(v, _) => v,
            Dist::Uniform(a, b) => 0.5 * (a + b),
        }
    }
}

/// Where a request goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Target {
    /// Straight to one worker process.
    Process(u16),
    /// To one host (a process chosen uniformly).
    Host(u16),
    /// Through host group `g`'s load balancer.
    Group(u16),
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
    /// Users behind the source: each request carries a uniform user id below this (0 = none).
    pub users: u32,
    /// Component told each request's outcome, with the user id as tag (0 = nobody).
    pub notify: u16,
    /// Users keep to a home host and process while it is in rotation (a browser's kept-alive
    /// connections stay on the host the balancer first chose): user u's home is member
    /// u mod n of the group, process (u div n) mod its processes. Off, or with the home out
    /// of rotation, a request goes to a host in rotation at random.
    #[serde(default)]
    pub sticky_users: bool,
}

impl OpenLoopSource {
    /// A source at `rate` of requests shaped `shape` to `target`, with no timeout, no limit,
    /// no users and nobody told.
    pub fn new(rate: f64, shape: RequestShape, target: Target) -> OpenLoopSource {
        OpenLoopSource {
            rate,
            shape,
            target,
            timeout: None,
            limit: None,
            issued: 0,
            users: 0,
            notify: 0,
            sticky_users: false,
        }
    }

    /// The gap to the next arrival [s], or `None` when the source is done or paused.
    pub fn next_gap(&self, rng: &mut Stream) -> Option<f64> {
        if self.rate <= 0.0 || self.limit.is_some_and(|l| self.issued >= l) {
            return None;
        }
        Some(rng.exp(1.0 / self.rate))
    }
}
