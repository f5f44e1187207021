//! Command-line arguments (clap derive). Doc comments are the help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Stress-test the savings forecast of a pooled health and social care fund.
///
/// carefund runs Monte Carlo projections of a scenario file (a pooled fund, the schemes
/// it pays for and every uncertain assumption), and reports how likely the plan is to
/// pay for itself, when, and for whom, with a credibility rating and forecast charts.
#[derive(Debug, Parser)]
#[command(name = "carefund", version, about, long_about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate a scenario: print the verdict and write summary.json, CSV tables and charts.
    Run(RunArgs),
    /// Check a scenario file and print the plan-level warnings, without simulating.
    Check(CheckArgs),
    /// Write a fully commented example scenario to start from.
    Init(InitArgs),
    /// Apply one template scenario to many areas (a CSV) with shared national shocks.
    National(NationalArgs),
}

/// Arguments of `carefund run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Number of Monte Carlo paths.
    #[arg(long, default_value_t = 10_000)]
    pub paths: u64,
    /// Random seed; the same scenario, seed and paths give bit-identical results.
    #[arg(long, default_value_t = carefund::RunOptions::default().seed)]
    pub seed: u64,
    /// Output directory [default: carefund-out/<scenario file stem>].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Worker threads [default: one per core]. Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Chart format.
    #[arg(long, value_enum, default_value_t = ChartFormat::Png)]
    pub format: ChartFormat,
    /// Print summary.json to standard output instead of the text report.
    #[arg(long)]
    pub json: bool,
}

/// Chart file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChartFormat {
    /// PNG images (1200×700).
    Png,
    /// SVG vector images.
    Svg,
    /// Both PNG and SVG.
    Both,
}

/// Arguments of `carefund check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
}

/// Arguments of `carefund init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write the example.
    #[arg(default_value = "scenario.toml")]
    pub path: PathBuf,
    /// Overwrite the file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Arguments of `carefund national`.
#[derive(Debug, Args)]
pub struct NationalArgs {
    /// The areas file (CSV): columns area, pooled, baseline_admissions, target_reduction,
    /// and optional override columns named like an input (demand.growth,
    /// scheme.<name>.effect, costs.unit_cost, …), each cell a number or a distribution.
    #[arg(long)]
    pub areas: PathBuf,
    /// The template scenario (TOML) applied to every area; its optional [national] table
    /// sets the correlations.
    #[arg(long)]
    pub template: PathBuf,
    /// Monte Carlo paths per area.
    #[arg(long, default_value_t = 10_000)]
    pub paths: u64,
    /// Random seed; the same files, seed and paths give bit-identical results.
    #[arg(long, default_value_t = carefund::RunOptions::default().seed)]
    pub seed: u64,
    /// Worker threads [default: one per core]. Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Output directory [default: carefund-out/national-<areas file stem>].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Correlation between areas of the shock to scheme effectiveness, 0 to 1
    /// [default: the template's national.effect_correlation, else 0].
    #[arg(long)]
    pub effect_correlation: Option<f64>,
    /// Correlation between areas of the shock to demand growth, 0 to 1
    /// [default: the template's national.growth_correlation, else 0].
    #[arg(long)]
    pub growth_correlation: Option<f64>,
    /// Chart format.
    #[arg(long, value_enum, default_value_t = ChartFormat::Png)]
    pub format: ChartFormat,
}
