//! `carefund twoway`: a metric over a grid of two inputs, as a heatmap, CSV and JSON.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use carefund::RunOptions;
use carefund::chart::Format;
use carefund::twoway;

use crate::args::{ChartFormat, TwowayArgs};
use crate::files::write_outputs;
use crate::run::load;

/// `carefund twoway`.
pub fn run(a: &TwowayArgs) -> anyhow::Result<ExitCode> {
    let out = a.out.clone().unwrap_or_else(|| {
        let stem = a
            .scenario
            .file_stem()
            .map_or("scenario".into(), |s| s.to_string_lossy().into_owned());
        PathBuf::from("carefund-out").join(stem).join("twoway")
    });
    crate::outdir::recover(crate::outdir::parent_of(&out));
    crate::files::check_replaceable_dir(&out)?;
    let scenario = load(&a.scenario)?;
    let x = twoway::parse_axis("--x", &a.x, &scenario)?;
    let y = twoway::parse_axis("--y", &a.y, &scenario)?;
    let metric = a.metric.0;
    let options = RunOptions {
        paths: a.paths,
        seed: a.seed,
        threads: a.threads,
    };
    options.check()?;
    crate::run::check_memory_for(
        &format!("--paths {}", a.paths),
        carefund::api::runs_memory(&scenario, a.paths, a.threads, 2, 0),
    )?;
    let total = (x.count * y.count) as u64;
    let bar = crate::progress::bar(
        "two-way grid",
        total,
        "cells",
        crate::progress::visible(false),
    );
    let grid = twoway::grid(&scenario, &x, &y, metric, &options, &|done, _| {
        bar.set_position(done as u64);
    })?;
    bar.finish_and_clear();
    let formats: &[Format] = match a.format {
        ChartFormat::Png => &[Format::Png],
        ChartFormat::Svg => &[Format::Svg],
        ChartFormat::Both => &[Format::Png, Format::Svg],
    };
    let files = twoway::files(&grid, formats)?;
    write_outputs(&out, &files, &[])?;
    let mut stdout = std::io::stdout().lock();
    write!(stdout, "{}", twoway::render_text(&grid))?;
    let mut names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    names.push(crate::outdir::MANIFEST);
    writeln!(stdout, "\nwrote {}: {}", out.display(), names.join(", "))?;
    Ok(ExitCode::SUCCESS)
}
