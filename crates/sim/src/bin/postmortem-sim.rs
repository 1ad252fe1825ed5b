//! `postmortem-sim`: run Postmortem Lab's scenarios from the command line.
//!
//! Contract (scripts depend on it): JSON or CSV on stdout; on a bad flag or value, one line on
//! stderr naming the flag and the allowed range, and exit status 2. Never a panic or a backtrace.

use clap::{Parser, Subcommand, ValueEnum};
use postmortem_sim::mmc::{bare_heap, simulate, MmcConfig};
use postmortem_sim::model::Model;
use postmortem_sim::params::{ParamError, Params};
use postmortem_sim::scenario::{self, Scenario};
use postmortem_sim::scenarios::sevenpace::{self, checks as sevenpace_checks};
use postmortem_sim::scenarios::vsts::{self, checks};
use serde_json::{json, Map, Value};
use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser)]
#[command(
    name = "postmortem-sim",
    version,
    about = "Simulate the mechanisms behind two 2018 production incidents"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run an M/M/c queue for a fixed number of customers and compare it with Erlang C (JSON).
    Mmc {
        /// Servers (threads), c
        #[arg(long, allow_hyphen_values = true, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        servers: u32,
        /// Arrival rate λ [req/s]
        #[arg(long, allow_hyphen_values = true, value_parser = positive("--arrival-rate", 1e9))]
        arrival_rate: f64,
        /// Service rate per server μ [req/s]
        #[arg(long, allow_hyphen_values = true, value_parser = positive("--service-rate", 1e9))]
        service_rate: f64,
        /// Customers to simulate; the first 10 % are warm-up
        #[arg(long, allow_hyphen_values = true, value_parser = clap::value_parser!(u64).range(10..=1_000_000_000))]
        customers: u64,
        /// Seed of the run
        #[arg(long, allow_hyphen_values = true, default_value_t = 1)]
        seed: u64,
        /// `world`: the full engine (process, thread pool, CPU); `bare-heap`: a heap of server
        /// free times, the speed floor the engine is benchmarked against
        #[arg(long, value_enum, default_value = "world")]
        engine: Engine,
    },
    /// Run a scenario and print its sampled series.
    Run {
        /// Scenario name (see `postmortem-sim scenarios`)
        scenario: String,
        #[command(flatten)]
        settings: Settings,
        /// Seed of the run
        #[arg(long, allow_hyphen_values = true, default_value_t = 1)]
        seed: u64,
        /// Sample interval [s] (the scenario's sample_s parameter)
        #[arg(long, allow_hyphen_values = true)]
        sample_s: Option<String>,
        /// Output format
        #[arg(long, value_enum)]
        format: Format,
    },
    /// List a scenario's parameters: name, unit, default, range, description (JSON).
    Params {
        /// Scenario name
        scenario: String,
    },
    /// List a scenario's presets and their changes (JSON).
    Presets {
        /// Scenario name
        scenario: String,
    },
    /// List the scenarios (JSON).
    Scenarios,
    /// Check a scenario's acceptance properties over many seeds: each property, its threshold,
    /// and the fraction of seeds where it holds (a table; `--format json` for JSON).
    Calibrate {
        /// Scenario name (vsts-2018-02-07, 7pace-2017 or 7pace-2018-01-02)
        scenario: String,
        /// Seeds 1..=N
        #[arg(long, allow_hyphen_values = true, value_parser = clap::value_parser!(u64).range(1..=1000))]
        seeds: u64,
        #[command(flatten)]
        settings: Settings,
        /// Also run the counterfactuals and the sustaining-loop ablation
        #[arg(long)]
        counterfactuals: bool,
        /// Output format
        #[arg(long, value_enum, default_value = "table")]
        format: TableFormat,
    },
    /// The 7pace rollout planner: per circle its users and the peak web-app CPU in the days
    /// after it, and which circle first pushes a web app over the threshold (JSON).
    Plan {
        /// Scenario name (7pace-2017)
        scenario: String,
        #[command(flatten)]
        settings: Settings,
        /// Seed of the accounts
        #[arg(long, allow_hyphen_values = true, default_value_t = 1)]
        seed: u64,
        /// Alert threshold [% CPU]
        #[arg(long, allow_hyphen_values = true, default_value_t = 80.0, value_parser = positive("--threshold", 100.0))]
        threshold: f64,
    },
    /// The metastability map: per cell of a grid over two parameters, the fraction of seeds that
    /// recover within 20 minutes of the trigger (CSV).
    Sweep {
        /// Scenario name (vsts-2018-02-07)
        scenario: String,
        /// NAME=A..B:STEPS
        #[arg(long)]
        x: String,
        /// NAME=A..B:STEPS
        #[arg(long)]
        y: String,
        /// Seeds 1..=N per cell
        #[arg(long, allow_hyphen_values = true, value_parser = clap::value_parser!(u64).range(1..=1000))]
        seeds: u64,
        #[command(flatten)]
        settings: Settings,
    },
}

/// A scenario's parameters from the command line: a preset, then `--set` values on top.
#[derive(clap::Args)]
struct Settings {
    /// Apply a preset before any --set
    #[arg(long)]
    preset: Option<String>,
    /// Set a parameter: --set name=value (repeatable)
    #[arg(long = "set", value_name = "NAME=VALUE")]
    set: Vec<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum TableFormat {
    Table,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum Engine {
    World,
    BareHeap,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Csv,
    Json,
}

fn positive(flag: &'static str, max: f64) -> impl Fn(&str) -> Result<f64, String> + Clone {
    move |s: &str| match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v <= max => Ok(v),
        _ => Err(format!("{flag} must be a number greater than 0 and at most {max}")),
    }
}

/// A usage error: printed as one line, exit status 2.
struct Usage(String);

impl From<ParamError> for Usage {
    fn from(e: ParamError) -> Usage {
        Usage(e.message)
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind::*;
            if matches!(e.kind(), DisplayHelp | DisplayVersion | DisplayHelpOnMissingArgumentOrSubcommand) {
                let _ = e.print();
                return if e.kind() == DisplayHelpOnMissingArgumentOrSubcommand {
                    ExitCode::from(2)
                } else {
                    ExitCode::SUCCESS
                };
            }
            let text = e.to_string();
            let line = text.lines().next().unwrap_or("invalid arguments").trim_start_matches("error: ");
            eprintln!("postmortem-sim: {line}");
            return ExitCode::from(2);
        }
    };
    match execute(cli.command) {
        Ok(out) => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (e.g. `| head`) is not an error worth a panic.
            let _ = stdout.write_all(out.as_bytes());
            ExitCode::SUCCESS
        }
        Err(Usage(msg)) => {
            eprintln!("postmortem-sim: {msg}");
            ExitCode::from(2)
        }
    }
}

fn find(name: &str) -> Result<&'static Scenario, Usage> {
    scenario::find(name).map_err(Usage)
}

fn execute(cmd: Command) -> Result<String, Usage> {
    Ok(match cmd {
        Command::Mmc { servers, arrival_rate, service_rate, customers, seed, engine } => {
            let cfg = MmcConfig { servers, arrival_rate, service_rate, customers, seed };
            let start = Instant::now();
            let s = match engine {
                Engine::World => simulate(&cfg),
                Engine::BareHeap => bare_heap(&cfg),
            };
            let seconds = start.elapsed().as_secs_f64();
            let out = json!({
                "engine": match engine { Engine::World => "world", Engine::BareHeap => "bare-heap" },
                "servers": servers,
                "arrival_rate": arrival_rate,
                "service_rate": service_rate,
                "rho": arrival_rate / (servers as f64 * service_rate),
                "seed": seed,
                "customers": s.customers,
                "wq_s": s.wq_s,
                "p_wait": s.p_wait,
                "mean_response_s": s.mean_response_s,
                "seconds": seconds,
                "customers_per_s": s.customers as f64 / seconds.max(1e-9),
                "erlang_c": s.erlang_c.map(|e| json!({"p_wait": e.p_wait, "wq_s": e.wq_s, "w_s": e.w_s})),
            });
            format!("{out}\n")
        }
        Command::Calibrate { scenario, seeds, settings, counterfactuals, format } => {
            let checks = if scenario == sevenpace::zoom::SCENARIO.name {
                let sc = &sevenpace::zoom::SCENARIO;
                let params = configure(sc, &settings)?;
                sc.check(&params)?;
                calibrate_zoom(sc, &params, seeds)?
            } else if scenario == sevenpace::SCENARIO.name {
                let sc = &sevenpace::SCENARIO;
                let params = configure(sc, &settings)?;
                sc.check(&params)?;
                calibrate_sevenpace(&params, seeds)
            } else {
                let sc = vsts_only(&scenario, "calibrate")?;
                let params = configure(sc, &settings)?;
                sc.check(&params)?;
                calibrate(sc, &params, seeds, counterfactuals)?
            };
            match format {
                TableFormat::Json => {
                    format!("{}\n", serde_json::to_string_pretty(&checks).expect("serialisable"))
                }
                TableFormat::Table => {
                    let mut out =
                        format!("{:<5} {:>8} {:>9}  {:<4}  property\n", "id", "holds", "required", "");
                    for c in &checks {
                        out.push_str(&format!(
                            "{:<5} {:>7.0}% {:>8.0}%  {:<4}  {}\n",
                            c.id,
                            100.0 * c.fraction,
                            100.0 * c.required,
                            if c.pass { "ok" } else { "FAIL" },
                            c.description
                        ));
                    }
                    out
                }
            }
        }
        Command::Plan { scenario, settings, seed, threshold } => {
            let sc = find(&scenario)?;
            if sc.name != sevenpace::SCENARIO.name {
                return Err(Usage(format!(
                    "plan knows the rollout of {} only (got \"{scenario}\")",
                    sevenpace::SCENARIO.name
                )));
            }
            let params = configure(sc, &settings)?;
            sc.check(&params)?;
            let v = sevenpace::SevenpaceParams::from_params(&params);
            let plan = sevenpace::rollout::plan(&v, seed, threshold);
            format!("{}\n", serde_json::to_string_pretty(&plan).expect("serialisable"))
        }
        Command::Sweep { scenario, x, y, seeds, settings } => {
            let sc = vsts_only(&scenario, "sweep")?;
            let params = configure(sc, &settings)?;
            let (xn, xs) = axis(sc, "--x", &x)?;
            let (yn, ys) = axis(sc, "--y", &y)?;
            let mut cells = vec![];
            for &xv in &xs {
                for &yv in &ys {
                    let mut p = params.clone();
                    p.set(sc.params, &xn, xv)?;
                    p.set(sc.params, &yn, yv)?;
                    sc.check(&p)?;
                    cells.push(p);
                }
            }
            let jobs: Vec<(usize, u64)> =
                (0..cells.len()).flat_map(|c| (1..=seeds).map(move |s| (c, s))).collect();
            let recovered = parallel(&jobs, |&(c, seed)| {
                let sum = summary(&cells[c], seed);
                sum.recovery_s.is_some_and(|r| r <= vsts::at(10, 30))
            });
            let mut out = format!("{xn},{yn},recovered_fraction\n");
            for (c, p) in cells.iter().enumerate() {
                let k = jobs.iter().zip(&recovered).filter(|((cc, _), r)| *cc == c && **r).count();
                out.push_str(&format!(
                    "{},{},{}\n",
                    p.value(&xn).expect("set"),
                    p.value(&yn).expect("set"),
                    k as f64 / seeds as f64
                ));
            }
            out
        }
        Command::Run { scenario, settings, seed, sample_s, format } => {
            let sc = find(&scenario)?;
            let mut params = configure(sc, &settings)?;
            if let Some(s) = sample_s {
                params
                    .set_str(sc.params, "sample_s", &s)
                    .map_err(|e| Usage(e.message.replace("sample_s", "--sample-s (sample_s)")))?;
            }
            let mut sim = sc.start(&params, seed)?;
            sim.run_to_end();
            match format {
                Format::Csv => sim.series().to_csv(),
                Format::Json => format!("{}\n", run_json(sc, &params, seed, &sim)),
            }
        }
        Command::Params { scenario } => {
            let sc = find(&scenario)?;
            format!(
                "{}\n",
                serde_json::to_string_pretty(&json!({"scenario": sc.name, "params": sc.params}))
                    .expect("serialisable")
            )
        }
        Command::Presets { scenario } => {
            let sc = find(&scenario)?;
            let presets: Vec<Value> = sc
                .presets
                .iter()
                .map(|p| {
                    let changes: Map<String, Value> = p.changes.iter().map(|(n, v)| (n.to_string(), json!(v))).collect();
                    json!({"name": p.name, "label": p.label, "description": p.description, "changes": changes})
                })
                .collect();
            format!(
                "{}\n",
                serde_json::to_string_pretty(&json!({"scenario": sc.name, "presets": presets}))
                    .expect("serialisable")
            )
        }
        Command::Scenarios => {
            let list: Vec<Value> = scenario::catalog()
                .iter()
                .map(|s| json!({"name": s.name, "title": s.title, "summary": s.summary}))
                .collect();
            format!("{}\n", serde_json::to_string_pretty(&list).expect("serialisable"))
        }
    })
}

fn configure(sc: &Scenario, settings: &Settings) -> Result<Params, Usage> {
    let mut params = sc.defaults();
    if let Some(p) = &settings.preset {
        params.apply(sc.params, sc.preset(p)?)?;
    }
    for a in &settings.set {
        let (name, value) =
            a.split_once('=').ok_or_else(|| Usage(format!("--set takes NAME=VALUE (got \"{a}\")")))?;
        params.set_str(sc.params, name.trim(), value)?;
    }
    Ok(params)
}

fn vsts_only(name: &str, what: &str) -> Result<&'static Scenario, Usage> {
    let sc = find(name)?;
    if sc.name != vsts::SCENARIO.name {
        return Err(Usage(format!(
            "{what} knows the properties of {} only (got \"{name}\")",
            vsts::SCENARIO.name
        )));
    }
    Ok(sc)
}

/// `NAME=A..B:STEPS` → the parameter and its STEPS values from A to B.
fn axis(sc: &Scenario, flag: &str, text: &str) -> Result<(String, Vec<f64>), Usage> {
    let bad = || Usage(format!("{flag} takes NAME=A..B:STEPS with STEPS from 1 to 50 (got \"{text}\")"));
    let (name, range) = text.split_once('=').ok_or_else(bad)?;
    let (ab, steps) = range.split_once(':').ok_or_else(bad)?;
    let (a, b) = ab.split_once("..").ok_or_else(bad)?;
    let spec = sc
        .param(name.trim())
        .ok_or_else(|| Usage(format!("{flag}: unknown parameter \"{}\"", name.trim())))?;
    let (a, b) = (spec.parse(a)?, spec.parse(b)?);
    let steps: usize = steps.trim().parse().ok().filter(|n| (1..=50).contains(n)).ok_or_else(bad)?;
    let values = (0..steps)
        .map(|i| if steps == 1 { a } else { a + (b - a) * i as f64 / (steps - 1) as f64 })
        .map(|v| if spec.integer { v.round() } else { v })
        .collect();
    Ok((spec.name.to_string(), values))
}

/// `f` over `jobs` on every core, results in job order.
fn parallel<J: Sync, R: Send + Default + Clone>(jobs: &[J], f: impl Fn(&J) -> R + Sync) -> Vec<R> {
    let n = std::thread::available_parallelism().map_or(1, |n| n.get()).min(jobs.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(vec![R::default(); jobs.len()]);
    std::thread::scope(|scope| {
        for _ in 0..n {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= jobs.len() {
                    break;
                }
                let r = f(&jobs[i]);
                results.lock().expect("no panics while held")[i] = r;
            });
        }
    });
    results.into_inner().expect("no panics while held")
}

fn summary(p: &Params, seed: u64) -> checks::Summary {
    let v = vsts::VstsParams::from_params(p);
    let mut d = vsts::driver(&v, seed);
    while !d.step_events(u64::MAX) {}
    checks::summarize(d.series(), &v)
}

fn calibrate(
    sc: &Scenario,
    params: &Params,
    seeds: u64,
    counterfactuals: bool,
) -> Result<Vec<checks::Check>, Usage> {
    let runs = checks::runs(counterfactuals);
    let mut configs = vec![];
    for r in &runs {
        let mut p = params.clone();
        for (n, v) in &r.changes {
            p.set(sc.params, n, *v)?;
        }
        sc.check(&p)?;
        configs.push(p);
    }
    let jobs: Vec<(usize, u64)> = (0..runs.len()).flat_map(|c| (1..=seeds).map(move |s| (c, s))).collect();
    let sums = parallel(&jobs, |&(c, seed)| summary(&configs[c], seed));
    let grouped: Vec<(&str, Vec<checks::Summary>)> = runs
        .iter()
        .enumerate()
        .map(|(c, r)| {
            (r.name, jobs.iter().zip(&sums).filter(|((cc, _), _)| *cc == c).map(|(_, s)| s.clone()).collect())
        })
        .collect();
    Ok(checks::evaluate(&grouped))
}

fn calibrate_sevenpace(params: &Params, seeds: u64) -> Vec<checks::Check> {
    let runs = sevenpace_checks::runs();
    let configs: Vec<sevenpace::SevenpaceParams> =
        runs.iter().map(|r| sevenpace_checks::configured(params, r)).collect();
    let jobs: Vec<(usize, u64)> = (0..runs.len()).flat_map(|c| (1..=seeds).map(move |s| (c, s))).collect();
    let sums = parallel(&jobs, |&(c, seed)| sevenpace_checks::summary(&configs[c], seed));
    let grouped: Vec<(&str, Vec<sevenpace_checks::Summary>)> = runs
        .iter()
        .enumerate()
        .map(|(c, r)| {
            (r.name, jobs.iter().zip(&sums).filter(|((cc, _), _)| *cc == c).map(|(_, s)| s.clone()).collect())
        })
        .collect();
    sevenpace_checks::evaluate(&grouped)
}

fn calibrate_zoom(sc: &Scenario, params: &Params, seeds: u64) -> Result<Vec<checks::Check>, Usage> {
    let runs = sevenpace_checks::zoom_runs();
    let mut configs = vec![];
    for r in &runs {
        let mut p = params.clone();
        for (n, v) in &r.changes {
            p.set(sc.params, n, *v)?;
        }
        configs.push(p);
    }
    let jobs: Vec<(usize, u64)> = (0..runs.len()).flat_map(|c| (1..=seeds).map(move |s| (c, s))).collect();
    let sums = parallel(&jobs, |&(c, seed)| sevenpace_checks::zoom_summary(&configs[c], seed));
    let grouped: Vec<(&str, Vec<sevenpace_checks::ZoomSummary>)> = runs
        .iter()
        .enumerate()
        .map(|(c, r)| {
            (r.name, jobs.iter().zip(&sums).filter(|((cc, _), _)| *cc == c).map(|(_, s)| s.clone()).collect())
        })
        .collect();
    Ok(sevenpace_checks::evaluate_zoom(&grouped))
}

fn run_json(sc: &Scenario, params: &Params, seed: u64, sim: &postmortem_sim::Simulation) -> Value {
    let series = sim.series();
    let p: Map<String, Value> = params.iter().map(|(n, v)| (n.to_string(), json!(v))).collect();
    let columns: Vec<Value> =
        series.columns.iter().map(|c| json!({"name": c.name, "label": c.label, "unit": c.unit})).collect();
    let data: Map<String, Value> =
        series.columns.iter().zip(&series.data).map(|(c, d)| (c.name.clone(), json!(d))).collect();
    json!({
        "scenario": sc.name,
        "seed": seed,
        "params": p,
        "columns": columns,
        "data": data,
        "totals": sim.totals(),
        "digest": format!("{:016x}", series.digest()),
    })
}
