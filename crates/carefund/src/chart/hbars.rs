//! Horizontal bars, one labelled row per item: tornado charts and index charts.
//!
//! Each row has one value per series, drawn as a bar from a common origin (0, or a base
//! mean), with an optional interval whisker per value. Rows are drawn top to bottom in
//! the order given (put the most important first).

use plotters::coord::Shift;
use plotters::coord::cartesian::Cartesian2d;
use plotters::coord::types::RangedCoordf64;
use plotters::element::{DashedPathElement, EmptyElement, Text};
use plotters::prelude::{ChartBuilder, DrawingArea, DrawingBackend, PathElement, Rectangle};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, TextStyle, WHITE};

use super::axis::{TickedAxis, decimals_for, extent, format_number, padded, usable};
use super::canvas::{
    Draw, LegendItem, Swatch, axis_desc, draw_err, frame, render, text, text_width, wrap,
};
use super::style::PLAN as REFERENCE;
use super::style::{
    AXIS, DASH, GRID, HBAR_COLORS, HBAR_HALF_HEIGHT, HBAR_LABEL_LINE, HBAR_LABEL_MAX_WIDTH,
    HBAR_VALUE_SIZE, MARGIN_BOTTOM, MARGIN_RIGHT, MARGIN_TOP, SUBTLE_TEXT, TEXT, TICK_SIZE,
    WHISKER, X_LABEL_AREA, ZERO_LINE, ZERO_WIDTH,
};
use super::{ChartError, Format};

/// How a row's values share its band.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum BarLayout {
    /// One thinner bar per series, stacked within the row (e.g. first-order and total
    /// indices).
    #[default]
    SideBySide,
    /// Every series' bar in the same band from the origin (a swing tornado: the value at
    /// P10 on one side of the base, at P90 on the other). Longer bars are drawn first.
    Overlaid,
}

/// One labelled row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BarRow {
    /// The row's label, e.g. `"demand growth"`; wrapped onto more lines if too long.
    pub label: String,
    /// One value per series (non-finite values are skipped).
    pub values: Vec<f64>,
    /// One optional interval per series, drawn as a whisker; may be shorter than `values`.
    pub intervals: Vec<Option<(f64, f64)>>,
    /// Text written at the end of each bar instead of its value (when the chart shows
    /// values), e.g. the input value behind a swing bar; may be shorter than `values`.
    pub notes: Vec<String>,
}

/// A horizontal bar chart.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HorizontalBars {
    /// The title.
    pub title: String,
    /// The line under the title; blank for none.
    pub subtitle: String,
    /// The x-axis description with its unit, e.g. `"Mean cumulative net, £m"`.
    pub x_label: String,
    /// The legend entry of each series (at most 3 series).
    pub series: Vec<String>,
    /// How the series share a row.
    pub layout: BarLayout,
    /// Where bars start (0, or the base mean of a swing tornado); drawn as a line.
    pub origin: f64,
    /// Write each value at the end of its bar.
    pub show_values: bool,
    /// The rows, top to bottom.
    pub rows: Vec<BarRow>,
}

/// Renders [`HorizontalBars`] as PNG or SVG bytes.
///
/// # Errors
/// [`ChartError::Empty`] without rows, series or any finite value;
/// [`ChartError::Length`] if a row does not have one value per series;
/// [`ChartError::Draw`] or [`ChartError::Encode`] if plotters or the PNG encoder fail.
pub fn horizontal_bars(data: &HorizontalBars, format: Format) -> Result<Vec<u8>, ChartError> {
    if data.rows.is_empty() {
        return Err(ChartError::Empty("the bar chart has no rows"));
    }
    if data.series.is_empty() || data.series.len() > HBAR_COLORS.len() {
        return Err(ChartError::Empty("the bar chart needs 1 to 3 series"));
    }
    for row in &data.rows {
        super::check_len("values", data.series.len(), &row.values)?;
    }
    if extent(data.rows.iter().flat_map(|r| r.values.iter().copied())).is_none() {
        return Err(ChartError::Empty("the bar chart has no finite value"));
    }
    render(data, format)
}

impl HorizontalBars {
    /// The x range: values, intervals, the origin and a reference line, padded (more
    /// when values are written beside the bars).
    fn x_range(&self, reference: Option<f64>) -> (f64, f64) {
        let values = self.rows.iter().flat_map(|r| {
            r.values
                .iter()
                .copied()
                .chain(r.intervals.iter().flatten().flat_map(|&(lo, hi)| [lo, hi]))
        });
        let (lo, hi) = extent(values.chain([self.origin]).chain(reference)).unwrap_or((-1.0, 1.0));
        let (data_lo, data_hi) = (lo, hi);
        let (mut lo, mut hi) = padded(lo, hi);
        // Nothing below (above) the origin: the axis starts (ends) there, so that e.g. a
        // probability of 0 everywhere is not drawn on an axis from −1.
        if data_lo >= self.origin {
            lo = self.origin;
        }
        if data_hi <= self.origin && data_lo < self.origin {
            hi = self.origin;
        }
        if self.show_values {
            let extra = (hi - lo) * 0.08;
            (
                if lo < self.origin { lo - extra } else { lo },
                if hi > self.origin { hi + extra } else { hi },
            )
        } else {
            (lo, hi)
        }
    }
}

impl Draw for HorizontalBars {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        self.draw_with_reference(root, None)
    }
}

impl HorizontalBars {
    /// Draws the bars and, if given, a dashed vertical reference line `(x, legend)`.
    pub(super) fn draw_with_reference<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        reference: Option<(f64, &str)>,
    ) -> Result<(), ChartError> {
        let mut legend: Vec<LegendItem> = self
            .series
            .iter()
            .zip(HBAR_COLORS)
            .map(|(s, c)| LegendItem::new(s.clone(), Swatch::Fill(c.filled())))
            .collect();
        if let Some((_, label)) = reference {
            legend.push(LegendItem::new(label, Swatch::Dashed(REFERENCE)));
        }
        let plot = frame(root, &self.title, &self.subtitle, &legend)?;

        let n = self.rows.len();
        let tick_style = text(TICK_SIZE, &TEXT);
        // Row labels wrap onto as many lines as the row has room for (measured with the
        // embedded font); the label column is as wide as the widest line.
        let (_, plot_height) = plot.dim_in_pixel();
        let row_px =
            f64::from(plot_height.saturating_sub(MARGIN_TOP + MARGIN_BOTTOM + X_LABEL_AREA))
                / n.max(1) as f64;
        let max_lines =
            ((row_px / f64::from(HBAR_LABEL_LINE.unsigned_abs())).floor() as usize).max(1);
        let (labels, widest) = self.wrapped_labels(&plot, &tick_style, max_lines)?;
        let (x0, x1) = self.x_range(reference.map(|r| r.0));
        let centre = |r: usize| n as f64 - r as f64 - 0.5;
        let ticks = (0..n).map(centre).collect();
        let mut chart = ChartBuilder::on(&plot)
            .margin_top(MARGIN_TOP)
            .margin_right(MARGIN_RIGHT)
            .margin_bottom(MARGIN_BOTTOM)
            .margin_left(8)
            .x_label_area_size(X_LABEL_AREA)
            .y_label_area_size(widest + 18)
            .build_cartesian_2d::<RangedCoordf64, _>(
                (x0..x1).into(),
                TickedAxis::new(0.0, n as f64, ticks),
            )
            .map_err(draw_err)?;
        let decimals = decimals_for(x1 - x0);
        let (width, _) = chart.plotting_area().dim_in_pixel();
        let (x_desc, x_style) = axis_desc(chart.plotting_area(), &self.x_label, width)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .x_desc(x_desc)
            .axis_desc_style(x_style)
            .label_style(tick_style.clone())
            .x_label_formatter(&|x| format_number(*x, decimals))
            .y_label_formatter(&|_| String::new())
            .x_labels(10)
            .bold_line_style(GRID.stroke_width(1))
            .light_line_style(WHITE.mix(0.0))
            .axis_style(AXIS.stroke_width(1))
            .draw()
            .map_err(draw_err)?;
        // The row labels, right-aligned beside the axis, centred on their row.
        let label_style = tick_style.pos(Pos::new(HPos::Right, VPos::Center));
        for (r, lines) in labels.iter().enumerate() {
            let (left, cy) = chart.backend_coord(&(x0, centre(r)));
            let count = i32::try_from(lines.len()).unwrap_or(1);
            let first = cy - HBAR_LABEL_LINE * (count - 1) / 2;
            for (k, line) in (0..).zip(lines) {
                root.draw_text(line, &label_style, (left - 10, first + k * HBAR_LABEL_LINE))
                    .map_err(draw_err)?;
            }
        }

        let area = chart.plotting_area();
        let value_decimals = decimals + 1;
        for (r, row) in self.rows.iter().enumerate() {
            self.draw_row(area, row, centre(r), value_decimals)?;
        }
        let y = area.get_y_range();
        area.draw(&PathElement::new(
            vec![(self.origin, y.start), (self.origin, y.end)],
            ZERO_LINE.stroke_width(ZERO_WIDTH),
        ))
        .map_err(draw_err)?;
        if let Some((x, _)) = reference {
            area.draw(&DashedPathElement::new(
                vec![(x, y.start), (x, y.end)],
                DASH.0,
                DASH.1,
                REFERENCE.stroke_width(ZERO_WIDTH + 1),
            ))
            .map_err(draw_err)?;
        }
        Ok(())
    }

    /// Each row's label wrapped to the lines the row has room for, and the widest line.
    fn wrapped_labels<DB: DrawingBackend>(
        &self,
        plot: &DrawingArea<DB, Shift>,
        tick_style: &TextStyle<'_>,
        max_lines: usize,
    ) -> Result<(Vec<Vec<String>>, u32), ChartError> {
        let n = self.rows.len();
        let mut labels: Vec<Vec<String>> = Vec::with_capacity(n);
        let mut widest = 0;
        for row in &self.rows {
            let mut room = HBAR_LABEL_MAX_WIDTH;
            let mut lines = wrap(plot, &row.label, tick_style, room)?;
            // Too many lines for the row: give the label more width instead.
            while lines.len() > max_lines && room < HBAR_LABEL_MAX_WIDTH * 2 {
                room += 40;
                lines = wrap(plot, &row.label, tick_style, room)?;
            }
            for line in &lines {
                widest = widest.max(text_width(plot, line, tick_style)?);
            }
            labels.push(lines);
        }
        Ok((labels, widest))
    }

    /// One row's bars (centred on `c`), whiskers and value labels.
    fn draw_row<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Cartesian2d<RangedCoordf64, TickedAxis>>,
        row: &BarRow,
        c: f64,
        value_decimals: usize,
    ) -> Result<(), ChartError> {
        let m = self.series.len();
        let mut bars: Vec<(usize, f64, f64)> = Vec::new(); // (series, value, band centre)
        let mut order: Vec<usize> = (0..m).collect();
        if self.layout == BarLayout::Overlaid {
            order.sort_by(|&a, &b| {
                (row.values[b] - self.origin)
                    .abs()
                    .total_cmp(&(row.values[a] - self.origin).abs())
            });
        }
        let half = match self.layout {
            BarLayout::Overlaid => HBAR_HALF_HEIGHT,
            BarLayout::SideBySide => HBAR_HALF_HEIGHT / m as f64,
        };
        for s in order {
            let v = row.values[s];
            if !usable(v) {
                continue;
            }
            let yc = match self.layout {
                BarLayout::Overlaid => c,
                BarLayout::SideBySide => c + HBAR_HALF_HEIGHT - (2 * s + 1) as f64 * half,
            };
            let inner = half * 0.86;
            area.draw(&Rectangle::new(
                [(self.origin, yc - inner), (v, yc + inner)],
                HBAR_COLORS[s].filled(),
            ))
            .map_err(draw_err)?;
            bars.push((s, v, yc));
        }
        for &(s, v, yc) in &bars {
            let mut end = v;
            if let Some(Some((lo, hi))) = row.intervals.get(s)
                && usable(*lo)
                && usable(*hi)
            {
                let cap = half * 0.45;
                let style = WHISKER.stroke_width(2);
                for points in [
                    vec![(*lo, yc), (*hi, yc)],
                    vec![(*lo, yc - cap), (*lo, yc + cap)],
                    vec![(*hi, yc - cap), (*hi, yc + cap)],
                ] {
                    area.draw(&PathElement::new(points, style))
                        .map_err(draw_err)?;
                }
                end = if v >= self.origin {
                    v.max(*hi)
                } else {
                    v.min(*lo)
                };
            }
            if self.show_values {
                let (dx, h) = if v >= self.origin {
                    (6, HPos::Left)
                } else {
                    (-6, HPos::Right)
                };
                let style = text(HBAR_VALUE_SIZE, &SUBTLE_TEXT).pos(Pos::new(h, VPos::Center));
                let note = row
                    .notes
                    .get(s)
                    .cloned()
                    .unwrap_or_else(|| format_number(v, value_decimals));
                let label = EmptyElement::at((end, yc)) + Text::new(note, (dx, 0), style);
                area.draw(&label).map_err(draw_err)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::testutil::{assert_png, assert_svg};

    fn sample(layout: BarLayout, series: usize, rows: usize) -> HorizontalBars {
        HorizontalBars {
            title: "Which assumptions matter".into(),
            subtitle: "Spearman rank correlation with cumulative net, 95% CI".into(),
            x_label: "Spearman ρ".into(),
            series: (0..series).map(|s| format!("series {s}")).collect(),
            layout,
            origin: 0.0,
            show_values: true,
            rows: (0..rows)
                .map(|r| BarRow {
                    label: format!("Scheme number {r} with a long name — effect"),
                    values: (0..series)
                        .map(|s| (0.8 - 0.1 * r as f64) * if s == 1 { -1.0 } else { 1.0 })
                        .collect(),
                    intervals: (0..series)
                        .map(|s| {
                            let v = (0.8 - 0.1 * r as f64) * if s == 1 { -1.0 } else { 1.0 };
                            Some((v - 0.05, v + 0.05))
                        })
                        .collect(),
                    notes: Vec::new(),
                })
                .collect(),
        }
    }

    #[test]
    fn renders_both_layouts_as_png_and_svg() {
        for layout in [BarLayout::SideBySide, BarLayout::Overlaid] {
            let data = sample(layout, 2, 12);
            assert_png(&horizontal_bars(&data, Format::Png).unwrap());
            let svg = horizontal_bars(&data, Format::Svg).unwrap();
            assert_svg(&svg, &data.title);
            assert!(String::from_utf8(svg).unwrap().contains("Scheme number 3"));
        }
        assert_png(&horizontal_bars(&sample(BarLayout::SideBySide, 1, 1), Format::Png).unwrap());
    }

    #[test]
    fn empty_and_mismatched_data_are_errors() {
        assert!(matches!(
            horizontal_bars(&HorizontalBars::default(), Format::Png),
            Err(ChartError::Empty(_))
        ));
        let mut data = sample(BarLayout::Overlaid, 2, 3);
        data.rows[1].values.pop();
        assert!(matches!(
            horizontal_bars(&data, Format::Png),
            Err(ChartError::Length { .. })
        ));
        let mut data = sample(BarLayout::Overlaid, 1, 2);
        for r in &mut data.rows {
            r.values = vec![f64::NAN];
        }
        assert!(matches!(
            horizontal_bars(&data, Format::Png),
            Err(ChartError::Empty(_))
        ));
    }
}
