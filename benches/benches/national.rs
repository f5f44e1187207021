//! The national portfolio: 151 synthetic areas × 10,000 paths each on the shipped England
//! 2015/16 template; see benches/README.md.

use std::hint::black_box;
use std::time::Duration;

use carefund::RunOptions;
use carefund::national::{Portfolio, simulate};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const TEMPLATE: &str = include_str!("../../data/national/england-2015.toml");
const AREAS: &str = include_str!("../../data/national/areas-synthetic.csv");

fn national(c: &mut Criterion) {
    let portfolio =
        match Portfolio::from_text(TEMPLATE, "england-2015.toml", AREAS, "areas-synthetic.csv") {
            Ok(p) => p,
            Err(e) => panic!("the shipped national files must load: {e}"),
        };
    let paths = 10_000;
    let mut group = c.benchmark_group("national");
    group.throughput(Throughput::Elements(paths * portfolio.areas().len() as u64));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(60));
    let options = RunOptions {
        paths,
        seed: 1,
        threads: Some(2),
    };
    group.bench_function("151_areas_10k_paths_2_threads", |b| {
        b.iter(|| simulate(black_box(&portfolio), &options, &|_| {}))
    });
    group.finish();
}

criterion_group!(benches, national);
criterion_main!(benches);
