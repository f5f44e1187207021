//! Loading the evidence file of `--evidence` (or the built-in one) for `run` and `check`.

use std::path::Path;

use carefund::api::{Evidence, Scenario};

use crate::files::{BadInput, Kind, read_input};

/// The evidence in `path` (the built-in file when `None`), with `scenario`'s scheme
/// kinds checked against it.
pub fn load(path: Option<&Path>, scenario: &Scenario) -> anyhow::Result<Evidence> {
    let evidence = match path {
        Some(p) => {
            let text = read_input(p, Kind::Evidence)?;
            match Evidence::from_toml(&text, &p.display().to_string()) {
                Ok(e) => e,
                Err(_) if looks_like_scenario(&text) => {
                    return Err(BadInput(format!(
                        "{}: this looks like a scenario, not an evidence file (it has [scenario] or [[scheme]] tables); --evidence takes an evidence file such as data/evidence/admission-avoidance.toml",
                        p.display()
                    ))
                    .into());
                }
                Err(e) => return Err(e.into()),
            }
        }
        None => Evidence::shipped()?,
    };
    evidence.check_kinds(scenario)?;
    Ok(evidence)
}

/// Whether `text` has a scenario's tables: a `[scenario]` or `[[scheme]]` header.
fn looks_like_scenario(text: &str) -> bool {
    text.lines().any(|l| {
        let l = l.trim();
        l.starts_with("[scenario]") || l.starts_with("[[scheme]]")
    })
}
