//! The crash bug shipped on 2 February (S-V: "We introduced a bug that caused the AT process to
//! intermittently crash"): each worker process crashes at Poisson times, `rate_per_h` per hour.
//!
//! The telemetry had a bug of its own: "It only reported 10 crashes during this period, and all
//! of those were during the incident." So the component counts true crashes and the crashes
//! telemetry reported: all of them once telemetry is fixed, otherwise at most `reported_cap`,
//! and only inside the incident window.

use crate::engine::{DownCause, Engine};
use crate::rng::Stream;
use crate::time::{Dur, SimTime};
use serde::{Deserialize, Serialize};

/// Settings.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CrashBugConfig {
    /// Crashes per hour per process (0 = the bug is fixed).
    pub rate_per_h: f64,
    /// Processes it affects.
    pub procs: Vec<u16>,
    /// Restart time after a crash.
    pub restart: Dur,
    /// Telemetry reports every crash (the fix of action item V58).
    pub telemetry_fixed: bool,
    /// Broken telemetry: the most it reports.
    pub reported_cap: u64,
    /// Broken telemetry: it only reports inside this window.
    pub reported_window: (SimTime, SimTime),
}

/// The crash bug.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CrashBug {
    cfg: CrashBugConfig,
    rng: Stream,
    next: Vec<SimTime>,
    /// Crashes that happened.
    pub true_crashes: u64,
    /// Crashes the telemetry reported.
    pub reported: u64,
}

impl CrashBug {
    /// The bug, with its own stream.
    pub fn new(cfg: CrashBugConfig, seed: u64) -> CrashBug {
        let mut rng = Stream::derive(seed, "crash_bug", 0);
        let next = cfg.procs.iter().map(|_| Self::gap(&mut rng, cfg.rate_per_h, SimTime::ZERO)).collect();
        CrashBug { cfg, rng, next, true_crashes: 0, reported: 0 }
    }

    fn gap(rng: &mut Stream, rate_per_h: f64, now: SimTime) -> SimTime {
        // Always one draw, so the bug's rate does not shift other processes' crash times.
        let e = rng.exp1();
        if rate_per_h <= 0.0 {
            SimTime::NEVER
        } else {
            now + Dur::from_secs(e * 3600.0 / rate_per_h)
        }
    }

    /// When the next crash is due.
    pub fn next_wake(&self) -> SimTime {
        self.next.iter().copied().min().unwrap_or(SimTime::NEVER)
    }

    /// Crashes the processes that are due. A process that is already down when its crash is
    /// due does not crash again (nothing is running to crash).
    pub fn wake(&mut self, eng: &mut Engine) {
        let now = eng.now();
        for i in 0..self.next.len() {
            if self.next[i] <= now {
                self.next[i] = Self::gap(&mut self.rng, self.cfg.rate_per_h, now);
                let p = self.cfg.procs[i] as usize;
                if !matches!(eng.status(p), crate::engine::Status::Down(_)) {
                    self.crash(eng, p);
                }
            }
        }
    }

    /// Crashes process `p` now (the bug, or a crash the reader forces).
    pub fn crash(&mut self, eng: &mut Engine, p: usize) {
        let now = eng.now();
        eng.take_down(p, self.cfg.restart, DownCause::Crash);
        self.true_crashes += 1;
        let (from, to) = self.cfg.reported_window;
        if self.cfg.telemetry_fixed || (now >= from && now < to && self.reported < self.cfg.reported_cap) {
            self.reported += 1;
        }
    }
}
