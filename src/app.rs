//! The root component: site header, the page the hash names, and the footer.
//!
//! Routing: the page is chosen from `location.hash` at load and on every `hashchange` (links, the
//! back button, a hand-edited address). Chapters write their state back with `replaceState`, which
//! fires no `hashchange`, so dragging a slider never re-mounts anything.

use crate::chapters::{basics::BasicsChapter, landing::Landing, not_found::NotFound, sevenpace, vsts};
use crate::charts::ThemeEpoch;
use crate::routes::{Page, Route};
use crate::url_state::current_hash;
use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::JsCast;

/// The app.
#[component]
pub fn App() -> impl IntoView {
    let route = RwSignal::new(Route::parse(&current_hash()));
    let listener = window_event_listener(ev::hashchange, move |_| {
        route.set(Route::parse(&current_hash()));
        if let Some(w) = web_sys::window() {
            w.scroll_to_with_x_and_y(0.0, 0.0);
        }
    });
    on_cleanup(move || listener.remove());
    let epoch = ThemeEpoch(RwSignal::new(0));
    provide_context(epoch);
    // Charts re-read their colours when the colour scheme changes (the app lives as long as the page).
    if let Ok(Some(dark)) = window().match_media("(prefers-color-scheme: dark)") {
        let bump = Closure::<dyn Fn()>::new(move || epoch.0.update(|e| *e += 1));
        dark.set_onchange(Some(bump.as_ref().unchecked_ref()));
        bump.forget();
    }
    let large = RwSignal::new(false);
    let page = move || route.with(|r| r.page);
    let embed = move || route.with(|r| matches!(r.query.get("embed"), Some("1" | "true" | "yes")));
    Effect::new(move |prev_large: Option<bool>| {
        // The loading note in index.html goes once the app is there.
        if let Some(boot) = document().get_element_by_id("boot") {
            boot.remove();
        }
        document().set_title(&title_for(page()));
        let on = large.get();
        if prev_large.is_some_and(|p| p != on) {
            if let Some(root) = document().document_element() {
                let _ = root.class_list().toggle_with_force("large-type", on);
            }
            epoch.0.update(|e| *e += 1);
        }
        on
    });
    let nav_link = move |p: Page, label: &'static str| {
        view! {
            <a href=p.href() aria-current=move || (page() == p).then_some("page")>
                {label}
            </a>
        }
    };
    view! {
        <div class="app" class:embed=embed>
            <a class="skip-link" href="#main" on:click=|ev| {
                ev.prevent_default();
                if let Some(m) = document().get_element_by_id("main") {
                    let _ = m.unchecked_ref::<web_sys::HtmlElement>().focus();
                }
            }>"Skip to content"</a>
            <header class="site-head" hidden=embed>
                <a class="brand" href="#/">
                    <span class="brand-mark" aria-hidden="true" inner_html=BRAND_MARK></span>
                    <span>"Postmortem Lab"</span>
                </a>
                <nav class="site-nav" aria-label="Chapters">
                    {nav_link(Page::Basics, "Queueing basics")}
                    {nav_link(Page::Vsts, "VSTS 2018")}
                    {nav_link(Page::Sevenpace, "7pace 2017")}
                </nav>
                <button
                    type="button"
                    class="button subtle small"
                    aria-pressed=move || large.get().to_string()
                    title="Larger type for projectors and reading at a distance"
                    on:click=move |_| large.update(|l| *l = !*l)
                >
                    "Large type"
                </button>
            </header>
            <main id="main" tabindex="-1">
                {move || {
                    let r = route.get();
                    match r.page {
                        Page::Landing => view! { <Landing /> }.into_any(),
                        Page::Basics => view! { <BasicsChapter query=r.query /> }.into_any(),
                        Page::Vsts => vsts::chapter(r.query).into_any(),
                        Page::Sevenpace => sevenpace::chapter(r.query).into_any(),
                        Page::NotFound => view! { <NotFound path=r.path /> }.into_any(),
                    }
                }}
            </main>
            <footer class="site-foot" hidden=embed>
                <p>
                    "Postmortem Lab retells two public postmortems. Quotes are theirs and marked as such; "
                    "the prose, the models and every magnitude marked illustrative are ours. "
                    "This page makes no network requests and keeps no data about you."
                </p>
            </footer>
        </div>
    }
}

/// The logo, the same drawing as `assets/favicon.svg`.
const BRAND_MARK: &str = r##"<svg viewBox="0 0 32 32" width="26" height="26"><rect width="32" height="32" rx="7" fill="#1f63c6"/><rect x="5" y="19" width="5" height="7" rx="1.5" fill="#fff" opacity=".55"/><rect x="11.5" y="15" width="5" height="11" rx="1.5" fill="#fff" opacity=".75"/><rect x="18" y="9" width="5" height="17" rx="1.5" fill="#fff"/><circle cx="26" cy="7.5" r="3" fill="#ffb27a"/></svg>"##;

fn title_for(page: Page) -> String {
    let t = match page {
        Page::Landing => return "Postmortem Lab".into(),
        Page::Basics => "Queueing basics",
        Page::Vsts => "VSTS West Europe, 7 Feb 2018",
        Page::Sevenpace => "7pace Timetracker, 2017–18",
        Page::NotFound => "Page not found",
    };
    format!("{t} · Postmortem Lab")
}
