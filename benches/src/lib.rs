//! Benchmarks for carefund; see benches/README.md.
//!
//! This library holds what the bench binaries share: the shipped scenarios and
//! [`floor_path`], the "floor" that the engine's cost per path is compared with.

use carefund::Scenario;
use carefund::model::Model;
use carefund::sample::Sampler;

/// The shipped Swindon scenario (5 years, quarterly: 20 periods).
pub const SWINDON: &str = include_str!("../../data/scenarios/swindon-2015.toml");
/// The shipped Valencia (Alzira) scenario (20 years, quarterly: 80 periods).
pub const VALENCIA: &str = include_str!("../../data/scenarios/valencia-alzira.toml");

/// Load a shipped scenario (panics if it does not load: benches have no error path).
pub fn load(text: &str, origin: &str) -> Scenario {
    match Scenario::from_toml(text, origin) {
        Ok(s) => s,
        Err(e) => panic!("the shipped scenario {origin} must load: {e}"),
    }
}

/// Scratch space for [`floor_path`], sized for one scenario.
#[derive(Debug, Clone)]
pub struct Scratch {
    /// Uniforms, one per input.
    pub u: Vec<f64>,
    /// Copula scratch.
    pub z: Vec<f64>,
    /// Input values, one per input.
    pub x: Vec<f64>,
    /// Counterfactual admissions, one per period.
    pub counts: Vec<f64>,
}

impl Scratch {
    /// Scratch space for `scenario`.
    pub fn new(scenario: &Scenario) -> Self {
        let k = scenario.inputs().len();
        Self {
            u: vec![0.0; k],
            z: Vec::with_capacity(k),
            x: vec![0.0; k],
            counts: vec![0.0; scenario.timeline().periods()],
        }
    }
}

/// The floor: exactly the random numbers path `path` of a run needs, and nothing else.
///
/// The same generator (Xoshiro256++), the same keyed streams, the same distributions
/// (one uniform per drawing input, the Gaussian copula, each input's inverse CDF; per
/// period a lognormal `ε_t` and a Poisson count with the same mean `λ_t`) and the same
/// number of draws as [`carefund::simulate`]: the test below checks that the inputs and
/// counts are bit-identical to the engine's. What it leaves out is the model's ledger
/// arithmetic (effects, money, perspectives, the path summary) and the engine's storage.
pub fn floor_path(model: &Model, sampler: &Sampler, path: u64, s: &mut Scratch) -> f64 {
    sampler.uniforms(path, &mut s.u, &mut s.z);
    sampler.values(&s.u, &mut s.x);
    let mut noise = sampler.noise(path);
    model.counterfactual(&s.x, &mut noise, &mut s.counts);
    // Something that depends on every draw, so none of them can be optimised away.
    s.x.iter().sum::<f64>() + s.counts.iter().sum::<f64>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use carefund::{Quantity, RunOptions, simulate};

    #[test]
    fn the_floor_draws_exactly_what_the_engine_draws() {
        for (text, origin) in [(SWINDON, "swindon"), (VALENCIA, "valencia")] {
            let scenario = load(text, origin);
            let options = RunOptions {
                paths: 1100, // more than one block of 1024
                seed: 3,
                threads: Some(2),
            };
            let sim = simulate(&scenario, &options, &|_| {}).expect("runs");
            let model = Model::new(&scenario);
            let sampler = Sampler::for_run(&scenario, options.seed, 1100);
            let mut s = Scratch::new(&scenario);
            for p in [0usize, 1, 1023, 1024, 1099] {
                floor_path(&model, &sampler, p as u64, &mut s);
                let same = |a: &[f64], b: &[f64]| {
                    a.len() == b.len() && a.iter().zip(b).all(|(a, b)| a.to_bits() == b.to_bits())
                };
                assert!(same(&s.x, &sim.path_inputs(p)), "{origin} path {p}: inputs");
                assert!(
                    same(
                        &s.counts,
                        &sim.path_series(p, Quantity::Counterfactual)
                            .expect("exact run"),
                    ),
                    "{origin} path {p}: counts"
                );
            }
        }
    }
}
