//! The evidence check as a report section (a sheet of the workbook and a section of the
//! HTML report, see [`Section`]).

use super::EvidenceBlock;
use crate::chart::{self, Format};
use crate::report::{Cell, Section, SectionChart, Table, svg_or_none};

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
            svg: svg_or_none(chart::interval_chart(&data, Format::Svg).map_err(|source| {
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
