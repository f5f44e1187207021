//! Forecast charts drawn from already-computed summaries.
//!
//! Every chart is a plain data struct (title, labels, one value per period or per
//! year, already in the display unit such as £m) and a function that renders it
//! into memory as PNG or SVG bytes. Nothing here knows about the simulation, and
//! nothing touches the filesystem: the caller writes the bytes.
//!
//! | function | input | what it shows |
//! |---|---|---|
//! | [`fan_chart`] | [`FanChart`] | median and P5–P95, P10–P90, P25–P75 bands over time, the plan claim, a zero line |
//! | [`admissions_chart`] | [`AdmissionsChart`] | counterfactual vs with-schemes admissions (median and P10–P90), the plan |
//! | [`histogram`] | [`Histogram`] | distribution of one value per path, with the break-even line |
//! | [`cash_bars`] | [`CashBars`] | mean cashable savings above zero, mean investment below, mean net |
//! | [`overlaid_fan_chart`] | [`OverlaidFan`] | a fan with a second run's median and P10–P90 band over it |
//! | [`interval_chart`] | [`IntervalChart`] | one row per item: two P10–P90 intervals with their central dots |
//! | [`horizontal_bars`] | [`HorizontalBars`] | labelled horizontal bars from an origin with interval whiskers (tornado, Sobol and stress charts) |
//! | [`lines_chart`] | [`LinesChart`] | several medians over time, each optionally with its P10–P90 band |
//! | [`columns`] | [`Columns`] | one labelled bar per category (break-even year incl. "never", areas per rating) |
//! | [`heatmap`] | [`Heatmap`] | a metric over a grid of two inputs, a colour scale and one contour line |
//! | [`ranked`] | [`Ranked`] | many items' values sorted, as dots with error bars and threshold lines |
//! | [`reference_bars`] | [`ReferenceBars`] | [`HorizontalBars`] with a dashed vertical reference line (EVPPI against EVPI) |
//! | [`curves`] | [`Curves`] | lines over a numeric x grid (acceptability curves) |
//!
//! Charts are [`WIDTH`]×[`HEIGHT`] pixels. Text is drawn with DejaVu Sans, embedded
//! in the library and registered with plotters under the family `sans-serif` on
//! first use, so no system font is needed.
//!
//! Non-finite values (NaN, ±∞) and values beyond ±10³⁰⁰ are skipped: a line or
//! band has a gap there, a bar is left out and a histogram ignores them. A chart
//! with no value left to draw is [`ChartError::Empty`]. A range of equal values
//! is padded so the axis never collapses.
//!
//! ```
//! # use carefund::chart::{self, Band, FanChart, Format, Line};
//! let periods: Vec<String> = (0..8)
//!     .map(|q| format!("{}/{} Q{}", 2015 + q / 4, 16 + q / 4, q % 4 + 1))
//!     .collect();
//! let median: Vec<f64> = (0..8).map(|i| -2.0 * f64::from(i)).collect();
//! let band = |w: f64| Band {
//!     lower: median.iter().enumerate().map(|(i, m)| m - w * (1.0 + i as f64)).collect(),
//!     upper: median.iter().enumerate().map(|(i, m)| m + w * (1.0 + i as f64)).collect(),
//! };
//! let data = FanChart {
//!     title: "Cumulative system net".into(),
//!     subtitle: "P(break even) = 12%".into(),
//!     y_label: "Cumulative net, £m".into(),
//!     periods,
//!     p5_p95: band(1.6),
//!     p10_p90: band(1.2),
//!     p25_p75: band(0.6),
//!     median: median.clone(),
//!     plan: Some(Line { label: "Plan claim".into(), values: vec![1.0; 8] }),
//!     start: Some(0.0),
//! };
//! let png = chart::fan_chart(&data, Format::Png)?;
//! assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
//! # Ok::<(), chart::ChartError>(())
//! ```

mod admissions;
mod axis;
mod bars;
mod canvas;
mod columns;
mod curves;
mod fan;
#[cfg(test)]
mod fit_tests;
mod hbars;
mod heatmap;
mod histogram;
mod intervals;
mod lines;
mod ranked;
mod reference_bars;
mod style;

pub use admissions::{AdmissionsChart, Spread, admissions_chart};
pub use bars::{CashBars, cash_bars};
pub use columns::{Columns, columns};
pub use curves::{Curves, curves};
pub use fan::{FanChart, OverlaidFan, Overlay, fan_chart, overlaid_fan_chart};
pub use hbars::{BarLayout, BarRow, HorizontalBars, horizontal_bars};
pub use heatmap::{Heatmap, contour_segments, heatmap};
pub use histogram::{Histogram, MAX_BINS, MIN_BINS, histogram};
pub use intervals::{IntervalChart, IntervalRow, interval_chart};
pub use lines::{LinesChart, Series, lines_chart};
pub use ranked::{Ranked, ranked};
pub use reference_bars::{ReferenceBars, reference_bars};

/// Width of every chart, in pixels.
pub const WIDTH: u32 = 1200;
/// Height of every chart, in pixels.
pub const HEIGHT: u32 = 700;

/// The file format a chart is rendered into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// A PNG image of [`WIDTH`]×[`HEIGHT`] pixels (8-bit RGB).
    Png,
    /// An SVG document (UTF-8 text) of [`WIDTH`]×[`HEIGHT`] user units.
    Svg,
}

impl Format {
    /// The usual file extension, without the dot: `"png"` or `"svg"`.
    #[must_use]
    pub fn extension(self) -> &'static str {
        match self {
            Self::Png => "png",
            Self::Svg => "svg",
        }
    }

    /// The media type: `"image/png"` or `"image/svg+xml"`.
    #[must_use]
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Svg => "image/svg+xml",
        }
    }
}

/// Why a chart could not be rendered.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ChartError {
    /// There is nothing to draw: no periods, no years, or no finite value.
    #[error("nothing to draw: {0}")]
    Empty(&'static str),
    /// A series does not have one value per period (or per year).
    #[error("{series} has {found} values but the chart has {expected} periods")]
    Length {
        /// Which series, e.g. `"p5_p95.lower"`.
        series: &'static str,
        /// The number of periods (or years) of the chart.
        expected: usize,
        /// The number of values the series has.
        found: usize,
    },
    /// The drawing library failed (font, layout or backend error).
    #[error("drawing the chart failed: {0}")]
    Draw(String),
    /// The image could not be encoded as PNG.
    #[error("encoding the chart as PNG failed: {0}")]
    Encode(String),
}

/// A band between a lower and an upper percentile curve, one value of each per period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Band {
    /// The lower curve, e.g. P5.
    pub lower: Vec<f64>,
    /// The upper curve, e.g. P95.
    pub upper: Vec<f64>,
}

/// A named line, one value per period, e.g. the plan's claim.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Line {
    /// The legend entry, e.g. `"Plan claim"`.
    pub label: String,
    /// One value per period, in the chart's display unit.
    pub values: Vec<f64>,
}

/// Checks that a series has one value per period (or per year).
fn check_len(series: &'static str, expected: usize, values: &[f64]) -> Result<(), ChartError> {
    if values.len() == expected {
        Ok(())
    } else {
        Err(ChartError::Length {
            series,
            expected,
            found: values.len(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_extensions_and_media_types() {
        assert_eq!(Format::Png.extension(), "png");
        assert_eq!(Format::Svg.extension(), "svg");
        assert_eq!(Format::Png.media_type(), "image/png");
        assert_eq!(Format::Svg.media_type(), "image/svg+xml");
    }

    /// Plotters loops forever on an infinite axis span and overflows on huge pixel
    /// coordinates; values near `f64::MAX` must be skipped, not drawn.
    #[test]
    fn extreme_magnitudes_neither_hang_nor_panic() {
        let mut fan = fan::tests::sample(5);
        fan.median = vec![-1.7e308, 1.7e308, 0.0, 1e300, -1e300];
        for format in [Format::Png, Format::Svg] {
            testutil::assert_png_or_svg(&fan_chart(&fan, format).unwrap(), format);
            let h = Histogram {
                title: "Extreme".into(),
                values: vec![-1.7e308, 1.7e308, 5.0, 1e-310],
                ..Histogram::default()
            };
            testutil::assert_png_or_svg(&histogram(&h, format).unwrap(), format);
            let b = CashBars {
                years: vec!["2015/16".into(), "2016/17".into()],
                savings: vec![1.7e308, 1e300],
                investment: vec![f64::MAX, -1e300],
                ..CashBars::default()
            };
            testutil::assert_png_or_svg(&cash_bars(&b, format).unwrap(), format);
            let mut a = admissions::tests::sample(4);
            a.with_schemes.median = vec![1e-320, 0.0, -0.0, 1e-320];
            testutil::assert_png_or_svg(&admissions_chart(&a, format).unwrap(), format);
        }
    }

    #[test]
    fn errors_name_the_series() {
        let e = ChartError::Length {
            series: "median",
            expected: 20,
            found: 19,
        };
        assert_eq!(
            e.to_string(),
            "median has 19 values but the chart has 20 periods"
        );
    }
}

/// Helpers shared by the chart tests.
#[cfg(test)]
pub(crate) mod testutil {
    /// The 8-byte signature every PNG file starts with.
    pub const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

    /// Checks `bytes` is a PNG of the chart size that decodes.
    pub fn assert_png(bytes: &[u8]) {
        assert!(bytes.starts_with(PNG_SIGNATURE), "not a PNG");
        let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
            .read_info()
            .expect("PNG decodes");
        let mut pixels = vec![0; reader.output_buffer_size().expect("a size")];
        let frame = reader.next_frame(&mut pixels).expect("PNG decodes");
        assert_eq!(frame.width, super::WIDTH);
        assert_eq!(frame.height, super::HEIGHT);
    }

    /// Checks `bytes` is an SVG document that carries `title`.
    pub fn assert_svg(bytes: &[u8], title: &str) {
        let text = std::str::from_utf8(bytes).expect("SVG is UTF-8");
        let head = text.trim_start();
        assert!(
            head.starts_with("<svg") || head.starts_with("<?xml"),
            "not an SVG document"
        );
        assert!(
            text.contains(title),
            "SVG does not carry the title {title:?}"
        );
        assert!(text.trim_end().ends_with("</svg>"), "SVG is not closed");
    }

    /// Checks `bytes` is a PNG or an SVG document, as `format` says.
    pub fn assert_png_or_svg(bytes: &[u8], format: super::Format) {
        match format {
            super::Format::Png => assert_png(bytes),
            super::Format::Svg => assert_svg(bytes, "<text"),
        }
    }

    /// One `<text>` element of an SVG drawn by plotters: its content (unescaped) and its
    /// bounding box in pixels, measured with the embedded font.
    #[derive(Debug, Clone)]
    pub struct Placed {
        pub text: String,
        pub left: f64,
        pub right: f64,
        pub top: f64,
        pub bottom: f64,
    }

    fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
        let key = format!(" {name}=\"");
        let start = tag.find(&key)? + key.len();
        let len = tag[start..].find('"')?;
        Some(&tag[start..start + len])
    }

    fn unescape(s: &str) -> String {
        s.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    }

    /// Every text of an SVG chart, placed and measured as drawn.
    pub fn placed_texts(svg: &[u8]) -> Vec<Placed> {
        use plotters::prelude::{IntoDrawingArea, SVGBackend};
        super::canvas::ensure_font_for_tests();
        let svg = std::str::from_utf8(svg).expect("SVG is UTF-8");
        let mut scratch = String::new();
        let area = SVGBackend::with_string(&mut scratch, (10, 10)).into_drawing_area();
        let mut out = Vec::new();
        let mut rest = svg;
        while let Some(open) = rest.find("<text") {
            rest = &rest[open..];
            let end_tag = rest.find('>').expect("tag ends");
            let tag = &rest[..end_tag];
            let close = rest.find("</text>").expect("text closes");
            let text = unescape(rest[end_tag + 1..close].trim());
            rest = &rest[close..];
            let num = |n: &str| attr(tag, n).and_then(|v| v.parse::<f64>().ok());
            let (x, y) = (num("x").unwrap_or(0.0), num("y").unwrap_or(0.0));
            // plotters writes the size divided by 1.24.
            let size = num("font-size").unwrap_or(10.0) * 1.24;
            let style = super::canvas::text(size, &super::style::TEXT);
            let (w, h) = area.estimate_text_size(&text, &style).expect("measured");
            let (w, h) = (f64::from(w), f64::from(h));
            let (before, after) = match attr(tag, "text-anchor") {
                Some("middle") => (w / 2.0, w / 2.0),
                Some("end") => (w, 0.0),
                _ => (0.0, w),
            };
            let (above, below) = match attr(tag, "dy") {
                Some("0.76em") => (0.0, h),
                Some("-0.5ex") => (h, 0.0),
                _ => (h / 2.0, h / 2.0),
            };
            let placed = match attr(tag, "transform") {
                // Rotated a quarter turn: the text runs up (270) or down (90) the page.
                Some(t) if t.starts_with("rotate(270") => Placed {
                    text,
                    left: x - above,
                    right: x + below,
                    top: y - after,
                    bottom: y + before,
                },
                Some(t) if t.starts_with("rotate(90") => Placed {
                    text,
                    left: x - below,
                    right: x + above,
                    top: y - before,
                    bottom: y + after,
                },
                _ => Placed {
                    text,
                    left: x - before,
                    right: x + after,
                    top: y - above,
                    bottom: y + below,
                },
            };
            out.push(placed);
        }
        out
    }

    /// Checks that no text of an SVG chart is cut (no "…" the data did not have) and
    /// that every text lies wholly on the canvas, measured with the embedded font; and
    /// that the legend entries of the chart just drawn are unique.
    pub fn assert_text_fits(svg: &[u8], what: &str) {
        let texts = placed_texts(svg);
        assert!(!texts.is_empty(), "{what}: no text");
        let (w, h) = (f64::from(super::WIDTH), f64::from(super::HEIGHT));
        for t in &texts {
            assert!(!t.text.contains('…'), "{what}: {:?} is cut", t.text);
            assert!(
                t.left >= -0.5 && t.right <= w + 0.5 && t.top >= -0.5 && t.bottom <= h + 0.5,
                "{what}: {:?} runs off the {w}×{h} canvas: x {:.0}..{:.0}, y {:.0}..{:.0}",
                t.text,
                t.left,
                t.right,
                t.top,
                t.bottom
            );
        }
        let legend = super::canvas::LAST_LEGEND.with(|l| l.borrow().clone());
        let mut seen = std::collections::HashSet::new();
        for label in &legend {
            assert!(seen.insert(label), "{what}: legend entry {label:?} twice");
        }
    }

    /// `n` quarterly period labels from 2015/16 Q1.
    pub fn quarters(n: usize) -> Vec<String> {
        (0..n)
            .map(|i| {
                let y = 2015 + i / 4;
                format!("{}/{:02} Q{}", y, (y + 1) % 100, i % 4 + 1)
            })
            .collect()
    }

    /// Deterministic, roughly normal values (Irwin–Hall sum of 12 uniforms from an LCG).
    pub fn normalish(n: usize, mean: f64, sd: f64) -> Vec<f64> {
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut uniform = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        (0..n)
            .map(|_| {
                let z: f64 = (0..12).map(|_| uniform()).sum::<f64>() - 6.0;
                mean + sd * z
            })
            .collect()
    }
}
