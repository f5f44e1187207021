//! Per-path inputs: uniforms from each input's own stream, the copula, inverse CDFs.
//!
//! # Latin hypercube sampling (docs/model.md §6)
//!
//! With [`Sampling::LatinHypercube`] and `n` paths, every non-fixed input (and every
//! copula member) gets a permutation `π` of `0..n`, shuffled (Fisher–Yates) by the stream
//! keyed by `(seed, "<input name>#lhs")`; path `i`'s uniform is
//! `u_i = (π(i) + v_i)/n`, where `v_i` is the uniform plain Monte Carlo would have used
//! (from the input's own `(seed, name, i)` stream). Each input therefore has exactly one
//! path in each stratum `[k/n, (k+1)/n)`. The permutations are computed once, before the
//! parallel run, so results stay independent of the thread count.
//!
//! Correlation: the Gaussian copula is applied *to the stratified uniforms*
//! (`z = Φ⁻¹(u)`, `z' = L·z`, `u' = Φ(z')`). Inputs outside the copula keep their exact
//! stratification; correlated inputs keep it only approximately (their first member
//! exactly, the others in distribution), which still reduces variance for smooth outputs.
//! Iman–Conover would keep exact marginal strata but impose rank correlation only
//! approximately and needs all paths at once; we chose the copula so that path `i` is
//! computed from `i` alone.
//!
//! The strata depend on `n`: a Latin hypercube run of `2n` paths does not start with the
//! `n` paths of a run of `n`, unlike plain Monte Carlo.

use crate::model::Noise;
use crate::quantile::Quantile;
use crate::rng::{COUNT_STREAM, EPSILON_STREAM, open_uniform, stream, stream_key};
use crate::scenario::{Sampling, Scenario};

/// Draws one path's inputs and noise for a scenario under a seed.
#[derive(Debug, Clone)]
pub struct Sampler<'a> {
    scenario: &'a Scenario,
    /// Stream key of each input (unused for fixed inputs).
    keys: Vec<u64>,
    /// Whether each input is a member of the copula.
    correlated: Vec<bool>,
    eps_key: u64,
    count_key: u64,
    /// Each input's inverse CDF with its constants precomputed.
    quantiles: Vec<Quantile>,
    /// Latin hypercube: each input's stratum per path (`None` for plain Monte Carlo, and
    /// for inputs that do not draw).
    strata: Option<Vec<Option<Vec<u32>>>>,
}

impl<'a> Sampler<'a> {
    /// A plain Monte Carlo sampler for `scenario` under `seed` (whatever the scenario's
    /// sampling method; see [`Sampler::for_run`]).
    pub fn new(scenario: &'a Scenario, seed: u64) -> Self {
        Self {
            scenario,
            keys: scenario
                .inputs
                .iter()
                .map(|i| stream_key(seed, &i.name))
                .collect(),
            correlated: (0..scenario.inputs.len())
                .map(|k| {
                    scenario
                        .copula
                        .as_ref()
                        .is_some_and(|c| c.members.contains(&k))
                })
                .collect(),
            eps_key: stream_key(seed, EPSILON_STREAM),
            count_key: stream_key(seed, COUNT_STREAM),
            quantiles: scenario.inputs.iter().map(Quantile::of).collect(),
            strata: None,
        }
    }

    /// The sampler of a run of `paths` paths, by the scenario's [`Sampling`] method: for
    /// Latin hypercube sampling this computes every input's permutation of strata.
    pub fn for_run(scenario: &'a Scenario, seed: u64, paths: usize) -> Self {
        let mut s = Self::new(scenario, seed);
        if scenario.sampling() == Sampling::LatinHypercube {
            let strata = scenario
                .inputs
                .iter()
                .enumerate()
                .map(|(k, input)| {
                    (!input.is_fixed() || s.correlated[k]).then(|| {
                        permutation(stream_key(seed, &format!("{}#lhs", input.name)), paths)
                    })
                })
                .collect();
            s.strata = Some(strata);
        }
        s
    }

    /// The uniforms of path `path`, correlated by the scenario's copula (fixed inputs get
    /// 0.5, which they ignore). `z` is scratch space.
    pub fn uniforms(&self, path: u64, u: &mut [f64], z: &mut Vec<f64>) {
        for (k, ((u, input), &key)) in u
            .iter_mut()
            .zip(&self.scenario.inputs)
            .zip(&self.keys)
            .enumerate()
        {
            // Copula members always draw, so that an overlay fixing one of them does not
            // change the correlated draws of the others.
            *u = if input.is_fixed() && !self.correlated[k] {
                0.5
            } else {
                let v = open_uniform(&mut stream(key, path));
                match self.strata.as_ref().and_then(|s| s[k].as_ref()) {
                    Some(perm) => {
                        let n = perm.len() as f64;
                        // (π(i) + v)/n can round up to 1 for the top stratum.
                        ((f64::from(perm[path as usize]) + v) / n).min(1.0 - f64::EPSILON / 2.0)
                    }
                    None => v,
                }
            };
        }
        if let Some(copula) = &self.scenario.copula {
            copula.correlate(u, z);
        }
    }

    /// Map uniforms to input values through each input's inverse CDF (clamped to the
    /// input's allowed range): exactly [`crate::scenario::Input::quantile`], with each
    /// input's constants computed once per sampler (see [`crate::quantile`]).
    pub fn values(&self, u: &[f64], x: &mut [f64]) {
        for ((x, q), &u) in x.iter_mut().zip(&self.quantiles).zip(u) {
            *x = q.at(u);
        }
    }

    /// The sampling method in force: Latin hypercube only when built by
    /// [`Sampler::for_run`] for a Latin hypercube scenario.
    pub fn sampling(&self) -> Sampling {
        if self.strata.is_some() {
            Sampling::LatinHypercube
        } else {
            Sampling::MonteCarlo
        }
    }

    /// The per-period noise streams of path `path`.
    pub fn noise(&self, path: u64) -> Noise {
        Noise::new(stream(self.eps_key, path), stream(self.count_key, path))
    }
}

/// A uniformly random permutation of `0..n` (Fisher–Yates, stream `key`).
fn permutation(key: u64, n: usize) -> Vec<u32> {
    let mut p: Vec<u32> = (0..n as u32).collect();
    let mut rng = stream(key, 0);
    for i in (1..n).rev() {
        // Lemire's multiply-shift: unbiased enough for n ≤ 2³² (bias < n/2⁶⁴).
        let j = ((u128::from(rand::Rng::next_u64(&mut rng)) * (i as u128 + 1)) >> 64) as usize;
        p.swap(i, j);
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_hypercube_puts_one_path_in_each_stratum_of_each_input() {
        let mut scenario =
            Scenario::from_toml(crate::EXAMPLE_SCENARIO, "example.toml").expect("example loads");
        scenario.set_sampling(Sampling::LatinHypercube);
        let n = 997;
        let sampler = Sampler::for_run(&scenario, 11, n);
        assert_eq!(sampler.sampling(), Sampling::LatinHypercube);
        let k = scenario.inputs.len();
        let mut seen = vec![vec![0u32; n]; k];
        let (mut u, mut z) = (vec![0.0; k], Vec::new());
        for path in 0..n {
            sampler.uniforms(path as u64, &mut u, &mut z);
            for (j, &uj) in u.iter().enumerate() {
                seen[j][(uj * n as f64) as usize] += 1;
            }
        }
        let mut stratified = 0;
        for (j, input) in scenario.inputs.iter().enumerate() {
            let in_copula = scenario
                .copula
                .as_ref()
                .is_some_and(|c| c.members.contains(&j));
            if input.is_fixed() || in_copula {
                continue;
            }
            stratified += 1;
            assert!(
                seen[j].iter().all(|&c| c == 1),
                "{}: strata not filled exactly once",
                input.name
            );
        }
        assert!(stratified >= 10, "only {stratified} inputs checked");
    }

    #[test]
    fn monte_carlo_is_not_stratified() {
        let scenario =
            Scenario::from_toml(crate::EXAMPLE_SCENARIO, "example.toml").expect("example loads");
        let n = 997;
        let sampler = Sampler::for_run(&scenario, 11, n);
        assert_eq!(sampler.sampling(), Sampling::MonteCarlo);
        let k = scenario.inputs.len();
        let (mut u, mut z) = (vec![0.0; k], Vec::new());
        let mut seen = vec![0u32; n];
        for path in 0..n {
            sampler.uniforms(path as u64, &mut u, &mut z);
            seen[(u[crate::scenario::idx::UNIT_COST] * n as f64) as usize] += 1;
        }
        // With n uniforms in n strata, about n/e strata stay empty.
        let empty = seen.iter().filter(|&&c| c == 0).count();
        assert!(empty > n / 5, "{empty} empty strata");
    }

    #[test]
    fn permutation_is_a_permutation() {
        let mut p = permutation(5, 1000);
        p.sort_unstable();
        assert!(p.iter().enumerate().all(|(i, &x)| x as usize == i));
    }
}
