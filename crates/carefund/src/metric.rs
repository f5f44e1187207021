//! The names of the headline metrics, in one place.
//!
//! Several commands take a metric: `run --target-metric`, `reverse --metric`,
//! `twoway --metric`. Each accepts a subset of [`MetricName`], always spelt the same:
//! the snake_case [`name`](MetricName::name) that files and help text show, with the
//! hyphenated [`alias`](MetricName::alias) accepted as well. Each command's own enum
//! ([`crate::convergence::TargetMetric`], [`crate::stress::Metric`],
//! [`crate::twoway::Metric`]) takes its name from here.

/// A headline metric, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MetricName {
    /// `p_break_even`: P(cumulative system net at the horizon ≥ 0).
    PBreakEven,
    /// `p_target_met_year1`: P(year-1 avoided admissions ≥ the plan's year-1 claim).
    PTargetMetYear1,
    /// `p_savings_claim_met`: P(gross savings ≥ the plan's claimed savings).
    PSavingsClaimMet,
    /// `p_savings_claim_cashable`: P(cashable savings ≥ the plan's claimed savings).
    PSavingsClaimCashable,
    /// `mean_cum_net`: mean cumulative system net at the horizon (money).
    MeanCumNet,
    /// `median_cum_net`: median cumulative system net at the horizon (£).
    MedianCumNet,
    /// `mean_npv`: mean NPV of system net (£).
    MeanNpv,
}

impl MetricName {
    /// Every metric.
    pub const ALL: [MetricName; 7] = [
        MetricName::PBreakEven,
        MetricName::PTargetMetYear1,
        MetricName::PSavingsClaimMet,
        MetricName::PSavingsClaimCashable,
        MetricName::MeanCumNet,
        MetricName::MedianCumNet,
        MetricName::MeanNpv,
    ];

    /// The name on the command line, in help text and in files, e.g. `p_break_even`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            MetricName::PBreakEven => "p_break_even",
            MetricName::PTargetMetYear1 => "p_target_met_year1",
            MetricName::PSavingsClaimMet => "p_savings_claim_met",
            MetricName::PSavingsClaimCashable => "p_savings_claim_cashable",
            MetricName::MeanCumNet => "mean_cum_net",
            MetricName::MedianCumNet => "median_cum_net",
            MetricName::MeanNpv => "mean_npv",
        }
    }

    /// The same name with hyphens, also accepted, e.g. `p-break-even`.
    #[must_use]
    pub fn alias(self) -> &'static str {
        match self {
            MetricName::PBreakEven => "p-break-even",
            MetricName::PTargetMetYear1 => "p-target-met-year1",
            MetricName::PSavingsClaimMet => "p-savings-claim-met",
            MetricName::PSavingsClaimCashable => "p-savings-claim-cashable",
            MetricName::MeanCumNet => "mean-cum-net",
            MetricName::MedianCumNet => "median-cum-net",
            MetricName::MeanNpv => "mean-npv",
        }
    }

    /// The metric in words.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            MetricName::PBreakEven => "P(cumulative system net at the horizon ≥ 0)",
            MetricName::PTargetMetYear1 => "P(year-1 avoided admissions ≥ the plan's year-1 claim)",
            MetricName::PSavingsClaimMet => {
                "P(gross savings over the horizon ≥ the plan's claimed savings)"
            }
            MetricName::PSavingsClaimCashable => {
                "P(cashable savings over the horizon ≥ the plan's claimed savings)"
            }
            MetricName::MeanCumNet => "mean cumulative system net at the horizon",
            MetricName::MedianCumNet => "median cumulative system net at the horizon",
            MetricName::MeanNpv => "mean NPV of system net",
        }
    }

    /// The metric whose [`name`](Self::name) or [`alias`](Self::alias) is `s`.
    #[must_use]
    pub fn parse(s: &str) -> Option<MetricName> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|m| m.name() == s || m.alias() == s)
    }
}

impl std::fmt::Display for MetricName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_aliases_parse_back_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for m in MetricName::ALL {
            assert_eq!(MetricName::parse(m.name()), Some(m));
            assert_eq!(MetricName::parse(m.alias()), Some(m));
            assert_eq!(m.alias(), m.name().replace('_', "-"));
            assert!(seen.insert(m.name()) && seen.insert(m.alias()));
        }
        assert_eq!(MetricName::parse("npv"), None);
    }
}
