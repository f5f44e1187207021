//! Per-period statistics over paths in bounded memory (issue 7).
//!
//! Every quantity in every period is a *column*: one value per path. Its mean, standard
//! deviation and standard error come from [`Moments`] kept per block of
//! [`BLOCK`](crate::engine::BLOCK) paths and combined in block order, so they are the
//! same whatever the thread count, whether the run is split into shards, and whichever
//! way its percentiles are found. Percentiles come either from the exact values
//! ([`Percentiles::Exact`]: every column kept, `8·paths·columns` bytes) or from a
//! mergeable quantile sketch per column ([`Percentiles::Sketch`]).
//!
//! # The sketch and its error bound
//! The sketch is DDSketch (Masson, Rim & Lee, *DDSketch: a fast and fully-mergeable
//! quantile sketch with relative-error guarantees*, VLDB 2019; crate
//! `sketches-ddsketch`): values are counted in logarithmic buckets `[γ^k, γ^(k+1))`,
//! `γ = (1+α)/(1−α)`, one set of buckets for positive values, one for negative values,
//! and a count of values within ±10⁻⁹ of zero. Its bound is on **value, not rank**: the
//! sketched `p`-quantile `S` and the exact order statistic `x_(r)` of rank
//! `r = ⌊p·(n−1)⌋` (0-based) satisfy
//!
//! `|S − x_(r)| ≤ α·|x_(r)| + 10⁻⁹`, with `α = ` [`RELATIVE_ACCURACY`] ` = 0.1%`.
//!
//! The exact (type 7) percentile interpolates between `x_(r)` and `x_(r+1)`, so the
//! sketched percentile is within `α·|x_(r)| + (x_(r+1) − x_(r)) + 10⁻⁹` of it (the
//! second term shrinks like `1/n`). A relative bound suits money: the P50 of a £60m
//! loss is right to ±£60k whatever the spread of the distribution. Bucket counts are
//! integers, so merging sketches is exact and does not depend on the order of merging;
//! the number of buckets is never capped (a cap would collapse the lowest buckets and
//! void the bound): one power of ten takes about 1,150 buckets (8 bytes each), so a
//! column whose values span twelve powers of ten of one sign needs about 13,800 buckets
//! (≈ 110 kB).

use serde::{Deserialize, Serialize};
use sketches_ddsketch::{Config, DDSketch};

use crate::error::{Error, Result};
use crate::stats::{PERCENTILES, Stats, pairwise_sum};

/// Relative accuracy `α` of the per-period sketch (see the module documentation).
pub const RELATIVE_ACCURACY: f64 = 0.001;

/// Values within this distance of zero are counted as zero by the sketch.
pub const SKETCH_ZERO: f64 = 1e-9;

/// Bucket limit handed to DDSketch: above any reachable number (values above
/// [`SKETCH_ZERO`] up to the largest `f64` span about 318 powers of ten, 366,000 buckets
/// at `α = 0.1%`), so the lowest buckets are never collapsed and the bound always holds.
const MAX_BUCKETS: u32 = 1 << 23;

/// Under [`Percentiles::Auto`], columns are kept exactly while they take at most this
/// many bytes (256 MiB), and sketched above it.
pub const EXACT_BUDGET_BYTES: u64 = 256 << 20;

/// How per-period percentiles are found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Percentiles {
    /// Exact while the columns fit in [`EXACT_BUDGET_BYTES`], else sketched.
    #[default]
    Auto,
    /// Keep every value: exact type-7 percentiles, `8·paths·columns` bytes.
    Exact,
    /// A DDSketch per column: bounded memory, relative error ≤ [`RELATIVE_ACCURACY`].
    Sketch,
}

impl Percentiles {
    /// The method a run of `paths` paths with `columns` columns uses: `Exact` or `Sketch`.
    pub fn resolve(self, paths: u64, columns: usize) -> Self {
        match self {
            Self::Auto => {
                if paths.saturating_mul(columns as u64 * 8) <= EXACT_BUDGET_BYTES {
                    Self::Exact
                } else {
                    Self::Sketch
                }
            }
            other => other,
        }
    }

    /// Its name in `summary.json` (`exact` or `sketch`; `auto` before resolving).
    pub fn name(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Exact => "exact",
            Self::Sketch => "sketch",
        }
    }
}

/// Count, mean, sum of squared deviations and count of non-negative values of a set
/// of values; combined exactly as Chan, Golub & LeVeque (1979).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Moments {
    /// Number of values.
    pub n: u64,
    /// Their mean.
    pub mean: f64,
    /// `Σ (x − mean)²`.
    pub m2: f64,
    /// How many are ≥ 0.
    pub non_negative: u64,
}

impl Moments {
    /// Moments of `values`, by two pairwise-summed passes.
    pub fn of(values: &[f64]) -> Self {
        if values.is_empty() {
            return Self::default();
        }
        let n = values.len();
        let mean = pairwise_sum(values) / n as f64;
        Self {
            n: n as u64,
            mean,
            m2: pairwise_squared_deviations(values, mean),
            non_negative: values.iter().filter(|&&x| x >= 0.0).count() as u64,
        }
    }

    /// The moments of the union of two sets.
    ///
    /// # Formula
    /// `n = a.n + b.n`, `δ = b.mean − a.mean`, `mean = a.mean + δ·b.n/n`,
    /// `m2 = a.m2 + b.m2 + δ²·a.n·b.n/n`.
    #[must_use]
    pub fn merge(self, b: Self) -> Self {
        if self.n == 0 {
            return b;
        }
        if b.n == 0 {
            return self;
        }
        let (na, nb) = (self.n as f64, b.n as f64);
        let n = na + nb;
        let delta = b.mean - self.mean;
        Self {
            n: self.n + b.n,
            mean: self.mean + delta * nb / n,
            m2: self.m2 + b.m2 + delta * delta * na * nb / n,
            non_negative: self.non_negative + b.non_negative,
        }
    }

    /// Combine a sequence of moments in order (left to right).
    pub fn fold<'a>(parts: impl IntoIterator<Item = &'a Moments>) -> Self {
        parts
            .into_iter()
            .fold(Self::default(), |acc, m| acc.merge(*m))
    }

    /// Sample standard deviation (`n − 1` denominator; 0 for fewer than two values).
    pub fn sd(&self) -> f64 {
        if self.n > 1 {
            (self.m2 / (self.n - 1) as f64).sqrt()
        } else {
            0.0
        }
    }

    /// [`Stats`] from these moments and the percentiles [`PERCENTILES`], in order.
    pub fn stats(&self, percentiles: &[f64; 9]) -> Stats {
        let sd = self.sd();
        let [p1, p5, p10, p25, p50, p75, p90, p95, p99] = *percentiles;
        Stats {
            mean: self.mean,
            sd,
            se: if self.n > 0 {
                sd / (self.n as f64).sqrt()
            } else {
                0.0
            },
            p1,
            p5,
            p10,
            p25,
            p50,
            p75,
            p90,
            p95,
            p99,
        }
    }
}

/// [`Stats`] of a whole column of values in path order, computed as a run computes its
/// per-period statistics: moments per block of [`BLOCK`](crate::engine::BLOCK) paths
/// combined in order, and exact type-7 percentiles (reorders `values`).
pub fn column_stats(values: &mut [f64]) -> Stats {
    let moments = Moments::fold(
        values
            .chunks(crate::engine::BLOCK)
            .map(Moments::of)
            .collect::<Vec<_>>()
            .iter(),
    );
    let q = crate::stats::quantiles(values, &PERCENTILES.map(|p| f64::from(p) / 100.0));
    moments.stats(&std::array::from_fn(|i| {
        q.get(i).copied().unwrap_or(f64::NAN)
    }))
}

/// `Σ (x − mean)²` summed pairwise exactly as [`pairwise_sum`] sums the squared
/// deviations (same splits, so the same bits), without allocating them.
fn pairwise_squared_deviations(values: &[f64], mean: f64) -> f64 {
    const BASE: usize = 64;
    if values.len() <= BASE {
        values.iter().map(|x| (x - mean) * (x - mean)).sum()
    } else {
        let mid = values.len() / 2;
        pairwise_squared_deviations(&values[..mid], mean)
            + pairwise_squared_deviations(&values[mid..], mean)
    }
}

/// A mergeable quantile sketch of one column (see the module documentation for its
/// bound).
#[derive(Clone, Serialize, Deserialize)]
pub struct Sketch(DDSketch);

impl std::fmt::Debug for Sketch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sketch")
            .field("count", &self.count())
            .field("buckets", &self.buckets())
            .finish()
    }
}

impl Default for Sketch {
    fn default() -> Self {
        Self::new()
    }
}

impl Sketch {
    /// An empty sketch with relative accuracy [`RELATIVE_ACCURACY`].
    pub fn new() -> Self {
        Self(DDSketch::new(Config::new(
            RELATIVE_ACCURACY,
            MAX_BUCKETS,
            SKETCH_ZERO,
        )))
    }

    /// Count the values of `column`.
    pub fn add_all(&mut self, column: &[f64]) {
        for &x in column {
            self.0.add(x);
        }
    }

    /// Add the counts of `other` (exact: counts are integers).
    ///
    /// # Errors
    /// [`Error::Options`] if the two sketches were made with different accuracies (for
    /// example by different versions of carefund).
    pub fn merge(&mut self, other: &Self) -> Result<()> {
        self.0.merge(&other.0).map_err(|_| {
            Error::Options("cannot merge percentile sketches made with different accuracies".into())
        })
    }

    /// Number of values counted.
    pub fn count(&self) -> usize {
        self.0.count()
    }

    /// Number of buckets in use.
    pub fn buckets(&self) -> usize {
        self.0.length()
    }

    /// The sketched `p`-quantile (`p` in [0, 1]); NaN when empty.
    pub fn quantile(&self, p: f64) -> f64 {
        self.0
            .quantile(p.clamp(0.0, 1.0))
            .ok()
            .flatten()
            .unwrap_or(f64::NAN)
    }

    /// The sketched percentiles [`PERCENTILES`], in order.
    pub fn percentiles(&self) -> [f64; 9] {
        PERCENTILES.map(|p| self.quantile(f64::from(p) / 100.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::quantile_sorted;

    fn sample(n: usize, seed: u64) -> Vec<f64> {
        let mut state = seed;
        (0..n)
            .map(|_| {
                state = crate::rng::splitmix(state);
                let u = (state >> 11) as f64 / (1u64 << 53) as f64;
                // A long-tailed, sign-changing money-like sample: −£80m … +£20m.
                -6e7 * (1.0 - u).powi(3) + 2e7 * u.powi(8) + (u - 0.5) * 1e3
            })
            .collect()
    }

    #[test]
    fn merged_moments_equal_the_moments_of_the_union() {
        let x = sample(10_000, 7);
        let whole = Moments::of(&x);
        let parts: Vec<Moments> = x.chunks(1024).map(Moments::of).collect();
        let merged = Moments::fold(&parts);
        assert_eq!(merged.n, whole.n);
        assert_eq!(merged.non_negative, whole.non_negative);
        assert!((merged.mean - whole.mean).abs() <= 1e-12 * whole.mean.abs());
        assert!((merged.m2 - whole.m2).abs() <= 1e-10 * whole.m2);
    }

    /// The documented bound, checked on every reported percentile of a sign-changing,
    /// long-tailed sample against the exact order statistics.
    #[test]
    fn sketched_percentiles_meet_the_documented_bound() {
        for (n, seed) in [(1, 1), (2, 2), (101, 3), (10_000, 4), (200_003, 5)] {
            let x = sample(n, seed);
            let mut sketch = Sketch::new();
            sketch.add_all(&x);
            assert_eq!(sketch.count(), n);
            let mut sorted = x.clone();
            sorted.sort_unstable_by(f64::total_cmp);
            for (p, s) in PERCENTILES.iter().zip(sketch.percentiles()) {
                let p = f64::from(*p) / 100.0;
                let r = ((n - 1) as f64 * p).floor() as usize;
                let xr = sorted[r];
                assert!(
                    (s - xr).abs() <= RELATIVE_ACCURACY * xr.abs() + SKETCH_ZERO,
                    "n = {n}, p = {p}: sketch {s} vs x_(r) {xr}"
                );
                let exact = quantile_sorted(&sorted, p);
                let gap = sorted[(r + 1).min(n - 1)] - xr;
                assert!(
                    (s - exact).abs() <= RELATIVE_ACCURACY * xr.abs() + gap + SKETCH_ZERO,
                    "n = {n}, p = {p}: sketch {s} vs type 7 {exact}"
                );
            }
        }
    }

    #[test]
    fn merging_sketches_in_any_grouping_gives_identical_percentiles() {
        let x = sample(50_000, 11);
        let mut whole = Sketch::new();
        whole.add_all(&x);
        let mut forward = Sketch::new();
        for c in x.chunks(1024) {
            let mut s = Sketch::new();
            s.add_all(c);
            forward.merge(&s).expect("merge");
        }
        let mut backward = Sketch::new();
        for c in x.chunks(777).rev() {
            let mut s = Sketch::new();
            s.add_all(c);
            backward.merge(&s).expect("merge");
        }
        for ((a, b), c) in whole
            .percentiles()
            .iter()
            .zip(forward.percentiles())
            .zip(backward.percentiles())
        {
            assert_eq!(a.to_bits(), b.to_bits());
            assert_eq!(a.to_bits(), c.to_bits());
        }
    }

    #[test]
    fn squared_deviations_sum_as_pairwise_sum_does() {
        let x = sample(10_007, 3);
        let mean = pairwise_sum(&x) / x.len() as f64;
        let dev: Vec<f64> = x.iter().map(|v| (v - mean) * (v - mean)).collect();
        assert_eq!(
            pairwise_squared_deviations(&x, mean).to_bits(),
            pairwise_sum(&dev).to_bits()
        );
    }

    #[test]
    fn auto_keeps_small_runs_exact() {
        assert_eq!(Percentiles::Auto.resolve(10_000, 300), Percentiles::Exact);
        assert_eq!(
            Percentiles::Auto.resolve(1_000_000, 300),
            Percentiles::Sketch
        );
        assert_eq!(
            Percentiles::Exact.resolve(1_000_000, 300),
            Percentiles::Exact
        );
        assert_eq!(Percentiles::Sketch.resolve(10, 300), Percentiles::Sketch);
    }

    #[test]
    fn a_sketch_survives_json_bit_for_bit() {
        let x = sample(5_000, 13);
        let mut s = Sketch::new();
        s.add_all(&x);
        let json = serde_json::to_string(&s).expect("serialise");
        let back: Sketch = serde_json::from_str(&json).expect("parse");
        let mut merged = Sketch::new();
        merged.merge(&back).expect("merge");
        for (a, b) in s.percentiles().iter().zip(merged.percentiles()) {
            assert_eq!(a.to_bits(), b.to_bits());
        }
    }
}
