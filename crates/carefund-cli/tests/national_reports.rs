//! `carefund national --xlsx FILE --report FILE.html`, run as a user would: the workbook
//! read back with calamine against `national.json`, the HTML page checked for its
//! structure and rendered by a real browser where Debian's `chromium` is installed.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::{Data, Range, Reader, Xlsx, open_workbook_from_rs};
use serde_json::Value;

mod common;
use common::{TempDir, carefund, root, text};

const AREAS: &str = "area,pooled,baseline_admissions,target_reduction\n\
                     Northtown,20000000,15000,0.03\n\
                     Midshire,35100000,22850,0.0307\n\
                     Southport,60000000,40000,0.02\n";

fn template() -> String {
    root()
        .join("data/national/england-2015.toml")
        .display()
        .to_string()
}

/// Run national on three areas with both reports; returns (workbook, page, out dir).
fn run_with_reports(dir: &TempDir) -> (PathBuf, PathBuf, PathBuf) {
    std::fs::write(dir.join("areas.csv"), AREAS).expect("write areas");
    let out = carefund(
        &[
            "national",
            "--areas",
            "areas.csv",
            "--template",
            &template(),
            "--paths",
            "50",
            "--seed",
            "7",
            "--out",
            "out",
            "--xlsx",
            "books/national.xlsx",
            "--report",
            "national.html",
        ],
        &dir.0,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("wrote books/national.xlsx"), "{stdout}");
    assert!(stdout.contains("wrote national.html"), "{stdout}");
    (
        dir.join("books/national.xlsx"),
        dir.join("national.html"),
        dir.join("out"),
    )
}

/// `meta.factors.effect_correlation`, `ratings[2].areas` …
fn json_at<'a>(v: &'a Value, path: &str) -> &'a Value {
    path.split('.')
        .fold(v, |v, part| match part.split_once('[') {
            Some((name, index)) => {
                let i: usize = index.trim_end_matches(']').parse().expect("an index");
                &v[name][i]
            }
            None => &v[part],
        })
}

fn float(d: &Data) -> f64 {
    match d {
        Data::Float(x) => *x,
        Data::Int(i) => *i as f64,
        other => panic!("expected a number, got {other:?}"),
    }
}

/// Equal up to the last bits (decimal text in the workbook, parsed back by calamine).
fn assert_same(got: f64, expected: f64, what: &str) {
    assert!(
        (got - expected).abs() <= 1e-14 * expected.abs().max(1.0),
        "{what}: workbook {got}, national.json {expected}"
    );
}

fn sheet(book: &[u8], name: &str) -> Range<Data> {
    let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(book.to_vec())).expect("opens");
    wb.worksheet_range(name).expect("the sheet")
}

#[test]
fn workbook_summary_and_areas_equal_national_json() {
    let dir = TempDir::new("figures");
    let (xlsx, _, out) = run_with_reports(&dir);
    let book = std::fs::read(&xlsx).expect("workbook written");
    let json: Value = serde_json::from_slice(
        &std::fs::read(out.join("national.json")).expect("national.json written"),
    )
    .expect("valid json");

    // Summary: every row that names a national.json key holds that key's value, and
    // its standard error column holds the matching `_se` / `.se`.
    let summary = sheet(&book, "Summary");
    let mut checked = 0;
    for row in summary.rows().skip(3) {
        let Some(Data::String(key)) = row.get(3) else {
            continue;
        };
        if key.starts_with('(') {
            continue;
        }
        let expected = json_at(&json, key);
        match expected {
            Value::String(s) => assert_eq!(row[1], Data::String(s.clone()), "{key}"),
            Value::Number(x) => assert_same(float(&row[1]), x.as_f64().expect("f64"), key),
            other => panic!("{key}: unexpected {other}"),
        }
        if !matches!(row[2], Data::Empty) {
            let se_key = match key.strip_suffix(".mean") {
                Some(stem) => format!("{stem}.se"),
                None => format!("{key}_se"),
            };
            let se = json_at(&json, &se_key).as_f64().expect("an SE in the json");
            assert_same(float(&row[2]), se, &se_key);
        }
        checked += 1;
    }
    assert!(checked >= 30, "only {checked} rows checked");
    assert_eq!(json["meta"]["seed"], 7);
    assert_eq!(json["meta"]["areas_hash"].as_str().map(str::len), Some(64));

    // Areas: one row per area, in file order, numbers equal to the json's.
    let areas = sheet(&book, "Areas");
    let list = json["areas"].as_array().expect("areas");
    assert_eq!(list.len(), 3);
    let header: Vec<String> = areas
        .rows()
        .next()
        .expect("a header")
        .iter()
        .map(ToString::to_string)
        .collect();
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    for (i, a) in list.iter().enumerate() {
        let row = 1 + i as u32;
        let get = |c: usize| {
            areas
                .get_value((row, c as u32))
                .cloned()
                .unwrap_or(Data::Empty)
        };
        assert_eq!(
            get(col("Area")),
            Data::String(a["area"].as_str().unwrap().into())
        );
        assert_eq!(
            get(col("Rating")),
            Data::String(a["rating"].as_str().unwrap().into())
        );
        assert_eq!(get(col("Seed")), Data::String(a["seed"].to_string()));
        for (column, key) in [
            ("P(break even)", "p_break_even"),
            ("± SE", "p_break_even_se"),
            ("P(year-1 target met)", "p_target_met_year1"),
            ("Median cumulative net", "cum_net_median"),
            ("P5 cumulative net", "cum_net_p5"),
            ("P95 cumulative net", "cum_net_p95"),
            ("Mean cumulative net", "cum_net_mean"),
            ("Median avoided admissions", "avoided_median"),
            ("Pooled fund (a year)", "pooled"),
        ] {
            assert_same(
                float(&get(col(column))),
                a[key].as_f64().expect("a number"),
                &format!("areas[{i}].{key}"),
            );
        }
    }
}

#[test]
fn html_report_reads_like_a_board_paper() {
    let dir = TempDir::new("html");
    let (_, html, _) = run_with_reports(&dir);
    let page = std::fs::read_to_string(html).expect("report written");
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<h1>England Better Care Fund plans 2015/16 (national template)</h1>"));
    assert!(page.contains("3 areas · 50 simulated futures per area · seed 7"));
    let at = |id: &str| page.find(&format!("id=\"{id}\"")).expect(id);
    assert!(at("verdict") < at("charts"));
    assert!(at("charts") < at("areas"));
    assert!(at("areas") < at("methods"));
    assert_eq!(page.matches("<figure>").count(), 3);
    for area in ["Northtown", "Midshire", "Southport"] {
        assert!(page[at("areas")..].contains(area), "{area} missing");
    }
    assert!(!page.to_lowercase().contains("<script"));
}

#[test]
fn report_paths_that_cannot_be_written_are_bad_input_and_write_nothing() {
    let dir = TempDir::new("bad");
    std::fs::write(dir.join("areas.csv"), AREAS).expect("write areas");
    std::fs::create_dir_all(dir.join("taken.xlsx")).expect("mkdir");
    std::fs::write(dir.join("file.txt"), "x").expect("write");
    for (flag, path, message) in [
        (
            "--xlsx",
            "taken.xlsx",
            "error: --xlsx taken.xlsx: is a directory",
        ),
        (
            "--report",
            "file.txt/r.html",
            "error: --report file.txt/r.html: cannot create this report because file.txt is a file",
        ),
    ] {
        let out = carefund(
            &[
                "national",
                "--areas",
                "areas.csv",
                "--template",
                &template(),
                "--paths",
                "10",
                "--out",
                "out",
                flag,
                path,
            ],
            &dir.0,
        );
        assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
        let err = text(&out.stderr);
        assert!(err.starts_with(message), "{err}");
        assert!(!dir.join("out").exists(), "nothing may be written");
    }
}

/// Renders the national HTML report with headless Chromium and checks the page is not
/// blank. Runs only where Debian's `chromium` is installed (`.ci/run` installs it).
#[test]
fn national_html_report_renders_in_chromium() {
    let chromium = Path::new("/usr/bin/chromium");
    if !chromium.exists() {
        eprintln!("skipped: /usr/bin/chromium is not installed");
        return;
    }
    let dir = TempDir::new("chromium");
    let (_, html, _) = run_with_reports(&dir);
    let png = dir.join("shot.png");
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
            &format!("--user-data-dir={}", dir.join("profile").display()),
            &format!("--screenshot={}", png.display()),
            "--window-size=1200,1600",
            &format!("file://{}", html.display()),
        ])
        .output()
        .expect("run chromium");
    assert!(png.exists(), "no screenshot: {}", text(&out.stderr));
    let bytes = std::fs::read(&png).expect("read the screenshot");
    let mut reader = png::Decoder::new(Cursor::new(bytes))
        .read_info()
        .expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("a size")];
    let frame = reader.next_frame(&mut buf).expect("a PNG");
    assert_eq!((frame.width, frame.height), (1200, 1600));
    let channels = frame.color_type.samples();
    assert!(channels >= 3, "a colour screenshot");
    let pixels: Vec<&[u8]> = buf[..frame.buffer_size()].chunks(channels).collect();
    let ink = pixels
        .iter()
        .filter(|p| p[..3].iter().any(|&c| c < 200))
        .count();
    // The verdict box has a bar in its rating's colour: the page rendered its CSS.
    let page = std::fs::read_to_string(&html).expect("the report");
    let (class, bar) = common::verdict_bar_pixels(&page, &pixels);
    assert!(
        ink * 100 > pixels.len(),
        "page looks blank ({ink} dark pixels)"
    );
    assert!(bar > 1_000, "no `{class}` verdict bar ({bar} pixels)");
}
