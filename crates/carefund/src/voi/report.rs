//! A value-of-information analysis as text, JSON, CSV and charts (bytes; the caller
//! writes them).

use std::fmt::Write as _;

use super::VoiReport;
use super::analysis::Row;
#[cfg(feature = "report")]
use crate::chart::{self, BarRow, Curves, Format, HorizontalBars, Line, ReferenceBars};
use crate::error::{Error, Result};

/// Inputs listed in the terminal at most (every one is in `voi.csv`).
pub const TEXT_INPUTS: usize = 10;

/// Rows shown on the EVPPI chart at most (groups first, then the largest inputs).
pub const CHART_ROWS: usize = 14;

fn export_err(what: &'static str) -> impl Fn(String) -> Error {
    move |message| Error::Export { what, message }
}

/// `voi.json`: the whole report.
///
/// # Errors
/// [`Error::Export`] if serialisation fails.
pub fn json(r: &VoiReport) -> Result<Vec<u8>> {
    serde_json::to_vec_pretty(r).map_err(|e| export_err("voi.json")(e.to_string()))
}

/// `voi.csv`: one row for the EVPI, then one per input and per group: kind, name,
/// inputs (`;`-separated), value per decision, SE, scaled value, scaled SE, share of
/// EVPI, effective degrees of freedom of the regression.
///
/// # Errors
/// [`Error::Export`] if writing fails.
pub fn csv(r: &VoiReport) -> Result<Vec<u8>> {
    let err = export_err("voi.csv");
    let mut w = csv::Writer::from_writer(Vec::new());
    let e = |x: csv::Error| err(x.to_string());
    w.write_record([
        "kind",
        "name",
        "inputs",
        "value",
        "se",
        "value_scaled",
        "se_scaled",
        "share_of_evpi",
        "edf",
    ])
    .map_err(e)?;
    w.write_record([
        "evpi".to_string(),
        "all uncertainty".to_string(),
        String::new(),
        r.evpi.evpi.to_string(),
        r.evpi.se.to_string(),
        r.evpi_scaled.to_string(),
        r.evpi_se_scaled.to_string(),
        "1".to_string(),
        String::new(),
    ])
    .map_err(e)?;
    for (kind, rows) in [("evppi_input", &r.inputs), ("evppi_group", &r.groups)] {
        for row in rows {
            w.write_record([
                kind.to_string(),
                row.name.clone(),
                row.inputs.join(";"),
                row.estimate.evppi.to_string(),
                row.estimate.se.to_string(),
                row.evppi_scaled.to_string(),
                row.se_scaled.to_string(),
                row.share_of_evpi.to_string(),
                row.estimate.edf.to_string(),
            ])
            .map_err(e)?;
        }
    }
    w.into_inner().map_err(|x| err(x.to_string()))
}

/// `acceptability.csv`: weight, then P(best) of each option (one column per option).
///
/// # Errors
/// [`Error::Export`] if writing fails.
pub fn acceptability_csv(r: &VoiReport) -> Result<Vec<u8>> {
    let err = export_err("acceptability.csv");
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["gbp_per_avoided_admission".to_string()];
    header.extend(r.options.iter().map(|o| format!("p_best: {o}")));
    header.push("best_on_average".into());
    w.write_record(&header).map_err(|x| err(x.to_string()))?;
    let a = &r.acceptability;
    for (k, weight) in a.weights.iter().enumerate() {
        let mut rec = vec![weight.to_string()];
        rec.extend(a.p_best.iter().map(|p| p[k].to_string()));
        rec.push(
            r.options
                .get(a.best_on_average[k])
                .cloned()
                .unwrap_or_default(),
        );
        w.write_record(&rec).map_err(|x| err(x.to_string()))?;
    }
    w.into_inner().map_err(|x| err(x.to_string()))
}

/// A value and its SE, scaled when the scale is not 1.
fn amount(r: &VoiReport, v: f64) -> String {
    let money = |x: f64| r.currency.money(x);
    let one = (r.scale - 1.0).abs() < f64::EPSILON;
    if one {
        money(v)
    } else {
        format!(
            "{} per decision, {} for {}",
            money(v),
            money(v * r.scale),
            r.scale
        )
    }
}

/// An EVPPI that is 0, or within two standard errors of 0, says nothing worth printing.
fn is_noise(row: &Row) -> bool {
    row.estimate.evppi <= 0.0 || row.estimate.evppi < 2.0 * row.estimate.se
}

/// The terminal report: EVPI, the ranked EVPPIs and plain-words lines.
pub fn text(r: &VoiReport) -> String {
    let mut t = String::new();
    let d = &r.evpi;
    options_lines(&mut t, r);
    let _ = writeln!(t, "EVPI: {} (SE {})", amount(r, d.evpi), amount(r, d.se));
    let all_zero = r
        .groups
        .iter()
        .chain(&r.inputs)
        .all(|row| row.estimate.evppi.abs() == 0.0);
    evppi_lines(&mut t, r, all_zero);
    plain_words(&mut t, r);
    if all_zero {
        return t;
    }
    let _ = writeln!(
        t,
        "  (EVPPI bias: upward from fitting noise, about one SE for an input that does not matter; downward where the smoother is too stiff. Values within 2 SE of 0 are not distinguishable from 0.)"
    );
    t
}

/// The options, their means and how often each is best.
fn options_lines(t: &mut String, r: &VoiReport) {
    let money = |x: f64| r.currency.money(x);
    let d = &r.evpi;
    let _ = writeln!(
        t,
        "\nValue of information · {} options · net benefit = {}{} · {} paths, seed {}{}",
        r.options.len(),
        r.value.words(),
        if r.admission_value > 0.0 {
            format!(" + {} per avoided admission", money(r.admission_value))
        } else {
            String::new()
        },
        r.paths,
        r.seed,
        if (r.scale - 1.0).abs() < f64::EPSILON {
            String::new()
        } else {
            format!(" · scale × {}", r.scale)
        }
    );
    for (k, o) in r.options.iter().enumerate() {
        let _ = writeln!(
            t,
            "  {} mean {:>10}  best on {:>5.1}% of paths  {}",
            if k == d.best { "*" } else { " " },
            money(d.means[k]),
            100.0 * d.p_best[k],
            o
        );
    }
}

/// The EVPPI of the groups and of the first inputs (`all_zero`: every EVPPI is 0).
fn evppi_lines(t: &mut String, r: &VoiReport, all_zero: bool) {
    let money = |x: f64| r.currency.money(x);
    if all_zero {
        let _ = writeln!(
            t,
            "EVPPI: {} for every input and group ({} rows in voi.csv)",
            money(0.0),
            r.inputs.len() + r.groups.len()
        );
    } else {
        let _ = writeln!(
            t,
            "EVPPI per decision (regression, Strong et al. 2014): value, SE, share of EVPI"
        );
    }
    let shown_inputs = if all_zero {
        0
    } else {
        r.inputs.len().min(TEXT_INPUTS)
    };
    let shown_groups = if all_zero { 0 } else { r.groups.len() };
    for row in r.groups[..shown_groups]
        .iter()
        .chain(&r.inputs[..shown_inputs])
    {
        let label = if r.groups.iter().any(|g| std::ptr::eq(g, row)) {
            format!("[group] {} ({} inputs)", row.name, row.inputs.len())
        } else {
            row.name.clone()
        };
        let _ = writeln!(
            t,
            "  {:>10}  SE {:>9}  {:>5.1}%  {}{}",
            money(row.estimate.evppi),
            money(row.estimate.se),
            100.0 * row.share_of_evpi,
            label,
            if is_noise(row) {
                "  (within 2 SE of 0)"
            } else {
                ""
            }
        );
    }
    if r.inputs.len() > shown_inputs && !all_zero {
        let _ = writeln!(
            t,
            "  … {} more inputs in voi.csv",
            r.inputs.len() - shown_inputs
        );
    }
}

/// What the numbers mean for the decision, in words.
fn plain_words(t: &mut String, r: &VoiReport) {
    let d = &r.evpi;
    let _ = writeln!(t, "In plain words:");
    let best = r.options.get(d.best).map_or("", String::as_str);
    if d.evpi <= 0.0 || d.p_best[d.best] >= 0.999 {
        let _ = writeln!(
            t,
            "  \"{best}\" is best on (nearly) every path: no information would change the decision; decide now."
        );
    } else {
        let _ = writeln!(
            t,
            "  On current evidence \"{best}\" is best on average, but it is best on only {:.0}% of paths.",
            100.0 * d.p_best[d.best]
        );
        let _ = writeln!(
            t,
            "  Removing all uncertainty before deciding is worth up to {} (EVPI): no study or pilot can be worth more.",
            amount(r, d.evpi)
        );
        let mut shown = 0;
        for row in r.inputs.iter().filter(|row| !is_noise(row)).take(3) {
            let _ = writeln!(
                t,
                "  Resolving uncertainty about {} first is worth up to {} ({:.0}% of EVPI).",
                row.name,
                amount(r, row.estimate.evppi),
                100.0 * row.share_of_evpi
            );
            shown += 1;
        }
        for row in r.groups.iter().filter(|row| !is_noise(row)) {
            let _ = writeln!(
                t,
                "  Resolving {} together ({} inputs) is worth up to {}.",
                row.name,
                row.inputs.len(),
                amount(r, row.estimate.evppi)
            );
            shown += 1;
        }
        if shown == 0 {
            let _ = writeln!(
                t,
                "  No single input or group is worth resolving on its own (every EVPPI is within 2 SE of 0)."
            );
        }
    }
}

/// Short legend labels "A: name", "B: name", …: when names share a long prefix (a plan
/// and its "do nothing"), the later ones show only what follows it.
pub fn option_labels(options: &[String]) -> Vec<String> {
    let letter = |k: usize| char::from(b'A' + (k % 26) as u8);
    let first = options.first().map_or("", String::as_str);
    options
        .iter()
        .enumerate()
        .map(|(k, o)| {
            let common = first
                .char_indices()
                .zip(o.chars())
                .take_while(|((_, a), b)| a == b)
                .last()
                .map_or(0, |((i, c), _)| i + c.len_utf8());
            let rest = o[common..].trim();
            if k > 0 && common >= 12 && !rest.is_empty() {
                format!("{}: …{}", letter(k), &o[common..])
            } else {
                format!("{}: {o}", letter(k))
            }
        })
        .collect()
}

/// An input name for a chart row: a scheme's input as `Scheme name · effect` (the
/// chart wraps it), any other input as it is.
#[cfg(feature = "report")]
fn short_input(name: &str) -> String {
    // The chart wraps long labels; only the `scheme.` prefix and the key are reshaped.
    match name
        .strip_prefix("scheme.")
        .and_then(|rest| rest.rsplit_once('.'))
    {
        Some((scheme, what)) => format!("{scheme} · {what}"),
        None => name.to_string(),
    }
}

/// Display unit for a set of amounts: (divisor, label), e.g. `£m` or `€k`.
#[cfg(feature = "report")]
fn unit(r: &VoiReport, max: f64) -> (f64, String) {
    let c = r.currency.symbol();
    if max.abs() >= 1e6 {
        (1e6, format!("{c}m"))
    } else {
        (1e3, format!("{c}k"))
    }
}

/// The ranked EVPPI bars with EVPI as the reference line.
#[cfg(feature = "report")]
pub fn evppi_chart(r: &VoiReport) -> ReferenceBars {
    let (div, label) = unit(r, r.evpi_scaled);
    let money = |x: f64| r.currency.money(x);
    let mut rows: Vec<BarRow> = Vec::new();
    let nonzero = |row: &&Row| row.estimate.evppi > 0.0;
    for row in r
        .groups
        .iter()
        .chain(r.inputs.iter().filter(nonzero))
        .take(CHART_ROWS)
    {
        let name = if r.groups.iter().any(|g| std::ptr::eq(g, row)) {
            format!("{} ({} inputs)", row.name, row.inputs.len())
        } else {
            short_input(&row.name)
        };
        let v = row.evppi_scaled / div;
        let s = row.se_scaled / div;
        rows.push(BarRow {
            label: name,
            values: vec![v],
            intervals: vec![Some(((v - 2.0 * s).max(0.0), v + 2.0 * s))],
            notes: vec![money(row.evppi_scaled)],
        });
    }
    if rows.is_empty() {
        rows.push(BarRow {
            label: "every input".into(),
            values: vec![0.0],
            notes: vec![money(0.0)],
            ..BarRow::default()
        });
    }
    let per = if (r.scale - 1.0).abs() < f64::EPSILON {
        "per decision".to_string()
    } else {
        format!("× {} decisions", r.scale)
    };
    let nb = if r.admission_value > 0.0 {
        format!(
            "{} + {}/avoided admission",
            r.value.words(),
            money(r.admission_value)
        )
    } else {
        r.value.words().to_string()
    };
    ReferenceBars {
        bars: HorizontalBars {
            title: "What knowing this better is worth (EVPPI)".into(),
            subtitle: format!("Net benefit: {nb}; groups first, then inputs; whiskers ±2 SE"),
            x_label: format!("EVPPI, {label} {per}"),
            series: vec!["EVPPI".into()],
            show_values: true,
            rows,
            ..HorizontalBars::default()
        },
        reference: r.evpi_scaled / div,
        reference_label: format!("EVPI {}", money(r.evpi_scaled)),
    }
}

/// The acceptability curve.
#[cfg(feature = "report")]
pub fn acceptability_chart(r: &VoiReport) -> Curves {
    let a = &r.acceptability;
    Curves {
        title: "Which option is best, valuing each avoided admission".into(),
        subtitle: format!(
            "P(option has the highest {} + {}w × avoided admissions) on common random numbers",
            r.value.words(),
            r.currency.symbol()
        ),
        x_label: format!(
            "w: {} per avoided admission, on top of the money",
            r.currency.symbol().trim_end()
        ),
        y_label: "P(option is best), %".into(),
        x: a.weights.clone(),
        lines: option_labels(&r.options)
            .into_iter()
            .zip(&a.p_best)
            .map(|(o, p)| Line {
                label: o,
                values: p.iter().map(|v| 100.0 * v).collect(),
            })
            .collect(),
        y_range: Some((0.0, 100.0)),
    }
}

/// Every chart: `voi-evppi` (when there is a row) and `voi-acceptability` (when there
/// are at least two weights), as (file name, bytes).
///
/// # Errors
/// [`Error::Chart`] if a chart cannot be drawn.
#[cfg(feature = "report")]
pub fn charts(r: &VoiReport, format: Format) -> Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    let ext = format.extension();
    if !(r.groups.is_empty() && r.inputs.is_empty()) {
        let bytes =
            chart::reference_bars(&evppi_chart(r), format).map_err(|source| Error::Chart {
                name: "voi-evppi",
                source,
            })?;
        out.push((format!("voi-evppi.{ext}"), bytes));
    }
    if r.acceptability.weights.len() >= 2 {
        let bytes =
            chart::curves(&acceptability_chart(r), format).map_err(|source| Error::Chart {
                name: "voi-acceptability",
                source,
            })?;
        out.push((format!("voi-acceptability.{ext}"), bytes));
    }
    Ok(out)
}
