//! The outputs of a national run: the text report, `national.json`, `areas.csv`,
//! `national-paths.csv` and the charts, all as bytes (the CLI writes them).

use std::fmt::Write;

#[cfg(feature = "report")]
use crate::chart::{self, Columns, FanChart, Format, Ranked};
use crate::error::{Error, Result};
use crate::fmt::{group, percent1};
use crate::stats::Stats;

use super::National;
#[cfg(feature = "report")]
use crate::summary::Rating;

fn export_err(what: &'static str) -> impl Fn(String) -> Error {
    move |message| Error::Export { what, message }
}

fn range(s: &Stats, f: &dyn Fn(f64) -> String) -> String {
    format!(
        "mean {}, median {}, 90% of futures in [{}, {}]",
        f(s.mean),
        f(s.p50),
        f(s.p5),
        f(s.p95)
    )
}

/// The text report of a national run (UTF-8, about 100 columns).
pub fn render(n: &National) -> String {
    let mut o = String::new();
    let m = &n.meta;
    let _ = writeln!(
        o,
        "{} — {} areas × {} paths, seed {}, {} thread{}",
        m.template_name,
        m.areas,
        group(m.paths as f64),
        m.seed,
        m.threads,
        if m.threads == 1 { "" } else { "s" }
    );
    let _ = writeln!(
        o,
        "national factors: effect correlation {}, growth correlation {} (one-factor Gaussian copula)",
        m.factors.effect_correlation, m.factors.growth_correlation
    );
    let _ = writeln!(o, "\nAreas per rating");
    for r in &n.ratings {
        let _ = writeln!(
            o,
            "  {:<28}{:>4}  ({:.0}%)",
            r.rating.to_string(),
            r.areas,
            100.0 * r.areas as f64 / m.areas.max(1) as f64
        );
    }
    totals_lines(&mut o, n);

    area_lines(&mut o, n);
    o
}

/// The national totals over areas, per future.
fn totals_lines(o: &mut String, n: &National) {
    let t = &n.totals;
    let money = |x: f64| n.meta.currency.money(x);
    let last = n.periods.last().map_or("", |p| p.label.as_str());
    let row = |o: &mut String, label: &str, value: String| {
        let _ = writeln!(o, "  {label:<40}{value}");
    };
    let _ = writeln!(o, "\nNational totals (sums over areas, per future)");
    row(
        o,
        "P(national year-1 reduction met)",
        format!(
            "{} ± {} (plans claim {} fewer admissions in year 1)",
            percent1(t.p_target_met_year1),
            percent1(t.p_target_met_year1_se),
            group(t.plan_year1)
        ),
    );
    row(
        o,
        "Avoided admissions, year 1",
        range(&t.avoided_year1, &group),
    );
    row(
        o,
        "Avoided admissions, whole horizon",
        range(&t.avoided, &group),
    );
    row(
        o,
        "Pool / scheme cost / new money",
        format!(
            "{} / {} / {} a year (sum over areas)",
            money(t.pooled),
            money(t.scheme_cost),
            money(t.new_money_per_year)
        ),
    );
    row(
        o,
        "P(claimed savings arrive)",
        format!(
            "{} ± {} gross, {} ± {} as cash (plans claim {} over the horizon)",
            percent1(t.p_savings_claim_met),
            percent1(t.p_savings_claim_met_se),
            percent1(t.p_savings_claim_cashable),
            percent1(t.p_savings_claim_cashable_se),
            money(t.claimed_savings_total)
        ),
    );
    row(o, "Gross savings", range(&t.gross, &money));
    row(o, "Cashable savings", range(&t.cashable, &money));
    row(o, "New money spent", range(&t.new_money, &money));
    row(
        o,
        "P(every hospital covered)",
        format!(
            "{} ± {}",
            percent1(t.p_hospital_covered),
            percent1(t.p_hospital_covered_se)
        ),
    );
    row(
        o,
        &format!("P(national break even by {last})"),
        format!(
            "{} ± {}",
            percent1(t.p_break_even),
            percent1(t.p_break_even_se)
        ),
    );
    row(
        o,
        "Cumulative net at the horizon",
        range(&t.cum_net, &money),
    );
    row(o, "NPV of system net", range(&t.npv, &money));
    row(o, "P4P released", range(&t.released, &money));
    row(o, "P4P withheld", range(&t.withheld, &money));
    row(
        o,
        "Contingency paid to hospitals",
        range(&t.contingency, &money),
    );
}

/// The areas by rating: all of them when ten or fewer, else the first and last five.
fn area_lines(o: &mut String, n: &National) {
    let money = |x: f64| n.meta.currency.money(x);
    let mut ranked: Vec<&super::AreaResult> = n.areas.iter().collect();
    ranked.sort_by(|a, b| {
        a.rating
            .cmp(&b.rating)
            .then(b.p_savings_claim_met.total_cmp(&a.p_savings_claim_met))
            .then(b.p_break_even.total_cmp(&a.p_break_even))
    });
    let show = |o: &mut String, a: &super::AreaResult| {
        let _ = writeln!(
            o,
            "  {:<30} {:<26} {:>8} {:>8} {:>8} {:>12} {:>10}",
            a.area,
            a.rating.to_string(),
            percent1(a.p_savings_claim_met),
            percent1(a.p_savings_claim_cashable),
            percent1(a.p_break_even),
            group(a.avoided_median),
            money(a.cum_net_median)
        );
    };
    let _ = writeln!(
        o,
        "\nAreas by rating ({} listed; every area is in areas.csv)",
        ranked.len().min(10)
    );
    let _ = writeln!(
        o,
        "  {:<30} {:<26} {:>8} {:>8} {:>8} {:>12} {:>10}",
        "area", "rating", "claim", "cash", "P(b.e.)", "med. avoided", "med. net"
    );
    if ranked.len() <= 10 {
        for a in &ranked {
            show(o, a);
        }
    } else {
        for a in &ranked[..5] {
            show(o, a);
        }
        let _ = writeln!(o, "  …");
        for a in &ranked[ranked.len() - 5..] {
            show(o, a);
        }
    }
}

/// `national.json`: the [`National`] results (meta, totals, ratings, areas, periods).
///
/// # Errors
/// [`Error::Export`] if serialisation fails.
pub fn json(n: &National) -> Result<Vec<u8>> {
    let mut v =
        serde_json::to_vec_pretty(n).map_err(|e| export_err("national.json")(e.to_string()))?;
    v.push(b'\n');
    Ok(v)
}

/// `areas.csv`: one row per area (the per-area table).
///
/// # Errors
/// [`Error::Export`] if the CSV writer fails.
pub fn areas_csv(n: &National) -> Result<Vec<u8>> {
    let err = export_err("areas.csv");
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "area",
        "seed",
        "pooled",
        "baseline_admissions",
        "target_reduction",
        "rating",
        "p_break_even",
        "p_break_even_se",
        "p_target_met_year1",
        "claimed_savings_total",
        "new_money",
        "p_savings_claim_met",
        "p_savings_claim_met_se",
        "p_savings_claim_cashable",
        "p_savings_claim_cashable_se",
        "p_hospital_covered",
        "avoided_median",
        "avoided_mean",
        "avoided_sd",
        "cum_net_median",
        "cum_net_mean",
        "cum_net_sd",
        "cum_net_p5",
        "cum_net_p95",
    ])
    .map_err(|e| err(e.to_string()))?;
    for a in &n.areas {
        w.write_record([
            a.area.clone(),
            a.seed.to_string(),
            a.pooled.to_string(),
            a.baseline_admissions.to_string(),
            a.target_reduction.to_string(),
            a.rating.to_string(),
            a.p_break_even.to_string(),
            a.p_break_even_se.to_string(),
            a.p_target_met_year1.to_string(),
            a.claimed_savings_total.to_string(),
            a.new_money.to_string(),
            a.p_savings_claim_met.to_string(),
            a.p_savings_claim_met_se.to_string(),
            a.p_savings_claim_cashable.to_string(),
            a.p_savings_claim_cashable_se.to_string(),
            a.p_hospital_covered.to_string(),
            a.avoided_median.to_string(),
            a.avoided_mean.to_string(),
            a.avoided_sd.to_string(),
            a.cum_net_median.to_string(),
            a.cum_net_mean.to_string(),
            a.cum_net_sd.to_string(),
            a.cum_net_p5.to_string(),
            a.cum_net_p95.to_string(),
        ])
        .map_err(|e| err(e.to_string()))?;
    }
    w.into_inner().map_err(|e| err(e.to_string()))
}

/// `national-paths.csv`: every path's national totals.
///
/// # Errors
/// [`Error::Export`] if the CSV writer fails.
pub fn paths_csv(n: &National) -> Result<Vec<u8>> {
    let err = export_err("national-paths.csv");
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "path",
        "avoided",
        "avoided_year1",
        "cum_net",
        "npv",
        "released",
        "withheld",
        "contingency",
        "commissioner",
    ])
    .map_err(|e| err(e.to_string()))?;
    for (i, p) in n.paths().iter().enumerate() {
        w.write_record([
            i.to_string(),
            p.avoided.to_string(),
            p.avoided_year1.to_string(),
            p.cum_net.to_string(),
            p.npv.to_string(),
            p.released.to_string(),
            p.withheld.to_string(),
            p.contingency.to_string(),
            p.commissioner.to_string(),
        ])
        .map_err(|e| err(e.to_string()))?;
    }
    w.into_inner().map_err(|e| err(e.to_string()))
}

/// The national fan chart: cumulative system net summed over areas (£m), drawn like the
/// run's (`figures::fan_of`).
#[cfg(feature = "report")]
pub fn fan(n: &National) -> FanChart {
    crate::figures::fan_of(
        format!("National cumulative system net — {}", n.meta.template_name),
        format!(
            "sum over {} areas; P(national break even) = {:.0}% · {} paths, seed {}, correlations effect {} / growth {}",
            n.meta.areas,
            100.0 * n.totals.p_break_even,
            group(n.meta.paths as f64),
            n.meta.seed,
            n.meta.factors.effect_correlation,
            n.meta.factors.growth_correlation
        ),
        format!(
            "National cumulative net, {} (real)",
            n.meta.currency.millions()
        ),
        &n.periods
            .iter()
            .map(|p| (p.label.clone(), p.cum_net))
            .collect::<Vec<_>>(),
        None,
    )
}

/// Areas per rating, best first (the bar of "not approved" in the warning colour).
#[cfg(feature = "report")]
pub fn ratings(n: &National) -> Columns {
    Columns {
        title: format!("Areas per rating — {}", n.meta.template_name),
        subtitle: format!(
            "{} areas, {} futures each; rating names NHS England's, probability thresholds this tool's",
            n.meta.areas,
            group(n.meta.paths as f64)
        ),
        x_label: "Credibility rating".into(),
        y_label: "Areas".into(),
        categories: n.ratings.iter().map(|r| r.rating.to_string()).collect(),
        values: n.ratings.iter().map(|r| r.areas as f64).collect(),
        label: "Approved (outright, with support or with conditions)".into(),
        highlight: n
            .ratings
            .iter()
            .map(|r| r.rating == Rating::NotApproved)
            .collect(),
        highlight_label: "Not approved".into(),
        value_decimals: 0,
    }
}

/// Every area's P(break even), ranked, with ±2 standard errors and the rating thresholds.
#[cfg(feature = "report")]
pub fn ranked_break_even(n: &National) -> Ranked {
    let c = n.meta.credibility;
    let claims = c.basis == crate::Basis::Claims;
    // On the claims basis areas are rated on P(claimed savings arrive); on the
    // break-even basis on P(break even): the chart shows what the ratings rest on.
    type Pick = fn(&super::AreaResult) -> f64;
    let (p, se): (Pick, Pick) = if claims {
        (|a| a.p_savings_claim_met, |a| a.p_savings_claim_met_se)
    } else {
        (|a| a.p_break_even, |a| a.p_break_even_se)
    };
    let what = if claims {
        "P(claimed savings arrive)"
    } else {
        "P(break even)"
    };
    let mut best: Vec<&super::AreaResult> = n.areas.iter().collect();
    best.sort_by(|a, b| p(b).total_cmp(&p(a)));
    let name = |a: Option<&&super::AreaResult>| {
        a.map_or(String::new(), |a| format!("{} {}", a.area, percent1(p(a))))
    };
    let line = |level: f64, words: &str| {
        (
            100.0 * level,
            format!("{words}: ≥\u{a0}{}", percent1(level)),
        )
    };
    let thresholds = if claims {
        vec![
            line(c.support_p_savings_claim_met, "approved with support"),
            line(c.conditions_p_savings_claim_met, "approved with conditions"),
        ]
    } else {
        vec![
            line(c.approved_p_break_even, "approved"),
            line(c.support_p_break_even, "approved with support"),
            line(c.conditions_p_break_even, "approved with conditions"),
        ]
    };
    Ranked {
        title: format!("{what} of every area — {}", n.meta.template_name),
        subtitle: format!(
            "{} areas ranked; best {}, worst {}; {} futures each{}",
            n.meta.areas,
            name(best.first()),
            name(best.last()),
            group(n.meta.paths as f64),
            if claims {
                "; approved also needs the savings as cash and the new money to pay back"
            } else {
                ""
            }
        ),
        x_label: format!("Areas ranked by {what}"),
        y_label: format!("{what}, %"),
        label: "Area (± 2 SE)".into(),
        values: n.areas.iter().map(|a| 100.0 * p(a)).collect(),
        errors: n.areas.iter().map(|a| 200.0 * se(a)).collect(),
        thresholds,
        y_range: Some((0.0, 100.0)),
    }
}

/// Every chart of a national run as `(file name, bytes)`: `national-fan`,
/// `national-ratings`, `national-break-even`, with the format's extension.
///
/// # Errors
/// [`Error::Chart`] naming the chart that could not be drawn.
#[cfg(feature = "report")]
pub fn charts(n: &National, format: Format) -> Result<Vec<(String, Vec<u8>)>> {
    let wrap = |name: &'static str| move |source| Error::Chart { name, source };
    let ext = format.extension();
    Ok(vec![
        (
            format!("national-fan.{ext}"),
            chart::fan_chart(&fan(n), format).map_err(wrap("national-fan"))?,
        ),
        (
            format!("national-ratings.{ext}"),
            chart::columns(&ratings(n), format).map_err(wrap("national-ratings"))?,
        ),
        (
            format!("national-break-even.{ext}"),
            chart::ranked(&ranked_break_even(n), format).map_err(wrap("national-break-even"))?,
        ),
    ])
}
