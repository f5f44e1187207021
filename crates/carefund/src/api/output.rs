//! What an outcome writes: the options that choose the files, and the files themselves.

use std::io::Write;

#[cfg(feature = "report")]
use crate::chart::Format;
use crate::error::Result;

/// Which chart formats are drawn. Without the `report` feature no chart is drawn,
/// whatever this says: [`OutputOptions`] then gives the data files only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Charts {
    /// PNG images.
    #[default]
    Png,
    /// SVG documents.
    Svg,
    /// Both, PNG first.
    Both,
    /// No charts.
    None,
}

impl Charts {
    /// The formats, in the order they are drawn.
    #[cfg(feature = "report")]
    pub fn formats(self) -> &'static [Format] {
        match self {
            Charts::Png => &[Format::Png],
            Charts::Svg => &[Format::Svg],
            Charts::Both => &[Format::Png, Format::Svg],
            Charts::None => &[],
        }
    }
}

/// Whether a run writes its per-path table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PathsFile {
    /// `paths.csv`, one row per path, streamed as it is written.
    #[default]
    Csv,
    /// No per-path file.
    None,
}

/// Which files an outcome renders. The charts, the workbook and the HTML page need the
/// library's default `report` feature; without it an outcome's `files` are its text,
/// CSV and JSON files only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutputOptions {
    /// Chart formats.
    pub charts: Charts,
    /// The per-path table of a run.
    pub paths_file: PathsFile,
    /// The Excel workbook report.
    pub workbook: bool,
    /// The self-contained HTML report.
    pub page: bool,
}

/// Where a file belongs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileRole {
    /// In the output directory, under its name.
    Output,
    /// The Excel workbook report (written wherever its caller chooses).
    Workbook,
    /// The HTML report (written wherever its caller chooses).
    Page,
}

/// Writes a large file piece by piece, so that it is never held whole.
pub type Writer<'a> = Box<dyn Fn(&mut dyn Write) -> Result<()> + Sync + 'a>;

/// A file's contents.
pub enum Contents<'a> {
    /// Rendered in memory.
    Bytes(Vec<u8>),
    /// Written on demand (the paths table of a run of millions of paths).
    Stream(Writer<'a>),
}

impl std::fmt::Debug for Contents<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Contents::Bytes(b) => write!(f, "Bytes({} bytes)", b.len()),
            Contents::Stream(_) => f.write_str("Stream"),
        }
    }
}

/// One file of an outcome.
#[derive(Debug)]
pub struct OutputFile<'a> {
    /// Its name in the output directory (`summary.json`, `fan.png` …; `report.xlsx`
    /// and `report.html` for the reports).
    pub name: String,
    /// Where it belongs.
    pub role: FileRole,
    /// What it holds.
    pub contents: Contents<'a>,
}

impl<'a> OutputFile<'a> {
    /// A file of the output directory, rendered in memory.
    pub fn bytes(name: impl Into<String>, bytes: Vec<u8>) -> Self {
        Self {
            name: name.into(),
            role: FileRole::Output,
            contents: Contents::Bytes(bytes),
        }
    }

    /// Its bytes, rendering a streamed file into memory.
    ///
    /// # Errors
    /// What the writer of a streamed file returns.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        match &self.contents {
            Contents::Bytes(b) => Ok(b.clone()),
            Contents::Stream(w) => {
                let mut out = Vec::new();
                w(&mut out)?;
                Ok(out)
            }
        }
    }
}

/// `files` (name, bytes) as output files.
pub(crate) fn outputs(files: Vec<(String, Vec<u8>)>) -> Vec<OutputFile<'static>> {
    files
        .into_iter()
        .map(|(n, b)| OutputFile::bytes(n, b))
        .collect()
}

/// The reports `options` asks for, rendered from `report`.
#[cfg(feature = "report")]
pub(crate) fn reports(
    report: &dyn crate::report::Report,
    options: &OutputOptions,
) -> Result<Vec<OutputFile<'static>>> {
    let mut out = Vec::new();
    if options.workbook {
        out.push(OutputFile {
            name: "report.xlsx".into(),
            role: FileRole::Workbook,
            contents: Contents::Bytes(report.workbook()?),
        });
    }
    if options.page {
        out.push(OutputFile {
            name: "report.html".into(),
            role: FileRole::Page,
            contents: Contents::Bytes(report.page()?),
        });
    }
    Ok(out)
}
