//! Sensitivity analysis, Latin hypercube sampling and target standard errors
//! (docs/model.md §6 and §9), tested against analytic answers and constructed cases.
//!
//! Tolerances are stated in standard errors (bootstrap SEs for Sobol indices) or as an
//! F-test critical value.

use carefund::convergence::{Target, TargetMetric, simulate_to_target};
use carefund::scenario::Sampling;
use carefund::sensitivity::{
    Output, SobolOptions, rank_tornado, sobol_indices, sobol_scenario, swing,
};
use carefund::{Error, RunOptions, Scenario, simulate, summarise};

/// Two schemes over three years, no per-period noise. Scheme `Big`'s effect is uniform on
/// [0, 10%] and dominates; everything else is narrow.
const DOMINANT: &str = r#"
[scenario]
name = "dominant input"
start_year = 2015
horizon_years = 3
periods_per_year = 1
discount = 0.035

[fund]
pooled = 10_000_000

[demand]
baseline_admissions = 20_000
growth = { normal = { mean = 0.02, sd = 0.002 } }
variability = 0
count_noise = false

[costs]
tariff = 1_490
unit_cost = { pert = [1_450, 1_490, 1_530] }
cashable_share_short = 0.35
cashable_share_long = 0.7
capacity_release_years = 3

[plan]
target_reduction = 0.035

[[scheme]]
name = "Big"
annual_cost = 1_000_000
effect = { uniform = [0.0, 0.10] }

[[scheme]]
name = "Small"
annual_cost = 500_000
effect = { uniform = [0.010, 0.012] }
cost_overrun = { lognormal = { median = 1.0, p90 = 1.02 } }
"#;

fn dominant() -> Scenario {
    Scenario::from_toml(DOMINANT, "dominant.toml").expect("test scenario loads")
}

fn options(paths: u64, seed: u64) -> RunOptions {
    RunOptions {
        paths,
        seed,
        threads: Some(2),
    }
}

/// The Ishigami function, `a = 7`, `b = 0.1`, on `[−π, π]³` mapped from the unit cube.
fn ishigami(u: &[f64]) -> f64 {
    let x: Vec<f64> = u
        .iter()
        .map(|v| std::f64::consts::PI * (2.0 * v - 1.0))
        .collect();
    x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
}

#[test]
fn sobol_reproduces_the_ishigami_indices() {
    // Analytic values (Ishigami & Homma 1990; Saltelli et al. 2008, §4.5).
    let first = [0.3139, 0.4424, 0.0];
    let total = [0.5576, 0.4424, 0.2437];
    let o = SobolOptions {
        rows: 8_192,
        seed: 7,
        bootstrap: 200,
        confidence: 0.99,
        threads: Some(2),
    };
    let r = sobol_indices(ishigami, 3, &o).expect("runs");
    assert_eq!(r.evaluations, 8_192 * 5);
    for i in 0..3 {
        let x = &r.indices[i];
        assert!(
            x.first_low <= first[i] && first[i] <= x.first_high,
            "S{} = {} not in the 99% bootstrap CI [{}, {}]",
            i + 1,
            first[i],
            x.first_low,
            x.first_high
        );
        assert!(
            x.total_low <= total[i] && total[i] <= x.total_high,
            "ST{} = {} not in the 99% bootstrap CI [{}, {}]",
            i + 1,
            total[i],
            x.total_low,
            x.total_high
        );
        // And within 4 bootstrap standard errors, which are small.
        assert!(
            (x.first - first[i]).abs() <= 4.0 * x.first_se,
            "S{}: {x:?}",
            i + 1
        );
        assert!(
            (x.total - total[i]).abs() <= 4.0 * x.total_se,
            "ST{}: {x:?}",
            i + 1
        );
        assert!(x.first_se < 0.03 && x.total_se < 0.03, "{x:?}");
    }
}

#[test]
fn sobol_of_an_additive_model_has_first_order_equal_to_total() {
    // f = u0 + 2 u1 + 3 u2: S_i = ST_i = a_i² / Σa² = 1/14, 4/14, 9/14.
    let f = |u: &[f64]| u[0] + 2.0 * u[1] + 3.0 * u[2];
    let o = SobolOptions {
        rows: 4_096,
        seed: 3,
        bootstrap: 200,
        confidence: 0.95,
        threads: Some(2),
    };
    let r = sobol_indices(f, 3, &o).expect("runs");
    let analytic = [1.0 / 14.0, 4.0 / 14.0, 9.0 / 14.0];
    for (x, a) in r.indices.iter().zip(analytic) {
        let se = x.first_se.hypot(x.total_se);
        assert!((x.first - x.total).abs() <= 4.0 * se, "{x:?}");
        assert!((x.first - a).abs() <= 4.0 * x.first_se, "{x:?} vs {a}");
        assert!((x.total - a).abs() <= 4.0 * x.total_se, "{x:?} vs {a}");
    }
    let sum: f64 = r.indices.iter().map(|x| x.first).sum();
    assert!((sum - 1.0).abs() < 0.05, "Σ S = {sum}");
}

#[test]
fn tornadoes_rank_the_dominant_input_first() {
    let s = dominant();
    let base = simulate(&s, &options(2_000, 11), &|_| {}).expect("runs");
    let t = rank_tornado(&s, &base, Output::CumNet);
    assert_eq!(t.inputs[0].input, "scheme.Big.effect");
    assert!(t.inputs[0].rho > 0.9, "{:?}", t.inputs[0]);
    assert!(t.inputs[0].ci_low > t.inputs[1].ci_high);

    let w = swing(&s, &base, Output::CumNet).expect("runs");
    assert_eq!(w.inputs[0].input, "scheme.Big.effect");
    // Held at 1% then 9% (its P10 and P90). By docs/model.md §4 with the other inputs at their
    // means: Σ_t 0.08·(1 − 0.011)·20,000·1.02^τ·£1,490·m(τ), τ = 0.5, 1.5, 2.5 and
    // m(τ) = 0.35 + 0.35·τ/3. The others' small spread moves this by well under 1%.
    let big = &w.inputs[0];
    assert!((big.p10_value - 0.01).abs() < 1e-12 && (big.p90_value - 0.09).abs() < 1e-12);
    let expected: f64 = [0.5_f64, 1.5, 2.5]
        .iter()
        .map(|tau| {
            0.08 * (1.0 - 0.011)
                * 20_000.0
                * 1.02_f64.powf(*tau)
                * 1_490.0
                * (0.35 + 0.35 * tau / 3.0)
        })
        .sum();
    assert!(
        (big.swing / expected - 1.0).abs() < 0.01,
        "{big:?} vs {expected}"
    );
    assert!(big.swing.abs() > 10.0 * w.inputs[1].swing.abs());

    let sobol = sobol_scenario(
        &s,
        Output::CumNet,
        &SobolOptions {
            rows: 512,
            bootstrap: 50,
            ..SobolOptions::default()
        },
    )
    .expect("runs");
    let top = sobol
        .result
        .indices
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total.total_cmp(&b.1.total))
        .map(|(i, _)| sobol.inputs[i].clone());
    assert_eq!(top.as_deref(), Some("scheme.Big.effect"));
    let big = sobol
        .inputs
        .iter()
        .position(|n| n == "scheme.Big.effect")
        .expect("Big's effect is uncertain");
    assert!(
        sobol.result.indices[big].first > 0.9,
        "{:?}",
        sobol.result.indices[big]
    );
}

#[test]
fn swing_of_a_bernoulli_success_compares_failure_with_delivery() {
    let text = DOMINANT.replace(
        "effect = { uniform = [0.0, 0.10] }",
        "effect = { uniform = [0.0, 0.10] }\nsuccess_probability = 0.6",
    );
    let s = Scenario::from_toml(&text, "bernoulli.toml").expect("loads");
    let base = simulate(&s, &options(500, 5), &|_| {}).expect("runs");
    let w = swing(&s, &base, Output::Avoided).expect("runs");
    let success = w
        .inputs
        .iter()
        .find(|x| x.input == "scheme.Big.success_probability")
        .expect("success is uncertain");
    assert!(success.p10_value.abs() < 1e-12 && (success.p90_value - 1.0).abs() < 1e-12);
    assert!(success.swing > 0.0);
}

#[test]
fn latin_hypercube_fills_every_stratum_and_is_recorded() {
    let text = DOMINANT.replace("discount = 0.035", "discount = 0.035\nsampling = \"lhs\"");
    let s = Scenario::from_toml(&text, "lhs.toml").expect("loads");
    assert_eq!(s.sampling(), Sampling::LatinHypercube);
    let n = 1_000;
    let sim = simulate(&s, &options(n, 9), &|_| {}).expect("runs");
    let k = s.input_index("scheme.Big.effect").expect("named input");
    let mut seen = vec![0u32; n as usize];
    for p in 0..n as usize {
        let u = sim.path_inputs(p)[k] / 0.10; // uniform on [0, 0.1]: F(x) = x / 0.1
        seen[((u * n as f64) as usize).min(n as usize - 1)] += 1;
    }
    assert!(
        seen.iter().all(|&c| c == 1),
        "a stratum is empty or doubled"
    );
    assert_eq!(summarise(&s, &sim).meta.sampling, "latin-hypercube");

    let bad = DOMINANT.replace("discount = 0.035", "discount = 0.035\nsampling = \"lsh\"");
    let e = Scenario::from_toml(&bad, "bad.toml").expect_err("unknown sampling");
    let message = e.to_string();
    assert!(
        message.contains("scenario.sampling") && message.contains("lhs"),
        "{message}"
    );
}

#[test]
fn latin_hypercube_reduces_the_variance_of_the_mean() {
    // 30 seeds × 500 paths each way; the mean of avoided admissions is smooth in the
    // inputs. Under equal variances the ratio of the two sample variances is F(29, 29),
    // whose upper 1% point is 2.42: require the Monte Carlo variance to exceed the LHS
    // variance by more than that.
    let mc = dominant();
    let mut lhs = dominant();
    lhs.set_sampling(Sampling::LatinHypercube);
    let means = |s: &Scenario| -> Vec<f64> {
        (0..30)
            .map(|seed| {
                let sim = simulate(s, &options(500, 100 + seed), &|_| {}).expect("runs");
                summarise(s, &sim).headline.avoided_total.mean
            })
            .collect()
    };
    let var = |v: &[f64]| {
        let m = v.iter().sum::<f64>() / v.len() as f64;
        v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() as f64 - 1.0)
    };
    let (v_mc, v_lhs) = (var(&means(&mc)), var(&means(&lhs)));
    assert!(v_mc / v_lhs > 2.42, "MC {v_mc} vs LHS {v_lhs}");
}

#[test]
fn target_se_adds_paths_deterministically() {
    let s = dominant();
    let target = Target {
        metric: TargetMetric::MeanCumNet,
        se: 40_000.0,
        max_paths: 100_000,
    };
    let (sim, c) = simulate_to_target(&s, &options(200, 4), &target, &|_| {}).expect("runs");
    assert!(c.reached && c.achieved_se <= 40_000.0, "{c:?}");
    assert!(c.rounds.len() >= 2 && c.paths > 200, "{c:?}");
    assert_eq!(c.paths as usize, sim.paths());
    // The same as a plain run of the reported number of paths, bit for bit.
    let plain = simulate(&s, &options(c.paths, 4), &|_| {}).expect("runs");
    for (a, b) in sim.path_summaries().iter().zip(plain.path_summaries()) {
        assert_eq!(a.cum_net.to_bits(), b.cum_net.to_bits());
    }
    // A cap stops it.
    let capped = Target {
        se: 1.0,
        max_paths: 3_000,
        ..target
    };
    let (_, c) = simulate_to_target(&s, &options(200, 4), &capped, &|_| {}).expect("runs");
    assert!(!c.reached && c.paths == 3_000, "{c:?}");

    let mut lhs = dominant();
    lhs.set_sampling(Sampling::LatinHypercube);
    let e = simulate_to_target(&lhs, &options(200, 4), &target, &|_| {}).expect_err("refused");
    assert!(
        matches!(e, Error::Invalid(ref m) if m.contains("Latin hypercube")),
        "{e}"
    );
}

#[test]
fn scenario_sobol_does_not_depend_on_threads() {
    let s = dominant();
    let run = |threads| {
        sobol_scenario(
            &s,
            Output::Npv,
            &SobolOptions {
                rows: 128,
                bootstrap: 20,
                threads: Some(threads),
                ..SobolOptions::default()
            },
        )
        .expect("runs")
    };
    let (one, two) = (run(1), run(2));
    for (a, b) in one.result.indices.iter().zip(&two.result.indices) {
        assert_eq!(a.first.to_bits(), b.first.to_bits());
        assert_eq!(a.total.to_bits(), b.total.to_bits());
        assert_eq!(a.first_low.to_bits(), b.first_low.to_bits());
    }
}

#[test]
fn latin_hypercube_does_not_depend_on_threads() {
    let mut s = dominant();
    s.set_sampling(Sampling::LatinHypercube);
    let run = |threads| {
        let o = RunOptions {
            paths: 2_500,
            seed: 8,
            threads: Some(threads),
        };
        simulate(&s, &o, &|_| {}).expect("runs")
    };
    let (one, two) = (run(1), run(2));
    for (a, b) in one.path_summaries().iter().zip(two.path_summaries()) {
        assert_eq!(a.cum_net.to_bits(), b.cum_net.to_bits());
    }
}
