//! Labelled columns: one bar per category, e.g. the break-even year distribution
//! (a bar per financial year plus "never") or the number of areas per rating.

use plotters::coord::Shift;
use plotters::element::Text;
use plotters::prelude::{DrawingArea, DrawingBackend, Rectangle};
use plotters::style::Color;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::axis::{TickedAxis, decimals_for, extent, format_number, padded, tick_label, usable};
use super::canvas::{
    Draw, LegendItem, Swatch, cartesian_with, draw_err, draw_hline, draw_mesh, fitting_ticks,
    frame, plot_width, render, text, text_width, wrap,
};
use super::style::{
    BAR_HALF_WIDTH, GAIN, LOSS, TEXT, TICK_LINE, TICK_SIZE, X_LABEL_AREA, X_TICK_GAP, ZERO_LINE,
    ZERO_WIDTH,
};
use super::{ChartError, Format, check_len};

/// One bar per category, in the order given. Bars flagged in `highlight` are drawn in
/// the warning colour (e.g. "never" breaks even, "not approved") and named in the
/// legend by `highlight_label`; the others in the main colour named by `label` (blank:
/// no legend entry). Highlighted bars much taller than every other bar get a panel of
/// their own on the right, with its own scale, so that they do not flatten the rest.
/// With few categories every label is drawn, wrapped under its bar; with many, labels
/// are thinned evenly (highlighted bars keep theirs). Each bar carries its value above
/// it (with enough decimals that a visible bar never reads 0) when there are few
/// enough bars for the numbers to fit.
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

/// Highlighted bars taller than this many times the tallest ordinary bar get a panel of
/// their own, so that they do not flatten the others.
const DOMINANT: f64 = 2.5;
/// Width of that panel, in pixels.
const SIDE_PANEL_WIDTH: u32 = 260;
/// Most lines a category label wraps onto under its bar.
const MAX_LABEL_LINES: usize = 3;

/// Decimals that show `v` with at least one significant digit (so a visible bar never
/// reads "0"), and at least `min`.
fn decimals_showing(v: f64, min: usize) -> usize {
    if !v.is_finite() || v.abs() < f64::MIN_POSITIVE {
        return min;
    }
    // The fewest decimals at which `v` does not round to 0.
    (min..6)
        .find(|&d| format_number(v, d) != "0")
        .unwrap_or(6)
        .max(min)
}

impl Draw for Columns {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let flagged = |i: usize| self.highlight.get(i).copied().unwrap_or(false);
        let n = self.categories.len();
        let mut legend = Vec::new();
        if !self.label.trim().is_empty() && (0..n).any(|i| !flagged(i)) {
            legend.push(LegendItem::new(&self.label, Swatch::Fill(GAIN.filled())));
        }
        if (0..n).any(flagged) {
            legend.push(LegendItem::new(
                &self.highlight_label,
                Swatch::Fill(LOSS.filled()),
            ));
        }
        let plot = frame(root, &self.title, &self.subtitle, &legend)?;
        let tallest = |keep: &dyn Fn(usize) -> bool| {
            (0..n)
                .filter(|&i| keep(i) && usable(self.values[i]))
                .map(|i| self.values[i].abs())
                .fold(0.0, f64::max)
        };
        let ordinary = tallest(&|i| !flagged(i));
        let highlighted = tallest(&flagged);
        let separate = ordinary > 0.0 && highlighted > DOMINANT * ordinary;
        if separate {
            let (w, _) = plot.dim_in_pixel();
            let (main, side) = plot.split_horizontally(w.saturating_sub(SIDE_PANEL_WIDTH));
            let main_idx: Vec<usize> = (0..n).filter(|&i| !flagged(i)).collect();
            let side_idx: Vec<usize> = (0..n).filter(|&i| flagged(i)).collect();
            self.draw_panel(root, &main, &main_idx, &self.x_label, &self.y_label)?;
            self.draw_panel(root, &side, &side_idx, "", "")
        } else {
            let all: Vec<usize> = (0..n).collect();
            self.draw_panel(root, &plot, &all, &self.x_label, &self.y_label)
        }
    }
}

impl Columns {
    /// Highlighted bars ("never") always keep their label among thinned `ticks`: the
    /// neighbours that would collide with it are dropped instead.
    fn keep_flagged_labels(&self, idx: &[usize], ticks: &mut Vec<(usize, String)>) {
        let flagged = |i: usize| self.highlight.get(i).copied().unwrap_or(false);
        let step = match ticks.as_slice() {
            [a, b, ..] => b.0 - a.0,
            _ => 1,
        };
        for (k, &i) in idx.iter().enumerate() {
            if flagged(i) && ticks.iter().all(|(t, _)| *t != k) {
                ticks.retain(|(t, _)| t.abs_diff(k) >= step);
                ticks.push((k, self.categories[i].clone()));
                ticks.sort_by_key(|(t, _)| *t);
            }
        }
    }

    /// Draws the bars `idx` (in that order) with their own y axis on `plot`.
    fn draw_panel<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        plot: &DrawingArea<DB, Shift>,
        idx: &[usize],
        x_label: &str,
        y_label: &str,
    ) -> Result<(), ChartError> {
        let flagged = |i: usize| self.highlight.get(i).copied().unwrap_or(false);
        let n = idx.len();
        let values = idx.iter().map(|&i| self.values[i]);
        let (lo, hi) = extent(values.chain([0.0]))
            .ok_or(ChartError::Empty("the columns have no finite value"))?;
        let (y0, y1) = y_range(lo, hi);
        let (x0, x1) = (-0.5, n as f64 - 0.5);
        // Few categories: every label is drawn, wrapped under its bar. Many (years):
        // labels are thinned evenly, highlighted bars keeping theirs.
        let tick_style = text(TICK_SIZE, &TEXT);
        let per_bar = plot_width(plot) / u32::try_from(n.max(1)).unwrap_or(u32::MAX);
        let room = per_bar.saturating_sub(X_TICK_GAP);
        let mut wrapped = Vec::with_capacity(n);
        for &i in idx {
            wrapped.push(wrap(plot, &self.categories[i], &tick_style, room)?);
        }
        let mut fits = true;
        for lines in &wrapped {
            fits &= lines.len() <= MAX_LABEL_LINES;
            for line in lines {
                fits &= text_width(plot, line, &tick_style)? <= room;
            }
        }
        let extra_lines = if fits {
            wrapped
                .iter()
                .map(Vec::len)
                .max()
                .unwrap_or(1)
                .saturating_sub(1)
        } else {
            0
        };
        let mut ticks = if fits {
            (0..n).map(|k| (k, String::new())).collect()
        } else {
            let labels = idx
                .iter()
                .enumerate()
                .map(|(k, &i)| (k, self.categories[i].clone()))
                .collect();
            fitting_ticks(plot, labels, x1 - x0)?
        };
        if !fits {
            self.keep_flagged_labels(idx, &mut ticks);
        }
        let positions = ticks.iter().map(|(k, _)| *k as f64).collect();
        let label_area = X_LABEL_AREA + u32::try_from(extra_lines).unwrap_or(0) * TICK_LINE;
        let mut chart =
            cartesian_with(plot, TickedAxis::new(x0, x1, positions), y0..y1, label_area)?;
        let decimals = decimals_for(y1 - y0);
        draw_mesh(
            &mut chart,
            x_label,
            y_label,
            &|x| tick_label(&ticks, *x),
            &|y| format_number(*y, decimals),
        )?;
        if fits {
            let style = tick_style.pos(Pos::new(HPos::Center, VPos::Top));
            for (k, lines) in wrapped.iter().enumerate() {
                let (cx, top) = chart.backend_coord(&(k as f64, y0));
                for (j, line) in (0..).zip(lines) {
                    root.draw_text(line, &style, (cx, top + 8 + j * TICK_LINE.cast_signed()))
                        .map_err(draw_err)?;
                }
            }
        }
        // One precision for the panel's values (that of its axis, at least the caller's),
        // more only for a visible bar that would otherwise read 0.
        let value_decimals = self.value_decimals.max(decimals_for(y1 - y0));
        let area = chart.plotting_area();
        let value_style = text(TICK_SIZE, &TEXT).pos(Pos::new(HPos::Center, VPos::Bottom));
        for (k, &i) in idx.iter().enumerate() {
            let v = self.values[i];
            if !usable(v) {
                continue;
            }
            let x = k as f64;
            let color = if flagged(i) { LOSS } else { GAIN };
            area.draw(&Rectangle::new(
                [(x - BAR_HALF_WIDTH, 0.0), (x + BAR_HALF_WIDTH, v)],
                color.filled(),
            ))
            .map_err(draw_err)?;
            if n <= MAX_VALUE_LABELS {
                let label = format_number(v, decimals_showing(v, value_decimals));
                area.draw(&Text::new(label, (x, v.max(0.0)), value_style.clone()))
                    .map_err(draw_err)?;
            }
        }
        draw_hline(area, 0.0, ZERO_LINE.stroke_width(ZERO_WIDTH))?;
        Ok(())
    }
}

/// The value axis of a panel whose values span `lo..=hi`: padded, from 0 when no value
/// is negative (with room above the highest bar for its label).
fn y_range(lo: f64, hi: f64) -> (f64, f64) {
    let (mut y0, mut y1) = padded(lo, hi);
    if lo >= 0.0 {
        y0 = 0.0;
        y1 = hi + 0.12 * (hi - lo).max(f64::MIN_POSITIVE);
        if y1 <= y0 {
            y1 = 1.0;
        }
    }
    (y0, y1)
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

    /// Issue 16: a bar that can be seen never reads "0".
    #[test]
    fn a_visible_bar_never_reads_zero() {
        for v in [0.0004, 0.04, 0.05, 0.4, 0.5, 3.45] {
            for min in [0, 1] {
                let d = decimals_showing(v, min);
                assert_ne!(format_number(v, d), "0", "{v} with {d} decimals");
                assert!(d >= min);
            }
        }
        assert_eq!(decimals_showing(3.45, 1), 1);
        assert_eq!(decimals_showing(0.0, 1), 1);
    }

    /// Issue 16: a "never" bar of 70% beside year bars of at most 3.5% gets its own
    /// panel: the years keep a scale of their own (a 3.5 tick), "never" has one to 70.
    #[test]
    fn a_dominant_highlighted_bar_gets_its_own_scale() {
        let mut data = sample(21);
        data.values = (0..21).map(|i| f64::from(i % 8) * 0.5).collect();
        data.values[20] = 70.0;
        let svg = columns(&data, Format::Svg).unwrap();
        let texts: Vec<String> = crate::chart::testutil::placed_texts(&svg)
            .into_iter()
            .map(|t| t.text)
            .collect();
        // One scale for all would be 0–80 with whole-number labels: no "2.5" anywhere.
        assert!(texts.iter().any(|t| t == "2.5"), "{texts:?}");
        assert!(texts.iter().any(|t| t == "70"), "{texts:?}");
        crate::chart::testutil::assert_text_fits(&svg, "dominant never");
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
