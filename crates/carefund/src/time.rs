//! Periods, labels and discount factors (docs/model.md §2).

/// How future cash flows are discounted (docs/model.md §2).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Discount {
    /// A constant annual rate `r`: `D_t = (1 + r)^(−τ_t)`.
    Constant(f64),
    /// HM Treasury Green Book schedule: 3.5% a year to year 30, 3.0% after.
    GreenBook,
}

/// The periods of a scenario's horizon.
///
/// `T = H·P` periods of length `dt = 1/P` years; period `t` has mid-point
/// `τ_t = (t + 0.5)·dt` years after the start. Cash flows are discounted at mid-points.
#[derive(Debug, Clone)]
pub struct Timeline {
    start_year: i32,
    horizon_years: u32,
    periods_per_year: u32,
    discount: Discount,
    tau: Vec<f64>,
    factors: Vec<f64>,
}

impl Timeline {
    /// A timeline; arguments are checked by the scenario check (`1 ≤ H ≤ 60`,
    /// `P ∈ {1, 2, 4, 12}`).
    pub(crate) fn new(
        start_year: i32,
        horizon_years: u32,
        periods_per_year: u32,
        discount: Discount,
    ) -> Self {
        let n = (horizon_years * periods_per_year) as usize;
        let dt = 1.0 / f64::from(periods_per_year);
        let tau: Vec<f64> = (0..n).map(|t| (t as f64 + 0.5) * dt).collect();
        let factors = tau.iter().map(|&x| discount_factor(discount, x)).collect();
        Self {
            start_year,
            horizon_years,
            periods_per_year,
            discount,
            tau,
            factors,
        }
    }

    /// Number of periods `T`.
    pub fn periods(&self) -> usize {
        self.tau.len()
    }
    /// Horizon `H` in years.
    pub fn horizon_years(&self) -> u32 {
        self.horizon_years
    }
    /// Periods per year `P`.
    pub fn periods_per_year(&self) -> u32 {
        self.periods_per_year
    }
    /// Period length `dt = 1/P` years.
    pub fn dt(&self) -> f64 {
        1.0 / f64::from(self.periods_per_year)
    }
    /// First financial year (2015 means 2015/16).
    pub fn start_year(&self) -> i32 {
        self.start_year
    }
    /// The discounting rule.
    pub fn discount(&self) -> Discount {
        self.discount
    }
    /// Mid-points `τ_t` in years.
    pub fn tau(&self) -> &[f64] {
        &self.tau
    }
    /// Discount factors `D_t` at the mid-points.
    pub fn discount_factors(&self) -> &[f64] {
        &self.factors
    }
    /// Year index (0-based) of period `t`: `⌊τ_t⌋`.
    pub fn year_of(&self, t: usize) -> usize {
        t / self.periods_per_year as usize
    }
    /// Label of financial year `y` (0-based), e.g. `2016/17`.
    pub fn year_label(&self, y: usize) -> String {
        let year = self.start_year + y as i32;
        format!("{}/{:02}", year, (year + 1).rem_euclid(100))
    }
    /// Label of period `t`: `2015/16` (P=1), `2015/16 H1`, `2015/16 Q1`, `2015/16 M01`.
    pub fn label(&self, t: usize) -> String {
        let p = self.periods_per_year as usize;
        let year = self.year_label(t / p);
        let k = t % p + 1;
        match p {
            1 => year,
            2 => format!("{year} H{k}"),
            4 => format!("{year} Q{k}"),
            _ => format!("{year} M{k:02}"),
        }
    }
    /// Labels of all periods.
    pub fn labels(&self) -> Vec<String> {
        (0..self.periods()).map(|t| self.label(t)).collect()
    }
}

/// Discount factor at `tau` years (docs/model.md §2).
///
/// # Formula
/// Constant: `(1 + r)^(−τ)`. Green Book: `1.035^(−τ)` for `τ ≤ 30`, else
/// `1.035^(−30) · 1.03^(−(τ − 30))`.
pub fn discount_factor(discount: Discount, tau: f64) -> f64 {
    match discount {
        Discount::Constant(r) => (1.0 + r).powf(-tau),
        Discount::GreenBook => {
            if tau <= 30.0 {
                1.035_f64.powf(-tau)
            } else {
                1.035_f64.powf(-30.0) * 1.03_f64.powf(-(tau - 30.0))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_follow_model_md() {
        let q = Timeline::new(2015, 5, 4, Discount::Constant(0.0));
        assert_eq!(q.periods(), 20);
        assert_eq!(q.label(0), "2015/16 Q1");
        assert_eq!(q.label(19), "2019/20 Q4");
        let m = Timeline::new(2015, 1, 12, Discount::Constant(0.0));
        assert_eq!(m.label(0), "2015/16 M01");
        assert_eq!(m.label(11), "2015/16 M12");
        let h = Timeline::new(1999, 2, 2, Discount::Constant(0.0));
        assert_eq!(h.label(3), "2000/01 H2");
        let a = Timeline::new(2015, 1, 1, Discount::Constant(0.0));
        assert_eq!(a.label(0), "2015/16");
    }

    #[test]
    fn mid_points_and_years() {
        let q = Timeline::new(2015, 5, 4, Discount::Constant(0.0));
        assert!((q.tau()[0] - 0.125).abs() < 1e-15);
        assert!((q.tau()[19] - 4.875).abs() < 1e-15);
        assert_eq!(q.year_of(3), 0);
        assert_eq!(q.year_of(4), 1);
    }

    #[test]
    fn green_book_switches_rate_after_thirty_years() {
        let at = |t| discount_factor(Discount::GreenBook, t);
        assert!((at(10.0) - 1.035_f64.powf(-10.0)).abs() < 1e-15);
        assert!((at(31.0) - 1.035_f64.powf(-30.0) / 1.03).abs() < 1e-15);
        // Continuous at 30 years.
        assert!((at(30.0) - at(30.0 + 1e-9)).abs() < 1e-10);
    }

    #[test]
    fn constant_discount() {
        assert!(
            (discount_factor(Discount::Constant(0.035), 2.0) - 1.035_f64.powi(-2)).abs() < 1e-15
        );
    }
}
