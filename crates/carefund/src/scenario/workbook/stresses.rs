//! The Stresses sheet: a stress file (docs/model.md §9) as one row per operation, the
//! rows of one stress one after another under the same name.
//!
//! Reading turns the sheet into the stress file a user would have written, with the cell
//! of every value, so the stress file's own check runs on it and its messages name
//! cells; writing lays a checked stress file out on the sheet. The sheet is optional: a
//! workbook without it, or with no rows on it, has no stresses.

use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, Value};

use super::layout::{self, stress as col};
use super::read::{Book, Sheet, blank_row, check_headers, comment, in_order};
use super::{Loc, Seg, Translation};
use crate::error::Result;

/// The Stresses sheet as the text of a stress file: the cell of every value, and the cell
/// each operation is known by (its selector; the operation for one without a selector).
pub(crate) struct StressCells {
    pub translation: Translation,
    pub ops: Vec<Vec<Loc>>,
}

/// One stress being read: its name, first row, table and operations.
struct Open {
    name: String,
    row: u32,
    table: Table,
    ops: ArrayOfTables,
    cells: Vec<Loc>,
    description: Option<(String, Loc)>,
}

/// Read the sheet; `None` when it has no rows.
pub(super) fn read(book: &mut Book<'_>, s: &Sheet) -> Result<Option<StressCells>> {
    check_headers(book, s, &in_order(&col::HEADERS))?;
    let mut stresses = ArrayOfTables::new();
    let mut ops: Vec<Vec<Loc>> = Vec::new();
    let mut done: Vec<(String, u32)> = Vec::new();
    let mut open: Option<Open> = None;
    for row in 1..=s.last_row() {
        if blank_row(book, s, row, col::SOURCE)? {
            continue;
        }
        let Some(name) = book.text(s, row, col::NAME, "stress.name")? else {
            return Err(book
                .empty(s, row, col::NAME, "stress.name", "the stress's name, on every row of the stress (a stress with several operations takes one row each, under the same name)")
                .into());
        };
        let name = name.trim().to_string();
        if open.as_ref().is_none_or(|o| o.name != name) {
            if let Some((_, first)) = done.iter().find(|(n, _)| *n == name) {
                return Err(book
                    .diag(
                        &Loc::cell(s.name, row, col::NAME),
                        "stress.name",
                        "the name of an earlier stress",
                    )
                    .value(format!("\"{name}\", first on row {}", first + 1))
                    .allowed(
                        "a name used by one stress only; the rows of a stress follow one another",
                    )
                    .into());
            }
            if let Some(o) = open.take() {
                done.push((o.name.clone(), o.row));
                finish(book, o, &mut stresses, &mut ops);
            }
            open = Some(start(book, s, row, &name)?);
        }
        let Some(o) = open.as_mut() else {
            continue;
        };
        description(book, s, row, o)?;
        read_op(book, s, row, stresses.len(), o)?;
    }
    if let Some(o) = open.take() {
        finish(book, o, &mut stresses, &mut ops);
    }
    if stresses.is_empty() {
        return Ok(None);
    }
    let mut doc = DocumentMut::new();
    doc.insert("stress", Item::ArrayOfTables(stresses));
    Ok(Some(StressCells {
        translation: Translation {
            text: doc.to_string(),
            cells: std::mem::take(&mut book.cells),
        },
        ops,
    }))
}

fn stress_path(i: usize, rest: &[Seg]) -> Vec<Seg> {
    let mut p = vec![Seg::Key("stress".into()), Seg::Index(i)];
    p.extend_from_slice(rest);
    p
}

/// A new stress on `row`; its Source cell becomes the comment above it.
fn start(book: &mut Book<'_>, s: &Sheet, row: u32, name: &str) -> Result<Open> {
    let mut table = Table::new();
    let source = book.text(s, row, col::SOURCE, "stress")?;
    table.decor_mut().set_prefix(format!(
        "\n{}",
        source.as_deref().map_or(String::new(), comment)
    ));
    table.insert("name", Item::Value(Value::from(name)));
    Ok(Open {
        name: name.to_string(),
        row,
        table,
        ops: ArrayOfTables::new(),
        cells: Vec::new(),
        description: None,
    })
}

/// The description of a stress: on any of its rows, once (or the same on each).
fn description(book: &Book<'_>, s: &Sheet, row: u32, o: &mut Open) -> Result<()> {
    let Some(text) = book.text(s, row, col::DESCRIPTION, "stress.description")? else {
        return Ok(());
    };
    let text = text.trim().to_string();
    let here = Loc::cell(s.name, row, col::DESCRIPTION);
    match &o.description {
        None => o.description = Some((text, here)),
        Some((d, _)) if *d == text => {}
        Some((_, first)) => {
            return Err(book
                .diag(
                    &here,
                    "stress.description",
                    "a second description of the stress",
                )
                .value(format!("\"{text}\""))
                .allowed(format!(
                    "one description a stress: the one in {}, or an empty cell",
                    first.address()
                ))
                .into());
        }
    }
    Ok(())
}

/// The operation on `row` of stress `i`, added to its list.
fn read_op(book: &mut Book<'_>, s: &Sheet, row: u32, i: usize, o: &mut Open) -> Result<()> {
    let j = o.ops.len();
    let at = |rest: &[Seg]| {
        let mut p = stress_path(i, &[Seg::Key("op".into()), Seg::Index(j)]);
        p.extend_from_slice(rest);
        p
    };
    let op_cell = Loc::cell(s.name, row, col::OPERATION);
    let Some(operation) = book.choice(s, row, col::OPERATION, "stress.op", col::OPERATIONS)? else {
        return Err(book
            .empty(
                s,
                row,
                col::OPERATION,
                "stress.op",
                &format!("an operation: {}", col::OPERATIONS.join(", ")),
            )
            .into());
    };
    let select = book.text(s, row, col::SELECT, "stress.op.select")?;
    let value = book.dist(s, row, col::FORM, &format!("stress.op.{operation}"), &[])?;
    let mut t = Table::new();
    if j > 0
        && let Some(source) = book.text(s, row, col::SOURCE, "stress.op")?
    {
        t.decor_mut().set_prefix(format!("\n{}", comment(&source)));
    }
    if operation == col::NEVER {
        never(book, s, row, select.as_ref(), value.as_ref())?;
        t.insert("capacity_release", Item::Value(Value::from("never")));
        book.cells
            .push((at(&[Seg::Key("capacity_release".into())]), op_cell.clone()));
        o.cells.push(op_cell.clone());
    } else {
        let Some(select) = select else {
            return Err(book
                .empty(s, row, col::SELECT, "stress.op.select", "the inputs to change, by name: scheme.*.effect, demand.growth … (`*` matches any text)")
                .into());
        };
        let Some((v, mut loc)) = value else {
            let allowed = if operation == "set" {
                "the new value: a number in Value / p1, or a form and its parameters"
            } else {
                "a number in Value / p1"
            };
            return Err(book
                .empty(s, row, col::P1, &format!("stress.op.{operation}"), allowed)
                .into());
        };
        if operation != "set" && !matches!(v, Value::Integer(_) | Value::Float(_)) {
            return Err(book
                .diag(&loc, &format!("stress.op.{operation}"), format!("{operation} takes a number, not a distribution"))
                .value(loc.shown.clone().unwrap_or_default())
                .allowed("a number in Value / p1 with the Form cell empty (0.5 halves every draw; a shift adds its value)")
                .into());
        }
        if operation != "set" {
            loc = Loc::cell(s.name, row, col::P1);
        }
        let select_cell = Loc::cell(s.name, row, col::SELECT);
        t.insert("select", Item::Value(Value::from(select.trim())));
        t.insert(&operation, Item::Value(v));
        book.cells
            .push((at(&[Seg::Key("select".into())]), select_cell.clone()));
        book.cells.push((at(&[Seg::Key(operation.clone())]), loc));
        o.cells.push(select_cell);
    }
    book.cells.push((at(&[]), op_cell));
    o.ops.push(t);
    Ok(())
}

/// `never release capacity` takes no selector and no value.
fn never(
    book: &Book<'_>,
    s: &Sheet,
    row: u32,
    select: Option<&String>,
    value: Option<&(Value, Loc)>,
) -> Result<()> {
    if let Some(select) = select {
        return Err(book
            .diag(
                &Loc::cell(s.name, row, col::SELECT),
                "stress.op.select",
                "never release capacity acts on the scenario, not on selected inputs",
            )
            .value(format!("\"{select}\""))
            .allowed("an empty cell")
            .into());
    }
    if let Some((_, loc)) = value {
        return Err(book
            .diag(
                loc,
                "stress.op.capacity_release",
                "never release capacity takes no value",
            )
            .value(loc.shown.clone().unwrap_or_default())
            .allowed("empty cells")
            .into());
    }
    Ok(())
}

/// Close a stress: its description, its operations, and the cells of both.
fn finish(book: &mut Book<'_>, mut o: Open, stresses: &mut ArrayOfTables, ops: &mut Vec<Vec<Loc>>) {
    let i = stresses.len();
    let name_cell = Loc::cell(layout::STRESSES, o.row, col::NAME);
    if let Some((text, loc)) = o.description.take() {
        o.table
            .insert("description", Item::Value(Value::from(text)));
        book.cells
            .push((stress_path(i, &[Seg::Key("description".into())]), loc));
    }
    o.table.insert("op", Item::ArrayOfTables(o.ops));
    book.cells.push((
        stress_path(i, &[Seg::Key("name".into())]),
        name_cell.clone(),
    ));
    book.cells.push((stress_path(i, &[]), name_cell));
    stresses.push(o.table);
    ops.push(o.cells);
}

#[cfg(feature = "report")]
pub(super) use write::write;

#[cfg(feature = "report")]
mod write {
    use rust_xlsxwriter::{Workbook, XlsxError};
    use toml_edit::{Decor, DocumentMut, Item, Table, Value};

    use super::super::layout::{self, stress as col};
    use super::super::write::{
        FORMS_NOTE, Formats, SPARE_ROWS, as_f64, comments, fit_all, forms_list, key_comment, list,
        note, setup, tables, write_dist,
    };

    const NOTES: [&str; 10] = [
        "The stress's name, as reports show it. A stress with several operations takes one row per operation, one after another, each with the stress's name. carefund stress plan.xlsx runs the stresses of this sheet (when it has none, the built-in sceptical review pack).",
        "What the stress represents, in words (optional; on the stress's first row).",
        "scale: multiply each draw of the selected inputs by the value (a factor >= 0: 0.5 halves it); shift: add the value to each draw; set: replace the inputs' distribution by the value (a number, or a form and its parameters); never release capacity: the cashable share stays at its short-run value for the whole horizon (no selector, no value).",
        "The inputs to change, by name: demand.growth, costs.unit_cost, scheme.<name>.<key> …; * matches any text (scheme.*.effect is every scheme's effect), and {largest} stands for the scheme with the largest annual cost.",
        "For set only: how the new value is given (see About). Empty for a plain number, and for scale and shift.",
        "The factor (scale), the amount added (shift), or the new value or its first parameter (set).",
        "Second parameter of a set distribution.",
        "Third parameter of a set distribution.",
        "Fourth parameter of a set distribution.",
        "Why the stress, and where its size comes from. carefund convert writes it into the stress file as the comment above the stress (first row) or the operation.",
    ];

    /// Lay the (already checked) stress file `doc` out on the Stresses sheet; without
    /// one, the sheet has its headings and empty rows to fill in.
    pub(in super::super) fn write(
        wb: &mut Workbook,
        doc: Option<&DocumentMut>,
        fm: &Formats,
    ) -> Result<(), XlsxError> {
        let ws = wb.add_worksheet();
        setup(ws, layout::STRESSES)?;
        ws.set_row_height(0, 30)?;
        for (c, (h, n)) in col::HEADERS.iter().zip(NOTES).enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &fm.header)?;
            let n = if c as u16 == col::FORM {
                format!("{n} {FORMS_NOTE}")
            } else {
                n.to_string()
            };
            ws.insert_note(0, c as u16, &note(&n))?;
        }
        for (c, w) in [26, 40, 20, 30, 12, 10, 9, 9, 9, 60].iter().enumerate() {
            ws.set_column_width(c as u16, *w)?;
        }
        ws.set_freeze_panes(1, 1)?;
        ws.set_repeat_rows(0, 0)?;
        let rows = doc.map_or_else(Vec::new, rows);
        let last = rows.len() as u32 + SPARE_ROWS;
        for row in 1..=last {
            for c in 0..=col::SOURCE {
                let wrap = c == col::DESCRIPTION || c == col::SOURCE;
                ws.write_blank(row, c, if wrap { &fm.source } else { &fm.input })?;
            }
        }
        let operations: Vec<String> = col::OPERATIONS.iter().map(|s| (*s).to_string()).collect();
        ws.add_data_validation(1, col::OPERATION, last, col::OPERATION, &list(&operations)?)?;
        ws.add_data_validation(1, col::FORM, last, col::FORM, &list(&forms_list(&[]))?)?;
        for (k, r) in rows.iter().enumerate() {
            let row = k as u32 + 1;
            ws.write_string_with_format(row, col::NAME, &r.name, &fm.input)?;
            ws.write_string_with_format(row, col::DESCRIPTION, &r.description, &fm.source)?;
            ws.write_string_with_format(row, col::OPERATION, r.operation, &fm.input)?;
            ws.write_string_with_format(row, col::SELECT, &r.select, &fm.input)?;
            if let Some(v) = &r.value {
                if r.operation == "set" {
                    write_dist(ws, row, col::FORM, v, &fm.input)?;
                } else if let Some(x) = as_f64(v) {
                    ws.write_number_with_format(row, col::P1, x, &fm.input)?;
                }
            }
            ws.write_string_with_format(row, col::SOURCE, &r.source, &fm.source)?;
            fit_all(ws, row, &[(&r.description, 40), (&r.source, 60)])?;
        }
        Ok(())
    }

    /// One row of the sheet: an operation of a stress.
    struct Row {
        name: String,
        description: String,
        operation: &'static str,
        select: String,
        value: Option<Value>,
        source: String,
    }

    fn rows(doc: &DocumentMut) -> Vec<Row> {
        let stresses = tables(doc.get("stress"));
        let mut rows = Vec::new();
        for st in stresses {
            let name = st.get("name").and_then(Item::as_str).unwrap_or("").trim();
            let ops = tables(st.get("op"));
            for (j, op) in ops.iter().enumerate() {
                let mut parts = Vec::new();
                if j == 0 {
                    parts.push(block_above(st));
                    for k in ["name", "description"] {
                        parts.push(key_comment(st, k));
                    }
                }
                parts.push(op_comments(op));
                parts.retain(|p| !p.is_empty());
                // A comment's lines are one paragraph in the cell, which wraps them itself.
                let parts: Vec<String> = parts.iter().map(|p| p.replace('\n', " ")).collect();
                let description = if j == 0 {
                    st.get("description")
                        .and_then(Item::as_str)
                        .unwrap_or("")
                        .trim()
                } else {
                    ""
                };
                let (operation, value) = operation(op);
                rows.push(Row {
                    name: name.to_string(),
                    description: description.to_string(),
                    operation,
                    select: op
                        .get("select")
                        .and_then(Item::as_str)
                        .unwrap_or("")
                        .trim()
                        .to_string(),
                    value,
                    source: parts.join("\n"),
                });
            }
        }
        rows
    }

    /// The comment block right above a stress (a file's opening comments, set apart by a
    /// blank line, are not the first stress's).
    fn block_above(t: &Table) -> String {
        let raw = t.decor().prefix().and_then(|p| p.as_str()).unwrap_or("");
        let lines: Vec<&str> = raw.lines().collect();
        let start = lines
            .iter()
            .rposition(|l| l.trim().is_empty())
            .map_or(0, |k| k + 1);
        comments(&[&Decor::new(lines[start..].join("\n"), "")])
    }

    fn op_comments(op: &Table) -> String {
        let mut parts = vec![comments(&[op.decor()])];
        for k in ["select", "scale", "shift", "set", "capacity_release"] {
            parts.push(key_comment(op, k));
        }
        parts.retain(|p| !p.is_empty());
        parts.join("\n")
    }

    /// An operation's name on the sheet and its value.
    fn operation(op: &Table) -> (&'static str, Option<Value>) {
        for name in ["scale", "shift", "set"] {
            if let Some(v) = op.get(name).and_then(Item::as_value) {
                return (name, Some(v.clone()));
            }
        }
        (col::NEVER, None)
    }
}
