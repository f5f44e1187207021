//! End-to-end tests of `carefund sensitivity`, `carefund run --sampling lhs` and
//! `carefund run --target-se`, run as a user would.

use std::path::Path;

mod common;
use common::{TempDir, carefund, text};

fn swindon() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/scenarios/swindon-2015.toml")
        .to_string_lossy()
        .into_owned()
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).expect("file exists")).expect("valid JSON")
}

#[test]
fn sensitivity_writes_charts_and_tables() {
    let dir = TempDir::new("all");
    let out = carefund(
        &[
            "sensitivity",
            &swindon(),
            "--paths",
            "300",
            "--sobol-rows",
            "64",
            "--bootstrap",
            "20",
            "--seed",
            "3",
        ],
        &dir.0,
    );
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    assert!(stdout.contains("Spearman rank correlation"), "{stdout}");
    assert!(stdout.contains("Sobol indices"), "{stdout}");
    // The default output directory.
    let out_dir = dir.join("carefund-out/swindon-2015/sensitivity");
    for f in [
        "sensitivity.json",
        "tornado.csv",
        "tornado.png",
        "swing.csv",
        "swing.png",
        "sobol.csv",
        "sobol.png",
    ] {
        assert!(out_dir.join(f).is_file(), "missing {f}");
    }
    let png = std::fs::read(out_dir.join("tornado.png")).expect("png");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let report = json(&out_dir.join("sensitivity.json"));
    assert_eq!(report["seed"], 3);
    assert_eq!(report["output"], "cum_net");
    let inputs = report["tornado"]["inputs"].as_array().expect("inputs");
    // Swindon has 36 uncertain inputs (7 schemes' effects, ramps, successes, overruns and
    // new-money shares, and 4 more); every one has a row, sorted by |ρ|.
    assert_eq!(inputs.len(), 36);
    let rho = |i: usize| inputs[i]["rho"].as_f64().expect("number").abs();
    assert!((1..inputs.len()).all(|i| rho(i - 1) >= rho(i)));
    let csv = std::fs::read_to_string(out_dir.join("swing.csv")).expect("csv");
    assert!(csv.starts_with("rank,input,label,p10_value,p90_value,mean_at_p10"));
    assert_eq!(csv.lines().count(), 37, "header and 36 inputs");
    let sobol = std::fs::read_to_string(out_dir.join("sobol.csv")).expect("csv");
    assert_eq!(sobol.lines().count(), 37, "header and 36 inputs");
}

#[test]
fn sensitivity_single_method_and_svg() {
    let dir = TempDir::new("one");
    let out_dir = dir.join("o");
    let out = carefund(
        &[
            "sensitivity",
            &swindon(),
            "--method",
            "tornado",
            "--output",
            "avoided",
            "--paths",
            "300",
            "--format",
            "svg",
            "--out",
            out_dir.to_str().expect("utf-8"),
        ],
        &dir.0,
    );
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    assert!(out_dir.join("tornado.svg").is_file());
    assert!(!out_dir.join("swing.csv").exists() && !out_dir.join("sobol.csv").exists());
    let svg = std::fs::read_to_string(out_dir.join("tornado.svg")).expect("svg");
    assert!(svg.contains("Which assumptions matter"));
    assert_eq!(json(&out_dir.join("sensitivity.json"))["output"], "avoided");
}

#[test]
fn sensitivity_bad_options_fail_cleanly() {
    let dir = TempDir::new("bad");
    let out = carefund(
        &[
            "sensitivity",
            &swindon(),
            "--method",
            "sobol",
            "--sobol-rows",
            "3",
        ],
        &dir.0,
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.starts_with("error: --sobol-rows must be between 16 and 100000 (got 3)"),
        "{err}"
    );
    assert!(
        !dir.join("carefund-out").exists(),
        "nothing is written on error"
    );
}

#[test]
fn run_with_latin_hypercube_records_it() {
    let dir = TempDir::new("lhs");
    let out_dir = dir.join("o");
    let out = carefund(
        &[
            "run",
            &swindon(),
            "--paths",
            "500",
            "--sampling",
            "lhs",
            "--out",
            out_dir.to_str().expect("utf-8"),
        ],
        &dir.0,
    );
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let summary = json(&out_dir.join("summary.json"));
    assert_eq!(summary["meta"]["sampling"], "latin-hypercube");
    assert!(summary["meta"].get("convergence").is_none());

    // And --target-se refuses LHS with one clear line.
    let out = carefund(
        &[
            "run",
            &swindon(),
            "--sampling",
            "lhs",
            "--target-se",
            "0.01",
        ],
        &dir.0,
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("Latin hypercube"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}

#[test]
fn run_with_target_se_reports_the_paths_used() {
    let dir = TempDir::new("target");
    let out_dir = dir.join("o");
    let out = carefund(
        &[
            "run",
            &swindon(),
            "--paths",
            "256",
            "--target-se",
            "100000",
            "--target-metric",
            "mean-cum-net",
            "--max-paths",
            "20000",
            "--out",
            out_dir.to_str().expect("utf-8"),
        ],
        &dir.0,
    );
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    assert!(stdout.contains("target SE reached with"), "{stdout}");
    let meta = &json(&out_dir.join("summary.json"))["meta"];
    let c = &meta["convergence"];
    // Swindon never breaks even (p_break_even = 0, SE 0), so target the mean's SE.
    assert_eq!(c["metric"], "mean_cum_net");
    assert_eq!(c["reached"], true);
    assert!(c["achieved_se"].as_f64().expect("number") <= 100_000.0);
    assert_eq!(c["paths"], meta["paths"]);
    assert!(meta["paths"].as_u64().expect("number") > 256);
}

/// Issue 16: the workbook's swing table carries the change from the base at each input's
/// P10 and P90, the columns its native tornado chart is drawn from.
#[test]
fn sensitivity_workbook_has_the_swing_tornado_columns() {
    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    let dir = TempDir::new("swing-xlsx");
    let out = carefund(
        &[
            "sensitivity",
            &swindon(),
            "--method",
            "swing",
            "--paths",
            "300",
            "--out",
            "out",
            "--xlsx",
            "book.xlsx",
        ],
        &dir.0,
    );
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let report = json(&dir.join("out/sensitivity.json"));
    let base = report["swing"]["base_mean"].as_f64().expect("base mean");
    let book = std::fs::read(dir.join("book.xlsx")).expect("workbook written");
    let mut wb: Xlsx<_> =
        open_workbook_from_rs(std::io::Cursor::new(book)).expect("the workbook opens");
    let sheet = wb
        .worksheet_range("Sensitivity")
        .expect("a Sensitivity sheet");
    let rows: Vec<&[Data]> = sheet.rows().collect();
    let header = rows
        .iter()
        .position(|r| {
            r.iter()
                .any(|c| matches!(c, Data::String(s) if s == "at P10 − base"))
        })
        .expect("a swing table with the change from the base");
    let col = |name: &str| {
        rows[header]
            .iter()
            .position(|c| matches!(c, Data::String(s) if s == name))
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let num = |c: &Data| match c {
        Data::Float(v) => *v,
        other => panic!("not a number: {other:?}"),
    };
    let (at_p10, at_p90) = (col("mean at P10"), col("mean at P90"));
    let (d10, d90) = (col("at P10 − base"), col("at P90 − base"));
    let inputs = report["swing"]["inputs"].as_array().expect("inputs");
    for r in &rows[header + 1..header + 1 + inputs.len()] {
        for (mean, delta) in [(at_p10, d10), (at_p90, d90)] {
            let want = num(&r[mean]) - base;
            assert!(
                (num(&r[delta]) - want).abs() <= 1e-6 * want.abs().max(1.0),
                "{:?}: {} vs {want}",
                r[0],
                num(&r[delta])
            );
        }
    }
}
