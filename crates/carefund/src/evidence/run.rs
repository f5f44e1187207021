//! The evidence run: the plan with its assumptions replaced by the evidence, on common
//! random numbers with the plan's own run (docs/model.md §11).

use super::{Evidence, compare};
use crate::engine::{Layout, RunOptions, Simulation, simulate_with};
use crate::error::Result;
use crate::scenario::check::green_book_opex;
use crate::scenario::{Scenario, idx};
use crate::stats::Stats;
use crate::summary::{Differences, EvidenceBlock, Paired, Summary, Verdict, summarise};

impl Verdict {
    fn of(s: &Summary) -> Self {
        let h = &s.headline;
        Self {
            p_break_even: h.p_break_even,
            p_break_even_se: h.p_break_even_se,
            median_cum_net: h.cum_net_horizon.p50,
            p_target_met_year1: h.p_target_met_year1,
            p_target_met_year1_se: h.p_target_met_year1_se,
            p_savings_claim_met: h.p_savings_claim_met,
            p_savings_claim_met_se: h.p_savings_claim_met_se,
            p_savings_claim_cashable: h.p_savings_claim_cashable,
            p_savings_claim_cashable_se: h.p_savings_claim_cashable_se,
            p_hospital_covered: h.p_hospital_covered,
            rating: s.rating,
        }
    }
}

impl Paired {
    fn of(mut d: Vec<f64>) -> Self {
        let s = Stats::of(&mut d);
        Self {
            mean: s.mean,
            se: s.se,
        }
    }
}

/// Everything the evidence run produced.
#[derive(Debug, Clone)]
pub struct EvidenceOutcome {
    /// The `evidence` block for `summary.json`.
    pub block: EvidenceBlock,
    /// The rewritten scenario that was run.
    pub scenario: Scenario,
    /// Its simulation (paired with the plan's).
    pub sim: Simulation,
    /// Its full summary (for the overlay on the fan chart).
    pub summary: Summary,
}

impl EvidenceOutcome {
    /// Put the evidence block into the plan's summary (its warnings stay in
    /// `evidence.comparison.warnings`) and add one reason saying whether the plan's
    /// verdict holds under the evidence.
    pub fn attach(&self, summary: &mut Summary) {
        if let Some(first) = self.block.reasons.first() {
            summary.reasons.push(first.clone());
        }
        summary.evidence = Some(self.block.clone());
    }
}

/// The scenario of the evidence run: every scheme with a kind that claims an effect gets
/// the evidence's effect, time to effect (as `ramp_years`) and success probability (a
/// scheme that never works, or whose effect is fixed at 0, is left as it is), and scheme
/// costs
/// the optimism bias `b` of the scenario, or uniform on [0, 0.41] when it sets none.
/// Input names are unchanged, so a run with the same seed is paired path by path with
/// the plan's own run.
///
/// # Errors
/// [`Error::Input`](crate::Error::Input) when a scheme's kind is not in `evidence`.
pub fn evidence_scenario(scenario: &Scenario, evidence: &Evidence) -> Result<Scenario> {
    evidence.check_kinds(scenario)?;
    let mut ev = scenario.clone();
    let kinds: Vec<Option<&super::Kind>> = scenario
        .schemes()
        .iter()
        .map(|s| s.kind().and_then(|k| evidence.kind(k)))
        .collect();
    let inputs = ev.inputs_mut();
    for (i, kind) in kinds.iter().enumerate() {
        let Some(k) = kind else { continue };
        // A scheme the plan says does nothing (it never works, or its effect is 0) claims
        // nothing for the evidence to correct: it stays as it is (e.g. "do nothing").
        let effect = &inputs[idx::scheme(i, idx::EFFECT)];
        let claims_no_effect = effect.is_fixed() && effect.central() == 0.0;
        if inputs[idx::scheme(i, idx::SUCCESS)].practical_max() <= 0.0 || claims_no_effect {
            continue;
        }
        inputs[idx::scheme(i, idx::EFFECT)].set_dist(k.effect().dist().clone());
        inputs[idx::scheme(i, idx::RAMP)].set_dist(k.time_to_effect().dist().clone());
        inputs[idx::scheme(i, idx::SUCCESS)].set_dist(k.success_probability().dist().clone());
    }
    if !scenario.optimism_bias_set() {
        inputs[idx::OPTIMISM_BIAS].set_dist(green_book_opex());
    }
    Ok(ev)
}

fn pct(x: f64) -> String {
    crate::fmt::percent_fixed(x, 0)
}

/// Run the evidence run beside the plan's own run (`plan_sim`, summarised as
/// `plan_summary`), with the same seed, paths and threads.
///
/// # Formula
/// docs/model.md §11: the evidence scenario of [`evidence_scenario`], simulated on common
/// random numbers; per-path differences `d_p = x_p(evidence) − x_p(plan)` of the
/// break-even indicator, the year-1 target indicator and cumulative net, each with mean
/// and standard error `sd(d)/√n`.
///
/// # Errors
/// [`Error::Input`](crate::Error::Input) for a kind not in `evidence`;
/// [`Error::InvalidOption`](crate::Error::InvalidOption) as [`simulate_with`].
pub fn evaluate(
    scenario: &Scenario,
    evidence: &Evidence,
    plan_sim: &Simulation,
    plan_summary: &Summary,
    progress: &dyn crate::engine::Watch,
) -> Result<EvidenceOutcome> {
    let ev = evidence_scenario(scenario, evidence)?;
    let options: RunOptions = plan_sim.options();
    let sim = simulate_with(
        &ev,
        &options,
        &Layout {
            percentiles: plan_sim.percentiles(),
            shard: None,
        },
        progress,
    )?;
    outcome(scenario, evidence, plan_sim, plan_summary, sim)
}

/// The evidence check from an evidence run already made (`sim`, a run of
/// [`evidence_scenario`] with the plan's seed and paths), e.g. merged from shards.
///
/// # Errors
/// [`Error::Input`](crate::Error::Input) for a kind not in `evidence`.
pub fn outcome(
    scenario: &Scenario,
    evidence: &Evidence,
    plan_sim: &Simulation,
    plan_summary: &Summary,
    sim: Simulation,
) -> Result<EvidenceOutcome> {
    evidence.check_kinds(scenario)?;
    // The run keeps the scenario it ran: the evidence scenario, not derived again.
    let ev = sim.scenario().clone();
    let summary = summarise(&ev, &sim);
    let comparison = compare(scenario, evidence);

    let (a, b) = (plan_sim.path_summaries(), sim.path_summaries());
    let ind = |x: bool| f64::from(u8::from(x));
    let diff = |f: &dyn Fn(&crate::PathSummary) -> f64| -> Vec<f64> {
        a.iter().zip(b).map(|(p, e)| f(e) - f(p)).collect()
    };
    let plan = Verdict::of(plan_summary);
    let evid = Verdict::of(&summary);
    let difference = Differences {
        p_break_even: Paired::of(diff(&|p| ind(p.cum_net >= 0.0))),
        p_target_met_year1: Paired::of(diff(&|p| ind(p.target_met_year1))),
        p_savings_claim_met: Paired::of(diff(&|p| ind(p.savings_claim_met))),
        p_savings_claim_cashable: Paired::of(diff(&|p| ind(p.savings_claim_cashable))),
        cum_net_horizon: Paired::of(diff(&|p| p.cum_net)),
        median_cum_net: evid.median_cum_net - plan.median_cum_net,
    };
    // Ratings order best first, so a greater rating is a worse one.
    let worse = evid.rating > plan.rating;
    let optimism_bias = if scenario.optimism_bias_set() {
        format!(
            "the scenario's costs.optimism_bias ({}), in both runs",
            scenario.inputs()[idx::OPTIMISM_BIAS].dist().describe()
        )
    } else {
        "uniform on [0, 0.41] (HM Treasury Green Book, outsourcing/operating costs), evidence run only".into()
    };

    let mut reasons = Vec::new();
    let unsupported: Vec<&str> = comparison
        .schemes
        .iter()
        .filter(|s| s.effect_above_evidence || s.ramp_faster_than_evidence)
        .map(|s| s.scheme.as_str())
        .collect();
    let head = format!(
        "under the published evidence ({}) the claimed savings arrive in {} of futures ({} in cash) against {} ({}) \
         on the plan's own assumptions, and the new money pays back in {} against {}; rated {}",
        evidence.origin(),
        pct(evid.p_savings_claim_met),
        pct(evid.p_savings_claim_cashable),
        pct(plan.p_savings_claim_met),
        pct(plan.p_savings_claim_cashable),
        pct(evid.p_break_even),
        pct(plan.p_break_even),
        evid.rating
    );
    reasons.push(if worse {
        format!(
            "the plan's verdict ({}) depends on assumptions the evidence does not support: {head}",
            plan.rating
        )
    } else {
        format!(
            "the plan's verdict ({}) is the same under the evidence: {head}",
            plan.rating
        )
    });
    reasons.push(format!(
        "paired difference (evidence − plan): P(claimed savings arrive) {} points, P(break even) {} points, mean cumulative net {}",
        crate::fmt::points_pm(
            difference.p_savings_claim_met.mean,
            difference.p_savings_claim_met.se
        ),
        crate::fmt::points_pm(difference.p_break_even.mean, difference.p_break_even.se),
        scenario.currency().money_pm(
            difference.cum_net_horizon.mean,
            difference.cum_net_horizon.se,
            true
        ),
    ));
    if !unsupported.is_empty() {
        reasons.push(format!(
            "schemes whose assumed effect or ramp the evidence does not support: {}",
            unsupported.join(", ")
        ));
    }
    reasons.push(format!(
        "scheme costs carry an optimism-bias uplift: {optimism_bias}; benefits are not cut (the Green Book publishes no uplift for benefits, so any haircut would be carefund's own assumption)"
    ));
    if !comparison.schemes_without_kind.is_empty() {
        reasons.push(format!(
            "schemes without a `kind` keep the plan's assumptions in the evidence run: {}",
            comparison.schemes_without_kind.join(", ")
        ));
    }

    Ok(EvidenceOutcome {
        block: EvidenceBlock {
            comparison,
            optimism_bias,
            plan,
            evidence: evid,
            difference,
            verdict_depends_on_unsupported_assumptions: worse,
            reasons,
            currency: scenario.currency(),
        },
        scenario: ev,
        sim,
        summary,
    })
}
