//! `carefund convert`: a scenario from TOML to an Excel workbook, or back, with the
//! stresses of the workbook's Stresses sheet in a stress file beside the TOML scenario.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use carefund::api::{OutputFile, stress_sheet, workbook};
use carefund_outdir as outdir;

use crate::args::ConvertArgs;
use crate::files::{BadInput, Kind, read_bytes, read_input};

/// `carefund convert IN OUT`: the direction follows the extensions. The inputs are read
/// and checked first, so a bad input leaves nothing written.
pub fn convert(a: &ConvertArgs) -> anyhow::Result<ExitCode> {
    let (input, output) = (
        a.input.display().to_string(),
        a.output.display().to_string(),
    );
    let files: Vec<(PathBuf, Vec<u8>)> = match (
        workbook::is_workbook(&input),
        workbook::is_workbook(&output),
    ) {
        (true, false) if has_extension(&output, "toml") => from_workbook(a)?,
        (false, true) if has_extension(&input, "toml") => {
            let text = read_input(&a.input, Kind::Scenario)?;
            let stresses = match &a.stresses {
                Some(path) => Some((
                    crate::stress::stress_file(path)?.0,
                    path.display().to_string(),
                )),
                None => None,
            };
            let stresses = stresses.as_ref().map(|(t, o)| (t.as_str(), o.as_str()));
            let bytes = stress_sheet::to_workbook(&text, &input, true, stresses)?;
            vec![(a.output.clone(), bytes)]
        }
        _ => {
            return Err(BadInput(format!(
                "cannot convert {input} to {output}; allowed: a TOML scenario (.toml) to a workbook (.xlsx), or a workbook to a TOML scenario"
            ))
            .into());
        }
    };
    for (path, _) in &files {
        if path.exists() && !a.force {
            return Err(BadInput(format!(
                "{} already exists; choose another path or pass --force to overwrite it",
                path.display()
            ))
            .into());
        }
    }
    let mut stdout = std::io::stdout();
    for (path, bytes) in files {
        let name = path.display().to_string();
        outdir::commit_file(&path, &OutputFile::bytes(name.clone(), bytes))?;
        writeln!(stdout, "wrote {name}")?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The scenario of a workbook as TOML, and its stresses (checked against it) as a stress
/// file beside it: `plan.toml` and `plan.stresses.toml`.
fn from_workbook(a: &ConvertArgs) -> anyhow::Result<Vec<(PathBuf, Vec<u8>)>> {
    if a.stresses.is_some() {
        return Err(BadInput(format!(
            "--stresses goes with a TOML input (it fills the Stresses sheet of the workbook written); the stresses of {} go to {} by themselves",
            a.input.display(),
            companion(&a.output).display()
        ))
        .into());
    }
    let origin = a.input.display().to_string();
    let bytes = read_bytes(&a.input, Kind::Workbook)?;
    let toml = workbook::to_toml(&bytes, &origin)?;
    let mut files = vec![(a.output.clone(), toml.into_bytes())];
    if let Some(sheet) = stress_sheet::read(&bytes, &origin)? {
        stress_sheet::check(&sheet.overlays, &workbook::from_xlsx(&bytes, &origin)?)?;
        files.push((companion(&a.output), sheet.toml.into_bytes()));
    }
    Ok(files)
}

/// The stress file beside a TOML scenario: `plan.toml` → `plan.stresses.toml`.
pub fn companion(scenario: &Path) -> PathBuf {
    scenario.with_extension("stresses.toml")
}

fn has_extension(name: &str, ext: &str) -> bool {
    std::path::Path::new(name)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(ext))
}
