//! The simulated points beside the Erlang C curve of the "Queueing basics" chapter: short M/M/c
//! runs at several utilisations, in animation-frame slices on the page, by `mmc::bare_heap` (c
//! servers as a heap of free times, FIFO — the same queue as the engine's M/M/c world with the same
//! random streams, in a few hundred bytes of code). The chapter's own runs go to the simulation
//! worker like every other chapter's.
//!
//! ```text
//!  (ρ list, servers, seed) ──► one M/M/c point per slice of ≤ 7 ms ──► points appended
//! ```

use crate::user_timing;
use leptos::prelude::*;
use postmortem_sim::mmc::{bare_heap, MmcConfig};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

/// Main-thread time one frame may spend simulating M/M/c points [ms].
pub const FRAME_BUDGET_MS: f64 = 7.0;

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
            let s = bare_heap(&cfg);
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
