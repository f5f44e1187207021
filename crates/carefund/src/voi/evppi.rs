//! Expected value of partial perfect information (EVPPI) by regression (Strong, Oakley &
//! Brennan 2014, "Estimating multiparameter partial expected value of perfect information
//! from a probabilistic sensitivity analysis sample: a nonparametric regression
//! approach", Medical Decision Making 34(3)).
//!
//! # Formula
//! docs/model.md §12: `EVPPI(φ) = E_φ[max_d E(NB_d | φ)] − max_d E[NB_d]`. With `d*` the option
//! best on average, regress the incremental net benefit `INB_d = NB_d − NB_d*` of every
//! other option on the input(s) φ (the [`spline`](super::spline) smoother), giving
//! fitted `g_d(φ_p)` on each path (`g_d* = 0`); then
//! `EVPPI = mean_p max(0, max_d g_d(φ_p)) − max(0, max_d mean_p g_d(φ_p))`.
//! The regression has an intercept, so `mean_p g_d = mean_p INB_d` and the second term
//! is exactly the one in EVPI (zero, as `d*` is best on average).
//!
//! Bases: one input → cubic P-spline with `min(20, n/50)` interior knots (GCV penalty);
//! a group of `m` inputs → an additive P-spline per input (8 interior knots when
//! `m ≤ 4`, else 4) plus pairwise interaction terms of the standardised inputs `zᵢ, zⱼ`:
//! `zᵢzⱼ, zᵢ²zⱼ, zᵢzⱼ²` when `m ≤ 6`, `zᵢzⱼ` when `m ≤ 12`, none above (one penalty for
//! the whole group, chosen by GCV).
//!
//! Bias: the fitted `g_d` carries estimation noise, and `E[max]` of a noisy estimate is
//! biased upwards (more so with more effective degrees of freedom and fewer paths); a
//! basis too stiff to follow `E(NB | φ)` (e.g. an interaction beyond pairwise, or a
//! group too large for the reduced basis) biases it downwards. An input that does not
//! enter the model gets a small positive value, of the size of its standard error.
//!
//! Standard error: as Strong et al. (2014) suggest, draw 200 coefficient
//! vectors per option from `N(β̂, σ̂²A⁻¹BᵀBA⁻¹)`, recompute EVPPI from each set of
//! fitted values, and report their standard deviation. It reflects the uncertainty of
//! the regression fit, not the sampling of φ itself (see also the EVPI's SE).

use serde::Serialize;

use super::spline::{Block, Design, input_block};
use crate::dist::std_inverse_cdf;
use crate::error::{Error, Result};
use crate::rng::splitmix;
use crate::stats::pairwise_sum;

/// Draws of the coefficients used for the standard error.
pub const SE_DRAWS: usize = 200;

/// One EVPPI estimate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    /// EVPPI (£ per decision).
    pub evppi: f64,
    /// Its standard error (Strong et al. 2014).
    pub se: f64,
    /// Effective degrees of freedom of the regression (the largest over options).
    pub edf: f64,
}

fn check_options(nb: &[Vec<f64>]) -> Result<usize> {
    let n = nb.first().map_or(0, Vec::len);
    if nb.len() < 2 || n == 0 || nb.iter().any(|v| v.len() != n) {
        return Err(Error::Invalid(format!(
            "value of information needs at least two options with the same non-zero number of paths (found {} option(s))",
            nb.len()
        )));
    }
    Ok(n)
}

/// Index of the option with the highest mean (the first on ties), and every mean.
pub(crate) fn best_on_average(nb: &[Vec<f64>]) -> (usize, Vec<f64>) {
    let means: Vec<f64> = nb
        .iter()
        .map(|v| pairwise_sum(v) / v.len().max(1) as f64)
        .collect();
    let mut best = 0;
    for (d, m) in means.iter().enumerate() {
        if *m > means[best] {
            best = d;
        }
    }
    (best, means)
}

/// `mean_p max(0, max_d g_d[p]) − max(0, max_d mean g_d)`.
fn value(fitted: &[Vec<f64>], n: usize) -> f64 {
    let row: Vec<f64> = (0..n)
        .map(|p| fitted.iter().map(|g| g[p]).fold(0.0, f64::max))
        .collect();
    let best_mean = fitted
        .iter()
        .map(|g| pairwise_sum(g) / n as f64)
        .fold(0.0, f64::max);
    pairwise_sum(&row) / n as f64 - best_mean
}

fn standardised(x: &[f64]) -> Vec<f64> {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let sd = (x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
    let sd = if sd > 0.0 { sd } else { 1.0 };
    x.iter().map(|v| (v - mean) / sd).collect()
}

/// The design for inputs `x` (one slice per input, one value per path); `Ok(None)` when
/// every input is constant.
fn design(x: &[&[f64]], n: usize) -> Result<Option<Design>> {
    let m = x.len();
    let interior = match m {
        1 => (n / 50).clamp(3, 20),
        2..=4 => 8,
        _ => 4,
    };
    let mut blocks: Vec<Block> = Vec::new();
    let mut varying: Vec<&[f64]> = Vec::new();
    for xi in x {
        if let Some(b) = input_block(xi, interior) {
            blocks.push(b);
            varying.push(xi);
        }
    }
    if blocks.is_empty() {
        return Ok(None);
    }
    let k = varying.len();
    if (2..=12).contains(&k) {
        let z: Vec<Vec<f64>> = varying.iter().map(|v| standardised(v)).collect();
        let mut columns = Vec::new();
        for i in 0..k {
            for j in i + 1..k {
                let term = |a: i32, b: i32| -> Vec<f64> {
                    (0..n).map(|p| z[i][p].powi(a) * z[j][p].powi(b)).collect()
                };
                columns.push(term(1, 1));
                if k <= 6 {
                    columns.push(term(2, 1));
                    columns.push(term(1, 2));
                }
            }
        }
        blocks.push(Block {
            columns,
            penalised: false,
            unity: false,
        });
    }
    Design::new(n, &blocks).map(Some).ok_or_else(|| {
        Error::Invalid("the EVPPI regression could not be solved (singular design)".into())
    })
}

/// EVPPI of the inputs `x` for options with per-path net benefits `nb` (options ×
/// paths), with `seed` for the standard error's draws.
///
/// # Errors
/// [`Error::Invalid`] for fewer than two options, mismatched lengths, an input column
/// of the wrong length, or a regression that cannot be solved.
pub fn evppi(nb: &[Vec<f64>], x: &[&[f64]], seed: u64) -> Result<Estimate> {
    let n = check_options(nb)?;
    if x.is_empty() || x.iter().any(|c| c.len() != n) {
        return Err(Error::Invalid(format!(
            "EVPPI needs one value per path ({n}) for each of at least one input"
        )));
    }
    let zero = Estimate {
        evppi: 0.0,
        se: 0.0,
        edf: 0.0,
    };
    let Some(design) = design(x, n)? else {
        return Ok(zero);
    };
    if design.columns() * 2 > n {
        return Err(Error::Invalid(format!(
            "EVPPI of {} input(s) needs more paths than {n} (the regression has {} terms); run more paths",
            x.len(),
            design.columns()
        )));
    }
    let (best, _) = best_on_average(nb);
    let mut fits = Vec::new();
    for (d, v) in nb.iter().enumerate() {
        if d == best {
            continue;
        }
        let inb: Vec<f64> = v.iter().zip(&nb[best]).map(|(a, b)| a - b).collect();
        if inb.iter().all(|v| v.abs() == 0.0) {
            continue;
        }
        let fit = design.fit(&inb).ok_or_else(|| {
            Error::Invalid("the EVPPI regression could not be solved (singular design)".into())
        })?;
        fits.push(fit);
    }
    if fits.is_empty() {
        return Ok(zero);
    }
    let fitted: Vec<Vec<f64>> = fits.iter().map(|f| f.fitted.clone()).collect();
    let estimate = value(&fitted, n);
    // Strong et al.: EVPPI recomputed from plausible coefficient vectors.
    let p = design.columns();
    let mut counter = splitmix(seed ^ 0x0e7f_f1a5_eed0_0001);
    let mut normal = move || {
        counter = counter.wrapping_add(1);
        let u = ((splitmix(counter) >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
        std_inverse_cdf(u)
    };
    let mut draws = Vec::with_capacity(SE_DRAWS);
    for _ in 0..SE_DRAWS {
        let drawn: Vec<Vec<f64>> = fits
            .iter()
            .map(|f| {
                let z = nalgebra::DVector::from_iterator(p, (0..p).map(|_| normal()));
                design.apply(&(&f.beta + &f.cov_factor * z))
            })
            .collect();
        draws.push(value(&drawn, n));
    }
    let mean = pairwise_sum(&draws) / SE_DRAWS as f64;
    let var = draws.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (SE_DRAWS - 1) as f64;
    Ok(Estimate {
        evppi: estimate,
        se: var.sqrt(),
        edf: fits.iter().map(|f| f.edf).fold(0.0, f64::max),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn normals(seed: u64, n: usize) -> Vec<f64> {
        (0..n as u64)
            .map(|i| {
                let u = ((splitmix(splitmix(seed) ^ i) >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
                std_inverse_cdf(u)
            })
            .collect()
    }

    /// NB₁ = x + y, NB₀ = 0 with x ~ N(μ, 1), y ~ N(0, 2): E(NB₁ | x) = x, so
    /// EVPPI(x) = E[max(x, 0)] − max(μ, 0) = μΦ(μ) + φ(μ) − max(μ, 0), known exactly.
    /// Tolerance: 4·√(SE² + 1/n), the fit's SE and the sampling error of the outer mean
    /// (sd of max(x, 0) is below 1).
    #[test]
    fn single_input_matches_the_analytic_linear_case() {
        let n = 4000;
        let mu: f64 = 0.2;
        let x: Vec<f64> = normals(1, n).iter().map(|v| v + mu).collect();
        let y: Vec<f64> = normals(2, n).iter().map(|v| 2.0 * v).collect();
        let nb = vec![vec![0.0; n], x.iter().zip(&y).map(|(a, b)| a + b).collect()];
        let e = evppi(&nb, &[&x], 9).unwrap();
        let phi = (-mu * mu / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt();
        let exact = mu * crate::dist::std_cdf(mu) + phi - mu.max(0.0);
        // Sampling error of mean_p max(x_p, 0) − max(mean x, 0) over the n outer draws.
        let outer = 1.0 / (n as f64).sqrt();
        let tol = 4.0 * (e.se * e.se + outer * outer).sqrt();
        assert!(
            (e.evppi - exact).abs() < tol,
            "EVPPI {} vs exact {exact}, tolerance {tol} (se {})",
            e.evppi,
            e.se
        );
    }
}
