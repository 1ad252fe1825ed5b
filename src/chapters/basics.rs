//! "Queueing basics": three live demos of the mechanisms both incidents are made of.
//!
//! ```text
//!  step 1  mmc        Erlang C wait vs utilisation (closed form + simulated points), queue over time
//!  step 2  staircase  threads vs time against MinWorker, queue, CPU against the 80 % rule
//!  step 3  probe      hosts in rotation, host 0's queue, host 0's probe latency against the timeout
//! ```
//!
//! Each step runs its own scenario; only the current step's run is alive. The URL carries the step,
//! the seed and the current step's changed parameters.

use super::content;
use crate::charts::spec::{column_points, short_num};
use crate::charts::{Axis, Chart, ChartSpec, ColorRole};
use crate::components::{ChapterLayout, ParamPanel, StepView};
use crate::routes::{Page, Query};
use crate::runner::{use_mmc_points, use_simulation, MmcPoint, SimRun};
use crate::url_state::{chapter_query, read_chapter, write_hash};
use crate::worker::client::LiveStatus;
use leptos::prelude::*;
use postmortem_sim::erlang::erlang_c;
use postmortem_sim::params::{fmt_num, ParamError, Params};
use postmortem_sim::scenario::{find, Scenario};
use postmortem_sim::series::Series;

/// Step titles.
pub const TITLES: &[&str] = &[
    "Why waits explode near 100 % utilisation",
    "The thread-injection staircase",
    "A probe that waits in the queue",
];
/// The scenario behind each step.
pub const SCENARIOS: [&str; 3] = ["mmc", "staircase", "probe"];
/// Utilisations at which step 1 runs a short simulation to set beside the closed form.
pub const SIM_RHOS: [f64; 8] = [0.3, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95];
/// Customers per simulated point.
pub const SIM_CUSTOMERS: u64 = 20_000;
/// Most points a line is drawn with; longer series are thinned (spikes kept).
pub const MAX_LINE_POINTS: usize = 1200;

/// The scenario of step `k` (1-based), if the core has it.
pub fn scenario_for(k: usize) -> Option<&'static Scenario> {
    SCENARIOS.get(k.wrapping_sub(1)).and_then(|name| find(name).ok())
}

/// The chapter, initialised from its URL query.
#[component]
pub fn BasicsChapter(query: Query) -> impl IntoView {
    let url = read_chapter(&query, TITLES.len(), scenario_for);
    let embed = url.embed;
    let had_url_errors = !url.errors.is_empty();
    let step = RwSignal::new(url.step);
    let seed = RwSignal::new(url.seed);
    let errors = RwSignal::new(url.errors);
    let params: [RwSignal<Params>; 3] = std::array::from_fn(|i| {
        let from_url = if i + 1 == url.step { url.params.clone() } else { None };
        let p = from_url
            .or_else(|| scenario_for(i + 1).map(Scenario::defaults))
            .unwrap_or_else(|| Params::defaults(&[]));
        RwSignal::new(p)
    });
    Effect::new(move |prev: Option<usize>| {
        let k = step.get();
        let s = seed.get();
        params[k - 1].with(|p| {
            write_hash(Page::Basics, &chapter_query(k, Some(s), scenario_for(k).map(|sc| (p, sc)), embed))
        });
        // Messages about another step's parameters no longer apply.
        if prev.is_some_and(|p| p != k) {
            errors.update(|e| e.retain(|x| x.name == "seed"));
        }
        k
    });
    let render = move |k: usize| match scenario_for(k) {
        None => missing_scenario(SCENARIOS[k - 1]),
        Some(sc) => {
            let p = params[k - 1];
            match k {
                1 => erlang_step(sc, p, seed, errors),
                2 => staircase_step(sc, p, seed, errors),
                _ => probe_step(sc, p, seed, errors),
            }
        }
    };
    let notice = move || {
        (had_url_errors && !errors.with(Vec::is_empty)).then(|| {
            view! {
                <p class="notice warn" role="note">
                    "Some settings in this page's address could not be used, so their defaults apply. "
                    "The parameter panel lists them."
                </p>
            }
        })
    };
    view! {
        <ChapterLayout
            testid="chapter-basics"
            kicker="Chapter · three live simulations"
            title="Queueing basics"
            lede="The three mechanisms both incidents are built from, each as a small simulation running in \
                  this page. Change any parameter and the run starts over; the same seed always gives the same run."
            titles=TITLES
            step=step
            embed=embed
            render=render
            notice=notice
        />
    }
}

fn missing_scenario(name: &'static str) -> StepView {
    StepView {
        narrative: view! { <p>"This step's simulation is not available in this build."</p> }.into_any(),
        figures: view! { <p class="notice">{format!("The scenario \"{name}\" is missing from the simulation core.")}</p> }
            .into_any(),
        panel: ().into_any(),
    }
}

fn panel(
    sc: &'static Scenario,
    params: RwSignal<Params>,
    seed: RwSignal<u64>,
    errors: RwSignal<Vec<ParamError>>,
) -> AnyView {
    view! { <ParamPanel scenario=sc params=params seed=seed errors=errors /> }.into_any()
}

/// Progress of the run and a button to run it again.
fn run_status(run: SimRun) -> impl IntoView {
    let status = move || run.status();
    view! {
        <div class="run-status">
            <progress max="1" value=move || status().fraction() aria-label="Simulation progress"></progress>
            <span class="run-text" aria-live="off">{move || status_text(&status())}</span>
            <button type="button" class="button subtle small" on:click=move |_| run.replay()>
                "Run again"
            </button>
        </div>
    }
}

fn status_text(s: &LiveStatus) -> String {
    if let Some(e) = &s.error {
        return format!("The simulation stopped: {e}");
    }
    if s.end_s <= 0.0 && !s.done {
        return "Starting…".into();
    }
    let what = format!("{} of {} s simulated", short_num(s.now_s), short_num(s.end_s));
    match (s.done, s.done_ms) {
        (true, Some(d)) => {
            format!("{what} · done in {} ms, in a background worker", short_num(d - s.asked_ms))
        }
        (true, None) => format!("{what} · done"),
        _ => format!("{what} · running"),
    }
}

// ---------------------------------------------------------------- step 1: Erlang C

fn erlang_step(
    sc: &'static Scenario,
    params: RwSignal<Params>,
    seed: RwSignal<u64>,
    errors: RwSignal<Vec<ParamError>>,
) -> StepView {
    let run = use_simulation(sc, params.into(), seed.into());
    let inputs = Signal::derive(move || {
        let m = params.with(MmcInputs::of);
        (m.servers, m.service_rate, seed.get())
    });
    let points = use_mmc_points(inputs, &SIM_RHOS, SIM_CUSTOMERS);
    let mmc = move || params.with(MmcInputs::of);
    let wait_spec = Memo::new(move |_| points.with(|pts| erlang_wait_spec(&mmc(), pts)));
    let pwait_spec = Memo::new(move |_| points.with(|pts| erlang_pwait_spec(&mmc(), pts)));
    let queue_spec = Memo::new(move |_| {
        let m = mmc();
        let end = params.with(time_axis_end);
        run.with_series(|s| mmc_queue_spec(&m, end, s))
            .unwrap_or_else(|| mmc_queue_spec(&m, end, &Series::default()))
    });
    let rho = move || mmc().rho();
    let set_rho = move |text: String| {
        let Ok(r) = text.parse::<f64>() else { return };
        let m = mmc();
        let lambda = (r * m.servers as f64 * m.service_rate * 10.0).round() / 10.0;
        let mut next = params.get_untracked();
        match sc.set_str(&mut next, "arrival_rate", &lambda.to_string()) {
            Ok(()) => {
                errors.update(|e| e.retain(|x| x.name != "arrival_rate"));
                params.set(next);
            }
            Err(err) => errors.update(|e| {
                e.retain(|x| x.name != "arrival_rate");
                e.push(err);
            }),
        }
    };
    let narrative = view! {
        <div inner_html=content::BASICS_1></div>
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
        </div>
        <p class="readout" aria-live="polite">{move || erlang_readout(&mmc())}</p>
    };
    let figures = view! {
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
        <Chart
            id="mmc-queue"
            spec=queue_spec
            caption="Requests waiting, over one simulated run at your settings. The dashed line is Erlang C's long-run average."
        />
        {run_status(run)}
    };
    StepView {
        narrative: narrative.into_any(),
        figures: figures.into_any(),
        panel: panel(sc, params, seed, errors),
    }
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
pub fn mmc_queue_spec(m: &MmcInputs, end_s: f64, s: &Series) -> ChartSpec {
    let mut spec =
        ChartSpec::new("Queue over time", Axis::new("Time", "s"), Axis::new("Waiting", "requests"))
            .x_range(0.0, end_s.max(1e-9));
    if let Some(pts) = column_points(s, "queue", MAX_LINE_POINTS) {
        spec = spec.line("requests waiting", pts, ColorRole::Primary);
    }
    if let Some(e) = erlang_c(m.servers, m.arrival_rate, m.service_rate) {
        let lq = m.arrival_rate * e.wq_s;
        spec = spec.h_guide(lq, format!("Erlang C mean: {}", short_num(lq)), ColorRole::Muted);
    }
    spec
}

// ---------------------------------------------------------------- step 2: staircase

fn staircase_step(
    sc: &'static Scenario,
    params: RwSignal<Params>,
    seed: RwSignal<u64>,
    errors: RwSignal<Vec<ParamError>>,
) -> StepView {
    live_step(
        sc,
        params,
        seed,
        errors,
        content::BASICS_2,
        &[
            (
                "staircase-threads",
                staircase_threads_spec,
                "Threads in the pool. Up to MinWorker (dashed) they appear at once; past it, one at a time, at most every gate tick.",
            ),
            ("staircase-queue", staircase_queue_spec, "Requests waiting for a thread."),
            (
                "staircase-cpu",
                staircase_cpu_spec,
                "CPU use. At or above 80 % the pool barely adds threads, however long the queue.",
            ),
        ],
    )
}

/// A chart of a step: its id, how to draw it from (parameters, series), and its caption.
type StepChart = (&'static str, fn(&Params, &Series) -> ChartSpec, &'static str);

/// A step whose charts follow one live run of `sc`: the first wide, the others two to a row.
fn live_step(
    sc: &'static Scenario,
    params: RwSignal<Params>,
    seed: RwSignal<u64>,
    errors: RwSignal<Vec<ParamError>>,
    narrative_html: &'static str,
    charts: &'static [StepChart],
) -> StepView {
    let run = use_simulation(sc, params.into(), seed.into());
    let narrative = view! { <div inner_html=narrative_html></div> };
    let chart = move |&(id, f, caption): &'static StepChart| view! { <Chart id=id spec=run.chart_spec(params, f) caption=caption /> };
    let (first, rest) = charts.split_first().map_or((None, &[][..]), |(a, b)| (Some(a), b));
    let figures = view! {
        {first.map(chart)}
        {rest.chunks(2).map(|pair| view! { <div class="chart-row">{pair.iter().map(chart).collect_view()}</div> }).collect_view()}
        {run_status(run)}
    };
    StepView {
        narrative: narrative.into_any(),
        figures: figures.into_any(),
        panel: panel(sc, params, seed, errors),
    }
}

fn param(p: &Params, name: &str) -> Option<f64> {
    p.value(name)
}

fn time_axis_end(p: &Params) -> f64 {
    param(p, "duration_s").unwrap_or(1.0).max(1e-9)
}

/// Threads against time, with MinWorker marked.
pub fn staircase_threads_spec(p: &Params, s: &Series) -> ChartSpec {
    let mut spec = ChartSpec::new("Thread pool", Axis::new("Time", "s"), Axis::new("Threads", "threads"))
        .x_range(0.0, time_axis_end(p));
    if let Some(pts) = column_points(s, "threads", MAX_LINE_POINTS) {
        spec = spec.step_line("threads", pts, ColorRole::Primary);
    }
    if let Some(pts) = column_points(s, "blocked", MAX_LINE_POINTS) {
        spec = spec.dashed_line("blocked on the dependency", pts, ColorRole::Secondary);
    }
    if let Some(mw) = param(p, "min_worker") {
        spec = spec.h_guide(mw, format!("MinWorker {}", fmt_num(mw)), ColorRole::Muted);
    }
    spec
}

/// Requests waiting for a thread.
pub fn staircase_queue_spec(p: &Params, s: &Series) -> ChartSpec {
    let mut spec = ChartSpec::new("Queue", Axis::new("Time", "s"), Axis::new("Waiting", "requests"))
        .x_range(0.0, time_axis_end(p));
    if let Some(pts) = column_points(s, "queue", MAX_LINE_POINTS) {
        spec = spec.line("requests waiting", pts, ColorRole::Primary);
    }
    spec
}

/// CPU use with the 80 % rule.
pub fn staircase_cpu_spec(p: &Params, s: &Series) -> ChartSpec {
    let mut spec = ChartSpec::new("CPU", Axis::new("Time", "s"), Axis::new("CPU", "%"))
        .x_range(0.0, time_axis_end(p))
        .y_range(0.0, 100.0)
        .h_guide(80.0, "80 %", ColorRole::Danger);
    if let Some(pts) = column_points(s, "cpu_pct", MAX_LINE_POINTS) {
        spec = spec.line("CPU", pts, ColorRole::Tertiary);
    }
    spec
}

// ---------------------------------------------------------------- step 3: probe

fn probe_step(
    sc: &'static Scenario,
    params: RwSignal<Params>,
    seed: RwSignal<u64>,
    errors: RwSignal<Vec<ParamError>>,
) -> StepView {
    live_step(
        sc,
        params,
        seed,
        errors,
        content::BASICS_3,
        &[
            (
                "probe-rotation",
                probe_rotation_spec,
                "How many hosts the load balancer is sending traffic to. Dips are host 0 leaving rotation.",
            ),
            ("probe-queue", probe_queue_spec, "Requests waiting on host 0, and on the other hosts."),
            (
                "probe-latency",
                probe_latency_spec,
                "How long host 0's last probe took. Above the timeout (dashed), the probe counts as failed.",
            ),
        ],
    )
}

fn slowdown_guides(mut spec: ChartSpec, p: &Params) -> ChartSpec {
    if let (Some(a), Some(b)) = (param(p, "slow_start_s"), param(p, "slow_end_s")) {
        if b > a {
            spec = spec.v_guide(a, "host 0 slows", ColorRole::Muted).v_guide(
                b,
                "back to speed",
                ColorRole::Muted,
            );
        }
    }
    spec
}

/// Hosts in rotation over time (a step chart).
pub fn probe_rotation_spec(p: &Params, s: &Series) -> ChartSpec {
    let hosts = param(p, "hosts").unwrap_or(3.0);
    let mut spec = ChartSpec::new("Hosts in rotation", Axis::new("Time", "s"), Axis::new("Hosts", "hosts"))
        .x_range(0.0, time_axis_end(p))
        .y_range(0.0, hosts + 0.4)
        .y_labels(hosts as usize + 1);
    if let Some(pts) = column_points(s, "in_rotation", MAX_LINE_POINTS) {
        spec = spec.step_line("in rotation", pts, ColorRole::Primary);
    }
    slowdown_guides(spec, p)
}

/// Queue of host 0 against the others'.
pub fn probe_queue_spec(p: &Params, s: &Series) -> ChartSpec {
    let mut spec = ChartSpec::new("Queues", Axis::new("Time", "s"), Axis::new("Waiting", "requests"))
        .x_range(0.0, time_axis_end(p));
    if let Some(pts) = column_points(s, "host0_queue", MAX_LINE_POINTS) {
        spec = spec.line("host 0", pts, ColorRole::Primary);
    }
    if let Some(pts) = column_points(s, "others_queue", MAX_LINE_POINTS) {
        spec = spec.line("other hosts", pts, ColorRole::Secondary);
    }
    slowdown_guides(spec, p)
}

/// Host 0's probe latency with the timeout marked.
pub fn probe_latency_spec(p: &Params, s: &Series) -> ChartSpec {
    let mut spec = ChartSpec::new("Probe latency, host 0", Axis::new("Time", "s"), Axis::new("Probe", "s"))
        .x_range(0.0, time_axis_end(p));
    if let Some(pts) = column_points(s, "host0_probe_s", MAX_LINE_POINTS) {
        spec = spec.line("probe latency", pts, ColorRole::Primary);
    }
    if let Some(t) = param(p, "probe_timeout_s") {
        spec = spec.h_guide(t, format!("timeout {} s", fmt_num(t)), ColorRole::Danger);
    }
    spec
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::draw::draw_chart;
    use crate::charts::theme::Theme;
    use plotters::prelude::*;

    fn svg(spec: &ChartSpec) -> String {
        let mut out = String::new();
        {
            let root = SVGBackend::with_string(&mut out, (720, 300)).into_drawing_area();
            draw_chart(root, spec, &Theme::light()).unwrap();
        }
        out
    }

    #[test]
    fn every_step_has_its_scenario() {
        for k in 1..=3 {
            assert!(scenario_for(k).is_some(), "step {k}");
        }
        assert!(scenario_for(0).is_none() && scenario_for(4).is_none());
    }

    #[test]
    fn erlang_chart_bends_upwards_and_marks_the_reader() {
        let p = scenario_for(1).unwrap().defaults();
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
        for k in 1..=3 {
            let sc = scenario_for(k).unwrap();
            let p = sc.defaults();
            let mut sim = sc.start(&p, 1).unwrap();
            let end = sim.end_s();
            sim.run_until(end.min(30.0));
            let s = sim.series();
            let specs: Vec<ChartSpec> = match k {
                1 => vec![mmc_queue_spec(&MmcInputs::of(&p), end, s)],
                2 => vec![
                    staircase_threads_spec(&p, s),
                    staircase_queue_spec(&p, s),
                    staircase_cpu_spec(&p, s),
                ],
                _ => vec![probe_rotation_spec(&p, s), probe_queue_spec(&p, s), probe_latency_spec(&p, s)],
            };
            for spec in specs {
                assert!(spec.point_count() > 0, "step {k}: {} has data", spec.title);
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
        let p = scenario_for(2).unwrap().defaults();
        let spec = staircase_threads_spec(&p, &Series::default());
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
