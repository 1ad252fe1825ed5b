//! The rollout: circle sizes and dates, which account goes in which circle, and the rollout
//! planner the chapter calls ("which circle first pushes a web app over the alert threshold,
//! and how many users does it expose?").

use super::accounts::Account;
use super::workload::Workload;
use super::SevenpaceParams;
use serde::{Deserialize, Serialize};

/// The custom shares circle1_pct … circle15_pct, for the first `circles` circles.
pub fn custom_shares(v: &SevenpaceParams) -> Vec<f64> {
    let all = [
        v.circle1_pct,
        v.circle2_pct,
        v.circle3_pct,
        v.circle4_pct,
        v.circle5_pct,
        v.circle6_pct,
        v.circle7_pct,
        v.circle8_pct,
        v.circle9_pct,
        v.circle10_pct,
        v.circle11_pct,
        v.circle12_pct,
        v.circle13_pct,
        v.circle14_pct,
        v.circle15_pct,
    ];
    all[..v.circles as usize].to_vec()
}

/// Cumulative share of the final users after each circle (the last is 1).
///
/// Exponential (P23, "1, 2, 4, 8, 16, 32"): each circle doubles the users so far, except the
/// last, which adds 50 % (P6): after circle k of n, (2/3) · 2^(k−n+1). For nine circles:
/// 0.52 %, 1 %, 2 %, 4 %, 8 %, 17 %, 33 %, 67 %, 100 % → 104, 208, …, 13,333, 20,000 users.
pub fn cumulative_shares(v: &SevenpaceParams) -> Vec<f64> {
    let n = v.circles as usize;
    match v.circle_sizes {
        0 => (1..=n).map(|k| if k == n { 1.0 } else { 2.0 / 3.0 / (1u64 << (n - 1 - k)) as f64 }).collect(),
        1 => (1..=n).map(|k| k as f64 / n as f64).collect(),
        _ => {
            let s = custom_shares(v);
            let total: f64 = s.iter().sum();
            let mut acc = 0.0;
            s.iter()
                .enumerate()
                .map(|(k, x)| {
                    acc += x;
                    if k + 1 == n {
                        1.0
                    } else {
                        acc / total
                    }
                })
                .collect()
        }
    }
}

/// Day of the run each circle is migrated.
pub fn circle_days(v: &SevenpaceParams) -> Vec<u32> {
    (0..v.circles).map(|k| v.first_circle_day + k * v.circle_spacing_days).collect()
}

/// Puts accounts (in the random order given) into circles. An account goes into the earliest
/// circle that still has room for all its users and is at least fifty times its size (early
/// circles are internal users, friends, pre-release accounts: many small accounts, P4);
/// failing that, into the latest circle with room (large accounts come late, "finally to
/// everyone"); failing that, into the circle with the most room left.
pub fn assign(accounts: &mut [Account], order: &[usize], cumulative: &[f64]) {
    let total: f64 = accounts.iter().map(|a| a.users as f64).sum();
    let n = cumulative.len();
    let size: Vec<f64> =
        (0..n).map(|k| total * (cumulative[k] - if k == 0 { 0.0 } else { cumulative[k - 1] })).collect();
    let mut room = size.clone();
    for &i in order {
        let u = accounts[i].users as f64;
        let k = (0..n)
            .find(|&k| room[k] >= u && size[k] >= 50.0 * u)
            .or_else(|| (0..n).rev().find(|&k| room[k] >= u))
            .unwrap_or_else(|| {
                (0..n).max_by(|&a, &b| room[a].total_cmp(&room[b]).then(a.cmp(&b))).unwrap_or(n - 1)
            });
        room[k] -= u;
        accounts[i].circle = k as u8;
    }
}

/// One circle in the planner's report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlannedCircle {
    /// Circle number, from 1.
    pub circle: u32,
    /// Day of the run it is migrated.
    pub day: u32,
    /// Users it adds.
    pub new_users: u32,
    /// Users migrated after it.
    pub cumulative_users: u32,
    /// Highest web-app CPU in the week after it (before the next circle) [%].
    pub peak_cpu_pct: f64,
}

/// The rollout planner's answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RolloutPlan {
    /// Every circle.
    pub circles: Vec<PlannedCircle>,
    /// The alert threshold used [%].
    pub threshold_pct: f64,
    /// The first circle (from 1) whose week pushes a web app over the threshold, if any.
    pub first_over: Option<u32>,
    /// Users that circle newly exposes (0 if none crosses).
    pub exposed_users: u32,
}

/// The rollout planner: for the circle sizes in `v`, the peak web-app CPU after each circle
/// (on the capacity of that day, with the same accounts, pinning and workload as the macro
/// model, evaluated every 10 minutes over the days until the next circle), and which circle
/// first pushes a web app over `threshold_pct`.
pub fn plan(v: &SevenpaceParams, seed: u64, threshold_pct: f64) -> RolloutPlan {
    let wl = Workload::new(v, seed);
    let days = circle_days(v);
    let mut circles = vec![];
    let mut first_over = None;
    let mut before = 0u32;
    for (k, &d0) in days.iter().enumerate() {
        let d1 = days.get(k + 1).copied().unwrap_or(d0 + v.circle_spacing_days).min(super::DAYS);
        let mut peak: f64 = 0.0;
        for day in d0..d1.max(d0 + 1) {
            let agg = wl.day_aggregates(day);
            for m in (0..1440).step_by(10) {
                let minute = day as u64 * 1440 + m;
                for app in 0..agg.apps.len() {
                    peak = peak.max(100.0 * wl.app_cpu_demand(&agg, app, minute, 0.0) / agg.cores_per_app);
                }
            }
        }
        let cumulative = wl.migrated_users(d0);
        let c = PlannedCircle {
            circle: k as u32 + 1,
            day: d0,
            new_users: cumulative - before,
            cumulative_users: cumulative,
            peak_cpu_pct: peak,
        };
        before = cumulative;
        if first_over.is_none() && peak > threshold_pct {
            first_over = Some(c.circle);
        }
        circles.push(c);
    }
    let exposed_users = first_over.map_or(0, |c| circles[c as usize - 1].new_users);
    RolloutPlan { circles, threshold_pct, first_over, exposed_users }
}
