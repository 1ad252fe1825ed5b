//! Draws a [`ChartSpec`] on any plotters backend: the browser's canvas, an SVG string in native
//! tests, or a bitmap for a future PNG export. Nothing here knows about the DOM.
//!
//! Layout, top to bottom: the title and a legend that wraps (so it never covers data), then the plot
//! with its axes. Guides are dashed and labelled at their end.

use super::spec::{short_num, ChartSpec, XTime, YScale};
use super::theme::Theme;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use postmortem_sim::calendar::Date;

/// The error a drawing function returns for backend `DB`.
pub type DrawError<DB> = DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>;

/// Draws `spec` onto `area` in `theme`'s colours. Returns the number of data points drawn.
///
/// ```
/// use plotters::prelude::*;
/// use postmortem_lab::charts::{draw::draw_chart, spec::{Axis, ChartSpec}, theme::{ColorRole, Theme}};
/// let spec = ChartSpec::new("Queue", Axis::new("Time", "s"), Axis::new("Queue", "requests"))
///     .line("queue", vec![(0.0, 1.0), (1.0, 3.0)], ColorRole::Primary);
/// let mut svg = String::new();
/// {
///     let root = SVGBackend::with_string(&mut svg, (480, 240)).into_drawing_area();
///     assert_eq!(draw_chart(root, &spec, &Theme::light()).unwrap(), 2);
/// }
/// assert!(svg.contains("<polyline"));
/// ```
pub fn draw_chart<DB: DrawingBackend>(
    area: DrawingArea<DB, Shift>,
    spec: &ChartSpec,
    theme: &Theme,
) -> Result<usize, DrawError<DB>> {
    area.fill(&theme.bg)?;
    let k = if theme.scale.is_finite() && theme.scale > 0.0 { theme.scale } else { 1.0 };
    // Lengths below are in CSS pixels; `z` turns them into backend pixels.
    let z = |v: f64| (v * k).round() as i32;
    let zu = |v: f64| (v * k).round().max(1.0) as u32;
    let (w, h) = area.dim_in_pixel();
    if (w as f64) < 80.0 * k || (h as f64) < 80.0 * k {
        return Ok(0);
    }
    let px = theme.font_px * k;
    let font = theme.font.as_str();
    fn text<'a>(font: &'a str, size: f64, color: &'a RGBColor) -> TextStyle<'a> {
        TextStyle::from((font, size).into_font()).color(color)
    }

    // Header: title, then the legend items flowing in rows.
    let title_style =
        TextStyle::from((font, px + 2.0 * k).into_font().style(FontStyle::Bold)).color(&theme.fg);
    let legend_style = text(font, px, &theme.fg).pos(Pos::new(HPos::Left, VPos::Center));
    let mut items: Vec<LegendItem> = Vec::new();
    for l in spec.lines.iter().filter(|l| !l.name.is_empty()) {
        items.push(LegendItem {
            name: &l.name,
            color: theme.color(l.role),
            kind: if l.dashed { Swatch::Dashed } else { Swatch::Line },
        });
    }
    for s in spec.scatter.iter().filter(|s| !s.name.is_empty()) {
        items.push(LegendItem { name: &s.name, color: theme.color(s.role), kind: Swatch::Dot });
    }
    let pad = z(10.0);
    let row_h = (px + 8.0 * k) as i32;
    let title_h = (px + 8.0 * k) as i32;
    let mut placed = Vec::with_capacity(items.len());
    let (mut x, mut row) = (pad, 0);
    for item in &items {
        let tw = area.estimate_text_size(item.name, &legend_style)?.0 as i32;
        let iw = z(22.0) + tw + z(16.0);
        if x > pad && x + iw > w as i32 - pad {
            x = pad;
            row += 1;
        }
        placed.push((x, row));
        x += iw;
    }
    let rows = if items.is_empty() { 0 } else { row + 1 };
    let top = z(6.0);
    let header_h = top + title_h + rows * row_h + z(4.0);
    let (head, body) = area.split_vertically(header_h);
    head.draw_text(&spec.title, &title_style, (pad, top))?;
    let thick = zu(3.0);
    for (item, (x, row)) in items.iter().zip(&placed) {
        let y = top + title_h + row * row_h + row_h / 2;
        match item.kind {
            Swatch::Line => {
                head.draw(&PathElement::new(vec![(*x, y), (x + z(16.0), y)], item.color.stroke_width(thick)))?
            }
            Swatch::Dashed => {
                head.draw(&PathElement::new(vec![(*x, y), (x + z(6.0), y)], item.color.stroke_width(thick)))?;
                head.draw(&PathElement::new(
                    vec![(x + z(10.0), y), (x + z(16.0), y)],
                    item.color.stroke_width(thick),
                ))?;
            }
            Swatch::Dot => head.draw(&Circle::new((x + z(8.0), y), zu(4.0), item.color.filled()))?,
        }
        head.draw_text(item.name, &legend_style, (x + z(22.0), y))?;
    }

    // Data ranges.
    let log = spec.y_scale == YScale::Log;
    let all_points = || {
        spec.lines
            .iter()
            .flat_map(|l| l.points.iter())
            .chain(spec.scatter.iter().flat_map(|s| s.points.iter()))
    };
    let (x_lo, x_hi) = spec.x_range.unwrap_or_else(|| {
        let xs = all_points().map(|p| p.0).chain(spec.v_guides.iter().map(|g| g.value));
        span(xs, false)
    });
    let (x_lo, x_hi) = widen(x_lo, x_hi);
    let (y_lo, y_hi) = match (spec.y_range, log) {
        (Some((lo, hi)), false) => widen(lo, hi),
        (Some((lo, hi)), true) => widen(lo.max(1e-12).log10().floor(), hi.max(1e-12).log10().ceil()),
        (None, false) => {
            let ys = all_points().map(|p| p.1).chain(spec.h_guides.iter().map(|g| g.value));
            let (lo, hi) = span(ys, true);
            widen(lo, if hi > lo { hi + (hi - lo) * 0.08 } else { hi })
        }
        (None, true) => {
            let ys = all_points().map(|p| p.1).chain(spec.h_guides.iter().map(|g| g.value));
            let (lo, hi) = span(ys.filter(|v| *v > 0.0), false);
            widen(lo.max(1e-12).log10().floor(), hi.max(1e-12).log10().ceil())
        }
    };
    let ty = |v: f64| -> Option<f64> {
        if !v.is_finite() {
            None
        } else if log {
            (v > 0.0).then(|| v.log10().clamp(y_lo, y_hi))
        } else {
            Some(v.clamp(y_lo, y_hi))
        }
    };
    let in_x = |x: f64| x.is_finite() && x >= x_lo && x <= x_hi;
    let y_fmt = |v: &f64| if log { short_num(10f64.powf(*v)) } else { short_num(*v) };
    let x_fmt = |v: &f64| spec.x_time.text(*v);

    let label_style = text(font, px, &theme.muted);
    let desc_style = text(font, px, &theme.muted);
    let widest_y = [y_lo, y_hi, (y_lo + y_hi) / 2.0]
        .iter()
        .map(|v| body.estimate_text_size(&y_fmt(v), &label_style).map(|s| s.0))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .max()
        .unwrap_or(20);
    let mut chart = ChartBuilder::on(&body)
        .margin_left(z(6.0))
        .margin_right(z(18.0))
        .margin_top(z(4.0))
        .margin_bottom(z(4.0))
        .x_label_area_size((px * 2.0 + 14.0 * k) as i32)
        .y_label_area_size(widest_y as i32 + px as i32 + z(18.0))
        .build_cartesian_2d(x_lo..x_hi, y_lo..y_hi)?;
    chart
        .configure_mesh()
        .max_light_lines(0)
        .bold_line_style(theme.grid.stroke_width(zu(1.0)))
        .axis_style(theme.axis.stroke_width(zu(1.0)))
        .set_all_tick_mark_size(z(4.0))
        .x_label_offset(0)
        .x_labels(if spec.x_time == XTime::Plain { 6 } else { 5 })
        .y_labels(spec.y_labels.unwrap_or(if log { ((y_hi - y_lo) as usize + 1).clamp(2, 8) } else { 5 }))
        .label_style(label_style.clone())
        .axis_desc_style(desc_style)
        .x_desc(spec.x.text())
        .y_desc(spec.y.text())
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .draw()?;

    let mut drawn = 0;
    for line in &spec.lines {
        let color = theme.color(line.role);
        let mut pts: Vec<(f64, f64)> = Vec::with_capacity(line.points.len() * if line.step { 2 } else { 1 });
        for &(x, y) in line.points.iter().filter(|p| in_x(p.0)) {
            let Some(y) = ty(y) else { continue };
            drawn += 1;
            if line.step {
                if let Some(&(_, prev_y)) = pts.last() {
                    pts.push((x, prev_y));
                }
            }
            pts.push((x, y));
        }
        let style = color.stroke_width(zu(2.0));
        if line.dashed {
            chart.draw_series(DashedLineSeries::new(pts, z(7.0), z(5.0), style))?;
        } else {
            chart.draw_series(LineSeries::new(pts, style))?;
        }
    }
    for set in &spec.scatter {
        let color = theme.color(set.role);
        let pts: Vec<(f64, f64)> =
            set.points.iter().filter(|p| in_x(p.0)).filter_map(|&(x, y)| ty(y).map(|y| (x, y))).collect();
        drawn += pts.len();
        chart.draw_series(pts.iter().map(|&p| Circle::new(p, zu(6.0), theme.bg.filled())))?;
        chart.draw_series(pts.iter().map(|&p| Circle::new(p, zu(4.0), color.filled())))?;
    }

    // Guides: dashed lines, labelled on a background so data never hides the label.
    let guide_text = text(font, px - k, &theme.fg);
    let plot = chart.plotting_area();
    let label = |text: &str, at: (f64, f64), dx: i32, dy: i32, anchor: Pos| -> Result<(), DrawError<DB>> {
        let (tw, th) = plot.estimate_text_size(text, &guide_text)?;
        let (tw, th) = (tw as i32, th as i32);
        // Offsets relative to the anchor point, in backend pixels.
        let left = match anchor.h_pos {
            HPos::Left => dx,
            HPos::Center => dx - tw / 2,
            HPos::Right => dx - tw,
        };
        let top = match anchor.v_pos {
            VPos::Top => dy,
            VPos::Center => dy - th / 2,
            VPos::Bottom => dy - th,
        };
        let m = z(2.0);
        let bg = theme.bg.mix(0.88).filled();
        plot.draw(
            &(EmptyElement::at(at)
                + Rectangle::new([(left - m, top - m), (left + tw + m, top + th + m)], bg)),
        )?;
        plot.draw(&(EmptyElement::at(at) + Text::new(text.to_string(), (dx, dy), guide_text.pos(anchor))))?;
        Ok(())
    };
    for g in &spec.h_guides {
        let Some(y) = ty(g.value) else { continue };
        let color = theme.color(g.role);
        for e in
            DashedLineSeries::new(vec![(x_lo, y), (x_hi, y)], z(6.0), z(4.0), color.stroke_width(zu(1.0)))
        {
            plot.draw(&e)?;
        }
        let near_top = y > y_lo + (y_hi - y_lo) * 0.85;
        let anchor = Pos::new(HPos::Right, if near_top { VPos::Top } else { VPos::Bottom });
        label(&g.label, (x_hi, y), -z(4.0), if near_top { z(4.0) } else { -z(4.0) }, anchor)?;
    }
    for g in &spec.v_guides {
        if !in_x(g.value) {
            continue;
        }
        let color = theme.color(g.role);
        for e in DashedLineSeries::new(
            vec![(g.value, y_lo), (g.value, y_hi)],
            z(6.0),
            z(4.0),
            color.stroke_width(zu(2.0)),
        ) {
            plot.draw(&e)?;
        }
        let right = g.value > x_lo + (x_hi - x_lo) * 0.6;
        let (h, dx) = if right { (HPos::Right, -z(6.0)) } else { (HPos::Left, z(6.0)) };
        label(&g.label, (g.value, y_hi), dx, z(4.0), Pos::new(h, VPos::Top))?;
    }
    area.present()?;
    Ok(drawn)
}

struct LegendItem<'a> {
    name: &'a str,
    color: RGBColor,
    kind: Swatch,
}

#[derive(Clone, Copy)]
enum Swatch {
    Line,
    Dashed,
    Dot,
}

/// The lowest and highest finite values; from 0 when `from_zero` and nothing is negative.
fn span(values: impl Iterator<Item = f64>, from_zero: bool) -> (f64, f64) {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    if lo > hi {
        return (0.0, 1.0);
    }
    (if from_zero { lo.min(0.0) } else { lo }, hi)
}

/// A range that is not empty and not inverted.
fn widen(lo: f64, hi: f64) -> (f64, f64) {
    if !(lo.is_finite() && hi.is_finite()) {
        (0.0, 1.0)
    } else if hi > lo {
        (lo, hi)
    } else if lo == 0.0 {
        (0.0, 1.0)
    } else {
        (lo - lo.abs() * 0.1, hi + hi.abs() * 0.1)
    }
}

/// Minutes since a midnight as `HH:MM`.
pub fn clock_minutes(m: f64) -> String {
    crate::url_state::hhmm(m.round().rem_euclid(1440.0) * 60.0)
}

/// Days since 1970-01-01 as the date, e.g. `28 Nov`.
pub fn day_month(days: f64) -> String {
    let d = Date::from_days(days.floor() as i64);
    format!("{} {}", d.day, MONTHS[(d.month as usize).clamp(1, 12) - 1])
}

/// Month abbreviations.
pub const MONTHS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::spec::Axis;
    use crate::charts::theme::ColorRole;

    fn svg_of(spec: &ChartSpec, size: (u32, u32)) -> (String, usize) {
        let mut svg = String::new();
        let n = {
            let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
            draw_chart(root, spec, &Theme::light()).expect("draws")
        };
        (svg, n)
    }

    fn hex(c: RGBColor) -> String {
        format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
    }

    #[test]
    fn renders_every_series_guide_and_label() {
        let t = Theme::light();
        let spec = ChartSpec::new("Thread pool", Axis::new("Time", "s"), Axis::new("Threads", "threads"))
            .line("threads", (0..50).map(|i| (i as f64, (i * 4) as f64)).collect(), ColorRole::Primary)
            .step_line("busy", (0..50).map(|i| (i as f64, (i * 3) as f64)).collect(), ColorRole::Secondary)
            .dashed_line("target", vec![(0.0, 10.0), (49.0, 150.0)], ColorRole::Tertiary)
            .points("sampled", vec![(10.0, 40.0), (20.0, 80.0)], ColorRole::Quaternary)
            .h_guide(192.0, "MinWorker 192", ColorRole::Muted)
            .v_guide(25.0, "storm", ColorRole::Danger);
        let (svg, n) = svg_of(&spec, (640, 300));
        assert_eq!(n, 50 + 50 + 2 + 2);
        for needle in [
            "Thread pool",
            "threads",
            "busy",
            "target",
            "sampled",
            "MinWorker 192",
            "storm",
            "Time [s]",
            "Threads [threads]",
        ] {
            assert!(svg.contains(needle), "missing {needle}");
        }
        // Each line is a polyline in its role's colour; the markers are circles.
        assert!(svg.matches("<polyline").count() >= 2);
        for role in [ColorRole::Primary, ColorRole::Secondary, ColorRole::Tertiary] {
            assert!(svg.contains(&hex(t.color(role))), "no stroke in {}", hex(t.color(role)));
        }
        assert!(svg.matches("<circle").count() >= 4);
    }

    #[test]
    fn log_scale_and_empty_and_tiny_charts_do_not_fail() {
        let spec = ChartSpec::new("Wait", Axis::new("Utilisation ρ", ""), Axis::new("Mean wait", "s"))
            .line(
                "Erlang C",
                vec![(0.1, 1e-4), (0.5, 0.01), (0.9, 0.5), (0.99, 9.0), (0.995, 0.0)],
                ColorRole::Primary,
            )
            .log_y();
        let (svg, n) = svg_of(&spec, (500, 260));
        assert_eq!(n, 4, "a zero cannot be drawn on a log axis");
        assert!(svg.contains("Erlang C"));
        let empty = ChartSpec::new("Nothing yet", Axis::new("Time", "s"), Axis::new("Queue", ""));
        let (svg, n) = svg_of(&empty, (500, 260));
        assert_eq!(n, 0);
        assert!(svg.contains("Nothing yet"));
        let (_, n) = svg_of(&spec, (40, 40));
        assert_eq!(n, 0);
        let flat = ChartSpec::new("Flat", Axis::new("Time", "s"), Axis::new("Queue", ""))
            .step_line("q", vec![(0.0, 0.0), (1.0, 0.0)], ColorRole::Primary)
            .line("nan", vec![(f64::NAN, 1.0), (2.0, f64::INFINITY)], ColorRole::Secondary);
        let (_, n) = svg_of(&flat, (500, 260));
        assert_eq!(n, 2);
    }

    #[test]
    fn fixed_ranges_clip_instead_of_failing() {
        let spec = ChartSpec::new("CPU", Axis::new("Time", "s"), Axis::new("CPU", "%"))
            .line("cpu", vec![(0.0, 50.0), (1.0, 180.0), (5.0, 20.0)], ColorRole::Primary)
            .h_guide(80.0, "80 % rule", ColorRole::Danger)
            .x_range(0.0, 2.0)
            .y_range(0.0, 100.0);
        let (svg, n) = svg_of(&spec, (500, 260));
        assert_eq!(n, 2, "the point past the x range is left out");
        assert!(svg.contains("80 % rule"));
    }
}
