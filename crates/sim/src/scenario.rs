//! The catalogue of scenarios. A scenario is a named world configuration with its parameters and
//! presets; [`Scenario::start`] builds a [`Simulation`] from (parameters, seed), which fully
//! determines the run.

use crate::params::{ParamError, ParamSpec, Params, Preset};
use crate::scenarios;
use crate::world::Simulation;

/// A scenario: what the reader (or the CLI) can run.
pub struct Scenario {
    /// Machine name, used by the CLI (`postmortem-sim run NAME`) and the app.
    pub name: &'static str,
    /// Title for the UI.
    pub title: &'static str,
    /// One or two sentences: what the scenario shows.
    pub summary: &'static str,
    /// Its parameters, in display order.
    pub params: &'static [ParamSpec],
    /// Its presets (what-ifs).
    pub presets: &'static [Preset],
    /// Builds the world.
    pub(crate) build: fn(&Params, u64) -> Simulation,
}

impl Scenario {
    /// Every parameter at its default.
    pub fn defaults(&self) -> Params {
        Params::defaults(self.params)
    }

    /// The spec of one parameter.
    pub fn param(&self, name: &str) -> Option<&'static ParamSpec> {
        self.params.iter().find(|p| p.name == name)
    }

    /// A preset by name, or an error listing the presets this scenario has.
    pub fn preset(&self, name: &str) -> Result<&'static Preset, ParamError> {
        self.presets.iter().find(|p| p.name == name).ok_or_else(|| ParamError {
            name: "preset".into(),
            message: format!(
                "unknown preset \"{name}\" for {}; presets: {}",
                self.name,
                self.presets.iter().map(|p| p.name).collect::<Vec<_>>().join(", ")
            ),
        })
    }

    /// Starts a run. `params` must come from this scenario (they are valid by construction).
    pub fn start(&self, params: &Params, seed: u64) -> Simulation {
        (self.build)(params, seed)
    }
}

/// All scenarios, in the order the app presents them.
pub fn catalog() -> &'static [Scenario] {
    scenarios::CATALOG
}

/// A scenario by name, or a one-line error listing the names there are.
pub fn find(name: &str) -> Result<&'static Scenario, String> {
    catalog().iter().find(|s| s.name == name).ok_or_else(|| {
        format!(
            "unknown scenario \"{name}\"; scenarios: {}",
            catalog().iter().map(|s| s.name).collect::<Vec<_>>().join(", ")
        )
    })
}
