//! Colours, text sizes and layout sizes shared by every chart, kept in one place.
//!
//! Sizes are in pixels of the [`WIDTH`](super::WIDTH)×[`HEIGHT`](super::HEIGHT) canvas.
//! Colours of the fan are ColorBrewer "Blues"; the other palettes are chosen to
//! stay distinguishable for the common colour-vision deficiencies (blue vs orange,
//! never red vs green alone).

use plotters::style::RGBColor;

/// The font family every text is drawn in; the embedded DejaVu Sans is registered under it.
pub(super) const FONT_FAMILY: &str = "sans-serif";

/// Chart title.
pub(super) const TITLE_SIZE: f64 = 32.0;
/// Subtitle under the title.
pub(super) const SUBTITLE_SIZE: f64 = 22.0;
/// Axis descriptions ("Cumulative net, £m").
pub(super) const AXIS_DESC_SIZE: f64 = 21.0;
/// Smallest size an axis description is shrunk to before it would be cut.
pub(super) const AXIS_DESC_MIN_SIZE: f64 = 15.0;
/// Tick labels.
pub(super) const TICK_SIZE: f64 = 19.0;
/// Height of one line of a wrapped tick label.
pub(super) const TICK_LINE: u32 = 21;
/// Legend entries.
pub(super) const LEGEND_SIZE: f64 = 19.0;
/// Values written in heatmap cells.
pub(super) const CELL_SIZE: f64 = 15.0;
/// Annotation text inside the plot (the histogram's P(break even)).
pub(super) const ANNOTATION_SIZE: f64 = 24.0;

/// Main text.
pub(super) const TEXT: RGBColor = RGBColor(30, 30, 30);
/// Subtitle text.
pub(super) const SUBTLE_TEXT: RGBColor = RGBColor(85, 85, 85);
/// Grid lines.
pub(super) const GRID: RGBColor = RGBColor(226, 226, 226);
/// Axis lines and the legend frame.
pub(super) const AXIS: RGBColor = RGBColor(140, 140, 140);
/// The zero (break-even) line.
pub(super) const ZERO_LINE: RGBColor = RGBColor(20, 20, 20);

/// Fan chart: the P5–P95 band (lightest).
pub(super) const FAN_OUTER: RGBColor = RGBColor(198, 219, 239);
/// Fan chart: the P10–P90 band.
pub(super) const FAN_MIDDLE: RGBColor = RGBColor(132, 185, 220);
/// Fan chart: the P25–P75 band (darkest).
pub(super) const FAN_INNER: RGBColor = RGBColor(66, 136, 196);
/// Fan chart: the median line.
pub(super) const MEDIAN: RGBColor = RGBColor(8, 48, 107);
/// The plan's claim or expectation, drawn dashed on the fan and admissions charts.
pub(super) const PLAN: RGBColor = RGBColor(217, 95, 2);

/// Admissions: the counterfactual (no schemes).
pub(super) const COUNTERFACTUAL: RGBColor = RGBColor(110, 110, 110);
/// Admissions: with the schemes.
pub(super) const WITH_SCHEMES: RGBColor = RGBColor(33, 113, 181);
/// Opacity of a translucent P10–P90 band (one per chart; other spreads are lines).
pub(super) const BAND_OPACITY: f64 = 0.25;

/// Histogram: bins below break-even.
pub(super) const LOSS: RGBColor = RGBColor(230, 120, 60);
/// Histogram: bins at or above break-even.
pub(super) const GAIN: RGBColor = RGBColor(49, 130, 189);

/// Cash bars: cashable savings (above zero).
pub(super) const SAVINGS: RGBColor = RGBColor(49, 130, 189);
/// Cash bars: investment (below zero).
pub(super) const INVESTMENT: RGBColor = RGBColor(230, 120, 60);
/// Cash bars: the net line and markers.
pub(super) const NET: RGBColor = RGBColor(20, 20, 20);

/// Width of the median, plan and net lines.
pub(super) const LINE_WIDTH: u32 = 3;
/// Width of the zero line.
pub(super) const ZERO_WIDTH: u32 = 2;
/// Dash length and gap of dashed lines.
pub(super) const DASH: (u32, u32) = (14, 8);
/// Dash length and gap of dotted lines.
pub(super) const DOT: (u32, u32) = (5, 6);
/// Radius of point markers (a single period, or the net per year).
pub(super) const MARKER_RADIUS: u32 = 6;
/// Half the width of a band drawn at a single period, in periods.
pub(super) const LONE_BAND_HALF_WIDTH: f64 = 0.15;
/// Half the width of a bar, in years (bars are one unit apart).
pub(super) const BAR_HALF_WIDTH: f64 = 0.32;

/// Left edge of the title and subtitle.
pub(super) const TITLE_LEFT: i32 = 28;
/// Top of the title.
pub(super) const TITLE_TOP: i32 = 18;
/// Top of the subtitle.
pub(super) const SUBTITLE_TOP: i32 = 60;
/// Height of the header with a title only.
pub(super) const HEADER_TITLE_ONLY: u32 = 66;
/// Height of one line of the title (titles too long for the width wrap).
pub(super) const TITLE_LINE: i32 = 40;
/// Height of one line of the subtitle.
pub(super) const SUBTITLE_LINE: i32 = 28;
/// Space below the title when there is no subtitle.
pub(super) const HEADER_GAP_TITLE_ONLY: i32 = 8;
/// Space below the last line of the subtitle.
pub(super) const HEADER_GAP_SUBTITLE: i32 = 12;

/// Space above the plotting area.
pub(super) const MARGIN_TOP: u32 = 10;
/// Space right of the plotting area (before the legend).
pub(super) const MARGIN_RIGHT: u32 = 28;
/// Space below the x-axis description.
pub(super) const MARGIN_BOTTOM: u32 = 14;
/// Space left of the y-axis description.
pub(super) const MARGIN_LEFT: u32 = 12;
/// Height of the x tick labels plus the x-axis description.
pub(super) const X_LABEL_AREA: u32 = 64;
/// Width of the y tick labels plus the y-axis description.
pub(super) const Y_LABEL_AREA: u32 = 112;
/// Number of y tick labels to aim for (plotters picks round values up to this many).
pub(super) const Y_TICKS: usize = 11;
/// Minimum gap between two x tick labels.
pub(super) const X_TICK_GAP: u32 = 22;
/// Share of the data range added above and below the data.
pub(super) const RANGE_PAD: f64 = 0.06;

/// Height of one legend row.
pub(super) const LEGEND_ROW: i32 = 34;
/// Height added to a legend row per extra line of a wrapped entry.
pub(super) const LEGEND_LINE: i32 = 22;
/// Width of a legend swatch.
pub(super) const LEGEND_SWATCH: i32 = 40;
/// Padding inside the legend frame.
pub(super) const LEGEND_PAD: i32 = 14;
/// Narrowest legend column (frame plus outside space).
pub(super) const LEGEND_MIN_WIDTH: u32 = 180;
/// Widest legend column; longer labels wrap onto more lines.
pub(super) const LEGEND_MAX_WIDTH: u32 = 330;
/// Name of the x axis of period charts.
pub(super) const FINANCIAL_YEAR: &str = "Financial year";

/// The evidence run's line and band (overlay on the fan chart), and the evidence's
/// intervals on the interval chart.
pub(super) const EVIDENCE: RGBColor = RGBColor(178, 24, 43);
/// Vertical offset of the plan's and the evidence's interval within a row.
pub(super) const INTERVAL_OFFSET: f64 = 0.16;
/// Stroke width of an interval.
pub(super) const INTERVAL_WIDTH: u32 = 6;
/// Distinct line colours for charts that overlay several series, in order of use: the
/// fan's dark blue first (the base or scenario A), then Okabe–Ito colours without yellow
/// and black (too light on white; taken by the zero line), then brown and grey.
pub(super) const SERIES: [RGBColor; 8] = [
    RGBColor(8, 48, 107),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(230, 159, 0),
    RGBColor(140, 81, 10),
    RGBColor(120, 120, 120),
];
/// Share of a chart's value range within which two lines count as one (the legend then
/// says that the later one lies on the earlier one).
pub(super) const COINCIDENT: f64 = 0.004;
/// Horizontal bars: the colours of series 1, 2 and 3 (blue, orange, grey).
pub(super) const HBAR_COLORS: [RGBColor; 3] = [
    RGBColor(49, 130, 189),
    RGBColor(230, 120, 60),
    RGBColor(150, 150, 150),
];
/// Horizontal bars: half the height of a row's band, in rows (rows are one unit apart).
pub(super) const HBAR_HALF_HEIGHT: f64 = 0.38;
/// Horizontal bars: widest row label line; longer labels wrap.
pub(super) const HBAR_LABEL_MAX_WIDTH: u32 = 300;
/// Horizontal bars: height of one line of a row label.
pub(super) const HBAR_LABEL_LINE: i32 = 21;
/// Horizontal bars: the values written at the bar ends.
pub(super) const HBAR_VALUE_SIZE: f64 = 16.0;
/// Interval whiskers.
pub(super) const WHISKER: RGBColor = RGBColor(20, 20, 20);
