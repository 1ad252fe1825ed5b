//! Charts of a live run as data: a [`ChartDef`] names a chart and says how to build its spec from the
//! run's series, the parameters and the [`Frame`] (the time window and the timeline's cursor);
//! [`ChartGrid`] draws any number of them.
//!
//! A chart shows its window and the data up to the cursor, so playing the timeline draws the story
//! as it happened. Time on the x axis is the scenario's wall clock: minutes since midnight for a
//! window of hours, days since 1970 for a window of months.

use super::{Chart, ChartSpec, ColorRole, XTime};
use crate::worker::client::LiveRun;
use leptos::prelude::*;
use postmortem_sim::params::Params;
use postmortem_sim::series::{Clock, Series};

/// The part of a run a chart shows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    /// Window start [simulated s].
    pub from_s: f64,
    /// Window end [simulated s].
    pub to_s: f64,
    /// The timeline's cursor [simulated s]; data after it is not drawn.
    pub cursor_s: f64,
    /// What x is.
    pub unit: XTime,
    /// Seconds after the x axis's zero at simulated time 0.
    pub origin_s: f64,
}

/// Windows longer than this are drawn in days, shorter ones on a clock.
const DAYS_ABOVE_S: f64 = 3.0 * 86_400.0;

impl Frame {
    /// A frame on `clock`: minutes since midnight for a time of day; for a date-time, minutes
    /// since 1970 when the window is at most three days long, days since 1970 otherwise; plain
    /// simulated seconds without a clock.
    pub fn new(from_s: f64, to_s: f64, cursor_s: f64, clock: Option<Clock>) -> Frame {
        let (unit, origin_s) = match clock {
            Some(Clock::TimeOfDay { origin_s }) => (XTime::Minutes, origin_s),
            Some(Clock::DateTime { origin_unix_s }) if to_s - from_s > DAYS_ABOVE_S => {
                (XTime::Days, origin_unix_s as f64)
            }
            Some(Clock::DateTime { origin_unix_s }) => (XTime::Minutes, origin_unix_s as f64),
            None => (XTime::Plain, 0.0),
        };
        Frame { from_s, to_s, cursor_s, unit, origin_s }
    }

    /// Simulated time on the x axis.
    pub fn x(&self, t_s: f64) -> f64 {
        let per = match self.unit {
            XTime::Days => 86_400.0,
            XTime::Minutes => 60.0,
            XTime::Plain => 1.0,
        };
        (self.origin_s + t_s) / per
    }

    /// The row range of `series` inside the window and not after the cursor.
    pub fn rows(&self, series: &Series) -> std::ops::Range<usize> {
        if series.is_empty() {
            return 0..0;
        }
        let t = series.time();
        let end = self.to_s.min(self.cursor_s);
        let lo = t.partition_point(|&v| v < self.from_s);
        let hi = t.partition_point(|&v| v <= end);
        lo..hi.max(lo)
    }

    /// `(x, y)` points of `column` in the frame, `y` scaled by `k`; empty when the column is
    /// missing or nothing is simulated yet.
    pub fn points(&self, series: &Series, column: &str, k: f64) -> Vec<(f64, f64)> {
        let Some(ys) = series.column(column) else { return Vec::new() };
        let t = series.time();
        self.rows(series).map(|r| (self.x(t[r]), ys[r] * k)).collect()
    }

    /// The sum over rows of several columns, e.g. ATs rebooting across all ATs.
    pub fn sum_points(&self, series: &Series, columns: &[String]) -> Vec<(f64, f64)> {
        let cols: Vec<&[f64]> = columns.iter().filter_map(|c| series.column(c)).collect();
        let t = series.time();
        self.rows(series).map(|r| (self.x(t[r]), cols.iter().map(|c| c[r]).sum())).collect()
    }

    /// Adds the window as the x range and, when inside it, the cursor as a guide.
    pub fn frame(&self, spec: ChartSpec) -> ChartSpec {
        let spec = spec.time_x(self.unit).x_range(self.x(self.from_s), self.x(self.to_s));
        if self.cursor_s > self.from_s && self.cursor_s < self.to_s {
            spec.v_guide(self.x(self.cursor_s), "now", ColorRole::Muted)
        } else {
            spec
        }
    }
}

/// One chart of a live chapter.
pub struct ChartDef {
    /// The figure's test id is `chart-<id>`.
    pub id: &'static str,
    /// What to look at, under the chart.
    pub caption: &'static str,
    /// Builds the spec.
    pub spec: fn(&Series, &Params, &Frame) -> ChartSpec,
}

/// The charts in `defs`, in order, drawn from `source` in `frame`.
#[component]
pub fn ChartGrid(
    /// The charts.
    defs: Vec<&'static ChartDef>,
    /// The run whose samples they show.
    run: LiveRun,
    /// Parameters of the run.
    #[prop(into)]
    params: Signal<Params>,
    /// Window and cursor.
    #[prop(into)]
    frame: Signal<Frame>,
) -> impl IntoView {
    view! {
        <div class="chart-grid">
            {defs
                .into_iter()
                .map(|def| {
                    let spec = Memo::new(move |_| {
                        let f = frame.get();
                        params.with(|p| run.with_series(|s| (def.spec)(s, p, &f)))
                    });
                    view! { <Chart id=def.id spec=spec caption=def.caption /> }
                })
                .collect_view()}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use postmortem_sim::series::Column;

    fn series() -> Series {
        let mut s = Series::new(vec![Column { name: "y".into(), label: "y".into(), unit: String::new() }]);
        for i in 0..10 {
            s.push(&[i as f64 * 60.0, i as f64]);
        }
        s
    }

    #[test]
    fn a_date_time_clock_draws_months_in_days_and_hours_on_a_clock() {
        // 2017-10-01T00:00:00Z is day 17440.
        let clock = Some(Clock::DateTime { origin_unix_s: 17_440 * 86_400 });
        let months = Frame::new(0.0, 182.0 * 86_400.0, 0.0, clock);
        assert_eq!(months.unit, XTime::Days);
        assert_eq!(months.x(86_400.0 * 1.5), 17_441.5);
        assert_eq!(crate::charts::draw::day_month(months.x(58.0 * 86_400.0)), "28 Nov");
        let hours = Frame::new(0.0, 7_200.0, 0.0, clock);
        assert_eq!(hours.unit, XTime::Minutes);
        assert_eq!(crate::charts::draw::clock_minutes(hours.x(3_600.0 * 11.5)), "11:30");
        assert_eq!(hours.frame(ChartSpec::default()).x_time, XTime::Minutes);
        assert_eq!(months.frame(ChartSpec::default()).x_time, XTime::Days);
    }

    #[test]
    fn a_frame_takes_the_window_up_to_the_cursor_on_a_clock_axis() {
        let clock = Some(Clock::TimeOfDay { origin_s: 9.5 * 3600.0 });
        let f = Frame::new(120.0, 420.0, 300.0, clock);
        let s = series();
        assert_eq!(f.rows(&s), 2..6);
        let pts = f.points(&s, "y", 2.0);
        assert_eq!(pts.first(), Some(&(572.0, 4.0)), "09:32 is minute 572");
        assert_eq!(pts.last(), Some(&(575.0, 10.0)));
        assert!(f.points(&s, "missing", 1.0).is_empty());
        let spec = f.frame(ChartSpec::default());
        assert_eq!(spec.x_range, Some((572.0, 577.0)));
        assert_eq!(spec.x_time, XTime::Minutes);
        assert_eq!(spec.v_guides.len(), 1, "the cursor is inside the window");
        let past = Frame::new(120.0, 420.0, 9_999.0, clock);
        assert_eq!(past.rows(&s), 2..8);
        assert!(past.frame(ChartSpec::default()).v_guides.is_empty());
        let none = Frame::new(0.0, 60.0, 30.0, None);
        assert_eq!((none.unit, none.x(42.0)), (XTime::Plain, 42.0), "no clock: simulated seconds");
        assert_eq!(none.rows(&Series::default()), 0..0);
        assert!(
            none.sum_points(&Series::default(), &["y".into()]).is_empty(),
            "a run not started yet draws nothing"
        );
    }
}
