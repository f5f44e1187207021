//! Text tables (for a terminal) and CSV/JSON bytes of stress tests, reverse stress tests
//! and comparisons. Nothing here writes files.

use std::fmt::Write;

use super::compare::Comparison;
use super::paired::{StressReport, StressResult};
use super::reverse::ReverseResult;
use crate::error::{Error, Result};
use crate::fmt::{Currency, group};

fn signed_money(cur: Currency, x: f64) -> String {
    if x > 0.0 {
        format!("+{}", cur.money(x))
    } else {
        cur.money(x)
    }
}

fn pct_se(p: f64, se: f64) -> String {
    crate::fmt::percent_pm(p, se)
}

/// The stress table: per stress, the rating, P(break even), median cumulative net and the
/// paired changes versus the base with their standard errors.
pub fn stress_text(r: &StressReport) -> String {
    let mut o = String::new();
    let last = r
        .periods
        .last()
        .map_or("", |p| p.split(' ').next().unwrap_or(p));
    let _ = writeln!(
        o,
        "{} — stress tests, {} paths, seed {} (every run on the same random numbers)\n",
        r.scenario,
        group(r.paths as f64),
        r.seed
    );
    // The name column is as wide as the longest name: a stress is never cut short.
    let w = std::iter::once(&r.base)
        .chain(&r.stresses)
        .map(|s| s.name.chars().count())
        .fold("stress".len(), usize::max);
    let _ = writeln!(
        o,
        "{:<w$} {:<24} {:>15} {:>15} {:>15} {:>18} {:>20}",
        "stress",
        "rating",
        "P(claim met)",
        "P(as cash)",
        "P(break even)",
        "ΔP(claim met), pts",
        "Δ mean cum net"
    );
    let row = |o: &mut String, s: &StressResult, base: bool| {
        let dp = if base {
            "—".to_string()
        } else {
            crate::fmt::points_pm(
                s.change.p_savings_claim_met.mean,
                s.change.p_savings_claim_met.se,
            )
        };
        let dc = if base {
            "—".to_string()
        } else {
            r.currency
                .money_pm(s.change.cum_net.mean, s.change.cum_net.se, true)
        };
        let _ = writeln!(
            o,
            "{:<w$} {:<24} {:>15} {:>15} {:>15} {:>18} {:>20}",
            s.name,
            s.rating.to_string(),
            pct_se(s.p_savings_claim_met, s.p_savings_claim_met_se),
            pct_se(s.p_savings_claim_cashable, s.p_savings_claim_cashable_se),
            pct_se(s.p_break_even, s.p_break_even_se),
            dp,
            dc
        );
    };
    row(&mut o, &r.base, true);
    for s in &r.stresses {
        row(&mut o, s, false);
    }
    let _ = writeln!(
        o,
        "\nP(claim met) = P(gross savings over the horizon ≥ the plan's claimed savings); P(as cash) the same for\n\
         cashable savings; P(break even) = P(cumulative net of the new money by {last} ≥ 0). Δ = stressed − base,\n\
         the mean of per-path differences on the same random numbers, ± one Monte Carlo standard error."
    );
    o
}

fn csv_err(what: &'static str) -> impl Fn(csv::Error) -> Error {
    move |e| Error::Export {
        what,
        message: e.to_string(),
    }
}

fn json(what: &'static str, v: &impl serde::Serialize) -> Result<Vec<u8>> {
    let mut b = serde_json::to_vec_pretty(v).map_err(|e| Error::Export {
        what,
        message: e.to_string(),
    })?;
    b.push(b'\n');
    Ok(b)
}

/// `stress.json`.
///
/// # Errors
/// [`Error::Export`] if serialisation fails.
pub fn stress_json(r: &StressReport) -> Result<Vec<u8>> {
    json("stress.json", r)
}

/// `stress.csv`: one row per run (the base first).
///
/// # Errors
/// [`Error::Export`] if the CSV writer fails.
pub fn stress_csv(r: &StressReport) -> Result<Vec<u8>> {
    let err = csv_err("stress.csv");
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "stress",
        "rating",
        "p_break_even",
        "p_break_even_se",
        "p_target_met_year1",
        "p_savings_claim_met",
        "p_savings_claim_met_se",
        "p_savings_claim_cashable",
        "p_savings_claim_cashable_se",
        "p_hospital_covered",
        "new_money_mean",
        "cum_net_median",
        "cum_net_mean",
        "npv_mean",
        "avoided_mean",
        "change_p_break_even",
        "change_p_break_even_se",
        "change_p_savings_claim_met",
        "change_p_savings_claim_met_se",
        "change_p_savings_claim_cashable",
        "change_p_savings_claim_cashable_se",
        "change_cum_net",
        "change_cum_net_se",
        "change_npv",
        "change_npv_se",
        "change_avoided",
        "change_avoided_se",
    ])
    .map_err(&err)?;
    for s in std::iter::once(&r.base).chain(&r.stresses) {
        let c = &s.change;
        let nums = [
            s.p_break_even,
            s.p_break_even_se,
            s.p_target_met_year1,
            s.p_savings_claim_met,
            s.p_savings_claim_met_se,
            s.p_savings_claim_cashable,
            s.p_savings_claim_cashable_se,
            s.p_hospital_covered,
            s.new_money_mean,
            s.cum_net_median,
            s.cum_net_mean,
            s.npv_mean,
            s.avoided_mean,
            c.p_break_even.mean,
            c.p_break_even.se,
            c.p_savings_claim_met.mean,
            c.p_savings_claim_met.se,
            c.p_savings_claim_cashable.mean,
            c.p_savings_claim_cashable.se,
            c.cum_net.mean,
            c.cum_net.se,
            c.npv.mean,
            c.npv.se,
            c.avoided.mean,
            c.avoided.se,
        ];
        let mut row = vec![s.name.clone(), s.rating.to_string()];
        row.extend(nums.iter().map(|x| format!("{x}")));
        w.write_record(&row).map_err(&err)?;
    }
    w.into_inner().map_err(|e| Error::Export {
        what: "stress.csv",
        message: e.to_string(),
    })
}

/// The reverse stress test's answer in words.
pub fn reverse_text(scenario: &str, r: &ReverseResult, paths: u64, seed: u64) -> String {
    let mut o = String::new();
    let word = match r.factor.kind {
        super::reverse::FactorKind::Scale => "scale",
        super::reverse::FactorKind::Shift => "shift",
    };
    let _ = writeln!(
        o,
        "{scenario} — reverse stress test, {} paths, seed {seed}\n",
        group(paths as f64)
    );
    let _ = writeln!(
        o,
        "factor: {word} {}   metric: {}   level: {}   searched: [{}, {}]",
        r.factor.select, r.metric, r.level, r.range.0, r.range.1
    );
    let show =
        |e: &super::reverse::Evaluation| format!("{} = {:.4} ± {:.4}", r.metric, e.metric, e.se);
    if let (Some(v), Some((a, b))) = (r.value, r.bracket) {
        let _ = writeln!(
            o,
            "\n{} crosses {} at {word} ≈ {v:.4} (bracket [{:.4}, {:.4}], tolerance {})",
            r.metric, r.level, a.factor, b.factor, r.tolerance
        );
        let _ = writeln!(o, "  at {:.4}: {}", a.factor, show(&a));
        let _ = writeln!(o, "  at {:.4}: {}", b.factor, show(&b));
    } else {
        let _ = writeln!(
            o,
            "\nNO factor in [{}, {}] makes {} cross {}:",
            r.range.0, r.range.1, r.metric, r.level
        );
        if let (Some(a), Some(b)) = (r.evaluations.first(), r.evaluations.get(1)) {
            let _ = writeln!(o, "  at {}: {}", a.factor, show(a));
            let _ = writeln!(o, "  at {}: {}", b.factor, show(b));
        }
        let _ = writeln!(o, "  widen the range with --range LO:HI to search further");
    }
    let _ = writeln!(
        o,
        "\n{} evaluations, each on the same random numbers; on finite paths a probability\n\
         moves in steps, so the answer is a bracket, not a point.",
        r.evaluations.len()
    );
    o
}

/// `reverse.json`.
///
/// # Errors
/// [`Error::Export`] if serialisation fails.
pub fn reverse_json(r: &ReverseResult) -> Result<Vec<u8>> {
    json("reverse.json", r)
}

/// `reverse.csv`: every evaluation.
///
/// # Errors
/// [`Error::Export`] if the CSV writer fails.
pub fn reverse_csv(r: &ReverseResult) -> Result<Vec<u8>> {
    let err = csv_err("reverse.csv");
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["factor", r.metric, "se"]).map_err(&err)?;
    for e in &r.evaluations {
        w.write_record([
            format!("{}", e.factor),
            format!("{}", e.metric),
            format!("{}", e.se),
        ])
        .map_err(&err)?;
    }
    w.into_inner().map_err(|e| Error::Export {
        what: "reverse.csv",
        message: e.to_string(),
    })
}

/// The comparison tables: each scenario, then each pair's paired differences.
pub fn compare_text(c: &Comparison) -> String {
    let mut o = String::new();
    let claim = |s: &super::compare::Compared, p: f64, se: f64| {
        if s.rating == crate::Rating::NotRated {
            "—".to_string()
        } else {
            pct_se(p, se)
        }
    };
    let money = |x: f64| c.currency.money(x);
    let signed_money = |x: f64| signed_money(c.currency, x);
    let _ = writeln!(
        o,
        "Comparison — {} paths, seed {}, every scenario on the same random numbers\n",
        group(c.paths as f64),
        c.seed
    );
    let w = c
        .scenarios
        .iter()
        .map(|s| s.name.chars().count())
        .fold("scenario".len(), usize::max);
    let _ = writeln!(
        o,
        "{:<3}{:<w$} {:<24} {:>15} {:>15} {:>15} {:>10}  {:>14} {:>13}",
        "",
        "scenario",
        "rating",
        "P(claim met)",
        "P(as cash)",
        "P(break even)",
        "new money",
        "median cum net",
        "mean avoided"
    );
    for (k, s) in c.scenarios.iter().enumerate() {
        let _ = writeln!(
            o,
            "{:<3}{:<w$} {:<24} {:>15} {:>15} {:>15} {:>10}  {:>14} {:>13}",
            letter(k),
            s.name,
            s.rating.to_string(),
            // An option that claims nothing (do nothing) has no claims to meet.
            claim(s, s.p_savings_claim_met, s.p_savings_claim_met_se),
            claim(s, s.p_savings_claim_cashable, s.p_savings_claim_cashable_se),
            claim(s, s.p_break_even, s.p_break_even_se),
            money(s.new_money),
            money(s.cum_net.p50),
            group(s.avoided.mean)
        );
    }
    let _ = writeln!(
        o,
        "\nPaired differences (first − second, per path; mean ± SE, 90% of paths between P5 and P95)"
    );
    for p in &c.pairs {
        let _ = writeln!(
            o,
            "\n{} − {}:  P({} better) = {}  (higher cumulative net by the horizon)",
            letter(p.a),
            letter(p.b),
            letter(p.a),
            pct_se(p.p_a_better, p.p_a_better_se)
        );
        let m = |label: &str, s: &crate::stats::Stats, pm: String, f: &dyn Fn(f64) -> String| {
            format!(
                "  {label:<26} {pm:>20}  median {:>9}   P5–P95 [{}, {}]",
                f(s.p50),
                f(s.p5),
                f(s.p95)
            )
        };
        let money_pm = |s: &crate::stats::Stats| c.currency.money_pm(s.mean, s.se, true);
        let _ = writeln!(
            o,
            "{}",
            m(
                "cumulative net",
                &p.cum_net,
                money_pm(&p.cum_net),
                &signed_money
            )
        );
        let _ = writeln!(o, "{}", m("NPV", &p.npv, money_pm(&p.npv), &signed_money));
        let adm = |x: f64| {
            if x > 0.0 {
                format!("+{}", group(x))
            } else {
                group(x)
            }
        };
        let adm_pm = format!("{} ± {}", adm(p.avoided.mean), group(p.avoided.se));
        let _ = writeln!(
            o,
            "{}",
            m("avoided admissions (mean)", &p.avoided, adm_pm, &adm)
        );
    }
    o
}

/// `A`, `B`, … for scenario `k`.
pub fn letter(k: usize) -> String {
    let c = char::from(b'A' + (k % 26) as u8);
    if k < 26 {
        c.to_string()
    } else {
        format!("{c}{}", k / 26)
    }
}

/// `compare.json`.
///
/// # Errors
/// [`Error::Export`] if serialisation fails.
pub fn compare_json(c: &Comparison) -> Result<Vec<u8>> {
    json("compare.json", c)
}

/// `compare.csv`: one row per pair and metric with the difference's statistics.
///
/// # Errors
/// [`Error::Export`] if the CSV writer fails.
pub fn compare_csv(c: &Comparison) -> Result<Vec<u8>> {
    let err = csv_err("compare.csv");
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["a", "b", "metric", "mean", "sd", "se"];
    header.extend(["p1", "p5", "p10", "p25", "p50", "p75", "p90", "p95", "p99"]);
    w.write_record(&header).map_err(&err)?;
    for p in &c.pairs {
        let (a, b) = (&c.scenarios[p.a].name, &c.scenarios[p.b].name);
        for (metric, s) in [
            ("cum_net", &p.cum_net),
            ("npv", &p.npv),
            ("avoided", &p.avoided),
        ] {
            let mut row = vec![a.clone(), b.clone(), metric.to_string()];
            row.extend([s.mean, s.sd, s.se].iter().map(|x| format!("{x}")));
            row.extend(s.percentiles().iter().map(|(_, x)| format!("{x}")));
            w.write_record(&row).map_err(&err)?;
        }
        let mut row = vec![
            a.clone(),
            b.clone(),
            "p_a_better".to_string(),
            format!("{}", p.p_a_better),
            String::new(),
            format!("{}", p.p_a_better_se),
        ];
        row.extend(std::iter::repeat_n(String::new(), 9));
        w.write_record(&row).map_err(&err)?;
    }
    w.into_inner().map_err(|e| Error::Export {
        what: "compare.csv",
        message: e.to_string(),
    })
}
