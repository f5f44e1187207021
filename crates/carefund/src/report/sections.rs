//! Extra report sections built from other analyses: the evidence check of `carefund run`
//! and the stress table of `carefund stress`. Each becomes a sheet of the workbook and a
//! section of the HTML report (see [`Section`]).

use super::{Cell, NativeChart, NativeKind, Section, SectionChart, Table};
use crate::chart::{self, Format};
use crate::evidence::EvidenceBlock;
use crate::stress::StressReport;

fn svg(bytes: crate::Result<Vec<u8>>) -> Option<String> {
    bytes.ok().and_then(|b| String::from_utf8(b).ok())
}

/// The evidence check (docs/model.md §11): both verdicts side by side, the paired
/// differences, and each scheme's assumptions against the evidence.
pub fn evidence(block: &EvidenceBlock, summary: &crate::Summary) -> Section {
    let verdicts = Table::new(
        "The plan's own assumptions against the published evidence (same random numbers)",
        &[
            "metric",
            "plan's own assumptions",
            "the evidence",
            "paired difference",
            "its SE",
        ],
        vec![
            vec![
                Cell::text("P(break even)"),
                Cell::Percent(block.plan.p_break_even),
                Cell::Percent(block.evidence.p_break_even),
                Cell::Percent(block.difference.p_break_even.mean),
                Cell::Percent(block.difference.p_break_even.se),
            ],
            vec![
                Cell::text("P(year-1 target met)"),
                Cell::Percent(block.plan.p_target_met_year1),
                Cell::Percent(block.evidence.p_target_met_year1),
                Cell::Percent(block.difference.p_target_met_year1.mean),
                Cell::Percent(block.difference.p_target_met_year1.se),
            ],
            vec![
                Cell::text("Median cumulative net"),
                Cell::Money(block.plan.median_cum_net),
                Cell::Money(block.evidence.median_cum_net),
                Cell::Money(block.difference.median_cum_net),
                Cell::Empty,
            ],
            vec![
                Cell::text("Mean cumulative net (paired difference)"),
                Cell::Empty,
                Cell::Empty,
                Cell::Money(block.difference.cum_net_horizon.mean),
                Cell::Money(block.difference.cum_net_horizon.se),
            ],
            vec![
                Cell::text("Rating"),
                Cell::text(block.plan.rating.to_string()),
                Cell::text(block.evidence.rating.to_string()),
                Cell::Empty,
                Cell::Empty,
            ],
        ],
    );
    let schemes = Table::new(
        "Each scheme's assumptions against the evidence for its kind (P10 / central / P90)",
        &[
            "scheme",
            "kind",
            "plan effect P10",
            "plan effect",
            "plan effect P90",
            "evidence effect P10",
            "evidence effect",
            "evidence effect P90",
            "plan ramp, years",
            "evidence time to effect, years",
            "plan P(works)",
            "evidence P(works)",
        ],
        block
            .comparison
            .schemes
            .iter()
            .map(|s| {
                vec![
                    Cell::text(&s.scheme),
                    Cell::text(&s.kind_label),
                    Cell::Percent(s.plan_effect.p10),
                    Cell::Percent(s.plan_effect.central),
                    Cell::Percent(s.plan_effect.p90),
                    Cell::Percent(s.evidence_effect.p10),
                    Cell::Percent(s.evidence_effect.central),
                    Cell::Percent(s.evidence_effect.p90),
                    Cell::Number(s.plan_ramp_years.central),
                    Cell::Number(s.evidence_time_to_effect.central),
                    Cell::Percent(s.plan_success_probability),
                    Cell::Percent(s.evidence_success_probability),
                ]
            })
            .collect(),
    );
    let charts = crate::figures::evidence_intervals(summary)
        .map(|data| SectionChart {
            title: data.title.clone(),
            alt: "For each scheme, the plan's assumed effect (P10 to P90 and central value) drawn \
                  beside the published evidence for its kind of scheme."
                .into(),
            svg: svg(chart::interval_chart(&data, Format::Svg).map_err(|source| {
                crate::Error::Chart {
                    name: "evidence-effects",
                    source,
                }
            })),
            native: None,
        })
        .into_iter()
        .collect();
    let mut paragraphs = block.reasons.clone();
    paragraphs.push(format!(
        "Evidence file: {} (SHA-256 {}). Optimism bias on scheme costs: {}.",
        block.comparison.evidence_file, block.comparison.evidence_hash, block.optimism_bias
    ));
    Section {
        title: "Evidence".into(),
        paragraphs,
        tables: vec![verdicts, schemes],
        charts,
    }
}

/// The stress table of `carefund stress`: every stress with its rating, P(break even) and
/// the paired change against the base, and the P(break even) bar chart (native in the
/// workbook).
pub fn stress(report: &StressReport) -> Section {
    let runs = std::iter::once(&report.base).chain(&report.stresses);
    let rows = runs
        .map(|s| {
            vec![
                Cell::text(&s.name),
                Cell::text(s.rating.to_string()),
                Cell::Percent(s.p_savings_claim_met),
                Cell::Percent(s.p_savings_claim_cashable),
                Cell::Percent(s.p_break_even),
                Cell::Percent(s.p_break_even_se),
                Cell::Percent(s.p_hospital_covered),
                Cell::Money(s.cum_net_median),
                Cell::Money(s.change.cum_net.mean),
                Cell::Money(s.change.cum_net.se),
                Cell::Percent(s.change.p_break_even.mean),
                Cell::Percent(s.change.p_break_even.se),
            ]
        })
        .collect();
    let table = Table::new(
        "Stresses, paired with the base on the same random numbers",
        &[
            "stress",
            "rating",
            "P(claimed savings arrive)",
            "P(… as cash)",
            "P(break even)",
            "its SE",
            "P(hospital covered)",
            "median cumulative net",
            "change in mean cumulative net",
            "its paired SE",
            "change in P(break even)",
            "its paired SE",
        ],
        rows,
    );
    let bars = crate::stress::figures::break_even_bars(report);
    Section {
        title: "Stress".into(),
        paragraphs: vec![format!(
            "{} paths per run, seed {}; every stressed run uses the same random numbers as the \
             base, so each change is a paired difference with its own standard error.",
            crate::fmt::group(report.paths as f64),
            report.seed
        )],
        tables: vec![table],
        charts: vec![SectionChart {
            title: bars.title.clone(),
            alt: "Horizontal bars: in the base run and under each stress, the probability that the claimed \
                  savings arrive, that they arrive as cash, and that the new money breaks even."
                .into(),
            svg: svg(chart::horizontal_bars(&bars, Format::Svg).map_err(|source| crate::Error::Chart {
                name: "stress-bars",
                source,
            })),
            native: Some(NativeChart {
                kind: NativeKind::Bar,
                table: 0,
                categories: 0,
                series: vec![2, 3, 4],
                value_axis: "share of futures".into(),
            }),
        }],
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
        svg: svg(
            chart::horizontal_bars(data, Format::Svg).map_err(|source| crate::Error::Chart {
                name: "sensitivity",
                source,
            }),
        ),
        native,
    }
}

/// The sensitivity analysis of `carefund sensitivity`: the Spearman tornado, the swing
/// tornado and the Sobol indices that were computed, each as a table and a chart.
pub fn sensitivity(report: &crate::sensitivity::report::Report) -> Section {
    use crate::sensitivity::report::{sobol_chart, swing_chart, tornado_chart};
    let mut tables = Vec::new();
    let mut charts = Vec::new();
    let money = report.output.unit() == "money";
    let value = |x: f64| {
        if money {
            Cell::Money(x)
        } else {
            Cell::Count(x)
        }
    };
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
    if let Some(s) = &report.sobol {
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

/// The comparison of `carefund compare`: each scenario's verdict and the paired
/// differences between every pair, with P(A better than B).
pub fn compare(c: &crate::stress::Comparison) -> Section {
    let scenarios = Table::new(
        "Scenarios, all run on the same random numbers",
        &[
            "scenario",
            "file",
            "rating",
            "P(claimed savings arrive)",
            "its SE",
            "P(… as cash)",
            "its SE",
            "P(break even)",
            "its SE",
            "median cumulative net",
            "mean NPV",
            "mean avoided admissions",
        ],
        c.scenarios
            .iter()
            .map(|s| {
                vec![
                    Cell::text(&s.name),
                    Cell::text(&s.file),
                    Cell::text(s.rating.to_string()),
                    Cell::Percent(s.p_savings_claim_met),
                    Cell::Percent(s.p_savings_claim_met_se),
                    Cell::Percent(s.p_savings_claim_cashable),
                    Cell::Percent(s.p_savings_claim_cashable_se),
                    Cell::Percent(s.p_break_even),
                    Cell::Percent(s.p_break_even_se),
                    Cell::Money(s.cum_net.p50),
                    Cell::Money(s.npv.mean),
                    Cell::Count(s.avoided.mean),
                ]
            })
            .collect(),
    );
    let name = |i: usize| c.scenarios.get(i).map_or(String::new(), |s| s.name.clone());
    let pairs = Table::new(
        "Paired differences A − B (per path, then summarised)",
        &[
            "A",
            "B",
            "mean cumulative net A − B",
            "its SE",
            "P5",
            "P95",
            "mean NPV A − B",
            "mean avoided A − B",
            "P(A better)",
            "its SE",
        ],
        c.pairs
            .iter()
            .map(|p| {
                vec![
                    Cell::text(name(p.a)),
                    Cell::text(name(p.b)),
                    Cell::Money(p.cum_net.mean),
                    Cell::Money(p.cum_net.se),
                    Cell::Money(p.cum_net.p5),
                    Cell::Money(p.cum_net.p95),
                    Cell::Money(p.npv.mean),
                    Cell::Count(p.avoided.mean),
                    Cell::Percent(p.p_a_better),
                    Cell::Percent(p.p_a_better_se),
                ]
            })
            .collect(),
    );
    let lines = crate::stress::figures::compare_lines(c);
    Section {
        title: "Comparison".into(),
        paragraphs: vec![format!(
            "{} paths per scenario, seed {}; every scenario draws the inputs it shares with the \
             others from the same random numbers, so the differences are paired path by path. \
             “Better” means a higher cumulative system net at the horizon.",
            crate::fmt::group(c.paths as f64),
            c.seed
        )],
        tables: vec![scenarios, pairs],
        charts: vec![SectionChart {
            title: lines.title.clone(),
            alt: "Lines: each scenario's median cumulative net over time with its P10–P90 band."
                .into(),
            svg: svg(chart::lines_chart(&lines, Format::Svg).map_err(|source| {
                crate::Error::Chart {
                    name: "compare-fan",
                    source,
                }
            })),
            native: Some(NativeChart {
                kind: NativeKind::Bar,
                table: 0,
                categories: 0,
                series: vec![3],
                value_axis: "P(break even)".into(),
            }),
        }],
    }
}

/// The value-of-information analysis of `compare --voi`: each option's mean net benefit
/// and P(best), the EVPI, the EVPPI of each group and input, and the acceptability
/// curve, as tables and charts.
pub fn voi(r: &crate::voi::VoiReport) -> Section {
    use crate::voi::report::{acceptability_chart, evppi_chart};
    let options = Table::new(
        &format!(
            "Each option's mean {} and how often it is best (same random numbers)",
            r.value.words()
        ),
        &["option", "file", "mean net benefit", "P(best)"],
        r.options
            .iter()
            .zip(&r.files)
            .zip(r.evpi.means.iter().zip(&r.evpi.p_best))
            .map(|((name, file), (mean, p))| {
                vec![
                    Cell::text(name),
                    Cell::text(file),
                    Cell::Money(*mean),
                    Cell::Percent(*p),
                ]
            })
            .collect(),
    );
    let rows: Vec<&crate::voi::Row> = r.groups.iter().chain(&r.inputs).collect();
    let evppi = Table::new(
        &format!(
            "What knowing each input better is worth (EVPPI, × {}); EVPI {} ± {}",
            r.scale,
            r.currency.money(r.evpi_scaled),
            r.currency.money(r.evpi_se_scaled)
        ),
        &["group or input", "EVPPI", "its SE", "share of EVPI"],
        rows.iter()
            .map(|row| {
                vec![
                    Cell::text(&row.name),
                    Cell::Money(row.evppi_scaled),
                    Cell::Money(row.se_scaled),
                    Cell::Percent(row.share_of_evpi),
                ]
            })
            .collect(),
    );
    let a = &r.acceptability;
    let mut columns = vec![format!(
        "{} per avoided admission",
        r.currency.symbol().trim_end()
    )];
    columns.extend(r.options.iter().map(|o| format!("P({o} best)")));
    let column_refs: Vec<&str> = columns.iter().map(String::as_str).collect();
    let acceptability = Table::new(
        "Acceptability: P(each option is best) against the value of an avoided admission",
        &column_refs,
        a.weights
            .iter()
            .enumerate()
            .map(|(k, w)| {
                std::iter::once(Cell::Money(*w))
                    .chain(
                        a.p_best
                            .iter()
                            .map(|p| Cell::Percent(p.get(k).copied().unwrap_or(f64::NAN))),
                    )
                    .collect()
            })
            .collect(),
    );
    let mut charts = Vec::new();
    if !rows.is_empty() {
        let data = evppi_chart(r);
        charts.push(SectionChart {
            title: data.bars.title.clone(),
            alt: "Horizontal bars: the EVPPI of each group and input, against a dashed line at the EVPI.".into(),
            svg: svg(chart::reference_bars(&data, Format::Svg).map_err(|source| {
                crate::Error::Chart {
                    name: "voi-evppi",
                    source,
                }
            })),
            native: Some(NativeChart {
                kind: NativeKind::Bar,
                table: 1,
                categories: 0,
                series: vec![1],
                value_axis: format!("EVPPI, {}", r.currency.symbol().trim_end()),
            }),
        });
    }
    if a.weights.len() >= 2 {
        let data = acceptability_chart(r);
        charts.push(SectionChart {
            title: data.title.clone(),
            alt: format!(
                "Lines: the probability that each option is best, against the value ({}) placed on an avoided admission.",
                r.currency.code()
            ),
            svg: svg(chart::curves(&data, Format::Svg).map_err(|source| {
                crate::Error::Chart {
                    name: "voi-acceptability",
                    source,
                }
            })),
            native: Some(NativeChart {
                kind: NativeKind::Line,
                table: 2,
                categories: 0,
                series: (1..=r.options.len()).collect(),
                value_axis: "P(option is best)".into(),
            }),
        });
    }
    Section {
        title: "Value of information".into(),
        paragraphs: vec![format!(
            "Value of information between {} options: net benefit {}, seed {}, {} paths per option. \
             EVPI is what resolving every uncertainty before choosing would be worth; EVPPI is \
             what resolving one input (or group) would be worth.",
            r.options.len(),
            r.value.words(),
            r.seed,
            crate::fmt::group(r.paths as f64)
        )],
        tables: vec![options, evppi, acceptability],
        charts,
    }
}
