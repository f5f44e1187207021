//! Two-way sensitivity grids (issue 11): common random numbers make cells comparable.

use carefund::twoway::{self, Axis, Metric};
use carefund::{Opt, RunOptions, Scenario};

fn swindon() -> Scenario {
    let text = include_str!("../../../data/scenarios/swindon-2015.toml");
    Scenario::from_toml(text, "swindon-2015.toml").expect("Swindon loads")
}

fn example() -> Scenario {
    Scenario::from_toml(carefund::EXAMPLE_SCENARIO, "example.toml").expect("example loads")
}

const OPTIONS: RunOptions = RunOptions {
    paths: 400,
    seed: 11,
    threads: Some(2),
};

/// The example scenario's first scheme effect, whatever it is called.
fn effect_axis(s: &Scenario, spec: &str) -> Axis {
    let name = s
        .inputs()
        .iter()
        .map(|i| i.name())
        .find(|n| n.starts_with("scheme.") && n.ends_with(".effect"))
        .expect("a scheme")
        .to_string();
    twoway::parse_axis(Opt::AxisX, &format!("{name}={spec}"), s).expect("valid axis")
}

/// More effect never lowers P(break even) on common random numbers: every other draw is
/// identical across a row, and net rises with the effect on every path. Exact, no SE.
#[test]
fn break_even_is_monotone_in_the_effect() {
    let s = example();
    let x = effect_axis(&s, "0:0.06:7");
    let y = twoway::parse_axis(Opt::AxisY, "costs.cashable_share_long=0.2:0.9:3", &s).unwrap();
    for metric in [Metric::PBreakEven, Metric::MeanNpv, Metric::MedianCumNet] {
        let g = twoway::grid(&s, &x, &y, metric, &OPTIONS, &|_, _| {}).unwrap();
        assert_eq!(g.cells.len(), 21);
        for row in g.cells.chunks(7) {
            for w in row.windows(2) {
                assert!(w[1].value >= w[0].value, "{metric:?}: {w:?}");
            }
        }
        // ...and in the cashable share, column by column.
        for i in 0..7 {
            for j in 0..2 {
                let (a, b) = (g.cells[j * 7 + i].value, g.cells[(j + 1) * 7 + i].value);
                assert!(b >= a, "{metric:?}: column {i}: {a} then {b}");
            }
        }
        if metric == Metric::MeanNpv {
            // Strictly: the grid is not flat, so the test can fail.
            assert!(g.cells[6].value > g.cells[0].value);
        }
    }
}

/// Swindon without its one `[[correlation]]` (reablement and rapid-response effects): a
/// file cannot fix a correlated input, while the grid holds it in place and leaves its
/// partner's correlated draws as they were (see `twoway::grid`).
fn swindon_uncorrelated_text() -> String {
    let text = include_str!("../../../data/scenarios/swindon-2015.toml");
    let cut = text
        .find("[[correlation]]")
        .expect("Swindon has a correlation");
    text[..cut].to_string()
}

/// A cell equals a single run with both inputs set to its values in the file, bit for bit.
#[test]
fn a_cell_equals_a_single_run_with_both_inputs_fixed() {
    let base = swindon_uncorrelated_text();
    let s = Scenario::from_toml(&base, "swindon.toml").unwrap();
    let name = "scheme.Reablement and intermediate care.effect";
    let x = twoway::parse_axis(Opt::AxisX, &format!("{name}=0:0.04:3"), &s).unwrap();
    let y = twoway::parse_axis(Opt::AxisY, "costs.cashable_share_long=0.4:0.8:3", &s).unwrap();
    let g = twoway::grid(&s, &x, &y, Metric::MedianCumNet, &OPTIONS, &|_, _| {}).unwrap();
    let cell = g.cells[3 + 1]; // y = 0.6, x = 0.02
    assert_eq!(cell.x.to_bits(), 0.02f64.to_bits());
    assert_eq!(cell.y.to_bits(), 0.6f64.to_bits());

    let text = base
        .replace("effect = { pert = [0.0, 0.010, 0.030] }", "effect = 0.02")
        .replace(
            "cashable_share_long = { triangular = [0.40, 0.60, 0.85] }",
            "cashable_share_long = 0.6",
        );
    let fixed = Scenario::from_toml(&text, "fixed.toml").unwrap();
    assert_eq!(
        fixed.inputs()[fixed.input_index(name).unwrap()]
            .central()
            .to_bits(),
        0.02f64.to_bits()
    );
    let (value, se) = twoway::metric_of(&fixed, &OPTIONS, Metric::MedianCumNet).unwrap();
    assert_eq!(value.to_bits(), cell.value.to_bits());
    assert_eq!(se.to_bits(), cell.se.to_bits());
    // Same for P(break even), through the same path.
    let (p, _) = twoway::metric_of(&fixed, &OPTIONS, Metric::PBreakEven).unwrap();
    let gp = twoway::grid(&s, &x, &y, Metric::PBreakEven, &OPTIONS, &|_, _| {}).unwrap();
    assert_eq!(p.to_bits(), gp.cells[4].value.to_bits());
}

/// The grid does not depend on the number of threads.
#[test]
fn grid_is_independent_of_threads() {
    let s = example();
    let x = effect_axis(&s, "0:0.04:3");
    let y = twoway::parse_axis(Opt::AxisY, "demand.growth=0:0.03:2", &s).unwrap();
    let one = RunOptions {
        threads: Some(1),
        ..OPTIONS
    };
    let a = twoway::grid(&s, &x, &y, Metric::MeanNpv, &one, &|_, _| {}).unwrap();
    let b = twoway::grid(&s, &x, &y, Metric::MeanNpv, &OPTIONS, &|_, _| {}).unwrap();
    assert_eq!(a, b);
}

#[test]
fn axis_specs_are_parsed_and_checked() {
    let s = swindon();
    let a = twoway::parse_axis(Opt::AxisY, "costs.cashable_share_long=0.3:0.9:7", &s).unwrap();
    let v = a.values();
    assert_eq!(v.len(), 7);
    assert!((v[1] - 0.4).abs() < 1e-12 && v[6].to_bits() == 0.9f64.to_bits());
    let err = |spec: &str| {
        twoway::parse_axis(Opt::AxisX, spec, &s)
            .unwrap_err()
            .to_string()
    };
    let e = err("scheme.Reablement.effect=0:0.04:9");
    assert!(e.starts_with("x: no such input"), "{e}");
    assert!(
        e.contains("scheme.Reablement and intermediate care.effect"),
        "{e}"
    );
    assert!(err("costs.cashable_share_long").contains("expected an input name"));
    assert!(err("costs.cashable_share_long=0.3:0.9").contains("three numbers"));
    assert!(err("costs.cashable_share_long=0.9:0.3:7").contains("LO must not exceed HI"));
    assert!(err("costs.cashable_share_long=0.3:0.9:0").contains("COUNT must be 1 to 101"));
    assert!(err("costs.cashable_share_long=0.3:x:7").contains("finite numbers"));
    let e = err("costs.cashable_share_long=0.3:1.5:7");
    assert!(e.contains("allowed values") && e.contains("1.5"), "{e}");
    let x = twoway::parse_axis(Opt::AxisX, "costs.cashable_share_long=0.3:0.9:2", &s).unwrap();
    let e = twoway::grid(&s, &x, &a, Metric::PBreakEven, &OPTIONS, &|_, _| {}).unwrap_err();
    assert!(e.to_string().contains("different inputs"), "{e}");
}

#[test]
fn files_hold_csv_json_and_the_heatmap() {
    let s = example();
    let x = effect_axis(&s, "0:0.04:3");
    let y = twoway::parse_axis(Opt::AxisY, "costs.cashable_share_long=0.3:0.9:2", &s).unwrap();
    let small = RunOptions {
        paths: 100,
        ..OPTIONS
    };
    let g = twoway::grid(&s, &x, &y, Metric::PBreakEven, &small, &|_, _| {}).unwrap();
    let files = twoway::files(&g, &[carefund::chart::Format::Png]).unwrap();
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["twoway.csv", "twoway.json", "twoway.png"]);
    let csv = String::from_utf8(files[0].1.clone()).unwrap();
    assert_eq!(csv.lines().count(), 1 + 6);
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .ends_with(",costs.cashable_share_long,p_break_even,p_break_even_se")
    );
    let json: serde_json::Value = serde_json::from_slice(&files[1].1).unwrap();
    assert_eq!(json["cells"].as_array().unwrap().len(), 6);
    assert_eq!(json["metric"], "p_break_even");
}
