//! End-to-end tests of `carefund twoway`, run as a user would.

use std::path::Path;

mod common;

use common::{TempDir, carefund};

fn swindon() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/scenarios/swindon-2015.toml")
        .to_string_lossy()
        .into_owned()
}

const X: &str = "scheme.Reablement and intermediate care.effect=0:0.04:3";
const Y: &str = "costs.cashable_share_long=0.3:0.9:2";

#[test]
fn twoway_writes_grid_and_heatmap() {
    let dir = TempDir::new("ok");
    let s = swindon();
    let out = carefund(
        &[
            "twoway", &s, "--x", X, "--y", Y, "--paths", "200", "--metric", "mean_npv", "--format",
            "both", "--out", "tw",
        ],
        &dir.0,
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("Mean NPV of system net"), "{stdout}");
    for f in ["twoway.csv", "twoway.json", "twoway.png", "twoway.svg"] {
        assert!(dir.0.join("tw").join(f).is_file(), "{f} missing");
    }
    let csv = std::fs::read_to_string(dir.0.join("tw/twoway.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 6, "{csv}");
    assert!(csv.starts_with(
        "scheme.Reablement and intermediate care.effect,costs.cashable_share_long,mean_npv,mean_npv_se\n"
    ));
}

#[test]
fn bad_axis_specs_exit_2_and_write_nothing() {
    let dir = TempDir::new("bad");
    let s = swindon();
    let cases: [(&str, &str, &str); 5] = [
        ("scheme.Reablement.effect=0:0.04:9", Y, "did you mean"),
        (
            X,
            "costs.cashable_share_long=0.9:0.3:7",
            "LO must not exceed HI",
        ),
        (X, "costs.cashable_share_long=0.3:0.9", "three numbers"),
        (X, "costs.cashable_share_long=0.3:2:7", "allowed values"),
        (
            X,
            "scheme.Reablement and intermediate care.effect=0:0.04:3",
            "different inputs",
        ),
    ];
    for (x, y, expect) in cases {
        let out = carefund(
            &[
                "twoway", &s, "--x", x, "--y", y, "--paths", "50", "--out", "tw",
            ],
            &dir.0,
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{x} {y}: {err}");
        assert!(err.starts_with("error: ") && err.contains(expect), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(!dir.0.join("tw").exists(), "nothing is written on error");
    }
}
