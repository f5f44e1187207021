//! The Monte Carlo engine: many paths in parallel, results independent of thread count.
//!
//! Paths are cut into fixed blocks of [`BLOCK`] paths; rayon runs blocks on its threads.
//! Every draw of path `i` comes from streams keyed by the path index (see [`crate::rng`]),
//! so neither the block size nor the scheduling changes any number, and all reductions
//! happen afterwards, serially, in path order.

use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::model::{Model, PathSummary, Quantity};
use crate::sample::Sampler;
use crate::scenario::Scenario;

/// Paths per block.
pub const BLOCK: usize = 1024;

/// The most paths one run accepts.
pub const MAX_PATHS: u64 = 100_000_000;

/// How to run a simulation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunOptions {
    /// Number of paths (≥ 1).
    pub paths: u64,
    /// Seed of every stream.
    pub seed: u64,
    /// Worker threads; `None` uses rayon's default (one per core).
    pub threads: Option<usize>,
}

impl Default for RunOptions {
    /// 10,000 paths, seed 20150401, all cores.
    fn default() -> Self {
        Self {
            paths: 10_000,
            seed: 20_150_401,
            threads: None,
        }
    }
}

impl RunOptions {
    /// Check the options without running anything (so that a caller can refuse bad
    /// options before other, slower checks).
    ///
    /// # Errors
    /// [`Error::Options`] for zero paths, more than [`MAX_PATHS`], or zero threads.
    pub fn check(&self) -> Result<()> {
        if self.paths == 0 || self.paths > MAX_PATHS {
            return Err(Error::Options(format!(
                "--paths must be between 1 and {MAX_PATHS} (got {})",
                self.paths
            )));
        }
        if self.threads == Some(0) {
            return Err(Error::Options("--threads must be at least 1".into()));
        }
        Ok(())
    }
}

/// The raw results of a run: every path's ledger, summary and inputs.
#[derive(Debug, Clone)]
pub struct Simulation {
    pub(crate) options: RunOptions,
    pub(crate) threads_used: usize,
    pub(crate) periods: usize,
    /// Ledgers, block by block; within a block of `len` paths, column-major: quantity
    /// `q`, period `t`, path `j` of the block at `(q·T + t)·len + j`. A column (one
    /// quantity and period over all paths) is then a run of contiguous slices.
    pub(crate) ledger: Vec<f64>,
    pub(crate) summaries: Vec<PathSummary>,
    /// Path-major inputs: path `p`, input `k` at `p·K + k`.
    pub(crate) inputs: Vec<f64>,
    pub(crate) input_count: usize,
}

impl Simulation {
    /// The options the run used.
    pub fn options(&self) -> RunOptions {
        self.options
    }
    /// How many worker threads ran it.
    pub fn threads_used(&self) -> usize {
        self.threads_used
    }
    /// Number of paths.
    pub fn paths(&self) -> usize {
        self.summaries.len()
    }
    /// Every path's summary, in path order.
    pub fn path_summaries(&self) -> &[PathSummary] {
        &self.summaries
    }
    /// Path `p`'s inputs, in the order of [`crate::scenario::idx`].
    pub fn path_inputs(&self, p: usize) -> &[f64] {
        &self.inputs[p * self.input_count..(p + 1) * self.input_count]
    }
    /// Path `p`'s values of quantity `q`, one per period.
    pub fn path_series(&self, p: usize, q: Quantity) -> Vec<f64> {
        let width = Quantity::COUNT * self.periods;
        let (b, j) = (p / BLOCK, p % BLOCK);
        let len = BLOCK.min(self.paths() - b * BLOCK);
        let block = &self.ledger[b * BLOCK * width..b * BLOCK * width + len * width];
        (0..self.periods)
            .map(|t| block[(q.index() * self.periods + t) * len + j])
            .collect()
    }
    /// Every path's value of quantity `q` in period `t`, in path order.
    pub fn column(&self, q: Quantity, t: usize) -> Vec<f64> {
        let width = Quantity::COUNT * self.periods;
        let c = q.index() * self.periods + t;
        let mut out = Vec::with_capacity(self.paths());
        for block in self.ledger.chunks(BLOCK * width) {
            let len = block.len() / width;
            out.extend_from_slice(&block[c * len..(c + 1) * len]);
        }
        out
    }
}

/// Bytes of memory a run of `paths` paths needs for its per-path results.
pub fn memory_estimate(scenario: &Scenario, paths: u64) -> u64 {
    let mut per_path = (Quantity::COUNT * scenario.timeline.periods() + scenario.inputs.len()) * 8
        + std::mem::size_of::<PathSummary>();
    if scenario.sampling() == crate::scenario::Sampling::LatinHypercube {
        // One stratum index (u32) per input per path.
        per_path += scenario.inputs.len() * 4;
    }
    paths.saturating_mul(per_path as u64)
}

/// Run `options.paths` paths of `scenario`.
///
/// `progress` is called with the number of paths done after each block (from worker
/// threads, in no particular order of blocks).
///
/// # Errors
/// [`Error::Options`] for zero paths, more than [`MAX_PATHS`], or a thread pool that
/// cannot be built.
pub fn simulate(
    scenario: &Scenario,
    options: &RunOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Simulation> {
    options.check()?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads.unwrap_or(0))
        .build()
        .map_err(|e| Error::Options(format!("could not start worker threads: {e}")))?;
    let n = usize::try_from(options.paths)
        .map_err(|_| Error::Options("too many paths for this machine".into()))?;
    let periods = scenario.timeline.periods();
    let k = scenario.inputs.len();
    let width = Quantity::COUNT * periods;
    let mut ledger = vec![0.0; n * width];
    let mut summaries = vec![PathSummary::default(); n];
    let mut inputs = vec![0.0; n * k];
    let model = Model::new(scenario);
    let sampler = Sampler::for_run(scenario, options.seed, n);
    let done = AtomicU64::new(0);

    let threads_used = pool.install(|| {
        ledger
            .par_chunks_mut(BLOCK * width)
            .zip(summaries.par_chunks_mut(BLOCK))
            .zip(inputs.par_chunks_mut(BLOCK * k.max(1)))
            .enumerate()
            .for_each(|(b, ((ledger, summaries), inputs))| {
                let mut u = vec![0.0; k];
                let mut z = Vec::new();
                let mut row = vec![0.0; width];
                let len = summaries.len();
                for (j, summary) in summaries.iter_mut().enumerate() {
                    let path = (b * BLOCK + j) as u64;
                    let x = &mut inputs[j * k..(j + 1) * k];
                    sampler.uniforms(path, &mut u, &mut z);
                    sampler.values(&u, x);
                    let mut noise = sampler.noise(path);
                    *summary = model.project(x, Some(&mut noise), &mut row);
                    for (c, &value) in row.iter().enumerate() {
                        ledger[c * len + j] = value;
                    }
                }
                let total = done.fetch_add(summaries.len() as u64, Ordering::Relaxed)
                    + summaries.len() as u64;
                progress(total);
            });
        rayon::current_num_threads()
    });

    Ok(Simulation {
        options: *options,
        threads_used,
        periods,
        ledger,
        summaries,
        inputs,
        input_count: k,
    })
}
