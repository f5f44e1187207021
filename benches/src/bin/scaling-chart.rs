//! Draws `benches/scaling.tsv` (written by `benches/scaling.sh`) as a log-log SVG chart:
//! wall-clock time, CPU time and peak memory of whole `carefund run`s against the number
//! of paths (top) and against the number of per-period columns (bottom), each with a
//! dotted line proportional to the size through its smallest run.
//!
//! Usage: `scaling-chart TABLE.tsv OUT.svg`.

use std::error::Error;

use plotters::prelude::*;

/// The embedded font the library's charts use, so that text is measured the same way on
/// every machine.
static FONT: &[u8] = include_bytes!("../../../crates/carefund/assets/DejaVuSans.ttf");

/// One measured run (a row of the table).
struct Row {
    sweep: String,
    paths: f64,
    columns: f64,
    wall: f64,
    user: f64,
    rss_mb: f64,
}

fn read(path: &str) -> Result<Vec<Row>, Box<dyn Error>> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines
        .next()
        .ok_or(format!("{path}: empty"))?
        .split('\t')
        .collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .ok_or(format!("{path}: no column {name}"))
    };
    let (sweep, paths, columns) = (col("sweep")?, col("paths")?, col("columns")?);
    let (wall, user, rss) = (col("wall_s")?, col("user_s")?, col("peak_rss_mb")?);
    let mut rows = Vec::new();
    for (i, line) in lines.enumerate() {
        let f: Vec<&str> = line.split('\t').collect();
        let num = |k: usize| -> Result<f64, String> {
            f.get(k).and_then(|v| v.parse().ok()).ok_or(format!(
                "{path}: line {}: column {} is not a number",
                i + 2,
                k + 1
            ))
        };
        rows.push(Row {
            sweep: f.get(sweep).copied().unwrap_or_default().to_string(),
            paths: num(paths)?,
            columns: num(columns)?,
            wall: num(wall)?,
            user: num(user)?,
            rss_mb: num(rss)?,
        });
    }
    Ok(rows)
}

/// A series: its legend, colour and points.
type Series<'a> = (&'a str, RGBColor, Vec<(f64, f64)>);

/// Draws one log-log panel with its series and a dotted ∝ x line through the first
/// series' first point.
fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    title: &str,
    x_label: &str,
    y_label: &str,
    series: &[Series<'_>],
) -> Result<(), Box<dyn Error>>
where
    DB::ErrorType: 'static,
{
    let all = || series.iter().flat_map(|s| s.2.iter());
    let (x0, x1) = all().fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
    let (y0, y1) = all().fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.1), b.max(p.1)));
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("DejaVu Sans", 18))
        .margin(12)
        .x_label_area_size(42)
        .y_label_area_size(64)
        .build_cartesian_2d(
            (x0 / 1.5..x1 * 1.5).log_scale(),
            (y0 / 2.0..y1 * 2.0).log_scale(),
        )?;
    chart
        .configure_mesh()
        .light_line_style(WHITE)
        .bold_line_style(BLACK.mix(0.12))
        .x_labels(30)
        .y_labels(30)
        .x_desc(x_label)
        .y_desc(y_label)
        .label_style(("DejaVu Sans", 13))
        .axis_desc_style(("DejaVu Sans", 14))
        .x_label_formatter(&|v| one_two_five(*v))
        .y_label_formatter(&|v| one_two_five(*v))
        .draw()?;
    if let Some(&(x, y)) = series.first().and_then(|s| s.2.first()) {
        let line = [(x, y), (x1, y * x1 / x)];
        chart
            .draw_series(LineSeries::new(line, BLACK.mix(0.5).stroke_width(1)))?
            .label("∝ size (through the smallest run)")
            .legend(|(x, y)| PathElement::new([(x, y), (x + 18, y)], BLACK.mix(0.5)));
    }
    for (label, colour, points) in series {
        let colour = *colour;
        chart
            .draw_series(LineSeries::new(
                points.iter().copied(),
                colour.stroke_width(2),
            ))?
            .label(*label)
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], colour.stroke_width(2)));
        chart.draw_series(points.iter().map(|&p| Circle::new(p, 4, colour.filled())))?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .label_font(("DejaVu Sans", 13))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.3))
        .draw()?;
    Ok(())
}

/// The label of a log-axis tick at 1, 2 or 5 times a power of ten; blank for others.
fn one_two_five(v: f64) -> String {
    let m = v / 10f64.powf(v.log10().floor());
    if [1.0, 2.0, 5.0].iter().any(|k| (m - k).abs() < 1e-6) {
        short(v)
    } else {
        String::new()
    }
}

/// 1500 → "1.5k", 2000000 → "2M", 0.25 → "0.25".
fn short(v: f64) -> String {
    let trim = |x: f64| {
        let s = format!("{x:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    match v.abs() {
        a if a >= 1e6 => format!("{}M", trim(v / 1e6)),
        a if a >= 1e3 => format!("{}k", trim(v / 1e3)),
        _ => trim(v),
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, table, out] = args.as_slice() else {
        return Err("usage: scaling-chart TABLE.tsv OUT.svg".into());
    };
    plotters::style::register_font("DejaVu Sans", FontStyle::Normal, FONT)
        .map_err(|_| "the embedded font could not be loaded")?;
    let rows = read(table)?;
    let pick = |sweep: &str, y: fn(&Row) -> f64| -> Vec<(f64, f64)> {
        let mut v: Vec<(f64, f64)> = rows
            .iter()
            .filter(|r| r.sweep == sweep)
            .map(|r| (r.x(sweep), y(r)))
            .collect();
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        v
    };
    let (blue, orange, green) = (
        RGBColor(0, 114, 178),
        RGBColor(230, 159, 0),
        RGBColor(0, 158, 115),
    );
    let root = SVGBackend::new(out, (1200, 900)).into_drawing_area();
    root.fill(&WHITE)?;
    let panels = root.split_evenly((2, 2));
    let times = |sweep: &str| -> Vec<Series<'static>> {
        vec![
            ("CPU time (user)", orange, pick(sweep, |r| r.user)),
            ("wall clock", blue, pick(sweep, |r| r.wall)),
        ]
    };
    let memory = |sweep: &str| -> Vec<Series<'static>> {
        vec![("peak RSS", green, pick(sweep, |r| r.rss_mb))]
    };
    let paths = "paths (Swindon, 5 years quarterly)";
    let columns = "per-period columns (Swindon, 5y quarterly … 60y monthly)";
    panel(
        &panels[0],
        "Time against paths",
        paths,
        "seconds",
        &times("paths"),
    )?;
    panel(
        &panels[1],
        "Memory against paths",
        paths,
        "MB",
        &memory("paths"),
    )?;
    panel(
        &panels[2],
        "Time against horizon",
        columns,
        "seconds",
        &times("horizon"),
    )?;
    panel(
        &panels[3],
        "Memory against horizon",
        columns,
        "MB",
        &memory("horizon"),
    )?;
    root.present()?;
    Ok(())
}

impl Row {
    /// The sweep's size: paths for the paths sweep, columns for the horizon sweep.
    fn x(&self, sweep: &str) -> f64 {
        if sweep == "paths" {
            self.paths
        } else {
            self.columns
        }
    }
}
