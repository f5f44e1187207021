//! What both report formats show, as typed tables: the headline metrics, the year table
//! and the assumptions. The workbook and the HTML page format the same cells.

use super::{Cell, Table};
use crate::scenario::{Input, PlanTarget, Ramp, Scenario};
use crate::stats::Stats;
use crate::summary::Summary;

/// One headline metric: words, value, standard error and its key in `summary.json`.
#[derive(Debug, Clone, PartialEq)]
pub struct HeadlineRow {
    /// The metric in words.
    pub label: String,
    /// Its value.
    pub value: Cell,
    /// Its Monte Carlo standard error, where it has one.
    pub se: Cell,
    /// Where `summary.json` holds it, e.g. `headline.p_break_even`.
    pub key: &'static str,
}

/// Builds a list of [`HeadlineRow`]s: the run's headline ([`headline_rows`]) and the
/// national totals (`report::national::national_rows`) are both written with it.
#[derive(Debug, Default)]
pub(crate) struct Rows(Vec<HeadlineRow>);

impl Rows {
    /// Any row.
    pub(crate) fn row(
        &mut self,
        label: impl Into<String>,
        value: Cell,
        se: Cell,
        key: &'static str,
    ) -> &mut Self {
        self.0.push(HeadlineRow {
            label: label.into(),
            value,
            se,
            key,
        });
        self
    }

    /// An amount of money with no standard error.
    pub(crate) fn money(
        &mut self,
        label: impl Into<String>,
        x: f64,
        key: &'static str,
    ) -> &mut Self {
        self.row(label, Cell::Money(x), Cell::Empty, key)
    }

    /// A probability and its standard error.
    pub(crate) fn share(
        &mut self,
        label: impl Into<String>,
        p: f64,
        se: f64,
        key: &'static str,
    ) -> &mut Self {
        self.row(label, Cell::Percent(p), Cell::Percent(se), key)
    }

    /// The mean of an amount of money and its standard error.
    pub(crate) fn mean(
        &mut self,
        label: impl Into<String>,
        s: &Stats,
        key: &'static str,
    ) -> &mut Self {
        self.row(label, Cell::Money(s.mean), Cell::Money(s.se), key)
    }

    /// `{stem}, P5` and `{stem}, P95` of an amount of money.
    pub(crate) fn tails(&mut self, stem: &str, s: &Stats, keys: [&'static str; 2]) -> &mut Self {
        self.money(format!("{stem}, P5"), s.p5, keys[0]).money(
            format!("{stem}, P95"),
            s.p95,
            keys[1],
        )
    }

    /// `{stem}, mean` (± its standard error), `median`, `P5` and `P95` of an amount of
    /// money; `keys` in that order.
    pub(crate) fn spread(&mut self, stem: &str, s: &Stats, keys: [&'static str; 4]) -> &mut Self {
        self.mean(format!("{stem}, mean"), s, keys[0])
            .money(format!("{stem}, median"), s.p50, keys[1])
            .tails(stem, s, [keys[2], keys[3]])
    }

    /// The rows, in the order added.
    pub(crate) fn done(&mut self) -> Vec<HeadlineRow> {
        std::mem::take(&mut self.0)
    }
}

/// The headline metrics of docs/model.md §5 and §13, in reading order.
pub fn headline_rows(s: &Summary) -> Vec<HeadlineRow> {
    let mut rows = Rows::default();
    claim_rows(&mut rows, s);
    outcome_rows(&mut rows, s);
    rows.done()
}

/// The spending, the claims and the probabilities of the headline.
fn claim_rows(rows: &mut Rows, s: &Summary) {
    let h = &s.headline;
    let last = s.years.last().map_or("the horizon", |y| y.year.as_str());
    let never = h.break_even_year.last().map_or(0.0, |b| b.probability);
    let never_se = h.break_even_year.last().map_or(0.0, |b| b.se);
    let sp = &s.spending;
    rows.money("Pooled fund, year 1 (a year)", sp.pooled, "spending.pooled")
        .money(
            "Schemes' cost (a year, before additionality and overruns)",
            sp.scheme_cost,
            "spending.scheme_cost",
        )
        .money(
            "of which new money (a year, before overruns)",
            sp.new_money,
            "spending.new_money",
        )
        .money(
            "The plan's claimed savings, all years",
            h.claimed_savings_total,
            "headline.claimed_savings_total",
        )
        .share(
            "P(claimed savings arrive, gross)",
            h.p_savings_claim_met,
            h.p_savings_claim_met_se,
            "headline.p_savings_claim_met",
        )
        .share(
            "P(claimed savings arrive as cash)",
            h.p_savings_claim_cashable,
            h.p_savings_claim_cashable_se,
            "headline.p_savings_claim_cashable",
        )
        .money(
            "Gross savings, all years, median",
            h.gross_total.p50,
            "headline.gross_total.p50",
        )
        .money(
            "Cashable savings, all years, median",
            h.cashable_total.p50,
            "headline.cashable_total.p50",
        )
        .share(
            format!("P(break even by {last}) of the new money"),
            h.p_break_even,
            h.p_break_even_se,
            "headline.p_break_even",
        )
        .share(
            "P(contingency always covered the hospital)",
            h.p_hospital_covered,
            h.p_hospital_covered_se,
            "headline.p_hospital_covered",
        )
        .mean(
            "Contingency paid to the hospital, all years, mean",
            &h.contingency_total,
            "headline.contingency_total.mean",
        )
        .share(
            "P(year-1 target met)",
            h.p_target_met_year1,
            h.p_target_met_year1_se,
            "headline.p_target_met_year1",
        )
        .share(
            "P(as good as the plan's own case)",
            h.p_meets_claim,
            h.p_meets_claim_se,
            "headline.p_meets_claim",
        )
        .share(
            "Never breaks even",
            never,
            never_se,
            "headline.break_even_year[never]",
        );
}

/// The distribution of cumulative net and NPV and the avoided admissions.
fn outcome_rows(rows: &mut Rows, s: &Summary) {
    let h = &s.headline;
    let last = s.years.last().map_or("the horizon", |y| y.year.as_str());
    let a = &h.avoided_total;
    rows.spread(
        &format!("Cumulative system net by {last}"),
        &h.cum_net_horizon,
        [
            "headline.cum_net_horizon.mean",
            "headline.cum_net_horizon.p50",
            "headline.cum_net_horizon.p5",
            "headline.cum_net_horizon.p95",
        ],
    )
    .money(
        "Plan's own case: cumulative system net",
        h.plan_claim.cum_net_horizon,
        "headline.plan_claim.cum_net_horizon",
    )
    .money(
        "Claim gap (median − plan's own case)",
        h.claim_gap,
        "headline.claim_gap",
    )
    .money(
        "Worst 5% of futures: mean cumulative net",
        h.expected_shortfall_5,
        "headline.expected_shortfall_5",
    )
    .mean(
        format!("NPV of system net ({}), mean", s.meta.discount),
        &h.npv,
        "headline.npv.mean",
    )
    .tails(
        "NPV of system net",
        &h.npv,
        ["headline.npv.p5", "headline.npv.p95"],
    )
    .row(
        "Avoided admissions, all years, mean",
        Cell::Count(a.mean),
        Cell::Number((a.se * 10.0).round() / 10.0),
        "headline.avoided_total.mean",
    )
    .row(
        "Plan's own case: avoided admissions",
        Cell::Count(h.plan_claim.avoided_total),
        Cell::Empty,
        "headline.plan_claim.avoided_total",
    );
}

/// Per financial year: means of avoided admissions, the plan's claim, cashable
/// savings, spend and net, the median cumulative net and P(cumulative net ≥ 0).
pub fn years_table(s: &Summary) -> Table {
    Table::new(
        "Year by year (means over all futures unless stated)",
        &[
            "Year",
            "Avoided admissions",
            "Plan's claim",
            "Cashable savings",
            "Scheme spend",
            "System net",
            "Median cumulative net",
            "P(cumulative net ≥ 0)",
        ],
        s.years
            .iter()
            .map(|y| {
                vec![
                    Cell::text(&y.year),
                    Cell::Count(y.avoided),
                    Cell::Count(y.plan),
                    Cell::Money(y.cashable),
                    Cell::Money(y.investment),
                    Cell::Money(y.net),
                    Cell::Money(y.cum_net_median),
                    Cell::Percent(y.p_cum_net_non_negative),
                ]
            })
            .collect(),
    )
}

/// How an input's values are shown: shares and rates as percentages, money in the
/// scenario's currency,
/// years and multipliers as plain numbers.
fn input_cell(input: &Input, x: f64) -> Cell {
    let name = input.name();
    if name == "costs.unit_cost" {
        Cell::Money(x)
    } else if name.ends_with(".ramp_years") || name.ends_with(".cost_overrun") {
        Cell::Number(x)
    } else {
        Cell::Percent(x)
    }
}

/// A percentile of an input; empty for a success probability, whose draws are only 0
/// or 1 (its probability is in the distribution column).
fn spread(input: &Input, u: f64) -> Cell {
    if input.name().ends_with(".success_probability") {
        Cell::Empty
    } else {
        input_cell(input, input.quantile(u))
    }
}

fn what(input: &Input) -> &'static str {
    let name = input.name();
    match name {
        "demand.growth" => "underlying annual growth of emergency admissions",
        "costs.unit_cost" => "economic cost of one emergency admission",
        "costs.cashable_share_short" => "share of that cost released as cash in the short run",
        "costs.cashable_share_long" => "share released once capacity is removed",
        "fund.uplift" => "annual real change in the pooled fund",
        _ if name.ends_with(".effect") => "share of admissions avoided at full effect",
        _ if name.ends_with(".ramp_years") => "years to full effect",
        _ if name.ends_with(".success_probability") => "probability the scheme delivers at all",
        _ if name.ends_with(".cost_overrun") => "multiplier on planned cost",
        _ if name.ends_with(".additional_share") => "share of the scheme's cost that is new money",
        _ => "",
    }
}

/// The assumptions: every uncertain input (distribution in words, central value, P10
/// and P90), the fixed parameters, and the schemes.
pub fn assumption_tables(sc: &Scenario) -> Vec<Table> {
    let mut fixed = scenario_rows(sc);
    fixed.extend(plan_rows(sc));
    fixed.extend(credibility_rows(sc.credibility()));
    let fixed = Table::new("Fixed parameters", &["Parameter", "Value"], fixed);
    vec![inputs_table(sc), fixed, schemes_table(sc)]
}

/// Every uncertain input: its distribution in words, central value, P10 and P90.
fn inputs_table(sc: &Scenario) -> Table {
    Table::new(
        "Inputs drawn once per future",
        &[
            "Input",
            "Meaning",
            "Distribution",
            "Central value (plan case)",
            "P10",
            "P90",
        ],
        sc.inputs()
            .iter()
            .map(|i| {
                vec![
                    Cell::text(i.name()),
                    Cell::text(what(i)),
                    Cell::text(i.dist().describe()),
                    input_cell(i, i.central()),
                    spread(i, 0.1),
                    spread(i, 0.9),
                ]
            })
            .collect(),
    )
}

/// The fixed parameters of `[scenario]`, `[fund]`, `[demand]` and `[costs]`.
fn scenario_rows(sc: &Scenario) -> Vec<Vec<Cell>> {
    let tl = sc.timeline();
    let s = |x: &str| Cell::text(x);
    vec![
        vec![s("Scenario"), s(sc.name())],
        vec![s("First financial year"), Cell::text(tl.year_label(0))],
        vec![
            s("Last financial year"),
            Cell::text(tl.year_label(tl.horizon_years() as usize - 1)),
        ],
        vec![
            s("Horizon (years)"),
            Cell::Count(f64::from(tl.horizon_years())),
        ],
        vec![
            s("Periods per year"),
            Cell::Count(f64::from(tl.periods_per_year())),
        ],
        vec![
            s("Discounting"),
            Cell::text(match tl.discount() {
                crate::scenario::Discount::Constant(r) => {
                    format!("constant {:.2}% a year", 100.0 * r)
                }
                crate::scenario::Discount::GreenBook => {
                    "HM Treasury Green Book (3.5% to year 30, 3.0% after)".into()
                }
            }),
        ],
        vec![
            s("Payment model"),
            s(match sc.payment() {
                crate::scenario::Payment::Tariff => "tariff (payment by results)",
                crate::scenario::Payment::Capitation => "capitation",
            }),
        ],
        vec![
            s(&format!(
                "Pooled fund, year 1 ({} a year)",
                sc.currency().code()
            )),
            Cell::Money(sc.pooled()),
        ],
        vec![s("Currency"), s(sc.currency().code())],
        vec![
            s("Contingency share of the fund"),
            Cell::Percent(sc.contingency_share),
        ],
        vec![
            s("Counterfactual emergency admissions, year 1"),
            Cell::Count(sc.baseline_admissions),
        ],
        vec![
            s("Period-to-period demand variability (sd)"),
            Cell::Percent(sc.variability),
        ],
        vec![
            s("Poisson count noise"),
            s(if sc.count_noise { "on" } else { "off" }),
        ],
        vec![s("Tariff per admission"), Cell::Money(sc.tariff)],
        vec![
            s("Years to release capacity (cashable share short → long)"),
            Cell::Number(sc.capacity_release_years),
        ],
    ]
}

/// The plan's target, ambition, claimed savings and payment for performance.
fn plan_rows(sc: &Scenario) -> Vec<Vec<Cell>> {
    let tl = sc.timeline();
    let s = |x: &str| Cell::text(x);
    let mut fixed = Vec::new();
    match sc.plan() {
        PlanTarget::Reduction(r) => fixed.push(vec![
            s("Plan: target reduction in emergency admissions"),
            Cell::Percent(*r),
        ]),
        PlanTarget::PerYear(v) => {
            for (y, x) in v.iter().enumerate() {
                fixed.push(vec![
                    Cell::text(format!(
                        "Plan: avoided admissions claimed in {}",
                        tl.year_label(y)
                    )),
                    Cell::Count(*x),
                ]);
            }
        }
    }
    if let Some(m) = sc.minimum_ambition {
        fixed.push(vec![s("Plan: national minimum ambition"), Cell::Percent(m)]);
    }
    match sc.claimed_savings() {
        None => fixed.push(vec![
            s("Plan: claimed savings"),
            s("claimed avoided admissions × tariff (default)"),
        ]),
        Some(crate::scenario::ClaimedSavings::Constant(x)) => {
            fixed.push(vec![s("Plan: claimed savings a year"), Cell::Money(*x)])
        }
        Some(crate::scenario::ClaimedSavings::PerYear(v)) => {
            for (y, x) in v.iter().enumerate() {
                fixed.push(vec![
                    Cell::text(format!("Plan: savings claimed in {}", tl.year_label(y))),
                    Cell::Money(*x),
                ]);
            }
        }
    }
    match sc.p4p {
        Some((value, share)) => {
            fixed.push(vec![
                s("Payment for performance: value per avoided admission"),
                Cell::Money(value),
            ]);
            if let Some(share) = share {
                fixed.push(vec![
                    s("Payment for performance: cap as a share of the fund"),
                    Cell::Percent(share),
                ]);
            }
        }
        None => fixed.push(vec![s("Payment for performance"), s("none")]),
    }
    fixed
}

/// The rating basis and its thresholds.
fn credibility_rows(c: &crate::Credibility) -> Vec<Vec<Cell>> {
    let s = |x: &str| Cell::text(x);
    let t = |words: &str, p: f64| vec![s(words), Cell::Percent(p)];
    let mut fixed = vec![vec![s("Rating basis"), s(c.basis.name())]];
    fixed.extend(match c.basis {
        crate::Basis::Claims => [
            t(
                "Rating: approved needs P(claimed savings arrive as cash) ≥",
                c.approved_p_savings_claim_cashable,
            ),
            t(
                "Rating: approved also needs P(break even) ≥",
                c.claims_approved_p_break_even,
            ),
            t(
                "Rating: approved with support needs P(claimed savings arrive) ≥",
                c.support_p_savings_claim_met,
            ),
            t(
                "Rating: approved with conditions needs P(claimed savings arrive) ≥",
                c.conditions_p_savings_claim_met,
            ),
        ],
        crate::Basis::BreakEven => [
            t(
                "Rating: approved needs P(break even) ≥",
                c.approved_p_break_even,
            ),
            t(
                "Rating: approved also needs P(year-1 target met) ≥",
                c.approved_p_target_met_year1,
            ),
            t(
                "Rating: approved with support needs P(break even) ≥",
                c.support_p_break_even,
            ),
            t(
                "Rating: approved with conditions needs P(break even) ≥",
                c.conditions_p_break_even,
            ),
        ],
    });
    fixed
}

/// The schemes' fixed parts.
fn schemes_table(sc: &Scenario) -> Table {
    let s = |x: &str| Cell::text(x);
    Table::new(
        "Schemes (fixed parts; their uncertain inputs are above)",
        &[
            "Scheme",
            "Planned cost (a year)",
            "NHS share of funding",
            "Council share of funding",
            "Starts (years)",
            "Ends (years)",
            "Ramp",
            "Annual fade after full effect",
            "Effect persists after end",
        ],
        sc.schemes()
            .iter()
            .map(|x| {
                vec![
                    Cell::text(x.name()),
                    Cell::Money(x.annual_cost),
                    Cell::Percent(x.nhs_share),
                    Cell::Percent(1.0 - x.nhs_share),
                    Cell::Number(x.start),
                    Cell::Number(x.end),
                    s(match x.ramp {
                        Ramp::Linear => "linear",
                        Ramp::SCurve => "s-curve",
                    }),
                    Cell::Percent(x.decay),
                    s(if x.persists_after_end { "yes" } else { "no" }),
                ]
            })
            .collect(),
    )
}
