//! Checked TOML scenario → workbook bytes.

use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DocProperties, ExcelDateTime, Format,
    FormatAlign, FormatBorder, Note, ProtectionOptions, Workbook, Worksheet, XlsxError,
};
use toml_edit::{Decor, DocumentMut, Item, Table, Value};

use super::layout::{self, FORMS, Field, KV_SHEETS, Kind, PARAMS, SCHEME_COLS, SchemeCol, kv};
use crate::error::{Diagnostic, Error, Result};

/// Rows of the Schemes and Correlations sheets laid out for input beyond those in use.
pub(super) const SPARE_ROWS: u32 = 10;

pub(super) struct Formats {
    pub(super) header: Format,
    label: Format,
    pub(super) locked: Format,
    pub(super) input: Format,
    title: Format,
    wrap: Format,
    /// Input cells of amounts and counts: thousands separated.
    amount: Format,
    /// Source cells: wrapped, so that several lines of sources stay readable.
    pub(super) source: Format,
}

fn formats() -> Formats {
    let border = |f: Format| f.set_border(FormatBorder::Thin).set_border_color(0xBFBFBF);
    Formats {
        header: border(
            Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_background_color(Color::RGB(0xD9E1F2)),
        ),
        label: border(Format::new().set_align(FormatAlign::Top)),
        locked: border(
            Format::new()
                .set_align(FormatAlign::Top)
                .set_background_color(Color::RGB(0xF2F2F2)),
        ),
        input: border(
            Format::new()
                .set_unlocked()
                .set_align(FormatAlign::Top)
                .set_background_color(Color::RGB(0xFFF2CC)),
        ),
        amount: border(
            Format::new()
                .set_unlocked()
                .set_align(FormatAlign::Top)
                .set_background_color(Color::RGB(0xFFF2CC))
                .set_num_format("#,##0"),
        ),
        source: border(
            Format::new()
                .set_unlocked()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_background_color(Color::RGB(0xFFF2CC)),
        ),
        title: Format::new().set_bold().set_font_size(14),
        wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
    }
}

/// The TOML comments of a key: the lines above it and the one after its value.
pub(super) fn comments(decors: &[&Decor]) -> String {
    let mut lines = Vec::new();
    for d in decors {
        for raw in [d.prefix(), d.suffix()].into_iter().flatten() {
            for line in raw.as_str().unwrap_or("").lines() {
                let line = line.trim();
                if let Some(text) = line.strip_prefix('#') {
                    lines.push(
                        text.strip_prefix(' ')
                            .unwrap_or(text)
                            .trim_end()
                            .to_string(),
                    );
                }
            }
        }
    }
    while lines.first().is_some_and(String::is_empty) {
        lines.remove(0);
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines.join("\n")
}

pub(super) fn key_comment(table: &Table, key: &str) -> String {
    let Some((k, item)) = table.get_key_value(key) else {
        return String::new();
    };
    let mut decors = vec![k.leaf_decor()];
    if let Some(v) = item.as_value() {
        decors.push(v.decor());
    }
    comments(&decors)
}

/// The tables of an array of tables (`[[scheme]]`), none where there is none.
pub(super) fn tables(item: Option<&Item>) -> Vec<&Table> {
    item.and_then(Item::as_array_of_tables)
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

pub(super) fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Integer(i) => Some(*i.value() as f64),
        Value::Float(f) => Some(*f.value()),
        _ => None,
    }
}

/// A value as (form, parameters); plain numbers are `fixed`.
fn dist_cells(v: &Value) -> (String, Vec<Option<f64>>) {
    if let Some(x) = as_f64(v) {
        return ("fixed".into(), vec![Some(x)]);
    }
    if let Some(s) = v.as_str() {
        return (s.to_string(), Vec::new());
    }
    let Some((form, inner)) = v.as_inline_table().and_then(|t| t.iter().next()) else {
        return (String::new(), Vec::new());
    };
    if let Some(a) = inner.as_array() {
        return (form.to_string(), a.iter().map(as_f64).collect());
    }
    if form == "bernoulli" {
        return ("fixed".into(), vec![as_f64(inner)]);
    }
    let t = inner.as_inline_table();
    let get = |k: &str| t.and_then(|t| t.get(k)).and_then(as_f64);
    match form {
        "lognormal" if get("mean").is_some() => {
            ("lognormal mean-sd".into(), vec![get("mean"), get("sd")])
        }
        "lognormal" => (form.into(), vec![get("median"), get("p90")]),
        "normal" => (
            form.into(),
            vec![get("mean"), get("sd"), get("min"), get("max")],
        ),
        _ => (form.into(), vec![get("alpha"), get("beta")]),
    }
}

/// Make a row tall enough for `text` wrapped in a column `width` characters wide
/// (spreadsheets do not grow rows for wrapped text they did not lay out themselves).
fn fit(
    ws: &mut Worksheet,
    row: u32,
    text: &str,
    width: usize,
) -> std::result::Result<(), XlsxError> {
    fit_all(ws, row, &[(text, width)])
}

/// [`fit`] for several wrapped cells of one row: tall enough for the longest.
pub(super) fn fit_all(
    ws: &mut Worksheet,
    row: u32,
    texts: &[(&str, usize)],
) -> std::result::Result<(), XlsxError> {
    let lines: usize = texts
        .iter()
        .map(|(text, width)| {
            text.lines()
                .map(|l| l.chars().count().div_ceil(*width).max(1))
                .sum::<usize>()
        })
        .max()
        .unwrap_or(0);
    if lines > 1 {
        ws.set_row_height(row, 15 * lines.min(26) as u32)?;
    }
    Ok(())
}

/// Amounts of money and counts of admissions are shown with thousands separators.
fn is_amount(unit: &str) -> bool {
    unit.starts_with("{cur}") || unit.starts_with("admissions")
}

fn xlsx(e: XlsxError) -> Error {
    Error::Export {
        what: "the workbook",
        message: e.to_string(),
    }
}

pub(super) fn forms_list(extra: &[&str]) -> Vec<String> {
    FORMS
        .iter()
        .map(|(n, _, _)| (*n).to_string())
        .chain(extra.iter().map(|s| (*s).to_string()))
        .collect()
}

pub(super) const FORMS_NOTE: &str = "How the value is given: fixed (p1 = the value), uniform (min, max), triangular (min, mode, max), pert (min, mode, max), normal (mean, sd, optional min, max), lognormal (median, p90), lognormal mean-sd (mean, sd), ci90 (the 5% and 95% points: lognormal if low > 0, else normal), beta (alpha, beta). Parameters go in p1, p2, … in that order.";
pub(super) const SOURCE_NOTE: &str = "Where the figure comes from (a document, page, table, or 'illustrative assumption'). carefund convert writes it into the TOML file as the comment above the value.";

pub(super) fn list(options: &[String]) -> std::result::Result<DataValidation, XlsxError> {
    DataValidation::new()
        .allow_list_strings(options)?
        .set_error_message("Choose a value from the drop-down list.")
}

pub(super) fn note(text: &str) -> Note {
    Note::new(text)
        .add_author_prefix(false)
        .set_width(320)
        .set_height(140)
}

pub(super) fn setup(ws: &mut Worksheet, name: &str) -> std::result::Result<(), XlsxError> {
    ws.set_name(name)?;
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_gridlines(true);
    ws.set_header(format!("&L&\"-,Bold\"{name}&Rcarefund scenario workbook"));
    let mut protect = ProtectionOptions::new();
    protect.insert_rows = true;
    protect.delete_rows = true;
    protect.format_columns = true;
    protect.format_rows = true;
    ws.protect_with_options(&protect);
    Ok(())
}

/// Lay the (already checked) scenario `text` out as a workbook.
/// With `stresses` (the text of an already checked stress file), its stresses go on the
/// Stresses sheet.
pub(crate) fn workbook(
    text: &str,
    origin: &str,
    sources: bool,
    stresses: Option<&str>,
) -> Result<Vec<u8>> {
    let parse = |text: &str| {
        text.parse::<DocumentMut>()
            .map_err(|e: toml_edit::TomlError| {
                Error::from(Diagnostic::new(origin, format!("not valid TOML: {e}")))
            })
    };
    let doc = parse(text)?;
    let stresses = stresses.map(parse).transpose()?;
    build(&doc, sources, stresses.as_ref()).map_err(xlsx)
}

fn build(
    doc: &DocumentMut,
    sources: bool,
    stresses: Option<&DocumentMut>,
) -> std::result::Result<Vec<u8>, XlsxError> {
    let fm = formats();
    let currency = doc
        .get("scenario")
        .and_then(|s| s.get("currency"))
        .and_then(Item::as_str)
        .unwrap_or("GBP")
        .to_string();
    let horizon = doc
        .get("scenario")
        .and_then(|s| s.get("horizon_years"))
        .and_then(Item::as_integer)
        .unwrap_or(5)
        .clamp(1, 60) as u32;
    let unit = |u: &str| u.replace("{cur}", &currency);
    let mut wb = Workbook::new();
    let when = ExcelDateTime::from_ymd(2025, 1, 1)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title("carefund scenario workbook")
            .set_author("carefund")
            .set_creation_datetime(&when),
    );
    about(wb.add_worksheet(), &fm)?;
    for spec in KV_SHEETS {
        let ws = wb.add_worksheet();
        kv_headers(ws, spec.name, &fm)?;
        let mut row = 1u32;
        for field in spec.fields {
            let (table, key) = field.key.split_once('.').unwrap_or(("", field.key));
            let t = doc.get(table).and_then(Item::as_table);
            let value = t.and_then(|t| t.get(key)).and_then(Item::as_value);
            let source = if sources {
                t.map_or(String::new(), |t| key_comment(t, key))
            } else {
                String::new()
            };
            for (i, (label, form, v)) in kv_rows(field, value, horizon).iter().enumerate() {
                ws.write_string_with_format(row, kv::LABEL, label, &fm.label)?;
                if i == 0 {
                    ws.insert_note(row, kv::LABEL, &note(field.note))?;
                }
                ws.write_string_with_format(row, kv::KEY, field.key, &fm.locked)?;
                ws.write_string_with_format(row, kv::UNIT, unit(field.unit), &fm.locked)?;
                kv_value(ws, row, field, form, *v, &fm)?;
                let text = if i == 0 { source.as_str() } else { "" };
                ws.write_string_with_format(row, kv::SOURCE, text, &fm.source)?;
                fit(ws, row, text, 60)?;
                row += 1;
            }
        }
    }
    schemes(&mut wb, doc, &fm, sources, &unit)?;
    correlations(&mut wb, doc, &fm, sources)?;
    super::stresses::write(&mut wb, stresses, &fm)?;
    wb.save_to_buffer()
}

/// The head of a key/value sheet: its set-up, the headings with their notes, the
/// column widths and the frozen panes.
fn kv_headers(ws: &mut Worksheet, name: &str, fm: &Formats) -> std::result::Result<(), XlsxError> {
    setup(ws, name)?;
    for (c, h) in kv::HEADERS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &fm.header)?;
    }
    ws.insert_note(0, kv::FORM, &note(FORMS_NOTE))?;
    ws.insert_note(0, kv::SOURCE, &note(SOURCE_NOTE))?;
    ws.insert_note(
        0,
        kv::LABEL,
        &note("What the row is; the note on each label gives its meaning. Fill in the yellow cells only."),
    )?;
    ws.insert_note(
        0,
        kv::KEY,
        &note("The key in the TOML scenario file (docs/model.md §8). carefund reads the rows by this key."),
    )?;
    for (c, w) in [46, 44, 20, 16, 13, 13, 13, 13, 60].iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    ws.set_freeze_panes(1, 2)?;
    ws.set_repeat_rows(0, 0)?;
    Ok(())
}

/// The rows of one field: (label, form cell, value). A yearly figure takes a row per
/// year of the horizon (and a `fixed` row first, where one figure may serve every year).
fn kv_rows<'a>(
    field: &Field,
    value: Option<&'a Value>,
    horizon: u32,
) -> Vec<(String, String, Option<&'a Value>)> {
    if !matches!(field.kind, Kind::PerYear | Kind::FixedOrPerYear) {
        return vec![(field.label.to_string(), String::new(), value)];
    }
    let mut rows = Vec::new();
    let list = value.and_then(Value::as_array);
    if field.kind == Kind::FixedOrPerYear {
        rows.push((
            format!("{}, every year", field.label),
            "fixed".to_string(),
            value.filter(|v| v.as_array().is_none()),
        ));
    }
    let n = list.map_or(0, |l| l.len() as u32).max(horizon);
    for y in 0..n {
        rows.push((
            format!("{}, year {}", field.label, y + 1),
            "per year".to_string(),
            list.and_then(|l| l.get(y as usize)),
        ));
    }
    rows
}

/// The form and value cells of one key/value row.
fn kv_value(
    ws: &mut Worksheet,
    row: u32,
    field: &Field,
    form: &str,
    v: Option<&Value>,
    fm: &Formats,
) -> std::result::Result<(), XlsxError> {
    for c in kv::FORM..=kv::P1 + PARAMS - 1 {
        ws.write_blank(row, c, &fm.locked)?;
    }
    match field.kind {
        Kind::Dist(extra) => {
            for c in kv::FORM..=kv::P1 + PARAMS - 1 {
                ws.write_blank(row, c, &fm.input)?;
            }
            ws.add_data_validation(row, kv::FORM, row, kv::FORM, &list(&forms_list(extra))?)?;
            if let Some(v) = v {
                write_dist(ws, row, kv::FORM, v, &fm.input)?;
            }
        }
        Kind::PerYear | Kind::FixedOrPerYear => {
            ws.write_string_with_format(row, kv::FORM, form, &fm.locked)?;
            ws.write_blank(row, kv::P1, &fm.amount)?;
            if let Some(x) = v.and_then(as_f64) {
                ws.write_number_with_format(row, kv::P1, x, &fm.amount)?;
            }
        }
        kind => {
            let format = if is_amount(field.unit) {
                &fm.amount
            } else {
                &fm.input
            };
            scalar(ws, row, kv::P1, kind, v, format)?;
        }
    }
    Ok(())
}

/// A number or distribution as its form cell at `col` and the parameter cells after it.
pub(super) fn write_dist(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    v: &Value,
    input: &Format,
) -> std::result::Result<(), XlsxError> {
    let (form, params) = dist_cells(v);
    ws.write_string_with_format(row, col, form, input)?;
    for (k, p) in params.iter().enumerate() {
        if let Some(x) = p {
            ws.write_number_with_format(row, col + 1 + k as u16, *x, input)?;
        }
    }
    Ok(())
}

/// One cell of a scalar kind, with its drop-down.
fn scalar(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    kind: Kind,
    v: Option<&Value>,
    input: &Format,
) -> std::result::Result<(), XlsxError> {
    ws.write_blank(row, col, input)?;
    if let Kind::Choice(options) = kind {
        let options: Vec<String> = options.iter().map(|s| (*s).to_string()).collect();
        ws.add_data_validation(row, col, row, col, &list(&options)?)?;
    }
    if kind == Kind::Bool {
        ws.add_data_validation(
            row,
            col,
            row,
            col,
            &list(&["TRUE".to_string(), "FALSE".to_string()])?,
        )?;
    }
    let Some(v) = v else {
        return Ok(());
    };
    match v {
        Value::String(s) => {
            ws.write_string_with_format(row, col, s.value(), input)?;
        }
        Value::Boolean(b) => {
            ws.write_boolean_with_format(row, col, *b.value(), input)?;
        }
        other => {
            if let Some(x) = as_f64(other) {
                ws.write_number_with_format(row, col, x, input)?;
            }
        }
    }
    Ok(())
}

fn schemes(
    wb: &mut Workbook,
    doc: &DocumentMut,
    fm: &Formats,
    sources: bool,
    unit: &dyn Fn(&str) -> String,
) -> std::result::Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    setup(ws, layout::SCHEMES)?;
    let (cols, source_col) = layout::scheme_columns();
    ws.set_paper_size(8); // A3: the sheet is wide
    ws.set_row_height(0, 62)?;
    scheme_headers(ws, fm, &cols, unit)?;
    ws.write_string_with_format(0, source_col, "Source", &fm.header)?;
    ws.insert_note(0, source_col, &note(SOURCE_NOTE))?;
    ws.set_column_width(source_col, 110)?;
    ws.set_freeze_panes(1, 1)?;
    ws.set_repeat_rows(0, 0)?;
    let list_of = tables(doc.get("scheme"));
    let last = list_of.len() as u32 + SPARE_ROWS;
    scheme_validations(ws, &cols, last)?;
    let amount_col = cols[1];
    for row in 1..=last {
        for col in 0..=source_col {
            ws.write_blank(
                row,
                col,
                if col == amount_col {
                    &fm.amount
                } else {
                    &fm.input
                },
            )?;
        }
    }
    for (i, t) in list_of.iter().enumerate() {
        let row = i as u32 + 1;
        for (c, &at) in SCHEME_COLS.iter().zip(&cols) {
            if let Some(v) = t.get(c.key).and_then(Item::as_value) {
                scheme_value(ws, row, at, c, v, fm)?;
            }
        }
        if sources {
            let mut parts = Vec::new();
            let head = comments(&[t.decor()]);
            if !head.is_empty() {
                parts.push(head);
            }
            for c in SCHEME_COLS {
                let text = key_comment(t, c.key);
                if !text.is_empty() {
                    parts.push(format!("{}: {}", c.key, text.replace('\n', " ")));
                }
            }
            let text = parts.join("\n");
            ws.write_string_with_format(row, source_col, &text, &fm.source)?;
            fit(ws, row, &text, 110)?;
        }
    }
    Ok(())
}

/// The headings of the Schemes sheet (the units in them), their notes and widths.
fn scheme_headers(
    ws: &mut Worksheet,
    fm: &Formats,
    cols: &[u16],
    unit: &dyn Fn(&str) -> String,
) -> std::result::Result<(), XlsxError> {
    for (c, &at) in SCHEME_COLS.iter().zip(cols) {
        let u = unit(c.unit);
        let head = if u.is_empty() {
            c.header.to_string()
        } else {
            format!("{} ({u})", c.header)
        };
        let meaning = format!(
            "{}{} Write where each figure comes from in the Source column.",
            c.note,
            if c.required { " Required." } else { "" }
        );
        match c.kind {
            Kind::Dist(_) => {
                ws.write_string_with_format(0, at, format!("{head}: form"), &fm.header)?;
                ws.insert_note(0, at, &note(&format!("{meaning} {FORMS_NOTE}")))?;
                for k in 0..PARAMS {
                    ws.write_string_with_format(
                        0,
                        at + 1 + k,
                        format!("{} p{}", c.header, k + 1),
                        &fm.header,
                    )?;
                    ws.set_column_width(at + 1 + k, 9)?;
                }
                ws.set_column_width(at, 12)?;
            }
            Kind::Choice(layout::FUNDER) => {
                ws.write_string_with_format(0, at, head, &fm.header)?;
                ws.insert_note(0, at, &note(&meaning))?;
                ws.write_string_with_format(0, at + 1, "NHS share (split only, 0..1)", &fm.header)?;
                ws.insert_note(
                    0,
                    at + 1,
                    &note("When the funder is split: the NHS's share of the cost; the council pays the rest."),
                )?;
                ws.set_column_width(at, 10)?;
                ws.set_column_width(at + 1, 10)?;
            }
            _ => {
                ws.write_string_with_format(0, at, head, &fm.header)?;
                ws.insert_note(0, at, &note(&meaning))?;
                ws.set_column_width(at, if at == 0 { 34 } else { 14 })?;
            }
        }
    }
    Ok(())
}

/// The drop-downs of the Schemes sheet, on rows 1 to `last`.
fn scheme_validations(
    ws: &mut Worksheet,
    cols: &[u16],
    last: u32,
) -> std::result::Result<(), XlsxError> {
    for (c, &at) in SCHEME_COLS.iter().zip(cols) {
        let options = match c.kind {
            Kind::Dist(extra) => Some(forms_list(extra)),
            Kind::Choice(o) => Some(o.iter().map(|s| (*s).to_string()).collect()),
            Kind::Suggest(o) => {
                let o: Vec<String> = o.iter().map(|s| (*s).to_string()).collect();
                let offer = list(&o)?.set_error_style(DataValidationErrorStyle::Information);
                ws.add_data_validation(1, at, last, at, &offer)?;
                None
            }
            Kind::Bool => Some(vec!["TRUE".to_string(), "FALSE".to_string()]),
            _ => None,
        };
        if let Some(o) = options {
            ws.add_data_validation(1, at, last, at, &list(&o)?)?;
        }
    }
    Ok(())
}

/// One scheme's value of column `c`, in its cell (or cells) from `at`.
fn scheme_value(
    ws: &mut Worksheet,
    row: u32,
    at: u16,
    c: &SchemeCol,
    v: &Value,
    fm: &Formats,
) -> std::result::Result<(), XlsxError> {
    match (c.kind, v) {
        (Kind::Dist(_), v) => write_dist(ws, row, at, v, &fm.input)?,
        (Kind::Choice(layout::FUNDER), Value::String(s)) => {
            ws.write_string_with_format(row, at, s.value(), &fm.input)?;
        }
        (Kind::Choice(layout::FUNDER), Value::InlineTable(split)) => {
            let nhs = split.get("nhs").and_then(as_f64).unwrap_or(0.0);
            ws.write_string_with_format(row, at, "split", &fm.input)?;
            ws.write_number_with_format(row, at + 1, nhs, &fm.input)?;
        }
        (Kind::Choice(layout::FUNDER), _) => {}
        (Kind::Num, v) if c.key == "success_probability" => {
            let (_, p) = dist_cells(v);
            if let Some(Some(x)) = p.first() {
                ws.write_number_with_format(row, at, *x, &fm.input)?;
            }
        }
        (_, Value::String(s)) => {
            ws.write_string_with_format(row, at, s.value(), &fm.input)?;
        }
        (_, Value::Boolean(b)) => {
            ws.write_boolean_with_format(row, at, *b.value(), &fm.input)?;
        }
        (_, other) => {
            let format = if is_amount(c.unit) {
                &fm.amount
            } else {
                &fm.input
            };
            if let Some(x) = as_f64(other) {
                ws.write_number_with_format(row, at, x, format)?;
            }
        }
    }
    Ok(())
}

fn correlations(
    wb: &mut Workbook,
    doc: &DocumentMut,
    fm: &Formats,
    sources: bool,
) -> std::result::Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    setup(ws, layout::CORRELATIONS)?;
    let notes = [
        "The first uncertain input: section.key (demand.growth, costs.unit_cost …) or scheme.<name>.<key> (scheme.Reablement.effect).",
        "The second uncertain input.",
        "Rank (Spearman) correlation between the two, from -1 to 1, applied with a Gaussian copula.",
        "TRUE: if the correlations together are not valid (not positive definite), use the nearest valid set and report how far it moved; FALSE or empty: an error.",
        SOURCE_NOTE,
    ];
    for (c, (h, n)) in layout::corr::HEADERS.iter().zip(notes).enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &fm.header)?;
        ws.insert_note(0, c as u16, &note(n))?;
    }
    for (c, w) in [44, 44, 14, 12, 60].iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    ws.set_row_height(0, 30)?;
    let list_of = tables(doc.get("correlation"));
    let last = list_of.len() as u32 + SPARE_ROWS;
    for row in 1..=last {
        for col in 0..5 {
            ws.write_blank(row, col, if col == 4 { &fm.source } else { &fm.input })?;
        }
    }
    ws.add_data_validation(
        1,
        3,
        last,
        3,
        &list(&["TRUE".to_string(), "FALSE".to_string()])?,
    )?;
    for (i, t) in list_of.iter().enumerate() {
        let row = i as u32 + 1;
        if let Some(inputs) = t.get("inputs").and_then(Item::as_array) {
            for (c, name) in inputs.iter().take(2).enumerate() {
                if let Some(s) = name.as_str() {
                    ws.write_string_with_format(row, c as u16, s, &fm.input)?;
                }
            }
        }
        if let Some(x) = t.get("rank").and_then(Item::as_value).and_then(as_f64) {
            ws.write_number_with_format(row, 2, x, &fm.input)?;
        }
        if let Some(b) = t.get("repair").and_then(Item::as_bool) {
            ws.write_boolean_with_format(row, 3, b, &fm.input)?;
        }
        if sources {
            let mut parts = vec![comments(&[t.decor()])];
            for k in ["inputs", "rank", "repair"] {
                let text = key_comment(t, k);
                if !text.is_empty() {
                    parts.push(text);
                }
            }
            parts.retain(|p| !p.is_empty());
            let text = parts.join("\n");
            ws.write_string_with_format(row, 4, &text, &fm.source)?;
            fit(ws, row, &text, 60)?;
        }
    }
    Ok(())
}

fn about(ws: &mut Worksheet, fm: &Formats) -> std::result::Result<(), XlsxError> {
    ws.set_name(layout::ABOUT)?;
    ws.set_portrait();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_column_width(0, 22)?;
    ws.set_column_width(1, 20)?;
    for c in 2..=5 {
        ws.set_column_width(c, 12)?;
    }
    ws.write_string_with_format(0, 0, "carefund scenario workbook", &fm.title)?;
    let text = [
        "A pooled fund that pays for out-of-hospital schemes meant to avoid emergency hospital admissions, as a carefund scenario. Run it with: carefund run plan.xlsx (every command that takes a scenario takes this workbook). carefund convert plan.xlsx plan.toml writes the same scenario as a TOML file, and back.",
        "Fill in the yellow cells only; the other cells are protected (Review, Unprotect sheet: there is no password). Hover over a column heading or a label for its meaning. Each sheet is one part of the scenario: Scenario (name, years, discounting, rating thresholds), Fund and demand, Costs, Plan and P4P (what the plan claims, payment for performance), Schemes (one row per scheme), Correlations (optional), Stresses (optional: the stresses carefund stress plan.xlsx runs, one row per operation; convert writes them to a stress file beside the TOML).",
        "Units are in the headings and the Unit column. Money is in real terms at the scenario's price base, in the scenario's currency (Scenario sheet). Shares are fractions: 0.035 means 3.5% (a cell formatted as a percentage is fine).",
        "An uncertain input is a form and its parameters, one per cell, in the order below. A plain number with an empty form is fixed. A Source cell holds where the figure comes from; it becomes the comment above the value in the TOML file.",
        "Years: avoided admissions and claimed savings per year take one row per year of the horizon. Add a scheme or a correlation on the next empty yellow row. A formula is fine if the workbook was saved with its result. Errors name the sheet and cell, e.g. Schemes!M4.",
    ];
    let mut row = 2;
    for t in text {
        ws.merge_range(row, 0, row, 5, t, &fm.wrap)?;
        ws.set_row_height(row, 62)?;
        row += 1;
    }
    row += 1;
    for (c, h) in ["Form", "p1", "p2", "p3", "p4"].iter().enumerate() {
        ws.write_string_with_format(row, c as u16, *h, &fm.header)?;
    }
    row += 1;
    for (name, params, required) in FORMS {
        ws.write_string_with_format(row, 0, *name, &fm.label)?;
        for k in 0..PARAMS as usize {
            let text = params
                .get(k)
                .map(|p| {
                    if k < *required {
                        (*p).to_string()
                    } else {
                        format!("{p} (optional)")
                    }
                })
                .unwrap_or_default();
            ws.write_string_with_format(row, 1 + k as u16, text, &fm.label)?;
        }
        row += 1;
    }
    ws.write_string_with_format(row, 0, "green-book-opex", &fm.label)?;
    ws.write_string_with_format(
        row,
        1,
        "optimism bias only: uniform 0 to 0.41 (HM Treasury Green Book)",
        &fm.label,
    )?;
    ws.protect();
    Ok(())
}
