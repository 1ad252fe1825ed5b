//! The chapters' static prose, kept as HTML fragments beside this file so it reads (and can be
//! edited) as text, and rendered with `inner_html`. Only trusted, compiled-in text goes here: nothing
//! from the URL or the reader ever does. Interactive parts (sliders, live readouts) stay in the
//! components.

/// The landing page's sections: hero, the two incidents with their sources, the chapter cards.
pub const LANDING: &str = include_str!("landing.html");
/// "Queueing basics", step 1: utilisation and Erlang C.
pub const BASICS_1: &str = include_str!("basics-1.html");
/// "Queueing basics", step 2: the thread-injection staircase.
pub const BASICS_2: &str = include_str!("basics-2.html");
/// "Queueing basics", step 3: the probe in the queue.
pub const BASICS_3: &str = include_str!("basics-3.html");
/// The not-found page's list of pages.
pub const NOT_FOUND_LINKS: &str = include_str!("not-found-links.html");
