//! CPU time a Swindon path takes in `simulate` (1 thread), the floor, sample + project
//! without storing, and building the run's sampler: process CPU time (user + system,
//! from `/proc/self/stat`, so Linux only) over a fixed number of 10,000-path runs. On a
//! loaded machine this moves much less than criterion's wall clock, which counts the
//! time the thread waits for a core. See benches/README.md.
//!
//! ```sh
//! cargo build --profile bench -p carefund-benches --example cpu_per_path
//! target/release/examples/cpu_per_path simulate 30
//! ```

use std::hint::black_box;

use carefund::model::{Model, Quantity};
use carefund::sample::Sampler;
use carefund::{RunOptions, simulate};
use carefund_benches::{SWINDON, Scratch, floor_path, load};

const PATHS: u64 = 10_000;

/// Seconds of CPU time the process has used (user + system, all threads, 10 ms ticks).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name: state is field 3, utime 14, stime 15.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let field = |i: usize| -> f64 {
        rest.split_whitespace()
            .nth(i - 3)
            .and_then(|f| f.parse().ok())
            .unwrap_or(f64::NAN)
    };
    (field(14) + field(15)) / 100.0
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(what), Some(Ok(runs))) = (args.get(1), args.get(2).map(|n| n.parse::<u32>())) else {
        eprintln!("usage: cpu_per_path simulate|floor|sample_and_project|sampler RUNS");
        std::process::exit(2);
    };
    let scenario = load(SWINDON, "swindon-2015.toml");
    let options = RunOptions {
        paths: PATHS,
        seed: 1,
        threads: Some(1),
    };
    let model = Model::new(&scenario);
    let sampler = Sampler::for_run(&scenario, options.seed, PATHS as usize);
    let mut s = Scratch::new(&scenario);
    let mut row = vec![0.0; Quantity::COUNT * scenario.timeline().periods()];
    let mut one = || -> f64 {
        match what.as_str() {
            "simulate" => match simulate(&scenario, &options, &|_| {}) {
                Ok(sim) => sim.path_summaries()[0].npv,
                Err(e) => panic!("simulate: {e}"),
            },
            "floor" => (0..PATHS)
                .map(|p| floor_path(&model, &sampler, p, &mut s))
                .sum(),
            "sample_and_project" => (0..PATHS)
                .map(|path| {
                    sampler.uniforms(path, &mut s.u, &mut s.z);
                    sampler.values(&s.u, &mut s.x);
                    let mut noise = sampler.noise(path);
                    model.project(&s.x, Some(&mut noise), &mut row).npv
                })
                .sum(),
            "sampler" => {
                let built = Sampler::for_run(black_box(&scenario), options.seed, PATHS as usize);
                black_box(&built);
                0.0
            }
            other => panic!("unknown measure {other}"),
        }
    };
    black_box(one());
    let start = cpu_seconds();
    for _ in 0..runs {
        black_box(one());
    }
    let per_run = (cpu_seconds() - start) / f64::from(runs);
    println!(
        "{what}: {:.1} ms of CPU a 10,000-path run, {:.2} µs a path ({runs} runs)",
        per_run * 1e3,
        per_run * 1e6 / PATHS as f64
    );
}
