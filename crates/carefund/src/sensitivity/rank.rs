//! Tornado (a): Spearman rank correlation of each per-path input with an output.

use serde::Serialize;

use super::{Output, free_inputs, short_label};
use crate::engine::Simulation;
use crate::scenario::Scenario;
use crate::stats::pairwise_sum;

/// The 97.5th percentile of the standard normal (two-sided 95% intervals).
const Z975: f64 = 1.959_963_984_540_054;

/// One input's rank correlation with the output.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankCorrelation {
    /// The input's name, e.g. `scheme.Reablement.effect`.
    pub input: String,
    /// A short label for charts.
    pub label: String,
    /// Spearman's ρ (0 when the input or the output did not vary).
    pub rho: f64,
    /// Lower end of the 95% confidence interval.
    pub ci_low: f64,
    /// Upper end of the 95% confidence interval.
    pub ci_high: f64,
}

/// Spearman tornado: every non-fixed input, sorted by `|ρ|`, largest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankTornado {
    /// The output explained.
    pub output: Output,
    /// Paths behind each correlation.
    pub paths: usize,
    /// How the intervals are computed, in words.
    pub interval: &'static str,
    /// The inputs, most important first.
    pub inputs: Vec<RankCorrelation>,
}

/// Ranks `1..=n` of `x`, ties given the average of the ranks they span.
pub fn ranks(x: &[f64]) -> Vec<f64> {
    let n = x.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut r = vec![0.0; n];
    let mut i = 0;
    while i < n {
        let mut j = i + 1;
        while j < n && x[order[j]].total_cmp(&x[order[i]]).is_eq() {
            j += 1;
        }
        // Ranks i+1 ..= j share their average.
        let average = (i + 1 + j) as f64 / 2.0;
        for &k in &order[i..j] {
            r[k] = average;
        }
        i = j;
    }
    r
}

/// Pearson correlation; `None` when either sample does not vary or is shorter than 2.
fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len().min(y.len());
    if n < 2 {
        return None;
    }
    let mx = pairwise_sum(&x[..n]) / n as f64;
    let my = pairwise_sum(&y[..n]) / n as f64;
    let prod = |f: &dyn Fn(usize) -> f64| pairwise_sum(&(0..n).map(f).collect::<Vec<_>>());
    let sxy = prod(&|i| (x[i] - mx) * (y[i] - my));
    let sxx = prod(&|i| (x[i] - mx) * (x[i] - mx));
    let syy = prod(&|i| (y[i] - my) * (y[i] - my));
    (sxx > 0.0 && syy > 0.0).then(|| (sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0))
}

/// Spearman's rank correlation: the Pearson correlation of the [`ranks`] (average ranks
/// for ties, so it is exact for inputs with repeated values such as a scheme's success).
/// `None` when either sample does not vary.
pub fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    pearson(&ranks(x), &ranks(y))
}

/// 95% confidence interval of a Spearman correlation `rho` from `n` pairs.
///
/// # Formula
/// Fisher's `z = atanh(ρ)` is about normal with variance `1.06/(n − 3)` for Spearman's ρ
/// (Fieller, Hartley & Pearson 1957, *Biometrika* 44:470); the interval is
/// `tanh(z ± 1.96·√(1.06/(n − 3)))`. With `n ≤ 3` the interval is `[−1, 1]`.
pub fn fisher_interval(rho: f64, n: usize) -> (f64, f64) {
    if n <= 3 {
        return (-1.0, 1.0);
    }
    let z = rho.clamp(-0.999_999_999, 0.999_999_999).atanh();
    let se = (1.06 / (n as f64 - 3.0)).sqrt();
    ((z - Z975 * se).tanh(), (z + Z975 * se).tanh())
}

/// Spearman tornado of `output` over the paths of `sim` (a run of `scenario`).
///
/// Uses the run's per-path inputs ([`Simulation::inputs`], drawn again as the run drew
/// them); nothing is re-simulated. Inputs that are fixed are left out; inputs are sorted by `|ρ|`, largest
/// first (ties in input order).
pub fn rank_tornado(scenario: &Scenario, sim: &Simulation, output: Output) -> RankTornado {
    let n = sim.paths();
    let y: Vec<f64> = sim.path_summaries().iter().map(|p| output.of(p)).collect();
    let ry = ranks(&y);
    let all = sim.inputs(0..n);
    let width = scenario.inputs().len().max(1);
    let mut inputs: Vec<RankCorrelation> = free_inputs(scenario)
        .into_iter()
        .map(|k| {
            let x: Vec<f64> = all.iter().skip(k).step_by(width).copied().collect();
            let rho = pearson(&ranks(&x), &ry).unwrap_or(0.0);
            let (ci_low, ci_high) = fisher_interval(rho, n);
            RankCorrelation {
                input: scenario.inputs()[k].name().to_string(),
                label: short_label(scenario, k),
                rho,
                ci_low,
                ci_high,
            }
        })
        .collect();
    inputs.sort_by(|a, b| b.rho.abs().total_cmp(&a.rho.abs()));
    RankTornado {
        output,
        paths: n,
        interval: "95%, Fisher z with variance 1.06/(n-3) (Fieller, Hartley & Pearson 1957)",
        inputs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_get_average_ranks() {
        assert_eq!(ranks(&[10.0, 20.0, 10.0, 5.0]), vec![2.5, 4.0, 2.5, 1.0]);
        assert_eq!(ranks(&[1.0, 1.0, 1.0]), vec![2.0, 2.0, 2.0]);
    }

    #[test]
    fn spearman_of_monotone_and_known_samples() {
        let x: Vec<f64> = (0..50).map(f64::from).collect();
        let y: Vec<f64> = x.iter().map(|v| v.powi(3)).collect();
        assert!((spearman(&x, &y).expect("varies") - 1.0).abs() < 1e-12);
        let rev: Vec<f64> = x.iter().map(|v| -v.exp()).collect();
        assert!((spearman(&x, &rev).expect("varies") + 1.0).abs() < 1e-12);
        // scipy.stats.spearmanr([1,2,3,4,5],[5,6,7,8,7]) = 0.8207826816681233
        let r = spearman(&[1.0, 2.0, 3.0, 4.0, 5.0], &[5.0, 6.0, 7.0, 8.0, 7.0]).expect("varies");
        assert!((r - 0.820_782_681_668_123_3).abs() < 1e-12, "{r}");
        assert!(spearman(&[1.0, 1.0], &[1.0, 2.0]).is_none());
    }

    #[test]
    fn fisher_interval_brackets_rho_and_narrows_with_n() {
        let (lo, hi) = fisher_interval(0.3, 100);
        assert!(lo < 0.3 && 0.3 < hi);
        // z = atanh(0.3) = 0.3095196, se = √(1.06/97) = 0.1045363: tanh(z ± 1.96·se),
        // computed independently (Python's math module).
        assert!((lo - 0.104_252_079).abs() < 1e-8, "{lo}");
        assert!((hi - 0.473_371_769).abs() < 1e-8, "{hi}");
        let (lo2, hi2) = fisher_interval(0.3, 10_000);
        assert!(hi2 - lo2 < (hi - lo) / 5.0);
        assert_eq!(fisher_interval(0.5, 3), (-1.0, 1.0));
    }
}
