//! Python bindings of carefund: the `carefund._carefund` extension module.
//!
//! The Python package `carefund` (python/carefund/) wraps this module: the classes and
//! functions here are thin layers over the library's public use-case API, and the
//! package adds pandas DataFrames (when pandas is installed) and tqdm progress bars.

mod analyses;
mod drive;
mod error;
mod run;
mod scenario;

use pyo3::prelude::*;

#[pymodule]
fn _carefund(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("ScenarioError", m.py().get_type::<error::ScenarioError>())?;
    m.add_class::<scenario::Scenario>()?;
    m.add_class::<run::RunResult>()?;
    m.add_function(wrap_pyfunction!(run::run, m)?)?;
    m.add_class::<analyses::Analysis>()?;
    m.add_function(wrap_pyfunction!(analyses::stress, m)?)?;
    m.add_function(wrap_pyfunction!(analyses::compare, m)?)?;
    m.add_function(wrap_pyfunction!(analyses::do_nothing, m)?)?;
    m.add_function(wrap_pyfunction!(analyses::sensitivity, m)?)?;
    m.add_function(wrap_pyfunction!(analyses::national, m)?)?;
    Ok(())
}
