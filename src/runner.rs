//! The time-sliced simulation driver: runs live in the page without ever blocking it.
//!
//! ```text
//!  params / seed change ──► (next animation frame) restart: scenario.start(params, seed)
//!                                   │
//!            ┌──────────────────────▼───────────────────────┐
//!            │ frame: step_events(chunk) until ~7 ms used   │──► version += 1 ──► charts redraw
//!            │        (performance.measure "sim:<name>")    │
//!            └──────────────────────┬───────────────────────┘
//!                                   └─ not done: request the next frame
//! ```
//!
//! A change while a run is going bumps a generation counter; frames of the old run see it and stop.
//! Several changes within one frame (a slider drag) cause one restart. Unmounting stops the loop
//! before it can touch a disposed signal.
//!
//! Seams for what comes next: `Simulation` is `Clone`, so "fork a what-if from this moment" is a
//! `with_sim(|s| s.clone())` plus a second driver; "predict, then reveal" is a driver started paused.

use crate::charts::ChartSpec;
use crate::user_timing;
use leptos::prelude::*;
use postmortem_sim::mmc::{simulate, MmcConfig};
use postmortem_sim::params::Params;
use postmortem_sim::scenario::Scenario;
use postmortem_sim::series::Series;
use postmortem_sim::Simulation;
use std::cell::Cell;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

/// Main-thread time one frame may spend simulating [ms].
pub const FRAME_BUDGET_MS: f64 = 7.0;

/// Where a run is.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RunStatus {
    /// Simulated time reached [s].
    pub now_s: f64,
    /// Simulated time at which the run ends [s].
    pub end_s: f64,
    /// Whether the run has reached its end.
    pub done: bool,
    /// Animation frames used so far.
    pub frames: u32,
    /// Main-thread time spent simulating so far [ms].
    pub busy_ms: f64,
}

impl RunStatus {
    /// Progress from 0 to 1.
    pub fn fraction(&self) -> f64 {
        if self.done {
            1.0
        } else if self.end_s > 0.0 {
            (self.now_s / self.end_s).clamp(0.0, 1.0)
        } else {
            0.0
        }
    }
}

/// A live run: its status, and access to its series for charts.
#[derive(Clone, Copy)]
pub struct SimRun {
    version: RwSignal<u64>,
    status: RwSignal<RunStatus>,
    sim: StoredValue<Option<Simulation>, LocalStorage>,
    replays: RwSignal<u32>,
}

impl SimRun {
    /// The run's status (reactive).
    pub fn status(&self) -> RunStatus {
        self.status.get()
    }

    /// Calls `f` with the series so far; reactive, so a chart spec built in it follows the run.
    /// `None` before the first frame.
    pub fn with_series<R>(&self, f: impl FnOnce(&Series) -> R) -> Option<R> {
        self.version.track();
        self.sim.try_with_value(|s| s.as_ref().map(|s| f(s.series()))).flatten()
    }

    /// Calls `f` with the simulation itself (for totals, or to fork it); reactive like
    /// [`SimRun::with_series`].
    pub fn with_sim<R>(&self, f: impl FnOnce(&Simulation) -> R) -> Option<R> {
        self.version.track();
        self.sim.try_with_value(|s| s.as_ref().map(f)).flatten()
    }

    /// A chart spec that follows the run and the parameters: `f` is called with the parameters
    /// and the series so far (an empty series before the first frame).
    pub fn chart_spec(
        &self,
        params: RwSignal<Params>,
        f: fn(&Params, &Series) -> ChartSpec,
    ) -> Memo<ChartSpec> {
        let run = *self;
        Memo::new(move |_| {
            params.with(|p| run.with_series(|s| f(p, s)).unwrap_or_else(|| f(p, &Series::default())))
        })
    }

    /// Runs again from the start with the same parameters and seed.
    pub fn replay(&self) {
        self.replays.update(|r| *r += 1);
    }
}

/// Starts a run of `scenario` now, and again (from the start) whenever `params` or `seed` change.
pub fn use_simulation(scenario: &'static Scenario, params: Signal<Params>, seed: Signal<u64>) -> SimRun {
    let run = SimRun {
        version: RwSignal::new(0),
        status: RwSignal::new(RunStatus::default()),
        sim: StoredValue::new_local(None),
        replays: RwSignal::new(0),
    };
    let alive = Arc::new(AtomicBool::new(true));
    let driver = Rc::new(Driver {
        scenario,
        run,
        generation: Arc::new(AtomicU64::new(0)),
        alive: alive.clone(),
        chunk: Cell::new(256),
        measure: format!("sim:{}", scenario.name),
    });
    Effect::new(move |_| {
        let p = params.get();
        let s = seed.get();
        run.replays.track();
        driver.request_restart(p, s);
    });
    on_cleanup(move || alive.store(false, Ordering::SeqCst));
    run
}

struct Driver {
    scenario: &'static Scenario,
    run: SimRun,
    generation: Arc<AtomicU64>,
    alive: Arc<AtomicBool>,
    /// Events per `step_events` call, adapted so one call takes about a millisecond.
    chunk: Cell<u64>,
    measure: String,
}

impl Driver {
    fn current(&self, generation: u64) -> bool {
        self.alive.load(Ordering::SeqCst) && self.generation.load(Ordering::SeqCst) == generation
    }

    fn request_restart(self: &Rc<Self>, params: Params, seed: u64) {
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        let me = Rc::clone(self);
        request_animation_frame(move || me.restart(generation, params, seed));
    }

    fn restart(self: Rc<Self>, generation: u64, params: Params, seed: u64) {
        if !self.current(generation) {
            return;
        }
        let span = user_timing::start(&self.measure);
        // Parameters reach the runner through `Scenario::set_str`, so they always pass the
        // scenario's checks; a refusal here would be a bug, and keeps the previous run.
        let Ok(sim) = self.scenario.start(&params, seed) else {
            span.end();
            return;
        };
        let status = RunStatus { now_s: sim.now_s(), end_s: sim.end_s(), ..RunStatus::default() };
        self.run.sim.set_value(Some(sim));
        span.end();
        self.run.status.set(status);
        self.run.version.update(|v| *v += 1);
        self.frame(generation);
    }

    fn frame(self: Rc<Self>, generation: u64) {
        if !self.current(generation) {
            return;
        }
        let span = user_timing::start(&self.measure);
        let t0 = span.t0();
        let mut done = true;
        let mut reached = (0.0, 0.0);
        self.run.sim.update_value(|slot| {
            let Some(sim) = slot.as_mut() else { return };
            loop {
                let c0 = user_timing::now_ms();
                done = sim.step_events(self.chunk.get());
                let c1 = user_timing::now_ms();
                let took = c1 - c0;
                let chunk = self.chunk.get();
                if took < 0.5 && chunk < 1 << 20 {
                    self.chunk.set(chunk * 2);
                } else if took > 2.0 && chunk > 16 {
                    self.chunk.set(chunk / 2);
                }
                // Stop when the next call, as long as this one, would overrun the budget.
                if done || c1 - t0 + took >= FRAME_BUDGET_MS {
                    break;
                }
            }
            reached = (sim.now_s(), sim.end_s());
        });
        let busy = span.end();
        self.run.status.update(|s| {
            s.now_s = reached.0;
            s.end_s = reached.1;
            s.done = done;
            s.frames += 1;
            s.busy_ms += busy;
        });
        self.run.version.update(|v| *v += 1);
        if !done {
            request_animation_frame(move || self.frame(generation));
        }
    }
}

/// One simulated point on the Erlang C curve.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MmcPoint {
    /// Utilisation the point was run at.
    pub rho: f64,
    /// Measured mean wait in the queue [s].
    pub wq_s: f64,
    /// Measured fraction of customers who waited.
    pub p_wait: f64,
}

/// Runs a short M/M/c simulation at each utilisation in `rhos` (for `servers` servers of rate
/// `service_rate`), one or more per animation frame, and collects the points as they arrive. Starts
/// over when the inputs change. Measured as `sim:mmc-points`.
pub fn use_mmc_points(
    inputs: Signal<(u32, f64, u64)>,
    rhos: &'static [f64],
    customers: u64,
) -> ReadSignal<Vec<MmcPoint>> {
    let (points, set_points) = signal(Vec::<MmcPoint>::new());
    let alive = Arc::new(AtomicBool::new(true));
    let generation = Arc::new(AtomicU64::new(0));
    let job = Rc::new(PointsJob { alive: alive.clone(), generation, set_points, rhos, customers });
    Effect::new(move |_| {
        let key = inputs.get();
        let g = job.generation.fetch_add(1, Ordering::SeqCst) + 1;
        set_points.set(Vec::new());
        let me = Rc::clone(&job);
        request_animation_frame(move || me.frame(g, key, 0));
    });
    on_cleanup(move || alive.store(false, Ordering::SeqCst));
    points
}

struct PointsJob {
    alive: Arc<AtomicBool>,
    generation: Arc<AtomicU64>,
    set_points: WriteSignal<Vec<MmcPoint>>,
    rhos: &'static [f64],
    customers: u64,
}

impl PointsJob {
    fn frame(self: Rc<Self>, g: u64, (servers, service_rate, seed): (u32, f64, u64), mut next: usize) {
        if !self.alive.load(Ordering::SeqCst) || self.generation.load(Ordering::SeqCst) != g {
            return;
        }
        let span = user_timing::start("sim:mmc-points");
        let mut batch = Vec::new();
        while next < self.rhos.len() {
            let rho = self.rhos[next];
            let cfg = MmcConfig {
                servers,
                arrival_rate: rho * servers as f64 * service_rate,
                service_rate,
                customers: self.customers,
                seed: seed.wrapping_add(next as u64),
            };
            let c0 = user_timing::now_ms();
            let s = simulate(&cfg);
            batch.push(MmcPoint { rho, wq_s: s.wq_s, p_wait: s.p_wait });
            next += 1;
            let c1 = user_timing::now_ms();
            // Stop when another point, as long as this one, would overrun the budget.
            if c1 - span.t0() + (c1 - c0) >= FRAME_BUDGET_MS {
                break;
            }
        }
        span.end();
        self.set_points.update(|p| p.extend(batch));
        if next < self.rhos.len() {
            request_animation_frame(move || self.frame(g, (servers, service_rate, seed), next));
        }
    }
}
