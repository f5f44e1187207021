//! Stress tests, reverse stress tests and paired scenario comparison (docs/model.md §9).
//!
//! - [`Overlay`]: named changes (`scale`, `shift`, `set`, `capacity_release = "never"`)
//!   to inputs chosen by name with `*` wildcards; [`parse`] reads a stress file and
//!   [`pack`] returns a built-in pack (the sceptical review, `data/stress/sceptical.toml`).
//! - [`stress_test`]: the base and each stress on common random numbers, with the
//!   paired change of each headline metric and its Monte Carlo standard error.
//! - [`reverse_stress`]: the value of one factor at which a metric crosses a level.
//! - [`compare()`]: two or more scenarios on common random numbers, pairwise.
//! - [`report`]: text tables and CSV bytes; [`figures`]: the charts.
//! - [`workbook`]: the stresses of a scenario workbook's Stresses sheet, and a stress
//!   file laid out on one.
//!
//! ```
//! use carefund::{RunOptions, Scenario, stress};
//!
//! let base = Scenario::from_toml(carefund::EXAMPLE_SCENARIO, "example.toml")?;
//! let pack = stress::pack("sceptical")?;
//! let options = RunOptions { paths: 500, seed: 7, threads: Some(1) };
//! let report = stress::stress_test(&base, &pack, &options, &|_, _| {})?;
//! for s in &report.stresses {
//!     // Paired with the base, so the change is never the noise of two samples.
//!     assert!(s.change.p_break_even.mean <= 1.0);
//! }
//! # Ok::<(), carefund::Error>(())
//! ```

pub mod compare;
#[cfg(feature = "report")]
pub mod figures;
mod file;
mod overlay;
mod paired;
pub mod report;
mod reverse;
#[cfg(feature = "report")]
pub mod section;
pub mod workbook;

pub use compare::{Comparison, PairDiff, compare};
pub use file::{PACKS, SCEPTICAL, pack, parse};
pub use overlay::{Action, Op, Origin, Overlay, glob};
pub use paired::{Change, Changes, Metric, StressReport, StressResult, diff_stats, stress_test};
pub use reverse::{
    Evaluation, Factor, FactorKind, ReverseOptions, ReverseResult, reverse_evaluations,
    reverse_stress, reverse_stress_with,
};
