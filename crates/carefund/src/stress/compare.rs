//! Compare two or more scenarios on common random numbers (docs/model.md §9).
//!
//! Every scenario runs with the same seed and paths. Inputs with the same name (all the
//! global inputs, and scheme inputs of schemes with the same name) draw the same uniforms
//! on the same path, and so do the per-period demand noise streams, so the per-path
//! difference between two scenarios reflects what differs between them, not sampling
//! noise.
//!
//! # Formula
//! For each pair (A, B), `d_i = A_i − B_i` of cumulative system net at the horizon, NPV
//! and avoided admissions; reported with mean, `SE = sd(d)/√n` and percentiles.
//! `P(A better than B)` = mean of `1[cum N_A,i > cum N_B,i] + ½·1[cum N_A,i = cum N_B,i]`,
//! with SE `sd/√n` of that indicator.

use serde::Serialize;

use super::paired::diff_stats;
use crate::engine::{RunOptions, simulate};
use crate::error::{Error, Result};
use crate::model::PathSummary;
use crate::scenario::Scenario;
use crate::stats::Stats;
use crate::summary::{Summary, summarise};

/// One scenario's run in a comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Compared {
    /// The scenario's name.
    pub name: String,
    /// Its file.
    pub file: String,
    /// The rating.
    pub rating: crate::summary::Rating,
    /// P(break even).
    pub p_break_even: f64,
    /// Its standard error.
    pub p_break_even_se: f64,
    /// P(gross savings ≥ the plan's claimed savings), docs/model.md §13.
    pub p_savings_claim_met: f64,
    /// Its standard error.
    pub p_savings_claim_met_se: f64,
    /// P(cashable savings ≥ the plan's claimed savings).
    pub p_savings_claim_cashable: f64,
    /// Its standard error.
    pub p_savings_claim_cashable_se: f64,
    /// P(the contingency reserve always covered the hospital).
    pub p_hospital_covered: f64,
    /// New money a year, before overruns (£).
    pub new_money: f64,
    /// Cumulative system net at the horizon (£).
    pub cum_net: Stats,
    /// NPV (£).
    pub npv: Stats,
    /// Avoided admissions over the horizon.
    pub avoided: Stats,
    /// The full summary.
    #[serde(skip)]
    pub summary: Summary,
}

/// The paired difference between scenarios `a` and `b` (indices into
/// [`Comparison::scenarios`]), `A − B`.
#[derive(Debug, Clone, Serialize)]
pub struct PairDiff {
    /// Index of A.
    pub a: usize,
    /// Index of B.
    pub b: usize,
    /// Cumulative system net at the horizon, A − B (£).
    pub cum_net: Stats,
    /// NPV, A − B (£).
    pub npv: Stats,
    /// Avoided admissions, A − B.
    pub avoided: Stats,
    /// P(A's cumulative net at the horizon > B's), ties counting one half.
    pub p_a_better: f64,
    /// Its standard error.
    pub p_a_better_se: f64,
    /// The per-path differences of cumulative net (£), for the histogram.
    #[serde(skip)]
    pub cum_net_paths: Vec<f64>,
}

/// Every scenario and every pair.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// Seed shared by every run.
    pub seed: u64,
    /// Paths of every run.
    pub paths: u64,
    /// The currency of every amount (the first scenario's; compare refuses a mix).
    pub currency: crate::fmt::Currency,
    /// The scenarios, in the order given.
    pub scenarios: Vec<Compared>,
    /// Every pair (A before B in the order given).
    pub pairs: Vec<PairDiff>,
}

/// Run every scenario on the same seed and paths and compare them pairwise.
///
/// # Errors
/// [`Error::Invalid`] for fewer than two scenarios; invalid run options.
pub fn compare(
    scenarios: &[Scenario],
    options: &RunOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Comparison> {
    if scenarios.len() < 2 {
        return Err(Error::Invalid(
            "compare needs at least two scenarios".into(),
        ));
    }
    let currency = scenarios[0].currency();
    if let Some(other) = scenarios.iter().find(|s| s.currency() != currency) {
        return Err(Error::Invalid(format!(
            "scenarios in different currencies cannot be compared: {} is in {}, {} in {} (amounts are never converted)",
            scenarios[0].origin(),
            currency,
            other.origin(),
            other.currency()
        )));
    }
    let mut runs: Vec<(Compared, Vec<PathSummary>)> = Vec::new();
    for (k, s) in scenarios.iter().enumerate() {
        let sim = simulate(s, options, &|_| {})?;
        let summary = summarise(s, &sim);
        let h = &summary.headline;
        let c = Compared {
            name: s.name().to_string(),
            file: s.origin().to_string(),
            rating: summary.rating,
            p_break_even: h.p_break_even,
            p_break_even_se: h.p_break_even_se,
            p_savings_claim_met: h.p_savings_claim_met,
            p_savings_claim_met_se: h.p_savings_claim_met_se,
            p_savings_claim_cashable: h.p_savings_claim_cashable,
            p_savings_claim_cashable_se: h.p_savings_claim_cashable_se,
            p_hospital_covered: h.p_hospital_covered,
            new_money: summary.spending.new_money,
            cum_net: h.cum_net_horizon,
            npv: h.npv,
            avoided: h.avoided_total,
            summary,
        };
        runs.push((c, sim.path_summaries().to_vec()));
        progress(k + 1, scenarios.len());
    }
    let mut pairs = Vec::new();
    for a in 0..runs.len() {
        for b in a + 1..runs.len() {
            let (pa, pb) = (&runs[a].1, &runs[b].1);
            let cum_net_paths: Vec<f64> = pa
                .iter()
                .zip(pb)
                .map(|(x, y)| x.cum_net - y.cum_net)
                .collect();
            let mut better: Vec<f64> = cum_net_paths
                .iter()
                .map(|d| {
                    if *d > 0.0 {
                        1.0
                    } else if *d < 0.0 {
                        0.0
                    } else {
                        0.5
                    }
                })
                .collect();
            let better = Stats::of(&mut better);
            pairs.push(PairDiff {
                a,
                b,
                // diff_stats gives `second − first`: pass B first for A − B.
                cum_net: diff_stats(pb, pa, |p| p.cum_net),
                npv: diff_stats(pb, pa, |p| p.npv),
                avoided: diff_stats(pb, pa, |p| p.avoided),
                p_a_better: better.mean,
                p_a_better_se: better.se,
                cum_net_paths,
            });
        }
    }
    Ok(Comparison {
        seed: options.seed,
        paths: options.paths,
        currency,
        scenarios: runs.into_iter().map(|(c, _)| c).collect(),
        pairs,
    })
}
