//! Tornado (b): the swing in an output's mean when one input is held at its P10, then
//! at its P90, every other input sampled on common random numbers.

use serde::Serialize;

use super::{Output, free_inputs, short_label};
use crate::dist::Dist;
use crate::engine::{Simulation, simulate};
use crate::error::Result;
use crate::scenario::Scenario;
use crate::stats::{Stats, pairwise_sum};

/// One input's swing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Swing {
    /// The input's name.
    pub input: String,
    /// A short label for charts.
    pub label: String,
    /// The input's 10th percentile (after any scale, shift and clamp).
    pub p10_value: f64,
    /// The input's 90th percentile.
    pub p90_value: f64,
    /// Mean output with the input held at its P10.
    pub mean_at_p10: f64,
    /// Mean output with the input held at its P90.
    pub mean_at_p90: f64,
    /// `mean_at_p90 − mean_at_p10`.
    pub swing: f64,
    /// Monte Carlo standard error of the swing (paired by path).
    pub swing_se: f64,
}

/// Swing tornado: every non-fixed input, sorted by `|swing|`, largest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SwingAnalysis {
    /// The output explained.
    pub output: Output,
    /// Paths of every run.
    pub paths: usize,
    /// The seed of every run.
    pub seed: u64,
    /// The output's mean in the base run (every input drawn), for reference.
    pub base_mean: f64,
    /// The inputs, largest swing first.
    pub inputs: Vec<Swing>,
}

/// Swing of `output` for every non-fixed input of `scenario`, paired with `base` (a run
/// of `scenario`) path by path.
///
/// For each input, two runs with the options of `base`: the input fixed at its 10th
/// percentile, then at its 90th (`Input::quantile(0.1)`, `quantile(0.9)`), every other
/// input drawn as usual. Streams are keyed by input name, so both runs and the base share
/// every other input's draws (common random numbers): the swing is a paired difference.
/// A scheme's success is Bernoulli, so its P10 and P90 are 0 and 1 (when
/// `0.1 < p ≤ 0.9`): its swing is the value of the scheme delivering at all. Inputs in the
/// copula keep drawing their correlated uniforms, so the other members are *not*
/// conditioned on the held value (a one-at-a-time swing, as tornado charts usually are).
///
/// # Errors
/// Whatever [`simulate`] returns (it does not for the options of a finished run).
pub fn swing(scenario: &Scenario, base: &Simulation, output: Output) -> Result<SwingAnalysis> {
    swing_with(scenario, base, output, &|_, _| {})
}

/// [`swing`], calling `progress(inputs done, inputs in all)` after each input's two runs.
///
/// # Errors
/// As [`swing`].
pub fn swing_with(
    scenario: &Scenario,
    base: &Simulation,
    output: Output,
    progress: &dyn Fn(usize, usize),
) -> Result<SwingAnalysis> {
    let options = base.options();
    let total = free_inputs(scenario).len();
    let n = base.paths();
    let mut base_values: Vec<f64> = base.path_summaries().iter().map(|p| output.of(p)).collect();
    let base_mean = pairwise_sum(&base_values) / n as f64;
    base_values.clear();
    let mut inputs = Vec::new();
    for k in free_inputs(scenario) {
        let input = &scenario.inputs()[k];
        // `quantile` maps u to a value monotonically, but decreasingly for a Bernoulli
        // (u < p is a success); the smaller of the two is the P10 either way.
        let (a, b) = (input.quantile(0.1), input.quantile(0.9));
        let (p10_value, p90_value) = (a.min(b), a.max(b));
        let held = |value: f64| -> Result<Vec<f64>> {
            let mut s = scenario.clone();
            s.inputs_mut()[k].set_dist(Dist::Fixed(value));
            let sim = simulate(&s, &options, &|_| {})?;
            Ok(sim.path_summaries().iter().map(|p| output.of(p)).collect())
        };
        let low = held(p10_value)?;
        let high = held(p90_value)?;
        let mut diff: Vec<f64> = high.iter().zip(&low).map(|(h, l)| h - l).collect();
        let d = Stats::of(&mut diff);
        let mean_at_p10 = pairwise_sum(&low) / n as f64;
        let mean_at_p90 = pairwise_sum(&high) / n as f64;
        inputs.push(Swing {
            input: input.name().to_string(),
            label: short_label(scenario, k),
            p10_value,
            p90_value,
            mean_at_p10,
            mean_at_p90,
            swing: mean_at_p90 - mean_at_p10,
            swing_se: d.se,
        });
        progress(inputs.len(), total);
    }
    inputs.sort_by(|a, b| b.swing.abs().total_cmp(&a.swing.abs()));
    Ok(SwingAnalysis {
        output,
        paths: n,
        seed: options.seed,
        base_mean,
        inputs,
    })
}
