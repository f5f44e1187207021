//! The admissions chart: counterfactual vs with-schemes admissions, and the plan.

use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, DrawingBackend};
use plotters::style::Color;

use super::axis::{
    TickedAxis, decimals_for, extent, format_number, padded, period_range, tick_label, year_starts,
};
use super::canvas::{
    Draw, LegendItem, Stroke, Swatch, cartesian, draw_band, draw_line, draw_mesh, fitting_ticks,
    frame, render,
};
use super::style::{BAND_OPACITY, COUNTERFACTUAL, FINANCIAL_YEAR, PLAN, WITH_SCHEMES};
use super::{Band, ChartError, Format, Line, check_len};

/// The median and the P10–P90 band of one quantity, one value per period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Spread {
    /// The median.
    pub median: Vec<f64>,
    /// The P10–P90 band.
    pub p10_p90: Band,
}

/// An admissions chart: admissions per period without the schemes (counterfactual)
/// and with them, each as a median and a P10–P90 band, and the plan's expectation.
///
/// The x axis is labelled as in [`FanChart`](super::FanChart). The y axis is not
/// forced to include zero, so that the gap between the curves stays visible.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AdmissionsChart {
    /// The title, e.g. `"Emergency admissions, Anyshire"`.
    pub title: String,
    /// The line under the title; blank for none.
    pub subtitle: String,
    /// The y-axis description with its unit, e.g. `"Admissions per quarter"`.
    pub y_label: String,
    /// One label per period, e.g. `"2015/16 Q1"`.
    pub periods: Vec<String>,
    /// Admissions without the schemes.
    pub counterfactual: Spread,
    /// Admissions with the schemes.
    pub with_schemes: Spread,
    /// Admissions the plan expects, drawn dashed; `None` to leave it out.
    pub plan: Option<Line>,
}

/// Renders an [`AdmissionsChart`] as PNG or SVG bytes.
///
/// # Errors
///
/// [`ChartError::Empty`] if there are no periods or no finite median or band value;
/// [`ChartError::Length`] if a series does not have one value per period;
/// [`ChartError::Draw`] or [`ChartError::Encode`] if plotters or the PNG encoder fail.
pub fn admissions_chart(data: &AdmissionsChart, format: Format) -> Result<Vec<u8>, ChartError> {
    let n = data.periods.len();
    if n == 0 {
        return Err(ChartError::Empty("the admissions chart has no periods"));
    }
    check_len("counterfactual.median", n, &data.counterfactual.median)?;
    check_len(
        "counterfactual.p10_p90.lower",
        n,
        &data.counterfactual.p10_p90.lower,
    )?;
    check_len(
        "counterfactual.p10_p90.upper",
        n,
        &data.counterfactual.p10_p90.upper,
    )?;
    check_len("with_schemes.median", n, &data.with_schemes.median)?;
    check_len(
        "with_schemes.p10_p90.lower",
        n,
        &data.with_schemes.p10_p90.lower,
    )?;
    check_len(
        "with_schemes.p10_p90.upper",
        n,
        &data.with_schemes.p10_p90.upper,
    )?;
    if let Some(plan) = &data.plan {
        check_len("plan.values", n, &plan.values)?;
    }
    if extent(data.spread_values()).is_none() {
        return Err(ChartError::Empty(
            "the admissions chart has no finite value",
        ));
    }
    render(data, format)
}

impl Spread {
    /// Every median and band value.
    fn values(&self) -> impl Iterator<Item = f64> + '_ {
        self.median
            .iter()
            .chain(&self.p10_p90.lower)
            .chain(&self.p10_p90.upper)
            .copied()
    }
}

impl AdmissionsChart {
    /// Every median and band value of both spreads.
    fn spread_values(&self) -> impl Iterator<Item = f64> + '_ {
        self.counterfactual
            .values()
            .chain(self.with_schemes.values())
    }
}

impl Draw for AdmissionsChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let mut legend = vec![
            LegendItem::new("Counterfactual, median", Swatch::Line(COUNTERFACTUAL)),
            LegendItem::new(
                "Counterfactual, P10–P90",
                Swatch::Fill(COUNTERFACTUAL.mix(BAND_OPACITY).filled()),
            ),
            LegendItem::new("With schemes, median", Swatch::Line(WITH_SCHEMES)),
            LegendItem::new("With schemes, P10 and P90", Swatch::Dotted(WITH_SCHEMES)),
        ];
        if let Some(plan) = &self.plan {
            legend.push(LegendItem::new(plan.label.clone(), Swatch::Dashed(PLAN)));
        }
        let plot = frame(root, &self.title, &self.subtitle, &legend)?;

        let (x0, x1) = period_range(self.periods.len());
        let plan = self.plan.iter().flat_map(|p| p.values.iter().copied());
        let (lo, hi) = extent(self.spread_values().chain(plan)).ok_or(ChartError::Empty(
            "the admissions chart has no finite value",
        ))?;
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
        draw_band(
            area,
            &self.counterfactual.p10_p90,
            COUNTERFACTUAL.mix(BAND_OPACITY).filled(),
            None,
        )?;
        for edge in [
            &self.with_schemes.p10_p90.lower,
            &self.with_schemes.p10_p90.upper,
        ] {
            draw_line(area, edge, WITH_SCHEMES, Stroke::Dotted, None)?;
        }
        if let Some(plan) = &self.plan {
            draw_line(area, &plan.values, PLAN, Stroke::Dashed, None)?;
        }
        draw_line(
            area,
            &self.counterfactual.median,
            COUNTERFACTUAL,
            Stroke::Solid,
            None,
        )?;
        draw_line(
            area,
            &self.with_schemes.median,
            WITH_SCHEMES,
            Stroke::Solid,
            None,
        )
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::chart::testutil::{assert_png, assert_svg, quarters};

    /// Admissions over `n` quarters: a seasonal counterfactual near 2,400 a quarter
    /// and schemes that avoid up to 6% of it.
    pub(crate) fn sample(n: usize) -> AdmissionsChart {
        let season = |i: usize| [60.0, -20.0, 40.0, 120.0][i % 4];
        let cf: Vec<f64> = (0..n)
            .map(|i| 2_400.0 + 8.0 * i as f64 + season(i))
            .collect();
        let saved = |i: usize| 0.06 * (i as f64 / n.max(1) as f64);
        let ws: Vec<f64> = (0..n).map(|i| cf[i] * (1.0 - saved(i))).collect();
        let band = |m: &[f64], w: f64| Band {
            lower: m.iter().map(|v| v - w).collect(),
            upper: m.iter().map(|v| v + w).collect(),
        };
        AdmissionsChart {
            title: "Non-elective admissions".into(),
            subtitle: "Median and 10–90% range of 20,000 simulated paths".into(),
            y_label: "Admissions per quarter".into(),
            periods: quarters(n),
            counterfactual: Spread {
                p10_p90: band(&cf, 90.0),
                median: cf.clone(),
            },
            with_schemes: Spread {
                p10_p90: band(&ws, 110.0),
                median: ws,
            },
            plan: Some(Line {
                label: "Plan".into(),
                values: (0..n).map(|i| cf[i] * (1.0 - 2.5 * saved(i))).collect(),
            }),
        }
    }

    #[test]
    fn renders_png_and_svg() {
        let data = sample(20);
        assert_png(&admissions_chart(&data, Format::Png).unwrap());
        assert_svg(&admissions_chart(&data, Format::Svg).unwrap(), &data.title);
    }

    #[test]
    fn renders_a_single_period() {
        let data = sample(1);
        assert_png(&admissions_chart(&data, Format::Png).unwrap());
    }

    #[test]
    fn renders_all_values_equal_and_nan() {
        let mut data = sample(12);
        let flat = Spread {
            median: vec![500.0; 12],
            p10_p90: Band {
                lower: vec![500.0; 12],
                upper: vec![500.0; 12],
            },
        };
        data.counterfactual = flat.clone();
        data.with_schemes = flat;
        data.with_schemes.median[5] = f64::NAN;
        data.plan = None;
        assert_png(&admissions_chart(&data, Format::Png).unwrap());
        assert_svg(&admissions_chart(&data, Format::Svg).unwrap(), &data.title);
    }

    #[test]
    fn empty_and_mismatched_inputs_are_errors() {
        assert!(matches!(
            admissions_chart(&AdmissionsChart::default(), Format::Png),
            Err(ChartError::Empty(_))
        ));
        let mut data = sample(8);
        data.with_schemes.median.push(1.0);
        assert!(matches!(
            admissions_chart(&data, Format::Png),
            Err(ChartError::Length {
                series: "with_schemes.median",
                ..
            })
        ));
    }
}
