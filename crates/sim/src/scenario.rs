//! The catalogue of scenarios. A scenario is a named world configuration with its parameters and
//! presets; [`Scenario::start`] builds a [`Simulation`] from (parameters, seed), which fully
//! determines the run.

use crate::params::{ParamError, ParamSpec, Params, Preset};
use crate::scenarios;
use crate::simulation::Simulation;

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
    /// Checks what single-parameter ranges cannot: combinations whose cost would be unbounded
    /// (too many samples, a queue that would outgrow memory).
    pub(crate) validate: fn(&Params) -> Result<(), ParamError>,
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

    /// Checks a full set of parameters of this scenario for combinations it refuses.
    pub fn check(&self, params: &Params) -> Result<(), ParamError> {
        (self.validate)(params)
    }

    /// Parses, checks and sets one value, then checks the combination; on any error nothing
    /// changes. What the URL, the UI and the CLI all go through.
    pub fn set_str(&self, params: &mut Params, name: &str, text: &str) -> Result<(), ParamError> {
        let mut next = params.clone();
        next.set_str(self.params, name, text)?;
        self.check(&next)?;
        *params = next;
        Ok(())
    }

    /// Applies many `name=value` assignments; each bad one (alone or in combination with the
    /// ones before it) is reported and leaves its parameter as it was.
    pub fn set_many<'a>(
        &self,
        params: &mut Params,
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Vec<ParamError> {
        pairs.into_iter().filter_map(|(n, v)| self.set_str(params, n, v).err()).collect()
    }

    /// Starts a run, or says which parameter makes its cost unbounded.
    pub fn start(&self, params: &Params, seed: u64) -> Result<Simulation, ParamError> {
        self.check(params)?;
        let build = scenarios::builder(self.name).ok_or_else(|| ParamError {
            name: "scenario".into(),
            message: format!("scenario \"{}\" has no simulation", self.name),
        })?;
        Ok(build(params, seed))
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
