//! The evidence check in words (text report) and as a table (`evidence.csv`).

use std::fmt::Write;

use super::{Comparison, EvidenceBlock, Interval};
use crate::error::{Error, Result};
use crate::fmt::percent1;

fn points(x: f64, se: f64) -> String {
    format!("{} points", crate::fmt::points_pm(x, se))
}

fn span(i: &Interval, f: fn(f64) -> String) -> String {
    format!("{} ({}–{})", f(i.central), f(i.p10), f(i.p90))
}

/// The assumption comparison as text (what `carefund check` prints): one line per scheme
/// with a kind, the national line and the warnings.
pub fn comparison_text(c: &Comparison) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "\nHeld against the evidence ({}) — central (P10–P90)",
        c.evidence_file
    );
    // Each scheme takes two lines: its name beside the plan's row and its evidence kind
    // beside the evidence's, in a column as wide as the longest, so nothing is cut.
    let kind = |s: &super::SchemeComparison| format!("({})", s.kind);
    let w = c
        .schemes
        .iter()
        .flat_map(|s| [s.scheme.chars().count(), kind(s).chars().count()])
        .fold("scheme (kind)".len(), usize::max)
        + 2;
    let _ = writeln!(
        o,
        "  {:<w$}{:<10}{:<22}{:<20}{:>9}",
        "scheme (kind)", "", "effect", "ramp, years", "P(works)"
    );
    let yrs = |x: f64| format!("{x:.1}");
    for s in &c.schemes {
        let flag = |b: bool| if b { " !" } else { "" };
        let _ = writeln!(
            o,
            "  {:<w$}{:<10}{:<22}{:<20}{:>9}",
            s.scheme,
            "plan",
            span(&s.plan_effect, percent1) + flag(s.effect_above_evidence),
            span(&s.plan_ramp_years, yrs) + flag(s.ramp_faster_than_evidence),
            format!("{:.2}", s.plan_success_probability)
        );
        let _ = writeln!(
            o,
            "  {:<w$}{:<10}{:<22}{:<20}{:>9}",
            kind(s),
            "evidence",
            span(&s.evidence_effect, percent1),
            span(&s.evidence_time_to_effect, yrs),
            format!("{:.2}", s.evidence_success_probability)
        );
    }
    if !c.schemes_without_kind.is_empty() {
        let _ = writeln!(
            o,
            "  not compared (no `kind`): {}",
            c.schemes_without_kind.join(", ")
        );
    }
    let _ = writeln!(o, "  - {}", c.national);
    if c.warnings.is_empty() {
        let _ = writeln!(o, "  no assumption is above the evidence");
    }
    for w in &c.warnings {
        let _ = writeln!(o, "  ! {w}");
    }
    o
}

/// The evidence block as text: both verdicts side by side, the paired differences, the
/// reasons, then the assumption comparison.
pub fn text(e: &EvidenceBlock) -> String {
    let mut o = String::new();
    let money = |x: f64| e.currency.money(x);
    let _ = writeln!(
        o,
        "\nVerdict under the evidence{}",
        if e.verdict_depends_on_unsupported_assumptions {
            ": the plan's verdict depends on assumptions the evidence does not support"
        } else {
            ""
        }
    );
    let _ = writeln!(
        o,
        "  {:<30}{:>25}{:>25}{:>25}",
        "", "plan's own assumptions", "the evidence", "paired difference"
    );
    let p = crate::fmt::percent_pm;
    let d = &e.difference;
    let rows = [
        (
            "P(claimed savings arrive)",
            p(e.plan.p_savings_claim_met, e.plan.p_savings_claim_met_se),
            p(
                e.evidence.p_savings_claim_met,
                e.evidence.p_savings_claim_met_se,
            ),
            points(d.p_savings_claim_met.mean, d.p_savings_claim_met.se),
        ),
        (
            "P(… as cash)",
            p(
                e.plan.p_savings_claim_cashable,
                e.plan.p_savings_claim_cashable_se,
            ),
            p(
                e.evidence.p_savings_claim_cashable,
                e.evidence.p_savings_claim_cashable_se,
            ),
            points(
                d.p_savings_claim_cashable.mean,
                d.p_savings_claim_cashable.se,
            ),
        ),
        (
            "P(break even)",
            p(e.plan.p_break_even, e.plan.p_break_even_se),
            p(e.evidence.p_break_even, e.evidence.p_break_even_se),
            points(d.p_break_even.mean, d.p_break_even.se),
        ),
        (
            "Median cumulative net",
            money(e.plan.median_cum_net),
            money(e.evidence.median_cum_net),
            money(d.median_cum_net),
        ),
        (
            "Mean cumulative net (paired)",
            String::new(),
            String::new(),
            e.currency
                .money_pm(d.cum_net_horizon.mean, d.cum_net_horizon.se, true),
        ),
        (
            "P(year-1 target met)",
            p(e.plan.p_target_met_year1, e.plan.p_target_met_year1_se),
            p(
                e.evidence.p_target_met_year1,
                e.evidence.p_target_met_year1_se,
            ),
            points(d.p_target_met_year1.mean, d.p_target_met_year1.se),
        ),
        (
            "Rating",
            e.plan.rating.to_string(),
            e.evidence.rating.to_string(),
            String::new(),
        ),
    ];
    for (label, a, b, c) in rows {
        // One space at least between columns: "approved with conditions" fills 24.
        let _ = writeln!(o, "  {label:<30} {a:>24} {b:>24} {c:>24}");
    }
    for r in &e.reasons {
        let _ = writeln!(o, "  - {r}");
    }
    o.push_str(&comparison_text(&e.comparison));
    o
}

/// `evidence.csv`: one row per scheme with a kind, the plan's and the evidence's
/// effect, years to full effect and success probability, and which warnings fire.
///
/// # Errors
/// [`Error::Export`] if the CSV writer fails.
pub fn csv(c: &Comparison) -> Result<Vec<u8>> {
    let err = |m: String| Error::Export {
        what: "evidence.csv",
        message: m,
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "scheme",
        "kind",
        "plan_effect_p10",
        "plan_effect_central",
        "plan_effect_p90",
        "evidence_effect_p10",
        "evidence_effect_central",
        "evidence_effect_p90",
        "plan_ramp_years_p10",
        "plan_ramp_years_central",
        "plan_ramp_years_p90",
        "evidence_time_to_effect_p10",
        "evidence_time_to_effect_central",
        "evidence_time_to_effect_p90",
        "plan_success_probability",
        "evidence_success_probability",
        "effect_above_evidence",
        "ramp_faster_than_evidence",
    ])
    .map_err(|e| err(e.to_string()))?;
    for s in &c.schemes {
        let n = |x: f64| format!("{x}");
        let mut row = vec![s.scheme.clone(), s.kind.clone()];
        for i in [
            &s.plan_effect,
            &s.evidence_effect,
            &s.plan_ramp_years,
            &s.evidence_time_to_effect,
        ] {
            row.extend([n(i.p10), n(i.central), n(i.p90)]);
        }
        row.extend([
            n(s.plan_success_probability),
            n(s.evidence_success_probability),
            s.effect_above_evidence.to_string(),
            s.ramp_faster_than_evidence.to_string(),
        ]);
        w.write_record(&row).map_err(|e| err(e.to_string()))?;
    }
    w.into_inner().map_err(|e| err(e.to_string()))
}
