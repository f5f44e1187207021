//! Reproducibility (docs/model.md §6, STYLE.md habit 5): bit-identical results on any number
//! of threads, path `i`'s draws independent of how many paths run, and common random
//! numbers between scenarios that share input names.
//!
//! Everything here is compared bit for bit (`f64::to_bits`), not within a tolerance.

use carefund::{Quantity, Scenario, Simulation, export, summarise};

use crate::common::{SEED, ScenarioText, bits, input_draws, ledger_bits, run_with};
use crate::properties::rich;

/// Paths of the thread-count and prefix tests: more than one engine block (1,024) and not
/// a multiple of it, so block boundaries and a partial last block are both exercised.
const PATHS: u64 = 2_500;

#[track_caller]
fn assert_same_paths(a: &Simulation, b: &Simulation, n: usize, what: &str) {
    for p in 0..n {
        assert_eq!(
            format!("{:?}", a.path_summaries()[p]),
            format!("{:?}", b.path_summaries()[p]),
            "{what}: path {p}'s summary differs"
        );
        assert_eq!(
            bits(&a.path_inputs(p)),
            bits(&b.path_inputs(p)),
            "{what}: path {p}'s inputs differ"
        );
        assert!(
            ledger_bits(a, p) == ledger_bits(b, p),
            "{what}: path {p}'s ledger differs"
        );
    }
}

#[test]
fn one_thread_and_four_threads_give_bit_identical_results() {
    let scenario = rich("tariff").build();
    let one = run_with(&scenario, PATHS, SEED, Some(1));
    let four = run_with(&scenario, PATHS, SEED, Some(4));
    assert_eq!(one.threads_used(), 1);
    // Never more threads than blocks of paths (issue 19).
    let blocks = usize::try_from(PATHS)
        .expect("paths")
        .div_ceil(carefund::engine::BLOCK);
    assert_eq!(four.threads_used(), 4.min(blocks));
    assert_eq!(one.paths(), four.paths());
    assert_same_paths(&one, &four, one.paths(), "1 vs 4 threads");
    let periods = scenario.timeline().periods();
    for q in Quantity::ALL {
        for t in 0..periods {
            assert_eq!(
                bits(&one.column(q, t).expect("exact run")),
                bits(&four.column(q, t).expect("exact run")),
                "column {} period {t}",
                q.name()
            );
        }
    }

    // summary.json: identical bytes once the recorded thread count is set equal.
    let s1 = summarise(&scenario, &one);
    let mut s4 = summarise(&scenario, &four);
    assert_eq!(s1.meta.threads, 1);
    assert_eq!(s4.meta.threads, four.threads_used());
    s4.meta.threads = s1.meta.threads;
    let (j1, j4) = (
        export::summary_json(&s1).expect("json"),
        export::summary_json(&s4).expect("json"),
    );
    assert!(
        j1 == j4,
        "summary.json differs between 1 and 4 threads (apart from meta.threads)"
    );
    assert_eq!(
        export::percentiles_csv(&s1).expect("csv"),
        export::percentiles_csv(&s4).expect("csv"),
        "percentiles.csv differs between 1 and 4 threads"
    );
    assert_eq!(
        export::paths_csv(&scenario, &one).expect("csv"),
        export::paths_csv(&scenario, &four).expect("csv"),
        "paths.csv differs between 1 and 4 threads"
    );
}

#[test]
fn the_first_n_paths_do_not_depend_on_how_many_paths_run() {
    let scenario = rich("capitation").build();
    let n = PATHS as usize;
    let short = run_with(&scenario, PATHS, SEED, Some(2));
    let long = run_with(&scenario, 2 * PATHS, SEED, Some(3));
    assert_eq!(long.paths(), 2 * n);
    assert_same_paths(&short, &long, n, "n paths vs the first n of 2n");
}

#[test]
fn the_seed_changes_every_stream() {
    let scenario = rich("tariff").build();
    let a = run_with(&scenario, 200, SEED, None);
    let b = run_with(&scenario, 200, SEED + 1, None);
    for name in ["demand.growth", "costs.unit_cost", "scheme.Telecare.effect"] {
        let (x, y) = (
            input_draws(&scenario, &a, name),
            input_draws(&scenario, &b, name),
        );
        let same = x
            .iter()
            .zip(&y)
            .filter(|(u, v)| u.to_bits() == v.to_bits())
            .count();
        assert_eq!(
            same, 0,
            "{name}: {same} of 200 draws unchanged by a new seed"
        );
    }
    let cf = |s: &Simulation| {
        bits(
            &s.path_series(0, Quantity::Counterfactual)
                .expect("exact run"),
        )
    };
    assert_ne!(cf(&a), cf(&b), "demand noise unchanged by a new seed");
}

/// Every input of `a` whose name `b` also has, compared path by path.
fn shared_inputs_identical(
    sa: &Scenario,
    a: &Simulation,
    sb: &Scenario,
    b: &Simulation,
) -> Vec<String> {
    let mut checked = Vec::new();
    for input in sa.inputs() {
        let name = input.name();
        if sb.input_index(name).is_none() || name == "scheme.A.effect" {
            continue;
        }
        assert_eq!(
            bits(&input_draws(sa, a, name)),
            bits(&input_draws(sb, b, name)),
            "{name}: draws differ between scenarios that share it"
        );
        checked.push(name.to_string());
    }
    checked
}

fn crn_base() -> ScenarioText {
    ScenarioText::base()
        .set("scenario", "horizon_years", "3")
        .set("scenario", "periods_per_year", "4")
        .set(
            "demand",
            "growth",
            "{ normal = { mean = 0.025, sd = 0.01 } }",
        )
        .set("demand", "variability", "0.05")
        .set("demand", "count_noise", "true")
        .set("costs", "unit_cost", "{ pert = [1_200, 1_490, 2_100] }")
        .set("fund", "uplift", "{ uniform = [-0.01, 0.02] }")
        .scheme_set("A", "effect", "{ pert = [0.0, 0.012, 0.03] }")
        .scheme_set("A", "success_probability", "0.7")
        .scheme_set("A", "ramp_years", "{ uniform = [0.5, 2.0] }")
        .scheme(
            "B",
            &[
                ("effect", "{ triangular = [0.0, 0.01, 0.02] }"),
                ("success_probability", "0.5"),
                (
                    "cost_overrun",
                    "{ lognormal = { median = 1.0, p90 = 1.2 } }",
                ),
            ],
        )
}

#[test]
fn scenarios_that_differ_in_one_effect_share_every_other_draw() {
    let sa = crn_base().build();
    let sb = crn_base()
        .scheme_set(
            "A",
            "effect",
            "{ normal = { mean = 0.02, sd = 0.005, min = 0.0 } }",
        )
        .build();
    let (a, b) = (
        run_with(&sa, 1_500, SEED, None),
        run_with(&sb, 1_500, SEED, None),
    );
    let checked = shared_inputs_identical(&sa, &a, &sb, &b);
    assert!(checked.iter().any(|n| n == "demand.growth"));
    assert_eq!(checked.len(), sa.inputs().len() - 1);
    // The changed input really changed, on the same uniforms: the two effects are
    // co-monotone (both are inverse CDFs of the same u).
    let (ea, eb) = (
        input_draws(&sa, &a, "scheme.A.effect"),
        input_draws(&sb, &b, "scheme.A.effect"),
    );
    assert_ne!(bits(&ea), bits(&eb));
    let mut order: Vec<usize> = (0..ea.len()).collect();
    order.sort_unstable_by(|&i, &j| ea[i].total_cmp(&ea[j]));
    assert!(
        order.windows(2).all(|w| eb[w[0]] <= eb[w[1]]),
        "the changed effect is not drawn from the same uniform as before"
    );
    // Demand does not depend on the schemes: the counterfactual ledger is shared too
    // (docs/model.md §12: "the same demand draws").
    for p in 0..a.paths() {
        assert_eq!(
            bits(
                &a.path_series(p, Quantity::Counterfactual)
                    .expect("exact run")
            ),
            bits(
                &b.path_series(p, Quantity::Counterfactual)
                    .expect("exact run")
            ),
            "path {p}: counterfactual admissions differ"
        );
    }
}

#[test]
fn adding_a_scheme_leaves_the_draws_of_existing_inputs_unchanged() {
    // Streams are keyed by input name, not position: a new scheme C shifts no draws.
    let sa = crn_base().build();
    let sb = crn_base()
        .scheme(
            "C",
            &[
                ("effect", "{ uniform = [0.0, 0.01] }"),
                ("success_probability", "0.4"),
            ],
        )
        .build();
    let (a, b) = (
        run_with(&sa, 1_500, SEED, None),
        run_with(&sb, 1_500, SEED, None),
    );
    let checked = shared_inputs_identical(&sa, &a, &sb, &b);
    assert_eq!(checked.len(), sa.inputs().len() - 1);
    assert_eq!(
        bits(&input_draws(&sa, &a, "scheme.A.effect")),
        bits(&input_draws(&sb, &b, "scheme.A.effect")),
        "scheme.A.effect: draws differ after adding a scheme"
    );
    for p in 0..a.paths() {
        assert_eq!(
            bits(
                &a.path_series(p, Quantity::Counterfactual)
                    .expect("exact run")
            ),
            bits(
                &b.path_series(p, Quantity::Counterfactual)
                    .expect("exact run")
            ),
            "path {p}: counterfactual admissions differ after adding a scheme"
        );
    }
}
