//! Raw scenario → checked [`Scenario`]: one function per section, one rule per check.
//!
//! Share inputs whose distribution has unbounded support (a normal, a lognormal) are
//! accepted when at most [`MAX_MASS_OUTSIDE`] of their probability lies outside the allowed
//! range; draws are then clamped to the range. More than that is an error, because
//! clamping would pile a visible lump of probability on the boundary.

use std::collections::BTreeSet;
use std::ops::Range;

use nalgebra::DMatrix;
use sha2::{Digest, Sha256};
use toml::{Spanned, Value};

use super::raw::{self, RawFile, RawInput, RawNum};
use super::{
    Basis, ClaimedSavings, Credibility, Discount, Input, Payment, PlanTarget, Ramp, Sampling,
    Scenario, Scheme, idx,
};
use crate::copula::{Built, Copula};
use crate::dist::Dist;
use crate::error::{Diagnostic, Result, did_you_mean};
use crate::time::Timeline;

/// The most probability a distribution may put outside its input's allowed range.
pub const MAX_MASS_OUTSIDE: f64 = 1e-3;

/// The distribution forms of docs/model.md §7.
const FORMS: &[&str] = &[
    "uniform",
    "triangular",
    "pert",
    "normal",
    "lognormal",
    "beta",
    "ci90",
    "bernoulli",
];

const FORMS_HELP: &str = "a number, or one of { uniform = [min, max] }, { triangular = [min, mode, max] }, \
{ pert = [min, mode, max] }, { normal = { mean, sd, min?, max? } }, { lognormal = { median, p90 } }, \
{ lognormal = { mean, sd } }, { beta = { alpha, beta } }, { ci90 = [low, high] }";

/// The range of values the model allows for an input.
#[derive(Clone, Copy)]
pub(crate) struct Bounds {
    pub(crate) lo: f64,
    pub(crate) hi: f64,
    pub(crate) words: &'static str,
}

pub(crate) const SHARE: Bounds = Bounds {
    lo: 0.0,
    hi: 1.0,
    words: "a share between 0 and 1",
};
pub(crate) const EFFECT: Bounds = Bounds {
    lo: -1.0,
    hi: 1.0,
    words: "a share of admissions between -1 and 1 (negative: the scheme adds admissions)",
};
const GROWTH: Bounds = Bounds {
    lo: -0.99,
    hi: 1.0,
    words: "an annual rate between -0.99 and 1 (0.025 means 2.5% a year)",
};
// Inputs that are not shares still get a finite ceiling: an unbounded input (a fixed
// 1e308, or a lognormal whose tail reaches it) would make spend or savings infinite and
// every statistic NaN. The ceilings are far above any real plan.
const UNIT_COST: Bounds = Bounds {
    lo: 0.0,
    hi: 1e7,
    words: "an amount per admission, from 0 to 10,000,000",
};
/// `scheme.<name>.additional_share` (docs/model.md §13).
pub(crate) const ADDITIONAL: Bounds = Bounds {
    lo: 0.0,
    hi: 1.0,
    words: "the share of annual_cost that is new money, from 0 (all of it would have been spent anyway) to 1 (all of it is new; the default)",
};
pub(crate) const RAMP_YEARS: Bounds = Bounds {
    lo: 0.0,
    hi: 100.0,
    words: "years from 0 to 100",
};
pub(crate) const OVERRUN: Bounds = Bounds {
    lo: 0.0,
    hi: 100.0,
    words: "a multiplier on the planned cost from 0 to 100 (1.0 = on budget)",
};

pub(crate) struct Ctx<'a> {
    pub(crate) text: &'a str,
    pub(crate) origin: &'a str,
}

impl Ctx<'_> {
    pub(crate) fn diag(
        &self,
        span: Range<usize>,
        key: &str,
        problem: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::new(self.origin, problem)
            .key(key)
            .at(self.text, Some(span.start))
    }

    pub(crate) fn written(&self, span: &Range<usize>) -> String {
        self.text.get(span.clone()).unwrap_or("").trim().to_string()
    }

    /// A plain number within `[lo, hi]`.
    pub(crate) fn number(
        &self,
        raw: &RawNum,
        key: &str,
        lo: f64,
        hi: f64,
        words: &str,
    ) -> Result<f64> {
        let x = *raw.get_ref();
        if !x.is_finite() {
            return Err(self
                .diag(raw.span(), key, "numbers must be finite")
                .value(self.written(&raw.span()))
                .allowed(format!("{words} (not nan or inf)"))
                .into());
        }
        if x < lo || x > hi {
            // State a large upper limit the words leave unsaid (amounts: £10¹² a year).
            let top = format!("{hi:e}");
            let allowed = if x > hi && hi >= 1e6 && !words.contains(&top) && !words.contains(" to ")
            {
                format!("{words}, at most {top}")
            } else {
                words.to_string()
            };
            return Err(self
                .diag(raw.span(), key, "value out of range")
                .value(self.written(&raw.span()))
                .allowed(allowed)
                .into());
        }
        Ok(x)
    }

    fn optional(&self, raw: Option<&RawNum>, default: f64, key: &str, b: Bounds) -> Result<f64> {
        raw.map_or(Ok(default), |r| self.number(r, key, b.lo, b.hi, b.words))
    }

    /// A number or distribution whose mass lies (almost) inside `bounds`.
    pub(crate) fn input(&self, raw: &RawInput, key: &str, bounds: Bounds) -> Result<Dist> {
        let span = raw.span();
        let dist = self.dist(raw.get_ref(), span.clone(), key)?;
        let bad = |problem: String| {
            self.diag(span.clone(), key, problem)
                .value(self.written(&span))
                .allowed(bounds.words)
        };
        if let Dist::Fixed(x) = dist {
            if x < bounds.lo || x > bounds.hi {
                return Err(bad("value out of range".into()).into());
            }
            return Ok(dist);
        }
        let outside = dist.mass_outside(bounds.lo, bounds.hi);
        // Parameters near the f64 limits can make the mass NaN: refuse rather than let
        // every comparison below pass.
        if outside.is_nan() {
            return Err(bad(
                "the distribution's parameters are too extreme to compute with".into(),
            )
            .into());
        }
        if outside > MAX_MASS_OUTSIDE {
            return Err(bad(format!(
                "the distribution puts {:.2}% of its probability outside the allowed range \
                 (at most {}% may lie outside; give a normal `min`/`max`, or use a bounded form \
                 such as pert, triangular, uniform or beta)",
                100.0 * outside,
                100.0 * MAX_MASS_OUTSIDE
            ))
            .into());
        }
        Ok(dist)
    }

    pub(crate) fn dist(&self, value: &Value, span: Range<usize>, key: &str) -> Result<Dist> {
        let bad = |problem: &str| {
            self.diag(span.clone(), key, problem)
                .value(self.written(&span))
                .allowed(FORMS_HELP)
        };
        match value {
            Value::Integer(_) | Value::Float(_) => {
                let x = self.finite(value, &span, key)?;
                Ok(Dist::Fixed(x))
            }
            Value::Table(t) => {
                if t.len() != 1 {
                    return Err(bad("a distribution table has exactly one form").into());
                }
                let (form, params) = t
                    .iter()
                    .next()
                    .map(|(k, v)| (k.as_str(), v))
                    .ok_or_else(|| bad("a distribution table has exactly one form"))?;
                self.form(form, params, &span, key)
            }
            _ => Err(bad("expected a number or a distribution").into()),
        }
    }

    pub(crate) fn finite(&self, value: &Value, span: &Range<usize>, key: &str) -> Result<f64> {
        let x = match value {
            Value::Integer(i) => *i as f64,
            Value::Float(f) => *f,
            other => {
                return Err(self
                    .diag(
                        span.clone(),
                        key,
                        format!("expected a number, not a {}", other.type_str()),
                    )
                    .value(self.written(span))
                    .allowed("a finite number, without quotes")
                    .into());
            }
        };
        if !x.is_finite() {
            return Err(self
                .diag(span.clone(), key, "numbers must be finite")
                .value(self.written(span))
                .allowed("a finite number (not nan or inf)")
                .into());
        }
        Ok(x)
    }

    fn array(
        &self,
        v: &Value,
        n: usize,
        span: &Range<usize>,
        key: &str,
        shape: &str,
    ) -> Result<Vec<f64>> {
        let wrong = || {
            self.diag(
                span.clone(),
                key,
                format!("expected an array of {n} numbers"),
            )
            .value(self.written(span))
            .allowed(shape.to_string())
        };
        let items = v.as_array().ok_or_else(wrong)?;
        if items.len() != n {
            return Err(wrong().into());
        }
        let values: Vec<f64> = items
            .iter()
            .map(|x| {
                self.finite(x, span, key).map_err(|e| match e {
                    crate::Error::Input(mut d) => {
                        d.allowed = Some(shape.to_string());
                        crate::Error::Input(d)
                    }
                    other => other,
                })
            })
            .collect::<Result<_>>()?;
        // Ends near ±f64::MAX have an infinite width, and every probability computed
        // from them is 0 or NaN (issue 8).
        if let (Some(first), Some(last)) = (values.first(), values.last())
            && !(last - first).is_finite()
        {
            return Err(self
                .diag(span.clone(), key, "the range is too wide to compute with")
                .value(self.written(span))
                .allowed(shape.to_string())
                .into());
        }
        Ok(values)
    }

    fn fields(
        &self,
        v: &Value,
        allowed: &[&str],
        span: &Range<usize>,
        key: &str,
        shape: &str,
    ) -> Result<Vec<Option<f64>>> {
        let table = v.as_table().ok_or_else(|| {
            self.diag(span.clone(), key, "expected an inline table")
                .value(self.written(span))
                .allowed(shape.to_string())
        })?;
        for name in table.keys() {
            if !allowed.contains(&name.as_str()) {
                return Err(self
                    .diag(span.clone(), key, format!("unknown parameter `{name}`"))
                    .allowed(shape.to_string())
                    .suggestion(did_you_mean(name, allowed.iter().copied()))
                    .into());
            }
        }
        allowed
            .iter()
            .map(|name| {
                table
                    .get(*name)
                    .map(|x| self.finite(x, span, key))
                    .transpose()
            })
            .collect()
    }

    fn form(&self, form: &str, v: &Value, span: &Range<usize>, key: &str) -> Result<Dist> {
        let rule = |problem: &str, shape: &str| -> crate::Error {
            self.diag(span.clone(), key, problem)
                .value(self.written(span))
                .allowed(shape.to_string())
                .into()
        };
        match form {
            "uniform" => {
                let shape = "{ uniform = [min, max] } with min < max";
                let a = self.array(v, 2, span, key, shape)?;
                if a[0] >= a[1] {
                    return Err(rule("min must be below max", shape));
                }
                Ok(Dist::Uniform {
                    min: a[0],
                    max: a[1],
                })
            }
            "triangular" | "pert" => {
                let shape = if form == "pert" {
                    "{ pert = [min, mode, max] } with min ≤ mode ≤ max and min < max"
                } else {
                    "{ triangular = [min, mode, max] } with min ≤ mode ≤ max and min < max"
                };
                let a = self.array(v, 3, span, key, shape)?;
                let (min, mode, max) = (a[0], a[1], a[2]);
                if min >= max {
                    return Err(rule("min must be below max", shape));
                }
                if mode < min || mode > max {
                    return Err(rule("the mode must lie between min and max", shape));
                }
                if form == "pert" {
                    Dist::pert(min, mode, max).ok_or_else(|| rule("invalid PERT parameters", shape))
                } else {
                    Ok(Dist::Triangular { min, mode, max })
                }
            }
            "ci90" => {
                let shape =
                    "{ ci90 = [low, high] } with low < high (lognormal if low > 0, else normal)";
                let a = self.array(v, 2, span, key, shape)?;
                if a[0] >= a[1] {
                    return Err(rule("low must be below high", shape));
                }
                Ok(Dist::ci90(a[0], a[1]))
            }
            "normal" => self.normal(v, span, key),
            "lognormal" => self.lognormal(v, span, key),
            "beta" => {
                // Outside [0.001, 10000] statrs' Beta inverse CDF can loop for minutes
                // or panic (issue 8, found by the fuzz test); no real input needs more.
                let shape = "{ beta = { alpha = a, beta = b } } with a and b from 0.001 to 10000";
                let f = self.fields(v, &["alpha", "beta"], span, key, shape)?;
                let ok = |x: f64| (1e-3..=1e4).contains(&x);
                match (f[0], f[1]) {
                    (Some(a), Some(b)) if ok(a) && ok(b) => statrs::distribution::Beta::new(a, b)
                        .map(|beta| Dist::Beta { beta })
                        .map_err(|_| rule("invalid beta parameters", shape)),
                    _ => Err(rule(
                        "needs alpha and beta, each from 0.001 to 10000",
                        shape,
                    )),
                }
            }
            "bernoulli" => {
                let shape = "{ bernoulli = p } with 0 ≤ p ≤ 1";
                let p = self.finite(v, span, key)?;
                if !(0.0..=1.0).contains(&p) {
                    return Err(rule("p must lie between 0 and 1", shape));
                }
                Ok(bernoulli(p))
            }
            other => Err(self
                .diag(
                    span.clone(),
                    key,
                    format!("unknown distribution form `{other}`"),
                )
                .allowed(FORMS_HELP)
                .suggestion(did_you_mean(other, FORMS.iter().copied()))
                .into()),
        }
    }

    /// `{ normal = { mean, sd, min?, max? } }`: truncated when bounded; `sd = 0` is fixed.
    fn normal(&self, v: &Value, span: &Range<usize>, key: &str) -> Result<Dist> {
        let rule = |problem: &str, shape: &str| -> crate::Error {
            self.diag(span.clone(), key, problem)
                .value(self.written(span))
                .allowed(shape.to_string())
                .into()
        };
        let shape = "{ normal = { mean = m, sd = s } } with s ≥ 0, optional min < max";
        let f = self.fields(v, &["mean", "sd", "min", "max"], span, key, shape)?;
        let (Some(mean), Some(sd)) = (f[0], f[1]) else {
            return Err(rule("a normal needs `mean` and `sd`", shape));
        };
        let (min, max) = (
            f[2].unwrap_or(f64::NEG_INFINITY),
            f[3].unwrap_or(f64::INFINITY),
        );
        if sd < 0.0 {
            return Err(rule("sd must not be negative", shape));
        }
        if min >= max {
            return Err(rule("min must be below max", shape));
        }
        if sd == 0.0 {
            if mean < min || mean > max {
                return Err(rule(
                    "with sd = 0 the mean must lie between min and max",
                    shape,
                ));
            }
            return Ok(Dist::Fixed(mean));
        }
        let mass =
            crate::dist::std_cdf((max - mean) / sd) - crate::dist::std_cdf((min - mean) / sd);
        if mass < 1e-9 {
            return Err(rule(
                "[min, max] holds no probability of this normal",
                shape,
            ));
        }
        Ok(Dist::Normal { mean, sd, min, max })
    }

    /// `{ lognormal = { median, p90 } }` or `{ lognormal = { mean, sd } }`.
    fn lognormal(&self, v: &Value, span: &Range<usize>, key: &str) -> Result<Dist> {
        let rule = |problem: &str, shape: &str| -> crate::Error {
            self.diag(span.clone(), key, problem)
                .value(self.written(span))
                .allowed(shape.to_string())
                .into()
        };
        let shape = "{ lognormal = { median = m, p90 = q } } with 0 < m < q, or { lognormal = { mean = m, sd = s } } with m > 0, s > 0";
        let f = self.fields(v, &["median", "p90", "mean", "sd"], span, key, shape)?;
        match (f[0], f[1], f[2], f[3]) {
            (Some(median), Some(p90), None, None) => {
                if median <= 0.0 || p90 <= median {
                    return Err(rule("needs 0 < median < p90", shape));
                }
                Ok(Dist::lognormal_median_p90(median, p90))
            }
            (None, None, Some(mean), Some(sd)) => {
                if mean <= 0.0 || sd <= 0.0 {
                    return Err(rule("needs mean > 0 and sd > 0", shape));
                }
                Ok(Dist::lognormal_mean_sd(mean, sd))
            }
            _ => Err(rule(
                "give either `median` and `p90`, or `mean` and `sd`",
                shape,
            )),
        }
    }

    fn choice(&self, raw: &Spanned<String>, key: &str, options: &[&str]) -> Result<usize> {
        options
            .iter()
            .position(|o| o == raw.get_ref())
            .ok_or_else(|| {
                self.diag(raw.span(), key, "unknown value")
                    .value(format!("\"{}\"", raw.get_ref()))
                    .allowed(
                        options
                            .iter()
                            .map(|o| format!("\"{o}\""))
                            .collect::<Vec<_>>()
                            .join(" or "),
                    )
                    .suggestion(did_you_mean(raw.get_ref(), options.iter().copied()))
                    .into()
            })
    }
}

pub(crate) fn bernoulli(p: f64) -> Dist {
    if p <= 0.0 || p >= 1.0 {
        Dist::Fixed(p)
    } else {
        Dist::Bernoulli(p)
    }
}

/// Parse and check a scenario: one function per table, in file order (so a file with
/// several mistakes reports the first).
pub(super) fn load(text: &str, origin: &str) -> Result<Scenario> {
    let raw: RawFile = toml::from_str(text).map_err(|e| toml_error(text, origin, &e))?;
    let ctx = &Ctx { text, origin };
    let header = scenario_table(ctx, raw.scenario.get_ref())?;
    let horizon = header.timeline.horizon_years();
    let amounts = amounts(ctx, &raw)?;
    let mut inputs = base_inputs(ctx, &raw)?;
    let (plan, minimum_ambition, claimed_savings) = plan_table(ctx, &raw.plan, horizon)?;
    let p4p = p4p_table(ctx, &raw)?;
    let schemes = scheme_tables(ctx, &raw, horizon, &mut inputs)?;
    debug_assert_eq!(
        inputs.len(),
        idx::SCHEME_BASE + idx::PER_SCHEME * schemes.len()
    );

    // [[correlation]]
    let mut notes = Vec::new();
    let copula = correlations(ctx, &raw.correlation, &inputs, &mut notes)?;

    // [credibility]
    let credibility = credibility(ctx, raw.credibility.as_ref())?;

    Ok(Scenario {
        name: header.name,
        description: raw.scenario.get_ref().description.clone(),
        origin: origin.to_string(),
        hash: hex_sha256(text.as_bytes()),
        timeline: header.timeline,
        payment: header.payment,
        sampling: header.sampling,
        pooled: amounts.pooled,
        contingency_share: amounts.contingency_share,
        baseline_admissions: amounts.baseline_admissions,
        variability: amounts.variability,
        count_noise: raw.demand.get_ref().count_noise.unwrap_or(true),
        tariff: amounts.tariff,
        capacity_release_years: amounts.capacity_release_years,
        plan,
        minimum_ambition,
        claimed_savings,
        currency: header.currency,
        p4p,
        schemes,
        inputs,
        copula,
        credibility,
        notes,
        optimism_bias_set: raw.costs.get_ref().optimism_bias.is_some(),
    })
}

/// What `[scenario]` sets.
struct Header {
    name: String,
    timeline: Timeline,
    payment: Payment,
    sampling: Sampling,
    currency: crate::fmt::Currency,
}

/// `[scenario]`: name, horizon, periods, discounting, payment, sampling and currency.
fn scenario_table(ctx: &Ctx<'_>, s: &raw::RawScenario) -> Result<Header> {
    let name = s.name.get_ref().trim().to_string();
    if name.is_empty() {
        return Err(ctx
            .diag(s.name.span(), "scenario.name", "the name is empty")
            .allowed("a non-empty string")
            .into());
    }
    ctx.name_chars(s.name.span(), "scenario.name", &name)?;
    let int_in = |v: &Spanned<i64>, key: &str, lo: i64, hi: i64, words: &str| -> Result<i64> {
        let x = *v.get_ref();
        if x < lo || x > hi {
            return Err(ctx
                .diag(v.span(), key, "value out of range")
                .value(x.to_string())
                .allowed(words)
                .into());
        }
        Ok(x)
    };
    let start_year = int_in(
        &s.start_year,
        "scenario.start_year",
        1900,
        2200,
        "a year from 1900 to 2200 (2015 means 2015/16)",
    )? as i32;
    let horizon = int_in(
        &s.horizon_years,
        "scenario.horizon_years",
        1,
        60,
        "a whole number of years from 1 to 60",
    )? as u32;
    let per_year = match &s.periods_per_year {
        None => 4,
        Some(p) => {
            if ![1, 2, 4, 12].contains(p.get_ref()) {
                return Err(ctx
                    .diag(
                        p.span(),
                        "scenario.periods_per_year",
                        "unsupported number of periods per year",
                    )
                    .value(p.get_ref().to_string())
                    .allowed("1 (years), 2 (halves), 4 (quarters) or 12 (months)")
                    .into());
            }
            *p.get_ref() as u32
        }
    };
    let discount = discount(ctx, s.discount.as_ref())?;
    let payment = match &s.payment {
        None => Payment::Tariff,
        Some(p) => [Payment::Tariff, Payment::Capitation]
            [ctx.choice(p, "scenario.payment", &["tariff", "capitation"])?],
    };
    let sampling = match &s.sampling {
        None => Sampling::MonteCarlo,
        Some(v) => [Sampling::MonteCarlo, Sampling::LatinHypercube]
            [ctx.choice(v, "scenario.sampling", &["monte-carlo", "lhs"])?],
    };
    let currency = currency(ctx, s.currency.as_ref())?;
    Ok(Header {
        name,
        timeline: Timeline::new(start_year, horizon, per_year, discount),
        payment,
        sampling,
        currency,
    })
}

/// `scenario.discount`: an annual rate or `"green-book"` (default 3.5%).
fn discount(ctx: &Ctx<'_>, d: Option<&Spanned<Value>>) -> Result<Discount> {
    Ok(match d {
        None => Discount::Constant(0.035),
        Some(d) => {
            match d.get_ref() {
                Value::String(s) if s == "green-book" => Discount::GreenBook,
                Value::Integer(_) | Value::Float(_) => {
                    let r = ctx.finite(d.get_ref(), &d.span(), "scenario.discount")?;
                    if !(0.0..=0.5).contains(&r) {
                        return Err(ctx
                    .diag(d.span(), "scenario.discount", "value out of range")
                    .value(ctx.written(&d.span()))
                    .allowed("an annual real rate from 0 to 0.5 (0.035 = 3.5%), or \"green-book\"")
                    .into());
                    }
                    Discount::Constant(r)
                }
                other => {
                    let suggestion = other.as_str().and_then(|s| did_you_mean(s, ["green-book"]));
                    return Err(ctx
                        .diag(d.span(), "scenario.discount", "unknown discounting")
                        .value(ctx.written(&d.span()))
                        .allowed("an annual real rate such as 0.035, or \"green-book\"")
                        .suggestion(suggestion)
                        .into());
                }
            }
        }
    })
}

/// The fixed amounts of `[fund]`, `[demand]` and `[costs]`.
struct Amounts {
    pooled: f64,
    contingency_share: f64,
    baseline_admissions: f64,
    variability: f64,
    tariff: f64,
    capacity_release_years: f64,
}

/// `[fund]`, `[demand]`, `[costs]`: the fixed amounts, in file order.
fn amounts(ctx: &Ctx<'_>, raw: &RawFile) -> Result<Amounts> {
    let fund = raw.fund.get_ref();
    let pooled = ctx.number(
        &fund.pooled,
        "fund.pooled",
        0.0,
        1e13,
        "an amount a year, from 0 to 10,000,000,000,000 (1e13)",
    )?;
    let contingency_share = ctx.optional(
        fund.contingency_share.as_ref(),
        0.0,
        "fund.contingency_share",
        SHARE,
    )?;
    let demand = raw.demand.get_ref();
    let baseline_admissions = ctx.number(
        &demand.baseline_admissions,
        "demand.baseline_admissions",
        f64::MIN_POSITIVE,
        1e9,
        "admissions a year, > 0 and at most 1e9",
    )?;
    let variability = ctx.optional(
        demand.variability.as_ref(),
        0.0,
        "demand.variability",
        Bounds {
            lo: 0.0,
            hi: 2.0,
            words: "a standard deviation from 0 to 2 (0.03 = 3%)",
        },
    )?;
    let costs = raw.costs.get_ref();
    let tariff = ctx.number(
        &costs.tariff,
        "costs.tariff",
        0.0,
        1e7,
        "an amount per admission, from 0 to 10,000,000",
    )?;
    let capacity_release_years = ctx.number(
        &costs.capacity_release_years,
        "costs.capacity_release_years",
        0.0,
        100.0,
        "years from 0 to 100",
    )?;

    Ok(Amounts {
        pooled,
        contingency_share,
        baseline_admissions,
        variability,
        tariff,
        capacity_release_years,
    })
}

/// The uncertain inputs of `[fund]`, `[demand]` and `[costs]`, in the order of
/// [`idx`] (before the schemes').
fn base_inputs(ctx: &Ctx<'_>, raw: &RawFile) -> Result<Vec<Input>> {
    let (fund, demand, costs) = (
        raw.fund.get_ref(),
        raw.demand.get_ref(),
        raw.costs.get_ref(),
    );
    Ok(vec![
        Input::new(
            "demand.growth",
            ctx.input(
                demand.growth.as_ref().unwrap_or(&fixed(0.0)),
                "demand.growth",
                GROWTH,
            )?,
            GROWTH,
        ),
        Input::new(
            "costs.unit_cost",
            ctx.input(&costs.unit_cost, "costs.unit_cost", UNIT_COST)?,
            UNIT_COST,
        ),
        Input::new(
            "costs.cashable_share_short",
            ctx.input(
                &costs.cashable_share_short,
                "costs.cashable_share_short",
                SHARE,
            )?,
            SHARE,
        ),
        Input::new(
            "costs.cashable_share_long",
            ctx.input(
                &costs.cashable_share_long,
                "costs.cashable_share_long",
                SHARE,
            )?,
            SHARE,
        ),
        Input::new(
            "fund.uplift",
            ctx.input(
                fund.uplift.as_ref().unwrap_or(&fixed(0.0)),
                "fund.uplift",
                GROWTH,
            )?,
            GROWTH,
        ),
        Input::new(
            "costs.optimism_bias",
            optimism_bias(ctx, costs.optimism_bias.as_ref())?,
            OPTIMISM_BIAS,
        ),
    ])
}

/// A fixed value where an input may be written (the default of an optional input).
fn fixed(v: f64) -> RawInput {
    Spanned::new(0..0, Value::Float(v))
}

/// `[plan]`: the target, the minimum ambition and the claimed savings.
fn plan_table(
    ctx: &Ctx<'_>,
    raw_plan: &Spanned<raw::RawPlan>,
    horizon: u32,
) -> Result<(PlanTarget, Option<f64>, Option<ClaimedSavings>)> {
    let plan_raw = raw_plan.get_ref();
    let plan = match (&plan_raw.target_reduction, &plan_raw.avoided_admissions) {
        (Some(t), None) => {
            PlanTarget::Reduction(ctx.number(t, "plan.target_reduction", 0.0, 1.0, SHARE.words)?)
        }
        (None, Some(list)) => {
            if list.get_ref().len() != horizon as usize {
                return Err(ctx
                    .diag(
                        list.span(),
                        "plan.avoided_admissions",
                        "wrong number of years",
                    )
                    .value(format!("{} figures", list.get_ref().len()))
                    .allowed(format!("one figure per year of the horizon ({horizon})"))
                    .into());
            }
            let per_year = list
                .get_ref()
                .iter()
                .map(|x| {
                    ctx.number(
                        x,
                        "plan.avoided_admissions",
                        0.0,
                        1e9,
                        "admissions a year, ≥ 0",
                    )
                })
                .collect::<Result<Vec<_>>>()?;
            PlanTarget::PerYear(per_year)
        }
        _ => {
            return Err(ctx
                .diag(
                    raw_plan.span(),
                    "plan",
                    "give exactly one of `target_reduction` and `avoided_admissions`",
                )
                .allowed("target_reduction = 0.035, or avoided_admissions = [one figure per year]")
                .into());
        }
    };
    let minimum_ambition = plan_raw
        .minimum_ambition
        .as_ref()
        .map(|m| ctx.number(m, "plan.minimum_ambition", 0.0, 1.0, SHARE.words))
        .transpose()?;
    let claimed_savings = plan_raw
        .claimed_savings
        .as_ref()
        .map(|c| claimed_savings(ctx, c, horizon as usize))
        .transpose()?;
    Ok((plan, minimum_ambition, claimed_savings))
}

/// `[p4p]`: the value per admission and the share at risk.
fn p4p_table(ctx: &Ctx<'_>, raw: &RawFile) -> Result<Option<(f64, Option<f64>)>> {
    raw.p4p
        .as_ref()
        .map(|p| -> Result<(f64, Option<f64>)> {
            let p = p.get_ref();
            let value = ctx.number(
                &p.value_per_admission,
                "p4p.value_per_admission",
                0.0,
                1e7,
                "an amount per admission, from 0 to 10,000,000",
            )?;
            let share = p
                .share
                .as_ref()
                .map(|s| ctx.number(s, "p4p.share", 0.0, 1.0, SHARE.words))
                .transpose()?;
            Ok((value, share))
        })
        .transpose()
}

/// `[[scheme]]`: every scheme, its uncertain inputs appended to `inputs`.
fn scheme_tables(
    ctx: &Ctx<'_>,
    raw: &RawFile,
    horizon: u32,
    inputs: &mut Vec<Input>,
) -> Result<Vec<Scheme>> {
    let raw_schemes = match &raw.scheme {
        Some(list) if !list.get_ref().is_empty() => list.get_ref(),
        _ => {
            let at = raw
                .scheme
                .as_ref()
                .map_or(ctx.text.len(), |l| l.span().start);
            return Err(Diagnostic::new(ctx.origin, "the scenario has no schemes")
                .key("scheme")
                .at(ctx.text, Some(at))
                .allowed("at least one [[scheme]] table with name, annual_cost and effect")
                .into());
        }
    };
    let mut schemes = Vec::with_capacity(raw_schemes.len());
    let mut seen: Vec<(String, usize)> = Vec::new();
    for sp in raw_schemes {
        schemes.push(scheme(ctx, sp.get_ref(), horizon, &mut seen, inputs)?);
    }
    Ok(schemes)
}

/// One `[[scheme]]` table (`seen`: the names before it, with where they were written).
fn scheme(
    ctx: &Ctx<'_>,
    r: &raw::RawScheme,
    horizon: u32,
    seen: &mut Vec<(String, usize)>,
    inputs: &mut Vec<Input>,
) -> Result<Scheme> {
    let h = f64::from(horizon);
    let name = r.name.get_ref().trim().to_string();
    if name.is_empty() || name.contains('*') {
        return Err(ctx
            .diag(r.name.span(), "scheme.name", "invalid scheme name")
            .value(format!("\"{}\"", r.name.get_ref()))
            .allowed("a non-empty name without `*` (reserved for wildcards)")
            .into());
    }
    ctx.name_chars(r.name.span(), "scheme.name", &name)?;
    if let Some((_, at)) = seen.iter().find(|(n, _)| *n == name) {
        let (line, _) = crate::error::line_column(ctx.text, *at);
        return Err(ctx
            .diag(
                r.name.span(),
                "scheme.name",
                format!("duplicate scheme name (first used on line {line})"),
            )
            .value(format!("\"{name}\""))
            .allowed("a name used by one scheme only")
            .into());
    }
    seen.push((name.clone(), r.name.span().start));
    let key = |k: &str| format!("scheme.{name}.{k}");
    let annual_cost = ctx.number(
        &r.annual_cost,
        &key("annual_cost"),
        0.0,
        1e12,
        "an amount a year, from 0 to 1,000,000,000,000 (1e12)",
    )?;
    let nhs_share = match &r.funder {
        None => 1.0,
        Some(f) => funder(ctx, f, &key("funder"))?,
    };
    let start = ctx.number(
        r.start.as_ref().unwrap_or(&Spanned::new(0..0, 0.0)),
        &key("start"),
        0.0,
        h - f64::EPSILON * h,
        &format!("years after the start, from 0 to below the horizon ({horizon})"),
    )?;
    let end = match &r.end {
        None => h,
        Some(e) => ctx.number(
            e,
            &key("end"),
            start + f64::EPSILON,
            f64::MAX,
            &format!("years after the start, above `start` ({start})"),
        )?,
    };
    let ramp = match &r.ramp {
        None => Ramp::Linear,
        Some(x) => {
            [Ramp::Linear, Ramp::SCurve][ctx.choice(x, &key("ramp"), &["linear", "s-curve"])?]
        }
    };
    let decay = ctx.optional(
        r.decay.as_ref(),
        0.0,
        &key("decay"),
        Bounds {
            lo: 0.0,
            hi: 1.0 - 1e-12,
            words: "a share lost per year, from 0 up to (not including) 1",
        },
    )?;
    let success = success_probability(ctx, r.success_probability.as_ref(), &key)?;
    let one = fixed(1.0);
    let zero = fixed(0.0);
    let checked = |k: &str, raw: &RawInput, bounds: Bounds| -> Result<Input> {
        Ok(Input::new(
            &key(k),
            ctx.input(raw, &key(k), bounds)?,
            bounds,
        ))
    };
    inputs.push(checked("effect", &r.effect, EFFECT)?);
    let ramp_years = r.ramp_years.as_ref().unwrap_or(&zero);
    inputs.push(checked("ramp_years", ramp_years, RAMP_YEARS)?);
    inputs.push(Input::new(&key("success_probability"), success, SHARE));
    let overrun = r.cost_overrun.as_ref().unwrap_or(&one);
    inputs.push(checked("cost_overrun", overrun, OVERRUN)?);
    let additional = r.additional_share.as_ref().unwrap_or(&one);
    inputs.push(checked("additional_share", additional, ADDITIONAL)?);
    Ok(Scheme {
        name,
        annual_cost,
        nhs_share,
        start,
        end,
        ramp,
        decay,
        persists_after_end: r.persists_after_end.unwrap_or(false),
        kind: r.kind.as_ref().map(|k| {
            let (line, column) = crate::error::line_column(ctx.text, k.span().start);
            (
                k.get_ref().trim().to_string(),
                Some(super::Written::Line(line, column)),
            )
        }),
        additional_share_set: r.additional_share.is_some(),
    })
}

/// `scheme.*.success_probability`: a probability or `{ bernoulli = p }` (default 1).
fn success_probability(
    ctx: &Ctx<'_>,
    raw: Option<&RawInput>,
    key: &dyn Fn(&str) -> String,
) -> Result<Dist> {
    Ok(match raw {
        None => Dist::Fixed(1.0),
        Some(v) => match v.get_ref() {
            Value::Integer(_) | Value::Float(_) => {
                let p = ctx.finite(v.get_ref(), &v.span(), &key("success_probability"))?;
                if !(0.0..=1.0).contains(&p) {
                    return Err(ctx
                        .diag(v.span(), &key("success_probability"), "value out of range")
                        .value(ctx.written(&v.span()))
                        .allowed("a probability from 0 to 1")
                        .into());
                }
                bernoulli(p)
            }
            _ => match ctx.dist(v.get_ref(), v.span(), &key("success_probability"))? {
                d @ (Dist::Bernoulli(_) | Dist::Fixed(_)) => d,
                _ => {
                    return Err(ctx
                        .diag(
                            v.span(),
                            &key("success_probability"),
                            "a success probability is a plain probability",
                        )
                        .value(ctx.written(&v.span()))
                        .allowed("a number from 0 to 1, or { bernoulli = p }")
                        .into());
                }
            },
        },
    })
}

/// `costs.optimism_bias` (docs/model.md §11): a number, a distribution, or `"green-book-opex"`.
fn optimism_bias(ctx: &Ctx<'_>, raw: Option<&RawInput>) -> Result<Dist> {
    const KEY: &str = "costs.optimism_bias";
    match raw {
        None => Ok(Dist::Fixed(0.0)),
        Some(r) => match r.get_ref() {
            Value::String(s) if s == GREEN_BOOK_OPEX => Ok(green_book_opex()),
            Value::String(s) => Err(ctx
                .diag(r.span(), KEY, "unknown optimism bias")
                .value(format!("\"{s}\""))
                .allowed(OPTIMISM_BIAS_HELP)
                .suggestion(did_you_mean(s, [GREEN_BOOK_OPEX]))
                .into()),
            _ => ctx.input(r, KEY, OPTIMISM_BIAS),
        },
    }
}

/// The name of the Green Book range for operating costs in scenario files.
pub(crate) const GREEN_BOOK_OPEX: &str = "green-book-opex";

const OPTIMISM_BIAS_HELP: &str = "an uplift b ≥ 0 on scheme costs (0.2 = +20%), a distribution, \
or \"green-book-opex\" (uniform on [0, 0.41], the Green Book's range for outsourcing/operating costs)";

const OPTIMISM_BIAS: Bounds = Bounds {
    lo: 0.0,
    hi: 10.0,
    words: OPTIMISM_BIAS_HELP,
};

/// Uniform on [0, 0.41]: the HM Treasury Green Book's optimism-bias range for
/// outsourcing (operating cost) projects (data/README.md "Optimism bias").
pub(crate) fn green_book_opex() -> Dist {
    Dist::Uniform {
        min: 0.0,
        max: 0.41,
    }
}

impl Input {
    fn new(name: &str, dist: Dist, bounds: Bounds) -> Self {
        Self {
            name: name.to_string(),
            dist,
            lo: bounds.lo,
            hi: bounds.hi,
            scale: 1.0,
            shift: 0.0,
        }
    }
}

fn funder(ctx: &Ctx<'_>, f: &Spanned<Value>, key: &str) -> Result<f64> {
    let allowed =
        "\"nhs\", \"council\", or { nhs = share, council = share } with shares summing to 1";
    let bad = |problem: &str| -> crate::Error {
        ctx.diag(f.span(), key, problem)
            .value(ctx.written(&f.span()))
            .allowed(allowed)
            .into()
    };
    match f.get_ref() {
        Value::String(s) if s == "nhs" => Ok(1.0),
        Value::String(s) if s == "council" => Ok(0.0),
        Value::String(s) => Err(ctx
            .diag(f.span(), key, "unknown funder")
            .value(format!("\"{s}\""))
            .allowed(allowed)
            .suggestion(did_you_mean(s, ["nhs", "council"]))
            .into()),
        Value::Table(t) => {
            let f = ctx.fields(f.get_ref(), &["nhs", "council"], &f.span(), key, allowed)?;
            let (nhs, council) = (f[0].unwrap_or(0.0), f[1].unwrap_or(0.0));
            if t.is_empty() || nhs < 0.0 || council < 0.0 || (nhs + council - 1.0).abs() > 1e-9 {
                return Err(bad("funding shares must be ≥ 0 and sum to 1"));
            }
            Ok(nhs)
        }
        _ => Err(bad("expected a funder")),
    }
}

fn correlations(
    ctx: &Ctx<'_>,
    raw: &[Spanned<raw::RawCorrelation>],
    inputs: &[Input],
    notes: &mut Vec<String>,
) -> Result<Option<Copula>> {
    if raw.is_empty() {
        return Ok(None);
    }
    let names: Vec<&str> = inputs.iter().map(|i| i.name.as_str()).collect();
    let mut pairs: Vec<(usize, usize, f64)> = Vec::new();
    let mut repair = false;
    for c in raw {
        let c = c.get_ref();
        let list = c.inputs.get_ref();
        if list.len() != 2 {
            return Err(ctx
                .diag(
                    c.inputs.span(),
                    "correlation.inputs",
                    "a correlation names exactly two inputs",
                )
                .value(format!("{} names", list.len()))
                .allowed("inputs = [\"scheme.<name>.effect\", \"costs.unit_cost\"]")
                .into());
        }
        let mut ix = [0usize; 2];
        for (k, name) in list.iter().enumerate() {
            ix[k] = correlated_input(ctx, inputs, &names, name)?;
        }
        if ix[0] == ix[1] {
            return Err(ctx
                .diag(
                    c.inputs.span(),
                    "correlation.inputs",
                    "an input cannot be correlated with itself",
                )
                .into());
        }
        let (a, b) = (ix[0].min(ix[1]), ix[0].max(ix[1]));
        if pairs.iter().any(|&(x, y, _)| x == a && y == b) {
            return Err(ctx
                .diag(
                    c.inputs.span(),
                    "correlation.inputs",
                    "this pair is correlated twice",
                )
                .value(format!("\"{}\" and \"{}\"", names[a], names[b]))
                .into());
        }
        let rank = ctx.number(
            &c.rank,
            "correlation.rank",
            -1.0,
            1.0,
            "a rank correlation from -1 to 1",
        )?;
        pairs.push((a, b, rank));
        repair |= c.repair.unwrap_or(false);
    }
    let members: Vec<usize> = pairs
        .iter()
        .flat_map(|&(a, b, _)| [a, b])
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let n = members.len();
    let pos = |i: usize| members.iter().position(|&m| m == i).unwrap_or(0);
    let mut m = DMatrix::identity(n, n);
    for &(a, b, r) in &pairs {
        m[(pos(a), pos(b))] = r;
        m[(pos(b), pos(a))] = r;
    }
    let first = raw[0].span();
    match Copula::build(members, &m, repair) {
        Built::Ok(copula, moved) => {
            if moved > 0.0 {
                notes.push(format!(
                    "the correlation matrix was not positive definite and was repaired to the nearest \
                     valid one (repair = true): rank correlations moved by at most {moved:.3}"
                ));
            }
            Ok(Some(copula))
        }
        Built::NotPositiveDefinite {
            min_eigenvalue,
            culprits,
        } => {
            let who: Vec<String> = culprits
                .iter()
                .map(|&i| format!("`{}`", names[i]))
                .collect();
            Err(ctx
                .diag(first, "correlation", "the correlations cannot all hold at once (the matrix is not positive definite)")
                .value(format!("smallest eigenvalue {min_eigenvalue:.4}; inputs involved: {}", who.join(", ")))
                .allowed("a consistent set of rank correlations, or `repair = true` on a [[correlation]] to use the nearest valid matrix")
                .into())
        }
    }
}

/// The index of the input a `[[correlation]]` names: one with a distribution.
fn correlated_input(
    ctx: &Ctx<'_>,
    inputs: &[Input],
    names: &[&str],
    name: &Spanned<String>,
) -> Result<usize> {
    let i = names
        .iter()
        .position(|n| *n == name.get_ref())
        .ok_or_else(|| {
            ctx.diag(name.span(), "correlation.inputs", "unknown input")
                .value(format!("\"{}\"", name.get_ref()))
                .allowed(
                    "an uncertain input of this scenario: ".to_string()
                        + &uncertain_names(inputs, name.get_ref()).join(", "),
                )
                .suggestion(did_you_mean(name.get_ref(), names.iter().copied()))
        })?;
    if inputs[i].is_fixed() {
        return Err(ctx
            .diag(
                name.span(),
                "correlation.inputs",
                "this input is fixed, so it cannot be correlated",
            )
            .value(format!("\"{}\"", name.get_ref()))
            .allowed(
                "an input with a distribution: ".to_string()
                    + &uncertain_names(inputs, name.get_ref()).join(", "),
            )
            .into());
    }
    Ok(i)
}

/// The uncertain inputs' names, quoted, closest to `near` first; at most ten, then how
/// many more (a scenario of 500 schemes has 2,000 of them).
fn uncertain_names(inputs: &[Input], near: &str) -> Vec<String> {
    let mut names: Vec<&str> = inputs
        .iter()
        .filter(|i| !i.dist.is_fixed())
        .map(|i| i.name.as_str())
        .collect();
    names.sort_by_key(|n| crate::error::levenshtein(near, n));
    let mut out: Vec<String> = names.iter().take(10).map(|n| format!("\"{n}\"")).collect();
    if names.len() > 10 {
        out.push(format!("… and {} more", names.len() - 10));
    }
    out
}

/// `scenario.currency` (docs/model.md §14): an ISO 4217 code, GBP when absent.
fn currency(ctx: &Ctx<'_>, raw: Option<&Spanned<String>>) -> Result<crate::fmt::Currency> {
    let Some(c) = raw else {
        return Ok(crate::fmt::Currency::default());
    };
    let code = c.get_ref().trim();
    crate::fmt::Currency::from_code(code)
        .or_else(|| crate::fmt::Currency::from_code(&code.to_ascii_uppercase()))
        .ok_or_else(|| {
            ctx.diag(c.span(), "scenario.currency", "unknown currency code")
                .value(format!("\"{}\"", c.get_ref()))
                .allowed("an ISO 4217 code such as \"GBP\" (the default), \"EUR\" or \"USD\"")
                .into()
        })
}

/// `plan.claimed_savings` (docs/model.md §13): £ a year, one number or one per year.
fn claimed_savings(ctx: &Ctx<'_>, raw: &Spanned<Value>, horizon: usize) -> Result<ClaimedSavings> {
    const KEY: &str = "plan.claimed_savings";
    let words = "an amount a year ≥ 0 (at most 1e13), or an array of one such amount per year of the horizon";
    let amount = |v: &Value| -> Result<f64> {
        let x = ctx.finite(v, &raw.span(), KEY).map_err(|e| match e {
            crate::Error::Input(mut d) => {
                d.allowed = Some(words.into());
                crate::Error::Input(d)
            }
            other => other,
        })?;
        if !(0.0..=1e13).contains(&x) {
            return Err(ctx
                .diag(raw.span(), KEY, "value out of range")
                .value(ctx.written(&raw.span()))
                .allowed(words)
                .into());
        }
        Ok(x)
    };
    match raw.get_ref() {
        Value::Array(items) => {
            if items.len() != horizon {
                return Err(ctx
                    .diag(raw.span(), KEY, "wrong number of years")
                    .value(format!("{} figures", items.len()))
                    .allowed(format!(
                        "one figure per year of the horizon ({horizon}), or a single amount a year"
                    ))
                    .into());
            }
            Ok(ClaimedSavings::PerYear(
                items.iter().map(amount).collect::<Result<_>>()?,
            ))
        }
        v => Ok(ClaimedSavings::Constant(amount(v)?)),
    }
}

fn credibility(ctx: &Ctx<'_>, raw: Option<&raw::RawCredibility>) -> Result<Credibility> {
    let d = Credibility::default();
    let Some(r) = raw else { return Ok(d) };
    let p = |x: &Option<RawNum>, default: f64, key: &str| {
        ctx.optional(
            x.as_ref(),
            default,
            key,
            Bounds {
                lo: 0.0,
                hi: 1.0,
                words: "a probability from 0 to 1",
            },
        )
    };
    let basis = match &r.basis {
        None => d.basis,
        Some(b) => [Basis::Claims, Basis::BreakEven]
            [ctx.choice(b, "credibility.basis", &["claims", "break-even"])?],
    };
    let c = Credibility {
        basis,
        approved_p_savings_claim_cashable: p(
            &r.approved_p_savings_claim_cashable,
            d.approved_p_savings_claim_cashable,
            "credibility.approved_p_savings_claim_cashable",
        )?,
        claims_approved_p_break_even: p(
            &r.claims_approved_p_break_even,
            d.claims_approved_p_break_even,
            "credibility.claims_approved_p_break_even",
        )?,
        support_p_savings_claim_met: p(
            &r.support_p_savings_claim_met,
            d.support_p_savings_claim_met,
            "credibility.support_p_savings_claim_met",
        )?,
        conditions_p_savings_claim_met: p(
            &r.conditions_p_savings_claim_met,
            d.conditions_p_savings_claim_met,
            "credibility.conditions_p_savings_claim_met",
        )?,
        approved_p_break_even: p(
            &r.approved_p_break_even,
            d.approved_p_break_even,
            "credibility.approved_p_break_even",
        )?,
        approved_p_target_met_year1: p(
            &r.approved_p_target_met_year1,
            d.approved_p_target_met_year1,
            "credibility.approved_p_target_met_year1",
        )?,
        support_p_break_even: p(
            &r.support_p_break_even,
            d.support_p_break_even,
            "credibility.support_p_break_even",
        )?,
        conditions_p_break_even: p(
            &r.conditions_p_break_even,
            d.conditions_p_break_even,
            "credibility.conditions_p_break_even",
        )?,
    };
    if !(c.conditions_p_break_even <= c.support_p_break_even
        && c.support_p_break_even <= c.approved_p_break_even)
    {
        let span = r
            .support_p_break_even
            .as_ref()
            .or(r.conditions_p_break_even.as_ref())
            .or(r.approved_p_break_even.as_ref())
            .map(Spanned::span)
            .unwrap_or(0..0);
        return Err(ctx
            .diag(span, "credibility", "thresholds out of order")
            .value(format!(
                "conditions {} / support {} / approved {}",
                c.conditions_p_break_even, c.support_p_break_even, c.approved_p_break_even
            ))
            .allowed("conditions_p_break_even ≤ support_p_break_even ≤ approved_p_break_even")
            .into());
    }
    if c.conditions_p_savings_claim_met > c.support_p_savings_claim_met {
        let span = r
            .conditions_p_savings_claim_met
            .as_ref()
            .or(r.support_p_savings_claim_met.as_ref())
            .map(Spanned::span)
            .unwrap_or(0..0);
        return Err(ctx
            .diag(span, "credibility", "thresholds out of order")
            .value(format!(
                "conditions {} / support {}",
                c.conditions_p_savings_claim_met, c.support_p_savings_claim_met
            ))
            .allowed("conditions_p_savings_claim_met ≤ support_p_savings_claim_met")
            .into());
    }
    Ok(c)
}

pub(crate) fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Turn a TOML/serde error into a diagnostic that names the key and suggests a fix.
fn toml_error(text: &str, origin: &str, e: &toml::de::Error) -> crate::Error {
    toml_error_with(text, origin, e, raw::KEYS)
}

/// [`toml_error`] for any file whose keys, by table, are `keys` (the first entry being
/// the top level).
pub(crate) fn toml_error_with(
    text: &str,
    origin: &str,
    e: &toml::de::Error,
    keys: &[(&str, &[&str])],
) -> crate::Error {
    let msg = e.message().trim();
    let offset = e.span().map(|s| s.start);
    let on_header = offset.is_some_and(|o| line_at(text, o).trim_start().starts_with('['));
    let section = match offset {
        // An unknown key on a header line is an unknown top-level table.
        Some(_) if on_header && msg.starts_with("unknown field") => String::new(),
        Some(o) => section_at(text, o),
        None => String::new(),
    };
    let within = |k: &str| {
        if section.is_empty() {
            k.to_string()
        } else {
            format!("{section}.{k}")
        }
    };
    let table_keys = keys
        .iter()
        .find(|(t, _)| *t == section)
        .map_or(&[][..], |(_, k)| *k);
    let mut d = Diagnostic::new(origin, "").at(text, offset);

    let sections = keys.first().map_or(&[][..], |k| k.1);
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        let field = rest.split('`').next().unwrap_or("");
        d.key = Some(within(field));
        d.problem = if section.is_empty() {
            "unknown section".into()
        } else if sections.contains(&field) {
            // `fund = …` under another table: the user meant a section of its own.
            format!(
                "unknown key in [{section}] (`{field}` is a section: start it with a [{field}] header line)"
            )
        } else {
            format!("unknown key in [{section}]")
        };
        d.allowed = Some(table_keys.join(", "));
        d.suggestion = did_you_mean(field, table_keys.iter().copied());
    } else if let Some(rest) = msg.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or("");
        // A missing section is reported at the first table of the file; a missing key at
        // the table that lacks it.
        let top = sections.contains(&field) && (section.is_empty() || !table_keys.contains(&field));
        if top && is_blank(text) {
            d.key = Some(field.to_string());
            d.problem = format!("the file holds no settings (missing section [{field}])");
            d.allowed = Some("a scenario file; `carefund init` writes a commented example".into());
            d.line = None;
            d.column = None;
            return d.into();
        }
        d.key = Some(if top {
            field.to_string()
        } else {
            within(field)
        });
        d.problem = if top {
            format!("missing section [{field}]")
        } else {
            "missing required key".into()
        };
        if top {
            d.line = None;
            d.column = None;
        }
    } else if msg.starts_with("invalid type") || msg.starts_with("invalid value") {
        let key = offset.and_then(|o| key_at(text, o)).unwrap_or_default();
        d.key = Some(if key.is_empty() {
            section.clone()
        } else {
            within(&key)
        });
        d.problem = friendly_types(msg);
        type_hint(&mut d, text, offset, msg, &section, on_header);
    } else if msg.starts_with("duplicate key") {
        if on_header {
            d.key = Some(section.clone());
            d.problem = format!("not valid TOML: the table [{section}] is defined twice");
            d.allowed =
                Some("each [table] once; repeat only [[scheme]] and [[correlation]]".into());
        } else {
            let key = offset.and_then(|o| key_at(text, o)).unwrap_or_default();
            d.key = Some(within(&key));
            d.problem = "not valid TOML: this key is set twice in the same table".into();
            d.allowed = Some("each key once per table".into());
        }
    } else {
        d.problem = format!("not valid TOML: {}", friendly_types(msg));
        if let Some(hint) = offset.and_then(|o| syntax_hint(line_at(text, o))) {
            d.allowed = Some(hint);
        }
    }
    if d.key.as_deref() == Some("") {
        d.key = None;
    }
    d.into()
}

/// What is allowed where a value has the wrong type: `[[table]]` for a `[table]` header,
/// the year alone for a TOML date, a number without quotes for a quoted one.
fn type_hint(
    d: &mut Diagnostic,
    text: &str,
    offset: Option<usize>,
    msg: &str,
    section: &str,
    on_header: bool,
) {
    if msg.contains("invalid type: map") && msg.contains("expected a sequence") && on_header {
        // `[scheme]` where `[[scheme]]` was meant.
        d.allowed = Some(format!(
            "[[{section}]] (double brackets), one such table for each {section}"
        ));
    } else if let Some(date) = offset
        .and_then(|o| line_at(text, o).split_once('=').map(|(_, v)| v.trim()))
        .filter(|v| msg.contains("invalid type: map") && v.get(4..5) == Some("-"))
        .filter(|v| {
            v.get(..4)
                .is_some_and(|y| y.bytes().all(|b| b.is_ascii_digit()))
        })
    {
        // `start_year = 2015-04-01`: TOML reads a date, which is not a number.
        d.problem = "a TOML date is not a year".into();
        d.value = Some(date.to_string());
        d.allowed = Some(format!(
            "a whole number, the year alone (e.g. {})",
            &date[..4]
        ));
    } else if msg.contains("invalid type: string") && msg.contains("expected i64") {
        d.allowed = Some("a whole number, without quotes".into());
    } else if msg.contains("invalid type: string") && msg.contains("expected f64") {
        d.allowed = Some("a finite number, without quotes (e.g. 12_675_000 or 0.035)".into());
    }
}

/// True when `text` holds nothing but blank lines and comments.
fn is_blank(text: &str) -> bool {
    text.lines().all(|l| {
        let l = l.trim();
        l.is_empty() || l.starts_with('#')
    })
}

/// A likely fix for a TOML syntax error on `line`, for the mistakes people make when they
/// type numbers and words as they would in a spreadsheet.
fn syntax_hint(line: &str) -> Option<String> {
    let (key, value) = line.split_once('=')?;
    let key = key.trim();
    let value = value.split('#').next().unwrap_or("").trim();
    if value.is_empty() {
        return None;
    }
    let numeric = value
        .chars()
        .all(|c| c.is_ascii_digit() || ",._£$€%-+ ".contains(c))
        && value.chars().any(|c| c.is_ascii_digit());
    if numeric && value.contains(['£', '$', '€', '%', ',']) {
        let digits: String = value.chars().filter(|c| !",£$€% ".contains(*c)).collect();
        if value.contains('%') {
            let share = digits
                .replace('_', "")
                .parse::<f64>()
                .map_or_else(|_| "a share".to_string(), |x| format!("{}", x / 100.0));
            return Some(format!(
                "a plain number, percentages as shares: {key} = {share} (no % sign: 3% is 0.03)"
            ));
        }
        return Some(format!(
            "a plain number: {key} = {digits} (no commas or currency signs; _ may group digits)"
        ));
    }
    let bare = value
        .chars()
        .all(|c| c.is_alphanumeric() || "-_ ".contains(c))
        && value.starts_with(char::is_alphabetic)
        && !["true", "false", "nan", "inf"].contains(&value);
    bare.then(|| format!("text in double quotes: {key} = \"{value}\""))
}

fn friendly_types(msg: &str) -> String {
    msg.replace("expected i64", "expected a whole number")
        .replace("expected f64", "expected a number")
        .replace("expected a string", "expected a string in quotes")
        .replace("expected a sequence", "expected an array [ … ]")
}

/// The table header (`[name]` or `[[name]]`) in force at byte `offset` (a header on the
/// line of `offset` itself counts).
fn section_at(text: &str, offset: usize) -> String {
    let offset = offset.min(text.len());
    let line_end = text
        .get(offset..)
        .and_then(|r| r.find('\n'))
        .map_or(text.len(), |i| offset + i);
    let before = text.get(..line_end).unwrap_or("");
    before
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|l| {
            l.trim_start_matches('[')
                .split(']')
                .next()
                .unwrap_or("")
                .trim()
                .to_string()
        })
        .unwrap_or_default()
}

/// The whole line that holds byte `offset`.
fn line_at(text: &str, offset: usize) -> &str {
    let offset = offset.min(text.len());
    let start = text
        .get(..offset)
        .and_then(|b| b.rfind('\n'))
        .map_or(0, |i| i + 1);
    text.get(start..)
        .and_then(|r| r.lines().next())
        .unwrap_or("")
}

/// The key written on the line of byte `offset` (`key = value`).
fn key_at(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    let start = text.get(..offset)?.rfind('\n').map_or(0, |i| i + 1);
    let line = text.get(start..)?.lines().next()?;
    let (key, _) = line.split_once('=')?;
    let key = key.trim().trim_matches('"');
    (!key.is_empty() && !key.starts_with('[')).then(|| key.to_string())
}

/// Parse a number or distribution written at `span` of `text` (a stress file's `set`),
/// with exactly the messages of a scenario's distributions. The caller checks it against
/// the bounds of the input it replaces.
pub(crate) fn parse_dist(
    text: &str,
    origin: &str,
    value: &Value,
    span: Range<usize>,
    key: &str,
) -> Result<Dist> {
    Ctx { text, origin }.dist(value, span, key)
}

/// A success probability `p` as the distribution of the 0/1 draw `s_i`.
pub(crate) fn success_dist(p: f64) -> Dist {
    bernoulli(p)
}

/// What names (of the scenario, schemes and areas) may hold: no control characters
/// (NUL, tab, newline, …), which make charts invalid XML and reports unreadable, and no
/// bidirectional overrides or isolates (U+202A–U+202E, U+2066–U+2069), which make text
/// display in another order than it is stored.
pub(crate) const NAME_RULE: &str = "a name without control characters (NUL, tab, newline, …) or bidirectional override and isolate characters (U+202A–U+202E, U+2066–U+2069)";

/// The first character of `name` that [`NAME_RULE`] forbids, described ("U+0009, a
/// control character"), with `name` written with that character escaped.
pub(crate) fn bad_name_char(name: &str) -> Option<(String, String)> {
    let c = name.chars().find(|&c| {
        c.is_control()
            || ('\u{202A}'..='\u{202E}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    })?;
    let kind = if c.is_control() {
        "a control character"
    } else {
        "a bidirectional override or isolate character"
    };
    Some((
        format!("U+{:04X}, {kind}", u32::from(c)),
        format!("\"{}\"", name.escape_debug()),
    ))
}

impl Ctx<'_> {
    /// Refuse a name at `span` of `key` that [`bad_name_char`] finds fault with.
    pub(crate) fn name_chars(&self, span: Range<usize>, key: &str, name: &str) -> Result<()> {
        match bad_name_char(name) {
            None => Ok(()),
            Some((what, shown)) => Err(self
                .diag(span, key, format!("the name holds {what}"))
                .value(shown)
                .allowed(NAME_RULE)
                .into()),
        }
    }
}
