//! The plan's assumptions beside the evidence, without simulating (docs/model.md §11).

use super::Evidence;
use crate::fmt::percent1;
use crate::scenario::{PlanTarget, Scenario, idx};
use crate::summary::{Comparison, Interval, SchemeComparison};

fn years(x: f64) -> String {
    format!("{x:.1}")
}

/// How far the plan's P90 effect may exceed the evidence's P90 before a warning fires:
/// half a percentage point of admissions.
pub const EFFECT_MARGIN: f64 = 0.005;

/// The national expected minimum ambition for 2015/16: 3.5% fewer non-elective
/// admissions (NHS England/DH/LGA guidance, July 2014; data/README.md).
pub const NATIONAL_MINIMUM_AMBITION: f64 = 0.035;

/// The ambitions actually set, on average across England: 3.07% (Public Accounts
/// Committee, HC 807, 2015; data/README.md).
pub const NATIONAL_AVERAGE_SET: f64 = 0.0307;

/// Compare `scenario`'s assumptions with `evidence` (kinds must have been checked with
/// [`Evidence::check_kinds`]; schemes whose kind is unknown are skipped).
///
/// # Formula
/// For each scheme with a kind: the effect warning fires when the plan's central effect
/// is above the evidence's P90, or the plan's P90 is above the evidence's P90 by more
/// than [`EFFECT_MARGIN`]; the ramp warning fires when the plan's central `ramp_years`
/// is below the evidence's P10 time to effect. The target line sets the plan's target
/// beside 3.5% (the expected minimum ambition) and 3.07% (the average set), and warns
/// when the target is above the evidence's combined expected effect
/// `1 − ∏(1 − p_i·ē_i)`.
pub fn compare(scenario: &Scenario, evidence: &Evidence) -> Comparison {
    let inputs = scenario.inputs();
    let interval = |k: usize| {
        let i = &inputs[k];
        Interval {
            p10: i.quantile(0.1),
            central: i.central(),
            p90: i.quantile(0.9),
        }
    };
    let mut schemes = Vec::new();
    let mut without = Vec::new();
    let mut warnings = Vec::new();
    let mut keep_plan = 1.0;
    let mut keep_evidence = 1.0;
    for (i, s) in scenario.schemes().iter().enumerate() {
        let effect = &inputs[idx::scheme(i, idx::EFFECT)];
        let success = inputs[idx::scheme(i, idx::SUCCESS)].mean();
        keep_plan *= 1.0 - effect.central();
        let Some(kind) = s.kind().and_then(|k| evidence.kind(k)) else {
            keep_evidence *= 1.0 - success * effect.mean();
            without.push(s.name().to_string());
            continue;
        };
        keep_evidence *= 1.0 - kind.p_success() * kind.effect().dist().mean();
        let plan_effect = interval(idx::scheme(i, idx::EFFECT));
        let evidence_effect = kind.effect().interval();
        let plan_ramp = interval(idx::scheme(i, idx::RAMP));
        let evidence_ramp = kind.time_to_effect().interval();
        let effect_above = plan_effect.central > evidence_effect.p90
            || plan_effect.p90 > evidence_effect.p90 + EFFECT_MARGIN;
        let ramp_faster = plan_ramp.central < evidence_ramp.p10;
        if effect_above {
            warnings.push(format!(
                "scheme `{}` ({}): assumes {} fewer admissions (P10–P90 {} to {}); the evidence for {} centres on {} (P10–P90 {} to {})",
                s.name(),
                kind.label(),
                percent1(plan_effect.central),
                percent1(plan_effect.p10),
                percent1(plan_effect.p90),
                kind.label(),
                percent1(evidence_effect.central),
                percent1(evidence_effect.p10),
                percent1(evidence_effect.p90),
            ));
        }
        if ramp_faster {
            warnings.push(format!(
                "scheme `{}` ({}): assumes full effect after {} years (P10–P90 {} to {}); the evidence's time to effect is {} years (P10–P90 {} to {})",
                s.name(),
                kind.label(),
                years(plan_ramp.central),
                years(plan_ramp.p10),
                years(plan_ramp.p90),
                years(evidence_ramp.central),
                years(evidence_ramp.p10),
                years(evidence_ramp.p90),
            ));
        }
        schemes.push(SchemeComparison {
            scheme: s.name().to_string(),
            kind: kind.id().to_string(),
            kind_label: kind.label().to_string(),
            plan_effect,
            evidence_effect,
            plan_ramp_years: plan_ramp,
            evidence_time_to_effect: evidence_ramp,
            plan_success_probability: success,
            evidence_success_probability: kind.p_success(),
            effect_above_evidence: effect_above,
            ramp_faster_than_evidence: ramp_faster,
        });
    }
    let plan_combined_effect = 1.0 - keep_plan;
    let evidence_combined_effect = 1.0 - keep_evidence;
    let target = match scenario.plan() {
        PlanTarget::Reduction(r) => *r,
        PlanTarget::PerYear(v) => {
            let g = inputs[idx::GROWTH].mean();
            v.first().map_or(0.0, |x| {
                x / (scenario.baseline_admissions * (1.0 + g).powf(0.5))
            })
        }
    };
    // England's 2014 ambition is a yardstick only for plans that say they answer to it
    // (`plan.minimum_ambition`); a Spanish concession of 1999 is not held to it.
    let yardstick = if scenario.minimum_ambition.is_some() {
        format!(
            "; the national expected minimum ambition was {:.1}% and areas set {:.2}% on average (NHS England/DH/LGA guidance, 2014; PAC HC 807, 2015), which the NAO called \"optimism rather than evidence\" (HC 781, 2014)",
            100.0 * NATIONAL_MINIMUM_AMBITION,
            100.0 * NATIONAL_AVERAGE_SET,
        )
    } else {
        String::new()
    };
    let national = format!(
        "the plan targets {:.2}% fewer emergency admissions{yardstick}; at full effect its schemes avoid {:.2}% in the plan's own case and {:.2}% on average under the evidence",
        100.0 * target,
        100.0 * plan_combined_effect,
        100.0 * evidence_combined_effect,
    );
    if !schemes.is_empty() && target > evidence_combined_effect {
        warnings.push(format!(
            "the plan's target ({:.2}% of admissions) is above what its schemes avoid on average at full effect under the evidence ({:.2}%)",
            100.0 * target,
            100.0 * evidence_combined_effect
        ));
    }
    Comparison {
        evidence_file: evidence.origin().to_string(),
        evidence_hash: evidence.hash().to_string(),
        schemes,
        schemes_without_kind: without,
        target,
        plan_combined_effect,
        evidence_combined_effect,
        national,
        warnings,
    }
}
