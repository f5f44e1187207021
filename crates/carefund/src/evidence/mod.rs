//! The evidence check (docs/model.md §11): published evidence on admission-avoidance schemes,
//! carried as data, held against a plan's assumptions.
//!
//! An evidence file (`data/evidence/admission-avoidance.toml`, shipped as
//! [`SHIPPED`]) has one `[[kind]]` per kind of scheme. Each kind gives three numbers —
//! `effect`, `time_to_effect` and `success_probability` — each a number or a
//! distribution (docs/model.md §7, read by the same parser and checked with the same
//! diagnostics as a scenario), and next to each a `source` (a finding of data/README.md) or
//! an `assumption` (what carefund assumed and why), or both. A number with neither is an
//! error.
//!
//! ```toml
//! [[kind]]
//! id = "case-management"
//! label = "case management"
//!
//! [kind.effect]
//! value = { normal = { mean = 0.0, sd = 0.008, min = -0.09, max = 0.03 } }
//! source = "0 of 5 trials reduced admissions (Huntley et al. 2013) …"
//! assumption = "sd 0.8 points …"
//! ```
//!
//! A scenario's `[[scheme]]` names its kind with `kind = "case-management"`. Then:
//!
//! - [`compare`] sets each plan's assumptions beside the evidence, without simulating,
//!   and words a warning where the plan is more optimistic than the evidence;
//! - [`evaluate`] runs the **evidence run** on common random numbers with the plan's
//!   own run and reports both verdicts and their paired difference.

mod compare;
mod report;
mod run;
#[cfg(feature = "report")]
pub mod section;

/// The records of the evidence block, defined with [`Summary`](crate::Summary) which holds
/// them.
pub use crate::summary::{
    Comparison, Differences, EvidenceBlock, Interval, Paired, SchemeComparison, Verdict,
};
pub use compare::{EFFECT_MARGIN, NATIONAL_AVERAGE_SET, NATIONAL_MINIMUM_AMBITION, compare};
pub use report::{comparison_text, csv, text};
pub use run::{EvidenceOutcome, evaluate, evidence_scenario, outcome};

use serde::Deserialize;
use toml::Spanned;

use crate::dist::Dist;
use crate::error::{Diagnostic, Result, did_you_mean};
use crate::scenario::check::{Ctx, EFFECT, RAMP_YEARS, bernoulli, hex_sha256, toml_error_with};
use crate::scenario::raw::RawInput;
use crate::scenario::{Scenario, Written};

/// The evidence file shipped with carefund (`data/evidence/admission-avoidance.toml`).
pub const SHIPPED: &str = include_str!("../../../../data/evidence/admission-avoidance.toml");

/// The name [`Evidence::shipped`] gives the shipped file in messages.
pub const SHIPPED_NAME: &str = "data/evidence/admission-avoidance.toml (built in)";

/// One number of an evidence entry: its distribution and where it comes from.
#[derive(Debug, Clone)]
pub struct Sourced {
    dist: Dist,
    source: Option<String>,
    assumption: Option<String>,
}

impl Sourced {
    /// The value (a fixed number or a distribution).
    pub fn dist(&self) -> &Dist {
        &self.dist
    }
    /// The published finding it rests on (data/README.md), if any.
    pub fn source(&self) -> Option<&str> {
        self.source.as_deref()
    }
    /// What carefund assumed, and why, if any part of it is an assumption.
    pub fn assumption(&self) -> Option<&str> {
        self.assumption.as_deref()
    }
    /// P10, central (mode where defined, else median; docs/model.md §5) and P90.
    pub fn interval(&self) -> Interval {
        Interval {
            p10: self.dist.inverse_cdf(0.1),
            central: self.dist.central(),
            p90: self.dist.inverse_cdf(0.9),
        }
    }
}

/// The evidence on one kind of scheme.
#[derive(Debug, Clone)]
pub struct Kind {
    id: String,
    label: String,
    effect: Sourced,
    time_to_effect: Sourced,
    success_probability: Sourced,
}

impl Kind {
    /// The id a scenario names in `kind = "…"`, e.g. `case-management`.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// Words for reports, e.g. `case management`.
    pub fn label(&self) -> &str {
        &self.label
    }
    /// Share of counterfactual admissions avoided at full effect, if the scheme delivers.
    pub fn effect(&self) -> &Sourced {
        &self.effect
    }
    /// Years from the scheme's start to full effect (replaces `ramp_years`).
    pub fn time_to_effect(&self) -> &Sourced {
        &self.time_to_effect
    }
    /// The chance the scheme delivers at all (a Bernoulli probability).
    pub fn success_probability(&self) -> &Sourced {
        &self.success_probability
    }
    /// The probability of success as a number.
    pub fn p_success(&self) -> f64 {
        self.success_probability.dist.mean()
    }
}

/// A checked evidence file.
#[derive(Debug, Clone)]
pub struct Evidence {
    origin: String,
    hash: String,
    kinds: Vec<Kind>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvidence {
    kind: Spanned<Vec<Spanned<RawKind>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKind {
    id: Spanned<String>,
    label: Option<String>,
    effect: Spanned<RawSourced>,
    time_to_effect: Spanned<RawSourced>,
    success_probability: Spanned<RawSourced>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSourced {
    value: RawInput,
    source: Option<String>,
    assumption: Option<String>,
}

const NUMBER_KEYS: &[&str] = &["value", "source", "assumption"];

/// Every key an evidence file may hold, by table, for "did you mean".
const KEYS: &[(&str, &[&str])] = &[
    ("", &["kind"]),
    (
        "kind",
        &[
            "id",
            "label",
            "effect",
            "time_to_effect",
            "success_probability",
        ],
    ),
    ("kind.effect", NUMBER_KEYS),
    ("kind.time_to_effect", NUMBER_KEYS),
    ("kind.success_probability", NUMBER_KEYS),
];

impl Evidence {
    /// Parse and check an evidence file; `origin` names it in messages.
    ///
    /// # Errors
    /// [`Error::Input`](crate::Error::Input) naming the file, line, key and value for
    /// malformed TOML, unknown keys (with "did you mean"), invalid distributions
    /// (docs/model.md §7), an effect outside [−1, 1], a negative time to effect, a success
    /// probability outside [0, 1], an empty or duplicate `id`, and any number that has
    /// neither a `source` nor an `assumption`.
    pub fn from_toml(text: &str, origin: &str) -> Result<Self> {
        let raw: RawEvidence =
            toml::from_str(text).map_err(|e| toml_error_with(text, origin, &e, KEYS))?;
        let ctx = Ctx { text, origin };
        let mut kinds: Vec<Kind> = Vec::new();
        if raw.kind.get_ref().is_empty() {
            return Err(Diagnostic::new(origin, "the evidence file has no kinds")
                .key("kind")
                .allowed(
                    "at least one [[kind]] with id, effect, time_to_effect and success_probability",
                )
                .into());
        }
        for k in raw.kind.get_ref() {
            let r = k.get_ref();
            let id = r.id.get_ref().trim().to_string();
            if id.is_empty() || kinds.iter().any(|x| x.id == id) {
                return Err(ctx
                    .diag(r.id.span(), "kind.id", "empty or duplicate kind id")
                    .value(format!("\"{id}\""))
                    .allowed("a non-empty id used by one kind only, e.g. \"case-management\"")
                    .into());
            }
            let key = |n: &str| format!("kind.{id}.{n}");
            let sourced = |raw: &Spanned<RawSourced>, name: &str, dist: Dist| -> Result<Sourced> {
                let r = raw.get_ref();
                let clean = |s: &Option<String>| {
                    s.as_ref()
                        .map(|x| x.trim().to_string())
                        .filter(|x| !x.is_empty())
                };
                let (source, assumption) = (clean(&r.source), clean(&r.assumption));
                if source.is_none() && assumption.is_none() {
                    return Err(ctx
                        .diag(raw.span(), &key(name), "this number has neither a source nor an assumption")
                        .allowed("source = \"a finding from data/README.md\" and/or assumption = \"what was assumed, and why\"")
                        .into());
                }
                Ok(Sourced {
                    dist,
                    source,
                    assumption,
                })
            };
            let effect = ctx.input(&r.effect.get_ref().value, &key("effect"), EFFECT)?;
            let ramp = ctx.input(
                &r.time_to_effect.get_ref().value,
                &key("time_to_effect"),
                RAMP_YEARS,
            )?;
            let success = success(
                &ctx,
                &r.success_probability.get_ref().value,
                &key("success_probability"),
            )?;
            kinds.push(Kind {
                label: r.label.clone().unwrap_or_else(|| id.replace('-', " ")),
                effect: sourced(&r.effect, "effect", effect)?,
                time_to_effect: sourced(&r.time_to_effect, "time_to_effect", ramp)?,
                success_probability: sourced(
                    &r.success_probability,
                    "success_probability",
                    success,
                )?,
                id,
            });
        }
        Ok(Self {
            origin: origin.to_string(),
            hash: hex_sha256(text.as_bytes()),
            kinds,
        })
    }

    /// The evidence file shipped with carefund ([`SHIPPED`]).
    ///
    /// # Errors
    /// None in practice: a test checks the shipped file loads.
    pub fn shipped() -> Result<Self> {
        Self::from_toml(SHIPPED, SHIPPED_NAME)
    }

    /// The file (or label) it was read from.
    pub fn origin(&self) -> &str {
        &self.origin
    }
    /// SHA-256 of the evidence file's text, hex.
    pub fn hash(&self) -> &str {
        &self.hash
    }
    /// The kinds, in file order.
    pub fn kinds(&self) -> &[Kind] {
        &self.kinds
    }
    /// The kind with this id.
    pub fn kind(&self, id: &str) -> Option<&Kind> {
        self.kinds.iter().find(|k| k.id == id)
    }

    /// Check that every scheme's `kind` is one of this evidence's kinds.
    ///
    /// # Errors
    /// [`Error::Input`](crate::Error::Input) naming the scenario file, the line (or a
    /// workbook's cell) of the `kind`, the scheme, the unknown kind, every known kind and the closest one.
    pub fn check_kinds(&self, scenario: &Scenario) -> Result<()> {
        for s in scenario.schemes() {
            let Some((kind, at)) = &s.kind else { continue };
            if self.kind(kind).is_some() {
                continue;
            }
            let ids: Vec<&str> = self.kinds.iter().map(|k| k.id.as_str()).collect();
            let mut d = Diagnostic::new(scenario.origin(), "unknown kind of scheme")
                .key(format!("scheme.{}.kind", s.name()))
                .value(format!("\"{kind}\""))
                .allowed(format!(
                    "a kind of {}: {}",
                    self.origin,
                    ids.iter()
                        .map(|i| format!("\"{i}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
                .suggestion(did_you_mean(kind, ids.iter().copied()));
            match at {
                Some(Written::Line(line, column)) => {
                    d.line = Some(*line);
                    d.column = Some(*column);
                }
                Some(Written::Cell(cell)) => d.cell = Some(cell.clone()),
                None => {}
            }
            return Err(d.into());
        }
        Ok(())
    }
}

/// A success probability: a plain probability or `{ bernoulli = p }`.
fn success(ctx: &Ctx<'_>, raw: &RawInput, key: &str) -> Result<Dist> {
    let bad = || -> crate::Error {
        ctx.diag(
            raw.span(),
            key,
            "a success probability is a plain probability",
        )
        .value(ctx.written(&raw.span()))
        .allowed("a number from 0 to 1, or { bernoulli = p }")
        .into()
    };
    match ctx.dist(raw.get_ref(), raw.span(), key)? {
        Dist::Fixed(p) if (0.0..=1.0).contains(&p) => Ok(bernoulli(p)),
        d @ Dist::Bernoulli(_) => Ok(d),
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests;
