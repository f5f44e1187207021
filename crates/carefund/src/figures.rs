//! The charts of `carefund run`, drawn from a [`Summary`] (and, for the histogram, the
//! per-path results) through the generic [`crate::chart`] module.

use crate::chart::{
    self, AdmissionsChart, Band, CashBars, Columns, FanChart, Format, Histogram, Line, Spread,
};
use crate::engine::Simulation;
use crate::error::{Error, Result};
use crate::model::Quantity;
use crate::stats::Stats;
use crate::summary::Summary;

const MILLION: f64 = 1e6;

fn series(summary: &Summary, quantity: Quantity, pick: fn(&Stats) -> f64, scale: f64) -> Vec<f64> {
    summary
        .periods
        .iter()
        .map(|p| pick(&p.quantities[quantity]) / scale)
        .collect()
}

fn band(
    summary: &Summary,
    quantity: Quantity,
    lo: fn(&Stats) -> f64,
    hi: fn(&Stats) -> f64,
    scale: f64,
) -> Band {
    Band {
        lower: series(summary, quantity, lo, scale),
        upper: series(summary, quantity, hi, scale),
    }
}

fn last_year(summary: &Summary) -> &str {
    summary
        .years
        .last()
        .map_or("the horizon", |y| y.year.as_str())
}

/// Fan chart of cumulative system net (£m) with the plan's own case.
pub fn fan(summary: &Summary) -> FanChart {
    let h = &summary.headline;
    fan_of(
        format!("Cumulative system net — {}", summary.meta.scenario_name),
        format!(
            "P(claimed savings arrive) {:.0}%, as cash {:.0}% · P(break even by {}) {:.0}% · {} · {} paths, seed {}",
            100.0 * h.p_savings_claim_met,
            100.0 * h.p_savings_claim_cashable,
            last_year(summary),
            100.0 * h.p_break_even,
            summary.rating,
            crate::fmt::group(summary.meta.paths as f64),
            summary.meta.seed
        ),
        format!(
            "Cumulative system net, {} (real)",
            summary.meta.currency.millions()
        ),
        &summary
            .periods
            .iter()
            .map(|p| (p.label.clone(), p.quantities[Quantity::CumNet]))
            .collect::<Vec<_>>(),
        Some(Line {
            label: "Plan's own case".into(),
            values: summary
                .periods
                .iter()
                .map(|p| p.plan_case_cum_net / MILLION)
                .collect(),
        }),
    )
}

/// A fan chart in millions from the statistics of cumulative net per period (label,
/// statistics in money): the bands holding the middle 90%, 80% and 50% of futures, the
/// median and, if given, the plan's own case (already in millions). The run's fan
/// ([`fan`]) and the national one are both drawn from it.
pub(crate) fn fan_of(
    title: String,
    subtitle: String,
    y_label: String,
    periods: &[(String, Stats)],
    plan: Option<Line>,
) -> FanChart {
    let s = |f: fn(&Stats) -> f64| -> Vec<f64> {
        periods.iter().map(|(_, q)| f(q) / MILLION).collect()
    };
    let band = |lo: fn(&Stats) -> f64, hi: fn(&Stats) -> f64| Band {
        lower: s(lo),
        upper: s(hi),
    };
    FanChart {
        title,
        subtitle,
        y_label,
        periods: periods.iter().map(|(label, _)| label.clone()).collect(),
        p5_p95: band(|s| s.p5, |s| s.p95),
        p10_p90: band(|s| s.p10, |s| s.p90),
        p25_p75: band(|s| s.p25, |s| s.p75),
        median: s(|s| s.p50),
        plan,
        start: Some(0.0),
    }
}

/// Admissions per period: counterfactual, with schemes, and what the plan expects.
pub fn admissions(summary: &Summary) -> AdmissionsChart {
    let per = match summary.meta.periods_per_year {
        1 => "year",
        2 => "half-year",
        4 => "quarter",
        _ => "month",
    };
    AdmissionsChart {
        title: format!("Emergency admissions — {}", summary.meta.scenario_name),
        subtitle: format!(
            "median and P10–P90 of {} futures; plan = its own case minus the admissions it claims to avoid",
            crate::fmt::group(summary.meta.paths as f64)
        ),
        y_label: format!("Emergency admissions per {per}"),
        periods: summary.periods.iter().map(|p| p.label.clone()).collect(),
        counterfactual: Spread {
            median: series(summary, Quantity::Counterfactual, |s| s.p50, 1.0),
            p10_p90: band(summary, Quantity::Counterfactual, |s| s.p10, |s| s.p90, 1.0),
        },
        with_schemes: Spread {
            median: series(summary, Quantity::Actual, |s| s.p50, 1.0),
            p10_p90: band(summary, Quantity::Actual, |s| s.p10, |s| s.p90, 1.0),
        },
        plan: Some(Line {
            label: "Plan".into(),
            values: summary
                .periods
                .iter()
                .map(|p| p.plan_case_counterfactual - p.plan)
                .collect(),
        }),
    }
}

/// Histogram of cumulative system net at the horizon (£m).
pub fn histogram(summary: &Summary, sim: &Simulation) -> Histogram {
    let h = &summary.headline;
    Histogram {
        title: format!(
            "Cumulative system net by {} — {}",
            last_year(summary),
            summary.meta.scenario_name
        ),
        subtitle: format!(
            "{} futures; median {}, plan's own case {}",
            crate::fmt::group(summary.meta.paths as f64),
            summary.meta.currency.money(h.cum_net_horizon.p50),
            summary.meta.currency.money(h.plan_claim.cum_net_horizon)
        ),
        x_label: format!(
            "Cumulative system net at the horizon, {} (real)",
            summary.meta.currency.millions()
        ),
        values: sim
            .path_summaries()
            .iter()
            .map(|p| p.cum_net / MILLION)
            .collect(),
        annotation: format!("P(break even) = {:.0}%", 100.0 * h.p_break_even),
        ..Histogram::default()
    }
}

/// Mean cashable savings against scheme spend, per financial year (£m).
pub fn cash(summary: &Summary) -> CashBars {
    CashBars {
        title: format!(
            "Cashable savings and scheme spend — {}",
            summary.meta.scenario_name
        ),
        subtitle: "means over all futures; spend = new money; net = savings − spend".into(),
        y_label: format!("{} a year (real)", summary.meta.currency.millions()),
        years: summary.years.iter().map(|y| y.year.clone()).collect(),
        savings: summary.years.iter().map(|y| y.cashable / MILLION).collect(),
        investment: summary
            .years
            .iter()
            .map(|y| y.investment / MILLION)
            .collect(),
    }
}

/// The break-even year distribution: one bar per financial year (share of futures whose
/// cumulative net turns ≥ 0 for good in that year) plus "never" (docs/model.md §5
/// `break_even_year`).
pub fn break_even(summary: &Summary) -> Columns {
    let bars = &summary.headline.break_even_year;
    let never = bars
        .iter()
        .find(|b| b.year == "never")
        .map_or(0.0, |b| b.probability);
    Columns {
        title: format!("Break-even year — {}", summary.meta.scenario_name),
        subtitle: format!(
            "financial year in which cumulative net turns ≥ 0 and stays there · never: {:.0}% · {} futures, seed {}",
            100.0 * never,
            crate::fmt::group(summary.meta.paths as f64),
            summary.meta.seed
        ),
        x_label: "Financial year of break-even".into(),
        y_label: "Share of futures, %".into(),
        categories: bars.iter().map(|b| b.year.clone()).collect(),
        values: bars.iter().map(|b| 100.0 * b.probability).collect(),
        label: "Breaks even for good that year".into(),
        highlight: bars.iter().map(|b| b.year == "never").collect(),
        highlight_label: "Never (by the horizon)".into(),
        value_decimals: 0,
    }
}

/// Every chart of a run as `(file name, bytes)`: `fan`, `admissions`, `histogram`,
/// `cash`, `break-even`, with the format's extension.
///
/// # Errors
/// [`Error::Chart`] naming the chart that could not be drawn.
pub fn run_charts(
    summary: &Summary,
    sim: &Simulation,
    format: Format,
) -> Result<Vec<(String, Vec<u8>)>> {
    let wrap = |name: &'static str| move |source| Error::Chart { name, source };
    let ext = format.extension();
    Ok(vec![
        (
            format!("fan.{ext}"),
            chart::fan_chart(&fan(summary), format).map_err(wrap("fan"))?,
        ),
        (
            format!("admissions.{ext}"),
            chart::admissions_chart(&admissions(summary), format).map_err(wrap("admissions"))?,
        ),
        (
            format!("histogram.{ext}"),
            chart::histogram(&histogram(summary, sim), format).map_err(wrap("histogram"))?,
        ),
        (
            format!("cash.{ext}"),
            chart::cash_bars(&cash(summary), format).map_err(wrap("cash"))?,
        ),
        (
            format!("break-even.{ext}"),
            chart::columns(&break_even(summary), format).map_err(wrap("break-even"))?,
        ),
    ])
}

/// Per-scheme dot-and-interval chart of the effect: the plan's P10–P90 and central value
/// against the evidence's, one row per scheme with a kind (%). `None` when the summary
/// has no evidence block or no scheme names a kind.
pub fn evidence_intervals(summary: &Summary) -> Option<chart::IntervalChart> {
    let e = summary.evidence.as_ref()?;
    if e.comparison.schemes.is_empty() {
        return None;
    }
    let pc = |i: &crate::summary::Interval| (100.0 * i.p10, 100.0 * i.central, 100.0 * i.p90);
    Some(chart::IntervalChart {
        title: format!(
            "Assumed effects vs the evidence — {}",
            summary.meta.scenario_name
        ),
        subtitle: format!(
            "share of emergency admissions avoided at full effect, if the scheme delivers; evidence: {}",
            e.comparison.evidence_file
        ),
        x_label: "Admissions avoided at full effect, % (P10–P90, dot = central)".into(),
        first_label: "Plan's assumption".into(),
        second_label: "Published evidence".into(),
        rows: e
            .comparison
            .schemes
            .iter()
            .map(|s| chart::IntervalRow {
                label: format!("{} ({})", s.scheme, s.kind_label),
                first: pc(&s.plan_effect),
                second: pc(&s.evidence_effect),
            })
            .collect(),
    })
}

/// The plan's cumulative-net fan with the evidence run's median and P10–P90 band over it.
pub fn evidence_fan(summary: &Summary, evidence_run: &Summary) -> chart::OverlaidFan {
    let mut fan = fan(summary);
    fan.title = format!(
        "Cumulative system net: plan vs evidence — {}",
        summary.meta.scenario_name
    );
    let h = &evidence_run.headline;
    fan.subtitle = format!(
        "P(break even by {}): plan {}, evidence {} · evidence run rated {}",
        last_year(summary),
        crate::fmt::percent_pm(
            summary.headline.p_break_even,
            summary.headline.p_break_even_se
        ),
        crate::fmt::percent_pm(h.p_break_even, h.p_break_even_se),
        evidence_run.rating
    );
    chart::OverlaidFan {
        fan,
        overlay: chart::Overlay {
            label: "Evidence run".into(),
            p10_p90: band(
                evidence_run,
                Quantity::CumNet,
                |s| s.p10,
                |s| s.p90,
                MILLION,
            ),
            median: series(evidence_run, Quantity::CumNet, |s| s.p50, MILLION),
        },
    }
}

/// The evidence charts of a run as `(file name, bytes)`: `evidence-fan` and, when a
/// scheme names a kind, `evidence-effects`.
///
/// # Errors
/// [`Error::Chart`] naming the chart that could not be drawn.
pub fn evidence_charts(
    summary: &Summary,
    evidence_run: &Summary,
    format: Format,
) -> Result<Vec<(String, Vec<u8>)>> {
    let wrap = |name: &'static str| move |source| Error::Chart { name, source };
    let ext = format.extension();
    let mut out = vec![(
        format!("evidence-fan.{ext}"),
        chart::overlaid_fan_chart(&evidence_fan(summary, evidence_run), format)
            .map_err(wrap("evidence-fan"))?,
    )];
    if let Some(data) = evidence_intervals(summary) {
        out.push((
            format!("evidence-effects.{ext}"),
            chart::interval_chart(&data, format).map_err(wrap("evidence-effects"))?,
        ));
    }
    Ok(out)
}
