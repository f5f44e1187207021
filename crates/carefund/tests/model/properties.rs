//! Invariants that hold on every path and every period (docs/model.md §4–§5), checked on a
//! rich scenario that uses every feature of the ledger: council-funded and split-funded
//! schemes, P4P with a share cap, a contingency reserve, both payment models, an s-curve
//! ramp, decay, a scheme with an `end` and one whose effect persists after it, correlated
//! effects, demand variability and Poisson counts.
//!
//! Sums with cancellation (the perspectives) are compared with a tolerance of 1e-9 of the
//! largest term; other identities are exact or within 1e-12 relative.

use std::sync::atomic::{AtomicU64, Ordering};

use carefund::{
    Error, Model, Quantity, RunOptions, Scenario, Simulation, Summary, simulate, summarise,
};

use crate::common::{ScenarioText, run};

/// Paths per payment model.
const PATHS: u64 = 2_000;

const POOLED: f64 = 12_675_000.0;
const CONTINGENCY_SHARE: f64 = 0.03;
const P4P_VALUE: f64 = 1_490.0;
const P4P_SHARE: f64 = 0.02;
const HORIZON: usize = 6;
const PER_YEAR: usize = 4;

/// The rich scenario under `payment` (`"tariff"` or `"capitation"`). Every effect is ≥ 0.
pub fn rich(payment: &str) -> ScenarioText {
    ScenarioText::base()
        .set("scenario", "horizon_years", &HORIZON.to_string())
        .set("scenario", "periods_per_year", &PER_YEAR.to_string())
        .set("scenario", "discount", "\"green-book\"")
        .set("scenario", "payment", &format!("\"{payment}\""))
        .set("fund", "pooled", &format!("{POOLED:?}"))
        .set(
            "fund",
            "uplift",
            "{ normal = { mean = 0.0, sd = 0.01, min = -0.03, max = 0.03 } }",
        )
        .set(
            "fund",
            "contingency_share",
            &format!("{CONTINGENCY_SHARE:?}"),
        )
        .set("demand", "growth", "{ ci90 = [0.01, 0.04] }")
        .set("demand", "variability", "0.05")
        .set("demand", "count_noise", "true")
        .set("costs", "unit_cost", "{ pert = [1_200, 1_490, 2_100] }")
        .set(
            "costs",
            "cashable_share_short",
            "{ beta = { alpha = 3, beta = 7 } }",
        )
        .set(
            "costs",
            "cashable_share_long",
            "{ triangular = [0.4, 0.6, 0.85] }",
        )
        .set("p4p", "value_per_admission", &format!("{P4P_VALUE:?}"))
        .set("p4p", "share", &format!("{P4P_SHARE:?}"))
        .without_schemes()
        .scheme(
            "Reablement",
            &[
                ("annual_cost", "2_500_000"),
                ("funder", "\"council\""),
                ("effect", "{ pert = [0.0, 0.012, 0.03] }"),
                ("ramp_years", "{ uniform = [0.5, 2.0] }"),
                ("success_probability", "0.7"),
                (
                    "cost_overrun",
                    "{ lognormal = { median = 1.0, p90 = 1.2 } }",
                ),
            ],
        )
        .scheme(
            "Integrated care teams",
            &[
                ("annual_cost", "3_000_000"),
                ("funder", "{ nhs = 0.6, council = 0.4 }"),
                ("end", "4.0"),
                ("effect", "{ triangular = [0.0, 0.01, 0.025] }"),
                ("ramp_years", "{ pert = [1.0, 2.0, 3.0] }"),
                ("ramp", "\"s-curve\""),
                ("decay", "0.05"),
                ("success_probability", "0.5"),
                ("cost_overrun", "{ lognormal = { mean = 1.05, sd = 0.1 } }"),
            ],
        )
        .scheme(
            "Telecare",
            &[
                ("annual_cost", "1_000_000"),
                ("start", "0.5"),
                ("end", "3.0"),
                ("persists_after_end", "true"),
                ("effect", "{ beta = { alpha = 2, beta = 80 } }"),
                ("ramp_years", "{ ci90 = [0.5, 2.0] }"),
                ("success_probability", "0.6"),
            ],
        )
        .scheme(
            "Rapid response",
            &[
                ("annual_cost", "1_500_000"),
                ("effect", "{ uniform = [0.0, 0.02] }"),
                ("success_probability", "0.9"),
                ("decay", "0.1"),
            ],
        )
        .correlate(
            "scheme.Reablement.effect",
            "scheme.Integrated care teams.effect",
            0.4,
        )
}

/// `|a − b| ≤ rel·scale`.
#[track_caller]
fn assert_within(a: f64, b: f64, scale: f64, rel: f64, what: &str) {
    assert!(
        (a - b).abs() <= rel * scale,
        "{what}: {a} vs {b} (tolerance {rel:e} of {scale})"
    );
}

/// `fund_t = pooled·(1 + u)^⌊τ_t⌋·dt` (docs/model.md §4.5), computed here.
fn fund(scenario: &Scenario, sim: &Simulation, p: usize, t: usize) -> f64 {
    let u = sim.path_inputs(p)[scenario.input_index("fund.uplift").expect("uplift")];
    let dt = 1.0 / PER_YEAR as f64;
    POOLED * (1.0 + u).powf((t / PER_YEAR) as f64) * dt
}

/// Whether every scheme effect of the scenario is ≥ 0 (then 0 ≤ F_t and 0 ≤ V_t too).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Effects {
    NonNegative,
    MayBeNegative,
}

/// Check every per-path, per-period invariant of one run.
fn check_ledger_invariants(scenario: &Scenario, sim: &Simulation, effects: Effects) {
    let model = Model::new(scenario);
    let plan = model.plan();
    let n = HORIZON * PER_YEAR;
    assert_eq!(plan.len(), n, "one plan figure per period");
    for p in 0..sim.paths() {
        // The path's whole ledger, one series per quantity (works whether `path_series`
        // returns a slice or a vector).
        let ledger: Vec<Vec<f64>> = Quantity::ALL
            .iter()
            .map(|&q| sim.path_series(p, q).expect("exact run").to_vec())
            .collect();
        let s = |q: Quantity| ledger[q.index()].as_slice();
        let at = |t: usize, what: &str| format!("path {p}, period {t}: {what}");
        let mut running = 0.0;
        let mut abs_sum = 0.0;
        for (t, &plan_t) in plan.iter().enumerate() {
            let q = |quantity| s(quantity)[t];
            for quantity in Quantity::ALL {
                assert!(q(quantity).is_finite(), "{}", at(t, quantity.name()));
            }
            // §4.6: commissioner + provider + council = N_t.
            let (c, pr, co, net) = (
                q(Quantity::Commissioner),
                q(Quantity::Provider),
                q(Quantity::Council),
                q(Quantity::Net),
            );
            let largest = c.abs().max(pr.abs()).max(co.abs()).max(net.abs());
            assert_within(
                c + pr + co,
                net,
                largest,
                1e-9,
                &at(t, "commissioner + provider + council = net"),
            );
            // §4.3: F_t ≤ 1, so V_t ≤ A_t and actual ≥ 0; with every effect ≥ 0 also
            // 0 ≤ F_t and 0 ≤ V_t.
            let (a, v, f) = (
                q(Quantity::Counterfactual),
                q(Quantity::Avoided),
                q(Quantity::Effect),
            );
            assert!(a >= 0.0, "{}", at(t, "A_t ≥ 0"));
            assert!(f <= 1.0, "{}", at(t, "F_t ≤ 1"));
            assert!(v <= a, "{}", at(t, "avoided ≤ counterfactual"));
            assert!(q(Quantity::Actual) >= 0.0, "{}", at(t, "actual ≥ 0"));
            if effects == Effects::NonNegative {
                assert!(f >= 0.0, "{}", at(t, "F_t ≥ 0 when every effect is ≥ 0"));
                assert!(v >= 0.0, "{}", at(t, "V_t ≥ 0 when every effect is ≥ 0"));
            }
            // §4.4: money.
            let (inv, gross, cash) = (
                q(Quantity::Investment),
                q(Quantity::Gross),
                q(Quantity::Cashable),
            );
            assert!(inv >= 0.0, "{}", at(t, "I_t ≥ 0"));
            assert!(
                cash.abs() <= gross.abs() && cash * gross >= 0.0,
                "{}",
                at(t, "|C_t| ≤ |G_t|, same sign (a cashable share is a share)")
            );
            assert_within(
                net,
                cash - inv,
                cash.abs().max(inv),
                1e-12,
                &at(t, "N_t = C_t − I_t"),
            );
            // §4.5: released + withheld = pot ≥ 0, each ≥ 0; released ≤ min(V, plan)·value,
            // with V floored at 0 (a scheme that adds admissions earns nothing, rather than
            // a negative release that would withhold more than the pot; docs/model.md §4.5 is
            // silent on V < 0 and `Model::project` documents the floor).
            let fund_t = fund(scenario, sim, p, t);
            let pot = (plan_t * P4P_VALUE).min(P4P_SHARE * fund_t);
            let (r, w) = (q(Quantity::Released), q(Quantity::Withheld));
            assert!(pot >= 0.0, "{}", at(t, "pot ≥ 0"));
            assert!(r >= 0.0 && w >= 0.0, "{}", at(t, "R_t, W_t ≥ 0"));
            assert_within(r + w, pot, pot, 1e-12, &at(t, "R_t + W_t = pot_t"));
            assert!(
                r <= v.max(0.0).min(plan_t) * P4P_VALUE * (1.0 + 1e-12),
                "{}",
                at(t, "R_t ≤ min(max(V_t, 0), plan_t)·value")
            );
            // Contingency: 0 ≤ K_t ≤ contingency_share·fund_t.
            let k = q(Quantity::Contingency);
            assert!(
                k >= 0.0 && k <= CONTINGENCY_SHARE * fund_t * (1.0 + 1e-12),
                "{}",
                at(t, "0 ≤ K_t ≤ contingency_share·fund_t")
            );
            // cum N_t is the running sum of N_t.
            running += net;
            abs_sum += net.abs();
            assert_within(
                q(Quantity::CumNet),
                running,
                abs_sum,
                1e-12,
                &at(t, "cum_net = Σ net"),
            );
        }

        // Path summaries agree with the ledger.
        let summary = &sim.path_summaries()[p];
        let cum = s(Quantity::CumNet);
        assert_eq!(
            summary.cum_net.to_bits(),
            cum[n - 1].to_bits(),
            "path {p}: summary cum_net is the last CumNet"
        );
        let total = |q| -> (f64, f64) {
            let x = s(q);
            (x.iter().sum(), x.iter().map(|v| v.abs()).sum())
        };
        for (what, got, q) in [
            ("avoided", summary.avoided, Quantity::Avoided),
            ("investment", summary.investment, Quantity::Investment),
            ("cashable", summary.cashable, Quantity::Cashable),
            ("commissioner", summary.commissioner, Quantity::Commissioner),
            ("provider", summary.provider, Quantity::Provider),
            ("council", summary.council, Quantity::Council),
            ("released", summary.released, Quantity::Released),
            ("withheld", summary.withheld, Quantity::Withheld),
            ("contingency", summary.contingency, Quantity::Contingency),
        ] {
            let (sum, scale) = total(q);
            assert_within(got, sum, scale, 1e-12, &format!("path {p}: summary {what}"));
        }
        let roi = summary.roi.expect("every path spends");
        assert_within(
            roi,
            summary.cashable / summary.investment,
            roi.abs(),
            1e-15,
            &format!("path {p}: roi = ΣC/ΣI"),
        );
        // Break-even: the first period from which cum N stays ≥ 0 to the horizon.
        match summary.break_even {
            Some(b) => {
                let b = b as usize;
                assert!(
                    cum[b..].iter().all(|&x| x >= 0.0),
                    "path {p}: cum_net < 0 after break-even period {b}"
                );
                assert!(
                    b == 0 || cum[b - 1] < 0.0,
                    "path {p}: break-even period {b} is not the first of the run"
                );
            }
            None => assert!(cum[n - 1] < 0.0, "path {p}: never breaks even yet ends ≥ 0"),
        }
        let year1 = |x: &[f64]| x[..PER_YEAR].iter().sum::<f64>();
        assert_eq!(
            summary.target_met_year1,
            year1(s(Quantity::Avoided)) >= year1(plan),
            "path {p}: target_met_year1"
        );
    }
}

/// Percentiles `p1 ≤ p5 ≤ … ≤ p99`, `sd ≥ 0` and `se = sd/√n`.
#[track_caller]
fn check_stats(s: &carefund::stats::Stats, n: usize, what: &str) {
    let pcts = s.percentiles();
    for pair in pcts.windows(2) {
        assert!(
            pair[0].1 <= pair[1].1,
            "{what}: {} = {} > {} = {}",
            pair[0].0,
            pair[0].1,
            pair[1].0,
            pair[1].1
        );
    }
    assert!(s.sd >= 0.0, "{what}: sd ≥ 0");
    assert_within(
        s.se,
        s.sd / (n as f64).sqrt(),
        s.se.max(f64::MIN_POSITIVE),
        1e-12,
        &format!("{what}: se = sd/√n"),
    );
}

/// Type-7 quantile of sorted values, computed here (Hyndman & Fan 1996).
fn type7(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

fn check_summary_invariants(sim: &Simulation, summary: &Summary) {
    let n = sim.paths();
    for period in &summary.periods {
        assert_eq!(period.quantities.len(), Quantity::COUNT);
        for (name, s) in &period.quantities {
            check_stats(s, n, &format!("period {} {name}", period.index));
        }
    }
    let h = &summary.headline;
    check_stats(&h.cum_net_horizon, n, "headline cum_net_horizon");
    check_stats(&h.npv, n, "headline npv");
    check_stats(&h.avoided_total, n, "headline avoided_total");

    // Headline probabilities, recomputed from the path summaries.
    let mut cum: Vec<f64> = sim.path_summaries().iter().map(|s| s.cum_net).collect();
    let share =
        |pred: &dyn Fn(f64) -> bool| cum.iter().filter(|&&x| pred(x)).count() as f64 / n as f64;
    let claim = h.plan_claim.cum_net_horizon;
    assert_within(
        h.p_break_even,
        share(&|x| x >= 0.0),
        1.0,
        1e-15,
        "p_break_even",
    );
    assert_within(
        h.p_meets_claim,
        share(&|x| x >= claim),
        1.0,
        1e-15,
        "p_meets_claim",
    );
    let total: f64 = h.break_even_year.iter().map(|b| b.probability).sum();
    assert_within(
        total,
        1.0,
        1.0,
        1e-12,
        "break-even-year probabilities sum to 1",
    );
    assert_eq!(
        h.break_even_year.len(),
        HORIZON + 1,
        "one bar per year, plus never"
    );

    cum.sort_unstable_by(f64::total_cmp);
    let p50 = type7(&cum, 0.5);
    let scale = cum.iter().fold(0.0_f64, |m, x| m.max(x.abs()));
    assert_within(h.cum_net_horizon.p50, p50, scale, 1e-12, "median cum_net");
    assert_within(
        h.cum_net_horizon.p5,
        type7(&cum, 0.05),
        scale,
        1e-12,
        "P5 cum_net",
    );
    assert_within(
        h.claim_gap,
        p50 - claim,
        scale,
        1e-12,
        "claim_gap = median − claim",
    );
    // The mean of the worst 5% lies at or below the 5th percentile.
    assert!(
        h.expected_shortfall_5 <= h.cum_net_horizon.p5,
        "expected_shortfall_5 {} > P5 {}",
        h.expected_shortfall_5,
        h.cum_net_horizon.p5
    );
    // Expected shortfall: the mean of the worst ⌈n/20⌉ paths, recomputed here.
    let worst = n.div_ceil(20);
    let es = cum[..worst].iter().sum::<f64>() / worst as f64;
    assert_within(
        h.expected_shortfall_5,
        es,
        scale,
        1e-12,
        "expected_shortfall_5",
    );
    let paths = sim.path_summaries();
    let met = paths.iter().filter(|s| s.target_met_year1).count() as f64 / n as f64;
    assert_within(h.p_target_met_year1, met, 1.0, 1e-15, "p_target_met_year1");
    let mean_npv = paths.iter().map(|s| s.npv).sum::<f64>() / n as f64;
    let npv_scale = paths.iter().fold(0.0_f64, |m, s| m.max(s.npv.abs()));
    assert_within(h.npv.mean, mean_npv, npv_scale, 1e-12, "mean NPV");

    // Break-even year: the share of paths whose break-even period falls in each year, and
    // "never" is exactly the complement of p_break_even.
    for (y, bar) in h.break_even_year.iter().enumerate() {
        let hits = paths
            .iter()
            .filter(|s| match s.break_even {
                Some(b) => b as usize / PER_YEAR == y,
                None => y == HORIZON,
            })
            .count();
        assert_within(
            bar.probability,
            hits as f64 / n as f64,
            1.0,
            1e-15,
            &format!("break-even year bar {} ({})", y, bar.year),
        );
    }
    let never = h.break_even_year.last().expect("a `never` bar").probability;
    assert_within(
        never,
        1.0 - h.p_break_even,
        1.0,
        1e-12,
        "P(never) = 1 − p_break_even",
    );

    // Per-year table: P(cum net ≥ 0 at the year's end); the last year's is p_break_even.
    assert_eq!(summary.years.len(), HORIZON);
    for (y, year) in summary.years.iter().enumerate() {
        let end = sim
            .column(Quantity::CumNet, (y + 1) * PER_YEAR - 1)
            .expect("exact run");
        let share = end.iter().filter(|&&x| x >= 0.0).count() as f64 / n as f64;
        assert_within(
            year.p_cum_net_non_negative,
            share,
            1.0,
            1e-15,
            &format!("year {y}: P(cum net ≥ 0)"),
        );
    }
    let last = summary.years.last().expect("a year");
    assert_within(
        last.p_cum_net_non_negative,
        h.p_break_even,
        1.0,
        1e-15,
        "last year's P(cum net ≥ 0) = p_break_even",
    );

    for p in [h.p_break_even, h.p_target_met_year1, h.p_meets_claim] {
        assert!((0.0..=1.0).contains(&p), "probability {p} outside [0, 1]");
    }
}

#[test]
fn ledger_invariants_hold_on_every_path_under_tariff() {
    let scenario = rich("tariff").build();
    let sim = run(&scenario, PATHS);
    check_ledger_invariants(&scenario, &sim, Effects::NonNegative);
    check_summary_invariants(&sim, &summarise(&scenario, &sim));
}

#[test]
fn ledger_invariants_hold_on_every_path_under_capitation() {
    let scenario = rich("capitation").build();
    let sim = run(&scenario, PATHS);
    check_ledger_invariants(&scenario, &sim, Effects::NonNegative);
    check_summary_invariants(&sim, &summarise(&scenario, &sim));
}

#[test]
fn ledger_invariants_hold_when_a_scheme_may_add_admissions() {
    // An effect that may be negative (the scheme raises admissions): V_t < 0 on some paths,
    // and P4P must release nothing for it rather than a negative amount.
    let scenario = rich("tariff")
        .scheme_set(
            "Rapid response",
            "effect",
            "{ normal = { mean = -0.01, sd = 0.02, min = -0.06, max = 0.04 } }",
        )
        .build();
    let sim = run(&scenario, PATHS);
    let negative = (0..sim.paths())
        .filter(|&p| sim.path_summaries()[p].avoided < 0.0)
        .count();
    assert!(negative > 0, "no path avoided fewer than zero admissions");
    check_ledger_invariants(&scenario, &sim, Effects::MayBeNegative);
    check_summary_invariants(&sim, &summarise(&scenario, &sim));
}

#[test]
fn columns_and_path_series_read_the_same_ledger() {
    // 2,500 paths: two full engine blocks of 1,024 and a partial one.
    let scenario = rich("tariff").build();
    let sim = run(&scenario, 2_500);
    let periods = HORIZON * PER_YEAR;
    for q in Quantity::ALL {
        let columns: Vec<Vec<f64>> = (0..periods)
            .map(|t| sim.column(q, t).expect("exact run"))
            .collect();
        for p in 0..sim.paths() {
            let series = sim.path_series(p, q).expect("exact run").to_vec();
            assert_eq!(series.len(), periods);
            for (t, column) in columns.iter().enumerate() {
                assert_eq!(column.len(), sim.paths());
                assert_eq!(
                    column[p].to_bits(),
                    series[t].to_bits(),
                    "{}: column({t})[{p}] ≠ path_series({p})[{t}]",
                    q.name()
                );
            }
        }
    }
    // And the ledger belongs to the right path: its summary matches its own series.
    for p in [0, 1_023, 1_024, 2_047, 2_048, 2_499] {
        let cum = sim
            .path_series(p, Quantity::CumNet)
            .expect("exact run")
            .to_vec();
        assert_eq!(
            sim.path_summaries()[p].cum_net.to_bits(),
            cum[periods - 1].to_bits(),
            "path {p}: summary and ledger disagree"
        );
    }
}

#[test]
fn capitation_moves_the_tariff_transfer_from_commissioner_to_provider() {
    // Same seed, same inputs: only who holds V_t·tariff changes (docs/model.md §4.6).
    let (tariff, capitation) = (rich("tariff").build(), rich("capitation").build());
    let (a, b) = (run(&tariff, 500), run(&capitation, 500));
    for p in 0..a.paths() {
        for q in [Quantity::Net, Quantity::CumNet, Quantity::Council] {
            let same = a
                .path_series(p, q)
                .expect("exact run")
                .iter()
                .zip(b.path_series(p, q).expect("exact run"))
                .all(|(x, y)| x.to_bits() == y.to_bits());
            assert!(
                same,
                "path {p}: {} differs between payment models",
                q.name()
            );
        }
        for t in 0..HORIZON * PER_YEAR {
            let transfer = a.path_series(p, Quantity::Avoided).expect("exact run")[t] * 1_490.0;
            let get = |sim: &Simulation, q| sim.path_series(p, q).expect("exact run")[t];
            let scale = transfer.abs()
                + get(&a, Quantity::Commissioner).abs()
                + get(&b, Quantity::Provider).abs();
            assert_within(
                get(&a, Quantity::Commissioner) - get(&b, Quantity::Commissioner),
                transfer,
                scale,
                1e-9,
                &format!("path {p}, period {t}: commissioner(tariff) − commissioner(capitation)"),
            );
            assert_within(
                get(&b, Quantity::Provider) - get(&a, Quantity::Provider),
                transfer,
                scale,
                1e-9,
                &format!("path {p}, period {t}: provider(capitation) − provider(tariff)"),
            );
        }
    }
}

#[test]
fn a_single_path_runs_and_summarises() {
    let scenario = rich("tariff").build();
    let sim = run(&scenario, 1);
    check_ledger_invariants(&scenario, &sim, Effects::NonNegative);
    let summary = summarise(&scenario, &sim);
    check_summary_invariants(&sim, &summary);
    let h = &summary.headline.cum_net_horizon;
    let cum = sim.path_summaries()[0].cum_net;
    assert_eq!(h.sd.to_bits(), 0.0_f64.to_bits(), "sd of one value");
    for (name, value) in h.percentiles() {
        assert_eq!(value.to_bits(), cum.to_bits(), "{name} of one value");
    }
}

#[test]
fn zero_paths_and_zero_threads_are_option_errors() {
    let scenario = rich("tariff").build();
    let bad = [
        RunOptions {
            paths: 0,
            seed: 1,
            threads: None,
        },
        RunOptions {
            paths: 10,
            seed: 1,
            threads: Some(0),
        },
    ];
    for options in bad {
        let result = simulate(&scenario, &options, &|_| {});
        assert!(
            matches!(result, Err(Error::InvalidOption { .. })),
            "{options:?} must be an options error"
        );
    }
}

#[test]
fn progress_reaches_the_number_of_paths() {
    let scenario = rich("tariff").build();
    let most = AtomicU64::new(0);
    let options = RunOptions {
        paths: 2_100,
        seed: 1,
        threads: Some(2),
    };
    simulate(&scenario, &options, &|done| {
        most.fetch_max(done, Ordering::Relaxed);
    })
    .expect("runs");
    assert_eq!(most.load(Ordering::Relaxed), 2_100);
}

/// The invariants that hold for any scenario, whatever its parameters.
fn check_universal_invariants(name: &str, scenario: &Scenario, sim: &Simulation) {
    let periods = scenario.timeline().periods();
    for p in 0..sim.paths() {
        let ledger: Vec<Vec<f64>> = Quantity::ALL
            .iter()
            .map(|&q| sim.path_series(p, q).expect("exact run").to_vec())
            .collect();
        let s = |q: Quantity| ledger[q.index()].as_slice();
        let mut running = 0.0;
        let mut abs_sum = 0.0;
        for t in 0..periods {
            let q = |quantity| s(quantity)[t];
            let at = format!("{name}, path {p}, period {t}");
            let (c, pr, co, net) = (
                q(Quantity::Commissioner),
                q(Quantity::Provider),
                q(Quantity::Council),
                q(Quantity::Net),
            );
            let largest = c.abs().max(pr.abs()).max(co.abs()).max(net.abs());
            assert_within(
                c + pr + co,
                net,
                largest,
                1e-9,
                &format!("{at}: perspectives"),
            );
            assert!(q(Quantity::Effect) <= 1.0, "{at}: F_t ≤ 1");
            assert!(
                q(Quantity::Avoided) <= q(Quantity::Counterfactual),
                "{at}: avoided ≤ counterfactual"
            );
            assert!(
                q(Quantity::Released) >= 0.0
                    && q(Quantity::Withheld) >= 0.0
                    && q(Quantity::Contingency) >= 0.0,
                "{at}: R_t, W_t, K_t ≥ 0"
            );
            running += net;
            abs_sum += net.abs();
            assert_within(
                q(Quantity::CumNet),
                running,
                abs_sum,
                1e-12,
                &format!("{at}: cum_net = Σ net"),
            );
        }
    }
    let summary = summarise(scenario, sim);
    for period in &summary.periods {
        for (q, stats) in &period.quantities {
            check_stats(
                stats,
                sim.paths(),
                &format!("{name}, period {} {q}", period.index),
            );
        }
    }
}

#[test]
fn shipped_scenarios_keep_the_universal_invariants() {
    let mut scenarios = vec![(
        "example.toml".to_string(),
        carefund::EXAMPLE_SCENARIO.to_string(),
    )];
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("data/scenarios exists")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "no shipped scenarios in {}",
        dir.display()
    );
    for path in files {
        let text = std::fs::read_to_string(&path).expect("readable scenario");
        scenarios.push((path.display().to_string(), text));
    }
    for (name, text) in &scenarios {
        let scenario =
            Scenario::from_toml(text, name).unwrap_or_else(|e| panic!("{name} does not load: {e}"));
        let sim = run(&scenario, 300);
        check_universal_invariants(name, &scenario, &sim);
    }
}
