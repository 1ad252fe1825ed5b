//! User Timing (`performance.mark` / `performance.measure`) around simulation work, so Chromium's
//! performance tools and the perf suite can see how long each slice takes: measures are named
//! `sim:<scenario>` (one per animation-frame slice) and `bench:mmc`.
//!
//! Outside a browser (native tests) every call is a no-op and the clock reads 0.

/// Milliseconds since the page's time origin (`performance.now()`), or 0 outside a browser.
pub fn now_ms() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window().and_then(|w| w.performance()).map(|p| p.now()).unwrap_or(0.0)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.0
    }
}

/// An open measurement: a start mark that [`Span::end`] turns into a measure.
#[derive(Debug)]
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub struct Span {
    name: String,
    start_mark: String,
    t0: f64,
}

/// Starts a measurement named `name` (e.g. `sim:staircase`).
pub fn start(name: &str) -> Span {
    let start_mark = format!("{name}:start");
    #[cfg(target_arch = "wasm32")]
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(&start_mark);
    }
    Span { name: name.to_string(), start_mark, t0: now_ms() }
}

impl Span {
    /// When the span started [ms].
    pub fn t0(&self) -> f64 {
        self.t0
    }

    /// Records the measure (from the start mark to now), drops the start mark, and returns the
    /// elapsed time [ms].
    pub fn end(self) -> f64 {
        #[cfg(target_arch = "wasm32")]
        if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
            let _ = p.measure_with_start_mark(&self.name, &self.start_mark);
            p.clear_marks_with_mark_name(&self.start_mark);
        }
        now_ms() - self.t0
    }
}
