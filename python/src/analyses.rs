//! The analyses beside a run: stress, compare (with the value of information), sensitivity
//! and the national portfolio, each one call of the library's use-case API.
//!
//! Every outcome is held as an [`Analysis`]: its text (what the command prints), its
//! tables (the JSON and CSV files the command writes, which the Python package reads into
//! dicts and DataFrames) and `write`, which renders every file as the command does.

use std::path::PathBuf;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use carefund::RunOptions;
use carefund::api::{
    self, Charts, CompareOutcome, CompareRequest, Group, Method, NationalOutcome, OutputFile,
    OutputOptions, PathsFile, Portfolio, SensitivityOutcome, SensitivityRequest, StressOutcome,
    StressRequest, Value, VoiOptions,
};

use crate::drive::drive;
use crate::error::to_py;
use crate::scenario::Scenario;

/// An outcome that renders itself as the command does.
pub trait Rendered: Send + Sync {
    /// What the command prints.
    fn text(&self) -> String;
    /// The files the command writes with `options`.
    fn files(&self, options: &OutputOptions) -> carefund::Result<Vec<OutputFile<'_>>>;
}

macro_rules! rendered {
    ($($t:ty),*) => {$(
        impl Rendered for $t {
            fn text(&self) -> String {
                <$t>::text(self)
            }
            fn files(&self, options: &OutputOptions) -> carefund::Result<Vec<OutputFile<'_>>> {
                <$t>::files(self, options)
            }
        }
    )*};
}
rendered!(
    StressOutcome,
    CompareOutcome,
    SensitivityOutcome,
    NationalOutcome
);

/// The results of an analysis, held in Rust; `carefund.Analysis` wraps it.
#[pyclass(module = "carefund._carefund", frozen)]
pub struct Analysis {
    outcome: Box<dyn Rendered>,
}

#[pymethods]
impl Analysis {
    /// What the command prints.
    fn text(&self) -> String {
        self.outcome.text()
    }

    /// The JSON and CSV files the command writes (no charts, no reports), as
    /// (name, bytes) in the command's order.
    fn tables<'py>(&self, py: Python<'py>) -> PyResult<Vec<(String, Bound<'py, PyBytes>)>> {
        let options = OutputOptions {
            charts: Charts::None,
            paths_file: PathsFile::Csv,
            workbook: false,
            page: false,
        };
        let outcome = &self.outcome;
        let files = py
            .detach(|| {
                outcome
                    .files(&options)?
                    .into_iter()
                    .filter(|f| f.name.ends_with(".json") || f.name.ends_with(".csv"))
                    .map(|f| Ok((f.name.clone(), f.to_bytes()?)))
                    .collect::<carefund::Result<Vec<_>>>()
            })
            .map_err(|e| to_py(py, e))?;
        Ok(files
            .into_iter()
            .map(|(n, b)| (n, PyBytes::new(py, &b)))
            .collect())
    }

    /// Write every file the command writes into `out_dir`, as the command does (see
    /// [`crate::run::write_files`]).
    fn write(
        &self,
        py: Python<'_>,
        out_dir: PathBuf,
        charts: &str,
        workbook: bool,
        page: bool,
    ) -> PyResult<Vec<String>> {
        let options = OutputOptions {
            charts: crate::run::charts_of(charts)?,
            paths_file: PathsFile::Csv,
            workbook,
            page,
        };
        let outcome = &self.outcome;
        py.detach(|| crate::run::write_files(&out_dir, || outcome.files(&options)))
    }
}

fn options(paths: u64, seed: u64, threads: Option<usize>) -> RunOptions {
    RunOptions {
        paths,
        seed,
        threads,
    }
}

/// A stress test: the scenario and each stress of a pack or file on the same paths.
#[pyfunction]
#[pyo3(signature = (scenario, pack, file, paths, seed, threads, progress))]
#[allow(clippy::too_many_arguments)]
pub fn stress(
    py: Python<'_>,
    scenario: &Scenario,
    pack: Option<&str>,
    file: Option<(String, String)>,
    paths: u64,
    seed: u64,
    threads: Option<usize>,
    progress: Option<&Bound<'_, PyAny>>,
) -> PyResult<Analysis> {
    let overlays = match (pack, file) {
        (_, Some((text, origin))) => api::parse_stress(&text, &origin),
        (Some(name), None) => api::stress_pack(name),
        (None, None) => api::stress_pack("sceptical"),
    }
    .map_err(|e| to_py(py, e))?;
    let request = StressRequest {
        options: options(paths, seed, threads),
        overlays,
    };
    let scenario = scenario.inner.clone();
    let outcome = drive(py, progress, move |p| api::stress(&scenario, &request, p))?;
    Ok(Analysis {
        outcome: Box::new(outcome),
    })
}

/// The value-of-information options, from the keyword arguments.
fn voi_options(
    value: &str,
    scale: f64,
    groups: Vec<String>,
    admission_value: f64,
    weights: Vec<f64>,
) -> carefund::Result<VoiOptions> {
    Ok(VoiOptions {
        value: Value::parse(value)?,
        scale,
        groups: groups
            .iter()
            .map(|g| Group::parse(g))
            .collect::<carefund::Result<_>>()?,
        admission_value,
        weights,
    })
}

/// Every scenario on the same paths, paired; with `voi`, the value of information of
/// choosing between them.
#[pyfunction]
#[pyo3(signature = (scenarios, paths, seed, threads, voi, value, scale, groups, admission_value, weights, progress))]
#[allow(clippy::too_many_arguments)]
pub fn compare(
    py: Python<'_>,
    scenarios: Vec<PyRef<'_, Scenario>>,
    paths: u64,
    seed: u64,
    threads: Option<usize>,
    voi: bool,
    value: &str,
    scale: f64,
    groups: Vec<String>,
    admission_value: f64,
    weights: Vec<f64>,
    progress: Option<&Bound<'_, PyAny>>,
) -> PyResult<Analysis> {
    let voi = if voi {
        Some(
            voi_options(value, scale, groups, admission_value, weights)
                .map_err(|e| to_py(py, e))?,
        )
    } else {
        None
    };
    let request = CompareRequest {
        options: options(paths, seed, threads),
        voi,
    };
    let scenarios: Vec<carefund::Scenario> = scenarios.iter().map(|s| s.inner.clone()).collect();
    let outcome = drive(py, progress, move |p| api::compare(&scenarios, &request, p))?;
    Ok(Analysis {
        outcome: Box::new(outcome),
    })
}

/// The "do nothing" option of a scenario (docs/model.md §12), as `carefund init
/// --do-nothing` writes it: no scheme costs or avoids anything and the plan claims
/// nothing; every other input draws as in the plan.
#[pyfunction]
pub fn do_nothing(py: Python<'_>, scenario: &Scenario) -> PyResult<Scenario> {
    let origin = scenario.inner.origin();
    let text = api::do_nothing_toml(&scenario.to_toml(py)?, origin).map_err(|e| to_py(py, e))?;
    Scenario::checked(py, text, &format!("{origin} (do nothing)"))
}

/// Explain the spread of an output of a scenario: tornado, swing and Sobol indices.
#[pyfunction]
#[pyo3(signature = (scenario, output, method, paths, seed, threads, sobol_rows, bootstrap, progress))]
#[allow(clippy::too_many_arguments)]
pub fn sensitivity(
    py: Python<'_>,
    scenario: &Scenario,
    output: &str,
    method: &str,
    paths: u64,
    seed: u64,
    threads: Option<usize>,
    sobol_rows: Option<usize>,
    bootstrap: Option<usize>,
    progress: Option<&Bound<'_, PyAny>>,
) -> PyResult<Analysis> {
    let output = match output {
        "cum_net" => api::Output::CumNet,
        "npv" => api::Output::Npv,
        "avoided" => api::Output::Avoided,
        other => {
            return Err(PyValueError::new_err(format!(
                "output = {other:?}: allowed: \"cum_net\", \"npv\", \"avoided\""
            )));
        }
    };
    let mut request = SensitivityRequest::new(options(paths, seed, threads), output);
    request.method = match method {
        "all" => Method::All,
        "tornado" => Method::Tornado,
        "swing" => Method::Swing,
        "sobol" => Method::Sobol,
        other => {
            return Err(PyValueError::new_err(format!(
                "method = {other:?}: allowed: \"all\", \"tornado\", \"swing\", \"sobol\""
            )));
        }
    };
    if let Some(rows) = sobol_rows {
        request.sobol_rows = rows;
    }
    if let Some(b) = bootstrap {
        request.bootstrap = b;
    }
    let scenario = scenario.inner.clone();
    let outcome = drive(py, progress, move |p| {
        api::sensitivity(&scenario, &request, p)
    })?;
    Ok(Analysis {
        outcome: Box::new(outcome),
    })
}

/// Every area of a portfolio: the template scenario with each row of the areas table
/// written in.
#[pyfunction]
#[pyo3(signature = (template, template_origin, areas, areas_origin, paths, seed, threads, effect_correlation, growth_correlation, progress))]
#[allow(clippy::too_many_arguments)]
pub fn national(
    py: Python<'_>,
    template: &str,
    template_origin: &str,
    areas: &str,
    areas_origin: &str,
    paths: u64,
    seed: u64,
    threads: Option<usize>,
    effect_correlation: Option<f64>,
    growth_correlation: Option<f64>,
    progress: Option<&Bound<'_, PyAny>>,
) -> PyResult<Analysis> {
    let mut portfolio = Portfolio::from_text(template, template_origin, areas, areas_origin)
        .map_err(|e| to_py(py, e))?;
    if effect_correlation.is_some() || growth_correlation.is_some() {
        let mut f = portfolio.factors();
        if let Some(x) = effect_correlation {
            f.effect_correlation = x;
        }
        if let Some(x) = growth_correlation {
            f.growth_correlation = x;
        }
        portfolio = portfolio.with_factors(f).map_err(|e| to_py(py, e))?;
    }
    let options = options(paths, seed, threads);
    let outcome = drive(py, progress, move |p| {
        api::national(&portfolio, &options, p)
    })?;
    Ok(Analysis {
        outcome: Box::new(outcome),
    })
}
