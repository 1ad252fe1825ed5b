//! Components: mechanisms that act on the engine from outside — clients with their own
//! reconnect loop, controllers that pull hosts out or recycle them, detectors that watch.
//!
//! Each is a plain value with its own random stream and its own timers. It tells its model
//! when it next wants to act ([`Timers::next`]), acts through the engine's commands, and hears
//! back through the engine's signals. A scenario's wiring (e.g. [`crate::scenarios::vsts`])
//! decides which components exist; adding a mechanism adds a module here and a line there.

pub mod auto_add;
pub mod crash_bug;
pub mod health_agent;
pub mod operator;
pub mod signalr;
pub mod thrash;

use crate::time::SimTime;
use serde::{Deserialize, Serialize};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A min-heap of (time, key) timers, for components with many (one per client).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Timers {
    heap: BinaryHeap<Reverse<(SimTime, u32, u32)>>,
    seq: u32,
}

impl Timers {
    /// The earliest timer.
    pub fn next(&self) -> SimTime {
        self.heap.peek().map_or(SimTime::NEVER, |Reverse((t, _, _))| *t)
    }
    /// Sets a timer for `key` at `at`; returns its stamp, to tell it from older timers of `key`.
    pub fn set(&mut self, at: SimTime, key: u32) -> u32 {
        self.seq = self.seq.wrapping_add(1);
        self.heap.push(Reverse((at, self.seq, key)));
        self.seq
    }
    /// Removes and returns the earliest timer due at or before `now`: (key, stamp).
    pub fn pop_due(&mut self, now: SimTime) -> Option<(u32, u32)> {
        match self.heap.peek() {
            Some(Reverse((t, _, _))) if *t <= now => {
                let Reverse((_, stamp, key)) = self.heap.pop().expect("peeked");
                Some((key, stamp))
            }
            _ => None,
        }
    }
}
