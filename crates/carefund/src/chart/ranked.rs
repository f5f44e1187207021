//! Ranked dots: one dot per item (e.g. 151 local areas), sorted from best to worst,
//! with an error bar each and horizontal threshold lines. Readable with hundreds of
//! items because items are not labelled one by one: the x axis is the rank, and the
//! best and worst few are named in the subtitle by the caller if wanted.

use plotters::coord::Shift;
use plotters::prelude::{Circle, DrawingArea, DrawingBackend, PathElement};
use plotters::style::Color;

use super::axis::{TickedAxis, decimals_for, extent, format_number, padded, usable};
use super::canvas::{
    Draw, LegendItem, Stroke, Swatch, cartesian, draw_err, draw_mesh, frame, render,
};
use super::style::{AXIS, DASH, DOT, MEDIAN, SERIES};
use super::{ChartError, Format, check_len};
use plotters::element::DashedPathElement;
use plotters::style::RGBColor;

/// Values of many items, drawn sorted in decreasing order against their rank.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ranked {
    /// The title.
    pub title: String,
    /// The line under the title; blank for none.
    pub subtitle: String,
    /// The x-axis description, e.g. `"Areas, ranked"`.
    pub x_label: String,
    /// The y-axis description, e.g. `"P(break even), %"`.
    pub y_label: String,
    /// Legend entry of the dots.
    pub label: String,
    /// One value per item (any order; the chart sorts them).
    pub values: Vec<f64>,
    /// Half-width of each item's error bar (e.g. 2 standard errors), same order as
    /// `values`; empty for none.
    pub errors: Vec<f64>,
    /// Horizontal reference lines: (y, legend label), each in its own colour and stroke.
    pub thresholds: Vec<(f64, String)>,
    /// Fixed y range, e.g. `Some((0.0, 100.0))` for percentages; `None` to fit the data.
    pub y_range: Option<(f64, f64)>,
}

/// Renders [`Ranked`] as PNG or SVG bytes.
///
/// # Errors
///
/// [`ChartError::Empty`] if there is no finite value; [`ChartError::Length`] if a
/// non-empty `errors` does not have one entry per value; [`ChartError::Draw`] or
/// [`ChartError::Encode`] if plotters or the PNG encoder fail.
pub fn ranked(data: &Ranked, format: Format) -> Result<Vec<u8>, ChartError> {
    if !data.errors.is_empty() {
        check_len("errors", data.values.len(), &data.errors)?;
    }
    if extent(data.values.iter().copied()).is_none() {
        return Err(ChartError::Empty("the ranked chart has no finite value"));
    }
    render(data, format)
}

/// Width of a threshold line.
const THRESHOLD_WIDTH: u32 = 3;

/// The colour and stroke of the `k`-th threshold line: each threshold differs from the
/// others in both, so they can be told apart in the legend and in grey print.
fn threshold_style(k: usize) -> (RGBColor, Stroke) {
    const STYLES: [(RGBColor, Stroke); 3] = [
        (SERIES[2], Stroke::Dashed),
        (SERIES[1], Stroke::Dotted),
        (SERIES[3], Stroke::Solid),
    ];
    STYLES[k % STYLES.len()]
}

/// Rank tick positions: 1, then round steps, and the last rank.
fn rank_ticks(n: usize) -> Vec<f64> {
    let step = match n {
        0..=12 => 1,
        13..=30 => 5,
        31..=120 => 10,
        121..=300 => 25,
        301..=1200 => 100,
        _ => (n / 10).max(1),
    };
    let mut t: Vec<f64> = std::iter::once(1)
        .chain((step..n).step_by(step))
        .map(|r| r as f64)
        .collect();
    if n > 1 && (n as f64 - t.last().copied().unwrap_or(0.0)) * 3.0 > step as f64 {
        t.push(n as f64);
    }
    t
}

impl Draw for Ranked {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let mut order: Vec<usize> = (0..self.values.len())
            .filter(|&i| usable(self.values[i]))
            .collect();
        order.sort_by(|&a, &b| self.values[b].total_cmp(&self.values[a]));
        let n = order.len();
        let sorted: Vec<f64> = order.iter().map(|&i| self.values[i]).collect();
        let err = |i: usize| {
            self.errors
                .get(i)
                .copied()
                .filter(|e| usable(*e))
                .unwrap_or(0.0)
        };
        let mut legend = vec![LegendItem::new(&self.label, Swatch::LineMarker(MEDIAN))];
        for (k, (_, label)) in self.thresholds.iter().enumerate() {
            let (color, stroke) = threshold_style(k);
            let swatch = match stroke {
                Stroke::Dashed => Swatch::Dashed(color),
                Stroke::Dotted => Swatch::Dotted(color),
                Stroke::Solid => Swatch::Thin(color),
            };
            legend.push(LegendItem::new(label, swatch));
        }
        let plot = frame(root, &self.title, &self.subtitle, &legend)?;
        let (y0, y1) = match self.y_range {
            Some(r) => r,
            None => {
                let all = order
                    .iter()
                    .flat_map(|&i| [self.values[i] - err(i), self.values[i] + err(i)])
                    .chain(self.thresholds.iter().map(|t| t.0));
                let (lo, hi) = extent(all).ok_or(ChartError::Empty("no finite value"))?;
                padded(lo, hi)
            }
        };
        let (x0, x1) = (0.5, n as f64 + 0.5);
        let ticks = rank_ticks(n);
        let mut chart = cartesian(&plot, TickedAxis::new(x0, x1, ticks), y0..y1)?;
        let decimals = decimals_for(y1 - y0);
        draw_mesh(
            &mut chart,
            &self.x_label,
            &self.y_label,
            &|x| format!("{x:.0}"),
            &|y| format_number(*y, decimals),
        )?;
        let area = chart.plotting_area();
        for (k, (y, _)) in self.thresholds.iter().enumerate() {
            let (color, stroke) = threshold_style(k);
            let points = vec![(x0, *y), (x1, *y)];
            let style = color.stroke_width(THRESHOLD_WIDTH);
            let drawn = match stroke {
                Stroke::Dashed => area.draw(&DashedPathElement::new(points, DASH.0, DASH.1, style)),
                Stroke::Dotted => area.draw(&DashedPathElement::new(points, DOT.0, DOT.1, style)),
                Stroke::Solid => area.draw(&PathElement::new(points, style)),
            };
            drawn.map_err(draw_err)?;
        }
        // Dots at x = rank (1-based); the line through them reads as a profile.
        let radius = if n > 80 { 3 } else { 5 };
        for (r, &i) in order.iter().enumerate() {
            let x = (r + 1) as f64;
            let e = err(i);
            if e > 0.0 {
                area.draw(&PathElement::new(
                    vec![(x, self.values[i] - e), (x, self.values[i] + e)],
                    AXIS.stroke_width(1),
                ))
                .map_err(draw_err)?;
            }
        }
        let points: Vec<(f64, f64)> = sorted
            .iter()
            .enumerate()
            .map(|(r, v)| ((r + 1) as f64, *v))
            .collect();
        if points.len() > 1 {
            area.draw(&PathElement::new(
                points.clone(),
                MEDIAN.mix(0.5).stroke_width(1),
            ))
            .map_err(draw_err)?;
        }
        for p in points {
            area.draw(&Circle::new(p, radius, MEDIAN.filled()))
                .map_err(draw_err)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::testutil::{assert_png, assert_svg};

    fn sample(n: usize) -> Ranked {
        Ranked {
            title: "P(break even) by area".into(),
            subtitle: "151 areas".into(),
            x_label: "Areas ranked by P(break even)".into(),
            y_label: "P(break even), %".into(),
            label: "Area (± 2 SE)".into(),
            values: (0..n).map(|i| ((i * 37) % 101) as f64).collect(),
            errors: vec![2.0; n],
            thresholds: vec![(80.0, "approved".into()), (20.0, "conditions".into())],
            y_range: Some((0.0, 100.0)),
        }
    }

    #[test]
    fn renders_one_and_many_items() {
        for n in [1, 5, 151, 2000] {
            let data = sample(n);
            assert_png(&ranked(&data, Format::Png).unwrap());
            assert_svg(&ranked(&data, Format::Svg).unwrap(), &data.title);
        }
        let mut data = sample(20);
        data.y_range = None;
        data.errors.clear();
        assert_png(&ranked(&data, Format::Png).unwrap());
    }

    #[test]
    fn bad_inputs_are_errors() {
        let mut data = sample(5);
        data.errors.pop();
        assert!(matches!(
            ranked(&data, Format::Png),
            Err(ChartError::Length { .. })
        ));
        assert!(matches!(
            ranked(&Ranked::default(), Format::Png),
            Err(ChartError::Empty(_))
        ));
    }
}
