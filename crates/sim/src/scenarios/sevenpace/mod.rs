//! The 7pace Timetracker 4 incident: the rollout of server-side tracking in nine circles
//! (October – November 2017), the ×4 scale-up and the eight web apps of December, extended
//! Redis caching released over the holidays, and the freeze of 2 January 2018.
//!
//! Two models share one set of parameter names and presets:
//! * `7pace-2017` ([`macro_model`]): six months (1 Oct 2017 – 31 Mar 2018) at a one-minute
//!   step. Accounts ([`accounts`]) are migrated circle by circle ([`rollout`]); their online users
//!   poll from every tab, load pages and tick watches, and API pollers refresh full record sets
//!   ([`workload`]); web apps are fluid processor-shared servers with a CLR-style thread pool
//!   and the freeze detector; Redis is one single-threaded server ([`redis`]); alert rules watch
//!   it all ([`alerts`]).
//! * `7pace-2018-01-02` ([`zoom`]): two hours of 2 January on the per-request engine.
//!
//! The post gives almost no magnitudes (nine circles, two months, +50 % in the last circle,
//! cost ×4, eight web apps, a ten-minute freeze, the dates). Every other default is
//! illustrative, calibrated so the acceptance properties of MODEL.md 5.3 hold ([`checks`]).

pub mod accounts;
pub mod alerts;
pub mod checks;
pub mod macro_model;
pub mod redis;
pub mod rollout;
pub mod workload;
pub mod zoom;

use crate::calendar::Date;
use crate::params::{ParamError, Params, Preset};
use crate::scenario::Scenario;
use crate::simulation::Simulation;

/// The first day of the macro run, 1 Oct 2017 (day 0 of the run).
pub const START: Date = Date::new(2017, 10, 1);
/// [`START`] in days since 1970-01-01.
pub const START_UNIX_DAY: i64 = START.days();
/// Days in the macro run: 1 Oct 2017 to 31 Mar 2018.
pub const DAYS: u32 = 182;
/// Day of the run of 2 Jan 2018.
pub const JAN_2: u32 = 93;

/// Day of the run of a 2017/2018 date.
pub fn day_of(d: Date) -> i64 {
    d.days() - START.days()
}

crate::typed_params! {
    /// The parameters of `7pace-2017`, typed.
    #[derive(serde::Serialize, serde::Deserialize)]
    pub struct SevenpaceParams;
    pub const PARAMS;
    {
        sample_s: f64 = ("Sample interval", "s", 60, 60, 86400, 60, Illustrative, "Simulated time between two samples; a multiple of the 60 s step"),
        n_users: u32 = ("Users after the last circle", "users", 20000, 2000, 100000, 1000, Illustrative, "Timetracker users on VSTS once every circle is migrated (no 2017 figure is public)"),
        n_accounts: u32 = ("Accounts", "accounts", 1000, 100, 5000, 50, Illustrative, "VSTS accounts using Timetracker"),
        users_sigma: f64 = ("Account size spread", "", 1.4, 0.2, 2.0, 0.1, Illustrative, "σ of the log-normal users per account (median about 8 before scaling)"),
        max_account_users: u32 = ("Largest account", "users", 2000, 100, 10000, 100, Illustrative, "Cap on the users of one account"),
        share_eu_pct: f64 = ("EU share", "%", 60, 0, 100, 5, Illustrative, "Accounts in Europe (UTC+1)"),
        share_us_pct: f64 = ("US share", "%", 30, 0, 100, 5, Illustrative, "Accounts in the Americas (UTC−6); the rest are APAC (UTC+8)"),
        rtt_eu_ms: f64 = ("EU round trip", "ms", 30, 1, 1000, 5, Illustrative, "Network round trip of an EU user to the web apps (P22: \"countries with longer latency\")"),
        rtt_us_ms: f64 = ("US round trip", "ms", 120, 1, 1000, 5, Illustrative, "Network round trip of a US user"),
        rtt_apac_ms: f64 = ("APAC round trip", "ms", 250, 1, 1000, 5, Illustrative, "Network round trip of an APAC user"),
        page_round_trips: u32 = ("Round trips per page", "round trips", 12, 1, 50, 1, Illustrative, "Sequential requests a page load needs; each pays the round trip"),
        circles: u32 = ("Circles", "circles", 9, 3, 15, 1, Postmortem, "Rollout circles (\"planned to occur in nine circles\")"),
        circle_sizes: u32 = ("Circle sizes", "", 0, 0, 2, 1, Postmortem, "0 = exponential (each circle doubles, the last adds 50 %, P23), 1 = equal, 2 = the custom list circle1_pct…"),
        first_circle_day: u32 = ("First circle", "day of run", 2, 0, 120, 1, Illustrative, "Day of the first circle (0 = 1 Oct 2017; 2 = 3 Oct)"),
        circle_spacing_days: u32 = ("Circle spacing", "days", 7, 1, 30, 1, Postmortem, "Days between circles (\"over a period of two months\"; the last on 28 Nov)"),
        circle1_pct: f64 = ("Custom circle 1", "%", 1, 0, 100, 1, Illustrative, "Share of the final users added by circle 1 (custom sizes; shares are normalised)"),
        circle2_pct: f64 = ("Custom circle 2", "%", 2, 0, 100, 1, Illustrative, "Share added by circle 2 (custom sizes)"),
        circle3_pct: f64 = ("Custom circle 3", "%", 4, 0, 100, 1, Illustrative, "Share added by circle 3 (custom sizes)"),
        circle4_pct: f64 = ("Custom circle 4", "%", 8, 0, 100, 1, Illustrative, "Share added by circle 4 (custom sizes)"),
        circle5_pct: f64 = ("Custom circle 5", "%", 10, 0, 100, 1, Illustrative, "Share added by circle 5 (custom sizes)"),
        circle6_pct: f64 = ("Custom circle 6", "%", 15, 0, 100, 1, Illustrative, "Share added by circle 6 (custom sizes)"),
        circle7_pct: f64 = ("Custom circle 7", "%", 20, 0, 100, 1, Illustrative, "Share added by circle 7 (custom sizes)"),
        circle8_pct: f64 = ("Custom circle 8", "%", 20, 0, 100, 1, Illustrative, "Share added by circle 8 (custom sizes)"),
        circle9_pct: f64 = ("Custom circle 9", "%", 20, 0, 100, 1, Illustrative, "Share added by circle 9 (custom sizes)"),
        circle10_pct: f64 = ("Custom circle 10", "%", 0, 0, 100, 1, Illustrative, "Share added by circle 10 (custom sizes)"),
        circle11_pct: f64 = ("Custom circle 11", "%", 0, 0, 100, 1, Illustrative, "Share added by circle 11 (custom sizes)"),
        circle12_pct: f64 = ("Custom circle 12", "%", 0, 0, 100, 1, Illustrative, "Share added by circle 12 (custom sizes)"),
        circle13_pct: f64 = ("Custom circle 13", "%", 0, 0, 100, 1, Illustrative, "Share added by circle 13 (custom sizes)"),
        circle14_pct: f64 = ("Custom circle 14", "%", 0, 0, 100, 1, Illustrative, "Share added by circle 14 (custom sizes)"),
        circle15_pct: f64 = ("Custom circle 15", "%", 0, 0, 100, 1, Illustrative, "Share added by circle 15 (custom sizes)"),
        peak_online_pct: f64 = ("Peak online", "%", 40, 10, 80, 1, Illustrative, "Users online in local business hours (08–18, weekdays)"),
        weekend_factor: f64 = ("Weekend factor", "", 0.1, 0, 1, 0.05, Illustrative, "Online users on Saturdays and Sundays, relative to weekdays"),
        holiday_factor: f64 = ("Holiday factor", "", 0.25, 0.1, 1, 0.05, Postmortem, "Online users from 23 Dec to 1 Jan (P16: \"fewer users were online\"; magnitude illustrative)"),
        tabs_per_user: f64 = ("Tabs per user", "tabs", 3, 1, 10, 0.5, Illustrative, "Open Timetracker tabs and VSTS pages with the Start Tracking button per online user, one visible (P9/P10)"),
        poll_s: f64 = ("Poll interval", "s", 30, 5, 300, 1, Illustrative, "Every tab refreshes its data this often, visible or not (P9)"),
        page_visibility: bool = ("Page Visibility", "on/off", 0, 0, 1, 1, Postmortem, "Hidden tabs stop polling (the Page Visibility API; the fix P9 implies)"),
        hidden_poll_s: f64 = ("Hidden-tab poll interval", "s", 0, 0, 3600, 60, Documented, "With Page Visibility on, hidden tabs poll this often (0 = they stop)"),
        page_loads_per_min: f64 = ("Page loads", "per user per min", 1, 0.1, 5, 0.1, Illustrative, "Page loads per online user"),
        watch_frac: f64 = ("Running watches", "", 0.5, 0, 1, 0.05, Illustrative, "Online users with a running watch the server ticks (P2/P3)"),
        tick_s: f64 = ("Tick interval", "s", 60, 10, 600, 10, Illustrative, "A running watch costs one server tick this often"),
        refresh_per_min: f64 = ("Refresh when frozen", "per user per min", 0.3, 0, 1, 0.05, Illustrative, "Extra page loads per online user per minute on a frozen web app (users press F5)"),
        poller_pct_start: f64 = ("API pollers, 1 Oct", "% of accounts", 0.5, 0, 10, 0.1, Illustrative, "Accounts with a full-refresh API poller on 1 Oct (P11: \"some users\")"),
        poller_pct_jan: f64 = ("API pollers, 2 Jan", "% of accounts", 3, 0, 10, 0.1, Illustrative, "Accounts with a poller on 2 Jan; linear in between, flat after; larger accounts are likelier"),
        api_s: f64 = ("API poll interval", "s", 60, 10, 3600, 10, Postmortem, "A poller refreshes its full record set this often (P11: \"every minute\")"),
        worklogs_per_user_day: f64 = ("Worklogs per user-day", "records", 5, 1, 50, 1, Illustrative, "Records one user adds per day"),
        history_days: f64 = ("History on 1 Oct", "days", 730, 0, 2000, 10, Illustrative, "Days of records an account has on 1 Oct; one more each day"),
        c_rec_us: f64 = ("CPU per record", "µs", 110, 1, 500, 1, Illustrative, "Web-app CPU to read and serialise one record of a full refresh"),
        rec_bytes: f64 = ("Record size", "B", 100, 50, 5000, 50, Illustrative, "Bytes per record"),
        chunk_records: f64 = ("Records per cache entry", "records", 1000, 100, 10000, 100, Illustrative, "With extended caching a full refresh reads its records from Redis in entries of this many"),
        api_rate_limit_per_h: f64 = ("API rate limit", "calls per account per h", 0, 0, 60, 1, Documented, "Most API calls an account may make per hour (0 = unlimited, as in 2017; 7pace's docs today)"),
        incremental_refresh: bool = ("Incremental refresh", "on/off", 0, 0, 1, 1, Documented, "Pollers fetch only records edited since their last call (EditedTimestamp, 7pace's docs today)"),
        apps_1: u32 = ("Web apps (Oct–Nov)", "apps", 2, 1, 16, 1, Illustrative, "Web apps before the scale-up"),
        instances_1: u32 = ("Instances (Oct–Nov)", "instances", 4, 1, 100, 1, Illustrative, "Instances per web app before the scale-up"),
        cores_1: u32 = ("Cores (Oct–Nov)", "cores", 2, 1, 16, 1, Illustrative, "Cores per instance before the scale-up"),
        scaleup_day: u32 = ("Scale-up", "day of run", 61, 0, 181, 1, Postmortem, "Day of the higher tiers and more instances (61 = 1 Dec; P7 \"hosting cost quadrupled in December\")"),
        apps_2: u32 = ("Web apps (1–14 Dec)", "apps", 2, 1, 16, 1, Illustrative, "Web apps after the scale-up"),
        instances_2: u32 = ("Instances (1–14 Dec)", "instances", 8, 1, 100, 1, Illustrative, "Instances per web app after the scale-up"),
        cores_2: u32 = ("Cores (1–14 Dec)", "cores", 4, 1, 16, 1, Illustrative, "Cores per instance after the scale-up"),
        eight_apps_day: u32 = ("Eight web apps", "day of run", 75, 0, 181, 1, Postmortem, "Day the load is spread over more web apps (75 = 15 Dec; P14 \"mid-December\")"),
        apps_3: u32 = ("Web apps (from 15 Dec)", "apps", 8, 1, 16, 1, Postmortem, "Web apps from mid-December (P14: \"eight web apps\")"),
        instances_3: u32 = ("Instances (from 15 Dec)", "instances", 2, 1, 100, 1, Illustrative, "Instances per web app from mid-December"),
        cores_3: u32 = ("Cores (from 15 Dec)", "cores", 4, 1, 16, 1, Illustrative, "Cores per instance from mid-December"),
        cpu_poll_ms: f64 = ("CPU per poll", "ms", 8, 0.5, 100, 0.5, Illustrative, "Web-app CPU of one tab poll"),
        cpu_page_ms: f64 = ("CPU per page load", "ms", 60, 1, 500, 1, Illustrative, "Web-app CPU of one page load"),
        cpu_tick_ms: f64 = ("CPU per tick", "ms", 3, 0.1, 100, 0.1, Illustrative, "Web-app CPU of one server tick of a running watch"),
        min_worker_per_core: u32 = ("MinWorker per core", "threads", 1, 1, 100, 1, Documented, "CLR MinWorker per core (default: one per core)"),
        inject_per_s: f64 = ("Thread injection", "threads/s", 2, 0.5, 10, 0.5, Documented, "Threads the CLR adds per instance per second while starved below 80 % CPU (500 ms gate)"),
        max_threads_per_core: u32 = ("maxWorkerThreads", "threads per core", 100, 5, 1000, 5, Documented, "Most worker threads per core of an instance (ASP.NET processModel autoConfig: 100 per CPU)"),
        redis_release_day: u32 = ("Extended caching", "day of run", 87, 0, 182, 1, Postmortem, "Day extended Redis caching is released (87 = 27 Dec, \"between Christmas and New Years Eve\"; 182 = never)"),
        redis_a_us: f64 = ("Redis cost per op", "µs", 30, 10, 100, 1, Illustrative, "Redis thread time of one operation besides its payload"),
        redis_b_ns: f64 = ("Redis cost per byte", "ns", 5, 1, 20, 0.5, Illustrative, "Redis thread time per payload byte"),
        critical_ops: f64 = ("Redis ops (critical only)", "ops per request", 0.2, 0, 2, 0.1, Illustrative, "Redis reads of 1 KB per request while Redis holds critical values only"),
        reads_per_poll: f64 = ("Redis reads per poll", "ops", 6, 0, 50, 1, Illustrative, "GETs a poll makes with extended caching"),
        reads_per_page: f64 = ("Redis reads per page", "ops", 10, 0, 100, 1, Illustrative, "GETs a page load makes with extended caching"),
        write_ratio: f64 = ("Writes per read", "", 0.1, 0, 1, 0.01, Illustrative, "SETs per GET (P20: \"the higher value is reads\")"),
        val_kb: f64 = ("Cached value size", "KB", 38, 1, 500, 1, Illustrative, "Bytes of one cached value"),
        sync_timeout_ms: f64 = ("syncTimeout", "ms", 1000, 100, 10000, 100, Documented, "StackExchange.Redis 1.x synchronous-call timeout; the operation still runs at Redis"),
        db_fallback: bool = ("DB fallback", "on/off", 1, 0, 1, 1, Illustrative, "A timed-out Redis read falls back to SQL"),
        db_ms: f64 = ("SQL time", "ms", 15, 1, 500, 1, Illustrative, "SQL I/O of a request (halved with extended caching) and of one fallback"),
        core_hour_price: f64 = ("Price per core-hour", "units", 1, 0.01, 100, 0.01, Illustrative, "Relative hosting price; only the ratio matters (P7: ×4)"),
        alerting: bool = ("Alerting", "on/off", 0, 0, 1, 1, Postmortem, "The alert rules page someone (P22: as it happened, reports \"weren't critical\")"),
        alert_cpu_pct: f64 = ("CPU alert", "%", 80, 50, 100, 1, Documented, "A web app's CPU above this for the alert duration fires"),
        alert_p95_s: f64 = ("Latency alert", "s", 5, 1, 60, 0.5, Illustrative, "A region's p95 page time above this for the alert duration fires"),
        alert_redis_pct: f64 = ("Redis alert", "%", 80, 50, 100, 1, Documented, "Redis server load above this for the alert duration fires (Azure guidance: avoid over 80 %)"),
        alert_for_min: u32 = ("Alert duration", "min", 5, 1, 60, 1, Illustrative, "How long a condition must hold before its alert fires"),
    }
}

/// The presets: the post's fixes and lessons, for both models.
pub const PRESETS: &[Preset] = &[
    Preset { name: "as-it-happened", label: "As it happened", description: "The defaults: exponential circles, every tab polling, unlimited full-refresh API, extended caching from 27 Dec, no alerting", changes: &[] },
    Preset { name: "equal-circles", label: "Equal circles", description: "Lesson 2: nine circles of equal size (\"7, 7, 7, 7, 7, 7\")", changes: &[("circle_sizes", 1.0)] },
    Preset { name: "page-visibility", label: "Page Visibility", description: "Hidden tabs stop polling: one poll per user instead of one per tab", changes: &[("page_visibility", 1.0)] },
    Preset { name: "api-rate-limit", label: "API rate limit", description: "At most 4 API calls per account per hour (one per 15 min)", changes: &[("api_rate_limit_per_h", 4.0)] },
    Preset { name: "incremental-refresh", label: "Incremental refresh", description: "Pollers fetch only the records edited since their last call", changes: &[("incremental_refresh", 1.0)] },
    Preset { name: "alerting", label: "Alerting", description: "Lesson 1: alert on CPU > 80 %, p95 > 5 s and Redis > 80 %, each for 5 minutes", changes: &[("alerting", 1.0)] },
    Preset {
        name: "all-fixes",
        label: "All fixes",
        description: "Equal circles, Page Visibility, API rate limit, incremental refresh and alerting together",
        changes: &[
            ("circle_sizes", 1.0),
            ("page_visibility", 1.0),
            ("api_rate_limit_per_h", 4.0),
            ("incremental_refresh", 1.0),
            ("alerting", 1.0),
        ],
    },
];

/// `7pace-2017`.
pub const SCENARIO: Scenario = Scenario {
    name: "7pace-2017",
    title: "7pace Timetracker 4, October 2017 – March 2018",
    summary: "Nine rollout circles move time tracking to the server; every tab polls and API pollers refresh full histories, so load outgrows the user count. A ×4 scale-up and eight web apps help most users; extended Redis caching, released over the holidays, saturates Redis's single thread on 2 January and freezes the web app hosting a heavy poller.",
    params: PARAMS,
    presets: PRESETS,
    validate,
};

fn err(name: &str, message: String) -> ParamError {
    ParamError { name: name.into(), message }
}

fn validate(p: &Params) -> Result<(), ParamError> {
    let v = SevenpaceParams::from_params(p);
    if (v.sample_s / 60.0).fract() != 0.0 {
        return Err(err(
            "sample_s",
            format!(
                "sample_s must be a multiple of 60 s (the model's step) (got {})",
                crate::params::fmt_num(v.sample_s)
            ),
        ));
    }
    validate_world(&v)
}

/// The rules both models share: the regional shares, the circle dates, custom circle sizes and
/// users per account.
pub(crate) fn validate_world(v: &SevenpaceParams) -> Result<(), ParamError> {
    if v.share_eu_pct + v.share_us_pct > 100.0 {
        return Err(err(
            "share_us_pct",
            format!(
                "share_us_pct must be at most {} % with share_eu_pct = {} (the shares add up to at most 100)",
                crate::params::fmt_num(100.0 - v.share_eu_pct),
                crate::params::fmt_num(v.share_eu_pct)
            ),
        ));
    }
    let last = v.first_circle_day + v.circle_spacing_days * (v.circles - 1);
    if last >= DAYS {
        return Err(err(
            "circle_spacing_days",
            format!(
                "circle_spacing_days must be at most {} with {} circles from day {} (the last circle must fall before 31 Mar 2018)",
                (DAYS - 1 - v.first_circle_day.min(DAYS - 1)) / (v.circles - 1),
                v.circles,
                v.first_circle_day
            ),
        ));
    }
    if v.circle_sizes == 2 && rollout::custom_shares(v).iter().sum::<f64>() <= 0.0 {
        return Err(err(
            "circle1_pct",
            format!("circle1_pct … circle{}_pct must not all be 0 with custom circle sizes", v.circles),
        ));
    }
    if v.n_users < v.n_accounts {
        return Err(err(
            "n_users",
            format!("n_users must be at least n_accounts ({}) (got {})", v.n_accounts, v.n_users),
        ));
    }
    Ok(())
}

pub(crate) fn build(p: &Params, seed: u64) -> Simulation {
    Simulation::SevenpaceMacro(Box::new(macro_model::MacroModel::new(&SevenpaceParams::from_params(p), seed)))
}
