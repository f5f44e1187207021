//! `carefund sensitivity`: tornado charts and Sobol indices for a scenario.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use carefund::RunOptions;
use carefund::chart::Format;
use carefund::sensitivity::{self, Output, SobolOptions, report::Report};

use crate::args::{ChartFormat, MethodArg, OutputArg, SensitivityArgs};
use crate::files::{BadInput, write_outputs};
use crate::run::load;

/// `carefund sensitivity`.
pub fn run(a: &SensitivityArgs) -> anyhow::Result<ExitCode> {
    let out = a.out.clone().unwrap_or_else(|| {
        let stem = a
            .scenario
            .file_stem()
            .map_or("scenario".into(), |s| s.to_string_lossy().into_owned());
        PathBuf::from("carefund-out").join(stem).join("sensitivity")
    });
    crate::outdir::recover(crate::outdir::parent_of(&out));
    crate::files::check_replaceable_dir(&out)?;
    let scenario = load(&a.scenario)?;
    let output = match a.output {
        OutputArg::CumNet => Output::CumNet,
        OutputArg::Npv => Output::Npv,
        OutputArg::Avoided => Output::Avoided,
    };
    let options = RunOptions {
        paths: a.paths,
        seed: a.seed,
        threads: a.threads,
    };
    carefund::threads::check(a.threads)?;
    let sobol_options = SobolOptions {
        rows: a.sobol_rows,
        seed: a.seed,
        bootstrap: a.bootstrap,
        confidence: 0.95,
        threads: a.threads,
    };
    let (tornado, swing_wanted, sobol) = match a.method {
        MethodArg::Tornado => (true, false, false),
        MethodArg::Swing => (false, true, false),
        MethodArg::Sobol => (false, false, true),
        MethodArg::All => (true, true, true),
    };

    let bar = crate::progress::bar(
        "base run",
        a.paths,
        "paths",
        crate::progress::visible(false),
    );

    a.reports
        .check(&[("the scenario file", a.scenario.as_path())], &out)?;
    options.check()?;
    // Bounds and memory before anything large is allocated.
    if sobol {
        if !(16..=sensitivity::MAX_ROWS).contains(&a.sobol_rows) {
            return Err(BadInput(format!(
                "--sobol-rows must be between 16 and {} (got {})",
                sensitivity::MAX_ROWS,
                a.sobol_rows
            ))
            .into());
        }
        if !(20..=sensitivity::MAX_BOOTSTRAP).contains(&a.bootstrap) {
            return Err(BadInput(format!(
                "--bootstrap must be between 20 and {} (got {})",
                sensitivity::MAX_BOOTSTRAP,
                a.bootstrap
            ))
            .into());
        }
        let dims = scenario
            .inputs()
            .iter()
            .filter(|i| !i.dist().is_fixed())
            .count();
        crate::run::check_memory_for(
            &format!("--sobol-rows {}", a.sobol_rows),
            sensitivity::sobol_memory_estimate(a.sobol_rows, dims),
        )?;
    }
    if tornado || swing_wanted || a.reports.wanted() {
        crate::run::check_memory_for(
            &format!("--paths {}", a.paths),
            carefund::api::runs_memory(&scenario, a.paths, a.threads, 2, 0),
        )?;
    }
    let mut report = Report::new(&scenario, output, a.seed, a.paths);
    let wants_report = a.reports.wanted();
    let mut base_summary = None;
    if tornado || swing_wanted || wants_report {
        let base = carefund::simulate(&scenario, &options, &|done| bar.set_position(done))?;
        if wants_report {
            base_summary = Some(carefund::summarise(&scenario, &base));
        }
        if tornado {
            report.tornado = Some(sensitivity::rank_tornado(&scenario, &base, output));
        }
        if swing_wanted {
            let inputs = sensitivity::free_inputs(&scenario).len() as u64;
            crate::progress::next_stage(&bar, "swing runs", inputs, "inputs (two runs each)");
            report.swing = Some(sensitivity::swing_with(
                &scenario,
                &base,
                output,
                &|done, _| bar.set_position(done as u64),
            )?);
        }
    }
    if sobol {
        crate::progress::next_stage(&bar, "Sobol indices", 0, "model evaluations");
        report.sobol = Some(sensitivity::sobol_scenario_with(
            &scenario,
            output,
            &sobol_options,
            &|done, total| {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
            },
        )?);
    }
    bar.finish_and_clear();

    let formats: &[Format] = match a.format {
        ChartFormat::Png => &[Format::Png],
        ChartFormat::Svg => &[Format::Svg],
        ChartFormat::Both => &[Format::Png, Format::Svg],
    };
    let files = sensitivity::report::files(&report, formats)?;
    // Reports are built before anything is written, so a failure leaves no output.
    let mut reports = Vec::new();
    if let Some(summary) = &base_summary {
        let mut input = carefund::report::ReportInput::new(&scenario, summary);
        input
            .sections
            .push(carefund::report::sections::sensitivity(&report));
        reports = a.reports.render(&input)?;
    }
    write_outputs(&out, &files, &reports)?;

    let mut stdout = std::io::stdout().lock();
    write!(stdout, "{}", sensitivity::report::render_text(&report))?;
    let mut names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    names.push(crate::outdir::MANIFEST);
    writeln!(stdout, "\nwrote {}: {}", out.display(), names.join(", "))?;
    for (path, _) in &reports {
        writeln!(stdout, "wrote {}", path.display())?;
    }
    Ok(ExitCode::SUCCESS)
}
