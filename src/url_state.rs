//! A chapter's state in the URL: which step, which seed, and the parameters that differ from the
//! defaults of that step's scenario.
//!
//! Reading never fails and never panics: every bad piece (an unknown name, a value that is not a
//! number or out of range, a step that does not exist) becomes one [`ParamError`] whose message names
//! the piece and what is allowed, and the piece falls back to its default. Valid pieces are kept.
//!
//! ```
//! use postmortem_lab::routes::Query;
//! use postmortem_lab::url_state::read_chapter;
//! let scenario = postmortem_sim::scenario::find("mmc").unwrap();
//! let q = Query::parse("step=1&seed=9&servers=3&arrival_rate=lots");
//! let s = read_chapter(&q, 3, |_| Some(scenario));
//! assert_eq!((s.step, s.seed), (1, 9));
//! assert_eq!(s.params.unwrap().get("servers"), 3.0);
//! assert!(s.errors[0].message.starts_with("arrival_rate must be a number from"));
//! ```
//!
//! Writing goes through `history.replaceState`, so a slider drag does not fill the back button's
//! history and nothing reloads.

use crate::routes::{Page, Query, Route};
use postmortem_sim::calendar::{civil, Date};
use postmortem_sim::params::{fmt_num, ParamError, Params};
use postmortem_sim::scenario::Scenario;
use postmortem_sim::series::Clock;

/// The seed a chapter starts with.
pub const DEFAULT_SEED: u64 = 1;
/// The largest seed: every integer up to it survives a trip through a JavaScript number.
pub const MAX_SEED: u64 = (1 << 53) - 1;
/// Query names that are not scenario parameters.
pub const RESERVED: [&str; 5] = ["step", "seed", "embed", "preset", "t"];

/// What a chapter reads from its URL.
#[derive(Clone, Debug, PartialEq)]
pub struct ChapterUrl {
    /// The step, 1-based.
    pub step: usize,
    /// The run seed.
    pub seed: u64,
    /// `embed=1`: show only the figures and the panel.
    pub embed: bool,
    /// The step's scenario parameters (defaults plus the valid values in the URL), when the step has
    /// a scenario.
    pub params: Option<Params>,
    /// One message per bad piece of the URL.
    pub errors: Vec<ParamError>,
}

/// Reads a chapter's state. `scenario_for_step(step)` gives the scenario behind a step (1-based), if
/// it has one; parameters are read against that scenario only.
pub fn read_chapter(
    query: &Query,
    steps: usize,
    scenario_for_step: impl Fn(usize) -> Option<&'static Scenario>,
) -> ChapterUrl {
    let mut errors = Vec::new();
    let steps = steps.max(1);
    let step = match query.get("step") {
        None => 1,
        Some(text) => match parse_int(text, 1, steps as u64) {
            Some(v) => v as usize,
            None => {
                errors.push(ParamError {
                    name: "step".into(),
                    message: format!(
                        "step must be an integer from 1 to {steps} (got \"{}\"); showing step 1",
                        short(text)
                    ),
                });
                1
            }
        },
    };
    let seed = match query.get("seed") {
        None => DEFAULT_SEED,
        Some(text) => match parse_int(text, 0, MAX_SEED) {
            Some(v) => v,
            None => {
                errors.push(seed_error(text));
                DEFAULT_SEED
            }
        },
    };
    let embed = matches!(query.get("embed"), Some("1" | "true" | "yes"));
    let scenario = scenario_for_step(step);
    let mut params = scenario.map(Scenario::defaults);
    let pairs = query.pairs().filter(|(n, _)| !RESERVED.contains(n));
    match (scenario, params.as_mut()) {
        (Some(sc), Some(p)) => errors.extend(sc.set_many(p, pairs)),
        _ => errors.extend(pairs.map(|(n, _)| ParamError {
            name: n.to_string(),
            message: format!("unknown parameter \"{}\"; this step has no parameters yet", short(n)),
        })),
    }
    ChapterUrl { step, seed, embed, params, errors }
}

/// What an incident chapter reads from its URL: the chapter's state plus a preset and a time.
#[derive(Clone, Debug, PartialEq)]
pub struct StoryUrl {
    /// Step, seed, embed, parameters (the preset's, then the URL's own values) and errors.
    pub chapter: ChapterUrl,
    /// The preset named in the URL, when it was valid.
    pub preset: Option<&'static str>,
    /// The timeline's time [simulated s], when given and valid.
    pub t_s: Option<f64>,
}

/// Reads a live chapter's URL: `preset=NAME` applies first, the parameters in the URL on top
/// (both against the step's scenario, `sc_for_step(step)`); `t` is the timeline's time on the
/// clock of the step's timeline, which `time_of(step, params)` gives with its end (simulated time
/// runs from 0 to the end).
pub fn read_story(
    query: &Query,
    steps: usize,
    sc_for_step: impl Fn(usize) -> &'static Scenario,
    time_of: impl Fn(usize, &Params) -> (Option<Clock>, f64),
) -> StoryUrl {
    let mut chapter = read_chapter(query, steps, |k| Some(sc_for_step(k)));
    let sc = sc_for_step(chapter.step);
    let mut preset = None;
    if let Some(name) = query.get("preset") {
        match sc.preset(name) {
            Ok(p) => {
                let mut params = sc.defaults();
                // Presets are checked by the core's tests; a refusal here keeps the defaults.
                if params.apply(sc.params, p).is_ok() {
                    let own = query.pairs().filter(|(n, _)| !RESERVED.contains(n));
                    // The same values were read against the defaults above, and their messages
                    // are already in `chapter.errors`.
                    let _ = sc.set_many(&mut params, own);
                    chapter.params = Some(params);
                    preset = Some(p.name);
                }
            }
            Err(mut e) => {
                e.message = format!("{}; showing the defaults", e.message);
                chapter.errors.push(e);
            }
        }
    }
    let (clock, end_s) = time_of(chapter.step, chapter.params.as_ref().unwrap_or(&sc.defaults()));
    let t_s = query.get("t").and_then(|text| match parse_time(clock, text) {
        Some(t) if (0.0..=end_s).contains(&t) => Some(t),
        _ => {
            chapter.errors.push(ParamError { name: "t".into(), message: time_error(clock, end_s, text) });
            None
        }
    });
    StoryUrl { chapter, preset, t_s }
}

/// Simulated time on `clock` written as in the URL: `HH:MM[:SS]` on a time of day,
/// `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM` on a date-time, plain seconds without a clock.
pub fn time_text(clock: Option<Clock>, t_s: f64) -> String {
    match clock {
        None => fmt_num((t_s * 100.0).round() / 100.0),
        Some(Clock::TimeOfDay { origin_s }) => clock_of_day(origin_s + t_s),
        Some(Clock::DateTime { origin_unix_s }) => {
            let (d, sod) = civil(origin_unix_s + t_s.max(0.0).round() as i64);
            let date = format!("{:04}-{:02}-{:02}", d.year, d.month, d.day);
            match sod / 60 {
                0 => date,
                m => format!("{date}T{:02}:{:02}", m / 60, m % 60),
            }
        }
    }
}

/// The simulated time `text` names on `clock` (see [`time_text`]), if it is well formed.
pub fn parse_time(clock: Option<Clock>, text: &str) -> Option<f64> {
    match clock {
        None => text.trim().parse::<f64>().ok().filter(|t| t.is_finite()),
        Some(Clock::TimeOfDay { origin_s }) => parse_clock(text).map(|sod| sod - origin_s),
        Some(Clock::DateTime { origin_unix_s }) => {
            let text = text.trim();
            let (date, time) = match text.split_once('T') {
                Some((d, t)) => (d, Some(t)),
                None => (text, None),
            };
            let parts: Vec<&str> = date.split('-').collect();
            let lens_ok =
                parts.len() == 3 && parts[0].len() == 4 && parts[1].len() == 2 && parts[2].len() == 2;
            if !lens_ok || !date.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
                return None;
            }
            let d = Date::new(parts[0].parse().ok()?, parts[1].parse().ok()?, parts[2].parse().ok()?);
            let sod = match time {
                Some(t) => parse_clock(t)?,
                None => 0.0,
            };
            d.is_valid().then(|| (d.days() * 86_400 - origin_unix_s) as f64 + sod)
        }
    }
}

fn time_error(clock: Option<Clock>, end_s: f64, text: &str) -> String {
    let (from, to) = (time_text(clock, 0.0), time_text(clock, end_s));
    match clock {
        None => format!("t must be a number of seconds from {from} to {to} (got \"{}\")", short(text)),
        Some(Clock::TimeOfDay { .. }) => {
            format!("t must be a time from {from} to {to} UTC as HH:MM or HH:MM:SS (got \"{}\")", short(text))
        }
        Some(Clock::DateTime { .. }) => format!(
            "t must be a date from {from} to {to} as YYYY-MM-DD or YYYY-MM-DDTHH:MM, UTC (got \"{}\")",
            short(text)
        ),
    }
}

/// The query of a live chapter: `step`, `seed`, then `preset` when the parameters are exactly
/// a preset's (other than the defaults), else every changed parameter; then `t` and `embed`.
pub fn story_query(
    step: usize,
    seed: u64,
    params: &Params,
    sc: &Scenario,
    t: Option<(Option<Clock>, f64)>,
    embed: bool,
) -> Query {
    let mut pairs: Vec<(String, String)> =
        vec![("step".into(), step.to_string()), ("seed".into(), seed.to_string())];
    match preset_of(sc, params) {
        Some(name) => pairs.push(("preset".into(), name.to_string())),
        None => pairs.extend(params.changed(sc.params).map(|(n, v)| (n.to_string(), format!("{v}")))),
    }
    if let Some((clock, t)) = t {
        pairs.push(("t".into(), time_text(clock, t)));
    }
    if embed {
        pairs.push(("embed".into(), "1".into()));
    }
    Query::from_pairs(pairs)
}

/// The preset (other than the defaults) whose values `params` are exactly, if any.
pub fn preset_of(sc: &Scenario, params: &Params) -> Option<&'static str> {
    sc.presets
        .iter()
        .find(|p| {
            let mut q = sc.defaults();
            !p.changes.is_empty() && q.apply(sc.params, p).is_ok() && q == *params
        })
        .map(|p| p.name)
}

/// `HH:MM` or `HH:MM:SS` as seconds after midnight.
pub fn parse_clock(text: &str) -> Option<f64> {
    let parts: Vec<&str> = text.trim().split(':').collect();
    if !(2..=3).contains(&parts.len()) || parts.iter().any(|p| p.is_empty() || p.len() > 2) {
        return None;
    }
    if !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let n: Vec<u32> = parts.iter().map(|p| p.parse::<u32>().ok()).collect::<Option<_>>()?;
    let (h, m, s) = (n[0], n[1], n.get(2).copied().unwrap_or(0));
    (h < 24 && m < 60 && s < 60).then(|| f64::from(h * 3600 + m * 60 + s))
}

/// Seconds after midnight as `HH:MM`, or `HH:MM:SS` when the seconds are not zero.
pub fn clock_of_day(sod: f64) -> String {
    let t = sod.round().max(0.0) as u32 % 86_400;
    if t.is_multiple_of(60) {
        format!("{:02}:{:02}", t / 3600, t / 60 % 60)
    } else {
        format!("{:02}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60)
    }
}

/// Seconds after midnight as `HH:MM`.
pub fn hhmm(sod: f64) -> String {
    let t = sod.round().max(0.0) as u32 % 86_400;
    format!("{:02}:{:02}", t / 3600, t / 60 % 60)
}

/// The error for a seed that is not an integer from 0 to [`MAX_SEED`].
pub fn seed_error(text: &str) -> ParamError {
    ParamError {
        name: "seed".into(),
        message: format!("seed must be an integer from 0 to {MAX_SEED} (got \"{}\")", short(text)),
    }
}

/// Parses a seed typed by a reader.
pub fn parse_seed(text: &str) -> Result<u64, ParamError> {
    parse_int(text, 0, MAX_SEED).ok_or_else(|| seed_error(text))
}

/// Replaces the current history entry's hash with `page` + `query`, without a reload or a
/// `hashchange` event. Does nothing outside a browser or when the hash is already that.
pub fn write_hash(page: Page, query: &Query) {
    let hash = Route::hash_for(page, query);
    let Some(window) = web_sys::window() else { return };
    if window.location().hash().ok().as_deref() == Some(hash.as_str()) {
        return;
    }
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&hash));
    }
}

/// The current `location.hash`, or `""`.
pub fn current_hash() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

fn parse_int(text: &str, min: u64, max: u64) -> Option<u64> {
    let t = text.trim();
    let v: u64 = if let Ok(v) = t.parse::<u64>() {
        v
    } else {
        // Accept "3.0" or "1e3" but not "2.5".
        let f: f64 = t.parse().ok()?;
        if !f.is_finite() || f.fract() != 0.0 || f < 0.0 || f > u64::MAX as f64 {
            return None;
        }
        f as u64
    };
    (min..=max).contains(&v).then_some(v)
}

fn short(text: &str) -> String {
    if text.chars().count() <= 24 {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(24).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use postmortem_sim::scenario::find;

    fn stair(_: usize) -> Option<&'static Scenario> {
        find("staircase").ok()
    }

    #[test]
    fn round_trips_step_seed_and_changed_params() {
        let sc = find("staircase").unwrap();
        let mut p = sc.defaults();
        p.set_str(sc.params, "min_worker", "1000").unwrap();
        p.set_str(sc.params, "io_s", "0.05").unwrap();
        let q = story_query(2, 42, &p, sc, None, true);
        let text = Route::hash_for(Page::Basics, &q);
        assert_eq!(text, "#/basics?step=2&seed=42&min_worker=1000&io_s=0.05&embed=1");
        let back = read_chapter(&Route::parse(&text).query, 3, stair);
        assert_eq!(back, ChapterUrl { step: 2, seed: 42, embed: true, params: Some(p), errors: vec![] });
    }

    #[test]
    fn bad_pieces_fall_back_and_name_the_allowed_range() {
        let q = Query::parse("step=9&seed=-1&min_worker=0&cores=8&bogus=1&io_s=abc");
        let s = read_chapter(&q, 3, stair);
        assert_eq!(s.step, 1);
        assert_eq!(s.seed, DEFAULT_SEED);
        let p = s.params.unwrap();
        assert_eq!(p.get("cores"), 8.0);
        assert_eq!(p.get("min_worker"), 192.0);
        let msgs: Vec<_> = s.errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(msgs.len(), 5, "{msgs:?}");
        assert!(msgs[0].starts_with("step must be an integer from 1 to 3"));
        assert!(msgs[1].starts_with("seed must be an integer from 0 to"));
        assert!(msgs[2].starts_with("min_worker must be an integer from 1 to 2000"));
        assert!(msgs[3].contains("unknown parameter \"bogus\""));
        assert!(msgs[4].starts_with("io_s must be a number from"));
    }

    #[test]
    fn steps_without_a_scenario_report_every_parameter() {
        let s = read_chapter(&Query::parse("step=2&x=1"), 4, |_| None);
        assert_eq!(s.step, 2);
        assert!(s.params.is_none());
        assert_eq!(s.errors.len(), 1);
        assert!(s.errors[0].message.contains("\"x\""));
    }

    #[test]
    fn a_story_url_round_trips_preset_params_time_and_reports_bad_pieces() {
        let sc = find("vsts-2018-02-07").unwrap();
        let clock = Some(Clock::TimeOfDay { origin_s: 9.5 * 3600.0 });
        let time_of = |_: usize, _: &Params| (clock, 12_600.0);
        let mut p = sc.defaults();
        p.apply(sc.params, sc.preset("no-crash-bug").unwrap()).unwrap();
        let q = story_query(4, 9, &p, sc, Some((clock, 2520.0)), false);
        assert_eq!(Route::hash_for(Page::Vsts, &q), "#/vsts-2018?step=4&seed=9&preset=no-crash-bug&t=10:12");
        let back = read_story(&q, 10, |_| sc, time_of);
        assert_eq!(back.chapter.params.as_ref(), Some(&p));
        assert_eq!(
            (back.preset, back.t_s, back.chapter.step, back.chapter.seed),
            (Some("no-crash-bug"), Some(2520.0), 4, 9)
        );
        assert!(back.chapter.errors.is_empty(), "{:?}", back.chapter.errors);

        // A preset with a tweak on top is written as its changed values.
        sc.set_str(&mut p, "min_worker", "400").unwrap();
        let q = story_query(1, 1, &p, sc, Some((clock, 75.0)), false);
        assert_eq!(q.get("preset"), None);
        assert_eq!(
            (q.get("crash_rate_per_h"), q.get("min_worker"), q.get("t")),
            (Some("0"), Some("400"), Some("09:31:15"))
        );
        assert_eq!(read_story(&q, 10, |_| sc, time_of).chapter.params.unwrap(), p);

        let bad = Query::parse("preset=nope&min_worker=banana&seed=-3&t=14:00&n_at=5");
        let s = read_story(&bad, 10, |_| sc, time_of);
        let msgs: Vec<&str> = s.chapter.errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(msgs.len(), 4, "{msgs:?}");
        assert!(msgs.iter().any(|m| m.starts_with("seed must be an integer from 0 to")));
        assert!(msgs.iter().any(|m| m.starts_with("min_worker must be an integer from 8 to 2000")));
        assert!(msgs.iter().any(|m| m.starts_with("unknown preset \"nope\"")));
        assert!(msgs.iter().any(|m| m.starts_with("t must be a time from 09:30 to 13:00 UTC")));
        assert_eq!(s.chapter.params.unwrap().get("n_at"), 5.0, "the valid piece is kept");
        assert_eq!((s.preset, s.t_s), (None, None));
    }

    #[test]
    fn dates_in_the_url_round_trip_and_parse_strictly() {
        // 2017-10-01T00:00:00Z.
        let clock = Some(Clock::DateTime { origin_unix_s: 17_440 * 86_400 });
        let end = 182.0 * 86_400.0;
        assert_eq!(time_text(clock, 58.0 * 86_400.0), "2017-11-28");
        assert_eq!(time_text(clock, 93.0 * 86_400.0 + 11.5 * 3600.0), "2018-01-02T11:30");
        for t in [0.0, 58.0 * 86_400.0, 93.0 * 86_400.0 + 11.5 * 3600.0, end] {
            assert_eq!(parse_time(clock, &time_text(clock, t)), Some(t));
        }
        for bad in [
            "2017-11-31",
            "2017-11-2",
            "17-11-28",
            "2017-13-01",
            "2018-01-02T25:00",
            "2018-01-02T",
            "+017-11-28",
            "28.11.2017",
            "",
        ] {
            assert_eq!(parse_time(clock, bad), None, "{bad}");
        }
        let sc = find("7pace-2017").unwrap();
        let s = read_story(&Query::parse("t=2018-05-01"), 8, |_| sc, |_, _| (clock, end));
        assert_eq!(s.t_s, None);
        assert_eq!(
            s.chapter.errors[0].message,
            "t must be a date from 2017-10-01 to 2018-04-01 as YYYY-MM-DD or YYYY-MM-DDTHH:MM, UTC (got \"2018-05-01\")"
        );
        let q = story_query(7, 1, &sc.defaults(), sc, Some((clock, 93.0 * 86_400.0)), false);
        assert_eq!(q.get("t"), Some("2018-01-02"));
        assert_eq!(read_story(&q, 8, |_| sc, |_, _| (clock, end)).t_s, Some(93.0 * 86_400.0));
    }

    #[test]
    fn each_step_reads_its_own_scenario_and_plain_seconds() {
        let scs = [find("mmc").unwrap(), find("staircase").unwrap()];
        let time_of = |_: usize, p: &Params| (None, p.get("duration_s"));
        let s = read_story(&Query::parse("step=2&min_worker=50&t=30.5"), 2, |k| scs[k - 1], time_of);
        assert!(s.chapter.errors.is_empty(), "{:?}", s.chapter.errors);
        assert_eq!((s.chapter.params.unwrap().get("min_worker"), s.t_s), (50.0, Some(30.5)));
        // The same name on step 1 is read against `mmc`, which has none.
        let s = read_story(&Query::parse("step=1&min_worker=50&t=99999"), 2, |k| scs[k - 1], time_of);
        let msgs: Vec<&str> = s.chapter.errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(msgs.len(), 2, "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("\"min_worker\"")), "{msgs:?}");
        assert!(
            msgs.iter().any(|m| m.starts_with("t must be a number of seconds from 0 to 600")),
            "{msgs:?}"
        );
        assert_eq!(time_text(None, 12.345), "12.35");
        assert_eq!(parse_time(None, "inf"), None);
    }

    #[test]
    fn clock_texts_parse_strictly() {
        assert_eq!(parse_clock("10:12"), Some(36_720.0));
        assert_eq!(parse_clock("09:31:15"), Some(34_275.0));
        for bad in ["10", "25:00", "10:60", "10:1:2:3", "a:b", "10:", "100:00", "+9:+5", "-1:00", "9 :05"] {
            assert_eq!(parse_clock(bad), None, "{bad}");
        }
        assert_eq!(clock_of_day(36_720.0), "10:12");
        assert_eq!(clock_of_day(34_275.0), "09:31:15");
    }

    #[test]
    fn seeds_parse_as_whole_numbers_only() {
        assert_eq!(parse_seed("7").unwrap(), 7);
        assert_eq!(parse_seed(" 1e3 ").unwrap(), 1000);
        assert!(parse_seed("2.5").is_err());
        assert!(parse_seed("9007199254740992").is_err());
        assert!(parse_seed("NaN").is_err());
    }
}
