//! What a chart shows, as plain data: a [`ChartSpec`] is built from a run's series (or a closed
//! form), handed to [`super::draw::draw_chart`] for any plotters backend, and summarised in words for
//! screen readers by [`ChartSpec::summary`].

use super::theme::ColorRole;
use postmortem_sim::params::fmt_num;
use postmortem_sim::series::Series;

/// An axis: what it measures and in which unit.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Axis {
    /// E.g. "Time".
    pub label: String,
    /// E.g. "s"; empty for a pure number.
    pub unit: String,
}

impl Axis {
    /// An axis description.
    pub fn new(label: impl Into<String>, unit: impl Into<String>) -> Axis {
        Axis { label: label.into(), unit: unit.into() }
    }

    /// "Time [s]", or "Utilisation ρ" without a unit.
    pub fn text(&self) -> String {
        if self.unit.is_empty() {
            self.label.clone()
        } else {
            format!("{} [{}]", self.label, self.unit)
        }
    }
}

/// One line.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// Legend name.
    pub name: String,
    /// (x, y) in data units, x ascending.
    pub points: Vec<(f64, f64)>,
    /// Colour role.
    pub role: ColorRole,
    /// Draw as a step function (the value holds until the next sample).
    pub step: bool,
    /// Draw dashed.
    pub dashed: bool,
}

/// A set of markers, e.g. simulated points on a closed-form curve.
#[derive(Clone, Debug, PartialEq)]
pub struct Scatter {
    /// Legend name.
    pub name: String,
    /// (x, y) in data units.
    pub points: Vec<(f64, f64)>,
    /// Colour role.
    pub role: ColorRole,
}

/// A reference line across the plot at one value, e.g. MinWorker or a probe timeout.
#[derive(Clone, Debug, PartialEq)]
pub struct Guide {
    /// Where, in data units.
    pub value: f64,
    /// Short label drawn beside the line.
    pub label: String,
    /// Colour role.
    pub role: ColorRole,
}

/// How the y axis maps values.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum YScale {
    /// Linear.
    #[default]
    Linear,
    /// Base-10 logarithmic; values ≤ 0 are not drawn.
    Log,
}

/// Everything one chart shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChartSpec {
    /// Title drawn at the top left of the chart.
    pub title: String,
    /// x axis.
    pub x: Axis,
    /// y axis.
    pub y: Axis,
    /// Lines, drawn in order.
    pub lines: Vec<Line>,
    /// Marker sets, drawn over the lines.
    pub scatter: Vec<Scatter>,
    /// Horizontal reference lines (y values).
    pub h_guides: Vec<Guide>,
    /// Vertical reference lines (x values).
    pub v_guides: Vec<Guide>,
    /// y scale.
    pub y_scale: YScale,
    /// Fixed x range; otherwise the data's.
    pub x_range: Option<(f64, f64)>,
    /// Fixed y range; otherwise from 0 (or the data's minimum) to the data's maximum.
    pub y_range: Option<(f64, f64)>,
    /// At most this many y tick labels (plotters picks round values); 5 otherwise.
    pub y_labels: Option<usize>,
    /// What x values are: plain numbers, or time on a wall clock.
    pub x_time: XTime,
}

impl XTime {
    /// `x` as its axis labels it: a plain number, `HH:MM`, or `28 Nov`.
    pub fn text(self, x: f64) -> String {
        match self {
            XTime::Plain => short_num(x),
            XTime::Minutes => super::draw::clock_minutes(x),
            XTime::Days => super::draw::day_month(x),
        }
    }
}

/// How x values read as time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum XTime {
    /// Plain numbers.
    #[default]
    Plain,
    /// Minutes since a midnight UTC, labelled `HH:MM` (round minutes make round times).
    Minutes,
    /// Days since 1970-01-01, labelled with the date, e.g. `28 Nov`.
    Days,
}

impl ChartSpec {
    /// An empty chart with a title and axes.
    pub fn new(title: impl Into<String>, x: Axis, y: Axis) -> ChartSpec {
        ChartSpec { title: title.into(), x, y, ..ChartSpec::default() }
    }

    /// Adds a solid line.
    pub fn line(mut self, name: impl Into<String>, points: Vec<(f64, f64)>, role: ColorRole) -> Self {
        self.lines.push(Line { name: name.into(), points, role, step: false, dashed: false });
        self
    }

    /// Adds a step line.
    pub fn step_line(mut self, name: impl Into<String>, points: Vec<(f64, f64)>, role: ColorRole) -> Self {
        self.lines.push(Line { name: name.into(), points, role, step: true, dashed: false });
        self
    }

    /// Adds a dashed line.
    pub fn dashed_line(mut self, name: impl Into<String>, points: Vec<(f64, f64)>, role: ColorRole) -> Self {
        self.lines.push(Line { name: name.into(), points, role, step: false, dashed: true });
        self
    }

    /// Adds the `i`-th of several lines of the same kind (one per host or app): the four series
    /// colours in turn, solid for the first four and dashed after.
    pub fn nth_line(self, i: usize, name: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        const ROLES: [ColorRole; 4] =
            [ColorRole::Primary, ColorRole::Secondary, ColorRole::Tertiary, ColorRole::Quaternary];
        let role = ROLES[i % ROLES.len()];
        if i < ROLES.len() {
            self.line(name, points, role)
        } else {
            self.dashed_line(name, points, role)
        }
    }

    /// Adds markers.
    pub fn points(mut self, name: impl Into<String>, points: Vec<(f64, f64)>, role: ColorRole) -> Self {
        self.scatter.push(Scatter { name: name.into(), points, role });
        self
    }

    /// Adds a horizontal guide at `y`.
    pub fn h_guide(mut self, y: f64, label: impl Into<String>, role: ColorRole) -> Self {
        self.h_guides.push(Guide { value: y, label: label.into(), role });
        self
    }

    /// Adds a vertical guide at `x`.
    pub fn v_guide(mut self, x: f64, label: impl Into<String>, role: ColorRole) -> Self {
        self.v_guides.push(Guide { value: x, label: label.into(), role });
        self
    }

    /// Fixes the x range.
    pub fn x_range(mut self, lo: f64, hi: f64) -> Self {
        self.x_range = Some((lo, hi));
        self
    }

    /// Fixes the y range.
    pub fn y_range(mut self, lo: f64, hi: f64) -> Self {
        self.y_range = Some((lo, hi));
        self
    }

    /// At most `n` y tick labels, e.g. one per host for a count of hosts.
    pub fn y_labels(mut self, n: usize) -> Self {
        self.y_labels = Some(n);
        self
    }

    /// Labels x as time: see [`XTime`].
    pub fn time_x(mut self, unit: XTime) -> Self {
        self.x_time = unit;
        self
    }

    /// Uses a logarithmic y axis.
    pub fn log_y(mut self) -> Self {
        self.y_scale = YScale::Log;
        self
    }

    /// A copy whose lines have at most about `max_points` points each (min/max per bucket, so
    /// spikes survive), or `None` when no line is longer than that.
    pub fn thinned_to(&self, max_points: usize) -> Option<ChartSpec> {
        let max_points = max_points.max(16);
        if self.lines.iter().all(|l| l.points.len() <= max_points) {
            return None;
        }
        let mut out = self.clone();
        for l in out.lines.iter_mut().filter(|l| l.points.len() > max_points) {
            let (xs, ys): (Vec<f64>, Vec<f64>) = l.points.iter().copied().unzip();
            l.points = thin(&xs, &ys, max_points);
        }
        Some(out)
    }

    /// How many data points the chart draws (line vertices before step expansion, plus markers).
    pub fn point_count(&self) -> usize {
        self.lines.iter().map(|l| l.points.len()).sum::<usize>()
            + self.scatter.iter().map(|s| s.points.len()).sum::<usize>()
    }

    /// A text alternative: the title, the axes and, per series, its range and last value.
    pub fn summary(&self) -> String {
        let mut out = format!("{}. {} against {}.", self.title, self.y.text(), self.x.text());
        if self.point_count() == 0 {
            out.push_str(" No data yet.");
        }
        let unit = if self.y.unit.is_empty() { String::new() } else { format!(" {}", self.y.unit) };
        let y = |p: &(f64, f64)| format!("{}{unit}", short_num(p.1));
        let at = |p: &(f64, f64)| match self.x_time {
            XTime::Plain => format!("{} {}", short_num(p.0), self.x.unit).trim_end().to_string(),
            t => t.text(p.0),
        };
        for (name, pts) in self
            .lines
            .iter()
            .map(|l| (&l.name, &l.points))
            .chain(self.scatter.iter().map(|s| (&s.name, &s.points)))
        {
            let finite = || pts.iter().filter(|p| p.1.is_finite());
            let lo = finite().min_by(|a, b| a.1.total_cmp(&b.1));
            // The first time the highest value is reached, as for the lowest.
            let hi = finite().max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.total_cmp(&a.0)));
            if let (Some(first), Some(last), Some(lo), Some(hi)) =
                (finite().next(), finite().next_back(), lo, hi)
            {
                out.push_str(&format!(
                    " {name}: {} at {} to {} at {}; lowest {} at {}, highest {} at {}.",
                    y(first),
                    at(first),
                    y(last),
                    at(last),
                    y(lo),
                    at(lo),
                    y(hi),
                    at(hi),
                ));
            }
        }
        for g in self.h_guides.iter().chain(&self.v_guides) {
            out.push_str(&format!(" Reference line: {}.", g.label));
        }
        out
    }
}

/// A number for people: at most 3 significant digits, thousands as "k".
pub fn short_num(v: f64) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    let a = v.abs();
    if a >= 1e6 {
        format!("{}M", fmt_num(round_sig(v / 1e6, 3)))
    } else if a >= 1e4 {
        format!("{}k", fmt_num(round_sig(v / 1e3, 3)))
    } else {
        fmt_num(round_sig(v, 3))
    }
}

fn round_sig(v: f64, digits: i32) -> f64 {
    if v == 0.0 {
        return 0.0;
    }
    let mag = v.abs().log10().floor() as i32;
    let scale = 10f64.powi(digits - 1 - mag);
    (v * scale).round() / scale
}

/// A column of a series as (time, value) points, thinned to at most `max_points` (each thinned
/// bucket keeps its first, lowest and highest sample, so spikes survive). `None` when the column is
/// missing.
pub fn column_points(series: &Series, column: &str, max_points: usize) -> Option<Vec<(f64, f64)>> {
    let ys = series.column(column)?;
    let xs = series.time();
    Some(thin(xs, ys, max_points))
}

/// Thins (x, y) samples to about `max_points`, keeping each bucket's first, minimum and maximum
/// samples in x order. Samples that are not finite are dropped.
pub fn thin(xs: &[f64], ys: &[f64], max_points: usize) -> Vec<(f64, f64)> {
    let n = xs.len().min(ys.len());
    let finite = |i: usize| xs[i].is_finite() && ys[i].is_finite();
    if n <= max_points.max(3) {
        return (0..n).filter(|&i| finite(i)).map(|i| (xs[i], ys[i])).collect();
    }
    let buckets = (max_points / 3).max(1);
    let size = n.div_ceil(buckets);
    let mut out = Vec::with_capacity(buckets * 3 + 1);
    let mut start = 0;
    while start < n {
        let end = (start + size).min(n);
        let idx: Vec<usize> = (start..end).filter(|&i| finite(i)).collect();
        if let (Some(&first), Some(&lo), Some(&hi)) = (
            idx.first(),
            idx.iter().min_by(|&&a, &&b| ys[a].total_cmp(&ys[b])),
            idx.iter().max_by(|&&a, &&b| ys[a].total_cmp(&ys[b])),
        ) {
            let mut keep = [first, lo, hi];
            keep.sort_unstable();
            let mut last = usize::MAX;
            for i in keep {
                if i != last {
                    out.push((xs[i], ys[i]));
                    last = i;
                }
            }
        }
        start = end;
    }
    if let Some(i) = (0..n).rev().find(|&i| finite(i)) {
        if out.last() != Some(&(xs[i], ys[i])) {
            out.push((xs[i], ys[i]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thinning_keeps_spikes_ends_and_order() {
        let xs: Vec<f64> = (0..10_000).map(f64::from).collect();
        let mut ys = vec![1.0; 10_000];
        ys[4321] = 500.0;
        ys[9999] = 7.0;
        let t = thin(&xs, &ys, 300);
        assert!(t.len() <= 302, "{}", t.len());
        assert!(t.contains(&(4321.0, 500.0)));
        assert_eq!(t.first(), Some(&(0.0, 1.0)));
        assert_eq!(t.last(), Some(&(9999.0, 7.0)));
        assert!(t.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(thin(&[0.0, 1.0], &[f64::NAN, 2.0], 100), vec![(1.0, 2.0)]);
    }

    #[test]
    fn summary_names_series_ranges_and_guides() {
        let s = ChartSpec::new("Threads", Axis::new("Time", "s"), Axis::new("Threads", "threads"))
            .line("threads", vec![(0.0, 4.0), (1.0, 192.0), (2.0, 194.0)], ColorRole::Primary)
            .h_guide(192.0, "MinWorker 192", ColorRole::Muted);
        let text = s.summary();
        assert!(text.starts_with("Threads. Threads [threads] against Time [s]."), "{text}");
        assert!(
            text.contains(
                "threads: 4 threads at 0 s to 194 threads at 2 s; lowest 4 threads at 0 s, highest 194 threads at 2 s."
            ),
            "{text}"
        );
        // On a clock, the times read as the axis reads them.
        let at = ChartSpec::new("ATs", Axis::new("Time", "UTC"), Axis::new("ATs", ""))
            .time_x(XTime::Minutes)
            .line(
                "in rotation",
                vec![(600.0, 7.0), (624.0, 1.0), (700.0, 7.0), (733.0, 6.0)],
                ColorRole::Primary,
            )
            .summary();
        assert!(
            at.contains("in rotation: 7 at 10:00 to 6 at 12:13; lowest 1 at 10:24, highest 7 at 10:00."),
            "{at}"
        );
        assert!(text.contains("MinWorker 192"));
        assert_eq!(s.point_count(), 3);
    }

    #[test]
    fn thinning_a_spec_bounds_every_line_and_keeps_short_ones() {
        let long: Vec<(f64, f64)> =
            (0..5000).map(|i| (i as f64, if i == 2500 { 99.0 } else { 1.0 })).collect();
        let s = ChartSpec::default().line("long", long.clone(), ColorRole::Primary).line(
            "short",
            vec![(0.0, 1.0), (1.0, 2.0)],
            ColorRole::Secondary,
        );
        let t = s.thinned_to(400).expect("the long line is thinned");
        assert!(t.lines[0].points.len() <= 402, "{}", t.lines[0].points.len());
        assert!(t.lines[0].points.contains(&(2500.0, 99.0)), "the spike survives");
        assert_eq!(t.lines[1].points, s.lines[1].points);
        assert!(s.thinned_to(5000).is_none());
    }

    #[test]
    fn short_numbers() {
        assert_eq!(short_num(0.0), "0");
        assert_eq!(short_num(0.012345), "0.0123");
        assert_eq!(short_num(192.0), "192");
        assert_eq!(short_num(12_345.0), "12.3k");
        assert_eq!(short_num(2_500_000.0), "2.5M");
    }
}
