//! Models: what the runner, the app's worker and the CLI drive.
//!
//! A [`Model`] advances in simulated time, samples itself into a [`Series`] and can be cloned
//! or serialised at any instant (a fork of the run). The per-request engine becomes a model
//! through a [`Driver`], which couples an [`Engine`] with a scenario's [`Wiring`]: the
//! scenario's components (reconnecting clients, a health agent, an operator, …), their timers,
//! and its sampled columns. Each component is a module of its own with its own random stream;
//! the wiring only says which exist and passes them the engine's signals.

use crate::engine::{Engine, Signal, Totals};
use crate::series::{Column, Series};
use crate::time::{Dur, SimTime};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::fmt::Debug;

/// What drives a run, whatever is inside.
pub trait Model {
    /// Current simulated time [s].
    fn now_s(&self) -> f64;
    /// End of the run [s].
    fn end_s(&self) -> f64;
    /// Advances to `t_s` (clamped to the end).
    fn run_until(&mut self, t_s: f64);
    /// Handles at most `max_events` events; returns true when the run is done.
    fn step_events(&mut self, max_events: u64) -> bool;
    /// The samples so far.
    fn series(&self) -> &Series;
    /// Client-request counts.
    fn totals(&self) -> Totals;
}

/// A scenario's components around the engine.
pub trait Wiring: Clone + Debug + Serialize + DeserializeOwned {
    /// The earliest time a component wants to act ([`SimTime::NEVER`] if none).
    fn next_wake(&self) -> SimTime;
    /// Lets the components due at `eng.now()` act.
    fn wake(&mut self, eng: &mut Engine);
    /// Passes on one of the engine's signals.
    fn signal(&mut self, eng: &mut Engine, sig: Signal);
    /// Whether handling `sig` may change [`Self::next_wake`] (a component that hears it may set a
    /// timer). The driver asks the wiring for its next wake again only after such a signal, after
    /// a wake and after a sample; say false only for signals no component hears.
    fn signal_moves_wake(&self, _sig: &Signal) -> bool {
        true
    }
    /// The sampled columns (without `time_s`).
    fn columns(&self) -> Vec<Column>;
    /// The wall clock of `time_s`, if any.
    fn clock(&self) -> Option<crate::series::Clock> {
        None
    }
    /// One sample: pushes one value per column; `dt` is the time since the last sample [s].
    fn sample(&mut self, eng: &mut Engine, dt: f64, row: &mut Vec<f64>);
}

/// An engine and a wiring, sampled every `every`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Driver<W> {
    /// The engine.
    pub engine: Engine,
    /// The scenario's components. The driver caches their next wake: a change made to them
    /// from outside the driver must not move it.
    pub wiring: W,
    series: Series,
    every: Dur,
    next_sample: SimTime,
    last_sample: SimTime,
    row: Vec<f64>,
    signals: Vec<Signal>,
    /// The wiring's next wake, cached: it changes only when a component acts (a wake, a
    /// signal, a sample), so it is refreshed then rather than at every engine event.
    wake_at: SimTime,
}

impl<W: Wiring> Driver<W> {
    /// Couples `engine` and `wiring`; samples at 0, `every`, 2·`every`, … up to the end
    /// (`every` zero: no samples).
    pub fn new(engine: Engine, wiring: W, every: Dur) -> Driver<W> {
        let mut series = Series::new(wiring.columns());
        series.clock = wiring.clock();
        let next_sample = if every > Dur::ZERO { SimTime::ZERO } else { SimTime::NEVER };
        let wake_at = wiring.next_wake();
        Driver {
            engine,
            wiring,
            series,
            every,
            next_sample,
            last_sample: SimTime::ZERO,
            row: vec![],
            signals: vec![],
            wake_at,
        }
    }

    /// Handles the next thing due at or before `limit`: an engine event, a component's timer,
    /// or a sample, in that order at one instant. Returns false if nothing was due.
    fn step_one(&mut self, limit: SimTime) -> bool {
        let due = self.engine.peek();
        let te = due.at();
        let tw = self.wake_at;
        let ts = self.next_sample;
        let t = te.min(tw).min(ts);
        if t > limit || t == SimTime::NEVER {
            return false;
        }
        if te == t {
            self.engine.step_due(due);
        } else if tw == t {
            self.engine.set_now(t);
            self.wiring.wake(&mut self.engine);
            self.wake_at = self.wiring.next_wake();
        } else {
            self.engine.set_now(t);
            self.take_sample();
            self.wake_at = self.wiring.next_wake();
        }
        if self.engine.has_signals() {
            let mut buf = std::mem::take(&mut self.signals);
            let mut moved = false;
            while self.engine.has_signals() {
                buf.clear();
                self.engine.take_signals(&mut buf);
                for &sig in &buf {
                    moved |= self.wiring.signal_moves_wake(&sig);
                    self.wiring.signal(&mut self.engine, sig);
                }
            }
            buf.clear();
            self.signals = buf;
            if moved {
                self.wake_at = self.wiring.next_wake();
            }
        }
        true
    }

    fn take_sample(&mut self) {
        let now = self.engine.now();
        let dt = (now - self.last_sample).secs();
        self.row.clear();
        self.row.push(now.secs());
        self.wiring.sample(&mut self.engine, dt, &mut self.row);
        self.series.push(&self.row);
        self.last_sample = now;
        let next = now + self.every;
        self.next_sample = if next <= self.engine.end() { next } else { SimTime::NEVER };
    }

    fn done(&self) -> bool {
        let end = self.engine.end();
        let t = self.engine.next_time().min(self.wake_at).min(self.next_sample);
        t > end || t == SimTime::NEVER
    }
}

impl<W: Wiring> Model for Driver<W> {
    fn now_s(&self) -> f64 {
        self.engine.now().secs()
    }
    fn end_s(&self) -> f64 {
        self.engine.end().secs()
    }
    fn run_until(&mut self, t_s: f64) {
        let t = SimTime::from_secs(t_s).min(self.engine.end());
        while self.step_one(t) {}
        if self.engine.next_time() > t {
            self.engine.set_now(t);
        }
    }
    fn step_events(&mut self, max_events: u64) -> bool {
        let end = self.engine.end();
        for _ in 0..max_events {
            if !self.step_one(end) {
                if end != SimTime::NEVER && self.engine.next_time() > end {
                    self.engine.set_now(end);
                }
                return true;
            }
        }
        self.done()
    }
    fn series(&self) -> &Series {
        &self.series
    }
    fn totals(&self) -> Totals {
        self.engine.totals()
    }
}
