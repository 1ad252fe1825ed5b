//! The rollout planner: the reader sets the circle sizes (doubling, equal, or a list of their
//! own) and sees which circle first pushes a web app over the CPU alert threshold, and how many
//! users that circle exposes. The core's `rollout::plan` answers on the main thread (a few
//! milliseconds), so the answer follows a drag.

use crate::charts::draw::day_month;
use crate::charts::{Axis, Chart, ChartSpec, ColorRole, XTime};
use crate::components::ParamRow;
use crate::user_timing;
use leptos::prelude::*;
use postmortem_sim::params::{fmt_num, ParamError, Params};
use postmortem_sim::scenario::Scenario;
use postmortem_sim::scenarios::sevenpace::rollout::{plan, RolloutPlan};
use postmortem_sim::scenarios::sevenpace::{SevenpaceParams, START};

/// Circles a custom list may have (the `circles` parameter's range).
const CIRCLES: std::ops::RangeInclusive<usize> = 3..=15;

/// Parses a list of circle sizes in percent, e.g. `7, 7, 7` or `1 2 4 8`.
pub fn parse_circle_list(text: &str) -> Result<Vec<f64>, String> {
    let bad = || {
        format!(
            "circle sizes must be {} to {} numbers from 0 to 100 (%), separated by commas, not all 0 (got \"{}\")",
            CIRCLES.start(),
            CIRCLES.end(),
            text.chars().take(40).collect::<String>()
        )
    };
    let sizes: Vec<f64> = text
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|t| !t.is_empty())
        .map(|t| t.parse::<f64>().ok().filter(|v| (0.0..=100.0).contains(v)))
        .collect::<Option<_>>()
        .ok_or_else(bad)?;
    if !CIRCLES.contains(&sizes.len()) || sizes.iter().all(|&v| v == 0.0) {
        return Err(bad());
    }
    Ok(sizes)
}

/// The parameters with the circle sizes of `sizes` (custom sizes, as many circles).
pub fn with_circle_list(sc: &Scenario, params: &Params, sizes: &[f64]) -> Result<Params, ParamError> {
    let mut next = params.clone();
    next.set(sc.params, "circle_sizes", 2.0)?;
    next.set(sc.params, "circles", sizes.len() as f64)?;
    for (k, v) in sizes.iter().enumerate() {
        next.set(sc.params, &format!("circle{}_pct", k + 1), *v)?;
    }
    sc.check(&next)?;
    Ok(next)
}

/// The plan for `params` and `seed`, at the CPU alert threshold.
pub fn plan_for(params: &Params, seed: u64) -> RolloutPlan {
    plan(&SevenpaceParams::from_params(params), seed, params.get("alert_cpu_pct"))
}

/// The answer in words.
pub fn answer_text(p: &RolloutPlan) -> String {
    match p.first_over {
        Some(k) => {
            let c = &p.circles[k as usize - 1];
            format!(
                "Circle {k} ({}) is the first to push a web app over {} % CPU. It exposes {} new users ({} in all).",
                day_month((START.days() + i64::from(c.day)) as f64),
                fmt_num(p.threshold_pct),
                thousands(c.new_users),
                thousands(c.cumulative_users)
            )
        }
        None => format!("No circle pushes a web app over {} % CPU.", fmt_num(p.threshold_pct)),
    }
}

fn thousands(n: u32) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Users migrated over time, with each circle's date marked by whether its week crossed.
pub fn plan_spec(p: &RolloutPlan) -> ChartSpec {
    let x = |day: u32| (START.days() + i64::from(day)) as f64;
    let mut users = Vec::new();
    let (mut under, mut over) = (Vec::new(), Vec::new());
    for c in &p.circles {
        users.push((x(c.day), f64::from(c.cumulative_users)));
        let point = (x(c.day), f64::from(c.cumulative_users));
        if c.peak_cpu_pct > p.threshold_pct {
            over.push(point);
        } else {
            under.push(point);
        }
    }
    let lo = p.circles.first().map_or(0.0, |c| x(c.day) - 3.0);
    let hi = p.circles.last().map_or(1.0, |c| x(c.day) + 7.0);
    if let Some(&(_, last)) = users.last() {
        users.push((hi, last));
    }
    ChartSpec::new("Users migrated, circle by circle", Axis::new("Date", "2017"), Axis::new("Users", ""))
        .step_line("users migrated", users, ColorRole::Primary)
        .points("circle stays under the threshold", under, ColorRole::Tertiary)
        .points("circle crosses the threshold", over, ColorRole::Danger)
        .time_x(XTime::Days)
        .x_range(lo, hi)
}

/// The answer, the list's error if any, and the circle-by-circle table, as markup: one node for
/// the whole output keeps the planner's code small (every distinct view costs code in the wasm).
pub fn output_html(p: &RolloutPlan, list_error: Option<&str>) -> String {
    let mut h = format!(
        "<p class=\"planner-answer\" data-testid=\"planner-answer\" data-first-circle=\"{}\" data-exposed=\"{}\">{}</p>",
        p.first_over.map(|c| c.to_string()).unwrap_or_default(),
        p.exposed_users,
        answer_text(p)
    );
    if let Some(m) = list_error {
        h += &format!("<p class=\"field-error\" data-testid=\"planner-list-error\">{}</p>", escape(m));
    }
    h += "<details class=\"planner-table\"><summary>Circle by circle</summary><table><thead><tr>\
          <th scope=\"col\">Circle</th><th scope=\"col\">Date</th><th scope=\"col\">New users</th>\
          <th scope=\"col\">Users so far</th><th scope=\"col\">Peak web-app CPU</th></tr></thead><tbody>";
    for c in &p.circles {
        h += &format!(
            "<tr{}><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.0} %</td></tr>",
            if c.peak_cpu_pct > p.threshold_pct { " class=\"over\"" } else { "" },
            c.circle,
            day_month((START.days() + i64::from(c.day)) as f64),
            thousands(c.new_users),
            thousands(c.cumulative_users),
            c.peak_cpu_pct
        );
    }
    h + "</tbody></table></details>"
}

/// Text for markup: `&`, `<`, `>` and `"` escaped (a refused list is echoed back).
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The planner.
#[component]
pub fn RolloutPlanner(
    /// The chapter's scenario (its parameter list has every planner parameter).
    scenario: &'static Scenario,
    /// The chapter's parameters.
    params: RwSignal<Params>,
    /// The chapter's seed.
    #[prop(into)]
    seed: Signal<u64>,
    /// The chapter's messages for refused values.
    errors: RwSignal<Vec<ParamError>>,
) -> impl IntoView {
    let result = Memo::new(move |_| {
        let span = user_timing::start("planner");
        let out = params.with(|p| plan_for(p, seed.get()));
        span.end();
        out
    });
    let list_text = move || {
        params.with(|p| {
            let n = p.get("circles") as usize;
            (1..=n).map(|k| fmt_num(p.get(&format!("circle{k}_pct")))).collect::<Vec<_>>().join(", ")
        })
    };
    // The sizes menu and the list both go through the scenario's checks; a refusal is reported
    // under the list and changes nothing.
    let commit = move |text: String, menu: bool| {
        let result = if menu {
            let mut next = params.get_untracked();
            let v = text.parse::<f64>().unwrap_or(0.0);
            next.set(scenario.params, "circle_sizes", v).and_then(|()| scenario.check(&next)).map(|()| next)
        } else {
            parse_circle_list(&text)
                .map_err(|m| ParamError { name: String::new(), message: m })
                .and_then(|sizes| params.with_untracked(|p| with_circle_list(scenario, p, &sizes)))
        };
        errors.update(|e| e.retain(|x| x.name != "circle_list"));
        match result {
            Ok(next) => params.set(next),
            Err(mut e) => {
                e.name = "circle_list".into();
                errors.update(|errs| errs.push(e));
            }
        }
    };
    let rows = ["circles", "circle_spacing_days", "alert_cpu_pct"]
        .into_iter()
        .filter_map(|n| scenario.param(n))
        .map(|spec| view! { <ParamRow spec=spec scenario=scenario params=params errors=errors id_prefix="planner-" /> })
        .collect_view();
    let output = move || {
        let error = errors.with(|e| e.iter().find(|x| x.name == "circle_list").map(|x| x.message.clone()));
        result.with(|r| output_html(r, error.as_deref()))
    };
    let spec = Signal::derive(move || result.with(plan_spec));
    view! {
        <section class="planner" data-testid="planner" aria-labelledby="planner-title">
            <h3 id="planner-title" class="figure-title">"Rollout planner"</h3>
            <p class="muted small">
                "Choose the circle sizes; the planner runs the same accounts and workload over the days after each \
                 circle and finds the first one that pushes a web app over the CPU alert threshold."
            </p>
            <label class="planner-list">
                <span>"Circle sizes"</span>
                <select
                    data-testid="planner-sizes"
                    prop:value=move || params.with(|p| p.get("circle_sizes").to_string())
                    on:change=move |ev| commit(event_target_value(&ev), true)
                >
                    <option value="0">"Doubling (as it happened)"</option>
                    <option value="1">"Equal"</option>
                    <option value="2">"My own list"</option>
                </select>
            </label>
            <label class="planner-list">
                <span>"My own list: sizes in % of all users, in order"</span>
                <input
                    type="text"
                    inputmode="decimal"
                    data-testid="planner-list"
                    prop:value=list_text
                    on:change=move |ev| commit(event_target_value(&ev), false)
                />
            </label>
            <div class="param-list">{rows}</div>
            <div role="status" inner_html=output></div>
            <Chart id="planner" spec=spec caption="Each dot is a circle's date and the users migrated after it; red dots are circles whose following days push a web app over the threshold." />
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use postmortem_sim::scenario::find;

    #[test]
    fn circle_lists_parse_strictly() {
        assert_eq!(parse_circle_list("7, 7, 7").unwrap(), vec![7.0; 3]);
        assert_eq!(parse_circle_list(" 1 2;4,8 ").unwrap(), vec![1.0, 2.0, 4.0, 8.0]);
        for bad in ["", "7, 7", "0, 0, 0", "1, 2, x", "1, 2, 101", "1, 2, -1", "1, 2, NaN", &"1,".repeat(16)]
        {
            let e = parse_circle_list(bad).unwrap_err();
            assert!(e.starts_with("circle sizes must be 3 to 15 numbers from 0 to 100"), "{bad}: {e}");
        }
    }

    #[test]
    fn exponential_circles_cross_last_and_equal_ones_earlier_with_fewer_users() {
        let sc = find("7pace-2018-01-02").unwrap();
        let mut p = sc.defaults();
        let as_it_happened = plan_for(&p, 1);
        assert_eq!(as_it_happened.first_over, Some(9));
        assert!(answer_text(&as_it_happened).starts_with("Circle 9 (28 Nov) is the first"));
        sc.set_str(&mut p, "circle_sizes", "1").unwrap();
        let equal = plan_for(&p, 1);
        let k = equal.first_over.expect("equal circles cross too");
        assert!(k < 9 && equal.exposed_users <= 2_300, "{k}, {}", equal.exposed_users);
        // A list of the reader's own: seven equal circles.
        let seven = with_circle_list(sc, &p, &[7.0; 7]).unwrap();
        assert_eq!((seven.get("circles"), seven.get("circle_sizes")), (7.0, 2.0));
        assert_eq!(plan_for(&seven, 1).circles.len(), 7);
        let html = output_html(&equal, Some("bad <list>"));
        assert!(html.contains(&format!("data-first-circle=\"{k}\"")), "{html}");
        assert_eq!(html.matches("<tr").count(), 10, "a header and nine circles");
        assert_eq!(
            html.matches("class=\"over\"").count(),
            equal.circles.iter().filter(|c| c.peak_cpu_pct > 80.0).count()
        );
        assert!(html.contains("bad &lt;list&gt;"));
        let spec = plan_spec(&equal);
        assert_eq!(spec.scatter.iter().map(|s| s.points.len()).sum::<usize>(), 9);
        assert_eq!(thousands(20_000), "20,000");
        assert_eq!(thousands(999), "999");
    }
}
