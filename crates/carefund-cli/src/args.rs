//! Command-line arguments (clap derive). Doc comments are the help text.

use std::path::PathBuf;

use carefund::api::MetricName;
use carefund::api::ReverseMetric;
use carefund::api::TargetMetric;
use carefund::api::TwowayMetric;
use clap::builder::PossibleValue;
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
    /// Run a scenario under named stresses (default: a workbook's Stresses sheet, else the sceptical review pack), paired with the base on the same random numbers.
    Stress(StressArgs),
    /// Find the value of one factor (e.g. the multiplier on all effects) at which a metric crosses a level.
    Reverse(ReverseArgs),
    /// Compare two or more scenarios on the same random numbers: paired differences and P(A better than B).
    Compare(CompareArgs),
    /// Which assumptions matter: tornado charts (Spearman and swing) and Sobol indices.
    Sensitivity(SensitivityArgs),
    /// Apply one template scenario to many areas (a CSV) with shared national shocks.
    National(NationalArgs),
    /// Two-way sensitivity: a metric over a grid of two inputs, with the break-even contour.
    Twoway(TwowayArgs),
    /// Combine the shard files of one run (`carefund run --shard K/N`) into the outputs a single run gives.
    Merge(MergeArgs),
    /// Convert a scenario between TOML and an Excel workbook (by the files' extensions: .toml, .xlsx), with the stresses of its Stresses sheet.
    Convert(ConvertArgs),
}

/// Arguments of `carefund convert`.
#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// The scenario to read: a TOML file (.toml) or a workbook (.xlsx).
    pub input: PathBuf,
    /// Where to write it: a workbook (.xlsx) for a TOML input, a TOML file (.toml) for a
    /// workbook. TOML comments become the workbook's Source cells, and back. A workbook's
    /// stresses (its Stresses sheet) go to a stress file beside OUTPUT, named like it with
    /// .stresses.toml (plan.toml, plan.stresses.toml), since a scenario file cannot hold
    /// them.
    pub output: PathBuf,
    /// With a TOML input: a stress file (TOML, or a workbook whose Stresses sheet holds
    /// the stresses) to lay out on the workbook's Stresses sheet [default: an empty sheet].
    #[arg(long, value_name = "FILE")]
    pub stresses: Option<PathBuf>,
    /// Overwrite the outputs if they exist.
    #[arg(long)]
    pub force: bool,
}

/// Arguments of `carefund run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The scenario file (TOML, or an Excel workbook .xlsx).
    pub scenario: PathBuf,
    /// Number of Monte Carlo paths.
    #[arg(long, default_value_t = 10_000)]
    pub paths: u64,
    /// Random seed; the same scenario, seed and paths give bit-identical results.
    #[arg(long, default_value_t = carefund::api::RunOptions::default().seed)]
    pub seed: u64,
    /// Output directory [default: carefund-out/<scenario file stem>].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Worker threads [default: one per core; allowed: 1 to max(16, 4 × cores), at most
    /// 1,024]. Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Chart format.
    #[arg(long, value_enum, default_value_t = ChartFormat::Png)]
    pub format: ChartFormat,
    /// Print summary.json to standard output instead of the text report.
    #[arg(long)]
    pub json: bool,
    /// Also compute the expected value of perfect information of funding the plan versus
    /// doing nothing (a second run with every scheme's cost and effect at zero), saved as
    /// summary.json headline.evpi.
    #[arg(long)]
    pub evpi: bool,
    /// The net benefit --evpi compares: npv (NPV of system net), cum_net, commissioner,
    /// provider or council.
    #[arg(
        long = "evpi-value",
        default_value = "npv",
        requires = "evpi",
        value_name = "VALUE"
    )]
    pub evpi_value: String,
    /// Evidence file to hold the plan against [default: the built-in
    /// data/evidence/admission-avoidance.toml].
    #[arg(long, value_name = "FILE")]
    pub evidence: Option<PathBuf>,
    /// Sampling of per-path inputs [default: the scenario's `sampling`, else monte-carlo].
    #[arg(long, value_enum)]
    pub sampling: Option<SamplingArg>,
    /// Add paths (starting from --paths) until the standard error of --target-metric is at
    /// most this (a probability such as 0.005 for p_break_even, £ for mean_cum_net).
    #[arg(long)]
    pub target_se: Option<f64>,
    /// The metric whose standard error --target-se bounds.
    #[arg(long, value_enum, default_value_t = TargetMetricArg(TargetMetric::PBreakEven))]
    pub target_metric: TargetMetricArg,
    /// The most paths --target-se may use (at most 100,000,000).
    #[arg(long, default_value_t = 1_000_000)]
    pub max_paths: u64,
    /// Per-period percentiles: exact (keeps every value, 8 bytes per path, quantity and
    /// period), sketch (bounded memory; within 0.1% relative of the exact order statistic),
    /// or auto (exact while that takes at most 256 MiB). Headline figures are always exact.
    #[arg(long, value_enum, default_value_t = PercentilesArg::Auto)]
    pub percentiles: PercentilesArg,
    /// The per-path table: csv (paths.csv) or none (no per-path table: faster for large
    /// runs that need only the summary and the per-period tables).
    #[arg(long, value_enum, default_value_t = PathsFileArg::Csv)]
    pub paths_file: PathsFileArg,
    /// Run only shard K of N (K from 0 to N − 1, as Slurm array and Kubernetes job
    /// indices) and write OUT/shard-K-of-N.json instead of the usual outputs; combine the
    /// N files with `carefund merge`. The shard runs exactly the paths a single run gives
    /// it, with the same draws.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<carefund::api::Shard>,
    /// Reports.
    #[command(flatten)]
    pub reports: ReportArgs,
}

/// Parse `K/N`.
fn parse_shard(text: &str) -> Result<carefund::api::Shard, String> {
    let bad = || {
        format!("expected K/N with whole numbers, K from 0 to N − 1, such as 0/4 (got {text:?})")
    };
    let (k, n) = text.split_once('/').ok_or_else(bad)?;
    let shard = carefund::api::Shard {
        index: k.trim().parse().map_err(|_| bad())?,
        count: n.trim().parse().map_err(|_| bad())?,
    };
    if shard.count == 0 || shard.index >= shard.count {
        return Err(bad());
    }
    Ok(shard)
}

/// Which per-path table `carefund run` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PathsFileArg {
    /// paths.csv.
    Csv,
    /// No per-path table.
    None,
}

/// How per-period percentiles are found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PercentilesArg {
    /// Exact while the values fit in 256 MiB, else sketched.
    Auto,
    /// Keep every value; exact percentiles.
    Exact,
    /// A mergeable quantile sketch per quantity and period (bounded memory).
    Sketch,
}

/// Arguments of `carefund merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shard files (`shard-K-of-N.json`), all N of them, in any order.
    #[arg(required = true, num_args = 1..)]
    pub shards: Vec<PathBuf>,
    /// Output directory [default: carefund-out/<scenario file stem>].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Chart format.
    #[arg(long, value_enum, default_value_t = ChartFormat::Png)]
    pub format: ChartFormat,
    /// Print summary.json to standard output instead of the text report.
    #[arg(long)]
    pub json: bool,
    /// Reports.
    #[command(flatten)]
    pub reports: ReportArgs,
}

/// Sampling methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SamplingArg {
    /// Plain Monte Carlo.
    MonteCarlo,
    /// Latin hypercube: one path per stratum of each uncertain input.
    Lhs,
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
    /// The scenario file (TOML, or an Excel workbook .xlsx).
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
    /// Instead of the example, write "do nothing" for the plan PLAN: every scheme kept
    /// under its own name (so its random numbers match the plan's) with annual_cost = 0
    /// and success_probability = 0. Then: carefund compare PLAN PATH --voi.
    #[arg(long, value_name = "PLAN")]
    pub do_nothing: Option<PathBuf>,
    /// Write the example (or the do-nothing plan) as a fill-in Excel workbook FILE
    /// (.xlsx) instead of TOML: one sheet per part, coloured input cells, drop-downs, and
    /// the sceptical review pack on its Stresses sheet to edit.
    #[arg(long, value_name = "FILE", conflicts_with = "path")]
    pub xlsx: Option<PathBuf>,
}

/// Run options shared by `stress`, `reverse` and `compare`.
#[derive(Debug, Args)]
pub struct PairedRunArgs {
    /// Number of Monte Carlo paths per run.
    #[arg(long, default_value_t = 10_000)]
    pub paths: u64,
    /// Random seed, shared by every run (common random numbers).
    #[arg(long, default_value_t = carefund::api::RunOptions::default().seed)]
    pub seed: u64,
    /// Worker threads [default: one per core; allowed: 1 to max(16, 4 × cores), at most
    /// 1,024]. Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
}

/// Arguments of `carefund stress`.
#[derive(Debug, Args)]
pub struct StressArgs {
    /// The scenario file (TOML, or an Excel workbook .xlsx).
    pub scenario: PathBuf,
    /// Stress files (TOML, `[[stress]]` tables), or workbooks (.xlsx) whose Stresses sheet
    /// holds the stresses; may be repeated.
    #[arg(long = "with", value_name = "FILE")]
    pub with: Vec<PathBuf>,
    /// A built-in pack of stresses [default, when no --with is given: the stresses on the
    /// Stresses sheet of a scenario workbook, or sceptical when it has none or the
    /// scenario is TOML].
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
    /// Reports.
    #[command(flatten)]
    pub reports: ReportArgs,
}

/// Arguments of `carefund reverse`.
#[derive(Debug, Args)]
pub struct ReverseArgs {
    /// The scenario file (TOML, or an Excel workbook .xlsx).
    pub scenario: PathBuf,
    /// The factor: 'scale SELECTOR' or 'shift SELECTOR', e.g. 'scale scheme.*.effect'.
    #[arg(long)]
    pub factor: String,
    /// The metric.
    #[arg(long, value_enum, default_value_t = ReverseMetricArg(ReverseMetric::PBreakEven))]
    pub metric: ReverseMetricArg,
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
    /// Two or more scenario files (TOML or .xlsx); A is the first, B the second, …
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
    /// Reports.
    #[command(flatten)]
    pub reports: ReportArgs,
    /// Value of information.
    #[command(flatten)]
    pub voi: VoiArgs,
}

/// Arguments of `carefund sensitivity`.
#[derive(Debug, Args)]
pub struct SensitivityArgs {
    /// The scenario file (TOML, or an Excel workbook .xlsx).
    pub scenario: PathBuf,
    /// The per-path output to explain.
    #[arg(long, value_enum, default_value_t = OutputArg::CumNet)]
    pub output: OutputArg,
    /// Which analysis: Spearman tornado, swing tornado, Sobol indices, or all three.
    #[arg(long, value_enum, default_value_t = MethodArg::All)]
    pub method: MethodArg,
    /// Paths of the Spearman run and of each swing run (two per uncertain input).
    #[arg(long, default_value_t = 5_000)]
    pub paths: u64,
    /// Rows of each Sobol base matrix, 16 to 100,000; the model runs rows × (inputs + 2)
    /// times.
    #[arg(long, default_value_t = 2_000)]
    pub sobol_rows: usize,
    /// Bootstrap resamples for the Sobol confidence intervals, 20 to 10,000.
    #[arg(long, default_value_t = 200)]
    pub bootstrap: usize,
    /// Random seed; the same arguments give bit-identical results.
    #[arg(long, default_value_t = carefund::api::RunOptions::default().seed)]
    pub seed: u64,
    /// Worker threads [default: one per core; allowed: 1 to max(16, 4 × cores), at most
    /// 1,024]. Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Output directory [default: carefund-out/<scenario file stem>/sensitivity].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Chart format.
    #[arg(long, value_enum, default_value_t = ChartFormat::Png)]
    pub format: ChartFormat,
    /// Reports.
    #[command(flatten)]
    pub reports: ReportArgs,
}

/// Outputs a sensitivity analysis can explain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputArg {
    /// Cumulative system net at the horizon (£).
    #[value(name = "cum_net")]
    CumNet,
    /// NPV of system net (£).
    Npv,
    /// Avoided admissions over the horizon.
    Avoided,
}

/// Sensitivity methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MethodArg {
    /// Spearman rank correlation of each input with the output.
    Tornado,
    /// Mean output with each input at its P10 and at its P90.
    Swing,
    /// Sobol first-order and total indices.
    Sobol,
    /// All three.
    All,
}

/// Arguments of `carefund national`.
#[derive(Debug, Args)]
#[command(
    after_help = "Example, with the Excel workbook and the HTML report:\n  \
    carefund national --areas data/national/areas-synthetic.csv \\\n    \
    --template data/national/england-2015.toml --xlsx national.xlsx --report national.html"
)]
pub struct NationalArgs {
    /// The areas file (CSV): columns area, pooled, baseline_admissions, target_reduction,
    /// and optional override columns named like an input (demand.growth,
    /// scheme.<name>.effect, costs.unit_cost, …), each cell a number or a distribution.
    #[arg(long)]
    pub areas: PathBuf,
    /// The template scenario (TOML or .xlsx) applied to every area; its optional [national] table
    /// sets the correlations.
    #[arg(long)]
    pub template: PathBuf,
    /// Monte Carlo paths per area.
    #[arg(long, default_value_t = 10_000)]
    pub paths: u64,
    /// Random seed; the same files, seed and paths give bit-identical results.
    #[arg(long, default_value_t = carefund::api::RunOptions::default().seed)]
    pub seed: u64,
    /// Worker threads [default: one per core; allowed: 1 to max(16, 4 × cores), at most
    /// 1,024]. Results do not depend on it.
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
    /// Reports.
    #[command(flatten)]
    pub reports: ReportArgs,
}

/// Arguments of `carefund twoway`.
#[derive(Debug, Args)]
pub struct TwowayArgs {
    /// The scenario file (TOML, or an Excel workbook .xlsx).
    pub scenario: PathBuf,
    /// The input along the x axis and its grid: NAME=LO:HI:COUNT, e.g.
    /// 'scheme.Reablement and intermediate care.effect=0:0.04:9'.
    #[arg(long, value_name = "NAME=LO:HI:COUNT")]
    pub x: String,
    /// The input along the y axis and its grid, e.g. 'costs.cashable_share_long=0.3:0.9:7'.
    #[arg(long, value_name = "NAME=LO:HI:COUNT")]
    pub y: String,
    /// What each cell shows.
    #[arg(long, value_enum, default_value_t = MetricArg(TwowayMetric::PBreakEven))]
    pub metric: MetricArg,
    /// Paths per cell (every cell uses the same seed: common random numbers).
    #[arg(long, default_value_t = 10_000)]
    pub paths: u64,
    /// Random seed; the same arguments give bit-identical results.
    #[arg(long, default_value_t = carefund::api::RunOptions::default().seed)]
    pub seed: u64,
    /// Worker threads [default: one per core; allowed: 1 to max(16, 4 × cores), at most
    /// 1,024]. Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Output directory [default: carefund-out/<scenario file stem>/twoway].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Chart format.
    #[arg(long, value_enum, default_value_t = ChartFormat::Png)]
    pub format: ChartFormat,
}

/// A metric option's value: one of a command's metrics, spelt as
/// [`MetricName`] spells it (help and parser share that one spelling, and the hyphenated
/// alias is accepted too).
fn metric_value(name: MetricName) -> PossibleValue {
    PossibleValue::new(name.name())
        .alias(name.alias())
        .help(name.describe())
}

/// A clap value type wrapping a library metric enum with `VARIANTS` and `metric_name()`.
macro_rules! metric_arg {
    ($(#[$doc:meta])* $arg:ident($metric:ty)) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $arg(pub $metric);

        impl ValueEnum for $arg {
            fn value_variants<'a>() -> &'a [Self] {
                const ALL: [$arg; <$metric>::VARIANTS.len()] = {
                    let mut out = [$arg(<$metric>::VARIANTS[0]); <$metric>::VARIANTS.len()];
                    let mut k = 0;
                    while k < out.len() {
                        out[k] = $arg(<$metric>::VARIANTS[k]);
                        k += 1;
                    }
                    out
                };
                &ALL
            }

            fn to_possible_value(&self) -> Option<PossibleValue> {
                Some(metric_value(self.0.metric_name()))
            }
        }
    };
}

metric_arg!(
    /// Metrics --target-se can bound.
    TargetMetricArg(TargetMetric)
);
metric_arg!(
    /// Metrics a reverse stress test can target.
    ReverseMetricArg(ReverseMetric)
);
metric_arg!(
    /// Metrics of a two-way grid.
    MetricArg(TwowayMetric)
);

/// `--xlsx` and `--report`, shared by every subcommand that writes reports.
#[derive(Debug, Default, Args)]
pub struct ReportArgs {
    /// Also write an Excel workbook with native Excel charts to FILE: Summary, Fan chart,
    /// By year, By period, Assumptions, Paths and a sheet of this command's own results;
    /// for `national`: Summary (national verdict, areas per rating, national totals with
    /// SEs, seed, paths, file hashes), Fan chart, Areas (one row per area), Ratings and
    /// Assumptions (the template's).
    #[arg(long, value_name = "FILE")]
    pub xlsx: Option<PathBuf>,
    /// Also write a self-contained HTML report (inline charts, no scripts) to FILE: the
    /// verdict and its reasons first, then the charts, the tables and the methods.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
}

/// `compare --voi` and its options: the scenarios are the options of a decision.
#[derive(Debug, Args)]
pub struct VoiArgs {
    /// Also analyse the decision between the scenarios (value of information): EVPI,
    /// EVPPI of every uncertain input and of each --group, and the acceptability curve;
    /// writes voi.json, voi.csv, acceptability.csv and the voi-evppi and
    /// voi-acceptability charts.
    #[arg(long)]
    pub voi: bool,
    /// Net benefit of an option on a path: npv (NPV of system net), cum_net, commissioner,
    /// provider or council (each party's cumulative net position).
    #[arg(long, default_value = "npv", requires = "voi")]
    pub value: String,
    /// How many decisions the result applies to, e.g. the number of areas facing the same
    /// choice × the decision cycles it holds for. EVPI and EVPPI are shown per decision
    /// and multiplied by it.
    #[arg(long, default_value_t = 1.0, requires = "voi")]
    pub scale: f64,
    /// A named group of inputs for EVPPI, NAME=GLOB with * wildcards on input names, e.g.
    /// effects='scheme.*.effect'; may be repeated.
    #[arg(long, value_name = "NAME=GLOB", requires = "voi")]
    pub group: Vec<String>,
    /// £ placed on each avoided admission, added to every path's net benefit for EVPI and
    /// EVPPI (a willingness to pay, as in net monetary benefit) [default: 0, money alone].
    #[arg(long, default_value_t = 0.0, value_name = "GBP", requires = "voi")]
    pub admission_value: f64,
    /// The acceptability curve's grid of £ per avoided admission (added to each path's
    /// money value): LO:HI:COUNT [default: 0 to about twice the value at which the
    /// options' means cross, 21 points].
    #[arg(long, value_name = "LO:HI:COUNT", requires = "voi")]
    pub weights: Option<String>,
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, Parser};

    use super::{Cli, Command};

    /// Every metric option with the arguments its subcommand needs besides it.
    const METRIC_OPTIONS: [(&str, &str, &[&str]); 3] = [
        ("run", "--target-metric", &["s.toml"]),
        (
            "reverse",
            "--metric",
            &["s.toml", "--factor", "scale scheme.*.effect"],
        ),
        (
            "twoway",
            "--metric",
            &["s.toml", "--x", "a=0:1:2", "--y", "b=0:1:2"],
        ),
    ];

    /// The values an option's help lists: `[possible values: a, b]` in the short help
    /// and the `- a: …` lines under it in the long help.
    fn spellings_in_help(sub: &str, option: &str) -> Vec<String> {
        let mut cmd = Cli::command();
        let sub = cmd.find_subcommand_mut(sub).expect("subcommand");
        let mut found = Vec::new();
        let short = sub.render_help().to_string();
        let line = short
            .lines()
            .skip_while(|l| !l.contains(&format!("{option} <")))
            .find(|l| l.contains("[possible values:"))
            .unwrap_or_else(|| panic!("{option}: no possible values in\n{short}"));
        let list = line.split("[possible values:").nth(1).expect("list");
        found.extend(
            list.trim_end_matches([']', ' '])
                .split(',')
                .map(|v| v.trim().to_owned()),
        );
        let long = sub.render_long_help().to_string();
        let mut in_option = false;
        for l in long.lines() {
            let t = l.trim();
            if t.starts_with("--") || t.starts_with('-') && !t.starts_with("- ") {
                in_option = t.starts_with(&format!("{option} <"));
            } else if in_option && let Some(v) = t.strip_prefix("- ") {
                found.push(v.split(':').next().expect("name").trim().to_owned());
            }
        }
        assert!(!found.is_empty(), "{option}: help lists no value");
        found
    }

    fn metric_of(command: &Command) -> &'static str {
        match command {
            Command::Run(a) => a.target_metric.0.name(),
            Command::Reverse(a) => a.metric.0.name(),
            Command::Twoway(a) => a.metric.0.name(),
            _ => unreachable!("only metric options are parsed here"),
        }
    }

    /// Issue 16: help and parser agree on every metric's spelling, and the hyphenated
    /// alias parses to the same metric.
    #[test]
    fn metric_options_accept_every_spelling_their_help_prints() {
        for (sub, option, rest) in METRIC_OPTIONS {
            for value in spellings_in_help(sub, option) {
                for spelling in [value.clone(), value.replace('_', "-")] {
                    let mut args = vec!["carefund", sub];
                    args.extend_from_slice(rest);
                    args.extend([option, spelling.as_str()]);
                    let cli = Cli::try_parse_from(&args)
                        .unwrap_or_else(|e| panic!("{sub} {option} {spelling}: {e}"));
                    assert_eq!(metric_of(&cli.command), value, "{sub} {option} {spelling}");
                }
            }
        }
    }

    /// The same metric is spelt the same in every command that takes it.
    #[test]
    fn one_spelling_per_metric_across_commands() {
        let all: Vec<String> = METRIC_OPTIONS
            .iter()
            .flat_map(|(sub, option, _)| spellings_in_help(sub, option))
            .collect();
        for v in &all {
            let metric = carefund::api::MetricName::parse(v)
                .unwrap_or_else(|| panic!("{v} is not a library metric name"));
            assert_eq!(metric.name(), v);
        }
        assert!(all.iter().any(|v| v == "mean_npv"));
        assert!(!all.iter().any(|v| v == "npv_mean"));
    }
}
