//! Reverse stress test: the value of one overlay factor at which a metric crosses a level.
//!
//! The factor is one op, `scale SELECTOR` or `shift SELECTOR`; every evaluation runs the
//! scenario with that op at a trial value on the same seed and paths (common random
//! numbers), so the metric moves only because the factor moves. The search is a bisection
//! on `[lo, hi]`: the metric is evaluated at both ends; if both lie on the same side of
//! the level, no factor in the range crosses it and the result says so. Otherwise the
//! bracket is halved until it is narrower than the tolerance.
//!
//! On a finite number of paths a probability such as `p_break_even` is a step function of
//! the factor (it moves in steps of `1/n`), so the answer is a bracket `[a, b]` with the
//! metric on one side of the level at `a` and on the other at `b`, not a point; the
//! reported factor is its mid-point. The metric there is within a step of the level, far
//! inside its Monte Carlo error.

use serde::Serialize;

use super::overlay::{Action, Op, Overlay};
use super::paired::{Metric, paths_of};
use crate::engine::RunOptions;
use crate::error::{Diagnostic, Opt, Result};
use crate::scenario::Scenario;

/// Whether the factor scales or shifts its inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FactorKind {
    /// Multiply the selected draws by the factor.
    Scale,
    /// Add the factor to the selected draws.
    Shift,
}

/// One overlay factor: `scale scheme.*.effect`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Factor {
    /// Scale or shift.
    pub kind: FactorKind,
    /// The input selector.
    pub select: String,
}

impl Factor {
    /// Parse `"scale SELECTOR"` or `"shift SELECTOR"`.
    ///
    /// # Errors
    /// [`Error::Input`](crate::Error::Input) when the text is not of that form.
    pub fn parse(text: &str) -> Result<Self> {
        let t = text.trim();
        let (word, rest) = t.split_once(char::is_whitespace).unwrap_or((t, ""));
        let kind = match word {
            "scale" => FactorKind::Scale,
            "shift" => FactorKind::Shift,
            _ => {
                return Err(Diagnostic::for_option(Opt::Factor, "unknown factor")
                    .value(format!("\"{text}\""))
                    .allowed(
                        "\"scale SELECTOR\" or \"shift SELECTOR\", e.g. 'scale scheme.*.effect'",
                    )
                    .into());
            }
        };
        let select = rest.trim();
        if select.is_empty() {
            return Err(
                Diagnostic::for_option(Opt::Factor, "the factor names no inputs")
                    .value(format!("\"{text}\""))
                    .allowed(
                        "\"scale SELECTOR\" or \"shift SELECTOR\", e.g. 'scale scheme.*.effect'",
                    )
                    .into(),
            );
        }
        Ok(Self {
            kind,
            select: select.to_string(),
        })
    }

    /// The default search range: `[0, 10]` for a scale, `[−1, 1]` for a shift.
    pub fn default_range(&self) -> (f64, f64) {
        match self.kind {
            FactorKind::Scale => (0.0, 10.0),
            FactorKind::Shift => (-1.0, 1.0),
        }
    }

    /// The overlay that applies the factor at `value`.
    pub fn overlay(&self, value: f64) -> Overlay {
        let action = match self.kind {
            FactorKind::Scale => Action::Scale(value),
            FactorKind::Shift => Action::Shift(value),
        };
        let mut op = Op::new(self.select.clone(), action);
        op.origin.option = Some(Opt::Factor);
        op.origin.file = Opt::Factor.field().into();
        let word = match self.kind {
            FactorKind::Scale => "scale",
            FactorKind::Shift => "shift",
        };
        Overlay::new(format!("{word} {} = {value}", self.select), vec![op])
    }
}

/// Options of a reverse stress test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReverseOptions {
    /// The metric (default `p_break_even`).
    pub metric: Metric,
    /// The level it should cross (default 0.5).
    pub level: f64,
    /// The search range of the factor.
    pub range: (f64, f64),
    /// Stop when the bracket is narrower than this.
    pub tolerance: f64,
}

/// One evaluation of the metric.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Evaluation {
    /// The factor's value.
    pub factor: f64,
    /// The metric there.
    pub metric: f64,
    /// Its Monte Carlo standard error.
    pub se: f64,
}

/// The answer of a reverse stress test.
#[derive(Debug, Clone, Serialize)]
pub struct ReverseResult {
    /// The factor searched.
    pub factor: Factor,
    /// The metric's name.
    pub metric: &'static str,
    /// The level.
    pub level: f64,
    /// The searched range.
    pub range: (f64, f64),
    /// The bisection tolerance.
    pub tolerance: f64,
    /// True when the metric crosses the level inside the range.
    pub crosses: bool,
    /// The mid-point of the final bracket (`None` when nothing crosses).
    pub value: Option<f64>,
    /// The final bracket: the metric is on one side of the level at its first end and on
    /// the other at its second.
    pub bracket: Option<(Evaluation, Evaluation)>,
    /// Every evaluation, in the order made.
    pub evaluations: Vec<Evaluation>,
}

/// Find the factor at which the metric crosses the level, by bisection on common random
/// numbers.
///
/// # Errors
/// A selector that matches nothing; an empty or reversed range; a scale range below 0;
/// invalid run options.
pub fn reverse_stress(
    base: &Scenario,
    factor: &Factor,
    ro: &ReverseOptions,
    options: &RunOptions,
) -> Result<ReverseResult> {
    reverse_stress_with(base, factor, ro, options, &|_| {})
}

/// The most runs [`reverse_stress`] makes for `ro`: both ends of the range, then one per
/// halving of the bracket until it is narrower than the tolerance.
pub fn reverse_evaluations(ro: &ReverseOptions) -> usize {
    let halvings = ((ro.range.1 - ro.range.0) / ro.tolerance).log2().ceil();
    if halvings.is_finite() && halvings > 0.0 {
        2 + (halvings as usize).min(1_000)
    } else {
        2
    }
}

/// [`reverse_stress`], calling `progress(runs done)` after each run (at most
/// [`reverse_evaluations`] runs).
///
/// # Errors
/// As [`reverse_stress`].
pub fn reverse_stress_with(
    base: &Scenario,
    factor: &Factor,
    ro: &ReverseOptions,
    options: &RunOptions,
    progress: &dyn Fn(usize),
) -> Result<ReverseResult> {
    let (lo, hi) = ro.range;
    if !(lo.is_finite() && hi.is_finite() && lo < hi)
        || (factor.kind == FactorKind::Scale && lo < 0.0)
    {
        return Err(Diagnostic::for_option(Opt::Range, "invalid search range")
            .value(format!("{lo}:{hi}"))
            .allowed("LO:HI with LO < HI, both finite (LO ≥ 0 for a scale)")
            .into());
    }
    if ro.tolerance.is_nan() || ro.tolerance <= 0.0 {
        return Err(
            Diagnostic::for_option(Opt::Tolerance, "the tolerance must be positive")
                .value(ro.tolerance.to_string())
                .into(),
        );
    }
    let mut evaluations = Vec::new();
    let mut eval = |x: f64| -> Result<Evaluation> {
        let s = factor.overlay(x).apply(base)?;
        let (metric, se) = ro.metric.estimate(&paths_of(&s, options)?);
        let e = Evaluation {
            factor: x,
            metric,
            se,
        };
        evaluations.push(e);
        progress(evaluations.len());
        Ok(e)
    };
    let mut a = eval(lo)?;
    let mut b = eval(hi)?;
    let above = |e: &Evaluation| e.metric >= ro.level;
    let crosses = above(&a) != above(&b);
    let mut bracket = None;
    if crosses {
        while b.factor - a.factor > ro.tolerance {
            let m = eval(0.5 * (a.factor + b.factor))?;
            if above(&m) == above(&a) {
                a = m;
            } else {
                b = m;
            }
        }
        bracket = Some((a, b));
    }
    Ok(ReverseResult {
        factor: factor.clone(),
        metric: ro.metric.name(),
        level: ro.level,
        range: ro.range,
        tolerance: ro.tolerance,
        crosses,
        value: bracket.map(|(a, b)| 0.5 * (a.factor + b.factor)),
        bracket,
        evaluations,
    })
}
