//! Mutated scenario files: the loader answers `Ok` or a typed input error, never panics;
//! accepted mutants simulate to finite outputs. Mutated areas files (national) load or
//! fail cleanly, and no accepted area name holds a control or bidi character. Mutated
//! shard files (numbers replaced, as by hand or by a faulty disk) merge or fail cleanly,
//! and what merges has finite outputs.
//!
//! Cases: 256 by default (areas files the same, shard files an eighth) (a few seconds in debug builds); set `CAREFUND_FUZZ_CASES` to run
//! more, e.g. `CAREFUND_FUZZ_CASES=20000 cargo test -p carefund --test reliability fuzz`.
//! The seed is fixed unless `CAREFUND_FUZZ_SEED` says otherwise (see [`seed`]).

use carefund::{Error, RunOptions, Scenario, simulate, summarise};
use proptest::prelude::*;

use crate::finite::check_outputs;

/// The valid files that are mutated: the `carefund init` example and every shipped
/// scenario in `data/scenarios/` (read when the test starts, so new ones join in).
fn sources() -> &'static [(String, String)] {
    static SOURCES: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    SOURCES.get_or_init(|| {
        let mut out = vec![(
            "example.toml".to_string(),
            carefund::EXAMPLE_SCENARIO.to_string(),
        )];
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/scenarios");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("data/scenarios")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        for f in files {
            let name = f.file_name().expect("name").to_string_lossy().into_owned();
            out.push((name, std::fs::read_to_string(&f).expect("read scenario")));
        }
        assert!(
            out.len() >= 2,
            "no shipped scenarios found in {}",
            dir.display()
        );
        out
    })
}

/// Values a hand-edited file might hold instead of the right one.
const REPLACEMENTS: &[&str] = &[
    "\"text\"",
    "\"0.5\"",
    "\"\"",
    "true",
    "{ x = 1 }",
    "{}",
    "[]",
    "[1, 2, 3]",
    "2025-04-01",
    "0",
    "-0.0",
    "-1",
    "0.5",
    "1",
    "7",
    "100",
    "1e9",
    "1e15",
    "1e308",
    "-1e308",
    "1.7976931348623157e308",
    "5e-324",
    "9223372036854775807",
    "-9223372036854775808",
    "nan",
    "inf",
    "-inf",
];

#[derive(Debug, Clone)]
enum Mutation {
    /// Delete a line.
    Delete(usize),
    /// Write a line twice.
    Duplicate(usize),
    /// Swap two lines.
    Swap(usize, usize),
    /// Replace the whole value of a `key = value` line.
    Retype(usize, usize),
    /// Replace one number inside a line (e.g. inside a distribution).
    RetypeNumber(usize, usize, usize),
    /// Cut the file at a byte.
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        1 => any::<usize>().prop_map(Mutation::Delete),
        1 => any::<usize>().prop_map(Mutation::Duplicate),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Swap(a, b)),
        3 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Retype(a, b)),
        3 => (any::<usize>(), any::<usize>(), any::<usize>())
            .prop_map(|(a, b, c)| Mutation::RetypeNumber(a, b, c)),
        1 => any::<usize>().prop_map(Mutation::Truncate),
    ]
}

/// Byte ranges of the numbers written in `line`.
fn numbers_in(line: &str) -> Vec<std::ops::Range<usize>> {
    let bytes = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts = bytes[i].is_ascii_digit()
            || (bytes[i] == b'-' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit));
        let inside_word = i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'.');
        if starts && !inside_word {
            let start = i;
            i += 1;
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric() || b"._+-".contains(&bytes[i]))
            {
                i += 1;
            }
            out.push(start..i);
        } else {
            i += 1;
        }
    }
    out
}

fn apply(text: &str, m: &Mutation) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    // Lines that say something (not blank, not a comment): mutating those is what matters.
    let live: Vec<usize> = (0..lines.len())
        .filter(|&i| {
            let l = lines[i].trim();
            !l.is_empty() && !l.starts_with('#')
        })
        .collect();
    if live.is_empty() {
        return text.to_string();
    }
    let pick = |ix: &usize| live[ix % live.len()];
    match m {
        Mutation::Delete(i) => {
            lines.remove(pick(i));
        }
        Mutation::Duplicate(i) => {
            let l = pick(i);
            lines.insert(l, lines[l].clone());
        }
        Mutation::Swap(a, b) => lines.swap(pick(a), pick(b)),
        Mutation::Retype(i, r) => {
            let l = pick(i);
            if let Some((key, _)) = lines[l].split_once('=') {
                lines[l] = format!("{key}= {}", REPLACEMENTS[r % REPLACEMENTS.len()]);
            }
        }
        Mutation::RetypeNumber(i, n, r) => {
            let l = pick(i);
            let spans = numbers_in(&lines[l]);
            if !spans.is_empty() {
                let span = spans[n % spans.len()].clone();
                lines[l].replace_range(span, REPLACEMENTS[r % REPLACEMENTS.len()]);
            }
        }
        Mutation::Truncate(at) => {
            let mut cut = at % (text.len() + 1);
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            return text[..cut].to_string();
        }
    }
    lines.join("\n") + "\n"
}

/// A fixed seed by default, so CI is reproducible; `CAREFUND_FUZZ_SEED=N` picks another,
/// `CAREFUND_FUZZ_SEED=random` a fresh one each run (proptest prints it on failure).
fn seed() -> proptest::test_runner::RngSeed {
    use proptest::test_runner::RngSeed;
    match std::env::var("CAREFUND_FUZZ_SEED").ok().as_deref() {
        Some("random") => RngSeed::Random,
        Some(s) => RngSeed::Fixed(s.parse().expect("CAREFUND_FUZZ_SEED: a number or `random`")),
        None => RngSeed::Fixed(20_151_116),
    }
}

fn cases() -> u32 {
    std::env::var("CAREFUND_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(256)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        rng_seed: seed(),
        ..ProptestConfig::default()
    })]

    #[test]
    fn mutated_scenarios_load_or_fail_cleanly_and_run_finite(
        source in 0..sources().len(),
        mutations in prop::collection::vec(mutation(), 1..=3),
    ) {
        let (name, original) = &sources()[source];
        let name = name.as_str();
        let text = mutations.iter().fold(original.clone(), |t, m| apply(&t, m));
        match Scenario::from_toml(&text, name) {
            Ok(scenario) => {
                let options = RunOptions { paths: 20, seed: 11, threads: Some(1) };
                let sim = simulate(&scenario, &options, &|_| {})
                    .map_err(|e| TestCaseError::fail(format!("simulate: {e}\n{text}")))?;
                let summary = summarise(&scenario, &sim);
                if let Err(e) = check_outputs(&scenario, &sim, &summary) {
                    return Err(TestCaseError::fail(format!("{e}\nmutations {mutations:?}\n{text}")));
                }
            }
            Err(Error::Input(d)) => {
                prop_assert_eq!(&d.file, name);
                prop_assert!(!d.problem.is_empty(), "empty problem: {d}");
                let lines = text.lines().count().max(1);
                prop_assert!(d.line.is_none_or(|l| l >= 1 && l <= lines + 1), "line out of file: {d}");
                let shown = d.to_string();
                prop_assert!(!shown.contains('\n') || d.value.as_deref().is_some_and(|v| v.contains('\n')),
                    "a message is one line: {shown}");
            }
            Err(other) => prop_assert!(false, "not an input error: {other}\n{text}"),
        }
    }
}

#[test]
fn mutations_change_the_text() {
    let text = "a = 1\n# c\nb = { x = [1, 2.5e3] }\n";
    assert_eq!(
        apply(text, &Mutation::Delete(0)),
        "# c\nb = { x = [1, 2.5e3] }\n"
    );
    let r = Mutation::RetypeNumber(1, 1, 0);
    assert_eq!(apply(text, &r), "a = 1\n# c\nb = { x = [1, \"text\"] }\n");
    assert_eq!(
        numbers_in("name = \"Area 51\" x1 = -2_000"),
        vec![13..15, 22..28]
    );
}

/// Cells a hand-edited areas file might hold: [`REPLACEMENTS`] and CSV-specific text
/// (quotes, separators, control and bidi characters, distributions).
const CELLS: &[&str] = &[
    "",
    "\"\"",
    "\"a,b\"",
    "\"unclosed",
    "£1,000",
    "10%",
    "North\ttown",
    "North\u{202E}town",
    "\u{0}",
    "{ pert = [0.0, 0.02, 0.04] }",
    "\"{ pert = [0.04, 0.02, 0.0] }\"",
    "\"{ normal = { mean = 0.02, sd = 1e308 } }\"",
    "Synthetic area 001",
];

#[derive(Debug, Clone)]
enum CsvMutation {
    /// Delete a line.
    Delete(usize),
    /// Write a line twice.
    Duplicate(usize),
    /// Replace one cell with a [`REPLACEMENTS`] or [`CELLS`] value.
    Cell(usize, usize, usize),
    /// Add a column (header and a value in every row).
    Column(usize, usize),
    /// Cut the file at a byte.
    Truncate(usize),
}

fn csv_mutation() -> impl Strategy<Value = CsvMutation> {
    prop_oneof![
        1 => any::<usize>().prop_map(CsvMutation::Delete),
        1 => any::<usize>().prop_map(CsvMutation::Duplicate),
        4 => (any::<usize>(), any::<usize>(), any::<usize>())
            .prop_map(|(a, b, c)| CsvMutation::Cell(a, b, c)),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| CsvMutation::Column(a, b)),
        1 => any::<usize>().prop_map(CsvMutation::Truncate),
    ]
}

/// Column names an areas file may add (override columns, some misspelt or repeated).
const COLUMNS: &[&str] = &[
    "demand.growth",
    "costs.unit_cost",
    "scheme.Reablement and intermediate care.effect",
    "scheme.Nonexistent.effect",
    "area",
    "pooled",
    "",
];

fn any_cell(c: usize) -> &'static str {
    if c.is_multiple_of(2) {
        REPLACEMENTS[(c / 2) % REPLACEMENTS.len()]
    } else {
        CELLS[(c / 2) % CELLS.len()]
    }
}

fn apply_csv(text: &str, m: &CsvMutation) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let n = lines.len().max(1);
    match m {
        CsvMutation::Delete(i) => {
            if !lines.is_empty() {
                lines.remove(i % n);
            }
        }
        CsvMutation::Duplicate(i) => {
            if !lines.is_empty() {
                let l = lines[i % n].clone();
                lines.insert(i % n, l);
            }
        }
        CsvMutation::Cell(i, k, c) => {
            if let Some(line) = lines.get_mut(i % n) {
                let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
                let at = k % cells.len();
                cells[at] = any_cell(*c).to_string();
                *line = cells.join(",");
            }
        }
        CsvMutation::Column(name, c) => {
            for (k, line) in lines.iter_mut().enumerate() {
                line.push(',');
                line.push_str(if k == 0 {
                    COLUMNS[name % COLUMNS.len()]
                } else {
                    any_cell(*c)
                });
            }
        }
        CsvMutation::Truncate(at) => {
            let mut cut = at % (text.len() + 1);
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            return text[..cut].to_string();
        }
    }
    lines.join("\n") + "\n"
}

/// The shipped national template and the first six areas of the synthetic areas file.
fn national_sources() -> &'static (String, String) {
    static SOURCES: std::sync::OnceLock<(String, String)> = std::sync::OnceLock::new();
    SOURCES.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/national");
        let template = std::fs::read_to_string(dir.join("england-2015.toml")).expect("template");
        let areas = std::fs::read_to_string(dir.join("areas-synthetic.csv")).expect("areas");
        let head: Vec<&str> = areas.lines().take(7).collect();
        (template, head.join("\n") + "\n")
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        rng_seed: seed(),
        ..ProptestConfig::default()
    })]

    #[test]
    fn mutated_areas_files_load_or_fail_cleanly(
        mutations in prop::collection::vec(csv_mutation(), 1..=3),
    ) {
        let (template, areas) = national_sources();
        let csv = mutations.iter().fold(areas.clone(), |t, m| apply_csv(&t, m));
        match carefund::national::Portfolio::from_text(template, "england-2015.toml", &csv, "areas.csv") {
            Ok(p) => {
                prop_assert!(!p.areas().is_empty(), "accepted with no areas:\n{csv}");
                for a in p.areas() {
                    prop_assert!(
                        !a.name().chars().any(|c| c.is_control() || ('\u{202A}'..='\u{202E}').contains(&c)),
                        "a name with a control or bidi character was accepted: {:?}", a.name()
                    );
                }
            }
            Err(Error::Input(d)) => {
                prop_assert!(d.file == "areas.csv" || d.file == "england-2015.toml", "{d}");
                prop_assert!(!d.problem.is_empty(), "empty problem: {d}");
            }
            Err(Error::InvalidOption { allowed, .. }) => prop_assert!(!allowed.is_empty()),
            Err(other) => prop_assert!(false, "not an input error: {other}\n{csv}"),
        }
    }
}

/// A shard file (pretty JSON, one value a line) of the `carefund init` example cut to one
/// year in one period: 1,100 paths in two blocks, shard 0 of 1.
fn shard_source() -> &'static String {
    static SHARD: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SHARD.get_or_init(|| {
        let text = carefund::EXAMPLE_SCENARIO
            .replacen("horizon_years = 5", "horizon_years = 1", 1)
            .replacen("periods_per_year = 4", "periods_per_year = 1", 1);
        assert_ne!(
            text,
            carefund::EXAMPLE_SCENARIO,
            "the example's horizon changed"
        );
        let scenario = Scenario::from_toml(&text, "example.toml").expect("example");
        let source = carefund::shard::Source {
            file: "example.toml".into(),
            text,
        };
        let evidence = carefund::Evidence::shipped().expect("evidence");
        let options = RunOptions {
            paths: 1_100,
            seed: 7,
            threads: Some(1),
        };
        let shard = carefund::engine::Shard { index: 0, count: 1 };
        let file = carefund::shard::run(
            &scenario,
            &source,
            &evidence,
            None,
            &options,
            shard,
            &|_| {},
        )
        .expect("shard run");
        serde_json::to_string_pretty(&file).expect("json")
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases() / 8,
        failure_persistence: None,
        rng_seed: seed(),
        ..ProptestConfig::default()
    })]

    #[test]
    fn mutated_shard_files_merge_or_fail_cleanly_and_merge_finite(
        edits in prop::collection::vec((any::<usize>(), any::<usize>(), any::<usize>()), 1..=3),
    ) {
        let original = shard_source();
        // Replace one number on a line with a REPLACEMENTS value (as in a tampered file).
        let mut lines: Vec<String> = original.lines().map(str::to_string).collect();
        for (l, k, r) in &edits {
            let at = l % lines.len();
            let spans = numbers_in(&lines[at]);
            if let Some(span) = spans.get(k % spans.len().max(1)).cloned() {
                lines[at].replace_range(span, REPLACEMENTS[r % REPLACEMENTS.len()]);
            }
        }
        let text = lines.join("\n");
        let Ok(file) = serde_json::from_str::<carefund::shard::ShardFile>(&text) else {
            return Ok(()); // not JSON of a shard: the CLI says so, file named
        };
        match carefund::shard::merge(vec![("shard.json".to_string(), file)]) {
            Ok(merged) => {
                let summary = summarise(&merged.scenario, &merged.plan);
                if let Err(e) = check_outputs(&merged.scenario, &merged.plan, &summary) {
                    return Err(TestCaseError::fail(format!("{e}\nedits {edits:?}")));
                }
            }
            Err(Error::ShardMismatch(m) | Error::Invalid(m)) => prop_assert!(!m.is_empty()),
            Err(Error::InvalidOption { allowed, .. }) => prop_assert!(!allowed.is_empty()),
            Err(Error::Input(d)) => prop_assert!(!d.problem.is_empty()),
            Err(other) => prop_assert!(false, "not an input error: {other}"),
        }
    }
}
