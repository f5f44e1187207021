//! Extreme but valid scenarios produce finite numbers in every output (issue 8).

use carefund::chart::Format;
use carefund::{RunOptions, Scenario, figures, simulate, summarise};

use crate::finite::check_outputs;

/// A scenario with every feature switched on (P4P with a cap, contingency, a council
/// scheme, a correlated pair), so each extreme below reaches every part of the model.
const BASE: &str = r#"
[scenario]
name = "extremes"
start_year = 2025
horizon_years = 5
periods_per_year = 4
discount = 0.035

[fund]
pooled = 10_000_000
uplift = { uniform = [-0.02, 0.02] }
contingency_share = 0.05

[demand]
baseline_admissions = 12_000
growth = { normal = { mean = 0.02, sd = 0.01, min = -0.02, max = 0.06 } }
variability = 0.03

[costs]
tariff = 1_500
unit_cost = { pert = [1_200, 1_500, 2_100] }
cashable_share_short = { pert = [0.1, 0.25, 0.4] }
cashable_share_long = { triangular = [0.4, 0.6, 0.85] }
capacity_release_years = 3

[plan]
target_reduction = 0.03

[p4p]
value_per_admission = 1_500
share = 0.05

[[scheme]]
name = "A"
annual_cost = 2_000_000
funder = { nhs = 0.5, council = 0.5 }
effect = { pert = [0.0, 0.01, 0.03] }
ramp_years = { uniform = [0.5, 1.5] }
success_probability = 0.7
cost_overrun = { lognormal = { median = 1.0, p90 = 1.2 } }

[[scheme]]
name = "B"
annual_cost = 1_000_000
funder = "council"
effect = { triangular = [0.0, 0.006, 0.02] }
ramp = "s-curve"
decay = 0.05
success_probability = 0.6

[[correlation]]
inputs = ["scheme.A.effect", "scheme.B.effect"]
rank = 0.5
"#;

/// `BASE` with each `(old, new)` replacement made (each `old` must occur).
fn variant(edits: &[(&str, &str)]) -> String {
    edits.iter().fold(BASE.to_string(), |text, (old, new)| {
        assert!(
            text.contains(old),
            "test setup: `{old}` not in the base scenario"
        );
        text.replacen(old, new, 1)
    })
}

/// Load, run and check one extreme; `charts` also renders every chart (slower).
fn finite_everywhere(what: &str, text: &str, paths: u64, charts: bool) {
    let scenario =
        Scenario::from_toml(text, what).unwrap_or_else(|e| panic!("{what} must be valid: {e}"));
    let options = RunOptions {
        paths,
        seed: 3,
        threads: Some(1),
    };
    let sim = simulate(&scenario, &options, &|_| {}).unwrap_or_else(|e| panic!("{what}: {e}"));
    let summary = summarise(&scenario, &sim);
    if let Err(e) = check_outputs(&scenario, &sim, &summary) {
        panic!("{what}: non-finite output: {e}");
    }
    if charts {
        let files = figures::run_charts(&summary, &sim, Format::Svg)
            .unwrap_or_else(|e| panic!("{what}: charts: {e}"));
        for (name, bytes) in files {
            let svg = String::from_utf8(bytes).expect("SVG is text");
            assert!(
                !svg.contains("NaN") && !svg.contains("inf"),
                "{what}: {name} holds a non-finite coordinate"
            );
        }
    }
}

#[test]
fn effects_of_one_and_minus_one() {
    for effect in ["1", "-1", "{ uniform = [-1, 1] }"] {
        let text = variant(&[
            (
                "effect = { pert = [0.0, 0.01, 0.03] }",
                &format!("effect = {effect}"),
            ),
            ("effect = { triangular = [0.0, 0.006, 0.02] }", "effect = 1"),
            ("[[correlation]]", "[[unused]]"),
        ]);
        let text = text.replace(
            "[[unused]]\ninputs = [\"scheme.A.effect\", \"scheme.B.effect\"]\nrank = 0.5\n",
            "",
        );
        finite_everywhere(&format!("effect = {effect}"), &text, 200, true);
    }
}

#[test]
fn zero_costs_zero_pool_and_zero_prices() {
    let text = variant(&[
        ("pooled = 10_000_000", "pooled = 0"),
        ("tariff = 1_500", "tariff = 0"),
        (
            "unit_cost = { pert = [1_200, 1_500, 2_100] }",
            "unit_cost = 0",
        ),
        ("annual_cost = 2_000_000", "annual_cost = 0"),
        ("annual_cost = 1_000_000", "annual_cost = 0"),
        ("value_per_admission = 1_500", "value_per_admission = 0"),
    ]);
    // Nothing is spent: ROI is undefined (None), every other number must still be finite.
    finite_everywhere("zero costs", &text, 200, true);
}

#[test]
fn growth_of_minus_99_and_plus_100_percent_over_60_years() {
    for growth in ["-0.99", "1"] {
        let text = variant(&[
            (
                "growth = { normal = { mean = 0.02, sd = 0.01, min = -0.02, max = 0.06 } }",
                &format!("growth = {growth}"),
            ),
            (
                "uplift = { uniform = [-0.02, 0.02] }",
                &format!("uplift = {growth}"),
            ),
            ("horizon_years = 5", "horizon_years = 60"),
            ("periods_per_year = 4", "periods_per_year = 1"),
        ]);
        finite_everywhere(&format!("growth {growth}"), &text, 100, false);
    }
}

#[test]
fn a_60_year_monthly_horizon_with_green_book_discounting() {
    let text = variant(&[
        ("horizon_years = 5", "horizon_years = 60"),
        ("periods_per_year = 4", "periods_per_year = 12"),
        ("discount = 0.035", "discount = \"green-book\""),
        (
            "tariff = 1_500",
            "tariff = 1_500\n[scenario_payment_placeholder]",
        ),
    ])
    .replace("\n[scenario_payment_placeholder]", "")
    .replace(
        "discount = \"green-book\"",
        "discount = \"green-book\"\npayment = \"capitation\"",
    );
    finite_everywhere("60 years monthly", &text, 50, true);
}

#[test]
fn one_path() {
    finite_everywhere("one path", BASE, 1, true);
}

#[test]
fn maximum_variability_and_a_huge_baseline() {
    let text = variant(&[
        ("variability = 0.03", "variability = 2"),
        ("baseline_admissions = 12_000", "baseline_admissions = 1e9"),
        ("pooled = 10_000_000", "pooled = 1e13"),
        ("annual_cost = 2_000_000", "annual_cost = 1e12"),
    ]);
    finite_everywhere("variability 2, baseline 1e9", &text, 300, true);
}

#[test]
fn instant_capacity_release_instant_ramps_and_near_total_decay() {
    let text = variant(&[
        ("capacity_release_years = 3", "capacity_release_years = 0"),
        ("ramp_years = { uniform = [0.5, 1.5] }", "ramp_years = 0"),
        ("decay = 0.05", "decay = 0.999999999999"),
        ("contingency_share = 0.05", "contingency_share = 1"),
        ("share = 0.05", "share = 1"),
    ]);
    finite_everywhere("instant release, decay near 1", &text, 200, true);
}

#[test]
fn the_largest_values_each_input_allows() {
    // At the top of every range the model allows: money, prices, overruns, long ramps,
    // a scheme that starts just before the horizon and one that never ends.
    let text = variant(&[
        ("pooled = 10_000_000", "pooled = 1e13"),
        ("baseline_admissions = 12_000", "baseline_admissions = 1e9"),
        (
            "growth = { normal = { mean = 0.02, sd = 0.01, min = -0.02, max = 0.06 } }",
            "growth = 1",
        ),
        ("horizon_years = 5", "horizon_years = 60"),
        ("tariff = 1_500", "tariff = 1e7"),
        (
            "unit_cost = { pert = [1_200, 1_500, 2_100] }",
            "unit_cost = 1e7",
        ),
        ("value_per_admission = 1_500", "value_per_admission = 1e7"),
        ("annual_cost = 2_000_000", "annual_cost = 1e12\nend = 1e300"),
        (
            "cost_overrun = { lognormal = { median = 1.0, p90 = 1.2 } }",
            "cost_overrun = 100",
        ),
        ("ramp_years = { uniform = [0.5, 1.5] }", "ramp_years = 100"),
        ("decay = 0.05", "decay = 0.05\nstart = 59.99"),
        ("discount = 0.035", "discount = 0.5"),
        ("capacity_release_years = 3", "capacity_release_years = 100"),
    ]);
    finite_everywhere("largest values", &text, 100, true);
}
