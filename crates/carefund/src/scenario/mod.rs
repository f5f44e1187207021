//! Scenario files: parse (TOML → raw serde types), then check (→ [`Scenario`]).
//!
//! The engine only accepts a checked [`Scenario`]. Every rule the check enforces gives a
//! [`Diagnostic`](crate::Diagnostic) naming the file, line and column, key, value and what
//! would be accepted. The file format is docs/model.md §8; `carefund init` writes a fully
//! commented example ([`EXAMPLE`]).

pub(crate) mod check;
pub mod national;
pub(crate) mod raw;
pub mod workbook;

/// Every key a scenario file may hold, by table (for override columns of the national
/// portfolio).
pub(crate) use raw::KEYS;

use crate::copula::Copula;
use crate::dist::Dist;
use crate::error::Result;
use crate::time::Timeline;

/// A fully commented example scenario (what `carefund init` writes).
pub const EXAMPLE: &str = include_str!("example.toml");

pub use crate::time::Discount;

/// How the acute provider is paid (docs/model.md §4.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Payment {
    /// Payment by results: the commissioner pays the tariff per admission.
    Tariff,
    /// A fixed amount per resident: the provider keeps what it saves.
    Capitation,
}

/// How per-path uniforms are drawn (docs/model.md §6): `sampling` in `[scenario]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sampling {
    /// Plain Monte Carlo: each input's uniform comes straight from its own stream
    /// (`sampling = "monte-carlo"`, the default).
    #[default]
    MonteCarlo,
    /// Latin hypercube (`sampling = "lhs"`): for every non-fixed input the paths are
    /// spread one per stratum `[k/n, (k+1)/n)`; see [`crate::sample`].
    LatinHypercube,
}

impl Sampling {
    /// The name recorded in `summary.json` (`meta.sampling`).
    pub fn name(self) -> &'static str {
        match self {
            Sampling::MonteCarlo => "monte-carlo",
            Sampling::LatinHypercube => "latin-hypercube",
        }
    }
}

/// The shape of a scheme's ramp to full effect (docs/model.md §4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ramp {
    /// `min(1, (τ − S)/r)`.
    Linear,
    /// Smoothstep `y²(3 − 2y)` of the linear ramp `y`.
    SCurve,
}

/// The plan's claimed avoided admissions.
#[derive(Debug, Clone, PartialEq)]
pub enum PlanTarget {
    /// A share of counterfactual admissions (`plan.target_reduction`).
    Reduction(f64),
    /// Avoided admissions per year (`plan.avoided_admissions`), one per year of the horizon.
    PerYear(Vec<f64>),
}

/// The plan's claimed savings (`plan.claimed_savings`, docs/model.md §13), £ a year.
#[derive(Debug, Clone, PartialEq)]
pub enum ClaimedSavings {
    /// The same figure every year.
    Constant(f64),
    /// One figure per year of the horizon.
    PerYear(Vec<f64>),
}

/// One out-of-hospital scheme: the fixed parts (its uncertain inputs live in
/// [`Scenario::inputs`]).
#[derive(Debug, Clone)]
pub struct Scheme {
    pub(crate) name: String,
    pub(crate) annual_cost: f64,
    /// Share of spend funded by the NHS commissioner; the council funds the rest.
    pub(crate) nhs_share: f64,
    pub(crate) start: f64,
    pub(crate) end: f64,
    pub(crate) ramp: Ramp,
    pub(crate) decay: f64,
    pub(crate) persists_after_end: bool,
    /// The scheme's kind (`kind = "case-management"`), checked against an evidence file
    /// by [`crate::evidence`], with where it was written.
    pub(crate) kind: Option<(String, Option<Written>)>,
    /// Whether the file sets `additional_share` for this scheme.
    pub(crate) additional_share_set: bool,
}

impl Scheme {
    /// The scheme's name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Planned spend per year (£).
    pub fn annual_cost(&self) -> f64 {
        self.annual_cost
    }
    /// The scheme's kind of evidence (docs/model.md §11), if the scenario names one.
    pub fn kind(&self) -> Option<&str> {
        self.kind.as_ref().map(|(k, _)| k.as_str())
    }
}

/// What the credibility rating rates (`[credibility] basis`, docs/model.md §13).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// The plan's own claims (the default): do the claimed savings arrive, in cash, and
    /// does the new money pay back?
    #[default]
    Claims,
    /// An invest-to-save appraisal: does the new money break even (the rule of
    /// docs/model.md §5)?
    BreakEven,
}

impl Basis {
    /// The name used in scenario files and `summary.json`.
    pub fn name(self) -> &'static str {
        match self {
            Basis::Claims => "claims",
            Basis::BreakEven => "break-even",
        }
    }
}

/// Thresholds of the credibility rating (docs/model.md §5 and §13). The defaults are this
/// tool's choice, not NHS England's: NHS England named the categories but published no
/// probabilities.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Credibility {
    /// What is rated (default: the plan's claims).
    pub basis: Basis,
    /// Claims basis: `approved` needs at least this `p_savings_claim_cashable` (default
    /// 0.50) …
    pub approved_p_savings_claim_cashable: f64,
    /// … and at least this `p_break_even` of the new money (default 0.50).
    pub claims_approved_p_break_even: f64,
    /// Claims basis: `approved with support` needs at least this `p_savings_claim_met`
    /// (default 0.50).
    pub support_p_savings_claim_met: f64,
    /// Claims basis: `approved with conditions` needs at least this `p_savings_claim_met`
    /// (default 0.20).
    pub conditions_p_savings_claim_met: f64,
    /// Break-even basis: `approved` needs at least this `p_break_even` (default 0.80) …
    pub approved_p_break_even: f64,
    /// … and at least this `p_target_met_year1` (default 0.50).
    pub approved_p_target_met_year1: f64,
    /// Break-even basis: `approved with support` needs at least this `p_break_even`
    /// (default 0.50).
    pub support_p_break_even: f64,
    /// Break-even basis: `approved with conditions` needs at least this `p_break_even`
    /// (default 0.20).
    pub conditions_p_break_even: f64,
}

impl Default for Credibility {
    fn default() -> Self {
        Self {
            basis: Basis::Claims,
            approved_p_savings_claim_cashable: 0.50,
            claims_approved_p_break_even: 0.50,
            support_p_savings_claim_met: 0.50,
            conditions_p_savings_claim_met: 0.20,
            approved_p_break_even: 0.80,
            approved_p_target_met_year1: 0.50,
            support_p_break_even: 0.50,
            conditions_p_break_even: 0.20,
        }
    }
}

/// One named uncertain input, drawn once per path (docs/model.md §3).
///
/// A draw is `clamp(scale · F⁻¹(u) + shift, lo, hi)`: `F` is the distribution from the
/// file, `u` the path's uniform for this input, and `scale`/`shift` (1 and 0 unless an
/// overlay such as a stress test changed them) rescale the draws without changing `u`,
/// so a stressed run stays paired with the base run path by path.
#[derive(Debug, Clone)]
pub struct Input {
    pub(crate) name: String,
    pub(crate) dist: Dist,
    /// Draws are clamped to `[lo, hi]`, the values the model allows for this input
    /// (the check has made sure at most 0.1% of the mass lies outside).
    pub(crate) lo: f64,
    pub(crate) hi: f64,
    pub(crate) scale: f64,
    pub(crate) shift: f64,
}

impl Input {
    /// The input's name, e.g. `demand.growth` or `scheme.Reablement.effect`.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Its distribution (before any scale or shift).
    pub fn dist(&self) -> &Dist {
        &self.dist
    }
    /// True when every path gets the same value.
    pub fn is_fixed(&self) -> bool {
        self.dist.is_fixed() || self.scale == 0.0
    }
    /// The range of values the model allows for this input.
    pub fn bounds(&self) -> (f64, f64) {
        (self.lo, self.hi)
    }
    fn map(&self, y: f64) -> f64 {
        (self.scale * y + self.shift).clamp(self.lo, self.hi)
    }
    /// The value used by the plan case: the distribution's central value (scaled,
    /// shifted and clamped).
    pub fn central(&self) -> f64 {
        self.map(self.dist.central())
    }
    /// The mean (of the unclamped draws), used where the model needs a central rate.
    pub fn mean(&self) -> f64 {
        self.map(self.dist.mean())
    }
    /// The largest value a plan could reasonably claim (see [`Dist::practical_max`]),
    /// scaled, shifted and clamped; overlays never use a negative scale.
    pub fn practical_max(&self) -> f64 {
        self.map(self.dist.practical_max())
    }
    /// The value at quantile `u`.
    pub fn quantile(&self, u: f64) -> f64 {
        self.map(self.dist.inverse_cdf(u))
    }
    /// Replace the distribution (dropping any scale or shift).
    pub(crate) fn set_dist(&mut self, dist: Dist) {
        self.dist = dist;
        self.scale = 1.0;
        self.shift = 0.0;
    }
    /// Rescale draws: `x → scale · x + shift`, composed with any earlier rescaling.
    pub(crate) fn rescale(&mut self, scale: f64, shift: f64) {
        self.shift = scale * self.shift + shift;
        self.scale *= scale;
    }
}

/// Positions of the inputs in [`Scenario::inputs`] (and in every per-path input record).
pub mod idx {
    /// `demand.growth`
    pub const GROWTH: usize = 0;
    /// `costs.unit_cost`
    pub const UNIT_COST: usize = 1;
    /// `costs.cashable_share_short`
    pub const CASH_SHORT: usize = 2;
    /// `costs.cashable_share_long`
    pub const CASH_LONG: usize = 3;
    /// `fund.uplift`
    pub const UPLIFT: usize = 4;
    /// `costs.optimism_bias`: `b`, scheme costs are multiplied by `1 + b` (docs/model.md §11).
    pub const OPTIMISM_BIAS: usize = 5;
    /// Where the schemes' inputs start.
    pub const SCHEME_BASE: usize = 6;
    /// Inputs per scheme.
    pub const PER_SCHEME: usize = 5;
    /// Offset of `scheme.<name>.effect` within a scheme's inputs.
    pub const EFFECT: usize = 0;
    /// Offset of `scheme.<name>.ramp_years`.
    pub const RAMP: usize = 1;
    /// Offset of `scheme.<name>.success_probability`.
    pub const SUCCESS: usize = 2;
    /// Offset of `scheme.<name>.cost_overrun`.
    pub const OVERRUN: usize = 3;
    /// Offset of `scheme.<name>.additional_share`: the share of the scheme's cost that is
    /// new money (docs/model.md §13).
    pub const ADDITIONAL: usize = 4;

    /// Index of input `offset` of scheme `i`.
    pub const fn scheme(i: usize, offset: usize) -> usize {
        SCHEME_BASE + i * PER_SCHEME + offset
    }
}

/// A checked scenario: every value valid, every distribution well formed. Build one with
/// [`Scenario::from_toml`].
#[derive(Debug, Clone)]
pub struct Scenario {
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) origin: String,
    pub(crate) hash: String,
    pub(crate) timeline: Timeline,
    pub(crate) payment: Payment,
    pub(crate) sampling: Sampling,
    pub(crate) pooled: f64,
    pub(crate) contingency_share: f64,
    pub(crate) baseline_admissions: f64,
    pub(crate) variability: f64,
    pub(crate) count_noise: bool,
    pub(crate) tariff: f64,
    pub(crate) capacity_release_years: f64,
    pub(crate) plan: PlanTarget,
    pub(crate) minimum_ambition: Option<f64>,
    pub(crate) claimed_savings: Option<ClaimedSavings>,
    pub(crate) currency: crate::fmt::Currency,
    pub(crate) p4p: Option<(f64, Option<f64>)>,
    pub(crate) schemes: Vec<Scheme>,
    pub(crate) inputs: Vec<Input>,
    pub(crate) copula: Option<Copula>,
    pub(crate) credibility: Credibility,
    /// Notes from the check that are not errors (e.g. a repaired correlation matrix).
    pub(crate) notes: Vec<String>,
    /// Whether the file sets `costs.optimism_bias` (docs/model.md §11: it then applies to the
    /// plan's own run and to the evidence run).
    pub(crate) optimism_bias_set: bool,
}

/// Where a value was written, for the messages of later checks: a line and column of the
/// TOML text, or the cell of a workbook (`Schemes!E2`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Written {
    /// 1-based line and column.
    Line(usize, usize),
    /// A workbook's cell.
    Cell(String),
}

impl Scenario {
    /// Parse and check a scenario from TOML text. `origin` names the file in messages
    /// (the library never reads files itself).
    ///
    /// # Errors
    /// [`Error::Input`](crate::Error::Input) with a [`Diagnostic`](crate::Diagnostic) for
    /// malformed TOML, unknown or misspelt keys, wrong types, and every rule of docs/model.md
    /// §2–§8 (ranges, distribution parameters, correlation matrices).
    ///
    /// When `origin` names a workbook (`*.xlsx`), `text` is its translation
    /// ([`workbook::to_toml`]), whose lines the user never sees: later messages (such as an
    /// unknown scheme kind) then name the key without a line ([`workbook::from_xlsx`]
    /// gives them the cell).
    pub fn from_toml(text: &str, origin: &str) -> Result<Self> {
        let mut scenario = check::load(text, origin)?;
        if workbook::is_workbook(origin) {
            for s in &mut scenario.schemes {
                if let Some((_, at)) = &mut s.kind {
                    *at = None;
                }
            }
        }
        Ok(scenario)
    }

    /// The scenario's name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Free-text description, if any.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }
    /// The file (or label) it was read from.
    pub fn origin(&self) -> &str {
        &self.origin
    }
    /// SHA-256 of the scenario text, hex.
    pub fn hash(&self) -> &str {
        &self.hash
    }
    /// Periods, labels and discount factors.
    pub fn timeline(&self) -> &Timeline {
        &self.timeline
    }
    /// The payment model.
    pub fn payment(&self) -> Payment {
        self.payment
    }
    /// How per-path uniforms are drawn.
    pub fn sampling(&self) -> Sampling {
        self.sampling
    }
    /// Override the file's sampling method (e.g. `carefund run --sampling lhs`).
    pub fn set_sampling(&mut self, sampling: Sampling) {
        self.sampling = sampling;
    }
    /// Pooled fund, £ a year in year 1.
    pub fn pooled(&self) -> f64 {
        self.pooled
    }
    /// The schemes, in file order.
    pub fn schemes(&self) -> &[Scheme] {
        &self.schemes
    }
    /// Every per-path input, in the order of [`idx`].
    pub fn inputs(&self) -> &[Input] {
        &self.inputs
    }
    /// The credibility thresholds.
    pub fn credibility(&self) -> &Credibility {
        &self.credibility
    }
    /// Notes from checking (not errors), e.g. how far a correlation matrix was repaired.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }
    /// The plan's target.
    pub fn plan(&self) -> &PlanTarget {
        &self.plan
    }
    /// Total planned scheme cost per year, before overruns and additionality: what the
    /// schemes cost, whoever would have paid for them anyway.
    pub fn annual_scheme_cost(&self) -> f64 {
        self.schemes.iter().map(|s| s.annual_cost).sum()
    }
    /// The new money a year, before overruns: `Σ_i cost_i · E[a_i]`, the schemes' cost
    /// times the mean of each scheme's `additional_share` (docs/model.md §13).
    pub fn annual_new_money(&self) -> f64 {
        self.schemes
            .iter()
            .enumerate()
            .map(|(i, s)| s.annual_cost * self.inputs[idx::scheme(i, idx::ADDITIONAL)].mean())
            .sum()
    }
    /// Whether the file sets `additional_share` on any scheme (when none does, the whole
    /// cost of every scheme counts as new money).
    pub fn sets_additional_share(&self) -> bool {
        self.schemes.iter().any(|s| s.additional_share_set)
    }
    /// The currency every amount is in (`scenario.currency`, GBP by default).
    pub fn currency(&self) -> crate::fmt::Currency {
        self.currency
    }
    /// The plan's claimed savings as written (`plan.claimed_savings`); `None` when the
    /// file leaves them to the default, claimed avoided admissions × tariff.
    pub fn claimed_savings(&self) -> Option<&ClaimedSavings> {
        self.claimed_savings.as_ref()
    }
    /// The tariff paid per admission.
    pub fn tariff(&self) -> f64 {
        self.tariff
    }
    /// Whether the scenario claims anything (docs/model.md §13): a scheme that may spend
    /// new money or avoid admissions, or a claimed reduction or saving. A scenario that
    /// claims nothing (such as "do nothing") is not rated.
    pub fn claims_anything(&self) -> bool {
        let scheme = self.schemes.iter().enumerate().any(|(i, s)| {
            let input = |k: usize| &self.inputs[idx::scheme(i, k)];
            let effect = input(idx::EFFECT);
            let spends = s.annual_cost > 0.0
                && (input(idx::ADDITIONAL).practical_max() > 0.0
                    || input(idx::OVERRUN).practical_max() > 1.0);
            let acts = input(idx::SUCCESS).practical_max() > 0.0
                && (effect.practical_max() != 0.0 || effect.quantile(0.0) != 0.0);
            spends || acts
        });
        let reduction = match &self.plan {
            PlanTarget::Reduction(r) => *r > 0.0,
            PlanTarget::PerYear(v) => v.iter().any(|&x| x > 0.0),
        };
        let savings = match &self.claimed_savings {
            Some(ClaimedSavings::Constant(x)) => *x > 0.0,
            Some(ClaimedSavings::PerYear(v)) => v.iter().any(|&x| x > 0.0),
            None => false,
        };
        scheme || reduction || savings
    }
    /// Every per-path input, mutable (for overlays inside the crate).
    pub(crate) fn inputs_mut(&mut self) -> &mut [Input] {
        &mut self.inputs
    }
    /// Whether the file sets `costs.optimism_bias`.
    pub fn optimism_bias_set(&self) -> bool {
        self.optimism_bias_set
    }
    /// Index of the input with this name.
    pub fn input_index(&self, name: &str) -> Option<usize> {
        self.inputs.iter().position(|i| i.name == name)
    }
}

#[cfg(test)]
mod tests;
