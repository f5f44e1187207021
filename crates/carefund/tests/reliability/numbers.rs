//! Sums, means and standard deviations against exact references (issue 8, "Numbers").
//!
//! Every value is a multiple of 2⁻³² that an `f64` holds exactly, so its exact sum is an
//! `i128` count of 2⁻³² units, and rounding that count once to `f64` gives the correctly
//! rounded reference. The statistics must match it closely however many values there are,
//! while a naive left-to-right sum drifts.

use carefund::stats::{Stats, pairwise_sum, quantile_sorted};

/// 2³², the fixed-point scale.
const SCALE: f64 = 4_294_967_296.0;

/// A reproducible stream of uniforms in [0, 1).
fn uniforms(seed: u64) -> impl FnMut() -> f64 {
    let mut state = seed;
    move || {
        state = carefund::rng::splitmix(state);
        (state >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// `x` rounded to a multiple of 2⁻³², and that multiple as an integer.
fn fixed(x: f64) -> (f64, i128) {
    let k = (x * SCALE).round();
    (k / SCALE, k as i128)
}

fn exact_sum(ks: &[i128]) -> f64 {
    ks.iter().sum::<i128>() as f64 / SCALE
}

fn relative(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs()
}

/// 10⁷ values: one large value, then many small ones (each far below the large one's
/// last bit), then values of both signs: the cases where naive summation loses digits.
fn adversarial(n: usize, seed: u64) -> (Vec<f64>, Vec<i128>) {
    let mut u = uniforms(seed);
    let mut xs = Vec::with_capacity(n);
    let mut ks = Vec::with_capacity(n);
    for i in 0..n {
        let x = match i {
            0 => 1e15,
            _ if i < n / 2 => 0.1 + 0.01 * u(),
            _ => (u() - 0.45) * 1e6,
        };
        let (x, k) = fixed(x);
        xs.push(x);
        ks.push(k);
    }
    (xs, ks)
}

#[test]
fn pairwise_sums_of_ten_million_adversarial_values_match_the_exact_sum() {
    let n = 10_000_000;
    let (xs, ks) = adversarial(n, 1);
    let exact = exact_sum(&ks);
    let pairwise = pairwise_sum(&xs);
    let naive: f64 = xs.iter().sum();
    let abs_sum: f64 = pairwise_sum(&xs.iter().map(|x| x.abs()).collect::<Vec<_>>());
    // Pairwise summation's error bound: (⌈log₂(n/64)⌉ + 64)·ε·Σ|x|, 64 being the length
    // of the naive base case. Measured errors are far below it; the bound is what a
    // method "whose error does not grow with path count" (only with log n) promises.
    let bound = ((n as f64 / 64.0).log2().ceil() + 64.0) * f64::EPSILON * abs_sum;
    assert!(
        (pairwise - exact).abs() <= bound,
        "pairwise {pairwise} exact {exact} error {} bound {bound}",
        (pairwise - exact).abs()
    );
    assert!(
        relative(pairwise, exact) < 1e-13,
        "pairwise relative error {:e}",
        relative(pairwise, exact)
    );
    assert!(
        (naive - exact).abs() > 10.0 * (pairwise - exact).abs(),
        "naive summation should be visibly worse here: naive error {:e}, pairwise {:e}",
        (naive - exact).abs(),
        (pairwise - exact).abs()
    );
}

#[test]
fn pairwise_error_does_not_grow_with_the_number_of_values() {
    // Relative error of the sum of n positive values, for n from 10⁴ to 10⁷: pairwise
    // stays within a few ε; naive grows roughly like n·ε.
    let mut u = uniforms(2);
    let all: Vec<(f64, i128)> = (0..10_000_000).map(|_| fixed(0.1 + u())).collect();
    for n in [10_000, 100_000, 1_000_000, 10_000_000] {
        let xs: Vec<f64> = all[..n].iter().map(|p| p.0).collect();
        let ks: Vec<i128> = all[..n].iter().map(|p| p.1).collect();
        let exact = exact_sum(&ks);
        let err = relative(pairwise_sum(&xs), exact);
        assert!(err < 8.0 * f64::EPSILON, "n = {n}: relative error {err:e}");
    }
}

#[test]
fn mean_and_sd_of_a_million_values_match_exact_integer_arithmetic() {
    // Values 1000 + noise of sd ~0.3: a large mean against a small spread, where the
    // one-pass formula Σx²/n − mean² cancels catastrophically. Stats::of uses two passes.
    let n = 1_000_000;
    let mut u = uniforms(3);
    let (mut xs, ks): (Vec<f64>, Vec<i128>) = (0..n).map(|_| fixed(1000.0 + u())).unzip();
    let sum_k: i128 = ks.iter().sum();
    let sum_k2: i128 = ks.iter().map(|k| k * k).sum();
    let n_i = n as i128;
    // Exact: mean = Σk/(n·2³²); var = (nΣk² − (Σk)²) / (n(n−1)·2⁶⁴). Both numerators fit
    // in i128 (k < 2⁴², n < 2²⁰: nΣk² < 2¹⁰⁴).
    let mean_exact = sum_k as f64 / n as f64 / SCALE;
    let var_num = n_i * sum_k2 - sum_k * sum_k;
    let var_exact = var_num as f64 / (n as f64 * (n as f64 - 1.0)) / (SCALE * SCALE);
    let sd_exact = var_exact.sqrt();
    let naive_var = {
        let s: f64 = xs.iter().sum();
        let s2: f64 = xs.iter().map(|x| x * x).sum();
        (s2 - s * s / n as f64) / (n as f64 - 1.0)
    };
    let stats = Stats::of(&mut xs);
    assert!(
        relative(stats.mean, mean_exact) < 1e-15,
        "mean {:e}",
        relative(stats.mean, mean_exact)
    );
    assert!(
        relative(stats.sd, sd_exact) < 1e-12,
        "sd {:e}",
        relative(stats.sd, sd_exact)
    );
    assert!(
        relative(stats.se, sd_exact / (n as f64).sqrt()) < 1e-12,
        "se {:e}",
        relative(stats.se, sd_exact / (n as f64).sqrt())
    );
    // The reference is sharp enough to tell the methods apart.
    assert!(relative(naive_var.sqrt(), sd_exact) > 1e3 * relative(stats.sd, sd_exact));
}

#[test]
fn every_reported_percentile_is_type_7_on_the_sorted_values() {
    // The one percentile definition (stats.rs, README): Hyndman & Fan type 7.
    let mut u = uniforms(4);
    let mut xs: Vec<f64> = (0..100_003).map(|_| (u() - 0.5) * 1e9).collect();
    let mut sorted = xs.clone();
    sorted.sort_unstable_by(f64::total_cmp);
    let stats = Stats::of(&mut xs);
    for (name, value) in stats.percentiles() {
        let p: f64 = name[1..].parse::<f64>().expect("pNN") / 100.0;
        assert_eq!(
            value.to_bits(),
            quantile_sorted(&sorted, p).to_bits(),
            "{name}"
        );
    }
}
