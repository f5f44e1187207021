//! Committing an output directory all at once.
//!
//! An outcome's files (and any file placed inside the output directory) are written
//! into a staging directory beside it, `.OUT.partial-PID`, with `manifest.json` (every
//! file's SHA-256) written last. The staging directory is then swapped with OUT in one
//! step (Linux `renameat2(RENAME_EXCHANGE)`), and the old directory removed. Where the
//! exchange is not available (another kernel or file system, or
//! `CAREFUND_NO_RENAME_EXCHANGE=1`), OUT is renamed away to `.OUT.previous-PID` and the
//! staging directory renamed in: two steps, between which OUT is briefly missing, which
//! the next commit repairs.
//!
//! Files in the old OUT that the new set does not hold, and that the old manifest does
//! not list (a report, the subdirectories of other analyses, the user's own files), are
//! kept: files are hard-linked into the staging directory before the swap, directories
//! moved across after it. So OUT may already exist and hold other files: the outputs of
//! the previous commit (the files its manifest lists) are replaced as a whole, and
//! everything else stays.
//!
//! A process killed at any moment leaves OUT with either the old complete set or the new
//! complete set. What it leaves beside OUT is repaired by the next commit into that
//! parent directory (see [`recover`]):
//!
//! - a staging directory (marked by the file `.carefund-staging`) is removed;
//! - an old OUT moved away (unmarked) is renamed back if OUT is missing; otherwise the
//!   entries it still holds that were to be kept are moved into OUT, and it is removed.
//!
//! The `carefund` command and the Python package both write through [`commit`]; the
//! `carefund` library itself never touches the file system (its outcomes give their
//! files as bytes or streams, [`OutputFile`]).
//!
//! ```
//! use carefund::api::OutputFile;
//! use carefund_outdir as outdir;
//!
//! # let tmp = std::env::temp_dir().join(format!("carefund-doc-{}", std::process::id()));
//! # std::fs::create_dir_all(&tmp).unwrap();
//! let out = tmp.join("out");
//! let summary = OutputFile::bytes("summary.json", b"{}\n".to_vec());
//! let names = outdir::commit(&out, &[&summary], &[])?;
//! assert_eq!(names, ["summary.json", "manifest.json"]);
//! assert!(std::fs::read_to_string(out.join("manifest.json")).unwrap().contains("summary.json"));
//! # std::fs::remove_dir_all(&tmp).unwrap();
//! # Ok::<(), outdir::WriteError>(())
//! ```

mod error;
mod places;
mod recover;
mod swap;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use carefund::api::{Contents, OutputFile};
use error::{io_error, nothing_written};

pub use error::WriteError;
pub use places::{check, check_replaceable, parent_of, resolve, same_file};
pub use recover::recover;

/// The manifest's file name; written last into the staged directory.
pub const MANIFEST: &str = "manifest.json";

/// The manifest's format tag.
const MANIFEST_FORMAT: &str = "carefund-manifest/1";

/// Marks a staging directory that was never swapped in (removed after the swap).
const MARK: &str = ".carefund-staging";

/// A `Result` of writing outputs.
pub type Result<T> = std::result::Result<T, WriteError>;

/// Write `files` into the output directory `dir` under their names, and each of
/// `placed` at its own path, as one commit: `dir` holds the old complete set or the new
/// one, never a mix, and a failure before the swap leaves everything as it was.
/// Returns the names written into `dir`: `files`' in order, then [`MANIFEST`].
///
/// `dir` may exist and hold other files; see the [module documentation](self). A
/// placed file inside `dir` is part of its set (and its manifest); one elsewhere is
/// staged beside its path first (so one that cannot be written stops the commit before
/// anything is committed) and renamed into place after the swap.
///
/// # Errors
/// [`WriteError::IsAFile`], [`WriteError::UnderAFile`] or
/// [`WriteError::HoldsCurrentDir`] for a `dir` that cannot be an output directory
/// ([`check_replaceable`]); [`WriteError::SameName`] for two files under one name;
/// [`WriteError::NothingWritten`] when staging or the swap fails; and
/// [`WriteError::Partly`] when `dir` was committed but a placed file outside it could
/// not be moved into place.
pub fn commit(
    dir: &Path,
    files: &[&OutputFile<'_>],
    placed: &[(PathBuf, &OutputFile<'_>)],
) -> Result<Vec<String>> {
    check_replaceable(dir)?;
    let parent = parent_of(dir);
    fs::create_dir_all(parent)
        .map_err(|e| nothing_written(dir, io_error("cannot create", parent)(e)))?;
    recover(parent);
    let commit = Commit::new(dir, files, placed)?;
    let later = match commit.stage() {
        Ok(later) => later,
        Err(e) => return Err(commit.abandon(e)),
    };
    // A mark left in the old directory by a run killed just after its own swap would
    // make the old directory look like a staging one: remove it first.
    let _ = fs::remove_file(commit.dir.join(MARK));
    let old = match swap::swap(&commit.staging, &commit.previous, &commit.dir) {
        Ok(old) => old,
        Err(e) => return Err(commit.abandon(e)),
    };
    let _ = fs::remove_file(commit.dir.join(MARK));
    if let Some(old) = old {
        commit.keep_directories(&old, later);
    }
    commit.place_outside()?;
    let mut names: Vec<String> = files.iter().map(|f| f.name.clone()).collect();
    names.push(MANIFEST.to_string());
    Ok(names)
}

/// A file placed outside the output directory: staged beside its target, renamed over
/// it after the directory is committed.
struct Outside<'f> {
    target: PathBuf,
    staged: PathBuf,
    file: &'f OutputFile<'f>,
}

/// One commit into an output directory.
struct Commit<'f> {
    /// The output directory (resolved when it is a symbolic link or spelt with `..`).
    dir: PathBuf,
    /// `.OUT.partial-PID`, beside it.
    staging: PathBuf,
    /// `.OUT.previous-PID`, beside it.
    previous: PathBuf,
    /// The files of the new set, by name.
    inside: Vec<(String, &'f OutputFile<'f>)>,
    /// Files placed elsewhere.
    outside: Vec<Outside<'f>>,
}

impl<'f> Commit<'f> {
    /// Plan the commit of `files` and `placed` into `dir`.
    fn new(
        dir: &Path,
        files: &[&'f OutputFile<'f>],
        placed: &[(PathBuf, &'f OutputFile<'f>)],
    ) -> Result<Self> {
        // Write into the real directory when OUT is a symbolic link to one, and swap it
        // under its own name when it is spelt with `..` (`out/sub/..`).
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
        let resolved_dir = resolve(&dir);
        let mut inside: Vec<(String, &OutputFile<'_>)> =
            files.iter().map(|f| (f.name.clone(), *f)).collect();
        let mut outside = Vec::new();
        for (path, file) in placed {
            match path.file_name() {
                Some(name) if resolve(parent_of(path)) == resolved_dir => {
                    inside.push((name.to_string_lossy().into_owned(), *file));
                }
                _ => outside.push(Outside {
                    target: path.clone(),
                    staged: staged_beside(path),
                    file,
                }),
            }
        }
        let mut names = BTreeSet::new();
        for name in inside.iter().map(|(n, _)| n.as_str()).chain([MANIFEST]) {
            if !names.insert(name) {
                return Err(WriteError::SameName {
                    path: dir.join(name),
                });
            }
        }
        Ok(Self {
            staging: parent.join(format!(".{stem}.partial-{pid}")),
            previous: parent.join(format!(".{stem}.previous-{pid}")),
            dir,
            inside,
            outside,
        })
    }

    /// Stage the new set, the files placed elsewhere and what the old directory keeps;
    /// then the manifest, last. Returns the directories to move across after the swap.
    fn stage(&self) -> Result<Vec<OsString>> {
        fs::create_dir(&self.staging).map_err(io_error("cannot create", &self.staging))?;
        fs::write(self.staging.join(MARK), b"")
            .map_err(io_error("cannot write into", &self.staging))?;
        let mut hashes = BTreeMap::new();
        for (name, file) in &self.inside {
            hashes.insert(name.clone(), write_one(&self.staging.join(name), file)?);
        }
        for o in &self.outside {
            let report_dir = parent_of(&o.target);
            fs::create_dir_all(report_dir).map_err(io_error("cannot create", report_dir))?;
            recover(report_dir);
            write_one(&o.staged, o.file).map_err(|e| match e {
                WriteError::Io { source, .. } => io_error("cannot write", &o.target)(source),
                other => other,
            })?;
        }
        let later = self.keep_files()?;
        // The manifest is written last: a directory with it is complete.
        let manifest = self.staging.join(MANIFEST);
        fs::write(&manifest, manifest_json(&hashes))
            .map_err(io_error("cannot write", &manifest))?;
        Ok(later)
    }

    /// Keep what the old directory holds beyond its own set and the new one: files by
    /// hard link (or copy) into the staging directory now; directories are returned, to
    /// be moved across after the swap.
    fn keep_files(&self) -> Result<Vec<OsString>> {
        let mut later = Vec::new();
        if !self.dir.is_dir() {
            return Ok(later);
        }
        let old_set = recover::manifest_names(&self.dir);
        let unreadable = |path: &Path| io_error("cannot read", path);
        for entry in fs::read_dir(&self.dir).map_err(unreadable(&self.dir))? {
            let entry = entry.map_err(unreadable(&self.dir))?;
            let name = entry.file_name();
            let shown = name.to_string_lossy();
            let kind = entry.file_type().map_err(unreadable(&entry.path()))?;
            if shown == MANIFEST || self.inside.iter().any(|(n, _)| *n == shown) {
                if kind.is_dir() {
                    return Err(WriteError::NotAnOutput { path: entry.path() });
                }
                continue;
            }
            if shown == MARK || old_set.contains(shown.as_ref()) {
                continue;
            }
            if kind.is_dir() {
                later.push(name);
            } else if fs::hard_link(entry.path(), self.staging.join(&name)).is_err() {
                fs::copy(entry.path(), self.staging.join(&name))
                    .map_err(io_error("cannot keep in the new outputs", &entry.path()))?;
            }
        }
        Ok(later)
    }

    /// Remove what was staged and say that nothing was written.
    fn abandon(&self, e: WriteError) -> WriteError {
        let _ = fs::remove_dir_all(&self.staging);
        for o in &self.outside {
            let _ = fs::remove_file(&o.staged);
        }
        nothing_written(&self.dir, e)
    }

    /// Move the kept directories `later` from the old directory `old` into the new one,
    /// then remove `old`. Any directory that cannot be moved across keeps `old` in place,
    /// to be put back by the next commit's [`recover`] rather than deleted.
    fn keep_directories(&self, old: &Path, later: Vec<OsString>) {
        let mut kept_all = true;
        for name in later {
            kept_all &= fs::rename(old.join(&name), self.dir.join(&name)).is_ok();
        }
        if kept_all {
            let _ = fs::remove_dir_all(old);
        }
    }

    /// Rename each file placed outside the output directory into place.
    fn place_outside(&self) -> Result<()> {
        for (k, o) in self.outside.iter().enumerate() {
            if let Err(error) = fs::rename(&o.staged, &o.target) {
                for rest in &self.outside[k..] {
                    let _ = fs::remove_file(&rest.staged);
                }
                return Err(WriteError::Partly {
                    dir: self.dir.clone(),
                    written: self.outside[..k].iter().map(|o| o.target.clone()).collect(),
                    missing: self.outside[k..].iter().map(|o| o.target.clone()).collect(),
                    error,
                });
            }
        }
        Ok(())
    }
}

/// `.NAME.partial-PID` beside `path`.
fn staged_beside(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or("out".into(), |s| s.to_string_lossy().into_owned());
    parent_of(path).join(format!(".{name}.partial-{}", std::process::id()))
}

/// The manifest of a set of files: name → SHA-256 (hex).
fn manifest_json(hashes: &BTreeMap<String, String>) -> Vec<u8> {
    let v = serde_json::json!({ "format": MANIFEST_FORMAT, "files": hashes });
    // A map of strings always serialises.
    let mut bytes = serde_json::to_vec_pretty(&v).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

/// SHA-256 of bytes, as lower-case hex.
fn hex(digest: &[u8]) -> String {
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

/// Write one file at `path` and return its SHA-256.
fn write_one(path: &Path, file: &OutputFile<'_>) -> Result<String> {
    let created = fs::File::create(path).map_err(io_error("cannot write", path))?;
    let mut w = Hashing {
        inner: io::BufWriter::new(created),
        hash: Sha256::new(),
    };
    match &file.contents {
        Contents::Bytes(b) => w.write_all(b).map_err(io_error("cannot write", path))?,
        Contents::Stream(write) => write(&mut w).map_err(|e| WriteError::Render {
            path: path.to_path_buf(),
            source: Box::new(e),
        })?,
    }
    w.flush().map_err(io_error("cannot write", path))?;
    Ok(hex(&w.hash.finalize()))
}

/// Write one file so that no partial file is ever visible: it is written to
/// `.NAME.partial-PID` beside `path`, then renamed over it. For a file that shares its
/// directory with others' (a shard file, a converted scenario).
///
/// # Errors
/// [`WriteError::IsADirectory`] when `path` is a directory; [`check`]'s errors for its
/// directory; [`WriteError::Io`] or [`WriteError::Render`] when it cannot be written.
pub fn commit_file(path: &Path, file: &OutputFile<'_>) -> Result<()> {
    if path.is_dir() {
        return Err(WriteError::IsADirectory {
            path: path.to_path_buf(),
        });
    }
    let parent = parent_of(path);
    check(parent)?;
    fs::create_dir_all(parent).map_err(io_error("cannot create", parent))?;
    recover(parent);
    let staged = staged_beside(path);
    let result = write_one(&staged, file).and_then(|_| {
        fs::rename(&staged, path).map_err(io_error("cannot move the new file into", path))
    });
    if result.is_err() {
        let _ = fs::remove_file(&staged);
    }
    result
}
