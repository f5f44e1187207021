//! The sensitivity analysis as a report section (a sheet of the workbook and a section
//! of the HTML report, see [`Section`]).

use super::report::{Report, sobol_chart, swing_chart};
use super::{SobolScenario, SwingAnalysis};
use crate::chart::{self, Format};
use crate::report::{Cell, NativeChart, NativeKind, Section, SectionChart, Table, svg_or_none};

/// The sensitivity analysis of `carefund sensitivity`: the Spearman tornado, the swing
/// tornado and the Sobol indices that were computed, each as a table and a chart.
pub fn sensitivity(report: &crate::sensitivity::report::Report) -> Section {
    use crate::sensitivity::report::tornado_chart;
    let mut tables = Vec::new();
    let mut charts = Vec::new();
    if let Some(t) = &report.tornado {
        tables.push(Table::new(
            &format!(
                "Spearman rank correlation with {} ({})",
                report.output.describe(),
                t.interval
            ),
            &["input", "rank correlation", "95% low", "95% high"],
            t.inputs
                .iter()
                .map(|r| {
                    vec![
                        Cell::text(&r.label),
                        Cell::Number(r.rho),
                        Cell::Number(r.ci_low),
                        Cell::Number(r.ci_high),
                    ]
                })
                .collect(),
        ));
        charts.push(bars_chart(
            &tornado_chart(report, t),
            "Horizontal bars: each uncertain input's rank correlation with the output, largest first.",
            Some(NativeChart {
                kind: NativeKind::Bar,
                table: tables.len() - 1,
                categories: 0,
                series: vec![1],
                value_axis: "rank correlation".into(),
            }),
        ));
    }
    if let Some(s) = &report.swing {
        swing(report, s, &mut tables, &mut charts);
    }
    if let Some(s) = &report.sobol {
        sobol(report, s, &mut tables, &mut charts);
    }
    Section {
        title: "Sensitivity".into(),
        paragraphs: vec![format!(
            "Which assumptions drive {}: seed {}, {} paths per run, sampling {}.",
            report.output.describe(),
            report.seed,
            crate::fmt::group(report.paths as f64),
            report.sampling
        )],
        tables,
        charts,
    }
}

fn bars_chart(
    data: &chart::HorizontalBars,
    alt: &str,
    native: Option<NativeChart>,
) -> SectionChart {
    SectionChart {
        title: data.title.clone(),
        alt: alt.into(),
        svg: svg_or_none(chart::horizontal_bars(data, Format::Svg).map_err(|source| {
            crate::Error::Chart {
                name: "sensitivity",
                source,
            }
        })),
        native,
    }
}

/// The swing table (each input at its P10 and P90) and its tornado.
fn swing(
    report: &Report,
    s: &SwingAnalysis,
    tables: &mut Vec<Table>,
    charts: &mut Vec<SectionChart>,
) {
    let money = report.output.unit() == "money";
    let value = |x: f64| {
        if money {
            Cell::Money(x)
        } else {
            Cell::Count(x)
        }
    };
    tables.push(Table::new(
        &format!(
            "Swing: mean {} with each input held at its P10 and P90 (base mean {})",
            report.output.describe(),
            report.currency.money(s.base_mean)
        ),
        &[
            "input",
            "value at P10",
            "value at P90",
            "mean at P10",
            "mean at P90",
            "swing",
            "paired SE",
            "at P10 − base",
            "at P90 − base",
        ],
        s.inputs
            .iter()
            .map(|w| {
                vec![
                    Cell::text(&w.label),
                    Cell::Number(w.p10_value),
                    Cell::Number(w.p90_value),
                    value(w.mean_at_p10),
                    value(w.mean_at_p90),
                    value(w.swing),
                    value(w.swing_se),
                    value(w.mean_at_p10 - s.base_mean),
                    value(w.mean_at_p90 - s.base_mean),
                ]
            })
            .collect(),
    ));
    charts.push(bars_chart(
        &swing_chart(report, s),
        "Swing tornado: the mean output with each input at its 10th and 90th percentile, around the base mean; longest bars first.",
        // Excel draws the tornado from the base: each bar is the change in the mean
        // with the input at its P10 or P90.
        Some(NativeChart {
            kind: NativeKind::Bar,
            table: tables.len() - 1,
            categories: 0,
            series: vec![7, 8],
            value_axis: format!(
                "change in the mean {} from the base",
                report.output.describe()
            ),
        }),
    ));
}

/// The Sobol indices and their chart.
fn sobol(
    report: &Report,
    s: &SobolScenario,
    tables: &mut Vec<Table>,
    charts: &mut Vec<SectionChart>,
) {
    tables.push(Table::new(
        &format!(
            "Sobol indices of {} ({} rows, {} runs)",
            report.output.describe(),
            s.result.rows,
            s.result.evaluations
        ),
        &["input", "first order", "its SE", "total", "its SE"],
        s.labels
            .iter()
            .zip(&s.result.indices)
            .map(|(l, i)| {
                vec![
                    Cell::text(l),
                    Cell::Number(i.first),
                    Cell::Number(i.first_se),
                    Cell::Number(i.total),
                    Cell::Number(i.total_se),
                ]
            })
            .collect(),
    ));
    charts.push(bars_chart(
        &sobol_chart(report, s),
        "Sobol first-order and total indices of each input, with bootstrap intervals.",
        Some(NativeChart {
            kind: NativeKind::Bar,
            table: tables.len() - 1,
            categories: 0,
            series: vec![1, 3],
            value_axis: "share of variance".into(),
        }),
    ));
}
