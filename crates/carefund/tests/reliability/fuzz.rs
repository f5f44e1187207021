//! Mutated scenario files: the loader answers `Ok` or a typed input error, never panics;
//! accepted mutants simulate to finite outputs.
//!
//! Cases: 256 by default (a few seconds in debug builds); set `CAREFUND_FUZZ_CASES` to run
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
