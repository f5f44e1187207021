//! Summary statistics: accurate sums, moments and percentiles.
//!
//! Sums use pairwise summation (error grows like `O(ε·log n)`, not `O(ε·n)`), always over
//! values in path order, so results do not depend on the thread count.
//! Percentiles use linear interpolation between order statistics (Hyndman & Fan type 7,
//! the default of R and NumPy): for `p ∈ [0, 1]` and sorted `x_0 ≤ … ≤ x_{n−1}`,
//! `h = (n − 1)·p`, `Q(p) = x_⌊h⌋ + (h − ⌊h⌋)·(x_⌊h⌋+1 − x_⌊h⌋)`.

use serde::Serialize;

/// The percentiles reported everywhere (docs/model.md §5).
pub const PERCENTILES: [u8; 9] = [1, 5, 10, 25, 50, 75, 90, 95, 99];

/// Mean, spread, Monte Carlo standard error and percentiles of a sample.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct Stats {
    /// Mean.
    pub mean: f64,
    /// Standard deviation (n − 1 denominator).
    pub sd: f64,
    /// Monte Carlo standard error of the mean: `sd/√n`.
    pub se: f64,
    /// 1st percentile.
    pub p1: f64,
    /// 5th percentile.
    pub p5: f64,
    /// 10th percentile.
    pub p10: f64,
    /// 25th percentile.
    pub p25: f64,
    /// Median.
    pub p50: f64,
    /// 75th percentile.
    pub p75: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 95th percentile.
    pub p95: f64,
    /// 99th percentile.
    pub p99: f64,
}

impl Stats {
    /// Statistics of `values` (reordered in place). Empty input gives all zeros.
    pub fn of(values: &mut [f64]) -> Self {
        if values.is_empty() {
            return Self::default();
        }
        let n = values.len() as f64;
        let mean = pairwise_sum(values) / n;
        let sd = if values.len() > 1 {
            let dev: Vec<f64> = values.iter().map(|x| (x - mean) * (x - mean)).collect();
            (pairwise_sum(&dev) / (n - 1.0)).sqrt()
        } else {
            0.0
        };
        let q = quantiles(values, &PERCENTILES.map(|p| f64::from(p) / 100.0));
        let q = |p: u8| q[PERCENTILES.iter().position(|&x| x == p).unwrap_or(0)];
        Self {
            mean,
            sd,
            se: sd / n.sqrt(),
            p1: q(1),
            p5: q(5),
            p10: q(10),
            p25: q(25),
            p50: q(50),
            p75: q(75),
            p90: q(90),
            p95: q(95),
            p99: q(99),
        }
    }

    /// The percentiles with their names, in order.
    pub fn percentiles(&self) -> [(&'static str, f64); 9] {
        [
            ("p1", self.p1),
            ("p5", self.p5),
            ("p10", self.p10),
            ("p25", self.p25),
            ("p50", self.p50),
            ("p75", self.p75),
            ("p90", self.p90),
            ("p95", self.p95),
            ("p99", self.p99),
        ]
    }
}

/// Pairwise sum of `values` (in the given order).
pub fn pairwise_sum(values: &[f64]) -> f64 {
    const BASE: usize = 64;
    if values.len() <= BASE {
        values.iter().sum()
    } else {
        let mid = values.len() / 2;
        pairwise_sum(&values[..mid]) + pairwise_sum(&values[mid..])
    }
}

/// Type-7 quantiles of `values` at probabilities `ps`, reordering `values` in place.
///
/// Only the order statistics needed are found, by successive selection
/// (`select_nth_unstable` on the part not yet fixed), which is linear in the number of
/// values for a fixed number of quantiles; the result equals [`quantile_sorted`] on a
/// sorted copy.
pub fn quantiles(values: &mut [f64], ps: &[f64]) -> Vec<f64> {
    let n = values.len();
    if n == 0 {
        return vec![f64::NAN; ps.len()];
    }
    let position = |p: f64| (n - 1) as f64 * p.clamp(0.0, 1.0);
    let mut needed: Vec<usize> = ps
        .iter()
        .flat_map(|&p| {
            let lo = position(p).floor() as usize;
            [lo, (lo + 1).min(n - 1)]
        })
        .collect();
    needed.sort_unstable();
    needed.dedup();
    let mut start = 0;
    for &k in &needed {
        if k >= start {
            values[start..].select_nth_unstable_by(k - start, f64::total_cmp);
            start = k + 1;
        }
    }
    ps.iter()
        .map(|&p| {
            let h = position(p);
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            values[lo] + (h - lo as f64) * (values[hi] - values[lo])
        })
        .collect()
}

/// Type-7 quantile of already sorted values.
pub fn quantile_sorted(sorted: &[f64], p: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
        }
    }
}

/// A proportion and its binomial standard error `√(p(1−p)/n)`.
pub fn proportion(hits: usize, n: usize) -> (f64, f64) {
    if n == 0 {
        return (0.0, 0.0);
    }
    let p = hits as f64 / n as f64;
    (p, (p * (1.0 - p) / n as f64).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_7_matches_numpy() {
        // numpy.percentile([1, 2, 3, 4], [10, 50, 90]) = [1.3, 2.5, 3.7]
        let x = [1.0, 2.0, 3.0, 4.0];
        assert!((quantile_sorted(&x, 0.1) - 1.3).abs() < 1e-12);
        assert!((quantile_sorted(&x, 0.5) - 2.5).abs() < 1e-12);
        assert!((quantile_sorted(&x, 0.9) - 3.7).abs() < 1e-12);
    }

    #[test]
    fn selection_quantiles_equal_sorted_quantiles() {
        let mut state = 12345_u64;
        let mut v: Vec<f64> = (0..10_007)
            .map(|_| {
                state = crate::rng::splitmix(state);
                (state >> 11) as f64 / (1u64 << 53) as f64 - 0.3
            })
            .collect();
        v[17] = v[18]; // ties
        let mut sorted = v.clone();
        sorted.sort_unstable_by(f64::total_cmp);
        let ps = [0.0, 0.01, 0.05, 0.5, 0.77, 0.99, 1.0];
        let q = quantiles(&mut v, &ps);
        for (p, q) in ps.iter().zip(q) {
            assert_eq!(
                q.to_bits(),
                quantile_sorted(&sorted, *p).to_bits(),
                "p = {p}"
            );
        }
    }

    #[test]
    fn pairwise_sum_beats_naive_on_many_small_values() {
        // 10 million copies of 0.1 plus 1e8: exact sum is 1e8 + 1e6.
        let mut v = vec![0.1_f64; 10_000_000];
        v[0] = 1e8;
        let exact = 1e8 + 0.1 * 9_999_999.0;
        let pairwise = pairwise_sum(&v);
        let naive: f64 = v.iter().sum();
        assert!(
            (pairwise - exact).abs() < 1e-6,
            "pairwise error {}",
            pairwise - exact
        );
        assert!((naive - exact).abs() > (pairwise - exact).abs());
    }

    #[test]
    fn stats_of_a_known_sample() {
        let mut v: Vec<f64> = (1..=101).map(f64::from).collect();
        let s = Stats::of(&mut v);
        assert!((s.mean - 51.0).abs() < 1e-12);
        assert!((s.p50 - 51.0).abs() < 1e-12);
        assert!((s.p10 - 11.0).abs() < 1e-12);
        // sd of 1..=101 with n − 1: sqrt(101·102/12)
        assert!((s.sd - (101.0_f64 * 102.0 / 12.0).sqrt()).abs() < 1e-9);
    }

    #[test]
    fn proportion_se() {
        let (p, se) = proportion(25, 100);
        assert!((p - 0.25).abs() < 1e-15);
        assert!((se - (0.25_f64 * 0.75 / 100.0).sqrt()).abs() < 1e-15);
    }
}
