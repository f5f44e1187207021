//! Committing an output directory all at once (issue 20).
//!
//! A command's outputs (and any report asked for inside the output directory) are
//! written into a staging directory beside it, `.OUT.partial-PID`, with `manifest.json`
//! (every file's SHA-256) written last. The staging directory is then swapped with OUT in
//! one step (Linux `renameat2(RENAME_EXCHANGE)`), and the old directory removed. Where
//! the exchange is not available (another kernel or file system, or
//! `CAREFUND_NO_RENAME_EXCHANGE=1`), OUT is renamed away to `.OUT.previous-PID` and the
//! staging directory renamed in: two steps, between which OUT is briefly missing, which
//! the next start repairs.
//!
//! Files in the old OUT that the new run does not write, and that the old manifest does
//! not list (a report, the subdirectories of other subcommands, the user's own files),
//! are kept: files are hard-linked into the staging directory before the swap,
//! directories moved across after it.
//!
//! A process killed at any moment leaves OUT with either the old complete set or the new
//! complete set. What it leaves beside OUT is repaired by the next command that writes
//! into that parent directory, before it reads its inputs (see [`recover`]):
//!
//! - a staging directory (marked by the file `.carefund-staging`) is removed;
//! - an old OUT moved away (unmarked) is renamed back if OUT is missing; otherwise the
//!   entries it still holds that were to be kept are moved into OUT, and it is removed.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use sha2::{Digest, Sha256};

use crate::files::BadInput;

/// The manifest's file name; written last into the staged directory.
pub const MANIFEST: &str = "manifest.json";

/// The manifest's format tag.
const MANIFEST_FORMAT: &str = "carefund-manifest/1";

/// Marks a staging directory that was never swapped in (removed after the swap).
const MARK: &str = ".carefund-staging";

/// Writes one output file's content.
pub type Writer<'a> = dyn Fn(&mut dyn Write) -> anyhow::Result<()> + 'a;

/// A file written as it is made (so that it is never held in memory whole).
pub type Stream<'a> = (&'a str, &'a Writer<'a>);

/// The parent directory of `path` (`.` for a bare name).
pub fn parent_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// `path` made absolute, with its longest existing ancestor resolved (symbolic links,
/// `.` and `..`) and the rest appended: two spellings of one place compare equal, even
/// when it does not exist yet.
pub fn resolve(path: &Path) -> PathBuf {
    let absolute = std::env::current_dir().map_or_else(|_| path.to_path_buf(), |d| d.join(path));
    let mut rest: Vec<OsString> = Vec::new();
    let mut at = absolute.as_path();
    loop {
        if let Ok(real) = fs::canonicalize(at) {
            let mut out = real;
            for part in rest.iter().rev() {
                if part == ".." {
                    out.pop();
                } else if part != "." {
                    out.push(part);
                }
            }
            return out;
        }
        match (at.parent(), at.file_name()) {
            (Some(up), Some(name)) => {
                rest.push(name.to_os_string());
                at = up;
            }
            _ => return absolute,
        }
    }
}

/// Whether `a` and `b` name the same file: the same device and inode when both exist,
/// else the same resolved path.
pub fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => resolve(a) == resolve(b),
    }
}

/// Whether the process `pid` still runs (Linux: `/proc/PID` exists). Elsewhere we cannot
/// tell, so assume it does and leave its files alone.
fn alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.is_dir() || proc.join(pid.to_string()).exists()
}

/// A side entry's target name, kind and process id: `.NAME.partial-PID` or
/// `.NAME.previous-PID`.
fn side_entry(name: &str) -> Option<(&str, &str, u32)> {
    let rest = name.strip_prefix('.')?;
    let (front, pid) = rest.rsplit_once('-')?;
    let pid = pid.parse::<u32>().ok()?;
    let (target, kind) = front.rsplit_once('.')?;
    if target.is_empty() || !matches!(kind, "partial" | "previous") {
        return None;
    }
    Some((target, kind, pid))
}

/// Repair what commands killed while writing into `parent` left there: for every
/// `.NAME.partial-PID` / `.NAME.previous-PID` of a process that no longer runs, remove a
/// staging directory or half-written file, and put an old output directory back (or
/// the entries it kept that `NAME` lacks). Errors are ignored: this is housekeeping.
pub fn recover(parent: &Path) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let mut targets: BTreeSet<String> = BTreeSet::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some((target, _, pid)) = side_entry(&name) else {
            continue;
        };
        if pid == std::process::id() || alive(pid) {
            continue;
        }
        let side = entry.path();
        let target = parent.join(target);
        targets.insert(target.display().to_string());
        let is_dir = fs::symlink_metadata(&side).is_ok_and(|m| m.is_dir());
        if !is_dir || side.join(MARK).exists() {
            // A half-written report, or a staging directory never swapped in.
            let _ = remove_any(&side);
            continue;
        }
        // An old output directory moved away (or swapped out) and not yet removed.
        if fs::symlink_metadata(&target).is_err() {
            let _ = fs::rename(&side, &target);
            continue;
        }
        let listed = manifest_names(&side);
        for kept in fs::read_dir(&side).into_iter().flatten().flatten() {
            let kept_name = kept.file_name();
            let shown = kept_name.to_string_lossy();
            if shown == MANIFEST || listed.contains(shown.as_ref()) {
                continue;
            }
            let to = target.join(&kept_name);
            if fs::symlink_metadata(&to).is_err() {
                let _ = fs::rename(kept.path(), to);
            }
        }
        let _ = fs::remove_dir_all(&side);
    }
    // A directory swapped in but killed before its staging mark was removed.
    for target in targets {
        let _ = fs::remove_file(Path::new(&target).join(MARK));
    }
}

fn remove_any(path: &Path) -> io::Result<()> {
    if fs::symlink_metadata(path)?.is_dir() {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    }
}

/// The file names a directory's manifest lists (empty when it has none).
fn manifest_names(dir: &Path) -> BTreeSet<String> {
    let Ok(bytes) = fs::read(dir.join(MANIFEST)) else {
        return BTreeSet::new();
    };
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return BTreeSet::new();
    };
    v.get("files")
        .and_then(|f| f.as_object())
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

/// The manifest of a set of files: name → SHA-256 (hex).
pub fn manifest_json(hashes: &BTreeMap<String, String>) -> anyhow::Result<Vec<u8>> {
    let v = serde_json::json!({ "format": MANIFEST_FORMAT, "files": hashes });
    let mut bytes = serde_json::to_vec_pretty(&v)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// SHA-256 of bytes, as lower-case hex.
pub fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A writer that hashes what passes through it.
struct Hashing<W> {
    inner: W,
    hash: Sha256,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Write one file into `dir` and return its SHA-256.
fn write_one(dir: &Path, name: &str, write: &Writer<'_>) -> anyhow::Result<String> {
    let p = dir.join(name);
    let file = fs::File::create(&p).with_context(|| format!("cannot write {}", p.display()))?;
    let mut w = Hashing {
        inner: io::BufWriter::new(file),
        hash: Sha256::new(),
    };
    write(&mut w)
        .and_then(|()| Ok(w.flush()?))
        .with_context(|| format!("cannot write {}", p.display()))?;
    Ok(hex(&w.hash.finalize()))
}

/// Whether the directory swap is to be done with two renames instead of one exchange.
fn exchange_disabled() -> bool {
    std::env::var_os("CAREFUND_NO_RENAME_EXCHANGE").is_some_and(|v| !v.is_empty() && v != "0")
}

/// Swap two existing directories in one step. `Ok(false)`: not supported here.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(e)
            if e == rustix::io::Errno::INVAL
                || e == rustix::io::Errno::NOSYS
                || e == rustix::io::Errno::OPNOTSUPP =>
        {
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn exchange(_: &Path, _: &Path) -> io::Result<bool> {
    Ok(false)
}

/// A report written outside the output directory: staged beside its target, renamed
/// over it after the directory is committed.
struct Outside {
    target: PathBuf,
    staged: PathBuf,
}

/// Write `files`, `streams` and `reports` (path, bytes) as one commit: the output
/// directory `dir` holds the old complete set or the new one, never a mix, and a
/// failure before the swap leaves everything as it was.
///
/// Reports inside `dir` are part of the directory's set; reports elsewhere are staged
/// first (so a report that cannot be written stops the command before anything is
/// committed) and renamed into place after the swap.
pub fn commit(
    dir: &Path,
    files: &[(String, Vec<u8>)],
    streams: &[Stream<'_>],
    reports: &[(PathBuf, Vec<u8>)],
) -> anyhow::Result<()> {
    crate::files::check_replaceable_dir(dir)?;
    let parent = parent_of(dir).to_path_buf();
    fs::create_dir_all(&parent)
        .with_context(|| format!("nothing was written: cannot create {}", parent.display()))?;
    recover(&parent);
    // Write into the real directory when OUT is a symbolic link to one, and swap it under
    // its own name when it is spelt with `..` (`out/sub/..`).
    let dotted = dir
        .components()
        .any(|c| c == std::path::Component::ParentDir);
    let dir = if dotted || fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink()) {
        resolve(dir)
    } else {
        dir.to_path_buf()
    };
    let stem = dir
        .file_name()
        .map_or("out".into(), |s| s.to_string_lossy().into_owned());
    let pid = std::process::id();
    let parent = parent_of(&dir).to_path_buf();
    let staging = parent.join(format!(".{stem}.partial-{pid}"));
    let previous = parent.join(format!(".{stem}.previous-{pid}"));

    let resolved_dir = resolve(&dir);
    let mut inside: Vec<(String, &[u8])> = Vec::new();
    let mut outside_wanted: Vec<(&Path, &[u8])> = Vec::new();
    for (path, bytes) in reports {
        match path.file_name() {
            Some(name) if resolve(parent_of(path)) == resolved_dir => {
                inside.push((name.to_string_lossy().into_owned(), bytes));
            }
            _ => outside_wanted.push((path, bytes)),
        }
    }
    let mut names: BTreeSet<&str> = BTreeSet::new();
    for name in files
        .iter()
        .map(|(n, _)| n.as_str())
        .chain(streams.iter().map(|(n, _)| *n))
        .chain(inside.iter().map(|(n, _)| n.as_str()))
        .chain([MANIFEST])
    {
        if !names.insert(name) {
            return Err(BadInput(format!(
                "{}: two outputs of this command would be written to the same file; choose another report name",
                dir.join(name).display()
            ))
            .into());
        }
    }

    let mut outside: Vec<Outside> = Vec::new();
    let staged = (|| -> anyhow::Result<Vec<OsString>> {
        fs::create_dir(&staging).with_context(|| format!("cannot create {}", staging.display()))?;
        fs::write(staging.join(MARK), b"")
            .with_context(|| format!("cannot write into {}", staging.display()))?;
        let mut hashes = BTreeMap::new();
        for (name, bytes) in files {
            let w = |w: &mut dyn Write| -> anyhow::Result<()> { Ok(w.write_all(bytes)?) };
            hashes.insert(name.clone(), write_one(&staging, name, &w)?);
        }
        for (name, write) in streams {
            hashes.insert((*name).to_string(), write_one(&staging, name, write)?);
        }
        for (name, bytes) in &inside {
            let w = |w: &mut dyn Write| -> anyhow::Result<()> { Ok(w.write_all(bytes)?) };
            hashes.insert(name.clone(), write_one(&staging, name, &w)?);
        }
        // Reports elsewhere: staged beside their targets before anything is committed.
        for (target, bytes) in &outside_wanted {
            let report_dir = parent_of(target);
            fs::create_dir_all(report_dir)
                .with_context(|| format!("cannot create {}", report_dir.display()))?;
            recover(report_dir);
            let name = target
                .file_name()
                .map_or("report".into(), |s| s.to_string_lossy().into_owned());
            let staged = report_dir.join(format!(".{name}.partial-{pid}"));
            outside.push(Outside {
                target: target.to_path_buf(),
                staged: staged.clone(),
            });
            fs::write(&staged, bytes)
                .with_context(|| format!("cannot write {}", target.display()))?;
        }
        // Keep what the old directory holds beyond its own set: files by hard link now,
        // directories moved across after the swap.
        let mut later = Vec::new();
        if dir.is_dir() {
            let old_set = manifest_names(&dir);
            for entry in
                fs::read_dir(&dir).with_context(|| format!("cannot read {}", dir.display()))?
            {
                let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
                let name = entry.file_name();
                let shown = name.to_string_lossy();
                let kind = entry
                    .file_type()
                    .with_context(|| format!("cannot read {}", entry.path().display()))?;
                if names.contains(shown.as_ref()) {
                    if kind.is_dir() {
                        anyhow::bail!(
                            "cannot replace {}: it is a directory, not an earlier output",
                            entry.path().display()
                        );
                    }
                    continue;
                }
                if shown == MARK || old_set.contains(shown.as_ref()) {
                    continue;
                }
                if kind.is_dir() {
                    later.push(name);
                } else if fs::hard_link(entry.path(), staging.join(&name)).is_err() {
                    fs::copy(entry.path(), staging.join(&name)).with_context(|| {
                        format!("cannot keep {} in the new outputs", entry.path().display())
                    })?;
                }
            }
        }
        // The manifest is written last: a directory with it is complete.
        fs::write(staging.join(MANIFEST), manifest_json(&hashes)?)
            .with_context(|| format!("cannot write {}", staging.join(MANIFEST).display()))?;
        Ok(later)
    })();
    let later = match staged {
        Ok(later) => later,
        Err(e) => {
            let _ = fs::remove_dir_all(&staging);
            for o in &outside {
                let _ = fs::remove_file(&o.staged);
            }
            return Err(e.context(format!("nothing was written to {}", dir.display())));
        }
    };

    // The swap: after it, OUT is the new set; `old` holds the previous one. A mark left
    // in the old directory by a run killed just after its own swap would make the old
    // directory look like a staging one: remove it first.
    let _ = fs::remove_file(dir.join(MARK));
    let old = match swap(&staging, &previous, &dir) {
        Ok(old) => old,
        Err(e) => {
            let _ = fs::remove_dir_all(&staging);
            for o in &outside {
                let _ = fs::remove_file(&o.staged);
            }
            return Err(e.context(format!("nothing was written to {}", dir.display())));
        }
    };
    let _ = fs::remove_file(dir.join(MARK));
    if let Some(old) = old {
        // Any directory that cannot be moved across keeps the old directory in place, to
        // be put back by the next command's [`recover`] rather than deleted.
        let mut kept_all = true;
        for name in later {
            kept_all &= fs::rename(old.join(&name), dir.join(&name)).is_ok();
        }
        if kept_all {
            let _ = fs::remove_dir_all(&old);
        }
    }

    // Reports elsewhere: each renamed into place.
    let mut written: Vec<String> = Vec::new();
    for (k, o) in outside.iter().enumerate() {
        if let Err(e) = fs::rename(&o.staged, &o.target) {
            for rest in &outside[k..] {
                let _ = fs::remove_file(&rest.staged);
            }
            let not: Vec<String> = outside[k..]
                .iter()
                .map(|o| o.target.display().to_string())
                .collect();
            return Err(anyhow::anyhow!(
                "wrote {}{}, but not {} ({e})",
                dir.display(),
                written
                    .iter()
                    .map(|w| format!(" and {w}"))
                    .collect::<String>(),
                not.join(" nor ")
            ));
        }
        written.push(o.target.display().to_string());
    }
    Ok(())
}

/// Write one file so that no partial file is ever visible: it is written to
/// `.NAME.partial-PID` beside `path`, then renamed over it. For files that share a
/// directory with others' (shard files).
pub fn commit_file(path: &Path, write: &Writer<'_>) -> anyhow::Result<()> {
    if path.is_dir() {
        return Err(BadInput(format!(
            "{}: is a directory; expected a file name",
            path.display()
        ))
        .into());
    }
    let parent = parent_of(path);
    crate::files::check_output_dir(parent)?;
    fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    recover(parent);
    let name = path
        .file_name()
        .map_or("out".into(), |s| s.to_string_lossy().into_owned());
    let staged = parent.join(format!(".{name}.partial-{}", std::process::id()));
    let result = write_one(
        parent,
        &format!(".{name}.partial-{}", std::process::id()),
        write,
    )
    .and_then(|_| {
        fs::rename(&staged, path)
            .with_context(|| format!("cannot move the new file into {}", path.display()))
    });
    if result.is_err() {
        let _ = fs::remove_file(&staged);
    }
    result
}

/// Put `staging` in place of `dir`. Returns where the previous `dir` now is (`None`
/// when there was none).
fn swap(staging: &Path, previous: &Path, dir: &Path) -> anyhow::Result<Option<PathBuf>> {
    match fs::symlink_metadata(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            fs::rename(staging, dir)
                .with_context(|| format!("cannot move the outputs into {}", dir.display()))?;
            return Ok(None);
        }
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", dir.display())),
        Ok(_) => {}
    }
    if !exchange_disabled()
        && exchange(staging, dir)
            .with_context(|| format!("cannot move the outputs into {}", dir.display()))?
    {
        return Ok(Some(staging.to_path_buf()));
    }
    fs::rename(dir, previous)
        .with_context(|| format!("cannot move the earlier outputs in {} aside", dir.display()))?;
    if let Err(e) = fs::rename(staging, dir) {
        let _ = fs::rename(previous, dir);
        return Err(e).with_context(|| format!("cannot move the outputs into {}", dir.display()));
    }
    Ok(Some(previous.to_path_buf()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn side_entries_are_recognised() {
        assert_eq!(side_entry(".out.partial-12"), Some(("out", "partial", 12)));
        assert_eq!(
            side_entry(".my.dir.previous-7"),
            Some(("my.dir", "previous", 7))
        );
        assert_eq!(
            side_entry(".r.html.partial-9"),
            Some(("r.html", "partial", 9))
        );
        assert_eq!(side_entry("out.partial-12"), None);
        assert_eq!(side_entry(".out.other-12"), None);
        assert_eq!(side_entry(".out.partial-x"), None);
        assert_eq!(side_entry("..partial-3"), None);
    }
}
