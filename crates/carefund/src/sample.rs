//! Per-path inputs: uniforms from each input's own stream, the copula, inverse CDFs.

use crate::model::Noise;
use crate::rng::{COUNT_STREAM, EPSILON_STREAM, open_uniform, stream, stream_key};
use crate::scenario::Scenario;

/// Draws one path's inputs and noise for a scenario under a seed.
#[derive(Debug, Clone)]
pub struct Sampler<'a> {
    scenario: &'a Scenario,
    /// Stream key of each input (unused for fixed inputs).
    keys: Vec<u64>,
    /// Whether each input is a member of the copula.
    correlated: Vec<bool>,
    eps_key: u64,
    count_key: u64,
}

impl<'a> Sampler<'a> {
    /// A sampler for `scenario` under `seed`.
    pub fn new(scenario: &'a Scenario, seed: u64) -> Self {
        Self {
            scenario,
            keys: scenario
                .inputs
                .iter()
                .map(|i| stream_key(seed, &i.name))
                .collect(),
            correlated: (0..scenario.inputs.len())
                .map(|k| {
                    scenario
                        .copula
                        .as_ref()
                        .is_some_and(|c| c.members.contains(&k))
                })
                .collect(),
            eps_key: stream_key(seed, EPSILON_STREAM),
            count_key: stream_key(seed, COUNT_STREAM),
        }
    }

    /// The uniforms of path `path`, correlated by the scenario's copula (fixed inputs get
    /// 0.5, which they ignore). `z` is scratch space.
    pub fn uniforms(&self, path: u64, u: &mut [f64], z: &mut Vec<f64>) {
        for (k, ((u, input), &key)) in u
            .iter_mut()
            .zip(&self.scenario.inputs)
            .zip(&self.keys)
            .enumerate()
        {
            // Copula members always draw, so that an overlay fixing one of them does not
            // change the correlated draws of the others.
            *u = if input.is_fixed() && !self.correlated[k] {
                0.5
            } else {
                open_uniform(&mut stream(key, path))
            };
        }
        if let Some(copula) = &self.scenario.copula {
            copula.correlate(u, z);
        }
    }

    /// Map uniforms to input values through each input's inverse CDF (clamped to the
    /// input's allowed range).
    pub fn values(&self, u: &[f64], x: &mut [f64]) {
        for ((x, input), &u) in x.iter_mut().zip(&self.scenario.inputs).zip(u) {
            *x = input.quantile(u);
        }
    }

    /// The per-period noise streams of path `path`.
    pub fn noise(&self, path: u64) -> Noise {
        Noise::new(stream(self.eps_key, path), stream(self.count_key, path))
    }
}
