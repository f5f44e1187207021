//! One call per use case: a request in, an outcome out.
//!
//! Each use case takes its inputs and a request (every mode an enum, never a string),
//! reports its stages to a [`Progress`], and returns an outcome that holds every result.
//! The outcome renders itself: `.text()` is what the `carefund` command prints and
//! `.files(&OutputOptions)` the files it writes, so a notebook, a binding or the command
//! line get the same bytes from the same call.
//!
//! ```
//! use carefund::{Scenario, api::{RunRequest, run}};
//!
//! let scenario = Scenario::from_toml(carefund::EXAMPLE_SCENARIO, "example.toml")?;
//! let outcome = run(&scenario, &RunRequest::new(500, 7).threads(1), &())?;
//! assert!(outcome.text().contains("P(break even)"));
//! assert_eq!(outcome.path_column("cum_net").map(<[f64]>::len), Some(500));
//! # Ok::<(), carefund::Error>(())
//! ```

mod memory;
mod output;
mod progress;
mod run;

pub use memory::{available_memory, check_memory, runs_memory};
pub use output::{Charts, Contents, FileRole, OutputFile, OutputOptions, PathsFile};
pub use progress::Progress;
pub use run::{Columns, RunOutcome, RunRequest, ShardOutcome, ShardRequest, merge, run, shard};
