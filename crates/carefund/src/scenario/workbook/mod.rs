//! Scenario workbooks (`.xlsx`): the same scenario as a TOML file, laid out for a finance
//! analyst, one sheet per part (docs/model.md §8 "Workbooks").
//!
//! Reading turns the workbook into the TOML text a user would have written, remembering
//! which cell each value came from, and runs the one scenario check on that text; its
//! diagnostics are then moved from TOML lines to cells (`Schemes!F7`). Mistakes that only
//! a workbook can make (text or a date where a number belongs, an empty required cell, a
//! formula without a saved value, merged cells, a missing sheet, an unknown distribution
//! form, a file that is not a workbook) are caught while reading, with sheet and cell.
//!
//! Writing lays a checked TOML scenario out on the sheets: coloured, unlocked input cells
//! on protected sheets, drop-downs for every choice, one column per distribution
//! parameter, a note on each header and a Source column that holds the TOML comments.
//! The output is byte-stable (fixed document properties), so shipped workbooks can be
//! checked to be up to date.

mod layout;
mod read;
mod stresses;
#[cfg(feature = "report")]
mod write;

pub(crate) use read::stresses as read_stresses;
pub(crate) use stresses::StressCells;

use std::ops::Range;

use crate::error::{Diagnostic, Error, Result};

use super::Scenario;

/// A segment of a path into the TOML document: a key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    Key(String),
    Index(usize),
}

/// Where a value of the TOML translation came from: a cell or a block of cells.
#[derive(Debug, Clone)]
pub(crate) struct Loc {
    pub sheet: &'static str,
    pub row: u32,
    pub col: u16,
    pub last_row: u32,
    pub last_col: u16,
    /// How to show the value in a message, when the TOML text would not read well (a
    /// distribution's form and parameters).
    pub shown: Option<String>,
}

impl Loc {
    pub(crate) fn cell(sheet: &'static str, row: u32, col: u16) -> Self {
        Self {
            sheet,
            row,
            col,
            last_row: row,
            last_col: col,
            shown: None,
        }
    }

    /// `Sheet!A1` or `Sheet!A1:E1`; a sheet name with spaces is quoted, as Excel does.
    pub(crate) fn address(&self) -> String {
        let sheet = if self.sheet.contains(' ') {
            format!("'{}'", self.sheet)
        } else {
            self.sheet.to_string()
        };
        let first = layout::address(self.row, self.col);
        if (self.last_row, self.last_col) == (self.row, self.col) {
            format!("{sheet}!{first}")
        } else {
            format!(
                "{sheet}!{first}:{}",
                layout::address(self.last_row, self.last_col)
            )
        }
    }
}

/// A workbook read into TOML: the text, and the cell of every value in it.
pub(crate) struct Translation {
    pub text: String,
    pub cells: Vec<(Vec<Seg>, Loc)>,
}

/// Read a scenario workbook and return its TOML translation, checked: the text that
/// `carefund convert plan.xlsx plan.toml` writes, and that every command runs. Sources
/// (the Source columns) become TOML comments.
///
/// # Errors
/// [`Error::Input`] whose [`Diagnostic`] names the workbook, the cell (`Schemes!F7`),
/// the key, the value and what is allowed: for bytes that are not an `.xlsx` workbook,
/// a missing sheet, merged cells, text or a date where a number belongs, an empty
/// required cell, a formula without a saved value, an unknown distribution form or
/// choice, and every rule of the scenario check (docs/model.md §2–§8).
pub fn to_toml(bytes: &[u8], origin: &str) -> Result<String> {
    let t = read::translate(bytes, origin)?;
    check(&t, origin)?;
    Ok(t.text)
}

/// Read and check a scenario workbook (see [`to_toml`]). The scenario's hash is that
/// of its TOML translation, so re-saving a workbook without changing a value keeps it.
///
/// # Errors
/// As [`to_toml`].
pub fn from_xlsx(bytes: &[u8], origin: &str) -> Result<Scenario> {
    Ok(read(bytes, origin)?.0)
}

/// Read and check a scenario workbook: the scenario ([`from_xlsx`]) and its TOML
/// translation ([`to_toml`]), from one reading.
///
/// # Errors
/// As [`to_toml`].
pub fn read(bytes: &[u8], origin: &str) -> Result<(Scenario, String)> {
    let t = read::translate(bytes, origin)?;
    let scenario = check(&t, origin)?;
    Ok((scenario, t.text))
}

/// Lay a TOML scenario out as a workbook (`carefund convert plan.toml plan.xlsx`, and
/// `carefund init --xlsx`). With `sources`, each key's TOML comments go to its Source
/// cell; without, Source cells are left empty for the user to fill in.
///
/// # Errors
/// [`Error::Input`] for a scenario that does not pass the check (the diagnostic names
/// the TOML file and line), and [`Error::Export`] if the workbook cannot be assembled.
#[cfg(feature = "report")]
pub fn from_toml(text: &str, origin: &str, sources: bool) -> Result<Vec<u8>> {
    write_with_stresses(text, origin, sources, None)
}

/// [`from_toml`] with the text of a stress file, already checked (by
/// `crate::stress::workbook`), for the Stresses sheet.
#[cfg(feature = "report")]
pub(crate) fn write_with_stresses(
    text: &str,
    origin: &str,
    sources: bool,
    stresses: Option<&str>,
) -> Result<Vec<u8>> {
    super::check::load(text, origin)?;
    write::workbook(text, origin, sources, stresses)
}

/// Whether a file name names a workbook (ends in `.xlsx`, any case).
pub fn is_workbook(name: &str) -> bool {
    std::path::Path::new(name)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

/// An error of the check on a workbook's translation `t`, its diagnostic moved from the
/// line of the translation to the cell the value came from.
pub(crate) fn relocated(e: Error, t: &Translation) -> Error {
    match e {
        Error::Input(d) => Error::Input(Box::new(relocate(*d, t))),
        other => other,
    }
}

fn check(t: &Translation, origin: &str) -> Result<Scenario> {
    let relocated = |e| relocated(e, t);
    let mut scenario = Scenario::from_toml(&t.text, origin).map_err(relocated)?;
    // The Scenario sheet's national rows, checked here so that a bad one names its cell.
    super::national::factors(&t.text, origin).map_err(relocated)?;
    // A scheme's kind is checked against evidence later: it keeps its cell for that.
    for (i, scheme) in scenario.schemes.iter_mut().enumerate() {
        let path = [
            Seg::Key("scheme".into()),
            Seg::Index(i),
            Seg::Key("kind".into()),
        ];
        if let Some((_, at)) = &mut scheme.kind
            && let Some((_, loc)) = t.cells.iter().find(|(p, _)| p.as_slice() == path)
        {
            *at = Some(super::Written::Cell(loc.address()));
        }
    }
    Ok(scenario)
}

/// Move a diagnostic of the TOML translation from its line to the cell the value came
/// from: the narrowest value of the translation that holds the diagnostic's position.
fn relocate(mut d: Diagnostic, t: &Translation) -> Diagnostic {
    let offset = d
        .line
        .map(|line| offset_of(&t.text, line, d.column.unwrap_or(1)));
    d.line = None;
    d.column = None;
    let Some(offset) = offset else {
        return d;
    };
    let Ok(doc) = toml_edit::Document::parse(t.text.as_str()) else {
        return d;
    };
    let spans: Vec<(Range<usize>, &Loc)> = t
        .cells
        .iter()
        .filter_map(|(path, loc)| span_of(&doc, path).map(|s| (s, loc)))
        .collect();
    let at = |offset: usize| {
        spans
            .iter()
            .filter(|(s, _)| s.start <= offset && offset < s.end.max(s.start + 1))
            .min_by_key(|(s, _)| s.len())
            .map(|(_, loc)| *loc)
    };
    if let Some(loc) = at(offset) {
        d.cell = Some(loc.address());
        if let Some(shown) = &loc.shown {
            if d.value.is_some() {
                d.value = Some(shown.clone());
            }
            d.allowed = d.allowed.map(|a| in_cells(&a));
        }
    }
    // "first used on line 50" names a line of the translation: name its cell instead.
    if let Some((before, after)) = d.problem.split_once("on line ") {
        let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
        if let Ok(line) = digits.parse::<usize>() {
            let start = offset_of(&t.text, line, 1);
            let end = offset_of(&t.text, line + 1, 1);
            let first = spans
                .iter()
                .filter(|(s, _)| s.start >= start && s.start < end)
                .min_by_key(|(s, _)| s.len())
                .map(|(_, loc)| loc.address());
            if let Some(cell) = first {
                d.problem = format!("{before}in {cell}{}", &after[digits.len()..]);
            }
        }
    }
    d
}

/// The distribution shapes of the check's messages, in the workbook's terms.
fn in_cells(allowed: &str) -> String {
    const SHAPES: &[(&str, &str)] = &[
        ("{ uniform = [min, max] }", "uniform (p1 min, p2 max)"),
        (
            "{ triangular = [min, mode, max] }",
            "triangular (p1 min, p2 mode, p3 max)",
        ),
        (
            "{ pert = [min, mode, max] }",
            "pert (p1 min, p2 mode, p3 max)",
        ),
        ("{ ci90 = [low, high] }", "ci90 (p1 low, p2 high)"),
        (
            "{ normal = { mean = m, sd = s } }",
            "normal (p1 mean m, p2 sd s, optional p3 min, p4 max)",
        ),
        (
            "{ normal = { mean, sd, min?, max? } }",
            "normal (p1 mean, p2 sd, optional p3 min, p4 max)",
        ),
        (
            "{ lognormal = { median = m, p90 = q } }",
            "lognormal (p1 median m, p2 p90 q)",
        ),
        (
            "{ lognormal = { median, p90 } }",
            "lognormal (p1 median, p2 p90)",
        ),
        (
            "{ lognormal = { mean = m, sd = s } }",
            "lognormal mean-sd (p1 mean m, p2 sd s)",
        ),
        (
            "{ lognormal = { mean, sd } }",
            "lognormal mean-sd (p1 mean, p2 sd)",
        ),
        (
            "{ beta = { alpha = a, beta = b } }",
            "beta (p1 alpha a, p2 beta b)",
        ),
        ("{ beta = { alpha, beta } }", "beta (p1 alpha, p2 beta)"),
        ("a number, or one of", "fixed (p1 the value), or one of"),
        (
            "give a normal `min`/`max`",
            "give a normal a min and max (p3, p4)",
        ),
    ];
    SHAPES
        .iter()
        .fold(allowed.to_string(), |a, (from, to)| a.replace(from, to))
}

fn span_of(doc: &toml_edit::Document<&str>, path: &[Seg]) -> Option<Range<usize>> {
    let mut item = doc.as_item();
    for seg in path {
        item = match seg {
            Seg::Key(k) => item.get(k.as_str())?,
            Seg::Index(i) => item.get(*i)?,
        };
    }
    item.span()
}

/// Byte offset of a 1-based line and column (in characters).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = text.get(start..).unwrap_or("");
    start
        + rest
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(rest.len(), |(i, _)| i)
}

#[cfg(all(test, feature = "report"))]
mod tests;
