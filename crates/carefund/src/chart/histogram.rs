//! The histogram of one value per path (e.g. cumulative system net at the horizon)
//! with the break-even line.

use plotters::coord::Shift;
use plotters::element::{EmptyElement, Text};
use plotters::prelude::{DrawingArea, DrawingBackend, PathElement, Rectangle};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, WHITE};

use super::axis::{decimals_for, format_number, is_flat, padded, usable};
use super::canvas::{
    Draw, LegendItem, Swatch, cartesian, draw_err, draw_mesh, frame, render, text,
};
use super::style::{ANNOTATION_SIZE, GAIN, LOSS, TEXT, ZERO_LINE, ZERO_WIDTH};
use super::{ChartError, Format};

/// Fewest bins the histogram uses.
pub const MIN_BINS: usize = 20;
/// Most bins the histogram uses.
pub const MAX_BINS: usize = 80;
/// The y-axis description: bar heights are shares of all paths with a finite value.
const Y_LABEL: &str = "Share of paths, %";
/// Headroom above the tallest bar, for the annotation.
const HEADROOM: f64 = 1.2;

/// A histogram of one value per simulated path, with a vertical break-even line at 0.
///
/// Bins are `h` wide with edges at whole multiples of `h`, so 0 is always an edge
/// and bars below and above break-even get their own colours.
///
/// # Formula
///
/// Freedman–Diaconis: `h = 2·IQR·n^(−1/3)`, then the number of bins
/// `⌈(max − min)/h⌉` is clamped to [`MIN_BINS`]..=[`MAX_BINS`] and `h` recomputed
/// as `(max − min)/bins` (one more bin may be needed to align the edges on 0).
/// Non-finite values and values beyond ±10³⁰⁰ are left out, and bar heights are
/// shares of the values kept.
/// The x axis always includes 0.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Histogram {
    /// The title, e.g. `"Cumulative system net by 2019/20"`.
    pub title: String,
    /// The line under the title; blank for none.
    pub subtitle: String,
    /// The x-axis description with its unit, e.g. `"Cumulative system net, £m"`.
    pub x_label: String,
    /// One value per path, in the display unit (e.g. £m).
    pub values: Vec<f64>,
    /// Text written beside the break-even line, e.g. `"P(break even) = 34%"`; blank for none.
    pub annotation: String,
    /// Legend entry of the bins below zero; blank for `"Below break-even"`.
    pub below_label: String,
    /// Legend entry of the bins at or above zero; blank for `"Break-even or better"`.
    pub above_label: String,
    /// Legend entry of the zero line; blank for `"Break-even (0)"`.
    pub zero_label: String,
}

/// Renders a [`Histogram`] as PNG or SVG bytes.
///
/// # Errors
///
/// [`ChartError::Empty`] if there is no finite value;
/// [`ChartError::Draw`] or [`ChartError::Encode`] if plotters or the PNG encoder fail.
pub fn histogram(data: &Histogram, format: Format) -> Result<Vec<u8>, ChartError> {
    let mut sorted: Vec<f64> = data.values.iter().copied().filter(|v| usable(*v)).collect();
    if sorted.is_empty() {
        return Err(ChartError::Empty("the histogram has no finite value"));
    }
    sorted.sort_by(f64::total_cmp);
    let bins = Bins::of(&sorted);
    render(&Prepared { data, bins }, format)
}

/// Counts per bin.
#[derive(Debug, Clone, PartialEq)]
struct Bins {
    /// Left edge of the first bin, a whole multiple of `width`.
    start: f64,
    /// Width of every bin.
    width: f64,
    /// Number of values in each bin.
    counts: Vec<u64>,
    /// Number of values counted.
    total: usize,
}

impl Bins {
    /// Bins `sorted` (finite, ascending, not empty) as described on [`Histogram`].
    fn of(sorted: &[f64]) -> Self {
        let n = sorted.len();
        let (min, max) = (sorted[0], sorted[n - 1]);
        let span = max - min;
        let width = if is_flat(min, max) {
            // All values (about) equal: one bin a tenth of the padded range.
            let (lo, hi) = padded(min, max);
            (hi - lo) / 10.0
        } else {
            let iqr = quantile(sorted, 0.75) - quantile(sorted, 0.25);
            let fd = 2.0 * iqr / (n as f64).cbrt();
            let bins = if fd > 0.0 {
                (span / fd).ceil()
            } else {
                MIN_BINS as f64
            };
            span / bins.clamp(MIN_BINS as f64, MAX_BINS as f64)
        };
        let start = (min / width).floor() * width;
        let last = ((max - start) / width).floor();
        let count = if last.is_finite() && last >= 0.0 {
            (last as usize).min(MAX_BINS + 1) + 1
        } else {
            1
        };
        let mut counts = vec![0u64; count];
        for v in sorted {
            // `as usize` saturates a (rounding) negative index to 0.
            let i = (((v - start) / width).floor() as usize).min(count - 1);
            counts[i] += 1;
        }
        Self {
            start,
            width,
            counts,
            total: n,
        }
    }

    /// Right edge of the last bin.
    fn end(&self) -> f64 {
        self.start + self.width * self.counts.len() as f64
    }

    /// Share of the values in bin `i`, in percent.
    fn share(&self, i: usize) -> f64 {
        100.0 * self.counts[i] as f64 / self.total as f64
    }
}

/// The `p` quantile of `sorted` (ascending, not empty), interpolating linearly.
fn quantile(sorted: &[f64], p: f64) -> f64 {
    let pos = p * (sorted.len() - 1) as f64;
    let i = pos.floor() as usize;
    let j = (i + 1).min(sorted.len() - 1);
    let frac = pos - i as f64;
    sorted[i] + (sorted[j] - sorted[i]) * frac
}

/// A histogram with its bins computed.
struct Prepared<'a> {
    data: &'a Histogram,
    bins: Bins,
}

impl Draw for Prepared<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let (data, bins) = (self.data, &self.bins);
        let or = |label: &str, default: &str| {
            if label.trim().is_empty() {
                default.to_owned()
            } else {
                label.trim().to_owned()
            }
        };
        let legend = [
            LegendItem::new(
                or(&data.below_label, "Below break-even"),
                Swatch::Fill(LOSS.filled()),
            ),
            LegendItem::new(
                or(&data.above_label, "Break-even or better"),
                Swatch::Fill(GAIN.filled()),
            ),
            LegendItem::new(
                or(&data.zero_label, "Break-even (0)"),
                Swatch::Thin(ZERO_LINE),
            ),
        ];
        let plot = frame(root, &data.title, &data.subtitle, &legend)?;

        let (x0, x1) = padded(bins.start.min(0.0), bins.end().max(0.0));
        let tallest = (0..bins.counts.len())
            .map(|i| bins.share(i))
            .fold(0.0, f64::max);
        let y1 = if tallest > 0.0 {
            tallest * HEADROOM
        } else {
            1.0
        };
        let mut chart = cartesian(&plot, x0..x1, 0.0..y1)?;
        let (x_decimals, y_decimals) = (decimals_for(x1 - x0), decimals_for(y1));
        draw_mesh(
            &mut chart,
            &data.x_label,
            Y_LABEL,
            &|x| format_number(*x, x_decimals),
            &|y| format_number(*y, y_decimals),
        )?;

        let area = chart.plotting_area();
        for i in (0..bins.counts.len()).filter(|i| bins.counts[*i] > 0) {
            let left = bins.start + bins.width * i as f64;
            let right = left + bins.width;
            let colour = if left + bins.width / 2.0 < 0.0 {
                LOSS
            } else {
                GAIN
            };
            let corners = [(left, 0.0), (right, bins.share(i))];
            area.draw(&Rectangle::new(corners, colour.filled()))
                .map_err(draw_err)?;
            area.draw(&Rectangle::new(corners, WHITE.stroke_width(1)))
                .map_err(draw_err)?;
        }
        area.draw(&PathElement::new(
            vec![(0.0, 0.0), (0.0, y1)],
            ZERO_LINE.stroke_width(ZERO_WIDTH),
        ))
        .map_err(draw_err)?;

        let note = data.annotation.trim();
        if !note.is_empty() {
            // Write on the side of the line with more room.
            let right_half = 0.0 > (x0 + x1) / 2.0;
            let (dx, h) = if right_half {
                (-12, HPos::Right)
            } else {
                (12, HPos::Left)
            };
            let style = text(ANNOTATION_SIZE, &TEXT).pos(Pos::new(h, VPos::Top));
            let label = EmptyElement::at((0.0, y1)) + Text::new(note.to_owned(), (dx, 12), style);
            area.draw(&label).map_err(draw_err)?;
        }
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::chart::testutil::{assert_png, assert_svg, normalish};

    /// `n` normal-ish values around −40 with sd 8.
    pub(crate) fn sample(n: usize) -> Histogram {
        let values = normalish(n, -40.0, 8.0);
        let share = values.iter().filter(|v| **v >= 0.0).count() as f64 / n as f64;
        Histogram {
            title: "Cumulative system net by 2019/20".into(),
            subtitle: format!("{n} simulated paths"),
            x_label: "Cumulative system net, £m".into(),
            values,
            annotation: format!("P(break even) = {:.1}%", 100.0 * share),
            ..Histogram::default()
        }
    }

    #[test]
    fn renders_png_and_svg() {
        let data = sample(20_000);
        assert_png(&histogram(&data, Format::Png).unwrap());
        let svg = histogram(&data, Format::Svg).unwrap();
        assert_svg(&svg, &data.title);
        assert!(String::from_utf8(svg).unwrap().contains("P(break even)"));
    }

    #[test]
    fn renders_100_000_values() {
        assert_png(&histogram(&sample(100_000), Format::Png).unwrap());
    }

    #[test]
    fn bins_are_clamped_and_aligned_on_zero() {
        let sorted = {
            let mut v = normalish(20_000, -40.0, 8.0);
            v.sort_by(f64::total_cmp);
            v
        };
        let bins = Bins::of(&sorted);
        assert!((MIN_BINS..=MAX_BINS + 1).contains(&bins.counts.len()));
        let k = bins.start / bins.width;
        assert!((k - k.round()).abs() < 1e-9, "0 is a bin edge");
        assert_eq!(bins.counts.iter().sum::<u64>(), 20_000);
        assert!(bins.start <= sorted[0] && bins.end() >= sorted[sorted.len() - 1]);

        // Two values far apart: Freedman–Diaconis would give one bin; clamped to 20.
        let bins = Bins::of(&[0.0, 0.0, 0.0, 100.0]);
        assert!(bins.counts.len() >= MIN_BINS);
        assert_eq!(bins.counts.iter().sum::<u64>(), 4);
    }

    #[test]
    fn all_values_equal_make_one_bin() {
        for v in [-40.0, 0.0, 1e-12, 3e9] {
            let bins = Bins::of(&[v; 50]);
            assert_eq!(bins.counts.iter().sum::<u64>(), 50);
            let data = Histogram {
                title: "Flat".into(),
                values: vec![v; 50],
                ..Histogram::default()
            };
            assert_png(&histogram(&data, Format::Png).unwrap());
            assert_svg(&histogram(&data, Format::Svg).unwrap(), "Flat");
        }
    }

    #[test]
    fn non_finite_values_are_skipped() {
        let mut data = sample(1_000);
        data.values
            .extend([f64::NAN, f64::INFINITY, f64::NEG_INFINITY]);
        assert_png(&histogram(&data, Format::Png).unwrap());
        data.values = vec![f64::NAN; 3];
        assert!(matches!(
            histogram(&data, Format::Png),
            Err(ChartError::Empty(_))
        ));
        data.values.clear();
        assert!(matches!(
            histogram(&data, Format::Svg),
            Err(ChartError::Empty(_))
        ));
    }

    #[test]
    fn a_single_value_and_extreme_values_render() {
        let data = Histogram {
            title: "One".into(),
            values: vec![12.5],
            annotation: "P(break even) = 100%".into(),
            ..Histogram::default()
        };
        assert_png(&histogram(&data, Format::Png).unwrap());
        let data = Histogram {
            title: "Extreme".into(),
            values: vec![-1e300, 1e300, 0.0],
            ..Histogram::default()
        };
        assert_png(&histogram(&data, Format::Png).unwrap());
    }

    #[test]
    fn quantiles_interpolate() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert!((quantile(&v, 0.25) - 2.0).abs() < 1e-12);
        assert!((quantile(&v, 0.5) - 3.0).abs() < 1e-12);
        assert!((quantile(&[7.0], 0.75) - 7.0).abs() < 1e-12);
    }
}
