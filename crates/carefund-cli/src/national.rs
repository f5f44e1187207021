//! `carefund national`: one template applied to every area of a CSV file.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use carefund::RunOptions;
use carefund::national::{self, Factors, Portfolio, report};
use carefund::report::NationalInput as ReportInput;

use crate::args::{ChartFormat, NationalArgs};
use crate::files::{Kind, read_input, read_text, write_outputs};

/// `carefund national`.
pub fn national(a: &NationalArgs) -> anyhow::Result<ExitCode> {
    let out = a.out.clone().unwrap_or_else(|| {
        let stem = a
            .areas
            .file_stem()
            .map_or("areas".into(), |s| s.to_string_lossy().into_owned());
        PathBuf::from("carefund-out").join(format!("national-{stem}"))
    });
    crate::outdir::recover(crate::outdir::parent_of(&out));
    let template = read_text(&a.template)?;
    let areas = read_input(&a.areas, Kind::Areas)?;
    let portfolio = Portfolio::from_text(
        &template,
        &a.template.display().to_string(),
        &areas,
        &a.areas.display().to_string(),
    )?;
    let from_file = portfolio.factors();
    let portfolio = portfolio.with_factors(Factors {
        effect_correlation: a.effect_correlation.unwrap_or(from_file.effect_correlation),
        growth_correlation: a.growth_correlation.unwrap_or(from_file.growth_correlation),
    })?;
    let options = RunOptions {
        paths: a.paths,
        seed: a.seed,
        threads: a.threads,
    };
    a.reports.check(
        &[
            ("the areas file", a.areas.as_path()),
            ("the template scenario", a.template.as_path()),
        ],
        &out,
    )?;
    crate::files::check_replaceable_dir(&out)?;
    options.check()?;
    // Every area's per-path summaries are kept (a lower bound of what is held).
    crate::run::check_memory_for(
        &format!("--paths {} for {} areas", a.paths, portfolio.areas().len()),
        carefund::api::runs_memory(
            portfolio.template(),
            a.paths,
            a.threads,
            1,
            portfolio.areas().len() as u64,
        ),
    )?;
    let total = a.paths.saturating_mul(portfolio.areas().len() as u64);
    let bar = crate::progress::bar(
        "national run",
        total,
        "area-paths",
        crate::progress::visible(false),
    );
    let result = national::simulate(&portfolio, &options, &|done| bar.set_position(done))?;
    bar.finish_and_clear();

    let formats: &[carefund::chart::Format] = match a.format {
        ChartFormat::Png => &[carefund::chart::Format::Png],
        ChartFormat::Svg => &[carefund::chart::Format::Svg],
        ChartFormat::Both => &[carefund::chart::Format::Png, carefund::chart::Format::Svg],
    };
    let mut files = vec![
        ("national.json".to_string(), report::json(&result)?),
        ("areas.csv".to_string(), report::areas_csv(&result)?),
        (
            "national-paths.csv".to_string(),
            report::paths_csv(&result)?,
        ),
    ];
    for &format in formats {
        files.extend(report::charts(&result, format)?);
    }
    // Reports are built before anything is written, so a failure leaves no output.
    let reports = a
        .reports
        .render(&ReportInput::new(&result, portfolio.template()))?;
    write_outputs(&out, &files, &reports)?;

    let mut stdout = std::io::stdout().lock();
    write!(stdout, "{}", report::render(&result))?;
    let mut names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    names.push(crate::outdir::MANIFEST);
    writeln!(
        stdout,
        "\nseed {} · wrote {}: {}",
        a.seed,
        out.display(),
        names.join(", ")
    )?;
    for (path, _) in &reports {
        writeln!(stdout, "wrote {}", path.display())?;
    }
    Ok(ExitCode::SUCCESS)
}
