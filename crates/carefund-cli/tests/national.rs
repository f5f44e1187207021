//! End-to-end tests of `carefund national`, run as a user would.

use std::path::Path;

mod common;
use common::{TempDir, carefund, text};

fn data(rel: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data")
        .join(rel)
        .display()
        .to_string()
}

#[test]
fn national_runs_the_shipped_files_and_writes_every_output() {
    let dir = TempDir::new("shipped");
    let out_dir = dir.join("out");
    let out = carefund(
        &[
            "national",
            "--areas",
            &data("national/areas-synthetic.csv"),
            "--template",
            &data("national/england-2015.toml"),
            "--paths",
            "40",
            "--seed",
            "3",
            "--out",
            out_dir.to_str().expect("utf-8 path"),
        ],
        &dir.0,
    );
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    assert!(stdout.contains("151 areas × 40 paths, seed 3"), "{stdout}");
    assert!(stdout.contains("Areas per rating"), "{stdout}");
    assert!(
        stdout.contains("P(national year-1 reduction met)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("effect correlation 0.3, growth correlation 0.5"),
        "{stdout}"
    );
    for f in [
        "national.json",
        "areas.csv",
        "national-paths.csv",
        "national-fan.png",
        "national-ratings.png",
        "national-break-even.png",
    ] {
        let p = out_dir.join(f);
        assert!(p.is_file(), "missing {f}");
        assert!(std::fs::metadata(&p).expect("meta").len() > 100, "{f}");
    }
    let areas = std::fs::read_to_string(out_dir.join("areas.csv")).expect("areas.csv");
    assert_eq!(areas.lines().count(), 152, "header + 151 areas");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("national.json")).expect("json"))
            .expect("valid json");
    assert_eq!(json["meta"]["areas"], 151);
    let counted: u64 = json["ratings"]
        .as_array()
        .expect("ratings")
        .iter()
        .map(|r| r["areas"].as_u64().expect("count"))
        .sum();
    assert_eq!(counted, 151);
}

#[test]
fn command_line_correlations_override_the_template_and_are_checked() {
    let dir = TempDir::new("rho");
    let args = |rho: &str| {
        vec![
            "national".to_string(),
            "--areas".into(),
            data("national/areas-synthetic.csv"),
            "--template".into(),
            data("national/england-2015.toml"),
            "--paths".into(),
            "8".into(),
            "--effect-correlation".into(),
            rho.into(),
            "--out".into(),
            dir.join("o").display().to_string(),
        ]
    };
    let run = |rho: &str| {
        let a = args(rho);
        carefund(&a.iter().map(String::as_str).collect::<Vec<_>>(), &dir.0)
    };
    let ok = run("0.9");
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    assert!(text(&ok.stdout).contains("effect correlation 0.9, growth correlation 0.5"));
    let bad = run("1.5");
    assert_eq!(bad.status.code(), Some(2));
    let err = text(&bad.stderr);
    assert!(
        err.starts_with("error: ")
            && err.contains("--effect-correlation must be between 0 and 1 (got 1.5)"),
        "{err}"
    );
}

#[test]
fn a_bad_row_names_the_file_line_and_column_and_exits_2_without_output() {
    let dir = TempDir::new("bad");
    let csv = dir.join("areas.csv");
    std::fs::write(
        &csv,
        "area,pooled,baseline_admissions,target_reduction\nNorth,9000000,15000,0.03\nSouth,9000000,-5,0.03\n",
    )
    .expect("write");
    let out_dir = dir.join("out");
    let out = carefund(
        &[
            "national",
            "--areas",
            csv.to_str().expect("utf-8"),
            "--template",
            &data("national/england-2015.toml"),
            "--paths",
            "8",
            "--out",
            out_dir.to_str().expect("utf-8"),
        ],
        &dir.0,
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.starts_with("error: "), "{err}");
    assert!(
        err.contains("areas.csv:3:3"),
        "file:line:column expected: {err}"
    );
    assert!(
        err.contains("baseline_admissions") && err.contains("-5"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(!out_dir.exists(), "no output on bad input");

    // A missing file is a clear one-line error too.
    let out = carefund(
        &[
            "national",
            "--areas",
            "nope.csv",
            "--template",
            &data("national/england-2015.toml"),
        ],
        &dir.0,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("nope.csv: no such file"));
}
