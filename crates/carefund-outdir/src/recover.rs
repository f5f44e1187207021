//! Repairing what a writer killed mid-commit left beside its output directory.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::Path;

use super::{MANIFEST, MARK};

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

/// Repair what writers killed while writing into `parent` left there: for every
/// `.NAME.partial-PID` / `.NAME.previous-PID` of a process that no longer runs, remove a
/// staging directory or half-written file, and put an old output directory back (or
/// the entries it kept that `NAME` lacks). Errors are ignored: this is housekeeping.
///
/// [`commit`](super::commit) and [`commit_file`](super::commit_file) call it; a front
/// end may also call it first thing, so that a command that then fails on bad input
/// still repairs what a killed one left.
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
        let target = parent.join(target);
        targets.insert(target.display().to_string());
        repair(&entry.path(), &target);
    }
    // A directory swapped in but killed before its staging mark was removed.
    for target in targets {
        let _ = fs::remove_file(Path::new(&target).join(MARK));
    }
}

/// Repair one side entry `side` of `target`.
fn repair(side: &Path, target: &Path) {
    let is_dir = fs::symlink_metadata(side).is_ok_and(|m| m.is_dir());
    if !is_dir || side.join(MARK).exists() {
        // A half-written file, or a staging directory never swapped in.
        let _ = remove_any(side);
        return;
    }
    // An old output directory moved away (or swapped out) and not yet removed.
    if fs::symlink_metadata(target).is_err() {
        let _ = fs::rename(side, target);
        return;
    }
    let listed = manifest_names(side);
    for kept in fs::read_dir(side).into_iter().flatten().flatten() {
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
    let _ = fs::remove_dir_all(side);
}

fn remove_any(path: &Path) -> io::Result<()> {
    if fs::symlink_metadata(path)?.is_dir() {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    }
}

/// The file names a directory's manifest lists (empty when it has none).
pub(super) fn manifest_names(dir: &Path) -> BTreeSet<String> {
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
