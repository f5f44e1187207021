//! Outputs (issue 8): a failed write or an interrupted run leaves the previous outputs
//! intact and no partial files; `summary.json`'s `meta` records enough to reproduce a run
//! bit for bit.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::{TempDir, carefund};

fn swindon() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/scenarios/swindon-2015.toml")
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn run_ok(scenario: &Path, out: &Path, extra: &[&str], cwd: &Path) {
    // SVG charts: PNG encoding is slow in debug builds and not what is tested here.
    let mut args = vec!["run", s(scenario), "--format", "svg", "--out", s(out)];
    args.extend_from_slice(extra);
    let o = carefund(&args, cwd);
    assert!(
        o.status.success(),
        "run failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Every file under `dir` (relative name → bytes), directories as `name/`.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).expect("read dir") {
            let p = e.expect("entry").path();
            let rel = p
                .strip_prefix(dir)
                .expect("under dir")
                .display()
                .to_string();
            if p.is_dir() {
                out.insert(format!("{rel}/"), Vec::new());
                stack.push(p);
            } else {
                out.insert(rel, fs::read(&p).expect("read file"));
            }
        }
    }
    out
}

/// Names in `dir` that are staging or set-aside directories of a write.
fn side_dirs(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".partial-") || n.contains(".previous-"))
        .collect()
}

#[test]
fn an_output_path_under_a_regular_file_fails_before_simulating_and_writes_nothing() {
    let dir = TempDir::new("under-file");
    let blocker = dir.join("results");
    fs::write(&blocker, "not a directory").expect("write");
    let before = snapshot(&dir.0);
    let out_dir = blocker.join("swindon");
    let started = Instant::now();
    // A million paths would take minutes: the refusal must come before the simulation.
    let o = carefund(
        &[
            "run",
            s(&swindon()),
            "--paths",
            "1000000",
            "--out",
            s(&out_dir),
        ],
        &dir.0,
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "refused only after simulating"
    );
    assert!(err.contains("results is a file"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(snapshot(&dir.0), before, "nothing may be written");
}

#[test]
fn a_write_that_fails_midway_puts_the_previous_outputs_back() {
    let dir = TempDir::new("midway");
    let out_dir = dir.join("out");
    run_ok(
        &swindon(),
        &out_dir,
        &["--paths", "300", "--seed", "1"],
        &dir.0,
    );
    // Make the third file impossible to replace: paths.csv becomes a directory. The
    // writer has by then moved the new summary.json and percentiles.csv in.
    fs::remove_file(out_dir.join("paths.csv")).expect("remove");
    fs::create_dir(out_dir.join("paths.csv")).expect("mkdir");
    fs::write(out_dir.join("paths.csv/keep.txt"), "user data").expect("write");
    let before = snapshot(&dir.0);

    let o = carefund(
        &[
            "run",
            s(&swindon()),
            "--paths",
            "300",
            "--seed",
            "2",
            "--format",
            "svg",
            "--out",
            s(&out_dir),
        ],
        &dir.0,
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_ne!(o.status.code(), Some(0), "the write must fail");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.starts_with("error: nothing was written to"), "{err}");
    assert!(
        err.contains("paths.csv") && err.contains("is a directory"),
        "{err}"
    );
    assert_eq!(
        snapshot(&dir.0),
        before,
        "the outputs of the first run (seed 1) must be exactly as they were"
    );
    assert!(side_dirs(&dir.0).is_empty());
}

#[test]
fn an_interrupted_run_leaves_the_previous_outputs_intact() {
    let dir = TempDir::new("interrupt");
    // One year in one period keeps memory small while many paths keep the run busy.
    let scenario = dir.join("small.toml");
    let text = fs::read_to_string(swindon())
        .expect("read")
        .replace("horizon_years = 5", "horizon_years = 1")
        .replace("periods_per_year = 4", "periods_per_year = 1");
    fs::write(&scenario, text).expect("write");
    let out_dir = dir.join("out");
    run_ok(&scenario, &out_dir, &["--paths", "200"], &dir.0);
    let before = snapshot(&dir.0);

    for signal in ["INT", "TERM"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_carefund"))
            .args([
                "run",
                s(&scenario),
                "--paths",
                "3000000",
                "--threads",
                "1",
                "--out",
                s(&out_dir),
            ])
            .current_dir(&dir.0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(Duration::from_millis(700));
        assert!(
            child.try_wait().expect("try_wait").is_none(),
            "the run must still be going when it is interrupted (make it longer)"
        );
        let killed = Command::new("kill")
            .args([format!("-{signal}"), child.id().to_string()])
            .status()
            .expect("kill");
        assert!(killed.success());
        let status = child.wait().expect("wait");
        assert!(!status.success(), "SIG{signal}: the run must not finish");
        assert_eq!(snapshot(&dir.0), before, "SIG{signal}: outputs changed");
        assert!(
            side_dirs(&dir.0).is_empty(),
            "SIG{signal}: partial files left"
        );
    }
}

#[test]
fn a_write_killed_midway_is_repaired_by_the_next_run() {
    // Simulate a process killed between moving an earlier file aside and moving the new
    // one in: its side directories are left, with a process id that no longer runs.
    let dir = TempDir::new("abandoned");
    let out_dir = dir.join("out");
    run_ok(&swindon(), &out_dir, &["--paths", "200"], &dir.0);
    let dead = "4000000000"; // above any Linux pid_max
    let aside = dir.join(&format!(".out.previous-{dead}"));
    fs::create_dir(&aside).expect("mkdir");
    fs::rename(out_dir.join("paths.csv"), aside.join("paths.csv")).expect("move aside");
    let staging = dir.join(&format!(".out.partial-{dead}"));
    fs::create_dir(&staging).expect("mkdir");
    fs::write(staging.join("summary.json"), "{ half").expect("write");

    // The next run into the same directory cleans up and writes a full set.
    run_ok(&swindon(), &out_dir, &["--paths", "250"], &dir.0);
    assert!(side_dirs(&dir.0).is_empty(), "{:?}", side_dirs(&dir.0));
    let v: serde_json::Value =
        serde_json::from_slice(&fs::read(out_dir.join("summary.json")).expect("read"))
            .expect("json");
    assert_eq!(v["meta"]["paths"], 250);
    assert!(out_dir.join("paths.csv").is_file());
}

#[test]
fn the_recorded_meta_reproduces_the_tables_bit_for_bit_on_any_thread_count() {
    let dir = TempDir::new("provenance");
    let first = dir.join("first");
    run_ok(
        &swindon(),
        &first,
        &["--paths", "2500", "--seed", "99", "--threads", "1"],
        &dir.0,
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&fs::read(first.join("summary.json")).expect("read")).expect("json");
    let meta = &summary["meta"];
    for key in [
        "carefund_version",
        "scenario_hash",
        "seed",
        "paths",
        "threads",
        "sampling",
    ] {
        assert!(!meta[key].is_null(), "meta.{key} must be recorded");
    }
    assert_eq!(meta["carefund_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(meta["threads"], 1);
    let seed = meta["seed"].to_string();
    let paths = meta["paths"].to_string();

    // Rerun from what meta recorded, on 2 threads.
    let again = dir.join("again");
    run_ok(
        &swindon(),
        &again,
        &["--paths", &paths, "--seed", &seed, "--threads", "2"],
        &dir.0,
    );
    for table in ["percentiles.csv", "paths.csv"] {
        assert!(
            fs::read(first.join(table)).expect("read")
                == fs::read(again.join(table)).expect("read"),
            "{table} differs on a rerun from the recorded meta"
        );
    }
    let mut a: serde_json::Value =
        serde_json::from_slice(&fs::read(again.join("summary.json")).expect("read")).expect("json");
    assert_eq!(a["meta"]["threads"], 2);
    a["meta"]["threads"] = meta["threads"].clone();
    assert_eq!(a, summary, "summary.json differs beyond meta.threads");

    // The hash identifies the file: one changed byte changes it.
    let edited = dir.join("edited.toml");
    let text = fs::read_to_string(swindon()).expect("read");
    fs::write(
        &edited,
        text.replacen("name = \"Swindon", "name = \"swindon", 1),
    )
    .expect("write");
    let other = dir.join("other");
    run_ok(&edited, &other, &["--paths", "10"], &dir.0);
    let b: serde_json::Value =
        serde_json::from_slice(&fs::read(other.join("summary.json")).expect("read")).expect("json");
    assert_ne!(b["meta"]["scenario_hash"], meta["scenario_hash"]);
}
