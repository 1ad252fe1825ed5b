//! The chapter page: a header with the step navigation, then three regions for the current step:
//! the narrative, the figures and the parameter panel.
//!
//! ```text
//!  wide (≥ 1200 px)            medium (760–1199 px)        phone (< 760 px)
//!  ┌────────┬─────────┬─────┐  ┌──────────────────────┐    ┌─────────┐
//!  │narrat. │ figures │panel│  │ narrative            │    │narrative│
//!  │        │         │     │  ├──────────────┬───────┤    │ figures │
//!  └────────┴─────────┴─────┘  │ figures      │ panel │    │ panel   │
//!                              └──────────────┴───────┘    └─────────┘
//! ```
//!
//! In embed mode (`?embed=1`) only the figures and the panel are shown.

use super::step_nav::StepNav;
use leptos::prelude::*;

/// What a chapter renders for one step.
pub struct StepView {
    /// The story: paragraphs, quotes, "try this".
    pub narrative: AnyView,
    /// Charts (or, before a simulation exists, the timeline).
    pub figures: AnyView,
    /// Parameters (or what will be adjustable).
    pub panel: AnyView,
}

/// A chapter with `titles.len()` steps; `render(step)` builds the current step's regions.
#[component]
pub fn ChapterLayout<F>(
    /// `data-testid` of the chapter, e.g. `chapter-basics`.
    testid: &'static str,
    /// Small line above the title, e.g. the date.
    kicker: &'static str,
    /// The chapter's title.
    title: &'static str,
    /// One or two sentences under the title.
    lede: &'static str,
    /// Step titles.
    titles: &'static [&'static str],
    /// Current step, 1-based.
    step: RwSignal<usize>,
    /// Embed mode: figures and panel only.
    embed: bool,
    /// Builds a step's regions. Called untracked: the regions carry their own reactivity.
    render: F,
    /// Shown between the header and the step, e.g. a note about the URL.
    #[prop(optional, into)]
    notice: ViewFn,
) -> impl IntoView
where
    F: Fn(usize) -> StepView + Send + Sync + 'static,
{
    let n = titles.len();
    let body = move || {
        let k = step.get().clamp(1, n);
        let v = untrack(|| render(k));
        let next = (k < n).then(|| {
            view! {
                <p class="next-step">
                    <button type="button" class="link-button" on:click=move |_| step.set(k + 1)>
                        {format!("Next: {} →", titles[k])}
                    </button>
                </p>
            }
        });
        view! {
            <div class="chapter-grid">
                <section class="narrative" aria-labelledby="step-title" hidden=embed>
                    <p class="step-label">{format!("Step {k} of {n}")}</p>
                    <h2 id="step-title" data-testid="step-title" tabindex="-1">{titles[k - 1]}</h2>
                    {v.narrative}
                    {next}
                </section>
                <section class="figures" aria-label="Charts">{v.figures}</section>
                <aside class="panel" aria-label="Parameters">{v.panel}</aside>
            </div>
        }
    };
    view! {
        <article class="chapter" class:embed=embed data-testid=testid>
            <header class="chapter-head" hidden=embed>
                <p class="kicker">{kicker}</p>
                <h1>{title}</h1>
                <p class="lede">{lede}</p>
                <StepNav titles=titles step=step />
            </header>
            {notice.run()}
            {body}
        </article>
    }
}
