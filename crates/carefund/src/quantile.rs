//! Inverse CDFs with their per-input constants computed once (the per-path hot loop).
//!
//! [`Quantile::of`] takes an [`Input`] and precomputes what [`Dist::inverse_cdf`] would
//! otherwise recompute at every draw: the range of a uniform or triangular, `Φ` at the
//! truncation points of a normal, and for Beta and PERT the log-gamma constants of the
//! regularised incomplete beta function. [`Quantile::at`] then returns **bit for bit** the
//! value of [`Input::quantile`]: the same operations in the same order, only without the
//! repeated constants (tests below compare the bits over a dense grid of `u`).
//!
//! The Beta inverse is a copy of statrs 0.19.1's `inv_beta_reg` (Algorithm AS 64 / AS 109
//! with remarks AS R19 and R83; statrs and the `special` crate it is based on are MIT
//! licensed) and of its `beta_reg` continued fraction, with `ln Γ` hoisted out of the
//! Newton iterations: statrs evaluates three `ln Γ` (each a ten-term Lanczos sum and two
//! logarithms) at every iteration, and a PERT quantile takes several iterations.

use statrs::distribution::Beta;
use statrs::function::gamma::ln_gamma;

use crate::dist::{Dist, std_cdf, std_inverse_cdf};
use crate::scenario::Input;

/// One input's inverse CDF, ready to evaluate many times.
#[derive(Debug, Clone)]
pub struct Quantile {
    kind: Kind,
    scale: f64,
    shift: f64,
    lo: f64,
    hi: f64,
}

#[derive(Debug, Clone)]
enum Kind {
    Uniform {
        min: f64,
        range: f64,
    },
    Triangular {
        min: f64,
        max: f64,
        range: f64,
        split: f64,
        left: f64,
        right: f64,
    },
    Normal {
        mean: f64,
        sd: f64,
        min: f64,
        max: f64,
        lo: f64,
        width: f64,
    },
    Pert {
        min: f64,
        range: f64,
        beta: BetaInverse,
    },
    Beta(BetaInverse),
    /// Anything with nothing worth caching: the distribution itself.
    Other(Dist),
}

impl Quantile {
    /// Prepare the inverse CDF of `input` (its distribution, scaling and clamp).
    pub fn of(input: &Input) -> Self {
        let kind = match *input.dist() {
            Dist::Uniform { min, max } => Kind::Uniform {
                min,
                range: max - min,
            },
            Dist::Triangular { min, mode, max } => {
                let range = max - min;
                Kind::Triangular {
                    min,
                    max,
                    range,
                    split: (mode - min) / range,
                    left: mode - min,
                    right: max - mode,
                }
            }
            Dist::Normal { mean, sd, min, max } => {
                let (lo, hi) = (std_cdf((min - mean) / sd), std_cdf((max - mean) / sd));
                Kind::Normal {
                    mean,
                    sd,
                    min,
                    max,
                    lo,
                    width: hi - lo,
                }
            }
            Dist::Pert {
                min, max, ref beta, ..
            } => Kind::Pert {
                min,
                range: max - min,
                beta: BetaInverse::new(beta),
            },
            Dist::Beta { ref beta } => Kind::Beta(BetaInverse::new(beta)),
            ref other => Kind::Other(other.clone()),
        };
        Self {
            kind,
            scale: input.scale,
            shift: input.shift,
            lo: input.lo,
            hi: input.hi,
        }
    }

    /// The input's value at `u ∈ (0, 1)`: exactly [`Input::quantile`]`(u)`.
    ///
    /// # Formula
    /// `clamp(scale·F⁻¹(u) + shift, lo, hi)`, `F⁻¹` as in [`Dist::inverse_cdf`].
    #[inline]
    pub fn at(&self, u: f64) -> f64 {
        let y = match self.kind {
            Kind::Uniform { min, range } => min + u * range,
            Kind::Triangular {
                min,
                max,
                range,
                split,
                left,
                right,
            } => {
                if u < split {
                    min + (u * range * left).sqrt()
                } else {
                    max - ((1.0 - u) * range * right).sqrt()
                }
            }
            Kind::Normal {
                mean,
                sd,
                min,
                max,
                lo,
                width,
            } => {
                let x = mean + sd * std_inverse_cdf(lo + u * width);
                x.clamp(min, max)
            }
            Kind::Pert {
                min,
                range,
                ref beta,
            } => min + range * beta.at(u),
            Kind::Beta(ref beta) => beta.at(u),
            Kind::Other(ref dist) => dist.inverse_cdf(u),
        };
        (self.scale * y + self.shift).clamp(self.lo, self.hi)
    }
}

/// `I⁻¹_u(a, b)` with the log-gamma constants precomputed.
#[derive(Debug, Clone)]
struct BetaInverse {
    a: f64,
    b: f64,
    /// `ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b)`.
    ln_beta: f64,
    /// `ln Γ(a + b) − ln Γ(a) − ln Γ(b)`, as `beta_reg(a, b, ·)` computes it.
    front_ab: f64,
    /// `ln Γ(a + b) − ln Γ(b) − ln Γ(a)`, as `beta_reg(b, a, ·)` computes it.
    front_ba: f64,
}

/// statrs' `MODULE_EPS` in `function::beta`.
const MODULE_EPS: f64 = 1e-15;
/// statrs' `prec::F64_PREC`.
const F64_PREC: f64 = 0.000_000_000_000_000_111_022_302_462_515_65;

impl BetaInverse {
    fn new(beta: &Beta) -> Self {
        let (a, b) = (beta.shape_a(), beta.shape_b());
        let (la, lb, lab) = (ln_gamma(a), ln_gamma(b), ln_gamma(a + b));
        Self {
            a,
            b,
            ln_beta: la + lb - lab,
            front_ab: lab - la - lb,
            front_ba: lab - lb - la,
        }
    }

    /// statrs' `beta_reg(a, b, x)`, where `front` is `ln Γ(a+b) − ln Γ(a) − ln Γ(b)`
    /// for this order of `a` and `b`.
    fn beta_reg(a: f64, b: f64, front: f64, x: f64) -> f64 {
        // statrs: `x == 0 || ulps_eq!(x, 1, epsilon = 1e-15)`; within [0, 1] the absolute
        // test covers the 5-ulp one.
        let bt = if x == 0.0 || (x - 1.0).abs() <= MODULE_EPS {
            0.0
        } else {
            (front + a * x.ln() + b * (1.0 - x).ln()).exp()
        };
        let symm_transform = x >= (a + 1.0) / (a + b + 2.0);
        let eps = F64_PREC;
        let fpmin = f64::MIN_POSITIVE / eps;

        let (a, b, x) = if symm_transform {
            (b, a, 1.0 - x)
        } else {
            (a, b, x)
        };

        let qab = a + b;
        let qap = a + 1.0;
        let qam = a - 1.0;
        let mut c = 1.0;
        let mut d = 1.0 - qab * x / qap;
        if d.abs() < fpmin {
            d = fpmin;
        }
        d = 1.0 / d;
        let mut h = d;

        for m in 1..141 {
            let m = f64::from(m);
            let m2 = m * 2.0;
            let mut aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1.0 + aa * d;
            if d.abs() < fpmin {
                d = fpmin;
            }
            c = 1.0 + aa / c;
            if c.abs() < fpmin {
                c = fpmin;
            }
            d = 1.0 / d;
            h = h * d * c;
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1.0 + aa * d;
            if d.abs() < fpmin {
                d = fpmin;
            }
            c = 1.0 + aa / c;
            if c.abs() < fpmin {
                c = fpmin;
            }
            d = 1.0 / d;
            let del = d * c;
            h *= del;
            if (del - 1.0).abs() <= eps {
                break;
            }
        }
        if symm_transform {
            1.0 - bt * h / a
        } else {
            bt * h / a
        }
    }

    /// statrs' `inv_beta_reg(a, b, x)` (see the module docs).
    #[allow(clippy::float_cmp)] // exact comparisons, as in statrs, keep the results identical
    fn at(&self, x: f64) -> f64 {
        const SAE: i32 = -30;
        const FPU: f64 = 1e-30;
        let ln_beta = self.ln_beta;
        if x == 0.0 {
            return 0.0;
        }
        if x == 1.0 {
            return 1.0;
        }
        let flip = 0.5 < x;
        let (a, b, front, x) = if flip {
            (self.b, self.a, self.front_ba, 1.0 - x)
        } else {
            (self.a, self.b, self.front_ab, x)
        };

        let mut p = (-(x * x).ln()).sqrt();
        let mut q = p - (2.30753 + 0.27061 * p) / (1.0 + (0.99229 + 0.04481 * p) * p);
        if 1.0 < a && 1.0 < b {
            let r = (q * q - 3.0) / 6.0;
            let s = 1.0 / (2.0 * a - 1.0);
            let t = 1.0 / (2.0 * b - 1.0);
            let h = 2.0 / (s + t);
            let w = q * (h + r).sqrt() / h - (t - s) * (r + 5.0 / 6.0 - 2.0 / (3.0 * h));
            p = a / (a + b * (2.0 * w).exp());
        } else {
            let mut t = 1.0 / (9.0 * b);
            t = 2.0 * b * (1.0 - t + q * t.sqrt()).powf(3.0);
            if t <= 0.0 {
                p = 1.0 - ((((1.0 - x) * b).ln() + ln_beta) / b).exp();
            } else {
                t = 2.0 * (2.0 * a + b - 1.0) / t;
                if t <= 1.0 {
                    p = (((x * a).ln() + ln_beta) / a).exp();
                } else {
                    p = 1.0 - 2.0 / (t + 1.0);
                }
            }
        }
        p = p.clamp(0.0001, 0.9999);

        let e = (-5.0 / a / a - 1.0 / x.powf(0.2) - 13.0) as i32;
        let acu = if e > SAE { f64::powi(10.0, e) } else { FPU };

        let mut pnext;
        let mut qprev = 0.0;
        let mut sq = 1.0;
        let mut prev = 1.0;
        'outer: loop {
            q = Self::beta_reg(a, b, front, p);
            q = (q - x) * (ln_beta + (1.0 - a) * p.ln() + (1.0 - b) * (1.0 - p).ln()).exp();
            if q * qprev <= 0.0 {
                prev = if sq > FPU { sq } else { FPU };
            }
            let mut g = 1.0;
            loop {
                loop {
                    let adj = g * q;
                    sq = adj * adj;
                    if sq < prev {
                        pnext = p - adj;
                        if (0.0..=1.0).contains(&pnext) {
                            break;
                        }
                    }
                    g /= 3.0;
                }
                if prev <= acu || q * q <= acu {
                    p = pnext;
                    break 'outer;
                }
                if pnext != 0.0 && pnext != 1.0 {
                    break;
                }
                g /= 3.0;
            }
            if pnext == p {
                break;
            }
            p = pnext;
            qprev = q;
        }
        if flip { 1.0 - p } else { p }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Scenario;
    use statrs::distribution::ContinuousCDF;

    /// A dense grid of `u` in (0, 1), tails included.
    fn grid() -> Vec<f64> {
        let mut us: Vec<f64> = (1..20_000).map(|i| f64::from(i) / 20_000.0).collect();
        for k in 1..=15 {
            let t = 10f64.powi(-k);
            us.extend([t, 1.0 - t, 0.5 * t, 1.0 - 0.5 * t]);
        }
        us.extend([f64::EPSILON, 1.0 - f64::EPSILON / 2.0, 0.5]);
        us
    }

    #[test]
    fn beta_inverse_is_bit_identical_to_statrs() {
        let shapes = [
            (2.0, 334.0),
            (2.0, 5.0),
            (1.0, 1.0),
            (0.5, 0.5),
            (0.3, 2.0),
            (5.0, 0.7),
            (1.0, 3.0),
            (3.0, 1.0),
            (1.0 + 4.0 * 290.0 / 900.0, 1.0 + 4.0 * 610.0 / 900.0),
            (3.0, 3.0),
            (40.0, 60.0),
        ];
        for (a, b) in shapes {
            let beta = Beta::new(a, b).expect("valid shapes");
            let fast = BetaInverse::new(&beta);
            for u in grid() {
                let (want, got) = (beta.inverse_cdf(u), fast.at(u));
                assert_eq!(
                    want.to_bits(),
                    got.to_bits(),
                    "Beta({a}, {b}) at u = {u}: statrs {want}, cached {got}"
                );
            }
        }
    }

    #[test]
    fn every_input_of_the_shipped_scenarios_is_bit_identical() {
        let scenarios = [
            (
                include_str!("../../../data/scenarios/swindon-2015.toml"),
                "swindon",
            ),
            (
                include_str!("../../../data/scenarios/valencia-alzira.toml"),
                "valencia",
            ),
            (crate::EXAMPLE_SCENARIO, "example"),
        ];
        let mut kinds = std::collections::BTreeSet::new();
        for (text, origin) in scenarios {
            let scenario = Scenario::from_toml(text, origin).expect("shipped scenario loads");
            for input in scenario.inputs() {
                let q = Quantile::of(input);
                kinds.insert(format!("{:?}", std::mem::discriminant(input.dist())));
                for u in grid().into_iter().step_by(7) {
                    assert_eq!(
                        input.quantile(u).to_bits(),
                        q.at(u).to_bits(),
                        "{origin} {} at u = {u}",
                        input.name()
                    );
                }
            }
        }
        // Uniform, triangular, PERT, normal, lognormal, beta, Bernoulli and fixed.
        assert!(kinds.len() >= 8, "only {} kinds covered", kinds.len());
    }
}
