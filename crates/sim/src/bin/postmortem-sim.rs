//! `postmortem-sim`: run Postmortem Lab's scenarios from the command line.
//!
//! Contract (scripts depend on it): JSON or CSV on stdout; on a bad flag or value, one line on
//! stderr naming the flag and the allowed range, and exit status 2. Never a panic or a backtrace.

use clap::{Parser, Subcommand, ValueEnum};
use postmortem_sim::mmc::{bare_heap, simulate, MmcConfig};
use postmortem_sim::params::{ParamError, Params};
use postmortem_sim::scenario::{self, Scenario};
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
        /// Apply a preset before any --set
        #[arg(long)]
        preset: Option<String>,
        /// Set a parameter: --set name=value (repeatable)
        #[arg(long = "set", value_name = "NAME=VALUE")]
        set: Vec<String>,
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
        Command::Run { scenario, preset, set, seed, sample_s, format } => {
            let sc = find(&scenario)?;
            let mut params = sc.defaults();
            if let Some(p) = preset {
                params.apply(sc.params, sc.preset(&p)?)?;
            }
            for a in &set {
                let (name, value) = a
                    .split_once('=')
                    .ok_or_else(|| Usage(format!("--set takes NAME=VALUE (got \"{a}\")")))?;
                params.set_str(sc.params, name.trim(), value)?;
            }
            if let Some(s) = sample_s {
                params
                    .set_str(sc.params, "sample_s", &s)
                    .map_err(|e| Usage(e.message.replace("sample_s", "--sample-s (sample_s)")))?;
            }
            let mut sim = sc.start(&params, seed);
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
