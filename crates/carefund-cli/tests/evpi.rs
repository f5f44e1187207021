//! End-to-end test of `carefund run --evpi`.

use std::path::Path;
use std::process::Command;

#[test]
fn run_evpi_prints_one_line_and_saves_it() {
    let dir = std::env::temp_dir().join(format!("carefund-evpi-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let scenario =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/scenarios/valencia-alzira.toml");
    let run = |evpi: bool, out: &str| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_carefund"));
        c.arg("run")
            .arg(&scenario)
            .args(["--paths", "300", "--out"])
            .arg(dir.join(out));
        if evpi {
            c.arg("--evpi");
        }
        c.output().expect("run carefund")
    };
    let out = run(true, "a");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout
            .lines()
            .filter(|l| l.starts_with("EVPI, fund vs do nothing"))
            .count(),
        1,
        "{stdout}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("a/summary.json")).unwrap()).unwrap();
    let e = &json["headline"]["evpi"];
    assert!(
        e["evpi"].as_f64().unwrap() > 0.0 && e["se"].as_f64().unwrap() > 0.0,
        "{e}"
    );
    // Without --evpi, summary.json has no evpi.
    let out = run(false, "b");
    assert!(out.status.success());
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("b/summary.json")).unwrap()).unwrap();
    assert!(json["headline"].get("evpi").is_none());
    let _ = std::fs::remove_dir_all(&dir);
}
