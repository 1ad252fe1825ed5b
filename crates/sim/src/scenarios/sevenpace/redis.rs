//! Redis in the minute-step model: one thread, a fluid backlog of work, and the latency and
//! timeouts its clients see.
//!
//! Each minute the clients offer work at rate ρ (seconds of Redis thread time per second, the
//! sum over operations of a + b × bytes). Beyond one thread's capacity the excess piles up as a
//! backlog that drains when ρ falls below 1. An operation waits for the backlog plus, below
//! saturation, the M/G/1 (Pollaczek–Khinchine) wait ρ/(1−ρ) · E[S²]/(2E[S]). A synchronous
//! client gives up after `syncTimeout`; its operation stays queued and still runs. With the
//! sojourn taken as exponential with mean R, a call times out with probability e^(−T/R) and
//! holds its thread for E[min(X, T)] = R(1 − e^(−T/R)).

use serde::{Deserialize, Serialize};

/// The Redis server of the macro model.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FluidRedis {
    /// Work waiting at the start of the minute [s of thread time].
    pub backlog_s: f64,
}

/// What one minute at Redis looked like.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RedisMinute {
    /// Busy fraction of the thread over the minute (server_load).
    pub load: f64,
    /// Mean sojourn of an operation [s].
    pub latency_s: f64,
    /// Probability that a synchronous call times out.
    pub p_timeout: f64,
    /// Mean time a synchronous call holds its thread [s].
    pub hold_s: f64,
}

impl FluidRedis {
    /// Advances one step of `dt` seconds with offered work `rho` [s/s] whose operations have
    /// mean service `s1` and mean squared service `s2`; clients time out after `timeout_s`.
    pub fn step(&mut self, dt: f64, rho: f64, s1: f64, s2: f64, timeout_s: f64) -> RedisMinute {
        let b0 = self.backlog_s;
        let b1 = (b0 + (rho - 1.0) * dt).max(0.0);
        self.backlog_s = b1;
        // Busy time: all of the old backlog and the new work, at most the whole step.
        let load = ((b0 + rho * dt).min(dt) / dt).clamp(0.0, 1.0);
        let residual = if s1 > 0.0 { s2 / (2.0 * s1) } else { 0.0 };
        // Mean backlog over the step (the backlog is piecewise linear in time).
        let mean_backlog = if rho >= 1.0 || b1 > 0.0 {
            0.5 * (b0 + b1)
        } else {
            // Drains to zero at b0 / (1 − ρ), then stays empty.
            let t_empty = (b0 / (1.0 - rho)).min(dt);
            0.5 * b0 * t_empty / dt
        };
        // Near saturation the fluid backlog takes over; the P-K wait is capped at ρ = 0.99.
        let rc = rho.min(0.99);
        let pk = rc / (1.0 - rc) * residual;
        let latency_s = s1 + mean_backlog + if mean_backlog > 0.0 { residual } else { pk };
        let (p_timeout, hold_s) = if latency_s > 0.0 {
            let e = libm::exp(-timeout_s / latency_s);
            (e, latency_s * (1.0 - e))
        } else {
            (0.0, 0.0)
        };
        RedisMinute { load, latency_s, p_timeout, hold_s }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backlog_grows_at_rho_minus_one_and_drains() {
        let mut r = FluidRedis::default();
        let m = r.step(60.0, 1.1, 0.001, 2e-6, 1.0);
        assert!((r.backlog_s - 6.0).abs() < 1e-9);
        assert_eq!(m.load, 1.0);
        assert!(m.p_timeout > 0.5, "a 3 s mean wait times out most 1 s calls: {}", m.p_timeout);
        let m = r.step(60.0, 0.5, 0.001, 2e-6, 1.0);
        assert_eq!(r.backlog_s, 0.0);
        assert!((m.load - 36.0 / 60.0).abs() < 1e-9, "6 s of backlog plus 30 s of new work");
        let m = r.step(60.0, 0.5, 0.001, 2e-6, 1.0);
        // P-K: 0.5/0.5 × 1 ms residual.
        assert!((m.latency_s - 0.002).abs() < 1e-9, "{}", m.latency_s);
        assert!(m.p_timeout < 1e-100);
    }
}
