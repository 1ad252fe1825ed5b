//! Criterion benchmarks of the engine, natively. `cargo bench -p postmortem-sim --bench engine`.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use postmortem_sim::mmc::{simulate, MmcConfig};
use postmortem_sim::scenario;
use std::hint::black_box;

fn mmc(c: &mut Criterion) {
    let mut g = c.benchmark_group("mmc");
    let customers = 200_000;
    g.throughput(Throughput::Elements(customers));
    for servers in [1u32, 7, 32] {
        let cfg = MmcConfig {
            servers,
            arrival_rate: 0.9 * servers as f64 * 10.0,
            service_rate: 10.0,
            customers,
            seed: 1,
        };
        g.bench_with_input(BenchmarkId::new("rho0.9", servers), &cfg, |b, cfg| {
            b.iter(|| simulate(black_box(cfg)))
        });
    }
    g.finish();
}

/// Whole runs of scenarios at their defaults, seed 1, in one benchmark group.
fn whole_runs(c: &mut Criterion, group: &str, names: &[&str]) {
    let mut g = c.benchmark_group(group);
    g.sample_size(10);
    for &name in names {
        let s = scenario::find(name).unwrap();
        let params = s.defaults();
        g.bench_function(name, |b| {
            b.iter(|| {
                let mut sim = s.start(&params, 1).unwrap();
                sim.run_to_end();
                black_box(sim.series().len())
            })
        });
    }
    g.finish();
}

fn scenarios(c: &mut Criterion) {
    whole_runs(c, "scenario", &["staircase", "probe"]);
}

/// The 7pace models at their defaults: six months at one minute (target ≤ 300 ms) and the
/// two-hour zoom (target ≤ 2 s).
fn sevenpace(c: &mut Criterion) {
    whole_runs(c, "7pace", &["7pace-2017", "7pace-2018-01-02"]);
}

/// The default VSTS run (scale 0.25), its first 20 simulated minutes (09:30–09:50, before the
/// storm): the whole 3.5 h run is too long for criterion's repetitions. docs/PERFORMANCE.md gives
/// the ratio of the whole run to this slice.
fn vsts(c: &mut Criterion) {
    let mut g = c.benchmark_group("scenario");
    g.sample_size(10);
    let s = scenario::find("vsts-2018-02-07").unwrap();
    let params = s.defaults();
    g.bench_function("vsts-2018-02-07 first 20 min", |b| {
        b.iter(|| {
            let mut sim = s.start(&params, 1).unwrap();
            sim.run_until(1200.0);
            black_box(sim.series().len())
        })
    });
    g.finish();
}

criterion_group!(benches, mmc, scenarios, sevenpace, vsts);
criterion_main!(benches);
