//! Files a reader can take away: a chart as PNG or as CSV of the points it draws, and a whole run
//! as CSV (the same text as `postmortem-sim run … --format csv`) or JSON.
//!
//! ```text
//!  chart  ──► PNG  the canvas as drawn, at the device pixel ratio
//!         └─► CSV  series, x, y: every point of every line and dot set, x as a time where x is one
//!  run    ──► CSV  Series::to_csv, byte for byte the CLI's
//!         └─► JSON scenario, seed, every parameter, the columns and their values
//! ```
//!
//! File names say what the file holds: `<scenario>_<preset>_seed<N>[_<chart>].<ext>`, where the
//! preset is the preset whose values the parameters are, `defaults`, or `custom`.

use crate::charts::spec::XTime;
use crate::charts::ChartSpec;
use crate::url_state::preset_of;
use postmortem_sim::params::Params;
use postmortem_sim::scenario::Scenario;
use postmortem_sim::series::{Clock, Series};
use std::fmt::Write;

/// `<run>_<preset>_seed<N>` for a run of scenario `run` on the reader's parameters `params` (of
/// `sc`, as the URL has them): the preset the URL names, `defaults`, or `custom`.
pub fn file_stem(run: &str, sc: &Scenario, params: &Params, seed: u64) -> String {
    let preset = match preset_of(sc, params) {
        Some(name) => name,
        None if *params == sc.defaults() => "defaults",
        None => "custom",
    };
    format!("{run}_{preset}_seed{seed}")
}

/// The points a chart draws, one row each: `series,<x axis>,<y axis>` (axis names with their
/// units). On a time axis x is written as a time: `HH:MM:SS` on a day, an ISO date-time on a date.
pub fn chart_csv(spec: &ChartSpec) -> String {
    let head = |a: &crate::charts::Axis| {
        let t = if a.unit.is_empty() { a.label.clone() } else { format!("{} [{}]", a.label, a.unit) };
        csv_field(&t)
    };
    let mut out = format!("series,{},{}\n", head(&spec.x), head(&spec.y));
    let sets = spec
        .lines
        .iter()
        .map(|l| (&l.name, &l.points))
        .chain(spec.scatter.iter().map(|s| (&s.name, &s.points)));
    for (name, points) in sets {
        let name = csv_field(name);
        for &(x, y) in points.iter() {
            let _ = writeln!(out, "{name},{},{}", x_text(spec.x_time, x), num(y));
        }
    }
    out
}

/// A run as JSON: scenario, seed, every parameter's value, the columns and their data.
pub fn run_json(scenario: &str, seed: u64, params: &Params, series: &Series) -> String {
    let mut out = format!("{{\"scenario\":{},\"seed\":{seed},\"params\":{{", json_str(scenario));
    for (i, (name, v)) in params.iter().enumerate() {
        let _ = write!(out, "{}{}:{}", if i > 0 { "," } else { "" }, json_str(name), num_json(v));
    }
    // The columns of the CSV (`None` is `clock_utc`, after `time_s` on a wall clock).
    let mut order: Vec<Option<usize>> = (0..series.columns.len()).map(Some).collect();
    if series.clock.is_some() && !order.is_empty() {
        order.insert(1, None);
    }
    let meta = |c: Option<usize>| {
        c.map_or(("clock_utc", "Time (UTC)", ""), |i| {
            let c = &series.columns[i];
            (c.name.as_str(), c.label.as_str(), c.unit.as_str())
        })
    };
    out.push_str("},\"columns\":[");
    for (j, &c) in order.iter().enumerate() {
        let (name, label, unit) = meta(c);
        let _ = write!(
            out,
            "{}{{\"name\":{},\"label\":{},\"unit\":{}}}",
            if j > 0 { "," } else { "" },
            json_str(name),
            json_str(label),
            json_str(unit)
        );
    }
    out.push_str("],\"data\":{");
    for (j, &c) in order.iter().enumerate() {
        let _ = write!(out, "{}{}:[", if j > 0 { "," } else { "" }, json_str(meta(c).0));
        for (r, &t) in series.time().iter().enumerate() {
            let v = match (c, series.clock) {
                (Some(i), _) => num_json(series.data[i][r]),
                (None, Some(clock)) => json_str(&clock.format(t)),
                (None, None) => String::new(),
            };
            let _ = write!(out, "{}{v}", if r > 0 { "," } else { "" });
        }
        out.push(']');
    }
    out.push_str("}}\n");
    out
}

fn x_text(unit: XTime, x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    let secs = match unit {
        XTime::Plain => return num(x),
        XTime::Minutes => x * 60.0,
        XTime::Days => x * 86_400.0,
    };
    // Minutes since midnight read as a time of day; since 1970, as a date-time.
    let clock = if secs < 86_400.0 * 365.0 {
        Clock::TimeOfDay { origin_s: 0.0 }
    } else {
        Clock::DateTime { origin_unix_s: 0 }
    };
    clock.format(secs)
}

fn num(v: f64) -> String {
    if v.is_finite() {
        format!("{v}")
    } else {
        String::new()
    }
}

fn num_json(v: f64) -> String {
    if v.is_finite() {
        format!("{v}")
    } else {
        "null".into()
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn json_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Offers `data` (a URL: `data:` or an object URL) to the reader as the file `name`.
pub fn download_url(name: &str, url: &str) {
    use wasm_bindgen::JsCast;
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    let Ok(a) = doc.create_element("a") else { return };
    let _ = a.set_attribute("href", url);
    let _ = a.set_attribute("download", name);
    let _ = a.set_attribute("hidden", "");
    if let Some(body) = doc.body() {
        let _ = body.append_child(&a);
    }
    if let Ok(el) = a.dyn_into::<web_sys::HtmlElement>() {
        el.click();
        el.remove();
    }
}

/// Offers `text` as the file `name` of type `mime`.
pub fn download_text(name: &str, mime: &str, text: &str) {
    let parts = js_sys::Array::of1(&text.into());
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    download_url(name, &url);
    // The click has handed the file over; the URL can go once this task is done.
    leptos::prelude::set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_millis(1000),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charts::{Axis, ColorRole};
    use postmortem_sim::scenario::find;
    use postmortem_sim::series::{Column, Series};

    #[test]
    fn a_charts_csv_has_every_point_with_times_as_times() {
        let spec = ChartSpec::new("ATs", Axis::new("Time", ""), Axis::new("ATs, in rotation", "ATs"))
            .time_x(XTime::Minutes)
            .line("in rotation", vec![(600.0, 7.0), (610.5, 3.0)], ColorRole::Primary)
            .points("dots \"x\"", vec![(601.0, f64::NAN)], ColorRole::Secondary);
        assert_eq!(
            chart_csv(&spec),
            "series,Time,\"ATs, in rotation [ATs]\"\nin rotation,10:00:00,7\nin rotation,10:10:30,3\n\"dots \"\"x\"\"\",10:01:00,\n"
        );
        // Days since 1970 and minutes since 1970 are dates.
        assert_eq!(x_text(XTime::Days, 17_533.5), "2018-01-02T12:00:00Z");
        assert_eq!(x_text(XTime::Minutes, 17_533.0 * 1440.0 + 690.0), "2018-01-02T11:30:00Z");
        assert_eq!(x_text(XTime::Plain, 2.5), "2.5");
    }

    #[test]
    fn a_runs_json_holds_its_parameters_and_columns() {
        let sc = find("staircase").unwrap();
        let mut p = sc.defaults();
        sc.set_str(&mut p, "min_worker", "50").unwrap();
        let mut s = Series::new(vec![Column {
            name: "q".into(),
            label: "Queue \"now\"".into(),
            unit: String::new(),
        }]);
        s.push(&[0.0, 1.5]);
        s.push(&[1.0, f64::INFINITY]);
        let text = run_json("staircase", 3, &p, &s);
        assert!(text.starts_with("{\"scenario\":\"staircase\",\"seed\":3,\"params\":{"), "{text}");
        assert!(text.contains("\"min_worker\":50"), "{text}");
        assert!(text.contains("{\"name\":\"q\",\"label\":\"Queue \\\"now\\\"\",\"unit\":\"\"}"), "{text}");
        assert!(text.ends_with("\"data\":{\"time_s\":[0,1],\"q\":[1.5,null]}}\n"), "{text}");
        // On a wall clock the JSON has the CSV's clock_utc column too.
        s.clock = Some(postmortem_sim::series::Clock::TimeOfDay { origin_s: 36_000.0 });
        let text = run_json("staircase", 3, &p, &s);
        assert!(text.contains("\"columns\":[{\"name\":\"time_s\""), "{text}");
        assert!(text.contains("{\"name\":\"clock_utc\",\"label\":\"Time (UTC)\",\"unit\":\"\"}"), "{text}");
        assert!(text.contains("\"clock_utc\":[\"10:00:00\",\"10:00:01\"]"), "{text}");
    }

    #[test]
    fn file_names_say_the_scenario_preset_and_seed() {
        let sc = find("staircase").unwrap();
        let mut p = sc.defaults();
        assert_eq!(file_stem("staircase", sc, &p, 7), "staircase_defaults_seed7");
        p.apply(sc.params, sc.preset("min_worker_1000").unwrap()).unwrap();
        assert_eq!(file_stem("staircase", sc, &p, 7), "staircase_min_worker_1000_seed7");
        sc.set_str(&mut p, "cores", "8").unwrap();
        assert_eq!(file_stem("staircase", sc, &p, 1), "staircase_custom_seed1");
        // A chapter's panel names the preset for each of its runs, whatever values a run fixes.
        let zoom = find("7pace-2018-01-02").unwrap();
        let mut q = zoom.defaults();
        q.apply(zoom.params, zoom.preset("page-visibility").unwrap()).unwrap();
        assert_eq!(file_stem("7pace-2017", zoom, &q, 2), "7pace-2017_page-visibility_seed2");
    }
}
