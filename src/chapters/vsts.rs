//! VSTS West Europe, 7 February 2018: the incident replayed on one run of `vsts-2018-02-07`, in ten
//! steps that quote the completed postmortem, with the charts of MODEL.md 3.6.

use super::landing::{VSTS_SOURCE, VSTS_URL};
use super::live::{live_chapter, LiveStep, LiveStory, Panel, Scene, StepAction};
use super::quotes::quote as q;
use crate::charts::{Axis, ChartDef, ChartSpec, ColorRole, Frame};
use crate::components::timeline::Pace;
use crate::components::ParamGroup;
use crate::routes::{Page, Query};
use leptos::prelude::*;
use postmortem_sim::params::Params;
use postmortem_sim::series::{Clock, Series};

/// The chapter for `#/vsts-2018`.
pub fn chapter(query: Query) -> impl IntoView {
    live_chapter(&VSTS, query)
}

/// 09:30 UTC, the scenario's time 0, in seconds after midnight.
pub const ORIGIN_S: f64 = 9.5 * 3600.0;

/// Simulated seconds at `h:m` UTC.
pub const fn at(h: u32, m: u32) -> f64 {
    (h * 3600 + m * 60) as f64 - ORIGIN_S
}

/// The chapter, as data.
pub static VSTS: LiveStory = LiveStory {
    page: Page::Vsts,
    testid: "chapter-vsts",
    kicker: "Incident · Wednesday 7 February 2018 · 10:10–12:40 UTC",
    title: "VSTS West Europe: the storm that would not end",
    lede: "Slow pages and 503 errors for two and a half hours, close to 5,000 users affected at the peak. \
           The trigger was over within minutes; the interesting question is why the system did not recover. \
           Every line below comes from a simulation of the mechanisms running in your browser.",
    source: VSTS_SOURCE,
    source_url: Some(VSTS_URL),
    panels: &[Panel { scenario: "vsts-2018-02-07", groups: GROUPS }],
    scenes: &[Scene {
        scenario: "vsts-2018-02-07",
        panel: 0,
        fixed: &[],
        clock: |_| Some(Clock::TimeOfDay { origin_s: ORIGIN_S }),
        end_s: |_| END_S,
        pace: &PACE,
        charts: CHARTS,
    }],
    titles: &[
        "A healthy baseline",
        "A crash bug lands",
        "A vulnerable morning",
        "The trigger: a reconnect storm",
        "First impact",
        "The vicious cycle",
        "Mitigation by hand",
        "Recovery",
        "A fragile tail",
        "The fixes",
    ],
    steps: STEPS,
    note:
        "Every line is simulated in your browser from the parameters on the right. The postmortem gives the \
           shape of the system (7 ATs, 2 processes each, MinWorker 192, the 500 ms gate, the probes); rates, \
           costs and thresholds marked illustrative are ours, so read the charts for their shape, not their \
           exact numbers.",
};

/// 13:00 UTC, the end of the run.
const END_S: f64 = at(13, 0);

/// Playback from a minute per second to the whole incident in ten seconds.
static PACE: Pace = Pace {
    speeds: &[
        (60.0, "1 min/s"),
        (180.0, "3 min/s"),
        (300.0, "5 min/s"),
        (630.0, "whole incident in 20 s"),
        (1260.0, "in 10 s"),
    ],
    step_s: 10.0,
};

/// The parameter groups of MODEL.md 3.5.
static GROUPS: &[ParamGroup] = &[
    ParamGroup {
        title: "Scale unit and load",
        names: &[
            "n_at",
            "procs_per_at",
            "cores_per_at",
            "arrival_rate",
            "ramp_pct_per_h",
            "r_user",
            "scale",
            "sample_s",
        ],
    },
    ParamGroup {
        title: "Work per request",
        names: &[
            "cpu_before_ms",
            "cpu_after_ms",
            "cont_cpu_ms",
            "io_ms",
            "p_sync",
            "sync_over_async",
            "p_db",
            "p_redis",
            "kappa",
            "kappa_starved",
            "client_timeout_s",
            "slow_s",
            "server_cancels_abandoned",
        ],
    },
    ParamGroup {
        title: "ASP.NET and the thread pool",
        names: &[
            "min_worker",
            "gate_ms",
            "hill_climbing",
            "net6",
            "max_executing",
            "queue_limit",
            "httpsys_limit",
            "pinned_processes",
        ],
    },
    ParamGroup {
        title: "Load balancer and probe",
        names: &[
            "probe_interval_s",
            "probe_timeout_s",
            "fail_threshold",
            "success_threshold",
            "probe_bypass",
            "probe_any_process",
            "sticky_users",
        ],
    },
    ParamGroup {
        title: "SignalR reconnect storm",
        names: &[
            "signalr_clients",
            "drop_fraction",
            "reconnect_delay_s",
            "jitter_s",
            "rc_timeout_s",
            "clients_cancel",
            "give_up_s",
            "p_restart",
            "restart_window_s",
            "churn_per_h",
            "message_buffer",
            "c_rc0_ms",
            "c_rc_msg_us",
            "rc_db_calls",
        ],
    },
    ParamGroup { title: "Databases", names: &["db_servers", "db_service_ms", "cb_limit"] },
    ParamGroup {
        title: "Crash bug",
        names: &["crash_rate_per_h", "crash_restart_s", "warm_s", "warm_speed", "telemetry_fixed"],
    },
    ParamGroup {
        title: "Health agent and thrash detector",
        names: &[
            "ha_enabled",
            "ha_check_s",
            "ha_cpu_pct",
            "ha_k",
            "ha_queue",
            "ha_max_out",
            "ha_cooldown_min",
            "ha_dump_min",
            "ha_hold_min",
            "ha_min_visible",
            "thrash_recycle",
        ],
    },
    ParamGroup {
        title: "Operator: recycles and forced crashes",
        names: &[
            "recycle_at0_min",
            "recycle_at1_min",
            "recycle_at2_min",
            "recycle_at3_min",
            "recycle_at4_min",
            "recycle_at5_min",
            "recycle_at6_min",
            "recycle_zombies_first",
            "reboot_s",
            "force_crash_min",
            "force_crash_n",
        ],
    },
    ParamGroup {
        title: "Adding ATs automatically",
        names: &[
            "auto_add",
            "auto_add_k_min",
            "auto_add_detect_min",
            "auto_add_provision_min",
            "auto_add_max",
        ],
    },
];

// ---------------------------------------------------------------- charts (MODEL.md 3.6)

/// Every chart of the chapter.
static CHARTS: &[ChartDef] = &[
    ChartDef {
        id: "rotation",
        caption: "How many ATs the load balancer can reach. Before the storm it is the whole scale unit; in \
                  the vicious cycle it swings low while the health agent holds one AT out.",
        spec: rotation,
    },
    ChartDef {
        id: "threads",
        caption:
            "Worker threads per AT (two processes). Up to MinWorker they come at once; above it the pool \
                  adds one thread per 500 ms per process: the jagged staircase.",
        spec: threads,
    },
    ChartDef {
        id: "requests",
        caption:
            "ASP.NET requests current per AT: queued plus executing. A flooded AT sits at its queue limit \
                  and answers 503.",
        spec: requests,
    },
    ChartDef {
        id: "cpu",
        caption:
            "CPU per AT and their average. In the vicious cycle CPU falls: the ATs are not busy, they are \
                  waiting for threads.",
        spec: cpu,
    },
    ChartDef {
        id: "impacted",
        caption: "Distinct users with a failed, refused or very slow request in the last 5 minutes (the \
                  postmortem's measure), and requests refused per second.",
        spec: impacted,
    },
    ChartDef {
        id: "crashes",
        caption:
            "AT process crashes per 5 minutes as they happened, against what the broken telemetry reported.",
        spec: crashes,
    },
    ChartDef {
        id: "reconnects",
        caption: "SignalR reconnect attempts per second and those that succeeded: the storm at 10:10.",
        spec: reconnects,
    },
    ChartDef {
        id: "breaker",
        caption: "Calls refused by the SQL concurrency circuit breakers, per 5 seconds.",
        spec: breaker,
    },
    ChartDef {
        id: "redis",
        caption:
            "Redis timeouts per minute: on the ATs, whose continuations wait for threads, against the job \
                  agents, which do not starve.",
        spec: redis,
    },
    ChartDef {
        id: "drilldown",
        caption: "Inside AT0's first process: requests queued, continuations waiting for a thread, threads \
                  blocked on them, and threads injected above MinWorker.",
        spec: drilldown,
    },
    ChartDef {
        id: "health",
        caption:
            "What the automation did: ATs held out by the health agent, ATs rebooting, and ATs the thrash \
                  detector would call zombies.",
        spec: health,
    },
];

const TIME: fn() -> Axis = || Axis::new("Time", "UTC");

fn n_at(p: &Params) -> usize {
    p.get("n_at").max(1.0) as usize
}

/// The label of a column, for a legend.
fn label(s: &Series, column: &str) -> String {
    s.columns.iter().find(|c| c.name == column).map_or_else(|| column.to_string(), |c| c.label.clone())
}

/// The column `{prefix}_at{i}` of every AT.
fn per_at_columns(n: usize, prefix: &str) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}_at{i}")).collect()
}

/// One line per AT of `{prefix}_at{i}`; the fifth and later are dashed.
fn per_at(mut spec: ChartSpec, s: &Series, p: &Params, f: &Frame, prefix: &str) -> ChartSpec {
    for (i, column) in per_at_columns(n_at(p), prefix).iter().enumerate() {
        spec = spec.nth_line(i, format!("AT{i}"), f.points(s, column, 1.0));
    }
    spec
}

fn rotation(s: &Series, p: &Params, f: &Frame) -> ChartSpec {
    let n = n_at(p);
    let rebooting = per_at_columns(n, "rebooting");
    let spec = ChartSpec::new("ATs in load-balancer rotation", TIME(), Axis::new("ATs", ""))
        .step_line("in rotation", f.points(s, "lb_in_rotation", 1.0), ColorRole::Primary)
        .step_line("held by the health agent", f.points(s, "health_agent_out", 1.0), ColorRole::Danger)
        .step_line("rebooting", f.sum_points(s, &rebooting), ColorRole::Tertiary)
        .h_guide((n - 1) as f64, format!("{} ATs: enough for the load", n - 1), ColorRole::Muted)
        .y_range(0.0, n as f64)
        .y_labels(n + 1);
    f.frame(spec)
}

fn threads(s: &Series, p: &Params, f: &Frame) -> ChartSpec {
    let min = p.get("min_worker") * p.get("procs_per_at");
    let spec =
        per_at(ChartSpec::new("Worker threads per AT", TIME(), Axis::new("Threads", "")), s, p, f, "threads")
            .h_guide(min, format!("MinWorker × {} processes", p.get("procs_per_at")), ColorRole::Muted)
            .h_guide(2.0 * min, "2 × MinWorker", ColorRole::Muted);
    f.frame(spec)
}

fn requests(s: &Series, p: &Params, f: &Frame) -> ChartSpec {
    let limit = p.get("queue_limit") * p.get("procs_per_at");
    let spec = per_at(
        ChartSpec::new("ASP.NET requests current per AT", TIME(), Axis::new("Requests", "")),
        s,
        p,
        f,
        "requests",
    )
    .h_guide(limit, "queue limit", ColorRole::Danger);
    f.frame(spec)
}

fn cpu(s: &Series, p: &Params, f: &Frame) -> ChartSpec {
    let avg = f.points(s, "cpu_total_pct", 1.0 / n_at(p) as f64);
    let spec = per_at(ChartSpec::new("CPU per AT", TIME(), Axis::new("CPU", "%")), s, p, f, "cpu")
        .line("average of the ATs", avg, ColorRole::Danger)
        .h_guide(80.0, "80 %: the pool stops adding threads", ColorRole::Muted)
        .y_range(0.0, 100.0);
    f.frame(spec)
}

fn impacted(s: &Series, _p: &Params, f: &Frame) -> ChartSpec {
    let spec =
        ChartSpec::new("Impacted users and refused requests", TIME(), Axis::new("Users; requests/s", ""))
            .line("impacted users (per 5 min)", f.points(s, "impacted_users", 1.0), ColorRole::Danger)
            .line("requests refused (per s)", f.points(s, "rejected_per_s", 1.0), ColorRole::Secondary)
            .h_guide(5000.0, "“close to 5,000 users” at the peak", ColorRole::Muted);
    f.frame(spec)
}

fn crashes(s: &Series, _p: &Params, f: &Frame) -> ChartSpec {
    let spec = ChartSpec::new("AT process crashes", TIME(), Axis::new("Crashes per 5 min", ""))
        .step_line("true", f.points(s, "crashes_true", 1.0), ColorRole::Danger)
        .step_line("reported by telemetry", f.points(s, "crashes_reported", 1.0), ColorRole::Primary);
    f.frame(spec)
}

fn reconnects(s: &Series, _p: &Params, f: &Frame) -> ChartSpec {
    let spec = ChartSpec::new("SignalR reconnects", TIME(), Axis::new("Requests", "req/s"))
        .line(label(s, "reconnects_per_s"), f.points(s, "reconnects_per_s", 1.0), ColorRole::Primary)
        .line(label(s, "reconnect_ok_per_s"), f.points(s, "reconnect_ok_per_s", 1.0), ColorRole::Tertiary);
    f.frame(spec)
}

fn breaker(s: &Series, _p: &Params, f: &Frame) -> ChartSpec {
    let spec = ChartSpec::new("SQL circuit-breaker rejections", TIME(), Axis::new("Calls per 5 s", "")).line(
        "rejected calls",
        f.points(s, "db_breaker_rejections", 1.0),
        ColorRole::Danger,
    );
    f.frame(spec)
}

fn redis(s: &Series, _p: &Params, f: &Frame) -> ChartSpec {
    let spec = ChartSpec::new("Redis exceptions", TIME(), Axis::new("Exceptions per min", ""))
        .line("on the ATs", f.points(s, "redis_exceptions_at", 1.0), ColorRole::Danger)
        .line("on the job agents", f.points(s, "redis_exceptions_ja", 1.0), ColorRole::Primary);
    f.frame(spec)
}

fn drilldown(s: &Series, p: &Params, f: &Frame) -> ChartSpec {
    let spec = ChartSpec::new("Thread pool of AT0", TIME(), Axis::new("Requests; threads", ""))
        .line("queued", f.points(s, "queue_at0", 1.0), ColorRole::Primary)
        .line("continuations waiting", f.points(s, "continuations_at0", 1.0), ColorRole::Secondary)
        .line("threads blocked", f.points(s, "blocked_at0", 1.0), ColorRole::Danger)
        .step_line("threads injected above MinWorker", f.points(s, "injected_at0", 1.0), ColorRole::Tertiary)
        .h_guide(p.get("min_worker") * p.get("procs_per_at"), "MinWorker (AT)", ColorRole::Muted);
    f.frame(spec)
}

fn health(s: &Series, p: &Params, f: &Frame) -> ChartSpec {
    let n = n_at(p);
    let rebooting = per_at_columns(n, "rebooting");
    let spec = ChartSpec::new("Health agent and zombies", TIME(), Axis::new("ATs", ""))
        .step_line("held by the health agent", f.points(s, "health_agent_out", 1.0), ColorRole::Danger)
        .step_line("rebooting", f.sum_points(s, &rebooting), ColorRole::Tertiary)
        .step_line("zombies (thrash detector)", f.points(s, "zombies", 1.0), ColorRole::Secondary)
        .y_range(0.0, n as f64)
        .y_labels(n + 1);
    f.frame(spec)
}

/// Step 9's button: crash `force_crash_n` processes at the cursor (whole minutes after 09:30).
fn crash_now(t_s: f64) -> Vec<(&'static str, String)> {
    vec![("force_crash_min", format!("{}", (t_s / 60.0).round().clamp(0.0, 210.0)))]
}

// ---------------------------------------------------------------- the steps

static STEPS: &[LiveStep] = &[
    LiveStep {
        scene: 0,
        html: None,
        widget: None,
        title: "A healthy baseline",
        when: "Before 2 February 2018",
        window: (at(9,30), at(10,5)),
        paragraphs: &[
            "The West Europe scale unit of Visual Studio Team Services served its users from seven \
             application tiers (ATs) behind an Azure load balancer. Each AT ran two IIS worker processes, \
             and each process had its own .NET thread pool and its own ASP.NET request queue.",
            "The ATs ran warm, but with room to spare: losing one of the seven would have been fine. \
             Keep that margin in mind; the whole story is about where it went.",
        ],
        quotes: &[
            q("We have 7 ATs that were handling the load fine before the event.", "on capacity"),
            q(
                "while the ATs were running relatively hot before the incident, we should be able to run on 6 ATs here.",
                "on headroom",
            ),
        ],
        charts: &["rotation", "cpu", "requests"],
        knobs: &["n_at", "arrival_rate", "crash_rate_per_h"],
        action: None,
        try_this: "Set the crash rate to 0 to see the scale unit as it was before 2 February: seven ATs, steady, with room to spare.",
    },
    LiveStep {
        scene: 0,
        html: None,
        widget: None,
        title: "A crash bug lands",
        when: "From 2 February 2018",
        window: (at(9,30), at(10,10)),
        paragraphs: &[
            "A change shipped on 2 February made the AT worker process crash from time to time. A crashed \
             process drops its connections and restarts; while it is gone, the other ATs carry its load.",
            "Nobody noticed: the telemetry that should have reported crashes had a bug of its own. The \
             system was quietly running with less spare capacity than anyone believed.",
        ],
        quotes: &[
            q(
                "We introduced a bug that caused the AT process to intermittently crash. When that happens, the other ATs must pick up the load.",
                "on what changed",
            ),
            q(
                "It only reported 10 crashes during this period, and all of those were during the incident.",
                "on the crash telemetry",
            ),
        ],
        charts: &["crashes", "rotation", "threads"],
        knobs: &["crash_rate_per_h", "telemetry_fixed", "warm_s"],
        action: None,
        try_this: "Compare the true crashes with what the telemetry reported; switch the telemetry fix on.",
    },
    LiveStep {
        scene: 0,
        html: None,
        widget: None,
        title: "A vulnerable morning",
        when: "7 February, before 10:10 UTC",
        window: (at(9,30), at(10,12)),
        paragraphs: &[
            "On the morning of the incident, crashes were taking processes down now and then, sometimes \
             several at once. On top of that, an auto-mitigation tool, the VssHealthAgent, may take one \
             loaded AT out of rotation at a time to capture a dump and recycle it.",
            "Nothing looked wrong. But an effective five or six ATs were carrying the load of seven: a \
             system close to its limit, waiting for a push.",
        ],
        quotes: &[q(
            "the system was running too close to the point of exhaustion due to the intermittent crashes, and an event that should not have been a problem caused a high-severity incident.",
            "in its conclusion",
        )],
        charts: &["rotation", "cpu", "health"],
        knobs: &["ha_enabled", "ha_min_visible", "min_worker"],
        action: None,
        try_this: "Switch the health agent off, or guard it so it never leaves fewer than 6 ATs visible.",
    },
    LiveStep {
        scene: 0,
        html: None,
        widget: None,
        title: "The trigger: a reconnect storm",
        when: "10:10 UTC",
        window: (at(10,5), at(10,20)),
        paragraphs: &[
            "Thousands of browsers lost their SignalR connections at once and tried to reconnect on the \
             same schedule, without any randomness to spread them out. The burst of reconnect work hit the \
             ATs and one of the databases, whose concurrency circuit breakers opened.",
            "The storm itself passed quickly. Systems absorb blips like this all the time; this one, \
             landing on a system without margin, was enough.",
        ],
        quotes: &[
            q(
                "the SignalR reconnects triggered the incident and were the cause of the SQL circuit breakers tripping",
                "on the trigger",
            ),
            q(
                "The reconnects subsided rather quickly, and circuit breakers are a symptom but not a cause.",
                "on the trigger",
            ),
            q(
                "We deal with blips like this all the time and most of the time the system recovers just fine.",
                "on why the trigger is not the story",
            ),
        ],
        charts: &["reconnects", "rotation", "cpu", "breaker"],
        knobs: &["jitter_s", "message_buffer", "drop_fraction", "signalr_clients"],
        action: None,
        try_this: "Spread the reconnects with 30 s of jitter, or shrink the message buffer to 250, and watch the storm.",
    },
    LiveStep {
        scene: 0,
        html: None,
        widget: None,
        title: "First impact",
        when: "10:15–10:17 UTC",
        window: (at(10,10), at(10,30)),
        paragraphs: &[
            "Within minutes, CPU spiked on several ATs together, then fell on all of them. Requests were \
             arriving faster than the thread pools could add threads, so they queued.",
            "The load balancer's health probes queued too: they are ordinary HTTP requests. Probes that \
             wait too long count as failures, and ATs began to leave rotation, which sent their traffic \
             to the rest.",
        ],
        quotes: &[q(
            "At 10:14, CPU usage is normal across the 7 application tiers (ATs). At 10:15, CPU usage spikes on several ATs. By 10:17, CPU usage has fallen significantly on all ATs.",
            "on the first minutes",
        )],
        charts: &["rotation", "threads", "cpu", "impacted"],
        knobs: &["max_executing", "probe_bypass", "queue_limit"],
        action: None,
        try_this: "Let the probe bypass the request queue, or cap executing requests below MinWorker.",
    },
    LiveStep {
        scene: 0,
        html: None,
        widget: None,
        title: "The vicious cycle",
        when: "10:17–12:13 UTC",
        window: (at(10,15), at(12,15)),
        paragraphs: &[
            "This is the heart of the incident. The storm was over, yet the system stayed broken for two \
             hours. The load balancer could reach only one to three ATs at a time, so each AT that came \
             back received a flood of traffic at once.",
            "The flood used up the 192 threads the pool creates without delay (MinWorker); after that it \
             added a thread only every 500 ms. The queue filled, the probe waited behind it and failed, and \
             the AT left rotation. Without traffic it slowly caught up, passed its probe, returned, and was \
             flooded again.",
            "A system that stays in a bad state after the trigger has gone, held there by its own \
             reactions, is called metastable. Adding load is not what keeps it down; the cycle is.",
        ],
        quotes: &[
            q(
                "Throughout the incident, the load balancer was only successfully probing between 1 and 3 ATs.",
                "on the load balancer",
            ),
            q(
                "Once that number is exceeded, it will throttle the addition of threads to once every 500ms. Our MinWorker setting is currently at 192.",
                "on the CLR thread pool",
            ),
            q(
                "The probes from the load balancer are HTTP requests that go into the same ASP.NET queue.",
                "on the probes",
            ),
            q(
                "Once it stops taking traffic and catches up, the load balancer probes are once again successful. The cycle for the AT repeats.",
                "on the cycle",
            ),
        ],
        charts: &["rotation", "threads", "requests", "drilldown", "redis", "health"],
        knobs: &["min_worker", "net6", "auto_add", "thrash_recycle"],
        action: None,
        try_this: "Raise MinWorker, switch on the .NET 6 thread pool, or let the system add ATs by itself.",
    },
    LiveStep {
        scene: 0,
        html: None,
        widget: None,
        title: "Mitigation by hand",
        when: "12:13 UTC",
        window: (at(12,5), at(12,25)),
        paragraphs: &[
            "Engineers started recycling the AT processes by hand. By luck, three ATs stuck in the \
             thrashing, \"zombie\" state came back in quick succession while other working ATs were in \
             rotation, so for once the load was shared by enough ATs at the same time.",
        ],
        quotes: &[q(
            "By having those three come up in close succession, along with having some other functional ATs in the mix already, the system stabilized.",
            "on the mitigation",
        )],
        charts: &["rotation", "health", "requests"],
        knobs: &["recycle_at6_min", "recycle_at0_min", "recycle_at4_min"],
        action: None,
        try_this: "Space the three recycles 10 minutes apart (minutes after 09:30) and see whether the scale unit still recovers.",
    },
    LiveStep {
        scene: 0,
        html: None,
        widget: None,
        title: "Recovery",
        when: "12:18–12:21 UTC",
        window: (at(12,10), at(12,30)),
        paragraphs: &[
            "Request rates returned to normal on each AT within a few minutes of each other, and the \
             load balancer could reach its ATs again. With enough ATs in rotation at once, no single one \
             was flooded, and the cycle had nothing to feed on.",
            "Our simulation does not reproduce this recovery yet. In it the recycled ATs come back one at a \
             time into the few still in rotation, which are slammed at full CPU with hundreds of threads, \
             and are flooded in turn; in most seeds fewer than five ATs are in rotation at 12:22. What the \
             real thread pool did that ours does not (we suspect threads that stop taking work when the pool \
             is over its goal) is open work, described in docs/MODEL.md.",
        ],
        quotes: &[q(
            "We saw request rates return to normal between 12:18 – 12:21 depending on the AT.",
            "on the recovery",
        )],
        charts: &["rotation", "requests", "cpu"],
        knobs: &[],
        action: None,
        try_this: "",
    },
    LiveStep {
        scene: 0,
        html: None,
        widget: None,
        title: "A fragile tail",
        when: "12:20–12:40 UTC",
        window: (at(12,15), at(13,0)),
        paragraphs: &[
            "The recycling went on after the recovery, each restart briefly taking an AT out of rotation. \
             The team noted afterwards how little it would have taken to start the spiral again.",
        ],
        quotes: &[q(
            "Had those been combined with a poorly timed crash or two, we could have restarted the tailspin.",
            "on the continued recycles",
        )],
        charts: &["rotation", "crashes", "threads"],
        knobs: &["force_crash_min", "force_crash_n"],
        try_this: "Move the timeline to a moment in the tail and force two processes to crash there: does the tailspin restart?",
        action: Some(StepAction { label: "Force a crash at the timeline's time", changes: crash_now }),
    },
    LiveStep {
        scene: 0,
        html: None,
        widget: None,
        title: "The fixes",
        when: "From 10 February 2018",
        window: (at(9,30), at(13,0)),
        paragraphs: &[
            "The crash bug was fixed, clients now spread out their reconnects, and the SignalR message \
             cache was made smaller so reconnects cost less CPU.",
            "Planned next: find the right MinWorker (and MinIO) settings, cap concurrent requests below \
             what MinWorker can serve, show how many ATs the load balancer can reach on a dashboard, add ATs \
             automatically when it can reach too few, fix the crash telemetry, and detect and recycle a \
             thrashing process.",
        ],
        quotes: &[q(
            "During an incident we need to have a view in a dashboard of the number of ATs the load balancer thinks it can access.",
            "among the repair items",
        )],
        charts: &["rotation", "impacted", "threads"],
        knobs: &["crash_rate_per_h", "jitter_s", "max_executing", "probe_bypass"],
        action: None,
        try_this: "Try each fix on its own with the presets, or all of them together.",
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use postmortem_sim::scenario::find;

    #[test]
    fn the_story_names_real_charts_and_parameters_and_windows_move_forward() {
        super::super::live::check_story(&VSTS);
    }

    #[test]
    fn the_crash_button_sets_a_valid_time_from_the_cursor() {
        let sc = find(VSTS.panels[0].scenario).unwrap();
        let mut p = sc.defaults();
        for (t, want) in [(at(12, 30), "180"), (at(12, 30) + 29.0, "180"), (0.0, "0"), (END_S, "210")] {
            let changes = crash_now(t);
            assert_eq!(changes, vec![("force_crash_min", want.to_string())]);
            sc.set_str(&mut p, changes[0].0, &changes[0].1).unwrap();
        }
    }

    #[test]
    fn every_chart_draws_from_columns_the_scenario_has() {
        let sc = find(VSTS.panels[0].scenario).unwrap();
        let mut p = sc.defaults();
        sc.set_str(&mut p, "scale", "0.05").unwrap();
        sc.set_str(&mut p, "sample_s", "60").unwrap();
        let mut sim = sc.start(&p, 1).unwrap();
        sim.run_to_end();
        let s = sim.series();
        let f = Frame::new(0.0, END_S, END_S, s.clock);
        for c in CHARTS {
            let spec = (c.spec)(s, &p, &f);
            assert!(!spec.lines.is_empty(), "{}", c.id);
            for l in &spec.lines {
                assert!(l.points.len() > 100, "chart {} line {} has {} points", c.id, l.name, l.points.len());
            }
        }
    }
}
