//! What the users and pollers ask of the servers, minute by minute: online users by local hour,
//! weekday and the holiday window; polls from every tab; page loads; server ticks of running
//! watches; API full refreshes over a history that grows by a day every day; and what each
//! request costs in web-app CPU and Redis operations in each caching mode.

use super::accounts::{self, Account, REGIONS, UTC_OFFSET_H};
use super::{day_of, SevenpaceParams, START_UNIX_DAY};
use crate::calendar::{weekday, Date};
use serde::{Deserialize, Serialize};

/// One kind of request's cost.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Cost {
    /// Web-app CPU [s].
    pub cpu_s: f64,
    /// Redis reads (GETs).
    pub reads: f64,
    /// Redis writes (SETs).
    pub writes: f64,
    /// Bytes per Redis operation.
    pub bytes: f64,
    /// SQL I/O the thread waits for [s].
    pub db_s: f64,
}

/// Per web app, what one day's migrated accounts add up to.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AppDay {
    /// Migrated users per region.
    pub users: [f64; REGIONS],
    /// Active API pollers.
    pub pollers: u32,
    /// API calls per second of all its pollers.
    pub api_rate: f64,
    /// Mean cost of one of its API calls.
    pub api: Cost,
    /// Migrated users per rollout circle (from 0) and region (who refreshes when it freezes).
    pub circle_users: Vec<[f64; REGIONS]>,
}

/// Per rollout circle, what one day's migrated accounts of that circle add up to.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CircleDay {
    /// Migrated users per region (0 before the circle's date).
    pub users: [f64; REGIONS],
    /// API calls per second of the circle's pollers.
    pub api_rate: f64,
}

/// A day's aggregates.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DayAgg {
    /// Day of the run.
    pub day: u32,
    /// Per web app.
    pub apps: Vec<AppDay>,
    /// Instances per web app.
    pub instances: u32,
    /// Cores per web app.
    pub cores_per_app: f64,
    /// Migrated users per region, all apps.
    pub users: [f64; REGIONS],
    /// Per rollout circle (from 0), every circle of the run.
    pub circles: Vec<CircleDay>,
    /// Highest circle migrated (from 1; 0 before the first).
    pub circle: u32,
    /// Extended caching is on.
    pub extended: bool,
    /// Within the holiday window (23 Dec – 1 Jan).
    pub holiday: bool,
}

/// Request rates of one web app in one minute [per s].
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rates {
    /// Online users.
    pub online: f64,
    /// Tab polls.
    pub polls: f64,
    /// Page loads (refreshes included).
    pub pages: f64,
    /// Server ticks.
    pub ticks: f64,
    /// API calls.
    pub api: f64,
}

impl Rates {
    /// Every request offered: polls, pages (refreshes included), ticks and API calls.
    pub fn offered(&self) -> f64 {
        self.polls + self.pages + self.ticks + self.api
    }
}

/// The workload of a run: the accounts and the parameters that turn them into requests.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Workload {
    /// The parameters.
    pub v: SevenpaceParams,
    /// The accounts.
    pub accounts: Vec<Account>,
    /// Circle dates (day of run).
    pub circle_days: Vec<u32>,
    holiday: (i64, i64),
    /// Per number of web apps the schedule uses, each account's app ([`accounts::pin`]).
    pins: Vec<(u32, Vec<u16>)>,
}

impl Workload {
    /// The workload of (parameters, seed).
    pub fn new(v: &SevenpaceParams, seed: u64) -> Workload {
        let accounts = accounts::generate(v, seed);
        let mut pins: Vec<(u32, Vec<u16>)> = vec![];
        for n in [v.apps_1, v.apps_2, v.apps_3] {
            if !pins.iter().any(|(m, _)| *m == n) {
                pins.push((n, accounts::pin(&accounts, n)));
            }
        }
        Workload {
            v: v.clone(),
            accounts,
            circle_days: super::rollout::circle_days(v),
            holiday: (day_of(Date::new(2017, 12, 23)), day_of(Date::new(2018, 1, 1))),
            pins,
        }
    }

    /// The web app account `i` is pinned to when there are `n_apps` ([`accounts::pin`]).
    pub fn app_of(&self, i: usize, n_apps: u32) -> usize {
        match self.pins.iter().find(|(m, _)| *m == n_apps) {
            Some((_, p)) => p[i] as usize,
            None => accounts::pin(&self.accounts, n_apps)[i] as usize,
        }
    }

    /// Circles migrated by `day` (0 before the first).
    pub fn circles_done(&self, day: u32) -> u32 {
        self.circle_days.iter().filter(|d| **d <= day).count() as u32
    }

    /// Users migrated by `day`.
    pub fn migrated_users(&self, day: u32) -> u32 {
        let c = self.circles_done(day);
        self.accounts.iter().filter(|a| (a.circle as u32) < c).map(|a| a.users).sum()
    }

    /// (web apps, instances per app, cores per instance) on `day`.
    pub fn capacity(&self, day: u32) -> (u32, u32, u32) {
        let v = &self.v;
        if day >= v.eight_apps_day {
            (v.apps_3, v.instances_3, v.cores_3)
        } else if day >= v.scaleup_day {
            (v.apps_2, v.instances_2, v.cores_2)
        } else {
            (v.apps_1, v.instances_1, v.cores_1)
        }
    }

    /// Fraction of accounts with an API poller on `day`: linear from 1 Oct to 2 Jan, then flat.
    pub fn poller_fraction(&self, day: u32) -> f64 {
        let x = (day as f64 / super::JAN_2 as f64).min(1.0);
        (self.v.poller_pct_start + (self.v.poller_pct_jan - self.v.poller_pct_start) * x) / 100.0
    }

    /// The cost of one request of each kind on `extended` caching: (poll, page, tick).
    pub fn request_costs(&self, extended: bool) -> [Cost; 3] {
        let v = &self.v;
        let db = v.db_ms / 1000.0;
        let small = |cpu_ms: f64| Cost {
            cpu_s: cpu_ms / 1000.0,
            reads: v.critical_ops,
            writes: v.critical_ops * v.write_ratio,
            bytes: 1024.0,
            db_s: db,
        };
        let tick = Cost { db_s: 0.0, ..small(v.cpu_tick_ms) };
        if !extended {
            return [small(v.cpu_poll_ms), small(v.cpu_page_ms), tick];
        }
        let cached = |cpu_ms: f64, reads: f64| Cost {
            cpu_s: cpu_ms / 1000.0,
            reads,
            writes: reads * v.write_ratio,
            bytes: v.val_kb * 1024.0,
            db_s: db / 2.0,
        };
        [cached(v.cpu_poll_ms, v.reads_per_poll), cached(v.cpu_page_ms, v.reads_per_page), tick]
    }

    /// API calls per second of one poller (its interval, or the rate limit if lower).
    pub fn api_call_rate(&self) -> f64 {
        let v = &self.v;
        let r = 1.0 / v.api_s;
        if v.api_rate_limit_per_h > 0.0 {
            r.min(v.api_rate_limit_per_h / 3600.0)
        } else {
            r
        }
    }

    /// The cost of one API call of an account with `users` users and `history` days of
    /// records. A full refresh reads the whole history; an incremental one the records edited
    /// since the last call. With extended caching the records come from Redis in entries of
    /// `chunk_records`; before, from SQL (one query per entry's worth).
    pub fn api_cost(&self, users: f64, history: f64, extended: bool) -> Cost {
        let v = &self.v;
        let per_day = users * v.worklogs_per_user_day;
        let records = if v.incremental_refresh {
            (per_day / 86_400.0 / self.api_call_rate()).max(1.0)
        } else {
            per_day * history
        };
        let chunks = (records / v.chunk_records).ceil();
        Cost {
            cpu_s: 0.005 + v.c_rec_us * 1e-6 * records,
            reads: if extended { chunks } else { v.critical_ops },
            writes: if extended { chunks * v.write_ratio } else { 0.0 },
            bytes: if extended { v.chunk_records.min(records) * v.rec_bytes } else { 1024.0 },
            db_s: if extended { v.db_ms / 1000.0 } else { v.db_ms / 1000.0 * chunks },
        }
    }

    /// One day's aggregates: who is migrated, where, and what their pollers cost.
    pub fn day_aggregates(&self, day: u32) -> DayAgg {
        let v = &self.v;
        let (n_apps, instances, cores) = self.capacity(day);
        let circle = self.circles_done(day);
        let extended = day >= v.redis_release_day;
        let n_pollers = (self.poller_fraction(day) * self.accounts.len() as f64).round() as u32;
        let history = v.history_days + day as f64;
        let call_rate = self.api_call_rate();
        let n_circles = v.circles as usize;
        let mut apps = vec![
            AppDay { circle_users: vec![[0.0; REGIONS]; n_circles], ..AppDay::default() };
            n_apps as usize
        ];
        let mut circles = vec![CircleDay::default(); n_circles];
        let mut users = [0.0; REGIONS];
        let mut api_cost_sum = vec![Cost::default(); n_apps as usize];
        let pins = match self.pins.iter().find(|(m, _)| *m == n_apps) {
            Some((_, p)) => std::borrow::Cow::Borrowed(p),
            None => std::borrow::Cow::Owned(accounts::pin(&self.accounts, n_apps)),
        };
        for (i, a) in self.accounts.iter().enumerate() {
            if a.circle as u32 >= circle {
                continue;
            }
            let k = pins[i] as usize;
            let app = &mut apps[k];
            app.users[a.region as usize] += a.users as f64;
            app.circle_users[a.circle as usize][a.region as usize] += a.users as f64;
            users[a.region as usize] += a.users as f64;
            circles[a.circle as usize].users[a.region as usize] += a.users as f64;
            if a.poller_rank < n_pollers {
                let c = self.api_cost(a.users as f64, history, extended);
                app.pollers += 1;
                app.api_rate += call_rate;
                circles[a.circle as usize].api_rate += call_rate;
                let s = &mut api_cost_sum[k];
                s.cpu_s += c.cpu_s;
                s.reads += c.reads;
                s.writes += c.writes;
                s.bytes += c.bytes * (c.reads + c.writes);
                s.db_s += c.db_s;
            }
        }
        for (app, s) in apps.iter_mut().zip(&api_cost_sum) {
            if app.pollers > 0 {
                let n = app.pollers as f64;
                let ops = s.reads + s.writes;
                app.api = Cost {
                    cpu_s: s.cpu_s / n,
                    reads: s.reads / n,
                    writes: s.writes / n,
                    bytes: if ops > 0.0 { s.bytes / ops } else { 0.0 },
                    db_s: s.db_s / n,
                };
            }
        }
        let holiday = (self.holiday.0..=self.holiday.1).contains(&(day as i64));
        DayAgg {
            day,
            apps,
            instances,
            cores_per_app: (instances * cores) as f64,
            users,
            circles,
            circle,
            extended,
            holiday,
        }
    }

    /// Fraction of a region's users online at `minute` of the run: a raised cosine over the
    /// local working day (07:00–19:00, highest at 13:00), 3 % at night; weekends and the
    /// holiday window scaled. A smooth day, so the busiest minutes are brief.
    pub fn online_fraction(&self, region: usize, minute: u64, holiday: bool) -> f64 {
        let local_min = minute as i64 + UTC_OFFSET_H[region] * 60;
        let local_day = local_min.div_euclid(1440);
        let h = local_min.rem_euclid(1440) as f64 / 60.0;
        let shape = if (7.0..19.0).contains(&h) {
            0.5 * (1.0 - libm::cos(std::f64::consts::PI * (h - 7.0) / 6.0))
        } else {
            0.0
        };
        let night = 0.03;
        let mut f = self.v.peak_online_pct / 100.0 * (night + (1.0 - night) * shape);
        if weekday(START_UNIX_DAY + local_day) >= 5 {
            f *= self.v.weekend_factor;
        }
        if holiday {
            f *= self.v.holiday_factor;
        }
        f
    }

    /// Online users of each region at `minute`, per migrated user.
    pub fn fractions(&self, minute: u64, holiday: bool) -> [f64; REGIONS] {
        [0, 1, 2].map(|r| self.online_fraction(r, minute, holiday))
    }

    /// Polls per online user per second.
    pub fn polls_per_user(&self) -> f64 {
        let v = &self.v;
        if v.page_visibility {
            let hidden = (v.tabs_per_user - 1.0).max(0.0);
            1.0 / v.poll_s + if v.hidden_poll_s > 0.0 { hidden / v.hidden_poll_s } else { 0.0 }
        } else {
            v.tabs_per_user / v.poll_s
        }
    }

    /// Request rates of `app` at `minute`; `refresh` extra page loads per online user per s.
    pub fn rates(&self, agg: &DayAgg, app: usize, fr: &[f64; REGIONS], refresh: f64) -> Rates {
        let a = &agg.apps[app];
        self.rates_of(&a.users, a.api_rate, fr, refresh)
    }

    /// Request rates of `users` migrated users by region, online in the fractions `fr`, and
    /// pollers making `api_rate` calls per second (a web app's, or a rollout circle's).
    pub fn rates_of(
        &self,
        users: &[f64; REGIONS],
        api_rate: f64,
        fr: &[f64; REGIONS],
        refresh: f64,
    ) -> Rates {
        let online: f64 = (0..REGIONS).map(|r| users[r] * fr[r]).sum();
        let v = &self.v;
        Rates {
            online,
            polls: online * self.polls_per_user(),
            pages: online * (v.page_loads_per_min / 60.0 + refresh),
            ticks: online * v.watch_frac / v.tick_s,
            api: api_rate,
        }
    }

    /// The network time of one page load in `region`: round trips × RTT [s].
    pub fn round_trip_s(&self, region: usize) -> f64 {
        let v = &self.v;
        [v.rtt_eu_ms, v.rtt_us_ms, v.rtt_apac_ms][region] / 1000.0 * v.page_round_trips as f64
    }

    /// The linear "projected" request rate of `users` online users: polls, pages and ticks.
    pub fn per_user_rate(&self) -> f64 {
        let v = &self.v;
        self.polls_per_user() + v.page_loads_per_min / 60.0 + v.watch_frac / v.tick_s
    }

    /// CPU demand of `app` at `minute` [cores] (the planner's measure; no queueing).
    pub fn app_cpu_demand(&self, agg: &DayAgg, app: usize, minute: u64, refresh: f64) -> f64 {
        let fr = self.fractions(minute, agg.holiday);
        let r = self.rates(agg, app, &fr, refresh);
        let [poll, page, tick] = self.request_costs(agg.extended);
        r.polls * poll.cpu_s + r.pages * page.cpu_s + r.ticks * tick.cpu_s + r.api * agg.apps[app].api.cpu_s
    }
}
