//! The sensitivity analysis of one scenario and the national portfolio run.

#[cfg(feature = "report")]
use super::output::reports;
use super::output::{OutputFile, OutputOptions, outputs};
use super::progress::{Progress, checkpoint, watch};
use crate::engine::RunOptions;
use crate::error::{Error, Opt, Result};
use crate::national::{National, Portfolio};
use crate::scenario::Scenario;
use crate::sensitivity::{self, Output, SobolOptions};
use crate::summary::Summary;

/// Which sensitivity methods run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Method {
    /// Spearman rank correlations on the base run.
    Tornado,
    /// One-at-a-time swings, two runs per input.
    Swing,
    /// Sobol indices with bootstrap intervals.
    Sobol,
    /// All three.
    #[default]
    All,
}

/// What a sensitivity analysis is asked to do.
#[derive(Debug, Clone)]
pub struct SensitivityRequest {
    /// Paths, seed and threads of the base run (the seed also seeds Sobol's sample).
    pub options: RunOptions,
    /// The output explained.
    pub output: Output,
    /// The methods.
    pub method: Method,
    /// Rows of each Sobol base matrix (16 to [`sensitivity::MAX_ROWS`]).
    pub sobol_rows: usize,
    /// Bootstrap resamples of Sobol's intervals (20 to [`sensitivity::MAX_BOOTSTRAP`]).
    pub bootstrap: usize,
    /// Also make the base run a report describes (for the workbook and HTML reports),
    /// even when only Sobol indices are asked for.
    pub report: bool,
}

impl SensitivityRequest {
    /// Every method on `output`, `options`' paths, Sobol's default rows and resamples.
    pub fn new(options: RunOptions, output: Output) -> Self {
        let sobol = SobolOptions::default();
        Self {
            options,
            output,
            method: Method::All,
            sobol_rows: sobol.rows,
            bootstrap: sobol.bootstrap,
            report: false,
        }
    }
}

/// A sensitivity analysis's results.
#[derive(Debug)]
pub struct SensitivityOutcome {
    /// The scenario analysed.
    pub scenario: Scenario,
    /// Tornado, swing and Sobol results, as asked.
    pub report: sensitivity::report::Report,
    /// The base run's summary, when the request asked for a report.
    pub base: Option<Summary>,
}

fn in_range(name: Opt, value: usize, lo: usize, hi: usize) -> Result<()> {
    if (lo..=hi).contains(&value) {
        Ok(())
    } else {
        Err(Error::InvalidOption {
            name,
            value: value.to_string(),
            allowed: format!("between {lo} and {hi}"),
        })
    }
}

/// Explain the spread of an output of `scenario` (stages `base run` in paths,
/// `swing runs` in inputs, `Sobol indices` in model evaluations).
///
/// # Errors
/// Bad options; [`Error::InvalidOption`] for Sobol rows or resamples out of range;
/// [`Error::Memory`] when the runs or Sobol's matrices would not fit.
///
/// ```
/// use carefund::{RunOptions, Scenario, api, sensitivity::Output};
///
/// let scenario = Scenario::from_toml(carefund::EXAMPLE_SCENARIO, "example.toml")?;
/// let mut request = api::SensitivityRequest::new(
///     RunOptions { paths: 300, seed: 3, threads: Some(1) },
///     Output::CumNet,
/// );
/// request.method = api::Method::Tornado;
/// let outcome = api::sensitivity(&scenario, &request, &())?;
/// assert!(outcome.report.tornado.is_some());
/// # Ok::<(), carefund::Error>(())
/// ```
pub fn sensitivity(
    scenario: &Scenario,
    request: &SensitivityRequest,
    progress: &dyn Progress,
) -> Result<SensitivityOutcome> {
    let options = request.options;
    let (tornado, swing, sobol) = match request.method {
        Method::Tornado => (true, false, false),
        Method::Swing => (false, true, false),
        Method::Sobol => (false, false, true),
        Method::All => (true, true, true),
    };
    options.check()?;
    // Bounds and memory before anything large is allocated.
    if sobol {
        in_range(
            Opt::SobolRows,
            request.sobol_rows,
            16,
            sensitivity::MAX_ROWS,
        )?;
        in_range(
            Opt::Bootstrap,
            request.bootstrap,
            20,
            sensitivity::MAX_BOOTSTRAP,
        )?;
        let dims = scenario
            .inputs()
            .iter()
            .filter(|i| !i.dist().is_fixed())
            .count();
        super::check_memory(
            Opt::SobolRows,
            &request.sobol_rows.to_string(),
            sensitivity::sobol_memory_estimate(request.sobol_rows, dims),
            None,
        )?;
    }
    let base_run = tornado || swing || request.report;
    if base_run {
        super::paired::check_runs(scenario, &options, 2, 0)?;
    }
    let mut report =
        sensitivity::report::Report::new(scenario, request.output, options.seed, options.paths);
    let mut base_summary = None;
    if base_run {
        checkpoint(progress)?;
        progress.stage("base run", options.paths, "paths");
        let base = crate::simulate(scenario, &options, &watch(progress))?;
        if request.report {
            base_summary = Some(crate::summarise(scenario, &base));
        }
        if tornado {
            report.tornado = Some(sensitivity::rank_tornado(scenario, &base, request.output));
        }
        if swing {
            checkpoint(progress)?;
            let inputs = sensitivity::free_inputs(scenario).len() as u64;
            progress.stage("swing runs", inputs, "inputs (two runs each)");
            report.swing = Some(sensitivity::swing_with(
                scenario,
                &base,
                request.output,
                &|done, _| progress.position(done as u64),
            )?);
        }
    }
    if sobol {
        checkpoint(progress)?;
        progress.stage("Sobol indices", 0, "model evaluations");
        let sobol_options = SobolOptions {
            rows: request.sobol_rows,
            seed: options.seed,
            bootstrap: request.bootstrap,
            confidence: 0.95,
            threads: options.threads,
        };
        report.sobol = Some(sensitivity::sobol_scenario_with(
            scenario,
            request.output,
            &sobol_options,
            &|done, total| {
                progress.total(total as u64);
                progress.position(done as u64);
            },
        )?);
    }
    Ok(SensitivityOutcome {
        scenario: scenario.clone(),
        report,
        base: base_summary,
    })
}

impl SensitivityOutcome {
    /// What `carefund sensitivity` prints before the list of files it wrote.
    pub fn text(&self) -> String {
        sensitivity::report::render_text(&self.report)
    }

    /// The tables and charts of each method, then the reports `options` asks for (when
    /// the request asked for a report's base run).
    ///
    /// # Errors
    /// [`Error::Export`] or [`Error::Chart`] naming the file that could not be made.
    pub fn files(
        &self,
        #[cfg_attr(not(feature = "report"), expect(unused_variables))] options: &OutputOptions,
    ) -> Result<Vec<OutputFile<'static>>> {
        #[cfg(not(feature = "report"))]
        let files = outputs(sensitivity::report::tables(&self.report)?);
        #[cfg(feature = "report")]
        let mut files = outputs(sensitivity::report::files(
            &self.report,
            options.charts.formats(),
        )?);
        #[cfg(feature = "report")]
        if let Some(summary) = &self.base {
            let mut input = crate::report::ReportInput::new(&self.scenario, summary);
            input
                .sections
                .push(crate::sensitivity::section::sensitivity(&self.report));
            files.extend(reports(&input, options)?);
        }
        Ok(files)
    }
}

/// A national run's results.
#[derive(Debug)]
pub struct NationalOutcome {
    /// The template every area was built from.
    pub template: Scenario,
    /// Every area's and the nation's results.
    pub national: National,
}

/// Run every area of `portfolio` on `options` (stage `national run`, in area-paths).
///
/// # Errors
/// Bad options; [`Error::Memory`] when every area's per-path summaries would not fit.
///
/// ```
/// use carefund::{RunOptions, api, national::Portfolio};
///
/// let template = carefund::EXAMPLE_SCENARIO;
/// let areas = "area,pooled,baseline_admissions,target_reduction\n\
///              North,105558000,53283,0.0348\n\
///              South,16060000,12128,0.0349\n";
/// let portfolio = Portfolio::from_text(template, "example.toml", areas, "areas.csv")?;
/// let options = RunOptions { paths: 200, seed: 3, threads: Some(1) };
/// let outcome = api::national(&portfolio, &options, &())?;
/// assert!(outcome.text().contains("North"));
/// # Ok::<(), carefund::Error>(())
/// ```
pub fn national(
    portfolio: &Portfolio,
    options: &RunOptions,
    progress: &dyn Progress,
) -> Result<NationalOutcome> {
    options.check()?;
    let areas = portfolio.areas().len() as u64;
    // Every area's per-path summaries are kept (a lower bound of what is held).
    let need = super::runs_memory(
        portfolio.template(),
        options.paths,
        options.threads,
        1,
        areas,
    );
    super::check_memory(
        Opt::Paths,
        &format!("{} for {areas} areas", options.paths),
        need,
        None,
    )?;
    checkpoint(progress)?;
    progress.stage(
        "national run",
        options.paths.saturating_mul(areas),
        "area-paths",
    );
    let national = crate::national::simulate(portfolio, options, &|done| progress.position(done))?;
    Ok(NationalOutcome {
        template: portfolio.template().clone(),
        national,
    })
}

impl NationalOutcome {
    /// What `carefund national` prints before the list of files it wrote.
    pub fn text(&self) -> String {
        crate::national::report::render(&self.national)
    }

    /// `national.json`, `areas.csv`, `national-paths.csv`, the charts, then the reports.
    ///
    /// # Errors
    /// [`Error::Export`] or [`Error::Chart`] naming the file that could not be made.
    pub fn files(
        &self,
        #[cfg_attr(not(feature = "report"), expect(unused_variables))] options: &OutputOptions,
    ) -> Result<Vec<OutputFile<'static>>> {
        use crate::national::report;
        let n = &self.national;
        #[cfg_attr(not(feature = "report"), allow(unused_mut))]
        let mut files = vec![
            ("national.json".to_string(), report::json(n)?),
            ("areas.csv".to_string(), report::areas_csv(n)?),
            ("national-paths.csv".to_string(), report::paths_csv(n)?),
        ];
        #[cfg(feature = "report")]
        for &format in options.charts.formats() {
            files.extend(report::charts(n, format)?);
        }
        #[cfg_attr(not(feature = "report"), allow(unused_mut))]
        let mut files = outputs(files);
        #[cfg(feature = "report")]
        files.extend(reports(
            &crate::report::NationalInput::new(n, &self.template),
            options,
        )?);
        Ok(files)
    }
}
