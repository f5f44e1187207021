//! Horizontal bars with labels and error whiskers (e.g. P(break even) per stress).

use plotters::coord::Shift;
use plotters::prelude::{ChartBuilder, DrawingArea, DrawingBackend, PathElement, Rectangle};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, WHITE};

use super::axis::{decimals_for, format_number, usable};
use super::canvas::{Draw, LegendItem, Swatch, draw_err, frame, render, text};
use super::style::{
    AXIS, AXIS_DESC_SIZE, BAR_HALF_WIDTH, GRID, HBAR, HBAR_LABEL_AREA, MARGIN_BOTTOM, MARGIN_RIGHT,
    MARGIN_TOP, TEXT, TICK_SIZE, WHISKER, X_LABEL_AREA,
};
use super::{ChartError, Format};

/// One bar.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HBar {
    /// The category label, written left of the bar.
    pub label: String,
    /// The bar's length, in the display unit.
    pub value: f64,
    /// Half the whisker's length (e.g. 1.96 standard errors); 0 for none.
    pub whisker: f64,
}

/// Horizontal bars, top to bottom in the order given, on an axis from `min` to `max`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HBars {
    /// The title.
    pub title: String,
    /// The line under the title; blank for none.
    pub subtitle: String,
    /// The x-axis description with its unit.
    pub x_label: String,
    /// The bars.
    pub bars: Vec<HBar>,
    /// The axis range, e.g. 0 to 100 for a percentage.
    pub range: (f64, f64),
    /// The legend entry of the whiskers; blank for no legend.
    pub whisker_label: String,
    /// Text written after each bar's end; `None` writes the value.
    pub value_labels: Option<Vec<String>>,
}

/// Renders [`HBars`] as PNG or SVG bytes.
///
/// # Errors
/// [`ChartError::Empty`] with no bars or an unusable range; [`ChartError::Draw`] or
/// [`ChartError::Encode`] if plotters or the PNG encoder fail.
pub fn hbars(data: &HBars, format: Format) -> Result<Vec<u8>, ChartError> {
    let (lo, hi) = data.range;
    if data.bars.is_empty() || !(usable(lo) && usable(hi) && lo < hi) {
        return Err(ChartError::Empty("the bar chart has no bars or no range"));
    }
    render(data, format)
}

impl Draw for HBars {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        let legend = if self.whisker_label.trim().is_empty() {
            vec![]
        } else {
            vec![LegendItem::new(
                self.whisker_label.clone(),
                Swatch::Thin(WHISKER),
            )]
        };
        let plot = frame(root, &self.title, &self.subtitle, &legend)?;
        let n = self.bars.len();
        let (x0, x1) = self.range;
        let mut chart = ChartBuilder::on(&plot)
            .margin_top(MARGIN_TOP)
            .margin_right(MARGIN_RIGHT + 60)
            .margin_bottom(MARGIN_BOTTOM)
            .x_label_area_size(X_LABEL_AREA)
            .y_label_area_size(HBAR_LABEL_AREA)
            .build_cartesian_2d(x0..x1, -0.5..(n as f64 - 0.5))
            .map_err(draw_err)?;
        let decimals = decimals_for(x1 - x0);
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_desc(self.x_label.trim())
            .axis_desc_style(text(AXIS_DESC_SIZE, &TEXT))
            .label_style(text(TICK_SIZE, &TEXT))
            .x_label_formatter(&|x| format_number(*x, decimals))
            .bold_line_style(GRID.stroke_width(1))
            .light_line_style(WHITE.mix(0.0))
            .axis_style(AXIS.stroke_width(1))
            .draw()
            .map_err(draw_err)?;
        let label_style = text(TICK_SIZE, &TEXT).pos(Pos::new(HPos::Right, VPos::Center));
        let value_style = text(TICK_SIZE, &TEXT).pos(Pos::new(HPos::Left, VPos::Center));
        for (i, bar) in self.bars.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            let (px, py) = chart.backend_coord(&(x0, y));
            let label: String = if bar.label.chars().count() > 30 {
                bar.label.chars().take(29).collect::<String>() + "…"
            } else {
                bar.label.clone()
            };
            root.draw_text(&label, &label_style, (px - 12, py))
                .map_err(draw_err)?;
            if !usable(bar.value) {
                continue;
            }
            let v = bar.value.clamp(x0, x1);
            let area = chart.plotting_area();
            area.draw(&Rectangle::new(
                [(x0, y - BAR_HALF_WIDTH), (v, y + BAR_HALF_WIDTH)],
                HBAR.filled(),
            ))
            .map_err(draw_err)?;
            let mut end = v;
            if bar.whisker > 0.0 && usable(bar.whisker) {
                let (a, b) = (
                    (bar.value - bar.whisker).max(x0),
                    (bar.value + bar.whisker).min(x1),
                );
                end = end.max(b);
                let style = WHISKER.stroke_width(2);
                area.draw(&PathElement::new(vec![(a, y), (b, y)], style))
                    .map_err(draw_err)?;
                for x in [a, b] {
                    area.draw(&PathElement::new(
                        vec![(x, y - BAR_HALF_WIDTH / 2.0), (x, y + BAR_HALF_WIDTH / 2.0)],
                        style,
                    ))
                    .map_err(draw_err)?;
                }
            }
            let note = self
                .value_labels
                .as_ref()
                .and_then(|l| l.get(i).cloned())
                .unwrap_or_else(|| format_number(bar.value, decimals));
            let (ex, ey) = chart.backend_coord(&(end, y));
            root.draw_text(&note, &value_style, (ex + 8, ey))
                .map_err(draw_err)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::testutil::{assert_png, assert_svg};

    #[test]
    fn renders_png_and_svg() {
        let data = HBars {
            title: "P(break even) by stress".into(),
            subtitle: "whiskers ±1.96 SE".into(),
            x_label: "P(break even), %".into(),
            bars: vec![
                HBar {
                    label: "Base".into(),
                    value: 42.0,
                    whisker: 3.0,
                },
                HBar {
                    label: "A very long stress name that will not fit at all".into(),
                    value: 0.0,
                    whisker: 0.0,
                },
            ],
            range: (0.0, 100.0),
            whisker_label: "±1.96 SE".into(),
            value_labels: None,
        };
        assert_png(&hbars(&data, Format::Png).unwrap());
        assert_svg(&hbars(&data, Format::Svg).unwrap(), &data.title);
        assert!(matches!(
            hbars(&HBars::default(), Format::Png),
            Err(ChartError::Empty(_))
        ));
    }
}
