//! Quotations from a postmortem, each attributed, and the citation of the source.

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
