//! Sobol first-order and total indices: Saltelli sampling, Saltelli (2010) and Jansen
//! estimators, bootstrap confidence intervals (docs/model.md §9).
//!
//! # Formula
//! Two independent `N × d` matrices `A` and `B` of uniforms on (0, 1); `AB_i` is `A` with
//! column `i` taken from `B`. With `f_A`, `f_B`, `f_ABi` the model at their rows and
//! `V` the variance of all `2N` values of `f_A` and `f_B`:
//!
//! - first order (Saltelli et al. 2010, *Comput. Phys. Commun.* 181:259, table 2 (b)):
//!   `S_i = mean_j[ f_B(j) · (f_ABi(j) − f_A(j)) ] / V`
//! - total (Jansen 1999): `ST_i = mean_j[ (f_A(j) − f_ABi(j))² ] / (2V)`
//!
//! `N·(d + 2)` evaluations. Outputs are centred on the mean of `f_A ∪ f_B` first (the
//! first-order estimator is not shift-invariant in finite samples).
//!
//! Confidence intervals: `bootstrap` resamples of the `N` rows (with replacement, each
//! resample from its own stream keyed by the seed and the resample's number), percentile
//! intervals, and the resamples' standard deviation as the standard error.
//!
//! Reproducibility: row `j` of `A` (and of `B`) is drawn from the stream keyed by
//! `(seed, "sobol.A")` (or `"sobol.B"`) and the row number, so results do not depend on
//! the number of threads; rows are evaluated in parallel and reduced in row order.

use rayon::prelude::*;
use serde::Serialize;

use super::{Output, free_inputs, short_label};
use crate::error::{Error, Opt, Result};
use crate::model::{Model, Quantity};
use crate::rng::{open_uniform, stream, stream_key};
use crate::sample::Sampler;
use crate::scenario::Scenario;
use crate::stats::{Stats, pairwise_sum, quantile_sorted};

/// How to estimate Sobol indices.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SobolOptions {
    /// Rows `N` of each base matrix (≥ 16); the model is evaluated `N·(d + 2)` times.
    pub rows: usize,
    /// Seed of the base matrices and of the bootstrap.
    pub seed: u64,
    /// Bootstrap resamples for the confidence intervals (≥ 20).
    pub bootstrap: usize,
    /// Confidence level of the intervals, in (0, 1).
    pub confidence: f64,
    /// Worker threads; `None` uses rayon's default.
    pub threads: Option<usize>,
}

impl Default for SobolOptions {
    /// 2,000 rows, seed 20150401, 200 resamples, 95% intervals, all cores.
    fn default() -> Self {
        Self {
            rows: 2_000,
            seed: 20_150_401,
            bootstrap: 200,
            confidence: 0.95,
            threads: None,
        }
    }
}

/// One input's indices.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SobolIndex {
    /// First-order index `S_i`.
    pub first: f64,
    /// Its bootstrap standard error.
    pub first_se: f64,
    /// Lower end of its bootstrap percentile interval.
    pub first_low: f64,
    /// Upper end.
    pub first_high: f64,
    /// Total index `ST_i`.
    pub total: f64,
    /// Its bootstrap standard error.
    pub total_se: f64,
    /// Lower end of its bootstrap percentile interval.
    pub total_low: f64,
    /// Upper end.
    pub total_high: f64,
}

/// Sobol indices of every dimension.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SobolResult {
    /// One per dimension, in dimension order.
    pub indices: Vec<SobolIndex>,
    /// Mean of the output over `A` and `B`.
    pub mean: f64,
    /// Variance of the output over `A` and `B`.
    pub variance: f64,
    /// Rows `N`.
    pub rows: usize,
    /// Model evaluations, `N·(d + 2)`.
    pub evaluations: usize,
    /// Bootstrap resamples.
    pub bootstrap: usize,
    /// Confidence level of the intervals.
    pub confidence: f64,
}

/// Sobol first-order and total indices of `f` on the unit hypercube `(0, 1)^dims`.
///
/// `f` must be a deterministic function of its argument.
///
/// # Formula
/// docs/model.md §9. Two independent `N × d` matrices `A`, `B` of uniforms; `AB_i` is `A`
/// with column `i` from `B`; `V` is the variance of the `2N` values `f_A ∪ f_B`:
/// first order `S_i = mean[f_B·(f_ABi − f_A)]/V` (Saltelli et al. 2010), total
/// `ST_i = mean[(f_A − f_ABi)²]/(2V)` (Jansen 1999); `N·(d + 2)` evaluations. Intervals
/// are bootstrap percentile intervals over resampled rows (each resample from a stream
/// keyed by the seed), and the `_se` fields the resamples' standard deviation. Row `j` of
/// `A` and `B` comes from streams keyed by the seed and `j`, so the result does not
/// depend on the thread count.
///
/// # Errors
/// [`Error::Invalid`] or [`Error::InvalidOption`] for `dims = 0`, rows outside 16 to [`MAX_ROWS`], resamples outside
/// 20 to [`MAX_BOOTSTRAP`], a
/// confidence level outside (0, 1), a thread pool that cannot start, or an output that
/// does not vary (variance 0 or not finite).
pub fn sobol_indices<F>(f: F, dims: usize, options: &SobolOptions) -> Result<SobolResult>
where
    F: Fn(&[f64]) -> f64 + Sync,
{
    sobol_rows(|u, _row| f(u), dims, options)
}

/// The most rows of each Sobol base matrix: 100,000 rows already mean `10⁵·(d + 2)` model
/// runs (minutes for a scenario of a few dozen inputs, 50 times the default), and the
/// indices' standard errors shrink as `1/√N`, to a few thousandths at that size.
pub const MAX_ROWS: usize = 100_000;

/// The most bootstrap resamples: each resamples every row, and percentile intervals do
/// not move beyond a few thousand.
pub const MAX_BOOTSTRAP: usize = 10_000;

/// Bytes of memory [`sobol_indices`] holds for `rows` rows of `dims` inputs: the rows of
/// model outputs and their centred copy (`2·(d + 2)` values and two vectors a row), and
/// one resample's row indices.
pub fn memory_estimate(rows: usize, dims: usize) -> u64 {
    let per_row = 2 * (dims as u64 + 2) * 8 + 2 * 24 + 8;
    (rows as u64).saturating_mul(per_row)
}

/// As [`sobol_indices`], with the row number passed to `f` (the same for row `j` of `A`,
/// `B` and every `AB_i`), so that a model with its own noise can key it by row.
pub(crate) fn sobol_rows<F>(f: F, dims: usize, options: &SobolOptions) -> Result<SobolResult>
where
    F: Fn(&[f64], u64) -> f64 + Sync,
{
    let o = options;
    check_options(dims, o)?;
    let pool = crate::threads::pool(o.threads, o.rows)?;
    let (key_a, key_b) = (stream_key(o.seed, "sobol.A"), stream_key(o.seed, "sobol.B"));

    // Row j: [f_A, f_B, f_AB_0 … f_AB_{d−1}].
    let rows: Vec<Vec<f64>> = pool.install(|| {
        (0..o.rows)
            .into_par_iter()
            .map(|j| {
                let draw = |key| {
                    let mut rng = stream(key, j as u64);
                    (0..dims)
                        .map(|_| open_uniform(&mut rng))
                        .collect::<Vec<f64>>()
                };
                let (a, b) = (draw(key_a), draw(key_b));
                let mut out = Vec::with_capacity(dims + 2);
                out.push(f(&a, j as u64));
                out.push(f(&b, j as u64));
                let mut ab = a.clone();
                for i in 0..dims {
                    ab[i] = b[i];
                    out.push(f(&ab, j as u64));
                    ab[i] = a[i];
                }
                out
            })
            .collect()
    });

    let all: Vec<f64> = rows.iter().flat_map(|r| [r[0], r[1]]).collect();
    let moments = Stats::of(&mut all.clone());
    let mean = moments.mean;
    let variance = moments.sd * moments.sd;
    if !(variance.is_finite() && variance > 0.0) {
        return Err(Error::Invalid(
            "the output does not vary over the Sobol sample, so it has no variance to share out"
                .into(),
        ));
    }
    let centred: Vec<Vec<f64>> = rows
        .iter()
        .map(|r| r.iter().map(|v| v - mean).collect())
        .collect();
    let point = estimate(&centred, dims, &(0..o.rows).collect::<Vec<_>>());

    let key_boot = stream_key(o.seed, "sobol.bootstrap");
    let boots: Vec<Vec<(f64, f64)>> = pool.install(|| {
        (0..o.bootstrap)
            .into_par_iter()
            .map(|b| {
                let mut rng = stream(key_boot, b as u64);
                let pick: Vec<usize> = (0..o.rows)
                    .map(|_| ((open_uniform(&mut rng) * o.rows as f64) as usize).min(o.rows - 1))
                    .collect();
                estimate(&centred, dims, &pick)
            })
            .collect()
    });
    let tail = (1.0 - o.confidence) / 2.0;
    let interval = |mut v: Vec<f64>| {
        let s = Stats::of(&mut v.clone());
        v.sort_unstable_by(f64::total_cmp);
        (
            s.sd,
            quantile_sorted(&v, tail),
            quantile_sorted(&v, 1.0 - tail),
        )
    };
    let indices = (0..dims)
        .map(|i| {
            let (first_se, first_low, first_high) =
                interval(boots.iter().map(|b| b[i].0).collect());
            let (total_se, total_low, total_high) =
                interval(boots.iter().map(|b| b[i].1).collect());
            SobolIndex {
                first: point[i].0,
                first_se,
                first_low,
                first_high,
                total: point[i].1,
                total_se,
                total_low,
                total_high,
            }
        })
        .collect();
    Ok(SobolResult {
        indices,
        mean,
        variance,
        rows: o.rows,
        evaluations: o.rows * (dims + 2),
        bootstrap: o.bootstrap,
        confidence: o.confidence,
    })
}

/// At least one input, and rows, bootstrap resamples and confidence in range.
fn check_options(dims: usize, o: &SobolOptions) -> Result<()> {
    if dims == 0 {
        return Err(Error::Invalid(
            "Sobol indices need at least one input".into(),
        ));
    }
    if !(16..=MAX_ROWS).contains(&o.rows) {
        return Err(Error::InvalidOption {
            name: Opt::SobolRows,
            value: o.rows.to_string(),
            allowed: format!("between 16 and {MAX_ROWS}"),
        });
    }
    if !(20..=MAX_BOOTSTRAP).contains(&o.bootstrap) {
        return Err(Error::InvalidOption {
            name: Opt::Bootstrap,
            value: o.bootstrap.to_string(),
            allowed: format!("between 20 and {MAX_BOOTSTRAP}"),
        });
    }
    if !(o.confidence > 0.0 && o.confidence < 1.0) {
        return Err(Error::InvalidOption {
            name: Opt::Confidence,
            value: o.confidence.to_string(),
            allowed: "between 0 and 1".into(),
        });
    }
    Ok(())
}

/// `(S_i, ST_i)` for every dimension from the (centred) rows `pick` (with repeats).
fn estimate(rows: &[Vec<f64>], dims: usize, pick: &[usize]) -> Vec<(f64, f64)> {
    let n = pick.len() as f64;
    let all: Vec<f64> = pick
        .iter()
        .flat_map(|&j| [rows[j][0], rows[j][1]])
        .collect();
    let mean = pairwise_sum(&all) / all.len() as f64;
    let dev: Vec<f64> = all.iter().map(|v| (v - mean) * (v - mean)).collect();
    let var = pairwise_sum(&dev) / (all.len() as f64 - 1.0);
    (0..dims)
        .map(|i| {
            let first: Vec<f64> = pick
                .iter()
                .map(|&j| rows[j][1] * (rows[j][2 + i] - rows[j][0]))
                .collect();
            let total: Vec<f64> = pick
                .iter()
                .map(|&j| (rows[j][0] - rows[j][2 + i]).powi(2))
                .collect();
            (
                pairwise_sum(&first) / n / var,
                pairwise_sum(&total) / n / (2.0 * var),
            )
        })
        .collect()
}

/// Sobol indices of a scenario's output with respect to its non-fixed inputs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SobolScenario {
    /// The output explained.
    pub output: Output,
    /// The inputs' names, in dimension order.
    pub inputs: Vec<String>,
    /// Short labels, in dimension order.
    pub labels: Vec<String>,
    /// The indices.
    pub result: SobolResult,
    /// `1 − Σ S_i`: the share of variance from interactions and from per-period noise.
    pub remainder: f64,
    /// How correlation and per-period noise are treated, in words.
    pub notes: Vec<&'static str>,
}

/// Sobol indices of `output` with respect to every non-fixed input of `scenario`.
///
/// The model function maps `u ∈ (0, 1)^k` to the non-fixed inputs through their inverse
/// CDFs ([`crate::scenario::Input::quantile`]; fixed inputs keep their value) and runs
/// [`Model::project`].
///
/// - **Correlation is ignored**: Sobol indices as estimated here assume independent
///   inputs, so the scenario's copula is not applied (the tornado charts do apply it).
/// - **Per-period noise** (demand variability ε and Poisson counts) is a nuisance factor:
///   row `j` of `A`, `B` and every `AB_i` share the noise streams of path `j`. The indices
///   are then those of the inputs averaged over the noise, and the noise's own share is
///   part of `1 − Σ S_i` (with interactions).
///
/// # Errors
/// As [`sobol_indices`]; [`Error::Invalid`] or [`Error::InvalidOption`] when no input is uncertain.
pub fn sobol_scenario(
    scenario: &Scenario,
    output: Output,
    options: &SobolOptions,
) -> Result<SobolScenario> {
    sobol_scenario_with(scenario, output, options, &|_, _| {})
}

/// [`sobol_scenario`], calling `progress(evaluations done, N·(d + 2))` from the worker
/// threads every 1,024 model evaluations (and at the end).
///
/// # Errors
/// As [`sobol_scenario`].
pub fn sobol_scenario_with(
    scenario: &Scenario,
    output: Output,
    options: &SobolOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<SobolScenario> {
    let free = free_inputs(scenario);
    if free.is_empty() {
        return Err(Error::Invalid(
            "the scenario has no uncertain input, so there is nothing to attribute".into(),
        ));
    }
    let model = Model::new(scenario);
    let sampler = Sampler::new(scenario, options.seed);
    let base: Vec<f64> = scenario.inputs().iter().map(|i| i.quantile(0.5)).collect();
    let width = Quantity::COUNT * scenario.timeline().periods();
    let total = options.rows * (free.len() + 2);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let f = |u: &[f64], row: u64| {
        let count = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        if count.is_multiple_of(1024) || count == total {
            progress(count, total);
        }
        let mut x = base.clone();
        for (&k, &uk) in free.iter().zip(u) {
            x[k] = scenario.inputs()[k].quantile(uk);
        }
        let mut ledger = vec![0.0; width];
        let mut noise = sampler.noise(row);
        output.of(&model.project(&x, Some(&mut noise), &mut ledger))
    };
    let result = sobol_rows(f, free.len(), options)?;
    let remainder = 1.0 - result.indices.iter().map(|i| i.first).sum::<f64>();
    Ok(SobolScenario {
        output,
        inputs: free
            .iter()
            .map(|&k| scenario.inputs()[k].name().to_string())
            .collect(),
        labels: free.iter().map(|&k| short_label(scenario, k)).collect(),
        result,
        remainder,
        notes: vec![
            "inputs are treated as independent: the scenario's correlations are not applied",
            "per-period noise is shared by the rows of A, B and AB_i; its share is part of 1 - sum(S_i)",
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_options_are_errors() {
        let f = |u: &[f64]| u[0];
        let o = SobolOptions::default();
        assert!(sobol_indices(f, 0, &o).is_err());
        assert!(sobol_indices(f, 1, &SobolOptions { rows: 3, ..o }).is_err());
        assert!(sobol_indices(f, 1, &SobolOptions { bootstrap: 1, ..o }).is_err());
        assert!(
            sobol_indices(
                f,
                1,
                &SobolOptions {
                    confidence: 1.0,
                    ..o
                }
            )
            .is_err()
        );
        assert!(sobol_indices(|_: &[f64]| 1.0, 2, &o).is_err());
    }

    #[test]
    fn results_do_not_depend_on_threads() {
        let f = |u: &[f64]| u[0] + 2.0 * u[1] * u[2];
        let one = SobolOptions {
            rows: 300,
            bootstrap: 30,
            threads: Some(1),
            ..SobolOptions::default()
        };
        let two = SobolOptions {
            threads: Some(2),
            ..one
        };
        let (a, b) = (
            sobol_indices(f, 3, &one).expect("runs"),
            sobol_indices(f, 3, &two).expect("runs"),
        );
        for (x, y) in a.indices.iter().zip(&b.indices) {
            assert_eq!(x.first.to_bits(), y.first.to_bits());
            assert_eq!(x.total_high.to_bits(), y.total_high.to_bits());
        }
    }
}
