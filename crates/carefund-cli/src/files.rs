//! Reading inputs and writing outputs: clear messages, atomic writes, exit codes.

use std::fs;
use std::io::ErrorKind;
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
            "{shown}: is UTF-16 text; save it as UTF-8 (in most editors: Save As, encoding UTF-8)"
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

/// Write `files` (name, bytes) into `dir` so that no partial file is ever visible: all are
/// written into a staging directory beside `dir` first, then renamed into place.
pub fn write_outputs(dir: &Path, files: &[(String, Vec<u8>)]) -> anyhow::Result<()> {
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    let stem = dir
        .file_name()
        .map_or("out".into(), |s| s.to_string_lossy().into_owned());
    let staging: PathBuf = parent.join(format!(".{stem}.partial-{}", std::process::id()));
    let result = (|| -> anyhow::Result<()> {
        fs::create_dir_all(&staging)
            .with_context(|| format!("cannot create {}", staging.display()))?;
        for (name, bytes) in files {
            let p = staging.join(name);
            fs::write(&p, bytes).with_context(|| format!("cannot write {}", p.display()))?;
        }
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        for (name, _) in files {
            fs::rename(staging.join(name), dir.join(name))
                .with_context(|| format!("cannot move {name} into {}", dir.display()))?;
        }
        Ok(())
    })();
    let _ = fs::remove_dir_all(&staging);
    result
}
