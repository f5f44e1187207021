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

mod analyses;
mod memory;
mod output;
mod paired;
mod progress;
mod run;

pub use analyses::{
    Method, NationalOutcome, SensitivityOutcome, SensitivityRequest, national, sensitivity,
};
pub use memory::{available_memory, check_memory, runs_memory};
pub use output::{Charts, Contents, FileRole, OutputFile, OutputOptions, PathsFile};
pub use paired::{
    CompareOutcome, CompareRequest, ReverseOutcome, ReverseRequest, StressOutcome, StressRequest,
    TwowayOutcome, TwowayRequest, compare, reverse, stress, twoway,
};
pub use progress::Progress;
pub use run::{
    CheckOutcome, Columns, RunOutcome, RunRequest, ShardOutcome, ShardRequest, check, merge, run,
    shard,
};

// The words of the requests, so that a front end needs nothing but this module.
pub use crate::columns::Percentiles;
pub use crate::convergence::{Target, TargetMetric};
pub use crate::engine::{RunOptions, Shard};
pub use crate::error::{Error, Opt, Result, memory_text};
pub use crate::evidence::Evidence;
pub use crate::metric::MetricName;
pub use crate::national::{Factors, Portfolio};
pub use crate::scenario::{EXAMPLE as EXAMPLE_SCENARIO, Sampling, Scenario, workbook};
pub use crate::sensitivity::Output;
pub use crate::shard::{ShardFile, Source, read as read_shard};
pub use crate::stress::workbook as stress_sheet;
pub use crate::stress::{
    Factor, Metric as ReverseMetric, Overlay, ReverseOptions, SCEPTICAL, pack as stress_pack,
    parse as parse_stress,
};
pub use crate::twoway::{Axis, Metric as TwowayMetric, parse_axis};
pub use crate::voi::{Group, Value, VoiOptions, do_nothing_toml};
