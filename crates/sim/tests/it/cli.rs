//! The CLI contract that scripts depend on (see the README): JSON/CSV shapes, and one-line
//! errors with exit status 2 for any bad flag or value.

use serde_json::Value;
use std::process::{Command, Output};

fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_postmortem-sim")).args(args).output().expect("runs")
}

fn json(out: &Output) -> Value {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("one JSON value")
}

#[test]
fn mmc_prints_the_promised_fields() {
    const ARGS: &[&str] = &[
        "mmc",
        "--servers",
        "3",
        "--arrival-rate",
        "2.4",
        "--service-rate",
        "1",
        "--customers",
        "20000",
        "--seed",
        "4",
    ];
    let out = cli(ARGS);
    let v = json(&out);
    assert_eq!(v["customers"], 20000);
    for key in ["wq_s", "p_wait", "mean_response_s", "seconds"] {
        assert!(v[key].as_f64().is_some_and(|x| x.is_finite() && x >= 0.0), "{key}: {}", v[key]);
    }
    let e = &v["erlang_c"];
    assert!((e["p_wait"].as_f64().unwrap() - 0.6472).abs() < 1e-3, "{e}");
    assert!(e["wq_s"].as_f64().unwrap() > 0.0);
    // The same seed gives the same answer (wall time aside).
    let again = json(&cli(ARGS));
    assert_eq!(v["wq_s"], again["wq_s"]);
}

#[test]
fn run_prints_csv_with_time_first_and_one_row_per_sample() {
    let out = cli(&["run", "mmc", "--set", "duration_s=10", "--sample-s", "0.5", "--format", "csv"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header[0], "time_s");
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 21, "samples at 0, 0.5, …, 10 s");
    assert!(rows.iter().all(|r| r.split(',').count() == header.len()));
    assert_eq!(rows[20].split(',').next(), Some("10"));
}

#[test]
fn run_json_carries_params_columns_data_and_totals() {
    let v =
        json(&cli(&["run", "staircase", "--preset", "net6", "--set", "duration_s=5", "--format", "json"]));
    assert_eq!(v["params"]["net6"], 1.0);
    assert_eq!(v["params"]["duration_s"], 5.0);
    assert_eq!(v["columns"][0]["name"], "time_s");
    let n = v["data"]["time_s"].as_array().unwrap().len();
    assert_eq!(v["data"]["threads"].as_array().unwrap().len(), n);
    let t = &v["totals"];
    let sum =
        t["completed"].as_u64().unwrap() + t["rejected"].as_u64().unwrap() + t["in_flight"].as_u64().unwrap();
    assert_eq!(t["arrived"].as_u64().unwrap(), sum);
}

#[test]
fn params_and_presets_list_everything_a_script_needs() {
    for s in postmortem_sim::catalog() {
        let v = json(&cli(&["params", s.name]));
        let params = v["params"].as_array().unwrap();
        assert_eq!(params.len(), s.params.len());
        for p in params {
            for key in ["name", "unit", "default", "min", "max", "description"] {
                assert!(!p[key].is_null(), "{}: {key} missing in {p}", s.name);
            }
        }
        let v = json(&cli(&["presets", s.name]));
        assert_eq!(v["presets"].as_array().unwrap().len(), s.presets.len());
    }
}

#[test]
fn bad_input_is_one_line_naming_the_flag_and_range_with_status_2() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["mmc", "--servers", "0", "--arrival-rate", "1", "--service-rate", "1", "--customers", "100"],
            "--servers",
        ),
        (
            &["mmc", "--servers", "2", "--arrival-rate", "-3", "--service-rate", "1", "--customers", "100"],
            "--arrival-rate",
        ),
        (
            &["mmc", "--servers", "2", "--arrival-rate", "1", "--service-rate", "1", "--customers", "abc"],
            "--customers",
        ),
        (
            &["run", "mmc", "--set", "servers=100", "--format", "csv"],
            "servers must be an integer from 1 to 64",
        ),
        (
            &["run", "mmc", "--set", "arrival_rate=fast", "--format", "csv"],
            "arrival_rate must be a number from 0.1 to 5000",
        ),
        (&["run", "mmc", "--set", "nope=1", "--format", "csv"], "unknown parameter \"nope\""),
        (&["run", "mmc", "--set", "servers", "--format", "csv"], "--set takes NAME=VALUE"),
        (&["run", "mmc", "--sample-s", "0", "--format", "csv"], "--sample-s"),
        (&["run", "mmc", "--format", "xml"], "--format"),
        (&["run", "mmc", "--preset", "nope", "--format", "csv"], "unknown preset \"nope\""),
        (&["run", "nope", "--format", "csv"], "unknown scenario \"nope\""),
        (&["params", "nope"], "unknown scenario"),
        (
            &[
                "mmc",
                "--servers",
                "2",
                "--arrival-rate",
                "1",
                "--service-rate",
                "1",
                "--customers",
                "100",
                "--seed",
                "-1",
            ],
            "--seed",
        ),
    ];
    for (args, expect) in cases {
        let out = cli(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: one line, got {err:?}");
        assert!(err.contains(expect), "{args:?}: {err:?} should name {expect}");
        assert!(!err.contains("panicked") && !err.contains("backtrace"), "{err}");
        assert!(out.stdout.is_empty(), "{args:?}: nothing on stdout");
    }
}
