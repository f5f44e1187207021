//! "Do nothing" as a scenario file (`carefund init --do-nothing PLAN.toml`).
//!
//! docs/model.md §12: doing nothing is the plan with no spend and no effect and the same
//! demand draws; a file with no schemes is an input error, so the file keeps every
//! scheme, under the same name (its inputs then draw the same random numbers as the
//! plan's, so the two files compared on one seed are paired path by path), with
//! `annual_cost = 0` and `success_probability = 0` (a scheme that never works has no
//! effect whatever its effect draw, and keeps its effect input so correlations between
//! effects stay valid). The `[plan]` claims nothing (`target_reduction = 0`, no claimed
//! savings, no minimum ambition), so "do nothing" is not rated (docs/model.md §13).
//! Everything else, comments included, is kept as written.

use crate::error::{Diagnostic, Error, Result};
use crate::scenario::{Scenario, idx};

fn key_of(line: &str) -> Option<&str> {
    let t = line.trim_start();
    let (k, _) = t.split_once('=')?;
    let k = k.trim();
    (!k.is_empty() && !k.starts_with('#')).then_some(k)
}

/// The text of a "do nothing" scenario made from the plan's text `plan` (read from
/// `origin`).
///
/// # Errors
/// [`Error::Input`] if the plan itself is not a valid scenario, or if the rewritten
/// text does not check as one with every scheme at zero cost and zero success (e.g.
/// a scheme table written in a form this line-by-line rewrite does not recognise).
pub fn do_nothing_toml(plan: &str, origin: &str) -> Result<String> {
    let checked = Scenario::from_toml(plan, origin)?;
    let mut out = format!(
        "# \"Do nothing\" for {origin}, written by `carefund init --do-nothing`: every scheme\n\
         # kept under its own name (so its random numbers match the plan's) but with\n\
         # annual_cost = 0 and success_probability = 0, so nothing is spent and nothing\n\
         # changes. Compare it with the plan on one seed:\n\
         #   carefund compare {origin} <this file> --voi\n\n"
    );
    let mut table = String::new();
    let mut has_success = false;
    // Inside a multi-line array of a [plan] key being dropped: its bracket depth.
    let mut skipping = 0i32;
    let depth = |line: &str| {
        let code = line.split('#').next().unwrap_or("");
        code.matches('[').count() as i32 - code.matches(']').count() as i32
    };
    let finish_scheme = |out: &mut String, table: &str, has_success: bool| {
        if table == "[[scheme]]" && !has_success {
            out.push_str("success_probability = 0 # do nothing: never works\n");
        }
    };
    for line in plan.lines() {
        let t = line.trim();
        if skipping > 0 {
            skipping += depth(line);
            continue;
        }
        if t.starts_with('[') {
            if table == "[plan]" {
                out.push_str(
                    "target_reduction = 0 # do nothing: claims no reduction and no savings\n",
                );
            }
            finish_scheme(&mut out, &table, has_success);
            table = t.split('#').next().unwrap_or("").trim().to_string();
            has_success = false;
            out.push_str(line);
            out.push('\n');
            continue;
        }
        match (table.as_str(), key_of(line)) {
            ("[scenario]", Some("name")) => {
                let name = toml::Value::String(format!("{} — do nothing", checked.name()));
                out.push_str(&format!("name = {name}\n"));
            }
            (
                "[plan]",
                Some(
                    "target_reduction" | "avoided_admissions" | "claimed_savings"
                    | "minimum_ambition",
                ),
            ) => {
                skipping = depth(line).max(0);
            }
            ("[[scheme]]", Some("annual_cost")) => {
                out.push_str("annual_cost = 0 # do nothing: no spend\n");
            }
            ("[[scheme]]", Some("success_probability")) => {
                has_success = true;
                out.push_str("success_probability = 0 # do nothing: never works\n");
            }
            _ => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    if table == "[plan]" {
        out.push_str("target_reduction = 0 # do nothing: claims no reduction and no savings\n");
    }
    finish_scheme(&mut out, &table, has_success);
    let label = format!("do nothing for {origin}");
    let none = Scenario::from_toml(&out, &label)?;
    let ok = none.schemes().len() == checked.schemes().len()
        && none.schemes().iter().enumerate().all(|(i, s)| {
            let success = &none.inputs()[idx::scheme(i, idx::SUCCESS)];
            s.annual_cost().abs() == 0.0 && success.is_fixed() && success.central().abs() == 0.0
        });
    if !ok {
        return Err(Error::Input(Box::new(Diagnostic {
            file: origin.to_string(),
            problem: "could not rewrite every [[scheme]] to zero cost and zero success".into(),
            allowed: Some(
                "one `annual_cost = …` and at most one `success_probability = …` line per [[scheme]] table"
                    .into(),
            ),
            ..Diagnostic::default()
        })));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{RunOptions, simulate};

    #[test]
    fn do_nothing_file_checks_and_matches_the_in_memory_do_nothing() {
        let text = do_nothing_toml(crate::EXAMPLE_SCENARIO, "example.toml").unwrap();
        let file = Scenario::from_toml(&text, "none.toml").unwrap();
        let plan = Scenario::from_toml(crate::EXAMPLE_SCENARIO, "example.toml").unwrap();
        let options = RunOptions {
            paths: 200,
            seed: 5,
            threads: Some(1),
        };
        let a = simulate(&file, &options, &|_| {}).unwrap();
        let b = simulate(&super::super::do_nothing(&plan), &options, &|_| {}).unwrap();
        for (x, y) in a.path_summaries().iter().zip(b.path_summaries()) {
            assert!(x.investment.abs() < 1e-9 && x.avoided.abs() < 1e-9);
            assert!(
                (x.npv - y.npv).abs() <= 1e-6 * y.npv.abs().max(1.0),
                "{x:?} {y:?}"
            );
        }
        assert!(do_nothing_toml("not toml", "x.toml").is_err());
    }
}
