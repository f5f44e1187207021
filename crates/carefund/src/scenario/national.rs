//! The `[national]` table a template scenario may hold: the correlations between areas
//! of a national run (docs/model.md §10). Single runs ignore it; it is read here, with the
//! scenario file, so that a workbook's translation can check it with its cells.

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::error::{Diagnostic, Error, Opt, Result};

/// The correlations of the national factors (latent normal correlation between areas).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Factors {
    /// ρ_e: correlation of scheme effectiveness between areas, in [0, 1].
    pub effect_correlation: f64,
    /// ρ_g: correlation of demand growth between areas, in [0, 1].
    pub growth_correlation: f64,
}

impl Factors {
    /// Check both correlations lie in [0, 1].
    ///
    /// # Errors
    /// [`Error::InvalidOption`] naming the correlation and its value.
    pub fn checked(self) -> Result<Self> {
        for (name, r) in [
            (Opt::EffectCorrelation, self.effect_correlation),
            (Opt::GrowthCorrelation, self.growth_correlation),
        ] {
            if !(0.0..=1.0).contains(&r) {
                return Err(Error::InvalidOption {
                    name,
                    value: r.to_string(),
                    allowed: "between 0 and 1".into(),
                });
            }
        }
        Ok(self)
    }
}

#[derive(Debug, Deserialize)]
struct TemplateNational {
    national: Option<Spanned<RawNational>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNational {
    effect_correlation: Option<Spanned<f64>>,
    growth_correlation: Option<Spanned<f64>>,
}

/// The `[national]` table of a template's TOML text, checked: both correlations default
/// to 0.
///
/// # Errors
/// [`Error::Input`] naming the key, its value and the allowed range, for a bad table or
/// a correlation outside [0, 1].
pub fn factors(text: &str, origin: &str) -> Result<Factors> {
    let raw: TemplateNational = toml::from_str(text).map_err(|e| {
        let mut d = Diagnostic::new(origin, format!("bad [national] table: {}", e.message()))
            .allowed("effect_correlation and growth_correlation, numbers from 0 to 1");
        if let Some(span) = e.span() {
            d = d.at(text, Some(span.start));
        }
        Error::from(d)
    })?;
    let Some(national) = raw.national else {
        return Ok(Factors::default());
    };
    let n = national.get_ref();
    let get = |v: &Option<Spanned<f64>>, key: &str| -> Result<f64> {
        match v {
            None => Ok(0.0),
            Some(v) if (0.0..=1.0).contains(v.get_ref()) => Ok(*v.get_ref()),
            Some(v) => Err(Diagnostic::new(origin, "value out of range")
                .key(format!("national.{key}"))
                .value(v.get_ref().to_string())
                .allowed("a latent correlation between areas from 0 to 1")
                .at(text, Some(v.span().start))
                .into()),
        }
    };
    Ok(Factors {
        effect_correlation: get(&n.effect_correlation, "effect_correlation")?,
        growth_correlation: get(&n.growth_correlation, "growth_correlation")?,
    })
}
