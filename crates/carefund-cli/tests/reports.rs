//! `carefund run --xlsx FILE --report FILE.html`, run as a user would; the HTML report
//! rendered by a real browser where Debian's `chromium` is installed.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::{TempDir, carefund, text};

fn swindon() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/scenarios/swindon-2015.toml")
        .to_str()
        .expect("utf-8 path")
        .to_string()
}

/// Run Swindon with both reports into `dir`; returns (workbook, html) paths.
fn run_with_reports(dir: &TempDir) -> (PathBuf, PathBuf) {
    let out = carefund(
        &[
            "run",
            &swindon(),
            "--paths",
            "500",
            "--out",
            "out",
            "--xlsx",
            "swindon.xlsx",
            "--report",
            "reports/swindon.html",
        ],
        &dir.0,
    );
    assert!(
        out.status.success(),
        "carefund run failed: {}",
        text(&out.stderr)
    );
    let stdout = text(&out.stdout);
    assert!(stdout.contains("wrote swindon.xlsx"), "{stdout}");
    assert!(stdout.contains("wrote reports/swindon.html"), "{stdout}");
    (dir.join("swindon.xlsx"), dir.join("reports/swindon.html"))
}

#[test]
fn run_writes_the_workbook_and_the_html_report() {
    let dir = TempDir::new("both");
    let (xlsx, html) = run_with_reports(&dir);
    let book = std::fs::read(&xlsx).expect("workbook written");
    assert_eq!(&book[..4], b"PK\x03\x04", "an xlsx is a zip");
    let page = std::fs::read_to_string(&html).expect("report written");
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<h1>Swindon Better Care Fund 2015/16</h1>"));
    assert!(page.contains("500 simulated futures"));
    // The usual outputs are still written, and no staging file is left behind.
    assert!(dir.join("out/summary.json").exists());
    for d in [&dir.0, &dir.join("reports")] {
        for entry in std::fs::read_dir(d).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            assert!(!name.contains(".partial-"), "staging file left: {name}");
        }
    }
}

#[test]
fn a_report_path_that_is_a_directory_is_bad_input_and_writes_nothing() {
    let dir = TempDir::new("dir");
    std::fs::create_dir_all(dir.join("taken.html")).unwrap();
    let out = carefund(
        &[
            "run",
            &swindon(),
            "--paths",
            "50",
            "--out",
            "out",
            "--report",
            "taken.html",
        ],
        &dir.0,
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.starts_with("error: --report taken.html: is a directory"),
        "{err}"
    );
    assert!(!dir.join("out").exists(), "nothing may be written");
}

/// Renders the HTML report with headless Chromium and checks the page is not blank.
/// Runs only where Debian's `chromium` is installed (`.ci/run` installs it).
#[test]
fn html_report_renders_in_chromium() {
    let chromium = Path::new("/usr/bin/chromium");
    if !chromium.exists() {
        eprintln!("skipped: /usr/bin/chromium is not installed");
        return;
    }
    let dir = TempDir::new("chromium");
    let (_, html) = run_with_reports(&dir);
    let png = dir.join("shot.png");
    let profile = dir.join("profile");
    let out = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            &format!("--user-data-dir={}", profile.display()),
            &format!("--screenshot={}", png.display()),
            "--window-size=1200,1600",
            &format!("file://{}", html.display()),
        ])
        .output()
        .expect("run chromium");
    assert!(
        png.exists(),
        "chromium wrote no screenshot: {}",
        text(&out.stderr)
    );
    let bytes = std::fs::read(&png).expect("read the screenshot");
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("a size")];
    let frame = reader.next_frame(&mut buf).expect("a PNG");
    assert_eq!((frame.width, frame.height), (1200, 1600));
    assert_eq!(frame.bit_depth, png::BitDepth::Eight);
    let channels = frame.color_type.samples();
    assert!(channels >= 3, "a colour screenshot");
    let pixels: Vec<&[u8]> = buf[..frame.buffer_size()].chunks(channels).collect();
    let total = pixels.len();
    let ink = pixels
        .iter()
        .filter(|p| p[..3].iter().any(|&c| c < 200))
        .count();
    // The verdict box has a bar in its rating's colour: the page rendered its CSS.
    let page = std::fs::read_to_string(&html).expect("the report");
    let (class, bar) = common::verdict_bar_pixels(&page, &pixels);
    assert!(
        ink * 100 > total,
        "page looks blank: {ink} of {total} pixels are dark"
    );
    assert!(bar > 1_000, "no `{class}` verdict bar ({bar} pixels)");
}

#[test]
fn stress_writes_the_workbook_and_the_html_report_with_a_stress_section() {
    let dir = TempDir::new("stress");
    let out = carefund(
        &[
            "stress",
            &swindon(),
            "--paths",
            "300",
            "--out",
            "o",
            "--xlsx",
            "s.xlsx",
            "--report",
            "s.html",
        ],
        &dir.0,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let html = std::fs::read_to_string(dir.0.join("s.html")).expect("html written");
    assert!(html.contains("id=\"stress\""), "no stress section");
    assert!(html.contains("Effects halved"));
    let book = std::fs::read(dir.0.join("s.xlsx")).expect("xlsx written");
    assert_eq!(&book[..2], b"PK", "an xlsx is a zip file");
}

#[test]
fn compare_and_sensitivity_write_reports_with_their_sections() {
    let dir = TempDir::new("compare-sensitivity");
    let slow = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/scenarios/swindon-2015-slow-ramps.toml")
        .display()
        .to_string();
    let out = carefund(
        &[
            "compare",
            &swindon(),
            &slow,
            "--paths",
            "300",
            "--out",
            "c",
            "--xlsx",
            "c.xlsx",
            "--report",
            "c.html",
        ],
        &dir.0,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let html = std::fs::read_to_string(dir.0.join("c.html")).expect("html written");
    assert!(html.contains("id=\"comparison\""), "no comparison section");
    assert_eq!(
        &std::fs::read(dir.0.join("c.xlsx")).expect("xlsx")[..2],
        b"PK"
    );
    let out = carefund(
        &[
            "sensitivity",
            &swindon(),
            "--paths",
            "200",
            "--sobol-rows",
            "64",
            "--bootstrap",
            "20",
            "--out",
            "s",
            "--xlsx",
            "s.xlsx",
            "--report",
            "s.html",
        ],
        &dir.0,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let html = std::fs::read_to_string(dir.0.join("s.html")).expect("html written");
    assert!(
        html.contains("id=\"sensitivity\""),
        "no sensitivity section"
    );
    assert!(html.contains("Sobol indices"));
    assert_eq!(
        &std::fs::read(dir.0.join("s.xlsx")).expect("xlsx")[..2],
        b"PK"
    );
}

/// Every file under `dir` (relative name → bytes).
fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir") {
            let p = e.expect("entry").path();
            let rel = p.strip_prefix(dir).expect("under").display().to_string();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(rel, std::fs::read(&p).expect("read"));
            }
        }
    }
    out
}

#[test]
fn a_report_that_cannot_be_written_commits_nothing() {
    let dir = TempDir::new("unwritable");
    let first = carefund(
        &[
            "run",
            &swindon(),
            "--paths",
            "100",
            "--format",
            "svg",
            "--out",
            "out",
        ],
        &dir.0,
    );
    assert!(first.status.success(), "{}", text(&first.stderr));
    let before = tree(&dir.0);
    // Nothing can be created in /proc, not even by root: the report's staging fails.
    let out = carefund(
        &[
            "run",
            &swindon(),
            "--paths",
            "150",
            "--format",
            "svg",
            "--out",
            "out",
            "--report",
            "/proc/carefund-test-report.html",
        ],
        &dir.0,
    );
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.starts_with("error: nothing was written to out"),
        "{err}"
    );
    assert!(err.contains("carefund-test-report.html"), "{err}");
    assert_eq!(
        tree(&dir.0),
        before,
        "the first run's outputs must stay as they were"
    );
}

#[test]
fn a_report_inside_the_output_directory_is_part_of_its_set() {
    let dir = TempDir::new("inside");
    let out = carefund(
        &[
            "run",
            &swindon(),
            "--paths",
            "100",
            "--format",
            "svg",
            "--out",
            "out",
            "--report",
            "out/report.html",
        ],
        &dir.0,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("out/manifest.json")).expect("manifest"))
            .expect("json");
    assert!(manifest["files"]["report.html"].is_string(), "{manifest}");
    assert!(dir.join("out/report.html").is_file());
    let names: Vec<String> = std::fs::read_dir(&dir.0)
        .expect("read")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["out"], "nothing beside the output directory");
}
