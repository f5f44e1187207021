//! Each sampler on its own: a Swindon path's uniforms (with and without the copula), its
//! inverse CDFs, its per-period noise, and each distribution kind's inverse CDF. See
//! benches/README.md.

use std::hint::black_box;

use carefund::dist::{std_cdf, std_inverse_cdf};
use carefund::model::Model;
use carefund::quantile::Quantile;
use carefund::sample::Sampler;
use carefund::scenario::Input;
use carefund::{Scenario, rng};
use carefund_benches::{SWINDON, Scratch, load};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const PATHS: u64 = 1024;

/// Per path, 1024 paths of Swindon: uniforms, values, noise.
fn per_path(c: &mut Criterion) {
    let scenario = load(SWINDON, "swindon-2015.toml");
    // The same scenario without its [[correlation]] table: the difference is the copula.
    let cut = SWINDON.find("[[correlation]]").unwrap_or(SWINDON.len());
    let independent = load(&SWINDON[..cut], "swindon-2015-no-copula.toml");
    let mut group = c.benchmark_group("sampler");
    group.throughput(Throughput::Elements(PATHS));
    for (name, sc) in [
        ("uniforms", &scenario),
        ("uniforms_no_copula", &independent),
    ] {
        let sampler = Sampler::new(sc, 1);
        let mut s = Scratch::new(sc);
        group.bench_function(format!("{name}_1024_paths"), |b| {
            b.iter(|| {
                let mut acc = 0.0;
                for path in 0..PATHS {
                    sampler.uniforms(path, &mut s.u, &mut s.z);
                    acc += s.u[0];
                }
                acc
            })
        });
    }
    let sampler = Sampler::new(&scenario, 1);
    let mut s = Scratch::new(&scenario);
    let uniforms: Vec<Vec<f64>> = (0..PATHS)
        .map(|path| {
            sampler.uniforms(path, &mut s.u, &mut s.z);
            s.u.clone()
        })
        .collect();
    group.bench_function("values_1024_paths", |b| {
        b.iter(|| {
            let mut acc = 0.0;
            for u in &uniforms {
                sampler.values(black_box(u), &mut s.x);
                acc += s.x[0];
            }
            acc
        })
    });
    let model = Model::new(&scenario);
    sampler.values(&uniforms[0], &mut s.x);
    group.bench_function("noise_20_periods_1024_paths", |b| {
        b.iter(|| {
            let mut acc = 0.0;
            for path in 0..PATHS {
                let mut noise = sampler.noise(path);
                model.counterfactual(&s.x, &mut noise, &mut s.counts);
                acc += s.counts[19];
            }
            acc
        })
    });
    // One stream seeded and one uniform drawn: the unit cost of a drawing input.
    let key = rng::stream_key(1, "demand.growth");
    group.bench_function("stream_and_uniform_1024", |b| {
        b.iter(|| {
            (0..PATHS)
                .map(|p| rng::open_uniform(&mut rng::stream(key, black_box(p))))
                .sum::<f64>()
        })
    });
    group.finish();
}

fn input<'a>(scenario: &'a Scenario, name: &str) -> &'a Input {
    match scenario.input_index(name) {
        Some(i) => &scenario.inputs()[i],
        None => panic!("no input {name}"),
    }
}

/// Each distribution kind's inverse CDF at 1024 uniforms, with Swindon's parameters.
fn inverse_cdfs(c: &mut Criterion) {
    let scenario = load(SWINDON, "swindon-2015.toml");
    let kinds = [
        ("uniform", "scheme.Protecting adult social care.effect"),
        ("triangular", "costs.cashable_share_long"),
        ("pert", "costs.unit_cost"),
        ("normal_truncated", "demand.growth"),
        (
            "lognormal",
            "scheme.Reablement and intermediate care.cost_overrun",
        ),
        ("beta", "scheme.Care-home support and telecare.effect"),
        (
            "bernoulli",
            "scheme.Reablement and intermediate care.success_probability",
        ),
    ];
    let us: Vec<f64> = (0..1024).map(|i| (f64::from(i) + 0.5) / 1024.0).collect();
    let mut group = c.benchmark_group("inverse_cdf");
    group.throughput(Throughput::Elements(us.len() as u64));
    for (kind, name) in kinds {
        // What Sampler::values evaluates: the input's prepared inverse CDF.
        let q = Quantile::of(input(&scenario, name));
        group.bench_function(format!("{kind}_1024"), |b| {
            b.iter(|| black_box(&us).iter().map(|&u| q.at(u)).sum::<f64>())
        });
        if matches!(kind, "pert" | "beta") {
            // Dist::inverse_cdf, i.e. statrs' inverse of the regularised incomplete beta.
            let dist = input(&scenario, name).dist().clone();
            group.bench_function(format!("{kind}_statrs_1024"), |b| {
                b.iter(|| {
                    black_box(&us)
                        .iter()
                        .map(|&u| dist.inverse_cdf(u))
                        .sum::<f64>()
                })
            });
        }
    }
    group.bench_function("std_normal_quantile_1024", |b| {
        b.iter(|| {
            black_box(&us)
                .iter()
                .map(|&u| std_inverse_cdf(u))
                .sum::<f64>()
        })
    });
    group.bench_function("std_normal_cdf_1024", |b| {
        b.iter(|| {
            black_box(&us)
                .iter()
                .map(|&u| std_cdf(4.0 * u - 2.0))
                .sum::<f64>()
        })
    });
    group.finish();
}

criterion_group!(benches, per_path, inverse_cdfs);
criterion_main!(benches);
