//! The Excel workbook (`--xlsx FILE`), written with `rust_xlsxwriter`.
//!
//! | sheet | what it holds |
//! |---|---|
//! | *Summary* | the scenario, its SHA-256, carefund's version, seed and paths; the rating and its reasons; warnings; every headline metric with its standard error and its key in `summary.json`; the break-even-year distribution; the fan chart |
//! | *Fan chart* | the cumulative-net fan as a native Excel chart (stacked area bands P5–P95, P10–P90, P25–P75, the median and the plan's own case) and the table it is drawn from |
//! | *By year* | per financial year: avoided admissions, the plan's claim, cashable savings, spend, net, median cumulative net, P(cumulative net ≥ 0) |
//! | *By period* | one long table (with a filter): per quantity and period, mean, sd, se and P1 … P99 |
//! | *Assumptions* | every uncertain input (distribution in words, central value, P10, P90), the fixed parameters and the schemes |
//! | *Paths* | one row per simulated future (up to [`PATHS_SHEET_CAP`], with a note when capped): its summary and sampled inputs |
//! | one per [`Section`] | its paragraphs, tables and native charts |
//!
//! Money is formatted in the scenario's currency (`£#,##0`, `€#,##0` …), shares `0.0%`, counts `#,##0`; header rows are frozen.

use std::collections::BTreeSet;

use rust_xlsxwriter::{
    Chart, ChartAxisLabelPosition, ChartFormat, ChartLegendPosition, ChartLine, ChartLineDashType,
    ChartSolidFill, ChartType, Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
    XlsxError,
};

use super::content::{assumption_tables, headline_rows, years_table};
use super::{Cell, NativeKind, ReportInput, Section, Table};
use crate::error::{Error, Result};
use crate::model::Quantity;
use crate::stats::Stats;

/// The most paths the *Paths* sheet lists (the first ones, in path order); `paths.csv`
/// always has them all.
pub const PATHS_SHEET_CAP: usize = 10_000;

// Colours of the fan, as in `chart/style.rs`.
const FAN_OUTER: u32 = 0xC6DBEF;
const FAN_MIDDLE: u32 = 0x84B9DC;
const FAN_INNER: u32 = 0x4288C4;
const MEDIAN: u32 = 0x08306B;
const PLAN: u32 = 0xD95F02;
const HEADER_FILL: u32 = 0xDDE4EE;

/// Cell formats shared by every sheet.
pub(super) struct Formats {
    title: Format,
    bold: Format,
    header: Format,
    text: Format,
    money: Format,
    percent: Format,
    se_percent: Format,
    count: Format,
    number: Format,
    plain4: Format,
    wrap: Format,
    note: Format,
    currency: crate::fmt::Currency,
}

impl Formats {
    pub(super) fn new(currency: crate::fmt::Currency) -> Self {
        Self {
            currency,
            title: Format::new().set_bold().set_font_size(14),
            bold: Format::new().set_bold(),
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_background_color(Color::RGB(HEADER_FILL))
                .set_border_bottom(FormatBorder::Thin),
            text: Format::new().set_align(FormatAlign::Top),
            money: Format::new().set_num_format(currency.excel_format()),
            percent: Format::new().set_num_format("0.0%"),
            se_percent: Format::new().set_num_format("0.00%"),
            count: Format::new().set_num_format("#,##0"),
            number: Format::new().set_num_format("#,##0.00"),
            plain4: Format::new().set_num_format("0.0000"),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            note: Format::new()
                .set_italic()
                .set_font_color(Color::RGB(0x555555)),
        }
    }
}

pub(super) fn err(e: XlsxError) -> Error {
    Error::Export {
        what: "the Excel workbook",
        message: e.to_string(),
    }
}

/// Write one cell; non-finite numbers are left empty (Excel has no NaN).
fn cell(ws: &mut Worksheet, f: &Formats, row: u32, col: u16, c: &Cell) -> Result<()> {
    let number = |ws: &mut Worksheet, x: f64, fmt: &Format| -> Result<()> {
        if x.is_finite() {
            ws.write_number_with_format(row, col, x, fmt).map_err(err)?;
        }
        Ok(())
    };
    match c {
        Cell::Text(s) => {
            ws.write_string_with_format(row, col, s, &f.text)
                .map_err(err)?;
        }
        Cell::Money(x) => number(ws, *x, &f.money)?,
        Cell::Percent(x) => number(ws, *x, &f.percent)?,
        Cell::Count(x) => number(ws, *x, &f.count)?,
        Cell::Number(x) => number(ws, *x, &f.number)?,
        Cell::Empty => {}
    }
    Ok(())
}

/// Column widths from content, in characters (at least 8, at most 60).
#[derive(Default)]
struct Widths(Vec<usize>);

impl Widths {
    fn see(&mut self, col: usize, text: &str) {
        if self.0.len() <= col {
            self.0.resize(col + 1, 8);
        }
        let n = text.chars().count() + 2;
        self.0[col] = self.0[col].max(n.min(60));
    }
    fn apply(&self, ws: &mut Worksheet) -> Result<()> {
        for (c, &w) in self.0.iter().enumerate() {
            ws.set_column_width(c as u16, w as f64).map_err(err)?;
        }
        Ok(())
    }
}

/// Where a table landed: its header row and its rows.
struct Placed {
    header_row: u32,
    first: u32,
    last: u32,
}

/// Write `table` at `row`: title, header, rows, note. Returns where it landed and the
/// next free row (after one blank row).
fn table(
    ws: &mut Worksheet,
    f: &Formats,
    widths: &mut Widths,
    row: u32,
    t: &Table,
    headers_width: bool,
) -> Result<(Placed, u32)> {
    let mut r = row;
    if !t.title.is_empty() {
        ws.write_string_with_format(r, 0, &t.title, &f.bold)
            .map_err(err)?;
        r += 1;
    }
    let header_row = r;
    for (c, h) in t.columns.iter().enumerate() {
        ws.write_string_with_format(r, c as u16, h, &f.header)
            .map_err(err)?;
        if headers_width {
            widths.see(c, h);
        } else {
            widths.see(c, &h.chars().take(14).collect::<String>());
        }
    }
    r += 1;
    let first = r;
    for cells in &t.rows {
        for (c, x) in cells.iter().enumerate() {
            cell(ws, f, r, c as u16, x)?;
            widths.see(c, &x.display(f.currency));
        }
        r += 1;
    }
    let last = r.saturating_sub(1).max(first);
    if let Some(note) = &t.note {
        ws.write_string_with_format(r, 0, note, &f.note)
            .map_err(err)?;
        r += 1;
    }
    Ok((
        Placed {
            header_row,
            first,
            last,
        },
        r + 1,
    ))
}

/// The workbook of a report, as bytes (see the module docs for its sheets).
///
/// # Errors
/// [`Error::Export`] if the workbook cannot be assembled (e.g. a sheet name Excel
/// refuses after sanitising, or more rows than Excel allows).
pub fn xlsx(input: &ReportInput) -> Result<Vec<u8>> {
    build(input, PATHS_SHEET_CAP)
}

/// One workbook of a report, whatever the analysis: a *Summary* sheet (key-value rows
/// and the fan chart), the *Fan chart* sheet, then the other sheets in order. Both the
/// run's workbook ([`xlsx`]) and the national one are built as a `Book` and written by
/// [`write_book`].
pub(super) struct Book<'a> {
    /// Money is formatted in this currency.
    pub(super) currency: crate::fmt::Currency,
    /// The *Summary* sheet's title line.
    pub(super) title: String,
    /// The header of the Summary sheet's key column (which JSON file holds the values).
    pub(super) json_key: String,
    /// The Summary sheet's rows.
    pub(super) rows: Vec<KeyValue>,
    /// The fan chart (its own sheet, and shown on the Summary sheet).
    pub(super) fan: Fan,
    /// The other sheets, in order.
    pub(super) sheets: Vec<Sheet<'a>>,
}

/// Writes one sheet's content.
type SheetWriter<'a> = Box<dyn Fn(&Formats, &mut Worksheet) -> Result<()> + 'a>;

/// One sheet of a [`Book`] after the Summary and the fan.
pub(super) enum Sheet<'a> {
    /// A table filling the sheet, header frozen with the first column.
    Table(String, Table),
    /// A table filling the sheet, as [`Sheet::Table`] with an autofilter.
    List(String, Table),
    /// The *Assumptions* sheet of a scenario.
    Assumptions(&'a crate::scenario::Scenario),
    /// An extra section.
    Section(Section),
    /// A sheet written by its own function.
    Custom(String, SheetWriter<'a>),
}

/// Write `book` as the bytes of an `.xlsx` file.
pub(super) fn write_book(book: &Book) -> Result<Vec<u8>> {
    let f = Formats::new(book.currency);
    let mut wb = Workbook::new();
    let mut names = BTreeSet::new();
    let mut sheet = |title: &str| new_sheet(title, &mut names);

    let (mut summary_ws, _) = sheet("Summary")?;
    let (mut fan_ws, fan_name) = sheet("Fan chart")?;
    let fan = fan_sheet(&book.fan, &f, &mut fan_ws, &fan_name)?;
    key_value_sheet(&mut summary_ws, &f, &book.title, &book.json_key, &book.rows)?;
    summary_ws.insert_chart(2, 5, &fan).map_err(err)?;
    wb.push_worksheet(summary_ws);
    wb.push_worksheet(fan_ws);

    for s in &book.sheets {
        let ws = match s {
            Sheet::Table(title, t) => {
                let (mut ws, _) = sheet(title)?;
                let mut widths = Widths::default();
                let (placed, _) = table(&mut ws, &f, &mut widths, 0, t, true)?;
                ws.set_freeze_panes(placed.header_row + 1, 1).map_err(err)?;
                widths.apply(&mut ws)?;
                ws
            }
            Sheet::List(title, t) => {
                let (mut ws, _) = sheet(title)?;
                list_sheet(t, &f, &mut ws)?;
                ws
            }
            Sheet::Assumptions(scenario) => {
                let (mut ws, _) = sheet("Assumptions")?;
                assumptions_sheet(scenario, &f, &mut ws)?;
                ws
            }
            Sheet::Section(section) => {
                let (mut ws, name) = sheet(&section.title)?;
                section_sheet(section, &f, &mut ws, &name)?;
                ws
            }
            Sheet::Custom(title, write) => {
                let (mut ws, _) = sheet(title)?;
                write(&f, &mut ws)?;
                ws
            }
        };
        wb.push_worksheet(ws);
    }
    wb.save_to_buffer().map_err(err)
}

fn build(input: &ReportInput, paths_cap: usize) -> Result<Vec<u8>> {
    let m = &input.summary.meta;
    let mut sheets = vec![
        Sheet::Table("By year".into(), years_table(input.summary)),
        Sheet::Custom(
            "By period".into(),
            Box::new(|f: &Formats, ws: &mut Worksheet| by_period(input, f, ws)),
        ),
        Sheet::Assumptions(input.scenario),
    ];
    if let Some(sim) = input.simulation {
        sheets.push(Sheet::Custom(
            "Paths".into(),
            Box::new(move |f: &Formats, ws: &mut Worksheet| {
                paths_sheet(input, sim, paths_cap, f, ws)
            }),
        ));
    }
    sheets.extend(input.sections.iter().cloned().map(Sheet::Section));
    write_book(&Book {
        currency: input.scenario.currency(),
        title: format!("carefund report: {}", m.scenario_name),
        json_key: "summary.json key".into(),
        rows: summary_rows(input),
        fan: run_fan(input),
        sheets,
    })
}

/// A worksheet named `title` (made valid and unique, see [`unique_sheet_name`]) and
/// its name.
pub(super) fn new_sheet(title: &str, taken: &mut BTreeSet<String>) -> Result<(Worksheet, String)> {
    let name = unique_sheet_name(title, taken);
    let mut ws = Worksheet::new();
    ws.set_name(&name).map_err(err)?;
    Ok((ws, name))
}

/// Excel's rules: at most 31 characters, none of `[]:*?/\`, not blank, unique
/// (case-insensitively), and not starting or ending with an apostrophe.
pub(super) fn unique_sheet_name(title: &str, taken: &mut BTreeSet<String>) -> String {
    let clean: String = title
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .collect();
    let clean = clean.trim().trim_matches('\'').trim();
    let base: String = if clean.is_empty() {
        "Section".into()
    } else {
        clean.chars().take(31).collect()
    };
    let mut name = base.clone();
    let mut k = 2;
    while taken.contains(&name.to_lowercase()) {
        let suffix = format!(" {k}");
        name = base.chars().take(31 - suffix.len()).collect::<String>() + &suffix;
        k += 1;
    }
    taken.insert(name.to_lowercase());
    name
}

/// One row of a key-value sheet (*Summary*): words, value, standard error and where the
/// JSON output holds it.
pub(super) struct KeyValue {
    pub(super) label: String,
    pub(super) value: Cell,
    pub(super) se: Cell,
    pub(super) key: String,
}

impl KeyValue {
    pub(super) fn new(label: impl Into<String>, value: Cell, se: Cell, key: &str) -> Self {
        Self {
            label: label.into(),
            value,
            se,
            key: key.into(),
        }
    }
}

/// A *Summary*-style sheet: a title, then rows of item, value, standard error and JSON
/// key (header frozen). Sentences wrap in the value column; a seed (a key ending in
/// `seed`) is shown as a whole number, never as 2.02E+07.
pub(super) fn key_value_sheet(
    ws: &mut Worksheet,
    f: &Formats,
    title: &str,
    json_key: &str,
    rows: &[KeyValue],
) -> Result<()> {
    ws.write_string_with_format(0, 0, title, &f.title)
        .map_err(err)?;
    let mut w = Widths::default();
    for (c, h) in ["Item", "Value", "Standard error", json_key]
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(2, c as u16, *h, &f.header)
            .map_err(err)?;
        w.see(c, h);
    }
    let integer = Format::new().set_num_format("0");
    for (i, kv) in rows.iter().enumerate() {
        let r = 3 + i as u32;
        ws.write_string_with_format(r, 0, &kv.label, &f.text)
            .map_err(err)?;
        w.see(0, &kv.label);
        match &kv.value {
            // Reasons and warnings are sentences: wrap them in the value column.
            Cell::Text(text) => {
                ws.write_string_with_format(r, 1, text, &f.wrap)
                    .map_err(err)?;
                // Excel does not grow rows for wrapped text it did not type itself:
                // about 75 characters fit a line of the 70-wide column.
                let lines = text.chars().count().div_ceil(75).max(1);
                if lines > 1 {
                    ws.set_row_height(r, 15.0 * lines as f64).map_err(err)?;
                }
            }
            Cell::Number(x) if kv.key.ends_with("seed") && x.is_finite() => {
                ws.write_number_with_format(r, 1, *x, &integer)
                    .map_err(err)?;
            }
            other => cell(ws, f, r, 1, other)?,
        }
        if let Cell::Percent(x) = kv.se {
            if x.is_finite() {
                ws.write_number_with_format(r, 2, x, &f.se_percent)
                    .map_err(err)?;
            }
        } else {
            cell(ws, f, r, 2, &kv.se)?;
        }
        ws.write_string_with_format(r, 3, &kv.key, &f.note)
            .map_err(err)?;
        w.see(3, &kv.key);
    }
    ws.set_freeze_panes(3, 0).map_err(err)?;
    ws.set_column_width(0, 48).map_err(err)?;
    ws.set_column_width(1, 70).map_err(err)?;
    ws.set_column_width(2, 14).map_err(err)?;
    ws.set_column_width(3, w.0.get(3).copied().unwrap_or(20) as f64)
        .map_err(err)?;
    Ok(())
}

/// The rows of the run's *Summary* sheet.
fn summary_rows(input: &ReportInput) -> Vec<KeyValue> {
    let s = input.summary;
    let m = &s.meta;
    let t = |x: &str| Cell::Text(x.to_string());
    let e = Cell::Empty;
    let mut rows = vec![
        KeyValue::new(
            "Scenario",
            t(&m.scenario_name),
            e.clone(),
            "meta.scenario_name",
        ),
        KeyValue::new(
            "Scenario file",
            t(&m.scenario_file),
            e.clone(),
            "meta.scenario_file",
        ),
        KeyValue::new(
            "Scenario file SHA-256",
            t(&m.scenario_hash),
            e.clone(),
            "meta.scenario_hash",
        ),
        KeyValue::new(
            "carefund version",
            t(m.carefund_version),
            e.clone(),
            "meta.carefund_version",
        ),
        KeyValue::new("Seed", Cell::Number(m.seed as f64), e.clone(), "meta.seed"),
        KeyValue::new(
            "Paths (simulated futures)",
            Cell::Count(m.paths as f64),
            e.clone(),
            "meta.paths",
        ),
        KeyValue::new("Sampling", t(m.sampling), e.clone(), "meta.sampling"),
        KeyValue::new(
            "Random generator",
            t(m.generator),
            e.clone(),
            "meta.generator",
        ),
        KeyValue::new(
            "Percentiles",
            t(m.percentile_definition),
            e.clone(),
            "meta.percentile_definition",
        ),
        KeyValue::new("Rating", t(&s.rating.to_string()), e.clone(), "rating"),
    ];
    for (i, reason) in s.reasons.iter().enumerate() {
        rows.push(KeyValue::new(
            format!("Reason {}", i + 1),
            t(reason),
            e.clone(),
            "reasons",
        ));
    }
    for (i, warning) in s.warnings.iter().enumerate() {
        rows.push(KeyValue::new(
            format!("Warning {}", i + 1),
            t(warning),
            e.clone(),
            "warnings",
        ));
    }
    for h in headline_rows(s) {
        rows.push(KeyValue::new(h.label, h.value, h.se, h.key));
    }
    for b in &s.headline.break_even_year {
        let label = if b.year == "never" {
            "Share of futures that never break even".to_string()
        } else {
            format!("Share of futures that break even for good in {}", b.year)
        };
        rows.push(KeyValue::new(
            label,
            Cell::Percent(b.probability),
            Cell::Percent(b.se),
            "headline.break_even_year",
        ));
    }
    rows
}

/// What a fan chart sheet shows: the distribution of cumulative net per period and,
/// optionally, the plan's own case.
pub(super) struct Fan {
    /// Chart title.
    pub(super) title: String,
    /// The text alternative of the chart.
    pub(super) alt: String,
    /// Per period: its label and the statistics of cumulative net (£).
    pub(super) periods: Vec<(String, Stats)>,
    /// The plan's own case per period (£), drawn as a dashed line.
    pub(super) plan: Option<Vec<f64>>,
    /// Periods per year (one axis label a year).
    pub(super) periods_per_year: u32,
}

/// The fan's data table on its own sheet, and the native chart drawn from it (returned
/// so the Summary sheet shows it too): stacked area bands P5–P95, P10–P90, P25–P75 on
/// an invisible P5 base, the median line and, when given, the plan's own case.
pub(super) fn fan_sheet(fan: &Fan, f: &Formats, ws: &mut Worksheet, sheet: &str) -> Result<Chart> {
    let mut headers = vec!["Period", "P5", "P10", "P25", "Median", "P75", "P90", "P95"];
    if fan.plan.is_some() {
        headers.push("Plan's own case");
    }
    let band0 = headers.len() as u16;
    headers.extend([
        "Chart: base (P5)",
        "Chart: P5–P10",
        "Chart: P10–P25",
        "Chart: P25–P75",
        "Chart: P75–P90",
        "Chart: P90–P95",
    ]);
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &f.header)
            .map_err(err)?;
    }
    for (i, (label, q)) in fan.periods.iter().enumerate() {
        let r = 1 + i as u32;
        ws.write_string(r, 0, label).map_err(err)?;
        let mut values = vec![q.p5, q.p10, q.p25, q.p50, q.p75, q.p90, q.p95];
        if let Some(plan) = &fan.plan {
            values.push(plan.get(i).copied().unwrap_or(f64::NAN));
        }
        values.extend([
            q.p5,
            q.p10 - q.p5,
            q.p25 - q.p10,
            q.p75 - q.p25,
            q.p90 - q.p75,
            q.p95 - q.p90,
        ]);
        for (k, v) in values.iter().enumerate() {
            cell(ws, f, r, 1 + k as u16, &Cell::Money(*v))?;
        }
    }
    ws.set_freeze_panes(1, 1).map_err(err)?;
    ws.set_column_width(0, 14).map_err(err)?;
    for c in 1..headers.len() as u16 {
        ws.set_column_width(c, 15).map_err(err)?;
    }
    let last = fan.periods.len().max(1) as u32;
    let categories = (sheet, 1, 0, last, 0);

    let mut area = Chart::new(ChartType::AreaStacked);
    let bands: [(u16, &str, Option<u32>); 6] = [
        (0, "P5 (base, not shown)", None),
        (1, "P5–P95", Some(FAN_OUTER)),
        (2, "P10–P90", Some(FAN_MIDDLE)),
        (3, "P25–P75", Some(FAN_INNER)),
        (4, "P10–P90 (upper)", Some(FAN_MIDDLE)),
        (5, "P5–P95 (upper)", Some(FAN_OUTER)),
    ];
    for (k, label, color) in bands {
        let col = band0 + k;
        let mut fmt = ChartFormat::new();
        match color {
            Some(c) => fmt
                .set_solid_fill(ChartSolidFill::new().set_color(Color::RGB(c)))
                .set_no_line(),
            None => fmt.set_no_fill().set_no_line(),
        };
        area.add_series()
            .set_name(label)
            .set_categories(categories)
            .set_values((sheet, 1, col, last, col))
            .set_format(&mut fmt);
    }
    let mut lines = Chart::new(ChartType::Line);
    lines
        .add_series()
        .set_name("Median")
        .set_categories(categories)
        .set_values((sheet, 1, 4, last, 4))
        .set_format(
            ChartFormat::new().set_line(
                ChartLine::new()
                    .set_color(Color::RGB(MEDIAN))
                    .set_width(2.5),
            ),
        );
    if fan.plan.is_some() {
        lines
            .add_series()
            .set_name("Plan's own case")
            .set_categories(categories)
            .set_values((sheet, 1, 8, last, 8))
            .set_format(
                ChartFormat::new().set_line(
                    ChartLine::new()
                        .set_color(Color::RGB(PLAN))
                        .set_width(2.0)
                        .set_dash_type(ChartLineDashType::Dash),
                ),
            );
    }
    area.combine(&lines);
    area.title().set_name(&fan.title);
    area.x_axis()
        .set_name("Period")
        .set_label_position(ChartAxisLabelPosition::Low)
        .set_label_interval(u16::try_from(fan.periods_per_year.max(1)).unwrap_or(1));
    area.y_axis()
        .set_name(format!("Cumulative system net, {} (real)", f.currency.millions()).as_str())
        .set_num_format(f.currency.excel_millions_format());
    area.legend()
        .set_position(ChartLegendPosition::Bottom)
        .delete_entries(&[0, 4, 5]);
    area.set_alt_text(&fan.alt);
    area.set_width(900).set_height(520);
    ws.insert_chart(1, headers.len() as u16 + 1, &area)
        .map_err(err)?;
    Ok(area)
}

/// The fan of a single run: cumulative net per period and the plan's own case.
fn run_fan(input: &ReportInput) -> Fan {
    let s = input.summary;
    Fan {
        title: format!("Cumulative system net — {}", s.meta.scenario_name),
        alt: format!(
            "Fan chart of cumulative system net over time for {}: the P5–P95, P10–P90 and P25–P75 bands, the median and the plan's own case.",
            s.meta.scenario_name
        ),
        periods: s
            .periods
            .iter()
            .map(|p| (p.label.clone(), p.quantities[Quantity::CumNet]))
            .collect(),
        plan: Some(s.periods.iter().map(|p| p.plan_case_cum_net).collect()),
        periods_per_year: s.meta.periods_per_year,
    }
}

/// The *Assumptions* sheet: every table of [`assumption_tables`], one below the other.
pub(super) fn assumptions_sheet(
    scenario: &crate::scenario::Scenario,
    f: &Formats,
    ws: &mut Worksheet,
) -> Result<()> {
    let mut widths = Widths::default();
    let mut row = 0;
    for t in assumption_tables(scenario) {
        row = table(ws, f, &mut widths, row, &t, false)?.1;
    }
    widths.apply(ws)
}

/// One table filling a sheet, from its top-left cell: header frozen (with the first
/// column), an autofilter over the table, widths from content.
pub(super) fn list_sheet(t: &Table, f: &Formats, ws: &mut Worksheet) -> Result<()> {
    let mut widths = Widths::default();
    let (placed, _) = table(ws, f, &mut widths, 0, t, true)?;
    ws.set_freeze_panes(placed.header_row + 1, 1).map_err(err)?;
    if !t.columns.is_empty() {
        ws.autofilter(
            placed.header_row,
            0,
            placed.last,
            t.columns.len() as u16 - 1,
        )
        .map_err(err)?;
    }
    widths.apply(ws)
}

fn by_period(input: &ReportInput, f: &Formats, ws: &mut Worksheet) -> Result<()> {
    let s = input.summary;
    let headers = [
        "Quantity",
        "Unit",
        "Period",
        "Financial year",
        "Mean",
        "SD",
        "SE",
        "P1",
        "P5",
        "P10",
        "P25",
        "P50",
        "P75",
        "P90",
        "P95",
        "P99",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &f.header)
            .map_err(err)?;
    }
    let mut r = 1u32;
    for q in Quantity::ALL {
        let fmt = match q.unit() {
            "money" => &f.money,
            "share" => &f.se_percent,
            _ => &f.count,
        };
        let unit = match q.unit() {
            "money" => f.currency.code(),
            "share" => "share",
            _ => "admissions",
        };
        for p in &s.periods {
            let st = &p.quantities[q];
            ws.write_string(r, 0, q.name()).map_err(err)?;
            ws.write_string(r, 1, unit).map_err(err)?;
            ws.write_string(r, 2, &p.label).map_err(err)?;
            ws.write_string(r, 3, &p.year).map_err(err)?;
            let values = [st.mean, st.sd, st.se]
                .into_iter()
                .chain(st.percentiles().map(|(_, v)| v));
            for (k, v) in values.enumerate() {
                if v.is_finite() {
                    ws.write_number_with_format(r, 4 + k as u16, v, fmt)
                        .map_err(err)?;
                }
            }
            r += 1;
        }
    }
    // The plan's claim and the plan case, as two more quantities with one value each.
    for (name, unit, pick, fmt) in [
        (
            "plan (claimed avoided admissions)",
            "admissions",
            0,
            &f.count,
        ),
        ("plan_case_cum_net", f.currency.code(), 1, &f.money),
    ] {
        for p in &s.periods {
            ws.write_string(r, 0, name).map_err(err)?;
            ws.write_string(r, 1, unit).map_err(err)?;
            ws.write_string(r, 2, &p.label).map_err(err)?;
            ws.write_string(r, 3, &p.year).map_err(err)?;
            let v = if pick == 0 {
                p.plan
            } else {
                p.plan_case_cum_net
            };
            if v.is_finite() {
                ws.write_number_with_format(r, 4, v, fmt).map_err(err)?;
            }
            r += 1;
        }
    }
    ws.set_freeze_panes(1, 4).map_err(err)?;
    ws.autofilter(0, 0, r.saturating_sub(1).max(1), headers.len() as u16 - 1)
        .map_err(err)?;
    ws.set_column_width(0, 34).map_err(err)?;
    ws.set_column_width(1, 11).map_err(err)?;
    ws.set_column_width(2, 13).map_err(err)?;
    ws.set_column_width(3, 13).map_err(err)?;
    for c in 4..headers.len() as u16 {
        ws.set_column_width(c, 14).map_err(err)?;
    }
    ws.write_string_with_format(
        r + 1,
        0,
        "Quantities as in percentiles.csv (docs/model.md §5); mean, sd and se over paths; percentiles by linear interpolation (type 7).",
        &f.note,
    )
    .map_err(err)?;
    Ok(())
}

fn paths_sheet(
    input: &ReportInput,
    sim: &crate::engine::Simulation,
    cap: usize,
    f: &Formats,
    ws: &mut Worksheet,
) -> Result<()> {
    let tl = input.scenario.timeline();
    let n = sim.paths();
    let shown = n.min(cap);
    let note = if shown < n {
        format!(
            "Only the first {} of {} paths are listed (Excel sheets are kept small); paths.csv holds them all.",
            crate::fmt::group(shown as f64),
            crate::fmt::group(n as f64)
        )
    } else {
        format!("All {} paths.", crate::fmt::group(n as f64))
    };
    ws.write_string_with_format(0, 0, &note, &f.note)
        .map_err(err)?;
    let mut headers: Vec<String> = [
        "Path",
        "NPV",
        "Cumulative net",
        "Breaks even for good in",
        "Avoided admissions",
        "Avoided in year 1",
        "Year-1 target met",
        "Scheme spend",
        "Cashable savings",
        "ROI (cashable / spend)",
        "Commissioner",
        "Provider",
        "Council",
        "P4P released",
        "P4P withheld",
        "Contingency paid",
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect();
    headers.extend(input.scenario.inputs().iter().map(|i| i.name().to_string()));
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(1, c as u16, h, &f.header)
            .map_err(err)?;
        ws.set_column_width(c as u16, if c < 16 { 15 } else { 22 })
            .map_err(err)?;
    }
    let money_cols = [1u16, 2, 7, 8, 10, 11, 12, 13, 14, 15];
    let width = input.scenario.inputs().len().max(1);
    let inputs = sim.inputs(0..shown);
    for (p, s) in sim.path_summaries().iter().take(shown).enumerate() {
        let r = 2 + p as u32;
        ws.write_number(r, 0, p as f64).map_err(err)?;
        let money = [
            s.npv,
            s.cum_net,
            s.investment,
            s.cashable,
            s.commissioner,
            s.provider,
            s.council,
            s.released,
            s.withheld,
            s.contingency,
        ];
        for (c, v) in money_cols.iter().zip(money) {
            cell(ws, f, r, *c, &Cell::Money(v))?;
        }
        let be = s
            .break_even
            .map_or("never".into(), |b| tl.year_label(tl.year_of(b as usize)));
        ws.write_string(r, 3, &be).map_err(err)?;
        cell(ws, f, r, 4, &Cell::Count(s.avoided))?;
        cell(ws, f, r, 5, &Cell::Count(s.avoided_year1))?;
        ws.write_string(r, 6, if s.target_met_year1 { "yes" } else { "no" })
            .map_err(err)?;
        if let Some(roi) = s.roi {
            cell(ws, f, r, 9, &Cell::Number(roi))?;
        }
        for (k, (&x, i)) in inputs
            .chunks(width)
            .nth(p)
            .unwrap_or_default()
            .iter()
            .zip(input.scenario.inputs())
            .enumerate()
        {
            let c = if i.name() == "costs.unit_cost" {
                Cell::Money(x)
            } else {
                Cell::Number(x)
            };
            if x.is_finite() {
                let fmt = if matches!(c, Cell::Money(_)) {
                    &f.money
                } else {
                    &f.plain4
                };
                ws.write_number_with_format(r, 16 + k as u16, x, fmt)
                    .map_err(err)?;
            }
        }
    }
    ws.set_freeze_panes(2, 1).map_err(err)?;
    Ok(())
}

pub(super) fn section_sheet(
    section: &Section,
    f: &Formats,
    ws: &mut Worksheet,
    name: &str,
) -> Result<()> {
    ws.write_string_with_format(0, 0, &section.title, &f.title)
        .map_err(err)?;
    let mut row = 2;
    for p in &section.paragraphs {
        ws.write_string(row, 0, p).map_err(err)?;
        row += 1;
    }
    if !section.paragraphs.is_empty() {
        row += 1;
    }
    let mut widths = Widths::default();
    let mut placed = Vec::new();
    for t in &section.tables {
        let (at, next) = table(ws, f, &mut widths, row, t, false)?;
        placed.push(at);
        row = next;
    }
    widths.apply(ws)?;
    let right = section
        .tables
        .iter()
        .map(|t| t.columns.len())
        .max()
        .unwrap_or(1) as u16
        + 1;
    let mut chart_row = 2;
    for c in &section.charts {
        let Some(native) = &c.native else { continue };
        let (Some(t), Some(at)) = (section.tables.get(native.table), placed.get(native.table))
        else {
            continue;
        };
        let mut chart = Chart::new(match native.kind {
            NativeKind::Bar => ChartType::Bar,
            NativeKind::Column => ChartType::Column,
            NativeKind::Line => ChartType::Line,
        });
        for &col in &native.series {
            if col >= t.columns.len() || native.categories >= t.columns.len() {
                continue;
            }
            chart
                .add_series()
                .set_name((name, at.header_row, col as u16))
                .set_categories((
                    name,
                    at.first,
                    native.categories as u16,
                    at.last,
                    native.categories as u16,
                ))
                .set_values((name, at.first, col as u16, at.last, col as u16));
        }
        chart.title().set_name(&c.title);
        if native.kind == NativeKind::Bar {
            // A bar chart's value axis is its x axis; its categories read top to bottom
            // in table order.
            chart.x_axis().set_name(&native.value_axis);
            chart.y_axis().set_reverse();
        } else {
            chart.y_axis().set_name(&native.value_axis);
        }
        chart.legend().set_position(ChartLegendPosition::Bottom);
        chart.set_alt_text(&c.alt);
        chart.set_width(720).set_height(420);
        ws.insert_chart(chart_row, right, &chart).map_err(err)?;
        chart_row += 23;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::io::Cursor;

    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};

    use super::{build, unique_sheet_name};
    use crate::report::ReportInput;
    use crate::{RunOptions, Scenario, simulate, summarise};

    #[test]
    fn sheet_names_follow_excel_rules() {
        let mut taken = BTreeSet::new();
        assert_eq!(unique_sheet_name("Summary", &mut taken), "Summary");
        assert_eq!(unique_sheet_name("summary", &mut taken), "summary 2");
        assert_eq!(unique_sheet_name("a/b: [c]?*\\", &mut taken), "ab c");
        assert_eq!(unique_sheet_name("  ", &mut taken), "Section");
        let long = unique_sheet_name(&"x".repeat(40), &mut taken);
        assert_eq!(long.chars().count(), 31);
        let again = unique_sheet_name(&"x".repeat(40), &mut taken);
        assert_eq!(again.chars().count(), 31);
        assert!(again.ends_with(" 2"), "{again}");
    }

    #[test]
    fn paths_sheet_is_capped_with_a_note() {
        let sc = Scenario::from_toml(crate::EXAMPLE_SCENARIO, "example.toml").unwrap();
        let opts = RunOptions {
            paths: 40,
            seed: 3,
            threads: Some(1),
        };
        let sim = simulate(&sc, &opts, &|_| {}).unwrap();
        let summary = summarise(&sc, &sim);
        let input = ReportInput::new(&sc, &summary).with_simulation(&sim);
        let read = |cap: usize| {
            let bytes = build(&input, cap).unwrap();
            let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
            wb.worksheet_range("Paths").unwrap()
        };
        let capped = read(25);
        // Row 0 is the note, row 1 the header, then one row per listed path.
        assert_eq!(capped.height(), 2 + 25);
        let note = capped
            .get_value((0, 0))
            .cloned()
            .unwrap_or(Data::Empty)
            .to_string();
        assert!(note.contains("first 25 of 40"), "{note}");
        let all = read(100);
        assert_eq!(all.height(), 2 + 40);
        let note = all
            .get_value((0, 0))
            .cloned()
            .unwrap_or(Data::Empty)
            .to_string();
        assert_eq!(note, "All 40 paths.");
        // Path 39's cumulative net is the simulation's.
        let cum = all.get_value((41, 2)).cloned().unwrap_or(Data::Empty);
        let expected = sim.path_summaries()[39].cum_net;
        match cum {
            Data::Float(x) => assert!((x - expected).abs() <= 1e-9 * expected.abs().max(1.0)),
            other => panic!("expected a number, got {other:?}"),
        }
    }
}
