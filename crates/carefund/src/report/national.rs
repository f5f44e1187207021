//! The reports of a national run (`carefund national --xlsx FILE --report FILE.html`,
//! docs/model.md §10): the same two formats as a single run's, built from a [`National`]
//! result and its template instead of one scenario's [`crate::Summary`].
//!
//! | sheet | what it holds |
//! |---|---|
//! | *Summary* | template (name, file, SHA-256), areas file (name, SHA-256), carefund's version, seed, paths per area, the national correlations; the verdict; areas per rating; the national totals with their standard errors; each row's key in `national.json`; the fan chart |
//! | *Fan chart* | the national cumulative-net fan (sum over areas) as a native Excel chart and its table |
//! | *Areas* | one row per area, in file order: rating, P(break even) ± SE, P(year-1 target met), cumulative net (median, P5, P95, mean, SD), avoided admissions, the area's inputs and seed; header frozen, autofilter |
//! | *Ratings* | areas per rating and a native column chart of it |
//! | *Assumptions* | the template's inputs, fixed parameters and schemes |
//!
//! The HTML page reads as a board paper: the national verdict and its reasons, the
//! national figures, the charts (fan, areas per rating, every area's P(break even)), the
//! areas table (ranked), the template's assumptions and the methods (seed, paths, the
//! national shocks and their correlations). Both formats share the single-run report's
//! cell types, tables and writers.

use std::fmt::Write;

use super::content::{HeadlineRow, Rows};
use super::html::{
    Page, Part, assumptions_section, charts_of, class_of, escape, money_definitions, svg_figure,
    verdict_box, wrap, write_page,
};
use super::xlsx::{Book, Fan, KeyValue, Sheet, write_book};
use super::{Cell, NativeChart, NativeKind, Section, SectionChart, Table, percent};
use crate::chart::{self, Format};
use crate::error::Result;
use crate::fmt::group;
use crate::national::{National, report};
use crate::scenario::Scenario;
use crate::summary::{Rating, RatingInputs, rate_probabilities};

/// Everything a national report shows: the national run and its template scenario.
#[derive(Debug, Clone, Copy)]
pub struct NationalInput<'a> {
    /// The national run's results (what `national.json` holds).
    pub national: &'a National,
    /// The template every area was built from (for the assumptions).
    pub template: &'a Scenario,
}

impl<'a> NationalInput<'a> {
    /// A report of `national`, a run of the portfolio built on `template`.
    pub fn new(national: &'a National, template: &'a Scenario) -> Self {
        Self { national, template }
    }
}

/// The financial year `y` years after the first, e.g. `2019/20`.
fn year(n: &National, y: u32) -> String {
    let year = n.meta.start_year + y as i32;
    format!("{}/{:02}", year, (year + 1).rem_euclid(100))
}

/// The last financial year of the horizon.
fn last_period(n: &National) -> String {
    year(n, n.meta.horizon_years.saturating_sub(1))
}

/// The national totals of `national.json` (`totals.*`), in reading order, with their
/// standard errors.
pub fn national_rows(n: &National) -> Vec<HeadlineRow> {
    let t = &n.totals;
    let last = last_period(n);
    Rows::default()
        .money(
            "Pooled funds, year 1 (sum over areas, a year)",
            t.pooled,
            "totals.pooled",
        )
        .money(
            "Schemes' cost (a year, before additionality)",
            t.scheme_cost,
            "totals.scheme_cost",
        )
        .money(
            "New money (a year, before overruns)",
            t.new_money_per_year,
            "totals.new_money_per_year",
        )
        .money(
            "Plans' claimed savings, whole horizon",
            t.claimed_savings_total,
            "totals.claimed_savings_total",
        )
        .share(
            "P(claimed savings arrive, gross)",
            t.p_savings_claim_met,
            t.p_savings_claim_met_se,
            "totals.p_savings_claim_met",
        )
        .share(
            "P(claimed savings arrive as cash)",
            t.p_savings_claim_cashable,
            t.p_savings_claim_cashable_se,
            "totals.p_savings_claim_cashable",
        )
        .share(
            "P(every hospital covered by its contingency)",
            t.p_hospital_covered,
            t.p_hospital_covered_se,
            "totals.p_hospital_covered",
        )
        .share(
            format!("P(national break even by {last})"),
            t.p_break_even,
            t.p_break_even_se,
            "totals.p_break_even",
        )
        .share(
            "P(national year-1 reduction met)",
            t.p_target_met_year1,
            t.p_target_met_year1_se,
            "totals.p_target_met_year1",
        )
        .row(
            "Plans' claimed avoided admissions, year 1 (sum over areas)",
            Cell::Count(t.plan_year1),
            Cell::Empty,
            "totals.plan_year1",
        )
        .spread(
            &format!("National cumulative net by {last}"),
            &t.cum_net,
            [
                "totals.cum_net.mean",
                "totals.cum_net.p50",
                "totals.cum_net.p5",
                "totals.cum_net.p95",
            ],
        )
        .mean(
            "NPV of national system net, mean",
            &t.npv,
            "totals.npv.mean",
        )
        .tails(
            "NPV of national system net",
            &t.npv,
            ["totals.npv.p5", "totals.npv.p95"],
        )
        .row(
            "Avoided admissions, year 1, mean",
            Cell::Count(t.avoided_year1.mean),
            Cell::Count(t.avoided_year1.se),
            "totals.avoided_year1.mean",
        )
        .row(
            "Avoided admissions, all years, mean",
            Cell::Count(t.avoided.mean),
            Cell::Count(t.avoided.se),
            "totals.avoided.mean",
        )
        .row(
            "Avoided admissions, all years, median",
            Cell::Count(t.avoided.p50),
            Cell::Empty,
            "totals.avoided.p50",
        )
        .mean(
            "Pay for performance released, mean",
            &t.released,
            "totals.released.mean",
        )
        .mean(
            "Pay for performance withheld, mean",
            &t.withheld,
            "totals.withheld.mean",
        )
        .mean(
            "Contingency paid to hospitals, mean",
            &t.contingency,
            "totals.contingency.mean",
        )
        .done()
}

/// The verdict of a national run: a heading, the class of its colour bar (the rating
/// most areas got, the worse one on a tie) and the reasons, all derived from
/// `national.json`.
#[derive(Debug, Clone, PartialEq)]
pub struct NationalVerdict {
    /// E.g. `Verdict: 140 of 151 area plans not approved`.
    pub heading: String,
    /// The rating most areas got (the worse one on a tie).
    pub most_areas: Rating,
    /// The national totals judged as one fund by the template's thresholds.
    pub as_one_fund: Rating,
    /// The reasons, in plain sentences.
    pub reasons: Vec<String>,
}

/// The national verdict (see [`NationalVerdict`]).
pub fn verdict(n: &National) -> NationalVerdict {
    let m = &n.meta;
    let t = &n.totals;
    let count = |r: Rating| {
        n.ratings
            .iter()
            .find(|c| c.rating == r)
            .map_or(0, |c| c.areas)
    };
    let not = count(Rating::NotApproved);
    let most_areas = Rating::ALL
        .iter()
        .rev()
        .copied()
        .max_by_key(|&r| count(r))
        .unwrap_or(Rating::NotApproved);
    let as_one_fund = rate_probabilities(
        &m.credibility,
        &RatingInputs {
            claims_anything: n.areas.iter().any(|a| a.rating != Rating::NotRated),
            p_break_even: t.p_break_even,
            p_target_met_year1: t.p_target_met_year1,
            p_savings_claim_met: t.p_savings_claim_met,
            p_savings_claim_cashable: t.p_savings_claim_cashable,
        },
    );
    let c = &m.credibility;
    let money = |x: f64| m.currency.money(x);
    let last = last_period(n);
    let rule = match c.basis {
        crate::Basis::Claims => format!(
            "each area's own claimed savings against the template's thresholds: approved when they arrive as cash in ≥ {} \
             of futures and the new money pays back in ≥ {}, with support when they arrive at all in ≥ {}, with conditions ≥ {}",
            percent(c.approved_p_savings_claim_cashable),
            percent(c.claims_approved_p_break_even),
            percent(c.support_p_savings_claim_met),
            percent(c.conditions_p_savings_claim_met)
        ),
        crate::Basis::BreakEven => format!(
            "each area's own P(break even by {last}) against the template's thresholds: approved ≥ {} with P(year-1 \
             target met) ≥ {}, with support ≥ {}, with conditions ≥ {}",
            percent(c.approved_p_break_even),
            percent(c.approved_p_target_met_year1),
            percent(c.support_p_break_even),
            percent(c.conditions_p_break_even)
        ),
    };
    let counts: Vec<String> = n
        .ratings
        .iter()
        .map(|r| format!("{} {}", r.areas, r.rating.to_string().to_lowercase()))
        .collect();
    let reasons = vec![
        format!("Of {} areas, {} ({rule}).", m.areas, counts.join(", ")),
        format!(
            "The plans spend {} a year of new money (of {} a year the schemes cost, against {} pooled) and claim savings \
             of {} over the horizon; summed over all areas these arrive as gross savings in {} ± {} of futures and as \
             cash in {} ± {}.",
            money(t.new_money_per_year),
            money(t.scheme_cost),
            money(t.pooled),
            money(t.claimed_savings_total),
            percent(t.p_savings_claim_met),
            percent(t.p_savings_claim_met_se),
            percent(t.p_savings_claim_cashable),
            percent(t.p_savings_claim_cashable_se)
        ),
        format!(
            "Summed over all areas, cumulative system net by {last} is at least zero in {} ± {} of futures; \
             the median future ends at {}, and 90% of futures end between {} and {}.",
            percent(t.p_break_even),
            percent(t.p_break_even_se),
            money(t.cum_net.p50),
            money(t.cum_net.p5),
            money(t.cum_net.p95)
        ),
        format!(
            "The plans together claim {} fewer emergency admissions in year 1; the national total reaches \
             that in {} ± {} of futures.",
            group(t.plan_year1),
            percent(t.p_target_met_year1),
            percent(t.p_target_met_year1_se)
        ),
        format!(
            "Judged as one fund by the template's thresholds, the national portfolio would be rated {}.",
            as_one_fund.to_string().to_lowercase()
        ),
        format!(
            "Every hospital's contingency reserve covers all the admissions its plan said would not happen in {} of futures.",
            percent(t.p_hospital_covered)
        ),
        format!(
            "Areas share a national shock to scheme effectiveness (correlation {}) and to demand growth \
             (correlation {}): the more they share, the more areas fail together and the wider the national spread.",
            m.factors.effect_correlation, m.factors.growth_correlation
        ),
    ];
    NationalVerdict {
        heading: format!("Verdict: {not} of {} area plans not approved", m.areas),
        most_areas,
        as_one_fund,
        reasons,
    }
}

/// Every area, in file order: its rating, P(break even) ± SE, P(year-1 target met),
/// cumulative net (median, P5, P95, mean, SD), avoided admissions, its row of the
/// areas file and its seed (as text: a 64-bit seed does not fit Excel's numbers).
pub fn areas_table(n: &National) -> Table {
    let mut t = Table::new(
        "",
        &[
            "Area",
            "Rating",
            "P(break even)",
            "± SE",
            "P(year-1 target met)",
            "P(claimed savings arrive)",
            "P(… as cash)",
            "P(hospital covered)",
            "Claimed savings, whole horizon",
            "New money a year",
            "Median cumulative net",
            "P5 cumulative net",
            "P95 cumulative net",
            "Mean cumulative net",
            "SD cumulative net",
            "Median avoided admissions",
            "Mean avoided admissions",
            "Pooled fund (a year)",
            "Baseline admissions",
            "Target reduction",
            "Seed",
        ],
        n.areas
            .iter()
            .map(|a| {
                vec![
                    Cell::text(&a.area),
                    Cell::text(a.rating.to_string()),
                    Cell::Percent(a.p_break_even),
                    Cell::Percent(a.p_break_even_se),
                    Cell::Percent(a.p_target_met_year1),
                    Cell::Percent(a.p_savings_claim_met),
                    Cell::Percent(a.p_savings_claim_cashable),
                    Cell::Percent(a.p_hospital_covered),
                    Cell::Money(a.claimed_savings_total),
                    Cell::Money(a.new_money),
                    Cell::Money(a.cum_net_median),
                    Cell::Money(a.cum_net_p5),
                    Cell::Money(a.cum_net_p95),
                    Cell::Money(a.cum_net_mean),
                    Cell::Money(a.cum_net_sd),
                    Cell::Count(a.avoided_median),
                    Cell::Count(a.avoided_mean),
                    Cell::Money(a.pooled),
                    Cell::Count(a.baseline_admissions),
                    Cell::Percent(a.target_reduction),
                    Cell::text(a.seed.to_string()),
                ]
            })
            .collect(),
    );
    t.note = Some(format!(
        "Cumulative net is each area's cumulative system net by {} over {} futures; the seed reproduces the area alone \
         (carefund run of its scenario with --seed SEED when both correlations are 0).",
        last_period(n),
        group(n.meta.paths as f64)
    ));
    t
}

/// Areas per rating (all four ratings, best first) and the share of areas.
pub fn ratings_table(n: &National) -> Table {
    let total = n.meta.areas.max(1) as f64;
    Table::new(
        "Areas per rating",
        &["Rating", "Areas", "Share of areas"],
        n.ratings
            .iter()
            .map(|r| {
                vec![
                    Cell::text(r.rating.to_string()),
                    Cell::Count(r.areas as f64),
                    Cell::Percent(r.areas as f64 / total),
                ]
            })
            .collect(),
    )
}

/// The national fan: per period, the statistics of cumulative net summed over areas.
fn fan(n: &National) -> Fan {
    Fan {
        title: format!("National cumulative system net — {}", n.meta.template_name),
        alt: fan_alt(n),
        periods: n
            .periods
            .iter()
            .map(|p| (p.label.clone(), p.cum_net))
            .collect(),
        plan: None,
        periods_per_year: n.meta.periods_per_year,
    }
}

fn fan_alt(n: &National) -> String {
    let money = |x: f64| n.meta.currency.money(x);
    let (Some(first), Some(end)) = (n.periods.first(), n.periods.last()) else {
        return "Fan chart of national cumulative system net (no periods).".into();
    };
    format!(
        "Fan chart of national cumulative system net (sum over {} areas) over {} periods. The median future goes from {} in {} \
         to {} by {}; 90% of futures end between {} and {}, half between {} and {}.",
        n.meta.areas,
        n.periods.len(),
        money(first.cum_net.p50),
        first.label,
        money(end.cum_net.p50),
        end.label,
        money(end.cum_net.p5),
        money(end.cum_net.p95),
        money(end.cum_net.p25),
        money(end.cum_net.p75)
    )
}

fn ratings_alt(n: &National) -> String {
    let counts: Vec<String> = n
        .ratings
        .iter()
        .map(|r| format!("{}: {} areas", r.rating, r.areas))
        .collect();
    format!("Column chart of areas per rating. {}.", counts.join("; "))
}

fn ranked_alt(n: &National) -> String {
    let mut p: Vec<f64> = n.areas.iter().map(|a| a.p_break_even).collect();
    p.sort_by(|a, b| b.total_cmp(a));
    let at = |i: usize| p.get(i).map_or("–".into(), |&x| percent(x));
    format!(
        "Dot chart of every area's P(break even), ranked from best to worst, with ± 2 standard errors and the rating \
         thresholds as lines. Best {}, median area {}, worst {}.",
        at(0),
        at(p.len() / 2),
        at(p.len().saturating_sub(1))
    )
}

/// The *Ratings* part: the table and its native column chart.
fn ratings_section(n: &National) -> Section {
    Section {
        title: "Ratings".into(),
        paragraphs: vec![format!(
            "Each area is rated by its own results against the template's thresholds, on the basis the template sets \
             ({} futures per area).",
            group(n.meta.paths as f64)
        )],
        tables: vec![ratings_table(n)],
        charts: vec![SectionChart {
            title: format!("Areas per rating — {}", n.meta.template_name),
            alt: ratings_alt(n),
            svg: None,
            native: Some(NativeChart {
                kind: NativeKind::Column,
                table: 0,
                categories: 0,
                series: vec![1],
                value_axis: "Areas".into(),
            }),
        }],
    }
}

/// Integers up to 2⁵³ are exact in Excel; a larger seed is written as text.
fn seed_cell(seed: u64) -> Cell {
    if seed < (1 << 53) {
        Cell::Number(seed as f64)
    } else {
        Cell::text(seed.to_string())
    }
}

/// The workbook of a national run, as bytes (see the module docs for its sheets).
///
/// # Errors
/// [`crate::Error::Export`] if the workbook cannot be assembled.
pub fn national_xlsx(input: &NationalInput) -> Result<Vec<u8>> {
    let n = input.national;
    let m = &n.meta;
    let t = |x: &str| Cell::text(x);
    let e = Cell::Empty;
    let mut rows = vec![
        KeyValue::new(
            "Template",
            t(&m.template_name),
            e.clone(),
            "meta.template_name",
        ),
        KeyValue::new(
            "Template file",
            t(&m.template_file),
            e.clone(),
            "meta.template_file",
        ),
        KeyValue::new(
            "Template file SHA-256",
            t(&m.template_hash),
            e.clone(),
            "meta.template_hash",
        ),
        KeyValue::new("Areas file", t(&m.areas_file), e.clone(), "meta.areas_file"),
        KeyValue::new(
            "Areas file SHA-256",
            t(&m.areas_hash),
            e.clone(),
            "meta.areas_hash",
        ),
        KeyValue::new(
            "carefund version",
            t(m.carefund_version),
            e.clone(),
            "meta.carefund_version",
        ),
        KeyValue::new("Seed", seed_cell(m.seed), e.clone(), "meta.seed"),
        KeyValue::new(
            "Paths per area",
            Cell::Count(m.paths as f64),
            e.clone(),
            "meta.paths",
        ),
        KeyValue::new(
            "Areas",
            Cell::Count(m.areas as f64),
            e.clone(),
            "meta.areas",
        ),
        KeyValue::new(
            "Correlation of scheme effectiveness between areas",
            Cell::Number(m.factors.effect_correlation),
            e.clone(),
            "meta.factors.effect_correlation",
        ),
        KeyValue::new(
            "Correlation of demand growth between areas",
            Cell::Number(m.factors.growth_correlation),
            e.clone(),
            "meta.factors.growth_correlation",
        ),
    ];
    let v = verdict(n);
    rows.push(KeyValue::new(
        "Verdict",
        t(&v.heading),
        e.clone(),
        "(from ratings)",
    ));
    for (i, reason) in v.reasons.iter().enumerate() {
        rows.push(KeyValue::new(
            format!("Reason {}", i + 1),
            t(reason),
            e.clone(),
            "(derived)",
        ));
    }
    for (i, r) in n.ratings.iter().enumerate() {
        rows.push(KeyValue::new(
            format!("Areas rated {}", r.rating.to_string().to_lowercase()),
            Cell::Count(r.areas as f64),
            e.clone(),
            &format!("ratings[{i}].areas"),
        ));
    }
    for h in national_rows(n) {
        rows.push(KeyValue::new(h.label, h.value, h.se, h.key));
    }
    write_book(&Book {
        currency: m.currency,
        title: format!("carefund national report: {}", m.template_name),
        json_key: "national.json key".into(),
        rows,
        fan: fan(n),
        sheets: vec![
            Sheet::List("Areas".into(), areas_table(n)),
            Sheet::Section(ratings_section(n)),
            Sheet::Assumptions(input.template),
        ],
    })
}

/// The columns `keep` of `t`, in that order.
fn project(t: &Table, title: &str, keep: &[usize]) -> Table {
    Table {
        title: title.into(),
        columns: keep
            .iter()
            .filter_map(|&c| t.columns.get(c).cloned())
            .collect(),
        rows: t
            .rows
            .iter()
            .map(|r| {
                keep.iter()
                    .map(|&c| r.get(c).cloned().unwrap_or(Cell::Empty))
                    .collect()
            })
            .collect(),
        note: t.note.clone(),
    }
}

/// The HTML report of a national run, as UTF-8 bytes (see the module docs).
///
/// # Errors
/// [`crate::Error::Chart`] if a chart cannot be drawn.
pub fn national_html(input: &NationalInput) -> Result<Vec<u8>> {
    Ok(write_page(&national_page(input)?))
}

/// The national report as a [`Page`], written by the run's writer.
fn national_page(input: &NationalInput) -> Result<Page> {
    let n = input.national;
    let m = &n.meta;
    let mut methods_html = String::new();
    methods(&mut methods_html, input);
    Ok(Page {
        title: format!(
            "{}: national credibility of the savings forecasts",
            m.template_name
        ),
        version: m.carefund_version.to_string(),
        currency: m.currency,
        header: national_header(input),
        parts: vec![
            Part::Fixed("headline", national_headline(n)),
            Part::Fixed("charts", national_charts(n)?),
            Part::Extra(areas_section(n)),
            assumptions_section(
                input.template,
                "The template's assumptions, shared by every area except where the areas file overrides them. Every uncertain \
                 input is drawn once per simulated future; the national shocks below then tie areas together.",
            ),
            Part::Html("methods", methods_html),
        ],
        footer: format!(
            "<footer><p>Produced by carefund {} from the template {} (SHA-256 <code>{}</code>) and the areas file {} \
             (SHA-256 <code>{}</code>). The same files, seed and number of paths reproduce every figure exactly: \
             <code>carefund national --areas {} --template {} --seed {} --paths {} --effect-correlation {} \
             --growth-correlation {}</code>.</p></footer>",
            escape(m.carefund_version),
            escape(&m.template_file),
            escape(&m.template_hash),
            escape(&m.areas_file),
            escape(&m.areas_hash),
            escape(&m.areas_file),
            escape(&m.template_file),
            m.seed,
            m.paths,
            m.factors.effect_correlation,
            m.factors.growth_correlation
        ),
    })
}

/// The page's header, the template's description and the verdict box.
fn national_header(input: &NationalInput) -> String {
    let n = input.national;
    let m = &n.meta;
    let t = &n.totals;
    let last = last_period(n);
    let mut o = String::new();
    let _ = write!(
        o,
        "<header><p class=\"kicker\">National portfolio: credibility of pooled-fund savings forecasts</p>\n<h1>{}</h1>\n\
         <p class=\"meta\">{} areas · {} simulated futures per area · seed {} · {} to {} · carefund {}</p></header>\n",
        escape(&m.template_name),
        group(m.areas as f64),
        group(m.paths as f64),
        m.seed,
        year(n, 0),
        escape(&last),
        escape(m.carefund_version)
    );
    if let Some(d) = input.template.description() {
        let _ = writeln!(o, "<p class=\"description\">{}</p>", escape(d.trim()));
    }
    let v = verdict(n);
    verdict_box(
        &mut o,
        class_of(v.most_areas),
        &v.heading,
        &format!(
            "Summed over areas, the claimed savings arrive in <strong>{}</strong> ± {} of futures, as cash in {}; \
             P(national break even by {}) = {} ± {} (one Monte Carlo standard error).",
            percent(t.p_savings_claim_met),
            percent(t.p_savings_claim_met_se),
            percent(t.p_savings_claim_cashable),
            escape(&last),
            percent(t.p_break_even),
            percent(t.p_break_even_se)
        ),
        &v.reasons,
        &[],
    );
    o
}

/// The national totals and the areas per rating.
fn national_headline(n: &National) -> Section {
    let mut headline = Table::new(
        "National totals: sums over areas in each simulated future",
        &["Metric", "Value", "± standard error"],
        national_rows(n)
            .into_iter()
            .map(|r| vec![Cell::Text(r.label), r.value, r.se])
            .collect(),
    );
    headline.note = Some(
        "Money is in real terms at the template's prices. A standard error measures the Monte Carlo noise of the figure; \
         more paths shrink it as 1/√paths."
            .into(),
    );
    Section {
        title: "National figures".into(),
        tables: vec![headline, ratings_table(n)],
        ..Section::default()
    }
}

/// The national fan, the areas per rating and every area's P(break even), as SVG.
fn national_charts(n: &National) -> Result<Section> {
    let last = last_period(n);
    let fan_svg = chart::fan_chart(&report::fan(n), Format::Svg).map_err(wrap("national-fan"))?;
    let ratings_svg =
        chart::columns(&report::ratings(n), Format::Svg).map_err(wrap("national-ratings"))?;
    let ranked_svg = chart::ranked(&report::ranked_break_even(n), Format::Svg)
        .map_err(wrap("national-break-even"))?;
    Ok(charts_of(vec![
        svg_figure(
            fan_svg,
            "National cumulative system net (cashable savings minus scheme spend, summed over areas), in millions: the median \
             future and the bands holding the middle 50%, 80% and 90% of futures."
                .into(),
            fan_alt(n),
        ),
        svg_figure(
            ratings_svg,
            "Areas per credibility rating.".into(),
            ratings_alt(n),
        ),
        svg_figure(
            ranked_svg,
            format!(
                "Every area's P(break even by {last}), best first, with ± 2 standard errors; the lines mark the rating thresholds."
            ),
            ranked_alt(n),
        ),
    ]))
}

/// The areas, best first; the workbook's Areas sheet has every column in file order.
fn areas_section(n: &National) -> Section {
    let m = &n.meta;
    let last = last_period(n);
    let full = areas_table(n);
    let mut ranked = full.clone();
    let mut order: Vec<usize> = (0..n.areas.len()).collect();
    order.sort_by(|&a, &b| n.areas[b].p_break_even.total_cmp(&n.areas[a].p_break_even));
    ranked.rows = order.iter().map(|&i| full.rows[i].clone()).collect();
    let mut areas = project(
        &ranked,
        "Every area, best P(break even) first",
        &[0, 1, 2, 3, 4, 5, 6, 7],
    );
    areas.note = Some(format!(
        "Cumulative net by {last}. The workbook's Areas sheet adds each area's mean and spread, avoided admissions, \
         inputs and seed."
    ));
    Section {
        title: "Areas".into(),
        paragraphs: vec![format!(
            "Each area is the template with its own pooled fund, baseline admissions and target reduction (and any \
             override columns of {}) written in, run for {} futures.",
            m.areas_file,
            group(m.paths as f64)
        )],
        tables: vec![areas],
        charts: Vec::new(),
    }
}

fn methods(o: &mut String, input: &NationalInput) {
    let n = input.national;
    let m = &n.meta;
    let c = &m.credibility;
    let last = escape(&last_period(n));
    let _ = write!(
        o,
        "<section aria-labelledby=\"methods\">\n<h2 id=\"methods\">Methods</h2>\n\
         <h3>What the figures mean</h3>\n<dl>\n\
         <dt>Area</dt><dd>One row of the areas file: the template scenario with that row's pooled fund, baseline \
         admissions, target reduction and any override columns written in, then checked like any scenario file. \
         Scheme spend scales with the area's pool.</dd>\n\
         {money}\
         <dt>National totals</dt><dd>In each simulated future, the sum over all {areas} areas of their cumulative \
         system net, NPV, avoided admissions and payments; the statistics are over futures.</dd>\n\
         <dt>P(national break even)</dt><dd>The share of futures in which national cumulative system net at the end \
         of {last} is at least zero, with its binomial standard error √(p(1−p)/n).</dd>\n\
         <dt>P(national year-1 reduction met)</dt><dd>The share of futures in which the admissions avoided nationally \
         in the first year reach the sum of the plans' own first-year claims.</dd>\n\
         <dt>Rating</dt><dd>The four names are those NHS England used to assure Better Care Fund plans; <strong>the \
         thresholds are carefund's own</strong>, set in the template: approved needs P(break even) ≥ {a} and P(year-1 \
         target met) ≥ {a1}; approved with support needs P(break even) ≥ {sup}; approved with conditions needs \
         P(break even) ≥ {con}; otherwise not approved. Each area is rated on its own futures.</dd>\n\
         </dl>\n\
         <h3>National shocks</h3>\n\
         <p>Areas share two national shocks, a one-factor Gaussian copula (docs/model.md §10). In each future a common \
         standard normal Z is drawn for scheme effectiveness and another for demand growth; each area's uniform draw \
         u of every scheme effect becomes Φ(√ρ·Z + √(1−ρ)·Φ⁻¹(u)), and that of demand growth likewise. Each area \
         keeps its own distributions; the latent correlation between two areas is ρ. This run used ρ = {re} for \
         scheme effectiveness and ρ = {rg} for demand growth (0: areas independent; 1: they move together).</p>\n\
         <h3>How the futures were simulated</h3>\n\
         <p>{paths} futures per area with the national seed {seed}. Each area draws from its own streams under the \
         seed hash(seed, area name), listed in the workbook, so an area's draws do not depend on the other rows; the \
         national shocks are drawn from streams keyed by the national seed. Paths run in parallel; results do not \
         depend on the number of threads. Money is in real terms at the template's price base. The model is written \
         out, equation by equation, in docs/model.md of the carefund repository.</p>\n</section>\n",
        money = money_definitions(input.template.capacity_release_years),
        areas = group(m.areas as f64),
        a = percent(c.approved_p_break_even),
        a1 = percent(c.approved_p_target_met_year1),
        sup = percent(c.support_p_break_even),
        con = percent(c.conditions_p_break_even),
        re = m.factors.effect_correlation,
        rg = m.factors.growth_correlation,
        paths = group(m.paths as f64),
        seed = m.seed,
    );
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Read};

    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};

    use super::{NationalInput, areas_table, national_html, national_xlsx, verdict};
    use crate::RunOptions;
    use crate::national::{National, Portfolio, simulate};
    use crate::summary::Rating;

    const TEMPLATE: &str = include_str!("../../../../data/national/england-2015.toml");
    const NASTY: &str = "Area <b>&</b> \"x\"";

    fn run() -> (Portfolio, National) {
        let areas = format!(
            "area,pooled,baseline_admissions,target_reduction\n\
             North,20000000,15000,0.03\n\
             \"{}\",35100000,22850,0.0307\n\
             South,60000000,40000,0.02\n",
            NASTY.replace('"', "\"\"")
        );
        let p = Portfolio::from_text(TEMPLATE, "england.toml", &areas, "areas<1>.csv").unwrap();
        let opts = RunOptions {
            paths: 60,
            seed: 9,
            threads: Some(1),
        };
        let n = simulate(&p, &opts, &|_| {}).unwrap();
        (p, n)
    }

    fn page() -> String {
        let (p, n) = run();
        String::from_utf8(national_html(&NationalInput::new(&n, p.template())).unwrap()).unwrap()
    }

    #[test]
    fn verdict_counts_the_ratings_and_names_the_most_common() {
        let (_, n) = run();
        let v = verdict(&n);
        let not = n
            .ratings
            .iter()
            .find(|r| r.rating == Rating::NotApproved)
            .unwrap()
            .areas;
        assert_eq!(
            v.heading,
            format!("Verdict: {not} of 3 area plans not approved")
        );
        let most = n.ratings.iter().map(|r| r.areas).max().unwrap();
        assert_eq!(
            n.ratings
                .iter()
                .find(|r| r.rating == v.most_areas)
                .unwrap()
                .areas,
            most
        );
        assert_eq!(v.reasons.len(), 7);
        let last = v.reasons.last().unwrap();
        assert!(last.contains("correlation 0.3"), "{last}");
        assert!(v.reasons[1].contains("new money"), "{}", v.reasons[1]);
    }

    #[test]
    fn areas_table_has_one_row_per_area_in_file_order_with_numbers() {
        let (_, n) = run();
        let t = areas_table(&n);
        assert_eq!(t.rows.len(), 3);
        for (row, a) in t.rows.iter().zip(&n.areas) {
            assert_eq!(row.len(), t.columns.len());
            assert_eq!(row[0], super::Cell::text(&a.area));
            assert_eq!(row[2], super::Cell::Percent(a.p_break_even));
            assert_eq!(row[5], super::Cell::Percent(a.p_savings_claim_met));
            assert_eq!(row[6], super::Cell::Percent(a.p_savings_claim_cashable));
            assert_eq!(row[11], super::Cell::Money(a.cum_net_p5));
            assert_eq!(row[12], super::Cell::Money(a.cum_net_p95));
            assert!(a.cum_net_p5 <= a.cum_net_median && a.cum_net_median <= a.cum_net_p95);
        }
    }

    #[test]
    fn html_is_in_board_paper_order_and_accessible() {
        let p = page();
        let at = |id: &str| p.find(&format!("id=\"{id}\"")).unwrap_or(usize::MAX);
        let order = [
            "verdict",
            "headline",
            "charts",
            "areas",
            "assumptions",
            "methods",
        ];
        for w in order.windows(2) {
            assert!(at(w[0]) < at(w[1]), "{} before {}", w[0], w[1]);
        }
        // Headings h1 → h2 → h3, one h1, no skipped level.
        let levels: Vec<u8> = p
            .match_indices("<h")
            .filter_map(|(i, _)| p.as_bytes().get(i + 2).copied())
            .filter(|b| (b'1'..=b'6').contains(b))
            .map(|b| b - b'0')
            .collect();
        assert_eq!(levels.iter().filter(|&&l| l == 1).count(), 1);
        assert_eq!(levels.first(), Some(&1));
        for w in levels.windows(2) {
            assert!(w[1] <= w[0] + 1, "{levels:?}");
        }
        // Every table: a caption, column headers with scope, a row header per row.
        let tables: Vec<&str> = p.split("<table>").skip(1).collect();
        assert!(tables.len() >= 6, "{} tables", tables.len());
        for t in tables {
            let t = &t[..t.find("</table>").unwrap()];
            assert!(t.starts_with("<caption>"), "{}", &t[..60.min(t.len())]);
            assert!(t.contains("<thead><tr><th scope=\"col\""));
            assert_eq!(
                t.matches("<th scope=\"row\"").count(),
                t.matches("<tr>").count() - 1
            );
        }
        // Three charts, each an inline SVG with a title and a text alternative.
        let figures: Vec<&str> = p.split("<figure>").skip(1).collect();
        assert_eq!(figures.len(), 3);
        for f in figures {
            let f = &f[..f.find("</figure>").unwrap()];
            assert_eq!(f.matches("<svg").count(), 1);
            assert!(f.contains("role=\"img\"") && f.contains("<title>"));
            let label = f.split("aria-label=\"").nth(1).unwrap();
            assert!(label.find('"').unwrap() > 60, "short alternative");
            assert!(f.contains("<figcaption>"));
        }
        // The methods give the seed, the paths and both correlations.
        let methods = &p[at("methods")..];
        assert!(methods.contains("national seed 9"));
        assert!(methods.contains("60 futures per area"));
        assert!(methods.contains("ρ = 0.3 for scheme effectiveness"));
        assert!(methods.contains("ρ = 0.5 for demand growth"));
    }

    #[test]
    fn html_is_self_contained_and_escapes_names() {
        let p = page();
        let lower = p.to_lowercase();
        for bad in [
            "http://", "https://", "<script", "<link", "<img", "url(", "@import",
        ] {
            assert!(!lower.contains(bad), "found {bad}");
        }
        assert!(p.contains("@page { size: A4"));
        assert!(!p.contains(NASTY) && !p.contains("<b>&</b>"));
        assert!(p.contains("Area &lt;b&gt;&amp;&lt;/b&gt; &quot;x&quot;"));
        assert!(p.contains("areas&lt;1&gt;.csv"));
    }

    fn zip_entry(bytes: &[u8], name: &str) -> String {
        let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut f = z.by_name(name).unwrap();
        let mut s = String::new();
        f.read_to_string(&mut s).unwrap();
        s
    }

    #[test]
    fn workbook_sheets_numbers_and_native_charts() {
        let (p, n) = run();
        let bytes = national_xlsx(&NationalInput::new(&n, p.template())).unwrap();
        let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
        assert_eq!(
            wb.sheet_names(),
            ["Summary", "Fan chart", "Areas", "Ratings", "Assumptions"]
        );
        let areas = wb.worksheet_range("Areas").unwrap();
        assert_eq!(areas.height(), 1 + 3 + 1, "header, three areas, the note");
        for (i, a) in n.areas.iter().enumerate() {
            let row = 1 + i as u32;
            assert_eq!(
                areas.get_value((row, 0)),
                Some(&Data::String(a.area.clone()))
            );
            assert_eq!(
                areas.get_value((row, 2)),
                Some(&Data::Float(a.p_break_even)),
                "a number, not text"
            );
            assert_eq!(
                areas.get_value((row, 20)),
                Some(&Data::String(a.seed.to_string()))
            );
        }
        let sheet3 = zip_entry(&bytes, "xl/worksheets/sheet3.xml");
        assert!(sheet3.contains("<pane ") && sheet3.contains("state=\"frozen\""));
        assert!(
            sheet3.contains("<autoFilter ref=\"A1:U4\""),
            "autofilter over the table"
        );
        assert!(sheet3.contains("<cols>"), "column widths set");
        // Native charts: the fan (stacked areas + median line) and the ratings columns.
        let fan = zip_entry(&bytes, "xl/charts/chart1.xml");
        assert!(fan.contains("<c:areaChart>") && fan.contains("<c:lineChart>"));
        assert!(
            fan.contains("'Fan chart'!$A$2:$A$21"),
            "20 quarters as categories"
        );
        assert!(
            !fan.contains("Plan's own case"),
            "a national run has no plan line"
        );
        // chart2 is the same fan on the Summary sheet.
        assert!(zip_entry(&bytes, "xl/charts/chart2.xml").contains("<c:areaChart>"));
        let bars = zip_entry(&bytes, "xl/charts/chart3.xml");
        assert!(bars.contains("<c:barDir val=\"col\"/>"));
        assert!(bars.contains("Ratings!$B$"), "drawn from the Ratings table");
    }
}
