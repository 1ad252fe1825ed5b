//! The acceptance properties of the VSTS scenario (MODEL.md 5.2 and 5.4), evaluated over seeds.
//!
//! A property is judged per seed from the run's sampled series (a [`Summary`]), then as the
//! fraction of seeds where it holds against the fraction the property requires. The runs it
//! needs are listed by [`runs`]: the parameters as given, and the counterfactuals, each a set
//! of changes on top of them. The CLI (`postmortem-sim calibrate`) and the release-mode tests
//! both use this module; the CLI spreads the runs over the cores.
//!
//! The incident begins at the first sample after the trigger with fewer than 5 ATs in rotation
//! (none: the storm was absorbed, no incident). "Recover" means at least 5 ATs in rotation for
//! 10 minutes; the recovery time is the start of the first such stretch at or after the
//! incident's start (the trigger itself if there was no incident). The bad state lasts from the
//! incident's start to the recovery (to the end of the run if it never recovers).

use super::{at, VstsParams, DURATION_S};
use crate::series::Series;
use serde::Serialize;

/// One run calibrate needs: a name and changes on top of the given parameters.
#[derive(Clone, Debug, Serialize)]
pub struct RunSpec {
    /// Machine name.
    pub name: &'static str,
    /// Changes against the given parameters.
    pub changes: Vec<(&'static str, f64)>,
}

/// The zombies recycled 10 minutes apart, in the same order (A7's "we got lucky").
pub const SPACED_RECYCLES: &[(&str, f64)] = &[
    ("recycle_at6_min", 163.0),
    ("recycle_at0_min", 173.0),
    ("recycle_at4_min", 183.0),
    ("recycle_at1_min", 193.0),
    ("recycle_at2_min", 203.0),
    ("recycle_at3_min", 208.0),
    ("recycle_at5_min", 210.0),
];

/// Every run the properties need. `counterfactuals` adds the what-ifs of MODEL.md 5.2 and the
/// ablation of 5.4.
pub fn runs(counterfactuals: bool) -> Vec<RunSpec> {
    let mut v = vec![
        RunSpec { name: "as-it-happened", changes: vec![] },
        RunSpec { name: "spaced-recycles", changes: SPACED_RECYCLES.to_vec() },
        // Two crashes at 12:24, the moment of AT1's recycle dip.
        RunSpec { name: "crash-at-dip", changes: vec![("force_crash_min", 174.0), ("force_crash_n", 2.0)] },
    ];
    if counterfactuals {
        for p in super::PRESETS.iter().filter(|p| !p.changes.is_empty() && p.name != "all-fixes") {
            v.push(RunSpec { name: p.name, changes: p.changes.to_vec() });
        }
        v.push(RunSpec {
            name: "no-operator",
            changes: SPACED_RECYCLES.iter().map(|(n, _)| (*n, -1.0)).collect(),
        });
        v.push(RunSpec { name: "loop-off:sync-over-async", changes: vec![("sync_over_async", 0.0)] });
        v.push(RunSpec { name: "loop-off:health-agent", changes: vec![("ha_enabled", 0.0)] });
        v.push(RunSpec { name: "loop-off:abandoned-work", changes: vec![("server_cancels_abandoned", 1.0)] });
    }
    v
}

/// What the properties need from one run.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    /// Before 10:10: fraction of samples with ≥ 5 ATs in rotation.
    pub pre_frac_ge5: f64,
    /// Before 10:10: most impacted users in a 5-minute bucket.
    pub pre_impacted_max: f64,
    /// Reconnect attempts/s: mean before 10:10, peak in 10:10–10:10:15.
    pub reconnect_base: f64,
    /// Peak reconnect attempts/s within 15 s of 10:10.
    pub reconnect_peak: f64,
    /// Σ CPU over the ATs around 10:00 and around 10:20 [%].
    pub cpu_sum_1000: f64,
    /// Σ CPU around 10:20.
    pub cpu_sum_1020: f64,
    /// SQL breaker rejections during 10:10–10:20, and in 10:20–10:30.
    pub breaker_storm: f64,
    /// Breaker rejections 10 min after the storm's start onwards (10:20–10:30).
    pub breaker_after: f64,
    /// 10:20–12:13: fraction of samples with 1–3 ATs in rotation.
    pub window_frac_1_3: f64,
    /// 10:20–12:13: longest stretch with ≥ 6 in rotation [s].
    pub window_longest_ge6_s: f64,
    /// 10:20–12:13: fraction of samples with exactly one AT held by the health agent.
    pub window_frac_ha1: f64,
    /// Most ATs the health agent ever held at once.
    pub ha_max: f64,
    /// 10:20–12:13: mean ATs in rotation.
    pub window_mean_lb: f64,
    /// Largest per-AT thread count, full-scale [threads].
    pub threads_peak_at: f64,
    /// Largest growth of one process's threads from a sample at or above MinWorker, over up to
    /// [`SLOPE_WINDOW_S`], less one gate step (an interval L holds at most L/gate + 1
    /// injections), per second [threads/s, full scale].
    pub thread_slope_max: f64,
    /// Most impacted users in a 5-minute bucket.
    pub impacted_peak: f64,
    /// Redis exceptions on ATs and on job agents, summed.
    pub redis_at: f64,
    /// Redis exceptions on job agents, summed.
    pub redis_ja: f64,
    /// A 10-minute stretch with ≥ 6 in rotation starting in 10:20–12:13.
    pub self_healed: bool,
    /// ATs in rotation at 12:22.
    pub lb_at_1222: f64,
    /// Start of the incident: the first sample after the trigger with fewer than 5 ATs in
    /// rotation [s since 09:30]; none if the storm was absorbed.
    pub incident_s: Option<f64>,
    /// Recovery: the start of the first 10-minute stretch with ≥ 5 in rotation at or after the
    /// incident's start (the trigger if there was no incident) [s since 09:30], if any.
    pub recovery_s: Option<f64>,
    /// Length of the bad state: incident start to recovery, or to the end of the run [s].
    pub bad_state_s: f64,
    /// A 10-minute stretch with ≥ 5 in rotation starting in 12:13–12:30 (or under way at 12:13).
    pub recovered_1213_1230: bool,
    /// After 12:22: a 10-minute stretch with 1–3 in rotation (a relapse).
    pub relapse_after_1222: bool,
    /// First time fewer than 4 ATs were in rotation after the trigger.
    pub first_below4_s: Option<f64>,
    /// Longest stretch any AT was a zombie [s].
    pub zombie_longest_s: f64,
}

fn column<'a>(s: &'a Series, name: &str) -> &'a [f64] {
    s.column(name).unwrap_or_else(|| panic!("the VSTS series has a {name} column"))
}

/// Longest run of consecutive samples where `pred` holds, in seconds (sample spacing `dt`).
fn longest(t: &[f64], v: &[f64], from: f64, to: f64, pred: impl Fn(f64) -> bool) -> f64 {
    let (mut best, mut start) = (0.0f64, None);
    for (i, (&ti, &vi)) in t.iter().zip(v).enumerate() {
        if ti < from || ti > to {
            continue;
        }
        if pred(vi) {
            let s0 = *start.get_or_insert(ti);
            let end = t.get(i + 1).copied().unwrap_or(ti).min(to);
            best = best.max(end - s0);
        } else {
            start = None;
        }
    }
    best
}

/// The first time ≥ `from` that starts a stretch of `len` seconds where `pred` holds throughout.
fn first_stretch(t: &[f64], v: &[f64], from: f64, len: f64, pred: impl Fn(f64) -> bool) -> Option<f64> {
    let mut start = None;
    for (&ti, &vi) in t.iter().zip(v) {
        if ti < from {
            continue;
        }
        if pred(vi) {
            let s0 = *start.get_or_insert(ti);
            if ti - s0 >= len {
                return Some(s0);
            }
        } else {
            start = None;
        }
    }
    None
}

fn frac(t: &[f64], v: &[f64], from: f64, to: f64, pred: impl Fn(f64) -> bool) -> f64 {
    let (mut n, mut k) = (0usize, 0usize);
    for (&ti, &vi) in t.iter().zip(v) {
        if ti >= from && ti < to {
            n += 1;
            k += pred(vi) as usize;
        }
    }
    if n == 0 {
        0.0
    } else {
        k as f64 / n as f64
    }
}

fn fold(t: &[f64], v: &[f64], from: f64, to: f64, init: f64, f: impl Fn(f64, f64) -> f64) -> f64 {
    t.iter().zip(v).filter(|(ti, _)| **ti >= from && **ti < to).fold(init, |a, (_, vi)| f(a, *vi))
}

fn mean(t: &[f64], v: &[f64], from: f64, to: f64) -> f64 {
    let n = t.iter().filter(|ti| **ti >= from && **ti < to).count().max(1);
    fold(t, v, from, to, 0.0, |a, x| a + x) / n as f64
}

/// Where the incident starts, when it ends, and how long the bad state lasted (see the module
/// documentation): (incident start, recovery, bad state [s]).
fn incident(t: &[f64], lb: &[f64], trig: f64, end: f64) -> (Option<f64>, Option<f64>, f64) {
    let Some(onset) = t.iter().zip(lb).find(|(ti, v)| **ti > trig && **v < 5.0).map(|(ti, _)| *ti) else {
        return (None, Some(trig), 0.0);
    };
    let recovery = first_stretch(t, lb, onset, 600.0, |x| x >= 5.0);
    (Some(onset), recovery, recovery.unwrap_or(end) - onset)
}

/// The largest growth of a process's thread count from a sample at or above `min_worker`, over
/// up to [`SLOPE_WINDOW_S`], less one injection step `step`, per second. The gate grants at most
/// one thread per period, so an interval L holds at most ⌈L/gate⌉ ≤ L/gate + 1 injections:
/// growth ≤ rate·L + step. A single short sample interval cannot tell 3/s from 2/s (one step is
/// all it sees), hence the window. Growth up to MinWorker after a restart is unthrottled and does
/// not count: a restart drops the count below MinWorker, so it cannot raise the growth measured
/// from a sample at or above it.
fn thread_slope(t: &[f64], th: &[f64], min_worker: f64, step: f64) -> f64 {
    let mut slope: f64 = 0.0;
    let n = th.len().min(t.len());
    for j in 0..n {
        if th[j] < min_worker {
            continue;
        }
        for k in j + 1..n {
            let dt = t[k] - t[j];
            if dt > SLOPE_WINDOW_S {
                break;
            }
            if dt > 0.0 && th[k] > th[j] {
                slope = slope.max((th[k] - th[j] - step) / dt);
            }
        }
    }
    slope
}

/// The longest interval over which A4's thread slope is measured [s].
pub const SLOPE_WINDOW_S: f64 = 60.0;

/// Summarises one run of the VSTS scenario with parameters `v`.
pub fn summarize(s: &Series, v: &VstsParams) -> Summary {
    let n_at = v.n_at as usize;
    let procs = v.procs_per_at;
    let min_worker = v.min_worker as f64;
    // One injected thread at scale s, in full-scale threads (the series divides by s).
    let step = 1.0 / v.scale;
    let t = s.time();
    let lb = column(s, "lb_in_rotation");
    let trig = at(10, 10);
    let (w0, w1) = (at(10, 20), at(12, 13));
    let impacted = column(s, "impacted_users");
    let rc = column(s, "reconnects_per_s");
    let cpu = column(s, "cpu_total_pct");
    let br = column(s, "db_breaker_rejections");
    let ha = column(s, "health_agent_out");
    let mut threads_peak: f64 = 0.0;
    let mut slope: f64 = 0.0;
    let mut zombie_longest: f64 = 0.0;
    for i in 0..n_at {
        let th = column(s, &format!("threads_at{i}"));
        threads_peak = threads_peak.max(th.iter().copied().fold(0.0, f64::max));
        for k in 0..procs {
            let th = column(s, &format!("threads_at{i}_p{k}"));
            slope = slope.max(thread_slope(t, th, min_worker, step));
        }
        let z = column(s, &format!("zombie_at{i}"));
        zombie_longest = zombie_longest.max(longest(t, z, 0.0, f64::MAX, |x| x > 0.5));
    }
    let (incident_s, recovery_s, bad_state_s) = incident(t, lb, trig, DURATION_S);
    Summary {
        pre_frac_ge5: frac(t, lb, 0.0, trig, |x| x >= 5.0),
        pre_impacted_max: fold(t, impacted, 0.0, trig, 0.0, f64::max),
        reconnect_base: mean(t, rc, 0.0, trig),
        reconnect_peak: fold(t, rc, trig, trig + 15.0 + 1e-9, 0.0, f64::max),
        cpu_sum_1000: mean(t, cpu, at(9, 58), at(10, 2)),
        cpu_sum_1020: mean(t, cpu, at(10, 18), at(10, 22)),
        breaker_storm: fold(t, br, trig, at(10, 20), 0.0, |a, x| a + x),
        breaker_after: fold(t, br, at(10, 25), at(10, 35), 0.0, |a, x| a + x),
        window_frac_1_3: frac(t, lb, w0, w1, |x| (1.0..=3.0).contains(&x)),
        window_longest_ge6_s: longest(t, lb, w0, w1, |x| x >= 6.0),
        window_frac_ha1: frac(t, ha, w0, w1, |x| x == 1.0),
        ha_max: ha.iter().copied().fold(0.0, f64::max),
        window_mean_lb: mean(t, lb, w0, w1),
        threads_peak_at: threads_peak,
        thread_slope_max: slope,
        impacted_peak: impacted.iter().copied().fold(0.0, f64::max),
        redis_at: fold(t, column(s, "redis_exceptions_at"), trig, at(12, 40), 0.0, |a, x| a + x),
        redis_ja: fold(t, column(s, "redis_exceptions_ja"), trig, at(12, 40), 0.0, |a, x| a + x),
        self_healed: first_stretch(t, lb, w0, 600.0, |x| x >= 6.0).is_some_and(|s0| s0 + 600.0 <= w1),
        lb_at_1222: t.iter().zip(lb).find(|(ti, _)| **ti >= at(12, 22)).map_or(0.0, |(_, v)| *v),
        incident_s,
        recovery_s,
        bad_state_s,
        recovered_1213_1230: first_stretch(t, lb, at(12, 13), 600.0, |x| x >= 5.0)
            .is_some_and(|r| r <= at(12, 30)),
        relapse_after_1222: first_stretch(t, lb, at(12, 22), 600.0, |x| (1.0..=3.0).contains(&x)).is_some(),
        first_below4_s: t.iter().zip(lb).find(|(ti, v)| **ti > trig && **v < 4.0).map(|(ti, _)| *ti),
        zombie_longest_s: zombie_longest,
    }
}

/// One property over seeds.
#[derive(Clone, Debug, Serialize)]
pub struct Check {
    /// Its id in MODEL.md (A1, C4, …).
    pub id: &'static str,
    /// What it says.
    pub description: String,
    /// Fraction of seeds where the per-seed condition holds.
    pub fraction: f64,
    /// Fraction required.
    pub required: f64,
    /// Whether it passes. Reported-only properties (C3, C5) always pass.
    pub pass: bool,
}

fn share<T>(v: &[T], f: impl Fn(&T) -> bool) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.iter().filter(|x| f(x)).count() as f64 / v.len() as f64
}

fn recovered_by(s: &Summary, t: f64) -> bool {
    s.recovery_s.is_some_and(|r| r <= t)
}

/// Evaluates the properties from the summaries of each run (by [`RunSpec`] name, one per seed
/// in seed order). Properties whose runs are missing are left out.
pub fn evaluate(runs: &[(&str, Vec<Summary>)]) -> Vec<Check> {
    let get = |n: &str| runs.iter().find(|(name, _)| *name == n).map(|(_, v)| v.as_slice());
    let mut out = vec![];
    let mut push = |id: &'static str, description: String, fraction: f64, required: f64| {
        out.push(Check { id, description, fraction, required, pass: fraction >= required });
    };
    if let Some(d) = get("as-it-happened") {
        push(
            "A1",
            "before 10:10: ≥ 5 ATs in rotation in ≥ 95 % of samples, impacted users < 500".into(),
            share(d, |s| s.pre_frac_ge5 >= 0.95 && s.pre_impacted_max < 500.0),
            0.8,
        );
        push("A2", "reconnects peak ≥ 10× baseline within 15 s of 10:10; Σ CPU at 10:20 below 10:00; breakers open in the storm, ≈ 0 by 10:25".into(),
            share(d, |s| s.reconnect_peak >= 10.0 * s.reconnect_base.max(0.1) && s.cpu_sum_1020 < s.cpu_sum_1000
                && s.breaker_storm > 0.0 && s.breaker_after <= 0.01 * s.breaker_storm), 0.8);
        push("A3", "10:20–12:13: 1–3 ATs in rotation in ≥ 70 % of samples, never ≥ 6 for > 60 s, health agent holds exactly 1 in ≥ 85 % and never > 1".into(),
            share(d, |s| s.window_frac_1_3 >= 0.7 && s.window_longest_ge6_s <= 60.0 && s.window_frac_ha1 >= 0.85 && s.ha_max <= 1.0), 0.8);
        push(
            "A4",
            "threads per AT peak ≥ 384; above MinWorker they grow ≤ 2 per second per process".into(),
            share(d, |s| s.threads_peak_at >= 384.0 && s.thread_slope_max <= 2.0 + 1e-9),
            1.0,
        );
        push(
            "A5",
            "impacted users peak in [3,000, 7,000]; Redis exceptions on ATs, ≈ 0 on job agents".into(),
            share(d, |s| {
                (3000.0..=7000.0).contains(&s.impacted_peak)
                    && s.redis_at > 0.0
                    && s.redis_ja <= 0.01 * s.redis_at
            }),
            0.8,
        );
        push(
            "A6",
            "no self-healing: no 10-minute stretch with ≥ 6 ATs in rotation in 10:20–12:13".into(),
            share(d, |s| !s.self_healed),
            0.8,
        );
        push(
            "A7a",
            "the default recycles bring ≥ 6 ATs into rotation by 12:22".into(),
            share(d, |s| s.lb_at_1222 >= 6.0),
            0.8,
        );
        push(
            "A8a",
            "the later single recycles cause dips without relapse (no 10 min in 1–3 after 12:22)".into(),
            share(d, |s| !s.relapse_after_1222),
            0.7,
        );
    }
    if let Some(d) = get("spaced-recycles") {
        push(
            "A7b",
            "zombies recycled 10 minutes apart: not recovered by 12:30".into(),
            share(d, |s| !s.recovered_1213_1230),
            0.5,
        );
    }
    if let Some(d) = get("crash-at-dip") {
        push(
            "A8b",
            "2 crashes at the 12:24 recycle dip relapse into 1–3 ATs for ≥ 10 min".into(),
            share(d, |s| s.relapse_after_1222),
            0.5,
        );
    }
    if let Some(d) = get("no-crash-bug") {
        push("C1", "no crash bug: recovers by 10:30".into(), share(d, |s| recovered_by(s, at(10, 30))), 0.9);
    }
    if let Some(d) = get("jittered-reconnects") {
        push(
            "C2",
            "jittered reconnects (30 s): recovers by 10:30, impacted peak < 1,000".into(),
            share(d, |s| recovered_by(s, at(10, 30)) && s.impacted_peak < 1000.0),
            0.8,
        );
    }
    if let (Some(d), Some(b)) = (get("as-it-happened"), get("buffer-250")) {
        let r = |v: &[Summary]| share(v, |s| recovered_by(s, at(12, 13)));
        push("C3", format!("buffer 250 (reported): recovers before the operator in {:.0} % of seeds, against {:.0} % as it happened", 100.0 * r(b), 100.0 * r(d)), 1.0, 0.0);
    }
    if let Some(d) = get("maxrequest-below-minworker") {
        push(
            "C4",
            "MaxRequest < MinWorker: no zombie for > 2 min, recovers without the operator within 30 min"
                .into(),
            share(d, |s| s.zombie_longest_s <= 120.0 && recovered_by(s, at(10, 40))),
            0.7,
        );
        if let Some(n) = get("net6-threadpool") {
            let p4 = share(d, |s| recovered_by(s, at(10, 40)));
            push(
                "C6",
                format!(".NET 6 pool: recovers within 30 min at least as often as C4 ({:.0} %)", 100.0 * p4),
                share(n, |s| recovered_by(s, at(10, 40)) && s.zombie_longest_s <= 120.0),
                p4,
            );
        }
    }
    if let Some(d) = get("probe-bypass") {
        push(
            "C7",
            "probe bypasses the queue: ≥ 5 ATs stay in rotation, recovery within 15 min".into(),
            share(d, |s| s.window_mean_lb >= 5.0 && recovered_by(s, at(10, 25))),
            0.8,
        );
    }
    if let (Some(d), Some(g)) = (get("as-it-happened"), get("health-agent-guard")) {
        let mean = |v: &[Summary]| v.iter().map(|s| s.window_mean_lb).sum::<f64>() / v.len().max(1) as f64;
        let shorter = d.iter().zip(g).filter(|(a, b)| b.bad_state_s < a.bad_state_s).count();
        let f = shorter as f64 / d.len().max(1) as f64;
        let rise = mean(g) - mean(d);
        push("C8", format!("health-agent guard: mean ATs in rotation 10:20–12:13 rises by {rise:.2} (≥ 0.5); shorter incident in this fraction of seeds"),
            if rise >= 0.5 { f } else { 0.0 }, 0.6);
    }
    if let Some(d) = get("auto-add-ats") {
        push(
            "C9",
            "auto-add: recovers within 30 min of fewer than 4 ATs in rotation".into(),
            share(d, |s| match (s.first_below4_s, s.recovery_s) {
                (Some(b), Some(r)) => r <= b + 1800.0,
                (None, _) => true,
                _ => false,
            }),
            0.7,
        );
    }
    if let Some(d) = get("as-it-happened") {
        let bad = |v: &[Summary]| v.iter().map(|s| s.bad_state_s).sum::<f64>() / v.len().max(1) as f64;
        let base = bad(d);
        for (name, id) in [
            ("probe-bypass", "L1"),
            ("loop-off:sync-over-async", "L2"),
            ("loop-off:health-agent", "L3"),
            ("loop-off:abandoned-work", "L4"),
        ] {
            if let Some(v) = get(name) {
                let b = bad(v);
                push(
                    id,
                    format!(
                        "sustaining loop off ({name}): mean bad state {:.0} min against {:.0} min",
                        b / 60.0,
                        base / 60.0
                    ),
                    if b < base { 1.0 } else { 0.0 },
                    1.0,
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::series::Column;

    fn params() -> VstsParams {
        VstsParams::from_params(&super::super::SCENARIO.defaults())
    }

    /// A run's series at sample interval `dt` with every column the summary reads: zero, except
    /// the columns `set` fills from the time.
    fn series(v: &VstsParams, dt: f64, set: &[(&str, &dyn Fn(f64) -> f64)]) -> Series {
        let mut names: Vec<String> = [
            "lb_in_rotation",
            "impacted_users",
            "reconnects_per_s",
            "cpu_total_pct",
            "db_breaker_rejections",
            "health_agent_out",
            "redis_exceptions_at",
            "redis_exceptions_ja",
        ]
        .iter()
        .map(|n| n.to_string())
        .collect();
        for i in 0..v.n_at {
            names.push(format!("threads_at{i}"));
            names.push(format!("zombie_at{i}"));
            for k in 0..v.procs_per_at {
                names.push(format!("threads_at{i}_p{k}"));
            }
        }
        let cols = names.iter().map(|n| Column { name: n.clone(), label: n.clone(), unit: String::new() });
        let mut s = Series::new(cols.collect());
        let mut t = 0.0;
        while t <= DURATION_S {
            let mut row = vec![t];
            for n in &names {
                row.push(set.iter().find(|(c, _)| c == n).map_or(0.0, |(_, f)| f(t)));
            }
            s.push(&row);
            t += dt;
        }
        s
    }

    /// The bad state of seed 1 as it looked: the storm at 10:10 is absorbed for 14 minutes, then
    /// the scale unit falls to 2 ATs until 12:15. The incident must be measured from its start,
    /// not from the trigger: the first 10 minutes with ≥ 5 ATs after 10:10 are the calm before
    /// it, not a recovery (the old summary read 0 minutes of bad state here).
    #[test]
    fn a_late_incident_is_measured_from_its_start() {
        let v = params();
        let lb = |t: f64| if (at(10, 24)..at(12, 15)).contains(&t) { 2.0 } else { 7.0 };
        let s = summarize(&series(&v, 10.0, &[("lb_in_rotation", &lb)]), &v);
        assert_eq!(s.incident_s, Some(at(10, 24)));
        assert_eq!(s.recovery_s, Some(at(12, 15)));
        assert_eq!(s.bad_state_s, at(12, 15) - at(10, 24));
        assert!(!recovered_by(&s, at(10, 30)) && recovered_by(&s, at(12, 20)));
        assert!(s.recovered_1213_1230, "the recovery at 12:15 is within 12:13–12:30");

        let never = |t: f64| if t >= at(10, 24) { 2.0 } else { 7.0 };
        let s = summarize(&series(&v, 10.0, &[("lb_in_rotation", &never)]), &v);
        assert_eq!(s.recovery_s, None);
        assert_eq!(s.bad_state_s, DURATION_S - at(10, 24));
        assert!(!s.recovered_1213_1230);

        let calm = |_: f64| 7.0;
        let s = summarize(&series(&v, 10.0, &[("lb_in_rotation", &calm)]), &v);
        assert_eq!((s.incident_s, s.recovery_s, s.bad_state_s), (None, Some(at(10, 10)), 0.0));
        assert!(recovered_by(&s, at(10, 30)));
        // A scale unit recovered long before 12:13 counts as recovered in 12:13–12:30.
        assert!(s.recovered_1213_1230);
    }

    /// The sustaining-loop ablation compares bad-state lengths: a loop switched off that shortens
    /// the incident passes, one that does not fails.
    #[test]
    fn the_ablation_compares_bad_state_lengths() {
        let v = params();
        let upto = |end: f64| move |t: f64| if (at(10, 16)..end).contains(&t) { 2.0 } else { 7.0 };
        let base = summarize(&series(&v, 10.0, &[("lb_in_rotation", &upto(at(12, 15)))]), &v);
        let short = summarize(&series(&v, 10.0, &[("lb_in_rotation", &upto(at(10, 40)))]), &v);
        let checks = evaluate(&[
            ("as-it-happened", vec![base.clone()]),
            ("probe-bypass", vec![short]),
            ("loop-off:health-agent", vec![base]),
        ]);
        let l = |id: &str| checks.iter().find(|c| c.id == id).unwrap().clone();
        assert!(l("L1").pass, "{}", l("L1").description);
        assert!(l("L1").description.contains("24 min against 119 min"), "{}", l("L1").description);
        assert!(!l("L3").pass, "{}", l("L3").description);
    }

    /// A4's staircase at exactly the allowed 2 threads/s per process (one thread per 2 s gate
    /// tick at scale 0.25, 4 full-scale threads a step) passes whatever the sample interval;
    /// the other process refilling to MinWorker at once after a restart is not throttled growth;
    /// 3 threads/s fails.
    #[test]
    fn the_thread_slope_allows_for_the_sample_interval_and_restarts() {
        let v = params();
        assert_eq!((v.scale, v.gate_ms, v.min_worker), (0.25, 500, 192));
        let gate = v.gate_ms as f64 / 1000.0 / v.scale;
        assert_eq!(gate, 2.0, "one thread (4 at full scale) per 2 s gate tick: 2 threads/s");
        // `rate` full-scale threads per second, in steps of 4.
        let stair = |rate: f64| move |t: f64| 192.0 + 4.0 * ((t - at(10, 15)).max(0.0) * rate / 4.0).floor();
        let ok = stair(2.0);
        // Process 1 restarts at 10:20 and refills to MinWorker within a second.
        let refill = |t: f64| if (at(10, 20)..at(10, 20) + 1.0).contains(&t) { 0.0 } else { 192.0 };
        let sum = |t: f64| ok(t) + refill(t);
        for dt in [1.0, 5.0, 10.0] {
            let s = summarize(
                &series(
                    &v,
                    dt,
                    &[("threads_at0_p0", &ok), ("threads_at0_p1", &refill), ("threads_at0", &sum)],
                ),
                &v,
            );
            assert!(s.thread_slope_max <= 2.0 + 1e-9, "dt {dt}: slope {}", s.thread_slope_max);
            assert!(s.thread_slope_max > 0.0);
        }
        let fast = stair(3.0);
        for dt in [1.0, 10.0] {
            let s = summarize(&series(&v, dt, &[("threads_at0_p0", &fast)]), &v);
            assert!(s.thread_slope_max > 2.0 + 1e-9, "dt {dt}: slope {}", s.thread_slope_max);
        }
    }
}
