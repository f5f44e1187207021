//! Bounded memory and sharded runs (issue 7): sketched percentiles meet their bound,
//! everything else is unchanged, and merged shards equal the single run.

use carefund::columns::{Percentiles, RELATIVE_ACCURACY, SKETCH_ZERO};
use carefund::engine::{Layout, Shard, memory_estimate, simulate_with};
use carefund::evidence::Evidence;
use carefund::scenario::Sampling;
use carefund::shard::{self, Source};
use carefund::stats::PERCENTILES;
use carefund::{Model, Quantity, RunOptions, Scenario, Simulation, summarise};

const SWINDON: &str = include_str!("../../../data/scenarios/swindon-2015.toml");

fn swindon() -> Scenario {
    Scenario::from_toml(SWINDON, "swindon-2015.toml").expect("Swindon loads")
}

/// Not a multiple of the block size, so the last block is short.
const OPTIONS: RunOptions = RunOptions {
    paths: 5_000,
    seed: 7,
    threads: Some(2),
};

fn run(s: &Scenario, options: &RunOptions, layout: Layout) -> Simulation {
    simulate_with(s, options, &layout, &|_| {}).expect("run")
}

fn layout(percentiles: Percentiles) -> Layout {
    Layout {
        percentiles,
        shard: None,
    }
}

fn summary_json(s: &Scenario, sim: &Simulation) -> serde_json::Value {
    let mut v = serde_json::to_value(summarise(s, sim)).expect("json");
    // Fields that say how the run was made, not what it found.
    for key in ["threads", "percentile_definition", "per_period_percentiles"] {
        v["meta"].as_object_mut().expect("meta").remove(key);
    }
    v
}

/// Sketching changes per-period percentiles only, each within its documented bound of
/// the exact order statistic (≤ 0.1% relative); per-path results, means, SDs, SEs and
/// headline figures are bit for bit those of the exact run. Every shipped scenario.
#[test]
fn sketched_percentiles_are_within_their_bound_and_nothing_else_changes() {
    const { assert!(RELATIVE_ACCURACY <= 0.001) };
    for (text, name) in [
        (SWINDON, "swindon-2015.toml"),
        (
            include_str!("../../../data/scenarios/swindon-2015-slow-ramps.toml"),
            "swindon-2015-slow-ramps.toml",
        ),
        (
            include_str!("../../../data/scenarios/valencia-alzira.toml"),
            "valencia-alzira.toml",
        ),
    ] {
        let s = Scenario::from_toml(text, name).expect("shipped scenario loads");
        sketched_percentiles_meet_the_bound(&s);
    }
}

fn sketched_percentiles_meet_the_bound(s: &Scenario) {
    let s = s.clone();
    let exact = run(&s, &OPTIONS, layout(Percentiles::Exact));
    let sketch = run(&s, &OPTIONS, layout(Percentiles::Sketch));
    assert_eq!(exact.percentiles(), Percentiles::Exact);
    assert_eq!(sketch.percentiles(), Percentiles::Sketch);
    assert!(sketch.column(Quantity::CumNet, 0).is_none());
    assert_eq!(exact.path_summaries(), sketch.path_summaries());
    let (a, b) = (summarise(&s, &exact), summarise(&s, &sketch));
    assert_eq!(
        serde_json::to_value(&a.headline).unwrap(),
        serde_json::to_value(&b.headline).unwrap()
    );
    let n = OPTIONS.paths as usize;
    let mut checked = 0;
    for (pa, pb) in a.periods.iter().zip(&b.periods) {
        for &q in &Quantity::ALL {
            let (x, y) = (pa.quantities[q], pb.quantities[q]);
            assert_eq!(
                x.mean.to_bits(),
                y.mean.to_bits(),
                "{} {}",
                pa.label,
                q.name()
            );
            assert_eq!(x.sd.to_bits(), y.sd.to_bits());
            assert_eq!(x.se.to_bits(), y.se.to_bits());
            let mut column = exact.column(q, pa.index).expect("exact run");
            column.sort_unstable_by(f64::total_cmp);
            for ((p, _), (_, sketched)) in
                PERCENTILES.iter().zip(x.percentiles()).zip(y.percentiles())
            {
                let r = ((n - 1) as f64 * f64::from(*p) / 100.0).floor() as usize;
                let order = column[r];
                assert!(
                    (sketched - order).abs() <= RELATIVE_ACCURACY * order.abs() + SKETCH_ZERO,
                    "{} {} p{p}: sketch {sketched} vs order statistic {order}",
                    pa.label,
                    q.name()
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 9 * Quantity::COUNT * s.timeline().periods());
    for (ya, yb) in a.years.iter().zip(&b.years) {
        assert_eq!(
            ya.p_cum_net_non_negative.to_bits(),
            yb.p_cum_net_non_negative.to_bits()
        );
    }
}

/// Inputs are not stored but drawn again: projecting path p with the redrawn inputs and
/// its own noise gives its stored summary bit for bit, under Monte Carlo and Latin
/// hypercube sampling, and for a shard's paths too.
#[test]
fn redrawn_inputs_reproduce_every_path() {
    for sampling in [Sampling::MonteCarlo, Sampling::LatinHypercube] {
        let mut s = swindon();
        s.set_sampling(sampling);
        let model = Model::new(&s);
        let sampler = carefund::sample::Sampler::for_run(&s, OPTIONS.seed, OPTIONS.paths as usize);
        let shard = run(
            &s,
            &OPTIONS,
            Layout {
                percentiles: Percentiles::Auto,
                shard: Some(Shard { index: 1, count: 2 }),
            },
        );
        let whole = run(&s, &OPTIONS, layout(Percentiles::Auto));
        let k = s.inputs().len();
        let width = Quantity::COUNT * s.timeline().periods();
        let mut row = vec![0.0; width];
        for sim in [&whole, &shard] {
            let inputs = sim.inputs(0..sim.paths());
            for p in (0..sim.paths()).step_by(97) {
                let x = &inputs[p * k..(p + 1) * k];
                assert_eq!(x, sim.path_inputs(p).as_slice());
                let global = (sim.first_path() + p) as u64;
                let mut noise = sampler.noise(global);
                let again = model.project(x, Some(&mut noise), &mut row);
                assert_eq!(again, sim.path_summaries()[p], "{sampling:?} path {global}");
            }
        }
        assert_eq!(shard.first_path(), 2048);
        assert_eq!(shard.path_summaries(), &whole.path_summaries()[2048..]);
    }
}

/// Three shards (run on different thread counts, merged in a scrambled order) give the
/// single sketched run's summary exactly: every number of summary.json.
#[test]
fn merged_shards_equal_the_single_run() {
    let s = swindon();
    let single = run(&s, &OPTIONS, layout(Percentiles::Sketch));
    let mut parts = Vec::new();
    for (index, threads) in [(2, 1), (0, 2), (1, 3)] {
        let options = RunOptions {
            threads: Some(threads),
            ..OPTIONS
        };
        let sim = run(
            &s,
            &options,
            Layout {
                percentiles: Percentiles::Auto,
                shard: Some(Shard { index, count: 3 }),
            },
        );
        parts.push(sim.shard_parts().expect("a shard keeps sketches"));
    }
    let merged = Simulation::merge(&s, &OPTIONS, parts.clone(), 2).expect("merge");
    assert_eq!(summary_json(&s, &merged), summary_json(&s, &single));
    assert_eq!(
        carefund::export::paths_csv(&s, &merged).unwrap(),
        carefund::export::paths_csv(&s, &single).unwrap()
    );
    // A missing or repeated shard is an error, not a smaller run.
    assert!(Simulation::merge(&s, &OPTIONS, parts[..2].to_vec(), 2).is_err());
    let mut twice = parts.clone();
    twice.push(parts[0].clone());
    assert!(Simulation::merge(&s, &OPTIONS, twice, 2).is_err());
}

/// Shard files round-trip through JSON and merge into both runs (plan and evidence);
/// shards of different runs are refused with the files named.
#[test]
fn shard_files_merge_and_refuse_mixed_runs() {
    let s = swindon();
    let source = Source {
        file: "swindon-2015.toml".into(),
        text: SWINDON.into(),
    };
    let evidence = Evidence::shipped().expect("evidence");
    let options = RunOptions {
        paths: 2_500,
        ..OPTIONS
    };
    let files: Vec<(String, shard::ShardFile)> = (0..2)
        .map(|index| {
            let f = shard::run(
                &s,
                &source,
                &evidence,
                None,
                &options,
                Shard { index, count: 2 },
                &|_| {},
            )
            .expect("shard");
            let json = serde_json::to_string(&f).expect("write");
            (
                format!("shard-{index}.json"),
                serde_json::from_str(&json).expect("read"),
            )
        })
        .collect();
    let merged = shard::merge(files.clone()).expect("merge");
    let single = run(&s, &options, layout(Percentiles::Sketch));
    assert_eq!(summary_json(&s, &merged.plan), summary_json(&s, &single));
    let plan_summary = summarise(&s, &single);
    let ev = carefund::evidence::evaluate(&s, &evidence, &single, &plan_summary, &|_| {}).unwrap();
    assert_eq!(
        merged.evidence_run.path_summaries(),
        ev.sim.path_summaries()
    );

    let mut other_seed = files.clone();
    other_seed[1].1.seed += 1;
    let e = shard::merge(other_seed).unwrap_err().to_string();
    assert!(e.contains("shard-1.json") && e.contains("seed"), "{e}");
    let e = shard::merge(vec![files[0].clone()])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("1 of the 2 shards is missing: index 1 (shard-1-of-2.json)"),
        "{e}"
    );
    let e = shard::merge(vec![files[0].clone(), files[0].clone()])
        .unwrap_err()
        .to_string();
    assert!(e.contains("both shard 0/2"), "{e}");
}

/// The memory estimate of a sketched million-path Swindon run is far below the exact
/// one and below 1 GB even for the two runs `carefund run` holds.
#[test]
fn memory_estimate_follows_the_layout() {
    let s = swindon();
    let sketch = memory_estimate(&s, 1_000_000, &layout(Percentiles::Auto), 2);
    let exact = memory_estimate(&s, 1_000_000, &layout(Percentiles::Exact), 2);
    assert!(2 * sketch < 1_000_000_000, "{sketch}");
    assert!(exact > 2_400_000_000, "{exact}");
    // Auto keeps small runs exact.
    assert_eq!(
        memory_estimate(&s, 10_000, &layout(Percentiles::Auto), 2),
        memory_estimate(&s, 10_000, &layout(Percentiles::Exact), 2)
    );
}
