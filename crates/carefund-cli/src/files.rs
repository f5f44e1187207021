//! Reading inputs and writing outputs: clear messages, atomic writes, exit codes.

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use carefund_outdir as outdir;

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
            || c.downcast_ref::<carefund::api::Error>()
                .is_some_and(crate::failure::is_bad_input)
            || c.downcast_ref::<outdir::WriteError>()
                .is_some_and(outdir::WriteError::is_bad_place)
    });
    ExitCode::from(if bad { 2 } else { 1 })
}

/// What an input file is: the words of its messages and its size cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A scenario (or template) file, TOML.
    Scenario,
    /// An evidence file, TOML.
    Evidence,
    /// A stress file, TOML.
    Stress,
    /// A scenario workbook (its scenario, or the stresses of its Stresses sheet), .xlsx.
    Workbook,
    /// The areas file of `national`, CSV.
    Areas,
    /// A shard file of `run --shard`, JSON.
    Shard,
}

/// One mebibyte.
const MIB: u64 = 1 << 20;

impl Kind {
    /// "a scenario file (.toml)" and the like.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Scenario => "a scenario file (.toml)",
            Kind::Evidence => "an evidence file (.toml)",
            Kind::Stress => "a stress file (.toml)",
            Kind::Workbook => "a scenario workbook (.xlsx)",
            Kind::Areas => "an areas file (.csv)",
            Kind::Shard => "a shard file (shard-K-of-N.json)",
        }
    }

    /// The largest file accepted, in bytes: 16 MiB for TOML files and workbooks (the largest shipped
    /// scenario is a few kB), 1 GiB for an areas CSV, 16 GiB for a shard (Swindon's
    /// shard files measured 1,010 bytes a path plus 3.5 MB: about 17 million paths a
    /// shard; split bigger runs into more shards).
    pub fn cap(self) -> u64 {
        match self {
            Kind::Scenario | Kind::Evidence | Kind::Stress | Kind::Workbook => 16 * MIB,
            Kind::Areas => 1024 * MIB,
            Kind::Shard => 16 * 1024 * MIB,
        }
    }

    fn format(self) -> &'static str {
        match self {
            Kind::Scenario | Kind::Evidence | Kind::Stress => "TOML",
            Kind::Areas => "CSV",
            Kind::Workbook => "Excel (.xlsx)",
            Kind::Shard => "JSON",
        }
    }
}

/// A size in bytes for messages: "16 MiB", "1 GiB", "2.5 MiB", "300 bytes".
fn size(bytes: u64) -> String {
    if bytes >= 1024 * MIB {
        format!("{} GiB", trim(bytes as f64 / (1024 * MIB) as f64))
    } else if bytes >= MIB {
        format!("{} MiB", trim(bytes as f64 / MIB as f64))
    } else {
        format!("{bytes} bytes")
    }
}

fn trim(x: f64) -> String {
    let s = format!("{x:.1}");
    s.strip_suffix(".0").map_or(s.clone(), str::to_string)
}

/// Open an input file for reading, refusing what is not a regular file (a directory, a
/// FIFO, a device such as `/dev/zero`: they would block or never end) and a file larger
/// than the kind's cap. The reader stops after cap + 1 bytes, so a file that grows while
/// being read is still bounded; [`read_input`] turns the extra byte into an error.
pub fn open_input(path: &Path, kind: Kind) -> anyhow::Result<std::io::Take<fs::File>> {
    use std::io::Read;
    let shown = path.display();
    let meta = fs::metadata(path).map_err(|e| {
        BadInput(match e.kind() {
            ErrorKind::NotFound => format!("{shown}: no such file"),
            ErrorKind::PermissionDenied => {
                format!("{shown}: permission denied (cannot read the file)")
            }
            _ => format!("{shown}: cannot read: {e}"),
        })
    })?;
    refuse_special(path, &meta, kind)?;
    if meta.len() > kind.cap() {
        return Err(too_big(path, kind, Some(meta.len())).into());
    }
    let file = fs::File::open(path).map_err(|e| {
        BadInput(match e.kind() {
            ErrorKind::PermissionDenied => {
                format!("{shown}: permission denied (cannot read the file)")
            }
            _ => format!("{shown}: cannot read: {e}"),
        })
    })?;
    // The file opened may not be the one looked at (replaced in between): look again.
    let meta = file
        .metadata()
        .map_err(|e| BadInput(format!("{shown}: cannot read: {e}")))?;
    refuse_special(path, &meta, kind)?;
    Ok(file.take(kind.cap() + 1))
}

fn refuse_special(path: &Path, meta: &fs::Metadata, kind: Kind) -> Result<(), BadInput> {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    let what = if t.is_file() {
        return Ok(());
    } else if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a named pipe (FIFO)"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    };
    Err(BadInput(format!(
        "{}: is {what}, not a regular file; expected {}",
        path.display(),
        kind.noun()
    )))
}

fn too_big(path: &Path, kind: Kind, bytes: Option<u64>) -> BadInput {
    BadInput(format!(
        "{}: is {}; {} may be at most {} ({} bytes)",
        path.display(),
        bytes.map_or_else(
            || format!("larger than {}", size(kind.cap())),
            |b| format!("{b} bytes")
        ),
        kind.noun(),
        size(kind.cap()),
        kind.cap()
    ))
}

/// Read a scenario file as TOML text; see [`read_input`]. A workbook (`*.xlsx`) is read
/// and checked, and its TOML translation returned (errors name the sheet and cell), so
/// every command that takes a scenario also takes a workbook.
pub fn read_text(path: &Path) -> anyhow::Result<String> {
    if carefund::api::workbook::is_workbook(&path.display().to_string()) {
        let bytes = read_bytes(path, Kind::Workbook)?;
        return Ok(carefund::api::workbook::to_toml(
            &bytes,
            &path.display().to_string(),
        )?);
    }
    read_input(path, Kind::Scenario)
}

/// Read an input file's bytes, with the checks of [`open_input`] and the size cap.
pub fn read_bytes(path: &Path, kind: Kind) -> anyhow::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    open_input(path, kind)?
        .read_to_end(&mut bytes)
        .map_err(|e| BadInput(format!("{}: cannot read: {e}", path.display())))?;
    if bytes.len() as u64 > kind.cap() {
        return Err(too_big(path, kind, None).into());
    }
    Ok(bytes)
}

/// Read a text input file of `kind`, with a message that names it and says what is
/// wrong: not a regular file, too large, not UTF-8 text.
pub fn read_input(path: &Path, kind: Kind) -> anyhow::Result<String> {
    use std::io::Read;
    let shown = path.display();
    let mut bytes = Vec::new();
    open_input(path, kind)?
        .read_to_end(&mut bytes)
        .map_err(|e| BadInput(format!("{shown}: cannot read: {e}")))?;
    if bytes.len() as u64 > kind.cap() {
        return Err(too_big(path, kind, None).into());
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(BadInput(format!(
            "{shown}: is not a text file in UTF-8 (it starts like UTF-16 text); save it as UTF-8 (in most editors: Save As, encoding UTF-8)"
        ))
        .into());
    }
    String::from_utf8(bytes).map_err(|e| {
        BadInput(format!(
            "{shown}: is not a text file (invalid UTF-8 at byte {}); expected {} in {} text (UTF-8)",
            e.utf8_error().valid_up_to(),
            kind.noun(),
            kind.format()
        ))
        .into()
    })
}

/// What [`write_outcome`] wrote: the output directory's file names (the manifest last)
/// and the reports' paths.
pub struct Written {
    /// File names in the output directory, in the outcome's order, then the manifest.
    pub names: Vec<String>,
    /// Where the reports went.
    pub reports: Vec<PathBuf>,
}

/// Write a library outcome's `files` as one commit (see [`carefund_outdir`]):
/// files of the output directory into `dir` (streamed files piece by piece), the
/// workbook and the page where `--xlsx` and `--report` say. The output directory then
/// holds either its previous complete set or the new one, never a mix or a half-written
/// file, and a failure before the commit writes nothing.
pub fn write_outcome(
    dir: &Path,
    files: &[carefund::api::OutputFile<'_>],
    places: &crate::args::ReportArgs,
) -> anyhow::Result<Written> {
    use carefund::api::FileRole;
    let mut inside = Vec::new();
    let mut placed = Vec::new();
    for file in files {
        let place = match file.role {
            FileRole::Output => {
                inside.push(file);
                continue;
            }
            FileRole::Workbook => places.xlsx.as_ref(),
            FileRole::Page => places.report.as_ref(),
        };
        if let Some(path) = place {
            placed.push((path.clone(), file));
        }
    }
    let names = outdir::commit(dir, &inside, &placed)?;
    Ok(Written {
        names,
        reports: placed.into_iter().map(|(p, _)| p).collect(),
    })
}

/// Write a use case's `files` into `out` (the reports where `places` says), then print
/// its `text` and what was written: `wrote OUT: names` (after `seed N · ` when `seed` is
/// given) and a `wrote PATH` line per report.
pub fn finish(
    out: &Path,
    text: &str,
    files: &[carefund::api::OutputFile<'_>],
    places: &crate::args::ReportArgs,
    seed: Option<u64>,
) -> anyhow::Result<ExitCode> {
    use std::io::Write;
    let written = write_outcome(out, files, places)?;
    let mut stdout = std::io::stdout().lock();
    write!(stdout, "{text}")?;
    let seed = seed.map_or(String::new(), |s| format!("seed {s} · "));
    writeln!(
        stdout,
        "\n{seed}wrote {}: {}",
        out.display(),
        written.names.join(", ")
    )?;
    for path in &written.reports {
        writeln!(stdout, "wrote {}", path.display())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Refuse an output directory that cannot be created because it, or a directory above
/// it, is a regular file. Called before simulating, so a long run is not wasted.
pub fn check_output_dir(dir: &Path) -> anyhow::Result<()> {
    Ok(outdir::check(dir)?)
}

/// [`check_output_dir`] for a directory that is replaced as a whole (every command's
/// but `run --shard`'s): it cannot be the current directory or one above it.
pub fn check_replaceable_dir(dir: &Path) -> anyhow::Result<()> {
    Ok(outdir::check_replaceable(dir)?)
}
