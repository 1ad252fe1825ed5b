//! The timeline: play, pause, speed and a scrubber over a run's simulated time, labelled with the
//! scenario's wall clock.
//!
//! ```text
//!  [▶ Play]  ├──────────●───────────┼┈┈┈┈┈┈┈┤  10:42:30 UTC   speed [1 min/s ▾]
//!                     cursor   computed so far   (the part not yet simulated is hatched)
//! ```
//!
//! The cursor is the chapter's time (it is in the URL). Playing moves it by `speed` simulated
//! seconds per real second on animation frames; it never passes what the run has computed (it waits
//! there) and never goes back, and stops at the end. Play with the cursor at the end of the window
//! being looked at plays that window again. Space plays and pauses unless the focused control uses
//! Space itself.

use crate::charts::draw::MONTHS;
use leptos::prelude::*;
use postmortem_sim::calendar::{civil, weekday};
use postmortem_sim::series::Clock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// How a timeline moves: its playback speeds and the scrubber's step.
#[derive(Debug)]
pub struct Pace {
    /// Simulated seconds per real second, and their labels; the first is the default.
    pub speeds: &'static [(f64, &'static str)],
    /// One step of the scrubber (and of an arrow key on it) [simulated s].
    pub step_s: f64,
}

/// The clock text for simulated time `t_s`: `10:42:30 UTC`, or `Tue 28 Nov 2017, 14:30 UTC` on a
/// date-time clock.
pub fn clock_text(clock: Option<Clock>, t_s: f64) -> String {
    match clock {
        Some(c @ Clock::TimeOfDay { .. }) => format!("{} UTC", c.format(t_s)),
        Some(Clock::DateTime { origin_unix_s }) => {
            let (d, sod) = civil(origin_unix_s + t_s.max(0.0).round() as i64);
            let m = sod / 60;
            format!(
                "{} {} {} {}, {:02}:{:02} UTC",
                WEEKDAYS[weekday(d.days()) as usize],
                d.day,
                MONTHS[d.month as usize - 1],
                d.year,
                m / 60,
                m % 60
            )
        }
        None => format!("{} s", t_s.round()),
    }
}

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// The timeline's state, owned by the chapter.
#[derive(Clone, Copy)]
pub struct TimelineState {
    /// The cursor [simulated s].
    pub cursor: RwSignal<f64>,
    /// Whether it is playing.
    pub playing: RwSignal<bool>,
    /// Simulated seconds per real second.
    pub speed: RwSignal<f64>,
    /// Its speeds and scrubber step.
    pub pace: &'static Pace,
}

impl TimelineState {
    /// A paused timeline at `cursor`, at the first speed of `pace`.
    pub fn new(cursor: f64, pace: &'static Pace) -> TimelineState {
        TimelineState {
            cursor: RwSignal::new(cursor),
            playing: RwSignal::new(false),
            speed: RwSignal::new(pace.speeds.first().map_or(60.0, |s| s.0)),
            pace,
        }
    }
}

/// Play/pause, speed and scrubber.
#[component]
pub fn Timeline(
    /// Cursor, play state and speed.
    state: TimelineState,
    /// The run's time range [s].
    #[prop(into)]
    range: Signal<(f64, f64)>,
    /// How far the run has been simulated [s].
    #[prop(into)]
    computed: Signal<f64>,
    /// The scenario's wall clock.
    #[prop(into)]
    clock: Signal<Option<Clock>>,
    /// The part being looked at (the current step's window): Play with the cursor at or past its
    /// end plays it again from its start. The whole range otherwise.
    #[prop(optional, into)]
    window: Option<Signal<(f64, f64)>>,
) -> impl IntoView {
    let TimelineState { cursor, playing, speed, pace } = state;
    // One animation-frame loop per press of play; a loop ends when a newer one starts, when paused,
    // or when the timeline is unmounted.
    let generation = Arc::new(AtomicU64::new(0));
    let g = generation.clone();
    Effect::new(move |_| {
        if playing.get() {
            let (lo, hi) = window.map_or_else(|| range.get_untracked(), |w| w.get_untracked());
            if cursor.get_untracked() >= hi - 1e-9 {
                cursor.set(lo);
            }
            let mine = g.fetch_add(1, Ordering::Relaxed) + 1;
            play_loop(g.clone(), mine, state, range, computed, None);
        }
    });
    on_cleanup(move || generation.store(u64::MAX, Ordering::Relaxed));
    let key = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() != " " || super::keys::leave_to_target(&ev) {
            return;
        }
        ev.prevent_default();
        playing.update(|p| *p = !*p);
    });
    on_cleanup(move || key.remove());
    let fraction = move |t: f64| {
        let (lo, hi) = range.get();
        if hi > lo {
            ((t - lo) / (hi - lo)).clamp(0.0, 1.0)
        } else {
            0.0
        }
    };
    view! {
        <div class="timeline-bar" data-testid="timeline" role="group" aria-label="Timeline">
            <button
                type="button"
                class="button play"
                data-testid="timeline-play"
                data-playing=move || playing.get().to_string()
                on:click=move |_| playing.update(|p| *p = !*p)
            >
                {move || if playing.get() { "❚❚ Pause" } else { "▶ Play" }}
            </button>
            <div class="scrub">
                <div
                    class="scrub-computed"
                    aria-hidden="true"
                    style=move || format!("width:{:.2}%", 100.0 * fraction(computed.get()))
                ></div>
                <input
                    type="range"
                    data-testid="timeline-scrubber"
                    aria-label="Time"
                    aria-valuetext=move || clock_text(clock.get(), cursor.get())
                    min=move || range.get().0
                    max=move || range.get().1
                    step=pace.step_s
                    prop:value=move || cursor.get().to_string()
                    on:input=move |ev| {
                        if let Ok(t) = event_target_value(&ev).parse::<f64>() {
                            playing.set(false);
                            cursor.set(t);
                        }
                    }
                />
            </div>
            <output class="clock" data-testid="timeline-clock" aria-live="off">
                {move || clock_text(clock.get(), cursor.get())}
            </output>
            <label class="speed">
                <span class="visually-hidden">"Speed"</span>
                <select
                    data-testid="timeline-speed"
                    on:change=move |ev| {
                        if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                            speed.set(v);
                        }
                    }
                >
                    {pace
                        .speeds
                        .iter()
                        .map(|(v, label)| {
                            view! {
                                <option value=v.to_string() selected=move || speed.get() == *v>
                                    {*label}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            {move || {
                let (c, hi) = (computed.get(), range.get().1);
                (c < hi && cursor.get() > c)
                    .then(|| view! { <span class="computing" role="status">"Simulating…"</span> })
            }}
        </div>
    }
}

fn play_loop(
    generation: Arc<AtomicU64>,
    mine: u64,
    state: TimelineState,
    range: Signal<(f64, f64)>,
    computed: Signal<f64>,
    last_ms: Option<f64>,
) {
    request_animation_frame(move || {
        if generation.load(Ordering::Relaxed) != mine || state.playing.try_get_untracked() != Some(true) {
            return;
        }
        let now = crate::user_timing::now_ms();
        if let Some(last) = last_ms {
            let dt = ((now - last) / 1000.0).clamp(0.0, 0.25);
            let (_, hi) = range.get_untracked();
            let limit = computed.get_untracked().min(hi);
            // Forward to what is computed, never back: a cursor ahead of a run that restarted waits
            // where it is until the run catches up.
            let cur = state.cursor.get_untracked();
            let next = cur.max((cur + dt * state.speed.get_untracked()).min(limit));
            if next != cur {
                state.cursor.set(next);
            }
            if next >= hi - 1e-9 {
                state.playing.set(false);
                return;
            }
        }
        play_loop(generation, mine, state, range, computed, Some(now));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_reads_as_a_time_of_day_or_a_weekday_and_date() {
        let day = Some(Clock::TimeOfDay { origin_s: 9.5 * 3600.0 });
        assert_eq!(clock_text(day, 2_550.0), "10:12:30 UTC");
        // 2017-10-01T00:00:00Z, a Sunday.
        let months = Some(Clock::DateTime { origin_unix_s: 17_440 * 86_400 });
        assert_eq!(clock_text(months, 0.0), "Sun 1 Oct 2017, 00:00 UTC");
        assert_eq!(clock_text(months, 58.0 * 86_400.0 + 14.5 * 3600.0), "Tue 28 Nov 2017, 14:30 UTC");
        assert_eq!(clock_text(months, 93.0 * 86_400.0 + 11.0 * 3600.0), "Tue 2 Jan 2018, 11:00 UTC");
        assert_eq!(clock_text(None, 41.6), "42 s");
    }
}
