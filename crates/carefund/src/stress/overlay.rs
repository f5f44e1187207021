//! Overlays: named changes to a scenario's inputs, chosen by name with `*` wildcards.
//!
//! An [`Overlay`] is a list of [`Op`]s applied in order to a copy of a checked
//! [`Scenario`]. Each op selects inputs by name (`scheme.*.effect`, `demand.growth`) and
//! changes them:
//!
//! | action | effect on a draw `x` of the selected inputs |
//! |---|---|
//! | `scale = k` (k ≥ 0) | `x → k·x` (composed with earlier scales and shifts) |
//! | `shift = s` | `x → x + s` |
//! | `set = value` | the input's distribution is replaced (a number or any docs/model.md §7 form) |
//! | `capacity_release = "never"` | no selector: `costs.capacity_release_years = ∞`, so the cashable share `m(τ) = m_s` for the whole horizon |
//!
//! Scaling and shifting act on draws, not on the uniforms behind them, so a stressed run
//! stays paired with its base path by path (common random numbers, docs/model.md §6). Draws
//! are still clamped to the input's allowed range (shares to `[0, 1]`, effects to
//! `[−1, 1]`, growth to `[−0.99, 1]`, costs and ramps to `≥ 0`): a scale that would push a
//! share past 1 leaves it at 1.
//!
//! A success probability `p_i` is a probability, not a draw to rescale: `scale = k` and
//! `shift = s` act on `p_i` itself (`p → clamp(k·p, 0, 1)`, `p → clamp(p + s, 0, 1)`), and
//! `set` takes a plain probability. Because a success is drawn as `u < p`, lowering `p` on
//! the same uniforms only ever turns successes into failures.
//!
//! A stressed scenario is a scenario in its own right: where the plan's claim is a
//! `target_reduction`, it follows the stressed central growth `ḡ` (docs/model.md §4.5), so a
//! growth stress also moves the claim (and with it P4P, the contingency and
//! `p_target_met_year1`). System net, and so P(break even), never depends on the plan.
//!
//! In a selector, `{largest}` stands for the name of the scheme with the largest planned
//! annual cost (the first in file order on a tie), so that a pack written once can say
//! "the largest scheme fails" for any scenario.

use crate::dist::Dist;
use crate::error::{Diagnostic, Result, did_you_mean, levenshtein};
use crate::scenario::check::{MAX_MASS_OUTSIDE, success_dist};
use crate::scenario::{Input, Scenario};

/// What an [`Op`] does to the inputs it selects.
#[derive(Debug, Clone)]
pub enum Action {
    /// Multiply draws by a factor ≥ 0.
    Scale(f64),
    /// Add a constant to draws.
    Shift(f64),
    /// Replace the distribution.
    Set(Dist),
    /// Never release capacity: the cashable share stays at its short-run value `m_s` for
    /// the whole horizon (`costs.capacity_release_years = ∞`, docs/model.md §4.4).
    NeverReleaseCapacity,
}

/// Where an op was written, for messages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    /// The file (or label) the op came from.
    pub file: String,
    /// 1-based line, where known.
    pub line: Option<usize>,
    /// 1-based column, where known.
    pub column: Option<usize>,
    /// The request's option the op came from (a reverse stress test's factor), if not a
    /// file.
    pub option: Option<crate::Opt>,
    /// The cell of a workbook's Stresses sheet (`Stresses!D5`), for an op read from one.
    pub cell: Option<String>,
}

/// One change: a selector and an action.
#[derive(Debug, Clone)]
pub struct Op {
    /// Input names to change, with `*` matching any text and `{largest}` the largest
    /// scheme's name; empty for [`Action::NeverReleaseCapacity`].
    pub select: String,
    /// The change.
    pub action: Action,
    /// Where it was written.
    pub origin: Origin,
}

/// A named overlay (one stress).
#[derive(Debug, Clone)]
pub struct Overlay {
    /// Its name, e.g. `Effects halved`.
    pub name: String,
    /// What it represents, in words.
    pub description: String,
    /// The changes, applied in order.
    pub ops: Vec<Op>,
}

impl Op {
    /// An op written in code (no file position).
    pub fn new(select: impl Into<String>, action: Action) -> Self {
        Self {
            select: select.into(),
            action,
            origin: Origin {
                file: "<overlay>".into(),
                ..Origin::default()
            },
        }
    }

    fn diag(&self, problem: impl Into<String>) -> Diagnostic {
        let mut d = Diagnostic::new(self.origin.file.clone(), problem).key("select");
        d.line = self.origin.line;
        d.column = self.origin.column;
        d.option = self.origin.option;
        d.cell.clone_from(&self.origin.cell);
        d
    }
}

impl Overlay {
    /// An overlay with the given name and ops.
    pub fn new(name: impl Into<String>, ops: Vec<Op>) -> Self {
        Self {
            name: name.into(),
            description: String::new(),
            ops,
        }
    }

    /// A copy of `base` with every op applied in order.
    ///
    /// # Errors
    /// [`Error::Input`](crate::Error::Input) naming the op's file and line when a selector
    /// matches no input (with the closest input names), when a `set` distribution puts
    /// more than 0.1% of its mass outside the selected input's allowed range, or when a
    /// success probability is set to something other than a probability.
    pub fn apply(&self, base: &Scenario) -> Result<Scenario> {
        let mut s = base.clone();
        for op in &self.ops {
            if let Action::NeverReleaseCapacity = op.action {
                s.capacity_release_years = f64::INFINITY;
                continue;
            }
            let targets = select(&s, op)?;
            for k in targets {
                let input = &mut s.inputs_mut()[k];
                apply_one(input, op)?;
            }
        }
        Ok(s)
    }
}

/// Indices of the inputs `op.select` matches.
fn select(s: &Scenario, op: &Op) -> Result<Vec<usize>> {
    let pattern = if op.select.contains("{largest}") {
        let largest = s
            .schemes()
            .iter()
            .fold(None::<&crate::scenario::Scheme>, |best, x| match best {
                Some(b) if b.annual_cost >= x.annual_cost => Some(b),
                _ => Some(x),
            })
            .map_or("", |x| x.name());
        op.select.replace("{largest}", largest)
    } else {
        op.select.clone()
    };
    let hits: Vec<usize> = s
        .inputs()
        .iter()
        .enumerate()
        .filter(|(_, i)| glob(&pattern, i.name()))
        .map(|(k, _)| k)
        .collect();
    if hits.is_empty() {
        let names: Vec<&str> = s.inputs().iter().map(Input::name).collect();
        let mut close: Vec<(usize, &str)> = names
            .iter()
            .map(|n| (levenshtein(&pattern.to_lowercase(), &n.to_lowercase()), *n))
            .collect();
        close.sort_by_key(|(d, _)| *d);
        let list: Vec<String> = close
            .iter()
            .take(5)
            .map(|(_, n)| format!("\"{n}\""))
            .collect();
        return Err(op
            .diag("the selector matches no input of this scenario")
            .value(format!("\"{}\"", op.select))
            .allowed(format!(
                "an input name, `*` matching any text (e.g. \"scheme.*.effect\"); closest inputs: {}",
                list.join(", ")
            ))
            .suggestion(did_you_mean(&pattern, names.iter().copied()))
            .into());
    }
    Ok(hits)
}

/// True when `name` matches `pattern`, in which `*` matches any (possibly empty) text.
pub fn glob(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    // Classic wildcard matching with backtracking to the last star.
    let (mut i, mut j) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while j < n.len() {
        if i < p.len() && p[i] != '*' && p[i] == n[j] {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some((i, j));
            i += 1;
        } else if let Some((si, sj)) = star {
            i = si + 1;
            j = sj + 1;
            star = Some((si, sj + 1));
        } else {
            return false;
        }
    }
    while i < p.len() && p[i] == '*' {
        i += 1;
    }
    i == p.len()
}

fn is_success(input: &Input) -> bool {
    input.name().ends_with(".success_probability")
}

/// The probability behind a success input's distribution.
fn success_p(input: &Input) -> f64 {
    match input.dist() {
        Dist::Bernoulli(p) => *p,
        other => other.central(),
    }
}

fn apply_one(input: &mut Input, op: &Op) -> Result<()> {
    let name = input.name().to_string();
    let bad = |problem: String, value: String, allowed: String| -> crate::Error {
        op.diag(problem)
            .key(name.clone())
            .value(value)
            .allowed(allowed)
            .into()
    };
    if is_success(input) {
        let p = success_p(input);
        let p = match &op.action {
            Action::Scale(k) => (k * p).clamp(0.0, 1.0),
            Action::Shift(d) => (p + d).clamp(0.0, 1.0),
            Action::Set(Dist::Fixed(x)) if (0.0..=1.0).contains(x) => *x,
            Action::Set(Dist::Bernoulli(x)) => *x,
            Action::Set(other) => {
                return Err(bad(
                    "a success probability is set to a plain probability".into(),
                    other.describe(),
                    "a number from 0 to 1".into(),
                ));
            }
            Action::NeverReleaseCapacity => return Ok(()),
        };
        input.set_dist(success_dist(p));
        return Ok(());
    }
    let (lo, hi) = input.bounds();
    match &op.action {
        Action::Scale(k) => input.rescale(*k, 0.0),
        Action::Shift(d) => input.rescale(1.0, *d),
        Action::Set(dist) => {
            let allowed = format!("values from {lo} to {hi} for `{name}`");
            match dist {
                Dist::Fixed(x) if *x < lo || *x > hi => {
                    return Err(bad("value out of range".into(), x.to_string(), allowed));
                }
                Dist::Fixed(_) => {}
                d if d.mass_outside(lo, hi) > MAX_MASS_OUTSIDE => {
                    return Err(bad(
                        format!(
                            "the distribution puts {:.2}% of its probability outside the input's allowed range (at most {}% may)",
                            100.0 * d.mass_outside(lo, hi),
                            100.0 * MAX_MASS_OUTSIDE
                        ),
                        format!("{d:?}"),
                        allowed,
                    ));
                }
                _ => {}
            }
            input.set_dist(dist.clone());
        }
        Action::NeverReleaseCapacity => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_matches_wildcards() {
        assert!(glob("scheme.*.effect", "scheme.Reablement.effect"));
        assert!(glob("scheme.*.effect", "scheme.A.b.effect"));
        assert!(!glob("scheme.*.effect", "scheme.Reablement.ramp_years"));
        assert!(glob("demand.growth", "demand.growth"));
        assert!(!glob("demand.growt", "demand.growth"));
        assert!(glob("*", "anything"));
        assert!(glob("costs.cashable_share_*", "costs.cashable_share_long"));
        assert!(glob("*.effect", "scheme.x.effect"));
        assert!(!glob("*.effect", "scheme.x.effects"));
    }
}
