//! A wiring with no components and a list of engine gauges as its columns: what the basics
//! scenarios and the engine-level tests sample.

use crate::engine::{Engine, Signal, Totals};
use crate::model::Wiring;
use crate::series::Column;
use crate::time::SimTime;
use serde::{Deserialize, Serialize};

/// What a sampled column measures.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Gauge {
    /// Requests of process p waiting for a thread (CLR queue of starts plus ASP.NET's native queue).
    Queue(u16),
    /// Continuations of process p waiting for a thread.
    Continuations(u16),
    /// Threads of process p that hold a work item.
    Busy(u16),
    /// Threads of process p that exist.
    Threads(u16),
    /// Threads of process p blocked on outbound calls.
    Blocked(u16),
    /// ASP.NET "Requests Current" of process p (queued plus executing).
    InSystem(u16),
    /// Threads injected above MinWorker in process p, cumulative.
    Injected(u16),
    /// CPU utilisation of host h over the last sample interval [%].
    CpuPct(u16),
    /// Mean wait for a thread of the requests started so far [s].
    MeanWait,
    /// Hosts of group 0 in load-balancer rotation.
    InRotation,
    /// 1 if host h is in rotation.
    HostIn(u16),
    /// Latency of host h's last probe [s] (the timeout if it failed).
    ProbeLatency(u16),
    /// Mean queue of the processes on hosts other than h.
    OthersQueue(u16),
    /// Client arrivals per second over the last sample interval.
    ArrivalRate,
    /// Completions per second over the last sample interval.
    CompletionRate,
    /// Rejections (503 or no host) per second over the last sample interval.
    RejectRate,
}

/// Columns of engine gauges.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Gauges {
    columns: Vec<Column>,
    gauges: Vec<Gauge>,
    busy: Vec<f64>,
    last: Totals,
}

impl Gauges {
    /// These columns, each measuring its gauge.
    pub fn new(cols: Vec<(Column, Gauge)>) -> Gauges {
        let (columns, gauges) = cols.into_iter().unzip();
        Gauges { columns, gauges, busy: vec![], last: Totals::default() }
    }

    fn value(&self, eng: &mut Engine, g: Gauge, dt: f64) -> f64 {
        let per_s = |now: u64, then: u64| if dt > 0.0 { (now - then) as f64 / dt } else { 0.0 };
        let t = eng.totals();
        match g {
            Gauge::Queue(p) => eng.queued(p as usize) as f64,
            Gauge::Continuations(p) => eng.continuations_queued(p as usize) as f64,
            Gauge::Busy(p) => eng.busy(p as usize) as f64,
            Gauge::Threads(p) => eng.threads(p as usize) as f64,
            Gauge::Blocked(p) => eng.blocked(p as usize) as f64,
            Gauge::InSystem(p) => eng.requests_current(p as usize) as f64,
            Gauge::Injected(p) => eng.injected(p as usize) as f64,
            Gauge::CpuPct(h) => {
                let h = h as usize;
                let busy = eng.host_busy_core_s(h);
                if dt > 0.0 {
                    100.0 * (busy - self.busy[h]) / (dt * eng.host_cores(h))
                } else {
                    0.0
                }
            }
            Gauge::MeanWait => eng.mean_wait_s(),
            Gauge::InRotation => eng.in_rotation(0) as f64,
            Gauge::HostIn(h) => eng.host_in_rotation(h as usize) as u8 as f64,
            Gauge::ProbeLatency(h) => eng.last_probe_s(h as usize),
            Gauge::OthersQueue(h) => {
                let others: Vec<usize> =
                    (0..eng.n_procs()).filter(|&p| eng.proc_host(p) != h as usize).collect();
                if others.is_empty() {
                    0.0
                } else {
                    others.iter().map(|&p| eng.queued(p) as f64).sum::<f64>() / others.len() as f64
                }
            }
            Gauge::ArrivalRate => per_s(t.arrived, self.last.arrived),
            Gauge::CompletionRate => per_s(t.completed, self.last.completed),
            Gauge::RejectRate => per_s(t.rejected, self.last.rejected),
        }
    }
}

impl Wiring for Gauges {
    fn next_wake(&self) -> SimTime {
        SimTime::NEVER
    }
    fn wake(&mut self, _eng: &mut Engine) {}
    fn signal(&mut self, _eng: &mut Engine, _sig: Signal) {}
    fn signal_moves_wake(&self, _sig: &Signal) -> bool {
        false
    }
    fn columns(&self) -> Vec<Column> {
        self.columns.clone()
    }
    fn sample(&mut self, eng: &mut Engine, dt: f64, row: &mut Vec<f64>) {
        if self.busy.len() != eng.n_hosts() {
            self.busy = vec![0.0; eng.n_hosts()];
        }
        for i in 0..self.gauges.len() {
            let v = self.value(eng, self.gauges[i], dt);
            row.push(v);
        }
        for h in 0..eng.n_hosts() {
            self.busy[h] = eng.host_busy_core_s(h);
        }
        self.last = eng.totals();
    }
}
