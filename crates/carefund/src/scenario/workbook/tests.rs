use super::*;

const SWINDON: &str = include_str!("../../../../../data/scenarios/swindon-2015.toml");
const SLOW: &str = include_str!("../../../../../data/scenarios/swindon-2015-slow-ramps.toml");
const VALENCIA: &str = include_str!("../../../../../data/scenarios/valencia-alzira.toml");
const NATIONAL: &str = include_str!("../../../../../data/national/england-2015.toml");

/// Everything the model reads: the scenario without where it came from (its origin, its
/// hash and the byte offsets of scheme kinds in the text).
fn content(s: &Scenario) -> String {
    let mut s = s.clone();
    s.origin.clear();
    s.hash.clear();
    for scheme in &mut s.schemes {
        if let Some((_, at)) = &mut scheme.kind {
            *at = None;
        }
    }
    format!("{s:?}")
}

fn round_trip(text: &str, name: &str) {
    let toml = Scenario::from_toml(text, name).expect("the TOML scenario is valid");
    let book = from_toml(text, name, true).expect("writes a workbook");
    let back = to_toml(&book, "plan.xlsx").expect("reads the workbook back");
    let read = Scenario::from_toml(&back, "plan.xlsx").expect("its TOML is valid");
    assert_eq!(content(&toml), content(&read), "{name}");
    assert_eq!(
        content(&from_xlsx(&book, "plan.xlsx").expect("reads")),
        content(&toml)
    );
    // The [national] table of a template survives too (it is not part of `Scenario`).
    let national = |t: &str| {
        t.parse::<toml_edit::DocumentMut>()
            .expect("toml")
            .get("national")
            .map(|n| n.to_string())
    };
    assert_eq!(national(text), national(&back), "{name}");
    // Comments become Source cells and come back as comments: a second round gives the
    // same workbook, byte for byte.
    let again = from_toml(&back, "plan.toml", true).expect("writes again");
    assert!(again == book, "{name}: the second workbook differs");
}

#[test]
fn shipped_scenarios_round_trip_to_an_equal_scenario() {
    round_trip(SWINDON, "swindon-2015.toml");
    round_trip(SLOW, "swindon-2015-slow-ramps.toml");
    round_trip(VALENCIA, "valencia-alzira.toml");
    round_trip(NATIONAL, "england-2015.toml");
    round_trip(crate::scenario::EXAMPLE, "example.toml");
}

#[test]
fn every_form_and_yearly_list_round_trips() {
    let text = crate::scenario::EXAMPLE
        .replace(
            "target_reduction = 0.025",
            "avoided_admissions = [150, 250, 300, 300, 300.5]\nclaimed_savings = [1, 2, 3, 4, 5]",
        )
        .replace(
            "# optimism_bias = \"green-book-opex\"",
            "optimism_bias = \"green-book-opex\"",
        )
        .replace(
            "success_probability = 0.6  ",
            "success_probability = { bernoulli = 0.6 }  ",
        )
        .replace(
            "effect = { triangular = [0.0, 0.006, 0.02] }",
            "effect = { normal = { mean = 0.01, sd = 0.01, max = 0.05 } }",
        );
    assert!(text.contains("bernoulli"), "the edit applies");
    round_trip(&text, "forms.toml");
    let fixed = crate::scenario::EXAMPLE
        .replace("# claimed_savings = 450_000", "claimed_savings = 450_000")
        .replace(
            "# optimism_bias = \"green-book-opex\"",
            "optimism_bias = { ci90 = [0.1, 0.3] }",
        );
    round_trip(&fixed, "fixed.toml");
}

#[test]
fn workbooks_are_byte_stable() {
    let a = from_toml(SWINDON, "a.toml", true).expect("writes");
    let b = from_toml(SWINDON, "b.toml", true).expect("writes");
    assert!(a == b, "two writes of one scenario differ");
}

#[test]
fn a_broken_toml_scenario_is_not_laid_out() {
    let text = SWINDON.replace("horizon_years = 5", "horizon_years = 0");
    let e = from_toml(&text, "s.toml", true).expect_err("refused");
    let crate::Error::Input(d) = e else {
        panic!("not an input error: {e}")
    };
    assert_eq!(d.key.as_deref(), Some("scenario.horizon_years"));
    assert!(d.line.is_some() && d.cell.is_none(), "{d}");
}

#[test]
fn offsets_follow_lines_and_characters() {
    let text = "a = 1\nbé = 2\n";
    assert_eq!(offset_of(text, 1, 1), 0);
    assert_eq!(offset_of(text, 2, 1), 6);
    assert_eq!(offset_of(text, 2, 3), 9);
}

#[test]
fn sheet_names_with_spaces_are_quoted() {
    let mut loc = Loc::cell("Fund and demand", 3, 3);
    assert_eq!(loc.address(), "'Fund and demand'!D4");
    loc.last_col = 7;
    assert_eq!(loc.address(), "'Fund and demand'!D4:H4");
    assert_eq!(Loc::cell("Schemes", 6, 5).address(), "Schemes!F7");
}
