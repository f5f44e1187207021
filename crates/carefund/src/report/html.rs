//! The HTML report (`--report FILE.html`): one self-contained file that reads like a
//! board paper.
//!
//! Order: title, verdict and reasons, warnings, headline figures, charts, year-by-year
//! table, assumptions, the extra [`Section`]s, methods. Everything is inline: CSS in a
//! `<style>` element, charts as inline SVG (drawn by [`crate::chart`]); there is no
//! script, no external font, image or stylesheet, so the file opens offline and can be
//! e-mailed. Headings go h1 → h2 → h3 without skipping; every table has a caption and
//! `<th scope>` headers; every chart is `role="img"` with an `aria-label` and a
//! `<title>` describing it in words; print CSS lays it out on A4 without splitting
//! figures or table rows. All text from the scenario is escaped.

use std::collections::BTreeSet;
use std::fmt::Write;

use super::content::{assumption_tables, headline_rows, years_table};
use super::{Cell, ReportInput, Section, SectionChart, Table, percent};
use crate::chart::{self, Format};
use crate::error::{Error, Result};
use crate::figures;
use crate::fmt::Currency;
use crate::fmt::group;
use crate::model::Quantity;
use crate::summary::{Rating, Summary};

const CSS: &str = include_str!("report.css");

/// Escape text for HTML element content and attribute values.
pub(crate) fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

/// Prepare an SVG document for inline use: drop any XML prolog or doctype and the
/// namespace attribute (the HTML parser supplies it), and give the root element
/// `role="img"`, an `aria-label` and a `<title>`.
pub(crate) fn inline_svg(svg: &str, label: &str) -> String {
    let start = svg.find("<svg").unwrap_or(0);
    let body = &svg[start..];
    let body = body.replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1);
    let Some(end) = body.find('>') else {
        return String::new();
    };
    let (open, rest) = body.split_at(end);
    let (open, self_closing) = match open.strip_suffix('/') {
        Some(o) => (o, true),
        None => (open, false),
    };
    let label = escape(label);
    let mut o = format!("{open} role=\"img\" aria-label=\"{label}\" focusable=\"false\">");
    let _ = write!(o, "<title>{label}</title>");
    if self_closing {
        o.push_str("</svg>");
    } else {
        o.push_str(&rest[1..]);
    }
    o
}

pub(super) fn class_of(r: Rating) -> &'static str {
    match r {
        Rating::Approved => "approved",
        Rating::ApprovedWithSupport => "support",
        Rating::ApprovedWithConditions => "conditions",
        Rating::NotApproved => "not-approved",
        Rating::NotRated => "not-rated",
    }
}

/// An `id` from a title: lowercase letters, digits and hyphens, unique in the page.
pub(super) fn slug(title: &str, taken: &mut BTreeSet<String>) -> String {
    let mut s = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
    }
    let base = s.trim_end_matches('-').to_string();
    let base = if base.is_empty() {
        "section".to_string()
    } else {
        base
    };
    let mut id = base.clone();
    let mut k = 2;
    while taken.contains(&id) {
        id = format!("{base}-{k}");
        k += 1;
    }
    taken.insert(id.clone());
    id
}

/// Tables with more columns than this are set in the compact `wide` style.
const WIDE_TABLE: usize = 8;

pub(super) fn table_html(o: &mut String, t: &Table, cur: Currency) {
    if t.columns.is_empty() {
        return;
    }
    // A table of many columns is set smaller and tighter so that it fits the column.
    let wide = if t.columns.len() > WIDE_TABLE {
        " wide"
    } else {
        ""
    };
    let _ = write!(o, "<div class=\"table-wrap{wide}\"><table>");
    if !t.title.is_empty() {
        let _ = write!(o, "<caption>{}</caption>", escape(&t.title));
    }
    o.push_str("<thead><tr>");
    for (c, h) in t.columns.iter().enumerate() {
        let numeric = c > 0
            && t.rows
                .iter()
                .any(|r| r.get(c).is_some_and(Cell::is_numeric));
        let class = if numeric { " class=\"num\"" } else { "" };
        let _ = write!(o, "<th scope=\"col\"{class}>{}</th>", escape(h));
    }
    o.push_str("</tr></thead><tbody>");
    for row in &t.rows {
        o.push_str("<tr>");
        for c in 0..t.columns.len() {
            let cell = row.get(c).unwrap_or(&Cell::Empty);
            let text = escape(&cell.display(cur));
            let class = if cell.is_numeric() {
                " class=\"num\""
            } else {
                ""
            };
            if c == 0 {
                let _ = write!(o, "<th scope=\"row\"{class}>{text}</th>");
            } else {
                let _ = write!(o, "<td{class}>{text}</td>");
            }
        }
        o.push_str("</tr>");
    }
    o.push_str("</tbody></table></div>");
    if let Some(note) = &t.note {
        let _ = write!(o, "<p class=\"note\">{}</p>", escape(note));
    }
}

pub(super) fn figure(o: &mut String, n: &mut usize, svg: &str, caption: &str, alt: &str) {
    *n += 1;
    let _ = write!(
        o,
        "<figure><div class=\"chart\">{}</div><figcaption><strong>Figure {}.</strong> {}</figcaption></figure>",
        inline_svg(svg, alt),
        n,
        escape(caption)
    );
}

pub(super) fn wrap(name: &'static str) -> impl Fn(chart::ChartError) -> Error {
    move |source| Error::Chart { name, source }
}

pub(super) fn svg_text(bytes: Vec<u8>) -> String {
    String::from_utf8_lossy(&bytes).into_owned()
}

fn last_year(s: &Summary) -> &str {
    s.years.last().map_or("the horizon", |y| y.year.as_str())
}

fn fan_alt(s: &Summary) -> String {
    let money = |x: f64| s.meta.currency.money(x);
    let cum = |i: usize| s.periods.get(i).map(|p| &p.quantities[Quantity::CumNet]);
    let last = s.periods.len().saturating_sub(1);
    let (Some(first), Some(end)) = (cum(0), cum(last)) else {
        return "Fan chart of cumulative system net (no periods).".into();
    };
    format!(
        "Fan chart of cumulative system net over {} periods. The median future goes from {} in {} to {} by {}; \
         90% of futures end between {} and {}, half between {} and {}. The plan's own case ends at {}.",
        s.periods.len(),
        money(first.p50),
        s.periods[0].label,
        money(end.p50),
        s.periods[last].label,
        money(end.p5),
        money(end.p95),
        money(end.p25),
        money(end.p75),
        money(s.periods[last].plan_case_cum_net)
    )
}

fn admissions_alt(s: &Summary) -> String {
    let get = |i: usize, q: Quantity| s.periods.get(i).map_or(f64::NAN, |p| p.quantities[q].p50);
    let last = s.periods.len().saturating_sub(1);
    let (Some(p0), Some(pl)) = (s.periods.first(), s.periods.last()) else {
        return "Emergency admissions chart (no periods).".into();
    };
    format!(
        "Line chart of emergency admissions per period. Without the schemes the median future has {} in {} and {} in {}; \
         with the schemes {} and {}. The plan expects {} in {}.",
        group(get(0, Quantity::Counterfactual)),
        p0.label,
        group(get(last, Quantity::Counterfactual)),
        pl.label,
        group(get(0, Quantity::Actual)),
        group(get(last, Quantity::Actual)),
        group(pl.plan_case_counterfactual - pl.plan),
        pl.label
    )
}

fn histogram_alt(s: &Summary) -> String {
    let money = |x: f64| s.meta.currency.money(x);
    let c = &s.headline.cum_net_horizon;
    format!(
        "Histogram of cumulative system net by {} over {} futures: P5 {}, median {}, P95 {}; {} of futures are at or above zero.",
        last_year(s),
        group(s.meta.paths as f64),
        money(c.p5),
        money(c.p50),
        money(c.p95),
        percent(s.headline.p_break_even)
    )
}

fn cash_alt(s: &Summary) -> String {
    let money = |x: f64| s.meta.currency.money(x);
    let per: Vec<String> = s
        .years
        .iter()
        .map(|y| {
            format!(
                "{}: savings {}, spend {}",
                y.year,
                money(y.cashable),
                money(y.investment)
            )
        })
        .collect();
    format!(
        "Bar chart of mean cashable savings against scheme spend per year. {}.",
        per.join("; ")
    )
}

/// One HTML page of a report, whatever the analysis: the header (title, description and
/// verdict box, already HTML), the parts in order, and the footer (already HTML). Both the
/// run's report ([`html`]) and the national report are built as a `Page` and written by
/// [`write_page`].
pub(super) struct Page {
    /// The `<title>`.
    pub title: String,
    /// The carefund version (the `generator` meta tag).
    pub version: String,
    /// Money in tables is shown in this currency.
    pub currency: Currency,
    /// `<header>`, description and verdict box, as HTML.
    pub header: String,
    /// The page's sections, in order.
    pub parts: Vec<Part>,
    /// The `<footer>` element, as HTML.
    pub footer: String,
}

/// One part of a [`Page`].
pub(super) enum Part {
    /// A section of the page itself, under a fixed anchor id.
    Fixed(&'static str, Section),
    /// An extra section: its anchor id is made from its title, unique on the page.
    Extra(Section),
    /// A section already written as HTML, under a fixed anchor id.
    Html(&'static str, String),
}

/// Write `page` as UTF-8 bytes.
pub(super) fn write_page(page: &Page) -> Vec<u8> {
    let mut ids = BTreeSet::new();
    ids.insert("verdict".to_string());
    for part in &page.parts {
        if let Part::Fixed(id, _) | Part::Html(id, _) = part {
            ids.insert((*id).to_string());
        }
    }
    let mut o = String::with_capacity(300_000);
    open_page(&mut o, &page.title, &page.version);
    o.push_str(&page.header);
    let mut n = 0;
    for part in &page.parts {
        match part {
            Part::Fixed(id, section) => section_html(&mut o, &mut n, id, section, page.currency),
            Part::Extra(section) => {
                let id = slug(&section.title, &mut ids);
                section_html(&mut o, &mut n, &id, section, page.currency);
            }
            Part::Html(_, html) => o.push_str(html),
        }
    }
    o.push_str(&page.footer);
    o.push_str("\n</main>\n</body>\n</html>\n");
    o.into_bytes()
}

/// The HTML report of a run, as UTF-8 bytes (see the module docs).
///
/// # Errors
/// [`Error::Chart`] if a chart cannot be drawn.
pub fn html(input: &ReportInput) -> Result<Vec<u8>> {
    Ok(write_page(&run_page(input)?))
}

/// The run's report as a [`Page`].
fn run_page(input: &ReportInput) -> Result<Page> {
    let s = input.summary;
    let cur = input.scenario.currency();
    let m = &s.meta;
    let mut header = String::new();
    title_and_verdict(&mut header, input);
    let mut parts = vec![
        Part::Fixed("headline", headline_section(s)),
        Part::Fixed("charts", charts_section(input)?),
        Part::Fixed(
            "years",
            Section {
                title: "Year by year".into(),
                tables: vec![years_table(s)],
                ..Section::default()
            },
        ),
        assumptions_section(
            input.scenario,
            "Every uncertain input is drawn once per simulated future from the distribution below; \
             the plan's own case uses the central value. Inputs named in a correlation are drawn together \
             (Gaussian copula on rank correlations).",
        ),
    ];
    parts.extend(input.sections.iter().cloned().map(Part::Extra));
    let mut methods_html = String::new();
    methods(&mut methods_html, input);
    parts.push(Part::Html("methods", methods_html));
    Ok(Page {
        title: format!("{}: credibility of the savings forecast", m.scenario_name),
        version: m.carefund_version.to_string(),
        currency: cur,
        header,
        parts,
        footer: format!(
            "<footer><p>Produced by carefund {} from {} (SHA-256 <code>{}</code>). \
             The same scenario, seed and number of paths reproduce every figure exactly: \
             <code>carefund run {} --seed {} --paths {}</code>.</p></footer>",
            escape(m.carefund_version),
            escape(&m.scenario_file),
            escape(&m.scenario_hash),
            escape(&m.scenario_file),
            m.seed,
            m.paths
        ),
    })
}

/// The title, the scenario's description and the verdict box.
fn title_and_verdict(o: &mut String, input: &ReportInput) {
    let s = input.summary;
    let cur = input.scenario.currency();
    let m = &s.meta;
    let h = &s.headline;
    let name = escape(&m.scenario_name);
    let _ = write!(
        o,
        "<header><p class=\"kicker\">Credibility check of a pooled-fund savings forecast</p>\n<h1>{name}</h1>\n\
         <p class=\"meta\">{} simulated futures · seed {} · {} to {} · carefund {}</p></header>\n",
        group(m.paths as f64),
        m.seed,
        s.years.first().map_or("", |y| y.year.as_str()),
        last_year(s),
        escape(m.carefund_version)
    );
    if let Some(d) = input.scenario.description() {
        let _ = writeln!(o, "<p class=\"description\">{}</p>", escape(d.trim()));
    }
    verdict_box(
        o,
        class_of(s.rating),
        &format!("Verdict: {}", s.rating),
        &format!(
            "The claimed savings ({} a year) arrive in <strong>{}</strong> ± {} of futures, as cash the hospital \
             can release in <strong>{}</strong> ± {}; the new money ({} a year) pays back by {} in {} ± {} \
             (± one Monte Carlo standard error).",
            escape(&cur.money(s.spending.claimed_savings)),
            percent(h.p_savings_claim_met),
            percent(h.p_savings_claim_met_se),
            percent(h.p_savings_claim_cashable),
            percent(h.p_savings_claim_cashable_se),
            escape(&cur.money(s.spending.new_money)),
            escape(last_year(s)),
            percent(h.p_break_even),
            percent(h.p_break_even_se)
        ),
        &s.reasons,
        &s.warnings,
    );
}

/// The headline metrics and the break-even-year table.
fn headline_section(s: &Summary) -> Section {
    let h = &s.headline;
    let rows: Vec<Vec<Cell>> = headline_rows(s)
        .into_iter()
        .map(|r| vec![Cell::Text(r.label), r.value, r.se])
        .collect();
    let mut headline = Table::new(
        "Headline metrics (docs/model.md §5)",
        &["Metric", "Value", "± standard error"],
        rows,
    );
    headline.note = Some(
        "Money is in real terms at the scenario's prices. A standard error measures the Monte Carlo noise of the figure; more paths shrink it as 1/√paths.".into(),
    );
    let be = Table::new(
        "When futures break even for good (first year from which cumulative net stays ≥ 0)",
        &["Year", "Share of futures", "± standard error"],
        h.break_even_year
            .iter()
            .map(|b| {
                vec![
                    Cell::text(&b.year),
                    Cell::Percent(b.probability),
                    Cell::Percent(b.se),
                ]
            })
            .collect(),
    );
    Section {
        title: "Headline figures".into(),
        tables: vec![headline, be],
        ..Section::default()
    }
}

/// The run's charts as inline SVG figures.
fn charts_section(input: &ReportInput) -> Result<Section> {
    let s = input.summary;
    let cur = input.scenario.currency();
    let mut charts = Vec::new();
    let fan = chart::fan_chart(&figures::fan(s), Format::Svg).map_err(wrap("fan"))?;
    charts.push(svg_figure(
        fan,
        format!(
            "Cumulative system net (cashable savings minus the new money spent on schemes), {}: the median future, the bands holding the middle 50%, 80% and 90% of futures, and the plan's own case.",
            cur.millions()
        ),
        fan_alt(s),
    ));
    if let Some(sim) = input.simulation {
        let hist = chart::histogram(&figures::histogram(s, sim), Format::Svg)
            .map_err(wrap("histogram"))?;
        charts.push(svg_figure(
            hist,
            format!(
                "Cumulative system net by {} across all simulated futures; the line marks break-even.",
                last_year(s)
            ),
            histogram_alt(s),
        ));
    }
    let adm = chart::admissions_chart(&figures::admissions(s), Format::Svg)
        .map_err(wrap("admissions"))?;
    charts.push(svg_figure(
        adm,
        "Emergency admissions without the schemes, with them, and what the plan expects.".into(),
        admissions_alt(s),
    ));
    let cash = chart::cash_bars(&figures::cash(s), Format::Svg).map_err(wrap("cash"))?;
    charts.push(svg_figure(
        cash,
        format!(
            "Mean cashable savings against new money spent on schemes per financial year, {}.",
            cur.millions()
        ),
        cash_alt(s),
    ));
    Ok(charts_of(charts))
}

/// A figure of the page: an SVG chart (as drawn) with its caption and text alternative.
pub(super) fn svg_figure(svg: Vec<u8>, caption: String, alt: String) -> SectionChart {
    SectionChart {
        title: caption,
        alt,
        svg: Some(svg_text(svg)),
        native: None,
    }
}

/// The *Charts* section of a page.
pub(super) fn charts_of(charts: Vec<SectionChart>) -> Section {
    Section {
        title: "Charts".into(),
        charts,
        ..Section::default()
    }
}

/// One section under the anchor `id`: its paragraphs, figures (`n` counts the figures of
/// the page) and tables.
fn section_html(o: &mut String, n: &mut usize, id: &str, section: &Section, cur: Currency) {
    let _ = write!(
        o,
        "<section aria-labelledby=\"{id}\">\n<h2 id=\"{id}\">{}</h2>\n",
        escape(&section.title)
    );
    for p in &section.paragraphs {
        let _ = writeln!(o, "<p>{}</p>", escape(p));
    }
    for c in &section.charts {
        match &c.svg {
            Some(svg) => figure(o, n, svg, &c.title, &c.alt),
            None => {
                let _ = writeln!(
                    o,
                    "<p class=\"note\">{}: {}</p>",
                    escape(&c.title),
                    escape(&c.alt)
                );
            }
        }
    }
    for t in &section.tables {
        table_html(o, t, cur);
    }
    o.push_str("</section>\n");
}

/// The document up to `<main>`: doctype, language, title and the inline stylesheet.
pub(super) fn open_page(o: &mut String, title: &str, version: &str) {
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"carefund {}\">\n\
         <title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<main>\n",
        escape(version),
        escape(title)
    );
}

/// The verdict box: `heading` (escaped), one big line (`big_html`, already HTML), the
/// reasons and, if any, the warnings. `class` colours its bar (see [`class_of`]).
pub(super) fn verdict_box(
    o: &mut String,
    class: &str,
    heading: &str,
    big_html: &str,
    reasons: &[String],
    warnings: &[String],
) {
    let _ = write!(
        o,
        "<section class=\"verdict {class}\" aria-labelledby=\"verdict\">\n<h2 id=\"verdict\">{}</h2>\n\
         <p class=\"big\">{big_html}</p>\n<ul>\n",
        escape(heading)
    );
    for r in reasons {
        let _ = writeln!(o, "<li>{}</li>", escape(r));
    }
    o.push_str("</ul>\n");
    if !warnings.is_empty() {
        o.push_str("<h3>Warnings about the plan</h3>\n<ul class=\"warnings\">\n");
        for w in warnings {
            let _ = writeln!(o, "<li>{}</li>", escape(w));
        }
        o.push_str("</ul>\n");
    }
    o.push_str("</section>\n");
}

/// The *Assumptions* section: an introduction (plain text) and the tables of
/// [`assumption_tables`].
pub(super) fn assumptions_section(scenario: &crate::Scenario, intro: &str) -> Part {
    Part::Fixed(
        "assumptions",
        Section {
            title: "Assumptions".into(),
            paragraphs: vec![intro.into()],
            tables: assumption_tables(scenario),
            charts: Vec::new(),
        },
    )
}

/// The definitions of cashable savings and system net (docs/model.md), as `<dt>`/`<dd>`
/// pairs; `release` is the years over which the cashable share moves to its long-run
/// value.
pub(super) fn money_definitions(release: f64) -> String {
    format!(
        "<dt>Cashable savings</dt><dd>Avoided emergency admissions × the economic cost of one admission × the cashable \
         share. Hospital costs are largely fixed until capacity (staff, beds, wards) is removed, so only the short-run \
         share is released as cash at first; it moves in a straight line to the long-run share over {release} years. \
         The rest of the saving is real but not cash.</dd>\n\
         <dt>System net</dt><dd>Cashable savings minus scheme spend (including cost overruns), summed over NHS \
         commissioner, acute provider and council; cumulative system net adds it up from the start.</dd>\n"
    )
}

fn methods(o: &mut String, input: &ReportInput) {
    let s = input.summary;
    let cur = input.scenario.currency();
    let m = &s.meta;
    let c = input.scenario.credibility();
    let release = input.scenario.capacity_release_years;
    let last = escape(last_year(s));
    let _ = write!(
        o,
        "<section aria-labelledby=\"methods\">\n<h2 id=\"methods\">Methods</h2>\n\
         <h3>What the figures mean</h3>\n<dl>\n\
         <dt>Simulated future (path)</dt><dd>One possible future: every uncertain input drawn once, then the fund \
         stepped through every period from {first} to {last}, with year-to-year variation in demand and random \
         variation in the number of admissions.</dd>\n\
         {money}\
         <dt>P(break even)</dt><dd>The share of simulated futures in which cumulative system net at the end of {last} \
         is at least zero, with its binomial standard error √(p(1−p)/n).</dd>\n\
         <dt>P(year-1 target met)</dt><dd>The share of futures in which the admissions avoided in the first year reach \
         the plan's own first-year claim.</dd>\n\
         <dt>The plan's own case</dt><dd>One future with every input at its central value (the mode where a distribution \
         has one, else the median), every scheme delivering, and no year-to-year noise: what the plan claims. The claim \
         gap is the median future minus this case; negative means the plan is optimistic.</dd>\n\
         <dt>Worst 5% of futures</dt><dd>The mean cumulative system net over the 5% of futures that end lowest \
         (expected shortfall).</dd>\n\
         <dt>NPV</dt><dd>Net present value of system net, discounted at {discount}, cash flows at period mid-points.</dd>\n\
         <dt>New money</dt><dd>The part of each scheme's cost that would not have been spent without the plan \
         (its additional share); the rest was business as usual and is not counted as spending. Overruns are always \
         new money. The schemes cost {scheme_cost} a year, of which {new_money} is new, against a {pooled} pool.</dd>\n\
         <dt>P(claimed savings arrive)</dt><dd>The share of futures in which the gross savings from avoided admissions, \
         summed over the horizon, reach the savings the plan claims ({claimed} a year); <em>as cash</em>: the same for \
         the savings the hospital can actually release.</dd>\n\
         <dt>P(hospital covered)</dt><dd>The share of futures in which the contingency reserve paid the hospital, in \
         every period, the tariff for every admission the plan said would not happen.</dd>\n\
         <dt>Rating</dt><dd>The four names are those NHS England used to assure Better Care Fund plans; <strong>the \
         thresholds are carefund's own</strong> (NHS England published none). {rule} A scenario that claims nothing \
         (such as doing nothing) is not rated.</dd>\n\
         </dl>\n\
         <h3>How the futures were simulated</h3>\n\
         <p>{paths} futures ({sampling} sampling) with seed {seed}. Generator: {generator}. Paths run in parallel in \
         blocks of {block}; results do not depend on the number of threads. Percentiles: {pct}. Money is in real terms \
         at the scenario's price base; there is no inflation inside the model. The model is written out, equation by \
         equation, in docs/model.md of the carefund repository.</p>\n</section>\n",
        first = escape(s.years.first().map_or("", |y| y.year.as_str())),
        money = money_definitions(release),
        discount = escape(&m.discount),
        scheme_cost = escape(&cur.money(s.spending.scheme_cost)),
        new_money = escape(&cur.money(s.spending.new_money)),
        pooled = escape(&cur.money(s.spending.pooled)),
        claimed = escape(&cur.money(s.spending.claimed_savings)),
        rule = match c.basis {
            crate::Basis::Claims => format!(
                "This plan is rated on its claims: approved needs P(claimed savings arrive as cash) ≥ {} and \
                 P(break even) ≥ {}; approved with support needs P(claimed savings arrive) ≥ {}; approved with \
                 conditions needs P(claimed savings arrive) ≥ {}; otherwise not approved.",
                percent(c.approved_p_savings_claim_cashable),
                percent(c.claims_approved_p_break_even),
                percent(c.support_p_savings_claim_met),
                percent(c.conditions_p_savings_claim_met)
            ),
            crate::Basis::BreakEven => format!(
                "This plan is rated as an invest-to-save appraisal: approved needs P(break even) ≥ {} and P(year-1 \
                 target met) ≥ {}; approved with support needs P(break even) ≥ {}; approved with conditions needs \
                 P(break even) ≥ {}; otherwise not approved.",
                percent(c.approved_p_break_even),
                percent(c.approved_p_target_met_year1),
                percent(c.support_p_break_even),
                percent(c.conditions_p_break_even)
            ),
        },
        paths = group(m.paths as f64),
        sampling = escape(m.sampling),
        seed = m.seed,
        generator = escape(m.generator),
        block = m.block_size,
        pct = escape(m.percentile_definition),
    );
}

#[cfg(test)]
mod tests {
    use super::{escape, html, inline_svg};
    use crate::report::{Cell, ReportInput, Section, SectionChart, Table};
    use crate::{RunOptions, Scenario, simulate, summarise};

    const NASTY: &str = "Fund <b>A</b> & \"B\" 'C'";

    /// The example scenario renamed to something that must be escaped, run briefly.
    fn page(with_section: bool) -> String {
        let text = crate::EXAMPLE_SCENARIO.replacen(
            "name = \"Example pooled fund\"",
            "name = \"Fund <b>A</b> & \\\"B\\\" 'C'\"",
            1,
        );
        let sc = Scenario::from_toml(&text, "x<y>&.toml").unwrap();
        assert_eq!(sc.name(), NASTY);
        let opts = RunOptions {
            paths: 300,
            seed: 11,
            threads: Some(1),
        };
        let sim = simulate(&sc, &opts, &|_| {}).unwrap();
        let summary = summarise(&sc, &sim);
        let mut input = ReportInput::new(&sc, &summary).with_simulation(&sim);
        if with_section {
            input.sections.push(Section {
                title: "Stress <tests>".into(),
                paragraphs: vec!["Paired & compared.".into()],
                tables: vec![Table::new(
                    "Stresses",
                    &["Stress", "P(break even)"],
                    vec![vec![Cell::text("effects <halved>"), Cell::Percent(0.1)]],
                )],
                charts: vec![SectionChart {
                    title: "P(break even) per stress".into(),
                    alt: "one bar: effects halved, 10%".into(),
                    svg: Some("<?xml version=\"1.0\"?>\n<svg width=\"10\" height=\"10\" xmlns=\"http://www.w3.org/2000/svg\"><rect width=\"5\" height=\"5\"/></svg>".into()),
                    native: None,
                }],
            });
        }
        String::from_utf8(html(&input).unwrap()).unwrap()
    }

    fn tags<'a>(page: &'a str, open: &str) -> Vec<&'a str> {
        page.match_indices(open)
            .map(|(i, _)| {
                let rest = &page[i..];
                &rest[..rest.find('>').map_or(rest.len(), |e| e + 1)]
            })
            .collect()
    }

    #[test]
    fn escape_covers_the_five_characters() {
        assert_eq!(
            escape("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
        );
    }

    #[test]
    fn inline_svg_drops_prolog_and_namespace_and_gains_a_title() {
        let s = inline_svg(
            "<?xml version=\"1.0\"?>\n<svg width=\"1\" xmlns=\"http://www.w3.org/2000/svg\"><g/></svg>",
            "a <chart>",
        );
        assert_eq!(
            s,
            "<svg width=\"1\" role=\"img\" aria-label=\"a &lt;chart&gt;\" focusable=\"false\"><title>a &lt;chart&gt;</title><g/></svg>"
        );
    }

    #[test]
    fn headings_go_in_order_without_skipping() {
        let p = page(true);
        let levels: Vec<u8> = p
            .match_indices("<h")
            .filter_map(|(i, _)| p.as_bytes().get(i + 2).copied())
            .filter(|b| (b'1'..=b'6').contains(b))
            .map(|b| b - b'0')
            .collect();
        assert_eq!(levels.first(), Some(&1), "{levels:?}");
        assert_eq!(
            levels.iter().filter(|&&l| l == 1).count(),
            1,
            "one h1: {levels:?}"
        );
        for w in levels.windows(2) {
            assert!(w[1] <= w[0] + 1, "heading skips a level: {levels:?}");
        }
        for h2 in [
            "Verdict",
            "Headline figures",
            "Charts",
            "Year by year",
            "Assumptions",
            "Methods",
        ] {
            assert!(p.contains(&format!("\">{h2}")), "missing section {h2}");
        }
    }

    #[test]
    fn every_table_has_a_caption_and_scoped_headers() {
        let p = page(true);
        let tables = p.matches("<table>").count();
        assert!(tables >= 6, "{tables} tables");
        for t in p.split("<table>").skip(1) {
            let t = &t[..t.find("</table>").unwrap()];
            assert!(
                t.starts_with("<caption>"),
                "no caption: {}",
                &t[..80.min(t.len())]
            );
            assert!(
                t.contains("<thead><tr><th scope=\"col\""),
                "no column headers"
            );
            let rows = t.matches("<tr>").count() - 1;
            assert_eq!(
                t.matches("<th scope=\"row\"").count(),
                rows,
                "a row without a header"
            );
            assert!(!t.contains("<th>"), "a header without scope");
        }
    }

    #[test]
    fn self_contained_no_script_no_external_request() {
        let p = page(true);
        let lower = p.to_lowercase();
        for bad in [
            "http://",
            "https://",
            "<script",
            "<link",
            "<img",
            "<iframe",
            "@import",
            "url(",
            "javascript:",
        ] {
            assert!(!lower.contains(bad), "found {bad}");
        }
        // No event-handler attribute (onload=, onclick= …).
        for (i, _) in lower.match_indices(" on") {
            let word: String = lower[i + 3..]
                .chars()
                .take_while(char::is_ascii_alphabetic)
                .collect();
            assert!(
                word.is_empty() || !lower[i + 3 + word.len()..].starts_with('='),
                "event handler on{word}"
            );
        }
        assert!(p.starts_with("<!DOCTYPE html>"));
        assert!(p.contains("<style>") && p.contains("@page { size: A4"));
    }

    #[test]
    fn every_figure_has_a_text_alternative_and_caption() {
        let p = page(true);
        let figures: Vec<&str> = p
            .split("<figure>")
            .skip(1)
            .map(|f| &f[..f.find("</figure>").unwrap()])
            .collect();
        // fan, histogram, admissions, cash, and the section's chart
        assert_eq!(figures.len(), 5);
        for f in figures {
            let svg = tags(f, "<svg");
            assert_eq!(svg.len(), 1, "one chart per figure");
            assert!(svg[0].contains("role=\"img\""), "{}", svg[0]);
            let label = svg[0].split("aria-label=\"").nth(1).unwrap();
            assert!(label.len() > 30, "alternative too short: {}", svg[0]);
            assert!(f.contains("<title>"), "no <title>");
            assert!(f.contains("<figcaption>"), "no caption");
            assert!(!f.contains("<?xml"), "prolog left in");
        }
    }

    #[test]
    fn scenario_text_is_escaped() {
        let p = page(true);
        assert!(!p.contains(NASTY));
        assert!(!p.contains("<b>A</b>"));
        assert!(p.contains("<h1>Fund &lt;b&gt;A&lt;/b&gt; &amp; &quot;B&quot; &#39;C&#39;</h1>"));
        assert!(p.contains("x&lt;y&gt;&amp;.toml"));
        assert!(p.contains("effects &lt;halved&gt;"));
        assert!(p.contains("Stress &lt;tests&gt;</h2>"));
        // Charts escape their own text too (plotters): the SVG titles are well formed.
        assert!(!p.contains("— Fund <b>"));
    }

    #[test]
    fn verdict_and_reasons_come_before_the_charts() {
        let p = page(false);
        let verdict = p.find("id=\"verdict\"").unwrap();
        let charts = p.find("id=\"charts\"").unwrap();
        let methods = p.find("id=\"methods\"").unwrap();
        assert!(verdict < charts && charts < methods);
        let reasons = &p[verdict..charts];
        assert!(reasons.contains("<li>"), "reasons listed before the charts");
        assert!(
            p[methods..].contains("carefund's own"),
            "methods say the thresholds are carefund's"
        );
    }
}
