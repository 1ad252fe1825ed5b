//! Closed forms for the M/M/c queue (Erlang C), used to check the simulator and to draw the
//! "why waits explode near 100 %" curve.
//!
//! With offered load a = λ/μ and c servers (ρ = a/c < 1):
//! P(wait) = [aᶜ/c! · c/(c−a)] / [Σ_{k<c} aᵏ/k! + aᶜ/c! · c/(c−a)] and W_q = P(wait)/(cμ − λ).

use serde::Serialize;

/// Steady-state figures of an M/M/c queue.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ErlangC {
    /// Probability that an arriving customer has to wait.
    pub p_wait: f64,
    /// Mean wait in the queue [s].
    pub wq_s: f64,
    /// Mean time in the system, wait plus service [s].
    pub w_s: f64,
    /// Utilisation ρ = λ/(cμ).
    pub rho: f64,
}

/// Erlang C for `servers` servers, arrival rate λ [1/s] and per-server service rate μ [1/s].
/// Returns `None` when the queue is unstable (ρ ≥ 1) or an input is not positive.
///
/// ```
/// let e = postmortem_sim::erlang::erlang_c(8, 280.0, 50.0).unwrap();
/// assert!((e.p_wait - 0.2706).abs() < 1e-4);
/// ```
pub fn erlang_c(servers: u32, arrival_rate: f64, service_rate: f64) -> Option<ErlangC> {
    let positive = |x: f64| x.is_finite() && x > 0.0;
    if servers == 0 || !positive(arrival_rate) || !positive(service_rate) {
        return None;
    }
    let c = servers as f64;
    let a = arrival_rate / service_rate;
    let rho = a / c;
    if rho >= 1.0 {
        return None;
    }
    // Sum the terms iteratively (aᵏ/k!) so large c does not overflow.
    let mut term = 1.0;
    let mut sum = 0.0;
    for k in 0..servers {
        sum += term;
        term *= a / (k as f64 + 1.0);
    }
    // term == aᶜ/c!
    let top = term * c / (c - a);
    let p_wait = top / (sum + top);
    let wq_s = p_wait / (c * service_rate - arrival_rate);
    Some(ErlangC { p_wait, wq_s, w_s: wq_s + 1.0 / service_rate, rho })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The test vectors of MODEL.md §5.1, computed from the formula independently.
    #[test]
    fn matches_the_published_vectors() {
        let per_hour = 1.0 / 3600.0;
        let cases = [
            (3, 30.0 * per_hour, 12.0 * per_hour, 0.7022, 421.3),
            (4, 30.0 * per_hour, 12.0 * per_hour, 0.3199, 64.0),
            (5, 30.0 * per_hour, 12.0 * per_hour, 0.1304, 15.6),
            (6, 30.0 * per_hour, 12.0 * per_hour, 0.0474, 4.1),
            (8, 280.0, 50.0, 0.2706, 0.00226),
            (8, 330.0, 50.0, 0.5133, 0.00733),
            (8, 380.0, 50.0, 0.8442, 0.0422),
            (8, 390.0, 50.0, 0.9205, 0.09205),
        ];
        for (c, l, m, p, wq) in cases {
            let e = erlang_c(c, l, m).unwrap();
            assert!((e.p_wait - p).abs() < 6e-4, "c={c} p_wait {} vs {p}", e.p_wait);
            assert!((e.wq_s - wq).abs() / wq < 0.01, "c={c} wq {} vs {wq}", e.wq_s);
        }
    }

    #[test]
    fn unstable_or_invalid_is_none() {
        assert!(erlang_c(2, 2.0, 1.0).is_none());
        assert!(erlang_c(0, 1.0, 1.0).is_none());
        assert!(erlang_c(2, 0.0, 1.0).is_none());
        assert!(erlang_c(2, f64::NAN, 1.0).is_none());
    }

    #[test]
    fn single_server_is_mm1() {
        let e = erlang_c(1, 0.9, 1.0).unwrap();
        assert!((e.p_wait - 0.9).abs() < 1e-12);
        assert!((e.wq_s - 9.0).abs() < 1e-9);
    }
}
