//! The Monte Carlo engine: many paths in parallel, results independent of thread count.
//!
//! Paths are cut into fixed blocks of [`BLOCK`] paths; rayon runs blocks on its threads.
//! Every draw of path `i` comes from streams keyed by the path index (see [`crate::rng`]),
//! so neither the block size nor the scheduling changes any number, and all reductions
//! happen afterwards, serially, in path order.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use rayon::prelude::*;

use crate::columns::{Moments, Percentiles, Sketch};
use crate::error::{Error, Result};
use crate::model::{Model, PathSummary, Quantity};
use crate::sample::Sampler;
use crate::scenario::Scenario;

/// Paths per block (defined with the column store, which keeps per-block moments).
pub use crate::columns::BLOCK;

/// Paths projected together before their ledgers are stored: four 64-byte cache lines
/// of each column (8, 16 and 64 measured slower; see benches/README.md).
const TILE: usize = 32;

/// The most paths one run accepts.
pub const MAX_PATHS: u64 = 100_000_000;

/// What a run tells its caller and asks it, block by block: how many paths are done
/// (after each block, from worker threads, in no particular order of blocks), and
/// whether to stop (before each block).
///
/// Any `Fn(u64) + Sync` closure is a `Watch` that reports positions and never stops, so
/// `&|_| {}` watches nothing.
pub trait Watch: Sync {
    /// `paths` of the run are done.
    fn done(&self, paths: u64);
    /// Whether the caller wants the run stopped: polled before each block of [`BLOCK`]
    /// paths, so a run stops within one block per worker thread; it then returns
    /// [`Error::Cancelled`].
    fn cancelled(&self) -> bool {
        false
    }
}

impl<F: Fn(u64) + Sync> Watch for F {
    fn done(&self, paths: u64) {
        self(paths);
    }
}

/// How to run a simulation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunOptions {
    /// Number of paths (≥ 1).
    pub paths: u64,
    /// Seed of every stream.
    pub seed: u64,
    /// Worker threads; `None`: one per core. At most [`crate::threads::max_threads`],
    /// and never more than the run's blocks of [`BLOCK`] paths.
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
    /// [`Error::InvalidOption`] for zero paths, more than [`MAX_PATHS`], or a thread count
    /// outside [`crate::threads::check`]'s bound.
    pub fn check(&self) -> Result<()> {
        if self.paths == 0 || self.paths > MAX_PATHS {
            return Err(Error::InvalidOption {
                name: crate::error::Opt::Paths,
                value: self.paths.to_string(),
                allowed: format!("between 1 and {MAX_PATHS}"),
            });
        }
        crate::threads::check(self.threads)
    }
}

/// A run's share of the paths when it is split into shards (`carefund run --shard K/N`).
///
/// Shard `index` of `count` runs blocks `⌊index·B/count⌋ .. ⌊(index+1)·B/count⌋` of the
/// `B = ⌈paths/BLOCK⌉` blocks of the whole run, with the same path indices and so the
/// same draws as the single run; [`Simulation::merge`] puts the shards back together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shard {
    /// Which shard, from 0.
    pub index: u64,
    /// How many shards.
    pub count: u64,
}

impl Shard {
    /// The blocks `[first, end)` of this shard among `blocks` blocks.
    pub fn blocks(&self, blocks: usize) -> (usize, usize) {
        let at = |i: u64| (u128::from(i) * blocks as u128 / u128::from(self.count)) as usize;
        (at(self.index), at(self.index + 1))
    }

    /// The paths `[start, end)` of this shard in a run of `paths` paths.
    pub fn paths(&self, paths: u64) -> std::ops::Range<u64> {
        let block = BLOCK as u64;
        let (first, end) =
            self.blocks(usize::try_from(paths.div_ceil(block)).unwrap_or(usize::MAX));
        (first as u64 * block).min(paths)..(end as u64 * block).min(paths)
    }

    /// Check the shard against a run of `paths` paths.
    ///
    /// # Errors
    /// [`Error::InvalidOption`] for a zero count, an index not below the count, or more shards
    /// than blocks of [`BLOCK`] paths.
    pub fn check(&self, paths: u64) -> Result<()> {
        if self.count == 0 || self.index >= self.count {
            return Err(Error::InvalidOption {
                name: crate::error::Opt::Shard,
                value: format!("{}/{}", self.index, self.count),
                allowed: "K/N with K between 0 and N − 1 (shards are numbered from 0, like Slurm array and Kubernetes job indices)".into(),
            });
        }
        let blocks = paths.div_ceil(BLOCK as u64);
        if self.count > blocks {
            return Err(Error::InvalidOption {
                name: crate::error::Opt::Shard,
                value: format!("{}/{}", self.index, self.count),
                allowed: format!(
                    "K/N with N at most {blocks} ({paths} paths make only {blocks} blocks of {BLOCK} paths)"
                ),
            });
        }
        Ok(())
    }
}

/// How a run keeps its results (beyond the per-path summaries it always keeps).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Layout {
    /// How per-period percentiles are found; see [`crate::columns`].
    pub percentiles: Percentiles,
    /// Run only this shard of the paths.
    pub shard: Option<Shard>,
}

/// Per-period values: every value, or a sketch per column.
#[derive(Debug, Clone)]
pub(crate) enum PerPeriod {
    /// Block by block; within a block of `len` paths, column-major: quantity `q`,
    /// period `t`, path `j` of the block at `(q·T + t)·len + j`.
    Exact(Vec<f64>),
    /// One sketch per column `q·T + t`.
    Sketch(Vec<Sketch>),
}

/// The results of a run: every path's summary, per-period moments per block, and the
/// per-period values or their sketches. Path inputs are not stored: they are drawn
/// again, identically, when asked for ([`Simulation::inputs`]).
#[derive(Debug, Clone)]
pub struct Simulation {
    pub(crate) options: RunOptions,
    pub(crate) threads_used: usize,
    pub(crate) periods: usize,
    /// The scenario run, to draw inputs again.
    scenario: Box<Scenario>,
    /// Index of the first block (0 unless this is a shard).
    first_block: usize,
    pub(crate) summaries: Vec<PathSummary>,
    /// Moments of every column per block: block `b` (from `first_block`), column `c` at
    /// `b·W + c`, `W = Quantity::COUNT·T`.
    moments: Vec<Moments>,
    per_period: PerPeriod,
}

impl Simulation {
    /// The options the run used (`paths` is the whole run's, also for a shard).
    pub fn options(&self) -> RunOptions {
        self.options
    }
    /// How many worker threads ran it.
    pub fn threads_used(&self) -> usize {
        self.threads_used
    }
    /// Number of paths held (a shard holds its own only).
    pub fn paths(&self) -> usize {
        self.summaries.len()
    }
    /// Index of the first path held (0 unless this is a shard).
    pub fn first_path(&self) -> usize {
        self.first_block * BLOCK
    }
    /// The scenario that was run.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }
    /// Whether per-period percentiles are exact or sketched.
    pub fn percentiles(&self) -> Percentiles {
        match self.per_period {
            PerPeriod::Exact(_) => Percentiles::Exact,
            PerPeriod::Sketch(_) => Percentiles::Sketch,
        }
    }
    /// Every path's summary, in path order.
    pub fn path_summaries(&self) -> &[PathSummary] {
        &self.summaries
    }
    /// The inputs of paths `range` (indices among the paths held), row-major: path
    /// `range.start + i`, input `k` at `i·K + k`, in the order of
    /// [`crate::scenario::idx`]. They are drawn again, bit for bit as the run drew them.
    pub fn inputs(&self, range: std::ops::Range<usize>) -> Vec<f64> {
        let k = self.scenario.inputs.len();
        let range = range.start.min(self.paths())..range.end.min(self.paths());
        let mut out = vec![0.0; range.len() * k];
        if k == 0 {
            return out;
        }
        let total = usize::try_from(self.options.paths).unwrap_or(usize::MAX);
        let sampler = Sampler::for_run(&self.scenario, self.options.seed, total);
        let first = (self.first_path() + range.start) as u64;
        out.par_chunks_mut(BLOCK * k)
            .enumerate()
            .for_each(|(b, rows)| {
                let mut u = vec![0.0; k];
                let mut z = Vec::new();
                for (j, x) in rows.chunks_mut(k).enumerate() {
                    sampler.uniforms(first + (b * BLOCK + j) as u64, &mut u, &mut z);
                    sampler.values(&u, x);
                }
            });
        out
    }
    /// Path `p`'s inputs (drawn again; for many paths use [`Simulation::inputs`]).
    pub fn path_inputs(&self, p: usize) -> Vec<f64> {
        self.inputs(p..p + 1)
    }
    /// Path `p`'s values of quantity `q`, one per period; `None` when the run kept
    /// sketches, not values.
    pub fn path_series(&self, p: usize, q: Quantity) -> Option<Vec<f64>> {
        let PerPeriod::Exact(ledger) = &self.per_period else {
            return None;
        };
        let width = Quantity::COUNT * self.periods;
        let (b, j) = (p / BLOCK, p % BLOCK);
        let len = BLOCK.min(self.paths() - b * BLOCK);
        let block = &ledger[b * BLOCK * width..b * BLOCK * width + len * width];
        Some(
            (0..self.periods)
                .map(|t| block[(q.index() * self.periods + t) * len + j])
                .collect(),
        )
    }
    /// Every path's value of quantity `q` in period `t`, in path order; `None` when the
    /// run kept sketches, not values.
    pub fn column(&self, q: Quantity, t: usize) -> Option<Vec<f64>> {
        let PerPeriod::Exact(ledger) = &self.per_period else {
            return None;
        };
        let width = Quantity::COUNT * self.periods;
        let c = q.index() * self.periods + t;
        let mut out = Vec::with_capacity(self.paths());
        for block in ledger.chunks(BLOCK * width) {
            let len = block.len() / width;
            out.extend_from_slice(&block[c * len..(c + 1) * len]);
        }
        Some(out)
    }
    /// Moments of quantity `q` in period `t` over all paths held (combined block by
    /// block in path order).
    pub fn column_moments(&self, q: Quantity, t: usize) -> Moments {
        let width = Quantity::COUNT * self.periods;
        let c = q.index() * self.periods + t;
        Moments::fold(self.moments.iter().skip(c).step_by(width))
    }
    /// The percentiles [`crate::stats::PERCENTILES`] of quantity `q` in period `t`:
    /// exact (type 7) or sketched, as the run kept them.
    pub fn column_percentiles(&self, q: Quantity, t: usize) -> [f64; 9] {
        match &self.per_period {
            PerPeriod::Exact(_) => {
                let mut values = self.column(q, t).unwrap_or_default();
                let q = crate::stats::quantiles(
                    &mut values,
                    &crate::stats::PERCENTILES.map(|p| f64::from(p) / 100.0),
                );
                std::array::from_fn(|i| q.get(i).copied().unwrap_or(f64::NAN))
            }
            PerPeriod::Sketch(sketches) => sketches[q.index() * self.periods + t].percentiles(),
        }
    }
    /// Buckets in use over all sketches (0 for an exact run): a measure of their memory,
    /// 4 bytes each.
    pub fn sketch_buckets(&self) -> usize {
        match &self.per_period {
            PerPeriod::Exact(_) => 0,
            PerPeriod::Sketch(s) => s.iter().map(Sketch::buckets).sum(),
        }
    }

    /// The parts a shard file keeps: first block, per-block moments, sketches and path
    /// summaries. `None` for a run that kept exact values.
    pub fn shard_parts(&self) -> Option<ShardParts> {
        let PerPeriod::Sketch(sketches) = &self.per_period else {
            return None;
        };
        Some(ShardParts {
            first_block: self.first_block,
            moments: self.moments.clone(),
            sketches: sketches.clone(),
            summaries: self.summaries.clone(),
        })
    }

    /// Put shards of one run back together: the result equals the single run with
    /// [`Percentiles::Sketch`] (means, moments, counts and per-path results bit for bit;
    /// the sketches are merged exactly).
    ///
    /// # Errors
    /// [`Error::ShardMismatch`] if the parts do not cover the run's blocks exactly once, in any
    /// order, or do not fit `scenario`.
    /// `threads` is recorded as the threads used (the shards' own; results do not
    /// depend on it).
    pub fn merge(
        scenario: &Scenario,
        options: &RunOptions,
        mut parts: Vec<ShardParts>,
        threads: usize,
    ) -> Result<Self> {
        options.check()?;
        let periods = scenario.timeline.periods();
        let width = Quantity::COUNT * periods;
        let n = usize::try_from(options.paths)
            .map_err(|_| Error::Invalid("too many paths for this machine".into()))?;
        parts.sort_by_key(|p| p.first_block);
        let mut next = 0;
        let mut summaries = Vec::with_capacity(n);
        let mut moments = Vec::new();
        let mut sketches = vec![Sketch::new(); width];
        for p in &parts {
            let blocks = p.summaries.len().div_ceil(BLOCK);
            let whole = p.summaries.len() % BLOCK == 0 || next * BLOCK + p.summaries.len() == n;
            if p.first_block != next
                || !whole
                || p.moments.len() != blocks * width
                || p.sketches.len() != width
            {
                return Err(Error::ShardMismatch(format!(
                    "the shards do not fit together: expected one starting at path {}, found one starting at path {} with {} paths",
                    next * BLOCK,
                    p.first_block * BLOCK,
                    p.summaries.len()
                )));
            }
            next += blocks;
            summaries.extend_from_slice(&p.summaries);
            moments.extend_from_slice(&p.moments);
            for (s, o) in sketches.iter_mut().zip(&p.sketches) {
                s.merge(o);
            }
        }
        if summaries.len() != n {
            return Err(Error::ShardMismatch(format!(
                "the shards hold {} of the run's {n} paths; a shard is missing",
                summaries.len()
            )));
        }
        for s in &mut sketches {
            s.compact();
        }
        Ok(Self {
            options: *options,
            threads_used: threads,
            periods,
            scenario: Box::new(scenario.clone()),
            first_block: 0,
            summaries,
            moments,
            per_period: PerPeriod::Sketch(sketches),
        })
    }
}

/// What a shard of a run keeps (see [`Simulation::shard_parts`]).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ShardParts {
    /// Index of its first block of [`BLOCK`] paths.
    pub first_block: usize,
    /// Moments of every column, block by block.
    pub moments: Vec<Moments>,
    /// A sketch per column.
    pub sketches: Vec<Sketch>,
    /// Every path's summary, in path order.
    pub summaries: Vec<PathSummary>,
}

/// Bytes of memory a run of `paths` paths of `scenario` needs, as [`simulate_with`]
/// would run it with `layout` on `threads` worker threads.
///
/// # Formula
/// per path: one [`PathSummary`], plus `8·W` bytes (`W = 15·T` columns) when
/// percentiles are exact, plus `4·K` bytes of strata under Latin hypercube sampling;
/// per block: `32·W` bytes of moments; when sketched, one set of `W` sketches of about
/// [`SKETCH_BYTES`] each, and a `8·W·BLOCK` scratch ledger per thread.
pub fn memory_estimate(scenario: &Scenario, paths: u64, layout: &Layout, threads: usize) -> u64 {
    let width = (Quantity::COUNT * scenario.timeline.periods()) as u64;
    let mut per_path = std::mem::size_of::<PathSummary>() as u64;
    if scenario.sampling() == crate::scenario::Sampling::LatinHypercube {
        per_path += scenario.inputs.len() as u64 * 4;
    }
    let sketched = layout.shard.is_some()
        || layout.percentiles.resolve(paths, width as usize) == Percentiles::Sketch;
    let mut fixed = paths.div_ceil(BLOCK as u64) * width * std::mem::size_of::<Moments>() as u64;
    if sketched {
        let threads = threads.max(1) as u64;
        fixed += width * SKETCH_BYTES + threads * width * BLOCK as u64 * 8;
    } else {
        per_path += width * 8;
    }
    paths.saturating_mul(per_path).saturating_add(fixed)
}

pub use crate::columns::SKETCH_BYTES;

/// Run `options.paths` paths of `scenario`, keeping exact per-period values while they
/// fit (see [`Percentiles::Auto`]).
///
/// `progress` is told the number of paths done after each block and asked whether to
/// stop before each (see [`Watch`]).
///
/// # Errors
/// [`Error::InvalidOption`] for zero paths, more than [`MAX_PATHS`], or a thread count outside
/// [`crate::threads::check`]'s bound; [`Error::Threads`] if the worker threads cannot be
/// started; [`Error::Cancelled`] when `progress` asks the run to stop.
pub fn simulate(
    scenario: &Scenario,
    options: &RunOptions,
    progress: &dyn Watch,
) -> Result<Simulation> {
    simulate_with(scenario, options, &Layout::default(), progress)
}

/// Scratch space of one worker.
struct Worker {
    u: Vec<f64>,
    z: Vec<f64>,
    x: Vec<f64>,
    row: Vec<f64>,
    ledger: Vec<f64>,
}

/// [`simulate`] with a chosen [`Layout`]: exact or sketched percentiles, and
/// optionally one shard of the paths (always sketched).
///
/// # Errors
/// As [`simulate`], and [`Error::InvalidOption`] for a bad shard or exact percentiles asked of
/// a shard.
pub fn simulate_with(
    scenario: &Scenario,
    options: &RunOptions,
    layout: &Layout,
    progress: &dyn Watch,
) -> Result<Simulation> {
    options.check()?;
    let n = usize::try_from(options.paths)
        .map_err(|_| Error::Invalid("too many paths for this machine".into()))?;
    let periods = scenario.timeline.periods();
    let k = scenario.inputs.len();
    let width = Quantity::COUNT * periods;
    let (first_block, end_block) = blocks_of(options, layout, n)?;
    let (start, end) = (first_block * BLOCK, (end_block * BLOCK).min(n));
    let len = end - start;
    let sketched = layout.shard.is_some()
        || layout.percentiles.resolve(len as u64, width) == Percentiles::Sketch;
    let mut summaries = vec![PathSummary::default(); len];
    let mut moments = vec![Moments::default(); (end_block - first_block) * width];
    let mut ledger = if sketched {
        Vec::new()
    } else {
        vec![0.0; len * width]
    };
    let mut ledger_blocks: Vec<Option<&mut [f64]>> = if sketched {
        (first_block..end_block).map(|_| None).collect()
    } else {
        ledger.chunks_mut(BLOCK * width).map(Some).collect()
    };
    let model = Model::new(scenario);
    let sampler = Sampler::for_run(scenario, options.seed, n);
    let done = AtomicU64::new(0);
    let stopped = AtomicBool::new(false);

    let blocks = end_block - first_block;
    let pool = crate::threads::pool(options.threads, blocks)?;
    // One sketch per column for the whole run, each behind its own lock: a block adds
    // its column of values under the column's lock (about 1 µs), starting at a column
    // that depends on the block so that threads seldom meet at one lock. Counts are
    // integers, so the result does not depend on the order of the blocks.
    let shared: Vec<std::sync::Mutex<Sketch>> = if sketched {
        (0..width)
            .map(|_| std::sync::Mutex::new(Sketch::new()))
            .collect()
    } else {
        Vec::new()
    };
    let run = BlockRun {
        model: &model,
        sampler: &sampler,
        first_block,
        width,
        shared: &shared,
    };
    let threads_used = pool.install(|| {
        summaries
            .par_chunks_mut(BLOCK)
            .zip(moments.par_chunks_mut(width))
            .zip(ledger_blocks.par_iter_mut())
            .enumerate()
            .for_each_init(
                || Worker {
                    u: vec![0.0; k],
                    z: Vec::new(),
                    x: vec![0.0; k],
                    row: vec![0.0; TILE * width],
                    ledger: Vec::new(),
                },
                |w, (i, ((summaries, moments), ledger))| {
                    if stopped.load(Ordering::Relaxed) || progress.cancelled() {
                        stopped.store(true, Ordering::Relaxed);
                        return;
                    }
                    w.block(&run, i, summaries, moments, ledger);
                    let len = summaries.len() as u64;
                    progress.done(done.fetch_add(len, Ordering::Relaxed) + len);
                },
            );
        rayon::current_num_threads()
    });
    if stopped.into_inner() {
        return Err(Error::Cancelled);
    }
    let sketches: Vec<Sketch> = shared
        .into_iter()
        .map(|m| {
            let mut s = m
                .into_inner()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            s.compact();
            s
        })
        .collect();
    drop(ledger_blocks);

    Ok(Simulation {
        options: *options,
        threads_used,
        periods,
        scenario: Box::new(scenario.clone()),
        first_block,
        summaries,
        moments,
        per_period: if sketched {
            PerPeriod::Sketch(sketches)
        } else {
            PerPeriod::Exact(ledger)
        },
    })
}

/// The blocks `[first, end)` a run of `n` paths computes under `layout`.
fn blocks_of(options: &RunOptions, layout: &Layout, n: usize) -> Result<(usize, usize)> {
    Ok(match layout.shard {
        Some(shard) => {
            shard.check(options.paths)?;
            if layout.percentiles == Percentiles::Exact {
                return Err(Error::InvalidOption {
                    name: crate::error::Opt::Percentiles,
                    value: "exact".into(),
                    allowed: "sketch or auto in a shard (shards keep sketches so that they can be merged)".into(),
                });
            }
            shard.blocks(n.div_ceil(BLOCK))
        }
        None => (0, n.div_ceil(BLOCK)),
    })
}

/// What every block of a run shares.
struct BlockRun<'a> {
    model: &'a Model<'a>,
    sampler: &'a Sampler<'a>,
    first_block: usize,
    /// Values per path: `Quantity::COUNT × periods`.
    width: usize,
    /// One sketch per column when percentiles are sketched; empty otherwise.
    shared: &'a [std::sync::Mutex<Sketch>],
}

impl Worker {
    /// Project block `i` of the run's blocks: its path summaries, its moments per column,
    /// its columns into `ledger` (kept when percentiles are exact) and into the shared
    /// sketches.
    fn block(
        &mut self,
        run: &BlockRun<'_>,
        i: usize,
        summaries: &mut [PathSummary],
        moments: &mut [Moments],
        ledger: &mut Option<&mut [f64]>,
    ) {
        let len = summaries.len();
        let Self {
            u,
            z,
            x,
            row,
            ledger: scratch,
        } = self;
        let block: &mut [f64] = match ledger {
            Some(l) => l,
            None => {
                scratch.resize(len * run.width, 0.0);
                &mut scratch[..len * run.width]
            }
        };
        // Paths are projected TILE at a time into row-major `row` and then stored
        // column by column as runs of TILE values: storing each path's row straight
        // into the column-major block writes 15·T values 8 kB apart, which all fall in
        // one cache set (measured 11% slower).
        for (t, tile) in summaries.chunks_mut(TILE).enumerate() {
            let j0 = t * TILE;
            for (jj, summary) in tile.iter_mut().enumerate() {
                let path = ((run.first_block + i) * BLOCK + j0 + jj) as u64;
                run.sampler.uniforms(path, u, z);
                run.sampler.values(u, x);
                let mut noise = run.sampler.noise(path);
                *summary = run.model.project(
                    x,
                    Some(&mut noise),
                    &mut row[jj * run.width..(jj + 1) * run.width],
                );
            }
            // A local slice, so that its address is not reloaded for every value.
            let rows: &[f64] = &row[..tile.len() * run.width];
            for (c, column) in block.chunks_exact_mut(len).enumerate() {
                let column = &mut column[j0..j0 + tile.len()];
                for (v, r) in column
                    .iter_mut()
                    .zip(rows.iter().skip(c).step_by(run.width))
                {
                    *v = *r;
                }
            }
        }
        Moments::of_columns(block, len, moments);
        if !run.shared.is_empty() {
            let first = (i * 61) % run.width;
            for c in (first..run.width).chain(0..first) {
                let column = &block[c * len..(c + 1) * len];
                // A poisoned lock means another worker panicked; the run is
                // lost anyway, so keep counting.
                let mut s = run.shared[c]
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                s.add_all(column);
            }
        }
    }
}
