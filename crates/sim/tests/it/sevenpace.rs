//! The 7pace models: CSV shape and clock, the acceptance properties that hold (MODEL.md 5.3),
//! hysteresis (5.4), determinism and input validation.

use postmortem_sim::model::Model;
use postmortem_sim::scenario;
use postmortem_sim::scenarios::sevenpace::checks::{self, Summary};
use postmortem_sim::scenarios::sevenpace::macro_model::{ColumnKind, MacroModel};
use postmortem_sim::scenarios::sevenpace::{self as sp, SevenpaceParams};

fn params(changes: &[(&str, f64)]) -> SevenpaceParams {
    let s = scenario::find("7pace-2017").unwrap();
    let mut p = s.defaults();
    for (n, v) in changes {
        p.set(s.params, n, *v).unwrap();
    }
    SevenpaceParams::from_params(&p)
}

fn frozen(m: &MacroModel) -> usize {
    m.last.iter().filter(|a| a.frozen).count()
}

/// MODEL.md 5.4, as far as the macro model shows it: a load step up at midday freezes a web
/// app; lowering the load to a level at which an unfrozen copy of the same run stays healthy
/// does not end the freeze at once (its queue drains through a CPU above 80 %, its users
/// refresh); the evening drop ends it. (A band where the frozen run stays frozen indefinitely
/// does not show in this model; see docs/MODEL.md.)
#[test]
fn hysteresis_a_freeze_outlives_the_load_that_caused_it() {
    let day = 94.0 * 86_400.0; // Wed 3 Jan 2018
    let mut m = MacroModel::new(&params(&[("sample_s", 3600.0)]), 1);
    m.run_until(day + 9.0 * 3600.0);
    // Apps carry equal users (`accounts::pin`), so a midday step must more than double the
    // load to freeze one (×1.6 did while accounts were pinned by id).
    let (hi, lo) = (2.2, 1.2);
    let mut fresh = m.clone();
    m.load_factor = hi;
    m.run_until(day + 10.0 * 3600.0);
    let during = frozen(&m);
    m.load_factor = lo;
    fresh.load_factor = lo;
    let mut stuck = 0;
    let mut fresh_frozen = 0;
    for k in 1..=30 {
        let t = day + 10.0 * 3600.0 + k as f64 * 60.0;
        m.run_until(t);
        fresh.run_until(t);
        stuck += (frozen(&m) > 0) as u32;
        fresh_frozen += frozen(&fresh);
    }
    m.run_until(day + 21.0 * 3600.0);
    assert!(during > 0, "the step up freezes an app");
    assert_eq!(fresh_frozen, 0, "at the lower load a healthy copy stays healthy");
    assert!(stuck >= 5, "the frozen run stays frozen at the lower load: {stuck} of 30 minutes");
    assert_eq!(frozen(&m), 0, "the evening drop ends it");
}

#[test]
fn the_csv_has_the_issue_columns_and_an_iso_clock() {
    let s = scenario::find("7pace-2017").unwrap();
    let mut sim = s.start(&s.defaults(), 1).unwrap();
    sim.run_to_end();
    let series = sim.series();
    assert_eq!(series.len(), 182 * 1440, "one row a minute, 1 Oct 00:00 to 31 Mar 23:59");
    let csv = series.to_csv();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(&header[..2], &["time_s", "clock_utc"]);
    for c in [
        "users_migrated",
        "circle",
        "online_users",
        "requests_per_s",
        "projected_requests_per_s",
        "polls_per_s",
        "api_calls_per_s",
        "webapp_cpu_pct_max",
        "webapp_cpu_pct_median",
        "latency_p95_eu_s",
        "latency_p95_us_s",
        "latency_p95_apac_s",
        "redis_load_pct",
        "redis_reads_per_s",
        "redis_writes_per_s",
        "frozen_apps",
        "cost_per_day",
        "alerts_firing",
    ] {
        assert!(header.contains(&c), "missing column {c}");
    }
    assert_eq!(lines.next().unwrap().split(',').nth(1), Some("2017-10-01T00:00:00Z"));
    assert_eq!(csv.lines().last().unwrap().split(',').nth(1), Some("2018-03-31T23:59:00Z"));
}

/// Users affected by freezes: the users online on the frozen apps, so zero exactly when no app
/// is frozen and never more than everyone online.
#[test]
fn frozen_users_are_the_users_on_frozen_apps() {
    let m = macro_run(&[], 1);
    let s = m.series();
    let (apps, users, online) = (
        s.column("frozen_apps").unwrap(),
        s.column("frozen_users").unwrap(),
        s.column("online_users").unwrap(),
    );
    let mut frozen_rows = 0;
    for r in 0..apps.len() {
        assert_eq!(apps[r] > 0.0, users[r] > 0.0, "row {r}: {} apps, {} users", apps[r], users[r]);
        assert!(
            users[r] <= online[r] + 1e-9,
            "row {r}: {} users on frozen apps of {} online",
            users[r],
            online[r]
        );
        frozen_rows += usize::from(apps[r] > 0.0);
    }
    assert!(frozen_rows > 10, "the defaults freeze some app ({frozen_rows} rows)");
}

/// Only reads a web app sent can time out: in every minute of seeds 1–3, Redis timeouts per
/// second are at most the reads per second. (They were counted from the arrivals while the
/// reads were counted from the requests started, so an app whose queue held most of its
/// arrivals timed out more reads than it sent, e.g. minute 154,815 of seed 1.)
#[test]
fn redis_timeouts_never_exceed_the_reads_sent() {
    for seed in 1..=3 {
        let m = macro_run(&[], seed);
        let s = m.series();
        let (reads, timeouts) =
            (s.column("redis_reads_per_s").unwrap(), s.column("redis_timeouts_per_s").unwrap());
        let mut with_timeouts = 0;
        for (i, (r, t)) in reads.iter().zip(timeouts).enumerate() {
            assert!(*t <= r * (1.0 + 1e-9) + 1e-9, "seed {seed} minute {i}: {t} timeouts/s of {r} reads/s");
            with_timeouts += usize::from(*t > 0.0);
        }
        assert!(with_timeouts > 10, "seed {seed}: Redis times out somewhere ({with_timeouts} minutes)");
    }
}

/// A freeze that the change in the number of web apps ends is the old layout's: whether its
/// app hosted an API poller is read from the layout it froze in, not from the new one (where
/// the same app number holds other accounts).
#[test]
fn a_freeze_ended_by_a_new_layout_keeps_the_old_layouts_poller() {
    let v = params(&[("poller_pct_start", 0.1), ("poller_pct_jan", 0.1)]);
    let change = v.eight_apps_day as u64 * 1440;
    let mut checked = false;
    for seed in 1..=20 {
        let mut m = MacroModel::new(&v, seed);
        while m.minute() < change {
            m.step_events(1);
        }
        let old: Vec<bool> = m.day().apps.iter().map(|a| a.pollers > 0).collect();
        let new: Vec<bool> =
            m.wl.day_aggregates(v.eight_apps_day).apps.iter().map(|a| a.pollers > 0).collect();
        if old.iter().zip(&new).all(|(a, b)| a == b) {
            continue; // this seed's layouts agree on the old apps: nothing to tell apart
        }
        let n0 = m.freezes.len();
        for a in m.apps.iter_mut() {
            a.frozen_since = Some(change - 5);
        }
        m.step_events(1);
        let ended: Vec<_> = m.freezes[n0..].iter().filter(|f| f.start_min == change - 5).collect();
        assert_eq!(ended.len(), old.len(), "seed {seed}: every old app's freeze ends: {ended:?}");
        for f in ended {
            assert_eq!(f.has_poller, old[f.app as usize], "seed {seed}: {f:?}, old layout {old:?}");
        }
        checked = true;
        break;
    }
    assert!(checked, "some seed's layouts differ");
}

/// Pinning (`accounts::pin`): accounts are spread by users in the order they migrate, so after
/// every circle and on every layout the web apps' migrated users differ by at most the largest
/// migrated account, and on 2 Jan the largest accounts (nearly all API pollers, and the
/// heaviest) sit on different apps. Pinned by id (`id mod apps`), both fail in most seeds.
#[test]
fn accounts_are_spread_by_users_and_the_largest_land_apart() {
    use sp::workload::Workload;
    let v = params(&[]);
    for seed in 1..=10 {
        let wl = Workload::new(&v, seed);
        let mut days = wl.circle_days.clone();
        days.extend([v.scaleup_day, v.eight_apps_day, sp::JAN_2]);
        for day in days {
            let agg = wl.day_aggregates(day);
            let per_app: Vec<f64> = agg.apps.iter().map(|a| a.users.iter().sum()).collect();
            let largest = wl
                .accounts
                .iter()
                .filter(|a| (a.circle as u32) < agg.circle)
                .map(|a| a.users as f64)
                .fold(0.0, f64::max);
            let (lo, hi) = per_app.iter().fold((f64::MAX, 0.0f64), |(l, h), &x| (l.min(x), h.max(x)));
            assert!(
                hi - lo <= largest,
                "seed {seed} day {day}: users per app {per_app:?}, largest account {largest}"
            );
        }
        let n = v.apps_3;
        let mut by_size: Vec<usize> = (0..wl.accounts.len()).collect();
        by_size.sort_by_key(|&i| std::cmp::Reverse(wl.accounts[i].users));
        let mut apps: Vec<usize> = by_size[..4].iter().map(|&i| wl.app_of(i, n)).collect();
        apps.sort_unstable();
        apps.dedup();
        assert_eq!(apps.len(), 4, "seed {seed}: the four largest accounts are on different apps");
    }
}

/// A macro run of (changes, seed) to its end.
fn macro_run(changes: &[(&str, f64)], seed: u64) -> MacroModel {
    let mut m = MacroModel::new(&params(changes), seed);
    while !m.step_events(u64::MAX) {}
    m
}

/// The summary rule each column must follow, as the issue states it (independent of the
/// model's own table, which must agree).
fn expected_kind(name: &str) -> ColumnKind {
    match name {
        "users_migrated" | "circle" | "cost_per_day" | "web_apps" => ColumnKind::Last,
        "online_users"
        | "requests_per_s"
        | "projected_requests_per_s"
        | "polls_per_s"
        | "api_calls_per_s"
        | "redis_reads_per_s"
        | "redis_writes_per_s"
        | "redis_timeouts_per_s" => ColumnKind::Mean,
        n if n.starts_with("requests_circle") => ColumnKind::Mean,
        "webapp_cpu_pct_max"
        | "webapp_cpu_pct_median"
        | "redis_load_pct"
        | "frozen_apps"
        | "frozen_users"
        | "alerts_firing" => ColumnKind::Max,
        n if n.starts_with("latency_p95_") || n.starts_with("cpu_app") || n.starts_with("p95_app") => {
            ColumnKind::Max
        }
        n => panic!("no summary rule for {n}"),
    }
}

/// A row summarises every minute since the previous row: at sample_s = 600 each row equals,
/// column by column, the mean (within 1e-9 relative), the highest, or the last of the ten
/// one-minute rows of a sample_s = 60 run of the same seed that end at its time stamp (the
/// first row, at minute 0, covers that minute only). The model's rule table is the issue's.
#[test]
fn a_sample_summarises_the_minutes_of_its_interval() {
    let coarse = macro_run(&[("sample_s", 600.0)], 1);
    let fine = macro_run(&[("sample_s", 60.0)], 1);
    let (cs, fs) = (coarse.series(), fine.series());
    let names: Vec<&str> = cs.columns.iter().skip(1).map(|c| c.name.as_str()).collect();
    let kinds = coarse.column_kinds();
    assert_eq!(kinds.len(), names.len());
    for (n, k) in names.iter().zip(&kinds) {
        assert_eq!(*k, expected_kind(n), "{n}");
    }
    assert_eq!(cs.len(), 182 * 144);
    assert_eq!(fs.len(), 182 * 1440);
    let (ct, ft) = (cs.time(), fs.time());
    let mut differs = 0;
    for (n, k) in names.iter().zip(&kinds) {
        let (c, f) = (cs.column(n).unwrap(), fs.column(n).unwrap());
        for i in 0..cs.len() {
            let j1 = 10 * i;
            let j0 = j1.saturating_sub(9);
            assert_eq!(ct[i], ft[j1], "time stamps");
            let minutes = &f[j0..=j1];
            let want = match k {
                ColumnKind::Mean => minutes.iter().sum::<f64>() / minutes.len() as f64,
                ColumnKind::Max => minutes.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                ColumnKind::Last => f[j1],
            };
            let ok = match k {
                ColumnKind::Mean => (c[i] - want).abs() <= 1e-9 * want.abs().max(1e-300),
                _ => c[i] == want,
            };
            assert!(ok, "{n} at {}: {} vs {want} over {minutes:?}", ct[i], c[i]);
            differs += (c[i] != f[j1]) as usize;
        }
    }
    assert!(differs > 100_000, "the interval matters, not just the sample minute: {differs} values");
}

/// At the browser's sample_s = 1800 every freeze shorter than the interval shows in the
/// frozen_apps of the row covering its first minute, including freezes with no app frozen at
/// the row's own minute (which an instantaneous sample would miss). Sampling does not change
/// the run: the freezes are the one-minute run's.
#[test]
fn a_freeze_shorter_than_the_sample_interval_still_shows() {
    let coarse = macro_run(&[("sample_s", 1800.0)], 1);
    let fine = macro_run(&[("sample_s", 60.0)], 1);
    assert_eq!(coarse.freezes, fine.freezes);
    let frozen = coarse.series().column("frozen_apps").unwrap();
    let fine_frozen = fine.series().column("frozen_apps").unwrap();
    let (mut short, mut between) = (0, 0);
    for f in coarse.freezes.iter().filter(|f| f.minutes < 30) {
        let row = f.start_min.div_ceil(30) as usize;
        assert!(frozen[row] >= 1.0, "{f:?}: row {row} shows {}", frozen[row]);
        short += 1;
        between += (fine_frozen[30 * row] == 0.0) as u32;
    }
    assert!(short >= 5, "short freezes: {short}");
    assert!(between >= 1, "a freeze with nothing frozen at the sample minute: {between}");
}

/// The circles' offered requests add up to requests_per_s in every row, frozen apps included
/// (their users' refreshes are attributed to the users' circles), over three seeds at the
/// browser's sample_s = 1800; the issue asks for 1 % where nothing is frozen, this holds to
/// rounding everywhere. With 3 and 15 circles there is one column per circle.
#[test]
fn the_circles_add_up_to_the_requests() {
    for seed in 1..=3 {
        let m = macro_run(&[("sample_s", 1800.0)], seed);
        let s = m.series();
        let req = s.column("requests_per_s").unwrap();
        let frozen = s.column("frozen_apps").unwrap();
        let circles: Vec<&[f64]> =
            (1..=9).map(|k| s.column(&format!("requests_circle{k}")).unwrap()).collect();
        assert!(s.column("requests_circle10").is_none());
        let mut frozen_rows = 0;
        for i in 0..s.len() {
            let sum: f64 = circles.iter().map(|c| c[i]).sum();
            assert!((sum - req[i]).abs() <= 1e-9 * req[i], "seed {seed} row {i}: {sum} vs {}", req[i]);
            frozen_rows += (frozen[i] > 0.0) as u32;
        }
        assert!(frozen_rows > 0, "seed {seed}: some rows have a frozen app");
    }
    for n in [3, 15] {
        let mut m = MacroModel::new(&params(&[("circles", n as f64), ("circle_spacing_days", 4.0)]), 1);
        m.run_until(86_400.0);
        let names: Vec<&str> = m.series().columns.iter().map(|c| c.name.as_str()).collect();
        let first = names.iter().position(|c| *c == "requests_circle1").unwrap();
        assert_eq!(names[first - 1], "web_apps", "after the fixed columns");
        assert_eq!(names[first + n - 1], format!("requests_circle{n}"));
        assert_eq!(names[first + n], "cpu_app0", "before the per-app columns");
    }
}

/// A circle's offered requests are 0 before its date and positive from its first sample on;
/// and at sample_s = 60, in minutes with no app frozen, they are what the circle's own accounts
/// send: each account's users × its region's online fraction × the per-user rate (polls, pages,
/// ticks), plus one poller's calls if the account has one that day, not a share of the total.
#[test]
fn a_circle_offers_requests_from_its_date_from_its_own_accounts() {
    let v = params(&[]);
    let m = macro_run(&[], 1);
    let s = m.series();
    let t = s.time();
    let days = sp::rollout::circle_days(&v);
    for (k, &d) in days.iter().enumerate() {
        let c = s.column(&format!("requests_circle{}", k + 1)).unwrap();
        for i in 0..s.len() {
            if t[i] < d as f64 * 86_400.0 {
                assert_eq!(c[i], 0.0, "circle {} before day {d}", k + 1);
            } else {
                assert!(c[i] > 0.0, "circle {} from day {d}: {} at {}", k + 1, c[i], t[i]);
            }
        }
    }
    let wl = &m.wl;
    let frozen = s.column("frozen_apps").unwrap();
    let mut checked = 0;
    for day in [*days.last().unwrap() + 1, sp::JAN_2, 120] {
        let agg = wl.day_aggregates(day);
        let pollers = (wl.poller_fraction(day) * wl.accounts.len() as f64).round() as u32;
        for h in [3, 9, 13, 17, 22] {
            let minute = day as u64 * 1440 + h * 60;
            let i = minute as usize;
            if frozen[i] > 0.0 || frozen[i - 1] > 0.0 {
                continue;
            }
            let fr = wl.fractions(minute, agg.holiday);
            let mut want = vec![0.0; days.len()];
            for a in wl.accounts.iter().filter(|a| days[a.circle as usize] <= day) {
                want[a.circle as usize] += a.users as f64 * fr[a.region as usize] * wl.per_user_rate()
                    + if a.poller_rank < pollers { wl.api_call_rate() } else { 0.0 };
            }
            for (k, w) in want.iter().enumerate() {
                let got = s.column(&format!("requests_circle{}", k + 1)).unwrap()[i];
                assert!((got - w).abs() <= 1e-9 * w, "day {day} {h}:00 circle {}: {got} vs {w}", k + 1);
            }
            checked += 1;
        }
    }
    assert!(checked >= 10, "minutes checked: {checked}");
}

fn over_seeds(run: &str, seeds: u64) -> Vec<Summary> {
    let r = checks::runs().into_iter().find(|r| r.name == run).unwrap();
    let v = checks::configured(&scenario::find("7pace-2017").unwrap().defaults(), &r);
    (1..=seeds).map(|s| checks::summary(&v, s)).collect()
}

/// The properties that hold at the defaults (the calibrate table in docs/MODEL.md lists all),
/// over four seeds each.
#[test]
fn acceptance_properties_that_hold_over_seeds() {
    let names = [
        "as-it-happened",
        "ten-times-cores",
        "equal-circles",
        "page-visibility",
        "api-rate-limit",
        "incremental-refresh",
        "alerting",
    ];
    let runs: Vec<(&str, Vec<Summary>)> = names.iter().map(|n| (*n, over_seeds(n, 4))).collect();
    let checks = checks::evaluate(&runs);
    for id in ["P-A1", "P-A2a", "P-A2b", "P-A6", "P-A7a", "P-A7b", "P-A8a"] {
        let c = checks.iter().find(|c| c.id == id).unwrap_or_else(|| panic!("{id} evaluated"));
        assert!(c.pass, "{id}: {} holds in {:.0} % of seeds", c.description, 100.0 * c.fraction);
    }
    // The parts of P-A3, P-A5 and P-A9 that hold in every seed.
    for s in &runs[0].1 {
        assert!((s.cost_ratio - 4.0).abs() < 1e-9, "cost ×4 in December: {}", s.cost_ratio);
        assert!(s.dec_median_under_80 >= 0.95, "median app under 80 % after ×4");
        assert!(s.jan2_redis_max >= 99.9, "Redis saturates on 2 Jan: {}", s.jan2_redis_max);
        assert!(s.jan2_read_write_ratio >= 5.0, "reads ≥ 5× writes");
        assert!(s.jan2_min_app_timeouts > 0.0, "Redis timeouts on every app");
        if let Some((_, _, _, poller)) = s.jan2_first_freeze {
            assert!(poller, "the first app to freeze on 2 Jan hosts an API poller");
        }
        assert!(s.server_p95_at_5s.0 < s.server_p95_at_5s.1, "APAC crosses 5 s at a lower server p95");
    }
}

/// Break-the-rule check for P-A6: with hidden tabs still polling at 30 s the polls do not fall.
#[test]
fn page_visibility_needs_hidden_tabs_to_stop() {
    let base = checks::summary(&params(&[]), 2);
    let pv = checks::summary(&params(&[("page_visibility", 1.0)]), 2);
    let leaky = checks::summary(&params(&[("page_visibility", 1.0), ("hidden_poll_s", 60.0)]), 2);
    let r = base.dec_polls_mean / pv.dec_polls_mean;
    assert!((r - 3.0).abs() < 0.3, "3 tabs, one visible: {r}");
    let r2 = base.dec_polls_mean / leaky.dec_polls_mean;
    assert!(r2 < 2.0, "hidden tabs polling every minute keep most of the polls: {r2}");
}

#[test]
fn same_seed_same_run_and_slicing_does_not_matter() {
    let s = scenario::find("7pace-2017").unwrap();
    let mut p = s.defaults();
    s.set_str(&mut p, "sample_s", "600").unwrap();
    let mut a = s.start(&p, 5).unwrap();
    a.run_to_end();
    let mut b = s.start(&p, 5).unwrap();
    let mut t = 0.0;
    while !b.is_done() {
        t += 12_345.6;
        b.run_until(t);
    }
    assert_eq!(a.series(), b.series());
    let mut c = s.start(&p, 5).unwrap();
    while !c.step_events(997) {}
    assert_eq!(a.series().digest(), c.series().digest());
    // A snapshot forks the run, also in the middle of a sample interval.
    let mut d = s.start(&p, 5).unwrap();
    d.run_until(95.0 * 86_400.0 + 420.0);
    let json = serde_json::to_string(&d).unwrap();
    let mut e: postmortem_sim::Simulation = serde_json::from_str(&json).unwrap();
    d.run_to_end();
    e.run_to_end();
    assert_eq!(a.series().digest(), d.series().digest());
    assert_eq!(a.series().digest(), e.series().digest());
}

#[test]
fn bad_values_name_the_parameter_and_its_range() {
    let s = scenario::find("7pace-2017").unwrap();
    let mut p = s.defaults();
    for (name, value, expect) in [
        ("sample_s", "90", "sample_s must be a multiple of 60 s"),
        ("sample_s", "30", "sample_s must be a number from 60 to 86400 s"),
        ("share_us_pct", "50", "share_us_pct must be at most 40 %"),
        ("circle_spacing_days", "30", "circle_spacing_days must be at most"),
        ("n_users", "abc", "n_users must be an integer from 2000 to 100000 users"),
        ("tabs_per_user", "NaN", "tabs_per_user must be a number from 1 to 10 tabs"),
        ("nope", "1", "unknown parameter \"nope\""),
    ] {
        let e = s.set_str(&mut p, name, value).unwrap_err();
        assert!(e.message.starts_with(expect), "{name}={value}: {}", e.message);
        assert!(!e.message.contains('\n'));
    }
    assert_eq!(p, s.defaults(), "nothing changed");
    let mut custom = s.defaults();
    s.set_str(&mut custom, "circle_sizes", "2").unwrap();
    for k in 1..=9 {
        custom.set(s.params, &format!("circle{k}_pct"), 0.0).unwrap(); // range only, no combination check
    }
    let e = s.check(&custom).unwrap_err();
    assert!(e.message.starts_with("circle1_pct … circle9_pct must not all be 0"), "{}", e.message);
}

/// The zoom simulates the same accounts and circles, so it refuses what the macro model refuses
/// about them (before, it accepted a rollout that ends after March).
#[test]
fn the_zoom_refuses_the_world_the_macro_model_refuses() {
    let macro_sc = scenario::find("7pace-2017").unwrap();
    let zoom = scenario::find("7pace-2018-01-02").unwrap();
    for (name, value) in [("circle_spacing_days", "30"), ("share_us_pct", "50"), ("first_circle_day", "130")]
    {
        let (mut a, mut b) = (macro_sc.defaults(), zoom.defaults());
        let ea = macro_sc.set_str(&mut a, name, value).unwrap_err();
        let eb = zoom.set_str(&mut b, name, value).unwrap_err();
        assert_eq!(ea, eb, "{name}={value}");
    }
}

/// Every parameter at its extremes builds and runs a few days without a panic (bounded cost:
/// the model's state is a fixed number of apps and accounts).
#[test]
fn extreme_settings_run() {
    for (name, until) in [("7pace-2017", 3.0 * 86_400.0), ("7pace-2018-01-02", 60.0)] {
        extremes(name, until);
    }
}

fn extremes(name: &str, until: f64) {
    let s = scenario::find(name).unwrap();
    for spec in s.params {
        for value in [spec.min, spec.max] {
            let mut p = s.defaults();
            if s.set_str(&mut p, spec.name, &value.to_string()).is_err() {
                continue; // refused in combination with the defaults, with a message
            }
            let mut sim = s.start(&p, 1).unwrap();
            sim.run_until(until);
            assert!(sim.series().data.iter().flatten().all(|x| x.is_finite()), "{}={value}", spec.name);
        }
    }
}

#[test]
fn presets_are_the_issue_names() {
    let names: Vec<&str> = sp::PRESETS.iter().map(|p| p.name).collect();
    assert_eq!(
        names,
        [
            "as-it-happened",
            "equal-circles",
            "page-visibility",
            "api-rate-limit",
            "incremental-refresh",
            "alerting",
            "all-fixes"
        ]
    );
}

// ---- the zoom, 7pace-2018-01-02 ---------------------------------------------------------------

use postmortem_sim::dependency::SingleThreaded;
use postmortem_sim::engine::Dependency;
use postmortem_sim::time::SimTime;
use postmortem_sim::Simulation;

fn zoom(changes: &[(&str, &str)], seed: u64) -> Simulation {
    let s = scenario::find("7pace-2018-01-02").unwrap();
    let mut p = s.defaults();
    for (n, v) in changes {
        s.set_str(&mut p, n, v).unwrap();
    }
    s.start(&p, seed).unwrap()
}

fn redis(sim: &Simulation) -> &SingleThreaded {
    match sim.engine().dependency(0) {
        Dependency::Single(r) => r,
        Dependency::Fifo(_) => panic!("Redis is single-threaded"),
    }
}

#[test]
fn zoom_csv_has_the_issue_columns_and_ten_second_samples() {
    let mut sim = zoom(&[("scale", "0.05")], 1);
    sim.run_to_end();
    let csv = sim.series().to_csv();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    for c in [
        "time_s",
        "clock_utc",
        "frozen_apps",
        "redis_load_pct",
        "redis_queue",
        "redis_reads_per_s",
        "redis_writes_per_s",
        "redis_timeouts_per_s",
        "polls_per_s",
        "threads_app0",
        "threads_app7",
        "queue_app0",
        "queue_app7",
    ] {
        assert!(header.contains(&c), "missing column {c}");
    }
    assert_eq!(sim.series().len(), 721, "every 10 s over two hours, both ends");
    assert_eq!(csv.lines().nth(1).unwrap().split(',').nth(1), Some("2018-01-02T11:00:00Z"));
    assert_eq!(csv.lines().last().unwrap().split(',').nth(1), Some("2018-01-02T13:00:00Z"));
}

/// Little's law and the utilisation law for Redis inside the zoom: the time-averaged number of
/// operations queued or in service equals ops/s × mean sojourn (2 %), and the busy fraction
/// equals ops/s × mean service time (1 %), both measured on a 2 ms grid over ten minutes.
#[test]
fn redis_obeys_little_and_the_utilisation_law_in_the_zoom() {
    let mut sim = zoom(&[("scale", "0.1"), ("start_h", "8")], 3);
    let (t0, t1, step) = (120.0, 720.0, 0.002);
    sim.run_until(t0);
    let (ops0, soj0, svc0) = {
        let r = redis(&sim);
        (r.ops(), r.sojourn_s_total(), r.service_s_total())
    };
    let (mut l_sum, mut busy_sum, mut n) = (0.0, 0.0, 0u64);
    let mut t = t0;
    while t < t1 {
        t += step;
        sim.run_until(t);
        let r = redis(&sim);
        let now = SimTime::from_secs(t);
        l_sum += r.queue_len(now) as f64;
        busy_sum += r.in_service(now) as f64;
        n += 1;
    }
    let r = redis(&sim);
    let ops = (r.ops() - ops0) as f64;
    let span = t1 - t0;
    let l = l_sum / n as f64;
    let little = ops / span * ((r.sojourn_s_total() - soj0) / ops);
    assert!(ops > 10_000.0, "a busy Redis: {ops} ops");
    assert!((l / little - 1.0).abs() < 0.02, "L {l} vs λW {little}");
    let busy = busy_sum / n as f64;
    let law = ops / span * ((r.service_s_total() - svc0) / ops);
    assert!((busy / law - 1.0).abs() < 0.01, "busy {busy} vs λS {law}");
}

/// P-A5 in the zoom, as far as it holds: Redis saturates, reads outnumber writes 5 to 1, and a
/// web app hosting an API poller freezes. ("Only one app" and the freeze's length do not hold
/// at the defaults; see docs/MODEL.md. Timeouts on every app: the next test.)
#[test]
fn zoom_redis_saturates_and_a_poller_app_freezes() {
    let mut sim = zoom(&[("scale", "0.1")], 1);
    sim.run_to_end();
    let s = sim.series();
    let load = s.column("redis_load_pct").unwrap();
    assert!(load.iter().copied().fold(0.0, f64::max) >= 99.0);
    let (r, w) = (s.column("redis_reads_per_s").unwrap(), s.column("redis_writes_per_s").unwrap());
    let (rs, ws): (f64, f64) = (r.iter().sum(), w.iter().sum());
    assert!(rs >= 5.0 * ws, "reads {rs} writes {ws}");
    let Simulation::SevenpaceZoom(d) = &sim else { panic!("the zoom") };
    let freezes = d.wiring.all_freezes(sim.now_s());
    assert!(freezes.iter().any(|f| f.has_poller && f.duration_s >= 60.0), "{freezes:?}");
}

/// The trigger, "a single API call": a full refresh reads all its cache entries in one MGET,
/// which Redis runs to the end before the next operation. The largest accounts' MGETs hold
/// Redis for about a second on their own, so within half an hour the synchronous calls of every
/// web app, queued behind one, have timed out (P-A5's "Redis timeouts on every app"). With the
/// refresh split into MGETs of 50 entries, none had.
#[test]
fn one_api_calls_mget_times_out_calls_on_every_web_app() {
    let mut sim = zoom(&[("scale", "0.1")], 1);
    sim.run_until(1800.0);
    let e = sim.engine();
    let Simulation::SevenpaceZoom(d) = &sim else { panic!("the zoom") };
    let per_app: Vec<u64> = (0..d.wiring.n_apps()).map(|k| e.call_timeouts(k)).collect();
    assert!(per_app.iter().all(|&n| n > 0), "timeouts per app: {per_app:?}");
}

/// P-A6 and P-A7 in the zoom: with Page Visibility Redis stays under 90 % (one-minute means) and
/// nothing freezes; a rate-limited or incremental API freezes nothing either; as it happened,
/// only apps hosting an API poller freeze.
#[test]
fn zoom_fixes_remove_the_freeze() {
    let s = scenario::find("7pace-2018-01-02").unwrap();
    let mut frozen_as_is = 0.0;
    for preset in ["as-it-happened", "page-visibility", "api-rate-limit", "incremental-refresh"] {
        let mut p = s.defaults();
        p.apply(s.params, s.preset(preset).unwrap()).unwrap();
        let mut sim = s.start(&p, 1).unwrap();
        sim.run_to_end();
        let series = sim.series();
        let frozen: f64 = series.column("frozen_apps").unwrap().iter().sum();
        let Simulation::SevenpaceZoom(d) = &sim else { panic!("the zoom") };
        let freezes = d.wiring.all_freezes(sim.now_s());
        match preset {
            "as-it-happened" => {
                frozen_as_is = frozen;
                assert!(freezes.iter().all(|f| f.has_poller), "only poller apps freeze: {freezes:?}");
                assert!((0..d.wiring.n_apps()).any(|k| !freezes.iter().any(|f| f.app as usize == k)));
            }
            _ => assert_eq!(frozen, 0.0, "{preset}: {freezes:?}"),
        }
        if preset == "page-visibility" {
            let load = series.column("redis_load_pct").unwrap();
            let minute_max =
                load.chunks(6).map(|c| c.iter().sum::<f64>() / c.len() as f64).fold(0.0, f64::max);
            assert!(minute_max < 90.0, "Redis per minute under 90 %: {minute_max}");
        }
    }
    assert!(frozen_as_is > 0.0, "as it happened, something freezes");
}

fn cli(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_postmortem-sim")).args(args).output().expect("runs")
}

#[test]
fn cli_plan_and_bad_values() {
    let out = cli(&["plan", "7pace-2017", "--preset", "equal-circles"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["circles"].as_array().unwrap().len(), 9);
    assert!(v["exposed_users"].as_u64().unwrap() <= 2300, "{v}");
    for args in [
        &["run", "7pace-2017", "--sample-s", "90", "--format", "csv"][..],
        &["run", "7pace-2018-01-02", "--set", "scale=2", "--format", "csv"][..],
        &["plan", "vsts-2018-02-07"][..],
        &["calibrate", "7pace-2017", "--seeds", "1", "--set", "poll_s=1"][..],
    ] {
        let out = cli(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("postmortem-sim: "), "{err}");
    }
}
