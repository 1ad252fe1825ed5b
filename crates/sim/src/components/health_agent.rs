//! VssHealthAgent (S-V): it looks "for ATs that are under significant load, pull[s] them out of
//! the load balancer's rotation, take[s] a process dump, recycle[s], and then put[s] them back in
//! rotation", with two protections: "Only pull one AT out of the load balancer at a time" and
//! "Only pull a given AT out of the load balancer once per hour". Because the analysis took long,
//! "it continually had one AT out of rotation for the whole incident".
//!
//! Every `check` it looks at each AT that is not in cooldown and whose processes are running:
//! significant load is CPU ≥ `cpu` over `k` consecutive checks, or "Requests Current" summed
//! over the AT ≥ `queue`. It pulls the first such AT if fewer than `max_out` are out and (the
//! what-if guard) at least `min_visible` ATs are in rotation. Pulled, the AT's health endpoint
//! fails; after `dump` its processes are recycled; after `hold` it is released.
//! With `thrash_recycle` (action item V60) it also recycles an out-of-rotation AT that the thrash
//! detector has called a zombie for `thrash_for`, at most once per `thrash_cooldown` per AT.

use crate::engine::{DownCause, Engine, Status};
use crate::time::{Dur, SimTime};
use serde::{Deserialize, Serialize};

/// Settings.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct HealthAgentConfig {
    /// On at all.
    pub enabled: bool,
    /// The ATs it watches.
    pub hosts: Vec<u16>,
    /// Balancer group of those ATs.
    pub group: usize,
    /// Check period.
    pub check: Dur,
    /// CPU threshold (0–1).
    pub cpu: f64,
    /// Consecutive hot checks.
    pub k: u32,
    /// "Requests Current" threshold per AT.
    pub queue: u32,
    /// Most ATs out at once.
    pub max_out: u32,
    /// Per-AT cooldown between pulls.
    pub cooldown: Dur,
    /// Time from pull to recycle (the dump).
    pub dump: Dur,
    /// Time from pull to release.
    pub hold: Dur,
    /// Guard: pull only while at least this many ATs are in rotation (0 = no guard).
    pub min_visible: u32,
    /// Restart time of a recycled process.
    pub restart: Dur,
    /// Recycle zombies (V60).
    pub thrash_recycle: bool,
    /// How long a zombie must persist before it is recycled.
    pub thrash_for: Dur,
    /// Per-AT cooldown between zombie recycles.
    pub thrash_cooldown: Dur,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct AtState {
    hot: u32,
    busy_at_check: f64,
    last_pull: Option<SimTime>,
    pulled: Option<SimTime>,
    recycled: bool,
    last_thrash_recycle: Option<SimTime>,
}

/// One action, for the timeline chart.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Act {
    /// Pulled AT `.0` out.
    Pull(u16),
    /// Recycled AT `.0` after its dump.
    Recycle(u16),
    /// Released AT `.0`.
    Release(u16),
    /// Recycled zombie AT `.0`.
    ZombieRecycle(u16),
}

/// The agent.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct HealthAgent {
    cfg: HealthAgentConfig,
    ats: Vec<AtState>,
    next_check: SimTime,
    /// Everything it did, with times.
    pub log: Vec<(SimTime, Act)>,
}

impl HealthAgent {
    /// The agent; its first check is one period in.
    pub fn new(cfg: HealthAgentConfig) -> HealthAgent {
        let n = cfg.hosts.len();
        HealthAgent {
            next_check: SimTime::ZERO + cfg.check,
            ats: vec![AtState::default(); n],
            cfg,
            log: vec![],
        }
    }

    /// ATs it holds out now.
    pub fn out(&self) -> usize {
        self.ats.iter().filter(|a| a.pulled.is_some()).count()
    }

    /// Whether it holds watched AT `i` (by position in `hosts`).
    pub fn holds(&self, i: usize) -> bool {
        self.ats[i].pulled.is_some()
    }

    /// When it next acts.
    pub fn next_wake(&self) -> SimTime {
        if !self.cfg.enabled {
            return SimTime::NEVER;
        }
        let mut t = self.next_check;
        for a in &self.ats {
            if let Some(p) = a.pulled {
                t = t.min(if a.recycled { p + self.cfg.hold } else { p + self.cfg.dump.min(self.cfg.hold) });
            }
        }
        t
    }

    /// Dumps, releases and checks that are due. `zombie[i]` is the thrash detector's verdict
    /// on watched AT i, and `zombie_for[i]` how long it has held.
    pub fn wake(&mut self, eng: &mut Engine, zombie_for: &[Option<Dur>]) {
        if !self.cfg.enabled {
            return;
        }
        let now = eng.now();
        for i in 0..self.ats.len() {
            let h = self.cfg.hosts[i] as usize;
            if let Some(p) = self.ats[i].pulled {
                if !self.ats[i].recycled && now >= p + self.cfg.dump {
                    self.ats[i].recycled = true;
                    self.recycle(eng, h);
                    self.log.push((now, Act::Recycle(i as u16)));
                }
                if now >= p + self.cfg.hold {
                    self.ats[i].pulled = None;
                    self.log.push((now, Act::Release(i as u16)));
                }
            }
        }
        if now < self.next_check {
            return;
        }
        self.next_check = now + self.cfg.check;
        let mut out = self.out() as u32;
        let visible = eng.in_rotation(self.cfg.group) as u32;
        for i in 0..self.ats.len() {
            let h = self.cfg.hosts[i] as usize;
            let busy = eng.host_busy_core_s(h);
            let a = &mut self.ats[i];
            let cpu = (busy - a.busy_at_check) / (self.cfg.check.secs() * eng.host_cores(h));
            a.busy_at_check = busy;
            a.hot = if cpu >= self.cfg.cpu { a.hot + 1 } else { 0 };
            if a.pulled.is_some() {
                continue;
            }
            if self.cfg.thrash_recycle && !eng.host_in_rotation(h) {
                let long = zombie_for.get(i).copied().flatten().is_some_and(|d| d >= self.cfg.thrash_for);
                let ready = a.last_thrash_recycle.is_none_or(|t| now.since(t) >= self.cfg.thrash_cooldown);
                if long && ready {
                    a.last_thrash_recycle = Some(now);
                    self.recycle(eng, h);
                    self.log.push((now, Act::ZombieRecycle(i as u16)));
                    continue;
                }
            }
            let a = &self.ats[i];
            let cooled = a.last_pull.is_none_or(|t| now.since(t) >= self.cfg.cooldown);
            let running =
                eng.host_procs(h).iter().all(|&p| !matches!(eng.status(p as usize), Status::Down(_)));
            let current: u32 = eng.host_procs(h).iter().map(|&p| eng.requests_current(p as usize)).sum();
            let loaded = a.hot >= self.cfg.k || current >= self.cfg.queue;
            if cooled && running && loaded && out < self.cfg.max_out && visible >= self.cfg.min_visible {
                let a = &mut self.ats[i];
                a.pulled = Some(now);
                a.last_pull = Some(now);
                a.recycled = false;
                out += 1;
                self.log.push((now, Act::Pull(i as u16)));
            }
        }
    }

    fn recycle(&self, eng: &mut Engine, h: usize) {
        let procs: Vec<u16> = eng.host_procs(h).to_vec();
        for p in procs {
            eng.take_down(p as usize, self.cfg.restart, DownCause::Recycle);
        }
    }
}
