//! Workbook → TOML text, remembering the cell of every value.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use toml_edit::{Array, ArrayOfTables, DocumentMut, InlineTable, Item, Table, Value};

use super::layout::{self, FORMS, Field, KV_SHEETS, Kind, PARAMS, SCHEME_COLS, kv};
use super::{Loc, Seg, Translation};
use crate::error::{Diagnostic, Result, did_you_mean};

/// A cell's value, once dates, errors and formulas without a saved value are refused.
#[derive(Debug, Clone)]
enum V {
    Empty,
    Num(f64),
    Text(String),
    Bool(bool),
}

impl V {
    fn shown(&self) -> String {
        match self {
            V::Empty => "an empty cell".into(),
            V::Num(x) => x.to_string(),
            V::Text(s) => format!("\"{s}\""),
            V::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        }
    }
}

pub(super) struct Sheet {
    pub(super) name: &'static str,
    values: calamine::Range<Data>,
    formulas: calamine::Range<String>,
}

impl Sheet {
    pub(super) fn last_row(&self) -> u32 {
        let v = self.values.end().map_or(0, |(r, _)| r);
        let f = self.formulas.end().map_or(0, |(r, _)| r);
        v.max(f)
    }
}

pub(super) struct Book<'a> {
    pub(super) origin: &'a str,
    pub(super) cells: Vec<(Vec<Seg>, Loc)>,
}

fn path(segs: &[&str]) -> Vec<Seg> {
    segs.iter().map(|s| Seg::Key((*s).to_string())).collect()
}

/// An empty or comment-only Source cell gives no comment.
pub(super) fn comment(source: &str) -> String {
    source
        .lines()
        .map(|l| {
            let l = l.trim_end();
            if l.is_empty() {
                "#\n".to_string()
            } else {
                format!("# {l}\n")
            }
        })
        .collect()
}

/// A number as TOML: whole numbers as integers, so amounts read as written.
pub(crate) fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        Value::from(x as i64)
    } else {
        Value::from(x)
    }
}

impl Book<'_> {
    pub(super) fn diag(&self, loc: &Loc, key: &str, problem: impl Into<String>) -> Diagnostic {
        let mut d = Diagnostic::new(self.origin, problem);
        if !key.is_empty() {
            d = d.key(key);
        }
        d.cell = Some(loc.address());
        d
    }

    /// The value of a cell: a formula's saved value, never a date or an error value.
    fn get(&self, s: &Sheet, row: u32, col: u16, key: &str) -> Result<V> {
        let loc = Loc::cell(s.name, row, col);
        let formula = s
            .formulas
            .get_value((row, u32::from(col)))
            .filter(|f| !f.trim().is_empty());
        let v = s.values.get_value((row, u32::from(col)));
        Ok(match v {
            None | Some(Data::Empty) => match formula {
                Some(f) => {
                    return Err(self
                        .diag(&loc, key, "the cell holds a formula with no saved value")
                        .value(format!("={f}"))
                        .allowed("a value, or a formula saved with its result (open the workbook in Excel or LibreOffice and save it, so the formula is calculated)")
                        .into());
                }
                None => V::Empty,
            },
            Some(Data::Float(x)) => V::Num(*x),
            Some(Data::Int(i)) => V::Num(*i as f64),
            Some(Data::String(t)) if t.trim().is_empty() => V::Empty,
            Some(Data::String(t)) => V::Text(t.clone()),
            Some(Data::Bool(b)) => V::Bool(*b),
            Some(Data::DateTime(d)) => {
                return Err(self
                    .diag(&loc, key, "the cell holds a date")
                    .value(date(d.as_f64()))
                    .allowed("a number: format the cell as a number (Format Cells, Number) and type the value again")
                    .into());
            }
            Some(Data::DateTimeIso(d) | Data::DurationIso(d)) => {
                return Err(self
                    .diag(&loc, key, "the cell holds a date or time")
                    .value(d.clone())
                    .allowed("a number: format the cell as a number and type the value again")
                    .into());
            }
            Some(Data::Error(e)) => {
                return Err(self
                    .diag(&loc, key, "the cell shows an error")
                    .value(e.to_string())
                    .allowed("a value; fix the formula that gives the error")
                    .into());
            }
        })
    }

    pub(super) fn empty(
        &self,
        s: &Sheet,
        row: u32,
        col: u16,
        key: &str,
        allowed: &str,
    ) -> Diagnostic {
        self.diag(&Loc::cell(s.name, row, col), key, "the cell is empty")
            .allowed(format!("{allowed}; this value is required"))
    }

    pub(super) fn num(&self, s: &Sheet, row: u32, col: u16, key: &str) -> Result<Option<f64>> {
        match self.get(s, row, col, key)? {
            V::Empty => Ok(None),
            V::Num(x) => Ok(Some(x)),
            other => Err(self
                .diag(
                    &Loc::cell(s.name, row, col),
                    key,
                    "expected a number, found text",
                )
                .value(other.shown())
                .allowed("a number, typed without quotes, units or thousands separators as text (0.035, not \"3.5%\" typed as text)")
                .into()),
        }
    }

    pub(super) fn text(&self, s: &Sheet, row: u32, col: u16, key: &str) -> Result<Option<String>> {
        Ok(match self.get(s, row, col, key)? {
            V::Empty => None,
            V::Text(t) => Some(t),
            V::Num(x) => Some(x.to_string()),
            V::Bool(b) => Some(if b { "true" } else { "false" }.into()),
        })
    }

    fn boolean(&self, s: &Sheet, row: u32, col: u16, key: &str) -> Result<Option<bool>> {
        let v = self.get(s, row, col, key)?;
        match &v {
            V::Empty => Ok(None),
            V::Bool(b) => Ok(Some(*b)),
            V::Text(t) if t.trim().eq_ignore_ascii_case("true") => Ok(Some(true)),
            V::Text(t) if t.trim().eq_ignore_ascii_case("false") => Ok(Some(false)),
            _ => Err(self
                .diag(&Loc::cell(s.name, row, col), key, "expected TRUE or FALSE")
                .value(v.shown())
                .allowed("TRUE or FALSE")
                .into()),
        }
    }

    pub(super) fn choice(
        &self,
        s: &Sheet,
        row: u32,
        col: u16,
        key: &str,
        options: &[&str],
    ) -> Result<Option<String>> {
        let Some(t) = self.text(s, row, col, key)? else {
            return Ok(None);
        };
        let t = t.trim().to_string();
        if options.contains(&t.as_str()) {
            return Ok(Some(t));
        }
        Err(self
            .diag(&Loc::cell(s.name, row, col), key, "unknown value")
            .value(format!("\"{t}\""))
            .allowed(options.join(", "))
            .suggestion(did_you_mean(&t, options.iter().copied()))
            .into())
    }

    /// A number or distribution from a form cell and [`PARAMS`] parameter cells.
    pub(super) fn dist(
        &self,
        s: &Sheet,
        row: u32,
        col: u16,
        key: &str,
        extra: &[&str],
    ) -> Result<Option<(Value, Loc)>> {
        let form = self
            .text(s, row, col, key)?
            .map(|f| f.trim().to_lowercase());
        let mut params = Vec::new();
        for k in 0..PARAMS {
            params.push(self.num(s, row, col + 1 + k, key)?);
        }
        let mut loc = Loc::cell(s.name, row, col);
        loc.last_col = col + PARAMS;
        let names: Vec<&str> = FORMS
            .iter()
            .map(|(n, _, _)| *n)
            .chain(extra.iter().copied())
            .collect();
        let Some(form) = self.form(s, (row, col), key, form, &params, &names)? else {
            return Ok(None);
        };
        if extra.contains(&form.as_str()) {
            if let Some(k) = params.iter().position(Option::is_some) {
                return Err(self
                    .diag(
                        &Loc::cell(s.name, row, col + 1 + k as u16),
                        key,
                        format!("{form} takes no parameters"),
                    )
                    .allowed("an empty cell")
                    .into());
            }
            loc.shown = Some(form.clone());
            return Ok(Some((Value::from(form), loc)));
        }
        let Some((_, names_of, required)) = FORMS.iter().find(|(n, _, _)| *n == form) else {
            return Err(self
                .diag(
                    &Loc::cell(s.name, row, col),
                    key,
                    "unknown distribution form",
                )
                .value(format!("\"{form}\""))
                .allowed(names.join(", "))
                .suggestion(did_you_mean(&form, names.iter().copied()))
                .into());
        };
        self.params(s, (row, col), key, &form, names_of, *required, &params)?;
        let shown_params: Vec<String> = params
            .iter()
            .take(names_of.len())
            .map(|p| p.map_or("empty".into(), |x| x.to_string()))
            .collect();
        loc.shown = Some(format!("{form} {}", shown_params.join(", ")));
        Ok(Some((dist_value(&form, &params), loc)))
    }

    /// The form of a distribution: the form cell's (`form`), or `fixed` for a lone number in p1;
    /// `None` when the form and every parameter are empty.
    fn form(
        &self,
        s: &Sheet,
        (row, col): (u32, u16),
        key: &str,
        form: Option<String>,
        params: &[Option<f64>],
        names: &[&str],
    ) -> Result<Option<String>> {
        Ok(match form {
            None if params.iter().all(Option::is_none) => None,
            // A number without a form is a fixed value.
            None if params[0].is_some() && params[1..].iter().all(Option::is_none) => {
                Some("fixed".to_string())
            }
            None => {
                return Err(self
                    .empty(s, row, col, key, &format!("a form: {}", names.join(", ")))
                    .into());
            }
            Some(f) => Some(f),
        })
    }

    /// Every required parameter of `form` is given, and no parameter beyond its own.
    #[allow(clippy::too_many_arguments)]
    fn params(
        &self,
        s: &Sheet,
        (row, col): (u32, u16),
        key: &str,
        form: &str,
        names_of: &[&str],
        required: usize,
        params: &[Option<f64>],
    ) -> Result<()> {
        for (k, p) in params.iter().enumerate() {
            let at = col + 1 + k as u16;
            match (k < names_of.len(), p) {
                (false, Some(_)) => {
                    return Err(self
                        .diag(
                            &Loc::cell(s.name, row, at),
                            key,
                            format!(
                                "{form} takes {} parameter{} ({}); p{} is not one of them",
                                names_of.len(),
                                if names_of.len() == 1 { "" } else { "s" },
                                names_of.join(", "),
                                k + 1
                            ),
                        )
                        .allowed("an empty cell")
                        .into());
                }
                (true, None) if k < required => {
                    return Err(self
                        .empty(
                            s,
                            row,
                            at,
                            key,
                            &format!(
                                "{form} needs {} in p1 to p{required}; here p{} = {}",
                                names_of[..required].join(", "),
                                k + 1,
                                names_of[k]
                            ),
                        )
                        .into());
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// A single-cell value of `kind`.
    fn scalar(
        &self,
        s: &Sheet,
        row: u32,
        col: u16,
        key: &str,
        kind: Kind,
    ) -> Result<Option<Value>> {
        Ok(match kind {
            Kind::Text => self.text(s, row, col, key)?.map(Value::from),
            Kind::Suggest(_) => self.text(s, row, col, key)?.map(|t| Value::from(t.trim())),
            Kind::Num => self.num(s, row, col, key)?.map(number),
            Kind::Int => match self.num(s, row, col, key)? {
                None => None,
                Some(x) if x.fract() == 0.0 && x.abs() < 1e15 => Some(Value::from(x as i64)),
                Some(x) => {
                    return Err(self
                        .diag(&Loc::cell(s.name, row, col), key, "expected a whole number")
                        .value(x.to_string())
                        .allowed("a whole number")
                        .into());
                }
            },
            Kind::Bool => self.boolean(s, row, col, key)?.map(Value::from),
            Kind::NumOr(words) => match self.get(s, row, col, key)? {
                V::Empty => None,
                V::Num(x) => Some(number(x)),
                V::Text(t) if words.contains(&t.trim()) => Some(Value::from(t.trim())),
                other => {
                    return Err(self
                        .diag(&Loc::cell(s.name, row, col), key, "expected a number")
                        .value(other.shown())
                        .allowed(format!("a number, or {}", words.join(", ")))
                        .suggestion(match &other {
                            V::Text(t) => did_you_mean(t, words.iter().copied()),
                            _ => None,
                        })
                        .into());
                }
            },
            Kind::Choice(layout::PERIODS) => self
                .choice(s, row, col, key, layout::PERIODS)?
                .map(|p| Value::from(p.parse::<i64>().unwrap_or(4))),
            Kind::Choice(options) => self.choice(s, row, col, key, options)?.map(Value::from),
            Kind::Dist(_) | Kind::PerYear | Kind::FixedOrPerYear => None,
        })
    }
}

/// A checked form and its parameters as the TOML value: a number for `fixed`, else an
/// inline table `{ form = … }`.
fn dist_value(form: &str, params: &[Option<f64>]) -> Value {
    let p = |k: usize| params[k].unwrap_or(f64::NAN);
    let array = |n: usize| Value::Array((0..n).map(|k| number(p(k))).collect::<Array>());
    let named = |keys: &[(&str, usize)]| {
        let mut t = InlineTable::new();
        for (name, k) in keys {
            if let Some(x) = params[*k] {
                t.insert(*name, number(x));
            }
        }
        Value::InlineTable(t)
    };
    let inner = match form {
        "fixed" => return number(p(0)),
        "uniform" | "ci90" => array(2),
        "triangular" | "pert" => array(3),
        "normal" => named(&[("mean", 0), ("sd", 1), ("min", 2), ("max", 3)]),
        "lognormal" => named(&[("median", 0), ("p90", 1)]),
        "lognormal mean-sd" => named(&[("mean", 0), ("sd", 1)]),
        _ => named(&[("alpha", 0), ("beta", 1)]),
    };
    let toml_form = form.split(' ').next().unwrap_or(form);
    let mut t = InlineTable::new();
    t.insert(toml_form, inner);
    Value::InlineTable(t)
}

/// An Excel date serial (days since 1899-12-30) as `yyyy-mm-dd`.
fn date(serial: f64) -> String {
    // Days from 1970-01-01, then the civil date (H. Hinnant's algorithm).
    let z = serial.floor() as i64 - 25_569 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} (date serial {serial})")
}

pub(super) fn open<'a>(bytes: &'a [u8], origin: &str) -> Result<Xlsx<Cursor<&'a [u8]>>> {
    let problem = if bytes.is_empty() {
        "not an Excel workbook (.xlsx): the file is empty"
    } else if !bytes.starts_with(b"PK") {
        "not an Excel workbook (.xlsx): an .xlsx file is a zip archive, and this file is not one"
    } else {
        ""
    };
    if !problem.is_empty() {
        let text = std::str::from_utf8(&bytes[..bytes.len().min(4096)]).is_ok();
        return Err(Diagnostic::new(origin, problem)
            .allowed(if text && !bytes.is_empty() {
                "a workbook saved as Excel (.xlsx); this file holds text: if it is a TOML scenario, name it *.toml"
            } else {
                "a workbook saved as Excel (.xlsx), e.g. written by carefund init --xlsx"
            })
            .into());
    }
    calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| {
        Diagnostic::new(
            origin,
            format!("not an Excel workbook (.xlsx) that can be read: {e}"),
        )
        .allowed("a workbook saved as Excel (.xlsx), e.g. written by carefund init --xlsx")
        .into()
    })
}

pub(super) fn sheet(
    xl: &mut Xlsx<Cursor<&[u8]>>,
    book: &Book<'_>,
    name: &'static str,
    optional: bool,
) -> Result<Option<Sheet>> {
    let names = xl.sheet_names();
    if !names.iter().any(|n| n == name) {
        if optional {
            return Ok(None);
        }
        let expected: Vec<&str> = KV_SHEETS
            .iter()
            .map(|s| s.name)
            .chain([layout::SCHEMES])
            .collect();
        return Err(Diagnostic::new(
            book.origin,
            format!("the workbook has no sheet `{name}`"),
        )
        .value(format!("the sheets {}", names.join(", ")))
        .allowed(format!(
            "a scenario workbook with the sheets {} (Correlations and Stresses are optional); carefund init --xlsx writes one",
            expected.join(", ")
        ))
        .suggestion(did_you_mean(name, names.iter().map(String::as_str)))
        .into());
    }
    let values = xl
        .worksheet_range(name)
        .map_err(|e| Diagnostic::new(book.origin, format!("cannot read sheet `{name}`: {e}")))?;
    if let Some(Ok(merged)) = xl.worksheet_merge_cells(name)
        && let Some(m) = merged.first()
    {
        let loc = Loc {
            sheet: name,
            row: m.start.0,
            col: m.start.1 as u16,
            last_row: m.end.0,
            last_col: m.end.1 as u16,
            shown: None,
        };
        return Err(book
            .diag(&loc, "", "merged cells")
            .allowed("one value per cell: unmerge the cells (Format, Merge cells, Unmerge)")
            .into());
    }
    let formulas = xl.worksheet_formula(name).unwrap_or_default();
    Ok(Some(Sheet {
        name,
        values,
        formulas,
    }))
}

/// One key/value row's contents.
struct Entry {
    value: Value,
    loc: Loc,
    /// Per-year values: the cell of each element.
    elements: Vec<Loc>,
    source: String,
}

/// Read the workbook's Stresses sheet into the text of a stress file and the cell of each
/// value; `None` without the sheet or without rows on it.
pub(crate) fn stresses(bytes: &[u8], origin: &str) -> Result<Option<super::StressCells>> {
    let mut xl = open(bytes, origin)?;
    let mut book = Book {
        origin,
        cells: Vec::new(),
    };
    match sheet(&mut xl, &book, layout::STRESSES, true)? {
        Some(s) => super::stresses::read(&mut book, &s),
        None => Ok(None),
    }
}

/// Read the workbook into TOML text and the cell of each value.
pub(crate) fn translate(bytes: &[u8], origin: &str) -> Result<Translation> {
    let mut xl = open(bytes, origin)?;
    let mut book = Book {
        origin,
        cells: Vec::new(),
    };
    let mut doc = DocumentMut::new();
    let mut entries: BTreeMap<&'static str, Entry> = BTreeMap::new();
    let mut rows: BTreeMap<&'static str, (&'static str, u32)> = BTreeMap::new();
    for spec in KV_SHEETS {
        let Some(s) = sheet(&mut xl, &book, spec.name, false)? else {
            continue;
        };
        read_kv(&book, &s, spec.fields, &mut entries, &mut rows)?;
    }
    // Tables in the order of the TOML template; a required key is needed when its table
    // is given at all ([scenario] … [plan] always are).
    let tables = [
        "scenario",
        "fund",
        "demand",
        "costs",
        "plan",
        "p4p",
        "credibility",
        "national",
    ];
    for (n, table) in tables.iter().enumerate() {
        let fields: Vec<&Field> = KV_SHEETS
            .iter()
            .flat_map(|s| s.fields.iter())
            .filter(|f| f.key.split('.').next() == Some(table))
            .collect();
        let given = fields.iter().any(|f| entries.contains_key(f.key));
        if !given && n > 4 {
            continue;
        }
        let mut t = Table::new();
        if n > 0 {
            t.decor_mut().set_prefix("\n");
        }
        for field in &fields {
            let key = field.key.split('.').nth(1).unwrap_or(field.key);
            let Some(e) = entries.remove(field.key) else {
                if field.required {
                    return Err(missing(&book, field, rows.get(field.key).copied()).into());
                }
                continue;
            };
            t.insert(key, Item::Value(e.value));
            if !e.source.is_empty()
                && let Some(mut k) = t.key_mut(key)
            {
                k.leaf_decor_mut().set_prefix(comment(&e.source));
            }
            book.cells.push((path(&[table, key]), e.loc));
            for (i, loc) in e.elements.into_iter().enumerate() {
                let mut p = path(&[table, key]);
                p.push(Seg::Index(i));
                book.cells.push((p, loc));
            }
        }
        if let Some((sheet_name, row)) = fields.first().and_then(|f| rows.get(f.key)) {
            book.cells
                .push((path(&[table]), Loc::cell(sheet_name, *row, kv::LABEL)));
        }
        doc.insert(table, Item::Table(t));
    }
    let schemes = sheet(&mut xl, &book, layout::SCHEMES, false)?;
    if let Some(s) = schemes {
        read_schemes(&mut book, &s, &mut doc)?;
    }
    if let Some(s) = sheet(&mut xl, &book, layout::CORRELATIONS, true)? {
        read_correlations(&mut book, &s, &mut doc)?;
    }
    Ok(Translation {
        text: doc.to_string(),
        cells: book.cells,
    })
}

/// A required key/value field without a value: its empty cell, or, where the sheet has
/// no row for it (`row` is `None`), the sheet.
fn missing(book: &Book<'_>, field: &Field, row: Option<(&'static str, u32)>) -> Diagnostic {
    let Some((sheet_name, row)) = row else {
        let sheet_of = KV_SHEETS
            .iter()
            .find(|s| s.fields.iter().any(|f| f.key == field.key))
            .map_or("", |s| s.name);
        return Diagnostic::new(
            book.origin,
            format!("sheet `{sheet_of}` has no row for `{}`", field.key),
        )
        .key(field.key)
        .allowed(format!(
            "a row with `{}` in the Key column (column B) and its value in column E",
            field.key
        ));
    };
    let col = if matches!(field.kind, Kind::Dist(_)) {
        kv::FORM
    } else {
        kv::P1
    };
    let what = match field.kind {
        Kind::Text => "text".to_string(),
        Kind::Dist(_) => "a form (fixed, uniform, pert …) and its parameters".to_string(),
        _ => format!("a number ({})", field.unit.replace("{cur}", "money")),
    };
    book.diag(
        &Loc::cell(sheet_name, row, col),
        field.key,
        "the cell is empty",
    )
    .allowed(format!("{what}; this value is required"))
}

/// Per-year rows of one key: (row, value, whether the row is the `fixed` one).
type Years = Vec<(u32, f64, bool)>;

fn read_kv(
    book: &Book<'_>,
    s: &Sheet,
    fields: &'static [Field],
    entries: &mut BTreeMap<&'static str, Entry>,
    rows: &mut BTreeMap<&'static str, (&'static str, u32)>,
) -> Result<()> {
    let mut years: BTreeMap<&'static str, Years> = BTreeMap::new();
    let mut year_sources: BTreeMap<&'static str, String> = BTreeMap::new();
    for row in 1..=s.last_row() {
        let Some(field) = kv_field(book, s, row, fields, rows)? else {
            continue;
        };
        rows.entry(field.key).or_insert((s.name, row));
        let source = book
            .text(s, row, kv::SOURCE, field.key)?
            .unwrap_or_default();
        let mut loc = Loc::cell(s.name, row, kv::P1);
        let value = match field.kind {
            Kind::Dist(extra) => book
                .dist(s, row, kv::FORM, field.key, extra)?
                .map(|(v, l)| {
                    loc = l;
                    v
                }),
            Kind::PerYear | Kind::FixedOrPerYear => {
                let fixed = yearly_form(book, s, row, field)?;
                if let Some(x) = book.num(s, row, kv::P1, field.key)? {
                    years.entry(field.key).or_default().push((row, x, fixed));
                }
                year_sources.entry(field.key).or_default().push_str(&source);
                continue;
            }
            kind => book.scalar(s, row, kv::P1, field.key, kind)?,
        };
        if let Some(value) = value {
            entries.insert(
                field.key,
                Entry {
                    value,
                    loc,
                    elements: Vec::new(),
                    source,
                },
            );
        }
    }
    for (key, ys) in years {
        let source = year_sources.remove(key).unwrap_or_default();
        entries.insert(key, yearly_entry(book, s, key, &ys, source)?);
    }
    Ok(())
}

/// The field of a key/value row, by its Key cell; `None` for a row without a key. A
/// key that is not on this sheet, or a second row of a key that is not yearly, is an
/// error.
fn kv_field(
    book: &Book<'_>,
    s: &Sheet,
    row: u32,
    fields: &'static [Field],
    rows: &BTreeMap<&'static str, (&'static str, u32)>,
) -> Result<Option<&'static Field>> {
    let Some(key) = book.text(s, row, kv::KEY, "")? else {
        return Ok(None);
    };
    let key = key.trim();
    let Some(field) = fields.iter().find(|f| f.key == key) else {
        let keys: Vec<&str> = fields.iter().map(|f| f.key).collect();
        return Err(book
            .diag(&Loc::cell(s.name, row, kv::KEY), "", "unknown key")
            .value(format!("\"{key}\""))
            .allowed(format!("on sheet `{}`: {}", s.name, keys.join(", ")))
            .suggestion(did_you_mean(key, keys.iter().copied()))
            .into());
    };
    let per_year = matches!(field.kind, Kind::PerYear | Kind::FixedOrPerYear);
    if rows.contains_key(field.key) && !per_year {
        return Err(book
            .diag(
                &Loc::cell(s.name, row, kv::KEY),
                field.key,
                "this key has two rows",
            )
            .allowed("one row per key")
            .into());
    }
    Ok(Some(field))
}

/// Whether a yearly figure's row is the `fixed` one (one figure for every year) rather
/// than a year's, by its Form cell.
fn yearly_form(book: &Book<'_>, s: &Sheet, row: u32, field: &Field) -> Result<bool> {
    let form = book.text(s, row, kv::FORM, field.key)?;
    match form.as_deref().map(str::trim) {
        Some("fixed") if field.kind == Kind::FixedOrPerYear => Ok(true),
        Some("per year") | None => Ok(false),
        Some(other) => Err(book
            .diag(
                &Loc::cell(s.name, row, kv::FORM),
                field.key,
                "unknown form of a yearly figure",
            )
            .value(format!("\"{other}\""))
            .allowed(if field.kind == Kind::FixedOrPerYear {
                "fixed (one figure for every year) or per year"
            } else {
                "per year"
            })
            .into()),
    }
}

/// A yearly figure's rows as one entry: the fixed figure, or the list of figures per
/// year with the cell of each.
fn yearly_entry(
    book: &Book<'_>,
    s: &Sheet,
    key: &str,
    ys: &[(u32, f64, bool)],
    source: String,
) -> Result<Entry> {
    let fixed: Vec<&(u32, f64, bool)> = ys.iter().filter(|y| y.2).collect();
    let per: Vec<&(u32, f64, bool)> = ys.iter().filter(|y| !y.2).collect();
    let first = ys[0].0;
    let (value, elements, last) = if let Some(f) = fixed.first() {
        if let Some(p) = per.first() {
            return Err(book
                .diag(
                    &Loc::cell(s.name, p.0, kv::P1),
                    key,
                    "both a fixed figure and figures per year",
                )
                .allowed(
                    "either one figure for every year (the fixed row) or one per year, not both",
                )
                .into());
        }
        (number(f.1), Vec::new(), f.0)
    } else {
        let rows_: Vec<u32> = per.iter().map(|y| y.0).collect();
        let array: Array = per.iter().map(|y| number(y.1)).collect();
        let elements = rows_
            .iter()
            .map(|r| Loc::cell(s.name, *r, kv::P1))
            .collect();
        (
            Value::Array(array),
            elements,
            *rows_.last().unwrap_or(&first),
        )
    };
    let mut loc = Loc::cell(s.name, first, kv::P1);
    loc.last_row = last;
    Ok(Entry {
        value,
        loc,
        elements,
        source,
    })
}

/// Headings of consecutive columns from A, for [`check_headers`].
pub(super) fn in_order(headers: &[&str]) -> Vec<(u16, String)> {
    headers
        .iter()
        .enumerate()
        .map(|(i, h)| (i as u16, (*h).to_string()))
        .collect()
}

pub(super) fn check_headers(book: &Book<'_>, s: &Sheet, expected: &[(u16, String)]) -> Result<()> {
    for (col, header) in expected {
        let found = book.text(s, 0, *col, "")?.unwrap_or_default();
        if !found.trim().starts_with(header.as_str()) {
            return Err(book
                .diag(
                    &Loc::cell(s.name, 0, *col),
                    "",
                    "unexpected column heading",
                )
                .value(format!("\"{}\"", found.trim()))
                .allowed(format!(
                    "the heading `{header}…` here: keep the columns of the sheet as carefund init --xlsx writes them"
                ))
                .into());
        }
    }
    Ok(())
}

fn read_schemes(book: &mut Book<'_>, s: &Sheet, doc: &mut DocumentMut) -> Result<()> {
    let (cols, source_col) = layout::scheme_columns();
    let headers: Vec<(u16, String)> = SCHEME_COLS
        .iter()
        .zip(&cols)
        .map(|(c, at)| (*at, c.header.to_string()))
        .chain([(source_col, "Source".to_string())])
        .collect();
    check_headers(book, s, &headers)?;
    let mut aot = ArrayOfTables::new();
    for row in 1..=s.last_row() {
        if blank_row(book, s, row, source_col)? {
            continue;
        }
        let t = read_scheme(book, s, row, aot.len())?;
        aot.push(t);
    }
    if aot.is_empty() {
        return Err(book
            .diag(&Loc::cell(s.name, 1, 0), "scheme", "no schemes")
            .allowed("at least one scheme: one row per scheme, from row 2")
            .into());
    }
    doc.insert("scheme", Item::ArrayOfTables(aot));
    Ok(())
}

/// Whether every cell of a row before column `end` is empty.
pub(super) fn blank_row(book: &Book<'_>, s: &Sheet, row: u32, end: u16) -> Result<bool> {
    for col in 0..end {
        if !matches!(book.get(s, row, col, "")?, V::Empty) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The `i`-th scheme, from its row.
fn read_scheme(book: &mut Book<'_>, s: &Sheet, row: u32, i: usize) -> Result<Table> {
    let (cols, source_col) = layout::scheme_columns();
    let mut t = Table::new();
    t.decor_mut().set_prefix("\n");
    let name = book
        .text(s, row, cols[0], "scheme.name")?
        .unwrap_or_default();
    let here = |key: &str| {
        if name.trim().is_empty() {
            format!("scheme.{key}")
        } else {
            format!("scheme.{}.{key}", name.trim())
        }
    };
    for (c, &at) in SCHEME_COLS.iter().zip(&cols) {
        let key = here(c.key);
        let mut loc = Loc::cell(s.name, row, at);
        let value = match c.kind {
            Kind::Dist(extra) => book.dist(s, row, at, &key, extra)?.map(|(v, l)| {
                loc = l;
                v
            }),
            Kind::Choice(layout::FUNDER) => funder(book, s, row, at, &key, &mut loc)?,
            kind => book.scalar(s, row, at, &key, kind)?,
        };
        match value {
            Some(v) => {
                t.insert(c.key, Item::Value(v));
                book.cells.push((
                    vec![
                        Seg::Key("scheme".into()),
                        Seg::Index(i),
                        Seg::Key(c.key.into()),
                    ],
                    loc,
                ));
            }
            None if c.required => {
                let allowed = match c.kind {
                    Kind::Text => "a name used by one scheme only".to_string(),
                    Kind::Dist(_) => {
                        "a form (fixed, uniform, pert …) and its parameters".to_string()
                    }
                    _ => format!("a number ({})", c.unit.replace("{cur}", "money")),
                };
                return Err(book.empty(s, row, at, &key, &allowed).into());
            }
            None => {}
        }
    }
    if let Some(source) = book.text(s, row, source_col, &here("source"))? {
        t.decor_mut().set_prefix(format!("\n{}", comment(&source)));
    }
    book.cells.push((
        vec![Seg::Key("scheme".into()), Seg::Index(i)],
        Loc::cell(s.name, row, cols[0]),
    ));
    Ok(t)
}

/// A scheme's funder (`at`) and, when split, its NHS share (the next cell).
fn funder(
    book: &Book<'_>,
    s: &Sheet,
    row: u32,
    at: u16,
    key: &str,
    loc: &mut Loc,
) -> Result<Option<Value>> {
    let funder = book.choice(s, row, at, key, layout::FUNDER)?;
    let share = book.num(s, row, at + 1, key)?;
    match (funder.as_deref(), share) {
        (Some("split"), Some(x)) => {
            loc.last_col = at + 1;
            let mut split = InlineTable::new();
            split.insert("nhs", number(x));
            split.insert("council", number(1.0 - x));
            Ok(Some(Value::InlineTable(split)))
        }
        (Some("split"), None) => Err(book
            .empty(
                s,
                row,
                at + 1,
                key,
                "the NHS share of the cost, 0 to 1, when the funder is split",
            )
            .into()),
        (f, Some(x)) => Err(book
            .diag(
                &Loc::cell(s.name, row, at + 1),
                key,
                "an NHS share is given but the funder is not split",
            )
            .value(x.to_string())
            .allowed(format!(
                "an empty cell, or funder split (found {})",
                f.unwrap_or("an empty funder")
            ))
            .into()),
        (f, None) => Ok(f.map(Value::from)),
    }
}

fn read_correlations(book: &mut Book<'_>, s: &Sheet, doc: &mut DocumentMut) -> Result<()> {
    check_headers(book, s, &in_order(&layout::corr::HEADERS))?;
    let mut aot = ArrayOfTables::new();
    for row in 1..=s.last_row() {
        let cells: Vec<V> = (0..4)
            .map(|c| book.get(s, row, c, "correlation"))
            .collect::<Result<_>>()?;
        if cells.iter().all(|c| matches!(c, V::Empty)) {
            continue;
        }
        let i = aot.len();
        let at = |seg: &[Seg]| {
            let mut p = vec![Seg::Key("correlation".into()), Seg::Index(i)];
            p.extend_from_slice(seg);
            p
        };
        let mut t = Table::new();
        t.decor_mut().set_prefix("\n");
        let mut inputs = Array::new();
        for c in 0..2u16 {
            let Some(name) = book.text(s, row, c, "correlation.inputs")? else {
                return Err(book
                    .empty(s, row, c, "correlation.inputs", "the name of an uncertain input, such as scheme.<name>.effect or demand.growth")
                    .into());
            };
            inputs.push(name.trim());
            book.cells.push((
                at(&[Seg::Key("inputs".into()), Seg::Index(c as usize)]),
                Loc::cell(s.name, row, c),
            ));
        }
        t.insert("inputs", Item::Value(Value::Array(inputs)));
        let mut both = Loc::cell(s.name, row, 0);
        both.last_col = 1;
        book.cells.push((at(&[Seg::Key("inputs".into())]), both));
        let Some(rank) = book.num(s, row, 2, "correlation.rank")? else {
            return Err(book
                .empty(
                    s,
                    row,
                    2,
                    "correlation.rank",
                    "a rank correlation from -1 to 1",
                )
                .into());
        };
        t.insert("rank", Item::Value(number(rank)));
        book.cells
            .push((at(&[Seg::Key("rank".into())]), Loc::cell(s.name, row, 2)));
        if let Some(repair) = book.boolean(s, row, 3, "correlation.repair")? {
            t.insert("repair", Item::Value(Value::from(repair)));
            book.cells
                .push((at(&[Seg::Key("repair".into())]), Loc::cell(s.name, row, 3)));
        }
        if let Some(source) = book.text(s, row, 4, "correlation")? {
            t.decor_mut().set_prefix(format!("\n{}", comment(&source)));
        }
        book.cells.push((at(&[]), Loc::cell(s.name, row, 0)));
        aot.push(t);
    }
    if !aot.is_empty() {
        doc.insert("correlation", Item::ArrayOfTables(aot));
    }
    Ok(())
}
