//! Alert rules: a condition (CPU, p95 latency, Redis load over a threshold) that must hold for a
//! duration before the alert fires; it clears as soon as the condition does.

use serde::{Deserialize, Serialize};

/// The rules, in column order.
pub const RULES: [&str; 3] = ["cpu", "p95", "redis"];

/// One rule's state.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Rule {
    /// Threshold.
    pub threshold: f64,
    /// Minutes the condition has held.
    pub held_min: u32,
    /// Whether it is firing.
    pub firing: bool,
    /// The minute of the run it first fired, if ever.
    pub first_fired_min: Option<u64>,
    /// Times it fired.
    pub fired: u32,
}

/// The alerting of a run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Alerts {
    /// Whether anyone is paged; when off, the rules are still evaluated (reports nobody read).
    pub enabled: bool,
    /// Minutes a condition must hold.
    pub for_min: u32,
    /// CPU, p95, Redis.
    pub rules: Vec<Rule>,
}

impl Alerts {
    /// Rules with these thresholds (CPU %, p95 s, Redis %).
    pub fn new(enabled: bool, for_min: u32, thresholds: [f64; 3]) -> Alerts {
        Alerts {
            enabled,
            for_min,
            rules: thresholds.iter().map(|&t| Rule { threshold: t, ..Rule::default() }).collect(),
        }
    }

    /// One minute of observations; returns the number of alerts firing (0 when disabled).
    pub fn observe(&mut self, minute: u64, values: [f64; 3]) -> u32 {
        let mut n = 0;
        for (r, x) in self.rules.iter_mut().zip(values) {
            if x > r.threshold {
                r.held_min += 1;
            } else {
                r.held_min = 0;
            }
            let firing = r.held_min >= self.for_min;
            if firing && !r.firing {
                r.fired += 1;
                r.first_fired_min.get_or_insert(minute);
            }
            r.firing = firing;
            n += firing as u32;
        }
        if self.enabled {
            n
        } else {
            0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fires_after_the_duration_and_clears_at_once() {
        let mut a = Alerts::new(true, 5, [80.0, 5.0, 80.0]);
        let mut fired_at = None;
        for m in 0..10 {
            let cpu = if m >= 2 { 90.0 } else { 50.0 };
            if a.observe(m, [cpu, 0.0, 0.0]) > 0 && fired_at.is_none() {
                fired_at = Some(m);
            }
        }
        assert_eq!(fired_at, Some(6), "held at minutes 2..=6: five minutes");
        assert_eq!(a.observe(10, [10.0, 0.0, 0.0]), 0);
        let mut off = Alerts::new(false, 1, [80.0, 5.0, 80.0]);
        assert_eq!(off.observe(0, [99.0, 99.0, 99.0]), 0);
        assert_eq!(off.rules[0].first_fired_min, Some(0), "evaluated, not paged");
    }
}
