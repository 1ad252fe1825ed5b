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
use postmortem_sim::calendar::civil;
use postmortem_sim::params::Params;
use postmortem_sim::scenario::Scenario;
use postmortem_sim::series::Series;
use std::fmt::Write;

/// `<scenario>_<preset>_seed<N>`: the preset whose values `params` are exactly, `defaults`, or
/// `custom`.
pub fn file_stem(sc: &Scenario, params: &Params, seed: u64) -> String {
    let preset = if *params == sc.defaults() {
        "defaults"
    } else {
        sc.presets
            .iter()
            .find(|p| {
                let mut q = sc.defaults();
                q.apply(sc.params, p).is_ok() && q == *params
            })
            .map_or("custom", |p| p.name)
    };
    format!("{}_{preset}_seed{seed}", sc.name)
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
    out.push_str("},\"columns\":[");
    for (i, c) in series.columns.iter().enumerate() {
        let _ = write!(
            out,
            "{}{{\"name\":{},\"label\":{},\"unit\":{}}}",
            if i > 0 { "," } else { "" },
            json_str(&c.name),
            json_str(&c.label),
            json_str(&c.unit)
        );
    }
    out.push_str("],\"data\":{");
    for (i, (c, values)) in series.columns.iter().zip(&series.data).enumerate() {
        let _ = write!(out, "{}{}:[", if i > 0 { "," } else { "" }, json_str(&c.name));
        for (j, v) in values.iter().enumerate() {
            let _ = write!(out, "{}{}", if j > 0 { "," } else { "" }, num_json(*v));
        }
        out.push(']');
    }
    out.push_str("}}\n");
    out
}

fn x_text(unit: XTime, x: f64) -> String {
    let secs = match unit {
        XTime::Plain => return num(x),
        XTime::Minutes => x * 60.0,
        XTime::Days => x * 86_400.0,
    };
    let s = secs.round() as i64;
    let hms = |sod: i64| format!("{:02}:{:02}:{:02}", sod / 3600, sod / 60 % 60, sod % 60);
    if s < 86_400 * 365 {
        // Minutes since midnight: a time of day.
        hms(s.rem_euclid(86_400))
    } else {
        let (d, sod) = civil(s);
        format!("{:04}-{:02}-{:02}T{}", d.year, d.month, d.day, hms(sod))
    }
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
    if s.contains([',', '"', '\n']) {
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
        assert_eq!(x_text(XTime::Days, 17_533.5), "2018-01-02T12:00:00");
        assert_eq!(x_text(XTime::Minutes, 17_533.0 * 1440.0 + 690.0), "2018-01-02T11:30:00");
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
    }

    #[test]
    fn file_names_say_the_scenario_preset_and_seed() {
        let sc = find("staircase").unwrap();
        let mut p = sc.defaults();
        assert_eq!(file_stem(sc, &p, 7), "staircase_defaults_seed7");
        p.apply(sc.params, sc.preset("min_worker_1000").unwrap()).unwrap();
        assert_eq!(file_stem(sc, &p, 7), "staircase_min_worker_1000_seed7");
        sc.set_str(&mut p, "cores", "8").unwrap();
        assert_eq!(file_stem(sc, &p, 1), "staircase_custom_seed1");
    }
}
