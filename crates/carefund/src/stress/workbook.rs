//! Stresses in a scenario workbook (docs/model.md §8–§9): the Stresses sheet read as a
//! stress file, and a stress file laid out on it.
//!
//! The sheet holds one row per op: the stress's name (the same on each of its rows, which
//! follow one another), its description, the operation (`scale`, `shift`, `set` or
//! `never release capacity`), the selector, the value (a form and parameters for `set`)
//! and a Source that becomes the stress file's comment. It is read into the stress file a
//! user would have written and checked by [`parse`], so the rules are the
//! same; every message names the sheet and cell (`Stresses!D5`), including those of
//! [`Overlay::apply`] later, such as a selector that matches no input.

use super::file::parse;
use super::overlay::{Origin, Overlay};
use crate::error::Result;
use crate::scenario::{Scenario, workbook};

/// A workbook's Stresses sheet, read and checked.
#[derive(Debug, Clone)]
pub struct StressSheet {
    /// The sheet as a stress file (TOML, Source cells as comments): what
    /// `carefund convert plan.xlsx plan.toml` writes beside the scenario.
    pub toml: String,
    /// The stresses, in sheet order; each op's origin is its cell.
    pub overlays: Vec<Overlay>,
}

/// Read the Stresses sheet of the workbook `bytes`; `None` when the workbook has no
/// such sheet (one written before it existed) or no rows on it. `origin` names the
/// workbook in messages. The selectors are not matched here (see [`check`]).
///
/// # Errors
/// [`Error::Input`](crate::Error::Input) naming the workbook and the cell: for bytes that
/// are not a workbook, merged cells, an empty name or operation, an unknown operation,
/// text or a date where a number belongs, a selector or value where
/// `never release capacity` takes none, a distribution for `scale` or `shift`, the name
/// of an earlier stress, a second description, and every rule of [`parse`].
pub fn read(bytes: &[u8], origin: &str) -> Result<Option<StressSheet>> {
    let Some(cells) = workbook::read_stresses(bytes, origin)? else {
        return Ok(None);
    };
    let t = &cells.translation;
    let mut overlays = parse(&t.text, origin).map_err(|e| workbook::relocated(e, t))?;
    for (overlay, locs) in overlays.iter_mut().zip(&cells.ops) {
        for (op, loc) in overlay.ops.iter_mut().zip(locs) {
            op.origin = Origin {
                file: origin.to_string(),
                cell: Some(loc.address()),
                ..Origin::default()
            };
        }
    }
    Ok(Some(StressSheet {
        toml: cells.translation.text,
        overlays,
    }))
}

/// Check that every stress applies to `scenario`: each selector matches an input, and
/// each `set` value suits the inputs it sets.
///
/// # Errors
/// The first error of [`Overlay::apply`], naming the op's file and line, or cell.
pub fn check(overlays: &[Overlay], scenario: &Scenario) -> Result<()> {
    for overlay in overlays {
        overlay.apply(scenario)?;
    }
    Ok(())
}

/// Lay the TOML scenario `text` out as a workbook (as
/// [`workbook::from_toml`]), with the stress file `stresses` (its text and its name for
/// messages) on the Stresses sheet: `carefund convert plan.toml plan.xlsx --stresses
/// FILE`, and `carefund init --xlsx`. The stress file's comments go to the Source cells.
///
/// # Errors
/// [`Error::Input`](crate::Error::Input) for a scenario or stress file that does not pass
/// its check (naming the file and line), or a stress that does not apply to the scenario
/// ([`check`]); [`Error::Export`](crate::Error::Export) if the workbook cannot be
/// assembled.
#[cfg(feature = "report")]
pub fn to_workbook(
    text: &str,
    origin: &str,
    sources: bool,
    stresses: Option<(&str, &str)>,
) -> Result<Vec<u8>> {
    let scenario = Scenario::from_toml(text, origin)?;
    if let Some((stress_text, stress_origin)) = stresses {
        check(&parse(stress_text, stress_origin)?, &scenario)?;
    }
    workbook::write_with_stresses(text, origin, sources, stresses.map(|s| s.0))
}

#[cfg(all(test, feature = "report"))]
mod tests {
    use super::*;
    use crate::stress::SCEPTICAL;

    const SWINDON: &str = include_str!("../../../../data/scenarios/swindon-2015.toml");

    /// What the engine reads of the stresses: everything but where each op was written.
    fn content(overlays: &[Overlay]) -> String {
        let mut overlays = overlays.to_vec();
        for op in overlays.iter_mut().flat_map(|o| o.ops.iter_mut()) {
            op.origin = Origin::default();
        }
        format!("{overlays:?}")
    }

    #[test]
    fn a_stress_file_round_trips_through_the_stresses_sheet() {
        let pack = parse(SCEPTICAL, "sceptical.toml").expect("the pack parses");
        let book = to_workbook(SWINDON, "s.toml", true, Some((SCEPTICAL, "sceptical.toml")))
            .expect("writes");
        let sheet = read(&book, "plan.xlsx")
            .expect("reads")
            .expect("the sheet has stresses");
        assert_eq!(content(&sheet.overlays), content(&pack));
        // Its stress file parses to the same stresses, keeps the sources as comments, and
        // gives the same workbook again, byte for byte.
        let back = parse(&sheet.toml, "back.toml").expect("the stress file parses");
        assert_eq!(content(&back), content(&pack));
        assert!(
            sheet.toml.contains("# assumption: a factor of one half"),
            "{}",
            sheet.toml
        );
        let scenario = workbook::to_toml(&book, "plan.xlsx").expect("the scenario reads");
        let again = to_workbook(
            &scenario,
            "back.toml",
            true,
            Some((&sheet.toml, "back.toml")),
        )
        .expect("writes again");
        assert!(again == book, "the second workbook differs");
        // Each op is known by its cell.
        let cells: Vec<Option<&str>> = sheet.overlays[0]
            .ops
            .iter()
            .map(|op| op.origin.cell.as_deref())
            .collect();
        assert_eq!(cells, [Some("Stresses!D2")]);
    }

    #[test]
    fn a_workbook_without_stresses_has_none() {
        let book = workbook::from_toml(SWINDON, "s.toml", true).expect("writes");
        assert!(read(&book, "plan.xlsx").expect("reads").is_none());
    }

    #[test]
    fn a_selector_matching_no_input_names_its_cell() {
        let text =
            "[[stress]]\nname = \"x\"\n[[stress.op]]\nselect = \"scheme.*.efect\"\nscale = 0.5\n";
        let book = to_workbook(SWINDON, "s.toml", true, None).expect("writes");
        assert!(read(&book, "plan.xlsx").expect("reads").is_none());
        let e = to_workbook(SWINDON, "s.toml", true, Some((text, "x.toml")))
            .expect_err("refused")
            .to_string();
        assert!(
            e.starts_with("x.toml:3") && e.contains("matches no input"),
            "{e}"
        );
        let scenario = Scenario::from_toml(SWINDON, "s.toml").expect("valid");
        let mut overlays = parse(text, "x.toml").expect("parses");
        overlays[0].ops[0].origin.cell = Some("Stresses!D2".into());
        let e = check(&overlays, &scenario)
            .expect_err("refused")
            .to_string();
        assert!(e.contains("Stresses!D2: `select`"), "{e}");
    }
}
