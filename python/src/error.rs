//! carefund's errors as Python exceptions.
//!
//! A bad input ([`carefund::Error::Input`]) becomes `carefund.ScenarioError`, a
//! `ValueError` whose text is the library's diagnostic and whose attributes are its parts
//! (`file`, `line`, `column`, `key`, `value`, `problem`, `allowed`, `suggestion`), so a
//! notebook can point at the offending key without parsing the message.

use pyo3::exceptions::{
    PyIsADirectoryError, PyMemoryError, PyNotADirectoryError, PyOSError, PyRuntimeError,
    PyValueError,
};
use pyo3::prelude::*;

use carefund::{Diagnostic, Error};
use carefund_outdir::WriteError;

pyo3::create_exception!(
    _carefund,
    ScenarioError,
    PyValueError,
    "A scenario (or other input) is malformed or breaks a rule of the model.\n\n\
     str(e) is the full diagnostic; the attributes file, line, column, key, value, \
     problem, allowed and suggestion hold its parts (None where unknown)."
);

/// A diagnostic as a `ScenarioError` carrying its parts.
pub fn scenario_error(py: Python<'_>, d: &Diagnostic) -> PyErr {
    let err = ScenarioError::new_err(d.to_string());
    let value = err.value(py);
    // Setting an attribute on a fresh exception instance cannot fail in practice; if it
    // did, the message still carries the whole diagnostic.
    let _ = value.setattr("file", &d.file);
    let _ = value.setattr("line", d.line);
    let _ = value.setattr("column", d.column);
    let _ = value.setattr("key", d.key.as_deref());
    let _ = value.setattr("value", d.value.as_deref());
    let _ = value.setattr("problem", &d.problem);
    let _ = value.setattr("allowed", d.allowed.as_deref());
    let _ = value.setattr("suggestion", d.suggestion.as_deref());
    err
}

/// Any library error as the Python exception that fits it.
pub fn to_py(py: Python<'_>, e: Error) -> PyErr {
    match e {
        Error::Input(d) => scenario_error(py, &d),
        e @ (Error::InvalidOption { .. } | Error::Invalid(_) | Error::ShardMismatch(_)) => {
            PyValueError::new_err(e.to_string())
        }
        e @ Error::Memory { .. } => PyMemoryError::new_err(e.to_string()),
        other => PyRuntimeError::new_err(other.to_string()),
    }
}

/// An output-directory error as the Python exception that fits it (`NotADirectoryError`
/// for a place that is or lies under a file, `IsADirectoryError` for a directory where a
/// file goes, `ValueError` for the current directory, `OSError` for the file system's
/// refusals), its text every cause of the error.
pub fn write_error(e: WriteError) -> PyErr {
    let mut text = e.to_string();
    let mut cause: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(&e);
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    match e.cause() {
        WriteError::IsAFile { .. } | WriteError::UnderAFile { .. } => {
            PyNotADirectoryError::new_err(text)
        }
        WriteError::IsADirectory { .. } | WriteError::NotAnOutput { .. } => {
            PyIsADirectoryError::new_err(text)
        }
        WriteError::HoldsCurrentDir { .. } | WriteError::SameName { .. } => {
            PyValueError::new_err(text)
        }
        WriteError::Render { .. } => PyRuntimeError::new_err(text),
        _ => PyOSError::new_err(text),
    }
}
