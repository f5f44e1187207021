//! Integration tests of the model, the sampler and the engine, in one test binary.
//!
//! The four kinds of test of `STYLE.md` (habit 6), each against docs/model.md:
//!
//! - [`statistical`]: every distribution form of §7, sampled through the real engine, is
//!   checked with a Kolmogorov–Smirnov test against a statrs CDF built independently from
//!   the same parameters; per-period demand noise (§3) likewise; rank correlations of §6
//!   within 4 standard errors.
//! - [`analytic`]: deterministic scenarios whose ledgers follow from the formulas of §4 by
//!   hand (a single fixed-effect scheme, ramps, P4P, contingency, perspectives,
//!   discounting) and the plan case of §5.
//! - [`properties`]: invariants that hold on every path and period of a rich scenario
//!   (perspectives sum to system net, avoided ≤ counterfactual, ordered percentiles…),
//!   of the shipped scenarios, and of the engine's edges (one path, partial blocks).
//! - [`cancellation`]: a run stops within a block of being asked to.
//! - [`determinism`] and [`stability`]: §6 reproducibility (thread count, path prefixes,
//!   common random numbers) and pinned values that catch any change to streams or model.
//!
//! Scenarios are written as TOML by [`common::ScenarioText`]. Every statistical tolerance
//! is stated in standard errors (or as a KS critical value at a stated α).

// The modules live in `tests/model/`; `#[path]` keeps them out of `tests/`, where Cargo
// would build each file as a test binary of its own.
#[path = "common/mod.rs"]
mod common;

#[path = "model/analytic.rs"]
mod analytic;
#[path = "model/cancellation.rs"]
mod cancellation;
#[path = "model/determinism.rs"]
mod determinism;
#[path = "model/properties.rs"]
mod properties;
#[path = "model/stability.rs"]
mod stability;
#[path = "model/statistical.rs"]
mod statistical;
