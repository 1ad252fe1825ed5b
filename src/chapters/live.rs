//! An incident chapter on live simulations: the steps are windows on the runs of its scenes.
//!
//! ```text
//!  URL ──read_story──► ChapterState { step, seed, params, errors, timelines[scene] }
//!                          │  (changes are written back with replaceState at most every 150 ms:
//!                          │   step, seed, preset or changed params, t; not while playing)
//!        params, seed ─────┴──► scene_query ──► use_live_run, one per scene ──► LiveRun
//!                                                  │   (series streamed from the worker)
//!  step k ──► scene, window (from, to) ─► Frame { window, cursor } ─► ChartGrid(step's charts, run)
//! ```
//!
//! A chapter is data ([`LiveStory`]): its scenes ([`Scene`]: a scenario, its clock, its
//! timeline's pace and its charts, [`ChartDef`]), its steps (title, scene, time window, our
//! account, quotes from the postmortem, the charts to show, the knobs to offer) and its parameter
//! groups. The VSTS chapter has one scene; the 7pace chapter has six months and a zoom on two
//! hours of 2 January. Every scene runs on the chapter's one set of parameters: the chapter's
//! scenario lists every parameter of every scene, and a scene's run gets the changed ones it
//! knows, plus the values the scene fixes (e.g. a coarser sample interval).
//!
//! Changing step keeps the runs; changing a parameter restarts them. A scene's run starts when a
//! step of it is first shown. Choosing a step moves its scene's cursor to the end of its window;
//! playing moves the cursor forward and, when it leaves a step's window, moves on to the next
//! step of the same scene, or stops at the window's end when the next step is in another scene.

use super::quotes::{quotes, Quote};
use crate::charts::{ChartDef, ChartGrid, ExportStem, Frame};
use crate::components::timeline::{clock_text, Pace};
use crate::components::{ParamGroup, ParamPanel, ParamRow, Presets, StepNav, Timeline, TimelineState};
use crate::export::{download_text, file_stem, run_json};
use crate::routes::{Page, Query};
use crate::url_state::{read_story, story_query, write_hash};
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
    /// The scene whose run the step looks at (an index into [`LiveStory::scenes`]).
    pub scene: usize,
    /// The part of the run the step looks at [simulated s].
    pub window: (f64, f64),
    /// Our account, one paragraph per entry.
    pub paragraphs: &'static [&'static str],
    /// Our account as markup of our own (trusted, compiled in), after the paragraphs: for prose
    /// with emphasis, lists or quotes set in the text.
    pub html: Option<&'static str>,
    /// Quotes from the postmortem.
    pub quotes: &'static [Quote],
    /// Ids of the charts this step shows, in order; the scene's others are under "More charts".
    pub charts: &'static [&'static str],
    /// Parameters offered at this step, by name.
    pub knobs: &'static [&'static str],
    /// One line: what to try with the knobs.
    pub try_this: &'static str,
    /// A button that sets parameters from the timeline's time, e.g. "Force a crash now".
    pub action: Option<StepAction>,
    /// A figure of its own beside the charts, e.g. the rollout planner.
    pub widget: Option<Widget>,
}

/// A step's own figure.
pub struct Widget {
    /// Above the step's charts rather than under them.
    pub above: bool,
    /// Builds it from the chapter's state and the step's panel: its scenario and parameters.
    pub render: fn(ChapterState, &'static Scenario, RwSignal<Params>) -> AnyView,
}

/// A one-click change at the timeline's time.
pub struct StepAction {
    /// The button's text.
    pub label: &'static str,
    /// The changes, as `name=value` texts, for the cursor at simulated time `t_s`.
    pub changes: fn(t_s: f64) -> Vec<(&'static str, String)>,
}

/// One run a chapter looks at, with its own timeline.
pub struct Scene {
    /// The scenario it runs.
    pub scenario: &'static str,
    /// The parameter set that drives it (an index into [`LiveStory::panels`]).
    pub panel: usize,
    /// Values this chapter fixes for the run whatever the parameters say, e.g. a sample interval
    /// that keeps six months of samples small; a panel value of the same name does not reach
    /// this run.
    pub fixed: &'static [(&'static str, f64)],
    /// The run's wall clock for its panel's parameters, known before its first samples; `None`
    /// for plain simulated seconds.
    pub clock: fn(&Params) -> Option<Clock>,
    /// Simulated time at which the run ends [s], for its panel's parameters.
    pub end_s: fn(&Params) -> f64,
    /// Speeds and scrubber step of its timeline.
    pub pace: &'static Pace,
    /// Every chart of the scene.
    pub charts: &'static [ChartDef],
}

impl Scene {
    fn chart(&'static self, id: &str) -> Option<&'static ChartDef> {
        self.charts.iter().find(|c| c.id == id)
    }
}

/// The query a scene's run starts with: the changed parameters of `params` (read against its
/// panel's scenario `sc`) that the scene's scenario `scene_sc` has, except those the scene fixes,
/// then the fixed values.
pub fn scene_query(params: &Params, sc: &Scenario, scene: &Scene, scene_sc: &Scenario) -> String {
    let fixed = |n: &str| scene.fixed.iter().any(|(f, _)| *f == n);
    let pairs = params
        .changed(sc.params)
        .filter(|(n, _)| scene_sc.param(n).is_some() && !fixed(n))
        .map(|(n, v)| (n.to_string(), format!("{v}")))
        .chain(scene.fixed.iter().map(|(n, v)| (n.to_string(), format!("{v}"))));
    Query::from_pairs(pairs.collect::<Vec<_>>()).encode()
}

/// The parameters a scene's run gets from its panel's `params` (see [`scene_query`]), read
/// against the run's own scenario.
fn run_params(scene: &Scene, params: &Params, sc: &'static Scenario) -> Params {
    let run_sc = find(scene.scenario).unwrap_or(sc);
    let mut q = run_sc.defaults();
    let _ = run_sc.set_many(&mut q, Query::parse(&scene_query(params, sc, scene, run_sc)).pairs());
    q
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
    /// The parameter sets the reader edits, one panel each: a step shows (and the URL carries) its
    /// scene's. An incident has one, whose scenario has every parameter of every scene; a chapter
    /// of separate demonstrations has one per scene.
    pub panels: &'static [Panel],
    /// The runs the steps look at.
    pub scenes: &'static [Scene],
    /// Step titles (the same as `steps[i].title`), for the step navigation.
    pub titles: &'static [&'static str],
    /// The steps.
    pub steps: &'static [LiveStep],
    /// Under the charts: which magnitudes come from the postmortem and which are ours.
    pub note: &'static str,
}

/// One set of parameters a chapter edits.
pub struct Panel {
    /// The scenario whose parameters (and presets) they are.
    pub scenario: &'static str,
    /// Groups for the panel; none shows the scenario's list as it is.
    pub groups: &'static [ParamGroup],
}

impl LiveStory {
    fn scene_of(&'static self, step: usize) -> &'static Scene {
        &self.scenes[self.steps[step - 1].scene]
    }

    /// The panel of step `step` (1-based).
    pub fn panel_of(&'static self, step: usize) -> usize {
        self.scene_of(step).panel
    }

    /// The window of step `step` for its panel's parameters `p`, inside its run.
    pub fn window(&'static self, step: usize, p: &Params) -> (f64, f64) {
        let end = (self.scene_of(step).end_s)(p);
        let (a, b) = self.steps[step - 1].window;
        (a.min(end), b.min(end))
    }
}

/// A chapter's state, in one place, mirrored into the URL.
#[derive(Clone, Copy)]
pub struct ChapterState {
    /// The step, 1-based.
    pub step: RwSignal<usize>,
    /// The seed.
    pub seed: RwSignal<u64>,
    /// The parameters of each panel (always valid).
    pub panels: StoredValue<Vec<RwSignal<Params>>>,
    /// Messages for refused values.
    pub errors: RwSignal<Vec<ParamError>>,
    /// One timeline per scene.
    pub timelines: StoredValue<Vec<TimelineState>>,
    /// Embed mode (figures and panel only).
    pub embed: bool,
}

impl ChapterState {
    /// The timeline of scene `k`.
    pub fn timeline(&self, k: usize) -> TimelineState {
        self.timelines.with_value(|t| t[k])
    }

    /// The parameters of panel `j`.
    pub fn params(&self, j: usize) -> RwSignal<Params> {
        self.panels.with_value(|p| p[j])
    }
}

/// Reads the chapter's state from `query` (parameters against the scenario of the step's panel,
/// `scs[panel]`) and writes every change back to the URL.
pub fn use_chapter(
    story: &'static LiveStory,
    scs: StoredValue<Vec<&'static Scenario>>,
    query: &Query,
) -> (ChapterState, bool) {
    let n = story.steps.len();
    let sc_of = move |j: usize| scs.with_value(|v| v[j]);
    let time_of = |k: usize, p: &Params| {
        let scene = story.scene_of(k);
        ((scene.clock)(p), (scene.end_s)(p))
    };
    let url = read_story(query, n, |k| sc_of(story.panel_of(k)), time_of);
    let had_errors = !url.chapter.errors.is_empty();
    let k0 = url.chapter.step;
    let mut from_url = url.chapter.params;
    let panels: Vec<RwSignal<Params>> = scs
        .with_value(|v| v.clone())
        .into_iter()
        .enumerate()
        .map(|(j, sc)| {
            let own = if j == story.panel_of(k0) { from_url.take() } else { None };
            RwSignal::new(own.unwrap_or_else(|| sc.defaults()))
        })
        .collect();
    // Each timeline starts at the end of its scene's first step, the URL's time for the step's own.
    let timelines = story
        .scenes
        .iter()
        .enumerate()
        .map(|(j, scene)| {
            let p = panels[scene.panel].get_untracked();
            let at = if story.steps[k0 - 1].scene == j {
                url.t_s.unwrap_or(story.window(k0, &p).1)
            } else {
                story
                    .steps
                    .iter()
                    .position(|s| s.scene == j)
                    .map_or((scene.end_s)(&p), |i| story.window(i + 1, &p).1)
            };
            TimelineState::new(at, scene.pace)
        })
        .collect();
    let state = ChapterState {
        step: RwSignal::new(k0),
        seed: RwSignal::new(url.chapter.seed),
        panels: StoredValue::new(panels),
        errors: RwSignal::new(url.chapter.errors),
        timelines: StoredValue::new(timelines),
        embed: url.chapter.embed,
    };
    let ChapterState { step, seed, errors, embed, .. } = state;
    let params_at = move |k: usize| state.params(story.panel_of(k));
    // Steps chosen by the reader move their scene's cursor to the end of their window and stop
    // playing; steps reached by playing do not. Messages about another panel's parameters no
    // longer apply. A window that ends with the run moves with it: when a parameter changes where
    // the run ends (a basics demo's duration), a cursor at the old end, or now past the new one,
    // goes to the new end.
    let auto = StoredValue::new(false);
    Effect::new(move |prev: Option<(usize, f64)>| {
        let k = step.get();
        let end = params_at(k).with(|p| story.window(k, p).1);
        let cursor = state.timeline(story.steps[k - 1].scene).cursor;
        match prev {
            Some((pk, _)) if pk != k => {
                if !auto.get_value() {
                    state.timelines.with_value(|t| t.iter().for_each(|t| t.playing.set(false)));
                    cursor.set(end);
                }
                if story.panel_of(pk) != story.panel_of(k) {
                    errors.update(|e| e.retain(|x| x.name == "seed"));
                }
            }
            Some((_, pe)) if pe != end => {
                let c = cursor.get_untracked();
                if c >= pe || c > end {
                    cursor.set(end);
                }
            }
            _ => {}
        }
        auto.set_value(false);
        (k, end)
    });
    Effect::new(move |_| {
        let k = step.get();
        let here = &story.steps[k - 1];
        let timeline = state.timeline(here.scene);
        if !timeline.playing.get() {
            return;
        }
        let t = timeline.cursor.get();
        let Some(next) = story.steps.get(k) else { return };
        let end = params_at(k).with(|p| story.window(k, p).1);
        if next.scene == here.scene {
            if t > end && t >= next.window.0 {
                auto.set_value(true);
                step.set(k + 1);
            }
        } else if t >= end {
            // The next step looks at another run: playing stops at the end of this window, and
            // the reader moves on with Next.
            timeline.playing.set(false);
            timeline.cursor.set(end);
        }
    });
    // The URL follows the state, at most every 150 ms (a scrubber drag would otherwise write it
    // on every frame; browsers throttle `replaceState`), and not while playing: the time in the
    // address is where the reader stopped. On plain simulated seconds the time is left out at
    // the end of the step's window, where the step opens.
    let pending = StoredValue::new(None::<Query>);
    Effect::new(move |_| {
        let k = step.get();
        let timeline = state.timeline(story.steps[k - 1].scene);
        if timeline.playing.get() {
            return;
        }
        let s = seed.get();
        let t = timeline.cursor.get();
        let q = params_at(k).with(|p| {
            let (clock, _) = time_of(k, p);
            let time = match clock {
                Some(c @ Clock::DateTime { .. }) => Some((Some(c), (t / 60.0).round() * 60.0)),
                Some(c) => Some((Some(c), (t / 10.0).round() * 10.0)),
                None => (t < story.window(k, p).1).then_some((None, t)),
            };
            story_query(k, s, p, sc_of(story.panel_of(k)), time, embed)
        });
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
    let missing = |name: &str| {
        view! { <p class="notice warn">{format!("The scenario \"{name}\" is missing from the simulation core.")}</p> }
            .into_any()
    };
    let mut panel_scs = Vec::new();
    for panel in story.panels {
        match find(panel.scenario) {
            Ok(s) => panel_scs.push(s),
            Err(_) => return missing(panel.scenario),
        }
    }
    let mut scene_scs = Vec::new();
    for scene in story.scenes {
        match find(scene.scenario) {
            Ok(s) => scene_scs.push(s),
            Err(_) => return missing(scene.scenario),
        }
    }
    let scs = StoredValue::new(panel_scs);
    let sc_of = move |j: usize| scs.with_value(|v| v[j]);
    let (state, had_errors) = use_chapter(story, scs, &query);
    let ChapterState { step, seed, errors, embed, .. } = state;
    let scene_k = Memo::new(move |_| story.steps[step.get() - 1].scene);
    let panel_k = Memo::new(move |_| story.panel_of(step.get()));
    // Files downloaded from the step's charts and run say its run's scenario, and the preset and
    // seed the URL shows.
    let stem = Memo::new(move |_| {
        let scene = &story.scenes[scene_k.get()];
        let sc = sc_of(scene.panel);
        state.params(scene.panel).with(|p| file_stem(scene.scenario, sc, p, seed.get()))
    });
    provide_context(ExportStem(stem.into()));
    // One run per scene, started when the reader first gets to it.
    let runs: Vec<LiveRun> = story
        .scenes
        .iter()
        .zip(scene_scs)
        .enumerate()
        .map(|(j, (scene, scene_sc))| {
            let seen = RwSignal::new(false);
            Effect::new(move |_| {
                if scene_k.get() == j {
                    seen.set(true);
                }
            });
            let params = state.params(scene.panel);
            let sc = sc_of(scene.panel);
            let query =
                Memo::new(move |_| seen.get().then(|| params.with(|p| scene_query(p, sc, scene, scene_sc))));
            let run = use_live_run(scene.scenario, query.into(), seed.into());
            // A run that failed will not get further: its timeline stops playing.
            let status = run.status_signal();
            Effect::new(move |_| {
                if status.with(|s| s.error.is_some()) {
                    state.timeline(j).playing.set(false);
                }
            });
            run
        })
        .collect();
    let runs = StoredValue::new(runs);
    let run_of = move |j: usize| runs.with_value(|r| r[j]);
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
    let clock_of = move |j: usize| {
        let scene = &story.scenes[j];
        let params = state.params(scene.panel);
        Signal::derive(move || params.with(|p| (scene.clock)(p)))
    };
    let frame = Signal::derive(move || {
        let k = step.get();
        let s = &story.steps[k - 1];
        let scene = &story.scenes[s.scene];
        let (clock, (from, to)) = state.params(scene.panel).with(|p| ((scene.clock)(p), story.window(k, p)));
        Frame::new(from, to, state.timeline(s.scene).cursor.get(), clock)
    });
    let dock = move || {
        let j = scene_k.get();
        let scene = &story.scenes[j];
        let params = state.params(scene.panel);
        let run = run_of(j);
        let status = run.status_signal();
        let end = Signal::derive(move || params.with(|p| (scene.end_s)(p)));
        let computed = Signal::derive(move || {
            let s = status.get();
            if s.done {
                end.get()
            } else {
                s.now_s
            }
        });
        let window = Signal::derive(move || {
            let k = step.get();
            params.with(|p| story.window(k, p))
        });
        let clock = clock_of(j);
        let save = move |json: bool| {
            // A run still under way says so in its file's name.
            let partial = if status.with_untracked(|s| s.done) { "" } else { "_partial" };
            let name = format!("{}{partial}", stem.get_untracked());
            if json {
                let text = params.with_untracked(|p| {
                    let q = run_params(scene, p, sc_of(scene.panel));
                    run.with_series(|s| run_json(scene.scenario, seed.get_untracked(), &q, s))
                });
                download_text(&format!("{name}.json"), "application/json", &text);
            } else {
                download_text(&format!("{name}.csv"), "text/csv", &run.with_series(|s| s.to_csv()));
            }
        };
        view! {
            <Timeline state=state.timeline(j) range=Signal::derive(move || (0.0, end.get())) computed=computed clock=clock window=window />
            <RunStatus run=run clock=clock />
            <p class="run-files">
                "The run: "
                <button type="button" class="link-button" data-testid="run-csv" on:click=move |_| save(false)>"CSV"</button>
                " · "
                <button type="button" class="link-button" data-testid="run-json" on:click=move |_| save(true)>"JSON"</button>
            </p>
        }
    };
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
            {(!s.when.is_empty()).then(|| view! { <p class="when">{s.when}</p> })}
            {s.paragraphs.iter().map(|p| view! { <p>{*p}</p> }).collect_view()}
            {s.html.map(|h| view! { <div inner_html=h></div> })}
            {(!s.quotes.is_empty()).then(|| quotes(story.source, story.source_url, s.quotes))}
            {next}
        }
        .into_any()
    };
    let figures = move || {
        let k = step.get();
        let s = &story.steps[k - 1];
        let scene = &story.scenes[s.scene];
        let run = run_of(s.scene);
        let params = state.params(scene.panel);
        let sc = sc_of(scene.panel);
        let main: Vec<&'static ChartDef> = s.charts.iter().filter_map(|id| scene.chart(id)).collect();
        let rest: Vec<&'static ChartDef> =
            scene.charts.iter().filter(|c| !s.charts.contains(&c.id)).collect();
        let more_open = RwSignal::new(false);
        let widget = |above: bool| {
            s.widget.as_ref().filter(|w| w.above == above).map(|w| (w.render)(state, sc, params))
        };
        view! {
            {widget(true)}
            <ChartGrid defs=main run=run params=params frame=frame />
            {widget(false)}
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
        let k = step.get();
        let s = &story.steps[k - 1];
        let j = story.panel_of(k);
        let (sc, params) = (sc_of(j), state.params(j));
        let specs: Vec<_> = s.knobs.iter().filter_map(|name| sc.param(name)).collect();
        let action = s.action.as_ref().map(|a| {
            let apply = move |_| {
                let mut next = params.get_untracked();
                let t = state.timeline(s.scene).cursor.get_untracked();
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
    let presets = move || {
        let j = panel_k.get();
        untrack(|| view! { <Presets scenario=sc_of(j) params=state.params(j) errors=errors /> })
    };
    // A panel drives every scene on it.
    let panel = move || {
        let j = panel_k.get();
        let subtitle = story
            .scenes
            .iter()
            .filter(|s| s.panel == j)
            .filter_map(|s| find(s.scenario).ok().map(|sc| sc.title))
            .collect::<Vec<_>>()
            .join("; ");
        untrack(|| {
            view! {
                <ParamPanel scenario=sc_of(j) params=state.params(j) seed=seed errors=errors groups=story.panels[j].groups presets_elsewhere=!embed subtitle=subtitle />
            }
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
            <div class="timeline-dock">{dock}</div>
            <div class="chapter-grid">
                <section class="narrative" aria-labelledby="step-title" hidden=embed>
                    {narrative}
                </section>
                <section class="figures" aria-label="Charts">
                    {(!embed).then(|| view! { <div class="preset-bar" data-testid="preset-bar">{presets}</div> })}
                    {figures}
                    <p class="provenance-note">{story.note}</p>
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
                        {panel}
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

/// Checks a story's data: titles match, windows lie in their scene and move forward within it,
/// steps name real charts and parameters of their panel, every parameter of a grouped panel is in
/// exactly one group, and every scene's parameters are its panel's.
#[cfg(test)]
pub(crate) fn check_story(story: &'static LiveStory) {
    let scs: Vec<&Scenario> = story.panels.iter().map(|p| find(p.scenario).unwrap()).collect();
    assert_eq!(story.titles.len(), story.steps.len());
    let mut last_end = vec![f64::NEG_INFINITY; story.scenes.len()];
    for (k, s) in story.steps.iter().enumerate() {
        let scene = &story.scenes[s.scene];
        let sc = scs[scene.panel];
        let end = (scene.end_s)(&sc.defaults());
        assert_eq!(story.titles[k], s.title);
        assert!(s.window.0 >= 0.0 && s.window.0 < s.window.1 && s.window.0 < end, "step {}", k + 1);
        assert!(s.window.1 <= end || s.window.1 == f64::INFINITY, "step {} ends after its run", k + 1);
        assert!(s.window.1 >= last_end[s.scene], "step {} ends before the one before it", k + 1);
        last_end[s.scene] = s.window.1;
        assert!(!s.charts.is_empty());
        for id in s.charts {
            assert!(scene.chart(id).is_some(), "step {} names chart {id}", k + 1);
        }
        for name in s.knobs {
            assert!(sc.param(name).is_some(), "step {} names parameter {name}", k + 1);
        }
    }
    for (panel, sc) in story.panels.iter().zip(&scs) {
        for g in panel.groups {
            for name in g.names {
                assert!(sc.param(name).is_some(), "group {} names {name}", g.title);
            }
        }
        for p in sc.params.iter().filter(|_| !panel.groups.is_empty()) {
            let groups = panel.groups.iter().filter(|g| g.names.contains(&p.name)).count();
            assert_eq!(groups, 1, "{} is in {groups} groups", p.name);
        }
    }
    for scene in story.scenes {
        let ssc = find(scene.scenario).unwrap();
        for p in ssc.params {
            assert!(
                scs[scene.panel].param(p.name).is_some(),
                "{} of {} is not its panel's",
                p.name,
                scene.scenario
            );
        }
        for (name, value) in scene.fixed {
            assert!(ssc.param(name).unwrap().check(*value).is_ok(), "fixed {name}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scene_runs_with_the_changed_parameters_it_knows_and_its_fixed_values() {
        use crate::chapters::sevenpace::SEVENPACE;
        let sc = find(SEVENPACE.panels[0].scenario).unwrap();
        let mut p = sc.defaults();
        for (n, v) in [("tabs_per_user", "4"), ("start_h", "9"), ("sample_s", "20")] {
            sc.set_str(&mut p, n, v).unwrap();
        }
        let [months, zoom] = [&SEVENPACE.scenes[0], &SEVENPACE.scenes[1]];
        let q = |scene: &'static Scene| scene_query(&p, sc, scene, find(scene.scenario).unwrap());
        // The macro model has no window start, and the chapter fixes its sample interval.
        assert_eq!(q(months), "tabs_per_user=4&sample_s=1800");
        assert_eq!(q(zoom), "sample_s=20&tabs_per_user=4&start_h=9");
        // The zoom's clock follows its window start.
        assert_eq!(
            (zoom.clock)(&p),
            Some(Clock::DateTime { origin_unix_s: (17_440 + 93) * 86_400 + 9 * 3600 })
        );
    }
}
