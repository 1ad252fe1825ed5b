//! The M/M/c mode against Erlang C: P(wait) within ±0.01 and Wq within ±5 %.
//!
//! Sizing: the relative standard error of a mean wait estimated from N correlated customers at
//! utilisation ρ grows like 1/((1-ρ)·sqrt(N)). We average 4 independent seeds of 1.5 M customers
//! at ρ ≤ 0.9 and 4 × 4 M at ρ = 0.95, which keeps the standard error near 1 %, so ±5 % is a
//! 4–5 σ bound rather than a lucky seed.

use postmortem_sim::erlang::erlang_c;
use postmortem_sim::mmc::{bare_heap, simulate, MmcConfig};

fn check(servers: u32, a: f64, customers: u64) {
    let mu = 1.0;
    let lambda = a * mu;
    let seeds = 1..=4u64;
    let runs: Vec<_> = seeds
        .map(|seed| simulate(&MmcConfig { servers, arrival_rate: lambda, service_rate: mu, customers, seed }))
        .collect();
    let n = runs.len() as f64;
    let p_wait = runs.iter().map(|r| r.p_wait).sum::<f64>() / n;
    let wq = runs.iter().map(|r| r.wq_s).sum::<f64>() / n;
    let e = erlang_c(servers, lambda, mu).unwrap();
    assert!(
        (p_wait - e.p_wait).abs() <= 0.01,
        "c={servers} a={a}: P(wait) {p_wait:.4} vs Erlang C {:.4}",
        e.p_wait
    );
    assert!((wq - e.wq_s).abs() / e.wq_s <= 0.05, "c={servers} a={a}: Wq {wq:.4} vs Erlang C {:.4}", e.wq_s);
    // Every customer is served: the summary counts them all.
    assert!(runs.iter().all(|r| r.customers == customers));
}

#[test]
fn c3_a2_5() {
    check(3, 2.5, 1_500_000); // ρ = 0.83
}

#[test]
fn c5_a2_5() {
    check(5, 2.5, 1_500_000); // ρ = 0.5
}

#[test]
fn c8_rho_0_7() {
    check(8, 5.6, 1_500_000);
}

#[test]
fn c7_rho_0_9() {
    check(7, 6.3, 1_500_000);
}

#[test]
fn c8_rho_0_95() {
    check(8, 7.6, 4_000_000);
}

#[test]
fn one_server_is_mm1() {
    check(1, 0.8, 1_500_000);
}

/// The bare-heap baseline is the same queue: FIFO, c servers. Drawing from the same streams in
/// the same order, it must produce the very same waits as the engine, customer for customer.
/// They differ only by the engine's rounding of each completion up to the next whole nanosecond,
/// so the summaries agree to 1e-6 relative (a different sample path would differ by percents).
#[test]
fn the_engine_and_the_bare_heap_agree() {
    for (servers, lambda) in [(1, 0.8), (7, 6.3), (3, 2.9)] {
        let cfg =
            MmcConfig { servers, arrival_rate: lambda, service_rate: 1.0, customers: 200_000, seed: 17 };
        let (a, b) = (simulate(&cfg), bare_heap(&cfg));
        assert!((a.wq_s - b.wq_s).abs() <= 1e-6 * a.wq_s, "c={servers}: {} vs {}", a.wq_s, b.wq_s);
        assert!((a.p_wait - b.p_wait).abs() < 1e-5, "c={servers}: {} vs {}", a.p_wait, b.p_wait);
    }
}
