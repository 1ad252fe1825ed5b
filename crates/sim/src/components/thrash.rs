//! The thrash detector (action item V59, "monitor for thread starvation"): an AT is a
//! "zombie" while its pools have grown past MinWorker, work is queued, and it answers less than
//! a fifth of what it is asked — it "will just sit there thrashing" (S-V).
//!
//! Every `period` it looks back over `window`: zombie if threads > MinWorker (summed over the
//! AT's processes) and more than `min_queue` requests wait and completions in the window are
//! below `ratio` × max(arrivals in the window, requests waiting).

use crate::engine::Engine;
use crate::time::{Dur, SimTime};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// Settings.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ThrashConfig {
    /// Hosts watched.
    pub hosts: Vec<u16>,
    /// MinWorker per process.
    pub min_worker: u32,
    /// Requests waiting for the detector to care.
    pub min_queue: usize,
    /// Completions below this fraction of demand: thrashing.
    pub ratio: f64,
    /// Look-back window.
    pub window: Dur,
    /// Evaluation period.
    pub period: Dur,
}

/// The detector.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Thrash {
    cfg: ThrashConfig,
    next: SimTime,
    history: Vec<VecDeque<(SimTime, u64, u64)>>,
    /// Whether each watched host is a zombie now.
    pub zombie: Vec<bool>,
    /// Since when each has been one.
    pub since: Vec<Option<SimTime>>,
    /// The longest time any host was a zombie in one stretch.
    pub longest: Dur,
}

impl Thrash {
    /// A detector with nothing seen yet.
    pub fn new(cfg: ThrashConfig) -> Thrash {
        let n = cfg.hosts.len();
        Thrash {
            next: SimTime::ZERO + cfg.period,
            history: vec![VecDeque::new(); n],
            zombie: vec![false; n],
            since: vec![None; n],
            longest: Dur::ZERO,
            cfg,
        }
    }

    /// When it next looks.
    pub fn next_wake(&self) -> SimTime {
        self.next
    }

    /// Looks at every watched host.
    pub fn wake(&mut self, eng: &Engine) {
        let now = eng.now();
        if now < self.next {
            return;
        }
        self.next = now + self.cfg.period;
        for (i, &h) in self.cfg.hosts.iter().enumerate() {
            let h = h as usize;
            let (arr, done) = eng.host_flow(h);
            let hist = &mut self.history[i];
            hist.push_back((now, arr, done));
            while hist.len() > 1 && now.since(hist[1].0) >= self.cfg.window {
                hist.pop_front();
            }
            let (_, a0, d0) = hist[0];
            let procs = eng.host_procs(h);
            let threads: u32 = procs.iter().map(|&p| eng.threads(p as usize)).sum();
            let queued: usize = procs.iter().map(|&p| eng.queued(p as usize)).sum();
            let demand = ((arr - a0) as f64).max(queued as f64);
            let z = threads > self.cfg.min_worker * procs.len() as u32
                && queued > self.cfg.min_queue
                && ((done - d0) as f64) < self.cfg.ratio * demand;
            self.zombie[i] = z;
            match (z, self.since[i]) {
                (true, None) => self.since[i] = Some(now),
                (true, Some(t)) => self.longest = self.longest.max(now.since(t)),
                (false, _) => self.since[i] = None,
            }
        }
    }
}
