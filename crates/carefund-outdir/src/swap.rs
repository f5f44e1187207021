//! Putting a staged directory in place of the output directory.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::error::{WriteError, io_error};

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

/// Put `staging` in place of `dir`. Returns where the previous `dir` now is (`None`
/// when there was none): `staging` after an exchange, else `previous`.
pub(super) fn swap(
    staging: &Path,
    previous: &Path,
    dir: &Path,
) -> Result<Option<PathBuf>, WriteError> {
    let into = "cannot move the outputs into";
    match fs::symlink_metadata(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            fs::rename(staging, dir).map_err(io_error(into, dir))?;
            return Ok(None);
        }
        Err(e) => return Err(io_error("cannot read", dir)(e)),
        Ok(_) => {}
    }
    if !exchange_disabled() && exchange(staging, dir).map_err(io_error(into, dir))? {
        return Ok(Some(staging.to_path_buf()));
    }
    fs::rename(dir, previous).map_err(io_error("cannot move aside the earlier outputs in", dir))?;
    if let Err(e) = fs::rename(staging, dir) {
        let _ = fs::rename(previous, dir);
        return Err(io_error(into, dir)(e));
    }
    Ok(Some(previous.to_path_buf()))
}
