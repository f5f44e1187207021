//! `--xlsx` and `--report`: checked before any work, rendered before anything is
//! written (so a failure leaves no output), then written atomically.

use std::path::PathBuf;

use carefund::report::Report;

use crate::args::ReportArgs;
use crate::files::{BadInput, write_file_atomically};

impl ReportArgs {
    /// Whether any report was asked for.
    pub fn wanted(&self) -> bool {
        self.xlsx.is_some() || self.report.is_some()
    }

    /// Refuse report paths that are directories or lie under a file, before any
    /// simulation. (A missing parent directory is created when the report is written.)
    pub fn check(&self) -> anyhow::Result<()> {
        for path in [&self.xlsx, &self.report].into_iter().flatten() {
            if path.is_dir() {
                return Err(BadInput(format!(
                    "{}: is a directory; expected a file name for the report",
                    path.display()
                ))
                .into());
            }
            if let Some(file) = path.ancestors().skip(1).find(|a| a.is_file()) {
                return Err(BadInput(format!(
                    "{}: cannot create this report because {} is a file",
                    path.display(),
                    file.display()
                ))
                .into());
            }
        }
        Ok(())
    }

    /// The requested reports as (path, bytes), rendered in memory.
    pub fn render(&self, input: &dyn Report) -> anyhow::Result<Vec<(PathBuf, Vec<u8>)>> {
        let mut reports = Vec::new();
        if let Some(path) = &self.xlsx {
            reports.push((path.clone(), input.workbook()?));
        }
        if let Some(path) = &self.report {
            reports.push((path.clone(), input.page()?));
        }
        Ok(reports)
    }
}

/// Write rendered reports, each atomically.
pub fn write(reports: &[(PathBuf, Vec<u8>)]) -> anyhow::Result<()> {
    for (path, bytes) in reports {
        write_file_atomically(path, bytes)?;
    }
    Ok(())
}
