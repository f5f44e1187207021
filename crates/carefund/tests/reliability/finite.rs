//! One check that every number a run produces is finite.

use carefund::{Quantity, Scenario, Simulation, Summary, export};

/// `Err` naming the first non-finite number in any output of a run: every ledger value,
/// every path summary and sampled input, every field of `summary.json` (serde_json writes
/// NaN and infinity as `null`, so a `null` where a number belongs is caught), and every
/// numeric cell of `percentiles.csv` and `paths.csv`.
pub fn check_outputs(
    scenario: &Scenario,
    sim: &Simulation,
    summary: &Summary,
) -> Result<(), String> {
    let periods = scenario.timeline().periods();
    for &q in &Quantity::ALL {
        for t in 0..periods {
            if let Some(x) = sim
                .column(q, t)
                .unwrap_or_default()
                .into_iter()
                .find(|x| !x.is_finite())
            {
                return Err(format!("ledger {} period {t}: {x}", q.name()));
            }
        }
    }
    for (p, s) in sim.path_summaries().iter().enumerate() {
        let fields = [
            ("npv", s.npv),
            ("cum_net", s.cum_net),
            ("avoided", s.avoided),
            ("avoided_year1", s.avoided_year1),
            ("investment", s.investment),
            ("cashable", s.cashable),
            ("roi", s.roi.unwrap_or(0.0)),
            ("commissioner", s.commissioner),
            ("provider", s.provider),
            ("council", s.council),
            ("released", s.released),
            ("withheld", s.withheld),
            ("contingency", s.contingency),
        ];
        if let Some((name, x)) = fields.iter().find(|(_, x)| !x.is_finite()) {
            return Err(format!("path {p} summary {name}: {x}"));
        }
        if let Some(x) = sim.path_inputs(p).iter().find(|x| !x.is_finite()) {
            return Err(format!("path {p} input: {x}"));
        }
    }
    let json = export::summary_json(summary).map_err(|e| e.to_string())?;
    let value: serde_json::Value = serde_json::from_slice(&json).map_err(|e| e.to_string())?;
    json_finite(&value, "summary")?;
    csv_finite(
        "percentiles.csv",
        &export::percentiles_csv(summary).map_err(|e| e.to_string())?,
    )?;
    csv_finite(
        "paths.csv",
        &export::paths_csv(scenario, sim).map_err(|e| e.to_string())?,
    )?;
    Ok(())
}

/// Keys of `summary.json` whose value may be `null` (an `Option` that is not a number).
const NULLABLE: &[&str] = &["break_even_year"];

fn json_finite(v: &serde_json::Value, at: &str) -> Result<(), String> {
    match v {
        serde_json::Value::Null => {
            let key = at.rsplit('.').next().unwrap_or(at);
            if NULLABLE.contains(&key) {
                Ok(())
            } else {
                Err(format!("summary.json {at} is null (a NaN or infinity)"))
            }
        }
        serde_json::Value::Number(n) => match n.as_f64() {
            Some(x) if x.is_finite() => Ok(()),
            _ => Err(format!("summary.json {at} = {n}")),
        },
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, x)| json_finite(x, &format!("{at}[{i}]"))),
        serde_json::Value::Object(map) => map
            .iter()
            .try_for_each(|(k, x)| json_finite(x, &format!("{at}.{k}"))),
        _ => Ok(()),
    }
}

/// Every cell that reads as a number (Rust also reads `NaN` and `inf`) must be finite.
fn csv_finite(name: &str, bytes: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("{name}: {e}"))?;
    for (row, line) in text.lines().enumerate().skip(1) {
        for cell in line.split(',') {
            let lower = cell.to_ascii_lowercase();
            let looks_numeric =
                cell.parse::<f64>().is_ok() || lower.contains("nan") || lower.contains("inf");
            if looks_numeric && !cell.parse::<f64>().is_ok_and(f64::is_finite) {
                return Err(format!("{name} row {row}: `{cell}` in {line}"));
            }
        }
    }
    Ok(())
}

#[test]
fn the_checker_catches_non_finite_cells_and_nulls() {
    assert!(csv_finite("t.csv", b"a,b\n1,NaN\n").is_err());
    assert!(csv_finite("t.csv", b"a,b\n1,-inf\n").is_err());
    assert!(csv_finite("t.csv", b"a,b\n1,2.5e300\n").is_ok());
    let v = serde_json::json!({ "headline": { "npv": { "mean": null } } });
    assert!(json_finite(&v, "summary").is_err());
    let v = serde_json::json!({ "plan_claim": { "break_even_year": null } });
    assert!(json_finite(&v, "summary").is_ok());
}
