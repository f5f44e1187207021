//! A scenario in euros shows no pound sign anywhere (docs/model.md §14, issue 15): text,
//! CSV, JSON, SVG charts, the workbook (every part of the zip) and the HTML report.

mod common;

use std::io::Read;

use common::{TempDir, carefund, root, text};

fn no_pound(what: &str, body: &str) {
    if let Some(at) = body.find('£') {
        let from = body[..at]
            .char_indices()
            .rev()
            .nth(60)
            .map_or(0, |(i, _)| i);
        let to = body[at..]
            .char_indices()
            .nth(60)
            .map_or(body.len(), |(i, _)| at + i);
        panic!("{what} holds a £: …{}…", &body[from..to]);
    }
}

#[test]
fn a_eur_scenario_shows_no_pound_sign_anywhere() {
    let tmp = TempDir::new("eur");
    let scenario = root().join("data/scenarios/valencia-alzira.toml");
    let out = tmp.join("out");
    let (xlsx, html) = (tmp.join("v.xlsx"), tmp.join("v.html"));
    let o = carefund(
        &[
            "run",
            scenario.to_str().unwrap(),
            "--paths",
            "300",
            "--format",
            "svg",
            "--out",
            out.to_str().unwrap(),
            "--xlsx",
            xlsx.to_str().unwrap(),
            "--report",
            html.to_str().unwrap(),
        ],
        &tmp.0,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let stdout = text(&o.stdout);
    assert!(stdout.contains('€'), "the text shows euros: {stdout}");
    no_pound("the text report", &stdout);
    no_pound("stderr", &text(&o.stderr));
    let mut files = 0;
    for e in std::fs::read_dir(&out).unwrap() {
        let p = e.unwrap().path();
        let body = std::fs::read_to_string(&p).unwrap();
        no_pound(&p.display().to_string(), &body);
        files += 1;
    }
    assert!(files >= 8, "{files} files");
    let summary = std::fs::read_to_string(out.join("summary.json")).unwrap();
    assert!(summary.contains("\"currency\": \"EUR\""));
    assert!(summary.contains('€'), "reasons name euros");
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains('€'));
    no_pound("the HTML report", &page);
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&xlsx).unwrap()).unwrap();
    let mut euro = false;
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        let mut body = String::new();
        if part.read_to_string(&mut body).is_ok() {
            euro |= body.contains('€');
            no_pound(&format!("workbook part {}", part.name()), &body);
        }
    }
    assert!(euro, "the workbook's number formats are in euros");
}

/// The check is the same test: a GBP scenario does show pounds, so `no_pound` can fail.
#[test]
fn a_gbp_scenario_shows_pounds() {
    let tmp = TempDir::new("gbp");
    let scenario = root().join("data/scenarios/swindon-2015.toml");
    let o = carefund(&["check", scenario.to_str().unwrap()], &tmp.0);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let r = std::panic::catch_unwind(|| no_pound("check", &text(&o.stdout)));
    assert!(r.is_err(), "Swindon's check prints £");
}
