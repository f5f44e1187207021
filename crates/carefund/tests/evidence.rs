//! The evidence check (docs/model.md §11), end to end through the public API: the assumption
//! comparison's warnings, the evidence run on common random numbers, optimism bias, and
//! the `evidence` block of `summary.json` for the shipped Swindon scenario.

use carefund::evidence::{self, Evidence};
use carefund::{Quantity, RunOptions, Scenario, export, simulate, summarise};

mod common;

use common::ScenarioText;

/// Three years of quarters with uncertain growth and costs; `costs_extra` is one
/// `key = value` line of `[costs]` (or empty), `schemes` the `[[scheme]]` tables.
fn scenario_text(costs_extra: &str, target: f64, schemes: &str) -> ScenarioText {
    let mut text = ScenarioText::base()
        .set("scenario", "name", "\"evidence test\"")
        .set("scenario", "horizon_years", "3")
        .set("scenario", "periods_per_year", "4")
        .unset("scenario", "discount")
        .set("fund", "pooled", "5_000_000")
        .set("demand", "baseline_admissions", "40_000")
        .set(
            "demand",
            "growth",
            "{ normal = { mean = 0.025, sd = 0.01 } }",
        )
        .set("demand", "variability", "0.03")
        .unset("demand", "count_noise")
        .set("costs", "unit_cost", "{ pert = [1_200, 1_490, 2_100] }")
        .set(
            "costs",
            "cashable_share_short",
            "{ pert = [0.2, 0.35, 0.5] }",
        )
        .set("costs", "cashable_share_long", "{ pert = [0.5, 0.7, 0.9] }")
        .set("costs", "capacity_release_years", "2")
        .set("plan", "target_reduction", &format!("{target:?}"))
        .without_schemes()
        .raw(schemes);
    if let Some((key, value)) = costs_extra.split_once(" = ") {
        text = text.set("costs", key, value);
    }
    text
}

fn scenario(costs_extra: &str, target: f64, schemes: &str) -> Scenario {
    scenario_text(costs_extra, target, schemes).build()
}

const INSIDE: &str = r#"
[[scheme]]
name = "Reablement"
kind = "reablement"
annual_cost = 300_000
effect = { pert = [0.0, 0.01, 0.03] }
ramp_years = { uniform = [5.0, 6.0] }
success_probability = 0.26
"#;

#[test]
fn a_plan_inside_the_evidence_gets_no_warnings() {
    let s = scenario("", 0.002, INSIDE);
    let c = evidence::compare(&s, &Evidence::shipped().expect("shipped"));
    assert_eq!(c.schemes.len(), 1);
    assert!(c.warnings.is_empty(), "{:#?}", c.warnings);
    assert!(!c.schemes[0].effect_above_evidence && !c.schemes[0].ramp_faster_than_evidence);
}

#[test]
fn a_plan_far_above_the_evidence_gets_exactly_the_named_warning() {
    let far = r#"
[[scheme]]
name = "Case"
kind = "case-management"
annual_cost = 300_000
effect = { uniform = [0.03, 0.05] }
ramp_years = 5.5
"#;
    let s = scenario("", 0.0, &format!("{INSIDE}{far}"));
    let c = evidence::compare(&s, &Evidence::shipped().expect("shipped"));
    assert_eq!(
        c.warnings,
        [
            "scheme `Case` (case management): assumes 4.0% fewer admissions (P10–P90 3.2% to 4.8%); \
             the evidence for case management centres on 0.0% (P10–P90 −1.0% to 1.0%)"
        ]
    );
    // England's 2014 ambition is a yardstick only where the plan sets minimum_ambition.
    assert!(!c.national.contains("3.07%"), "{}", c.national);
    let swindon = Scenario::from_toml(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../data/scenarios/swindon-2015.toml"),
        )
        .unwrap(),
        "swindon-2015.toml",
    )
    .unwrap();
    let c = evidence::compare(&swindon, &Evidence::shipped().expect("shipped"));
    assert!(
        c.national.contains("3.5%") && c.national.contains("3.07%"),
        "{}",
        c.national
    );
}

#[test]
fn a_ramp_faster_than_the_evidence_is_named() {
    let s = scenario(
        "",
        0.002,
        &INSIDE.replace("{ uniform = [5.0, 6.0] }", "{ uniform = [0.5, 1.5] }"),
    );
    let c = evidence::compare(&s, &Evidence::shipped().expect("shipped"));
    assert_eq!(c.warnings.len(), 1, "{:#?}", c.warnings);
    assert!(
        c.warnings[0].starts_with("scheme `Reablement` (reablement and intermediate care): assumes full effect after 1.0 years"),
        "{}",
        c.warnings[0]
    );
}

const PLAN: &str = r#"
[[scheme]]
name = "Case"
kind = "case-management"
annual_cost = 400_000
effect = { pert = [0.0, 0.02, 0.05] }
ramp_years = { uniform = [0.5, 1.5] }
success_probability = 0.6
cost_overrun = { lognormal = { median = 1.0, p90 = 1.2 } }

[[scheme]]
name = "Reablement"
kind = "reablement"
annual_cost = 300_000
effect = { triangular = [0.0, 0.01, 0.04] }
ramp_years = 1.0
success_probability = 0.8

[[scheme]]
name = "Untyped"
annual_cost = 100_000
effect = { pert = [0.0, 0.005, 0.01] }

[[correlation]]
inputs = ["scheme.Case.effect", "scheme.Reablement.effect"]
rank = 0.5
"#;

/// The same plan rewritten by hand with the shipped evidence's distributions and the
/// Green Book optimism bias.
const BY_HAND: &str = r#"
[[scheme]]
name = "Case"
annual_cost = 400_000
effect = { normal = { mean = 0.0, sd = 0.008, min = -0.09, max = 0.03 } }
ramp_years = { uniform = [5.0, 6.0] }
success_probability = 1.0
cost_overrun = { lognormal = { median = 1.0, p90 = 1.2 } }

[[scheme]]
name = "Reablement"
annual_cost = 300_000
effect = { pert = [0.0, 0.01, 0.03] }
ramp_years = { uniform = [5.0, 6.0] }
success_probability = 0.26

[[scheme]]
name = "Untyped"
annual_cost = 100_000
effect = { pert = [0.0, 0.005, 0.01] }

[[correlation]]
inputs = ["scheme.Case.effect", "scheme.Reablement.effect"]
rank = 0.5
"#;

#[test]
fn the_evidence_run_is_bit_identical_to_the_plan_rewritten_by_hand() {
    let plan = scenario("", 0.03, PLAN);
    let hand = scenario("optimism_bias = \"green-book-opex\"", 0.03, BY_HAND);
    let options = RunOptions {
        paths: 1_500,
        seed: 11,
        threads: Some(2),
    };
    let plan_sim = simulate(&plan, &options, &|_| {}).expect("runs");
    let plan_summary = summarise(&plan, &plan_sim);
    let out = evidence::evaluate(
        &plan,
        &Evidence::shipped().expect("shipped"),
        &plan_sim,
        &plan_summary,
        &|_| {},
    )
    .expect("evidence run");
    let hand_sim = simulate(&hand, &options, &|_| {}).expect("runs");
    let text = |sim: &carefund::Simulation| {
        (0..sim.paths())
            .map(|p| {
                format!(
                    "{:?} {:?} {:?}",
                    sim.path_summaries()[p],
                    sim.path_inputs(p),
                    sim.path_series(p, Quantity::Net).expect("exact run")
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        text(&out.sim),
        text(&hand_sim),
        "evidence run ≠ hand rewrite"
    );

    // Paired: the untyped scheme and the demand draws are the plan's own, path by path.
    let names: Vec<&str> = plan.inputs().iter().map(|i| i.name()).collect();
    for shared in ["demand.growth", "costs.unit_cost", "scheme.Untyped.effect"] {
        let k = names.iter().position(|n| *n == shared).expect("input");
        for p in 0..plan_sim.paths() {
            assert_eq!(
                format!("{:?}", plan_sim.path_inputs(p)[k]),
                format!("{:?}", out.sim.path_inputs(p)[k]),
                "{shared} on path {p} is not shared"
            );
        }
    }
    // The paired difference is the mean of per-path differences.
    let n = plan_sim.paths() as f64;
    let d: f64 = plan_sim
        .path_summaries()
        .iter()
        .zip(out.sim.path_summaries())
        .map(|(a, b)| b.cum_net - a.cum_net)
        .sum::<f64>()
        / n;
    let got = out.block.difference.cum_net_horizon.mean;
    assert!((got - d).abs() <= 1e-9 * d.abs().max(1.0), "{got} vs {d}");
    assert!(out.block.difference.cum_net_horizon.se > 0.0);
}

#[test]
fn optimism_bias_multiplies_scheme_costs_in_the_plans_own_run() {
    let plain = scenario("", 0.03, INSIDE);
    let biased = scenario("optimism_bias = 0.2", 0.03, INSIDE);
    let options = RunOptions {
        paths: 50,
        seed: 3,
        threads: Some(1),
    };
    let a = simulate(&plain, &options, &|_| {}).expect("runs");
    let b = simulate(&biased, &options, &|_| {}).expect("runs");
    for (x, y) in a.path_summaries().iter().zip(b.path_summaries()) {
        assert!((y.investment - 1.2 * x.investment).abs() < 1e-6 * x.investment);
        assert!((y.avoided - x.avoided).abs() < 1e-9, "benefits are not cut");
    }
    let bad = scenario_text("optimism_bias = \"green-book-opx\"", 0.03, INSIDE).toml();
    let e = Scenario::from_toml(&bad, "bad.toml").expect_err("misspelt");
    let msg = e.to_string();
    assert!(
        msg.contains("costs.optimism_bias") && msg.contains("did you mean `green-book-opex`"),
        "{msg}"
    );
}

#[test]
fn swindon_summary_json_reports_both_verdicts_with_their_standard_errors() {
    let root = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/scenarios/swindon-2015.toml"
    );
    let text = std::fs::read_to_string(root).expect("shipped scenario");
    let s = Scenario::from_toml(&text, "swindon-2015.toml").expect("loads");
    let options = RunOptions {
        paths: 1_000,
        seed: 1,
        threads: None,
    };
    let sim = simulate(&s, &options, &|_| {}).expect("runs");
    let mut summary = summarise(&s, &sim);
    let out = evidence::evaluate(
        &s,
        &Evidence::shipped().expect("shipped"),
        &sim,
        &summary,
        &|_| {},
    )
    .expect("evidence run");
    out.attach(&mut summary);
    let json: serde_json::Value =
        serde_json::from_slice(&export::summary_json(&summary).expect("json")).expect("parses");
    let e = &json["evidence"];
    for run in ["plan", "evidence"] {
        for key in [
            "p_break_even",
            "p_break_even_se",
            "p_target_met_year1",
            "median_cum_net",
        ] {
            assert!(e[run][key].is_number(), "evidence.{run}.{key} missing");
        }
        assert!(e[run]["rating"].is_string());
    }
    assert_eq!(
        e["plan"]["p_break_even"].as_f64(),
        json["headline"]["p_break_even"].as_f64()
    );
    assert!(e["difference"]["p_break_even"]["se"].is_number());
    assert_eq!(e["comparison"]["schemes"].as_array().map(Vec::len), Some(7));
    assert!(
        summary
            .reasons
            .iter()
            .any(|r| r.contains("under the published evidence"))
    );
}

#[test]
fn a_verdict_resting_on_unsupported_assumptions_says_so() {
    let cheap = r#"
[[scheme]]
name = "Case"
kind = "case-management"
annual_cost = 100_000
effect = { pert = [0.03, 0.04, 0.05] }
ramp_years = 0.25
"#;
    let s = scenario("", 0.01, cheap);
    let options = RunOptions {
        paths: 400,
        seed: 5,
        threads: None,
    };
    let sim = simulate(&s, &options, &|_| {}).expect("runs");
    let mut summary = summarise(&s, &sim);
    assert_eq!(
        summary.rating,
        carefund::Rating::Approved,
        "{:#?}",
        summary.reasons
    );
    let out = evidence::evaluate(
        &s,
        &Evidence::shipped().expect("shipped"),
        &sim,
        &summary,
        &|_| {},
    )
    .expect("evidence run");
    assert!(out.block.verdict_depends_on_unsupported_assumptions);
    assert_ne!(out.block.evidence.rating, carefund::Rating::Approved);
    out.attach(&mut summary);
    let last = summary.reasons.last().expect("a reason");
    assert!(
        last.starts_with(
            "the plan's verdict (approved) depends on assumptions the evidence does not support"
        ),
        "{last}"
    );
    assert!(
        out.block
            .reasons
            .iter()
            .any(|r| r.contains("does not support: Case"))
    );
}
