//! The page for an address the app does not know.

use leptos::prelude::*;

/// "Not found", with links to every page.
#[component]
pub fn NotFound(
    /// The path that was asked for.
    path: String,
) -> impl IntoView {
    view! {
        <section class="not-found" data-testid="not-found">
            <h1>"There is no page here"</h1>
            <p>
                "The address asks for " <code>{format!("#{path}")}</code>
                ", which this site does not have. Perhaps the link was shortened or mistyped. These pages exist:"
            </p>
            <div inner_html=super::content::NOT_FOUND_LINKS></div>
        </section>
    }
}
