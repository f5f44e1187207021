//! Probability distributions of uncertain inputs (docs/model.md §7).
//!
//! Every per-path input is drawn by the inverse-CDF method, `x = F⁻¹(u)` with `u` uniform
//! on (0, 1) from the input's own stream. One uniform per input per path makes common
//! random numbers, correlation by Gaussian copula, Latin hypercube sampling and
//! variance-based sensitivity all work the same way: they only change where `u` comes from.

use statrs::distribution::{Beta, ContinuousCDF, Normal};

/// The 95th percentile of the standard normal, used by `ci90`.
pub const Z95: f64 = 1.644_853_626_951_472_2;
/// The 90th percentile of the standard normal, used by `lognormal = { median, p90 }`.
pub const Z90: f64 = 1.281_551_565_544_600_4;

/// A checked distribution: parameters are finite and valid by construction (see
/// [`crate::scenario`] for the checks and their messages).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Dist {
    /// A fixed value: no uncertainty.
    Fixed(f64),
    /// Uniform on `[min, max]`.
    Uniform {
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
    /// Triangular on `[min, max]` with the given mode.
    Triangular {
        /// Lower bound.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Upper bound.
        max: f64,
    },
    /// Beta-PERT (λ = 4): `min + (max − min)·Beta(α, β)` with
    /// `α = 1 + 4(mode − min)/(max − min)`, `β = 1 + 4(max − mode)/(max − min)`.
    Pert {
        /// Lower bound.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Upper bound.
        max: f64,
        /// The standard Beta(α, β) behind it.
        beta: Beta,
    },
    /// Normal, optionally truncated to `[min, max]`.
    Normal {
        /// Mean before truncation.
        mean: f64,
        /// Standard deviation before truncation (> 0).
        sd: f64,
        /// Lower truncation point (−∞ if none).
        min: f64,
        /// Upper truncation point (+∞ if none).
        max: f64,
    },
    /// Lognormal: `exp(μ + σ·Z)`.
    LogNormal {
        /// Mean of the log.
        mu: f64,
        /// Standard deviation of the log (> 0).
        sigma: f64,
    },
    /// Beta(α, β) on `[0, 1]`.
    Beta {
        /// The distribution.
        beta: Beta,
    },
    /// 1 with probability `p`, else 0.
    Bernoulli(f64),
}

impl Dist {
    /// Beta-PERT from `[min, mode, max]`; `min < max` and `min ≤ mode ≤ max` must hold.
    pub(crate) fn pert(min: f64, mode: f64, max: f64) -> Option<Self> {
        let range = max - min;
        let alpha = 1.0 + 4.0 * (mode - min) / range;
        let beta = 1.0 + 4.0 * (max - mode) / range;
        Beta::new(alpha, beta).ok().map(|beta| Dist::Pert {
            min,
            mode,
            max,
            beta,
        })
    }

    /// Lognormal with the given median and 90th percentile (`0 < median < p90`).
    pub(crate) fn lognormal_median_p90(median: f64, p90: f64) -> Self {
        let mu = median.ln();
        Dist::LogNormal {
            mu,
            sigma: (p90.ln() - mu) / Z90,
        }
    }

    /// Lognormal with the given mean and standard deviation (`mean > 0`, `sd > 0`).
    pub(crate) fn lognormal_mean_sd(mean: f64, sd: f64) -> Self {
        let s2 = (1.0 + (sd / mean).powi(2)).ln();
        Dist::LogNormal {
            mu: mean.ln() - s2 / 2.0,
            sigma: s2.sqrt(),
        }
    }

    /// `ci90 = [low, high]`: 5% and 95% at `low` and `high`; lognormal if `low > 0`, else
    /// normal.
    pub(crate) fn ci90(low: f64, high: f64) -> Self {
        if low > 0.0 {
            let (a, b) = (low.ln(), high.ln());
            Dist::LogNormal {
                mu: (a + b) / 2.0,
                sigma: (b - a) / (2.0 * Z95),
            }
        } else {
            Dist::Normal {
                mean: (low + high) / 2.0,
                sd: (high - low) / (2.0 * Z95),
                min: f64::NEG_INFINITY,
                max: f64::INFINITY,
            }
        }
    }

    /// True when the value is fixed (no uncertainty).
    pub fn is_fixed(&self) -> bool {
        matches!(self, Dist::Fixed(_))
    }

    /// The inverse CDF at `u ∈ (0, 1)`.
    ///
    /// # Formula
    /// Closed forms for uniform, triangular, normal and lognormal; statrs' Beta inverse
    /// CDF for PERT and beta; the Bernoulli draw is `1` when `u < p` (so raising `p` never
    /// turns a success into a failure on the same `u`).
    pub fn inverse_cdf(&self, u: f64) -> f64 {
        match *self {
            Dist::Fixed(x) => x,
            Dist::Uniform { min, max } => min + u * (max - min),
            Dist::Triangular { min, mode, max } => {
                let range = max - min;
                let split = (mode - min) / range;
                if u < split {
                    min + (u * range * (mode - min)).sqrt()
                } else {
                    max - ((1.0 - u) * range * (max - mode)).sqrt()
                }
            }
            Dist::Pert {
                min, max, ref beta, ..
            } => min + (max - min) * beta.inverse_cdf(u),
            Dist::Normal { mean, sd, min, max } => {
                let (lo, hi) = (std_cdf((min - mean) / sd), std_cdf((max - mean) / sd));
                let x = mean + sd * std_inverse_cdf(lo + u * (hi - lo));
                x.clamp(min, max)
            }
            Dist::LogNormal { mu, sigma } => (mu + sigma * std_inverse_cdf(u)).exp(),
            Dist::Beta { ref beta } => beta.inverse_cdf(u),
            Dist::Bernoulli(p) => {
                if u < p {
                    1.0
                } else {
                    0.0
                }
            }
        }
    }

    /// The CDF at `x` (for Bernoulli, P(X ≤ x) of the 0/1 variable).
    pub fn cdf(&self, x: f64) -> f64 {
        match *self {
            Dist::Fixed(v) => f64::from(u8::from(x >= v)),
            Dist::Uniform { min, max } => ((x - min) / (max - min)).clamp(0.0, 1.0),
            Dist::Triangular { min, mode, max } => {
                if x <= min {
                    0.0
                } else if x >= max {
                    1.0
                } else if x <= mode {
                    (x - min).powi(2) / ((max - min) * (mode - min))
                } else {
                    1.0 - (max - x).powi(2) / ((max - min) * (max - mode))
                }
            }
            Dist::Pert {
                min, max, ref beta, ..
            } => beta.cdf(((x - min) / (max - min)).clamp(0.0, 1.0)),
            Dist::Normal { mean, sd, min, max } => {
                if x < min {
                    return 0.0;
                }
                if x >= max {
                    return 1.0;
                }
                let (lo, hi) = (std_cdf((min - mean) / sd), std_cdf((max - mean) / sd));
                ((std_cdf((x - mean) / sd) - lo) / (hi - lo)).clamp(0.0, 1.0)
            }
            Dist::LogNormal { mu, sigma } => {
                if x <= 0.0 {
                    0.0
                } else {
                    std_cdf((x.ln() - mu) / sigma)
                }
            }
            Dist::Beta { ref beta } => beta.cdf(x.clamp(0.0, 1.0)),
            Dist::Bernoulli(p) => {
                if x < 0.0 {
                    0.0
                } else if x < 1.0 {
                    1.0 - p
                } else {
                    1.0
                }
            }
        }
    }

    /// The mean.
    pub fn mean(&self) -> f64 {
        match *self {
            Dist::Fixed(x) => x,
            Dist::Uniform { min, max } => (min + max) / 2.0,
            Dist::Triangular { min, mode, max } => (min + mode + max) / 3.0,
            Dist::Pert { min, mode, max, .. } => (min + 4.0 * mode + max) / 6.0,
            Dist::Normal { mean, sd, min, max } => {
                let (a, b) = ((min - mean) / sd, (max - mean) / sd);
                let mass = std_cdf(b) - std_cdf(a);
                mean + sd * (std_pdf(a) - std_pdf(b)) / mass
            }
            Dist::LogNormal { mu, sigma } => (mu + sigma * sigma / 2.0).exp(),
            Dist::Beta { ref beta } => beta.shape_a() / (beta.shape_a() + beta.shape_b()),
            Dist::Bernoulli(p) => p,
        }
    }

    /// The central value used by the plan case (docs/model.md §5): the mode where the
    /// distribution has one, else the median.
    ///
    /// Uniform: median. Triangular, PERT: the given mode. Normal: the mean, clamped to
    /// the truncation range (the mode of a truncated normal). Lognormal: `exp(μ − σ²)`.
    /// Beta: `(α − 1)/(α + β − 2)` when α, β > 1, else the median. Bernoulli: 1 if
    /// `p ≥ 0.5`, else 0.
    pub fn central(&self) -> f64 {
        match *self {
            Dist::Fixed(x) => x,
            Dist::Uniform { min, max } => (min + max) / 2.0,
            Dist::Triangular { mode, .. } | Dist::Pert { mode, .. } => mode,
            Dist::Normal { mean, min, max, .. } => mean.clamp(min, max),
            Dist::LogNormal { mu, sigma } => (mu - sigma * sigma).exp(),
            Dist::Beta { ref beta } => {
                let (a, b) = (beta.shape_a(), beta.shape_b());
                if a > 1.0 && b > 1.0 {
                    (a - 1.0) / (a + b - 2.0)
                } else {
                    self.inverse_cdf(0.5)
                }
            }
            Dist::Bernoulli(p) => f64::from(u8::from(p >= 0.5)),
        }
    }

    /// The smallest and largest values the distribution can take (may be infinite).
    pub fn support(&self) -> (f64, f64) {
        match *self {
            Dist::Fixed(x) => (x, x),
            Dist::Uniform { min, max }
            | Dist::Triangular { min, max, .. }
            | Dist::Pert { min, max, .. }
            | Dist::Normal { min, max, .. } => (min, max),
            Dist::LogNormal { .. } => (0.0, f64::INFINITY),
            Dist::Beta { .. } | Dist::Bernoulli(_) => (0.0, 1.0),
        }
    }

    /// The largest value a plan could reasonably claim: the upper end of the support, or
    /// the 99.9th percentile when the support is unbounded.
    pub fn practical_max(&self) -> f64 {
        let (_, hi) = self.support();
        if hi.is_finite() {
            hi
        } else {
            self.inverse_cdf(0.999)
        }
    }

    /// Probability mass below `lo` and above `hi`.
    pub fn mass_outside(&self, lo: f64, hi: f64) -> f64 {
        let below = if lo.is_finite() {
            // P(X < lo): the CDF just below lo.
            self.cdf(lo - lo.abs().max(1.0) * 1e-12)
        } else {
            0.0
        };
        let above = if hi.is_finite() {
            1.0 - self.cdf(hi)
        } else {
            0.0
        };
        (below + above).max(0.0)
    }

    /// The distribution in words, e.g. `PERT(min 0, mode 0.012, max 0.03)`.
    pub fn describe(&self) -> String {
        match self {
            Dist::Fixed(x) => format!("fixed at {}", fmt_num(*x)),
            Dist::Uniform { min, max } => {
                format!("uniform on [{}, {}]", fmt_num(*min), fmt_num(*max))
            }
            Dist::Triangular { min, mode, max } => format!(
                "triangular (min {}, mode {}, max {})",
                fmt_num(*min),
                fmt_num(*mode),
                fmt_num(*max)
            ),
            Dist::Pert { min, mode, max, .. } => format!(
                "PERT (min {}, mode {}, max {})",
                fmt_num(*min),
                fmt_num(*mode),
                fmt_num(*max)
            ),
            Dist::Normal { mean, sd, min, max } => {
                let mut s = format!("normal (mean {}, sd {})", fmt_num(*mean), fmt_num(*sd));
                if min.is_finite() || max.is_finite() {
                    s.push_str(&format!(
                        " truncated to [{}, {}]",
                        fmt_num(*min),
                        fmt_num(*max)
                    ));
                }
                s
            }
            Dist::LogNormal { mu, sigma } => format!(
                "lognormal (median {}, P90 {})",
                fmt_num(mu.exp()),
                fmt_num((mu + Z90 * sigma).exp())
            ),
            Dist::Beta { beta } => format!(
                "beta (alpha {}, beta {})",
                fmt_num(beta.shape_a()),
                fmt_num(beta.shape_b())
            ),
            Dist::Bernoulli(p) => format!("succeeds with probability {}", fmt_num(*p)),
        }
    }
}

fn fmt_num(x: f64) -> String {
    if x.is_infinite() {
        return if x > 0.0 {
            "∞".into()
        } else {
            "−∞".into()
        };
    }
    let s = format!("{x:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

fn standard_normal() -> Normal {
    // Normal::standard() cannot fail.
    Normal::standard()
}

/// Φ, the standard normal CDF.
pub fn std_cdf(z: f64) -> f64 {
    if z == f64::INFINITY {
        1.0
    } else if z == f64::NEG_INFINITY {
        0.0
    } else {
        standard_normal().cdf(z)
    }
}

/// Φ⁻¹, the standard normal quantile.
pub fn std_inverse_cdf(u: f64) -> f64 {
    standard_normal().inverse_cdf(u)
}

fn std_pdf(z: f64) -> f64 {
    if z.is_infinite() {
        0.0
    } else {
        (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn inverse_cdf_inverts_cdf_for_every_form() {
        let dists = [
            Dist::Uniform { min: 1.0, max: 3.0 },
            Dist::Triangular {
                min: 0.0,
                mode: 0.3,
                max: 1.0,
            },
            Dist::pert(1200.0, 1490.0, 2100.0).expect("valid"),
            Dist::Normal {
                mean: 0.025,
                sd: 0.01,
                min: 0.0,
                max: 0.05,
            },
            Dist::lognormal_median_p90(1.0, 1.2),
            Dist::lognormal_mean_sd(2.0, 0.5),
            Dist::Beta {
                beta: Beta::new(2.0, 5.0).expect("valid"),
            },
            Dist::ci90(0.01, 0.03),
            Dist::ci90(-0.01, 0.03),
        ];
        for d in &dists {
            for &u in &[0.01, 0.1, 0.37, 0.5, 0.9, 0.99] {
                let x = d.inverse_cdf(u);
                assert!(
                    close(d.cdf(x), u, 1e-7),
                    "{d:?} at u = {u}: cdf = {}",
                    d.cdf(x)
                );
            }
        }
    }

    #[test]
    fn ci90_puts_5_and_95_percent_at_the_ends() {
        for d in [Dist::ci90(0.01, 0.03), Dist::ci90(-0.02, 0.04)] {
            let (lo, hi) = match d {
                Dist::LogNormal { .. } => (0.01, 0.03),
                _ => (-0.02, 0.04),
            };
            assert!(close(d.inverse_cdf(0.05), lo, 1e-9));
            assert!(close(d.inverse_cdf(0.95), hi, 1e-9));
        }
    }

    #[test]
    fn lognormal_forms_hit_their_parameters() {
        let d = Dist::lognormal_median_p90(1.0, 1.2);
        assert!(close(d.inverse_cdf(0.5), 1.0, 1e-12));
        assert!(close(d.inverse_cdf(0.9), 1.2, 1e-9));
        let d = Dist::lognormal_mean_sd(2.0, 0.5);
        assert!(close(d.mean(), 2.0, 1e-12));
    }

    #[test]
    fn pert_mean_and_mode() {
        let d = Dist::pert(0.0, 0.012, 0.03).expect("valid");
        assert!(close(d.mean(), (0.0 + 4.0 * 0.012 + 0.03) / 6.0, 1e-15));
        assert!(close(d.central(), 0.012, 0.0));
    }

    #[test]
    fn truncated_normal_stays_inside_and_has_the_right_mean() {
        let d = Dist::Normal {
            mean: 0.0,
            sd: 1.0,
            min: 0.0,
            max: f64::INFINITY,
        };
        // Half-normal mean: sqrt(2/π).
        assert!(close(d.mean(), (2.0 / std::f64::consts::PI).sqrt(), 1e-12));
        assert!(d.inverse_cdf(1e-9) >= 0.0);
    }

    #[test]
    fn bernoulli_success_is_monotone_in_p() {
        for &u in &[0.05, 0.5, 0.95] {
            let lo = Dist::Bernoulli(0.3).inverse_cdf(u);
            let hi = Dist::Bernoulli(0.7).inverse_cdf(u);
            assert!(hi >= lo);
        }
    }

    #[test]
    fn mass_outside_of_a_normal_share() {
        let d = Dist::Normal {
            mean: 0.5,
            sd: 0.1,
            min: f64::NEG_INFINITY,
            max: f64::INFINITY,
        };
        assert!(d.mass_outside(0.0, 1.0) < 1e-5);
        let wide = Dist::Normal {
            mean: 0.5,
            sd: 1.0,
            min: f64::NEG_INFINITY,
            max: f64::INFINITY,
        };
        assert!(wide.mass_outside(0.0, 1.0) > 0.5);
    }

    #[test]
    fn describe_is_readable() {
        assert_eq!(
            Dist::pert(0.0, 0.012, 0.03).expect("valid").describe(),
            "PERT (min 0, mode 0.012, max 0.03)"
        );
        assert_eq!(Dist::Fixed(1490.0).describe(), "fixed at 1490");
    }
}
