//! `carefund.run`: the plan's run through the library's use-case API.

use std::path::{Path, PathBuf};

use numpy::{PyArray1, PyArrayMethods};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyList;

use carefund::api::{Charts, OutputFile, OutputOptions, PathsFile};
use carefund::columns::Percentiles;
use carefund::scenario::Sampling;
use carefund::{Quantity, RunOutcome, RunRequest};
use carefund_outdir as outdir;

use crate::drive::drive;
use crate::error::{to_py, write_error};
use crate::scenario::Scenario;

/// What a run produced, held in Rust; the Python class `carefund.Result` wraps it.
#[pyclass(module = "carefund._carefund")]
pub struct RunResult {
    outcome: RunOutcome,
}

/// Run `scenario`: the plan's run and the evidence run on the same paths (and the EVPI
/// against doing nothing when `evpi` names a value). The GIL is released while it runs.
#[pyfunction]
#[pyo3(signature = (scenario, paths, seed, threads, sampling, percentiles, evpi, evidence, progress))]
#[allow(clippy::too_many_arguments)]
pub fn run(
    py: Python<'_>,
    scenario: &Scenario,
    paths: u64,
    seed: u64,
    threads: Option<usize>,
    sampling: Option<&str>,
    percentiles: &str,
    evpi: Option<&str>,
    evidence: Option<(String, String)>,
    progress: Option<&Bound<'_, PyAny>>,
) -> PyResult<RunResult> {
    let mut request = RunRequest::new(paths, seed);
    request.threads = threads;
    request.sampling = match sampling {
        None => None,
        Some("monte-carlo") => Some(Sampling::MonteCarlo),
        Some("lhs" | "latin-hypercube") => Some(Sampling::LatinHypercube),
        Some(other) => {
            return Err(PyValueError::new_err(format!(
                "sampling = {other:?}: allowed: \"monte-carlo\", \"lhs\" (Latin hypercube), or None for the scenario's own"
            )));
        }
    };
    request.percentiles = match percentiles {
        "auto" => Percentiles::Auto,
        "exact" => Percentiles::Exact,
        "sketch" => Percentiles::Sketch,
        other => {
            return Err(PyValueError::new_err(format!(
                "percentiles = {other:?}: allowed: \"auto\", \"exact\", \"sketch\""
            )));
        }
    };
    if let Some(v) = evpi {
        request.evpi = Some(carefund::voi::Value::parse(v).map_err(|e| to_py(py, e))?);
    }
    if let Some((text, origin)) = evidence {
        request.evidence =
            Some(carefund::Evidence::from_toml(&text, &origin).map_err(|e| to_py(py, e))?);
    }
    let scenario = scenario.inner.clone();
    let outcome = drive(py, progress, move |p| carefund::run(&scenario, &request, p))?;
    Ok(RunResult { outcome })
}

#[pymethods]
impl RunResult {
    /// What `carefund run` prints: the verdict, its reasons and the headline numbers.
    fn text(&self) -> String {
        self.outcome.text()
    }

    /// `summary.json`, as text (the bytes `carefund run` writes).
    fn json(&self, py: Python<'_>) -> PyResult<String> {
        self.outcome.json().map_err(|e| to_py(py, e))
    }

    /// The per-path columns (results, then the inputs each path drew), moved into numpy
    /// arrays without a copy. The outcome gives them up: a second call builds them again.
    fn take_columns<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let outcome = &mut self.outcome;
        let columns = py.detach(|| outcome.take_columns().into_columns());
        let list = PyList::empty(py);
        for (name, values) in columns {
            list.append((name, PyArray1::from_vec(py, values)))?;
        }
        Ok(list)
    }

    /// Every path's value of `quantity` in every period: an array of paths × periods.
    fn per_period<'py>(
        &self,
        py: Python<'py>,
        quantity: &str,
    ) -> PyResult<Bound<'py, numpy::PyArray2<f64>>> {
        let Some(q) = Quantity::ALL.iter().copied().find(|q| q.name() == quantity) else {
            let names: Vec<&str> = Quantity::ALL.iter().map(|q| q.name()).collect();
            return Err(PyValueError::new_err(format!(
                "unknown quantity {quantity:?}; allowed: {}",
                names.join(", ")
            )));
        };
        let sim = &self.outcome.simulation;
        let periods = self.outcome.scenario.timeline().periods();
        let paths = sim.paths();
        let data = py.detach(|| {
            let mut data = Vec::with_capacity(paths * periods);
            for t in 0..periods {
                data.extend(sim.column(q, t)?);
            }
            Some(data)
        });
        let Some(data) = data else {
            return Err(PyValueError::new_err(
                "this run kept sketches of the per-period values, not the values: run with percentiles=\"exact\"",
            ));
        };
        // Period-major in memory: the transpose is a view, not a copy.
        let array = PyArray1::from_vec(py, data).reshape([periods, paths])?;
        array.transpose()
    }

    /// Write the files `carefund run` writes into `out_dir`, as the command does (see
    /// [`write_files`]).
    #[pyo3(signature = (out_dir, charts, paths_file, workbook, page))]
    fn write(
        &self,
        py: Python<'_>,
        out_dir: PathBuf,
        charts: &str,
        paths_file: bool,
        workbook: bool,
        page: bool,
    ) -> PyResult<Vec<String>> {
        let charts = charts_of(charts)?;
        let options = OutputOptions {
            charts,
            paths_file: if paths_file {
                PathsFile::Csv
            } else {
                PathsFile::None
            },
            workbook,
            page,
        };
        let outcome = &self.outcome;
        py.detach(|| write_files(&out_dir, || outcome.files(&options)))
    }
}

/// The chart formats named by `charts`.
pub fn charts_of(charts: &str) -> PyResult<Charts> {
    Ok(match charts {
        "png" => Charts::Png,
        "svg" => Charts::Svg,
        "both" => Charts::Both,
        "none" => Charts::None,
        other => {
            return Err(PyValueError::new_err(format!(
                "charts = {other:?}: allowed: \"png\", \"svg\", \"both\", \"none\""
            )));
        }
    })
}

/// Renders the files and writes them into `out` through the library's output-directory
/// writer, as the command does: one commit (staging directory, `manifest.json` last, a
/// swap), repairing what a killed writer left beside `out`, and keeping files in `out`
/// that earlier commits did not write. Returns the names written, `manifest.json` last.
pub fn write_files<'a>(
    out: &Path,
    render: impl FnOnce() -> carefund::Result<Vec<OutputFile<'a>>>,
) -> PyResult<Vec<String>> {
    // Refuse a bad place before rendering (charts take a while).
    outdir::check_replaceable(out).map_err(write_error)?;
    let files = render().map_err(|e| Python::attach(|py| to_py(py, e)))?;
    let files: Vec<&OutputFile<'_>> = files.iter().collect();
    outdir::commit(out, &files, &[]).map_err(write_error)
}
