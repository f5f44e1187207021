//! Every chart kind, drawn with the longest texts the shipped data produce, keeps every
//! text whole and on the canvas, and its legend entries unique (issue 16).

use super::testutil::{assert_text_fits, normalish, quarters};
use super::*;

/// Titles, subtitles and labels as long as the shipped scenarios make them.
const SCENARIO: &str =
    "Valencia Alzira integrated health organisation (capitated, 1999–2018 accord)";
const LONG_SUBTITLE: &str = "P(break even by 2034/35) = 12% ± 0.3% · approved with conditions · 20,000 paths, seed 20150401, evidence from data/evidence/admission-avoidance.toml";

fn svg_fits(bytes: Result<Vec<u8>, ChartError>, what: &str) {
    assert_text_fits(&bytes.expect("chart renders"), what);
}

fn band(m: &[f64], w: f64) -> Band {
    Band {
        lower: m
            .iter()
            .enumerate()
            .map(|(i, v)| v - w * i as f64)
            .collect(),
        upper: m
            .iter()
            .enumerate()
            .map(|(i, v)| v + w * i as f64)
            .collect(),
    }
}

fn fan_sample(n: usize) -> FanChart {
    let median: Vec<f64> = (0..n).map(|i| -3.0 - 2.0 * i as f64).collect();
    FanChart {
        title: format!("Cumulative system net: plan vs evidence — {SCENARIO}"),
        subtitle: LONG_SUBTITLE.into(),
        y_label: "Cumulative system net, £m (real)".into(),
        periods: quarters(n),
        p5_p95: band(&median, 1.6),
        p10_p90: band(&median, 1.2),
        p25_p75: band(&median, 0.6),
        plan: Some(Line {
            label: "Plan's own case".into(),
            values: (0..n).map(|i| i as f64).collect(),
        }),
        median,
        start: Some(0.0),
    }
}

fn bar_rows(n: usize, series: usize) -> Vec<BarRow> {
    let names = [
        "Reablement and intermediate care — effect at full delivery",
        "Integrated care teams (multidisciplinary, locality-based) — ramp years",
        "costs.cashable_share_long",
        "demand.growth",
        "Falls prevention and community equipment — success probability",
        "Hospital discharge to assess (home first) — cost overrun",
    ];
    (0..n)
        .map(|r| BarRow {
            label: names[r % names.len()].into(),
            values: (0..series).map(|s| 0.8 - 0.05 * (r + s) as f64).collect(),
            intervals: (0..series)
                .map(|s| Some((0.7 - 0.05 * (r + s) as f64, 0.9 - 0.05 * (r + s) as f64)))
                .collect(),
            notes: Vec::new(),
        })
        .collect()
}

#[test]
fn every_chart_kind_keeps_its_text_whole_and_on_the_canvas() {
    let f = Format::Svg;
    for n in [1, 20, 80] {
        svg_fits(fan_chart(&fan_sample(n), f), "fan");
    }
    let fan = fan_sample(80);
    let overlaid = OverlaidFan {
        overlay: Overlay {
            label: "Evidence run".into(),
            p10_p90: fan.p10_p90.clone(),
            median: fan.median.iter().map(|m| m - 5.0).collect(),
        },
        fan,
    };
    svg_fits(overlaid_fan_chart(&overlaid, f), "evidence-fan");

    let mut adm = admissions::tests::sample(80);
    adm.title = format!("Emergency admissions — {SCENARIO}");
    adm.subtitle = "median and P10–P90 of 20,000 futures; plan = its own case minus the admissions it claims to avoid".into();
    svg_fits(admissions_chart(&adm, f), "admissions");

    let values = normalish(5_000, -40.0, 8.0);
    let h = Histogram {
        title: format!("Cumulative system net by 2034/35 — {SCENARIO}"),
        subtitle: "20,000 futures; median −£48.1m, plan's own case £12.4m".into(),
        x_label: "Cumulative system net at the horizon, £m (real)".into(),
        values,
        annotation: "P(break even) = 0%".into(),
        below_label: "A worse than B".into(),
        above_label: "A better than B (or equal)".into(),
        zero_label: "No difference (0)".into(),
    };
    svg_fits(histogram(&h, f), "histogram");

    let years: Vec<String> = (0..20)
        .map(|i| format!("{}/{:02}", 2015 + i, (16 + i) % 100))
        .collect();
    let cash = CashBars {
        title: format!("Cashable savings and scheme spend — {SCENARIO}"),
        subtitle: "means over all futures; net = savings − spend".into(),
        y_label: "£m a year (real)".into(),
        savings: (0..20).map(|i| f64::from(i) * 0.5).collect(),
        investment: vec![4.0; 20],
        years: years.clone(),
    };
    svg_fits(cash_bars(&cash, f), "cash");

    let mut categories = years.clone();
    categories.push("never".into());
    let mut values: Vec<f64> = (0..20).map(|i| f64::from(i % 4) * 0.4).collect();
    values.push(70.0);
    let break_even = Columns {
        title: format!("Break-even year — {SCENARIO}"),
        subtitle: LONG_SUBTITLE.into(),
        x_label: "Financial year of break-even".into(),
        y_label: "Share of futures, %".into(),
        highlight: (0..21).map(|i| i == 20).collect(),
        categories,
        values,
        label: "Breaks even for good that year".into(),
        highlight_label: "Never (by the horizon)".into(),
        value_decimals: 0,
    };
    svg_fits(columns(&break_even, f), "break-even");
    let ratings = Columns {
        title: format!("Areas per rating — {SCENARIO}"),
        subtitle: "151 areas, 2,000 futures each; rating names NHS England's, probability thresholds this tool's".into(),
        x_label: "Credibility rating".into(),
        y_label: "Areas".into(),
        categories: [
            "approved",
            "approved with support",
            "approved with conditions",
            "not approved",
        ]
        .map(String::from)
        .to_vec(),
        values: vec![0.0, 1.0, 3.0, 147.0],
        label: "Approved (outright, with support or with conditions)".into(),
        highlight: vec![false, false, false, true],
        highlight_label: "Not approved".into(),
        value_decimals: 0,
    };
    svg_fits(columns(&ratings, f), "ratings");

    for (layout, series) in [
        (BarLayout::Overlaid, 2),
        (BarLayout::SideBySide, 2),
        (BarLayout::SideBySide, 1),
    ] {
        let bars = HorizontalBars {
            title: format!("Where the uncertainty comes from — {SCENARIO}"),
            subtitle: LONG_SUBTITLE.into(),
            x_label: "Share of the output's variance".into(),
            series: ["First order (alone)", "Total (with interactions)"][..series]
                .iter()
                .map(|s| (*s).to_string())
                .collect(),
            layout,
            origin: 0.0,
            show_values: true,
            rows: bar_rows(12, series),
        };
        svg_fits(horizontal_bars(&bars, f), "horizontal bars");
        let reference = ReferenceBars {
            bars,
            reference: 0.9,
            reference_label: "EVPI £1,234,567".into(),
        };
        svg_fits(reference_bars(&reference, f), "EVPPI");
    }

    let intervals = IntervalChart {
        title: format!("Assumed effects vs the evidence — {SCENARIO}"),
        subtitle: "share of emergency admissions avoided at full effect, if the scheme delivers; evidence: data/evidence/admission-avoidance.toml".into(),
        x_label: "Admissions avoided at full effect, % (P10–P90, dot = central)".into(),
        first_label: "Plan's assumption".into(),
        second_label: "Published evidence".into(),
        rows: (0..6)
            .map(|r| IntervalRow {
                label: format!("{} (reablement and intermediate care)", bar_rows(6, 1)[r].label),
                first: (1.0, 3.0, 5.0),
                second: (-1.0, 0.5, 2.0),
            })
            .collect(),
    };
    svg_fits(interval_chart(&intervals, f), "evidence-effects");

    let base: Vec<f64> = (0..80).map(|i| -0.5 * f64::from(i)).collect();
    let lines = LinesChart {
        title: format!("Cumulative system net under stress — {SCENARIO}"),
        subtitle: "median of each stressed run (dashed) against the base's median and P10–P90"
            .into(),
        y_label: "Cumulative system net, £m (real)".into(),
        periods: quarters(80),
        series: std::iter::once(Series {
            label: format!("A: {SCENARIO}"),
            band: Some(band(&base, 0.2)),
            median: base.clone(),
            dashed: false,
        })
        .chain((0..7).map(|k| Series {
            label: "Cashable share stays short of plan for the whole horizon".into(),
            median: base.iter().map(|v| v - f64::from(k)).collect(),
            band: (k == 0).then(|| band(&base, 0.3)),
            dashed: true,
        }))
        .collect(),
        start: Some(0.0),
    };
    svg_fits(lines_chart(&lines, f), "stress-fan");

    let x: Vec<f64> = (0..9).map(|i| f64::from(i) * 0.005).collect();
    let y: Vec<f64> = (0..7).map(|j| 0.3 + f64::from(j) * 0.1).collect();
    let heat = Heatmap {
        title: format!("{SCENARIO}: two-way sensitivity"),
        subtitle: "Median cumulative net at the horizon, £m; 2,000 paths a cell, seed 20150401, all else on common random numbers".into(),
        x_label: "scheme.Reablement and intermediate care.effect, % of admissions avoided".into(),
        y_label: "costs.cashable_share_long, %".into(),
        value_label: "Median cumulative net at the horizon, £m".into(),
        values: y.iter().flat_map(|b| x.iter().map(move |a| -62.0 + 100.0 * a * b)).collect(),
        x,
        y,
        contour: Some(0.0),
        contour_label: "median net = 0".into(),
        tick_scale: (100.0, 100.0),
    };
    svg_fits(heatmap(&heat, f), "twoway");

    let ranked_chart = Ranked {
        title: format!("P(break even) of every area — {SCENARIO}"),
        subtitle: "151 areas ranked; best Area 17 12.3%, worst Area 88 0.1%; 2,000 futures each"
            .into(),
        x_label: "Areas ranked by P(break even)".into(),
        y_label: "P(break even by the horizon), %".into(),
        label: "Area (± 2 SE)".into(),
        values: (0..151).map(|i| f64::from(i % 13)).collect(),
        errors: vec![1.0; 151],
        thresholds: vec![
            (80.0, "approved: ≥ 80.0%".into()),
            (50.0, "approved with support: ≥ 50.0%".into()),
            (20.0, "approved with conditions: ≥ 20.0%".into()),
        ],
        y_range: Some((0.0, 100.0)),
    };
    svg_fits(ranked(&ranked_chart, f), "national-break-even");

    let curves_chart = Curves {
        title: "Which option is best, valuing each avoided admission".into(),
        subtitle: "P(option has the highest cumulative net + £w × avoided admissions) on common random numbers".into(),
        x_label: "w: £ per avoided admission, on top of the money".into(),
        y_label: "P(option is best), %".into(),
        x: (0..21).map(|k| 250.0 * f64::from(k)).collect(),
        lines: vec![
            Line {
                label: format!("A: {SCENARIO}"),
                values: (0..21).map(|k| 5.0 * f64::from(k)).collect(),
            },
            Line {
                label: "B: do nothing (no schemes, the fund as before)".into(),
                values: (0..21).map(|k| 100.0 - 5.0 * f64::from(k)).collect(),
            },
        ],
        y_range: Some((0.0, 100.0)),
    };
    svg_fits(curves(&curves_chart, f), "voi-acceptability");
}

/// Two series of the same name must not give two identical legend entries.
#[test]
fn legend_entries_are_unique_even_for_repeated_names() {
    let median: Vec<f64> = (0..8).map(|i| -f64::from(i)).collect();
    let series = |dashed| Series {
        label: "Effects halved".into(),
        median: median.clone(),
        band: None,
        dashed,
    };
    let chart = LinesChart {
        title: "Repeated names".into(),
        periods: quarters(8),
        series: vec![series(false), series(true)],
        ..LinesChart::default()
    };
    let svg = lines_chart(&chart, Format::Svg).unwrap();
    assert_text_fits(&svg, "repeated names");
    let legend = super::canvas::LAST_LEGEND.with(|l| l.borrow().clone());
    assert_eq!(legend.len(), 3);
    assert_ne!(legend[0], legend[1]);
}

/// A text that cannot be kept whole is caught by the check itself.
#[test]
#[should_panic(expected = "runs off")]
fn the_check_catches_text_off_the_canvas() {
    let svg = format!(
        "<svg><text x=\"{}\" y=\"10\" dy=\"0.76em\" text-anchor=\"start\" font-size=\"20\">far too far right</text></svg>",
        WIDTH - 20
    );
    assert_text_fits(svg.as_bytes(), "synthetic");
}
