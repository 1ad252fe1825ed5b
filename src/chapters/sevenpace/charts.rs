//! The 7pace chapter's charts (MODEL.md 4.5): six months of `7pace-2017` and the two hours of
//! 2 January on `7pace-2018-01-02`.

use crate::charts::{Axis, ChartDef, ChartSpec, ColorRole, Frame};
use postmortem_sim::params::Params;
use postmortem_sim::series::Series;

const TIME: fn() -> Axis = || Axis::new("Time", "UTC");

/// The six months.
pub static MACRO: &[ChartDef] = &[
    ChartDef {
        id: "load",
        caption: "Requests per second from the migrated accounts, stacked by rollout circle, against the \
                  projection in proportion to the users migrated. The count follows the users; what a request \
                  costs does not (see the CPU chart).",
        spec: load,
    },
    ChartDef {
        id: "cpu",
        caption:
            "CPU per web app (the highest value in each half hour): two apps until mid-December, then eight. \
             Accounts stay on their app, so one app can sit at its ceiling while the others idle.",
        spec: cpu,
    },
    ChartDef {
        id: "latency",
        caption: "95th-percentile page time by region, round trips included. Far regions cross 5 s first.",
        spec: latency,
    },
    ChartDef {
        id: "cost",
        caption: "Hosting cost per day (relative units): the scale-up of December and the eight web apps.",
        spec: cost,
    },
    ChartDef {
        id: "freezes",
        caption:
            "Web apps frozen: completions under a tenth of arrivals, or requests older than 30 s, for a \
                  minute or more (the most in each half hour).",
        spec: freezes,
    },
    ChartDef {
        id: "redis",
        caption:
            "Load on Redis's single thread. Extended caching ships on 27 December; the holidays hide it.",
        spec: redis,
    },
    ChartDef {
        id: "redis-ops",
        caption: "Redis reads and writes per second, and synchronous calls that timed out.",
        spec: redis_ops,
    },
    ChartDef {
        id: "alerts",
        caption: "Alerts firing against the pain users felt (web apps frozen), with the first of each marked: \
                  the gap is the detection lead time. As it happened no rule paged anyone and the alert line stays \
                  at zero; switch on Alerting to see when they would have fired.",
        spec: alerts,
    },
];

/// The two hours of 2 January.
pub static ZOOM: &[ChartDef] = &[
    ChartDef {
        id: "zoom-frozen",
        caption:
            "Each web app on its own row; a raised bar is a freeze. The apps that freeze host a heavy API \
                  poller.",
        spec: zoom_frozen,
    },
    ChartDef {
        id: "zoom-threads",
        caption:
            "Worker threads per web app. The frozen app's pool climbs by injection while its threads wait \
                  on Redis.",
        spec: zoom_threads,
    },
    ChartDef {
        id: "zoom-redis",
        caption: "Redis's thread: its load, and the operations queued or in service.",
        spec: zoom_redis,
    },
    ChartDef { id: "zoom-queue", caption: "Requests waiting for a thread, per web app.", spec: zoom_queue },
    ChartDef {
        id: "zoom-redis-ops",
        caption: "Redis reads and writes per second, and synchronous calls that timed out (their operations \
                  still run).",
        spec: redis_ops,
    },
];

/// Columns `{prefix}{k}{suffix}` that exist in `s`, with their index `k`.
fn numbered(s: &Series, prefix: &str, suffix: &str) -> Vec<(usize, String)> {
    (0..16).map(|k| (k, format!("{prefix}{k}{suffix}"))).filter(|(_, c)| s.column(c).is_some()).collect()
}

fn load(s: &Series, _p: &Params, f: &Frame) -> ChartSpec {
    let mut spec = ChartSpec::new("Requests by rollout circle", TIME(), Axis::new("Requests", "req/s"));
    let circles = numbered(s, "requests_circle", "");
    if circles.is_empty() {
        spec = spec.line("requests", f.points(s, "requests_per_s", 1.0), ColorRole::Primary);
    } else {
        // The stack: the top of circles 1..=k, drawn for the first k that make a band worth naming.
        let n = circles.len();
        let mut names = Vec::new();
        for (i, (_, c)) in circles.iter().enumerate() {
            names.push(c.clone());
            let top = f.sum_points(s, &names);
            spec = match n - 1 - i {
                0 => spec.line(format!("all {n} circles"), top, ColorRole::Primary),
                1 => spec.line(format!("circles 1–{}", i + 1), top, ColorRole::Secondary),
                _ if i + 1 == n / 2 => spec.line(format!("circles 1–{}", i + 1), top, ColorRole::Tertiary),
                _ => continue,
            };
        }
    }
    spec = spec.dashed_line(
        "projection (in proportion to users)",
        f.points(s, "projected_requests_per_s", 1.0),
        ColorRole::Muted,
    );
    f.frame(spec)
}

fn cpu(s: &Series, p: &Params, f: &Frame) -> ChartSpec {
    let mut spec = ChartSpec::new("CPU per web app", TIME(), Axis::new("CPU", "%"));
    // An app's line runs while it exists (two apps until mid-December, then eight).
    let apps = s.column("web_apps").unwrap_or(&[]);
    let t = s.time();
    for (k, c) in numbered(s, "cpu_app", "") {
        let Some(ys) = s.column(&c) else { continue };
        let pts: Vec<(f64, f64)> = f
            .rows(s)
            .filter(|&r| apps.get(r).is_some_and(|&n| n > k as f64))
            .map(|r| (f.x(t[r]), ys[r]))
            .collect();
        if pts.is_empty() {
            continue;
        }
        spec = spec.nth_line(k, format!("app {k}"), pts);
    }
    f.frame(
        spec.h_guide(p.get("alert_cpu_pct"), "CPU alert threshold", ColorRole::Danger).y_range(0.0, 100.0),
    )
}

fn latency(s: &Series, p: &Params, f: &Frame) -> ChartSpec {
    let spec = ChartSpec::new("p95 page time by region", TIME(), Axis::new("Page time", "s"))
        .line("APAC", f.points(s, "latency_p95_apac_s", 1.0), ColorRole::Danger)
        .line("US", f.points(s, "latency_p95_us_s", 1.0), ColorRole::Secondary)
        .line("EU", f.points(s, "latency_p95_eu_s", 1.0), ColorRole::Primary)
        .h_guide(p.get("alert_p95_s"), "latency alert threshold", ColorRole::Muted)
        .log_y();
    f.frame(spec)
}

fn cost(s: &Series, _p: &Params, f: &Frame) -> ChartSpec {
    let spec = ChartSpec::new("Hosting cost per day", TIME(), Axis::new("Cost", "units/day")).step_line(
        "cost",
        f.points(s, "cost_per_day", 1.0),
        ColorRole::Primary,
    );
    f.frame(spec)
}

fn freezes(s: &Series, _p: &Params, f: &Frame) -> ChartSpec {
    let spec = ChartSpec::new("Users on frozen web apps", TIME(), Axis::new("Users", "")).step_line(
        "users online on a frozen app",
        f.points(s, "frozen_users", 1.0),
        ColorRole::Danger,
    );
    f.frame(spec)
}

fn redis(s: &Series, p: &Params, f: &Frame) -> ChartSpec {
    let spec = ChartSpec::new("Redis server load", TIME(), Axis::new("Load", "%"))
        .line("Redis's thread busy", f.points(s, "redis_load_pct", 1.0), ColorRole::Primary)
        .h_guide(p.get("alert_redis_pct"), "Redis alert threshold", ColorRole::Muted)
        .y_range(0.0, 100.0);
    f.frame(spec)
}

fn redis_ops(s: &Series, _p: &Params, f: &Frame) -> ChartSpec {
    let spec = ChartSpec::new("Redis operations", TIME(), Axis::new("Operations", "ops/s"))
        .line("reads", f.points(s, "redis_reads_per_s", 1.0), ColorRole::Primary)
        .line("writes", f.points(s, "redis_writes_per_s", 1.0), ColorRole::Secondary)
        .line("sync timeouts", f.points(s, "redis_timeouts_per_s", 1.0), ColorRole::Danger);
    f.frame(spec)
}

fn alerts(s: &Series, _p: &Params, f: &Frame) -> ChartSpec {
    let mut spec = ChartSpec::new("Alerts against pain", TIME(), Axis::new("Count", ""))
        .step_line("alerts firing", f.points(s, "alerts_firing", 1.0), ColorRole::Primary)
        .step_line("web apps frozen", f.points(s, "frozen_apps", 1.0), ColorRole::Danger);
    // Detection lead time: the first alert against the first freeze, in the frame.
    let first = |column: &str| f.points(s, column, 1.0).into_iter().find(|p| p.1 > 0.0).map(|p| p.0);
    if let Some(x) = first("frozen_apps") {
        spec = spec.v_guide(x, "first freeze", ColorRole::Danger);
    }
    if let Some(x) = first("alerts_firing") {
        spec = spec.v_guide(x, "first alert", ColorRole::Primary);
    }
    f.frame(spec)
}

/// Freezes in a 0/1 column sampled every `dt_s`: how many, and their total time [s].
pub fn freeze_runs(column: &[f64], dt_s: f64) -> (usize, f64) {
    let starts =
        column.iter().enumerate().filter(|&(i, &v)| v > 0.0 && (i == 0 || column[i - 1] <= 0.0)).count();
    (starts, column.iter().filter(|&&v| v > 0.0).count() as f64 * dt_s)
}

/// Whether app `k`'s column `frozen_app{k}` is ever non-zero in the run so far.
fn froze(s: &Series, k: usize) -> bool {
    s.column(&format!("frozen_app{k}")).is_some_and(|c| c.iter().any(|&v| v > 0.0))
}

/// One line per web app of `{prefix}{k}`: apps that froze in the run stand out, the others are
/// muted.
fn per_app(mut spec: ChartSpec, s: &Series, f: &Frame, prefix: &str) -> ChartSpec {
    let hot = [ColorRole::Danger, ColorRole::Secondary, ColorRole::Tertiary, ColorRole::Quaternary];
    let mut n_hot = 0;
    for (k, c) in numbered(s, prefix, "") {
        let pts = f.points(s, &c, 1.0);
        spec = if froze(s, k) {
            n_hot += 1;
            spec.line(format!("app {k} (froze)"), pts, hot[(n_hot - 1) % hot.len()])
        } else {
            spec.line(format!("app {k}"), pts, ColorRole::Muted)
        };
    }
    spec
}

fn zoom_frozen(s: &Series, _p: &Params, f: &Frame) -> ChartSpec {
    let apps = numbered(s, "frozen_app", "");
    let t = s.time();
    let dt = if t.len() > 1 { t[1] - t[0] } else { 0.0 };
    let mut spec = ChartSpec::new("Freezes per web app", TIME(), Axis::new("Web app", ""));
    for (k, c) in &apps {
        let pts = f.points(s, c, 0.7).into_iter().map(|(x, y)| (x, *k as f64 + y)).collect();
        let (n, secs) = s.column(c).map_or((0, 0.0), |col| freeze_runs(col, dt));
        let (name, role) = match n {
            0 => (format!("app {k}"), ColorRole::Muted),
            1 => (format!("app {k}: 1 freeze, {:.0} min", secs / 60.0), ColorRole::Danger),
            n => (format!("app {k}: {n} freezes, {:.0} min", secs / 60.0), ColorRole::Danger),
        };
        spec = spec.step_line(name, pts, role);
    }
    f.frame(spec.y_range(-0.2, apps.len() as f64).y_labels(apps.len() + 1))
}

fn zoom_threads(s: &Series, _p: &Params, f: &Frame) -> ChartSpec {
    f.frame(per_app(
        ChartSpec::new("Worker threads per web app", TIME(), Axis::new("Threads", "")),
        s,
        f,
        "threads_app",
    ))
}

fn zoom_queue(s: &Series, _p: &Params, f: &Frame) -> ChartSpec {
    f.frame(per_app(
        ChartSpec::new("Requests waiting for a thread", TIME(), Axis::new("Requests", "")),
        s,
        f,
        "queue_app",
    ))
}

fn zoom_redis(s: &Series, _p: &Params, f: &Frame) -> ChartSpec {
    let spec = ChartSpec::new("Redis's thread", TIME(), Axis::new("Load; operations", "%; ops"))
        .line("load (%)", f.points(s, "redis_load_pct", 1.0), ColorRole::Primary)
        .line("queued or in service", f.points(s, "redis_queue", 1.0), ColorRole::Danger);
    f.frame(spec)
}

#[cfg(test)]
mod tests {
    use super::freeze_runs;

    #[test]
    fn freezes_are_counted_as_runs_of_frozen_samples() {
        assert_eq!(freeze_runs(&[0.0, 1.0, 1.0, 0.0, 1.0], 10.0), (2, 30.0));
        assert_eq!(freeze_runs(&[1.0, 0.0], 10.0), (1, 10.0));
        assert_eq!(freeze_runs(&[], 10.0), (0, 0.0));
    }
}
