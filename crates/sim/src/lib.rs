//! # postmortem-sim
//!
//! The pure simulation core of Postmortem Lab. It models the mechanisms behind two 2018
//! incidents (VSTS West Europe and 7pace Timetracker): open-loop clients, a load balancer with
//! health probes, ASP.NET admission with its request-queue limit, a CLR-style worker thread pool
//! with its injection rules, outbound calls whose continuations need a pool thread, and
//! processor-sharing CPUs.
//!
//! Architecture invariants:
//! * no DOM, no clock, no I/O: simulated time is a value ([`time::SimTime`]);
//! * a run is fully determined by (scenario, parameters, seed), natively and in wasm;
//! * the whole world is `Clone + Serialize`, so a run can be forked at any instant.
//!
//! ```
//! use postmortem_sim::scenario;
//! let s = scenario::find("staircase").unwrap();
//! let mut sim = s.start(&s.defaults(), 1).unwrap();
//! sim.run_until(5.0);
//! let threads = sim.series().column("threads").unwrap();
//! assert!(*threads.last().unwrap() >= 192.0);
//! ```
#![warn(missing_docs)]

pub mod breaker;
pub mod calendar;
pub mod clients;
pub mod components;
pub mod cpu;
pub mod dependency;
pub mod engine;
pub mod erlang;
pub mod gauges;
pub mod load_balancer;
pub mod metrics;
pub mod mmc;
pub mod model;
pub mod multiplexer;
pub mod params;
pub mod rng;
pub mod scenario;
pub mod scenarios;
pub mod series;
pub mod simulation;
pub mod thread_pool;
pub mod time;

pub use model::Model;
pub use scenario::{catalog, find, Scenario};
pub use simulation::Simulation;
