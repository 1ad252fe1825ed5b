//! The `<Chart>` component: a sharp canvas that follows its container's size and the theme.
//!
//! ```text
//! <figure data-testid="chart-<id>" data-draws=N data-points=M>
//!   <div class="chart-box">            measured with a ResizeObserver (observe::element_size)
//!     <canvas role="img" aria-label="<summary of the data>">
//!   </div>
//!   <figcaption>what to look at</figcaption>
//!   <p class="chart-tools">Download <button data-testid="png-<id>"> · <button data-testid="csv-<id>">
//! </figure>
//! ```
//!
//! The canvas's backing store is `CSS size × devicePixelRatio`, drawn in device pixels with every
//! length scaled by the ratio (see [`super::canvas::HiDpiCanvas`] for why not CSS pixels). It
//! redraws when the spec, the size, the pixel ratio or the [`ThemeEpoch`] (colour scheme, type size)
//! changes — at most once per animation frame, and all charts together spend at most about
//! [`DRAW_BUDGET_MS`] per frame (the rest wait a frame), with lines thinned to two points per pixel column
//! ([`ChartSpec::thinned_to`]) and the theme read from CSS once per epoch. `data-draws` counts completed draws and `data-points` holds
//! the points of the last one, for tests and for performance measurements.

use super::canvas::HiDpiCanvas;
use super::draw::draw_chart;
use super::observe::{device_pixel_ratio, element_size};
use super::spec::ChartSpec;
use super::theme::Theme;
use leptos::html;
use leptos::prelude::*;
use plotters::prelude::IntoDrawingArea;

/// Main-thread time the charts may spend drawing in one animation frame [ms]; charts still waiting
/// draw in the next frame. A page of many charts then never makes one long task.
pub const DRAW_BUDGET_MS: f64 = 10.0;

thread_local! {
    static DRAW_QUEUE: std::cell::RefCell<std::collections::VecDeque<Box<dyn FnOnce()>>> =
        std::cell::RefCell::new(std::collections::VecDeque::new());
    static DRAW_FRAME: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Queues a chart's draw for the next animation frame (each chart queues at most one at a time).
fn schedule_draw(f: Box<dyn FnOnce()>) {
    DRAW_QUEUE.with_borrow_mut(|q| q.push_back(f));
    if !DRAW_FRAME.replace(true) {
        request_animation_frame(draw_frame);
    }
}

/// Draws queued charts, oldest first, until [`DRAW_BUDGET_MS`] is used (at least one chart).
fn draw_frame() {
    DRAW_FRAME.set(false);
    let t0 = crate::user_timing::now_ms();
    while let Some(f) = DRAW_QUEUE.with_borrow_mut(|q| q.pop_front()) {
        f();
        if crate::user_timing::now_ms() - t0 >= DRAW_BUDGET_MS {
            break;
        }
    }
    if DRAW_QUEUE.with_borrow(|q| !q.is_empty()) && !DRAW_FRAME.replace(true) {
        request_animation_frame(draw_frame);
    }
}

/// Bumped whenever the page's look changes (the colour scheme, the large-type switch), so every
/// chart re-reads the theme from CSS and redraws. Provide it as context; charts work without it.
#[derive(Clone, Copy, Debug)]
pub struct ThemeEpoch(pub RwSignal<u32>);

/// The start of the names of files downloaded from the charts below it (see
/// [`crate::export::file_stem`]); a chart without it names its files after its id alone.
#[derive(Clone, Copy)]
pub struct ExportStem(pub Signal<String>);

/// A chart of `spec`, with a caption, a text alternative and downloads (PNG, CSV).
#[component]
pub fn Chart(
    /// The container's `data-testid` is `chart-<id>`.
    #[prop(into)]
    id: String,
    /// What to draw; redrawn whenever it changes.
    #[prop(into)]
    spec: Signal<ChartSpec>,
    /// One or two sentences under the chart: what to look at.
    #[prop(into)]
    caption: String,
    /// Height of the drawing [CSS px]; the stylesheet's default otherwise.
    #[prop(optional)]
    height_px: Option<u32>,
) -> impl IntoView {
    let box_ref = NodeRef::<html::Div>::new();
    let canvas_ref = NodeRef::<html::Canvas>::new();
    let (width, height) = element_size(box_ref);
    let dpr = device_pixel_ratio();
    let epoch = use_context::<ThemeEpoch>();
    let draws = RwSignal::new(0u32);
    let points = RwSignal::new(0usize);
    let log_id = id.clone();
    let measure = format!("chart:{id}");
    // The theme is read from CSS once per theme change, not per draw.
    let theme_cache = StoredValue::new_local(None::<(u32, Theme)>);
    // Changes mark the chart dirty; one animation frame draws the latest state, however many
    // changes came in between (a run streaming samples, a slider drag).
    let pending = StoredValue::new(false);
    let draw = move || {
        pending.set_value(false);
        let (Some(canvas), Some(container)) = (canvas_ref.get_untracked(), box_ref.get_untracked()) else {
            return;
        };
        let (w, h, ratio) = (width.get_untracked(), height.get_untracked(), dpr.get_untracked());
        if w < 1.0 || h < 1.0 {
            return;
        }
        let e = epoch.map_or(0, |e| e.0.get_untracked());
        let mut theme =
            theme_cache.with_value(|c| c.as_ref().filter(|(k, _)| *k == e).map(|(_, t)| t.clone()));
        if theme.is_none() {
            let t = Theme::from_css(&container);
            theme_cache.set_value(Some((e, t.clone())));
            theme = Some(t);
        }
        let mut theme = theme.expect("just read");
        theme.scale = ratio;
        let Some(backend) = HiDpiCanvas::prepare(&canvas, w, h, ratio) else { return };
        let span = crate::user_timing::start(&measure);
        let result = spec.with_untracked(|spec| {
            // At most two points per CSS pixel column: more cannot be seen, and min/max per
            // column keeps the spikes.
            let thinned = spec.thinned_to(2 * w.ceil() as usize);
            draw_chart(backend.into_drawing_area(), thinned.as_ref().unwrap_or(spec), &theme)
        });
        span.end();
        match result {
            Ok(n) => {
                points.set(n);
                draws.update(|d| *d += 1);
            }
            Err(e) => web_sys::console::warn_1(&format!("chart {log_id}: {e}").into()),
        }
    };
    let draw = std::rc::Rc::new(draw);
    Effect::new(move |_| {
        width.track();
        height.track();
        dpr.track();
        spec.track();
        if let Some(e) = epoch {
            e.0.track();
        }
        if !pending.get_value() {
            pending.set_value(true);
            let draw = draw.clone();
            schedule_draw(Box::new(move || {
                // The chart may be gone by the time its turn comes.
                if pending.try_get_value() == Some(true) {
                    draw();
                }
            }));
        }
    });
    let summary = move || spec.with(ChartSpec::summary);
    let stem = use_context::<ExportStem>();
    let file = {
        let id = id.clone();
        move |ext: &str| match stem {
            Some(s) => format!("{}_{id}.{ext}", s.0.get_untracked()),
            None => format!("{id}.{ext}"),
        }
    };
    let png = {
        let file = file.clone();
        move |_| {
            if let Some(url) = canvas_ref.get_untracked().and_then(|c| c.to_data_url().ok()) {
                crate::export::download_url(&file("png"), &url);
            }
        }
    };
    let csv = move |_| {
        let text = spec.with_untracked(crate::export::chart_csv);
        crate::export::download_text(&file("csv"), "text/csv", &text);
    };
    view! {
        <figure
            class="chart"
            data-testid=format!("chart-{id}")
            data-draws=move || draws.get()
            data-points=move || points.get()
        >
            <div
                class="chart-box"
                node_ref=box_ref
                style=format!(
                    "position:relative;height:{}",
                    height_px.map_or_else(|| "var(--chart-h, 260px)".to_string(), |h| format!("{h}px")),
                )
            >
                <canvas
                    node_ref=canvas_ref
                    role="img"
                    aria-label=summary
                    style="position:absolute;inset:0;width:100%;height:100%;display:block"
                ></canvas>
            </div>
            <figcaption>{caption}</figcaption>
            <p class="chart-tools">
                "Download "
                <button type="button" class="link-button" data-testid=format!("png-{id}") on:click=png>"PNG"</button>
                " · "
                <button type="button" class="link-button" data-testid=format!("csv-{id}") on:click=csv>"CSV"</button>
            </p>
        </figure>
    }
}
