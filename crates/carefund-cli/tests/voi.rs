//! End-to-end tests of `carefund init --do-nothing` and `carefund compare … --voi`, run as
//! a user would, and their bad-input cases (one `error:` line, exit status 2, nothing
//! written).

use std::path::Path;
use std::process::Output;

mod common;

use common::{TempDir, carefund};

fn swindon() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/scenarios/swindon-2015.toml")
        .to_string_lossy()
        .into_owned()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Exit status 2, one line `error: …` containing every `needles`, no output directory.
fn bad(out: &Output, needles: &[&str], dir: &Path) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.starts_with("error:"), "{stderr}");
    for n in needles {
        assert!(stderr.contains(n), "missing {n:?} in {stderr}");
    }
    assert!(
        !dir.join("out").exists(),
        "output written despite the error"
    );
}

#[test]
fn init_do_nothing_then_compare_voi_writes_everything() {
    let dir = TempDir::new("ok");
    let s = swindon();
    let init = ok(&carefund(
        &["init", "--do-nothing", &s, "do-nothing.toml"],
        &dir.0,
    ));
    assert!(init.contains("carefund compare"), "{init}");
    let text = std::fs::read_to_string(dir.0.join("do-nothing.toml")).unwrap();
    assert!(text.contains("annual_cost = 0") && text.contains("success_probability = 0"));
    // The file is a valid scenario.
    ok(&carefund(&["check", "do-nothing.toml"], &dir.0));

    let out = carefund(
        &[
            "compare",
            &s,
            "do-nothing.toml",
            "--voi",
            "--paths",
            "600",
            "--group",
            "effects=scheme.*.effect",
            "--admission-value",
            "25000",
            "--scale",
            "3",
            "--format",
            "both",
            "--out",
            "out",
        ],
        &dir.0,
    );
    let stdout = ok(&out);
    for needle in [
        "Value of information",
        "EVPI:",
        "[group] effects (7 inputs)",
        "for 3",
        "In plain words:",
    ] {
        assert!(stdout.contains(needle), "missing {needle:?} in {stdout}");
    }
    for f in [
        "compare.json",
        "voi.json",
        "voi.csv",
        "acceptability.csv",
        "voi-evppi.png",
        "voi-evppi.svg",
        "voi-acceptability.png",
        "voi-acceptability.svg",
    ] {
        assert!(dir.0.join("out").join(f).is_file(), "{f} missing");
    }
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.0.join("out/voi.json")).unwrap()).unwrap();
    let evpi = json["evpi"]["evpi"].as_f64().unwrap();
    let scaled = json["evpi_scaled"].as_f64().unwrap();
    assert!((scaled - 3.0 * evpi).abs() <= 1e-9 * scaled.abs().max(1.0));
    assert_eq!(json["value"], "npv");
    assert_eq!(json["groups"][0]["name"], "effects");
    let csv = std::fs::read_to_string(dir.0.join("out/voi.csv")).unwrap();
    assert!(csv.starts_with("kind,name,inputs,value,se,value_scaled"));
    assert!(csv.contains("evppi_group,effects,"));
    let svg = std::fs::read_to_string(dir.0.join("out/voi-evppi.svg")).unwrap();
    assert!(svg.contains("What knowing this better is worth") && svg.contains("EVPI"));
}

#[test]
fn value_choices_change_the_net_benefit() {
    let dir = TempDir::new("value");
    let s = swindon();
    ok(&carefund(
        &["init", "--do-nothing", &s, "none.toml"],
        &dir.0,
    ));
    let run = |value: &str, out: &str| {
        ok(&carefund(
            &[
                "compare",
                &s,
                "none.toml",
                "--voi",
                "--paths",
                "300",
                "--value",
                value,
                "--out",
                out,
            ],
            &dir.0,
        ));
        let j: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.0.join(out).join("voi.json")).unwrap())
                .unwrap();
        j["evpi"]["means"][0].as_f64().unwrap()
    };
    let npv = run("npv", "a");
    let council = run("council", "b");
    assert!((npv - council).abs() > 1.0, "npv {npv} council {council}");
}

#[test]
fn bad_voi_inputs_exit_2_and_write_nothing() {
    let dir = TempDir::new("bad");
    let s = swindon();
    ok(&carefund(
        &["init", "--do-nothing", &s, "none.toml"],
        &dir.0,
    ));
    let base = [
        "compare",
        s.as_str(),
        "none.toml",
        "--voi",
        "--paths",
        "200",
    ];
    let with = |extra: &[&str]| {
        let mut a: Vec<&str> = base.to_vec();
        a.extend_from_slice(extra);
        a.extend_from_slice(&["--out", "out"]);
        carefund(&a, &dir.0)
    };
    bad(
        &with(&["--value", "profit"]),
        &[
            "--value profit",
            "npv, cum_net, commissioner, provider, council",
        ],
        &dir.0,
    );
    bad(
        &with(&["--group", "x=nothing.*"]),
        &["--group x=nothing.*", "matches no uncertain input"],
        &dir.0,
    );
    bad(&with(&["--group", "noequals"]), &["NAME=GLOB"], &dir.0);
    bad(&with(&["--scale", "0"]), &["--scale"], &dir.0);
    bad(&with(&["--weights", "5:1:3"]), &["--weights 5:1:3"], &dir.0);
    // --voi needs at least two options: compare refuses one scenario.
    let one = carefund(&["compare", &s, "--voi", "--out", "out"], &dir.0);
    assert_eq!(one.status.code(), Some(2));
    assert!(!dir.0.join("out").exists());
    // Options of --voi without --voi are refused.
    let stray = carefund(
        &["compare", &s, "none.toml", "--value", "npv", "--out", "out"],
        &dir.0,
    );
    assert_eq!(stray.status.code(), Some(2));
    // A plan that is not a scenario: nothing written.
    std::fs::write(dir.0.join("broken.toml"), "[scenario]\nname = 3\n").unwrap();
    let init = carefund(&["init", "--do-nothing", "broken.toml", "dn.toml"], &dir.0);
    assert_eq!(init.status.code(), Some(2));
    assert!(!dir.0.join("dn.toml").exists());
}

#[test]
fn run_evpi_value_picks_the_net_benefit_and_rejects_unknown_ones() {
    let dir = TempDir::new("run");
    let s = swindon();
    let stdout = ok(&carefund(
        &[
            "run",
            &s,
            "--evpi",
            "--evpi-value",
            "cum_net",
            "--paths",
            "200",
            "--out",
            "r",
        ],
        &dir.0,
    ));
    assert!(
        stdout.contains("EVPI, fund vs do nothing (cumulative system net)"),
        "{stdout}"
    );
    let out = carefund(
        &[
            "run",
            &s,
            "--evpi",
            "--evpi-value",
            "x",
            "--paths",
            "200",
            "--out",
            "out",
        ],
        &dir.0,
    );
    bad(&out, &["--evpi-value x", "one of npv"], &dir.0);
}

/// Issue 16: `compare --voi --xlsx --report` carries the value-of-information analysis:
/// a workbook sheet whose EVPPI figures are voi.json's, and an HTML section with its
/// charts.
#[test]
fn compare_voi_reports_have_a_value_of_information_section() {
    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    let dir = TempDir::new("voi-reports");
    let s = swindon();
    ok(&carefund(
        &["init", "--do-nothing", &s, "do-nothing.toml"],
        &dir.0,
    ));
    ok(&carefund(
        &[
            "compare",
            &s,
            "do-nothing.toml",
            "--voi",
            "--paths",
            "600",
            "--group",
            "effects=scheme.*.effect",
            "--out",
            "out",
            "--xlsx",
            "book.xlsx",
            "--report",
            "page.html",
        ],
        &dir.0,
    ));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.0.join("out/voi.json")).unwrap()).unwrap();
    let book = std::fs::read(dir.0.join("book.xlsx")).expect("workbook written");
    let mut wb: Xlsx<_> =
        open_workbook_from_rs(std::io::Cursor::new(book)).expect("the workbook opens");
    let sheet = wb
        .worksheet_range("Value of information")
        .expect("a Value of information sheet");
    let groups = json["groups"].as_array().expect("groups");
    assert!(!groups.is_empty());
    for g in groups {
        let name = g["name"].as_str().unwrap();
        let row = sheet
            .rows()
            .find(|r| matches!(r.first(), Some(Data::String(s)) if s == name))
            .unwrap_or_else(|| panic!("no row for {name}"));
        let value = match &row[1] {
            Data::Float(v) => *v,
            other => panic!("{name}: EVPPI cell is {other:?}"),
        };
        let expected = g["evppi_scaled"].as_f64().unwrap();
        assert!(
            (value - expected).abs() <= 1e-9 * expected.abs().max(1.0),
            "{name}: workbook {value}, voi.json {expected}"
        );
    }
    let page = std::fs::read_to_string(dir.0.join("page.html")).expect("report written");
    assert!(page.contains(">Value of information</h2>"), "no section");
    assert!(page.contains("What knowing this better is worth"));
    assert!(page.contains("Which option is best"));
}
