//! The operator: the manual recycles that ended the incident (S-V: "we decided to do a manual
//! process recycle on all of the ATs", starting at 12:13 with AT_IN_6, AT_IN_0 and AT_IN_4),
//! and crashes a reader forces ("had those been combined with a poorly timed crash or two, we
//! could have restarted the tailspin").
//!
//! A recycle takes both of the AT's processes down for `reboot`; meanwhile its health endpoint
//! fails. A forced crash takes down `n` processes at once, one each on the first `n` ATs in
//! rotation (a crash where it hurts most), through the crash bug's accounting.
//!
//! Mitigation answers an incident: the operator watches the balancer every `watch` and carries
//! out the recycle schedule only if, when its first recycle is due, fewer than `incident_below`
//! ATs were in rotation at some moment of the last `incident_window` (0 = always). Once begun,
//! the schedule runs to its end. A scale unit that never fell, or recovered long before, is left
//! alone: recycling three healthy ATs at once would itself take away half the capacity.
//!
//! With `zombies_first` the schedule's slots are kept but filled by state, not by name: "AT_IN_6,
//! AT_IN_0 and AT_IN_4 were in a zombie state at the time we started mitigating" (S-V). When the
//! schedule begins, the ATs that are out of rotation and not held by the health agent (the
//! zombies) take the first slots, in the schedule's order, and the others follow in theirs.

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
    /// The balancer group the operator watches.
    pub group: usize,
    /// Fewer ATs in rotation than this is an incident (0: recycle whatever happens).
    pub incident_below: u32,
    /// How recent the incident must be when the first recycle is due.
    pub incident_window: Dur,
    /// How often the operator looks at the balancer.
    pub watch: Dur,
    /// Recycle the ATs out of rotation (zombies) first when the schedule begins.
    pub zombies_first: bool,
}

/// The operator.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Operator {
    cfg: OperatorConfig,
    next_recycle: usize,
    next_crash: usize,
    rebooting_until: Vec<SimTime>,
    next_watch: SimTime,
    last_degraded: Option<SimTime>,
    /// Whether the schedule has begun.
    pub mitigating: bool,
    /// Recycles done: (when, AT).
    pub done: Vec<(SimTime, u16)>,
    /// Recycles left out because there was no incident.
    pub skipped: u32,
    /// With `zombies_first`: the ATs out of rotation and not held when the schedule began.
    pub zombies_at_start: Vec<u16>,
}

impl Operator {
    /// The operator with a schedule (sorted here).
    pub fn new(mut cfg: OperatorConfig) -> Operator {
        cfg.recycles.sort_unstable();
        cfg.crashes.sort_unstable();
        let n = cfg.hosts.len();
        Operator {
            cfg,
            next_recycle: 0,
            next_crash: 0,
            rebooting_until: vec![SimTime::ZERO; n],
            next_watch: SimTime::ZERO,
            last_degraded: None,
            mitigating: false,
            done: vec![],
            skipped: 0,
            zombies_at_start: vec![],
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
        let w = if self.watching() { self.next_watch } else { SimTime::NEVER };
        r.min(c).min(w)
    }

    /// Whether the balancer still needs watching: an incident rule and a schedule not yet begun.
    fn watching(&self) -> bool {
        self.cfg.incident_below > 0 && !self.mitigating && self.next_recycle < self.cfg.recycles.len()
    }

    /// Whether an incident is on at `now`, as the operator sees it.
    fn incident(&self, now: SimTime) -> bool {
        self.cfg.incident_below == 0
            || self.last_degraded.is_some_and(|t| now.since(t) <= self.cfg.incident_window)
    }

    /// Refills the schedule's remaining slots: ATs out of rotation and not `held` first (in
    /// schedule order), then the rest.
    fn zombies_to_front(&mut self, eng: &Engine, held: &[bool]) {
        let rest = &mut self.cfg.recycles[self.next_recycle..];
        let zombie = |i: u16| {
            let h = self.cfg.hosts[i as usize] as usize;
            !eng.host_in_rotation(h) && !held.get(i as usize).copied().unwrap_or(false)
        };
        let mut ats: Vec<u16> = rest.iter().map(|r| r.1).filter(|&i| zombie(i)).collect();
        self.zombies_at_start = ats.clone();
        ats.extend(rest.iter().map(|r| r.1).filter(|&i| !zombie(i)));
        for (slot, i) in rest.iter_mut().zip(ats) {
            slot.1 = i;
        }
    }

    /// Recycles and crashes that are due. `held[i]`: the health agent holds watched AT i.
    pub fn wake(&mut self, eng: &mut Engine, bug: &mut CrashBug, held: &[bool]) {
        let now = eng.now();
        if self.watching() && now >= self.next_watch {
            if (eng.in_rotation(self.cfg.group) as u32) < self.cfg.incident_below {
                self.last_degraded = Some(now);
            }
            self.next_watch = now + self.cfg.watch;
        }
        while let Some(&(t, _)) = self.cfg.recycles.get(self.next_recycle) {
            if t > now {
                break;
            }
            self.next_recycle += 1;
            if !self.mitigating && !self.incident(now) {
                self.skipped += 1;
                continue;
            }
            if !self.mitigating && self.cfg.zombies_first {
                self.next_recycle -= 1;
                self.zombies_to_front(eng, held);
                self.next_recycle += 1;
            }
            self.mitigating = true;
            let i = self.cfg.recycles[self.next_recycle - 1].1;
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
