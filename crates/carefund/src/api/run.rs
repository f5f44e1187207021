//! The plan's run: the simulation, its evidence run, optional EVPI against doing
//! nothing; and the same outcome from shards run apart and merged.

use std::fmt::Write as _;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

#[cfg(feature = "report")]
use super::output::reports;
use super::output::{Contents, FileRole, OutputFile, OutputOptions, PathsFile, outputs};
use super::progress::{Progress, Watched, checkpoint, watch};
use crate::columns::Percentiles;
use crate::convergence::{Convergence, Target, TargetMetric, simulate_to_target};
use crate::engine::{Layout, MAX_PATHS, RunOptions, Shard, Simulation, simulate_with};
use crate::error::{Error, Opt, Result};
use crate::evidence::{Evidence, EvidenceOutcome};
use crate::scenario::{Sampling, Scenario};
use crate::shard::{ShardFile, Source};
use crate::summary::{Summary, summarise};
use crate::voi::{Evpi, Value};

/// What a run is asked to do. Build one with [`RunRequest::new`] and the builder
/// methods; every field is public too.
#[derive(Debug, Clone)]
pub struct RunRequest {
    /// Number of paths (1 to [`MAX_PATHS`]); the first round of a run to a target.
    pub paths: u64,
    /// Seed of every stream.
    pub seed: u64,
    /// Worker threads; `None`: one per core. Results do not depend on it.
    pub threads: Option<usize>,
    /// Override the scenario's sampling method.
    pub sampling: Option<Sampling>,
    /// How per-period percentiles are kept.
    pub percentiles: Percentiles,
    /// Add paths until a metric's standard error reaches a target.
    pub target: Option<Target>,
    /// The evidence the plan is checked against; `None`: the built-in evidence.
    pub evidence: Option<Evidence>,
    /// Also find the expected value of perfect information of funding the plan against
    /// doing nothing, valuing each path by this.
    pub evpi: Option<Value>,
}

impl Default for RunRequest {
    /// [`RunOptions::default`]'s paths and seed, every other option at its default.
    fn default() -> Self {
        let o = RunOptions::default();
        Self::new(o.paths, o.seed)
    }
}

impl RunRequest {
    /// A run of `paths` paths from `seed`, all cores, the built-in evidence, nothing more.
    pub fn new(paths: u64, seed: u64) -> Self {
        Self {
            paths,
            seed,
            threads: None,
            sampling: None,
            percentiles: Percentiles::Auto,
            target: None,
            evidence: None,
            evpi: None,
        }
    }
    /// Run on `threads` worker threads.
    #[must_use]
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = Some(threads);
        self
    }
    /// Sample with `sampling` whatever the scenario says.
    #[must_use]
    pub fn sampling(mut self, sampling: Sampling) -> Self {
        self.sampling = Some(sampling);
        self
    }
    /// Keep per-period percentiles this way.
    #[must_use]
    pub fn percentiles(mut self, percentiles: Percentiles) -> Self {
        self.percentiles = percentiles;
        self
    }
    /// Add paths until `target` is reached.
    #[must_use]
    pub fn target(mut self, target: Target) -> Self {
        self.target = Some(target);
        self
    }
    /// Check the plan against `evidence`.
    #[must_use]
    pub fn evidence(mut self, evidence: Evidence) -> Self {
        self.evidence = Some(evidence);
        self
    }
    /// Find the EVPI of funding the plan against doing nothing, by `value`.
    #[must_use]
    pub fn evpi(mut self, value: Value) -> Self {
        self.evpi = Some(value);
        self
    }

    /// The engine's options: paths, seed and threads.
    pub fn options(&self) -> RunOptions {
        RunOptions {
            paths: self.paths,
            seed: self.seed,
            threads: self.threads,
        }
    }

    /// Check the options without running anything.
    ///
    /// # Errors
    /// As [`RunOptions::check`]; [`Error::InvalidOption`] for a target's `max_paths`
    /// outside 1 to [`MAX_PATHS`].
    pub fn check(&self) -> Result<()> {
        self.options().check()?;
        if let Some(t) = &self.target
            && !(1..=MAX_PATHS).contains(&t.max_paths)
        {
            return Err(Error::InvalidOption {
                name: Opt::MaxPaths,
                value: t.max_paths.to_string(),
                allowed: format!("between 1 and {MAX_PATHS}"),
            });
        }
        Ok(())
    }
}

/// Everything a run produced.
#[derive(Debug)]
pub struct RunOutcome {
    /// The scenario run (with the request's sampling method).
    pub scenario: Scenario,
    /// The plan's run: every path's results.
    pub simulation: Simulation,
    /// What `summary.json` holds (with the evidence block, EVPI and convergence).
    pub summary: Summary,
    /// The evidence run, paired with the plan's path by path.
    pub evidence: EvidenceOutcome,
    /// The EVPI of funding the plan against doing nothing, when asked for.
    pub evpi: Option<Evpi>,
    /// What each path was valued by for [`RunOutcome::evpi`].
    pub evpi_value: Value,
    /// How a run to a target standard error went.
    pub convergence: Option<Convergence>,
    columns: OnceLock<Columns>,
}

/// Run `scenario` as `request` asks: the plan's run (to a target standard error if
/// asked), the evidence run on the same paths, and the EVPI against doing nothing if
/// asked. Stages reported to `progress`: `plan run` and `evidence run`, in paths.
///
/// # Errors
/// [`Error::InvalidOption`] for bad options
/// ([`RunRequest::check`]); [`Error::Memory`] when the runs would not fit in memory;
/// [`Error::Input`] when a scheme's kind is not in the evidence; [`Error::Threads`] when
/// worker threads cannot be started; [`Error::Cancelled`] when `progress` asks to stop.
///
/// ```
/// use carefund::{RunRequest, Scenario, voi::Value};
///
/// let scenario = Scenario::from_toml(carefund::EXAMPLE_SCENARIO, "example.toml")?;
/// let request = RunRequest::new(400, 11).threads(1).evpi(Value::Npv);
/// let outcome = carefund::run(&scenario, &request, &())?;
/// assert!(outcome.evpi.is_some());
/// assert!(outcome.json()?.starts_with('{'));
/// # Ok::<(), carefund::Error>(())
/// ```
pub fn run(
    scenario: &Scenario,
    request: &RunRequest,
    progress: &dyn Progress,
) -> Result<RunOutcome> {
    request.check()?;
    let mut scenario = scenario.clone();
    if let Some(s) = request.sampling {
        scenario.set_sampling(s);
    }
    let shipped;
    let evidence = match &request.evidence {
        Some(e) => e,
        None => {
            shipped = Evidence::shipped()?;
            &shipped
        }
    };
    evidence.check_kinds(&scenario)?;
    let options = request.options();
    let layout = Layout {
        percentiles: request.percentiles,
        shard: None,
    };
    let most = request
        .target
        .map_or(request.paths, |t| t.max_paths.max(request.paths));
    let threads = request
        .threads
        .unwrap_or_else(crate::threads::available_cores);
    // Two runs are held at once (the plan's and the evidence run).
    let need = 2 * crate::engine::memory_estimate(&scenario, most, &layout, threads);
    super::check_memory(Opt::Paths, &most.to_string(), need, Some(most))?;
    checkpoint(progress)?;

    progress.stage("plan run", request.paths, "paths");
    let (simulation, convergence) = match &request.target {
        None => (
            simulate_with(&scenario, &options, &layout, &watch(progress))?,
            None,
        ),
        Some(target) => {
            let length = AtomicU64::new(request.paths);
            let report = |done| {
                // Each round re-runs from path 0 with more paths than the last.
                if length.fetch_max(done, Ordering::Relaxed) < done {
                    progress.total(done);
                }
                progress.position(done);
            };
            let watched = Watched { progress, report };
            let (sim, c) = simulate_to_target(&scenario, &options, target, &watched)?;
            (sim, Some(c))
        }
    };
    let mut summary = summarise(&scenario, &simulation);
    summary.meta.convergence = convergence.clone();
    checkpoint(progress)?;
    // The evidence run (docs/model.md §11): same seed and paths, paired with the plan's run.
    progress.stage("evidence run", options.paths, "paths");
    let evidence_run =
        crate::evidence::evaluate(&scenario, evidence, &simulation, &summary, &watch(progress))?;
    let evpi = match request.evpi {
        Some(value) => {
            checkpoint(progress)?;
            Some(crate::voi::against_do_nothing_by(
                &scenario,
                &simulation,
                value,
            )?)
        }
        None => None,
    };
    summary.headline.evpi.clone_from(&evpi);
    evidence_run.attach(&mut summary);
    Ok(RunOutcome {
        scenario,
        simulation,
        summary,
        evidence: evidence_run,
        evpi,
        evpi_value: request.evpi.unwrap_or(Value::Npv),
        convergence,
        columns: OnceLock::new(),
    })
}

/// Put the shards of one run back together (`shards` pairs each with the name of its
/// file, for messages) and summarise it as [`run`] would have: the outcome's files are
/// the single run's with sketched percentiles.
///
/// # Errors
/// [`Error::ShardMismatch`] naming the files when the shards are not all of one run, a
/// shard appears twice or one is missing (see [`crate::shard::merge`]).
///
/// ```
/// use carefund::{Scenario, api};
/// use carefund::engine::Shard;
/// use carefund::shard::Source;
///
/// let text = carefund::EXAMPLE_SCENARIO;
/// let scenario = Scenario::from_toml(text, "example.toml")?;
/// let source = Source { file: "example.toml".into(), text: text.into() };
/// let shards = (0..2)
///     .map(|index| {
///         let request = api::ShardRequest::new(2_100, 11, Shard { index, count: 2 }, source.clone());
///         let outcome = api::shard(&scenario, &request, &())?;
///         Ok((outcome.file_name(), outcome.file))
///     })
///     .collect::<carefund::Result<Vec<_>>>()?;
/// let merged = api::merge(shards, &())?;
/// assert_eq!(merged.simulation.paths(), 2_100);
/// # Ok::<(), carefund::Error>(())
/// ```
pub fn merge(shards: Vec<(String, ShardFile)>, progress: &dyn Progress) -> Result<RunOutcome> {
    checkpoint(progress)?;
    let merged = crate::shard::merge(shards)?;
    let summary = summarise(&merged.scenario, &merged.plan);
    let evidence = crate::evidence::outcome(
        &merged.scenario,
        &merged.evidence,
        &merged.plan,
        &summary,
        merged.evidence_run,
    )?;
    let mut summary = summary;
    evidence.attach(&mut summary);
    Ok(RunOutcome {
        scenario: merged.scenario,
        simulation: merged.plan,
        summary,
        evidence,
        evpi: None,
        evpi_value: Value::Npv,
        convergence: None,
        columns: OnceLock::new(),
    })
}

impl RunOutcome {
    /// What `carefund run` prints before the list of files it wrote: the verdict
    /// ([`crate::text::render`]), then the EVPI, the convergence of a run to a target and
    /// a note on sketched percentiles, when there are any.
    ///
    /// ```
    /// use carefund::{RunRequest, Scenario, voi::Value};
    ///
    /// let scenario = Scenario::from_toml(carefund::EXAMPLE_SCENARIO, "example.toml")?;
    /// let outcome = carefund::run(&scenario, &RunRequest::new(300, 5).evpi(Value::Npv), &())?;
    /// let text = outcome.text();
    /// assert!(text.starts_with(&carefund::text::render(&outcome.summary)));
    /// assert!(text.contains("EVPI, fund vs do nothing"));
    /// # Ok::<(), carefund::Error>(())
    /// ```
    pub fn text(&self) -> String {
        let summary = &self.summary;
        let currency = summary.meta.currency;
        let mut out = crate::text::render(summary);
        if let Some(e) = &self.evpi {
            let _ = writeln!(
                out,
                "\nEVPI, fund vs do nothing ({}): {} (SE {}); best on average: {}",
                self.evpi_value.words(),
                currency.money(e.evpi),
                currency.money(e.se),
                if e.best == 0 {
                    "fund the plan"
                } else {
                    "do nothing"
                }
            );
        }
        if let Some(c) = &self.convergence {
            let rounds: Vec<String> = c.rounds.iter().map(u64::to_string).collect();
            let _ = writeln!(
                out,
                "\n{} {} paths (rounds: {}): SE of {} = {} against a target of {}",
                if c.reached {
                    "target SE reached with"
                } else {
                    "target SE NOT reached; stopped at --max-paths,"
                },
                c.paths,
                rounds.join(" → "),
                c.metric.name(),
                show_se(c.metric, c.achieved_se, currency),
                show_se(c.metric, c.target_se, currency)
            );
        }
        if self.simulation.percentiles() == Percentiles::Sketch {
            out.push_str(
                "\nper-period percentiles are sketched (within 0.1% of the exact order statistic; --percentiles exact keeps every value)\n",
            );
        }
        out
    }

    /// `summary.json`, as text: the bytes [`RunOutcome::files`] writes.
    ///
    /// ```
    /// let scenario = carefund::Scenario::from_toml(carefund::EXAMPLE_SCENARIO, "example.toml")?;
    /// let outcome = carefund::run(&scenario, &carefund::RunRequest::new(200, 5), &())?;
    /// let files = outcome.files(&carefund::OutputOptions::default())?;
    /// assert_eq!(outcome.json()?.as_bytes(), files[0].to_bytes()?.as_slice());
    /// # Ok::<(), carefund::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Export`] if it cannot be serialised.
    pub fn json(&self) -> Result<String> {
        let bytes = crate::export::summary_json(&self.summary)?;
        String::from_utf8(bytes).map_err(|e| Error::Export {
            what: "summary.json",
            message: e.to_string(),
        })
    }

    /// The files `options` asks for, in the order `carefund run` lists them:
    /// `summary.json`, `percentiles.csv`, `paths.csv` (streamed), `evidence.csv`, the
    /// charts of each format, then the reports.
    ///
    /// # Errors
    /// [`Error::Export`] or [`Error::Chart`] naming the file that could not be made.
    ///
    /// ```
    /// use carefund::api::{OutputOptions, RunRequest, run};
    ///
    /// let scenario = carefund::Scenario::from_toml(carefund::EXAMPLE_SCENARIO, "example.toml")?;
    /// let outcome = run(&scenario, &RunRequest::new(300, 2).threads(1), &())?;
    /// let files = outcome.files(&OutputOptions::default())?;
    /// assert_eq!(files[0].name, "summary.json");
    /// assert!(files.iter().any(|f| f.name == "fan.png"));
    /// # Ok::<(), carefund::Error>(())
    /// ```
    pub fn files(&self, options: &OutputOptions) -> Result<Vec<OutputFile<'_>>> {
        let summary = &self.summary;
        let mut files = outputs(vec![
            (
                "summary.json".to_string(),
                crate::export::summary_json(summary)?,
            ),
            (
                "percentiles.csv".to_string(),
                crate::export::percentiles_csv(summary)?,
            ),
        ]);
        if options.paths_file == PathsFile::Csv {
            // The paths table is written as it is made: a run of millions of paths never
            // holds it.
            files.push(OutputFile {
                name: "paths.csv".into(),
                role: FileRole::Output,
                contents: Contents::Stream(Box::new(|w| {
                    crate::export::write_paths_csv(&self.scenario, &self.simulation, w)
                })),
            });
        }
        files.push(OutputFile::bytes(
            "evidence.csv",
            crate::evidence::csv(&self.evidence.block.comparison)?,
        ));
        #[cfg(feature = "report")]
        for &format in options.charts.formats() {
            files.extend(outputs(crate::figures::run_charts(
                summary,
                &self.simulation,
                format,
            )?));
            files.extend(outputs(crate::figures::evidence_charts(
                summary,
                &self.evidence.summary,
                format,
            )?));
        }
        #[cfg(feature = "report")]
        {
            let mut report = crate::report::ReportInput::new(&self.scenario, summary)
                .with_simulation(&self.simulation);
            if let Some(block) = &summary.evidence {
                report
                    .sections
                    .push(crate::evidence::section::evidence(block, summary));
            }
            files.extend(reports(&report, options)?);
        }
        Ok(files)
    }

    /// Every per-path column: the results of each path, then the inputs it drew (see
    /// [`Columns`]). Built on the first call, then kept.
    pub fn columns(&self) -> &Columns {
        self.columns
            .get_or_init(|| Columns::of(&self.scenario, &self.simulation))
    }

    /// One per-path column by name (`npv`, `cum_net`, … or an input's name such as
    /// `scheme.Reablement.effect`), one value per path in path order.
    ///
    /// ```
    /// let scenario = carefund::Scenario::from_toml(carefund::EXAMPLE_SCENARIO, "example.toml")?;
    /// let outcome = carefund::run(&scenario, &carefund::RunRequest::new(200, 5), &())?;
    /// let npv = outcome.path_column("npv").expect("a result column");
    /// assert_eq!(npv[7], outcome.simulation.path_summaries()[7].npv);
    /// let first_input = scenario.inputs()[0].name();
    /// assert_eq!(outcome.path_column(first_input).map(<[f64]>::len), Some(200));
    /// assert!(outcome.path_column("no such column").is_none());
    /// # Ok::<(), carefund::Error>(())
    /// ```
    pub fn path_column(&self, name: &str) -> Option<&[f64]> {
        self.columns().get(name)
    }
}

/// A standard error in the metric's unit: percentage points or money.
fn show_se(metric: TargetMetric, se: f64, currency: crate::Currency) -> String {
    match metric {
        TargetMetric::PBreakEven => format!("{:.2} percentage points", 100.0 * se),
        TargetMetric::MeanCumNet => currency.money(se),
    }
}

/// A run's per-path results and inputs as named columns of `f64`, one value per path.
///
/// Results first, in the order of `paths.csv`: `npv`, `cum_net`, `break_even_period`
/// (the index of the period, NaN for never), `avoided`, `avoided_year1`,
/// `target_met_year1` (1 or 0), `investment`, `cashable`, `roi` (NaN when nothing is
/// spent), `gross`, `savings_claim_met`, `savings_claim_cashable`, `hospital_covered`
/// (1 or 0), `commissioner`, `provider`, `council`, `released`, `withheld`,
/// `contingency`; then every input of the scenario under its name.
#[derive(Debug, Clone)]
pub struct Columns {
    names: Vec<String>,
    values: Vec<Vec<f64>>,
    results: usize,
}

/// How a per-path result is read from a path's summary.
type Read = fn(&crate::PathSummary) -> f64;

/// The per-path results [`Columns`] holds, with how each is read.
const RESULTS: [(&str, Read); 19] = [
    ("npv", |p| p.npv),
    ("cum_net", |p| p.cum_net),
    ("break_even_period", |p| {
        p.break_even.map_or(f64::NAN, f64::from)
    }),
    ("avoided", |p| p.avoided),
    ("avoided_year1", |p| p.avoided_year1),
    ("target_met_year1", |p| {
        f64::from(u8::from(p.target_met_year1))
    }),
    ("investment", |p| p.investment),
    ("cashable", |p| p.cashable),
    ("roi", |p| p.roi.unwrap_or(f64::NAN)),
    ("gross", |p| p.gross),
    ("savings_claim_met", |p| {
        f64::from(u8::from(p.savings_claim_met))
    }),
    ("savings_claim_cashable", |p| {
        f64::from(u8::from(p.savings_claim_cashable))
    }),
    ("hospital_covered", |p| {
        f64::from(u8::from(p.hospital_covered))
    }),
    ("commissioner", |p| p.commissioner),
    ("provider", |p| p.provider),
    ("council", |p| p.council),
    ("released", |p| p.released),
    ("withheld", |p| p.withheld),
    ("contingency", |p| p.contingency),
];

impl Columns {
    fn of(scenario: &Scenario, sim: &Simulation) -> Self {
        let paths = sim.path_summaries();
        let mut names: Vec<String> = RESULTS.iter().map(|(n, _)| (*n).to_string()).collect();
        let mut values: Vec<Vec<f64>> = RESULTS
            .iter()
            .map(|(_, f)| paths.iter().map(f).collect())
            .collect();
        let k = scenario.inputs().len();
        names.extend(scenario.inputs().iter().map(|i| i.name().to_string()));
        let mut inputs = vec![Vec::with_capacity(paths.len()); k];
        // Inputs are drawn again piece by piece, so the row-major draws are never whole.
        const PIECE: usize = 1 << 16;
        for start in (0..paths.len()).step_by(PIECE) {
            let rows = sim.inputs(start..(start + PIECE).min(paths.len()));
            for row in rows.chunks(k.max(1)) {
                for (column, &x) in inputs.iter_mut().zip(row) {
                    column.push(x);
                }
            }
        }
        values.extend(inputs);
        Self {
            names,
            values,
            results: RESULTS.len(),
        }
    }

    /// The column called `name`.
    pub fn get(&self, name: &str) -> Option<&[f64]> {
        let i = self.names.iter().position(|n| n == name)?;
        Some(&self.values[i])
    }

    /// Every column, results first, as (name, values).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[f64])> {
        self.names
            .iter()
            .map(String::as_str)
            .zip(self.values.iter().map(Vec::as_slice))
    }

    /// The per-path result columns (`npv` … `contingency`).
    pub fn results(&self) -> impl Iterator<Item = (&str, &[f64])> {
        self.iter().take(self.results)
    }

    /// The input columns, in the scenario's order.
    pub fn inputs(&self) -> impl Iterator<Item = (&str, &[f64])> {
        self.iter().skip(self.results)
    }
}

impl RunOutcome {
    /// The per-path columns by value, taken out of the outcome (built now if
    /// [`RunOutcome::columns`] was never called; built again if it is called after): for
    /// a caller that hands them on whole, as the Python package moves each into a numpy
    /// array without copying it.
    pub fn take_columns(&mut self) -> Columns {
        self.columns
            .take()
            .unwrap_or_else(|| Columns::of(&self.scenario, &self.simulation))
    }
}

impl Columns {
    /// The columns by value, results first, as (name, values).
    pub fn into_columns(self) -> Vec<(String, Vec<f64>)> {
        self.names.into_iter().zip(self.values).collect()
    }
}

/// What one shard of a run is asked to do (`carefund run --shard K/N`).
#[derive(Debug, Clone)]
pub struct ShardRequest {
    /// Paths of the whole run.
    pub paths: u64,
    /// Seed of the whole run.
    pub seed: u64,
    /// Worker threads; `None`: one per core.
    pub threads: Option<usize>,
    /// Which shard.
    pub shard: Shard,
    /// The scenario file's text and name, recorded in the shard file so that the merge
    /// can check that every shard ran the same scenario.
    pub source: Source,
    /// The evidence (parsed) and its file, when not the built-in evidence.
    pub evidence: Option<(Evidence, Source)>,
}

impl ShardRequest {
    /// Shard `shard` of a run of `paths` paths from `seed` of the scenario file `source`,
    /// with the built-in evidence, on all cores.
    pub fn new(paths: u64, seed: u64, shard: Shard, source: Source) -> Self {
        Self {
            paths,
            seed,
            threads: None,
            shard,
            source,
            evidence: None,
        }
    }
}

/// A shard's file, ready to write.
#[derive(Debug)]
pub struct ShardOutcome {
    /// What the shard file holds.
    pub file: ShardFile,
    /// The paths `[start, end)` this shard ran.
    pub range: std::ops::Range<u64>,
}

/// Run one shard of a run and its evidence run (stage `shard runs`, counting the paths
/// of both runs).
///
/// ```
/// use carefund::api::{Shard, ShardRequest, Source, shard};
///
/// let text = carefund::EXAMPLE_SCENARIO;
/// let scenario = carefund::Scenario::from_toml(text, "example.toml")?;
/// let source = Source { file: "example.toml".into(), text: text.into() };
/// let request = ShardRequest::new(3_000, 1, Shard { index: 1, count: 2 }, source);
/// let outcome = shard(&scenario, &request, &())?;
/// assert_eq!(outcome.file_name(), "shard-1-of-2.json");
/// assert_eq!(outcome.text(), "seed 1 · shard 1/2: paths 1024..3000 of 3000");
/// # Ok::<(), carefund::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidOption`] for bad options or a shard that does not fit the paths;
/// [`Error::Memory`] when the shard would not fit in memory; errors of
/// [`crate::shard::run`].
pub fn shard(
    scenario: &Scenario,
    request: &ShardRequest,
    progress: &dyn Progress,
) -> Result<ShardOutcome> {
    let options = RunOptions {
        paths: request.paths,
        seed: request.seed,
        threads: request.threads,
    };
    options.check()?;
    request.shard.check(options.paths)?;
    let threads = options
        .threads
        .unwrap_or_else(crate::threads::available_cores);
    let layout = Layout {
        percentiles: Percentiles::Sketch,
        shard: Some(request.shard),
    };
    let need = 2 * crate::engine::memory_estimate(scenario, options.paths, &layout, threads);
    super::check_memory(
        Opt::Paths,
        &options.paths.to_string(),
        need,
        Some(options.paths),
    )?;
    checkpoint(progress)?;
    let shipped;
    let (evidence, evidence_source) = match &request.evidence {
        Some((e, s)) => (e, Some(s)),
        None => {
            shipped = Evidence::shipped()?;
            (&shipped, None)
        }
    };
    let range = request.shard.paths(options.paths);
    progress.stage(
        "shard runs",
        2 * (range.end - range.start),
        "paths (plan and evidence)",
    );
    let file = crate::shard::run(
        scenario,
        &request.source,
        evidence,
        evidence_source,
        &options,
        request.shard,
        &watch(progress),
    )?;
    Ok(ShardOutcome { file, range })
}

impl ShardOutcome {
    /// The shard file's name: `shard-K-of-N.json`.
    pub fn file_name(&self) -> String {
        format!(
            "shard-{}-of-{}.json",
            self.file.shard.index, self.file.shard.count
        )
    }

    /// Write the shard file (JSON) to `w`.
    ///
    /// # Errors
    /// [`Error::Export`] if writing fails.
    pub fn write(&self, w: &mut dyn std::io::Write) -> Result<()> {
        serde_json::to_writer(w, &self.file).map_err(|e| Error::Export {
            what: "the shard file",
            message: e.to_string(),
        })
    }

    /// What `carefund run --shard` prints before the file it wrote: seed, shard and
    /// its paths.
    pub fn text(&self) -> String {
        format!(
            "seed {} · shard {}/{}: paths {}..{} of {}",
            self.file.seed,
            self.file.shard.index,
            self.file.shard.count,
            self.range.start,
            self.range.end,
            self.file.paths
        )
    }
}

/// What checking a scenario found, without running it.
#[derive(Debug)]
pub struct CheckOutcome {
    /// The file the scenario was read from, as the caller names it.
    pub file: String,
    /// Schemes.
    pub schemes: usize,
    /// Years of the horizon.
    pub horizon_years: u32,
    /// The first year, as a label (`2015/16`).
    pub first_year: String,
    /// Periods of the horizon.
    pub periods: usize,
    /// Inputs that are uncertain.
    pub uncertain: usize,
    /// What the plan spends and claims each year.
    pub spending: crate::summary::Spending,
    /// The basis the plan is rated on, in words.
    pub basis: &'static str,
    /// The currency of every amount.
    pub currency: crate::Currency,
    /// Plan-level warnings and the scenario's notes.
    pub warnings: Vec<String>,
    /// The plan's assumptions beside the evidence.
    pub comparison: crate::evidence::Comparison,
}

/// Check `scenario` (read from `file`) and compare its assumptions with `evidence`
/// (`None`: the built-in evidence), without simulating.
///
/// # Errors
/// [`Error::Input`] when a scheme's kind is not in the evidence.
///
/// ```
/// let scenario = carefund::Scenario::from_toml(carefund::EXAMPLE_SCENARIO, "example.toml")?;
/// let outcome = carefund::api::check(&scenario, "example.toml", None)?;
/// assert!(outcome.text().starts_with("example.toml: OK"));
/// # Ok::<(), carefund::Error>(())
/// ```
pub fn check(scenario: &Scenario, file: &str, evidence: Option<&Evidence>) -> Result<CheckOutcome> {
    let shipped;
    let evidence = match evidence {
        Some(e) => e,
        None => {
            shipped = Evidence::shipped()?;
            &shipped
        }
    };
    evidence.check_kinds(scenario)?;
    let comparison = crate::evidence::compare(scenario, evidence);
    let mut warnings = crate::summary::plan_warnings(scenario);
    warnings.extend(scenario.notes().iter().cloned());
    let tl = scenario.timeline();
    let model = crate::Model::new(scenario);
    Ok(CheckOutcome {
        file: file.to_string(),
        schemes: scenario.schemes().len(),
        horizon_years: tl.horizon_years(),
        first_year: tl.year_label(0),
        periods: tl.periods(),
        uncertain: scenario
            .inputs()
            .iter()
            .filter(|i| !i.dist().is_fixed())
            .count(),
        spending: crate::summary::spending(scenario, &model),
        basis: scenario.credibility().basis.name(),
        currency: scenario.currency(),
        warnings,
        comparison,
    })
}

impl CheckOutcome {
    /// What `carefund check` prints.
    pub fn text(&self) -> String {
        let cur = self.currency;
        let s = &self.spending;
        let mut out = format!(
            "{}: OK — {} scheme{}, {} years from {} in {} periods, {} uncertain inputs\n",
            self.file,
            self.schemes,
            if self.schemes == 1 { "" } else { "s" },
            self.horizon_years,
            self.first_year,
            self.periods,
            self.uncertain
        );
        let _ = writeln!(
            out,
            "schemes cost {} a year, of which {} is new money, against a {} pool; the plan claims savings of {} a year; rated on {}",
            cur.money(s.scheme_cost),
            cur.money(s.new_money),
            cur.money(s.pooled),
            cur.money(s.claimed_savings),
            self.basis
        );
        if self.warnings.is_empty() {
            let _ = writeln!(
                out,
                "no plan-level warnings{}",
                match self.comparison.warnings.len() {
                    0 => String::new(),
                    1 => " (the evidence check below has one)".to_string(),
                    n => format!(" (the evidence check below has {n})"),
                }
            );
        } else {
            out.push_str("warnings:\n");
            for w in &self.warnings {
                let _ = writeln!(out, "  ! {w}");
            }
        }
        out.push_str(&crate::evidence::comparison_text(&self.comparison));
        out
    }
}
