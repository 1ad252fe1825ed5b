//! A load balancer with HTTP health probes (Azure Load Balancer semantics).
//!
//! Every `interval` the balancer sends each host a probe. A probe passes if it is answered 200
//! within `timeout`; a 503, no answer in time, or a dead host fails it. After `fail_threshold`
//! consecutive failures the host leaves rotation; after `success_threshold` consecutive passes it
//! returns. New requests go to a host chosen uniformly among those in rotation. Unless `bypass` is
//! on, the probe is an ordinary request: it waits in the same ASP.NET queue as user requests
//! (VSTS postmortem: "The probes from the load balancer are HTTP requests that go into the same
//! ASP.NET queue").

use crate::time::Dur;
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
}

/// The balancer's view of one host.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct HostView {
    /// Whether new requests are sent to this host.
    pub in_rotation: bool,
    consec_fail: u32,
    consec_ok: u32,
    /// Sequence number of the probe awaiting its answer, if any.
    pub outstanding: Option<u32>,
    /// Sequence number of the last probe sent.
    pub probes_sent: u32,
    /// Latency of the last answered probe [s], or the timeout if it timed out.
    pub last_probe_s: f64,
}

/// The load balancer.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LoadBalancer {
    /// Probe settings.
    pub cfg: ProbeConfig,
    /// One view per host.
    pub hosts: Vec<HostView>,
}

impl LoadBalancer {
    /// All `n` hosts start in rotation.
    pub fn new(cfg: ProbeConfig, n: usize) -> LoadBalancer {
        let hosts = (0..n).map(|_| HostView { in_rotation: true, ..HostView::default() }).collect();
        LoadBalancer { cfg, hosts }
    }

    /// Hosts in rotation.
    pub fn in_rotation(&self) -> usize {
        self.hosts.iter().filter(|h| h.in_rotation).count()
    }

    /// The `k`-th host in rotation (k < in_rotation()).
    pub fn nth_in_rotation(&self, k: usize) -> Option<usize> {
        self.hosts.iter().enumerate().filter(|(_, h)| h.in_rotation).nth(k).map(|(i, _)| i)
    }

    /// Records a probe's outcome for `host` and applies the thresholds.
    pub fn record(&mut self, host: usize, passed: bool, latency_s: f64) {
        let (fail_t, ok_t) = (self.cfg.fail_threshold, self.cfg.success_threshold);
        let h = &mut self.hosts[host];
        h.outstanding = None;
        h.last_probe_s = latency_s;
        if passed {
            h.consec_fail = 0;
            h.consec_ok += 1;
            if !h.in_rotation && h.consec_ok >= ok_t {
                h.in_rotation = true;
            }
        } else {
            h.consec_ok = 0;
            h.consec_fail += 1;
            if h.in_rotation && h.consec_fail >= fail_t {
                h.in_rotation = false;
            }
        }
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
    }
}
