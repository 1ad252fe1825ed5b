//! The VSTS scenario and the engine rules it rests on.

use postmortem_sim::clients::{Dist, OpenLoopSource, Target};
use postmortem_sim::engine::{Engine, EngineConfig, HostConfig, ProcessConfig, RequestShape};
use postmortem_sim::load_balancer::ProbeConfig;
use postmortem_sim::scenario;
use postmortem_sim::scenarios::vsts::{self, checks};
use postmortem_sim::thread_pool::PoolConfig;
use postmortem_sim::time::{Dur, SimTime};

/// Two hosts behind a balancer probing every 15 s with a 15 s timeout (the VSTS default), host 0
/// slowed so far that its probes wait in the queue for longer than the timeout. The queue limit is
/// out of reach, so no probe gets a 503: the host must leave on timeouts alone, after exactly
/// `fail_threshold` of them. (Before per-probe tracking, each new probe overwrote the pending
/// one at the instant its timeout fired, and the host never left.)
#[test]
fn probes_that_only_wait_take_a_host_out_when_timeout_equals_interval() {
    let cfg = EngineConfig {
        hosts: vec![HostConfig { cores: 2, kappa: 0.0, group: Some(0), enabled: true }; 2],
        processes: (0..2).map(|h| ProcessConfig::new(h, PoolConfig::fixed(4), 1_000_000)).collect(),
        groups: vec![Some(ProbeConfig {
            interval: Dur::from_secs(15.0),
            timeout: Dur::from_secs(15.0),
            fail_threshold: 2,
            success_threshold: 1,
            bypass: false,
            cpu_s: 0.001,
            any_process: false,
        })],
        sources: vec![OpenLoopSource::new(40.0, RequestShape::cpu_only(Dist::Exp(0.02)), Target::Group(0))],
        end: SimTime::from_secs(400.0),
        ..EngineConfig::default()
    };
    let mut e = Engine::new(cfg, 7);
    e.set_speed(0, 0.05); // 2 cores at 5 %: capacity 5 req/s against ~20 req/s routed to it
    let mut left_at = None;
    let mut t = 0.0;
    while t < 400.0 && left_at.is_none() {
        t += 0.1;
        while e.step_until(SimTime::from_secs(t)) {}
        if !e.host_in_rotation(0) {
            left_at = Some((t, e.probes_failed(0)));
        }
    }
    let (_, failed) = left_at.expect("host 0 leaves rotation on probe timeouts");
    assert_eq!(failed, 2, "out after exactly fail_threshold failed probes");
    assert_eq!(e.totals().rejected, 0, "no 503 was involved");
    assert!(e.host_in_rotation(1), "the healthy host stays");
}

fn run(changes: &[(&str, f64)], seed: u64) -> postmortem_sim::Simulation {
    let s = scenario::find("vsts-2018-02-07").unwrap();
    let mut p = s.defaults();
    for (n, v) in changes {
        p.set(s.params, n, *v).unwrap();
    }
    let mut sim = s.start(&p, seed).unwrap();
    sim.run_to_end();
    sim
}

#[test]
fn the_csv_has_the_documented_columns_and_a_utc_clock() {
    let sim = run(&[("scale", 0.05), ("sample_s", 60.0)], 1);
    let csv = sim.series().to_csv();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    for c in [
        "time_s",
        "clock_utc",
        "lb_in_rotation",
        "impacted_users",
        "requests_current_total",
        "threads_total",
        "cpu_total_pct",
        "reconnects_per_s",
        "db_breaker_rejections",
        "crashes_true",
        "crashes_reported",
        "redis_exceptions_at",
        "redis_exceptions_ja",
        "health_agent_out",
        "in_rotation_at6",
        "threads_at0",
        "requests_at3",
        "cpu_at5",
    ] {
        assert!(header.contains(&c), "missing column {c}");
    }
    assert_eq!(&header[..2], &["time_s", "clock_utc"]);
    let first: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(first[1], "09:30:00");
    assert_eq!(csv.lines().last().unwrap().split(',').nth(1), Some("13:00:00"));
}

/// The trigger's shape (A2, first part): reconnect attempts in the 15 s after 10:10 peak at
/// more than ten times their baseline, and the job agents, which are never starved, see no
/// Redis timeouts while the ATs do (A5, second part).
#[test]
fn the_storm_is_a_burst_and_redis_is_a_victim_on_the_ats_only() {
    let sim = run(&[("crash_rate_per_h", 0.0), ("ha_enabled", 0.0), ("sample_s", 5.0)], 3);
    let v = vsts::VstsParams::from_params(&scenario::find("vsts-2018-02-07").unwrap().defaults());
    let s = checks::summarize(sim.series(), &v);
    assert!(
        s.reconnect_peak >= 10.0 * s.reconnect_base,
        "peak {} base {}",
        s.reconnect_peak,
        s.reconnect_base
    );
    assert!(s.redis_at > 0.0);
    assert!(s.redis_ja <= 0.01 * s.redis_at, "job agents {} vs ATs {}", s.redis_ja, s.redis_at);
}

/// C1 in one seed: without the crash bug the scale unit is stable before the trigger (A1's
/// first part) and the storm is a blip it absorbs; with the bug, the same seed's storm tips it
/// into the bad state at once, which the weakened unit without the storm does not reach for an
/// hour. The operator, who mitigates only an incident, recycles nothing in the
/// healthy run and follows the schedule in the other.
#[test]
fn the_storm_tips_the_scale_unit_only_with_the_crash_bug() {
    let v = vsts::VstsParams::from_params(&scenario::find("vsts-2018-02-07").unwrap().defaults());
    let summarize = |sim: &postmortem_sim::Simulation| checks::summarize(sim.series(), &v);
    let healthy = run(&[("crash_rate_per_h", 0.0)], 2);
    let s = summarize(&healthy);
    assert!(s.pre_frac_ge5 >= 0.95, "{}", s.pre_frac_ge5);
    assert!(s.pre_impacted_max < 500.0, "{}", s.pre_impacted_max);
    assert!(s.window_mean_lb >= 6.0, "the storm is absorbed: mean in rotation {}", s.window_mean_lb);
    let postmortem_sim::Simulation::Vsts(d) = &healthy else { panic!("a VSTS run") };
    assert!(!d.wiring.operator.mitigating && d.wiring.operator.done.is_empty());
    assert_eq!(d.wiring.operator.skipped, 7, "no incident, no recycles");

    let buggy = run(&[], 2);
    let s = summarize(&buggy);
    assert!(s.window_mean_lb < 5.0, "the storm tips it: mean in rotation {}", s.window_mean_lb);
    // It is the storm that tips it, within minutes of 10:10 (first impact at 10:15, V11); the same
    // weakened scale unit without the 10:10 drop holds past 11:00.
    let trig = vsts::at(10, 10);
    assert!(s.incident_s.is_some_and(|t| t <= trig + 360.0), "incident at {:?}", s.incident_s);
    let calm = summarize(&run(&[("drop_fraction", 0.0)], 2));
    assert!(calm.incident_s.is_none_or(|t| t >= vsts::at(11, 0)), "no trigger: {:?}", calm.incident_s);
    let postmortem_sim::Simulation::Vsts(d) = &buggy else { panic!("a VSTS run") };
    let op = &d.wiring.operator;
    assert!(op.mitigating);
    assert_eq!(op.done.len(), 7, "the whole schedule once begun");
    // The zombies go first (V46): the ATs out of rotation when the schedule began fill its
    // first slots, in the schedule's order, and every AT is recycled once.
    assert!(!op.zombies_at_start.is_empty(), "a scale unit in the bad state has zombies at 12:13");
    let first: Vec<u16> = op.done.iter().take(op.zombies_at_start.len()).map(|d| d.1).collect();
    assert_eq!(first, op.zombies_at_start);
    let mut all: Vec<u16> = op.done.iter().map(|d| d.1).collect();
    all.sort();
    assert_eq!(all, (0..7).collect::<Vec<u16>>());
}

#[test]
fn same_seed_same_run() {
    let a = run(&[("scale", 0.05)], 11);
    let b = run(&[("scale", 0.05)], 11);
    assert_eq!(a.series().digest(), b.series().digest());
}

/// The breaker column counts what the breakers reject, at any sample interval: with a database
/// far too small (3 servers of 50 ms at scale 0.05) and a low breaker limit, the breakers reject
/// from the first minutes, and the column shows it at 10 s samples (the default) as at 1 s, with
/// the same total. It used to read a 5-s bucket at the sample instant, which at 10 s samples
/// was always the empty one before the counts were added: 0 whatever the breakers did.
#[test]
fn the_breaker_column_shows_rejections_at_the_default_sample_interval() {
    let total = |sample_s: f64| {
        let s = scenario::find("vsts-2018-02-07").unwrap();
        let mut p = s.defaults();
        for (n, v) in [
            ("scale", 0.05),
            ("sample_s", sample_s),
            ("db_servers", 10.0),
            ("db_service_ms", 50.0),
            ("cb_limit", 10.0),
        ] {
            p.set(s.params, n, v).unwrap();
        }
        let mut sim = s.start(&p, 1).unwrap();
        sim.run_until(600.0);
        let col = sim.series().column("db_breaker_rejections").unwrap().to_vec();
        // Each sample is a per-5-s rate over its interval: back to a count.
        col.iter().map(|x| x * sample_s / 5.0).sum::<f64>()
    };
    let (at10, at1) = (total(10.0), total(1.0));
    assert!(at10 > 0.0, "the breakers reject and the column shows it at 10 s samples");
    assert!((at10 - at1).abs() <= 1e-6 * at1.max(1.0), "same total at 10 s ({at10}) and 1 s ({at1})");
}
