//! `carefund compare … --voi`: the value-of-information analysis of the scenarios as the
//! options of a decision (the library does the work; this parses the options).

use carefund::api::{Group, Value, VoiOptions};

use crate::args::VoiArgs;
use crate::files::BadInput;

fn parse_weights(s: &str) -> anyhow::Result<Vec<f64>> {
    let bad = || {
        BadInput(format!(
            "--weights {s}: expected LO:HI:COUNT with 0 ≤ LO < HI and COUNT from 2 to 201, e.g. 0:5000:21"
        ))
    };
    let parts: Vec<&str> = s.split(':').map(str::trim).collect();
    let [lo, hi, count] = parts.as_slice() else {
        return Err(bad().into());
    };
    let lo: f64 = lo.parse().map_err(|_| bad())?;
    let hi: f64 = hi.parse().map_err(|_| bad())?;
    let count: usize = count.parse().map_err(|_| bad())?;
    if !(lo.is_finite() && hi.is_finite() && lo >= 0.0 && hi > lo && (2..=201).contains(&count)) {
        return Err(bad().into());
    }
    Ok((0..count)
        .map(|k| lo + (hi - lo) * k as f64 / (count - 1) as f64)
        .collect())
}

/// The value-of-information options of `--voi`.
pub fn options(a: &VoiArgs) -> anyhow::Result<VoiOptions> {
    Ok(VoiOptions {
        value: Value::parse(&a.value)?,
        scale: a.scale,
        groups: a
            .group
            .iter()
            .map(|g| Group::parse(g))
            .collect::<carefund::api::Result<_>>()?,
        admission_value: a.admission_value,
        weights: match &a.weights {
            Some(w) => parse_weights(w)?,
            None => Vec::new(),
        },
    })
}
