//! Reports for finance committees: an Excel workbook ([`xlsx`]) and a self-contained
//! HTML report ([`html`]), both returned as bytes (the CLI writes the files).
//!
//! A report is built from a [`ReportInput`]: the run's [`Summary`], the checked
//! [`Scenario`] (for the assumptions), optionally the [`Simulation`] (for the per-path
//! sheet and the histogram), and any number of extra [`Section`]s. A section is how
//! results of other analyses (stress tests, sensitivity, national portfolios, evidence
//! checks) join the report without this module knowing about them: each becomes one
//! worksheet (its tables, one below the other, and native Excel charts drawn from those
//! tables) and one `<h2>` section of the HTML report (its paragraphs, tables and inline
//! SVG figures), placed after the assumptions and before the methods.
//!
//! A national run (docs/model.md §10) has no single [`Summary`]: its reports are built from a
//! [`NationalInput`] (the [`crate::national::National`] result and the template) by
//! [`national`], with the same cell types, tables and writers. Both inputs implement
//! [`Report`], so a caller can write either without knowing which it has.
//!
//! ```
//! use carefund::report::{Cell, ReportInput, Section, Table, NativeChart, NativeKind, SectionChart};
//! use carefund::{RunOptions, Scenario, simulate, summarise};
//!
//! let scenario = Scenario::from_toml(carefund::EXAMPLE_SCENARIO, "example.toml")?;
//! let sim = simulate(&scenario, &RunOptions { paths: 200, seed: 1, threads: Some(1) }, &|_| {})?;
//! let summary = summarise(&scenario, &sim);
//! let mut input = ReportInput::new(&scenario, &summary).with_simulation(&sim);
//! input.sections.push(Section {
//!     title: "Stress".into(),
//!     paragraphs: vec!["Each stress is paired with the base run path by path.".into()],
//!     tables: vec![Table::new(
//!         "P(break even) under each stress",
//!         &["Stress", "P(break even)"],
//!         vec![vec![Cell::text("effects halved"), Cell::Percent(0.04)]],
//!     )],
//!     charts: vec![SectionChart {
//!         title: "P(break even) per stress".into(),
//!         alt: "Bar chart: effects halved 4%.".into(),
//!         svg: None,
//!         native: Some(NativeChart {
//!             kind: NativeKind::Bar,
//!             table: 0,
//!             categories: 0,
//!             series: vec![1],
//!             value_axis: "P(break even)".into(),
//!         }),
//!     }],
//! });
//! let workbook = carefund::report::xlsx(&input)?;
//! let page = carefund::report::html(&input)?;
//! assert_eq!(&workbook[..2], b"PK");
//! assert!(String::from_utf8(page).unwrap().contains("<h2 id=\"stress\">Stress</h2>"));
//! # Ok::<(), carefund::Error>(())
//! ```

mod content;
mod html;
pub mod national;
mod xlsx;

pub use content::{HeadlineRow, assumption_tables, headline_rows, years_table};
pub use html::html;
pub use national::NationalInput;
pub use xlsx::{PATHS_SHEET_CAP, xlsx};

use crate::engine::Simulation;
use crate::fmt::{number, percent};
use crate::scenario::Scenario;
use crate::summary::Summary;

/// Everything a report shows.
#[derive(Debug, Clone)]
pub struct ReportInput<'a> {
    /// The scenario that was run (for the assumptions and the rating thresholds).
    pub scenario: &'a Scenario,
    /// The run's summary (what `summary.json` holds).
    pub summary: &'a Summary,
    /// The simulation, when the per-path results are at hand: the workbook then has a
    /// *Paths* sheet and the HTML report the histogram of cumulative net.
    pub simulation: Option<&'a Simulation>,
    /// Extra sections (stress, sensitivity, areas, evidence …), in display order.
    pub sections: Vec<Section>,
}

impl<'a> ReportInput<'a> {
    /// A report of `summary`, a run of `scenario`, with no per-path results and no
    /// extra section.
    pub fn new(scenario: &'a Scenario, summary: &'a Summary) -> Self {
        Self {
            scenario,
            summary,
            simulation: None,
            sections: Vec::new(),
        }
    }

    /// Add the per-path results.
    #[must_use]
    pub fn with_simulation(mut self, sim: &'a Simulation) -> Self {
        self.simulation = Some(sim);
        self
    }
}

/// A report that can be written in both formats: a single run's ([`ReportInput`]) or a
/// national run's ([`NationalInput`]).
pub trait Report {
    /// The Excel workbook, as bytes.
    ///
    /// # Errors
    /// [`crate::Error::Export`] if the workbook cannot be assembled.
    fn workbook(&self) -> crate::Result<Vec<u8>>;
    /// The self-contained HTML page, as UTF-8 bytes.
    ///
    /// # Errors
    /// [`crate::Error::Chart`] if a chart cannot be drawn.
    fn page(&self) -> crate::Result<Vec<u8>>;
}

impl Report for ReportInput<'_> {
    fn workbook(&self) -> crate::Result<Vec<u8>> {
        xlsx(self)
    }
    fn page(&self) -> crate::Result<Vec<u8>> {
        html(self)
    }
}

impl Report for NationalInput<'_> {
    fn workbook(&self) -> crate::Result<Vec<u8>> {
        national::national_xlsx(self)
    }
    fn page(&self) -> crate::Result<Vec<u8>> {
        national::national_html(self)
    }
}

/// An extra part of the report: one worksheet and one HTML section.
#[derive(Debug, Clone, Default)]
pub struct Section {
    /// The heading, and the worksheet's name (shortened to Excel's 31 characters and
    /// stripped of `[]:*?/\`), e.g. `Stress`, `Sensitivity`, `Areas`.
    pub title: String,
    /// Explanatory paragraphs (plain text; escaped in HTML).
    pub paragraphs: Vec<String>,
    /// Tables, in order.
    pub tables: Vec<Table>,
    /// Charts, in order. In the workbook each `native` chart is drawn by Excel from the
    /// section's tables; in the HTML report each `svg` is embedded inline.
    pub charts: Vec<SectionChart>,
}

/// A chart of an extra section.
#[derive(Debug, Clone, Default)]
pub struct SectionChart {
    /// Title (the figure caption in HTML, the chart title in Excel).
    pub title: String,
    /// A text alternative: what the chart shows, in words, for screen readers.
    pub alt: String,
    /// An SVG document (e.g. from [`crate::chart`] with [`crate::chart::Format::Svg`])
    /// for the HTML report; `None`: the HTML report shows the caption and the tables only.
    pub svg: Option<String>,
    /// A native Excel chart of one of the section's tables; `None`: no chart in the
    /// workbook.
    pub native: Option<NativeChart>,
}

/// A native Excel chart drawn from the columns of one of a section's tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NativeChart {
    /// Bar, column or line.
    pub kind: NativeKind,
    /// Index of the table in [`Section::tables`].
    pub table: usize,
    /// Column holding the category labels (e.g. the stress names).
    pub categories: usize,
    /// Columns holding the values, one series each (named by the column header).
    pub series: Vec<usize>,
    /// Title of the value axis.
    pub value_axis: String,
}

/// The kinds of native chart a section may ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NativeKind {
    /// Horizontal bars (one per row), e.g. P(break even) per stress or a tornado.
    Bar,
    /// Vertical columns.
    Column,
    /// Lines.
    Line,
}

/// A table: a title, column headers and rows of typed cells.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// Title (the `<caption>` in HTML, a bold line above the table in Excel).
    pub title: String,
    /// Column headers.
    pub columns: Vec<String>,
    /// Rows; each has one cell per column (missing cells are left empty). The first
    /// cell of a row is its header in HTML (`<th scope="row">`).
    pub rows: Vec<Vec<Cell>>,
    /// A note printed below the table.
    pub note: Option<String>,
}

impl Table {
    /// A table with no note.
    pub fn new(title: &str, columns: &[&str], rows: Vec<Vec<Cell>>) -> Self {
        Self {
            title: title.into(),
            columns: columns.iter().map(|c| (*c).to_string()).collect(),
            rows,
            note: None,
        }
    }
}

/// One typed cell: the workbook stores numbers as numbers with a display format; the
/// HTML report prints them in words a reader expects (`£12.7m`, `34%`, `1,234`), money in
/// the scenario's currency.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text.
    Text(String),
    /// Money in the scenario's currency (Excel format `£#,##0`, `€#,##0` …).
    Money(f64),
    /// A share or probability in [0, 1] (Excel format `0.0%`).
    Percent(f64),
    /// A count, shown as a whole number (Excel format `#,##0`).
    Count(f64),
    /// Any other number (Excel format `0.00`; HTML up to 4 significant decimals).
    Number(f64),
    /// Nothing.
    Empty,
}

impl Cell {
    /// A text cell.
    pub fn text(s: impl Into<String>) -> Self {
        Cell::Text(s.into())
    }

    /// The cell as a reader sees it in the HTML report, money in `currency`.
    pub fn display(&self, currency: crate::fmt::Currency) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Money(x) => currency.money(*x),
            Cell::Percent(p) => percent(*p),
            Cell::Count(x) => crate::fmt::group(*x),
            Cell::Number(x) => number(*x),
            Cell::Empty => String::new(),
        }
    }

    /// True for the numeric kinds (right-aligned in tables).
    pub fn is_numeric(&self) -> bool {
        matches!(
            self,
            Cell::Money(_) | Cell::Percent(_) | Cell::Count(_) | Cell::Number(_)
        )
    }
}

/// The SVG text of a drawn chart, or `None` if it could not be drawn (the HTML report
/// then shows the chart's caption and text alternative only).
pub(crate) fn svg_or_none(bytes: crate::Result<Vec<u8>>) -> Option<String> {
    bytes.ok().and_then(|b| String::from_utf8(b).ok())
}
