//! The bad-input corpus (`tests/bad-input/`, see its README): every case runs through the
//! real binary and must exit with status 2, print one clear `error: …` message (compared
//! with a snapshot in `tests/snapshots/`), never a panic or a backtrace, and write nothing.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The corpus must not shrink below this many cases (issue 8).
const MIN_CASES: usize = 60;

/// A valid scenario copied beside every case (not a case itself: its name has no number).
const BASE: &str = "base-scenario.toml";

/// One case: a stem (`NNN-short-name`) and its files.
#[derive(Debug, Default)]
struct Case {
    /// The scenario file or directory (`NNN-name.toml`), if any.
    input: Option<PathBuf>,
    /// Command-line arguments, one per line, `{file}` standing for the input's name.
    args: Option<PathBuf>,
    /// An octal file mode to set on the input before running (e.g. `000`).
    chmod: Option<PathBuf>,
    /// Edits that turn a fresh shard file of the base scenario into the input
    /// (`NNN-name.json`); see [`tampered_shard`].
    shard: Option<PathBuf>,
    /// A file holding a name: the case's input is a named pipe (FIFO) of that name.
    fifo: Option<PathBuf>,
    /// A file holding a size in bytes: the input is extended to it (with zeros, sparse).
    grow: Option<PathBuf>,
}

/// A shard file of the base scenario (`run base-scenario.toml --paths 20 --shard 0/1`),
/// made once by the binary under test so that its format is always current.
fn fresh_shard(work: &Path) -> serde_json::Value {
    static SHARD: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    SHARD
        .get_or_init(|| {
            let dir = work.join("shard-source");
            fs::create_dir_all(&dir).expect("shard dir");
            fs::copy(corpus_dir().join(BASE), dir.join(BASE)).expect("copy the base scenario");
            let args: Vec<String> = [
                "run", BASE, "--paths", "20", "--shard", "0/1", "--out", "shards",
            ]
            .map(String::from)
            .to_vec();
            let out = carefund(&args, &dir, false).expect("run carefund");
            assert!(
                out.status.success(),
                "cannot make the shard file: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let bytes = fs::read(dir.join("shards/shard-0-of-1.json")).expect("shard file");
            serde_json::from_slice(&bytes).expect("shard json")
        })
        .clone()
}

/// The fresh shard with the edits of a `.shard` file applied, one a line:
/// `POINTER = JSON` sets the value at a JSON pointer; `POINTER ~ FROM => TO` replaces text
/// inside the string there.
fn tampered_shard(work: &Path, edits: &Path) -> Vec<u8> {
    let mut v = fresh_shard(work);
    for line in fs::read_to_string(edits).expect("read .shard").lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some((pointer, change)) = line.split_once(" ~ ") {
            let (from, to) = change.split_once(" => ").expect("FROM => TO");
            let at = v
                .pointer_mut(pointer.trim())
                .expect("pointer into the shard");
            let text = at.as_str().expect("a string").replacen(from, to, 1);
            assert!(
                Some(text.as_str()) != at.as_str(),
                "{line}: changes nothing"
            );
            *at = serde_json::Value::String(text);
        } else {
            let (pointer, value) = line.split_once(" = ").expect("POINTER = JSON");
            let at = v
                .pointer_mut(pointer.trim())
                .expect("pointer into the shard");
            *at = serde_json::from_str(value).expect("a JSON value");
        }
    }
    serde_json::to_vec(&v).expect("json")
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad-input")
}

fn cases() -> BTreeMap<String, Case> {
    let mut cases: BTreeMap<String, Case> = BTreeMap::new();
    for entry in fs::read_dir(corpus_dir()).expect("read the corpus directory") {
        let path = entry.expect("corpus entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("utf-8 name");
        let Some((stem, ext)) = name.rsplit_once('.') else {
            continue;
        };
        if !stem.starts_with(|c: char| c.is_ascii_digit()) {
            continue; // README.md and the like
        }
        let case = cases.entry(stem.to_string()).or_default();
        match ext {
            "toml" | "csv" => case.input = Some(path),
            "args" => case.args = Some(path),
            "chmod" => case.chmod = Some(path),
            "shard" => case.shard = Some(path),
            "fifo" => case.fifo = Some(path),
            "grow" => case.grow = Some(path),
            other => panic!("{name}: unknown corpus file kind `.{other}`"),
        }
    }
    cases
}

/// Copy a file or a directory tree.
fn copy(from: &Path, to: &Path) {
    if from.is_dir() {
        fs::create_dir_all(to).expect("create dir");
        for e in fs::read_dir(from).expect("read dir") {
            let e = e.expect("entry");
            copy(&e.path(), &to.join(e.file_name()));
        }
    } else {
        fs::copy(from, to).expect("copy case file");
    }
}

/// Every entry under `dir`, relative, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).expect("read dir") {
            let p = e.expect("entry").path();
            out.push(
                p.strip_prefix(dir)
                    .expect("under dir")
                    .display()
                    .to_string(),
            );
            if p.is_dir() {
                stack.push(p);
            }
        }
    }
    out.sort();
    out
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Run the binary in `cwd`; as user `nobody` when `as_nobody` (so that a file mode of 000
/// really stops reading when the tests run as root).
fn carefund(args: &[String], cwd: &Path, as_nobody: bool) -> std::io::Result<Output> {
    let bin = env!("CARGO_BIN_EXE_carefund");
    let mut cmd = if as_nobody {
        let mut c = Command::new("setpriv");
        c.args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--",
            bin,
        ]);
        c
    } else {
        Command::new(bin)
    };
    cmd.args(args)
        .current_dir(cwd)
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
        .output()
}

#[test]
fn every_bad_input_gets_exit_2_one_clear_message_and_no_output() {
    let cases = cases();
    assert!(
        cases.len() >= MIN_CASES,
        "the corpus has {} cases; at least {MIN_CASES} expected",
        cases.len()
    );
    let work = std::env::temp_dir().join(format!("carefund-bad-input-{}", std::process::id()));
    let _ = fs::remove_dir_all(&work);
    let root = is_root();
    let mut failures: Vec<String> = Vec::new();
    let mut skipped: Vec<String> = Vec::new();

    for (stem, case) in &cases {
        let dir = work.join(stem);
        fs::create_dir_all(&dir).expect("case dir");
        let file = case
            .input
            .as_ref()
            .map(|p| p.file_name().expect("name").to_string_lossy().into_owned());
        // A valid scenario beside every case, for subcommands that read two files.
        fs::copy(corpus_dir().join(BASE), dir.join(BASE)).expect("copy the base scenario");
        if let Some(input) = &case.input {
            copy(input, &dir.join(file.as_deref().unwrap_or_default()));
        }
        let file = match &case.shard {
            Some(edits) => {
                let name = format!("{stem}.json");
                fs::write(dir.join(&name), tampered_shard(&work, edits)).expect("write shard");
                Some(name)
            }
            None => file,
        };
        let file = match &case.fifo {
            Some(name) => {
                let name = fs::read_to_string(name)
                    .expect("read .fifo")
                    .trim()
                    .to_string();
                let made = Command::new("mkfifo")
                    .arg(dir.join(&name))
                    .status()
                    .expect("run mkfifo");
                assert!(made.success(), "{stem}: mkfifo failed");
                Some(name)
            }
            None => file,
        };
        if let Some(grow) = &case.grow {
            let bytes: u64 = fs::read_to_string(grow)
                .expect("read .grow")
                .trim()
                .parse()
                .expect("a size in bytes");
            let target = dir.join(file.as_deref().expect("a .grow case has an input"));
            fs::OpenOptions::new()
                .write(true)
                .open(&target)
                .and_then(|f| f.set_len(bytes))
                .expect("grow the input");
        }
        let mut as_nobody = false;
        if let Some(chmod) = &case.chmod {
            use std::os::unix::fs::PermissionsExt;
            let mode =
                u32::from_str_radix(fs::read_to_string(chmod).expect("read .chmod").trim(), 8)
                    .expect("octal mode");
            let target = dir.join(file.as_deref().expect("a .chmod case has an input"));
            fs::set_permissions(&target, fs::Permissions::from_mode(mode)).expect("chmod");
            if root {
                // Root reads any file whatever its mode: run the binary as `nobody` instead.
                as_nobody = true;
            }
        }
        let invocations: Vec<Vec<String>> = match &case.args {
            Some(args) => vec![
                fs::read_to_string(args)
                    .expect("read .args")
                    .lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(|l| l.replace("{file}", file.as_deref().unwrap_or("")))
                    .collect(),
            ],
            None => {
                let f = file.clone().expect("a case without .args has an input");
                vec![
                    vec!["check".into(), f.clone()],
                    vec!["run".into(), f, "--paths".into(), "20".into()],
                ]
            }
        };
        let before = listing(&dir);
        let mut first: Option<String> = None;
        for args in &invocations {
            let out = match carefund(args, &dir, as_nobody) {
                Ok(out) => out,
                Err(e) if as_nobody => {
                    skipped.push(format!("{stem}: cannot run as nobody ({e})"));
                    break;
                }
                Err(e) => panic!("{stem}: cannot run carefund: {e}"),
            };
            let err = String::from_utf8_lossy(&out.stderr).into_owned();
            if as_nobody && (out.status.code() == Some(126) || err.starts_with("setpriv:")) {
                skipped.push(format!(
                    "{stem}: running as root and user nobody cannot run the test binary here \
                     ({}), so a file mode cannot block reading: case skipped",
                    err.trim()
                ));
                break;
            }
            let what = format!("{stem} ({})", args.join(" "));
            if out.status.code() != Some(2) {
                failures.push(format!(
                    "{what}: exit {:?}, stderr {err}",
                    out.status.code()
                ));
            }
            if err.contains("panicked") || err.to_lowercase().contains("backtrace") {
                failures.push(format!("{what}: panic or backtrace: {err}"));
            }
            if !err.starts_with("error: ") {
                failures.push(format!("{what}: message must start with `error: `: {err}"));
            }
            if !out.stdout.is_empty() {
                failures.push(format!(
                    "{what}: printed to stdout: {}",
                    String::from_utf8_lossy(&out.stdout)
                ));
            }
            if listing(&dir) != before {
                failures.push(format!(
                    "{what}: wrote files: {:?} (before {:?})",
                    listing(&dir),
                    before
                ));
            }
            match &first {
                None => first = Some(err),
                Some(f) if *f != err => {
                    failures.push(format!("{what}: `run` and `check` disagree:\n  {f}  {err}"))
                }
                Some(_) => {}
            }
        }
        let Some(message) = first else { continue };
        let mut settings = insta::Settings::clone_current();
        settings.set_prepend_module_to_snapshot(true);
        let shown = case
            .input
            .as_ref()
            .filter(|p| p.is_file())
            .and_then(|p| fs::read(p).ok())
            .and_then(|b| String::from_utf8(b).ok());
        let mut description = format!("carefund {}", invocations[0].join(" "));
        if let Some(text) = shown {
            description.push_str("\n--- ");
            description.push_str(file.as_deref().unwrap_or_default());
            description.push('\n');
            description.push_str(&text);
        }
        settings.set_description(description);
        settings.set_omit_expression(true);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            settings.bind(|| insta::assert_snapshot!(stem.as_str(), message));
        }));
        if result.is_err() {
            failures.push(format!(
                "{stem}: message differs from its snapshot (see above)"
            ));
        }
    }
    let _ = fs::remove_dir_all(&work);
    for s in &skipped {
        eprintln!("skipped: {s}");
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
