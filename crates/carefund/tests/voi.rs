//! Value of information (issue 11): EVPPI by regression against known values, against a
//! nested Monte Carlo estimate, and its ordering properties; the analysis of a real
//! scenario against doing nothing. Tolerances are stated in standard errors.

use carefund::dist::{std_cdf, std_inverse_cdf};
use carefund::rng::splitmix;
use carefund::voi::{self, Group, VoiOptions, decide, evppi};
use carefund::{RunOptions, Scenario};

/// `n` standard normals from stream `seed`.
fn normals(seed: u64, n: usize) -> Vec<f64> {
    (0..n as u64)
        .map(|i| {
            let u = ((splitmix(splitmix(seed) ^ i) >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
            std_inverse_cdf(u)
        })
        .collect()
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

fn sd(v: &[f64]) -> f64 {
    let m = mean(v);
    (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() - 1) as f64).sqrt()
}

/// A three-input case: NB₁ = x₁ + x₁·x₂ + 0.3·x₃ − 0.1, NB₀ = 0 (x ~ N(0, 1)), and a
/// fourth input x₄ that does not enter NB.
struct Case {
    x: Vec<Vec<f64>>,
    nb: Vec<Vec<f64>>,
}

fn case(n: usize) -> Case {
    let x: Vec<Vec<f64>> = (0..4).map(|k| normals(100 + k, n)).collect();
    let nb1 = (0..n)
        .map(|p| x[0][p] + x[0][p] * x[1][p] + 0.3 * x[2][p] - 0.1)
        .collect();
    Case {
        nb: vec![vec![0.0; n], nb1],
        x,
    }
}

#[test]
fn evppi_of_an_input_that_does_not_enter_the_model_is_zero_within_3_se() {
    let c = case(3000);
    let e = evppi(&c.nb, &[&c.x[3]], 1).unwrap();
    assert!(e.se > 0.0);
    assert!(
        e.evppi.abs() <= 3.0 * e.se,
        "EVPPI of an unused input {} (se {})",
        e.evppi,
        e.se
    );
    // Relative to what matters it is negligible.
    let d = decide(&c.nb).unwrap();
    assert!(e.evppi < 0.05 * d.evpi, "{} vs EVPI {}", e.evppi, d.evpi);
}

#[test]
fn evppi_of_all_inputs_is_evpi_and_ordering_holds_within_3_se() {
    let c = case(3000);
    let d = decide(&c.nb).unwrap();
    let all: Vec<&[f64]> = c.x.iter().map(Vec::as_slice).collect();
    let e_all = evppi(&c.nb, &all, 2).unwrap();
    // NB is a function of the inputs, so EVPPI(all) estimates EVPI from the same paths.
    let tol = 3.0 * (e_all.se.powi(2) + d.se.powi(2)).sqrt();
    assert!(
        (e_all.evppi - d.evpi).abs() <= tol,
        "EVPPI(all) {} vs EVPI {} (tolerance {tol})",
        e_all.evppi,
        d.evpi
    );
    // A group never exceeds EVPI; a single input never exceeds a group containing it.
    let g = evppi(&c.nb, &[&c.x[0], &c.x[1]], 3).unwrap();
    assert!(g.evppi <= d.evpi + 3.0 * (g.se.powi(2) + d.se.powi(2)).sqrt());
    for k in 0..2 {
        let s = evppi(&c.nb, &[&c.x[k]], 4).unwrap();
        assert!(
            s.evppi <= g.evppi + 3.0 * (s.se.powi(2) + g.se.powi(2)).sqrt(),
            "single {k}: {} > group {}",
            s.evppi,
            g.evppi
        );
        assert!(s.evppi >= 0.0);
    }
    // The interaction x₁·x₂ is only captured by the pair: the group is worth clearly
    // more than x₁ alone.
    let s0 = evppi(&c.nb, &[&c.x[0]], 5).unwrap();
    assert!(g.evppi > s0.evppi + 2.0 * (s0.se.powi(2) + g.se.powi(2)).sqrt());
}

/// A nonlinear case, NB₁ = exp(x) + x·y + 0.5·z − 1.1 with x ~ N(0, 0.5²), y ~ N(0, 1),
/// z ~ N(0, 1); NB₀ = 0. E(NB₁ | x) = exp(x) − 1.1, so EVPPI(x) =
/// E[max(0, exp(x) − 1.1)] − max(0, exp(0.125) − 1.1). Compared with a nested Monte
/// Carlo estimate (1,000 outer draws of x, 1,000 inner draws of (y, z) each) within 4
/// combined standard errors (the regression's SE and both outer sampling errors).
#[test]
fn single_input_evppi_agrees_with_nested_monte_carlo() {
    let n = 4000;
    let x: Vec<f64> = normals(7, n).iter().map(|v| 0.5 * v).collect();
    let y = normals(8, n);
    let z = normals(9, n);
    let nb1: Vec<f64> = (0..n)
        .map(|p| x[p].exp() + x[p] * y[p] + 0.5 * z[p] - 1.1)
        .collect();
    let e = evppi(&[vec![0.0; n], nb1.clone()], &[&x], 11).unwrap();
    let regression_outer = sd(&x
        .iter()
        .map(|v| (v.exp() - 1.1).max(0.0))
        .collect::<Vec<_>>())
        / (n as f64).sqrt();

    let (outer, inner) = (1000usize, 1000usize);
    let xo: Vec<f64> = normals(20, outer).iter().map(|v| 0.5 * v).collect();
    let mut conditional = Vec::with_capacity(outer);
    for (i, xi) in xo.iter().enumerate() {
        let yi = normals(1000 + 2 * i as u64, inner);
        let zi = normals(1001 + 2 * i as u64, inner);
        let m = (0..inner)
            .map(|j| xi.exp() + xi * yi[j] + 0.5 * zi[j] - 1.1)
            .sum::<f64>()
            / inner as f64;
        conditional.push(m);
    }
    let best_now = mean(&conditional).max(0.0);
    let gains: Vec<f64> = conditional.iter().map(|m| m.max(0.0)).collect();
    let nested = mean(&gains) - best_now;
    let nested_se = sd(&gains) / (outer as f64).sqrt();

    let tol = 4.0 * (e.se.powi(2) + regression_outer.powi(2) + nested_se.powi(2)).sqrt();
    assert!(
        (e.evppi - nested).abs() <= tol,
        "regression {} (se {}) vs nested {nested} (se {nested_se}), tolerance {tol}",
        e.evppi,
        e.se
    );
    // Both against the exact value by quadrature (Gauss–Hermite-free: a fine grid).
    let steps = 20_000;
    let exact_gain: f64 = (0..steps)
        .map(|k| {
            let u = (k as f64 + 0.5) / steps as f64;
            ((0.5 * std_inverse_cdf(u)).exp() - 1.1).max(0.0)
        })
        .sum::<f64>()
        / steps as f64;
    let exact = exact_gain - (0.125f64.exp() - 1.1).max(0.0);
    assert!(
        (nested - exact).abs() <= 4.0 * nested_se,
        "nested {nested} vs exact {exact}"
    );
    assert!(std_cdf(0.0) > 0.49); // the helpers are the library's own
}

#[test]
fn analysis_of_the_example_plan_against_doing_nothing() {
    let plan = Scenario::from_toml(carefund::EXAMPLE_SCENARIO, "example.toml").unwrap();
    let none_text = voi::do_nothing_toml(carefund::EXAMPLE_SCENARIO, "example.toml").unwrap();
    let none = Scenario::from_toml(&none_text, "none.toml").unwrap();
    let options = RunOptions {
        paths: 2000,
        seed: 17,
        threads: Some(2),
    };
    let opts = VoiOptions {
        groups: vec![Group::parse("effects=scheme.*.effect").unwrap()],
        ..VoiOptions::default()
    };
    let r = voi::analyse(&[plan.clone(), none.clone()], &options, &opts).unwrap();
    let d = &r.evpi;
    assert_eq!(r.options.len(), 2);
    assert!((d.p_best.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    let effects = &r.groups[0];
    assert!(effects.inputs.iter().all(|n| n.ends_with(".effect")));
    for g in &r.groups {
        assert!(
            g.estimate.evppi <= d.evpi + 3.0 * (g.estimate.se.powi(2) + d.se.powi(2)).sqrt(),
            "{}: {} > EVPI {}",
            g.name,
            g.estimate.evppi,
            d.evpi
        );
    }
    for row in r
        .inputs
        .iter()
        .filter(|row| effects.inputs.contains(&row.name))
    {
        let tol = 3.0 * (row.estimate.se.powi(2) + effects.estimate.se.powi(2)).sqrt();
        assert!(
            row.estimate.evppi <= effects.estimate.evppi + tol,
            "{} {} > effects {}",
            row.name,
            row.estimate.evppi,
            effects.estimate.evppi
        );
    }
    // Ranked, and the same on one thread (results do not depend on the thread count).
    assert!(
        r.inputs
            .windows(2)
            .all(|w| w[0].estimate.evppi >= w[1].estimate.evppi)
    );
    let one = voi::analyse(
        &[plan, none],
        &RunOptions {
            threads: Some(1),
            ..options
        },
        &opts,
    )
    .unwrap();
    assert_eq!(
        voi::report::json(&one).unwrap(),
        voi::report::json(&r).unwrap()
    );
    // Scale multiplies; outputs render.
    assert!(voi::report::csv(&r).unwrap().starts_with(b"kind,name"));
    assert!(voi::report::text(&r).contains("EVPI"));
    assert_eq!(
        voi::report::charts(&r, carefund::chart::Format::Svg)
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn bad_options_are_errors() {
    assert!(voi::Value::parse("profit").is_err());
    assert!(Group::parse("noequals").is_err());
    let plan = Scenario::from_toml(carefund::EXAMPLE_SCENARIO, "example.toml").unwrap();
    let options = RunOptions {
        paths: 300,
        seed: 1,
        threads: Some(1),
    };
    assert!(
        voi::analyse(
            std::slice::from_ref(&plan),
            &options,
            &VoiOptions::default()
        )
        .is_err()
    );
    let bad = VoiOptions {
        groups: vec![Group::parse("x=nothing.*").unwrap()],
        ..VoiOptions::default()
    };
    let none = voi::do_nothing(&plan);
    let e = voi::analyse(&[plan.clone(), none.clone()], &options, &bad).unwrap_err();
    assert!(e.to_string().contains("matches no uncertain input"), "{e}");
    let scaled = VoiOptions {
        scale: -1.0,
        ..VoiOptions::default()
    };
    assert!(voi::analyse(&[plan, none], &options, &scaled).is_err());
}
