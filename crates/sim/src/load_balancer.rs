//! A load balancer with HTTP health probes (Azure Load Balancer semantics).
//!
//! Every `interval` the balancer sends each member host a probe. A probe passes if it is answered
//! 200 within `timeout`; a 503, no answer in time, or a host whose health endpoint is switched off
//! fails it. After `fail_threshold` consecutive failures the host leaves rotation; after
//! `success_threshold` consecutive passes it returns. New requests go to a host chosen uniformly
//! among those in rotation. Unless `bypass` is on, the probe is an ordinary request: it waits in
//! the same ASP.NET queue as user requests (VSTS postmortem: "The probes from the load balancer
//! are HTTP requests that go into the same ASP.NET queue").
//!
//! Every probe is tracked on its own, by number, until it is answered or times out, so a probe
//! timeout counts even when it is as long as the interval or longer (several probes of one host
//! in flight at once), and an answer that comes after its timeout is ignored.

use crate::time::{Dur, SimTime};
use serde::{Deserialize, Serialize};

/// Probe settings.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ProbeConfig {
    /// Time between probes of one host.
    pub interval: Dur,
    /// A probe not answered within this time fails.
    pub timeout: Dur,
    /// Consecutive failures that take a host out of rotation.
    pub fail_threshold: u32,
    /// Consecutive passes that put it back.
    pub success_threshold: u32,
    /// The probe is answered outside the request queue (what-if).
    pub bypass: bool,
    /// CPU cost of answering a probe [s].
    pub cpu_s: f64,
    /// Which worker process of a host answers its probe: one chosen at random for each probe
    /// (a web garden, where HTTP.sys hands each new connection to one of the pool's processes),
    /// or (off) always the host's first process (a probe URL served by one app pool).
    pub any_process: bool,
}

/// The balancer's view of one member host.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct HostView {
    /// Whether new requests are sent to this host.
    pub in_rotation: bool,
    consec_fail: u32,
    consec_ok: u32,
    /// Probes sent and not yet resolved: (number, sent at).
    pending: Vec<(u32, SimTime)>,
    /// Number of the last probe sent.
    pub probes_sent: u32,
    /// Probes that failed, cumulative.
    pub probes_failed: u32,
    /// Latency of the last resolved probe [s] (the timeout if it timed out or was refused).
    pub last_probe_s: f64,
}

/// The load balancer of one host group.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LoadBalancer {
    /// Probe settings.
    pub cfg: ProbeConfig,
    /// One view per member host, in the group's order.
    pub hosts: Vec<HostView>,
    in_rotation: usize,
}

impl LoadBalancer {
    /// All `n` members start in rotation.
    pub fn new(cfg: ProbeConfig, n: usize) -> LoadBalancer {
        let hosts = (0..n).map(|_| HostView { in_rotation: true, ..HostView::default() }).collect();
        LoadBalancer { cfg, hosts, in_rotation: n }
    }

    /// Members in rotation.
    pub fn in_rotation(&self) -> usize {
        self.in_rotation
    }

    /// The `k`-th member in rotation (k < in_rotation()).
    pub fn nth_in_rotation(&self, k: usize) -> Option<usize> {
        self.hosts.iter().enumerate().filter(|(_, h)| h.in_rotation).nth(k).map(|(i, _)| i)
    }

    /// Registers a new probe of member `m` sent at `now`; returns its number.
    pub fn send(&mut self, m: usize, now: SimTime) -> u32 {
        let h = &mut self.hosts[m];
        h.probes_sent += 1;
        h.pending.push((h.probes_sent, now));
        h.probes_sent
    }

    /// Resolves probe `no` of member `m`: passed (answered 200 in time) or failed. Returns false,
    /// changing nothing, if that probe was already resolved (a late answer after its timeout, or
    /// a timeout after its answer).
    pub fn resolve(&mut self, m: usize, no: u32, passed: bool, now: SimTime) -> bool {
        let h = &mut self.hosts[m];
        let Some(i) = h.pending.iter().position(|(n, _)| *n == no) else {
            return false;
        };
        let (_, sent) = h.pending.swap_remove(i);
        let latency = if passed { now.since(sent).secs() } else { self.cfg.timeout.secs() };
        self.record(m, passed, latency);
        true
    }

    /// Applies one probe outcome to member `m`'s thresholds.
    pub fn record(&mut self, m: usize, passed: bool, latency_s: f64) {
        let (fail_t, ok_t) = (self.cfg.fail_threshold, self.cfg.success_threshold);
        let h = &mut self.hosts[m];
        h.last_probe_s = latency_s;
        let was = h.in_rotation;
        if passed {
            h.consec_fail = 0;
            h.consec_ok += 1;
            if !h.in_rotation && h.consec_ok >= ok_t {
                h.in_rotation = true;
            }
        } else {
            h.probes_failed += 1;
            h.consec_ok = 0;
            h.consec_fail += 1;
            if h.in_rotation && h.consec_fail >= fail_t {
                h.in_rotation = false;
            }
        }
        match (was, h.in_rotation) {
            (false, true) => self.in_rotation += 1,
            (true, false) => self.in_rotation -= 1,
            _ => {}
        }
    }

    /// Recounts the members in rotation after their views were set directly.
    pub fn recount(&mut self) {
        self.in_rotation = self.hosts.iter().filter(|h| h.in_rotation).count();
    }

    /// Adds a member (auto-added host), out of rotation until it passes its probes.
    pub fn add_member(&mut self) -> usize {
        self.hosts.push(HostView::default());
        self.hosts.len() - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lb(fail: u32, ok: u32) -> LoadBalancer {
        let cfg = ProbeConfig {
            interval: Dur::from_millis(15_000),
            timeout: Dur::from_millis(15_000),
            fail_threshold: fail,
            success_threshold: ok,
            bypass: false,
            cpu_s: 0.001,
            any_process: false,
        };
        LoadBalancer::new(cfg, 3)
    }

    #[test]
    fn leaves_after_exactly_fail_threshold_failures_and_returns_after_successes() {
        let mut b = lb(2, 2);
        b.record(1, false, 15.0);
        assert!(b.hosts[1].in_rotation, "one failure is not enough");
        b.record(1, true, 0.1);
        b.record(1, false, 15.0);
        assert!(b.hosts[1].in_rotation, "failures must be consecutive");
        b.record(1, false, 15.0);
        assert!(!b.hosts[1].in_rotation);
        assert_eq!(b.in_rotation(), 2);
        assert_eq!(b.nth_in_rotation(1), Some(2));
        b.record(1, true, 0.1);
        assert!(!b.hosts[1].in_rotation, "needs two passes");
        b.record(1, true, 0.1);
        assert!(b.hosts[1].in_rotation);
        assert_eq!(b.in_rotation(), 3);
    }

    #[test]
    fn overlapping_probes_are_resolved_each_on_its_own() {
        // Timeout = interval: probe 2 is sent at the instant probe 1 times out. Both timeouts
        // must count, and probe 1's late answer must not.
        let mut b = lb(2, 1);
        let t = SimTime::from_secs;
        let p1 = b.send(0, t(0.0));
        let p2 = b.send(0, t(15.0));
        assert!(b.resolve(0, p1, false, t(15.0)));
        assert!(!b.resolve(0, p1, true, t(16.0)), "a late answer is ignored");
        assert!(b.hosts[0].in_rotation);
        assert!(b.resolve(0, p2, false, t(30.0)));
        assert!(!b.hosts[0].in_rotation, "two timeouts, two failures");
        let p3 = b.send(0, t(30.0));
        assert!(b.resolve(0, p3, true, t(31.5)));
        assert!(b.hosts[0].in_rotation);
        assert!((b.hosts[0].last_probe_s - 1.5).abs() < 1e-9);
    }
}
