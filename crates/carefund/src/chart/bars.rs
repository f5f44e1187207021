//! Bars per financial year: mean cashable savings above zero, mean investment below
//! zero, and the mean net as a line with markers.

use plotters::coord::Shift;
use plotters::prelude::{Circle, DrawingArea, DrawingBackend, Rectangle};
use plotters::style::Color;

use super::axis::{TickedAxis, decimals_for, extent, format_number, padded, tick_label, usable};
use super::canvas::{
    Draw, LegendItem, Stroke, Swatch, cartesian, draw_err, draw_hline, draw_line_at, draw_mesh,
    fitting_ticks, frame, render,
};
use super::style::{
    BAR_HALF_WIDTH, FINANCIAL_YEAR, INVESTMENT, MARKER_RADIUS, NET, SAVINGS, ZERO_LINE, ZERO_WIDTH,
};
use super::{ChartError, Format, check_len};

/// Mean cashable savings and mean investment per financial year.
///
/// Savings are drawn as a bar above zero and investment as a bar below zero (pass
/// investment as a positive amount spent). The net, savings − investment, is
/// computed here and drawn as a line with a marker per year; a year where either
/// value is not finite has no bar for it and no net marker.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CashBars {
    /// The title, e.g. `"Cashable savings and investment per year"`.
    pub title: String,
    /// The line under the title; blank for none.
    pub subtitle: String,
    /// The y-axis description with its unit, e.g. `"Mean per year, £m"`.
    pub y_label: String,
    /// One label per financial year, e.g. `"2016/17"`.
    pub years: Vec<String>,
    /// Mean cashable savings per year (drawn above zero).
    pub savings: Vec<f64>,
    /// Mean investment per year, as a positive amount (drawn below zero).
    pub investment: Vec<f64>,
}

/// Renders [`CashBars`] as PNG or SVG bytes.
///
/// # Errors
///
/// [`ChartError::Empty`] if there are no years or no finite value;
/// [`ChartError::Length`] if savings or investment do not have one value per year;
/// [`ChartError::Draw`] or [`ChartError::Encode`] if plotters or the PNG encoder fail.
pub fn cash_bars(data: &CashBars, format: Format) -> Result<Vec<u8>, ChartError> {
    let n = data.years.len();
    if n == 0 {
        return Err(ChartError::Empty("the cash bars have no years"));
    }
    check_len("savings", n, &data.savings)?;
    check_len("investment", n, &data.investment)?;
    if extent(data.savings.iter().chain(&data.investment).copied()).is_none() {
        return Err(ChartError::Empty("the cash bars have no finite value"));
    }
    render(data, format)
}

impl Draw for CashBars {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let legend = [
            LegendItem::new("Cashable savings", Swatch::Fill(SAVINGS.filled())),
            LegendItem::new("Investment", Swatch::Fill(INVESTMENT.filled())),
            LegendItem::new("Net", Swatch::LineMarker(NET)),
        ];
        let plot = frame(root, &self.title, &self.subtitle, &legend)?;

        let n = self.years.len();
        let net: Vec<f64> = self
            .savings
            .iter()
            .zip(&self.investment)
            .map(|(s, i)| s - i)
            .collect();
        let spent = self.investment.iter().map(|i| -i);
        let all = self
            .savings
            .iter()
            .copied()
            .chain(spent)
            .chain(net.iter().copied());
        let (lo, hi) = extent(all.chain([0.0]))
            .ok_or(ChartError::Empty("the cash bars have no finite value"))?;
        let (y0, y1) = padded(lo, hi);
        let (x0, x1) = (-0.5, n as f64 - 0.5);
        let years = self.years.iter().cloned().enumerate().collect();
        let ticks = fitting_ticks(&plot, years, x1 - x0)?;
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
        for (i, (s, inv)) in self.savings.iter().zip(&self.investment).enumerate() {
            let x = i as f64;
            let (left, right) = (x - BAR_HALF_WIDTH, x + BAR_HALF_WIDTH);
            if usable(*s) {
                area.draw(&Rectangle::new(
                    [(left, 0.0), (right, *s)],
                    SAVINGS.filled(),
                ))
                .map_err(draw_err)?;
            }
            if usable(*inv) {
                area.draw(&Rectangle::new(
                    [(left, 0.0), (right, -inv)],
                    INVESTMENT.filled(),
                ))
                .map_err(draw_err)?;
            }
        }
        draw_hline(area, 0.0, ZERO_LINE.stroke_width(ZERO_WIDTH))?;
        draw_line_at(area, &net, |i| i as f64, NET, Stroke::Solid, None)?;
        for (i, v) in net.iter().enumerate() {
            if usable(*v) {
                area.draw(&Circle::new((i as f64, *v), MARKER_RADIUS, NET.filled()))
                    .map_err(draw_err)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::chart::testutil::{assert_png, assert_svg};

    /// Five years of savings ramping up from 1 to 9 and investment falling from 8 to 5.
    pub(crate) fn sample(n: usize) -> CashBars {
        CashBars {
            title: "Cashable savings vs investment".into(),
            subtitle: "Means over 20,000 simulated paths".into(),
            y_label: "Mean per year, £m".into(),
            years: (0..n)
                .map(|i| format!("{}/{:02}", 2015 + i, (2016 + i) % 100))
                .collect(),
            savings: (0..n).map(|i| 1.0 + 2.0 * i as f64).collect(),
            investment: (0..n).map(|i| 8.0 - 0.75 * i as f64).collect(),
        }
    }

    #[test]
    fn renders_png_and_svg() {
        let data = sample(5);
        assert_png(&cash_bars(&data, Format::Png).unwrap());
        let svg = cash_bars(&data, Format::Svg).unwrap();
        assert_svg(&svg, &data.title);
        assert!(String::from_utf8(svg).unwrap().contains("2016/17"));
    }

    #[test]
    fn renders_many_years_a_single_year_and_flat_values() {
        assert_png(&cash_bars(&sample(40), Format::Png).unwrap());
        assert_png(&cash_bars(&sample(1), Format::Png).unwrap());
        let mut data = sample(3);
        data.savings = vec![0.0; 3];
        data.investment = vec![0.0; 3];
        assert_png(&cash_bars(&data, Format::Png).unwrap());
    }

    #[test]
    fn nan_is_skipped_and_empty_is_an_error() {
        let mut data = sample(5);
        data.savings[2] = f64::NAN;
        data.investment[4] = f64::INFINITY;
        assert_png(&cash_bars(&data, Format::Png).unwrap());
        assert_svg(&cash_bars(&data, Format::Svg).unwrap(), &data.title);
        assert!(matches!(
            cash_bars(&CashBars::default(), Format::Png),
            Err(ChartError::Empty(_))
        ));
        data.savings.pop();
        assert!(matches!(
            cash_bars(&data, Format::Png),
            Err(ChartError::Length {
                series: "savings",
                ..
            })
        ));
    }
}
