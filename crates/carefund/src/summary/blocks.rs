//! The optional blocks of `summary.json` that other analyses fill in: the evidence check
//! ([`crate::evidence`]) and the EVPI of funding the plan ([`crate::voi`]).
//!
//! Only the records live here, so that [`Summary`](super::Summary) can hold them without
//! importing the analyses that compute them (those import this module, never the other
//! way round).

use serde::Serialize;

use super::Rating;

/// EVPI of one decision.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Evpi {
    /// Expected value of perfect information (same unit as the net benefit, £).
    pub evpi: f64,
    /// Its Monte Carlo standard error.
    pub se: f64,
    /// Index of the option best on average (`d*`; the first on ties).
    pub best: usize,
    /// Mean net benefit of each option.
    pub means: [f64; 2],
}

/// P10, central value and P90 of one number.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    /// 10th percentile.
    pub p10: f64,
    /// Central value (mode where defined, else median; the plan case's value).
    pub central: f64,
    /// 90th percentile.
    pub p90: f64,
}

/// One scheme with a kind: its assumptions and the evidence, side by side.
#[derive(Debug, Clone, Serialize)]
pub struct SchemeComparison {
    /// The scheme's name.
    pub scheme: String,
    /// Its kind's id, e.g. `case-management`.
    pub kind: String,
    /// The kind in words, e.g. `case management`.
    pub kind_label: String,
    /// The plan's effect (share of admissions avoided at full effect, if it delivers).
    pub plan_effect: Interval,
    /// The evidence's effect.
    pub evidence_effect: Interval,
    /// The plan's `ramp_years`.
    pub plan_ramp_years: Interval,
    /// The evidence's time to full effect, years.
    pub evidence_time_to_effect: Interval,
    /// The plan's success probability.
    pub plan_success_probability: f64,
    /// The evidence's success probability.
    pub evidence_success_probability: f64,
    /// Whether the effect warning fires: plan central > evidence P90, or plan P90 >
    /// evidence P90 + [`EFFECT_MARGIN`](crate::evidence::EFFECT_MARGIN).
    pub effect_above_evidence: bool,
    /// Whether the ramp warning fires: plan central ramp < evidence P10 time to effect.
    pub ramp_faster_than_evidence: bool,
}

/// The assumption comparison of a whole plan.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// The evidence file used.
    pub evidence_file: String,
    /// SHA-256 of its text (results depend on it as on the scenario).
    pub evidence_hash: String,
    /// Every scheme that names a kind, in file order.
    pub schemes: Vec<SchemeComparison>,
    /// Schemes without a `kind` (not compared; the evidence run keeps their assumptions).
    pub schemes_without_kind: Vec<String>,
    /// The plan's target as a share of counterfactual admissions (year 1 for
    /// `avoided_admissions`).
    pub target: f64,
    /// Combined effect at full ramp under the plan's own case: `1 − ∏(1 − e_i)`, central
    /// effects, every scheme delivering.
    pub plan_combined_effect: f64,
    /// Combined expected effect at full ramp under the evidence: `1 − ∏(1 − p_i·ē_i)`
    /// with the evidence's success probability and mean effect (the plan's own for
    /// schemes without a kind).
    pub evidence_combined_effect: f64,
    /// The overall line on the target against the national figures.
    pub national: String,
    /// Warnings in words (empty when every assumption sits inside the evidence).
    pub warnings: Vec<String>,
}

/// One run's verdict.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    /// P(cumulative system net at the horizon ≥ 0).
    pub p_break_even: f64,
    /// Its Monte Carlo standard error.
    pub p_break_even_se: f64,
    /// Median cumulative system net at the horizon (£).
    pub median_cum_net: f64,
    /// P(year-1 avoided admissions ≥ the plan's year-1 claim).
    pub p_target_met_year1: f64,
    /// Its standard error.
    pub p_target_met_year1_se: f64,
    /// P(gross savings ≥ the plan's claimed savings), docs/model.md §13.
    pub p_savings_claim_met: f64,
    /// Its standard error.
    pub p_savings_claim_met_se: f64,
    /// P(cashable savings ≥ the plan's claimed savings).
    pub p_savings_claim_cashable: f64,
    /// Its standard error.
    pub p_savings_claim_cashable_se: f64,
    /// P(the contingency reserve always covered the hospital).
    pub p_hospital_covered: f64,
    /// The rating under the scenario's thresholds.
    pub rating: Rating,
}

/// A paired difference (evidence run − plan's own run), path by path.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Paired {
    /// Mean over paths of the per-path difference.
    pub mean: f64,
    /// Its standard error: sd of the per-path differences / √n.
    pub se: f64,
}

/// Paired differences, evidence run − plan's own run.
#[derive(Debug, Clone, Serialize)]
pub struct Differences {
    /// Of the break-even indicator: the change in P(break even).
    pub p_break_even: Paired,
    /// Of the year-1 target indicator: the change in P(year-1 target met).
    pub p_target_met_year1: Paired,
    /// Of the claimed-savings-met indicator: the change in P(claimed savings arrive).
    pub p_savings_claim_met: Paired,
    /// Of the claimed-savings-cashable indicator.
    pub p_savings_claim_cashable: Paired,
    /// Of cumulative system net at the horizon (£).
    pub cum_net_horizon: Paired,
    /// Difference of the two medians of cumulative net at the horizon (£; not paired).
    pub median_cum_net: f64,
}

/// The `evidence` block of `summary.json`.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceBlock {
    /// The plan's assumptions beside the evidence.
    pub comparison: Comparison,
    /// The optimism bias on scheme costs in the evidence run, in words.
    pub optimism_bias: String,
    /// The plan's own run.
    pub plan: Verdict,
    /// The evidence run.
    pub evidence: Verdict,
    /// Evidence run − plan's own run, paired path by path.
    pub difference: Differences,
    /// True when the evidence run's rating is worse than the plan's: the plan's verdict
    /// rests on assumptions the evidence does not support.
    pub verdict_depends_on_unsupported_assumptions: bool,
    /// The evidence run's verdict in words.
    pub reasons: Vec<String>,
    /// The currency of every amount (the scenario's).
    #[serde(skip)]
    pub currency: crate::fmt::Currency,
}
