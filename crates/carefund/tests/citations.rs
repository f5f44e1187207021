//! Citations of the model description and of the data sources (issue 16).
//!
//! Code comments, rustdoc, the README, the report text and the data files cite sections
//! of `docs/model.md` ("docs/model.md §4.5"). This test reads every such file of the
//! repository and fails when
//!
//! - a cited section has no heading in `docs/model.md`, or a `§N` inside
//!   `docs/model.md` names a section it does not have;
//! - a file still cites the project's old, unshipped specification or facts documents by
//!   their bare file names instead of `docs/model.md` and `data/README.md`.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// The model description, relative to the repository root.
const MODEL: &str = "docs/model.md";
/// What a citation starts with (built so that this file does not cite itself).
const CITE: &str = concat!("docs/model", ".md");
/// The old names that must no longer appear (built so that this file does not hold them).
const OLD_NAMES: [&str; 2] = [concat!("MODEL", ".md"), concat!("DOMAIN", ".md")];
/// Directories scanned, and single files.
const DIRS: [&str; 5] = ["crates", "benches", "examples", "data", "docs"];
const FILES: [&str; 1] = ["README.md"];
/// Extensions of the files scanned.
const EXTENSIONS: [&str; 5] = ["rs", "md", "toml", "css", "html"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every file under `dir` with one of [`EXTENSIONS`], skipping build output.
fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if name != "target" && !name.starts_with('.') {
                files_under(&path, out);
            }
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.contains(&e))
        {
            out.push(path);
        }
    }
}

fn scanned_files() -> Vec<PathBuf> {
    let root = root();
    let mut files = Vec::new();
    for dir in DIRS {
        files_under(&root.join(dir), &mut files);
    }
    files.extend(FILES.iter().map(|f| root.join(f)));
    files
}

/// A section number at the start of `s` (after `§`): digits and inner dots, `"4.5"` from
/// `"4.5). …"`. Returns the number and the rest.
fn section_number(s: &str) -> Option<(&str, &str)> {
    let end = s
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_digit() || c == '.'))
        .map_or(s.len(), |(i, _)| i);
    let number = s[..end].trim_end_matches('.');
    (!number.is_empty() && number.starts_with(|c: char| c.is_ascii_digit()))
        .then(|| (number, &s[number.len()..]))
}

/// The sections cited right after one mention of the model description: `§4.5`,
/// `§6–§7`, `§3, §4.1`, `§2 and §4`. `rest` is the text after the file name.
fn cited_after(rest: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut s = rest.trim_start_matches('`').trim_start();
    while let Some(after) = s.strip_prefix('§') {
        let Some((number, tail)) = section_number(after) else {
            break;
        };
        out.push(number);
        let tail = tail.trim_start();
        let next = ["–", "-", ",", "and ", "to "]
            .iter()
            .find_map(|sep| tail.strip_prefix(sep));
        match next {
            Some(n) if n.trim_start().starts_with('§') => s = n.trim_start(),
            _ => break,
        }
    }
    out
}

/// Every `(line, section)` cited in `text` as the model description's section.
fn citations(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        for (at, _) in line.match_indices(CITE) {
            for number in cited_after(&line[at + CITE.len()..]) {
                out.push((i + 1, number.to_string()));
            }
        }
    }
    out
}

/// The section numbers of the model description's headings (`## §4 …`, `### §4.5 …`).
fn headings(model: &str) -> BTreeSet<String> {
    model
        .lines()
        .filter(|l| l.starts_with('#'))
        .filter_map(|l| {
            let after = l.trim_start_matches('#').trim_start().strip_prefix('§')?;
            section_number(after).map(|(n, _)| n.to_string())
        })
        .collect()
}

#[test]
fn the_citation_parser_reads_every_form_used() {
    let text = format!(
        "a ({CITE} §4.5), b {CITE} §6–§7, c `{CITE}` §8; d {CITE} §3, §4.1) \
         e {CITE} §2 and §4\nf {CITE} §5. g {CITE} §11: h {CITE}, no section"
    );
    let found: Vec<String> = citations(&text).into_iter().map(|(_, s)| s).collect();
    assert_eq!(
        found,
        ["4.5", "6", "7", "8", "3", "4.1", "2", "4", "5", "11"]
    );
    assert_eq!(citations(&text)[8].0, 2, "line numbers are 1-based");
    let sections = headings("# Title\n## §1 What\n### §4.5 Plan\n## Not numbered\n");
    assert_eq!(
        sections,
        BTreeSet::from(["1".to_string(), "4.5".to_string()])
    );
}

#[test]
fn every_cited_section_of_the_model_description_exists() {
    let root = root();
    let model = fs::read_to_string(root.join(MODEL)).expect("docs/model.md is readable");
    let sections = headings(&model);
    // The sections the code has always cited, so that a heading change cannot empty the set.
    for must in ["1", "2", "4", "4.5", "4.6", "5", "6", "12", "13", "14"] {
        assert!(sections.contains(must), "{MODEL} has no heading §{must}");
    }

    let mut bad = Vec::new();
    let mut checked = 0;
    for path in scanned_files() {
        let text = fs::read_to_string(&path).unwrap_or_default();
        let shown = path
            .strip_prefix(&root)
            .unwrap_or(&path)
            .display()
            .to_string();
        for (line, section) in citations(&text) {
            checked += 1;
            if !sections.contains(&section) {
                bad.push(format!("{shown}:{line}: cites §{section}"));
            }
        }
    }
    // Inside the description, a bare `§N` refers to one of its own sections.
    for (i, line) in model.lines().enumerate() {
        for (at, _) in line.match_indices('§') {
            if let Some((n, _)) = section_number(&line[at + '§'.len_utf8()..]) {
                checked += 1;
                if !sections.contains(n) {
                    bad.push(format!("{MODEL}:{}: refers to §{n}", i + 1));
                }
            }
        }
    }
    assert!(
        checked > 100,
        "only {checked} citations found: is the scan looking in the right place?"
    );
    assert!(
        bad.is_empty(),
        "sections cited but not in {MODEL} (headings: {sections:?}):\n{}",
        bad.join("\n")
    );
}

#[test]
fn nothing_cites_the_old_unshipped_documents() {
    let root = root();
    let files = scanned_files();
    assert!(files.len() > 50, "only {} files scanned", files.len());
    let mut bad = Vec::new();
    for path in files {
        let text = fs::read_to_string(&path).unwrap_or_default();
        let shown = path
            .strip_prefix(&root)
            .unwrap_or(&path)
            .display()
            .to_string();
        for (i, line) in text.lines().enumerate() {
            for old in OLD_NAMES {
                if line.contains(old) {
                    bad.push(format!("{shown}:{}: {}", i + 1, line.trim()));
                }
            }
        }
    }
    assert!(
        bad.is_empty(),
        "cite docs/model.md (the model) or data/README.md (sources) instead:\n{}",
        bad.join("\n")
    );
}
