//! The value-of-information analysis as a report section (a sheet of the workbook and a
//! section of the HTML report, see [`Section`]).

use super::VoiReport;
use crate::chart::{self, Format};
use crate::report::{Cell, NativeChart, NativeKind, Section, SectionChart, Table, svg_or_none};

/// The value-of-information analysis of `compare --voi`: each option's mean net benefit
/// and P(best), the EVPI, the EVPPI of each group and input, and the acceptability
/// curve, as tables and charts.
pub fn voi(r: &VoiReport) -> Section {
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
    let acceptability = acceptability_table(r);
    let charts = charts(r, !rows.is_empty());
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

/// P(each option is best) against the value placed on an avoided admission.
fn acceptability_table(r: &VoiReport) -> Table {
    let a = &r.acceptability;
    let mut columns = vec![format!(
        "{} per avoided admission",
        r.currency.symbol().trim_end()
    )];
    columns.extend(r.options.iter().map(|o| format!("P({o} best)")));
    let column_refs: Vec<&str> = columns.iter().map(String::as_str).collect();
    Table::new(
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
    )
}

/// The EVPPI bars (when there are groups or inputs) and the acceptability curves (when
/// there are at least two values), each drawn natively from its table.
fn charts(r: &VoiReport, has_rows: bool) -> Vec<SectionChart> {
    use crate::voi::report::{acceptability_chart, evppi_chart};
    let a = &r.acceptability;
    let mut charts = Vec::new();
    if has_rows {
        let data = evppi_chart(r);
        charts.push(SectionChart {
            title: data.bars.title.clone(),
            alt: "Horizontal bars: the EVPPI of each group and input, against a dashed line at the EVPI.".into(),
            svg: svg_or_none(chart::reference_bars(&data, Format::Svg).map_err(|source| {
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
            svg: svg_or_none(chart::curves(&data, Format::Svg).map_err(|source| {
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
    charts
}
