//! Value of information: should the decision be taken now, or is it worth finding out
//! more first, and about what? (docs/model.md §12, issue 11.)
//!
//! - [`Value`]: the net benefit of an option on one path (`--value`: NPV of system net,
//!   cumulative net, or one party's cumulative position).
//! - [`decide`]: EVPI over `D ≥ 2` options whose net benefits are known path by path on
//!   common random numbers, with P(each option is best); [`evpi`] is the two-option case.
//! - [`evppi()`]: EVPPI of one input or a group, by regression (Strong, Oakley & Brennan
//!   2014) with the penalised splines of [`spline`].
//! - [`analyse`]: all of it for scenarios run on common random numbers, with an
//!   acceptability curve; [`report`] turns it into JSON, CSV, text and charts.
//! - [`do_nothing`] / [`do_nothing_toml`]: the "do nothing" option of a plan, in memory or
//!   as a valid scenario file.
//!
//! # Formula
//! For options `d` and Monte Carlo paths `p` with net benefit `NB[d][p]`:
//! `EVPI = mean_p max_d NB[d][p] − max_d mean_p NB[d][p]`, which is the mean over paths of
//! the regret `max_d NB[d][p] − NB[d*][p]` of the option `d*` best on average; its Monte
//! Carlo standard error is that of a mean, `sd(regret)/√n`.

mod analysis;
mod do_nothing_file;
pub mod evppi;
pub mod report;
#[cfg(feature = "report")]
pub mod section;
pub mod spline;

pub use analysis::{Acceptability, Group, Row, VoiOptions, VoiReport, analyse};
pub use do_nothing_file::do_nothing_toml;
pub use evppi::{Estimate, evppi};

use serde::Serialize;

use crate::dist::Dist;
use crate::engine::{RunOptions, simulate};
use crate::error::{Error, Opt, Result};
use crate::scenario::{Scenario, idx};
use crate::stats::Stats;
/// EVPI of one decision (defined with [`Summary`](crate::Summary), which holds it).
pub use crate::summary::Evpi;

/// The net benefit of an option on one path (`--value`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Value {
    /// NPV of system net, `Σ D_t·N_t` (£; the default).
    Npv,
    /// Cumulative system net at the horizon (£, undiscounted).
    CumNet,
    /// The commissioner's cumulative net position (£).
    Commissioner,
    /// The provider's cumulative net position (£).
    Provider,
    /// The council's cumulative net position (£).
    Council,
}

impl Value {
    /// Every value, with its name on the command line.
    pub const ALL: [(Value, &'static str); 5] = [
        (Value::Npv, "npv"),
        (Value::CumNet, "cum_net"),
        (Value::Commissioner, "commissioner"),
        (Value::Provider, "provider"),
        (Value::Council, "council"),
    ];

    /// The name on the command line.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(v, _)| *v == self)
            .map_or("", |(_, n)| n)
    }

    /// In words, for titles.
    pub fn words(self) -> &'static str {
        match self {
            Value::Npv => "NPV of system net",
            Value::CumNet => "cumulative system net",
            Value::Commissioner => "the commissioner's cumulative net",
            Value::Provider => "the provider's cumulative net",
            Value::Council => "the council's cumulative net",
        }
    }

    /// The value by name.
    ///
    /// # Errors
    /// [`Error::InvalidOption`] naming the allowed values.
    pub fn parse(s: &str) -> Result<Self> {
        Self::ALL
            .iter()
            .find(|(_, n)| *n == s)
            .map(|(v, _)| *v)
            .ok_or_else(|| Error::InvalidOption {
                name: Opt::Value,
                value: s.to_string(),
                allowed: format!("one of {}", Self::ALL.map(|(_, n)| n).join(", ")),
            })
    }

    /// The net benefit of one path.
    pub fn of(self, p: &crate::PathSummary) -> f64 {
        match self {
            Value::Npv => p.npv,
            Value::CumNet => p.cum_net,
            Value::Commissioner => p.commissioner,
            Value::Provider => p.provider,
            Value::Council => p.council,
        }
    }
}

/// EVPI of a decision between `D ≥ 2` options.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    /// Expected value of perfect information (£ per decision).
    pub evpi: f64,
    /// Its Monte Carlo standard error, `sd(regret)/√n`.
    pub se: f64,
    /// Index of the option best on average (`d*`; the first on ties).
    pub best: usize,
    /// Mean net benefit of each option.
    pub means: Vec<f64>,
    /// P(option is best on a path), ties shared equally.
    pub p_best: Vec<f64>,
}

/// EVPI of a decision between the options `nb` (options × paths, paired path by path).
///
/// # Formula
/// `EVPI = mean_p max_d NB[d][p] − max_d mean_p NB[d][p]` = mean regret of `d*`;
/// SE = sd(regret)/√n. `P(d best)` = mean over paths of `1[NB_d = max] / #ties`.
///
/// # Errors
/// [`Error::Invalid`] for fewer than two options or paths of different or zero length.
pub fn decide(nb: &[Vec<f64>]) -> Result<Decision> {
    let n = nb.first().map_or(0, Vec::len);
    if nb.len() < 2 || n == 0 || nb.iter().any(|v| v.len() != n) {
        return Err(Error::Invalid(format!(
            "EVPI needs at least two options with the same non-zero number of paths (found {})",
            nb.iter()
                .map(|v| v.len().to_string())
                .collect::<Vec<_>>()
                .join(" and ")
        )));
    }
    let (best, means) = evppi::best_on_average(nb);
    let mut wins = vec![0.0; nb.len()];
    let mut regret: Vec<f64> = (0..n)
        .map(|p| {
            let top = nb.iter().map(|v| v[p]).fold(f64::NEG_INFINITY, f64::max);
            let ties = nb.iter().filter(|v| v[p] >= top).count() as f64;
            for (d, v) in nb.iter().enumerate() {
                if v[p] >= top {
                    wins[d] += 1.0 / ties;
                }
            }
            top - nb[best][p]
        })
        .collect();
    let s = Stats::of(&mut regret);
    Ok(Decision {
        evpi: s.mean,
        se: s.se,
        best,
        means,
        p_best: wins.iter().map(|w| w / n as f64).collect(),
    })
}

/// EVPI of a two-option decision from paired per-path net benefits.
///
/// # Formula
/// `EVPI = mean_p max(a_p, b_p) − max(mean a, mean b)` = mean regret of the option best
/// on average; SE = sd(regret)/√n.
///
/// # Errors
/// [`Error::Invalid`] if the two slices differ in length or are empty.
pub fn evpi(a: &[f64], b: &[f64]) -> Result<Evpi> {
    if a.len() != b.len() || a.is_empty() {
        return Err(Error::Invalid(format!(
            "EVPI needs the same non-zero number of paths for both options (found {} and {})",
            a.len(),
            b.len()
        )));
    }
    let d = decide(&[a.to_vec(), b.to_vec()])?;
    Ok(Evpi {
        evpi: d.evpi,
        se: d.se,
        best: d.best,
        means: [d.means[0], d.means[1]],
    })
}

/// The "do nothing" option of a scenario (docs/model.md §12): a clone in which every
/// scheme costs nothing and has no effect and the plan claims nothing, with the same
/// demand draws (streams are keyed by
/// input name, so every other input draws as in the plan).
pub fn do_nothing(scenario: &Scenario) -> Scenario {
    let mut s = scenario.clone();
    // Doing nothing claims nothing: no reduction, no savings (docs/model.md §13), so it
    // is "not rated", and no P4P pot or contingency is owed against a claim.
    s.plan = crate::scenario::PlanTarget::Reduction(0.0);
    s.claimed_savings = None;
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
    against_do_nothing_by(scenario, plan, Value::Npv)
}

/// [`against_do_nothing`] with the net benefit `value` (`run --evpi --value …`).
///
/// # Errors
/// Whatever [`simulate`] returns.
pub fn against_do_nothing_by(
    scenario: &Scenario,
    plan: &crate::Simulation,
    value: Value,
) -> Result<Evpi> {
    let none = simulate(&do_nothing(scenario), &plan.options(), &|_| {})?;
    let a: Vec<f64> = plan.path_summaries().iter().map(|p| value.of(p)).collect();
    let b: Vec<f64> = none.path_summaries().iter().map(|p| value.of(p)).collect();
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
