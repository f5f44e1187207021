//! Expected value of perfect information (EVPI) for a decision between options whose net
//! benefit is known path by path on common random numbers (issue 11, part).
//!
//! For options `d` and Monte Carlo paths `p` with net benefit `NB[d][p]`:
//! `EVPI = mean_p max_d NB[d][p] − max_d mean_p NB[d][p]`, which is the mean over paths of
//! the regret `max_d NB[d][p] − NB[d*][p]` of the option `d*` best on average; its Monte
//! Carlo standard error is that of a mean, `sd(regret)/√n`.

use serde::Serialize;

use crate::dist::Dist;
use crate::engine::{RunOptions, simulate};
use crate::error::{Error, Result};
use crate::scenario::{Scenario, idx};
use crate::stats::{Stats, pairwise_sum};

/// EVPI of one decision.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Evpi {
    /// Expected value of perfect information (same unit as the net benefit, £).
    pub evpi: f64,
    /// Its Monte Carlo standard error.
    pub se: f64,
    /// Index of the option best on average (`d*`; the first on ties).
    pub best: usize,
    /// Mean net benefit of each option.
    pub means: [f64; 2],
}

/// EVPI of a two-option decision from paired per-path net benefits.
///
/// # Formula
/// `EVPI = mean_p max(a_p, b_p) − max(mean a, mean b)` = mean regret of the option best
/// on average; SE = sd(regret)/√n.
///
/// # Errors
/// [`Error::Options`] if the two slices differ in length or are empty.
pub fn evpi(a: &[f64], b: &[f64]) -> Result<Evpi> {
    if a.len() != b.len() || a.is_empty() {
        return Err(Error::Options(format!(
            "EVPI needs the same non-zero number of paths for both options (found {} and {})",
            a.len(),
            b.len()
        )));
    }
    let n = a.len() as f64;
    let means = [pairwise_sum(a) / n, pairwise_sum(b) / n];
    let best = usize::from(means[1] > means[0]);
    let chosen = if best == 0 { a } else { b };
    let mut regret: Vec<f64> = a
        .iter()
        .zip(b)
        .zip(chosen)
        .map(|((x, y), c)| x.max(*y) - c)
        .collect();
    let s = Stats::of(&mut regret);
    Ok(Evpi {
        evpi: s.mean,
        se: s.se,
        best,
        means,
    })
}

/// The "do nothing" option of a scenario (MODEL.md §12): a clone in which every scheme
/// costs nothing and has no effect, with the same demand draws (streams are keyed by
/// input name, so every other input draws as in the plan).
pub fn do_nothing(scenario: &Scenario) -> Scenario {
    let mut s = scenario.clone();
    for i in 0..s.schemes.len() {
        s.schemes[i].annual_cost = 0.0;
        let k = idx::SCHEME_BASE + i * idx::PER_SCHEME + idx::EFFECT;
        if let Some(input) = s.inputs_mut().get_mut(k) {
            input.set_dist(Dist::Fixed(0.0));
        }
    }
    s
}

/// EVPI of "fund the plan" against "do nothing", net benefit = NPV of system net per
/// path. Option 0 is the plan, option 1 doing nothing.
///
/// # Errors
/// Whatever [`simulate`] returns.
pub fn fund_or_not(scenario: &Scenario, options: &RunOptions) -> Result<Evpi> {
    let plan = simulate(scenario, options, &|_| {})?;
    against_do_nothing(scenario, &plan)
}

/// [`fund_or_not`] for a plan already simulated: runs only "do nothing", with the plan
/// run's seed and paths (common random numbers).
///
/// # Errors
/// Whatever [`simulate`] returns.
pub fn against_do_nothing(scenario: &Scenario, plan: &crate::Simulation) -> Result<Evpi> {
    let none = simulate(&do_nothing(scenario), &plan.options(), &|_| {})?;
    let a: Vec<f64> = plan.path_summaries().iter().map(|p| p.npv).collect();
    let b: Vec<f64> = none.path_summaries().iter().map(|p| p.npv).collect();
    evpi(&a, &b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::{std_cdf, std_inverse_cdf};
    use crate::rng::splitmix;

    #[test]
    fn zero_when_one_option_dominates_every_path() {
        let a: Vec<f64> = (0..1000).map(|i| f64::from(i).sin() * 5.0).collect();
        let b: Vec<f64> = a.iter().map(|x| x - 0.1 - x.abs()).collect();
        let e = evpi(&a, &b).unwrap();
        assert_eq!(e.best, 0);
        assert!(e.evpi.abs() < 1e-12 && e.se.abs() < 1e-12, "{e:?}");
        assert!(evpi(&a, &b[1..]).is_err());
    }

    /// Option a = X ~ N(μ, σ), option b = 0: EVPI = E[max(X, 0)] − max(μ, 0)
    /// = μΦ(μ/σ) + σφ(μ/σ) − max(μ, 0). Within 4 standard errors.
    #[test]
    fn matches_the_analytic_normal_case() {
        let n = 200_000u64;
        for (mu, sigma) in [(1.0, 2.0), (-0.5, 1.0), (0.0, 3.0)] {
            let a: Vec<f64> = (0..n)
                .map(|i| {
                    let u = ((splitmix(i ^ 0x5eed) >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
                    mu + sigma * std_inverse_cdf(u)
                })
                .collect();
            let b = vec![0.0; a.len()];
            let e = evpi(&a, &b).unwrap();
            let z: f64 = mu / sigma;
            let phi = (-z * z / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt();
            let exact = mu * std_cdf(z) + sigma * phi - f64::max(mu, 0.0);
            assert!(
                (e.evpi - exact).abs() < 4.0 * e.se,
                "mu {mu} sigma {sigma}: {} vs {exact} (se {})",
                e.evpi,
                e.se
            );
            assert!(e.se > 0.0);
        }
    }

    #[test]
    fn do_nothing_spends_nothing_and_fund_or_not_runs() {
        let s = Scenario::from_toml(crate::EXAMPLE_SCENARIO, "example.toml").unwrap();
        let options = RunOptions {
            paths: 300,
            seed: 3,
            threads: Some(1),
        };
        let none = simulate(&do_nothing(&s), &options, &|_| {}).unwrap();
        for p in none.path_summaries() {
            assert!(p.investment.abs() < 1e-9 && p.avoided.abs() < 1e-9, "{p:?}");
        }
        let e = fund_or_not(&s, &options).unwrap();
        assert!(e.evpi >= 0.0 && e.se >= 0.0);
    }
}
