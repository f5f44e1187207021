//! Unit tests of the evidence file and the assumption comparison.

use super::*;
use crate::error::Error;

fn diag(e: Error) -> Box<Diagnostic> {
    match e {
        Error::Input(d) => d,
        other => panic!("expected an input error, got {other:?}"),
    }
}

/// Every number of every entry of the shipped file has a non-empty `source` or
/// `assumption`. Reads the raw TOML itself, so it fails even if the loader's rule broke.
#[test]
fn every_shipped_number_has_a_source_or_an_assumption() {
    let doc: toml::Table = toml::from_str(SHIPPED).expect("shipped file is TOML");
    let kinds = doc["kind"].as_array().expect("[[kind]] array");
    assert!(kinds.len() >= 8, "at least the eight kinds of the issue");
    for k in kinds {
        let id = k["id"].as_str().expect("id");
        for number in ["effect", "time_to_effect", "success_probability"] {
            let t = k
                .get(number)
                .and_then(toml::Value::as_table)
                .unwrap_or_else(|| panic!("kind {id} has no {number}"));
            assert!(t.contains_key("value"), "kind {id}.{number} has no value");
            let labelled = ["source", "assumption"].iter().any(|f| {
                t.get(*f)
                    .and_then(toml::Value::as_str)
                    .is_some_and(|s| !s.trim().is_empty())
            });
            assert!(
                labelled,
                "kind {id}.{number} has neither source nor assumption"
            );
        }
    }
}

#[test]
fn the_shipped_file_loads_with_every_kind_of_the_issue() {
    let e = Evidence::shipped().expect("shipped evidence loads");
    for id in [
        "case-management",
        "integrated-teams",
        "reablement",
        "rapid-response",
        "care-home-support",
        "telecare",
        "seven-day-discharge",
        "other",
    ] {
        assert!(e.kind(id).is_some(), "missing kind {id}");
    }
    let cm = e.kind("case-management").expect("case management");
    let i = cm.effect().interval();
    assert!(i.central.abs() < 1e-12, "case management centres on 0");
    assert!((i.p90 - 0.01).abs() < 5e-4, "P90 about 1%: {}", i.p90);
    assert!(cm.effect().dist().support().0 < 0.0, "a harmful tail");
}

const ONE: &str = r#"
[[kind]]
id = "case-management"
[kind.effect]
value = { pert = [0.0, 0.01, 0.02] }
source = "a study"
[kind.time_to_effect]
value = 5.0
source = "a study"
[kind.success_probability]
value = 0.5
assumption = "because"
"#;

#[test]
fn a_number_without_source_or_assumption_is_an_error() {
    let text = ONE.replace("assumption = \"because\"", "");
    let d = diag(Evidence::from_toml(&text, "e.toml").unwrap_err());
    assert_eq!(
        d.key.as_deref(),
        Some("kind.case-management.success_probability")
    );
    assert!(
        d.problem.contains("neither a source nor an assumption"),
        "{d}"
    );
}

#[test]
fn a_bad_distribution_is_reported_like_in_a_scenario() {
    let text = ONE.replace("pert = [0.0, 0.01, 0.02]", "pert = [0.03, 0.01, 0.02]");
    let d = diag(Evidence::from_toml(&text, "e.toml").unwrap_err());
    assert_eq!(d.key.as_deref(), Some("kind.case-management.effect"));
    assert_eq!(d.line, Some(5));
    let text = ONE.replace(
        "source = \"a study\"\n[kind.time",
        "sorce = \"x\"\n[kind.time",
    );
    let d = diag(Evidence::from_toml(&text, "e.toml").unwrap_err());
    assert_eq!(d.suggestion.as_deref(), Some("source"), "{d}");
    let text = ONE.replace("value = 0.5", "value = 1.5");
    assert!(Evidence::from_toml(&text, "e.toml").is_err());
}

#[test]
fn an_unknown_kind_in_a_scenario_suggests_the_closest() {
    let e = Evidence::shipped().expect("shipped");
    let text =
        crate::scenario::EXAMPLE.replacen("kind = \"reablement\"", "kind = \"case-managment\"", 1);
    assert_ne!(text, crate::scenario::EXAMPLE);
    let s = Scenario::from_toml(&text, "s.toml").expect("kind is free text until checked");
    let d = diag(e.check_kinds(&s).unwrap_err());
    assert_eq!(d.file, "s.toml");
    assert_eq!(d.suggestion.as_deref(), Some("case-management"), "{d}");
    assert!(
        d.key.as_deref().is_some_and(|k| k.ends_with(".kind")),
        "{d}"
    );
    assert!(d.line.is_some());
}

#[test]
fn the_example_scenario_names_known_kinds() {
    let s = Scenario::from_toml(crate::scenario::EXAMPLE, "example.toml").expect("example");
    assert!(s.schemes().iter().any(|x| x.kind().is_some()));
    Evidence::shipped()
        .expect("shipped")
        .check_kinds(&s)
        .expect("every kind of the example is in the shipped evidence");
}
