//! `carefund convert`: a scenario from TOML to an Excel workbook, or back.

use std::io::Write;
use std::process::ExitCode;

use carefund::api::{OutputFile, workbook};

use crate::args::ConvertArgs;
use crate::files::{BadInput, read_input, read_text};

/// `carefund convert IN OUT`: the direction follows the extensions. The input is read
/// and checked first, so a bad input leaves nothing written.
pub fn convert(a: &ConvertArgs) -> anyhow::Result<ExitCode> {
    let (input, output) = (
        a.input.display().to_string(),
        a.output.display().to_string(),
    );
    let bytes = match (
        workbook::is_workbook(&input),
        workbook::is_workbook(&output),
    ) {
        (true, false) if has_extension(&output, "toml") => read_text(&a.input)?.into_bytes(),
        (false, true) if has_extension(&input, "toml") => {
            let text = read_input(&a.input, crate::files::Kind::Scenario)?;
            workbook::from_toml(&text, &input, true)?
        }
        _ => {
            return Err(BadInput(format!(
                "cannot convert {input} to {output}; allowed: a TOML scenario (.toml) to a workbook (.xlsx), or a workbook to a TOML scenario"
            ))
            .into());
        }
    };
    if a.output.exists() && !a.force {
        return Err(BadInput(format!(
            "{output} already exists; choose another path or pass --force to overwrite it"
        ))
        .into());
    }
    carefund::api::outdir::commit_file(&a.output, &OutputFile::bytes(output.clone(), bytes))?;
    writeln!(std::io::stdout(), "wrote {output}")?;
    Ok(ExitCode::SUCCESS)
}

fn has_extension(name: &str, ext: &str) -> bool {
    std::path::Path::new(name)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(ext))
}
