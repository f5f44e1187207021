//! The national run: every area of a [`Portfolio`], one after another, paths in parallel
//! within an area, on the engine's option checks and thread pool (docs/model.md §10).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use serde::Serialize;

use super::portfolio::Area;
use super::{EFFECT_SHOCK_STREAM, Factors, GROWTH_SHOCK_STREAM, Portfolio, area_seed};
use crate::dist::{std_cdf, std_inverse_cdf};
use crate::engine::{BLOCK, RunOptions};
use crate::error::{Error, Result};
use crate::model::{Model, Quantity};
use crate::rng::{open_uniform, stream, stream_key};
use crate::sample::Sampler;
use crate::scenario::{Scenario, idx};
use crate::stats::{Stats, proportion};
use crate::summary::{Rating, RatingInputs, rate_probabilities};

/// Draws one area's inputs with the national factors applied.
/// The national run's memory and draws, beside the code that uses them.
impl Portfolio {
    /// Bytes the national run of `paths` paths keeps (see the module docs).
    pub fn memory_estimate(&self, paths: u64) -> u64 {
        let per_path = (self.template.timeline().periods() + 8) * 8
            + std::mem::size_of::<NationalPath>()
            + std::mem::size_of::<AreaPath>();
        paths.saturating_mul(per_path as u64)
    }

    /// The inputs area `i` draws on path `path` under `seed`, national factors applied, in
    /// the order of [`crate::scenario::idx`]. This is exactly what [`simulate`] uses.
    pub fn area_inputs(&self, i: usize, seed: u64, path: u64) -> Option<Vec<f64>> {
        let area = self.areas.get(i)?;
        let drawer = Drawer::new(area, self.factors, seed);
        let mut x = vec![0.0; area.scenario.inputs().len()];
        let (mut u, mut z) = (vec![0.0; x.len()], Vec::new());
        drawer.draw(path, &mut u, &mut z, &mut x);
        Some(x)
    }
}

struct Drawer<'a> {
    sampler: Sampler<'a>,
    effects: Vec<usize>,
    factors: Factors,
    effect_key: u64,
    growth_key: u64,
}

impl<'a> Drawer<'a> {
    fn new(area: &'a Area, factors: Factors, seed: u64) -> Self {
        let effects = (0..area.scenario.schemes().len())
            .map(|i| idx::scheme(i, idx::EFFECT))
            .collect();
        Self {
            sampler: Sampler::new(&area.scenario, area_seed(seed, &area.name)),
            effects,
            factors,
            effect_key: stream_key(seed, EFFECT_SHOCK_STREAM),
            growth_key: stream_key(seed, GROWTH_SHOCK_STREAM),
        }
    }

    /// `u' = Φ(√ρ·Z + √(1−ρ)·Φ⁻¹(u))`, kept strictly inside (0, 1).
    fn shock(u: &mut f64, rho: f64, z: f64) {
        let mixed = rho.sqrt() * z + (1.0 - rho).sqrt() * std_inverse_cdf(*u);
        *u = std_cdf(mixed).clamp(f64::EPSILON, 1.0 - f64::EPSILON);
    }

    fn draw(&self, path: u64, u: &mut [f64], z: &mut Vec<f64>, x: &mut [f64]) {
        self.sampler.uniforms(path, u, z);
        let rho_e = self.factors.effect_correlation;
        if rho_e > 0.0 {
            let common = std_inverse_cdf(open_uniform(&mut stream(self.effect_key, path)));
            for &k in &self.effects {
                Self::shock(&mut u[k], rho_e, common);
            }
        }
        let rho_g = self.factors.growth_correlation;
        if rho_g > 0.0 {
            let common = std_inverse_cdf(open_uniform(&mut stream(self.growth_key, path)));
            Self::shock(&mut u[idx::GROWTH], rho_g, common);
        }
        self.sampler.values(u, x);
    }
}

/// One path's national totals over the horizon (sums over areas).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct NationalPath {
    /// Avoided admissions.
    pub avoided: f64,
    /// Avoided admissions in year 1.
    pub avoided_year1: f64,
    /// Cumulative system net at the horizon (£).
    pub cum_net: f64,
    /// NPV of system net (£).
    pub npv: f64,
    /// Pay for performance released (£).
    pub released: f64,
    /// Pay for performance withheld (£).
    pub withheld: f64,
    /// Contingency paid to acute providers (£).
    pub contingency: f64,
    /// The commissioners' cumulative position (£).
    pub commissioner: f64,
    /// Gross (economic) savings (£).
    pub gross: f64,
    /// Cashable savings (£).
    pub cashable: f64,
    /// New money spent on schemes, overruns included (£).
    pub new_money: f64,
    /// Whether every area's contingency reserve covered its hospital in every period.
    pub hospital_covered: bool,
}

/// What one area keeps per path while it runs.
#[derive(Debug, Clone, Copy, Default)]
struct AreaPath {
    cum_net: f64,
    avoided: f64,
    target_met_year1: bool,
    savings_claim_met: bool,
    savings_claim_cashable: bool,
    hospital_covered: bool,
}

/// One area's results.
#[derive(Debug, Clone, Serialize)]
pub struct AreaResult {
    /// The area's name.
    pub area: String,
    /// The seed its streams use: `area_seed(seed, area)`.
    pub seed: u64,
    /// Pooled fund, £ a year.
    pub pooled: f64,
    /// Counterfactual emergency admissions a year.
    pub baseline_admissions: f64,
    /// The planned reduction (share).
    pub target_reduction: f64,
    /// The credibility rating.
    pub rating: Rating,
    /// P(cumulative net at the horizon ≥ 0).
    pub p_break_even: f64,
    /// Its standard error.
    pub p_break_even_se: f64,
    /// P(year-1 avoided admissions ≥ the plan's year-1 claim).
    pub p_target_met_year1: f64,
    /// The area plan's claimed savings over the horizon (£).
    pub claimed_savings_total: f64,
    /// The new money a year, before overruns (£).
    pub new_money: f64,
    /// P(gross savings ≥ claimed savings), docs/model.md §13.
    pub p_savings_claim_met: f64,
    /// Its standard error.
    pub p_savings_claim_met_se: f64,
    /// P(cashable savings ≥ claimed savings).
    pub p_savings_claim_cashable: f64,
    /// Its standard error.
    pub p_savings_claim_cashable_se: f64,
    /// P(the contingency reserve always covered the area's hospital).
    pub p_hospital_covered: f64,
    /// Median avoided admissions over the horizon.
    pub avoided_median: f64,
    /// Mean avoided admissions over the horizon.
    pub avoided_mean: f64,
    /// Standard deviation of avoided admissions over the horizon.
    pub avoided_sd: f64,
    /// Median cumulative net at the horizon (£).
    pub cum_net_median: f64,
    /// Mean cumulative net at the horizon (£).
    pub cum_net_mean: f64,
    /// Standard deviation of cumulative net at the horizon (£).
    pub cum_net_sd: f64,
    /// 5th percentile of cumulative net at the horizon (£).
    pub cum_net_p5: f64,
    /// 95th percentile of cumulative net at the horizon (£).
    pub cum_net_p95: f64,
}

/// How many areas got one rating.
#[derive(Debug, Clone, Serialize)]
pub struct RatingCount {
    /// The rating.
    pub rating: Rating,
    /// Number of areas.
    pub areas: usize,
}

/// The national cumulative net in one period.
#[derive(Debug, Clone, Serialize)]
pub struct NationalPeriod {
    /// Period label.
    pub label: String,
    /// Statistics of the national cumulative system net over paths (£).
    pub cum_net: Stats,
}

/// What produced a national run.
#[derive(Debug, Clone, Serialize)]
pub struct NationalMeta {
    /// carefund's version.
    pub carefund_version: &'static str,
    /// The template's name.
    pub template_name: String,
    /// The template file.
    pub template_file: String,
    /// SHA-256 of the template text.
    pub template_hash: String,
    /// The areas file.
    pub areas_file: String,
    /// SHA-256 of the areas file's text.
    pub areas_hash: String,
    /// Number of areas.
    pub areas: usize,
    /// National seed.
    pub seed: u64,
    /// Paths per area.
    pub paths: u64,
    /// Worker threads used (results do not depend on it).
    pub threads: usize,
    /// The national factors.
    pub factors: Factors,
    /// The template's rating thresholds (every area uses them).
    pub credibility: crate::Credibility,
    /// The currency of every amount (the template's).
    pub currency: crate::fmt::Currency,
    /// Horizon, years.
    pub horizon_years: u32,
    /// Periods per year.
    pub periods_per_year: u32,
    /// First financial year.
    pub start_year: i32,
}

/// National totals over paths.
#[derive(Debug, Clone, Serialize)]
pub struct NationalTotals {
    /// Avoided admissions over the horizon.
    pub avoided: Stats,
    /// Avoided admissions in year 1.
    pub avoided_year1: Stats,
    /// The plans' claimed avoided admissions in year 1 (sum over areas).
    pub plan_year1: f64,
    /// P(national year-1 avoided admissions ≥ the national year-1 plan).
    pub p_target_met_year1: f64,
    /// Its standard error.
    pub p_target_met_year1_se: f64,
    /// Cumulative system net at the horizon (£).
    pub cum_net: Stats,
    /// P(national cumulative net at the horizon ≥ 0).
    pub p_break_even: f64,
    /// Its standard error.
    pub p_break_even_se: f64,
    /// NPV of system net (£).
    pub npv: Stats,
    /// Pooled funds, year 1, summed over areas (£ a year).
    pub pooled: f64,
    /// What the schemes cost a year, summed over areas, before additionality (£).
    pub scheme_cost: f64,
    /// The new money a year, summed over areas, before overruns (£).
    pub new_money_per_year: f64,
    /// The plans' claimed savings over the horizon, summed over areas (£).
    pub claimed_savings_total: f64,
    /// P(national gross savings ≥ the plans' claimed savings), docs/model.md §13.
    pub p_savings_claim_met: f64,
    /// Its standard error.
    pub p_savings_claim_met_se: f64,
    /// P(national cashable savings ≥ the plans' claimed savings).
    pub p_savings_claim_cashable: f64,
    /// Its standard error.
    pub p_savings_claim_cashable_se: f64,
    /// P(every area's contingency reserve always covered its hospital).
    pub p_hospital_covered: f64,
    /// Its standard error.
    pub p_hospital_covered_se: f64,
    /// Gross savings over the horizon (£).
    pub gross: Stats,
    /// Cashable savings over the horizon (£).
    pub cashable: Stats,
    /// New money spent over the horizon, overruns included (£).
    pub new_money: Stats,
    /// Pay for performance released (£).
    pub released: Stats,
    /// Pay for performance withheld (£).
    pub withheld: Stats,
    /// Contingency paid (£).
    pub contingency: Stats,
}

/// The results of a national run (`national.json`).
#[derive(Debug, Clone, Serialize)]
pub struct National {
    /// What produced it.
    pub meta: NationalMeta,
    /// National totals.
    pub totals: NationalTotals,
    /// Areas per rating (all four ratings, best first).
    pub ratings: Vec<RatingCount>,
    /// Per-area results, in file order.
    pub areas: Vec<AreaResult>,
    /// National cumulative net per period.
    pub periods: Vec<NationalPeriod>,
    #[serde(skip)]
    paths: Vec<NationalPath>,
}

impl National {
    /// Every path's national totals, in path order.
    pub fn paths(&self) -> &[NationalPath] {
        &self.paths
    }
}

/// Run every area of `portfolio` for `options.paths` paths.
///
/// `progress` receives the number of area-paths done out of `areas × paths`.
///
/// # Errors
/// [`Error::InvalidOption`] from [`RunOptions::check`]; [`Error::Threads`] if the worker threads cannot be
/// started.
pub fn simulate(
    portfolio: &Portfolio,
    options: &RunOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<National> {
    options.check()?;
    let n = usize::try_from(options.paths).map_err(|_| Error::InvalidOption {
        name: crate::error::Opt::Paths,
        value: options.paths.to_string(),
        allowed: "a number this machine can address".into(),
    })?;
    let pool = crate::threads::pool(options.threads, n.div_ceil(BLOCK))?;
    let tl = portfolio.template.timeline();
    let periods = tl.periods();
    let mut ledgers = Ledgers {
        totals: vec![
            NationalPath {
                hospital_covered: true,
                ..NationalPath::default()
            };
            n
        ],
        cum: vec![0.0; n * periods],
        per_area: vec![AreaPath::default(); n],
        periods,
    };
    let mut claimed_total = 0.0;
    let mut areas = Vec::with_capacity(portfolio.areas.len());
    let mut plan_year1 = 0.0;
    let done = AtomicU64::new(0);
    let tick = |k: u64| progress(done.fetch_add(k, Ordering::Relaxed) + k);

    let threads_used = pool.install(|| {
        for area in &portfolio.areas {
            let model = Model::new(&area.scenario);
            claimed_total += model.claimed_savings_total();
            plan_year1 += (0..periods)
                .filter(|&t| tl.year_of(t) == 0)
                .map(|t| model.plan()[t])
                .sum::<f64>();
            let drawer = Drawer::new(area, portfolio.factors, options.seed);
            ledgers.add_area(&model, &drawer, area.scenario.inputs().len(), &tick);
            areas.push(area_result(
                area,
                options.seed,
                &ledgers.per_area,
                model.claimed_savings_total(),
            ));
        }
        rayon::current_num_threads()
    });

    let Ledgers { totals, cum, .. } = ledgers;
    let national_totals = national_totals(portfolio, &totals, plan_year1, claimed_total);
    let periods_out = (0..periods)
        .map(|t| NationalPeriod {
            label: tl.label(t),
            cum_net: crate::columns::column_stats(
                &mut (0..n).map(|p| cum[p * periods + t]).collect::<Vec<_>>(),
            ),
        })
        .collect();
    let t = &portfolio.template;
    Ok(National {
        meta: NationalMeta {
            carefund_version: env!("CARGO_PKG_VERSION"),
            template_name: t.name().to_string(),
            template_file: t.origin().to_string(),
            template_hash: t.hash().to_string(),
            areas_file: portfolio.areas_origin.clone(),
            areas_hash: portfolio.areas_hash.clone(),
            areas: portfolio.areas.len(),
            seed: options.seed,
            paths: options.paths,
            threads: threads_used,
            factors: portfolio.factors,
            credibility: *t.credibility(),
            currency: t.currency(),
            horizon_years: tl.horizon_years(),
            periods_per_year: tl.periods_per_year(),
            start_year: tl.start_year(),
        },
        totals: national_totals,
        ratings: rating_counts(&areas),
        areas,
        periods: periods_out,
        paths: totals,
    })
}

/// What the national run keeps while areas run: per path the national totals and the
/// national cumulative net per period, and the current area's per-path results.
struct Ledgers {
    totals: Vec<NationalPath>,
    cum: Vec<f64>,
    per_area: Vec<AreaPath>,
    periods: usize,
}

impl Ledgers {
    /// Run every path of one area (`k` inputs) in parallel blocks, adding it to the
    /// national totals; `tick` receives the paths done.
    fn add_area(
        &mut self,
        model: &Model<'_>,
        drawer: &Drawer<'_>,
        k: usize,
        tick: &(dyn Fn(u64) + Sync),
    ) {
        let periods = self.periods;
        self.totals
            .par_chunks_mut(BLOCK)
            .zip(self.cum.par_chunks_mut(BLOCK * periods))
            .zip(self.per_area.par_chunks_mut(BLOCK))
            .enumerate()
            .for_each(|(b, ((totals, cum), mine))| {
                let (mut u, mut z, mut x) = (vec![0.0; k], Vec::new(), vec![0.0; k]);
                let mut row = vec![0.0; Quantity::COUNT * periods];
                let c0 = Quantity::CumNet.index() * periods;
                for (j, (total, mine)) in totals.iter_mut().zip(mine.iter_mut()).enumerate() {
                    let path = (b * BLOCK + j) as u64;
                    drawer.draw(path, &mut u, &mut z, &mut x);
                    let mut noise = drawer.sampler.noise(path);
                    let s = model.project(&x, Some(&mut noise), &mut row);
                    for (acc, v) in cum[j * periods..(j + 1) * periods]
                        .iter_mut()
                        .zip(&row[c0..c0 + periods])
                    {
                        *acc += v;
                    }
                    total.avoided += s.avoided;
                    total.avoided_year1 += s.avoided_year1;
                    total.cum_net += s.cum_net;
                    total.npv += s.npv;
                    total.released += s.released;
                    total.withheld += s.withheld;
                    total.contingency += s.contingency;
                    total.commissioner += s.commissioner;
                    total.gross += s.gross;
                    total.cashable += s.cashable;
                    total.new_money += s.investment;
                    total.hospital_covered &= s.hospital_covered;
                    *mine = AreaPath {
                        cum_net: s.cum_net,
                        avoided: s.avoided,
                        target_met_year1: s.target_met_year1,
                        savings_claim_met: s.savings_claim_met,
                        savings_claim_cashable: s.savings_claim_cashable,
                        hospital_covered: s.hospital_covered,
                    };
                }
                tick(mine.len() as u64);
            });
    }
}

/// How many areas got each rating, best first.
fn rating_counts(areas: &[AreaResult]) -> Vec<RatingCount> {
    let mut ratings: BTreeMap<Rating, usize> = BTreeMap::new();
    for a in areas {
        *ratings.entry(a.rating).or_default() += 1;
    }
    Rating::ALL
        .iter()
        .map(|&rating| RatingCount {
            rating,
            areas: ratings.get(&rating).copied().unwrap_or(0),
        })
        .collect()
}

/// The national totals over paths: statistics and probabilities of the sums over areas.
fn national_totals(
    portfolio: &Portfolio,
    totals: &[NationalPath],
    plan_year1: f64,
    claimed_total: f64,
) -> NationalTotals {
    let n = totals.len();
    let stats =
        |f: fn(&NationalPath) -> f64| Stats::of(&mut totals.iter().map(f).collect::<Vec<_>>());
    let (p_target, p_target_se) = proportion(
        totals
            .iter()
            .filter(|p| p.avoided_year1 >= plan_year1)
            .count(),
        n,
    );
    let (p_be, p_be_se) = proportion(totals.iter().filter(|p| p.cum_net >= 0.0).count(), n);
    let share =
        |f: &dyn Fn(&NationalPath) -> bool| proportion(totals.iter().filter(|p| f(p)).count(), n);
    let (p_met, p_met_se) = share(&|p| p.gross >= claimed_total);
    let (p_cash, p_cash_se) = share(&|p| p.cashable >= claimed_total);
    let (p_cov, p_cov_se) = share(&|p| p.hospital_covered);
    let sum_areas = |f: fn(&Scenario) -> f64| portfolio.areas.iter().map(|a| f(&a.scenario)).sum();
    NationalTotals {
        avoided: stats(|p| p.avoided),
        avoided_year1: stats(|p| p.avoided_year1),
        plan_year1,
        p_target_met_year1: p_target,
        p_target_met_year1_se: p_target_se,
        cum_net: stats(|p| p.cum_net),
        p_break_even: p_be,
        p_break_even_se: p_be_se,
        npv: stats(|p| p.npv),
        pooled: sum_areas(Scenario::pooled),
        scheme_cost: sum_areas(Scenario::annual_scheme_cost),
        new_money_per_year: sum_areas(Scenario::annual_new_money),
        claimed_savings_total: claimed_total,
        p_savings_claim_met: p_met,
        p_savings_claim_met_se: p_met_se,
        p_savings_claim_cashable: p_cash,
        p_savings_claim_cashable_se: p_cash_se,
        p_hospital_covered: p_cov,
        p_hospital_covered_se: p_cov_se,
        gross: stats(|p| p.gross),
        cashable: stats(|p| p.cashable),
        new_money: stats(|p| p.new_money),
        released: stats(|p| p.released),
        withheld: stats(|p| p.withheld),
        contingency: stats(|p| p.contingency),
    }
}

fn area_result(area: &Area, seed: u64, paths: &[AreaPath], claimed: f64) -> AreaResult {
    let n = paths.len();
    let share = |f: fn(&AreaPath) -> bool| proportion(paths.iter().filter(|p| f(p)).count(), n);
    let (p_be, p_be_se) = share(|p| p.cum_net >= 0.0);
    let (p_t, _) = share(|p| p.target_met_year1);
    let (p_met, p_met_se) = share(|p| p.savings_claim_met);
    let (p_cash, p_cash_se) = share(|p| p.savings_claim_cashable);
    let (p_cov, _) = share(|p| p.hospital_covered);
    let avoided = Stats::of(&mut paths.iter().map(|p| p.avoided).collect::<Vec<_>>());
    let cum = Stats::of(&mut paths.iter().map(|p| p.cum_net).collect::<Vec<_>>());
    AreaResult {
        area: area.name.clone(),
        seed: area_seed(seed, &area.name),
        pooled: area.pooled,
        baseline_admissions: area.baseline_admissions,
        target_reduction: area.target_reduction,
        rating: rate_probabilities(
            area.scenario.credibility(),
            &RatingInputs {
                claims_anything: area.scenario.claims_anything(),
                p_break_even: p_be,
                p_target_met_year1: p_t,
                p_savings_claim_met: p_met,
                p_savings_claim_cashable: p_cash,
            },
        ),
        p_break_even: p_be,
        p_break_even_se: p_be_se,
        p_target_met_year1: p_t,
        claimed_savings_total: claimed,
        new_money: area.scenario.annual_new_money(),
        p_savings_claim_met: p_met,
        p_savings_claim_met_se: p_met_se,
        p_savings_claim_cashable: p_cash,
        p_savings_claim_cashable_se: p_cash_se,
        p_hospital_covered: p_cov,
        avoided_median: avoided.p50,
        avoided_mean: avoided.mean,
        avoided_sd: avoided.sd,
        cum_net_median: cum.p50,
        cum_net_mean: cum.mean,
        cum_net_sd: cum.sd,
        cum_net_p5: cum.p5,
        cum_net_p95: cum.p95,
    }
}
