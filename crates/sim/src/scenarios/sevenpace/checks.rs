//! The acceptance properties of `7pace-2017` (MODEL.md 5.3), evaluated over seeds.
//!
//! As for VSTS ([`crate::scenarios::vsts::checks`]): each run calibrate needs is a named set of
//! changes ([`runs`]); a run is summarised per seed ([`summarize`], which drives the model so it
//! can read per-app state at the start and end of 2 January); [`evaluate`] turns the summaries
//! into properties with the fraction of seeds where each holds. The CLI
//! (`postmortem-sim calibrate 7pace-2017 --seeds N`) and the release-mode tests use it.

use super::macro_model::MacroModel;
use super::rollout;
use super::{SevenpaceParams, JAN_2};
use crate::model::Model;
use crate::params::Params;
use crate::scenarios::vsts::checks::{Check, RunSpec};
use serde::Serialize;

/// Day of the run of 27 Dec 2017 (the default release of extended caching).
pub const DEC_27: u32 = 87;
/// 15 and 23 Dec: the eight web apps, and the start of the holidays.
pub const DEC_15: u32 = 75;
/// 23 Dec.
pub const DEC_23: u32 = 83;

/// Every run the properties need.
pub fn runs() -> Vec<RunSpec> {
    let mut v = vec![RunSpec { name: "as-it-happened", changes: vec![] }];
    // Ten times the capacity at every stage: nothing saturates.
    v.push(RunSpec {
        name: "ten-times-cores",
        changes: vec![("instances_1", 40.0), ("instances_2", 80.0), ("instances_3", 20.0)],
    });
    for p in super::PRESETS.iter().filter(|p| {
        matches!(
            p.name,
            "equal-circles" | "page-visibility" | "api-rate-limit" | "incremental-refresh" | "alerting"
        )
    }) {
        v.push(RunSpec { name: p.name, changes: p.changes.to_vec() });
    }
    v
}

/// What the properties need from one run.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    /// Users migrated before and after the last circle.
    pub users_before_last: f64,
    /// Users after the last circle.
    pub users_after_last: f64,
    /// Largest |requests / projected − 1| in business hours from the first circle to 31 Dec.
    pub max_projection_error: f64,
    /// The planner's first circle over 80 % (from 1) and the users it exposes.
    pub first_over: Option<u32>,
    /// Users the first circle over 80 % exposes.
    pub exposed_users: u32,
    /// Circles.
    pub circles: u32,
    /// 15–22 Dec, EU business hours: fraction of samples with the median app under 80 % CPU.
    pub dec_median_under_80: f64,
    /// 15–22 Dec, EU business hours: the largest fraction of samples with p95 over 5 s among
    /// apps hosting an API poller.
    pub dec_worst_poller_app_p95_frac: f64,
    /// Mean cost per day in December over November.
    pub cost_ratio: f64,
    /// 27 Dec – 1 Jan: highest Redis load [%].
    pub holiday_redis_max: f64,
    /// 27 Dec – 1 Jan: minutes with a frozen app.
    pub holiday_frozen_min: f64,
    /// 2 Jan: highest Redis load [%].
    pub jan2_redis_max: f64,
    /// 2 Jan: reads over writes at the busiest Redis minute.
    pub jan2_read_write_ratio: f64,
    /// 2 Jan: the first freeze of at least 1 minute: app, start [minute of the run], minutes,
    /// whether the app hosts a poller.
    pub jan2_first_freeze: Option<(u32, u64, u64, bool)>,
    /// 2 Jan: distinct apps that froze.
    pub jan2_frozen_apps: u32,
    /// 2 Jan: fewest Redis timeouts on any app.
    pub jan2_min_app_timeouts: f64,
    /// 2 Jan: the first freeze of at least 5 minutes [minute of the run].
    pub jan2_first_long_freeze_min: Option<u64>,
    /// First minute the CPU and Redis alert rules fired.
    pub cpu_alert_min: Option<u64>,
    /// First minute the Redis alert rule fired.
    pub redis_alert_min: Option<u64>,
    /// Alerts paged on 2 Jan before its first freeze of 5 minutes (0 when alerting is off).
    pub jan2_paged_before_freeze: f64,
    /// Day of the last circle.
    pub last_circle_day: u32,
    /// Mean polls per second in business hours, 1–22 Dec.
    pub dec_polls_mean: f64,
    /// First sample with APAC p95 over 5 s [s].
    pub apac_over_5_s: Option<f64>,
    /// First sample with EU p95 over 5 s [s].
    pub eu_over_5_s: Option<f64>,
    /// Samples with APAC p95 over 5 s.
    pub apac_over_5_n: usize,
    /// Samples with EU p95 over 5 s.
    pub eu_over_5_n: usize,
    /// The server p95 at which an APAC and an EU page load crosses 5 s [s].
    pub server_p95_at_5s: (f64, f64),
}

fn business(t: f64) -> bool {
    // EU business hours 08–18 CET = 07–17 UTC, weekdays.
    let day = (t / 86_400.0) as i64;
    let h = (t % 86_400.0) / 3600.0;
    let wd = crate::calendar::weekday(super::START.days() + day);
    wd < 5 && (7.0..17.0).contains(&h)
}

/// Runs `m` to the end and summarises it. `sample_s` must be 60.
pub fn summarize(mut m: MacroModel, seed: u64) -> Summary {
    let v = m.wl.v.clone();
    let day_s = 86_400.0;
    m.run_until(JAN_2 as f64 * day_s - 1.0);
    let before: Vec<f64> = m.apps.iter().map(|a| a.timeouts).collect();
    m.run_until((JAN_2 + 1) as f64 * day_s - 1.0);
    let jan2_min_app_timeouts = m
        .apps
        .iter()
        .zip(before.iter().chain(std::iter::repeat(&0.0)))
        .map(|(a, b)| a.timeouts - b)
        .fold(f64::INFINITY, f64::min);
    while !m.step_events(u64::MAX) {}
    let s = m.series();
    let col = |n: &str| s.column(n).unwrap_or_else(|| panic!("7pace series has {n}"));
    let t = s.time();
    let in_days = |ti: f64, d0: u32, d1: u32| ti >= d0 as f64 * day_s && ti < d1 as f64 * day_s;
    let days = rollout::circle_days(&v);
    let last = *days.last().expect("at least three circles");
    let users = col("users_migrated");
    let at = |d: u32| users[((d as f64 * day_s) / 60.0) as usize];
    let (req, proj) = (col("requests_per_s"), col("projected_requests_per_s"));
    let mut max_err: f64 = 0.0;
    for i in 0..t.len() {
        if t[i] >= days[0] as f64 * day_s && t[i] < 92.0 * day_s && business(t[i]) && proj[i] > 0.0 {
            max_err = max_err.max((req[i] / proj[i] - 1.0).abs());
        }
    }
    let frac = |pred: &dyn Fn(usize) -> bool, d0: u32, d1: u32| {
        let idx: Vec<usize> = (0..t.len()).filter(|&i| in_days(t[i], d0, d1) && business(t[i])).collect();
        idx.iter().filter(|&&i| pred(i)).count() as f64 / idx.len().max(1) as f64
    };
    let med = col("webapp_cpu_pct_median");
    let agg = m.wl.day_aggregates(DEC_15 + 2);
    let mut worst: f64 = 0.0;
    for (k, a) in agg.apps.iter().enumerate() {
        if a.pollers > 0 {
            if let Some(p) = s.column(&format!("p95_app{k}_s")) {
                worst = worst.max(frac(&|i| p[i] > 5.0, DEC_15, DEC_23));
            }
        }
    }
    let cost = col("cost_per_day");
    let mean_cost = |d0: u32, d1: u32| {
        let v: Vec<f64> = (0..t.len()).filter(|&i| in_days(t[i], d0, d1)).map(|i| cost[i]).collect();
        v.iter().sum::<f64>() / v.len().max(1) as f64
    };
    let redis = col("redis_load_pct");
    let frozen = col("frozen_apps");
    let max_in = |c: &[f64], d0: u32, d1: u32| {
        (0..t.len()).filter(|&i| in_days(t[i], d0, d1)).map(|i| c[i]).fold(0.0, f64::max)
    };
    let (reads, writes) = (col("redis_reads_per_s"), col("redis_writes_per_s"));
    let busiest = (0..t.len())
        .filter(|&i| in_days(t[i], JAN_2, JAN_2 + 1))
        .max_by(|&a, &b| redis[a].total_cmp(&redis[b]).then(b.cmp(&a)))
        .unwrap_or(0);
    let jan2 = |f: &&super::macro_model::Freeze| {
        f.start_min >= JAN_2 as u64 * 1440 && f.start_min < (JAN_2 as u64 + 1) * 1440
    };
    let first = m.freezes.iter().filter(jan2).min_by_key(|f| f.start_min);
    let mut apps: Vec<u32> = m.freezes.iter().filter(jan2).map(|f| f.app).collect();
    apps.sort_unstable();
    apps.dedup();
    let first_long = m.freezes.iter().filter(jan2).filter(|f| f.minutes >= 5).map(|f| f.start_min).min();
    let alerts = col("alerts_firing");
    let paged = first_long.map_or(0.0, |f0| {
        (0..t.len())
            .filter(|&i| in_days(t[i], JAN_2, JAN_2 + 1) && t[i] < f0 as f64 * 60.0)
            .map(|i| alerts[i])
            .fold(0.0, f64::max)
    });
    let polls = col("polls_per_s");
    let dec_polls: Vec<f64> =
        (0..t.len()).filter(|&i| in_days(t[i], 61, DEC_23) && business(t[i])).map(|i| polls[i]).collect();
    let first_over = |c: &[f64]| (0..t.len()).find(|&i| c[i] > 5.0).map(|i| t[i]);
    let plan = rollout::plan(&v, seed, 80.0);
    Summary {
        users_before_last: at(last - 1),
        users_after_last: at(last),
        max_projection_error: max_err,
        first_over: plan.first_over,
        exposed_users: plan.exposed_users,
        circles: v.circles,
        dec_median_under_80: frac(&|i| med[i] < 80.0, DEC_15, DEC_23),
        dec_worst_poller_app_p95_frac: worst,
        cost_ratio: mean_cost(61, 92) / mean_cost(31, 61),
        holiday_redis_max: max_in(redis, DEC_27, JAN_2),
        holiday_frozen_min: (0..t.len()).filter(|&i| in_days(t[i], DEC_27, JAN_2)).map(|i| frozen[i]).sum(),
        jan2_redis_max: max_in(redis, JAN_2, JAN_2 + 1),
        jan2_read_write_ratio: if writes[busiest] > 0.0 { reads[busiest] / writes[busiest] } else { 0.0 },
        jan2_first_freeze: first.map(|f| (f.app, f.start_min, f.minutes, f.has_poller)),
        jan2_frozen_apps: apps.len() as u32,
        jan2_min_app_timeouts,
        jan2_first_long_freeze_min: first_long,
        cpu_alert_min: m.alerts.rules[0].first_fired_min,
        redis_alert_min: m.alerts.rules[2].first_fired_min,
        jan2_paged_before_freeze: paged,
        last_circle_day: last,
        dec_polls_mean: dec_polls.iter().sum::<f64>() / dec_polls.len().max(1) as f64,
        apac_over_5_s: first_over(col("latency_p95_apac_s")),
        eu_over_5_s: first_over(col("latency_p95_eu_s")),
        apac_over_5_n: col("latency_p95_apac_s").iter().filter(|x| **x > 5.0).count(),
        eu_over_5_n: col("latency_p95_eu_s").iter().filter(|x| **x > 5.0).count(),
        server_p95_at_5s: (5.0 - m.wl.round_trip_s(2), 5.0 - m.wl.round_trip_s(0)),
    }
}

/// The run of `params` and `seed`, summarised (one-minute samples).
pub fn summary(v: &SevenpaceParams, seed: u64) -> Summary {
    let mut v = v.clone();
    v.sample_s = 60.0;
    summarize(MacroModel::new(&v, seed), seed)
}

fn share(v: &[Summary], f: impl Fn(&Summary) -> bool) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.iter().filter(|x| f(x)).count() as f64 / v.len() as f64
}

fn no_jan2_freeze(s: &Summary) -> bool {
    s.jan2_first_freeze.is_none()
}

/// Evaluates the properties from the summaries of each run (by [`RunSpec`] name, one per seed in
/// seed order), and of the equal-circles plan per seed (`equal`: first circle over, users).
pub fn evaluate(runs: &[(&str, Vec<Summary>)]) -> Vec<Check> {
    let get = |n: &str| runs.iter().find(|(name, _)| *name == n).map(|(_, v)| v.as_slice());
    let mut out = vec![];
    let mut push = |id: &'static str, description: String, fraction: f64, required: f64| {
        out.push(Check { id, description, fraction, required, pass: fraction >= required });
    };
    if let Some(d) = get("ten-times-cores") {
        push(
            "P-A1",
            "the last circle adds 50 % ± 5 % users; with ten times the cores, requests/s follow the migrated users (the projection) within ±10 % in business hours".into(),
            share(d, |s| {
                let step = s.users_after_last / s.users_before_last.max(1.0) - 1.0;
                (0.45..=0.55).contains(&step) && s.max_projection_error <= 0.10
            }),
            0.9,
        );
    }
    if let Some(d) = get("as-it-happened") {
        push(
            "P-A2a",
            "exponential circles: the last circle is the first to push a web app over 80 % CPU (planner)"
                .into(),
            share(d, |s| s.first_over == Some(s.circles)),
            0.9,
        );
    }
    if let Some(d) = get("equal-circles") {
        push(
            "P-A2b",
            "equal circles: the first circle over 80 % exposes at most 2,300 new users".into(),
            share(d, |s| s.first_over.is_some() && s.exposed_users <= 2300),
            0.9,
        );
    }
    if let Some(d) = get("as-it-happened") {
        push("P-A3", "15–22 Dec (after ×4, eight apps), business hours: median app CPU < 80 %, an app with an API poller has p95 > 5 s in ≥ 20 % of them; December costs 4.0× November".into(),
            share(d, |s| s.dec_median_under_80 >= 0.95 && s.dec_worst_poller_app_p95_frac >= 0.2 && (s.cost_ratio - 4.0).abs() < 0.05), 0.8);
        push(
            "P-A4",
            "27 Dec – 1 Jan (extended caching, holidays): Redis under 40 %, no freeze".into(),
            share(d, |s| s.holiday_redis_max < 40.0 && s.holiday_frozen_min == 0.0),
            0.9,
        );
        push("P-A5", "2 Jan: Redis saturates (100 %), reads ≥ 5× writes, the first freeze lasts 5–20 min on an app with an API poller and no other app freezes, Redis timeouts on every app".into(),
            share(d, |s| s.jan2_redis_max >= 99.9 && s.jan2_read_write_ratio >= 5.0 && s.jan2_frozen_apps == 1
                && s.jan2_first_freeze.is_some_and(|(_, _, m, p)| (5..=20).contains(&m) && p) && s.jan2_min_app_timeouts > 0.0), 0.8);
        push(
            "P-A5f",
            "2 Jan: some web app hosting an API poller freezes (any duration)".into(),
            share(d, |s| s.jan2_first_freeze.is_some_and(|f| f.3)),
            0.8,
        );
        push(
            "P-A8b",
            "as it happened (alerting off): nothing pages before the first 5-minute freeze of 2 Jan".into(),
            share(d, |s| s.jan2_first_long_freeze_min.is_some() && s.jan2_paged_before_freeze == 0.0),
            0.8,
        );
        push(
            "P-A9",
            "at the same server latency APAC pages cross 5 s first: at a lower server p95, no later in the run, and in more samples than EU".into(),
            share(d, |s| {
                let first = match (s.apac_over_5_s, s.eu_over_5_s) {
                    (Some(a), Some(e)) => a <= e,
                    (Some(_), None) => true,
                    _ => false,
                };
                first && s.server_p95_at_5s.0 < s.server_p95_at_5s.1 && s.apac_over_5_n > s.eu_over_5_n
            }),
            0.9,
        );
        if let Some(p) = get("page-visibility") {
            let ratio: Vec<f64> =
                d.iter().zip(p).map(|(a, b)| a.dec_polls_mean / b.dec_polls_mean.max(1e-9)).collect();
            let ok = d
                .iter()
                .zip(p)
                .zip(&ratio)
                .filter(|((_, b), r)| {
                    (2.7..=3.3).contains(*r) && no_jan2_freeze(b) && b.jan2_redis_max < 90.0
                })
                .count();
            push("P-A6", format!("Page Visibility: polls fall {:.2}× (3× ± 10 %), 2 Jan has no freeze and Redis stays under 90 %", ratio.iter().sum::<f64>() / ratio.len().max(1) as f64),
                ok as f64 / d.len().max(1) as f64, 0.9);
        }
    }
    for (name, id) in [("api-rate-limit", "P-A7a"), ("incremental-refresh", "P-A7b")] {
        if let Some(d) = get(name) {
            push(
                id,
                format!("{name} (Page Visibility off): no freeze on 2 Jan"),
                share(d, no_jan2_freeze),
                0.9,
            );
        }
    }
    if let Some(d) = get("alerting") {
        push("P-A8a", "alerting: a CPU alert within one business day of the last circle, and the Redis alert on 2 Jan before its first 5-minute freeze".into(),
            share(d, |s| {
                let c9 = s.last_circle_day as u64 * 1440;
                let cpu_ok = s.cpu_alert_min.is_some_and(|m| m >= c9 && m < c9 + 1440);
                let redis_ok = match (s.redis_alert_min, s.jan2_first_long_freeze_min) {
                    (Some(r), Some(f)) => r < f && r >= JAN_2 as u64 * 1440,
                    (Some(r), None) => r >= JAN_2 as u64 * 1440,
                    _ => false,
                };
                cpu_ok && redis_ok
            }), 0.8);
    }
    out
}

/// Summaries of every run over seeds `1..=seeds` for `params` (sequentially; the CLI spreads
/// the runs over the cores).
pub fn calibrate(params: &Params, specs: &[RunSpec], seeds: u64) -> Vec<(&'static str, Vec<Summary>)> {
    specs
        .iter()
        .map(|r| {
            let v = configured(params, r);
            (r.name, (1..=seeds).map(|s| summary(&v, s)).collect())
        })
        .collect()
}

/// `params` with a run's changes (each checked against its range; a change out of range is
/// left out, which the scenario's own ranges make impossible for [`runs`]).
pub fn configured(params: &Params, r: &RunSpec) -> SevenpaceParams {
    let mut p = params.clone();
    for (n, x) in &r.changes {
        let _ = p.set(super::PARAMS, n, *x);
    }
    SevenpaceParams::from_params(&p)
}

/// What the zoom's properties need from one run of `7pace-2018-01-02`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ZoomSummary {
    /// Highest one-minute Redis load [%].
    pub redis_max_1m: f64,
    /// Reads over writes over the window.
    pub read_write_ratio: f64,
    /// Freezes: (app, start s, duration s, hosts a poller).
    pub freezes: Vec<(u32, f64, f64, bool)>,
    /// Apps with at least one Redis timeout.
    pub apps_with_timeouts: usize,
    /// Web apps.
    pub apps: usize,
}

/// Runs the zoom for `params` (with a run's changes) and `seed`, and summarises it.
pub fn zoom_summary(params: &Params, seed: u64) -> ZoomSummary {
    let mut d = super::zoom::driver(params, seed);
    while !d.step_events(u64::MAX) {}
    let s = d.series();
    let col = |n: &str| s.column(n).unwrap_or_else(|| panic!("zoom series has {n}"));
    let load = col("redis_load_pct");
    let per_min = (60.0 / params.get("sample_s")).round().max(1.0) as usize;
    let redis_max_1m =
        load.chunks(per_min).map(|c| c.iter().sum::<f64>() / c.len() as f64).fold(0.0, f64::max);
    let (r, w): (f64, f64) = (col("redis_reads_per_s").iter().sum(), col("redis_writes_per_s").iter().sum());
    let apps = d.wiring.n_apps();
    let apps_with_timeouts = (0..apps).filter(|&k| d.engine.call_timeouts(k) > 0).count();
    let freezes = d
        .wiring
        .all_freezes(d.now_s())
        .iter()
        .map(|f| (f.app, f.start_s, f.duration_s, f.has_poller))
        .collect();
    ZoomSummary {
        redis_max_1m,
        read_write_ratio: if w > 0.0 { r / w } else { 0.0 },
        freezes,
        apps_with_timeouts,
        apps,
    }
}

/// The zoom's runs: as it happened and the three fixes.
pub fn zoom_runs() -> Vec<RunSpec> {
    let mut v = vec![RunSpec { name: "as-it-happened", changes: vec![] }];
    for p in super::PRESETS
        .iter()
        .filter(|p| matches!(p.name, "page-visibility" | "api-rate-limit" | "incremental-refresh"))
    {
        v.push(RunSpec { name: p.name, changes: p.changes.to_vec() });
    }
    v
}

/// The zoom's share of P-A5, P-A6 and P-A7.
pub fn evaluate_zoom(runs: &[(&str, Vec<ZoomSummary>)]) -> Vec<Check> {
    let get = |n: &str| runs.iter().find(|(name, _)| *name == n).map(|(_, v)| v.as_slice());
    let share = |v: &[ZoomSummary], f: &dyn Fn(&ZoomSummary) -> bool| {
        v.iter().filter(|x| f(x)).count() as f64 / v.len().max(1) as f64
    };
    let mut out = vec![];
    let mut push = |id: &'static str, description: &str, fraction: f64, required: f64| {
        out.push(Check {
            id,
            description: description.into(),
            fraction,
            required,
            pass: fraction >= required,
        });
    };
    if let Some(d) = get("as-it-happened") {
        push(
            "Z-A5a",
            "Redis saturates (a minute at ≥ 99 %), reads ≥ 5× writes",
            share(d, &|s| s.redis_max_1m >= 99.0 && s.read_write_ratio >= 5.0),
            0.8,
        );
        push(
            "Z-A5b",
            "an app hosting an API poller freezes; every freeze is on such an app and some app never freezes",
            share(d, &|s| {
                let frozen: std::collections::BTreeSet<u32> = s.freezes.iter().map(|f| f.0).collect();
                !s.freezes.is_empty() && s.freezes.iter().all(|f| f.3) && frozen.len() < s.apps
            }),
            0.8,
        );
        push(
            "Z-A5c",
            "the first freeze lasts 5–20 min and only one app freezes",
            share(d, &|s| {
                let first = s.freezes.iter().min_by(|a, b| a.1.total_cmp(&b.1));
                let frozen: std::collections::BTreeSet<u32> = s.freezes.iter().map(|f| f.0).collect();
                first.is_some_and(|f| (300.0..=1200.0).contains(&f.2)) && frozen.len() == 1
            }),
            0.8,
        );
        push("Z-A5d", "Redis timeouts on every app", share(d, &|s| s.apps_with_timeouts == s.apps), 0.8);
    }
    if let Some(d) = get("page-visibility") {
        push(
            "Z-A6",
            "Page Visibility: Redis under 90 % (one-minute means), no freeze",
            share(d, &|s| s.redis_max_1m < 90.0 && s.freezes.is_empty()),
            0.9,
        );
    }
    for (name, id) in [("api-rate-limit", "Z-A7a"), ("incremental-refresh", "Z-A7b")] {
        if let Some(d) = get(name) {
            push(id, &format!("{name}: no freeze"), share(d, &|s| s.freezes.is_empty()), 0.9);
        }
    }
    out
}
