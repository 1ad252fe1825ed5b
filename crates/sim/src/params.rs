//! Parameters: every knob a scenario exposes has a name, a unit, a range and a one-line description.
//!
//! The same name is used on the command line (`--set name=value`), in the app's URL (`?name=value`)
//! and in `postmortem-sim params`. Input from any of those goes through [`Params::set_str`], which
//! either accepts a value or returns a [`ParamError`] that names the parameter and its allowed range,
//! leaving every other value untouched.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Where a parameter's default comes from, so the UI can label illustrative magnitudes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Provenance {
    /// Stated in one of the two postmortems.
    Postmortem,
    /// A documented default of the real system (.NET, ASP.NET, Azure, SignalR).
    Documented,
    /// Chosen by us: the postmortems give no figure. Shown as "illustrative" in the UI.
    Illustrative,
}

/// The description of one parameter.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct ParamSpec {
    /// Machine name, e.g. `arrival_rate`. Used in the CLI, the URL and the JSON listings.
    pub name: &'static str,
    /// Short human label, e.g. "Arrival rate".
    pub label: &'static str,
    /// Unit, e.g. `req/s`, `s`, `threads`; `""` for a pure number, `on/off` for a switch.
    pub unit: &'static str,
    /// The default value.
    pub default: f64,
    /// Smallest allowed value (inclusive).
    pub min: f64,
    /// Largest allowed value (inclusive).
    pub max: f64,
    /// Slider step; 1.0 for integers.
    pub step: f64,
    /// Whether only whole numbers are allowed.
    pub integer: bool,
    /// One line: what the parameter means.
    pub description: &'static str,
    /// Where the default comes from.
    pub provenance: Provenance,
}

impl ParamSpec {
    /// A switch: 0 = off, 1 = on.
    pub fn is_switch(&self) -> bool {
        self.unit == "on/off"
    }

    /// The allowed range in words, e.g. "an integer from 1 to 64".
    pub fn range_text(&self) -> String {
        if self.is_switch() {
            "0 (off) or 1 (on)".to_string()
        } else if self.integer {
            format!("an integer from {} to {}", fmt_num(self.min), fmt_num(self.max))
        } else {
            format!("a number from {} to {}", fmt_num(self.min), fmt_num(self.max))
        }
    }

    /// The allowed range with its unit, e.g. "an integer from 1 to 64 threads".
    pub fn range_with_unit(&self) -> String {
        if self.unit.is_empty() || self.is_switch() {
            self.range_text()
        } else {
            format!("{} {}", self.range_text(), self.unit)
        }
    }

    fn error(&self, why: &str) -> ParamError {
        ParamError {
            name: self.name.to_string(),
            message: format!("{} must be {} {why}", self.name, self.range_with_unit()),
        }
    }

    /// Checks one value against this spec.
    pub fn check(&self, value: f64) -> Result<f64, ParamError> {
        let bad = |why: &str| self.error(why);
        if !value.is_finite() {
            return Err(bad("(got a value that is not a finite number)"));
        }
        if value < self.min || value > self.max {
            return Err(bad(&format!("(got {})", fmt_num(value))));
        }
        if self.integer && value.fract() != 0.0 {
            return Err(bad(&format!("(got {})", fmt_num(value))));
        }
        Ok(value)
    }

    /// Parses and checks a textual value (from a URL, the CLI or a text box).
    pub fn parse(&self, text: &str) -> Result<f64, ParamError> {
        let t = text.trim();
        let value = match t {
            "on" | "true" | "yes" if self.is_switch() => 1.0,
            "off" | "false" | "no" if self.is_switch() => 0.0,
            _ => t
                .parse::<f64>()
                .map_err(|_| self.error(&format!("(got \"{}\", which is not a number)", truncate(t, 24))))?,
        };
        self.check(value)
    }
}

/// A rejected parameter value. `message` is one line that names the parameter and the allowed range.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ParamError {
    /// The parameter's name (or the unknown name that was given).
    pub name: String,
    /// One line for the reader.
    pub message: String,
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParamError {}

/// A named set of parameter changes, e.g. a what-if.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Preset {
    /// Machine name, e.g. `net6`.
    pub name: &'static str,
    /// Short label for a button.
    pub label: &'static str,
    /// One line: what the preset shows.
    pub description: &'static str,
    /// The changes against the defaults.
    pub changes: &'static [(&'static str, f64)],
}

/// A full set of values for one scenario's parameters, always valid.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Params {
    names: Vec<String>,
    values: Vec<f64>,
}

impl Params {
    /// Every parameter at its default.
    pub fn defaults(specs: &[ParamSpec]) -> Params {
        Params {
            names: specs.iter().map(|s| s.name.to_string()).collect(),
            values: specs.iter().map(|s| s.default).collect(),
        }
    }

    /// The value of `name`. Panics only on a programming error (a name the scenario does not have).
    pub fn get(&self, name: &str) -> f64 {
        self.value(name).unwrap_or_else(|| panic!("no parameter named {name}"))
    }

    /// The value of `name`, or `None` if the scenario has no such parameter.
    pub fn value(&self, name: &str) -> Option<f64> {
        self.names.iter().position(|n| n == name).map(|i| self.values[i])
    }

    /// `get(name) != 0`, for switches.
    pub fn flag(&self, name: &str) -> bool {
        self.get(name) != 0.0
    }

    /// The names and values, in the scenario's order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, f64)> {
        self.names.iter().map(String::as_str).zip(self.values.iter().copied())
    }

    /// Sets one value after checking it; on error nothing changes.
    pub fn set(&mut self, specs: &[ParamSpec], name: &str, value: f64) -> Result<(), ParamError> {
        let (i, spec) = find(specs, name)?;
        self.values[i] = spec.check(value)?;
        Ok(())
    }

    /// Parses, checks and sets one value; on error nothing changes.
    pub fn set_str(&mut self, specs: &[ParamSpec], name: &str, text: &str) -> Result<(), ParamError> {
        let (i, spec) = find(specs, name)?;
        self.values[i] = spec.parse(text)?;
        Ok(())
    }

    /// Applies a preset's changes.
    pub fn apply(&mut self, specs: &[ParamSpec], preset: &Preset) -> Result<(), ParamError> {
        for (name, value) in preset.changes {
            self.set(specs, name, *value)?;
        }
        Ok(())
    }

    /// Applies many `name=value` assignments. Valid ones are kept; each bad one is reported and
    /// leaves that parameter at its previous value.
    pub fn set_many<'a>(
        &mut self,
        specs: &[ParamSpec],
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Vec<ParamError> {
        pairs.into_iter().filter_map(|(n, v)| self.set_str(specs, n, v).err()).collect()
    }

    /// The assignments that differ from the defaults, for compact URLs.
    pub fn changed<'a>(&'a self, specs: &'a [ParamSpec]) -> impl Iterator<Item = (&'a str, f64)> + 'a {
        specs.iter().zip(&self.values).filter(|(s, v)| **v != s.default).map(|(s, v)| (s.name, *v))
    }
}

/// A Rust type a parameter can be read as.
pub trait ParamType {
    /// Whether only whole numbers are allowed.
    const INTEGER: bool;
    /// The value from a (valid) number.
    fn from_f64(v: f64) -> Self;
}
impl ParamType for f64 {
    const INTEGER: bool = false;
    fn from_f64(v: f64) -> f64 {
        v
    }
}
impl ParamType for u32 {
    const INTEGER: bool = true;
    fn from_f64(v: f64) -> u32 {
        v as u32
    }
}
impl ParamType for i32 {
    const INTEGER: bool = true;
    fn from_f64(v: f64) -> i32 {
        v as i32
    }
}
impl ParamType for bool {
    const INTEGER: bool = true;
    fn from_f64(v: f64) -> bool {
        v != 0.0
    }
}

impl Params {
    /// The values in the scenario's order (for typed parameter structs).
    pub fn values(&self) -> &[f64] {
        &self.values
    }
}

/// Declares a scenario's parameters once: the `ParamSpec` list (name = field name) and a typed
/// struct read from [`Params`] by position, so a name can never be misspelt at a use site.
///
/// Each field: `name: type = (label, unit, default, min, max, step, provenance, description)`;
/// `bool` fields are switches (unit `on/off`).
#[macro_export]
macro_rules! typed_params {
    ($(#[$m:meta])* pub struct $S:ident; pub const $SPECS:ident;
     { $( $field:ident : $ty:ty = ($label:literal, $unit:literal, $def:expr, $min:expr, $max:expr, $step:expr, $prov:ident, $desc:literal) ),* $(,)? }) => {
        /// The parameters, in display order.
        pub const $SPECS: &[$crate::params::ParamSpec] = &[ $(
            $crate::params::ParamSpec {
                name: stringify!($field),
                label: $label,
                unit: $unit,
                default: $def as f64,
                min: $min as f64,
                max: $max as f64,
                step: $step as f64,
                integer: <$ty as $crate::params::ParamType>::INTEGER,
                description: $desc,
                provenance: $crate::params::Provenance::$prov,
            }
        ),* ];
        $(#[$m])*
        #[derive(Clone, Debug, PartialEq)]
        #[allow(missing_docs)]
        pub struct $S { $( pub $field: $ty ),* }
        impl $S {
            /// Reads valid parameters of this scenario.
            pub fn from_params(p: &$crate::params::Params) -> $S {
                let mut it = p.values().iter().copied();
                $S { $( $field: <$ty as $crate::params::ParamType>::from_f64(it.next().expect("a value per parameter")) ),* }
            }
        }
    };
}

fn find<'a>(specs: &'a [ParamSpec], name: &str) -> Result<(usize, &'a ParamSpec), ParamError> {
    specs.iter().enumerate().find(|(_, s)| s.name == name).ok_or_else(|| ParamError {
        name: name.to_string(),
        message: format!(
            "unknown parameter \"{}\"; this scenario has: {}",
            truncate(name, 32),
            specs.iter().map(|s| s.name).collect::<Vec<_>>().join(", ")
        ),
    })
}

/// Formats a number without trailing zeros: 0.5, 192, 1e-6.
pub fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: &[ParamSpec] = &[
        ParamSpec {
            name: "servers",
            label: "Servers",
            unit: "threads",
            default: 4.0,
            min: 1.0,
            max: 64.0,
            step: 1.0,
            integer: true,
            description: "worker threads",
            provenance: Provenance::Illustrative,
        },
        ParamSpec {
            name: "rate",
            label: "Rate",
            unit: "req/s",
            default: 10.0,
            min: 0.5,
            max: 100.0,
            step: 0.5,
            integer: false,
            description: "arrivals",
            provenance: Provenance::Illustrative,
        },
    ];

    #[test]
    fn bad_values_name_the_parameter_and_range_and_keep_the_rest() {
        let mut p = Params::defaults(SPECS);
        let errs = p.set_many(SPECS, [("servers", "0"), ("rate", "20"), ("rate", "abc"), ("nope", "1")]);
        assert_eq!(errs.len(), 3);
        assert_eq!(errs[0].message, "servers must be an integer from 1 to 64 threads (got 0)");
        assert_eq!(
            errs[1].message,
            "rate must be a number from 0.5 to 100 req/s (got \"abc\", which is not a number)"
        );
        assert!(errs[2].message.contains("unknown parameter \"nope\""));
        assert_eq!(p.get("servers"), 4.0);
        assert_eq!(p.get("rate"), 20.0);
        assert!(p.set_str(SPECS, "servers", "2.5").is_err());
        assert!(p.set_str(SPECS, "rate", "NaN").is_err());
        assert!(p.set_str(SPECS, "rate", "inf").is_err());
        assert_eq!(p.changed(SPECS).collect::<Vec<_>>(), vec![("rate", 20.0)]);
    }
}
