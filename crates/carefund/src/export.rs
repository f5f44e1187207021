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
        for (q, s) in p.quantities.iter() {
            let stats = [("mean", s.mean), ("sd", s.sd), ("se", s.se)];
            for (stat, value) in stats.into_iter().chain(s.percentiles()) {
                w.write_record([index.as_str(), &p.label, q.name(), stat, &num(value)])
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

/// `paths.csv` written to `out` as it is made, in pieces of 16,384 paths, so that a
/// run of millions of paths never holds the whole table (or all paths' inputs) in
/// memory. The pieces are drawn and formatted in parallel, a batch of one piece per
/// worker thread at a time (the run's thread count), and written in path order: the
/// bytes are those of one writer going through the paths in order.
///
/// # Errors
/// [`Error::Export`] if writing fails; [`Error::Threads`] if the worker threads cannot
/// be started.
pub fn write_paths_csv(
    scenario: &Scenario,
    sim: &Simulation,
    out: &mut dyn std::io::Write,
) -> Result<()> {
    use rayon::prelude::*;
    let err = export_err("paths.csv");
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
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&header).map_err(|e| err(e.to_string()))?;
    let text = w.into_inner().map_err(|e| err(e.to_string()))?;
    out.write_all(&text).map_err(|e| err(e.to_string()))?;
    let n = sim.path_summaries().len();
    let pieces: Vec<std::ops::Range<usize>> = (0..n)
        .step_by(PIECE)
        .map(|start| start..(start + PIECE).min(n))
        .collect();
    let pool = crate::threads::pool(sim.options().threads, pieces.len())?;
    for batch in pieces.chunks(pool.current_num_threads().max(1)) {
        let texts: Vec<Result<Vec<u8>>> = pool.install(|| {
            batch
                .par_iter()
                .map(|range| paths_piece(scenario, sim, range.clone()))
                .collect()
        });
        for text in texts {
            out.write_all(&text?).map_err(|e| err(e.to_string()))?;
        }
    }
    out.flush().map_err(|e| err(e.to_string()))
}

/// Paths a piece of `paths.csv` holds (drawn and formatted by one worker thread).
const PIECE: usize = 1 << 14;

/// The rows of `paths.csv` for the paths `range` (indices among the paths held).
fn paths_piece(
    scenario: &Scenario,
    sim: &Simulation,
    range: std::ops::Range<usize>,
) -> Result<Vec<u8>> {
    let err = export_err("paths.csv");
    let tl = scenario.timeline();
    let k = scenario.inputs().len();
    let first = sim.first_path() + range.start;
    let inputs = sim.inputs(range.clone());
    let mut w = csv::Writer::from_writer(Vec::new());
    // One text buffer per row, fields marked by their ends: no allocation per field.
    let mut row = String::new();
    let mut ends: Vec<usize> = Vec::with_capacity(17 + k);
    for (i, s) in sim.path_summaries()[range].iter().enumerate() {
        row.clear();
        ends.clear();
        let mut mark = |row: &mut String| ends.push(row.len());
        use std::fmt::Write as _;
        let _ = write!(row, "{}", first + i);
        mark(&mut row);
        for x in [s.npv, s.cum_net] {
            push_num(&mut row, x);
            mark(&mut row);
        }
        match s.break_even {
            Some(b) => {
                row.push_str(&tl.label(b as usize));
                mark(&mut row);
                row.push_str(&tl.year_label(tl.year_of(b as usize)));
                mark(&mut row);
            }
            None => {
                row.push_str("never");
                mark(&mut row);
                row.push_str("never");
                mark(&mut row);
            }
        }
        for x in [s.avoided, s.avoided_year1] {
            push_num(&mut row, x);
            mark(&mut row);
        }
        row.push_str(if s.target_met_year1 { "true" } else { "false" });
        mark(&mut row);
        for x in [s.investment, s.cashable] {
            push_num(&mut row, x);
            mark(&mut row);
        }
        if let Some(r) = s.roi {
            push_num(&mut row, r);
        }
        mark(&mut row);
        for x in [
            s.commissioner,
            s.provider,
            s.council,
            s.released,
            s.withheld,
            s.contingency,
        ] {
            push_num(&mut row, x);
            mark(&mut row);
        }
        for &x in &inputs[i * k..(i + 1) * k] {
            push_num(&mut row, x);
            mark(&mut row);
        }
        let fields = ends.iter().scan(0, |from, &to| {
            let f = &row[*from..to];
            *from = to;
            Some(f)
        });
        w.write_record(fields).map_err(|e| err(e.to_string()))?;
    }
    w.into_inner().map_err(|e| err(e.to_string()))
}

/// Shortest text that reads back as the same `f64` (Rust's `Display` round-trips).
fn num(x: f64) -> String {
    let mut s = String::new();
    push_num(&mut s, x);
    s
}

/// Append `x` exactly as Rust's `Display` prints it (the shortest digits that read back
/// as the same `f64`, never an exponent: `1`, `-0`, `0.0001`, `100000000000000000000`),
/// taking the digits from `ryu` (several times faster than `Display`).
pub fn push_num(out: &mut String, x: f64) {
    if !x.is_finite() {
        use std::fmt::Write as _;
        let _ = write!(out, "{x}");
        return;
    }
    let mut buffer = ryu::Buffer::new();
    let text = buffer.format_finite(x);
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = match text.split_once('e') {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (text, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    // Significant digits `d1 d2 …` and the decimal point's place after `point` of them.
    let mut digits = [0u8; 40];
    let mut n = 0;
    let mut point = int.len() as i32 + exponent;
    for &d in int.as_bytes().iter().chain(frac.as_bytes()) {
        if n == 0 && d == b'0' {
            point -= 1;
            continue;
        }
        if n < digits.len() {
            digits[n] = d;
            n += 1;
        }
    }
    while n > 0 && digits[n - 1] == b'0' {
        n -= 1;
    }
    if negative {
        out.push('-');
    }
    let digits = std::str::from_utf8(&digits[..n]).unwrap_or("0");
    if n == 0 {
        out.push('0');
    } else if point <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-point) as usize));
        out.push_str(digits);
    } else if point as usize >= n {
        out.push_str(digits);
        out.extend(std::iter::repeat_n('0', point as usize - n));
    } else {
        out.push_str(&digits[..point as usize]);
        out.push('.');
        out.push_str(&digits[point as usize..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `paths.csv` drawn and formatted in parallel pieces: every path once, in order,
    /// each row's inputs those the path drew (checked on both sides of each piece's
    /// edge), and the same bytes on one thread and on two.
    #[test]
    fn paths_csv_pieces_join_in_path_order_whatever_the_threads() {
        let scenario = Scenario::from_toml(crate::EXAMPLE_SCENARIO, "example.toml").unwrap();
        let paths = 2 * PIECE + 7;
        let run = |threads| {
            let options = crate::RunOptions {
                paths: paths as u64,
                seed: 11,
                threads: Some(threads),
            };
            crate::simulate(&scenario, &options, &|_| {}).unwrap()
        };
        let sim = run(2);
        let bytes = paths_csv(&scenario, &sim).unwrap();
        assert_eq!(bytes, paths_csv(&scenario, &run(1)).unwrap());
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        let k = scenario.inputs().len();
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), paths);
        for (j, row) in rows.iter().enumerate() {
            assert_eq!(row[0].parse::<usize>().unwrap(), j);
        }
        for j in [0, PIECE - 1, PIECE, 2 * PIECE - 1, 2 * PIECE, paths - 1] {
            let drawn = sim.path_inputs(j);
            let written: Vec<f64> = (0..k).map(|c| rows[j][17 + c].parse().unwrap()).collect();
            assert_eq!(written.len(), drawn.len());
            for (w, d) in written.iter().zip(&drawn) {
                assert_eq!(w.to_bits(), d.to_bits(), "path {j}");
            }
        }
    }

    /// `push_num` prints what `format!("{x}")` prints (special values, powers of ten,
    /// integers, money-like values, two million bit patterns from all over the range),
    /// except where two shortest forms are equally near the exact value: then `ryu` and
    /// `Display` may break the tie differently in the last digit; both read back as the
    /// same `f64`. Such ties are rare (counted here) and never in money-like values.
    #[test]
    fn push_num_is_display_but_for_ties() {
        let mut xs = vec![
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.1,
            0.3,
            1.0 / 3.0,
            123_456_789.0,
            1e15,
            1e16,
            1e17,
            1e21,
            1e22,
            1e-5,
            1e-7,
            5e-324,
            f64::MIN_POSITIVE,
            f64::MAX,
            f64::MIN,
            f64::EPSILON,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        for e in -30..30 {
            xs.push(10f64.powi(e));
            xs.push(-2.5 * 10f64.powi(e));
        }
        let mut state = 0x5EED_u64;
        for _ in 0..1_000_000 {
            state = crate::rng::splitmix(state);
            xs.push(f64::from_bits(state));
            xs.push(f64::from_bits(state >> 1) * 1e-20);
        }
        let mut ties = 0;
        for x in xs {
            let (ours, display) = (num(x), format!("{x}"));
            if ours != display {
                ties += 1;
                assert_eq!(ours.len(), display.len(), "{display}: {ours}");
                let back: f64 = ours.parse().expect("a number");
                assert_eq!(back.to_bits(), x.to_bits(), "{display}: {ours}");
            }
        }
        assert!(ties < 1_000, "{ties} ties in two million");
        let mut state = 7_u64;
        for _ in 0..1_000_000 {
            state = crate::rng::splitmix(state);
            let x = ((state >> 11) % 1_000_000_000_000) as f64 / 100.0;
            assert_eq!(num(x), format!("{x}"));
        }
    }
}
