//! The scenario file as written: serde types that mirror the TOML (docs/model.md §8).
//!
//! Nothing here is checked beyond TOML types; [`super::check`] turns these into a
//! [`super::Scenario`]. Values that may be distributions are kept as spanned TOML values
//! so that the checks can point at the exact place in the file.

use serde::Deserialize;
use toml::{Spanned, Value};

/// A number or distribution, with its position in the file.
pub(crate) type RawInput = Spanned<Value>;
/// A plain number, with its position.
pub(crate) type RawNum = Spanned<f64>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFile {
    pub scenario: Spanned<RawScenario>,
    pub fund: Spanned<RawFund>,
    pub demand: Spanned<RawDemand>,
    pub costs: Spanned<RawCosts>,
    pub plan: Spanned<RawPlan>,
    pub p4p: Option<Spanned<RawP4p>>,
    pub scheme: Option<Spanned<Vec<Spanned<RawScheme>>>>,
    #[serde(default)]
    pub correlation: Vec<Spanned<RawCorrelation>>,
    pub credibility: Option<RawCredibility>,
    /// National-portfolio settings of a template (`carefund national` reads them;
    /// single runs ignore them).
    #[allow(dead_code, reason = "read by crate::national from the text")]
    pub national: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawScenario {
    pub name: Spanned<String>,
    pub description: Option<String>,
    pub start_year: Spanned<i64>,
    pub horizon_years: Spanned<i64>,
    pub periods_per_year: Option<Spanned<i64>>,
    pub discount: Option<Spanned<Value>>,
    pub payment: Option<Spanned<String>>,
    pub sampling: Option<Spanned<String>>,
    pub currency: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFund {
    pub pooled: RawNum,
    pub uplift: Option<RawInput>,
    pub contingency_share: Option<RawNum>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDemand {
    pub baseline_admissions: RawNum,
    pub growth: Option<RawInput>,
    pub variability: Option<RawNum>,
    pub count_noise: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCosts {
    pub tariff: RawNum,
    pub unit_cost: RawInput,
    pub cashable_share_short: RawInput,
    pub cashable_share_long: RawInput,
    pub capacity_release_years: RawNum,
    pub optimism_bias: Option<RawInput>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPlan {
    pub target_reduction: Option<RawNum>,
    pub avoided_admissions: Option<Spanned<Vec<RawNum>>>,
    pub minimum_ambition: Option<RawNum>,
    pub claimed_savings: Option<Spanned<Value>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawP4p {
    pub value_per_admission: RawNum,
    pub share: Option<RawNum>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawScheme {
    pub name: Spanned<String>,
    pub annual_cost: RawNum,
    pub funder: Option<Spanned<Value>>,
    pub start: Option<RawNum>,
    pub end: Option<RawNum>,
    pub effect: RawInput,
    pub ramp_years: Option<RawInput>,
    pub ramp: Option<Spanned<String>>,
    pub decay: Option<RawNum>,
    pub success_probability: Option<RawInput>,
    pub cost_overrun: Option<RawInput>,
    pub persists_after_end: Option<bool>,
    pub kind: Option<Spanned<String>>,
    pub additional_share: Option<RawInput>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCorrelation {
    pub inputs: Spanned<Vec<Spanned<String>>>,
    pub rank: RawNum,
    pub repair: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCredibility {
    pub basis: Option<Spanned<String>>,
    pub approved_p_savings_claim_cashable: Option<RawNum>,
    pub claims_approved_p_break_even: Option<RawNum>,
    pub support_p_savings_claim_met: Option<RawNum>,
    pub conditions_p_savings_claim_met: Option<RawNum>,
    pub approved_p_break_even: Option<RawNum>,
    pub approved_p_target_met_year1: Option<RawNum>,
    pub support_p_break_even: Option<RawNum>,
    pub conditions_p_break_even: Option<RawNum>,
}

/// Every key the file may hold, by table, for "did you mean" on misspelt keys.
pub(crate) const KEYS: &[(&str, &[&str])] = &[
    (
        "",
        &[
            "scenario",
            "fund",
            "demand",
            "costs",
            "plan",
            "p4p",
            "scheme",
            "correlation",
            "credibility",
            "national",
        ],
    ),
    (
        "scenario",
        &[
            "name",
            "description",
            "start_year",
            "horizon_years",
            "periods_per_year",
            "discount",
            "payment",
            "sampling",
            "currency",
        ],
    ),
    ("fund", &["pooled", "uplift", "contingency_share"]),
    (
        "demand",
        &[
            "baseline_admissions",
            "growth",
            "variability",
            "count_noise",
        ],
    ),
    (
        "costs",
        &[
            "tariff",
            "unit_cost",
            "cashable_share_short",
            "cashable_share_long",
            "capacity_release_years",
            "optimism_bias",
        ],
    ),
    (
        "plan",
        &[
            "target_reduction",
            "avoided_admissions",
            "minimum_ambition",
            "claimed_savings",
        ],
    ),
    ("p4p", &["value_per_admission", "share"]),
    (
        "scheme",
        &[
            "name",
            "annual_cost",
            "funder",
            "start",
            "end",
            "effect",
            "ramp_years",
            "ramp",
            "decay",
            "success_probability",
            "cost_overrun",
            "persists_after_end",
            "kind",
            "additional_share",
        ],
    ),
    ("correlation", &["inputs", "rank", "repair"]),
    (
        "credibility",
        &[
            "basis",
            "approved_p_savings_claim_cashable",
            "claims_approved_p_break_even",
            "support_p_savings_claim_met",
            "conditions_p_savings_claim_met",
            "approved_p_break_even",
            "approved_p_target_met_year1",
            "support_p_break_even",
            "conditions_p_break_even",
        ],
    ),
];
