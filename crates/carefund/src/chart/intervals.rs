//! The dot-and-interval chart: one row per item, two P10–P90 intervals each with a dot
//! at its central value (e.g. a plan's assumed effect and the published evidence).

use plotters::coord::Shift;
use plotters::prelude::{ChartBuilder, Circle, DrawingArea, DrawingBackend, PathElement};
use plotters::style::Color;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{decimals_for, extent, format_number, padded, usable};
use super::canvas::{
    Draw, LegendItem, Swatch, draw_err, draw_mesh, frame, render, text, text_width, wrap,
};
use super::style::{
    EVIDENCE, HBAR_LABEL_LINE, INTERVAL_OFFSET, INTERVAL_WIDTH, MARGIN_BOTTOM, MARGIN_RIGHT,
    MARGIN_TOP, MARKER_RADIUS, PLAN, TEXT, TICK_SIZE, X_LABEL_AREA, ZERO_LINE, ZERO_WIDTH,
};
use super::{ChartError, Format};

/// One row: a label and two intervals `(p10, central, p90)`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IntervalRow {
    /// The row's label, e.g. `"Reablement (reablement)"`.
    pub label: String,
    /// The first interval (drawn above, in the plan colour).
    pub first: (f64, f64, f64),
    /// The second interval (drawn below, in the evidence colour).
    pub second: (f64, f64, f64),
}

/// A dot-and-interval chart, values already in the display unit (e.g. %).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IntervalChart {
    /// The title.
    pub title: String,
    /// The line under the title; blank for none.
    pub subtitle: String,
    /// The x-axis description with its unit.
    pub x_label: String,
    /// Legend entry of the first interval, e.g. `"Plan: P10–P90, dot = central"`.
    pub first_label: String,
    /// Legend entry of the second interval.
    pub second_label: String,
    /// The rows, drawn top to bottom.
    pub rows: Vec<IntervalRow>,
}

/// Renders an [`IntervalChart`] as PNG or SVG bytes.
///
/// # Errors
/// [`ChartError::Empty`] without rows or without a finite value;
/// [`ChartError::Draw`] or [`ChartError::Encode`] if plotters or the PNG encoder fail.
pub fn interval_chart(data: &IntervalChart, format: Format) -> Result<Vec<u8>, ChartError> {
    if data.rows.is_empty() {
        return Err(ChartError::Empty("the interval chart has no rows"));
    }
    if extent(data.values()).is_none() {
        return Err(ChartError::Empty("the interval chart has no finite value"));
    }
    render(data, format)
}

impl IntervalChart {
    fn values(&self) -> impl Iterator<Item = f64> + '_ {
        self.rows.iter().flat_map(|r| {
            [
                r.first.0, r.first.1, r.first.2, r.second.0, r.second.1, r.second.2,
            ]
        })
    }
}

impl Draw for IntervalChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let legend = [
            LegendItem::new(self.first_label.clone(), Swatch::LineMarker(PLAN)),
            LegendItem::new(self.second_label.clone(), Swatch::LineMarker(EVIDENCE)),
            LegendItem::new("No effect (0)", Swatch::Thin(ZERO_LINE)),
        ];
        let plot = frame(root, &self.title, &self.subtitle, &legend)?;
        let (lo, hi) = extent(self.values().chain([0.0]))
            .ok_or(ChartError::Empty("the interval chart has no finite value"))?;
        let (x0, x1) = padded(lo, hi);
        let n = self.rows.len() as f64;
        // Row labels sit in a column left of the axis (never under the data or the zero
        // line), wrapped to at most a third of the plot's width.
        let style = text(TICK_SIZE, &TEXT);
        let (plot_width, _) = plot.dim_in_pixel();
        let mut labels = Vec::with_capacity(self.rows.len());
        let mut widest = 0;
        for row in &self.rows {
            let lines = wrap(&plot, &row.label, &style, plot_width / 3)?;
            for line in &lines {
                widest = widest.max(text_width(&plot, line, &style)?);
            }
            labels.push(lines);
        }
        // Row i sits at y = n − 1 − i (top to bottom).
        let mut chart = ChartBuilder::on(&plot)
            .margin_top(MARGIN_TOP)
            .margin_right(MARGIN_RIGHT)
            .margin_bottom(MARGIN_BOTTOM)
            .margin_left(8)
            .x_label_area_size(X_LABEL_AREA)
            .y_label_area_size(widest + 18)
            .build_cartesian_2d(x0..x1, -0.6..n - 0.4)
            .map_err(draw_err)?;
        let decimals = decimals_for(x1 - x0);
        draw_mesh(
            &mut chart,
            &self.x_label,
            "",
            &|x| format_number(*x, decimals),
            &|_| String::new(),
        )?;
        let label_style = style.pos(Pos::new(HPos::Right, VPos::Center));
        for (i, lines) in labels.iter().enumerate() {
            let (left, cy) = chart.backend_coord(&(x0, n - 1.0 - i as f64));
            let count = i32::try_from(lines.len()).unwrap_or(1);
            let first = cy - HBAR_LABEL_LINE * (count - 1) / 2;
            for (k, line) in (0..).zip(lines) {
                root.draw_text(line, &label_style, (left - 10, first + k * HBAR_LABEL_LINE))
                    .map_err(draw_err)?;
            }
        }
        let area = chart.plotting_area();
        area.draw(&PathElement::new(
            vec![(0.0, -0.6), (0.0, n - 0.4)],
            ZERO_LINE.stroke_width(ZERO_WIDTH),
        ))
        .map_err(draw_err)?;
        for (i, row) in self.rows.iter().enumerate() {
            let y = n - 1.0 - i as f64;
            for (iv, dy, color) in [
                (row.first, INTERVAL_OFFSET, PLAN),
                (row.second, -INTERVAL_OFFSET, EVIDENCE),
            ] {
                let (p10, central, p90) = iv;
                if usable(p10) && usable(p90) {
                    area.draw(&PathElement::new(
                        vec![(p10, y + dy), (p90, y + dy)],
                        color.stroke_width(INTERVAL_WIDTH),
                    ))
                    .map_err(draw_err)?;
                }
                if usable(central) {
                    area.draw(&Circle::new(
                        (central, y + dy),
                        MARKER_RADIUS + 2,
                        color.filled(),
                    ))
                    .map_err(draw_err)?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::testutil::{assert_png, assert_svg};

    fn sample() -> IntervalChart {
        IntervalChart {
            title: "Effects: plan vs evidence".into(),
            subtitle: "P10–P90, dot = central".into(),
            x_label: "Share of admissions avoided at full effect, %".into(),
            first_label: "Plan".into(),
            second_label: "Evidence".into(),
            rows: vec![
                IntervalRow {
                    label: "Case management".into(),
                    first: (0.0, 2.0, 4.0),
                    second: (-1.0, 0.0, 1.0),
                },
                IntervalRow {
                    label: "Reablement".into(),
                    first: (0.5, 1.0, 2.0),
                    second: (0.3, 1.0, 1.9),
                },
            ],
        }
    }

    #[test]
    fn renders_png_and_svg_with_labels() {
        let data = sample();
        assert_png(&interval_chart(&data, Format::Png).unwrap());
        let svg = interval_chart(&data, Format::Svg).unwrap();
        assert_svg(&svg, &data.title);
        assert!(String::from_utf8(svg).unwrap().contains("Case management"));
    }

    #[test]
    fn no_rows_or_no_finite_value_is_empty() {
        let mut data = sample();
        data.rows.clear();
        assert!(matches!(
            interval_chart(&data, Format::Png),
            Err(ChartError::Empty(_))
        ));
        let mut data = sample();
        for r in &mut data.rows {
            r.first = (f64::NAN, f64::NAN, f64::NAN);
            r.second = (f64::NAN, f64::NAN, f64::NAN);
        }
        assert!(matches!(
            interval_chart(&data, Format::Svg),
            Err(ChartError::Empty(_))
        ));
    }
}
