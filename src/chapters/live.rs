//! An incident chapter on a live simulation: the steps are windows on *one* run in the worker.
//!
//! ```text
//!  URL ──read_story──► ChapterState { step, seed, params, errors, timeline(cursor, playing, speed) }
//!                          │  (changes are written back with replaceState at most every 150 ms:
//!                          │   step, seed, preset or changed params, t; not while playing)
//!        params, seed ─────┴──► use_live_run ──► LiveRun (series streamed from the worker)
//!                                                  │
//!  step k ──► window (from, to) ─► Frame { window, cursor } ─► ChartGrid(step's charts, run)
//! ```
//!
//! A chapter is data ([`LiveStory`]): its steps (title, time window, our account, quotes from the
//! postmortem, the charts to show, the knobs to offer), its charts ([`ChartDef`]) and its parameter
//! groups. Changing step keeps the run; changing a parameter restarts it. Choosing a step moves the
//! cursor to the end of its window; playing moves the cursor forward and, when it leaves a step's
//! window, moves on to the next step.

use super::incident::{quotes, Quote};
use crate::charts::{ChartDef, ChartGrid, Frame};
use crate::components::timeline::clock_text;
use crate::components::{ParamGroup, ParamPanel, ParamRow, Presets, StepNav, Timeline, TimelineState};
use crate::routes::{Page, Query};
use crate::url_state::{changed_query, read_story, story_query, write_hash};
use crate::worker::client::{use_live_run, LiveRun, LiveStatus};
use leptos::prelude::*;
use postmortem_sim::params::{ParamError, Params};
use postmortem_sim::scenario::{find, Scenario};
use postmortem_sim::series::Clock;

/// One step of a live incident chapter.
pub struct LiveStep {
    /// Short title.
    pub title: &'static str,
    /// When, in words, e.g. "10:10 UTC".
    pub when: &'static str,
    /// The part of the run the step looks at [simulated s].
    pub window: (f64, f64),
    /// Our account, one paragraph per entry.
    pub paragraphs: &'static [&'static str],
    /// Quotes from the postmortem.
    pub quotes: &'static [Quote],
    /// Ids of the charts this step shows, in order; the others are under "More charts".
    pub charts: &'static [&'static str],
    /// Parameters offered at this step, by name.
    pub knobs: &'static [&'static str],
    /// One line: what to try with the knobs.
    pub try_this: &'static str,
    /// A button that sets parameters from the timeline's time, e.g. "Force a crash now".
    pub action: Option<StepAction>,
}

/// A one-click change at the timeline's time.
pub struct StepAction {
    /// The button's text.
    pub label: &'static str,
    /// The changes, as `name=value` texts, for the cursor at simulated time `t_s`.
    pub changes: fn(t_s: f64) -> Vec<(&'static str, String)>,
}

/// A live incident chapter, as data.
pub struct LiveStory {
    /// The page.
    pub page: Page,
    /// `data-testid` of the chapter.
    pub testid: &'static str,
    /// Line above the title.
    pub kicker: &'static str,
    /// Title.
    pub title: &'static str,
    /// Sentences under the title.
    pub lede: &'static str,
    /// The postmortem, as cited.
    pub source: &'static str,
    /// Its address.
    pub source_url: Option<&'static str>,
    /// The scenario every step looks at.
    pub scenario: &'static str,
    /// The scenario's clock: seconds after midnight UTC at simulated time 0.
    pub origin_s: f64,
    /// Simulated time at which the scenario ends [s].
    pub end_s: f64,
    /// Step titles (the same as `steps[i].title`), for the step navigation.
    pub titles: &'static [&'static str],
    /// The steps.
    pub steps: &'static [LiveStep],
    /// Every chart the chapter can show.
    pub charts: &'static [ChartDef],
    /// Parameter groups for the panel.
    pub groups: &'static [ParamGroup],
}

impl LiveStory {
    fn chart(&'static self, id: &str) -> Option<&'static ChartDef> {
        self.charts.iter().find(|c| c.id == id)
    }
}

/// A chapter's state, in one place, mirrored into the URL.
#[derive(Clone, Copy)]
pub struct ChapterState {
    /// The step, 1-based.
    pub step: RwSignal<usize>,
    /// The seed.
    pub seed: RwSignal<u64>,
    /// The parameters (always valid).
    pub params: RwSignal<Params>,
    /// Messages for refused values.
    pub errors: RwSignal<Vec<ParamError>>,
    /// The timeline.
    pub timeline: TimelineState,
    /// Embed mode (figures and panel only).
    pub embed: bool,
}

/// Reads the chapter's state from `query` and writes every change back to the URL.
pub fn use_chapter(story: &'static LiveStory, sc: &'static Scenario, query: &Query) -> (ChapterState, bool) {
    let n = story.steps.len();
    let url = read_story(query, n, sc, story.origin_s, story.end_s);
    let had_errors = !url.chapter.errors.is_empty();
    let k0 = url.chapter.step;
    let state = ChapterState {
        step: RwSignal::new(k0),
        seed: RwSignal::new(url.chapter.seed),
        params: RwSignal::new(url.chapter.params.unwrap_or_else(|| sc.defaults())),
        errors: RwSignal::new(url.chapter.errors),
        timeline: TimelineState::new(url.t_s.unwrap_or(story.steps[k0 - 1].window.1)),
        embed: url.chapter.embed,
    };
    let ChapterState { step, seed, params, timeline, embed, .. } = state;
    // Steps chosen by the reader move the cursor to the end of their window; steps reached by
    // playing do not.
    let auto = StoredValue::new(false);
    Effect::new(move |prev: Option<usize>| {
        let k = step.get();
        if prev.is_some_and(|p| p != k) && !auto.get_value() {
            timeline.playing.set(false);
            timeline.cursor.set(story.steps[k - 1].window.1);
        }
        auto.set_value(false);
        k
    });
    Effect::new(move |_| {
        if !timeline.playing.get() {
            return;
        }
        let t = timeline.cursor.get();
        let k = step.get_untracked();
        if k < n && t > story.steps[k - 1].window.1 && t >= story.steps[k].window.0 {
            auto.set_value(true);
            step.set(k + 1);
        }
    });
    // The URL follows the state, at most every 150 ms (a scrubber drag would otherwise write it
    // on every frame; browsers throttle `replaceState`), and not while playing: the time in the
    // address is where the reader stopped.
    let pending = StoredValue::new(None::<Query>);
    Effect::new(move |_| {
        if timeline.playing.get() {
            return;
        }
        let k = step.get();
        let s = seed.get();
        let t = (timeline.cursor.get() / 10.0).round() * 10.0;
        let q = params.with(|p| story_query(k, s, p, sc, story.origin_s, Some(t), embed));
        if pending.get_value().is_none() {
            set_timeout(
                move || {
                    if let Some(Some(q)) = pending.try_get_value() {
                        write_hash(story.page, &q);
                        pending.set_value(None);
                    }
                },
                std::time::Duration::from_millis(150),
            );
        }
        pending.set_value(Some(q));
    });
    (state, had_errors)
}

/// Renders a live chapter from its URL query.
pub fn live_chapter(story: &'static LiveStory, query: Query) -> AnyView {
    let Ok(sc) = find(story.scenario) else {
        return view! {
            <p class="notice warn">{format!("The scenario \"{}\" is missing from the simulation core.", story.scenario)}</p>
        }
        .into_any();
    };
    let (state, had_errors) = use_chapter(story, sc, &query);
    let ChapterState { step, seed, params, errors, timeline, embed } = state;
    let changed = Memo::new(move |_| params.with(|p| changed_query(p, sc)));
    let run = use_live_run(story.scenario, changed.into(), seed.into());
    let status = run.status_signal();
    // The chapter's clock is known before the run's first samples arrive.
    let clock = Signal::stored(Some(Clock::TimeOfDay { origin_s: story.origin_s }));
    let range = Signal::derive(move || (0.0, story.end_s));
    let computed = Signal::derive(move || {
        let s = status.get();
        if s.done {
            story.end_s
        } else {
            s.now_s
        }
    });
    let n = story.steps.len();
    let notice = move || {
        (had_errors && !errors.with(Vec::is_empty)).then(|| {
            view! {
                <p class="notice warn" role="note">
                    "Some settings in this page's address could not be used, so their defaults apply. "
                    "The parameter panel lists them."
                </p>
            }
        })
    };
    let window = Signal::derive(move || story.steps[step.get() - 1].window);
    // A run that failed will not get further: playing stops.
    Effect::new(move |_| {
        if status.with(|s| s.error.is_some()) {
            timeline.playing.set(false);
        }
    });
    let frame = Signal::derive(move || {
        let (from, to) = story.steps[step.get() - 1].window;
        Frame::new(from, to, timeline.cursor.get(), clock.get())
    });
    let narrative = move || {
        let k = step.get();
        let s = &story.steps[k - 1];
        let next = (k < n).then(|| {
            view! {
                <p class="next-step">
                    <button type="button" class="link-button" on:click=move |_| step.set(k + 1)>
                        {format!("Next: {} →", story.steps[k].title)}
                    </button>
                </p>
            }
            .into_any()
        });
        view! {
            <p class="step-label">{format!("Step {k} of {n}")}</p>
            <h2 id="step-title" data-testid="step-title" tabindex="-1">{s.title}</h2>
            <p class="when">{s.when}</p>
            {s.paragraphs.iter().map(|p| view! { <p>{*p}</p> }).collect_view()}
            {quotes(story.source, story.source_url, s.quotes)}
            {next}
        }
        .into_any()
    };
    let figures = move || {
        let k = step.get();
        let s = &story.steps[k - 1];
        let main: Vec<&'static ChartDef> = s.charts.iter().filter_map(|id| story.chart(id)).collect();
        let rest: Vec<&'static ChartDef> =
            story.charts.iter().filter(|c| !s.charts.contains(&c.id)).collect();
        let more_open = RwSignal::new(false);
        view! {
            <ChartGrid defs=main run=run params=params frame=frame />
            {(!rest.is_empty())
                .then(|| {
                    let count = rest.len();
                    view! {
                        <details class="more-charts" on:toggle=move |ev| more_open.set(event_target::<web_sys::HtmlDetailsElement>(&ev).open())>
                            <summary>{format!("More charts ({count})")}</summary>
                            {move || more_open.get().then(|| view! { <ChartGrid defs=rest.clone() run=run params=params frame=frame /> }.into_any())}
                        </details>
                    }
                    .into_any()
                })}
        }
        .into_any()
    };
    let knobs = move || {
        let s = &story.steps[step.get() - 1];
        let specs: Vec<_> = s.knobs.iter().filter_map(|name| sc.param(name)).collect();
        let action = s.action.as_ref().map(|a| {
            let apply = move |_| {
                let mut next = params.get_untracked();
                let t = timeline.cursor.get_untracked();
                for (name, value) in (a.changes)(t) {
                    let result = sc.set_str(&mut next, name, &value);
                    errors.update(|e| {
                        e.retain(|x| x.name != name);
                        e.extend(result.err());
                    });
                }
                params.set(next);
            };
            view! {
                <button type="button" class="button primary small" data-testid="step-action" on:click=apply>
                    {a.label}
                </button>
            }
            .into_any()
        });
        (!specs.is_empty() || action.is_some()).then(|| {
            view! {
                <section class="step-knobs" aria-labelledby="step-knobs-title" data-testid="step-knobs">
                    <h3 id="step-knobs-title" class="group-label">"At this step"</h3>
                    <p class="muted small">{s.try_this}</p>
                    {action}
                    <div class="param-list">
                        {specs
                            .into_iter()
                            .map(|spec| view! { <ParamRow spec=spec scenario=sc params=params errors=errors id_prefix="step-" /> })
                            .collect_view()}
                    </div>
                </section>
            }
            .into_any()
        })
    };
    let drawer = RwSignal::new(false);
    view! {
        <article class="chapter live" class:embed=embed data-testid=story.testid>
            <header class="chapter-head" hidden=embed>
                <p class="kicker">{story.kicker}</p>
                <h1>{story.title}</h1>
                <p class="lede">{story.lede}</p>
                <StepNav titles=story.titles step=step />
            </header>
            {notice}
            <div class="timeline-dock">
                <Timeline state=timeline range=range computed=computed clock=clock window=window />
                <RunStatus run=run clock=clock />
            </div>
            <div class="chapter-grid">
                <section class="narrative" aria-labelledby="step-title" hidden=embed>
                    {narrative}
                </section>
                <section class="figures" aria-label="Charts">
                    {(!embed)
                        .then(|| {
                            view! {
                                <div class="preset-bar" data-testid="preset-bar">
                                    <Presets scenario=sc params=params errors=errors />
                                </div>
                            }
                        })}
                    {figures}
                    <p class="provenance-note">
                        "Every line is simulated in your browser from the parameters on the right. The postmortem gives the \
                         shape of the system (7 ATs, 2 processes each, MinWorker 192, the 500 ms gate, the probes); rates, \
                         costs and thresholds marked illustrative are ours, so read the charts for their shape, not their \
                         exact numbers."
                    </p>
                </section>
                <aside class="panel drawer" class:open=move || drawer.get() aria-label="Parameters">
                    <button
                        type="button"
                        class="button drawer-toggle"
                        data-testid="panel-toggle"
                        aria-controls="panel-drawer-body"
                        aria-expanded=move || drawer.get().to_string()
                        on:click=move |_| drawer.update(|d| *d = !*d)
                    >
                        {move || if drawer.get() { "Close parameters" } else { "What if… parameters" }}
                    </button>
                    <div class="drawer-body" id="panel-drawer-body">
                        {knobs}
                        <ParamPanel scenario=sc params=params seed=seed errors=errors groups=story.groups presets_elsewhere=!embed />
                    </div>
                </aside>
            </div>
        </article>
    }
    .into_any()
}

/// How far the run is, how long it took, and why it failed if it did.
#[component]
fn RunStatus(run: LiveRun, #[prop(into)] clock: Signal<Option<Clock>>) -> impl IntoView {
    let status = run.status_signal();
    let text = move || status.with(|s| status_text(s, clock.get()));
    view! {
        <div
            class="run-status"
            data-testid="run-status"
            data-run-id=move || status.with(|s| s.id.to_string())
            data-done=move || status.with(|s| s.done.to_string())
            data-run-ms=move || status.with(|s| s.done_ms.map(|d| format!("{:.0}", d - s.asked_ms)).unwrap_or_default())
            data-first-ms=move || status.with(|s| s.first_ms.map(|d| format!("{:.0}", d - s.asked_ms)).unwrap_or_default())
        >
            <progress max="1" value=move || status.with(LiveStatus::fraction) aria-label="Simulation progress"></progress>
            <span class="run-text">{text}</span>
        </div>
        {move || {
            status
                .with(|s| s.error.clone())
                .map(|m| {
                    view! {
                        <div class="notice warn" role="alert" data-testid="run-error">
                            <p>{m}</p>
                            <button type="button" class="button small" data-testid="run-restart" on:click=move |_| run.restart()>
                                "Run it again"
                            </button>
                        </div>
                    }
                })
        }}
    }
}

fn status_text(s: &LiveStatus, clock: Option<Clock>) -> String {
    if s.error.is_some() {
        return "The simulation stopped".into();
    }
    if s.end_s <= 0.0 {
        return "Starting the simulation…".into();
    }
    if s.done {
        let took = s.done_ms.map_or(String::new(), |d| format!(" in {:.1} s", (d - s.asked_ms) / 1000.0));
        format!("Simulated to {}{took}", clock_text(clock, s.end_s))
    } else {
        format!("Simulating… {}", clock_text(clock, s.now_s))
    }
}
