//! The smoother behind EVPPI: penalised regression splines fitted by least squares
//! (nalgebra), with the penalty chosen by generalised cross-validation.
//!
//! # Formula
//! For a design matrix `B` (n × p), response `y` and penalty matrix `P`,
//! `β̂ = (BᵀB + λP + εI)⁻¹ Bᵀy`, fitted values `ŷ = Bβ̂`. The effective degrees of
//! freedom are `edf = tr((BᵀB + λP + εI)⁻¹ BᵀB)` and λ minimises
//! `GCV(λ) = n·RSS(λ) / (n − edf)²` over a grid of 33 values spanning 10⁻⁸…10⁸ times
//! `tr(BᵀB)/tr(P)` (Demmler–Reinsch diagonalisation: one O(p³) step, then O(p) per λ).
//! `ε = 10⁻⁹·tr(BᵀB)/p` is a tiny ridge for numerical safety; it does not change the
//! fitted values noticeably. The coefficients' covariance `σ̂²A⁻¹BᵀBA⁻¹`, with
//! `σ̂² = RSS/(n − edf)`, is what the EVPPI standard error draws from.
//!
//! Bases:
//! - a continuous input: cubic B-splines with clamped boundary knots at the input's
//!   minimum and maximum and interior knots at equally spaced quantiles (so every
//!   interval holds data), with the second-order difference penalty on the
//!   coefficients (a P-spline, Eilers & Marx 1996);
//! - an input with at most [`MAX_LEVELS`] distinct values (a Bernoulli success draw, a
//!   discrete distribution): one indicator per value, unpenalised (the fit is then the
//!   mean of `y` at each value, exactly the conditional expectation).

use nalgebra::{DMatrix, DVector};

/// Inputs with at most this many distinct values get an indicator per value.
pub const MAX_LEVELS: usize = 12;

/// One block of columns of a design matrix and its penalty.
#[derive(Debug, Clone)]
pub(crate) struct Block {
    /// n × k basis values.
    pub columns: Vec<Vec<f64>>,
    /// Whether the block carries the second-difference penalty.
    pub penalised: bool,
    /// Whether the columns sum to one on every row (B-splines, indicators).
    pub unity: bool,
}

/// Distinct values of `x` (sorted), or `None` when there are more than `max`.
fn levels(x: &[f64], max: usize) -> Option<Vec<f64>> {
    let mut v: Vec<f64> = Vec::new();
    for &xi in x {
        if !v.iter().any(|l| l.to_bits() == xi.to_bits()) {
            v.push(xi);
            if v.len() > max {
                return None;
            }
        }
    }
    v.sort_by(f64::total_cmp);
    Some(v)
}

/// The basis block of one input: indicators for a discrete input, cubic B-splines with
/// `interior` quantile knots otherwise. `None` when the input takes one value only.
pub(crate) fn input_block(x: &[f64], interior: usize) -> Option<Block> {
    if let Some(levels) = levels(x, MAX_LEVELS) {
        if levels.len() < 2 {
            return None;
        }
        let columns = levels
            .iter()
            .map(|l| {
                x.iter()
                    .map(|xi| f64::from(u8::from(xi.to_bits() == l.to_bits())))
                    .collect()
            })
            .collect();
        return Some(Block {
            columns,
            penalised: false,
            unity: true,
        });
    }
    let mut sorted = x.to_vec();
    sorted.sort_by(f64::total_cmp);
    let (lo, hi) = (sorted[0], sorted[sorted.len() - 1]);
    let mut knots = vec![lo; 4];
    for k in 1..=interior {
        let q = crate::stats::quantile_sorted(&sorted, k as f64 / (interior + 1) as f64);
        let last = knots[knots.len() - 1];
        // Skip repeated quantiles (mass piled at a clamp bound) and knots too close.
        if q > last + (hi - lo) * 1e-6 && q < hi - (hi - lo) * 1e-6 {
            knots.push(q);
        }
    }
    knots.extend([hi; 4]);
    let p = knots.len() - 4;
    let mut columns = vec![vec![0.0; x.len()]; p];
    let mut row = [0.0; 4];
    for (i, &xi) in x.iter().enumerate() {
        let span = cubic_basis(&knots, xi, &mut row);
        for (j, v) in row.iter().enumerate() {
            columns[span - 3 + j][i] = *v;
        }
    }
    Some(Block {
        columns,
        penalised: true,
        unity: true,
    })
}

/// The four non-zero cubic B-spline values at `x` (clamped into the knot range); returns
/// the knot span `s` (`knots[s] ≤ x < knots[s+1]`), the values belonging to basis
/// functions `s−3 … s`. The NURBS Book algorithm A2.2 (Piegl & Tiller).
fn cubic_basis(knots: &[f64], x: f64, out: &mut [f64; 4]) -> usize {
    let n = knots.len() - 5; // index of the last basis function
    let x = x.clamp(knots[3], knots[n + 1]);
    let span = if x >= knots[n + 1] {
        n
    } else {
        // Largest s in 3..=n with knots[s] ≤ x.
        let mut s = 3;
        while s < n && knots[s + 1] <= x {
            s += 1;
        }
        s
    };
    let mut left = [0.0; 4];
    let mut right = [0.0; 4];
    out[0] = 1.0;
    for j in 1..=3 {
        left[j] = x - knots[span + 1 - j];
        right[j] = knots[span + j] - x;
        let mut saved = 0.0;
        for r in 0..j {
            let denom = right[r + 1] + left[j - r];
            let temp = if denom > 0.0 { out[r] / denom } else { 0.0 };
            out[r] = saved + right[r + 1] * temp;
            saved = left[j - r] * temp;
        }
        out[j] = saved;
    }
    span
}

/// One column of a design matrix: dense, or sparse (a B-spline is non-zero on at most
/// four knot intervals, an indicator on one value's paths).
#[derive(Debug, Clone)]
enum Col {
    Dense(Vec<f64>),
    Sparse(Vec<usize>, Vec<f64>),
}

impl Col {
    fn new(values: &[f64]) -> Self {
        let nonzero = values.iter().filter(|v| v.abs() > 0.0).count();
        if nonzero * 3 < values.len() {
            let idx: Vec<usize> = (0..values.len())
                .filter(|&i| values[i].abs() > 0.0)
                .collect();
            let val = idx.iter().map(|&i| values[i]).collect();
            Col::Sparse(idx, val)
        } else {
            Col::Dense(values.to_vec())
        }
    }

    /// `Σ aᵢbᵢ`, in a fixed order.
    fn dot(&self, other: &Col) -> f64 {
        match (self, other) {
            (Col::Dense(a), Col::Dense(b)) => a.iter().zip(b).map(|(x, y)| x * y).sum(),
            (Col::Sparse(i, v), Col::Dense(d)) | (Col::Dense(d), Col::Sparse(i, v)) => {
                i.iter().zip(v).map(|(&k, x)| x * d[k]).sum()
            }
            (Col::Sparse(ia, va), Col::Sparse(ib, vb)) => {
                let (mut a, mut b, mut sum) = (0, 0, 0.0);
                while a < ia.len() && b < ib.len() {
                    match ia[a].cmp(&ib[b]) {
                        std::cmp::Ordering::Less => a += 1,
                        std::cmp::Ordering::Greater => b += 1,
                        std::cmp::Ordering::Equal => {
                            sum += va[a] * vb[b];
                            a += 1;
                            b += 1;
                        }
                    }
                }
                sum
            }
        }
    }

    /// `Σ aᵢyᵢ`.
    fn dot_slice(&self, y: &[f64]) -> f64 {
        match self {
            Col::Dense(a) => a.iter().zip(y).map(|(x, v)| x * v).sum(),
            Col::Sparse(i, v) => i.iter().zip(v).map(|(&k, x)| x * y[k]).sum(),
        }
    }

    /// `out += c·a`.
    fn add_to(&self, c: f64, out: &mut [f64]) {
        match self {
            Col::Dense(a) => {
                for (o, x) in out.iter_mut().zip(a) {
                    *o += c * x;
                }
            }
            Col::Sparse(i, v) => {
                for (&k, x) in i.iter().zip(v) {
                    out[k] += c * x;
                }
            }
        }
    }
}

/// A design matrix and its penalty, ready for fitting several responses.
#[derive(Debug, Clone)]
pub(crate) struct Design {
    /// The columns of `B`, the first the intercept.
    b: Vec<Col>,
    /// Rows.
    n: usize,
    /// `T = L⁻ᵀU` (p × p), see [`Design::new`].
    t: DMatrix<f64>,
    /// Eigenvalues `s` of `L⁻¹PL⁻ᵀ`.
    s: DVector<f64>,
    /// `tr(BᵀB)/tr(P)`, the unit of λ; 0 without a penalty.
    unit: f64,
}

/// One penalised fit.
#[derive(Debug, Clone)]
pub(crate) struct Fit {
    /// Fitted values, one per row.
    pub fitted: Vec<f64>,
    /// Coefficients.
    pub beta: DVector<f64>,
    /// A factor `L` (`L·Lᵀ`) of the approximate covariance of the coefficients
    /// `σ̂²·A⁻¹BᵀBA⁻¹` (Strong et al. 2014), for drawing plausible fits.
    pub cov_factor: DMatrix<f64>,
    /// Effective degrees of freedom.
    pub edf: f64,
}

impl Design {
    /// An intercept column followed by every block's columns. A spline or indicator
    /// block's columns sum to one, like the intercept, so its first column is left out
    /// (its coefficient is absorbed by the intercept: the same fitted values, no
    /// collinearity); its second-difference penalty then applies to `(0, β₁, …, β_{k−1})`.
    /// Blocks that are not a partition of unity (interaction terms) are kept whole.
    pub fn new(n: usize, blocks: &[Block]) -> Option<Self> {
        let kept = |b: &Block| b.columns.len() - usize::from(b.unity);
        let p = 1 + blocks.iter().map(kept).sum::<usize>();
        let mut b = Vec::with_capacity(p);
        b.push(Col::Dense(vec![1.0; n]));
        let mut penalty = DMatrix::zeros(p, p);
        let mut c = 1;
        for block in blocks {
            let skip = usize::from(block.unity);
            let k = block.columns.len();
            for col in block.columns.iter().skip(skip) {
                b.push(Col::new(col));
            }
            if block.penalised && k >= 3 {
                // DᵀD for the second-difference matrix D ((k−2) × k), without the
                // dropped first coefficient.
                for r in 0..k - 2 {
                    let d = [(r, 1.0), (r + 1, -2.0), (r + 2, 1.0)];
                    for &(i, di) in &d {
                        for &(j, dj) in &d {
                            if i >= skip && j >= skip {
                                penalty[(c + i - skip, c + j - skip)] += di * dj;
                            }
                        }
                    }
                }
            }
            c += k - skip;
        }
        // Demmler–Reinsch: with BᵀB + εI = LLᵀ (Cholesky) and L⁻¹PL⁻ᵀ = U·diag(s)·Uᵀ,
        // BᵀB + εI + λP = L·U·(I + λS)·Uᵀ·Lᵀ for every λ, so each λ of the GCV search
        // costs O(p) once T = L⁻ᵀU is known.
        let mut gram = DMatrix::zeros(p, p);
        for j in 0..p {
            for k in 0..=j {
                let v = b[j].dot(&b[k]);
                gram[(j, k)] = v;
                gram[(k, j)] = v;
            }
        }
        let ridge = 1e-9 * gram.trace() / p as f64;
        for i in 0..p {
            gram[(i, i)] += ridge;
        }
        let pt = penalty.trace();
        let unit = if pt > 0.0 { gram.trace() / pt } else { 0.0 };
        let l = gram.cholesky()?.l();
        let linv_p = l.solve_lower_triangular(&penalty)?;
        let m = l.solve_lower_triangular(&linv_p.transpose())?;
        let m = (&m + m.transpose()) * 0.5;
        let eigen = m.symmetric_eigen();
        let t = l.transpose().solve_upper_triangular(&eigen.eigenvectors)?;
        let s = eigen.eigenvalues.map(|v| v.max(0.0));
        Some(Self { b, n, t, s, unit })
    }

    /// Number of columns.
    pub fn columns(&self) -> usize {
        self.b.len()
    }

    /// `B·β` as a vector of fitted values.
    pub fn apply(&self, beta: &DVector<f64>) -> Vec<f64> {
        let mut out = vec![0.0; self.n];
        for (column, bj) in self.b.iter().zip(beta.iter()) {
            column.add_to(*bj, &mut out);
        }
        out
    }

    /// Fit `y` with λ chosen by GCV; `None` if no λ leaves residual degrees of freedom.
    pub fn fit(&self, y: &[f64]) -> Option<Fit> {
        let n = y.len();
        let nf = n as f64;
        let mean = y.iter().sum::<f64>() / nf;
        let sd = (y.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / nf).sqrt();
        let scale = if sd > 0.0 { sd } else { 1.0 };
        let ys = DVector::from_iterator(n, y.iter().map(|v| (v - mean) / scale));
        let c = DVector::from_iterator(
            self.columns(),
            self.b.iter().map(|column| column.dot_slice(ys.as_slice())),
        );
        let w = self.t.tr_mul(&c);
        let yy = ys.dot(&ys);
        let grid: Vec<f64> = if self.unit > 0.0 {
            (0..33)
                .map(|k| self.unit * 10f64.powf(-8.0 + 0.5 * f64::from(k)))
                .collect()
        } else {
            vec![0.0]
        };
        let mut best: Option<(f64, f64, f64, f64)> = None; // (gcv, λ, edf, rss)
        for lambda in grid {
            let (mut edf, mut fit_ss) = (0.0, 0.0);
            for (wi, si) in w.iter().zip(self.s.iter()) {
                let shrink = 1.0 / (1.0 + lambda * si);
                edf += shrink;
                fit_ss += wi * wi * (2.0 * shrink - shrink * shrink);
            }
            let rss = (yy - fit_ss).max(0.0);
            let room = nf - edf;
            if room <= 0.0 {
                continue;
            }
            let gcv = nf * rss / (room * room);
            if best.is_none_or(|b| gcv < b.0) {
                best = Some((gcv, lambda, edf, rss));
            }
        }
        let (_, lambda, edf, rss) = best?;
        let shrink = self.s.map(|si| 1.0 / (1.0 + lambda * si));
        let mut beta = &self.t * w.component_mul(&shrink) * scale;
        // Back to the response's scale: the intercept carries the mean.
        beta[0] += mean;
        let sigma = (rss / (nf - edf)).sqrt() * scale;
        let cov_factor = &self.t * DMatrix::from_diagonal(&(shrink * sigma));
        Some(Fit {
            fitted: self.apply(&beta),
            beta,
            cov_factor,
            edf,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cubic_b_splines_sum_to_one_and_fit_a_smooth_curve() {
        let x: Vec<f64> = (0..400).map(|i| f64::from(i) / 399.0 * 6.0).collect();
        let block = input_block(&x, 10).unwrap();
        for i in 0..x.len() {
            let s: f64 = block.columns.iter().map(|c| c[i]).sum();
            assert!((s - 1.0).abs() < 1e-12, "row {i}: {s}");
        }
        let y: Vec<f64> = x.iter().map(|v| v.sin()).collect();
        let fit = Design::new(x.len(), &[block]).unwrap().fit(&y).unwrap();
        let worst = fit
            .fitted
            .iter()
            .zip(&y)
            .map(|(f, v)| (f - v).abs())
            .fold(0.0, f64::max);
        assert!(worst < 0.01, "worst error {worst}");
        assert!(fit.edf > 4.0 && fit.edf < 15.0, "edf {}", fit.edf);
    }

    #[test]
    fn discrete_inputs_get_group_means_and_constants_no_block() {
        let x: Vec<f64> = (0..100).map(|i| f64::from(i % 2)).collect();
        let y: Vec<f64> = (0..100).map(|i| f64::from(i % 2) * 3.0 + 1.0).collect();
        let block = input_block(&x, 10).unwrap();
        assert!(!block.penalised && block.columns.len() == 2);
        let fit = Design::new(x.len(), &[block]).unwrap().fit(&y).unwrap();
        for (f, v) in fit.fitted.iter().zip(&y) {
            assert!((f - v).abs() < 1e-6, "{f} vs {v}");
        }
        assert!(input_block(&[2.0; 50], 10).is_none());
    }
}
