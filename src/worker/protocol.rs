//! [`Cmd`] and [`Event`] as JavaScript objects, for `postMessage`.
//!
//! ```text
//!  page → worker  {kind:"start", id, scenario, query, seed, paused} | {kind:"pause"|"resume"|"stop", id}
//!                 {kind:"seek", id, t} | {kind:"fork", id, from}
//!  worker → page  {kind:"ready"} | {kind:"header", id, names, labels, units, clock, origin, start, end}
//!                 {kind:"rows", id, first, ncols, data: Float64Array (column-major), now, done, paused}
//!                 {kind:"error", id, message} | {kind:"panic", message}
//! ```
//!
//! Samples travel as one `Float64Array` per message whose buffer is transferred, not copied; every
//! value keeps its bits, so the page's series is the worker's, byte for byte.

use super::runs::{Cmd, Event, RunId};
use js_sys::{Array, Float64Array, Object, Reflect};
use postmortem_sim::series::{Clock, Column};
use wasm_bindgen::{JsCast, JsValue};

fn set(o: &Object, key: &str, v: impl Into<JsValue>) {
    let _ = Reflect::set(o, &JsValue::from_str(key), &v.into());
}

fn get(o: &JsValue, key: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn num(o: &JsValue, key: &str) -> Option<f64> {
    get(o, key).as_f64()
}

fn id(o: &JsValue, key: &str) -> Option<RunId> {
    num(o, key).filter(|v| v.fract() == 0.0 && (0.0..=u32::MAX as f64).contains(v)).map(|v| v as RunId)
}

fn text(o: &JsValue, key: &str) -> String {
    get(o, key).as_string().unwrap_or_default()
}

/// The `kind` of a message.
pub fn kind(msg: &JsValue) -> String {
    text(msg, "kind")
}

/// Encodes a command.
pub fn encode_cmd(cmd: &Cmd) -> JsValue {
    let o = Object::new();
    match cmd {
        Cmd::Start { id, scenario, query, seed, paused } => {
            set(&o, "kind", "start");
            set(&o, "id", *id);
            set(&o, "scenario", scenario.as_str());
            set(&o, "query", query.as_str());
            set(&o, "seed", *seed as f64);
            set(&o, "paused", *paused);
        }
        Cmd::Pause { id } | Cmd::Resume { id } | Cmd::Stop { id } => {
            let k = match cmd {
                Cmd::Pause { .. } => "pause",
                Cmd::Resume { .. } => "resume",
                _ => "stop",
            };
            set(&o, "kind", k);
            set(&o, "id", *id);
        }
        Cmd::Seek { id, t_s } => {
            set(&o, "kind", "seek");
            set(&o, "id", *id);
            set(&o, "t", *t_s);
        }
        Cmd::Fork { id, from } => {
            set(&o, "kind", "fork");
            set(&o, "id", *id);
            set(&o, "from", *from);
        }
    }
    o.into()
}

/// Decodes a command. A malformed one is an error naming the run, when its id can be read, so the
/// page hears why nothing happens.
pub fn decode_cmd(msg: &JsValue) -> Result<Cmd, Option<(RunId, String)>> {
    let i = id(msg, "id").ok_or(None)?;
    let bad = |what: &str| {
        Some((i, format!("the simulation worker got a malformed \"{}\" command ({what})", kind(msg))))
    };
    Ok(match kind(msg).as_str() {
        "start" => Cmd::Start {
            id: i,
            scenario: text(msg, "scenario"),
            query: text(msg, "query"),
            seed: num(msg, "seed")
                .filter(|s| s.fract() == 0.0 && (0.0..=crate::url_state::MAX_SEED as f64).contains(s))
                .ok_or_else(|| bad("seed"))? as u64,
            paused: get(msg, "paused").is_truthy(),
        },
        "pause" => Cmd::Pause { id: i },
        "resume" => Cmd::Resume { id: i },
        "stop" => Cmd::Stop { id: i },
        "seek" => Cmd::Seek { id: i, t_s: num(msg, "t").filter(|t| t.is_finite()).ok_or_else(|| bad("t"))? },
        "fork" => Cmd::Fork { id: i, from: id(msg, "from").ok_or_else(|| bad("from"))? },
        _ => return Err(bad("kind")),
    })
}

/// Encodes an event; the second value, when present, is the buffer to transfer.
pub fn encode_event(ev: &Event) -> (JsValue, Option<JsValue>) {
    let o = Object::new();
    let mut transfer = None;
    match ev {
        Event::Ready => set(&o, "kind", "ready"),
        Event::Header { id, columns, clock, start_s, end_s } => {
            set(&o, "kind", "header");
            set(&o, "id", *id);
            let strings = |f: fn(&Column) -> &str| -> Array {
                columns.iter().map(|c| JsValue::from_str(f(c))).collect()
            };
            set(&o, "names", strings(|c| &c.name));
            set(&o, "labels", strings(|c| &c.label));
            set(&o, "units", strings(|c| &c.unit));
            let (k, origin) = match clock {
                None => (0.0, 0.0),
                Some(Clock::TimeOfDay { origin_s }) => (1.0, *origin_s),
                Some(Clock::DateTime { origin_unix_s }) => (2.0, *origin_unix_s as f64),
            };
            set(&o, "clock", k);
            set(&o, "origin", origin);
            set(&o, "start", *start_s);
            set(&o, "end", *end_s);
        }
        Event::Rows { id, first, ncols, data, now_s, done, paused } => {
            set(&o, "kind", "rows");
            set(&o, "id", *id);
            set(&o, "first", *first as f64);
            set(&o, "ncols", *ncols as f64);
            let arr = Float64Array::new_with_length(data.len() as u32);
            arr.copy_from(data);
            transfer = Some(arr.buffer().into());
            set(&o, "data", arr);
            set(&o, "now", *now_s);
            set(&o, "done", *done);
            set(&o, "paused", *paused);
        }
        Event::Error { id, message } => {
            set(&o, "kind", "error");
            set(&o, "id", *id);
            set(&o, "message", message.as_str());
        }
    }
    (o.into(), transfer)
}

/// Decodes an event; `None` for anything malformed (and for `panic`, which [`kind`] names).
pub fn decode_event(msg: &JsValue) -> Option<Event> {
    let k = kind(msg);
    if k == "ready" {
        return Some(Event::Ready);
    }
    let i = id(msg, "id")?;
    Some(match k.as_str() {
        "header" => {
            let strings = |key: &str| -> Vec<String> {
                get(msg, key)
                    .dyn_into::<Array>()
                    .map(|a| a.iter().map(|v| v.as_string().unwrap_or_default()).collect())
                    .unwrap_or_default()
            };
            let (names, labels, units) = (strings("names"), strings("labels"), strings("units"));
            let columns = names
                .into_iter()
                .enumerate()
                .map(|(c, name)| Column {
                    name,
                    label: labels.get(c).cloned().unwrap_or_default(),
                    unit: units.get(c).cloned().unwrap_or_default(),
                })
                .collect();
            let origin = num(msg, "origin").unwrap_or(0.0);
            let clock = match num(msg, "clock") {
                Some(1.0) => Some(Clock::TimeOfDay { origin_s: origin }),
                Some(2.0) => Some(Clock::DateTime { origin_unix_s: origin as i64 }),
                _ => None,
            };
            Event::Header { id: i, columns, clock, start_s: num(msg, "start")?, end_s: num(msg, "end")? }
        }
        "rows" => Event::Rows {
            id: i,
            first: num(msg, "first")? as usize,
            ncols: (num(msg, "ncols")? as usize).max(1),
            data: get(msg, "data").dyn_into::<Float64Array>().ok()?.to_vec(),
            now_s: num(msg, "now")?,
            done: get(msg, "done").is_truthy(),
            paused: get(msg, "paused").is_truthy(),
        },
        "error" => Event::Error { id: i, message: text(msg, "message") },
        _ => return None,
    })
}

/// A `{kind:"panic", message}` message.
pub fn panic_message(message: &str) -> JsValue {
    let o = Object::new();
    set(&o, "kind", "panic");
    set(&o, "message", message);
    o.into()
}

/// The message of a `panic` message.
pub fn panic_text(msg: &JsValue) -> String {
    text(msg, "message")
}
