//! Two-way sensitivity: a metric over a grid of two inputs, everything else on common
//! random numbers (issue 11).
//!
//! For every cell `(x_i, y_j)` the scenario is cloned, both inputs are held at the
//! cell's values (`Dist::Fixed`) and the clone is simulated with the same seed and
//! number of paths. Streams are keyed by input name, so every other input draws the
//! same values on every path in every cell: cells differ only by the two inputs, and
//! a cell equals a single run of the scenario with both inputs set to its values, bit
//! for bit.
//!
//! An input in a `[[correlation]]` group is held in place like any other; its partners
//! keep drawing their correlated uniforms, so they are *not* conditioned on the held
//! value (as in [`crate::sensitivity::swing`]). A cell is then the scenario with the two
//! inputs fixed and the copula otherwise unchanged.

use serde::Serialize;

#[cfg(feature = "report")]
use crate::chart::{Format, Heatmap, heatmap};
use crate::dist::Dist;
use crate::engine::{RunOptions, simulate};
use crate::error::{Diagnostic, Error, Opt, Result, did_you_mean};
use crate::scenario::Scenario;
use crate::summary::summarise;

/// Most values along one axis.
pub const MAX_COUNT: usize = 101;

/// What each cell reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// P(cumulative system net at the horizon ≥ 0), docs/model.md §5.
    #[default]
    PBreakEven,
    /// Median cumulative system net at the horizon (£).
    MedianCumNet,
    /// Mean NPV of system net (£).
    MeanNpv,
}

impl Metric {
    /// Every metric of a grid.
    pub const VARIANTS: [Metric; 3] = [Metric::PBreakEven, Metric::MedianCumNet, Metric::MeanNpv];

    /// The name used on the command line and in files: the [`MetricName`]'s.
    ///
    /// [`MetricName`]: crate::metric::MetricName
    pub fn name(self) -> &'static str {
        self.metric_name().name()
    }

    /// Which [`MetricName`](crate::metric::MetricName) this is.
    pub fn metric_name(self) -> crate::metric::MetricName {
        match self {
            Metric::PBreakEven => crate::metric::MetricName::PBreakEven,
            Metric::MedianCumNet => crate::metric::MetricName::MedianCumNet,
            Metric::MeanNpv => crate::metric::MetricName::MeanNpv,
        }
    }
    /// The metric in words, with its unit (money in millions of `currency`).
    pub fn describe(self, currency: crate::fmt::Currency) -> String {
        match self {
            Metric::PBreakEven => "P(break even by the horizon)".into(),
            Metric::MedianCumNet => format!(
                "Median cumulative net at the horizon, {}",
                currency.millions()
            ),
            Metric::MeanNpv => format!("Mean NPV of system net, {}", currency.millions()),
        }
    }
    /// The level of the break-even contour: 0.5 for a probability, 0 for money.
    pub fn break_even_level(self) -> f64 {
        match self {
            Metric::PBreakEven => 0.5,
            Metric::MedianCumNet | Metric::MeanNpv => 0.0,
        }
    }
}

/// One axis of the grid: an input name and evenly spaced values `lo..=hi`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Axis {
    /// The input, e.g. `costs.cashable_share_long`.
    pub input: String,
    /// First value.
    pub lo: f64,
    /// Last value.
    pub hi: f64,
    /// Number of values (≥ 1; 1 means `lo` only).
    pub count: usize,
}

impl Axis {
    /// The grid values: `lo + k·(hi − lo)/(count − 1)`, `k = 0..count`, the last exactly
    /// `hi`, each rounded to 12 decimals when that is within 10⁻¹² of it (so
    /// `0.4:0.8:3` gives exactly 0.6, not 0.6000000000000001).
    pub fn values(&self) -> Vec<f64> {
        if self.count <= 1 {
            return vec![self.lo];
        }
        let step = (self.hi - self.lo) / (self.count - 1) as f64;
        (0..self.count)
            .map(|k| {
                if k + 1 == self.count {
                    return self.hi;
                }
                let v = self.lo + step * k as f64;
                let r = (v * 1e12).round() / 1e12;
                if r.is_finite() && (r - v).abs() <= 1e-12 * v.abs().max(1.0) {
                    r
                } else {
                    v
                }
            })
            .collect()
    }
}

/// Parses `name=lo:hi:count` given as the option `option` ([`Opt::AxisX`] or
/// [`Opt::AxisY`]; messages name it, see [`Diagnostic::for_option`]), checking the
/// name against the scenario's inputs and the values against the input's bounds.
///
/// # Errors
/// [`Error::Input`] naming the option and the value: a missing `=`, not three numbers,
/// `lo > hi`, a count outside `1..=`[`MAX_COUNT`] (or `lo < hi` with count 1), an unknown
/// input (with the closest names), or values outside the input's allowed range.
pub fn parse_axis(option: Opt, spec: &str, scenario: &Scenario) -> Result<Axis> {
    let bad = |problem: &str| {
        Error::from(
            Diagnostic::for_option(option, problem)
                .value(format!("`{spec}`"))
                .allowed("NAME=LO:HI:COUNT, e.g. costs.cashable_share_long=0.3:0.9:7"),
        )
    };
    let (name, range) = spec
        .rsplit_once('=')
        .ok_or_else(|| bad("expected an input name, `=` and a range"))?;
    let name = name.trim();
    let Some(k) = scenario.input_index(name) else {
        let names: Vec<&str> = scenario.inputs().iter().map(|i| i.name()).collect();
        let close: Vec<&str> = names
            .iter()
            .copied()
            .filter(|n| {
                let (a, b) = (n.to_lowercase(), name.to_lowercase());
                a.contains(&b) || b.contains(&a) || did_you_mean(name, [*n]).is_some()
            })
            .take(8)
            .collect();
        let allowed = if close.is_empty() {
            names.join(", ")
        } else {
            close.join(", ")
        };
        return Err(
            Diagnostic::for_option(option, "no such input in the scenario")
                .value(format!("`{name}`"))
                .allowed(allowed)
                .suggestion(did_you_mean(name, names.iter().copied()))
                .into(),
        );
    };
    let parts: Vec<&str> = range.split(':').map(str::trim).collect();
    let [lo, hi, count] = parts.as_slice() else {
        return Err(bad("the range must be three numbers LO:HI:COUNT"));
    };
    let number = |s: &str| s.parse::<f64>().ok().filter(|v| v.is_finite());
    let (Some(lo), Some(hi)) = (number(lo), number(hi)) else {
        return Err(bad("LO and HI must be finite numbers"));
    };
    let Ok(count) = count.parse::<usize>() else {
        return Err(bad("COUNT must be a whole number"));
    };
    if lo > hi {
        return Err(bad("LO must not exceed HI"));
    }
    if !(1..=MAX_COUNT).contains(&count) {
        return Err(bad(&format!("COUNT must be 1 to {MAX_COUNT}")));
    }
    if count == 1 && hi > lo {
        return Err(bad("COUNT 1 needs LO = HI"));
    }
    let (min, max) = scenario.inputs()[k].bounds();
    if lo < min || hi > max {
        return Err(
            Diagnostic::for_option(option, "the range leaves the input's allowed values")
                .key(name)
                .value(format!("`{spec}`"))
                .allowed(format!("{min} to {max}"))
                .into(),
        );
    }
    Ok(Axis {
        input: name.to_string(),
        lo,
        hi,
        count,
    })
}

/// One cell of the grid.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Cell {
    /// The x input's value.
    pub x: f64,
    /// The y input's value.
    pub y: f64,
    /// The metric.
    pub value: f64,
    /// Its Monte Carlo standard error (see [`Grid`]).
    pub se: f64,
}

/// The grid of a two-way analysis.
///
/// Standard errors: P(break even) `√(p(1−p)/n)`; mean NPV `sd/√n`; median cumulative
/// net `1.2533·σ̂/√n` with `σ̂ = IQR/1.349` — the normal-theory SE of a median, an
/// approximation when the distribution is skewed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Grid {
    /// Scenario name.
    pub scenario: String,
    /// The currency of every amount.
    pub currency: crate::fmt::Currency,
    /// The metric.
    pub metric: Metric,
    /// The x axis.
    pub x: Axis,
    /// The y axis.
    pub y: Axis,
    /// Paths per cell.
    pub paths: u64,
    /// Seed (the same for every cell).
    pub seed: u64,
    /// Cells row by row: y outer, x inner (`cells[j·nx + i]`).
    pub cells: Vec<Cell>,
}

/// The metric and its SE of a scenario run with `options`.
///
/// # Errors
/// Whatever [`simulate`] returns.
pub fn metric_of(scenario: &Scenario, options: &RunOptions, metric: Metric) -> Result<(f64, f64)> {
    let sim = simulate(scenario, options, &|_| {})?;
    let h = summarise(scenario, &sim).headline;
    let n = sim.paths().max(1) as f64;
    Ok(match metric {
        Metric::PBreakEven => (h.p_break_even, h.p_break_even_se),
        Metric::MeanNpv => (h.npv.mean, h.npv.se),
        Metric::MedianCumNet => {
            let s = &h.cum_net_horizon;
            (s.p50, 1.2533 * (s.p75 - s.p25) / 1.349 / n.sqrt())
        }
    })
}

/// Runs the grid: one simulation per cell, cells in order, `progress(done, total)`
/// after each.
///
/// # Formula
/// cell(i, j) = metric of `simulate(scenario with x := x_i, y := y_j, same seed)`.
///
/// # Errors
/// [`Error::Input`] if both axes name the same input or an input is unknown;
/// whatever [`simulate`] returns for bad options.
pub fn grid(
    scenario: &Scenario,
    x: &Axis,
    y: &Axis,
    metric: Metric,
    options: &RunOptions,
    progress: &dyn Fn(usize, usize),
) -> Result<Grid> {
    if x.input == y.input {
        return Err(
            Diagnostic::for_option(Opt::AxisY, "the two axes must be different inputs")
                .value(format!("`{}`", y.input))
                .into(),
        );
    }
    let index = |a: &Axis, option: Opt| {
        scenario.input_index(&a.input).ok_or_else(|| {
            Error::from(Diagnostic::for_option(option, "no such input").value(a.input.clone()))
        })
    };
    let (kx, ky) = (index(x, Opt::AxisX)?, index(y, Opt::AxisY)?);
    let (xs, ys) = (x.values(), y.values());
    let total = xs.len() * ys.len();
    let mut cells = Vec::with_capacity(total);
    for &yv in &ys {
        for &xv in &xs {
            let mut s = scenario.clone();
            s.inputs_mut()[kx].set_dist(Dist::Fixed(xv));
            s.inputs_mut()[ky].set_dist(Dist::Fixed(yv));
            let (value, se) = metric_of(&s, options, metric)?;
            cells.push(Cell {
                x: xv,
                y: yv,
                value,
                se,
            });
            progress(cells.len(), total);
        }
    }
    Ok(Grid {
        scenario: scenario.name().to_string(),
        currency: scenario.currency(),
        metric,
        x: x.clone(),
        y: y.clone(),
        paths: options.paths,
        seed: options.seed,
        cells,
    })
}

/// The grid as CSV: a header naming the two inputs and the metric, then one row per
/// cell (`x, y, metric, metric_se`), y outer, x inner.
pub fn grid_csv(g: &Grid) -> String {
    let quote = |s: &str| {
        if s.contains([',', '"', '\n']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let m = g.metric.name();
    let mut out = format!("{},{},{m},{m}_se\n", quote(&g.x.input), quote(&g.y.input));
    for c in &g.cells {
        out.push_str(&format!("{},{},{},{}\n", c.x, c.y, c.value, c.se));
    }
    out
}

/// An input's axis description with its unit, and the factor its values are shown
/// multiplied by (100 for shares shown as %).
pub fn axis_label(input: &str, currency: crate::fmt::Currency) -> (String, f64) {
    let pct = |what: &str| (format!("{input}, {what}"), 100.0);
    if input.ends_with(".effect") {
        pct("% of admissions avoided")
    } else if input.starts_with("costs.cashable_share") || input.ends_with(".success_probability") {
        pct("%")
    } else if input == "demand.growth" || input == "fund.uplift" {
        pct("% a year")
    } else if input == "costs.unit_cost" {
        (
            format!("{input}, {} per admission", currency.symbol().trim_end()),
            1.0,
        )
    } else if input.ends_with(".ramp_years") {
        (format!("{input}, years"), 1.0)
    } else if input.ends_with(".cost_overrun") {
        (format!("{input}, × planned cost"), 1.0)
    } else {
        (input.to_string(), 1.0)
    }
}

/// The heatmap of a grid, with the break-even contour (P = 0.5, or net = 0).
#[cfg(feature = "report")]
pub fn grid_chart(g: &Grid) -> Heatmap {
    let (x_label, sx) = axis_label(&g.x.input, g.currency);
    let (y_label, sy) = axis_label(&g.y.input, g.currency);
    let money = !matches!(g.metric, Metric::PBreakEven);
    // Money in £m; the probability in % (so cells read "12", not "0.12").
    let scale = if money { 1e-6 } else { 100.0 };
    let values = g.cells.iter().map(|c| c.value * scale).collect();
    let contour_label = match g.metric {
        Metric::PBreakEven => "P(break even) = 50%",
        Metric::MedianCumNet => "median net = 0",
        Metric::MeanNpv => "mean NPV = 0",
    };
    Heatmap {
        title: format!("{}: two-way sensitivity", g.scenario),
        subtitle: format!(
            "{}; {} paths a cell, seed {}, all else on common random numbers",
            g.metric.describe(g.currency),
            crate::fmt::group(g.paths as f64),
            g.seed
        ),
        x_label,
        y_label,
        value_label: g.metric.describe(g.currency),
        x: g.x.values(),
        y: g.y.values(),
        values,
        contour: Some(g.metric.break_even_level() * scale),
        contour_label: contour_label.into(),
        tick_scale: (sx, sy),
    }
}

/// The files of a two-way analysis: `twoway.csv`, `twoway.json` and the heatmap
/// `twoway.png` / `twoway.svg` for each format asked for.
///
/// # Errors
/// [`Error::Export`] if the JSON cannot be written; [`Error::Chart`] if the chart
/// cannot be drawn.
#[cfg(feature = "report")]
pub fn files(g: &Grid, formats: &[Format]) -> Result<Vec<(String, Vec<u8>)>> {
    let mut out = data_files(g)?;
    let chart = grid_chart(g);
    for &f in formats {
        let bytes = heatmap(&chart, f).map_err(|source| Error::Chart {
            name: "twoway",
            source,
        })?;
        out.push((format!("twoway.{}", f.extension()), bytes));
    }
    Ok(out)
}

/// `twoway.csv` and `twoway.json`: the grid's numbers, without the chart.
///
/// # Errors
/// [`Error::Export`] if the JSON cannot be written.
pub fn data_files(g: &Grid) -> Result<Vec<(String, Vec<u8>)>> {
    let mut json = serde_json::to_vec_pretty(g).map_err(|e| Error::Export {
        what: "twoway.json",
        message: e.to_string(),
    })?;
    json.push(b'\n');
    Ok(vec![
        ("twoway.csv".to_string(), grid_csv(g).into_bytes()),
        ("twoway.json".into(), json),
    ])
}

/// The grid as a text table for the terminal: one row per y value, one column per x.
pub fn render_text(g: &Grid) -> String {
    let xs = g.x.values();
    let money = !matches!(g.metric, Metric::PBreakEven);
    let minus = |s: String| s.replace('-', "−");
    // Money in millions of the currency, a probability in percent, one rule per table.
    let cell = |v: f64| {
        let s = if money {
            format!("{:.1}", v / 1e6)
        } else {
            format!("{:.0}%", 100.0 * v)
        };
        format!("{:>9}", minus(s))
    };
    // Axis values as the chart shows them: shares in percent, the rest as numbers.
    let value = |input: &str, v: f64| {
        let (_, factor) = axis_label(input, g.currency);
        let s = if factor > 1.0 {
            format!("{:.2}%", factor * v)
        } else {
            crate::fmt::number(v)
        };
        minus(s)
    };
    let unit = if money {
        format!(" (cells in {})", g.currency.millions())
    } else {
        String::new()
    };
    let mut out = format!(
        "{} — {}{unit} ({} paths per cell, seed {})\nrows: {}; columns: {}\n",
        g.scenario,
        g.metric.describe(g.currency),
        crate::fmt::group(g.paths as f64),
        g.seed,
        g.y.input,
        g.x.input
    );
    out.push_str(&format!("{:>10}", ""));
    for x in &xs {
        out.push_str(&format!("{:>9}", value(&g.x.input, *x)));
    }
    out.push('\n');
    for row in g.cells.chunks(xs.len().max(1)) {
        out.push_str(&format!("{:>10}", value(&g.y.input, row[0].y)));
        for c in row {
            out.push_str(&cell(c.value));
        }
        out.push('\n');
    }
    out
}
