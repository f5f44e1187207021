//! Stress files: many named overlays in TOML, checked like a scenario file.
//!
//! ```toml
//! [[stress]]
//! name = "Effects halved"
//! description = "every scheme avoids half the admissions its plan says"
//!
//! [[stress.op]]
//! select = "scheme.*.effect"
//! scale = 0.5
//! ```
//!
//! Each `[[stress.op]]` has a `select` and exactly one of `scale`, `shift` and `set`, or
//! only `capacity_release = "never"` (see [`super::overlay`]). Unknown keys, a missing or
//! doubled action, a negative or non-finite scale, or a malformed `set` distribution are
//! errors naming the file, line, key and value.

use std::ops::Range;

use serde::Deserialize;
use toml::{Spanned, Value};

use super::overlay::{Action, Op, Origin, Overlay};
use crate::error::{Diagnostic, Opt, Result, did_you_mean, line_column};
use crate::scenario::check::parse_dist;

/// The built-in sceptical review pack (`data/stress/sceptical.toml`).
pub const SCEPTICAL: &str = include_str!("../../../../data/stress/sceptical.toml");

/// The names of the built-in packs.
pub const PACKS: &[&str] = &["sceptical"];

/// The overlays of a built-in pack.
///
/// # Errors
/// [`Error::Input`](crate::Error::Input) for an unknown pack name (with a suggestion).
pub fn pack(name: &str) -> Result<Vec<Overlay>> {
    match name {
        "sceptical" => parse(SCEPTICAL, "sceptical (built-in pack)"),
        other => Err(Diagnostic::for_option(Opt::Pack, "unknown stress pack")
            .value(other.to_string())
            .allowed(PACKS.join(", "))
            .suggestion(did_you_mean(other, PACKS.iter().copied()))
            .into()),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    stress: Vec<Spanned<RawStress>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStress {
    name: Spanned<String>,
    description: Option<String>,
    op: Vec<Spanned<RawOp>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOp {
    select: Option<Spanned<String>>,
    scale: Option<Spanned<f64>>,
    shift: Option<Spanned<f64>>,
    set: Option<Spanned<Value>>,
    capacity_release: Option<Spanned<String>>,
}

const STRESS_KEYS: &[&str] = &["name", "description", "op"];
const OP_KEYS: &[&str] = &["select", "scale", "shift", "set", "capacity_release"];

/// Parse and check a stress file. `origin` names it in messages.
///
/// # Errors
/// [`Error::Input`](crate::Error::Input) with file, line, key and value for malformed
/// TOML, unknown keys (with "did you mean"), an empty file, duplicate stress names, an op
/// without exactly one action, a negative or non-finite scale, a non-finite shift, and a
/// malformed `set` distribution.
pub fn parse(text: &str, origin: &str) -> Result<Vec<Overlay>> {
    let raw: RawFile = toml::from_str(text).map_err(|e| toml_error(text, origin, &e))?;
    let diag = |span: Range<usize>, key: &str, problem: &str| {
        Diagnostic::new(origin, problem)
            .key(key)
            .at(text, Some(span.start))
    };
    if raw.stress.is_empty() {
        return Err(Diagnostic::new(origin, "the file holds no stress")
            .key("stress")
            .allowed("at least one [[stress]] table with a name and [[stress.op]] tables")
            .into());
    }
    let mut out: Vec<Overlay> = Vec::new();
    for st in &raw.stress {
        let r = st.get_ref();
        let name = r.name.get_ref().trim().to_string();
        if name.is_empty() {
            return Err(diag(r.name.span(), "stress.name", "the name is empty").into());
        }
        if out.iter().any(|o| o.name == name) {
            return Err(diag(r.name.span(), "stress.name", "duplicate stress name")
                .value(format!("\"{name}\""))
                .allowed("a name used by one stress only")
                .into());
        }
        if r.op.is_empty() {
            return Err(diag(st.span(), "stress.op", "the stress has no op")
                .value(format!("\"{name}\""))
                .allowed("at least one [[stress.op]] with select and scale, shift or set")
                .into());
        }
        let mut ops = Vec::new();
        for op in &r.op {
            ops.push(check_op(text, origin, op)?);
        }
        out.push(Overlay {
            name,
            description: r.description.clone().unwrap_or_default().trim().to_string(),
            ops,
        });
    }
    Ok(out)
}

fn check_op(text: &str, origin: &str, op: &Spanned<RawOp>) -> Result<Op> {
    let r = op.get_ref();
    let span = op.span();
    let (line, column) = line_column(text, span.start);
    let diag = |span: Range<usize>, key: &str, problem: &str| {
        Diagnostic::new(origin, problem)
            .key(key)
            .at(text, Some(span.start))
    };
    let actions = [
        r.scale.is_some(),
        r.shift.is_some(),
        r.set.is_some(),
        r.capacity_release.is_some(),
    ]
    .iter()
    .filter(|x| **x)
    .count();
    if actions != 1 {
        return Err(diag(span, "stress.op", "an op needs exactly one action")
            .value(format!("{actions} actions"))
            .allowed(
                "select = \"…\" with one of scale = k, shift = s, set = value; or capacity_release = \"never\" alone",
            )
            .into());
    }
    let select = r.select.as_ref().map(|s| s.get_ref().trim().to_string());
    let action = if let Some(c) = &r.capacity_release {
        if c.get_ref() != "never" {
            return Err(
                diag(c.span(), "stress.op.capacity_release", "unknown value")
                    .value(format!("\"{}\"", c.get_ref()))
                    .allowed("\"never\"")
                    .into(),
            );
        }
        if let Some(s) = &r.select {
            return Err(diag(
                s.span(),
                "stress.op.select",
                "capacity_release acts on the scenario, not on selected inputs",
            )
            .allowed("capacity_release = \"never\" without select")
            .into());
        }
        Action::NeverReleaseCapacity
    } else {
        let Some(sel) = &select else {
            return Err(diag(span, "stress.op.select", "missing required key")
                .allowed("select = \"scheme.*.effect\" (an input name, `*` matching any text)")
                .into());
        };
        if sel.is_empty() {
            return Err(diag(span, "stress.op.select", "the selector is empty").into());
        }
        if let Some(k) = &r.scale {
            let x = *k.get_ref();
            if !x.is_finite() || x < 0.0 {
                return Err(diag(k.span(), "stress.op.scale", "value out of range")
                    .value(x.to_string())
                    .allowed("a finite factor ≥ 0 (0.5 halves every draw)")
                    .into());
            }
            Action::Scale(x)
        } else if let Some(d) = &r.shift {
            let x = *d.get_ref();
            if !x.is_finite() {
                return Err(diag(d.span(), "stress.op.shift", "numbers must be finite")
                    .value(x.to_string())
                    .into());
            }
            Action::Shift(x)
        } else if let Some(v) = &r.set {
            Action::Set(parse_dist(
                text,
                origin,
                v.get_ref(),
                v.span(),
                "stress.op.set",
            )?)
        } else {
            return Err(diag(span, "stress.op", "an op needs exactly one action").into());
        }
    };
    Ok(Op {
        select: select.unwrap_or_default(),
        action,
        origin: Origin {
            file: origin.to_string(),
            line: Some(line),
            column: Some(column),
            option: None,
            cell: None,
        },
    })
}

/// A TOML/serde error as a diagnostic, with "did you mean" for unknown keys.
fn toml_error(text: &str, origin: &str, e: &toml::de::Error) -> crate::Error {
    let msg = e.message().trim();
    let mut d = Diagnostic::new(origin, "").at(text, e.span().map(|s| s.start));
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        let field = rest.split('`').next().unwrap_or("");
        let in_op = did_you_mean(field, OP_KEYS.iter().copied());
        let in_stress = did_you_mean(field, STRESS_KEYS.iter().copied());
        let (table, keys, suggestion) = match (in_op, in_stress) {
            (Some(s), _) => ("[[stress.op]]", OP_KEYS.join(", "), Some(s)),
            (None, Some(s)) => ("[[stress]]", STRESS_KEYS.join(", "), Some(s)),
            (None, None) => (
                "a stress file",
                format!(
                    "[[stress]]: {}; [[stress.op]]: {}",
                    STRESS_KEYS.join(", "),
                    OP_KEYS.join(", ")
                ),
                None,
            ),
        };
        d.key = Some(field.to_string());
        d.problem = format!("unknown key in {table}");
        d.allowed = Some(keys);
        d.suggestion = suggestion;
    } else if let Some(rest) = msg.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or("");
        d.key = Some(field.to_string());
        d.problem = "missing required key".into();
    } else {
        d.problem = format!("not a valid stress file: {msg}");
    }
    d.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sceptical_pack_parses() {
        let p = pack("sceptical").unwrap();
        assert!(p.len() >= 7, "six stresses and all together");
        assert!(p.iter().any(|o| o.name.contains("together")));
    }

    #[test]
    fn unknown_pack_suggests() {
        let e = pack("sceptic").unwrap_err().to_string();
        assert!(e.contains("did you mean `sceptical`"), "{e}");
    }

    #[test]
    fn misspelt_key_names_line_and_suggests() {
        let text = "[[stress]]\nname = \"x\"\n[[stress.op]]\nselect = \"a\"\nscales = 2\n";
        let e = parse(text, "s.toml").unwrap_err().to_string();
        assert!(e.starts_with("s.toml:5"), "{e}");
        assert!(e.contains("did you mean `scale`"), "{e}");
    }

    #[test]
    fn two_actions_are_an_error() {
        let text =
            "[[stress]]\nname = \"x\"\n[[stress.op]]\nselect = \"a\"\nscale = 2\nshift = 1\n";
        let e = parse(text, "s.toml").unwrap_err().to_string();
        assert!(e.contains("exactly one action"), "{e}");
    }

    #[test]
    fn negative_scale_is_an_error() {
        let text = "[[stress]]\nname = \"x\"\n[[stress.op]]\nselect = \"a\"\nscale = -2\n";
        let e = parse(text, "s.toml").unwrap_err().to_string();
        assert!(e.contains("s.toml:5") && e.contains("≥ 0"), "{e}");
    }

    #[test]
    fn set_uses_the_scenario_distribution_messages() {
        let text = "[[stress]]\nname = \"x\"\n[[stress.op]]\nselect = \"a\"\nset = { perts = [0, 1, 2] }\n";
        let e = parse(text, "s.toml").unwrap_err().to_string();
        assert!(
            e.contains("unknown distribution form") && e.contains("`pert`"),
            "{e}"
        );
    }
}
