//! The use cases of paired runs on common random numbers (docs/model.md §9): stress,
//! reverse stress, compare (with value of information) and the two-way grid.

#[cfg(feature = "report")]
use super::output::reports;
use super::output::{OutputFile, OutputOptions, outputs};
use super::progress::{Progress, checkpoint};
use crate::engine::RunOptions;
use crate::error::{Opt, Result};
use crate::scenario::Scenario;
use crate::stress::{
    self, Comparison, Factor, Overlay, ReverseOptions, ReverseResult, StressReport,
};
use crate::voi::{VoiOptions, VoiReport};

/// Check `options`, then refuse work that would not fit in memory: `runs` runs of
/// `scenario` alive at once and the per-path summaries of `kept` runs.
pub(crate) fn check_runs(
    scenario: &Scenario,
    options: &RunOptions,
    runs: u64,
    kept: u64,
) -> Result<()> {
    options.check()?;
    let need = super::runs_memory(scenario, options.paths, options.threads, runs, kept);
    super::check_memory(Opt::Paths, &options.paths.to_string(), need, None)
}

/// What a stress test is asked to do.
#[derive(Debug, Clone)]
pub struct StressRequest {
    /// Paths, seed and threads of every run.
    pub options: RunOptions,
    /// The stresses, in order (from [`stress::pack`] or [`stress::parse`]).
    pub overlays: Vec<Overlay>,
}

/// A stress test's results.
#[derive(Debug)]
pub struct StressOutcome {
    /// The scenario stressed.
    pub scenario: Scenario,
    /// Every stress paired with the base run.
    pub report: StressReport,
}

/// Run `scenario` and each stress of `request` on the same paths, and pair them (stage
/// `stress runs`, in runs, the base first).
///
/// # Errors
/// An overlay that does not apply; bad options; [`Error::Memory`](crate::Error::Memory) when the runs would not
/// fit in memory.
///
/// ```
/// use carefund::{RunOptions, Scenario, api};
///
/// let scenario = Scenario::from_toml(carefund::EXAMPLE_SCENARIO, "example.toml")?;
/// let request = api::StressRequest {
///     options: RunOptions { paths: 300, seed: 3, threads: Some(1) },
///     overlays: carefund::stress::pack("sceptical")?,
/// };
/// let outcome = api::stress(&scenario, &request, &())?;
/// assert!(outcome.files(&api::OutputOptions::default())?.iter().any(|f| f.name == "stress.csv"));
/// # Ok::<(), carefund::Error>(())
/// ```
pub fn stress(
    scenario: &Scenario,
    request: &StressRequest,
    progress: &dyn Progress,
) -> Result<StressOutcome> {
    // The base run and one stressed run at a time, and every run's path summaries.
    check_runs(
        scenario,
        &request.options,
        2,
        request.overlays.len() as u64 + 1,
    )?;
    checkpoint(progress)?;
    progress.stage(
        "stress runs",
        request.overlays.len() as u64 + 1,
        "runs (base first)",
    );
    let report = stress::stress_test(scenario, &request.overlays, &request.options, &|done, _| {
        progress.position(done as u64);
    })?;
    Ok(StressOutcome {
        scenario: scenario.clone(),
        report,
    })
}

impl StressOutcome {
    /// What `carefund stress` prints before the list of files it wrote.
    pub fn text(&self) -> String {
        stress::report::stress_text(&self.report)
    }

    /// `stress.json`, `stress.csv`, the charts, then the reports `options` asks for.
    ///
    /// # Errors
    /// [`Error::Export`](crate::Error::Export) or [`Error::Chart`](crate::Error::Chart) naming the file that could not be made.
    pub fn files(
        &self,
        #[cfg_attr(not(feature = "report"), expect(unused_variables))] options: &OutputOptions,
    ) -> Result<Vec<OutputFile<'static>>> {
        #[cfg_attr(not(feature = "report"), allow(unused_mut))]
        let mut files = vec![
            (
                "stress.json".to_string(),
                stress::report::stress_json(&self.report)?,
            ),
            (
                "stress.csv".to_string(),
                stress::report::stress_csv(&self.report)?,
            ),
        ];
        #[cfg(feature = "report")]
        for &f in options.charts.formats() {
            files.extend(stress::figures::stress_charts(&self.report, f)?);
        }
        #[cfg_attr(not(feature = "report"), allow(unused_mut))]
        let mut files = outputs(files);
        #[cfg(feature = "report")]
        {
            let mut input =
                crate::report::ReportInput::new(&self.scenario, &self.report.base.summary);
            input
                .sections
                .push(crate::stress::section::stress(&self.report));
            files.extend(reports(&input, options)?);
        }
        Ok(files)
    }
}

/// What a reverse stress test is asked to do.
#[derive(Debug, Clone)]
pub struct ReverseRequest {
    /// Paths, seed and threads of every run.
    pub options: RunOptions,
    /// The factor searched over.
    pub factor: Factor,
    /// The metric, its level, the search range and tolerance.
    pub search: ReverseOptions,
}

/// A reverse stress test's result.
#[derive(Debug)]
pub struct ReverseOutcome {
    /// The scenario's name.
    pub scenario_name: String,
    /// Paths and seed of every run.
    pub options: RunOptions,
    /// Where the metric crosses its level.
    pub result: ReverseResult,
}

/// Find the value of a factor at which a metric crosses a level (stage
/// `reverse search`, in runs at most).
///
/// # Errors
/// A bad range, factor or options; [`Error::Memory`](crate::Error::Memory) when the runs would not fit.
///
/// ```
/// use carefund::{RunOptions, Scenario, api, stress::{Factor, ReverseOptions}};
///
/// let scenario = Scenario::from_toml(carefund::EXAMPLE_SCENARIO, "example.toml")?;
/// let factor = Factor::parse("scale scheme.*.effect")?;
/// let range = factor.default_range();
/// let request = api::ReverseRequest {
///     options: RunOptions { paths: 200, seed: 3, threads: Some(1) },
///     factor,
///     search: ReverseOptions {
///         metric: carefund::stress::Metric::PBreakEven,
///         level: 0.5,
///         range,
///         tolerance: (range.1 - range.0) / 20.0,
///     },
/// };
/// let outcome = api::reverse(&scenario, &request, &())?;
/// assert!(outcome.text().contains("break"));
/// # Ok::<(), carefund::Error>(())
/// ```
pub fn reverse(
    scenario: &Scenario,
    request: &ReverseRequest,
    progress: &dyn Progress,
) -> Result<ReverseOutcome> {
    check_runs(scenario, &request.options, 2, 1)?;
    checkpoint(progress)?;
    progress.stage(
        "reverse search",
        stress::reverse_evaluations(&request.search) as u64,
        "runs at most",
    );
    let result = stress::reverse_stress_with(
        scenario,
        &request.factor,
        &request.search,
        &request.options,
        &|done| progress.position(done as u64),
    )?;
    Ok(ReverseOutcome {
        scenario_name: scenario.name().to_string(),
        options: request.options,
        result,
    })
}

impl ReverseOutcome {
    /// What `carefund reverse` prints before the list of files it wrote.
    pub fn text(&self) -> String {
        stress::report::reverse_text(
            &self.scenario_name,
            &self.result,
            self.options.paths,
            self.options.seed,
        )
    }

    /// `reverse.json` and `reverse.csv` (a reverse search has no charts or reports).
    ///
    /// # Errors
    /// [`Error::Export`](crate::Error::Export) if a table cannot be written.
    pub fn files(&self, _options: &OutputOptions) -> Result<Vec<OutputFile<'static>>> {
        Ok(outputs(vec![
            (
                "reverse.json".to_string(),
                stress::report::reverse_json(&self.result)?,
            ),
            (
                "reverse.csv".to_string(),
                stress::report::reverse_csv(&self.result)?,
            ),
        ]))
    }
}

/// What a comparison is asked to do.
#[derive(Debug, Clone, Default)]
pub struct CompareRequest {
    /// Paths, seed and threads of every run.
    pub options: RunOptions,
    /// Also analyse the value of information of the choice between the scenarios.
    pub voi: Option<VoiOptions>,
}

/// A comparison's results.
#[derive(Debug)]
pub struct CompareOutcome {
    /// The scenarios compared, in order.
    pub scenarios: Vec<Scenario>,
    /// Each scenario's run and the pairwise differences.
    pub comparison: Comparison,
    /// The value of information, when asked for.
    pub voi: Option<VoiReport>,
}

/// Run every scenario on the same paths and compare them (stage `scenario runs`, in
/// scenarios); then, if asked, the value of information of choosing between them.
///
/// # Errors
/// [`Error::Invalid`](crate::Error::Invalid) for fewer than two scenarios; [`Error::InvalidOption`](crate::Error::InvalidOption) for bad
/// options; [`Error::Invalid`](crate::Error::Invalid)
/// for value-of-information options that do not fit the scenarios; [`Error::Memory`](crate::Error::Memory)
/// when the runs would not fit.
///
/// ```
/// use carefund::{RunOptions, Scenario, api};
///
/// let plan = Scenario::from_toml(carefund::EXAMPLE_SCENARIO, "example.toml")?;
/// let nothing = carefund::voi::do_nothing(&plan);
/// let request = api::CompareRequest {
///     options: RunOptions { paths: 300, seed: 3, threads: Some(1) },
///     voi: Some(carefund::voi::VoiOptions::default()),
/// };
/// let outcome = api::compare(&[plan, nothing], &request, &())?;
/// assert!(outcome.voi.is_some());
/// assert!(outcome.text().contains("EVPI"));
/// # Ok::<(), carefund::Error>(())
/// ```
pub fn compare(
    scenarios: &[Scenario],
    request: &CompareRequest,
    progress: &dyn Progress,
) -> Result<CompareOutcome> {
    if let Some(first) = scenarios.first() {
        check_runs(first, &request.options, 1, scenarios.len() as u64)?;
    }
    checkpoint(progress)?;
    progress.stage("scenario runs", scenarios.len() as u64, "scenarios");
    let comparison = stress::compare(scenarios, &request.options, &|done, _| {
        progress.position(done as u64);
    })?;
    let voi = match &request.voi {
        Some(v) => {
            checkpoint(progress)?;
            Some(crate::voi::analyse(scenarios, &request.options, v)?)
        }
        None => None,
    };
    Ok(CompareOutcome {
        scenarios: scenarios.to_vec(),
        comparison,
        voi,
    })
}

impl CompareOutcome {
    /// What `carefund compare` prints before the list of files it wrote.
    pub fn text(&self) -> String {
        let mut text = stress::report::compare_text(&self.comparison);
        if let Some(r) = &self.voi {
            text.push_str(&crate::voi::report::text(r));
        }
        text
    }

    /// `compare.json`, `compare.csv` and charts; with value of information `voi.json`,
    /// `voi.csv`, `acceptability.csv` and its charts; then the reports (describing the
    /// first scenario, with the comparison as a section).
    ///
    /// # Errors
    /// [`Error::Export`](crate::Error::Export) or [`Error::Chart`](crate::Error::Chart) naming the file that could not be made.
    pub fn files(
        &self,
        #[cfg_attr(not(feature = "report"), expect(unused_variables))] options: &OutputOptions,
    ) -> Result<Vec<OutputFile<'static>>> {
        let c = &self.comparison;
        let mut files = vec![
            ("compare.json".to_string(), stress::report::compare_json(c)?),
            ("compare.csv".to_string(), stress::report::compare_csv(c)?),
        ];
        #[cfg(feature = "report")]
        for &f in options.charts.formats() {
            files.extend(stress::figures::compare_charts(c, f)?);
        }
        if let Some(r) = &self.voi {
            files.extend([
                ("voi.json".to_string(), crate::voi::report::json(r)?),
                ("voi.csv".to_string(), crate::voi::report::csv(r)?),
                (
                    "acceptability.csv".to_string(),
                    crate::voi::report::acceptability_csv(r)?,
                ),
            ]);
            #[cfg(feature = "report")]
            for &f in options.charts.formats() {
                files.extend(crate::voi::report::charts(r, f)?);
            }
        }
        #[cfg_attr(not(feature = "report"), allow(unused_mut))]
        let mut files = outputs(files);
        #[cfg(feature = "report")]
        if let (Some(first), Some(scenario)) = (c.scenarios.first(), self.scenarios.first()) {
            let mut input = crate::report::ReportInput::new(scenario, &first.summary);
            input.sections.push(crate::stress::section::compare(c));
            if let Some(r) = &self.voi {
                input.sections.push(crate::voi::section::voi(r));
            }
            files.extend(reports(&input, options)?);
        }
        Ok(files)
    }
}

/// What a two-way analysis is asked to do.
#[derive(Debug, Clone)]
pub struct TwowayRequest {
    /// Paths, seed and threads of every cell's run.
    pub options: RunOptions,
    /// The input across.
    pub x: crate::twoway::Axis,
    /// The input down.
    pub y: crate::twoway::Axis,
    /// What each cell shows.
    pub metric: crate::twoway::Metric,
}

/// A two-way grid.
#[derive(Debug)]
pub struct TwowayOutcome {
    /// The metric in every cell.
    pub grid: crate::twoway::Grid,
}

/// A metric over a grid of two inputs (stage `two-way grid`, in cells).
///
/// # Errors
/// Both axes naming one input, an unknown input, bad options; [`Error::Memory`](crate::Error::Memory) when a
/// cell's runs would not fit.
///
/// ```
/// use carefund::{Opt, RunOptions, Scenario, api, twoway};
///
/// let scenario = Scenario::from_toml(carefund::EXAMPLE_SCENARIO, "example.toml")?;
/// let name = |i: usize| scenario.inputs()[i].name().to_string();
/// let (x, y) = (name(0), name(1));
/// let request = api::TwowayRequest {
///     options: RunOptions { paths: 100, seed: 3, threads: Some(1) },
///     x: twoway::parse_axis(Opt::AxisX, &format!("{x}=0:1:2"), &scenario)?,
///     y: twoway::parse_axis(Opt::AxisY, &format!("{y}=0:1:2"), &scenario)?,
///     metric: twoway::Metric::PBreakEven,
/// };
/// let outcome = api::twoway(&scenario, &request, &())?;
/// assert_eq!(outcome.grid.cells.len(), 4);
/// # Ok::<(), carefund::Error>(())
/// ```
pub fn twoway(
    scenario: &Scenario,
    request: &TwowayRequest,
    progress: &dyn Progress,
) -> Result<TwowayOutcome> {
    check_runs(scenario, &request.options, 2, 0)?;
    checkpoint(progress)?;
    let total = (request.x.count * request.y.count) as u64;
    progress.stage("two-way grid", total, "cells");
    let grid = crate::twoway::grid(
        scenario,
        &request.x,
        &request.y,
        request.metric,
        &request.options,
        &|done, _| progress.position(done as u64),
    )?;
    Ok(TwowayOutcome { grid })
}

impl TwowayOutcome {
    /// What `carefund twoway` prints before the list of files it wrote.
    pub fn text(&self) -> String {
        crate::twoway::render_text(&self.grid)
    }

    /// `twoway.csv`, `twoway.json` and the heatmap in each format (no reports).
    ///
    /// # Errors
    /// [`Error::Export`](crate::Error::Export) or [`Error::Chart`](crate::Error::Chart) naming the file that could not be made.
    pub fn files(
        &self,
        #[cfg_attr(not(feature = "report"), expect(unused_variables))] options: &OutputOptions,
    ) -> Result<Vec<OutputFile<'static>>> {
        #[cfg(feature = "report")]
        return Ok(outputs(crate::twoway::files(
            &self.grid,
            options.charts.formats(),
        )?));
        #[cfg(not(feature = "report"))]
        Ok(outputs(crate::twoway::data_files(&self.grid)?))
    }
}
