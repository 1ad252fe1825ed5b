//! 7pace Timetracker's server-side tracking rollout, October 2017 – January 2018, replayed on two
//! runs: six months of `7pace-2017` (steps 1–6 and 8) and two hours of 2 January on
//! `7pace-2018-01-02` (step 7), quoting "How We Almost Burned Down the House".

mod charts;
pub mod planner;

use super::landing::SEVENPACE_SOURCE;
use super::live::{live_chapter, ChapterState, LiveStep, LiveStory, Panel, Scene, Widget};
use super::quotes::quote as q;
use crate::components::timeline::Pace;
use crate::components::ParamGroup;
use crate::routes::{Page, Query};
use leptos::prelude::*;
use postmortem_sim::params::Params;
use postmortem_sim::scenario::Scenario;
use postmortem_sim::scenarios::sevenpace::{JAN_2, START};
use postmortem_sim::series::Clock;

/// The chapter for `#/7pace-2017`.
pub fn chapter(query: Query) -> impl IntoView {
    live_chapter(&SEVENPACE, query)
}

const DAY: f64 = 86_400.0;

/// Simulated seconds of the six-month run at the start of `day` (0 = 1 Oct 2017).
pub const fn day(d: u32) -> f64 {
    d as f64 * DAY
}

/// The six months sample every 30 minutes: 8,736 rows, each the mean or peak of its half hour.
const MACRO_SAMPLE_S: f64 = 1800.0;

/// The macro run's clock: 1 Oct 2017, 00:00 UTC at time 0.
fn macro_clock(_: &Params) -> Option<Clock> {
    Some(Clock::DateTime { origin_unix_s: START.days() * 86_400 })
}

/// The zoom's clock: 2 Jan 2018 at the window's start hour.
fn zoom_clock(p: &Params) -> Option<Clock> {
    let start_h = p.value("start_h").unwrap_or(11.0);
    let origin = (START.days() + i64::from(JAN_2)) * 86_400 + (start_h * 3600.0).round() as i64;
    Some(Clock::DateTime { origin_unix_s: origin })
}

static MACRO_PACE: Pace = Pace {
    speeds: &[
        (DAY, "1 day/s"),
        (3.0 * DAY, "3 days/s"),
        (7.0 * DAY, "1 week/s"),
        (182.0 * DAY / 20.0, "six months in 20 s"),
    ],
    step_s: 3600.0,
};

static ZOOM_PACE: Pace = Pace {
    speeds: &[(60.0, "1 min/s"), (180.0, "3 min/s"), (360.0, "two hours in 20 s"), (720.0, "in 10 s")],
    step_s: 10.0,
};

/// The chapter, as data.
pub static SEVENPACE: LiveStory = LiveStory {
    page: Page::Sevenpace,
    testid: "chapter-7pace",
    kicker: "Incident · October 2017 – January 2018",
    title: "7pace Timetracker: how we almost burned down the house",
    lede: "Moving the stopwatch to the server made load grow faster than the number of users. Scaling up \
           bought time; a caching change over the holidays spent it. Every line below comes from a \
           simulation of the mechanisms running in your browser.",
    source: SEVENPACE_SOURCE,
    source_url: None,
    panels: &[Panel { scenario: "7pace-2018-01-02", groups: GROUPS }],
    scenes: &[
        Scene {
            scenario: "7pace-2017",
            panel: 0,
            fixed: &[("sample_s", MACRO_SAMPLE_S)],
            clock: macro_clock,
            end_s: |_| day(182),
            pace: &MACRO_PACE,
            charts: charts::MACRO,
        },
        Scene {
            scenario: "7pace-2018-01-02",
            panel: 0,
            fixed: &[],
            clock: zoom_clock,
            end_s: |_| 7200.0,
            pace: &ZOOM_PACE,
            charts: charts::ZOOM,
        },
    ],
    titles: &[
        "Time starts ticking on the server",
        "Rolling out in circles",
        "The last circle",
        "Scaling up",
        "Eight web apps",
        "More caching, over the holidays",
        "Back to work",
        "Lessons",
    ],
    steps: STEPS,
    note: "Every line is simulated in your browser from the parameters on the right. The post gives the dates, \
           the nine circles, the last one's 50 %, the ×4 cost, the eight web apps and the ten-minute freeze; \
           users, rates, costs and sizes marked illustrative are ours, so read the charts for their shape, not \
           their exact numbers.",
};

/// The planner under the charts of the steps about circles.
fn planner_widget(state: ChapterState, sc: &'static Scenario, params: RwSignal<Params>) -> AnyView {
    view! { <planner::RolloutPlanner scenario=sc params=params seed=state.seed errors=state.errors /> }
        .into_any()
}

static GROUPS: &[ParamGroup] = &[
    ParamGroup {
        title: "Users and accounts",
        names: &[
            "n_users",
            "n_accounts",
            "users_sigma",
            "max_account_users",
            "share_eu_pct",
            "share_us_pct",
            "rtt_eu_ms",
            "rtt_us_ms",
            "rtt_apac_ms",
            "page_round_trips",
        ],
    },
    ParamGroup {
        title: "Rollout circles",
        names: &[
            "circles",
            "circle_sizes",
            "first_circle_day",
            "circle_spacing_days",
            "circle1_pct",
            "circle2_pct",
            "circle3_pct",
            "circle4_pct",
            "circle5_pct",
            "circle6_pct",
            "circle7_pct",
            "circle8_pct",
            "circle9_pct",
            "circle10_pct",
            "circle11_pct",
            "circle12_pct",
            "circle13_pct",
            "circle14_pct",
            "circle15_pct",
        ],
    },
    ParamGroup {
        title: "Online users and tabs",
        names: &[
            "peak_online_pct",
            "weekend_factor",
            "holiday_factor",
            "tabs_per_user",
            "poll_s",
            "page_visibility",
            "hidden_poll_s",
            "page_loads_per_min",
            "watch_frac",
            "tick_s",
            "refresh_per_min",
        ],
    },
    ParamGroup {
        title: "The public API",
        names: &[
            "poller_pct_start",
            "poller_pct_jan",
            "api_s",
            "worklogs_per_user_day",
            "history_days",
            "c_rec_us",
            "rec_bytes",
            "chunk_records",
            "api_rate_limit_per_h",
            "incremental_refresh",
        ],
    },
    ParamGroup {
        title: "Web apps and capacity",
        names: &[
            "apps_1",
            "instances_1",
            "cores_1",
            "scaleup_day",
            "apps_2",
            "instances_2",
            "cores_2",
            "eight_apps_day",
            "apps_3",
            "instances_3",
            "cores_3",
            "cpu_poll_ms",
            "cpu_page_ms",
            "cpu_tick_ms",
            "min_worker_per_core",
            "inject_per_s",
            "max_threads_per_core",
            "core_hour_price",
        ],
    },
    ParamGroup {
        title: "Redis",
        names: &[
            "redis_release_day",
            "redis_a_us",
            "redis_b_ns",
            "critical_ops",
            "reads_per_poll",
            "reads_per_page",
            "write_ratio",
            "val_kb",
            "sync_timeout_ms",
            "db_fallback",
            "db_ms",
        ],
    },
    ParamGroup {
        title: "Alerts",
        names: &["alerting", "alert_cpu_pct", "alert_p95_s", "alert_redis_pct", "alert_for_min"],
    },
    ParamGroup { title: "The 2 January zoom", names: &["start_h", "scale", "sample_s"] },
];

static STEPS: &[LiveStep] = &[
    LiveStep {
        title: "Time starts ticking on the server",
        when: "Autumn 2017",
        scene: 0,
        window: (0.0, day(31)),
        paragraphs: &[
            "Timetracker 4 moved the running stopwatch from the Windows client into the server, so every \
             running timer became work the servers did.",
            "The new web client refreshed its data in every open tab, even in tabs the user was not looking at, \
             and the public API accepted any number of queries. The charts start on 1 October with the first \
             circles: a hundred users, then a few hundred, then a couple of thousand, and load that looks like nothing.",
        ],
        quotes: &[
            q("time now ticked on the server, not on the client.", "on the architecture change"),
            q(
                "Once opened, data was refreshed, even if the tab was not active in the browser, to ensure that data was always current. On every opened tab.",
                "on the web client",
            ),
        ],
        charts: &["load", "cpu"],
        knobs: &["tabs_per_user", "poll_s", "page_visibility"],
        try_this: "Every tab polls: double the tabs per user and the polls double with them. Page Visibility makes \
                   hidden tabs stop.",
        action: None,
        html: None,
        widget: None,
    },
    LiveStep {
        title: "Rolling out in circles",
        when: "October – November 2017",
        scene: 0,
        window: (0.0, day(58)),
        paragraphs: &[
            "The rollout was planned in nine circles: 7pace itself, close friends and related companies, \
             registered pre-release accounts, five wider circles, and finally everyone.",
            "Each circle here doubles the users so far, so the first eight together bring two thirds of the \
             final count and the ninth adds half as many again. For each of the eight the forecast of the next circle's load was right: requests follow the \
             projection, a line in proportion to the users migrated. That track record is part of why the ninth \
             was a surprise.",
        ],
        quotes: &[q(
            "Rolling out the previous circles, our calculations on the load of the next circle were correct.",
            "on the rollout",
        )],
        charts: &["load", "cpu"],
        knobs: &["circle_sizes", "circles", "circle_spacing_days"],
        try_this: "Try equal circles in the planner below: which circle first pushes a web app over the alert \
                   threshold, and how many users does it expose?",
        action: None,
        html: None,
        widget: Some(Widget { above: false, render: planner_widget }),
    },
    LiveStep {
        title: "The last circle",
        when: "28 November 2017",
        scene: 0,
        window: (day(44), day(61)),
        paragraphs: &[
            "The ninth circle added about half as many users again, and the requests per second grew about as \
             projected. The work behind them did not: the largest accounts came last, and their scripts \
             refreshed entire record sets every minute. One such call costs the account's users times its \
             history, so the CPU it takes grows with the square of the account's size.",
            "Load that grows with tabs and scripts rather than with people is easy to underestimate, because \
             each new user brings a different amount of it. Within days the web app hosting the heaviest \
             pollers sits at its CPU ceiling, and page times in the far regions go first.",
        ],
        quotes: &[
            q(
                "for the last circle, where we added about 50% additional users, they were not.",
                "on the load forecast",
            ),
            q(
                "some users set up their systems to refresh full record sets every minute.",
                "on the API",
            ),
            q("it turned out that this led to more exponential growth than expected.", "on the result"),
        ],
        charts: &["load", "cpu", "latency"],
        knobs: &["poller_pct_jan", "api_rate_limit_per_h", "incremental_refresh"],
        try_this: "Limit the API or make its refreshes incremental, and watch the highest app's CPU come down.",
        action: None,
        html: None,
        widget: None,
    },
    LiveStep {
        title: "Scaling up",
        when: "December 2017",
        scene: 0,
        window: (day(54), day(75)),
        paragraphs: &[
            "Timetracker ran on Azure, so more power was a few clicks away: higher tiers, more instances. Hosting \
             cost quadrupled. Most users, most of the time, saw better performance, but the web app that hosted \
             a heavy API poller kept its overload, and its users had a bad experience all of the time.",
        ],
        quotes: &[
            q(
                "Doing so (hosting cost quadrupled in December), we managed to improve performance most of the time for most of the users",
                "on scaling up",
            ),
            q("Some users even appeared to experience bad performance all of the time.", "on scaling up"),
        ],
        charts: &["cost", "cpu", "latency"],
        knobs: &["instances_2", "cores_2", "scaleup_day"],
        try_this: "More instances lower the median app; the highest app stays hot as long as a heavy poller \
                   lives on it.",
        action: None,
        html: None,
        widget: None,
    },
    LiveStep {
        title: "Eight web apps",
        when: "Mid-December 2017",
        scene: 0,
        window: (day(68), day(87)),
        paragraphs: &[
            "The team planned a performance sprint for January and, until then, spread the load over eight web \
             apps, each with about the same number of users. Because the clock now ticked on the server, an \
             account could not simply be moved between them: each stays pinned to its app, heavy pollers \
             included, and users are not what the pollers cost.",
        ],
        quotes: &[q(
            "We ultimately used eight Azure-managed apps at full scale, all up to 100% of load, and we could not scale more.",
            "on the scale ceiling",
        )],
        charts: &["cpu", "latency", "freezes"],
        knobs: &["apps_3", "instances_3", "eight_apps_day"],
        try_this: "Change the number of web apps: the pollers land on different apps, and the hot one moves.",
        action: None,
        html: None,
        widget: None,
    },
    LiveStep {
        title: "More caching, over the holidays",
        when: "27 December 2017",
        scene: 0,
        window: (day(80), day(93)),
        paragraphs: &[
            "As a first performance measure, far more of the caching moved into Redis, which until then had \
             held only a few critical values. Redis runs commands on one thread. The update shipped while few \
             users were online, and everything looked fine, because the holidays hid the load.",
        ],
        quotes: &[q(
            "we released this update between Christmas and New Years Eve, when fewer users were online. Everything looked promising.",
            "on the release",
        )],
        charts: &["redis", "redis-ops", "freezes"],
        knobs: &["redis_release_day", "val_kb", "holiday_factor"],
        try_this: "Set the holiday factor to 1 (no holidays): Redis fills up the day the release ships.",
        action: None,
        html: None,
        widget: None,
    },
    LiveStep {
        title: "Back to work",
        when: "Tuesday 2 January 2018",
        scene: 1,
        window: (0.0, 7200.0),
        paragraphs: &[
            "Traffic came back after the holidays, and with it the full cache load. This step zooms into two \
             hours of that morning, request by request: every Redis call is synchronous, so a web app's thread \
             waits for Redis's one thread; after the sync timeout the thread gives up, but the operation stays \
             queued at Redis and still runs.",
            "A heavy API poller's full refresh is one call that reads thousands of cache entries at once. Redis \
             runs it to the end before anything else, so for that second every app's calls wait, and many time \
             out; the poller's own instance then reads the huge answer on its one connection, and every call \
             behind it on that connection waits too. On the apps that host the heaviest pollers the threads pile \
             up, the pool grows by two a second, and everyone on the app waits with them: a freeze.",
            "Here the freezes last longer, and hit more apps, than the post's one ten-minute freeze: the hour's \
             load keeps Redis saturated, and our magnitudes are illustrative. The mechanism is the post's.",
        ],
        quotes: &[
            q(
                "Caching made Redis’ CPU collapse, causing the application pool to wait endlessly for response.",
                "on 2 January",
            ),
            q(
                "A single API call could cause all users on one of the Azure web apps to experience a ten-minute page freeze.",
                "on 2 January",
            ),
        ],
        charts: &["zoom-frozen", "zoom-threads", "zoom-redis"],
        knobs: &["sync_timeout_ms", "min_worker_per_core", "db_fallback", "start_h", "scale"],
        try_this: "Raise MinWorker so the pool does not have to grow, or shorten the sync timeout; then try the \
                   presets: which one ends the freeze?",
        action: None,
        html: None,
        widget: None,
    },
    LiveStep {
        title: "Lessons",
        when: "January – March 2018",
        scene: 0,
        window: (0.0, day(122)),
        paragraphs: &[
            "The team named three lessons: alerts that fire before users notice, rollout circles of equal size \
             so a problem shows up while it is small, and planning for scaling out from the start. The presets \
             above the charts switch each fix on; the planner shows what equal circles would have exposed.",
            "As it happened, nothing paged anyone: the first signal was users' complaints. Switch on alerting \
             and compare when the alerts fire with when the web apps froze.",
        ],
        quotes: &[
            q("We relied on insufficient monitoring.", "lesson 1"),
            q(
                "Rolling out in equal pieces, such as 7, 7, 7, 7, 7, 7, would have detected the issue earlier",
                "lesson 2",
            ),
            q("We accepted limited scalability, as the limits seemed so harmless.", "lesson 3"),
        ],
        charts: &["alerts", "load", "redis"],
        knobs: &["alerting", "alert_cpu_pct", "alert_redis_pct"],
        try_this: "Try each preset on its own, then all fixes together.",
        action: None,
        html: None,
        widget: Some(Widget { above: false, render: planner_widget }),
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::Frame;
    use postmortem_sim::scenario::find;

    #[test]
    fn the_story_names_real_charts_and_parameters_and_windows_move_forward() {
        super::super::live::check_story(&SEVENPACE);
    }

    #[test]
    fn the_scenes_clocks_are_the_runs_clocks() {
        for (k, scene) in SEVENPACE.scenes.iter().enumerate() {
            let sc = find(scene.scenario).unwrap();
            let mut p = sc.defaults();
            if k == 1 {
                sc.set_str(&mut p, "start_h", "9.5").unwrap();
            }
            let sim = sc.start(&p, 1).unwrap();
            assert_eq!(sim.series().clock, (scene.clock)(&p), "{}", scene.scenario);
            assert_eq!(sim.end_s(), (scene.end_s)(&p), "{}", scene.scenario);
        }
    }

    #[test]
    fn every_chart_draws_from_columns_the_scenarios_have() {
        let chapter = find(SEVENPACE.panels[0].scenario).unwrap();
        let p = chapter.defaults();
        for scene in SEVENPACE.scenes {
            let sc = find(scene.scenario).unwrap();
            let mut q = sc.defaults();
            for (n, v) in scene.fixed {
                q.set(sc.params, n, *v).unwrap();
            }
            if scene.scenario.ends_with("01-02") {
                sc.set_str(&mut q, "scale", "0.05").unwrap();
            }
            let mut sim = sc.start(&q, 1).unwrap();
            sim.run_to_end();
            let s = sim.series();
            let end = (scene.end_s)(&q);
            let f = Frame::new(0.0, end, end, s.clock);
            for c in scene.charts {
                let spec = (c.spec)(s, &p, &f);
                assert!(!spec.lines.is_empty(), "{}", c.id);
                for l in &spec.lines {
                    assert!(
                        l.points.len() > 100,
                        "chart {} line {} has {} points",
                        c.id,
                        l.name,
                        l.points.len()
                    );
                }
            }
        }
    }
}
