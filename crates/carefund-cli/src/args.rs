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
    /// Run a scenario under named stresses (default: the sceptical review pack), paired with the base on the same random numbers.
    Stress(StressArgs),
    /// Find the value of one factor (e.g. the multiplier on all effects) at which a metric crosses a level.
    Reverse(ReverseArgs),
    /// Compare two or more scenarios on the same random numbers: paired differences and P(A better than B).
    Compare(CompareArgs),
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
    /// Evidence file to hold the plan against [default: the built-in
    /// data/evidence/admission-avoidance.toml].
    #[arg(long, value_name = "FILE")]
    pub evidence: Option<PathBuf>,
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
    /// Evidence file to hold the plan against [default: the built-in
    /// data/evidence/admission-avoidance.toml].
    #[arg(long, value_name = "FILE")]
    pub evidence: Option<PathBuf>,
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

/// Run options shared by `stress`, `reverse` and `compare`.
#[derive(Debug, Args)]
pub struct PairedRunArgs {
    /// Number of Monte Carlo paths per run.
    #[arg(long, default_value_t = 10_000)]
    pub paths: u64,
    /// Random seed, shared by every run (common random numbers).
    #[arg(long, default_value_t = carefund::RunOptions::default().seed)]
    pub seed: u64,
    /// Worker threads [default: one per core]. Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
}

/// Arguments of `carefund stress`.
#[derive(Debug, Args)]
pub struct StressArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Stress files (TOML, `[[stress]]` tables); may be repeated.
    #[arg(long = "with", value_name = "FILE")]
    pub with: Vec<PathBuf>,
    /// A built-in pack of stresses [default: sceptical when no --with is given].
    #[arg(long, value_name = "NAME")]
    pub pack: Option<String>,
    /// Run options.
    #[command(flatten)]
    pub run: PairedRunArgs,
    /// Output directory [default: carefund-out/<scenario file stem>/stress].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Chart format.
    #[arg(long, value_enum, default_value_t = ChartFormat::Png)]
    pub format: ChartFormat,
}

/// Arguments of `carefund reverse`.
#[derive(Debug, Args)]
pub struct ReverseArgs {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// The factor: 'scale SELECTOR' or 'shift SELECTOR', e.g. 'scale scheme.*.effect'.
    #[arg(long)]
    pub factor: String,
    /// The metric: p_break_even, p_target_met_year1, mean_cum_net or mean_npv.
    #[arg(long, default_value = "p_break_even")]
    pub metric: String,
    /// The level the metric should cross.
    #[arg(long, default_value_t = 0.5, allow_hyphen_values = true)]
    pub level: f64,
    /// Search range LO:HI [default: 0:10 for scale, -1:1 for shift].
    #[arg(long, value_name = "LO:HI", allow_hyphen_values = true)]
    pub range: Option<String>,
    /// Stop bisecting when the bracket is narrower than this [default: range width / 1000].
    #[arg(long)]
    pub tolerance: Option<f64>,
    /// Run options.
    #[command(flatten)]
    pub run: PairedRunArgs,
    /// Output directory [default: carefund-out/<scenario file stem>/reverse].
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Arguments of `carefund compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Two or more scenario files (TOML); A is the first, B the second, …
    #[arg(num_args = 2.., required = true)]
    pub scenarios: Vec<PathBuf>,
    /// Run options.
    #[command(flatten)]
    pub run: PairedRunArgs,
    /// Output directory [default: carefund-out/<first file stem>/compare].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Chart format.
    #[arg(long, value_enum, default_value_t = ChartFormat::Png)]
    pub format: ChartFormat,
}
