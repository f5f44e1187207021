//! Axis ranges, tick positions and tick-label formatting.

use std::ops::Range;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;

use super::style::{RANGE_PAD, X_TICK_GAP};

/// A linear f64 axis whose ticks (and grid lines) are exactly the given positions.
///
/// Plotters' own `with_key_points` cannot be combined with a label formatter on
/// f64 axes, hence this small wrapper.
pub(super) struct TickedAxis {
    linear: RangedCoordf64,
    ticks: Vec<f64>,
}

impl TickedAxis {
    /// The axis from `lo` to `hi` with ticks at `ticks`.
    pub fn new(lo: f64, hi: f64, ticks: Vec<f64>) -> Self {
        Self {
            linear: (lo..hi).into(),
            ticks,
        }
    }
}

impl Ranged for TickedAxis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.linear.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.linear.range()
    }
}

/// Largest magnitude drawn; larger values are skipped like NaN.
///
/// Keeps every axis span finite: plotters loops forever computing ticks for an
/// infinite span.
pub(super) const MAX_ABS: f64 = 1e300;

/// Whether `v` can be drawn: finite and at most [`MAX_ABS`] in magnitude.
pub(super) fn usable(v: f64) -> bool {
    v.is_finite() && v.abs() <= MAX_ABS
}

/// The smallest and largest [`usable`] value of `values`, or `None` if there is none.
pub(super) fn extent(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    values
        .into_iter()
        .filter(|v| usable(*v))
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
}

/// Whether `lo..hi` is too narrow to draw as a range: narrower than 10⁻⁹ of its
/// magnitude (or than 10⁻⁹ near zero), e.g. because all values are equal.
pub(super) fn is_flat(lo: f64, hi: f64) -> bool {
    let scale = lo.abs().max(hi.abs()).max(1.0);
    let span = hi - lo;
    span.is_nan() || span <= 1e-9 * scale
}

/// Widens `lo..hi` (both [`usable`]) by [`RANGE_PAD`] of its span on each side.
///
/// A [flat](is_flat) range (all values equal) is centred and widened by 10% of
/// the value, or by 1 when the value is near 0, so the axis never collapses.
pub(super) fn padded(lo: f64, hi: f64) -> (f64, f64) {
    if is_flat(lo, hi) {
        let centre = lo / 2.0 + hi / 2.0;
        let scale = lo.abs().max(hi.abs());
        let pad = if scale >= 1e-6 { scale * 0.1 } else { 1.0 };
        (centre - pad, centre + pad)
    } else {
        let pad = (hi - lo) * RANGE_PAD;
        (lo - pad, hi + pad)
    }
}

/// How many decimals tick labels need on an axis spanning `span`.
///
/// Plotters picks ticks 1, 2 or 5 × 10ᵏ apart, about a tenth of the span, so one
/// decimal more than the span's order of magnitude suffices; trailing zeros are
/// trimmed by [`format_number`].
pub(super) fn decimals_for(span: f64) -> usize {
    if !(span > 0.0 && span.is_finite()) {
        return 2;
    }
    let order = span.log10().floor();
    (1.0 - order).clamp(0.0, 6.0) as usize
}

/// Formats `v` with at most `decimals` decimals, trailing zeros trimmed, thousands
/// separated by commas and negative numbers with a true minus sign (U+2212).
pub(super) fn format_number(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return String::new();
    }
    let fixed = format!("{:.*}", decimals, v.abs());
    let (int, frac) = match fixed.split_once('.') {
        Some((i, f)) => (i, f.trim_end_matches('0')),
        None => (fixed.as_str(), ""),
    };
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let is_zero = int.chars().chain(frac.chars()).all(|c| c == '0');
    let mut out = String::new();
    if v < 0.0 && !is_zero {
        out.push('\u{2212}');
    }
    out.push_str(&grouped);
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// The x range of a chart with `n` periods: from 0, the start of the first period, to
/// `n`, the end of the last. Period `i`'s value is drawn at its end, `i + 1`, and the
/// tick of a year at the start of its first period.
pub(super) fn period_range(n: usize) -> (f64, f64) {
    (0.0, n.max(1) as f64)
}

/// One tick per financial year: the index of the year's first period and the year label.
///
/// The year of a period is the first whitespace-separated word of its label, so
/// `"2015/16 Q1"`, `"2015/16 M01"` and `"2015/16"` all belong to `"2015/16"`.
pub(super) fn year_starts(periods: &[String]) -> Vec<(usize, String)> {
    let mut ticks: Vec<(usize, String)> = Vec::new();
    for (i, label) in periods.iter().enumerate() {
        let year = label.split_whitespace().next().unwrap_or("");
        if ticks.last().is_none_or(|(_, prev)| prev != year) {
            ticks.push((i, year.to_owned()));
        }
    }
    ticks
}

/// Keeps every k-th tick, with the smallest k for which labels `label_width` pixels
/// wide do not overlap when one index is `px_per_index` pixels.
pub(super) fn thin_ticks(
    ticks: Vec<(usize, String)>,
    px_per_index: f64,
    label_width: u32,
) -> Vec<(usize, String)> {
    let min_gap = ticks
        .windows(2)
        .map(|w| w[1].0 - w[0].0)
        .min()
        .unwrap_or(1)
        .max(1);
    let needed = f64::from(label_width + X_TICK_GAP);
    let available = min_gap as f64 * px_per_index;
    let every = if available > 0.0 && available.is_finite() {
        (needed / available).ceil().max(1.0) as usize
    } else {
        1
    };
    ticks
        .into_iter()
        .enumerate()
        .filter(|(k, _)| k % every == 0)
        .map(|(_, t)| t)
        .collect()
}

/// The label of the tick at position `x` (within a quarter of an index), or `""`.
pub(super) fn tick_label(ticks: &[(usize, String)], x: f64) -> String {
    ticks
        .iter()
        .find(|(i, _)| (*i as f64 - x).abs() < 0.25)
        .map(|(_, l)| l.clone())
        .unwrap_or_default()
}

/// Contiguous runs of indices where `ok(i)` holds.
pub(super) fn runs(n: usize, ok: impl Fn(usize) -> bool) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for i in 0..n {
        match (ok(i), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(s..i);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(s..n);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_trimmed_and_signed() {
        assert_eq!(format_number(-40.0, 0), "\u{2212}40");
        assert_eq!(format_number(12_500.0, 0), "12,500");
        assert_eq!(format_number(1_234_567.25, 2), "1,234,567.25");
        assert_eq!(format_number(2.50, 2), "2.5");
        assert_eq!(format_number(-0.0001, 1), "0");
        assert_eq!(format_number(0.0, 0), "0");
        assert_eq!(format_number(999.0, 0), "999");
        assert_eq!(format_number(f64::NAN, 1), "");
    }

    #[test]
    fn decimals_follow_the_span() {
        assert_eq!(decimals_for(60.0), 0);
        assert_eq!(decimals_for(8.0), 1);
        assert_eq!(decimals_for(0.3), 2);
        assert_eq!(decimals_for(0.0), 2);
        assert_eq!(decimals_for(f64::NAN), 2);
    }

    #[test]
    fn zero_width_ranges_are_padded() {
        let (lo, hi) = padded(5.0, 5.0);
        assert!(lo < 5.0 && hi > 5.0);
        let (lo, hi) = padded(0.0, 0.0);
        assert!((lo + 1.0).abs() < 1e-12 && (hi - 1.0).abs() < 1e-12);
        let (lo, hi) = padded(-10.0, 10.0);
        assert!(lo < -10.0 && hi > 10.0);
        let (lo, hi) = padded(0.0, 1e-12);
        assert!(lo < -0.5 && hi > 0.5);
        let (lo, hi) = padded(-MAX_ABS, MAX_ABS);
        assert!((hi - lo).is_finite());
    }

    #[test]
    fn extent_skips_non_finite_values() {
        assert!(extent([f64::NAN, f64::INFINITY]).is_none());
        assert!(extent([1e301, -f64::MAX]).is_none());
        let (lo, hi) = extent([3.0, f64::NAN, -1.0, 2.0]).unwrap();
        assert!((lo + 1.0).abs() < 1e-12 && (hi - 3.0).abs() < 1e-12);
    }

    #[test]
    fn year_ticks_mark_year_starts() {
        let periods: Vec<String> = ["2015/16 Q1", "2015/16 Q2", "2016/17 Q1", "2016/17 Q2"]
            .map(String::from)
            .to_vec();
        let ticks = year_starts(&periods);
        assert_eq!(ticks, vec![(0, "2015/16".into()), (2, "2016/17".into())]);
        assert_eq!(tick_label(&ticks, 2.0), "2016/17");
        assert_eq!(tick_label(&ticks, 1.0), "");
    }

    /// Issue 16: a period's value is drawn at the period's end, and a year's tick at the
    /// start of its first period, so the first period's value is never at the first tick.
    #[test]
    fn period_values_sit_at_period_ends_and_years_at_their_starts() {
        let periods: Vec<String> = ["2015/16 H1", "2015/16 H2", "2016/17 H1", "2016/17 H2"]
            .map(String::from)
            .to_vec();
        let (x0, x1) = period_range(periods.len());
        assert!(x0.abs() < 1e-12 && (x1 - 4.0).abs() < 1e-12);
        let ticks = year_starts(&periods);
        let first_value = super::super::canvas::period_end(0);
        assert!((first_value - 1.0).abs() < 1e-12);
        assert!(
            (ticks[0].0 as f64 - x0).abs() < 1e-12,
            "2015/16 starts the axis"
        );
        // 2016/17 starts where 2015/16's last half-year ends.
        assert!((ticks[1].0 as f64 - super::super::canvas::period_end(1)).abs() < 1e-12);
        assert!((super::super::canvas::period_end(3) - x1).abs() < 1e-12);
    }

    #[test]
    fn ticks_are_thinned_when_labels_would_overlap() {
        let ticks: Vec<(usize, String)> = (0..20).map(|y| (y * 12, format!("{y}"))).collect();
        // 12 periods of 2 px per year = 24 px < 60 + gap: keep every 4th.
        let kept = thin_ticks(ticks.clone(), 2.0, 60);
        assert_eq!(kept.len(), 5);
        let kept = thin_ticks(ticks, 20.0, 60);
        assert_eq!(kept.len(), 20);
    }

    #[test]
    fn runs_split_at_gaps() {
        let v = [1.0, f64::NAN, 2.0, 3.0, f64::NAN];
        assert_eq!(runs(v.len(), |i| v[i].is_finite()), vec![0..1, 2..4]);
        assert_eq!(runs(0, |_| true), Vec::<std::ops::Range<usize>>::new());
    }
}
