//! The fan chart: percentile bands of one quantity (e.g. cumulative system net) over time.

use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, DrawingBackend};
use plotters::style::Color;

use super::axis::{
    TickedAxis, decimals_for, extent, format_number, padded, period_range, tick_label, year_starts,
};
use super::canvas::{
    Draw, LegendItem, Stroke, Swatch, cartesian, draw_band, draw_hline, draw_line, draw_mesh,
    fitting_ticks, frame, render,
};
use super::style::{
    EVIDENCE, FAN_INNER, FAN_MIDDLE, FAN_OUTER, FINANCIAL_YEAR, MEDIAN, PLAN, ZERO_LINE, ZERO_WIDTH,
};
use super::{Band, ChartError, Format, Line, check_len};

/// A fan chart: nested percentile bands, the median, the plan's claim and a zero line.
///
/// Every series has one value per period, in the display unit (e.g. £m), drawn at the
/// end of its period. The x axis is labelled with the financial year at the start of
/// each year's first period, the year being the first word of the period label
/// (`"2015/16 Q1"` → `"2015/16"`); years are skipped evenly when their labels would
/// overlap.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FanChart {
    /// The title, e.g. `"Cumulative system net, Anyshire BCF"`.
    pub title: String,
    /// The line under the title, e.g. `"P(break even by 2019/20) = 34%"`; blank for none.
    pub subtitle: String,
    /// The y-axis description with its unit, e.g. `"Cumulative net, £m"`.
    pub y_label: String,
    /// One label per period, e.g. `"2015/16 Q1"`, `"2015/16 M01"` or `"2015/16"`.
    pub periods: Vec<String>,
    /// The P5–P95 band (drawn lightest).
    pub p5_p95: Band,
    /// The P10–P90 band.
    pub p10_p90: Band,
    /// The P25–P75 band (drawn darkest).
    pub p25_p75: Band,
    /// The median, drawn as a solid line.
    pub median: Vec<f64>,
    /// The plan's claim, drawn as a dashed line; `None` to leave it out.
    pub plan: Option<Line>,
    /// The value every series has at the start of the first period, drawn at x = 0
    /// (e.g. `Some(0.0)` for a cumulative quantity); `None` starts each line at the
    /// first period's end.
    pub start: Option<f64>,
}

/// Renders a [`FanChart`] as PNG or SVG bytes.
///
/// # Errors
///
/// [`ChartError::Empty`] if there are no periods or no finite band or median value;
/// [`ChartError::Length`] if a series does not have one value per period;
/// [`ChartError::Draw`] or [`ChartError::Encode`] if plotters or the PNG encoder fail.
pub fn fan_chart(data: &FanChart, format: Format) -> Result<Vec<u8>, ChartError> {
    validate(data)?;
    render(data, format)
}

/// A second run drawn over a fan: its median (solid) and its P10 and P90 (dotted lines, so
/// that nothing blends with the fan's colours),
/// e.g. the evidence run over the plan's own fan.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overlay {
    /// The legend entry of the median, e.g. `"Evidence run: median"`; the P10/P90 lines'
    /// entry adds `P10 and P90`.
    pub label: String,
    /// The second run's P10–P90 band.
    pub p10_p90: Band,
    /// The second run's median.
    pub median: Vec<f64>,
}

/// A [`FanChart`] with an [`Overlay`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OverlaidFan {
    /// The fan underneath.
    pub fan: FanChart,
    /// The run drawn over it.
    pub overlay: Overlay,
}

/// Renders an [`OverlaidFan`] as PNG or SVG bytes.
///
/// # Errors
/// As [`fan_chart`], and [`ChartError::Length`] if an overlay series does not have one
/// value per period.
pub fn overlaid_fan_chart(data: &OverlaidFan, format: Format) -> Result<Vec<u8>, ChartError> {
    validate(&data.fan)?;
    let n = data.fan.periods.len();
    check_len("overlay.p10_p90.lower", n, &data.overlay.p10_p90.lower)?;
    check_len("overlay.p10_p90.upper", n, &data.overlay.p10_p90.upper)?;
    check_len("overlay.median", n, &data.overlay.median)?;
    render(data, format)
}

impl Draw for OverlaidFan {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        self.fan.draw_with(root, Some(&self.overlay))
    }
}

fn validate(data: &FanChart) -> Result<(), ChartError> {
    let n = data.periods.len();
    if n == 0 {
        return Err(ChartError::Empty("the fan chart has no periods"));
    }
    check_len("p5_p95.lower", n, &data.p5_p95.lower)?;
    check_len("p5_p95.upper", n, &data.p5_p95.upper)?;
    check_len("p10_p90.lower", n, &data.p10_p90.lower)?;
    check_len("p10_p90.upper", n, &data.p10_p90.upper)?;
    check_len("p25_p75.lower", n, &data.p25_p75.lower)?;
    check_len("p25_p75.upper", n, &data.p25_p75.upper)?;
    check_len("median", n, &data.median)?;
    if let Some(plan) = &data.plan {
        check_len("plan.values", n, &plan.values)?;
    }
    if extent(data.spread_values()).is_none() {
        return Err(ChartError::Empty("the fan chart has no finite value"));
    }
    Ok(())
}

impl FanChart {
    /// Every band and median value.
    fn spread_values(&self) -> impl Iterator<Item = f64> + '_ {
        [&self.p5_p95, &self.p10_p90, &self.p25_p75]
            .into_iter()
            .flat_map(|b| b.lower.iter().chain(&b.upper))
            .chain(&self.median)
            .copied()
    }
}

impl Draw for FanChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        self.draw_with(root, None)
    }
}

impl FanChart {
    fn draw_with<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        overlay: Option<&Overlay>,
    ) -> Result<(), ChartError> {
        let mut legend = vec![
            LegendItem::new("P5–P95", Swatch::Fill(FAN_OUTER.filled())),
            LegendItem::new("P10–P90", Swatch::Fill(FAN_MIDDLE.filled())),
            LegendItem::new("P25–P75", Swatch::Fill(FAN_INNER.filled())),
            LegendItem::new("Median", Swatch::Line(MEDIAN)),
        ];
        if let Some(plan) = &self.plan {
            legend.push(LegendItem::new(plan.label.clone(), Swatch::Dashed(PLAN)));
        }
        if let Some(o) = overlay {
            legend.push(LegendItem::new(
                format!("{}: median", o.label),
                Swatch::Line(EVIDENCE),
            ));
            legend.push(LegendItem::new(
                format!("{}: P10 and P90", o.label),
                Swatch::Dotted(EVIDENCE),
            ));
        }
        legend.push(LegendItem::new("Break-even (0)", Swatch::Thin(ZERO_LINE)));
        let plot = frame(root, &self.title, &self.subtitle, &legend)?;

        let (x0, x1) = period_range(self.periods.len());
        let plan = self.plan.iter().flat_map(|p| p.values.iter().copied());
        let over = overlay.into_iter().flat_map(|o| {
            o.p10_p90
                .lower
                .iter()
                .chain(&o.p10_p90.upper)
                .chain(&o.median)
                .copied()
        });
        let all = self
            .spread_values()
            .chain(plan)
            .chain(over)
            .chain(self.start)
            .chain([0.0]);
        let (lo, hi) = extent(all).ok_or(ChartError::Empty("the fan chart has no finite value"))?;
        let (y0, y1) = padded(lo, hi);
        let ticks = fitting_ticks(&plot, year_starts(&self.periods), x1 - x0)?;
        let positions = ticks.iter().map(|(i, _)| *i as f64).collect();
        let mut chart = cartesian(&plot, TickedAxis::new(x0, x1, positions), y0..y1)?;
        let decimals = decimals_for(y1 - y0);
        draw_mesh(
            &mut chart,
            FINANCIAL_YEAR,
            &self.y_label,
            &|x| tick_label(&ticks, *x),
            &|y| format_number(*y, decimals),
        )?;

        let area = chart.plotting_area();
        let start = self.start;
        draw_band(area, &self.p5_p95, FAN_OUTER.filled(), start)?;
        draw_band(area, &self.p10_p90, FAN_MIDDLE.filled(), start)?;
        draw_band(area, &self.p25_p75, FAN_INNER.filled(), start)?;
        draw_hline(area, 0.0, ZERO_LINE.stroke_width(ZERO_WIDTH))?;
        if let Some(plan) = &self.plan {
            draw_line(area, &plan.values, PLAN, Stroke::Dashed, start)?;
        }
        draw_line(area, &self.median, MEDIAN, Stroke::Solid, start)?;
        if let Some(o) = overlay {
            for edge in [&o.p10_p90.lower, &o.p10_p90.upper] {
                draw_line(area, edge, EVIDENCE, Stroke::Dotted, start)?;
            }
            draw_line(area, &o.median, EVIDENCE, Stroke::Solid, start)?;
        }
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::chart::testutil::{assert_png, assert_svg, quarters};

    /// A fan over `n` quarters going from 0 down to about −40 with widening bands.
    pub(crate) fn sample(n: usize) -> FanChart {
        let t = |i: usize| {
            if n > 1 {
                i as f64 / (n - 1) as f64
            } else {
                1.0
            }
        };
        let median: Vec<f64> = (0..n).map(|i| -40.0 * t(i)).collect();
        let band = |z: f64| Band {
            lower: (0..n).map(|i| median[i] - z * 8.0 * t(i)).collect(),
            upper: (0..n).map(|i| median[i] + z * 8.0 * t(i)).collect(),
        };
        FanChart {
            title: "Cumulative system net".into(),
            subtitle: "P(break even by 2019/20) = 0.1%".into(),
            y_label: "Cumulative system net, £m".into(),
            periods: quarters(n),
            p5_p95: band(1.645),
            p10_p90: band(1.2816),
            p25_p75: band(0.6745),
            median,
            plan: Some(Line {
                label: "Plan claim".into(),
                values: (0..n).map(|i| 12.0 * t(i)).collect(),
            }),
            start: Some(0.0),
        }
    }

    #[test]
    fn renders_png_and_svg() {
        let data = sample(20);
        assert_png(&fan_chart(&data, Format::Png).unwrap());
        assert_svg(&fan_chart(&data, Format::Svg).unwrap(), &data.title);
    }

    #[test]
    fn renders_240_monthly_periods() {
        let mut data = sample(240);
        data.periods = (0..240)
            .map(|i| {
                let y = 2015 + i / 12;
                format!("{}/{:02} M{:02}", y, (y + 1) % 100, i % 12 + 1)
            })
            .collect();
        assert_png(&fan_chart(&data, Format::Png).unwrap());
        let svg = String::from_utf8(fan_chart(&data, Format::Svg).unwrap()).unwrap();
        assert!(svg.contains("2015/16"));
        assert!(!svg.contains("M01"), "only year labels are shown");
    }

    #[test]
    fn renders_a_single_period() {
        let data = sample(1);
        assert_png(&fan_chart(&data, Format::Png).unwrap());
        assert_svg(&fan_chart(&data, Format::Svg).unwrap(), &data.title);
    }

    #[test]
    fn renders_all_values_equal() {
        let mut data = sample(20);
        for b in [&mut data.p5_p95, &mut data.p10_p90, &mut data.p25_p75] {
            b.lower = vec![0.0; 20];
            b.upper = vec![0.0; 20];
        }
        data.median = vec![0.0; 20];
        data.plan = None;
        assert_png(&fan_chart(&data, Format::Png).unwrap());
    }

    #[test]
    fn skips_non_finite_values() {
        let mut data = sample(20);
        data.median[3] = f64::NAN;
        data.p5_p95.lower[7] = f64::NEG_INFINITY;
        data.p25_p75.upper[0] = f64::NAN;
        if let Some(plan) = &mut data.plan {
            plan.values[19] = f64::NAN;
        }
        assert_png(&fan_chart(&data, Format::Png).unwrap());
        assert_svg(&fan_chart(&data, Format::Svg).unwrap(), &data.title);
    }

    #[test]
    fn all_nan_is_empty() {
        let mut data = sample(4);
        for b in [&mut data.p5_p95, &mut data.p10_p90, &mut data.p25_p75] {
            b.lower = vec![f64::NAN; 4];
            b.upper = vec![f64::NAN; 4];
        }
        data.median = vec![f64::NAN; 4];
        assert!(matches!(
            fan_chart(&data, Format::Png),
            Err(ChartError::Empty(_))
        ));
    }

    #[test]
    fn no_periods_is_empty() {
        let data = FanChart::default();
        assert!(matches!(
            fan_chart(&data, Format::Svg),
            Err(ChartError::Empty(_))
        ));
    }

    #[test]
    fn wrong_length_names_the_series() {
        let mut data = sample(20);
        data.p10_p90.upper.pop();
        match fan_chart(&data, Format::Png) {
            Err(ChartError::Length {
                series,
                expected,
                found,
            }) => assert_eq!((series, expected, found), ("p10_p90.upper", 20, 19)),
            other => panic!("expected a length error, got {other:?}"),
        }
    }

    #[test]
    fn an_overlay_renders_and_checks_its_lengths() {
        let fan = sample(20);
        let mut data = OverlaidFan {
            overlay: Overlay {
                label: "Evidence run".into(),
                p10_p90: fan.p10_p90.clone(),
                median: fan.median.iter().map(|m| m - 5.0).collect(),
            },
            fan,
        };
        assert_png(&overlaid_fan_chart(&data, Format::Png).unwrap());
        let svg = overlaid_fan_chart(&data, Format::Svg).unwrap();
        assert!(
            String::from_utf8(svg)
                .unwrap()
                .contains("Evidence run: P10 and P90")
        );
        data.overlay.median.pop();
        assert!(matches!(
            overlaid_fan_chart(&data, Format::Png),
            Err(ChartError::Length {
                series: "overlay.median",
                ..
            })
        ));
    }

    #[test]
    fn titles_are_escaped_in_svg() {
        let mut data = sample(8);
        data.title = "Net <A&B>".into();
        let svg = String::from_utf8(fan_chart(&data, Format::Svg).unwrap()).unwrap();
        assert!(svg.contains("Net &lt;A&amp;B&gt;"));
    }
}
