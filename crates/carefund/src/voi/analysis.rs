//! Value of information for scenarios run on common random numbers: EVPI, EVPPI per
//! input and per named group, and the acceptability curve.

use rayon::prelude::*;
use serde::Serialize;

use super::evppi::{Estimate, evppi};
use super::{Decision, Value, decide};
use crate::engine::{RunOptions, Simulation, simulate};
use crate::error::{Error, Opt, Result};
use crate::scenario::Scenario;
use crate::stress::glob;

/// A named group of inputs, chosen by a `*` glob on input names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Group {
    /// The group's name, e.g. `effects`.
    pub name: String,
    /// The glob, e.g. `scheme.*.effect`.
    pub pattern: String,
}

impl Group {
    /// Parse `NAME=GLOB`, e.g. `effects=scheme.*.effect`.
    ///
    /// # Errors
    /// [`Error::InvalidOption`] or [`Error::Invalid`] without `=`, or with an empty name or glob.
    pub fn parse(s: &str) -> Result<Self> {
        match s.split_once('=') {
            Some((n, p)) if !n.trim().is_empty() && !p.trim().is_empty() => Ok(Self {
                name: n.trim().to_string(),
                pattern: p.trim().to_string(),
            }),
            _ => Err(Error::InvalidOption {
                name: Opt::Group,
                value: s.to_string(),
                allowed: "NAME=GLOB, e.g. effects='scheme.*.effect'".into(),
            }),
        }
    }
}

/// What to compute.
#[derive(Debug, Clone, PartialEq)]
pub struct VoiOptions {
    /// The net benefit of an option on a path.
    pub value: Value,
    /// How many decisions the result applies to (e.g. areas facing the same choice ×
    /// the decision cycles it holds for); per-decision values are multiplied by it.
    pub scale: f64,
    /// Named groups (an "all inputs" group is added when there are at least
    /// `20 × inputs + 100` paths).
    pub groups: Vec<Group>,
    /// £ placed on each avoided admission, added to every path's `value` for EVPI and
    /// EVPPI (a willingness to pay, as in net monetary benefit); 0 for money alone.
    pub admission_value: f64,
    /// Weights (£ per avoided admission, on top of `value`) of the acceptability curve;
    /// empty: 21 points from 0 to about twice the largest weight at which two options'
    /// mean net benefits cross (0 to £5,000 when they never cross).
    pub weights: Vec<f64>,
}

impl Default for VoiOptions {
    fn default() -> Self {
        Self {
            value: Value::Npv,
            scale: 1.0,
            groups: Vec::new(),
            admission_value: 0.0,
            weights: Vec::new(),
        }
    }
}

/// EVPPI of one input or group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// The input's name, or the group's.
    pub name: String,
    /// The inputs it covers.
    pub inputs: Vec<String>,
    /// The estimate (£ per decision).
    #[serde(flatten)]
    pub estimate: Estimate,
    /// EVPPI × scale.
    pub evppi_scaled: f64,
    /// SE × scale.
    pub se_scaled: f64,
    /// EVPPI / EVPI (0 when EVPI is 0).
    pub share_of_evpi: f64,
}

/// P(each option is best) against the value placed on an avoided admission.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Acceptability {
    /// £ per avoided admission added to each path's net benefit.
    pub weights: Vec<f64>,
    /// `p_best[d][k]`: P(option d is best) at weight k, ties shared.
    pub p_best: Vec<Vec<f64>>,
    /// The option best on average at each weight.
    pub best_on_average: Vec<usize>,
}

/// Everything the value-of-information analysis found.
#[derive(Debug, Clone, Serialize)]
pub struct VoiReport {
    /// The options' names (the scenarios').
    pub options: Vec<String>,
    /// The options' files.
    pub files: Vec<String>,
    /// The net benefit used.
    pub value: Value,
    /// £ per avoided admission added to it.
    pub admission_value: f64,
    /// The scale.
    pub scale: f64,
    /// Seed shared by every run.
    pub seed: u64,
    /// Paths of every run.
    pub paths: u64,
    /// The currency of every amount (the first option's).
    pub currency: crate::fmt::Currency,
    /// EVPI per decision, the means and P(best).
    pub evpi: Decision,
    /// EVPI × scale.
    pub evpi_scaled: f64,
    /// SE × scale.
    pub evpi_se_scaled: f64,
    /// EVPPI of each uncertain input, largest first.
    pub inputs: Vec<Row>,
    /// EVPPI of each group, in the order given, then "all inputs".
    pub groups: Vec<Row>,
    /// The acceptability curve.
    pub acceptability: Acceptability,
}

/// Columns of every input that is uncertain in at least one option: for each name, the
/// values of the first option in which it is not fixed (options share the random
/// numbers of inputs with the same name, so that option's values determine the rest).
fn input_columns(scenarios: &[Scenario], sims: &[Simulation]) -> Vec<(String, Vec<f64>)> {
    let mut out: Vec<(String, Vec<f64>)> = Vec::new();
    for (s, sim) in scenarios.iter().zip(sims) {
        // Inputs are drawn again on demand: once for all paths, not once per path.
        let width = s.inputs().len().max(1);
        let all = sim.inputs(0..sim.paths());
        for (k, input) in s.inputs().iter().enumerate() {
            if input.is_fixed() || out.iter().any(|(n, _)| n == input.name()) {
                continue;
            }
            let col: Vec<f64> = all.iter().skip(k).step_by(width).copied().collect();
            let first = col.first().copied().unwrap_or(0.0);
            if col.iter().any(|v| (v - first).abs() > 0.0) {
                out.push((input.name().to_string(), col));
            }
        }
    }
    out
}

/// Run each scenario (an option) on the same seed and paths and analyse the decision.
///
/// # Errors
/// [`Error::InvalidOption`] or [`Error::Invalid`] for fewer than two scenarios, a scale that is not a positive
/// finite number, a group whose glob matches no uncertain input, too few paths for a
/// regression; whatever [`simulate`] returns.
pub fn analyse(
    scenarios: &[Scenario],
    options: &RunOptions,
    voi: &VoiOptions,
) -> Result<VoiReport> {
    if scenarios.len() < 2 {
        return Err(Error::Invalid(
            "value of information needs at least two options (scenarios)".into(),
        ));
    }
    if !(voi.scale.is_finite() && voi.scale > 0.0) {
        return Err(Error::InvalidOption {
            name: Opt::Scale,
            value: voi.scale.to_string(),
            allowed: "a positive number (decisions the result applies to)".into(),
        });
    }
    options.check()?;
    let sims = scenarios
        .iter()
        .map(|s| simulate(s, options, &|_| {}))
        .collect::<Result<Vec<_>>>()?;
    if !(voi.admission_value.is_finite() && voi.admission_value >= 0.0) {
        return Err(Error::InvalidOption {
            name: Opt::AdmissionValue,
            value: voi.admission_value.to_string(),
            allowed: "an amount ≥ 0 per avoided admission".into(),
        });
    }
    let money: Vec<Vec<f64>> = sims
        .iter()
        .map(|s| s.path_summaries().iter().map(|p| voi.value.of(p)).collect())
        .collect();
    let avoided: Vec<Vec<f64>> = sims
        .iter()
        .map(|s| s.path_summaries().iter().map(|p| p.avoided).collect())
        .collect();
    let nb: Vec<Vec<f64>> = money
        .iter()
        .zip(&avoided)
        .map(|(m, a)| {
            m.iter()
                .zip(a)
                .map(|(x, y)| x + voi.admission_value * y)
                .collect()
        })
        .collect();
    let evpi = decide(&nb)?;
    let columns = input_columns(scenarios, &sims);
    let group_members = group_members(voi, &columns, nb[0].len())?;
    let row = |name: &str, members: &[usize]| -> Result<Row> {
        let x: Vec<&[f64]> = members.iter().map(|&k| columns[k].1.as_slice()).collect();
        let estimate = evppi(&nb, &x, options.seed ^ crate::rng::stream_key(0, name))?;
        Ok(Row {
            name: name.to_string(),
            inputs: members.iter().map(|&k| columns[k].0.clone()).collect(),
            estimate,
            evppi_scaled: estimate.evppi * voi.scale,
            se_scaled: estimate.se * voi.scale,
            share_of_evpi: if evpi.evpi > 0.0 {
                estimate.evppi / evpi.evpi
            } else {
                0.0
            },
        })
    };
    let mut inputs = (0..columns.len())
        .into_par_iter()
        .map(|k| row(&columns[k].0, &[k]))
        .collect::<Result<Vec<_>>>()?;
    inputs.sort_by(|a, b| b.estimate.evppi.total_cmp(&a.estimate.evppi));
    let groups = group_members
        .par_iter()
        .map(|(name, m)| row(name, m))
        .collect::<Result<Vec<_>>>()?;
    let weights = if voi.weights.is_empty() {
        auto_weights(&money, &avoided)
    } else {
        voi.weights.clone()
    };
    let acceptability = acceptability(&money, &avoided, &weights)?;
    Ok(VoiReport {
        options: scenarios.iter().map(|s| s.name().to_string()).collect(),
        files: scenarios.iter().map(|s| s.origin().to_string()).collect(),
        value: voi.value,
        admission_value: voi.admission_value,
        scale: voi.scale,
        seed: options.seed,
        paths: options.paths,
        currency: scenarios
            .first()
            .map_or_else(crate::fmt::Currency::default, Scenario::currency),
        evpi_scaled: evpi.evpi * voi.scale,
        evpi_se_scaled: evpi.se * voi.scale,
        evpi,
        inputs,
        groups,
        acceptability,
    })
}

/// The inputs of each `--group` (by index into `columns`), then "all inputs" when the
/// run has enough `paths` for its regression.
fn group_members(
    voi: &VoiOptions,
    columns: &[(String, Vec<f64>)],
    paths: usize,
) -> Result<Vec<(String, Vec<usize>)>> {
    let mut group_members: Vec<(String, Vec<usize>)> = Vec::new();
    for g in &voi.groups {
        let hits: Vec<usize> = (0..columns.len())
            .filter(|&k| glob(&g.pattern, &columns[k].0))
            .collect();
        if hits.is_empty() {
            return Err(Error::InvalidOption {
                name: Opt::Group,
                value: format!("{}={}", g.name, g.pattern),
                allowed: format!(
                    "a glob matching at least one uncertain input (`{}` matches no uncertain input); uncertain inputs: {}",
                    g.pattern,
                    columns
                        .iter()
                        .map(|(n, _)| n.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
        group_members.push((g.name.clone(), hits));
    }
    // The all-inputs regression needs about 8 terms per input; skip it on short runs.
    if columns.len() >= 2 && paths >= 20 * columns.len() + 100 {
        group_members.push(("all inputs".into(), (0..columns.len()).collect()));
    }
    Ok(group_members)
}

/// 21 weights from 0 to about twice the largest positive weight at which two options'
/// mean net benefits cross, rounded up to 1, 2 or 5 × 10ᵏ (0 to £5,000 if none).
fn auto_weights(money: &[Vec<f64>], avoided: &[Vec<f64>]) -> Vec<f64> {
    let mean = |v: &Vec<f64>| crate::stats::pairwise_sum(v) / v.len().max(1) as f64;
    let m: Vec<f64> = money.iter().map(mean).collect();
    let a: Vec<f64> = avoided.iter().map(mean).collect();
    let mut cross: f64 = 0.0;
    for i in 0..m.len() {
        for j in 0..m.len() {
            let da = a[i] - a[j];
            if da > 0.0 && m[j] > m[i] {
                cross = cross.max((m[j] - m[i]) / da);
            }
        }
    }
    let top = if cross > 0.0 && cross.is_finite() {
        let target = 2.0 * cross;
        let k = 10f64.powf(target.log10().floor());
        [1.0, 2.0, 5.0, 10.0]
            .iter()
            .map(|f| f * k)
            .find(|v| *v >= target)
            .unwrap_or(10.0 * k)
    } else {
        5000.0
    };
    (0..=20).map(|k| top * f64::from(k) / 20.0).collect()
}

/// The acceptability curve: for each weight `w`, `NB_d(w) = NB_d + w·avoided_d` and
/// P(option d is best), as in a cost-effectiveness acceptability curve with `w` the
/// value placed on an avoided admission beyond the money in `NB`.
///
/// # Errors
/// As [`decide`].
pub fn acceptability(
    nb: &[Vec<f64>],
    avoided: &[Vec<f64>],
    weights: &[f64],
) -> Result<Acceptability> {
    let mut p_best = vec![Vec::with_capacity(weights.len()); nb.len()];
    let mut best_on_average = Vec::with_capacity(weights.len());
    for &w in weights {
        let weighted: Vec<Vec<f64>> = nb
            .iter()
            .zip(avoided)
            .map(|(v, a)| v.iter().zip(a).map(|(x, y)| x + w * y).collect())
            .collect();
        let d = decide(&weighted)?;
        for (k, p) in d.p_best.iter().enumerate() {
            p_best[k].push(*p);
        }
        best_on_average.push(d.best);
    }
    Ok(Acceptability {
        weights: weights.to_vec(),
        p_best,
        best_on_average,
    })
}
