//! The stress table of `carefund stress` and the comparison of `carefund compare` as
//! report sections (a sheet of the workbook and a section of the HTML report, see
//! [`Section`]).

use super::StressReport;
use crate::chart::{self, Format};
use crate::report::{Cell, NativeChart, NativeKind, Section, SectionChart, Table, svg_or_none};

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
            svg: svg_or_none(chart::horizontal_bars(&bars, Format::Svg).map_err(|source| crate::Error::Chart {
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
            svg: svg_or_none(chart::lines_chart(&lines, Format::Svg).map_err(|source| {
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
