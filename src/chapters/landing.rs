//! The landing page: what the two incidents were, with their sources, and a card for each chapter.

use leptos::prelude::*;

/// The VSTS postmortem, as cited throughout the site.
pub const VSTS_SOURCE: &str = "Taylor Lafrinere (Microsoft), “Updated and Completed Postmortem: Performance Issues and failures in VSTS West Europe – 7 February 2018”";
/// Where it was published.
pub const VSTS_URL: &str = "https://devblogs.microsoft.com/devopsservice/?p=16295";
/// The 7pace postmortem, as cited throughout the site.
pub const SEVENPACE_SOURCE: &str = "7pace, “How We Almost Burned Down the House”, 21 February 2018";

/// The start page (its prose lives in `content/landing.html`).
#[component]
pub fn Landing() -> impl IntoView {
    view! { <div class="landing" data-testid="landing" inner_html=super::content::LANDING></div> }
}
