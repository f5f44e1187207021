//! End-to-end tests of `carefund stress`, `carefund reverse` and `carefund compare`.

use std::path::Path;
use std::process::Output;

mod common;
use common::{TempDir, carefund, text};

fn scenario(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/scenarios")
        .join(name)
        .to_str()
        .expect("utf-8 path")
        .to_string()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}; stderr: {}",
        out.status.code(),
        text(&out.stderr)
    );
    text(&out.stdout)
}

#[test]
fn stress_with_the_pack_prints_the_table_and_writes_files() {
    let dir = TempDir::new("stress");
    let out_dir = dir.join("out");
    let out = carefund(
        &[
            "stress",
            &scenario("swindon-2015.toml"),
            "--pack",
            "sceptical",
            "--paths",
            "400",
            "--out",
            out_dir.to_str().expect("utf-8"),
        ],
        &dir.0,
    );
    let stdout = ok(&out);
    for name in [
        "Base",
        "Effects halved",
        "Ramps doubled",
        "Demand growth +1 point",
        "Cashable share stays short-run",
        "Scheme costs +20%",
        "Largest scheme fails",
        "All together",
        "All pooled money counts as new",
        "ΔP(claim met)",
        "P(as cash)",
    ] {
        assert!(stdout.contains(name), "missing {name}: {stdout}");
    }
    for f in [
        "stress.json",
        "stress.csv",
        "stress-bars.png",
        "stress-fan.png",
    ] {
        assert!(out_dir.join(f).is_file(), "missing {f}");
    }
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("stress.json")).unwrap()).unwrap();
    assert_eq!(json["stresses"].as_array().map(Vec::len), Some(8));
    assert!(json["base"]["change"]["cum_net"]["se"].as_f64() == Some(0.0));
    let csv = std::fs::read_to_string(out_dir.join("stress.csv")).unwrap();
    assert_eq!(csv.lines().count(), 10, "header, base and 8 stresses");
}

#[test]
fn stress_defaults_to_the_sceptical_pack_and_writes_under_carefund_out() {
    let dir = TempDir::new("default");
    let out = carefund(
        &["stress", &scenario("swindon-2015.toml"), "--paths", "200"],
        &dir.0,
    );
    let stdout = ok(&out);
    assert!(stdout.contains("All together"), "{stdout}");
    assert!(
        dir.join("carefund-out/swindon-2015/stress/stress.json")
            .is_file()
    );
}

#[test]
fn a_bad_stress_file_is_one_line_exit_2_and_writes_nothing() {
    let dir = TempDir::new("bad");
    let bad = dir.join("bad.toml");
    std::fs::write(
        &bad,
        "[[stress]]\nname = \"typo\"\n[[stress.op]]\nselect = \"scheme.*.efect\"\nscale = 0.5\n",
    )
    .unwrap();
    let out_dir = dir.join("out");
    let out = carefund(
        &[
            "stress",
            &scenario("swindon-2015.toml"),
            "--with",
            bad.to_str().unwrap(),
            "--paths",
            "100",
            "--out",
            out_dir.to_str().unwrap(),
        ],
        &dir.0,
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.starts_with("error: ") && err.trim_end().lines().count() == 1,
        "{err}"
    );
    assert!(
        err.contains("bad.toml:3") && err.contains("matches no input"),
        "{err}"
    );
    assert!(err.contains("did you mean"), "{err}");
    assert!(!out_dir.exists(), "nothing written");

    std::fs::write(
        &bad,
        "[[stress]]\nname = \"x\"\n[[stress.op]]\nselect = \"demand.growth\"\nshifts = 0.01\n",
    )
    .unwrap();
    let out = carefund(
        &[
            "stress",
            &scenario("swindon-2015.toml"),
            "--with",
            bad.to_str().unwrap(),
        ],
        &dir.0,
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("bad.toml:5") && err.contains("did you mean `shift`"),
        "{err}"
    );
}

#[test]
fn reverse_reports_a_bracket_or_says_nothing_crosses() {
    let dir = TempDir::new("reverse");
    let out_dir = dir.join("out");
    let out = carefund(
        &[
            "reverse",
            &scenario("swindon-2015.toml"),
            "--factor",
            "scale scheme.*.effect",
            "--range",
            "0:2",
            "--paths",
            "200",
            "--out",
            out_dir.to_str().unwrap(),
        ],
        &dir.0,
    );
    let stdout = ok(&out);
    assert!(stdout.contains("NO factor in [0, 2]"), "{stdout}");
    assert!(out_dir.join("reverse.json").is_file());
    assert!(out_dir.join("reverse.csv").is_file());

    // A mean metric that does cross inside the range: mean cumulative net at −£20m
    // (about −£21.8m as planned; larger effects save more).
    let out = carefund(
        &[
            "reverse",
            &scenario("swindon-2015.toml"),
            "--factor",
            "scale scheme.*.effect",
            "--metric",
            "mean_cum_net",
            "--level",
            "-20000000",
            "--paths",
            "200",
            "--out",
            out_dir.to_str().unwrap(),
        ],
        &dir.0,
    );
    let stdout = ok(&out);
    assert!(stdout.contains("crosses -20000000 at scale ≈"), "{stdout}");

    let out = carefund(
        &[
            "reverse",
            &scenario("swindon-2015.toml"),
            "--factor",
            "stretch x",
        ],
        &dir.0,
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
}

#[test]
fn compare_two_shipped_scenarios() {
    let dir = TempDir::new("compare");
    let out_dir = dir.join("out");
    let out = carefund(
        &[
            "compare",
            &scenario("swindon-2015.toml"),
            &scenario("swindon-2015-slow-ramps.toml"),
            "--paths",
            "400",
            "--out",
            out_dir.to_str().unwrap(),
        ],
        &dir.0,
    );
    let stdout = ok(&out);
    assert!(stdout.contains("A − B:  P(A better)"), "{stdout}");
    for f in [
        "compare.json",
        "compare.csv",
        "compare-fan.png",
        "compare-difference.png",
    ] {
        assert!(out_dir.join(f).is_file(), "missing {f}");
    }
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("compare.json")).unwrap()).unwrap();
    // Faster ramps avoid more admissions on the same draws.
    assert!(json["pairs"][0]["avoided"]["mean"].as_f64().unwrap() > 0.0);

    let out = carefund(&["compare", &scenario("swindon-2015.toml")], &dir.0);
    assert_eq!(out.status.code(), Some(2), "one scenario is a usage error");
}
