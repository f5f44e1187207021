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
    /// `(x_k, dx/du at u_k)` at `u_k = k/NODES`, from [`BetaInverse::exact`]; the two
    /// end nodes are never read.
    nodes: Vec<(f64, f64)>,
}

/// Intervals of the node table of [`BetaInverse`]: `u` below `1/NODES` or above
/// `1 − 1/NODES` (1.6% of draws) take the slow, exact path.
const NODES: usize = 128;

/// statrs' `MODULE_EPS` in `function::beta`.
const MODULE_EPS: f64 = 1e-15;
/// statrs' `prec::F64_PREC`.
const F64_PREC: f64 = 0.000_000_000_000_000_111_022_302_462_515_65;

impl BetaInverse {
    fn new(beta: &Beta) -> Self {
        let (a, b) = (beta.shape_a(), beta.shape_b());
        let (la, lb, lab) = (ln_gamma(a), ln_gamma(b), ln_gamma(a + b));
        let mut inverse = Self {
            a,
            b,
            ln_beta: la + lb - lab,
            front_ab: lab - la - lb,
            front_ba: lab - lb - la,
            nodes: Vec::new(),
        };
        inverse.nodes = (0..=NODES)
            .map(|k| {
                if k == 0 || k == NODES {
                    return (f64::from(u8::from(k == NODES)), 0.0);
                }
                let x = inverse.exact(k as f64 / NODES as f64);
                let (_, pdf) = inverse.cdf_pdf(x);
                (x, 1.0 / pdf)
            })
            .collect();
        inverse
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
        if x >= (a + 1.0) / (a + b + 2.0) {
            1.0 - bt * continued_fraction(b, a, 1.0 - x) / b
        } else {
            bt * continued_fraction(a, b, x) / a
        }
    }

    /// `(I_x(a, b), f(x))`, the CDF and the density at `x ∈ (0, 1)`, sharing `x^a(1−x)^b/B`.
    fn cdf_pdf(&self, x: f64) -> (f64, f64) {
        let (a, b) = (self.a, self.b);
        let bt = (self.front_ab + a * x.ln() + b * (1.0 - x).ln()).exp();
        let cdf = if x >= (a + 1.0) / (a + b + 2.0) {
            1.0 - bt * continued_fraction(b, a, 1.0 - x) / b
        } else {
            bt * continued_fraction(a, b, x) / a
        };
        (cdf, bt / (x * (1.0 - x)))
    }

    /// `I⁻¹_u(a, b)`: the node table's cubic Hermite guess polished by Halley's method on
    /// `I_x(a, b) − u`; [`BetaInverse::exact`] outside the table or if the polish strays.
    ///
    /// # Formula
    /// Guess `x₀` from the nodes `(u_k, x_k, dx/du = 1/f(x_k))`; then, with
    /// `g = I_x − u`, `g' = f(x)`, `g''/g' = (a−1)/x − (b−1)/(1−x)`:
    /// `x ← x − (g/g') / (1 − ½·(g/g')·(g''/g'))`, until the step is below `10⁻⁷·x`
    /// (Halley converges cubically: the next error is of the order of the step cubed).
    fn at(&self, u: f64) -> f64 {
        let s = u * NODES as f64;
        let k = s as usize; // floor, u > 0
        if k < 1 || k + 1 >= NODES {
            return self.exact(u);
        }
        let ((x0, d0), (x1, d1)) = (self.nodes[k], self.nodes[k + 1]);
        let t = s - k as f64;
        let h = 1.0 / NODES as f64;
        let (t2, t3) = (t * t, t * t * t);
        let guess = (2.0 * t3 - 3.0 * t2 + 1.0) * x0
            + (t3 - 2.0 * t2 + t) * h * d0
            + (3.0 * t2 - 2.0 * t3) * x1
            + (t3 - t2) * h * d1;
        // The quantile lies between the nodes; keep the guess strictly inside.
        let mut x = guess.clamp(x0, x1);
        let (a1, b1) = (self.a - 1.0, self.b - 1.0);
        for _ in 0..4 {
            if !(x > 0.0 && x < 1.0) {
                break;
            }
            let (cdf, pdf) = self.cdf_pdf(x);
            let newton = (cdf - u) / pdf;
            let curvature = a1 / x - b1 / (1.0 - x);
            let step = newton / (1.0 - 0.5 * newton * curvature);
            let next = x - step;
            if !next.is_finite() || next < x0 || next > x1 {
                break;
            }
            x = next;
            if step.abs() <= 1e-7 * x {
                return x;
            }
        }
        self.exact(u)
    }

    /// statrs' `inv_beta_reg(a, b, x)`, bit for bit (see the module docs).
    #[allow(clippy::float_cmp)] // exact comparisons, as in statrs, keep the results identical
    fn exact(&self, x: f64) -> f64 {
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

/// The continued fraction of statrs' `beta_reg` (Numerical Recipes' `betacf`), after
/// statrs' choice of which tail to expand: `I_x(a, b) = x^a(1−x)^b/(a·B(a,b))·cf`.
fn continued_fraction(a: f64, b: f64, x: f64) -> f64 {
    let eps = F64_PREC;
    let fpmin = f64::MIN_POSITIVE / eps;
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
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Scenario;
    use statrs::distribution::ContinuousCDF;

    /// A dense grid of `u` in (0, 1), tails included.
    fn grid() -> Vec<f64> {
        let mut us: Vec<f64> = (1..20_000).map(|i| f64::from(i) / 20_000.0).collect();
        // Irregular points too, off the table's nodes.
        us.extend((0..5000).map(|i| (f64::from(i) * 0.618_033_988_749_895).fract()));
        for k in 1..=15 {
            let t = 10f64.powi(-k);
            us.extend([t, 1.0 - t, 0.5 * t, 1.0 - 0.5 * t]);
        }
        us.extend([f64::EPSILON, 1.0 - f64::EPSILON / 2.0, 0.5]);
        us.retain(|&u| u > 0.0 && u < 1.0);
        us
    }

    /// Beta shapes: Swindon's and Valencia's PERTs and Beta(2, 334), and harder ones
    /// (U-shaped, J-shaped, flat, skewed, concentrated).
    const SHAPES: [(f64, f64); 12] = [
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
        (1.0, 5.0),
    ];

    #[test]
    fn exact_beta_inverse_is_bit_identical_to_statrs() {
        for (a, b) in SHAPES {
            let beta = Beta::new(a, b).expect("valid shapes");
            let fast = BetaInverse::new(&beta);
            for u in grid() {
                let (want, got) = (beta.inverse_cdf(u), fast.exact(u));
                assert_eq!(
                    want.to_bits(),
                    got.to_bits(),
                    "Beta({a}, {b}) at u = {u}: statrs {want}, cached {got}"
                );
            }
        }
    }

    /// Tolerance of the fast Beta quantile against statrs' value, relative to the smaller
    /// of `x` and `1 − x` (so both tails are held to the same standard). statrs stops its
    /// Newton iteration on an absolute step (AS R83), so near 0 it is the less accurate
    /// of the two: the residual test below shows which one is closer to the truth.
    const BETA_TOL: f64 = 1e-9;

    #[test]
    fn fast_beta_inverse_agrees_with_statrs() {
        let mut worst = 0.0f64;
        for (a, b) in SHAPES {
            let beta = Beta::new(a, b).expect("valid shapes");
            let fast = BetaInverse::new(&beta);
            for u in grid() {
                let (want, got) = (beta.inverse_cdf(u), fast.at(u));
                if got.to_bits() == want.to_bits() {
                    continue; // the tails take the exact path
                }
                let err = (got - want).abs() / want.min(1.0 - want);
                worst = worst.max(err);
                assert!(
                    err <= BETA_TOL,
                    "Beta({a}, {b}) at u = {u}: statrs {want}, fast {got}, error {err:e}"
                );
            }
        }
        eprintln!("worst relative difference from statrs: {worst:e}");
    }

    /// Against closed forms, the fast quantile is as accurate as statrs': Beta(1, b) has
    /// `x = 1 − (1 − u)^{1/b}` and Beta(a, 1) has `x = u^{1/a}`.
    #[test]
    fn fast_beta_inverse_is_as_accurate_as_statrs_on_closed_forms() {
        let (mut worst_fast, mut worst_statrs) = (0.0f64, 0.0f64);
        // (a, b, whether a = 1)
        for (a, b, a_is_1) in [
            (1.0, 3.0, true),
            (1.0, 5.0, true),
            (1.0, 40.0, true),
            (3.0, 1.0, false),
            (0.5, 1.0, false),
            (7.0, 1.0, false),
        ] {
            let beta = Beta::new(a, b).expect("valid shapes");
            let fast = BetaInverse::new(&beta);
            for u in grid() {
                let truth = if a_is_1 {
                    -((-u).ln_1p() / b).exp_m1()
                } else {
                    (u.ln() / a).exp()
                };
                // Outside the table both take statrs' path (bit-identical, tested above).
                if !(0.005..=0.995).contains(&u) {
                    continue;
                }
                let scale = truth.min(1.0 - truth);
                let e_fast = (fast.at(u) - truth).abs() / scale;
                let e_statrs = (beta.inverse_cdf(u) - truth).abs() / scale;
                worst_fast = worst_fast.max(e_fast);
                worst_statrs = worst_statrs.max(e_statrs);
            }
        }
        eprintln!(
            "closed forms, worst relative error: fast {worst_fast:e}, statrs {worst_statrs:e}"
        );
        assert!(
            worst_fast <= 1e-12 && worst_fast <= worst_statrs,
            "fast {worst_fast:e}, statrs {worst_statrs:e}"
        );
    }

    #[test]
    fn every_input_of_the_shipped_scenarios_matches_input_quantile() {
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
                let beta = matches!(input.dist(), Dist::Pert { .. } | Dist::Beta { .. });
                kinds.insert(format!("{:?}", std::mem::discriminant(input.dist())));
                for u in grid().into_iter().step_by(7) {
                    let (want, got) = (input.quantile(u), q.at(u));
                    if beta {
                        // PERT scales Beta by (max − min): compare on the Beta's scale.
                        let (lo, hi) = input.dist().support();
                        let (y, w) = ((got - lo) / (hi - lo), (want - lo) / (hi - lo));
                        assert!(
                            (y - w).abs() <= BETA_TOL * w.min(1.0 - w) + 4.0 * f64::EPSILON,
                            "{origin} {} at u = {u}: {want} vs {got}",
                            input.name()
                        );
                    } else {
                        assert_eq!(
                            want.to_bits(),
                            got.to_bits(),
                            "{origin} {} at u = {u}",
                            input.name()
                        );
                    }
                }
            }
        }
        // Uniform, triangular, PERT, normal, lognormal, beta, Bernoulli and fixed.
        assert!(kinds.len() >= 8, "only {} kinds covered", kinds.len());
    }
}
