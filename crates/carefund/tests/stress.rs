//! Stress tests, reverse stress tests and comparisons (docs/model.md §9), through the public API.

use carefund::stress::{
    self, Action, Factor, Metric, Op, Overlay, ReverseOptions, compare, reverse_stress, stress_test,
};
use carefund::{RunOptions, Scenario};

/// A four-year fund whose schemes roughly pay for themselves: P(break even) is near the
/// middle, so stresses and factors move it.
const FUND: &str = r#"
[scenario]
name = "Test fund"
start_year = 2020
horizon_years = 4
periods_per_year = 1
discount = 0.035

[fund]
pooled = 2_000_000

[demand]
baseline_admissions = 20_000
growth = { normal = { mean = 0.02, sd = 0.01 } }
variability = 0.05

[costs]
tariff = 1_500
unit_cost = { pert = [1_200, 1_500, 2_000] }
cashable_share_short = { pert = [0.3, 0.5, 0.7] }
cashable_share_long = { pert = [0.5, 0.7, 0.9] }
capacity_release_years = 2

[plan]
target_reduction = 0.03

[[scheme]]
name = "A"
annual_cost = 500_000
effect = { pert = [0.0, 0.03, 0.06] }
ramp_years = { uniform = [0.5, 1.5] }
success_probability = 0.9

[[scheme]]
name = "B"
annual_cost = 300_000
effect = { uniform = [0.0, 0.04] }
ramp_years = 1.0
success_probability = 0.8
cost_overrun = { lognormal = { median = 1.0, p90 = 1.2 } }
"#;

fn fund() -> Scenario {
    Scenario::from_toml(FUND, "fund.toml").expect("test fund checks")
}

fn opts(paths: u64) -> RunOptions {
    RunOptions {
        paths,
        seed: 11,
        threads: Some(2),
    }
}

fn scale(select: &str, k: f64) -> Overlay {
    Overlay::new(
        format!("scale {select} {k}"),
        vec![Op::new(select, Action::Scale(k))],
    )
}

#[test]
fn a_stress_that_changes_nothing_has_change_and_se_exactly_zero() {
    let s = fund();
    let none = Overlay::new(
        "nothing",
        vec![
            Op::new("scheme.*.effect", Action::Scale(1.0)),
            Op::new("demand.growth", Action::Shift(0.0)),
        ],
    );
    let r = stress_test(&s, &[none], &opts(2_000), &|_, _| {}).unwrap();
    let c = r.stresses[0].change;
    for (what, x) in [
        ("p_break_even", c.p_break_even),
        ("cum_net", c.cum_net),
        ("npv", c.npv),
        ("avoided", c.avoided),
    ] {
        assert!(x.mean.abs() <= 0.0 && x.se.abs() <= 0.0, "{what}: {x:?}");
    }
    // And the base is genuinely uncertain, so a zero SE is not trivial.
    assert!(
        r.base.p_break_even > 0.05 && r.base.p_break_even < 0.95,
        "{}",
        r.base.p_break_even
    );
}

#[test]
fn a_real_stress_has_a_paired_se_smaller_than_the_unpaired_one() {
    let s = fund();
    let r = stress_test(
        &s,
        &[scale("scheme.*.effect", 0.9)],
        &opts(4_000),
        &|_, _| {},
    )
    .unwrap();
    let st = &r.stresses[0];
    let c = st.change.cum_net;
    assert!(c.mean < 0.0, "smaller effects lower cumulative net: {c:?}");
    // Independent samples would give SE √(se_a² + se_b²); pairing removes most of it.
    let unpaired = (st.summary.headline.cum_net_horizon.se.powi(2)
        + r.base.summary.headline.cum_net_horizon.se.powi(2))
    .sqrt();
    assert!(
        c.se < 0.5 * unpaired,
        "paired {} vs unpaired {unpaired}",
        c.se
    );
    // The change is many SEs from zero.
    assert!(c.mean.abs() > 5.0 * c.se);
}

#[test]
fn scaling_effects_down_never_raises_p_break_even() {
    // Every effect in the test fund is ≥ 0, so on common random numbers each path's
    // cumulative net rises with the factor: P(break even) is monotone exactly, not just
    // within Monte Carlo error.
    let s = fund();
    let grid = [0.0, 0.25, 0.5, 0.75, 0.9, 1.0, 1.1, 1.5, 2.0, 3.0];
    let overlays: Vec<Overlay> = grid.iter().map(|&k| scale("scheme.*.effect", k)).collect();
    let r = stress_test(&s, &overlays, &opts(2_000), &|_, _| {}).unwrap();
    let p: Vec<f64> = r.stresses.iter().map(|x| x.p_break_even).collect();
    for w in p.windows(2) {
        assert!(w[0] <= w[1], "not monotone: {p:?}");
    }
    assert!(
        p[0] < 0.01 && p[grid.len() - 1] > 0.9,
        "the grid spans the range: {p:?}"
    );
}

#[test]
fn reverse_factor_fed_back_gives_the_level_within_mc_error() {
    let s = fund();
    let factor = Factor::parse("scale scheme.*.effect").unwrap();
    let ro = ReverseOptions {
        metric: Metric::PBreakEven,
        level: 0.5,
        range: factor.default_range(),
        tolerance: 0.005,
    };
    let o = opts(2_000);
    let r = reverse_stress(&s, &factor, &ro, &o).unwrap();
    assert!(r.crosses);
    let (a, b) = r.bracket.unwrap();
    assert!(b.factor - a.factor <= 0.005);
    assert!((a.metric - 0.5) * (b.metric - 0.5) <= 0.0 || a.metric < 0.5 && b.metric >= 0.5);
    let k = r.value.unwrap();
    let fed = stress_test(&s, &[factor.overlay(k)], &o, &|_, _| {}).unwrap();
    let st = &fed.stresses[0];
    assert!(
        (st.p_break_even - 0.5).abs() <= 3.0 * st.p_break_even_se,
        "factor {k}: P(break even) {} ± {}",
        st.p_break_even,
        st.p_break_even_se
    );
}

#[test]
fn reverse_says_when_nothing_in_range_crosses() {
    let s = fund();
    let factor = Factor::parse("scale scheme.*.effect").unwrap();
    let ro = ReverseOptions {
        metric: Metric::PBreakEven,
        level: 0.5,
        range: (0.0, 0.2),
        tolerance: 0.01,
    };
    let r = reverse_stress(&s, &factor, &ro, &opts(500)).unwrap();
    assert!(!r.crosses && r.value.is_none() && r.bracket.is_none());
    assert_eq!(r.evaluations.len(), 2);
}

#[test]
fn factor_text_is_checked() {
    assert!(Factor::parse("scale").is_err());
    assert!(Factor::parse("stretch scheme.*.effect").is_err());
    let f = Factor::parse("shift demand.growth").unwrap();
    assert_eq!(f.select, "demand.growth");
    assert_eq!(f.default_range(), (-1.0, 1.0));
}

#[test]
fn wildcards_select_every_matching_input_and_nothing_else() {
    let s = fund();
    let t = scale("scheme.*.effect", 0.5).apply(&s).unwrap();
    for (a, b) in s.inputs().iter().zip(t.inputs()) {
        let u = 0.37;
        let expect = if a.name().ends_with(".effect") {
            0.5 * a.quantile(u)
        } else {
            a.quantile(u)
        };
        assert!((b.quantile(u) - expect).abs() < 1e-15, "{}", a.name());
    }
}

#[test]
fn an_unknown_selector_names_it_and_suggests_a_close_input() {
    let s = fund();
    let e = scale("scheme.*.efect", 0.5)
        .apply(&s)
        .unwrap_err()
        .to_string();
    assert!(e.contains("matches no input"), "{e}");
    assert!(e.contains("scheme.*.efect"), "{e}");
    assert!(e.contains("did you mean `scheme.A.effect`"), "{e}");
    let text =
        "[[stress]]\nname = \"typo\"\n[[stress.op]]\nselect = \"demand.grwoth\"\nshift = 0.01\n";
    let o = stress::parse(text, "mine.toml").unwrap();
    let e = o[0].apply(&s).unwrap_err().to_string();
    assert!(e.starts_with("mine.toml:3"), "names the file and line: {e}");
    assert!(e.contains("demand.growth"), "{e}");
}

#[test]
fn set_replaces_a_distribution_and_checks_its_range() {
    let s = fund();
    let text = "[[stress]]\nname = \"set\"\n[[stress.op]]\nselect = \"costs.cashable_share_long\"\nset = { uniform = [0.2, 0.3] }\n";
    let t = stress::parse(text, "s.toml").unwrap()[0].apply(&s).unwrap();
    let k = t.input_index("costs.cashable_share_long").unwrap();
    assert!((t.inputs()[k].quantile(0.5) - 0.25).abs() < 1e-12);
    let bad = "[[stress]]\nname = \"set\"\n[[stress.op]]\nselect = \"costs.cashable_share_long\"\nset = 1.5\n";
    let e = stress::parse(bad, "s.toml").unwrap()[0]
        .apply(&s)
        .unwrap_err()
        .to_string();
    assert!(e.contains("out of range") && e.contains("s.toml:3"), "{e}");
}

#[test]
fn the_largest_scheme_fails_and_success_probabilities_scale_as_probabilities() {
    let s = fund();
    let pack = stress::pack("sceptical").unwrap();
    let fails = pack
        .iter()
        .find(|o| o.name == "Largest scheme fails")
        .unwrap();
    let t = fails.apply(&s).unwrap();
    let a = t.input_index("scheme.A.success_probability").unwrap();
    let b = t.input_index("scheme.B.success_probability").unwrap();
    assert!(
        t.inputs()[a].quantile(0.01).abs() <= 0.0,
        "A (the largest) never succeeds"
    );
    assert!(
        (t.inputs()[b].quantile(0.5) - 1.0).abs() < 1e-12,
        "B unchanged (p = 0.8)"
    );
    let half = scale("scheme.B.success_probability", 0.5)
        .apply(&s)
        .unwrap();
    // p = 0.4 now: success when u < 0.4.
    assert!((half.inputs()[b].quantile(0.39) - 1.0).abs() < 1e-12);
    assert!(half.inputs()[b].quantile(0.41).abs() <= 0.0);
}

#[test]
fn never_releasing_capacity_holds_the_short_run_share() {
    // With m_s ≤ m_l on every path and effects ≥ 0, cash savings can only fall.
    let s = fund();
    let o = stress::pack("sceptical")
        .unwrap()
        .into_iter()
        .find(|o| o.name == "Cashable share stays short-run")
        .unwrap();
    let r = stress_test(&s, &[o], &opts(1_000), &|_, _| {}).unwrap();
    let c = r.stresses[0].change.cum_net;
    assert!(c.mean < -5.0 * c.se, "{c:?}");
}

#[test]
fn the_pack_runs_on_every_shipped_scenario() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/scenarios");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let s = Scenario::from_toml(&text, &path.display().to_string()).unwrap();
        let pack = stress::pack("sceptical").unwrap();
        let r = stress_test(&s, &pack, &opts(300), &|_, _| {}).unwrap();
        assert_eq!(r.stresses.len(), pack.len(), "{}", path.display());
        for st in &r.stresses {
            assert!(st.p_break_even >= 0.0 && st.p_break_even <= 1.0);
            assert!(st.change.cum_net.se.is_finite());
        }
        // Halving effects, doubling ramps and +20% costs each lose money on average.
        for name in ["Effects halved", "Ramps doubled", "Scheme costs +20%"] {
            let st = r.stresses.iter().find(|x| x.name == name).unwrap();
            assert!(st.change.cum_net.mean < 0.0, "{name} on {}", path.display());
        }
        seen += 1;
    }
    assert!(seen >= 2, "found {seen} shipped scenarios");
}

#[test]
fn comparing_a_scenario_with_itself_gives_zero_differences() {
    let s = fund();
    let c = compare(&[s.clone(), s], &opts(500), &|_, _| {}).unwrap();
    let p = &c.pairs[0];
    assert!(p.cum_net.mean.abs() <= 0.0 && p.cum_net.sd.abs() <= 0.0);
    assert!((p.p_a_better - 0.5).abs() <= 0.0 && p.p_a_better_se.abs() <= 0.0);
}

#[test]
fn comparison_pairs_scenarios_with_different_schemes_on_shared_inputs() {
    let a = fund();
    let b_text = FUND.replace(
        "effect = { uniform = [0.0, 0.04] }",
        "effect = { uniform = [0.0, 0.08] }",
    );
    let b = Scenario::from_toml(&b_text, "b.toml").unwrap();
    let c = compare(&[a, b], &opts(2_000), &|_, _| {}).unwrap();
    let p = &c.pairs[0];
    // B's second scheme has twice the effect on the same draws: B is never worse.
    assert!(
        p.cum_net.p99 <= 0.0,
        "A − B ≤ 0 on every path: {:?}",
        p.cum_net
    );
    assert!(p.p_a_better < 0.5);
    assert!(c.scenarios.len() == 2 && c.pairs.len() == 1);
}

#[test]
fn stress_results_do_not_depend_on_the_thread_count() {
    let s = fund();
    let pack = stress::pack("sceptical").unwrap();
    let one = RunOptions {
        threads: Some(1),
        ..opts(1_500)
    };
    let a = stress_test(&s, &pack, &one, &|_, _| {}).unwrap();
    let b = stress_test(&s, &pack, &opts(1_500), &|_, _| {}).unwrap();
    for (x, y) in a.stresses.iter().zip(&b.stresses) {
        assert_eq!(
            x.change.cum_net.mean.to_bits(),
            y.change.cum_net.mean.to_bits()
        );
        assert_eq!(x.change.cum_net.se.to_bits(), y.change.cum_net.se.to_bits());
        assert_eq!(x.p_break_even.to_bits(), y.p_break_even.to_bits());
    }
}
