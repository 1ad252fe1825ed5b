//! The parameter panel: one row per [`ParamSpec`] (a slider and a number box, or a switch), the
//! scenario's presets as buttons, the seed, and the messages for values that were not accepted.
//!
//! Every change goes through [`Params::set_str`], so the panel, the URL and the CLI accept exactly the
//! same values and report the same messages.

use crate::url_state::parse_seed;
use leptos::prelude::*;
use postmortem_sim::params::{fmt_num, ParamError, ParamSpec, Params, Provenance};
use postmortem_sim::scenario::Scenario;

/// The note every panel carries about where numbers come from.
pub const PROVENANCE_NOTE: &str =
    "Magnitudes marked illustrative are ours; the postmortems do not give them.";

/// A named group of parameters, shown as one collapsible section.
#[derive(Clone, Copy, Debug)]
pub struct ParamGroup {
    /// Heading, e.g. "Thread pool".
    pub title: &'static str,
    /// Parameter names, in display order.
    pub names: &'static [&'static str],
}

/// Controls for `scenario`'s parameters, its presets and the run seed.
#[component]
pub fn ParamPanel(
    /// The scenario whose parameters these are.
    scenario: &'static Scenario,
    /// The values (always valid).
    params: RwSignal<Params>,
    /// The run seed.
    seed: RwSignal<u64>,
    /// Messages for rejected values, shared with the URL reader.
    errors: RwSignal<Vec<ParamError>>,
    /// Sections to show the parameters in (each collapsed); one flat list otherwise. Parameters in
    /// no group come last under "Other".
    #[prop(optional)]
    groups: &'static [ParamGroup],
    /// The page shows the presets elsewhere (a live chapter shows them above its charts).
    #[prop(optional)]
    presets_elsewhere: bool,
    /// What the parameters drive, under the heading; the scenario's title otherwise.
    #[prop(optional, into)]
    subtitle: Option<String>,
) -> impl IntoView {
    let subtitle = subtitle.unwrap_or_else(|| scenario.title.replace(" %", "\u{a0}%"));
    view! {
        <div class="param-panel">
            <div class="panel-head">
                <h2 class="panel-title">"Parameters"</h2>
                <p class="panel-sub">{subtitle}</p>
            </div>
            <ParamErrors errors=errors />
            {(!presets_elsewhere).then(|| view! { <Presets scenario=scenario params=params errors=errors /> })}
            {param_list(scenario, params, errors, groups)}
            <div class="panel-foot">
                <SeedInput seed=seed errors=errors />
                <button
                    type="button"
                    class="button subtle"
                    data-testid="params-reset"
                    on:click=move |_| {
                        params.set(scenario.defaults());
                        errors.update(|e| e.retain(|x| x.name == "seed"));
                    }
                >
                    "Reset to defaults"
                </button>
            </div>
            <p class="provenance-note">{PROVENANCE_NOTE}</p>
        </div>
    }
}

/// The scenario's presets as buttons, the pressed one marked, and what the current values are.
#[component]
pub fn Presets(
    /// The scenario whose presets these are.
    scenario: &'static Scenario,
    /// The values (always valid).
    params: RwSignal<Params>,
    /// Messages for rejected values; a preset clears those about parameters.
    errors: RwSignal<Vec<ParamError>>,
) -> impl IntoView {
    let specs = scenario.params;
    let presets = scenario.presets.iter().map(|preset| {
        let mut target = scenario.defaults();
        let _ = target.apply(specs, preset);
        let pressed_target = target.clone();
        view! {
            <button
                type="button"
                class="chip"
                data-testid=format!("preset-{}", preset.name)
                title=preset.description
                aria-pressed=move || params.with(|p| *p == pressed_target).to_string()
                on:click=move |_| {
                    params.set(target.clone());
                    errors.update(|e| e.retain(|x| x.name == "seed"));
                }
            >
                {preset.label}
            </button>
        }
    });
    let active_preset = move || {
        params.with(|p| {
            scenario.presets.iter().find(|preset| {
                let mut t = scenario.defaults();
                t.apply(specs, preset).is_ok() && t == *p
            })
        })
    };
    (!scenario.presets.is_empty()).then(|| {
        view! {
            <div class="presets" role="group" aria-label="Presets">
                <p class="group-label">"What if…"</p>
                <div class="chips">{presets.collect_view()}</div>
                <p class="preset-desc" aria-live="polite">
                    {move || {
                        active_preset()
                            .map(|p| p.description)
                            .unwrap_or_else(|| {
                                if params.with(|p| *p == scenario.defaults()) {
                                    "The defaults, as the narrative describes them."
                                } else {
                                    "Your own values."
                                }
                            })
                    }}
                </p>
            </div>
        }
    })
}

fn param_list(
    scenario: &'static Scenario,
    params: RwSignal<Params>,
    errors: RwSignal<Vec<ParamError>>,
    groups: &'static [ParamGroup],
) -> AnyView {
    let row = move |spec: &'static ParamSpec| {
        view! { <ParamRow spec=spec scenario=scenario params=params errors=errors /> }
    };
    if groups.is_empty() {
        return view! { <div class="param-list">{scenario.params.iter().map(row).collect_view()}</div> }
            .into_any();
    }
    let rest: Vec<&'static ParamSpec> =
        scenario.params.iter().filter(|p| !groups.iter().any(|g| g.names.contains(&p.name))).collect();
    let section = move |title: &'static str, list: Vec<&'static ParamSpec>| {
        let n = list.len();
        let names: Vec<&'static str> = list.iter().map(|p| p.name).collect();
        // A group opens by itself when one of its values is refused, so the message is seen; it is
        // never closed for the reader (a memo: only a change from no error to an error opens it).
        let has_error =
            Memo::new(move |_| errors.with(|e| e.iter().any(|x| names.contains(&x.name.as_str()))));
        let details = NodeRef::<leptos::html::Details>::new();
        Effect::new(move |_| {
            if has_error.get() {
                if let Some(d) = details.get_untracked() {
                    d.set_open(true);
                }
            }
        });
        view! {
            <details class="param-group" node_ref=details>
                <summary>{title}<span class="count">{format!(" ({n})")}</span></summary>
                <div class="param-list">{list.into_iter().map(row).collect_view()}</div>
            </details>
        }
    };
    view! {
        <div class="param-groups">
            {groups
                .iter()
                .map(|g| section(g.title, g.names.iter().filter_map(|n| scenario.param(n)).collect()))
                .collect_view()}
            {(!rest.is_empty()).then(|| section("Other", rest))}
        </div>
    }
    .into_any()
}

/// One parameter: label, provenance tag, slider (or switch), number box, unit and help text. Its
/// element ids and test ids start with `id_prefix`, so a step's knobs can repeat a panel's rows.
#[component]
pub fn ParamRow(
    spec: &'static ParamSpec,
    scenario: &'static Scenario,
    params: RwSignal<Params>,
    errors: RwSignal<Vec<ParamError>>,
    #[prop(optional)] id_prefix: &'static str,
) -> impl IntoView {
    let name = spec.name;
    let id = format!("{id_prefix}param-input-{name}");
    let help_id = format!("{id_prefix}param-help-{name}");
    let value = move || params.with(|p| p.iter().find(|(n, _)| *n == name).map_or(spec.default, |(_, v)| v));
    let commit = move |text: String| {
        let mut next = params.get_untracked();
        match scenario.set_str(&mut next, name, &text) {
            Ok(()) => {
                errors.update(|e| e.retain(|x| x.name != name));
                if next != params.get_untracked() {
                    params.set(next);
                }
            }
            Err(err) => errors.update(|e| {
                e.retain(|x| x.name != name);
                e.push(err);
            }),
        }
    };
    let invalid = move || errors.with(|e| e.iter().any(|x| x.name == name));
    let (tag_class, tag_text) = match spec.provenance {
        Provenance::Illustrative => ("tag tag-illustrative", "illustrative"),
        Provenance::Postmortem => ("tag tag-postmortem", "from the postmortem"),
        Provenance::Documented => ("tag tag-documented", "documented default"),
    };
    let help = if spec.is_switch() {
        format!("{}.", spec.description)
    } else {
        format!("{}. {}.", spec.description, capitalise(&spec.range_with_unit()))
    };
    let control = if spec.is_switch() {
        view! {
            <label class="switch">
                <input
                    type="checkbox"
                    id=id.clone()
                    data-testid=format!("{id_prefix}param-{name}")
                    aria-describedby=help_id.clone()
                    prop:checked=move || value() != 0.0
                    on:change=move |ev| commit(if event_target_checked(&ev) { "1" } else { "0" }.to_string())
                />
                <span>{move || if value() != 0.0 { "on" } else { "off" }}</span>
            </label>
        }
        .into_any()
    } else {
        view! {
            <div class="param-inputs">
                <input
                    type="range"
                    id=id.clone()
                    data-testid=format!("{id_prefix}param-{name}")
                    min=spec.min
                    max=spec.max
                    step=spec.step
                    aria-describedby=help_id.clone()
                    prop:value=move || value().to_string()
                    on:input=move |ev| commit(event_target_value(&ev))
                />
                <input
                    type="number"
                    class="num"
                    data-testid=format!("{id_prefix}param-{name}-number")
                    aria-label=format!("{} ({})", spec.label, if spec.unit.is_empty() { "number" } else { spec.unit })
                    min=spec.min
                    max=spec.max
                    step=spec.step
                    aria-invalid=move || invalid().to_string()
                    prop:value=move || fmt_num(value())
                    on:change=move |ev| commit(event_target_value(&ev))
                />
                <span class="unit">{spec.unit}</span>
            </div>
        }
        .into_any()
    };
    view! {
        <div class="param" class:invalid=invalid>
            <div class="param-head">
                <label for=id>{spec.label}</label>
                <span class=tag_class>{tag_text}</span>
            </div>
            {control}
            <p class="help" id=help_id>{help}</p>
            {move || {
                errors
                    .with(|e| e.iter().find(|x| x.name == name).map(|x| x.message.clone()))
                    .map(|m| view! { <p class="field-error">{m}</p> })
            }}
        </div>
    }
}

/// The run seed: a whole number; the same seed and parameters give the same run.
#[component]
pub fn SeedInput(seed: RwSignal<u64>, errors: RwSignal<Vec<ParamError>>) -> impl IntoView {
    let invalid = move || errors.with(|e| e.iter().any(|x| x.name == "seed"));
    view! {
        <div class="seed" class:invalid=invalid>
            <label for="seed-input">"Seed"</label>
            <div class="param-inputs">
                <input
                    id="seed-input"
                    type="number"
                    class="num seed-num"
                    data-testid="seed"
                    min="0"
                    step="1"
                    aria-describedby="seed-help"
                    aria-invalid=move || invalid().to_string()
                    prop:value=move || seed.get().to_string()
                    on:change=move |ev| match parse_seed(&event_target_value(&ev)) {
                        Ok(s) => {
                            errors.update(|e| e.retain(|x| x.name != "seed"));
                            seed.set(s);
                        }
                        Err(err) => errors.update(|e| {
                            e.retain(|x| x.name != "seed");
                            e.push(err);
                        }),
                    }
                />
                <button
                    type="button"
                    class="button subtle"
                    data-testid="seed-new"
                    on:click=move |_| {
                        errors.update(|e| e.retain(|x| x.name != "seed"));
                        seed.set((js_sys::Math::random() * 1e9).floor() as u64);
                    }
                >
                    "New seed"
                </button>
            </div>
            <p class="help" id="seed-help">"Same seed and parameters, same run. Change it to see another roll of the dice."</p>
        </div>
    }
}

/// The messages for rejected values (from the URL or typed in), or nothing when all is well.
#[component]
pub fn ParamErrors(errors: RwSignal<Vec<ParamError>>) -> impl IntoView {
    view! {
        <div class="errors-live" aria-live="polite">
            {move || {
                let list = errors.get();
                (!list.is_empty())
                    .then(|| {
                        view! {
                            <div class="param-errors" data-testid="param-errors">
                                <p class="errors-title">
                                    {if list.len() == 1 {
                                        "One value was not used; its default applies:".to_string()
                                    } else {
                                        format!("{} values were not used; their defaults apply:", list.len())
                                    }}
                                </p>
                                <ul>{list.into_iter().map(|e| view! { <li>{e.message}</li> }).collect_view()}</ul>
                                <button type="button" class="button subtle small" on:click=move |_| errors.set(Vec::new())>
                                    "Dismiss"
                                </button>
                            </div>
                        }
                    })
            }}
        </div>
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}
