//! From a simulation to the numbers a reader needs: per-period statistics, headline
//! credibility metrics, the plan case, the rating and its reasons (docs/model.md §5).

use rayon::prelude::*;
use serde::Serialize;

use crate::engine::{BLOCK, Simulation};
use crate::fmt::percent_words;
use crate::model::{Model, PathSummary, Quantity};
use crate::scenario::{Discount, PlanTarget, Scenario, idx};
use crate::stats::{Stats, pairwise_sum, proportion};

mod blocks;

pub use blocks::{
    Comparison, Differences, EvidenceBlock, Evpi, Interval, Paired, SchemeComparison, Verdict,
};

/// The credibility rating. The names are those NHS England used to assure Better Care
/// Fund plans; the probability thresholds are this tool's (see [`crate::Credibility`];
/// docs/model.md §13 has the rules of both bases). Ratings order from best to worst;
/// [`Rating::NotRated`] comes last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Rating {
    /// Claims basis: the claimed savings arrive in cash in at least half the futures and
    /// the new money pays back in at least half. Break-even basis: `p_break_even ≥ 0.80`
    /// and `p_target_met_year1 ≥ 0.50` (defaults).
    #[serde(rename = "approved")]
    Approved,
    /// Claims basis: the claimed savings arrive at all (gross) in ≥ 50% of futures.
    /// Break-even basis: `p_break_even ≥ 0.50`.
    #[serde(rename = "approved with support")]
    ApprovedWithSupport,
    /// Claims basis: the claimed savings arrive at all in ≥ 20% of futures. Break-even
    /// basis: `p_break_even ≥ 0.20`.
    #[serde(rename = "approved with conditions")]
    ApprovedWithConditions,
    /// Otherwise.
    #[serde(rename = "not approved")]
    NotApproved,
    /// The scenario claims nothing (no new money, no effect, no claimed reduction or
    /// savings), e.g. "do nothing": an option to compare against, not a plan to rate.
    #[serde(rename = "not rated")]
    NotRated,
}

impl Rating {
    /// Every rating, best first.
    pub const ALL: [Rating; 5] = [
        Rating::Approved,
        Rating::ApprovedWithSupport,
        Rating::ApprovedWithConditions,
        Rating::NotApproved,
        Rating::NotRated,
    ];
}

impl std::fmt::Display for Rating {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Rating::Approved => "approved",
            Rating::ApprovedWithSupport => "approved with support",
            Rating::ApprovedWithConditions => "approved with conditions",
            Rating::NotApproved => "not approved",
            Rating::NotRated => "not rated",
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
    /// The currency of every amount (ISO 4217 code).
    pub currency: crate::fmt::Currency,
    /// What the rating rates: `claims` or `break-even` (docs/model.md §13).
    pub rating_basis: crate::scenario::Basis,
    /// How percentiles are defined.
    pub percentile_definition: &'static str,
    /// How per-period percentiles were found: `exact` or `sketch` (see
    /// [`crate::columns`]; headline percentiles are always exact).
    pub per_period_percentiles: &'static str,
}

/// The deterministic plan case (docs/model.md §5 `plan_claim`).
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

/// The headline credibility metrics (docs/model.md §5).
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
    /// P(gross savings over the horizon ≥ the plan's claimed savings), docs/model.md §13.
    pub p_savings_claim_met: f64,
    /// Its standard error.
    pub p_savings_claim_met_se: f64,
    /// P(cashable savings over the horizon ≥ the plan's claimed savings): the savings could
    /// actually leave the hospital's budget.
    pub p_savings_claim_cashable: f64,
    /// Its standard error.
    pub p_savings_claim_cashable_se: f64,
    /// P(the contingency reserve covered, in every period, the tariff value of the
    /// admissions the plan said would not happen).
    pub p_hospital_covered: f64,
    /// Its standard error.
    pub p_hospital_covered_se: f64,
    /// The plan's claimed savings over the horizon (£).
    pub claimed_savings_total: f64,
    /// Gross (economic) savings over the horizon (£).
    pub gross_total: Stats,
    /// Cashable savings over the horizon (£).
    pub cashable_total: Stats,
    /// New money spent over the horizon, overruns included (£).
    pub new_money_total: Stats,
    /// Contingency paid to the acute provider over the horizon (£).
    pub contingency_total: Stats,
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
    pub evpi: Option<Evpi>,
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
    /// Statistics over paths of every quantity.
    pub quantities: Quantities,
}

/// Statistics over paths of every per-period [`Quantity`], indexed by the quantity (so
/// none can be missing). `summary.json` and `percentiles.csv` list them by name, in the
/// order of their names.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quantities([Stats; Quantity::COUNT]);

impl Quantities {
    /// The statistics of each quantity, from `f`.
    pub fn from_fn(mut f: impl FnMut(Quantity) -> Stats) -> Self {
        Self(Quantity::ALL.map(&mut f))
    }

    /// The statistics of `q`.
    pub fn get(&self, q: Quantity) -> &Stats {
        &self.0[q.index()]
    }

    /// Every quantity with its statistics, in the order of their names (as written to
    /// `summary.json` and `percentiles.csv`).
    pub fn iter(&self) -> impl Iterator<Item = (Quantity, &Stats)> {
        Quantity::BY_NAME.into_iter().map(|q| (q, self.get(q)))
    }

    /// The number of quantities ([`Quantity::COUNT`]).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Never true: every quantity has its statistics.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::ops::Index<Quantity> for Quantities {
    type Output = Stats;
    fn index(&self, q: Quantity) -> &Stats {
        self.get(q)
    }
}

impl Serialize for Quantities {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (q, stats) in self.iter() {
            map.serialize_entry(q.name(), stats)?;
        }
        map.end()
    }
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

/// The pool, the schemes' cost and the new money side by side, a year, before overruns
/// (docs/model.md §13).
#[derive(Debug, Clone, Serialize)]
pub struct Spending {
    /// The pooled fund in year 1 (£ a year).
    pub pooled: f64,
    /// What the schemes cost, whoever would have paid anyway (£ a year).
    pub scheme_cost: f64,
    /// The part of it that is new money: `Σ cost_i · E[additional_share_i]` (£ a year).
    pub new_money: f64,
    /// The plan's claimed savings, on average a year over the horizon (£ a year).
    pub claimed_savings: f64,
    /// Whether the scenario sets `additional_share` on any scheme; when it does not, the
    /// whole cost counts as new money.
    pub additional_share_set: bool,
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
    /// The pool, the schemes' cost, the new money and the claimed savings, a year.
    pub spending: Spending,
    /// Per-year means.
    pub years: Vec<YearSummary>,
    /// Per-period statistics.
    pub periods: Vec<PeriodSummary>,
    /// The evidence check (docs/model.md §11), when one was run: see
    /// [`crate::evidence::EvidenceOutcome::attach`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<EvidenceBlock>,
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
            quantities: Quantities::from_fn(|q| stat(q, t)),
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

    let headline = headline(scenario, &model, paths, &claim);

    let rating = rate(scenario, &headline);
    let spending = spending(scenario, &model);
    let reasons = reasons(scenario, &headline, &years, &spending, rating);
    let mut warnings = plan_warnings(scenario);
    warnings.extend(scenario.notes().iter().cloned());

    Summary {
        meta: meta(scenario, sim),
        rating,
        reasons,
        warnings,
        headline,
        spending,
        years,
        periods,
        evidence: None,
    }
}

/// The headline metrics over the paths (`claim`: the plan case's path summary).
fn headline(
    scenario: &Scenario,
    model: &Model<'_>,
    paths: &[PathSummary],
    claim: &PathSummary,
) -> Headline {
    let tl = scenario.timeline();
    let n = paths.len();
    let field = |f: fn(&PathSummary) -> f64| -> Vec<f64> { paths.iter().map(f).collect() };
    let mut cum = field(|p| p.cum_net);
    let cum_stats = Stats::of(&mut cum.clone());
    let (p_break_even, p_break_even_se) = proportion(cum.iter().filter(|&&x| x >= 0.0).count(), n);
    let (p_target_met_year1, p_target_met_year1_se) =
        proportion(paths.iter().filter(|p| p.target_met_year1).count(), n);
    let (p_meets_claim, p_meets_claim_se) =
        proportion(cum.iter().filter(|&&x| x >= claim.cum_net).count(), n);
    let share = |f: fn(&PathSummary) -> bool| proportion(paths.iter().filter(|p| f(p)).count(), n);
    let (p_savings_claim_met, p_savings_claim_met_se) = share(|p| p.savings_claim_met);
    let (p_savings_claim_cashable, p_savings_claim_cashable_se) =
        share(|p| p.savings_claim_cashable);
    let (p_hospital_covered, p_hospital_covered_se) = share(|p| p.hospital_covered);
    cum.sort_unstable_by(f64::total_cmp);
    let worst = n.div_ceil(20).max(1).min(n);
    let expected_shortfall_5 = pairwise_sum(&cum[..worst]) / worst as f64;

    let year_of_period = |p: u32| tl.year_of(p as usize);
    let break_even_year = break_even_years(tl, paths);
    Headline {
        p_break_even,
        p_break_even_se,
        p_target_met_year1,
        p_target_met_year1_se,
        p_savings_claim_met,
        p_savings_claim_met_se,
        p_savings_claim_cashable,
        p_savings_claim_cashable_se,
        p_hospital_covered,
        p_hospital_covered_se,
        claimed_savings_total: model.claimed_savings_total(),
        gross_total: Stats::of(&mut field(|p| p.gross)),
        cashable_total: Stats::of(&mut field(|p| p.cashable)),
        new_money_total: Stats::of(&mut field(|p| p.investment)),
        contingency_total: Stats::of(&mut field(|p| p.contingency)),
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
    }
}

/// The distribution of the financial year in which cumulative net turns ≥ 0 for good
/// (`never` last).
fn break_even_years(tl: &crate::time::Timeline, paths: &[PathSummary]) -> Vec<BreakEvenYear> {
    let n = paths.len();
    let year_of_period = |p: u32| tl.year_of(p as usize);
    let mut counts = vec![0usize; tl.horizon_years() as usize + 1];
    for p in paths {
        match p.break_even {
            Some(period) => counts[year_of_period(period)] += 1,
            None => counts[tl.horizon_years() as usize] += 1,
        }
    }
    counts
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
        .collect()
}

/// What produced the results.
fn meta(scenario: &Scenario, sim: &Simulation) -> Meta {
    let tl = scenario.timeline();
    let n = sim.path_summaries().len();
    Meta {
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
            Discount::GreenBook => "HM Treasury Green Book (3.5% to year 30, 3.0% after)".into(),
        },
        payment: scenario.payment(),
        currency: scenario.currency(),
        rating_basis: scenario.credibility().basis,
        percentile_definition: match sim.percentiles() {
            crate::columns::Percentiles::Sketch => {
                "headline and per-path: linear interpolation between order statistics (Hyndman-Fan type 7, as NumPy and R); per period: log-linear bucket sketch, within 0.098% (relative) of the order statistic of rank floor(p(n-1))"
            }
            _ => {
                "linear interpolation between order statistics (Hyndman-Fan type 7, as NumPy and R)"
            }
        },
        per_period_percentiles: sim.percentiles().name(),
    }
}

/// Whether cover for the hospital is a question at all: the hospital is paid per
/// admission (tariff) and the plan claims fewer admissions in some year.
pub fn hospital_cover_applies(payment: crate::scenario::Payment, years: &[YearSummary]) -> bool {
    payment == crate::scenario::Payment::Tariff && years.iter().any(|y| y.plan > 0.0)
}

/// The pool, the schemes' cost, the new money and the claimed savings a year.
pub fn spending(scenario: &Scenario, model: &Model<'_>) -> Spending {
    Spending {
        pooled: scenario.pooled(),
        scheme_cost: scenario.annual_scheme_cost(),
        new_money: scenario.annual_new_money(),
        claimed_savings: model.claimed_savings_total()
            / f64::from(scenario.timeline().horizon_years()),
        additional_share_set: scenario.sets_additional_share(),
    }
}

/// The probabilities a rating is decided on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RatingInputs {
    /// Whether the scenario claims anything at all ([`Scenario::claims_anything`]).
    pub claims_anything: bool,
    /// P(cumulative net of the new money at the horizon ≥ 0).
    pub p_break_even: f64,
    /// P(year-1 avoided admissions ≥ the plan's year-1 claim).
    pub p_target_met_year1: f64,
    /// P(gross savings ≥ claimed savings over the horizon).
    pub p_savings_claim_met: f64,
    /// P(cashable savings ≥ claimed savings over the horizon).
    pub p_savings_claim_cashable: f64,
}

/// The rating from the headline metrics and the scenario's thresholds (docs/model.md §13).
pub fn rate(scenario: &Scenario, h: &Headline) -> Rating {
    rate_probabilities(
        scenario.credibility(),
        &RatingInputs {
            claims_anything: scenario.claims_anything(),
            p_break_even: h.p_break_even,
            p_target_met_year1: h.p_target_met_year1,
            p_savings_claim_met: h.p_savings_claim_met,
            p_savings_claim_cashable: h.p_savings_claim_cashable,
        },
    )
}

/// The rating of probabilities `p` under thresholds `c` (docs/model.md §5 and §13);
/// [`rate`] and the national portfolio's per-area ratings use it.
///
/// | basis | approved | with support | with conditions |
/// |---|---|---|---|
/// | claims (default) | P(claim cashable) ≥ 0.5 and P(break even) ≥ 0.5 | P(claim met) ≥ 0.5 | P(claim met) ≥ 0.2 |
/// | break-even | P(break even) ≥ 0.8 and P(year-1 target) ≥ 0.5 | P(break even) ≥ 0.5 | P(break even) ≥ 0.2 |
///
/// A scenario that claims nothing is [`Rating::NotRated`] whatever its numbers.
pub fn rate_probabilities(c: &crate::Credibility, p: &RatingInputs) -> Rating {
    if !p.claims_anything {
        return Rating::NotRated;
    }
    match c.basis {
        crate::Basis::Claims => {
            if p.p_savings_claim_cashable >= c.approved_p_savings_claim_cashable
                && p.p_break_even >= c.claims_approved_p_break_even
            {
                Rating::Approved
            } else if p.p_savings_claim_met >= c.support_p_savings_claim_met {
                Rating::ApprovedWithSupport
            } else if p.p_savings_claim_met >= c.conditions_p_savings_claim_met {
                Rating::ApprovedWithConditions
            } else {
                Rating::NotApproved
            }
        }
        crate::Basis::BreakEven => {
            if p.p_break_even >= c.approved_p_break_even
                && p.p_target_met_year1 >= c.approved_p_target_met_year1
            {
                Rating::Approved
            } else if p.p_break_even >= c.support_p_break_even {
                Rating::ApprovedWithSupport
            } else if p.p_break_even >= c.conditions_p_break_even {
                Rating::ApprovedWithConditions
            } else {
                Rating::NotApproved
            }
        }
    }
}

fn reasons(
    scenario: &Scenario,
    h: &Headline,
    years: &[YearSummary],
    spending: &Spending,
    rating: Rating,
) -> Vec<String> {
    let mut r = plan_reasons(scenario, h, years, spending, rating);
    // An option, not a plan: the plan case, failures and cover say nothing of it.
    if rating != Rating::NotRated {
        r.extend(outcome_reasons(scenario, h, years));
    }
    r
}

/// The rating's own reasons: what the plan claims and spends, and how likely it is.
fn plan_reasons(
    scenario: &Scenario,
    h: &Headline,
    years: &[YearSummary],
    spending: &Spending,
    rating: Rating,
) -> Vec<String> {
    let tl = scenario.timeline();
    let c = scenario.credibility();
    let cur = scenario.currency();
    let money = |x: f64| cur.money(x);
    let horizon = tl.horizon_years();
    let last = tl.year_label(horizon as usize - 1);
    let per_year = |x: f64| x / f64::from(horizon);
    let claims_basis = c.basis == crate::Basis::Claims;
    let mut r = Vec::new();
    if rating == Rating::NotRated {
        r.push(
            "not rated: the scenario claims nothing (no scheme spends new money or avoids admissions, \
             and the plan claims no reduction and no savings); it is an option to compare a plan \
             against, such as doing nothing, not a plan to rate"
                .to_string(),
        );
    }
    let claims = format!(
        "the plan claims savings of {} a year ({} over {horizon} years); they arrive as gross savings in {} of futures, \
         and as cash the hospital can actually release in {}",
        money(spending.claimed_savings),
        money(h.claimed_savings_total),
        percent_words(h.p_savings_claim_met),
        percent_words(h.p_savings_claim_cashable),
    );
    let break_even = format!(
        "{} of futures see the new money pay back by {last} (cumulative system net ≥ 0)",
        percent_words(h.p_break_even)
    );
    if claims_basis {
        r.push(format!(
            "{claims} ({} needs {} in cash and the new money to pay back in {}; {} needs {} gross; {} needs {} gross)",
            Rating::Approved,
            percent_words(c.approved_p_savings_claim_cashable),
            percent_words(c.claims_approved_p_break_even),
            Rating::ApprovedWithSupport,
            percent_words(c.support_p_savings_claim_met),
            Rating::ApprovedWithConditions,
            percent_words(c.conditions_p_savings_claim_met),
        ));
        r.push(break_even);
    } else {
        r.push(format!(
            "{break_even}; rated on break-even ({} needs {}, {} needs {}, {} needs {})",
            Rating::Approved,
            percent_words(c.approved_p_break_even),
            Rating::ApprovedWithSupport,
            percent_words(c.support_p_break_even),
            Rating::ApprovedWithConditions,
            percent_words(c.conditions_p_break_even),
        ));
        r.push(claims);
    }
    r.push(format!(
        "claimed against delivered, a year: the plan claims {}; the median future saves {} gross, of which {} is cashable",
        money(spending.claimed_savings),
        money(per_year(h.gross_total.p50)),
        money(per_year(h.cashable_total.p50)),
    ));
    let plan1 = years.first().map_or(0.0, |y| y.plan);
    let target_needed =
        !claims_basis && rating != Rating::Approved && h.p_break_even >= c.approved_p_break_even;
    r.push(format!(
        "{} of futures meet the plan's year-1 claim of {} fewer emergency admissions{}",
        percent_words(h.p_target_met_year1),
        crate::fmt::group(plan1),
        if target_needed {
            format!(
                " ({} needs {})",
                Rating::Approved,
                percent_words(c.approved_p_target_met_year1)
            )
        } else {
            String::new()
        }
    ));
    r.push(format!(
        "schemes cost {} a year, of which {} is new money, against a {} pool{}",
        money(spending.scheme_cost),
        money(spending.new_money),
        money(spending.pooled),
        if spending.additional_share_set {
            ""
        } else {
            " (no scheme sets additional_share, so all of their cost counts as new money)"
        }
    ));
    r
}

/// How the futures turn out against the plan's own case: cash, failures, cover, tails.
fn outcome_reasons(scenario: &Scenario, h: &Headline, years: &[YearSummary]) -> Vec<String> {
    let cur = scenario.currency();
    let money = |x: f64| cur.money(x);
    let horizon = scenario.timeline().horizon_years();
    let per_year = |x: f64| x / f64::from(horizon);
    let mut r = Vec::new();
    r.push(format!(
        "the plan's own case (every input at its central value, every scheme delivering) ends at {} after {horizon} years; \
         the median future ends at {} (claim gap {}), and {} of futures do as well as the plan's case",
        money(h.plan_claim.cum_net_horizon),
        money(h.cum_net_horizon.p50),
        money(h.claim_gap),
        percent_words(h.p_meets_claim)
    ));
    let cash: f64 = years.iter().map(|y| y.cashable).sum();
    let spend_mean: f64 = years.iter().map(|y| y.investment).sum();
    r.push(format!(
        "on average avoided admissions release {} of cash a year against {} a year of new money (overruns included)",
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
            percent_words(all)
        ));
    }
    if hospital_cover_applies(scenario.payment(), years) {
        let reserve = scenario.contingency_share * scenario.pooled();
        r.push(if reserve > 0.0 {
            format!(
                "the contingency reserve ({} a year) covers the hospital for every admission the plan said would not happen in {} of futures; it pays out {} on average over {horizon} years",
                money(reserve),
                percent_words(h.p_hospital_covered),
                money(h.contingency_total.mean),
            )
        } else {
            format!(
                "no contingency reserve is held, so the hospital is paid nothing for admissions the plan said would not happen; that is enough only in the {} of futures where every period meets the plan",
                percent_words(h.p_hospital_covered),
            )
        });
    }
    r.push(format!(
        "in the worst 5% of futures the fund ends {} on average",
        money(h.expected_shortfall_5)
    ));
    r
}

/// Plan-level warnings found without simulating (docs/model.md §5 and §13).
pub fn plan_warnings(scenario: &Scenario) -> Vec<String> {
    let mut w = Vec::new();
    if !scenario.claims_anything() {
        // An option such as "do nothing" has no plan to warn about.
        return w;
    }
    let cur = scenario.currency();
    let money = |x: f64| cur.money(x);
    let spend = scenario.annual_scheme_cost();
    if spend > scenario.pooled() {
        w.push(format!(
            "the schemes cost {} a year (before additionality and overruns), more than the pooled fund ({} a year)",
            money(spend),
            money(scenario.pooled())
        ));
    }
    if !scenario.sets_additional_share() && spend > 0.0 && scenario.claims_anything() {
        w.push(format!(
            "no scheme sets `additional_share`, so the whole cost of every scheme ({} a year) counts as new money that \
             avoided admissions must repay; set `additional_share` (0 to 1, or a distribution) on each scheme to the part \
             that would not have been spent without the plan (docs/model.md §13)",
            money(spend)
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
