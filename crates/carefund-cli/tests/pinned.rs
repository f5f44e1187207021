//! Every output of every subcommand on the shipped data, pinned byte for byte.
//!
//! Written before the library's use-case API was refactored (issue 17), so that a
//! refactor that changes any output file, chart pixel or printed line fails here.
//! `tests/pinned/manifest.tsv` holds one SHA-256 per output file (per part inside a
//! workbook, less `docProps/core.xml`, which holds the time the workbook was written).
//!
//! A change that is meant to change outputs regenerates the manifest with
//! `PINNED_UPDATE=1 cargo test -p carefund-cli --test pinned` and says why in its commit.

mod common;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use common::{TempDir, carefund, root, text};
use sha2::{Digest, Sha256};

const SWINDON: &str = "data/scenarios/swindon-2015.toml";
const SLOW: &str = "data/scenarios/swindon-2015-slow-ramps.toml";
const VALENCIA: &str = "data/scenarios/valencia-alzira.toml";

/// The commands, in order (merge reads the shards written before it). Each line's
/// standard output is pinned as `<name>.stdout`.
fn commands() -> Vec<(&'static str, Vec<&'static str>)> {
    let t = ["--threads", "2", "--seed", "11"];
    let with = |name: &'static str, mut args: Vec<&'static str>| {
        args.extend(t);
        (name, args)
    };
    vec![
        with(
            "run",
            vec![
                "run", SWINDON, "--paths", "400", "--out", "run", "--xlsx", "run.xlsx", "--report",
                "run.html", "--evpi", "--format", "both",
            ],
        ),
        with(
            "runv",
            vec!["run", VALENCIA, "--paths", "300", "--out", "runv", "--json"],
        ),
        with(
            "shard0",
            vec![
                "run", SWINDON, "--paths", "2100", "--out", "sh", "--shard", "0/2",
            ],
        ),
        with(
            "shard1",
            vec![
                "run", SWINDON, "--paths", "2100", "--out", "sh", "--shard", "1/2",
            ],
        ),
        (
            "merge",
            vec![
                "merge",
                "sh/shard-0-of-2.json",
                "sh/shard-1-of-2.json",
                "--out",
                "merged",
                "--xlsx",
                "merged.xlsx",
                "--report",
                "merged.html",
            ],
        ),
        with(
            "stress",
            vec![
                "stress",
                SWINDON,
                "--paths",
                "300",
                "--out",
                "stress",
                "--xlsx",
                "stress.xlsx",
                "--report",
                "stress.html",
            ],
        ),
        with(
            "compare",
            vec![
                "compare",
                SWINDON,
                SLOW,
                "--paths",
                "300",
                "--out",
                "compare",
                "--xlsx",
                "compare.xlsx",
                "--report",
                "compare.html",
                "--voi",
            ],
        ),
        with(
            "sensitivity",
            vec![
                "sensitivity",
                SWINDON,
                "--method",
                "all",
                "--paths",
                "300",
                "--sobol-rows",
                "128",
                "--out",
                "sens",
                "--xlsx",
                "sens.xlsx",
                "--report",
                "sens.html",
            ],
        ),
        with(
            "national",
            vec![
                "national",
                "--areas",
                "data/national/areas-synthetic.csv",
                "--template",
                "data/national/england-2015.toml",
                "--paths",
                "200",
                "--out",
                "nat",
                "--xlsx",
                "nat.xlsx",
                "--report",
                "nat.html",
            ],
        ),
        with(
            "twoway",
            vec![
                "twoway",
                SWINDON,
                "--x",
                "costs.unit_cost=1000:2000:3",
                "--y",
                "scheme.Reablement and intermediate care.effect=0:0.05:3",
                "--paths",
                "200",
                "--out",
                "tw",
            ],
        ),
        with(
            "reverse",
            vec![
                "reverse",
                SWINDON,
                "--factor",
                "scale scheme.*.effect",
                "--paths",
                "200",
                "--out",
                "rev",
            ],
        ),
        ("check", vec!["check", SWINDON]),
        ("init", vec!["init", "init.toml"]),
    ]
}

/// Copy `from` into `to`, recursively.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

fn sha(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Every file under `dir` (but the copied `data/`), by relative path: its hash, or for a
/// workbook one hash per part.
fn hashes(dir: &Path, at: &Path, out: &mut BTreeMap<String, String>) {
    let mut entries: Vec<_> = std::fs::read_dir(at).unwrap().map(|e| e.unwrap()).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let path = e.path();
        let rel = path
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel == "data" {
            continue;
        }
        if e.file_type().unwrap().is_dir() {
            hashes(dir, &path, out);
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        if rel.ends_with(".xlsx") {
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
            for i in 0..zip.len() {
                let mut part = zip.by_index(i).unwrap();
                let name = part.name().to_owned();
                if name == "docProps/core.xml" {
                    continue;
                }
                let mut b = Vec::new();
                part.read_to_end(&mut b).unwrap();
                out.insert(format!("{rel}!{name}"), sha(&b));
            }
        } else {
            out.insert(rel, sha(&bytes));
        }
    }
}

#[test]
fn every_output_is_unchanged() {
    let dir = TempDir::new("pinned");
    copy_dir(&root().join("data"), &dir.join("data"));
    let mut got = BTreeMap::new();
    for (name, args) in commands() {
        let out = carefund(&args, &dir.0);
        assert!(
            out.status.success(),
            "{name}: carefund {} failed: {}",
            args.join(" "),
            text(&out.stderr)
        );
        got.insert(format!("{name}.stdout"), sha(&out.stdout));
    }
    hashes(&dir.0, &dir.0, &mut got);
    let manifest: String = got.iter().map(|(k, v)| format!("{v}\t{k}\n")).collect();
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pinned/manifest.tsv");
    if std::env::var_os("PINNED_UPDATE").is_some() {
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, manifest).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&file).expect("tests/pinned/manifest.tsv");
    let want: BTreeMap<&str, &str> = want
        .lines()
        .filter_map(|l| l.split_once('\t').map(|(h, k)| (k, h)))
        .collect();
    let mut diffs = Vec::new();
    for (k, h) in &want {
        match got.get(*k) {
            None => diffs.push(format!("missing: {k}")),
            Some(g) if g != h => diffs.push(format!("changed: {k}")),
            Some(_) => {}
        }
    }
    for k in got.keys() {
        if !want.contains_key(k.as_str()) {
            diffs.push(format!("new: {k}"));
        }
    }
    assert!(
        diffs.is_empty(),
        "{} of {} outputs differ from tests/pinned/manifest.tsv:\n{}",
        diffs.len(),
        want.len(),
        diffs.join("\n")
    );
}
