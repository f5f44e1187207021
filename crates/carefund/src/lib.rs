//! # carefund
//!
//! Monte Carlo stress tests of the savings forecasts of pooled health and social care
//! funds, such as England's Better Care Fund. A scenario file describes a pooled fund, the
//! out-of-hospital schemes it pays for (with uncertain effects, ramp-up, failure and cost
//! overruns), growing demand, cashable versus non-cashable savings, payment for
//! performance and a contingency. carefund projects thousands of possible futures and
//! reports how likely the plan is to pay for itself, when, and for whom.
//!
//! The model is specified equation by equation in `docs/model.md` in the repository;
//! the items that implement each equation quote it and cite its section. Data flows one way:
//!
//! ```text
//! scenario file ─parse→ raw ─check→ Scenario ─sample→ inputs per path
//!     ─project→ per-period ledger ─summarise→ Summary ─chart/export→ bytes
//! ```
//!
//! One call per use case ([`api`]): a request in, an outcome out that prints and writes
//! exactly what the `carefund` command does.
//!
//! ```
//! use carefund::{RunRequest, Scenario};
//!
//! let scenario = Scenario::from_toml(carefund::EXAMPLE_SCENARIO, "example.toml")?;
//! let outcome = carefund::run(&scenario, &RunRequest::new(2_000, 7).threads(1), &())?;
//! let summary = &outcome.summary;
//! println!("{}: P(break even) = {:.2}", summary.rating, summary.headline.p_break_even);
//! assert!(outcome.text().contains("P(break even)"));
//! assert_eq!(outcome.path_column("npv").map(<[f64]>::len), Some(2_000));
//! # Ok::<(), carefund::Error>(())
//! ```
//!
//! The layers underneath stay public for other uses: [`simulate`] runs the engine and
//! [`summarise`] reduces its paths to a [`Summary`].
//!
//! Reproducibility: the same scenario, seed and number of paths give bit-identical
//! results on any number of threads ([`rng`] explains the streams).
//!
//! Scale: a run keeps each path's summary, per-block moments of every per-period
//! quantity, and either every per-period value or a mergeable sketch of each
//! ([`columns`]); inputs are drawn again when asked for. A run can be split into shards
//! that run anywhere and merge into the single run's results ([`shard`]).

#![deny(missing_docs)]
#![deny(clippy::float_cmp)]

pub mod api;
pub mod chart;
pub mod columns;
pub mod convergence;
pub mod copula;
pub mod dist;
pub mod engine;
mod error;
pub mod evidence;
pub mod export;
pub mod figures;
pub mod fmt;
pub mod metric;
pub mod model;
pub mod national;
pub mod quantile;
pub mod report;
pub mod rng;
pub mod sample;
pub mod scenario;
pub mod sensitivity;
pub mod shard;
pub mod stats;
pub mod stress;
pub mod summary;
pub mod text;
pub mod threads;
pub mod time;
pub mod twoway;
pub mod voi;

pub use api::{OutputOptions, Progress, RunOutcome, RunRequest, run};
pub use engine::{RunOptions, Simulation, simulate};
pub use error::{Diagnostic, Error, Opt, Result, memory_text};
pub use evidence::Evidence;
pub use fmt::Currency;
pub use model::{Model, PathSummary, Quantity};
pub use scenario::{Basis, Credibility, EXAMPLE as EXAMPLE_SCENARIO, Scenario};
pub use summary::{Rating, Summary, summarise};
