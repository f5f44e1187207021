//! Engine throughput on the shipped Swindon and Valencia scenarios, and the floor: the
//! cost of a Swindon path's random draws alone. See benches/README.md.

use std::hint::black_box;

use carefund::model::{Model, Quantity};
use carefund::sample::Sampler;
use carefund::{RunOptions, Scenario, simulate, summarise};
use carefund_benches::{SWINDON, Scratch, VALENCIA, floor_path, load};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const PATHS: u64 = 10_000;
const SEED: u64 = 1;

fn options(threads: usize) -> RunOptions {
    RunOptions {
        paths: PATHS,
        seed: SEED,
        threads: Some(threads),
    }
}

/// simulate at 1 and 2 threads, summarise, then the floor and the per-path work
/// without the engine's storage (one thread, the same 10,000 paths as
/// `simulate_10k_paths_1_threads`).
fn scenario_benches(c: &mut Criterion, group: &str, scenario: &Scenario) {
    let mut group = c.benchmark_group(group);
    group.throughput(Throughput::Elements(PATHS));
    group.sample_size(20);
    for threads in [1, 2] {
        let options = options(threads);
        group.bench_function(format!("simulate_10k_paths_{threads}_threads"), |b| {
            b.iter(|| simulate(black_box(scenario), &options, &|_| {}))
        });
    }
    let sim = match simulate(scenario, &options(2), &|_| {}) {
        Ok(sim) => sim,
        Err(e) => panic!("simulate: {e}"),
    };
    group.bench_function("summarise_10k_paths_2_threads", |b| {
        b.iter(|| summarise(black_box(scenario), black_box(&sim)))
    });
    let model = Model::new(scenario);
    let sampler = Sampler::for_run(scenario, SEED, PATHS as usize);
    let mut s = Scratch::new(scenario);
    group.bench_function("floor_10k_paths", |b| {
        b.iter(|| {
            let mut acc = 0.0;
            for path in 0..PATHS {
                acc += floor_path(&model, &sampler, path, &mut s);
            }
            acc
        })
    });
    // What simulate does per path, minus storing the ledger into the run's arrays.
    let mut row = vec![0.0; Quantity::COUNT * scenario.timeline().periods()];
    group.bench_function("sample_and_project_10k_paths", |b| {
        b.iter(|| {
            let mut acc = 0.0;
            for path in 0..PATHS {
                sampler.uniforms(path, &mut s.u, &mut s.z);
                sampler.values(&s.u, &mut s.x);
                let mut noise = sampler.noise(path);
                acc += model.project(&s.x, Some(&mut noise), &mut row).npv;
            }
            acc
        })
    });
    // The same, storing each path's ledger as simulate does (column-major blocks of
    // 1024 paths: a stride of 8 KiB between a path's values), and storing it through a
    // tile of 8 paths (each column written as one 64-byte line), the layout change the
    // benches README proposes for engine.rs.
    let width = row.len();
    for tiled in [false, true] {
        let name = if tiled {
            "sample_project_store_tiled_10k_paths"
        } else {
            "sample_project_store_10k_paths"
        };
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut ledger = vec![0.0; PATHS as usize * width];
                let mut tile = vec![0.0; 8 * width];
                for (blk, ledger) in ledger.chunks_mut(1024 * width).enumerate() {
                    let len = ledger.len() / width;
                    for j in 0..len {
                        let path = (blk * 1024 + j) as u64;
                        sampler.uniforms(path, &mut s.u, &mut s.z);
                        sampler.values(&s.u, &mut s.x);
                        let mut noise = sampler.noise(path);
                        model.project(&s.x, Some(&mut noise), &mut row);
                        if !tiled {
                            for (c, &value) in row.iter().enumerate() {
                                ledger[c * len + j] = value;
                            }
                            continue;
                        }
                        let k = j % 8;
                        tile[k * width..(k + 1) * width].copy_from_slice(&row);
                        if k == 7 || j + 1 == len {
                            let j0 = j - k;
                            for c in 0..width {
                                for (i, out) in
                                    ledger[c * len + j0..c * len + j + 1].iter_mut().enumerate()
                                {
                                    *out = tile[i * width + c];
                                }
                            }
                        }
                    }
                }
                ledger
            })
        });
    }
    group.finish();
}

fn swindon(c: &mut Criterion) {
    let scenario = load(SWINDON, "swindon-2015.toml");
    scenario_benches(c, "swindon", &scenario);
}

fn valencia(c: &mut Criterion) {
    let scenario = load(VALENCIA, "valencia-alzira.toml");
    scenario_benches(c, "valencia", &scenario);
}

criterion_group!(benches, swindon, valencia);
criterion_main!(benches);
