//! The Python package's pytest suite (python/tests), run from `cargo test`.
//!
//! Builds the package from the repository's files alone: a fresh virtual environment
//! under the target directory, `pip install ./python[test]` (maturin builds the wheel,
//! pip fetches numpy, pandas and pytest), then pytest, given this package's `carefund`
//! binary so that the suite can hold the package's results against the command's, byte
//! for byte. Without python3 (with `venv` and `ensurepip`) the test is skipped, saying
//! so, unless `CI` is set: then it fails.
//!
//! The wheel is built in its own cargo target directory (`target/tmp/python/cargo`), in
//! the release profile as `pip install` builds it for users: its build lock is not the
//! one this `cargo test` holds, and a second run only rebuilds what changed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/carefund-cli is two levels below the repository")
        .to_path_buf()
}

fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Runs `command`, panicking with everything it printed if it fails.
fn run(what: &str, command: &mut Command) -> Output {
    let started = Instant::now();
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("{what}: could not start {command:?}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed ({}):\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("{what}: {:.1} s", started.elapsed().as_secs_f64());
    out
}

#[test]
fn python_package_passes_its_pytest_suite() {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let probe = Command::new(&python)
        .args([
            "-c",
            "import sys, venv, ensurepip; assert sys.version_info >= (3, 9), sys.version",
        ])
        .output();
    let missing = match probe {
        Err(e) => Some(format!("{python} cannot be run: {e}")),
        Ok(o) if !o.status.success() => Some(format!(
            "{python} has no venv/ensurepip or is older than 3.9: {}",
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Ok(_) => None,
    };
    if let Some(reason) = missing {
        assert!(
            !in_ci(),
            "CI is set, so the Python package must be tested: {reason}"
        );
        eprintln!("skipped: the Python package is not tested: {reason}");
        return;
    }

    let root = repo();
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("python");
    let venv = work.join("venv");
    if venv.exists() {
        std::fs::remove_dir_all(&venv).expect("remove the old virtual environment");
    }
    run(
        "python3 -m venv",
        Command::new(&python).arg("-m").arg("venv").arg(&venv),
    );
    let venv_python = venv.join("bin").join("python");
    run(
        "pip install ./python[test]",
        Command::new(&venv_python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "./python[test]",
            ])
            .current_dir(&root)
            .env("CARGO_TARGET_DIR", work.join("cargo")),
    );
    let out = run(
        "pytest python/tests",
        Command::new(&venv_python)
            .args([
                "-m",
                "pytest",
                "python/tests",
                "-p",
                "no:cacheprovider",
                "-rs",
                "-s",
            ])
            .arg(format!("--basetemp={}", work.join("pytest").display()))
            .current_dir(&root)
            .env("CAREFUND_CLI", env!("CARGO_BIN_EXE_carefund")),
    );
    eprintln!("{}", String::from_utf8_lossy(&out.stdout));
}
