//! Paired runs: a base and its stresses (or several scenarios) on common random numbers,
//! and the paired differences between them.
//!
//! Every input draws from a stream keyed by (seed, input name, path) (docs/model.md §6), so a
//! stressed copy of a scenario run with the same seed and path count sees, on path `i`,
//! the same uniforms for every input as the base. The change of a per-path metric is then
//! estimated from the per-path differences `d_i = stressed_i − base_i`:
//!
//! # Formula
//! `Δ = mean(d)`, `SE(Δ) = sd(d)/√n` (n − 1 denominator). For P(break even),
//! `d_i = 1[stressed cum N_i ≥ 0] − 1[base cum N_i ≥ 0]`. A stress that changes nothing
//! gives `d_i = 0` on every path, so `Δ = 0` and `SE = 0` exactly.

use serde::Serialize;

use super::overlay::Overlay;
use crate::engine::{RunOptions, Simulation, simulate};
use crate::error::Result;
use crate::metric::MetricName;
use crate::model::PathSummary;
use crate::scenario::Scenario;
use crate::stats::{Stats, pairwise_sum};
use crate::summary::{Rating, Summary, summarise};

/// A paired change and its Monte Carlo standard error.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Change {
    /// Mean of the per-path differences.
    pub mean: f64,
    /// `sd(d)/√n`.
    pub se: f64,
}

impl Change {
    /// The paired change of `f` between two runs of the same paths.
    pub fn of(
        base: &[PathSummary],
        other: &[PathSummary],
        f: impl Fn(&PathSummary) -> f64,
    ) -> Self {
        let s = diff_stats(base, other, f);
        Self {
            mean: s.mean,
            se: s.se,
        }
    }
}

/// Statistics of the per-path differences `f(other_i) − f(base_i)`.
pub fn diff_stats(
    base: &[PathSummary],
    other: &[PathSummary],
    f: impl Fn(&PathSummary) -> f64,
) -> Stats {
    let mut d: Vec<f64> = base.iter().zip(other).map(|(b, o)| f(o) - f(b)).collect();
    Stats::of(&mut d)
}

fn breaks_even(p: &PathSummary) -> f64 {
    if p.cum_net >= 0.0 { 1.0 } else { 0.0 }
}

fn indicator(x: bool) -> f64 {
    f64::from(u8::from(x))
}

/// The paired changes a stress makes to the headline metrics.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Changes {
    /// Change of P(break even): mean of `1[stressed ≥ 0] − 1[base ≥ 0]`.
    pub p_break_even: Change,
    /// Change of P(claimed savings arrive, gross), docs/model.md §13.
    pub p_savings_claim_met: Change,
    /// Change of P(claimed savings arrive as cash).
    pub p_savings_claim_cashable: Change,
    /// Change of mean cumulative system net at the horizon (£).
    pub cum_net: Change,
    /// Change of mean NPV of system net (£).
    pub npv: Change,
    /// Change of mean avoided admissions over the horizon.
    pub avoided: Change,
}

impl Changes {
    /// Paired changes from `base` to `other` (the same paths, in path order).
    pub fn of(base: &[PathSummary], other: &[PathSummary]) -> Self {
        Self {
            p_break_even: Change::of(base, other, breaks_even),
            p_savings_claim_met: Change::of(base, other, |p| indicator(p.savings_claim_met)),
            p_savings_claim_cashable: Change::of(base, other, |p| {
                indicator(p.savings_claim_cashable)
            }),
            cum_net: Change::of(base, other, |p| p.cum_net),
            npv: Change::of(base, other, |p| p.npv),
            avoided: Change::of(base, other, |p| p.avoided),
        }
    }
}

/// One stress's results.
#[derive(Debug, Clone, Serialize)]
pub struct StressResult {
    /// The stress's name.
    pub name: String,
    /// What it represents.
    pub description: String,
    /// The rating under the stress.
    pub rating: Rating,
    /// P(break even) under the stress.
    pub p_break_even: f64,
    /// Its binomial standard error.
    pub p_break_even_se: f64,
    /// P(year-1 target met) under the stress.
    pub p_target_met_year1: f64,
    /// P(gross savings ≥ the plan's claimed savings) under the stress.
    pub p_savings_claim_met: f64,
    /// Its binomial standard error.
    pub p_savings_claim_met_se: f64,
    /// P(cashable savings ≥ the plan's claimed savings) under the stress.
    pub p_savings_claim_cashable: f64,
    /// Its binomial standard error.
    pub p_savings_claim_cashable_se: f64,
    /// P(the contingency reserve always covered the hospital) under the stress.
    pub p_hospital_covered: f64,
    /// New money spent over the horizon, mean (£).
    pub new_money_mean: f64,
    /// Median cumulative system net at the horizon (£).
    pub cum_net_median: f64,
    /// Mean cumulative system net at the horizon (£).
    pub cum_net_mean: f64,
    /// Mean NPV (£).
    pub npv_mean: f64,
    /// Mean avoided admissions over the horizon.
    pub avoided_mean: f64,
    /// Paired changes versus the base (zero for the base itself).
    pub change: Changes,
    /// Median cumulative system net per period (£), for charts.
    pub cum_net_median_by_period: Vec<f64>,
    /// The full summary of the stressed run.
    #[serde(skip)]
    pub summary: Summary,
}

impl StressResult {
    fn new(name: &str, description: &str, summary: Summary, change: Changes) -> Self {
        let h = &summary.headline;
        Self {
            name: name.to_string(),
            description: description.to_string(),
            rating: summary.rating,
            p_break_even: h.p_break_even,
            p_break_even_se: h.p_break_even_se,
            p_target_met_year1: h.p_target_met_year1,
            p_savings_claim_met: h.p_savings_claim_met,
            p_savings_claim_met_se: h.p_savings_claim_met_se,
            p_savings_claim_cashable: h.p_savings_claim_cashable,
            p_savings_claim_cashable_se: h.p_savings_claim_cashable_se,
            p_hospital_covered: h.p_hospital_covered,
            new_money_mean: h.new_money_total.mean,
            cum_net_median: h.cum_net_horizon.p50,
            cum_net_mean: h.cum_net_horizon.mean,
            npv_mean: h.npv.mean,
            avoided_mean: h.avoided_total.mean,
            change,
            cum_net_median_by_period: summary
                .periods
                .iter()
                .map(|p| p.quantities[crate::model::Quantity::CumNet].p50)
                .collect(),
            summary,
        }
    }
}

/// A base run and every stress, paired path by path.
#[derive(Debug, Clone, Serialize)]
pub struct StressReport {
    /// The scenario's name.
    pub scenario: String,
    /// The scenario file.
    pub scenario_file: String,
    /// Seed shared by every run.
    pub seed: u64,
    /// Paths of every run.
    pub paths: u64,
    /// The currency of every amount.
    pub currency: crate::fmt::Currency,
    /// Period labels.
    pub periods: Vec<String>,
    /// The base run (its changes are zero).
    pub base: StressResult,
    /// Each stress, in the order given.
    pub stresses: Vec<StressResult>,
}

/// Run `base` and each overlay on the same seed and paths, and pair them.
///
/// `progress` is called with (runs done, runs in all) after each run.
///
/// # Errors
/// An overlay that does not apply (see [`Overlay::apply`]); invalid run options.
pub fn stress_test(
    base: &Scenario,
    overlays: &[Overlay],
    options: &RunOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<StressReport> {
    // Apply every overlay first, so that a bad one fails before any simulation.
    let stressed: Vec<Scenario> = overlays
        .iter()
        .map(|o| o.apply(base))
        .collect::<Result<_>>()?;
    let total = overlays.len() + 1;
    let base_sim = simulate(base, options, &|_| {})?;
    progress(1, total);
    let base_summary = summarise(base, &base_sim);
    let base_paths = base_sim.path_summaries();
    let zero = Changes::of(base_paths, base_paths);
    let mut stresses = Vec::with_capacity(overlays.len());
    for (k, (o, s)) in overlays.iter().zip(&stressed).enumerate() {
        let sim = simulate(s, options, &|_| {})?;
        let summary = summarise(s, &sim);
        let change = Changes::of(base_paths, sim.path_summaries());
        stresses.push(StressResult::new(&o.name, &o.description, summary, change));
        progress(k + 2, total);
    }
    Ok(StressReport {
        scenario: base.name().to_string(),
        scenario_file: base.origin().to_string(),
        seed: options.seed,
        paths: options.paths,
        currency: base.currency(),
        periods: base_summary
            .periods
            .iter()
            .map(|p| p.label.clone())
            .collect(),
        base: StressResult::new("Base", "the scenario as written", base_summary, zero),
        stresses,
    })
}

/// A per-path metric a reverse stress test can target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// P(cumulative system net at the horizon ≥ 0).
    PBreakEven,
    /// P(year-1 avoided admissions ≥ the plan's year-1 claim).
    PTargetMetYear1,
    /// P(gross savings ≥ the plan's claimed savings), docs/model.md §13.
    PSavingsClaimMet,
    /// P(cashable savings ≥ the plan's claimed savings).
    PSavingsClaimCashable,
    /// Mean cumulative system net at the horizon (£).
    MeanCumNet,
    /// Mean NPV of system net (£).
    MeanNpv,
}

impl Metric {
    /// Every metric a reverse stress test can target.
    pub const VARIANTS: [Metric; 6] = [
        Metric::PBreakEven,
        Metric::PTargetMetYear1,
        Metric::PSavingsClaimMet,
        Metric::PSavingsClaimCashable,
        Metric::MeanCumNet,
        Metric::MeanNpv,
    ];

    /// The metric's name: the [`MetricName`] it is.
    pub fn name(self) -> &'static str {
        self.metric_name().name()
    }

    /// Which [`MetricName`] this is.
    pub fn metric_name(self) -> MetricName {
        match self {
            Metric::PBreakEven => MetricName::PBreakEven,
            Metric::PTargetMetYear1 => MetricName::PTargetMetYear1,
            Metric::PSavingsClaimMet => MetricName::PSavingsClaimMet,
            Metric::PSavingsClaimCashable => MetricName::PSavingsClaimCashable,
            Metric::MeanCumNet => MetricName::MeanCumNet,
            Metric::MeanNpv => MetricName::MeanNpv,
        }
    }

    /// The metric and its Monte Carlo standard error over `paths`.
    pub fn estimate(self, paths: &[PathSummary]) -> (f64, f64) {
        let mut v: Vec<f64> = paths
            .iter()
            .map(|p| match self {
                Metric::PBreakEven => breaks_even(p),
                Metric::PTargetMetYear1 => indicator(p.target_met_year1),
                Metric::PSavingsClaimMet => indicator(p.savings_claim_met),
                Metric::PSavingsClaimCashable => indicator(p.savings_claim_cashable),
                Metric::MeanCumNet => p.cum_net,
                Metric::MeanNpv => p.npv,
            })
            .collect();
        let n = v.len().max(1) as f64;
        let mean = pairwise_sum(&v) / n;
        let s = Stats::of(&mut v);
        (mean, s.se)
    }
}

/// Simulate `scenario` and return its path summaries (no per-period statistics).
pub(crate) fn paths_of(scenario: &Scenario, options: &RunOptions) -> Result<Vec<PathSummary>> {
    let sim: Simulation = simulate(scenario, options, &|_| {})?;
    Ok(sim.path_summaries().to_vec())
}
