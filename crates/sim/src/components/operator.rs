//! The operator: the manual recycles that ended the incident (S-V: "we decided to do a manual
//! process recycle on all of the ATs", starting at 12:13 with AT_IN_6, AT_IN_0 and AT_IN_4),
//! and crashes a reader forces ("had those been combined with a poorly timed crash or two, we
//! could have restarted the tailspin").
//!
//! A recycle takes both of the AT's processes down for `reboot`; meanwhile its health endpoint
//! fails. A forced crash takes down `n` processes at once, one each on the first `n` ATs in
//! rotation (a crash where it hurts most), through the crash bug's accounting.

use super::crash_bug::CrashBug;
use crate::engine::{DownCause, Engine};
use crate::time::{Dur, SimTime};
use serde::{Deserialize, Serialize};

/// Settings.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OperatorConfig {
    /// Recycles: (when, which AT by position in `hosts`).
    pub recycles: Vec<(SimTime, u16)>,
    /// Forced crashes: (when, how many processes).
    pub crashes: Vec<(SimTime, u32)>,
    /// The ATs.
    pub hosts: Vec<u16>,
    /// How long a recycled AT is down.
    pub reboot: Dur,
}

/// The operator.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Operator {
    cfg: OperatorConfig,
    next_recycle: usize,
    next_crash: usize,
    rebooting_until: Vec<SimTime>,
    /// Recycles done: (when, AT).
    pub done: Vec<(SimTime, u16)>,
}

impl Operator {
    /// The operator with a schedule (sorted here).
    pub fn new(mut cfg: OperatorConfig) -> Operator {
        cfg.recycles.sort();
        cfg.crashes.sort();
        let n = cfg.hosts.len();
        Operator {
            cfg,
            next_recycle: 0,
            next_crash: 0,
            rebooting_until: vec![SimTime::ZERO; n],
            done: vec![],
        }
    }

    /// Whether watched AT `i` is rebooting at `now`.
    pub fn rebooting(&self, i: usize, now: SimTime) -> bool {
        now < self.rebooting_until[i]
    }

    /// When it next acts.
    pub fn next_wake(&self) -> SimTime {
        let r = self.cfg.recycles.get(self.next_recycle).map_or(SimTime::NEVER, |x| x.0);
        let c = self.cfg.crashes.get(self.next_crash).map_or(SimTime::NEVER, |x| x.0);
        r.min(c)
    }

    /// Recycles and crashes that are due.
    pub fn wake(&mut self, eng: &mut Engine, bug: &mut CrashBug, group: usize) {
        let now = eng.now();
        while let Some(&(t, i)) = self.cfg.recycles.get(self.next_recycle) {
            if t > now {
                break;
            }
            self.next_recycle += 1;
            let h = self.cfg.hosts[i as usize] as usize;
            for p in eng.host_procs(h).to_vec() {
                eng.take_down(p as usize, self.cfg.reboot, DownCause::Recycle);
            }
            self.rebooting_until[i as usize] = now + self.cfg.reboot;
            self.done.push((now, i));
        }
        while let Some(&(t, n)) = self.cfg.crashes.get(self.next_crash) {
            if t > now {
                break;
            }
            self.next_crash += 1;
            let _ = group;
            let mut left = n;
            for &h in &self.cfg.hosts {
                if left == 0 {
                    break;
                }
                if eng.host_in_rotation(h as usize) {
                    let p = eng.host_procs(h as usize)[0] as usize;
                    bug.crash(eng, p);
                    left -= 1;
                }
            }
        }
    }
}
