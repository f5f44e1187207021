//! Statistical tests of sampling (docs/model.md §6–§7), through the real engine.
//!
//! Each distribution form is written into a scenario, drawn by [`carefund::simulate`],
//! read back with `Simulation::path_inputs` and compared with a CDF built here, from
//! statrs, independently of `carefund::dist`: a one-sample Kolmogorov–Smirnov test at
//! α = 0.001 with the asymptotic critical value `1.949/√n`. The false-alarm rate of each
//! KS test is therefore 1 in 1,000 for a correct sampler; the seed is fixed, so a pass is
//! reproducible and a failure is not noise that goes away on re-running.

use carefund::Quantity;
use statrs::distribution::{
    Beta, ContinuousCDF, DiscreteCDF, LogNormal, Normal, Poisson, Triangular,
    Uniform as StatrsUniform,
};

use crate::common::{ScenarioText, input_draws, run};

/// Paths per KS test.
const N: u64 = 20_000;

/// Asymptotic KS critical value `c(α)/√n` for α = 0.001 (`c = √(−ln(α/2)/2) = 1.949`).
fn ks_critical(n: usize) -> f64 {
    1.949 / (n as f64).sqrt()
}

/// `D_n = sup |F_n(x) − F(x)|` of a sample against a continuous CDF.
fn ks_statistic(sample: &[f64], cdf: impl Fn(f64) -> f64) -> f64 {
    let mut x = sample.to_vec();
    x.sort_unstable_by(f64::total_cmp);
    let n = x.len() as f64;
    x.iter()
        .enumerate()
        .map(|(i, &xi)| {
            let f = cdf(xi);
            (f - i as f64 / n).max((i + 1) as f64 / n - f)
        })
        .fold(0.0, f64::max)
}

/// KS-test `sample` against `cdf`, and check every draw lies in `[lo, hi]`.
#[track_caller]
fn assert_ks(what: &str, sample: &[f64], cdf: impl Fn(f64) -> f64, lo: f64, hi: f64) {
    assert!(
        sample.iter().all(|x| (lo..=hi).contains(x)),
        "{what}: a draw lies outside its support [{lo}, {hi}]"
    );
    let d = ks_statistic(sample, cdf);
    let crit = ks_critical(sample.len());
    assert!(
        d < crit,
        "{what}: KS statistic D = {d:.5} ≥ critical value {crit:.5} (α = 0.001, n = {})",
        sample.len()
    );
}

/// Draw `N` paths of `text` and KS-test the input `name` against `cdf`.
#[track_caller]
fn check_input(text: &ScenarioText, name: &str, cdf: impl Fn(f64) -> f64, lo: f64, hi: f64) {
    let scenario = text.build();
    let sim = run(&scenario, N);
    let draws = input_draws(&scenario, &sim, name);
    assert_ks(name, &draws, cdf, lo, hi);
}

fn growth(dist: &str) -> ScenarioText {
    ScenarioText::base().set("demand", "growth", dist)
}

fn effect(dist: &str) -> ScenarioText {
    ScenarioText::base().scheme_set("A", "effect", dist)
}

fn overrun(dist: &str) -> ScenarioText {
    ScenarioText::base().scheme_set("A", "cost_overrun", dist)
}

fn std_normal() -> Normal {
    Normal::standard()
}

/// A normal CDF truncated to `[a, b]`, from statrs' untruncated normal. Above the mean it
/// is written with survival functions, `(S(a) − S(x))/(S(a) − S(b))`, so that a window in
/// the upper tail does not lose its digits to `1 − Φ` cancellation.
fn truncated_normal_cdf(mean: f64, sd: f64, a: f64, b: f64) -> impl Fn(f64) -> f64 {
    let n = Normal::new(mean, sd).expect("valid normal");
    move |x: f64| {
        let f = if a >= mean {
            (n.sf(a) - n.sf(x)) / (n.sf(a) - n.sf(b))
        } else {
            (n.cdf(x) - n.cdf(a)) / (n.cdf(b) - n.cdf(a))
        };
        f.clamp(0.0, 1.0)
    }
}

#[test]
fn uniform_draws_follow_the_uniform_cdf() {
    let reference = StatrsUniform::new(-0.01, 0.05).expect("valid");
    check_input(
        &growth("{ uniform = [-0.01, 0.05] }"),
        "demand.growth",
        |x| reference.cdf(x),
        -0.01,
        0.05,
    );
}

#[test]
fn triangular_draws_follow_the_triangular_cdf() {
    // statrs' argument order is (min, max, mode).
    let reference = Triangular::new(0.0, 0.04, 0.01).expect("valid");
    check_input(
        &effect("{ triangular = [0.0, 0.01, 0.04] }"),
        "scheme.A.effect",
        |x| reference.cdf(x),
        0.0,
        0.04,
    );
}

#[test]
fn triangular_with_the_mode_at_an_end_follows_its_cdf() {
    let reference = Triangular::new(0.0, 0.03, 0.0).expect("valid");
    check_input(
        &effect("{ triangular = [0.0, 0.0, 0.03] }"),
        "scheme.A.effect",
        |x| reference.cdf(x),
        0.0,
        0.03,
    );
}

#[test]
fn pert_draws_follow_the_scaled_beta_cdf() {
    // Beta-PERT with λ = 4: α = 1 + 4(mode − min)/(max − min), β = 1 + 4(max − mode)/(max − min).
    let (min, mode, max) = (0.0, 0.012, 0.03);
    let alpha = 1.0 + 4.0 * (mode - min) / (max - min);
    let beta = 1.0 + 4.0 * (max - mode) / (max - min);
    let reference = Beta::new(alpha, beta).expect("valid");
    check_input(
        &effect("{ pert = [0.0, 0.012, 0.03] }"),
        "scheme.A.effect",
        |x| reference.cdf(((x - min) / (max - min)).clamp(0.0, 1.0)),
        min,
        max,
    );
}

#[test]
fn normal_draws_follow_the_normal_cdf() {
    let reference = Normal::new(0.025, 0.01).expect("valid");
    check_input(
        &growth("{ normal = { mean = 0.025, sd = 0.01 } }"),
        "demand.growth",
        |x| reference.cdf(x),
        -1.0,
        1.0,
    );
}

#[test]
fn normal_truncated_on_both_sides_follows_the_truncated_cdf() {
    // Cuts at −1 sd and +1.2 sd: a quarter of the mass is removed, so a sampler that
    // clamped instead of truncating would put ~12% of its draws on each bound.
    let cdf = truncated_normal_cdf(0.008, 0.01, -0.002, 0.02);
    check_input(
        &effect("{ normal = { mean = 0.008, sd = 0.01, min = -0.002, max = 0.02 } }"),
        "scheme.A.effect",
        cdf,
        -0.002,
        0.02,
    );
}

#[test]
fn normal_truncated_below_follows_the_truncated_cdf() {
    let cdf = truncated_normal_cdf(0.01, 0.02, 0.0, f64::INFINITY);
    check_input(
        &effect("{ normal = { mean = 0.01, sd = 0.02, min = 0.0 } }"),
        "scheme.A.effect",
        cdf,
        0.0,
        1.0,
    );
}

#[test]
fn normal_truncated_to_a_far_tail_window_follows_the_truncated_cdf() {
    // A window 5 to 8 sd above the mean holds 2.9e-7 of the mass (the check accepts down
    // to 1e-9): the sampler must keep its precision there, in either tail.
    let cdf = truncated_normal_cdf(0.0, 0.01, 0.05, 0.08);
    check_input(
        &effect("{ normal = { mean = 0.0, sd = 0.01, min = 0.05, max = 0.08 } }"),
        "scheme.A.effect",
        cdf,
        0.05,
        0.08,
    );
    let cdf = truncated_normal_cdf(0.0, 0.01, -0.08, -0.05);
    check_input(
        &effect("{ normal = { mean = 0.0, sd = 0.01, min = -0.08, max = -0.05 } }"),
        "scheme.A.effect",
        cdf,
        -0.08,
        -0.05,
    );
}

#[test]
fn lognormal_median_p90_follows_the_lognormal_cdf() {
    // ln X ~ N(ln median, σ) with σ = (ln p90 − ln median)/z₀.₉₀.
    let z90 = std_normal().inverse_cdf(0.9);
    let (median, p90) = (1.0_f64, 1.2_f64);
    let reference =
        LogNormal::new(median.ln(), (p90.ln() - median.ln()) / z90).expect("valid lognormal");
    check_input(
        &overrun("{ lognormal = { median = 1.0, p90 = 1.2 } }"),
        "scheme.A.cost_overrun",
        |x| reference.cdf(x),
        0.0,
        f64::INFINITY,
    );
}

#[test]
fn lognormal_mean_sd_follows_the_lognormal_cdf() {
    // σ² = ln(1 + sd²/mean²), μ = ln mean − σ²/2.
    let (mean, sd) = (1.05_f64, 0.1_f64);
    let s2 = (1.0 + (sd / mean).powi(2)).ln();
    let reference = LogNormal::new(mean.ln() - s2 / 2.0, s2.sqrt()).expect("valid lognormal");
    check_input(
        &overrun("{ lognormal = { mean = 1.05, sd = 0.1 } }"),
        "scheme.A.cost_overrun",
        |x| reference.cdf(x),
        0.0,
        f64::INFINITY,
    );
}

#[test]
fn beta_draws_follow_the_beta_cdf() {
    let reference = Beta::new(2.0, 30.0).expect("valid");
    check_input(
        &effect("{ beta = { alpha = 2, beta = 30 } }"),
        "scheme.A.effect",
        |x| reference.cdf(x.clamp(0.0, 1.0)),
        0.0,
        1.0,
    );
}

#[test]
fn beta_with_shapes_below_one_follows_the_beta_cdf() {
    // Beta(0.5, 0.5), the arcsine law: unbounded density at both ends.
    let reference = Beta::new(0.5, 0.5).expect("valid");
    check_input(
        &ScenarioText::base().set(
            "costs",
            "cashable_share_short",
            "{ beta = { alpha = 0.5, beta = 0.5 } }",
        ),
        "costs.cashable_share_short",
        |x| reference.cdf(x.clamp(0.0, 1.0)),
        0.0,
        1.0,
    );
}

#[test]
fn ci90_with_a_positive_low_is_the_lognormal_through_both_ends() {
    // Lognormal with P5 = low and P95 = high: μ = (ln low + ln high)/2,
    // σ = (ln high − ln low)/(2·z₀.₉₅).
    let z95 = std_normal().inverse_cdf(0.95);
    let (low, high) = (0.01_f64, 0.04_f64);
    let reference = LogNormal::new(
        (low.ln() + high.ln()) / 2.0,
        (high.ln() - low.ln()) / (2.0 * z95),
    )
    .expect("valid lognormal");
    check_input(
        &growth("{ ci90 = [0.01, 0.04] }"),
        "demand.growth",
        |x| reference.cdf(x),
        0.0,
        1.0,
    );
}

#[test]
fn ci90_with_a_negative_low_is_the_normal_through_both_ends() {
    // Normal with P5 = low and P95 = high: mean (low + high)/2, sd (high − low)/(2·z₀.₉₅).
    let z95 = std_normal().inverse_cdf(0.95);
    let reference = Normal::new(0.01, 0.04 / (2.0 * z95)).expect("valid");
    check_input(
        &growth("{ ci90 = [-0.01, 0.03] }"),
        "demand.growth",
        |x| reference.cdf(x),
        -1.0,
        1.0,
    );
}

#[test]
fn ci90_with_low_exactly_zero_is_normal() {
    // docs/model.md §7: lognormal only if low > 0; low = 0 is the normal case.
    let z95 = std_normal().inverse_cdf(0.95);
    let reference = Normal::new(0.02, 0.04 / (2.0 * z95)).expect("valid");
    check_input(
        &growth("{ ci90 = [0.0, 0.04] }"),
        "demand.growth",
        |x| reference.cdf(x),
        -1.0,
        1.0,
    );
}

/// Assert the sampled success indicator of scheme A is 0/1 with mean `p` within 4 SE.
#[track_caller]
fn check_bernoulli(text: &ScenarioText, p: f64) {
    let scenario = text.build();
    let sim = run(&scenario, N);
    let s = input_draws(&scenario, &sim, "scheme.A.success_probability");
    assert!(
        s.iter()
            .all(|x| [0.0_f64, 1.0].iter().any(|v| v.to_bits() == x.to_bits())),
        "success draws must be 0 or 1"
    );
    let n = s.len() as f64;
    let hat = s.iter().sum::<f64>() / n;
    // Binomial SE under the null: √(p(1−p)/n). Tolerance: 4 SE.
    let se = (p * (1.0 - p) / n).sqrt();
    assert!(
        (hat - p).abs() <= 4.0 * se,
        "success share {hat:.4} is more than 4 SE ({:.4}) from p = {p}",
        4.0 * se
    );
}

#[test]
fn success_probability_is_a_bernoulli_draw() {
    check_bernoulli(
        &ScenarioText::base().scheme_set("A", "success_probability", "0.3"),
        0.3,
    );
}

#[test]
fn success_probability_in_bernoulli_form_is_a_bernoulli_draw() {
    check_bernoulli(
        &ScenarioText::base().scheme_set("A", "success_probability", "{ bernoulli = 0.7 }"),
        0.7,
    );
}

#[test]
fn a_failed_scheme_avoids_nothing_and_a_successful_one_does() {
    let scenario = ScenarioText::base()
        .scheme_set("A", "success_probability", "0.5")
        .build();
    let sim = run(&scenario, 2_000);
    let s = input_draws(&scenario, &sim, "scheme.A.success_probability");
    for (p, &success) in s.iter().enumerate() {
        let avoided = sim
            .path_series(p, carefund::Quantity::Avoided)
            .expect("exact run")[0];
        if success.to_bits() == 0.0_f64.to_bits() {
            assert_eq!(
                avoided.to_bits(),
                0.0_f64.to_bits(),
                "path {p}: failed scheme"
            );
        } else {
            assert!(avoided > 0.0, "path {p}: successful scheme avoided nothing");
        }
    }
}

#[test]
fn every_input_slot_carries_its_own_distribution() {
    // A different distribution on every per-path input of a scheme and of the fund, so that
    // an input written into the wrong slot fails its KS test.
    let text = ScenarioText::base()
        .set("demand", "growth", "{ uniform = [0.0, 0.04] }")
        .set("costs", "unit_cost", "{ uniform = [1_000, 2_000] }")
        .set("costs", "cashable_share_short", "{ uniform = [0.2, 0.4] }")
        .set("costs", "cashable_share_long", "{ uniform = [0.5, 0.9] }")
        .set("fund", "uplift", "{ uniform = [-0.02, 0.03] }")
        .scheme_set("A", "effect", "{ uniform = [0.0, 0.05] }")
        .scheme_set("A", "ramp_years", "{ uniform = [0.5, 3.0] }")
        .scheme_set("A", "cost_overrun", "{ uniform = [0.9, 1.5] }")
        .scheme("B", &[("effect", "{ uniform = [0.01, 0.02] }")]);
    let scenario = text.build();
    let sim = run(&scenario, 5_000);
    let cases = [
        ("demand.growth", 0.0, 0.04),
        ("costs.unit_cost", 1_000.0, 2_000.0),
        ("costs.cashable_share_short", 0.2, 0.4),
        ("costs.cashable_share_long", 0.5, 0.9),
        ("fund.uplift", -0.02, 0.03),
        ("scheme.A.effect", 0.0, 0.05),
        ("scheme.A.ramp_years", 0.5, 3.0),
        ("scheme.A.cost_overrun", 0.9, 1.5),
        ("scheme.B.effect", 0.01, 0.02),
    ];
    for (name, lo, hi) in cases {
        let reference = StatrsUniform::new(lo, hi).expect("valid");
        assert_ks(
            name,
            &input_draws(&scenario, &sim, name),
            |x| reference.cdf(x),
            lo,
            hi,
        );
    }
}

// --- Per-period demand noise (docs/model.md §3, §4.1) ---

#[test]
fn demand_variability_is_a_mean_one_lognormal_factor() {
    // ε_t = A_t/(A0·dt·(1 + g)^τ_t) without count noise: lognormal with mean 1 and sd v,
    // i.e. ln ε ~ N(−s²/2, s) with s² = ln(1 + v²).
    let v = 0.1_f64;
    let scenario = ScenarioText::base()
        .set("scenario", "horizon_years", "2")
        .set("demand", "growth", "0.0")
        .set("demand", "variability", &format!("{v:?}"))
        .build();
    let sim = run(&scenario, N);
    let s2 = (1.0 + v * v).ln();
    let reference = LogNormal::new(-s2 / 2.0, s2.sqrt()).expect("valid lognormal");
    let eps = |t: usize| -> Vec<f64> {
        sim.column(Quantity::Counterfactual, t)
            .expect("exact run")
            .iter()
            .map(|a| a / 20_000.0)
            .collect()
    };
    let (e0, e1) = (eps(0), eps(1));
    assert_ks(
        "ε in period 0",
        &e0,
        |x| reference.cdf(x),
        0.0,
        f64::INFINITY,
    );
    assert_ks(
        "ε in period 1",
        &e1,
        |x| reference.cdf(x),
        0.0,
        f64::INFINITY,
    );
    // A fresh draw every period: no rank correlation between consecutive periods.
    assert_rank_correlation(&e0, &e1, 0.0, "ε_0 ~ ε_1 (independent periods)");
}

#[test]
fn count_noise_is_poisson() {
    // Small λ, so that the Poisson law is visibly discrete: λ = A0·dt·(1 + g)^τ = 40·1.02^½.
    let lambda = 40.0 * 1.02_f64.sqrt();
    let scenario = ScenarioText::base()
        .set("demand", "baseline_admissions", "40")
        .set("demand", "count_noise", "true")
        .build();
    let sim = run(&scenario, N);
    let counts = sim.column(Quantity::Counterfactual, 0).expect("exact run");
    assert!(
        counts.iter().all(|&a| a >= 0.0 && a.fract() == 0.0),
        "counts must be whole numbers ≥ 0"
    );
    // KS distance at the integers against statrs' Poisson CDF. For a discrete law the KS
    // test is conservative, so the α = 0.001 critical value stays valid.
    let reference = Poisson::new(lambda).expect("valid Poisson");
    let n = counts.len() as f64;
    let max = counts.iter().fold(0.0_f64, |m, &a| m.max(a)) as u64;
    let mut sorted = counts.clone();
    sorted.sort_unstable_by(f64::total_cmp);
    let d = (0..=max)
        .map(|k| {
            let below = sorted.partition_point(|&a| a <= k as f64) as f64 / n;
            (below - reference.cdf(k)).abs()
        })
        .fold(0.0, f64::max);
    let crit = ks_critical(counts.len());
    assert!(
        d < crit,
        "Poisson counts: KS statistic D = {d:.5} ≥ critical value {crit:.5} (α = 0.001)"
    );
}

// --- Rank correlation (docs/model.md §6) ---

/// Ranks 0..n−1 of `x` (no ties in continuous samples).
fn ranks(x: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_unstable_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut r = vec![0.0; x.len()];
    for (rank, &i) in order.iter().enumerate() {
        r[i] = rank as f64;
    }
    r
}

/// Spearman's rank correlation: Pearson's correlation of the ranks.
fn spearman(x: &[f64], y: &[f64]) -> f64 {
    let (rx, ry) = (ranks(x), ranks(y));
    let n = rx.len() as f64;
    let (mx, my) = (rx.iter().sum::<f64>() / n, ry.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in rx.iter().zip(&ry) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    sxy / (sxx * syy).sqrt()
}

/// Approximate standard error of a sample Spearman correlation near `rho`:
/// `(1 − ρ²)/√(n − 1)`, the large-sample SE of Pearson's r under normality. For
/// Spearman's ρ under a Gaussian copula the true SE is a few percent larger (Fieller et
/// al. 1957: variance factor ≈ 1.06 on the z scale), which the 4-SE tolerance absorbs.
fn spearman_se(rho: f64, n: usize) -> f64 {
    (1.0 - rho * rho) / ((n - 1) as f64).sqrt()
}

#[track_caller]
fn assert_rank_correlation(x: &[f64], y: &[f64], target: f64, what: &str) {
    let r = spearman(x, y);
    let se = spearman_se(target, x.len());
    assert!(
        (r - target).abs() <= 4.0 * se,
        "{what}: Spearman correlation {r:.4} is more than 4 SE ({:.4}, SE ≈ (1 − ρ²)/√(n − 1)) \
         from the target {target}",
        4.0 * se
    );
}

/// Paths of the correlation tests.
const N_CORR: u64 = 20_000;

fn two_uncertain_schemes() -> ScenarioText {
    ScenarioText::base()
        .set(
            "demand",
            "growth",
            "{ normal = { mean = 0.025, sd = 0.01 } }",
        )
        .set("costs", "unit_cost", "{ pert = [1_200, 1_490, 2_100] }")
        .scheme_set("A", "effect", "{ pert = [0.0, 0.012, 0.03] }")
        .scheme("B", &[("effect", "{ triangular = [0.0, 0.01, 0.02] }")])
}

#[test]
fn correlated_effects_reach_the_target_rank_correlation() {
    let scenario = two_uncertain_schemes()
        .correlate("scheme.A.effect", "scheme.B.effect", 0.6)
        .build();
    let sim = run(&scenario, N_CORR);
    let a = input_draws(&scenario, &sim, "scheme.A.effect");
    let b = input_draws(&scenario, &sim, "scheme.B.effect");
    assert_rank_correlation(&a, &b, 0.6, "A.effect ~ B.effect (rank 0.6)");

    // Inputs outside the correlation stay independent of it and of each other.
    let g = input_draws(&scenario, &sim, "demand.growth");
    let c = input_draws(&scenario, &sim, "costs.unit_cost");
    assert_rank_correlation(&a, &g, 0.0, "A.effect ~ demand.growth (uncorrelated)");
    assert_rank_correlation(
        &g,
        &c,
        0.0,
        "demand.growth ~ costs.unit_cost (uncorrelated)",
    );

    // The copula changes the joint law, not the marginals: A's effect is still PERT.
    let (min, mode, max) = (0.0, 0.012, 0.03);
    let reference = Beta::new(
        1.0 + 4.0 * (mode - min) / (max - min),
        1.0 + 4.0 * (max - mode) / (max - min),
    )
    .expect("valid");
    assert_ks(
        "scheme.A.effect under the copula",
        &a,
        |x| reference.cdf(((x - min) / (max - min)).clamp(0.0, 1.0)),
        min,
        max,
    );
}

#[test]
fn uncorrelated_effects_have_rank_correlation_near_zero() {
    let scenario = two_uncertain_schemes().build();
    let sim = run(&scenario, N_CORR);
    let a = input_draws(&scenario, &sim, "scheme.A.effect");
    let b = input_draws(&scenario, &sim, "scheme.B.effect");
    assert_rank_correlation(&a, &b, 0.0, "A.effect ~ B.effect (no correlation)");
}

#[test]
fn a_four_input_correlation_matrix_reaches_every_target() {
    let scenario = two_uncertain_schemes()
        .correlate("scheme.A.effect", "scheme.B.effect", 0.5)
        .correlate("scheme.A.effect", "costs.unit_cost", -0.3)
        .correlate("scheme.B.effect", "demand.growth", 0.2)
        .build();
    let sim = run(&scenario, N_CORR);
    let a = input_draws(&scenario, &sim, "scheme.A.effect");
    let b = input_draws(&scenario, &sim, "scheme.B.effect");
    let c = input_draws(&scenario, &sim, "costs.unit_cost");
    let g = input_draws(&scenario, &sim, "demand.growth");
    assert_rank_correlation(&a, &b, 0.5, "A.effect ~ B.effect (rank 0.5)");
    assert_rank_correlation(&a, &c, -0.3, "A.effect ~ unit_cost (rank −0.3)");
    assert_rank_correlation(&b, &g, 0.2, "B.effect ~ growth (rank 0.2)");
    // Pairs left unspecified are 0 in the matrix the user gave.
    assert_rank_correlation(&c, &g, 0.0, "unit_cost ~ growth (unspecified: 0)");
}
