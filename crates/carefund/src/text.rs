//! The plain-text report printed by `carefund run`: verdict, reasons, headline metrics
//! with their Monte Carlo standard errors, and a per-year table.

use std::fmt::Write;

/// Kept here for callers; the formatter lives in [`crate::fmt`].
pub use crate::fmt::group;
use crate::summary::Summary;

/// Render the summary for a terminal (UTF-8, at most about 100 columns).
pub fn render(s: &Summary) -> String {
    let mut o = String::new();
    header(&mut o, s);
    let _ = writeln!(o, "\nHeadline (± one Monte Carlo standard error)");
    claims_rows(&mut o, s);
    outcome_rows(&mut o, s);
    years_table(&mut o, s);
    if let Some(e) = &s.evidence {
        o.push_str(&crate::evidence::text(e));
    }
    o
}

/// One row of the headline block.
fn row(o: &mut String, label: &str, value: String) {
    let _ = writeln!(o, "  {label:<36}{value}");
}

/// The run, the rating with its reasons, and the warnings.
fn header(o: &mut String, s: &Summary) {
    let m = &s.meta;
    let _ = writeln!(
        o,
        "{} — {} paths, seed {}, {} thread{}",
        m.scenario_name,
        group(m.paths as f64),
        m.seed,
        m.threads,
        if m.threads == 1 { "" } else { "s" }
    );
    let _ = writeln!(o, "\nRating: {}", s.rating.to_string().to_uppercase());
    for r in &s.reasons {
        let _ = writeln!(o, "  - {r}");
    }
    if !s.warnings.is_empty() {
        let _ = writeln!(o, "\nWarnings:");
        for w in &s.warnings {
            let _ = writeln!(o, "  ! {w}");
        }
    }
}

/// The money the plan spends and claims, and how likely the claims are.
fn claims_rows(o: &mut String, s: &Summary) {
    let h = &s.headline;
    let m = &s.meta;
    let money = |x: f64| m.currency.money(x);
    let last = s.years.last().map_or("", |y| y.year.as_str());
    let p = crate::fmt::percent_pm;
    let sp = &s.spending;
    let horizon = s.years.len().max(1) as f64;
    row(
        o,
        "Pool, schemes' cost, new money",
        format!(
            "{} pooled; schemes cost {} a year, of which {} is new money",
            money(sp.pooled),
            money(sp.scheme_cost),
            money(sp.new_money)
        ),
    );
    row(
        o,
        "Claimed vs delivered, a year",
        format!(
            "claimed {}; median gross {}, median cashable {}",
            money(sp.claimed_savings),
            money(h.gross_total.p50 / horizon),
            money(h.cashable_total.p50 / horizon)
        ),
    );
    row(
        o,
        "P(claimed savings arrive)",
        p(h.p_savings_claim_met, h.p_savings_claim_met_se),
    );
    row(
        o,
        "P(… as cash)",
        p(h.p_savings_claim_cashable, h.p_savings_claim_cashable_se),
    );
    row(
        o,
        &format!("P(break even by {last})"),
        p(h.p_break_even, h.p_break_even_se),
    );
    row(
        o,
        "P(year-1 target met)",
        p(h.p_target_met_year1, h.p_target_met_year1_se),
    );
    row(
        o,
        "P(as good as the plan's own case)",
        p(h.p_meets_claim, h.p_meets_claim_se),
    );
}

/// Cumulative net, NPV, avoided admissions, the plan's own case and the tails.
fn outcome_rows(o: &mut String, s: &Summary) {
    let h = &s.headline;
    let m = &s.meta;
    let money = |x: f64| m.currency.money(x);
    let p = crate::fmt::percent_pm;
    let c = &h.cum_net_horizon;
    row(
        o,
        "Cumulative net at the horizon",
        format!(
            "mean {}, median {}, 90% of futures in [{}, {}]",
            m.currency.money_pm(c.mean, c.se, false),
            money(c.p50),
            money(c.p5),
            money(c.p95)
        ),
    );
    let n = &h.npv;
    row(
        o,
        "NPV",
        format!(
            "mean {}, 90% in [{}, {}] ({})",
            m.currency.money_pm(n.mean, n.se, false),
            money(n.p5),
            money(n.p95),
            m.discount
        ),
    );
    let a = &h.avoided_total;
    row(
        o,
        "Avoided admissions, all years",
        format!(
            "mean {} ± {}, 90% in [{}, {}]",
            group(a.mean),
            group(a.se),
            group(a.p5),
            group(a.p95)
        ),
    );
    row(
        o,
        "The plan's own case",
        format!(
            "cumulative net {}, {} admissions avoided; claim gap {}",
            money(h.plan_claim.cum_net_horizon),
            group(h.plan_claim.avoided_total),
            money(h.claim_gap)
        ),
    );
    if crate::summary::hospital_cover_applies(m.payment, &s.years) {
        row(
            o,
            "P(hospital covered)",
            format!(
                "{} (contingency paid: mean {} over all years)",
                p(h.p_hospital_covered, h.p_hospital_covered_se),
                money(h.contingency_total.mean)
            ),
        );
    }
    row(
        o,
        "Worst 5% of futures",
        format!("mean cumulative net {}", money(h.expected_shortfall_5)),
    );
    let never = h.break_even_year.last().map_or(0.0, |b| b.probability);
    row(
        o,
        "Never breaks even",
        format!("{:.1}% of futures", 100.0 * never),
    );
}

/// The per-year table.
fn years_table(o: &mut String, s: &Summary) {
    let m = &s.meta;
    let _ = writeln!(
        o,
        "\n  {:<9}{:>10}{:>10}{:>11}{:>11}{:>11}{:>16}{:>12}",
        "year", "avoided", "plan", "cashable", "new money", "net", "median cum net", "P(cum ≥ 0)"
    );
    // One money rule per column (docs: a column never mixes £92,000 with £272k).
    let column = |f: fn(&crate::summary::YearSummary) -> f64| {
        m.currency
            .money_column(&s.years.iter().map(f).collect::<Vec<_>>())
    };
    let (cash, spend, net, cum) = (
        column(|y| y.cashable),
        column(|y| y.investment),
        column(|y| y.net),
        column(|y| y.cum_net_median),
    );
    for (i, y) in s.years.iter().enumerate() {
        let _ = writeln!(
            o,
            "  {:<9}{:>10}{:>10}{:>11}{:>11}{:>11}{:>16}{:>11.0}%",
            y.year,
            group(y.avoided),
            group(y.plan),
            cash[i],
            spend[i],
            net[i],
            cum[i],
            100.0 * y.p_cum_net_non_negative
        );
    }
}
