//! An incident told step by step, before its simulation exists: each step has a time, our own
//! account, short quotes from the postmortem with attribution, and the what-if knobs the live
//! simulation will offer. The step is in the URL (`?step=N`).
//!
//! When an incident's scenario lands in the core, its chapter keeps these steps as the narrative and
//! swaps the timeline for charts and the knob list for a [`crate::components::ParamPanel`].

use crate::components::{ChapterLayout, ParamErrors, StepView};
use crate::routes::{Page, Query};
use crate::url_state::{chapter_query, read_chapter, write_hash};
use leptos::prelude::*;

/// A quotation from the postmortem.
#[derive(Clone, Copy, Debug)]
pub struct Quote {
    /// The words, verbatim.
    pub text: &'static str,
    /// Where in the postmortem, e.g. "on the load balancer".
    pub context: &'static str,
}

/// A quotation and where in the postmortem it comes from.
pub const fn quote(text: &'static str, context: &'static str) -> Quote {
    Quote { text, context }
}

/// One step of the story.
#[derive(Clone, Copy, Debug)]
pub struct StoryStep {
    /// Short title.
    pub title: &'static str,
    /// When, e.g. "10:10 UTC".
    pub when: &'static str,
    /// Our account, one paragraph per entry.
    pub paragraphs: &'static [&'static str],
    /// Quotes from the postmortem.
    pub quotes: &'static [Quote],
    /// What the live simulation will let the reader change at this step.
    pub knobs: &'static [&'static str],
}

/// Everything an incident chapter shows.
pub struct Incident {
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
    /// Its address, when known.
    pub source_url: Option<&'static str>,
    /// Step titles (the same as `steps[i].title`).
    pub titles: &'static [&'static str],
    /// The steps.
    pub steps: &'static [StoryStep],
}

/// Renders an incident chapter from its URL query.
pub fn incident_chapter(incident: &'static Incident, query: Query) -> impl IntoView {
    let n = incident.steps.len();
    let url = read_chapter(&query, n, |_| None);
    let embed = url.embed;
    let step = RwSignal::new(url.step);
    let errors = RwSignal::new(url.errors);
    Effect::new(move |prev: Option<usize>| {
        let k = step.get();
        write_hash(incident.page, &chapter_query(k, None, None, embed));
        if prev.is_some_and(|p| p != k) {
            errors.set(Vec::new());
        }
        k
    });
    let render = move |k: usize| {
        let s = &incident.steps[k - 1];
        StepView {
            narrative: narrative(incident, s).into_any(),
            figures: timeline(incident, step).into_any(),
            panel: knobs_panel(s, errors).into_any(),
        }
    };
    view! {
        <ChapterLayout
            testid=incident.testid
            kicker=incident.kicker
            title=incident.title
            lede=incident.lede
            titles=incident.titles
            step=step
            embed=embed
            render=render
            notice=move || view! { <ComingNotice /> }
        />
    }
}

#[component]
fn ComingNotice() -> impl IntoView {
    view! {
        <p class="notice" role="note">
            <strong>"The live simulation of this incident is coming. "</strong>
            "For now this chapter tells the story step by step from the postmortem. The "
            <a href=Page::Basics.href()>"Queueing basics"</a>
            " chapter already runs the mechanisms it is made of."
        </p>
    }
}

fn narrative(incident: &'static Incident, s: &'static StoryStep) -> impl IntoView {
    view! {
        <p class="when">{s.when}</p>
        {s.paragraphs.iter().map(|p| view! { <p>{*p}</p> }).collect_view()}
        {quotes(incident.source, incident.source_url, s.quotes)}
    }
}

/// Quotes from a postmortem, each attributed, and the citation of the source.
pub fn quotes(
    source: &'static str,
    source_url: Option<&'static str>,
    list: &'static [Quote],
) -> impl IntoView {
    view! {
        {list
            .iter()
            .map(|q| {
                view! {
                    <figure class="quote">
                        <blockquote cite=source_url>
                            <p>{format!("“{}”", q.text)}</p>
                        </blockquote>
                        <figcaption>{format!("— the postmortem, {}", q.context)}</figcaption>
                    </figure>
                }
            })
            .collect_view()}
        <p class="cite small">
            "Quotes from "
            {match source_url {
                Some(url) => view! { <a href=url rel="noopener noreferrer">{source}</a> }.into_any(),
                None => view! { <span>{source}</span> }.into_any(),
            }}
            "."
        </p>
    }
}

fn timeline(incident: &'static Incident, step: RwSignal<usize>) -> impl IntoView {
    view! {
        <div class="timeline-card">
            <h3 class="figure-title">"Timeline"</h3>
            <ol class="timeline">
                {incident
                    .steps
                    .iter()
                    .enumerate()
                    .map(|(i, s)| {
                        let k = i + 1;
                        view! {
                            <li class:current=move || step.get() == k class:past=move || { step.get() > k }>
                                <button
                                    type="button"
                                    class="timeline-item"
                                    aria-current=move || (step.get() == k).then_some("step")
                                    on:click=move |_| step.set(k)
                                >
                                    <span class="timeline-when">{s.when}</span>
                                    <span class="timeline-title">{s.title}</span>
                                </button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </div>
    }
}

fn knobs_panel(
    s: &'static StoryStep,
    errors: RwSignal<Vec<postmortem_sim::params::ParamError>>,
) -> impl IntoView {
    view! {
        <div class="param-panel">
            <div class="panel-head">
                <h2 class="panel-title">"What if…"</h2>
                <p class="panel-sub">"Coming with the live simulation"</p>
            </div>
            <ParamErrors errors=errors />
            {if s.knobs.is_empty() {
                view! { <p class="muted">"Nothing to change at this step: it is the outcome of the ones before."</p> }
                    .into_any()
            } else {
                view! {
                    <p class="muted">"At this step you will be able to change:"</p>
                    <ul class="knob-list">{s.knobs.iter().map(|k| view! { <li>{*k}</li> }).collect_view()}</ul>
                }
                    .into_any()
            }}
        </div>
    }
}
