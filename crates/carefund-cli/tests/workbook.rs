//! Scenario workbooks through the real binary: `init --xlsx`, `convert` both ways, runs
//! from a workbook equal to runs from its TOML, the shipped workbooks up to date, and a
//! corpus of broken workbooks. Each broken workbook is made here from the one `init
//! --xlsx` writes, by editing its XML (so the corpus follows the layout and no binaries
//! are committed); its message, naming sheet and cell, is compared with a snapshot in
//! `tests/snapshots/workbook__*.snap`.

mod common;

use std::fs;
use std::io::{Cursor, Read, Write};
use std::path::Path;

use common::{TempDir, carefund, root, text};

/// The workbook's files, by name, in order.
fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).expect("entry");
            let mut b = Vec::new();
            f.read_to_end(&mut b).expect("read entry");
            (f.name().to_string(), b)
        })
        .collect()
}

fn rezip(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in files {
        out.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .expect("start entry");
        out.write_all(bytes).expect("write entry");
    }
    out.finish().expect("finish zip").into_inner()
}

/// Sheet files by position: About, Scenario, Fund and demand, Costs, Plan and P4P,
/// Schemes, Correlations, Stresses.
fn sheet_file(sheet: &str) -> String {
    let n = [
        "About",
        "Scenario",
        "Fund and demand",
        "Costs",
        "Plan and P4P",
        "Schemes",
        "Correlations",
        "Stresses",
    ]
    .iter()
    .position(|s| *s == sheet)
    .expect("a sheet of the workbook")
        + 1;
    format!("xl/worksheets/sheet{n}.xml")
}

/// An edit of the workbook's XML.
enum Edit {
    /// Replace a cell's element (`<c r="B3" …>…</c>` or `<c r="B3" …/>`) by this XML,
    /// `{r}` standing for the reference and `{s}` for the cell's style attribute.
    Cell(&'static str, &'static str, &'static str),
    /// Replace text in a file of the workbook.
    Text(&'static str, &'static str, &'static str),
    /// Merge a block of cells on a sheet.
    Merge(&'static str, &'static str),
    /// Give a cell a date format (and this serial number).
    Date(&'static str, &'static str, f64),
}

fn edit_cell(xml: &str, reference: &str, with: &str) -> String {
    let start = xml
        .find(&format!("<c r=\"{reference}\""))
        .unwrap_or_else(|| panic!("cell {reference} is in the sheet"));
    let open_end = start + xml[start..].find('>').expect("tag end");
    let end = if xml.as_bytes()[open_end - 1] == b'/' {
        open_end + 1
    } else {
        open_end + xml[open_end..].find("</c>").expect("cell end") + 4
    };
    let tag = &xml[start..open_end];
    let style = tag
        .split(' ')
        .find(|a| a.starts_with("s=\""))
        .map(|a| a.trim_end_matches('/').to_string())
        .unwrap_or_default();
    let new = with.replace("{r}", reference).replace("{s}", &style);
    format!("{}{new}{}", &xml[..start], &xml[end..])
}

fn apply(book: &[u8], edits: &[Edit]) -> Vec<u8> {
    fn get<'a>(files: &'a mut [(String, Vec<u8>)], name: &str) -> &'a mut Vec<u8> {
        &mut files
            .iter_mut()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("{name} is in the workbook"))
            .1
    }
    let mut files = unzip(book);
    for e in edits {
        match e {
            Edit::Cell(sheet, reference, with) => {
                let f = get(&mut files, &sheet_file(sheet));
                *f = edit_cell(&text(f), reference, with).into_bytes();
            }
            Edit::Text(name, from, to) => {
                let f = get(&mut files, name);
                let t = text(f);
                assert!(t.contains(from), "{name} holds {from}");
                *f = t.replacen(from, to, 1).into_bytes();
            }
            Edit::Merge(sheet, block) => {
                let f = get(&mut files, &sheet_file(sheet));
                *f = text(f)
                    .replacen(
                        "</sheetData>",
                        &format!(
                            "</sheetData><mergeCells count=\"1\"><mergeCell ref=\"{block}\"/></mergeCells>"
                        ),
                        1,
                    )
                    .into_bytes();
            }
            Edit::Date(sheet, reference, serial) => {
                let styles = text(get(&mut files, "xl/styles.xml"));
                let at = styles.find("<cellXfs count=\"").expect("cellXfs") + 16;
                let count: usize = styles[at..]
                    .split('"')
                    .next()
                    .and_then(|n| n.parse().ok())
                    .expect("count");
                let styles = styles
                    .replacen(
                        &format!("<cellXfs count=\"{count}\""),
                        &format!("<cellXfs count=\"{}\"", count + 1),
                        1,
                    )
                    .replacen(
                        "</cellXfs>",
                        "<xf numFmtId=\"14\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/></cellXfs>",
                        1,
                    );
                *get(&mut files, "xl/styles.xml") = styles.into_bytes();
                let f = get(&mut files, &sheet_file(sheet));
                *f = edit_cell(
                    &text(f),
                    reference,
                    &format!("<c r=\"{{r}}\" s=\"{count}\"><v>{serial}</v></c>"),
                )
                .into_bytes();
            }
        }
    }
    rezip(&files)
}

/// The workbook `carefund init --xlsx` writes.
fn init_workbook(dir: &Path) -> Vec<u8> {
    let out = carefund(&["init", "--xlsx", "init.xlsx"], dir);
    assert!(out.status.success(), "{}", text(&out.stderr));
    fs::read(dir.join("init.xlsx")).expect("init.xlsx")
}

const NUMBER: &str = "<c r=\"{r}\" {s}><v>VALUE</v></c>";

fn number(value: &str) -> String {
    NUMBER.replace("VALUE", value)
}

fn inline_text(value: &str) -> String {
    format!("<c r=\"{{r}}\" {{s}} t=\"inlineStr\"><is><t>{value}</t></is></c>")
}

/// The broken workbooks: (name, what was done, the edits), or raw bytes that are not a
/// workbook.
fn corpus() -> Vec<(&'static str, &'static str, Vec<Edit>)> {
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    vec![
        (
            "01-text-for-a-number",
            "Schemes!B3 (annual cost) holds the text \"3,000,000\"",
            vec![Edit::Cell("Schemes", "B3", leak(inline_text("3,000,000")))],
        ),
        (
            "02-empty-required-cell",
            "Schemes!B2 (annual cost) is emptied",
            vec![Edit::Cell("Schemes", "B2", "<c r=\"{r}\" {s}/>")],
        ),
        (
            "03-unknown-form",
            "Schemes!M2 (effect form) is \"pertt\"",
            vec![Edit::Cell("Schemes", "M2", leak(inline_text("pertt")))],
        ),
        (
            "04-parameters-out-of-order",
            "Schemes!N2:P2 (effect pert min, mode, max) are 0.03, 0.01, 0.05",
            vec![
                Edit::Cell("Schemes", "N2", leak(number("0.03"))),
                Edit::Cell("Schemes", "O2", leak(number("0.01"))),
                Edit::Cell("Schemes", "P2", leak(number("0.05"))),
            ],
        ),
        (
            "05-scheme-name-twice",
            "Schemes!A3 names the scheme of row 2 again",
            vec![Edit::Cell("Schemes", "A3", leak(inline_text("Reablement")))],
        ),
        (
            "06-missing-sheet",
            "the sheet Schemes is renamed Scheme list",
            vec![Edit::Text(
                "xl/workbook.xml",
                "name=\"Schemes\"",
                "name=\"Scheme list\"",
            )],
        ),
        (
            "07-merged-cells",
            "Schemes!A3:B3 are merged",
            vec![Edit::Merge("Schemes", "A3:B3")],
        ),
        (
            "08-formula-without-value",
            "'Fund and demand'!E2 (pooled) is the formula =5000000*2 with no saved value",
            vec![Edit::Cell(
                "Fund and demand",
                "E2",
                "<c r=\"{r}\" {s}><f>5000000*2</f></c>",
            )],
        ),
        (
            "09-date-for-a-number",
            "Costs!E2 (tariff) is the date 2025-01-01",
            vec![Edit::Date("Costs", "E2", 45658.0)],
        ),
        (
            "11-bad-value-on-a-sheet",
            "'Fund and demand'!E7 (demand.variability) is 5",
            vec![Edit::Cell("Fund and demand", "E7", leak(number("5")))],
        ),
        (
            "13-national-correlation-out-of-range",
            "Scenario!E20 (national.effect_correlation) is 1.5",
            vec![Edit::Cell("Scenario", "E20", leak(number("1.5")))],
        ),
        (
            "14-unknown-stress-operation",
            "Stresses!C2 (the operation of Effects halved) is \"scales\"",
            vec![Edit::Cell("Stresses", "C2", leak(inline_text("scales")))],
        ),
        (
            "15-stress-selector-matching-no-input",
            "Stresses!D2 (the selector of Effects halved) is \"scheme.*.efect\"",
            vec![Edit::Cell(
                "Stresses",
                "D2",
                leak(inline_text("scheme.*.efect")),
            )],
        ),
        (
            "16-stress-value-as-text",
            "Stresses!F2 (the factor of Effects halved) is the text \"half\"",
            vec![Edit::Cell("Stresses", "F2", leak(inline_text("half")))],
        ),
        (
            "18-stress-rows-apart",
            "Stresses!A4 names Effects halved (row 2) again, after Ramps doubled",
            vec![Edit::Cell(
                "Stresses",
                "A4",
                leak(inline_text("Effects halved")),
            )],
        ),
        (
            "19-stress-distribution-for-scale",
            "Stresses!E2:H2 give Effects halved's scale as pert 0.4, 0.5, 0.6",
            vec![
                Edit::Cell("Stresses", "E2", leak(inline_text("pert"))),
                Edit::Cell("Stresses", "F2", leak(number("0.4"))),
                Edit::Cell("Stresses", "G2", leak(number("0.5"))),
                Edit::Cell("Stresses", "H2", leak(number("0.6"))),
            ],
        ),
        (
            "17-unknown-scheme-kind",
            "Schemes!J2 (the kind of Reablement) is \"reablment\"",
            vec![Edit::Cell("Schemes", "J2", leak(inline_text("reablment")))],
        ),
        (
            "12-unknown-correlation-input",
            "Correlations!B2 names scheme.Reablment.effect",
            vec![Edit::Cell(
                "Correlations",
                "B2",
                leak(inline_text("scheme.Reablment.effect")),
            )],
        ),
    ]
}

fn snapshot(name: &str, description: &str, message: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(true);
    settings.set_description(description);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(name, message));
}

/// Run `check`, and `run` and `convert` or (for a broken Stresses sheet) `stress` and
/// `convert` (or, for a scheme kind, only `run`, as convert holds no evidence) on
/// `plan.xlsx` in `dir`: each must fail with status 2 and one message, write nothing, and
/// agree; the message is returned.
fn refused(dir: &Path, name: &str) -> String {
    let mut first: Option<String> = None;
    let run = ["run", "plan.xlsx", "--paths", "20", "--out", "out"];
    let stress = ["stress", "plan.xlsx", "--paths", "20", "--out", "out"];
    let convert = ["convert", "plan.xlsx", "plan.toml"];
    let commands: Vec<&[&str]> = if name.contains("-stress-") {
        vec![&["check", "plan.xlsx"], &stress, &convert]
    } else if name.contains("-kind") {
        vec![&["check", "plan.xlsx"], &run]
    } else {
        vec![&["check", "plan.xlsx"], &run, &convert]
    };
    for args in commands {
        let out = carefund(args, dir);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {args:?}: {err}");
        assert!(
            err.starts_with("error: plan.xlsx") && err.lines().count() == 1,
            "{name}: {args:?}: one message naming the workbook: {err}"
        );
        assert!(!err.contains("panicked"), "{name}: {err}");
        assert!(
            !dir.join("out").exists()
                && !dir.join("plan.toml").exists()
                && !dir.join("plan.stresses.toml").exists()
        );
        match &first {
            None => first = Some(err),
            Some(f) => assert_eq!(f, &err, "{name}: commands disagree"),
        }
    }
    first.unwrap_or_default().trim_end().to_string()
}

#[test]
fn broken_workbooks_name_sheet_and_cell() {
    let dir = TempDir::new("broken");
    let good = init_workbook(&dir.0);
    for (name, what, edits) in corpus() {
        fs::write(dir.join("plan.xlsx"), apply(&good, &edits)).expect("write case");
        let message = refused(&dir.0, name);
        if name != "06-missing-sheet" {
            assert!(message.contains('!'), "{name}: names a cell: {message}");
        }
        snapshot(name, what, &message);
    }
    // Not a workbook at all: a TOML file named .xlsx, and an empty file.
    for (name, what, bytes) in [
        (
            "10-not-a-workbook",
            "a TOML scenario saved as plan.xlsx",
            fs::read(root().join("data/scenarios/swindon-2015.toml")).expect("toml"),
        ),
        ("10-empty-file", "an empty plan.xlsx", Vec::new()),
    ] {
        fs::write(dir.join("plan.xlsx"), bytes).expect("write case");
        snapshot(name, what, &refused(&dir.0, name));
    }
}

#[test]
fn a_formula_with_a_saved_value_is_read() {
    let dir = TempDir::new("formula");
    let good = init_workbook(&dir.0);
    let book = apply(
        &good,
        &[Edit::Cell(
            "Fund and demand",
            "E2",
            "<c r=\"{r}\" {s}><f>5000000*3</f><v>15000000</v></c>",
        )],
    );
    fs::write(dir.join("plan.xlsx"), book).expect("write");
    let out = carefund(&["convert", "plan.xlsx", "plan.toml"], &dir.0);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let toml = fs::read_to_string(dir.join("plan.toml")).expect("toml");
    assert!(toml.contains("pooled = 15000000\n"), "{toml}");
}

/// summary.json without the two fields that name the input file.
fn summary(dir: &Path) -> serde_json::Value {
    let mut v: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.join("summary.json")).expect("summary.json"))
            .expect("json");
    let meta = v.get_mut("meta").expect("meta");
    for k in ["scenario_file", "scenario_hash"] {
        assert!(meta.get(k).is_some(), "meta.{k}");
        meta[k] = serde_json::Value::Null;
    }
    v
}

#[test]
fn runs_from_toml_and_from_the_workbook_agree() {
    let dir = TempDir::new("agree");
    for name in ["swindon-2015", "valencia-alzira"] {
        let toml = root().join(format!("data/scenarios/{name}.toml"));
        fs::copy(&toml, dir.join("s.toml")).expect("copy");
        let out = carefund(&["convert", "s.toml", "s.xlsx", "--force"], &dir.0);
        assert!(out.status.success(), "{}", text(&out.stderr));
        for (input, out_dir) in [("s.toml", "a"), ("s.xlsx", "b")] {
            let out = carefund(
                &[
                    "run", input, "--paths", "400", "--seed", "9", "--out", out_dir,
                ],
                &dir.0,
            );
            assert!(out.status.success(), "{name}: {}", text(&out.stderr));
        }
        assert_eq!(
            summary(&dir.join("a")),
            summary(&dir.join("b")),
            "{name}: summary.json differs beyond the file's name and hash"
        );
        for f in ["percentiles.csv", "paths.csv", "fan.png"] {
            assert!(
                fs::read(dir.join("a").join(f)).ok() == fs::read(dir.join("b").join(f)).ok(),
                "{name}: {f} differs"
            );
        }
    }
}

#[test]
fn shipped_workbooks_are_up_to_date() {
    let dir = TempDir::new("shipped");
    let mut stale = Vec::new();
    for (toml, xlsx) in [
        (
            "data/scenarios/swindon-2015.toml",
            "data/scenarios/swindon-2015.xlsx",
        ),
        (
            "data/scenarios/swindon-2015-slow-ramps.toml",
            "data/scenarios/swindon-2015-slow-ramps.xlsx",
        ),
        (
            "data/scenarios/valencia-alzira.toml",
            "data/scenarios/valencia-alzira.xlsx",
        ),
        (
            "data/national/england-2015.toml",
            "data/national/england-2015.xlsx",
        ),
    ] {
        let out = carefund(
            &[
                "convert",
                root().join(toml).to_str().expect("utf-8 path"),
                "fresh.xlsx",
                "--force",
            ],
            &dir.0,
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        let fresh = fs::read(dir.join("fresh.xlsx")).expect("fresh");
        if fs::read(root().join(xlsx)).ok() != Some(fresh) {
            stale.push(xlsx);
        }
    }
    assert!(
        stale.is_empty(),
        "out of date (regenerate with carefund convert FILE.toml FILE.xlsx --force): {stale:?}"
    );
}

#[test]
fn convert_refuses_what_it_cannot_do_and_writes_nothing() {
    let dir = TempDir::new("convert");
    fs::copy(
        root().join("data/scenarios/swindon-2015.toml"),
        dir.join("s.toml"),
    )
    .expect("copy");
    for (args, words) in [
        (vec!["convert", "s.toml", "t.toml"], "cannot convert"),
        (vec!["convert", "s.toml", "s.csv"], "cannot convert"),
        (vec!["convert", "s.toml", "s.toml"], "cannot convert"),
    ] {
        let out = carefund(&args, &dir.0);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(text(&out.stderr).contains(words), "{}", text(&out.stderr));
    }
    // A bad TOML input is reported with its line, and no workbook is written.
    let bad = fs::read_to_string(dir.join("s.toml"))
        .expect("read")
        .replace("horizon_years = 5", "horizon_years = 0");
    fs::write(dir.join("bad.toml"), bad).expect("write");
    let out = carefund(&["convert", "bad.toml", "bad.xlsx"], &dir.0);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("bad.toml:") && text(&out.stderr).contains("horizon_years"),
        "{}",
        text(&out.stderr)
    );
    assert!(!dir.join("bad.xlsx").exists());
    // An existing output is kept unless --force.
    fs::write(dir.join("s.xlsx"), b"keep").expect("write");
    let out = carefund(&["convert", "s.toml", "s.xlsx"], &dir.0);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(fs::read(dir.join("s.xlsx")).expect("read"), b"keep");
    let out = carefund(&["convert", "s.toml", "s.xlsx", "--force"], &dir.0);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // And back: the TOML from the workbook keeps the sources as comments.
    let out = carefund(&["convert", "s.xlsx", "back.toml"], &dir.0);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let back = fs::read_to_string(dir.join("back.toml")).expect("back");
    assert!(back.contains("# £ a year: Swindon's pooled fund"), "{back}");
    let out = carefund(&["init", "--xlsx", "s.xlsx"], &dir.0);
    assert_eq!(
        out.status.code(),
        Some(2),
        "init keeps an existing workbook"
    );
}

/// The files of a stress run that do not name their inputs.
fn stress_outputs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    ["stress.csv", "stress-fan.png", "stress-bars.png"]
        .iter()
        .map(|f| {
            let bytes = fs::read(dir.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
            ((*f).to_string(), bytes)
        })
        .collect()
}

#[test]
fn stress_runs_the_stresses_of_the_workbook() {
    let dir = TempDir::new("stresses");
    init_workbook(&dir.0);
    fs::rename(dir.join("init.xlsx"), dir.join("plan.xlsx")).expect("rename");
    // The workbook's own stresses, said to be so.
    let out = carefund(
        &["stress", "plan.xlsx", "--paths", "60", "--out", "a"],
        &dir.0,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("stresses: the Stresses sheet of plan.xlsx (8 stresses)\n"),
        "{}",
        text(&out.stdout)
    );
    // convert writes them beside the scenario; run from the two files, they give the
    // same results, and they are the sceptical pack init put there.
    let out = carefund(&["convert", "plan.xlsx", "plan.toml"], &dir.0);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "wrote plan.toml\nwrote plan.stresses.toml\n"
    );
    for (args, out_dir) in [
        (vec!["--with", "plan.stresses.toml"], "b"),
        (vec!["--pack", "sceptical"], "c"),
        (vec!["--with", "plan.xlsx"], "d"),
    ] {
        let mut all = vec!["stress", "plan.toml", "--paths", "60", "--out", out_dir];
        all.extend(args);
        let out = carefund(&all, &dir.0);
        assert!(out.status.success(), "{all:?}: {}", text(&out.stderr));
        assert!(!text(&out.stdout).starts_with("stresses:"), "{all:?}");
        assert!(
            stress_outputs(&dir.join("a")) == stress_outputs(&dir.join(out_dir)),
            "{all:?}: the stress outputs differ from the workbook's"
        );
    }
    // And back: the stress file lays out on the sheet, and the workbook gives the same
    // two files again.
    let out = carefund(
        &[
            "convert",
            "plan.toml",
            "again.xlsx",
            "--stresses",
            "plan.stresses.toml",
        ],
        &dir.0,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = carefund(&["convert", "again.xlsx", "back.toml"], &dir.0);
    assert!(out.status.success(), "{}", text(&out.stderr));
    for (a, b) in [
        ("plan.toml", "back.toml"),
        ("plan.stresses.toml", "back.stresses.toml"),
    ] {
        assert_eq!(
            fs::read_to_string(dir.join(a)).expect("read"),
            fs::read_to_string(dir.join(b)).expect("read"),
            "{a} and {b} differ"
        );
    }
}

#[test]
fn a_workbook_without_stresses_runs_the_sceptical_pack() {
    let dir = TempDir::new("no-stresses");
    let good = init_workbook(&dir.0);
    // A workbook written before the Stresses sheet existed: the sheet is not listed.
    let old = apply(
        &good,
        &[Edit::Text(
            "xl/workbook.xml",
            "<sheet name=\"Stresses\" sheetId=\"8\" r:id=\"rId8\"/>",
            "",
        )],
    );
    // A shipped workbook has the sheet, with no rows on it.
    let shipped = fs::read(root().join("data/scenarios/swindon-2015.xlsx")).expect("shipped");
    for (name, bytes) in [("old.xlsx", old), ("shipped.xlsx", shipped)] {
        fs::write(dir.join(name), bytes).expect("write");
        let out = carefund(&["check", name], &dir.0);
        assert!(out.status.success(), "{name}: {}", text(&out.stderr));
        let out = carefund(&["stress", name, "--paths", "40", "--out", "s"], &dir.0);
        assert!(out.status.success(), "{name}: {}", text(&out.stderr));
        assert!(
            text(&out.stdout).starts_with(&format!(
                "stresses: the built-in sceptical pack ({name} has none on its Stresses sheet)\n"
            )),
            "{name}: {}",
            text(&out.stdout)
        );
        // convert writes the scenario only; --with refuses a workbook without stresses.
        let out = carefund(&["convert", name, "plan.toml", "--force"], &dir.0);
        assert_eq!(text(&out.stdout), "wrote plan.toml\n", "{name}");
        assert!(!dir.join("plan.stresses.toml").exists(), "{name}");
        let out = carefund(
            &["stress", "plan.toml", "--with", name, "--out", "t"],
            &dir.0,
        );
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(
            text(&out.stderr).contains("has no stresses on a Stresses sheet"),
            "{}",
            text(&out.stderr)
        );
    }
    // --stresses goes with a TOML input only.
    let out = carefund(
        &["convert", "old.xlsx", "x.toml", "--stresses", "plan.toml"],
        &dir.0,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--stresses goes with a TOML input"));
    assert!(!dir.join("x.toml").exists());
}

#[test]
fn a_file_that_cannot_be_read_is_named_for_what_it_is() {
    let dir = TempDir::new("kinds");
    fs::create_dir(dir.join("plan.xlsx")).expect("mkdir");
    fs::create_dir(dir.join("plan.toml")).expect("mkdir");
    for (file, noun) in [
        ("plan.xlsx", "a scenario workbook (.xlsx)"),
        ("plan.toml", "a scenario file (.toml)"),
    ] {
        let out = carefund(&["check", file], &dir.0);
        assert_eq!(out.status.code(), Some(2));
        assert!(
            text(&out.stderr).contains(&format!(
                "is a directory, not a regular file; expected {noun}"
            )),
            "{}",
            text(&out.stderr)
        );
    }
}
