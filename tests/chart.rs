//! Browser tests of the app's components: run with
//! `cargo test --target wasm32-unknown-unknown -p postmortem-lab` (headless Chromium through
//! wasm-bindgen-test-runner and chromedriver).
//!
//! Each test mounts a component into its own container, yields to the browser until the effects
//! (and ResizeObserver, and animation frames) have run, and checks the DOM or the canvas pixels.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use postmortem_lab::charts::{Axis, Chart, ChartSpec, ColorRole};
use postmortem_lab::components::error_panel::{show_error_panel, PANEL_ID};
use postmortem_lab::components::ParamPanel;
use postmortem_lab::routes::{Page, Route};
use postmortem_lab::url_state::{current_hash, read_chapter, story_query, write_hash};
use postmortem_sim::params::{ParamError, Params};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

/// Waits `ms` milliseconds on the browser's event loop (a Promise around setTimeout).
async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

/// Yields until `cond` holds, for at most `timeout_ms`. Returns whether it held.
async fn wait_for(timeout_ms: i32, mut cond: impl FnMut() -> bool) -> bool {
    let mut waited = 0;
    while waited <= timeout_ms {
        if cond() {
            return true;
        }
        sleep(20).await;
        waited += 20;
    }
    cond()
}

/// A fresh container of a given CSS width, attached to the body.
fn container(width_px: u32) -> HtmlElement {
    let doc = document();
    let el: HtmlElement = doc.create_element("div").unwrap().unchecked_into();
    el.set_attribute("style", &format!("width:{width_px}px")).unwrap();
    doc.body().unwrap().append_child(&el).unwrap();
    el
}

fn by_testid(root: &HtmlElement, id: &str) -> Option<web_sys::Element> {
    root.query_selector(&format!("[data-testid=\"{id}\"]")).unwrap()
}

fn sample_spec(n: usize) -> ChartSpec {
    let pts: Vec<(f64, f64)> = (0..n).map(|i| (i as f64, ((i as f64) / 7.0).sin() * 50.0 + 60.0)).collect();
    ChartSpec::new("Threads", Axis::new("Time", "s"), Axis::new("Threads", "threads"))
        .line("threads", pts, ColorRole::Primary)
        .h_guide(100.0, "MinWorker 100", ColorRole::Muted)
}

#[wasm_bindgen_test]
async fn chart_draws_sharp_pixels_and_reports_them() {
    let root = container(600);
    let spec = RwSignal::new(sample_spec(120));
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <Chart id="test" spec=spec caption="A test chart." height_px=240 /> }
    });
    let fig = by_testid(&root, "chart-test").expect("container has data-testid chart-test");
    let draws = || fig.get_attribute("data-draws").and_then(|d| d.parse::<u32>().ok()).unwrap_or(0);
    assert!(wait_for(3000, || draws() >= 1).await, "the chart drew at least once");
    assert_eq!(fig.get_attribute("data-points").as_deref(), Some("120"));

    let canvas: HtmlCanvasElement = fig.query_selector("canvas").unwrap().unwrap().unchecked_into();
    let dpr = window().device_pixel_ratio();
    let rect = canvas.get_bounding_client_rect();
    assert!(rect.width() > 500.0 && rect.width() <= 600.0, "canvas fills the container: {}", rect.width());
    assert_eq!(canvas.width(), (rect.width() * dpr).round() as u32, "backing store = CSS width × dpr");
    assert_eq!(canvas.height(), (rect.height() * dpr).round() as u32, "backing store = CSS height × dpr");
    let label = canvas.get_attribute("aria-label").unwrap_or_default();
    assert!(label.starts_with("Threads.") && label.contains("MinWorker 100"), "text alternative: {label}");

    let ctx: CanvasRenderingContext2d = canvas.get_context("2d").unwrap().unwrap().unchecked_into();
    let data = ctx.get_image_data(0.0, 0.0, canvas.width() as f64, canvas.height() as f64).unwrap().data();
    let bg = [data[0], data[1], data[2]];
    let differing =
        data.chunks_exact(4).filter(|p| p[3] > 0 && (p[0], p[1], p[2]) != (bg[0], bg[1], bg[2])).count();
    let total = data.len() / 4;
    assert!(differing > 2_000, "the chart drew non-background pixels: {differing} of {total}");
    // The primary series colour (or a blend of it) appears: the line was drawn, not only axes.
    let bluish = data.chunks_exact(4).filter(|p| p[2] as i32 - p[0] as i32 > 80).count();
    assert!(bluish > 100, "line pixels present: {bluish}");

    // New data redraws.
    let before = draws();
    spec.set(sample_spec(40));
    assert!(wait_for(2000, || draws() > before).await, "redraws when the data changes");
    assert_eq!(fig.get_attribute("data-points").as_deref(), Some("40"));

    // Resizing the container resizes the backing store.
    root.set_attribute("style", "width:420px").unwrap();
    let c2 = canvas.clone();
    assert!(
        wait_for(2000, move || (c2.get_bounding_client_rect().width() * dpr).round() as u32 == c2.width()
            && c2.get_bounding_client_rect().width() <= 420.0)
        .await,
        "follows the container's new size"
    );
    drop(handle);
    root.remove();
}

#[wasm_bindgen_test]
fn url_state_round_trips_through_the_address_bar() {
    let sc = postmortem_sim::scenario::find("probe").unwrap();
    let mut p = sc.defaults();
    p.set_str(sc.params, "hosts", "5").unwrap();
    p.set_str(sc.params, "probe_bypass", "1").unwrap();
    let q = story_query(3, 77, &p, sc, None, false);
    write_hash(Page::Basics, &q);
    let hash = current_hash();
    assert_eq!(hash, "#/basics?step=3&seed=77&hosts=5&probe_bypass=1");
    let route = Route::parse(&hash);
    assert_eq!(route.page, Page::Basics);
    let back = read_chapter(&route.query, 3, |_| Some(sc));
    assert_eq!((back.step, back.seed, back.embed), (3, 77, false));
    assert_eq!(back.params.as_ref(), Some(&p));
    assert!(back.errors.is_empty());

    // Bad pieces fall back and say why; good ones stay.
    write_hash(Page::Basics, &postmortem_lab::routes::Query::parse("step=3&hosts=99&cores=8&seed=x"));
    let bad = read_chapter(&Route::parse(&current_hash()).query, 3, |_| Some(sc));
    assert_eq!(bad.seed, postmortem_lab::url_state::DEFAULT_SEED);
    let params = bad.params.unwrap();
    assert_eq!(params.get("hosts"), 3.0);
    assert_eq!(params.get("cores"), 8.0);
    let msgs: Vec<_> = bad.errors.iter().map(|e| e.message.clone()).collect();
    assert!(msgs.iter().any(|m| m.starts_with("seed must be")), "{msgs:?}");
    assert!(msgs.iter().any(|m| m.starts_with("hosts must be an integer from 2 to 8")), "{msgs:?}");
    write_hash(Page::Landing, &postmortem_lab::routes::Query::default());
}

fn set_and_change(input: &HtmlInputElement, value: &str) {
    input.set_value(value);
    input.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
}

#[wasm_bindgen_test]
async fn param_panel_reports_a_bad_value_and_keeps_the_old_one() {
    let root = container(320);
    let sc = postmortem_sim::scenario::find("staircase").unwrap();
    let params = RwSignal::new(sc.defaults());
    let seed = RwSignal::new(1u64);
    let errors = RwSignal::new(Vec::<ParamError>::new());
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <ParamPanel scenario=sc params=params seed=seed errors=errors /> }
    });
    sleep(30).await;
    assert!(by_testid(&root, "param-min_worker").is_some(), "range input");
    assert!(by_testid(&root, "preset-net6").is_some(), "preset button");
    let number: HtmlInputElement = by_testid(&root, "param-min_worker-number").unwrap().unchecked_into();
    assert_eq!(number.value(), "192");

    set_and_change(&number, "0");
    assert!(wait_for(1000, || by_testid(&root, "param-errors").is_some()).await, "errors shown");
    let text = by_testid(&root, "param-errors").unwrap().text_content().unwrap_or_default();
    assert!(text.contains("min_worker must be an integer from 1 to 2000 threads (got 0)"), "{text}");
    assert_eq!(params.get_untracked().get("min_worker"), 192.0, "bad value not applied");
    assert_eq!(number.get_attribute("aria-invalid").as_deref(), Some("true"));

    set_and_change(&number, "1000");
    assert!(wait_for(1000, || by_testid(&root, "param-errors").is_none()).await, "errors cleared");
    assert_eq!(params.get_untracked().get("min_worker"), 1000.0);

    // A preset replaces everything with defaults plus its changes.
    by_testid(&root, "preset-net6").unwrap().unchecked_into::<HtmlElement>().click();
    sleep(20).await;
    let mut expected = Params::defaults(sc.params);
    expected.set(sc.params, "net6", 1.0).unwrap();
    assert_eq!(params.get_untracked(), expected);
    let range: HtmlInputElement = by_testid(&root, "param-min_worker").unwrap().unchecked_into();
    assert_eq!(range.value(), "192", "the slider follows the preset");

    // The seed input takes whole numbers only.
    let seed_input: HtmlInputElement = by_testid(&root, "seed").unwrap().unchecked_into();
    set_and_change(&seed_input, "2.5");
    assert!(wait_for(1000, || by_testid(&root, "param-errors").is_some()).await);
    assert_eq!(seed.get_untracked(), 1);
    set_and_change(&seed_input, "42");
    sleep(20).await;
    assert_eq!(seed.get_untracked(), 42);
    drop(handle);
    root.remove();
}

#[wasm_bindgen_test]
async fn basics_chapter_reads_and_writes_its_url_and_steps() {
    // The run itself happens in the simulation worker, which the end-to-end suite covers against
    // the built site; here the chapter's own state is checked.
    write_hash(Page::Basics, &postmortem_lab::routes::Query::parse("step=2&min_worker=50"));
    let root = container(1200);
    let query = Route::parse(&current_hash()).query;
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <postmortem_lab::chapters::basics::BasicsChapter query=query /> }
    });
    assert!(wait_for(500, || by_testid(&root, "chapter-basics").is_some()).await);
    let title = by_testid(&root, "step-title").unwrap().text_content().unwrap_or_default();
    assert_eq!(title, "The thread-injection staircase");
    assert!(by_testid(&root, "chart-staircase-threads").is_some(), "threads chart");
    assert!(
        wait_for(1000, || current_hash().contains("min_worker=50")).await,
        "state written back: {}",
        current_hash()
    );

    // A longer run: the cursor, at the run's end, follows the new end.
    let scrubber = || by_testid(&root, "timeline-scrubber").unwrap().unchecked_into::<HtmlInputElement>();
    assert!(
        wait_for(1000, || scrubber().value() == "60").await,
        "the staircase runs 60 s: {}",
        scrubber().value()
    );
    let duration = by_testid(&root, "param-duration_s-number").unwrap().unchecked_into::<HtmlInputElement>();
    set_and_change(&duration, "90");
    assert!(wait_for(1000, || scrubber().value() == "90").await, "cursor at {}", scrubber().value());
    assert!(wait_for(1000, || current_hash().contains("duration_s=90")).await, "{}", current_hash());
    assert!(!current_hash().contains("t="), "at the end of the run the URL has no time: {}", current_hash());

    // Next step: another scenario, the URL follows.
    by_testid(&root, "step-next").unwrap().unchecked_into::<HtmlElement>().click();
    assert!(wait_for(1000, || current_hash().contains("step=3")).await, "{}", current_hash());
    assert!(!current_hash().contains("min_worker"), "only the current step's parameters");
    assert!(wait_for(1000, || by_testid(&root, "chart-probe-rotation").is_some()).await);
    drop(handle);
    root.remove();
    write_hash(Page::Landing, &postmortem_lab::routes::Query::default());
}

/// A finished VSTS-shaped series with `rows` samples every 60 s from 09:30: every column the VSTS
/// charts read, with simple made-up values (the grid draws whatever the run holds).
fn vsts_like_series(rows: usize) -> postmortem_sim::series::Series {
    use postmortem_sim::series::{Clock, Column, Series};
    let mut names: Vec<String> = [
        "lb_in_rotation",
        "impacted_users",
        "rejected_per_s",
        "cpu_total_pct",
        "reconnects_per_s",
        "reconnect_ok_per_s",
        "db_breaker_rejections",
        "crashes_true",
        "crashes_reported",
        "redis_exceptions_at",
        "redis_exceptions_ja",
        "health_agent_out",
        "zombies",
        "queue_at0",
        "continuations_at0",
        "blocked_at0",
        "injected_at0",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for p in ["threads", "requests", "cpu", "rebooting"] {
        names.extend((0..7).map(|i| format!("{p}_at{i}")));
    }
    let cols =
        names.iter().map(|n| Column { name: n.clone(), label: n.clone(), unit: String::new() }).collect();
    let mut s = Series::new(cols);
    s.clock = Some(Clock::TimeOfDay { origin_s: 9.5 * 3600.0 });
    for r in 0..rows {
        let mut row = vec![r as f64 * 60.0];
        row.extend((0..names.len()).map(|c| ((r + c) % 7) as f64));
        s.push(&row);
    }
    s
}

#[wasm_bindgen_test]
async fn chart_grid_draws_every_chart_of_a_run_and_follows_the_cursor() {
    use postmortem_lab::chapters::vsts::VSTS;
    use postmortem_lab::charts::{ChartGrid, Frame};
    use postmortem_lab::worker::client::LiveRun;
    let root = container(900);
    let sc = postmortem_sim::scenario::find("vsts-2018-02-07").unwrap();
    let params = RwSignal::new(sc.defaults());
    let clock = Some(postmortem_sim::series::Clock::TimeOfDay { origin_s: 9.5 * 3600.0 });
    let frame = RwSignal::new(Frame::new(0.0, 12_600.0, 12_600.0, clock));
    let run = LiveRun::from_series(vsts_like_series(211));
    let defs: Vec<_> = VSTS.scenes[0].charts.iter().collect();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <ChartGrid defs=defs run=run params=params frame=frame /> }
    });
    let points = |id: &str| {
        by_testid(&root, &format!("chart-{id}"))
            .and_then(|f| f.get_attribute("data-points"))
            .and_then(|d| d.parse::<usize>().ok())
            .unwrap_or(0)
    };
    assert!(
        wait_for(3000, || VSTS.scenes[0].charts.iter().all(|c| points(c.id) > 0)).await,
        "every chart drew"
    );
    let full = points("rotation");
    assert_eq!(full, 3 * 211, "three lines of 211 samples");
    // The cursor at 10:00 (1,800 s): only the samples up to it are drawn.
    frame.set(Frame::new(0.0, 12_600.0, 1_800.0, clock));
    assert!(
        wait_for(2000, || points("rotation") == 3 * 31).await,
        "drawn up to the cursor: {}",
        points("rotation")
    );
    // New samples arrive: the chart follows the run.
    run.set_series(vsts_like_series(100));
    frame.set(Frame::new(0.0, 12_600.0, 12_600.0, clock));
    assert!(
        wait_for(2000, || points("rotation") == 3 * 100).await,
        "follows the run: {}",
        points("rotation")
    );
    drop(handle);
    root.remove();
}

#[wasm_bindgen_test]
async fn timeline_plays_to_what_is_computed_pauses_and_scrubs() {
    use postmortem_lab::components::{Timeline, TimelineState};
    let root = container(900);
    static PACE: postmortem_lab::components::timeline::Pace = postmortem_lab::components::timeline::Pace {
        speeds: &[(60.0, "1 min/s"), (1200.0, "20 min/s")],
        step_s: 10.0,
    };
    let state = TimelineState::new(0.0, &PACE);
    state.speed.set(1200.0);
    let computed = RwSignal::new(600.0);
    let clock = Some(postmortem_sim::series::Clock::TimeOfDay { origin_s: 9.5 * 3600.0 });
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <Timeline state=state range=(0.0, 12_600.0) computed=computed clock=clock /> }
    });
    let clock_text = || by_testid(&root, "timeline-clock").unwrap().text_content().unwrap_or_default();
    assert!(wait_for(500, || clock_text() == "09:30:00 UTC").await, "{}", clock_text());
    let play: HtmlElement = by_testid(&root, "timeline-play").unwrap().unchecked_into();
    play.click();
    assert!(wait_for(3000, || state.cursor.get_untracked() >= 600.0).await, "played to what is computed");
    sleep(300).await;
    assert_eq!(state.cursor.get_untracked(), 600.0, "waits there: the run has not got further");
    assert!(state.playing.get_untracked(), "still playing while it waits");
    computed.set(12_600.0);
    assert!(wait_for(3000, || state.cursor.get_untracked() > 900.0).await, "goes on when more is computed");
    play.click();
    assert!(!state.playing.get_untracked(), "paused by the button");
    let paused_at = state.cursor.get_untracked();
    sleep(200).await;
    assert_eq!(state.cursor.get_untracked(), paused_at, "paused: the cursor stands still");
    // Space plays and pauses.
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(" ");
    init.set_bubbles(true);
    let space = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    document().body().unwrap().dispatch_event(&space).unwrap();
    assert!(state.playing.get_untracked(), "Space plays");
    document().body().unwrap().dispatch_event(&space).unwrap();
    assert!(!state.playing.get_untracked(), "Space pauses");
    // Scrubbing sets the cursor and the clock.
    let scrub: HtmlInputElement = by_testid(&root, "timeline-scrubber").unwrap().unchecked_into();
    play.click();
    set_and_input(&scrub, "2400");
    assert_eq!(state.cursor.get_untracked(), 2400.0);
    assert!(!state.playing.get_untracked(), "scrubbing pauses");
    assert!(wait_for(500, || clock_text() == "10:10:00 UTC").await, "{}", clock_text());
    // A cursor ahead of what is computed waits there while playing: it never goes back.
    computed.set(1000.0);
    play.click();
    sleep(300).await;
    assert_eq!(state.cursor.get_untracked(), 2400.0, "waits ahead of the run instead of jumping back");
    play.click();
    // Play at the end starts again from the start.
    computed.set(12_600.0);
    state.cursor.set(12_600.0);
    play.click();
    assert!(wait_for(1000, || state.cursor.get_untracked() < 1000.0).await, "replayed from the start");
    play.click();
    drop(handle);
    root.remove();
}

fn set_and_input(input: &HtmlInputElement, value: &str) {
    input.set_value(value);
    input.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
}

#[wasm_bindgen_test]
fn error_panel_shows_the_message_and_a_reset_button() {
    show_error_panel("boom: something broke");
    show_error_panel("and again");
    let doc = document();
    let panel = doc.get_element_by_id(PANEL_ID).expect("panel");
    assert_eq!(panel.get_attribute("role").as_deref(), Some("alert"));
    assert_eq!(panel.get_attribute("data-testid").as_deref(), Some("error-panel"));
    let text = panel.text_content().unwrap_or_default();
    assert!(text.contains("boom: something broke") && text.contains("and again"), "{text}");
    assert!(doc.query_selector("[data-testid=error-reset]").unwrap().is_some());
    assert_eq!(doc.query_selector_all("[data-testid=error-panel]").unwrap().length(), 1, "one panel");
    // Undo, so the other tests' DOM is visible again.
    panel.remove();
    let children = doc.body().unwrap().children();
    for i in 0..children.length() {
        children.item(i).unwrap().remove_attribute("hidden").unwrap();
    }
}

#[wasm_bindgen_test]
async fn rollout_planner_answers_for_each_choice_of_circle_sizes_and_refuses_a_bad_list() {
    use postmortem_lab::chapters::sevenpace::planner::RolloutPlanner;
    let root = container(700);
    let sc = postmortem_sim::scenario::find("7pace-2018-01-02").unwrap();
    let params = RwSignal::new(sc.defaults());
    let errors = RwSignal::new(Vec::<ParamError>::new());
    let handle = leptos::mount::mount_to(root.clone(), move || {
        view! { <RolloutPlanner scenario=sc params=params seed=1u64 errors=errors /> }
    });
    let answer = || by_testid(&root, "planner-answer");
    let first = || answer().and_then(|a| a.get_attribute("data-first-circle")).unwrap_or_default();
    let exposed =
        || answer().and_then(|a| a.get_attribute("data-exposed")).and_then(|v| v.parse::<u32>().ok());
    assert!(wait_for(1000, || first() == "9").await, "doubling circles cross at circle 9: {}", first());
    let text = answer().unwrap().text_content().unwrap_or_default();
    assert!(text.starts_with("Circle 9 (28 Nov) is the first to push a web app over 80 % CPU"), "{text}");
    assert!(wait_for(3000, || by_testid(&root, "chart-planner").is_some()).await, "the chart is there");

    // Equal circles, from the menu: an earlier circle, fewer users.
    let menu: web_sys::HtmlSelectElement = by_testid(&root, "planner-sizes").unwrap().unchecked_into();
    menu.set_value("1");
    menu.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    assert!(wait_for(1000, || first() != "9").await, "equal circles answer");
    let k: u32 = first().parse().unwrap();
    assert!((1..9).contains(&k), "equal circles cross at {k}");
    assert!(exposed().unwrap() <= 2_300, "{:?}", exposed());
    assert_eq!(params.get_untracked().get("circle_sizes"), 1.0);

    // The reader's own list; then a bad one, which changes nothing and is named.
    let list: HtmlInputElement = by_testid(&root, "planner-list").unwrap().unchecked_into();
    set_and_change(&list, "7, 7, 7, 7, 7, 7, 7");
    assert!(wait_for(1000, || params.get_untracked().get("circles") == 7.0).await, "seven circles");
    assert_eq!(params.get_untracked().get("circle_sizes"), 2.0);
    let rows = || root.query_selector_all("tbody tr").map(|l| l.length()).unwrap_or(0);
    assert!(wait_for(1000, || rows() == 7).await, "one table row per circle: {}", rows());
    let before = params.get_untracked();
    set_and_change(&list, "7, banana");
    assert!(wait_for(1000, || by_testid(&root, "planner-list-error").is_some()).await, "the list is refused");
    let msg = by_testid(&root, "planner-list-error").unwrap().text_content().unwrap_or_default();
    assert!(msg.starts_with("circle sizes must be 3 to 15 numbers from 0 to 100"), "{msg}");
    assert_eq!(params.get_untracked(), before, "a refused list changes nothing");
    drop(handle);
    root.remove();
}
