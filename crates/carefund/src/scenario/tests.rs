//! One test per rule of the scenario check, named after the rule.

use super::*;
use crate::{Diagnostic, Error};

const BASE: &str = r#"
[scenario]
name = "Test fund"
start_year = 2015
horizon_years = 5
periods_per_year = 4

[fund]
pooled = 10_000_000

[demand]
baseline_admissions = 20_000
growth = { normal = { mean = 0.025, sd = 0.01 } }
variability = 0.03

[costs]
tariff = 1_490
unit_cost = { pert = [1_200, 1_490, 2_100] }
cashable_share_short = { pert = [0.2, 0.35, 0.5] }
cashable_share_long = { pert = [0.5, 0.7, 0.9] }
capacity_release_years = 3

[plan]
target_reduction = 0.035

[[scheme]]
name = "Reablement"
annual_cost = 2_500_000
effect = { pert = [0.0, 0.012, 0.03] }
ramp_years = { uniform = [0.5, 2.0] }
success_probability = 0.7

[[scheme]]
name = "Teams"
annual_cost = 1_000_000
effect = { triangular = [0.0, 0.01, 0.02] }
"#;

fn with(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "test setup: `{from}` not in BASE");
    BASE.replacen(from, to, 1)
}

fn diag(text: &str) -> Diagnostic {
    match Scenario::from_toml(text, "t.toml") {
        Err(Error::Input(d)) => *d,
        Err(e) => panic!("expected an input error, got {e}"),
        Ok(_) => panic!("expected an input error, got a valid scenario"),
    }
}

#[test]
fn base_scenario_is_valid() {
    let s = Scenario::from_toml(BASE, "t.toml").expect("valid");
    assert_eq!(s.schemes().len(), 2);
    assert_eq!(s.inputs().len(), idx::SCHEME_BASE + 2 * idx::PER_SCHEME);
    assert_eq!(
        s.inputs()[idx::scheme(1, idx::EFFECT)].name(),
        "scheme.Teams.effect"
    );
    assert_eq!(s.hash().len(), 64);
}

#[test]
fn example_scenario_is_valid() {
    Scenario::from_toml(EXAMPLE, "example.toml").expect("the shipped example must load");
}

#[test]
fn wrong_type_names_key_line_and_value() {
    let d = diag(&with("horizon_years = 5", "horizon_years = \"five\""));
    assert_eq!(d.key.as_deref(), Some("scenario.horizon_years"));
    assert_eq!(d.line, Some(5));
    assert!(d.problem.contains("five"), "{d}");
    assert!(d.problem.contains("whole number"), "{d}");
}

#[test]
fn misspelt_key_suggests_the_right_one() {
    let d = diag(&with("horizon_years = 5", "horizon_year = 5"));
    assert_eq!(d.key.as_deref(), Some("scenario.horizon_year"));
    assert_eq!(d.suggestion.as_deref(), Some("horizon_years"));
    assert_eq!(d.line, Some(5));
}

#[test]
fn misspelt_key_in_a_scheme_suggests_the_right_one() {
    let d = diag(&with("annual_cost = 1_000_000", "anual_cost = 1_000_000"));
    assert_eq!(d.suggestion.as_deref(), Some("annual_cost"));
}

#[test]
fn unknown_section_is_an_error() {
    let d = diag(&format!(
        "{BASE}\n[credibilty]\napproved_p_break_even = 0.9\n"
    ));
    assert_eq!(d.suggestion.as_deref(), Some("credibility"));
}

#[test]
fn missing_section_is_named() {
    let text = BASE.replace("[plan]\ntarget_reduction = 0.035\n", "");
    let d = diag(&text);
    assert!(d.problem.contains("missing section [plan]"), "{d}");
}

#[test]
fn missing_key_is_named() {
    let d = diag(&with("tariff = 1_490\n", ""));
    assert_eq!(d.key.as_deref(), Some("costs.tariff"));
    assert!(d.problem.contains("missing"), "{d}");
}

#[test]
fn horizon_must_be_1_to_60_years() {
    for bad in ["0", "61", "1000"] {
        let d = diag(&with(
            "horizon_years = 5",
            &format!("horizon_years = {bad}"),
        ));
        assert_eq!(d.key.as_deref(), Some("scenario.horizon_years"));
        assert!(d.allowed.as_deref().unwrap_or("").contains("1 to 60"));
    }
}

#[test]
fn periods_per_year_must_be_1_2_4_or_12() {
    let d = diag(&with("periods_per_year = 4", "periods_per_year = 7"));
    assert_eq!(d.value.as_deref(), Some("7"));
    assert!(d.allowed.as_deref().unwrap_or("").contains("12"));
}

#[test]
fn negative_money_is_rejected() {
    let d = diag(&with("pooled = 10_000_000", "pooled = -5"));
    assert_eq!(d.key.as_deref(), Some("fund.pooled"));
    assert_eq!(d.value.as_deref(), Some("-5"));
}

#[test]
fn nan_and_inf_are_rejected() {
    let d = diag(&with("pooled = 10_000_000", "pooled = nan"));
    assert_eq!(d.key.as_deref(), Some("fund.pooled"));
    let d = diag(&with("tariff = 1_490", "tariff = inf"));
    assert_eq!(d.key.as_deref(), Some("costs.tariff"));
    let d = diag(&with(
        "annual_cost = 1_000_000",
        "annual_cost = 1_000_000\ncost_overrun = { uniform = [1, inf] }",
    ));
    assert!(d.problem.contains("finite"), "{d}");
}

#[test]
fn shares_must_lie_in_0_1() {
    let d = diag(&with(
        "cashable_share_short = { pert = [0.2, 0.35, 0.5] }",
        "cashable_share_short = 1.5",
    ));
    assert_eq!(d.key.as_deref(), Some("costs.cashable_share_short"));
    let d = diag(&with("target_reduction = 0.035", "target_reduction = -0.1"));
    assert_eq!(d.key.as_deref(), Some("plan.target_reduction"));
}

#[test]
fn share_distribution_with_mass_outside_the_range_is_rejected() {
    let d = diag(&with(
        "cashable_share_short = { pert = [0.2, 0.35, 0.5] }",
        "cashable_share_short = { normal = { mean = 0.9, sd = 0.2 } }",
    ));
    assert!(d.problem.contains("outside the allowed range"), "{d}");
    // Truncating it makes it acceptable.
    Scenario::from_toml(
        &with(
            "cashable_share_short = { pert = [0.2, 0.35, 0.5] }",
            "cashable_share_short = { normal = { mean = 0.9, sd = 0.2, min = 0, max = 1 } }",
        ),
        "t.toml",
    )
    .expect("truncated normal share is valid");
}

#[test]
fn min_above_max_is_rejected() {
    let d = diag(&with(
        "ramp_years = { uniform = [0.5, 2.0] }",
        "ramp_years = { uniform = [2.0, 0.5] }",
    ));
    assert_eq!(d.key.as_deref(), Some("scheme.Reablement.ramp_years"));
    assert!(d.problem.contains("min must be below max"), "{d}");
}

#[test]
fn mode_outside_min_max_is_rejected() {
    let d = diag(&with(
        "unit_cost = { pert = [1_200, 1_490, 2_100] }",
        "unit_cost = { pert = [1_200, 2_490, 2_100] }",
    ));
    assert_eq!(d.key.as_deref(), Some("costs.unit_cost"));
    assert!(d.problem.contains("mode"), "{d}");
    assert_eq!(d.line, Some(18));
}

#[test]
fn negative_sd_is_rejected() {
    let d = diag(&with("sd = 0.01", "sd = -0.01"));
    assert!(d.problem.contains("sd must not be negative"), "{d}");
}

#[test]
fn unknown_distribution_form_suggests_one() {
    let d = diag(&with(
        "{ triangular = [0.0, 0.01, 0.02] }",
        "{ triangle = [0.0, 0.01, 0.02] }",
    ));
    assert_eq!(d.suggestion.as_deref(), Some("triangular"));
}

#[test]
fn unknown_distribution_parameter_suggests_one() {
    let d = diag(&with("sd = 0.01", "sdev = 0.01"));
    assert_eq!(d.suggestion.as_deref(), Some("sd"));
}

#[test]
fn lognormal_needs_a_matching_pair_of_parameters() {
    let d = diag(&with(
        "annual_cost = 1_000_000",
        "annual_cost = 1_000_000\ncost_overrun = { lognormal = { median = 1.0, sd = 0.2 } }",
    ));
    assert!(d.problem.contains("either"), "{d}");
    let d = diag(&with(
        "annual_cost = 1_000_000",
        "annual_cost = 1_000_000\ncost_overrun = { lognormal = { median = 1.2, p90 = 1.0 } }",
    ));
    assert!(d.problem.contains("median < p90"), "{d}");
}

#[test]
fn ci90_needs_low_below_high() {
    let d = diag(&with(
        "{ triangular = [0.0, 0.01, 0.02] }",
        "{ ci90 = [0.02, 0.01] }",
    ));
    assert!(d.problem.contains("low must be below high"), "{d}");
}

#[test]
fn success_probability_must_be_a_probability() {
    let d = diag(&with(
        "success_probability = 0.7",
        "success_probability = 1.7",
    ));
    assert_eq!(
        d.key.as_deref(),
        Some("scheme.Reablement.success_probability")
    );
    let d = diag(&with(
        "success_probability = 0.7",
        "success_probability = { pert = [0.1, 0.5, 0.9] }",
    ));
    assert!(d.problem.contains("plain probability"), "{d}");
    Scenario::from_toml(
        &with(
            "success_probability = 0.7",
            "success_probability = { bernoulli = 0.7 }",
        ),
        "t.toml",
    )
    .expect("bernoulli form is valid");
}

#[test]
fn there_must_be_at_least_one_scheme() {
    let cut = BASE.find("[[scheme]]").expect("base has schemes");
    let d = diag(&BASE[..cut]);
    assert_eq!(d.key.as_deref(), Some("scheme"));
    assert!(d.problem.contains("no schemes"), "{d}");
}

#[test]
fn scheme_names_are_unique() {
    let d = diag(&with("name = \"Teams\"", "name = \"Reablement\""));
    assert!(
        d.problem
            .contains("duplicate scheme name (first used on line 27)"),
        "{d}"
    );
}

#[test]
fn scheme_end_must_follow_start() {
    let d = diag(&with(
        "annual_cost = 1_000_000",
        "annual_cost = 1_000_000\nstart = 2\nend = 1",
    ));
    assert_eq!(d.key.as_deref(), Some("scheme.Teams.end"));
}

#[test]
fn funder_shares_must_sum_to_one() {
    let d = diag(&with(
        "annual_cost = 1_000_000",
        "annual_cost = 1_000_000\nfunder = { nhs = 0.6, council = 0.6 }",
    ));
    assert!(d.problem.contains("sum to 1"), "{d}");
    let d = diag(&with(
        "annual_cost = 1_000_000",
        "annual_cost = 1_000_000\nfunder = \"councel\"",
    ));
    assert_eq!(d.suggestion.as_deref(), Some("council"));
}

#[test]
fn payment_and_ramp_are_closed_choices() {
    let d = diag(&with(
        "periods_per_year = 4",
        "periods_per_year = 4\npayment = \"capitaton\"",
    ));
    assert_eq!(d.suggestion.as_deref(), Some("capitation"));
    let d = diag(&with(
        "success_probability = 0.7",
        "success_probability = 0.7\nramp = \"scurve\"",
    ));
    assert_eq!(d.suggestion.as_deref(), Some("s-curve"));
}

#[test]
fn discount_is_a_rate_or_green_book() {
    let s = Scenario::from_toml(
        &with(
            "periods_per_year = 4",
            "periods_per_year = 4\ndiscount = \"green-book\"",
        ),
        "t.toml",
    )
    .expect("valid");
    assert_eq!(s.timeline().discount(), Discount::GreenBook);
    let d = diag(&with(
        "periods_per_year = 4",
        "periods_per_year = 4\ndiscount = \"greenbook\"",
    ));
    assert_eq!(d.suggestion.as_deref(), Some("green-book"));
    let d = diag(&with(
        "periods_per_year = 4",
        "periods_per_year = 4\ndiscount = 3.5",
    ));
    assert_eq!(d.key.as_deref(), Some("scenario.discount"));
}

#[test]
fn plan_needs_exactly_one_target() {
    let d = diag(&with(
        "target_reduction = 0.035",
        "target_reduction = 0.035\navoided_admissions = [1, 2, 3, 4, 5]",
    ));
    assert!(d.problem.contains("exactly one"), "{d}");
    let d = diag(&with(
        "target_reduction = 0.035",
        "avoided_admissions = [1, 2, 3]",
    ));
    assert!(d.problem.contains("wrong number of years"), "{d}");
}

#[test]
fn correlation_names_must_exist() {
    let text = format!(
        "{BASE}\n[[correlation]]\ninputs = [\"scheme.Reablement.efect\", \"scheme.Teams.effect\"]\nrank = 0.5\n"
    );
    let d = diag(&text);
    assert_eq!(d.suggestion.as_deref(), Some("scheme.Reablement.effect"));
}

#[test]
fn fixed_inputs_cannot_be_correlated() {
    let text = format!(
        "{BASE}\n[[correlation]]\ninputs = [\"fund.uplift\", \"scheme.Teams.effect\"]\nrank = 0.5\n"
    );
    assert!(diag(&text).problem.contains("fixed"));
}

#[test]
fn impossible_correlations_are_an_error_unless_repaired() {
    let pairs = [
        ("scheme.Reablement.effect", "scheme.Teams.effect", 0.9),
        ("scheme.Teams.effect", "costs.unit_cost", 0.9),
        ("scheme.Reablement.effect", "costs.unit_cost", -0.9),
    ];
    let mut text = BASE.to_string();
    for (a, b, r) in pairs {
        text.push_str(&format!(
            "\n[[correlation]]\ninputs = [\"{a}\", \"{b}\"]\nrank = {r}\n"
        ));
    }
    let d = diag(&text);
    assert!(d.problem.contains("not positive definite"), "{d}");
    assert!(
        d.value
            .as_deref()
            .unwrap_or("")
            .contains("scheme.Teams.effect"),
        "{d}"
    );
    let repaired = text.replacen("rank = 0.9\n", "rank = 0.9\nrepair = true\n", 1);
    let s = Scenario::from_toml(&repaired, "t.toml").expect("repaired");
    assert!(s.notes().iter().any(|n| n.contains("repaired")));
}

#[test]
fn credibility_thresholds_must_be_ordered() {
    let d = diag(&format!(
        "{BASE}\n[credibility]\nsupport_p_break_even = 0.9\n"
    ));
    assert!(d.problem.contains("out of order"), "{d}");
}

#[test]
fn broken_toml_is_reported_with_position() {
    let d = diag("[scenario\nname = 1");
    assert!(d.problem.starts_with("not valid TOML"), "{d}");
    assert_eq!(d.line, Some(1));
}

#[test]
fn empty_file_names_the_first_missing_section() {
    let d = diag("");
    assert!(d.problem.contains("missing section"), "{d}");
}

#[test]
fn messages_read_well() {
    let d = diag(&with("horizon_years = 5", "horizon_year = 5"));
    assert_eq!(
        d.to_string(),
        "t.toml:5:1: `scenario.horizon_year`: unknown key in [scenario]; allowed: name, description, \
         start_year, horizon_years, periods_per_year, discount, payment, sampling, currency; did you mean `horizon_years`?"
    );
}

#[test]
fn unit_cost_ramp_and_overrun_have_finite_ceilings() {
    // Issue 8: an unbounded input (1e308, or a lognormal tail reaching it) made spend or
    // savings infinite and every statistic NaN.
    let d = diag(&with(
        "unit_cost = { pert = [1_200, 1_490, 2_100] }",
        "unit_cost = 1e308",
    ));
    assert_eq!(d.key.as_deref(), Some("costs.unit_cost"));
    assert!(
        d.allowed
            .as_deref()
            .is_some_and(|a| a.contains("10,000,000")),
        "{d}"
    );
    let d = diag(&with(
        "ramp_years = { uniform = [0.5, 2.0] }",
        "ramp_years = { uniform = [0.5, 2.0] }\ncost_overrun = { lognormal = { median = 1.0, p90 = 1e300 } }",
    ));
    assert!(
        d.key
            .as_deref()
            .is_some_and(|k| k.ends_with(".cost_overrun")),
        "{d}"
    );
    let d = diag(&with(
        "ramp_years = { uniform = [0.5, 2.0] }",
        "ramp_years = 1e6",
    ));
    assert!(
        d.key.as_deref().is_some_and(|k| k.ends_with(".ramp_years")),
        "{d}"
    );
    // The top of each range is accepted.
    let top = with(
        "unit_cost = { pert = [1_200, 1_490, 2_100] }",
        "unit_cost = 1e7",
    )
    .replace(
        "ramp_years = { uniform = [0.5, 2.0] }",
        "ramp_years = 100\ncost_overrun = 100",
    );
    Scenario::from_toml(&top, "t.toml").expect("the ceilings themselves are valid");
}

#[test]
fn beta_parameters_lie_from_a_thousandth_to_ten_thousand() {
    // Issue 8: alpha = 1e15 made statrs' inverse CDF loop for minutes; 5e-324 panicked.
    for (a, b) in [("1e15", "7"), ("3", "1e9"), ("5e-324", "7"), ("0", "5")] {
        let d = diag(&with(
            "cashable_share_short = { pert = [0.2, 0.35, 0.5] }",
            &format!("cashable_share_short = {{ beta = {{ alpha = {a}, beta = {b} }} }}"),
        ));
        assert!(d.problem.contains("from 0.001 to 10000"), "{d}");
    }
}
