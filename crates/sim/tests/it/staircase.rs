//! The CLR injection rules, end to end through the staircase scenario.

use postmortem_sim::scenario;

fn run(changes: &[(&str, f64)]) -> postmortem_sim::Simulation {
    let s = scenario::find("staircase").unwrap();
    let mut p = s.defaults();
    for (n, v) in changes {
        p.set(s.params, n, *v).unwrap();
    }
    s.start(&p, 5).unwrap()
}

/// All threads block on a dependency that does not answer within the run, and the CPU is idle:
/// MinWorker threads at once, then exactly one more at every 500 ms gate tick.
#[test]
fn blocked_threads_give_an_exact_staircase() {
    let mut sim = run(&[("io_s", 600.0), ("duration_s", 120.0)]);
    // Find the first gate tick that injected.
    let mut k0 = None;
    for k in 1..=20 {
        sim.run_until(k as f64 * 0.5 + 0.25);
        if sim.threads(0) > 192 {
            k0 = Some(k);
            break;
        }
        assert!(sim.threads(0) <= 192);
    }
    let k0 = k0.expect("starvation injection began within 10 s");
    // 192 arrivals at 400 req/s take 0.48 s on average (sd 0.035 s); the first injection comes
    // at the first tick at least 500 ms after the last dequeue: at 1.0 s or 1.5 s.
    assert!(k0 <= 3, "first injection at tick {k0}");
    for k in k0..=k0 + 120 {
        sim.run_until(k as f64 * 0.5 + 0.25);
        assert_eq!(sim.threads(0), 192 + 1 + (k - k0) as u32, "tick {k}");
    }
    // 60 s of ticks: +120 threads, 2 per second.
    assert_eq!(sim.threads(0), 192 + 121);
}

/// With the CPU at or above 80 %, the next thread needs `goal × 1 s` without a dequeue:
/// in 60 s at most one injection, against about 118 when the threads are blocked.
#[test]
fn the_80_percent_rule_stalls_injection() {
    let s = scenario::find("staircase").unwrap();
    let mut p = s.defaults();
    p.apply(s.params, s.preset("cpu_bound").unwrap()).unwrap();
    let mut busy = s.start(&p, 5).unwrap();
    busy.run_to_end();
    let cpu = busy.series().column("cpu_pct").unwrap();
    let late_cpu = cpu[cpu.len() / 2..].iter().sum::<f64>() / (cpu.len() - cpu.len() / 2) as f64;
    assert!(late_cpu >= 80.0, "the preset must keep the CPU busy: {late_cpu}");
    let queue = busy.series().column("queue").unwrap();
    assert!(queue.last().unwrap() > &100.0, "work is waiting");
    let injected = *busy.series().column("injected").unwrap().last().unwrap();
    assert!(injected <= 1.0, "injected {injected}");

    let mut blocked = run(&[]);
    blocked.run_to_end();
    let injected = *blocked.series().column("injected").unwrap().last().unwrap();
    assert!((110.0..=120.0).contains(&injected), "injected {injected}");
}

/// .NET 6 cooperative blocking: `cores` threads above MinWorker at once, then delays of
/// 25 ms growing by 25 ms per `cores` threads up to 250 ms. With 4 cores: 4 threads within the
/// first instant after MinWorker, about 40 in the first 5 s, against 2 per second for the gate.
#[test]
fn net6_injects_fast() {
    let mut old = run(&[]);
    let mut new = run(&[("net6", 1.0)]);
    new.run_until(1.0);
    assert!(new.threads(0) >= 192 + 4, "cores at once: {}", new.threads(0));
    old.run_until(10.0);
    new.run_until(10.0);
    assert!(new.threads(0) >= old.threads(0) + 30, "net6 {} vs netfx {}", new.threads(0), old.threads(0));
}
