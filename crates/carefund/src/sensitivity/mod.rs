//! Which assumptions matter: tornado charts and variance-based (Sobol) indices
//! (docs/model.md §9).
//!
//! | function | method | question it answers |
//! |---|---|---|
//! | [`rank_tornado`] | Spearman rank correlation of each per-path input with an output, from one run | which inputs move with the output, and in which direction |
//! | [`swing`] | the output's mean with one input held at its P10, then its P90, all else on common random numbers | how far each input, on its own, moves the expected result |
//! | [`sobol_indices`] | Sobol first-order and total indices of any function on the unit hypercube | share of the output's variance due to each input, alone and with interactions |
//! | [`sobol_scenario`] | the same, for a scenario's non-fixed inputs | the same, for the fund |
//!
//! Every result is reproducible bit for bit from the seed and does not depend on the
//! number of threads. [`report`] turns results into tables and charts (bytes).

mod rank;
pub mod report;
#[cfg(feature = "report")]
pub mod section;
mod sobol;
mod swing;

use serde::Serialize;

use crate::model::PathSummary;
use crate::scenario::{Scenario, idx};

pub use rank::{RankCorrelation, RankTornado, fisher_interval, rank_tornado, ranks, spearman};
pub use sobol::{
    MAX_BOOTSTRAP, MAX_ROWS, SobolIndex, SobolOptions, SobolResult, SobolScenario,
    memory_estimate as sobol_memory_estimate, sobol_indices, sobol_scenario, sobol_scenario_with,
};
pub use swing::{Swing, SwingAnalysis, swing, swing_with};

/// The per-path output a sensitivity analysis explains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Output {
    /// Cumulative system net at the horizon (£), the default.
    #[default]
    CumNet,
    /// NPV of system net (£).
    Npv,
    /// Avoided admissions over the horizon.
    Avoided,
}

impl Output {
    /// The path's value of this output.
    pub fn of(self, p: &PathSummary) -> f64 {
        match self {
            Output::CumNet => p.cum_net,
            Output::Npv => p.npv,
            Output::Avoided => p.avoided,
        }
    }
    /// The name used on the command line and in tables.
    pub fn name(self) -> &'static str {
        match self {
            Output::CumNet => "cum_net",
            Output::Npv => "npv",
            Output::Avoided => "avoided",
        }
    }
    /// The output in words, for chart titles.
    pub fn describe(self) -> &'static str {
        match self {
            Output::CumNet => "cumulative system net at the horizon",
            Output::Npv => "NPV of system net",
            Output::Avoided => "avoided emergency admissions over the horizon",
        }
    }
    /// A short name for chart axes.
    pub fn short(self) -> &'static str {
        match self {
            Output::CumNet => "cumulative net at the horizon",
            Output::Npv => "NPV of system net",
            Output::Avoided => "avoided admissions",
        }
    }
    /// The unit: `GBP` or `admissions`.
    pub fn unit(self) -> &'static str {
        match self {
            Output::CumNet | Output::Npv => "money",
            Output::Avoided => "admissions",
        }
    }
}

/// Indices (into [`Scenario::inputs`]) of the inputs that vary from path to path.
pub fn free_inputs(scenario: &Scenario) -> Vec<usize> {
    scenario
        .inputs()
        .iter()
        .enumerate()
        .filter(|(_, i)| !i.is_fixed())
        .map(|(k, _)| k)
        .collect()
}

/// A short label for input `k` of `scenario`, for chart rows: `Demand growth`,
/// `Reablement — effect`.
pub fn short_label(scenario: &Scenario, k: usize) -> String {
    match k {
        idx::GROWTH => "Demand growth".into(),
        idx::UNIT_COST => "Cost of an admission".into(),
        idx::CASH_SHORT => "Cashable share, short run".into(),
        idx::CASH_LONG => "Cashable share, long run".into(),
        idx::UPLIFT => "Fund uplift".into(),
        _ => {
            let i = (k - idx::SCHEME_BASE) / idx::PER_SCHEME;
            let key = match (k - idx::SCHEME_BASE) % idx::PER_SCHEME {
                idx::EFFECT => "effect",
                idx::RAMP => "ramp years",
                idx::SUCCESS => "success",
                idx::OVERRUN => "cost overrun",
                _ => "share of new money",
            };
            let name = scenario.schemes().get(i).map_or("scheme", |s| s.name());
            format!("{name} — {key}")
        }
    }
}
