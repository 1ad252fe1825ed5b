//! `7pace-2017`: the six-month model at a one-minute step.
//!
//! ```text
//!  accounts ──(circles, pinned by users)► web app k: CPU (processor-shared), CLR pool (threads),
//!  online users × tabs, pages, ticks        queue; each request: CPU, sync Redis reads (≤ syncTimeout,
//!  API pollers (full refresh)               then SQL fallback), SQL; freeze detector
//!                                                  │ reads, writes (a + b × bytes each)
//!                                                  ▼
//!                                       Redis: one thread, fluid backlog
//! ```
//!
//! Each minute: the online users of every migrated account (by local hour, weekday, holidays)
//! send polls from every tab, page loads and ticks; API pollers refresh their records. Per web
//! app the CPU demand gives its utilisation u and a processor-sharing stretch 1/(1−u); every
//! request holds a thread for its CPU, its synchronous Redis reads (the Redis sojourn, at most
//! syncTimeout, then the SQL fallback) and its SQL time, so by Little's law the app needs
//! λ × hold threads. The pool starts at MinWorker and, while requests wait, injects 2 threads per
//! second per instance below 80 % CPU, and at or above 80 % CPU only one per "thread goal"
//! seconds (the CLR's 80 % rule). Requests beyond what the threads (or the cores) can serve
//! queue. A web app is frozen while its completions fall below 10 % of its arrivals or the
//! median age of its requests is over 30 s, for at least a minute; its users then refresh.
//!
//! A row is taken every `sample_s` (a multiple of the minute) and summarises every minute since
//! the previous row, by one rule per column ([`ColumnKind`], set beside each column in
//! [`MacroModel::columns`]): rates and online users are the mean over those minutes, peaks (CPU,
//! p95, Redis load, frozen apps, alerts) the highest minute, and state (users, circles, cost,
//! web apps) the value at the row's own minute. A row is stamped with its last minute: with k =
//! `sample_s` / 60 the row at minute m covers minutes m − k + 1 … m (the first row, at minute 0,
//! covers minute 0 only; minutes after the last row, the last k − 1 of 31 March, are in none).
//! With `sample_s` = 60 every row is its own minute. A ten-minute freeze between two half-hourly
//! rows still shows in the next row's `frozen_apps`.
//!
//! `requests_circle1` … `requests_circle{N}` are the requests each rollout circle's accounts
//! offer (the same users by region × online fractions × per-user rates and poller calls the web
//! apps' arrivals come from, plus their users' refreshes on frozen apps), so the circles stack
//! up to `requests_per_s`; a circle's column is 0 before its date.

use super::alerts::Alerts;
use super::redis::FluidRedis;
use super::workload::{Cost, DayAgg, Rates, Workload};
use super::{SevenpaceParams, DAYS, START};
use crate::engine::Totals;
use crate::model::Model;
use crate::scenarios::col;
use crate::series::{Clock, Column, Series};
use serde::{Deserialize, Serialize};

/// Most web apps the schedule may use (the parameter range).
pub const MAX_APPS: usize = 16;

/// One web app's state.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AppState {
    /// Worker threads, all instances.
    pub threads: f64,
    /// Requests waiting for a thread.
    pub queue: f64,
    /// Consecutive minutes the freeze condition has held.
    pub cond_min: u32,
    /// Start of the current freeze [minute of the run].
    pub frozen_since: Option<u64>,
    /// Redis sync timeouts so far.
    pub timeouts: f64,
    /// CPU busy fraction in the last minute (what the CLR's 80 % rule sees).
    pub cpu_busy: f64,
    /// Completions over arrivals in the last minute: requests waiting for a thread send no
    /// Redis operations, and a draining queue sends its backlog's.
    pub served: f64,
}

/// A freeze of one web app.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Freeze {
    /// The web app.
    pub app: u32,
    /// First frozen minute of the run.
    pub start_min: u64,
    /// Minutes it lasted.
    pub minutes: u64,
    /// Most online users on the app while frozen.
    pub users: f64,
    /// Whether the app hosted an API poller when it froze.
    pub has_poller: bool,
}

/// What one minute of one web app looked like (the model's observables).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct AppMinute {
    /// Arrivals [req/s].
    pub arrivals: f64,
    /// Completions [req/s].
    pub completions: f64,
    /// CPU busy [%].
    pub cpu_pct: f64,
    /// Server-side p95 of a page load [s].
    pub p95_s: f64,
    /// Online users.
    pub online: f64,
    /// Redis timeouts [per s].
    pub timeouts: f64,
    /// Frozen this minute.
    pub frozen: bool,
}

/// How a sampled row summarises the minutes since the previous row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ColumnKind {
    /// Rates, counts per second and online users: the mean over the interval's minutes.
    Mean,
    /// Peaks: the highest minute of the interval.
    Max,
    /// State: the value at the row's own minute.
    Last,
}

impl ColumnKind {
    /// What the column's label adds so a reader knows the rule.
    fn label_suffix(self) -> &'static str {
        match self {
            ColumnKind::Mean => " (mean over the sample interval)",
            ColumnKind::Max => " (highest in the sample interval)",
            ColumnKind::Last => "",
        }
    }
}

/// Buffers one minute fills and the next reuses.
#[derive(Clone, Debug, Default)]
struct Scratch {
    rates: Vec<Rates>,
    pts: Vec<(f64, f64)>,
    cpus: Vec<f64>,
}

/// The macro model.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MacroModel {
    /// The workload (accounts and parameters).
    pub wl: Workload,
    agg: DayAgg,
    /// Web apps.
    pub apps: Vec<AppState>,
    /// Redis.
    pub redis: FluidRedis,
    /// Alert rules.
    pub alerts: Alerts,
    /// Every freeze so far (the current one included once it ends).
    pub freezes: Vec<Freeze>,
    /// Multiplies the online users (1 = as configured): a what-if handle for load steps.
    pub load_factor: f64,
    /// The last minute's per-app observables.
    #[serde(skip)]
    pub last: Vec<AppMinute>,
    /// The last minute's Redis load [0, 1].
    pub last_redis_load: f64,
    minute: u64,
    end_minute: u64,
    now_s: f64,
    every_min: u64,
    n_app_cols: usize,
    /// This minute's offered requests per rollout circle [req/s].
    #[serde(skip)]
    circle_req: Vec<f64>,
    /// Scratch space of a minute, kept to save allocations.
    #[serde(skip)]
    scratch: Scratch,
    series: Series,
    /// The summary rule of each sampled column (without `time_s`).
    kinds: Vec<ColumnKind>,
    /// This minute's values, in column order (without `time_s`).
    minute_row: Vec<f64>,
    /// The minutes since the last row, summarised per column so far (a sum for means).
    acc: Vec<f64>,
    /// Minutes in `acc`.
    acc_minutes: u32,
    row: Vec<f64>,
    arrived: f64,
    completed: f64,
    rejected: f64,
    freeze_users: Vec<f64>,
}

impl MacroModel {
    /// The run of (parameters, seed).
    pub fn new(v: &SevenpaceParams, seed: u64) -> MacroModel {
        let wl = Workload::new(v, seed);
        let n_app_cols = v.apps_1.max(v.apps_2).max(v.apps_3) as usize;
        let alerts =
            Alerts::new(v.alerting, v.alert_for_min, [v.alert_cpu_pct, v.alert_p95_s, v.alert_redis_pct]);
        let mut m = MacroModel {
            agg: DayAgg { day: u32::MAX, ..DayAgg::default() },
            wl,
            apps: vec![],
            redis: FluidRedis::default(),
            alerts,
            freezes: vec![],
            load_factor: 1.0,
            last: vec![],
            last_redis_load: 0.0,
            minute: 0,
            end_minute: DAYS as u64 * 1440,
            now_s: 0.0,
            every_min: (v.sample_s / 60.0).round().max(1.0) as u64,
            n_app_cols,
            circle_req: vec![],
            scratch: Scratch::default(),
            series: Series::new(vec![]),
            kinds: vec![],
            minute_row: vec![],
            acc: vec![],
            acc_minutes: 0,
            row: vec![],
            arrived: 0.0,
            completed: 0.0,
            rejected: 0.0,
            freeze_users: vec![],
        };
        let (columns, kinds) = m.column_specs().into_iter().unzip();
        m.series = Series::new(columns);
        m.kinds = kinds;
        m.series.clock = Some(Clock::DateTime { origin_unix_s: START.days() * 86_400 });
        m
    }

    /// The sampled columns (without `time_s`).
    pub fn columns(&self) -> Vec<Column> {
        self.column_specs().into_iter().map(|(c, _)| c).collect()
    }

    /// How each sampled column (without `time_s`) summarises the minutes of its interval.
    pub fn column_kinds(&self) -> Vec<ColumnKind> {
        self.column_specs().into_iter().map(|(_, k)| k).collect()
    }

    /// The sampled columns with their summary rule: the one place that decides it.
    fn column_specs(&self) -> Vec<(Column, ColumnKind)> {
        use ColumnKind::{Last, Max, Mean};
        let spec = |name: &str, label: &str, unit: &str, kind: ColumnKind| {
            (col(name, &format!("{label}{}", kind.label_suffix()), unit), kind)
        };
        let mut c = vec![
            spec("users_migrated", "Users migrated to v4", "users", Last),
            spec("circle", "Circles migrated", "circles", Last),
            spec("online_users", "Migrated users online", "users", Mean),
            spec("requests_per_s", "Requests", "req/s", Mean),
            spec("projected_requests_per_s", "Projected requests (linear in migrated users)", "req/s", Mean),
            spec("polls_per_s", "Tab polls", "req/s", Mean),
            spec("api_calls_per_s", "API full refreshes", "req/s", Mean),
            spec("webapp_cpu_pct_max", "Web-app CPU, highest app", "%", Max),
            spec("webapp_cpu_pct_median", "Web-app CPU, median app", "%", Max),
            spec("latency_p95_eu_s", "p95 page time, EU users", "s", Max),
            spec("latency_p95_us_s", "p95 page time, US users", "s", Max),
            spec("latency_p95_apac_s", "p95 page time, APAC users", "s", Max),
            spec("redis_load_pct", "Redis server load", "%", Max),
            spec("redis_reads_per_s", "Redis reads", "ops/s", Mean),
            spec("redis_writes_per_s", "Redis writes", "ops/s", Mean),
            spec("redis_timeouts_per_s", "Redis sync timeouts", "ops/s", Mean),
            spec("frozen_apps", "Frozen web apps", "apps", Max),
            spec("frozen_users", "Users online on frozen web apps", "users", Max),
            spec("cost_per_day", "Hosting cost per day (relative)", "units", Last),
            spec("alerts_firing", "Alerts firing", "alerts", Max),
            spec("web_apps", "Web apps", "apps", Last),
        ];
        for k in 1..=self.wl.v.circles {
            c.push(spec(
                &format!("requests_circle{k}"),
                &format!("Offered requests, circle {k}"),
                "req/s",
                Mean,
            ));
        }
        for k in 0..self.n_app_cols {
            c.push(spec(&format!("cpu_app{k}"), &format!("Web app {k} CPU"), "%", Max));
        }
        for k in 0..self.n_app_cols {
            c.push(spec(
                &format!("p95_app{k}_s"),
                &format!("Web app {k} p95 page time at the server"),
                "s",
                Max,
            ));
        }
        c
    }

    /// Adds this minute's values to the interval's summary and, at a sample minute, pushes the
    /// row and starts a new interval.
    fn summarise_minute(&mut self) {
        let first = self.acc_minutes == 0;
        if first {
            self.acc.clone_from(&self.minute_row);
        } else {
            for ((a, &x), k) in self.acc.iter_mut().zip(&self.minute_row).zip(&self.kinds) {
                *a = match k {
                    ColumnKind::Mean => *a + x,
                    ColumnKind::Max => a.max(x),
                    ColumnKind::Last => x,
                };
            }
        }
        self.acc_minutes += 1;
        if self.minute.is_multiple_of(self.every_min) {
            let n = self.acc_minutes as f64;
            self.row.clear();
            self.row.push(self.minute as f64 * 60.0);
            self.row.extend(self.acc.iter().zip(&self.kinds).map(|(&a, k)| match k {
                ColumnKind::Mean => a / n,
                ColumnKind::Max | ColumnKind::Last => a,
            }));
            self.series.push(&self.row);
            self.acc_minutes = 0;
        }
    }

    fn new_day(&mut self, day: u32) {
        let agg = self.wl.day_aggregates(day);
        let n = agg.apps.len();
        if n != self.agg.apps.len() {
            // A new layout: accounts are re-pinned and the pools start again. The freezes it
            // ends are the old layout's, so they are closed before the new day's aggregates
            // replace the old (whether an app hosted a poller is the old layout's answer).
            self.end_freezes();
            self.agg = agg;
            let v = &self.wl.v;
            let (_, inst, cores) = self.wl.capacity(day);
            let min_t = (inst * cores * v.min_worker_per_core) as f64;
            self.apps = vec![AppState { threads: min_t, served: 1.0, ..AppState::default() }; n];
            self.freeze_users = vec![0.0; n];
        } else {
            self.agg = agg;
        }
    }

    fn end_freezes(&mut self) {
        for (k, a) in self.apps.iter_mut().enumerate() {
            if let Some(s) = a.frozen_since.take() {
                self.freezes.push(Freeze {
                    app: k as u32,
                    start_min: s,
                    minutes: self.minute - s,
                    users: self.freeze_users[k],
                    has_poller: self.agg.apps.get(k).is_some_and(|x| x.pollers > 0),
                });
            }
        }
    }

    /// Advances one minute.
    fn step_minute(&mut self) {
        let minute = self.minute;
        let day = (minute / 1440) as u32;
        if day != self.agg.day {
            self.new_day(day);
        }
        let v = &self.wl.v;
        let dt = 60.0;
        let mut fr = self.wl.fractions(minute, self.agg.holiday);
        for f in fr.iter_mut() {
            *f *= self.load_factor;
        }
        let costs = self.wl.request_costs(self.agg.extended);
        let (a_s, b_s) = (v.redis_a_us * 1e-6, v.redis_b_ns * 1e-9);
        let op_s = |c: &Cost| a_s + b_s * c.bytes;
        let n = self.agg.apps.len();
        // Offered load per app, and Redis work.
        let mut scratch = std::mem::take(&mut self.scratch);
        let rates = &mut scratch.rates;
        rates.clear();
        let (mut rho, mut s2, mut reads, mut writes) = (0.0, 0.0, 0.0, 0.0);
        for k in 0..n {
            let refresh = if self.apps[k].frozen_since.is_some() { v.refresh_per_min / 60.0 } else { 0.0 };
            let r = self.wl.rates(&self.agg, k, &fr, refresh);
            let api = self.agg.apps[k].api;
            let served = self.apps[k].served;
            for (lam, c) in [(r.polls, costs[0]), (r.pages, costs[1]), (r.ticks, costs[2]), (r.api, api)] {
                let lam = lam * served;
                let ops = lam * (c.reads + c.writes);
                let s = op_s(&c);
                rho += ops * s;
                s2 += ops * s * s;
                reads += lam * c.reads;
                writes += lam * c.writes;
            }
            rates.push(r);
        }
        // Offered requests by circle, from the same users × fractions × per-user rates and
        // poller calls as the apps', plus its users' refreshes on the apps frozen this minute.
        self.circle_req.clear();
        for c in &self.agg.circles {
            self.circle_req.push(self.wl.rates_of(&c.users, c.api_rate, &fr, 0.0).offered());
        }
        let refresh = v.refresh_per_min / 60.0;
        for (a, day) in self.apps.iter().zip(&self.agg.apps) {
            if a.frozen_since.is_some() {
                for (req, u) in self.circle_req.iter_mut().zip(&day.circle_users) {
                    *req += self.wl.rates_of(u, 0.0, &fr, refresh).online * refresh;
                }
            }
        }
        let ops = reads + writes;
        let (s1, s2) = if ops > 0.0 { (rho / ops, s2 / ops) } else { (0.0, 0.0) };
        let rm = self.redis.step(dt, rho, s1, s2, v.sync_timeout_ms / 1000.0);
        self.last_redis_load = rm.load;

        let (_, inst, cores_per_inst) = self.wl.capacity(day);
        let cores = self.agg.cores_per_app;
        let min_t = (inst * cores_per_inst * v.min_worker_per_core) as f64;
        let max_t = (inst * cores_per_inst * v.max_threads_per_core) as f64;
        let db = v.db_ms / 1000.0;
        self.last.clear();
        let mut timeouts_total = 0.0;
        for (k, &r) in rates.iter().enumerate() {
            let api = self.agg.apps[k].api;
            let kinds = [(r.polls, costs[0]), (r.pages, costs[1]), (r.ticks, costs[2]), (r.api, api)];
            let lam: f64 = kinds.iter().map(|x| x.0).sum();
            let cpu: f64 = kinds.iter().map(|(l, c)| l * c.cpu_s).sum();
            let u = cpu / cores;
            let stretch = 1.0 / (1.0 - u.min(0.95));
            let hold = |c: &Cost| {
                c.cpu_s * stretch
                    + c.reads * rm.hold_s
                    + c.db_s
                    + if v.db_fallback { c.reads * rm.p_timeout * db } else { 0.0 }
            };
            let demand: f64 = kinds.iter().map(|(l, c)| l * hold(c)).sum();
            // Only the reads this app sent can time out: its arrivals × the share it started
            // (the same `served` its Redis reads above are counted with).
            let sent = self.apps[k].served;
            let timeouts: f64 = kinds.iter().map(|(l, c)| l * sent * c.reads * rm.p_timeout).sum();
            timeouts_total += timeouts;
            let a = &mut self.apps[k];
            a.timeouts += timeouts * dt;
            let starved = demand > a.threads || a.queue > 0.5;
            if starved {
                // The gate looks at the CPU actually used: blocked threads burn none.
                let grown = if a.cpu_busy < 0.8 {
                    a.threads + v.inject_per_s * inst as f64 * dt
                } else {
                    // The 80 % rule: one thread per "goal" seconds per instance.
                    let g = a.threads / inst as f64;
                    libm::sqrt(g * g + 2.0 * dt) * inst as f64
                };
                a.threads = grown.min(max_t).min((demand + a.queue).max(a.threads));
            } else {
                a.threads = demand.max(min_t).min(a.threads.max(min_t));
            }
            let h_mix = if lam > 0.0 { demand / lam } else { 0.0 };
            let cpu_mix = if lam > 0.0 { cpu / lam } else { 0.0 };
            let mu_thr = if h_mix > 0.0 { a.threads / h_mix } else { f64::INFINITY };
            let mu_cpu = if cpu_mix > 0.0 { cores / cpu_mix } else { f64::INFINITY };
            let mu = mu_thr.min(mu_cpu);
            let q0 = a.queue;
            // ASP.NET's requestQueueLimit per instance: beyond it, 503s.
            let q_max = 5000.0 * inst as f64;
            let q_raw = (q0 + (lam - mu) * dt).max(0.0);
            let q1 = q_raw.min(q_max);
            let rejected = (q_raw - q1) / dt;
            a.queue = q1;
            self.rejected += rejected * dt;
            let completions = (lam - rejected + (q0 - q1) / dt).max(0.0);
            // Damped: the share of the minute's arrivals started this minute and the last.
            a.served = 0.5 * (a.served + if lam > 0.0 { completions / lam } else { 1.0 });
            let wait = if mu > 0.0 && mu.is_finite() { 0.5 * (q0 + q1) / mu } else { 0.0 };
            // The users' requests (not the API's minutes-long refreshes) set the median age.
            let user_lam = lam - r.api;
            let h_user = if user_lam > 0.0 { (demand - r.api * hold(&api)) / user_lam } else { 0.0 };
            let cond = completions < 0.1 * lam || wait + std::f64::consts::LN_2 * h_user > 30.0;
            a.cond_min = if cond { a.cond_min + 1 } else { 0 };
            let frozen = a.cond_min >= 1 && user_lam > 0.0;
            match (frozen, a.frozen_since) {
                (true, None) => {
                    a.frozen_since = Some(minute);
                    self.freeze_users[k] = r.online;
                }
                (true, Some(_)) => self.freeze_users[k] = self.freeze_users[k].max(r.online),
                (false, Some(s)) => {
                    a.frozen_since = None;
                    self.freezes.push(Freeze {
                        app: k as u32,
                        start_min: s,
                        minutes: minute - s,
                        users: self.freeze_users[k],
                        has_poller: self.agg.apps[k].pollers > 0,
                    });
                }
                (false, None) => {}
            }
            let cpu_busy = (completions * cpu_mix / cores).min(1.0);
            a.cpu_busy = cpu_busy;
            self.arrived += lam * dt;
            self.completed += completions * dt;
            self.last.push(AppMinute {
                arrivals: lam,
                completions,
                cpu_pct: 100.0 * cpu_busy,
                p95_s: 3.0 * hold(&costs[1]) + wait,
                online: r.online,
                timeouts,
                frozen,
            });
        }

        // Regional page times: the server p95 of the apps their users are on, plus round trips.
        let rtt = [0, 1, 2].map(|r| self.wl.round_trip_s(r));
        let mut p95_region = [0.0; 3];
        for (reg, p) in p95_region.iter_mut().enumerate() {
            let pts = &mut scratch.pts;
            pts.clear();
            pts.extend((0..n).map(|k| (self.last[k].p95_s, self.agg.apps[k].users[reg] * fr[reg])));
            pts.sort_by(|a, b| a.0.total_cmp(&b.0));
            let total: f64 = pts.iter().map(|x| x.1).sum();
            let mut acc = 0.0;
            let mut q = pts.last().map_or(0.0, |x| x.0);
            for (lat, w) in pts.iter() {
                acc += w;
                if total > 0.0 && acc >= 0.95 * total {
                    q = *lat;
                    break;
                }
            }
            *p = q + rtt[reg];
        }
        let cpus = &mut scratch.cpus;
        cpus.clear();
        cpus.extend(self.last.iter().map(|a| a.cpu_pct));
        cpus.sort_unstable_by(f64::total_cmp);
        let cpu_max = cpus.last().copied().unwrap_or(0.0);
        let cpu_median = if cpus.is_empty() {
            0.0
        } else if cpus.len() % 2 == 1 {
            cpus[cpus.len() / 2]
        } else {
            0.5 * (cpus[cpus.len() / 2 - 1] + cpus[cpus.len() / 2])
        };
        let p95_max = p95_region.iter().copied().fold(0.0, f64::max);
        let firing = self.alerts.observe(minute, [cpu_max, p95_max, 100.0 * rm.load]);

        {
            let online: f64 = self.last.iter().map(|a| a.online).sum();
            let migrated_online: f64 = (0..3).map(|r| self.agg.users[r] * fr[r]).sum();
            let row = &mut self.minute_row;
            row.clear();
            row.push(self.agg.users.iter().sum());
            row.push(self.agg.circle as f64);
            row.push(online);
            row.push(self.last.iter().map(|a| a.arrivals).sum());
            row.push(migrated_online * self.wl.per_user_rate());
            row.push(rates.iter().map(|r| r.polls).sum());
            row.push(rates.iter().map(|r| r.api).sum());
            row.push(cpu_max);
            row.push(cpu_median);
            row.extend(p95_region);
            row.push(100.0 * rm.load);
            row.push(reads);
            row.push(writes);
            row.push(timeouts_total);
            row.push(self.last.iter().filter(|a| a.frozen).count() as f64);
            row.push(self.last.iter().filter(|a| a.frozen).map(|a| a.online).sum());
            row.push(n as f64 * cores * 24.0 * v.core_hour_price);
            row.push(firing as f64);
            row.push(n as f64);
            row.extend_from_slice(&self.circle_req);
            for k in 0..self.n_app_cols {
                row.push(self.last.get(k).map_or(0.0, |a| a.cpu_pct));
            }
            for k in 0..self.n_app_cols {
                row.push(self.last.get(k).map_or(0.0, |a| a.p95_s));
            }
        }
        self.scratch = scratch;
        self.summarise_minute();
        self.minute += 1;
        self.now_s = self.minute as f64 * 60.0;
        if self.minute == self.end_minute {
            self.end_freezes();
        }
    }

    /// The day aggregates of the current day.
    pub fn day(&self) -> &DayAgg {
        &self.agg
    }

    /// The current minute of the run.
    pub fn minute(&self) -> u64 {
        self.minute
    }
}

impl Model for MacroModel {
    fn now_s(&self) -> f64 {
        self.now_s
    }
    fn end_s(&self) -> f64 {
        self.end_minute as f64 * 60.0
    }
    fn run_until(&mut self, t_s: f64) {
        let t = t_s.min(self.end_s());
        while self.minute < self.end_minute && (self.minute as f64) * 60.0 <= t {
            self.step_minute();
        }
        self.now_s = self.now_s.max(t);
    }
    fn step_events(&mut self, max_events: u64) -> bool {
        for _ in 0..max_events {
            if self.minute >= self.end_minute {
                break;
            }
            self.step_minute();
        }
        self.minute >= self.end_minute
    }
    fn series(&self) -> &Series {
        &self.series
    }
    fn totals(&self) -> Totals {
        let in_flight = self.apps.iter().map(|a| a.queue).sum::<f64>().round() as u64;
        Totals {
            arrived: self.arrived.round() as u64,
            completed: self.completed.round() as u64,
            in_flight,
            rejected: self.rejected.round() as u64,
            ..Totals::default()
        }
    }
}
