//! The page's side: one simulation worker per page, and [`LiveRun`], a run in it that charts follow.
//!
//! ```text
//!  use_live_run(scenario, query, seed) ──(next animation frame)──► Start{id} ──► worker
//!        ▲                                                            │ header, rows…
//!        └── LiveRun { series (appended), version += 1, status } ◄────┘
//! ```
//!
//! The worker is started from a one-line module blob script that imports the page's own JavaScript
//! glue (by its URL resolved against `document.baseURI`, so the site works at a host's root and
//! under any sub-path) and instantiates the page's wasm module, posted to it: one wasm serves the
//! page and the worker. Commands sent before it has said "ready" wait in a queue (a message posted before the
//! worker listens would be lost). If the worker dies (a panic inside it), every run in flight
//! reports the message, and the next run starts a fresh worker.

use super::protocol::{decode_event, encode_cmd, kind, panic_text};
use super::runs::{append_rows, empty_series, Cmd, Event, RunId};
use super::IdMap;
use leptos::prelude::*;
use postmortem_sim::series::Series;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, MessageEvent, Url, Worker, WorkerOptions, WorkerType};

type Sink = Rc<dyn Fn(Event)>;

struct Client {
    worker: Worker,
    ready: bool,
    pending: Vec<JsValue>,
    sinks: IdMap<Sink>,
    dead: bool,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::ErrorEvent)>,
}

thread_local! {
    static CLIENT: RefCell<Option<Client>> = const { RefCell::new(None) };
    static NEXT_ID: std::cell::Cell<RunId> = const { std::cell::Cell::new(1) };
}

/// A fresh run id, unique in this page.
pub fn next_id() -> RunId {
    NEXT_ID.with(|n| {
        let id = n.get();
        n.set(id.wrapping_add(1).max(1));
        id
    })
}

/// The worker runs the page's own module: the page's JavaScript glue (trunk's `modulepreload`
/// link in `index.html` names it, with its content hash) and the page's compiled wasm, posted to
/// the worker as a `WebAssembly.Module`, so it is neither fetched nor compiled twice. Its `main`
/// finds no window and starts [`super::host::run`] instead of the app.
fn spawn_worker() -> Result<Worker, String> {
    let base = document().base_uri().ok().flatten().unwrap_or_default();
    let glue = document()
        .query_selector("link[rel=modulepreload]")
        .ok()
        .flatten()
        .and_then(|l| l.get_attribute("href"))
        .ok_or("no modulepreload link for the page's script")?;
    let glue = Url::new_with_base(&glue, &base).map(|u| u.href()).map_err(|e| format!("{e:?}"))?;
    // A failed start (a refused compile, an instantiation error) reaches the page as a panic
    // message instead of leaving it waiting for "ready"; a glue that cannot be imported fires the
    // worker's error event.
    let script = format!(
        "import init from {glue:?};self.onmessage=e=>{{self.onmessage=null;init({{module_or_path:e.data}})\
         .catch(err=>postMessage({{kind:'panic',message:'could not start the simulation: '+err}}));}};"
    );
    let props = BlobPropertyBag::new();
    props.set_type("text/javascript");
    let parts = js_sys::Array::of1(&JsValue::from_str(&script));
    let blob = Blob::new_with_str_sequence_and_options(&parts, &props).map_err(|e| format!("{e:?}"))?;
    let blob_url = Url::create_object_url_with_blob(&blob).map_err(|e| format!("{e:?}"))?;
    let options = WorkerOptions::new();
    options.set_type(WorkerType::Module);
    let worker = Worker::new_with_options(&blob_url, &options).map_err(|e| format!("{e:?}"));
    let _ = Url::revoke_object_url(&blob_url);
    let worker = worker?;
    worker.post_message(&wasm_bindgen::module()).map_err(|e| format!("{e:?}"))?;
    Ok(worker)
}

fn connect() -> Result<Client, String> {
    let worker = spawn_worker()?;
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|e: MessageEvent| {
        let data = e.data();
        if kind(&data) == "panic" {
            fail(&format!("the simulation worker stopped: {}", panic_text(&data)));
            return;
        }
        let Some(ev) = decode_event(&data) else { return };
        let sink = CLIENT.with_borrow_mut(|c| {
            let c = c.as_mut()?;
            match &ev {
                Event::Ready => {
                    c.ready = true;
                    for msg in c.pending.drain(..) {
                        let _ = c.worker.post_message(&msg);
                    }
                    None
                }
                Event::Header { id, .. } | Event::Rows { id, .. } | Event::Error { id, .. } => {
                    c.sinks.get(id).cloned()
                }
            }
        });
        // A run that ended or failed hears nothing more (not even a later worker failure).
        let last = match &ev {
            Event::Rows { id, done: true, .. } | Event::Error { id, .. } => Some(*id),
            _ => None,
        };
        // Called outside the borrow: a sink may send commands.
        if let Some(sink) = sink {
            sink(ev);
        }
        if let Some(id) = last {
            CLIENT.with_borrow_mut(|c| {
                if let Some(c) = c.as_mut() {
                    c.sinks.remove(&id);
                }
            });
        }
    });
    let on_error = Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(|e: web_sys::ErrorEvent| {
        fail(&format!("the simulation worker could not run: {}", e.message()));
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Ok(Client {
        worker,
        ready: false,
        pending: Vec::new(),
        sinks: IdMap::default(),
        dead: false,
        _on_message: on_message,
        _on_error: on_error,
    })
}

/// Every run in flight hears `message`; the next command starts a new worker.
fn fail(message: &str) {
    let sinks: Vec<(RunId, Sink)> = CLIENT.with_borrow_mut(|c| {
        let Some(c) = c.as_mut() else { return Vec::new() };
        c.dead = true;
        c.worker.terminate();
        c.sinks.drain().collect()
    });
    for (id, sink) in sinks {
        sink(Event::Error { id, message: message.to_string() });
    }
}

/// Sends `cmd` to the worker (a `Start` starts one if needed), routing run `id`'s events to `sink`
/// when given. On failure to start a worker the sink hears an error.
pub fn send(cmd: Cmd, sink: Option<(RunId, Sink)>) {
    let result = CLIENT.with_borrow_mut(|slot| {
        if slot.as_ref().is_none_or(|c| c.dead) {
            // Only a new run needs a worker; anything else is about a run that is gone with the old one.
            if !matches!(cmd, Cmd::Start { .. }) {
                return Ok(());
            }
            *slot = Some(connect()?);
        }
        let c = slot.as_mut().expect("just connected");
        if let Some((id, s)) = &sink {
            c.sinks.insert(*id, s.clone());
        }
        if let Cmd::Stop { id } = &cmd {
            c.sinks.remove(id);
        }
        let msg = encode_cmd(&cmd);
        if c.ready {
            let _ = c.worker.post_message(&msg);
        } else {
            c.pending.push(msg);
        }
        Ok::<(), String>(())
    });
    if let (Err(message), Some((id, s))) = (result, sink) {
        s(Event::Error { id, message: format!("the simulation worker could not start: {message}") });
    }
}

/// Where a live run is.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LiveStatus {
    /// The run's id in the worker (0 for none); a new run, a new id.
    pub id: RunId,
    /// Simulated time at the start [s].
    pub start_s: f64,
    /// Simulated time reached [s].
    pub now_s: f64,
    /// Simulated time at which the run ends [s].
    pub end_s: f64,
    /// Whether the run has ended.
    pub done: bool,
    /// Whether the worker has paused it.
    pub paused: bool,
    /// Page time when the run was asked for [ms].
    pub asked_ms: f64,
    /// Page time of the first samples [ms], once they came.
    pub first_ms: Option<f64>,
    /// Page time at which the run ended [ms].
    pub done_ms: Option<f64>,
    /// Why the run could not start or stopped.
    pub error: Option<String>,
}

impl LiveStatus {
    /// Progress from 0 to 1.
    pub fn fraction(&self) -> f64 {
        if self.done {
            1.0
        } else if self.end_s > self.start_s {
            ((self.now_s - self.start_s) / (self.end_s - self.start_s)).clamp(0.0, 1.0)
        } else {
            0.0
        }
    }
}

/// A run in the worker: its samples so far and its status, both reactive.
#[derive(Clone, Copy)]
pub struct LiveRun {
    id: StoredValue<RunId>,
    series: StoredValue<Series, LocalStorage>,
    version: RwSignal<u64>,
    status: RwSignal<LiveStatus>,
    restarts: RwSignal<u32>,
    /// Page time at which charts were last told of new rows [ms].
    shown_ms: StoredValue<f64>,
}

/// While a run streams, charts hear of new rows at most this often [ms].
pub const SHOW_EVERY_MS: f64 = 250.0;

impl LiveRun {
    /// The run's status (reactive).
    pub fn status(&self) -> LiveStatus {
        self.status.get()
    }

    /// The status signal, for components that only read it.
    pub fn status_signal(&self) -> Signal<LiveStatus> {
        self.status.into()
    }

    /// Bumped whenever samples arrive (reactive).
    pub fn version(&self) -> u64 {
        self.version.get()
    }

    /// Calls `f` with the samples so far; reactive.
    pub fn with_series<R>(&self, f: impl FnOnce(&Series) -> R) -> R {
        self.version.track();
        self.series.with_value(f)
    }

    /// A finished run holding `series`, with no worker behind it (tests, and charts of a run made
    /// elsewhere).
    pub fn from_series(series: Series) -> LiveRun {
        let (start_s, now_s) =
            (series.time().first().copied().unwrap_or(0.0), series.time().last().copied().unwrap_or(0.0));
        LiveRun {
            id: StoredValue::new(0),
            series: StoredValue::new_local(series),
            version: RwSignal::new(1),
            status: RwSignal::new(LiveStatus {
                start_s,
                now_s,
                end_s: now_s,
                done: true,
                ..LiveStatus::default()
            }),
            restarts: RwSignal::new(0),
            shown_ms: StoredValue::new(0.0),
        }
    }

    /// Replaces the samples (for a run with no worker behind it).
    pub fn set_series(&self, series: Series) {
        self.series.set_value(series);
        self.version.update(|v| *v += 1);
    }

    /// Runs again from the start with the same parameters and seed.
    pub fn restart(&self) {
        self.restarts.update(|r| *r += 1);
    }

    /// Pauses the run in the worker.
    pub fn pause(&self) {
        self.command(|id| Cmd::Pause { id });
    }

    /// Resumes it.
    pub fn resume(&self) {
        self.command(|id| Cmd::Resume { id });
    }

    /// Runs it ahead to `t_s`, then pauses it (pauses it at once if it is already there).
    pub fn seek(&self, t_s: f64) {
        self.command(|id| Cmd::Seek { id, t_s });
    }

    /// Sends a command about this run, if a worker runs it (not for [`LiveRun::from_series`]).
    fn command(&self, cmd: impl FnOnce(RunId) -> Cmd) {
        let id = self.id.get_value();
        if id != 0 {
            send(cmd(id), None);
        }
    }
}

/// A run of `scenario` in the worker that restarts, from the beginning, whenever `query` (the
/// changed parameters as `name=value&…`) or `seed` change; several changes within one animation
/// frame (a slider drag) start one run. It starts once `query` is `Some` (a chapter's second
/// timeline runs when the reader first gets there). Stopped when the owner is disposed.
pub fn use_live_run(scenario: &'static str, query: Signal<Option<String>>, seed: Signal<u64>) -> LiveRun {
    let run = LiveRun {
        id: StoredValue::new(0),
        series: StoredValue::new_local(Series::default()),
        version: RwSignal::new(0),
        status: RwSignal::new(LiveStatus::default()),
        restarts: RwSignal::new(0),
        shown_ms: StoredValue::new(0.0),
    };
    let generation = Rc::new(std::cell::Cell::new(0u64));
    let alive = Arc::new(AtomicBool::new(true));
    let (g, a) = (generation.clone(), alive.clone());
    Effect::new(move |_| {
        let (Some(q), s) = (query.get(), seed.get()) else { return };
        run.restarts.track();
        let mine = g.get() + 1;
        g.set(mine);
        let (g, a) = (g.clone(), a.clone());
        request_animation_frame(move || {
            if a.load(Ordering::Relaxed) && g.get() == mine {
                start(run, scenario, q, s);
            }
        });
    });
    on_cleanup(move || {
        alive.store(false, Ordering::Relaxed);
        let id = run.id.try_get_value().unwrap_or(0);
        if id != 0 {
            send(Cmd::Stop { id }, None);
        }
    });
    run
}

fn start(run: LiveRun, scenario: &'static str, query: String, seed: u64) {
    let old = run.id.get_value();
    if old != 0 {
        send(Cmd::Stop { id: old }, None);
    }
    let id = next_id();
    run.id.set_value(id);
    run.series.set_value(Series::default());
    let asked_ms = crate::user_timing::now_ms();
    run.status.set(LiveStatus { id, asked_ms, ..LiveStatus::default() });
    run.version.update(|v| *v += 1);
    let sink: Sink = Rc::new(move |ev: Event| {
        if run.id.try_get_value() != Some(id) {
            return;
        }
        apply(run, ev);
    });
    send(Cmd::Start { id, scenario: scenario.into(), query, seed, paused: false }, Some((id, sink)));
}

fn apply(run: LiveRun, ev: Event) {
    match ev {
        Event::Header { columns, clock, start_s, end_s, .. } => {
            run.series.set_value(empty_series(&columns, clock));
            run.status.update(|s| {
                s.start_s = start_s;
                s.now_s = start_s;
                s.end_s = end_s;
            });
        }
        Event::Rows { first, ncols, data, now_s, done, paused, .. } => {
            let n = run.series.try_update_value(|s| append_rows(s, first, ncols, &data)).unwrap_or(0);
            let now = crate::user_timing::now_ms();
            run.status.update(|s| {
                s.now_s = now_s;
                s.paused = paused;
                if n > 0 && s.first_ms.is_none() {
                    s.first_ms = Some(now);
                }
                if done && !s.done {
                    s.done = true;
                    s.done_ms = Some(now);
                }
            });
            // Charts follow a streaming run a few times a second, not on every message: on a
            // 2-core machine their redraws would take the core the worker needs. The first rows,
            // a pause and the end show at once.
            let first = run.status.with_untracked(|s| s.first_ms == Some(now));
            if first || done || paused || now - run.shown_ms.get_value() >= SHOW_EVERY_MS {
                run.shown_ms.set_value(now);
                run.version.update(|v| *v += 1);
            }
        }
        Event::Error { message, .. } => run.status.update(|s| s.error = Some(message)),
        Event::Ready => {}
    }
}

/// Runs `scenario` in the worker to its end and resolves with its CSV (rejects with the error
/// message). For the end-to-end suite, which compares it with the CLI's, byte for byte.
pub fn csv_in_worker(scenario: String, query: String, seed: u64) -> js_sys::Promise {
    js_sys::Promise::new(&mut |resolve, reject| {
        let id = next_id();
        let series = Rc::new(RefCell::new(Series::default()));
        let sink: Sink = Rc::new(move |ev: Event| match ev {
            Event::Header { columns, clock, .. } => *series.borrow_mut() = empty_series(&columns, clock),
            Event::Rows { first, ncols, data, done, .. } => {
                let mut s = series.borrow_mut();
                append_rows(&mut s, first, ncols, &data);
                if done {
                    let _ = resolve.call1(&JsValue::NULL, &JsValue::from_str(&s.to_csv()));
                    drop(s);
                    send(Cmd::Stop { id }, None);
                }
            }
            Event::Error { message, .. } => {
                let _ = reject.call1(&JsValue::NULL, &JsValue::from_str(&message));
            }
            Event::Ready => {}
        });
        send(
            Cmd::Start { id, scenario: scenario.clone(), query: query.clone(), seed, paused: false },
            Some((id, sink)),
        );
    })
}
