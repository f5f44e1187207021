//! The charts of `carefund stress` and `carefund compare`, drawn from their reports.

use super::compare::Comparison;
use super::paired::StressReport;
use super::report::letter;
use crate::chart::{
    self, Band, BarLayout, BarRow, Format, Histogram, HorizontalBars, LinesChart, Series,
};
use crate::error::{Error, Result};
use crate::summary::Summary;

const MILLION: f64 = 1e6;

fn cum_net(summary: &Summary, pick: fn(&crate::stats::Stats) -> f64) -> Vec<f64> {
    summary
        .periods
        .iter()
        .map(|p| pick(&p.quantities[crate::model::Quantity::CumNet]) / MILLION)
        .collect()
}

fn p10_p90(summary: &Summary) -> Band {
    Band {
        lower: cum_net(summary, |s| s.p10),
        upper: cum_net(summary, |s| s.p90),
    }
}

/// P(break even) per run (base first), with whiskers of ±1.96 standard errors.
pub fn break_even_bars(r: &StressReport) -> HorizontalBars {
    let runs: Vec<_> = std::iter::once(&r.base).chain(&r.stresses).collect();
    let bar = |p: f64, se: f64| {
        let (p, half) = (100.0 * p, 196.0 * se);
        (p, Some(((p - half).max(0.0), (p + half).min(100.0))))
    };
    HorizontalBars {
        title: format!("The plan's claims under stress — {}", r.scenario),
        subtitle: format!(
            "{} paths per run, seed {}, every run on the same random numbers; whiskers ±1.96 SE",
            crate::fmt::group(r.paths as f64),
            r.seed
        ),
        x_label: "Share of futures, %".into(),
        series: vec![
            "Claimed savings arrive (gross)".into(),
            "Claimed savings arrive as cash".into(),
            "New money breaks even".into(),
        ],
        layout: BarLayout::SideBySide,
        origin: 0.0,
        show_values: true,
        rows: runs
            .iter()
            .map(|s| {
                let bars = [
                    bar(s.p_savings_claim_met, s.p_savings_claim_met_se),
                    bar(s.p_savings_claim_cashable, s.p_savings_claim_cashable_se),
                    bar(s.p_break_even, s.p_break_even_se),
                ];
                BarRow {
                    label: format!("{} ({})", s.name, s.rating),
                    values: bars.iter().map(|b| b.0).collect(),
                    intervals: bars.iter().map(|b| b.1).collect(),
                    notes: Vec::new(),
                }
            })
            .collect(),
    }
}

/// The base's median and P10–P90 of cumulative net, with each stress's median.
pub fn stress_lines(r: &StressReport) -> LinesChart {
    let mut series = vec![Series {
        label: "Base".into(),
        median: cum_net(&r.base.summary, |s| s.p50),
        band: Some(p10_p90(&r.base.summary)),
        dashed: false,
    }];
    series.extend(r.stresses.iter().map(|s| Series {
        label: s.name.clone(),
        median: cum_net(&s.summary, |x| x.p50),
        band: None,
        dashed: true,
    }));
    LinesChart {
        title: format!("Cumulative system net under stress — {}", r.scenario),
        subtitle: "median of each stressed run (dashed) against the base's median and P10–P90"
            .into(),
        y_label: format!("Cumulative system net, {} (real)", r.currency.millions()),
        periods: r.periods.clone(),
        series,
        start: Some(0.0),
    }
}

/// Each scenario's median and P10–P90 of cumulative net. Periods are the first
/// scenario's; a scenario with fewer periods leaves a gap, one with more is cut.
pub fn compare_lines(c: &Comparison) -> LinesChart {
    let periods: Vec<String> = c
        .scenarios
        .first()
        .map(|s| s.summary.periods.iter().map(|p| p.label.clone()).collect())
        .unwrap_or_default();
    let n = periods.len();
    let fit = |mut v: Vec<f64>| {
        v.resize(n, f64::NAN);
        v
    };
    LinesChart {
        title: "Cumulative system net — scenarios compared".into(),
        subtitle: format!(
            "median and P10–P90 of {} paths each, on the same random numbers (seed {})",
            crate::fmt::group(c.paths as f64),
            c.seed
        ),
        y_label: format!("Cumulative system net, {} (real)", c.currency.millions()),
        periods,
        series: c
            .scenarios
            .iter()
            .enumerate()
            .map(|(k, s)| {
                let b = p10_p90(&s.summary);
                Series {
                    label: format!("{}: {}", letter(k), s.name),
                    median: fit(cum_net(&s.summary, |x| x.p50)),
                    band: Some(Band {
                        lower: fit(b.lower),
                        upper: fit(b.upper),
                    }),
                    dashed: false,
                }
            })
            .collect(),
        start: Some(0.0),
    }
}

/// Histogram of the paired difference of cumulative net, first pair (A − B).
pub fn compare_histogram(c: &Comparison) -> Option<Histogram> {
    let p = c.pairs.first()?;
    Some(Histogram {
        title: format!(
            "Paired difference of cumulative net, {} − {}",
            letter(p.a),
            letter(p.b)
        ),
        subtitle: format!(
            "{}: {} · {}: {}",
            letter(p.a),
            c.scenarios[p.a].name,
            letter(p.b),
            c.scenarios[p.b].name
        ),
        x_label: format!(
            "Cumulative net by the horizon, {} − {}, {} (real)",
            letter(p.a),
            letter(p.b),
            c.currency.millions()
        ),
        values: p.cum_net_paths.iter().map(|x| x / MILLION).collect(),
        annotation: format!("P({} better) = {:.0}%", letter(p.a), 100.0 * p.p_a_better),
        below_label: format!("{} worse than {}", letter(p.a), letter(p.b)),
        above_label: format!("{} better than {} (or equal)", letter(p.a), letter(p.b)),
        zero_label: "No difference (0)".into(),
    })
}

fn wrap(name: &'static str) -> impl Fn(chart::ChartError) -> Error {
    move |source| Error::Chart { name, source }
}

/// The charts of a stress test: `stress-bars` and `stress-fan`.
///
/// # Errors
/// [`Error::Chart`] naming the chart that could not be drawn.
pub fn stress_charts(r: &StressReport, format: Format) -> Result<Vec<(String, Vec<u8>)>> {
    let ext = format.extension();
    Ok(vec![
        (
            format!("stress-bars.{ext}"),
            chart::horizontal_bars(&break_even_bars(r), format).map_err(wrap("stress-bars"))?,
        ),
        (
            format!("stress-fan.{ext}"),
            chart::lines_chart(&stress_lines(r), format).map_err(wrap("stress-fan"))?,
        ),
    ])
}

/// The charts of a comparison: `compare-fan` and `compare-difference`.
///
/// # Errors
/// [`Error::Chart`] naming the chart that could not be drawn.
pub fn compare_charts(c: &Comparison, format: Format) -> Result<Vec<(String, Vec<u8>)>> {
    let ext = format.extension();
    let mut out = vec![(
        format!("compare-fan.{ext}"),
        chart::lines_chart(&compare_lines(c), format).map_err(wrap("compare-fan"))?,
    )];
    if let Some(h) = compare_histogram(c) {
        out.push((
            format!("compare-difference.{ext}"),
            chart::histogram(&h, format).map_err(wrap("compare-difference"))?,
        ));
    }
    Ok(out)
}
