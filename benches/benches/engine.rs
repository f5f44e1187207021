//! Engine throughput on the shipped Swindon scenario; see benches/README.md.

use std::hint::black_box;

use carefund::{RunOptions, Scenario, simulate, summarise};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const SWINDON: &str = include_str!("../../data/scenarios/swindon-2015.toml");

fn swindon() -> Scenario {
    match Scenario::from_toml(SWINDON, "swindon-2015.toml") {
        Ok(s) => s,
        Err(e) => panic!("the shipped Swindon scenario must load: {e}"),
    }
}

fn engine(c: &mut Criterion) {
    let scenario = swindon();
    let paths = 10_000;
    let mut group = c.benchmark_group("swindon");
    group.throughput(Throughput::Elements(paths));
    group.sample_size(20);
    for threads in [1, 2] {
        let options = RunOptions {
            paths,
            seed: 1,
            threads: Some(threads),
        };
        group.bench_function(format!("simulate_10k_paths_{threads}_threads"), |b| {
            b.iter(|| simulate(black_box(&scenario), &options, &|_| {}))
        });
    }
    let options = RunOptions {
        paths,
        seed: 1,
        threads: Some(2),
    };
    let sim = match simulate(&scenario, &options, &|_| {}) {
        Ok(sim) => sim,
        Err(e) => panic!("simulate: {e}"),
    };
    group.bench_function("summarise_10k_paths_2_threads", |b| {
        b.iter(|| summarise(black_box(&scenario), black_box(&sim)))
    });
    group.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
