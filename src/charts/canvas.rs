//! A plotters backend for a sharp `<canvas>` on HiDPI screens.
//!
//! The canvas's backing store holds `CSS size × devicePixelRatio` pixels. Plotters works in whole
//! backend pixels (`i32` coordinates), so drawing in CSS pixels on a context scaled by the ratio would
//! snap every curve vertex to the CSS-pixel grid: on a phone at ratio 3, a smooth curve becomes a
//! staircase of 3-device-pixel steps. [`HiDpiCanvas`] therefore draws in device pixels on an
//! unscaled context (the transform is reset on every redraw), and the drawing functions scale their
//! lengths (fonts, strokes, margins) by [`super::theme::Theme::scale`] = the ratio. Text is measured
//! with `measureText` on the context rather than plotters-canvas's default, which inserts a `<span>`
//! into the page and forces a layout for every label.

use plotters::prelude::DrawingBackend;
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind};
use plotters_canvas::CanvasBackend;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// The canvas error type of plotters-canvas.
pub type CanvasError = <CanvasBackend as DrawingBackend>::ErrorType;

/// A canvas sized and drawn in device pixels.
pub struct HiDpiCanvas {
    inner: CanvasBackend,
    ctx: CanvasRenderingContext2d,
    size: (u32, u32),
}

impl HiDpiCanvas {
    /// Prepares `canvas` for a drawing of `css_w × css_h` CSS pixels at `dpr` device pixels per CSS
    /// pixel: sizes the backing store to the device pixels, resets the transform and clears it.
    /// Returns `None` when the canvas has no 2D context.
    pub fn prepare(canvas: &HtmlCanvasElement, css_w: f64, css_h: f64, dpr: f64) -> Option<HiDpiCanvas> {
        use wasm_bindgen::JsCast;
        let dpr = if dpr.is_finite() && dpr > 0.0 { dpr } else { 1.0 };
        let (dev_w, dev_h) = (device_px(css_w, dpr), device_px(css_h, dpr));
        if canvas.width() != dev_w {
            canvas.set_width(dev_w);
        }
        if canvas.height() != dev_h {
            canvas.set_height(dev_h);
        }
        let ctx: CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
        ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0).ok()?;
        ctx.clear_rect(0.0, 0.0, dev_w as f64, dev_h as f64);
        let inner = CanvasBackend::with_canvas_object(canvas.clone())?;
        Some(HiDpiCanvas { inner, ctx, size: (dev_w, dev_h) })
    }
}

/// Device pixels for a CSS length: rounded, at least 1.
pub fn device_px(css: f64, dpr: f64) -> u32 {
    ((css * dpr).round() as u32).max(1)
}

impl DrawingBackend for HiDpiCanvas {
    type ErrorType = CanvasError;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.fill_polygon(vert, style)
    }

    fn draw_text<TStyle: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &TStyle,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.draw_text(text, style, pos)
    }

    fn estimate_text_size<TStyle: BackendTextStyle>(
        &self,
        text: &str,
        style: &TStyle,
    ) -> Result<(u32, u32), DrawingErrorKind<CanvasError>> {
        self.ctx.set_font(&format!(
            "{} {}px {}",
            style.style().as_str(),
            style.size(),
            style.family().as_str()
        ));
        let width =
            self.ctx.measure_text(text).map(|m| m.width()).unwrap_or(text.len() as f64 * style.size() * 0.6);
        Ok((width.ceil() as u32, style.size().ceil() as u32))
    }
}
