//! Step navigation: previous, one button per step, next, and the ← and → keys (ignored while the
//! focus is in a form control, where the arrows change its value). The step lives in a signal the
//! chapter mirrors into the URL.

use leptos::prelude::*;

/// Previous / step buttons / next, for `titles.len()` steps (1-based `step`).
#[component]
pub fn StepNav(titles: &'static [&'static str], step: RwSignal<usize>) -> impl IntoView {
    let n = titles.len();
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.shift_key() || super::keys::leave_to_target(&ev) {
            return;
        }
        let k = step.get_untracked();
        let next = match ev.key().as_str() {
            "ArrowLeft" if k > 1 => k - 1,
            "ArrowRight" if k < n => k + 1,
            _ => return,
        };
        ev.prevent_default();
        step.set(next);
    });
    on_cleanup(move || keys.remove());
    view! {
        <nav class="step-nav" aria-label="Steps">
            <button
                type="button"
                class="button"
                data-testid="step-prev"
                disabled=move || { step.get() <= 1 }
                on:click=move |_| step.update(|s| *s = s.saturating_sub(1).max(1))
            >
                <span aria-hidden="true">"← "</span>
                "Previous"
            </button>
            <ol class="step-dots">
                {titles
                    .iter()
                    .enumerate()
                    .map(|(i, title)| {
                        let k = i + 1;
                        view! {
                            <li>
                                <button
                                    type="button"
                                    class="step-dot"
                                    title=*title
                                    aria-label=format!("Step {k}: {title}")
                                    aria-current=move || (step.get() == k).then_some("step")
                                    on:click=move |_| step.set(k)
                                >
                                    {k}
                                </button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
            <span class="step-count" aria-live="polite">{move || format!("Step {} of {n}", step.get())}</span>
            <button
                type="button"
                class="button primary"
                data-testid="step-next"
                disabled=move || { step.get() >= n }
                on:click=move |_| step.update(|s| *s = (*s + 1).min(n))
            >
                "Next"
                <span aria-hidden="true">" →"</span>
            </button>
        </nav>
    }
}
