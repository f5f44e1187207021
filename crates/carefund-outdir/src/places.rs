//! Paths: where an output directory's side entries go, two spellings of one place, and
//! the checks of a place for outputs (made before any work, so a long run is not
//! wasted).

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};

use super::WriteError;

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
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(x), Ok(y)) = (fs::metadata(a), fs::metadata(b)) {
            return x.dev() == y.dev() && x.ino() == y.ino();
        }
    }
    resolve(a) == resolve(b)
}

/// Refuse a directory for outputs that cannot be created because it, or a directory
/// above it, is a regular file.
///
/// # Errors
/// [`WriteError::IsAFile`] or [`WriteError::UnderAFile`].
pub fn check(dir: &Path) -> Result<(), WriteError> {
    if dir.is_file() {
        return Err(WriteError::IsAFile {
            dir: dir.to_path_buf(),
        });
    }
    if let Some(file) = dir.ancestors().skip(1).find(|a| a.is_file()) {
        return Err(WriteError::UnderAFile {
            dir: dir.to_path_buf(),
            file: file.to_path_buf(),
        });
    }
    Ok(())
}

/// [`check`] for a directory that is replaced as a whole by [`commit`](super::commit):
/// it cannot be the current directory or one above it either.
///
/// # Errors
/// [`check`]'s, and [`WriteError::HoldsCurrentDir`].
pub fn check_replaceable(dir: &Path) -> Result<(), WriteError> {
    check(dir)?;
    if let Ok(here) = std::env::current_dir().and_then(fs::canonicalize)
        && here.starts_with(resolve(dir))
    {
        return Err(WriteError::HoldsCurrentDir {
            dir: dir.to_path_buf(),
        });
    }
    Ok(())
}
