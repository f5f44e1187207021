//! Output tables as bytes (the library never writes files; the CLI does).
//!
//! - `summary.json`: [`Summary`] as JSON.
//! - `percentiles.csv`: tidy long format, one row per period, quantity and statistic:
//!   `period,label,quantity,statistic,value` (statistics `mean`, `sd`, `se`, `p1` … `p99`;
//!   plus the deterministic rows `plan` and `plan_case_cum_net`, statistic `value`).
//! - `paths.csv`: one row per path: its summary and its sampled inputs.

use crate::engine::Simulation;
use crate::error::{Error, Result};
use crate::scenario::Scenario;
use crate::summary::Summary;

fn export_err(what: &'static str) -> impl Fn(String) -> Error {
    move |message| Error::Export { what, message }
}

/// `summary.json`, pretty-printed.
///
/// # Errors
/// [`Error::Export`] if serialisation fails (it does not for finite numbers).
pub fn summary_json(summary: &Summary) -> Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(summary)
        .map_err(|e| export_err("summary.json")(e.to_string()))?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// `percentiles.csv` in tidy long format.
///
/// # Errors
/// [`Error::Export`] if the CSV writer fails.
pub fn percentiles_csv(summary: &Summary) -> Result<Vec<u8>> {
    let err = export_err("percentiles.csv");
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["period", "label", "quantity", "statistic", "value"])
        .map_err(|e| err(e.to_string()))?;
    for p in &summary.periods {
        let index = p.index.to_string();
        for (q, s) in &p.quantities {
            let stats = [("mean", s.mean), ("sd", s.sd), ("se", s.se)];
            for (stat, value) in stats.into_iter().chain(s.percentiles()) {
                w.write_record([index.as_str(), &p.label, q, stat, &num(value)])
                    .map_err(|e| err(e.to_string()))?;
            }
        }
        w.write_record([index.as_str(), &p.label, "plan", "value", &num(p.plan)])
            .map_err(|e| err(e.to_string()))?;
        w.write_record([
            index.as_str(),
            &p.label,
            "plan_case_cum_net",
            "value",
            &num(p.plan_case_cum_net),
        ])
        .map_err(|e| err(e.to_string()))?;
    }
    w.into_inner().map_err(|e| err(e.to_string()))
}

/// `paths.csv`: per-path summaries and sampled inputs.
///
/// # Errors
/// [`Error::Export`] if the CSV writer fails.
pub fn paths_csv(scenario: &Scenario, sim: &Simulation) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    write_paths_csv(scenario, sim, &mut bytes)?;
    Ok(bytes)
}

/// `paths.csv` written to `out` as it is made, in pieces of 65,536 paths, so that a
/// run of millions of paths never holds the whole table (or all paths' inputs) in
/// memory.
///
/// # Errors
/// [`Error::Export`] if writing fails.
pub fn write_paths_csv(
    scenario: &Scenario,
    sim: &Simulation,
    out: &mut dyn std::io::Write,
) -> Result<()> {
    const PIECE: usize = 1 << 16;
    let err = export_err("paths.csv");
    let tl = scenario.timeline();
    let mut w = csv::Writer::from_writer(out);
    let mut header: Vec<String> = [
        "path",
        "npv",
        "cum_net",
        "break_even_period",
        "break_even_year",
        "avoided",
        "avoided_year1",
        "target_met_year1",
        "investment",
        "cashable",
        "roi",
        "commissioner",
        "provider",
        "council",
        "released",
        "withheld",
        "contingency",
    ]
    .iter()
    .map(|s| (*s).to_string())
    .collect();
    header.extend(scenario.inputs().iter().map(|i| i.name().to_string()));
    w.write_record(&header).map_err(|e| err(e.to_string()))?;
    let k = scenario.inputs().len();
    let first = sim.first_path();
    let summaries = sim.path_summaries();
    for start in (0..summaries.len()).step_by(PIECE) {
        let end = (start + PIECE).min(summaries.len());
        let inputs = sim.inputs(start..end);
        for (i, s) in summaries[start..end].iter().enumerate() {
            let mut row = vec![
                (first + start + i).to_string(),
                num(s.npv),
                num(s.cum_net),
                s.break_even
                    .map_or("never".into(), |b| tl.label(b as usize)),
                s.break_even
                    .map_or("never".into(), |b| tl.year_label(tl.year_of(b as usize))),
                num(s.avoided),
                num(s.avoided_year1),
                s.target_met_year1.to_string(),
                num(s.investment),
                num(s.cashable),
                s.roi.map_or(String::new(), num),
                num(s.commissioner),
                num(s.provider),
                num(s.council),
                num(s.released),
                num(s.withheld),
                num(s.contingency),
            ];
            row.extend(inputs[i * k..(i + 1) * k].iter().map(|&x| num(x)));
            w.write_record(&row).map_err(|e| err(e.to_string()))?;
        }
    }
    w.flush().map_err(|e| err(e.to_string()))
}

/// Shortest text that reads back as the same `f64` (Rust's `Display` round-trips).
fn num(x: f64) -> String {
    format!("{x}")
}
