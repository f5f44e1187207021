//! Analytic cases: deterministic scenarios whose ledgers follow from docs/model.md §2 and §4
//! by hand, and the plan case of §5.
//!
//! Every input is fixed, `demand.variability = 0` and `count_noise = false`, so each path is
//! the same deterministic projection and every ledger value can be written down in closed
//! form here, independently of `carefund::model`. Comparisons use a relative tolerance of
//! 1e-12 where the model does the same few operations, and 1e-9 of the largest term where
//! the value is a sum with cancellation (perspectives).

use carefund::{Model, Quantity, Scenario, Simulation, summarise};

use crate::common::{ScenarioText, assert_rel, close_rel, run};

/// Relative tolerance for values computed by a handful of floating-point operations.
const EXACT: f64 = 1e-12;

/// Mid-points `τ_t = (t + 0.5)·dt` (docs/model.md §2), computed here.
fn mid_points(horizon: usize, per_year: usize) -> Vec<f64> {
    let dt = 1.0 / per_year as f64;
    (0..horizon * per_year)
        .map(|t| (t as f64 + 0.5) * dt)
        .collect()
}

/// Assert `actual ≈ expected` within `rel` of `scale` (the largest term of a sum).
#[track_caller]
fn assert_scaled(actual: f64, expected: f64, scale: f64, rel: f64, what: &str) {
    assert!(
        (actual - expected).abs() <= rel * scale.abs().max(f64::MIN_POSITIVE),
        "{what}: got {actual}, expected {expected} (tolerance {rel:e} of {scale})"
    );
}

/// Every path of a deterministic scenario must be identical: returns path 0's series.
fn only_path(sim: &Simulation, q: Quantity) -> Vec<f64> {
    let first = sim.path_series(0, q).expect("exact run").to_vec();
    for p in 1..sim.paths() {
        let same = sim
            .path_series(p, q)
            .expect("exact run")
            .iter()
            .zip(&first)
            .all(|(a, b)| a.to_bits() == b.to_bits());
        assert!(
            same,
            "{}: path {p} differs from path 0 in a deterministic scenario",
            q.name()
        );
    }
    first
}

#[test]
fn one_fixed_effect_scheme_avoids_exactly_its_share_of_admissions() {
    let (a0, g, e, c, cost) = (20_000.0, 0.02_f64, 0.05, 1_490.0, 1_000_000.0);
    let (m_s, m_l, release) = (0.35, 0.7, 3.0);
    let scenario = ScenarioText::base()
        .set("scenario", "horizon_years", "5")
        .set("scenario", "periods_per_year", "4")
        .scheme_set("A", "effect", "0.05")
        .scheme_set("A", "ramp_years", "0")
        .scheme_set("A", "success_probability", "1")
        .build();
    let sim = run(&scenario, 64);
    let tau = mid_points(5, 4);
    let dt = 0.25;
    for p in 0..sim.paths() {
        let series = |q| sim.path_series(p, q).expect("exact run");
        for (t, &tau) in tau.iter().enumerate() {
            let at = |what: &str| format!("path {p}, period {t}: {what}");
            let cf = series(Quantity::Counterfactual)[t];
            let avoided = series(Quantity::Avoided)[t];
            // §4.1 without noise: A_t = A0·dt·(1 + g)^τ_t.
            assert_rel(cf, a0 * dt * (1.0 + g).powf(tau), EXACT, &at("A_t"));
            // §4.3 with one scheme at full effect: V_t = e·A_t.
            assert_rel(avoided, e * cf, EXACT, &at("V_t = e·A_t"));
            assert_rel(series(Quantity::Effect)[t], e, EXACT, &at("F_t = e"));
            assert_rel(
                series(Quantity::Actual)[t],
                cf - avoided,
                EXACT,
                &at("actual"),
            );
            // §4.4: I_t, G_t, C_t with m(τ) moving linearly from m_s to m_l, and N_t.
            let investment = cost * dt;
            let gross = avoided * c;
            let m = m_s + (m_l - m_s) * (tau / release).min(1.0);
            assert_rel(
                series(Quantity::Investment)[t],
                investment,
                EXACT,
                &at("I_t"),
            );
            assert_rel(series(Quantity::Gross)[t], gross, EXACT, &at("G_t"));
            assert_rel(series(Quantity::Cashable)[t], gross * m, EXACT, &at("C_t"));
            assert_scaled(
                series(Quantity::Net)[t],
                gross * m - investment,
                investment,
                EXACT,
                &at("N_t"),
            );
        }
    }
}

/// docs/model.md §4.2 for one scheme, computed here.
struct SchemeTiming {
    effect: f64,
    start: f64,
    end: f64,
    ramp_years: f64,
    s_curve: bool,
    decay: f64,
    persists: bool,
}

impl SchemeTiming {
    fn effect_at(&self, tau: f64) -> f64 {
        let active = self.start <= tau && (tau < self.end || self.persists);
        if !active {
            return 0.0;
        }
        let ramp = if self.ramp_years > 0.0 {
            let y = ((tau - self.start) / self.ramp_years).min(1.0);
            if self.s_curve {
                y * y * (3.0 - 2.0 * y)
            } else {
                y
            }
        } else {
            1.0
        };
        let fade = (1.0 - self.decay).powf((tau - self.start - self.ramp_years).max(0.0));
        self.effect * ramp * fade
    }

    fn toml(&self) -> Vec<(&'static str, String)> {
        vec![
            ("effect", format!("{:?}", self.effect)),
            ("start", format!("{:?}", self.start)),
            ("end", format!("{:?}", self.end)),
            ("ramp_years", format!("{:?}", self.ramp_years)),
            (
                "ramp",
                if self.s_curve {
                    "\"s-curve\"".into()
                } else {
                    "\"linear\"".into()
                },
            ),
            ("decay", format!("{:?}", self.decay)),
            ("persists_after_end", self.persists.to_string()),
        ]
    }
}

fn timed_scheme(name: &str, timing: &SchemeTiming) -> ScenarioText {
    let pairs = timing.toml();
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    ScenarioText::base()
        .set("scenario", "horizon_years", "6")
        .set("scenario", "periods_per_year", "12")
        .without_schemes()
        .scheme(name, &pairs)
}

#[test]
fn scheme_effect_follows_start_ramp_decay_and_end() {
    let cases = [
        (
            "linear ramp with decay, stops at its end",
            SchemeTiming {
                effect: 0.04,
                start: 1.0,
                end: 4.5,
                ramp_years: 1.5,
                s_curve: false,
                decay: 0.1,
                persists: false,
            },
        ),
        (
            "s-curve ramp with decay",
            SchemeTiming {
                effect: 0.04,
                start: 0.5,
                end: 6.0,
                ramp_years: 2.0,
                s_curve: true,
                decay: 0.05,
                persists: false,
            },
        ),
        (
            "effect persists after the end",
            SchemeTiming {
                effect: 0.03,
                start: 0.25,
                end: 3.0,
                ramp_years: 1.0,
                s_curve: false,
                decay: 0.2,
                persists: true,
            },
        ),
        (
            "no ramp: full effect from the start",
            SchemeTiming {
                effect: 0.03,
                start: 2.0,
                end: 5.0,
                ramp_years: 0.0,
                s_curve: false,
                decay: 0.0,
                persists: false,
            },
        ),
    ];
    let tau = mid_points(6, 12);
    for (what, timing) in &cases {
        let scenario = timed_scheme("S", timing).build();
        let sim = run(&scenario, 4);
        let effect = only_path(&sim, Quantity::Effect);
        let investment = only_path(&sim, Quantity::Investment);
        for (t, &tau) in tau.iter().enumerate() {
            // F_t is computed as 1 − (1 − E_t), which loses up to a few ulps of 1 when E_t
            // is small: tolerance 1e-12 relative plus 4·ε absolute.
            let expected = timing.effect_at(tau);
            assert!(
                (effect[t] - expected).abs() <= EXACT * expected.abs() + 4.0 * f64::EPSILON,
                "{what}: period {t} (τ = {tau}): F_t = {}, expected {expected}",
                effect[t]
            );
            // §4.4: spend only while the scheme runs, even when its effect persists.
            let runs = timing.start <= tau && tau < timing.end;
            let spend = if runs { 1_000_000.0 / 12.0 } else { 0.0 };
            assert!(
                close_rel(investment[t], spend, EXACT),
                "{what}: period {t} (τ = {tau}): I_t = {}, expected {spend}",
                investment[t]
            );
        }
    }
}

#[test]
fn overlapping_schemes_combine_as_one_minus_the_product() {
    let a = SchemeTiming {
        effect: 0.04,
        start: 1.0,
        end: 4.5,
        ramp_years: 1.5,
        s_curve: false,
        decay: 0.1,
        persists: false,
    };
    let scenario = timed_scheme("A", &a)
        .scheme("B", &[("effect", "0.25")])
        .scheme("C", &[("effect", "-0.05"), ("start", "3.0")])
        .build();
    let sim = run(&scenario, 4);
    let effect = only_path(&sim, Quantity::Effect);
    for (t, &tau) in mid_points(6, 12).iter().enumerate() {
        let e_c = if tau >= 3.0 { -0.05 } else { 0.0 };
        // §4.3: F_t = 1 − ∏(1 − E_i,t).
        let expected = 1.0 - (1.0 - a.effect_at(tau)) * (1.0 - 0.25) * (1.0 - e_c);
        assert_rel(
            effect[t],
            expected,
            EXACT,
            &format!("period {t}: F_t = 1 − ∏(1 − E_i,t)"),
        );
    }
}

/// The P4P, contingency and perspectives scenario of
/// [`p4p_contingency_and_perspectives_follow_the_formulas`].
fn money_scenario(payment: &str) -> Scenario {
    ScenarioText::base()
        .set("scenario", "horizon_years", "4")
        .set("scenario", "periods_per_year", "4")
        .set("scenario", "payment", &format!("\"{payment}\""))
        .set("fund", "uplift", "0.02")
        .set("fund", "contingency_share", "0.02")
        .set("p4p", "value_per_admission", "1_490")
        .set("p4p", "share", "0.105")
        .without_schemes()
        .scheme(
            "A",
            &[
                ("annual_cost", "2_000_000"),
                ("funder", "{ nhs = 0.6, council = 0.4 }"),
                ("effect", "0.05"),
                ("ramp_years", "2"),
                ("cost_overrun", "1.1"),
            ],
        )
        .scheme(
            "B",
            &[
                ("annual_cost", "500_000"),
                ("funder", "\"council\""),
                ("effect", "0.01"),
                ("start", "1"),
                ("end", "3"),
            ],
        )
        .build()
}

#[test]
fn p4p_contingency_and_perspectives_follow_the_formulas() {
    let (a0, g, u, pooled, dt) = (20_000.0, 0.02_f64, 0.02_f64, 10_000_000.0, 0.25);
    let (tariff, unit_cost, value, share, reserve_share, target) =
        (1_490.0, 1_490.0, 1_490.0, 0.105, 0.02, 0.035);
    let mut cap_binds = [false; 2];
    let mut reserve_binds = [false; 2];
    let mut plan_met = [false; 2];
    for payment in ["tariff", "capitation"] {
        let scenario = money_scenario(payment);
        let sim = run(&scenario, 4);
        let series = |q| only_path(&sim, q);
        let (v, cf, cashable, net) = (
            series(Quantity::Avoided),
            series(Quantity::Counterfactual),
            series(Quantity::Cashable),
            series(Quantity::Net),
        );
        for (t, &tau) in mid_points(4, 4).iter().enumerate() {
            let at = |what: &str| format!("{payment}, period {t} (τ = {tau}): {what}");
            // §4.2–4.4 by hand.
            let e_a = 0.05 * (tau / 2.0).min(1.0);
            let e_b = if (1.0..3.0).contains(&tau) { 0.01 } else { 0.0 };
            let f = 1.0 - (1.0 - e_a) * (1.0 - e_b);
            let expected_cf = a0 * dt * (1.0 + g).powf(tau);
            assert_rel(cf[t], expected_cf, EXACT, &at("A_t"));
            assert_rel(v[t], f * expected_cf, EXACT, &at("V_t"));
            let i_a = 2_000_000.0 * dt * 1.1;
            let i_b = if (1.0..3.0).contains(&tau) {
                500_000.0 * dt
            } else {
                0.0
            };
            let (i_nhs, i_council) = (0.6 * i_a, 0.4 * i_a + i_b);
            let m = 0.35 + 0.35 * (tau / 3.0).min(1.0);
            assert_rel(cashable[t], v[t] * unit_cost * m, EXACT, &at("C_t"));
            assert_scaled(
                net[t],
                cashable[t] - i_nhs - i_council,
                i_a + i_b,
                EXACT,
                &at("N_t"),
            );

            // §4.5: plan, fund, pot, released, withheld, contingency.
            let plan = target * a0 * dt * (1.0 + g).powf(tau);
            let fund = pooled * (1.0 + u).powf(tau.floor()) * dt;
            let pot = (plan * value).min(share * fund);
            let released = (v[t].min(plan) * value).min(pot);
            let withheld = pot - released;
            let contingency = (reserve_share * fund).min((plan - v[t]).max(0.0) * tariff);
            let k = usize::from(payment == "capitation");
            cap_binds[k] |= share * fund < plan * value;
            reserve_binds[k] |= reserve_share * fund < (plan - v[t]) * tariff;
            plan_met[k] |= v[t] > plan;
            let ledger = |q| sim.path_series(0, q).expect("exact run")[t];
            assert_rel(ledger(Quantity::Released), released, EXACT, &at("R_t"));
            assert_scaled(
                ledger(Quantity::Withheld),
                withheld,
                pot,
                EXACT,
                &at("W_t = pot − R_t"),
            );
            assert_rel(
                ledger(Quantity::Contingency),
                contingency,
                EXACT,
                &at("K_t"),
            );

            // §4.6: perspectives.
            let transfer = if payment == "tariff" {
                v[t] * tariff
            } else {
                0.0
            };
            let commissioner = transfer - i_nhs - contingency + withheld;
            let provider = -transfer + cashable[t] + contingency;
            let council = -i_council - withheld;
            let scale = transfer + i_a + i_b + contingency + pot + cashable[t];
            assert_scaled(
                ledger(Quantity::Commissioner),
                commissioner,
                scale,
                1e-9,
                &at("commissioner"),
            );
            assert_scaled(
                ledger(Quantity::Provider),
                provider,
                scale,
                1e-9,
                &at("provider"),
            );
            assert_scaled(
                ledger(Quantity::Council),
                council,
                scale,
                1e-9,
                &at("council"),
            );
        }
    }
    // The scenario is built so that every branch of §4.5 is taken under both payments.
    assert_eq!(cap_binds, [true; 2], "the P4P share cap never binds");
    assert_eq!(
        reserve_binds, [true; 2],
        "the contingency reserve never binds"
    );
    assert_eq!(
        plan_met, [true; 2],
        "avoided admissions never exceed the plan"
    );
}

#[test]
fn plan_per_year_is_spread_evenly_over_the_year() {
    let scenario = ScenarioText::base()
        .set("scenario", "horizon_years", "3")
        .set("scenario", "periods_per_year", "4")
        .unset("plan", "target_reduction")
        .set("plan", "avoided_admissions", "[100, 250, 400]")
        .build();
    let model = Model::new(&scenario);
    for (t, &plan) in model.plan().iter().enumerate() {
        let per_year = [100.0, 250.0, 400.0][t / 4];
        assert_rel(plan, per_year / 4.0, EXACT, &format!("plan_{t}"));
    }
}

/// `Σ_t D_t·N_t` with `D_t` from docs/model.md §2, computed here.
fn npv_by_hand(net: &[f64], tau: &[f64], factor: impl Fn(f64) -> f64) -> f64 {
    net.iter().zip(tau).map(|(n, &t)| factor(t) * n).sum()
}

#[test]
fn npv_discounts_mid_period_cash_flows() {
    // Constant rate: D_t = (1 + r)^(−τ_t).
    let scenario = ScenarioText::base()
        .set("scenario", "horizon_years", "5")
        .set("scenario", "periods_per_year", "4")
        .set("scenario", "discount", "0.035")
        .scheme_set("A", "ramp_years", "2")
        .build();
    let sim = run(&scenario, 2);
    let net = only_path(&sim, Quantity::Net);
    let expected = npv_by_hand(&net, &mid_points(5, 4), |t| 1.035_f64.powf(-t));
    let scale: f64 = net.iter().map(|x| x.abs()).sum();
    assert_scaled(
        sim.path_summaries()[0].npv,
        expected,
        scale,
        1e-12,
        "NPV at 3.5%",
    );

    // Green Book: 3.5% to year 30, 3.0% after.
    let scenario = ScenarioText::base()
        .set("scenario", "horizon_years", "40")
        .set("scenario", "discount", "\"green-book\"")
        .build();
    let sim = run(&scenario, 2);
    let net = only_path(&sim, Quantity::Net);
    let green_book = |t: f64| {
        if t <= 30.0 {
            1.035_f64.powf(-t)
        } else {
            1.035_f64.powf(-30.0) * 1.03_f64.powf(-(t - 30.0))
        }
    };
    let expected = npv_by_hand(&net, &mid_points(40, 1), green_book);
    let scale: f64 = net.iter().map(|x| x.abs()).sum();
    assert_scaled(
        sim.path_summaries()[0].npv,
        expected,
        scale,
        1e-12,
        "NPV, Green Book",
    );
}

// --- The plan case (docs/model.md §5, `plan_claim`) ---

#[test]
fn central_inputs_are_modes_or_medians_with_every_scheme_succeeding() {
    let scenario = ScenarioText::base()
        .set("demand", "growth", "{ triangular = [0.0, 0.01, 0.05] }")
        .set("costs", "unit_cost", "{ pert = [1_200, 1_490, 2_100] }")
        .set(
            "costs",
            "cashable_share_short",
            "{ normal = { mean = 0.3, sd = 0.05, min = 0.1, max = 0.5 } }",
        )
        .set("costs", "cashable_share_long", "{ uniform = [0.5, 0.9] }")
        .set(
            "fund",
            "uplift",
            "{ lognormal = { median = 0.01, p90 = 0.02 } }",
        )
        .scheme_set("A", "effect", "{ beta = { alpha = 2, beta = 5 } }")
        .scheme_set("A", "ramp_years", "{ ci90 = [0.5, 2.0] }")
        .scheme_set("A", "success_probability", "0.3")
        .scheme_set(
            "A",
            "cost_overrun",
            "{ lognormal = { mean = 1.05, sd = 0.1 } }",
        )
        .build();
    let x = Model::new(&scenario).central_inputs();
    let at = |name: &str| x[scenario.input_index(name).expect("input exists")];
    // Lognormal mode exp(μ − σ²), with (μ, σ) from each form's parameters.
    let z90 = 1.281_551_565_544_600_4;
    let z95 = 1.644_853_626_951_472_2;
    let uplift_sigma = (0.02_f64.ln() - 0.01_f64.ln()) / z90;
    let ramp_mu = (0.5_f64.ln() + 2.0_f64.ln()) / 2.0;
    let ramp_sigma = (2.0_f64.ln() - 0.5_f64.ln()) / (2.0 * z95);
    let s2 = (1.0 + (0.1_f64 / 1.05).powi(2)).ln();
    let expected = [
        ("demand.growth", 0.01),
        ("costs.unit_cost", 1_490.0),
        ("costs.cashable_share_short", 0.3),
        ("costs.cashable_share_long", 0.7),
        (
            "fund.uplift",
            (0.01_f64.ln() - uplift_sigma * uplift_sigma).exp(),
        ),
        ("scheme.A.effect", 0.2),
        (
            "scheme.A.ramp_years",
            (ramp_mu - ramp_sigma * ramp_sigma).exp(),
        ),
        ("scheme.A.success_probability", 1.0),
        ("scheme.A.cost_overrun", (1.05_f64.ln() - 1.5 * s2).exp()),
    ];
    for (name, value) in expected {
        assert_rel(at(name), value, 1e-9, &format!("central value of {name}"));
    }
}

#[test]
fn plan_claim_is_the_central_projection_without_noise() {
    let text = ScenarioText::base()
        .set("scenario", "horizon_years", "5")
        .set("scenario", "periods_per_year", "4")
        .set("demand", "growth", "{ triangular = [0.0, 0.01, 0.05] }")
        .set("demand", "variability", "0.1")
        .set("demand", "count_noise", "true")
        .set("costs", "unit_cost", "{ pert = [1_200, 1_490, 2_100] }")
        .scheme_set("A", "effect", "{ pert = [0.0, 0.03, 0.06] }")
        .scheme_set("A", "ramp_years", "{ uniform = [0.5, 2.0] }")
        .scheme_set("A", "success_probability", "0.6");
    let scenario = text.build();
    let sim = run(&scenario, 500);
    let summary = summarise(&scenario, &sim);
    let model = Model::new(&scenario);
    let periods = scenario.timeline().periods();
    let mut ledger = vec![0.0; Quantity::COUNT * periods];
    let claim = model.project(&model.central_inputs(), None, &mut ledger);
    let pc = &summary.headline.plan_claim;
    for (what, got, want) in [
        ("cum_net_horizon", pc.cum_net_horizon, claim.cum_net),
        ("npv", pc.npv, claim.npv),
        ("avoided_total", pc.avoided_total, claim.avoided),
        ("investment_total", pc.investment_total, claim.investment),
        ("cashable_total", pc.cashable_total, claim.cashable),
    ] {
        assert_eq!(got.to_bits(), want.to_bits(), "plan_claim.{what}");
    }
    let cum = &ledger[Quantity::CumNet.index() * periods..][..periods];
    let tau = mid_points(5, 4);
    for (t, period) in summary.periods.iter().enumerate() {
        assert_eq!(
            period.plan_case_cum_net.to_bits(),
            cum[t].to_bits(),
            "period {t}: plan_case_cum_net"
        );
        // ε = 1 and no count noise, growth at its mode (0.01) …
        assert_rel(
            period.plan_case_counterfactual,
            20_000.0 * 0.25 * 1.01_f64.powf(tau[t]),
            EXACT,
            &format!("period {t}: plan case A_t at the mode of growth"),
        );
        // … while the plan's claim grows at the mean growth ḡ = (0 + 0.01 + 0.05)/3.
        assert_rel(
            period.plan,
            0.035 * 20_000.0 * 0.25 * (1.0 + 0.02_f64).powf(tau[t]),
            EXACT,
            &format!("period {t}: plan_t at the mean growth"),
        );
    }
}

#[test]
fn a_scenario_without_uncertainty_meets_its_own_claim_on_every_path() {
    let scenario = ScenarioText::base()
        .set("scenario", "horizon_years", "5")
        .set("scenario", "periods_per_year", "4")
        .scheme_set("A", "effect", "0.05")
        .scheme_set("A", "ramp_years", "1.5")
        .build();
    let sim = run(&scenario, 200);
    let summary = summarise(&scenario, &sim);
    let h = &summary.headline;
    for (p, s) in sim.path_summaries().iter().enumerate() {
        assert_eq!(
            s.cum_net.to_bits(),
            h.plan_claim.cum_net_horizon.to_bits(),
            "path {p}: cum_net differs from the plan case"
        );
    }
    assert_eq!(
        h.p_meets_claim.to_bits(),
        1.0_f64.to_bits(),
        "p_meets_claim"
    );
    assert_eq!(h.p_meets_claim_se.to_bits(), 0.0_f64.to_bits());
    assert_eq!(h.claim_gap.to_bits(), 0.0_f64.to_bits(), "claim_gap");
    let breaks_even = h.plan_claim.cum_net_horizon >= 0.0;
    assert_eq!(
        h.p_break_even.to_bits(),
        f64::from(u8::from(breaks_even)).to_bits(),
        "p_break_even must be 0 or 1 and agree with the plan case"
    );
}
