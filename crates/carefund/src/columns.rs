//! Per-period statistics over paths in bounded memory (issue 7).
//!
//! Every quantity in every period is a *column*: one value per path. Its mean, standard
//! deviation and standard error come from [`Moments`] kept per block of
//! [`BLOCK`] paths and combined in block order, so they are the
//! same whatever the thread count, whether the run is split into shards, and whichever
//! way its percentiles are found. Percentiles come either from the exact values
//! ([`Percentiles::Exact`]: every column kept, `8·paths·columns` bytes) or from a
//! mergeable quantile sketch per column ([`Percentiles::Sketch`]).
//!
//! # The sketch and its error bound
//! The sketch counts values in **log-linear buckets read off the float's bits** (the
//! layout of HdrHistogram and of DDSketch's "fast" mappings; no logarithm per value):
//! the bucket of `|x|` is its IEEE-754 exponent and the top [`MANTISSA_BITS`] = 9 bits
//! of its mantissa, `key = bits(|x|) >> 43`. Each octave `[2^e, 2^(e+1))` is cut into
//! 512 equal buckets `[2^e·(1 + k/512), 2^e·(1 + (k+1)/512))`, one set for positive
//! values, one for negative values, and a count of values within ±10⁻⁹ of zero. A
//! bucket is reported as its midpoint, which is within `2^e/1024` of every value in it,
//! and every value in it is at least `2^e`. So the bound is on **value, not rank**: the
//! sketched `p`-quantile `S` and the exact order statistic `x_(r)` of rank
//! `r = ⌊p·(n−1)⌋` (0-based) satisfy
//!
//! `|S − x_(r)| ≤ α·|x_(r)| + 10⁻⁹`, with `α = ` [`RELATIVE_ACCURACY`] ` = 2⁻¹⁰ ≈ 0.098%`.
//!
//! The exact (type 7) percentile interpolates between `x_(r)` and `x_(r+1)`, so the
//! sketched percentile is within `α·|x_(r)| + (x_(r+1) − x_(r)) + 10⁻⁹` of it (the
//! second term shrinks like `1/n`). A relative bound suits money: the P50 of a £60m
//! loss is right to ±£59k whatever the spread of the distribution.
//!
//! Counts are integers, so merging sketches is exact and does not depend on the order
//! of merging or on the number of threads. Buckets are never collapsed (that would
//! void the bound).
//!
//! # Memory
//! Each sign keeps a dense array of counts over the keys between its smallest and
//! largest value: 512 buckets per octave, about 1,700 per power of ten, 2 bytes a count
//! (4 bytes for every count of that sign once one passes 65,535): 3.4 kB per power of
//! ten spanned by one sign. A column whose values span seven powers of ten of each sign
//! takes about 48 kB; one that stays within one power of ten, 3.4 kB. The most any
//! column can take is bounded by the keys between 10⁻⁹ and the largest `f64`:
//! [`MAX_SKETCH_BYTES`] (about 4.3 MB) per column. Logarithmic buckets (DDSketch) would
//! need 1,150 buckets per power of ten for the same `α`, but a logarithm per value; the
//! log-linear layout is about 1.48 times as many buckets and no logarithm.

use serde::{Deserialize, Serialize};

use crate::stats::{PERCENTILES, Stats, pairwise_sum};

/// Paths per block: the unit of parallel work, of random streams and of the per-block
/// moments kept here.
pub const BLOCK: usize = 1024;

/// Mantissa bits kept in a bucket key: `2^9 = 512` buckets per octave.
pub const MANTISSA_BITS: u32 = 9;

/// Relative accuracy `α` of the per-period sketch: `2^−(MANTISSA_BITS+1)`, about 0.098%
/// (see the module documentation).
pub const RELATIVE_ACCURACY: f64 = 1.0 / (1u64 << (MANTISSA_BITS + 1)) as f64;

/// Values within this distance of zero are counted as zero by the sketch.
pub const SKETCH_ZERO: f64 = 1e-9;

/// Bits of an `f64` below the bucket key.
const SHIFT: u32 = 52 - MANTISSA_BITS;

/// Number of bucket keys of one sign (exponent and kept mantissa bits; the sign bit is
/// not part of the key).
const KEYS: u32 = 1 << (63 - SHIFT);

/// The key of `|x|` for `|x| ≥ SKETCH_ZERO` (the bucket keys below it are never used).
fn key(abs_bits: u64) -> u32 {
    (abs_bits >> SHIFT) as u32
}

/// The most bytes one column's sketch can take: both signs' keys from [`SKETCH_ZERO`]
/// to the largest `f64`, 4 bytes each.
pub const MAX_SKETCH_BYTES: u64 = 2 * 4 * (KEYS as u64 - (0x3E11_2E0B_E826_D695_u64 >> SHIFT));

/// Under [`Percentiles::Auto`], columns are kept exactly while they take at most this
/// many bytes (256 MiB), or at most what their sketches would take (see
/// [`Percentiles::resolve`]), and sketched above it.
pub const EXACT_BUDGET_BYTES: u64 = 256 << 20;

/// Estimate of one column sketch's memory, used by [`Percentiles::resolve`] and
/// [`crate::engine::memory_estimate`]: 48 kB, about seven powers of ten of `u32`
/// counts (measured: Swindon's columns use 2,600 buckets on average, the 60-year monthly
/// variant of Swindon 5,300; see `benches/README.md`).
pub const SKETCH_BYTES: u64 = 48 << 10;

/// How per-period percentiles are found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Percentiles {
    /// Exact while the columns fit in [`EXACT_BUDGET_BYTES`], else sketched.
    #[default]
    Auto,
    /// Keep every value: exact type-7 percentiles, `8·paths·columns` bytes.
    Exact,
    /// A DDSketch per column: bounded memory, relative error ≤ [`RELATIVE_ACCURACY`].
    Sketch,
}

impl Percentiles {
    /// The method a run of `paths` paths with `columns` columns uses: `Exact` or `Sketch`.
    ///
    /// `Auto` keeps the exact values when they take at most [`EXACT_BUDGET_BYTES`], or
    /// at most what the sketches would take ([`SKETCH_BYTES`] a column): the sketch's
    /// own memory counts.
    pub fn resolve(self, paths: u64, columns: usize) -> Self {
        match self {
            Self::Auto => {
                let exact = paths.saturating_mul(columns as u64 * 8);
                let sketch = (columns as u64).saturating_mul(SKETCH_BYTES);
                if exact <= EXACT_BUDGET_BYTES.max(sketch) {
                    Self::Exact
                } else {
                    Self::Sketch
                }
            }
            other => other,
        }
    }

    /// Its name in `summary.json` (`exact` or `sketch`; `auto` before resolving).
    pub fn name(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Exact => "exact",
            Self::Sketch => "sketch",
        }
    }
}

/// Count, mean, sum of squared deviations and count of non-negative values of a set
/// of values; combined exactly as Chan, Golub & LeVeque (1979).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Moments {
    /// Number of values.
    pub n: u64,
    /// Their mean.
    pub mean: f64,
    /// `Σ (x − mean)²`.
    pub m2: f64,
    /// How many are ≥ 0.
    pub non_negative: u64,
}

impl Moments {
    /// Moments of `values`, by two pairwise-summed passes.
    pub fn of(values: &[f64]) -> Self {
        if values.is_empty() {
            return Self::default();
        }
        let n = values.len();
        let mean = pairwise_sum(values) / n as f64;
        Self {
            n: n as u64,
            mean,
            m2: pairwise_squared_deviations(values, mean),
            non_negative: values.iter().filter(|&&x| x >= 0.0).count() as u64,
        }
    }

    /// The moments of every column of a column-major block: column `c` is
    /// `block[c·len .. (c+1)·len]`, its moments go to `out[c]` (`out.len()` columns).
    ///
    /// Bit for bit [`Moments::of`] of each column (the same pairwise splits, the same
    /// order of additions within a column), but four columns are summed side by
    /// side, so that their independent additions overlap instead of each waiting for
    /// the previous one (a block's moments took about twice as long one column at a
    /// time; see benches/README.md).
    pub fn of_columns(block: &[f64], len: usize, out: &mut [Moments]) {
        if len == 0 {
            out.fill(Self::default());
            return;
        }
        let column = |c: usize| &block[c * len..(c + 1) * len];
        let done = out.len() / LANES * LANES;
        for (g, group) in out.chunks_exact_mut(LANES).enumerate() {
            let cols: [&[f64]; LANES] = std::array::from_fn(|l| column(g * LANES + l));
            let means = lane_sums(cols).map(|s| s / len as f64);
            let m2 = lane_squared_deviations(cols, means);
            for (l, m) in group.iter_mut().enumerate() {
                *m = Self {
                    n: len as u64,
                    mean: means[l],
                    m2: m2[l],
                    non_negative: cols[l].iter().filter(|&&x| x >= 0.0).count() as u64,
                };
            }
        }
        for (c, m) in out.iter_mut().enumerate().skip(done) {
            *m = Self::of(column(c));
        }
    }

    /// The moments of the union of two sets.
    ///
    /// # Formula
    /// `n = a.n + b.n`, `δ = b.mean − a.mean`, `mean = a.mean + δ·b.n/n`,
    /// `m2 = a.m2 + b.m2 + δ²·a.n·b.n/n`.
    #[must_use]
    pub fn merge(self, b: Self) -> Self {
        if self.n == 0 {
            return b;
        }
        if b.n == 0 {
            return self;
        }
        let (na, nb) = (self.n as f64, b.n as f64);
        let n = na + nb;
        let delta = b.mean - self.mean;
        Self {
            n: self.n + b.n,
            mean: self.mean + delta * nb / n,
            m2: self.m2 + b.m2 + delta * delta * na * nb / n,
            non_negative: self.non_negative + b.non_negative,
        }
    }

    /// Combine a sequence of moments in order (left to right).
    pub fn fold<'a>(parts: impl IntoIterator<Item = &'a Moments>) -> Self {
        parts
            .into_iter()
            .fold(Self::default(), |acc, m| acc.merge(*m))
    }

    /// Sample standard deviation (`n − 1` denominator; 0 for fewer than two values).
    pub fn sd(&self) -> f64 {
        if self.n > 1 {
            (self.m2 / (self.n - 1) as f64).sqrt()
        } else {
            0.0
        }
    }

    /// [`Stats`] from these moments and the percentiles [`PERCENTILES`], in order.
    pub fn stats(&self, percentiles: &[f64; 9]) -> Stats {
        let sd = self.sd();
        let [p1, p5, p10, p25, p50, p75, p90, p95, p99] = *percentiles;
        Stats {
            mean: self.mean,
            sd,
            se: if self.n > 0 {
                sd / (self.n as f64).sqrt()
            } else {
                0.0
            },
            p1,
            p5,
            p10,
            p25,
            p50,
            p75,
            p90,
            p95,
            p99,
        }
    }
}

/// [`Stats`] of a whole column of values in path order, computed as a run computes its
/// per-period statistics: moments per block of [`BLOCK`] paths
/// combined in order, and exact type-7 percentiles (reorders `values`).
pub fn column_stats(values: &mut [f64]) -> Stats {
    let moments = Moments::fold(
        values
            .chunks(BLOCK)
            .map(Moments::of)
            .collect::<Vec<_>>()
            .iter(),
    );
    let q = crate::stats::quantiles(values, &PERCENTILES.map(|p| f64::from(p) / 100.0));
    moments.stats(&std::array::from_fn(|i| {
        q.get(i).copied().unwrap_or(f64::NAN)
    }))
}

/// Columns summed side by side by [`Moments::of_columns`]. Four: their columns lie a
/// block's column apart (8 KiB for full blocks), in one L1 set; eight measured slower.
const LANES: usize = 4;

/// [`pairwise_sum`] of each of `LANES` equally long columns (same splits, same order,
/// so the same bits; the base case's `Iterator::sum` starts from −0.0, as here).
fn lane_sums(cols: [&[f64]; LANES]) -> [f64; LANES] {
    const BASE: usize = 64;
    let n = cols[0].len();
    if n <= BASE {
        let cols = cols.map(|c| &c[..n]);
        let mut acc = [-0.0; LANES];
        for i in 0..n {
            for (a, c) in acc.iter_mut().zip(&cols) {
                *a += c[i];
            }
        }
        acc
    } else {
        let mid = n / 2;
        let a = lane_sums(cols.map(|c| &c[..mid]));
        let b = lane_sums(cols.map(|c| &c[mid..]));
        std::array::from_fn(|l| a[l] + b[l])
    }
}

/// [`pairwise_squared_deviations`] of each of `LANES` equally long columns from its
/// mean (same bits).
fn lane_squared_deviations(cols: [&[f64]; LANES], means: [f64; LANES]) -> [f64; LANES] {
    const BASE: usize = 64;
    let n = cols[0].len();
    if n <= BASE {
        let cols = cols.map(|c| &c[..n]);
        let mut acc = [-0.0; LANES];
        for i in 0..n {
            for ((a, c), m) in acc.iter_mut().zip(&cols).zip(means) {
                *a += (c[i] - m) * (c[i] - m);
            }
        }
        acc
    } else {
        let mid = n / 2;
        let a = lane_squared_deviations(cols.map(|c| &c[..mid]), means);
        let b = lane_squared_deviations(cols.map(|c| &c[mid..]), means);
        std::array::from_fn(|l| a[l] + b[l])
    }
}

/// `Σ (x − mean)²` summed pairwise exactly as [`pairwise_sum`] sums the squared
/// deviations (same splits, so the same bits), without allocating them.
fn pairwise_squared_deviations(values: &[f64], mean: f64) -> f64 {
    const BASE: usize = 64;
    if values.len() <= BASE {
        values.iter().map(|x| (x - mean) * (x - mean)).sum()
    } else {
        let mid = values.len() / 2;
        pairwise_squared_deviations(&values[..mid], mean)
            + pairwise_squared_deviations(&values[mid..], mean)
    }
}

/// Bucket counts: 2 bytes each until one count passes `u16::MAX`, then 4 bytes each.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Counts {
    Narrow(Vec<u16>),
    Wide(Vec<u32>),
}

impl Default for Counts {
    fn default() -> Self {
        Self::Narrow(Vec::new())
    }
}

impl Counts {
    fn len(&self) -> usize {
        match self {
            Self::Narrow(v) => v.len(),
            Self::Wide(v) => v.len(),
        }
    }

    fn bytes(&self) -> usize {
        match self {
            Self::Narrow(v) => 2 * v.capacity(),
            Self::Wide(v) => 4 * v.capacity(),
        }
    }

    fn get(&self, i: usize) -> u32 {
        match self {
            Self::Narrow(v) => u32::from(v[i]),
            Self::Wide(v) => v[i],
        }
    }

    /// Switch to 4-byte counts.
    #[cold]
    fn widen(&mut self) {
        if let Self::Narrow(v) = self {
            *self = Self::Wide(v.iter().map(|&c| u32::from(c)).collect());
        }
    }

    /// Add `n` at `i` (saturating at `u32::MAX`, beyond any run's paths).
    fn add(&mut self, i: usize, n: u32) {
        if let Self::Narrow(v) = self {
            match u16::try_from(u32::from(v[i]) + n.min(1 << 16)) {
                Ok(c) => {
                    v[i] = c;
                    return;
                }
                Err(_) => self.widen(),
            }
        }
        if let Self::Wide(v) = self {
            v[i] = v[i].saturating_add(n);
        }
    }

    /// Counts `old` placed at `at` in `len` zeroed slots, same width.
    fn placed(old: &Self, at: usize, len: usize) -> Self {
        match old {
            Self::Narrow(v) => {
                let mut out = vec![0; len];
                out[at..at + v.len()].copy_from_slice(v);
                Self::Narrow(out)
            }
            Self::Wide(v) => {
                let mut out = vec![0; len];
                out[at..at + v.len()].copy_from_slice(v);
                Self::Wide(out)
            }
        }
    }

    fn slice(&self, from: usize, to: usize) -> Self {
        match self {
            Self::Narrow(v) => Self::Narrow(v[from..to].to_vec()),
            Self::Wide(v) => Self::Wide(v[from..to].to_vec()),
        }
    }

    fn to_u32(&self) -> Vec<u32> {
        (0..self.len()).map(|i| self.get(i)).collect()
    }
}

impl Serialize for Counts {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        self.to_u32().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Counts {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let v = Vec::<u32>::deserialize(d)?;
        Ok(match v.iter().map(|&c| u16::try_from(c)).collect() {
            Ok(narrow) => Self::Narrow(narrow),
            Err(_) => Self::Wide(v),
        })
    }
}

/// Counts of one sign's bucket keys `offset .. offset + counts.len()`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Store {
    offset: u32,
    counts: Counts,
}

impl Store {
    /// Make room for keys `lo ..= hi`, and an eighth more (at least an eighth of an
    /// octave) on the side that grew, so that a store filled from its middle outwards
    /// is not copied once per new key. [`Store::compact`] drops what is left unused.
    #[cold]
    fn grow(&mut self, lo: u32, hi: u32) {
        let len = self.counts.len() as u32;
        let slack = (len / 8).max(64);
        if len == 0 {
            self.offset = lo.saturating_sub(slack);
            let end = (hi + 1).saturating_add(slack).min(KEYS);
            self.counts = Counts::Narrow(vec![0; (end - self.offset) as usize]);
            return;
        }
        let end = self.offset + len;
        let new_lo = if lo < self.offset {
            lo.saturating_sub(slack)
        } else {
            self.offset
        };
        let new_end = if hi >= end {
            (hi + 1).saturating_add(slack).min(KEYS)
        } else {
            end
        };
        self.counts = Counts::placed(
            &self.counts,
            (self.offset - new_lo) as usize,
            (new_end - new_lo) as usize,
        );
        self.offset = new_lo;
    }

    #[inline]
    fn add(&mut self, k: u32) {
        let i = k.wrapping_sub(self.offset) as usize;
        if let Counts::Narrow(v) = &mut self.counts
            && let Some(c) = v.get_mut(i)
            && *c < u16::MAX
        {
            *c += 1;
            return;
        }
        if i >= self.counts.len() {
            self.grow(k, k);
        }
        self.counts.add((k - self.offset) as usize, 1);
    }

    fn merge(&mut self, other: &Self) {
        let Some((lo, hi)) = other.range() else {
            return;
        };
        let end = self.offset + self.counts.len() as u32;
        if self.counts.len() == 0 || lo < self.offset || hi >= end {
            self.grow(lo, hi);
        }
        for k in lo..=hi {
            let n = other.counts.get((k - other.offset) as usize);
            if n > 0 {
                self.counts.add((k - self.offset) as usize, n);
            }
        }
    }

    /// The smallest and largest keys with a count.
    fn range(&self) -> Option<(u32, u32)> {
        let n = self.counts.len();
        let first = (0..n).find(|&i| self.counts.get(i) > 0)?;
        let last = (0..n).rev().find(|&i| self.counts.get(i) > 0)?;
        Some((self.offset + first as u32, self.offset + last as u32))
    }

    /// Drop the zero counts at both ends and the spare capacity.
    fn compact(&mut self) {
        match self.range() {
            None => *self = Self::default(),
            Some((lo, hi)) => {
                self.counts = self
                    .counts
                    .slice((lo - self.offset) as usize, (hi - self.offset) as usize + 1);
                self.offset = lo;
            }
        }
    }

    fn total(&self) -> u64 {
        (0..self.counts.len())
            .map(|i| u64::from(self.counts.get(i)))
            .sum()
    }
}

/// The midpoint of the bucket of key `k`: its lower edge with the first mantissa bit
/// below the key set (exact; no overflow in the top bucket).
fn midpoint(k: u32) -> f64 {
    f64::from_bits((u64::from(k) << SHIFT) | (1 << (SHIFT - 1)))
}

/// A sketch as stored in a shard file, checked before it becomes a [`Sketch`].
#[derive(Deserialize)]
struct SketchData {
    negative: Store,
    zero: u64,
    positive: Store,
    count: u64,
}

impl TryFrom<SketchData> for Sketch {
    type Error = String;
    fn try_from(d: SketchData) -> std::result::Result<Self, String> {
        for (name, s) in [("negative", &d.negative), ("positive", &d.positive)] {
            if u64::from(s.offset) + s.counts.len() as u64 > u64::from(KEYS) {
                return Err(format!(
                    "percentile sketch: {name} buckets beyond the largest key"
                ));
            }
        }
        let sum = d.zero + d.negative.total() + d.positive.total();
        if sum != d.count {
            return Err(format!(
                "percentile sketch: counts add up to {sum}, not its count {}",
                d.count
            ));
        }
        Ok(Self {
            stores: [d.positive, d.negative],
            zero: d.zero,
            count: d.count,
        })
    }
}

impl Serialize for Sketch {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct SketchRef<'a> {
            negative: &'a Store,
            zero: u64,
            positive: &'a Store,
            count: u64,
        }
        SketchRef {
            negative: &self.stores[1],
            zero: self.zero,
            positive: &self.stores[0],
            count: self.count,
        }
        .serialize(serializer)
    }
}

/// A mergeable quantile sketch of one column (see the module documentation for its
/// bound and memory).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(try_from = "SketchData")]
pub struct Sketch {
    /// Positive values' buckets, then negative values' (indexed by the sign bit).
    stores: [Store; 2],
    zero: u64,
    count: u64,
}

impl Sketch {
    /// An empty sketch with relative accuracy [`RELATIVE_ACCURACY`].
    pub fn new() -> Self {
        Self::default()
    }

    /// Count the values of `column`. A NaN counts in the highest bucket of its sign
    /// (quantiles that fall on it are NaN); the model gives none.
    pub fn add_all(&mut self, column: &[f64]) {
        let zero_bits = SKETCH_ZERO.to_bits();
        for &x in column {
            let bits = x.to_bits();
            let abs = bits & !(1 << 63);
            if abs < zero_bits {
                self.zero += 1;
            } else {
                // The sign bit picks the store: no branch on the sign.
                self.stores[(bits >> 63) as usize].add(key(abs));
            }
        }
        self.count += column.len() as u64;
    }

    /// Add the counts of `other` (exact: counts are integers).
    pub fn merge(&mut self, other: &Self) {
        for (s, o) in self.stores.iter_mut().zip(&other.stores) {
            s.merge(o);
        }
        self.zero += other.zero;
        self.count += other.count;
    }

    /// Drop unused buckets at both ends and spare capacity (counts are unchanged, so
    /// merging and quantiles are too; two sketches of the same values compare equal and
    /// serialise to the same bytes once compacted).
    pub fn compact(&mut self) {
        for s in &mut self.stores {
            s.compact();
        }
    }

    /// Number of values counted.
    pub fn count(&self) -> usize {
        usize::try_from(self.count).unwrap_or(usize::MAX)
    }

    /// Number of buckets held (counts of 2 bytes, or 4 once one passes 65,535).
    pub fn buckets(&self) -> usize {
        self.stores.iter().map(|s| s.counts.len()).sum()
    }

    /// Bytes of memory held (the bucket counts' capacity, and the sketch itself).
    pub fn bytes(&self) -> usize {
        self.stores.iter().map(|s| s.counts.bytes()).sum::<usize>() + std::mem::size_of::<Self>()
    }

    /// The sketched `p`-quantile (`p` in [0, 1]): the value of the bucket holding the
    /// order statistic of 0-based rank `⌊p·(n−1)⌋`; NaN when empty.
    pub fn quantile(&self, p: f64) -> f64 {
        if self.count == 0 {
            return f64::NAN;
        }
        let p = if p.is_nan() { 0.0 } else { p.clamp(0.0, 1.0) };
        let rank = ((self.count - 1) as f64 * p).floor() as u64;
        let mut seen = 0u64;
        // Negative values from the most negative (highest key) up.
        let [positive, negative] = &self.stores;
        for i in (0..negative.counts.len()).rev() {
            seen += u64::from(negative.counts.get(i));
            if seen > rank {
                return -midpoint(negative.offset + i as u32);
            }
        }
        seen += self.zero;
        if seen > rank {
            return 0.0;
        }
        for i in 0..positive.counts.len() {
            seen += u64::from(positive.counts.get(i));
            if seen > rank {
                return midpoint(positive.offset + i as u32);
            }
        }
        f64::NAN
    }

    /// The sketched percentiles [`PERCENTILES`], in order.
    pub fn percentiles(&self) -> [f64; 9] {
        PERCENTILES.map(|p| self.quantile(f64::from(p) / 100.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::quantile_sorted;

    fn sample(n: usize, seed: u64) -> Vec<f64> {
        let mut state = seed;
        (0..n)
            .map(|_| {
                state = crate::rng::splitmix(state);
                let u = (state >> 11) as f64 / (1u64 << 53) as f64;
                // A long-tailed, sign-changing money-like sample: −£80m … +£20m.
                -6e7 * (1.0 - u).powi(3) + 2e7 * u.powi(8) + (u - 0.5) * 1e3
            })
            .collect()
    }

    #[test]
    fn merged_moments_equal_the_moments_of_the_union() {
        let x = sample(10_000, 7);
        let whole = Moments::of(&x);
        let parts: Vec<Moments> = x.chunks(1024).map(Moments::of).collect();
        let merged = Moments::fold(&parts);
        assert_eq!(merged.n, whole.n);
        assert_eq!(merged.non_negative, whole.non_negative);
        assert!((merged.mean - whole.mean).abs() <= 1e-12 * whole.mean.abs());
        assert!((merged.m2 - whole.m2).abs() <= 1e-10 * whole.m2);
    }

    /// The side-by-side moments are bit for bit the column-by-column ones, for block
    /// lengths around the pairwise base case and the 784-path last block of a
    /// 10,000-path run, and for columns of signed zeros.
    #[test]
    fn moments_of_columns_are_bit_identical_to_moments_of_each_column() {
        let same = |a: &Moments, b: &Moments| {
            a.n == b.n
                && a.mean.to_bits() == b.mean.to_bits()
                && a.m2.to_bits() == b.m2.to_bits()
                && a.non_negative == b.non_negative
        };
        for (len, width) in [
            (1, 5),
            (2, 4),
            (63, 9),
            (64, 8),
            (65, 7),
            (129, 3),
            (784, 30),
            (1024, 13),
        ] {
            let mut block = sample(len * width, len as u64);
            // A column of −0.0 and one of +0.0: the base case's starting value shows.
            block[..len].fill(-0.0);
            if width > 1 {
                block[len..2 * len].fill(0.0);
            }
            let mut out = vec![Moments::default(); width];
            Moments::of_columns(&block, len, &mut out);
            for (c, m) in out.iter().enumerate() {
                let one = Moments::of(&block[c * len..(c + 1) * len]);
                assert!(same(m, &one), "len {len}, column {c}: {m:?} != {one:?}");
            }
        }
    }

    /// The documented bound, checked on every reported percentile of a sign-changing,
    /// long-tailed sample against the exact order statistics.
    #[test]
    fn sketched_percentiles_meet_the_documented_bound() {
        for (n, seed) in [(1, 1), (2, 2), (101, 3), (10_000, 4), (200_003, 5)] {
            let x = sample(n, seed);
            let mut sketch = Sketch::new();
            sketch.add_all(&x);
            assert_eq!(sketch.count(), n);
            let mut sorted = x.clone();
            sorted.sort_unstable_by(f64::total_cmp);
            for (p, s) in PERCENTILES.iter().zip(sketch.percentiles()) {
                let p = f64::from(*p) / 100.0;
                let r = ((n - 1) as f64 * p).floor() as usize;
                let xr = sorted[r];
                assert!(
                    (s - xr).abs() <= RELATIVE_ACCURACY * xr.abs() + SKETCH_ZERO,
                    "n = {n}, p = {p}: sketch {s} vs x_(r) {xr}"
                );
                let exact = quantile_sorted(&sorted, p);
                let gap = sorted[(r + 1).min(n - 1)] - xr;
                assert!(
                    (s - exact).abs() <= RELATIVE_ACCURACY * xr.abs() + gap + SKETCH_ZERO,
                    "n = {n}, p = {p}: sketch {s} vs type 7 {exact}"
                );
            }
        }
    }

    #[test]
    fn merging_sketches_in_any_grouping_gives_identical_percentiles() {
        let x = sample(50_000, 11);
        let mut whole = Sketch::new();
        whole.add_all(&x);
        let mut forward = Sketch::new();
        for c in x.chunks(1024) {
            let mut s = Sketch::new();
            s.add_all(c);
            forward.merge(&s);
        }
        let mut backward = Sketch::new();
        for c in x.chunks(777).rev() {
            let mut s = Sketch::new();
            s.add_all(c);
            backward.merge(&s);
        }
        for s in [&mut whole, &mut forward, &mut backward] {
            s.compact();
        }
        assert_eq!(whole, forward);
        assert_eq!(whole, backward);
        assert_eq!(
            serde_json::to_string(&whole).expect("json"),
            serde_json::to_string(&backward).expect("json")
        );
        for ((a, b), c) in whole
            .percentiles()
            .iter()
            .zip(forward.percentiles())
            .zip(backward.percentiles())
        {
            assert_eq!(a.to_bits(), b.to_bits());
            assert_eq!(a.to_bits(), c.to_bits());
        }
    }

    /// Every bucket's midpoint is within `α` (relative) of every value of the bucket:
    /// values at and around bucket and octave edges, and across the whole range.
    #[test]
    fn a_buckets_midpoint_is_within_alpha_of_its_values() {
        let mut xs = vec![SKETCH_ZERO, 1.0, 2.0, 1.5, 1e300, f64::MAX];
        for e in -20..60 {
            let base = 2f64.powi(e);
            for k in [0u64, 1, 255, 511] {
                let edge = base * (1.0 + k as f64 / 512.0);
                xs.extend([
                    edge,
                    f64::from_bits(edge.to_bits() - 1),
                    f64::from_bits(edge.to_bits() + 1),
                ]);
            }
        }
        xs.extend(
            sample(100_000, 17)
                .iter()
                .map(|x| x.abs())
                .filter(|&x| x >= SKETCH_ZERO),
        );
        for x in xs {
            let m = midpoint(key(x.to_bits()));
            assert!(
                (m - x).abs() <= RELATIVE_ACCURACY * x,
                "{x}: bucket value {m}"
            );
        }
        const { assert!(RELATIVE_ACCURACY <= 0.001) };
    }

    /// Counts past 65,535 switch a store to 4-byte counts without losing any, also when
    /// merging.
    #[test]
    fn large_counts_widen_exactly() {
        let mut a = Sketch::new();
        a.add_all(&vec![1234.5; 70_000]);
        a.add_all(&[-3.0, 99.0]);
        assert_eq!(a.count(), 70_002);
        assert!((a.quantile(0.5) - 1234.5).abs() <= RELATIVE_ACCURACY * 1234.5);
        assert!((a.quantile(0.0) + 3.0).abs() <= RELATIVE_ACCURACY * 3.0);
        let mut b = Sketch::new();
        b.add_all(&vec![1234.5; 60_000]);
        let mut c = Sketch::new();
        c.add_all(&vec![1234.5; 10_000]);
        c.add_all(&[-3.0, 99.0]);
        b.merge(&c);
        a.compact();
        b.compact();
        assert_eq!(a, b);
        let back: Sketch =
            serde_json::from_str(&serde_json::to_string(&a).expect("json")).expect("parse");
        assert_eq!(back, a);
    }

    /// Zero, values inside the zero band, tiny and huge values of both signs.
    #[test]
    fn zero_and_extreme_values_meet_the_bound() {
        let x = [
            0.0, -0.0, 5e-10, -5e-10, 1e-9, -1e-9, 3e-7, -2e12, 7e15, -1e300, 1e300, 42.0, -42.0,
            1.0, -1.0,
        ];
        let mut sketch = Sketch::new();
        sketch.add_all(&x);
        let mut sorted = x.to_vec();
        sorted.sort_unstable_by(f64::total_cmp);
        for i in 0..sorted.len() {
            let p = i as f64 / (sorted.len() - 1) as f64;
            let s = sketch.quantile(p);
            let xr = sorted[((sorted.len() - 1) as f64 * p).floor() as usize];
            assert!(
                (s - xr).abs() <= RELATIVE_ACCURACY * xr.abs() + SKETCH_ZERO,
                "p = {p}: sketch {s} vs {xr}"
            );
        }
        assert!(Sketch::new().quantile(0.5).is_nan());
    }

    #[test]
    fn a_tampered_sketch_is_refused() {
        let mut s = Sketch::new();
        s.add_all(&sample(100, 3));
        s.compact();
        let mut v = serde_json::to_value(&s).expect("json");
        v["count"] = serde_json::json!(99);
        let e = serde_json::from_value::<Sketch>(v).expect_err("bad count");
        assert!(e.to_string().contains("not its count 99"), "{e}");
        let mut v = serde_json::to_value(&s).expect("json");
        v["positive"]["offset"] = serde_json::json!(u32::MAX);
        assert!(serde_json::from_value::<Sketch>(v).is_err());
    }

    #[test]
    fn squared_deviations_sum_as_pairwise_sum_does() {
        let x = sample(10_007, 3);
        let mean = pairwise_sum(&x) / x.len() as f64;
        let dev: Vec<f64> = x.iter().map(|v| (v - mean) * (v - mean)).collect();
        assert_eq!(
            pairwise_squared_deviations(&x, mean).to_bits(),
            pairwise_sum(&dev).to_bits()
        );
    }

    #[test]
    fn auto_keeps_small_runs_exact() {
        assert_eq!(Percentiles::Auto.resolve(10_000, 300), Percentiles::Exact);
        assert_eq!(
            Percentiles::Auto.resolve(1_000_000, 300),
            Percentiles::Sketch
        );
        assert_eq!(
            Percentiles::Exact.resolve(1_000_000, 300),
            Percentiles::Exact
        );
        assert_eq!(Percentiles::Sketch.resolve(10, 300), Percentiles::Sketch);
    }

    #[test]
    fn a_sketch_survives_json_bit_for_bit() {
        let x = sample(5_000, 13);
        let mut s = Sketch::new();
        s.add_all(&x);
        let json = serde_json::to_string(&s).expect("serialise");
        let back: Sketch = serde_json::from_str(&json).expect("parse");
        let mut merged = Sketch::new();
        merged.merge(&back);
        for (a, b) in s.percentiles().iter().zip(merged.percentiles()) {
            assert_eq!(a.to_bits(), b.to_bits());
        }
    }
}
