//! Integration tests of the national portfolio (docs/model.md §10): one area reproduces a
//! single run bit for bit, the two correlation limits, override columns, and errors that
//! name the CSV file, line and column.

use carefund::national::{self, Factors, Portfolio, area_seed};
use carefund::{Error, RunOptions, simulate};

mod common;

use common::ScenarioText;

/// A small template: two schemes, uncertain growth and effects, no per-period noise
/// unless `noise` (so that the correlation tests see only the per-path inputs).
fn template(noise: bool) -> String {
    ScenarioText::base()
        .set("scenario", "name", "\"Test template\"")
        .set("scenario", "horizon_years", "3")
        .set("scenario", "periods_per_year", "4")
        .set("fund", "contingency_share", "0.05")
        .set(
            "demand",
            "growth",
            "{ normal = { mean = 0.025, sd = 0.01 } }",
        )
        .set("demand", "variability", if noise { "0.03" } else { "0.0" })
        .set(
            "demand",
            "count_noise",
            if noise { "true" } else { "false" },
        )
        .set("costs", "unit_cost", "{ pert = [1_200, 1_490, 2_100] }")
        .set(
            "costs",
            "cashable_share_short",
            "{ pert = [0.1, 0.25, 0.4] }",
        )
        .set(
            "costs",
            "cashable_share_long",
            "{ pert = [0.4, 0.6, 0.85] }",
        )
        .set("plan", "target_reduction", "0.03")
        .set("p4p", "value_per_admission", "1_490")
        .without_schemes()
        .scheme(
            "Reablement",
            &[
                ("annual_cost", "600_000"),
                ("effect", "{ pert = [0.0, 0.015, 0.04] }"),
                ("ramp_years", "{ uniform = [0.5, 1.5] }"),
                ("success_probability", "0.8"),
            ],
        )
        .scheme(
            "Rapid response",
            &[
                ("annual_cost", "400_000"),
                ("effect", "{ uniform = [0.0, 0.02] }"),
                ("ramp_years", "1.0"),
            ],
        )
        .toml()
}

const HEADER: &str = "area,pooled,baseline_admissions,target_reduction";

fn portfolio(csv: &str, factors: Factors) -> Portfolio {
    Portfolio::from_text(&template(true), "t.toml", csv, "areas.csv")
        .expect("valid portfolio")
        .with_factors(factors)
        .expect("valid factors")
}

fn options(paths: u64, threads: usize) -> RunOptions {
    RunOptions {
        paths,
        seed: 11,
        threads: Some(threads),
    }
}

fn input_dist(p: &Portfolio, area: usize, name: &str) -> String {
    let s = p.area_scenario(area).expect("area");
    let i = s.input_index(name).expect("input");
    s.inputs()[i].dist().describe()
}

#[test]
fn a_portfolio_of_one_area_equals_a_single_run_bit_for_bit() {
    let p = portfolio(
        &format!("{HEADER}\nAnyshire,12000000,18000,0.035\n"),
        Factors::default(),
    );
    let paths = 1_500; // more than one block of 1,024, so a partial block too
    let nat = national::simulate(&p, &options(paths, 2), &|_| {}).expect("national run");
    let scenario = p.area_scenario(0).expect("area");
    let single = simulate(
        scenario,
        &RunOptions {
            paths,
            seed: area_seed(11, "Anyshire"),
            threads: Some(1),
        },
        &|_| {},
    )
    .expect("single run");
    for (i, (n, s)) in nat.paths().iter().zip(single.path_summaries()).enumerate() {
        for (what, a, b) in [
            ("cum_net", n.cum_net, s.cum_net),
            ("avoided", n.avoided, s.avoided),
            ("npv", n.npv, s.npv),
            ("released", n.released, s.released),
            ("withheld", n.withheld, s.withheld),
            ("contingency", n.contingency, s.contingency),
            ("commissioner", n.commissioner, s.commissioner),
        ] {
            assert_eq!(a.to_bits(), b.to_bits(), "path {i} {what}: {a} vs {b}");
        }
    }
    assert_eq!(nat.paths().len(), single.paths());
    // The national per-period fan is the single run's cumulative net.
    let summary = carefund::summarise(scenario, &single);
    for (np, sp) in nat.periods.iter().zip(&summary.periods) {
        let q = sp.quantities[carefund::Quantity::CumNet];
        assert_eq!(np.cum_net.p50.to_bits(), q.p50.to_bits(), "{}", np.label);
        assert_eq!(np.cum_net.mean.to_bits(), q.mean.to_bits(), "{}", np.label);
    }
    assert_eq!(nat.areas[0].rating, summary.rating);
    assert_eq!(
        nat.areas[0].p_break_even.to_bits(),
        summary.headline.p_break_even.to_bits()
    );
}

#[test]
fn results_do_not_depend_on_threads_or_row_order() {
    let rows = ["North,8000000,15000,0.03", "South,14000000,26000,0.035"];
    let f = Factors {
        effect_correlation: 0.4,
        growth_correlation: 0.6,
    };
    let a = portfolio(&format!("{HEADER}\n{}\n{}\n", rows[0], rows[1]), f);
    let b = portfolio(&format!("{HEADER}\n{}\n{}\n", rows[1], rows[0]), f);
    let one = national::simulate(&a, &options(1_200, 1), &|_| {}).expect("run");
    let two = national::simulate(&a, &options(1_200, 2), &|_| {}).expect("run");
    let swapped = national::simulate(&b, &options(1_200, 2), &|_| {}).expect("run");
    for ((x, y), z) in one.paths().iter().zip(two.paths()).zip(swapped.paths()) {
        assert_eq!(x.cum_net.to_bits(), y.cum_net.to_bits());
        // Row order changes only the order of a two-term sum.
        assert!((x.cum_net - z.cum_net).abs() <= 1e-9 * x.cum_net.abs().max(1.0));
    }
    assert_eq!(
        one.areas[0].p_break_even.to_bits(),
        swapped.areas[1].p_break_even.to_bits()
    );
}

/// Sample variance (n − 1).
fn variance(x: &[f64]) -> f64 {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (n - 1.0)
}

#[test]
fn at_correlation_zero_the_national_variance_is_the_sum_of_the_areas() {
    let csv =
        format!("{HEADER}\nA,9000000,18000,0.03\nB,12000000,24000,0.03\nC,6000000,11000,0.03\n");
    let p = portfolio(&csv, Factors::default());
    let n = 6_000;
    let nat = national::simulate(&p, &options(n, 2), &|_| {}).expect("run");
    let total: Vec<f64> = nat.paths().iter().map(|p| p.avoided).collect();
    let var_total = variance(&total);
    let sum_areas: f64 = nat.areas.iter().map(|a| a.avoided_sd * a.avoided_sd).sum();
    // Independent areas: Var(Σ) = Σ Var. The sample variance of n draws has relative
    // standard error about √(2/(n−1)) (normal case; the avoided totals here are smooth,
    // light-tailed functions of bounded inputs), and the difference of the two estimates
    // (from the same paths) has at most twice that; allow 4 such standard errors.
    let se = 2.0 * (2.0 / (n as f64 - 1.0)).sqrt();
    let rel = (var_total - sum_areas) / sum_areas;
    assert!(
        rel.abs() < 4.0 * se,
        "relative difference {rel} vs 4 SE {}",
        4.0 * se
    );

    // With both shocks fully shared the areas move together and the variance of the
    // total is far above the sum (for perfectly correlated areas it is (Σ sd)²).
    let p1 = portfolio(
        &csv,
        Factors {
            effect_correlation: 1.0,
            growth_correlation: 1.0,
        },
    );
    let nat1 = national::simulate(&p1, &options(n, 2), &|_| {}).expect("run");
    let total1: Vec<f64> = nat1.paths().iter().map(|p| p.avoided).collect();
    let sum1: f64 = nat1.areas.iter().map(|a| a.avoided_sd * a.avoided_sd).sum();
    assert!(
        variance(&total1) > 1.5 * sum1,
        "{} vs {sum1}",
        variance(&total1)
    );
}

/// Spearman rank correlation.
fn spearman(x: &[f64], y: &[f64]) -> f64 {
    let rank = |v: &[f64]| {
        let mut idx: Vec<usize> = (0..v.len()).collect();
        idx.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
        let mut r = vec![0.0; v.len()];
        for (k, &i) in idx.iter().enumerate() {
            r[i] = k as f64;
        }
        r
    };
    let (rx, ry) = (rank(x), rank(y));
    let n = x.len() as f64;
    let m = (n - 1.0) / 2.0;
    let cov: f64 = rx.iter().zip(&ry).map(|(a, b)| (a - m) * (b - m)).sum();
    let var: f64 = rx.iter().map(|a| (a - m) * (a - m)).sum();
    cov / var
}

#[test]
fn correlation_one_moves_identical_areas_together_and_zero_leaves_them_independent() {
    let csv = format!("{HEADER}\nTwin one,10000000,20000,0.03\nTwin two,10000000,20000,0.03\n");
    let effect = "scheme.Reablement.effect";
    let draws = |f: Factors, name: &str| -> (Vec<f64>, Vec<f64>) {
        let p = portfolio(&csv, f);
        let k = p
            .area_scenario(0)
            .and_then(|s| s.input_index(name))
            .expect("input");
        (0..2_000u64)
            .map(|path| {
                let a = p.area_inputs(0, 5, path).expect("area 0");
                let b = p.area_inputs(1, 5, path).expect("area 1");
                (a[k], b[k])
            })
            .unzip()
    };
    let one = Factors {
        effect_correlation: 1.0,
        growth_correlation: 1.0,
    };
    for name in [effect, "scheme.Rapid response.effect", "demand.growth"] {
        let (a, b) = draws(one, name);
        assert!((spearman(&a, &b) - 1.0).abs() < 1e-12, "{name}");
        assert!(
            a.iter().zip(&b).all(|(x, y)| (x - y).abs() < 1e-12),
            "{name}"
        );
    }
    // Rank correlation at ρ = 0: mean 0, standard error about 1/√(n−1) = 0.022; 4 SE.
    let (a, b) = draws(Factors::default(), effect);
    assert!(spearman(&a, &b).abs() < 4.0 / (1_999f64).sqrt());
    // ρ = 0.5 on effects only: latent correlation 0.5 → rank correlation
    // (6/π)·asin(0.25) = 0.4826; growth stays independent.
    let half = Factors {
        effect_correlation: 0.5,
        growth_correlation: 0.0,
    };
    let (a, b) = draws(half, effect);
    let r = spearman(&a, &b);
    assert!((r - 0.4826).abs() < 4.0 * 0.02, "rank correlation {r}");
    let (a, b) = draws(half, "demand.growth");
    assert!(spearman(&a, &b).abs() < 4.0 / (1_999f64).sqrt());
}

#[test]
fn override_columns_set_inputs_for_their_area_only() {
    let csv = format!(
        "{HEADER},demand.growth,scheme.Reablement.effect,scheme.Rapid response.annual_cost\n\
         Fixed,10000000,20000,0.03,0.04,\"{{ pert = [0.0, 0.02, 0.05] }}\",123456\n\
         Template,20000000,20000,0.03,,,\n"
    );
    let p = portfolio(&csv, Factors::default());
    let fixed = p.area_scenario(0).expect("area");
    assert_eq!(fixed.name(), "Test template — Fixed");
    let g = fixed.input_index("demand.growth").expect("growth");
    assert!(fixed.inputs()[g].dist().is_fixed());
    assert!((fixed.inputs()[g].central() - 0.04).abs() < 1e-15);
    assert_eq!(
        input_dist(&p, 0, "scheme.Reablement.effect"),
        input_dist(
            &Portfolio::from_text(
                &template(true).replace("[0.0, 0.015, 0.04]", "[0.0, 0.02, 0.05]"),
                "t.toml",
                &format!("{HEADER}\nX,10000000,20000,0.03\n"),
                "a.csv"
            )
            .expect("valid"),
            0,
            "scheme.Reablement.effect"
        )
    );
    // Empty cells keep the template.
    assert_eq!(
        input_dist(&p, 1, "demand.growth"),
        input_dist(&p, 1, "demand.growth")
    );
    assert!(
        !p.area_scenario(1).expect("area").inputs()[g]
            .dist()
            .is_fixed()
    );
    // Scheme spend scales with the pool unless a column sets it.
    let costs = |i: usize| -> Vec<f64> {
        p.area_scenario(i)
            .expect("area")
            .schemes()
            .iter()
            .map(|s| s.annual_cost())
            .collect()
    };
    assert_eq!(costs(0), vec![600_000.0, 123_456.0]);
    assert_eq!(costs(1), vec![1_200_000.0, 800_000.0]);
    assert!((p.area_scenario(1).expect("area").pooled() - 20e6).abs() < 1e-6);
}

fn diagnostic(csv: &str) -> carefund::Diagnostic {
    match Portfolio::from_text(&template(true), "t.toml", csv, "areas.csv") {
        Err(Error::Input(d)) => *d,
        Err(e) => panic!("wrong error kind: {e}"),
        Ok(_) => panic!("accepted a bad areas file: {csv}"),
    }
}

#[test]
fn bad_rows_name_the_file_line_column_and_value() {
    // A value the scenario check rejects: mapped back to its cell.
    let d = diagnostic(&format!("{HEADER}\nA,1000,2000,0.03\nB,1000,2000,1.7\n"));
    assert_eq!(d.file, "areas.csv");
    assert_eq!((d.line, d.column), (Some(3), Some(4)));
    assert_eq!(d.key.as_deref(), Some("target_reduction"));
    assert_eq!(d.value.as_deref(), Some("1.7"));
    assert!(d.problem.contains("area `B`"), "{d}");
    assert!(d.allowed.is_some(), "{d}");

    // Not a number.
    let d = diagnostic(&format!("{HEADER}\nA,lots,2000,0.03\n"));
    assert_eq!(
        (d.line, d.column, d.value.as_deref()),
        (Some(2), Some(2), Some("lots"))
    );
    assert!(d.to_string().contains("not a number"), "{d}");

    // A distribution override with a bad parameter.
    let d = diagnostic(&format!(
        "{HEADER},scheme.Reablement.effect\nA,1000,2000,0.03,\"{{ pert = [0.05, 0.01, 0.0] }}\"\n"
    ));
    assert_eq!((d.line, d.column), (Some(2), Some(5)));
    assert_eq!(d.key.as_deref(), Some("scheme.Reablement.effect"));

    // Unknown column, with a suggestion.
    let d = diagnostic(&format!("{HEADER},demand.grwth\nA,1000,2000,0.03,0.01\n"));
    assert_eq!((d.line, d.column), (Some(1), Some(5)));
    let d = diagnostic(&format!(
        "{HEADER},scheme.Reablment.effect\nA,1000,2000,0.03,0.01\n"
    ));
    assert_eq!(
        d.suggestion.as_deref(),
        Some("scheme.Reablement.effect"),
        "{d}"
    );
    let d = diagnostic(&format!(
        "{HEADER},scenario.horizon_years\nA,1000,2000,0.03,9\n"
    ));
    assert!(d.problem.contains("[scenario]"), "{d}");

    // Missing column, duplicate and empty area names, empty required cell, ragged row.
    let d = diagnostic("area,pooled,baseline_admissions\nA,1000,2000\n");
    assert!(d.problem.contains("target_reduction"), "{d}");
    let d = diagnostic(&format!("{HEADER}\nA,1000,2000,0.03\nA,1000,2000,0.03\n"));
    assert_eq!(d.line, Some(3));
    assert!(d.problem.contains("line 2"), "{d}");
    let d = diagnostic(&format!("{HEADER}\n,1000,2000,0.03\n"));
    assert_eq!((d.line, d.column), (Some(2), Some(1)));
    let d = diagnostic(&format!("{HEADER}\nA,,2000,0.03\n"));
    assert_eq!((d.line, d.column), (Some(2), Some(2)));
    let d = diagnostic(&format!("{HEADER}\nA,1000,2000\n"));
    assert_eq!(d.line, Some(2));
    let d = diagnostic(&format!("{HEADER}\n"));
    assert!(d.problem.contains("no rows"), "{d}");
}

#[test]
fn the_national_table_of_the_template_is_read_and_checked() {
    let with = |table: &str| template(true) + table;
    let csv = format!("{HEADER}\nA,1000,2000,0.03\n");
    let p = Portfolio::from_text(
        &with("\n[national]\neffect_correlation = 0.3\ngrowth_correlation = 0.5\n"),
        "t.toml",
        &csv,
        "a.csv",
    )
    .expect("valid");
    assert!((p.factors().effect_correlation - 0.3).abs() < 1e-15);
    assert!((p.factors().growth_correlation - 0.5).abs() < 1e-15);
    // A single run of the same file ignores the table.
    assert!(
        carefund::Scenario::from_toml(&with("\n[national]\neffect_correlation = 0.3\n"), "t")
            .is_ok()
    );
    match Portfolio::from_text(
        &with("\n[national]\neffect_correlation = 1.3\n"),
        "t.toml",
        &csv,
        "a.csv",
    ) {
        Err(Error::Input(d)) => {
            assert_eq!(d.key.as_deref(), Some("national.effect_correlation"));
            assert!(d.line.is_some());
        }
        other => panic!("accepted a correlation of 1.3: {:?}", other.err()),
    }
    assert!(
        Portfolio::from_text(
            &with("\n[national]\neffect_corelation = 0.3\n"),
            "t.toml",
            &csv,
            "a.csv"
        )
        .is_err()
    );
    assert!(
        p.with_factors(Factors {
            effect_correlation: -0.1,
            growth_correlation: 0.0
        })
        .is_err()
    );
}

#[test]
fn the_shipped_national_files_load_and_sum_to_the_national_figures() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/national/");
    let t = std::fs::read_to_string(format!("{root}england-2015.toml")).expect("template");
    let a = std::fs::read_to_string(format!("{root}areas-synthetic.csv")).expect("areas");
    let p =
        Portfolio::from_text(&t, "england-2015.toml", &a, "areas-synthetic.csv").expect("valid");
    assert_eq!(p.areas().len(), 151);
    let pooled: f64 = (0..151)
        .map(|i| p.area_scenario(i).expect("area").pooled())
        .sum();
    assert!((pooled - 5.3e9).abs() < 1.0, "{pooled}");
    // Σ target × baseline ≈ 106,000 planned fewer admissions (NAO HC 1011).
    let nat = national::simulate(&p, &options(64, 2), &|_| {}).expect("run");
    let planned: f64 = nat
        .areas
        .iter()
        .map(|a| a.target_reduction * a.baseline_admissions)
        .sum();
    let base: f64 = nat.areas.iter().map(|a| a.baseline_admissions).sum();
    assert!((base - 3.45e6).abs() < 0.5, "{base}");
    assert!((planned / base - 0.0307).abs() < 5e-5, "{}", planned / base);
    assert_eq!(nat.ratings.iter().map(|r| r.areas).sum::<usize>(), 151);
}
