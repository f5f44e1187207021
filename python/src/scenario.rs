//! `carefund.Scenario`: a checked scenario and the TOML text it was read from.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use toml::{Table, Value};

use carefund::Diagnostic;
use carefund::dist::Dist;
use carefund::stress::{Action, Op, Origin, Overlay, glob};

use crate::error::{scenario_error, to_py};

/// A scenario: the TOML text and the model checked from it.
///
/// Build one with `Scenario.from_file(path)` or `Scenario.from_toml(text)`. A Scenario
/// never changes: `with_values` returns a modified copy.
#[pyclass(module = "carefund", frozen)]
pub struct Scenario {
    /// The TOML text the scenario was checked from.
    pub text: String,
    /// The values `with_values` held fixed since, in order (empty for a scenario as read).
    pub values: Vec<(String, f64)>,
    /// The checked scenario, with those values applied.
    pub inner: carefund::Scenario,
}

#[pymethods]
impl Scenario {
    /// Read and check a scenario file (TOML, UTF-8).
    ///
    /// Raises ScenarioError (naming the file, line, key and what is allowed) when the
    /// file breaks a rule of the model, and OSError when it cannot be read.
    #[staticmethod]
    fn from_file(py: Python<'_>, path: std::path::PathBuf) -> PyResult<Self> {
        let shown = path.display().to_string();
        let bytes = std::fs::read(&path).map_err(|e| {
            pyo3::exceptions::PyOSError::new_err((
                e.raw_os_error().unwrap_or(0),
                e.to_string(),
                shown.clone(),
            ))
        })?;
        let text = String::from_utf8(bytes).map_err(|e| {
            scenario_error(
                py,
                &Diagnostic::new(&shown, "is not a text file")
                    .value(format!(
                        "invalid UTF-8 at byte {}",
                        e.utf8_error().valid_up_to()
                    ))
                    .allowed("a scenario file in TOML, saved as UTF-8"),
            )
        })?;
        Self::checked(py, text, &shown)
    }

    /// Check a scenario from TOML text. `origin` names it in error messages.
    #[staticmethod]
    #[pyo3(signature = (text, origin = "<string>"))]
    fn from_toml(py: Python<'_>, text: String, origin: &str) -> PyResult<Self> {
        Self::checked(py, text, origin)
    }

    /// The TOML text of this scenario: the text it was read from, or for a copy made by
    /// `with_values`, that text with the values written in (comments are then not kept).
    /// `Scenario.from_toml(s.to_toml())` runs bit for bit like `s`.
    ///
    /// Raises ScenarioError when a value held fixed by `with_values` belongs to a
    /// `[[correlation]]` group: a scenario file cannot correlate a fixed input (its
    /// partners keep drawing their correlated uniforms, as in `carefund twoway`), so no
    /// file says the same.
    pub fn to_toml(&self, py: Python<'_>) -> PyResult<String> {
        if self.values.is_empty() {
            return Ok(self.text.clone());
        }
        self.written().map_err(|e| to_py(py, e))
    }

    /// A copy with some inputs held at fixed values.
    ///
    /// `values` maps input names, as stress files and `carefund twoway` name them
    /// (`"scheme.Reablement and intermediate care.effect"`, `"costs.unit_cost"`,
    /// `"demand.growth"`; `*` matches any text, so `"scheme.*.effect"` names every
    /// scheme's effect), to numbers. Each is applied like a stress's `set = value`: the
    /// input is held at the value on every path and every other input draws exactly what
    /// it drew before, so a copy stays paired with the original path by path. For an input
    /// outside any `[[correlation]]` group this is exactly what editing the file gives
    /// (`to_toml` writes that file); an input in a group is held while its partners keep
    /// their correlated draws, as in a `carefund twoway` cell.
    ///
    /// Raises ScenarioError for a name that matches no input (with the closest names) or a
    /// value outside the input's allowed range, and TypeError for a value that is not a
    /// number.
    fn with_values(&self, py: Python<'_>, values: &Bound<'_, PyDict>) -> PyResult<Self> {
        let mut pairs: Vec<(String, f64)> = Vec::with_capacity(values.len());
        for (k, v) in values.iter() {
            let name: String = k.extract().map_err(|_| {
                PyTypeError::new_err(format!(
                    "with_values: the key {k} is not a string (an input name)"
                ))
            })?;
            if v.is_instance_of::<pyo3::types::PyBool>() {
                return Err(PyTypeError::new_err(format!(
                    "with_values: `{name}` = {v} is not a number"
                )));
            }
            let x: f64 = v.extract().map_err(|_| {
                PyTypeError::new_err(format!("with_values: `{name}` = {v} is not a number"))
            })?;
            if name.contains('{') {
                let d = Diagnostic::new("with_values", "placeholders belong to stress packs")
                    .key(name)
                    .allowed("an input name, `*` matching any text");
                return Err(scenario_error(py, &d));
            }
            pairs.push((name, x));
        }
        let mut inner = self.inner.clone();
        for (name, x) in &pairs {
            inner = set(&inner, name, *x).map_err(|e| to_py(py, e))?;
        }
        let mut values = self.values.clone();
        values.extend(pairs);
        Ok(Self {
            text: self.text.clone(),
            values,
            inner,
        })
    }

    /// The scenario's name (`[scenario] name`).
    #[getter]
    fn name(&self) -> &str {
        self.inner.name()
    }

    /// Where the scenario came from (its file, as given), as error messages name it.
    #[getter]
    fn origin(&self) -> &str {
        self.inner.origin()
    }

    /// SHA-256 of the TOML text (hex), as `summary.json` records it.
    #[getter]
    fn hash(&self) -> &str {
        self.inner.hash()
    }

    /// The names of the uncertain inputs, in the order the model draws them: the names
    /// `with_values`, stress files and sensitivity analyses use.
    #[getter]
    fn inputs(&self) -> Vec<&str> {
        self.inner.inputs().iter().map(|i| i.name()).collect()
    }

    fn __repr__(&self) -> String {
        format!(
            "<carefund.Scenario {:?} from {:?}>",
            self.inner.name(),
            self.inner.origin()
        )
    }
}

impl Scenario {
    /// Checks `text` as a scenario named `origin`.
    pub fn checked(py: Python<'_>, text: String, origin: &str) -> PyResult<Self> {
        let inner = carefund::Scenario::from_toml(&text, origin).map_err(|e| to_py(py, e))?;
        Ok(Self {
            text,
            values: Vec::new(),
            inner,
        })
    }

    /// The source TOML with `self.values` written in, checked again.
    fn written(&self) -> carefund::Result<String> {
        let origin = self.inner.origin();
        let mut table: Table = toml::from_str(&self.text).map_err(|e| {
            carefund::Error::from(Diagnostic::new(
                origin,
                format!("cannot re-read the TOML: {e}"),
            ))
        })?;
        for (pattern, x) in &self.values {
            for input in self.inner.inputs() {
                if glob(pattern, input.name()) {
                    write_value(&mut table, input.name(), Value::Float(*x));
                }
            }
        }
        let text = toml::to_string(&table).map_err(|e| {
            carefund::Error::from(Diagnostic::new(
                origin,
                format!("cannot write the TOML: {e}"),
            ))
        })?;
        carefund::Scenario::from_toml(&text, &format!("{origin} with values"))?;
        Ok(text)
    }
}

/// `scenario` with the inputs `name` selects held at `x`, as a stress's `set = x`: names
/// are resolved and checked by the library's own rules for input names, so a name that
/// matches nothing or a value outside an input's range fails with the diagnostic a stress
/// file would get (with the name as its key).
fn set(scenario: &carefund::Scenario, name: &str, x: f64) -> carefund::Result<carefund::Scenario> {
    let mut op = Op::new(name, Action::Set(Dist::Fixed(x)));
    op.origin = Origin {
        file: "with_values".into(),
        line: None,
        column: None,
        cell: None,
    };
    Overlay::new("with_values", vec![op])
        .apply(scenario)
        .map_err(|e| match e {
            carefund::Error::Input(mut d) if d.key.as_deref() == Some("select") => {
                d.key = Some(name.to_string());
                carefund::Error::Input(d)
            }
            other => other,
        })
}

/// Writes `value` at the TOML key an input name stands for: `scheme.<name>.<key>` in the
/// `[[scheme]]` table of that name, otherwise `<section>.<key>`.
fn write_value(table: &mut Table, input: &str, value: Value) {
    if let Some(rest) = input.strip_prefix("scheme.")
        && let Some((scheme, key)) = rest.rsplit_once('.')
    {
        if let Some(Value::Array(list)) = table.get_mut("scheme") {
            for s in list.iter_mut() {
                if let Value::Table(s) = s
                    && s.get("name").and_then(Value::as_str).map(str::trim) == Some(scheme)
                {
                    s.insert(key.to_string(), value);
                    return;
                }
            }
        }
        return;
    }
    if let Some((section, key)) = input.split_once('.') {
        let entry = table
            .entry(section.to_string())
            .or_insert_with(|| Value::Table(Table::new()));
        if let Value::Table(s) = entry {
            s.insert(key.to_string(), value);
        }
    }
}
