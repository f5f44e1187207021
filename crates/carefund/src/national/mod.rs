//! The national portfolio: one template scenario applied to many areas (docs/model.md §10).
//!
//! A [`Portfolio`] is a template scenario plus a table of areas (CSV: `area, pooled,
//! baseline_admissions, target_reduction`, and optional override columns named like an
//! input or key: `demand.growth`, `scheme.<name>.effect`, `costs.unit_cost`, …). Each
//! area's scenario is the template with that row's values written in, then checked by the
//! same rules as any scenario file, so an override cell may be a number or a distribution
//! (`{ pert = [0, 0.01, 0.03] }`). An empty override cell keeps the template's value.
//! Scheme spend scales with the area's pool (`annual_cost × pooled / template pooled`),
//! because a template's schemes are a typical plan's spend, not a fixed sum; a
//! `scheme.<name>.annual_cost` column sets one scheme's spend instead.
//!
//! # National factors (a one-factor Gaussian copula)
//!
//! Areas share two national shocks: one to the effectiveness of schemes, one to demand
//! growth. For each path a common standard normal `Z_e` is drawn from the stream keyed by
//! `(seed, "national.effect_shock", path)` and `Z_g` from `(seed, "national.growth_shock",
//! path)`. For every area `a`, the uniform `u` of each `scheme.*.effect` input (after the
//! template's own copula) becomes
//!
//! ```text
//! u' = Φ(√ρ_e · Z_e + √(1 − ρ_e) · Φ⁻¹(u))
//! ```
//!
//! and that of `demand.growth` likewise with `ρ_g` and `Z_g`. `u'` is still uniform, so
//! every area keeps its own marginal distributions; the latent normals of two areas are
//! correlated `ρ` (ρ = 1: every area and every scheme effect moves with the shock; ρ = 0:
//! areas are independent). With ρ = 0 the transform is skipped, not applied.
//!
//! # Streams and reproducing one area
//!
//! Area `a` draws from the ordinary streams of a single run (see [`crate::rng`]) under its
//! own seed [`area_seed`]`(seed, a)`, a hash of the national seed and the area's name, so
//! areas are independent at ρ = 0 and an area's draws do not depend on the other rows or
//! their order. A portfolio with ρ_e = ρ_g = 0 therefore reproduces, area by area and bit
//! for bit, single runs of each area's scenario ([`Portfolio::area_scenario`]) with seed
//! `area_seed(seed, a)` (the per-area table prints it).
//!
//! # Memory
//!
//! Areas run one after another, paths in parallel within an area. Nothing of an area is
//! kept but its per-path horizon totals while it runs; the national run keeps per path
//! the totals in [`NationalPath`] and the national cumulative net per period:
//! about `paths × (T + 8) × 8` bytes, whatever the number of areas.

pub mod report;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use toml::{Spanned, Table, Value};

use crate::dist::{std_cdf, std_inverse_cdf};
use crate::engine::{BLOCK, MAX_PATHS, RunOptions};
use crate::error::{Diagnostic, Error, Result, did_you_mean};
use crate::model::{Model, Quantity};
use crate::rng::{open_uniform, stream, stream_key};
use crate::sample::Sampler;
use crate::scenario::{Scenario, idx};
use crate::stats::{Stats, proportion};
use crate::summary::{Rating, RatingInputs, rate_probabilities};

/// Stream name of the national shock to scheme effectiveness.
pub const EFFECT_SHOCK_STREAM: &str = "national.effect_shock";
/// Stream name of the national shock to demand growth.
pub const GROWTH_SHOCK_STREAM: &str = "national.growth_shock";
/// The columns every areas file must have, in any order.
pub const REQUIRED_COLUMNS: [&str; 4] =
    ["area", "pooled", "baseline_admissions", "target_reduction"];
/// Sections whose keys an override column may set (`<section>.<key>`).
const OVERRIDE_SECTIONS: [&str; 5] = ["fund", "demand", "costs", "plan", "p4p"];

/// The correlations of the national factors (latent normal correlation between areas).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Factors {
    /// ρ_e: correlation of scheme effectiveness between areas, in [0, 1].
    pub effect_correlation: f64,
    /// ρ_g: correlation of demand growth between areas, in [0, 1].
    pub growth_correlation: f64,
}

impl Factors {
    /// Check both correlations lie in [0, 1].
    ///
    /// # Errors
    /// [`Error::Options`] naming the option and its value.
    pub fn checked(self) -> Result<Self> {
        for (name, r) in [
            ("effect correlation", self.effect_correlation),
            ("growth correlation", self.growth_correlation),
        ] {
            if !(0.0..=1.0).contains(&r) {
                return Err(Error::Options(format!(
                    "the {name} must be between 0 and 1 (got {r})"
                )));
            }
        }
        Ok(self)
    }
}

/// The seed of area `area` under the national seed `seed`.
///
/// # Formula
/// `stream_key(seed, "area." + name)` (FNV-1a of the name folded into SplitMix64 of the
/// seed, as for every stream key).
pub fn area_seed(seed: u64, area: &str) -> u64 {
    stream_key(seed, &format!("area.{area}"))
}

/// One area: its row of the areas file and its checked scenario.
#[derive(Debug, Clone)]
pub struct Area {
    name: String,
    line: usize,
    pooled: f64,
    baseline_admissions: f64,
    target_reduction: f64,
    text: String,
    scenario: Scenario,
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
    template: Scenario,
    areas_origin: String,
    areas_hash: String,
    areas: Vec<Area>,
    factors: Factors,
}

#[derive(Debug, Deserialize)]
struct TemplateNational {
    national: Option<Spanned<RawNational>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNational {
    effect_correlation: Option<Spanned<f64>>,
    growth_correlation: Option<Spanned<f64>>,
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
        let factors = template_factors(template_text, template_origin)?;
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
    /// [`Error::Options`] for a correlation outside [0, 1].
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

    /// Bytes the national run of `paths` paths keeps (see the module docs).
    pub fn memory_estimate(&self, paths: u64) -> u64 {
        let per_path = (self.template.timeline().periods() + 8) * 8
            + std::mem::size_of::<NationalPath>()
            + std::mem::size_of::<AreaPath>();
        paths.saturating_mul(per_path as u64)
    }

    /// The inputs area `i` draws on path `path` under `seed`, national factors applied, in
    /// the order of [`crate::scenario::idx`]. This is exactly what [`simulate`] uses.
    pub fn area_inputs(&self, i: usize, seed: u64, path: u64) -> Option<Vec<f64>> {
        let area = self.areas.get(i)?;
        let drawer = Drawer::new(area, self.factors, seed);
        let mut x = vec![0.0; area.scenario.inputs().len()];
        let (mut u, mut z) = (vec![0.0; x.len()], Vec::new());
        drawer.draw(path, &mut u, &mut z, &mut x);
        Some(x)
    }
}

/// The `[national]` table of a template, checked (also run on a workbook's translation,
/// so that its cells are named).
pub(crate) fn template_factors(text: &str, origin: &str) -> Result<Factors> {
    let raw: TemplateNational = toml::from_str(text).map_err(|e| {
        let mut d = Diagnostic::new(origin, format!("bad [national] table: {}", e.message()))
            .allowed("effect_correlation and growth_correlation, numbers from 0 to 1");
        if let Some(span) = e.span() {
            d = d.at(text, Some(span.start));
        }
        Error::from(d)
    })?;
    let Some(national) = raw.national else {
        return Ok(Factors::default());
    };
    let n = national.get_ref();
    let get = |v: &Option<Spanned<f64>>, key: &str| -> Result<f64> {
        match v {
            None => Ok(0.0),
            Some(v) if (0.0..=1.0).contains(v.get_ref()) => Ok(*v.get_ref()),
            Some(v) => Err(Diagnostic::new(origin, "value out of range")
                .key(format!("national.{key}"))
                .value(v.get_ref().to_string())
                .allowed("a latent correlation between areas from 0 to 1")
                .at(text, Some(v.span().start))
                .into()),
        }
    };
    Ok(Factors {
        effect_correlation: get(&n.effect_correlation, "effect_correlation")?,
        growth_correlation: get(&n.growth_correlation, "growth_correlation")?,
    })
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
            let mut d =
                Diagnostic::new(origin, format!("missing column `{required}`")).allowed(format!(
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
    let mut areas: Vec<Area> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(csv_err)?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let cell_diag = |c: usize, problem: String| {
            let mut d = Diagnostic::new(origin, problem)
                .key(headers[c].clone())
                .value(record.get(c).unwrap_or("").to_string());
            d.line = Some(line);
            d.column = Some(c + 1);
            d
        };
        let name = record.get(area_col).unwrap_or("").to_string();
        if name.is_empty() {
            return Err(cell_diag(area_col, "the area name is empty".into())
                .allowed("a non-empty, unique area name")
                .into());
        }
        if let Some((what, shown)) = crate::scenario::check::bad_name_char(&name) {
            let mut d = cell_diag(area_col, format!("the area name holds {what}"))
                .allowed(crate::scenario::check::NAME_RULE);
            d.value = Some(shown);
            return Err(d.into());
        }
        if let Some(first) = areas.iter().find(|a| a.name == name) {
            return Err(cell_diag(
                area_col,
                format!("area `{name}` already appears on line {}", first.line),
            )
            .allowed("a unique area name per row")
            .into());
        }
        let mut t = table.clone();
        t.remove("national");
        if let Some(Value::Table(s)) = t.get_mut("scenario") {
            let base = s.get("name").and_then(Value::as_str).unwrap_or("").trim();
            s.insert("name".into(), Value::String(format!("{base} — {name}")));
        }
        let mut numbers = [f64::NAN; 3];
        let mut set_here: Vec<Option<Target>> = vec![None; targets.len()];
        for (c, target) in targets.iter().enumerate() {
            let Some(target) = target else { continue };
            let cell = record.get(c).unwrap_or("");
            let required = REQUIRED_COLUMNS.iter().position(|r| *r == headers[c]);
            if cell.is_empty() {
                if required.is_some() {
                    return Err(cell_diag(c, "the cell is empty".into())
                        .allowed(allowed_for(&headers[c]))
                        .into());
                }
                continue;
            }
            let Some(value) = parse_cell(cell) else {
                return Err(cell_diag(c, "not a number or distribution".into())
                    .allowed(allowed_for(&headers[c]))
                    .into());
            };
            if let Some(r) = required {
                match value {
                    Value::Integer(i) => numbers[r - 1] = i as f64,
                    Value::Float(f) => numbers[r - 1] = f,
                    _ => {
                        return Err(cell_diag(c, "expected a plain number".into())
                            .allowed(allowed_for(&headers[c]))
                            .into());
                    }
                }
            }
            set(&mut t, target, value);
            set_here[c] = Some(target.clone());
        }
        scale_scheme_costs(&mut t, template.pooled(), numbers[0], &set_here);
        let text = toml::to_string(&t).map_err(|e| {
            Error::from(Diagnostic::new(
                origin,
                format!("could not build area `{name}`: {e}"),
            ))
        })?;
        let scenario = Scenario::from_toml(&text, &format!("{origin}: area {name}"))
            .map_err(|e| row_error(e, origin, line, &name, &headers, &targets, table, &record))?;
        areas.push(Area {
            name,
            line,
            pooled: numbers[0],
            baseline_admissions: numbers[1],
            target_reduction: numbers[2],
            text,
            scenario,
        });
    }
    if areas.is_empty() {
        let mut d = Diagnostic::new(origin, "the areas file has no rows")
            .allowed("a header row and at least one area");
        d.line = Some(1);
        return Err(d.into());
    }
    Ok(areas)
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

/// Draws one area's inputs with the national factors applied.
struct Drawer<'a> {
    sampler: Sampler<'a>,
    effects: Vec<usize>,
    factors: Factors,
    effect_key: u64,
    growth_key: u64,
}

impl<'a> Drawer<'a> {
    fn new(area: &'a Area, factors: Factors, seed: u64) -> Self {
        let effects = (0..area.scenario.schemes().len())
            .map(|i| idx::scheme(i, idx::EFFECT))
            .collect();
        Self {
            sampler: Sampler::new(&area.scenario, area_seed(seed, &area.name)),
            effects,
            factors,
            effect_key: stream_key(seed, EFFECT_SHOCK_STREAM),
            growth_key: stream_key(seed, GROWTH_SHOCK_STREAM),
        }
    }

    /// `u' = Φ(√ρ·Z + √(1−ρ)·Φ⁻¹(u))`, kept strictly inside (0, 1).
    fn shock(u: &mut f64, rho: f64, z: f64) {
        let mixed = rho.sqrt() * z + (1.0 - rho).sqrt() * std_inverse_cdf(*u);
        *u = std_cdf(mixed).clamp(f64::EPSILON, 1.0 - f64::EPSILON);
    }

    fn draw(&self, path: u64, u: &mut [f64], z: &mut Vec<f64>, x: &mut [f64]) {
        self.sampler.uniforms(path, u, z);
        let rho_e = self.factors.effect_correlation;
        if rho_e > 0.0 {
            let common = std_inverse_cdf(open_uniform(&mut stream(self.effect_key, path)));
            for &k in &self.effects {
                Self::shock(&mut u[k], rho_e, common);
            }
        }
        let rho_g = self.factors.growth_correlation;
        if rho_g > 0.0 {
            let common = std_inverse_cdf(open_uniform(&mut stream(self.growth_key, path)));
            Self::shock(&mut u[idx::GROWTH], rho_g, common);
        }
        self.sampler.values(u, x);
    }
}

/// One path's national totals over the horizon (sums over areas).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct NationalPath {
    /// Avoided admissions.
    pub avoided: f64,
    /// Avoided admissions in year 1.
    pub avoided_year1: f64,
    /// Cumulative system net at the horizon (£).
    pub cum_net: f64,
    /// NPV of system net (£).
    pub npv: f64,
    /// Pay for performance released (£).
    pub released: f64,
    /// Pay for performance withheld (£).
    pub withheld: f64,
    /// Contingency paid to acute providers (£).
    pub contingency: f64,
    /// The commissioners' cumulative position (£).
    pub commissioner: f64,
    /// Gross (economic) savings (£).
    pub gross: f64,
    /// Cashable savings (£).
    pub cashable: f64,
    /// New money spent on schemes, overruns included (£).
    pub new_money: f64,
    /// Whether every area's contingency reserve covered its hospital in every period.
    pub hospital_covered: bool,
}

/// What one area keeps per path while it runs.
#[derive(Debug, Clone, Copy, Default)]
struct AreaPath {
    cum_net: f64,
    avoided: f64,
    target_met_year1: bool,
    savings_claim_met: bool,
    savings_claim_cashable: bool,
    hospital_covered: bool,
}

/// One area's results.
#[derive(Debug, Clone, Serialize)]
pub struct AreaResult {
    /// The area's name.
    pub area: String,
    /// The seed its streams use: `area_seed(seed, area)`.
    pub seed: u64,
    /// Pooled fund, £ a year.
    pub pooled: f64,
    /// Counterfactual emergency admissions a year.
    pub baseline_admissions: f64,
    /// The planned reduction (share).
    pub target_reduction: f64,
    /// The credibility rating.
    pub rating: Rating,
    /// P(cumulative net at the horizon ≥ 0).
    pub p_break_even: f64,
    /// Its standard error.
    pub p_break_even_se: f64,
    /// P(year-1 avoided admissions ≥ the plan's year-1 claim).
    pub p_target_met_year1: f64,
    /// The area plan's claimed savings over the horizon (£).
    pub claimed_savings_total: f64,
    /// The new money a year, before overruns (£).
    pub new_money: f64,
    /// P(gross savings ≥ claimed savings), docs/model.md §13.
    pub p_savings_claim_met: f64,
    /// Its standard error.
    pub p_savings_claim_met_se: f64,
    /// P(cashable savings ≥ claimed savings).
    pub p_savings_claim_cashable: f64,
    /// Its standard error.
    pub p_savings_claim_cashable_se: f64,
    /// P(the contingency reserve always covered the area's hospital).
    pub p_hospital_covered: f64,
    /// Median avoided admissions over the horizon.
    pub avoided_median: f64,
    /// Mean avoided admissions over the horizon.
    pub avoided_mean: f64,
    /// Standard deviation of avoided admissions over the horizon.
    pub avoided_sd: f64,
    /// Median cumulative net at the horizon (£).
    pub cum_net_median: f64,
    /// Mean cumulative net at the horizon (£).
    pub cum_net_mean: f64,
    /// Standard deviation of cumulative net at the horizon (£).
    pub cum_net_sd: f64,
    /// 5th percentile of cumulative net at the horizon (£).
    pub cum_net_p5: f64,
    /// 95th percentile of cumulative net at the horizon (£).
    pub cum_net_p95: f64,
}

/// How many areas got one rating.
#[derive(Debug, Clone, Serialize)]
pub struct RatingCount {
    /// The rating.
    pub rating: Rating,
    /// Number of areas.
    pub areas: usize,
}

/// The national cumulative net in one period.
#[derive(Debug, Clone, Serialize)]
pub struct NationalPeriod {
    /// Period label.
    pub label: String,
    /// Statistics of the national cumulative system net over paths (£).
    pub cum_net: Stats,
}

/// What produced a national run.
#[derive(Debug, Clone, Serialize)]
pub struct NationalMeta {
    /// carefund's version.
    pub carefund_version: &'static str,
    /// The template's name.
    pub template_name: String,
    /// The template file.
    pub template_file: String,
    /// SHA-256 of the template text.
    pub template_hash: String,
    /// The areas file.
    pub areas_file: String,
    /// SHA-256 of the areas file's text.
    pub areas_hash: String,
    /// Number of areas.
    pub areas: usize,
    /// National seed.
    pub seed: u64,
    /// Paths per area.
    pub paths: u64,
    /// Worker threads used (results do not depend on it).
    pub threads: usize,
    /// The national factors.
    pub factors: Factors,
    /// The template's rating thresholds (every area uses them).
    pub credibility: crate::Credibility,
    /// The currency of every amount (the template's).
    pub currency: crate::fmt::Currency,
    /// Horizon, years.
    pub horizon_years: u32,
    /// Periods per year.
    pub periods_per_year: u32,
    /// First financial year.
    pub start_year: i32,
}

/// National totals over paths.
#[derive(Debug, Clone, Serialize)]
pub struct NationalTotals {
    /// Avoided admissions over the horizon.
    pub avoided: Stats,
    /// Avoided admissions in year 1.
    pub avoided_year1: Stats,
    /// The plans' claimed avoided admissions in year 1 (sum over areas).
    pub plan_year1: f64,
    /// P(national year-1 avoided admissions ≥ the national year-1 plan).
    pub p_target_met_year1: f64,
    /// Its standard error.
    pub p_target_met_year1_se: f64,
    /// Cumulative system net at the horizon (£).
    pub cum_net: Stats,
    /// P(national cumulative net at the horizon ≥ 0).
    pub p_break_even: f64,
    /// Its standard error.
    pub p_break_even_se: f64,
    /// NPV of system net (£).
    pub npv: Stats,
    /// Pooled funds, year 1, summed over areas (£ a year).
    pub pooled: f64,
    /// What the schemes cost a year, summed over areas, before additionality (£).
    pub scheme_cost: f64,
    /// The new money a year, summed over areas, before overruns (£).
    pub new_money_per_year: f64,
    /// The plans' claimed savings over the horizon, summed over areas (£).
    pub claimed_savings_total: f64,
    /// P(national gross savings ≥ the plans' claimed savings), docs/model.md §13.
    pub p_savings_claim_met: f64,
    /// Its standard error.
    pub p_savings_claim_met_se: f64,
    /// P(national cashable savings ≥ the plans' claimed savings).
    pub p_savings_claim_cashable: f64,
    /// Its standard error.
    pub p_savings_claim_cashable_se: f64,
    /// P(every area's contingency reserve always covered its hospital).
    pub p_hospital_covered: f64,
    /// Its standard error.
    pub p_hospital_covered_se: f64,
    /// Gross savings over the horizon (£).
    pub gross: Stats,
    /// Cashable savings over the horizon (£).
    pub cashable: Stats,
    /// New money spent over the horizon, overruns included (£).
    pub new_money: Stats,
    /// Pay for performance released (£).
    pub released: Stats,
    /// Pay for performance withheld (£).
    pub withheld: Stats,
    /// Contingency paid (£).
    pub contingency: Stats,
}

/// The results of a national run (`national.json`).
#[derive(Debug, Clone, Serialize)]
pub struct National {
    /// What produced it.
    pub meta: NationalMeta,
    /// National totals.
    pub totals: NationalTotals,
    /// Areas per rating (all four ratings, best first).
    pub ratings: Vec<RatingCount>,
    /// Per-area results, in file order.
    pub areas: Vec<AreaResult>,
    /// National cumulative net per period.
    pub periods: Vec<NationalPeriod>,
    #[serde(skip)]
    paths: Vec<NationalPath>,
}

impl National {
    /// Every path's national totals, in path order.
    pub fn paths(&self) -> &[NationalPath] {
        &self.paths
    }
}

/// Run every area of `portfolio` for `options.paths` paths.
///
/// `progress` receives the number of area-paths done out of `areas × paths`.
///
/// # Errors
/// [`Error::Options`] for zero paths, more than [`MAX_PATHS`], or a thread count outside
/// [`crate::threads::check`]'s bound; [`Error::Threads`] if the worker threads cannot be
/// started.
pub fn simulate(
    portfolio: &Portfolio,
    options: &RunOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<National> {
    if options.paths == 0 || options.paths > MAX_PATHS {
        return Err(Error::Options(format!(
            "--paths must be between 1 and {MAX_PATHS} (got {})",
            options.paths
        )));
    }
    let n = usize::try_from(options.paths)
        .map_err(|_| Error::Options("too many paths for this machine".into()))?;
    let pool = crate::threads::pool(options.threads, n.div_ceil(BLOCK))?;
    let tl = portfolio.template.timeline();
    let periods = tl.periods();
    let mut totals = vec![
        NationalPath {
            hospital_covered: true,
            ..NationalPath::default()
        };
        n
    ];
    let mut claimed_total = 0.0;
    let mut cum = vec![0.0; n * periods];
    let mut per_area = vec![AreaPath::default(); n];
    let mut areas = Vec::with_capacity(portfolio.areas.len());
    let mut plan_year1 = 0.0;
    let done = AtomicU64::new(0);

    let threads_used = pool.install(|| {
        for area in &portfolio.areas {
            let model = Model::new(&area.scenario);
            claimed_total += model.claimed_savings_total();
            plan_year1 += (0..periods)
                .filter(|&t| tl.year_of(t) == 0)
                .map(|t| model.plan()[t])
                .sum::<f64>();
            let drawer = Drawer::new(area, portfolio.factors, options.seed);
            let k = area.scenario.inputs().len();
            totals
                .par_chunks_mut(BLOCK)
                .zip(cum.par_chunks_mut(BLOCK * periods))
                .zip(per_area.par_chunks_mut(BLOCK))
                .enumerate()
                .for_each(|(b, ((totals, cum), mine))| {
                    let (mut u, mut z, mut x) = (vec![0.0; k], Vec::new(), vec![0.0; k]);
                    let mut row = vec![0.0; Quantity::COUNT * periods];
                    let c0 = Quantity::CumNet.index() * periods;
                    for (j, (total, mine)) in totals.iter_mut().zip(mine.iter_mut()).enumerate() {
                        let path = (b * BLOCK + j) as u64;
                        drawer.draw(path, &mut u, &mut z, &mut x);
                        let mut noise = drawer.sampler.noise(path);
                        let s = model.project(&x, Some(&mut noise), &mut row);
                        for (acc, v) in cum[j * periods..(j + 1) * periods]
                            .iter_mut()
                            .zip(&row[c0..c0 + periods])
                        {
                            *acc += v;
                        }
                        total.avoided += s.avoided;
                        total.avoided_year1 += s.avoided_year1;
                        total.cum_net += s.cum_net;
                        total.npv += s.npv;
                        total.released += s.released;
                        total.withheld += s.withheld;
                        total.contingency += s.contingency;
                        total.commissioner += s.commissioner;
                        total.gross += s.gross;
                        total.cashable += s.cashable;
                        total.new_money += s.investment;
                        total.hospital_covered &= s.hospital_covered;
                        *mine = AreaPath {
                            cum_net: s.cum_net,
                            avoided: s.avoided,
                            target_met_year1: s.target_met_year1,
                            savings_claim_met: s.savings_claim_met,
                            savings_claim_cashable: s.savings_claim_cashable,
                            hospital_covered: s.hospital_covered,
                        };
                    }
                    let total =
                        done.fetch_add(mine.len() as u64, Ordering::Relaxed) + mine.len() as u64;
                    progress(total);
                });
            areas.push(area_result(
                area,
                options.seed,
                &per_area,
                model.claimed_savings_total(),
            ));
        }
        rayon::current_num_threads()
    });

    let mut ratings: BTreeMap<Rating, usize> = BTreeMap::new();
    for a in &areas {
        *ratings.entry(a.rating).or_default() += 1;
    }
    let ratings = RATINGS
        .iter()
        .map(|&rating| RatingCount {
            rating,
            areas: ratings.get(&rating).copied().unwrap_or(0),
        })
        .collect();
    let stats =
        |f: fn(&NationalPath) -> f64| Stats::of(&mut totals.iter().map(f).collect::<Vec<_>>());
    let (p_target, p_target_se) = proportion(
        totals
            .iter()
            .filter(|p| p.avoided_year1 >= plan_year1)
            .count(),
        n,
    );
    let (p_be, p_be_se) = proportion(totals.iter().filter(|p| p.cum_net >= 0.0).count(), n);
    let share =
        |f: &dyn Fn(&NationalPath) -> bool| proportion(totals.iter().filter(|p| f(p)).count(), n);
    let (p_met, p_met_se) = share(&|p| p.gross >= claimed_total);
    let (p_cash, p_cash_se) = share(&|p| p.cashable >= claimed_total);
    let (p_cov, p_cov_se) = share(&|p| p.hospital_covered);
    let sum_areas = |f: fn(&Scenario) -> f64| portfolio.areas.iter().map(|a| f(&a.scenario)).sum();
    let national_totals = NationalTotals {
        avoided: stats(|p| p.avoided),
        avoided_year1: stats(|p| p.avoided_year1),
        plan_year1,
        p_target_met_year1: p_target,
        p_target_met_year1_se: p_target_se,
        cum_net: stats(|p| p.cum_net),
        p_break_even: p_be,
        p_break_even_se: p_be_se,
        npv: stats(|p| p.npv),
        pooled: sum_areas(Scenario::pooled),
        scheme_cost: sum_areas(Scenario::annual_scheme_cost),
        new_money_per_year: sum_areas(Scenario::annual_new_money),
        claimed_savings_total: claimed_total,
        p_savings_claim_met: p_met,
        p_savings_claim_met_se: p_met_se,
        p_savings_claim_cashable: p_cash,
        p_savings_claim_cashable_se: p_cash_se,
        p_hospital_covered: p_cov,
        p_hospital_covered_se: p_cov_se,
        gross: stats(|p| p.gross),
        cashable: stats(|p| p.cashable),
        new_money: stats(|p| p.new_money),
        released: stats(|p| p.released),
        withheld: stats(|p| p.withheld),
        contingency: stats(|p| p.contingency),
    };
    let periods_out = (0..periods)
        .map(|t| NationalPeriod {
            label: tl.label(t),
            cum_net: crate::columns::column_stats(
                &mut (0..n).map(|p| cum[p * periods + t]).collect::<Vec<_>>(),
            ),
        })
        .collect();
    let t = &portfolio.template;
    Ok(National {
        meta: NationalMeta {
            carefund_version: env!("CARGO_PKG_VERSION"),
            template_name: t.name().to_string(),
            template_file: t.origin().to_string(),
            template_hash: t.hash().to_string(),
            areas_file: portfolio.areas_origin.clone(),
            areas_hash: portfolio.areas_hash.clone(),
            areas: portfolio.areas.len(),
            seed: options.seed,
            paths: options.paths,
            threads: threads_used,
            factors: portfolio.factors,
            credibility: *t.credibility(),
            currency: t.currency(),
            horizon_years: tl.horizon_years(),
            periods_per_year: tl.periods_per_year(),
            start_year: tl.start_year(),
        },
        totals: national_totals,
        ratings,
        areas,
        periods: periods_out,
        paths: totals,
    })
}

/// The ratings, best first ("not rated" last).
pub const RATINGS: [Rating; 5] = Rating::ALL;

fn area_result(area: &Area, seed: u64, paths: &[AreaPath], claimed: f64) -> AreaResult {
    let n = paths.len();
    let share = |f: fn(&AreaPath) -> bool| proportion(paths.iter().filter(|p| f(p)).count(), n);
    let (p_be, p_be_se) = share(|p| p.cum_net >= 0.0);
    let (p_t, _) = share(|p| p.target_met_year1);
    let (p_met, p_met_se) = share(|p| p.savings_claim_met);
    let (p_cash, p_cash_se) = share(|p| p.savings_claim_cashable);
    let (p_cov, _) = share(|p| p.hospital_covered);
    let avoided = Stats::of(&mut paths.iter().map(|p| p.avoided).collect::<Vec<_>>());
    let cum = Stats::of(&mut paths.iter().map(|p| p.cum_net).collect::<Vec<_>>());
    AreaResult {
        area: area.name.clone(),
        seed: area_seed(seed, &area.name),
        pooled: area.pooled,
        baseline_admissions: area.baseline_admissions,
        target_reduction: area.target_reduction,
        rating: rate_probabilities(
            area.scenario.credibility(),
            &RatingInputs {
                claims_anything: area.scenario.claims_anything(),
                p_break_even: p_be,
                p_target_met_year1: p_t,
                p_savings_claim_met: p_met,
                p_savings_claim_cashable: p_cash,
            },
        ),
        p_break_even: p_be,
        p_break_even_se: p_be_se,
        p_target_met_year1: p_t,
        claimed_savings_total: claimed,
        new_money: area.scenario.annual_new_money(),
        p_savings_claim_met: p_met,
        p_savings_claim_met_se: p_met_se,
        p_savings_claim_cashable: p_cash,
        p_savings_claim_cashable_se: p_cash_se,
        p_hospital_covered: p_cov,
        avoided_median: avoided.p50,
        avoided_mean: avoided.mean,
        avoided_sd: avoided.sd,
        cum_net_median: cum.p50,
        cum_net_mean: cum.mean,
        cum_net_sd: cum.sd,
        cum_net_p5: cum.p5,
        cum_net_p95: cum.p95,
    }
}
