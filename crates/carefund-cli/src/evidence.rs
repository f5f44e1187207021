//! Loading the evidence file of `--evidence` (or the built-in one) for `run` and `check`.

use std::path::Path;

use carefund::{Evidence, Scenario};

use crate::files::{Kind, read_input};

/// The evidence in `path` (the built-in file when `None`), with `scenario`'s scheme
/// kinds checked against it.
pub fn load(path: Option<&Path>, scenario: &Scenario) -> anyhow::Result<Evidence> {
    let evidence = match path {
        Some(p) => Evidence::from_toml(&read_input(p, Kind::Evidence)?, &p.display().to_string())?,
        None => Evidence::shipped()?,
    };
    evidence.check_kinds(scenario)?;
    Ok(evidence)
}
