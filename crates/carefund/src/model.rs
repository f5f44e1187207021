//! One path through the horizon: docs/model.md §4, period by period.
//!
//! [`Model`] holds what does not change between paths (mid-points, discount factors, the
//! plan, scheme timings); [`Model::project`] takes one path's inputs (in the order of
//! [`crate::scenario::idx`]) and its per-period noise, and writes the ledger.

use rand_distr::{Distribution, Poisson, StandardNormal};

use crate::rng::Generator;
use crate::scenario::{ClaimedSavings, Payment, PlanTarget, Ramp, Scenario, idx};

/// The per-period quantities of the ledger (docs/model.md §5), in storage order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Quantity {
    /// `A_t`: counterfactual emergency admissions (no schemes).
    Counterfactual,
    /// `V_t = F_t·A_t`: avoided admissions.
    Avoided,
    /// `A_t − V_t`: admissions that happen.
    Actual,
    /// `F_t = 1 − ∏(1 − E_i,t)`: combined effect (share of admissions avoided).
    Effect,
    /// `I_t`: scheme spend (£).
    Investment,
    /// `G_t = V_t·c`: gross economic savings (£).
    Gross,
    /// `C_t = G_t·m(τ_t)`: cashable savings (£).
    Cashable,
    /// `N_t = C_t − I_t`: system net (£).
    Net,
    /// `Σ_{k≤t} N_k`: cumulative system net (£).
    CumNet,
    /// `R_t`: pay-for-performance money released (£).
    Released,
    /// `W_t`: pay-for-performance money withheld (£).
    Withheld,
    /// `K_t`: contingency paid to the acute provider (£).
    Contingency,
    /// The NHS commissioner's net position (£).
    Commissioner,
    /// The acute provider's net position (£).
    Provider,
    /// The council's net position (£).
    Council,
}

impl Quantity {
    /// Every quantity, in storage order.
    pub const ALL: [Quantity; 15] = [
        Quantity::Counterfactual,
        Quantity::Avoided,
        Quantity::Actual,
        Quantity::Effect,
        Quantity::Investment,
        Quantity::Gross,
        Quantity::Cashable,
        Quantity::Net,
        Quantity::CumNet,
        Quantity::Released,
        Quantity::Withheld,
        Quantity::Contingency,
        Quantity::Commissioner,
        Quantity::Provider,
        Quantity::Council,
    ];
    /// Number of quantities.
    pub const COUNT: usize = Self::ALL.len();
    /// Every quantity, in the order of their [names](Self::name) (how `summary.json` and
    /// `percentiles.csv` list them); a unit test checks it is sorted and complete.
    pub const BY_NAME: [Quantity; 15] = [
        Quantity::Actual,
        Quantity::Avoided,
        Quantity::Cashable,
        Quantity::Commissioner,
        Quantity::Contingency,
        Quantity::Council,
        Quantity::Counterfactual,
        Quantity::CumNet,
        Quantity::Effect,
        Quantity::Gross,
        Quantity::Investment,
        Quantity::Net,
        Quantity::Provider,
        Quantity::Released,
        Quantity::Withheld,
    ];

    /// The name used in `percentiles.csv` and `summary.json`.
    pub fn name(self) -> &'static str {
        match self {
            Quantity::Counterfactual => "counterfactual",
            Quantity::Avoided => "avoided",
            Quantity::Actual => "actual",
            Quantity::Effect => "effect",
            Quantity::Investment => "investment",
            Quantity::Gross => "gross",
            Quantity::Cashable => "cashable",
            Quantity::Net => "net",
            Quantity::CumNet => "cum_net",
            Quantity::Released => "released",
            Quantity::Withheld => "withheld",
            Quantity::Contingency => "contingency",
            Quantity::Commissioner => "commissioner",
            Quantity::Provider => "provider",
            Quantity::Council => "council",
        }
    }

    /// The unit: `admissions`, `share` or `money` (in the scenario's currency).
    pub fn unit(self) -> &'static str {
        match self {
            Quantity::Counterfactual | Quantity::Avoided | Quantity::Actual => "admissions",
            Quantity::Effect => "share",
            _ => "money",
        }
    }

    /// Position in storage order.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// One path's summary (docs/model.md §5, "per path").
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PathSummary {
    /// NPV of system net: `Σ D_t·N_t` (£).
    pub npv: f64,
    /// Cumulative system net at the horizon (£).
    pub cum_net: f64,
    /// First period from which cumulative net stays ≥ 0 to the horizon; `None`: never.
    pub break_even: Option<u32>,
    /// Avoided admissions over the horizon.
    pub avoided: f64,
    /// Scheme spend over the horizon (£).
    pub investment: f64,
    /// Cashable savings over the horizon (£).
    pub cashable: f64,
    /// `Σ C / Σ I`; `None` when nothing is spent.
    pub roi: Option<f64>,
    /// Gross (economic) savings over the horizon, `Σ G_t` (£).
    pub gross: f64,
    /// Whether the gross savings reached the plan's claimed savings over the horizon
    /// (`Σ G_t ≥ Σ claimed_t`, docs/model.md §13).
    pub savings_claim_met: bool,
    /// Whether the cashable savings reached the plan's claimed savings over the horizon
    /// (`Σ C_t ≥ Σ claimed_t`): the savings could actually leave the hospital's budget.
    pub savings_claim_cashable: bool,
    /// Whether the contingency reserve covered, in every period, the tariff value of the
    /// admissions the plan said would not happen (`K_t = max(0, plan_t − V_t)·tariff`).
    pub hospital_covered: bool,
    /// Avoided admissions in year 1.
    pub avoided_year1: f64,
    /// Whether year 1's avoided admissions reached the plan's year-1 claim.
    pub target_met_year1: bool,
    /// The commissioner's cumulative net position (£).
    pub commissioner: f64,
    /// The provider's cumulative net position (£).
    pub provider: f64,
    /// The council's cumulative net position (£).
    pub council: f64,
    /// Pay for performance released over the horizon (£).
    pub released: f64,
    /// Pay for performance withheld over the horizon (£).
    pub withheld: f64,
    /// Contingency paid over the horizon (£).
    pub contingency: f64,
}

/// One period's payments between the parties ([`Model::project`]'s `R_t`, `W_t`, `K_t`
/// and the perspectives' nets).
struct Flows {
    released: f64,
    withheld: f64,
    contingency: f64,
    commissioner: f64,
    provider: f64,
    council: f64,
    /// Whether the contingency reserve covered what the hospital was owed.
    covered: bool,
}

impl PathSummary {
    /// Adds one period's ledger row (in [`Quantity`] order) with its discount factor.
    #[inline]
    fn add(&mut self, row: &[f64; Quantity::COUNT], discount: f64) {
        let at = |q: Quantity| row[q as usize];
        self.npv += discount * at(Quantity::Net);
        self.avoided += at(Quantity::Avoided);
        self.investment += at(Quantity::Investment);
        self.cashable += at(Quantity::Cashable);
        self.gross += at(Quantity::Gross);
        self.commissioner += at(Quantity::Commissioner);
        self.provider += at(Quantity::Provider);
        self.council += at(Quantity::Council);
        self.released += at(Quantity::Released);
        self.withheld += at(Quantity::Withheld);
        self.contingency += at(Quantity::Contingency);
    }
}

/// Per-period demand noise of one path: `ε_t` and the Poisson counts.
pub struct Noise {
    eps: Generator,
    count: Generator,
}

impl Noise {
    /// Noise from the path's two streams (see [`crate::rng`]).
    pub fn new(eps: Generator, count: Generator) -> Self {
        Self { eps, count }
    }
}

/// What every path of a scenario shares, precomputed.
#[derive(Debug, Clone)]
pub struct Model<'a> {
    scenario: &'a Scenario,
    /// Plan's claimed avoided admissions per period.
    plan: Vec<f64>,
    /// The plan's claimed savings over the horizon, `Σ_t claimed_t` in period order (£).
    claimed_total: f64,
    /// `min(1, τ_t / capacity_release_years)`.
    release: Vec<f64>,
    /// `⌊τ_t⌋` as a float (fund uplift exponent).
    year: Vec<f64>,
    /// Lognormal ε: (μ, σ) of the log.
    eps_log: (f64, f64),
    /// Period length in years.
    dt: f64,
}

impl<'a> Model<'a> {
    /// Precompute the per-period constants of `scenario`.
    pub fn new(scenario: &'a Scenario) -> Self {
        let tl = &scenario.timeline;
        let dt = tl.dt();
        let central_growth = scenario.inputs[idx::GROWTH].mean();
        let plan: Vec<f64> = (0..tl.periods())
            .map(|t| match &scenario.plan {
                PlanTarget::Reduction(r) => {
                    r * scenario.baseline_admissions * dt * (1.0 + central_growth).powf(tl.tau()[t])
                }
                PlanTarget::PerYear(v) => v[tl.year_of(t)] * dt,
            })
            .collect();
        let claimed_total = (0..tl.periods())
            .map(|t| match &scenario.claimed_savings {
                None => plan[t] * scenario.tariff,
                Some(ClaimedSavings::Constant(x)) => x * dt,
                Some(ClaimedSavings::PerYear(v)) => v[tl.year_of(t)] * dt,
            })
            .sum();
        let release = tl
            .tau()
            .iter()
            .map(|&tau| {
                if scenario.capacity_release_years > 0.0 {
                    (tau / scenario.capacity_release_years).min(1.0)
                } else {
                    1.0
                }
            })
            .collect();
        let year = (0..tl.periods()).map(|t| tl.year_of(t) as f64).collect();
        let v = scenario.variability;
        let s2 = (1.0 + v * v).ln();
        Self {
            scenario,
            plan,
            claimed_total,
            release,
            year,
            eps_log: (-s2 / 2.0, s2.sqrt()),
            dt,
        }
    }

    /// The scenario.
    pub fn scenario(&self) -> &Scenario {
        self.scenario
    }

    /// The plan's claimed avoided admissions per period (docs/model.md §4.5).
    ///
    /// # Formula
    /// `plan_t = target_reduction · A0 · dt · (1 + ḡ)^τ_t` with `ḡ` the mean growth, or
    /// `avoided_admissions[year] · dt`.
    pub fn plan(&self) -> &[f64] {
        &self.plan
    }

    /// The plan's claimed savings over the horizon, `Σ_t claimed_t` (docs/model.md §13).
    ///
    /// # Formula
    /// `claimed_t = plan.claimed_savings[year] · dt` (or the one figure · dt) when the
    /// scenario gives them; else `plan_t · tariff`, how plans valued the admissions they
    /// claimed.
    pub fn claimed_savings_total(&self) -> f64 {
        self.claimed_total
    }

    /// Project one path.
    ///
    /// `x` holds the path's inputs in the order of [`idx`]; `noise` is `None` for the plan
    /// case (ε = 1, no count noise). `out` receives the ledger, quantity-major:
    /// `out[q·T + t]` for [`Quantity`] `q` and period `t` (length `15·T`).
    ///
    /// # Formula
    /// docs/model.md §4: `λ_t = A0·dt·(1+g)^τ_t·ε_t`, `A_t ~ Poisson(λ_t)`;
    /// `E_i,t = s_i·e_i·ramp_i(τ_t)·fade_i(τ_t)` while the scheme runs;
    /// `F_t = 1 − ∏(1 − E_i,t)`; `V_t = F_t·A_t`; `I_t = Σ cost_i·dt·o_i·(1 + b)` with `b`
    /// the optimism bias (§11; 0 unless the scenario sets `costs.optimism_bias`), less the
    /// business-as-usual part `cost_i·dt·(1 − a_i)` (§13: only new money counts);
    /// `C_t = V_t·c·m(τ_t)`; `N_t = C_t − I_t`; P4P: `R_t = min(max(V_t, 0), plan_t)·v`
    /// capped at the pot, `W_t = pot_t − R_t`; contingency
    /// `K_t = min(reserve_t, max(0, plan_t − V_t)·tariff)`; perspectives by §4.6.
    pub fn project(&self, x: &[f64], noise: Option<&mut Noise>, out: &mut [f64]) -> PathSummary {
        let sc = self.scenario;
        let tl = &sc.timeline;
        let n = tl.periods();
        debug_assert_eq!(out.len(), Quantity::COUNT * n);
        let dt = tl.dt();
        let ln_growth = x[idx::GROWTH].ln_1p();
        let ln_uplift = x[idx::UPLIFT].ln_1p();
        let (unit_cost, m_s, m_l) = (x[idx::UNIT_COST], x[idx::CASH_SHORT], x[idx::CASH_LONG]);
        let uplift_cost = 1.0 + x[idx::OPTIMISM_BIAS];
        let mut noise = noise;

        let mut cum = 0.0;
        let mut s = PathSummary::default();
        let mut last_negative: Option<usize> = None;
        let mut plan_year1 = 0.0;
        let mut covered = true;
        let (mut uplift_year, mut uplift) = (None, 1.0);
        for t in 0..n {
            let tau = tl.tau()[t];
            let a = self.admissions(tau, ln_growth, noise.as_deref_mut());
            let (keep, spend, spend_nhs) = self.schemes_at(x, tau, dt, uplift_cost);
            let f = 1.0 - keep;
            let v = f * a;
            let m = m_s + (m_l - m_s) * self.release[t];
            let gross = v * unit_cost;
            let cashable = gross * m;
            let net = cashable - spend;
            cum += net;

            // The uplift factor changes once a year: one exp per year, not per period.
            if uplift_year != Some(tl.year_of(t)) {
                uplift_year = Some(tl.year_of(t));
                uplift = (self.year[t] * ln_uplift).exp();
            }
            let fund = sc.pooled * uplift * dt;
            let flows = self.flows(t, v, cashable, spend, spend_nhs, fund);
            covered &= flows.covered;

            let row = [
                a,
                v,
                a - v,
                f,
                spend,
                gross,
                cashable,
                net,
                cum,
                flows.released,
                flows.withheld,
                flows.contingency,
                flows.commissioner,
                flows.provider,
                flows.council,
            ];
            for (q, value) in row.into_iter().enumerate() {
                out[q * n + t] = value;
            }
            s.add(&row, tl.discount_factors()[t]);
            if tl.year_of(t) == 0 {
                s.avoided_year1 += v;
                plan_year1 += self.plan[t];
            }
            if cum < 0.0 {
                last_negative = Some(t);
            }
        }
        s.cum_net = cum;
        s.break_even = match last_negative {
            None => Some(0),
            Some(t) if t + 1 < n => Some((t + 1) as u32),
            Some(_) => None,
        };
        s.roi = (s.investment > 0.0).then(|| s.cashable / s.investment);
        s.target_met_year1 = s.avoided_year1 >= plan_year1;
        s.savings_claim_met = s.gross >= self.claimed_total;
        s.savings_claim_cashable = s.cashable >= self.claimed_total;
        s.hospital_covered = covered;
        s
    }

    /// One period's schemes at time `tau`: `(∏(1 − E_i,t), I_t, I_t's NHS part)`
    /// (docs/model.md §4 and §13), for [`Model::project`].
    #[inline]
    fn schemes_at(&self, x: &[f64], tau: f64, dt: f64, uplift_cost: f64) -> (f64, f64, f64) {
        let mut keep = 1.0; // ∏(1 − E_i,t)
        let mut spend = 0.0;
        let mut spend_nhs = 0.0;
        for (i, scheme) in self.scenario.schemes.iter().enumerate() {
            let runs = scheme.start <= tau && tau < scheme.end;
            if runs {
                // I = cost·dt·o·(1 + b) − cost·dt·(1 − a): the new money (docs/model.md
                // §13). With a = 1 the second term is exactly 0.0, so the result is
                // bit-identical to the formula without additionality.
                let business_as_usual =
                    scheme.annual_cost * dt * (1.0 - x[idx::scheme(i, idx::ADDITIONAL)]);
                let cost = scheme.annual_cost * dt * x[idx::scheme(i, idx::OVERRUN)] * uplift_cost
                    - business_as_usual;
                spend += cost;
                spend_nhs += cost * scheme.nhs_share;
            }
            if !(runs || (scheme.persists_after_end && tau >= scheme.start)) {
                continue;
            }
            let success = x[idx::scheme(i, idx::SUCCESS)];
            let effect = x[idx::scheme(i, idx::EFFECT)];
            let since = tau - scheme.start;
            let r = x[idx::scheme(i, idx::RAMP)];
            let ramp = if r > 0.0 {
                let y = (since / r).min(1.0);
                match scheme.ramp {
                    Ramp::Linear => y,
                    Ramp::SCurve => y * y * (3.0 - 2.0 * y),
                }
            } else {
                1.0
            };
            let fade = if scheme.decay > 0.0 {
                (1.0 - scheme.decay).powf((since - r).max(0.0))
            } else {
                1.0
            };
            keep *= 1.0 - success * effect * ramp * fade;
        }
        (keep, spend, spend_nhs)
    }

    /// One period's payments between the parties (docs/model.md §4.5–4.6): pay for
    /// performance on the avoided admissions `v` against the plan, the contingency that
    /// compensates the hospital, and each perspective's net, for [`Model::project`].
    #[inline]
    fn flows(
        &self,
        t: usize,
        v: f64,
        cashable: f64,
        spend: f64,
        spend_nhs: f64,
        fund: f64,
    ) -> Flows {
        let sc = self.scenario;
        let (p4p_value, p4p_share) = sc.p4p.unwrap_or((0.0, None));
        let plan = self.plan[t];
        let mut pot = plan * p4p_value;
        if let Some(share) = p4p_share {
            pot = pot.min(share * fund);
        }
        let released = (v.max(0.0).min(plan) * p4p_value).min(pot);
        let withheld = pot - released;
        let reserve = sc.contingency_share * fund;
        let owed = (plan - v).max(0.0) * sc.tariff;
        let contingency = reserve.min(owed);
        let spend_council = spend - spend_nhs;
        let (commissioner, provider) = match sc.payment {
            Payment::Tariff => (
                v * sc.tariff - spend_nhs - contingency + withheld,
                -v * sc.tariff + cashable + contingency,
            ),
            Payment::Capitation => (-spend_nhs - contingency + withheld, cashable + contingency),
        };
        Flows {
            released,
            withheld,
            contingency,
            commissioner,
            provider,
            council: -spend_council - withheld,
            covered: reserve >= owed,
        }
    }

    /// The counterfactual admissions `A_t` of one path, and nothing else: the random
    /// part of [`Model::project`] (the same draws from the same streams, so
    /// `out[t]` equals `project`'s [`Quantity::Counterfactual`] in period `t`).
    ///
    /// This is what the "floor" benchmark measures: the cost of a path's random draws
    /// without the ledger arithmetic. `out` has one entry per period.
    ///
    /// # Formula
    /// docs/model.md §4: `λ_t = A0·dt·(1+g)^τ_t·ε_t`, `A_t ~ Poisson(λ_t)`, with `g = x[idx::GROWTH]`.
    pub fn counterfactual(&self, x: &[f64], noise: &mut Noise, out: &mut [f64]) {
        let ln_growth = x[idx::GROWTH].ln_1p();
        for (a, &tau) in out.iter_mut().zip(self.scenario.timeline.tau()) {
            *a = self.admissions(tau, ln_growth, Some(noise));
        }
    }

    /// `A_t` at time `τ`: `λ = A0·dt·e^{τ·ln(1+g)}·ε` with lognormal `ε` (1 without noise or
    /// variability), then a Poisson draw when the scenario has count noise.
    #[inline(always)]
    fn admissions(&self, tau: f64, ln_growth: f64, noise: Option<&mut Noise>) -> f64 {
        let sc = self.scenario;
        let Some(nz) = noise else {
            return sc.baseline_admissions * self.dt * (tau * ln_growth).exp();
        };
        let eps = if sc.variability > 0.0 {
            let z: f64 = StandardNormal.sample(&mut nz.eps);
            (self.eps_log.0 + self.eps_log.1 * z).exp()
        } else {
            1.0
        };
        let lambda = sc.baseline_admissions * self.dt * (tau * ln_growth).exp() * eps;
        if sc.count_noise {
            poisson(lambda, &mut nz.count)
        } else {
            lambda
        }
    }

    /// The plan case's inputs: every input at its central value and every scheme
    /// succeeding (docs/model.md §5, `plan_claim`).
    pub fn central_inputs(&self) -> Vec<f64> {
        let mut x: Vec<f64> = self.scenario.inputs.iter().map(|i| i.central()).collect();
        for i in 0..self.scenario.schemes.len() {
            x[idx::scheme(i, idx::SUCCESS)] = 1.0;
        }
        x
    }
}

/// A Poisson draw; `λ ≤ 0` (possible only through underflow) gives 0.
fn poisson(lambda: f64, rng: &mut Generator) -> f64 {
    match Poisson::new(lambda) {
        Ok(p) => p.sample(rng),
        Err(_) if lambda > 0.0 => lambda.round(),
        Err(_) => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::Sampler;

    #[test]
    fn by_name_is_every_quantity_sorted_by_name() {
        let names: Vec<_> = Quantity::BY_NAME.iter().map(|q| q.name()).collect();
        let mut sorted: Vec<_> = Quantity::ALL.iter().map(|q| q.name()).collect();
        sorted.sort_unstable();
        assert_eq!(names, sorted);
    }

    #[test]
    fn counterfactual_draws_what_project_draws() {
        let scenario =
            Scenario::from_toml(crate::EXAMPLE_SCENARIO, "example.toml").expect("example loads");
        assert!(scenario.count_noise && scenario.variability > 0.0);
        let model = Model::new(&scenario);
        let sampler = Sampler::new(&scenario, 7);
        let n = scenario.timeline.periods();
        let k = scenario.inputs.len();
        let (mut u, mut z, mut x) = (vec![0.0; k], Vec::new(), vec![0.0; k]);
        let (mut ledger, mut counts) = (vec![0.0; Quantity::COUNT * n], vec![0.0; n]);
        for path in 0..20 {
            sampler.uniforms(path, &mut u, &mut z);
            sampler.values(&u, &mut x);
            model.project(&x, Some(&mut sampler.noise(path)), &mut ledger);
            model.counterfactual(&x, &mut sampler.noise(path), &mut counts);
            let column = &ledger[..n];
            assert!(
                column
                    .iter()
                    .zip(&counts)
                    .all(|(a, b)| a.to_bits() == b.to_bits()),
                "path {path}: {column:?} vs {counts:?}"
            );
        }
    }
}
