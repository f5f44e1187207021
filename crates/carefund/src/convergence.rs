//! Monte Carlo convergence: add paths until a metric's standard error reaches a target.
//!
//! [`simulate_to_target`] runs a first batch of paths, computes the Monte Carlo standard
//! error of the chosen [`TargetMetric`], and if it is above the target runs again with
//! more paths (a whole number of engine blocks, at least double the first batch, aiming at
//! `n·(se/target)²` plus 10%), until the target or the path cap is reached.
//!
//! Determinism: path `i` depends only on the seed and `i` (see [`crate::rng`]), so every
//! round's first paths are bit-identical to the previous round's, and the final result is
//! exactly that of a plain run with the reported number of paths. Each round re-runs the
//! paths from 0 (rounds grow geometrically, so this costs at most about twice the final
//! run).
//!
//! Latin hypercube sampling is refused: its strata depend on the number of paths, so
//! adding paths would not extend the earlier sample but replace it.

use serde::Serialize;

use crate::engine::{BLOCK, MAX_PATHS, RunOptions, Simulation, simulate};
use crate::error::{Error, Opt, Result};
use crate::scenario::{Sampling, Scenario};
use crate::stats::{Stats, proportion};

/// The metric whose standard error is targeted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetMetric {
    /// `p_break_even`: binomial SE `√(p(1−p)/n)`.
    PBreakEven,
    /// The mean cumulative system net at the horizon (£): `sd/√n`.
    MeanCumNet,
}

impl TargetMetric {
    /// Every metric a target can bound.
    pub const VARIANTS: [TargetMetric; 2] = [TargetMetric::PBreakEven, TargetMetric::MeanCumNet];

    /// The name used on the command line and in `summary.json`: the [`MetricName`]'s.
    ///
    /// [`MetricName`]: crate::metric::MetricName
    pub fn name(self) -> &'static str {
        self.metric_name().name()
    }

    /// Which [`MetricName`](crate::metric::MetricName) this is.
    pub fn metric_name(self) -> crate::metric::MetricName {
        match self {
            TargetMetric::PBreakEven => crate::metric::MetricName::PBreakEven,
            TargetMetric::MeanCumNet => crate::metric::MetricName::MeanCumNet,
        }
    }

    /// The metric's value and Monte Carlo standard error over the paths of `sim`.
    pub fn estimate(self, sim: &Simulation) -> (f64, f64) {
        let paths = sim.path_summaries();
        match self {
            TargetMetric::PBreakEven => proportion(
                paths.iter().filter(|p| p.cum_net >= 0.0).count(),
                paths.len(),
            ),
            TargetMetric::MeanCumNet => {
                let s = Stats::of(&mut paths.iter().map(|p| p.cum_net).collect::<Vec<_>>());
                (s.mean, s.se)
            }
        }
    }
}

/// A target standard error and the most paths to spend reaching it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target {
    /// Which metric.
    pub metric: TargetMetric,
    /// The standard error to reach (> 0; a probability for `p_break_even`, £ for the mean).
    pub se: f64,
    /// The most paths to run (≥ the first batch).
    pub max_paths: u64,
}

/// What [`simulate_to_target`] did (recorded in `summary.json` as `meta.convergence`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Convergence {
    /// The metric.
    pub metric: TargetMetric,
    /// The target standard error.
    pub target_se: f64,
    /// The metric's value with the final paths.
    pub value: f64,
    /// Its standard error with the final paths.
    pub achieved_se: f64,
    /// Paths used in the final run.
    pub paths: u64,
    /// Path counts of every round, in order.
    pub rounds: Vec<u64>,
    /// Whether the target was reached (false: stopped at `max_paths`).
    pub reached: bool,
}

/// Simulate `scenario` starting with `options.paths` paths, adding paths until the
/// standard error of `target.metric` is at most `target.se` or `target.max_paths` is
/// reached.
///
/// # Formula
/// Next round: `n' = min(max_paths, max(2n, ⌈1.1·n·(se/target)²⌉))`, rounded up to a
/// multiple of [`BLOCK`].
///
/// # Errors
/// [`Error::InvalidOption`] for a target that is not a positive finite number, a cap below the
/// first batch or above [`MAX_PATHS`], or a Latin hypercube scenario; and whatever
/// [`simulate`] returns.
pub fn simulate_to_target(
    scenario: &Scenario,
    options: &RunOptions,
    target: &Target,
    progress: &dyn crate::engine::Watch,
) -> Result<(Simulation, Convergence)> {
    if !(target.se.is_finite() && target.se > 0.0) {
        return Err(Error::InvalidOption {
            name: Opt::TargetSe,
            value: target.se.to_string(),
            allowed: "a positive number".into(),
        });
    }
    if target.max_paths < options.paths || target.max_paths > MAX_PATHS {
        return Err(Error::InvalidOption {
            name: Opt::MaxPaths,
            value: target.max_paths.to_string(),
            allowed: format!(
                "between the paths of the first round ({}) and {MAX_PATHS}",
                options.paths
            ),
        });
    }
    if scenario.sampling() == Sampling::LatinHypercube {
        return Err(Error::Invalid(
            "a target standard error cannot be combined with Latin hypercube sampling: its \
             strata depend on the number of paths, so adding paths would replace the sample \
             rather than extend it; sample by Monte Carlo, or run Latin hypercube sampling \
             with a fixed number of paths"
                .into(),
        ));
    }
    let mut rounds = Vec::new();
    let mut run = *options;
    loop {
        let sim = simulate(scenario, &run, progress)?;
        rounds.push(run.paths);
        let (value, se) = target.metric.estimate(&sim);
        let reached = se <= target.se;
        if reached || run.paths >= target.max_paths {
            let convergence = Convergence {
                metric: target.metric,
                target_se: target.se,
                value,
                achieved_se: se,
                paths: run.paths,
                rounds,
                reached,
            };
            return Ok((sim, convergence));
        }
        run.paths = next_paths(run.paths, se, target);
    }
}

/// The next round's path count (see [`simulate_to_target`]).
fn next_paths(n: u64, se: f64, target: &Target) -> u64 {
    let wanted = 1.1 * n as f64 * (se / target.se).powi(2);
    let wanted = if wanted.is_finite() {
        wanted.min(MAX_PATHS as f64).ceil() as u64
    } else {
        MAX_PATHS
    };
    let block = BLOCK as u64;
    let next = wanted.max(2 * n).div_ceil(block) * block;
    next.min(target.max_paths)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_grow_by_blocks_and_stop_at_the_cap() {
        let t = Target {
            metric: TargetMetric::PBreakEven,
            se: 0.01,
            max_paths: 50_000,
        };
        // se 0.02 with 1000 paths: needs about 4400 paths.
        assert_eq!(next_paths(1000, 0.02, &t), 5 * 1024);
        // Already close: at least double.
        assert_eq!(next_paths(3000, 0.0101, &t), 6 * 1024);
        assert_eq!(next_paths(40_000, 1.0, &t), 50_000);
        assert_eq!(next_paths(1000, f64::INFINITY, &t), 50_000);
    }
}
