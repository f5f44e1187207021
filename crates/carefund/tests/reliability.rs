//! Reliability (issue 8): the loader never panics, numbers stay finite, sums stay accurate.
//!
//! - [`fuzz`]: a proptest that mutates valid scenario files (delete, duplicate and swap
//!   lines, retype values, truncate) and asserts that loading gives `Ok` or a typed input
//!   error, never a panic, and that accepted mutants simulate to finite outputs.
//! - [`extremes`]: extreme but valid scenarios (effects of ±1, zero costs and pool,
//!   growth of −99% and +100%, a 60-year monthly horizon, one path …) give finite numbers
//!   in every output: ledgers, statistics, headline, summary.json, CSVs and charts.
//! - [`numbers`]: sums, means and standard deviations against exact integer references on
//!   millions of adversarial values.

// The modules live in `tests/reliability/`; `#[path]` keeps them out of `tests/`, where
// Cargo would build each file as a test binary of its own.
#[path = "reliability/finite.rs"]
mod finite;

#[path = "reliability/extremes.rs"]
mod extremes;
#[path = "reliability/fuzz.rs"]
mod fuzz;
#[path = "reliability/numbers.rs"]
mod numbers;
