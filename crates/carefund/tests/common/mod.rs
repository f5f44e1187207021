//! What the library's test binaries share: scenario text with small defaults, overridden
//! section by section, and short ways to run it. A test binary uses it with `mod common;`
//! (Cargo does not build `tests/common/` as a test binary of its own); each binary uses
//! a part of it, hence `allow(dead_code)`.
//!
//! [`ScenarioText::base`] is a one-year, one-period, fully deterministic fund with one
//! scheme `A`; tests override what they need with [`ScenarioText::set`],
//! [`ScenarioText::scheme_set`], [`ScenarioText::scheme`] and
//! [`ScenarioText::correlate`], then [`ScenarioText::build`] parses and checks the TOML
//! through the public [`Scenario::from_toml`], as a user's file would be.

#![allow(dead_code)]

use carefund::{Quantity, RunOptions, Scenario, Simulation, Summary, simulate, summarise};

/// The seed used by tests unless they say otherwise.
pub const SEED: u64 = 20_150_401;

/// One table of `key = value` lines (values are TOML text).
type Table = Vec<(String, String)>;

/// A scenario file under construction.
#[derive(Debug, Clone)]
pub struct ScenarioText {
    sections: Vec<(String, Table)>,
    schemes: Vec<Table>,
    extra: Vec<String>,
}

fn table(pairs: &[(&str, &str)]) -> Table {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
        .collect()
}

fn put(t: &mut Table, key: &str, value: &str) {
    match t.iter_mut().find(|(k, _)| k == key) {
        Some(entry) => entry.1 = value.to_string(),
        None => t.push((key.to_string(), value.to_string())),
    }
}

impl ScenarioText {
    /// One year, one period, every input fixed, no noise; one NHS-funded scheme `A` with a
    /// fixed effect of 2% from the start.
    pub fn base() -> Self {
        Self {
            sections: vec![
                (
                    "scenario".into(),
                    table(&[
                        ("name", "\"test fund\""),
                        ("start_year", "2015"),
                        ("horizon_years", "1"),
                        ("periods_per_year", "1"),
                        ("discount", "0.035"),
                    ]),
                ),
                ("fund".into(), table(&[("pooled", "10_000_000")])),
                (
                    "demand".into(),
                    table(&[
                        ("baseline_admissions", "20_000"),
                        ("growth", "0.02"),
                        ("variability", "0"),
                        ("count_noise", "false"),
                    ]),
                ),
                (
                    "costs".into(),
                    table(&[
                        ("tariff", "1_490"),
                        ("unit_cost", "1_490"),
                        ("cashable_share_short", "0.35"),
                        ("cashable_share_long", "0.7"),
                        ("capacity_release_years", "3"),
                    ]),
                ),
                ("plan".into(), table(&[("target_reduction", "0.035")])),
            ],
            schemes: vec![table(&[
                ("name", "\"A\""),
                ("annual_cost", "1_000_000"),
                ("effect", "0.02"),
            ])],
            extra: Vec::new(),
        }
    }

    /// Set `section.key = value` (a TOML value, e.g. `"{ uniform = [0, 1] }"`), adding the
    /// section if needed.
    pub fn set(mut self, section: &str, key: &str, value: &str) -> Self {
        match self.sections.iter_mut().find(|(s, _)| s == section) {
            Some((_, t)) => put(t, key, value),
            None => self
                .sections
                .push((section.to_string(), table(&[(key, value)]))),
        }
        self
    }

    /// Remove `section.key`.
    pub fn unset(mut self, section: &str, key: &str) -> Self {
        if let Some((_, t)) = self.sections.iter_mut().find(|(s, _)| s == section) {
            t.retain(|(k, _)| k != key);
        }
        self
    }

    /// Set `key = value` in the scheme named `name`.
    ///
    /// # Panics
    /// If there is no such scheme (a mistake in the test).
    pub fn scheme_set(mut self, name: &str, key: &str, value: &str) -> Self {
        let quoted = format!("\"{name}\"");
        let scheme = self
            .schemes
            .iter_mut()
            .find(|t| t.iter().any(|(k, v)| k == "name" && *v == quoted))
            .unwrap_or_else(|| panic!("test setup: no scheme named {name}"));
        put(scheme, key, value);
        self
    }

    /// Add a scheme `name` (annual cost £1m, effect 2% unless `pairs` say otherwise).
    pub fn scheme(mut self, name: &str, pairs: &[(&str, &str)]) -> Self {
        let mut t = table(&[
            ("name", &format!("\"{name}\"")),
            ("annual_cost", "1_000_000"),
            ("effect", "0.02"),
        ]);
        for (k, v) in pairs {
            put(&mut t, k, v);
        }
        self.schemes.push(t);
        self
    }

    /// Remove every scheme (add new ones with [`Self::scheme`]).
    pub fn without_schemes(mut self) -> Self {
        self.schemes.clear();
        self
    }

    /// Add a `[[correlation]]` between two named inputs.
    pub fn correlate(mut self, a: &str, b: &str, rank: f64) -> Self {
        self.extra.push(format!(
            "[[correlation]]\ninputs = [\"{a}\", \"{b}\"]\nrank = {rank:?}\n"
        ));
        self
    }

    /// Append TOML text as written (tables the builder has no method for, such as
    /// `[[scheme]]` tables kept as constants).
    pub fn raw(mut self, text: &str) -> Self {
        self.extra.push(text.to_string());
        self
    }

    /// The TOML text.
    pub fn toml(&self) -> String {
        let mut s = String::new();
        for (name, t) in &self.sections {
            s.push_str(&format!("[{name}]\n"));
            for (k, v) in t {
                s.push_str(&format!("{k} = {v}\n"));
            }
            s.push('\n');
        }
        for t in &self.schemes {
            s.push_str("[[scheme]]\n");
            for (k, v) in t {
                s.push_str(&format!("{k} = {v}\n"));
            }
            s.push('\n');
        }
        for e in &self.extra {
            s.push_str(e);
            s.push('\n');
        }
        s
    }

    /// Parse and check the scenario.
    ///
    /// # Panics
    /// If the scenario does not load (a mistake in the test), with the diagnostic and text.
    pub fn build(&self) -> Scenario {
        let text = self.toml();
        Scenario::from_toml(&text, "test.toml")
            .unwrap_or_else(|e| panic!("test scenario does not load: {e}\n{text}"))
    }
}

/// Run `paths` paths of `scenario` under `seed` on `threads` threads.
///
/// # Panics
/// If the engine rejects the options.
pub fn run_with(scenario: &Scenario, paths: u64, seed: u64, threads: Option<usize>) -> Simulation {
    let options = RunOptions {
        paths,
        seed,
        threads,
    };
    simulate(scenario, &options, &|_| {}).expect("simulation runs")
}

/// Run `paths` paths under [`SEED`] on the default thread pool.
pub fn run(scenario: &Scenario, paths: u64) -> Simulation {
    run_with(scenario, paths, SEED, None)
}

/// Every path's sampled value of the input called `name`, in path order.
///
/// # Panics
/// If the scenario has no such input.
pub fn input_draws(scenario: &Scenario, sim: &Simulation, name: &str) -> Vec<f64> {
    let k = scenario
        .input_index(name)
        .unwrap_or_else(|| panic!("test setup: no input named {name}"));
    (0..sim.paths()).map(|p| sim.path_inputs(p)[k]).collect()
}

/// `|a − b| ≤ rel · max(|a|, |b|)` (and exact equality of zeros).
pub fn close_rel(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs())
}

/// Assert [`close_rel`] with a message naming what was compared.
#[track_caller]
pub fn assert_rel(actual: f64, expected: f64, rel: f64, what: &str) {
    assert!(
        close_rel(actual, expected, rel),
        "{what}: got {actual:e}, expected {expected:e} (relative tolerance {rel:e}, \
         relative error {:e})",
        (actual - expected).abs() / expected.abs().max(actual.abs())
    );
}

/// Bits of every f64 in a slice, for bit-identity comparisons.
pub fn bits(xs: &[f64]) -> Vec<u64> {
    xs.iter().map(|x| x.to_bits()).collect()
}

/// Path `p`'s whole ledger as bits, quantity by quantity.
pub fn ledger_bits(sim: &Simulation, p: usize) -> Vec<u64> {
    Quantity::ALL
        .iter()
        .flat_map(|&q| bits(&sim.path_series(p, q).expect("exact run")))
        .collect()
}

/// Run options of `paths` paths under `seed` on `threads` threads (`None`: one per core).
pub fn options(paths: u64, seed: u64, threads: Option<usize>) -> RunOptions {
    RunOptions {
        paths,
        seed,
        threads,
    }
}

/// Load `text` (panicking with the diagnostic and the text if it does not load), run
/// `paths` paths under `seed` on one thread and summarise.
pub fn summary_of(text: &str, paths: u64, seed: u64) -> Summary {
    let s = Scenario::from_toml(text, "test.toml")
        .unwrap_or_else(|e| panic!("test scenario does not load: {e}\n{text}"));
    let sim = simulate(&s, &options(paths, seed, Some(1)), &|_| {}).expect("simulation runs");
    summarise(&s, &sim)
}
