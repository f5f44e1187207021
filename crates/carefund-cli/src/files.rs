//! Reading inputs and writing outputs: clear messages, atomic writes, exit codes.

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

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

/// Write `files` (name, bytes) and the `reports` (path, bytes) as one commit: see
/// [`crate::outdir`]. The output directory `dir` then holds either its previous complete
/// set or the new one, never a mix or a half-written file, and a failure before the
/// commit writes nothing.
pub fn write_outputs(
    dir: &Path,
    files: &[(String, Vec<u8>)],
    reports: &[(PathBuf, Vec<u8>)],
) -> anyhow::Result<()> {
    crate::outdir::commit(dir, files, &[], reports)
}

pub use crate::outdir::Stream;

/// [`write_outputs`] plus `streams`: files whose writers write them into the staging
/// directory piece by piece, under the same all-or-nothing rule.
pub fn write_outputs_streamed(
    dir: &Path,
    files: &[(String, Vec<u8>)],
    streams: &[Stream<'_>],
    reports: &[(PathBuf, Vec<u8>)],
) -> anyhow::Result<()> {
    crate::outdir::commit(dir, files, streams, reports)
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
