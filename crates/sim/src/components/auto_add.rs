//! Auto-add (action item V57, "automatically add ATs to the load balancer"): when fewer than
//! `k_min` ATs have been in rotation for `detect`, provision a spare AT, which joins after
//! `provision` (it then enters rotation when its probes pass); at most `spares.len()` of them.

use crate::engine::Engine;
use crate::time::{Dur, SimTime};
use serde::{Deserialize, Serialize};

/// Settings.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AutoAddConfig {
    /// On at all.
    pub enabled: bool,
    /// The balancer group watched.
    pub group: usize,
    /// Spare hosts, built disabled, in the order they are added.
    pub spares: Vec<u16>,
    /// Fewer in rotation than this is trouble.
    pub k_min: usize,
    /// For this long.
    pub detect: Dur,
    /// Time to provision a spare.
    pub provision: Dur,
    /// Check period.
    pub period: Dur,
}

/// The controller.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AutoAdd {
    cfg: AutoAddConfig,
    next: SimTime,
    below_since: Option<SimTime>,
    pending: Option<SimTime>,
    /// Spares added so far, with times.
    pub added: Vec<SimTime>,
}

impl AutoAdd {
    /// The controller.
    pub fn new(cfg: AutoAddConfig) -> AutoAdd {
        AutoAdd { next: SimTime::ZERO + cfg.period, cfg, below_since: None, pending: None, added: vec![] }
    }

    /// When it next acts.
    pub fn next_wake(&self) -> SimTime {
        if !self.cfg.enabled || self.added.len() >= self.cfg.spares.len() {
            return SimTime::NEVER;
        }
        self.next.min(self.pending.unwrap_or(SimTime::NEVER))
    }

    /// Watches the rotation; adds a spare when one is ready.
    pub fn wake(&mut self, eng: &mut Engine) {
        let now = eng.now();
        if let Some(t) = self.pending {
            if now >= t {
                self.pending = None;
                let h = self.cfg.spares[self.added.len()] as usize;
                eng.enable_host(h);
                self.added.push(now);
                self.below_since = None;
            }
        }
        if now >= self.next {
            self.next = now + self.cfg.period;
            if eng.in_rotation(self.cfg.group) < self.cfg.k_min {
                let since = *self.below_since.get_or_insert(now);
                if self.pending.is_none()
                    && now.since(since) >= self.cfg.detect
                    && self.added.len() < self.cfg.spares.len()
                {
                    self.pending = Some(now + self.cfg.provision);
                }
            } else {
                self.below_since = None;
            }
        }
    }
}
