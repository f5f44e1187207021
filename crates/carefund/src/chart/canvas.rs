//! What every chart shares: the font, the PNG/SVG backends, the header with title
//! and subtitle, the legend column, the mesh, and the bands and lines.

use std::sync::OnceLock;

use plotters::coord::ranged1d::{AsRangedCoord, Ranged, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::{CoordTranslate, Shift};
use plotters::element::DashedPathElement;
use plotters::prelude::{
    BitMapBackend, Cartesian2d, ChartBuilder, ChartContext, Circle, DrawingArea,
    DrawingAreaErrorKind, DrawingBackend, IntoDrawingArea, IntoFont, PathElement, Polygon,
    Rectangle, SVGBackend,
};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, FontStyle, RGBColor, ShapeStyle, TextStyle, WHITE};

use super::axis::{runs, thin_ticks, usable};
use super::style::{
    AXIS, AXIS_DESC_MIN_SIZE, AXIS_DESC_SIZE, DASH, DOT, FONT_FAMILY, GRID, HEADER_GAP_SUBTITLE,
    HEADER_GAP_TITLE_ONLY, HEADER_TITLE_ONLY, LEGEND_LINE, LEGEND_MAX_WIDTH, LEGEND_MIN_WIDTH,
    LEGEND_PAD, LEGEND_ROW, LEGEND_SIZE, LEGEND_SWATCH, LINE_WIDTH, LONE_BAND_HALF_WIDTH,
    MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARKER_RADIUS, SUBTITLE_LINE,
    SUBTITLE_SIZE, SUBTITLE_TOP, SUBTLE_TEXT, TEXT, TICK_SIZE, TITLE_LEFT, TITLE_LINE, TITLE_SIZE,
    TITLE_TOP, X_LABEL_AREA, Y_LABEL_AREA, Y_TICKS,
};
use super::{Band, ChartError, Format, HEIGHT, WIDTH};

/// DejaVu Sans (Bitstream Vera licence, see `DejaVuSans-LICENSE.txt` beside it).
static FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");

/// A chart that can draw itself on any plotters backend.
pub(super) trait Draw {
    /// Draws the whole chart on `root`, which is [`WIDTH`]×[`HEIGHT`] pixels.
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError>;
}

/// Registers the embedded font under [`FONT_FAMILY`], once per process.
fn ensure_font() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        plotters::style::register_font(FONT_FAMILY, FontStyle::Normal, FONT).is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err(ChartError::Draw(
            "the embedded DejaVu Sans font could not be loaded".into(),
        ))
    }
}

/// Registers the embedded font for a test that measures text itself.
#[cfg(test)]
pub(super) fn ensure_font_for_tests() {
    ensure_font().expect("the embedded font loads");
}

/// Turns a plotters error into a [`ChartError::Draw`].
pub(super) fn draw_err<E: std::error::Error + Send + Sync>(
    e: DrawingAreaErrorKind<E>,
) -> ChartError {
    ChartError::Draw(e.to_string())
}

/// Draws `chart` into memory as PNG file bytes or SVG text bytes.
pub(super) fn render(chart: &impl Draw, format: Format) -> Result<Vec<u8>, ChartError> {
    ensure_font()?;
    match format {
        Format::Png => {
            let mut rgb = vec![0u8; WIDTH as usize * HEIGHT as usize * 3];
            {
                let root =
                    BitMapBackend::with_buffer(&mut rgb, (WIDTH, HEIGHT)).into_drawing_area();
                chart.draw(&root)?;
                root.present().map_err(draw_err)?;
            }
            encode_png(&rgb)
        }
        Format::Svg => {
            let mut svg = String::new();
            {
                let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
                chart.draw(&root)?;
                root.present().map_err(draw_err)?;
            }
            Ok(svg.into_bytes())
        }
    }
}

/// Encodes an RGB buffer of [`WIDTH`]×[`HEIGHT`] pixels as a PNG file.
fn encode_png(rgb: &[u8]) -> Result<Vec<u8>, ChartError> {
    let encode = |e: png::EncodingError| ChartError::Encode(e.to_string());
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(encode)?;
    writer.write_image_data(rgb).map_err(encode)?;
    writer.finish().map_err(encode)?;
    Ok(out)
}

/// The text style of `size` pixels in `color`, anchored top left.
pub(super) fn text(size: f64, color: &RGBColor) -> TextStyle<'static> {
    (FONT_FAMILY, size).into_font().color(color)
}

/// `s` cut with an ellipsis so that it is at most `max` pixels wide in `style`.
///
/// The last resort only: text that can be wrapped is [wrapped](wrap) instead, and an axis
/// description is first drawn smaller (see [`draw_mesh`]).
pub(super) fn fit<DB: DrawingBackend, CT: CoordTranslate>(
    area: &DrawingArea<DB, CT>,
    s: &str,
    style: &TextStyle,
    max: u32,
) -> Result<String, ChartError> {
    let width = |t: &str| text_width(area, t, style);
    if width(s)? <= max {
        return Ok(s.to_owned());
    }
    // No line of the chart holds more than a few hundred characters.
    let mut chars: Vec<char> = s.chars().take(400).collect();
    while !chars.is_empty() {
        chars.pop();
        let candidate: String = chars.iter().collect::<String>().trim_end().to_owned() + "…";
        if width(&candidate)? <= max {
            return Ok(candidate);
        }
    }
    Ok("…".to_owned())
}

/// Width in pixels of `s` drawn in `style` with the embedded font.
pub(super) fn text_width<DB: DrawingBackend, CT: CoordTranslate>(
    area: &DrawingArea<DB, CT>,
    s: &str,
    style: &TextStyle,
) -> Result<u32, ChartError> {
    if s.is_empty() {
        return Ok(0);
    }
    area.estimate_text_size(s, style)
        .map(|(w, _)| w)
        .map_err(draw_err)
}

/// `s` broken at ASCII spaces into lines at most `max` pixels wide in `style` (measured with
/// the embedded font). Words are never cut: a single word wider than `max` gets a line
/// of its own. Blank text gives no line.
pub(super) fn wrap<DB: DrawingBackend, CT: CoordTranslate>(
    area: &DrawingArea<DB, CT>,
    s: &str,
    style: &TextStyle,
    max: u32,
) -> Result<Vec<String>, ChartError> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    // Only ASCII spaces break a line: a no-break space (U+00A0) keeps "≥ 50%" together.
    for word in s.split([' ', '\t', '\n']).filter(|w| !w.is_empty()) {
        if line.is_empty() {
            line.push_str(word);
            continue;
        }
        let candidate = format!("{line} {word}");
        if text_width(area, &candidate, style)? <= max {
            line = candidate;
        } else {
            lines.push(std::mem::replace(&mut line, word.to_owned()));
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    Ok(lines)
}

/// Makes `labels` unique by numbering repeats: `"Base"`, `"Base (2)"`, …
pub(super) fn unique_labels(labels: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for label in labels {
        let mut candidate = label.clone();
        let mut k = 2;
        while out.contains(&candidate) {
            candidate = format!("{label} ({k})");
            k += 1;
        }
        out.push(candidate);
    }
    out
}

/// What a legend entry shows beside its label.
#[derive(Debug, Clone, Copy)]
pub(super) enum Swatch {
    /// A filled box (a band or bar).
    Fill(ShapeStyle),
    /// A box filled with one style and outlined in a colour (a translucent band with
    /// its edges drawn).
    Outlined(ShapeStyle, RGBColor),
    /// A solid line.
    Line(RGBColor),
    /// A dashed line.
    Dashed(RGBColor),
    /// A dotted line (short dashes).
    Dotted(RGBColor),
    /// A solid line with a round marker.
    LineMarker(RGBColor),
    /// A thin solid line (the zero line).
    Thin(RGBColor),
}

/// One legend entry.
#[derive(Debug, Clone)]
pub(super) struct LegendItem {
    /// The text.
    pub label: String,
    /// The symbol beside it.
    pub swatch: Swatch,
}

impl LegendItem {
    /// A legend entry.
    pub fn new(label: impl Into<String>, swatch: Swatch) -> Self {
        Self {
            label: label.into(),
            swatch,
        }
    }
}

#[cfg(test)]
thread_local! {
    /// The legend labels of the last chart framed on this thread, for the tests.
    pub(super) static LAST_LEGEND: std::cell::RefCell<Vec<String>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// Fills the canvas, draws the title and the subtitle (if not blank), each wrapped
/// over as many lines as they need, and the legend column on the right, and returns
/// the area left for the chart itself.
pub(super) fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: &str,
    legend: &[LegendItem],
) -> Result<DrawingArea<DB, Shift>, ChartError> {
    root.fill(&WHITE).map_err(draw_err)?;
    let text_room = WIDTH - 2 * TITLE_LEFT.unsigned_abs();
    let title_style = text(TITLE_SIZE, &TEXT);
    let mut y = TITLE_TOP;
    for line in wrap(root, title, &title_style, text_room)? {
        root.draw_text(&line, &title_style, (TITLE_LEFT, y))
            .map_err(draw_err)?;
        y += TITLE_LINE;
    }
    let style = text(SUBTITLE_SIZE, &SUBTLE_TEXT);
    let sub = wrap(root, subtitle, &style, text_room)?;
    if sub.is_empty() {
        y += HEADER_GAP_TITLE_ONLY;
    } else {
        y += SUBTITLE_TOP - TITLE_TOP - TITLE_LINE;
        for line in &sub {
            root.draw_text(line, &style, (TITLE_LEFT, y))
                .map_err(draw_err)?;
            y += SUBTITLE_LINE;
        }
        y += HEADER_GAP_SUBTITLE;
    }
    let header = y.max(HEADER_TITLE_ONLY.cast_signed()).unsigned_abs();
    let (_, body) = root.split_vertically(header);
    let labels = unique_labels(legend.iter().map(|item| item.label.trim().to_owned()));
    #[cfg(test)]
    LAST_LEGEND.with(|l| l.replace(labels.clone()));
    if legend.is_empty() {
        return Ok(body);
    }
    let fixed = (LEGEND_SWATCH + 3 * LEGEND_PAD + LEGEND_PAD).unsigned_abs();
    let (body_width, body_height) = body.dim_in_pixel();
    // The legend must fit the height below the header: if it does not, it gets a wider
    // column (fewer wrapped lines), then smaller text.
    let room = i64::from(body_height) - i64::from(MARGIN_TOP) - 2 * i64::from(LEGEND_PAD);
    let mut chosen = None;
    for (max_width, size) in LEGEND_FALLBACKS {
        let layout = LegendLayout::new(size);
        let style = text(size, &TEXT);
        let mut wrapped = Vec::with_capacity(legend.len());
        let mut widest = 0;
        for label in &labels {
            let lines = wrap(root, label, &style, max_width - fixed)?;
            for line in &lines {
                widest = widest.max(text_width(root, line, &style)?);
            }
            wrapped.push(lines);
        }
        let height: i64 = wrapped
            .iter()
            .map(|l| i64::from(layout.row_height(l)))
            .sum();
        let fits = height <= room;
        chosen = Some((wrapped, widest, max_width, layout));
        if fits {
            break;
        }
    }
    let Some((wrapped, widest, max_width, layout)) = chosen else {
        return Ok(body);
    };
    let legend_width = (widest + fixed).clamp(LEGEND_MIN_WIDTH, max_width.max(widest + fixed));
    let (plot, column) = body.split_horizontally(body_width.saturating_sub(legend_width));
    draw_legend(&column, legend, &wrapped, layout)?;
    Ok(plot)
}

/// The legend's column widths and text sizes to try in turn, until it fits the height.
const LEGEND_FALLBACKS: [(u32, f64); 4] = [
    (LEGEND_MAX_WIDTH, LEGEND_SIZE),
    (LEGEND_MAX_WIDTH + 90, LEGEND_SIZE),
    (LEGEND_MAX_WIDTH + 90, LEGEND_SIZE - 3.0),
    (LEGEND_MAX_WIDTH + 150, LEGEND_SIZE - 5.0),
];

/// Text size and row heights of a legend.
#[derive(Debug, Clone, Copy)]
struct LegendLayout {
    /// Text size.
    size: f64,
    /// Height of a one-line row.
    row: i32,
    /// Height added per extra line.
    line: i32,
}

impl LegendLayout {
    /// The layout for text of `size`, rows scaled from [`LEGEND_ROW`] and [`LEGEND_LINE`].
    fn new(size: f64) -> Self {
        let scale = size / LEGEND_SIZE;
        Self {
            size,
            row: (f64::from(LEGEND_ROW) * scale).round() as i32,
            line: (f64::from(LEGEND_LINE) * scale).round() as i32,
        }
    }

    /// Height of the row of an entry of `lines`.
    fn row_height(&self, lines: &[String]) -> i32 {
        self.row + self.line * i32::try_from(lines.len().max(1) - 1).unwrap_or(0)
    }
}

/// Draws the legend frame and entries at the top of `column`; an entry of several
/// lines gets a taller row.
fn draw_legend<DB: DrawingBackend>(
    column: &DrawingArea<DB, Shift>,
    items: &[LegendItem],
    labels: &[Vec<String>],
    layout: LegendLayout,
) -> Result<(), ChartError> {
    let (w, _) = column.dim_in_pixel();
    let right = i32::try_from(w).unwrap_or(i32::MAX) - LEGEND_PAD;
    let top = MARGIN_TOP.cast_signed();
    let row_height = |lines: &Vec<String>| layout.row_height(lines);
    let bottom = top + 2 * LEGEND_PAD + labels.iter().map(row_height).sum::<i32>();
    column
        .draw(&Rectangle::new([(0, top), (right, bottom)], WHITE.filled()))
        .map_err(draw_err)?;
    column
        .draw(&Rectangle::new(
            [(0, top), (right, bottom)],
            AXIS.stroke_width(1),
        ))
        .map_err(draw_err)?;
    let style = text(layout.size, &TEXT).pos(Pos::new(HPos::Left, VPos::Center));
    let x0 = LEGEND_PAD;
    let x1 = x0 + LEGEND_SWATCH;
    let mut row_top = top + LEGEND_PAD;
    for (item, lines) in items.iter().zip(labels) {
        let h = row_height(lines);
        let cy = row_top + h / 2;
        let line = |color: RGBColor, width: u32| {
            PathElement::new(vec![(x0, cy), (x1, cy)], color.stroke_width(width))
        };
        let drawn = match item.swatch {
            Swatch::Fill(style) => {
                column.draw(&Rectangle::new([(x0, cy - 9), (x1, cy + 9)], style))
            }
            Swatch::Outlined(fill, edge) => column
                .draw(&Rectangle::new([(x0, cy - 9), (x1, cy + 9)], fill))
                .and_then(|()| {
                    column.draw(&Rectangle::new(
                        [(x0, cy - 9), (x1, cy + 9)],
                        edge.stroke_width(2),
                    ))
                }),
            Swatch::Line(color) => column.draw(&line(color, LINE_WIDTH)),
            Swatch::Thin(color) => column.draw(&line(color, 2)),
            Swatch::Dashed(color) => column
                .draw(&PathElement::new(
                    vec![(x0, cy), (x0 + 15, cy)],
                    color.stroke_width(LINE_WIDTH),
                ))
                .and_then(|()| {
                    column.draw(&PathElement::new(
                        vec![(x1 - 15, cy), (x1, cy)],
                        color.stroke_width(LINE_WIDTH),
                    ))
                }),
            Swatch::Dotted(color) => (0..4).try_for_each(|k| {
                let a = x0 + k * 11;
                column.draw(&PathElement::new(
                    vec![(a, cy), (a + 5, cy)],
                    color.stroke_width(LINE_WIDTH),
                ))
            }),
            Swatch::LineMarker(color) => column.draw(&line(color, LINE_WIDTH)).and_then(|()| {
                column.draw(&Circle::new(
                    ((x0 + x1) / 2, cy),
                    MARKER_RADIUS,
                    color.filled(),
                ))
            }),
        };
        drawn.map_err(draw_err)?;
        let n = i32::try_from(lines.len()).unwrap_or(1);
        let first = cy - layout.line * (n - 1) / 2;
        for (k, text_line) in (0..).zip(lines) {
            column
                .draw_text(
                    text_line,
                    &style,
                    (x1 + LEGEND_PAD, first + k * layout.line),
                )
                .map_err(draw_err)?;
        }
        row_top += h;
    }
    Ok(())
}

/// A chart context with cartesian coordinates.
pub(super) type Chart<'a, DB, X, Y> = ChartContext<'a, DB, Cartesian2d<X, Y>>;

/// A chart with the shared margins and label areas on `area`.
pub(super) fn cartesian<'a, DB, X, Y>(
    area: &'a DrawingArea<DB, Shift>,
    x: X,
    y: Y,
) -> Result<Chart<'a, DB, X::CoordDescType, Y::CoordDescType>, ChartError>
where
    DB: DrawingBackend,
    X: AsRangedCoord,
    Y: AsRangedCoord,
{
    ChartBuilder::on(area)
        .margin_top(MARGIN_TOP)
        .margin_right(MARGIN_RIGHT)
        .margin_bottom(MARGIN_BOTTOM)
        .margin_left(MARGIN_LEFT)
        .x_label_area_size(X_LABEL_AREA)
        .y_label_area_size(Y_LABEL_AREA)
        .build_cartesian_2d(x, y)
        .map_err(draw_err)
}

/// [`cartesian`] with an x label area `x_label_area` pixels high (for wrapped labels).
pub(super) fn cartesian_with<'a, DB, X, Y>(
    area: &'a DrawingArea<DB, Shift>,
    x: X,
    y: Y,
    x_label_area: u32,
) -> Result<Chart<'a, DB, X::CoordDescType, Y::CoordDescType>, ChartError>
where
    DB: DrawingBackend,
    X: AsRangedCoord,
    Y: AsRangedCoord,
{
    ChartBuilder::on(area)
        .margin_top(MARGIN_TOP)
        .margin_right(MARGIN_RIGHT)
        .margin_bottom(MARGIN_BOTTOM)
        .margin_left(MARGIN_LEFT)
        .x_label_area_size(x_label_area)
        .y_label_area_size(Y_LABEL_AREA)
        .build_cartesian_2d(x, y)
        .map_err(draw_err)
}

/// Width in pixels of the plotting area (inside the axes) that [`cartesian`] leaves on `area`.
pub(super) fn plot_width<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>) -> u32 {
    let (w, _) = area.dim_in_pixel();
    w.saturating_sub(MARGIN_LEFT + MARGIN_RIGHT + Y_LABEL_AREA)
        .max(1)
}

/// Width in pixels of the widest of `labels` as a tick label.
fn widest_tick<'s, DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    labels: impl IntoIterator<Item = &'s str>,
) -> Result<u32, ChartError> {
    let style = text(TICK_SIZE, &TEXT);
    let mut widest = 0;
    for label in labels {
        let (w, _) = area.estimate_text_size(label, &style).map_err(draw_err)?;
        widest = widest.max(w);
    }
    Ok(widest)
}

/// Keeps as many of `ticks` (index, label) as fit without overlapping labels on
/// the plotting area [`cartesian`] leaves on `area`, for an x range `x_span` indices wide.
pub(super) fn fitting_ticks<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    ticks: Vec<(usize, String)>,
    x_span: f64,
) -> Result<Vec<(usize, String)>, ChartError> {
    let widest = widest_tick(area, ticks.iter().map(|(_, l)| l.as_str()))?;
    let px_per_index = f64::from(plot_width(area)) / x_span;
    Ok(thin_ticks(ticks, px_per_index, widest))
}

/// The largest text style, from [`AXIS_DESC_SIZE`] down to [`AXIS_DESC_MIN_SIZE`], in
/// which `desc` fits in `room` pixels, and `desc` itself (cut with an ellipsis only if
/// it does not fit even at the smallest size).
pub(super) fn axis_desc<DB: DrawingBackend, CT: CoordTranslate>(
    area: &DrawingArea<DB, CT>,
    desc: &str,
    room: u32,
) -> Result<(String, TextStyle<'static>), ChartError> {
    let desc = desc.trim();
    let mut size = AXIS_DESC_SIZE;
    while size > AXIS_DESC_MIN_SIZE {
        let style = text(size, &TEXT);
        if text_width(area, desc, &style)? <= room {
            return Ok((desc.to_owned(), style));
        }
        size -= 1.0;
    }
    let style = text(AXIS_DESC_MIN_SIZE, &TEXT);
    Ok((fit(area, desc, &style, room)?, style))
}

/// Draws axes, grid lines at the ticks, tick labels and axis descriptions (drawn
/// smaller if longer than their axis, see [`axis_desc`]).
pub(super) fn draw_mesh<DB, X>(
    chart: &mut ChartContext<'_, DB, Cartesian2d<X, RangedCoordf64>>,
    x_desc: &str,
    y_desc: &str,
    x_fmt: &dyn Fn(&f64) -> String,
    y_fmt: &dyn Fn(&f64) -> String,
) -> Result<(), ChartError>
where
    DB: DrawingBackend,
    X: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    let (width, height) = chart.plotting_area().dim_in_pixel();
    let (x_desc, x_style) = axis_desc(chart.plotting_area(), x_desc, width)?;
    let (y_desc, y_style) = axis_desc(chart.plotting_area(), y_desc, height)?;
    // Plotters draws both descriptions in one style: the smaller of the two.
    let style = if x_style.font.get_size() < y_style.font.get_size() {
        x_style
    } else {
        y_style
    };
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .axis_desc_style(style)
        .label_style(text(TICK_SIZE, &TEXT))
        .x_label_formatter(x_fmt)
        .y_label_formatter(y_fmt)
        .y_labels(Y_TICKS)
        .bold_line_style(GRID.stroke_width(1))
        .light_line_style(WHITE.mix(0.0))
        .axis_style(AXIS.stroke_width(1))
        .draw()
        .map_err(draw_err)
}

/// The plotting area of a chart with f64 coordinates on both axes.
pub(super) type Plot<DB, X> = DrawingArea<DB, Cartesian2d<X, RangedCoordf64>>;

/// Where the value of period `i` is drawn: at the period's end, `i + 1` (the axis runs
/// from 0, the start of the first period, to `n`, the end of the last; see
/// [`period_range`](super::axis::period_range)).
pub(super) fn period_end(i: usize) -> f64 {
    (i + 1) as f64
}

/// Fills the band between `band.lower` and `band.upper` (period values at period ends),
/// skipping periods where either is not [`usable`]; a lone period becomes a narrow box.
/// With `start`, the band also runs from that value at x = 0 (the start of the first
/// period) to the first period's end, e.g. 0 for a cumulative quantity.
pub(super) fn draw_band<DB, X>(
    area: &Plot<DB, X>,
    band: &Band,
    style: ShapeStyle,
    start: Option<f64>,
) -> Result<(), ChartError>
where
    DB: DrawingBackend,
    X: Ranged<ValueType = f64>,
{
    let (lower, upper) = (&band.lower, &band.upper);
    let n = lower.len().min(upper.len());
    let start = start.filter(|s| usable(*s));
    for run in runs(n, |i| usable(lower[i]) && usable(upper[i])) {
        let from_start = start.filter(|_| run.start == 0);
        if run.len() == 1 && from_start.is_none() {
            let x = period_end(run.start);
            let rect = Rectangle::new(
                [
                    (x - LONE_BAND_HALF_WIDTH, lower[run.start]),
                    (x + LONE_BAND_HALF_WIDTH, upper[run.start]),
                ],
                style,
            );
            area.draw(&rect).map_err(draw_err)?;
        } else {
            let mut points: Vec<(f64, f64)> = from_start.map(|s| (0.0, s)).into_iter().collect();
            points.extend(run.clone().map(|i| (period_end(i), upper[i])));
            points.extend(run.rev().map(|i| (period_end(i), lower[i])));
            area.draw(&Polygon::new(points, style)).map_err(draw_err)?;
        }
    }
    Ok(())
}

/// How a line is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stroke {
    /// Solid.
    Solid,
    /// Long dashes.
    Dashed,
    /// Short dashes.
    Dotted,
}

/// Draws `values` (period values at period ends) as a line, with gaps where a value is
/// not [`usable`]; a lone finite value becomes a marker. With `start`, the line starts
/// from that value at x = 0 (the start of the first period).
pub(super) fn draw_line<DB, X>(
    area: &Plot<DB, X>,
    values: &[f64],
    color: RGBColor,
    stroke: Stroke,
    start: Option<f64>,
) -> Result<(), ChartError>
where
    DB: DrawingBackend,
    X: Ranged<ValueType = f64>,
{
    draw_line_at(area, values, period_end, color, stroke, start)
}

/// [`draw_line`] with the x position of value `i` given by `x`.
pub(super) fn draw_line_at<DB, X>(
    area: &Plot<DB, X>,
    values: &[f64],
    x: fn(usize) -> f64,
    color: RGBColor,
    stroke: Stroke,
    start: Option<f64>,
) -> Result<(), ChartError>
where
    DB: DrawingBackend,
    X: Ranged<ValueType = f64>,
{
    let style = color.stroke_width(LINE_WIDTH);
    let start = start.filter(|s| usable(*s));
    for run in runs(values.len(), |i| usable(values[i])) {
        let from_start = start.filter(|_| run.start == 0);
        let mut points: Vec<(f64, f64)> = from_start.map(|s| (x(0) - 1.0, s)).into_iter().collect();
        points.extend(run.clone().map(|i| (x(i), values[i])));
        let drawn = if points.len() == 1 {
            area.draw(&Circle::new(points[0], MARKER_RADIUS, color.filled()))
        } else {
            match stroke {
                Stroke::Solid => area.draw(&PathElement::new(points, style)),
                Stroke::Dashed => area.draw(&DashedPathElement::new(points, DASH.0, DASH.1, style)),
                Stroke::Dotted => area.draw(&DashedPathElement::new(points, DOT.0, DOT.1, style)),
            }
        };
        drawn.map_err(draw_err)?;
    }
    Ok(())
}

/// Draws a horizontal line at `y` across the x range of `area`.
pub(super) fn draw_hline<DB, X>(
    area: &Plot<DB, X>,
    y: f64,
    style: ShapeStyle,
) -> Result<(), ChartError>
where
    DB: DrawingBackend,
    X: Ranged<ValueType = f64>,
{
    let x = area.get_x_range();
    area.draw(&PathElement::new(vec![(x.start, y), (x.end, y)], style))
        .map_err(draw_err)
}
