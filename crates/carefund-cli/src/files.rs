//! Reading inputs and writing outputs: clear messages, atomic writes, exit codes.

use std::fs;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

/// A problem with what the user gave us (exit status 2).
#[derive(Debug)]
pub struct BadInput(pub String);

impl std::fmt::Display for BadInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadInput {}

/// Exit status: 2 for bad input (files, scenario, options), 1 for anything else.
pub fn exit_code(e: &anyhow::Error) -> ExitCode {
    let bad = e.chain().any(|c| {
        c.is::<BadInput>()
            || matches!(
                c.downcast_ref::<carefund::Error>(),
                Some(carefund::Error::Input(_) | carefund::Error::Options(_))
            )
    });
    ExitCode::from(if bad { 2 } else { 1 })
}

/// Read a text input file, with a message that names it and says what is wrong.
pub fn read_text(path: &Path) -> anyhow::Result<String> {
    let shown = path.display();
    if path.is_dir() {
        return Err(BadInput(format!(
            "{shown}: is a directory; expected a scenario file (.toml)"
        ))
        .into());
    }
    let bytes = fs::read(path).map_err(|e| {
        BadInput(match e.kind() {
            ErrorKind::NotFound => format!("{shown}: no such file"),
            ErrorKind::PermissionDenied => {
                format!("{shown}: permission denied (cannot read the file)")
            }
            _ => format!("{shown}: cannot read: {e}"),
        })
    })?;
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(BadInput(format!(
            "{shown}: is not a text file in UTF-8 (it starts like UTF-16 text); save it as UTF-8 (in most editors: Save As, encoding UTF-8)"
        ))
        .into());
    }
    String::from_utf8(bytes).map_err(|e| {
        BadInput(format!(
            "{shown}: is not a text file (invalid UTF-8 at byte {}); expected a TOML scenario",
            e.utf8_error().valid_up_to()
        ))
        .into()
    })
}

/// Write `files` (name, bytes) into `dir` so that no partial file is ever visible and a
/// failure leaves the previous outputs as they were.
///
/// 1. Every file is written into a staging directory beside `dir`
///    (`.NAME.partial-PID`), on the same file system, so a rename moves it in at once.
/// 2. Each file is renamed into `dir`; a file of the same name from an earlier run is
///    first moved aside into `.NAME.previous-PID`.
/// 3. If any step fails, the files already moved in are removed and the earlier ones put
///    back; both side directories are removed whatever happens.
///
/// A run killed in the middle of step 2 (a window of microseconds) leaves its side
/// directories behind; the next run into the same directory puts back any earlier file
/// that had been moved aside and removes them.
pub fn write_outputs(dir: &Path, files: &[(String, Vec<u8>)]) -> anyhow::Result<()> {
    write_outputs_streamed(dir, files, &[])
}

/// Writes one output file's content.
pub type Writer<'a> = dyn Fn(&mut dyn Write) -> anyhow::Result<()> + 'a;

/// A file written as it is made (so that it is never held in memory whole).
pub type Stream<'a> = (&'a str, &'a Writer<'a>);

/// [`write_outputs`] plus `streams`: files whose writers write them into the staging
/// directory piece by piece, under the same all-or-nothing rule.
pub fn write_outputs_streamed(
    dir: &Path,
    files: &[(String, Vec<u8>)],
    streams: &[Stream<'_>],
) -> anyhow::Result<()> {
    let mut all: Vec<Stream<'_>> = Vec::with_capacity(files.len() + streams.len());
    let bytes: Vec<(&str, Box<Writer<'_>>)> = files
        .iter()
        .map(|(name, b)| {
            let write: Box<Writer<'_>> = Box::new(move |w: &mut dyn Write| Ok(w.write_all(b)?));
            (name.as_str(), write)
        })
        .collect();
    all.extend(bytes.iter().map(|(n, w)| (*n, w.as_ref())));
    all.extend_from_slice(streams);
    write_outputs_inner(dir, &all)
        .with_context(|| format!("nothing was written to {}", dir.display()))
}

/// Refuse an output directory that cannot be created because it, or a directory above
/// it, is a regular file. Called before simulating, so a long run is not wasted.
pub fn check_output_dir(dir: &Path) -> anyhow::Result<()> {
    if dir.is_file() {
        return Err(BadInput(format!(
            "--out {}: is a file; give a directory for the outputs",
            dir.display()
        ))
        .into());
    }
    if let Some(file) = dir.ancestors().skip(1).find(|a| a.is_file()) {
        return Err(BadInput(format!(
            "--out {}: cannot create this directory because {} is a file",
            dir.display(),
            file.display()
        ))
        .into());
    }
    Ok(())
}

fn write_outputs_inner(dir: &Path, files: &[Stream<'_>]) -> anyhow::Result<()> {
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    check_output_dir(dir)?;
    fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    let stem = dir
        .file_name()
        .map_or("out".into(), |s| s.to_string_lossy().into_owned());
    recover_abandoned(parent, &stem, dir);
    let pid = std::process::id();
    let staging: PathBuf = parent.join(format!(".{stem}.partial-{pid}"));
    let previous: PathBuf = parent.join(format!(".{stem}.previous-{pid}"));
    let mut moved_in: Vec<&str> = Vec::new();
    let mut moved_aside: Vec<&str> = Vec::new();
    let result = (|| -> anyhow::Result<()> {
        fs::create_dir_all(&staging)
            .with_context(|| format!("cannot create {}", staging.display()))?;
        for (name, write) in files {
            let p = staging.join(name);
            let file =
                fs::File::create(&p).with_context(|| format!("cannot write {}", p.display()))?;
            let mut w = std::io::BufWriter::new(file);
            write(&mut w)
                .and_then(|()| Ok(w.flush()?))
                .with_context(|| format!("cannot write {}", p.display()))?;
        }
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        for &(name, _) in files {
            let target = dir.join(name);
            if target.is_dir() {
                anyhow::bail!(
                    "cannot replace {}: it is a directory, not an earlier output",
                    target.display()
                );
            }
            if target.exists() {
                if moved_aside.is_empty() {
                    fs::create_dir_all(&previous)
                        .with_context(|| format!("cannot create {}", previous.display()))?;
                }
                fs::rename(&target, previous.join(name)).with_context(|| {
                    format!("cannot move the earlier {name} aside in {}", dir.display())
                })?;
                moved_aside.push(name);
            }
            fs::rename(staging.join(name), &target)
                .with_context(|| format!("cannot move {name} into {}", dir.display()))?;
            moved_in.push(name);
        }
        Ok(())
    })();
    if result.is_err() {
        for name in &moved_in {
            let _ = fs::remove_file(dir.join(name));
        }
        for name in &moved_aside {
            let _ = fs::rename(previous.join(name), dir.join(name));
        }
    }
    let _ = fs::remove_dir_all(&staging);
    let _ = fs::remove_dir_all(&previous);
    result
}

/// Write one file so that no partial file is ever visible: the bytes go to a hidden
/// staging file beside `path`, which is then renamed over it.
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if path.is_dir() {
        return Err(BadInput(format!(
            "{}: is a directory; expected a file name",
            path.display()
        ))
        .into());
    }
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    let name = path
        .file_name()
        .map_or("out".into(), |s| s.to_string_lossy().into_owned());
    let staging = parent.join(format!(".{name}.partial-{}", std::process::id()));
    let result = fs::write(&staging, bytes)
        .with_context(|| format!("cannot write {}", staging.display()))
        .and_then(|()| {
            fs::rename(&staging, path)
                .with_context(|| format!("cannot move the new file into {}", path.display()))
        });
    if result.is_err() {
        let _ = fs::remove_file(&staging);
    }
    result
}

/// Clean up after runs that were killed while moving files into `dir`: put back earlier
/// files they had moved aside (where nothing has replaced them), and remove their side
/// directories. Only directories of processes that no longer run are touched.
fn recover_abandoned(parent: &Path, stem: &str, dir: &Path) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(&format!(".{stem}.")) else {
            continue;
        };
        let Some((kind, pid)) = rest.split_once('-') else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if !matches!(kind, "partial" | "previous") || pid == std::process::id() || alive(pid) {
            continue;
        }
        if kind == "previous" {
            for file in fs::read_dir(entry.path()).into_iter().flatten().flatten() {
                let target = dir.join(file.file_name());
                if !target.exists() {
                    let _ = fs::rename(file.path(), target);
                }
            }
        }
        let _ = fs::remove_dir_all(entry.path());
    }
}

/// Whether process `pid` still runs (Linux: `/proc/PID` exists). Elsewhere we cannot
/// tell, so assume it does and leave its files alone.
fn alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.is_dir() || proc.join(pid.to_string()).exists()
}
