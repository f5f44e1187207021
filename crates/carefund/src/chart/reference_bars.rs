//! Horizontal bars with a dashed vertical reference line, e.g. the EVPPI of each input
//! against the EVPI of the whole decision (which bounds every bar).

use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, DrawingBackend};

use super::canvas::{Draw, render};
use super::hbars::{HorizontalBars, horizontal_bars};
use super::{ChartError, Format};

/// [`HorizontalBars`] and one reference line.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReferenceBars {
    /// The bars.
    pub bars: HorizontalBars,
    /// Where the reference line is drawn, in the bars' unit.
    pub reference: f64,
    /// Its legend entry, e.g. `"EVPI £1.2m"`.
    pub reference_label: String,
}

/// Renders [`ReferenceBars`] as PNG or SVG bytes.
///
/// # Errors
/// As [`horizontal_bars`]; [`ChartError::Empty`] for a non-finite reference.
pub fn reference_bars(data: &ReferenceBars, format: Format) -> Result<Vec<u8>, ChartError> {
    if !data.reference.is_finite() {
        return Err(ChartError::Empty(
            "the reference line is not a finite number",
        ));
    }
    // Same checks as the plain bars (rows, series, lengths, finite values).
    horizontal_bars(&data.bars, format)?;
    render(data, format)
}

impl Draw for ReferenceBars {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        self.bars
            .draw_with_reference(root, Some((self.reference, &self.reference_label)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::BarRow;
    use crate::chart::testutil::{assert_png, assert_svg};

    #[test]
    fn renders_with_the_reference_in_the_legend() {
        let data = ReferenceBars {
            bars: HorizontalBars {
                title: "What knowing this better is worth".into(),
                x_label: "£k".into(),
                series: vec!["EVPPI".into()],
                show_values: true,
                rows: (0..4)
                    .map(|r| BarRow {
                        label: format!("input {r}"),
                        values: vec![10.0 - f64::from(r)],
                        ..BarRow::default()
                    })
                    .collect(),
                ..HorizontalBars::default()
            },
            reference: 14.0,
            reference_label: "EVPI £14k".into(),
        };
        assert_png(&reference_bars(&data, Format::Png).unwrap());
        let svg = reference_bars(&data, Format::Svg).unwrap();
        assert_svg(&svg, &data.bars.title);
        assert!(String::from_utf8(svg).unwrap().contains("EVPI £14k"));
        let mut bad = data.clone();
        bad.reference = f64::NAN;
        assert!(reference_bars(&bad, Format::Png).is_err());
    }
}
