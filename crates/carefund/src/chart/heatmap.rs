//! A heatmap: a metric over a grid of two inputs, on a labelled colour scale, with one
//! contour line (e.g. where P(break even) = 0.5).

use plotters::coord::Shift;
use plotters::element::Text;
use plotters::prelude::{DrawingArea, DrawingBackend, PathElement, Rectangle};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, RGBColor, WHITE};

use super::axis::{TickedAxis, decimals_for, extent, format_number, usable};
use super::canvas::{
    Draw, LegendItem, Swatch, cartesian, draw_err, draw_mesh, frame, render, text, text_width,
};
use super::style::{AXIS, CELL_SIZE, GAIN, LINE_WIDTH, LOSS, TEXT, ZERO_LINE};
use super::{ChartError, Format};

/// A grid of values: `values[j * x.len() + i]` is the value at `(x[i], y[j])`.
///
/// The colour scale diverges from white at the contour level (break-even): orange below,
/// blue above, the deepest colour at the largest distance from the level in the grid, so
/// the same colour always means the same value whatever side the grid lies on. The
/// colour bar runs from the level to the grid's far end (including the level even when
/// the whole grid is on one side of it), and the legend names the colours. A grid of at
/// most 15 × 15 cells also carries each cell's value, so a one-sided grid stays
/// readable.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Heatmap {
    /// The title.
    pub title: String,
    /// The line under the title; blank for none.
    pub subtitle: String,
    /// The x-axis description with its unit.
    pub x_label: String,
    /// The y-axis description with its unit.
    pub y_label: String,
    /// The colour scale's description with its unit.
    pub value_label: String,
    /// Grid positions along x, increasing.
    pub x: Vec<f64>,
    /// Grid positions along y, increasing.
    pub y: Vec<f64>,
    /// One value per cell, row by row (y outer, x inner).
    pub values: Vec<f64>,
    /// Where to draw the contour line (e.g. 0.5 for P(break even)); `None`: no line.
    pub contour: Option<f64>,
    /// Legend entry of the contour line.
    pub contour_label: String,
    /// Multiplier applied to tick labels of x and y (e.g. 100 for percentages).
    pub tick_scale: (f64, f64),
}

/// Width of the colour-scale column, in pixels.
const SCALE_WIDTH: u32 = 230;
/// Slices the colour bar is drawn in.
const SCALE_STEPS: usize = 60;

/// Renders a [`Heatmap`] as PNG or SVG bytes.
///
/// # Errors
///
/// [`ChartError::Empty`] when either axis has no position or no value is finite;
/// [`ChartError::Length`] when `values` is not `x.len() × y.len()` long;
/// [`ChartError::Draw`] or [`ChartError::Encode`] if plotters or the PNG encoder fail.
pub fn heatmap(data: &Heatmap, format: Format) -> Result<Vec<u8>, ChartError> {
    if data.x.is_empty() || data.y.is_empty() {
        return Err(ChartError::Empty("the heatmap has no grid"));
    }
    let cells = data.x.len() * data.y.len();
    if data.values.len() != cells {
        return Err(ChartError::Length {
            series: "values",
            expected: cells,
            found: data.values.len(),
        });
    }
    if extent(data.values.iter().copied()).is_none() {
        return Err(ChartError::Empty("the heatmap has no finite value"));
    }
    render(data, format)
}

/// The colour of `t` in `[0, 1]`: orange (low) through near-white to blue (high).
pub(super) fn colour(t: f64) -> RGBColor {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.5
    };
    let mid = (247.0, 247.0, 247.0);
    let lerp = |a: (f64, f64, f64), b: RGBColor, s: f64| {
        let f = |x: f64, y: u8| (x + (f64::from(y) - x) * s).round().clamp(0.0, 255.0) as u8;
        RGBColor(f(a.0, b.0), f(a.1, b.1), f(a.2, b.2))
    };
    if t < 0.5 {
        lerp(mid, LOSS, 1.0 - 2.0 * t)
    } else {
        lerp(mid, GAIN, 2.0 * t - 1.0)
    }
}

/// Where `v` sits on the colour scale (0 deep orange, 0.5 white, 1 deep blue) for a
/// grid spanning `lo..hi` with its contour at `level`: white at the level, the depth
/// proportional to the distance from it, full depth at the grid's farthest value.
/// Without a level, the scale is centred on the middle of the range.
fn scale_position(v: f64, lo: f64, hi: f64, level: Option<f64>) -> f64 {
    let centre = level.unwrap_or(lo / 2.0 + hi / 2.0);
    let reach = (lo - centre).abs().max((hi - centre).abs());
    if reach.is_nan() || reach <= 0.0 {
        return 0.5;
    }
    0.5 + 0.5 * (v - centre) / reach
}

/// Most cells along an axis for which each cell's value is written in it.
const MAX_ANNOTATED: usize = 15;

/// Cell edges around grid positions: midpoints between neighbours, half a step outside.
fn edges(v: &[f64]) -> Vec<f64> {
    let n = v.len();
    if n == 1 {
        let h = if v[0].abs() > 0.0 {
            v[0].abs() * 0.1
        } else {
            0.5
        };
        return vec![v[0] - h, v[0] + h];
    }
    let mut e = Vec::with_capacity(n + 1);
    e.push(v[0] - (v[1] - v[0]) / 2.0);
    for w in v.windows(2) {
        e.push(w[0] / 2.0 + w[1] / 2.0);
    }
    e.push(v[n - 1] + (v[n - 1] - v[n - 2]) / 2.0);
    e
}

/// Segments of the contour `level` through the grid by marching squares: the grid
/// values sit at `(x[i], y[j])`; crossings on cell edges are linearly interpolated.
/// A saddle (two opposite corners above) is joined the way the cell centre's mean lies.
pub fn contour_segments(x: &[f64], y: &[f64], values: &[f64], level: f64) -> Vec<[(f64, f64); 2]> {
    let nx = x.len();
    let mut out = Vec::new();
    if values.len() != nx * y.len() {
        return out;
    }
    let at = |i: usize, j: usize| values[j * nx + i];
    let cross = |p: (f64, f64), a: f64, q: (f64, f64), b: f64| {
        let t = (level - a) / (b - a);
        (p.0 + t * (q.0 - p.0), p.1 + t * (q.1 - p.1))
    };
    for j in 0..y.len().saturating_sub(1) {
        for i in 0..nx.saturating_sub(1) {
            // Corners counter-clockwise from bottom left.
            let c = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)];
            let v: Vec<f64> = c.iter().map(|&(a, b)| at(a, b)).collect();
            if v.iter().any(|z| !z.is_finite()) {
                continue;
            }
            let p: Vec<(f64, f64)> = c.iter().map(|&(a, b)| (x[a], y[b])).collect();
            let mut points = Vec::new();
            for k in 0..4 {
                let (a, b) = (v[k], v[(k + 1) % 4]);
                if (a >= level) != (b >= level) {
                    points.push(cross(p[k], a, p[(k + 1) % 4], b));
                }
            }
            match points.len() {
                2 => out.push([points[0], points[1]]),
                4 => {
                    let centre_above = v.iter().sum::<f64>() / 4.0 >= level;
                    // Edge k crosses between corners k and k+1; corner 0 above joins
                    // edges (3,0) and (0,1) around it unless the centre is above too.
                    if (v[0] >= level) == centre_above {
                        out.push([points[0], points[1]]);
                        out.push([points[2], points[3]]);
                    } else {
                        out.push([points[3], points[0]]);
                        out.push([points[1], points[2]]);
                    }
                }
                _ => {}
            }
        }
    }
    out
}

impl Heatmap {
    /// The legend: the colours below and above the contour level (those present between
    /// `lo` and `hi`), white at it, and the contour line when one is drawn.
    fn legend(&self, lo: f64, hi: f64, has_contour: bool) -> Vec<LegendItem> {
        let mut legend = Vec::new();
        if let Some(level) = self.contour {
            let name = self.contour_label.trim();
            if lo < level {
                legend.push(LegendItem::new(
                    format!("below {name}"),
                    Swatch::Fill(colour(0.0).filled()),
                ));
            }
            legend.push(LegendItem::new(
                format!("white: {name}"),
                Swatch::Outlined(colour(0.5).filled(), AXIS),
            ));
            if hi > level {
                legend.push(LegendItem::new(
                    format!("above {name}"),
                    Swatch::Fill(colour(1.0).filled()),
                ));
            }
            if has_contour {
                legend.push(LegendItem::new(
                    format!("contour: {name}"),
                    Swatch::Line(ZERO_LINE),
                ));
            }
        }
        legend
    }
}

impl Draw for Heatmap {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let segments = self
            .contour
            .map(|level| contour_segments(&self.x, &self.y, &self.values, level))
            .unwrap_or_default();
        let (lo, hi) = extent(self.values.iter().copied())
            .ok_or(ChartError::Empty("the heatmap has no finite value"))?;
        let legend = self.legend(lo, hi, !segments.is_empty());
        let body = frame(root, &self.title, &self.subtitle, &legend)?;
        let (w, _) = body.dim_in_pixel();
        let (plot, scale_area) = body.split_horizontally(w.saturating_sub(SCALE_WIDTH));
        // The colour bar includes the level, so white is on it.
        let (bar_lo, bar_hi) = match self.contour {
            Some(l) if l.is_finite() => (lo.min(l), hi.max(l)),
            _ => (lo, hi),
        };
        let (bar_lo, bar_hi) = if bar_hi > bar_lo {
            (bar_lo, bar_hi)
        } else {
            (bar_lo - 0.5, bar_hi + 0.5)
        };
        let t = |v: f64| scale_position(v, lo, hi, self.contour);

        let (ex, ey) = (edges(&self.x), edges(&self.y));
        let (x0, x1) = (ex[0], ex[ex.len() - 1]);
        let (y0, y1) = (ey[0], ey[ey.len() - 1]);
        let mut chart = cartesian(&plot, x0..x1, y0..y1)?;
        let (sx, sy) = self.tick_scale;
        let dx = decimals_for((x1 - x0) * sx);
        let dy = decimals_for((y1 - y0) * sy);
        draw_mesh(
            &mut chart,
            &self.x_label,
            &self.y_label,
            &|v| format_number(*v * sx, dx),
            &|v| format_number(*v * sy, dy),
        )?;
        let area = chart.plotting_area();
        let nx = self.x.len();
        let annotate = nx <= MAX_ANNOTATED && self.y.len() <= MAX_ANNOTATED;
        let value_decimals = decimals_for((hi - lo).max((lo.abs()).max(hi.abs()) * 0.01));
        let (area_w, _) = area.dim_in_pixel();
        let cell_px = area_w / u32::try_from(nx.max(1)).unwrap_or(u32::MAX);
        for (j, wy) in ey.windows(2).enumerate() {
            for (i, wx) in ex.windows(2).enumerate() {
                let v = self.values[j * nx + i];
                if !usable(v) {
                    continue;
                }
                let depth = t(v);
                area.draw(&Rectangle::new(
                    [(wx[0], wy[0]), (wx[1], wy[1])],
                    colour(depth).filled(),
                ))
                .map_err(draw_err)?;
                if annotate {
                    let label = format_number(v, value_decimals);
                    let ink = if (depth - 0.5).abs() > 0.3 {
                        WHITE
                    } else {
                        TEXT
                    };
                    let style = text(CELL_SIZE, &ink).pos(Pos::new(HPos::Center, VPos::Center));
                    if text_width(area, &label, &style)? + 6 <= cell_px {
                        area.draw(&Text::new(label, (self.x[i], self.y[j]), style))
                            .map_err(draw_err)?;
                    }
                }
            }
        }
        for s in &segments {
            area.draw(&PathElement::new(
                s.to_vec(),
                ZERO_LINE.stroke_width(LINE_WIDTH),
            ))
            .map_err(draw_err)?;
        }

        // The colour bar: a vertical bar with ticks in the metric's unit.
        // No ticks along the bar's width: it has no x scale.
        let mut bar = cartesian(
            &scale_area,
            TickedAxis::new(0.0, 1.0, Vec::new()),
            bar_lo..bar_hi,
        )?;
        let dv = decimals_for(bar_hi - bar_lo);
        draw_mesh(&mut bar, "", &self.value_label, &|_| String::new(), &|v| {
            format_number(*v, dv)
        })?;
        let bar_area = bar.plotting_area();
        for k in 0..SCALE_STEPS {
            let a = bar_lo + (bar_hi - bar_lo) * k as f64 / SCALE_STEPS as f64;
            let b = bar_lo + (bar_hi - bar_lo) * (k + 1) as f64 / SCALE_STEPS as f64;
            bar_area
                .draw(&Rectangle::new(
                    [(0.0, a), (1.0, b)],
                    colour(t(a / 2.0 + b / 2.0)).filled(),
                ))
                .map_err(draw_err)?;
        }
        if let Some(level) = self.contour.filter(|l| *l >= bar_lo && *l <= bar_hi) {
            bar_area
                .draw(&PathElement::new(
                    vec![(0.0, level), (1.0, level)],
                    ZERO_LINE.stroke_width(LINE_WIDTH),
                ))
                .map_err(draw_err)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::testutil::{assert_png, assert_svg};

    fn sample() -> Heatmap {
        let x: Vec<f64> = (0..9).map(|i| f64::from(i) * 0.005).collect();
        let y: Vec<f64> = (0..7).map(|j| 0.3 + f64::from(j) * 0.1).collect();
        let values = y
            .iter()
            .flat_map(|yv| x.iter().map(move |xv| (xv * 20.0 * yv).min(1.0)))
            .collect();
        Heatmap {
            title: "P(break even)".into(),
            subtitle: "sample".into(),
            x_label: "Effect, %".into(),
            y_label: "Cashable share, %".into(),
            value_label: "P(break even)".into(),
            x,
            y,
            values,
            contour: Some(0.5),
            contour_label: "P(break even) = 0.5".into(),
            tick_scale: (100.0, 100.0),
        }
    }

    #[test]
    fn renders_png_and_svg() {
        let data = sample();
        assert_png(&heatmap(&data, Format::Png).unwrap());
        assert_svg(&heatmap(&data, Format::Svg).unwrap(), &data.title);
    }

    #[test]
    fn bad_shapes_are_errors() {
        let mut data = sample();
        data.values.pop();
        assert!(matches!(
            heatmap(&data, Format::Png),
            Err(ChartError::Length { .. })
        ));
        assert!(matches!(
            heatmap(&Heatmap::default(), Format::Png),
            Err(ChartError::Empty(_))
        ));
    }

    /// On a plane v = x the 0.5 contour is the vertical line x = 0.5, crossed once per
    /// cell row, at the interpolated position.
    #[test]
    fn contour_of_a_plane_is_interpolated() {
        let x = [0.0, 1.0, 2.0];
        let y = [0.0, 1.0, 2.0];
        let values: Vec<f64> = (0..3).flat_map(|_| x.iter().map(|v| v / 2.0)).collect();
        let segs = contour_segments(&x, &y, &values, 0.25);
        assert_eq!(segs.len(), 2);
        for s in segs {
            for p in s {
                assert!((p.0 - 0.5).abs() < 1e-12, "{p:?}");
            }
        }
        assert!(contour_segments(&x, &y, &values, 5.0).is_empty());
    }

    /// White is the level itself, whatever side of it the grid lies on: a grid wholly
    /// below break-even is orange throughout, deepest at its farthest cell.
    #[test]
    fn scale_is_centred_on_the_level() {
        assert!((scale_position(0.5, 0.0, 1.0, Some(0.5)) - 0.5).abs() < 1e-12);
        assert!(scale_position(0.2, 0.0, 1.0, Some(0.5)) < 0.5);
        // All below break-even (−62 to −59): every cell deep orange, none near white.
        assert!(scale_position(-62.0, -62.0, -59.0, Some(0.0)).abs() < 1e-12);
        let best = scale_position(-59.0, -62.0, -59.0, Some(0.0));
        assert!(best < 0.05, "{best}");
        // Depth is proportional to the distance from the level.
        let half = scale_position(-31.0, -62.0, -59.0, Some(0.0));
        assert!((half - 0.25).abs() < 1e-12);
        // All above: blue half, full depth at the farthest.
        assert!(scale_position(5.0, 1.0, 5.0, Some(0.0)) > 0.99);
        assert!(scale_position(1.0, 1.0, 5.0, Some(0.0)) > 0.5);
        assert!((scale_position(0.0, 0.0, 0.0, Some(0.0)) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn colour_runs_from_orange_to_blue() {
        assert_eq!(colour(0.0), LOSS);
        assert_eq!(colour(1.0), GAIN);
        assert_eq!(colour(0.5), RGBColor(247, 247, 247));
    }
}
