//! What goes where in a scenario workbook: the sheets, their rows and columns, and the
//! distribution forms with one column per parameter. The reader and the writer both
//! follow these tables, so the two cannot drift apart.
// Labels, notes and headers are written only with the `report` feature (the writer).
#![cfg_attr(not(feature = "report"), allow(dead_code))]

/// How a value is written in a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Free text.
    Text,
    /// A whole number.
    Int,
    /// A number.
    Num,
    /// TRUE or FALSE.
    Bool,
    /// A number, or one of these words.
    NumOr(&'static [&'static str]),
    /// One of these words.
    Choice(&'static [&'static str]),
    /// Free text, with these words offered in a drop-down (scheme kinds: an evidence
    /// file of one's own may have others).
    Suggest(&'static [&'static str]),
    /// A number or a distribution: a form and one cell per parameter; the words are
    /// extra forms without parameters (`green-book-opex`).
    Dist(&'static [&'static str]),
    /// One row per year of the horizon.
    PerYear,
    /// One figure for every year (a `fixed` row) or one row per year.
    FixedOrPerYear,
}

/// One row of a key/value sheet.
pub(crate) struct Field {
    /// The dotted TOML key, `table.key`.
    pub key: &'static str,
    /// The label shown to the reader.
    pub label: &'static str,
    /// The unit; `{cur}` is replaced by the currency code.
    pub unit: &'static str,
    pub kind: Kind,
    /// Whether the table needs it (when the table is given at all).
    pub required: bool,
    /// What it means (the note on its label).
    pub note: &'static str,
}

/// A key/value sheet: one row per field, then the sections of optional fields.
pub(crate) struct KvSheet {
    pub name: &'static str,
    pub fields: &'static [Field],
}

/// Columns of a key/value sheet (0-based).
pub(crate) mod kv {
    pub const LABEL: u16 = 0;
    pub const KEY: u16 = 1;
    pub const UNIT: u16 = 2;
    pub const FORM: u16 = 3;
    pub const P1: u16 = 4;
    pub const SOURCE: u16 = 8;
    pub const HEADERS: [&str; 9] = [
        "Input",
        "Key",
        "Unit",
        "Form",
        "Value / p1",
        "p2",
        "p3",
        "p4",
        "Source",
    ];
}

/// The distribution forms: name, parameter names (in p1, p2, … order), how many are
/// required.
pub(crate) const FORMS: &[(&str, &[&str], usize)] = &[
    ("fixed", &["value"], 1),
    ("uniform", &["min", "max"], 2),
    ("triangular", &["min", "mode", "max"], 3),
    ("pert", &["min", "mode", "max"], 3),
    ("normal", &["mean", "sd", "min", "max"], 2),
    ("lognormal", &["median", "p90"], 2),
    ("lognormal mean-sd", &["mean", "sd"], 2),
    ("ci90", &["low", "high"], 2),
    ("beta", &["alpha", "beta"], 2),
];

/// Parameter cells per distribution.
pub(crate) const PARAMS: u16 = 4;

pub(crate) const PAYMENT: &[&str] = &["tariff", "capitation"];
pub(crate) const SAMPLING: &[&str] = &["monte-carlo", "lhs"];
pub(crate) const BASIS: &[&str] = &["claims", "break-even"];
pub(crate) const PERIODS: &[&str] = &["1", "2", "4", "12"];
pub(crate) const RAMP: &[&str] = &["linear", "s-curve"];
pub(crate) const FUNDER: &[&str] = &["nhs", "council", "split"];
/// The evidence kinds of data/evidence/admission-avoidance.toml.
pub(crate) const KINDS: &[&str] = &[
    "case-management",
    "integrated-teams",
    "reablement",
    "rapid-response",
    "care-home-support",
    "telecare",
    "seven-day-discharge",
    "other",
];

const fn f(
    key: &'static str,
    label: &'static str,
    unit: &'static str,
    kind: Kind,
    required: bool,
    note: &'static str,
) -> Field {
    Field {
        key,
        label,
        unit,
        kind,
        required,
        note,
    }
}

use Kind::*;

/// The key/value sheets, in workbook order.
pub(crate) const KV_SHEETS: &[KvSheet] = &[
    KvSheet {
        name: "Scenario",
        fields: &[
            f(
                "scenario.name",
                "Name",
                "text",
                Text,
                true,
                "Free text used in reports.",
            ),
            f(
                "scenario.description",
                "Description",
                "text",
                Text,
                false,
                "Optional free text.",
            ),
            f(
                "scenario.start_year",
                "First financial year",
                "year",
                Int,
                true,
                "2025 means 2025/26.",
            ),
            f(
                "scenario.horizon_years",
                "Horizon",
                "years",
                Int,
                true,
                "Years simulated, 1 to 60.",
            ),
            f(
                "scenario.periods_per_year",
                "Periods per year",
                "periods",
                Choice(PERIODS),
                false,
                "1 (years), 2 (halves), 4 (quarters, the default) or 12 (months).",
            ),
            f(
                "scenario.discount",
                "Discount rate",
                "a year",
                NumOr(&["green-book"]),
                false,
                "Annual real discount rate (0.035 = 3.5%), or green-book (HM Treasury: 3.5% to year 30, then 3.0%). Default 0.035.",
            ),
            f(
                "scenario.payment",
                "Hospital payment",
                "",
                Choice(PAYMENT),
                false,
                "tariff (default: paid per admission) or capitation (paid per head, so savings stay with the provider).",
            ),
            f(
                "scenario.sampling",
                "Sampling",
                "",
                Choice(SAMPLING),
                false,
                "monte-carlo (default) or lhs (Latin hypercube).",
            ),
            f(
                "scenario.currency",
                "Currency",
                "ISO 4217",
                Text,
                false,
                "GBP (default), EUR, USD ... Amounts are never converted; the code decides how they are printed.",
            ),
            f(
                "credibility.basis",
                "Rating basis",
                "",
                Choice(BASIS),
                false,
                "claims (default: do the claimed savings arrive, as cash?) or break-even (does the new money pay back?).",
            ),
            f(
                "credibility.approved_p_savings_claim_cashable",
                "Claims: approved needs P(savings arrive as cash) ≥",
                "probability",
                Num,
                false,
                "Default 0.5.",
            ),
            f(
                "credibility.claims_approved_p_break_even",
                "Claims: approved also needs P(break even) ≥",
                "probability",
                Num,
                false,
                "Default 0.5.",
            ),
            f(
                "credibility.support_p_savings_claim_met",
                "Claims: with support needs P(savings arrive) ≥",
                "probability",
                Num,
                false,
                "Default 0.5.",
            ),
            f(
                "credibility.conditions_p_savings_claim_met",
                "Claims: with conditions needs P(savings arrive) ≥",
                "probability",
                Num,
                false,
                "Default 0.2.",
            ),
            f(
                "credibility.approved_p_break_even",
                "Break-even: approved needs P(break even) ≥",
                "probability",
                Num,
                false,
                "Default 0.8.",
            ),
            f(
                "credibility.approved_p_target_met_year1",
                "Break-even: approved also needs P(year-1 target met) ≥",
                "probability",
                Num,
                false,
                "Default 0.5.",
            ),
            f(
                "credibility.support_p_break_even",
                "Break-even: with support needs P(break even) ≥",
                "probability",
                Num,
                false,
                "Default 0.5.",
            ),
            f(
                "credibility.conditions_p_break_even",
                "Break-even: with conditions needs P(break even) ≥",
                "probability",
                Num,
                false,
                "Default 0.2.",
            ),
            f(
                "national.effect_correlation",
                "National: correlation of effects between areas",
                "0 to 1",
                Num,
                false,
                "Read by carefund national only (a template for every area).",
            ),
            f(
                "national.growth_correlation",
                "National: correlation of demand growth between areas",
                "0 to 1",
                Num,
                false,
                "Read by carefund national only.",
            ),
        ],
    },
    KvSheet {
        name: "Fund and demand",
        fields: &[
            f(
                "fund.pooled",
                "Pooled budget",
                "{cur} a year",
                Num,
                true,
                "The pooled budget in year 1 (NHS and council contributions).",
            ),
            f(
                "fund.uplift",
                "Annual real change in the pool",
                "a year",
                Dist(&[]),
                false,
                "0.01 = +1% a year. A number or a distribution.",
            ),
            f(
                "fund.contingency_share",
                "Contingency share",
                "share 0..1",
                Num,
                false,
                "Share of the fund held back to pay the hospital for admissions the plan said would not happen. 0 = none.",
            ),
            f(
                "demand.baseline_admissions",
                "Baseline emergency admissions",
                "admissions a year",
                Num,
                true,
                "Counterfactual (no-scheme) emergency admissions a year, in year 1.",
            ),
            f(
                "demand.growth",
                "Growth of admissions",
                "a year",
                Dist(&[]),
                false,
                "Underlying annual growth (0.025 = 2.5% a year), drawn per path.",
            ),
            f(
                "demand.variability",
                "Period-to-period noise",
                "sd",
                Num,
                false,
                "Standard deviation of a mean-1 lognormal factor applied every period. 0 = none.",
            ),
            f(
                "demand.count_noise",
                "Poisson counts",
                "TRUE/FALSE",
                Bool,
                false,
                "TRUE (default): admissions each period are a Poisson count; FALSE: the expected value.",
            ),
        ],
    },
    KvSheet {
        name: "Costs",
        fields: &[
            f(
                "costs.tariff",
                "Tariff",
                "{cur} per admission",
                Num,
                true,
                "What the commissioner pays the hospital per emergency admission.",
            ),
            f(
                "costs.unit_cost",
                "Unit cost",
                "{cur} per admission",
                Dist(&[]),
                true,
                "Economic cost of one admission to the hospital (drawn per path).",
            ),
            f(
                "costs.cashable_share_short",
                "Cashable share at the start",
                "share 0..1",
                Dist(&[]),
                true,
                "Share of the unit cost released as cash at the start (hospital costs are largely fixed in the short run).",
            ),
            f(
                "costs.cashable_share_long",
                "Cashable share in the long run",
                "share 0..1",
                Dist(&[]),
                true,
                "Share released once capacity (staff, beds, wards) is removed.",
            ),
            f(
                "costs.capacity_release_years",
                "Capacity release",
                "years",
                Num,
                true,
                "Years over which the cashable share moves from short to long.",
            ),
            f(
                "costs.optimism_bias",
                "Optimism bias on scheme costs",
                "share",
                Dist(&["green-book-opex"]),
                false,
                "Costs x (1 + b): a number, a distribution, or green-book-opex (uniform 0..0.41, HM Treasury). Empty: none in the plan's own run.",
            ),
        ],
    },
    KvSheet {
        name: "Plan and P4P",
        fields: &[
            f(
                "plan.target_reduction",
                "Target reduction",
                "share of admissions a year",
                Num,
                false,
                "What the plan claims: a share of counterfactual admissions avoided each year. Give this OR the avoided admissions per year.",
            ),
            f(
                "plan.avoided_admissions",
                "Avoided admissions",
                "admissions a year",
                PerYear,
                false,
                "OR one figure per year of the horizon.",
            ),
            f(
                "plan.minimum_ambition",
                "National minimum ambition",
                "share",
                Num,
                false,
                "Optional: a target below it is warned about.",
            ),
            f(
                "plan.claimed_savings",
                "Claimed savings",
                "{cur} a year",
                FixedOrPerYear,
                false,
                "Optional: one figure for every year (fixed row) or one per year. Default: claimed avoided admissions x tariff.",
            ),
            f(
                "p4p.value_per_admission",
                "P4P value per admission avoided",
                "{cur} per admission",
                Num,
                true,
                "Released from the payment-for-performance pot per admission actually avoided. Leave both P4P rows empty for no P4P.",
            ),
            f(
                "p4p.share",
                "P4P pot cap",
                "share of the fund",
                Num,
                false,
                "Optional cap on the pot as a share of the fund.",
            ),
        ],
    },
];

/// One column (or group of columns) of the Schemes sheet.
pub(crate) struct SchemeCol {
    pub key: &'static str,
    pub header: &'static str,
    pub unit: &'static str,
    pub kind: Kind,
    pub required: bool,
    pub note: &'static str,
}

const fn c(
    key: &'static str,
    header: &'static str,
    unit: &'static str,
    kind: Kind,
    required: bool,
    note: &'static str,
) -> SchemeCol {
    SchemeCol {
        key,
        header,
        unit,
        kind,
        required,
        note,
    }
}

/// The columns of the Schemes sheet; a distribution takes a form column and
/// [`PARAMS`] parameter columns, the funder a choice and an NHS share.
pub(crate) const SCHEME_COLS: &[SchemeCol] = &[
    c(
        "name",
        "Scheme",
        "text",
        Text,
        true,
        "Unique name; refer to its inputs as scheme.<name>.<key> (e.g. in Correlations).",
    ),
    c(
        "annual_cost",
        "Annual cost",
        "{cur} a year",
        Num,
        true,
        "Planned cost a year, paid while the scheme runs.",
    ),
    c(
        "funder",
        "Funder",
        "",
        Choice(FUNDER),
        false,
        "nhs (default), council, or split (give the NHS share in the next column).",
    ),
    c(
        "additional_share",
        "Additional share",
        "share 0..1",
        Dist(&[]),
        false,
        "Share of the annual cost that is NEW money (default 1 = all of it); the rest is business as usual.",
    ),
    c(
        "kind",
        "Kind",
        "evidence",
        Suggest(KINDS),
        false,
        "Optional kind of scheme, held against the published evidence (the drop-down lists the kinds of the built-in evidence file; an evidence file of your own may have others).",
    ),
    c(
        "start",
        "Start",
        "years",
        Num,
        false,
        "Years after the start when the scheme begins (default 0).",
    ),
    c(
        "end",
        "End",
        "years",
        Num,
        false,
        "Years after the start when the scheme stops (default: the horizon).",
    ),
    c(
        "effect",
        "Effect",
        "share of admissions",
        Dist(&[]),
        true,
        "Share of counterfactual admissions avoided at full effect (-1..1). Most schemes evaluated avoided none.",
    ),
    c(
        "ramp_years",
        "Ramp",
        "years",
        Dist(&[]),
        false,
        "Years from the scheme's start to full effect (0 = at once).",
    ),
    c(
        "ramp",
        "Ramp shape",
        "",
        Choice(RAMP),
        false,
        "linear (default) or s-curve.",
    ),
    c(
        "decay",
        "Decay",
        "share a year",
        Num,
        false,
        "Share of the effect lost each year after full effect (default 0).",
    ),
    c(
        "success_probability",
        "Success probability",
        "0..1",
        Num,
        false,
        "Probability that the scheme delivers at all (default 1); otherwise its effect is 0 while its cost is paid.",
    ),
    c(
        "cost_overrun",
        "Cost overrun",
        "multiplier",
        Dist(&[]),
        false,
        "Multiplier on the annual cost (1.0 = on budget).",
    ),
    c(
        "persists_after_end",
        "Persists after end",
        "TRUE/FALSE",
        Bool,
        false,
        "TRUE: the effect outlives the scheme's end; FALSE (default): it stops.",
    ),
];

/// How many cells a scheme column takes.
pub(crate) fn width(kind: Kind) -> u16 {
    match kind {
        Kind::Dist(_) => 1 + PARAMS,
        Kind::Choice(FUNDER) => 2,
        _ => 1,
    }
}

/// The first column of each scheme column, and the Source column.
pub(crate) fn scheme_columns() -> (Vec<u16>, u16) {
    let mut at = 0;
    let mut cols = Vec::new();
    for col in SCHEME_COLS {
        cols.push(at);
        at += width(col.kind);
    }
    (cols, at)
}

/// Columns of the Correlations sheet.
pub(crate) mod corr {
    pub const HEADERS: [&str; 5] = [
        "Input 1",
        "Input 2",
        "Rank correlation (-1..1)",
        "Repair (TRUE/FALSE)",
        "Source",
    ];
}

/// Columns of the Stresses sheet: one row per operation of a stress, the rows of one
/// stress one after another under the same name (docs/model.md §9).
pub(crate) mod stress {
    pub const NAME: u16 = 0;
    pub const DESCRIPTION: u16 = 1;
    pub const OPERATION: u16 = 2;
    pub const SELECT: u16 = 3;
    pub const FORM: u16 = 4;
    pub const P1: u16 = 5;
    pub const SOURCE: u16 = 9;
    pub const HEADERS: [&str; 10] = [
        "Stress",
        "Description",
        "Operation",
        "Selector (input names, * wildcards)",
        "Form (set only)",
        "Value / p1",
        "p2",
        "p3",
        "p4",
        "Source",
    ];
    /// The operations; the last takes no selector and no value (a stress file's
    /// `capacity_release = "never"`).
    pub const OPERATIONS: &[&str] = &["scale", "shift", "set", NEVER];
    pub const NEVER: &str = "never release capacity";
}

/// The sheet names in order.
pub(crate) const SCHEMES: &str = "Schemes";
pub(crate) const CORRELATIONS: &str = "Correlations";
pub(crate) const STRESSES: &str = "Stresses";
pub(crate) const ABOUT: &str = "About";

/// `A1`-style address of a 0-based cell.
pub(crate) fn address(row: u32, col: u16) -> String {
    let mut letters = String::new();
    let mut n = u32::from(col) + 1;
    while n > 0 {
        let r = (n - 1) % 26;
        letters.insert(0, char::from(b'A' + r as u8));
        n = (n - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_excel_style() {
        assert_eq!(address(0, 0), "A1");
        assert_eq!(address(6, 5), "F7");
        assert_eq!(address(0, 25), "Z1");
        assert_eq!(address(0, 26), "AA1");
        assert_eq!(address(9, 27), "AB10");
    }

    #[test]
    fn every_form_fits_the_parameter_columns() {
        for (name, params, required) in FORMS {
            assert!(params.len() <= PARAMS as usize, "{name}");
            assert!(*required <= params.len(), "{name}");
        }
    }
}
