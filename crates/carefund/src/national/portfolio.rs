//! The areas file of a national portfolio: a template scenario plus one row per area,
//! each row written into the template and checked like any scenario file (docs/model.md
//! §10; the module above has the rules).

use toml::{Table, Value};

use super::{Factors, OVERRIDE_SECTIONS, REQUIRED_COLUMNS};
use crate::error::{Diagnostic, Error, Result, did_you_mean};
use crate::scenario::Scenario;

/// One area: its row of the areas file and its checked scenario.
#[derive(Debug, Clone)]
pub struct Area {
    pub(super) name: String,
    pub(super) line: usize,
    pub(super) pooled: f64,
    pub(super) baseline_admissions: f64,
    pub(super) target_reduction: f64,
    pub(super) text: String,
    pub(super) scenario: Scenario,
}

impl Area {
    /// The area's name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The 1-based line of the areas file it came from.
    pub fn line(&self) -> usize {
        self.line
    }
    /// The area's checked scenario (the template with the row written in).
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }
    /// The area's scenario as TOML text (without the template's comments).
    pub fn scenario_toml(&self) -> &str {
        &self.text
    }
}

/// A template scenario applied to many areas.
#[derive(Debug, Clone)]
pub struct Portfolio {
    pub(super) template: Scenario,
    pub(super) areas_origin: String,
    pub(super) areas_hash: String,
    pub(super) areas: Vec<Area>,
    pub(super) factors: Factors,
}

impl Portfolio {
    /// Build a portfolio from the template's TOML text and the areas' CSV text. `origin`s
    /// name the files in messages (the library reads no files).
    ///
    /// The template may hold a `[national]` table with `effect_correlation` and
    /// `growth_correlation` (each in [0, 1], default 0); single runs ignore it.
    ///
    /// # Errors
    /// [`Error::Input`] for a template that is not a valid scenario or has a bad
    /// `[national]` table, and for an areas file with a missing or unknown column, a
    /// duplicate or empty area name, a cell that is not a number or distribution, or a
    /// row whose scenario breaks a rule; the diagnostic names the file, the 1-based line,
    /// the column, the value and what is allowed.
    pub fn from_text(
        template_text: &str,
        template_origin: &str,
        areas_csv: &str,
        areas_origin: &str,
    ) -> Result<Self> {
        let template = Scenario::from_toml(template_text, template_origin)?;
        let factors = crate::scenario::national::factors(template_text, template_origin)?;
        let table: Table = toml::from_str(template_text).map_err(|e| {
            Error::from(Diagnostic::new(
                template_origin,
                format!("not valid TOML: {e}"),
            ))
        })?;
        let areas = parse_areas(&template, &table, areas_csv, areas_origin)?;
        Ok(Self {
            template,
            areas_origin: areas_origin.to_string(),
            areas_hash: crate::scenario::check::hex_sha256(areas_csv.as_bytes()),
            areas,
            factors,
        })
    }

    /// Replace the national factors (e.g. from command-line options).
    ///
    /// # Errors
    /// [`Error::InvalidOption`] for a correlation outside [0, 1].
    pub fn with_factors(mut self, factors: Factors) -> Result<Self> {
        self.factors = factors.checked()?;
        Ok(self)
    }

    /// The national factors in force.
    pub fn factors(&self) -> Factors {
        self.factors
    }
    /// The template scenario.
    pub fn template(&self) -> &Scenario {
        &self.template
    }
    /// The areas, in file order.
    pub fn areas(&self) -> &[Area] {
        &self.areas
    }
    /// Area `i`'s checked scenario.
    pub fn area_scenario(&self, i: usize) -> Option<&Scenario> {
        self.areas.get(i).map(|a| &a.scenario)
    }
}

/// Where a column's value goes in the template.
#[derive(Debug, Clone)]
enum Target {
    Key(&'static str, String),
    Scheme(usize, String),
}

impl Target {
    /// The key name the scenario check uses for it.
    fn key_name(&self, table: &Table) -> String {
        match self {
            Target::Key(section, key) => format!("{section}.{key}"),
            Target::Scheme(i, key) => format!("scheme.{}.{key}", scheme_name(table, *i)),
        }
    }
}

fn schemes(table: &Table) -> &[Value] {
    table
        .get("scheme")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn scheme_name(table: &Table, i: usize) -> String {
    schemes(table)
        .get(i)
        .and_then(|s| s.get("name"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim()
        .to_string()
}

fn column_target(
    column: &str,
    table: &Table,
) -> std::result::Result<Target, (String, Option<String>)> {
    match column {
        "pooled" => return Ok(Target::Key("fund", "pooled".into())),
        "baseline_admissions" => return Ok(Target::Key("demand", "baseline_admissions".into())),
        "target_reduction" => return Ok(Target::Key("plan", "target_reduction".into())),
        _ => {}
    }
    if let Some(rest) = column.strip_prefix("scheme.") {
        let Some((name, key)) = rest.rsplit_once('.') else {
            return Err(("a scheme column is `scheme.<name>.<key>`".into(), None));
        };
        let names: Vec<String> = (0..schemes(table).len())
            .map(|i| scheme_name(table, i))
            .collect();
        return match names.iter().position(|n| n == name.trim()) {
            Some(i) => {
                let keys = crate::scenario::KEYS
                    .iter()
                    .find(|(t, _)| *t == "scheme")
                    .map_or(&[][..], |(_, k)| *k);
                if keys.contains(&key) && key != "name" {
                    Ok(Target::Scheme(i, key.to_string()))
                } else {
                    Err((
                        format!("a scheme has no key `{key}` that a column can set"),
                        did_you_mean(key, keys.iter().copied().filter(|k| *k != "name"))
                            .map(|k| format!("scheme.{name}.{k}")),
                    ))
                }
            }
            None => Err((
                format!("the template has no scheme named `{name}`"),
                did_you_mean(name, names.iter().map(String::as_str))
                    .map(|s| format!("scheme.{s}.{key}")),
            )),
        };
    }
    if let Some((section, key)) = column.split_once('.') {
        if let Some(&s) = OVERRIDE_SECTIONS.iter().find(|&&s| s == section) {
            let keys = crate::scenario::KEYS
                .iter()
                .find(|(t, _)| *t == s)
                .map_or(&[][..], |(_, k)| *k);
            if keys.contains(&key) {
                return Ok(Target::Key(s, key.to_string()));
            }
            return Err((
                format!("[{s}] has no key `{key}`"),
                did_you_mean(key, keys.iter().copied()).map(|k| format!("{s}.{k}")),
            ));
        }
        if section == "scenario" {
            return Err((
                "every area shares the template's [scenario] (timeline, discounting, payment)"
                    .into(),
                None,
            ));
        }
    }
    let known = ["demand.growth", "costs.unit_cost", "fund.uplift"];
    Err((
        "unknown column".into(),
        did_you_mean(
            column,
            REQUIRED_COLUMNS
                .iter()
                .copied()
                .chain(known.iter().copied()),
        ),
    ))
}

fn parse_cell(cell: &str) -> Option<Value> {
    let t: Table = toml::from_str(&format!("v = {cell}")).ok()?;
    t.get("v").cloned()
}

fn parse_areas(
    template: &Scenario,
    table: &Table,
    csv_text: &str,
    origin: &str,
) -> Result<Vec<Area>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(csv_text.as_bytes());
    let csv_err = |e: csv::Error| -> Error {
        let line = e.position().map(|p| p.line() as usize);
        let mut d = Diagnostic::new(origin, format!("not a valid CSV table: {e}"))
            .allowed("comma-separated rows with the same number of fields as the header");
        d.line = line;
        d.into()
    };
    let headers: Vec<String> = reader
        .headers()
        .map_err(csv_err)?
        .iter()
        .map(str::to_string)
        .collect();
    let header = Header::check(origin, table, headers)?;
    let mut areas: Vec<Area> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(csv_err)?;
        let area = header.area(template, &record, &areas)?;
        areas.push(area);
    }
    if areas.is_empty() {
        let mut d = Diagnostic::new(origin, "the areas file has no rows")
            .allowed("a header row and at least one area");
        d.line = Some(1);
        return Err(d.into());
    }
    Ok(areas)
}

/// The checked header row of an areas file: what each column sets.
struct Header<'a> {
    origin: &'a str,
    table: &'a Table,
    names: Vec<String>,
    /// What each column sets (`None` for the `area` column).
    targets: Vec<Option<Target>>,
    area_col: usize,
}

impl<'a> Header<'a> {
    /// Check the column names: the required ones present, none twice, every other one
    /// naming an input or key of the template.
    fn check(origin: &'a str, table: &'a Table, headers: Vec<String>) -> Result<Self> {
        let header_diag = |col: usize, problem: String| {
            let mut d = Diagnostic::new(origin, problem)
                .key(headers.get(col).cloned().unwrap_or_default())
                .allowed(format!(
                    "the columns {} and override columns named like an input (`demand.growth`, `scheme.<name>.effect`, `costs.unit_cost`, …)",
                    REQUIRED_COLUMNS.join(", ")
                ));
            d.line = Some(1);
            d.column = Some(col + 1);
            d
        };
        for required in REQUIRED_COLUMNS {
            if !headers.iter().any(|h| h == required) {
                let mut d = Diagnostic::new(origin, format!("missing column `{required}`"))
                    .allowed(format!(
                        "a header row naming at least {}",
                        REQUIRED_COLUMNS.join(", ")
                    ));
                d.line = Some(1);
                return Err(d.into());
            }
        }
        let mut targets: Vec<Option<Target>> = Vec::with_capacity(headers.len());
        for (c, h) in headers.iter().enumerate() {
            if headers[..c].contains(h) {
                return Err(header_diag(c, format!("column `{h}` appears twice")).into());
            }
            if h == "area" {
                targets.push(None);
                continue;
            }
            match column_target(h, table) {
                Ok(t) => targets.push(Some(t)),
                Err((problem, suggestion)) => {
                    return Err(header_diag(c, problem).suggestion(suggestion).into());
                }
            }
        }
        let area_col = headers.iter().position(|h| h == "area").unwrap_or(0);
        Ok(Self {
            origin,
            table,
            names: headers,
            targets,
            area_col,
        })
    }

    /// A diagnostic about the cell in column `c` of `record` (on line `line`).
    fn cell_diag(
        &self,
        record: &csv::StringRecord,
        line: usize,
        c: usize,
        problem: String,
    ) -> Diagnostic {
        let mut d = Diagnostic::new(self.origin, problem)
            .key(self.names[c].clone())
            .value(record.get(c).unwrap_or("").to_string());
        d.line = Some(line);
        d.column = Some(c + 1);
        d
    }

    /// One row: the template with the row's cells written in, checked as a scenario
    /// (`areas`: the rows before it, for unique names).
    fn area(
        &self,
        template: &Scenario,
        record: &csv::StringRecord,
        areas: &[Area],
    ) -> Result<Area> {
        let line = record.position().map_or(0, |p| p.line() as usize);
        let name = record.get(self.area_col).unwrap_or("").to_string();
        if name.is_empty() {
            return Err(self
                .cell_diag(record, line, self.area_col, "the area name is empty".into())
                .allowed("a non-empty, unique area name")
                .into());
        }
        if let Some((what, shown)) = crate::scenario::check::bad_name_char(&name) {
            let mut d = self
                .cell_diag(
                    record,
                    line,
                    self.area_col,
                    format!("the area name holds {what}"),
                )
                .allowed(crate::scenario::check::NAME_RULE);
            d.value = Some(shown);
            return Err(d.into());
        }
        if let Some(first) = areas.iter().find(|a| a.name == name) {
            return Err(self
                .cell_diag(
                    record,
                    line,
                    self.area_col,
                    format!("area `{name}` already appears on line {}", first.line),
                )
                .allowed("a unique area name per row")
                .into());
        }
        let mut t = self.table.clone();
        t.remove("national");
        if let Some(Value::Table(s)) = t.get_mut("scenario") {
            let base = s.get("name").and_then(Value::as_str).unwrap_or("").trim();
            s.insert("name".into(), Value::String(format!("{base} — {name}")));
        }
        let (numbers, set_here) = self.cells(record, line, &mut t)?;
        scale_scheme_costs(&mut t, template.pooled(), numbers[0], &set_here);
        let text = toml::to_string(&t).map_err(|e| {
            Error::from(Diagnostic::new(
                self.origin,
                format!("could not build area `{name}`: {e}"),
            ))
        })?;
        let scenario = Scenario::from_toml(&text, &format!("{}: area {name}", self.origin))
            .map_err(|e| {
                row_error(
                    e,
                    self.origin,
                    line,
                    &name,
                    &self.names,
                    &self.targets,
                    self.table,
                    record,
                )
            })?;
        Ok(Area {
            name,
            line,
            pooled: numbers[0],
            baseline_admissions: numbers[1],
            target_reduction: numbers[2],
            text,
            scenario,
        })
    }

    /// Write the row's non-empty cells into `t`: the three required numbers, and which
    /// column set what.
    fn cells(
        &self,
        record: &csv::StringRecord,
        line: usize,
        t: &mut Table,
    ) -> Result<([f64; 3], Vec<Option<Target>>)> {
        let mut numbers = [f64::NAN; 3];
        let mut set_here: Vec<Option<Target>> = vec![None; self.targets.len()];
        for (c, target) in self.targets.iter().enumerate() {
            let Some(target) = target else { continue };
            let cell = record.get(c).unwrap_or("");
            let required = REQUIRED_COLUMNS.iter().position(|r| *r == self.names[c]);
            if cell.is_empty() {
                if required.is_some() {
                    return Err(self
                        .cell_diag(record, line, c, "the cell is empty".into())
                        .allowed(allowed_for(&self.names[c]))
                        .into());
                }
                continue;
            }
            let Some(value) = parse_cell(cell) else {
                return Err(self
                    .cell_diag(record, line, c, "not a number or distribution".into())
                    .allowed(allowed_for(&self.names[c]))
                    .into());
            };
            if let Some(r) = required {
                match value {
                    Value::Integer(i) => numbers[r - 1] = i as f64,
                    Value::Float(f) => numbers[r - 1] = f,
                    _ => {
                        return Err(self
                            .cell_diag(record, line, c, "expected a plain number".into())
                            .allowed(allowed_for(&self.names[c]))
                            .into());
                    }
                }
            }
            set(t, target, value);
            set_here[c] = Some(target.clone());
        }
        Ok((numbers, set_here))
    }
}

/// Scheme spend scales with the area's pool: `annual_cost × pooled_area / pooled_template`,
/// except for a scheme whose `annual_cost` this row sets in its own column.
fn scale_scheme_costs(
    t: &mut Table,
    template_pooled: f64,
    pooled: f64,
    targets: &[Option<Target>],
) {
    if !(template_pooled > 0.0 && pooled.is_finite()) {
        return;
    }
    let ratio = pooled / template_pooled;
    let Some(Value::Array(list)) = t.get_mut("scheme") else {
        return;
    };
    for (i, scheme) in list.iter_mut().enumerate() {
        let own = targets.iter().any(|target| {
            matches!(target, Some(Target::Scheme(j, key)) if *j == i && key == "annual_cost")
        });
        if own {
            continue;
        }
        if let Value::Table(s) = scheme {
            let cost = match s.get("annual_cost") {
                Some(Value::Integer(c)) => *c as f64,
                Some(Value::Float(c)) => *c,
                _ => continue,
            };
            s.insert("annual_cost".into(), Value::Float(cost * ratio));
        }
    }
}

fn allowed_for(column: &str) -> String {
    match column {
        "pooled" => "the pooled fund, an amount a year (a number ≥ 0)".into(),
        "baseline_admissions" => "emergency admissions a year (a number > 0)".into(),
        "target_reduction" => "the planned reduction as a share (0.035 = 3.5%)".into(),
        _ => "a number or a distribution such as { pert = [0.0, 0.01, 0.03] } (quote-free TOML)"
            .into(),
    }
}

fn set(t: &mut Table, target: &Target, value: Value) {
    match target {
        Target::Key(section, key) => {
            let entry = t
                .entry((*section).to_string())
                .or_insert_with(|| Value::Table(Table::new()));
            if let Value::Table(s) = entry {
                if *section == "plan" && key == "target_reduction" {
                    s.remove("avoided_admissions");
                }
                s.insert(key.clone(), value);
            }
        }
        Target::Scheme(i, key) => {
            if let Some(Value::Array(list)) = t.get_mut("scheme")
                && let Some(Value::Table(s)) = list.get_mut(*i)
            {
                s.insert(key.clone(), value);
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn row_error(
    e: Error,
    origin: &str,
    line: usize,
    name: &str,
    headers: &[String],
    targets: &[Option<Target>],
    table: &Table,
    record: &csv::StringRecord,
) -> Error {
    let Error::Input(d) = e else { return e };
    let column = d.key.as_ref().and_then(|k| {
        targets
            .iter()
            .position(|t| t.as_ref().is_some_and(|t| &t.key_name(table) == k))
    });
    let mut out = Diagnostic::new(origin, format!("area `{name}`: {}", d.problem));
    out.line = Some(line);
    out.key = column.map(|c| headers[c].clone()).or(d.key.clone());
    out.column = column.map(|c| c + 1);
    out.value = column
        .and_then(|c| record.get(c).map(str::to_string))
        .or(d.value.clone());
    out.allowed = d.allowed.clone();
    out.suggestion = d.suggestion.clone();
    out.into()
}
