//! From a simulation to the numbers a reader needs: per-period statistics, headline
//! credibility metrics, the plan case, the rating and its reasons (MODEL.md §5).

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;

use crate::engine::{BLOCK, Simulation};
use crate::model::{Model, PathSummary, Quantity};
use crate::scenario::{Discount, PlanTarget, Scenario, idx};
use crate::stats::{Stats, pairwise_sum, proportion};

/// The credibility rating. The names are those NHS England used to assure Better Care
/// Fund plans; the probability thresholds are this tool's (see [`crate::Credibility`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Rating {
    /// `p_break_even ≥ 0.80` and `p_target_met_year1 ≥ 0.50` (defaults).
    #[serde(rename = "approved")]
    Approved,
    /// `p_break_even ≥ 0.50`.
    #[serde(rename = "approved with support")]
    ApprovedWithSupport,
    /// `p_break_even ≥ 0.20`.
    #[serde(rename = "approved with conditions")]
    ApprovedWithConditions,
    /// Otherwise.
    #[serde(rename = "not approved")]
    NotApproved,
}

impl std::fmt::Display for Rating {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Rating::Approved => "approved",
            Rating::ApprovedWithSupport => "approved with support",
            Rating::ApprovedWithConditions => "approved with conditions",
            Rating::NotApproved => "not approved",
        })
    }
}

/// What produced the results: enough to reproduce them bit for bit.
#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    /// carefund's version.
    pub carefund_version: &'static str,
    /// The scenario's name.
    pub scenario_name: String,
    /// The file it was read from.
    pub scenario_file: String,
    /// SHA-256 of the scenario file's bytes.
    pub scenario_hash: String,
    /// The seed.
    pub seed: u64,
    /// Number of paths.
    pub paths: u64,
    /// Worker threads used (results do not depend on it).
    pub threads: usize,
    /// Sampling method: `monte-carlo` or `latin-hypercube`.
    pub sampling: &'static str,
    /// How the number of paths was chosen when a target standard error was set
    /// (`carefund run --target-se`); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub convergence: Option<crate::convergence::Convergence>,
    /// The random generator and how streams are keyed.
    pub generator: &'static str,
    /// Paths per parallel block.
    pub block_size: usize,
    /// First financial year (2015 = 2015/16).
    pub start_year: i32,
    /// Horizon in years.
    pub horizon_years: u32,
    /// Periods per year.
    pub periods_per_year: u32,
    /// Discounting, in words.
    pub discount: String,
    /// Payment model.
    pub payment: crate::scenario::Payment,
    /// How percentiles are defined.
    pub percentile_definition: &'static str,
    /// How per-period percentiles were found: `exact` or `sketch` (see
    /// [`crate::columns`]; headline percentiles are always exact).
    pub per_period_percentiles: &'static str,
}

/// The deterministic plan case (MODEL.md §5 `plan_claim`).
#[derive(Debug, Clone, Serialize)]
pub struct PlanClaim {
    /// Cumulative system net at the horizon (£).
    pub cum_net_horizon: f64,
    /// NPV of system net (£).
    pub npv: f64,
    /// Avoided admissions over the horizon.
    pub avoided_total: f64,
    /// Scheme spend over the horizon (£).
    pub investment_total: f64,
    /// Cashable savings over the horizon (£).
    pub cashable_total: f64,
    /// Financial year in which it breaks even for good (`None`: never).
    pub break_even_year: Option<String>,
}

/// One bar of the break-even-year distribution.
#[derive(Debug, Clone, Serialize)]
pub struct BreakEvenYear {
    /// Financial year label, or `never`.
    pub year: String,
    /// Share of paths.
    pub probability: f64,
    /// Its binomial standard error.
    pub se: f64,
}

/// The headline credibility metrics (MODEL.md §5).
#[derive(Debug, Clone, Serialize)]
pub struct Headline {
    /// P(cumulative system net at the horizon ≥ 0).
    pub p_break_even: f64,
    /// Its standard error.
    pub p_break_even_se: f64,
    /// P(avoided admissions in year 1 ≥ the plan's year-1 claim).
    pub p_target_met_year1: f64,
    /// Its standard error.
    pub p_target_met_year1_se: f64,
    /// P(cumulative net at the horizon ≥ the plan case's).
    pub p_meets_claim: f64,
    /// Its standard error.
    pub p_meets_claim_se: f64,
    /// Median cumulative net at the horizon minus the plan case's (£; negative: the plan
    /// is optimistic).
    pub claim_gap: f64,
    /// Mean cumulative net at the horizon over the worst 5% of paths (£).
    pub expected_shortfall_5: f64,
    /// Distribution of the year in which cumulative net turns ≥ 0 for good.
    pub break_even_year: Vec<BreakEvenYear>,
    /// The plan case.
    pub plan_claim: PlanClaim,
    /// Cumulative system net at the horizon (£).
    pub cum_net_horizon: Stats,
    /// NPV of system net (£).
    pub npv: Stats,
    /// Avoided admissions over the horizon.
    pub avoided_total: Stats,
    /// EVPI of funding the plan versus doing nothing (NPV of system net, £), when asked
    /// for (`carefund run --evpi`); see [`crate::voi`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evpi: Option<crate::voi::Evpi>,
}

/// One period's statistics.
#[derive(Debug, Clone, Serialize)]
pub struct PeriodSummary {
    /// Period index `t` (0-based).
    pub index: usize,
    /// Label, e.g. `2015/16 Q1`.
    pub label: String,
    /// Financial year label.
    pub year: String,
    /// The plan's claimed avoided admissions.
    pub plan: f64,
    /// The plan case's counterfactual admissions.
    pub plan_case_counterfactual: f64,
    /// The plan case's cumulative system net (£).
    pub plan_case_cum_net: f64,
    /// Statistics over paths of every quantity, by name.
    pub quantities: BTreeMap<&'static str, Stats>,
}

/// Means per financial year (for tables and the cash chart).
#[derive(Debug, Clone, Serialize)]
pub struct YearSummary {
    /// Financial year label.
    pub year: String,
    /// Mean avoided admissions.
    pub avoided: f64,
    /// The plan's claimed avoided admissions.
    pub plan: f64,
    /// Mean cashable savings (£).
    pub cashable: f64,
    /// Mean scheme spend (£).
    pub investment: f64,
    /// Mean system net (£).
    pub net: f64,
    /// Median cumulative net at the year's end (£).
    pub cum_net_median: f64,
    /// P(cumulative net ≥ 0 at the year's end).
    pub p_cum_net_non_negative: f64,
}

/// Everything `summary.json` holds (a documented, stable interface).
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// What produced it.
    pub meta: Meta,
    /// The credibility rating.
    pub rating: Rating,
    /// Why, in words.
    pub reasons: Vec<String>,
    /// Plan-level warnings (found without simulating) and notes from checking.
    pub warnings: Vec<String>,
    /// Headline metrics.
    pub headline: Headline,
    /// Per-year means.
    pub years: Vec<YearSummary>,
    /// Per-period statistics.
    pub periods: Vec<PeriodSummary>,
    /// The evidence check (MODEL.md §11), when one was run: see
    /// [`crate::evidence::EvidenceOutcome::attach`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<crate::evidence::EvidenceBlock>,
}

/// Summarise a simulation of `scenario`.
pub fn summarise(scenario: &Scenario, sim: &Simulation) -> Summary {
    let tl = scenario.timeline();
    let n_periods = tl.periods();
    let paths = sim.path_summaries();
    let n = paths.len();
    let model = Model::new(scenario);

    // Per-period statistics, one column at a time (in parallel; moments are combined
    // block by block in path order, so the result does not depend on the thread count).
    let columns: Vec<(Quantity, usize)> = Quantity::ALL
        .iter()
        .flat_map(|&q| (0..n_periods).map(move |t| (q, t)))
        .collect();
    let stats: Vec<Stats> = columns
        .par_iter()
        .map(|&(q, t)| {
            sim.column_moments(q, t)
                .stats(&sim.column_percentiles(q, t))
        })
        .collect();
    let stat = |q: Quantity, t: usize| stats[q.index() * n_periods + t];

    // The plan case.
    let mut plan_ledger = vec![0.0; Quantity::COUNT * n_periods];
    let claim = model.project(&model.central_inputs(), None, &mut plan_ledger);
    let plan_series =
        |q: Quantity| &plan_ledger[q.index() * n_periods..(q.index() + 1) * n_periods];

    let periods: Vec<PeriodSummary> = (0..n_periods)
        .map(|t| PeriodSummary {
            index: t,
            label: tl.label(t),
            year: tl.year_label(tl.year_of(t)),
            plan: model.plan()[t],
            plan_case_counterfactual: plan_series(Quantity::Counterfactual)[t],
            plan_case_cum_net: plan_series(Quantity::CumNet)[t],
            quantities: Quantity::ALL
                .iter()
                .map(|&q| (q.name(), stat(q, t)))
                .collect(),
        })
        .collect();

    let per_year = tl.periods_per_year() as usize;
    let years: Vec<YearSummary> = (0..tl.horizon_years() as usize)
        .map(|y| {
            let range = y * per_year..(y + 1) * per_year;
            let sum = |q: Quantity| range.clone().map(|t| stat(q, t).mean).sum::<f64>();
            let last = range.end - 1;
            let ends = sim.column_moments(Quantity::CumNet, last);
            YearSummary {
                year: tl.year_label(y),
                avoided: sum(Quantity::Avoided),
                plan: range.clone().map(|t| model.plan()[t]).sum(),
                cashable: sum(Quantity::Cashable),
                investment: sum(Quantity::Investment),
                net: sum(Quantity::Net),
                cum_net_median: stat(Quantity::CumNet, last).p50,
                p_cum_net_non_negative: proportion(ends.non_negative as usize, n).0,
            }
        })
        .collect();

    let field = |f: fn(&PathSummary) -> f64| -> Vec<f64> { paths.iter().map(f).collect() };
    let mut cum = field(|p| p.cum_net);
    let cum_stats = Stats::of(&mut cum.clone());
    let (p_break_even, p_break_even_se) = proportion(cum.iter().filter(|&&x| x >= 0.0).count(), n);
    let (p_target_met_year1, p_target_met_year1_se) =
        proportion(paths.iter().filter(|p| p.target_met_year1).count(), n);
    let (p_meets_claim, p_meets_claim_se) =
        proportion(cum.iter().filter(|&&x| x >= claim.cum_net).count(), n);
    cum.sort_unstable_by(f64::total_cmp);
    let worst = n.div_ceil(20).max(1).min(n);
    let expected_shortfall_5 = pairwise_sum(&cum[..worst]) / worst as f64;

    let year_of_period = |p: u32| tl.year_of(p as usize);
    let mut counts = vec![0usize; tl.horizon_years() as usize + 1];
    for p in paths {
        match p.break_even {
            Some(period) => counts[year_of_period(period)] += 1,
            None => counts[tl.horizon_years() as usize] += 1,
        }
    }
    let break_even_year = counts
        .iter()
        .enumerate()
        .map(|(y, &c)| {
            let (probability, se) = proportion(c, n);
            BreakEvenYear {
                year: if y == tl.horizon_years() as usize {
                    "never".into()
                } else {
                    tl.year_label(y)
                },
                probability,
                se,
            }
        })
        .collect();

    let headline = Headline {
        p_break_even,
        p_break_even_se,
        p_target_met_year1,
        p_target_met_year1_se,
        p_meets_claim,
        p_meets_claim_se,
        claim_gap: cum_stats.p50 - claim.cum_net,
        expected_shortfall_5,
        break_even_year,
        plan_claim: PlanClaim {
            cum_net_horizon: claim.cum_net,
            npv: claim.npv,
            avoided_total: claim.avoided,
            investment_total: claim.investment,
            cashable_total: claim.cashable,
            break_even_year: claim.break_even.map(|p| tl.year_label(year_of_period(p))),
        },
        cum_net_horizon: cum_stats,
        npv: Stats::of(&mut field(|p| p.npv)),
        avoided_total: Stats::of(&mut field(|p| p.avoided)),
        evpi: None,
    };

    let rating = rate(scenario, &headline);
    let reasons = reasons(scenario, &headline, &years, rating);
    let mut warnings = plan_warnings(scenario);
    warnings.extend(scenario.notes().iter().cloned());

    Summary {
        meta: Meta {
            carefund_version: env!("CARGO_PKG_VERSION"),
            scenario_name: scenario.name().to_string(),
            scenario_file: scenario.origin().to_string(),
            scenario_hash: scenario.hash().to_string(),
            seed: sim.options().seed,
            paths: n as u64,
            threads: sim.threads_used(),
            sampling: scenario.sampling().name(),
            convergence: None,
            generator: crate::rng::GENERATOR,
            block_size: BLOCK,
            start_year: tl.start_year(),
            horizon_years: tl.horizon_years(),
            periods_per_year: tl.periods_per_year(),
            discount: match tl.discount() {
                Discount::Constant(r) => format!("constant {:.2}% a year", 100.0 * r),
                Discount::GreenBook => {
                    "HM Treasury Green Book (3.5% to year 30, 3.0% after)".into()
                }
            },
            payment: scenario.payment(),
            percentile_definition: match sim.percentiles() {
                crate::columns::Percentiles::Sketch => {
                    "headline and per-path: linear interpolation between order statistics (Hyndman-Fan type 7, as NumPy and R); per period: log-linear bucket sketch, within 0.098% (relative) of the order statistic of rank floor(p(n-1))"
                }
                _ => {
                    "linear interpolation between order statistics (Hyndman-Fan type 7, as NumPy and R)"
                }
            },
            per_period_percentiles: sim.percentiles().name(),
        },
        rating,
        reasons,
        warnings,
        headline,
        years,
        periods,
        evidence: None,
    }
}

/// The rating from the headline metrics and the scenario's thresholds (MODEL.md §5).
pub fn rate(scenario: &Scenario, h: &Headline) -> Rating {
    rate_probabilities(scenario.credibility(), h.p_break_even, h.p_target_met_year1)
}

/// The rating from `p_break_even` and `p_target_met_year1` under thresholds `c`
/// (MODEL.md §5); [`rate`] and the national portfolio's per-area ratings use it.
pub fn rate_probabilities(
    c: &crate::Credibility,
    p_break_even: f64,
    p_target_met_year1: f64,
) -> Rating {
    if p_break_even >= c.approved_p_break_even
        && p_target_met_year1 >= c.approved_p_target_met_year1
    {
        Rating::Approved
    } else if p_break_even >= c.support_p_break_even {
        Rating::ApprovedWithSupport
    } else if p_break_even >= c.conditions_p_break_even {
        Rating::ApprovedWithConditions
    } else {
        Rating::NotApproved
    }
}

/// Money for a reader, to about three significant figures: `£12.7m`, `−£3.4m`,
/// `£850k`, `£38,900`, `£1,490`, `£75`.
pub fn money(x: f64) -> String {
    let sign = if x < 0.0 { "−" } else { "" };
    let a = x.abs();
    if a >= 1e6 {
        format!("{sign}£{:.1}m", a / 1e6)
    } else if a >= 1e5 {
        format!("{sign}£{:.0}k", a / 1e3)
    } else if a >= 1e4 {
        format!("{sign}£{}", crate::text::group((a / 100.0).round() * 100.0))
    } else {
        format!("{sign}£{}", crate::text::group(a))
    }
}

fn pct(p: f64) -> String {
    let x = 100.0 * p;
    if x > 0.0 && x < 1.0 {
        "under 1%".into()
    } else if x < 100.0 && x > 99.0 {
        "over 99%".into()
    } else {
        format!("{x:.0}%")
    }
}

fn reasons(
    scenario: &Scenario,
    h: &Headline,
    years: &[YearSummary],
    rating: Rating,
) -> Vec<String> {
    let tl = scenario.timeline();
    let c = scenario.credibility();
    let last = tl.year_label(tl.horizon_years() as usize - 1);
    let mut r = Vec::new();
    r.push(format!(
        "{} of futures break even by {last} (cumulative system net ≥ 0; {} needs {}, {} needs {}, {} needs {})",
        pct(h.p_break_even),
        Rating::Approved,
        pct(c.approved_p_break_even),
        Rating::ApprovedWithSupport,
        pct(c.support_p_break_even),
        Rating::ApprovedWithConditions,
        pct(c.conditions_p_break_even),
    ));
    let plan1 = years.first().map_or(0.0, |y| y.plan);
    r.push(format!(
        "{} of futures meet the plan's year-1 claim of {:.0} fewer emergency admissions{}",
        pct(h.p_target_met_year1),
        plan1,
        if rating != Rating::Approved && h.p_break_even >= c.approved_p_break_even {
            format!(
                " ({} needs {})",
                Rating::Approved,
                pct(c.approved_p_target_met_year1)
            )
        } else {
            String::new()
        }
    ));
    let spend = scenario.annual_scheme_cost();
    r.push(format!(
        "schemes cost {} a year before overruns against a {} pool",
        money(spend),
        money(scenario.pooled())
    ));
    let per_year = |x: f64| x / f64::from(tl.horizon_years());
    r.push(format!(
        "the plan's own case (every input at its central value, every scheme delivering) ends at {} after {} years; \
         the median future ends at {} (claim gap {}), and {} of futures do as well as the plan's case",
        money(h.plan_claim.cum_net_horizon),
        tl.horizon_years(),
        money(h.cum_net_horizon.p50),
        money(h.claim_gap),
        pct(h.p_meets_claim)
    ));
    let cash: f64 = years.iter().map(|y| y.cashable).sum();
    let spend_mean: f64 = years.iter().map(|y| y.investment).sum();
    r.push(format!(
        "on average avoided admissions release {} of cash a year against {} a year of spend",
        money(per_year(cash)),
        money(per_year(spend_mean))
    ));
    let at_risk: Vec<&str> = scenario
        .schemes()
        .iter()
        .enumerate()
        .filter(|(i, _)| scenario.inputs()[idx::scheme(*i, idx::SUCCESS)].mean() < 1.0)
        .map(|(_, s)| s.name())
        .collect();
    if !at_risk.is_empty() {
        let all: f64 = (0..scenario.schemes().len())
            .map(|i| scenario.inputs()[idx::scheme(i, idx::SUCCESS)].mean())
            .product();
        r.push(format!(
            "the plan's case assumes every scheme delivers; {} of {} schemes may fail, and all deliver in only {} of futures",
            at_risk.len(),
            scenario.schemes().len(),
            pct(all)
        ));
    }
    r.push(format!(
        "in the worst 5% of futures the fund ends {} on average",
        money(h.expected_shortfall_5)
    ));
    r
}

/// Plan-level warnings found without simulating (MODEL.md §5).
pub fn plan_warnings(scenario: &Scenario) -> Vec<String> {
    let mut w = Vec::new();
    let spend = scenario.annual_scheme_cost();
    if spend > scenario.pooled() {
        w.push(format!(
            "scheme spend ({} a year) is above the pooled fund ({} a year)",
            money(spend),
            money(scenario.pooled())
        ));
    }
    let keep: f64 = (0..scenario.schemes().len())
        .map(|i| {
            1.0 - scenario.inputs()[idx::scheme(i, idx::EFFECT)]
                .practical_max()
                .clamp(0.0, 1.0)
        })
        .product();
    let max_effect = 1.0 - keep;
    let growth = scenario.inputs()[idx::GROWTH].mean();
    let target_share = match scenario.plan() {
        PlanTarget::Reduction(r) => Some(*r),
        PlanTarget::PerYear(v) => {
            let a0 = scenario.baseline_admissions;
            v.iter()
                .enumerate()
                .map(|(y, x)| x / (a0 * (1.0 + growth).powf(y as f64 + 0.5)))
                .max_by(f64::total_cmp)
        }
    };
    if let Some(target) = target_share {
        if target > max_effect {
            w.push(format!(
                "the plan's target ({:.2}% of admissions) is above what the schemes can deliver even at their maximum effects ({:.2}%)",
                100.0 * target,
                100.0 * max_effect
            ));
        }
        if let Some(min) = scenario.minimum_ambition.filter(|&min| target < min) {
            w.push(format!(
                "the plan's target ({:.2}%) is below the minimum ambition ({:.2}%)",
                100.0 * target,
                100.0 * min
            ));
        }
    }
    for (i, s) in scenario.schemes().iter().enumerate() {
        let effect = &scenario.inputs()[idx::scheme(i, idx::EFFECT)];
        if effect.is_fixed() {
            w.push(format!(
                "scheme `{}`: its effect is fixed at {:.2}%, with no uncertainty; the published evidence on such schemes is wide and often null",
                s.name(),
                100.0 * effect.mean()
            ));
        }
    }
    let all_certain = (0..scenario.schemes().len())
        .all(|i| scenario.inputs()[idx::scheme(i, idx::SUCCESS)].mean() >= 1.0);
    if all_certain {
        w.push("every scheme is assumed certain to deliver (success_probability = 1); most evaluated admission-avoidance schemes did not".into());
    }
    w
}

#[cfg(test)]
mod money_tests {
    use super::money;

    #[test]
    fn money_reads_well_at_every_size() {
        assert_eq!(money(12_675_000.0), "£12.7m");
        assert_eq!(money(-3_400_000.0), "−£3.4m");
        assert_eq!(money(850_000.0), "£850k");
        assert_eq!(money(38_913.0), "£38,900");
        assert_eq!(money(1_490.0), "£1,490");
        assert_eq!(money(75.4), "£75");
    }
}
