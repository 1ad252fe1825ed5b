//! The worker's runs, as plain Rust: commands in, events out. No DOM, no clock — the caller says
//! when a slice's time is up — so every rule here is tested natively.
//!
//! ```text
//!  Cmd::Start{id, scenario, query, seed, paused} ──► Run { sim, paused, pause_at, sent }
//!  Cmd::Pause / Resume / Seek{t} / Fork{from} / Stop
//!
//!  slice(out_of_time):  each active run steps in turn until out_of_time() says stop,
//!                       then every run with new samples yields Event::Rows (only the new ones)
//! ```
//!
//! A run is *active* while it is not paused and not done. `Seek{t}` resumes a run and pauses it again
//! once its simulated time reaches `t` (running ahead; the samples before `t` are all sent). `Fork`
//! starts a new run from a copy of another run's current state: the seam for fork-and-compare, and
//! what makes "start from a snapshot" cost nothing.

use super::IdMap;
use crate::routes::Query;
use postmortem_sim::scenario;
use postmortem_sim::series::{Clock, Column, Series};
use postmortem_sim::Simulation;

/// A run's id, chosen by the page.
pub type RunId = u32;

/// What the page asks the worker to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Cmd {
    /// Starts (or restarts) run `id`: `scenario` with the parameters in `query` and `seed`.
    Start {
        /// Run id; a run already under this id is replaced.
        id: RunId,
        /// Scenario name.
        scenario: String,
        /// Changed parameters, `name=value&…`.
        query: String,
        /// Seed.
        seed: u64,
        /// Start paused (the header is still sent).
        paused: bool,
    },
    /// Stops stepping run `id`.
    Pause {
        /// Run id.
        id: RunId,
    },
    /// Steps run `id` again.
    Resume {
        /// Run id.
        id: RunId,
    },
    /// Runs `id` ahead until its simulated time reaches `t_s`, then pauses it.
    Seek {
        /// Run id.
        id: RunId,
        /// Simulated time [s].
        t_s: f64,
    },
    /// Starts run `id` from a copy of run `from` as it is now (paused if `from` is).
    Fork {
        /// New run id.
        id: RunId,
        /// Run to copy.
        from: RunId,
    },
    /// Forgets run `id`.
    Stop {
        /// Run id.
        id: RunId,
    },
}

/// What the worker tells the page.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// The worker has loaded and listens.
    Ready,
    /// Run `id` started: its columns (time first), its clock, and the time it ends.
    Header {
        /// Run id.
        id: RunId,
        /// Columns, `time_s` first.
        columns: Vec<Column>,
        /// Wall clock, if any.
        clock: Option<Clock>,
        /// Simulated time at the start [s].
        start_s: f64,
        /// Simulated time at which the run ends [s].
        end_s: f64,
    },
    /// New samples of run `id`, rows `first..first + n` in column-major order (`data[c * n + r]`).
    Rows {
        /// Run id.
        id: RunId,
        /// Index of the first row.
        first: usize,
        /// Number of columns.
        ncols: usize,
        /// Values, column-major.
        data: Vec<f64>,
        /// Simulated time reached [s].
        now_s: f64,
        /// Whether the run has ended.
        done: bool,
        /// Whether the run is paused.
        paused: bool,
    },
    /// Run `id` could not start (bad scenario or parameter); the message names it.
    Error {
        /// Run id.
        id: RunId,
        /// What was wrong.
        message: String,
    },
}

struct Run {
    sim: Simulation,
    paused: bool,
    pause_at: Option<f64>,
    /// Rows already sent.
    sent: usize,
    /// Whether the last state sent said "done" / "paused".
    told: (bool, bool),
    /// Events per `step_events` call; adapted by the caller's budget.
    chunk: u64,
}

impl Run {
    fn active(&self) -> bool {
        !self.paused && !self.sim.is_done()
    }
}

/// All runs of one worker.
#[derive(Default)]
pub struct Runs {
    runs: IdMap<Run>,
    /// Where the next slice starts, so that runs take turns.
    next: RunId,
}

impl Runs {
    /// Applies a command; returns what the page must hear at once (a header or an error).
    pub fn apply(&mut self, cmd: Cmd) -> Vec<Event> {
        match cmd {
            Cmd::Start { id, scenario, query, seed, paused } => match start(&scenario, &query, seed) {
                Ok(sim) => {
                    let header = header(id, &sim);
                    self.runs.insert(id, Run::new(sim, paused));
                    vec![header]
                }
                Err(message) => {
                    self.runs.remove(&id);
                    vec![Event::Error { id, message }]
                }
            },
            Cmd::Pause { id } => self.with(id, |r| r.paused = true),
            Cmd::Resume { id } => self.with(id, |r| {
                r.paused = false;
                r.pause_at = None;
            }),
            Cmd::Seek { id, t_s } => self.with(id, |r| {
                if r.sim.now_s() < t_s {
                    r.paused = false;
                    r.pause_at = Some(t_s);
                } else {
                    r.paused = true;
                    r.pause_at = None;
                }
            }),
            Cmd::Fork { id, from } => {
                let Some(src) = self.runs.get(&from) else {
                    return vec![Event::Error { id, message: format!("run {from} does not exist") }];
                };
                let mut run = Run::new(src.sim.clone(), src.paused);
                run.pause_at = src.pause_at;
                let events = vec![header(id, &run.sim)];
                self.runs.insert(id, run);
                events
            }
            Cmd::Stop { id } => {
                self.runs.remove(&id);
                Vec::new()
            }
        }
    }

    /// Whether any run still has work to do.
    pub fn busy(&self) -> bool {
        self.runs.values().any(Run::active) || self.runs.values().any(|r| r.unsent())
    }

    /// Steps the active runs in turn until `out_of_time()` is true (checked after every call into
    /// the simulation; each run gets at least one call), then reports every run's new samples.
    pub fn slice(&mut self, mut out_of_time: impl FnMut() -> bool) -> Vec<Event> {
        let ids: Vec<RunId> = self.runs.iter().filter(|(_, r)| r.active()).map(|(id, _)| *id).collect();
        if !ids.is_empty() {
            // Start after the run that started the last slice, so every run gets the first turn in turn.
            let start = ids.iter().position(|&id| id >= self.next).unwrap_or(0);
            self.next = ids[start].wrapping_add(1);
            let mut stepped_once = vec![false; ids.len()];
            'outer: loop {
                let mut any = false;
                for k in 0..ids.len() {
                    let i = (start + k) % ids.len();
                    let run = self.runs.get_mut(&ids[i]).expect("listed above");
                    if !run.active() {
                        continue;
                    }
                    any = true;
                    run.step();
                    stepped_once[i] = true;
                    if out_of_time() && stepped_once.iter().all(|&s| s) {
                        break 'outer;
                    }
                }
                if !any {
                    break;
                }
            }
        }
        self.runs.iter_mut().filter_map(|(id, r)| r.flush(*id)).collect()
    }
}

impl Run {
    fn new(sim: Simulation, paused: bool) -> Run {
        Run { sim, paused, pause_at: None, sent: 0, told: (false, false), chunk: 512 }
    }

    fn step(&mut self) {
        self.sim.step_events(self.chunk);
        if let Some(t) = self.pause_at {
            if self.sim.now_s() >= t {
                self.paused = true;
                self.pause_at = None;
            }
        }
    }

    fn unsent(&self) -> bool {
        self.sim.series().len() > self.sent || self.told != (self.sim.is_done(), self.paused)
    }

    fn flush(&mut self, id: RunId) -> Option<Event> {
        if !self.unsent() {
            return None;
        }
        let series = self.sim.series();
        let (first, last) = (self.sent, series.len());
        let ncols = series.data.len();
        let mut data = Vec::with_capacity(ncols * (last - first));
        for col in &series.data {
            data.extend_from_slice(&col[first..last]);
        }
        self.sent = last;
        self.told = (self.sim.is_done(), self.paused);
        Some(Event::Rows {
            id,
            first,
            ncols,
            data,
            now_s: self.sim.now_s(),
            done: self.told.0,
            paused: self.told.1,
        })
    }
}

impl Runs {
    fn with(&mut self, id: RunId, f: impl FnOnce(&mut Run)) -> Vec<Event> {
        match self.runs.get_mut(&id) {
            Some(r) => {
                f(r);
                Vec::new()
            }
            None => vec![Event::Error { id, message: format!("run {id} does not exist") }],
        }
    }

    /// Adapts every active run's chunk so one `step_events` call takes about `target_ms`, given
    /// that the last calls took `took_ms` each. Called by the shell, which owns the clock.
    pub fn tune_chunk(&mut self, took_ms: f64, target_ms: f64) {
        for r in self.runs.values_mut().filter(|r| r.active()) {
            if took_ms < target_ms / 2.0 && r.chunk < 1 << 20 {
                r.chunk *= 2;
            } else if took_ms > target_ms * 2.0 && r.chunk > 16 {
                r.chunk /= 2;
            }
        }
    }
}

/// Builds a run from text, exactly as the URL and the CLI do: the defaults, then each
/// `name=value` of `query` through the scenario's checks.
pub fn start(scenario: &str, query: &str, seed: u64) -> Result<Simulation, String> {
    let sc = scenario::find(scenario)?;
    let mut params = sc.defaults();
    let q = Query::parse(query.trim_start_matches('?'));
    let errors = sc.set_many(&mut params, q.pairs());
    if !errors.is_empty() {
        return Err(errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("; "));
    }
    sc.start(&params, seed).map_err(|e| e.message)
}

/// A series with a header's columns and no rows: what the page starts a run's samples from.
pub fn empty_series(columns: &[Column], clock: Option<Clock>) -> Series {
    Series { columns: columns.to_vec(), data: vec![Vec::new(); columns.len()], clock }
}

/// Appends the rows of an [`Event::Rows`] (`first..`, column-major in `data`) to `series`; refuses
/// rows that do not follow on (a stale message from a run that was replaced). Returns the number
/// of rows appended.
pub fn append_rows(series: &mut Series, first: usize, ncols: usize, data: &[f64]) -> usize {
    let n = data.len() / ncols;
    if series.len() != first || series.data.len() != ncols {
        return 0;
    }
    for (c, col) in series.data.iter_mut().enumerate() {
        col.extend_from_slice(&data[c * n..(c + 1) * n]);
    }
    n
}

fn header(id: RunId, sim: &Simulation) -> Event {
    let s = sim.series();
    Event::Header { id, columns: s.columns.clone(), clock: s.clock, start_s: sim.now_s(), end_s: sim.end_s() }
}

#[cfg(test)]
mod tests {
    use super::*;

    const Q: &str = "duration_s=60&sample_s=1";

    fn start_cmd(id: RunId, paused: bool) -> Cmd {
        Cmd::Start { id, scenario: "staircase".into(), query: Q.into(), seed: 4, paused }
    }

    /// Applies `Rows` events to per-run series built from the headers, as the page does.
    #[derive(Default)]
    struct Page {
        runs: std::collections::BTreeMap<RunId, (Series, bool, bool)>,
    }

    impl Page {
        fn take(&mut self, events: Vec<Event>) {
            for e in events {
                match e {
                    Event::Header { id, columns, clock, .. } => {
                        self.runs.insert(id, (empty_series(&columns, clock), false, false));
                    }
                    Event::Rows { id, first, ncols, data, done, paused, .. } => {
                        let (s, d, p) = self.runs.get_mut(&id).expect("header first");
                        assert_eq!(s.len(), first, "rows arrive in order, none twice");
                        assert_eq!(append_rows(s, first, ncols, &data), data.len() / ncols);
                        *d = done;
                        *p = paused;
                    }
                    Event::Error { message, .. } => panic!("{message}"),
                    Event::Ready => {}
                }
            }
        }
        fn rows(&self, id: RunId) -> usize {
            self.runs[&id].0.len()
        }
    }

    fn run_out(runs: &mut Runs, page: &mut Page) {
        while runs.busy() {
            page.take(runs.slice(|| true));
        }
    }

    fn reference() -> Series {
        let mut sim = start("staircase", Q, 4).unwrap();
        sim.run_to_end();
        sim.series().clone()
    }

    #[test]
    fn streamed_rows_rebuild_the_run_exactly() {
        let mut runs = Runs::default();
        let mut page = Page::default();
        page.take(runs.apply(start_cmd(1, false)));
        run_out(&mut runs, &mut page);
        assert!(page.runs[&1].1, "the last rows say done");
        assert_eq!(page.runs[&1].0.to_csv(), reference().to_csv());
    }

    #[test]
    fn a_paused_run_does_not_advance_until_resumed() {
        let mut runs = Runs::default();
        let mut page = Page::default();
        page.take(runs.apply(start_cmd(1, true)));
        for _ in 0..5 {
            page.take(runs.slice(|| true));
        }
        assert_eq!(page.rows(1), 0);
        assert!(!runs.busy());
        runs.apply(Cmd::Resume { id: 1 });
        page.take(runs.slice(|| true));
        assert!(page.rows(1) > 0);
        runs.apply(Cmd::Pause { id: 1 });
        page.take(runs.slice(|| true));
        let n = page.rows(1);
        page.take(runs.slice(|| true));
        assert_eq!(page.rows(1), n, "paused again");
        assert!(page.runs[&1].2, "the page heard it is paused");
    }

    #[test]
    fn seek_runs_ahead_to_the_time_then_pauses() {
        let mut runs = Runs::default();
        let mut page = Page::default();
        page.take(runs.apply(start_cmd(1, true)));
        runs.apply(Cmd::Seek { id: 1, t_s: 20.0 });
        run_out(&mut runs, &mut page);
        let (s, done, paused) = &page.runs[&1];
        assert!(!done && *paused);
        let last = *s.time().last().unwrap();
        assert!((20.0..25.0).contains(&last), "stopped just past 20 s, at {last}");
        // A seek to a time already passed pauses the run where it is.
        runs.apply(Cmd::Resume { id: 1 });
        page.take(runs.slice(|| true));
        runs.apply(Cmd::Seek { id: 1, t_s: 5.0 });
        page.take(runs.slice(|| true));
        let n = page.rows(1);
        page.take(runs.slice(|| true));
        assert_eq!(page.rows(1), n);
        assert!(page.runs[&1].2, "paused");
        runs.apply(Cmd::Resume { id: 1 });
        run_out(&mut runs, &mut page);
        assert_eq!(page.runs[&1].0.to_csv(), reference().to_csv(), "pausing does not change the run");
    }

    #[test]
    fn a_fork_continues_from_the_snapshot_like_the_original() {
        let mut runs = Runs::default();
        let mut page = Page::default();
        page.take(runs.apply(start_cmd(1, true)));
        runs.apply(Cmd::Seek { id: 1, t_s: 30.0 });
        run_out(&mut runs, &mut page);
        let fork = runs.apply(Cmd::Fork { id: 2, from: 1 });
        match &fork[..] {
            [Event::Header { id: 2, start_s, .. }] => {
                assert!(*start_s >= 30.0, "starts at the snapshot: {start_s}")
            }
            other => panic!("{other:?}"),
        }
        page.take(fork);
        runs.apply(Cmd::Resume { id: 2 });
        run_out(&mut runs, &mut page);
        // The fork carries the original's history up to the snapshot, then goes on as it would have.
        assert_eq!(page.runs[&2].0.to_csv(), reference().to_csv());
        let at = page.rows(1);
        assert!(at > 0 && at < page.rows(2), "the original stays paused at {at} rows");
    }

    #[test]
    fn runs_in_flight_take_turns_and_restart_replaces() {
        let mut runs = Runs::default();
        let mut page = Page::default();
        page.take(runs.apply(start_cmd(1, false)));
        page.take(runs.apply(start_cmd(2, false)));
        // One call into each run per slice when time is always up.
        page.take(runs.slice(|| true));
        assert!(page.rows(1) > 0 && page.rows(2) > 0, "both advanced: {} {}", page.rows(1), page.rows(2));
        page.take(runs.apply(start_cmd(1, false)));
        assert_eq!(page.rows(1), 0, "a restart begins a fresh series");
        run_out(&mut runs, &mut page);
        assert_eq!(page.runs[&1].0, page.runs[&2].0);
        runs.apply(Cmd::Stop { id: 2 });
        assert!(matches!(runs.apply(Cmd::Pause { id: 2 })[..], [Event::Error { id: 2, .. }]));
    }

    #[test]
    fn bad_input_is_an_error_naming_the_parameter() {
        let mut runs = Runs::default();
        let ev = runs.apply(Cmd::Start {
            id: 7,
            scenario: "staircase".into(),
            query: "min_worker=banana".into(),
            seed: 1,
            paused: false,
        });
        match &ev[..] {
            [Event::Error { id: 7, message }] => {
                assert!(message.starts_with("min_worker must be"), "{message}")
            }
            other => panic!("{other:?}"),
        }
        assert!(!runs.busy());
    }
}
