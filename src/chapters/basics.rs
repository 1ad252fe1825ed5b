//! "Queueing basics": three live demos of the mechanisms both incidents are made of, on the live
//! chapter framework, one scene and one parameter panel per step.
//!
//! ```text
//!  step 1  mmc        Erlang C wait vs utilisation (closed form + simulated points), queue over time
//!  step 2  staircase  threads vs time against MinWorker, queue, CPU against the 80 % rule
//!  step 3  probe      hosts in rotation, host 0's queue, host 0's probe latency against the timeout
//! ```
//!
//! Each step runs its own scenario, started when the step is first shown and kept while the reader
//! looks at the others. The URL carries the step, the seed, the current step's preset or changed
//! parameters, and the timeline's time when it is not at the run's end.

use super::content;
use super::landing::{VSTS_SOURCE, VSTS_URL};
use super::live::{live_chapter, ChapterState, LiveStep, LiveStory, Panel, Scene, Widget};
use crate::charts::spec::short_num;
use crate::charts::{Axis, Chart, ChartDef, ChartSpec, ColorRole, Frame};
use crate::components::timeline::Pace;
use crate::mmc_points::{use_mmc_points, MmcPoint};
use crate::routes::{Page, Query};
use leptos::prelude::*;
use postmortem_sim::erlang::erlang_c;
use postmortem_sim::params::{fmt_num, Params};
use postmortem_sim::scenario::Scenario;
use postmortem_sim::series::Series;

/// Step titles.
pub const TITLES: &[&str] = &[
    "Why waits explode near 100 % utilisation",
    "The thread-injection staircase",
    "A probe that waits in the queue",
];
/// Utilisations at which step 1 runs a short simulation to set beside the closed form.
pub const SIM_RHOS: [f64; 8] = [0.3, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95];
/// Customers per simulated point.
pub const SIM_CUSTOMERS: u64 = 20_000;

/// The chapter for `#/basics`.
#[component]
pub fn BasicsChapter(query: Query) -> impl IntoView {
    live_chapter(&BASICS, query)
}

/// The run's length, its `duration_s` [s].
fn duration(p: &Params) -> f64 {
    p.value("duration_s").unwrap_or(1.0).max(1e-9)
}

/// A step that looks at the whole of its scene's run.
const WHOLE_RUN: (f64, f64) = (0.0, f64::INFINITY);

/// The chapter, as data.
pub static BASICS: LiveStory = LiveStory {
    page: Page::Basics,
    testid: "chapter-basics",
    kicker: "Chapter · three live simulations",
    title: "Queueing basics",
    lede: "The three mechanisms both incidents are built from, each as a small simulation running in this \
           page. Change any parameter and the run starts over; the same seed always gives the same run.",
    source: VSTS_SOURCE,
    source_url: Some(VSTS_URL),
    panels: &[
        Panel { scenario: "mmc", groups: &[] },
        Panel { scenario: "staircase", groups: &[] },
        Panel { scenario: "probe", groups: &[] },
    ],
    scenes: &[
        Scene {
            scenario: "mmc",
            panel: 0,
            fixed: &[],
            clock: |_| None,
            end_s: duration,
            pace: &Pace { speeds: &[(60.0, "1 min/s"), (10.0, "10 s/s"), (300.0, "5 min/s")], step_s: 1.0 },
            charts: &[ChartDef {
                id: "mmc-queue",
                caption: "Requests waiting, over one simulated run at your settings. The dashed line is Erlang C's long-run average.",
                spec: mmc_queue_spec,
            }],
        },
        Scene {
            scenario: "staircase",
            panel: 1,
            fixed: &[],
            clock: |_| None,
            end_s: duration,
            pace: &Pace { speeds: &[(5.0, "5 s/s"), (1.0, "1 s/s"), (20.0, "20 s/s")], step_s: 0.1 },
            charts: &[
                ChartDef {
                    id: "staircase-threads",
                    caption: "Threads in the pool. Up to MinWorker (dashed) they appear at once; past it, one at a time, at most every gate tick.",
                    spec: staircase_threads_spec,
                },
                ChartDef { id: "staircase-queue", caption: "Requests waiting for a thread.", spec: staircase_queue_spec },
                ChartDef {
                    id: "staircase-cpu",
                    caption: "CPU use. At or above 80 % the pool barely adds threads, however long the queue.",
                    spec: staircase_cpu_spec,
                },
            ],
        },
        Scene {
            scenario: "probe",
            panel: 2,
            fixed: &[],
            clock: |_| None,
            end_s: duration,
            pace: &Pace { speeds: &[(20.0, "20 s/s"), (5.0, "5 s/s"), (60.0, "1 min/s")], step_s: 1.0 },
            charts: &[
                ChartDef {
                    id: "probe-rotation",
                    caption: "How many hosts the load balancer is sending traffic to. Dips are host 0 leaving rotation.",
                    spec: probe_rotation_spec,
                },
                ChartDef { id: "probe-queue", caption: "Requests waiting on host 0, and on the other hosts.", spec: probe_queue_spec },
                ChartDef {
                    id: "probe-latency",
                    caption: "How long host 0's last probe took. Above the timeout (dashed), the probe counts as failed.",
                    spec: probe_latency_spec,
                },
            ],
        },
    ],
    titles: TITLES,
    steps: &[
        LiveStep {
            title: TITLES[0],
            when: "",
            scene: 0,
            window: WHOLE_RUN,
            paragraphs: &[],
            html: Some(content::BASICS_1),
            quotes: &[],
            charts: &["mmc-queue"],
            knobs: &[],
            try_this: "",
            action: None,
            widget: Some(Widget { above: true, render: erlang_widget }),
        },
        LiveStep {
            title: TITLES[1],
            when: "",
            scene: 1,
            window: WHOLE_RUN,
            paragraphs: &[],
            html: Some(content::BASICS_2),
            quotes: &[],
            charts: &["staircase-threads", "staircase-queue", "staircase-cpu"],
            knobs: &[],
            try_this: "",
            action: None,
            widget: None,
        },
        LiveStep {
            title: TITLES[2],
            when: "",
            scene: 2,
            window: WHOLE_RUN,
            paragraphs: &[],
            html: Some(content::BASICS_3),
            quotes: &[],
            charts: &["probe-rotation", "probe-queue", "probe-latency"],
            knobs: &[],
            try_this: "",
            action: None,
            widget: None,
        },
    ],
    note: "Every line is simulated in your browser from the parameters on the right; the Erlang C curve is \
           the closed form. The magnitudes are illustrative: read the charts for their shape.",
};

// ---------------------------------------------------------------- step 1: Erlang C

/// Step 1's own figure: the utilisation slider, the closed form at the reader's settings, and the
/// Erlang C charts with short simulated runs beside them.
fn erlang_widget(state: ChapterState, sc: &'static Scenario, params: RwSignal<Params>) -> AnyView {
    let (seed, errors) = (state.seed, state.errors);
    // A memo: moving ρ changes the arrival rate only, which the points do not depend on.
    let inputs = Memo::new(move |_| {
        let m = params.with(MmcInputs::of);
        (m.servers, m.service_rate, seed.get())
    });
    let points = use_mmc_points(inputs.into(), &SIM_RHOS, SIM_CUSTOMERS);
    let mmc = move || params.with(MmcInputs::of);
    let wait_spec = Memo::new(move |_| points.with(|pts| erlang_wait_spec(&mmc(), pts)));
    let pwait_spec = Memo::new(move |_| points.with(|pts| erlang_pwait_spec(&mmc(), pts)));
    let rho = move || mmc().rho();
    let set_rho = move |text: String| {
        let Ok(r) = text.parse::<f64>() else { return };
        let m = mmc();
        let lambda = (r * m.servers as f64 * m.service_rate * 10.0).round() / 10.0;
        let mut next = params.get_untracked();
        let result = sc.set_str(&mut next, "arrival_rate", &lambda.to_string());
        let ok = result.is_ok();
        errors.update(|list| {
            list.retain(|x| x.name != "arrival_rate");
            list.extend(result.err());
        });
        if ok {
            params.set(next);
        }
    };
    view! {
        <div class="try">
            <p class="try-title">"Try it"</p>
            <label class="rho-control" for="rho-slider">
                <span>"Utilisation ρ"</span>
                <output for="rho-slider">{move || format!("{:.2}", rho())}</output>
            </label>
            <input
                id="rho-slider"
                type="range"
                min="0.05"
                max="1.1"
                step="0.01"
                aria-describedby="rho-help"
                prop:value=move || format!("{:.2}", rho().clamp(0.05, 1.1))
                on:input=move |ev| set_rho(event_target_value(&ev))
            />
            <p class="help" id="rho-help">
                "Sets the arrival rate λ to ρ·c·μ. Drag it past 0.9, then press the "<em>"ρ = 0.98"</em>
                " preset and try a few seeds: the queue wanders in long excursions instead of settling."
            </p>
            <p class="readout" aria-live="polite">{move || erlang_readout(&mmc())}</p>
        </div>
        <div class="chart-row">
            <Chart
                id="erlang"
                spec=wait_spec
                caption="Mean time a request waits before a server takes it, against utilisation. The dashed line marks your arrival rate."
            />
            <Chart
                id="erlang-pwait"
                spec=pwait_spec
                caption="Share of requests that have to wait at all. It rises steadily; the wait of those who do is what explodes."
            />
        </div>
    }
    .into_any()
}

/// The inputs of step 1's closed form.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MmcInputs {
    /// Servers c.
    pub servers: u32,
    /// Arrival rate λ [req/s].
    pub arrival_rate: f64,
    /// Service rate per server μ [req/s].
    pub service_rate: f64,
}

impl MmcInputs {
    /// Reads them from `mmc` parameters.
    pub fn of(p: &Params) -> MmcInputs {
        let get = |n: &str| p.iter().find(|(k, _)| *k == n).map_or(f64::NAN, |(_, v)| v);
        MmcInputs {
            servers: get("servers").max(1.0) as u32,
            arrival_rate: get("arrival_rate"),
            service_rate: get("service_rate"),
        }
    }

    /// Utilisation ρ = λ / (c·μ).
    pub fn rho(&self) -> f64 {
        self.arrival_rate / (self.servers as f64 * self.service_rate)
    }

    fn wait_at(&self, rho: f64) -> Option<f64> {
        erlang_c(self.servers, rho * self.servers as f64 * self.service_rate, self.service_rate)
            .map(|e| e.wq_s)
    }
}

/// A time in words: "84 ms", "1.3 s", "2.5 min".
pub fn fmt_duration(s: f64) -> String {
    if !s.is_finite() {
        "unbounded".into()
    } else if s < 1.0 {
        format!("{} ms", short_num(s * 1000.0))
    } else if s < 120.0 {
        format!("{} s", short_num(s))
    } else {
        format!("{} min", short_num(s / 60.0))
    }
}

/// One line about the closed form at the reader's settings.
pub fn erlang_readout(m: &MmcInputs) -> String {
    let rho = m.rho();
    match erlang_c(m.servers, m.arrival_rate, m.service_rate) {
        Some(e) => format!(
            "At λ = {} req/s with c = {} and μ = {} req/s: ρ = {:.2}. Erlang C: {:.0} % of requests wait, \
             for {} on average; a request spends {} in all.",
            fmt_num(m.arrival_rate),
            m.servers,
            fmt_num(m.service_rate),
            rho,
            e.p_wait * 100.0,
            fmt_duration(e.wq_s),
            fmt_duration(e.w_s),
        ),
        None => format!(
            "At λ = {} req/s with c = {} and μ = {} req/s: ρ = {:.2}, at or past 1. There is no steady \
             state: the queue grows for as long as the run lasts.",
            fmt_num(m.arrival_rate),
            m.servers,
            fmt_num(m.service_rate),
            rho
        ),
    }
}

fn rho_grid() -> impl Iterator<Item = f64> {
    (1..=99).map(|i| i as f64 / 100.0).chain([0.993, 0.996, 0.998])
}

/// Erlang C mean wait against utilisation, with simulated points and the reader's ρ marked.
pub fn erlang_wait_spec(m: &MmcInputs, sims: &[MmcPoint]) -> ChartSpec {
    let rho_now = m.rho();
    let mut top = m.wait_at(0.97).unwrap_or(1.0);
    if rho_now > 0.97 && rho_now < 1.0 {
        top = top.max(m.wait_at(rho_now).unwrap_or(top) * 1.15);
    }
    for p in sims {
        if p.wq_s.is_finite() {
            top = top.max(p.wq_s * 1.1);
        }
    }
    let (scale, unit) = if top < 1.0 { (1000.0, "ms") } else { (1.0, "s") };
    let mut curve = Vec::new();
    let mut prev: Option<(f64, f64)> = None;
    for rho in rho_grid() {
        let Some(w) = m.wait_at(rho) else { break };
        if w > top {
            if let Some((r0, w0)) = prev {
                let r = r0 + (rho - r0) * (top - w0) / (w - w0);
                curve.push((r, top * scale));
            }
            break;
        }
        curve.push((rho, w * scale));
        prev = Some((rho, w));
    }
    let dots = sims.iter().filter(|p| p.wq_s.is_finite()).map(|p| (p.rho, p.wq_s * scale)).collect();
    ChartSpec::new(
        format!("Mean wait in the queue, M/M/{}", m.servers),
        Axis::new("Utilisation ρ", ""),
        Axis::new("Mean wait", unit),
    )
    .line("Erlang C", curve, ColorRole::Primary)
    .points(
        format!("simulated, {} requests each", short_num(SIM_CUSTOMERS as f64)),
        dots,
        ColorRole::Secondary,
    )
    .v_guide(rho_now.min(1.0), rho_label(rho_now), ColorRole::Danger)
    .x_range(0.0, 1.0)
    .y_range(0.0, top * scale)
}

fn rho_label(rho: f64) -> String {
    if rho >= 1.0 {
        format!("you: ρ = {rho:.2}, unstable")
    } else {
        format!("you: ρ = {rho:.2}")
    }
}

/// Erlang C probability of waiting against utilisation, with simulated points.
pub fn erlang_pwait_spec(m: &MmcInputs, sims: &[MmcPoint]) -> ChartSpec {
    let curve = rho_grid()
        .filter_map(|rho| {
            erlang_c(m.servers, rho * m.servers as f64 * m.service_rate, m.service_rate)
                .map(|e| (rho, e.p_wait))
        })
        .collect();
    let rho_now = m.rho();
    ChartSpec::new("Chance of waiting at all", Axis::new("Utilisation ρ", ""), Axis::new("P(wait)", ""))
        .line("Erlang C", curve, ColorRole::Primary)
        .points("simulated", sims.iter().map(|p| (p.rho, p.p_wait)).collect(), ColorRole::Secondary)
        .v_guide(rho_now.min(1.0), rho_label(rho_now), ColorRole::Danger)
        .x_range(0.0, 1.0)
        .y_range(0.0, 1.0)
}

/// The queue over one run, with Erlang C's mean queue length when the queue is stable.
pub fn mmc_queue_spec(s: &Series, p: &Params, f: &Frame) -> ChartSpec {
    let m = MmcInputs::of(p);
    let mut spec = ChartSpec::new(
        "Queue over time",
        Axis::new("Time", "s"),
        Axis::new("Waiting", "requests"),
    )
    .line("requests waiting", f.points(s, "queue", 1.0), ColorRole::Primary);
    if let Some(e) = erlang_c(m.servers, m.arrival_rate, m.service_rate) {
        let lq = m.arrival_rate * e.wq_s;
        spec = spec.h_guide(lq, format!("Erlang C mean: {}", short_num(lq)), ColorRole::Muted);
    }
    f.frame(spec)
}

// ---------------------------------------------------------------- step 2: staircase

/// Threads against time, with MinWorker marked.
pub fn staircase_threads_spec(s: &Series, p: &Params, f: &Frame) -> ChartSpec {
    let mut spec = ChartSpec::new("Thread pool", Axis::new("Time", "s"), Axis::new("Threads", "threads"))
        .step_line("threads", f.points(s, "threads", 1.0), ColorRole::Primary)
        .dashed_line("blocked on the dependency", f.points(s, "blocked", 1.0), ColorRole::Secondary);
    if let Some(mw) = p.value("min_worker") {
        spec = spec.h_guide(mw, format!("MinWorker {}", fmt_num(mw)), ColorRole::Muted);
    }
    f.frame(spec)
}

/// Requests waiting for a thread.
pub fn staircase_queue_spec(s: &Series, _: &Params, f: &Frame) -> ChartSpec {
    f.frame(ChartSpec::new("Queue", Axis::new("Time", "s"), Axis::new("Waiting", "requests")).line(
        "requests waiting",
        f.points(s, "queue", 1.0),
        ColorRole::Primary,
    ))
}

/// CPU use with the 80 % rule.
pub fn staircase_cpu_spec(s: &Series, _: &Params, f: &Frame) -> ChartSpec {
    f.frame(
        ChartSpec::new("CPU", Axis::new("Time", "s"), Axis::new("CPU", "%"))
            .y_range(0.0, 100.0)
            .h_guide(80.0, "80 %", ColorRole::Danger)
            .line("CPU", f.points(s, "cpu_pct", 1.0), ColorRole::Tertiary),
    )
}

// ---------------------------------------------------------------- step 3: probe

fn slowdown_guides(mut spec: ChartSpec, p: &Params, f: &Frame) -> ChartSpec {
    if let (Some(a), Some(b)) = (p.value("slow_start_s"), p.value("slow_end_s")) {
        if b > a {
            spec = spec.v_guide(f.x(a), "host 0 slows", ColorRole::Muted).v_guide(
                f.x(b),
                "back to speed",
                ColorRole::Muted,
            );
        }
    }
    f.frame(spec)
}

/// Hosts in rotation over time (a step chart).
pub fn probe_rotation_spec(s: &Series, p: &Params, f: &Frame) -> ChartSpec {
    let hosts = p.value("hosts").unwrap_or(3.0);
    let spec = ChartSpec::new("Hosts in rotation", Axis::new("Time", "s"), Axis::new("Hosts", "hosts"))
        .y_range(0.0, hosts + 0.4)
        .y_labels(hosts as usize + 1)
        .step_line("in rotation", f.points(s, "in_rotation", 1.0), ColorRole::Primary);
    slowdown_guides(spec, p, f)
}

/// Queue of host 0 against the others'.
pub fn probe_queue_spec(s: &Series, p: &Params, f: &Frame) -> ChartSpec {
    let spec = ChartSpec::new("Queues", Axis::new("Time", "s"), Axis::new("Waiting", "requests"))
        .line("host 0", f.points(s, "host0_queue", 1.0), ColorRole::Primary)
        .line("other hosts", f.points(s, "others_queue", 1.0), ColorRole::Secondary);
    slowdown_guides(spec, p, f)
}

/// Host 0's probe latency with the timeout marked.
pub fn probe_latency_spec(s: &Series, p: &Params, f: &Frame) -> ChartSpec {
    let mut spec = ChartSpec::new("Probe latency, host 0", Axis::new("Time", "s"), Axis::new("Probe", "s"))
        .line("probe latency", f.points(s, "host0_probe_s", 1.0), ColorRole::Primary);
    if let Some(t) = p.value("probe_timeout_s") {
        spec = spec.h_guide(t, format!("timeout {} s", fmt_num(t)), ColorRole::Danger);
    }
    f.frame(spec)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::draw::draw_chart;
    use crate::charts::theme::Theme;
    use plotters::prelude::*;
    use postmortem_sim::scenario::find;

    fn svg(spec: &ChartSpec) -> String {
        let mut out = String::new();
        {
            let root = SVGBackend::with_string(&mut out, (720, 300)).into_drawing_area();
            draw_chart(root, spec, &Theme::light()).unwrap();
        }
        out
    }

    #[test]
    fn the_chapter_is_consistent_data() {
        crate::chapters::live::check_story(&BASICS);
        // One scene and one panel per step, each on its own scenario.
        for (k, step) in BASICS.steps.iter().enumerate() {
            assert_eq!((step.scene, BASICS.panel_of(k + 1)), (k, k));
        }
    }

    #[test]
    fn erlang_chart_bends_upwards_and_marks_the_reader() {
        let p = find("mmc").unwrap().defaults();
        let m = MmcInputs::of(&p);
        assert!((m.rho() - 0.9).abs() < 1e-9);
        let sims =
            [MmcPoint { rho: 0.5, wq_s: 0.004, p_wait: 0.1 }, MmcPoint { rho: 0.9, wq_s: 0.08, p_wait: 0.6 }];
        let spec = erlang_wait_spec(&m, &sims);
        let curve = &spec.lines[0].points;
        assert!(curve.windows(2).all(|w| w[1].1 >= w[0].1), "monotone");
        assert!(curve.last().unwrap().0 < 1.0);
        assert_eq!(spec.y.unit, "ms");
        assert_eq!(spec.scatter[0].points.len(), 2);
        let text = svg(&spec);
        assert!(text.contains("Erlang C") && text.contains("you: ρ = 0.90"), "labels drawn");
        let p_spec = erlang_pwait_spec(&m, &sims);
        assert!(p_spec.lines[0].points.iter().all(|&(_, p)| (0.0..=1.0).contains(&p)));
    }

    #[test]
    fn unstable_settings_are_said_plainly() {
        let m = MmcInputs { servers: 2, arrival_rate: 30.0, service_rate: 10.0 };
        assert!(erlang_readout(&m).contains("no steady state"));
        let spec = erlang_wait_spec(&m, &[]);
        assert!(spec.v_guides[0].label.contains("unstable"));
        let ok = MmcInputs { servers: 7, arrival_rate: 63.0, service_rate: 10.0 };
        assert!(erlang_readout(&ok).contains("ρ = 0.90"), "{}", erlang_readout(&ok));
    }

    #[test]
    fn time_series_specs_follow_a_real_run() {
        for scene in BASICS.scenes {
            let sc = find(scene.scenario).unwrap();
            let p = sc.defaults();
            let mut sim = sc.start(&p, 1).unwrap();
            let end = (scene.end_s)(&p);
            assert_eq!(end, sim.end_s());
            sim.run_until(end.min(30.0));
            let s = sim.series();
            let frame = Frame::new(0.0, end, f64::INFINITY, (scene.clock)(&p));
            for def in scene.charts {
                let spec = (def.spec)(s, &p, &frame);
                assert!(spec.point_count() > 0, "{}: {} has data", def.id, spec.title);
                assert_eq!(spec.x_range, Some((0.0, end)), "{}: x is the run's seconds", def.id);
                let text = svg(&spec);
                assert!(text.contains(&spec.title));
                for line in &spec.lines {
                    assert!(text.contains(&line.name), "legend {}", line.name);
                }
            }
        }
    }

    #[test]
    fn missing_columns_draw_nothing_rather_than_fail() {
        let p = find("staircase").unwrap().defaults();
        let frame = Frame::new(0.0, 60.0, 60.0, None);
        let spec = staircase_threads_spec(&Series::default(), &p, &frame);
        assert_eq!(spec.point_count(), 0);
        assert_eq!(spec.h_guides.len(), 1);
        svg(&spec);
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(fmt_duration(0.0844), "84.4 ms");
        assert_eq!(fmt_duration(1.25), "1.25 s");
        assert_eq!(fmt_duration(600.0), "10 min");
    }
}
