//! Lines over an evenly spaced numeric x grid, e.g. acceptability curves: P(option is
//! best) against the value placed on an avoided admission.

use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, DrawingBackend};

use super::axis::{TickedAxis, decimals_for, extent, format_number, padded};
use super::canvas::{
    Draw, LegendItem, Stroke, Swatch, cartesian, draw_line_at, draw_mesh, frame, render,
};
use super::style::SERIES;
use super::{ChartError, Format, Line, check_len};

/// Several lines over the same x grid.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Curves {
    /// The title.
    pub title: String,
    /// The line under the title; blank for none.
    pub subtitle: String,
    /// The x-axis description with its unit.
    pub x_label: String,
    /// The y-axis description with its unit.
    pub y_label: String,
    /// The x values, increasing and evenly spaced (lines are drawn at grid positions).
    pub x: Vec<f64>,
    /// The lines, one value per x, coloured in order.
    pub lines: Vec<Line>,
    /// Fixed y range, e.g. `Some((0.0, 100.0))` for percentages; `None` to fit the data.
    pub y_range: Option<(f64, f64)>,
}

/// Renders [`Curves`] as PNG or SVG bytes.
///
/// # Errors
/// [`ChartError::Empty`] with fewer than two x values, no line or no finite value;
/// [`ChartError::Length`] if a line does not have one value per x;
/// [`ChartError::Draw`] or [`ChartError::Encode`] if plotters or the encoder fail.
pub fn curves(data: &Curves, format: Format) -> Result<Vec<u8>, ChartError> {
    if data.x.len() < 2 || data.lines.is_empty() {
        return Err(ChartError::Empty("the curves need two x values and a line"));
    }
    for l in &data.lines {
        check_len("values", data.x.len(), &l.values)?;
    }
    if extent(data.lines.iter().flat_map(|l| l.values.iter().copied())).is_none() {
        return Err(ChartError::Empty("the curves have no finite value"));
    }
    render(data, format)
}

impl Draw for Curves {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let colour = |k: usize| SERIES[k % SERIES.len()];
        let legend: Vec<LegendItem> = self
            .lines
            .iter()
            .enumerate()
            .map(|(k, l)| LegendItem::new(l.label.clone(), Swatch::Line(colour(k))))
            .collect();
        let plot = frame(root, &self.title, &self.subtitle, &legend)?;
        let n = self.x.len();
        let (y0, y1) = match self.y_range {
            Some(r) => r,
            None => {
                let (lo, hi) = extent(self.lines.iter().flat_map(|l| l.values.iter().copied()))
                    .unwrap_or((0.0, 1.0));
                padded(lo, hi)
            }
        };
        let step = (n - 1).div_ceil(10).max(1);
        let mut ticks: Vec<f64> = (0..n).step_by(step).map(|i| i as f64).collect();
        if !(n - 1).is_multiple_of(step) {
            ticks.push((n - 1) as f64);
        }
        let mut chart = cartesian(&plot, TickedAxis::new(0.0, (n - 1) as f64, ticks), y0..y1)?;
        let span = self.x[n - 1] - self.x[0];
        let x_decimals = decimals_for(span);
        let y_decimals = decimals_for(y1 - y0);
        let at = |i: f64| {
            let k = (i.round().max(0.0) as usize).min(n - 1);
            format_number(self.x[k], x_decimals)
        };
        draw_mesh(
            &mut chart,
            &self.x_label,
            &self.y_label,
            &|x| at(*x),
            &|y| format_number(*y, y_decimals),
        )?;
        let area = chart.plotting_area();
        for (k, l) in self.lines.iter().enumerate() {
            draw_line_at(
                area,
                &l.values,
                |i| i as f64,
                colour(k),
                Stroke::Solid,
                None,
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::testutil::{assert_png, assert_svg};

    #[test]
    fn renders_and_rejects_bad_data() {
        let x: Vec<f64> = (0..21).map(|k| 250.0 * f64::from(k)).collect();
        let up: Vec<f64> = (0..21).map(|k| 100.0 * f64::from(k) / 20.0).collect();
        let data = Curves {
            title: "Acceptability".into(),
            subtitle: String::new(),
            x_label: "£ per avoided admission".into(),
            y_label: "P(best), %".into(),
            x,
            lines: vec![
                Line {
                    label: "Plan".into(),
                    values: up.clone(),
                },
                Line {
                    label: "Do nothing".into(),
                    values: up.iter().map(|v| 100.0 - v).collect(),
                },
            ],
            y_range: Some((0.0, 100.0)),
        };
        assert_png(&curves(&data, Format::Png).unwrap());
        assert_svg(&curves(&data, Format::Svg).unwrap(), &data.title);
        let mut bad = data.clone();
        bad.lines[0].values.pop();
        assert!(matches!(
            curves(&bad, Format::Png),
            Err(ChartError::Length { .. })
        ));
        assert!(matches!(
            curves(&Curves::default(), Format::Png),
            Err(ChartError::Empty(_))
        ));
    }
}
