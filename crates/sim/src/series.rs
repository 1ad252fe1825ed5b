//! The output of a run: columns of samples taken at a fixed simulated interval.

use serde::{Deserialize, Serialize};

/// Most samples a run may hold: scenarios refuse settings that would make more. Six months at
/// one sample a minute (7pace-2017, 262,081 samples) fits.
pub const MAX_ROWS: usize = 300_000;

/// One column's description.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Column {
    /// Machine name, e.g. `threads`; `time_s` for the first column.
    pub name: String,
    /// Human label for a chart legend.
    pub label: String,
    /// Unit, e.g. `s`, `req/s`, `%`.
    pub unit: String,
}

/// How `time_s` maps to a wall clock, for a `clock_utc` column in the CSV.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Clock {
    /// `time_s` 0 is this many seconds after midnight UTC; printed as HH:MM:SS.
    TimeOfDay {
        /// Seconds after midnight at `time_s` 0.
        origin_s: f64,
    },
    /// `time_s` 0 is this many seconds after 1970-01-01T00:00:00Z; printed as an ISO 8601
    /// date-time, e.g. `2018-01-02T13:00:00Z`.
    DateTime {
        /// Unix time of `time_s` 0 [s].
        origin_unix_s: i64,
    },
}

impl Clock {
    /// The clock reading at `time_s`.
    pub fn format(&self, time_s: f64) -> String {
        match *self {
            Clock::TimeOfDay { origin_s } => {
                let t = (origin_s + time_s).max(0.0).round() as u64 % 86_400;
                format!("{:02}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60)
            }
            Clock::DateTime { origin_unix_s } => {
                crate::calendar::iso_utc(origin_unix_s + time_s.max(0.0).round() as i64)
            }
        }
    }
}

/// Samples in columns: `data[c][r]` is column `c` of sample `r`. Column 0 is always `time_s`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Series {
    /// Column descriptions, `time_s` first.
    pub columns: Vec<Column>,
    /// Column-major values.
    pub data: Vec<Vec<f64>>,
    /// The wall clock, if the scenario has one (CSV gets a `clock_utc` column after `time_s`).
    #[serde(default)]
    pub clock: Option<Clock>,
}

impl Series {
    /// An empty series with these columns (`time_s` is added in front).
    pub fn new(columns: Vec<Column>) -> Series {
        let mut all = vec![Column { name: "time_s".into(), label: "Time".into(), unit: "s".into() }];
        all.extend(columns);
        let data = vec![Vec::new(); all.len()];
        Series { columns: all, data, clock: None }
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.data.first().map_or(0, Vec::len)
    }

    /// Whether there are no samples yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends one sample (`row[0]` is the time).
    pub fn push(&mut self, row: &[f64]) {
        debug_assert_eq!(row.len(), self.columns.len());
        for (col, v) in self.data.iter_mut().zip(row) {
            col.push(*v);
        }
    }

    /// The values of a column by name.
    pub fn column(&self, name: &str) -> Option<&[f64]> {
        self.columns.iter().position(|c| c.name == name).map(|i| self.data[i].as_slice())
    }

    /// The time column [s]; empty for a series with no columns yet.
    pub fn time(&self) -> &[f64] {
        self.data.first().map_or(&[], Vec::as_slice)
    }

    /// CSV with a header line; `time_s` first. Numbers use Rust's shortest round-trip formatting,
    /// so the text is identical wherever the numbers are.
    pub fn to_csv(&self) -> String {
        use std::fmt::Write;
        let mut names: Vec<&str> = self.columns.iter().map(|c| c.name.as_str()).collect();
        if self.clock.is_some() {
            names.insert(1, "clock_utc");
        }
        let mut out = names.join(",");
        out.push('\n');
        for r in 0..self.len() {
            for (c, col) in self.data.iter().enumerate() {
                if c > 0 {
                    out.push(',');
                }
                let _ = write!(out, "{}", col[r]);
                if c == 0 {
                    if let Some(clock) = &self.clock {
                        out.push(',');
                        out.push_str(&clock.format(col[r]));
                    }
                }
            }
            out.push('\n');
        }
        out
    }

    /// A 64-bit FNV-1a digest of every value's bits, to compare runs across platforms.
    pub fn digest(&self) -> u64 {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for col in &self.data {
            for v in col {
                for b in v.to_bits().to_le_bytes() {
                    h ^= b as u64;
                    h = h.wrapping_mul(0x0100_0000_01b3);
                }
            }
        }
        h
    }
}
