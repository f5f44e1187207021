//! Labelled columns: one bar per category, e.g. the break-even year distribution
//! (a bar per financial year plus "never") or the number of areas per rating.

use plotters::coord::Shift;
use plotters::element::Text;
use plotters::prelude::{DrawingArea, DrawingBackend, Rectangle};
use plotters::style::Color;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{TickedAxis, decimals_for, extent, format_number, padded, tick_label, usable};
use super::canvas::{
    Draw, LegendItem, Swatch, cartesian, draw_err, draw_hline, draw_mesh, fitting_ticks, frame,
    render, text,
};
use super::style::{BAR_HALF_WIDTH, GAIN, LOSS, TEXT, TICK_SIZE, ZERO_LINE, ZERO_WIDTH};
use super::{ChartError, Format, check_len};

/// One bar per category, in the order given. Bars flagged in `highlight` are drawn in
/// the warning colour (e.g. "never" breaks even, "not approved") and named in the
/// legend by `highlight_label`; the others in the main colour named by `label`.
/// Category labels are thinned evenly when they would overlap (highlighted bars keep
/// theirs); each bar carries its
/// value above it when there are few enough bars for the numbers to fit.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Columns {
    /// The title.
    pub title: String,
    /// The line under the title; blank for none.
    pub subtitle: String,
    /// The x-axis description, e.g. `"Financial year of break-even"`.
    pub x_label: String,
    /// The y-axis description with its unit, e.g. `"Share of futures, %"`.
    pub y_label: String,
    /// One label per bar.
    pub categories: Vec<String>,
    /// One value per bar (≥ 0 expected; negative bars are drawn downwards).
    pub values: Vec<f64>,
    /// Legend entry of ordinary bars.
    pub label: String,
    /// Which bars get the warning colour (empty: none).
    pub highlight: Vec<bool>,
    /// Legend entry of highlighted bars.
    pub highlight_label: String,
    /// Decimals of the value printed above each bar.
    pub value_decimals: usize,
}

/// Most bars that still get their value printed above them.
const MAX_VALUE_LABELS: usize = 24;

/// Renders [`Columns`] as PNG or SVG bytes.
///
/// # Errors
///
/// [`ChartError::Empty`] if there are no categories or no finite value;
/// [`ChartError::Length`] if `values` (or a non-empty `highlight`) does not have one
/// entry per category; [`ChartError::Draw`] or [`ChartError::Encode`] if plotters or
/// the PNG encoder fail.
pub fn columns(data: &Columns, format: Format) -> Result<Vec<u8>, ChartError> {
    let n = data.categories.len();
    if n == 0 {
        return Err(ChartError::Empty("the columns have no categories"));
    }
    check_len("values", n, &data.values)?;
    if !data.highlight.is_empty() && data.highlight.len() != n {
        return Err(ChartError::Length {
            series: "highlight",
            expected: n,
            found: data.highlight.len(),
        });
    }
    if extent(data.values.iter().copied()).is_none() {
        return Err(ChartError::Empty("the columns have no finite value"));
    }
    render(data, format)
}

impl Draw for Columns {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let flagged = |i: usize| self.highlight.get(i).copied().unwrap_or(false);
        let mut legend = vec![LegendItem::new(&self.label, Swatch::Fill(GAIN.filled()))];
        if (0..self.values.len()).any(flagged) {
            legend.push(LegendItem::new(
                &self.highlight_label,
                Swatch::Fill(LOSS.filled()),
            ));
        }
        let plot = frame(root, &self.title, &self.subtitle, &legend)?;
        let n = self.categories.len();
        let (lo, hi) = extent(self.values.iter().copied().chain([0.0]))
            .ok_or(ChartError::Empty("the columns have no finite value"))?;
        let (mut y0, mut y1) = padded(lo, hi);
        if lo >= 0.0 {
            y0 = 0.0;
            y1 = hi + 0.12 * (hi - lo).max(f64::MIN_POSITIVE);
            if y1 <= y0 {
                y1 = 1.0;
            }
        }
        let (x0, x1) = (-0.5, n as f64 - 0.5);
        let labels = self.categories.iter().cloned().enumerate().collect();
        let mut ticks = fitting_ticks(&plot, labels, x1 - x0)?;
        // Highlighted bars ("never") always keep their label: drop the neighbours that
        // would collide with it instead.
        let step = match ticks.as_slice() {
            [a, b, ..] => b.0 - a.0,
            _ => 1,
        };
        for h in (0..n).filter(|&i| flagged(i)) {
            if ticks.iter().all(|(i, _)| *i != h) {
                ticks.retain(|(i, _)| i.abs_diff(h) >= step);
                ticks.push((h, self.categories[h].clone()));
                ticks.sort_by_key(|(i, _)| *i);
            }
        }
        let positions = ticks.iter().map(|(i, _)| *i as f64).collect();
        let mut chart = cartesian(&plot, TickedAxis::new(x0, x1, positions), y0..y1)?;
        let decimals = decimals_for(y1 - y0);
        draw_mesh(
            &mut chart,
            &self.x_label,
            &self.y_label,
            &|x| tick_label(&ticks, *x),
            &|y| format_number(*y, decimals),
        )?;
        let area = chart.plotting_area();
        let value_style = text(TICK_SIZE, &TEXT).pos(Pos::new(HPos::Center, VPos::Bottom));
        for (i, &v) in self.values.iter().enumerate() {
            if !usable(v) {
                continue;
            }
            let x = i as f64;
            let color = if flagged(i) { LOSS } else { GAIN };
            area.draw(&Rectangle::new(
                [(x - BAR_HALF_WIDTH, 0.0), (x + BAR_HALF_WIDTH, v)],
                color.filled(),
            ))
            .map_err(draw_err)?;
            if n <= MAX_VALUE_LABELS {
                let label = format_number(v, self.value_decimals);
                area.draw(&Text::new(label, (x, v.max(0.0)), value_style.clone()))
                    .map_err(draw_err)?;
            }
        }
        draw_hline(area, 0.0, ZERO_LINE.stroke_width(ZERO_WIDTH))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::testutil::{assert_png, assert_svg};

    fn sample(n: usize) -> Columns {
        let mut categories: Vec<String> = (0..n - 1)
            .map(|i| format!("{}/{:02}", 2015 + i, (2016 + i) % 100))
            .collect();
        categories.push("never".into());
        Columns {
            title: "Break-even year".into(),
            subtitle: "share of 10,000 futures".into(),
            x_label: "Financial year".into(),
            y_label: "Share of futures, %".into(),
            values: (0..n).map(|i| (i % 7) as f64 * 1.5).collect(),
            highlight: (0..n).map(|i| i == n - 1).collect(),
            categories,
            label: "Breaks even for good".into(),
            highlight_label: "Never".into(),
            value_decimals: 1,
        }
    }

    #[test]
    fn renders_few_and_many_bars() {
        for n in [2, 6, 21, 61] {
            let data = sample(n);
            assert_png(&columns(&data, Format::Png).unwrap());
            let svg = columns(&data, Format::Svg).unwrap();
            assert_svg(&svg, &data.title);
            assert!(String::from_utf8(svg).unwrap().contains("never"));
        }
    }

    #[test]
    fn mismatched_lengths_and_empty_data_are_errors() {
        let mut data = sample(5);
        data.values.pop();
        assert!(matches!(
            columns(&data, Format::Png),
            Err(ChartError::Length {
                series: "values",
                ..
            })
        ));
        let mut data = sample(5);
        data.highlight.pop();
        assert!(matches!(
            columns(&data, Format::Png),
            Err(ChartError::Length {
                series: "highlight",
                ..
            })
        ));
        assert!(matches!(
            columns(&Columns::default(), Format::Png),
            Err(ChartError::Empty(_))
        ));
        let mut data = sample(3);
        data.values = vec![0.0; 3];
        assert_png(&columns(&data, Format::Png).unwrap());
    }
}
