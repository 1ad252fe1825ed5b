//! [`Simulation`]: any scenario's run, as one value the app, the CLI and the tests drive.

use crate::engine::{Engine, Totals};
use crate::gauges::Gauges;
use crate::model::{Driver, Model};
use crate::scenarios::sevenpace::macro_model::MacroModel;
use crate::scenarios::sevenpace::zoom::ZoomWiring;
use crate::scenarios::vsts::VstsWiring;
use crate::series::Series;
use serde::{Deserialize, Serialize};

/// A running simulation of any scenario. Cloning it forks the run: both copies continue
/// identically until one of them is changed; a serialised copy does the same.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Simulation {
    /// The engine with gauge columns (basics scenarios, engine tests).
    Engine(Box<Driver<Gauges>>),
    /// The VSTS incident.
    Vsts(Box<Driver<VstsWiring>>),
    /// The 7pace six months, a minute-step model with no per-request engine.
    SevenpaceMacro(Box<MacroModel>),
    /// The 7pace freeze of 2 January 2018 on the per-request engine.
    SevenpaceZoom(Box<Driver<ZoomWiring>>),
}

/// The per-request drivers.
macro_rules! each_driver {
    ($self:expr, $m:ident => $e:expr, $none:expr) => {
        match $self {
            Simulation::Engine($m) => $e,
            Simulation::Vsts($m) => $e,
            Simulation::SevenpaceZoom($m) => $e,
            Simulation::SevenpaceMacro(_) => $none,
        }
    };
}

/// Every model.
macro_rules! each {
    ($self:expr, $m:ident => $e:expr) => {
        match $self {
            Simulation::Engine($m) => $e,
            Simulation::Vsts($m) => $e,
            Simulation::SevenpaceZoom($m) => $e,
            Simulation::SevenpaceMacro($m) => $e,
        }
    };
}

impl Simulation {
    /// The per-request engine underneath, if the model has one (a minute-step model has none).
    pub fn try_engine(&self) -> Option<&Engine> {
        each_driver!(self, d => Some(&d.engine), None)
    }
    /// The per-request engine underneath. Panics for a model without one (`7pace-2017`): a
    /// programming error, like asking [`crate::params::Params::get`] for a name it lacks.
    pub fn engine(&self) -> &Engine {
        self.try_engine().expect("this scenario has no per-request engine")
    }
    /// The engine underneath, mutably (panics as [`Self::engine`] does).
    pub fn engine_mut(&mut self) -> &mut Engine {
        each_driver!(self, d => &mut d.engine, panic!("this scenario has no per-request engine"))
    }
    /// Current simulated time [s].
    pub fn now_s(&self) -> f64 {
        Model::now_s(self)
    }
    /// End of the run [s].
    pub fn end_s(&self) -> f64 {
        Model::end_s(self)
    }
    /// Advances to `t_s` (clamped to the end).
    pub fn run_until(&mut self, t_s: f64) {
        Model::run_until(self, t_s)
    }
    /// Handles at most `max_events` events; returns true when the run is done.
    pub fn step_events(&mut self, max_events: u64) -> bool {
        Model::step_events(self, max_events)
    }
    /// The samples so far.
    pub fn series(&self) -> &Series {
        Model::series(self)
    }
    /// Client-request counts.
    pub fn totals(&self) -> Totals {
        Model::totals(self)
    }
    /// Runs to the end.
    pub fn run_to_end(&mut self) {
        while !self.step_events(u64::MAX) {}
    }
    /// Whether the run has reached its end.
    pub fn is_done(&self) -> bool {
        self.now_s() >= self.end_s()
    }
    /// Wait statistics past the warm-up.
    pub fn wait_stats(&self) -> crate::engine::WaitStats {
        self.engine().wait_stats()
    }
    /// Threads of process `p`.
    pub fn threads(&self, p: usize) -> u32 {
        self.engine().threads(p)
    }
    /// Requests of process `p` waiting for a thread.
    pub fn queued(&self, p: usize) -> usize {
        self.engine().queued(p)
    }
    /// Whether host `h` is in rotation.
    pub fn host_in_rotation(&self, h: usize) -> bool {
        self.engine().host_in_rotation(h)
    }
    /// Figures of process `p` for the operational laws.
    pub fn process_stats(&self, p: usize) -> crate::engine::ProcessStats {
        self.engine().process_stats(p)
    }
    /// Core-seconds host `h` was busy.
    pub fn host_busy_core_s(&mut self, h: usize) -> f64 {
        self.engine_mut().host_busy_core_s(h)
    }
    /// Client requests alive, counted from the request table.
    pub fn live_client_requests(&self) -> u64 {
        self.engine().live_client_requests()
    }
}

impl Model for Simulation {
    fn now_s(&self) -> f64 {
        each!(self, d => d.now_s())
    }
    fn end_s(&self) -> f64 {
        each!(self, d => d.end_s())
    }
    fn run_until(&mut self, t_s: f64) {
        each!(self, d => d.run_until(t_s))
    }
    fn step_events(&mut self, max_events: u64) -> bool {
        each!(self, d => d.step_events(max_events))
    }
    fn series(&self) -> &Series {
        each!(self, d => d.series())
    }
    fn totals(&self) -> Totals {
        each!(self, d => d.totals())
    }
}

impl Simulation {
    /// The engine alone from a configuration, with no samples (engine-level tests).
    pub fn from_config(cfg: crate::engine::EngineConfig, seed: u64) -> Simulation {
        Simulation::with_gauges(Engine::new(cfg, seed), Gauges::new(vec![]), crate::time::Dur::ZERO)
    }

    /// The engine alone, sampled by `gauges` every `every` (basics scenarios, tests).
    pub fn with_gauges(engine: Engine, gauges: Gauges, every: crate::time::Dur) -> Simulation {
        Simulation::Engine(Box::new(Driver::new(engine, gauges, every)))
    }
}
