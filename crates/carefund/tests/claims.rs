//! New money, the plan's claimed savings, cover for the hospital and the rating on claims
//! (docs/model.md §13, issue 15).

use carefund::{Basis, Rating, RunOptions, Scenario, simulate, summarise};

mod common;

use common::ScenarioText;

/// One year, one period, no noise, every input fixed: each metric can be worked out by
/// hand. `plan` goes into `[plan]`, `scheme` into the scheme, `contingency` is
/// `fund.contingency_share`.
fn fixed_scenario(
    plan: &[(&str, &str)],
    scheme: &[(&str, &str)],
    contingency: f64,
    basis: &str,
) -> ScenarioText {
    let mut text = ScenarioText::base()
        .set("scenario", "name", "\"Hand computation\"")
        .set("scenario", "start_year", "2025")
        .set("scenario", "discount", "0.0")
        .set("fund", "pooled", "1_000_000")
        .set("fund", "contingency_share", &format!("{contingency:?}"))
        .set("demand", "baseline_admissions", "10_000")
        .set("demand", "growth", "0.0")
        .set("costs", "tariff", "1_500")
        .set("costs", "unit_cost", "2_000")
        .set("costs", "cashable_share_short", "0.5")
        .set("costs", "cashable_share_long", "0.5")
        .set("costs", "capacity_release_years", "0")
        .set("plan", "target_reduction", "0.03")
        .without_schemes()
        .scheme(
            "Only scheme",
            &[
                ("ramp_years", "0"),
                ("success_probability", "1.0"),
                ("cost_overrun", "1.0"),
            ],
        )
        .set("credibility", "basis", &format!("\"{basis}\""));
    for (k, v) in plan {
        text = text.set("plan", k, v);
    }
    for (k, v) in scheme {
        text = text.scheme_set("Only scheme", k, v);
    }
    text
}

fn run(text: &ScenarioText, paths: u64) -> carefund::Summary {
    common::summary_of(&text.toml(), paths, 3)
}

/// Exactly equal (a share of paths that is exactly 0 or 1, or a sum with one term).
fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

/// By hand: A = 10,000, V = 0.02·A = 200, G = 200·£2,000 = £400,000, C = G·0.5 =
/// £200,000; new money I = £1,000,000·(1 − (1 − 0.25)) = £250,000, so N = −£50,000.
/// The plan claims 0.03·A = 300 admissions, i.e. by default 300·£1,500 = £450,000 of
/// savings. The hospital is owed (300 − 200)·£1,500 = £150,000; the reserve is
/// contingency_share·£1,000,000.
#[test]
fn claims_metrics_match_a_hand_computation() {
    // Case 1: default claim £450,000 > G and > C; reserve £50,000 < £150,000 owed.
    let s = run(
        &fixed_scenario(&[], &[("additional_share", "0.25")], 0.05, "claims"),
        20,
    );
    let h = &s.headline;
    assert!(
        close(h.claimed_savings_total, 450_000.0),
        "{}",
        h.claimed_savings_total
    );
    assert!(
        close(h.gross_total.mean, 400_000.0),
        "{}",
        h.gross_total.mean
    );
    assert!(
        close(h.cashable_total.mean, 200_000.0),
        "{}",
        h.cashable_total.mean
    );
    assert!(
        close(h.new_money_total.mean, 250_000.0),
        "{}",
        h.new_money_total.mean
    );
    assert!(
        close(h.cum_net_horizon.mean, -50_000.0),
        "{}",
        h.cum_net_horizon.mean
    );
    assert!(close(h.contingency_total.mean, 50_000.0));
    assert!(close(s.spending.new_money, 250_000.0));
    assert!(close(s.spending.scheme_cost, 1_000_000.0));
    assert!(s.spending.additional_share_set);
    assert!(
        same(h.p_savings_claim_met, 0.0),
        "{}",
        h.p_savings_claim_met
    );
    assert!(
        same(h.p_savings_claim_cashable, 0.0),
        "{}",
        h.p_savings_claim_cashable
    );
    assert!(same(h.p_hospital_covered, 0.0), "{}", h.p_hospital_covered);
    assert!(same(h.p_break_even, 0.0), "{}", h.p_break_even);
    assert_eq!(s.rating, Rating::NotApproved);

    // Case 2: a stated claim of £380,000 a year: G ≥ it, C < it; a reserve of £200,000
    // covers the £150,000 owed, so the hospital is always covered and paid £150,000.
    let s = run(
        &fixed_scenario(
            &[("claimed_savings", "380_000")],
            &[("additional_share", "0.25")],
            0.2,
            "claims",
        ),
        20,
    );
    let h = &s.headline;
    assert!(close(h.claimed_savings_total, 380_000.0));
    assert!(
        same(h.p_savings_claim_met, 1.0),
        "{}",
        h.p_savings_claim_met
    );
    assert!(
        same(h.p_savings_claim_cashable, 0.0),
        "{}",
        h.p_savings_claim_cashable
    );
    assert!(same(h.p_hospital_covered, 1.0), "{}", h.p_hospital_covered);
    assert!(close(h.contingency_total.mean, 150_000.0));
    assert_eq!(s.rating, Rating::ApprovedWithSupport);

    // Case 3: a claim of £150,000 (one figure per year) arrives, in cash too; the new
    // money still does not pay back, so the top rating is out of reach.
    let s = run(
        &fixed_scenario(
            &[("claimed_savings", "[150_000]")],
            &[("additional_share", "0.25")],
            0.2,
            "claims",
        ),
        20,
    );
    let h = &s.headline;
    assert!(
        same(h.p_savings_claim_met, 1.0),
        "{}",
        h.p_savings_claim_met
    );
    assert!(
        same(h.p_savings_claim_cashable, 1.0),
        "{}",
        h.p_savings_claim_cashable
    );
    assert!(same(h.p_break_even, 0.0), "{}", h.p_break_even);
    assert_eq!(s.rating, Rating::ApprovedWithSupport);

    // Case 4: with new money of £150,000 (a = 0.15) the plan pays back: approved.
    let s = run(
        &fixed_scenario(
            &[("claimed_savings", "150_000")],
            &[("additional_share", "0.15")],
            0.2,
            "claims",
        ),
        20,
    );
    assert!(close(s.headline.cum_net_horizon.mean, 50_000.0));
    assert!(
        same(s.headline.p_break_even, 1.0),
        "{}",
        s.headline.p_break_even
    );
    assert_eq!(s.rating, Rating::Approved);

    // The same plan on the break-even basis: P(break even) = 1 but the year-1 target
    // (300 admissions) is missed (200), so it is approved with support.
    let s = run(
        &fixed_scenario(
            &[("claimed_savings", "150_000")],
            &[("additional_share", "0.15")],
            0.2,
            "break-even",
        ),
        20,
    );
    assert_eq!(s.meta.rating_basis, Basis::BreakEven);
    assert!(
        same(s.headline.p_target_met_year1, 0.0),
        "{}",
        s.headline.p_target_met_year1
    );
    assert_eq!(s.rating, Rating::ApprovedWithSupport);
}

/// Perspectives still add up to system net with part of the spend business as usual
/// and a split funder.
#[test]
fn perspectives_sum_to_system_net_with_additionality() {
    let text = fixed_scenario(
        &[],
        &[
            ("additional_share", "{ uniform = [0.1, 0.9] }"),
            ("funder", "{ nhs = 0.3, council = 0.7 }"),
        ],
        0.05,
        "claims",
    )
    .scheme_set(
        "Only scheme",
        "cost_overrun",
        "{ lognormal = { median = 1.0, p90 = 1.3 } }",
    );
    let s = text.build();
    let sim = simulate(
        &s,
        &RunOptions {
            paths: 500,
            seed: 9,
            threads: Some(2),
        },
        &|_| {},
    )
    .unwrap();
    for p in sim.path_summaries() {
        let sum = p.commissioner + p.provider + p.council;
        assert!(
            (sum - p.cum_net).abs() <= 1e-6 * p.cum_net.abs().max(1.0),
            "{sum} vs {}",
            p.cum_net
        );
    }
}

/// On common random numbers, P(break even) can only fall as the one scheme with new
/// money counts more of its cost as new: per path, spend rises with a.
#[test]
fn p_break_even_falls_monotonically_with_additional_share() {
    let base = r#"
[scenario]
name = "Monotone"
start_year = 2025
horizon_years = 5
periods_per_year = 4

[fund]
pooled = 3_000_000

[demand]
baseline_admissions = 20_000
growth = { normal = { mean = 0.02, sd = 0.01, min = 0.0, max = 0.05 } }
variability = 0.03

[costs]
tariff = 1_500
unit_cost = { pert = [1_200, 1_500, 2_100] }
cashable_share_short = { pert = [0.2, 0.35, 0.5] }
cashable_share_long = { pert = [0.5, 0.7, 0.9] }
capacity_release_years = 3

[plan]
target_reduction = 0.03

[[scheme]]
name = "Existing services"
annual_cost = 2_000_000
additional_share = 0.0
effect = { pert = [0.0, 0.01, 0.03] }
success_probability = 0.8

[[scheme]]
name = "New service"
annual_cost = 1_000_000
additional_share = SHARE
effect = { pert = [0.0, 0.02, 0.05] }
ramp_years = { uniform = [0.5, 1.5] }
success_probability = 0.7
cost_overrun = { lognormal = { median = 1.0, p90 = 1.2 } }
"#;
    let options = RunOptions {
        paths: 4_000,
        seed: 11,
        threads: Some(2),
    };
    let mut last = f64::INFINITY;
    let mut first = None;
    let mut last_cum: Option<Vec<f64>> = None;
    for k in 0..=10 {
        let a = f64::from(k) / 10.0;
        let s = Scenario::from_toml(&base.replace("SHARE", &format!("{a}")), "m.toml").unwrap();
        let sim = simulate(&s, &options, &|_| {}).unwrap();
        let cum: Vec<f64> = sim.path_summaries().iter().map(|p| p.cum_net).collect();
        // Path by path (common random numbers), cumulative net never rises with a.
        if let Some(prev) = &last_cum {
            assert!(cum.iter().zip(prev).all(|(x, y)| x <= y), "a = {a}");
        }
        let p = summarise(&s, &sim).headline.p_break_even;
        assert!(p <= last, "a = {a}: P(break even) {p} rose from {last}");
        first.get_or_insert(p);
        last = p;
        last_cum = Some(cum);
    }
    // The test can fail: the range really moves the verdict.
    let first = first.unwrap();
    assert!(
        first > last + 0.2,
        "P(break even) barely moves: {first} at a = 0, {last} at a = 1"
    );
}

/// Doing nothing claims nothing, so it is "not rated"; the in-memory option and the
/// file `init --do-nothing` writes agree.
#[test]
fn do_nothing_is_not_rated() {
    let plan = Scenario::from_toml(carefund::EXAMPLE_SCENARIO, "example.toml").unwrap();
    assert!(plan.claims_anything());
    let none = carefund::voi::do_nothing(&plan);
    assert!(!none.claims_anything());
    let text = carefund::voi::do_nothing_toml(carefund::EXAMPLE_SCENARIO, "example.toml").unwrap();
    let file = Scenario::from_toml(&text, "none.toml").unwrap();
    assert!(!file.claims_anything());
    let options = RunOptions {
        paths: 200,
        seed: 1,
        threads: Some(1),
    };
    for s in [&none, &file] {
        let summary = summarise(s, &simulate(s, &options, &|_| {}).unwrap());
        assert_eq!(summary.rating, Rating::NotRated);
        assert!(
            summary.reasons[0].starts_with("not rated"),
            "{:?}",
            summary.reasons
        );
        assert!(summary.warnings.is_empty(), "{:?}", summary.warnings);
    }
    let plan_summary = summarise(&plan, &simulate(&plan, &options, &|_| {}).unwrap());
    assert_ne!(plan_summary.rating, Rating::NotRated);
}

/// With no `additional_share` anywhere, the check says that the whole cost counts as
/// new money; once one scheme sets it, the note goes.
#[test]
fn a_scenario_without_additional_share_is_told_so() {
    let without = fixed_scenario(&[], &[], 0.05, "claims");
    let s = without.build();
    let w = carefund::summary::plan_warnings(&s);
    assert!(
        w.iter()
            .any(|x| x.contains("no scheme sets `additional_share`")),
        "{w:?}"
    );
    let with = fixed_scenario(&[], &[("additional_share", "1.0")], 0.05, "claims");
    let s = with.build();
    let w = carefund::summary::plan_warnings(&s);
    assert!(!w.iter().any(|x| x.contains("additional_share")), "{w:?}");
}

/// The rating can come out every way: the shipped scenarios and simple variants do not
/// all get the same verdict.
#[test]
fn ratings_tell_plans_apart() {
    let mut seen = std::collections::BTreeSet::new();
    for (claim, share) in [
        (&[("claimed_savings", "150_000")][..], "0.15"),
        (&[("claimed_savings", "380_000")][..], "0.25"),
        (&[][..], "0.25"),
    ] {
        let s = run(
            &fixed_scenario(claim, &[("additional_share", share)], 0.2, "claims"),
            10,
        );
        seen.insert(s.rating);
    }
    assert_eq!(seen.len(), 3, "{seen:?}");
}

/// On Swindon the sceptical pack's rows no longer all read the same: the claims metrics
/// move with effects, ramps and demand (paired changes beyond 3 standard errors), and
/// "All pooled money counts as new" moves only the money, not the claims.
#[test]
fn swindon_stress_rows_tell_the_stresses_apart() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/scenarios/swindon-2015.toml");
    let s = Scenario::from_toml(&std::fs::read_to_string(path).unwrap(), "swindon.toml").unwrap();
    let overlays = carefund::stress::pack("sceptical").unwrap();
    // 4,000 paths: demand +1 point moves P(claim met) by about 0.35 points, 3.8 SE here.
    let options = RunOptions {
        paths: 4_000,
        seed: 5,
        threads: Some(2),
    };
    let r = carefund::stress::stress_test(&s, &overlays, &options, &|_, _| {}).unwrap();
    let row = |name: &str| {
        r.stresses
            .iter()
            .find(|x| x.name == name)
            .unwrap_or_else(|| panic!("no stress {name}"))
    };
    let moved = |name: &str| {
        let c = row(name).change.p_savings_claim_met;
        c.mean.abs() > 3.0 * c.se && c.se > 0.0
    };
    for name in ["Effects halved", "Ramps doubled", "Demand growth +1 point"] {
        assert!(
            moved(name),
            "{name}: {:?}",
            row(name).change.p_savings_claim_met
        );
    }
    // Cash, not gross: holding the cashable share at its short-run value moves only the
    // cashable claim.
    let cash = row("Cashable share stays short-run");
    assert!(
        same(cash.change.p_savings_claim_met.mean, 0.0),
        "{}",
        cash.change.p_savings_claim_met.mean
    );
    assert!(cash.p_savings_claim_cashable <= r.base.p_savings_claim_cashable);
    // The accounting stress: the claims are untouched, the new money is not.
    let all_new = row("All pooled money counts as new");
    assert!(
        same(all_new.change.p_savings_claim_met.mean, 0.0),
        "{}",
        all_new.change.p_savings_claim_met.mean
    );
    assert!(all_new.new_money_mean > 2.0 * r.base.new_money_mean);
    let distinct: std::collections::BTreeSet<u64> = std::iter::once(&r.base)
        .chain(&r.stresses)
        .map(|x| x.p_savings_claim_met.to_bits())
        .collect();
    assert!(distinct.len() >= 4, "{distinct:?}");
}
