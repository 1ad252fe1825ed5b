//! What a request does, as a list of steps run in order by a step index.
//!
//! A [`RequestShape`] is the template a source or component sends: each [`StepSpec`] holds
//! distributions. At admission the engine draws every step into a concrete [`Step`] (always the
//! same number of draws per step, so a what-if that changes one step's mean does not shift the
//! random numbers of the others).

use crate::clients::Dist;
use crate::rng::Stream;
use crate::time::Dur;
use serde::{Deserialize, Serialize};

/// Where an outbound call goes.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum CallTo {
    /// A plain delay: a dependency that is never the bottleneck.
    Delay(Dist),
    /// Dependency `dep` of the engine (a FIFO server pool, a single-threaded server, …) with
    /// probability `p`, else a plain delay.
    Dependency {
        /// Index in the engine's dependency table.
        dep: u16,
        /// Probability that the call goes to the dependency.
        p: f64,
        /// Latency when it does not.
        otherwise: Dist,
    },
}

/// One step of a request template.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum StepSpec {
    /// CPU work on the host's processor-shared cores [s].
    Cpu(Dist),
    /// An outbound call. The thread blocks for its duration. With probability `p_sync` its
    /// completion is a continuation that needs a pool thread (sync-over-async) for `cont_cpu`
    /// before the blocked thread resumes.
    Call {
        /// Probability that the request makes this call at all.
        p_call: f64,
        /// Where it goes.
        to: CallTo,
        /// Probability that the completion needs a pool thread.
        p_sync: f64,
        /// CPU of that continuation [s].
        cont_cpu: Dist,
        /// A client-side timeout (StackExchange.Redis `syncTimeout`): the call fails if the
        /// request has not resumed this long after the call began. When the answer itself is
        /// later, the thread resumes at the deadline and the dependency still does the work.
        timeout: Option<Dur>,
        /// Payload size [bytes], for dependencies whose cost depends on it.
        bytes: f64,
        /// Counter to bump when the call fails by timeout (see [`crate::engine::Engine::call_timeouts`]).
        counter: u16,
    },
}

/// A drawn step.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Step {
    /// CPU work [s].
    Cpu(f64),
    /// An outbound call.
    Call {
        /// `Some(dep)` for an engine dependency, `None` for a plain delay of `latency`.
        dep: Option<u16>,
        /// Latency of a plain delay [s] (unused for a dependency).
        latency: f64,
        /// The completion needs a pool thread.
        sync: bool,
        /// CPU of that continuation [s].
        cont_cpu: f64,
        /// Client-side timeout.
        timeout: Option<Dur>,
        /// Payload [bytes].
        bytes: f64,
        /// Timeout counter.
        counter: u16,
    },
}

impl Step {
    /// CPU demand of this step [s] (the continuation included).
    pub fn cpu(&self) -> f64 {
        match *self {
            Step::Cpu(c) => c,
            Step::Call { sync, cont_cpu, .. } => {
                if sync {
                    cont_cpu
                } else {
                    0.0
                }
            }
        }
    }
}

/// A request template: steps in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequestShape {
    /// The steps.
    pub steps: Vec<StepSpec>,
}

impl RequestShape {
    /// A request that only needs CPU.
    pub fn cpu_only(cpu: Dist) -> RequestShape {
        RequestShape { steps: vec![StepSpec::Cpu(cpu)] }
    }

    /// CPU, one outbound call (plain delay `io`; zero for none), maybe a continuation, CPU.
    pub fn call(cpu_before: Dist, io: Dist, p_sync: f64, cont_cpu: Dist, cpu_after: Dist) -> RequestShape {
        RequestShape {
            steps: vec![
                StepSpec::Cpu(cpu_before),
                StepSpec::Call {
                    p_call: 1.0,
                    to: CallTo::Delay(io),
                    p_sync,
                    cont_cpu,
                    timeout: None,
                    bytes: 0.0,
                    counter: 0,
                },
                StepSpec::Cpu(cpu_after),
            ],
        }
    }

    /// Draws every step into `out` (cleared first). Steps that would do nothing (zero CPU, a
    /// zero-latency plain call) are dropped after their draws.
    pub fn draw(&self, rng: &mut Stream, out: &mut Vec<Step>) {
        out.clear();
        for s in &self.steps {
            match *s {
                StepSpec::Cpu(d) => {
                    let c = d.sample(rng);
                    if c > 0.0 {
                        out.push(Step::Cpu(c));
                    }
                }
                StepSpec::Call { p_call, to, p_sync, cont_cpu, timeout, bytes, counter } => {
                    let happens = rng.chance(p_call);
                    let (dep, latency) = match to {
                        CallTo::Delay(d) => (None, d.sample(rng)),
                        CallTo::Dependency { dep, p, otherwise } => {
                            let hit = rng.chance(p);
                            let l = otherwise.sample(rng);
                            if hit {
                                (Some(dep), 0.0)
                            } else {
                                (None, l)
                            }
                        }
                    };
                    let sync = rng.chance(p_sync);
                    let cont = cont_cpu.sample(rng);
                    if !happens || (dep.is_none() && latency <= 0.0) {
                        continue;
                    }
                    out.push(Step::Call {
                        dep,
                        latency,
                        sync,
                        cont_cpu: if sync { cont } else { 0.0 },
                        timeout,
                        bytes,
                        counter,
                    });
                }
            }
        }
    }

    /// Mean CPU demand [s], continuations included.
    pub fn mean_cpu(&self) -> f64 {
        self.steps
            .iter()
            .map(|s| match *s {
                StepSpec::Cpu(d) => d.mean(),
                StepSpec::Call { p_call, p_sync, cont_cpu, .. } => p_call * p_sync * cont_cpu.mean(),
            })
            .sum()
    }
}
