//! Several series over time on one chart: each a median line, optionally with its
//! P10–P90 band (stress tests: the base fan and each stress's median; comparisons: each
//! scenario's median and band).

use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, DrawingBackend};
use plotters::style::Color;

use super::axis::{
    TickedAxis, decimals_for, extent, format_number, padded, period_range, tick_label, usable,
    year_starts,
};
use super::canvas::{
    Draw, LegendItem, Stroke, Swatch, cartesian, draw_band, draw_hline, draw_line, draw_mesh,
    fitting_ticks, frame, render,
};
use super::style::{BAND_OPACITY, COINCIDENT, FINANCIAL_YEAR, SERIES, ZERO_LINE, ZERO_WIDTH};
use super::{Band, ChartError, Format, check_len};

/// One series: a median line and, optionally, a band around it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    /// The legend entry.
    pub label: String,
    /// One value per period.
    pub median: Vec<f64>,
    /// The P10–P90 band: the first series' band is drawn translucent in its colour, any
    /// later one as dotted P10 and P90 lines; `None` for a line only.
    pub band: Option<Band>,
    /// Draw the line dashed.
    pub dashed: bool,
}

/// Several series over the same periods, with a zero (break-even) line.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LinesChart {
    /// The title.
    pub title: String,
    /// The line under the title; blank for none.
    pub subtitle: String,
    /// The y-axis description with its unit.
    pub y_label: String,
    /// One label per period (the x axis shows the financial years).
    pub periods: Vec<String>,
    /// The series, coloured in order from a colour-blind-safe palette (8 colours, then
    /// repeated). A series whose median lies on an earlier one's says so in the legend.
    pub series: Vec<Series>,
    /// The value every series has at the start of the first period, drawn at x = 0
    /// (e.g. `Some(0.0)` for a cumulative quantity); `None` starts each line at the
    /// first period's end.
    pub start: Option<f64>,
}

/// Renders a [`LinesChart`] as PNG or SVG bytes.
///
/// # Errors
/// [`ChartError::Empty`] with no periods, no series or no finite value;
/// [`ChartError::Length`] if a series does not have one value per period;
/// [`ChartError::Draw`] or [`ChartError::Encode`] if plotters or the PNG encoder fail.
pub fn lines_chart(data: &LinesChart, format: Format) -> Result<Vec<u8>, ChartError> {
    let n = data.periods.len();
    if n == 0 || data.series.is_empty() {
        return Err(ChartError::Empty("the chart has no periods or no series"));
    }
    for s in &data.series {
        check_len("median", n, &s.median)?;
        if let Some(b) = &s.band {
            check_len("band.lower", n, &b.lower)?;
            check_len("band.upper", n, &b.upper)?;
        }
    }
    if extent(data.values()).is_none() {
        return Err(ChartError::Empty("the chart has no finite value"));
    }
    render(data, format)
}

impl LinesChart {
    fn values(&self) -> impl Iterator<Item = f64> + '_ {
        self.series.iter().flat_map(|s| {
            s.median.iter().copied().chain(
                s.band
                    .iter()
                    .flat_map(|b| b.lower.iter().chain(&b.upper).copied()),
            )
        })
    }
}

/// Whether `a` runs within `tolerance` of `b` at every period where both are drawn (and
/// they are drawn at some period): a line drawn there would hide the other.
fn coincides(a: &[f64], b: &[f64], tolerance: f64) -> bool {
    let mut shared = 0;
    for (x, y) in a.iter().zip(b) {
        match (usable(*x), usable(*y)) {
            (true, true) if (x - y).abs() <= tolerance => shared += 1,
            (false, false) => {}
            _ => return false,
        }
    }
    shared > 0
}

impl Draw for LinesChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let colour = |k: usize| SERIES[k % SERIES.len()];
        let (lo, hi) = extent(self.values().chain([0.0]).chain(self.start))
            .ok_or(ChartError::Empty("the chart has no finite value"))?;
        let (y0, y1) = padded(lo, hi);
        // A line closer than this to an earlier one everywhere cannot be told apart from
        // it: its legend entry says so.
        let tolerance = COINCIDENT * (y1 - y0);
        // The first band is filled; every other series' P10 and P90 are dotted lines in
        // its colour, so bands never blend into a colour the legend does not show.
        let filled = self.series.iter().position(|s| s.band.is_some());
        let mut legend = Vec::new();
        for (k, s) in self.series.iter().enumerate() {
            let swatch = if s.dashed {
                Swatch::Dashed(colour(k))
            } else {
                Swatch::Line(colour(k))
            };
            let same_as = self.series[..k]
                .iter()
                .find(|earlier| coincides(&s.median, &earlier.median, tolerance));
            let label = match same_as {
                Some(e) => format!("{} (median ≈ {})", s.label, e.label),
                None => s.label.clone(),
            };
            legend.push(LegendItem::new(label, swatch));
            if let Some(_band) = &s.band {
                if Some(k) == filled {
                    legend.push(LegendItem::new(
                        format!("{}: P10–P90", s.label),
                        Swatch::Fill(colour(k).mix(BAND_OPACITY).filled()),
                    ));
                } else {
                    legend.push(LegendItem::new(
                        format!("{}: P10 and P90", s.label),
                        Swatch::Dotted(colour(k)),
                    ));
                }
            }
        }
        legend.push(LegendItem::new("Break-even (0)", Swatch::Thin(ZERO_LINE)));
        let plot = frame(root, &self.title, &self.subtitle, &legend)?;

        let (x0, x1) = period_range(self.periods.len());
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
        if let Some(k) = filled
            && let Some(b) = &self.series[k].band
        {
            draw_band(area, b, colour(k).mix(BAND_OPACITY).filled(), start)?;
        }
        draw_hline(area, 0.0, ZERO_LINE.stroke_width(ZERO_WIDTH))?;
        for (k, s) in self.series.iter().enumerate() {
            if Some(k) != filled
                && let Some(b) = &s.band
            {
                for edge in [&b.lower, &b.upper] {
                    draw_line(area, edge, colour(k), Stroke::Dotted, start)?;
                }
            }
        }
        // The first series (the base, or scenario A) is drawn first, so that a dashed
        // series on the same values shows its colour in the gaps of its dashes on top.
        for (k, s) in self.series.iter().enumerate() {
            let stroke = if s.dashed {
                Stroke::Dashed
            } else {
                Stroke::Solid
            };
            draw_line(area, &s.median, colour(k), stroke, start)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::testutil::{assert_png, assert_svg, quarters};

    fn sample() -> LinesChart {
        let line = |slope: f64| (0..20).map(|i| slope * f64::from(i)).collect::<Vec<_>>();
        LinesChart {
            title: "Cumulative net under stress".into(),
            subtitle: "medians".into(),
            y_label: "£m".into(),
            periods: quarters(20),
            series: vec![
                Series {
                    label: "Base".into(),
                    median: line(-1.0),
                    band: Some(Band {
                        lower: line(-1.5),
                        upper: line(-0.5),
                    }),
                    dashed: false,
                },
                Series {
                    label: "Effects halved".into(),
                    median: line(-1.2),
                    band: None,
                    dashed: true,
                },
            ],
            start: Some(0.0),
        }
    }

    #[test]
    fn renders_png_and_svg() {
        let data = sample();
        assert_png(&lines_chart(&data, Format::Png).unwrap());
        assert_svg(&lines_chart(&data, Format::Svg).unwrap(), &data.title);
    }

    #[test]
    fn wrong_length_and_empty_are_errors() {
        let mut data = sample();
        data.series[1].median.pop();
        assert!(matches!(
            lines_chart(&data, Format::Png),
            Err(ChartError::Length { .. })
        ));
        assert!(matches!(
            lines_chart(&LinesChart::default(), Format::Png),
            Err(ChartError::Empty(_))
        ));
    }
}
