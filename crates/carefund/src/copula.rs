//! Correlation between named inputs: a Gaussian copula (docs/model.md §6).
//!
//! The user gives Spearman rank correlations `ρ_s`. The latent normal (Pearson)
//! correlation that produces them is `2·sin(π·ρ_s/6)`. Correlated uniforms come from
//! independent standard normals `z` (one per input, from each input's own stream):
//! `z' = L·z` with `L` the Cholesky factor, then `u = Φ(z')`, then each input's inverse CDF.

use nalgebra::{DMatrix, SymmetricEigen};

use crate::dist::{std_cdf, std_inverse_cdf};

/// A checked Gaussian copula over some of a scenario's inputs.
#[derive(Debug, Clone)]
pub struct Copula {
    /// Which inputs (indices into the scenario's inputs), in matrix order.
    pub(crate) members: Vec<usize>,
    /// Lower Cholesky factor of the latent normal correlation matrix, row-major.
    pub(crate) chol: Vec<f64>,
}

/// The outcome of building a copula from a rank-correlation matrix.
#[derive(Debug)]
pub(crate) enum Built {
    /// Positive definite as given (or after repair): the copula, and the largest change
    /// repair made to any rank correlation (0 when none was needed).
    Ok(Copula, f64),
    /// Not positive definite; the smallest eigenvalue and the members that weigh most in
    /// its eigenvector.
    NotPositiveDefinite {
        min_eigenvalue: f64,
        culprits: Vec<usize>,
    },
}

/// Spearman rank correlation → latent normal correlation: `2·sin(πρ/6)`.
pub fn rank_to_pearson(rank: f64) -> f64 {
    2.0 * (std::f64::consts::PI * rank / 6.0).sin()
}

/// Latent normal correlation → Spearman rank correlation: `(6/π)·asin(r/2)`.
pub fn pearson_to_rank(r: f64) -> f64 {
    6.0 / std::f64::consts::PI * (r / 2.0).asin()
}

impl Copula {
    /// Build from the members and their rank-correlation matrix (`rank[i][j]`).
    pub(crate) fn build(members: Vec<usize>, rank: &DMatrix<f64>, repair: bool) -> Built {
        let pearson = rank.map(rank_to_pearson);
        let n = pearson.nrows();
        let pearson = DMatrix::from_fn(n, n, |i, j| if i == j { 1.0 } else { pearson[(i, j)] });
        let (matrix, moved) = match pearson.clone().cholesky() {
            Some(_) if min_eigenvalue(&pearson) > 1e-10 => (pearson, 0.0),
            _ if repair => {
                let fixed = nearest_correlation(&pearson);
                let moved = (0..n)
                    .flat_map(|i| (0..n).map(move |j| (i, j)))
                    .map(|(i, j)| {
                        (pearson_to_rank(fixed[(i, j)]) - pearson_to_rank(pearson[(i, j)])).abs()
                    })
                    .fold(0.0, f64::max);
                (fixed, moved)
            }
            _ => {
                let eig = SymmetricEigen::new(pearson.clone());
                let (k, &min) = eig
                    .eigenvalues
                    .iter()
                    .enumerate()
                    .min_by(|a, b| a.1.total_cmp(b.1))
                    .unwrap_or((0, &0.0));
                let v = eig.eigenvectors.column(k);
                let mut culprits: Vec<usize> = (0..n).filter(|&i| v[i].abs() > 0.2).collect();
                culprits.sort_by(|&a, &b| v[b].abs().total_cmp(&v[a].abs()));
                return Built::NotPositiveDefinite {
                    min_eigenvalue: min,
                    culprits: culprits.into_iter().map(|i| members[i]).collect(),
                };
            }
        };
        match matrix.cholesky() {
            Some(c) => {
                let l = c.l();
                let chol = (0..n)
                    .flat_map(|i| (0..n).map(move |j| (i, j)))
                    .map(|(i, j)| l[(i, j)])
                    .collect();
                Built::Ok(Copula { members, chol }, moved)
            }
            None => Built::NotPositiveDefinite {
                min_eigenvalue: 0.0,
                culprits: members,
            },
        }
    }

    /// Turn the members' independent uniforms (in place) into correlated uniforms.
    pub(crate) fn correlate(&self, u: &mut [f64], z: &mut Vec<f64>) {
        let n = self.members.len();
        z.clear();
        z.extend(self.members.iter().map(|&m| std_inverse_cdf(u[m])));
        for i in 0..n {
            let row = &self.chol[i * n..i * n + i + 1];
            let zi: f64 = row.iter().zip(z.iter()).map(|(l, z)| l * z).sum();
            // Keep the uniform strictly inside (0, 1) so inverse CDFs stay finite.
            u[self.members[i]] = std_cdf(zi).clamp(f64::EPSILON, 1.0 - f64::EPSILON);
        }
    }
}

fn min_eigenvalue(m: &DMatrix<f64>) -> f64 {
    SymmetricEigen::new(m.clone())
        .eigenvalues
        .iter()
        .copied()
        .fold(f64::INFINITY, f64::min)
}

/// The nearest correlation matrix in the Frobenius norm (Higham 2002, alternating
/// projections with Dykstra's correction), nudged to be strictly positive definite.
pub(crate) fn nearest_correlation(a: &DMatrix<f64>) -> DMatrix<f64> {
    let n = a.nrows();
    let mut y = a.clone();
    let mut ds = DMatrix::zeros(n, n);
    for _ in 0..1000 {
        let r = &y - &ds;
        // Project onto the positive semidefinite cone (eigenvalues ≥ a small floor).
        let eig = SymmetricEigen::new(r.clone());
        let vals = eig.eigenvalues.map(|v| v.max(1e-8));
        let x = &eig.eigenvectors * DMatrix::from_diagonal(&vals) * eig.eigenvectors.transpose();
        ds = &x - &r;
        // Project onto unit-diagonal matrices.
        let mut next = x.clone();
        for i in 0..n {
            next[(i, i)] = 1.0;
        }
        let change = (&next - &y).norm();
        y = next;
        if change < 1e-12 {
            break;
        }
    }
    // Symmetrise and make sure Cholesky succeeds.
    let y = (&y + y.transpose()) * 0.5;
    let floor = min_eigenvalue(&y);
    if floor > 1e-10 {
        y
    } else {
        let shift = 1e-8 - floor;
        let scaled = (&y + DMatrix::identity(n, n) * shift) / (1.0 + shift);
        DMatrix::from_fn(n, n, |i, j| if i == j { 1.0 } else { scaled[(i, j)] })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rank_pearson_round_trip() {
        for &r in &[-0.9, -0.3, 0.0, 0.5, 0.99] {
            assert!((pearson_to_rank(rank_to_pearson(r)) - r).abs() < 1e-12);
        }
        assert!((rank_to_pearson(1.0) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn not_positive_definite_is_reported() {
        // a~b strongly, b~c strongly, but a~c strongly negative: impossible.
        let m = DMatrix::from_row_slice(3, 3, &[1.0, 0.9, -0.9, 0.9, 1.0, 0.9, -0.9, 0.9, 1.0]);
        match Copula::build(vec![10, 11, 12], &m, false) {
            Built::NotPositiveDefinite {
                min_eigenvalue,
                culprits,
            } => {
                assert!(min_eigenvalue < 0.0);
                assert!(!culprits.is_empty());
            }
            Built::Ok(..) => panic!("accepted an impossible matrix"),
        }
        match Copula::build(vec![10, 11, 12], &m, true) {
            Built::Ok(c, moved) => {
                assert_eq!(c.members, vec![10, 11, 12]);
                assert!(moved > 0.05, "moved {moved}");
            }
            Built::NotPositiveDefinite { .. } => panic!("repair failed"),
        }
    }

    #[test]
    fn nearest_correlation_keeps_a_valid_matrix() {
        let m = DMatrix::from_row_slice(2, 2, &[1.0, 0.5, 0.5, 1.0]);
        let n = nearest_correlation(&m);
        assert!((n[(0, 1)] - 0.5).abs() < 1e-6);
    }
}
