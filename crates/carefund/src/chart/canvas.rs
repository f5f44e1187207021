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
    AXIS, AXIS_DESC_SIZE, DASH, FONT_FAMILY, GRID, HEADER_TITLE_ONLY, HEADER_WITH_SUBTITLE,
    LEGEND_MAX_WIDTH, LEGEND_MIN_WIDTH, LEGEND_PAD, LEGEND_ROW, LEGEND_SIZE, LEGEND_SWATCH,
    LINE_WIDTH, LONE_BAND_HALF_WIDTH, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP,
    MARKER_RADIUS, SUBTITLE_SIZE, SUBTITLE_TOP, SUBTLE_TEXT, TEXT, TICK_SIZE, TITLE_LEFT,
    TITLE_SIZE, TITLE_TOP, X_LABEL_AREA, Y_LABEL_AREA, Y_TICKS,
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
pub(super) fn fit<DB: DrawingBackend, CT: CoordTranslate>(
    area: &DrawingArea<DB, CT>,
    s: &str,
    style: &TextStyle,
    max: u32,
) -> Result<String, ChartError> {
    let width = |t: &str| {
        area.estimate_text_size(t, style)
            .map(|(w, _)| w)
            .map_err(draw_err)
    };
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

/// What a legend entry shows beside its label.
#[derive(Debug, Clone, Copy)]
pub(super) enum Swatch {
    /// A filled box (a band or bar).
    Fill(ShapeStyle),
    /// A solid line.
    Line(RGBColor),
    /// A dashed line.
    Dashed(RGBColor),
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

/// Fills the canvas, draws the title, the subtitle (if not blank) and the legend
/// column on the right, and returns the area left for the chart itself.
pub(super) fn frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    subtitle: &str,
    legend: &[LegendItem],
) -> Result<DrawingArea<DB, Shift>, ChartError> {
    root.fill(&WHITE).map_err(draw_err)?;
    let text_room = WIDTH - 2 * TITLE_LEFT.unsigned_abs();
    let title_style = text(TITLE_SIZE, &TEXT);
    let title = fit(root, title.trim(), &title_style, text_room)?;
    root.draw_text(&title, &title_style, (TITLE_LEFT, TITLE_TOP))
        .map_err(draw_err)?;
    let header = if subtitle.trim().is_empty() {
        HEADER_TITLE_ONLY
    } else {
        let style = text(SUBTITLE_SIZE, &SUBTLE_TEXT);
        let subtitle = fit(root, subtitle.trim(), &style, text_room)?;
        root.draw_text(&subtitle, &style, (TITLE_LEFT, SUBTITLE_TOP))
            .map_err(draw_err)?;
        HEADER_WITH_SUBTITLE
    };
    let (_, body) = root.split_vertically(header);
    if legend.is_empty() {
        return Ok(body);
    }
    let style = text(LEGEND_SIZE, &TEXT);
    let fixed = (LEGEND_SWATCH + 3 * LEGEND_PAD + LEGEND_PAD).unsigned_abs();
    let mut labels = Vec::with_capacity(legend.len());
    let mut widest = 0;
    for item in legend {
        let label = fit(root, &item.label, &style, LEGEND_MAX_WIDTH - fixed)?;
        let (w, _) = root.estimate_text_size(&label, &style).map_err(draw_err)?;
        widest = widest.max(w);
        labels.push(label);
    }
    let legend_width = (widest + fixed).clamp(LEGEND_MIN_WIDTH, LEGEND_MAX_WIDTH);
    let (body_width, _) = body.dim_in_pixel();
    let (plot, column) = body.split_horizontally(body_width.saturating_sub(legend_width));
    draw_legend(&column, legend, &labels)?;
    Ok(plot)
}

/// Draws the legend frame and entries at the top of `column`.
fn draw_legend<DB: DrawingBackend>(
    column: &DrawingArea<DB, Shift>,
    items: &[LegendItem],
    labels: &[String],
) -> Result<(), ChartError> {
    let (w, _) = column.dim_in_pixel();
    let right = i32::try_from(w).unwrap_or(i32::MAX) - LEGEND_PAD;
    let top = MARGIN_TOP.cast_signed();
    let rows = i32::try_from(items.len()).unwrap_or(i32::MAX / LEGEND_ROW);
    let bottom = top + 2 * LEGEND_PAD + rows * LEGEND_ROW;
    column
        .draw(&Rectangle::new([(0, top), (right, bottom)], WHITE.filled()))
        .map_err(draw_err)?;
    column
        .draw(&Rectangle::new(
            [(0, top), (right, bottom)],
            AXIS.stroke_width(1),
        ))
        .map_err(draw_err)?;
    let style = text(LEGEND_SIZE, &TEXT).pos(Pos::new(HPos::Left, VPos::Center));
    let x0 = LEGEND_PAD;
    let x1 = x0 + LEGEND_SWATCH;
    for (row, (item, label)) in (0..).zip(items.iter().zip(labels)) {
        let cy = top + LEGEND_PAD + row * LEGEND_ROW + LEGEND_ROW / 2;
        let line = |color: RGBColor, width: u32| {
            PathElement::new(vec![(x0, cy), (x1, cy)], color.stroke_width(width))
        };
        let drawn = match item.swatch {
            Swatch::Fill(style) => {
                column.draw(&Rectangle::new([(x0, cy - 9), (x1, cy + 9)], style))
            }
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
            Swatch::LineMarker(color) => column.draw(&line(color, LINE_WIDTH)).and_then(|()| {
                column.draw(&Circle::new(
                    ((x0 + x1) / 2, cy),
                    MARKER_RADIUS,
                    color.filled(),
                ))
            }),
        };
        drawn.map_err(draw_err)?;
        column
            .draw_text(label, &style, (x1 + LEGEND_PAD, cy))
            .map_err(draw_err)?;
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

/// Width in pixels of the plotting area (inside the axes) that [`cartesian`] leaves on `area`.
fn plot_width<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>) -> u32 {
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

/// Draws axes, grid lines at the ticks, tick labels and axis descriptions (cut
/// with an ellipsis if longer than their axis).
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
    let style = text(AXIS_DESC_SIZE, &TEXT);
    let (width, height) = chart.plotting_area().dim_in_pixel();
    let x_desc = fit(chart.plotting_area(), x_desc.trim(), &style, width)?;
    let y_desc = fit(chart.plotting_area(), y_desc.trim(), &style, height)?;
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .axis_desc_style(text(AXIS_DESC_SIZE, &TEXT))
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

/// Fills the band between `band.lower` and `band.upper` (x = period index), skipping
/// periods where either is not [`usable`]; a lone period becomes a narrow box.
pub(super) fn draw_band<DB, X>(
    area: &Plot<DB, X>,
    band: &Band,
    style: ShapeStyle,
) -> Result<(), ChartError>
where
    DB: DrawingBackend,
    X: Ranged<ValueType = f64>,
{
    let (lower, upper) = (&band.lower, &band.upper);
    let n = lower.len().min(upper.len());
    for run in runs(n, |i| usable(lower[i]) && usable(upper[i])) {
        if run.len() == 1 {
            let x = run.start as f64;
            let rect = Rectangle::new(
                [
                    (x - LONE_BAND_HALF_WIDTH, lower[run.start]),
                    (x + LONE_BAND_HALF_WIDTH, upper[run.start]),
                ],
                style,
            );
            area.draw(&rect).map_err(draw_err)?;
        } else {
            let mut points: Vec<(f64, f64)> = run.clone().map(|i| (i as f64, upper[i])).collect();
            points.extend(run.rev().map(|i| (i as f64, lower[i])));
            area.draw(&Polygon::new(points, style)).map_err(draw_err)?;
        }
    }
    Ok(())
}

/// Draws `values` (x = period index) as a solid or dashed line, with gaps where a
/// value is not [`usable`]; a lone finite value becomes a marker.
pub(super) fn draw_line<DB, X>(
    area: &Plot<DB, X>,
    values: &[f64],
    color: RGBColor,
    dashed: bool,
) -> Result<(), ChartError>
where
    DB: DrawingBackend,
    X: Ranged<ValueType = f64>,
{
    let style = color.stroke_width(LINE_WIDTH);
    for run in runs(values.len(), |i| usable(values[i])) {
        let points: Vec<(f64, f64)> = run.clone().map(|i| (i as f64, values[i])).collect();
        let drawn = if run.len() == 1 {
            area.draw(&Circle::new(points[0], MARKER_RADIUS, color.filled()))
        } else if dashed {
            area.draw(&DashedPathElement::new(points, DASH.0, DASH.1, style))
        } else {
            area.draw(&PathElement::new(points, style))
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
