//! The worker's side: receives commands, steps the runs in slices of [`SLICE_MS`], posts samples.
//!
//! A slice ends by posting a message to itself through a `MessageChannel`, so the page's commands
//! (queued as tasks in the same event loop) are handled between slices, and no timer clamping slows
//! the run down. A panic is posted to the page as `{kind:"panic"}` before the worker dies.

use super::protocol::{decode_cmd, encode_event, panic_message};
use super::runs::{Event, Runs};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageChannel, MessageEvent, MessagePort};

/// Worker time one slice may use before the worker looks at its messages again [ms].
pub const SLICE_MS: f64 = 12.0;
/// Time one `step_events` call should take [ms].
const CALL_MS: f64 = 1.0;

struct Host {
    scope: DedicatedWorkerGlobalScope,
    runs: Runs,
    tick: MessagePort,
    scheduled: bool,
}

thread_local! {
    static HOST: RefCell<Option<Host>> = const { RefCell::new(None) };
}

fn now_ms(scope: &DedicatedWorkerGlobalScope) -> f64 {
    js_sys::Reflect::get(scope, &JsValue::from_str("performance"))
        .ok()
        .and_then(|p| p.dyn_into::<web_sys::Performance>().ok())
        .map_or_else(js_sys::Date::now, |p| p.now())
}

/// Starts listening. Called by the worker binary's `main`.
pub fn run() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    std::panic::set_hook(Box::new(|info| {
        let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
        let _ = scope.post_message(&panic_message(&info.to_string()));
    }));
    let Ok(channel) = MessageChannel::new() else { return };
    let on_tick = Closure::<dyn FnMut()>::new(slice);
    channel.port1().set_onmessage(Some(on_tick.as_ref().unchecked_ref()));
    on_tick.forget();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|e: MessageEvent| {
        let decoded = decode_cmd(&e.data());
        HOST.with_borrow_mut(|h| {
            let Some(h) = h.as_mut() else { return };
            let events = match decoded {
                Ok(cmd) => h.runs.apply(cmd),
                Err(Some((id, message))) => vec![Event::Error { id, message }],
                Err(None) => return,
            };
            h.post(events);
            h.schedule();
        });
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let host = Host { scope, runs: Runs::default(), tick: channel.port2(), scheduled: false };
    host.post(vec![Event::Ready]);
    HOST.with_borrow_mut(|h| *h = Some(host));
}

fn slice() {
    HOST.with_borrow_mut(|h| {
        let Some(h) = h.as_mut() else { return };
        h.scheduled = false;
        let t0 = now_ms(&h.scope);
        let mut last = t0;
        let mut calls = 0u32;
        let scope = h.scope.clone();
        let events = h.runs.slice(|| {
            calls += 1;
            let t = now_ms(&scope);
            let took = t - last;
            last = t;
            // The next call, as long as this one, must still fit.
            t - t0 + took >= SLICE_MS
        });
        let per_call = if calls > 0 { (last - t0) / calls as f64 } else { CALL_MS };
        h.runs.tune_chunk(per_call, CALL_MS);
        h.post(events);
        h.schedule();
    });
}

impl Host {
    fn post(&self, events: Vec<Event>) {
        for ev in events {
            let (msg, transfer) = encode_event(&ev);
            let _ = match transfer {
                Some(buf) => self.scope.post_message_with_transfer(&msg, &js_sys::Array::of1(&buf)),
                None => self.scope.post_message(&msg),
            };
        }
    }

    fn schedule(&mut self) {
        if !self.scheduled && self.runs.busy() {
            self.scheduled = true;
            let _ = self.tick.post_message(&JsValue::NULL);
        }
    }
}
