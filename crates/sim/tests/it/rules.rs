//! Engine rules in full worlds (hosts, processes, pools, balancers, sources), each asserting
//! the rule itself: client timeouts, scripted rate changes, the thrash factor η, the
//! starvation-thread overhead η_s (a starved process slows its sibling), the .NET 6
//! delay cap, the probe paths (timeout shorter than the interval; the 503 path and the return
//! after one good probe), the 80 % CPU rule on a starved pool, and a Redis connection's
//! head-of-line blocking.

use postmortem_sim::clients::{Dist, OpenLoopSource, Target};
use postmortem_sim::dependency::SingleThreaded;
use postmortem_sim::engine::{
    Action, CallTo, Dependency, DependencyConfig, DownCause, Engine, EngineConfig, HostConfig, Outcome,
    ProcessConfig, RequestShape, Sender, Signal, StepSpec,
};
use postmortem_sim::load_balancer::ProbeConfig;
use postmortem_sim::multiplexer::Multiplexer;
use postmortem_sim::scenario;
use postmortem_sim::thread_pool::PoolConfig;
use postmortem_sim::time::{Dur, SimTime};

fn one_host(
    cores: u32,
    processes: Vec<ProcessConfig>,
    sources: Vec<OpenLoopSource>,
    end_s: f64,
) -> EngineConfig {
    EngineConfig {
        hosts: vec![HostConfig { cores, kappa: 0.0, group: None, enabled: true }],
        processes,
        sources,
        end: SimTime::from_secs(end_s),
        ..EngineConfig::default()
    }
}

fn run_to(e: &mut Engine, t_s: f64) {
    while e.step_until(SimTime::from_secs(t_s)) {}
}

/// A client that gives up is told `TimedOut` at exactly its patience (the VSTS wiring counts such
/// a user as impacted), is counted in `timed_out`, and is not told again; the server keeps
/// working on the request (ASP.NET has no cancellation) and answers it later.
#[test]
fn a_client_timeout_abandons_the_request_while_the_server_keeps_working() {
    // One thread on one core, three requests of 1 s CPU at t = 0, patience 1.5 s: the first is
    // answered at 1 s, the other two would be at 2 s and 3 s.
    let cfg = one_host(1, vec![ProcessConfig::new(0, PoolConfig::fixed(1), 100)], vec![], 10.0);
    let mut e = Engine::new(cfg, 1);
    let shape = RequestShape::cpu_only(Dist::Const(1.0));
    for tag in 0..3 {
        let sender = Sender { owner: 1, tag, client: true };
        e.send(Target::Process(0), &shape, sender, Some(Dur::from_secs(1.5)));
    }
    let mut signals = vec![];
    run_to(&mut e, 1.49);
    assert_eq!(e.totals().timed_out, 0);
    run_to(&mut e, 1.5);
    let t = e.totals();
    assert_eq!((t.completed, t.timed_out, t.in_flight), (1, 2, 2), "at the patience: {t:?}");
    e.take_signals(&mut signals);
    let timed_out: Vec<u64> = signals
        .iter()
        .filter_map(|s| match s {
            Signal::Outcome { tag, outcome: Outcome::TimedOut, .. } => Some(*tag),
            _ => None,
        })
        .collect();
    assert_eq!(timed_out, vec![1, 2]);
    run_to(&mut e, 10.0);
    let t = e.totals();
    assert_eq!((t.completed, t.timed_out, t.in_flight), (3, 2, 0), "the server finished them: {t:?}");
    let demand = e.process_stats(0).cpu_demand_s;
    assert!((demand - 3.0).abs() < 1e-9, "all three were worked on: {demand}");
    signals.clear();
    e.take_signals(&mut signals);
    assert!(
        signals.iter().all(|s| !matches!(s, Signal::Outcome { tag: 1 | 2, .. })),
        "an abandoned request is not reported again: {signals:?}"
    );
}

/// A scripted `SetRate` changes a source's Poisson rate from its instant on: 10 req/s for 100 s,
/// then 50 req/s for 100 s. Counts are Poisson (sd 32 and 71); the bounds are 5 sd.
#[test]
fn set_rate_changes_the_arrival_rate_from_its_instant() {
    let source = OpenLoopSource::new(10.0, RequestShape::cpu_only(Dist::Exp(0.001)), Target::Process(0));
    let mut cfg = one_host(4, vec![ProcessConfig::new(0, PoolConfig::fixed(4), 10_000)], vec![source], 200.0);
    cfg.script = vec![(SimTime::from_secs(100.0), Action::SetRate { source: 0, rate: 50.0 })];
    let mut e = Engine::new(cfg, 3);
    run_to(&mut e, 100.0);
    let before = e.totals().arrived;
    run_to(&mut e, 200.0);
    let after = e.totals().arrived - before;
    assert!((840..=1160).contains(&before), "10 req/s for 100 s: {before}");
    assert!((4640..=5360).contains(&after), "50 req/s for 100 s: {after}");
}

/// κ in a full world: 8 threads always runnable on 2 cores each progress at
/// (C/R)·η(R) with η = 1/(1 + κ·(R − C)/C), so a saturated process answers C·η/w requests per
/// second. With w = 10 ms: 200 req/s at κ = 0 and 200/1.3 ≈ 153.8 req/s at κ = 0.1. Requests
/// are constant and the pool never idles, so the count is exact to a request or two.
#[test]
fn kappa_lowers_throughput_by_the_eta_factor() {
    let throughput = |kappa: f64| {
        let source =
            OpenLoopSource::new(1000.0, RequestShape::cpu_only(Dist::Const(0.01)), Target::Process(0));
        let mut cfg =
            one_host(2, vec![ProcessConfig::new(0, PoolConfig::fixed(8), u32::MAX)], vec![source], 120.0);
        cfg.hosts[0].kappa = kappa;
        let mut e = Engine::new(cfg, 4);
        run_to(&mut e, 20.0);
        let c0 = e.process_stats(0).completed;
        run_to(&mut e, 120.0);
        (e.process_stats(0).completed - c0) as f64 / 100.0
    };
    for (kappa, expected) in [(0.0, 200.0), (0.1, 200.0 / 1.3)] {
        let x = throughput(kappa);
        assert!((x - expected).abs() / expected < 0.005, "κ = {kappa}: {x} req/s, expected {expected}");
    }
}

/// The starvation-thread overhead in a full world: process 1 is starved (every request hangs in
/// a call, so its pool grows past MinWorker by one thread per gate rule) and its sibling, process
/// 0, is saturated with CPU work on the same 2 cores. Each thread process 1 holds beyond
/// MinWorker costs every core a share κ_s/C, so process 0 answers C·η_s(S)/w per second with
/// η_s = 1/(1 + κ_s·S/C): the integral of that rate over the threads S(t) process 1 has at each
/// instant predicts its completions to 1 %. Without the rule (κ_s = 0) it answers 200 req/s
/// whatever its sibling holds.
#[test]
fn a_starved_process_slows_its_sibling_by_its_threads_beyond_min_worker() {
    let run = |kappa_s: f64| {
        let busy = OpenLoopSource::new(1000.0, RequestShape::cpu_only(Dist::Const(0.01)), Target::Process(0));
        let hang = RequestShape {
            steps: vec![
                StepSpec::Cpu(Dist::Const(0.0001)),
                StepSpec::Call {
                    p_call: 1.0,
                    to: CallTo::Delay(Dist::Const(1.0e5)),
                    p_sync: 0.0,
                    cont_cpu: Dist::Const(0.0),
                    timeout: None,
                    bytes: 0.0,
                    counter: 0,
                },
            ],
        };
        let starved = OpenLoopSource::new(20.0, hang, Target::Process(1));
        let procs = vec![
            ProcessConfig::new(0, PoolConfig::fixed(8), u32::MAX),
            ProcessConfig::new(0, PoolConfig::clr(2, 2), u32::MAX),
        ];
        let mut e = Engine::new(one_host(2, procs, vec![busy, starved], 200.0), 6);
        if kappa_s > 0.0 {
            e.set_starvation_overhead(0, kappa_s);
        }
        run_to(&mut e, 20.0);
        let c0 = e.process_stats(0).completed;
        let (mut expected, dt) = (0.0, 0.01);
        for i in 0..10_000 {
            let extra = e.threads(1).saturating_sub(2) as f64;
            expected += dt * 2.0 / (1.0 + kappa_s * extra / 2.0) / 0.01;
            run_to(&mut e, 20.0 + (i + 1) as f64 * dt);
        }
        let extra_at_end = e.threads(1) - 2;
        ((e.process_stats(0).completed - c0) as f64, expected, extra_at_end)
    };
    let (plain, _, grown) = run(0.0);
    assert!(grown >= 10, "the starved pool grew past MinWorker: {grown}");
    assert!((plain - 20_000.0).abs() < 20.0, "κ_s = 0: 200 req/s, got {plain} in 100 s");
    let (slowed, expected, grown) = run(0.2);
    assert!(grown >= 10, "{grown}");
    assert!((slowed - expected).abs() / expected < 0.01, "κ_s = 0.2: {slowed} answered, expected {expected}");
    assert!(slowed < 0.8 * plain, "the sibling is slowed: {slowed} vs {plain}");
}

/// .NET 6 cooperative blocking, past `10 × cores` threads above MinWorker: the delay between
/// injections is capped at 250 ms, so a starved pool gains exactly 4 threads a second (the gate's
/// 500 ms rule never fires, since a thread is dequeued every 250 ms). Uncapped, the delay at
/// ~100 extra threads would be 625 ms.
#[test]
fn net6_injection_delay_is_capped_at_250_ms() {
    let s = scenario::find("staircase").unwrap();
    let mut p = s.defaults();
    s.set_str(&mut p, "net6", "1").unwrap();
    let mut sim = s.start(&p, 5).unwrap();
    sim.run_until(20.0);
    let (t0, cores) = (sim.threads(0), 4);
    assert!(t0 >= 192 + 10 * cores, "past the cap by 20 s: {t0}");
    sim.run_until(30.0);
    let grown = sim.threads(0) - t0;
    assert!((39..=41).contains(&grown), "4 threads/s for 10 s, got {grown}");
}

fn balanced(timeout_s: f64, queue_limit: u32, service: Dist) -> EngineConfig {
    EngineConfig {
        hosts: vec![HostConfig { cores: 2, kappa: 0.0, group: Some(0), enabled: true }; 2],
        processes: (0..2).map(|h| ProcessConfig::new(h, PoolConfig::fixed(4), queue_limit)).collect(),
        groups: vec![Some(ProbeConfig {
            interval: Dur::from_secs(15.0),
            timeout: Dur::from_secs(timeout_s),
            fail_threshold: 2,
            success_threshold: 1,
            bypass: false,
            cpu_s: 0.001,
            any_process: false,
        })],
        sources: vec![OpenLoopSource::new(40.0, RequestShape::cpu_only(service), Target::Group(0))],
        end: SimTime::from_secs(1000.0),
        ..EngineConfig::default()
    }
}

/// What happened to host 0, watched in 10 ms slices.
#[derive(Debug, Default)]
struct Watch {
    /// Times its failed-probe count went up, up to its leaving.
    failures: Vec<f64>,
    left: Option<f64>,
    back: Option<f64>,
    /// (time, requests queued) at every slice.
    queue: Vec<(f64, usize)>,
}

fn watch_host0(e: &mut Engine, until: f64) -> Watch {
    let mut w = Watch::default();
    let mut failed = 0;
    let mut t = 0.0;
    while t < until && w.back.is_none() {
        t += 0.01;
        run_to(e, t);
        w.queue.push((t, e.queued(0)));
        if w.left.is_none() && e.probes_failed(0) > failed {
            failed = e.probes_failed(0);
            w.failures.push(t);
        }
        match (w.left, e.host_in_rotation(0)) {
            (None, false) => w.left = Some(t),
            (Some(_), true) => w.back = Some(t),
            _ => {}
        }
    }
    w
}

/// Out after exactly `fail_threshold` (2) consecutive failed probes: it leaves at a failure, the
/// one before it is the previous probe (one interval earlier), and it stayed in after every
/// earlier failure (each followed by a pass).
fn assert_left_after_two_consecutive_failures(w: &Watch) {
    let left = w.left.expect("host 0 leaves rotation");
    let n = w.failures.len();
    assert!(n >= 2, "{w:?}");
    assert!((w.failures[n - 1] - left).abs() < 1e-6, "it leaves at a failed probe: {:?}", w.failures);
    let gap = w.failures[n - 1] - w.failures[n - 2];
    assert!((gap - 15.0).abs() < 0.1, "the two failures are consecutive probes: {:?}", w.failures);
}

/// A probe timeout shorter than the interval (5 s against 15 s) counts on its own. Host 0 runs at
/// 19 % speed with constant 20 ms requests: 19 req/s of capacity against ~20 req/s routed to
/// it, so its queue (no 503: the limit is out of reach) grows slowly and a probe sent with q
/// requests queued waits about q/19 s, a little more with every probe. The first failed probe is
/// the first whose wait passed 5 s (well under 15 s, which a timeout of one interval would need);
/// the host leaves after exactly `fail_threshold` consecutive failures, while the healthy host,
/// answering well within 5 s, stays.
#[test]
fn a_probe_timeout_shorter_than_the_interval_takes_a_waiting_host_out() {
    let mut e = Engine::new(balanced(5.0, 1_000_000, Dist::Const(0.02)), 7);
    e.set_speed(0, 0.19);
    let w = watch_host0(&mut e, 1000.0);
    assert_left_after_two_consecutive_failures(&w);
    let wait_at = |t: f64| {
        let i = w.queue.iter().position(|&(ts, _)| ts >= t - 1e-9).expect("watched");
        w.queue[i].1 as f64 / 19.0
    };
    let first_sent = w.failures[0] - 5.0;
    let wait = wait_at(first_sent);
    assert!((4.0..12.0).contains(&wait), "the first failed probe met a wait of {wait:.1} s");
    assert_eq!(e.totals().rejected, 0, "no 503 was involved");
    assert!(e.host_in_rotation(1), "the healthy host stays");
    assert_eq!(e.probes_failed(1), 0);
}

/// The 503 path on its own (MODEL 5.1 item 7): a queue limit of 30 at 5 req/s of capacity keeps
/// every wait under 6.5 s, far below the 15 s timeout, so only a full queue can fail a probe.
/// The host leaves after exactly `fail_threshold` consecutive 503s; out of rotation it drains
/// within 6.5 s, so the very next probe, one interval after the last 503, passes and puts it
/// back.
#[test]
fn the_503_path_takes_a_host_out_and_one_good_probe_brings_it_back() {
    let mut e = Engine::new(balanced(15.0, 30, Dist::Exp(0.02)), 8);
    e.set_speed(0, 0.05);
    let w = watch_host0(&mut e, 400.0);
    assert_left_after_two_consecutive_failures(&w);
    assert!(e.totals().rejected > 0, "the queue limit was reached");
    let (t_left, t_back) = (w.left.unwrap(), w.back.expect("host 0 comes back"));
    assert!(
        (15.0..16.0).contains(&(t_back - t_left)),
        "back one probe after the last 503: left {t_left}, back {t_back}"
    );
    assert!(e.last_probe_s(0) < 1.0, "the probe that brought it back passed: {}", e.last_probe_s(0));
}

/// The wait path's return: with constant 20 ms requests, host 0 at 5 % speed drains exactly 5
/// requests a second, so a probe sent with q requests queued waits about q/5 s. Out of rotation,
/// its queue drains; the host comes back at the first probe whose wait is under the 15 s timeout
/// (success_threshold = 1): at that probe's sending the queue was under 15 s of work, and one
/// interval earlier it was over (that probe timed out).
#[test]
fn after_the_wait_path_the_first_probe_under_the_timeout_brings_a_host_back() {
    let mut e = Engine::new(balanced(15.0, 1_000_000, Dist::Const(0.02)), 9);
    e.set_speed(0, 0.05);
    let w = watch_host0(&mut e, 1000.0);
    assert_left_after_two_consecutive_failures(&w);
    assert_eq!(e.totals().rejected, 0, "no 503 was involved");
    let t_back = w.back.expect("host 0 comes back");
    let latency = e.last_probe_s(0);
    assert!(latency < 15.0, "a passing probe brought it back: {latency}");
    let wait_at = |t: f64| {
        let i = w.queue.iter().position(|&(ts, _)| ts >= t - 1e-9).expect("watched");
        w.queue[i].1 as f64 / 5.0
    };
    let sent = t_back - latency;
    assert!(wait_at(sent) < 15.0 + 0.5, "the good probe met a queue of {} s", wait_at(sent));
    assert!(wait_at(sent - 15.0) > 15.0 - 0.5, "the probe before met {} s and failed", wait_at(sent - 15.0));
}

/// The 80 % CPU rule in a full world: a CLR pool whose threads are all blocked in long calls
/// (starved: nothing is ever dequeued) shares its host with a CPU hog that keeps the host at
/// 100 %. The gate then adds the next thread only after `goal × 1 s` without a dequeue, so the
/// gaps between injections grow by a second each (4, 5, 6, … s, rounded up to the 500 ms
/// gate); without the hog the same pool gains a thread every 500 ms.
#[test]
fn a_starved_pool_on_a_busy_cpu_waits_goal_seconds_per_thread() {
    let world = |hog: bool| {
        let blocked = RequestShape::call(Dist::ZERO, Dist::Const(120.0), 0.0, Dist::ZERO, Dist::ZERO);
        let mut sources = vec![OpenLoopSource::new(10.0, blocked, Target::Process(0))];
        if hog {
            sources.push(OpenLoopSource::new(
                1000.0,
                RequestShape::cpu_only(Dist::Const(0.01)),
                Target::Process(1),
            ));
        }
        let pool = PoolConfig { hill_climbing: false, ..PoolConfig::clr(4, 4) };
        let procs = vec![
            ProcessConfig::new(0, pool, u32::MAX),
            ProcessConfig::new(0, PoolConfig::fixed(8), u32::MAX),
        ];
        Engine::new(one_host(4, procs, sources, 60.0), 10)
    };
    let mut e = world(true);
    let mut injections = vec![];
    run_to(&mut e, 1.0);
    let mut last = e.threads(0);
    assert_eq!(last, 4, "MinWorker at once");
    for i in 11..=600 {
        run_to(&mut e, i as f64 * 0.1);
        if e.threads(0) > last {
            assert_eq!(e.threads(0), last + 1, "one thread at a time");
            injections.push((i as f64 * 0.1, last));
            last = e.threads(0);
        }
    }
    assert!(injections.len() >= 5, "the rule still injects: {injections:?}");
    for w in injections.windows(2) {
        let ((t0, _), (t1, goal)) = (w[0], w[1]);
        let gap = t1 - t0;
        assert!(
            gap >= goal as f64 - 0.05 && gap <= goal as f64 + 0.55,
            "a gap of {gap:.1} s at goal {goal} (expected goal × 1 s, on a gate tick): {injections:?}"
        );
    }
    let mut idle = world(false);
    run_to(&mut idle, 60.0);
    assert!(idle.threads(0) >= 4 + 110, "below 80 % the gate adds one per 500 ms: {}", idle.threads(0));
}

/// One host with two processes behind a balancer, no user traffic, process 1 down for the whole
/// run (HTTP.sys holds whatever reaches it, so a probe there times out).
fn one_host_two_procs(any_process: bool, users: u32, sticky: bool) -> Engine {
    let mut src = OpenLoopSource::new(
        if users > 0 { 20.0 } else { 0.0 },
        RequestShape::cpu_only(Dist::Exp(0.01)),
        Target::Group(0),
    );
    src.users = users;
    src.sticky_users = sticky;
    let cfg = EngineConfig {
        hosts: vec![HostConfig { cores: 2, kappa: 0.0, group: Some(0), enabled: true }; 2],
        processes: (0..4).map(|p| ProcessConfig::new(p / 2, PoolConfig::fixed(4), 1000)).collect(),
        groups: vec![Some(ProbeConfig {
            interval: Dur::from_secs(15.0),
            timeout: Dur::from_secs(5.0),
            fail_threshold: 2,
            success_threshold: 1,
            bypass: false,
            cpu_s: 0.001,
            any_process,
        })],
        sources: vec![src],
        end: SimTime::from_secs(2000.0),
        ..EngineConfig::default()
    };
    Engine::new(cfg, 5)
}

/// The probe goes to the host's first process unless `any_process`: with process 1 of host 0
/// down, host 0 never fails a probe when only process 0 answers them, and fails about half of
/// them when each probe reaches either process.
#[test]
fn a_probe_reaches_the_first_process_or_either() {
    for any in [false, true] {
        let mut e = one_host_two_procs(any, 0, false);
        e.take_down(1, Dur::from_secs(10_000.0), DownCause::Recycle);
        run_to(&mut e, 1500.0);
        let failed = e.probes_failed(0);
        if any {
            assert!((25..=75).contains(&failed), "about half of 100 probes fail, got {failed}");
        } else {
            assert_eq!(failed, 0);
        }
        assert_eq!(e.probes_failed(1), 0, "host 1 is healthy");
    }
}

/// Sticky users keep their home host (user u on member u mod 2) while it is in rotation: one
/// user sends everything to host 0; two users split; without stickiness one user is spread.
#[test]
fn sticky_users_keep_their_home_host() {
    let flow = |users: u32, sticky: bool| {
        let mut e = one_host_two_procs(false, users, sticky);
        run_to(&mut e, 500.0);
        (e.host_flow(0).0, e.host_flow(1).0)
    };
    let (a, b) = flow(1, true);
    assert!(a > 5000 && b == 0, "one sticky user stays on host 0: {a} {b}");
    let (a, b) = flow(2, true);
    assert!(a > 4000 && b > 4000, "two sticky users, one per host: {a} {b}");
    let (a, b) = flow(1, false);
    assert!(a > 4000 && b > 4000, "a user that is not sticky goes anywhere: {a} {b}");
}

/// Auto-add (V57): with fewer than `k_min` hosts in rotation for `detect`, a spare is provisioned
/// and enabled `provision` later, one at a time, at most as many as there are spares; it then
/// joins rotation when its probes pass. With enough hosts in rotation, nothing is added.
#[test]
fn auto_add_provisions_a_spare_after_detect_plus_provision_and_stops_at_the_last_spare() {
    use postmortem_sim::components::auto_add::{AutoAdd, AutoAddConfig};
    let world = |k_min: usize| {
        let cfg = EngineConfig {
            hosts: (0..5)
                .map(|h| HostConfig { cores: 2, kappa: 0.0, group: Some(0), enabled: h < 3 })
                .collect(),
            processes: (0..5).map(|h| ProcessConfig::new(h, PoolConfig::fixed(4), 1_000)).collect(),
            groups: vec![Some(ProbeConfig {
                interval: Dur::from_secs(5.0),
                timeout: Dur::from_secs(5.0),
                fail_threshold: 2,
                success_threshold: 1,
                bypass: false,
                cpu_s: 0.001,
                any_process: false,
            })],
            end: SimTime::from_secs(3_000.0),
            ..EngineConfig::default()
        };
        let aa = AutoAdd::new(AutoAddConfig {
            enabled: true,
            group: 0,
            spares: vec![3, 4],
            k_min,
            detect: Dur::from_secs(300.0),
            provision: Dur::from_secs(600.0),
            period: Dur::from_secs(10.0),
        });
        (Engine::new(cfg, 3), aa)
    };
    // `always`: wake the controller every second whatever it asked for (it must stay correct).
    let drive = |e: &mut Engine, aa: &mut AutoAdd, until_s: f64, always: bool| {
        let mut t = 0.0;
        while t < until_s {
            t += 1.0;
            while e.step_until(SimTime::from_secs(t)) {}
            if always || e.now() >= aa.next_wake() {
                aa.wake(e);
            }
        }
    };
    // Three of five in rotation, k_min 5: short from the first check (10 s), so the first spare
    // comes at 10 + 300 + 600 s, the second one detect + provision after the next check (within
    // a check period: the loop above wakes the controller at the engine's last event time).
    let (mut e, mut aa) = world(5);
    drive(&mut e, &mut aa, 2_900.0, false);
    let added: Vec<f64> = aa.added.iter().map(|t| t.secs()).collect();
    assert_eq!(added.len(), 2, "both spares, and no more: {added:?}");
    assert!((910.0..=925.0).contains(&added[0]), "first spare at {}", added[0]);
    assert!((added[1] - added[0] - 910.0).abs() <= 15.0, "second spare at {}", added[1]);
    assert_eq!(e.in_rotation(0), 5, "the spares joined rotation once their probes passed");
    assert_eq!(aa.next_wake(), SimTime::NEVER, "nothing left to add");
    // k_min 3: three in rotation is enough, nothing is added.
    let (mut e, mut aa) = world(3);
    drive(&mut e, &mut aa, 2_000.0, false);
    assert!(aa.added.is_empty());
    assert_eq!(e.in_rotation(0), 3);
    // It keeps watching, once a check period (cargo mutants found this unasserted).
    let next = aa.next_wake();
    assert!(
        next > e.now() && next.since(e.now()) <= Dur::from_secs(10.0),
        "next check {next:?} at {:?}",
        e.now()
    );
    // Short for good (k_min 6 of 5 hosts), woken every second: two spares, never a third.
    let (mut e, mut aa) = world(6);
    drive(&mut e, &mut aa, 2_900.0, true);
    assert_eq!(aa.added.len(), 2);
}

/// Two hosts with a process each call one Redis. With a connection per process that reads
/// answers one at a time (StackExchange.Redis), a 100 MB answer to process 0 (10 ms at Redis,
/// 1 s to read) makes process 0's next small call, made 0.1 s later, time out at 0.5 s, while
/// the same call from process 1 does not; without the connections neither times out.
#[test]
fn a_big_answer_blocks_later_calls_on_its_own_connection_only() {
    let timeouts = |mux: Option<Multiplexer>| {
        let cfg = EngineConfig {
            hosts: vec![HostConfig { cores: 1, kappa: 0.0, group: None, enabled: true }; 2],
            processes: (0..2).map(|h| ProcessConfig::new(h, PoolConfig::fixed(4), 100)).collect(),
            dependencies: vec![DependencyConfig {
                dep: Dependency::Single(SingleThreaded::new(0.0, 1e-10)),
                breaker_limit: None,
                multiplexer: mux,
            }],
            counters: 2,
            end: SimTime::from_secs(10.0),
            ..EngineConfig::default()
        };
        let mut e = Engine::new(cfg, 1);
        let call = |bytes: f64, counter: u16| RequestShape {
            steps: vec![StepSpec::Call {
                p_call: 1.0,
                to: CallTo::Dependency { dep: 0, p: 1.0, otherwise: Dist::ZERO },
                p_sync: 0.0,
                cont_cpu: Dist::ZERO,
                timeout: Some(Dur::from_secs(0.5)),
                bytes,
                counter,
            }],
        };
        let sender = Sender { owner: 1, tag: 0, client: true };
        e.send(Target::Process(0), &call(1e8, 0), sender, None);
        run_to(&mut e, 0.1);
        e.send(Target::Process(0), &call(1e3, 0), sender, None);
        e.send(Target::Process(1), &call(1e3, 1), sender, None);
        run_to(&mut e, 10.0);
        (e.call_timeouts(0), e.call_timeouts(1))
    };
    // Process 0: the big call itself (1.01 s) and the small one behind it; process 1: none.
    assert_eq!(timeouts(Some(Multiplexer::new(0.0, 1e-8))), (2, 0));
    assert_eq!(timeouts(None), (0, 0));
}
