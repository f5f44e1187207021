//! The library's one error type, and the diagnostics it carries.

use std::fmt;

/// Everything that can go wrong in carefund.
///
/// Input errors carry a [`Diagnostic`] that names the file, position, key, value and what
/// would have been accepted, so that a user can fix a hand-edited scenario file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A scenario (or other input) file is malformed or breaks a rule of the model.
    #[error("{0}")]
    Input(Box<Diagnostic>),
    /// An option of a request is out of range: which option (named by its field, never
    /// by a command-line spelling), the value given and what is allowed.
    #[error("`{}` must be {allowed} (got {value})", name.field())]
    InvalidOption {
        /// Which option.
        name: Opt,
        /// The value given, as text.
        value: String,
        /// What is allowed, in words ("between 1 and 100000000").
        allowed: String,
    },
    /// A request would need more memory than this machine has available.
    #[error("{}", memory_message(*name, value, *need, *available, *fits))]
    Memory {
        /// The option that sets the size.
        name: Opt,
        /// Its value, as text (with what else multiplies it, e.g. "400 for 12 areas").
        value: String,
        /// Bytes needed.
        need: u64,
        /// Bytes available.
        available: u64,
        /// How many would fit, when the size is a count of paths.
        fits: Option<u64>,
    },
    /// A request does not fit its inputs (value-of-information options that do not fit
    /// the scenarios, for example); the message says why.
    #[error("{0}")]
    Invalid(String),
    /// Shard files that are not the shards of one run; the message names the files.
    #[error("{0}")]
    ShardMismatch(String),
    /// The caller's [`Progress`](crate::api::Progress) asked the work to stop.
    #[error("cancelled")]
    Cancelled,
    /// Worker threads could not be started (a runtime failure, not bad input; see
    /// [`crate::threads`]).
    #[error("{0}")]
    Threads(String),
    /// A chart could not be drawn.
    #[cfg(feature = "report")]
    #[error("could not draw chart `{name}`: {source}")]
    Chart {
        /// Which chart.
        name: &'static str,
        /// What went wrong.
        source: crate::chart::ChartError,
    },
    /// An output table could not be serialised.
    #[error("could not write {what}: {message}")]
    Export {
        /// Which output.
        what: &'static str,
        /// What went wrong.
        message: String,
    },
}

/// The options of the use-case requests ([`crate::api`]), by field: errors name them
/// this way and a front end maps each to its own spelling (a command-line flag, a
/// keyword argument).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Opt {
    /// Number of paths.
    Paths,
    /// The most paths a run to a target standard error may use.
    MaxPaths,
    /// The target standard error.
    TargetSe,
    /// Worker threads.
    Threads,
    /// A shard of a run.
    Shard,
    /// How per-period percentiles are kept.
    Percentiles,
    /// Rows of the Sobol sample.
    SobolRows,
    /// Bootstrap resamples.
    Bootstrap,
    /// What each path is worth (value of information).
    Value,
    /// A named group of inputs (value of information).
    Group,
    /// How many decisions a value of information applies to.
    Scale,
    /// The money placed on each avoided admission.
    AdmissionValue,
    /// The confidence level of intervals.
    Confidence,
    /// The correlation of scheme effectiveness between areas (national runs).
    EffectCorrelation,
    /// The correlation of demand growth between areas (national runs).
    GrowthCorrelation,
    /// The overlay factor of a reverse stress test (`scale SELECTOR`).
    Factor,
    /// The search range of a reverse stress test.
    Range,
    /// The bisection tolerance of a reverse stress test.
    Tolerance,
    /// A built-in pack of stresses.
    Pack,
    /// The input on the x axis of a two-way grid.
    AxisX,
    /// The input on the y axis of a two-way grid.
    AxisY,
}

impl Opt {
    /// The field's name: `paths`, `max_paths`, `target_se` …
    pub fn field(self) -> &'static str {
        match self {
            Opt::Paths => "paths",
            Opt::MaxPaths => "max_paths",
            Opt::TargetSe => "target_se",
            Opt::Threads => "threads",
            Opt::Shard => "shard",
            Opt::Percentiles => "percentiles",
            Opt::SobolRows => "sobol_rows",
            Opt::Bootstrap => "bootstrap",
            Opt::Value => "value",
            Opt::Group => "group",
            Opt::Scale => "scale",
            Opt::AdmissionValue => "admission_value",
            Opt::Confidence => "confidence",
            Opt::EffectCorrelation => "effect_correlation",
            Opt::GrowthCorrelation => "growth_correlation",
            Opt::Factor => "factor",
            Opt::Range => "range",
            Opt::Tolerance => "tolerance",
            Opt::Pack => "pack",
            Opt::AxisX => "x",
            Opt::AxisY => "y",
        }
    }
}

/// The text of [`Error::Memory`], naming the option as `option`.
pub fn memory_text(
    option: &str,
    value: &str,
    need: u64,
    available: u64,
    fits: Option<u64>,
) -> String {
    let head = format!(
        "{option} {value} needs about {:.1} GB but only {:.1} GB is available",
        need as f64 / 1e9,
        available as f64 / 1e9
    );
    match fits {
        Some(n) => format!("{head}; at most about {n} paths would fit"),
        None => format!("{head}; ask for less"),
    }
}

fn memory_message(name: Opt, value: &str, need: u64, available: u64, fits: Option<u64>) -> String {
    memory_text(
        &format!("`{}` =", name.field()),
        value,
        need,
        available,
        fits,
    )
}

/// A `Result` with carefund's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A precise account of a bad input: where, which key, which value, what is allowed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Diagnostic {
    /// The file (as the user named it), or `<input>` for text without a file.
    pub file: String,
    /// 1-based line, where known.
    pub line: Option<usize>,
    /// 1-based column, where known.
    pub column: Option<usize>,
    /// The cell of a workbook, `Sheet!A1` (or a block, `Sheet!A1:E1`), where known.
    pub cell: Option<String>,
    /// The dotted key, e.g. `scenario.horizon_years` or `scheme.Reablement.effect`.
    pub key: Option<String>,
    /// The offending value as written, where there is one.
    pub value: Option<String>,
    /// What is wrong, in words.
    pub problem: String,
    /// What would be accepted.
    pub allowed: Option<String>,
    /// A close valid alternative ("did you mean").
    pub suggestion: Option<String>,
    /// The option the bad value was given as, when it came from a request rather than a
    /// file: [`Diagnostic::file`] is then the option's field name ([`Opt::field`]), which a
    /// front end may show in its own spelling (a command-line flag).
    pub option: Option<Opt>,
}

impl Diagnostic {
    /// A diagnostic for `file` with the given problem; fill in the rest with the builders.
    pub fn new(file: impl Into<String>, problem: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            problem: problem.into(),
            ..Self::default()
        }
    }

    /// A diagnostic for the request's option `name` (not a file): `file` is the
    /// option's field name and [`Diagnostic::option`] says which option it is.
    pub fn for_option(name: Opt, problem: impl Into<String>) -> Self {
        Self {
            option: Some(name),
            ..Self::new(name.field(), problem)
        }
    }

    /// Set the key.
    #[must_use]
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }

    /// Set the offending value.
    #[must_use]
    pub fn value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }

    /// Set what would be accepted.
    #[must_use]
    pub fn allowed(mut self, allowed: impl Into<String>) -> Self {
        self.allowed = Some(allowed.into());
        self
    }

    /// Set a suggestion.
    #[must_use]
    pub fn suggestion(mut self, suggestion: Option<String>) -> Self {
        self.suggestion = suggestion;
        self
    }

    /// Set line and column from a byte offset into `text`.
    #[must_use]
    pub fn at(mut self, text: &str, offset: Option<usize>) -> Self {
        if let Some(offset) = offset {
            let (line, column) = line_column(text, offset);
            self.line = Some(line);
            self.column = Some(column);
        }
        self
    }
}

impl From<Diagnostic> for Error {
    fn from(d: Diagnostic) -> Self {
        Error::Input(Box::new(d))
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        if let Some(cell) = &self.cell {
            write!(f, ": {cell}")?;
        }
        write!(f, ": ")?;
        if let Some(key) = &self.key {
            write!(f, "`{key}`: ")?;
        }
        write!(f, "{}", self.problem)?;
        if let Some(value) = &self.value {
            write!(f, " (found {value})")?;
        }
        if let Some(allowed) = &self.allowed {
            write!(f, "; allowed: {allowed}")?;
        }
        if let Some(suggestion) = &self.suggestion {
            write!(f, "; did you mean `{suggestion}`?")?;
        }
        Ok(())
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text
        .get(line_start..offset)
        .map_or(1, |s| s.chars().count() + 1);
    (line, column)
}

/// The closest of `candidates` to `word`, if it is close enough to be a likely typo.
///
/// A candidate is close when its Levenshtein distance (on lower-cased text) is at most a
/// third of the word's length (and at least one edit), when one is a prefix of the other
/// (`sdev` → `sd`), or when they share their first five characters (`triangle` →
/// `triangular`). The closest by distance wins.
pub(crate) fn did_you_mean<'a, I>(word: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    let word_lc = word.to_lowercase();
    let limit = (word_lc.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter_map(|c| {
            let c_lc = c.to_lowercase();
            let d = levenshtein(&word_lc, &c_lc);
            let shared = word_lc
                .chars()
                .zip(c_lc.chars())
                .take_while(|(a, b)| a == b)
                .count();
            let shorter = word_lc.chars().count().min(c_lc.chars().count());
            let close = d <= limit || (shared == shorter && shorter >= 2) || shared >= 5;
            (close && d > 0).then_some((d, c))
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.to_string())
}

/// Edit distance between `a` and `b` (in characters).
pub(crate) fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levenshtein_counts_edits() {
        assert_eq!(levenshtein("horizon_year", "horizon_years"), 1);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("kitten", "sitting"), 3);
    }

    #[test]
    fn did_you_mean_finds_close_keys_only() {
        let keys = ["horizon_years", "periods_per_year", "start_year"];
        assert_eq!(
            did_you_mean("horizon_yaers", keys).as_deref(),
            Some("horizon_years")
        );
        assert_eq!(did_you_mean("colour", keys), None);
    }

    #[test]
    fn line_column_is_one_based() {
        let text = "a = 1\nbb = 2\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        assert_eq!(line_column(text, 11), (2, 6));
    }

    #[test]
    fn diagnostic_names_everything() {
        let d = Diagnostic::new("s.toml", "must be positive")
            .key("fund.pooled")
            .value("-5")
            .allowed("a number ≥ 0");
        assert_eq!(
            d.to_string(),
            "s.toml: `fund.pooled`: must be positive (found -5); allowed: a number ≥ 0"
        );
    }
}
