//! Sensitivity results as files: charts (PNG/SVG bytes) and tables (CSV, JSON bytes).
//!
//! | file | what |
//! |---|---|
//! | `tornado.csv`, `tornado.<ext>` | Spearman ρ of every non-fixed input with its 95% interval |
//! | `swing.csv`, `swing.<ext>` | mean output with each input at its P10 and P90, the swing and its SE |
//! | `sobol.csv`, `sobol.<ext>` | first-order and total Sobol indices with bootstrap intervals |
//! | `sensitivity.json` | all of the above, with what produced them |
//!
//! Charts show the [`CHART_ROWS`] most important inputs; tables hold every one.

use serde::Serialize;

use super::{Output, RankTornado, SobolScenario, SwingAnalysis};
#[cfg(feature = "report")]
use crate::chart::{self, BarLayout, BarRow, Format, HorizontalBars};
use crate::error::{Error, Result};
use crate::fmt::group;
use crate::scenario::Scenario;

/// Most rows a chart shows.
pub const CHART_ROWS: usize = 12;

/// Everything one `carefund sensitivity` run found.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// carefund's version.
    pub carefund_version: &'static str,
    /// The scenario's name.
    pub scenario_name: String,
    /// The file it was read from.
    pub scenario_file: String,
    /// SHA-256 of the scenario text.
    pub scenario_hash: String,
    /// The output explained.
    pub output: Output,
    /// The seed of every run.
    pub seed: u64,
    /// Paths of the tornado runs.
    pub paths: u64,
    /// Sampling of the tornado runs.
    pub sampling: &'static str,
    /// The currency of every amount.
    pub currency: crate::fmt::Currency,
    /// Spearman tornado, if asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tornado: Option<RankTornado>,
    /// Swing tornado, if asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub swing: Option<SwingAnalysis>,
    /// Sobol indices, if asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sobol: Option<SobolScenario>,
}

impl Report {
    /// An empty report for `scenario`, to be filled in.
    pub fn new(scenario: &Scenario, output: Output, seed: u64, paths: u64) -> Self {
        Self {
            carefund_version: env!("CARGO_PKG_VERSION"),
            scenario_name: scenario.name().to_string(),
            scenario_file: scenario.origin().to_string(),
            scenario_hash: scenario.hash().to_string(),
            output,
            seed,
            paths,
            sampling: scenario.sampling().name(),
            currency: scenario.currency(),
            tornado: None,
            swing: None,
            sobol: None,
        }
    }
}

/// Display scale and unit of an output: millions of the currency, or admissions.
fn display(report: &Report) -> (f64, String) {
    match report.output {
        Output::CumNet | Output::Npv => (1e6, format!("{} (real)", report.currency.millions())),
        Output::Avoided => (1.0, "admissions".into()),
    }
}

/// An input's value in words for a chart label: `2.6%`, `£1,490`, `1.2 yrs`, `×1.10`,
/// `fails`/`delivers`.
pub fn value_text(input: &str, v: f64, currency: crate::fmt::Currency) -> String {
    if input.ends_with(".success_probability") {
        return if v >= 0.5 { "delivers" } else { "fails" }.into();
    }
    if input.ends_with(".ramp_years") {
        return format!("{v:.1} yrs");
    }
    if input.ends_with(".cost_overrun") {
        return format!("×{v:.2}");
    }
    if input == "costs.unit_cost" {
        return currency.money(v);
    }
    let pct = 100.0 * v;
    let s = if pct.abs() < 10.0 {
        format!("{pct:.1}%")
    } else {
        format!("{pct:.0}%")
    };
    s.replace('-', "\u{2212}")
}

/// The Spearman tornado chart.
#[cfg(feature = "report")]
pub fn tornado_chart(report: &Report, t: &RankTornado) -> HorizontalBars {
    let shown = t.inputs.len().min(CHART_ROWS);
    HorizontalBars {
        title: format!("Which assumptions matter — {}", report.scenario_name),
        subtitle: format!(
            "Spearman ρ with 95% CI · {} paths, seed {}{}",
            group(t.paths as f64),
            report.seed,
            top_note(shown, t.inputs.len())
        ),
        x_label: format!("Rank correlation with {}", report.output.short()),
        series: vec!["Spearman ρ".into()],
        layout: BarLayout::SideBySide,
        origin: 0.0,
        show_values: true,
        rows: t.inputs[..shown]
            .iter()
            .map(|c| BarRow {
                label: c.label.clone(),
                values: vec![c.rho],
                intervals: vec![Some((c.ci_low, c.ci_high))],
                notes: Vec::new(),
            })
            .collect(),
    }
}

#[cfg(feature = "report")]
fn top_note(shown: usize, all: usize) -> String {
    if shown < all {
        format!(" · top {shown} of {all} inputs")
    } else {
        String::new()
    }
}

/// The swing tornado chart.
#[cfg(feature = "report")]
pub fn swing_chart(report: &Report, s: &SwingAnalysis) -> HorizontalBars {
    let (scale, unit) = display(report);
    let shown = s.inputs.len().min(CHART_ROWS);
    let base = s.base_mean / scale;
    HorizontalBars {
        title: format!("What moves the expected result — {}", report.scenario_name),
        subtitle: format!(
            "One input at its P10 or P90, the rest drawn · line: base mean {} · {} paths{}",
            format_display(report, base),
            group(s.paths as f64),
            top_note(shown, s.inputs.len())
        ),
        x_label: if report.output.unit() == "money" {
            format!("Mean {}, {unit}", report.output.short())
        } else {
            format!("Mean {}", report.output.short())
        },
        series: vec!["Input at its P10".into(), "Input at its P90".into()],
        layout: BarLayout::Overlaid,
        origin: base,
        show_values: true,
        rows: s.inputs[..shown]
            .iter()
            .map(|w| BarRow {
                label: w.label.clone(),
                values: vec![w.mean_at_p10 / scale, w.mean_at_p90 / scale],
                intervals: Vec::new(),
                notes: vec![
                    value_text(&w.input, w.p10_value, report.currency),
                    value_text(&w.input, w.p90_value, report.currency),
                ],
            })
            .collect(),
    }
}

fn format_display(report: &Report, v: f64) -> String {
    if report.output.unit() == "money" {
        report.currency.money(v * 1e6)
    } else {
        format!("{} admissions", group(v))
    }
}

/// The Sobol index chart: first-order and total index per input, with intervals.
#[cfg(feature = "report")]
pub fn sobol_chart(report: &Report, s: &SobolScenario) -> HorizontalBars {
    let r = &s.result;
    let mut order: Vec<usize> = (0..s.inputs.len()).collect();
    order.sort_by(|&a, &b| r.indices[b].total.total_cmp(&r.indices[a].total));
    let shown = order.len().min(CHART_ROWS);
    HorizontalBars {
        title: format!(
            "Where the uncertainty comes from — {}",
            report.scenario_name
        ),
        subtitle: format!(
            "Sobol indices, {:.0}% bootstrap CI · {} rows, {} runs · inputs independent · interactions and noise: {} of the variance{}",
            100.0 * r.confidence,
            group(r.rows as f64),
            group(r.evaluations as f64),
            // A small negative remainder is estimation noise around 0.
            format!("{:.0}%", 100.0 * s.remainder).replace('-', "−"),
            top_note(shown, order.len())
        ),
        x_label: "Share of the output's variance".into(),
        series: vec![
            "First order (alone)".into(),
            "Total (with interactions)".into(),
        ],
        layout: BarLayout::SideBySide,
        origin: 0.0,
        show_values: true,
        rows: order[..shown]
            .iter()
            .map(|&i| {
                let x = &r.indices[i];
                BarRow {
                    label: s.labels[i].clone(),
                    values: vec![x.first, x.total],
                    intervals: vec![
                        Some((x.first_low, x.first_high)),
                        Some((x.total_low, x.total_high)),
                    ],
                    notes: Vec::new(),
                }
            })
            .collect(),
    }
}

fn csv_bytes(what: &'static str, rows: Vec<Vec<String>>) -> Result<Vec<u8>> {
    let err = |e: csv::Error| Error::Export {
        what,
        message: e.to_string(),
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    for row in rows {
        w.write_record(row).map_err(err)?;
    }
    w.into_inner().map_err(|e| Error::Export {
        what,
        message: e.to_string(),
    })
}

/// `sensitivity.json`: the whole report.
///
/// # Errors
/// [`Error::Export`] if it cannot be serialised.
pub fn json(report: &Report) -> Result<Vec<u8>> {
    let mut json = serde_json::to_vec_pretty(report).map_err(|e| Error::Export {
        what: "sensitivity.json",
        message: e.to_string(),
    })?;
    json.push(b'\n');
    Ok(json)
}

fn f(x: f64) -> String {
    format!("{x}")
}

/// `tornado.csv`: the rank correlations, strongest first.
///
/// # Errors
/// [`Error::Export`] if the table cannot be written.
pub fn tornado_csv(t: &RankTornado) -> Result<Vec<u8>> {
    let mut rows = vec![
        ["rank", "input", "label", "rho", "ci_low", "ci_high"]
            .map(String::from)
            .to_vec(),
    ];
    rows.extend(t.inputs.iter().enumerate().map(|(i, c)| {
        vec![
            (i + 1).to_string(),
            c.input.clone(),
            c.label.clone(),
            f(c.rho),
            f(c.ci_low),
            f(c.ci_high),
        ]
    }));
    csv_bytes("tornado.csv", rows)
}

/// `swing.csv`: the swings, largest first.
///
/// # Errors
/// [`Error::Export`] if the table cannot be written.
pub fn swing_csv(s: &SwingAnalysis) -> Result<Vec<u8>> {
    let mut rows = vec![
        [
            "rank",
            "input",
            "label",
            "p10_value",
            "p90_value",
            "mean_at_p10",
            "mean_at_p90",
            "swing",
            "swing_se",
            "base_mean",
        ]
        .map(String::from)
        .to_vec(),
    ];
    rows.extend(s.inputs.iter().enumerate().map(|(i, w)| {
        vec![
            (i + 1).to_string(),
            w.input.clone(),
            w.label.clone(),
            f(w.p10_value),
            f(w.p90_value),
            f(w.mean_at_p10),
            f(w.mean_at_p90),
            f(w.swing),
            f(w.swing_se),
            f(s.base_mean),
        ]
    }));
    csv_bytes("swing.csv", rows)
}

/// `sobol.csv`: first-order and total Sobol indices with their intervals.
///
/// # Errors
/// [`Error::Export`] if the table cannot be written.
pub fn sobol_csv(s: &SobolScenario) -> Result<Vec<u8>> {
    let mut rows = vec![
        [
            "input",
            "label",
            "first",
            "first_se",
            "first_low",
            "first_high",
            "total",
            "total_se",
            "total_low",
            "total_high",
        ]
        .map(String::from)
        .to_vec(),
    ];
    rows.extend(s.inputs.iter().zip(&s.labels).zip(&s.result.indices).map(
        |((input, label), x)| {
            vec![
                input.clone(),
                label.clone(),
                f(x.first),
                f(x.first_se),
                f(x.first_low),
                f(x.first_high),
                f(x.total),
                f(x.total_se),
                f(x.total_low),
                f(x.total_high),
            ]
        },
    ));
    csv_bytes("sobol.csv", rows)
}

/// Every table of `report` (no charts) as `(file name, bytes)`, in the order of [`files`]
/// without the images.
///
/// # Errors
/// [`Error::Export`] if a table cannot be serialised.
pub fn tables(report: &Report) -> Result<Vec<(String, Vec<u8>)>> {
    let mut out = vec![("sensitivity.json".to_string(), json(report)?)];
    if let Some(t) = &report.tornado {
        out.push(("tornado.csv".into(), tornado_csv(t)?));
    }
    if let Some(s) = &report.swing {
        out.push(("swing.csv".into(), swing_csv(s)?));
    }
    if let Some(s) = &report.sobol {
        out.push(("sobol.csv".into(), sobol_csv(s)?));
    }
    Ok(out)
}

/// Every table and chart of `report` as `(file name, bytes)`.
///
/// # Errors
/// [`Error::Chart`] naming a chart that could not be drawn; [`Error::Export`] if a table
/// cannot be serialised.
#[cfg(feature = "report")]
pub fn files(report: &Report, formats: &[Format]) -> Result<Vec<(String, Vec<u8>)>> {
    let mut out = vec![("sensitivity.json".to_string(), json(report)?)];
    let wrap = |name: &'static str| move |source| Error::Chart { name, source };
    if let Some(t) = &report.tornado {
        out.push(("tornado.csv".into(), tornado_csv(t)?));
        for &format in formats {
            let bytes = chart::horizontal_bars(&tornado_chart(report, t), format)
                .map_err(wrap("tornado"))?;
            out.push((format!("tornado.{}", format.extension()), bytes));
        }
    }
    if let Some(s) = &report.swing {
        out.push(("swing.csv".into(), swing_csv(s)?));
        for &format in formats {
            let bytes =
                chart::horizontal_bars(&swing_chart(report, s), format).map_err(wrap("swing"))?;
            out.push((format!("swing.{}", format.extension()), bytes));
        }
    }
    if let Some(s) = &report.sobol {
        out.push(("sobol.csv".into(), sobol_csv(s)?));
        for &format in formats {
            let bytes =
                chart::horizontal_bars(&sobol_chart(report, s), format).map_err(wrap("sobol"))?;
            out.push((format!("sobol.{}", format.extension()), bytes));
        }
    }
    Ok(out)
}

/// A plain-text summary for a terminal: the top inputs of each analysis.
pub fn render_text(report: &Report) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let (scale, _) = display(report);
    let _ = writeln!(
        o,
        "{} — sensitivity of {} (seed {})",
        report.scenario_name,
        report.output.describe(),
        report.seed
    );
    if let Some(t) = &report.tornado {
        let _ = writeln!(
            o,
            "\nSpearman rank correlation ({} paths; 95% CI, Fisher z):",
            group(t.paths as f64)
        );
        for c in t.inputs.iter().take(CHART_ROWS) {
            let _ = writeln!(
                o,
                "  {:<64} {:>+6.2}  [{:+.2}, {:+.2}]",
                c.label, c.rho, c.ci_low, c.ci_high
            );
        }
    }
    if let Some(s) = &report.swing {
        let _ = writeln!(
            o,
            "\nSwing of the mean, input at P10 → P90, ± Monte Carlo SE (base mean {}):",
            format_display(report, s.base_mean / scale)
        );
        let show = |v: f64| {
            if report.output.unit() == "money" {
                report.currency.money(v)
            } else {
                group(v)
            }
        };
        for w in s.inputs.iter().take(CHART_ROWS) {
            let _ = writeln!(
                o,
                "  {:<64} {:>9} ± {}",
                w.label,
                show(w.swing),
                show(w.swing_se)
            );
        }
    }
    if let Some(s) = &report.sobol {
        let r = &s.result;
        let _ = writeln!(
            o,
            "\nSobol indices ({} rows, {} runs; first order / total, ± bootstrap SE):",
            group(r.rows as f64),
            group(r.evaluations as f64)
        );
        let mut order: Vec<usize> = (0..s.inputs.len()).collect();
        order.sort_by(|&a, &b| r.indices[b].total.total_cmp(&r.indices[a].total));
        for &i in order.iter().take(CHART_ROWS) {
            let x = &r.indices[i];
            let _ = writeln!(
                o,
                "  {:<64} S1 {:>5.2} ± {:.2}   ST {:>5.2} ± {:.2}",
                s.labels[i], x.first, x.first_se, x.total, x.total_se
            );
        }
        let _ = writeln!(
            o,
            "  interactions and per-period noise: {:.0}% of the variance (inputs treated as independent)",
            100.0 * s.remainder
        );
    }
    o
}
