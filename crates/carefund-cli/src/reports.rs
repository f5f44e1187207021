//! `--xlsx` and `--report`: checked before any work, rendered before anything is
//! written, and committed together with the command's outputs (see [`carefund_outdir`]), so
//! a report that cannot be written leaves no output.

use std::path::Path;

use carefund::api::{Charts, OutputOptions, PathsFile};

use crate::args::{ChartFormat, ReportArgs};
use crate::files::BadInput;
use carefund_outdir::{resolve, same_file};

impl ReportArgs {
    /// Whether any report was asked for.
    pub fn wanted(&self) -> bool {
        self.xlsx.is_some() || self.report.is_some()
    }

    /// Refuse report paths before any simulation: a directory, a path under a file, an
    /// extension that does not match the report (`.xlsx`; `.html` or `.htm`), one of the
    /// command's `inputs`, or the output directory `out` itself. (Files the command writes
    /// inside `out` never end in `.xlsx` or `.html`; the commit checks names again.) A
    /// missing parent directory is created when the report is written.
    pub fn check(&self, inputs: &[(&str, &Path)], out: &Path) -> anyhow::Result<()> {
        let wanted = [
            (
                "--xlsx",
                &self.xlsx,
                &["xlsx"][..],
                "an Excel workbook (.xlsx)",
            ),
            (
                "--report",
                &self.report,
                &["html", "htm"][..],
                "an HTML page (.html or .htm)",
            ),
        ];
        for (option, path, extensions, what) in wanted {
            let Some(path) = path else { continue };
            let shown = path.display();
            if let Some((what, _)) = inputs.iter().find(|(_, i)| same_file(i, path)) {
                return Err(BadInput(format!(
                    "{option} {shown}: is {what} this command reads; writing the report there would overwrite it — choose another file name"
                ))
                .into());
            }
            if resolve(path) == resolve(out) {
                return Err(BadInput(format!(
                    "{option} {shown}: is the output directory (--out); give a file name for the report"
                ))
                .into());
            }
            if path.is_dir() {
                return Err(BadInput(format!(
                    "{option} {shown}: is a directory; expected a file name for the report"
                ))
                .into());
            }
            let ext = path
                .extension()
                .map(|e| e.to_string_lossy().to_ascii_lowercase());
            if !ext.as_deref().is_some_and(|e| extensions.contains(&e)) {
                return Err(BadInput(format!(
                    "{option} {shown}: the report is {what}; give a file name ending in .{}",
                    extensions.join(" or .")
                ))
                .into());
            }
            if let Some(file) = path.ancestors().skip(1).find(|a| a.is_file()) {
                return Err(BadInput(format!(
                    "{option} {shown}: cannot create this report because {} is a file",
                    file.display()
                ))
                .into());
            }
        }
        Ok(())
    }

    /// The files a command writes: charts in `format`, the per-path table, and the
    /// reports asked for.
    pub fn output(&self, format: ChartFormat) -> OutputOptions {
        OutputOptions {
            charts: match format {
                ChartFormat::Png => Charts::Png,
                ChartFormat::Svg => Charts::Svg,
                ChartFormat::Both => Charts::Both,
            },
            paths_file: PathsFile::Csv,
            workbook: self.xlsx.is_some(),
            page: self.report.is_some(),
        }
    }
}
