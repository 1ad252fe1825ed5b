//! Accounts: users, circle, region, the order in which they take up API polling, and the web
//! app they are pinned to.

use super::SevenpaceParams;
use crate::rng::Stream;
use serde::{Deserialize, Serialize};

/// Regions with their UTC offsets.
pub const REGIONS: usize = 3;
/// Region names, in column order.
pub const REGION_NAMES: [&str; REGIONS] = ["eu", "us", "apac"];
/// UTC offset of each region's business day [h] (CET, US Central, China/Singapore).
pub const UTC_OFFSET_H: [i64; REGIONS] = [1, -6, 8];

/// One VSTS account using Timetracker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Account {
    /// Its users.
    pub users: u32,
    /// Its rollout circle (from 0).
    pub circle: u8,
    /// Its region: 0 EU, 1 US, 2 APAC.
    pub region: u8,
    /// Its place in the order accounts set up API pollers (0 first). The order is a
    /// size-biased random draw: an account with more users is likelier to have someone who
    /// sets up a poller.
    pub poller_rank: u32,
}

/// Generates the accounts of a run: log-normal users per account scaled to `n_users` (capped),
/// a region by the shares, circles by [`super::rollout::assign`], and the poller order.
pub fn generate(v: &SevenpaceParams, seed: u64) -> Vec<Account> {
    let n = v.n_accounts as usize;
    let mut sizes = Stream::derive(seed, "7pace-accounts", 0);
    let raw: Vec<f64> = (0..n).map(|_| libm::exp(v.users_sigma * sizes.normal())).collect();
    // Scale to the target total with the cap: a few rounds of rescaling the uncapped ones.
    let target = v.n_users as f64;
    let cap = v.max_account_users as f64;
    let mut scale = target / raw.iter().sum::<f64>();
    for _ in 0..20 {
        let capped: f64 = raw.iter().map(|r| (r * scale).min(cap)).sum();
        if (capped - target).abs() < 0.5 {
            break;
        }
        let free: f64 = raw.iter().filter(|r| *r * scale < cap).map(|r| r * scale).sum();
        let fixed = capped - free;
        if free <= 0.0 {
            break;
        }
        scale *= (target - fixed).max(0.0) / free;
    }
    let users: Vec<u32> = raw.iter().map(|r| (r * scale).min(cap).round().max(1.0) as u32).collect();

    // Regions by users, not by accounts: accounts in random order fill EU's share of the
    // users, then the US's, then APAC's, so the regional mix is the same in every seed.
    let mut regions = Stream::derive(seed, "7pace-regions", 0);
    let mut by_region: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = regions.index(i + 1);
        by_region.swap(i, j);
    }
    let total: f64 = users.iter().map(|&u| u as f64).sum();
    let (eu, us) = (v.share_eu_pct / 100.0, v.share_us_pct / 100.0);
    let mut accounts: Vec<Account> =
        users.iter().map(|&u| Account { users: u, circle: 0, region: 0, poller_rank: 0 }).collect();
    let mut acc = 0.0;
    for &i in &by_region {
        let mid = (acc + 0.5 * users[i] as f64) / total;
        accounts[i].region = if mid < eu {
            0
        } else if mid < eu + us {
            1
        } else {
            2
        };
        acc += users[i] as f64;
    }

    // Size-biased order without replacement: exponential race with rate = users.
    let mut race = Stream::derive(seed, "7pace-pollers", 0);
    let mut keys: Vec<(f64, usize)> =
        accounts.iter().enumerate().map(|(i, a)| (race.exp(1.0) / a.users as f64, i)).collect();
    keys.sort_unstable_by(by_key_then_index);
    for (rank, (_, i)) in keys.iter().enumerate() {
        accounts[*i].poller_rank = rank as u32;
    }

    let mut shuffle = Stream::derive(seed, "7pace-circles", 0);
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = shuffle.index(i + 1);
        order.swap(i, j);
    }
    super::rollout::assign(&mut accounts, &order, &super::rollout::cumulative_shares(v));
    accounts
}

/// Orders `(key, index)` pairs by key, then by index: a total order, so an unstable sort gives one
/// result (and both sorts here share one instantiation of it).
fn by_key_then_index(a: &(f64, usize), b: &(f64, usize)) -> std::cmp::Ordering {
    a.0.total_cmp(&b.0).then(a.1.cmp(&b.1))
}

/// The web app each account is pinned to when the load is spread over `n_apps` apps: accounts
/// in the order they are migrated (by circle, the larger first within a circle), each to the
/// app with the fewest users so far (the lowest number on a tie).
///
/// The team spread the load by what it could see, users (P14 "distribute the load to eight
/// web apps"), and an account stays on its app because its clocks tick there (P24). So at
/// every stage of the rollout the apps carry about the same migrated users, the largest
/// accounts (which come with the last circle) land on different apps, and nobody balanced the
/// API pollers: an app's refresh load is whichever pollers its accounts happen to have. (Until
/// this change accounts were pinned by id, `id mod apps`, which in most seeds put two or more
/// of the largest pollers on one app; nothing in the post implies that.)
pub fn pin(accounts: &[Account], n_apps: u32) -> Vec<u16> {
    let n_apps = n_apps.max(1) as usize;
    // By circle, then the larger first, then by id: the key is exact (circle < 256, users < 10^12).
    let mut order: Vec<(f64, usize)> = accounts
        .iter()
        .enumerate()
        .map(|(i, a)| (f64::from(a.circle) * 1e12 - f64::from(a.users), i))
        .collect();
    order.sort_unstable_by(by_key_then_index);
    let mut load = vec![0u64; n_apps];
    let mut app = vec![0u16; accounts.len()];
    for (_, i) in order {
        let k = (0..n_apps).min_by_key(|&k| (load[k], k)).unwrap_or(0);
        load[k] += accounts[i].users as u64;
        app[i] = k as u16;
    }
    app
}
