//! The per-period percentile sketch (`carefund::columns::Sketch`): nanoseconds per value
//! added, on the values a sketched run adds (every column of a 1,024-path block of
//! Swindon, 300 columns), into sketches that already hold a block (the steady state of
//! a run) and into empty ones (growth included). See benches/README.md.

use std::hint::black_box;

use carefund::columns::{Percentiles, Sketch};
use carefund::engine::{Layout, simulate_with};
use carefund::{Quantity, RunOptions};
use carefund_benches::{SWINDON, load};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn add(c: &mut Criterion) {
    let scenario = load(SWINDON, "swindon-2015.toml");
    let options = RunOptions {
        paths: 1024,
        seed: 1,
        threads: Some(1),
    };
    let layout = Layout {
        percentiles: Percentiles::Exact,
        shard: None,
    };
    let sim = simulate_with(&scenario, &options, &layout, &|_| {}).expect("run");
    let periods = scenario.timeline().periods();
    let columns: Vec<Vec<f64>> = Quantity::ALL
        .iter()
        .flat_map(|&q| (0..periods).map(move |t| (q, t)))
        .map(|(q, t)| sim.column(q, t).expect("exact run"))
        .collect();
    let values: usize = columns.iter().map(Vec::len).sum();
    let mut group = c.benchmark_group("sketch");
    group.throughput(Throughput::Elements(values as u64));
    let mut warm: Vec<Sketch> = columns
        .iter()
        .map(|col| {
            let mut s = Sketch::new();
            s.add_all(col);
            s
        })
        .collect();
    group.bench_function("add_swindon_block_300_columns", |b| {
        b.iter(|| {
            for (s, col) in warm.iter_mut().zip(&columns) {
                s.add_all(black_box(col));
            }
        })
    });
    group.bench_function("add_swindon_block_300_columns_empty", |b| {
        b.iter(|| {
            let mut fresh = vec![Sketch::new(); columns.len()];
            for (s, col) in fresh.iter_mut().zip(&columns) {
                s.add_all(black_box(col));
            }
            fresh
        })
    });
    group.finish();
    let buckets: usize = warm.iter().map(Sketch::buckets).sum();
    println!(
        "sketch: {} columns, {:.0} buckets a column on average",
        columns.len(),
        buckets as f64 / columns.len() as f64
    );
}

criterion_group!(benches, add);
criterion_main!(benches);
