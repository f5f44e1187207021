//! End-to-end tests of the `carefund` binary, run as a user would.

use std::path::PathBuf;
use std::process::Output;

mod common;
use common::{TempDir, carefund, root, text};

fn swindon() -> PathBuf {
    root().join("data/scenarios/swindon-2015.toml")
}

fn assert_clean_failure(out: &Output, what: &str) -> String {
    let err = text(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{what}: expected exit 2; stderr: {err}"
    );
    assert!(
        !err.contains("panicked") && !err.contains("backtrace"),
        "{what}: {err}"
    );
    assert!(err.starts_with("error: "), "{what}: {err}");
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "{what}: one clear line expected: {err}"
    );
    err
}

#[test]
fn run_writes_summary_tables_and_charts() {
    let dir = TempDir::new("run");
    let out_dir = dir.join("out");
    let out = carefund(
        &[
            "run",
            swindon().to_str().expect("utf-8 path"),
            "--paths",
            "2000",
            "--seed",
            "7",
            "--out",
            out_dir.to_str().expect("utf-8"),
            "--format",
            "both",
        ],
        &dir.0,
    );
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    assert!(stdout.contains("Rating: "), "{stdout}");
    assert!(
        stdout.contains("seed 7"),
        "the seed must be printed: {stdout}"
    );
    for f in [
        "summary.json",
        "percentiles.csv",
        "paths.csv",
        "fan.png",
        "fan.svg",
        "admissions.png",
        "histogram.png",
        "cash.png",
    ] {
        let p = out_dir.join(f);
        assert!(p.is_file(), "missing {f}");
        assert!(
            std::fs::metadata(&p).expect("meta").len() > 100,
            "{f} is nearly empty"
        );
    }
    let png = std::fs::read(out_dir.join("fan.png")).expect("png");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("summary.json")).expect("json"))
            .expect("valid JSON");
    assert_eq!(summary["meta"]["seed"], 7);
    assert_eq!(summary["meta"]["paths"], 2000);
    for key in ["rating", "reasons", "warnings", "headline", "periods"] {
        assert!(summary.get(key).is_some(), "summary.json lacks {key}");
    }
    let h = &summary["headline"];
    for key in [
        "p_break_even",
        "p_break_even_se",
        "p_target_met_year1",
        "p_meets_claim",
        "claim_gap",
        "expected_shortfall_5",
        "break_even_year",
        "plan_claim",
    ] {
        assert!(h.get(key).is_some(), "headline lacks {key}");
    }
    for key in [
        "mean", "sd", "se", "p1", "p5", "p10", "p25", "p50", "p75", "p90", "p95", "p99",
    ] {
        assert!(
            h["cum_net_horizon"].get(key).is_some(),
            "cum_net_horizon lacks {key}"
        );
    }
    let csv = std::fs::read_to_string(out_dir.join("percentiles.csv")).expect("csv");
    assert!(csv.starts_with("period,label,quantity,statistic,value\n"));
    assert!(csv.contains(",2015/16 Q1,cum_net,p50,"));
    let paths = std::fs::read_to_string(out_dir.join("paths.csv")).expect("csv");
    assert_eq!(paths.lines().count(), 2001, "header + one row per path");
    // No staging directory is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(&dir.0)
        .expect("read dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("partial"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn one_and_two_threads_give_identical_tables() {
    let dir = TempDir::new("threads");
    let mut tables = Vec::new();
    for threads in ["1", "2"] {
        let o = dir.join(threads);
        let out = carefund(
            &[
                "run",
                swindon().to_str().expect("utf-8"),
                "--paths",
                "3000",
                "--seed",
                "11",
                "--threads",
                threads,
                "--out",
                o.to_str().expect("utf-8"),
            ],
            &dir.0,
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        tables.push((
            std::fs::read(o.join("percentiles.csv")).expect("csv"),
            std::fs::read(o.join("paths.csv")).expect("csv"),
        ));
    }
    assert!(
        tables[0] == tables[1],
        "outputs differ between 1 and 2 threads"
    );
}

/// `--paths-file none` writes every output but the per-path table, and the same bytes
/// as the default (`csv`) run.
#[test]
fn paths_file_none_skips_only_the_paths_table() {
    let dir = TempDir::new("paths-file");
    let mut outputs = Vec::new();
    for choice in ["csv", "none"] {
        let o = dir.join(choice);
        let out = carefund(
            &[
                "run",
                swindon().to_str().expect("utf-8"),
                "--paths",
                "1500",
                "--paths-file",
                choice,
                "--format",
                "svg",
                "--out",
                o.to_str().expect("utf-8"),
            ],
            &dir.0,
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        outputs.push(o);
    }
    assert!(outputs[0].join("paths.csv").exists());
    assert!(!outputs[1].join("paths.csv").exists());
    for f in ["summary.json", "percentiles.csv", "fan.svg"] {
        assert_eq!(
            std::fs::read(outputs[0].join(f)).expect("csv run"),
            std::fs::read(outputs[1].join(f)).expect("none run"),
            "{f}"
        );
    }
}

/// `--threads 0` and a count above the cap (at most 1,024 on any machine) are bad
/// input, for every command that has `--threads`, and say what is allowed; nothing is
/// written.
#[test]
fn threads_zero_or_above_the_cap_exit_2_stating_the_bound() {
    let dir = TempDir::new("threads-cap");
    let s = swindon();
    let s = s.to_str().expect("utf-8");
    let areas = root().join("data/national/areas-synthetic.csv");
    let template = root().join("data/national/england-2015.toml");
    let (areas, template) = (
        areas.to_str().expect("utf-8"),
        template.to_str().expect("utf-8"),
    );
    let o = dir.join("out");
    let o = o.to_str().expect("utf-8");
    for threads in ["0", "1025", "100000"] {
        for args in [
            vec!["run", s, "--paths", "100", "--out", o],
            vec!["stress", s, "--paths", "100", "--out", o],
            vec!["sensitivity", s, "--paths", "100", "--out", o],
            vec!["sensitivity", s, "--method", "sobol", "--out", o],
            vec![
                "national",
                "--areas",
                areas,
                "--template",
                template,
                "--paths",
                "100",
                "--out",
                o,
            ],
            vec![
                "twoway",
                s,
                "--x",
                "costs.cashable_share_long=0.3:0.9:2",
                "--y",
                "scheme.Reablement and intermediate care.effect=0:0.04:2",
                "--paths",
                "100",
                "--out",
                o,
            ],
        ] {
            let mut args = args.clone();
            args.extend(["--threads", threads]);
            let what = args.join(" ");
            let out = carefund(&args, &dir.0);
            let err = assert_clean_failure(&out, &what);
            assert!(
                err.contains("--threads must be between 1 and "),
                "{what}: {err}"
            );
            assert!(!dir.join("out").exists(), "{what}: wrote {o}");
        }
    }
}

#[test]
fn json_flag_prints_summary_json() {
    let dir = TempDir::new("json");
    let out = carefund(
        &[
            "run",
            swindon().to_str().expect("utf-8"),
            "--paths",
            "500",
            "--json",
            "--out",
            dir.join("o").to_str().expect("utf-8"),
        ],
        &dir.0,
    );
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_eq!(v["meta"]["paths"], 500);
}

#[test]
fn default_output_directory_is_named_after_the_scenario() {
    let dir = TempDir::new("default-out");
    let out = carefund(
        &["run", swindon().to_str().expect("utf-8"), "--paths", "200"],
        &dir.0,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(dir.join("carefund-out/swindon-2015/summary.json").is_file());
}

#[test]
fn bad_scenario_exits_2_with_one_line_and_writes_nothing() {
    let dir = TempDir::new("bad");
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "[scenario]\nname = \"x\"\nhorizon_years = \"five\"\n").expect("write");
    let out_dir = dir.join("out");
    let out = carefund(
        &[
            "run",
            bad.to_str().expect("utf-8"),
            "--out",
            out_dir.to_str().expect("utf-8"),
        ],
        &dir.0,
    );
    let err = assert_clean_failure(&out, "horizon_years = \"five\"");
    assert!(err.contains("bad.toml:3:17"), "{err}");
    assert!(err.contains("scenario.horizon_years"), "{err}");
    assert!(!out_dir.exists(), "no output directory for bad input");
}

#[test]
fn file_problems_are_bad_input() {
    let dir = TempDir::new("files");
    let missing = dir.join("missing.toml");
    let err = assert_clean_failure(
        &carefund(&["check", missing.to_str().expect("utf-8")], &dir.0),
        "missing file",
    );
    assert!(err.contains("no such file"), "{err}");
    let err = assert_clean_failure(
        &carefund(&["check", dir.0.to_str().expect("utf-8")], &dir.0),
        "directory",
    );
    assert!(err.contains("is a directory"), "{err}");
    let binary = dir.join("binary.toml");
    std::fs::write(&binary, [0xff, 0xfe, 0x00, 0x01]).expect("write");
    let err = assert_clean_failure(
        &carefund(&["check", binary.to_str().expect("utf-8")], &dir.0),
        "binary",
    );
    assert!(err.contains("not a text file"), "{err}");
    let empty = dir.join("empty.toml");
    std::fs::write(&empty, "").expect("write");
    let err = assert_clean_failure(
        &carefund(&["check", empty.to_str().expect("utf-8")], &dir.0),
        "empty",
    );
    assert!(err.contains("missing section"), "{err}");
}

#[test]
fn absurd_path_counts_are_bad_input() {
    let dir = TempDir::new("paths");
    for paths in ["0", "1000000000000"] {
        let out = carefund(
            &[
                "run",
                swindon().to_str().expect("utf-8"),
                "--paths",
                paths,
                "--out",
                dir.join("o").to_str().expect("utf-8"),
            ],
            &dir.0,
        );
        let err = assert_clean_failure(&out, paths);
        assert!(err.contains("paths"), "{err}");
        assert!(!dir.join("o").exists());
    }
}

#[test]
fn check_reports_warnings_without_simulating() {
    let dir = TempDir::new("check");
    let out = carefund(&["check", swindon().to_str().expect("utf-8")], &dir.0);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(s.contains(": OK"), "{s}");
}

#[test]
fn init_writes_a_valid_scenario_and_refuses_to_overwrite() {
    let dir = TempDir::new("init");
    let p = dir.join("mine.toml");
    let ps = p.to_str().expect("utf-8");
    assert!(carefund(&["init", ps], &dir.0).status.success());
    let out = carefund(&["check", ps], &dir.0);
    assert!(
        out.status.success(),
        "the example must check: {}",
        text(&out.stderr)
    );
    assert_clean_failure(
        &carefund(&["init", ps], &dir.0),
        "init over an existing file",
    );
    assert!(carefund(&["init", ps, "--force"], &dir.0).status.success());
}

#[test]
fn every_shipped_scenario_checks_and_runs() {
    let dir = TempDir::new("shipped");
    let scenarios = root().join("data/scenarios");
    let mut n = 0;
    for entry in std::fs::read_dir(&scenarios).expect("data/scenarios") {
        let p = entry.expect("entry").path();
        if p.extension().is_some_and(|e| e == "toml" || e == "xlsx") {
            let ps = p.to_str().expect("utf-8");
            let out = carefund(
                &[
                    "run",
                    ps,
                    "--paths",
                    "300",
                    "--out",
                    dir.join("o").to_str().expect("utf-8"),
                ],
                &dir.0,
            );
            assert!(out.status.success(), "{ps}: {}", text(&out.stderr));
            n += 1;
        }
    }
    assert!(n >= 1, "no shipped scenarios found");
}

#[test]
fn help_lists_the_subcommands() {
    let out = carefund(&["--help"], &root());
    let s = text(&out.stdout);
    for cmd in ["run", "check", "init"] {
        assert!(s.contains(cmd), "{s}");
    }
}

#[test]
fn readme_lists_every_subcommand_of_help() {
    let out = carefund(&["--help"], &root());
    let help = text(&out.stdout);
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let commands = readme
        .split("## Commands")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("README has a Commands section");
    let listed: Vec<&str> = help
        .split("Commands:")
        .nth(1)
        .expect("help lists commands")
        .lines()
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(listed.len() >= 8, "{listed:?}");
    for c in listed {
        assert!(
            commands.contains(&format!("carefund {c} ")),
            "README's Commands section lacks `carefund {c}`"
        );
    }
}
